"""read_suppliers: header search, Dutch headers, merging, issues, and every row accounted for."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASIC_ROWS, osh_fixture_files, write_xlsx
from imvo_cli.ingest import read_suppliers, supplier_id
from imvo_cli.model import ImvoError
from imvo_cli.policy import Policy


def codes(sl, severity=None):
    return [i.code for i in sl.issues if severity is None or i.severity == severity]


def test_title_and_company_rows_above_the_header(tmp_path):
    rows = [["Tulpveld Fashion B.V. - production locations 2024"], ["Company:", "Tulpveld Fashion B.V."],
            [], *BASIC_ROWS]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert sl.header_row == 4
    assert sl.company == "Tulpveld Fashion B.V."
    assert sl.rows == 3 and len(sl.suppliers) == 3
    assert sorted(s.rows[0] for s in sl.suppliers) == [5, 6, 7]  # Excel row numbers


def test_company_in_one_cell_and_dutch_label(tmp_path):
    rows = [["Bedrijf: Veenstra Werkkleding B.V."], ["Naam leverancier", "Land"], ["Ruifeng", "China"]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert sl.company == "Veenstra Werkkleding B.V."
    assert read_suppliers(tmp_path / "l.xlsx", company="Other B.V.").company == "Other B.V."


def test_dutch_headers(tmp_path):
    rows = [["Leveranciersnummer", "Naam leverancier", "Adres", "Plaats", "Postcode", "Land", "Niveau",
             "Productieproces", "Productgroep", "Levert aan", "Aantal werknemers", "Auditstandaard",
             "Datum laatste audit", "Auditresultaat", "Certificeringen", "Inkoopaandeel"],
            ["L1", "Kaveri Knit Fab Pvt Ltd", "SF No. 12, Avinashi Road", "Tiruppur", "641604", "India",
             "Tier 2", "Breien; Verven", "Tricot", "L2", "1.250", "SA8000", "15-03-2023", "Certified",
             "GOTS | OEKO-TEX", "12,5%"],
            ["L2", "Jamuna Apparels Ltd.", "Plot 4, Dhaka EPZ", "Savar", "1349", "Bangladesh", 1,
             "Confectie", "Werkbroeken", "Veenstra Werkkleding B.V.", "100-500", None, None, None, None, None]]
    sl = read_suppliers(write_xlsx(tmp_path / "nl.xlsx", rows))
    assert set(sl.columns) >= {"id", "name", "address", "city", "postal_code", "country", "tier",
                               "process", "product", "supplies_to", "workers", "audit_standard",
                               "audit_date", "audit_result", "certifications", "purchase_share"}
    knit = next(s for s in sl.suppliers if s.source_id == "L1")
    assert (knit.country, knit.declared_tier, knit.workers) == ("IN", 2, 1250)
    assert knit.process == ["Breien", "Verven"]
    assert knit.certifications == ["GOTS", "OEKO-TEX"]
    assert knit.supplies_to == ["L2"]
    assert knit.purchase_share == pytest.approx(0.125)
    assert str(knit.audit_date) == "2023-03-15"
    assert not sl.issues


def test_unknown_columns_are_kept(tmp_path):
    rows = [["Supplier name", "Country", "Address", "Buyer contact", "Remarks"],
            ["Ruifeng", "CN", "No. 5", "J. de Vries", 42]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert sl.extra_columns == ["Buyer contact", "Remarks"]
    assert sl.suppliers[0].extra == {"Buyer contact": "J. de Vries", "Remarks": 42}


def test_column_map(tmp_path):
    rows = [["Fabrikant", "Herkomst"], ["Ruifeng", "CN"]]
    path = write_xlsx(tmp_path / "l.xlsx", rows)
    with pytest.raises(ImvoError):
        read_suppliers(path)
    sl = read_suppliers(path, column_map={"Fabrikant": "name", "Herkomst": "country"})
    assert [(s.name, s.country) for s in sl.suppliers] == [("Ruifeng", "CN")]
    # the policy file's [columns] table does the same
    sl = read_suppliers(path, policy=Policy(columns={"Fabrikant": "name", "Herkomst": "country"}))
    assert len(sl.suppliers) == 1


def test_missing_required_column_names_the_field_and_suggests(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [["Supplier name", "Contry", "Address"], ["Ruifeng", "CN", "x"]])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    err = exc.value
    assert err.code == "missing-column" and err.column == "country"
    assert "'country'" in err.message
    assert "Supplier name, Contry, Address" in err.message  # the headers found
    assert "did you mean 'country'" in err.hint and "Contry" in err.hint


def test_missing_address_column_and_cell_are_warnings(tmp_path):
    # regression: without an address column every row also got its own missing-address warning
    sl = read_suppliers(write_xlsx(tmp_path / "a.xlsx", [["Name", "Country"], ["Ruifeng", "CN"]]))
    assert codes(sl) == ["missing-address-column"] and len(sl.suppliers) == 1
    rows = [["Name", "Country", "Address"], ["Ruifeng", "CN", None], ["Jiaxin", "CN", "No. 3"]]
    sl = read_suppliers(write_xlsx(tmp_path / "b.xlsx", rows))
    assert codes(sl) == ["missing-address"] and sl.issues[0].row == 2
    assert len(sl.suppliers) == 2


def test_rows_with_errors_are_rejected_and_listed(tmp_path):
    rows = [["Name", "Country", "Address"],
            ["Ruifeng", "Bangladseh", "x"],  # 2: misspelt country
            [None, "CN", "x"],  # 3: no name
            ["Jiaxin", None, "x"],  # 4: no country
            ["Huamei", "China", "x"]]  # 5: fine
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert sl.rejected_rows == [2, 3, 4]
    assert [s.name for s in sl.suppliers] == ["Huamei"]
    errors = {i.row: i for i in sl.errors}
    assert errors[2].code == "unknown-country" and "Bangladesh" in errors[2].hint
    assert errors[2].column == "Country"
    assert errors[3].code == "missing-name" and errors[4].code == "missing-country"
    assert sl.accounted_rows() == sl.rows == 4


def test_empty_rows_are_counted_not_read(tmp_path):
    rows = [["Name", "Country", "Address"], ["Ruifeng", "CN", "x"], [None, None, None],
            ["  ", "", None], ["Jiaxin", "CN", "y"]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert (sl.rows, sl.empty_rows, len(sl.suppliers)) == (2, 2, 2)


def test_same_factory_on_two_rows_merges_with_a_warning(tmp_path):
    rows = [["Supplier ID", "Name", "Country", "Address", "Product type"],
            ["V1", "Ruifeng Garment Co., Ltd.", "CN", "No. 5 Kaifa Avenue", "Jeans"],
            ["V1", "Ruifeng Garment Co., Ltd.", "CN", "No. 5 Kaifa Avenue", "Jackets"],
            ["", "RUIFENG GARMENT CO LTD", "China", "No. 5, Kaifa Avenue", "Shirts"],
            ["V2", "Ruifeng Garment Co., Ltd.", "CN", "Another street 9", "Shirts"]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert len(sl.suppliers) == 2
    merged = next(s for s in sl.suppliers if s.source_id == "V1")
    assert merged.rows == [2, 3, 4]
    assert merged.product == ["Jeans", "Jackets", "Shirts"]
    assert codes(sl, "warning") == ["duplicate-supplier", "duplicate-supplier"]
    assert sl.accounted_rows() == sl.rows == 4


def test_supplier_ids_are_stable_across_row_order(tmp_path):
    a = read_suppliers(write_xlsx(tmp_path / "a.xlsx", BASIC_ROWS))
    b = read_suppliers(write_xlsx(tmp_path / "b.xlsx", [BASIC_ROWS[0], *reversed(BASIC_ROWS[1:])]))
    assert [s.id for s in a.suppliers] == [s.id for s in b.suppliers]
    assert [s.name for s in a.suppliers] == [s.name for s in b.suppliers]
    assert supplier_id("Ruifeng Co., Ltd.", "CN", "No. 5") == supplier_id("RUIFENG CO LTD", "CN", "No 5")
    assert supplier_id("Ruifeng", "CN", None).startswith("S") and len(supplier_id("x", None, None)) == 11


def test_invalid_values_are_warnings_not_rejections(tmp_path):
    rows = [["Name", "Country", "Address", "Workers", "Audit date", "Tier", "OS ID"],
            ["Ruifeng", "CN", "x", "many", "soon", "first", "CN2019303BQ3FZQ"]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert len(sl.suppliers) == 1 and not sl.errors
    assert sorted(codes(sl)) == ["invalid-audit-date", "invalid-os-id", "invalid-tier",
                                 "invalid-workers"]
    assert all(i.hint for i in sl.issues)


def test_excel_error_values_are_treated_as_empty(tmp_path):
    path = tmp_path / "l.csv"  # a CSV export keeps the error text; calamine reads error cells as ""
    path.write_text("Name,Country,Address,Workers\nRuifeng,CN,x,#N/A\n", encoding="utf-8")
    sl = read_suppliers(path)
    assert sl.suppliers[0].workers is None and codes(sl) == ["error-value"]
    assert sl.issues[0].row == 2 and sl.issues[0].column == "Workers"


def test_template_example_rows_are_skipped_but_counted(tmp_path):
    rows = [["ID", "Name", "Country", "Address"], ["Example", "Voorbeeld B.V.", "NL", "x"],
            ["V1", "Ruifeng", "CN", "y"]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert [s.name for s in sl.suppliers] == ["Ruifeng"]
    assert sl.example_rows == 1 and sl.accounted_rows() == sl.rows == 2


def test_headers_only_is_an_input_error(tmp_path):
    with pytest.raises(ImvoError) as exc:
        read_suppliers(write_xlsx(tmp_path / "l.xlsx", [["Name", "Country", "Address"]]))
    assert exc.value.code == "no-data-rows"
    assert exc.value.row == 1


def test_no_recognisable_header(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [["Fabrikant", "Herkomst"], ["Ruifeng", "CN"]])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    assert exc.value.code == "header-not-found"
    assert "Fabrikant" in exc.value.message and "--map" in exc.value.hint


# --------------------------------------------------------------------------- real lists


@pytest.mark.parametrize("path", osh_fixture_files() or [None],
                         ids=lambda p: p.name if p else "absent")
def test_open_supply_hub_lists(path):
    if path is None:
        pytest.skip("../shared/fixtures/open-supply-hub is not available")
    sl = read_suppliers(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        data_rows = [r for r in csv.reader(fh)][1:]
    non_empty = [r for r in data_rows if any(c.strip() for c in r)]
    assert sl.rows == len(non_empty)
    assert sl.accounted_rows() == sl.rows
    assert sl.rows == sum(len(s.rows) for s in sl.suppliers) + len(sl.rejected_rows)
    assert "unknown-country" not in codes(sl)
    assert all(s.country for s in sl.suppliers)
    assert set(sl.columns) >= {"name", "address", "country", "sector"}


# --------------------------------------------------------------------------- property


NAMES = st.sampled_from(["Ruifeng Co., Ltd.", "RUIFENG CO LTD", "Jiaxin", "Meghna Apparels Ltd.", "",
                         " ", "=cmd()", "Akdeniz Örme A.Ş."])
COUNTRIES = st.sampled_from(["China", "CN", "Bangladseh", "", "Türkiye", "Holland", "Atlantis", "PK"])
ADDRESSES = st.sampled_from(["No. 5", "No 5", "", "Plot 3, Sector 2", "Rua da Indústria, 12"])
WORKERS = st.sampled_from(["", "1.250", "100-500", "approx. 300", "many", "12"])
ROW = st.tuples(NAMES, COUNTRIES, ADDRESSES, WORKERS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, max_size=25))
def test_every_row_is_accounted_for(rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Supplier name", "Country", "Address", "Number of workers"])
    w.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "l.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        non_empty = [r for r in rows if any(c.strip() for c in r)]
        if not non_empty:  # a header with no data rows is an input error (exit 2)
            with pytest.raises(ImvoError):
                read_suppliers(path)
            return
        sl = read_suppliers(path)
    assert sl.rows == len(non_empty)
    assert sl.empty_rows == len(rows) - len(non_empty)
    assert sl.rows == sum(len(s.rows) for s in sl.suppliers) + len(sl.rejected_rows)
    assert sl.accounted_rows() == sl.rows
    # every rejected row has an error issue on that row, and no supplier row does
    error_rows = {i.row for i in sl.errors}
    assert error_rows == set(sl.rejected_rows)
    assert not error_rows & {r for s in sl.suppliers for r in s.rows}


def test_supplier_fields_match_the_positional_build():
    """read_suppliers builds Supplier positionally for speed: pin the field order it uses."""
    import dataclasses

    from imvo_cli.model import Supplier
    assert [f.name for f in dataclasses.fields(Supplier)] == [
        "id", "name", "country", "address", "city", "region", "postal_code", "declared_tier",
        "process", "product", "sector", "certifications", "supplies_to", "workers",
        "parent_company", "audit_standard", "audit_date", "audit_result", "purchase_share",
        "os_id", "lat", "lng", "source_id", "rows", "extra", "other_ids"]  # other_ids: set by merging


# ---------------------------------------------------------------- issue 15: countries in rows

def _country_list(tmp_path, countries, policy=None):
    from conftest import write_csv
    from imvo_cli.ingest import read_suppliers

    rows = [[f"Factory {n}", f"Road {n}, Town", c] for n, c in enumerate(countries, 1)]
    path = write_csv(tmp_path / "countries.csv", ["Name", "Address", "Country"], rows)
    return read_suppliers(path, policy=policy)


def test_taiwan_written_as_china_taiwan_is_tw_in_a_list(tmp_path):
    sl = _country_list(tmp_path, ["China, Taiwan", "China (Macao SAR)", "China, Hong Kong SAR",
                                  "UAE", "Mainland China"])
    assert [s.country for s in sorted(sl.suppliers, key=lambda s: s.rows)] == \
        ["TW", "MO", "HK", "AE", "CN"]
    assert sl.issues == []


def test_ambiguous_country_warns_or_rejects_the_row(tmp_path):
    sl = _country_list(tmp_path, ["Korea", "Congo", "Sudan"])
    codes = {s.rows[0]: s.country for s in sl.suppliers}
    assert codes == {2: "KR", 4: "SD"} and sl.rejected_rows == [3]
    warnings = [i for i in sl.issues if i.severity == "warning"]
    assert [(i.code, i.row) for i in warnings] == [("ambiguous-country", 2), ("ambiguous-country", 4)]
    assert "KP" in warnings[0].message and "SS" in warnings[1].message
    error = next(i for i in sl.issues if i.severity == "error")
    assert (error.code, error.row, error.column) == ("ambiguous-country", 3, "Country")
    assert "CD" in error.message and "CG" in error.message


def test_a_typo_is_an_error_unless_the_policy_accepts_suggestions(tmp_path):
    from imvo_cli.policy import Policy

    strict = _country_list(tmp_path, ["Bangaldesh"])
    assert strict.rejected_rows == [2] and strict.suppliers == []
    error = strict.issues[0]
    assert error.code == "unknown-country" and "Bangladesh (BD)" in error.hint
    assert "accept_country_suggestions" in error.hint
    lenient = _country_list(tmp_path, ["Bangaldesh"], Policy(accept_country_suggestions=True))
    assert [s.country for s in lenient.suppliers] == ["BD"] and lenient.rejected_rows == []
    assert [(i.severity, i.code) for i in lenient.issues] == [("warning", "country-typo")]


def test_policy_key_accept_country_suggestions(tmp_path):
    from imvo_cli.model import ImvoError
    from imvo_cli.policy import parse_policy

    assert parse_policy({"ingest": {"accept_country_suggestions": True}}).accept_country_suggestions
    assert not parse_policy({}).accept_country_suggestions
    with pytest.raises(ImvoError, match="accept_country_suggestions"):
        parse_policy({"ingest": {"accept_country_suggestions": "yes"}})
    with pytest.raises(ImvoError, match="ingest.other"):
        parse_policy({"ingest": {"other": 1}})


def test_line_breaks_in_a_cell_separate_values(tmp_path):
    """Regression: 'Cutting\\nSewing' (Alt+Enter in Excel) became one process 'Cutting Sewing'."""
    rows = [["ID", "Name", "Country", "Address", "Process", "Product", "Supplies to"],
            ["A1", "Alpha Mill", "CN", "Road 1", "Cutting\nSewing", "Jeans\r\nShirts;Caps", None],
            ["B1", "Beta Mill", "CN", "Road 2", "Spinning", "Yarn", "A1\nCOMPANY"]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    by_id = {s.source_id: s for s in sl.suppliers}
    assert by_id["A1"].process == ["Cutting", "Sewing"]
    assert by_id["A1"].product == ["Jeans", "Shirts", "Caps"]
    assert by_id["B1"].supplies_to == ["A1", "COMPANY"]
    assert "control-characters" not in codes(sl)


@pytest.mark.parametrize("how", ["map", "policy"])
def test_explicit_column_map_wins_over_an_alias(tmp_path, how):
    """Regression: --map "Factory name=name" was ignored because 'Name' (a group column here)
    already named the field by alias."""
    rows = [["Name", "Factory name", "Country", "Address"], ["Group X", "Alpha Mill", "CN", "Road 1"]]
    path = write_xlsx(tmp_path / "l.xlsx", rows)
    cmap = {"Factory name": "name"}
    sl = read_suppliers(path, column_map=cmap) if how == "map" else \
        read_suppliers(path, policy=Policy(columns=cmap))
    assert [s.name for s in sl.suppliers] == ["Alpha Mill"]
    assert sl.columns["name"] == "Factory name"
    assert sl.extra_columns == ["Name"] and sl.suppliers[0].extra == {"Name": "Group X"}
    note = next(i for i in sl.issues if i.code == "column-mapped-elsewhere")
    assert note.column == "Name" and "'Factory name'" in note.message
    assert "duplicate-column" not in codes(sl)


def test_validate_columns_say_the_column_map_took_the_field(tmp_path):
    from imvo_cli.validate import validate_file

    rows = [["Name", "Factory name", "Country"], ["Group X", "Alpha Mill", "CN"]]
    report = validate_file(write_xlsx(tmp_path / "l.xlsx", rows), column_map={"Factory name": "name"})
    cols = {c.header: c for c in report.columns}
    assert cols["Factory name"].field == "name" and cols["Name"].field is None
    assert "column map gives it to 'Factory name'" in cols["Name"].note


@pytest.mark.parametrize("cells,expected", [
    ([40, 25, 1], [0.4, 0.25, 0.01]),  # a percentage column: 1 is 1%, not 100%
    (["40", "25%", "1"], [0.4, 0.25, 0.01]),
    ([0.4, 0.25, 1], [0.4, 0.25, 1.0]),  # a fraction column: 1 is all of it
    (["40%", "25%", "1"], [0.4, 0.25, 0.01]),  # a '%' value above 1 makes it percentages
    ([0.4, "0,5%", 1], [0.4, 0.005, 1.0]),  # a '%' value still says percent
])
def test_purchase_share_scale_is_the_columns(tmp_path, cells, expected):
    """Regression: a share of 1 in a column of percentages (40, 25, 1) became 100%."""
    rows = [["Name", "Country", "Address", "Purchase share"],
            *[[f"Mill {i}", "CN", f"Road {i}", v] for i, v in enumerate(cells)]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    shares = {s.name: s.purchase_share for s in sl.suppliers}
    assert [shares[f"Mill {i}"] for i in range(len(cells))] == pytest.approx(expected)
    assert not [i for i in sl.issues if i.code == "invalid-purchase-share"]


def test_merged_rows_keep_the_second_id_as_an_alias(tmp_path):
    """Regression: rows merged by name, address and country lost the second row's id, so a
    'supplies to' naming it matched nobody."""
    from imvo_cli.graph import build_chain_graph

    rows = [["ID", "Name", "Address", "Country", "Process", "Supplies to"],
            ["A1", "Alpha Mill", "Road 1", "CN", "Sewing", None],
            ["A2", "Alpha Mill", "Road 1", "CN", "Cutting", None],
            ["B1", "Beta Mill", "Road 2", "CN", "Spinning", "A2"],
            [None, "Gamma Mill", "Road 3", "CN", "Dyeing", "Delta Mill"],
            ["D1", "Delta Mill", "Road 4", "CN", "Knitting", None],
            ["D2", "Delta Mill", "Road 4", "CN", "Knitting", None],
            [None, "Epsilon Mill", "Road 5", "CN", "Dyeing", None],
            ["E1", "Epsilon Mill", "Road 5", "CN", "Dyeing", None]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    by_name = {s.name: s for s in sl.suppliers}
    alpha = by_name["Alpha Mill"]
    assert (alpha.rows, alpha.source_id, alpha.other_ids) == ([2, 3], "A1", ["A2"])
    assert (by_name["Delta Mill"].source_id, by_name["Delta Mill"].other_ids) == ("D1", ["D2"])
    # an id on the later row only: it becomes the supplier's id
    assert (by_name["Epsilon Mill"].source_id, by_name["Epsilon Mill"].other_ids) == ("E1", [])
    merged = [i for i in sl.issues if i.code == "duplicate-supplier" and i.row == 3]
    assert merged and "'A2' names the merged supplier too" in merged[0].message
    chain = build_chain_graph(sl)
    assert not [i for i in chain.issues if i.code == "unknown-reference"]
    assert list(chain.graph.successors(by_name["Beta Mill"].id)) == [alpha.id]
    assert chain.tiers[by_name["Beta Mill"].id] == 2


def test_one_id_on_two_production_locations_keeps_both(tmp_path):
    """Regression: two factories sharing one id merged into one, with no word of a conflict."""
    from imvo_cli.graph import build_chain_graph

    rows = [["ID", "Name", "Address", "Country", "Supplies to"],
            ["A1", "Alpha Mill", "Road 1", "CN", None],
            ["A1", "Gamma Weaving", "Other Road 9", "VN", None],
            ["A1", "Alpha Mill Co., Ltd.", "", "CN", None],  # the same location again: merged
            ["A1", "Gamma Weaving", "Other Road 9", "VN", None],  # so is this one
            ["B1", "Beta Mill", "Road 2", "CN", "A1"],
            ["C1", "Alpha Mill", "Road 7", "CN", None],
            ["C1", "Alpha Mill", "Road 8", "CN", None]]  # same name, another address
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    assert sl.accounted_rows() == sl.rows == 7
    located = sorted((s.name, s.address, s.country, s.source_id, s.rows) for s in sl.suppliers)
    assert located == [("Alpha Mill", "Road 1", "CN", "A1", [2, 4]),
                       ("Alpha Mill", "Road 7", "CN", "C1", [7]),
                       ("Alpha Mill", "Road 8", "CN", "C1", [8]),
                       ("Beta Mill", "Road 2", "CN", "B1", [6]),
                       ("Gamma Weaving", "Other Road 9", "VN", "A1", [3, 5])]
    conflicts = [i for i in sl.issues if i.code == "conflicting-id"]
    assert [(i.row, i.column) for i in conflicts] == [(3, "ID"), (8, "ID")]
    assert "id 'A1' is also on row 2 ('Alpha Mill', 'Road 1', 'CN')" in conflicts[0].message
    assert "('Gamma Weaving', 'Other Road 9', 'VN')" in conflicts[0].message
    # a reference to the shared id is linked to both, with a warning
    chain = build_chain_graph(sl)
    beta = next(s for s in sl.suppliers if s.name == "Beta Mill")
    assert len(list(chain.graph.successors(beta.id))) == 2
    assert [i.code for i in chain.issues] == ["ambiguous-reference"]


def test_supplies_to_naming_one_supplier_with_a_comma_is_not_split(tmp_path):
    """Regression: 'Alpha, Beta Ltd' (one supplier's name) was split into 'Alpha' and 'Beta Ltd'."""
    from imvo_cli.graph import build_chain_graph

    rows = [["ID", "Name", "Address", "Country", "Supplies to"],
            ["X1", "Alpha, Beta Ltd", "Road 1", "CN", None],
            ["X2", "Gamma Mill", "Road 2", "CN", "Alpha, Beta Ltd"],
            ["X3", "Delta Mill", "Road 3", "CN", "alpha beta ltd; Gamma Mill"],
            ["X4", "Epsilon Mill", "Road 4", "CN", "Gamma Mill, Delta Mill"],  # two names
            ["7, 8", "Zeta Mill", "Road 5", "CN", None],
            ["X6", "Eta Mill", "Road 6", "CN", "7, 8"]]  # an id with a comma
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    refs = {s.source_id: s.supplies_to for s in sl.suppliers}
    assert refs["X2"] == ["Alpha, Beta Ltd"]
    assert refs["X3"] == ["alpha beta ltd", "Gamma Mill"]
    assert refs["X4"] == ["Gamma Mill", "Delta Mill"]
    assert refs["X6"] == ["7, 8"]
    chain = build_chain_graph(sl)
    assert not [i for i in chain.issues if i.code == "unknown-reference"]
    by_id = {s.source_id: s.id for s in sl.suppliers}
    assert list(chain.graph.successors(by_id["X2"])) == [by_id["X1"]]
    assert list(chain.graph.successors(by_id["X6"])) == [by_id["7, 8"]]
