"""Acceptance checks for faithful input: countries, headers, links (issues 3 and 15)."""

from __future__ import annotations

import pytest

from conftest import write_xlsx
from imvo_cli.countries import read_country, to_iso2
from imvo_cli.ingest import read_suppliers
from imvo_cli.model import ImvoError


def test_header_hint_comes_from_the_header_like_row_not_the_metadata_above_it(tmp_path):
    # regression: the 'did you mean' hint read the first row ('Sector: Spaceships' ->
    # 'sectors'), a metadata cell, instead of the row that holds the column titles
    path = write_xlsx(tmp_path / "l.xlsx", [
        ["Sector: Spaceships"], ["Supplier list 2024"], ["Prepared by: J. Jansen", None, "Date: 2024"],
        [], ["Fabriek naam", "Lnd", "Adress", "Klnt"], ["Alpha", "BD", "1 Road", "x"]])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    err = exc.value
    assert err.code == "header-not-found"
    assert "Fabriek naam" in err.message and "row 5" in err.message
    assert "Spaceships" not in err.message + (err.hint or "")
    assert "Supplier list" not in err.message + (err.hint or "")
    assert "'Adress' -> 'address' (address)" in err.hint


def test_header_hint_gives_no_guess_for_a_sheet_of_titles_only(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [["Sector: Spaceships"], ["Supplier list 2024"],
                                             ["Alpha"]])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    assert exc.value.code == "header-not-found"
    assert "did you mean" not in (exc.value.hint or "")
    assert "--map" in exc.value.hint


# --------------------------------------------------------------------------- countries

@pytest.mark.parametrize("text", ["N/A", "n/a", "N.A.", "n.a.", "#N/A", " N / A "])
def test_not_available_is_no_country(text):
    # regression: 'N/A' (and Excel's '#N/A') read silently as Namibia (NA)
    reading = read_country(text)
    assert reading.code is None and reading.status == "unknown"
    assert "not available" in reading.message


@pytest.mark.parametrize("text", ["NA", "na"])
def test_a_bare_na_is_namibia_with_a_warning(text):
    reading = read_country(text)
    assert reading.code == "NA" and reading.status == "ambiguous"
    assert "Namibia" in reading.message and "not available" in reading.message


@pytest.mark.parametrize("text", ["China/Hong Kong", "China & Hong Kong", "Hong Kong / China",
                                  "China and Taiwan", "Hong Kong + Macao", "China/Taiwan"])
def test_two_places_listed_are_never_read_as_one(text):
    # regression: any text with 'Hong Kong' in it became HK, even 'China/Hong Kong'
    reading = read_country(text)
    assert reading.code is None and reading.status == "ambiguous"
    assert len(reading.candidates) == 2


@pytest.mark.parametrize("text,code", [
    ("China, Hong Kong SAR", "HK"), ("Taiwan/ROC", "TW"), ("Hong Kong SAR (China)", "HK"),
    ("Bosnia and Herzegovina", "BA"), ("Trinidad & Tobago", "TT"), ("Taipei, Taiwan", "TW")])
def test_one_place_with_its_qualifiers_still_reads(text, code):
    assert to_iso2(text) == code


