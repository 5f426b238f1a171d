"""The sector list: every member's production locations merged into one list of facilities.

    result = aggregate(["members/"], policy)            # -> AggregateResult
    result.facilities, result.members, result.review, result.issues
    result.to_dict()                                    # the imvo.aggregate/1 document

Each input file is one member. Every data row of every file ends in exactly one facility's
`records`, as an error issue (a rejected row), or as a skipped template example row; an
unreadable file becomes one error issue and the run goes on with the other files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import risk
from .countries import country_name
from .ingest import gc_paused, read_suppliers
from .ingest.address import has_full_address
from .ingest.normalise import name_key
from .ingest.readers import SUPPORTED_EXTS
from .match import Clustering, Link, MatchRecord, carry_over, make_record, match_records
from .match.ids import PreviousIds, assign_ids, read_previous
from .match.records import id_seeds
from .model import (
    UNKNOWN,
    Evidence,
    ImvoError,
    Issue,
    Supplier,
    SupplierList,
    at_least,
    evidence_id,
    level_rank,
    worst,
)
from .policy import Policy
from .report.jsonout import Streamed
from .risk import assess_supplier
from .sectors import chosen_sector

SCHEMA = "imvo.aggregate/1"
HIGH = "high"

# Disclosure completeness score (0-100): what a sector agreement asks members to disclose.
DISCLOSURE_WEIGHTS = {"address": 0.4, "depth": 0.3, "activity": 0.2, "identifier": 0.1}
DEPTH_TARGET = 3  # tiers: disclosing three tiers deep earns the full depth part


@dataclass(slots=True)
class RecordRef:
    """One data row of one member's file, and the spelling (record id) it was matched by."""

    member: str
    file: str
    row: int
    record_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"member": self.member, "file": self.file, "row": self.row,
                "record_id": self.record_id}


@dataclass(slots=True)
class Facility:
    facility_id: str
    name: str  # the most common spelling
    names: list[str]  # every spelling, most common first
    country: str
    country_name: str | None
    address: str | None
    city: str | None
    postal_code: str | None
    os_ids: list[str]
    processes: list[str]
    products: list[str]
    workers: int | None  # the largest number any member gave
    members: list[str]
    records: list[RecordRef]
    record_ids: list[str]
    purchase_shares: dict[str, float]  # member -> share of its purchases
    risk_level: str  # residual, from the same evidence as `imvo map`
    themes: dict[str, str]  # theme -> level
    matches: list[dict]  # merges that built it: a, b (record ids), score, rule, fields
    risk_score: float | None = None
    inherent_level: str | None = None
    risk_basis: str = ""  # which member's record the assessment took, and why
    evidence: list[dict] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)  # the members' sector cells, for the OSH upload
    parent_company: str | None = None  # the most common one the members gave

    @property
    def member_count(self) -> int:
        return len(self.members)

    # Names the HTML sector report reads (report/html.py, duck-typed).
    @property
    def id(self) -> str:
        return self.facility_id

    @property
    def level(self) -> str:
        return self.risk_level

    def to_dict(self, public: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "facility_id": self.facility_id, "name": self.name, "names": self.names,
            "country": self.country, "address": self.address, "city": self.city,
            "postal_code": self.postal_code, "os_ids": self.os_ids, "processes": self.processes,
            "products": self.products, "workers": self.workers,
            "member_count": self.member_count,
            "risk": {"level": self.risk_level, "score": self.risk_score,
                     "inherent_level": self.inherent_level or self.risk_level,
                     "themes": self.themes, "basis": self.risk_basis,
                     "evidence": self.evidence},
            "record_ids": self.record_ids, "matches": self.matches,
        }
        if public:  # the basis names a member
            del d["risk"]["basis"]
        else:
            d["members"] = self.members
            d["records"] = [r.to_dict() for r in self.records]
            d["purchase_shares"] = self.purchase_shares
        return d


