"""When a DOL forced-child-labour good makes a site critical: never verified or failed, not aged."""

from __future__ import annotations

from datetime import date

import pytest

from imvo_cli.model import Supplier
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_supplier, load_profile

TEXTILE = load_profile("textile")
POLICY = Policy()
AS_OF = date(2026, 6, 1)
AUDIT_COLUMNS = frozenset({"name", "country", "address", "product", "audit_standard",
                           "audit_date", "audit_result"})


def garment_maker(**audit) -> Supplier:
    # Viet Nam garments are on the US DOL list for forced child labour.
    return Supplier(id="S1", name="Song Hong Garment", country="VN", address="Lot 4, Ha Nam",
                    city="Phu Ly", product=["garments"], **audit)


@pytest.mark.parametrize("audit, level", [
    ({}, "critical"),  # audit columns present, nothing recorded: never verified
    ({"audit_standard": "BSCI", "audit_date": date(2025, 9, 1), "audit_result": "Failed"}, "critical"),
    ({"audit_standard": "BSCI", "audit_date": date(2021, 3, 1), "audit_result": "B"}, "high"),
    ({"audit_standard": "BSCI", "audit_date": date(2025, 9, 1), "audit_result": "B"}, "high"),
])
def test_a_forced_child_labour_good_is_critical_only_where_never_verified_or_failed(audit, level):
    risk = assess_supplier(garment_maker(**audit), TEXTILE, POLICY, AS_OF, columns=AUDIT_COLUMNS)
    assert risk.level == level
    assert risk.themes["child_labour"].inherent in ("high", "critical")


def test_an_expired_audit_still_raises_likelihood_above_a_valid_one():
    expired = assess_supplier(garment_maker(audit_standard="BSCI", audit_date=date(2021, 3, 1),
                                            audit_result="B"), TEXTILE, POLICY, AS_OF,
                              columns=AUDIT_COLUMNS)
    valid = assess_supplier(garment_maker(audit_standard="BSCI", audit_date=date(2025, 9, 1),
                                          audit_result="B"), TEXTILE, POLICY, AS_OF,
                            columns=AUDIT_COLUMNS)
    assert expired.themes["child_labour"].score > valid.themes["child_labour"].score
    assert any(e.rule == "audit-expired" for e in expired.evidence)


def test_without_audit_columns_the_listing_is_high_never_critical():
    risk = assess_supplier(garment_maker(), TEXTILE, POLICY, AS_OF,
                           columns=frozenset({"name", "country", "address", "product"}))
    assert risk.level == "high"
    assert all(e.kind != "gap" for e in risk.main_evidence())
