"""Acceptance of the hardening rules on inputs built here: text XML cannot hold never breaks a
workbook, output errors name the path the user gave, declared sizes are checked before the
reader allocates them, and each report channel keeps hostile text inert."""

from __future__ import annotations

import csv
import errno
import io
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.export import atomic

NONCHARS = "Bad\ufffe\uffffName"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _hostile_csv(tmp_path: Path) -> Path:
    return _csv(tmp_path / "list.csv", [
        ["ID", "Name", "Address", "City", "Country", "Tier", "Supplies to"],
        ["S1", NONCHARS, "1 Mill Road \ufffe", "Dhaka", "Bangladesh", "1", ""],
        ["S2", "=HYPERLINK(\"http://evil.example\")", "2 Mill Road", "Dhaka", "Bangladesh", "2", "S1"],
    ])


def _every_xml_part_parses(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(zf.read(name))  # raises on a character XML 1.0 forbids


def test_annotated_copy_of_a_csv_with_unicode_nonchars_is_a_valid_workbook(tmp_path):
    # U+FFFE and U+FFFF pass the ingest clean-up; the rebuilt copy wrote them raw, and
    # Excel and openpyxl refused the whole workbook.
    src = _hostile_csv(tmp_path)
    out = tmp_path / "annotated.xlsx"
    r = run("map", src, "--export", out)
    assert r.exit_code == 0, r.stderr
    _every_xml_part_parses(out)
    wb = openpyxl.load_workbook(out)
    names = [c.value for c in wb.worksheets[0]["B"]]
    assert "BadName" in names
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_cell_value_drops_what_xml_cannot_hold():
    from imvo_cli.export.xlsx import cell_value
    assert cell_value("a\ufffe\uffffb\x01c\x0bd") == "abcd"
    assert cell_value("tab\tand\nnewline") == "tab\tand\nnewline"


def test_export_into_a_missing_folder_names_the_folder_not_a_temporary_file(tmp_path):
    src = _hostile_csv(tmp_path)
    r = run("map", src, "--export", tmp_path / "nowhere" / "annotated.xlsx")
    assert r.exit_code == 2
    assert "output folder does not exist" in r.stderr and "nowhere" in r.stderr, r.stderr
    assert ".imvo-" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]


def test_a_full_stream_output_names_the_stream(tmp_path, monkeypatch):
    # `-o /dev/full` said "a file: No space left on device": the stream was not named.
    target = tmp_path / "stream"
    monkeypatch.setattr(atomic, "is_stream", lambda p: Path(p) == target)

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(Exception) as info:
        with atomic.atomic_path(target):
            full()
    assert info.value.code == "output-os-error"
    assert str(target) in str(info.value) and "disk is full" in str(info.value)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_json_report_to_dev_full_names_it():
    src = Path(__file__).resolve().parent / "data" / "chains.csv"
    r = run("map", src, "--format", "json", "--output", "/dev/full")
    assert r.exit_code == 2
    assert "/dev/full" in r.stderr and "a file" not in r.stderr, r.stderr
