"""Candidate pairs: compare only records that share a country and a distinctive name key.

Each record is filed under a few keys: its rarest name words in its country, the first
letters of its name without spaces (catches "Hai Ning" / "Haining"), its letters in sorted
order (catches transposed letters) and its Open Supply Hub id. Keys shared by more than
`max_block` records are too common to mean anything and are replaced by a pair of words; a
block that is still too big compares each record with its next few in name order only. So
every record meets a bounded number of others, and the work grows with the number of
records, not with its square. Within a block a C-level first pass (rapidfuzz) keeps only
pairs whose names are at all alike."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from .records import MatchRecord

MAX_BLOCK = 25
NEIGHBOURS = 4  # a block that is still too big: compare each record with the next 4 in name order
KEYS_PER_RECORD = 3
PREFIX = 8  # 6 letters ("zhixin...") fill up with other names as lists grow
PREFILTER = 65  # 0..100: below this the names share too little to reach review in practice
SUBSET_PREFILTER = 85
_SMALL = 12  # blocks up to this size are compared pair by pair (no numpy round trip)


def block_keys(records: list[MatchRecord], max_block: int = MAX_BLOCK) -> dict[tuple, list[int]]:
    """Block key -> indexes of records, every block at most `max_block` long (except os_id)."""
    freq: Counter = Counter()
    words_of: list[list[str]] = []
    for r in records:
        words = sorted({w for w in r.core.split() if len(w) >= 2})
        words_of.append(words)
        freq.update((r.country, w) for w in words)
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        words = sorted(words_of[i], key=lambda w: (freq[(r.country, w)], w))
        chosen = [w for w in words if freq[(r.country, w)] <= max_block][:KEYS_PER_RECORD]
        for w in chosen:
            blocks[("w", r.country, w)].append(i)
        if len(chosen) < KEYS_PER_RECORD and len(words) >= 2:
            # Common words only: their pair is much rarer than either alone.
            common = [w for w in words if w not in chosen]
            for j in range(min(len(common), 3) - 1):
                blocks[("ww", r.country, common[j], common[j + 1])].append(i)
        # Spacing-free prefix of the distinctive words ("Hai Ning" = "Haining"); match_records
        # has already dropped the words common in the country ("Dongguan ...").
        if len(r.core_compact) >= 4:
            blocks[("p", r.country, r.core_compact[:PREFIX])].append(i)
        # The same letters in another order: typed transpositions ("Dannin" / "Dannni"),
        # which change every word key and often the prefix too.
        if len(r.core_compact) >= 5:
            blocks[("l", r.country, "".join(sorted(r.core_compact)))].append(i)
        if r.os_id:
            blocks[("os", r.os_id)].append(i)
    return {k: v for k, v in blocks.items() if len(v) > 1}


def candidate_pairs(records: list[MatchRecord], max_block: int = MAX_BLOCK) -> set[tuple[int, int]]:
    """Index pairs (i < j) worth scoring."""
    from rapidfuzz import fuzz, process

    pairs: set[tuple[int, int]] = set()
    for key, members in block_keys(records, max_block).items():
        if key[0] == "os":
            pairs.update(_all_pairs(members))
            continue
        if len(members) > max_block:
            # A pair-of-words key can still be common: keep its nearest neighbours in name order.
            members = sorted(members, key=lambda i: records[i].core_compact)
            for x in range(len(members) - 1):
                _compare_one(records, members[x], members[x + 1:x + 1 + NEIGHBOURS], pairs, fuzz)
            continue
        _compare(records, members, pairs, fuzz, process)
    return pairs


def _all_pairs(members: Iterable[int]):
    m = sorted(members)
    return ((m[a], m[b]) for a in range(len(m)) for b in range(a + 1, len(m)))


def _alike(a: MatchRecord, b: MatchRecord, fuzz) -> bool:
    return (fuzz.ratio(a.core_compact, b.core_compact) >= PREFILTER
            or fuzz.token_set_ratio(a.core, b.core) >= SUBSET_PREFILTER)


def _compare_one(records, i, others, pairs, fuzz) -> None:
    for j in others:
        pair = (i, j) if i < j else (j, i)
        if pair not in pairs and _alike(records[i], records[j], fuzz):
            pairs.add(pair)


def _compare(records, members, pairs, fuzz, process) -> None:
    if len(members) <= _SMALL:
        for i, j in _all_pairs(members):
            if (i, j) not in pairs and _alike(records[i], records[j], fuzz):
                pairs.add((i, j))
        return
    compact = [records[i].core_compact for i in members]
    cores = [records[i].core for i in members]
    last = len(members) - 1
    for x in range(last):
        i = members[x]
        # One C-level scan per record against the rest of the block.
        hits = {y for _, _, y in process.extract(compact[x], compact[x + 1:], scorer=fuzz.ratio,
                                                 score_cutoff=PREFILTER, limit=None)}
        hits.update(y for _, _, y in process.extract(cores[x], cores[x + 1:],
                                                     scorer=fuzz.token_set_ratio,
                                                     score_cutoff=SUBSET_PREFILTER, limit=None))
        for y in hits:
            j = members[x + 1 + y]
            pairs.add((i, j) if i < j else (j, i))
