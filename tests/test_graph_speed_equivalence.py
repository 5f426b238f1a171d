"""The chain graph's batch paths give what resolving and linking one by one gives, on
generated lists with circles, unreachable suppliers, id and name references."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from imvo_cli.graph import (COMPANY_ID, _customers, _index, _linked, _match_key, _match_keys,
                            _targets, build_chain_graph, chain_issues)
from imvo_cli.model import Supplier, SupplierList

COMPANY = "Acme Fashion B.V."
_NAMES = ["Karachi Weaving (Pvt.) Ltd.", "Müller Strickwaren GmbH", "Tân Phong Fashion Co., Ltd",
          "上海纺织有限公司", "Gökkuşağı Tekstil A.Ş.", "Alpha Garments Ltd", "Beta Apparel Co., Ltd.",
          "A&B Knits", "İzmir Örme", "acme bv"]


def _list(suppliers: list[Supplier]) -> SupplierList:
    return SupplierList("list.csv", None, 1, ["Id", "Name", "Tier", "Supplies to"],
                        {"id": "Id", "name": "Name", "tier": "Tier", "supplies_to": "Supplies to"},
                        suppliers, [], len(suppliers), 0, [])


def _reference(rng: random.Random, me: int, others: list[tuple[str, str, str | None]],
               layered: bool) -> str:
    """One way a list names a customer: its own id (as written or in other case), its imvo
    id, its name (as written, in capitals, without legal form), the company, itself, nobody.
    In a layered list the customer is listed before it (so circles are rare)."""
    sid, name, source = others[rng.randrange(max(me, 1) if layered else len(others))]
    return rng.choice([
        source or sid, (source or sid).swapcase(), sid, name, name.upper() + ".",
        name.split(" Unit")[0], rng.choice(["Acme Fashion", "ACME", COMPANY_ID, COMPANY]),
        others[me][0], f"nobody {rng.randrange(9)}"])


def _generated(seed: int) -> SupplierList:
    """Suppliers naming each other in every way, so circles, unreachable suppliers,
    ambiguous and unknown references all occur; some own ids name several suppliers. Even
    seeds give layered lists, most of them without circles."""
    rng = random.Random(seed)
    layered = seed % 2 == 0
    n = rng.randint(2, 90)
    rows = []
    for i in range(n):
        base = rng.choice(_NAMES)
        name = base if rng.random() < 0.3 else f"{base} Unit {rng.randrange(n)}"
        rows.append((f"id{i}", name, rng.choice([f"V{i}", f"v{i}", f"V{rng.randrange(n)}", None])))
    suppliers = [Supplier(id=sid, name=name, source_id=source, rows=[i + 2],
                          declared_tier=rng.choice([None, 1, 2, 3]),
                          supplies_to=[_reference(rng, i, rows, layered)
                                       for _ in range(rng.choice([0, 1, 1, 2, 3]))])
                 for i, (sid, name, source) in enumerate(rows)]
    if seed % 4 == 1:  # a circle that never reaches the company, and a supplier above it
        suppliers += [Supplier(id="loop1", name="Loop One", supplies_to=["loop2"], rows=[n + 2]),
                      Supplier(id="loop2", name="Loop Two", supplies_to=["Loop One"], rows=[n + 3]),
                      Supplier(id="above", name="Above", supplies_to=["LOOP TWO"], rows=[n + 4])]
    return _list(suppliers)


@pytest.mark.parametrize("seed", range(40))
def test_targets_are_the_references_resolved_one_by_one(seed):
    sl = _generated(seed)
    suppliers = sl.suppliers
    position = {COMPANY_ID: 0, **{s.id: i for i, s in enumerate(suppliers, 1)}}
    ids = [s.id for s in suppliers]
    single = _targets(_index(suppliers, COMPANY, position, ids), [s.supplies_to for s in suppliers],
                      position)
    index = _index(suppliers, COMPANY, position, ids)
    for ref in {r for s in suppliers for r in s.supplies_to}:
        found = index.resolve(ref)
        assert single.get(ref) == (position[found[0]] if found and len(found) == 1 else None), ref


@pytest.mark.parametrize("seed", range(40))
def test_links_are_each_suppliers_customers(seed):
    sl = _generated(seed)
    links = _linked(sl, COMPANY, COMPANY_ID)
    position = dict(zip(links.names, range(len(links.names))))
    index = _index(sl.suppliers, COMPANY, position, links.names[1:])
    expected = [tuple(position[t] for t in _customers(s, index, sl, [])) or (0,)
                for s in sl.suppliers]
    assert links.out == [(), *expected]


def test_an_own_id_naming_several_suppliers_links_to_all_of_them():
    sl = _list([Supplier(id="a", name="Alpha", source_id="V1"),
                Supplier(id="b", name="Beta", source_id="v1"),
                Supplier(id="c", name="Gamma", source_id="V2", supplies_to=["v1"]),
                Supplier(id="d", name="Delta", source_id="V3", supplies_to=["V2", "gamma"])])
    chain = build_chain_graph(sl, COMPANY)
    assert sorted(chain.graph.successors("c")) == ["a", "b"]
    assert list(chain.graph.successors("d")) == ["c"]
    assert [i.code for i in chain.issues if i.code == "ambiguous-reference"] == [
        "ambiguous-reference"]


@pytest.mark.parametrize("seed", range(40))
def test_chain_graph_agrees_with_networkx(seed):
    """Tiers are the shortest chains to the company, the unreachable suppliers those with
    none, the circles the strongly connected groups; chain_issues reports the same issues."""
    sl = _generated(seed)
    chain = build_chain_graph(sl, COMPANY)
    graph = chain.graph
    assert set(graph) == {COMPANY_ID, *(s.id for s in sl.suppliers)}
    assert all(graph.pred[v][u] is data for u, v, data in graph.edges(data=True))
    hops = nx.shortest_path_length(graph, target=COMPANY_ID)
    assert chain.tiers == {s.id: hops.get(s.id) for s in sl.suppliers}
    assert chain.unreachable == sorted(s.id for s in sl.suppliers if s.id not in hops)
    assert {"loop1", "loop2", "above"} <= set(chain.unreachable) or seed % 4 != 1
    assert chain.cycles == sorted(sorted(c) for c in nx.strongly_connected_components(graph)
                                  if len(c) > 1)
    for s in sl.suppliers:
        facts = chain.facts[s.id]
        assert facts.customers == sorted(graph.successors(s.id))
        assert facts.upstream_suppliers == len(nx.ancestors(graph, s.id) - {s.id})
    assert chain_issues(sl, COMPANY) == chain.issues


def test_match_keys_of_mixed_texts_equal_match_key_of_each():
    texts = ["Tân Phong Co., Ltd", "Alpha Ltd", "", "İzmir Örme A.Ş.", "上海 纺织", "Ça\x00va",
             "B.V.", "Ünal_Örme", "x\u0308y"]
    assert _match_keys(texts) == [_match_key(t) for t in texts]
    assert _match_keys(texts[:3]) == [_match_key(t) for t in texts[:3]]
