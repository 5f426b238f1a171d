"""The chain graph's one-pass paths give what its general (per-group) paths give."""

from __future__ import annotations

import random

import pytest

from imvo_cli.graph import (BARE_SEARCHES, COMPANY_ID, PATH_CAP, Groups, _bare_key, _facts,
                            _folded, _Ids, _index, _match_key, _match_keys, _tiers,
                            build_chain_graph)
from imvo_cli.match.normalise import fold
from imvo_cli.model import Supplier, SupplierList


def _list(suppliers: list[Supplier]) -> SupplierList:
    return SupplierList("list.csv", None, 1, ["Id", "Name", "Tier", "Supplies to"],
                        {"id": "Id", "name": "Name", "tier": "Tier", "supplies_to": "Supplies to"},
                        suppliers, [], len(suppliers), 0, [])


def _layered(rng: random.Random, n: int, wide: bool) -> SupplierList:
    """Suppliers that only name suppliers listed before them: a graph without circles."""
    suppliers = []
    for i in range(n):
        k = 0 if i == 0 else rng.choice([0, 1, 1, 1, 2, 3] + ([8, 12] if wide else []))
        named = sorted({f"s{rng.randrange(i)}" for _ in range(k)}) if i else []
        suppliers.append(Supplier(id=f"id{i:03d}", name=f"Supplier {i}", source_id=f"s{i}",
                                  supplies_to=named, declared_tier=rng.choice([None, 1, 2, 3]),
                                  rows=[i + 2]))
    return _list(suppliers)


def test_match_keys_equal_match_key_of_each_text():
    rng = random.Random(7)
    alphabet = "aB c-_.,!  \t1Zé\u00fc\u0308(Pvt.) Ltd 東\n"
    for _ in range(500):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                 for _ in range(rng.randint(0, 8))]
        assert _match_keys(texts) == [_match_key(t) for t in texts], texts
    assert _match_keys(["a\x00b", "Beta Ltd."]) == ["ab", "betaltd"]  # a NUL: one by one


@pytest.mark.parametrize("seed", range(12))
def test_one_pass_facts_equal_the_per_group_facts(seed):
    """Tiers, path counts (saturating at PATH_CAP on wide lists), upstream depth and counts
    of the one-pass walk equal those of the general walk over groups."""
    rng = random.Random(seed)
    sl = _layered(rng, rng.randint(1, 160), wide=seed % 3 == 0)
    chain = build_chain_graph(sl, "Acme BV")
    assert not chain.cycles and chain.groups is not None
    order = chain.groups.order
    groups = Groups(order, {n: (n,) for n in order}, {n: n for n in order}, chain.pred,
                    chain.succ)
    general = _facts(groups, chain.succ, COMPANY_ID, sl.suppliers, set())
    assert list(chain.facts) == list(general) == [s.id for s in sl.suppliers]
    assert chain.facts == general
    assert chain.tiers == _tiers(chain.pred, COMPANY_ID, sl.suppliers)
    if seed == 0:
        assert any(f.paths == PATH_CAP and f.paths_capped for f in chain.facts.values())


def test_suppliers_need_distinct_ids():
    sl = _list([Supplier(id="a", name="Alpha"), Supplier(id="a", name="Alpha again")])
    with pytest.raises(ValueError, match="unique"):
        build_chain_graph(sl)


_BARE_NAMES = ["Karachi Weaving (Pvt.) Ltd.", "Karachi Weaving", "KARACHI WEAVING LTD", "Müller Strickwaren GmbH",
               "Muller Strickwaren", "P T Sinar Jaya", "PT Sinar Jaya Tbk", "m e r c u r y appar e l ltd",
               "Mercury Apparel", "A&B Knits", "A + B Knits Ltd", "Haining Textile Unit5", "Haining Textile Unit 5",
               "上海纺织有限公司", "Shang Hai Fang Zhi", "Ltd.", "S.A. de C.V.", "Co., Ltd",
               "Sri Lakshmi Apparels Unit 75 Pvt Ltd", "Bao'an Garments", "Baoan Garments Co.,Ltd."]


@pytest.mark.parametrize("odd", ["", "Alpha Ltd\x00"])  # a NUL: names folded one by one
def test_bare_names_searched_among_some_names_equal_the_full_index(odd):
    rng = random.Random(11)
    names = _BARE_NAMES + [rng.choice(_BARE_NAMES) + rng.choice(["", " 2", " Ltd", "-x"])
                           for _ in range(200)] + ([odd] if odd else [])
    suppliers = [Supplier(id=f"id{i}", name=name, rows=[i + 2]) for i, name in enumerate(names)]
    full = _Ids.of([(_bare_key(s.name), s.id) for s in suppliers])
    refs = sorted({_bare_key(t) for t in [*_BARE_NAMES, *(s.name for s in suppliers), "nobody", "Zeta Ltd"]} - {""})
    assert len(refs) > BARE_SEARCHES  # so both ways are exercised: searching, then the full index
    index = _index(suppliers, "Tulpveld Fashion B.V.", {s.id: i for i, s in enumerate(suppliers, 1)},
                   [s.id for s in suppliers])
    for n, bare in enumerate(refs):
        assert index.bare_named(bare) == full.get(bare), bare
        assert (index.by_bare_name is None) == (n < BARE_SEARCHES)
    assert index.bare_named("karachiweaving") == ["id0", "id1", "id2"] + [
        s.id for s in suppliers[len(_BARE_NAMES):] if _bare_key(s.name) == "karachiweaving"]


def test_folded_names_hold_what_the_legal_form_matcher_folds():
    names = [*_BARE_NAMES, "Đại Lộc Yarn Co., Ltd", "Çınar Örme A.Ş.", "İzmir Tekstil", "\u212a Knits",
             "東莞 Garments & Co", "ShangHai", ""]
    folded = _folded(names)
    assert [f.replace(" ", "") for f in folded] == [fold(t.lower()).replace(" ", "") for t in names]
    assert all(set(_bare_key(t)) <= set(f) for t, f in zip(names, folded))
    assert _folded(["A\x00b", "Ça"]) == [fold("a\x00b"), fold("ça")]  # a NUL: one by one
