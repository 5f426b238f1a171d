"""`imvo risk` as a library: a country name to its code, and the imvo.risk/2 document."""

from __future__ import annotations

from typing import Any

from ..ingest.countries import suggest, to_iso2
from ..model import ImvoError, RiskAssessment, evidence_id

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
        "evidence": [ev.to_dict(evidence_id(i)) for i, ev in enumerate(assessment.evidence)],
        "themes": [{"theme": t.theme, "label": labels.get(t.theme, t.theme), "level": t.level,
                    "score": t.score, "severity": t.severity, "likelihood": t.likelihood,
                    "evidence": [evidence_id(i) for i in t.evidence]}
                   for t in assessment.themes.values()],
    }
