"""Regressions found when the wave-2 pieces met: damaged --previous, hostile names in validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imvo_cli.cli import app

from conftest import SAMPLE, write_csv

runner = CliRunner()


def test_regression_a_damaged_previous_output_is_an_input_error_not_an_internal_one(tmp_path: Path):
    for facilities in ([1], [{"facility_id": "F1", "record_ids": "R1"}], "F1"):
        prev = tmp_path / "prev.json"
        prev.write_text(json.dumps({"schema": "imvo.aggregate/1", "facilities": facilities}))
        res = runner.invoke(app, ["aggregate", str(SAMPLE / "members"), "--previous", str(prev),
                                  "--format", "json"])
        assert res.exit_code == 2, (facilities, res.output)
        assert "previous output is damaged" in res.output


@pytest.mark.parametrize("width", [40, 80, 200])
def test_regression_validate_never_prints_a_forged_workflow_command(tmp_path: Path, width: int):
    # a sheet named "Sheet\u202e1\n::warning ::x", names with escape sequences (corpus file);
    # at any terminal width: a wrapped title must not start a line with "::"
    path = Path(__file__).parent / "data" / "bad" / "hostile_names.xlsx"
    res = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": str(width)})
    assert res.exit_code == 0  # the names are odd, the list is usable
    assert "Sheet" in res.stdout
    assert not any(line.lstrip().startswith("::") for line in res.stdout.splitlines())
    assert "\x1b[31m" not in res.stdout


def test_regression_the_reader_worker_reads_relative_paths_from_the_current_folder(tmp_path, monkeypatch):
    """The parse worker is forked once; a later change of folder must not lose relative paths."""
    import shutil

    from imvo_cli.ingest import read_suppliers

    read_suppliers(SAMPLE / "suppliers.xlsx")  # starts the worker here
    shutil.copyfile(SAMPLE / "suppliers.xlsx", tmp_path / "copy.xlsx")
    monkeypatch.chdir(tmp_path)
    assert len(read_suppliers("copy.xlsx").suppliers) == 79


def test_map_osh_and_facilities_options_attach_and_write(tmp_path):
    """imvo map --facilities attaches OS IDs into the JSON; --osh writes an upload that re-reads."""
    import csv
    import importlib.util
    import random

    from imvo_cli.ingest import read_suppliers
    from imvo_cli.mapping import OSH_ATTACHMENTS
    from imvo_cli.osh.matching import GRAPH_KEY

    assert OSH_ATTACHMENTS == GRAPH_KEY
    sample = SAMPLE / "suppliers.xlsx"
    upload = tmp_path / "upload.csv"
    res = runner.invoke(app, ["map", str(sample), "--osh", str(upload), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert len(read_suppliers(upload).suppliers) == 78  # one sample supplier has no address
    # the upload itself as a download: every location finds its own row back
    spec = importlib.util.spec_from_file_location(
        "make_osh_gazetteer", Path(__file__).parent.parent / "scripts" / "make_osh_gazetteer.py")
    gazetteer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gazetteer)
    rng = random.Random(7)
    download = tmp_path / "download.csv"
    with upload.open(encoding="utf-8-sig") as src, download.open("w", encoding="utf-8", newline="") as dst:
        rows = list(csv.DictReader(src))
        w = csv.writer(dst)
        w.writerow(["os_id", "name", "address", "country_code", "country_name", "is_closed"])
        for i, r in enumerate(rows):
            w.writerow([gazetteer.os_id(rng, r["country"]), r["name"], r["address"], r["country"],
                        "", "False"])
    res = runner.invoke(app, ["map", str(sample), "--facilities", str(download), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    attached = [n for n in doc["nodes"] if "os_id_match" in n.get("attributes", {})]
    assert len(attached) >= 70


def test_regression_map_table_and_tree_show_hostile_names_inert():
    path = Path(__file__).parent / "data" / "bad" / "hostile_names.xlsx"
    for extra in ([], ["--tree"]):
        res = runner.invoke(app, ["map", str(path), *extra])
        assert res.exit_code == 0, res.output
        assert "\x1b" not in res.stdout and "\u202e" not in res.stdout
        assert not any(line.lstrip().startswith("::") for line in res.stdout.splitlines())
