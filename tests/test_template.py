"""The input template: headers ingest recognises, validations on the right ranges, clean when filled."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from imvo_cli.export import template as tpl
from imvo_cli.export.template import LANGS, SHEET_TITLES, header, sector_vocabulary, write_template
from imvo_cli.i18n import canonical_term, sector_terms
from imvo_cli.ingest import EXAMPLE_MARKERS
from imvo_cli.countries import to_iso2
from imvo_cli.ingest.headers import canonical_field
from imvo_cli.model import FIELDS, ImvoError
from imvo_cli.validate import validate_file


def test_every_header_is_an_alias_of_its_field():
    for field in FIELDS:
        for lang in LANGS:
            assert canonical_field(header(field, lang)) == field, (field, lang)
    assert set(tpl.EXAMPLE_MARKER.values()) <= EXAMPLE_MARKERS


@pytest.mark.parametrize("lang", LANGS)
def test_template_layout_and_validations(tmp_path, lang):
    out = tmp_path / f"template_{lang}.xlsx"
    write_template(out, lang=lang, sector="textile")
    wb = load_workbook(out)
    titles = SHEET_TITLES[lang]
    assert wb.sheetnames == [titles["input"], titles["instructions"], titles["lists"]]
    assert wb[titles["lists"]].sheet_state == "hidden"
    ws = wb[titles["input"]]
    assert [c.value for c in ws[tpl.HEADER_ROW]] == [header(f, lang) for f in FIELDS]
    assert ws["A1"].value in ("Company:", "Bedrijf:") and ws["B1"].value is None
    assert ws.cell(tpl.EXAMPLE_ROW, 1).value == tpl.EXAMPLE_MARKER[lang]
    assert ws.freeze_panes == "B3"
    assert ws.column_dimensions["B"].width == tpl.WIDTHS["name"]
    col = {f: ws.cell(1, i + 1).column_letter for i, f in enumerate(FIELDS)}
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    lists = f"{titles['lists']}!"
    country = by_range[f"{col['country']}3:{col['country']}{tpl.LAST_INPUT_ROW}"]
    assert country.type == "list"
    assert country.formula1.replace("'", "").startswith(lists + "$A$2:$A$")
    assert country.errorStyle in (None, "stop") and country.prompt and country.error
    assert by_range[f"{col['tier']}3:{col['tier']}{tpl.LAST_INPUT_ROW}"].type == "list"
    process = by_range[f"{col['process']}3:{col['process']}{tpl.LAST_INPUT_ROW}"]
    assert process.type == "list" and process.errorStyle == "warning"
    assert by_range[f"{col['audit_date']}3:{col['audit_date']}{tpl.LAST_INPUT_ROW}"].type == "date"
    assert by_range[f"{col['workers']}3:{col['workers']}{tpl.LAST_INPUT_ROW}"].type == "whole"
    share = by_range[f"{col['purchase_share']}3:{col['purchase_share']}{tpl.LAST_INPUT_ROW}"]
    assert (share.type, share.formula1, share.formula2) == ("decimal", "0", "1")
    assert all(dv.showInputMessage and dv.showErrorMessage for dv in by_range.values())
    names = [c.value for c in wb[titles["lists"]]["A"][1:]]
    assert len(names) > 200 and all(to_iso2(n) for n in names)
    assert "Bangladesh" in names
    if lang == "nl":
        assert {"Duitsland", "België", "Verenigd Koninkrijk"} <= set(names)
    processes = [c.value for c in wb[titles["lists"]]["B"][1:] if c.value]
    assert processes == sector_vocabulary("textile", lang)["process"]
    instructions = wb[titles["instructions"]]
    rows = {r[0]: r for r in instructions.iter_rows(min_row=tpl.INSTRUCTIONS_HEADER_ROW + 1,
                                                     values_only=True)}
    assert set(rows) == {header(f, lang) for f in FIELDS}
    yes = "yes" if lang == "en" else "ja"
    assert [f for f in FIELDS if rows[header(f, lang)][2] == yes] == ["name", "country"]
    # the empty template reads as one skipped example row and nothing else
    report = validate_file(out)
    assert (report.rows, report.suppliers, report.issues) == (1, 0, [])


def fill(path, lang: str, rows: int = 3):
    """Fill a template the way a member would: every column, values from the dropdowns."""
    wb = load_workbook(path)
    ws = wb[SHEET_TITLES[lang]["input"]]
    vocab = sector_vocabulary("textile", lang)
    countries = ["Bangladesh", "Turkey", "Portugal"]
    for i in range(rows):
        values = {
            "id": f"SUP-{i}", "name": f"Factory {i}", "address": f"{i} Main Road",
            "city": "Town", "region": "North", "postal_code": f"10{i}",
            "country": countries[i % 3], "tier": 1 if i == 0 else 2,
            "process": f"{vocab['process'][0]}; {vocab['process'][1]}",
            "product": vocab["product"][0], "sector": "textile", "workers": 100 + i,
            "supplies_to": None if i == 0 else "SUP-0", "parent_company": "Group",
            "audit_standard": "SA8000", "audit_date": date(2024, 1, 10 + i),
            "audit_result": "pass", "certifications": "GOTS", "purchase_share": 0.25,
            "os_id": None, "lat": 23.5 + i, "lng": 90.25,
        }
        for c, field in enumerate(FIELDS, 1):
            if values[field] is not None:
                ws.cell(tpl.FIRST_INPUT_ROW + i, c, values[field])
    wb.save(path)


@pytest.mark.parametrize("lang", LANGS)
def test_filled_template_validates_clean(tmp_path, lang):
    out = tmp_path / "filled.xlsx"
    write_template(out, lang=lang)
    fill(out, lang)
    report = validate_file(out)
    assert report.issues == []
    assert (report.rows, report.suppliers) == (4, 3)


@pytest.mark.parametrize("sector", tpl.SECTORS)
def test_every_sector_has_a_vocabulary(sector):
    for lang in LANGS:
        vocab = sector_vocabulary(sector, lang)
        assert vocab["process"] and vocab["product"]


@pytest.mark.parametrize("sector", tpl.SECTORS)
def test_dutch_dropdown_values_read_back_to_the_english_terms(sector):
    for field in ("process", "product"):
        pairs = sector_terms(sector, field)
        assert pairs
        english = sector_vocabulary(sector, "en")[field]
        for en, nl in pairs:
            assert canonical_term(field, nl) == en, (sector, field, nl)
            assert canonical_term(field, nl.upper()) == en
            assert en in english
        assert set(sector_vocabulary(sector, "nl")[field]) == {nl for _, nl in pairs}


def _all_cells(path) -> set[str]:
    wb = load_workbook(path)
    return {str(c).casefold() for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True) for c in row if c is not None}


def _sector_terms(sector: str) -> set[str]:
    return {term.casefold() for f in ("process", "product") for pair in sector_terms(sector, f)
            for term in pair}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sector", tpl.SECTORS)
def test_example_row_belongs_to_its_sector(lang, sector):
    example = tpl.example_row(lang, sector)
    vocab = sector_vocabulary(sector, lang)
    assert example["process"] in vocab["process"]
    assert example["product"] in vocab["product"]
    assert to_iso2(example["country"])
    assert example["id"] == tpl.EXAMPLE_MARKER[lang]
    texts = {str(v).casefold() for v in example.values() if v is not None}
    for other in set(tpl.SECTORS) - {sector}:
        foreign = _sector_terms(other) - _sector_terms(sector)
        assert not (foreign & texts), (sector, other, sorted(foreign & texts))


@pytest.mark.parametrize("lang", LANGS)
def test_metals_template_carries_no_textile_words(tmp_path, lang):
    """Regression: the metals template showed a textile example ("Dhaka Knitwear Ltd")."""
    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang, sector="metals")
    cells = _all_cells(out)
    textile = _sector_terms("textile") - _sector_terms("metals")
    assert not (textile & cells), sorted(textile & cells)
    assert tpl.EXAMPLES["textile"]["name"].casefold() not in cells
    assert tpl.EXAMPLES["metals"]["name"].casefold() in cells


@pytest.mark.parametrize("lang", LANGS)
def test_company_cell_is_read_back(tmp_path, lang):
    from imvo_cli import read_suppliers

    out = tmp_path / "lijst.xlsx"
    write_template(out, lang=lang)
    fill(out, lang, rows=1)
    assert read_suppliers(out).company in (None, "lijst")  # empty: not the label
    wb = load_workbook(out)
    wb.worksheets[0][tpl.COMPANY_VALUE_CELL] = "Tulpveld Fashion B.V."
    wb.save(out)
    assert read_suppliers(out).company == "Tulpveld Fashion B.V."


def test_aggregate_names_the_member_after_the_company_cell(tmp_path):
    from imvo_cli.aggregate import aggregate
    from imvo_cli.policy import Policy

    out = tmp_path / "member_a.xlsx"
    write_template(out, lang="nl")
    fill(out, "nl", rows=1)
    wb = load_workbook(out)
    wb.worksheets[0][tpl.COMPANY_VALUE_CELL] = "Tulpveld Fashion B.V."
    wb.save(out)
    result = aggregate([out], Policy())
    assert [m.member for m in result.members] == ["Tulpveld Fashion B.V."]


@pytest.mark.parametrize("lang", LANGS)
def test_print_setup_on_every_visible_sheet(tmp_path, lang):
    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang)
    wb = load_workbook(out)
    for ws in wb.worksheets[:2]:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth in (1, "1") and ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert wb.worksheets[0].print_title_rows == f"$1:${tpl.HEADER_ROW}"
    assert ("Pagina" if lang == "nl" else "Page") in wb.worksheets[0].oddFooter.center.text


def test_bad_arguments(tmp_path):
    with pytest.raises(ImvoError) as exc:
        write_template(tmp_path / "t.csv")
    assert exc.value.code == "output-type"
    with pytest.raises(ImvoError):
        write_template(tmp_path / "t.xlsx", lang="de")
    with pytest.raises(ImvoError):
        write_template(tmp_path / "t.xlsx", sector="mining")
    assert list(tmp_path.iterdir()) == []


def test_same_arguments_same_bytes(tmp_path):
    write_template(tmp_path / "a.xlsx", lang="nl")
    write_template(tmp_path / "b.xlsx", lang="nl")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def _scored(tmp_path, lang: str, sector: str, process: str, product: str):
    from imvo_cli import read_suppliers
    from imvo_cli.policy import Policy
    from imvo_cli.risk import assess_supplier, load_profile

    out = tmp_path / f"{lang}-{sector}.xlsx"
    write_template(out, lang=lang, sector=sector)
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    row = {"name": "Factory", "country": "Bangladesh" if sector == "textile" else "India",
           "process": process, "product": product}
    for c, field in enumerate(FIELDS, 1):
        if field in row:
            ws.cell(tpl.FIRST_INPUT_ROW, c, row[field])
    wb.save(out)
    (supplier,) = read_suppliers(out).suppliers
    risk = assess_supplier(supplier, load_profile(sector), Policy(), date(2025, 1, 1))
    return {k: (v.level, v.score) for k, v in risk.themes.items()}


def test_a_dutch_dropdown_term_scores_like_its_english_term(tmp_path):
    en = _scored(tmp_path, "en", "textile", "dyeing", "garments")
    nl = _scored(tmp_path, "nl", "textile", term_nl("textile", "process", "dyeing"),
                 term_nl("textile", "product", "garments"))
    assert nl == en


def term_nl(sector: str, field: str, english: str) -> str:
    return dict(sector_terms(sector, field))[english]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_dropdown_country_reads_back_without_a_warning(lang):
    from imvo_cli.countries import read_country
    from imvo_cli.export.template import _country_choices

    choices = _country_choices(lang)
    assert len({code for code, _ in choices}) == len(choices) >= 249
    for code, name in choices:
        reading = read_country(name)
        assert (reading.code, reading.status) == (code, "ok"), name


def _dropdown_values(path) -> dict[str, list]:
    """field -> the values of the dropdown the written template offers for that column,
    read from the workbook itself (the validation's list range on the hidden sheet)."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header_fields = {c.column_letter: canonical_field(c.value) for c in ws[tpl.HEADER_ROW]}
    out = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list":
            continue
        field = header_fields[str(dv.sqref)[0]]
        sheet, cells = dv.formula1.rsplit("!", 1)
        first, last = cells.replace("$", "").split(":")
        out[field] = [c.value for (c,) in wb[sheet.strip("'")][f"{first}:{last}"]]
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sector", tpl.SECTORS)
def test_every_dropdown_value_is_recognised(tmp_path, lang, sector):
    """Regression: 'packing', 'welding', 'steel', 'tiles', 'processing', 'spices' and 40 more
    dropdown values (English and Dutch) were unrecognised product or process words when a
    filled template was mapped with its own sector's profile."""
    from imvo_cli.mapping import read_and_map

    out = tmp_path / f"{sector}-{lang}.xlsx"
    write_template(out, lang=lang, sector=sector)
    values = _dropdown_values(out)
    assert set(values) == {"country", "tier", "process", "product"}
    assert all(values.values())
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    rows = max(len(v) for v in values.values())
    for i in range(rows):
        row = {"id": f"S{i}", "name": f"Factory {i}", "address": f"{i} Main Road", "tier": 1,
               **{f: v[i % len(v)] for f, v in values.items() if f != "tier"}}
        for c, field in enumerate(FIELDS, 1):
            if field in row:
                ws.cell(tpl.FIRST_INPUT_ROW + i, c, row[field])
    for i, tier in enumerate(values["tier"]):  # every tier value too, each on a chain that fits
        ws.cell(tpl.FIRST_INPUT_ROW + i, FIELDS.index("tier") + 1, tier)
        if tier > 1:
            ws.cell(tpl.FIRST_INPUT_ROW + i, FIELDS.index("supplies_to") + 1, f"S{i - 1}")
    wb.save(out)
    report = validate_file(out)
    assert report.issues == [] and report.suppliers == rows
    chain_map = read_and_map(out, sector=sector)
    assert chain_map.issues == []
    coverage = chain_map.summary["coverage"]
    assert coverage["unrecognised"] == {"product": {}, "process": {}}
    assert coverage["product"]["recognised"] == coverage["process"]["recognised"] == 1.0
    rules = {flag.rule for r in chain_map.risk.values() for th in r.themes.values()
             for flag in th.reasons}
    assert "unrecognised-product" not in rules


@pytest.mark.parametrize("lang", LANGS)
def test_slaughtering_dropdown_term_carries_the_slaughter_process_knowledge(lang):
    """The food dropdown's 'slaughtering' / 'slachten' raises what 'slaughter' and
    'slaughterhouse' raise (animal welfare, health and safety), not only 'recognised'."""
    from imvo_cli.risk.engine import assess_supplier
    from imvo_cli.risk.profiles import load_profile
    from imvo_cli.model import Supplier
    from imvo_cli.policy import Policy

    process = term_nl("food", "process", "slaughtering") if lang == "nl" else "slaughtering"
    supplier = Supplier(id="s1", name="Abattoir", country="BR", process=[process], product=["meat"])
    risk = assess_supplier(supplier, load_profile("food"), Policy(), date(2025, 1, 1))
    knowledge = {k for k, th in risk.themes.items() for f in th.reasons if f.rule == "process-knowledge"}
    assert {"animal_welfare", "health_safety"} <= knowledge


def _instructions(wb, lang: str) -> dict[str, tuple]:
    """Instructions rows by field: (header, meaning, required, example)."""
    ws = wb[SHEET_TITLES[lang]["instructions"]]
    by_header = {r[0]: r for r in ws.iter_rows(min_row=tpl.INSTRUCTIONS_HEADER_ROW + 1,
                                               values_only=True)}
    return {f: by_header[header(f, lang)] for f in FIELDS}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sector", tpl.SECTORS)
def test_a_row_with_what_the_instructions_ask_for_reads_clean(tmp_path, lang, sector):
    """Regression: the Instructions said only name and country are required, yet a row
    with just those two got a 'no address' warning. Address is marked recommended now: a
    row with the required and recommended columns (the Instructions' examples) reads with
    no issue, and leaving a recommended column out is what the warning is about."""
    from imvo_cli.i18n import t

    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang, sector=sector)
    wb = load_workbook(out)
    rows = _instructions(wb, lang)
    marks = {t(f"template.{k}", lang): k for k in ("yes", "recommended", "no")}
    asked = {f: marks[r[2]] for f, r in rows.items() if marks[r[2]] != "no"}
    assert asked == {"name": "yes", "country": "yes", "address": "recommended"}
    ws = wb.worksheets[0]
    for c, field in enumerate(FIELDS, 1):
        if field in asked:
            ws.cell(tpl.FIRST_INPUT_ROW, c, rows[field][3])
            if field != "address":
                ws.cell(tpl.FIRST_INPUT_ROW + 1, c, f"{rows[field][3]} 2" if field == "name"
                        else rows[field][3])
    wb.save(out)
    report = validate_file(out)
    assert report.suppliers == 2
    assert [(i.row, i.code) for i in report.issues] == [(tpl.FIRST_INPUT_ROW + 1, "missing-address")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sector", tpl.SECTORS)
def test_instructions_say_how_to_check_and_map_with_the_sector_profile(tmp_path, lang, sector):
    """Regression: nothing in a metals, natural stone or food template said that imvo map
    scores with the textile profile unless given --sector, so the filled list read its
    processes and products as unrecognised words."""
    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang, sector=sector)
    text = load_workbook(out)[SHEET_TITLES[lang]["instructions"]].cell(tpl.NEXT_STEPS_ROW, 1).value
    assert "imvo validate" in text and "imvo map" in text and f"--sector {sector} " in text


