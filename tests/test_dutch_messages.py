"""Dutch row, chain and evidence messages: every issue code the reader and the chain checks
can emit has a Dutch form, tiny lists provoke them, and every Dutch channel says them in Dutch;
a message without a Dutch form stays English, never an error."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.i18n import Phrase
from imvo_cli.i18n.messages import (
    evidence_effect,
    evidence_rules,
    evidence_value,
    issue_codes,
    issue_hint,
    issue_line,
    issue_message,
    say,
)
from imvo_cli.mapping import read_and_map
from imvo_cli.model import Issue
from imvo_cli.policy import Policy
from imvo_cli.validate import validate_file

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "suppliers.xlsx"
runner = CliRunner()

# Every code the reader (imvo_cli/ingest) and the chain checks (imvo_cli/graph.py) give an
# Issue; "invalid-*" are the codes of a column's parser.
READER_CODES = {
    "column-mapped-elsewhere", "duplicate-column", "missing-address-column", "merged-cell",
    "cells-beyond-header", "cell-too-long", "control-characters", "error-value",
    "formula-without-value", "invalid-tier", "invalid-workers", "invalid-audit-date",
    "invalid-purchase-share", "invalid-os-id", "invalid-lat", "invalid-lng",
    "ambiguous-country", "country-part-ignored", "country-typo", "unknown-country",
    "missing-address", "conflicting-id", "duplicate-supplier", "missing-name", "missing-country",
    "unknown-sector", "section-heading", "description-row",
    # what the file readers note (ingest/notes.py)
    "nul-bytes", "incomplete-file", "encoding-guessed", "mixed-encoding", "mojibake",
    "invisible-characters", "lost-characters", "hidden-rows", "hidden-column",
}
CHAIN_CODES = {"unknown-reference", "self-reference", "ambiguous-reference", "unreachable",
               "tier-mismatch", "cycle"}
SOURCES = [REPO / "imvo_cli" / "ingest" / "__init__.py", REPO / "imvo_cli" / "ingest" / "merged.py",
           REPO / "imvo_cli" / "graph.py"] + [
    REPO / "imvo_cli" / "ingest" / f"{m}.py" for m in ("celltext", "textfile", "hidden")]
# How the sources name an issue's code: Issue("warning", "code", ...), a cell problem
# ("code", f"message", ...) and a country note ("code", reading.message, ...).
CODE_IN_SOURCE = re.compile(r'Issue\(\s*"(?:error|warning)",\s*"([a-z-]+)"'
                            r'|\(\(?"([a-z]+(?:-[a-z]+)+)",\s*(?:f?"|reading\.message)')
# imvo's own English words in these messages, none of which a Dutch channel may still say.
ENGLISH = ("no address", "the rows were merged", "same supplier as", "is not a recognised country",
           "can mean", "supplies to", "matches no supplier", "is declared tier", "in a circle",
           "does not reach", "linked to all", "fill in", "is empty", "is not a", "merged value",
           "spreadsheet error", "add the street address", "did you mean", "also on row")
EVIDENCE_ENGLISH = ("no social audit recorded", "governance rank", "not in this list",
                    "likelihood", "no street address", "within", "months old",
                    "no data on this theme", "cannot tell whether", "child labour", "forced labour")


def _english_in(text: str, phrases=ENGLISH) -> list[str]:
    return [p for p in phrases if p in text]


def _list_workbook(path: Path) -> Path:
    """One sheet that provokes nearly every reader and chain issue, one row (or two) each."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    ws.append(["ID", "Name", "Address", "Country", "Tier", "Supplies to", "Workers",
               "Audit date", "Purchase share", "OS ID", "Lat", "Lng", "Supplier name"])
    rows = [
        ["A1", "Alpha Mill", "Street 1", "Netherlands", 1],
        ["A2", "Beta Dye", None, "Netherlands", 2, "A1"],  # missing-address
        [None, "Alpha Mill", "Street 1", "Netherlands", 1],  # duplicate-supplier
        ["A1", "Gamma Knit", "Street 9", "Germany", 1],  # conflicting-id
        ["A4", "Delta Yarn", "Street 4", "Bangladseh", 1],  # unknown-country (error)
        ["A5", None, "Street 5", "India", 1],  # missing-name
        ["A6", "Epsilon Wash", "Street 6", None, 1],  # missing-country
        ["A7", "Zeta Print", "Street 7", "Korea", 1],  # ambiguous-country (warning)
        ["A8", "Eta Sew", "Street 8", "China, Shanghai", 1],  # country-part-ignored
        ["A9", "Theta Cut", "Street 9", "Congo", 1],  # ambiguous-country (error)
        ["A10", "Iota Trim", "Street 10", "India", "x"],  # invalid-tier
        ["A11", "Kappa Pack", "Street 11", "India", 1, None, "-5", "not a date", "abc", "XX",
         "100", "abc"],
        ["A12", "Lambda Spin", "Street 12", "India", 2, "V9999"],  # unknown-reference
        ["A13", "Mu Weave", "Street 13", "India", 1, "A13"],  # self-reference
        ["A14", "Same Name", "Street 14", "India", 1],
        ["A15", "Same Name", "Street 15", "China", 1],
        ["A16", "Nu Knit", "Street 16", "India", 2, "Same Name"],  # ambiguous-reference
        ["A17", "Xi Loop", "Street 17", "India", 2, "A18"],  # cycle, unreachable
        ["A18", "Omicron Loop", "Street 18", "India", 2, "A17"],
        ["A19", "Pi Farm", "Street 19", "India", 3],  # tier-mismatch, no link
        ["A20", "Rho Gin", "Street 20", "India", 3, "A1"],  # tier-mismatch, links
        ["A21", "Sigma\u202e Ltd", "Street 21", "India", 1],  # control-characters
        ["A22", "Tau Bleach", "Street 22", "India", 1, None, "#N/A"],  # error-value
        ["A24", "Phi Mill", "Street 24", "India", 1, None, None],  # formula-without-value
        ["A25", "Chi Mill", "Street 25", "Vietnam", 1],  # merged-cell (with the next row)
        ["A26", "Psi Mill", None, None, 1],
        ["Tier 2"],  # section-heading (merged across the row below)
    ]
    for row in rows:
        ws.append(row)
    ws.cell(row=25, column=7).value = "=1+1"  # saved without a result
    ws.merge_cells("C26:D27")
    ws.merge_cells("A28:F28")
    ws.row_dimensions[3].hidden = True  # hidden-rows
    ws.column_dimensions["M"].hidden = True  # hidden-column
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def listed(tmp_path_factory) -> Path:
    return _list_workbook(tmp_path_factory.mktemp("nl-messages") / "list.xlsx")


