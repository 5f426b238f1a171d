"""Cell normalisers: workers, dates, tiers, shares, multi-value fields, Open Supply Hub ids."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo_cli.ingest import normalise as nz


@pytest.mark.parametrize("raw,expected", [
    ("1.250", 1250), ("1,250", 1250), ("1 250", 1250), ("12.500", 12500), (1250, 1250),
    (1250.0, 1250), ("100-500", 300), ("100 - 500", 300), ("100–500", 300), ("100 to 500", 300),
    ("approx. 300", 300), ("approx 300", 300), ("ca. 300", 300), ("ongeveer 300", 300),
    ("~300", 300), ("300+", 300), ("> 1000", 1000), ("300 workers", 300), ("1.000-1.500", 1250),
])
def test_workers(raw, expected):
    assert nz.parse_workers(raw) == expected


@pytest.mark.parametrize("raw", ["many", "500-100", "-5", "", "3000000", True])
def test_workers_rejected_with_a_message(raw):
    with pytest.raises(ValueError) as exc:
        nz.parse_workers(raw)
    assert str(exc.value)


@pytest.mark.parametrize("raw,expected", [
    (45366, date(2024, 3, 15)),  # Excel serial
    (45366.0, date(2024, 3, 15)),
    ("45366", date(2024, 3, 15)),
    ("2024-03-15", date(2024, 3, 15)),  # ISO
    ("2024-03-15T10:30:00", date(2024, 3, 15)),
    ("15-03-2024", date(2024, 3, 15)),  # dd-mm-yyyy
    ("15.03.2024", date(2024, 3, 15)),
    ("15/03/2024", date(2024, 3, 15)),
    ("5/3/24", date(2024, 3, 5)),  # d/m/yy: day first
    ("15 maart 2024", date(2024, 3, 15)),
    ("15 March 2024", date(2024, 3, 15)),
    (datetime(2024, 3, 15, 8, 0), date(2024, 3, 15)),
    (date(2024, 3, 15), date(2024, 3, 15)),
])
def test_dates(raw, expected):
    assert nz.parse_date(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("15-Mar-2024", date(2024, 3, 15)), ("1-mrt-24", date(2024, 3, 1)),
    ("15 mrt. 2024", date(2024, 3, 15)), ("Mar 15, 2024", date(2024, 3, 15)),
    ("March 15, 2024", date(2024, 3, 15)), ("15 maart 2024", date(2024, 3, 15)),
    ("15 Sept 2024", date(2024, 9, 15)), ("3 okt. 2023", date(2023, 10, 3)),
    ("1 mei 2023", date(2023, 5, 1)), ("maart 2024", date(2024, 3, 1)),
    ("15-MAR-2024 10:30", date(2024, 3, 15)),
])
def test_dates_with_english_and_dutch_month_names(raw, expected):
    """Regression: 15-Mar-2024, 1-mrt-24, '15 mrt. 2024' and 'Mar 15, 2024' were refused."""
    assert nz.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["soon", "31-02-2024", "2024-13-01", -3, "31-feb-2024",
                                 "15 foo 2024", "Mar 2024 15"])
def test_bad_dates(raw):
    with pytest.raises(ValueError):
        nz.parse_date(raw)


@pytest.mark.parametrize("raw,expected", [
    (1, 1), (2.0, 2), ("3", 3), ("Tier 2", 2), ("tier-4", 4), ("T3", 3), ("Niveau 2", 2),
])
def test_tier(raw, expected):
    assert nz.parse_tier(raw) == expected


@pytest.mark.parametrize("raw,expected", [("2.0", 2), ("2,0", 2), ("Tier 3.0", 3), (" 1.00 ", 1)])
def test_tier_as_integral_decimal_text(raw, expected):
    """Regression: a tier exported as text '2.0' or '2,0' was refused."""
    assert nz.parse_tier(raw) == expected


@pytest.mark.parametrize("raw", ["first", 0, 1.5, "Tier 99", "2.5", "2,5", "2.", "0.0"])
def test_bad_tier(raw):
    with pytest.raises(ValueError):
        nz.parse_tier(raw)


@pytest.mark.parametrize("raw,expected", [
    ("35%", 0.35), ("35", 0.35), (0.35, 0.35), ("0,35", 0.35), ("12,5%", 0.125), (35, 0.35),
])
def test_share(raw, expected):
    assert nz.parse_share(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw,expected", [
    ("Dyeing | Printing; Washing", ["Dyeing", "Printing", "Washing"]),
    ("Knitting, Dyeing, Finishing", ["Knitting", "Dyeing", "Finishing"]),
    ("Cutting|Sewing|Sewing", ["Cutting", "Sewing"]),
    ("Apparel|Health", ["Apparel", "Health"]),
    ("GOTS\nOEKO-TEX Standard 100", ["GOTS", "OEKO-TEX Standard 100"]),
    # a comma inside a company name or a number is not a separator
    ("Ruifeng Textile Co., Ltd.", ["Ruifeng Textile Co., Ltd."]),
    ("Ruifeng Co., Ltd. | Jiaxin Co., Ltd.", ["Ruifeng Co., Ltd.", "Jiaxin Co., Ltd."]),
    ("Plot 3, 4", ["Plot 3, 4"]),
    ("", []),
])
def test_split_multi(raw, expected):
    assert nz.split_multi(raw) == expected


def test_clean_text_nfc_and_whitespace():
    decomposed = "Confecc\u0327o\u0303es  Arau\u0301jo\tLda. "
    assert nz.clean_text(decomposed) == "Confecções Araújo Lda."
    assert nz.clean_text(None) == ""
    assert nz.clean_text(12.0) == "12"
    assert nz.clean_text("a\x00b") == "a b"


@pytest.mark.parametrize("raw,expected", [
    ("CN2019303BQ3FZP", "CN2019303BQ3FZP"),
    ("cn2019303bq3fzp", "CN2019303BQ3FZP"),
    ("CN-2019303-BQ3FZP", "CN2019303BQ3FZP"),
    (" CN2019303BQ3FZP ", "CN2019303BQ3FZP"),
])
def test_os_id_valid(raw, expected):
    assert nz.parse_os_id(raw) == expected


@pytest.mark.parametrize("raw,why", [
    ("CN2019303BQ3FZQ", "check character"),  # last character changed
    ("CN2019303BQ3FPZ", "check character"),  # two characters swapped
    ("CN2019303BQ3FZ", "not an Open Supply Hub ID"),  # too short
    ("12345", "not an Open Supply Hub ID"),
    ("CN2019303BQ3FUP", "never use"),  # U is not a base-32 (Crockford) character
])
def test_os_id_invalid(raw, why):
    with pytest.raises(ValueError, match=why):
        nz.parse_os_id(raw)


def test_os_id_any_single_typo_is_caught():
    good = "CN2019303BQ3FZP"
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for i in range(2, 14):
        for c in alphabet:
            if c == good[i]:
                continue
            typo = good[:i] + c + good[i + 1:]
            with pytest.raises(ValueError):
                nz.parse_os_id(typo)


@given(st.integers(min_value=0, max_value=2_000_000))
def test_workers_roundtrip_dutch_thousands(n):
    text = f"{n:,}".replace(",", ".")
    assert nz.parse_workers(text) == n


@given(st.text(max_size=60))
def test_split_multi_parts_are_clean_and_unique(text):
    parts = nz.split_multi(nz.clean_text(text))
    assert len(parts) == len(set(parts))
    assert all(p and p == p.strip() for p in parts)
