"""Risk is assessed once per distinct place: the address counts only where it names a region
of the region table (regression: every Chinese address used to be a place of its own)."""

from __future__ import annotations

from datetime import date

from imvo_cli.model import Supplier
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_supplier, load_profile
from imvo_cli.risk.engine import _region_text

TEXTILE = load_profile("textile")
POLICY = Policy()
AS_OF = date(2024, 6, 1)


def _cn(sid: str, address: str, region: str | None = None) -> Supplier:
    return Supplier(id=sid, name=sid, country="CN", address=address, region=region,
                    product=["cotton yarn"], rows=[2])


def test_addresses_without_a_listed_region_share_one_assessment():
    a = assess_supplier(_cn("A", "12 Long Road, Ningbo"), TEXTILE, POLICY, AS_OF)
    b = assess_supplier(_cn("B", "7 Harbour Street, Qingdao"), TEXTILE, POLICY, AS_OF)
    assert a.plan is b.plan and a.themes is b.themes and a.evidence is b.evidence
    assert "legal-presumption" not in {e.rule for e in a.evidence}


def test_a_listed_region_still_separates_the_place_in_any_cell():
    plain = assess_supplier(_cn("A", "12 Long Road, Ningbo"), TEXTILE, POLICY, AS_OF)
    in_address = assess_supplier(_cn("C", "8 Road, Urumqi, Xinjiang"), TEXTILE, POLICY, AS_OF)
    in_region = assess_supplier(_cn("D", "3 Cotton Road", region="XUAR"), TEXTILE, POLICY, AS_OF)
    for a in (in_address, in_region):
        assert a.plan is not plain.plan
        assert a.themes["forced_labour"].level == "critical"
        assert "legal-presumption" in {e.rule for e in a.evidence}
    assert _region_text("CN", "Ningbo", "12 Long Road") == ""
    assert _region_text("NL", "Xinjiang") == ""  # no region entries for the country
    assert _region_text("CN", "8 Road, Urumqi, Xinjiang") != ""
