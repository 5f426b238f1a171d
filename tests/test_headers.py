"""Header aliases (English, Dutch, Open Supply Hub), the header row search and the README table."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from imvo_cli.ingest.headers import (ALIASES, OSH_COLUMNS, canonical_field, closest_alias,
                                     find_header_row, header_key, validate_column_map)
from imvo_cli.model import FIELDS, ImvoError


@pytest.mark.parametrize("header,field", [
    ("Supplier name", "name"), ("Factory name", "name"), ("Facility name", "name"),
    ("Naam leverancier", "name"), ("Bedrijfsnaam", "name"), ("Productielocatie", "name"),
    ("Country", "country"), ("Country/Region", "country"), ("Land", "country"),
    ("Supplies to", "supplies_to"), ("Customer", "supplies_to"), ("Levert aan", "supplies_to"),
    ("Number of workers", "workers"), ("Aantal werknemers", "workers"),
    ("Processing type", "process"), ("Productieproces", "process"),
    ("Datum laatste audit", "audit_date"), ("Niveau", "tier"), ("Plaats", "city"),
    # case, spacing and punctuation do not matter
    ("  SUPPLIER-NAME: ", "name"), ("naam_leverancier", "name"), ("Aantal  Werknemers", "workers"),
    ("Número of workers", None), ("Colour", None), ("", None), (None, None),
])
def test_canonical_field(header, field):
    assert canonical_field(header) == field


@pytest.mark.parametrize("column,field", sorted(OSH_COLUMNS.items()))
def test_open_supply_hub_columns_as_they_are(column, field):
    assert canonical_field(column) == field


def test_every_alias_names_its_own_field():
    for field, (en, nl) in ALIASES.items():
        assert field in FIELDS
        for alias in (*en, *nl):
            assert canonical_field(alias) == field, (alias, field)


def test_column_map_wins_over_aliases():
    assert canonical_field("Leverancier", {"Leverancier": "parent_company"}) == "parent_company"
    assert canonical_field("leverancier ", {"Leverancier": "parent_company"}) == "parent_company"
    assert canonical_field("Kleur", {"kleur": "ignore"}) == "ignore"


def test_column_map_with_an_unknown_field_suggests_one():
    with pytest.raises(ImvoError) as exc:
        validate_column_map({"Leverancier": "nmae"})
    assert "'name'" in exc.value.hint


def test_header_key():
    assert header_key("Naam  leverancier:") == "naamleverancier"
    assert header_key("Pays/Région") == "paysregion"


def test_closest_alias_for_a_typo():
    assert closest_alias("Suplier nam") == ("supplier name", "name")
    assert closest_alias("Contry")[1] == "country"
    assert closest_alias("zzzz") is None


def test_find_header_row_below_title_rows():
    rows = [["Supplier list 2024"], ["Company:", "Tulpveld Fashion B.V."], [],
            ["Supplier name", "Address", "Country", "Tier"], ["Ruifeng", "No. 5", "CN", 1]]
    assert find_header_row(rows) == 3


def test_find_header_row_needs_name_or_country():
    # two recognised fields but neither name nor country: not a header
    assert find_header_row([["Tier", "Audit date"], ["1", "2024-01-01"]]) is None
    assert find_header_row([["Name", "Country"]]) == 0


def test_find_header_row_looks_at_twenty_rows_only():
    rows = [["title"]] * 20 + [["Supplier name", "Country"]]
    assert find_header_row(rows) is None
    assert find_header_row(rows[1:]) == 19


def test_find_header_row_prefers_the_richest_row():
    rows = [["Name", "Country"], ["Supplier name", "Address", "City", "Country", "Tier"]]
    assert find_header_row(rows) == 1


# --------------------------------------------------------------------------- README table


def _readme_columns_table() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- section: columns -->", 1)[1].split("<!-- section:", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert len(rows) > 2, "the input-columns table is missing below <!-- section: columns -->"
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in rows]
    return [c for c in cells[2:]]  # skip header and --- line


def test_readme_lists_every_canonical_field():
    listed = [re.sub(r"`", "", row[0]) for row in _readme_columns_table()]
    assert listed == list(FIELDS)


def test_readme_aliases_are_recognised():
    for row in _readme_columns_table():
        field = row[0].strip("`")
        for column in (2, 3):
            for alias in filter(None, (a.strip() for a in row[column].split(","))):
                assert canonical_field(alias) == field, (alias, field)
        for osh in re.findall(r"`([^`]+)`", row[4]):
            assert OSH_COLUMNS.get(osh) == field, (osh, field)


# Issue 15: headers real lists use that were not recognised.
@pytest.mark.parametrize("header,field", [
    ("Vendor No", "id"), ("Vendor No.", "id"), ("Nr.", "id"), ("No.", "id"), ("Number", "id"),
    ("Supplier no", "id"), ("Lieferantennummer", "id"), ("Code fournisseur", "id"),
    ("Producten", "product"), ("Artikel", "product"), ("Artikelen", "product"),
    ("Product(s)", "product"), ("Produits", "product"), ("Productos", "product"),
    ("Straat + huisnummer", "address"), ("Street + house number", "address"),
    ("Straße und Hausnummer", "address"), ("Adresse", "address"), ("Dirección", "address"),
    ("PLZ", "postal_code"), ("Code postal", "postal_code"), ("Ort", "city"), ("Ville", "city"),
    ("Pays", "country"), ("País", "country"), ("Paese", "country"), ("Herkunftsland", "country"),
    ("Lieferant", "name"), ("Fournisseur", "name"), ("Proveedor", "name"), ("Company", "name"),
    ("Levert aan (nr.)", "supplies_to"), ("Klanten", "supplies_to"), ("Liefert an", "supplies_to"),
    ("Kunde", "supplies_to"), ("Stufe", "tier"), ("Mitarbeiter", "workers"),
    ("Effectif", "workers"), ("Zertifikate", "certifications"),
])
def test_widened_aliases(header, field):
    assert canonical_field(header) == field


def test_remarks_columns_are_close_to_no_field():
    assert closest_alias("Opmerkingen") is None
    assert closest_alias("Remarks") is None


def test_every_other_language_alias_names_its_own_field():
    from imvo_cli.ingest.headers import OTHER_ALIASES

    for field, aliases in OTHER_ALIASES.items():
        assert field in FIELDS
        for alias in aliases:
            assert canonical_field(alias) == field, (alias, field)


def test_readme_table_lists_every_english_and_dutch_alias():
    table = {row[0].strip("`"): row for row in _readme_columns_table()}
    for field, (en, nl) in ALIASES.items():
        assert [a.strip() for a in table[field][2].split(",")] == list(en), field
        assert [a.strip() for a in table[field][3].split(",")] == list(nl), field


@pytest.mark.parametrize("header,field", [
    ("Supplier name (factory)", "name"), ("Land [ISO]", "country"), ("Niveau (1-3)", "tier"),
    ("Country of manufacture", "country"), ("Adres productielocatie", "address"),
    ("Name of supplier", "name"), ("Factory address", "address"), ("(x)", None),
])
def test_headers_with_brackets_and_longer_forms(header, field):
    assert canonical_field(header) == field


@pytest.mark.parametrize("header,field", [
    ("Naam / Name", "name"), ("Land / Country", "country"), ("Land/Country", "country"),
    ("Name (Naam)", "name"), ("Naam (Name)", "name"), ("Plaats / City", "city"),
    ("Levert aan / Supplies to", "supplies_to"), ("Straat / Street / Adres", "address"),
    # parts naming different fields, or a part naming none, name nothing
    ("Naam / Land", None), ("Contact / Name", None), ("Cotton/Polyester", None), ("N/A", None),
])
def test_bilingual_headers(header, field):
    """Regression: 'Naam / Name' and 'Land / Country' were not recognised."""
    assert canonical_field(header) == field


def test_bilingual_header_row_is_found(tmp_path):
    from conftest import write_xlsx
    from imvo_cli.ingest import read_suppliers

    rows = [["Naam / Name", "Adres / Address", "Land / Country"], ["Alpha Mill", "Road 1", "Vietnam"]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert sl.columns == {"address": "Adres / Address", "country": "Land / Country",
                          "name": "Naam / Name"}
    assert [(s.name, s.country) for s in sl.suppliers] == [("Alpha Mill", "VN")]
