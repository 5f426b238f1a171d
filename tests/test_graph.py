"""The chain graph: links, tiers, cycles, unknown references and chain facts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from imvo_cli.graph import (COMPANY_ID, PATH_CAP, build_chain_graph, company_facts,
                            paths_to_company)
from imvo_cli.ingest import read_suppliers

DATA = Path(__file__).parent / "data"
HEADER = ["ID", "Name", "Address", "City", "Country", "Tier", "Process", "Supplies to"]


def write_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def chain_of(path: Path, company: str = "Acme BV"):
    sl = read_suppliers(path)
    return sl, build_chain_graph(sl, company)


def ids_by_source(sl) -> dict[str, str]:
    return {s.source_id: s.id for s in sl.suppliers}


@pytest.fixture(scope="module")
def sample():
    return chain_of(DATA / "chains.csv")


def test_edges_follow_goods_to_the_company(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    g = chain.graph
    assert g.has_edge(ids["T1"], COMPANY_ID)
    assert g.has_edge(ids["Y1"], ids["F1"])
    assert g.has_edge(ids["C1"], ids["Y1"])
    assert g.out_degree(COMPANY_ID) == 0
    assert set(g.nodes) == {COMPANY_ID, *ids.values()}


def test_multi_customer_supplier_links_to_each(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    assert sorted(chain.graph.successors(ids["F1"])) == sorted([ids["T1"], ids["T2"]])
    assert chain.facts[ids["F1"]].paths == 2
    assert chain.facts[ids["C1"]].paths == 2
    assert len(paths_to_company(chain, ids["C1"])) == 2


def test_reference_by_name_after_normalisation(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    # F2 names its customer "Beta Apparel", not by id
    assert list(chain.graph.successors(ids["F2"])) == [ids["T2"]]


def test_computed_tiers_and_mismatch_warning(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    assert chain.tiers[ids["T1"]] == 1
    assert chain.tiers[ids["F1"]] == 2
    assert chain.tiers[ids["C1"]] == 4
    assert chain.tiers[ids["W1"]] == 3
    mismatch = [i for i in chain.issues if i.code == "tier-mismatch"]
    assert any("Lambda Wrong Tier" in i.message and i.row == 12 and i.column == "Tier"
               for i in mismatch)


def test_unknown_reference_is_an_issue_with_suggestion_and_still_attached(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    issue = next(i for i in chain.issues if i.code == "unknown-reference")
    assert issue.row == 8 and issue.column == "Supplies to"
    assert "'Alfa Garments'" in issue.message
    assert "Alpha Garments Ltd" in issue.hint
    assert list(chain.graph.successors(ids["X1"])) == [COMPANY_ID]
    assert chain.tiers[ids["X1"]] == 1


def test_self_reference_is_reported_and_dropped(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    assert not chain.graph.has_edge(ids["S1"], ids["S1"])
    assert chain.graph.has_edge(ids["S1"], COMPANY_ID)
    assert [i.row for i in chain.issues if i.code == "self-reference"] == [11]


def test_cycle_reported_and_unreachable(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    assert chain.cycles == [sorted([ids["L1"], ids["L2"]])]
    cyc = [i for i in chain.issues if i.code == "cycle"]
    assert len(cyc) == 1 and "Theta Loop" in cyc[0].message and "Iota Loop" in cyc[0].message
    assert chain.unreachable == sorted([ids["L1"], ids["L2"]])
    assert chain.tiers[ids["L1"]] is None
    assert chain.facts[ids["L1"]].paths == 0
    assert chain.facts[ids["L1"]].in_cycle
    assert {i.row for i in chain.issues if i.code == "unreachable"} == {9, 10}


def test_upstream_facts(sample):
    sl, chain = sample
    ids = ids_by_source(sl)
    t2 = chain.facts[ids["T2"]]
    assert t2.upstream_depth == 3  # F1 <- Y1 <- C1
    assert t2.upstream_suppliers == 5  # F1, Y1, C1, F2, W1
    assert chain.facts[ids["C1"]].upstream_suppliers == 0


def test_company_facts(sample):
    sl, chain = sample
    facts = company_facts(sl.suppliers, chain.tiers, chain.graph)
    assert facts["suppliers"] == 11
    assert facts["max_tier"] == 4
    assert facts["suppliers_per_tier"] == {"1": 4, "2": 2, "3": 2, "4": 1, "unreachable": 2}
    # tier 1: T1 (F1 upstream), T2 (F1, F2), X1 and S1 (nothing): 2 of 4
    assert facts["visibility"] == 0.5
    assert facts["address_completeness"] == round(10 / 11, 4)
    assert "Cotton farming" in facts["processes"]
    assert facts["countries"] == ["BD", "CN", "IN", "PK", "TR", "UZ", "VN"]


def test_cycle_reaching_the_company_terminates(tmp_path):
    # A -> B -> C -> A, and C also supplies the company: a circle that does reach it.
    path = write_csv(tmp_path / "circle.csv", [
        ["A", "Alpha", "1 St", "X", "India", "", "", "B"],
        ["B", "Bravo", "2 St", "X", "India", "", "", "C"],
        ["C", "Charlie", "3 St", "X", "India", "", "", "A; Acme BV"],
    ])
    sl, chain = chain_of(path)
    ids = ids_by_source(sl)
    assert chain.tiers[ids["C"]] == 1 and chain.tiers[ids["B"]] == 2 and chain.tiers[ids["A"]] == 3
    assert len(chain.cycles) == 1 and not chain.unreachable
    assert [i.code for i in chain.issues].count("cycle") == 1
    assert chain.facts[ids["A"]].paths >= 1
    assert chain.facts[ids["C"]].upstream_suppliers == 2


def test_reference_to_company_by_name(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["A", "Alpha", "1 St", "X", "India", "", "", "ACME b.v."]])
    sl, chain = chain_of(path, "Acme BV")
    assert list(chain.graph.successors(sl.suppliers[0].id)) == [COMPANY_ID]
    assert not chain.issues


def test_ambiguous_name_links_all_and_warns(tmp_path):
    path = write_csv(tmp_path / "amb.csv", [
        ["A", "Same Name", "1 St", "X", "India", "", "", ""],
        ["B", "Same Name", "2 St", "X", "Turkey", "", "", ""],
        ["C", "Spinner", "3 St", "X", "India", "", "", "same name"],
    ])
    sl, chain = chain_of(path)
    ids = ids_by_source(sl)
    assert sorted(chain.graph.successors(ids["C"])) == sorted([ids["A"], ids["B"]])
    assert [i.code for i in chain.issues] == ["ambiguous-reference"]


def test_path_count_is_capped(tmp_path):
    # Two layers of 40 fully connected suppliers: 40 x 40 = 1600 paths from the raw layer.
    rows = [[f"T{i}", f"Tier one {i}", "1 St", "X", "India", "", "", ""] for i in range(40)]
    every_t = "|".join(f"T{i}" for i in range(40))
    rows += [[f"M{i}", f"Middle {i}", "1 St", "X", "India", "", "", every_t] for i in range(40)]
    every_m = "|".join(f"M{i}" for i in range(40))
    rows += [["R", "Raw", "1 St", "X", "India", "", "", every_m]]
    sl, chain = chain_of(write_xlsx(tmp_path / "wide.xlsx", rows))
    raw = chain.facts[ids_by_source(sl)["R"]]
    assert raw.paths == PATH_CAP and raw.paths_capped
    assert raw.upstream_suppliers == 0 and raw.upstream_depth == 0
    assert chain.facts[ids_by_source(sl)["T0"]].upstream_suppliers == 41


@pytest.mark.parametrize("seed", range(40))
def test_upstream_counts_equal_networkx_ancestors_on_random_lists(tmp_path, seed):
    """Trees, shared upstream suppliers (diamonds) and circles: the counts taken without
    building sets (trees) and with them (unions) both equal the graph's own ancestor sets."""
    import random

    import networkx as nx

    r = random.Random(seed)
    n = r.randint(2, 25)
    rows = [[f"s{i}", f"Supplier {i}", f"Street {i}", "Dhaka", "Bangladesh", None, "sewing",
             ", ".join(f"s{r.randrange(n)}" for _ in range(r.choice([0, 1, 1, 1, 2, 3])))]
            for i in range(n)]
    sl, chain = chain_of(write_csv(tmp_path / "l.csv", rows))
    for s in sl.suppliers:
        facts = chain.facts[s.id]
        assert facts.upstream_suppliers == len(nx.ancestors(chain.graph, s.id)), s.source_id
        assert facts.in_cycle == any(s.id in c for c in chain.cycles)
        assert facts.customers == sorted(chain.graph.successors(s.id))


