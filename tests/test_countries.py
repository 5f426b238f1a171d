"""Country names and codes in any common spelling become ISO 3166-1 alpha-2."""

from __future__ import annotations

import pytest

from imvo_cli.ingest.countries import country_name, suggest, to_iso2


@pytest.mark.parametrize("text,code", [
    ("Holland", "NL"), ("Nederland", "NL"), ("Netherlands", "NL"), ("The Netherlands", "NL"),
    ("Netherlands (the)", "NL"), ("NL", "NL"), ("NLD", "NL"),
    ("Turkey", "TR"), ("Türkiye", "TR"), ("Turkiye", "TR"), ("Turkije", "TR"),
    ("Burma", "MM"), ("Myanmar", "MM"),
    ("Viet Nam", "VN"), ("Vietnam", "VN"), ("VNM", "VN"),
    ("Korea, Rep.", "KR"), ("Korea, Republic of", "KR"), ("South Korea", "KR"),
    ("CHINA", "CN"), ("china", "CN"), ("People's Republic of China", "CN"),
    ("PK", "PK"), ("pk", "PK"), ("Pakistan", "PK"), ("PAK", "PK"),
    ("Bangladesh", "BD"), ("India", "IN"), ("Ethiopia", "ET"), ("Ethiopië", "ET"),
    ("Italy", "IT"), ("Italië", "IT"), ("Portugal", "PT"), ("Duitsland", "DE"),
    ("Hong Kong", "HK"), ("Taiwan", "TW"), ("Côte d'Ivoire", "CI"), ("Ivory Coast", "CI"),
    ("  united kingdom ", "GB"), ("UK", "GB"), ("USA", "US"),
])
def test_to_iso2(text, code):
    assert to_iso2(text) == code


@pytest.mark.parametrize("text", ["Bangladseh", "Atlantis", "", "   ", None, "XX"])
def test_unknown_countries_are_none(text):
    assert to_iso2(text) is None


def test_suggest_a_misspelling():
    assert "Bangladesh" in suggest("Bangladseh")
    assert "Cambodia" in suggest("Cambodja ")


def test_country_name():
    assert country_name("VN") in ("Viet Nam", "Vietnam")
    assert country_name("NL") == "Netherlands"
    assert country_name("XK") == "Kosovo"
    assert country_name(None) is None


def test_every_iso_code_round_trips():
    import pycountry

    for c in pycountry.countries:
        assert to_iso2(c.alpha_2) == c.alpha_2
        assert to_iso2(c.alpha_3) == c.alpha_2
        assert to_iso2(c.name) == c.alpha_2, c.name
