"""The shared vocabulary of imvo: suppliers, issues, flags and risk levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Risk levels, weakest to strongest. "unknown" means: no data, which is *not* "no risk".
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
UNKNOWN = "unknown"
ALL_LEVELS: tuple[str, ...] = ("critical", "high", "medium", "low", UNKNOWN)

# Sort rank for "worst first" views. Unknown sits between medium and low: it is not a
# finding, but it is not reassurance either.
_RANK = {"critical": 5, "high": 4, "medium": 3, UNKNOWN: 2, "low": 1}


def level_rank(level: str | None) -> int:
    """Rank of a level for sorting, higher is worse (None and unknown alike)."""
    return _RANK.get(level or UNKNOWN, 2)


def at_least(level: str | None, threshold: str) -> bool:
    """True when a known `level` is at or above `threshold` (unknown never is)."""
    if level not in LEVELS or threshold not in LEVELS:
        return False
    return LEVELS.index(level) >= LEVELS.index(threshold)


def worst(levels) -> str:
    """The strongest known level of an iterable, else unknown."""
    best = None
    for lvl in levels:
        if lvl in LEVELS and (best is None or LEVELS.index(lvl) > LEVELS.index(best)):
            best = lvl
    return best or UNKNOWN


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in the input, with its position, as Excel numbers rows."""

    severity: str  # "error" | "warning"
    code: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet and f"sheet {self.sheet!r}") if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def sort_key(self):
        return (self.file or "", self.sheet or "", self.row or 0, self.column or "", self.code, self.message)


class ImvoError(Exception):
    """A fatal input or usage problem: the command cannot go on (exit code 2)."""

    def __init__(self, message: str, *, file=None, sheet=None, row=None, column=None,
                 hint: str | None = None, code: str = "input-error"):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.sheet = sheet
        self.row = row
        self.column = column
        self.hint = hint
        self.code = code

    def as_issue(self) -> Issue:
        return Issue("error", self.code, self.message, self.file, self.sheet, self.row,
                     self.column, self.hint)

    def __str__(self) -> str:
        loc = self.as_issue().location()
        text = f"{loc}: {self.message}" if loc else self.message
        return f"{text} ({self.hint})" if self.hint else text


# Canonical input fields, in template order.
FIELDS: tuple[str, ...] = (
    "id", "name", "address", "city", "region", "postal_code", "country", "tier", "process",
    "product", "sector", "workers", "supplies_to", "parent_company", "audit_standard",
    "audit_date", "audit_result", "certifications", "purchase_share", "os_id", "lat", "lng",
)
REQUIRED_FIELDS: tuple[str, ...] = ("name", "country")
MULTI_FIELDS: frozenset[str] = frozenset({"process", "product", "sector", "certifications", "supplies_to"})


@dataclass(slots=True)
class Supplier:
    """One production location (possibly listed on several rows)."""

    id: str
    name: str
    country: str | None = None  # ISO 3166-1 alpha-2
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    declared_tier: int | None = None
    process: list[str] = field(default_factory=list)
    product: list[str] = field(default_factory=list)
    sector: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    supplies_to: list[str] = field(default_factory=list)
    workers: int | None = None
    parent_company: str | None = None
    audit_standard: str | None = None
    audit_date: date | None = None
    audit_result: str | None = None
    purchase_share: float | None = None
    os_id: str | None = None
    lat: float | None = None
    lng: float | None = None
    source_id: str | None = None  # the user's own id column, if any
    rows: list[int] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # unknown columns, kept verbatim

    @property
    def has_full_address(self) -> bool:
        """Street, a locality (city or postcode column, or named in the address itself: a
        comma-separated part, a postcode, a district word or a known town) and country."""
        from .ingest.address import is_complete_address  # the rules live with ingest

        return is_complete_address(self.address, self.country, self.city, self.postal_code)


