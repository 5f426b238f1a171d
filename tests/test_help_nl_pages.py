"""--help in Dutch: every command's and every option's text from the catalogue, typer's own words
(sections, markers, the usage line) said too, choices and option names as they are, English
help byte for byte typer's own, and no catalogue read for it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from conftest import REPO
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.commands import COMMANDS
from imvo_cli.commands import help_texts as ht
from imvo_cli.commands.usage import group_help_line, write_said_help
from imvo_cli.i18n import catalogue

runner = CliRunner()
GROUP = typer.main.get_command(app)

# typer's and click's English words on a help page; none may be left on a Dutch one.
ENGLISH = re.compile(r"Usage:|Options:|Arguments:|Commands:|\[default:|\[required\]|env var|"
                     r"Show this message|Example:|\bOPTIONS\b|\bCOMMAND\b|\bFILES?\b|\bPATHS\b|"
                     r"<str>|<path>|<int|<float|list\[str\]")


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch, tmp_path):
    monkeypatch.delenv("IMVO_LANG", raising=False)
    monkeypatch.chdir(tmp_path)  # no imvo.toml of the repository or the user


def _pages():
    """(catalogue name, command, context) of the group and of every command."""
    root = typer.Context(GROUP, info_name="imvo")
    yield ht.GROUP, GROUP, root
    assert set(GROUP.commands) == set(COMMANDS)
    for name, command in GROUP.commands.items():
        yield name, command, typer.Context(command, info_name=name, parent=root)


def missing_dutch(pages) -> list[str]:
    """Every command and shown parameter whose help text has no Dutch form (or a Dutch form
    that is the English word for word)."""
    out = []
    for name, command, ctx in pages:
        dutch = ht.said_text(command.help, ht.command_keys(name), "nl")
        if dutch is None or ht.paragraphs(dutch) == ht.paragraphs(command.help or ""):
            out.append(f"imvo {name}")
        for param in command.get_params(ctx):
            if param.get_help_record(ctx) is None or not param.help:
                continue  # hidden (an old spelling): never on a page
            dutch = ht.said_text(param.help, ht.param_keys(name, param.name), "nl")
            if dutch is None or dutch == param.help:
                out.append(f"imvo {name} {param.opts[0] if param.opts else param.name}")
    return out


def test_every_command_and_every_option_has_a_dutch_help_text():
    assert missing_dutch(_pages()) == []
    assert set(catalogue("en")) == set(catalogue("nl"))


def test_a_new_option_without_a_dutch_text_is_found():
    extra = typer.Typer(add_completion=False)

    @extra.command("map")
    def map_(file: str = typer.Argument(..., help="Supplier list (.xlsx .xlsm .xls .ods .csv .tsv); "
                                                 "- reads it from stdin."),
             tree: bool = typer.Option(False, "--tree", help="Show the chains from the company "
                                                             "down to raw materials."),
             shiny: bool = typer.Option(False, "--shiny", help="A new option, not yet in Dutch."),
             ) -> None:
        """A changed text that the catalogue does not know."""

    command = typer.main.get_command(extra)
    ctx = typer.Context(command, info_name="map")
    assert missing_dutch([("map", command, ctx)]) == ["imvo map", "imvo map --shiny"]


def test_every_help_text_in_the_catalogue_belongs_to_a_command():
    used = set()
    for name, command, ctx in _pages():
        used |= {k for k in ht.command_keys(name) if ht.said_text(command.help, (k,), "en")}
        for param in command.get_params(ctx):
            used |= {k for k in ht.param_keys(name, param.name)
                     if ht.said_text(param.help, (k,), "en")}
    texts = {k for k in catalogue("en")
             if k.startswith(("help.command.", "help.param.", "help.option."))}
    assert texts - used == set(), "help texts no command has (a command or option renamed?)"


@pytest.mark.parametrize("width", ["60", "100", "200"])
def test_the_page_drawn_from_the_english_catalogue_is_typers_own(width, monkeypatch):
    # The catalogue's English is the code's, and the page is laid out as typer lays it out.
    monkeypatch.setenv("COLUMNS", width)
    for name, command, ctx in _pages():
        formatter = ctx.make_formatter()
        write_said_help(command, ctx, formatter, "en")
        assert formatter.getvalue().rstrip("\n") == command.get_help(ctx), name


def _help(args, env=None):
    result = runner.invoke(app, args, env={"COLUMNS": "100", **(env or {})})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_every_page_in_dutch(name):
    args = [name] if name else []
    english, dutch = _help([*args, "--help"]), _help([*args, "--help", "--lang", "nl"])
    assert dutch.startswith(f"Gebruik: imvo {name or ''}".rstrip() + " [OPTIES]")
    assert "Opties:" in dutch and not ENGLISH.search(dutch), ENGLISH.findall(dutch)
    assert ("Opdrachten:" in dutch) == (name is None)
    assert "Voorbeeld: imvo " in dutch
    # option names and choices as they are typed, in the same order
    names = re.compile(r"^  (-[-\w]+(?:, -[-\w]+)*)(?: <([^>]*\|[^>]*)>)?", re.M)
    shown = [names.findall(page.partition(title)[2]) for page, title in
             ((dutch, "\nOpties:"), (english, "\nOptions:"))]
    assert shown[0] == shown[1] and ("-h, --help", "") in shown[0]


def test_markers_and_types_in_dutch():
    page = _help(["check", "--help", "--lang", "nl"])
    assert "[standaard: table]" in page and "[standaard: residual]" in page
    assert "[x>=0]" in page and "[0<=x<=1]" in page  # a range reads the same in both
    assert "--max-errors <getal>" in page and "--policy <pad>" in page
    assert "PADEN...  " in page and "[verplicht]" in page
    assert "[omgevingsvariabele: IMVO_LANG]" in page
    assert "--fail-on <critical|high|medium|never>" in page
    assert ht.said_markers("[env var: X; default: a; 0<=x<=1; required]", "nl") == \
        "[omgevingsvariabele: X; standaard: a; 0<=x<=1; verplicht]"


@pytest.mark.parametrize("how", ["--lang nl", "--lang=nl", "-h", "IMVO_LANG", "imvo.toml",
                                 "no arguments"])
def test_dutch_however_the_language_is_asked_for(how, tmp_path):
    env, args = {}, ["map", "--help"]
    if how == "IMVO_LANG":
        env["IMVO_LANG"] = "nl"
    elif how == "imvo.toml":
        (tmp_path / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    elif how == "-h":
        args = ["map", "-h", "--lang", "nl"]
    elif how == "no arguments":
        env["IMVO_LANG"] = "nl"
        result = runner.invoke(app, [], env=env)  # a group without a command shows its help
        assert result.output.startswith("Gebruik: imvo [OPTIES] OPDRACHT") and "Opdrachten:" in \
            result.output
        return
    else:
        args = ["map", *how.split(), "--help"]  # --lang before --help, as well as after
    assert _help(args, env).startswith("Gebruik: imvo map [OPTIES] BESTAND")


def test_the_group_takes_lang_only_beside_its_own_help():
    names = ["-h", "--help"]
    assert group_help_line(["--help", "--lang", "nl"], names) == ["--help"]
    assert group_help_line(["--lang=nl", "-h"], names) == ["-h"]
    for line in (["--lang", "nl"], ["map", "--help", "--lang", "nl"], ["--help", "--", "--lang", "nl"],
                 ["--version", "--lang", "nl"]):
        assert group_help_line(line, names) == line
    assert runner.invoke(app, ["--lang", "nl"]).exit_code == 2  # not an option of imvo itself


def test_a_changed_english_text_shows_in_english_not_an_outdated_translation(monkeypatch):
    tree = next(p for p in GROUP.commands["map"].params if p.name == "tree")
    monkeypatch.setattr(tree, "help", "Show the chains, now with their tiers.")
    monkeypatch.setattr("typer.testing._get_command", lambda typer_app: GROUP)
    page = _help(["map", "--help", "--lang", "nl"])
    assert "Show the chains, now with their tiers." in page
    assert "Toon de ketens van het bedrijf" not in page
    assert "Alleen leveranciers op deze berekende tier." in page  # the others still Dutch


def test_same_command_line_same_bytes():
    assert _help(["osh-match", "--help", "--lang", "nl"]) == \
        _help(["osh-match", "--help", "--lang", "nl"])


@pytest.mark.parametrize("lang, loaded", [("en", False), ("nl", True)])
def test_english_help_reads_no_catalogue(lang, loaded, tmp_path):
    # The catalogue (and pycountry with it) is loaded only for a page in another language.
    code = ("import sys\nfrom imvo_cli.cli import app\ntry:\n    app(['map', '--help'])\n"
            "except SystemExit:\n    pass\n"
            "print('catalogue', 'imvo_cli.i18n' in sys.modules, file=sys.stderr)")
    env = {"PATH": "", "IMVO_LANG": lang, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=True)
    assert f"catalogue {loaded}" in out.stderr
    assert out.stdout.startswith("Gebruik:" if lang == "nl" else "Usage:")


def test_completion_still_works_under_dutch():
    env = {"IMVO_LANG": "nl", "_IMVO_COMPLETE": "complete_bash", "COMP_WORDS": "imvo ag",
           "COMP_CWORD": "1"}
    result = runner.invoke(app, [], prog_name="imvo", env=env)
    assert result.exit_code == 0 and result.output.split() == ["aggregate"]
    env.update(COMP_WORDS="imvo map a.xlsx --min-risk ", COMP_CWORD="4")
    result = runner.invoke(app, [], prog_name="imvo", env=env)
    assert result.output.split() == ["low", "medium", "high", "critical"]
