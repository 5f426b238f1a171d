"""Risk model: themes per sector profile, cited evidence, OECD-style scoring.

Public API (used by map, check, aggregate, export, html):

    profile = load_profile("textile")                # themes and vocabulary of a sector
    assess_supplier(supplier, profile, policy, as_of) -> RiskAssessment   (own risk only)
    assess_location(country, products, processes, profile, policy) -> list[ThemeRisk]
    sources() -> list[dict]   # name, edition, url, licence of every embedded data source

Upstream propagation (`upstream_level`) is done on the chain graph by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..model import UNKNOWN, RiskAssessment, Supplier, ThemeRisk
from ..policy import Policy

TEXTILE_THEMES = ("discrimination_gender", "child_labour", "forced_labour",
                  "freedom_of_association", "living_wage", "health_safety", "raw_materials",
                  "water_chemicals_energy", "animal_welfare")


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    name: str
    themes: tuple[str, ...]
    vocabulary: dict = field(default_factory=dict)


def load_profile(sector: str = "textile") -> Profile:
    # Placeholder until the cited risk data lands: every theme is unknown.
    return Profile(sector, sector, TEXTILE_THEMES)


def assess_location(country, products, processes, profile: Profile, policy: Policy) -> list[ThemeRisk]:
    return [ThemeRisk(t, UNKNOWN, None) for t in profile.themes]


def assess_supplier(supplier: Supplier, profile: Profile, policy: Policy,
                    as_of: date | None = None) -> RiskAssessment:
    themes = {t.theme: t for t in assess_location(supplier.country, supplier.product,
                                                  supplier.process, profile, policy)}
    return RiskAssessment(level=UNKNOWN, score=None, themes=themes, flags=[])


def sources() -> list[dict]:
    return []
