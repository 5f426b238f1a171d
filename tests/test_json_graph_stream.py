"""Large outputs written a piece at a time: streamed GraphML and GEXF read back as the graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from imvo_cli.mapping import read_and_map
from imvo_cli.report.graphfiles import attributed_graph, write_graph

SAMPLE = Path(__file__).parent / "data" / "chains.csv"


def _same_graph(read_back, chain_map) -> None:
    want = attributed_graph(chain_map)
    assert set(read_back.nodes) == {str(n) for n in want.nodes}
    assert {(str(u), str(v)) for u, v in read_back.edges} == {(str(u), str(v)) for u, v in want.edges}
    for n, data in want.nodes(data=True):
        got = read_back.nodes[str(n)]
        for key, value in data.items():
            if value is not None and value != "":
                assert str(got.get(key)) == str(value), (n, key)


def test_streamed_graphml_reads_back_as_the_chain_graph(tmp_path):
    cm = read_and_map(SAMPLE, company="Acme & <Sons> \"BV\"")
    out = tmp_path / "g.graphml"
    write_graph(cm, out)
    _same_graph(nx.read_graphml(out), cm)


def test_streamed_graphml_escapes_and_reads_back(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text('Name,Country,Supplies to,Notes\n"A <b> & ""c""",India,,x\ty\n'
                    "Beta,Turkey,\"A <b> & \"\"c\"\"\",\n", encoding="utf-8")
    cm = read_and_map(path)
    out = tmp_path / "g.graphml"
    write_graph(cm, out)
    g = nx.read_graphml(out)
    assert {d["name"] for _, d in g.nodes(data=True)} >= {'A <b> & "c"', "Beta"}
    assert g.number_of_edges() == cm.graph.number_of_edges()


def test_streamed_gexf_reads_back_as_the_chain_graph(tmp_path):
    cm = read_and_map(SAMPLE, company="Ünal & <Sons> \"BV\"")
    out = tmp_path / "g.gexf"
    write_graph(cm, out)
    g = nx.read_gexf(out)
    assert g.number_of_nodes() == len(cm.suppliers) + 1
    assert g.number_of_edges() == cm.graph.number_of_edges()
