"""The list upload Open Supply Hub accepts: one row per production location, in OSH's columns.

The rules follow OSH's own list processing (opensupplyhub/open-supply-hub, package
`contricleaner`): the header row names the columns exactly; `name`, `address` and `country` are
required, name and address at most 200 characters and not only punctuation; the country is a
name or an ISO 3166-1 alpha-2 code (imvo writes the code); multi-valued cells are split on
`|` and commas; `lat`/`lng` are decimal degrees; a CSV is read line by line, so no cell may hold
a line break. A row that breaks one of these rules is not written: it becomes an issue with
the reason, so the upload never loses a location silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pycountry

from ..model import Issue

# The upload columns, in the order of OSH's template; lat and lng only when a row has them.
BASE_COLUMNS: tuple[str, ...] = ("country", "name", "address", "sector", "product_type",
                                 "facility_type", "processing_type", "number_of_workers",
                                 "parent_company")
COORDINATE_COLUMNS: tuple[str, ...] = ("lat", "lng")
UPLOAD_COLUMNS: tuple[str, ...] = BASE_COLUMNS + COORDINATE_COLUMNS
MAX_TEXT = 200  # OSH's limit for name and address
MAX_SECTOR_VALUE = 50
MAX_PRODUCT_TYPES = 50
COORDINATE_DIGITS = 7  # OSH keeps seven decimals
VALUE_SEPARATOR = "|"
_SPACES = re.compile(r"\s+")
_WORDLESS = re.compile(r"^[\W_]*$")


def osh_countries() -> frozenset[str]:
    """Country codes OSH accepts: ISO 3166-1 alpha-2 and Kosovo's XK (its country list)."""
    return frozenset({c.alpha_2 for c in pycountry.countries} | {"XK"})


@dataclass(frozen=True, slots=True)
class UploadRow:
    """One production location as OSH's list upload wants it."""

    country: str
    name: str
    address: str
    sector: str = ""
    product_type: str = ""
    facility_type: str = ""
    processing_type: str = ""
    number_of_workers: int | None = None
    parent_company: str = ""
    lat: float | None = None
    lng: float | None = None
    source: str = ""  # where it came from (supplier or facility id): for issues, not written

    def values(self, columns: Iterable[str]) -> list[Any]:
        return [getattr(self, c) for c in columns]


@dataclass(slots=True)
class UploadResult:
    """The rows to write, and every location that could not go in with its reason."""

    rows: list[UploadRow]
    issues: list[Issue]
    locations: int  # production locations offered (rows + rejected)
    public: bool = False
    rejected: list[str] = field(default_factory=list)  # source ids of locations left out

    @property
    def columns(self) -> tuple[str, ...]:
        if any(r.lat is not None and r.lng is not None for r in self.rows):
            return UPLOAD_COLUMNS
        return BASE_COLUMNS

    def summary(self) -> dict[str, Any]:
        return {"locations": self.locations, "rows": len(self.rows),
                "rejected": len(self.rejected), "public": self.public}


@dataclass(frozen=True, slots=True)
class Location:
    """What the upload needs to know of one production location, from a list or a facility."""

    source: str
    name: str | None
    country: str | None
    address: str | None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    sector: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    workers: int | None = None
    parent_company: str | None = None
    lat: float | None = None
    lng: float | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None


def one_line(text: object) -> str:
    """Text on one line, single-spaced: OSH reads a CSV line by line."""
    if text is None:
        return ""
    return _SPACES.sub(" ", str(text)).strip()


def full_address(address: str | None, postal_code: str | None = None, city: str | None = None,
                 region: str | None = None) -> str:
    """OSH has one address column: street, then postcode and city, then region; a part the
    street already names is not repeated."""
    street = one_line(address)
    if not street:
        return ""
    folded = street.casefold()
    town = " ".join(p for p in (one_line(postal_code), one_line(city))
                    if p and p.casefold() not in folded)
    parts = [street, town]
    reg = one_line(region)
    if reg and reg.casefold() not in folded:
        parts.append(reg)
    return ", ".join(p for p in parts if p)


def joined(values: Iterable[str]) -> str:
    """Multi-valued cells joined with OSH's separator, each value on one line."""
    seen: list[str] = []
    for v in values:
        v = one_line(v).replace(VALUE_SEPARATOR, "/")
        if v and v not in seen:
            seen.append(v)
    return VALUE_SEPARATOR.join(seen)


def _coordinate(value: float | None, limit: float) -> float | None:
    if value is None or not -limit <= value <= limit:
        return None
    return round(float(value), COORDINATE_DIGITS)


def _reject(loc: Location, code: str, message: str, column: str, hint: str) -> Issue:
    where = loc.source if loc.file is None else None
    text = f"{where}: {message}" if where else message
    return Issue("error", code, f"not in the Open Supply Hub upload: {text}", loc.file,
                 loc.sheet, loc.row, column, hint)


