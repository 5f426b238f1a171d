"""Pair scoring, blocking, clustering with decisions, stable ids and decisions files."""

import csv
import random

import pytest

from imvo_cli.match import candidate_pairs, carry_over, make_record, match_records, record_key, score_pair
from imvo_cli.match.records import legacy_key
from imvo_cli.match.decisions import read_decisions
from imvo_cli.match.ids import PreviousIds, assign_ids, fresh_id
from imvo_cli.match.score import score_reaching
from imvo_cli.model import ImvoError


def rec(i, name, country="CN", address=None, city=None, os_id=None, postal=None):
    return make_record(i, name, country, address, city, postal, os_id)


def test_same_os_id_is_a_sure_match():
    s = score_pair(rec(0, "Alpha Garments", os_id="CN2019303BQ3FZP"),
                   rec(1, "Totally Other Name", os_id="CN2019303BQ3FZP"))
    assert s.score == 1.0 and s.rule == "os_id" and s.os_id is True


def test_different_os_ids_never_merge_on_their_own():
    s = score_pair(rec(0, "Alpha Garments", "CN", "12 Long Road, Ningbo", os_id="CN2019303BQ3FZP"),
                   rec(1, "Alpha Garments", "CN", "12 Long Road, Ningbo", os_id="CN2020303BQ3FZQ"))
    assert s.score <= 0.80 and s.rule == "os_id-differs"


def test_a_shared_address_alone_is_not_a_match():
    address = "Building 3, No. 198 Huaxia Road, Lujia Town, Kunshan"
    s = score_pair(rec(0, "Kunshan Xinhantang Textile Products Co., Ltd.", address=address),
                   rec(1, "Suzhou Bright Star Garments Ltd", address=address))
    assert s.address == 1.0
    assert s.score < 0.70 and s.rule == "name-too-different"


def test_spellings_of_one_factory_score_high_with_per_field_evidence():
    s = score_pair(
        rec(0, "Shanghai Qianrun Garments Co.,Ltd", address="NO. 233 Lane 1888,Daye Road,Wuqiao industrial Zone,Fengxian District"),
        rec(1, "Shanghai Qianrun Garments Co., Ltd", address="No.233, Lane1888, Daye Road,, WuQiao Industrial Zone,, FengXian District"))
    assert s.score >= 0.9
    assert set(s.fields()) == {"name", "address", "city", "os_id"}
    assert s.fields()["name"] == 1.0


def test_numbered_sister_units_are_capped_below_the_threshold():
    s = score_pair(rec(0, "Jeans Knit Private Ltd Unit 3", "IN", "Peenya Industrial Area, Bangalore"),
                   rec(1, "Jeans Knit Private Ltd Unit 4", "IN", "Peenya Industrial Area, Bangalore"))
    assert s.score <= 0.80 and s.rule == "unit-differs"


def test_one_brand_with_other_trade_words_down_the_street_is_not_merged():
    s = score_pair(rec(0, "Xinlong Clothing Co., Ltd.", address="No. 106 Xuefeng West Road, Yiwu"),
                   rec(1, "Xinlong Knitting Co., Ltd.", address="No. 109 Xuefeng West Road, Yiwu"))
    assert s.score < 0.86 and s.name < 0.9


def test_other_house_numbers_on_one_street_go_to_review_at_most():
    s = score_pair(rec(0, "Haoyu Apparel Co., Ltd.", address="No. 426 Binhai Industrial Zone, Keqiao District"),
                   rec(1, "Haoyu Apparel Co., Ltd", address="No. 394 Binhai Industrial Zone, Keqiao District"))
    assert s.score <= 0.80 and s.rule == "number-differs"


def test_a_glued_trade_word_still_matches():
    s = score_pair(rec(0, "Palani Garments Pvt Ltd", "IN", "SF No. 16, Sathy Road, Saravanampatti"),
                   rec(1, "PALANIGARMENTS PVT LTD", "IN", "SF No. 16 Sathy Rd. Saravanampatti"))
    assert s.score >= 0.86


def test_sister_units_at_other_addresses_stay_out_of_review():
    s = score_pair(rec(0, "Meghna Apparels Unit 3 Ltd.", "BD", "Plot 41, BSCIC Industrial Estate, Tongi"),
                   rec(1, "Meghna Apparels Unit 4 Ltd.", "BD", "Plot 231, BSCIC Industrial Estate, Tongi"))
    assert s.rule == "unit-differs" and s.score < 0.70


def test_different_countries_never_match():
    assert score_pair(rec(0, "Alpha", "CN"), rec(1, "Alpha", "VN")).score == 0.0