def test_template_command_names_the_map_command_of_its_sector(tmp_path):
    from typer.testing import CliRunner

    from imvo_cli.cli import app

    out = tmp_path / "leveranciers.xlsx"
    result = CliRunner().invoke(app, ["template", "--output", str(out), "--sector", "food"])
    assert result.exit_code == 0, result.output
    assert f"imvo map {out} (" in result.stderr and "--sector food" in result.stderr
    quiet = CliRunner().invoke(app, ["template", "--output", str(out), "--sector", "food", "-q",
                                     "--force"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


@pytest.mark.parametrize("lang", LANGS)
def test_share_and_date_columns_are_formatted_for_what_they_hold(tmp_path, lang):
    """Regression: the purchase share cells were unformatted, so a member typing 35 (as the
    prompt 'a percentage from 0% to 100%' invites) was refused by the 0..1 check, and the
    Instructions showed the example share as 0.35. The column is formatted 0% now (Excel
    reads a typed 35 as 35%), the date column as a date, and the example shows 35%."""
    from openpyxl.utils import get_column_letter

    from imvo_cli import read_suppliers

    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang)
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    for field, fmt in (("purchase_share", "0%"), ("audit_date", "yyyy-mm-dd")):
        letter = get_column_letter(FIELDS.index(field) + 1)
        assert ws.column_dimensions[letter].number_format == fmt, field
        assert ws[f"{letter}{tpl.EXAMPLE_ROW}"].number_format == fmt
    instructions = wb[SHEET_TITLES[lang]["instructions"]]
    share = next(r for r in instructions.iter_rows(min_row=tpl.INSTRUCTIONS_HEADER_ROW + 1)
                 if r[0].value == header("purchase_share", lang))[3]
    assert (share.value, share.number_format) == (0.35, "0%")
    letter = get_column_letter(FIELDS.index("purchase_share") + 1)
    ws[f"B{tpl.FIRST_INPUT_ROW}"], ws[f"G{tpl.FIRST_INPUT_ROW}"] = "Factory", "Bangladesh"
    ws[f"C{tpl.FIRST_INPUT_ROW}"] = "1 Main Road"
    ws[f"{letter}{tpl.FIRST_INPUT_ROW}"] = 0.35  # what Excel stores for a typed 35 in a 0% cell
    wb.save(out)
    (supplier,) = read_suppliers(out).suppliers
    assert supplier.purchase_share == 0.35


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_say_a_tier_above_1_needs_supplies_to(tmp_path, lang):
    """Regression: the tier help said what 1 and 2 mean but not that a tier-2 row needs a
    'Supplies to' value; a member following it got a tier-mismatch warning on every such row.
    The help names the supplies-to column, and a row filled in as it says reads clean."""
    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang)
    wb = load_workbook(out)
    rows = {r[0]: r for r in wb[SHEET_TITLES[lang]["instructions"]].iter_rows(
        min_row=tpl.INSTRUCTIONS_HEADER_ROW + 1, values_only=True)}
    assert header("supplies_to", lang) in rows[header("tier", lang)][1]
    ws = wb[SHEET_TITLES[lang]["input"]]
    col = {f: i for i, f in enumerate(FIELDS, 1)}
    for r, (sid, tier, to) in enumerate((("S1", 1, None), ("S2", 2, None)), tpl.FIRST_INPUT_ROW):
        for field, value in (("id", sid), ("name", f"Factory {sid}"), ("address", "1 Road"),
                             ("country", "Bangladesh"), ("tier", tier), ("supplies_to", to)):
            ws.cell(r, col[field], value)
    wb.save(out)
    # without the supplies-to value: the warning the help now tells how to avoid
    assert [i.code for i in validate_file(out).issues] == ["tier-mismatch"]
    ws.cell(tpl.FIRST_INPUT_ROW + 1, col["supplies_to"], "S1")
    wb.save(out)
    assert validate_file(out).issues == []


