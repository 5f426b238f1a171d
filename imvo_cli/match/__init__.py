"""Facility matching: the same production location, listed by several members, found as one.

    records = [make_record(i, name, country, address, city, postal_code, os_id), ...]
    result = match_records(records, threshold=0.86, review_threshold=0.70, decisions={...})
    result.groups   # record indexes per facility
    result.links    # the merges, with per-field scores
    result.review   # pairs for a person to confirm

    # One list against another (year over year, a facility gazetteer): lists.py
    found = match_lists(records_a, records_b, threshold=0.86, review_threshold=0.70)
    found.matches   # PairMatch(a, b, score, rule, fields), one-to-one; .explanation says why
    found.review    # uncertain pairs between the two lists

    # Why a pair ended where it did (measure_matching.py): blocking(records).compared(i, j)

Normalisation (normalise.py), blocking (block.py), pair scoring (score.py), clustering
(cluster.py), decisions files (decisions.py) and stable facility ids (ids.py).
"""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass

from .block import candidate_pairs
from .cluster import Clustering, Link, cluster
from .records import MatchRecord, make_record, record_key
from .score import PairScore, explain, score_pair

__all__ = ["Blocking", "Clustering", "Link", "ListMatch", "MatchRecord", "PairMatch", "PairScore",
           "blocking", "candidate_pairs", "cluster", "explain", "make_record", "match_lists",
           "match_records", "record_key", "score_pair"]


COMMON_SHARE = 0.003  # a word in more than this share of a country's names is common there...
COMMON_MIN = 25  # ...and in at least this many of them


def distinctive_cores(records: list[MatchRecord]) -> list[MatchRecord]:
    """Drop words that are common in a country's names (its big cities, its main products):
    "Ningbo Xinhong Leather" and "Ningbo Longfuzhong Leather" share only those, and must not
    look alike. A name made only of common words keeps them."""
    freq: Counter = Counter()
    per_country: Counter = Counter()
    for r in records:
        per_country[r.country] += 1
        freq.update((r.country, w) for w in set(r.core.split()))
    out = []
    for r in records:
        limit = max(COMMON_MIN, COMMON_SHARE * per_country[r.country])
        words = r.core.split()
        kept = [w for w in words if freq[(r.country, w)] <= limit]
        # A unit number alone ("Rupsha Unit 11" -> "11") would make every Unit 11 alike.
        if kept and len(kept) < len(words) and not all(w.isdigit() for w in kept):
            r = _with_core(r, " ".join(kept))
        out.append(r)
    return out


def _with_core(r: MatchRecord, core: str) -> MatchRecord:
    """A copy of r with another distinctive core (dataclasses.replace is several times slower,
    and matching makes one for every second record)."""
    return MatchRecord(r.ref, r.key, r.name, r.country, r.address, r.city, r.postal_code, r.os_id,
                       r.norm_name, core, core.replace(" ", ""), r.name_compact, r.norm_address,
                       r.numbers, r.norm_city, r.marks, r.trades)


def match_records(records: list[MatchRecord], threshold: float = 0.86,
                  review_threshold: float = 0.70,
                  decisions: dict[frozenset, str] | None = None) -> Clustering:
    """Group records into facilities (see cluster.py for the rules)."""
    # Matching allocates many small objects and makes no reference cycles; the cyclic
    # collector would rescan the whole heap (every supplier read so far) again and again,
    # which made matching grow faster than the number of rows.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _match(records, threshold, review_threshold, decisions)
    finally:
        if paused:
            gc.enable()


@dataclass(slots=True)
class Blocking:
    """What matching compares: one representative per spelling, and the pairs blocking keeps."""

    rep_of: list[int]  # record index -> representative index
    reps: list[MatchRecord]  # representatives, with the words common in their country dropped
    members: list[list[int]]  # representative index -> record indexes
    pairs: set[tuple[int, int]]  # representative pairs (i < j) that are scored

    def compared(self, a: int, b: int) -> bool:
        """Were records a and b scored against each other (or spelled identically)?"""
        x, y = sorted((self.rep_of[a], self.rep_of[b]))
        return x == y or (x, y) in self.pairs

    def score(self, a: int, b: int) -> PairScore:
        """The score records a and b get (or would get, if blocking had compared them)."""
        return score_pair(self.reps[self.rep_of[a]], self.reps[self.rep_of[b]])


def blocking(records: list[MatchRecord]) -> Blocking:
    """Representatives and candidate pairs, as match_records computes them."""
    # Records spelled identically (after normalisation) are one location for sure: match one
    # representative each, then give the group back its members.
    key_of: dict[tuple, int] = {}
    rep_of: list[int] = []
    reps: list[MatchRecord] = []
    members: list[list[int]] = []
    for i, r in enumerate(records):
        k = (r.country, r.norm_name, r.norm_address, r.os_id or "")
        if k in key_of:
            members[key_of[k]].append(i)
        else:
            key_of[k] = len(reps)
            reps.append(r)
            members.append([i])
        rep_of.append(key_of[k])
    reps = distinctive_cores(reps)
    return Blocking(rep_of, reps, members, candidate_pairs(reps))


def _match(records, threshold, review_threshold, decisions) -> Clustering:
    view = blocking(records)
    reps, members, pairs = view.reps, view.members, view.pairs
    # Decisions refer to record keys, which identical spellings share: they carry over.
    result = cluster(reps, pairs, threshold, review_threshold, decisions)
    groups = [sorted(i for rep in g for i in members[rep]) for g in result.groups]
    groups.sort(key=lambda g: g[0])
    links = [Link(members[ln.a][0], members[ln.b][0], ln.score, ln.rule, ln.fields)
             for ln in result.links]
    for m in members:
        for other in m[1:]:
            links.append(Link(m[0], other, 1.0, "same-spelling",
                              {"name": 1.0, "address": 1.0 if records[m[0]].norm_address else None,
                               "city": None, "os_id": None}))
    review = [Link(members[ln.a][0], members[ln.b][0], ln.score, ln.rule, ln.fields)
              for ln in result.review]
    skipped = [Link(members[ln.a][0], members[ln.b][0], ln.score, ln.rule, ln.fields)
               for ln in result.skipped]
    return Clustering(groups, links, review, result.decided, skipped)


from .lists import ListMatch, PairMatch, match_lists  # noqa: E402  (lists.py uses blocking)
