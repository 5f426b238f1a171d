"""Year over year: what changed between two supplier lists, or two sector lists.

    result = diff_lists("suppliers-2024.xlsx", "suppliers-2025.xlsx")   # -> ListDiff
    result.entries      # one per production location: new, gone, kept, merged or split
    result.disengagements, result.summary, result.to_dict()             # imvo.diff/1

    sector = diff_sector("sector-2024.json", "sector-2025.json")       # -> SectorDiff

Suppliers are matched across the years with the aggregate matcher (`match_suppliers` is the
one place that calls it), so a decisions file applies here as it does there. Every data row
of both lists ends in exactly one entry's rows, as an error issue (a rejected row) or as a
skipped template example row.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from .model import ALL_LEVELS, UNKNOWN, ImvoError, Issue, Supplier, at_least, level_rank
from .policy import Policy

SCHEMA = "imvo.diff/1"
HIGH = "high"
COMPARED_FIELDS = ("name", "address", "country", "tier", "process", "product", "workers",
                   "audit")
# Headers (as ingest.headers.header_key folds them) of the column that explains an exit.
EXIT_REASON_KEYS = frozenset({"exitreason", "reasonforexit", "redenbeeindiging", "redenexit",
                              "exitreden", "disengagementreason"})
# Order of kinds at one level in "worst first" views: a rise before a new supplier, etc.
KIND_ORDER = {"risk up": 0, "new": 1, "disengagement": 2, "gone": 3, "changed": 4,
              "merged": 5, "split": 6, "risk down": 7, "unchanged": 8}


# ---------------------------------------------------------------- risk comparison


@dataclass(slots=True)
class ThemeChange:
    """One theme's level then and now (residual; inherent when the risk model gives it)."""

    theme: str
    old_level: str
    new_level: str
    old_inherent: str | None = None
    new_inherent: str | None = None
    evidence_added: list[str] = field(default_factory=list)
    evidence_removed: list[str] = field(default_factory=list)

    @property
    def direction(self) -> str:
        return _direction(self.old_level, self.new_level)

    @property
    def changed(self) -> bool:
        return (self.old_level != self.new_level or self.old_inherent != self.new_inherent
                or bool(self.evidence_added or self.evidence_removed))

    def to_dict(self) -> dict[str, Any]:
        return {"theme": self.theme, "old_level": self.old_level, "new_level": self.new_level,
                "direction": self.direction, "old_inherent": self.old_inherent,
                "new_inherent": self.new_inherent, "evidence_added": self.evidence_added,
                "evidence_removed": self.evidence_removed}


@dataclass(slots=True)
class RiskChange:
    old_level: str
    new_level: str
    themes: list[ThemeChange]  # only the themes that changed

    @property
    def direction(self) -> str:
        return _direction(self.old_level, self.new_level)

    def to_dict(self) -> dict[str, Any]:
        return {"old_level": self.old_level, "new_level": self.new_level,
                "direction": self.direction, "themes": [t.to_dict() for t in self.themes]}


def _direction(old: str | None, new: str | None) -> str:
    a, b = level_rank(old), level_rank(new)
    return "up" if b > a else "down" if b < a else "same"


def _flag_text(flag) -> str:
    return f"{flag.rule}: {flag.evidence} [{flag.source}]"


def theme_evidence(assessment, theme: str) -> set[str]:
    """The evidence behind one theme, as comparable texts.

    Evidence items with ids (`assessment.evidence`, referenced by `evidence_ids` on the theme)
    when the risk model records them, else the flags of that theme."""
    items = getattr(assessment, "evidence", None)
    theme_risk = assessment.themes.get(theme)
    ids = getattr(theme_risk, "evidence_ids", None) if theme_risk is not None else None
    if items and ids is not None:
        by_id = items if isinstance(items, dict) else {getattr(e, "id", str(e)): e for e in items}
        out = set()
        for i in ids:
            e = by_id.get(i)
            text = getattr(e, "text", None) or getattr(e, "evidence", None) or str(e)
            source = getattr(e, "source", None)
            out.add(f"{text} [{source}]" if source else str(text))
        return out
    return {_flag_text(f) for f in assessment.flags if f.theme == theme}


