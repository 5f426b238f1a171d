"""`imvo map` as a library: a supplier list -> ChainMap (graph, tiers, risk, summary) -> imvo.map/1."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from .graph import COMPANY_ID, ChainGraph, build_chain_graph, company_facts
from .model import ALL_LEVELS, LEVELS, UNKNOWN, ChainMap, Company, Issue, RiskAssessment, SupplierList
from .policy import Policy

SCHEMA = "imvo.map/1"

# Supplier fields that go into a node's "attributes" (the rest are top-level node keys).
_ATTRIBUTE_FIELDS = ("source_id", "address", "city", "region", "postal_code", "sector",
                     "certifications", "supplies_to", "workers", "parent_company",
                     "audit_standard", "audit_date", "audit_result", "purchase_share", "os_id",
                     "lat", "lng")


def company_name(supplier_list: SupplierList, company: str | None = None,
                 policy: Policy | None = None) -> str:
    """--company, else imvo.toml [company] name, else a metadata cell, else the file name."""
    for candidate in (company, policy.company if policy else None, supplier_list.company):
        if candidate and candidate.strip():
            return candidate.strip()
    return Path(supplier_list.file).stem or "Company"


def build_chain_map(supplier_list: SupplierList, *, company: str | None = None,
                    policy: Policy | None = None, sector: str | None = None,
                    as_of: date | None = None,
                    on_stage: Callable[[str], None] | None = None) -> ChainMap:
    """Link the suppliers into chains, score each one's risk and roll risk up the chains.

    `on_stage` is told the name of each step as it starts (a progress bar hooks in there).
    """
    from .risk import assess_supplier, load_profile

    policy = policy or Policy()
    sector = sector or policy.sector
    stage = on_stage or (lambda _name: None)
    name = company_name(supplier_list, company, policy)

    stage("linking")
    chain = build_chain_graph(supplier_list, name, COMPANY_ID)

    stage("scoring")
    profile = load_profile(sector)
    risk = {s.id: assess_supplier(s, profile, policy, as_of) for s in supplier_list.suppliers}
    propagate_upstream_risk(chain, risk)

    issues = sorted([*supplier_list.issues, *chain.issues], key=Issue.sort_key)
    chain_map = ChainMap(
        company=Company(COMPANY_ID, name), source=supplier_list, graph=chain.graph,
        suppliers={s.id: s for s in supplier_list.suppliers}, tiers=chain.tiers, risk=risk,
        issues=issues, summary={}, sector=sector, as_of=as_of, policy=policy)
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
    from .ingest import read_suppliers
    from .policy import load_policy

    policy = policy or load_policy(near=path)
    if on_stage:
        on_stage("reading")
    supplier_list = read_suppliers(path, sheet=sheet, column_map=column_map, policy=policy,
                                   company=company)
    return build_chain_map(supplier_list, company=company, policy=policy, sector=sector,
                           as_of=as_of, on_stage=on_stage)


# ---------------------------------------------------------------- upstream risk


def _rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def propagate_upstream_risk(chain: ChainGraph, risk: dict[str, RiskAssessment]) -> None:
    """Set each supplier's upstream_level (worst own level above it) and the path to it.

    upstream_path runs from the supplier with that level down the chain to the supplier's
    direct upstream supplier (the supplier itself is not in it). Inside a circle of
    suppliers the path names the circle member only. No upstream suppliers: None.
    """
    groups, pred = chain.groups, chain.pred
    rank = {sid: _rank(a.level) for sid, a in risk.items()}
    # best[n] = (rank, path) of the worst own level strictly upstream of n
    best: dict[str, tuple[int, tuple[str, ...]]] = {}
    has_upstream: set[str] = set()

    def better(a, b):
        # worse level first, then the shorter path, then ids: deterministic
        if a is None:
            return b
        return a if (-a[0], len(a[1]), a[1]) <= (-b[0], len(b[1]), b[1]) else b

    company_group = groups.group_of[chain.company_id]
    for c in groups.order:
        if c == company_group:
            continue
        group = groups.members[c]
        external: dict[str, Any] = {}
        for n in group:
            cand = None
            for p in pred[n]:
                if len(group) > 1 and p in group:
                    continue
                cand = better(cand, (rank[p], (p,)))
                if p in best:
                    r, path = best[p]
                    cand = better(cand, (r, path + (p,)))
            external[n] = cand
            if cand is not None:
                has_upstream.add(n)
        if len(group) > 1:
            for n in group:
                cand = external[n]
                for u in group:
                    if u != n:
                        cand = better(cand, (rank[u], (u,)))
                        if external[u] is not None:
                            r, path = external[u]
                            cand = better(cand, (r, path + (u,)))
                best[n] = cand
                has_upstream.add(n)
        elif external[group[0]] is not None:
            best[group[0]] = external[group[0]]

    for sid, assessment in risk.items():
        if sid not in has_upstream:
            assessment.upstream_level, assessment.upstream_path = None, []
            continue
        r, path = best[sid]
        if r < 0:
            assessment.upstream_level, assessment.upstream_path = UNKNOWN, []
        else:
            assessment.upstream_level, assessment.upstream_path = LEVELS[r], list(path)


# ---------------------------------------------------------------- summary and JSON


def summarise(chain_map: ChainMap, chain: ChainGraph) -> dict[str, Any]:
    """The imvo.map/1 summary keys first, then extra facts other commands reuse."""
    suppliers = chain_map.source.suppliers
    facts = company_facts(suppliers, chain.tiers, chain.graph)
    counts = dict.fromkeys(ALL_LEVELS, 0)
    for a in chain_map.risk.values():
        counts[a.level if a.level in counts else UNKNOWN] += 1
    return {
        "suppliers": facts["suppliers"],
        "countries": len(facts["countries"]),
        "max_tier": facts["max_tier"],
        "visibility": facts["visibility"],
        "address_completeness": facts["address_completeness"],
        "risk": counts,
        "rows_rejected": len(chain_map.source.rejected_rows),
        # extras (not part of the imvo.map/1 summary object)
        "rows": chain_map.source.rows,
        "suppliers_per_tier": facts["suppliers_per_tier"],
        "country_codes": facts["countries"],
        "processes": facts["processes"],
        "tier1_suppliers": facts["tier1_suppliers"],
        "tier1_with_upstream": facts["tier1_with_upstream"],
        "cycles": len(chain.cycles),
        "unreachable": len(chain.unreachable),
        "errors": sum(1 for i in chain_map.issues if i.severity == "error"),
        "warnings": sum(1 for i in chain_map.issues if i.severity == "warning"),
    }


SUMMARY_KEYS = ("suppliers", "countries", "max_tier", "visibility", "address_completeness",
                "risk", "rows_rejected")


def node_attributes(chain_map: ChainMap, supplier_id: str) -> dict[str, Any]:
    """Everything else known about a supplier: its other columns and its place in the chains."""
    s = chain_map.suppliers[supplier_id]
    out: dict[str, Any] = {}
    for name in _ATTRIBUTE_FIELDS:
        value = getattr(s, name)
        if value is None or value == [] or value == "":
            continue
        out[name] = value.isoformat() if isinstance(value, date) else value
    facts = chain_map.graph.graph.get("facts", {}).get(supplier_id)
    if facts is not None:
        out["customers"] = facts.customers
        out["paths"] = facts.paths
        out["paths_capped"] = facts.paths_capped
        out["upstream_depth"] = facts.upstream_depth
        out["upstream_suppliers"] = facts.upstream_suppliers
        if facts.in_cycle:
            out["in_cycle"] = True
    upstream_path = chain_map.risk[supplier_id].upstream_path
    if upstream_path:
        out["upstream_path"] = upstream_path
    if s.extra:
        out["extra"] = dict(sorted(s.extra.items()))
    return out


def node_document(chain_map: ChainMap, supplier_id: str) -> dict[str, Any]:
    s = chain_map.suppliers[supplier_id]
    a = chain_map.risk[supplier_id]
    return {
        "id": s.id,
        "name": s.name,
        "country": s.country,
        "tier": chain_map.tiers.get(s.id),
        "declared_tier": s.declared_tier,
        "process": s.process,
        "product": s.product,
        "rows": s.rows,
        "risk": a.to_dict(),
        "flags": [f.to_dict() for f in a.flags],
        "attributes": node_attributes(chain_map, supplier_id),
    }


def map_document(chain_map: ChainMap) -> dict[str, Any]:
    """The imvo.map/1 document: nodes (without the company), edges, issues."""
    src = chain_map.source
    edges = sorted(chain_map.graph.edges())
    return {
        "schema": SCHEMA,
        "company": {"id": chain_map.company.id, "name": chain_map.company.name},
        "source": {"file": src.file, "sheet": src.sheet, "rows": src.rows},
        "summary": {k: chain_map.summary[k] for k in SUMMARY_KEYS},
        "nodes": [node_document(chain_map, sid) for sid in sorted(chain_map.suppliers)],
        "edges": [{"source": u, "target": v} for u, v in edges],
        "issues": [i.to_dict() for i in chain_map.issues],
    }


class _SharedJson:
    """Compact JSON of values many nodes share, each distinct object encoded once.

    The risk model hands suppliers with the same assessment the same `themes` dict and
    `flags` list, and the same Flag objects across assessments; a large map repeats a few
    thousand distinct flags hundreds of thousands of times. Fragments are keyed by object
    identity; the cache holds each object, so its identity is not reused while writing.
    """

    def __init__(self, encode):
        self.encode = encode
        self.flags: dict[int, tuple[Any, str]] = {}
        self.flag_lists: dict[int, tuple[list, str]] = {}
        self.themes: dict[int, tuple[dict, str]] = {}

    def flag(self, f) -> str:
        hit = self.flags.get(id(f))
        if hit is None:
            hit = self.flags[id(f)] = (f, self.encode(f.to_dict()))
        return hit[1]

    def flag_list(self, flags: list) -> str:
        hit = self.flag_lists.get(id(flags))
        if hit is None:
            flag = self.flag
            hit = self.flag_lists[id(flags)] = (flags, "[" + ", ".join([flag(f) for f in flags]) + "]")
        return hit[1]

    def theme_levels(self, themes: dict) -> str:
        hit = self.themes.get(id(themes))
        if hit is None:
            hit = self.themes[id(themes)] = (
                themes, self.encode({k: t.level for k, t in sorted(themes.items())}))
        return hit[1]


def _node_json(chain_map: ChainMap, sid: str, shared: _SharedJson, encode) -> str:
    """One node of imvo.map/1 in compact form; equals encode(node_document(...))."""
    s = chain_map.suppliers[sid]
    a = chain_map.risk[sid]
    head = encode({"id": s.id, "name": s.name, "country": s.country,
                   "tier": chain_map.tiers.get(s.id), "declared_tier": s.declared_tier,
                   "process": s.process, "product": s.product, "rows": s.rows})
    risk = encode({"level": a.level, "score": a.score})
    return "".join((
        head[:-1], ', "risk": ', risk[:-1], ', "themes": ', shared.theme_levels(a.themes),
        ', "upstream_level": ', encode(a.upstream_level), '}, "flags": ',
        shared.flag_list(a.flags), ', "attributes": ', encode(node_attributes(chain_map, sid)),
        "}"))


COMPACT_ABOVE = 2000  # nodes; larger documents are written without indentation


def write_map_json(chain_map: ChainMap, stream) -> None:
    """Write the imvo.map/1 document to a text stream.

    Small maps are indented. Large ones are written compact, one node at a time, so the
    whole document never sits in memory twice; the bytes equal `dumps(map_document(...),
    indent=None)`.
    """
    import json

    from .report.jsonout import dumps

    if len(chain_map.suppliers) <= COMPACT_ABOVE:
        stream.write(dumps(map_document(chain_map)))
        return
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False,
                              default=lambda v: v.isoformat()).encode
    src = chain_map.source
    head = {
        "schema": SCHEMA,
        "company": {"id": chain_map.company.id, "name": chain_map.company.name},
        "source": {"file": src.file, "sheet": src.sheet, "rows": src.rows},
        "summary": {k: chain_map.summary[k] for k in SUMMARY_KEYS},
    }
    stream.write(encode(head)[:-1] + ', "nodes": [')
    shared = _SharedJson(encode)
    chunk: list[str] = []
    for i, sid in enumerate(sorted(chain_map.suppliers)):
        if i:
            chunk.append(", ")
        chunk.append(_node_json(chain_map, sid, shared, encode))
        if len(chunk) >= 2000:  # write in chunks: few calls, no whole document in memory
            stream.write("".join(chunk))
            chunk.clear()
    stream.write("".join(chunk))
    stream.write('], "edges": ')
    stream.write(encode([{"source": u, "target": v} for u, v in sorted(chain_map.graph.edges())]))
    stream.write(', "issues": ')
    stream.write(encode([i.to_dict() for i in chain_map.issues]))
    stream.write("}\n")
