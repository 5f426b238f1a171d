"""Natural stone: quarrying in English or Dutch reaches the quarry entries of the process
table, which cite the agreement as signed (TruStone Initiative, May 2019)."""

from __future__ import annotations

import pytest

from imvo_cli.policy import Policy
from imvo_cli.risk import assess_place, load_profile

STONE = load_profile("natural_stone")


def _quarry_items(process: str):
    a = assess_place("IN", ["zandsteen"], [process], STONE, Policy())
    return [e for e in a.evidence if e.rule == "process-knowledge" and "Quarry" in e.value]


@pytest.mark.parametrize("process", ["quarry", "quarrying", "groeve", "steengroeve",
                                     "block extraction"])
def test_quarrying_in_any_wording_reaches_the_quarry_entries(process):
    items = _quarry_items(process)
    assert {t for e in items for t in e.themes} == {"health_safety", "environment"}
    for e in items:
        assert "TruStone" in e.source and "2017" not in e.source