def compare_risk(old, new) -> RiskChange:
    """Residual level per theme then and now (and inherent level and evidence when present);
    `old` and `new` are RiskAssessment objects."""
    changes = []
    for theme in sorted(set(old.themes) | set(new.themes)):
        ot, nt = old.themes.get(theme), new.themes.get(theme)
        before, after = theme_evidence(old, theme), theme_evidence(new, theme)
        change = ThemeChange(
            theme, ot.level if ot else UNKNOWN, nt.level if nt else UNKNOWN,
            getattr(ot, "inherent_level", None), getattr(nt, "inherent_level", None),
            sorted(after - before), sorted(before - after))
        if change.changed:
            changes.append(change)
    return RiskChange(old.level, new.level, changes)


# ---------------------------------------------------------------- matching adapter


@dataclass(slots=True)
class Pairing:
    """Suppliers of two lists grouped by production location: (id, old indexes, new indexes)."""

    groups: list[tuple[str, list[int], list[int]]]
    review: list[tuple[int, int, float]]  # (old index, new index, score): maybe one location
    record_ids: tuple[list[str], list[str]]  # per supplier, in list order
    decided: int = 0  # a person's decisions that applied
    same_id: int = 0  # pairs joined by the company's own supplier id (same_id_decisions)


def match_suppliers(old: list[Supplier], new: list[Supplier], *, threshold: float = 0.86,
                    review_threshold: float = 0.70,
                    decisions: dict[frozenset, str] | None = None) -> Pairing:
    """Group the suppliers of both lists into locations with the aggregate matcher."""
    from .match import make_record, match_records
    from .match.ids import assign_ids

    sups = list(old) + list(new)
    records = [make_record(i, s.name, s.country, s.address, s.city, s.postal_code, s.os_id)
               for i, s in enumerate(sups)]
    by_id = same_id_decisions(old, new, records)
    same_id = sum(1 for pair in by_id if pair not in (decisions or {}))
    clustering = match_records(records, threshold, review_threshold, {**by_id, **(decisions or {})})
    ids = assign_ids([[records[i].key for i in g] for g in clustering.groups],
                     [sorted({records[i].os_id for i in g if records[i].os_id})
                      for g in clustering.groups])
    n = len(old)
    groups = [(ids[k], [i for i in g if i < n], [i - n for i in g if i >= n])
              for k, g in enumerate(clustering.groups)]
    review = []
    for ln in clustering.review:
        a, b = sorted((ln.a, ln.b))
        if a < n <= b:
            review.append((a, b - n, ln.score))
    keys = [r.key for r in records]
    return Pairing(groups, sorted(review), (keys[:n], keys[n:]), clustering.decided - same_id,
                   same_id)


def same_id_decisions(old: list[Supplier], new: list[Supplier], records) -> dict[frozenset, str]:
    """A company's own supplier id, kept across the years, with the same name or the same
    address in the same country: one supplier renamed or moved (a "same" decision, which a
    person's decision file overrides)."""
    n = len(old)
    by_id: dict[tuple, int] = {}
    for i, s in enumerate(old):
        if s.source_id:
            by_id.setdefault((s.source_id.strip().casefold(), s.country), i)
    out: dict[frozenset, str] = {}
    for j, s in enumerate(new):
        i = by_id.get((s.source_id.strip().casefold(), s.country)) if s.source_id else None
        if i is None:
            continue
        a, b = records[i], records[n + j]
        if a.norm_name == b.norm_name or (a.norm_address and a.norm_address == b.norm_address):
            if a.key != b.key:
                out[frozenset((a.key, b.key))] = "same"
    return out


def _pair_within(old_idx: list[int], new_idx: list[int], old: list[Supplier],
                 new: list[Supplier]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair a location's old and new suppliers, most alike first; the rest are left over."""
    if len(old_idx) == 1 and len(new_idx) == 1:
        return [(old_idx[0], new_idx[0])], [], []
    from .match import make_record, score_pair

    def rec(s):
        return make_record(0, s.name, s.country, s.address, s.city, s.postal_code, s.os_id)

    scored = sorted(((-score_pair(rec(old[i]), rec(new[j])).score, i, j)
                     for i in old_idx for j in new_idx))
    pairs, used_old, used_new = [], set(), set()
    for _, i, j in scored:
        if i not in used_old and j not in used_new:
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
    return (sorted(pairs), [i for i in old_idx if i not in used_old],
            [j for j in new_idx if j not in used_new])


# ---------------------------------------------------------------- the list diff


@dataclass(slots=True)
class SupplierSide:
    """A supplier as one year's list gave it."""

    id: str
    name: str
    country: str | None
    tier: int | None
    level: str
    rows: list[int]
    record_id: str
    address: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "country": self.country, "tier": self.tier,
                "level": self.level, "rows": self.rows, "record_id": self.record_id,
                "address": self.address}


