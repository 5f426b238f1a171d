"""`imvo map` as a library: a supplier list -> ChainMap (graph, tiers, risk, summary) -> imvo.map/3."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import orjson

from .graph import COMPANY_ID, ChainGraph, build_chain_graph, company_facts, company_name
from .ingest import read_suppliers
from .model import (
    ALL_LEVELS,
    UNKNOWN,
    ChainMap,
    Company,
    Evidence,
    Issue,
    RiskAssessment,
    Supplier,
    SupplierList,
    evidence_id,
    level_rank,
)
from .policy import Policy, load_policy
from .report.jsonout import dumps, dumps_compact
from .risk import assess_suppliers, load_profile
from .risk.engine import _cells, _given, source_list, unrecognised_cells
from .sectors import chosen_sector

SCHEMA = "imvo.map/3"

# Supplier fields that go into a node's "attributes" (the rest are top-level node keys).
_ATTRIBUTE_FIELDS = ("source_id", "other_ids", "address", "city", "region", "postal_code",
                     "sector", "certifications", "supplies_to", "workers", "parent_company",
                     "audit_standard", "audit_date", "audit_result", "purchase_share", "os_id",
                     "lat", "lng")


def build_chain_map(supplier_list: SupplierList, *, company: str | None = None,
                    policy: Policy | None = None, sector: str | None = None,
                    as_of: date | None = None,
                    on_stage: Callable[[str], None] | None = None) -> ChainMap:
    """Link the suppliers into chains, score each one's risk and roll risk up the chains.

    `on_stage` is told the name of each step as it starts (a progress bar hooks in there).
    """
    policy = policy or Policy()
    sector = chosen_sector(sector, policy, [supplier_list.sector])
    stage = on_stage or (lambda _name: None)
    name = company_name(supplier_list, company, policy)

    stage("linking")
    chain = build_chain_graph(supplier_list, name, COMPANY_ID)

    stage("scoring")
    profile = load_profile(sector)
    columns = frozenset(supplier_list.columns)
    risk = assess_suppliers(supplier_list.suppliers, profile, policy, as_of, columns)
    propagate_upstream_risk(chain, risk)
    rank_priorities(risk, chain.tiers)

    issues = sorted([*supplier_list.issues, *chain.issues], key=Issue.sort_key)
    chain_map = ChainMap(
        company=Company(COMPANY_ID, name), source=supplier_list, graph=chain.graph,
        suppliers={s.id: s for s in supplier_list.suppliers}, tiers=chain.tiers, risk=risk,
        issues=issues, summary={}, sector=sector, as_of=as_of,
        # the policy as applied: its sector is the profile used (--sector, the list's own)
        policy=policy if policy.sector == sector else replace(policy, sector=sector))
    chain_map.summary = summarise(chain_map, chain)
    # Kept for renderers that want paths or upstream counts without recomputing them.
    chain_map.graph.graph["facts"] = chain.facts
    chain_map.graph.graph["cycles"] = chain.cycles
    chain_map.graph.graph["unreachable"] = chain.unreachable
    return chain_map


def read_and_map(path: str | Path, *, sheet=None, column_map: dict[str, str] | None = None,
                 policy: Policy | None = None, company: str | None = None,
                 sector: str | None = None, as_of: date | None = None,
                 on_stage: Callable[[str], None] | None = None) -> ChainMap:
    """Read a supplier list and map it (the whole of `imvo map FILE` without the printing)."""
    policy = policy or load_policy(near=path)
    if on_stage:
        on_stage("reading")
    supplier_list = read_suppliers(path, sheet=sheet, column_map=column_map, policy=policy,
                                   company=company)
    return build_chain_map(supplier_list, company=company, policy=policy, sector=sector,
                           as_of=as_of, on_stage=on_stage)


# ---------------------------------------------------------------- priority


_NO_PRIORITY_KEY = (-1.0, 0, -1, -1.0)
_FAR = 1_000_000  # the tier of a supplier without one: after every computed tier
_RANK_OF = {lvl: level_rank(lvl) for lvl in ALL_LEVELS}
_FIRST = itemgetter(0)


def _priority_keys(risk: dict[str, RiskAssessment],
                   tiers: dict[str, int | None]) -> list[tuple]:
    """Per supplier its sort key (see priority_order), the supplier id last."""
    rank_of, get_tier = _RANK_OF, tiers.get
    keys = []
    for sid, a in risk.items():
        score, severity, workers, share = a.priority_key or _NO_PRIORITY_KEY
        rank = rank_of.get(a.level)
        tier = get_tier(sid)
        keys.append((-(rank if rank is not None else level_rank(a.level)), -score, -severity,
                     -workers, -share, tier if tier is not None else _FAR, sid))
    keys.sort()
    return keys


def priority_order(risk: dict[str, RiskAssessment], tiers: dict[str, int | None]) -> list[str]:
    """Supplier ids, where to act first first: residual risk (level, then score), severity,
    scale (workers), leverage (purchase share), then the nearer tier; ties in id order."""
    return [key[-1] for key in _priority_keys(risk, tiers)]


def rank_priorities(risk: dict[str, RiskAssessment], tiers: dict[str, int | None]) -> None:
    """Set each assessment's `priority`: 1 = act first; suppliers with equal evidence share a rank.

    Suppliers tie when their level, priority key and tier are equal; each tie is a run of
    priority_order and every supplier in it gets the place of the run's first. The ties are
    ordered once each (a few thousand however many suppliers) instead of every supplier;
    only when two different ties would sort alike (an unfamiliar level ranks as unknown) are
    the suppliers themselves ordered.
    """
    ties = _ties(risk, tiers)
    order = sorted(((_tie_key(tie), members) for tie, members in ties.items()), key=_FIRST)
    if any(a[0] == b[0] for a, b in pairwise(order)):
        _rank_each(risk, tiers)
        return
    rank = 1
    for _key, members in order:
        for a in members:
            a.priority = rank
        rank += len(members)


def _ties(risk: dict[str, RiskAssessment],
          tiers: dict[str, int | None]) -> dict[tuple, list[RiskAssessment]]:
    """The suppliers' assessments by (level, priority key, tier): each group ranks as one."""
    ties: dict[tuple, list[RiskAssessment]] = {}
    get_tier = tiers.get
    for sid, a in risk.items():
        tie = (a.level, a.priority_key, get_tier(sid))
        members = ties.get(tie)
        if members is None:
            ties[tie] = [a]
        else:
            members.append(a)
    return ties


