"""Two years of one company's supplier list: matched by location, then compared field by field.

Suppliers are matched with the aggregate matcher through `match_suppliers`, the one place that
calls it, so it can be re-pointed; a decisions file applies here as it does there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..i18n import Phrase, label_phrase
from ..ingest import read_suppliers
from ..ingest.headers import header_key
from ..mapping import build_chain_map
from ..match import make_record, match_records, score_pair
from ..match.ids import assign_ids
from ..match.normalise import normalise_address, normalise_name
from ..match.records import forget_spellings
from ..model import ALL_LEVELS, UNKNOWN, ImvoError, Issue, Supplier, at_least, level_rank, worst
from ..policy import Policy, load_policy
from ..report.jsonout import Streamed
from .riskchange import HIGH, KIND_ORDER, SCHEMA, RiskChange, compare_risk

COMPARED_FIELDS = ("name", "address", "country", "tier", "process", "product", "workers",
                   "audit")
# Headers (as ingest.headers.header_key folds them) of the column that explains an exit.
EXIT_REASON_KEYS = frozenset({"exitreason", "reasonforexit", "redenbeeindiging", "redenexit",
                              "exitreden", "disengagementreason"})


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

    sups = list(old) + list(new)
    records = [make_record(i, s.name, s.country, s.address, s.city, s.postal_code, s.os_id)
               for i, s in enumerate(sups)]
    by_id = same_id_decisions(old, new, records)
    same_id = sum(1 for pair in by_id if pair not in (decisions or {}))
    clustering = match_records(records, threshold, review_threshold, {**by_id, **(decisions or {})})
    ids = assign_ids([[records[i].key for i in g] for g in clustering.groups],
                     [sorted({os_id for i in g if (os_id := records[i].os_id)})
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
        k = by_id.get((s.source_id.strip().casefold(), s.country)) if s.source_id else None
        if k is None:
            continue
        a, b = records[k], records[n + j]
        alike = a.norm_name == b.norm_name or (a.norm_address and a.norm_address == b.norm_address)
        if alike and a.key != b.key:
            out[frozenset((a.key, b.key))] = "same"
    return out


def _pair_within(old_idx: list[int], new_idx: list[int], old: list[Supplier],
                 new: list[Supplier]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair a location's old and new suppliers, most alike first; the rest are left over."""
    if len(old_idx) == 1 and len(new_idx) == 1:
        return [(old_idx[0], new_idx[0])], [], []

    def rec(s):
        return make_record(0, s.name, s.country, s.address, s.city, s.postal_code, s.os_id)

    scored = sorted((-score_pair(rec(old[i]), rec(new[j])).score, i, j)
                     for i in old_idx for j in new_idx)
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
    # Gone here and new in another country with the company's own supplier id and the same
    # name: production moved abroad. The other side's country (both stay gone / new).
    relocated: str | None = None
    # Evidence fields (process, product, workers, audit) the old year gave and the new one
    # does not (no column, or an empty cell): a fall in risk with them is a data gap.
    data_gap: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return (self.new or self.old).name  # type: ignore[union-attr]

    @property
    def country(self) -> str | None:
        return (self.new or self.old).country  # type: ignore[union-attr]

    @property
    def level(self) -> str:
        """The worse of the two years' levels."""
        return worst(s.level for s in (self.old, self.new) if s is not None)

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
            # less data is not less risk: a fall that comes with missing data is no improvement
            return "data gap" if self.risk.direction == "down" and self.data_gap \
                else "risk " + self.risk.direction
        # A priority is a rank within its own list: it moves when other suppliers come or go,
        # so on its own it is not a change of this supplier.
        risk_moved = self.risk is not None and bool(self.risk.themes)
        return "changed" if self.changes or risk_moved else "unchanged"

    def sort_key(self):
        # What changed comes first, worst first; suppliers that did not change follow.
        return (self.kind == "unchanged", -level_rank(self.level), KIND_ORDER[self.kind],
                self.name.casefold(),
                self.location_id)

    def to_dict(self) -> dict[str, Any]:
        return {"location_id": self.location_id, "status": self.status, "kind": self.kind,
                "name": self.name, "country": self.country, "level": self.level,
                "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None,
                "changes": [c.to_dict() for c in self.changes],
                "risk": self.risk.to_dict() if self.risk else None,
                "disengagement": self.disengagement, "exit_reason": self.exit_reason,
                "relocated": self.relocated,
                **({"data_gap": list(self.data_gap)} if self.data_gap else {})}


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
        names = tuple(Phrase("check_reason.named", supplier=e.name,
                             level=label_phrase("level", str(e.old.level)))  # type: ignore[union-attr]
                      for e in missing[:5])
        more = Phrase("check_reason.more", n=len(missing) - 5) if len(missing) > 5 else ""
        return [Phrase("diff_reason.gone_without_exit_reason", n=len(missing), names=names,
                       more=more)]

    @property
    def exit_code(self) -> int:
        return 1 if self.policy_reasons else 0

    def to_dict(self, streamed: bool = False) -> dict[str, Any]:
        """The imvo.diff document; `streamed`: its entries made one by one as they are
        written (report.jsonout.dumps_chunks), the same bytes."""
        entries: Any = Streamed(lambda: (e.to_dict() for e in self.entries
                                         if e.kind != "unchanged")) if streamed else \
            [e.to_dict() for e in self.entries if e.kind != "unchanged"]
        return {"schema": SCHEMA, "kind": self.kind,
                "old": {"file": self.old_file}, "new": {"file": self.new_file},
                "summary": self.summary, "policy": {"require_exit_reason": self.require_exit_reason,
                                                    "reasons": self.policy_reasons},
                "entries": entries,
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
        if _norm(a) == _norm(b):
            return True
        # Another spelling of one name or address is no change: 'Ltd' / 'Limited',
        # 'Rd.' / 'Road', punctuation, accents.
        if field_name == "name":
            return bool(a and b) and normalise_name(a) == normalise_name(b)
        if field_name == "address":
            return bool(a and b) and normalise_address(a) == normalise_address(b)
        return False
    return a == b


# The columns each compared field is read from; tier is always known (declared or derived).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name",), "address": ("address", "postal_code", "city"), "country": ("country",),
    "process": ("process",), "product": ("product",), "workers": ("workers",),
    "audit": ("audit_standard", "audit_date", "audit_result"),
}


