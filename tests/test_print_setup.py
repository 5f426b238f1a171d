"""Print setup of generated sheets: A4 landscape, one page wide, header repeated, page numbers."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from imvo_cli.export.xlsx import (add_streamed_table, add_table_sheet, print_titles_xml,
                                  save_workbook)


def assert_printable(ws, footer_word: str) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert str(ws.page_setup.fitToWidth) == "1" and str(ws.page_setup.fitToHeight) == "0"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    text = ws.oddFooter.center.text
    assert footer_word in text and "&P" in text and "&N" in text


def test_streamed_and_table_sheets_print_landscape_one_page_wide(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    rows = [[f"supplier {i}", "high" if i % 2 else "low", i] for i in range(300)]
    add_streamed_table(wb, "Streamed", ["name", "level", "n"], rows, level_column="level")
    add_table_sheet(wb, "Table", ["name", "level", "n"], rows[:5])
    add_streamed_table(wb, "Dutch", ["naam"], [["a & b"]], footer="Pagina &P van &N")
    out = tmp_path / "p.xlsx"
    save_workbook(wb, out)
    back = load_workbook(out)
    assert_printable(back["Streamed"], "Page")
    assert_printable(back["Table"], "Page")
    assert_printable(back["Dutch"], "Pagina")
    assert back["Dutch"]["A2"].value == "a & b"
    with zipfile.ZipFile(out) as z:
        workbook = z.read("xl/workbook.xml").decode()
    assert workbook.count("_xlnm.Print_Titles") == 3


def test_print_titles_name_for_hand_built_workbooks():
    assert print_titles_xml("Risks", 2) == (
        '<definedName name="_xlnm.Print_Titles" localSheetId="2">\'Risks\'!$1:$1</definedName>')
    assert "'O''Brien &amp; Co'!$1:$2" in print_titles_xml("O'Brien & Co", 0, rows=2)


@pytest.mark.parametrize("lang, word", [("en", "Page"), ("nl", "Pagina")])
def test_sector_workbook_sheets_are_printable(tmp_path, lang, word):
    from imvo_cli.aggregate import aggregate
    from imvo_cli.export.sector import write_sector_workbook
    from imvo_cli.policy import Policy

    from conftest import BASIC_ROWS, write_xlsx

    member = write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS)
    out = tmp_path / "sector.xlsx"
    write_sector_workbook(aggregate([member], Policy()), out, lang=lang)
    wb = load_workbook(out)
    assert len(wb.worksheets) == 8
    for ws in wb.worksheets:
        assert_printable(ws, word)
