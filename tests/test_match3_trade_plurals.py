"""Trade words in the plural are trade words: 'Knitwears' is 'Knitwear' (Bangladeshi lists
write both), so the brand decides the name match."""

from __future__ import annotations

from imvo_cli.match import make_record, match_records
from imvo_cli.match.normalise import core_name, trade_words


def test_knitwears_is_a_trade_word():
    assert core_name("workfield knitwears") == "workfield"
    assert trade_words("workfield knitwears") == frozenset({"knit"})


def test_one_factory_with_knitwears_and_knitwear_merges():
    a = make_record(0, "Workfield Knitwears", "BD", "Bawpara, Kaultia, Gazipur Sadar, Dhaka")
    b = make_record(1, "Work Field Knitwear Ltd", "BD", "Bawpara, Kaultia, Gazipur Sadar, Dhaka")
    assert match_records([a, b]).groups == [[0, 1]]
