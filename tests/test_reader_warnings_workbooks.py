"""Workbooks: hidden rows and columns are read (nothing lost) and warned about; merged
cells in a legacy .xls are filled and noted exactly as in an .xlsx.

No program that writes .xls is available to the tests, so `biff8_workbook` below writes a
minimal one (an OLE2 container holding a BIFF8 workbook stream: strings, numbers and
MERGEDCELLS records), the format Excel 97-2003 saves.
"""

from __future__ import annotations

import struct
import zipfile
from html import escape
from pathlib import Path

import pytest
from openpyxl import Workbook

from imvo_cli.ingest import read_suppliers
from imvo_cli.ingest.readers import read_sheets
from imvo_cli.mapping import read_and_map

ROWS = [["ID", "Name", "Address", "Country", "Notes"],
        ["A1", "Alpha Mill", "Street 1", "India", None],
        ["A2", "Beta Dye", "Street 2", "India", "old supplier"],
        ["A3", "Gamma Knit", "Street 3", "India", None],
        ["A4", "Delta Yarn", "Street 4", "India", None],
        ["A5", "Epsilon Wash", "Street 5", "India", None]]


def _by_code(issues) -> dict[str, list]:
    out: dict[str, list] = {}
    for i in issues:
        out.setdefault(i.code, []).append(i)
    return out


