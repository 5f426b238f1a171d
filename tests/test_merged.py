"""Merged cells and a hand-made Dutch list (issue 15): a merged 'Land' over three rows applies
to each of them, noted once; the list maps with the tiers its author wrote."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pytest

import imvo_cli.ingest as ingest
from imvo_cli.ingest.merged import cell_range, fill_merged, merged_cell_issues
from imvo_cli.ingest.readers import Sheet
from imvo_cli.mapping import read_and_map

TITLE = [["Leverancierslijst Tulpveld 2026"], ["Bedrijf: Tulpveld Fashion B.V."], []]
HEADER = ["Nr.", "Naam", "Straat + huisnummer", "Plaats", "Land", "Niveau", "Producten",
          "Levert aan"]
# The Land of Nr. 1-3 is one cell merged over Excel rows 5-7 (E5:E7).
BODY = [
    [1, "Dhaka Knitwear Ltd", "Road 5 Mirpur", "Dhaka", "Bangladesh", 1, "T-shirts", "Tulpveld"],
    [2, "Savar Denim Co., Ltd.", "Plot 9 EPZ", "Savar", None, 1, "Jeans", "Tulpveld"],
    [3, "Gazipur Spinning Mills (Pvt.) Ltd.", "Road 2 Konabari", "Gazipur", None, 2, "Garen",
     "1, 2"],
    [4, "Karachi Weaving (Pvt.) Ltd.", "Plot 7 Site Area", "Karachi", "Pakistan", 2, "Stof",
     "Savar Denim"],
    [5, "Bursa Boya San. ve Tic. A.Ş.", "Demirtaş OSB 4", "Bursa", "Turkije", 2, "Stof",
     "Dhaka Knitwear, Savar Denim Co., Ltd."],
    [6, "Multan Cotton Ginning", "Vehari Road 12", "Multan", "Pakistan", 3, "Katoen", "3, 4"],
]
MERGED = ((4, 4, 6, 4),)  # 0-based inclusive: rows 5-7, column E
TIERS = {"1": 1, "2": 1, "3": 2, "4": 2, "5": 2, "6": 3}


@dataclass(slots=False)
class MergedSheet(Sheet):
    """A reader's sheet with the merged ranges the reader reports (for readers before it)."""

    merged: tuple = ()


def _rows(filled: bool) -> list[list]:
    body = [list(r) for r in BODY]
    if filled:  # what the reader delivers: the merged value in every covered cell
        for r in body[1:3]:
            r[4] = "Bangladesh"
    return [*TITLE, HEADER, *body]


def _patch(monkeypatch, rows):
    sheet = MergedSheet("Leveranciers", lambda n=None: [list(r) for r in rows[:n]] if n
                        else [list(r) for r in rows], merged=MERGED)
    monkeypatch.setattr(ingest, "read_sheets", lambda path, limits=None: [sheet])


def test_cell_range_and_fill():
    assert cell_range(4, 2, 6, 2) == "C5:C7"
    rows = [["a", None], [None, None]]
    out = fill_merged(rows, ((0, 0, 1, 1),))
    assert out == [["a", "a"], ["a", "a"]] and rows == [["a", None], [None, None]]


def test_merged_ranges_outside_the_data_or_unused_columns_are_not_noted():
    rows = [["Title", None], ["Name", "Country"], ["A", "NL"], ["B", "NL"]]
    fields_ = ["name", "country"]
    assert merged_cell_issues(((0, 0, 0, 1),), rows, 2, fields_, ["Name", "Country"], "f", None) == []
    assert merged_cell_issues(((2, 1, 2, 1),), rows, 2, fields_, ["Name", "Country"], "f", None) == []
    assert merged_cell_issues(((2, 2, 3, 2),), rows, 2, fields_, ["Name", "Country"], "f", None) == []


@pytest.mark.parametrize("filled", [True, False])
def test_dutch_list_with_merged_land_maps_with_the_tiers_written(tmp_path, monkeypatch, filled):
    _patch(monkeypatch, _rows(filled))
    chain_map = read_and_map(tmp_path / "leveranciers.xlsx")
    source = chain_map.source
    assert source.rows == 6 and source.accounted_rows() == 6 and not source.rejected_rows
    assert source.company == "Tulpveld Fashion B.V."
    assert source.columns["id"] == "Nr." and source.columns["product"] == "Producten"
    assert source.columns["address"] == "Straat + huisnummer"
    by_nr = {s.source_id: s for s in chain_map.suppliers.values()}
    assert {k: s.country for k, s in by_nr.items()} == {
        "1": "BD", "2": "BD", "3": "BD", "4": "PK", "5": "TR", "6": "PK"}
    assert {k: chain_map.tiers[s.id] for k, s in by_nr.items()} == TIERS
    assert all(s.declared_tier == TIERS[k] for k, s in by_nr.items())
    merged = [i for i in chain_map.issues if i.code == "merged-cell"]
    assert len(merged) == 1
    assert merged[0].message == "Land E5:E7: merged value 'Bangladesh' applied to rows 5-7"
    assert (merged[0].row, merged[0].column, merged[0].severity) == (5, "Land", "warning")
    assert [i for i in chain_map.issues if i.code != "merged-cell"] == []