@dataclass(slots=True)
class MemberSummary:
    member: str
    file: str
    readable: bool
    rows: int = 0
    suppliers: int = 0
    facilities: int = 0
    rejected_rows: int = 0
    example_rows: int = 0
    tiers_disclosed: list[int] = field(default_factory=list)
    beyond_tier1_share: float = 0.0
    address_completeness: float = 0.0
    activity_share: float = 0.0
    identifier_share: float = 0.0
    high_risk: int = 0
    disclosure_score: int = 0

    @property
    def name(self) -> str:
        return self.member

    @property
    def completeness(self) -> float:
        """The disclosure completeness score as a share (0..1)."""
        return self.disclosure_score / 100

    def to_dict(self) -> dict[str, Any]:
        return {"member": self.member, "file": self.file, "readable": self.readable,
                "rows": self.rows, "suppliers": self.suppliers, "facilities": self.facilities,
                "rejected_rows": self.rejected_rows, "example_rows": self.example_rows,
                "tiers_disclosed": self.tiers_disclosed,
                "beyond_tier1_share": self.beyond_tier1_share,
                "address_completeness": self.address_completeness,
                "activity_share": self.activity_share, "identifier_share": self.identifier_share,
                "high_risk": self.high_risk, "disclosure_score": self.disclosure_score}


@dataclass(slots=True)
class ReviewPair:
    """Two spellings that may be one facility: a person decides same or different."""

    a: dict[str, Any]
    b: dict[str, Any]
    score: float
    rule: str
    fields: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "score": self.score, "rule": self.rule,
                "fields": self.fields}


@dataclass(slots=True)
class CountryRow:
    country: str
    name: str | None
    facilities: int
    members: int
    themes: dict[str, dict[str, Any]]  # theme -> {"worst": level, "high_or_worse": n}

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "name": self.name, "facilities": self.facilities,
                "members": self.members, "themes": self.themes}


@dataclass(slots=True)
class AggregateResult:
    """Everything `imvo aggregate` computed; renderers (workbook, JSON, HTML) only read it."""

    members: list[MemberSummary]
    facilities: list[Facility]
    review: list[ReviewPair]
    issues: list[Issue]
    countries: list[CountryRow]
    themes: tuple[str, ...]
    sector: str
    threshold: float
    review_threshold: float
    decisions_applied: int = 0
    public: bool = False
    unreadable: list[str] = field(default_factory=list)
    policy: Any = None  # the Policy used

    @property
    def shared(self) -> list[Facility]:
        """Facilities of 2+ members, most members first, then worst risk: collective leverage."""
        return sorted((f for f in self.facilities if f.member_count >= 2),
                      key=lambda f: (-f.member_count, -level_rank(f.risk_level), f.name,
                                     f.facility_id))

    def summary(self) -> dict[str, Any]:
        levels = Counter(f.risk_level for f in self.facilities)
        return {
            "members": len(self.members),
            "unreadable_files": len(self.unreadable),
            "rows": sum(m.rows for m in self.members),
            "records": sum(len(f.records) for f in self.facilities),
            "rejected_rows": sum(m.rejected_rows for m in self.members),
            "facilities": len(self.facilities),
            "shared_facilities": sum(1 for f in self.facilities if f.member_count >= 2),
            "review_pairs": len(self.review),
            "decisions_applied": self.decisions_applied,
            "risk_levels": {lvl: levels.get(lvl, 0) for lvl in ("critical", "high", "medium", "low", UNKNOWN)},
            "threshold": self.threshold, "review_threshold": self.review_threshold,
        }

    def to_dict(self, *, streamed: bool = False) -> dict[str, Any]:
        """The imvo.aggregate document; with `streamed`, the long lists (issues, facilities) as
        Streamed values for report.jsonout.dumps_chunks, made one item at a time."""
        doc: dict[str, Any] = {"schema": SCHEMA, "sector": self.sector, "public": self.public,
                               "summary": self.summary()}
        if self.public:
            # Nothing that names or sizes a single member: counts of issues only.
            doc["members"] = []
            doc["review"] = []
            codes = Counter((i.severity, i.code) for i in self.issues)
            doc["issues"] = [{"severity": s, "code": c, "count": n}
                             for (s, c), n in sorted(codes.items())]
        else:
            doc["members"] = [m.to_dict() for m in self.members]
            doc["review"] = [r.to_dict() for r in self.review]
            doc["issues"] = (Streamed(lambda: (issue_dict(i) for i in self.issues)) if streamed
                             else [issue_dict(i) for i in self.issues])
        doc["facilities"] = (Streamed(lambda: (f.to_dict(self.public) for f in self.facilities))
                             if streamed else [f.to_dict(self.public) for f in self.facilities])
        doc["countries"] = [c.to_dict() for c in self.countries]
        return doc


