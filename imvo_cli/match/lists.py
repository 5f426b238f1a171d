"""Match the records of one list against another's (last year's list, a facility gazetteer).

    result = match_lists(old_records, new_records, threshold=0.86, review_threshold=0.70)
    result.matches   # sure pairs, one-to-one: PairMatch(a=index in A, b=index in B, score, ...)
    result.review    # uncertain pairs, for a person to confirm
    result.matches[0].explanation  # "name 0.97, address 0.91, city 1.00: name, address and ..."

The same blocking and scoring as `match_records`; pairs inside one list are never returned.
Each record of A gets at most one sure match in B and the other way round (best score first,
ties broken by index, so the result is deterministic). A pair across two countries is never a
sure match. `decisions` ({frozenset({key_a, key_b}): "same" | "different"}, record keys as in
decisions files) make a pair a sure match or keep it out of both lists.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

from .block import blocking
from .records import MatchRecord, carry_over
from .score import PairScore, explain


@dataclass(frozen=True, slots=True)
class PairMatch:
    """A record of list A and one of list B that may be one location, and why."""

    a: int  # index in list A
    b: int  # index in list B
    score: float
    rule: str
    fields: dict

    @property
    def explanation(self) -> str:
        return explain(self.rule, self.fields)


@dataclass(slots=True)
class ListMatch:
    matches: list[PairMatch]  # sure, one-to-one, sorted by (a, b)
    review: list[PairMatch]  # between the thresholds (or across countries), sorted by (a, b)

    def match_of(self) -> dict[int, int]:
        """Index in A -> index in B of its sure match."""
        return {m.a: m.b for m in self.matches}


def match_lists(a: list[MatchRecord], b: list[MatchRecord], threshold: float = 0.86,
                review_threshold: float = 0.70,
                decisions: dict[frozenset, str] | None = None) -> ListMatch:
    """Sure matches and review pairs between the records of list A and those of list B."""
    # As in match_records: no reference cycles here, and the cyclic collector would rescan
    # the whole heap again and again.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _match_lists(a, b, threshold, review_threshold, decisions or {})
    finally:
        if paused:
            gc.enable()


def _match_lists(a, b, threshold, review_threshold, decisions) -> ListMatch:
    records = list(a) + list(b)
    n = len(a)
    if decisions:
        decisions = carry_over(records, decisions=decisions)[1]
    view = blocking(records)
    candidates: dict[tuple[int, int], PairMatch] = {}

    def consider(i: int, j: int, fields_of) -> None:
        x, y = (i, j) if i < n else (j, i)
        if x >= n or y < n or (x, y - n) in candidates:
            return
        verdict = decisions.get(frozenset((records[x].key, records[y].key)))
        if verdict == "different":
            return
        s = fields_of(x, y)
        if verdict == "same":
            candidates[(x, y - n)] = PairMatch(x, y - n, 1.0, "decision", s.fields())
        elif s.score >= review_threshold:
            candidates[(x, y - n)] = PairMatch(x, y - n, s.score, s.rule, s.fields())

    for members in view.members:
        for i in members:
            for j in members:
                consider(i, j, _same_spelling)
    for x, y in view.pairs:
        for i in view.members[x]:
            for j in view.members[y]:
                consider(i, j, view.score)
    if any(v == "same" for v in decisions.values()):
        a_by_key: dict[str, list[int]] = {}
        b_by_key: dict[str, list[int]] = {}
        for i, r in enumerate(a):
            a_by_key.setdefault(r.key, []).append(i)
        for j, r in enumerate(b):
            b_by_key.setdefault(r.key, []).append(j)
        for key_pair, verdict in sorted(decisions.items(), key=lambda kv: sorted(kv[0])):
            if verdict == "same":
                _decided(key_pair, a_by_key, b_by_key, candidates)
    ranked = sorted(candidates.values(), key=lambda m: (m.rule != "decision", -m.score, m.a, m.b))
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    matches, review = [], []
    for m in ranked:
        sure = m.rule == "decision" or (m.score >= threshold and m.rule != "country-differs")
        if sure and m.a not in taken_a and m.b not in taken_b:
            matches.append(m)
            taken_a.add(m.a)
            taken_b.add(m.b)
    for m in ranked:
        if m.a not in taken_a and m.b not in taken_b and m.rule != "decision":
            review.append(m)
    matches.sort(key=lambda m: (m.a, m.b))
    review.sort(key=lambda m: (m.a, m.b))
    return ListMatch(matches, review)


_SAME_SPELLING = PairScore(1.0, "same-spelling", 1.0, None, None, None)


def _same_spelling(i: int, j: int) -> PairScore:
    return _SAME_SPELLING


def _decided(key_pair: frozenset, a_by_key: dict, b_by_key: dict, candidates) -> None:
    """A 'same' decision between records that blocking never put side by side."""
    if len(key_pair) != 2:
        return
    k1, k2 = sorted(key_pair)
    for ka, kb in ((k1, k2), (k2, k1)):
        for i in a_by_key.get(ka, ()):
            for j in b_by_key.get(kb, ()):
                candidates.setdefault((i, j), PairMatch(i, j, 1.0, "decision", {}))