@dataclass(slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(slots=True)
class SupplierChange:
    """One production location across the two lists."""

    location_id: str
    status: str  # new | gone | kept | merged (old, now listed with another) | split (new, likewise)
    old: SupplierSide | None
    new: SupplierSide | None
    changes: list[FieldChange] = field(default_factory=list)
    risk: RiskChange | None = None
    exit_reason: str | None = None

    @property
    def name(self) -> str:
        return (self.new or self.old).name  # type: ignore[union-attr]

    @property
    def country(self) -> str | None:
        return (self.new or self.old).country  # type: ignore[union-attr]

    @property
    def level(self) -> str:
        """The worse of the two years' levels."""
        levels = [s.level for s in (self.old, self.new) if s is not None]
        return max(levels, key=level_rank)

    @property
    def disengagement(self) -> bool:
        """Gone while high or critical: an exit to explain (OECD: disengage responsibly)."""
        return self.status == "gone" and self.old is not None and at_least(self.old.level, HIGH)

    @property
    def kind(self) -> str:
        """What a person reads first: risk up, new, disengagement, gone, changed, ..."""
        if self.status == "gone":
            return "disengagement" if self.disengagement else "gone"
        if self.status in ("new", "merged", "split"):
            return self.status
        if self.risk is not None and self.risk.direction != "same":
            return "risk " + self.risk.direction
        return "changed" if self.changes or (self.risk and self.risk.themes) else "unchanged"

    def sort_key(self):
        return (-level_rank(self.level), KIND_ORDER[self.kind], self.name.casefold(),
                self.location_id)

    def to_dict(self) -> dict[str, Any]:
        return {"location_id": self.location_id, "status": self.status, "kind": self.kind,
                "name": self.name, "country": self.country, "level": self.level,
                "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None,
                "changes": [c.to_dict() for c in self.changes],
                "risk": self.risk.to_dict() if self.risk else None,
                "disengagement": self.disengagement, "exit_reason": self.exit_reason}


@dataclass(slots=True)
class ReviewPair:
    """An old and a new supplier that may be one location: a person decides."""

    old: SupplierSide
    new: SupplierSide
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old.to_dict(), "new": self.new.to_dict(), "score": self.score}


@dataclass(slots=True)
class ListDiff:
    """Everything `imvo diff OLD NEW` found; renderers only read it."""

    old_file: str
    new_file: str
    entries: list[SupplierChange]  # worst first
    review: list[ReviewPair]
    summary: dict[str, Any]
    issues: dict[str, list[Issue]]  # "old" / "new" -> that list's issues
    rows: dict[str, dict[str, int]]  # "old" / "new" -> rows read and where they went
    require_exit_reason: bool = False
    decisions_applied: int = 0
    kind: str = "suppliers"

    @property
    def disengagements(self) -> list[SupplierChange]:
        return [e for e in self.entries if e.disengagement]

    @property
    def changed(self) -> list[SupplierChange]:
        return [e for e in self.entries if e.kind not in ("unchanged",)]

    def of_status(self, status: str) -> list[SupplierChange]:
        return [e for e in self.entries if e.status == status]

    @property
    def policy_reasons(self) -> list[str]:
        """Why the diff breaks the policy (empty: it holds)."""
        if not self.require_exit_reason:
            return []
        missing = [e for e in self.disengagements if not e.exit_reason]
        if not missing:
            return []
        names = ", ".join(f"{e.name} ({e.old.level})" for e in missing[:5])  # type: ignore[union-attr]
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        return [f"{len(missing)} high or critical supplier(s) gone without an exit reason: "
                f"{names}{more}"]

    @property
    def exit_code(self) -> int:
        return 1 if self.policy_reasons else 0

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "kind": self.kind,
                "old": {"file": self.old_file}, "new": {"file": self.new_file},
                "summary": self.summary, "policy": {"require_exit_reason": self.require_exit_reason,
                                                    "reasons": self.policy_reasons},
                "entries": [e.to_dict() for e in self.entries if e.kind != "unchanged"],
                "unchanged": sorted(e.location_id for e in self.entries if e.kind == "unchanged"),
                "review": [r.to_dict() for r in self.review],
                "rows": self.rows,
                "issues": {side: [{"file": i.file, **i.to_dict()} for i in items]
                           for side, items in self.issues.items()}}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _address_text(s: Supplier) -> str | None:
    parts = [p for p in (s.address, " ".join(x for x in (s.postal_code, s.city) if x)) if p]
    return ", ".join(parts) or None


