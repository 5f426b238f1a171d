"""The command-line conventions every command shares: choices, completion, output names, noise."""

from __future__ import annotations

import ast
import gc
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import BASIC_ROWS, REPO, SAMPLE, write_csv, write_xlsx
from imvo_cli.cli import app
from imvo_cli.commands import COMMANDS, options
from imvo_cli.commands.common import stdin_suffix
from imvo_cli.risk.profiles import available_profiles

runner = CliRunner()
WIDE = {"COLUMNS": "200"}
GROUP = typer.main.get_command(app)  # built once: most checks below only parse arguments


@pytest.fixture(autouse=True)
def _one_click_group(monkeypatch):
    """Invoke the one click group instead of rebuilding it from the app on every call."""
    monkeypatch.setattr("typer.testing._get_command", lambda typer_app: GROUP)


def _options(command) -> dict[str, object]:
    return {opt: p for p in command.params for opt in getattr(p, "opts", [])}


def test_every_command_has_quiet_verbose_and_the_report_as_output():
    for name in COMMANDS:
        command = GROUP.commands[name]  # type: ignore[attr-defined]
        opts = _options(command)
        assert {"--quiet", "-q", "--verbose", "-v"} <= set(opts), name
        assert opts["--output"] is opts["-o"], name
        hidden = {o for o, p in opts.items() if getattr(p, "hidden", False)}
        assert hidden <= {"--out", "out"}, name  # old spellings, kept for one release
        help_text = runner.invoke(app, [name, "--help"], env=WIDE).output
        assert "--quiet" in help_text and "--verbose" in help_text and "--output" in help_text
        assert "--out " not in help_text and "--out," not in help_text, name


def test_sector_choices_are_the_profiles_and_the_templates():
    from imvo_cli.export.template import SECTORS

    assert sorted(s.value for s in options.Sector) == sorted(available_profiles())
    assert [s.value for s in options.TemplateSector] == list(SECTORS)


@pytest.mark.parametrize("args, choices", [
    (["map", "x.xlsx", "--format", "xml"], "'table', 'json'"),
    (["map", "x.xlsx", "--min-risk", "huge"], "'low', 'medium', 'high', 'critical'"),
    (["map", "x.xlsx", "--sector", "toys"], "'textile', 'metals', 'natural_stone', 'food', 'floriculture'"),
    (["check", "x.xlsx", "--fail-on", "low"], "'critical', 'high', 'medium', 'never'"),
    (["check", "x.xlsx", "--risk-basis", "gross"], "'residual', 'inherent'"),
    (["check", "x.xlsx", "--format", "html"], "'table', 'json', 'junit', 'github', 'markdown'"),
    (["diff", "a.xlsx", "b.xlsx", "--format", "junit"], "'table', 'json', 'markdown'"),
    (["validate", "x.xlsx", "--lang", "fr"], "'en', 'nl'"),
    (["osh-match", "x.xlsx", "--facilities", "d.csv", "--lang", "de"], "'en', 'nl'"),
    (["risk", "India", "--format", "csv"], "'table', 'json'"),
])
def test_a_wrong_choice_is_a_usage_error_naming_the_choices(args, choices):
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 2
    assert f"is not one of {choices}" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_help_lists_the_choices():
    text = runner.invoke(app, ["check", "--help"], env=WIDE).output
    assert "table|json|junit|github|markdown" in text
    assert "critical|high|medium|never" in text and "residual|inherent" in text and "en|nl" in text


def test_choices_keep_their_spellings_in_any_case(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS)
    result = runner.invoke(app, ["validate", str(tmp_path / "a.xlsx"), "--format", "JSON"])
    assert result.exit_code == 0 and json.loads(result.stdout)["schema"] == "imvo.validate/1"


def test_shell_completion_script_and_completion_of_choices():
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="imvo")
    assert script.exit_code == 0 and "_IMVO_COMPLETE=complete_bash" in script.output
    commands = runner.invoke(app, [], prog_name="imvo", env={
        "_IMVO_COMPLETE": "complete_bash", "COMP_WORDS": "imvo ag", "COMP_CWORD": "1"})
    assert commands.exit_code == 0 and commands.output.split() == ["aggregate"]
    formats = runner.invoke(app, [], prog_name="imvo", env={
        "_IMVO_COMPLETE": "complete_bash", "COMP_WORDS": "imvo diff a b --format ",
        "COMP_CWORD": "5"})
    assert formats.output.split() == ["table", "json", "markdown"]


# -------------------------------------------------------------- old spellings


def _members(tmp_path: Path) -> Path:
    folder = tmp_path / "members"
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", BASIC_ROWS)
    return folder


def test_aggregate_out_still_works_with_a_note(tmp_path):
    folder = _members(tmp_path)
    out = tmp_path / "s.xlsx"
    result = runner.invoke(app, ["aggregate", str(folder), "--out", str(out), "-q"])
    assert result.exit_code == 0 and out.exists()
    assert result.stderr.splitlines() == [
        "imvo: note: --out is deprecated and will be removed in the next release; use --output"]
    both = runner.invoke(app, ["aggregate", str(folder), "--out", str(out), "-o", str(out)])
    assert both.exit_code == 2 and "give only --output" in both.stderr


