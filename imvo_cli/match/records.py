"""The unit of matching: one production location as one member listed it, pre-normalised."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from . import normalise
from .normalise import (
    UNIT_WORDS,
    address_numbers,
    compact,
    core_name,
    letter_spaced,
    normalise_address,
    normalise_name,
    raw_tokens,
    tokens_of,
    trade_words,
)

# Words that number a unit or site ("Unit 3", "Saigon II", "No.2 Branch"): two names that
# differ only here are sister factories, not spellings of one.
_ORDINALS = {"i": "1", "ii": "2", "ll": "2", "iii": "3", "lll": "3", "iv": "4", "vi": "6",
             "vii": "7", "viii": "8", "ix": "9", "x": "10", "one": "1", "two": "2", "three": "3",
             "four": "4", "five": "5", "six": "6", "first": "1", "second": "2", "third": "3",
             "fourth": "4", "fifth": "5", "1st": "1", "2nd": "2", "3rd": "3", "4th": "4",
             "5th": "5"}
# Too common as letters or words to read as numbers without a "Unit"/"No." before them.
_AMBIGUOUS = frozenset({"i", "x", "one"})
_UNIT_WORDS = frozenset(UNIT_WORDS)
# Unit words a letter may follow as the unit's name ("No. A" is no such name).
_LETTERED_UNITS = _UNIT_WORDS - {"no"}


def record_key(country: str | None, name: str, address: str | None,
               city: str | None = None) -> str:
    """A content id for one spelling of a location: what decisions and --previous refer to."""
    return _key(country or "", normalise_name(name), normalise_address(address), _city(city))


def _key(country: str, norm_name: str, norm_address: str, norm_city: str = "") -> str:
    """The hash of country, name, address and (when given) city. Without a city the key is
    what it was before the city counted, so lists without a city column keep their ids."""
    parts = (country, norm_name, norm_address, norm_city) if norm_city else (
        country, norm_name, norm_address)
    text = "|".join(parts)
    return "R" + hashlib.blake2b(text.encode("utf-8"), digest_size=5).hexdigest().upper()


def legacy_key(r: MatchRecord) -> str:
    """The record's id as it was computed before the city counted: what older decisions files
    and previous outputs name (see `carry_over`)."""
    return _key(r.country or "", r.norm_name, r.norm_address) if r.norm_city else r.key


def id_seeds(records: list[MatchRecord], groups: list[list[int]]) -> list[str]:
    """What each group's new facility id is hashed from: its smallest record id as computed
    before the city counted, so facility ids stay what they were; only groups that would share
    one (one name and street in two towns) take their smallest record id instead."""
    seeds = [min(legacy_key(records[i]) for i in g) for g in groups]
    count: dict[str, int] = {}
    for seed in seeds:
        count[seed] = count.get(seed, 0) + 1
    return [seed if count[seed] == 1 else min(records[i].key for i in g)
            for seed, g in zip(seeds, groups)]


def carry_over(records: list[MatchRecord], ids: dict[str, str] | None = None,
               decisions: dict[frozenset, str] | None = None) \
        -> tuple[dict[str, str], dict[frozenset, str]]:
    """Record ids of an older output (`ids`: record id -> value, `decisions`: pairs of record
    ids) extended to the ids of this run's records that had that id before the city counted.

    An old id that two records in two cities shared stands for both of them now: a decision
    about it applies to each, and a previous facility id is claimed by each (the larger
    facility keeps it, see ids.assign_ids).
    """
    ids, decisions = dict(ids or {}), dict(decisions or {})
    newer: dict[str, set[str]] = {}
    for r in records:
        if r.norm_city:
            old = legacy_key(r)
            newer.setdefault(old, set()).add(r.key)
    if not newer:
        return ids, decisions
    for old in sorted(set(ids) & newer.keys()):
        for key in sorted(newer[old]):
            ids.setdefault(key, ids[old])
    extended: dict[frozenset, str] = {}
    for pair, verdict in decisions.items():
        keys = sorted(pair)
        if len(keys) != 2 or not (keys[0] in newer or keys[1] in newer):
            continue
        for x in sorted({keys[0], *newer.get(keys[0], ())}):
            for y in sorted({keys[1], *newer.get(keys[1], ())}):
                if x != y:
                    extended.setdefault(frozenset((x, y)), verdict)
    for pair, verdict in extended.items():
        decisions.setdefault(pair, verdict)
    return ids, decisions


_SITE_CODE = re.compile(r"[a-z]+\d+|\d+[a-z]+")


@lru_cache(maxsize=200_000)
def name_marks(name: str) -> frozenset[str]:
    """Unit numbers in a name: digits, roman numerals and ordinal words, as digits. Only tokens
    as typed count: letters glued back together ("pr i v ate" -> "iv") are no numeral, and a
    letter-spaced name has no numerals at all."""
    tokens = raw_tokens(name)
    spaced = letter_spaced(tokens)
    marks = set()
    for i, t in enumerate(tokens):
        if t.isdigit():
            marks.add(t.lstrip("0") or "0")
        elif spaced:
            continue
        elif t in _ORDINALS and (t not in ("i", "x", "one") or (i and tokens[i - 1] in _UNIT_WORDS)):
            marks.add(_ORDINALS[t])
        elif len(t) == 1 and t.isalpha() and i and tokens[i - 1] in _LETTERED_UNITS:
            marks.add(t)  # "Unit A", "Building B", "Block C": a site named by a letter
        elif not t.isalpha() and _SITE_CODE.fullmatch(t) and t not in _ORDINALS:
            # (a site code mixes letters and digits: a plain word is none)
            marks.add(t)  # "mxp5", "kat3" style site codes
    return frozenset(marks)


@dataclass(slots=True)
class MatchRecord:
    """One location as listed by one member; `ref` points back to the caller's object."""

    ref: int
    key: str
    name: str
    country: str | None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    os_id: str | None = None
    norm_name: str = ""
    core: str = ""
    core_compact: str = ""
    name_compact: str = ""  # the whole normalised name without spaces, trade words included
    norm_address: str = ""
    numbers: frozenset[str] = frozenset()
    norm_city: str = ""
    marks: frozenset[str] = frozenset()
    trades: frozenset[str] = frozenset()  # trade words of the name ("garment", "knitting")


