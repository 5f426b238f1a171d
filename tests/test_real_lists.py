"""The 14 real Open Supply Hub lists and the sample lists (issue 15): every row accounted for,
every country read as the country it is (checked against a table written by hand), every
one-line address with its locality recognised where it names one."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, osh_fixture_files, shared_path

from imvo_cli.ingest import read_suppliers
from imvo_cli.ingest.address import has_full_address
from imvo_cli.ingest.readers import read_sheets

# Country cells as the lists write them -> the country meant (ISO codes stand for themselves).
NAMES = {
    "australia": "AU", "argentina": "AR", "bangladesh": "BD", "brazil": "BR", "burma": "MM",
    "cambodia": "KH", "canada": "CA", "china": "CN", "dominican republic": "DO",
    "el salvador": "SV", "ethiopia": "ET", "ethiopië": "ET", "france": "FR", "germany": "DE",
    "guatemala": "GT", "haiti": "HT", "holland": "NL", "honduras": "HN", "india": "IN",
    "indonesia": "ID", "israel": "IL", "italië": "IT", "italy": "IT", "jordan": "JO",
    "malaysia": "MY", "mauritius": "MU", "mexico": "MX", "morocco": "MA", "myanmar": "MM",
    "nepal": "NP", "netherlands": "NL", "new zealand": "NZ", "nicaragua": "NI",
    "pakistan": "PK", "peru": "PE", "philippines": "PH", "portugal": "PT", "romania": "RO",
    "south africa": "ZA", "sri lanka": "LK", "taiwan": "TW", "thailand": "TH", "turkey": "TR",
    "turkije": "TR", "türkiye": "TR", "usa": "US", "united states": "US", "vietnam": "VN",
    "viet nam": "VN",
}
CODES = set("AT BD BR CA CN CZ DE DO EG ES GB GT HN HT ID IN IT JP KH KR LK MC MM MX MY NL "
            "PK PL PR PT RO RU SV SY TH TR TW US VN ZA".split())
SAMPLE_FILES = sorted([*SAMPLE.glob("*.xlsx"), *SAMPLE.glob("*.csv"), *SAMPLE.glob("members/*")])
DELIBERATE_ERRORS = {"Bangladseh"}  # the sample's misspelt row, an error on purpose


def _expected(text: str) -> str:
    return text if text in CODES else NAMES[text.casefold()]


def _raw_countries(path, supplier_list) -> dict[int, str]:
    """Excel row number -> the country cell as written."""
    sheet = next(s for s in read_sheets(path) if s.name == supplier_list.sheet)
    rows = sheet.load(None)
    j = rows[supplier_list.header_row - 1].index(supplier_list.columns["country"])
    return {n: str(r[j]).strip() for n, r in enumerate(rows, 1)
            if n > supplier_list.header_row and j < len(r) and r[j] not in (None, "")}


@pytest.mark.parametrize("path", [*osh_fixture_files(), *SAMPLE_FILES], ids=lambda p: p.name)
def test_every_row_accounted_for_and_every_country_right(path):
    sl = read_suppliers(path)
    assert sl.accounted_rows() == sl.rows
    raw = _raw_countries(path, sl)
    for s in sl.suppliers:
        for row in s.rows:
            assert s.country == _expected(raw[row]), (row, raw[row], s.country)
    rejected = {raw.get(r) for r in sl.rejected_rows}
    assert rejected <= DELIBERATE_ERRORS
    assert not [i for i in sl.issues if "country" in i.code and i.code != "unknown-country"]


def test_the_real_lists_are_all_there():
    shared_path("fixtures", "open-supply-hub")
    assert len(osh_fixture_files()) == 14


def test_one_line_addresses_of_a_real_list_are_complete():
    """Winter 2019 Compliance List writes 62 one-line addresses without commas
    ('Savar Dhaka 1340 Bangladesh'); all but those that name no place are complete."""
    path = shared_path("fixtures", "open-supply-hub", "Winter 2019 Compliance List.csv")
    sl = read_suppliers(path)
    assert len(sl.suppliers) == 62 and not any("," in (s.address or "") for s in sl.suppliers)
    incomplete = sorted(s.address for s in sl.suppliers if not has_full_address(s))
    # A bare country stays incomplete; so does an industrial area with only its province and
    # a town outside the town list ('... Pinghu Zhejiang China').
    assert "Indonesia" in incomplete and len(incomplete) <= 2
    assert sum(has_full_address(s) for s in sl.suppliers) >= 60
