"""imvo map --lang nl, and the annotated workbook people read: print setup, re-export,
reference date, column overflow (issue 16 item 6) and cached formula values."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from typer.testing import CliRunner

from imvo_cli import read_suppliers
from imvo_cli.cli import app
from imvo_cli.export import annotated
from imvo_cli.export.annotated import added_headers, write_annotated
from imvo_cli.i18n import t

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "suppliers.xlsx"
DUTCH_SHEETS = ["Overzicht", "Risico's", "Ketens", "Problemen", "Landen"]
DUTCH_LEVELS = {"kritiek", "hoog", "middel", "laag", "onbekend"}


def run(*args):
    result = CliRunner().invoke(app, ["map", *map(str, args)])
    return result


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    out = tmp_path_factory.mktemp("nl")
    result = run(SAMPLE, "--lang", "nl", "--export", out / "x.xlsx", "--html", out / "x.html")
    assert result.exit_code == 0, result.output
    return result, out / "x.xlsx", out / "x.html"


def header_row(ws) -> list:
    source = read_suppliers(SAMPLE)
    return [c.value for c in ws[source.header_row]]


def test_dutch_terminal_output(dutch):
    result, _, _ = dutch
    out = result.stdout
    for word in ("Bedrijf", "Leveranciers", "Zichtbaarheid", "Hoofdredenen", "kritiek"):
        assert word in out
    assert "Main reasons" not in out and "Suppliers " not in out


def test_dutch_workbook_reads_back_in_dutch(dutch):
    _, xlsx, _ = dutch
    wb = load_workbook(xlsx)
    assert wb.sheetnames[1:] == DUTCH_SHEETS
    ws = wb.worksheets[0]
    head = header_row(ws)
    added = list(added_headers("nl"))
    assert head[-len(added):] == added and "risiconiveau" in added
    level_col = head.index("risiconiveau") + 1
    levels = {ws.cell(r, level_col).value for r in range(read_suppliers(SAMPLE).header_row + 1,
                                                         ws.max_row + 1)} - {None}
    assert levels and levels <= DUTCH_LEVELS
    themes = head.index("thema's") + 1
    text = " ".join(str(ws.cell(r, themes).value or "") for r in range(1, ws.max_row + 1))
    assert "Dwangarbeid" in text and "forced_labour" not in text and "Forced labour" not in text
    summary = [[c.value for c in row] for row in wb["Overzicht"].iter_rows()]
    assert summary[0] == ["onderdeel" if t("column.section", "nl") == "onderdeel"
                          else t("column.section", "nl"), t("column.item", "nl"),
                          t("column.value", "nl")]
    sections = {row[0] for row in summary[1:]}
    assert {"bedrijf", "invoer", "eerst aanpakken"} <= sections
    risks = wb["Risico's"]
    assert {risks.cell(r, 6).value for r in range(2, risks.max_row + 1)} <= DUTCH_LEVELS


def test_dutch_workbook_reimports_with_the_same_suppliers(dutch):
    _, xlsx, _ = dutch
    before, after = read_suppliers(SAMPLE), read_suppliers(xlsx)
    assert sorted((s.id, s.name, s.rows) for s in after.suppliers) == \
        sorted((s.id, s.name, s.rows) for s in before.suppliers)


def test_dutch_html_report(dutch):
    _, _, html = dutch
    page = html.read_text(encoding="utf-8")
    assert '<html lang="nl">' in page
    for text in ("Eerst aanpakken", "Ketenkaart", "Leveranciers met risico", "Bronnen en edities",
                 "Dwangarbeid"):
        assert text in page
    for text in ("Where to act first", "Flagged suppliers", "Sources and editions"):
        assert text not in page


def test_lang_from_imvo_toml(tmp_path):
    (tmp_path / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    src = tmp_path / "suppliers.xlsx"
    src.write_bytes(SAMPLE.read_bytes())
    result = run(src, "--export", tmp_path / "x.xlsx")
    assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "x.xlsx").sheetnames[1:] == DUTCH_SHEETS


def print_setup(path: Path) -> dict[str, tuple]:
    wb = load_workbook(path)
    return {ws.title: (ws.page_setup.orientation, ws.page_setup.fitToWidth,
                       ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                       ws.print_title_rows, ws.oddFooter.center.text) for ws in wb.worksheets}


@pytest.mark.parametrize("fast", [True, False], ids=["zip", "openpyxl"])
def test_every_imvo_sheet_and_the_suppliers_sheet_print_landscape(tmp_path, monkeypatch, fast):
    monkeypatch.setattr(annotated, "FAST_COPY", fast)
    out = tmp_path / "x.xlsx"
    assert run(SAMPLE, "--export", out, "--lang", "nl").exit_code == 0
    setup = print_setup(out)
    header = read_suppliers(SAMPLE).header_row
    assert setup["Suppliers"] == ("landscape", 1, True, f"$1:${header}", "Pagina &P van &N")
    for name in DUTCH_SHEETS:
        assert setup[name] == ("landscape", 1, True, "$1:$1", "Pagina &P van &N"), name


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_exporting_an_annotated_workbook_again_replaces_imvos_sheets(tmp_path, lang):
    first, second, third = (tmp_path / f"{n}.xlsx" for n in ("first", "second", "third"))
    assert run(SAMPLE, "--export", first, "--lang", lang).exit_code == 0
    assert run(first, "--export", second, "--lang", lang).exit_code == 0
    other = "en" if lang == "nl" else "nl"
    assert run(second, "--export", third, "--lang", other).exit_code == 0
    a, b, c = (load_workbook(p) for p in (first, second, third))
    assert b.sheetnames == a.sheetnames
    assert not any("imvo" in name for name in b.sheetnames + c.sheetnames)
    assert c.sheetnames[0] == "Suppliers" and len(c.sheetnames) == len(a.sheetnames)
    head = [v for v in header_row(c.worksheets[0]) if v is not None]
    assert head[-len(added_headers(other)):] == list(added_headers(other))
    assert not set(added_headers(lang)) - set(added_headers(other)) & set(head)


def test_a_users_own_summary_sheet_is_kept(tmp_path):
    src = tmp_path / "own.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    ws.append(["Supplier name", "Country"])
    ws.append(["Dhaka Knit", "Bangladesh"])
    wb.create_sheet("Summary")["A1"] = "our own notes"
    wb.save(src)
    out = tmp_path / "x.xlsx"
    assert run(src, "--export", out).exit_code == 0
    names = load_workbook(out).sheetnames
    assert names[:2] == ["Suppliers", "Summary"] and "Summary (imvo)" in names
    assert load_workbook(out)["Summary"]["A1"].value == "our own notes"


def test_summary_states_the_reference_date(tmp_path):
    out = tmp_path / "x.xlsx"
    assert run(SAMPLE, "--export", out).exit_code == 0
    rows = {(r[0], r[1]): r[2] for r in load_workbook(out)["Summary"].iter_rows(values_only=True)}
    from datetime import date

    assert rows[("company", "as of")] == date.today().isoformat()
    assert run(SAMPLE, "--export", out, "--as-of", "2024-03-01").exit_code == 0
    rows = {(r[0], r[1]): r[2] for r in load_workbook(out)["Summary"].iter_rows(values_only=True)}
    assert rows[("company", "as of")] == "2024-03-01"


def wide_sheet(path: Path, comment: bool) -> Path:
    """Regression (issue 16): a sheet with a value in column XFD, Excel's last."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    ws.append(["Supplier name", "Country"])
    ws.append(["Dhaka Knit", "Bangladesh"])
    ws.cell(1, 16_384, "note")
    if comment:  # a comment sends the export down the openpyxl path
        ws["A2"].comment = Comment("check", "buyer")
    wb.save(path)
    return path