@dataclass(frozen=True, slots=True)
class _NameParts:
    norm: str
    core: str
    core_compact: str
    name_compact: str
    marks: frozenset[str]
    trades: frozenset[str]


# Members list the same factories, cities and streets: each distinct text is worked out once.
@lru_cache(maxsize=200_000)
def _name_parts(name: str) -> _NameParts:
    norm = normalise_name(name)
    core = " ".join(_ORDINALS.get(t, t) if t not in _AMBIGUOUS else t
                    for t in core_name(norm).split())
    return _NameParts(norm, core, compact(core), compact(norm), name_marks(name), trade_words(norm))


@lru_cache(maxsize=200_000)
def _address_parts(address: str | None) -> tuple[str, frozenset[str]]:
    addr = normalise_address(address)
    return addr, address_numbers(addr)


@lru_cache(maxsize=50_000)
def _city(city: str | None) -> str:
    return compact(" ".join(tokens_of(city)))


def make_record(ref: int, name: str, country: str | None, address: str | None = None,
                city: str | None = None, postal_code: str | None = None,
                os_id: str | None = None) -> MatchRecord:
    n = _name_parts(name)
    addr, numbers = _address_parts(address)
    norm_city = _city(city)
    return MatchRecord(
        ref=ref, key=_key(country or "", n.norm, addr, norm_city), name=name, country=country,
        address=address, city=city, postal_code=postal_code, os_id=os_id, norm_name=n.norm,
        core=n.core, core_compact=n.core_compact, name_compact=n.name_compact,
        norm_address=addr, numbers=numbers, norm_city=norm_city, marks=n.marks,
        trades=n.trades)


def forget_spellings() -> None:
    """Let go of the worked-out spellings (names, addresses, cities) the matcher keeps for
    the next list: a command that matched once and goes on to other work frees them."""
    for cached in (name_marks, _name_parts, _address_parts, _city, normalise._raw_tokens,
                   normalise._tokens_of, normalise.normalise_name, normalise.unglue_trade_word,
                   normalise.core_name, normalise.trade_words, normalise.normalise_address):
        cached.cache_clear()