def _xlsx(path: Path, hidden_rows=(), hidden_cols=(), rows=ROWS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    for row in rows:
        ws.append(row)
    for r in hidden_rows:
        ws.row_dimensions[r].hidden = True
    for c in hidden_cols:
        ws.column_dimensions[c].hidden = True
    wb.save(path)
    return path


def test_hidden_rows_and_columns_of_an_xlsx_are_read_and_named(tmp_path):
    path = _xlsx(tmp_path / "list.xlsx", hidden_rows=(3, 4, 6, 40), hidden_cols=("E", "H"))
    sl = read_suppliers(path)
    assert sorted(s.name for s in sl.suppliers) == sorted(r[1] for r in ROWS[1:])
    assert next(s for s in sl.suppliers if s.name == "Beta Dye").extra == {"Notes": "old supplier"}
    found = _by_code(sl.issues)
    rows = [(i.row, i.message.split(" hidden")[0]) for i in found["hidden-rows"]]
    assert rows == [(3, "rows 3-4 are"), (6, "row 6 is")]  # row 40 holds nothing
    (column,) = found["hidden-column"]  # column H holds nothing
    assert column.column == "Notes" and column.message.startswith("column E is hidden")
    assert "Unhide" in column.hint


def test_rows_an_autofilter_hides_are_hidden_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in ROWS:
        ws.append(row)
    ws.auto_filter.ref = "A1:E6"
    ws.auto_filter.add_filter_column(1, ["Alpha Mill", "Gamma Knit"])
    for r in (3, 5, 6):  # Excel saves the rows its filter hides as hidden rows
        ws.row_dimensions[r].hidden = True
    path = tmp_path / "filtered.xlsx"
    wb.save(path)
    sl = read_suppliers(path)
    assert len(sl.suppliers) == 5
    assert [i.row for i in _by_code(sl.issues)["hidden-rows"]] == [3, 5]


def test_a_workbook_with_nothing_hidden_gets_no_such_warning(tmp_path):
    sl = read_suppliers(_xlsx(tmp_path / "list.xlsx"))
    assert {"hidden-rows", "hidden-column"}.isdisjoint(i.code for i in sl.issues)


def test_a_hidden_sheet_chosen_by_name_notes_its_own_hidden_rows(tmp_path):
    wb = Workbook()
    first = wb.active
    first.title = "Intro"
    first.append(["Read me"])
    other = wb.create_sheet("Suppliers")
    for row in ROWS:
        other.append(row)
    other.row_dimensions[5].hidden = True
    first.row_dimensions[1].hidden = True
    path = tmp_path / "two.xlsx"
    wb.save(path)
    issues = read_suppliers(path, sheet="Suppliers").issues
    assert [(i.sheet, i.row) for i in issues if i.code == "hidden-rows"] == [("Suppliers", 5)]


def _ods(path: Path, rows, hidden_rows=(), hidden_cols=()) -> Path:
    """An .ods whose rows and columns in `hidden_*` (0-based) are collapsed, with one run
    of hidden empty rows repeated to the sheet's end, as LibreOffice writes them."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    width = max(map(len, rows))
    collapse = ' table:visibility="collapse"'
    cols = "".join(f"<table:table-column{collapse if c in hidden_cols else ''}/>"
                   for c in range(width))
    body = []
    for r, row in enumerate(rows):
        cells = "".join("<table:table-cell/>" if v is None else
                        f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
                        "</table:table-cell>" for v in row)
        vis = collapse if r in hidden_rows else ""
        body.append(f"<table:table-row{vis}>{cells}</table:table-row>")
    body.append('<table:table-row table:number-rows-repeated="1048000" table:visibility="collapse">'
                '<table:table-cell/></table:table-row>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="Leveranciers">'
               f'<table:table-columns>{cols}</table:table-columns>{"".join(body)}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_hidden_rows_and_columns_of_an_ods_are_read_and_named(tmp_path):
    path = _ods(tmp_path / "list.ods", ROWS, hidden_rows={2, 3}, hidden_cols={4})
    sl = read_suppliers(path)
    assert len(sl.suppliers) == 5
    found = _by_code(sl.issues)
    assert [(i.row, i.message.split(" hidden")[0]) for i in found["hidden-rows"]] == [(3, "rows 3-4 are")]
    assert [(i.column, i.message.split(" is")[0]) for i in found["hidden-column"]] == [("Notes", "column E")]


def test_an_ods_with_nothing_hidden_gets_no_such_warning(tmp_path):
    sl = read_suppliers(_ods(tmp_path / "list.ods", ROWS))
    assert {"hidden-column"}.isdisjoint(i.code for i in sl.issues)
    assert [i for i in sl.issues if i.code == "hidden-rows"] == []  # the trailing run is empty


# ---------------------------------------------------------------- .xls merged cells


def _rec(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def biff8_workbook(sheets: dict[str, list[list]], merged: dict[str, list[tuple]]) -> bytes:
    """An .xls (BIFF8 in OLE2) with string and number cells; `merged` per sheet as 0-based
    inclusive (first_row, first_col, last_row, last_col)."""
    strings: dict[str, int] = {}
    for rows in sheets.values():
        for row in rows:
            for v in row:
                if isinstance(v, str):
                    strings.setdefault(v, len(strings))
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)
    bodies = []
    for name, rows in sheets.items():
        out = [_bof(0x0010), _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0,
                                                      max(map(len, rows)), 0))]
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    out.append(_rec(0x00FD, struct.pack("<HHHI", r, c, 15, strings[v])))
                elif isinstance(v, (int, float)):
                    out.append(_rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v))))
        ranges = merged.get(name, [])
        if ranges:
            out.append(_rec(0x00E5, struct.pack("<H", len(ranges)) + b"".join(
                struct.pack("<HHHH", r1, r2, c1, c2) for r1, c1, r2, c2 in ranges)))
        out.append(_rec(0x000A, b""))
        bodies.append(b"".join(out))

    def book(offsets: list[int]) -> bytes:
        recs = [_bof(0x0005), _rec(0x0042, struct.pack("<H", 1200))]
        for name, offset in zip(sheets, offsets):
            recs.append(_rec(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1)
                             + name.encode("utf-16-le")))
        return b"".join([*recs, _rec(0x00FC, sst), _rec(0x000A, b"")])

    offsets, pos = [], len(book([0] * len(sheets)))
    for body in bodies:
        offsets.append(pos)
        pos += len(body)
    return _ole2(book(offsets) + b"".join(bodies))


def _ole2(stream: bytes) -> bytes:
    """An OLE2 container with one 'Workbook' stream (padded past the 4 KiB below which a
    stream would live in the mini stream)."""
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\0")
    n = len(stream) // 512
    end, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16),
                         0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat = [fat_sector, end] + [3 + i for i in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, none, none,
                           child, bytes(16), 0, 0, 0, start, size)

    directory = (entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, none, 2, len(stream))
                 + entry("", 0, none, 0, 0) * 2)
    return header + struct.pack("<128I", *fat) + directory + stream


MERGED_ROWS = [["Naam", "Adres", "Land", "Proces"],
               ["Alpha Mill", "Street 1", "Nederland", "Weven"],
               ["Beta Dye", "Street 2", None, "Verven"],
               ["Gamma Knit", "Street 3", None, None],
               ["Tier 2", None, None, None],
               ["Delta Yarn", "Street 4", "India", "Spinnen"]]
MERGES = [(1, 2, 3, 2), (2, 3, 3, 3), (4, 0, 4, 3)]  # C2:C4, D3:D4, a heading across A5:D5


def test_the_xls_writer_makes_a_file_the_reader_opens(tmp_path):
    path = tmp_path / "list.xls"
    path.write_bytes(biff8_workbook({"Leveranciers": MERGED_ROWS}, {}))
    (sheet,) = read_sheets(path)
    assert sheet.name == "Leveranciers"
    assert sheet.load() == [[v if v is not None else "" for v in row] for row in MERGED_ROWS]


def test_merged_cells_of_an_xls_are_filled_and_noted_as_in_an_xlsx(tmp_path):
    xls = tmp_path / "leveranciers.xls"
    xls.write_bytes(biff8_workbook({"Leveranciers": MERGED_ROWS}, {"Leveranciers": MERGES}))
    wb = Workbook()
    ws = wb.active
    ws.title = "Leveranciers"
    for row in MERGED_ROWS:
        ws.append(row)
    for r1, c1, r2, c2 in MERGES:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    xlsx = tmp_path / "leveranciers.xlsx"
    wb.save(xlsx)
    lists = [read_suppliers(p) for p in (xls, xlsx)]
    for sl in lists:
        assert {s.name: s.country for s in sl.suppliers} == {
            "Alpha Mill": "NL", "Beta Dye": "NL", "Gamma Knit": "NL", "Delta Yarn": "IN"}
        assert next(s for s in sl.suppliers if s.name == "Gamma Knit").process == ["Verven"]
    said = [sorted((i.code, i.row, i.column, i.message) for i in sl.issues) for sl in lists]
    assert said[0] == said[1]
    assert {c for c, *_ in said[0]} >= {"merged-cell", "section-heading"}
    from_xls, from_xlsx = (read_and_map(p) for p in (xls, xlsx))
    assert sorted((s.name, s.country) for s in from_xls.suppliers.values()) == \
        sorted((s.name, s.country) for s in from_xlsx.suppliers.values())
    assert [(i.code, i.row) for i in from_xls.issues] == [(i.code, i.row) for i in from_xlsx.issues]


@pytest.mark.parametrize("hidden", [True, False])
def test_hidden_flags_never_change_what_is_read(tmp_path, hidden):
    path = _xlsx(tmp_path / "list.xlsx", hidden_rows=(2, 3, 4, 5, 6) if hidden else (),
                 hidden_cols=("A", "B", "C", "D", "E") if hidden else ())
    sl = read_suppliers(path)
    assert [(s.name, s.address, s.country, s.source_id) for s in sorted(sl.suppliers, key=lambda s: s.name)] == \
        sorted((r[1], r[2], "IN", r[0]) for r in ROWS[1:])
