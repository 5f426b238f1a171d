"""Layered layout of a chain graph: tiers as columns, raw material left, the company right.

Pure and deterministic: the same graph and tiers give the same coordinates. Order within a
column comes from barycenter sweeps (Sugiyama style) that reduce edge crossings; the best
order seen is kept. Past `group_threshold` suppliers the picture would be unreadable and
slow, so suppliers are grouped by tier and country into group nodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..i18n import t

NODE_WIDTH = 164
NODE_HEIGHT = 36
COLUMN_GAP = 48  # room for the edge curves between columns
ROW_GAP = 12
MARGIN = 24
HEADER = 28  # column titles above the first row

GROUP_THRESHOLD = 300  # suppliers; above this, group by tier and country
MAX_GROUPS_PER_TIER = 15  # smaller countries of a tier merge into "other countries"
SWEEPS = 8
OTHER = "other"  # country key of the merged group


@dataclass(frozen=True, slots=True)
class LayoutNode:
    id: str
    kind: str  # "supplier" | "company" | "group"
    column: int
    order: int
    x: float
    y: float
    tier: int | None
    country: str | None = None  # groups: the ISO-2 code, or OTHER
    members: tuple[str, ...] = ()  # groups: supplier ids, sorted


@dataclass(frozen=True, slots=True)
class LayoutEdge:
    source: str
    target: str
    weight: int = 1  # groups: how many supplier links the edge stands for


@dataclass(slots=True)
class Layout:
    nodes: list[LayoutNode]
    edges: list[LayoutEdge]
    columns: list[str]  # column titles, left to right, in the layout's language
    width: float
    height: float
    grouped: bool
    crossings: int
    node_width: float = NODE_WIDTH
    node_height: float = NODE_HEIGHT
    by_id: dict[str, LayoutNode] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {n.id: n for n in self.nodes}


def group_id(tier: int | None, country: str | None) -> str:
    return f"g-{'x' if tier is None else tier}-{country or 'XX'}"


def layered_layout(edges: Iterable[tuple[str, str]], tiers: Mapping[str, int | None],
                   company_id: str, *, countries: Mapping[str, str | None] | None = None,
                   group_threshold: int = GROUP_THRESHOLD,
                   max_groups_per_tier: int = MAX_GROUPS_PER_TIER, lang: str = "en") -> Layout:
    """Place every supplier in `tiers` (tier None: not linked to the company) and the company.

    `edges` follow the flow of goods (supplier -> customer); edges naming unknown nodes and
    self-loops are ignored. With more suppliers than `group_threshold`, nodes become groups of
    suppliers sharing tier and country (needs `countries`). Column titles are in `lang`.
    """
    suppliers = sorted(s for s in tiers if s != company_id)
    known = set(suppliers) | {company_id}
    links = sorted({(a, b) for a, b in edges if a in known and b in known and a != b})
    grouped = len(suppliers) > group_threshold
    members: dict[str, tuple[str, ...]] = {}
    group_country: dict[str, str] = {}
    if grouped:
        node_of, members, group_country = _groups(suppliers, tiers, countries or {},
                                                  max_groups_per_tier)
        node_of[company_id] = company_id
        weights: dict[tuple[str, str], int] = defaultdict(int)
        for a, b in links:
            ga, gb = node_of[a], node_of[b]
            if ga != gb:
                weights[(ga, gb)] += 1
        links = sorted(weights)
        node_tier = {g: tiers.get(m[0]) for g, m in members.items()}
    else:
        weights = {e: 1 for e in links}
        node_tier = {s: tiers.get(s) for s in suppliers}

    column_of, titles = _columns(node_tier, lang)
    company_column = len(titles)
    titles.append(t("html_map.col_company", lang))
    column_of[company_id] = company_column

    layers: list[list[str]] = [[] for _ in titles]
    for node in sorted(column_of, key=lambda n: (column_of[n], _initial_key(n, group_country))):
        layers[column_of[node]].append(node)
    layers, crossings = _order(layers, links, column_of)

    tallest = max(len(layer) for layer in layers)
    step = NODE_HEIGHT + ROW_GAP
    nodes: list[LayoutNode] = []
    for col, layer in enumerate(layers):
        top = MARGIN + HEADER + (tallest - len(layer)) * step / 2
        for order, node in enumerate(layer):
            kind = "company" if node == company_id else ("group" if grouped else "supplier")
            nodes.append(LayoutNode(
                id=node, kind=kind, column=col, order=order,
                x=MARGIN + col * (NODE_WIDTH + COLUMN_GAP), y=round(top + order * step, 1),
                tier=0 if kind == "company" else node_tier.get(node),
                country=group_country.get(node), members=members.get(node, ())))
    width = MARGIN * 2 + len(layers) * NODE_WIDTH + (len(layers) - 1) * COLUMN_GAP
    height = MARGIN * 2 + HEADER + tallest * step - ROW_GAP
    return Layout(nodes, [LayoutEdge(a, b, weights[(a, b)]) for a, b in links], titles,
                  width, height, grouped, crossings)


def _groups(suppliers, tiers, countries, max_per_tier):
    """Supplier -> group id; groups keep the largest countries of each tier, merge the rest."""
    by_tier: dict[int | None, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s in suppliers:
        by_tier[tiers.get(s)][countries.get(s) or "XX"].append(s)
    node_of: dict[str, str] = {}
    members: dict[str, tuple[str, ...]] = {}
    group_country: dict[str, str] = {}
    for tier, per_country in by_tier.items():
        ranked = sorted(per_country, key=lambda c: (-len(per_country[c]), c))
        keep, rest = ranked[:max_per_tier - 1], ranked[max_per_tier - 1:]
        if len(rest) == 1:
            keep, rest = ranked, []
        buckets = [(c, per_country[c]) for c in keep]
        if rest:
            buckets.append((OTHER, [s for c in rest for s in per_country[c]]))
        for country, ids in buckets:
            gid = group_id(tier, country)
            members[gid] = tuple(sorted(ids))
            group_country[gid] = country
            for s in ids:
                node_of[s] = gid
    return node_of, members, group_country


def _columns(node_tier: Mapping[str, int | None], lang: str = "en") -> tuple[dict[str, int], list[str]]:
    """Deepest tier leftmost; suppliers without a path to the company get their own column."""
    known = sorted({x for x in node_tier.values() if x is not None}, reverse=True)
    titles: list[str] = []
    if any(x is None for x in node_tier.values()):
        titles.append(t("html_map.not_linked_title", lang))
    index: dict[int | None, int] = {None: 0}
    for tier in known:
        index[tier] = len(titles)
        titles.append(t("html_map.tier_n", lang, tier=tier))
    return {n: index[x] for n, x in node_tier.items()}, titles


def _initial_key(node: str, group_country: Mapping[str, str]):
    # groups start in country order, "other" last; suppliers by id (ids are content hashes)
    country = group_country.get(node)
    return (country == OTHER, country or "", node)


def _order(layers: list[list[str]], links: list[tuple[str, str]], column_of: Mapping[str, int]):
    """Barycenter sweeps, alternately from the left and the right; keeps the fewest crossings."""
    left: dict[str, list[str]] = defaultdict(list)  # neighbours in columns to the left
    right: dict[str, list[str]] = defaultdict(list)
    for a, b in links:
        ca, cb = column_of[a], column_of[b]
        if ca == cb:
            continue
        lo, hi = (a, b) if ca < cb else (b, a)
        right[lo].append(hi)
        left[hi].append(lo)
    pos = _positions(layers)
    best = [list(layer) for layer in layers]
    best_crossings = count_crossings(layers, links, column_of)
    columns = range(len(layers))
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        neighbours = left if forward else right
        for col in (columns if forward else reversed(columns)):
            layer = layers[col]
            size = max(len(layer) - 1, 1)

            def key(node, neighbours=neighbours, size=size):
                near = neighbours.get(node)
                own = pos[node]
                bary = sum(pos[n] for n in near) / len(near) if near else own
                return (bary, own, node)

            layer.sort(key=key)
            for i, node in enumerate(layer):  # fractions, so columns of any height compare
                pos[node] = i / size
        crossings = count_crossings(layers, links, column_of)
        if crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], crossings
    return best, best_crossings


def _positions(layers: list[list[str]]) -> dict[str, float]:
    pos = {}
    for layer in layers:
        size = max(len(layer) - 1, 1)
        for i, node in enumerate(layer):
            pos[node] = i / size
    return pos


def count_crossings(layers: list[list[str]], links: Iterable[tuple[str, str]],
                    column_of: Mapping[str, int]) -> int:
    """Crossings between edges joining neighbouring columns (inversion count per column pair)."""
    index = {node: i for layer in layers for i, node in enumerate(layer)}
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in links:
        ca, cb = column_of[a], column_of[b]
        if abs(ca - cb) != 1:
            continue
        lo, hi = (a, b) if ca < cb else (b, a)
        pairs[min(ca, cb)].append((index[lo], index[hi]))
    total = 0
    for edges in pairs.values():
        edges.sort()
        total += _inversions([h for _, h in edges])
    return total


def _inversions(values: list[int]) -> int:
    """Pairs i < j with values[i] > values[j], by a Fenwick tree (edges can be many)."""
    if not values:
        return 0
    size = max(values) + 2
    tree = [0] * size
    seen = inversions = 0
    for v in values:
        i, below = v + 1, 0
        while i > 0:  # how many seen values are <= v
            below += tree[i]
            i -= i & -i
        inversions += seen - below
        i = v + 1
        while i < size:
            tree[i] += 1
            i += i & -i
        seen += 1
    return inversions