def _park():
    """Three factories in one multi-tenant building, plus two spellings of one of them."""
    address = "Block 4, No. 18 Xinxing Industrial Zone, Dongguan"
    return [
        rec(0, "Chung Tai Garment Factory", address=address),
        rec(1, "Dongguan Wing Luen Knitting Factory", address=address),
        rec(2, "Evergreen Shoes Co., Ltd.", address=address),
        rec(3, "CHUNG TAI GARMENT FTY LTD", address="No.18 Xinxing Industrial Zone, Block 4, Dongguan City"),
    ]


def _lookalike_pairs(n):
    """Pairs of records that look alike in every way the rules care about: sister units,
    neighbours, other OS ids, two countries, missing addresses and cities."""
    rng = random.Random(5)
    brands = ["Meghna", "Xinlong", "Haoyu", "Palani", "Chung Tai", "Epyllion", "Wing Luen"]
    trades = ["Apparels", "Knitting", "Garment", "Clothing", "", "Textile"]
    units = ["", "", "Unit 3", "Unit 4", "II", "III", "2"]
    streets = ["Xuefeng West Road", "BSCIC Industrial Estate, Tongi", "Binhai Industrial Zone",
               "Savar, Dhaka 1340", ""]

    def one(i, like=None):
        brand, country = rng.choice(brands), rng.choice(["CN", "CN", "BD"])
        if like is not None and rng.random() < 0.8:  # mostly one brand in one country
            brand, country = like
        address = rng.choice(streets)
        if address and rng.random() < 0.8:
            address = f"No. {rng.choice([12, 106, 109, 426])} {address}"
        name = " ".join(x for x in (brand, rng.choice(trades), rng.choice(units),
                                    rng.choice(["Co., Ltd.", "Ltd", ""])) if x)
        r = rec(i, name, country, address or None, rng.choice(["Yiwu", "Tongi", None]),
                os_id=rng.choice([None, None, None, "OS1", "OS2"]))
        return r, (brand, country)

    pairs = []
    for k in range(n):
        a, like = one(2 * k)
        pairs.append((a, one(2 * k + 1, like)[0]))
    return pairs


def test_scoring_leaves_a_pair_early_only_when_it_cannot_reach_the_floor():
    pairs = _lookalike_pairs(800)
    left = 0
    for floor in (0.0, 0.6, 0.7, 0.86):
        for a, b in pairs:
            full = score_pair(a, b)
            found = score_reaching(a, b, floor)
            if found is None:
                left += 1
                assert full.score < floor, (a.name, b.name, floor)
            else:
                assert found == full, (a.name, b.name, floor)
    assert left > 800  # the early exit is taken, not only allowed


def test_clustering_keeps_tenants_of_one_building_apart():
    result = match_records(_park())
    assert sorted(result.groups) == [[0, 3], [1], [2]]
    (link,) = [ln for ln in result.links]
    assert {link.a, link.b} == {0, 3} and link.fields["name"] >= 0.9


def test_decisions_override_the_score():
    records = _park()
    keys = {r.ref: r.key for r in records}
    different = {frozenset((keys[0], keys[3])): "different"}
    assert sorted(match_records(records, decisions=different).groups) == [[0], [1], [2], [3]]
    same = {frozenset((keys[1], keys[2])): "same"}
    result = match_records(records, decisions=same)
    assert [1, 2] in result.groups and result.decided == 1
    assert any(ln.rule == "decision" for ln in result.links)


def test_uncertain_pairs_go_to_review_and_decided_pairs_do_not():
    records = [rec(0, "Epyllion Style Ltd.", "BD", "Nayapara, Vhawal Mirzapur, Gazipur Sadar, Gazipur"),
               rec(1, "Eypllion Style Ltd.", "BD", "Bahadurpur, Vawal Mirzapur, Gazipur Sadar, Gazipur, 1703")]
    result = match_records(records)
    assert len(result.groups) == 2 and len(result.review) == 1
    assert 0.70 <= result.review[0].score < 0.86
    decided = {frozenset((records[0].key, records[1].key)): "different"}
    assert match_records(records, decisions=decided).review == []


def test_a_chain_of_merges_cannot_join_records_decided_different():
    records = [rec(0, "Alpha Beta Garments", address="1 Long Road, Ningbo"),
               rec(1, "Alpha Beta Garment", address="1 Long Road, Ningbo"),
               rec(2, "Alpha Beta Garments Factory", address="1 Long Rd Ningbo")]
    assert len({r.key for r in records}) == 3
    assert len(match_records(records).groups) == 1
    decided = {frozenset((records[0].key, records[2].key)): "different"}
    groups = match_records(records, decisions=decided).groups
    group_of = {i: n for n, g in enumerate(groups) for i in g}
    assert group_of[0] != group_of[2]


