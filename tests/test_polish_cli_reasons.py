"""The reason `imvo check` gives for a file it cannot read, and for a baseline it cannot read,
is the localised error text (ErrorText): Dutch in the table, markdown, workbook and on stderr
under --lang nl; the English str(error) in JSON and JUnit, as before."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SAMPLE
from openpyxl import load_workbook
from typer.testing import CliRunner

from imvo_cli.baseline import apply_baseline
from imvo_cli.check import check_file, run_check
from imvo_cli.cli import app
from imvo_cli.i18n.messages import ErrorText, say

runner = CliRunner()
BROKEN = b"PK\x03\x04garbage"
ENGLISH = "not a valid xlsx file"
DUTCH = "geen geldig xlsx-bestand"


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch):
    monkeypatch.delenv("IMVO_LANG", raising=False)


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(BROKEN)
    return path


def test_the_reason_is_the_error_text(broken):
    result = check_file(broken)
    assert result.status == "error"
    (reason,) = result.reasons
    assert isinstance(reason, ErrorText)
    assert reason == str(reason.error) and ENGLISH in reason
    assert say(reason, "nl").startswith(f"{broken}: {DUTCH}")


def test_the_reason_survives_a_worker_process(tmp_path, broken):
    second = tmp_path / "ook-kapot.xlsx"
    second.write_bytes(BROKEN)
    result = run_check([broken, second], jobs=2)
    assert [type(f.reasons[0]) for f in result.files] == [ErrorText, ErrorText]
    assert all(DUTCH in say(f.reasons[0], "nl") for f in result.files)


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_dutch_reports_say_why_a_file_is_unreadable(broken, fmt):
    result = runner.invoke(app, ["check", str(broken), "--lang", "nl", "--format", fmt,
                                 "--jobs", "1"], env={"COLUMNS": "400"})  # no cell folds
    assert result.exit_code == 2
    assert DUTCH in result.stdout and ENGLISH not in result.stdout
    assert f"imvo: fout: {broken}: {DUTCH}" in result.stderr
    assert ENGLISH not in result.stderr


def test_json_and_junit_keep_the_english_reason(broken):
    doc = json.loads(runner.invoke(app, ["check", str(broken), "--lang", "nl", "--format",
                                         "json", "--jobs", "1"]).stdout)
    assert ENGLISH in doc["files"][0]["reasons"][0]
    junit = runner.invoke(app, ["check", str(broken), "--lang", "nl", "--format", "junit",
                                "--jobs", "1"]).stdout
    assert ENGLISH in junit and DUTCH not in junit


def test_the_dutch_workbook_says_the_reason_in_dutch(tmp_path, broken):
    out = tmp_path / "controle.xlsx"
    result = runner.invoke(app, ["check", str(broken), "--lang", "nl", "--export", str(out),
                                 "--jobs", "1", "-q"])
    assert result.exit_code == 2
    cells = [str(c) for ws in load_workbook(out).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(DUTCH in c for c in cells) and not any(ENGLISH in c for c in cells)


def test_an_unreadable_baseline_is_said_in_dutch(tmp_path, broken):
    listing = tmp_path / "suppliers.xlsx"
    shutil.copy(SAMPLE / "suppliers.xlsx", listing)
    judged, _ = apply_baseline(check_file(listing), broken)
    (reason,) = judged.reasons
    assert ENGLISH in reason and reason.startswith("baseline: ")
    assert say(reason, "nl").startswith(f"referentielijst: {broken}: {DUTCH}")
    result = runner.invoke(app, ["check", str(listing), "--baseline", str(broken), "--lang", "nl",
                                 "--format", "markdown", "--jobs", "1"])
    assert result.exit_code == 2
    assert f"referentielijst: {broken}: {DUTCH}" in result.stdout
    assert ENGLISH not in result.stdout + result.stderr
    english = runner.invoke(app, ["check", str(listing), "--baseline", str(broken),
                                  "--format", "markdown", "--jobs", "1"])
    assert f"baseline: {broken}: {ENGLISH}" in english.stdout