EVIDENCE_FIELDS = ("process", "product", "workers", "audit")


def _data_gap(old: Supplier, new: Supplier) -> tuple[str, ...]:
    """The evidence fields the old year gave for a supplier and the new year leaves empty."""
    was, now = field_values(old, None), field_values(new, None)
    return tuple(f for f in EVIDENCE_FIELDS if was[f] not in (None, "") and now[f] in (None, ""))


def comparable_fields(old_columns, new_columns) -> tuple[str, ...]:
    """The compared fields both years' lists have a column for: a column one year lacks says
    nothing about its suppliers (the coverage figures show what is missing)."""
    return tuple(f for f in COMPARED_FIELDS
                 if f not in FIELD_COLUMNS or all(any(c in cols for c in FIELD_COLUMNS[f])
                                                  for cols in (old_columns, new_columns)))


def field_changes(old: Supplier, old_tier, new: Supplier, new_tier,
                  fields: tuple[str, ...] = COMPARED_FIELDS) -> list[FieldChange]:
    a, b = field_values(old, old_tier), field_values(new, new_tier)
    return [FieldChange(f, a[f], b[f]) for f in fields if not _same(f, a[f], b[f])]


def exit_reason(s: Supplier) -> str | None:
    """The text of an `exit_reason` column (any spelling of it) on the supplier's rows."""

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

    assessed = [lvl for a in chain_map.risk.values() for lvl in a.theme_levels().values()]
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


def _mark_relocations(entries: list[SupplierChange], old: list[Supplier],
                      new: list[Supplier]) -> None:
    """Pair a gone and a new location that share the company's supplier id and name but not
    the country: a move abroad, which the responsible-exit question is about."""
    def key(s: Supplier) -> tuple[str, str] | None:
        return (s.source_id.strip().casefold(), _norm(s.name)) if s.source_id else None

    old_by_id, new_by_id = {s.id: s for s in old}, {s.id: s for s in new}
    arrived: dict[tuple[str, str], list[SupplierChange]] = {}
    for e in entries:
        if e.status == "new" and e.new is not None:
            k = key(new_by_id[e.new.id])
            if k:
                arrived.setdefault(k, []).append(e)
    for e in entries:
        if e.status != "gone" or e.old is None:
            continue
        k = key(old_by_id[e.old.id])
        there = [n for n in arrived.get(k, []) if n.country != e.old.country] if k else []
        if len(there) == 1 and there[0].relocated is None:
            e.relocated, there[0].relocated = there[0].country, e.old.country


