"""A word that means what another word of the vocabulary means (a Dutch word, a kind of
flower) reads the process table as that word: 'rozen' is rated like 'flower', 'wol' like
'wool', not by the governance rank alone."""

from __future__ import annotations

import pytest

from imvo_cli.model import ImvoError
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_place, load_profile
from imvo_cli.risk.profiles import _build_vocabulary


@pytest.mark.parametrize("profile, country, word, like, theme", [
    ("floriculture", "KE", "rozen", "flower", "land_water"),
    ("floriculture", "KE", "roses", "flower", "land_water"),
    ("floriculture", "ET", "snijbloemen", "flower", "pesticides_chemicals"),
    ("floriculture", "KE", "chrysanthemums", "flower", "pesticides_chemicals"),
    ("textile", "IN", "wol", "wool", "animal_welfare"),
    ("textile", "CN", "dons", "down", "animal_welfare"),
    ("textile", "IN", "leer", "leather", "animal_welfare"),
    ("textile", "CN", "bont", "fur", "animal_welfare"),
    ("textile", "IN", "huiden", "leather", "animal_welfare"),
    ("textile", "IN", "katoen", "cotton", "raw_materials"),
    ("textile", "IN", "egrenering", "egreneren", "raw_materials"),
])
def test_a_synonym_reads_the_process_table_as_its_word(profile, country, word, like, theme):
    p = load_profile(profile)
    a = assess_place(country, [word], [], p, Policy()).themes[theme]
    b = assess_place(country, [like], [], p, Policy()).themes[theme]
    assert (a.level, a.score, a.severity) == (b.level, b.score, b.severity)
    ev = assess_place(country, [word], [], p, Policy()).evidence
    assert any(e.rule == "process-knowledge" and theme in e.themes and f"'{word}'" in e.value
               for e in ev)


def test_like_must_name_a_word_of_the_process_table():
    with pytest.raises(ImvoError, match="like"):
        _build_vocabulary({"foo": {"like": "no such word"}}, "textile")