@pytest.mark.parametrize("text,code", [
    ("🇧🇩", "BD"), ("🇨🇳", "CN"), ("🇹🇷 Turkey", "TR"), ("Vietnam 🇻🇳", "VN"),
    ("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "GB")])
def test_emoji_flags(text, code):
    reading = read_country(text)
    assert (reading.code, reading.status) == (code, "ok")


def test_a_flag_and_a_name_that_disagree_are_refused():
    reading = read_country("🇧🇩 Pakistan")
    assert reading.code is None and set(reading.candidates) == {"BD", "PK"}


@pytest.mark.parametrize("text,candidates", [
    ("Czechoslovakia", {"CZ", "SK"}), ("Tsjechoslowakije", {"CZ", "SK"}),
    ("Yugoslavia", {"RS", "HR", "SI", "BA", "ME", "MK", "XK"}),
    ("Serbia and Montenegro", {"RS", "ME"}), ("USSR", None), ("Soviet Union", None),
    ("Netherlands Antilles", {"CW", "SX", "BQ"}), ("Nederlandse Antillen", {"CW", "SX", "BQ"})])
def test_a_former_country_names_its_successors(text, candidates):
    reading = read_country(text)
    assert reading.code is None and reading.status == "ambiguous"
    if candidates:
        assert set(reading.candidates) == candidates
    assert "former" in reading.message


@pytest.mark.parametrize("text,code", [
    ("Korea DPR", "KP"), ("DPR Korea", "KP"), ("Sao Tome", "ST"), ("FYR Macedonia", "MK"),
    ("Great Britain and Northern Ireland", "GB"), ("Bonaire", "BQ"), ("Hellas", "GR"),
    ("Nippon", "JP"), ("Bharat", "IN"), ("East Germany", "DE"), ("West Germany", "DE"),
    ("Dahomey", "BJ"), ("Upper Volta", "BF")])
def test_more_names_people_write(text, code):
    assert to_iso2(text) == code


def test_the_new_country_messages_read_in_dutch(tmp_path):
    from test_dutch_messages import assert_said_in_dutch

    path = write_xlsx(tmp_path / "l.xlsx", [
        ["Name", "Address", "Country"], ["Alpha", "1 Road", "N/A"], ["Beta", "2 Road", "NA"],
        ["Gamma", "3 Road", "Czechoslovakia"], ["Delta", "4 Road", "China/Hong Kong"]])
    issues = [i for i in read_suppliers(path).issues if "country" in i.code]
    assert [(i.row, i.code, i.severity) for i in issues] == [
        (2, "unknown-country", "error"), (3, "ambiguous-country", "warning"),
        (4, "ambiguous-country", "error"), (5, "ambiguous-country", "error")]
    assert_said_in_dutch(issues, ("former", "not for", "short for", "can mean", "names more"))


# --------------------------------------------------------------------------- headers

def test_a_second_column_with_the_same_header_is_shown_as_not_used(tmp_path):
    # regression: validate showed both 'Supplier name' columns as the name field, and the
    # warning said "'Supplier name' ... 'Supplier name' is used" without saying which
    from imvo_cli.validate import validate_file

    path = write_xlsx(tmp_path / "l.xlsx", [
        ["Supplier name", "Supplier name", "Country", "Address"],
        ["Alpha", "Alpha Two", "BD", "1 Road"]])
    report = validate_file(path)
    cols = [(c.column, c.header, c.field) for c in report.columns]
    assert cols[:2] == [("A", "Supplier name", "name"), ("B", "Supplier name", None)]
    assert report.columns[1].note and "again" in report.columns[1].note
    dup = next(i for i in report.issues if i.code == "duplicate-column")
    assert dup.message == ("columns A and B are both headed 'Supplier name' ('name'); column A "
                           "is used, B is kept as an extra column")
    from imvo_cli.i18n.messages import issue_message
    assert issue_message(dup, "nl").startswith("de kolommen A en B hebben beide de kop")


def test_a_header_written_over_two_rows_is_read_as_one(tmp_path):
    # regression: 'Supplies' over 'to' left the links unread (the column was 'not used',
    # closest 'city') and every supplier was drawn at tier 1
    path = write_xlsx(tmp_path / "l.xlsx", [
        ["Supplier", "Supplier", "Number of", "Supplies", "Street +"],
        ["name", "country", "workers", "to", "house number"],
        ["Alpha", "BD", 100, "Company", "1 Road"],
        ["Beta", "BD", 50, "Alpha", "2 Road"]])
    sl = read_suppliers(path)
    assert sl.columns["supplies_to"] == "Supplies to"
    assert sl.columns["address"] == "Street + house number"
    assert sl.columns["name"] == "name"  # a cell recognised alone keeps its own text
    beta = next(s for s in sl.suppliers if s.name == "Beta")
    assert beta.supplies_to == ["Alpha"]


# --------------------------------------------------------------------------- chain links

LINK_HEADER = ["ID", "Name", "Country", "Address", "Supplies to", "Tier"]


def _chain(tmp_path, rows):
    from imvo_cli.graph import build_chain_graph

    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", [LINK_HEADER, *rows]))
    chain = build_chain_graph(sl, "Tulpveld B.V.")
    return sl, chain


def test_customers_joined_by_and_or_slash_are_each_linked_when_each_is_known(tmp_path):
    # regression: '4 & 5' and 'Alpha Ltd / Beta Ltd' matched nobody, so the supplier was
    # drawn as a direct supplier of the company with an 'unknown-reference' warning
    from imvo_cli.graph import chain_issues

    rows = [[1, "Alpha Ltd", "BD", "1 Rd", "Tulpveld", 1],
            [2, "Beta & Sons Ltd", "BD", "2 Rd", "Tulpveld", 1],
            [3, "Gamma Mill", "BD", "3 Rd", "1 & 2", 2],
            [4, "Delta Dye", "BD", "4 Rd", "Alpha Ltd / Beta & Sons Ltd", 2],
            [5, "Eps Spin", "BD", "5 Rd", "Gamma Mill and Delta Dye", 3],
            [6, "Zeta Knit", "BD", "6 Rd", "Alpha Ltd & Nobody Ltd", 2]]
    sl, chain = _chain(tmp_path, rows)
    ids = {s.name: s.id for s in sl.suppliers}
    succ = chain.graph.succ
    assert set(succ[ids["Gamma Mill"]]) == {ids["Alpha Ltd"], ids["Beta & Sons Ltd"]}
    assert set(succ[ids["Delta Dye"]]) == {ids["Alpha Ltd"], ids["Beta & Sons Ltd"]}
    assert set(succ[ids["Eps Spin"]]) == {ids["Gamma Mill"], ids["Delta Dye"]}
    unknown = [i for i in chain_issues(sl, "Tulpveld B.V.") if i.code == "unknown-reference"]
    assert [i.row for i in unknown] == [7]  # one part unknown: the whole stays unknown


def test_a_link_to_a_rejected_row_says_so(tmp_path):
    # regression: a customer whose row was rejected (here: a misspelt country) was
    # reported as "matches no supplier id or name", sending the user to look for a typo
    from imvo_cli.graph import chain_issues
    from imvo_cli.i18n.messages import issue_message

    rows = [[1, "Alpha Ltd", "Bangaldesh", "1 Rd", "Tulpveld", 1],
            [2, "Gamma Mill", "BD", "3 Rd", "Alpha Ltd", 2],
            [3, "Delta Dye", "BD", "4 Rd", "1", 2]]
    sl, _chain_ = _chain(tmp_path, rows)
    unknown = [i for i in chain_issues(sl, "Tulpveld B.V.") if i.code == "unknown-reference"]
    assert [(i.row, i.message) for i in unknown] == [
        (3, "'Gamma Mill' supplies to 'Alpha Ltd', the supplier of row 2, which was rejected "
            "(see the error on that row); it is shown as supplying the company directly"),
        (4, "'Delta Dye' supplies to '1', the supplier of row 2, which was rejected "
            "(see the error on that row); it is shown as supplying the company directly")]
    assert unknown[0].hint == "correct row 2; the link then holds"
    assert issue_message(unknown[0], "nl").startswith(
        "'Gamma Mill' levert aan 'Alpha Ltd', de leverancier van regel 2, die is afgewezen")


# --------------------------------------------------------------------------- nothing is lost

def test_a_name_of_no_letter_or_digit_is_rejected_not_merged(tmp_path):
    # regression: '=' and '—' in the name column both keyed to '' and merged into one
    # supplier named '=' ('same supplier as row 2')
    from imvo_cli.i18n.messages import issue_message

    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", [
        ["Name", "Country", "Address"], ["=", "BD", "1 Rd"], ["\u2014", "BD", "1 Rd"],
        ["Alpha", "BD", "2 Rd"]]))
    assert [s.name for s in sl.suppliers] == ["Alpha"]
    assert sl.rejected_rows == [2, 3] and sl.accounted_rows() == sl.rows == 3
    errors = [(i.row, i.code, i.message) for i in sl.issues if i.severity == "error"]
    assert errors == [(2, "missing-name", "the supplier name '=' has no letter or digit"),
                      (3, "missing-name", "the supplier name '\u2014' has no letter or digit")]
    assert issue_message(sl.issues[0], "nl") == \
        "de naam van de leverancier '=' bevat geen letter of cijfer"


