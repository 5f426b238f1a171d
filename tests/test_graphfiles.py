"""Graph files: every format opens again (networkx) or parses (DOT, Mermaid)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

import imvo_cli.report.graphfiles as gf
from imvo_cli.mapping import read_and_map
from imvo_cli.model import ImvoError

SAMPLE = Path(__file__).parent / "data" / "chains.csv"


@pytest.fixture(scope="module")
def chain_map():
    return read_and_map(SAMPLE, company="Acme \"Quotes\" BV")


def _check_graph(g, chain_map):
    assert g.is_directed()
    assert set(g.nodes) == set(chain_map.graph.nodes)
    assert set(g.edges) == set(chain_map.graph.edges)
    sid = next(iter(sorted(chain_map.suppliers)))
    attrs = g.nodes[sid]
    assert attrs["risk_level"] == chain_map.risk[sid].level
    assert attrs["name"] == chain_map.suppliers[sid].name
    assert "risk_child_labour" in attrs
    assert "upstream_suppliers" in attrs
    assert g.nodes["COMPANY"]["kind"] == "company"


@pytest.mark.parametrize("ext", ["graphml", "gexf", "json"])
def test_attribute_formats_reopen_with_networkx(tmp_path, chain_map, ext):
    out = tmp_path / f"chains.{ext}"
    assert gf.write_graph(chain_map, out) == ext
    if ext == "graphml":
        g = nx.read_graphml(out)
    elif ext == "gexf":
        g = nx.read_gexf(out)
    else:
        g = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="edges")
    _check_graph(g, chain_map)
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def _parse_dot(text: str):
    assert text.startswith("digraph chains {") and text.rstrip().endswith("}")
    q = r'"((?:[^"\\]|\\.)*)"'
    nodes = {m.group(1): m.group(2) for m in re.finditer(q + r" \[label=" + q, text)}
    edges = re.findall(q + r" -> " + q, text)
    for line in text.splitlines()[1:-1]:
        assert line.strip().endswith(";"), line
    return nodes, edges


def test_dot_colours_by_risk_and_parses(tmp_path, chain_map):
    out = tmp_path / "chains.dot"
    gf.write_graph(chain_map, out)
    text = out.read_text(encoding="utf-8")
    nodes, edges = _parse_dot(text)
    assert set(nodes) == set(chain_map.graph.nodes)
    assert set(edges) == set(chain_map.graph.edges)
    assert nodes["COMPANY"] == 'Acme \\"Quotes\\" BV'
    from imvo_cli.model import LEVEL_COLOURS
    for sid, a in chain_map.risk.items():  # every node carries its level's colour
        assert re.search(rf'"{sid}" \[[^\]]*fillcolor="#{LEVEL_COLOURS[a.level]}"', text), sid


def _parse_mermaid(text: str):
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes, edges = {}, []
    for line in lines[1:]:
        line = line.strip()
        if m := re.fullmatch(r'(\w+)\[\[?"([^"]*)"\]\]?', line):
            nodes[m.group(1)] = m.group(2)
        elif m := re.fullmatch(r"(\w+) -->(?:\|\d+\|)? (\w+)", line):
            edges.append((m.group(1), m.group(2)))
        else:
            assert re.match(r"(%%|classDef \w+ |class [\w,]+ \w+$)", line), line
    for a, b in edges:
        assert a in nodes and b in nodes
    return nodes, edges


def test_mermaid_parses_and_escapes(tmp_path, chain_map):
    out = tmp_path / "chains.mmd"
    gf.write_graph(chain_map, out)
    nodes, edges = _parse_mermaid(out.read_text(encoding="utf-8"))
    assert len(nodes) == len(chain_map.graph.nodes)
    assert len(edges) == chain_map.graph.number_of_edges()
    assert nodes["n_COMPANY"] == "Acme #quot;Quotes#quot; BV"


def test_large_drawings_collapse_to_tiers_with_a_note(tmp_path, chain_map, monkeypatch):
    monkeypatch.setattr(gf, "COLLAPSE_AT", 5)
    gf.write_graph(chain_map, tmp_path / "big.mmd")
    gf.write_graph(chain_map, tmp_path / "big.dot")
    mmd = (tmp_path / "big.mmd").read_text(encoding="utf-8")
    nodes, edges = _parse_mermaid(mmd)
    assert "n_tier_1" in nodes and "n_not_linked" in nodes
    assert ("n_tier_1", "n_COMPANY") in edges
    assert "one box per tier" in nodes["note"]
    dot_nodes, _ = _parse_dot((tmp_path / "big.dot").read_text(encoding="utf-8"))
    assert "tier 4" in dot_nodes and "one box per tier" in (tmp_path / "big.dot").read_text()


def test_unknown_extension_is_a_usage_error(tmp_path, chain_map):
    with pytest.raises(ImvoError, match="unknown graph file type"):
        gf.write_graph(chain_map, tmp_path / "chains.png")


def test_graph_files_are_deterministic(tmp_path, chain_map):
    again = read_and_map(SAMPLE, company="Acme \"Quotes\" BV")
    for ext in ("graphml", "gexf", "json", "dot", "mmd"):
        gf.write_graph(chain_map, tmp_path / f"a.{ext}")
        gf.write_graph(again, tmp_path / f"b.{ext}")
        a = (tmp_path / f"a.{ext}").read_bytes()
        b = (tmp_path / f"b.{ext}").read_bytes()
        assert a == b, ext
