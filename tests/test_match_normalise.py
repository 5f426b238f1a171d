"""Name and address normalisation for facility matching."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imvo_cli.match.normalise import (address_numbers, core_name, normalise_address,
                                      normalise_name, trade_words)
from imvo_cli.match.records import name_marks


@pytest.mark.parametrize("a, b", [
    ("Jiangsu Feilong Plastic Co., Ltd ", "JIANGSU FEILONG PLASTIC CO.,LTD."),
    ("ABC (Pvt.) Ltd.", "ABC Private Limited"),
    ("Noor Textiles Pvt Ltd", "Noor Textiles Private Limited"),
    ("Şişli Tekstil Sanayi ve Ticaret A.Ş.", "Sisli Tekstil San. ve Tic. A.S."),
    ("Şişli Tekstil Sanayi ve Ticaret Ltd. Şti.", "SISLI TEKSTIL"),
    ("Textiles Opico S.A de C.V", "Textiles Opico SA de CV"),
    ("GFSI Southwest S. de R.L. de C.V.", "GFSI Southwest S DE Rl DE CV"),
    ("A.Schmied s.r.o.", "A Schmied sro"),
    ("Van Dam B.V.", "Van Dam BV"),
    ("Weber GmbH & Co. KG", "Weber GmbH"),
    ("Industrias Químicas Perlacos, S.L.", "Industrias Quimicas Perlacos SL"),
    ("Cong ty TNHH May Viet", "May Viet Co., Ltd"),
    ("PT. Kanindo Makmur Jaya", "Kanindo Makmur Jaya Tbk"),
    ("Euro-pegaz Logistyka Sp. z o.o.", "Euro pegaz Logistyka"),
    ("Thai Daizo Aerosol Co.,Ltd.", "Thai Daizo Aerosol Company Limited"),
    ("Shanghai Big River Knitwear Co.,Ltd", "Shanghai Big River Knitwear Co Ltd"),
    ("Nantong Jackbeanie Headwear & Garment Co. Ltd.", "Nantong Jackbeanie Headwear and Garment"),
])
def test_spellings_of_one_name_normalise_alike(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_transliteration_and_chinese_legal_form():
    norm = normalise_name("上海服装有限公司")
    assert norm.isascii() and "gong si" not in norm and norm.startswith("shang hai")


def test_legal_form_alone_keeps_the_name():
    assert normalise_name("Co., Ltd.") == "co ltd"


def test_generic_trade_words_leave_the_core():
    assert core_name(normalise_name("Zhongshan Yi Jun Knitting Garment Factory Co Ltd")) == "zhongshan yi jun"


def test_a_trade_word_glued_to_the_name_leaves_the_core():
    assert core_name(normalise_name("PALANIGARMENTS PVT LTD")) == "palani"
    assert core_name(normalise_name("Haoyuapparel Co., Ltd.")) == "haoyu"
    assert core_name(normalise_name("Textiles Pvt Ltd")) == "textiles"  # nothing else to keep


def test_trade_words_come_in_families():
    assert trade_words(normalise_name("Yi Jun Knitwear")) == trade_words("yi jun knitting") == {"knit"}
    assert trade_words("meghna apparels") == trade_words("meghnagarments") == {"clothing"}
    assert trade_words("baina shoes factory industry") == {"shoe"}  # a product word
    assert trade_words("baina factory industry") == frozenset()


def test_address_numbers_ignore_postal_codes():
    addr = normalise_address("No.158 Hubin South Rd, Niutang Town, ChangZhou, 213168")
    assert addr.startswith("158 hubin south road")
    assert address_numbers(addr) == {"158"}


@pytest.mark.parametrize("name, marks", [
    ("Jeans Knit Private Ltd Unit 3", {"3"}),
    ("Pungkook Saigon ll", {"2"}),
    ("Pungkook Saigon Two Corporation", {"2"}),
    ("Manufacturing Sportwear JSC - MXP5", {"mxp5"}),
    ("Regina Miracle Intimate Apparel (Shenzhen) Ltd.", set()),
    ("Unit I Garments", {"1"}),
])
def test_unit_marks(name, marks):
    assert name_marks(name) == marks


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalise_never_fails_and_gives_plain_words(text):
    for out in (normalise_name(text), normalise_address(text)):
        assert out == out.strip() and "  " not in out
        assert all(c.isascii() and (c.isalnum() or c == " ") for c in out)


def test_a_lone_digit_glues_to_nothing_and_lone_letters_still_glue():
    from imvo_cli.match.normalise import tokens_of

    assert tokens_of("Swat Apparel Unit 6 Ltd") == ["swat", "apparel", "unit", "6", "ltd"]
    assert tokens_of("Unit 6 S.R.O.") == ["unit", "6", "sro"]
    assert tokens_of("A 1 B C") == ["a", "1", "bc"]


def test_o_for_zero_only_inside_numbers():
    from imvo_cli.match.normalise import normalise_address

    assert normalise_address("33o Xuefeng Road") == "330 xuefeng road"
    assert normalise_address("1o5 Lane, o1 Block") == "105 lane o1 block"
    assert normalise_address("Oosterstraat 4") == "oosterstraat 4"