def test_tricky_rows_each_end_up_in_a_supplier_or_an_error(tmp_path):
    rows = [["List 2024"], ["Bedrijf: X"], [],
            ["Nr.", "Naam", "Land", "Adres", None, "Opmerking"],
            [1, "Alpha", "BD", "1 Rd", None, None],
            [None, None, None, None, "stray", None],
            [None, None, None, None, None, "note only"],
            ["", " ", "\t", None, None, None],
            ["Subtotal", None, None, None, None, None],
            [None, "Totaal", None, None, None, None],
            [2, "Alpha", "BD", "1 Rd", None, None],
            [3, "Beta", "N/A", "2 Rd", None, None],
            [4, "-", "BD", None, None, None],
            ["* all figures 2024", None, None, None, None, None],
            [8, "Delta", 4, "x", None, None]]
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", rows))
    data_rows = {r for r in range(5, 5 + len(rows) - 4)} - {8}  # row 8: blanks only
    in_suppliers = {r for s in sl.suppliers for r in s.rows}
    in_errors = {i.row for i in sl.issues if i.severity == "error"}
    assert sl.empty_rows == 1 and sl.rows == len(data_rows)
    assert in_suppliers | in_errors == data_rows and not in_suppliers & in_errors
    assert set(sl.rejected_rows) == in_errors


