"""`imvo template` through the command line."""

from __future__ import annotations

from openpyxl import load_workbook
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.validate import validate_file

runner = CliRunner()


def test_template_nl_metals(tmp_path):
    out = tmp_path / "leveranciers.xlsx"
    result = runner.invoke(app, ["template", "--output", str(out), "--lang", "nl", "--sector", "metals"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Leveranciers", "Instructies", "Lijsten"]
    assert wb["Leveranciers"]["B2"].value == "Naam leverancier"
    lists = [c.value for c in wb["Lijsten"]["B"]]
    assert "smelten" in lists and "smelting" not in lists
    assert "geschreven" in result.stderr
    assert validate_file(out).issues == []


def test_template_default_is_english_textile(tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "--output", str(out), "-q"])
    assert result.exit_code == 0
    assert load_workbook(out).sheetnames == ["Suppliers", "Instructions", "Lists"]


def test_template_language_from_the_policy_next_to_it(tmp_path):
    (tmp_path / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "--output", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames == ["Leveranciers", "Instructies", "Lijsten"]
    result = runner.invoke(app, ["template", "--output", str(out), "-q", "--lang", "en", "--force"])
    assert load_workbook(out).sheetnames == ["Suppliers", "Instructions", "Lists"]


def test_regression_a_template_never_replaces_a_filled_in_list(tmp_path):
    """Regression: `imvo template leveranciers.xlsx` run where the member's filled-in list of
    that name lies replaced it with an empty template."""
    import shutil

    from conftest import SAMPLE

    out = tmp_path / "leveranciers.xlsx"
    shutil.copy(SAMPLE / "leveranciers.xlsx", out)
    before = out.read_bytes()
    result = runner.invoke(app, ["template", "--output", str(out), "--lang", "nl"])
    assert result.exit_code == 2 and "--force" in result.stderr and "Traceback" not in result.output
    assert out.read_bytes() == before
    result = runner.invoke(app, ["template", "--output", str(out), "--lang", "nl", "--force", "-q"])
    assert result.exit_code == 0 and out.read_bytes() != before


def test_template_bad_options_exit_2(tmp_path):
    for args, choices in ((["--lang", "fr"], "'fr' is not one of 'en', 'nl'"),
                          (["--sector", "toys"],
                           "'toys' is not one of 'textile', 'metals', 'natural_stone', 'food'")):
        result = runner.invoke(app, ["template", "--output", str(tmp_path / "t.xlsx"), *args])
        assert result.exit_code == 2
        assert choices in " ".join(result.output.split())
    result = runner.invoke(app, ["template", "--output", str(tmp_path / "t.txt")])
    assert result.exit_code == 2 and ".xlsx" in result.output
    result = runner.invoke(app, ["template", "--output", str(tmp_path / "missing" / "t.xlsx")])
    assert result.exit_code == 2 and "folder does not exist" in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_help_has_an_example():
    result = runner.invoke(app, ["template", "--help"])
    assert result.exit_code == 0 and "Example: imvo template" in result.output


def test_the_old_positional_output_still_works_with_a_note(tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", str(out), "-q"])
    assert result.exit_code == 0 and out.exists()
    assert result.stderr.count("\n") == 1 and "deprecated" in result.stderr
    assert "--output" in result.stderr
    both = runner.invoke(app, ["template", str(out), "--output", str(tmp_path / "u.xlsx")])
    assert both.exit_code == 2 and "give only --output" in both.stderr
    missing = runner.invoke(app, ["template"])
    assert missing.exit_code == 2 and "--output is required" in missing.stderr
