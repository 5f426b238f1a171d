"""The container check finds a sheet's hidden rows and columns in the pass over its XML it
makes anyway, the same ones a separate scan of the part finds, across chunk seams too."""

from __future__ import annotations

from openpyxl import Workbook

from imvo_cli.ingest.hidden import xlsx_hidden
from imvo_cli.ingest.precheck import check_zip
from imvo_cli.ingest.readers import read_sheets
from imvo_cli.policy import Limits


def _workbook(path, rows: int, hidden_rows: set[int], hidden_cols: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Country", "Address", "Notes"])
    for i in range(2, rows + 2):
        ws.append([f"Factory {i} " + "x" * 40, "India", f"Plot {i}, Road {i % 97}", "y" * 30])
    for r in hidden_rows:
        ws.row_dimensions[r].hidden = True
    for c in hidden_cols:
        ws.column_dimensions[c].hidden = True
    wb.save(path)


def test_the_check_finds_what_a_scan_of_the_part_finds(tmp_path):
    path = tmp_path / "big.xlsx"
    # ~150 bytes a row: 20,000 rows make a sheet part of several 1 MiB chunks
    hidden = {3, 4, 5, 9000, 9001, 15000, 20001}
    _workbook(path, 20000, hidden, "BD")
    extents = check_zip(path, Limits(), "xlsx")
    part = "xl/worksheets/sheet1.xml"
    found = extents[part].hidden
    assert found.rows == xlsx_hidden(path, part).rows == [(2, 4), (8999, 9000), (14999, 14999),
                                                          (20000, 20000)]
    assert found.cols == xlsx_hidden(path, part).cols
    assert {c for first, last in found.cols for c in range(first, last + 1)} == {1, 3}


def test_the_list_reader_notes_the_hidden_rows_the_check_found(tmp_path):
    path = tmp_path / "small.xlsx"
    _workbook(path, 10, {4}, "")
    sheet = read_sheets(path, Limits())[0]
    sheet.load(None)
    assert [n.code for n in sheet.notes] == ["hidden-rows"]