def _tie_key(tie: tuple) -> tuple:
    """A tie's place in priority_order: the sort key of its suppliers without their id."""
    level, priority_key, tier = tie
    score, severity, workers, share = priority_key or _NO_PRIORITY_KEY
    return (-level_rank(level), -score, -severity, -workers, -share,
            tier if tier is not None else _FAR)


def _rank_each(risk: dict[str, RiskAssessment], tiers: dict[str, int | None]) -> None:
    """rank_priorities supplier by supplier, in priority_order."""
    previous, rank = None, 0
    get_tier = tiers.get
    for n, key in enumerate(_priority_keys(risk, tiers), 1):
        sid = key[-1]
        a = risk[sid]
        same = (a.level, a.priority_key, get_tier(sid))
        if same != previous:
            rank, previous = n, same
        a.priority = rank


# ---------------------------------------------------------------- upstream risk


def _rank(level: str | None) -> int:
    """The one Level order (critical > high > medium > unknown > low)."""
    return level_rank(level)


_BY_RANK = {level_rank(lvl): lvl for lvl in ALL_LEVELS}


class _Ranks(dict):
    """Level -> _rank(level), the familiar levels filled in and any other one worked out."""

    def __missing__(self, level: str | None) -> int:
        return _rank(level)


_RANKS = _Ranks(_RANK_OF)

# (rank, path): the worst own level strictly upstream of a supplier and the path from it
Upstream = tuple[int, tuple[str, ...]]