def _two_years(tmp_path: Path) -> tuple[Path, Path]:
    """Two small lists a year apart: one supplier kept, one gone, one new."""
    head = ["Supplier name", "Country", "Tier"]
    old = write_csv(tmp_path / "old.csv", head, [["Dhaka Knit", "Bangladesh", 1],
                                                 ["Porto Malhas", "Portugal", 1]])
    new = write_csv(tmp_path / "new.csv", head, [["Dhaka Knit", "Bangladesh", 1],
                                                 ["Izmir Dye", "Turkey", 1]])
    return old, new


def test_diff_out_is_export_now_and_output_is_the_report(tmp_path):
    old, new = _two_years(tmp_path)
    report, book = tmp_path / "diff.md", tmp_path / "diff.xlsx"
    result = runner.invoke(app, ["diff", str(old), str(new), "--as-of", "2025-06-30", "--format",
                                 "markdown", "-o", str(report), "--export", str(book)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and book.exists()
    assert report.read_text(encoding="utf-8").startswith("### imvo diff: ")
    assert "wrote report" in result.stderr and "wrote workbook" in result.stderr
    # the old spelling is the same option (tests/test_diff_cli.py writes workbooks with it)
    legacy = runner.invoke(app, ["diff", str(old), str(new), "--out", str(tmp_path / "old.csv")])
    assert legacy.exit_code == 2 and "--out must be an .xlsx file" in legacy.stderr
    assert "--out is deprecated" in legacy.stderr
    wrong = runner.invoke(app, ["diff", str(old), str(new), "-o", str(tmp_path / "x.xlsx")])
    assert wrong.exit_code == 2 and "the workbook is --export" in wrong.stderr
    matches = runner.invoke(app, ["osh-match", str(old), "--facilities", "d.csv", "-o",
                                  str(tmp_path / "m.csv")])
    assert matches.exit_code == 2 and "the matches table is --export" in matches.stderr


# -------------------------------------------------------------- stdin and stdout


def test_stdin_type_comes_from_the_bytes(tmp_path):
    xlsx = write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS).read_bytes()
    assert stdin_suffix(xlsx) == ".xlsx"
    assert stdin_suffix(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)) == ".xls"
    assert stdin_suffix(b"PK\x03\x04" + bytes(26) + b"mimetypeapplication/vnd.oasis."
                        b"opendocument.spreadsheet") == ".ods"
    assert stdin_suffix("Name,Country\nA,India\n".encode()) == ".csv"


def test_validate_and_map_read_stdin_and_name_it(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS)
    data = path.read_bytes()
    by_file = runner.invoke(app, ["validate", str(path), "--format", "json"])
    from_stdin = runner.invoke(app, ["validate", "-", "--format", "json"], input=data)
    assert from_stdin.exit_code == by_file.exit_code == 0
    doc = json.loads(from_stdin.stdout)
    assert doc["files"][0]["file"] == "<stdin>"
    assert doc["files"][0]["suppliers"] == json.loads(by_file.stdout)["files"][0]["suppliers"]
    again = runner.invoke(app, ["validate", "-", "--format", "json"], input=data)
    assert again.stdout == from_stdin.stdout  # same input, same bytes
    csv_text = "Supplier name,Country\nDhaka Knit,Bangladesh\n"
    mapped = runner.invoke(app, ["map", "-", "--format", "json"], input=csv_text)
    assert mapped.exit_code == 0, mapped.output
    doc = json.loads(mapped.stdout)
    assert doc["source"]["file"] == "<stdin>" and doc["summary"]["suppliers"] == 1
    empty = runner.invoke(app, ["map", "-"], input=b"")
    assert empty.exit_code == 2 and "nothing was read from stdin" in empty.stderr


def test_check_reads_stdin_and_output_dash_is_stdout(tmp_path):
    data = write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS).read_bytes()
    result = runner.invoke(app, ["check", "-", "--format", "json", "--output", "-", "--jobs", "1"],
                           input=data)
    doc = json.loads(result.stdout)
    assert [f["file"] for f in doc["files"]] == ["<stdin>"]
    assert result.exit_code == {"pass": 0, "fail": 1}[doc["files"][0]["status"]]
    assert "imvo check: 1 file: " in result.stderr


def test_check_reads_stdin_against_a_baseline(tmp_path):
    """Regression: `imvo check - --baseline FILE` failed with 'baseline: <stdin>: file not
    found': the list was compared after its file had been renamed for the report."""
    path = write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS)
    by_file = runner.invoke(app, ["check", str(path), "--baseline", str(path), "--format",
                                  "json", "--jobs", "1"])
    result = runner.invoke(app, ["check", "-", "--baseline", str(path), "--format", "json",
                                 "--jobs", "1"], input=path.read_bytes())
    assert result.exit_code == by_file.exit_code, result.stderr
    (checked,) = json.loads(result.stdout)["files"]
    (expected,) = json.loads(by_file.stdout)["files"]
    assert checked["file"] == "<stdin>" and checked["status"] == expected["status"]
    assert "not found" not in result.stdout + result.stderr


