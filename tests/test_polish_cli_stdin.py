"""A list read from stdin (`-`) is named `<stdin>` in every message, never the temporary file
it is saved to: map, validate and check; xlsx, ods, xls and csv bytes; a file that cannot be
read and row-level problems; terminal, JSON and markdown; English and Dutch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import DATA, write_ods, write_xlsx
from typer.testing import CliRunner

from imvo_cli.cli import app

runner = CliRunner()

# The temporary folder and file stdin is saved to (commands.common.stdin_file).
TEMPORARY = re.compile(r"imvo-stdin-|stdin\.(xlsx|ods|xls|csv)\b")

ROWS = [["Supplier name", "Address", "City", "Country", "Tier", "Supplies to"],
        ["Meghna Apparels Ltd.", "Holding 12, Konabari", "Gazipur", "Bangladesh", 1, ""],
        ["", "Demirtaş OSB No: 4", "Bursa", "Türkiye", 2, "Meghna Apparels Ltd."],
        ["Kaveri Spinning Mills", "SF No. 12", "Coimbatore", "Atlantis", "x", "Nobody Ltd"]]

BROKEN = {
    "xlsx": b"PK\x03\x04garbage",
    "ods": b"PK\x03\x04" + bytes(26) + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
           + b"garbage",
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"garbage" * 10,
    "csv": b"just,some\nwords,here\n",
}

COMMANDS = {
    "map table": ["map", "-"],
    "map tree": ["map", "-", "--tree", "--verbose"],
    "map json": ["map", "-", "--format", "json"],
    "validate table": ["validate", "-", "--verbose"],
    "validate json": ["validate", "-", "--format", "json"],
    "check table": ["check", "-", "--jobs", "1", "--verbose"],
    "check json": ["check", "-", "--jobs", "1", "--format", "json"],
    "check markdown": ["check", "-", "--jobs", "1", "--format", "markdown"],
}


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch, tmp_path):
    monkeypatch.delenv("IMVO_LANG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def readable(tmp_path_factory) -> dict[str, bytes]:
    """The same list with row problems in every format (xls: the legacy fixture)."""
    folder = tmp_path_factory.mktemp("stdin")
    write_xlsx(folder / "l.xlsx", ROWS)
    write_ods(folder / "l.ods", {"Sheet1": ROWS})
    csv = "\n".join(",".join(str(v) for v in row) for row in ROWS) + "\n"
    return {"xlsx": (folder / "l.xlsx").read_bytes(), "ods": (folder / "l.ods").read_bytes(),
            "xls": (DATA / "legacy.xls").read_bytes(), "csv": csv.encode("utf-8")}


def _run(args: list[str], data: bytes, lang: str):
    # COLUMNS: wide enough that no table cell folds a name in two
    return runner.invoke(app, [*args, "--lang", lang], input=data, env={"COLUMNS": "400"})


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS)
@pytest.mark.parametrize("kind", BROKEN, ids=BROKEN)
def test_an_unreadable_list_from_stdin_is_named_stdin(kind, command, lang):
    result = _run(COMMANDS[command], BROKEN[kind], lang)
    assert result.exit_code == 2, result.output
    said = result.stdout + result.stderr
    assert not TEMPORARY.search(said), said
    prefix = "imvo: error:" if lang == "en" else "imvo: fout:"
    assert f"{prefix} <stdin>: " in result.stderr, result.stderr
    if command.endswith("json"):
        doc = json.loads(result.stdout) if result.stdout.strip() else None
        if doc is not None:  # validate and check report the file; map stops with the error line
            assert doc["files"][0]["file"] == "<stdin>"


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS)
@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls", "csv"])
def test_row_messages_of_a_list_from_stdin_name_stdin(readable, kind, command, lang):
    result = _run(COMMANDS[command], readable[kind], lang)
    assert result.exit_code in (0, 1), result.output
    said = result.stdout + result.stderr
    assert not TEMPORARY.search(said), said
    if command.endswith("json"):
        doc = json.loads(result.stdout)
        named = doc["source"]["file"] if "source" in doc else doc["files"][0]["file"]
        assert named == "<stdin>"
        issues = doc["issues"] if "issues" in doc else doc["files"][0]["issues"]
        if kind != "xls":  # the legacy fixture is a clean list
            assert any(i["code"] == "missing-name" and i["row"] == 3 for i in issues)
        assert {i.get("file") for i in issues} <= {None, "<stdin>"}
    elif not command.startswith("check") or lang == "en":
        assert "<stdin>" in said


def test_the_same_bytes_give_the_same_report(readable):
    first = _run(COMMANDS["map json"], readable["csv"], "en").stdout
    assert first == _run(COMMANDS["map json"], readable["csv"], "en").stdout


def test_an_error_about_another_file_keeps_its_name(tmp_path):
    policy = tmp_path / "imvo.toml"
    policy.write_text("[report\n", encoding="utf-8")
    result = runner.invoke(app, ["map", "-", "--policy", str(policy)], input=BROKEN["csv"])
    assert result.exit_code == 2
    assert str(policy) in result.stderr and "<stdin>" not in result.stderr
    assert Path(policy).is_file()