@pytest.mark.parametrize("text,code", [
    ("TR Turkey", "TR"), ("BGD Bangladesh", "BD"), ("BD-Bangladesh", "BD"),
    ("Bangladesh BD", "BD"), ("Viet Nam - VN", "VN")])
def test_an_iso_code_beside_its_own_name(text, code):
    assert (read_country(text).code, read_country(text).status) == (code, "ok")


@pytest.mark.parametrize("text", ["BD Pakistan", "NL Antilles", "TR Bangladesh"])
def test_an_iso_code_beside_another_country_is_not_read(text):
    assert read_country(text).code is None


def test_a_number_sign_in_a_header_is_a_word(tmp_path):
    # regression: 'Supplier #' read as the name column (the sign was dropped), so the real
    # 'Supplier name' column was kept as an extra one and the names were numbers
    from imvo_cli.ingest.headers import canonical_field

    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", [
        ["Supplier #", "Supplier name", "Country", "Address", "# of workers", "% inkoop"],
        ["V-01", "Alpha", "BD", "1 Rd", 120, "40%"]]))
    assert sl.columns["id"] == "Supplier #" and sl.columns["name"] == "Supplier name"
    assert sl.columns["workers"] == "# of workers"
    assert sl.columns["purchase_share"] == "% inkoop"
    assert [(s.name, s.source_id) for s in sl.suppliers] == [("Alpha", "V-01")]
    assert canonical_field("Employees (#)") == "workers" and canonical_field("% female") is None


def test_a_bare_number_sign_next_to_a_real_id_is_a_row_number(tmp_path):
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", [
        ["#", "Vendor No", "Name", "Country", "Address"], [1, "V-01", "Alpha", "BD", "1 Rd"]]))
    assert sl.columns["id"] == "Vendor No"


@pytest.mark.parametrize("header,field", [
    ("No. of employees", "workers"), ("Total number of workers", "workers"),
    ("Naam van leverancier", "name"), ("Production site", "name"),
    ("Street address line 1", "address"), ("Levert aan leverancier nr.", "supplies_to"),
    ("Aandeel in inkoop (%)", "purchase_share"),
    ("Male workers", None), ("Number of female workers", None), ("Migrant workers", None)])
def test_more_headers_as_people_write_them(header, field):
    from imvo_cli.ingest.headers import canonical_field

    assert canonical_field(header) == field


def test_a_blank_row_inside_a_merged_range_is_an_empty_row(tmp_path):
    # regression: 'Land' merged over B2:B5 with row 4 left blank as a separator: the merged
    # value filled row 4, which then failed as a row without a name (exit 1)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (["Naam", "Land", "Adres"], ["Alpha", "Bangladesh", "1 Rd"],
                ["Beta", None, "2 Rd"], [None, None, None], ["Gamma", None, "3 Rd"]):
        ws.append(row)
    ws.merge_cells("B2:B5")
    path = tmp_path / "l.xlsx"
    wb.save(path)
    sl = read_suppliers(path)
    assert sorted((s.name, s.country) for s in sl.suppliers) == [
        ("Alpha", "BD"), ("Beta", "BD"), ("Gamma", "BD")]
    assert sl.errors == [] and sl.empty_rows == 1 and sl.rows == 3
    assert sl.accounted_rows() == sl.rows


def test_a_heading_merged_across_the_list_is_skipped_with_a_note(tmp_path):
    # regression: 'Tier 2 - stof' merged across the row filled every column and failed as a
    # supplier in the country 'Tier 2 - stof' (exit 1)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (["Naam", "Land", "Adres", "Levert aan"], ["Tier 1 - confectie"],
                ["Alpha", "Bangladesh", "1 Rd", "Tulpveld"], ["Tier 2 - stof"],
                ["Beta", "Bangladesh", "2 Rd", "Alpha"], ["Totaal: 2 leveranciers"],
                ["Gamma", "India", "3 Rd"]):
        ws.append(row)
    for cells in ("A2:D2", "A4:D4", "A6:C6", "C7:D7"):  # the last one: in a supplier's row
        ws.merge_cells(cells)
    path = tmp_path / "l.xlsx"
    wb.save(path)
    sl = read_suppliers(path)
    assert sorted(s.name for s in sl.suppliers) == ["Alpha", "Beta", "Gamma"]
    assert sl.errors == [] and sl.rows == 3 and sl.empty_rows == 3
    notes = [(i.row, i.message) for i in sl.issues if i.code == "section-heading"]
    assert notes == [
        (2, "row 2 is a heading merged across columns A-D ('Tier 1 - confectie'), not a "
            "supplier; it was skipped"),
        (4, "row 4 is a heading merged across columns A-D ('Tier 2 - stof'), not a supplier; "
            "it was skipped"),
        (6, "row 6 is a heading merged across columns A-C ('Totaal: 2 leveranciers'), not a "
            "supplier; it was skipped")]
    assert [i.row for i in sl.issues if i.code == "merged-cell"] == [7]