def _audit_text(s: Supplier) -> str | None:
    if not (s.audit_standard or s.audit_date or s.audit_result):
        return None
    when = s.audit_date.isoformat() if isinstance(s.audit_date, date) else s.audit_date
    return " ".join(str(p) for p in (s.audit_standard, when, s.audit_result) if p)


def _values(values: list[str]) -> str | None:
    seen = sorted({v.strip() for v in values if v and v.strip()}, key=str.casefold)
    return " | ".join(seen) or None


def field_values(s: Supplier, tier: int | None) -> dict[str, Any]:
    """The compared fields of a supplier, as shown in reports."""
    return {"name": s.name, "address": _address_text(s), "country": s.country, "tier": tier,
            "process": _values(s.process), "product": _values(s.product),
            "workers": s.workers, "audit": _audit_text(s)}


def _same(field_name: str, a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        if field_name in ("process", "product"):
            return {_norm(x) for x in (a or "").split(" | ")} == {_norm(x) for x in (b or "").split(" | ")}
        return _norm(a) == _norm(b)
    return a == b


def field_changes(old: Supplier, old_tier, new: Supplier, new_tier) -> list[FieldChange]:
    a, b = field_values(old, old_tier), field_values(new, new_tier)
    return [FieldChange(f, a[f], b[f]) for f in COMPARED_FIELDS if not _same(f, a[f], b[f])]


def exit_reason(s: Supplier) -> str | None:
    """The text of an `exit_reason` column (any spelling of it) on the supplier's rows."""
    from .ingest.headers import header_key

    for header, value in s.extra.items():
        if header_key(header) in EXIT_REASON_KEYS and str(value).strip():
            return str(value).strip()
    return None


def _coverage(chain_map) -> dict[str, float | None]:
    """Shares of suppliers with the data a due-diligence read needs, and of known theme levels."""
    sups = list(chain_map.suppliers.values())
    n = len(sups)

    def share(k: int, total: int = n) -> float | None:
        return round(k / total, 3) if total else None

    assessed = [t.level for a in chain_map.risk.values() for t in a.themes.values()]
    return {
        "activity": share(sum(1 for s in sups if s.process or s.product)),
        "audit": share(sum(1 for s in sups if s.audit_standard or s.audit_date)),
        "workers": share(sum(1 for s in sups if s.workers is not None)),
        "identifier": share(sum(1 for s in sups if s.os_id or (s.lat is not None and s.lng is not None))),
        "risk_known": share(sum(1 for lvl in assessed if lvl != UNKNOWN), len(assessed)),
    }


def _then_now(old_map, new_map) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("suppliers", "visibility", "address_completeness", "max_tier", "countries"):
        out[key] = {"old": old_map.summary.get(key), "new": new_map.summary.get(key)}
    out["coverage"] = {"old": _coverage(old_map), "new": _coverage(new_map)}
    out["risk_levels"] = {"old": {lvl: old_map.summary["risk"].get(lvl, 0) for lvl in ALL_LEVELS},
                          "new": {lvl: new_map.summary["risk"].get(lvl, 0) for lvl in ALL_LEVELS}}
    return out


def _rows(chain_map) -> dict[str, int]:
    src = chain_map.source
    return {"rows": src.rows, "in_suppliers": sum(len(s.rows) for s in src.suppliers),
            "rejected": len(src.rejected_rows), "examples": src.example_rows}


def _side(chain_map, s: Supplier, record_id: str) -> SupplierSide:
    return SupplierSide(s.id, s.name, s.country, chain_map.tiers.get(s.id, s.declared_tier),
                        chain_map.risk[s.id].level, list(s.rows), record_id, _address_text(s))


def diff_maps(old_map, new_map, *, policy: Policy | None = None,
              threshold: float | None = None, review_threshold: float | None = None,
              decisions: dict[frozenset, str] | None = None) -> ListDiff:
    """Compare two mapped lists (mapping.ChainMap)."""
    policy = policy or Policy()
    threshold = policy.match_threshold if threshold is None else threshold
    review_threshold = policy.review_threshold if review_threshold is None else review_threshold
    if not 0 <= review_threshold <= threshold <= 1:
        raise ImvoError(f"the review threshold ({review_threshold}) must lie between 0 and the "
                        f"match threshold ({threshold}), which must be at most 1", code="usage",
                        hint="for example --threshold 0.86 --review-threshold 0.70")
    old, new = old_map.source.suppliers, new_map.source.suppliers
    pairing = match_suppliers(old, new, threshold=threshold, review_threshold=review_threshold,
                              decisions=decisions)
    old_keys, new_keys = pairing.record_ids
    entries: list[SupplierChange] = []
    for loc, oi, ni in pairing.groups:
        pairs, old_left, new_left = _pair_within(oi, ni, old, new)
        for i, j in pairs:
            a, b = old[i], new[j]
            ta, tb = old_map.tiers.get(a.id, a.declared_tier), new_map.tiers.get(b.id, b.declared_tier)
            entries.append(SupplierChange(
                loc, "kept", _side(old_map, a, old_keys[i]), _side(new_map, b, new_keys[j]),
                field_changes(a, ta, b, tb), compare_risk(old_map.risk[a.id], new_map.risk[b.id])))
        for i in old_left:
            status = "merged" if pairs else "gone"
            entries.append(SupplierChange(loc, status, _side(old_map, old[i], old_keys[i]), None,
                                          exit_reason=exit_reason(old[i])))
        for j in new_left:
            entries.append(SupplierChange(loc, "split" if pairs else "new", None,
                                          _side(new_map, new[j], new_keys[j])))
    entries.sort(key=SupplierChange.sort_key)
    review = [ReviewPair(_side(old_map, old[i], old_keys[i]), _side(new_map, new[j], new_keys[j]), s)
              for i, j, s in pairing.review]
    review.sort(key=lambda r: (-r.score, r.old.record_id, r.new.record_id))
    kinds = Counter(e.kind for e in entries)
    statuses = Counter(e.status for e in entries)
    diff = ListDiff(
        old_file=old_map.source.file, new_file=new_map.source.file, entries=entries,
        review=review, summary={}, issues={"old": list(old_map.issues), "new": list(new_map.issues)},
        rows={"old": _rows(old_map), "new": _rows(new_map)},
        require_exit_reason=policy.require_exit_reason, decisions_applied=pairing.decided)
    diff.summary = {
        "counts": {"old_suppliers": len(old), "new_suppliers": len(new),
                   "kept": statuses["kept"], "new": statuses["new"], "gone": statuses["gone"],
                   "merged": statuses["merged"], "split": statuses["split"],
                   "changed": sum(1 for e in entries if e.status == "kept" and e.changes),
                   "risk_up": kinds["risk up"], "risk_down": kinds["risk down"],
                   "unchanged": kinds["unchanged"],
                   "disengagements": len(diff.disengagements),
                   "exit_reasons_missing": sum(1 for e in diff.disengagements if not e.exit_reason),
                   "review_pairs": len(review), "decisions_applied": pairing.decided,
                   "matched_by_supplier_id": pairing.same_id},
        **_then_now(old_map, new_map),
    }
    return diff


def diff_lists(old_path: str | Path, new_path: str | Path, *, policy: Policy | None = None,
               sector: str | None = None, as_of: date | None = None,
               old_as_of: date | None = None, sheet=None,
               column_map: dict[str, str] | None = None, threshold: float | None = None,
               review_threshold: float | None = None,
               decisions: dict[frozenset, str] | None = None) -> ListDiff:
    """Read, map and compare two supplier lists (or two annotated exports of them).

    `as_of` dates the new list's audits; `old_as_of` the old one's (default: `as_of`)."""
    from .mapping import read_and_map
    from .policy import load_policy

    policy = policy or load_policy(near=new_path)
    old_map = read_and_map(old_path, sheet=sheet, column_map=column_map, policy=policy,
                           sector=sector, as_of=old_as_of or as_of)
    new_map = read_and_map(new_path, sheet=sheet, column_map=column_map, policy=policy,
                           sector=sector, as_of=as_of)
    return diff_maps(old_map, new_map, policy=policy, threshold=threshold,
                     review_threshold=review_threshold, decisions=decisions)


# ---------------------------------------------------------------- the sector diff


@dataclass(slots=True)
class FacilitySide:
    facility_id: str
    name: str
    country: str
    members: list[str]
    member_count: int
    level: str
    record_ids: list[str]
    os_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"facility_id": self.facility_id, "name": self.name, "country": self.country,
                "members": self.members, "member_count": self.member_count,
                "level": self.level}


