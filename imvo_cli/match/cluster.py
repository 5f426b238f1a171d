"""Group records into facilities: merge pairs above the threshold, honour people's decisions.

Pairs merge strongest first (union-find). A pair across two countries never merges on its
score, whatever the threshold: it goes to review for a person to decide. A "different"
decision is a cannot-link: a merge that would put two records decided different into one
facility is skipped, so a chain of near-matches never overrides a person. A "same" decision
merges as a sure match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .records import MatchRecord
from .score import PairScore, score_pair, score_reaching


@dataclass(frozen=True, slots=True)
class Link:
    """Why two records are one facility (or might be): the pair and its per-field scores."""

    a: int
    b: int
    score: float
    rule: str  # score rule, or "decision" / "same-spelling"
    fields: dict


@dataclass(slots=True)
class Clustering:
    groups: list[list[int]]  # record indexes per facility, each sorted, groups sorted
    links: list[Link]  # merges that built the groups
    review: list[Link]  # pairs between the thresholds, in different groups, undecided
    decided: int = 0  # decisions that applied to this run's records
    skipped: list[Link] = field(default_factory=list)  # merges refused by a "different"


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))
        self.size = [1] * n
        self.forbid: dict[int, set[int]] = {}  # decided different
        self.apart: dict[int, set[int]] = {}  # a chain must not join them (see _chain_conflicts)

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def can_join(self, ra: int, rb: int, table: dict[int, set[int]] | None = None) -> bool:
        table = self.forbid if table is None else table
        for mine, other in ((ra, rb), (rb, ra)):
            for x in table.get(mine, ()):
                if self.find(x) == other:
                    return False
        return True

    def union(self, ra: int, rb: int) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        for table in (self.forbid, self.apart):
            if rb in table:
                table.setdefault(ra, set()).update(table.pop(rb))


_CHAIN_ROUNDS = 4  # merge again at most this often (one more round is rarely needed)


def _copy(uf: _UnionFind) -> _UnionFind:
    out = _UnionFind(0)
    out.parent, out.size = list(uf.parent), list(uf.size)
    out.forbid = {k: set(v) for k, v in uf.forbid.items()}
    return out


def _merge(records, scored, decisions, threshold, uf):
    """Merge the scored pairs strongest first; returns the merges, the review candidates and
    the merges a "different" decision refused. A merge that a chain conflict refuses goes to
    review: a person sees the pair that would have joined the two."""
    links: list[Link] = []
    review_candidates: list[Link] = []
    skipped: list[Link] = []
    for score, i, j, s in scored:
        link = Link(i, j, score, s.rule, s.fields())
        decided = decisions.get(frozenset((records[i].key, records[j].key)))
        if decided is not None and records[i].key != records[j].key:
            continue  # a person decided this pair already
        if score < threshold or s.rule == "country-differs":
            review_candidates.append(link)
            continue
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        if not uf.can_join(ri, rj):
            skipped.append(link)
            continue
        if not uf.can_join(ri, rj, uf.apart):
            review_candidates.append(link)
            continue
        uf.union(ri, rj)
        links.append(link)
    return links, review_candidates, skipped


# Rules that cap a pair for a person to decide (or below): a chain must not decide it instead.
_FOR_A_PERSON = frozenset({"unit-differs", "number-differs", "city-differs", "trade-differs",
                           "product-differs", "word-differs", "os_id-differs", "country-differs",
                           "name-too-different"})


def _chain_conflicts(records, uf, links, checked, review_threshold, threshold) -> set[frozenset]:
    """Pairs of records that merges joined through others although they score below review
    with each other, or a rule sent them to a person ("Hecheng Bags" and "Hecheng Shoes" both
    alike to "He Cheng Bag")."""
    groups: dict[int, list[int]] = {}
    for ln in links:
        for x in (ln.a, ln.b):
            groups.setdefault(uf.find(x), []).append(x)
    direct = {(min(ln.a, ln.b), max(ln.a, ln.b)) for ln in links}
    out: set[frozenset] = set()
    for members in groups.values():
        members = sorted(set(members))
        if len(members) < 3:
            continue
        for k, x in enumerate(members):
            for y in members[k + 1:]:
                if (x, y) in direct:
                    continue
                if (x, y) not in checked:
                    s = score_pair(records[x], records[y])
                    checked[(x, y)] = s.score < review_threshold or (
                        s.score < threshold and s.rule in _FOR_A_PERSON)
                if checked[(x, y)]:
                    out.add(frozenset((x, y)))
    return out


def cluster(records: list[MatchRecord], pairs, threshold: float, review_threshold: float,
            decisions: dict[frozenset, str] | None = None) -> Clustering:
    """Facilities from scored candidate pairs. `decisions`: {frozenset({key_a, key_b}): same|different}."""
    decisions = decisions or {}
    uf = _UnionFind(len(records))
    by_key: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_key.setdefault(r.key, []).append(i)
    links: list[Link] = []
    decided_pairs = 0
    # People's decisions first: "different" forbids, "same" merges.
    for pair, verdict in sorted(decisions.items(), key=lambda kv: (sorted(kv[0]), kv[1])):
        keys = sorted(pair)
        if len(keys) != 2 or keys[0] not in by_key or keys[1] not in by_key:
            continue
        decided_pairs += 1
        a, b = by_key[keys[0]][0], by_key[keys[1]][0]
        if verdict == "different":
            for x in by_key[keys[0]]:
                for y in by_key[keys[1]]:
                    uf.forbid.setdefault(x, set()).add(y)
                    uf.forbid.setdefault(y, set()).add(x)
    for pair, verdict in sorted(decisions.items(), key=lambda kv: sorted(kv[0])):
        keys = sorted(pair)
        if verdict != "same" or len(keys) != 2 or keys[0] not in by_key or keys[1] not in by_key:
            continue
        a, b = by_key[keys[0]][0], by_key[keys[1]][0]
        ra, rb = uf.find(a), uf.find(b)
        if ra != rb and uf.can_join(ra, rb):
            uf.union(ra, rb)
            s = score_pair(records[a], records[b])
            links.append(Link(a, b, 1.0, "decision", s.fields()))
    scored: list[tuple[float, int, int, PairScore]] = []
    for i, j in pairs:
        found = score_reaching(records[i], records[j], review_threshold)
        if found is not None and found.score >= review_threshold:
            scored.append((found.score, i, j, found))
    scored.sort(key=lambda t: (-t[0], records[t[1]].key, records[t[2]].key, t[1], t[2]))
    # A chain of merges must not join two records that scored clearly different with each
    # other, or whose pair a rule sent to a person: merge, then look inside every facility of
    # three or more records, and merge again keeping such pairs apart, until none is left.
    merged_uf = uf
    apart: set[frozenset] = set()
    checked: dict[tuple[int, int], bool] = {}
    for _ in range(_CHAIN_ROUNDS):
        uf = _copy(merged_uf)
        for pair in apart:
            x, y = sorted(pair)
            uf.apart.setdefault(x, set()).add(y)
            uf.apart.setdefault(y, set()).add(x)
        links_now, review_candidates, skipped = _merge(records, scored, decisions, threshold, uf)
        found_apart = _chain_conflicts(records, uf, links_now, checked, review_threshold,
                                       threshold) - apart
        if not found_apart:
            break
        apart |= found_apart
    links.extend(links_now)
    review = [ln for ln in review_candidates if uf.find(ln.a) != uf.find(ln.b)]
    groups: dict[int, list[int]] = {}
    for i in range(len(records)):
        groups.setdefault(uf.find(i), []).append(i)
    ordered = sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
    return Clustering(ordered, links, review, decided_pairs, skipped)
