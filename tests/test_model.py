
"""The shared vocabulary: levels, ranking of flags, address completeness."""

from __future__ import annotations

from itertools import product

from imvo_cli.ingest.address import has_full_address
from imvo_cli.model import (
    ALL_LEVELS,
    LEVEL_COLOURS,
    LEVEL_FONT_COLOURS,
    LEVEL_LABELS,
    LEVEL_STYLES,
    LEVELS,
    Flag,
    Level,
    RiskAssessment,
    Supplier,
    ThemeRisk,
    at_least,
    level_rank,
    worst,
)


def test_levels_order_and_unknown_is_never_at_least_anything():
    assert worst(["low", "high", "unknown", "medium"]) == "high"
    assert worst(["unknown"]) == "unknown"
    assert at_least("critical", "high") and not at_least("medium", "high")
    assert not at_least("unknown", "low")
    assert level_rank("unknown") > level_rank("low") and level_rank("unknown") < level_rank("medium")


def test_one_order_worst_first_with_unknown_above_low():
    assert [lvl.value for lvl in sorted(Level, key=lambda lvl: -lvl.rank)] == [
        "critical", "high", "medium", "unknown", "low"]
    # Regression (issue 21): helpers disagreed on ['low', 'unknown']; one rule now.
    assert worst(["low", "unknown"]) == worst(["unknown", "low"]) == "unknown"
    assert worst([]) == "unknown" and worst([None, "low"]) == "unknown"
    assert worst(["low"]) == "low" and worst(["nonsense", "low"]) == "unknown"


def test_worst_is_the_highest_rank_of_any_combination():
    words = [*ALL_LEVELS, None, "nonsense"]
    for combo in product(words, repeat=3):
        expected = max(combo, key=level_rank) or "unknown"
        if expected not in ALL_LEVELS:
            expected = "unknown"
        assert worst(combo) == expected == Level.worst(combo), combo
        assert type(worst(combo)) is str  # plain text: output bytes do not depend on the enum


def test_at_least_only_on_the_known_scale():
    for level, threshold in product([*ALL_LEVELS, None, "High"], (*LEVELS, "unknown", "x")):
        expected = (level in LEVELS and threshold in LEVELS
                    and LEVELS.index(level) >= LEVELS.index(threshold))
        assert at_least(level, threshold) is expected, (level, threshold)
        assert Level.of(level).at_least(threshold) is expected


def test_every_renderer_reads_the_same_palette_from_level():
    for table in (LEVEL_LABELS, LEVEL_COLOURS, LEVEL_FONT_COLOURS, LEVEL_STYLES):
        assert tuple(table) == ALL_LEVELS  # style tables are built in this order
    for lvl in Level:
        assert (LEVEL_LABELS[lvl], LEVEL_COLOURS[lvl], LEVEL_FONT_COLOURS[lvl], LEVEL_STYLES[lvl]) == (
            lvl.label, lvl.colour, lvl.font_colour, lvl.style)
        assert level_rank(lvl) == lvl.rank and Level.of(lvl.value) is lvl
    assert len(set(LEVEL_COLOURS.values())) == len(ALL_LEVELS)
    assert not Level.UNKNOWN.known and all(Level(lvl).known for lvl in LEVELS)


def test_full_address_needs_street_locality_and_country():
    base = dict(id="S1", name="Mill", country="IN")
    assert has_full_address(Supplier(**base, address="12 Ring Road", city="Tiruppur"))
    assert has_full_address(Supplier(**base, address="12 Ring Road", postal_code="641604"))
    # one address column holding street and town, as Open Supply Hub lists do
    assert has_full_address(Supplier(**base, address="12 Ring Road, Tiruppur"))
    assert not has_full_address(Supplier(**base, address="12 Ring Road"))
    assert not has_full_address(Supplier(id="S1", name="Mill", address="12 Ring Road, Tiruppur"))


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