@dataclass(slots=True)
class FacilityChange:
    status: str  # new | gone | kept
    old: FacilitySide | None
    new: FacilitySide | None

    @property
    def facility_id(self) -> str:
        return (self.new or self.old).facility_id  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return (self.new or self.old).name  # type: ignore[union-attr]

    @property
    def country(self) -> str:
        return (self.new or self.old).country  # type: ignore[union-attr]

    @property
    def level(self) -> str:
        return max((s.level for s in (self.old, self.new) if s), key=level_rank)

    @property
    def members_joined(self) -> list[str]:
        if not (self.old and self.new):
            return []
        before = {m.casefold() for m in self.old.members}
        return [m for m in self.new.members if m.casefold() not in before]

    @property
    def members_left(self) -> list[str]:
        if not (self.old and self.new):
            return []
        after = {m.casefold() for m in self.new.members}
        return [m for m in self.old.members if m.casefold() not in after]

    @property
    def shared(self) -> str | None:
        """"gained" when two or more members list it now and did not before, "lost" likewise."""
        was = self.old is not None and self.old.member_count >= 2
        now = self.new is not None and self.new.member_count >= 2
        return "gained" if now and not was else "lost" if was and not now else None

    @property
    def kind(self) -> str:
        if self.status != "kept":
            return self.status
        d = _direction(self.old.level, self.new.level)  # type: ignore[union-attr]
        if d != "same":
            return "risk " + d
        if self.shared or self.members_joined or self.members_left \
                or self.old.member_count != self.new.member_count:  # type: ignore[union-attr]
            return "changed"
        return "unchanged"

    def sort_key(self):
        return (-level_rank(self.level), KIND_ORDER[self.kind], self.name.casefold(),
                self.facility_id)

    def to_dict(self) -> dict[str, Any]:
        return {"facility_id": self.facility_id, "status": self.status, "kind": self.kind,
                "name": self.name, "country": self.country, "level": self.level,
                "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None,
                "members_joined": self.members_joined, "members_left": self.members_left,
                "shared": self.shared}


