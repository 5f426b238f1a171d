"""The annotated export as one plan written by two back ends (export/plan.py): the same cells
from the zip copy and from openpyxl, the fallback only for what the copy refuses, and the
attached Open Supply Hub OS IDs (issue 19 item 4)."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest
from conftest import REPO, write_xlsx
from openpyxl import load_workbook
from openpyxl.comments import Comment

from imvo_cli.export import annotated
from imvo_cli.export.annotated import ADDED_HEADERS, write_annotated
from imvo_cli.ingest import read_suppliers
from imvo_cli.mapping import read_and_map
from imvo_cli.osh import attach_to_chain_map
from imvo_cli.osh.matching import ANNOTATED_HEADERS
from test_osh_match import GEN, HEADERS

ROWS = [["Supplier name", "Address", "City", "Country", "Tier"],
        ["Mingda Clothing Co Ltd", "No. 4 Qiming Road", "Ningbo", "China", 1],
        ["Ege Giyim", "12 Sokak", "Izmir", "Turkey", 1],
        ["Nowhere Mill", "3 Street", "Dhaka", "Atlantis", 2]]
MINGDA_ID = GEN.os_id(random.Random(4), "CN")


def download(path: Path) -> Path:
    """An OSH download that knows Mingda (and a facility nobody in the list is)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADERS, extrasaction="ignore")
        w.writeheader()
        for os_id, name, address, code in (
                (MINGDA_ID, "Mingda Clothing Co Ltd", "No. 4 Qiming Road, Ningbo", "CN"),
                (GEN.os_id(random.Random(5), "VN"), "Saigon Sewing", "8 Duong", "VN")):
            w.writerow({"os_id": os_id, "name": name, "address": address,
                        "country_code": code, "country_name": "", "is_closed": "False"})
    return path


def added_block(path: Path, sheet: str = "Sheet1") -> list[tuple]:
    """imvo's columns (header row included) of the suppliers sheet as read back."""
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    first = header.index(ADDED_HEADERS[0])
    return [tuple(c.value for c in row[first:]) for row in ws.iter_rows()]


@pytest.fixture()
def mapped(tmp_path):
    src = write_xlsx(tmp_path / "list.xlsx", ROWS)
    cm = read_and_map(src)
    attach_to_chain_map(cm, download(tmp_path / "osh.csv"))
    return src, cm


def test_no_os_id_columns_without_a_download(tmp_path):
    src = write_xlsx(tmp_path / "list.xlsx", ROWS)
    out = tmp_path / "out.xlsx"
    write_annotated(read_and_map(src), out, input_path=src)
    assert added_block(out)[0] == ADDED_HEADERS


def test_both_back_ends_write_the_same_cells_with_the_attached_os_ids(tmp_path, mapped,
                                                                        monkeypatch):
    src, cm = mapped
    zip_out, openpyxl_out = tmp_path / "zip.xlsx", tmp_path / "openpyxl.xlsx"
    assert write_annotated(cm, zip_out, input_path=src).backend == "zip-copy"
    monkeypatch.setattr(annotated, "FAST_COPY", False)
    assert write_annotated(cm, openpyxl_out, input_path=src).backend == "openpyxl"
    block = added_block(zip_out)
    assert block[0][-2:] == ANNOTATED_HEADERS
    names = [row[0].value for row in load_workbook(zip_out)["Sheet1"].iter_rows()]
    by_name = dict(zip(names, block))
    assert by_name["Mingda Clothing Co Ltd"][-2:] == (MINGDA_ID, "osh-match")
    assert by_name["Ege Giyim"][-2:] == (None, None)
    assert added_block(openpyxl_out) == block
    a, b = load_workbook(zip_out), load_workbook(openpyxl_out)
    assert a.sheetnames == b.sheetnames
    for title in a.sheetnames[1:]:
        assert [[c.value for c in r] for r in a[title].iter_rows()] == \
            [[c.value for c in r] for r in b[title].iter_rows()], title
    for book in (a, b):  # the heat map colours every theme column and the worst level
        countries = book[book.sheetnames[-1]]
        assert {str(cf.sqref) for cf in countries.conditional_formatting} == \
            {f"C2:{countries.cell(1, countries.max_column).column_letter}{countries.max_row}"}
    # the added columns are no input field: the list reads back with the same suppliers
    again = read_suppliers(zip_out)
    assert sorted(s.name for s in again.suppliers) == sorted(s.name for s in cm.source.suppliers)
    assert all(s.os_id is None for s in again.suppliers)


