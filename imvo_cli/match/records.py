"""The unit of matching: one production location as one member listed it, pre-normalised."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

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


def record_key(country: str | None, name: str, address: str | None) -> str:
    """A content id for one spelling of a location: what decisions and --previous refer to."""
    return _key(country or "", normalise_name(name), normalise_address(address))


def _key(country: str, norm_name: str, norm_address: str) -> str:
    text = "|".join((country, norm_name, norm_address))
    return "R" + hashlib.blake2b(text.encode("utf-8"), digest_size=5).hexdigest().upper()


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
    return MatchRecord(
        ref=ref, key=_key(country or "", n.norm, addr), name=name, country=country,
        address=address, city=city, postal_code=postal_code, os_id=os_id, norm_name=n.norm,
        core=n.core, core_compact=n.core_compact, name_compact=n.name_compact,
        norm_address=addr, numbers=numbers, norm_city=_city(city), marks=n.marks,
        trades=n.trades)
