"""Words of supplier text as the risk vocabulary compares them: ASCII, lower case, singular."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _stem(word: str) -> str:
    # Plural-insensitive matching without a stemmer: "shirts" = "shirt". Applied to both
    # the vocabulary and the supplier text, so only consistency matters.
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """The words of a cell: transliterated to ASCII, lower case, plural 's' dropped."""
    return tuple(_stem(w) for w in _NON_WORD.split(anyascii(text).lower()) if w)


def phrase_key(text: str) -> str:
    """The words of a text joined by one space: how vocabulary phrases are looked up."""
    return " ".join(words(text))
