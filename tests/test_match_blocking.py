"""Blocking that reaches every kind of true pair, cross-country review pairs, a small review
band, and matching one list against another (issue 17). All names are invented."""

import random

import pytest

from imvo_cli.match import blocking, candidate_pairs, make_record, match_lists, match_records
from imvo_cli.match.block import MAX_BLOCK, alike, block_keys


def rec(i, name, country="CN", address=None, city=None):
    return make_record(i, name, country, address, city, None, None)


def _crowd(n, start, country="CN", seed=3):
    """Unrelated factories sharing the common words of a country's names."""
    rng = random.Random(seed)
    sy = ["bao", "cheng", "dao", "feng", "guo", "heng", "jia", "kun", "lian", "mao", "ning",
          "pei", "qiao", "ren", "song", "tian", "wen", "xiu", "yong", "zhen"]
    return [rec(start + k, f"{''.join(rng.sample(sy, 2)).title()} {rng.choice(['Knitting', 'Garment'])} Co Ltd",
                country, f"No. {rng.randint(1, 900)} {rng.choice(sy).title()} Road") for k in range(n)]


def test_a_key_on_the_name_without_spaces():
    a = rec(0, "Vorlentis Brightwater Garment Co Ltd", address="No. 5 Lake Road")
    b = rec(1, "VorlentisBrightwater Garment", address="5 Lake Rd")
    keys = block_keys([a, b])
    assert any(k[0] in "pc" and set(v) == {0, 1} for k, v in keys.items())
    assert (0, 1) in candidate_pairs([a, b])


def test_no_one_or_two_letter_fragments_as_word_keys():
    records = [rec(0, "Ab Cd Ef Marlowe Textile", address="1 Kiln Road"),
               rec(1, "Ab Cd Qx Tolvern Textile", address="9 Mill Road")]
    words = {k[2] for k in block_keys(records) if k[0] == "w"}
    assert not any(len(w) <= 2 for w in words)
    assert (0, 1) not in candidate_pairs(records)  # sharing "ab cd" is no reason to compare


def test_ties_in_key_choice_go_to_the_longest_word():
    # Four words, each in no other name: the three keys are the three longest words.
    r = rec(0, "Kop Zelvaranth Moltique Briss", "VN")
    other = rec(1, "Unrelated Name", "VN")
    words = {k[2] for k in block_keys([r, other, r]) if k[0] == "w"}
    assert words == {"zelvaranth", "moltique", "briss"}


def test_first_pass_accepts_close_spacing_free_names():
    a, b = rec(0, "m e r c u r y appar e l"), rec(1, "Mercury Apparel Co Ltd")
    c, d = rec(2, "Hai Ning Velmont Socks"), rec(3, "Haining Velmont Sock")
    assert alike(a, b) and alike(c, d)
    assert not alike(a, rec(4, "Tarnwell Leather"))


def test_names_without_a_distinctive_word_are_blocked_on_the_address():
    # Thirty factories called "Factory 1" in one country: the name keys are far too common
    # to find the pair, the address is not.
    crowd = [rec(k, "Factory 1 S.A. de C.V.", "SV", f"Km {k + 40} Carretera al Puerto, Zona {k}")
             for k in range(30)]
    a = rec(30, "Factory 1 S.A. de C.V.", "SV", "Km 24 Carretera a Santa Ana, Colon, Lourdes")
    b = rec(31, "FACTORY 1, S.A. DE C.V.", "SV", "Carretera a Santa Ana Km 24, Colon Lourdes")
    records = crowd + [a, b]
    assert len(records) > MAX_BLOCK
    view = blocking(records)
    assert view.compared(30, 31)
    assert [30, 31] in match_records(records).groups


def test_the_same_factory_under_two_neighbouring_countries_goes_to_review():
    address = "Plot 7, Qualifying Industrial Zone, Irbid"
    records = [rec(0, "Hesperan Knitwear Co Ltd", "JO", address),
               rec(1, "HESPERAN KNITWEAR CO. LTD.", "IL", address)] + _crowd(40, 2, "JO")
    result = match_records(records, threshold=0.75)  # even a low threshold never merges it
    assert [0] in result.groups and [1] in result.groups
    pair = [ln for ln in result.review if {ln.a, ln.b} == {0, 1}]
    assert pair and pair[0].rule == "country-differs"


def test_across_countries_only_near_identical_name_and_address_count():
    a = rec(0, "Hesperan Knitwear", "JO", "Plot 7, Qualifying Industrial Zone, Irbid")
    assert match_records([a, rec(1, "Hesperan Knitwear", "IL", "22 Harbour Street, Haifa")]).review == []
    assert match_records([a, rec(1, "Hesperon Knits", "IL", "Plot 7, Qualifying Industrial Zone, Irbid")]).review == []


def test_another_house_number_at_an_unlike_address_is_not_a_review_item():
    # "Sumber Apparel" / "Sumber Garments": one brand's two sites, other plots, other zones.
    s = match_records([rec(0, "Sumber Apparel Ltd", "BD", "Plot 319, Sector 1, Korangi Zone, Dhaka"),
                       rec(1, "Sumber Garments Ltd", "BD", "Holding 421, Konabari, Tangail Highway, Gazipur")])
    assert s.review == [] and len(s.groups) == 2
    # The neighbour on one street, or a typo in the number: a person decides.
    t = match_records([rec(0, "Sumber Apparel Ltd", "BD", "Plot 244, Sachin Industrial Estate, Surat Road"),
                       rec(1, "Sumber Apparel Ltd", "BD", "Plot 214, Sachin Industrial Estate, Surat Road")])
    assert len(t.review) == 1 and t.review[0].rule == "number-differs"


