"""The sector profiles imvo ships: their names and theme keys, readable from every layer.

The profiles themselves (themes with severities, product vocabulary) are built by
imvo_cli.risk.profiles; this module only lists what exists, so the policy file can be checked
against it without loading the risk model.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .policy import Policy

PROFILE_DIR = Path(__file__).parent / "risk" / "profiles"


def profile_key(sector: str | None) -> str:
    """The file key a sector name stands for: 'Natural stone' -> natural_stone (None: textile)."""
    return (sector or "textile").strip().lower().replace("-", "_").replace(" ", "_")


def available_profiles() -> tuple[str, ...]:
    """Keys of the sector profiles (profiles/<key>.toml), sorted."""
    return tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))


@cache
def profile_theme_keys(sector: str) -> tuple[str, ...]:
    """Theme keys of one profile, in the order the file lists them."""
    data = tomllib.loads((PROFILE_DIR / f"{sector}.toml").read_text(encoding="utf-8"))
    return tuple(data.get("themes", {}))


@cache
def known_themes() -> frozenset[str]:
    """Theme keys of every profile (what the policy file may name)."""
    return frozenset(t for name in available_profiles() for t in profile_theme_keys(name))


# What people write for each profile in a 'Sector:' cell above a list's header, English and
# Dutch (the names the covenants go by), keyed as `_sector_key` makes them.
_SECTOR_NAMES = {
    "textile": ("textile", "textiles", "garments", "garment", "apparel", "garments and textile",
                "garments & textile", "textiel", "kleding", "kleding en textiel",
                "kleding & textiel"),
    "metals": ("metals", "metal", "metals sector", "metal sector", "metaal", "metalen",
               "metaalsector", "gold", "goud"),  # the gold covenant's themes are in metals
    "natural_stone": ("natural stone", "stone", "natuursteen", "steen"),
    "food": ("food", "food products", "voeding", "voedingsmiddelen", "voedingsmiddelenindustrie",
             "levensmiddelen"),
    "floriculture": ("floriculture", "flowers", "cut flowers", "sierteelt", "bloemen",
                     "bloemen en planten", "bloemen & planten"),
}


def _sector_key(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


_BY_NAME = {_sector_key(name): key for key, names in _SECTOR_NAMES.items()
            for name in (key, *names)}


def sector_named(text: str | None) -> str | None:
    """The profile a list's 'Sector:' cell names ('Metalen' -> metals), None if none."""
    if not text:
        return None
    key = _BY_NAME.get(_sector_key(text))
    return key if key in available_profiles() else None


def chosen_sector(given: str | None, policy: Policy, named: Iterable[str | None]) -> str:
    """The risk profile: `given` (--sector) if any, else the policy's if it names one, else
    the one every list names in its 'Sector:' cell (`named`, one per list), else the policy
    default (textile)."""
    if given:
        return given
    if not policy.sector_given:
        stated = set(named)
        if len(stated) == 1 and None not in stated:
            return str(stated.pop())
    return policy.sector
