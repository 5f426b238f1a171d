"""Risk work shared per distinct key gives the answers a supplier assessed on its own gets."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from pathlib import Path

from conftest import assessment_facts

from imvo_cli.ingest import read_suppliers
from imvo_cli.model import Evidence, Flag, Supplier
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_supplier, load_profile
from imvo_cli.risk.engine import Assessor

TEXTILE = load_profile("textile")
AS_OF = date(2026, 6, 1)
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "suppliers.xlsx"
POLICY = Policy(accepted_certifications={"SA8000": ["child_labour"]})


def varied_suppliers() -> list[Supplier]:
    """The sample list's suppliers, each also with other audit dates, results, workforces,
    certifications, action states and no address: many suppliers, few distinct keys."""
    base = read_suppliers(SAMPLE).suppliers[:12]
    variants = [
        {}, {"audit_date": date(2021, 3, 4)}, {"audit_date": date(2020, 5, 6)},
        {"audit_date": date(2019, 7, 8)}, {"audit_date": date(2025, 11, 30)},
        {"audit_date": None, "audit_standard": None, "audit_result": None},
        {"audit_result": "failed"}, {"audit_result": "zero tolerance"}, {"workers": 4200},
        {"workers": 1500}, {"address": None}, {"certifications": ["SA8000"]},
        {"extra": {"Action status": "closed"}}, {"extra": {"CAP status": "open"}},
        {"country": None}, {"country": "Atlantis"},
    ]
    return [dataclasses.replace(s, id=f"{s.id}-{n}", **v)
            for (n, v), s in itertools.product(enumerate(variants), base)]


def test_shared_assessments_equal_assessing_each_supplier_alone():
    suppliers = varied_suppliers()
    columns = frozenset({"name", "country", "address", "product", "process", "audit_date",
                         "audit_standard", "audit_result", "workers", "certifications"})
    shared = Assessor(TEXTILE, POLICY, AS_OF, columns)
    together = [shared.assess(s) for s in suppliers]
    alone = [Assessor(TEXTILE, POLICY, AS_OF, columns).assess(s) for s in suppliers]
    assert [assessment_facts(a) for a in together] == [assessment_facts(a) for a in alone]
    # the work really was shared: far fewer plans than suppliers, each shared by identity
    assert len({id(a.plan) for a in together}) < len(suppliers) * 2 // 3
    assert len({id(a.themes) for a in together}) < len(suppliers)
    # and the list exercised what is shared: place evidence, site evidence and data gaps
    kinds = {e.kind for a in together for e in a.evidence}
    assert kinds == {"place", "site", "gap"}
    # theme outcomes are shared across places: one memo, fewer outcomes than the places
    # worked out one at a time
    assert len(shared._facts) > 1 and all(not f.outcomes for _, f, _ in shared._facts)
    one_at_a_time = sum(len(a._outcomes) for a in _one_assessor_per_place(suppliers, columns))
    assert 0 < len(shared._outcomes) < one_at_a_time


def _one_assessor_per_place(suppliers: list[Supplier], columns: frozenset) -> list[Assessor]:
    """A fresh assessor per set of place cells, having assessed the suppliers with them."""
    groups: dict[tuple, list[Supplier]] = {}
    for s in suppliers:
        groups.setdefault((s.country, tuple(s.product), tuple(s.sector), tuple(s.process),
                           s.region, s.city, s.address), []).append(s)
    made = []
    for members in groups.values():
        alone = Assessor(TEXTILE, POLICY, AS_OF, columns)
        for s in members:
            alone.assess(s)
        made.append(alone)
    return made


def test_flags_and_evidence_are_values():
    """Equal fields, equal and same hash: they key the assessor's shared items."""
    a = Evidence("no-audit", "site", "no audit", "supplier list", ("wages",), "+0.5 likelihood")
    b = Evidence("no-audit", "site", "no audit", "supplier list", ("wages",), "+0.5 likelihood")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != dataclasses.replace(b, value="no audit recorded")
    f, g = Flag("wages", "high", "no-audit", "x", "y"), Flag("wages", "high", "no-audit", "x", "y")
    assert f == g and hash(f) == hash(g) and f != Flag("wages", "medium", "no-audit", "x", "y")


def test_a_suppliers_own_texts_stay_its_own_when_its_plan_is_shared():
    s = read_suppliers(SAMPLE).suppliers[0]
    old = dataclasses.replace(s, id="A", audit_date=date(2020, 1, 15), audit_standard="SMETA")
    older = dataclasses.replace(s, id="B", audit_date=date(2019, 2, 1), audit_standard="SMETA")
    a = assess_supplier(old, TEXTILE, POLICY, AS_OF)
    b = assess_supplier(older, TEXTILE, POLICY, AS_OF)
    assert a.plan is b.plan  # one plan: both audits expired
    assert a.theme_levels() == b.theme_levels() and a.main == b.main
    expired = [[e.value for e in x.evidence if e.rule == "audit-expired"] for x in (a, b)]
    assert "2020-01-15" in expired[0][0] and "2019-02-01" in expired[1][0]
    reasons = [" ".join(f.evidence for t in x.themes.values() for f in t.reasons) for x in (a, b)]
    assert "2019-02-01" not in reasons[0] and "2020-01-15" not in reasons[1]
    assert "2020-01-15" in reasons[0] and "2019-02-01" in reasons[1]


def test_suppliers_sharing_a_result_keep_their_own_priority_inputs():
    s = read_suppliers(SAMPLE).suppliers[0]
    small = dataclasses.replace(s, id="A", workers=10, purchase_share=0.5)
    smaller = dataclasses.replace(s, id="B", workers=5, purchase_share=0.1)
    a = assess_supplier(small, TEXTILE, POLICY, AS_OF)
    b = assess_supplier(smaller, TEXTILE, POLICY, AS_OF)
    assert a.themes is b.themes and a is not b
    assert a.priority_key[2:] == (10, 0.5) and b.priority_key[2:] == (5, 0.1)
    a.priority = 1
    assert b.priority is None
