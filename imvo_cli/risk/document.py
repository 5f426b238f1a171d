"""`imvo risk` as a library: a country name to its code, and the imvo.risk/2 document."""

from __future__ import annotations

from typing import Any

from ..countries import read_country, suggest, to_iso2
from ..model import ImvoError, RiskAssessment, evidence_id
from ..policy import Policy
from .engine import assess_place, source_list
from .profiles import load_profile

SCHEMA = "imvo.risk/2"


def check_country(text: str) -> str:
    """ISO code for a country name or code, else a usage error with suggestions."""
    iso = to_iso2(text)
    if iso is None:
        near = suggest(text)
        raise ImvoError(f"unknown country {text!r}", code="unknown-country",
                        hint=("did you mean: " + ", ".join(near)) if near
                        else "give an ISO code such as IN or an English name")
    return iso


def country_warning(text: str) -> str | None:
    """What `imvo risk` warns about a country it reads with a choice ('Korea': South Korea, not
    North Korea) or with a part it ignores ('Bangladesh (Dhaka)'), as a list's cell warns;
    None when the name is certain."""
    reading = read_country(text)
    if reading.code is None or reading.status not in ("ambiguous", "partial"):
        return None
    return reading.message


def risk_document(country: str, product: str | None, process: str | None, sector: str,
                  assessment: RiskAssessment, labels: dict[str, str] | None = None,
                  region: str | None = None) -> dict[str, Any]:
    """The imvo.risk/2 document: the evidence once, each theme referring to it by id.

    Per theme: level and score (as in imvo.risk/1; for a place without a site they are the
    inherent ones), severity and likelihood, and the ids of its evidence.
    """
    labels = labels or {}
    return {
        "schema": SCHEMA,
        "country": country,
        "region": region,
        "product": product,
        "process": process,
        "sector": sector,
        "sources": source_list(),
        "evidence": [ev.to_dict(evidence_id(i)) for i, ev in enumerate(assessment.evidence)],
        "themes": [{"theme": t.theme, "label": labels.get(t.theme, t.theme), "level": t.level,
                    "score": t.score, "severity": t.severity, "likelihood": t.likelihood,
                    "evidence": [evidence_id(i) for i in t.evidence]}
                   for t in assessment.themes.values()],
    }


def country_risk(country: str, policy: Policy, *, product: str | None = None,
                 process: str | None = None, region: str | None = None,
                 sector: str | None = None) -> dict[str, Any]:
    """What `imvo risk` shows: the imvo.risk/2 document for a country (name or code), product,
    process and region under a policy, in a sector profile (`sector` beats the policy's)."""
    iso = check_country(country)
    profile = load_profile(sector or policy.sector)
    assessment = assess_place(iso, [product] if product else [], [process] if process else [],
                              profile, policy, region=region)
    labels = {t.key: t.label for t in profile.theme_defs}
    return risk_document(iso, product, process, profile.key, assessment, labels, region)