def propagate_upstream_risk(chain: ChainGraph, risk: dict[str, RiskAssessment]) -> None:
    """Set each supplier's upstream_level (worst own level above it) and the path to it.

    upstream_path runs from the supplier with that level down the chain to the supplier's
    direct upstream supplier (the supplier itself is not in it). Inside a circle of
    suppliers the path names the circle member only. No upstream suppliers: None.
    Of equal levels the shorter path wins, then the first in id order: deterministic.
    """
    groups, pred = chain.groups, chain.pred
    if groups is None:  # a ChainGraph built by hand, without its groups
        raise ValueError("propagate_upstream_risk needs the chain's groups (build_chain_graph)")
    ranks = _RANKS
    rank = {sid: ranks[a.level] for sid, a in risk.items()}
    # best[n]: Upstream of n, for every n with an upstream supplier
    best: dict[str, Upstream] = {}
    company_group = groups.group_of[chain.company_id]
    members = groups.members
    for c in groups.order:
        if c == company_group:
            continue
        group = members[c]
        if len(group) > 1:
            best.update(_circle_upstream(group, pred, rank, best))
        elif pred[group[0]]:
            best[group[0]] = _worst_upstream(pred[group[0]], rank, best)

    by_rank, get_best = _BY_RANK, best.get
    for sid, assessment in risk.items():
        found = get_best(sid)
        if found is None:
            assessment.upstream_level, assessment.upstream_path = None, []
            continue
        r, path = found
        level = by_rank[r]
        assessment.upstream_level = level
        assessment.upstream_path = [] if level == UNKNOWN else list(path)


def _worst_upstream(preds, rank: dict[str, int], best: dict[str, Upstream]) -> Upstream:
    """The Upstream of a supplier outside any circle, from its direct upstream suppliers.

    Each upstream supplier p offers its own level by path (p,) or its own Upstream extended
    by p, whichever is worse (a tie: the shorter, (p,)). The offers are compared as
    (-rank, path length, path without p, p), which orders as (-rank, length, path) does, so
    only the winner's path is built.
    """
    top = None
    for p in preds:
        r = rank[p]
        via = best.get(p)
        if via is not None and via[0] > r:
            offer = (-via[0], len(via[1]) + 1, via[1], p)
        else:
            offer = (-r, 1, (), p)
        if top is None or offer < top:
            top = offer
    assert top is not None  # a supplier with upstream suppliers
    return -top[0], (*top[2], top[3])


def _better(a: Upstream | None, b: Upstream) -> Upstream:
    """Of two Upstreams the worse level, then the shorter path, then ids: deterministic."""
    if a is None:
        return b
    return a if (-a[0], len(a[1]), a[1]) <= (-b[0], len(b[1]), b[1]) else b


def _circle_upstream(group, pred, rank: dict[str, int],
                     best: dict[str, Upstream]) -> dict[str, Upstream]:
    """The Upstream of each member of a circle of suppliers: from outside the circle as
    _worst_upstream, and every other member's own level and outside Upstream."""
    external: dict[str, Upstream | None] = {}
    for n in group:
        cand = None
        for p in pred[n]:
            if p in group:
                continue
            cand = _better(cand, (rank[p], (p,)))
            if p in best:
                r, path = best[p]
                cand = _better(cand, (r, (*path, p)))
        external[n] = cand
    found: dict[str, Upstream] = {}
    for n in group:
        cand = external[n]
        for u in group:
            if u != n:
                cand = _better(cand, (rank[u], (u,)))
                outside = external[u]
                if outside is not None:
                    r, path = outside
                    cand = _better(cand, (r, (*path, u)))
        assert cand is not None  # a circle has another member
        found[n] = cand
    return found


# ---------------------------------------------------------------- summary and JSON


_LEVELS = attrgetter("level", "inherent_level")
_PRIORITY = attrgetter("priority")
_SEVERITY = attrgetter("severity")


def summarise(chain_map: ChainMap, chain: ChainGraph) -> dict[str, Any]:
    """The imvo.map summary keys first, then extra facts other commands reuse."""
    suppliers = chain_map.source.suppliers
    facts = company_facts(suppliers, chain.tiers, chain.graph)
    assessments = chain_map.risk.values()
    # counted per distinct (level, inherent level): a handful of pairs, however many suppliers
    pairs = Counter(map(_LEVELS, assessments))
    counts = dict.fromkeys(ALL_LEVELS, 0)
    inherent = dict.fromkeys(ALL_LEVELS, 0)
    for (level, inherent_level), n in pairs.items():
        counts[level if level in counts else UNKNOWN] += n
        lvl = inherent_level or level
        inherent[lvl if lvl in inherent else UNKNOWN] += n
    severities = Counter(map(_SEVERITY, chain_map.issues))
    return {
        "suppliers": facts["suppliers"],
        "countries": len(facts["countries"]),
        "max_tier": facts["max_tier"],
        "visibility": facts["visibility"],
        "address_completeness": facts["address_completeness"],
        "risk": counts,
        "risk_inherent": inherent,
        "coverage": data_coverage(chain_map.source, chain_map.sector),
        "priorities": len(set(map(_PRIORITY, assessments))),
        "rows_rejected": len(chain_map.source.rejected_rows),
        # extras (not part of the imvo.map summary object)
        "rows": chain_map.source.rows,
        "suppliers_per_tier": facts["suppliers_per_tier"],
        "country_codes": facts["countries"],
        "processes": facts["processes"],
        "tier1_suppliers": facts["tier1_suppliers"],
        "tier1_with_upstream": facts["tier1_with_upstream"],
        "cycles": len(chain.cycles),
        "unreachable": len(chain.unreachable),
        "errors": severities["error"],
        "warnings": severities["warning"],
    }