@dataclass(slots=True)
class MemberChange:
    member: str
    status: str  # resubmitted | new | not resubmitted | unreadable
    old_score: int | None
    new_score: int | None
    old_facilities: int | None
    new_facilities: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"member": self.member, "status": self.status, "old_score": self.old_score,
                "new_score": self.new_score, "old_facilities": self.old_facilities,
                "new_facilities": self.new_facilities}


@dataclass(slots=True)
class SectorDiff:
    old_file: str
    new_file: str
    facilities: list[FacilityChange]  # worst first
    members: list[MemberChange]
    summary: dict[str, Any]
    kind: str = "sector"

    @property
    def exit_code(self) -> int:
        return 0

    @property
    def policy_reasons(self) -> list[str]:
        return []

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "kind": self.kind, "old": {"file": self.old_file},
                "new": {"file": self.new_file}, "summary": self.summary,
                "facilities": [f.to_dict() for f in self.facilities if f.kind != "unchanged"],
                "unchanged": sorted(f.facility_id for f in self.facilities if f.kind == "unchanged"),
                "members": [m.to_dict() for m in self.members]}


@dataclass(slots=True)
class SectorList:
    """What a sector output (imvo.aggregate/1 JSON or workbook) says, as diff needs it."""

    file: str
    facilities: list[FacilitySide]
    members: list[dict[str, Any]]  # member, readable, disclosure_score, facilities
    public: bool = False


def _sector_from_doc(doc: dict, file: str) -> SectorList:
    facs = []
    for f in doc.get("facilities", []):
        members = list(f.get("members") or [])
        facs.append(FacilitySide(str(f.get("facility_id") or ""), str(f.get("name") or ""),
                                 str(f.get("country") or ""), members,
                                 int(f.get("member_count") or len(members)),
                                 (f.get("risk") or {}).get("level") or UNKNOWN,
                                 list(f.get("record_ids") or []), list(f.get("os_ids") or [])))
    members = [{"member": m.get("member"), "readable": m.get("readable", True),
                "disclosure_score": m.get("disclosure_score"), "facilities": m.get("facilities")}
               for m in doc.get("members", []) if m.get("member")]
    return SectorList(file, facs, members, bool(doc.get("public")))


def _bad_sector(path, why: str) -> ImvoError:
    return ImvoError(f"not a sector list: {why}", file=path, code="diff-input",
                     hint="give two outputs of imvo aggregate (.json or .xlsx), or two folders "
                          "of member lists")


