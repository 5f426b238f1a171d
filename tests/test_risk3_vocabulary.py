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


@pytest.mark.parametrize("country, word, good", [
    ("MM", "coffee beans", None),  # Burma lists beans (green, soy, yellow) for forced child labour
    ("MX", "cocoa beans", None),  # Mexico lists green beans, not cocoa
    ("MG", "vanilla beans", "vanilla"),
])
def test_the_beans_of_another_good_are_not_dol_beans(country, word, good):
    a = assess_place(country, [word], [], load_profile("food"), Policy())
    cited = [e.value for e in a.evidence if e.rule == "dol-listed-good"]
    assert not [v for v in cited if "in beans" in v]
    assert [v for v in cited if f"in {good}," in v] if good else not cited


def test_beans_alone_still_reach_the_dol_beans():
    a = assess_place("MM", ["beans"], [], load_profile("food"), Policy())
    assert any("beans (green, soy, yellow)" in e.value for e in a.evidence
               if e.rule == "dol-listed-good")
