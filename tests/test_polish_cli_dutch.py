"""English that still reached a Dutch user: errors raised before a command had read its
imvo.toml, IMVO_LANG for the commands' own output, operating-system error texts, and what is
damaged in a legacy .xls container."""

from __future__ import annotations

import errno
import os
import shutil

import pytest
import typer
from conftest import SAMPLE
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.commands import common
from imvo_cli.export.atomic import os_error
from imvo_cli.i18n.messages import error_line, os_reason

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch, tmp_path):
    monkeypatch.delenv("IMVO_LANG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def dutch_folder(tmp_path):
    folder = tmp_path / "lijsten"
    folder.mkdir()
    (folder / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    shutil.copy(SAMPLE / "leveranciers.csv", folder)
    return folder


def test_an_error_before_the_policy_is_read_speaks_its_language(dutch_folder):
    missing = dutch_folder / "ontbreekt.xlsx"
    result = runner.invoke(app, ["map", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == f"imvo: fout: {missing}: bestand niet gevonden (controleer het pad en de bestandsnaam)\n"
    english = runner.invoke(app, ["map", str(missing), "--lang", "en"])
    assert english.stderr.startswith("imvo: error:") and "file not found" in english.stderr
    bad_date = runner.invoke(app, ["map", str(dutch_folder / "leveranciers.csv"), "--as-of", "morgen"])
    assert bad_date.exit_code == 2
    assert bad_date.stderr.startswith("imvo: fout: --as-of verwacht een datum")


def test_imvo_lang_makes_the_command_dutch_and_lang_wins(tmp_path):
    folder = tmp_path / "leden"
    folder.mkdir()
    shutil.copy(SAMPLE / "members" / "duinzand-mode.xlsx", folder)
    dutch = runner.invoke(app, ["check", str(folder), "--jobs", "1", "-q"], env={"IMVO_LANG": "nl"})
    assert dutch.stderr.splitlines()[-1].startswith("imvo check: 1 bestand: ")
    english = runner.invoke(app, ["check", str(folder), "--jobs", "1", "-q", "--lang", "en"],
                            env={"IMVO_LANG": "nl"})
    assert english.stderr.splitlines()[-1].startswith("imvo check: 1 file: ")
    # IMVO_LANG wins over [report] lang of the policy
    (folder / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    chosen = runner.invoke(app, ["check", str(folder), "--jobs", "1", "-q"], env={"IMVO_LANG": "en"})
    assert chosen.stderr.splitlines()[-1].startswith("imvo check: 1 file: ")
    from_policy = runner.invoke(app, ["check", str(folder), "--jobs", "1", "-q"])
    assert from_policy.stderr.splitlines()[-1].startswith("imvo check: 1 bestand: ")


def test_operating_system_errors_are_said_in_dutch():
    denied = os.strerror(errno.EACCES)
    assert os_reason(denied, "nl") == "geen toegang"
    assert os_reason(denied, "en") == denied
    assert os_reason("something else", "nl") == "something else"
    error = os_error(PermissionError(errno.EACCES, denied, "out.xlsx"), "out.xlsx")
    assert error_line(error, "nl") == ("out.xlsx: de uitvoer kan niet worden geschreven: geen "
                                       "toegang (controleer de rechten van de map of kies een "
                                       "ander uitvoerpad)")
    assert denied in error_line(error, "en")


@pytest.mark.parametrize("lang, expected", [
    ("nl", "imvo: fout: /x/y.xlsx: geen toegang (controleer het pad, de rechten en de vrije schijfruimte)"),
    ("en", f"imvo: error: /x/y.xlsx: {os.strerror(errno.EACCES)} (check the path, its permissions and the free disk space)"),
])
def test_an_os_error_of_a_command_is_one_line_in_its_language(capsys, lang, expected):
    @common.handle_errors
    def body(lang=None):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/x/y.xlsx")

    with pytest.raises(typer.Exit) as stopped:
        body(lang=lang)
    assert stopped.value.exit_code == 2
    assert capsys.readouterr().err == expected + "\n"


def test_a_damaged_legacy_xls_says_what_is_damaged_in_dutch(tmp_path):
    path = tmp_path / "oud.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"garbage" * 10)
    result = runner.invoke(app, ["map", str(path), "--lang", "nl"])
    assert result.exit_code == 2
    assert "(korter dan de kop van 512 bytes)" in result.stderr
    assert "shorter" not in result.stderr
