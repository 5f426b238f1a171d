"""Name and address noise real lists carry (issue 17): letter-spaced names, glued unit numbers,
o typed for 0, names that are only a trade word and a number. All names are invented."""

import pytest

from imvo_cli.match import make_record, match_records, score_pair
from imvo_cli.match.normalise import (address_numbers, letter_spaced, normalise_address,
                                      normalise_name, raw_tokens, split_glued_units)
from imvo_cli.match.records import name_marks


def rec(i, name, country="BD", address=None, city=None):
    return make_record(i, name, country, address, city, None, None)


@pytest.mark.parametrize("spaced, plain", [
    ("m e r c u r y appar e l", "Mercury Apparel"),
    ("M E R C U R Y  A P P A R E L  L T D", "Mercury Apparel Ltd"),
    ("m e r c u r y pr i v ate l i m i t e d", "Mercury Private Limited"),
    ("q u i l l o n k n i t", "Quillon Knit"),
])
def test_letter_spaced_names_compare_without_spaces(spaced, plain):
    assert letter_spaced(raw_tokens(spaced))
    a, b = rec(0, spaced), rec(1, plain)
    assert a.core_compact == b.core_compact
    assert score_pair(a, b).name == 1.0


@pytest.mark.parametrize("name", ["A B C Garments", "Hu Ma Yi Garment Co", "Textiles Opico S.A de C.V",
                                  "GFSI Southwest S. de R.L. de C.V.", "K B Fashion Ltd"])
def test_initials_syllables_and_dotted_legal_forms_are_not_letter_spacing(name):
    assert not letter_spaced(raw_tokens(name))


def test_glued_letters_are_never_read_as_roman_numerals():
    # "pr i v ate" glued letter by letter would give "iv": unit 4 of a sister site.
    assert name_marks("Zorvat pr i v ate l i m i t e d") == frozenset()
    assert name_marks("m e r c u r y appar e l") == frozenset()
    # Real tokens still count.
    assert name_marks("Zorvat Knit II") == {"2"}
    assert name_marks("Zorvat Knit Unit-I") == {"1"}
    a = rec(0, "Zorvat pr i v ate l i m i t e d", address="Plot 9, Sector 4, Uttara EPZ")
    b = rec(1, "Zorvat Private Limited", address="Plot 9 Sector 4 Uttara EPZ")
    assert score_pair(a, b).rule == "score" and score_pair(a, b).score >= 0.86


def test_unit_words_glued_to_numbers_are_split():
    assert split_glued_units("ltdunit14") == ["ltd", "unit", "14"]
    assert split_glued_units("unit3") == ["unit", "3"]
    assert split_glued_units("no12") == ["no12"]  # a code, not "No. 12"
    assert split_glued_units("kat3") == ["kat3"]
    assert normalise_name("Trevanto Garments ltdunit14") == normalise_name("Trevanto Garments Ltd Unit 14")
    assert name_marks("Trevanto Garments ltdunit14") == {"14"}
    # Another unit of the same group stays apart.
    s = score_pair(rec(0, "Trevanto Garments ltdunit14", address="Plot 3, Adamjee EPZ"),
                   rec(1, "Trevanto Garments Ltd Unit 15", address="Plot 3, Adamjee EPZ"))
    assert s.rule == "unit-differs" and s.score < 0.86


@pytest.mark.parametrize("typed, meant", [("No. 33o Quarry Road", "No. 330 Quarry Road"),
                                          ("1o5 Quarry Road", "105 Quarry Road"),
                                          ("Lot 2O7, Quarry Road", "Lot 207, Quarry Road")])
def test_o_between_or_after_digits_is_a_zero_in_addresses(typed, meant):
    assert normalise_address(typed) == normalise_address(meant)
    assert address_numbers(normalise_address(typed)) == address_numbers(normalise_address(meant))


def test_o_as_a_word_or_inside_words_stays():
    assert "ozone" in normalise_address("Ozone Road 2").split()
    assert "road" in normalise_address("12 O Road").split()


def test_a_trade_word_and_a_number_keep_both_in_the_core():
    r = rec(0, "Factory 1 S.A. de C.V.", "SV")
    assert r.core == "factory 1"  # not "1", which every "Unit 1" shares
    assert r.marks == {"1"}


def test_a_one_sided_stray_digit_goes_to_review_not_merge():
    s = score_pair(rec(0, "Pelmora Knit 2", address="Plot 14, Road 3, Ashulia"),
                   rec(1, "Pelmora Knit", address="Plot 14, Road 3, Ashulia"))
    assert 0.70 <= s.score < 0.86


def test_letter_spaced_and_plain_spellings_merge_in_a_list():
    records = [rec(0, "Mercury Apparel Ltd", address="Plot 12, Sector 3, Tongi"),
               rec(1, "m e r c u r y appar e l", address="Plot 12 Sector 3 Tongi"),
               rec(2, "Mercury Apparel Ltd Unit 2", address="Plot 40, Sector 7, Tongi")]
    groups = match_records(records).groups
    assert [0, 1] in groups and [2] in groups


def test_indian_p_ltd_is_a_legal_form():
    # "(P) Ltd" left a lone "p" as the distinctive core, so no block key found the pair.
    assert normalise_name("Vellora Knit Fab (P) Ltd") == normalise_name("Vellora Knit Fab Pvt. Ltd.")