def test_graph_without_facts_reports_the_same_issues():
    sl = read_suppliers(DATA / "chains.csv")
    full = build_chain_graph(sl, "Acme BV")
    lean = build_chain_graph(sl, "Acme BV", facts=False)
    assert lean.facts == {} and full.facts
    assert [i.to_dict() for i in lean.issues] == [i.to_dict() for i in full.issues]
    assert lean.tiers == full.tiers and lean.cycles == full.cycles


def test_closest_name_suggestions_are_bounded_and_say_so(tmp_path):
    """Each suggestion scans every name: past SUGGESTED_REFERENCES distinct unknown
    references the hint says suggestions stopped, and every row is still reported."""
    from imvo_cli.graph import SUGGESTED_REFERENCES

    n = SUGGESTED_REFERENCES + 20
    p = tmp_path / "refs.csv"
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Supplier name", "Country", "Tier", "Supplies to"])
        for i in range(n):
            w.writerow([f"Mill {i} Textiles", "India", 2, f"Mil {i} Textile Co"])
    sl = read_suppliers(p)
    chain = build_chain_graph(sl)
    unknown = [i for i in chain.issues if i.code == "unknown-reference"]
    assert len(unknown) == n
    with_suggestion = [i for i in unknown if i.hint.startswith("did you mean")]
    assert len(with_suggestion) == SUGGESTED_REFERENCES
    assert all("first" in i.hint for i in unknown if not i.hint.startswith("did you mean"))


def test_chain_issues_equal_the_graph_issues_with_and_without_circles(tmp_path):
    """validate's checks without the graph report what building the graph reports: the
    sample has a circle (the graph is built), the second list none (it is not)."""
    from imvo_cli.graph import chain_issues

    sl = read_suppliers(DATA / "chains.csv")
    assert chain_issues(sl, "Acme BV") == build_chain_graph(sl, "Acme BV").issues
    path = write_csv(tmp_path / "dag.csv", [
        ["A", "Alpha", "1 St", "X", "India", "3", "", ""],
        ["B", "Bravo", "2 St", "X", "India", "2", "", "A; Nobody Ltd"],
        ["C", "Charlie", "3 St", "X", "India", "", "", "b, c"],
    ])
    sl = read_suppliers(path)
    issues = chain_issues(sl, "Acme BV")
    assert issues == build_chain_graph(sl, "Acme BV").issues
    # A: tier 3 without a link; B: tier 2 as declared (it supplies A); C names itself
    assert sorted(i.code for i in issues) == ["self-reference", "tier-mismatch",
                                              "unknown-reference"]
