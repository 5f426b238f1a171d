"""The shared vocabulary of imvo: suppliers, issues, flags and risk levels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class LevelLook:
    """How one level reads and looks in every renderer."""

    rank: int  # higher is worse; unknown sits between medium and low
    label: str
    fill: str  # RGB hex, no '#': workbook fills, HTML, graph files
    font: str  # RGB hex of the text on that fill
    style: str  # rich style for the terminal


# Colour-blind-safe palette (Paul Tol's "muted" scheme); the level is always written as text
# too. One palette for every renderer: workbooks, HTML, graph files and the terminal, whose
# styles stay readable on dark and light backgrounds.
_LOOKS: dict[str, LevelLook] = {
    "critical": LevelLook(5, "Critical", "882255", "FFFFFF", "bold white on #882255"),
    "high": LevelLook(4, "High", "CC6677", "000000", "bold #CC6677"),
    "medium": LevelLook(3, "Medium", "DDCC77", "000000", "#DDAA33"),
    "unknown": LevelLook(2, "Unknown (no data)", "DDDDDD", "000000", "dim"),
    "low": LevelLook(1, "Low", "88CCEE", "000000", "#117733"),
}


class Level(StrEnum):
    """The one ordered risk vocabulary. Members are plain strings ("high" == Level.HIGH).

    Worst first: critical > high > medium > unknown > low. "unknown" means: no data, which is
    *not* "no risk", so it sorts above low: it is not a finding, but it is not reassurance.
    Comparison operators stay those of str; order by `rank` (or `Level.worst`).
    """

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    UNKNOWN = "unknown"
    LOW = "low"

    @property
    def look(self) -> LevelLook:
        return _LOOKS[self.value]

    @property
    def rank(self) -> int:
        """Higher is worse; unknown ranks above low."""
        return self.look.rank

    @property
    def label(self) -> str:
        return self.look.label

    @property
    def colour(self) -> str:
        """Fill colour, RGB hex without '#'."""
        return self.look.fill

    @property
    def font_colour(self) -> str:
        return self.look.font

    @property
    def style(self) -> str:
        """rich style for the terminal."""
        return self.look.style

    @property
    def known(self) -> bool:
        """True for a level on the scale low..critical (unknown is outside it)."""
        return self is not Level.UNKNOWN

    def at_least(self, threshold: str) -> bool:
        """True when this known level is at or above a known `threshold` (unknown never is)."""
        other = Level.of(threshold)
        return self.known and other.known and self.rank >= other.rank

    @classmethod
    def of(cls, value: str | None) -> Level:
        """The Level of a string (None or an unfamiliar word: unknown)."""
        try:
            return cls(value or "unknown")
        except ValueError:
            return cls.UNKNOWN

    @classmethod
    def worst(cls, levels: Iterable[str | None]) -> Level:
        """The worst of some levels in the one order (unknown above low); none at all: unknown."""
        best = cls.UNKNOWN
        seen = False
        for value in levels:
            level = cls.of(value)
            if not seen or level.rank > best.rank:
                best, seen = level, True
        return best


# Known levels weakest to strongest (thresholds, `at_least`); unknown is outside the scale.
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
UNKNOWN = "unknown"
# Every level, worst first, as tables and legends list them (unknown last).
ALL_LEVELS: tuple[str, ...] = ("critical", "high", "medium", "low", UNKNOWN)

# The same facts as plain dicts keyed by level text, in ALL_LEVELS order (workbook style
# tables are built by iterating them, so their order is part of the output bytes).
_RANK = {lvl: _LOOKS[lvl].rank for lvl in ALL_LEVELS}
LEVEL_LABELS = {lvl: _LOOKS[lvl].label for lvl in ALL_LEVELS}
LEVEL_COLOURS = {lvl: _LOOKS[lvl].fill for lvl in ALL_LEVELS}
LEVEL_FONT_COLOURS = {lvl: _LOOKS[lvl].font for lvl in ALL_LEVELS}
LEVEL_STYLES = {lvl: _LOOKS[lvl].style for lvl in ALL_LEVELS}
# (level, threshold) -> at_least of the two, for the level texts: one dict read per call.
_AT_LEAST: dict[tuple[str | None, str], bool] = {
    (lvl, threshold): Level(lvl).at_least(threshold) for lvl in ALL_LEVELS for threshold in ALL_LEVELS}


def level_rank(level: str | None) -> int:
    """Rank of a level for "worst first" sorting, higher is worse (None or unfamiliar: unknown)."""
    return _RANK.get(level or UNKNOWN, _RANK[UNKNOWN])


def at_least(level: str | None, threshold: str) -> bool:
    """True when a known `level` is at or above `threshold` (unknown never is)."""
    known = _AT_LEAST.get((level, threshold))
    return Level.of(level).at_least(threshold) if known is None else known


# Level text (or Level member) -> (rank, the level's plain text): `worst` is called per theme
# and per evidence item of every assessment plan, so it reads one dict instead of the enum.
_RANKED = {lvl: (_RANK[lvl], lvl) for lvl in ALL_LEVELS}
_UNKNOWN_RANKED = _RANKED[UNKNOWN]


def worst(levels: Iterable[str | None]) -> str:
    """The worst level of an iterable in the one order (unknown above low); empty: unknown."""
    best = None
    for value in levels:
        ranked = _RANKED.get(value or UNKNOWN, _UNKNOWN_RANKED)
        if best is None or ranked[0] > best[0]:
            best = ranked
    return (best or _UNKNOWN_RANKED)[1]


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

    def line(self, *, hint: bool = True) -> str:
        """'file, sheet 'S', row 4: message (hint)'; without a location, the message alone."""
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        return f"{text} ({self.hint})" if hint and self.hint else text

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
        return self.as_issue().line()


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
    # the user's other ids of rows merged into this one (same name, address and country)
    other_ids: list[str] = field(default_factory=list)


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
    sector: str | None = None  # the profile a 'Sector:' cell above the header names, if any
    # (row, name, own id) of each rejected row, so a link to one can say why it holds nothing
    rejected_suppliers: list[tuple[int, str | None, str | None]] = field(default_factory=list)

    def accounted_rows(self) -> int:
        """Rows that became suppliers, errors or skipped examples; always equals `rows`."""
        return sum(len(s.rows) for s in self.suppliers) + len(self.rejected_rows) + self.example_rows

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


# Flag and Evidence are values: hashable on their fields and never changed once made (shared
# between suppliers, so treat them as read-only). They are not `frozen` dataclasses because a
# frozen one costs about five times as much to create, and assessing a list creates many.
@dataclass(slots=True, unsafe_hash=True)
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


# Kinds of evidence. "place": what the location's country, region, products and processes
# imply (inherent risk). "site": what is recorded about the site itself (audit, certification,
# action status, address, workforce): it turns inherent into residual risk. "gap": data the
# list does not hold or a source does not cover; never evidence of risk, never a main reason.
EVIDENCE_KINDS = ("place", "site", "gap")


@dataclass(slots=True, unsafe_hash=True)
class Evidence:
    """One piece of evidence about a supplier, recorded once; the themes it informs refer to it."""

    rule: str
    kind: str  # one of EVIDENCE_KINDS
    value: str  # what triggered it, in words (the cell, the listing, the rank)
    source: str  # source and edition, or "supplier list" / the policy file
    themes: tuple[str, ...]
    effect: str = ""  # what it does to the score, e.g. "likelihood 4.5", "+0.5 likelihood"
    specific: bool = False  # site-level or specific evidence that may make a theme critical

    def to_dict(self, eid: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": eid, "rule": self.rule, "kind": self.kind,
                               "evidence": self.value, "source": self.source,
                               "themes": list(self.themes)}
        if self.effect:
            out["effect"] = self.effect
        if self.specific:
            out["specific"] = True
        return out


def evidence_id(index: int) -> str:
    """The id of a supplier's evidence item in JSON: e1, e2, ... in recorded order."""
    return f"e{index + 1}"