def _cells(row, i):
    return row[i] if i is not None and i < len(row) else None


def _sector_from_workbook(path: Path) -> SectorList:
    from .ingest.readers import read_sheets

    sheets = {s.name: s for s in read_sheets(path)}
    if "Production locations" not in sheets:
        raise _bad_sector(path, "no 'Production locations' sheet")
    rows = sheets["Production locations"].load(None)
    head = [str(c or "") for c in (rows[0] if rows else [])]
    if "Facility ID" not in head:
        raise _bad_sector(path, "the 'Production locations' sheet has no 'Facility ID' column")
    col = {h: head.index(h) for h in head}
    facs = []
    for row in rows[1:]:
        fid = str(_cells(row, col["Facility ID"]) or "").strip()
        if not fid:
            continue
        names = str(_cells(row, col.get("Member names")) or "")
        members = [m.strip() for m in names.split(" | ") if m.strip()]
        count = _cells(row, col.get("Members"))
        facs.append(FacilitySide(
            fid, str(_cells(row, col.get("Name")) or ""), str(_cells(row, col.get("Country")) or ""),
            members, int(count) if isinstance(count, (int, float)) else len(members),
            str(_cells(row, col.get("Risk level")) or UNKNOWN),
            str(_cells(row, col.get("Record IDs")) or "").split(),
            str(_cells(row, col.get("OS IDs")) or "").split()))
    members = []
    if "Members" in sheets:
        mrows = sheets["Members"].load(None)
        mh = [str(c or "") for c in (mrows[0] if mrows else [])]
        mc = {h: mh.index(h) for h in mh}
        for row in mrows[1:]:
            name = _cells(row, mc.get("Member"))
            if name:
                score = _cells(row, mc.get("Disclosure score"))
                fcount = _cells(row, mc.get("Facilities"))
                members.append({"member": str(name),
                                "readable": str(_cells(row, mc.get("Readable")) or "yes") == "yes",
                                "disclosure_score": int(score) if isinstance(score, (int, float)) else None,
                                "facilities": int(fcount) if isinstance(fcount, (int, float)) else None})
    return SectorList(str(path), facs, members, "Members" not in sheets)


def is_sector_output(path: str | Path) -> bool:
    """A folder, an imvo.aggregate/1 JSON or a workbook with a 'Production locations' sheet."""
    p = Path(path)
    if p.is_dir():
        return True
    if p.suffix.lower() == ".json":
        return True
    if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file():
        import zipfile

        try:
            with zipfile.ZipFile(p) as z:
                wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
        except (OSError, KeyError, zipfile.BadZipFile):
            return False
        return 'name="Production locations"' in wb and 'name="Members"' in wb or \
            ('name="Production locations"' in wb and 'name="Shared suppliers"' in wb)
    return False


def read_sector(path: str | Path) -> SectorList:
    """An aggregate output: its JSON (imvo.aggregate/1) or its workbook."""
    path = Path(path)
    if not path.is_file():
        raise ImvoError("file not found", file=path, code="file-not-found",
                        hint="check the path")
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise _bad_sector(path, f"invalid JSON ({exc})") from None
        if not isinstance(doc, dict) or doc.get("schema") != "imvo.aggregate/1":
            raise _bad_sector(path, "the JSON is not an imvo.aggregate/1 document")
        return _sector_from_doc(doc, str(path))
    return _sector_from_workbook(path)


def aggregate_folders(old: str | Path, new: str | Path, policy: Policy | None = None,
                      **options) -> tuple[SectorList, SectorList]:
    """Aggregate two folders of member lists; the new year keeps the old year's facility ids."""
    from .aggregate import aggregate
    from .match.ids import PreviousIds

    first = aggregate([old], policy, **options)
    prev = PreviousIds()
    for f in first.facilities:
        prev.issued.add(f.facility_id)
        for key in f.record_ids:
            prev.by_record.setdefault(key, f.facility_id)
        for o in f.os_ids:
            prev.by_os_id.setdefault(o, f.facility_id)
    second = aggregate([new], policy, previous=prev, **options)
    return (_sector_from_doc(first.to_dict(), str(old)), _sector_from_doc(second.to_dict(), str(new)))