@pytest.mark.parametrize("lang", LANGS)
def test_workers_check_allows_what_the_reader_accepts(tmp_path, lang):
    """Regression: the workers validation allowed any whole number from 0 while the reader
    refuses more than 2,000,000 workers for one location; the check and its prompt now stop
    at the reader's limit."""
    from imvo_cli.ingest.normalise import parse_workers

    assert parse_workers(tpl.MAX_WORKERS) == tpl.MAX_WORKERS
    with pytest.raises(ValueError):
        parse_workers(tpl.MAX_WORKERS + 1)
    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang)
    ws = load_workbook(out).worksheets[0]
    letter = ws.cell(1, FIELDS.index("workers") + 1).column_letter
    (dv,) = [dv for dv in ws.data_validations.dataValidation
             if str(dv.sqref) == f"{letter}3:{letter}{tpl.LAST_INPUT_ROW}"]
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == \
        ("whole", "between", "0", str(tpl.MAX_WORKERS))
    shown = "2,000,000" if lang == "en" else "2.000.000"
    assert shown in dv.prompt and shown in dv.error and "{" not in dv.prompt + dv.error


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sector", tpl.SECTORS)
def test_a_filled_template_is_mapped_with_its_sector_profile_without_options(tmp_path, lang,
                                                                             sector):
    """Regression: a filled metals, natural stone or food template was scored with the
    textile profile unless `imvo map` was given --sector. Row 1 now says 'Sector:' and the
    profile, which the reader takes; its processes and products are then recognised."""
    from imvo_cli.mapping import read_and_map
    from imvo_cli.policy import Policy

    out = tmp_path / "t.xlsx"
    write_template(out, lang=lang, sector=sector)
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    vocab = sector_vocabulary(sector, lang)
    values = {"name": "Factory 1", "country": "India", "address": "1 Main Road",
              "process": vocab["process"][0], "product": vocab["product"][0]}
    for c, field in enumerate(FIELDS, 1):
        if field in values:
            ws.cell(tpl.FIRST_INPUT_ROW, c, values[field])
    wb.save(out)
    chain_map = read_and_map(out, policy=Policy())
    assert chain_map.source.sector == sector and chain_map.sector == sector
    coverage = chain_map.summary["coverage"]
    assert coverage["product"]["recognised"] == 1.0 and coverage["process"]["recognised"] == 1.0
