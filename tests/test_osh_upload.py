"""The Open Supply Hub list upload: OSH's columns and rules, every location written or reported."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import SAMPLE

from imvo_cli.export.osh_upload import write_upload
from imvo_cli.ingest import read_suppliers
from imvo_cli.osh import upload_from_aggregate, upload_from_chain_map
from imvo_cli.osh.upload import (
    BASE_COLUMNS,
    MAX_TEXT,
    UPLOAD_COLUMNS,
    Location,
    build_upload,
    full_address,
    one_line,
    osh_countries,
)


def osh_rows(path: Path) -> tuple[list[str], list[dict]]:
    """Read a CSV upload the way OSH's list parser does (its documented rules): UTF-8 with an
    optional BOM, one line per row, exact lowercase headers in the first line."""
    lines = path.read_bytes().decode("utf-8-sig").splitlines()
    header = next(csv.reader([lines[0]]))
    return header, [dict(zip(header, next(csv.reader([line])), strict=True)) for line in lines[1:]]


def assert_osh_accepts(header: list[str], rows: list[dict]) -> None:
    """Every row passes OSH's row rules: name, address and a known country; lengths; lat/lng."""
    assert {"name", "address", "country"} <= set(header)
    countries = osh_countries()
    for r in rows:
        assert r["name"].strip() and len(r["name"]) <= MAX_TEXT, r
        assert r["address"].strip() and len(r["address"]) <= MAX_TEXT, r
        assert r["country"] in countries, r
        if r.get("lat") or r.get("lng"):
            assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lng"]) <= 180


@pytest.fixture(scope="module")
def sample_map():
    from imvo_cli.mapping import read_and_map

    return read_and_map(SAMPLE / "suppliers.xlsx")


@pytest.fixture(scope="module")
def public_sector():
    from imvo_cli.aggregate import aggregate

    return aggregate([SAMPLE / "members"], public=True)


def test_sample_upload_rereads_with_every_location(sample_map, tmp_path):
    upload = upload_from_chain_map(sample_map)
    out = tmp_path / "upload.csv"
    assert write_upload(upload, out) == []
    header, rows = osh_rows(out)
    assert header == list(BASE_COLUMNS)  # the sample has no coordinates
    assert_osh_accepts(header, rows)
    # Every location is in the upload or in the issues, with its row and reason.
    assert len(rows) + len(upload.rejected) == len(sample_map.suppliers) == upload.locations
    rejected = [i for i in upload.issues if i.severity == "error"]
    assert len(rejected) == len(upload.rejected) >= 1
    assert all(i.code == "osh-no-address" and i.row and i.file for i in rejected)
    back = read_suppliers(out)
    assert back.rows == len(rows) == len(back.suppliers) and not back.rejected_rows
    assert sorted(s.name for s in back.suppliers) == sorted(r.name for r in upload.rows)
    by_name = {s.name: s for s in sample_map.suppliers.values()}
    for s in back.suppliers:
        orig = by_name[s.name]
        assert s.country == orig.country and s.workers == orig.workers
        assert set(s.process) == set(orig.process) and set(s.product) == set(orig.product)
        assert s.parent_company == orig.parent_company