def test_a_real_workbook_with_merged_cells(tmp_path):
    """openpyxl writes the merge; the reader reports it (skips until the reader does)."""
    if "merged" not in {f.name for f in fields(Sheet)}:
        pytest.skip("the workbook reader does not report merged ranges yet (Sheet.merged)")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Leveranciers"
    for row in _rows(filled=False):
        ws.append(row)
    ws.merge_cells("E5:E7")
    ws.merge_cells("A1:H1")  # the title across the sheet: above the header, not noted
    path = tmp_path / "leveranciers.xlsx"
    wb.save(path)
    chain_map = read_and_map(path)
    by_nr = {s.source_id: s for s in chain_map.suppliers.values()}
    assert {k: chain_map.tiers[s.id] for k, s in by_nr.items()} == TIERS
    assert [i.message for i in chain_map.issues] == [
        "Land E5:E7: merged value 'Bangladesh' applied to rows 5-7"]


# ---- OpenDocument: the reader reports no merged ranges, imvo reads them from content.xml

def _xlsx_with(path, sheets: dict, merged: dict):
    from openpyxl import Workbook

    from imvo_cli.ingest.merged import cell_range

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value not in (None, ""):
                    ws.cell(r, c, value)
        for r1, c1, r2, c2 in merged.get(name, ()):
            ws.merge_cells(cell_range(r1, c1, r2, c2))
    wb.save(path)
    return path


@pytest.mark.parametrize("compact", [False, True])
def test_an_ods_list_with_a_merged_land_reads_as_the_xlsx_does(tmp_path, compact):
    """Regression: calamine reports no merged ranges for .ods, so a 'Land' merged over three
    rows left two suppliers without a country (rejected rows). The ranges are read from
    content.xml and filled and noted as for xlsx; `compact` writes empty runs as repeated
    cells and rows, as LibreOffice does."""
    from conftest import write_ods

    rows = _rows(filled=False)
    merges = {"Leveranciers": [(4, 4, 6, 4), (0, 0, 0, 7)]}  # E5:E7 and the title A1:H1
    ods = write_ods(tmp_path / "leveranciers.ods", {"Leveranciers": rows}, merges, compact)
    xlsx = _xlsx_with(tmp_path / "leveranciers.xlsx", {"Leveranciers": rows}, merges)
    maps = [read_and_map(p) for p in (ods, xlsx)]
    for chain_map in maps:
        by_nr = {s.source_id: s for s in chain_map.suppliers.values()}
        assert {k: s.country for k, s in by_nr.items()} == {
            "1": "BD", "2": "BD", "3": "BD", "4": "PK", "5": "TR", "6": "PK"}
        assert {k: chain_map.tiers[s.id] for k, s in by_nr.items()} == TIERS
        assert [(i.code, i.message, i.row, i.column) for i in chain_map.issues] == [
            ("merged-cell", "Land E5:E7: merged value 'Bangladesh' applied to rows 5-7", 5, "Land")]


def test_ods_merged_ranges_count_repeated_rows_and_cells(tmp_path):
    """Positions count table:number-rows-repeated and number-columns-repeated (empty rows
    above, empty cells before, covered cells in a run); each sheet gets its own ranges."""
    from conftest import write_ods

    from imvo_cli.ingest.readers import read_sheets

    first = [[None] * 5, [None] * 5, [None, None, "Name", "Country", "Note"],
             [None, None, "Alpha", "NL", None], [None, None, None, None, None],
             [None, None, "Beta", "BE", None]]
    second = [["Name", "Country"], ["Gamma", "DE"], ["Delta", None]]
    sheets = {"Lijst": first, "Archief": second}
    merges = {"Lijst": [(3, 2, 4, 3), (5, 3, 5, 4)], "Archief": [(1, 1, 2, 1)]}
    read = {}
    for name, path in (("ods", write_ods(tmp_path / "l.ods", sheets, merges, compact=True)),
                       ("xlsx", _xlsx_with(tmp_path / "l.xlsx", sheets, merges))):
        got = []
        for sheet in read_sheets(path):
            rows = sheet.load()
            got.append((sheet.name, sheet.merged, [[v or None for v in r] for r in rows]))
        read[name] = got
    assert read["ods"] == read["xlsx"]
    assert read["ods"][0][1] == ((3, 2, 4, 3), (5, 3, 5, 4))
    assert read["ods"][0][2][4] == [None, None, "Alpha", "Alpha", None]
    assert read["ods"][1][1] == ((1, 1, 2, 1),) and read["ods"][1][2][2] == ["Delta", "DE"]