@pytest.mark.parametrize("text,code,place", [
    ("Hong Kong/Shenzhen", "HK", "Shenzhen"), ("Hong Kong, Dongguan", "HK", "Dongguan"),
    ("Taiwan (Kunshan)", "TW", "Kunshan")])
def test_a_place_beside_hong_kong_or_taiwan_is_read_with_a_warning(text, code, place):
    # regression: any text holding 'Hong Kong' was read as HK without a word, also when it
    # names a mainland town the factory may be in
    reading = read_country(text)
    assert (reading.code, reading.status) == (code, "partial") and place in reading.message


def test_hong_kong_beside_another_country_is_refused():
    reading = read_country("Hong Kong, Japan")
    assert reading.code is None and set(reading.candidates) == {"HK", "JP"}


def test_a_row_that_describes_the_columns_is_skipped_with_a_note(tmp_path):
    # regression: '(name or ISO code)' under 'Country' failed as a supplier row (exit 1)
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", [
        ["Name", "Country", "Address", "Workers"],
        ["(legal name)", "(name or ISO code)", "(street, city)", "(number)"],
        ["e.g. Alpha Garments Ltd", "e.g. Bangladesh", None, None],
        ["Alpha", "BD", "1 Rd", 10], ["(Beta)", "BD", "2 Rd", 5]]))
    assert [s.name for s in sl.suppliers] == ["Alpha", "(Beta)"]  # a later row is data
    assert sl.errors == [] and sl.empty_rows == 2
    notes = [(i.row, i.message) for i in sl.issues if i.code == "description-row"]
    assert notes == [
        (2, "row 2 describes the columns ((legal name), (name or ISO code), (street, city), "
            "...), it is no supplier; it was skipped"),
        (3, "row 3 describes the columns (e.g. Alpha Garments Ltd, e.g. Bangladesh), it is no "
            "supplier; it was skipped")]


def test_a_first_row_with_one_bracketed_name_is_a_supplier(tmp_path):
    sl = read_suppliers(write_xlsx(tmp_path / "l.xlsx", [
        ["Name", "Country", "Address"], ["(Alpha) Ltd", "BD", "1 Rd"]]))
    assert [s.name for s in sl.suppliers] == ["(Alpha) Ltd"]


def test_a_dash_or_n_v_t_in_supplies_to_is_an_empty_cell(tmp_path):
    # regression: '-' and 'n.v.t.' were unknown references with a warning each
    from imvo_cli.graph import chain_issues

    rows = [[1, "Alpha Ltd", "BD", "1 Rd", "-", 1], [2, "Beta Ltd", "BD", "2 Rd", "n.v.t.", 1],
            [3, "Gamma Ltd", "BD", "3 Rd", "\u2014", 1], [4, "Delta Ltd", "BD", "4 Rd", "N/A", 1]]
    sl, chain = _chain(tmp_path, rows)
    assert chain_issues(sl, "Tulpveld B.V.") == []
    assert all(set(chain.graph.succ[s.id]) == {"COMPANY"} for s in sl.suppliers)


def test_an_id_written_with_a_number_sign_or_word(tmp_path):
    from imvo_cli.graph import chain_issues

    rows = [[12, "Alpha Ltd", "BD", "1 Rd", "Tulpveld", 1],
            [2, "Beta Ltd", "BD", "2 Rd", "#12", 2], [3, "Gamma Ltd", "BD", "3 Rd", "Nr. 12", 2],
            [4, "Delta Ltd", "BD", "4 Rd", "12.", 2], [5, "Eps Ltd", "BD", "5 Rd", "#99", 2]]
    sl, chain = _chain(tmp_path, rows)
    ids = {s.name: s.id for s in sl.suppliers}
    for name in ("Beta Ltd", "Gamma Ltd", "Delta Ltd"):
        assert set(chain.graph.succ[ids[name]]) == {ids["Alpha Ltd"]}, name
    assert [(i.code, i.row) for i in chain_issues(sl, "Tulpveld B.V.")
            if i.code == "unknown-reference"] == [("unknown-reference", 6)]
