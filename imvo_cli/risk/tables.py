"""The embedded evidence tables (data/*.csv), each loaded once, on first use."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from ..countries import to_iso2
from ..model import ImvoError
from .words import phrase_key

DATA_DIR = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def source_info() -> dict[str, dict[str, str]]:
    """key -> {name, edition, url, licence, file} from data/sources.toml."""
    data = tomllib.loads((DATA_DIR / "sources.toml").read_text(encoding="utf-8"))
    return {s["key"]: {k: s[k] for k in ("name", "edition", "url", "licence", "file")}
            for s in data["source"]}


@cache
def citation(key: str) -> str:
    """'Name (edition)': how a flag cites an embedded source."""
    s = source_info()[key]
    return f"{s['name']} ({s['edition']})"


@dataclass(frozen=True, slots=True)
class DolListing:
    good: str
    country: str
    dol_country: str
    child_labour: bool
    forced_labour: bool
    forced_child_labour: bool
    derived_country: str = ""  # downstream entry: the input is listed in this country
    input_good: str = ""  # downstream entry: the listed input good


@cache
def dol_goods() -> dict[tuple[str, str], DolListing]:
    """(good, ISO country) -> DOL listing. A downstream ("derived") entry carries the
    findings of its input good in the derived country, so it fires for those themes."""
    raw = _rows("dol_goods.csv")
    direct = {(r["good"], r["country"]): r for r in raw}
    out = {}
    for r in raw:
        findings = r
        if r.get("derived") == "Y":
            listed = direct.get((r["input_good"], r["derived_country"]))
            if listed is None:
                raise ImvoError(f"dol_goods.csv: downstream {r['good']!r} names an input "
                                f"{r['input_good']!r} not listed for {r['derived_country']}",
                                code="data-invalid")
            findings = listed
        out[(r["good"], r["country"])] = DolListing(
            r["good"], r["country"], r["dol_country"], findings["child_labour"] == "Y",
            findings["forced_labour"] == "Y", findings["forced_child_labour"] == "Y",
            r.get("derived_country", "") if r.get("derived") == "Y" else "",
            r.get("input_good", "") if r.get("derived") == "Y" else "")
    return out


@cache
def dol_good_sectors() -> dict[str, str]:
    """DOL good name -> DOL sector (Agriculture, Manufacturing, Mining, Other)."""
    return {r["good"]: r["good_sector"] for r in _rows("dol_goods.csv")}


@dataclass(frozen=True, slots=True)
class DolCountry:
    country: str
    dol_country: str
    advancement: str
    working_children_share: float | None
    age_range: str


@cache
def dol_countries() -> dict[str, DolCountry]:
    out = {}
    for r in _rows("dol_countries.csv"):
        share = float(r["working_children_share"]) if r["working_children_share"] else None
        out[r["country"]] = DolCountry(r["country"], r["dol_country"], r["advancement"], share,
                                       r["age_range"])
    return out


@cache
def wgi() -> dict[str, dict[str, tuple[int, float]]]:
    """ISO country -> {dimension: (data year of that dimension, percentile rank 0-100)}."""
    out: dict[str, dict[str, tuple[int, float]]] = {}
    for r in _rows("wgi.csv"):
        out.setdefault(r["country"], {})[r["dimension"]] = (int(r["year"]), float(r["rank"]))
    return out


@cache
def wgi_edition_year() -> int:
    """The newest data year in the embedded WGI edition (older values are flagged as such)."""
    return max(y for dims in wgi().values() for y, _ in dims.values())


@dataclass(frozen=True, slots=True)
class RegionRule:
    """A region x theme entry: a legal presumption or finding tied to a region, with its source."""

    country: str
    region: str
    aliases: tuple[str, ...]  # phrase keys
    theme: str
    likelihood: int
    rule: str
    finding: str
    source: str


@cache
def region_rules() -> tuple[RegionRule, ...]:
    """The region x theme table (data/regions.csv)."""
    out = []
    for n, r in enumerate(_rows("regions.csv"), 2):
        try:
            out.append(RegionRule(r["country"], r["region"],
                                  tuple(phrase_key(a) for a in r["aliases"].split(";") if a.strip()),
                                  r["theme"], int(r["likelihood"]), r["rule"], r["finding"],
                                  r["source"]))
        except (KeyError, ValueError) as exc:
            raise ImvoError(f"regions.csv row {n} is malformed: {exc}", code="data-invalid") from exc
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ProcessRule:
    term: str  # phrase key (normalised words)
    sectors: frozenset[str]
    theme: str
    severity: int
    min_likelihood: int | None
    countries: frozenset[str]  # empty: anywhere
    rationale: str
    reference: str


@cache
def process_rules() -> dict[str, tuple[ProcessRule, ...]]:
    """Phrase key -> the process x theme entries it triggers."""
    out: dict[str, list[ProcessRule]] = {}
    for n, r in enumerate(_rows("process_themes.csv"), 2):
        try:
            rule = ProcessRule(
                phrase_key(r["term"]), frozenset(s for s in r["sectors"].split(";") if s),
                r["theme"], int(r["severity"]),
                int(r["min_likelihood"]) if r["min_likelihood"] else None,
                frozenset(c for c in r["countries"].split(";") if c), r["rationale"], r["reference"])
        except (TypeError, ValueError, KeyError) as exc:
            raise ImvoError(f"process_themes.csv row {n} is malformed: {exc}", code="data-invalid") from exc
        out.setdefault(rule.term, []).append(rule)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=64)
def user_indicator(path: str) -> dict[str, int]:
    """A user's own copy of an indicator (e.g. ITUC Global Rights Index): CSV with columns
    `country` (name or code) and `rating` (1-5, '5+' counts as 5; empty = no data)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImvoError(f"cannot read indicator file: {exc}", file=p, code="indicator-invalid",
                        hint="give a UTF-8 CSV with columns country,rating") from exc
    reader = csv.DictReader(text.splitlines())
    cols = {c.strip().lower(): c for c in reader.fieldnames or []}
    if "country" not in cols or "rating" not in cols:
        raise ImvoError("indicator file needs the columns country and rating", file=p, row=1,
                        code="indicator-invalid", hint="first line: country,rating")
    out: dict[str, int] = {}
    for n, r in enumerate(reader, 2):
        name, rating = (r.get(cols["country"]) or "").strip(), (r.get(cols["rating"]) or "").strip()
        if not name and not rating:
            continue
        iso = to_iso2(name)
        if iso is None:
            raise ImvoError(f"unknown country {name!r}", file=p, row=n, column="country",
                            code="indicator-invalid", hint="use an ISO code or English name")
        if not rating:
            continue  # no rating for this country: stays without data, not low
        try:
            value = float(rating.rstrip("+"))
        except ValueError:
            value = -1
        if not 1 <= value <= 5 or not value.is_integer():
            raise ImvoError(f"rating {rating!r} is not 1-5 or 5+", file=p, row=n, column="rating",
                            code="indicator-invalid")
        out[iso] = int(value)
    return out
