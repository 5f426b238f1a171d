"""--lang and the console lines of check, aggregate and template: Dutch output, plurals, stderr."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.i18n import t

from conftest import BASIC_ROWS, SAMPLE, write_xlsx

runner = CliRunner()


def one_member(tmp_path: Path) -> Path:
    folder = tmp_path / "members"
    folder.mkdir()
    shutil.copy(SAMPLE / "members" / sorted(p.name for p in (SAMPLE / "members").glob("*.xlsx"))[0],
                folder)
    return folder


def test_check_summary_is_on_stderr_whatever_the_output(tmp_path):
    folder = one_member(tmp_path)
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["check", str(folder), "--format", "markdown", "-o", str(out),
                                 "--jobs", "1"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "imvo check: 1 file: 0 pass, 1 fail, 0 error" in result.stderr
    assert "1 files" not in result.stderr
    assert f"wrote report {out}" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("### imvo check")


def test_check_table_output_is_the_table_as_text(tmp_path):
    folder = one_member(tmp_path)
    out = tmp_path / "report.txt"
    result = runner.invoke(app, ["check", str(folder), "--output", str(out), "--jobs", "1"])
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert "Reasons / top findings" in text and "|---|" not in text
    assert "\x1b[" not in text  # no colour codes in a file
    on_screen = runner.invoke(app, ["check", str(folder), "--jobs", "1"])
    assert "Reasons / top findings" in on_screen.stdout


def test_check_in_dutch(tmp_path):
    folder = one_member(tmp_path)
    result = runner.invoke(app, ["check", str(folder), "--lang", "nl", "--format", "json",
                                 "--jobs", "1"])
    assert "imvo check: 1 bestand: 0 geslaagd, 1 gezakt, 0 fout" in result.stderr
    bad = runner.invoke(app, ["check", str(folder), "--lang", "fr"])
    assert bad.exit_code == 2 and "'fr' is not one of 'en', 'nl'" in bad.stderr


def test_aggregate_status_lines_on_stderr_and_dutch_workbook(tmp_path):
    folder = tmp_path / "members"
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", BASIC_ROWS)
    write_xlsx(folder / "b.xlsx", BASIC_ROWS[:2])
    out = tmp_path / "sector.xlsx"
    result = runner.invoke(app, ["aggregate", str(folder), "--output", str(out), "--lang", "nl"])
    assert result.exit_code == 0, result.output
    assert "2 leden, 4 regels -> 3 productielocaties, 1 gedeeld" in result.stdout
    assert "geschreven" not in result.stdout
    assert f"sectorwerkmap {out} geschreven" in result.stderr
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Productielocaties", "Gedeelde leveranciers", "Landen"]
    head = [c.value for c in wb["Productielocaties"][1]]
    assert head[0] == t("column.facility_id", "nl") == "Locatie-ID"
    levels = {r[head.index("Risiconiveau")] for r in wb["Productielocaties"].iter_rows(
        min_row=2, values_only=True)}
    assert levels and levels <= {t(f"level.{x}", "nl") for x in
                                 ("critical", "high", "medium", "low", "unknown")}
    review = [c.value for c in wb["Beoordelen"][1]]
    assert {"a_id", "b_id", "decision"} <= set(review)  # --decisions reads these back


def test_aggregate_plurals_in_english(tmp_path):
    folder = tmp_path / "members"
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", BASIC_ROWS[:2])
    # a narrow terminal (pytest-xdist workers say 80 columns) must not break the summary line
    result = runner.invoke(app, ["aggregate", str(folder), "--output", str(tmp_path / "s.xlsx")],
                           env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 member, 1 row -> 1 production location, 0 shared")
    assert "0 pairs to review" in result.stdout
    assert "wrote sector workbook" in result.stderr


def test_policy_language_applies_when_no_option(tmp_path):
    folder = one_member(tmp_path)
    (folder / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    out = tmp_path / "s.xlsx"
    result = runner.invoke(app, ["aggregate", str(folder), "--output", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames[0] == "Productielocaties"
    result = runner.invoke(app, ["aggregate", str(folder), "--output", str(out), "-q", "--lang", "en"])
    assert load_workbook(out).sheetnames[0] == "Production locations"


# English phrases of check's reasons and findings that must not be left in Dutch output.
CHECK_ENGLISH = ("supplier(s) at or above", " and 1 more", "first:", "row(s) with errors",
                 "is below the minimum", "visibility", "address completeness", "at the site:",
                 "Child labour, Forced labour: US DOL", "Forced labour: located in")


def test_check_reasons_and_findings_in_dutch(tmp_path):
    """Regression: under --lang nl the reasons and findings of check stayed English."""
    folder = one_member(tmp_path)
    gate = ["--fail-on", "high", "--min-visibility", "0.99", "--min-address-completeness", "1",
            "--jobs", "1", "--lang", "nl"]
    table = runner.invoke(app, ["check", str(folder), *gate, "--verbose"], env={"COLUMNS": "400"})
    markdown = runner.invoke(app, ["check", str(folder), *gate, "--format", "markdown"])
    out = tmp_path / "check.xlsx"
    runner.invoke(app, ["check", str(folder), *gate, "--format", "json", "--export", str(out)])
    wb = load_workbook(out)
    cells = [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
    for text in (table.stdout, markdown.stdout, "\n".join(cells)):
        assert "leverancier(s) met risico hoog of hoger" in text
        assert "(kritiek)" in text and " en nog " in text and "eerste: " in text
        assert "zichtbaarheid " in text and "ligt onder het minimum van 99%" in text
        assert "Dwangarbeid: gevestigd in Xinjiang" in text and "op de productielocatie: " in text
        for english in CHECK_ENGLISH:
            assert english not in text, english
    json_out = runner.invoke(app, ["check", str(folder), *gate, "--format", "json"]).stdout
    junit = runner.invoke(app, ["check", str(folder), *gate, "--format", "junit"]).stdout
    for machine in (json_out, junit):  # machines read these: they stay English
        assert "supplier(s) at or above high" in machine and "leverancier" not in machine


def test_check_reasons_against_a_baseline_in_dutch(tmp_path):
    folder = tmp_path / "baselines"
    folder.mkdir()
    lists = tmp_path / "lists"
    shutil.copytree(one_member(tmp_path), lists)
    result = runner.invoke(app, ["check", str(lists), "--baseline", str(folder), "--jobs", "1",
                                 "--fail-on", "high", "--lang", "nl", "--format", "markdown"])
    assert "geen referentielijst met dezelfde naam in" in result.stdout
    assert "beoordeeld zonder (elke bevinding telt als nieuw)" in result.stdout
    assert "no baseline" not in result.stdout
