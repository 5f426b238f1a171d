"""Metals: every word for a 3TG mineral reaches the conflict-minerals entries of the process
table, so DR Congo coltan is rated like DR Congo tin, not by the governance rank alone."""

from __future__ import annotations

import pytest

from imvo_cli.policy import Policy
from imvo_cli.risk import assess_place, load_profile

METALS = load_profile("metals")


def _theme(country: str, product: str, theme: str):
    a = assess_place(country, [product], [], METALS, Policy())
    t = a.themes[theme]
    rules = {a.evidence[i].rule for i in t.evidence}
    return t, rules


@pytest.mark.parametrize("word, like", [
    ("coltan", "tantalum"), ("cassiterite", "tin"), ("wolframite", "tungsten"),
    ("wolfram", "tungsten"), ("tin ore", "tin"), ("3TG", "tin"),
    ("goud", "gold"), ("gold ore", "gold"), ("doré", "gold"),
])
def test_3tg_words_reach_the_conflict_minerals_entries(word, like):
    t, rules = _theme("CD", word, "conflict_minerals")
    ref, _ = _theme("CD", like, "conflict_minerals")
    assert "process-knowledge" in rules
    assert (t.level, t.score) == (ref.level, ref.score)
    if like == "gold":  # the gold words reach the mercury entry too
        m, _ = _theme("CD", word, "mercury")
        g, _ = _theme("CD", "gold", "mercury")
        assert (m.level, m.score) == (g.level, g.score)