@dataclass(slots=True)
class SupplierList:
    """What ingest read from one file: suppliers, issues and the row bookkeeping."""

    file: str
    sheet: str | None
    header_row: int
    headers: list[str]
    columns: dict[str, str]  # canonical field -> header text as found
    suppliers: list[Supplier]
    issues: list[Issue]
    rows: int  # non-empty data rows read
    empty_rows: int
    rejected_rows: list[int]  # rows that became errors instead of suppliers
    company: str | None = None  # from a metadata cell or config, if any
    extra_columns: list[str] = field(default_factory=list)
    example_rows: int = 0  # template example rows, skipped on purpose

    def accounted_rows(self) -> int:
        """Rows that became suppliers, errors or skipped examples; always equals `rows`."""
        return sum(len(s.rows) for s in self.suppliers) + len(self.rejected_rows) + self.example_rows

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


@dataclass(frozen=True, slots=True)
class Flag:
    """Why a theme got its level: the rule that fired, on which evidence, from which source."""

    theme: str
    level: str
    rule: str
    evidence: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"theme": self.theme, "level": self.level, "rule": self.rule,
                "evidence": self.evidence, "source": self.source}


@dataclass(slots=True)
class ThemeRisk:
    theme: str
    level: str
    score: int | None
    severity: int | None = None
    likelihood: int | None = None
    reasons: list[Flag] = field(default_factory=list)


# Rules that read the supplier's own row (audit, address, workforce, certification): they
# adjust a level but are not the evidence of the risk itself, so reasons list them last.
ROW_SIGNAL_RULES = frozenset({"no-audit", "audit-expired", "audit-failed", "missing-address",
                              "large-workforce", "accepted-certification"})


def flag_sort_key(flag: "Flag"):
    """Worst first; at one level, evidence about the place and product before row signals."""
    return (-level_rank(flag.level), flag.rule in ROW_SIGNAL_RULES, flag.theme, flag.rule)


@dataclass(slots=True)
class RiskAssessment:
    """A supplier's own risk per theme, plus the worst risk upstream of it."""

    level: str = UNKNOWN
    score: int | None = None
    themes: dict[str, ThemeRisk] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    upstream_level: str | None = None
    upstream_path: list[str] = field(default_factory=list)

    def ranked_flags(self) -> list[Flag]:
        return sorted(self.flags, key=flag_sort_key)

    def top_themes(self) -> list[str]:
        """The themes that give the supplier its level."""
        return sorted(k for k, t in self.themes.items() if t.level == self.level)

    def main_flags(self) -> list[Flag]:
        """Flags of the top themes: evidence first, then the row signals that raised it."""
        top = set(self.top_themes())
        flags = sorted((f for f in self.flags if f.theme in top),
                       key=lambda f: (f.rule in ROW_SIGNAL_RULES, f.level == UNKNOWN,
                                      -level_rank(f.level), f.theme, f.rule))
        return flags

    def main_reasons(self, limit: int = 2) -> list[str]:
        """The strongest distinct reasons, themes sharing one piece of evidence joined."""
        groups: dict[tuple[str, str], list[str]] = {}
        for f in self.main_flags():
            themes = groups.setdefault((f.rule, f.evidence), [])
            if f.theme not in themes:
                themes.append(f.theme)
        return [f"{', '.join(t.replace('_', ' ') for t in themes)}: {evidence}"
                for (_, evidence), themes in list(groups.items())[:limit]]

    def theme_levels(self) -> dict[str, str]:
        return {k: t.level for k, t in sorted(self.themes.items())}

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "score": self.score, "themes": self.theme_levels(),
                "upstream_level": self.upstream_level}


@dataclass(slots=True)
class Company:
    id: str
    name: str


@dataclass(slots=True)
class ChainMap:
    """A company's production chains: the result of `imvo map`, shared by every renderer.

    `graph` is a networkx DiGraph whose edges follow the flow of goods (supplier -> customer)
    and end at `company.id`. Node attributes are not relied on by renderers: they read
    `suppliers`, `tiers` and `risk`, keyed by supplier id.
    """

    company: Company
    source: SupplierList
    graph: Any  # networkx.DiGraph
    suppliers: dict[str, Supplier]
    tiers: dict[str, int | None]  # computed tier: shortest distance to the company
    risk: dict[str, RiskAssessment]
    issues: list[Issue]  # ingest issues + chain-structure issues, sorted
    summary: dict[str, Any]  # the imvo.map/1 "summary" object
    sector: str = "textile"
    as_of: date | None = None
    policy: Any = None  # imvo_cli.policy.Policy
