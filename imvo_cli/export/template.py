"""The input template: a workbook with imvo's canonical columns, dropdowns and instructions.

A branch organisation hands it to its members so every list reads without guessing: headers
in English or Dutch (each one an alias ingest recognises), dropdowns for country, tier and the
sector's process and product vocabulary, checked dates and numbers, one example row that
ingest skips (its id cell says "example" / "voorbeeld").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..model import FIELDS, REQUIRED_FIELDS, ImvoError
from .xlsx import HEADER_STYLE, LABEL_STYLE, TITLE_STYLE, apply_style, save_workbook, set_value

LANGS = ("en", "nl")
SECTORS = ("textile", "metals", "natural_stone", "food")

# Geometry of the input sheet.
HEADER_ROW = 1
EXAMPLE_ROW = 2
FIRST_INPUT_ROW = 3
LAST_INPUT_ROW = 20_000  # validations cover this many rows
FREEZE_CELL = "B2"  # header and the id column stay in view
LIST_COLUMNS = {"country": "A", "process": "B", "product": "C", "tier": "D"}

SHEET_TITLES = {
    "en": {"input": "Suppliers", "instructions": "Instructions", "lists": "Lists"},
    "nl": {"input": "Leveranciers", "instructions": "Instructies", "lists": "Lijsten"},
}
EXAMPLE_MARKER = {"en": "example", "nl": "voorbeeld"}  # see ingest.EXAMPLE_MARKERS

# field -> (English header, Dutch header); every header is an alias ingest maps to the field.
DISPLAY_NAMES: dict[str, tuple[str, str]] = {
    "id": ("Supplier ID", "Leveranciersnummer"),
    "name": ("Supplier name", "Naam leverancier"),
    "address": ("Address", "Adres"),
    "city": ("City", "Plaats"),
    "region": ("Region", "Regio"),
    "postal_code": ("Postal code", "Postcode"),
    "country": ("Country", "Land"),
    "tier": ("Tier", "Tier niveau"),
    "process": ("Process", "Productieproces"),
    "product": ("Product", "Productgroep"),
    "sector": ("Sector", "Branche"),
    "workers": ("Number of workers", "Aantal werknemers"),
    "supplies_to": ("Supplies to", "Levert aan"),
    "parent_company": ("Parent company", "Moederbedrijf"),
    "audit_standard": ("Audit standard", "Auditstandaard"),
    "audit_date": ("Audit date", "Auditdatum"),
    "audit_result": ("Audit result", "Auditresultaat"),
    "certifications": ("Certifications", "Certificeringen"),
    "purchase_share": ("Purchase share", "Inkoopaandeel"),
    "os_id": ("OS ID", "OS ID"),
    "lat": ("Latitude", "Breedtegraad"),
    "lng": ("Longitude", "Lengtegraad"),
}

# field -> (meaning in English, meaning in Dutch, example value, column width)
FIELD_HELP: dict[str, tuple[str, str, Any, float]] = {
    "id": ("Your own code for the production location; links in 'Supplies to' use it.",
           "Uw eigen code voor de productielocatie; 'Levert aan' verwijst ernaar.", "SUP-001", 16),
    "name": ("Name of the production location (the factory, not the agent).",
             "Naam van de productielocatie (de fabriek, niet de agent).", "Dhaka Knitwear Ltd", 30),
    "address": ("Street and number of the location.", "Straat en huisnummer van de locatie.",
                "Plot 12, Road 5, Tejgaon I/A", 32),
    "city": ("City or town.", "Plaats.", "Dhaka", 16),
    "region": ("Region, state or province.", "Regio, staat of provincie.", "Dhaka Division", 16),
    "postal_code": ("Postal code.", "Postcode.", "1208", 12),
    "country": ("Country of the location: pick from the list.",
                "Land van de locatie: kies uit de lijst.", "Bangladesh", 20),
    "tier": ("1 = supplies you directly, 2 = supplies a tier-1 supplier, and so on.",
             "1 = levert rechtstreeks aan u, 2 = levert aan een tier-1-leverancier, enz.", 1, 10),
    "process": ("What the location does; several values separated by ';'.",
                "Wat de locatie doet; meerdere waarden gescheiden door ';'.", None, 22),
    "product": ("What it makes; several values separated by ';'.",
                "Wat er gemaakt wordt; meerdere waarden gescheiden door ';'.", None, 20),
    "sector": ("Sector of the location.", "Sector van de locatie.", None, 14),
    "workers": ("Number of workers (a whole number).", "Aantal werknemers (een geheel getal).",
                850, 12),
    "supplies_to": ("Supplier ID of the customer this location delivers to (empty: you).",
                    "Leveranciersnummer van de afnemer (leeg: uzelf).", None, 16),
    "parent_company": ("Group or owner of the location.", "Concern of eigenaar van de locatie.",
                       "Dhaka Textile Group", 22),
    "audit_standard": ("Standard of the last social audit.", "Standaard van de laatste sociale audit.",
                       "amfori BSCI", 18),
    "audit_date": ("Date of the last audit (a date).", "Datum van de laatste audit (een datum).",
                   date(2024, 3, 15), 14),
    "audit_result": ("Outcome of the last audit.", "Uitslag van de laatste audit.", "B", 14),
    "certifications": ("Certificates, separated by ';'.", "Certificaten, gescheiden door ';'.",
                       "GOTS; OEKO-TEX", 20),
    "purchase_share": ("Share of your purchases from this location (0% to 100%).",
                       "Aandeel van uw inkoop bij deze locatie (0% tot 100%).", 0.35, 14),
    "os_id": ("ID on opensupplyhub.org, if listed.", "ID op opensupplyhub.org, indien vermeld.",
              None, 18),
    "lat": ("Latitude in decimal degrees.", "Breedtegraad in decimale graden.", 23.7639, 12),
    "lng": ("Longitude in decimal degrees.", "Lengtegraad in decimale graden.", 90.3889, 12),
}

# Vocabulary used when the risk profile of a sector brings none.
FALLBACK_VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    "textile": {"process": ("cut-make-trim", "sewing", "knitting", "weaving", "spinning",
                            "dyeing", "printing", "finishing", "washing", "tanning",
                            "embroidery", "ginning", "cotton farming", "packing"),
                "product": ("garments", "knitwear", "denim", "footwear", "leather goods",
                            "home textiles", "accessories", "yarn", "fabric", "fibre")},
    "metals": {"process": ("mining", "smelting", "refining", "casting", "forging", "machining",
                           "welding", "surface treatment", "assembly"),
               "product": ("steel", "aluminium", "copper", "tin", "tantalum", "tungsten", "gold",
                           "components", "machinery")},
    "natural_stone": {"process": ("quarrying", "cutting", "polishing", "finishing", "transport"),
                      "product": ("granite", "marble", "sandstone", "slate", "limestone",
                                  "cobblestones", "tiles", "kerbstones")},
    "food": {"process": ("farming", "fishing", "harvesting", "processing", "packing",
                         "slaughtering", "storage", "trading"),
             "product": ("cocoa", "coffee", "tea", "palm oil", "soy", "fruit", "vegetables",
                         "nuts", "seafood", "spices", "sugar")},
}

# Texts of the sheets, per language.
TEXT = {
    "en": {"title": "How to fill in the supplier list", "column": "Column", "meaning": "Meaning",
           "required": "Required", "example": "Example", "yes": "yes", "no": "no",
           "intro": "One row per production location. Row 2 is an example and is ignored. "
                    "Only the supplier name and the country are required; the more you fill "
                    "in, the better imvo can assess risks.",
           "list_prompt": "Pick a value from the list.",
           "multi_prompt": "Pick from the list or type several values separated by ';'.",
           "list_error": "Choose a value from the list.",
           "date_prompt": "A date, e.g. 2024-03-15.", "date_error": "Enter a date.",
           "whole_prompt": "A whole number, 0 or more.", "whole_error": "Enter a whole number.",
           "share_prompt": "A percentage from 0% to 100%.", "share_error": "Enter 0% to 100%.",
           "lat_prompt": "Between -90 and 90.", "lng_prompt": "Between -180 and 180.",
           "coord_error": "Enter decimal degrees in range.",
           "error_title": "Not a valid value"},
    "nl": {"title": "Zo vult u de leverancierslijst in", "column": "Kolom",
           "meaning": "Betekenis", "required": "Verplicht", "example": "Voorbeeld",
           "yes": "ja", "no": "nee",
           "intro": "Eén regel per productielocatie. Regel 2 is een voorbeeld en wordt "
                    "overgeslagen. Alleen de naam van de leverancier en het land zijn verplicht; "
                    "hoe meer u invult, hoe beter imvo risico's kan inschatten.",
           "list_prompt": "Kies een waarde uit de lijst.",
           "multi_prompt": "Kies uit de lijst of typ meerdere waarden gescheiden door ';'.",
           "list_error": "Kies een waarde uit de lijst.",
           "date_prompt": "Een datum, bijv. 15-03-2024.", "date_error": "Vul een datum in.",
           "whole_prompt": "Een geheel getal, 0 of meer.",
           "whole_error": "Vul een geheel getal in.",
           "share_prompt": "Een percentage van 0% tot 100%.",
           "share_error": "Vul 0% tot 100% in.",
           "lat_prompt": "Tussen -90 en 90.", "lng_prompt": "Tussen -180 en 180.",
           "coord_error": "Vul decimale graden binnen het bereik in.",
           "error_title": "Geen geldige waarde"},
}
TIERS = (1, 2, 3, 4, 5)
INSTRUCTION_WIDTHS = (24, 70, 10, 30)


def header(field: str, lang: str) -> str:
    return DISPLAY_NAMES[field][LANGS.index(lang)]


def country_names() -> list[str]:
    """ISO country names that ingest reads back to the same code, sorted."""
    import pycountry

    from ..ingest.countries import country_name, to_iso2

    names = set()
    for c in pycountry.countries:
        name = country_name(c.alpha_2)
        if name and to_iso2(name) == c.alpha_2:
            names.add(name)
    return sorted(names)


def sector_vocabulary(sector: str) -> dict[str, list[str]]:
    """Process and product terms of a sector: the risk profile's, else FALLBACK_VOCABULARY."""
    try:
        from ..risk import load_profile

        vocab = dict(getattr(load_profile(sector), "vocabulary", None) or {})
    except Exception:  # a profile that cannot load must not block an empty template
        vocab = {}
    out = {}
    for field in ("process", "product"):
        terms = vocab.get(field) or vocab.get(field + "es" if field == "process" else field + "s")
        if isinstance(terms, dict):
            terms = list(terms)
        if not terms:
            terms = FALLBACK_VOCABULARY.get(sector, FALLBACK_VOCABULARY["textile"])[field]
        out[field] = sorted({str(t) for t in terms}, key=str.casefold)
    return out