def test_check_table_output_is_text_and_the_summary_still_on_stderr(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS)
    report = tmp_path / "report.txt"
    result = runner.invoke(app, ["check", str(tmp_path / "a.xlsx"), "--format", "table",
                                 "--output", str(report), "--jobs", "1", "-q"])
    text = report.read_text(encoding="utf-8")
    assert result.stdout == ""
    assert "imvo check" in text and "┃" in text and "\x1b[" not in text and "|---" not in text
    assert "1 file: " in text
    assert result.stderr.splitlines()[-1].startswith("imvo check: 1 file: ")


def test_map_output_file_and_quiet(tmp_path):
    report = tmp_path / "map.json"
    result = runner.invoke(app, ["map", str(SAMPLE / "leveranciers.csv"), "--format", "json",
                                 "-o", str(report)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(report.read_text(encoding="utf-8"))["schema"] == "imvo.map/3"
    assert f"wrote report {report}" in result.stderr
    quiet = runner.invoke(app, ["map", str(SAMPLE / "leveranciers.csv"), "-q",
                                "--graph", str(tmp_path / "g.json")])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert (tmp_path / "g.json").exists()


def test_map_restores_the_garbage_collector_also_after_an_error(tmp_path):
    assert gc.isenabled()
    ok = runner.invoke(app, ["map", str(SAMPLE / "leveranciers.csv"), "-q"])
    assert ok.exit_code == 0 and gc.isenabled()
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,useful\n1,2\n", encoding="utf-8")
    failed = runner.invoke(app, ["map", str(bad)])
    assert failed.exit_code == 2 and gc.isenabled()


def test_map_writes_its_json_with_the_collector_paused(monkeypatch):
    """Writing the document allocates as much as mapping: the collector stays off until the
    JSON is written, then comes back."""
    import imvo_cli.mapping as mapping

    seen = []
    real = mapping.write_map_json

    def spy(chain_map, out):
        seen.append(gc.isenabled())
        return real(chain_map, out)

    monkeypatch.setattr(mapping, "write_map_json", spy)
    ok = runner.invoke(app, ["map", str(SAMPLE / "leveranciers.csv"), "--format", "json"])
    assert ok.exit_code == 0 and seen == [False] and gc.isenabled()


def test_status_lines_go_to_stderr(tmp_path):
    folder = _members(tmp_path)
    result = runner.invoke(app, ["aggregate", str(folder), "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0
    assert "wrote" not in result.stdout and "wrote sector workbook" in result.stderr


# -------------------------------------------------------------- language and plurals


def test_validate_and_check_count_in_words(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Supplier name,Country\nA Mills,India\nB Mills,\n", encoding="utf-8")
    en = runner.invoke(app, ["validate", str(path), "-q"], env=WIDE)
    assert en.exit_code == 1
    assert en.stdout.endswith(": errors: 2 rows read, 1 supplier, 1 error, 1 warning, "
                              "0 empty rows skipped\n")
    nl = runner.invoke(app, ["validate", str(path), "-q", "--lang", "nl"], env=WIDE)
    assert nl.stdout.endswith(": fouten: 2 regels gelezen, 1 leverancier, 1 fout, "
                              "1 waarschuwing, 0 lege regels overgeslagen\n")
    checked = runner.invoke(app, ["check", str(path), "--jobs", "1", "-q"])
    assert checked.stderr.splitlines()[-1].startswith("imvo check: 1 file: 0 pass, 1 fail")


def test_diff_and_osh_match_speak_dutch(tmp_path):
    old, new = _two_years(tmp_path)
    md = runner.invoke(app, ["diff", str(old), str(new), "--as-of", "2025-06-30", "--format",
                             "markdown", "--lang", "nl"])
    assert md.exit_code == 0
    assert "| wijziging | niveau | naam | land | details |" in md.stdout
    assert "| nieuw | middel | Izmir Dye | TR |" in md.stdout
    assert "| vervallen | middel | Porto Malhas | PT |" in md.stdout
    assert "| onderwerp | toen | nu |" in md.stdout
    from test_osh_match import oid, write_download

    download = write_download(tmp_path / "d.csv", [
        {"os_id": oid("CN", 1), "name": "Factory A", "country_code": "CN"}])
    listing = tmp_path / "l.csv"
    listing.write_text("Supplier name,Country\nFactory A,China\n,\n", encoding="utf-8")
    osh = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(download), "--lang",
                              "nl"], env=WIDE)
    assert osh.exit_code == 0, osh.output
    assert "1 leverancier tegen 1 locaties van d.csv" in osh.stdout


# -------------------------------------------------------------- imports


def _function_level_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    found.append((inner.lineno, lines[inner.end_lineno - 1]))
    return found


def test_function_level_imports_in_commands_are_named_as_deferred():
    files = [REPO / "imvo_cli" / "cli.py", *sorted((REPO / "imvo_cli" / "commands").glob("*.py"))]
    unmarked = [f"{p.name}:{n}" for p in files for n, line in _function_level_imports(p)
                if not line.rstrip().endswith("# deferred: start-up")]
    assert unmarked == []