def check_location(loc: Location, countries: frozenset[str]) -> tuple[UploadRow | None, list[Issue]]:
    """The upload row of one location, or None and the reason OSH would reject it."""
    name = one_line(loc.name)
    address = full_address(loc.address, loc.postal_code, loc.city, loc.region)
    problems: list[Issue] = []
    if not name or _WORDLESS.match(name):
        problems.append(_reject(loc, "osh-no-name", "no name", "name",
                                "give the production location's name"))
    elif len(name) > MAX_TEXT:
        problems.append(_reject(loc, "osh-too-long", f"the name has {len(name)} characters, "
                                f"OSH takes at most {MAX_TEXT}", "name", "shorten the name"))
    if not address or _WORDLESS.match(address):
        problems.append(_reject(loc, "osh-no-address", "no address (OSH requires one)",
                                "address", "add the street address of the production location"))
    elif len(address) > MAX_TEXT:
        problems.append(_reject(loc, "osh-too-long", f"the address has {len(address)} "
                                f"characters, OSH takes at most {MAX_TEXT}", "address",
                                "shorten the address (street, number, city)"))
    if not loc.country or loc.country not in countries:
        problems.append(_reject(loc, "osh-unknown-country",
                                f"country {loc.country or '(none)'!r} is not one OSH knows",
                                "country", "give the country as a name or ISO code"))
    sectors = [s for s in loc.sector if one_line(s)]
    if any(len(one_line(s)) > MAX_SECTOR_VALUE for s in sectors):
        problems.append(_reject(loc, "osh-too-long", f"a sector value is longer than "
                                f"{MAX_SECTOR_VALUE} characters", "sector", "shorten the sector"))
    if len(loc.products) > MAX_PRODUCT_TYPES:
        problems.append(_reject(loc, "osh-too-many-products", f"{len(loc.products)} product "
                                f"types, OSH takes at most {MAX_PRODUCT_TYPES}", "product",
                                "list the main product types only"))
    if problems:
        return None, problems
    lat, lng = _coordinate(loc.lat, 90), _coordinate(loc.lng, 180)
    if lat is None or lng is None:
        lat = lng = None
    return UploadRow(
        country=loc.country or "", name=name, address=address, sector=joined(sectors),
        product_type=joined(loc.products), processing_type=joined(loc.processes),
        number_of_workers=loc.workers, parent_company=one_line(loc.parent_company),
        lat=lat, lng=lng, source=loc.source), []


def build_upload(locations: Iterable[Location], *, public: bool = False,
                 member_names: Iterable[str] = ()) -> UploadResult:
    """Upload rows for locations, in their order; rejected ones become issues."""
    countries = osh_countries()
    members = {m.casefold() for m in member_names if m}
    rows: list[UploadRow] = []
    issues: list[Issue] = []
    rejected: list[str] = []
    n = 0
    blanked = 0
    for loc in locations:
        n += 1
        row, problems = check_location(loc, countries)
        if row is None:
            issues.extend(problems)
            rejected.append(loc.source)
            continue
        if public and row.parent_company and row.parent_company.casefold() in members:
            # A member named as a factory's owner would tell who buys there.
            row = _replace(row, parent_company="")
            blanked += 1
        rows.append(row)
    if blanked:
        issues.append(Issue("warning", "osh-parent-is-member",
                            f"{blanked} parent company value(s) named a member and were left "
                            "out of the public upload", hint="check the parent company column "
                            "of the member lists"))
    _warn_duplicates(rows, issues)
    return UploadResult(rows, issues, n, public, rejected)


def _replace(row: UploadRow, **changes) -> UploadRow:
    return replace(row, **changes)


def _warn_duplicates(rows: list[UploadRow], issues: list[Issue]) -> None:
    """Two rows with one name, address and country: OSH (and imvo) read them as one location."""
    seen: dict[tuple, str] = {}
    for r in rows:
        key = (r.country, r.name.casefold(), r.address.casefold())
        if key in seen:
            issues.append(Issue("warning", "osh-duplicate-row",
                                f"{r.source}: same name, address and country as {seen[key]}; "
                                "OSH will read both rows as one production location",
                                hint="tell the two locations apart (unit, plot) or merge them"))
        else:
            seen[key] = r.source


def supplier_locations(supplier_list, suppliers=None) -> list[Location]:
    """Every supplier of a list (one production location each), in input-row order."""
    src = supplier_list
    suppliers = sorted(supplier_list.suppliers if suppliers is None else suppliers,
                       key=lambda s: (s.rows[0] if s.rows else 0, s.id))
    return [Location(
        source=s.id, name=s.name, country=s.country, address=s.address, city=s.city,
        region=s.region, postal_code=s.postal_code, sector=tuple(s.sector),
        products=tuple(s.product), processes=tuple(s.process), workers=s.workers,
        parent_company=s.parent_company, lat=s.lat, lng=s.lng, file=src.file, sheet=src.sheet,
        row=s.rows[0] if s.rows else None) for s in suppliers]


def chain_map_locations(chain_map) -> list[Location]:
    """Every supplier of a mapped list, in input-row order."""
    return supplier_locations(chain_map.source, chain_map.suppliers.values())


def upload_from_chain_map(chain_map) -> UploadResult:
    """The OSH upload of one company's list (`imvo map FILE --osh upload.csv`)."""
    return build_upload(chain_map_locations(chain_map))


def aggregate_locations(result) -> list[Location]:
    """Every facility of a sector list; nothing that names a member (no file, no row)."""
    out = []
    for f in result.facilities:
        out.append(Location(
            source=f.facility_id, name=f.name, country=f.country or None, address=f.address,
            city=f.city, postal_code=f.postal_code,
            sector=tuple(f.sectors), products=tuple(f.products),
            processes=tuple(f.processes), workers=f.workers, parent_company=f.parent_company,
            lat=getattr(f, "lat", None), lng=getattr(f, "lng", None)))
    return out


def upload_from_aggregate(result) -> UploadResult:
    """The OSH upload of a sector list (`imvo aggregate ... --public --osh upload.csv`).

    It never holds member names or purchase data: the columns have no place for them, issues
    name facility ids only, and a parent company that equals a member's name is left out.
    """
    members = [m.member for m in result.members]
    return build_upload(aggregate_locations(result), public=result.public, member_names=members)
