"""Words buyers write for the DOL List's downstream solar goods reach those entries."""

from __future__ import annotations

import pytest

from imvo_cli.policy import Policy
from imvo_cli.risk import assess_place, load_profile


@pytest.mark.parametrize("word, good", [
    ("solar panels", "solar modules"),
    ("PV modules", "solar modules"),
    ("zonnepanelen", "solar modules"),
    ("photovoltaic cells", "solar cells"),
    ("silicon wafers", "photovoltaic wafers"),
])
def test_solar_words_reach_the_downstream_dol_entries(word, good):
    a = assess_place("CN", [word], [], load_profile("metals"), Policy())
    dol = [e for e in a.evidence if e.rule == "dol-listed-good"]
    assert dol and good in dol[0].value and "downstream good made with polysilicon" in dol[0].value
    assert a.themes["forced_labour"].level == "high"
    # outside China the downstream entry does not apply
    other = assess_place("DE", [word], [], load_profile("metals"), Policy())
    assert not [e for e in other.evidence if e.rule == "dol-listed-good"]