def issue_dict(issue: Issue) -> dict[str, Any]:
    return {"file": issue.file, **issue.to_dict()}


def member_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read: the paths given, folders searched recursively; lock and hidden files skipped."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and f.suffix.lower() in SUPPORTED_EXTS and not any(
                        part.startswith((".", "~$")) for part in rel):
                    found.append(f)
        else:
            found.append(p)  # a missing or odd file is reported when read
    seen, out = set(), []
    for f in found:
        key = str(f.resolve()) if f.exists() else str(f)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _member_name(sl: SupplierList | None, path: Path, taken: dict[str, str],
                 issues: list[Issue]) -> str:
    """The member's name, made unique; a name another file already gave is warned, since the
    two lists' facilities would otherwise look shared by two members in silence."""
    base = (sl.company if sl and sl.company else path.stem).strip() or path.name
    name, n = base, 2
    while name.casefold() in taken:
        name = f"{base} ({n})"
        n += 1
    taken[name.casefold()] = str(path)
    if name != base:
        issues.append(Issue(
            "warning", "member-name-repeated",
            f"member {base} is named by {taken[base.casefold()]} too; this list counts as member {name}",
            str(path), hint="give each member one file (or its own name in the Company: cell)"))
    return name


def _most_common(values: Iterable[str | None]) -> tuple[str | None, list[str]]:
    """The most common value (ties: the first in sort order) and all of them in that order."""
    given = [v for v in values if v]
    if len(given) < 2:  # most facilities are listed once
        return (given[0] if given else None), given
    counts = Counter(given)
    ordered = [v for v, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return (ordered[0] if ordered else None), ordered


def _union(lists: Iterable[list[str]]) -> list[str]:
    seen: dict[str, str] = {}
    for values in lists:
        for v in values:
            seen.setdefault(v.casefold(), v)
    return sorted(seen.values(), key=str.casefold)


def supplier_tiers(suppliers: list[Supplier]) -> dict[str, int]:
    """Tier per supplier id: the declared tier, else one more than the customer it supplies."""
    ref: dict[str, Supplier] = {}
    for s in suppliers:
        ref.setdefault(name_key(s.name), s)
        if s.source_id:
            ref[s.source_id.casefold()] = s
        for other in s.other_ids:
            ref.setdefault(other.casefold(), s)
    tiers: dict[str, int] = {s.id: s.declared_tier for s in suppliers if s.declared_tier}
    for s in suppliers:
        if s.id not in tiers and not s.supplies_to:
            tiers[s.id] = 1
    for _ in range(8):  # deeper chains than this are rare; undeclared rest counts as tier 1
        changed = False
        for s in suppliers:
            if s.id in tiers:
                continue
            found = [ref.get(r.casefold()) or ref.get(name_key(r)) for r in s.supplies_to]
            known = [tiers[t.id] for t in found if t is not None and t.id in tiers]
            if known:
                tiers[s.id] = min(known) + 1
                changed = True
        if not changed:
            break
    for s in suppliers:
        tiers.setdefault(s.id, 1)
    return tiers


def _share(n: int, total: int) -> float:
    return round(n / total, 3) if total else 0.0


@dataclass(slots=True)
class MemberLists:
    """What reading the member files gave: one summary per file, the readable lists, issues."""

    members: list[MemberSummary]
    lists: list[tuple[MemberSummary, SupplierList]]
    issues: list[Issue]
    unreadable: list[str]


@dataclass(slots=True)
class Locations:
    """One match record per supplier of every readable list, in list order, and its owner."""

    lists: list[tuple[MemberSummary, SupplierList]]
    records: list[MatchRecord]
    owners: list[tuple[MemberSummary, Supplier]]
    columns_of: list[frozenset]  # the fields the supplier's list has (risk reads the gaps)


def aggregate(paths: Iterable[str | Path], policy: Policy | None = None, *,
              sector: str | None = None, threshold: float | None = None,
              review_threshold: float | None = None,
              decisions: dict[frozenset, str] | None = None, previous=None,
              public: bool = False, sheet=None, column_map: dict[str, str] | None = None,
              as_of: date | None = None, on_progress=None) -> AggregateResult:
    """Read every member file, match production locations into facilities, assess their risk.

    `decisions`: {frozenset({record_id, record_id}): "same" | "different"} (match.decisions);
    `previous`: a match.ids.PreviousIds (or a path to a previous output) for stable ids.
    The stages (read_members, locations, match_records, facilities) are public so that
    benchmarks/aggregate_parts.py can time each of them in one run.
    """
    policy = policy or Policy()
    threshold = policy.match_threshold if threshold is None else threshold
    review_threshold = policy.review_threshold if review_threshold is None else review_threshold
    if not 0 <= review_threshold <= threshold <= 1:
        raise ImvoError(f"the review threshold ({review_threshold}) must lie between 0 and the "
                        f"match threshold ({threshold}), which must be at most 1",
                        code="usage", hint="for example --threshold 0.86 --review-threshold 0.70")
    if previous is not None and not isinstance(previous, PreviousIds):
        previous = read_previous(previous)
    files = member_files(paths)
    if not files:
        raise ImvoError("no supplier lists found", code="no-input",
                        hint="give files (.xlsx .xls .ods .csv) or folders that contain them")
    # Everything read, matched and built stays alive until the outputs are written and makes
    # no reference cycles: the cyclic collector would only rescan it all, again and again
    # (measured: more than half the time of building the facilities).
    with gc_paused():
        read = read_members(files, policy, sheet=sheet, column_map=column_map,
                            on_progress=on_progress)
        sector = chosen_sector(sector, policy, [sl.sector for _, sl in read.lists])
        located = locations(read.lists)
        clustering = match_records(located.records, threshold, review_threshold, decisions)
        profile = risk.load_profile(sector)
        found = facilities(located, clustering, profile, policy, as_of=as_of,
                           previous=previous)
        review = review_pairs(located, clustering)
    return AggregateResult(
        members=read.members, facilities=found, review=review,
        issues=sorted(read.issues, key=Issue.sort_key),
        countries=country_rows(found, tuple(profile.themes)), themes=tuple(profile.themes),
        sector=sector, threshold=threshold, review_threshold=review_threshold,
        decisions_applied=clustering.decided, public=public, unreadable=read.unreadable,
        policy=policy)


def read_members(files: list[Path], policy: Policy, *, sheet=None,
                 column_map: dict[str, str] | None = None, on_progress=None) -> MemberLists:
    """Read each member file; an unreadable one becomes an error issue and the rest go on."""
    out = MemberLists([], [], [], [])
    taken: dict[str, str] = {}  # member name (folded) -> the file that gave it
    for path in files:
        if on_progress is not None:
            on_progress(Path(path).name)
        try:
            sl = read_suppliers(path, sheet=sheet, column_map=column_map, policy=policy)
        except ImvoError as exc:
            out.issues.append(exc.as_issue() if exc.file else Issue(
                "error", exc.code, exc.message, str(path), hint=exc.hint))
            out.unreadable.append(str(path))
            out.members.append(MemberSummary(_member_name(None, path, taken, out.issues), str(path), False))
            continue
        m = MemberSummary(_member_name(sl, path, taken, out.issues), sl.file, True, rows=sl.rows,
                          suppliers=len(sl.suppliers), rejected_rows=len(sl.rejected_rows),
                          example_rows=sl.example_rows)
        out.issues.extend(sl.issues)
        out.members.append(m)
        out.lists.append((m, sl))
    return out


def locations(lists: list[tuple[MemberSummary, SupplierList]]) -> Locations:
    """One match record per supplier (a supplier may span several rows of its file)."""
    out = Locations(lists, [], [], [])
    for m, sl in lists:
        cols = frozenset(sl.columns)
        for s in sl.suppliers:
            out.records.append(make_record(len(out.records), s.name, s.country, s.address,
                                           s.city, s.postal_code, s.os_id))
            out.owners.append((m, s))
            out.columns_of.append(cols)
    return out


def facilities(located: Locations, clustering: Clustering, profile, policy: Policy, *,
               as_of: date | None = None, previous: PreviousIds | None = None) -> list[Facility]:
    """One facility per group of records, with its risk; the members' disclosure figures are
    filled in on the way. Sorted by country, name and id."""
    records = located.records
    as_of = as_of or date.today()  # once: every record is assessed on the same day
    groups = clustering.groups
    if previous is not None and previous.by_record:
        by_record, _ = carry_over(records, previous.by_record)
        previous = PreviousIds(by_record, previous.by_os_id, previous.issued)
    ids = assign_ids([[records[i].key for i in g] for g in groups],
                     [sorted({os_id for i in g if (os_id := records[i].os_id)}) for g in groups],
                     previous, id_seeds(records, groups))
    links_of: dict[int, list[Link]] = {}
    group_of = {i: gi for gi, g in enumerate(groups) for i in g}
    for ln in clustering.links:
        links_of.setdefault(group_of[ln.a], []).append(ln)
    shared = _SharedParts()
    found: list[Facility] = []
    for gi, g in enumerate(groups):
        if len(g) == 1:  # most facilities are listed by one member, once
            found.append(_single(g[0], ids[gi], located, profile, policy, as_of, shared))
        else:
            found.append(_merged(g, ids[gi], links_of.get(gi, []), located, profile, policy,
                                 as_of, shared))
    _fill_member_stats(located, group_of, found)  # still in group order here
    found.sort(key=lambda f: (f.country, f.name.casefold(), f.facility_id))
    return found


def _merged(g: list[int], facility_id: str, links: list[Link], located: Locations, profile,
            policy: Policy, as_of: date, shared: _SharedParts) -> Facility:
    """The facility of a group of records (record indexes `g`, merged by `links`)."""
    records, owners = located.records, located.owners
    sups = [owners[i][1] for i in g]
    mems = [owners[i][0].member for i in g]
    name, names = _most_common(s.name for s in sups)
    address, _ = _most_common(s.address for s in sups)
    city, _ = _most_common(s.city for s in sups)
    postal, _ = _most_common(s.postal_code for s in sups)
    country = sups[0].country or ""
    chosen, basis = _facility_assessment(
        [(owners[i][0].member, owners[i][1], located.columns_of[i]) for i in g], profile,
        policy, as_of)
    refs = sorted((RecordRef(owners[i][0].member, owners[i][0].file, row, records[i].key)
                   for i in g for row in owners[i][1].rows),
                  key=lambda r: (r.member, r.file, r.row))
    shares: dict[str, float] = {}
    for i in g:
        m, s = owners[i]
        if s.purchase_share is not None:
            shares[m.member] = round(shares.get(m.member, 0.0) + s.purchase_share, 4)
    workers = [s.workers for s in sups if s.workers is not None]
    merged = sorted(links, key=lambda ln: (-ln.score, records[ln.a].key, records[ln.b].key))
    matches = [{"a": records[ln.a].key, "b": records[ln.b].key, "score": ln.score,
                "rule": ln.rule, "fields": ln.fields} for ln in merged]
    return Facility(
        facility_id=facility_id, name=name or "", names=names, country=country,
        country_name=country_name(country), address=address, city=city, postal_code=postal,
        os_ids=sorted({os_id for s in sups if (os_id := s.os_id)}),
        processes=_union(s.process for s in sups), products=_union(s.product for s in sups),
        workers=max(workers) if workers else None,
        members=sorted(set(mems), key=str.casefold), records=refs,
        record_ids=sorted({records[i].key for i in g}),
        purchase_shares=dict(sorted(shares.items())),
        risk_level=chosen.level, themes=shared.themes(chosen), matches=matches,
        risk_score=chosen.score, inherent_level=chosen.inherent_level, risk_basis=basis,
        evidence=shared.evidence(chosen), sectors=_union(s.sector for s in sups),
        parent_company=_most_common(s.parent_company for s in sups)[0])


def _single(i: int, facility_id: str, located: Locations, profile, policy: Policy, as_of: date,
            shared: _SharedParts) -> Facility:
    """The facility of one record: what _merged([i]) builds, without the merging (one
    spelling, one member, no links)."""
    m, s = located.owners[i]
    key = located.records[i].key
    chosen = assess_supplier(s, profile, policy, as_of, located.columns_of[i])
    row = s.rows[0] if s.rows else None
    country = s.country or ""
    return Facility(
        facility_id=facility_id, name=s.name or "", names=[s.name] if s.name else [],
        country=country, country_name=country_name(country), address=s.address or None,
        city=s.city or None, postal_code=s.postal_code or None,
        os_ids=[s.os_id] if s.os_id else [], processes=_union((s.process,)),
        products=_union((s.product,)), workers=s.workers, members=[m.member],
        records=[RecordRef(m.member, m.file, r, key) for r in sorted(s.rows)], record_ids=[key],
        purchase_shares=({} if s.purchase_share is None
                         else {m.member: round(0.0 + s.purchase_share, 4)}),
        risk_level=chosen.level, themes=shared.themes(chosen), matches=[],
        risk_score=chosen.score, inherent_level=chosen.inherent_level,
        risk_basis=f"{m.member}, row {row}", evidence=shared.evidence(chosen),
        sectors=_union((s.sector,)), parent_company=s.parent_company or None)


class _SharedParts:
    """Theme levels and evidence items as plain dicts, each made once: assessments share their
    theme and evidence objects (risk builds them once per distinct place and row signal), so
    facilities share the work. Each facility gets its own containers; renderers only read the
    evidence dicts."""

    def __init__(self) -> None:
        # Keyed by id(): each object is kept with its conversion, so its id is not reused.
        self._themes: dict[int, tuple[object, dict[str, str]]] = {}
        self._evidence: dict[int, tuple[object, list[dict[str, Any]]]] = {}
        self._items: dict[tuple[int, int], tuple[Evidence, dict[str, Any]]] = {}

    def themes(self, chosen) -> dict[str, str]:
        hit = self._themes.get(id(chosen.themes))
        if hit is None:
            hit = self._themes[id(chosen.themes)] = (chosen.themes, chosen.theme_levels())
        return dict(hit[1])

    def evidence(self, chosen) -> list[dict[str, Any]]:
        items = chosen.evidence
        hit = self._evidence.get(id(items))
        if hit is None:
            hit = self._evidence[id(items)] = (items, self._dicts(items))
        return list(hit[1])

    def _dicts(self, items) -> list[dict[str, Any]]:
        out = []
        for k, ev in enumerate(items):
            hit = self._items.get((id(ev), k))
            if hit is None:
                hit = self._items[(id(ev), k)] = (ev, ev.to_dict(evidence_id(k)))
            out.append(hit[1])
        return out


def review_pairs(located: Locations, clustering: Clustering) -> list[ReviewPair]:
    """The pairs for a person to decide, best score first."""
    review = [_review_pair(ln, located.records, located.owners) for ln in clustering.review]
    review.sort(key=lambda r: (-r.score, r.a["record_id"], r.b["record_id"]))
    return review


def _facility_assessment(records, profile, policy, as_of):
    """One facility's risk from the same evidence `imvo map` uses for each member's record
    (audits, workers, certifications, the columns that list has). Records that disagree:
    the worst residual counts, since a due-diligence view may not average a finding away."""
    scored = [(assess_supplier(s, profile, policy, as_of, cols), member, s)
              for member, s, cols in records]
    scored.sort(key=lambda x: (tuple(-v for v in x[0].priority_key), x[1].casefold(), x[2].rows))
    chosen, member, s = scored[0]
    row = s.rows[0] if s.rows else None
    if len(scored) == 1:
        return chosen, f"{member}, row {row}"
    distinct = {(a.level, a.score) for a, _, _ in scored}
    if len(distinct) == 1:
        return chosen, f"{len(scored)} records with the same evidence; shown: {member}, row {row}"
    others = "; ".join(f"{m} {a.level} ({a.score})" for a, m, _ in scored[1:])
    return chosen, (f"records disagree: took {member}, row {row} ({chosen.level}, score "
                    f"{chosen.score}), the worst residual; others: {others}")


def _fill_member_stats(located: Locations, group_of: dict[int, int],
                       facilities_by_group: list[Facility]) -> None:
    """Per-member disclosure figures; match records were made member by member, in order."""
    start = 0
    for m, sl in located.lists:
        count = len(sl.suppliers)
        facs = {group_of[i] for i in range(start, start + count)}
        tiers = supplier_tiers(sl.suppliers)
        m.facilities = len(facs)
        m.tiers_disclosed = sorted(set(tiers.values()))
        m.beyond_tier1_share = _share(sum(1 for t in tiers.values() if t >= 2), count)
        m.address_completeness = _share(sum(1 for s in sl.suppliers if has_full_address(s)), count)
        m.activity_share = _share(sum(1 for s in sl.suppliers if s.product or s.process), count)
        m.identifier_share = _share(sum(1 for s in sl.suppliers
                                        if s.os_id or (s.lat is not None and s.lng is not None)), count)
        m.high_risk = sum(1 for g in facs if _high_or_worse(facilities_by_group[g].risk_level))
        m.disclosure_score = disclosure_score(m)
        start += count


def disclosure_score(m: MemberSummary) -> int:
    """0-100: 40 address completeness, 30 chain depth (3 tiers = full), 20 products or
    processes given, 10 Open Supply Hub ids or coordinates given."""
    if not m.suppliers:
        return 0
    depth = min(max(m.tiers_disclosed or [0]), DEPTH_TARGET) / DEPTH_TARGET
    w = DISCLOSURE_WEIGHTS
    return round(100 * (w["address"] * m.address_completeness + w["depth"] * depth
                        + w["activity"] * m.activity_share + w["identifier"] * m.identifier_share))


def _record_dict(i: int, records, owners) -> dict[str, Any]:
    m, s = owners[i]
    return {"record_id": records[i].key, "member": m.member, "file": m.file, "row": s.rows[0],
            "name": s.name, "address": s.address, "city": s.city, "country": s.country,
            "os_id": s.os_id}


def _review_pair(link, records, owners) -> ReviewPair:
    a, b = _record_dict(link.a, records, owners), _record_dict(link.b, records, owners)
    if a["record_id"] > b["record_id"]:
        a, b = b, a
    return ReviewPair(a, b, link.score, link.rule, link.fields)


def country_rows(facilities: list[Facility], themes: tuple[str, ...]) -> list[CountryRow]:
    """The Countries sheet: per country and theme the worst level and the facilities at high or worse."""
    by_country: dict[str, list[Facility]] = {}
    for f in facilities:
        by_country.setdefault(f.country, []).append(f)
    rows = []
    for c, facs in sorted(by_country.items()):
        cells = {}
        for t in themes:
            # A handful of distinct levels per theme: each is ranked once, not once per facility.
            levels = Counter(f.themes.get(t, UNKNOWN) for f in facs)
            cells[t] = {"worst": worst(levels),
                        "high_or_worse": sum(n for lvl, n in levels.items() if _high_or_worse(lvl))}
        rows.append(CountryRow(c, country_name(c), len(facs),
                               len({m for f in facs for m in f.members}), cells))
    return rows


@lru_cache(maxsize=64)
def _high_or_worse(level: str | None) -> bool:
    """at_least(level, high), worked out once per level text (it is asked once per facility)."""
    return at_least(level, HIGH)
