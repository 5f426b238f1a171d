"""imvo check through the command line: exit codes and every report format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from imvo_cli.cli import app

from test_check import broken_file, clean_list, risky_list

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["check", *map(str, args)])


def test_exit_codes(tmp_path: Path):
    clean = clean_list(tmp_path / "clean.csv")
    risky = risky_list(tmp_path / "risky.csv")
    broken = broken_file(tmp_path / "broken.xlsx")
    assert run(clean, "--jobs", "1").exit_code == 0
    assert run(clean, risky, "--jobs", "1").exit_code == 1
    assert run(risky, "--fail-on", "never", "--jobs", "1").exit_code == 0
    res = run(clean, risky, broken, "--jobs", "1")
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert run(clean, "--fail-on", "severe").exit_code == 2


def test_json_report_schema(tmp_path: Path):
    files = [clean_list(tmp_path / "a.csv"), risky_list(tmp_path / "b.csv"),
             broken_file(tmp_path / "c.xlsx")]
    res = run(*files, "--format", "json", "--jobs", "2")
    doc = json.loads(res.stdout)
    assert doc["schema"] == "imvo.check/1"
    assert doc["totals"] == {"files": 3, "pass": 1, "fail": 1, "error": 1}
    assert [Path(f["file"]).name for f in doc["files"]] == ["a.csv", "b.csv", "c.xlsx"]
    for f in doc["files"]:
        assert set(f) >= {"file", "status", "reasons", "summary", "issues"}
    assert set(doc["files"][0]["summary"]) >= {"suppliers", "countries", "max_tier", "visibility",
                                               "address_completeness", "risk", "rows_rejected"}
    issue = doc["files"][2]["issues"][0]
    assert set(issue) == {"severity", "code", "sheet", "row", "column", "message", "hint"}


def test_junit_structure(tmp_path: Path):
    files = [clean_list(tmp_path / "a.csv"), risky_list(tmp_path / "b.csv"),
             broken_file(tmp_path / "c.xlsx")]
    out = tmp_path / "junit.xml"
    res = run(*files, "--format", "junit", "--output", out, "--jobs", "1")
    assert res.exit_code == 2
    suite = ET.parse(out).getroot()
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = suite.findall("testcase")
    assert len(cases) == 3
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    assert cases[1].find("failure") is not None
    assert cases[2].find("error") is not None


def test_github_annotations_name_files(tmp_path: Path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    risky = risky_list(tmp_path / "risky.csv")
    res = run(risky, "--format", "github", "--jobs", "1")
    assert res.exit_code == 1
    lines = [l for l in res.stdout.splitlines() if l.startswith("::error")]
    assert lines and all(f"file={risky}" in l for l in lines)
    assert "imvo check" in summary.read_text()


def test_markdown_table(tmp_path: Path):
    res = run(clean_list(tmp_path / "a.csv"), risky_list(tmp_path / "b.csv"),
              "--format", "markdown", "--jobs", "1")
    rows = [l for l in res.stdout.splitlines() if l.startswith("| ")]
    assert len(rows) == 3  # header + two files
    assert "fail" in rows[2]


def test_export_workbook(tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "check.xlsx"
    res = run(clean_list(tmp_path / "a.csv"), risky_list(tmp_path / "b.csv"), "--export", out,
              "--jobs", "1", "--format", "json")
    assert res.exit_code == 1
    wb = load_workbook(out)
    assert wb.sheetnames == ["Files", "Findings", "Issues"]
    assert wb["Files"].max_row == 3


def test_output_may_not_overwrite_an_input(tmp_path: Path):
    clean = clean_list(tmp_path / "a.csv")
    before = clean.read_bytes()
    res = run(clean, "--format", "json", "--output", clean)
    assert res.exit_code == 2
    assert clean.read_bytes() == before


def test_summary_is_the_last_stderr_line_after_the_wrote_lines(tmp_path: Path):
    files = [clean_list(tmp_path / "a.csv"), risky_list(tmp_path / "b.csv")]
    res = run(*files, "--jobs", "1", "--format", "junit", "--output", tmp_path / "j.xml",
              "--export", tmp_path / "c.xlsx")
    lines = res.stderr.strip().splitlines()
    assert res.exit_code == 1
    assert sum("j.xml" in ln or "c.xlsx" in ln for ln in lines) == 2
    assert lines[-1].startswith("imvo check: 2 files")
