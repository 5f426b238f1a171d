"""The zip-level copy of an xlsx/xlsm input (export/xlsx_patch.py): the user's parts byte for
byte, the suppliers sheet edited as a stream, openpyxl whenever the workbook is unusual."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.table import Table

from chainmap_factory import chain_map_for
from imvo_cli import read_suppliers
from imvo_cli.export import annotated, xlsx, xlsx_patch
from imvo_cli.export.annotated import ADDED_HEADERS, write_annotated
from test_export_annotated import HYPERLINK, NEW_SHEETS, make_xlsx, sha, style

# Parts the zip copy rewrites; every other part of the input is copied as it is.
EDITED = {"xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml",
          "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml"}


def _patched(cm, src: Path, out: Path) -> None:
    """The zip copy alone: raises PatchUnsupported where write_annotated would use openpyxl."""
    xlsx_patch.write_zip_copy(annotated.build_plan(cm), src, out)


@pytest.fixture()
def zip_export(tmp_path):
    src = make_xlsx(tmp_path / "leveranciers.xlsx", user_comment=False)
    cm = chain_map_for(src)
    out = tmp_path / "annotated.xlsx"
    _patched(cm, src, out)
    return src, cm, out


def test_other_parts_are_copied_byte_for_byte(zip_export):
    src, _, out = zip_export
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        names = b.namelist()
        assert names[:len(a.namelist())] == a.namelist()  # the input's parts, in its order
        for name in a.namelist():
            if name not in EDITED:
                assert b.read(name) == a.read(name), name
        added = set(names) - set(a.namelist())
        assert len([n for n in added if n.startswith("xl/worksheets/sheet")]) == len(NEW_SHEETS)
        assert {"xl/comments1.xml", "xl/drawings/vmlDrawing1.vml"} <= added


def test_calamine_and_openpyxl_read_the_copy(zip_export):
    from python_calamine import CalamineWorkbook

    src, cm, out = zip_export
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["Read me", "Leveranciers", *NEW_SHEETS]
    rows = book.get_sheet_by_name("Leveranciers").to_python()
    assert rows[2][8:8 + len(ADDED_HEADERS)] == list(ADDED_HEADERS)
    assert rows[4][0] == HYPERLINK  # the user's text, still text
    dhaka = next(s for s in cm.suppliers.values() if s.name == "Dhaka Knit Ltd")
    assert rows[3][8] == dhaka.id and rows[3][10] == "critical"
    risks = book.get_sheet_by_name("Risks").to_python()
    assert len(risks) == 1 + sum(len(r.flags) for r in cm.risk.values())
    wb = load_workbook(out)
    ws = wb["Leveranciers"]
    assert ws.column_dimensions["O"].width == annotated.ADDED_COLUMNS["reasons"]
    assert ws["K4"].comment.author == "imvo"
    assert wb["Summary"]["A1"].value == "section"


def test_shared_strings_dates_and_merged_cells(tmp_path):
    """A workbook as Excel writes it (shared strings, number formats, merged cells): the user's
    cells keep value, type and format, and an issue on a merged cell goes to its top-left."""
    import xlsxwriter

    src = tmp_path / "excel.xlsx"
    book = xlsxwriter.Workbook(str(src))
    ws = book.add_worksheet("Suppliers")
    bold = book.add_format({"bold": True, "bg_color": "#FFFF00"})
    datef = book.add_format({"num_format": "dd/mm/yyyy"})
    for c, h in enumerate(["Supplier name", "Address", "City", "Country", "Audit date", "Note"]):
        ws.write_string(0, c, h, bold)
    data = [["Dhaka Knit Ltd", "12 Road 5", "Dhaka", "Bangladesh"],
            ["Izmir Tekstil", "Ataturk Cad. 4", "Izmir", "Turkey"],
            ["Atlantis Mill", "1 Nowhere", "Atlantis", "Atlantis"]]
    for r, row in enumerate(data, 1):
        for c, v in enumerate(row):
            ws.write_string(r, c, v)
        ws.write_datetime(r, 4, dt.datetime(2024, 3, r), datef)
    ws.merge_range("C4:D4", "Atlantis", None)  # the rejected row's country sits in a merge
    ws.write_string(1, 5, "-1 looks like a formula")
    book.close()
    cm = chain_map_for(src)
    out = tmp_path / "out.xlsx"
    _patched(cm, src, out)
    a, b = load_workbook(src), load_workbook(out)
    for row in a["Suppliers"].iter_rows():
        for cell in row:
            other = b["Suppliers"][cell.coordinate]
            assert (other.value, other.data_type, other.number_format) == \
                (cell.value, cell.data_type, cell.number_format), cell.coordinate
            assert style(other) == style(cell), cell.coordinate
    ws = b["Suppliers"]
    assert [ws.cell(1, c).value for c in range(7, 7 + len(ADDED_HEADERS))] == list(ADDED_HEADERS)
    assert "not a recognised country" in ws["C4"].comment.text
    again = read_suppliers(out)
    assert sorted((s.id, s.name, s.audit_date) for s in again.suppliers) == \
        sorted((s.id, s.name, s.audit_date) for s in cm.source.suppliers)
    assert again.rejected_rows == cm.source.rejected_rows


def _with_comment(ws):
    ws["D7"].comment = Comment("check this one", "buyer")


def _with_table(ws):
    ws.add_table(Table(displayName="Suppliers", ref="A3:H8"))


def _with_autofilter(ws):
    ws.auto_filter.ref = "A3:H8"


def _with_summary_sheet(ws):
    ws.parent.create_sheet("summary")  # Excel's sheet names ignore case: "Summary" is taken


def test_a_taken_sheet_name_gets_imvo_appended_in_the_zip_copy(tmp_path):
    src = make_xlsx(tmp_path / "list.xlsx", user_comment=False)
    wb = load_workbook(src)
    _with_summary_sheet(wb["Leveranciers"])
    wb.save(src)
    out = tmp_path / "direct.xlsx"
    _patched(chain_map_for(src), src, out)
    names = load_workbook(out).sheetnames
    assert "summary" in names and "Summary (imvo)" in names and "Summary" not in names


@pytest.mark.parametrize("change", [_with_comment, _with_table, _with_autofilter])
def test_unusual_sheets_go_through_openpyxl(tmp_path, change):
    src = make_xlsx(tmp_path / "list.xlsx", user_comment=False)
    wb = load_workbook(src)
    change(wb["Leveranciers"])
    wb.save(src)
    cm = chain_map_for(src)
    with pytest.raises(xlsx_patch.PatchUnsupported):
        _patched(cm, src, tmp_path / "direct.xlsx")
    out = tmp_path / "out.xlsx"
    write_annotated(cm, out, input_path=src)
    ws = load_workbook(out)["Leveranciers"]
    assert [ws.cell(3, c).value for c in range(9, 9 + len(ADDED_HEADERS))] == list(ADDED_HEADERS)
    # the refused zip copy left no temporary file beside the output
    assert {p.name for p in tmp_path.iterdir()} - {"direct.xlsx"} == {"list.xlsx", "out.xlsx"}


def test_macros_are_kept(tmp_path):
    """An .xlsm exported to .xlsm keeps its macro part byte for byte."""
    plain = make_xlsx(tmp_path / "plain.xlsx", user_comment=False)
    src = tmp_path / "list.xlsm"
    macro = hashlib.sha256(b"macro").digest() * 100
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as b:
        for name in a.namelist():
            data = a.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/'
                                 b'vnd.ms-office.vbaProject"/></Types>')
            b.writestr(name, data)
        b.writestr("xl/vbaProject.bin", macro)
    cm = chain_map_for(src)
    out = tmp_path / "out.xlsm"
    write_annotated(cm, out, input_path=src)
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == macro
        assert b"macroEnabled" in z.read("[Content_Types].xml")
        assert "xl/comments1.xml" in z.namelist()  # the zip copy, not openpyxl's
    assert load_workbook(out).sheetnames == ["Read me", "Leveranciers", *NEW_SHEETS]


def test_interrupted_zip_copy_leaves_nothing(tmp_path, monkeypatch):
    src = make_xlsx(tmp_path / "list.xlsx", user_comment=False)
    before = sha(src)
    cm = chain_map_for(src)

    def interrupted(*args):
        yield "<?xml"
        raise KeyboardInterrupt

    monkeypatch.setattr(xlsx, "streamed_sheet_chunks", interrupted)
    monkeypatch.setattr(annotated, "write_openpyxl_copy", lambda *a, **k: pytest.fail("not the zip copy"))
    with pytest.raises(KeyboardInterrupt):
        write_annotated(cm, tmp_path / "out.xlsx", input_path=src)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.xlsx"]
    assert sha(src) == before


def test_dangerous_added_text_is_an_inline_string(tmp_path):
    """Text imvo adds that starts with = + - @ is an inline string, never a formula."""
    src = make_xlsx(tmp_path / "list.xlsx", user_comment=False)
    cm = chain_map_for(src)
    sid = next(iter(cm.suppliers))
    cm.risk[sid].upstream_level = "high"
    cm.risk[sid].upstream_path = [sid]
    cm.suppliers[sid].name = "=1+1"
    out = tmp_path / "out.xlsx"
    _patched(cm, src, out)
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert all(b"<f>1+1" not in s for s in sheets)
    assert any(b't="inlineStr"><is><t xml:space="preserve">high via =1+1</t>' in s for s in sheets)
