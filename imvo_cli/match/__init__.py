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

from .block import Blocking, blocking, candidate_pairs, distinctive_cores
from .cluster import Clustering, Link, cluster
from .lists import ListMatch, PairMatch, match_lists
from .records import MatchRecord, carry_over, make_record, record_key
from .score import PairScore, explain, score_pair

__all__ = ["Blocking", "Clustering", "Link", "ListMatch", "MatchRecord", "PairMatch", "PairScore",
           "blocking", "candidate_pairs", "carry_over", "cluster", "distinctive_cores", "explain", "make_record", "match_lists",
           "match_records", "record_key", "score_pair"]


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


def _match(records, threshold, review_threshold, decisions) -> Clustering:
    if decisions:
        decisions = carry_over(records, decisions=decisions)[1]
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


