"""The errors that stop a command, under --lang nl (or [report] lang = "nl"): the line after
`imvo: fout:` is Dutch, the exit code the same as in English, and English unchanged."""

from __future__ import annotations

import shutil

import pytest
import typer
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.commands.common import EXIT_INTERNAL, handle_errors

from conftest import SAMPLE

runner = CliRunner()
LIST = SAMPLE / "leveranciers.xlsx"
# Words of the English messages that no Dutch line of these errors may still hold.
ENGLISH = ("not found", "check the", "the file", "expects", "must be", "required", "give ",
           "policy file", "can be read", "nothing was", "is empty", "header row", "for example",
           "choose", "output path", "never writes", "invalid", "unknown")


def _files(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "fake.xlsx").write_bytes(b"this is not a workbook")
    (tmp_path / "noheader.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "broken.toml").write_text("[report\n", encoding="utf-8")
    (tmp_path / "badkey.toml").write_text("[report]\ncolour = 1\n", encoding="utf-8")
    (tmp_path / "nofiles").mkdir()
    return tmp_path


# (arguments, stdin, exit code, the Dutch text of the error line); {tmp} is the test's folder.
CASES = [
    (["map", "{tmp}/nope.xlsx"], None, 2, "nope.xlsx: bestand niet gevonden (controleer het pad en de bestandsnaam)"),
    (["map", str(LIST), "--sheet", "X"], None, 2, "werkblad 'X' niet gevonden (werkbladen in dit bestand: 'Toelichting', 'Leveranciers'; gebruik een naam of een nummer vanaf 1)"),
    (["validate", "{tmp}/noheader.csv"], None, 2, "noheader.csv: geen herkenbare kopregel in de eerste 20 regels; de regel die het meest op een kopregel lijkt (regel 1): a, b (geef de kolommen een kop (minstens naam en land) of wijs ze toe met --map \"Kop=veld\")"),
    (["map", "{tmp}/empty.xlsx"], None, 2, "empty.xlsx: het bestand is leeg (0 bytes) (exporteer de leverancierslijst opnieuw uit de bron)"),
    (["map", "{tmp}/fake.xlsx"], None, 2, "fake.xlsx: geen Excel-werkmap (het bestand is geen .xlsx-zipcontainer)"),
    (["map", str(LIST), "--export", str(LIST)], None, 2, "het uitvoerpad is het invoerbestand"),
    (["map", str(LIST), "--as-of", "2024-13-01"], None, 2, "--as-of verwacht een datum als JJJJ-MM-DD, maar kreeg '2024-13-01' (bijvoorbeeld --as-of 2024-12-31)"),
    (["map", str(LIST), "--map", "Leverancier"], None, 2, "--map verwacht \"Koptekst=veld\", maar kreeg 'Leverancier'"),
    (["map", str(LIST), "--map", "Leverancier=nam"], None, 2, "kolomtoewijzing 'Leverancier'='nam': onbekend veld 'nam' (bedoelde u 'name'?)"),
    (["map", str(LIST), "--tier", "0"], None, 2, "--tier moet 1 of meer zijn, maar is 0"),
    (["validate", "-", "-"], "a,b\n", 2, "stdin (-) kan maar één keer worden gelezen (geef de andere lijsten als bestanden)"),
    (["map", "-"], "", 2, "er is niets van stdin gelezen (stuur een .csv- of .xlsx-bestand naar stdin"),
    (["map", str(LIST), "--policy", "{tmp}/none.toml"], None, 2, "none.toml: beleidsbestand niet gevonden (geef een bestaand imvo.toml met --policy)"),
    (["map", str(LIST), "--policy", "{tmp}/broken.toml"], None, 2, "broken.toml: het beleidsbestand is geen geldige TOML: "),
    (["map", str(LIST), "--policy", "{tmp}/badkey.toml"], None, 2, "badkey.toml: ongeldige beleidssleutel 'report.colour': "),
    (["template"], None, 2, "--output is verplicht (de sjabloonwerkmap die wordt geschreven) (bijvoorbeeld imvo template --output leveranciers.xlsx)"),
    (["aggregate", str(SAMPLE / "members")], None, 2, "--output is verplicht (de sectorwerkmap die wordt geschreven), behalve bij --format json, --html of --osh"),
    (["check", "{tmp}/nofiles"], None, 2, "geen spreadsheetbestanden gevonden"),
    (["diff", str(LIST), "{tmp}/nope.xlsx"], None, 2, "nope.xlsx: bestand niet gevonden (controleer het pad)"),
]


@pytest.mark.parametrize("args, stdin, code, dutch", CASES, ids=[" ".join([*c[0][:1], str(i)]) for i, c in enumerate(CASES)])
def test_the_error_that_stops_a_command_reads_in_dutch(tmp_path, args, stdin, code, dutch):
    tmp = _files(tmp_path)
    argv = [a.replace("{tmp}", str(tmp)) for a in args]
    nl = runner.invoke(app, [*argv, "--lang", "nl"], input=stdin)
    assert nl.exit_code == code, nl.stderr
    line = nl.stderr.strip().splitlines()[-1]
    assert line.startswith("imvo: fout: "), line
    assert dutch in line
    said = line.split(": fout: ", 1)[1].replace(str(tmp), "")
    assert [w for w in ENGLISH if w in said.split(" (", 1)[0] or w in said.split(" (")[-1]] == [] \
        or "TOML" in said or "beleidssleutel" in said, said
    en = runner.invoke(app, argv, input=stdin)  # the same error in English, same exit code
    assert en.exit_code == code
    assert en.stderr.strip().splitlines()[-1].startswith("imvo: error: ")


def test_english_error_lines_are_unchanged(tmp_path):
    r = runner.invoke(app, ["map", str(tmp_path / "nope.xlsx")])
    assert r.stderr == f"imvo: error: {tmp_path / 'nope.xlsx'}: file not found (check the path and the file name)\n"
    r = runner.invoke(app, ["map", str(LIST), "--as-of", "x"])
    assert r.stderr == "imvo: error: --as-of expects a date as YYYY-MM-DD, got 'x' (for example --as-of 2024-12-31)\n"


def test_the_language_of_the_policy_file_says_the_error(tmp_path):
    shutil.copy(LIST, tmp_path / "leveranciers.xlsx")
    (tmp_path / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    r = runner.invoke(app, ["map", str(tmp_path / "leveranciers.xlsx"), "--sheet", "9"])
    assert r.exit_code == 2
    assert "imvo: fout: " in r.stderr and "werkblad '9' niet gevonden" in r.stderr


def _mini(body):
    mini = typer.Typer()

    @mini.command()
    @handle_errors
    def go(lang: str = "en", debug: bool = False) -> None:
        body()

    @mini.command()
    def other() -> None:
        pass

    return mini


def test_internal_error_and_interrupt_lines_speak_the_command_language(tmp_path):
    r = runner.invoke(_mini(lambda: {}["missing"]), ["go", "--lang", "nl"])
    assert r.exit_code == EXIT_INTERNAL
    assert r.stderr == ("imvo: interne fout: KeyError: 'missing' (exitcode 70; voer de opdracht "
                        "opnieuw uit met --debug en meld het)\n")
    r = runner.invoke(_mini(lambda: {}["missing"]), ["go"])
    assert r.stderr == ("imvo: internal error: KeyError: 'missing' (exit 70; run again with "
                        "--debug and report it)\n")

    def stop():
        raise KeyboardInterrupt

    r = runner.invoke(_mini(stop), ["go", "--lang", "nl"])
    assert r.exit_code == 130
    assert r.stderr == "imvo: onderbroken; er is geen uitvoer geschreven\n"


def test_an_error_carried_as_a_reason_reads_in_dutch_and_keeps_its_english_text():
    import pickle

    import orjson

    from imvo_cli.i18n import say as plain_say
    from imvo_cli.i18n.messages import ErrorText, say
    from imvo_cli.model import ImvoError

    error = ImvoError("the file is empty (0 bytes)", file="a.xlsx", code="empty-file",
                      hint="export the supplier list again from its source")
    reason = ErrorText(error)
    assert reason == str(error) == "a.xlsx: the file is empty (0 bytes) (export the supplier list again from its source)"
    dutch = "a.xlsx: het bestand is leeg (0 bytes) (exporteer de leverancierslijst opnieuw uit de bron)"
    assert say(reason, "nl") == plain_say(reason, "nl") == dutch
    assert say(reason, "en") == str(error)
    back = pickle.loads(pickle.dumps(reason))  # from a worker process of check --jobs
    assert isinstance(back, ErrorText) and back.say("nl") == dutch
    assert orjson.loads(orjson.dumps([reason])) == [str(error)]
    assert reason.replaced("a.xlsx", "<stdin>").say("nl").startswith("<stdin>: het bestand is leeg")