def diff_maps(old_map, new_map, *, policy: Policy | None = None,
              threshold: float | None = None, review_threshold: float | None = None,
              decisions: dict[frozenset, str] | None = None,
              pairing: Pairing | None = None) -> ListDiff:
    """Compare two mapped lists (mapping.ChainMap); `pairing` is match_suppliers' result for
    their suppliers when the caller has it already (diff_lists matches before it maps)."""
    policy = policy or Policy()
    old, new = old_map.source.suppliers, new_map.source.suppliers
    if pairing is None:
        pairing = _pairing(old, new, policy, threshold, review_threshold, decisions)
    old_keys, new_keys = pairing.record_ids
    fields = comparable_fields(old_map.source.columns, new_map.source.columns)
    entries: list[SupplierChange] = []
    for loc, oi, ni in pairing.groups:
        pairs, old_left, new_left = _pair_within(oi, ni, old, new)
        for i, j in pairs:
            a, b = old[i], new[j]
            ta, tb = old_map.tiers.get(a.id, a.declared_tier), new_map.tiers.get(b.id, b.declared_tier)
            entries.append(SupplierChange(
                loc, "kept", _side(old_map, a, old_keys[i]), _side(new_map, b, new_keys[j]),
                field_changes(a, ta, b, tb, fields), compare_risk(old_map.risk[a.id], new_map.risk[b.id]),
                data_gap=_data_gap(a, b)))
        for i in old_left:
            status = "merged" if pairs else "gone"
            entries.append(SupplierChange(loc, status, _side(old_map, old[i], old_keys[i]), None,
                                          exit_reason=exit_reason(old[i])))
        for j in new_left:
            entries.append(SupplierChange(loc, "split" if pairs else "new", None,
                                          _side(new_map, new[j], new_keys[j])))
    _mark_relocations(entries, old, new)
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
                   "data_gap": kinds["data gap"],
                   "unchanged": kinds["unchanged"],
                   "disengagements": len(diff.disengagements),
                   "exit_reasons_missing": sum(1 for e in diff.disengagements if not e.exit_reason),
                   "review_pairs": len(review), "decisions_applied": pairing.decided,
                   "matched_by_supplier_id": pairing.same_id},
        **_then_now(old_map, new_map),
    }
    return diff


def _pairing(old: list[Supplier], new: list[Supplier], policy: Policy, threshold: float | None,
             review_threshold: float | None, decisions: dict[frozenset, str] | None) -> Pairing:
    """The suppliers of both lists grouped into locations, with the policy's thresholds
    unless others are given."""
    threshold = policy.match_threshold if threshold is None else threshold
    review_threshold = policy.review_threshold if review_threshold is None else review_threshold
    if not 0 <= review_threshold <= threshold <= 1:
        raise ImvoError(f"the review threshold ({review_threshold}) must lie between 0 and the "
                        f"match threshold ({threshold}), which must be at most 1", code="usage",
                        hint="for example --threshold 0.86 --review-threshold 0.70")
    return match_suppliers(old, new, threshold=threshold, review_threshold=review_threshold,
                           decisions=decisions)


def _without_graph(chain_map):
    """A map as the comparison reads it: suppliers, tiers, risk and issues. Its graph is let
    go before the next list is read (at 100,000 rows about 180 MB of the peak)."""
    chain_map.graph = None
    return chain_map


def diff_lists(old_path: str | Path, new_path: str | Path, *, policy: Policy | None = None,
               sector: str | None = None, as_of: date | None = None,
               old_as_of: date | None = None, sheet=None,
               column_map: dict[str, str] | None = None, threshold: float | None = None,
               review_threshold: float | None = None,
               decisions: dict[frozenset, str] | None = None) -> ListDiff:
    """Read, map and compare two supplier lists (or two annotated exports of them).

    `as_of` dates the new list's audits; `old_as_of` the old one's (default: `as_of`)."""

    policy = policy or load_policy(near=new_path)
    # Both lists are read and matched before either is mapped: the matcher's working set is
    # let go before the two maps are built (at 100,000 rows a year, about 300 MB of the peak).
    old_list = read_suppliers(old_path, sheet=sheet, column_map=column_map, policy=policy)
    new_list = read_suppliers(new_path, sheet=sheet, column_map=column_map, policy=policy)
    pairing = _pairing(old_list.suppliers, new_list.suppliers, policy, threshold,
                       review_threshold, decisions)
    forget_spellings()
    old_map = _without_graph(build_chain_map(old_list, policy=policy, sector=sector,
                                             as_of=old_as_of or as_of))
    new_map = _without_graph(build_chain_map(new_list, policy=policy, sector=sector, as_of=as_of))
    return diff_maps(old_map, new_map, policy=policy, pairing=pairing)