def _pair_facilities(old: list[FacilitySide], new: list[FacilitySide]):
    """Same facility id first, then a shared record id, then a shared OS ID."""
    pairs: list[tuple[int, int]] = []
    left_old = set(range(len(old)))
    left_new = set(range(len(new)))
    for key in ("id", "record", "os"):
        index: dict[str, int] = {}
        for i in sorted(left_old):
            for k in _facility_keys(old[i], key):
                index.setdefault(k, i)
        for j in sorted(left_new):
            hits = sorted({index[k] for k in _facility_keys(new[j], key) if k in index} & left_old)
            if hits:
                pairs.append((hits[0], j))
                left_old.discard(hits[0])
                left_new.discard(j)
    return pairs, sorted(left_old), sorted(left_new)


def _facility_keys(f: FacilitySide, key: str) -> list[str]:
    return [f.facility_id] if key == "id" else f.record_ids if key == "record" else f.os_ids


def diff_sector_lists(old: SectorList, new: SectorList) -> SectorDiff:
    pairs, gone, added = _pair_facilities(old.facilities, new.facilities)
    facs = [FacilityChange("kept", old.facilities[i], new.facilities[j]) for i, j in pairs]
    facs += [FacilityChange("gone", old.facilities[i], None) for i in gone]
    facs += [FacilityChange("new", None, new.facilities[j]) for j in added]
    facs.sort(key=FacilityChange.sort_key)
    members = _member_changes(old, new)
    kinds = Counter(f.kind for f in facs)
    levels_old = Counter(f.level for f in old.facilities)
    levels_new = Counter(f.level for f in new.facilities)
    summary = {
        "counts": {"old_facilities": len(old.facilities), "new_facilities": len(new.facilities),
                   "kept": len(pairs), "new": len(added), "gone": len(gone),
                   "risk_up": kinds["risk up"], "risk_down": kinds["risk down"],
                   "shared_gained": sum(1 for f in facs if f.shared == "gained"),
                   "shared_lost": sum(1 for f in facs if f.shared == "lost"),
                   "members_not_resubmitted": sum(1 for m in members if m.status == "not resubmitted"),
                   "members_new": sum(1 for m in members if m.status == "new"),
                   "members_unreadable": sum(1 for m in members if m.status == "unreadable")},
        "members": {"old": len(old.members), "new": len(new.members)},
        "shared_facilities": {"old": sum(1 for f in old.facilities if f.member_count >= 2),
                              "new": sum(1 for f in new.facilities if f.member_count >= 2)},
        "risk_levels": {"old": {lvl: levels_old.get(lvl, 0) for lvl in ALL_LEVELS},
                        "new": {lvl: levels_new.get(lvl, 0) for lvl in ALL_LEVELS}},
        "public": {"old": old.public, "new": new.public},
    }
    return SectorDiff(old.file, new.file, facs, members, summary)


def _member_changes(old: SectorList, new: SectorList) -> list[MemberChange]:
    before = {m["member"].casefold(): m for m in old.members}
    after = {m["member"].casefold(): m for m in new.members}
    out = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a and b:
            status = "unreadable" if not b.get("readable", True) else "resubmitted"
        elif a:
            status = "not resubmitted"
        else:
            status = "new"
        out.append(MemberChange((b or a)["member"], status,  # type: ignore[index]
                                a.get("disclosure_score") if a else None,
                                b.get("disclosure_score") if b and b.get("readable", True) else None,
                                a.get("facilities") if a else None,
                                b.get("facilities") if b and b.get("readable", True) else None))
    order = {"not resubmitted": 0, "unreadable": 1, "new": 2, "resubmitted": 3}
    out.sort(key=lambda m: (order[m.status], m.member.casefold()))
    return out


def diff_sector(old: str | Path, new: str | Path, policy: Policy | None = None,
                **options) -> SectorDiff:
    """Compare two aggregate outputs (JSON or workbook), or two folders of member lists."""
    if Path(old).is_dir() != Path(new).is_dir():
        raise ImvoError("compare two folders of member lists, or two aggregate outputs, not one of each",
                        code="usage", hint="for example imvo diff sector-2024.json sector-2025.json")
    if Path(old).is_dir():
        a, b = aggregate_folders(old, new, policy, **options)
    else:
        a, b = read_sector(old), read_sector(new)
    return diff_sector_lists(a, b)


def entries_of(result, kinds: Iterable[str]) -> list:
    """Entries (suppliers or facilities) of the given kinds, worst first."""
    wanted = set(kinds)
    items = result.entries if isinstance(result, ListDiff) else result.facilities
    return [e for e in items if e.kind in wanted]
