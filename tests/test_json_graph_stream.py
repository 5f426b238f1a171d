"""Large outputs written a piece at a time: streamed GraphML and GEXF equal networkx's writers."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

from imvo_cli.mapping import read_and_map
from imvo_cli.report.graphfiles import attributed_graph, write_graph, write_graphml

SAMPLE = Path(__file__).parent / "data" / "chains.csv"


def _networkx_graphml(chain_map) -> str:
    out = io.BytesIO()
    nx.write_graphml(attributed_graph(chain_map), out, encoding="utf-8", prettyprint=True)
    return out.getvalue().decode("utf-8")


def test_streamed_graphml_equals_networkx_bytes():
    cm = read_and_map(SAMPLE, company="Acme & <Sons> \"BV\"")
    out = io.StringIO()
    write_graphml(cm, out)
    assert out.getvalue() == _networkx_graphml(cm)


def test_streamed_graphml_escapes_and_reads_back(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text('Name,Country,Supplies to,Notes\n"A <b> & ""c""",India,,x\ty\n'
                    "Beta,Turkey,\"A <b> & \"\"c\"\"\",\n", encoding="utf-8")
    cm = read_and_map(path)
    out = tmp_path / "g.graphml"
    write_graph(cm, out)
    assert out.read_text(encoding="utf-8") == _networkx_graphml(cm)
    g = nx.read_graphml(out)
    assert {d["name"] for _, d in g.nodes(data=True)} >= {'A <b> & "c"', "Beta"}
    assert g.number_of_edges() == cm.graph.number_of_edges()


def _networkx_gexf(chain_map) -> str:
    import re

    text = "\n".join(nx.generate_gexf(attributed_graph(chain_map), encoding="utf-8",
                                      prettyprint=True))
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1) + "\n"


def test_streamed_gexf_equals_networkx_bytes(tmp_path):
    cm = read_and_map(SAMPLE, company="Ünal & <Sons> \"BV\"")
    out = tmp_path / "g.gexf"
    write_graph(cm, out)
    assert out.read_text(encoding="utf-8") == _networkx_gexf(cm)
    g = nx.read_gexf(out)
    assert g.number_of_nodes() == len(cm.suppliers) + 1
    assert g.number_of_edges() == cm.graph.number_of_edges()
