"""Candidate pairs: compare only records that share a country and a distinctive key.

Each record is filed under a few keys:
- its rarest name words in its country (3 letters or more: 1-2 letter fragments of a spaced
  name say nothing; among equally rare words the longest wins, it is the most telling);
- a pair of its words, when all its words are common;
- its name without spaces, whole and as a prefix ("Hai Ning" / "Haining", "Mercury Apparel" /
  "m e r c u r y appar e l"; "Mueller" also as "Muller", which is how "Müller" transliterates),
  and its letters in sorted order (transposed letters);
- its address, when its name has no distinctive word at all ("Factory 1 S.A. de C.V."): the
  rarest address words and a house number with one of them;
- across countries, its name without spaces with its first house number: the same factory
  filed under two neighbouring countries (a border industrial zone);
- its Open Supply Hub id.
Keys shared by more than `max_block` records are too common to mean anything; a block that is
still too big compares each record with its next few in name order only. So every record
meets a bounded number of others, and the work grows with the number of records, not with
its square. Within a block a C-level first pass (rapidfuzz) keeps only pairs whose names are at
all alike: spacing-free names close, or one name's words inside the other's."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz as rapidfuzz_fuzz
from rapidfuzz import process

from .normalise import GENERIC_WORDS
from .records import MatchRecord
from .score import PairScore, score_pair

MAX_BLOCK = 25
NEIGHBOURS = 4  # a block that is still too big: compare each record with the next 4 in name order
KEYS_PER_RECORD = 3
ADDRESS_KEYS = 2
_UMLAUT_SPELLED = re.compile(r"([aou])e")
PREFIX = 8  # 6 letters ("zhixin...") fill up with other names as lists grow
MIN_WORD_KEY = 3  # letters: shorter fragments ("ab", "ii") are no word keys
PREFILTER = 65  # 0..100: below this the names share too little to reach review in practice
SUBSET_PREFILTER = 85
_SMALL = 12  # blocks up to this size are compared pair by pair (no numpy round trip)


def name_words(r: MatchRecord) -> list[str]:
    """The words of a record's distinctive name that can serve as block keys."""
    return sorted({w for w in r.core.split() if len(w) >= MIN_WORD_KEY and not w.isdigit()})


def has_distinctive_name(r: MatchRecord, words: list[str] | None = None) -> bool:
    """False for names that are only trade words and numbers ("Factory 1", "Garments 2")."""
    return any(w not in GENERIC_WORDS for w in (name_words(r) if words is None else words))


def address_words(r: MatchRecord) -> list[str]:
    return sorted({w for w in r.norm_address.split() if len(w) >= 4 and not w.isdigit()})


def block_keys(records: list[MatchRecord], max_block: int = MAX_BLOCK) -> dict[tuple, list[int]]:
    """Block key -> indexes of records, every block at most `max_block` long (except os_id)."""
    words_of = [name_words(r) for r in records]
    # One count over all (country, word) keys: a C-level pass, not one update per record.
    freq = Counter([(r.country, w) for r, words in zip(records, words_of) for w in words])
    blocks: dict[tuple, list[int]] = defaultdict(list)
    by_address: list[int] = []
    for i, r in enumerate(records):
        country = r.country
        words = sorted(words_of[i], key=lambda w: (freq[(country, w)], -len(w), w))
        chosen = [w for w in words if freq[(country, w)] <= max_block][:KEYS_PER_RECORD]
        for w in chosen:
            blocks[("w", country, w)].append(i)
        if len(chosen) < KEYS_PER_RECORD and len(words) >= 2:
            # Common words only: their pair is much rarer than either alone.
            common = [w for w in words if w not in chosen]
            for j in range(min(len(common), 3) - 1):
                blocks[("ww", country, common[j], common[j + 1])].append(i)
        # The name without spaces, whole and as a prefix ("Hai Ning" = "Haining"); match_records
        # has already dropped the words common in the country ("Dongguan ...").
        if len(r.core_compact) >= 4:
            blocks[("p", country, r.core_compact[:PREFIX])].append(i)
            if len(r.core_compact) > PREFIX:
                blocks[("c", country, r.core_compact)].append(i)
            if _UMLAUT_SPELLED.search(r.core_compact):
                # "Mueller" is how "Müller" is written without umlauts; transliteration
                # made that "muller".
                blocks[("p", country, _UMLAUT_SPELLED.sub(r"\1", r.core_compact)[:PREFIX])].append(i)
        if len(r.name_compact) >= 4 and r.name_compact != r.core_compact:
            blocks[("c", country, r.name_compact)].append(i)
        # The same letters in another order: typed transpositions ("Dannin" / "Dannni"),
        # which change every word key and often the prefix too.
        if len(r.core_compact) >= 5:
            blocks[("l", country, "".join(sorted(r.core_compact)))].append(i)
        if r.os_id:
            blocks[("os", r.os_id)].append(i)
        if r.norm_address and len(r.core_compact) >= 4:
            # Across countries: the same name at the same house number.
            first = min(r.numbers) if r.numbers else r.norm_address[:8]
            blocks[("x", r.core_compact, first)].append(i)
        if r.norm_address and not has_distinctive_name(r, words):
            by_address.append(i)
    _address_blocks(records, by_address, blocks, max_block)
    return {k: v for k, v in blocks.items() if len(v) > 1}