@pytest.fixture(scope="module")
def issues(listed, tmp_path_factory) -> list[Issue]:
    """The issues of the list above, and of two more that need a policy or a column map."""
    found = list(validate_file(listed).issues)
    folder = tmp_path_factory.mktemp("nl-more")
    typo = folder / "typo.csv"
    typo.write_text("Name,Address,Country\nOmega Mill,Street 1,Bangladseh\n"
                    "Long Mill," + "x" * 60 + ",India\n"  # cell-too-long
                    "Wide Mill,Street 2,India,beyond\n", encoding="utf-8")  # cells-beyond-header
    policy = dataclasses.replace(Policy(), accept_country_suggestions=True,
                                 limits=dataclasses.replace(Policy().limits, max_cell_chars=40))
    found += validate_file(typo, policy=policy).issues
    mapped = folder / "mapped.csv"
    mapped.write_text("Name,Site,Country\nAlpha,Alpha Site,India\n", encoding="utf-8")
    found += validate_file(mapped, column_map={"Site": "name"}).issues
    sector = folder / "sector.csv"
    sector.write_text("Sector: Spaceships\nName,Address,Country\nAlpha,Street 1,India\n",
                      encoding="utf-8")  # unknown-sector
    found += validate_file(sector).issues
    described = folder / "described.csv"
    described.write_text("Name,Address,Country\n(legal name),(street),(name or ISO code)\n"
                         "Alpha,Street 1,India\n", encoding="utf-8")  # description-row
    found += validate_file(described).issues
    damaged = folder / "damaged.csv"  # what the readers note, one row each
    damaged.write_bytes("Name,Address,Country\nMÃ¼ller GmbH,Street 1,Germany\n"
                        "Ze\u200bta,Street 2,India\nM\ufffdller,Street 3,India\n"
                        "Nu\x00ll,Street 4,India\n".encode() + "Société,Street 5,France\n"
                        .encode("cp1252") + b"\0" * 8)
    found += validate_file(damaged).issues
    utf16 = folder / "utf16.csv"  # encoding-guessed
    utf16.write_bytes("Name,Address,Country\nAlpha,Street 1,India\n".encode("utf-16-le"))
    found += validate_file(utf16).issues
    return found