def example_row(lang: str, vocabulary: dict[str, list[str]], sector: str) -> dict[str, Any]:
    row = {f: FIELD_HELP[f][2] for f in FIELDS}
    row["id"] = EXAMPLE_MARKER[lang]
    row["process"] = vocabulary["process"][0]
    row["product"] = vocabulary["product"][0]
    row["sector"] = sector.replace("_", " ")
    return row


def write_template(out_path, *, lang: str = "en", sector: str = "textile") -> None:
    """Write the input template to `out_path` (.xlsx), atomically."""
    from openpyxl import Workbook

    out_path = Path(out_path)
    if lang not in LANGS:
        raise ImvoError(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}", code="usage")
    if sector not in SECTORS:
        raise ImvoError(f"--sector must be one of {', '.join(SECTORS)}, got {sector!r}",
                        code="usage")
    if out_path.suffix.lower() != ".xlsx":
        raise ImvoError(f"the template must be an .xlsx file, got {out_path.name!r}",
                        file=out_path, code="output-type", hint="end the file name with .xlsx")
    vocabulary = sector_vocabulary(sector)
    titles = SHEET_TITLES[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = titles["input"]
    _write_input_sheet(ws, lang, vocabulary, sector)
    _write_instructions(wb.create_sheet(titles["instructions"]), lang, vocabulary, sector)
    lists = wb.create_sheet(titles["lists"])
    list_ranges = _write_lists(lists, vocabulary)
    lists.sheet_state = "hidden"
    _add_validations(ws, lang, list_ranges)
    save_workbook(wb, out_path)  # no clock time inside: the same arguments give the same bytes


def _write_input_sheet(ws, lang: str, vocabulary, sector: str) -> None:
    from openpyxl.utils import get_column_letter

    example = example_row(lang, vocabulary, sector)
    for c, field in enumerate(FIELDS, 1):
        cell = ws.cell(HEADER_ROW, c)
        set_value(cell, header(field, lang))
        apply_style(cell, HEADER_STYLE)
        value = example[field]
        if value is not None:
            ex = ws.cell(EXAMPLE_ROW, c)
            set_value(ex, value)
            apply_style(ex, {"font": {"italic": True, "color": "666666"}})
            if field == "audit_date":
                ex.number_format = "yyyy-mm-dd"
            elif field == "purchase_share":
                ex.number_format = "0%"
        ws.column_dimensions[get_column_letter(c)].width = FIELD_HELP[field][3]
    ws.freeze_panes = FREEZE_CELL


def _write_instructions(ws, lang: str, vocabulary, sector: str) -> None:
    from openpyxl.utils import get_column_letter

    t = TEXT[lang]
    title = ws.cell(1, 1)
    set_value(title, t["title"])
    apply_style(title, TITLE_STYLE)
    set_value(ws.cell(2, 1), t["intro"])
    heads = (t["column"], t["meaning"], t["required"], t["example"])
    for c, h in enumerate(heads, 1):
        cell = ws.cell(4, c)
        set_value(cell, h)
        apply_style(cell, HEADER_STYLE)
    example = example_row(lang, vocabulary, sector)
    for r, field in enumerate(FIELDS, 5):
        name = ws.cell(r, 1)
        set_value(name, header(field, lang))
        apply_style(name, LABEL_STYLE)
        set_value(ws.cell(r, 2), FIELD_HELP[field][LANGS.index(lang)])
        set_value(ws.cell(r, 3), t["yes"] if field in REQUIRED_FIELDS else t["no"])
        value = example[field] if field != "id" else FIELD_HELP["id"][2]
        set_value(ws.cell(r, 4), value.isoformat() if isinstance(value, date) else value)
    for c, w in enumerate(INSTRUCTION_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A5"


def _write_lists(ws, vocabulary) -> dict[str, str]:
    """Reference lists in columns of the hidden sheet; returns field -> absolute range."""
    from openpyxl.utils import quote_sheetname

    values = {"country": country_names(), "process": vocabulary["process"],
              "product": vocabulary["product"], "tier": list(TIERS)}
    ranges = {}
    for field, column in LIST_COLUMNS.items():
        ws[f"{column}1"] = field
        for r, v in enumerate(values[field], 2):
            set_value(ws[f"{column}{r}"], v)
        ranges[field] = f"{quote_sheetname(ws.title)}!${column}$2:${column}${len(values[field]) + 1}"
    return ranges


def _column_range(field: str) -> str:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(FIELDS.index(field) + 1)
    return f"{letter}{EXAMPLE_ROW}:{letter}{LAST_INPUT_ROW}"


def validation_specs(lang: str, list_ranges: dict[str, str]) -> dict[str, dict[str, Any]]:
    """field -> DataValidation arguments: dropdowns, dates and numbers with prompts."""
    t = TEXT[lang]

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
        "workers": {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0",
                    "allow_blank": True, "prompt": t["whole_prompt"], "error": t["whole_error"]},
        "purchase_share": {"type": "decimal", "operator": "between", "formula1": "0",
                           "formula2": "1", "allow_blank": True, "prompt": t["share_prompt"],
                           "error": t["share_error"]},
        "lat": {"type": "decimal", "operator": "between", "formula1": "-90", "formula2": "90",
                "allow_blank": True, "prompt": t["lat_prompt"], "error": t["coord_error"]},
        "lng": {"type": "decimal", "operator": "between", "formula1": "-180", "formula2": "180",
                "allow_blank": True, "prompt": t["lng_prompt"], "error": t["coord_error"]},
    }


def _add_validations(ws, lang: str, list_ranges: dict[str, str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    t = TEXT[lang]
    for field, spec in validation_specs(lang, list_ranges).items():
        dv = DataValidation(showInputMessage=True, showErrorMessage=True,
                            promptTitle=header(field, lang)[:32],
                            errorTitle=t["error_title"][:32], **spec)
        dv.add(_column_range(field))
        ws.add_data_validation(dv)
