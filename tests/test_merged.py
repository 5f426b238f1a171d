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
