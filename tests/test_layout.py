"""Layered layout: columns by tier, fewer crossings, deterministic, groups for big lists."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, strategies as st

from imvo_cli.report.layout import (MAX_GROUPS_PER_TIER, NODE_HEIGHT, _inversions,
                                    count_crossings, layered_layout)

C = "COMPANY"


def _chain():
    edges = [("T1a", C), ("T1b", C), ("T2a", "T1b"), ("T2b", "T1a"), ("T3", "T2a"), ("T3", "T2b")]
    tiers = {"T1a": 1, "T1b": 1, "T2a": 2, "T2b": 2, "T3": 3, "LOOSE": None}
    return edges, tiers


def test_columns_run_from_raw_material_to_the_company():
    edges, tiers = _chain()
    lay = layered_layout(edges, tiers, C)
    assert lay.columns == ["Not linked", "Tier 3", "Tier 2", "Tier 1", "Company"]
    col = {n.id: n.column for n in lay.nodes}
    assert col == {"LOOSE": 0, "T3": 1, "T2a": 2, "T2b": 2, "T1a": 3, "T1b": 3, C: 4}
    xs = {n.id: n.x for n in lay.nodes}
    assert xs["T3"] < xs["T2a"] < xs["T1a"] < xs[C]
    assert not lay.grouped and len(lay.edges) == len(edges)
    dutch = layered_layout(edges, tiers, C, lang="nl")
    assert dutch.columns == ["Niet gekoppeld", "Tier 3", "Tier 2", "Tier 1", "Bedrijf"]
    assert [(n.id, n.x, n.y) for n in dutch.nodes] == [(n.id, n.x, n.y) for n in lay.nodes]


def test_barycenter_sweeps_remove_a_crossing():
    # ids sort so that the first order crosses: A->Y and B->X
    edges = [("A", "Y"), ("B", "X"), ("X", C), ("Y", C)]
    tiers = {"A": 2, "B": 2, "X": 1, "Y": 1}
    lay = layered_layout(edges, tiers, C)
    assert lay.crossings == 0
    order = {n.id: n.order for n in lay.nodes}
    assert (order["A"] < order["B"]) == (order["Y"] < order["X"])


def test_same_input_same_layout_whatever_the_edge_order():
    edges, tiers = _chain()
    first = layered_layout(edges, tiers, C)
    for perm in itertools.islice(itertools.permutations(edges), 0, 720, 97):
        again = layered_layout(list(perm), dict(reversed(list(tiers.items()))), C)
        assert again.nodes == first.nodes and again.edges == first.edges


def test_nodes_in_a_column_never_overlap():
    rng = random.Random(3)
    tiers = {f"S{i}": rng.randint(1, 4) for i in range(120)}
    edges = [(s, C) for s, t in tiers.items() if t == 1]
    by_tier = {t: [s for s in tiers if tiers[s] == t] for t in range(1, 5)}
    edges += [(s, rng.choice(by_tier[t - 1])) for s, t in tiers.items() if t > 1]
    lay = layered_layout(edges, tiers, C)
    for col in range(len(lay.columns)):
        ys = sorted(n.y for n in lay.nodes if n.column == col)
        assert all(b - a >= NODE_HEIGHT for a, b in zip(ys, ys[1:]))
    assert lay.width > 0 and lay.height >= max(n.y for n in lay.nodes) + NODE_HEIGHT


def test_big_lists_are_grouped_by_tier_and_country():
    rng = random.Random(5)
    countries = [f"C{i:02d}" for i in range(40)]
    tiers, country = {}, {}
    for i in range(2000):
        s = f"S{i:04d}"
        tiers[s], country[s] = rng.randint(1, 3), rng.choice(countries)
    edges = [(s, C) for s in tiers if tiers[s] == 1]
    edges += [(s, rng.choice([o for o in list(tiers)[:200] if tiers[o] == tiers[s] - 1]))
              for s in tiers if tiers[s] > 1]
    lay = layered_layout(edges, tiers, C, countries=country, group_threshold=300)
    assert lay.grouped
    groups = [n for n in lay.nodes if n.kind == "group"]
    assert len(groups) <= 3 * MAX_GROUPS_PER_TIER
    members = [m for g in groups for m in g.members]
    assert sorted(members) == sorted(tiers)  # every supplier in exactly one group
    assert all(len({country[m] for m in g.members}) == 1 for g in groups if g.country != "other")
    assert all(len({tiers[m] for m in g.members}) == 1 for g in groups)
    assert sum(e.weight for e in lay.edges) <= len(edges)


def test_small_lists_are_not_grouped():
    edges, tiers = _chain()
    assert not layered_layout(edges, tiers, C, group_threshold=6).grouped
    assert layered_layout(edges, tiers, C, group_threshold=5).grouped


def test_crossings_counted_between_neighbouring_columns():
    layers = [["a", "b"], ["x", "y"], [C]]
    column_of = {"a": 0, "b": 0, "x": 1, "y": 1, C: 2}
    assert count_crossings(layers, [("a", "y"), ("b", "x")], column_of) == 1
    assert count_crossings(layers, [("a", "x"), ("b", "y")], column_of) == 0


@given(st.lists(st.integers(0, 30), max_size=60))
def test_inversions_match_brute_force(values):
    brute = sum(1 for i in range(len(values)) for j in range(i + 1, len(values)) if values[i] > values[j])
    assert _inversions(values) == brute
