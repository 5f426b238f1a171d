"""Sector profiles (themes and product vocabulary) as data files, and the term matcher."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ..i18n import canonical_term
from ..model import ImvoError
from ..sectors import PROFILE_DIR, available_profiles, known_themes, profile_key
from .tables import dol_good_sectors, process_rules
from .words import phrase_key, words

__all__ = [
    "FARM_STAGE_TAGS", "MAX_PHRASE", "PROFILE_DIR", "Profile", "Term", "Theme",
    "available_profiles", "known_themes", "load_profile", "match_terms", "phrase_key",
    "theme_labels", "words",
]
MAX_PHRASE = 4  # longest vocabulary phrase, in words
FARM_STAGE_TAGS = frozenset({"raw_material", "farm"})  # tags that mean "this is the farm stage"


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    label: str
    severity: int  # base severity 1-5
    wgi: tuple[str, ...] = ()  # governance dimensions whose weakness raises likelihood
    labour: bool = False  # concerns workers: audits cover it, workforce size scales it
    dol: str | None = None  # "child_labour" | "forced_labour": DOL finding that applies
    dol_country: bool = False  # use the DOL country child-labour profile
    applies_to: str | None = None  # only for products/processes with this vocabulary tag


@dataclass(frozen=True, slots=True)
class Term:
    """What one vocabulary phrase means: DOL goods, tags, and whether it is a farm-level word."""

    phrase: str
    goods: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    raw: bool = False
    like: str | None = None  # the phrase whose process-table entries it also reads


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    name: str
    themes: tuple[str, ...]
    vocabulary: dict[str, Term] = field(default_factory=dict, hash=False, compare=False)
    covenant: str = ""
    theme_defs: tuple[Theme, ...] = ()

    def theme(self, key: str) -> Theme:
        for t in self.theme_defs:
            if t.key == key:
                return t
        raise KeyError(key)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and other.key == self.key


def _dol_phrases(good: str) -> list[str]:
    """Phrases a DOL good name is recognised by: the full name, the part before a
    parenthesis, each '/'-alternative, and a one-word parenthesis naming the ore or stone."""
    out = [good]
    head, _, paren = good.partition("(")
    out.append(head)
    out.extend(head.split("/"))
    paren = paren.rstrip(")").strip()
    if paren and " " not in paren and "," not in paren and paren.lower() not in _GENERIC_PAREN:
        out.append(paren)
    return [p for p in out if p.strip()]


# DOL good words that, after the name of another good, name a part of that good: 'coffee
# beans' are coffee, not the beans (green, soy, yellow) DOL lists.
GENERIC_HEADS = frozenset({"bean"})

# Parenthesised DOL qualifiers too generic to stand for the good on their own.
_GENERIC_PAREN = {"mineral", "gems", "hybrid", "crushed", "steel", "textiles", "fish", "clay",
                  "sandals", "legumes"}


def _build_vocabulary(raw: dict[str, Any], key: str) -> dict[str, Term]:
    sectors = dol_good_sectors()
    vocab: dict[str, Term] = {}
    # Every DOL good name, so `--product "Thread/Yarn"` works in any profile.
    for good, sector in sectors.items():
        for phrase in _dol_phrases(good):
            k = phrase_key(phrase)
            prev = vocab.get(k)
            goods = (prev.goods if prev else frozenset()) | {good}
            vocab[k] = Term(k, goods, frozenset(), raw=sector == "Agriculture" and (prev.raw if prev else True))
    for phrase, spec in raw.items():
        if not isinstance(spec, dict):
            raise ImvoError(f"profile {key}: vocabulary entry {phrase!r} must be a table",
                            code="profile-invalid")
        unknown = set(spec.get("goods", ())) - set(sectors)
        if unknown:
            raise ImvoError(f"profile {key}: {phrase!r} names goods not on the DOL list: "
                            f"{', '.join(sorted(unknown))}", code="profile-invalid")
        like = phrase_key(spec["like"]) if spec.get("like") else None
        if like is not None and like not in process_rules():
            raise ImvoError(f"profile {key}: {phrase!r} is like {spec['like']!r}, which is not "
                            "a word of the process table", code="profile-invalid")
        k = phrase_key(phrase)
        prev = vocab.get(k)
        vocab[k] = Term(k, frozenset(spec.get("goods", ())) | (prev.goods if prev else frozenset()),
                        frozenset(spec.get("tags", ())), raw=spec.get("stage") == "raw", like=like)
    # Words of the process x theme table are recognised too ("sandblasting").
    for phrase, rules in process_rules().items():
        if phrase not in vocab and any(not r.sectors or key in r.sectors for r in rules):
            vocab[phrase] = Term(phrase)
    return vocab


@cache
def load_profile(sector: str = "textile") -> Profile:
    """The themes and vocabulary of a sector profile (profiles/<sector>.toml)."""
    key = profile_key(sector)
    path = PROFILE_DIR / f"{key}.toml"
    if not path.is_file():
        raise ImvoError(f"unknown sector profile {sector!r}", code="usage",
                        hint=f"choose one of {', '.join(available_profiles())}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    themes = tuple(
        Theme(k, t["label"], int(t["severity"]), tuple(t.get("wgi", ())), bool(t.get("labour")),
              t.get("dol"), bool(t.get("dol_country")), t.get("applies_to"))
        for k, t in data["themes"].items())
    return Profile(data["key"], data["name"], tuple(t.key for t in themes),
                   _build_vocabulary(data.get("vocabulary", {}), key), data.get("covenant", ""),
                   themes)


@lru_cache(maxsize=16)
def theme_labels(sector: str | None) -> dict[str, str]:
    """Theme key -> its human label in the sector profile (treat as read-only); {} for an
    unknown profile."""
    try:
        return {t.key: t.label for t in load_profile(sector or "textile").theme_defs}
    except ImvoError:
        return {}


def match_terms(profile: Profile, text: str) -> list[Term]:
    """Vocabulary terms named in one product or process cell, farm-level words dropped when
    the cell also names a made product ("cotton t-shirts" is a garment).

    A template dropdown term in another language ('verven') reads as the canonical term it
    stands for ('dyeing'), so the process table applies to it too; the cell's own text stays
    the evidence."""
    for fld in ("process", "product"):
        canonical = canonical_term(fld, text)
        if canonical is not None and canonical.casefold() != text.strip().casefold():
            text = canonical
            break
    ws = words(text)
    found: list[Term] = []
    seen = set()
    ends: dict[int, list[Term]] = {}  # word position -> the terms ending just before it
    heads: list[tuple[int, Term]] = []  # generic head words found, with their position
    for n in range(min(MAX_PHRASE, len(ws)), 0, -1):
        for i in range(len(ws) - n + 1):
            k = " ".join(ws[i:i + n])
            term = profile.vocabulary.get(k)
            if term is None:
                continue
            ends.setdefault(i + n, []).append(term)
            if n == 1 and k in GENERIC_HEADS:
                heads.append((i, term))
            if k not in seen:
                seen.add(k)
                found.append(term)
    # 'coffee beans', 'cocoa beans': the beans of another listed good, not DOL's beans.
    if heads:
        kept = {id(h) for i, h in heads
                if not any(t.goods and not (t.goods & h.goods) for t in ends.get(i, ()))}
        found = [t for t in found if t.phrase not in GENERIC_HEADS or id(t) in kept]
    whole = " ".join(ws)
    if any(not t.raw for t in found if t.goods or t.tags):
        # A farm-level word next to a made product describes the material, not the stage:
        # keep its welfare tags (wool, down) but not its DOL goods or farm-stage tags. A cell
        # that is exactly the farm word ("Silk Cocoons") keeps everything.
        found = [t if not t.raw or t.phrase == whole else
                 Term(t.phrase, frozenset(), t.tags - FARM_STAGE_TAGS, raw=True, like=t.like)
                 for t in found]
    return found
