"""The parser's own errors (a wrong option, a missing argument, a bad value) in Dutch under
--lang nl, IMVO_LANG=nl or [report] lang = "nl"; English as typer writes it; usage lines and
--help that name FILE and PATHS... instead of {file} and {paths}."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.commands.usage import command_line_lang
from imvo_cli.i18n.messages import usage_message

runner = CliRunner()

# Command lines the parser refuses, one per kind of usage error it raises.
BAD = {
    "no such option": ["map", "--bogus", "x"],
    "no such option, close ones": ["map", "x", "--fo", "json"],
    "no such short option": ["map", "x", "-z"],
    "missing argument": ["map"],
    "missing second argument": ["diff", "a.xlsx"],
    "missing option": ["osh-match", "a.xlsx"],
    "extra argument": ["map", "a.xlsx", "b.xlsx"],
    "option without its value": ["map", "a.xlsx", "--tier"],
    "flag given a value": ["map", "a.xlsx", "--tree=yes"],
    "not a whole number": ["map", "a.xlsx", "--tier", "two"],
    "not a number": ["check", "a.xlsx", "--min-visibility", "half"],
    "below the minimum": ["check", "a.xlsx", "--jobs", "0"],
    "above the maximum": ["check", "a.xlsx", "--min-visibility", "2"],
    "not a choice": ["map", "a.xlsx", "--format", "xml"],
    "not a choice, case-insensitive option": ["map", "a.xlsx", "--min-risk", "severe"],
    "no such command": ["mapp", "a.xlsx"],
    "no such command, nothing close": ["frobnicate"],
    "no such option of imvo itself": ["--bogus", "map"],
}

# What typer and click write in English; none of it may be left in a Dutch error.
ENGLISH = re.compile(r"Usage:|Error:|Try '|for help|Missing|No such|Invalid value|unexpected|"
                     r"requires|does not take|Input should|is not one of|Possible options|"
                     r"Did you mean|\bOPTIONS\b|\bFILE\b|\bPATHS\b|\bCOMMAND\b|\{")


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch, tmp_path):
    monkeypatch.delenv("IMVO_LANG", raising=False)
    monkeypatch.chdir(tmp_path)  # no imvo.toml of the repository or the user


def _error_line(stderr: str) -> str:
    return [line for line in stderr.splitlines() if line.strip()][-1]


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_english_usage_errors_are_typers_own(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert _error_line(result.stderr).startswith("Error: ")
    assert "Gebruik" not in result.stderr and "Fout" not in result.stderr


@pytest.mark.parametrize("how", ["--lang nl", "--lang=nl", "IMVO_LANG", "imvo.toml"])
@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_every_usage_error_is_dutch(args, how, tmp_path):
    english = runner.invoke(app, args)
    env = {}
    if how == "IMVO_LANG":
        env["IMVO_LANG"] = "nl"
    elif how == "imvo.toml":
        (tmp_path / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    else:
        args = [*args, *how.split()]  # --lang after the bad option: still Dutch
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == english.exit_code == 2
    line = _error_line(result.stderr)
    assert line.startswith("Fout: ")
    assert line[len("Fout: "):] != _error_line(english.stderr)[len("Error: "):]
    assert not ENGLISH.search(result.stderr), result.stderr
    if "Usage:" in english.stderr:  # the usage line and the pointer to -h, said too
        assert re.search(r"^Gebruik: imvo \S* ?\[OPTIES\]", result.stderr, re.M), result.stderr
        assert re.search(r"^Probeer 'imvo( \S+)? -h' voor hulp\.$", result.stderr, re.M)


def test_dutch_usage_error_names_the_argument_and_the_value():
    result = runner.invoke(app, ["check", "--lang", "nl"])
    assert result.stderr.splitlines()[0] == "Gebruik: imvo check [OPTIES] PADEN..."
    assert _error_line(result.stderr) == "Fout: Het argument 'PADEN' ontbreekt."
    result = runner.invoke(app, ["map", "a.xlsx", "--format", "xml"], env={"IMVO_LANG": "nl"})
    assert _error_line(result.stderr) == ("Fout: Ongeldige waarde voor '--format' / '-f': 'xml' is "
                                          "geen keuze; kies uit 'table', 'json'.")
    result = runner.invoke(app, ["check", "a.xlsx", "--min-visibility", "1.5", "--lang", "nl"])
    assert _error_line(result.stderr).endswith("de waarde moet 1 of minder zijn")


def test_the_last_lang_wins_and_an_unknown_one_is_not_taken():
    assert _error_line(runner.invoke(app, ["map", "--bogus", "--lang", "nl", "--lang", "en"]).stderr
                       ).startswith("Error:")
    assert _error_line(runner.invoke(app, ["map", "--bogus", "--lang", "fr"]).stderr
                       ).startswith("Error:")
    assert _error_line(runner.invoke(app, ["map", "--bogus", "--lang", "fr"],
                                     env={"IMVO_LANG": "nl"}).stderr).startswith("Fout:")
    # --lang wins over IMVO_LANG, which wins over imvo.toml
    assert _error_line(runner.invoke(app, ["map", "--bogus", "--lang", "en"],
                                     env={"IMVO_LANG": "nl"}).stderr).startswith("Error:")


def test_a_value_after_double_dash_is_not_an_option():
    assert command_line_lang(["map", "--", "--lang", "nl"], {}) == "en"
    assert command_line_lang(["map", "--lang", "NL"], {}) == "nl"
    assert command_line_lang(["map"], {"IMVO_LANG": " nl "}) == "nl"


def test_the_policy_beside_the_input_or_named_decides(tmp_path):
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    (folder / "a.csv").write_text("Supplier name,Country\nA,NL\n", encoding="utf-8")
    assert command_line_lang(["map", str(folder / "a.csv"), "--bogus"], {}) == "nl"
    assert command_line_lang(["map", "--policy", str(folder / "imvo.toml"), "x"], {}) == "nl"
    (folder / "imvo.toml").write_text("[report\n", encoding="utf-8")  # broken: the command says so
    assert command_line_lang(["map", str(folder / "a.csv")], {}) == "en"


def test_an_invalid_imvo_lang_is_a_usage_error_naming_the_variable():
    result = runner.invoke(app, ["map", "a.xlsx"], env={"IMVO_LANG": "fr"})
    assert result.exit_code == 2
    assert "IMVO_LANG" in _error_line(result.stderr) and "'fr'" in result.stderr


@pytest.mark.parametrize("english", [
    "Argument 'OLD' takes 2 values.",
    "Option '--x' requires 2 arguments.",
    "Missing option '--sector'. Choose from:\n\ttextile, metals",
    "Invalid value for 'FILE': Path 'a.xlsx' does not exist.",
    "Invalid value for '--tier': 'two' is not a valid integer.",
    "Invalid value for '--jobs' / '-j': 0 is not in the range x>=1.",
    "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json'.",
    "No such option: --fo Did you mean --format?",
    "Got unexpected extra arguments (b c)",
    "Missing command.",
])
def test_templates_for_the_rarer_and_the_click_wordings(english):
    said = usage_message(english, "nl")
    assert said != english
    assert not ENGLISH.search(said), said
    assert usage_message(english, "en") == english


def test_an_unknown_text_reads_as_it_is():
    assert usage_message("Something typer says one day.", "nl") == "Something typer says one day."


def test_usage_lines_and_help_name_the_arguments():
    expected = {"map": "FILE", "validate": "FILES...", "check": "PATHS...",
                "aggregate": "PATHS...", "diff": "OLD NEW", "osh-match": "FILE", "risk": "COUNTRY"}
    for command, arguments in expected.items():
        help_text = runner.invoke(app, [command, "-h"]).stdout
        assert help_text.splitlines()[0] == f"Usage: imvo {command} [OPTIONS] {arguments}"
        section = help_text.split("Arguments:")[1].split("Options:")[0]
        names = [line.split()[0] for line in section.splitlines() if line.startswith("  ") and
                 not line.startswith("   ")]
        assert names == arguments.split()
        assert "{" not in help_text.split("Options:")[0]
    result = runner.invoke(app, ["map"])
    assert result.stderr.splitlines()[0] == "Usage: imvo map [OPTIONS] FILE"
    assert _error_line(result.stderr) == "Error: Missing argument 'FILE'."
    assert runner.invoke(app, ["-h"]).stdout.splitlines()[0] == "Usage: imvo [OPTIONS] COMMAND [ARGS]..."