@dataclass(slots=True)
class ThemeRisk:
    """One theme of one supplier: residual level and score, inherent ones, and its evidence."""

    theme: str
    level: str  # residual (after site evidence)
    score: float | None
    severity: int | None = None
    likelihood: float | None = None
    reasons: list[Flag] = field(default_factory=list)  # the evidence seen from this theme
    inherent_level: str | None = None  # None: same as level (no site evidence applied)
    inherent_score: float | None = None
    evidence: tuple[int, ...] = ()  # indices into RiskAssessment.evidence

    @property
    def inherent(self) -> str:
        return self.inherent_level or self.level


# Rules that read the supplier's own row (audit, address, workforce, certification): they
# adjust a level but are not the evidence of the risk itself, so reasons list them last.
ROW_SIGNAL_RULES = frozenset({"no-audit", "audit-expired", "audit-failed", "missing-address",
                              "large-workforce", "accepted-certification", "audit-valid",
                              "action-status", "audit-undated"})
GAP_RULES = frozenset({"no-data", "no-product-data", "data-gap", "unrecognised-product",
                       "unknown-country", "indicator-no-data"})


def flag_sort_key(flag: Flag):
    """Worst first; at one level, evidence about the place and product before row signals."""
    return (-level_rank(flag.level), flag.rule in ROW_SIGNAL_RULES, flag.theme, flag.rule)