def test_every_issue_code_of_the_reader_and_the_chains_is_listed_and_has_a_dutch_form():
    in_source = set()
    for path in SOURCES:
        for m in CODE_IN_SOURCE.finditer(path.read_text(encoding="utf-8")):
            in_source.add(m.group(1) or m.group(2))
    assert in_source - READER_CODES - CHAIN_CODES == set()  # a new code: list it, translate it
    text = "".join(p.read_text(encoding="utf-8") for p in SOURCES)
    for code in READER_CODES | CHAIN_CODES:
        assert f'"{code}"' in text or code.startswith("invalid-"), code
    dutch = issue_codes("nl")
    for code in READER_CODES | CHAIN_CODES:
        assert code in dutch or (code.startswith("invalid-") and "invalid" in dutch), code


def test_the_tiny_lists_provoke_the_codes_and_each_message_and_hint_reads_in_dutch(issues):
    seen = {i.code for i in issues}
    assert READER_CODES | CHAIN_CODES <= seen, sorted((READER_CODES | CHAIN_CODES) - seen)
    assert_said_in_dutch(issues, ENGLISH)


def assert_said_in_dutch(issues: list[Issue], english: tuple[str, ...]) -> None:
    """Each issue's message and hint read in Dutch, none of the `english` phrases left, and
    English says them as written."""
    for i in issues:
        said, hint = issue_message(i, "nl"), issue_hint(i, "nl")
        assert said != i.message, (i.code, i.message)
        assert _english_in(said, english) == [], (i.code, said)
        if i.hint:
            assert hint != i.hint, (i.code, i.hint)
            assert _english_in(hint, english) == [], (i.code, hint)
        assert issue_message(i, "en") == i.message and issue_hint(i, "en") == i.hint


def test_values_keep_their_text_and_country_names_are_said_in_dutch(issues):
    by_code = {}
    for i in issues:
        by_code.setdefault(i.code, []).append(i)
    merged = next(i for i in by_code["duplicate-supplier"])
    assert issue_message(merged, "nl") == ("dezelfde leverancier als regel 2 (dezelfde naam, "
                                           "hetzelfde adres en hetzelfde land); de regels zijn samengevoegd")
    korea = next(i for i in by_code["ambiguous-country"] if i.severity == "warning")
    assert issue_message(korea, "nl") == ("'Korea' kan Zuid-Korea (KR) of Noord-Korea (KP) betekenen; "
                                          "gelezen als Zuid-Korea (KR), niet als Noord-Korea (KP)")
    unknown = next(i for i in by_code["unknown-reference"])
    assert "'Lambda Spin' levert aan 'V9999'" in issue_message(unknown, "nl")
    typo = next(i for i in by_code["country-typo"])
    assert "'Bangladseh' gelezen als Bangladesh (BD)" in issue_message(typo, "nl")
    assert issue_line(merged, "nl").endswith("list.xlsx, werkblad 'Suppliers', regel 4: dezelfde "
                                             "leverancier als regel 2 (dezelfde naam, hetzelfde adres en "
                                             "hetzelfde land); de regels zijn samengevoegd (noem elke "
                                             "productielocatie één keer, met al haar processen)")


def test_a_message_without_a_dutch_form_stays_english_and_never_fails():
    new = Issue("warning", "no-such-code", "a message imvo may write one day", hint="do this")
    assert issue_message(new, "nl") == new.message and issue_hint(new, "nl") == "do this"
    odd = Issue("warning", "missing-address", "an unforeseen wording of this code")
    assert issue_message(odd, "nl") == odd.message and issue_hint(odd, "nl") is None
    assert evidence_value("no-audit", "an unforeseen evidence text", "nl") == "an unforeseen evidence text"
    assert evidence_value("a-new-rule", "located in X: y", "nl") == "gevestigd in X: y"
    assert evidence_effect("something new", "nl") == "something new"
    assert issue_line(new, "nl") == "a message imvo may write one day (do this)"


def test_evidence_and_effects_of_the_sample_read_in_dutch():
    cm = read_and_map(SAMPLE)
    texts = {(e.rule, e.value) for a in cm.risk.values() for e in a.evidence}
    effects = {e.effect for a in cm.risk.values() for e in a.evidence if e.effect}
    assert {"no-audit", "governance-baseline", "dol-listed-good"} <= evidence_rules("nl")
    for rule, value in texts:
        said = evidence_value(rule, value, "nl")
        # the process and region tables' own texts (a rationale, a finding) stay as they are
        if rule != "process-knowledge" and not said.startswith("gevestigd in "):
            assert said != value, (rule, value)
            assert _english_in(said, EVIDENCE_ENGLISH) == [], (rule, said)
    for effect in effects:
        assert _english_in(evidence_effect(effect, "nl"), EVIDENCE_ENGLISH) == [], effect
    assert evidence_value("no-audit", "no social audit recorded (standard, date, result empty)",
                          "nl") == "geen sociale audit vastgelegd (standaard, datum en resultaat leeg)"


