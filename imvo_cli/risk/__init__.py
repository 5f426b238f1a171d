"""Risk model: themes per sector profile, cited evidence, OECD-style scoring.

Public API (used by map, check, aggregate, export, html):

    profile = load_profile("textile")                # themes and vocabulary of a sector
    assess_supplier(supplier, profile, policy, as_of, columns) -> RiskAssessment  (own risk:
        evidence once, themes with inherent and residual level; columns = fields the list has)
    assess_suppliers(suppliers, profile, policy, as_of, columns) -> {supplier id: RiskAssessment}
    assess_location(country, products, processes, profile, policy, region) -> list[ThemeRisk]
    assess_place(...) -> RiskAssessment   (the same with the evidence list)
    sources() -> list[dict]   # name, edition, url, licence, file of every embedded source
    level_for_score(score, thresholds) -> level

Upstream propagation (`upstream_level`) is done on the chain graph by the caller.
Data files are read once, on first use; assessments are cached per distinct place.
"""

from __future__ import annotations

from .engine import (
                     assess_location,
                     assess_place,
                     assess_supplier,
                     assess_suppliers,
                     governance_likelihood,
                     level_for_score,
                     place_recognition,
                     score_of,
                     sources,
                     supplier_products,
                     unrecognised_cells,
)
from .profiles import Profile, Theme, available_profiles, known_themes, load_profile

TEXTILE_THEMES = ("discrimination_gender", "child_labour", "forced_labour",
                  "freedom_of_association", "living_wage", "health_safety", "raw_materials",
                  "water_chemicals_energy", "animal_welfare")

__all__ = [
                     "TEXTILE_THEMES",
                     "Profile",
                     "Theme",
                     "assess_location",
                     "assess_place",
                     "assess_supplier",
                     "assess_suppliers",
                     "available_profiles",
                     "governance_likelihood",
                     "known_themes",
                     "level_for_score",
                     "load_profile",
                     "place_recognition",
                     "score_of",
                     "sources",
                     "supplier_products",
                     "unrecognised_cells",
]