@pytest.mark.parametrize("comment", [False, True], ids=["zip", "openpyxl"])
def test_a_sheet_using_column_xfd_is_refused_with_a_clear_message(tmp_path, comment):
    src = wide_sheet(tmp_path / "wide.xlsx", comment)
    out = tmp_path / "x.xlsx"
    result = run(src, "--export", out)
    assert result.exit_code == 2
    assert "XFD" in result.output and "Traceback" not in result.output
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["wide.xlsx"]


def formula_workbook(path: Path) -> Path:
    """Regression (issue 16): supplier names from formulas, with Excel's cached values, and a
    comment, so the export takes the openpyxl path (which used to drop the cached values)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    ws.append(["Supplier name", "Country", "Base"])
    names = ["Dhaka Knit", "Izmir Tekstil", "Shanghai Dye"]
    for r, (name, country) in enumerate(zip(names, ["Bangladesh", "Turkey", "China"]), 2):
        ws.cell(r, 1, f'=C{r}&""')
        ws.cell(r, 2, country)
        ws.cell(r, 3, name)
    ws["A2"].comment = Comment("check", "buyer")
    wb.save(path)
    # openpyxl writes no cached values; put Excel's in, as a saved workbook has them
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for r, name in enumerate(names, 2):
        sheet = re.sub(rf'<c r="A{r}"[^>]*><f>(C{r}[^<]*)</f><v\s*/?>(</v>)?</c>',
                       rf'<c r="A{r}" t="str"><f>\1</f><v>{name}</v></c>', sheet)
    assert sheet.count("<v>") >= 3
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_formulas_keep_their_cached_values_on_the_openpyxl_path(tmp_path, monkeypatch):
    src = formula_workbook(tmp_path / "f.xlsx")
    before = read_suppliers(src)
    assert sorted(s.name for s in before.suppliers) == ["Dhaka Knit", "Izmir Tekstil", "Shanghai Dye"]
    monkeypatch.setattr(annotated, "FAST_COPY", False)
    out = tmp_path / "x.xlsx"
    assert run(src, "--export", out).exit_code == 0
    after = read_suppliers(out)
    assert sorted(s.name for s in after.suppliers) == sorted(s.name for s in before.suppliers)
    ws = load_workbook(out)["Suppliers"]
    assert ws["A2"].value == '=C2&""'  # still a formula


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_map_table_fits_80_columns_without_cutting(monkeypatch, lang):
    monkeypatch.setenv("COLUMNS", "80")
    result = run(SAMPLE, "--lang", lang)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    table = [line for line in lines if line and line[0] in "┏┃┡│└"]
    assert table and all(len(line) <= 80 for line in lines)
    assert all(line[-1] in "┓┃┩│┘" for line in table), "a table line is cut off"
    names = {s.name for s in read_suppliers(SAMPLE).suppliers}
    shown = "".join(line[1:line.index("│", 1)].strip() for line in table if line.startswith("│"))
    assert all(name.replace(" ", "") in shown.replace(" ", "") for name in names)


def test_check_workbook_in_dutch(tmp_path):
    from types import SimpleNamespace

    from imvo_cli.export.checkbook import FILES_HEADERS, write_check_workbook

    finding = SimpleNamespace(supplier="Dhaka Knit", country="BD", tier=1, level="high",
                              reason="audit expired", rows=[4])
    issue = SimpleNamespace(severity="warning", code="x", sheet="S", row=4, column="B",
                            message="m", hint=None)
    result = SimpleNamespace(files=[SimpleNamespace(
        file="a.xlsx", status="fail", summary={"suppliers": 1, "risk": {"high": 1}},
        reasons=["1 high"], findings=[finding], issues=[issue])])
    en, nl = tmp_path / "en.xlsx", tmp_path / "nl.xlsx"
    write_check_workbook(result, en)
    write_check_workbook(result, nl, lang="nl")
    a, b = load_workbook(en), load_workbook(nl)
    assert a.sheetnames == ["Files", "Findings", "Issues"]
    assert [c.value for c in a["Files"][1]] == FILES_HEADERS
    assert b.sheetnames == ["Bestanden", "Bevindingen", "Problemen"]
    assert [c.value for c in b["Bestanden"][1]][:4] == \
        ["bestand", "status", "leveranciers", "kritiek"]
    assert b["Bevindingen"]["E2"].value == "hoog" and b["Problemen"]["B2"].value == "waarschuwing"
    assert b["Bestanden"]["B2"].value == t("check.fail", "nl")
