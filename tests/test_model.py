"""The shared vocabulary: levels, ranking of flags, address completeness."""

from __future__ import annotations

from imvo_cli.model import Flag, RiskAssessment, Supplier, ThemeRisk, at_least, level_rank, worst


def test_levels_order_and_unknown_is_never_at_least_anything():
    assert worst(["low", "high", "unknown", "medium"]) == "high"
    assert worst(["unknown"]) == "unknown"
    assert at_least("critical", "high") and not at_least("medium", "high")
    assert not at_least("unknown", "low")
    assert level_rank("unknown") > level_rank("low") and level_rank("unknown") < level_rank("medium")


def test_full_address_needs_street_locality_and_country():
    base = dict(id="S1", name="Mill", country="IN")
    assert Supplier(**base, address="12 Ring Road", city="Tiruppur").has_full_address
    assert Supplier(**base, address="12 Ring Road", postal_code="641604").has_full_address
    # one address column holding street and town, as Open Supply Hub lists do
    assert Supplier(**base, address="12 Ring Road, Tiruppur").has_full_address
    assert not Supplier(**base, address="12 Ring Road").has_full_address
    assert not Supplier(id="S1", name="Mill", address="12 Ring Road, Tiruppur").has_full_address


def test_main_reasons_lead_with_evidence_and_join_themes():
    dol = "product 'T-shirts' -> DOL good 'Garments', listed for Bangladesh: Child_Labor=Yes"
    flags = [Flag("child_labour", "high", "no-audit", "no social audit recorded", "supplier list"),
             Flag("forced_labour", "high", "no-audit", "no social audit recorded", "supplier list"),
             Flag("child_labour", "medium", "dol-listed-good", dol, "US DOL ILAB"),
             Flag("living_wage", "medium", "governance-baseline", "weak", "World Bank WGI")]
    a = RiskAssessment(level="high", score=60, flags=flags, themes={
        "child_labour": ThemeRisk("child_labour", "high", 60),
        "forced_labour": ThemeRisk("forced_labour", "high", 60),
        "living_wage": ThemeRisk("living_wage", "medium", 40)})
    assert a.top_themes() == ["child_labour", "forced_labour"]
    assert a.main_reasons(2) == [f"child labour: {dol}",
                                 "child labour, forced labour: no social audit recorded"]