def test_ods_merged_cells_beyond_the_budget_are_refused(tmp_path):
    """A sheet whose merged ranges cover more cells than limits.max_cells is refused with
    the error an xlsx sheet gets, not filled without bound."""
    from conftest import write_ods

    from imvo_cli.ingest.readers import read_sheets
    from imvo_cli.model import ImvoError
    from imvo_cli.policy import Limits

    # two cells of data (B2:C2), each merged down a row: 2 ranges + 2 covered cells > 3
    sheets = {"S": [[None, None, None], [None, "a", "b"], [None, None, None]]}
    path = write_ods(tmp_path / "m.ods", sheets, {"S": [(1, 1, 2, 1), (1, 2, 2, 2)]})
    assert read_sheets(path, Limits(max_cells=4))[0].load() == [["", "", ""], ["", "a", "b"]]
    (sheet,) = read_sheets(path, Limits(max_cells=3))
    with pytest.raises(ImvoError) as err:
        sheet.load()
    assert err.value.code == "too-many-cells" and "merged ranges cover more than 3" in str(err.value)


_T = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
_ODD = (
    '<table:table table:name="Other"><table:table-row><table:table-cell '
    'table:number-rows-spanned="2"/></table:table-row></table:table>'
    "<table:table table:name='S &amp; co'>"
    '<table:table-row table:number-rows-repeated="abc"><table:table-cell '
    'table:number-columns-repeated="-2"/><table:table-cell table:number-columns-spanned = "2" '
    'table:style-name="no-spanned"/><table:covered-table-cell/></table:table-row>'
    '<table:table-rows><table:table-row><table:table-cell table:number-rows-spanned="2"/>'
    '<table:table-cell table:number-columns-repeated="99999999999"/>'
    '<table:table-cell table:number-columns-spanned="5"/></table:table-row></table:table-rows>'
    '<table:table-row><table:table-cell table:number-rows-spanned="99999999999"/></table:table-row>'
    "</table:table>")
_ODD_RANGES = [((0, 1), (0, 2)), ((1, 0), (2, 0)), ((2, 0), (1_048_575, 0))]


def _content(path, body: str, head: str = ""):
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("content.xml", f'<?xml version="1.0"?><r {_T}>{head}{body}</r>')
    return path


@pytest.fixture(params=["fast", "streamed"])
def odd_path(request, monkeypatch):
    """Both ways of reading content.xml: byte searches in memory, or the streaming parse."""
    from imvo_cli.ingest import ods_merged

    if request.param == "streamed":
        monkeypatch.setattr(ods_merged, "IN_MEMORY_BYTES", -1)
    return request.param


def test_ods_merged_ranges_read_odd_counts_safely(tmp_path, odd_path):
    """Unit: a malformed or non-positive count reads as 1, a span reaches no further than a
    sheet can, ranges starting outside the data are dropped, other sheets and a span word
    in another attribute are no merge, and a file without any span is not parsed."""
    from imvo_cli.ingest.ods_merged import ods_merged_ranges

    path = _content(tmp_path / "odd.ods", _ODD)
    assert ods_merged_ranges(path, "S & co", 3, 3, 1000) == _ODD_RANGES
    assert ods_merged_ranges(path, "S & co", 2, 3, 1000) == _ODD_RANGES[:2]
    assert ods_merged_ranges(path, "Other", 2, 3, 1000) == [((0, 0), (1, 0))]
    assert ods_merged_ranges(path, "Missing", 2, 3, 1000) == []
    # the budget: the first range counts 1 + 2 cells; the list stops past the budget
    assert ods_merged_ranges(path, "S & co", 3, 3, 2) == _ODD_RANGES[:1]
    assert ods_merged_ranges(path, "S & co", 3, 3, 3) == _ODD_RANGES[:2]
    assert ods_merged_ranges(_content(tmp_path / "none.ods", "<not-xml"), "S", 2, 3, 1000) == []


@pytest.mark.parametrize("head", ["<!-- <table:table-row> -->", "<x xmlns:table='other'/>",
                                  "<?pi ?>"])
def test_ods_merged_ranges_of_an_unusual_file_are_parsed(tmp_path, head):
    """A comment, a processing instruction or a namespace declared again could hide or
    rebind a tag from the byte searches: such a file is parsed instead, with the same result
    (or none where the table prefix is rebound)."""
    from imvo_cli.ingest.ods_merged import ods_merged_ranges

    path = _content(tmp_path / "odd.ods", _ODD, head)
    assert ods_merged_ranges(path, "S & co", 3, 3, 1000) == _ODD_RANGES


def test_a_table_inside_a_cell_does_not_move_the_rows(tmp_path):
    from imvo_cli.ingest.ods_merged import ods_merged_ranges

    body = ('<table:table table:name="S"><table:table-row><table:table-cell>'
            '<table:table table:name="Inner"><table:table-row table:number-rows-repeated="9">'
            '<table:table-cell table:number-rows-spanned="3"/></table:table-row></table:table>'
            '</table:table-cell></table:table-row><table:table-row><table:table-cell '
            'table:number-rows-spanned="2"/></table:table-row></table:table>')
    path = _content(tmp_path / "nested.ods", body)
    assert ods_merged_ranges(path, "S", 3, 2, 1000) == [((1, 0), (2, 0))]