@dataclass(slots=True)
class RiskAssessment:
    """A supplier's own risk per theme (residual and inherent), its evidence, and upstream risk.

    `level` and `score` are residual: inherent risk after site evidence. `evidence` holds each
    piece of evidence once; themes refer to it by index. `flags` is one Flag per evidence item
    (its `theme` names every theme it informs), for renderers that list reasons.
    """

    level: str = UNKNOWN
    score: float | None = None
    # theme -> ThemeRisk; read-only, and for assessed suppliers not always a dict: suppliers
    # assessed alike share one mapping whose per-theme reasons are built on first read
    themes: Mapping[str, ThemeRisk] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    upstream_level: str | None = None
    upstream_path: list[str] = field(default_factory=list)
    inherent_level: str | None = None  # None: no assessment ran (same as level)
    inherent_score: float | None = None
    severity: int | None = None  # of the theme that sets the score
    evidence: tuple[Evidence, ...] = ()
    main: tuple[int, ...] = ()  # indices of the evidence that sets the level, strongest first
    priority_key: tuple = ()  # (score, severity, workers, purchase share): higher acts first
    priority: int | None = None  # rank in its map, 1 = act first; equal evidence, equal rank
    plan: Any = None  # the assessment shared by every supplier with the same kinds of evidence

    def ranked_flags(self) -> list[Flag]:
        return sorted(self.flags, key=flag_sort_key)

    def top_themes(self) -> list[str]:
        """The themes that give the supplier its level."""
        return sorted(k for k, t in self.themes.items() if t.level == self.level)

    def main_evidence(self) -> list[Evidence]:
        """The evidence that sets the level (never a data gap), strongest first."""
        return [self.evidence[i] for i in self.main]

    def main_flags(self) -> list[Flag]:
        """Flags of the main evidence, or of the top themes when no evidence was recorded."""
        if self.evidence:
            return [self.flags[i] for i in self.main]
        top = set(self.top_themes())
        return sorted((f for f in self.flags if f.theme in top),
                      key=lambda f: (f.rule in ROW_SIGNAL_RULES, f.level == UNKNOWN,
                                     -level_rank(f.level), f.theme, f.rule))

    def main_reasons(self, limit: int = 2, labels: dict[str, str] | None = None) -> list[str]:
        """The strongest distinct reasons, each once, with the themes it informs."""
        groups: dict[tuple[str, str], list[str]] = {}
        for f in self.main_flags():
            themes = groups.setdefault((f.rule, f.evidence), [])
            themes.extend(t for t in f.theme.split(", ") if t not in themes)
        return [f"{', '.join((labels or {}).get(t, t.replace('_', ' ')) for t in themes)}: {evidence}"
                for (_, evidence), themes in list(groups.items())[:limit]]

    def theme_levels(self) -> dict[str, str]:
        # Themes shared by suppliers assessed alike know their levels without making their
        # per-supplier reasons.
        levels = getattr(self.themes, "levels", None)
        if levels is not None:
            return levels()
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
    summary: dict[str, Any]  # the imvo.map/2 "summary" object
    sector: str = "textile"
    as_of: date | None = None
    policy: Any = None  # imvo_cli.policy.Policy
