"""Header aliases (English, Dutch, Open Supply Hub) and finding the header row."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from ..model import FIELDS, ImvoError

# field -> (English aliases, Dutch aliases). Matched case-, space- and punctuation-insensitively.
ALIASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "id": (("id", "supplier id", "supplier code", "facility id", "location id", "vendor id",
            "vendor number", "supplier number", "ref", "reference"),
           ("leveranciersnummer", "leverancier id", "leverancierscode", "locatie id",
            "nummer", "code")),
    "name": (("name", "supplier name", "supplier", "factory name", "factory", "facility name",
              "facility", "production location", "production location name", "company name",
              "vendor", "vendor name", "site name", "manufacturer"),
             ("naam", "naam leverancier", "leveranciersnaam", "leverancier", "bedrijfsnaam",
              "productielocatie", "naam productielocatie", "fabriek", "naam fabriek")),
    "address": (("address", "street address", "street", "full address", "facility address",
                 "address line 1"),
                ("adres", "straat", "straatnaam", "vestigingsadres")),
    "city": (("city", "town", "city town"), ("plaats", "stad", "woonplaats", "vestigingsplaats")),
    "region": (("region", "state", "province", "state province", "district"),
               ("regio", "provincie", "staat", "deelstaat")),
    "postal_code": (("postal code", "postcode", "zip", "zip code", "post code"),
                    ("postcode",)),
    "country": (("country", "country region", "country name", "country code", "country iso",
                 "country of production", "location country"),
                ("land", "landcode", "land van productie", "vestigingsland")),
    "tier": (("tier", "supplier tier", "tier level", "level"), ("niveau", "tier niveau", "schakel")),
    "process": (("process", "processes", "processing type", "production process",
                 "processing", "facility type", "activity", "activities", "process step"),
                ("productieproces", "proces", "processen", "bewerking", "activiteit",
                 "productiestap")),
    "product": (("product", "products", "product type", "product category", "product group",
                 "goods", "material"),
                ("producttype", "productgroep", "productcategorie", "goederen", "materiaal")),
    "sector": (("sector", "sectors", "industry"), ("branche", "sector")),
    "workers": (("workers", "number of workers", "no of workers", "employees",
                 "number of employees", "workforce", "headcount"),
                ("aantal werknemers", "werknemers", "aantal medewerkers", "medewerkers",
                 "personeel", "aantal arbeiders")),
    "supplies_to": (("supplies to", "customer", "customers", "supplies", "buyer", "delivers to",
                     "sells to", "parent supplier", "next tier"),
                    ("levert aan", "afnemer", "klant", "afnemers")),
    "parent_company": (("parent company", "parent", "group", "holding", "owner"),
                       ("moederbedrijf", "concern", "eigenaar", "holding")),
    "audit_standard": (("audit standard", "audit type", "audit scheme", "audit"),
                       ("auditstandaard", "audit standaard", "type audit", "auditsoort")),
    "audit_date": (("audit date", "last audit", "last audit date", "date of audit", "audited on"),
                   ("auditdatum", "datum audit", "laatste audit", "datum laatste audit")),
    "audit_result": (("audit result", "audit rating", "audit grade", "audit outcome",
                      "audit status"),
                     ("auditresultaat", "resultaat audit", "uitslag audit", "auditscore")),
    "certifications": (("certifications", "certification", "certificates", "certificate",
                        "labels", "memberships"),
                       ("certificeringen", "certificering", "certificaten", "keurmerken")),
    "purchase_share": (("purchase share", "share of purchases", "purchase volume",
                        "percentage of purchases", "share", "spend share", "volume share"),
                       ("inkoopaandeel", "aandeel inkoop", "inkoopvolume", "percentage inkoop")),
    "os_id": (("os id", "osid", "open supply hub id", "oar id", "open apparel registry id"),
              ("os id",)),
    "lat": (("lat", "latitude"), ("breedtegraad",)),
    "lng": (("lng", "lon", "long", "longitude"), ("lengtegraad",)),
}

# Open Supply Hub upload columns, recognised as they are.
OSH_COLUMNS = {"name": "name", "address": "address", "country": "country", "sector": "sector",
               "product_type": "product", "facility_type": "process",
               "processing_type": "process", "number_of_workers": "workers",
               "parent_company": "parent_company", "os_id": "os_id", "lat": "lat", "lng": "lng"}

HEADER_SCAN_ROWS = 20


def header_key(text: object) -> str:
    """'Naam  leverancier:' -> 'naamleverancier' (case, accents, space, punctuation ignored)."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^0-9a-z]+", "", s)


@lru_cache(maxsize=1)
def alias_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for field, (en, nl) in ALIASES.items():
        for alias in (field, *en, *nl):
            idx.setdefault(header_key(alias), field)
    for col, field in OSH_COLUMNS.items():
        idx[header_key(col)] = field
    return idx


def canonical_field(header: object, column_map: dict[str, str] | None = None) -> str | None:
    """The canonical field a header names, honouring an explicit column map first."""
    if header is None:
        return None
    if column_map:
        for text, field in column_map.items():
            if header_key(text) == header_key(header):
                return field
    return alias_index().get(header_key(header))


def validate_column_map(column_map: dict[str, str]) -> None:
    for text, field in column_map.items():
        if field not in FIELDS and field != "ignore":
            close = difflib.get_close_matches(field, FIELDS, n=1)
            raise ImvoError(f"column map {text!r}={field!r}: unknown field {field!r}",
                            code="usage",
                            hint=f"did you mean {close[0]!r}?" if close else
                            f"fields: {', '.join(FIELDS)}")


def closest_alias(header: str) -> tuple[str, str] | None:
    """(alias text, field) closest to an unrecognised header, for 'did you mean' hints."""
    idx = alias_index()
    hit = difflib.get_close_matches(header_key(header), list(idx), n=1, cutoff=0.6)
    if not hit:
        return None
    # report a readable alias, not the squeezed key
    for field, (en, nl) in ALIASES.items():
        for alias in (field, *en, *nl):
            if header_key(alias) == hit[0]:
                return alias, field
    return hit[0], idx[hit[0]]


def score_header_row(cells: list, column_map: dict[str, str] | None) -> tuple[int, bool]:
    """(number of recognised distinct fields, whether name or country is among them)."""
    fields = {canonical_field(c, column_map) for c in cells if c not in (None, "")}
    fields.discard(None)
    fields.discard("ignore")
    return len(fields), bool(fields & {"name", "country"})


def find_header_row(rows: list[list], column_map: dict[str, str] | None = None) -> int | None:
    """Index (0-based) of the header among the first rows, or None when none is recognised.

    A header needs at least two recognised fields, one of them name or country; the row
    with the most recognised fields wins, the earliest on a tie.
    """
    best, best_score = None, 1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score, core = score_header_row(row, column_map)
        if core and score > best_score:
            best, best_score = i, score
    return best