def test_the_plan_is_built_once_and_the_fallback_says_why(tmp_path, monkeypatch):
    src = tmp_path / "list.xlsx"
    write_xlsx(src, ROWS)
    wb = load_workbook(src)
    wb["Sheet1"]["B3"].comment = Comment("check the street", "buyer")
    wb.save(src)
    cm = read_and_map(src)
    calls = []
    build = annotated.build_plan
    monkeypatch.setattr(annotated, "build_plan", lambda *a, **k: calls.append(1) or build(*a, **k))
    result = write_annotated(cm, tmp_path / "out.xlsx", input_path=src)
    assert calls == [1]
    assert result.backend == "openpyxl" and "comments" in result.fallback_reason
    ws = load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert ws["B3"].comment.text == "check the street"  # the user's comment kept


def test_only_the_patchers_own_refusal_falls_back(tmp_path, monkeypatch):
    """A bug in the zip copy is not hidden by a silent openpyxl fallback."""
    src = write_xlsx(tmp_path / "list.xlsx", ROWS)
    cm = read_and_map(src)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the copy")

    monkeypatch.setattr(annotated, "write_zip_copy", broken)
    monkeypatch.setattr(annotated, "write_openpyxl_copy",
                        lambda *a, **k: pytest.fail("fell back on a bug"))
    with pytest.raises(RuntimeError):
        write_annotated(cm, tmp_path / "out.xlsx", input_path=src)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.xlsx"]


def test_no_openpyxl_private_attributes_in_the_writers():
    private = re.compile(r"\._(cells|style|cell_styles|archive|rels|drawing|comments|"
                         r"differential_styles|fonts|fills)\b")
    for path in sorted((REPO / "imvo_cli" / "export").glob("*.py")):
        hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if private.search(line)]
        assert hits == [], f"{path.name}: lines {hits}"


def test_huge_merged_ranges_on_the_openpyxl_path_are_refused_with_a_message(tmp_path):
    """openpyxl makes an object per merged cell: such a workbook is refused, not loaded."""
    import zipfile

    from imvo_cli.model import ImvoError

    plain = tmp_path / "plain.xlsx"
    write_xlsx(plain, ROWS)
    wb = load_workbook(plain)
    wb["Sheet1"]["B3"].comment = Comment("check the street", "buyer")  # refused by the zip copy
    wb.save(plain)
    src = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as b:
        for name in a.namelist():
            data = a.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                    b'<mergeCell ref="H20:Z900000"/></mergeCells>')
            b.writestr(name, data)
    cm = read_and_map(src)
    with pytest.raises(ImvoError) as exc:
        write_annotated(cm, tmp_path / "out.xlsx", input_path=src)
    assert exc.value.code == "merged-too-large" and "unmerge" in exc.value.hint
    assert "out.xlsx" not in {p.name for p in tmp_path.iterdir()}


def test_a_csv_input_is_rebuilt_and_annotated_by_the_zip_copy(tmp_path):
    src = tmp_path / "list.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROWS + [["=HYPERLINK(\"x\")", "5 Road", "Izmir", "Turkey", 1]])
    cm = read_and_map(src)
    out = tmp_path / "out.xlsx"
    result = write_annotated(cm, out, input_path=src)
    assert (result.backend, result.fallback_reason) == ("rebuilt", None)
    ws = load_workbook(out).worksheets[0]
    assert (ws["A5"].value, ws["A5"].data_type) == ('=HYPERLINK("x")', "s")
    assert added_block(out, ws.title)[0] == ADDED_HEADERS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv", "out.xlsx"]
