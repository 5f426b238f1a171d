"""The policy file `imvo.toml`: risk thresholds, check rules, column maps and resource limits."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import LEVELS, ImvoError

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


_KNOWN = {
    "company", "sector", "columns", "risk", "check", "match", "limits", "report", "diff",
    "ingest",
}


def _bad(path: str, key: str, problem: str) -> ImvoError:
    return ImvoError(f"invalid policy key '{key}': {problem}", file=path, code="policy-invalid",
                     hint=f"fix '{key}' in {Path(path).name} (see README, 'Policy file')")


def _number(path, key, value, *, lo=None, hi=None, kind=float):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(path, key, f"expected a number, got {value!r}")
    if kind is int and not float(value).is_integer():
        raise _bad(path, key, f"expected a whole number, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise _bad(path, key, f"{value!r} is outside {lo}..{hi}")
    return kind(value)


def _level(path, key, value, allowed=LEVELS):
    if value not in allowed:
        raise _bad(path, key, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _theme(path, key, value):
    from .risk.profiles import known_themes  # local: profiles are data files

    if not isinstance(value, str) or value not in known_themes():
        raise _bad(path, key, f"{value!r} is not a theme key; known: {', '.join(sorted(known_themes()))}")
    return value


def _indicators(path, value) -> tuple[IndicatorSource, ...]:
    """[[risk.indicators]]: theme, file (CSV country,rating; relative to the policy file),
    name and edition of the source, so flags can cite it."""
    if not isinstance(value, list):
        raise _bad(path, "risk.indicators", "expected an array of tables [[risk.indicators]]")
    out = []
    for n, item in enumerate(value, 1):
        key = f"risk.indicators[{n}]"
        if not isinstance(item, dict):
            raise _bad(path, key, "expected a table with theme, file, name and edition")
        for req in ("theme", "file", "name", "edition"):
            if not isinstance(item.get(req), str) or not item[req].strip():
                raise _bad(path, f"{key}.{req}", "is required (a non-empty text)")
        extra = sorted(set(item) - {"theme", "file", "name", "edition"})
        if extra:
            raise _bad(path, f"{key}.{extra[0]}", "unknown key")
        theme = _theme(path, f"{key}.theme", item["theme"])
        file = Path(item["file"])
        if not file.is_absolute():
            file = Path(path).parent / file
        if not file.is_file():
            raise _bad(path, f"{key}.file", f"file not found: {file}")
        out.append(IndicatorSource(theme, str(file), item["name"].strip(), item["edition"].strip()))
    return tuple(out)


def parse_policy(data: dict[str, Any], path: str = POLICY_FILENAME) -> Policy:
    """Validate a decoded TOML document and build a Policy; names the key on any problem."""
    from .ingest.countries import to_iso2  # local: keeps policy import light

    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise _bad(path, unknown[0], f"unknown section; known: {', '.join(sorted(_KNOWN))}")
    kw: dict[str, Any] = {"path": path}
    company = data.get("company")
    if isinstance(company, dict):
        company = company.get("name")
    if company is not None:
        if not isinstance(company, str) or not company.strip():
            raise _bad(path, "company", "expected a non-empty name")
        kw["company"] = company.strip()
    if "sector" in data:
        if not isinstance(data["sector"], str):
            raise _bad(path, "sector", "expected a profile name such as 'textile'")
        kw["sector"] = data["sector"]
    if "columns" in data:
        cols = data["columns"]
        if not isinstance(cols, dict) or not all(isinstance(v, str) for v in cols.values()):
            raise _bad(path, "columns", 'expected a table of "Header text" = "field"')
        kw["columns"] = dict(cols)

    report = data.get("report", {})
    if not isinstance(report, dict):
        raise _bad(path, "report", "expected a table")
    if "lang" in report:
        if report["lang"] not in ("en", "nl"):
            raise _bad(path, "report.lang", f"{report['lang']!r} is not one of en, nl")
        kw["lang"] = report["lang"]

    risk = data.get("risk", {})
    if not isinstance(risk, dict):
        raise _bad(path, "risk", "expected a table")
    for key in risk:
        if key not in {"thresholds", "audit_max_age_months", "large_workforce", "theme_weights",
                       "accepted_certifications", "overrides", "indicators"}:
            raise _bad(path, f"risk.{key}", "unknown key")
    if "thresholds" in risk:
        th = risk["thresholds"]
        if not isinstance(th, dict) or set(th) - {"medium", "high", "critical"}:
            raise _bad(path, "risk.thresholds", "expected a table with medium, high, critical")
        merged = {"medium": 25, "high": 50, "critical": 90}
        for k, v in th.items():
            merged[k] = _number(path, f"risk.thresholds.{k}", v, lo=1, hi=100, kind=int)
        if not merged["medium"] < merged["high"] < merged["critical"]:
            raise _bad(path, "risk.thresholds", "must rise: medium < high < critical")
        kw["thresholds"] = merged
    if "audit_max_age_months" in risk:
        kw["audit_max_age_months"] = _number(path, "risk.audit_max_age_months",
                                             risk["audit_max_age_months"], lo=1, hi=240, kind=int)
    if "large_workforce" in risk:
        kw["large_workforce"] = _number(path, "risk.large_workforce", risk["large_workforce"],
                                        lo=1, kind=int)
    if "theme_weights" in risk:
        tw = risk["theme_weights"]
        if not isinstance(tw, dict):
            raise _bad(path, "risk.theme_weights", "expected a table theme = weight")
        for k in tw:
            _theme(path, f"risk.theme_weights.{k}", k)
        kw["theme_weights"] = {k: _number(path, f"risk.theme_weights.{k}", v, lo=0, hi=5)
                               for k, v in tw.items()}
    if "accepted_certifications" in risk:
        ac = risk["accepted_certifications"]
        if not isinstance(ac, dict) or not all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in ac.values()):
            raise _bad(path, "risk.accepted_certifications",
                       'expected a table certification = ["theme", ...]')
        for k, v in ac.items():
            for t in v:
                if t != "*":
                    _theme(path, f"risk.accepted_certifications.{k}", t)
        kw["accepted_certifications"] = {k: list(v) for k, v in ac.items()}
    if "overrides" in risk:
        ov = risk["overrides"]
        if not isinstance(ov, list):
            raise _bad(path, "risk.overrides", "expected an array of tables [[risk.overrides]]")
        out = []
        for n, item in enumerate(ov, 1):
            key = f"risk.overrides[{n}]"
            if not isinstance(item, dict):
                raise _bad(path, key, "expected a table with country, level and reason")
            for req in ("country", "level", "reason"):
                if req not in item:
                    raise _bad(path, f"{key}.{req}", "is required (an override must say why)")
            iso = to_iso2(str(item["country"]))
            if iso is None:
                raise _bad(path, f"{key}.country", f"unknown country {item['country']!r}")
            reason = item["reason"]
            if not isinstance(reason, str) or not reason.strip():
                raise _bad(path, f"{key}.reason", "must be a non-empty explanation")
            theme = item.get("theme")
            if theme is not None:
                _theme(path, f"{key}.theme", theme)
            out.append(Override(iso, theme, _level(path, f"{key}.level", item["level"]),
                                reason.strip()))
        kw["overrides"] = tuple(out)
    if "indicators" in risk:
        kw["indicators"] = _indicators(path, risk["indicators"])

    check = data.get("check", {})
    if not isinstance(check, dict):
        raise _bad(path, "check", "expected a table")
    for key, value in check.items():
        if key == "fail_on":
            kw["fail_on"] = _level(path, "check.fail_on", value, (*LEVELS[1:], "never"))
        elif key == "max_errors":
            kw["max_errors"] = _number(path, "check.max_errors", value, lo=0, kind=int)
        elif key in ("min_visibility", "min_address_completeness"):
            kw[key] = _number(path, f"check.{key}", value, lo=0, hi=1)
        else:
            raise _bad(path, f"check.{key}", "unknown key")

    match = data.get("match", {})
    if not isinstance(match, dict):
        raise _bad(path, "match", "expected a table")
    for key, value in match.items():
        if key == "threshold":
            kw["match_threshold"] = _number(path, "match.threshold", value, lo=0, hi=1)
        elif key == "review_threshold":
            kw["review_threshold"] = _number(path, "match.review_threshold", value, lo=0, hi=1)
        else:
            raise _bad(path, f"match.{key}", "unknown key")

    diff = data.get("diff", {})
    if not isinstance(diff, dict):
        raise _bad(path, "diff", "expected a table")
    for key, value in diff.items():
        if key != "require_exit_reason":
            raise _bad(path, f"diff.{key}", "unknown key")
        if not isinstance(value, bool):
            raise _bad(path, "diff.require_exit_reason", f"expected true or false, got {value!r}")
        kw["require_exit_reason"] = value

    ingest = data.get("ingest", {})
    if not isinstance(ingest, dict):
        raise _bad(path, "ingest", "expected a table")
    for key, value in ingest.items():
        if key == "accept_country_suggestions":
            if not isinstance(value, bool):
                raise _bad(path, "ingest.accept_country_suggestions",
                           f"expected true or false, got {value!r}")
            kw["accept_country_suggestions"] = value
        else:
            raise _bad(path, f"ingest.{key}", "unknown key; known: accept_country_suggestions")

    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        raise _bad(path, "limits", "expected a table")
    lim = {}
    for key, value in limits.items():
        if key not in Limits.__dataclass_fields__:
            raise _bad(path, f"limits.{key}", f"unknown key; known: {', '.join(Limits.__dataclass_fields__)}")
        lim[key] = _number(path, f"limits.{key}", value, lo=1, kind=int)
    if lim:
        kw["limits"] = Limits(**lim)
    return Policy(**kw)


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
    if changes:
        from dataclasses import replace
        policy = replace(policy, **changes)
    return policy