def test_blocking_work_grows_near_linearly():
    rng = random.Random(1)
    syllables = ["an", "bo", "chen", "da", "fu", "gao", "hua", "jin", "kai", "long", "ming",
                 "nan", "ping", "qing", "rui", "sheng", "tai", "wei", "xin", "yang", "zhi"]

    def names(n):
        return [rec(i, f"{rng.choice(['Ningbo', 'Shanghai', 'Dongguan'])} "
                       f"{''.join(rng.sample(syllables, 2)).title()} {rng.choice(syllables).title()}"
                       f"{rng.choice(syllables)} Garment Co Ltd") for i in range(n)]
    small, large = len(candidate_pairs(names(2000))), len(candidate_pairs(names(8000)))
    assert large < 4 * small * 2.5  # quadratic would be 16x


def test_facility_ids_come_from_content_not_order():
    groups = [["RB", "RA"], ["RC"]]
    assert assign_ids(groups, [[], []]) == [fresh_id(["RA"]), fresh_id(["RC"])]
    assert assign_ids(groups[::-1], [[], []]) == [fresh_id(["RC"]), fresh_id(["RA"])]


def test_previous_ids_win_and_conflicts_resolve_by_majority():
    prev = PreviousIds(by_record={"RA": "F1", "RB": "F1", "RC": "F1", "RX": "F9"},
                       by_os_id={"CN2019303BQ3FZP": "F7"}, issued={"F1", "F7", "F9"})
    ids = assign_ids([["R0", "RA", "RB"], ["RC"], ["RQ"], ["RX"]],
                     [[], [], ["CN2019303BQ3FZP"], []], prev)
    assert ids[0] == "F1" and ids[1] not in {"F1", "F7", "F9"} and ids[2] == "F7" and ids[3] == "F9"


def test_read_decisions_csv(tmp_path):
    p = tmp_path / "decisions.csv"
    with p.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["a_id", "b_id", "score", "decision"])
        w.writerow(["RA", "RB", "0.8", "same"])
        w.writerow(["RC", "RD", "0.7", "Nee"])
        w.writerow(["RE", "RF", "0.7", ""])
    assert read_decisions(p) == {frozenset(("RA", "RB")): "same", frozenset(("RC", "RD")): "different"}


def test_read_decisions_names_the_bad_cell(tmp_path):
    p = tmp_path / "decisions.csv"
    p.write_text("a_id,b_id,decision\nRA,RB,maybe\n")
    with pytest.raises(ImvoError) as exc:
        read_decisions(p)
    assert exc.value.row == 2 and exc.value.column == "decision"
    q = tmp_path / "other.csv"
    q.write_text("x,y\n1,2\n")
    with pytest.raises(ImvoError, match="a_id, b_id and decision"):
        read_decisions(q)


def test_numbers_conflict_is_each_side_having_a_number_the_other_lacks():
    from itertools import product

    from imvo_cli.match.records import make_record
    from imvo_cli.match.score import _numbers_conflict

    addresses = ["Road", "1 Road", "2 Road", "1 2 Road", "1 3 Road", "2 3 Road"]
    for x, y in product(addresses, repeat=2):
        a, b = make_record(0, "A", "CN", x), make_record(1, "B", "CN", y)
        assert _numbers_conflict(a, b) == (bool(a.numbers - b.numbers)
                                           and bool(b.numbers - a.numbers)), (x, y)


@pytest.mark.parametrize("a, b", [("Unit A", "Unit B"), ("Building A", "Building B"),
                                  ("Block C", "Block D"), ("- Plant A", "- Plant B")])
def test_units_named_by_a_letter_are_sister_sites_not_one(a, b):
    address = "Plot 9 EPZ Road, Chittagong"
    s = score_pair(rec(0, f"Royal Knit Ltd {a}", "BD", address),
                   rec(1, f"Royal Knit Ltd {b}", "BD", address))
    assert s.rule == "unit-differs" and s.score < 0.86
    same = score_pair(rec(0, f"Royal Knit Ltd {a}", "BD", address),
                      rec(1, f"ROYAL KNIT LIMITED {a.upper()}", "BD", address))
    assert same.score >= 0.86  # the same letter is the same unit
    # a letter that names no unit changes nothing
    plain = score_pair(rec(0, "A Plus Garments", "BD", address), rec(1, "A Plus Garments Ltd", "BD", address))
    assert plain.rule == "score" and plain.score >= 0.86


