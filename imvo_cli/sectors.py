"""The sector profiles imvo ships: their names and theme keys, readable from every layer.

The profiles themselves (themes with severities, product vocabulary) are built by
imvo_cli.risk.profiles; this module only lists what exists, so the policy file can be checked
against it without loading the risk model.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

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
