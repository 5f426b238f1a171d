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
        self.forbid: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def can_join(self, ra: int, rb: int) -> bool:
        for mine, other in ((ra, rb), (rb, ra)):
            for x in self.forbid.get(mine, ()):
                if self.find(x) == other:
                    return False
        return True

    def union(self, ra: int, rb: int) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        if rb in self.forbid:
            self.forbid.setdefault(ra, set()).update(self.forbid.pop(rb))


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
        uf.union(ri, rj)
        links.append(link)
    review = [ln for ln in review_candidates if uf.find(ln.a) != uf.find(ln.b)]
    groups: dict[int, list[int]] = {}
    for i in range(len(records)):
        groups.setdefault(uf.find(i), []).append(i)
    ordered = sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
    return Clustering(ordered, links, review, decided_pairs, skipped)