def test_another_house_number_on_a_short_street_address_is_not_a_sure_match():
    s = score_pair(rec(0, "Laxmi Exports", "IN", "45 Avinashi Road"),
                   rec(1, "Laxmi Exports", "IN", "46 Avinashi Road"))
    assert s.rule == "number-differs" and s.score < 0.86
    same = score_pair(rec(0, "Laxmi Exports", "IN", "45 Avinashi Road"),
                      rec(1, "Laxmi Exports Pvt Ltd", "IN", "45, Avinashi Rd"))
    assert same.score >= 0.86


def test_one_name_on_one_street_in_two_towns_is_for_a_person():
    street = "Plot 12, Industrial Road"
    a = rec(0, "Star Garments Ltd", "BD", street, city="Gazipur")
    b = rec(1, "Star Garments Ltd", "BD", street, city="Chittagong")
    assert a.key != b.key  # two ids, so a decision can tell them apart
    s = score_pair(a, b)
    assert s.rule == "city-differs" and 0.70 <= s.score <= 0.80
    result = match_records([a, b])
    assert result.groups == [[0], [1]] and len(result.review) == 1
    decided = match_records([a, b], decisions={frozenset((a.key, b.key)): "different"})
    assert decided.groups == [[0], [1]] and decided.review == [] and decided.decided == 1


def test_spellings_of_one_town_still_merge():
    street = "Plot 12, Industrial Road, Konabari, Gazipur"
    for other in ("Gazipur 1700", "GAZIPUR", "Dhaka"):  # Dhaka: Gazipur is in its address
        a = rec(0, "Star Garments Ltd", "BD", street, city="Gazipur")
        b = rec(1, "Star Garments Ltd", "BD", street, city=other)
        assert match_records([a, b]).groups == [[0, 1]], other
    # no city on one side: nothing to tell them apart
    a, b = rec(0, "Star Garments Ltd", "BD", street, city="Gazipur"), rec(1, "Star Garments Ltd", "BD", street)
    assert match_records([a, b]).groups == [[0, 1]]


def test_record_ids_without_a_city_are_what_they_were():
    r = rec(0, "Star Garments Ltd", "BD", "Plot 12, Industrial Road")
    assert r.key == legacy_key(r) == record_key("BD", "Star Garments Ltd", "Plot 12, Industrial Road")
    c = rec(0, "Star Garments Ltd", "BD", "Plot 12, Industrial Road", city="Gazipur")
    assert c.key != r.key and legacy_key(c) == r.key
    assert c.key == record_key("BD", "Star Garments Ltd", "Plot 12, Industrial Road", "Gazipur")


def test_decisions_and_previous_ids_made_before_the_city_counted_carry_over():
    street = "Plot 12, Industrial Road"
    a = rec(0, "Star Garments Ltd", "BD", street, city="Gazipur")
    b = rec(1, "Star Garmnets Ltd", "BD", street, city="Gazipur")  # a typo: merges on its score
    old_a, old_b = legacy_key(a), legacy_key(b)
    decided = match_records([a, b], decisions={frozenset((old_a, old_b)): "different"})
    assert decided.groups == [[0], [1]] and decided.decided == 1
    ids, decisions = carry_over([a, b], {old_a: "F1"}, {frozenset((old_a, old_b)): "same"})
    assert ids[a.key] == "F1" and b.key not in ids
    assert decisions[frozenset((a.key, b.key))] == "same"


def test_one_brand_with_two_trades_at_one_address_is_for_a_person():
    address = "Plot 5, Chandra, Kaliakoir, Gazipur"
    a = rec(0, "Apex Denim Ltd", "BD", address, city="Gazipur")
    b = rec(1, "Apex Spinning Ltd", "BD", address, city="Gazipur")
    s = score_pair(a, b)
    assert s.rule == "trade-differs" and 0.70 <= s.score <= 0.80
    assert match_records([a, b]).groups == [[0], [1]]
    # the same trade, or none on one side, still merges
    for other in ("APEX DENIM LIMITED", "Apex Denim Mills", "Apex Ltd"):
        c = rec(1, other, "BD", address, city="Gazipur")
        assert match_records([a, c]).groups == [[0, 1]], other


def test_an_umlaut_keeps_a_mixed_case_legal_form_whole():
    a = rec(0, "Müller Textil GmbH", "DE", "Hauptstraße 12", city="Stuttgart")
    b = rec(1, "Mueller Textil GmbH", "DE", "Hauptstrasse 12", city="Stuttgart")
    assert a.norm_name == "muller textil" and a.norm_address == b.norm_address
    s = score_pair(a, b)
    assert s.address == 1.0 and s.score >= 0.86
    assert match_records([a, b]).groups == [[0, 1]]
    # CJK syllables are still split into words
    assert rec(0, "上海纺织有限公司", "CN").norm_name.startswith("shang hai")
