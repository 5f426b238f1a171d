"""The chain graph's one-pass paths give what its general (per-group) paths give."""

from __future__ import annotations

import random

import pytest

from imvo_cli.graph import (COMPANY_ID, PATH_CAP, Groups, _facts, _match_key, _match_keys,
                            _tiers, build_chain_graph)
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
