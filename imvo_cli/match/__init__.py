"""Facility matching: the same production location, listed by several members, found as one.

    records = [make_record(i, name, country, address, city, postal_code, os_id), ...]
    result = match_records(records, threshold=0.86, review_threshold=0.70, decisions={...})
    result.groups   # record indexes per facility
    result.links    # the merges, with per-field scores
    result.review   # pairs for a person to confirm

Normalisation (normalise.py), blocking (block.py), pair scoring (score.py), clustering
(cluster.py), decisions files (decisions.py) and stable facility ids (ids.py).
"""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import replace

from .block import candidate_pairs
from .cluster import Clustering, Link, cluster
from .records import MatchRecord, make_record, record_key
from .score import PairScore, score_pair

__all__ = ["Clustering", "Link", "MatchRecord", "PairScore", "candidate_pairs", "cluster",
           "make_record", "match_records", "record_key", "score_pair"]


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
            core = " ".join(kept)
            r = replace(r, core=core, core_compact=core.replace(" ", ""))
        out.append(r)
    return out


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
    # Records spelled identically (after normalisation) are one location for sure: match one
    # representative each, then give the group back its members.
    rep_of: dict[tuple, int] = {}
    reps: list[MatchRecord] = []
    members: list[list[int]] = []
    for i, r in enumerate(records):
        k = (r.country, r.norm_name, r.norm_address, r.os_id or "")
        if k in rep_of:
            members[rep_of[k]].append(i)
        else:
            rep_of[k] = len(reps)
            reps.append(r)
            members.append([i])
    reps = distinctive_cores(reps)
    # Decisions refer to record keys, which identical spellings share: they carry over.
    pairs = candidate_pairs(reps)
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
