"""The assessor's shared work (per row key, place, row signals, plan and site item) gives each
supplier what a fresh assessor gives it alone, also where region text decides the place and
where the list lacks columns, and whatever order the suppliers come in."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from pathlib import Path

import pytest
from conftest import assessment_facts

from imvo_cli.ingest import read_suppliers
from imvo_cli.model import Supplier
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_suppliers, engine, load_profile
from imvo_cli.risk.engine import Assessor

TEXTILE = load_profile("textile")
AS_OF = date(2026, 12, 1)
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "suppliers.xlsx"
POLICY = Policy(accepted_certifications={"SA8000": ["child_labour"], "GOTS": ["*"]})
ALL_COLUMNS = frozenset({"name", "country", "region", "city", "address", "product", "sector",
                         "process", "audit_date", "audit_standard", "audit_result", "workers",
                         "certifications"})

# Where the supplier is: region-table places (by region, city or address), other places in a
# country with region rules, a country without them, unknown and missing countries.
PLACES = [
    {"country": "CN", "region": "Xinjiang", "city": None, "address": "1 Cotton Road"},
    {"country": "China", "region": None, "city": "Aksu", "address": "8 Mill Street"},
    {"country": "CN", "region": None, "city": "Ningbo", "address": "3 Road, Urumqi"},
    {"country": "CN", "region": None, "city": "Ningbo", "address": "12 Long Road"},
    {"country": "CN", "region": None, "city": "Yiwu", "address": None},
    {"country": "Bangladesh", "region": None, "city": "Dhaka", "address": "5 Tejgaon"},
    {"country": "Atlantis", "region": None, "city": None, "address": "1 Sea Lane"},
    {"country": None, "region": None, "city": None, "address": "2 Nowhere Road"},
]

# What the row says of the site: audit dates (valid, expired, on the limit, undated), results,
# worker counts (below, at and above the policy's large workforce), certifications, actions.
ROWS = [
    {},
    {"audit_date": date(2026, 1, 10), "audit_standard": "SMETA", "audit_result": "pass"},
    {"audit_date": date(2021, 3, 4), "audit_standard": "SMETA"},
    {"audit_date": date(2019, 7, 8), "audit_standard": "BSCI", "audit_result": "D"},
    {"audit_date": date(2025, 12, 1), "audit_result": "zero tolerance"},
    {"audit_date": None, "audit_standard": "WRAP", "audit_result": None},
    {"audit_date": date(2026, 2, 2), "audit_result": "failed"},
    {"workers": 999}, {"workers": 1000}, {"workers": 4200},
    {"certifications": ["SA8000"]}, {"certifications": ["GOTS 7.0", "unknown scheme"]},
    {"extra": {"Action status": "closed"}}, {"extra": {"CAP status": "open"}},
    {"extra": {"Remediation": "in progress", "Notes": "closed"}},
    {"product": [], "sector": ["Apparel"]}, {"product": ["cotton", "t-shirts"]},
]


def generated_suppliers() -> list[Supplier]:
    """Sample suppliers moved to every place with every kind of row: many suppliers, and
    rows that share a place, a plan or site texts with others."""
    base = read_suppliers(SAMPLE).suppliers[:3]
    out = []
    for n, (s, place, row) in enumerate(itertools.product(base, PLACES, ROWS)):
        base_row = {"audit_date": None, "audit_standard": None, "audit_result": None,
                    "workers": None, "certifications": [], "extra": {}}
        out.append(dataclasses.replace(s, id=f"G{n}", purchase_share=(n % 7) / 10,
                                       **{**base_row, **place, **row}))
    return out


def alone(s: Supplier, columns: frozenset | None) -> dict:
    return assessment_facts(Assessor(TEXTILE, POLICY, AS_OF, columns).assess(s))


@pytest.mark.parametrize("columns", [
    ALL_COLUMNS,
    None,  # every field taken as present
    frozenset({"name", "country", "address", "product", "process"}),  # no audit, no workers
    frozenset({"name", "country", "product", "audit_date", "workers"}),  # no address
], ids=["all-columns", "columns-unknown", "no-audit-no-workers", "no-address"])
def test_batch_assessment_equals_each_supplier_assessed_alone(columns):
    suppliers = generated_suppliers()
    engine._ASSESSORS.clear()
    engine._LAST.clear()
    together = assess_suppliers(suppliers, TEXTILE, POLICY, AS_OF, columns)
    assert list(together) == [s.id for s in suppliers]
    assert [assessment_facts(together[s.id]) for s in suppliers] == [alone(s, columns) for s in suppliers]


def test_the_order_of_the_suppliers_changes_no_assessment():
    suppliers = generated_suppliers()
    forward = Assessor(TEXTILE, POLICY, AS_OF, ALL_COLUMNS)
    backward = Assessor(TEXTILE, POLICY, AS_OF, ALL_COLUMNS)
    first = {s.id: assessment_facts(forward.assess(s)) for s in suppliers}
    last = {s.id: assessment_facts(backward.assess(s)) for s in reversed(suppliers)}
    assert first == last


def test_the_generated_list_reaches_what_the_shared_paths_share():
    """The suppliers above exercise region places, row-signal texts and plans shared by many."""
    suppliers = generated_suppliers()
    shared = Assessor(TEXTILE, POLICY, AS_OF, ALL_COLUMNS)
    results = [shared.assess(s) for s in suppliers]
    rules = {e.rule for a in results for e in a.evidence}
    assert {"audit-valid", "audit-expired", "audit-undated", "audit-failed",
            "audit-zero-tolerance", "large-workforce", "accepted-certification",
            "action-status", "unknown-country", "missing-address"} <= rules
    regions = {place[3] for place in shared._places}
    assert len(regions - {""}) >= 2, "region text sets apart places of one country"
    assert len(shared._plans) < len(shared._results) < len(suppliers)
