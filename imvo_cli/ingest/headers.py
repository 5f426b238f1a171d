"""Header aliases (English, Dutch, German, French, Spanish, Italian, Portuguese, Open Supply
Hub) and finding the header row."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..model import FIELDS, ImvoError

# field -> (English aliases, Dutch aliases). Matched case-, space- and punctuation-insensitively.
ALIASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "id": (("id", "supplier id", "supplier code", "facility id", "location id", "vendor id",
            "vendor number", "supplier number", "ref", "reference", "no", "nr", "number", "supplier no", "supplier nr", "vendor no", "vendor nr", "vendor code", "factory id", "factory code", "factory no", "site id", "location code", "supplier ref", "internal id", "own id"),
           ("leveranciersnummer", "leverancier id", "leverancierscode", "locatie id",
            "nummer", "code", "nr", "nummer", "leverancier nr", "leveranciersnr", "lev nr", "code leverancier", "nr leverancier", "fabrieksnummer", "volgnummer", "kenmerk", "referentie")),
    "name": (("name", "supplier name", "supplier", "factory name", "factory", "facility name",
              "facility", "production location", "production location name", "company name",
              "vendor", "vendor name", "site name", "manufacturer", "company", "company name", "supplier company", "producer", "maker", "mill", "mill name", "site", "plant", "plant name", "name of supplier", "name of factory", "name of the supplier", "name of facility", "name of production location", "factory / supplier name", "supplier / factory name", "production site", "production site name"),
             ("naam", "naam leverancier", "leveranciersnaam", "leverancier", "bedrijfsnaam",
              "productielocatie", "naam productielocatie", "fabriek", "naam fabriek", "bedrijf", "naam bedrijf", "firma", "producent", "fabrikant", "naam producent", "naam van de leverancier", "naam van de fabriek", "naam van de productielocatie", "naam van leverancier")),
    "address": (("address", "street address", "street", "full address", "facility address",
                 "address line 1", "street + house number", "street and house number", "street and number", "street name and number", "street name", "address line", "address 1", "street address 1", "location address", "site address", "full street address", "factory address", "supplier address", "production address", "site address line", "address of production location", "production site address", "street address line 1"),
                ("adres", "straat", "straatnaam", "vestigingsadres", "straat + huisnummer", "straat en huisnummer", "straat huisnummer", "adres + huisnummer", "adresgegevens", "bezoekadres", "straatnaam + huisnummer", "adres productielocatie", "adres fabriek", "adres leverancier")),
    "city": (("city", "town", "city town", "locality", "municipality", "city name", "factory city", "supplier city"), ("plaats", "stad", "woonplaats", "vestigingsplaats", "gemeente", "plaatsnaam")),
    "region": (("region", "state", "province", "state province", "district", "county", "prefecture", "governorate", "department"),
               ("regio", "provincie", "staat", "deelstaat", "gewest")),
    "postal_code": (("postal code", "postcode", "zip", "zip code", "post code", "zipcode", "postal", "post code", "postalcode"),
                    ("postcode", "postcode")),
    "country": (("country", "country region", "country name", "country code", "country iso",
                 "country of production", "location country", "country of origin", "production country", "country iso code", "nation", "country code iso", "country of manufacture", "manufacturing country", "factory country", "supplier country", "country of the factory"),
                ("land", "landcode", "land van productie", "vestigingsland", "land van herkomst", "productieland", "land productie", "herkomstland", "land van vestiging", "land productielocatie", "land fabriek")),
    "tier": (("tier", "supplier tier", "tier level", "level", "tier no", "tier number", "supply chain tier", "chain level"), ("niveau", "tier niveau", "schakel", "keten niveau", "ketenschakel", "schakel in de keten", "laag")),
    "process": (("process", "processes", "processing type", "production process",
                 "processing", "facility type", "activity", "activities", "process step", "production step", "process steps", "processes performed", "function", "main process", "production processes", "type of facility", "service"),
                ("productieproces", "proces", "processen", "bewerking", "activiteit",
                 "productiestap", "processtap", "bewerkingen", "activiteiten", "werkzaamheden", "productieprocessen", "processtappen")),
    "product": (("product", "products", "product type", "product category", "product group",
                 "goods", "material", "product(s)", "items", "item", "article", "articles", "goods supplied", "product description", "products supplied", "main product", "main products", "product categories", "styles"),
                ("producttype", "productgroep", "productcategorie", "goederen", "materiaal", "producten", "artikel", "artikelen", "artikelgroep", "productsoort", "geleverde producten", "product(en)", "hoofdproduct")),
    "sector": (("sector", "sectors", "industry"), ("branche", "sector")),
    "workers": (("workers", "number of workers", "no of workers", "employees",
                 "number of employees", "workforce", "headcount", "staff", "number of staff", "fte", "total workers", "workers total", "employees total", "no of employees", "total number of workers", "total number of employees", "total employees"),
                ("aantal werknemers", "werknemers", "aantal medewerkers", "medewerkers",
                 "personeel", "aantal arbeiders", "aantal fte", "aantal werkenden", "aantal personeelsleden")),
    "supplies_to": (("supplies to", "customer", "customers", "supplies", "buyer", "delivers to",
                     "sells to", "parent supplier", "next tier", "customer(s)", "buyers", "buyer(s)", "sold to", "ships to", "supplier of", "next tier supplier", "supplies to (id)", "delivers to (id)", "client", "clients", "customer id", "customer no"),
                    ("levert aan", "afnemer", "klant", "afnemers", "levert aan (nr.)", "levert aan nr", "klanten", "klant(en)", "afnemer(s)", "levert aan (naam)", "volgende schakel", "leverancier van", "levert aan leverancier", "levert aan leverancier nr")),
    "parent_company": (("parent company", "parent", "group", "holding", "owner", "parent group", "group name", "holding company", "parent name"),
                       ("moederbedrijf", "concern", "eigenaar", "holding", "moedermaatschappij", "groep")),
    "audit_standard": (("audit standard", "audit type", "audit scheme", "audit"),
                       ("auditstandaard", "audit standaard", "type audit", "auditsoort")),
    "audit_date": (("audit date", "last audit", "last audit date", "date of audit", "audited on"),
                   ("auditdatum", "datum audit", "laatste audit", "datum laatste audit")),
    "audit_result": (("audit result", "audit rating", "audit grade", "audit outcome",
                      "audit status"),
                     ("auditresultaat", "resultaat audit", "uitslag audit", "auditscore")),
    "certifications": (("certifications", "certification", "certificates", "certificate",
                        "labels", "memberships", "certification(s)", "standards", "labels and certifications"),
                       ("certificeringen", "certificering", "certificaten", "keurmerken", "certificaten en keurmerken", "keurmerk")),
    "purchase_share": (("purchase share", "share of purchases", "purchase volume",
                        "percentage of purchases", "share", "spend share", "volume share"),
                       ("inkoopaandeel", "aandeel inkoop", "inkoopvolume", "percentage inkoop", "aandeel in inkoop")),
    "os_id": (("os id", "osid", "open supply hub id", "oar id", "open apparel registry id"),
              ("os id",)),
    "lat": (("lat", "latitude"), ("breedtegraad",)),
    "lng": (("lng", "lon", "long", "longitude"), ("lengtegraad",)),
}

# German, French, Spanish, Italian and Portuguese headers, for lists from other members.
OTHER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("lieferantennummer", "lieferanten nr", "lieferantennr", "nummer", "numero",
           "no fournisseur", "code fournisseur", "identifiant", "numero proveedor",
           "codigo proveedor", "codice fornitore", "codigo fornecedor"),
    "name": ("lieferant", "name des lieferanten", "hersteller", "produktionsstätte",
             "fournisseur", "nom", "nom du fournisseur", "usine", "proveedor", "nombre",
             "nombre del proveedor", "fabrica", "fornitore", "nome", "fornecedor", "nome do fornecedor"),
    "address": ("adresse", "anschrift", "straße", "strasse", "straße und hausnummer",
                "straße + hausnummer", "rue", "direccion", "dirección", "indirizzo",
                "endereco", "endereço", "morada"),
    "city": ("stadt", "ort", "ville", "ciudad", "citta", "città", "cidade", "localidad", "comune"),
    "region": ("bundesland", "region", "provincia", "estado", "departement", "regione"),
    "postal_code": ("plz", "postleitzahl", "code postal", "codigo postal", "cap", "cep"),
    "country": ("herkunftsland", "produktionsland", "pays", "pais", "país",
                "paese", "nazione"),
    "tier": ("stufe", "lieferantenstufe", "nivel", "livello", "rang"),
    "process": ("prozess", "prozesse", "verfahren", "produktionsschritt", "tätigkeit",
                "procede", "procédé", "activite", "activité", "proceso", "procesos",
                "actividad", "processo", "processi", "attivita", "processos"),
    "product": ("produkt", "produkte", "artikel", "warengruppe", "produit", "produits",
                "article", "articles", "producto", "productos", "articulo", "prodotto",
                "prodotti", "articolo", "produto", "produtos"),
    "sector": ("branche", "secteur", "sector", "settore", "setor"),
    "workers": ("mitarbeiter", "anzahl mitarbeiter", "beschäftigte", "anzahl beschäftigte",
                "employes", "employés", "effectif", "nombre d employes", "empleados",
                "trabajadores", "dipendenti", "lavoratori", "funcionarios", "trabalhadores"),
    "supplies_to": ("liefert an", "kunde", "kunden", "abnehmer", "livre a", "livre à",
                    "client", "clients", "cliente", "clientes", "suministra a", "fornisce a",
                    "fornece a"),
    "parent_company": ("muttergesellschaft", "konzern", "societe mere", "société mère",
                       "groupe", "empresa matriz", "casa madre", "grupo"),
    "certifications": ("zertifikate", "zertifizierungen", "siegel", "certificats",
                       "certifications", "certificaciones", "certificados", "certificazioni",
                       "certificações"),
    "audit_date": ("auditdatum", "date d audit", "fecha de auditoria", "data audit"),
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
    for field, aliases in OTHER_ALIASES.items():
        for alias in aliases:
            idx.setdefault(header_key(alias), field)
    for col, field in OSH_COLUMNS.items():
        idx[header_key(col)] = field
    return idx


# Headers of columns people add for themselves (remarks, contacts): never close to a field.
_INFORMATIONAL = frozenset(header_key(h) for h in (
    "remarks", "remark", "notes", "note", "comments", "comment", "opmerkingen", "opmerking",
    "toelichting", "notities", "bemerkungen", "anmerkungen", "kommentar", "remarques",
    "commentaires", "observaciones", "comentarios", "osservazioni", "contact",
    "contact person", "contactpersoon", "email", "e-mail", "phone", "telephone", "telefoon",
    "website", "ansprechpartner", "telefon"))


def canonical_field(header: object, column_map: dict[str, str] | None = None) -> str | None:
    """The canonical field a header names, honouring an explicit column map first."""
    if header is None:
        return None
    if column_map:
        for text, field in column_map.items():
            if header_key(text) == header_key(header):
                return field
    return _alias_field(header) if isinstance(header, str) else \
        alias_index().get(header_key(header))


@lru_cache(maxsize=4096)
def _alias_field(header: str) -> str | None:
    idx = alias_index()
    found = None
    if "#" in header or "%" in header:
        # 'Supplier #', '# of workers', '% inkoop': the sign is a word ('Supplier #' holds
        # numbers, never the names 'Supplier' would read)
        found = idx.get(header_key(header.replace("#", " no ").replace("%", " percentage ")))
    found = found or idx.get(header_key(header))
    if found is None and ("(" in header or "[" in header):
        # 'Supplier name (factory)', 'Land [ISO]': the words outside the brackets
        bare = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", header)
        if header_key(bare):
            found = idx.get(header_key(bare))
    if found is None and "/" in header:
        # 'Naam / Name', 'Land/Country': a bilingual header, each part naming the same field
        # ('Contact / Name' names none: its first part is no field)
        fields = {_alias_field(part) for part in header.split("/") if header_key(part)}
        if len(fields) == 1:
            found = fields.pop()
    return found


def is_mapped(header: object, column_map: dict[str, str] | None) -> bool:
    """True when the column map names this header."""
    if not column_map:
        return False
    return any(header_key(t) == header_key(header) for t in column_map)


def mapped_fields(header: list, column_map: dict[str, str] | None) -> dict[str, str]:
    """Field -> the first header text of this row the column map gives it to ('ignore' left
    out)."""
    if not column_map:
        return {}
    wanted = {header_key(t): f for t, f in column_map.items() if f != "ignore"}
    out: dict[str, str] = {}
    for cell in header:
        if cell not in (None, "") and (field := wanted.get(header_key(cell))) is not None:
            out.setdefault(field, " ".join(str(cell).split()))
    return out


# Id headers that often only count the rows ('Nr.', 'No.'): another id column wins over them.
_WEAK_ID = frozenset(header_key(h) for h in ("no", "nr", "number", "nummer", "volgnummer",
                                              "numero"))


def is_weak_alias(header: object, column_map: dict[str, str] | None = None) -> bool:
    """True for a header that names `id` only weakly (a row number), unless mapped on purpose."""
    if is_mapped(header, column_map):
        return False
    return header_key(header) in _WEAK_ID or str(header).strip() == "#"


def validate_column_map(column_map: dict[str, str]) -> None:
    for text, field in column_map.items():
        if field not in FIELDS and field != "ignore":
            close = difflib.get_close_matches(field, FIELDS, n=1)
            raise ImvoError(f"column map {text!r}={field!r}: unknown field {field!r}",
                            code="usage",
                            hint=f"did you mean {close[0]!r}?" if close else
                            f"fields: {', '.join(FIELDS)}")


@lru_cache(maxsize=4096)
def closest_alias(header: str) -> tuple[str, str] | None:
    """(alias text, field) closest to an unrecognised header, for 'did you mean' hints."""

    key = header_key(header)
    if not key or key in _INFORMATIONAL:
        return None
    keys = _alias_keys()
    hit = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=60)
    if not hit:
        return None
    return _readable_alias()[hit[0]]


@lru_cache(maxsize=1)
def _alias_keys() -> list[str]:
    return sorted(alias_index())


@lru_cache(maxsize=1)
def _readable_alias() -> dict[str, tuple[str, str]]:
    """Squeezed key -> (a readable alias, its field), the first alias written for the key."""
    out: dict[str, tuple[str, str]] = {}
    for field, (en, nl) in ALIASES.items():
        for alias in (field, *en, *nl, *OTHER_ALIASES.get(field, ())):
            out.setdefault(header_key(alias), (alias, field))
    for key, field in alias_index().items():
        out.setdefault(key, (key, field))
    return out


MAX_HEADER_TEXT = 60  # characters: a longer cell is a title or a note, not a column title


def header_text(cell) -> str | None:
    """The text of a cell that could title a column (short text, not a 'Label: value'
    metadata cell), or None."""
    if not isinstance(cell, str):
        return None
    text = " ".join(cell.split())
    if not text or len(text) > MAX_HEADER_TEXT or not any(c.isalpha() for c in text):
        return None
    _label, colon, rest = text.partition(":")
    return None if colon and rest.strip() else text


def joined_header(rows: list[list], i: int, column_map: dict[str, str] | None = None) -> list:
    """Row i as a header, a title written over two rows read as one: a cell no field knows
    ('to') under a word ('Supplies') that together name one ('Supplies to') becomes the two
    together; every other cell stays as it is."""
    row = rows[i]
    if i == 0 or not row:
        return row
    above = rows[i - 1]
    out = None
    for j, cell in enumerate(row):
        if j >= len(above) or cell in (None, "") or not isinstance(cell, str):
            continue
        word = header_text(above[j])
        if word is None or canonical_field(cell, column_map) is not None:
            continue
        both = f"{word} {' '.join(cell.split())}"
        if canonical_field(both, column_map) not in (None, "ignore"):
            if out is None:
                out = list(row)
            out[j] = both
    return row if out is None else out


def find_header_row(rows: list[list], column_map: dict[str, str] | None = None) -> int | None:
    """Index (0-based) of the header among the first rows, or None when none is recognised.

    A header needs at least two recognised fields, one of them name or country (a title over
    two rows counts as one: `joined_header`); a row with both name and country wins over one
    without, then the row with the most recognised fields, the earliest on a tie.
    """
    best, best_score = None, (False, 1)
    for i in range(min(len(rows), HEADER_SCAN_ROWS)):
        cells = joined_header(rows, i, column_map)
        fields = {canonical_field(c, column_map) for c in cells if c not in (None, "")}
        fields.discard(None)
        fields.discard("ignore")
        if not fields & {"name", "country"}:
            continue
        score = ({"name", "country"} <= fields, len(fields))
        if score > best_score:
            best, best_score = i, score
    return best
