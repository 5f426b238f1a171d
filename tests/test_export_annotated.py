"""The annotated workbook: the user's own list back, untouched, with imvo's findings added."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from chainmap_factory import FLAGS, chain_map_for
from imvo_cli import read_suppliers
from imvo_cli.export import annotated, xlsx
from imvo_cli.export.annotated import ADDED_HEADERS, write_annotated
from imvo_cli.model import LEVEL_COLOURS
from imvo_cli.ingest.headers import canonical_field
from imvo_cli.model import ImvoError

DATA = Path(__file__).parent / "data"
HYPERLINK = '=HYPERLINK("http://example.com","x")'
PHONE = "+31 20 1234"
NEW_SHEETS = ["Summary", "Risks", "Chains", "Issues", "Countries"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_xlsx(path: Path, user_comment: bool = True) -> Path:
    """A realistic input: a notes sheet first, a company line above the header, styles,
    a formula, text that looks like a formula, a rejected row, a supplier on two rows."""
    wb = Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes["A1"] = "Supplier list 2024, owner: purchasing"
    ws = wb.create_sheet("Leveranciers")
    ws["A1"] = "Company: Acme Fashion"
    header = ["Supplier name", "Address", "City", "Country", "Tier", "Process", "Phone", "Total"]
    for c, h in enumerate(header, 1):
        cell = ws.cell(3, c, h)
        cell.font = Font(bold=True, color="FF0000")
        cell.fill = PatternFill("solid", start_color="FFFF00", end_color="FFFF00")
    rows = [
        ["Dhaka Knit Ltd", "12 Road 5", "Dhaka", "Bangladesh", 1, "knitting", "n/a", None],
        [HYPERLINK, "88 Huangpu Lu", "Shanghai", "China", 2, "dyeing", PHONE, None],
        ["Izmir Tekstil", "Ataturk Cad. 4", "Izmir", "Turkey", 1, "cut-make-trim", None, None],
        ["Atlantis Mill", "1 Nowhere", "Atlantis", "Atlantis", 1, "spinning", None, None],
        ["Dhaka Knit Ltd", "12 Road 5", "Dhaka", "Bangladesh", 1, "sewing", None, None],
    ]
    for r, row in enumerate(rows, 4):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c).value = v
                ws.cell(r, c).data_type = "s" if isinstance(v, str) else ws.cell(r, c).data_type
    ws["H4"] = "=SUM(E4:E8)"  # a real formula of the user's: must stay a formula
    if user_comment:  # a sheet with comments is copied by openpyxl, without by the zip copy
        ws["D7"].comment = Comment("check this one", "buyer")
    ws.column_dimensions["A"].width = 33
    wb.save(path)
    return path


def _no_openpyxl_copy(*args, **kwargs):
    raise AssertionError("this workbook must be copied at the zip level")


@pytest.fixture(params=["openpyxl", "zip"])
def xlsx_export(tmp_path, request, monkeypatch):
    """The export of make_xlsx's workbook, once through openpyxl (the sheet has a comment of
    the user's) and once through the zip-level copy (xlsx_patch; openpyxl is not used)."""
    zip_copy = request.param == "zip"
    src = make_xlsx(tmp_path / "leveranciers.xlsx", user_comment=not zip_copy)
    before = sha(src)
    cm = chain_map_for(src)
    out = tmp_path / "annotated.xlsx"
    with monkeypatch.context() as m:
        if zip_copy:
            m.setattr(annotated, "write_openpyxl_copy", _no_openpyxl_copy)
        write_annotated(cm, out, input_path=src)
    assert sha(src) == before, "the input file must never be written"
    return src, cm, out


def style(cell) -> tuple[str, ...]:
    return tuple(repr(getattr(cell, a)) for a in ("font", "fill", "border", "alignment"))


def sheet_formulas(path: Path) -> list[str]:
    """Every <f> formula element in the workbook's sheet XML."""
    with zipfile.ZipFile(path) as z:
        return [f for n in z.namelist() if n.startswith("xl/worksheets/sheet")
                for f in re.findall(r"<f>(.*?)</f>", z.read(n).decode())]


def test_added_headers_never_name_an_input_field():
    assert [h for h in ADDED_HEADERS if canonical_field(h) is not None] == []
    assert "imvo tier" in ADDED_HEADERS and "tier" not in ADDED_HEADERS