def test_validate_in_dutch_says_the_messages_in_dutch(listed):
    result = runner.invoke(app, ["validate", str(listed), "--lang", "nl", "--verbose"],
                           env={"COLUMNS": "400"})
    assert result.exit_code == 1, result.output
    assert "geen adres: de locatie kan niet worden geverifieerd - vul het straatadres in" in result.stdout
    assert "'Bangladseh' is geen bekend land" in result.stdout
    assert _english_in(result.stdout) == []
    english = runner.invoke(app, ["validate", str(listed), "--verbose"], env={"COLUMNS": "400"})
    assert "no address: the location cannot be verified - add the street address" in english.stdout


def test_map_in_dutch_console_workbook_and_html(listed, tmp_path):
    out, page = tmp_path / "x.xlsx", tmp_path / "x.html"
    result = runner.invoke(app, ["map", str(listed), "--lang", "nl", "--export", str(out),
                                 "--html", str(page)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "'Lambda Spin' levert aan 'V9999'" in result.stdout
    assert "is geen bekend land" in result.stdout  # the rows not read
    assert _english_in(result.stdout) == []
    wb = load_workbook(out, read_only=True)
    sheet = next(ws for ws in wb.worksheets if ws.title.lower().startswith(("problemen", "meldingen")))
    cells = [str(c) for row in sheet.iter_rows(min_row=2, values_only=True) for c in row[-2:] if c]
    assert "geen adres: de locatie kan niet worden geverifieerd" in cells
    assert _english_in(" ".join(cells)) == []
    html = page.read_text(encoding="utf-8")
    issues_html = html[html.index('id="issues"'):]
    issues_html = issues_html[:issues_html.index("</section>")]
    assert "leveranciers leveren in een kring aan elkaar" in issues_html
    assert _english_in(issues_html) == []


def test_map_in_dutch_evidence_in_the_workbook_and_html(tmp_path):
    out, page = tmp_path / "x.xlsx", tmp_path / "x.html"
    result = runner.invoke(app, ["map", str(SAMPLE), "--lang", "nl", "--export", str(out),
                                 "--html", str(page)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out, read_only=True)
    text = " ".join(str(c) for ws in wb.worksheets if ws.title in ("Risico's", "Overzicht")
                    for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str))
    assert "geen sociale audit vastgelegd" in text or "audit van" in text
    assert _english_in(text, EVIDENCE_ENGLISH[:6]) == []
    sources = {row[-1] for row in wb["Risico's"].iter_rows(min_row=2, values_only=True)}
    assert "leverancierslijst" in sources and "supplier list" not in sources
    assert any(str(x).startswith("World Bank, Worldwide Governance Indicators") for x in sources)
    html = page.read_text(encoding="utf-8")
    assert "bestuursscore (percentiel, 0-100)" in html
    assert "governance rank" not in html and "no social audit recorded" not in html


def test_risk_table_in_dutch_says_rules_and_evidence_in_dutch():
    result = runner.invoke(app, ["risk", "Bangladesh", "--product", "garments", "--lang", "nl"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "bestuursscore" in result.stdout and "governance rank" not in result.stdout
    english = runner.invoke(app, ["risk", "Bangladesh", "--product", "garments"], env={"COLUMNS": "200"})
    assert "governance-baseline: " in english.stdout and "governance rank" in english.stdout


def test_check_reasons_in_dutch_say_the_evidence_in_dutch():
    md = runner.invoke(app, ["check", str(SAMPLE), "--lang", "nl", "--format", "markdown"])
    assert md.exit_code == 1, md.output
    assert "eerste: " in md.stdout
    assert _english_in(md.stdout, EVIDENCE_ENGLISH) == []
    reason = Phrase("check_reason.evidence", themes=(), value="audit result 'fail'", source="supplier list")
    assert reason == ": audit result 'fail' [supplier list]"
    assert say(reason, "nl") == ": auditresultaat 'fail' [leverancierslijst]"
    first = Phrase("check_reason.first", supplier="X", reason=reason)
    assert say(first, "nl") == "eerste: X: : auditresultaat 'fail' [leverancierslijst]"
    assert say(first, "en") == str(first)


def test_errors_and_written_lines_on_stderr_speak_the_language(tmp_path):
    missing = tmp_path / "missing.xlsx"
    nl = runner.invoke(app, ["map", str(missing), "--lang", "nl"])
    en = runner.invoke(app, ["map", str(missing)])
    assert nl.exit_code == en.exit_code == 2
    assert nl.stderr.startswith("imvo: fout: ") and en.stderr.startswith("imvo: error: ")
    upload = tmp_path / "upload.csv"
    said = runner.invoke(app, ["map", str(SAMPLE), "--lang", "nl", "--osh", str(upload)])
    assert said.exit_code == 0, said.output
    assert f"imvo: Open Supply Hub-upload {upload} geschreven (" in said.stderr
    assert "productielocaties)" in said.stderr and "imvo: wrote" not in said.stderr
    english = runner.invoke(app, ["map", str(SAMPLE), "--osh", str(upload)])
    assert f"imvo: wrote Open Supply Hub upload {upload} (" in english.stderr


def test_diff_rows_not_read_in_dutch(listed):
    result = runner.invoke(app, ["diff", str(SAMPLE), str(listed), "--lang", "nl"],
                           env={"COLUMNS": "400"})
    text = " ".join((result.stdout + result.stderr).split())  # the console wraps long lines
    assert "werkblad 'Suppliers', regel 33, kolom 'Country': 'Bangladseh' is geen bekend land" in text
    assert "regel 6, kolom 'Country': 'Bangladseh' is geen bekend land" in text
    assert "row 6" not in text and "is not a recognised country" not in text


def test_gone_is_one_word_in_dutch():
    from imvo_cli.i18n import catalogue

    nl = catalogue("nl")
    words = {nl["cli_diff_kind.gone"], nl["diff_text.gone"].split(" ")[0],
             nl["diff_workbook.sheet_gone"].lower()}
    assert words == {"vervallen"}
    assert not [k for k, v in nl.items() if "verdwenen" in v.lower()]


def test_validate_column_notes_in_dutch(tmp_path):
    listed = tmp_path / "notes.csv"
    listed.write_text("Name,,Country,Remarks\nAlpha,x,India,y\n", encoding="utf-8")
    nl = runner.invoke(app, ["validate", str(listed), "--lang", "nl", "--map", "Remarks=ignore"],
                       env={"COLUMNS": "200"})
    text = " ".join(nl.stdout.split())
    assert "geen kop: de kolom wordt niet gelezen" in text
    assert "genegeerd, zoals de kolomtoewijzing zegt" in text
    assert "ignored as the column map says" not in text and "no header" not in text
    en = runner.invoke(app, ["validate", str(listed), "--map", "Remarks=ignore"], env={"COLUMNS": "200"})
    assert "ignored as the column map says" in " ".join(en.stdout.split())


def test_regression_decimals_inside_dutch_evidence_use_a_decimal_comma():
    """Dutch evidence said "+0.5 waarschijnlijkheid" and "9.2% van de kinderen": the decimal
    point of the English text; numbers are said with a decimal comma now, other text as is."""
    assert evidence_effect("+0.5 likelihood (not verified; counted once)", "nl") == \
        "+0,5 waarschijnlijkheid (niet geverifieerd; één keer meegeteld)"
    assert evidence_effect("likelihood 2.93-3.52 by theme", "nl") == "waarschijnlijkheid 2,93-3,52 per thema"
    assert evidence_effect("likelihood 2.25", "nl") == "waarschijnlijkheid 2,25"
    assert evidence_effect("+1 likelihood", "nl") == "+1 waarschijnlijkheid"
    profile = "India: advancement level 'Moderate Advancement'; 9.2% of children aged 5-14 work"
    assert evidence_value("dol-country-profile", profile, "nl") == \
        "India: vooruitgangsniveau 'Moderate Advancement'; 9,2% van de kinderen van 5-14 jaar werkt"
    assert evidence_value("dol-country-profile", profile, "en") == profile
    # Not a number as English writes one: kept as it is (never "15" for "1,5").
    assert evidence_effect("likelihood 1,5", "nl") == "waarschijnlijkheid 1,5"
    assert evidence_effect("likelihood high", "nl") == "waarschijnlijkheid high"
    cell = Issue("warning", "cell-too-long", "cell has 1,234 characters; kept the first 1,000")
    assert issue_message(cell, "nl") == "de cel heeft 1.234 tekens; de eerste 1.000 zijn bewaard"
