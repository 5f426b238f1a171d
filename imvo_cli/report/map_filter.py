"""Which suppliers a view of a chain map shows (imvo map --country --tier --min-risk --top).

Kept apart from the view itself so a command can check these options before it imports
what the view needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..countries import suggest, to_iso2
from ..model import LEVELS, ImvoError

__all__ = ["MapFilter", "make_filter"]


@dataclass(frozen=True, slots=True)
class MapFilter:
    """Which suppliers a view shows (None: no restriction)."""

    countries: frozenset[str] | None = None  # ISO alpha-2
    tier: int | None = None
    min_risk: str | None = None
    top: int | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.countries, self.tier, self.min_risk, self.top))


def make_filter(country: list[str] | None = None, tier: int | None = None,
                min_risk: str | None = None, top: int | None = None) -> MapFilter:
    """Validate filter options: countries by name or code, a known level, positive numbers."""
    codes = None
    if country:
        found = set()
        for text in (p.strip() for item in country for p in item.split(",")):
            if not text:
                continue
            iso = to_iso2(text)
            if iso is None:
                close = suggest(text)
                raise ImvoError(f"--country {text!r} is not a recognised country", code="usage",
                                hint=f"did you mean {', '.join(close)}?" if close else
                                "use a country name or an ISO code such as BD")
            found.add(iso)
        codes = frozenset(found)
    if min_risk is not None and min_risk not in LEVELS:
        raise ImvoError(f"--min-risk must be one of {', '.join(LEVELS)}, got {min_risk!r}",
                        code="usage")
    if tier is not None and tier < 1:
        raise ImvoError(f"--tier must be 1 or more, got {tier}", code="usage")
    if top is not None and top < 1:
        raise ImvoError(f"--top must be 1 or more, got {top}", code="usage")
    return MapFilter(codes, tier, min_risk, top)
