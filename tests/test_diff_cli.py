"""`imvo diff` through the command line: formats, outputs, escaping, exit codes."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import openpyxl
import pytest
from conftest import SAMPLE, write_csv
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.diff import diff_lists
from imvo_cli.report.diff_view import md, to_markdown
from imvo_cli.report.jsonout import dumps

runner = CliRunner()
OLD, NEW = SAMPLE / "suppliers.xlsx", SAMPLE / "year2" / "suppliers.xlsx"
DATES = ["--as-of", "2025-06-30"]
EVIL = "Evil <img src=x onerror=alert(1)> [link](http://x) *Ltd* | =HYPERLINK(\"x\")"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_json_equals_the_library_result():
    result = run("diff", OLD, NEW, *DATES, "--format", "json")
    assert result.exit_code == 0, result.output
    lib = diff_lists(OLD, NEW, as_of=date(2025, 6, 30))
    assert result.stdout == dumps(lib.to_dict())
    doc = json.loads(result.stdout)
    assert doc["schema"] == "imvo.diff/1" and doc["kind"] == "suppliers"
    assert doc["summary"]["counts"]["new"] == 2 and len(doc["unchanged"]) == 73


def test_table_lists_worst_first_and_the_summary():
    out = run("diff", OLD, NEW, *DATES).stdout
    assert out.index("disengagement") < out.index("Abay Garment PLC") < out.index("Malhas Costa")
    assert "Then and now" in out and "visibility" in out


def test_outputs_workbook_and_html(tmp_path):
    xlsx, html = tmp_path / "diff.xlsx", tmp_path / "diff.html"
    result = run("diff", OLD, NEW, *DATES, "--out", xlsx, "--html", html, "--format", "markdown")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["New", "Gone", "Changed", "Risk changes", "Summary", "Review"]
    assert wb["New"].max_row == 3 and wb["Gone"].max_row == 3 and wb["Changed"].max_row == 5
    page = html.read_text(encoding="utf-8")
    assert "Year over year" in page and "<script" not in page and "Abay Garment PLC" in page
    again = tmp_path / "again.xlsx"
    run("diff", OLD, NEW, *DATES, "--out", again)
    assert again.read_bytes() == xlsx.read_bytes()  # same input, same bytes


def _evil_lists(tmp_path):
    header = ["Supplier name", "Address", "City", "Country"]
    old = write_csv(tmp_path / "old.csv", header, [["Meghna Apparels Ltd.", "Plot 4, EPZ", "Savar", "Bangladesh"]])
    new = write_csv(tmp_path / "new.csv", header, [["Meghna Apparels Ltd.", "Plot 4, EPZ", "Savar", "Bangladesh"],
                                                   [EVIL, "Road 1", "Dhaka", "Bangladesh"]])
    return old, new


def test_untrusted_names_are_escaped_in_every_channel(tmp_path):
    old, new = _evil_lists(tmp_path)
    text = to_markdown(diff_lists(old, new))
    import re

    assert not re.search(r"(?<!\\)[<>\[\]*]", text)  # no raw HTML, link or emphasis can form
    assert md(EVIL) in text and "\\<img" in text
    html, xlsx = tmp_path / "d.html", tmp_path / "d.xlsx"
    assert run("diff", old, new, "--html", html, "--out", xlsx).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    with zipfile.ZipFile(xlsx) as z:
        sheets = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")}
    assert not any("<f>" in s for s in sheets.values())  # never a formula
    wb = openpyxl.load_workbook(xlsx)
    assert wb["New"]["C2"].value == EVIL and wb["New"]["C2"].data_type == "s"


def test_markdown_escapes_every_metacharacter():
    assert md("a|b") == "a\\|b" and md("<b>") == "\\<b\\>" and md("line\nbreak") == "line break"
    assert md("[x](y)") == "\\[x\\]\\(y\\)" and md("\\") == "\\\\"


def test_policy_requiring_exit_reasons_fails_with_exit_1(tmp_path):
    folder = tmp_path / "y2"
    folder.mkdir()
    (folder / "suppliers.xlsx").write_bytes(NEW.read_bytes())
    (folder / "imvo.toml").write_text("[diff]\nrequire_exit_reason = true\n", encoding="utf-8")
    result = run("diff", OLD, folder / "suppliers.xlsx", *DATES, "--format", "json")
    assert result.exit_code == 1
    assert "without an exit reason" in result.stderr
    assert json.loads(result.stdout)["policy"]["reasons"]


def test_policy_beside_last_years_list_applies_when_none_is_beside_this_years(tmp_path):
    old, new = tmp_path / "y1", tmp_path / "y2"
    old.mkdir()
    new.mkdir()
    (old / "suppliers.xlsx").write_bytes(OLD.read_bytes())
    (new / "suppliers.xlsx").write_bytes(NEW.read_bytes())
    (old / "imvo.toml").write_text("[diff]\nrequire_exit_reason = true\n", encoding="utf-8")
    result = run("diff", old / "suppliers.xlsx", new / "suppliers.xlsx", *DATES, "-q")
    assert result.exit_code == 1 and "without an exit reason" in result.stderr
    # this year's file wins where both folders have one
    (new / "imvo.toml").write_text("[diff]\nrequire_exit_reason = false\n", encoding="utf-8")
    result = run("diff", old / "suppliers.xlsx", new / "suppliers.xlsx", *DATES, "-q")
    assert result.exit_code == 0


def test_policy_key_is_validated(tmp_path):
    (tmp_path / "imvo.toml").write_text("[diff]\nrequire_exit_reason = \"yes\"\n", encoding="utf-8")
    (tmp_path / "new.xlsx").write_bytes(NEW.read_bytes())
    result = run("diff", OLD, tmp_path / "new.xlsx")
    assert result.exit_code == 2 and "diff.require_exit_reason" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("missing.xlsx", NEW), "file not found"),
    ((OLD, SAMPLE / "members"), "not one of each"),
    ((OLD, NEW, "--format", "yaml"), "--format"),
    ((OLD, NEW, "--out", "diff.csv"), "--out must be an .xlsx"),
    ((OLD, NEW, "--threshold", "2"), "--threshold"),
])
def test_usage_errors_exit_2_with_one_line(args, message):
    result = run("diff", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_output_over_an_input_is_refused(tmp_path):
    target = tmp_path / "old.xlsx"
    target.write_bytes(OLD.read_bytes())
    result = run("diff", target, NEW, "--out", target)
    assert result.exit_code == 2 and target.read_bytes() == OLD.read_bytes()


def test_sector_diff_of_member_folders(tmp_path):
    xlsx = tmp_path / "sector-diff.xlsx"
    result = run("diff", SAMPLE / "members", SAMPLE / "year2" / "members", "--format", "json", "--out", xlsx)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kind"] == "sector" and doc["summary"]["counts"]["members_not_resubmitted"] == 1
    assert openpyxl.load_workbook(xlsx).sheetnames == ["New", "Gone", "Changed", "Risk changes",
                                                       "Summary", "Members"]


def test_review_sheet_round_trip_with_decisions(tmp_path):
    header = ["Supplier name", "Address", "City", "Country"]
    old = write_csv(tmp_path / "old.csv", header, [["Meghna Apparels Ltd.", "Plot 4, Dhaka EPZ", "Savar", "Bangladesh"]])
    new = write_csv(tmp_path / "new.csv", header, [["Meghna Apparel Limited", "Plot 9, Dhaka EPZ", "Savar", "Bangladesh"]])
    book = tmp_path / "diff.xlsx"
    first = json.loads(run("diff", old, new, "--format", "json", "--out", book).stdout)
    assert first["summary"]["counts"]["new"] == 1 and first["summary"]["counts"]["gone"] == 1
    assert len(first["review"]) == 1
    wb = openpyxl.load_workbook(book)
    ws = wb["Review"]
    assert [c.value for c in ws[1]][-1] == "decision"
    ws.cell(2, ws.max_column, "same")
    wb.save(tmp_path / "reviewed.xlsx")
    second = json.loads(run("diff", old, new, "--format", "json", "--decisions",
                            tmp_path / "reviewed.xlsx").stdout)
    counts = second["summary"]["counts"]
    assert (counts["kept"], counts["new"], counts["gone"], counts["decisions_applied"]) == (1, 0, 0, 1)
    [entry] = second["entries"]
    assert {c["field"] for c in entry["changes"]} == {"name", "address"}


def test_help_example_runs_from_the_repository_root(monkeypatch):
    from conftest import REPO

    monkeypatch.chdir(REPO)
    help_text = run("diff", "--help").stdout
    example = next(line for line in help_text.splitlines() if "Example: imvo diff" in line)
    args = example.split("Example: imvo ", 1)[1].split()
    assert runner.invoke(app, args).exit_code == 0


def test_readme_examples_run_from_the_repository_root(monkeypatch, tmp_path):
    from conftest import REPO

    monkeypatch.chdir(REPO)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## `imvo diff`: year over year", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [line.split("#")[0].split() for line in block.strip().splitlines()]
    assert len(commands) == 3
    for words in commands:
        assert words[:2] == ["imvo", "diff"]
        args = [str(tmp_path / w) if w in ("diff.xlsx", "diff.html", "diff.md") else w for w in words[1:]]
        assert runner.invoke(app, args).exit_code == 0, words
    assert (tmp_path / "diff.xlsx").is_file() and (tmp_path / "diff.html").is_file()


def test_an_unreadable_list_is_one_clear_line_and_exit_2():
    from conftest import DATA

    result = run("diff", OLD, DATA / "bad" / "truncated.xlsx")
    assert result.exit_code == 2
    assert result.stderr.startswith("imvo: error: ") and "truncated.xlsx" in result.stderr
    assert "Traceback" not in result.stderr


def test_sector_html_names_members_not_resubmitted(tmp_path):
    page = tmp_path / "sector.html"
    result = run("diff", SAMPLE / "members", SAMPLE / "year2" / "members", "--html", page)
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "not resubmitted" in text and "heidebloem-kids" in text and "<script" not in text


def test_a_json_that_is_not_a_sector_list_is_a_clear_error(tmp_path):
    good = tmp_path / "s.json"
    good.write_text('{"schema": "imvo.aggregate/1", "facilities": [], "members": []}', encoding="utf-8")
    for text, message in (('{"schema": "imvo.map/1"}', "not an imvo.aggregate/1 document"),
                          ("{oops", "invalid JSON")):
        bad = tmp_path / "bad.json"
        bad.write_text(text, encoding="utf-8")
        result = run("diff", good, bad)
        assert result.exit_code == 2 and message in result.stderr and "bad.json" in result.stderr
    assert run("diff", good, good, "--format", "json").exit_code == 0


def test_regression_themes_read_as_labels_not_keys(tmp_path):
    """Regression: the diff's details and its Risk changes sheet showed theme keys
    ("discrimination gender", `discrimination_gender`) where every other workbook has labels."""
    xlsx = tmp_path / "diff.xlsx"
    result = run("diff", OLD, NEW, *DATES, "--format", "markdown", "--out", xlsx)
    assert result.exit_code == 0, result.output
    madhumati = next(ln for ln in result.stdout.splitlines() if "Madhumati" in ln)
    assert "Discrimination and gender" in madhumati and "discrimination gender" not in madhumati
    sheet = openpyxl.load_workbook(xlsx)["Risk changes"]
    header = [c.value for c in sheet[1]]
    themes = {row[header.index("Theme")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Discrimination and gender" in themes and not any("_" in t for t in themes)


def test_readme_diff_example_is_what_the_sample_gives():
    """The README's abridged diff output: its headline, and per line the kind, level, name,
    country and details (the part before an ellipsis) of the entry, in the same order."""
    import re

    from conftest import REPO

    from imvo_cli.diff import change_text, headline

    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("The first prints what changed, worst first (abridged):", 1)[1]
    lines = block.split("```", 2)[1].strip().splitlines()
    result = diff_lists(OLD, NEW, as_of=date(2025, 6, 30))
    assert lines[0] == headline(result)
    from imvo_cli.report.diff_view import rows_not_read

    not_read = rows_not_read(result)
    assert len(not_read) == 2
    for line, full in zip(lines[1:3], not_read):
        shown_line = line.removesuffix("...").rstrip()
        assert full.split(": ", 1)[1].startswith(shown_line.split(": ", 1)[1])
        assert full.split(": ", 1)[0].endswith(shown_line.split(": ", 1)[0])
    lines = lines[:1] + lines[3:]
    shown = [e for e in result.entries if e.kind != "unchanged"]
    assert len(lines) - 1 == len(shown)
    for line, e in zip(lines[1:], shown, strict=True):
        kind, level, rest = re.split(r"\s{2,}", line, maxsplit=2)
        name, country, details = re.split(r"\s{2,}", rest, maxsplit=2)
        assert (kind, level, name, country) == (e.kind, e.level, e.name, e.country)
        actual = change_text(e)
        for part in details.split("..."):
            assert part.strip(" ,:") in actual, (e.name, part)


def test_regression_a_narrow_terminal_shows_names_and_details(tmp_path, monkeypatch):
    """Regression: at 40 columns the five-column table squeezed Name and Details to nothing."""
    monkeypatch.setenv("COLUMNS", "40")
    out = run("diff", OLD, NEW, *DATES).stdout
    words = " ".join(out.split())  # wrapped lines read as one text
    assert "Yadanar" in words and "disengagement to explain" in words
    assert "Abay Garment PLC" in out.replace("\n", " ") and "┃" not in out.split("Then and now")[0]
    assert all(len(line) <= 40 for line in out.splitlines())
    old, new = _evil_lists(tmp_path)
    evil = run("diff", old, new).stdout
    assert "[link](http://x)" in evil.replace("\n", "")  # markup shown as text, not parsed


def test_rows_that_became_no_supplier_are_named_in_table_markdown_and_html(tmp_path):
    head = ["Supplier name", "Address", "City", "Country", "Tier"]
    old = write_csv(tmp_path / "a.csv", head, [["Alpha Ltd", "1 Road", "Dhaka", "Bangladesh", 1]])
    new = write_csv(tmp_path / "b.csv", head, [["Alpha Ltd", "1 Road", "Dhaka", "Bangladesh", 1],
                                               ["Beta Ltd", "2 Road", "Dhaka", "", 1],
                                               ["Gamma Ltd", "3 Road", "Dhaka", "Atlantis", 1]])
    table = run("diff", old, new, *DATES)
    assert table.exit_code == 0
    assert "b.csv: 2 row(s) became no supplier" in " ".join(table.stdout.split())
    assert "row 3" in table.stdout and "row 4" in table.stdout and "Atlantis" in table.stdout
    markdown = run("diff", old, new, *DATES, "--format", "markdown").stdout
    assert "became no supplier" in markdown and "Atlantis" in markdown
    run("diff", old, new, *DATES, "--html", tmp_path / "d.html")
    assert "2 row(s) became no supplier" in (tmp_path / "d.html").read_text(encoding="utf-8")
    nothing = run("diff", old, old, *DATES)
    assert "became no supplier" not in nothing.stdout


def test_lang_nl_writes_the_workbook_html_and_policy_line_in_dutch(tmp_path):
    """Regression: --lang nl left diff's workbook, HTML page and policy reasons in English; the
    Dutch Review sheet still reads back with --decisions."""
    header = ["Supplier name", "Address", "City", "Country"]
    old = write_csv(tmp_path / "old.csv", header, [["Meghna Apparels Ltd.", "Plot 4, Dhaka EPZ", "Savar", "Bangladesh"]])
    new = write_csv(tmp_path / "new.csv", header, [["Meghna Apparel Limited", "Plot 9, Dhaka EPZ", "Savar", "Bangladesh"]])
    book, page = tmp_path / "verschil.xlsx", tmp_path / "verschil.html"
    result = run("diff", old, new, "--lang", "nl", "--out", book, "--html", page, "--quiet")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Nieuw", "Vervallen", "Gewijzigd", "Risicowijzigingen", "Overzicht",
                             "Beoordelen"]
    assert [c.value for c in wb["Nieuw"][1]][:3] == ["Locatie-ID", "Status", "Naam"]
    assert '<html lang="nl">' in page.read_text(encoding="utf-8")
    ws = wb["Beoordelen"]
    ws.cell(2, ws.max_column, "zelfde")
    wb.save(tmp_path / "beoordeeld.xlsx")
    second = json.loads(run("diff", old, new, "--format", "json", "--decisions",
                            tmp_path / "beoordeeld.xlsx").stdout)
    assert second["summary"]["counts"]["decisions_applied"] == 1
    folder = tmp_path / "y2"
    folder.mkdir()
    (folder / "suppliers.xlsx").write_bytes(NEW.read_bytes())
    (folder / "imvo.toml").write_text("[diff]\nrequire_exit_reason = true\n", encoding="utf-8")
    strict = run("diff", OLD, folder / "suppliers.xlsx", *DATES, "--lang", "nl", "--format", "markdown")
    assert strict.exit_code == 1
    assert "imvo: beleid: 1 leverancier(s) met risico hoog of kritiek vervallen zonder reden van " \
        "vertrek: Yadanar Garment Manufacturing Co., Ltd. (hoog)" in strict.stderr
    assert "**beleid\\:** 1 leverancier\\(s\\) met risico hoog" in strict.stdout
    assert "without an exit reason" not in strict.stdout + strict.stderr


def test_regression_lang_nl_says_the_evidence_of_a_risk_change_in_dutch(tmp_path):
    """--lang nl left the evidence a diff found added or removed in English (console,
    markdown, workbook, HTML); English keeps it as the risk assessment wrote it."""
    header = ["Supplier name", "Address", "City", "Country", "Audit standard", "Audit date",
              "Audit result"]
    site = ["Meghna Apparels Ltd.", "Plot 4, Dhaka EPZ", "Savar", "Bangladesh", "WRAP"]
    old = write_csv(tmp_path / "old.csv", header, [[*site, "2023-11-14", "Failed"]])
    new = write_csv(tmp_path / "new.csv", header, [[*site, "2025-04-22", "Gold"]])
    added = ("audit-valid: audit WRAP resultaat 'Gold' van 2025-04-22, binnen 24 maanden op "
             "2025-06-30 [leverancierslijst]")
    removed = "audit-failed: auditresultaat 'Failed' [leverancierslijst]"
    book, page = tmp_path / "d.xlsx", tmp_path / "d.html"
    dutch = run("diff", old, new, *DATES, "--lang", "nl", "--format", "markdown", "--out", book,
                "--html", page)
    assert dutch.exit_code == 0, dutch.output
    assert md(f"+ {added}") in dutch.stdout and md(f"− {removed}") in dutch.stdout
    assert "within 24 months" not in dutch.stdout and "[supplier list]" not in dutch.stdout
    ws = openpyxl.load_workbook(book)["Risicowijzigingen"]
    cells = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    assert added in cells and removed in cells
    html = page.read_text(encoding="utf-8")
    assert "binnen 24 maanden" in html and "within 24 months" not in html
    english = run("diff", old, new, *DATES, "--format", "markdown").stdout
    assert md("− audit-failed: audit result 'Failed' [supplier list]") in english
