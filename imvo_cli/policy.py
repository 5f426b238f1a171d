"""The policy file `imvo.toml`: risk thresholds, check rules, column maps and resource limits."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .countries import to_iso2
from .model import LEVELS, ImvoError
from .schema import (
    AnyOf,
    ArrayOf,
    Boolean,
    Choice,
    Context,
    ExistingFile,
    Field,
    ListOf,
    Lookup,
    MapOf,
    Number,
    Problem,
    Table,
    Text,
    check,
    field_at,
)
from .sectors import available_profiles, known_themes, profile_key

POLICY_FILENAME = "imvo.toml"


@dataclass(frozen=True, slots=True)
class Override:
    country: str  # ISO alpha-2
    theme: str | None  # None: every theme of the country
    level: str
    reason: str


@dataclass(frozen=True, slots=True)
class IndicatorSource:
    """A user's own copy of a country indicator (e.g. ITUC Global Rights Index) for a theme."""

    theme: str
    file: str  # resolved path of a CSV with columns country,rating (1-5, 5+)
    name: str
    edition: str


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for reading one input file; override any in imvo.toml `[limits]`.

    max_rows: a row costs roughly 4 KB of memory and 50 microseconds through ingest, so the
    default keeps a run under about 1 GB; max_cells bounds what a reader allocates for a
    sheet (rows x columns it spans, including stray cells far away from the list).
    """

    max_rows: int = 200_000
    max_columns: int = 16_384
    max_cells: int = 20_000_000
    max_cell_chars: int = 32_767
    max_file_bytes: int = 512 * 1024 * 1024
    max_decompressed_bytes: int = 2 * 1024 * 1024 * 1024
    max_compression_ratio: int = 200


@dataclass(frozen=True, slots=True)
class Policy:
    """Every rule a command applies; defaults are the documented ones."""

    path: str | None = None
    company: str | None = None
    sector: str = "textile"
    # the sector was given (imvo.toml or an override such as --sector), not the default: a
    # list's own 'Sector:' cell decides only where it was not
    sector_given: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # header text -> canonical field
    # score (0-100) at or above which a theme reaches the level
    thresholds: dict[str, int] = field(
        default_factory=lambda: {"medium": 25, "high": 50, "critical": 90})
    audit_max_age_months: int = 24
    large_workforce: int = 1000
    theme_weights: dict[str, float] = field(default_factory=dict)
    accepted_certifications: dict[str, list[str]] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    indicators: tuple[IndicatorSource, ...] = ()
    fail_on: str = "critical"  # critical|high|medium|never (residual risk; see "Checking lists in CI")
    max_errors: int = 0
    min_visibility: float | None = None
    min_address_completeness: float | None = None
    match_threshold: float = 0.86
    review_threshold: float = 0.70
    require_exit_reason: bool = False  # [diff]: gone high/critical suppliers need an exit reason
    # [ingest] accept_country_suggestions: a country typo with one clear candidate
    # ('Bangaldesh') is read as that country with a warning instead of rejecting the row.
    accept_country_suggestions: bool = False
    limits: Limits = field(default_factory=Limits)
    lang: str | None = None  # [report] lang: en or nl; None = English unless --lang says

    def describe(self) -> dict[str, Any]:
        """A plain summary for reports (the policy used)."""
        return {
            "file": self.path,
            "sector": self.sector,
            "thresholds": dict(self.thresholds),
            "audit_max_age_months": self.audit_max_age_months,
            "large_workforce": self.large_workforce,
            "theme_weights": dict(sorted(self.theme_weights.items())),
            "accepted_certifications": {k: list(v) for k, v in sorted(self.accepted_certifications.items())},
            "overrides": [{"country": o.country, "theme": o.theme, "level": o.level, "reason": o.reason}
                          for o in self.overrides],
            "indicators": [{"theme": i.theme, "file": i.file, "name": i.name, "edition": i.edition}
                           for i in self.indicators],
            "fail_on": self.fail_on,
            "max_errors": self.max_errors,
            "min_visibility": self.min_visibility,
            "min_address_completeness": self.min_address_completeness,
        }


# --- the schema: what each key of imvo.toml accepts ----------------------------------------
#
# Described with imvo_cli.schema; `target` is the Policy field a key sets. Defaults are those
# of the dataclasses above.

def _country(value: Any) -> str:
    # Country names live in ingest today; imported here, on use, because ingest takes a
    # Policy and importing it at the top would be a cycle (see docs/architecture.md).

    iso = to_iso2(str(value))
    if iso is None:
        raise Problem(f"unknown country {value!r}")
    return iso


def _sector(value: Any) -> str:
    if not isinstance(value, str):
        raise Problem("expected a profile name such as 'textile'")
    if profile_key(value) not in available_profiles():
        raise Problem(f"{value!r} is not a sector profile; known: {', '.join(available_profiles())}")
    return value


def _theme(value: Any) -> str:
    themes = known_themes()
    if not isinstance(value, str) or value not in themes:
        raise Problem(f"{value!r} is not a theme key; known: {', '.join(sorted(themes))}")
    return value


def _thresholds(values: dict[str, Any], ctx: Context) -> dict[str, int]:
    merged = {**Policy().thresholds, **values}
    if not merged["medium"] < merged["high"] < merged["critical"]:
        raise Problem("must rise: medium < high < critical")
    return merged


def _override(values: dict[str, Any], ctx: Context) -> Override:
    return Override(values["country"], values.get("theme"), values["level"], values["reason"])


def _indicator(values: dict[str, Any], ctx: Context) -> IndicatorSource:
    return IndicatorSource(values["theme"], values["file"], values["name"], values["edition"])


_THEME = Lookup(_theme)
_WHOLE_FROM_1 = Number(lo=1, whole=True)
_SHARE = Number(lo=0, hi=1)
_NAME = Text("is required (a non-empty text)", nonempty=True)

SCHEMA = Table(problem="expected a table of sections", unknown="unknown section", fields={
    "company": Field(AnyOf((Text("expected a non-empty name", nonempty=True),
                            Table({"name": Field(Text("expected a non-empty name", nonempty=True),
                                                 "the company's name")},
                                  build=lambda v, c: v.get("name"))),
                           "expected a non-empty name"),
                     "the company at the end of the chains: a name, or [company] name = ...",
                     target="company"),
    "sector": Field(Lookup(_sector),
                    "risk profile: " + ", ".join(available_profiles()), target="sector"),
    "columns": Field(MapOf(Text("expected an imvo field name such as \"name\""),
                           'expected a table of "Header text" = "field"'),
                     'your headers -> imvo fields, like --map: "Leverancier" = "name"',
                     target="columns"),
    "report": Field(Table({
        "lang": Field(Choice(("en", "nl")), "language of workbooks, reports and status lines",
                      target="lang"),
    }), "how reports are written"),
    "risk": Field(Table({
        "thresholds": Field(Table({lvl: Field(Number(lo=1, hi=100, whole=True),
                                              f"score (1-100) from which a theme is {lvl}")
                                   for lvl in ("medium", "high", "critical")},
                                  problem="expected a table with medium, high, critical",
                                  build=_thresholds),
                            "scores at which a theme reaches medium, high and critical, rising",
                            target="thresholds"),
        "audit_max_age_months": Field(Number(lo=1, hi=240, whole=True),
                                      "months a social audit counts", target="audit_max_age_months"),
        "large_workforce": Field(_WHOLE_FROM_1, "workers from which severity rises",
                                 target="large_workforce"),
        "theme_weights": Field(MapOf(Number(lo=0, hi=5), "expected a table theme = weight",
                                     key=_THEME),
                               "theme = weight 0-5 multiplying the theme's score",
                               target="theme_weights"),
        "accepted_certifications": Field(
            MapOf(ListOf(_THEME, 'expected a table certification = ["theme", ...]', allow=("*",)),
                  'expected a table certification = ["theme", ...]'),
            'certification = ["theme", ...] whose likelihood it lowers; ["*"]: every theme',
            target="accepted_certifications"),
        "overrides": Field(ArrayOf(Table({
            "country": Field(Lookup(_country), "country name or code",
                             required="is required (an override must say why)"),
            "theme": Field(_THEME, "one theme; left out: every theme of the country"),
            "level": Field(Choice(LEVELS), "the level the theme gets",
                           required="is required (an override must say why)"),
            "reason": Field(Text("must be a non-empty explanation", nonempty=True),
                            "why: cited in every flag it sets",
                            required="is required (an override must say why)"),
        }, problem="expected a table with country, level and reason", build=_override),
            "expected an array of tables [[risk.overrides]]"),
            "a country (x theme) set to a level, with the reason", target="overrides"),
        "indicators": Field(ArrayOf(Table({
            "theme": Field(_THEME, "the theme it informs", required=_NAME.problem),
            "file": Field(ExistingFile(), "a CSV of country,rating with ratings 1-5 or 5+",
                          required=_NAME.problem),
            "name": Field(_NAME, "the source's name, cited in flags", required=_NAME.problem),
            "edition": Field(_NAME, "the source's edition, cited in flags", required=_NAME.problem),
        }, problem="expected a table with theme, file, name and edition", build=_indicator),
            "expected an array of tables [[risk.indicators]]"),
            "your own copy of a country indicator for a theme", target="indicators"),
    }), "risk scoring, see 'How risk is scored'"),
    "check": Field(Table({
        "fail_on": Field(Choice((*LEVELS[1:], "never")),
                         "residual level at which imvo check fails", target="fail_on"),
        "max_errors": Field(Number(lo=0, whole=True), "input errors imvo check tolerates",
                            target="max_errors"),
        "min_visibility": Field(_SHARE, "share of suppliers linked to the company (0-1)",
                                target="min_visibility"),
        "min_address_completeness": Field(_SHARE, "share of suppliers with a full address (0-1)",
                                          target="min_address_completeness"),
    }), "defaults for imvo check"),
    "match": Field(Table({
        "threshold": Field(_SHARE, "score from which two records are one facility",
                           target="match_threshold"),
        "review_threshold": Field(_SHARE, "score from which a pair goes to review",
                                  target="review_threshold"),
    }), "defaults for imvo aggregate"),
    "diff": Field(Table({
        "require_exit_reason": Field(Boolean(), "a gone high/critical supplier needs an exit reason",
                                     target="require_exit_reason"),
    }), "defaults for imvo diff"),
    "ingest": Field(Table({
        "accept_country_suggestions": Field(Boolean(), "read a clear country typo as its country",
                                            target="accept_country_suggestions"),
    }), "how lists are read"),
    "limits": Field(Table({f.name: Field(_WHOLE_FROM_1, "a resource limit, see 'Limits and guarantees'")
                           for f in fields(Limits)}, build=lambda v, c: Limits(**v)),
                    "resource limits for reading one file", target="limits"),
})


def _targets(table: Table, checked: dict[str, Any], kw: dict[str, Any]) -> None:
    """The Policy arguments set by the checked values of a table (nested tables included)."""
    for name, fld in table.fields.items():
        if name not in checked:
            continue
        if fld.target is not None:
            kw[fld.target] = checked[name]
        elif isinstance(fld.spec, Table):
            _targets(fld.spec, checked[name], kw)


def _bad(path: str, key: str, problem: str, meaning: str | None = None) -> ImvoError:
    where = f"fix '{key}' in {Path(path).name}"
    return ImvoError(f"invalid policy key '{key}': {problem}", file=path, code="policy-invalid",
                     hint=f"{where}: {meaning}; see README, 'The policy file'" if meaning
                     else f"{where}; see README, 'The policy file'")


def parse_policy(data: dict[str, Any], path: str = POLICY_FILENAME) -> Policy:
    """Validate a decoded TOML document and build a Policy; names the key on any problem."""
    try:
        checked = check(SCHEMA, data, Context(path))
    except Problem as exc:
        key = exc.key or "(file)"
        fld = field_at(SCHEMA, key)
        raise _bad(path, key, exc.problem, fld.help if fld else None) from None
    kw: dict[str, Any] = {"path": path}
    _targets(SCHEMA, checked, kw)
    return Policy(**kw, sector_given="sector" in kw)


def find_policy(near: str | Path | None) -> Path | None:
    """The imvo.toml beside an input file (or in a directory), if there is one."""
    if near is None:
        return None
    p = Path(near)
    folder = p if p.is_dir() else p.parent
    candidate = folder / POLICY_FILENAME
    return candidate if candidate.is_file() else None


def load_policy(path: str | Path | None = None, *, near: str | Path | None = None,
                **overrides: Any) -> Policy:
    """Load `path`, else the imvo.toml next to `near`, else the defaults; apply overrides."""
    chosen = Path(path) if path else find_policy(near)
    if chosen is None:
        policy = Policy()
    else:
        if not chosen.is_file():
            raise ImvoError("policy file not found", file=chosen, code="policy-missing",
                            hint="give an existing imvo.toml with --policy")
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ImvoError(f"policy file is not valid TOML: {exc}", file=chosen,
                            code="policy-invalid", hint="fix the syntax of the policy file") from exc
        policy = parse_policy(data, str(chosen))
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "sector" in changes:
        changes["sector_given"] = True
    if changes:
        policy = replace(policy, **changes)
    return policy
