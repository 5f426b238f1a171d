"""A sector workbook imvo wrote in Dutch reads back: --previous keeps its facility ids and
--decisions applies the Review ("Beoordelen") sheet, as for an English one."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from imvo_cli.aggregate import aggregate
from imvo_cli.export.sector import write_sector_workbook
from imvo_cli.i18n import t
from imvo_cli.match.decisions import read_decisions
from imvo_cli.match.ids import read_previous
from imvo_cli.model import ImvoError
from imvo_cli.report.jsonout import dumps

HEADER = ["Name", "Address", "City", "Country", "OS ID"]
ROWS = {  # Weijie merges; the two Epyllion spellings are a pair to review
    "alpha": [["Epyllion Style Ltd.", "Nayapara, Vhawal Mirzapur, Gazipur Sadar", "Gazipur", "Bangladesh", ""],
              ["Shanghai Weijie Garment Co. Ltd", "1228 Huiping Road, Nanxiang", "Shanghai", "China", "CN2019303BQ3FZP"]],
    "beta": [["Eypllion Style Ltd.", "Bahadurpur, Vawal Mirzapur, Gazipur Sadar, 1703", "", "Bangladesh", ""],
             ["Shanghai Weijie Garment Co., Ltd.", "No. 1228, Huiping Road, Nanxiang Town", "Shanghai", "China", ""]],
}


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    folder = tmp_path_factory.mktemp("members")
    for member, rows in ROWS.items():
        with (folder / f"{member}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            w.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def result(members):
    found = aggregate([members])
    assert len(found.review) == 1 and len(found.facilities) == 3
    return found


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_previous_workbook_in_either_language_gives_the_ids_of_the_json(result, tmp_path, lang):
    book, doc = tmp_path / "sector.xlsx", tmp_path / "sector.json"
    write_sector_workbook(result, book, lang=lang)
    doc.write_text(dumps(result.to_dict()), encoding="utf-8")
    assert t("sheet.production_locations", lang) in openpyxl.load_workbook(book, read_only=True).sheetnames
    from_book, from_json = read_previous(book), read_previous(doc)
    assert from_book.issued == {f.facility_id for f in result.facilities} == from_json.issued
    assert from_book.by_record == {r: f.facility_id for f in result.facilities for r in f.record_ids}
    assert from_book.by_record == from_json.by_record
    assert from_book.by_os_id == {"CN2019303BQ3FZP": next(f.facility_id for f in result.facilities
                                                          if f.os_ids)} == from_json.by_os_id


def test_previous_workbook_without_the_sheet_names_both_languages(tmp_path):
    book = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Blad1"
    wb.save(book)
    with pytest.raises(ImvoError) as exc:
        read_previous(book)
    assert "'Production locations' or 'Productielocaties'" in str(exc.value)


def test_previous_workbook_without_the_id_column(result, tmp_path):
    book = tmp_path / "sector.xlsx"
    write_sector_workbook(result, book, lang="nl")
    wb = openpyxl.load_workbook(book)
    wb["Productielocaties"].cell(1, 1).value = "iets anders"
    wb.save(book)
    with pytest.raises(ImvoError) as exc:
        read_previous(book)
    assert "'Facility ID' or 'Locatie-ID'" in str(exc.value) and exc.value.sheet == "Productielocaties"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_decisions_from_a_review_sheet_in_either_language(result, members, tmp_path, lang):
    book = tmp_path / "sector.xlsx"
    write_sector_workbook(result, book, lang=lang)
    wb = openpyxl.load_workbook(book)
    sheet = t("sheet.review", lang)
    ws = wb[sheet]
    head = [c.value for c in ws[1]]
    a, b = (ws.cell(2, head.index(col) + 1).value for col in ("a_id", "b_id"))
    # the word the workbook's own dropdown offers in that language
    ws.cell(2, head.index("decision") + 1).value = t("sector_workbook.decision_same", lang)
    decided = tmp_path / "decided.xlsx"
    wb.save(decided)
    assert read_decisions(decided) == {frozenset((a, b)): "same"}
    again = aggregate([members], decisions=read_decisions(decided))
    assert again.review == [] and len(again.facilities) == 2  # the pair became one location
