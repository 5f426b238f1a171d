"""The input template: headers ingest recognises, validations on the right ranges, clean when filled."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from imvo_cli.export import template as tpl
from imvo_cli.export.template import (DISPLAY_NAMES, LANGS, SHEET_TITLES, header, sector_vocabulary,
                                      write_template)
from imvo_cli.ingest import EXAMPLE_MARKERS
from imvo_cli.ingest.countries import to_iso2
from imvo_cli.ingest.headers import canonical_field
from imvo_cli.model import FIELDS, ImvoError
from imvo_cli.validate import validate_file


def test_every_header_is_an_alias_of_its_field():
    assert set(DISPLAY_NAMES) == set(FIELDS)
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
    assert [c.value for c in ws[1]] == [header(f, lang) for f in FIELDS]
    assert ws["A2"].value == tpl.EXAMPLE_MARKER[lang]
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["B"].width == tpl.FIELD_HELP["name"][3]
    col = {f: ws.cell(1, i + 1).column_letter for i, f in enumerate(FIELDS)}
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    lists = f"{titles['lists']}!"
    country = by_range[f"{col['country']}2:{col['country']}{tpl.LAST_INPUT_ROW}"]
    assert country.type == "list"
    assert country.formula1.replace("'", "").startswith(lists + "$A$2:$A$")
    assert country.errorStyle in (None, "stop") and country.prompt and country.error
    assert by_range[f"{col['tier']}2:{col['tier']}{tpl.LAST_INPUT_ROW}"].type == "list"
    process = by_range[f"{col['process']}2:{col['process']}{tpl.LAST_INPUT_ROW}"]
    assert process.type == "list" and process.errorStyle == "warning"
    assert by_range[f"{col['audit_date']}2:{col['audit_date']}{tpl.LAST_INPUT_ROW}"].type == "date"
    assert by_range[f"{col['workers']}2:{col['workers']}{tpl.LAST_INPUT_ROW}"].type == "whole"
    share = by_range[f"{col['purchase_share']}2:{col['purchase_share']}{tpl.LAST_INPUT_ROW}"]
    assert (share.type, share.formula1, share.formula2) == ("decimal", "0", "1")
    assert all(dv.showInputMessage and dv.showErrorMessage for dv in by_range.values())
    names = [c.value for c in wb[titles["lists"]]["A"][1:]]
    assert len(names) > 200 and all(to_iso2(n) for n in names)
    assert "Bangladesh" in names
    processes = [c.value for c in wb[titles["lists"]]["B"][1:] if c.value]
    assert processes == sector_vocabulary("textile")["process"]
    instructions = wb[titles["instructions"]]
    rows = {r[0]: r for r in instructions.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {header(f, lang) for f in FIELDS}
    yes = tpl.TEXT[lang]["yes"]
    assert [f for f in FIELDS if rows[header(f, lang)][2] == yes] == ["name", "country"]
    # the empty template reads as one skipped example row and nothing else
    report = validate_file(out)
    assert (report.rows, report.suppliers, report.issues) == (1, 0, [])


def fill(path, lang: str, rows: int = 3):
    """Fill a template the way a member would: every column, values from the dropdowns."""
    wb = load_workbook(path)
    ws = wb[SHEET_TITLES[lang]["input"]]
    vocab = sector_vocabulary("textile")
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
    vocab = sector_vocabulary(sector)
    assert vocab["process"] and vocab["product"]


def test_profile_vocabulary_wins(monkeypatch):
    import imvo_cli.risk as risk

    class Profile:
        vocabulary = {"processes": ["smelting", "assembly"], "products": {"tin": [], "gold": []}}

    monkeypatch.setattr(risk, "load_profile", lambda sector: Profile())
    assert sector_vocabulary("metals") == {"process": ["assembly", "smelting"],
                                           "product": ["gold", "tin"]}


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