SUMMARY_KEYS = ("suppliers", "countries", "max_tier", "visibility", "address_completeness",
                "risk", "risk_inherent", "coverage", "priorities", "rows_rejected")

AUDIT_FIELDS = ("audit_standard", "audit_date", "audit_result")


def data_coverage(supplier_list: SupplierList, sector: str) -> dict[str, Any]:
    """What the list holds for risk: per kind of data, whether the column exists and the
    share of rows with it; for products and processes also the share recognised and the
    unrecognised words with their counts. A column the list lacks is a gap, shown as such."""
    profile = load_profile(sector)
    cols = set(supplier_list.columns)
    rows = sum(len(s.rows) for s in supplier_list.suppliers) or 0

    def share(n: int):
        return round(n / rows, 4) if rows else None

    audit_rows = product_rows = process_rows = product_ok = process_ok = 0
    unrecognised: dict[str, dict[str, int]] = {"product": {}, "process": {}}
    # Rows per distinct (product, sector, process) cells: each is looked up once.
    groups: dict[tuple[tuple[str, ...], ...], int] = {}
    for s in supplier_list.suppliers:
        n = len(s.rows)
        if s.audit_date or (s.audit_standard and _given(s.audit_standard)) or (
                s.audit_result and _given(s.audit_result)):
            audit_rows += n
        key = (tuple(s.product), tuple(s.sector), tuple(s.process))
        groups[key] = groups.get(key, 0) + n
    for (product_cells, sector_cells, process_cells), n in groups.items():
        for kind, cells in (("product", _cells(product_cells) or _cells(sector_cells)),
                            ("process", _cells(process_cells))):
            if not cells:
                continue
            missed = unrecognised_cells(profile, cells)
            if kind == "product":
                product_rows += n
                product_ok += n if len(missed) < len(cells) else 0
            else:
                process_rows += n
                process_ok += n if len(missed) < len(cells) else 0
            counts = unrecognised[kind]
            for cell in missed:
                k = cell.strip().lower()
                counts[k] = counts.get(k, 0) + n

    def column(fields) -> bool:
        return any(f in cols for f in fields)

    return {
        "rows": rows,
        "audit": {"column": column(AUDIT_FIELDS), "share": share(audit_rows) if column(AUDIT_FIELDS) else None},
        "product": {"column": column(("product", "sector")), "share": share(product_rows),
                    "recognised": share(product_ok)},
        "process": {"column": column(("process",)), "share": share(process_rows),
                    "recognised": share(process_ok)},
        "unrecognised": {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0])))
                         for k, v in unrecognised.items()},
    }


OSH_ATTACHMENTS = "osh_matches"  # graph attribute set by osh.attach_to_chain_map (osh.GRAPH_KEY)


def node_attributes(chain_map: ChainMap, supplier_id: str) -> dict[str, Any]:
    """Everything else known about a supplier: its other columns and its place in the chains."""
    graph = chain_map.graph.graph if chain_map.graph is not None else {}
    return _attributes(chain_map.suppliers[supplier_id], graph.get("facts", {}).get(supplier_id),
                       graph.get(OSH_ATTACHMENTS, {}).get(supplier_id),
                       chain_map.risk[supplier_id].upstream_path)


_ATTRIBUTE_VALUES = attrgetter(*_ATTRIBUTE_FIELDS)