def test_two_unit_numbers_on_unlike_names_are_not_a_review_item():
    address = "Rua Padre Benedito, 74"
    s = match_records([rec(0, "Confeccoes Marlim Unit 4 Lda", "PT", address),
                       rec(1, "Confeccoes Araujo Teles Unit 12 Lda", "PT", address)])
    assert s.review == [] and len(s.groups) == 2


def _bench_records(n, seed=11):
    """Records as the aggregate benchmark generates them: a fifth respelled copies."""
    import importlib.util
    from pathlib import Path

    from imvo_cli.countries import to_iso2

    path = Path(__file__).resolve().parent.parent / "scripts" / "bench_aggregate.py"
    spec = importlib.util.spec_from_file_location("bench_aggregate", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng, used = random.Random(seed), set()
    pool = [bench._facility(rng, i, used) for i in range(int(n * 0.9))]
    out, nxt = [], 0
    for r in range(n):
        if rng.random() < 0.2 and nxt > 100:
            f, variant = pool[rng.randrange(nxt)], True
        else:
            f, variant = pool[nxt % len(pool)], False
            nxt += 1
        name, address = bench._spell(rng, f, variant)
        out.append(make_record(r, name, to_iso2(f["country"]), address, f["city"]))
    return out


def test_candidate_pairs_grow_near_linearly():
    small, large = len(blocking(_bench_records(1000)).pairs), len(blocking(_bench_records(4000)).pairs)
    assert 0 < large <= 4 * small * 1.5, (small, large)  # linear is 4x, quadratic 16x


def test_match_lists_pairs_two_lists_one_to_one_with_explanations():
    old = [rec(0, "Mercury Apparel Ltd", "BD", "Plot 12, Sector 3, Tongi"),
           rec(1, "Ardent Socks Co", "CN", "No. 45 Spring Road, Zhuji"),
           rec(2, "Hesperan Knitwear", "JO", "Plot 7, Qualifying Industrial Zone, Irbid"),
           rec(3, "Quorra Leather", "VN", "Lot 9, Song Than Industrial Park")]
    new = [rec(0, "Hesperan Knitwear", "IL", "Plot 7, Qualifying Industrial Zone, Irbid"),
           rec(1, "m e r c u r y appar e l", "BD", "Plot 12 Sector 3 Tongi"),
           rec(2, "Ardent Socks Company Limited", "CN", "45 Spring Rd, Zhuji"),
           rec(3, "Ardent Socks Co", "CN", "No. 45 Spring Road, Zhuji")]  # listed twice
    found = match_lists(old, new)
    assert found.match_of()[0] == 1
    assert found.match_of()[1] in (2, 3)
    assert len([m for m in found.matches if m.a == 1]) == 1  # one-to-one
    assert 3 not in found.match_of()
    review = [(m.a, m.b, m.rule) for m in found.review]
    assert (2, 0, "country-differs") in review
    assert all(m.explanation for m in found.matches + found.review)
    assert "two countries" in next(m for m in found.review if m.a == 2).explanation
    # Pairs inside one list are never returned.
    assert all(0 <= m.a < len(old) and 0 <= m.b < len(new) for m in found.matches + found.review)


def test_match_lists_honours_decisions():
    old = [rec(0, "Ardent Socks Co", "CN", "No. 45 Spring Road, Zhuji")]
    new = [rec(0, "Ardent Socks Company Limited", "CN", "45 Spring Rd, Zhuji"),
           rec(1, "Brava Hosiery", "CN", "No. 2 Lake Road, Zhuji")]
    assert match_lists(old, new).match_of() == {0: 0}
    apart = {frozenset((old[0].key, new[0].key)): "different"}
    assert match_lists(old, new, decisions=apart).matches == []
    joined = {frozenset((old[0].key, new[1].key)): "same", **apart}
    found = match_lists(old, new, decisions=joined)
    assert found.match_of() == {0: 1} and found.matches[0].rule == "decision"


def test_match_lists_is_deterministic():
    old, new = _crowd(60, 0, seed=5), _crowd(60, 0, seed=5)[::-1]
    one, two = match_lists(old, new), match_lists(old, new)
    assert [(m.a, m.b, m.score) for m in one.matches] == [(m.a, m.b, m.score) for m in two.matches]
    assert len(one.matches) == 60


def test_the_fast_core_copy_keeps_every_other_field():
    from dataclasses import replace

    from imvo_cli.match.block import _with_core
    r = rec(0, "Vorlentis Ningbo Garment Unit 2", "CN", "No. 5 Lake Road", "Ningbo")
    assert _with_core(r, "vorlentis 2") == replace(r, core="vorlentis 2", core_compact="vorlentis2")


def test_across_countries_a_shared_brand_word_and_house_number_is_not_enough():
    # One distinctive word and a house number alike, but not near-identical: other trade
    # word, other street.
    a = rec(0, "Maiwen Fashion Pvt. Ltd.", "IN", "No. 934 Guanlin Road, Industrial Zone")
    b = rec(1, "Maiwen Clothing Co., Ltd.", "CN", "No. 934 Jukui Road, Industrial Zone")
    assert match_records([a, b]).review == []
    c = rec(2, "MAIWEN FASHION PVT LTD", "CN", "No. 934 Guanlin Rd, Industrial Zone")
    assert [ln.rule for ln in match_records([a, c]).review] == ["country-differs"]