def _address_blocks(records, indexes, blocks, max_block) -> None:
    """Records whose name cannot find its pair ("Factory 1", or only common words): blocked on
    their rarest address words, and on a house number with the rarest word."""
    words_of = [address_words(records[i]) for i in indexes]
    freq = Counter([(records[i].country, w) for i, words in zip(indexes, words_of) for w in words])
    for i, words in zip(indexes, words_of):
        r = records[i]
        ranked = sorted(words, key=lambda w: (freq[(r.country, w)], -len(w), w))
        for w in ranked[:ADDRESS_KEYS]:
            blocks[("a", r.country, w)].append(i)
        if ranked:
            for n in r.numbers:
                blocks[("an", r.country, n, ranked[0])].append(i)


def candidate_pairs(records: list[MatchRecord], max_block: int = MAX_BLOCK) -> set[tuple[int, int]]:
    """Index pairs (i < j) worth scoring."""
    pairs: set[tuple[int, int]] = set()
    for key, members in block_keys(records, max_block).items():
        kind = key[0]
        if kind == "os":
            pairs.update(_all_pairs(members))
            continue
        if kind == "x":
            # Same spacing-free name and house number: only the cross-country pairs are new.
            if len(members) <= max_block:
                pairs.update((i, j) for i, j in _all_pairs(members)
                             if records[i].country != records[j].country)
            continue
        if len(members) > max_block:
            # A pair-of-words key can still be common: keep its nearest neighbours in name order.
            members = sorted(members, key=lambda i: (records[i].core_compact, i))
            for x in range(len(members) - 1):
                _compare_one(records, members[x], members[x + 1:x + 1 + NEIGHBOURS], pairs,
                             rapidfuzz_fuzz)
            continue
        _compare(records, members, pairs, rapidfuzz_fuzz, process)
    return pairs


def _all_pairs(members: Iterable[int]):
    m = sorted(members)
    return ((m[a], m[b]) for a in range(len(m)) for b in range(a + 1, len(m)))


def alike(a: MatchRecord, b: MatchRecord, fuzz=None) -> bool:
    """The first pass: names close without spaces, or one name's words inside the other's."""
    if fuzz is None:
        fuzz = rapidfuzz_fuzz
    return (fuzz.ratio(a.core_compact, b.core_compact) >= PREFILTER
            or fuzz.ratio(a.name_compact, b.name_compact) >= PREFILTER
            or fuzz.token_set_ratio(a.core, b.core) >= SUBSET_PREFILTER)


def _compare_one(records, i, others, pairs, fuzz) -> None:
    for j in others:
        pair = (i, j) if i < j else (j, i)
        if pair not in pairs and alike(records[i], records[j], fuzz):
            pairs.add(pair)


def _compare(records, members, pairs, fuzz, process) -> None:
    if len(members) <= _SMALL:
        for i, j in _all_pairs(members):
            if (i, j) not in pairs and alike(records[i], records[j], fuzz):
                pairs.add((i, j))
        return
    compact = [records[i].core_compact for i in members]
    whole = [records[i].name_compact for i in members]
    cores = [records[i].core for i in members]
    last = len(members) - 1
    for x in range(last):
        i = members[x]
        # One C-level scan per record against the rest of the block.
        hits = {y for _, _, y in process.extract(compact[x], compact[x + 1:], scorer=fuzz.ratio,
                                                 score_cutoff=PREFILTER, limit=None)}
        hits.update(y for _, _, y in process.extract(whole[x], whole[x + 1:], scorer=fuzz.ratio,
                                                     score_cutoff=PREFILTER, limit=None))
        hits.update(y for _, _, y in process.extract(cores[x], cores[x + 1:],
                                                     scorer=fuzz.token_set_ratio,
                                                     score_cutoff=SUBSET_PREFILTER, limit=None))
        for y in hits:
            j = members[x + 1 + y]
            pairs.add((i, j) if i < j else (j, i))


# ---------------------------------------------------------------- representatives


COMMON_SHARE = 0.003  # a word in more than this share of a country's names is common there...
COMMON_MIN = 25  # ...and in at least this many of them


def distinctive_cores(records: list[MatchRecord]) -> list[MatchRecord]:
    """Drop words that are common in a country's names (its big cities, its main products):
    "Ningbo Xinhong Leather" and "Ningbo Longfuzhong Leather" share only those, and must not
    look alike. A name made only of common words keeps them."""
    per_country = Counter([r.country for r in records])
    freq = Counter([(r.country, w) for r in records for w in set(r.core.split())])
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
        k = (r.country, r.norm_name, r.norm_address, r.norm_city, r.os_id or "")
        if k in key_of:
            members[key_of[k]].append(i)
        else:
            key_of[k] = len(reps)
            reps.append(r)
            members.append([i])
        rep_of.append(key_of[k])
    reps = distinctive_cores(reps)
    return Blocking(rep_of, reps, members, candidate_pairs(reps))