def _attributes(s: Supplier, facts: Any, attached: Any, upstream_path: list[str]) -> dict[str, Any]:
    # An empty cell or list is left out; 0 and 0.0 are values. Most values are truthy, which
    # settles them at the first test.
    out = {name: value for name, value in zip(_ATTRIBUTE_FIELDS, _ATTRIBUTE_VALUES(s), strict=True)
           if value or (value is not None and value != "" and value != [])}
    audited = out.get("audit_date")
    if isinstance(audited, date):
        out["audit_date"] = audited.isoformat()
    if facts is not None:
        out["customers"] = facts.customers
        out["paths"] = facts.paths
        out["paths_capped"] = facts.paths_capped
        out["upstream_depth"] = facts.upstream_depth
        out["upstream_suppliers"] = facts.upstream_suppliers
        if facts.in_cycle:
            out["in_cycle"] = True
    # OS IDs attached from an Open Supply Hub download (imvo map --facilities), if any.
    if attached is not None:
        out["os_id_match"] = attached.to_dict()
    if upstream_path:
        out["upstream_path"] = upstream_path
    if s.extra:
        out["extra"] = dict(sorted(s.extra.items()))
    return out


class EvidenceTable:
    """Each distinct evidence item of a map once, with its id (e1, e2, ... in order of first
    reference, nodes in id order); a node and its themes refer to items by id.

    Suppliers with the same assessment share its `evidence` tuple, and assessments of one place
    share its place evidence items: ids are worked out once per tuple and once per item object
    (keyed by identity; the table holds each tuple and item, so no identity is reused).
    """

    def __init__(self) -> None:
        self.items: list[Evidence] = []
        self._ids: dict[Evidence, str] = {}
        self._by_object: dict[int, tuple[Evidence, str]] = {}
        self._refs: dict[int, tuple[tuple, list[str]]] = {}

    def _id(self, ev: Evidence) -> str:
        seen = self._by_object.get(id(ev))
        if seen is not None and seen[0] is ev:
            return seen[1]
        eid = self._ids.get(ev)
        if eid is None:
            eid = self._ids[ev] = evidence_id(len(self.items))
            self.items.append(ev)
        self._by_object[id(ev)] = (ev, eid)
        return eid

    def refs(self, a: RiskAssessment) -> list[str]:
        """The ids of a supplier's evidence, in its recorded order."""
        hit = self._refs.get(id(a.evidence))
        if hit is None or hit[0] is not a.evidence:
            hit = self._refs[id(a.evidence)] = (a.evidence, self.ids_of(a.evidence))
        return hit[1]

    def ids_of(self, evidence: tuple[Evidence, ...]) -> list[str]:
        """The ids of these items in order, new ones entered: refs without keeping the tuple
        (for a caller that keeps its own). An item object already seen is answered without
        a call."""
        seen, ids = self._by_object.get, []
        for ev in evidence:
            hit = seen(id(ev))
            ids.append(hit[1] if hit is not None and hit[0] is ev else self._id(ev))
        return ids

    def to_list(self) -> list[dict[str, Any]]:
        return [ev.to_dict(evidence_id(i)) for i, ev in enumerate(self.items)]


def assessment_id(index: int) -> str:
    """The id of an entry of a map's assessments table: a1, a2, ... in order of first reference."""
    return f"a{index + 1}"


def theme_dicts(a: RiskAssessment) -> dict[str, Any]:
    """Per theme: residual level and score, inherent ones where different, and the theme's
    evidence as positions in the supplier's evidence list (0 = its first item)."""
    out = {}
    for k, t in sorted(a.themes.items()):
        d: dict[str, Any] = {"level": t.level, "score": t.score, "likelihood": t.likelihood}
        if t.inherent_level is not None or (t.inherent_score is not None and t.inherent_score != t.score):
            d["inherent_level"] = t.inherent
            d["inherent_score"] = t.inherent_score
        d["evidence"] = list(t.evidence)
        out[k] = d
    return out


class AssessmentTable:
    """Each distinct assessment of a map once: its themes with evidence as positions, so every
    supplier assessed alike (the same levels, scores and kinds of evidence) shares one entry
    whatever its own evidence items. Ids a1, a2, ... in order of first reference.

    Entries are told apart by their encoded text; the themes of a supplier are encoded once per
    themes object (keyed by identity; the table holds each one, so no identity is reused).
    """

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._ids: dict[bytes, str] = {}
        self._by_themes: dict[int, tuple[Mapping, str]] = {}

    def _enter(self, themes: dict[str, Any]) -> str:
        key = orjson.dumps(themes)
        aid = self._ids.get(key)
        if aid is None:
            aid = self._ids[key] = assessment_id(len(self.items))
            self.items.append(themes)
        return aid

    def ref(self, a: RiskAssessment) -> str:
        """The id of the supplier's assessment, from its own themes."""
        hit = self._by_themes.get(id(a.themes))
        if hit is None or hit[0] is not a.themes:
            hit = self._by_themes[id(a.themes)] = (a.themes, self._enter(theme_dicts(a)))
        return hit[1]

    def ref_via_plan(self, a: RiskAssessment) -> str:
        """ref(a), the themes read from the supplier's plan: every assessment of one plan has
        its levels, scores and evidence positions (only the items differ), so tens of
        thousands of results are encoded as a few thousand plans."""
        plan = a.plan
        if (plan is a or not isinstance(plan, RiskAssessment)
                or len(plan.evidence) != len(a.evidence) or plan.themes.keys() != a.themes.keys()):
            return self.ref(a)
        return self.ref(plan)

    def to_list(self) -> list[dict[str, Any]]:
        return [{"id": assessment_id(i), "themes": themes} for i, themes in enumerate(self.items)]


