"""The input template: a workbook with imvo's canonical columns, dropdowns and instructions.

A branch organisation hands it to its members so every list reads without guessing: headers
in English or Dutch (each one an alias ingest recognises), dropdowns for country, tier and the
sector's process and product vocabulary (in the template's language), checked dates and
numbers, a company cell above the header that ingest reads back, and one example row of the
sector that ingest skips (its id cell says "example" / "voorbeeld").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pycountry
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..countries import country_name, read_country, to_iso2
from ..i18n import LANGS, catalogue, check_lang, country_translator, number, sector_terms, t, term
from ..ingest.normalise import MAX_WORKERS  # the workers check allows what the reader does
from ..model import FIELDS, REQUIRED_FIELDS, ImvoError
from .xlsx import HEADER_STYLE, LABEL_STYLE, TITLE_STYLE, apply_print_setup, apply_style, save_workbook, set_value

SECTORS = ("textile", "metals", "natural_stone", "food", "floriculture")

# Geometry of the input sheet: the company cell above the header (ingest reads a
# "Company: ..." pair there and names the list after it), then the header, the example row
# and the rows to fill in.
COMPANY_ROW = 1
COMPANY_VALUE_CELL = "B1"
SECTOR_LABEL_COLUMN = 4  # "Sector:" in D1, the profile in E1: ingest scores the list with it
HEADER_ROW = 2
EXAMPLE_ROW = 3
FIRST_INPUT_ROW = 4
LAST_INPUT_ROW = 20_000  # validations cover this many rows
FREEZE_CELL = "B3"  # company, header and the id column stay in view
LIST_COLUMNS = {"country": "A", "process": "B", "product": "C", "tier": "D"}
COMPANY_STYLE = {"fill": "FFF2CC", "font": {"bold": True}}
EXAMPLE_STYLE = {"font": {"italic": True, "color": "666666"}}

SHEET_TITLES = {lang: {"input": t("template.sheet_input", lang),
                       "instructions": t("template.sheet_instructions", lang),
                       "lists": t("template.sheet_lists", lang)} for lang in LANGS}
EXAMPLE_MARKER = {lang: t("template.example_marker", lang) for lang in LANGS}  # see ingest.EXAMPLE_MARKERS

# field -> column width on the input sheet
WIDTHS: dict[str, float] = {
    "id": 16, "name": 30, "address": 32, "city": 16, "region": 16, "postal_code": 12,
    "country": 20, "tier": 10, "process": 22, "product": 20, "sector": 14, "workers": 12,
    "supplies_to": 16, "parent_company": 22, "audit_standard": 18, "audit_date": 14,
    "audit_result": 14, "certifications": 20, "purchase_share": 14, "os_id": 18, "lat": 12,
    "lng": 12,
}

# One coherent example per sector: a plausible tier-1 location of that sector. Process and
# product are canonical (English) terms of the sector's dropdowns, shown in the template's
# language; the rest is written as a member would.
EXAMPLES: dict[str, dict[str, Any]] = {
    "textile": {"name": "Dhaka Knitwear Ltd", "address": "Plot 12, Road 5, Tejgaon I/A",
                "city": "Dhaka", "region": "Dhaka Division", "postal_code": "1208",
                "country": "Bangladesh", "process": "sewing", "product": "knitwear",
                "workers": 850, "parent_company": "Dhaka Textile Group",
                "audit_standard": "amfori BSCI", "audit_result": "B",
                "certifications": "GOTS; OEKO-TEX", "lat": 23.7639, "lng": 90.3889},
    "metals": {"name": "Ningbo Precision Castings Co., Ltd.",
               "address": "No. 18 Xingye Road, Beilun District", "city": "Ningbo",
               "region": "Zhejiang", "postal_code": "315800", "country": "China",
               "process": "casting", "product": "components", "workers": 420,
               "parent_company": "Ningbo Metal Works Group", "audit_standard": "SMETA",
               "audit_result": "no major non-conformities", "certifications": "ISO 14001",
               "lat": 29.8880, "lng": 121.8450},
    "natural_stone": {"name": "Sri Balaji Granites Pvt Ltd", "address": "Survey No. 45, Hosur Road",
                      "city": "Krishnagiri", "region": "Tamil Nadu", "postal_code": "635001",
                      "country": "India", "process": "polishing", "product": "granite",
                      "workers": 120, "parent_company": "Balaji Stone Group",
                      "audit_standard": "SA8000", "audit_result": "certified",
                      "certifications": "ISO 14001", "lat": 12.5186, "lng": 78.2137},
    "food": {"name": "Ashanti Cocoa Processing Ltd", "address": "Plot 7, Industrial Area",
             "city": "Kumasi", "region": "Ashanti", "postal_code": "AK-039-5028",
             "country": "Ghana", "process": "processing", "product": "cocoa", "workers": 300,
             "parent_company": "Ashanti Agro Holdings", "audit_standard": "SMETA",
             "audit_result": "no major non-conformities",
             "certifications": "Rainforest Alliance; Fairtrade", "lat": 6.6885, "lng": -1.6244},
    "floriculture": {"name": "Naivasha Highland Roses Ltd", "address": "Moi South Lake Road, Plot 412",
                     "city": "Naivasha", "region": "Nakuru County", "postal_code": "20117",
                     "country": "Kenya", "process": "growing", "product": "roses",
                     "workers": 650, "parent_company": "Rift Valley Flower Group",
                     "audit_standard": "MPS-SQ", "audit_result": "certified",
                     "certifications": "Fairtrade; MPS-ABC", "lat": -0.7833, "lng": 36.4167},
}
EXAMPLE_COMMON: dict[str, Any] = {"tier": 1, "audit_date": date(2024, 3, 15),
                                  "purchase_share": 0.35}
TIERS = (1, 2, 3, 4, 5)
INSTRUCTION_WIDTHS = (24, 70, 12, 30)
INSTRUCTIONS_HEADER_ROW = 4
NEXT_STEPS_ROW = 3  # below the intro: how to check and map the filled-in list
# Not required, but ingest warns about a row without it ("missing-address"): the
# Instructions say so, so that a list filled in as they ask reads without a warning.
RECOMMENDED_FIELDS = ("address",)
# Input columns formatted for what they hold: a share typed as 35 reads as 35%, which the
# 0..1 check accepts (unformatted, 35 is refused though the prompt asks for 0% to 100%).
COLUMN_FORMATS = {"audit_date": "yyyy-mm-dd", "purchase_share": "0%"}


def header(field: str, lang: str) -> str:
    return t(f"field.{field}", lang)


def country_names(lang: str = "en") -> list[str]:
    """Country names that ingest reads back to the same code, sorted: in Dutch where ingest
    knows the Dutch name (pycountry's translation), else the English name."""
    return sorted({name for _, name in _country_choices(lang)}, key=str.casefold)


def _country_choices(lang: str) -> list[tuple[str, str]]:
    """[(ISO code, name in `lang` that reads back to that code without a warning)] for every
    country. A name that can mean several countries ('Guinea', 'Soedan') is offered with its
    code ('Guinea (GN)'), which reads back with none."""
    translate = country_translator(lang) if lang != "en" else None
    out = []
    for c in pycountry.countries:
        english = country_name(c.alpha_2)
        local = translate(c.name) if translate else None
        if local and to_iso2(local) == c.alpha_2:
            name = local
        elif english and to_iso2(english) == c.alpha_2:
            name = english
        else:
            continue
        if read_country(name).status != "ok":
            name = f"{name} ({c.alpha_2})"
            if read_country(name).status != "ok" or read_country(name).code != c.alpha_2:
                continue
        out.append((c.alpha_2, name))
    return out


def sector_vocabulary(sector: str, lang: str = "en") -> dict[str, list[str]]:
    """The process and product dropdown values of a sector in `lang`, sorted."""
    out = {}
    for field in ("process", "product"):
        terms = [en if lang == "en" else nl for en, nl in sector_terms(sector, field)]
        out[field] = sorted(set(terms), key=str.casefold)
    return out


def example_row(lang: str, sector: str) -> dict[str, Any]:
    """The sector's example location in `lang`; its id cell marks it as the example."""
    values = {**EXAMPLE_COMMON, **EXAMPLES[sector]}
    row: dict[str, Any] = {f: values.get(f) for f in FIELDS}
    row["id"] = EXAMPLE_MARKER[lang]
    row["process"] = term(sector, "process", values["process"], lang)
    row["product"] = term(sector, "product", values["product"], lang)
    row["sector"] = t(f"sector.{sector}", lang)
    return row


def write_template(out_path, *, lang: str = "en", sector: str = "textile") -> None:
    """Write the input template to `out_path` (.xlsx), atomically."""
    out_path = Path(out_path)
    check_lang(lang)
    if sector not in SECTORS:
        raise ImvoError(f"--sector must be one of {', '.join(SECTORS)}, got {sector!r}",
                        code="usage")
    if out_path.suffix.lower() != ".xlsx":
        raise ImvoError(f"the template must be an .xlsx file, got {out_path.name!r}",
                        file=out_path, code="output-type", hint="end the file name with .xlsx")
    vocabulary = sector_vocabulary(sector, lang)
    titles = SHEET_TITLES[lang]
    footer = t("print.footer", lang)
    wb = Workbook()
    ws = wb.active
    ws.title = titles["input"]
    _write_input_sheet(ws, lang, sector)
    apply_print_setup(ws, footer=footer, title_rows=HEADER_ROW)
    instructions = wb.create_sheet(titles["instructions"])
    _write_instructions(instructions, lang, sector)
    apply_print_setup(instructions, footer=footer, title_rows=INSTRUCTIONS_HEADER_ROW)
    lists = wb.create_sheet(titles["lists"])
    list_ranges = _write_lists(lists, lang, vocabulary)
    lists.sheet_state = "hidden"
    _add_validations(ws, lang, list_ranges)
    save_workbook(wb, out_path)  # no clock time inside: the same arguments give the same bytes


def _write_input_sheet(ws, lang: str, sector: str) -> None:
    label = ws.cell(COMPANY_ROW, 1)
    set_value(label, t("template.company_label", lang))
    apply_style(label, LABEL_STYLE)
    apply_style(ws[COMPANY_VALUE_CELL], COMPANY_STYLE)  # left empty: the member types the name
    sector_label = ws.cell(COMPANY_ROW, SECTOR_LABEL_COLUMN)
    set_value(sector_label, t("template.sector_label", lang))
    apply_style(sector_label, LABEL_STYLE)
    set_value(ws.cell(COMPANY_ROW, SECTOR_LABEL_COLUMN + 1), t(f"sector.{sector}", lang))
    example = example_row(lang, sector)
    for c, field in enumerate(FIELDS, 1):
        cell = ws.cell(HEADER_ROW, c)
        set_value(cell, header(field, lang))
        apply_style(cell, HEADER_STYLE)
        value = example[field]
        if value is not None:
            ex = ws.cell(EXAMPLE_ROW, c)
            set_value(ex, value)
            apply_style(ex, EXAMPLE_STYLE)
            if field in COLUMN_FORMATS:
                ex.number_format = COLUMN_FORMATS[field]
        column = ws.column_dimensions[get_column_letter(c)]
        column.width = WIDTHS[field]
        if field in COLUMN_FORMATS:
            column.number_format = COLUMN_FORMATS[field]
    ws.freeze_panes = FREEZE_CELL


def _write_instructions(ws, lang: str, sector: str) -> None:
    title = ws.cell(1, 1)
    set_value(title, t("template.title", lang))
    apply_style(title, TITLE_STYLE)
    set_value(ws.cell(2, 1), t("template.intro", lang))
    set_value(ws.cell(NEXT_STEPS_ROW, 1), t("template.next_steps", lang, sector=sector,
                                             label=t(f"sector.{sector}", lang)))
    heads = [t(f"template.{k}", lang) for k in ("column", "meaning", "required", "example")]
    for c, h in enumerate(heads, 1):
        cell = ws.cell(INSTRUCTIONS_HEADER_ROW, c)
        set_value(cell, h)
        apply_style(cell, HEADER_STYLE)
    example = example_row(lang, sector)
    example["id"] = "SUP-001"  # the marker is for the input sheet; here show a real code
    for r, field in enumerate(FIELDS, INSTRUCTIONS_HEADER_ROW + 1):
        name = ws.cell(r, 1)
        set_value(name, header(field, lang))
        apply_style(name, LABEL_STYLE)
        set_value(ws.cell(r, 2), t(f"template.help.{field}", lang))
        set_value(ws.cell(r, 3), t(_required_key(field), lang))
        value = example[field]
        cell = ws.cell(r, 4)
        set_value(cell, value.isoformat() if isinstance(value, date) else value)
        if field == "purchase_share":
            cell.number_format = COLUMN_FORMATS[field]  # 0.35 shown as the 35% it means
    for c, w in enumerate(INSTRUCTION_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = f"A{INSTRUCTIONS_HEADER_ROW + 1}"


def _required_key(field: str) -> str:
    if field in REQUIRED_FIELDS:
        return "template.yes"
    return "template.recommended" if field in RECOMMENDED_FIELDS else "template.no"


def _write_lists(ws, lang: str, vocabulary) -> dict[str, str]:
    """Reference lists in columns of the hidden sheet; returns field -> absolute range."""
    values = {"country": country_names(lang), "process": vocabulary["process"],
              "product": vocabulary["product"], "tier": list(TIERS)}
    ranges = {}
    for field, column in LIST_COLUMNS.items():
        ws[f"{column}1"] = t(f"template.list_{field}", lang)
        for r, v in enumerate(values[field], 2):
            set_value(ws[f"{column}{r}"], v)
        ranges[field] = f"{quote_sheetname(ws.title)}!${column}$2:${column}${len(values[field]) + 1}"
    return ranges


def _column_range(field: str) -> str:
    letter = get_column_letter(FIELDS.index(field) + 1)
    return f"{letter}{EXAMPLE_ROW}:{letter}{LAST_INPUT_ROW}"


def validation_specs(lang: str, list_ranges: dict[str, str]) -> dict[str, dict[str, Any]]:
    """field -> DataValidation arguments: dropdowns, dates and numbers with prompts."""
    t = _texts(lang)
    most_workers = number(MAX_WORKERS, lang)

    def lst(source: str, strict: bool) -> dict[str, Any]:
        return {"type": "list", "formula1": source, "allow_blank": True,
                "prompt": t["list_prompt"] if strict else t["multi_prompt"],
                "error": t["list_error"], "errorStyle": "stop" if strict else "warning"}

    return {
        "country": lst(list_ranges["country"], True),
        "tier": lst(list_ranges["tier"], True),
        # several processes or products per location are normal: warn, don't block
        "process": lst(list_ranges["process"], False),
        "product": lst(list_ranges["product"], False),
        "audit_date": {"type": "date", "operator": "between", "formula1": "DATE(1990,1,1)",
                       "formula2": "DATE(2100,12,31)", "allow_blank": True,
                       "prompt": t["date_prompt"], "error": t["date_error"]},
        "workers": {"type": "whole", "operator": "between", "formula1": "0",
                    "formula2": str(MAX_WORKERS), "allow_blank": True,
                    "prompt": t["whole_prompt"].format(max=most_workers),
                    "error": t["whole_error"].format(max=most_workers)},
        "purchase_share": {"type": "decimal", "operator": "between", "formula1": "0",
                           "formula2": "1", "allow_blank": True, "prompt": t["share_prompt"],
                           "error": t["share_error"]},
        "lat": {"type": "decimal", "operator": "between", "formula1": "-90", "formula2": "90",
                "allow_blank": True, "prompt": t["lat_prompt"], "error": t["coord_error"]},
        "lng": {"type": "decimal", "operator": "between", "formula1": "-180", "formula2": "180",
                "allow_blank": True, "prompt": t["lng_prompt"], "error": t["coord_error"]},
    }


def _add_validations(ws, lang: str, list_ranges: dict[str, str]) -> None:
    t = _texts(lang)
    for field, spec in validation_specs(lang, list_ranges).items():
        dv = DataValidation(showInputMessage=True, showErrorMessage=True,
                            promptTitle=header(field, lang)[:32],
                            errorTitle=t["error_title"][:32], **spec)
        dv.add(_column_range(field))
        ws.add_data_validation(dv)
    company = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200",
                             allow_blank=True, showInputMessage=True, showErrorMessage=True,
                             errorTitle=t["error_title"][:32], error=t["error_title"],
                             promptTitle=t["company_label"][:32], prompt=t["company_value"])
    company.add(COMPANY_VALUE_CELL)
    ws.add_data_validation(company)


def _texts(lang: str) -> dict[str, str]:
    """The template's texts in `lang`, by short key ("list_prompt")."""
    prefix = "template."
    return {k[len(prefix):]: v for k, v in catalogue(lang).items() if k.startswith(prefix)}
