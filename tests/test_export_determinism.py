"""Every workbook imvo writes is the same bytes for the same input: no clock time inside
(neither in the document properties nor in the zip entries), whatever the time of day."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import pytest

from imvo_cli.export import xlsx


class _Later(dt.datetime):
    """A clock that has moved on by a year: a writer that reads it changes its bytes."""

    @classmethod
    def now(cls, tz=None):
        return dt.datetime(2031, 7, 4, 12, 30, 15, tzinfo=tz)

    @classmethod
    def utcnow(cls):
        return dt.datetime(2031, 7, 4, 12, 30, 15)


def write_twice(tmp_path: Path, write, monkeypatch) -> tuple[bytes, bytes]:
    """Write once now and once with every clock moved on; return both files' bytes."""
    import time

    import openpyxl.packaging.core as core

    first = tmp_path / "first.xlsx"
    write(first)
    monkeypatch.setattr(dt, "datetime", _Later)
    monkeypatch.setattr(core.datetime, "datetime", _Later, raising=False)
    monkeypatch.setattr(time, "localtime", lambda *a: time.struct_time((2031, 7, 4, 12, 30, 15, 0, 185, 0)))
    monkeypatch.setattr(time, "time", lambda: 1941014415.0)
    second = tmp_path / "second.xlsx"
    write(second)
    monkeypatch.undo()
    with zipfile.ZipFile(second) as zf:
        assert {i.date_time for i in zf.infolist()} == {xlsx.FIXED_ZIP_TIME}
        assert b"2031" not in zf.read("docProps/core.xml")
    return first.read_bytes(), second.read_bytes()


def _members(folder: Path) -> Path:
    folder.mkdir()
    rows = {"alpha": [["Epyllion Style Ltd.", "Nayapara, Gazipur Sadar", "Gazipur", "Bangladesh"],
                      ["Shanghai Weijie Garment Co. Ltd", "1228 Huiping Road", "Shanghai", "China"]],
            "beta": [["Eypllion Style Ltd.", "Bahadurpur, Gazipur Sadar", "", "Bangladesh"],
                     ["=cmd|' /C calc'!A0", "1 Road", "Dhaka", "Bangladesh"]]}
    for member, data in rows.items():
        with (folder / f"{member}.csv").open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["Name", "Address", "City", "Country"])
            w.writerows(data)
    return folder


def test_template_same_bytes(tmp_path, monkeypatch):
    from imvo_cli.export.template import write_template

    a, b = write_twice(tmp_path, lambda p: write_template(p, lang="nl"), monkeypatch)
    assert a == b


def test_annotated_same_bytes(tmp_path, monkeypatch):
    from imvo_cli.export.annotated import write_annotated
    from imvo_cli.mapping import read_and_map

    src = tmp_path / "list.csv"
    src.write_text("Supplier name;Address;City;Country;Tier\n"
                   "Dhaka Knit;1 Road;Dhaka;Bangladesh;1\n+31 20 1234;2 Road;Izmir;Turkey;2\n",
                   encoding="utf-8")
    cm = read_and_map(src)
    a, b = write_twice(tmp_path, lambda p: write_annotated(cm, p, input_path=src), monkeypatch)
    assert a == b


@pytest.mark.parametrize("public", [False, True])
def test_sector_workbook_same_bytes(tmp_path, monkeypatch, public):
    from imvo_cli.aggregate import aggregate
    from imvo_cli.export.sector import write_sector_workbook

    result = aggregate([_members(tmp_path / "members")], public=public) if public else \
        aggregate([_members(tmp_path / "members")])
    a, b = write_twice(tmp_path, lambda p: write_sector_workbook(result, p), monkeypatch)
    assert a == b


def test_check_workbook_same_bytes(tmp_path, monkeypatch):
    from imvo_cli.check import run_check
    from imvo_cli.export.checkbook import write_check_workbook

    result = run_check([_members(tmp_path / "members")], jobs=1)
    a, b = write_twice(tmp_path, lambda p: write_check_workbook(result, p), monkeypatch)
    assert a == b


def test_streamed_table_keeps_text_inert_and_values_exact(tmp_path):
    """The one fast path: formulas never come from data, XML-illegal characters go, numbers
    and dates keep their values."""
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    wb.remove(wb.active)
    rows = [["=1+1", 0.1 + 0.2, 12345678901234567, dt.date(2024, 3, 15), "a\x01b & <c>", True],
            ["@SUM(A1)", -3, None, None, "\tx", False]]
    xlsx.add_streamed_table(wb, "T", ["=h", "n", "big", "date", "text", "flag"], rows)
    xlsx.save_workbook(wb, tmp_path / "t.xlsx")
    with zipfile.ZipFile(tmp_path / "t.xlsx") as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    ws = load_workbook(tmp_path / "t.xlsx")["T"]
    got = [[c.value for c in row] for row in ws.iter_rows()]
    assert got[0][0] == "=h" and ws["A1"].data_type == "s"
    assert got[1] == ["=1+1", 0.1 + 0.2, 12345678901234567, dt.datetime(2024, 3, 15),
                      "ab & <c>", True]
    assert got[2][:2] == ["@SUM(A1)", -3] and got[2][4] == "\tx"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F3"


def test_generated_dates_are_iso_not_the_locale_short_date(tmp_path):
    """Regression: date cells of generated sheets used Excel's built-in format 14 (and 22 for a
    date and time), which Excel shows in the reader's locale (3/15/24 in the US), while imvo's
    date format is yyyy-mm-dd. Dates, dates with a time and times get ISO formats of their own."""
    import re

    from openpyxl import Workbook, load_workbook

    from imvo_cli.export.template import write_template

    rows = [[dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 9, 5, 7), dt.time(9, 5, 7)]]
    wb = Workbook()
    wb.remove(wb.active)
    xlsx.add_streamed_table(wb, "T", ["date", "at", "time"], rows)
    xlsx.save_workbook(wb, tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["T"]
    assert [c.number_format for c in ws[2]] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "hh:mm:ss"]
    assert [c.value for c in ws[2]] == [dt.datetime(2024, 3, 15), *rows[0][1:]]
    write_template(tmp_path / "template.xlsx")
    for name in ("t.xlsx", "template.xlsx"):
        with zipfile.ZipFile(tmp_path / name) as zf:
            styles = zf.read("xl/styles.xml").decode()
        cell_xfs = re.search(r"<cellXfs\b.*?</cellXfs>", styles, re.S).group(0)
        assert not re.search(r'numFmtId="(14|22)"', cell_xfs), name


def test_annotated_zip_copy_same_bytes(tmp_path, monkeypatch):
    """An xlsx input copied at the zip level: no clock time in the new or copied parts."""
    from openpyxl import Workbook

    from imvo_cli.export import annotated
    from imvo_cli.mapping import read_and_map

    src = tmp_path / "list.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    for row in (["Supplier name", "Address", "City", "Country", "Tier"],
                ["Dhaka Knit", "1 Road", "Dhaka", "Bangladesh", 1],
                ["+31 20 1234", "2 Road", "Izmir", "Turkey", 2]):
        ws.append(row)
    wb.save(src)
    cm = read_and_map(src)
    monkeypatch.setattr(annotated, "write_openpyxl_copy", lambda *a, **k: pytest.fail("not the zip copy"))
    a, b = write_twice(tmp_path, lambda p: annotated.write_annotated(cm, p, input_path=src),
                       monkeypatch)
    assert a == b