@dataclass(slots=True)
class Tables:
    """The two tables of a map document, filled in node order (nodes in id order)."""

    evidence: EvidenceTable
    assessments: AssessmentTable


def document_tables(chain_map: ChainMap, *, via_plan: bool = False) -> Tables:
    """The map's evidence and assessments tables, every supplier entered in node order."""
    tables = Tables(EvidenceTable(), AssessmentTable())
    ref = tables.assessments.ref_via_plan if via_plan else tables.assessments.ref
    for sid in sorted(chain_map.suppliers):
        a = chain_map.risk[sid]
        tables.evidence.refs(a)
        ref(a)
    return tables


def node_document(chain_map: ChainMap, supplier_id: str, tables: Tables) -> dict[str, Any]:
    s = chain_map.suppliers[supplier_id]
    a = chain_map.risk[supplier_id]
    refs = tables.evidence.refs(a)
    return {
        "id": s.id,
        "name": s.name,
        "country": s.country,
        "tier": chain_map.tiers.get(s.id),
        "declared_tier": s.declared_tier,
        "process": s.process,
        "product": s.product,
        "rows": s.rows,
        "risk": risk_dict(a, refs, tables.assessments.ref(a)),
        "evidence": refs,
        "attributes": node_attributes(chain_map, supplier_id),
    }


def risk_dict(a: RiskAssessment, refs: list[str], assessment: str) -> dict[str, Any]:
    """A node's "risk" object of imvo.map/3 (level and score are residual); `refs` are the ids
    of the supplier's evidence in the evidence table, `assessment` the id of its themes in the
    assessments table."""
    return {"level": a.level, "score": a.score,
            "inherent_level": a.inherent_level or a.level, "inherent_score": a.inherent_score,
            "severity": a.severity, "priority": a.priority, "main": [refs[i] for i in a.main],
            "assessment": assessment, "upstream_level": a.upstream_level}


def _document_head(chain_map: ChainMap) -> dict[str, Any]:
    src = chain_map.source
    return {
        "schema": SCHEMA,
        "company": {"id": chain_map.company.id, "name": chain_map.company.name},
        "source": {"file": src.file, "sheet": src.sheet, "rows": src.rows},
        "summary": {k: chain_map.summary[k] for k in SUMMARY_KEYS},
        "sources": source_list(),
    }


def map_document(chain_map: ChainMap) -> dict[str, Any]:
    """The imvo.map/3 document: the evidence and assessments tables, nodes (without the
    company), edges, issues."""
    tables = document_tables(chain_map)
    return {
        **_document_head(chain_map),
        "evidence": tables.evidence.to_list(),
        "assessments": tables.assessments.to_list(),
        "nodes": [node_document(chain_map, sid, tables) for sid in sorted(chain_map.suppliers)],
        "edges": [{"source": u, "target": v} for u, v in sorted(chain_map.graph.edges())],
        "issues": [i.to_dict() for i in chain_map.issues],
    }


@dataclass(slots=True)
class _Encoded:
    """The parts of a node's JSON that only its assessment decides, encoded once."""

    evidence: tuple  # the assessment's evidence, themes and main, held so their identities
    themes: Mapping  # are not reused
    main: tuple
    assessment: str
    main_ids: orjson.Fragment
    refs: orjson.Fragment