def test_xlsx_upload_has_the_same_rows_on_its_first_sheet(sample_map, tmp_path):
    from openpyxl import load_workbook

    upload = upload_from_chain_map(sample_map)
    out = tmp_path / "upload.xlsx"
    write_upload(upload, out)
    ws = load_workbook(out, read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == list(upload.columns)
    assert len(rows) - 1 == len(upload.rows)
    back = read_suppliers(out)
    assert len(back.suppliers) == len(upload.rows) and not back.rejected_rows


def test_public_aggregate_upload_rereads_and_names_no_member(public_sector, tmp_path):
    upload = upload_from_aggregate(public_sector)
    out = tmp_path / "sector.csv"
    write_upload(upload, out)
    header, rows = osh_rows(out)
    assert_osh_accepts(header, rows)
    assert len(rows) + len(upload.rejected) == len(public_sector.facilities)
    back = read_suppliers(out)
    assert back.rows == len(rows) and not back.rejected_rows
    text = out.read_text(encoding="utf-8-sig").casefold()
    for m in public_sector.members:
        assert m.member.casefold() not in text
        assert Path(m.file).stem.casefold() not in text
    assert not {"purchase_share", "members", "member"} & set(header)
    assert all(i.file is None for i in upload.issues)  # no member file named


def test_aggregate_upload_carries_the_members_sector_and_parent_company(public_sector, tmp_path):
    from imvo_cli.ingest import read_suppliers as read

    given = {}  # facility record -> what the member lists say
    for f in (SAMPLE / "members").iterdir():
        if f.suffix in (".csv", ".xlsx"):
            for s in read(f).suppliers:
                sectors, parents = given.setdefault(s.name.casefold(), (set(), set()))
                sectors.update(s.sector)
                parents.add(s.parent_company)
    out = tmp_path / "sector.csv"
    write_upload(upload_from_aggregate(public_sector), out)
    _, rows = osh_rows(out)
    with_sector = [r for r in rows if r["sector"]]
    with_parent = [r for r in rows if r["parent_company"]]
    assert with_sector and with_parent
    for r in with_sector:  # sectors are what the members wrote
        assert set(r["sector"].split("|")) <= {v for ss, _ in given.values() for v in ss}
    parents = {p for _, ps in given.values() for p in ps if p}
    members = {m.member.casefold() for m in public_sector.members}
    for r in with_parent:
        assert r["parent_company"] in parents and r["parent_company"].casefold() not in members


def test_rows_osh_would_reject_are_reported_not_dropped():
    locs = [
        Location("S1", "Good Mill", "IN", "Plot 4, GIDC", city="Surat"),
        Location("S2", "No Address Mill", "IN", None, city="Surat", file="l.xlsx", row=3),
        Location("S3", "Nowhere Mill", "ZZ", "Road 1, Town"),
        Location("S4", "X" * (MAX_TEXT + 1), "CN", "No. 1 Road, Ningbo"),
        Location("S5", "Dots Mill", "CN", " -- , . "),
        Location("S6", "Long Address", "CN", "No. 2 " + "Long Road " * 25),
        Location("S7", "Many Products", "CN", "No. 3 Road, Ningbo",
                 products=tuple(f"p{i}" for i in range(51))),
    ]
    up = build_upload(locs)
    assert [r.source for r in up.rows] == ["S1"]
    assert up.rejected == ["S2", "S3", "S4", "S5", "S6", "S7"]
    codes = sorted(i.code for i in up.issues)
    assert codes == ["osh-no-address", "osh-no-address", "osh-too-long", "osh-too-long",
                     "osh-too-many-products", "osh-unknown-country"]
    s2 = next(i for i in up.issues if i.row == 3)
    assert s2.file == "l.xlsx" and s2.column == "address" and s2.hint
    assert len(up.rows) + len(up.rejected) == up.locations == len(locs)


def test_formula_text_stays_text_and_is_reported(tmp_path):
    from openpyxl import load_workbook

    up = build_upload([Location("S1", "=HYPERLINK(\"http://x\")", "CN", "@home, Ningbo"),
                       Location("S2", "+Plus Mill", "CN", "No. 5 Road, Ningbo",
                                parent_company="-Group")])
    out = tmp_path / "u.csv"
    warnings = write_upload(up, out)
    _, rows = osh_rows(out)
    assert rows[0]["name"] == "'=HYPERLINK(\"http://x\")" and rows[0]["address"] == "'@home, Ningbo"
    assert rows[1]["name"] == "'+Plus Mill" and rows[1]["parent_company"] == "'-Group"
    assert sorted((w.code, w.column, w.row) for w in warnings) == [
        ("osh-formula-text", "address", 2), ("osh-formula-text", "name", 2),
        ("osh-formula-text", "name", 3), ("osh-formula-text", "parent_company", 3)]
    xl = tmp_path / "u.xlsx"
    assert write_upload(up, xl) == []
    ws = load_workbook(xl).worksheets[0]
    assert ws["B2"].value == "=HYPERLINK(\"http://x\")" and ws["B2"].data_type == "s"


def test_coordinates_columns_only_when_known_and_rounded(tmp_path):
    up = build_upload([Location("S1", "A Mill", "BD", "Plot 1, Savar", lat=23.912430123456,
                                lng=90.3214134999),
                       Location("S2", "B Mill", "BD", "Plot 2, Savar", lat=95.0, lng=10.0)])
    assert up.columns == UPLOAD_COLUMNS
    out = tmp_path / "u.csv"
    write_upload(up, out)
    header, rows = osh_rows(out)
    assert header[-2:] == ["lat", "lng"]
    assert rows[0]["lat"] == "23.9124301" and rows[0]["lng"] == "90.3214135"
    assert rows[1]["lat"] == "" and rows[1]["lng"] == ""  # out of range: left for OSH to geocode
    assert_osh_accepts(header, rows)


def test_public_upload_leaves_out_a_parent_company_that_names_a_member():
    locs = [Location("F1", "A Mill", "IN", "Plot 1, Surat", parent_company="Tulpveld Fashion B.V."),
            Location("F2", "B Mill", "IN", "Plot 2, Surat", parent_company="Lotus Holdings")]
    up = build_upload(locs, public=True, member_names=["tulpveld fashion b.v."])
    assert [r.parent_company for r in up.rows] == ["", "Lotus Holdings"]
    warning = next(i for i in up.issues if i.code == "osh-parent-is-member")
    assert "tulpveld" not in warning.message.casefold()
    private = build_upload(locs, public=False, member_names=["Tulpveld Fashion B.V."])
    assert private.rows[0].parent_company == "Tulpveld Fashion B.V."


def test_address_is_one_line_with_town_once():
    assert full_address("Harran Yolu No: 96", "63300", "Şanlıurfa") == \
        "Harran Yolu No: 96, 63300 Şanlıurfa"
    assert full_address("Plot 5, Savar, Dhaka", None, "Dhaka") == "Plot 5, Savar, Dhaka"
    assert full_address("Line one\nline  two", None, None, "Punjab") == "Line one line two, Punjab"
    assert full_address(None, "1000", "Town") == ""
    assert one_line("a\r\n b\t c") == "a b c"


def test_duplicate_rows_are_warned():
    up = build_upload([Location("S1", "A Mill", "IN", "Plot 1, Surat"),
                       Location("S2", "a mill", "IN", "plot 1, surat")])
    assert len(up.rows) == 2
    assert [i.code for i in up.issues] == ["osh-duplicate-row"]


def test_same_input_same_bytes(sample_map, tmp_path):
    upload = upload_from_chain_map(sample_map)
    for name in ("a.csv", "b.csv", "a.xlsx", "b.xlsx"):
        write_upload(upload, tmp_path / name)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_unknown_extension_is_a_usage_error(sample_map, tmp_path):
    from imvo_cli.model import ImvoError

    with pytest.raises(ImvoError, match=r"\.csv or \.xlsx"):
        write_upload(upload_from_chain_map(sample_map), tmp_path / "upload.txt")
    assert not list(tmp_path.iterdir())


def test_multi_values_use_osh_separator():
    up = build_upload([Location("S1", "A Mill", "IN", "Plot 1, Surat",
                                products=("Shirts", "Tops|Tees"), processes=("Sewing", "Sewing"),
                                sector=("Apparel",))])
    r = up.rows[0]
    assert (r.product_type, r.processing_type, r.sector) == ("Shirts|Tops/Tees", "Sewing", "Apparel")
    buf = io.StringIO()
    csv.writer(buf).writerow(r.values(up.columns))
    assert "\n" not in buf.getvalue().rstrip("\r\n")


def test_uploads_written_by_the_commands_pass_osh_rules_and_reread(tmp_path, sample_map, public_sector):
    """Issue 19's done-when through the commands themselves: `imvo map --osh` and `imvo
    aggregate --public --osh` write uploads that OSH's rules accept and imvo reads back with
    every location (written, or reported with its reason)."""
    from typer.testing import CliRunner

    from imvo_cli.cli import app

    runner = CliRunner()
    for argv, locations in (
            (["map", str(SAMPLE / "suppliers.xlsx")], len(sample_map.suppliers)),
            (["aggregate", str(SAMPLE / "members"), "--public"], len(public_sector.facilities))):
        out = tmp_path / f"{argv[0]}.csv"
        res = runner.invoke(app, [*argv, "--osh", str(out), "--format", "json"])
        assert res.exit_code == 0, res.output
        header, rows = osh_rows(out)
        assert_osh_accepts(header, rows)
        wrote = next(ln for ln in res.stderr.splitlines() if "wrote Open Supply Hub upload" in ln)
        assert f"({len(rows)} of {locations} production locations)" in wrote, wrote
        left_out = [ln for ln in res.stderr.splitlines() if "not in the Open Supply Hub upload" in ln]
        assert bool(left_out) == (len(rows) < locations)  # what is left out is said
        back = read_suppliers(out)
        assert back.rows == len(rows) == len(back.suppliers) and not back.rejected_rows