def test_xlsx_copy_keeps_every_original_cell(xlsx_export):
    src, _, out = xlsx_export
    a, b = load_workbook(src), load_workbook(out)
    assert b.sheetnames == a.sheetnames + NEW_SHEETS
    for ws in a:
        copy = b[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                other = copy[cell.coordinate]
                assert (other.value, other.data_type, other.number_format) == \
                    (cell.value, cell.data_type, cell.number_format), cell.coordinate
                assert style(other) == style(cell), cell.coordinate
    assert b["Leveranciers"].column_dimensions["A"].width == 33
    assert b["Leveranciers"]["H4"].data_type == "f"
    assert sheet_formulas(out) == ["SUM(E4:E8)"]


def test_suppliers_sheet_gets_imvo_columns(xlsx_export):
    src, cm, out = xlsx_export
    ws = load_workbook(out)["Leveranciers"]
    assert [ws.cell(3, c).value for c in range(9, 9 + len(ADDED_HEADERS))] == list(ADDED_HEADERS)
    col = {h: 9 + i for i, h in enumerate(ADDED_HEADERS)}
    dhaka = next(s for s in cm.suppliers.values() if s.name == "Dhaka Knit Ltd")
    assert dhaka.rows == [4, 8]
    for r in dhaka.rows:  # a supplier on two rows: both rows carry its findings
        assert ws.cell(r, col["imvo id"]).value == dhaka.id
        assert ws.cell(r, col["imvo tier"]).value == 1
        level = ws.cell(r, col["risk level"])
        assert level.value == "critical"
        assert level.fill.start_color.rgb.endswith(LEVEL_COLOURS["critical"])
        assert "Freedom of association: critical" in ws.cell(r, col["themes"]).value  # human labels
        assert "test.country.child_labour" in level.comment.text
    assert ws.cell(4, col["reasons"]).value.startswith("freedom_of_association critical")
    # the rejected row: no supplier, its issue as text and as a comment on the country cell
    assert ws.cell(7, col["imvo id"]).value is None
    assert "'Atlantis' is not a recognised country" in ws.cell(7, col["issues"]).value
    comment = ws["D7"].comment.text
    assert "not a recognised country" in comment
    if load_workbook(src)["Leveranciers"]["D7"].comment is not None:
        assert comment.startswith("check this one")
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == f"A3:{ws.cell(1, col['issues']).column_letter}8"


def test_formula_like_text_stays_text(xlsx_export, tmp_path):
    _, _, out = xlsx_export
    wb = load_workbook(out)
    assert wb["Leveranciers"]["A5"].value == HYPERLINK
    assert wb["Leveranciers"]["A5"].data_type == "s"
    assert wb["Leveranciers"]["G5"].value == PHONE
    risky = [c for row in wb["Risks"].iter_rows() for c in row if c.value == HYPERLINK]
    assert risky and all(c.data_type == "s" for c in risky)


def test_annotated_sheet_reimports_with_the_same_suppliers(xlsx_export):
    src, cm, out = xlsx_export
    again = read_suppliers(out)
    assert again.sheet == "Leveranciers"

    def key(s):
        return (s.id, s.name, s.country, s.declared_tier, s.process, s.rows)

    assert sorted(map(key, again.suppliers)) == sorted(map(key, cm.source.suppliers))
    assert again.rejected_rows == cm.source.rejected_rows
    assert [s.declared_tier for s in again.suppliers if s.name == HYPERLINK] == [2]
    assert again.company == "Acme Fashion"


def test_generated_sheets(xlsx_export):
    _, cm, out = xlsx_export
    wb = load_workbook(out)
    flags = sum(len(r.flags) for r in cm.risk.values())
    assert wb["Risks"].max_row == 1 + flags
    risk_levels = [c.value for c in wb["Risks"]["F"][1:]]
    assert risk_levels[0] == "critical" and set(risk_levels) <= set(LEVEL_COLOURS)
    assert wb["Chains"].max_row == 1 + len(cm.suppliers)
    assert wb["Chains"]["E2"].value.endswith("> Acme Fashion")
    issues = [[c.value for c in row] for row in wb["Issues"].iter_rows(min_row=2)]
    assert ["error", "unknown-country", "leveranciers.xlsx", "Leveranciers", 7, "Country"] in \
        [i[:6] for i in issues]
    summary = {(s, i): v for s, i, v in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary[("company", "name")] == "Acme Fashion"
    assert summary[("suppliers per risk level", "critical")] == 2
    assert summary[("suppliers per tier", "tier 1")] == len(cm.suppliers)
    assert ("imvo", "version") in summary and ("policy", "fail_on") in summary
    countries = wb["Countries"]
    assert [c.value for c in countries[1]][:2] == ["country", "country name"]
    bd = next(r for r in countries.iter_rows(min_row=2, values_only=True) if r[0] == "BD")
    assert bd[-1] == "critical"
    rules = [r for cf in countries.conditional_formatting for r in cf.rules]
    assert sorted(r.formula[0] for r in rules) == sorted(f'"{lvl}"' for lvl in LEVEL_COLOURS)
    for title in ("Risks", "Chains", "Issues", "Countries"):
        assert wb[title].freeze_panes == "A2"


def test_same_input_same_bytes(xlsx_export, tmp_path):
    src, cm, out = xlsx_export
    again = tmp_path / "again.xlsx"
    write_annotated(cm, again, input_path=src)
    assert again.read_bytes() == out.read_bytes()


def test_exporting_an_annotated_workbook_refreshes_imvo_columns(xlsx_export, tmp_path):
    _, _, out = xlsx_export
    cm = chain_map_for(out)
    second = tmp_path / "second.xlsx"
    write_annotated(cm, second, input_path=out)
    ws = load_workbook(second)["Leveranciers"]
    header = [c.value for c in ws[3] if c.value is not None]
    assert header.count("imvo id") == 1 and header[-len(ADDED_HEADERS):] == list(ADDED_HEADERS)


def test_refuses_to_write_over_the_input(tmp_path):
    src = make_xlsx(tmp_path / "list.xlsx")
    before = sha(src)
    with pytest.raises(ImvoError) as exc:
        write_annotated(chain_map_for(src), src, input_path=src)
    assert exc.value.code == "output-is-input"
    with pytest.raises(ImvoError) as exc:
        write_annotated(chain_map_for(src), tmp_path / "." / "list.xlsx", input_path=src)
    assert exc.value.code == "output-is-input"
    with pytest.raises(ImvoError) as exc:
        write_annotated(chain_map_for(src), tmp_path / "out.csv", input_path=src)
    assert exc.value.code == "output-type"
    assert sha(src) == before


def test_interrupted_export_leaves_nothing(tmp_path, monkeypatch):
    src = make_xlsx(tmp_path / "list.xlsx")
    cm = chain_map_for(src)

    def interrupted(*args):
        yield "<?xml"
        raise KeyboardInterrupt

    monkeypatch.setattr(xlsx, "streamed_sheet_chunks", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_annotated(cm, tmp_path / "out.xlsx", input_path=src)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.xlsx"]


def test_csv_input_becomes_a_new_workbook(tmp_path):
    src = tmp_path / "suppliers.csv"
    src.write_text("Supplier name;Address;City;Country;Phone\n"
                   f"\"{HYPERLINK.replace(chr(34), chr(34) * 2)}\";1 Road;Dhaka;BD;{PHONE}\n"
                   "Istanbul Iplik;2 Cad.;Istanbul;Turkey;@home\n"
                   "No Country Ltd;3 Street;Nowhere;;\n", encoding="utf-8")
    before = sha(src)
    cm = chain_map_for(src)
    out = tmp_path / "annotated.xlsx"
    write_annotated(cm, out, input_path=src)
    assert sha(src) == before
    wb = load_workbook(out)
    assert wb.sheetnames == ["Suppliers", *NEW_SHEETS]
    ws = wb["Suppliers"]
    assert (ws["A2"].value, ws["A2"].data_type) == (HYPERLINK, "s")
    assert (ws["E2"].value, ws["E2"].data_type) == (PHONE, "s")
    assert (ws["E3"].value, ws["E3"].data_type) == ("@home", "s")
    assert ws.cell(1, 6).value == "imvo id"
    assert "country is empty" in ws.cell(4, 6 + ADDED_HEADERS.index("issues")).value
    assert sheet_formulas(out) == []
    again = read_suppliers(out)
    assert sorted((s.id, s.name, s.rows) for s in again.suppliers) == \
        sorted((s.id, s.name, s.rows) for s in cm.source.suppliers)


def test_xls_input_becomes_a_new_workbook(tmp_path):
    src = tmp_path / "suppliers.xls"
    src.write_bytes((DATA / "suppliers.xls").read_bytes())
    cm = chain_map_for(src)
    out = tmp_path / "annotated.xlsx"
    write_annotated(cm, out, input_path=src)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Leveranciers", *NEW_SHEETS]
    ws = wb["Leveranciers"]
    assert [c.value for c in ws[1]][:9] == ["Naam", "Adres", "Plaats", "Land", "Niveau",
                                            "Productieproces", "Aantal werknemers", "Opmerking",
                                            "imvo id"]
    assert ws["H4"].value == "=1+1" and ws["H4"].data_type == "s"
    again = read_suppliers(out)
    assert sorted((s.id, s.declared_tier, s.workers) for s in again.suppliers) == \
        sorted((s.id, s.declared_tier, s.workers) for s in cm.source.suppliers)
    assert again.rejected_rows == [5]
    bd = next(s for s in cm.suppliers.values() if s.country == "BD")
    assert ws.cell(bd.rows[0], 9 + ADDED_HEADERS.index("risk level")).value == \
        max((lvl for _, lvl in FLAGS["BD"]), key=["medium", "high", "critical"].index)


def test_risks_sheet_is_capped_worst_first_with_a_note(xlsx_export, tmp_path):
    """A cap on the Risks rows keeps the worst flags, says how many more, and the Summary says so."""
    _, cm, _ = xlsx_export
    full, total = annotated.risk_rows(cm, limit=10**9)
    assert total == len(full) and total >= 3
    capped, total2 = annotated.risk_rows(cm, limit=2)
    assert total2 == total and capped[:2] == full[:2]
    assert f"({total - 2} more flags not listed" in capped[2][1]
    rows = annotated.summary_rows(cm, {"risks": (annotated.MAX_RISK_ROWS, total)})
    assert any(r[0] == "Risks sheet" and r[1] == "rows listed" for r in rows)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("user_comment", [True, False], ids=["openpyxl", "zip"])
def test_summary_shares_are_percentages(tmp_path, lang, user_comment):
    """Regression: the Summary showed visibility, address completeness and the data coverage
    shares as fractions (0.25); they are percentages now, the value still the number."""
    from datetime import date

    from imvo_cli.i18n import t
    from imvo_cli.mapping import read_and_map
    from imvo_cli.policy import Policy

    src = make_xlsx(tmp_path / "leveranciers.xlsx", user_comment=user_comment)
    cm = read_and_map(src, as_of=date(2025, 1, 1), policy=Policy(min_visibility=0.5))
    out = tmp_path / f"annotated-{lang}.xlsx"
    write_annotated(cm, out, input_path=src, lang=lang)
    ws = load_workbook(out)[t("sheet.summary", lang)]
    cells = {(r[0].value, r[1].value): r[2] for r in ws.iter_rows(min_row=2)}
    shares = [(t("summary.coverage", lang), t(f"summary.{k}", lang))
              for k in ("visibility", "address_completeness")]
    shares += [(t("workbook.data_coverage", lang), t(f"workbook.{k}", lang))
               for k in ("audit_data", "product_given", "process_given", "product_recognised",
                         "process_recognised")]
    shares.append((t("summary.policy", lang), "min_visibility"))
    listed = [key for key in shares if key in cells and isinstance(cells[key].value, float | int)]
    assert len(listed) == 6, sorted(cells)  # the list has no audit or product column
    for key in listed:
        assert cells[key].number_format == "0.0%", key
        assert 0 <= cells[key].value <= 1
    counts = [c for (s, i), c in cells.items() if s == t("summary.per_tier", lang)]
    assert counts and all(c.number_format == "General" for c in counts)


def test_percent_format_beside_the_users_own_number_formats(tmp_path, monkeypatch):
    """The zip-level copy appends '0.0%' after the custom formats of the user's styles part:
    the user's cells keep their formats and ids, imvo's shares get their own."""
    from datetime import date

    from imvo_cli.i18n import t
    from imvo_cli.mapping import read_and_map

    src = make_xlsx(tmp_path / "leveranciers.xlsx", user_comment=False)
    wb = load_workbook(src)
    ws = wb["Leveranciers"]
    ws["H5"], ws["H5"].number_format = 1234.5, '#,##0.000" kg"'
    ws["H6"], ws["H6"].number_format = 0.5, "0.0%"  # the user's own '0.0%': reused
    wb.save(src)
    cm = read_and_map(src, as_of=date(2025, 1, 1))
    out = tmp_path / "annotated.xlsx"
    monkeypatch.setattr(annotated, "write_openpyxl_copy", _no_openpyxl_copy)
    write_annotated(cm, out, input_path=src)
    with zipfile.ZipFile(out) as z:
        styles = z.read("xl/styles.xml").decode()
    assert styles.count('formatCode="0.0%"') == 1 and styles.count('formatCode="yyyy-mm-dd"') == 1
    assert '<numFmts count="5">' in styles  # the user's two; imvo's date, date-time and time
    back = load_workbook(out)
    assert back["Leveranciers"]["H5"].number_format == '#,##0.000" kg"'
    assert back["Leveranciers"]["H6"].number_format == "0.0%"
    summary = {r[1].value: r[2] for r in back["Summary"].iter_rows(min_row=2)}
    assert summary[t("summary.visibility", "en")].number_format == "0.0%"