class _SharedEncoding:
    """Per distinct assessment result, its evidence ids, main ids and assessment id, once."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._done: dict[int, _Encoded] = {}

    def all_of(self, assessments: Iterable[RiskAssessment]) -> list[_Encoded]:
        """Each assessment's encoded parts, in turn; a result seen before (the same evidence,
        themes and main objects) is answered from the first, inline."""
        done, encode, out = self._done, self._encode, []
        for a in assessments:
            hit = done.get(id(a.evidence))
            if hit is None or hit.evidence is not a.evidence or hit.themes is not a.themes \
                    or hit.main is not a.main:
                hit = done[id(a.evidence)] = encode(a)
            out.append(hit)
        return out

    def _encode(self, a: RiskAssessment) -> _Encoded:
        refs = self.tables.evidence.ids_of(a.evidence)
        return _Encoded(a.evidence, a.themes, a.main, self.tables.assessments.ref_via_plan(a),
                        orjson.Fragment(_ids_json(list(map(refs.__getitem__, a.main)))),
                        orjson.Fragment(_ids_json(refs)))


def _ids_json(ids: list[str]) -> bytes:
    """A JSON array of evidence ids (e1, e2, ...: nothing to escape), at its own size: a
    small orjson.dumps result keeps a buffer of several kilobytes, tens of thousands kept."""
    return b'["' + '","'.join(ids).encode() + b'"]' if ids else b"[]"


def _nodes_fast(chain_map: ChainMap, ids: list[str], encoded: list[_Encoded]) -> list[dict[str, Any]]:
    """node_document of each supplier, each distinct assessment's parts encoded once (same bytes)."""
    suppliers, risk, tiers = chain_map.suppliers, chain_map.risk, chain_map.tiers
    facts = chain_map.graph.graph.get("facts", {})
    attached = chain_map.graph.graph.get(OSH_ATTACHMENTS, {})
    nodes = []
    for sid, enc in zip(ids, encoded, strict=True):
        s = suppliers[sid]
        a = risk[sid]
        nodes.append({
            "id": sid, "name": s.name, "country": s.country, "tier": tiers.get(sid),
            "declared_tier": s.declared_tier, "process": s.process, "product": s.product,
            "rows": s.rows,
            "risk": {"level": a.level, "score": a.score,
                     "inherent_level": a.inherent_level or a.level,
                     "inherent_score": a.inherent_score, "severity": a.severity,
                     "priority": a.priority, "main": enc.main_ids, "assessment": enc.assessment,
                     "upstream_level": a.upstream_level},
            "evidence": enc.refs,
            "attributes": _attributes(s, facts.get(sid), attached.get(sid), a.upstream_path),
        })
    return nodes


COMPACT_ABOVE = 2000  # nodes; larger documents are written compact


def write_map_json(chain_map: ChainMap, stream) -> None:
    """Write the imvo.map/3 document to a text stream.

    Small maps are indented. Large ones are written compact (no spaces), one chunk of nodes
    at a time, so the whole document never sits in memory twice; the bytes equal
    `dumps_compact(map_document(...))` and a newline.
    """
    if len(chain_map.suppliers) <= COMPACT_ABOVE:
        stream.write(dumps(map_document(chain_map)))
        return
    out = getattr(stream, "buffer", None)
    if out is not None:
        stream.flush()  # bytes go straight to the buffer under the text layer
        write = out.write
    else:
        write = lambda b: stream.write(b.decode("utf-8"))  # noqa: E731 (a text-only stream)
    ids = sorted(chain_map.suppliers)
    tables = Tables(EvidenceTable(), AssessmentTable())
    shared = _SharedEncoding(tables)
    # the tables first, ids in order of first reference (nodes in id order)
    encoded = shared.all_of(map(chain_map.risk.__getitem__, ids))
    write(dumps_compact(_document_head(chain_map))[:-1] + b',"evidence":')
    write(dumps_compact(tables.evidence.to_list()))
    write(b',"assessments":')
    write(dumps_compact(tables.assessments.to_list()))
    write(b',"nodes":[')
    step = 2000  # nodes per write: few calls, never the whole document in memory
    for start in range(0, len(ids), step):
        if start:
            write(b",")
        write(dumps_compact(_nodes_fast(chain_map, ids[start:start + step],
                                        encoded[start:start + step]))[1:-1])
    write(b'],"edges":')
    write(dumps_compact([{"source": u, "target": v} for u, v in sorted(chain_map.graph.edges())]))
    write(b',"issues":')
    write(dumps_compact([i.to_dict() for i in chain_map.issues]))
    write(b"}\n")
    if out is not None:
        out.flush()
