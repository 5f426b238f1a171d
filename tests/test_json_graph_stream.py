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


def _networkx_node_link(chain_map) -> str:
    """What networkx itself writes for the attributed graph (the reference bytes)."""
    import json
    data = nx.node_link_data(attributed_graph(chain_map), edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_streamed_node_link_json_is_networkx_byte_for_byte(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text('Name,Country,Supplies to,Number of workers,Purchase share,Notes\n'
                    '"A <b> & ""c"" \\ é",India,,250,12.5,"x\ty \u202e"\n'
                    "Beta,Turkey,\"A <b> & \"\"c\"\" \\ é\",,,\n"
                    "Gamma,Viet Nam,Beta,1200,,\u00fcber\n", encoding="utf-8")
    for cm in (read_and_map(SAMPLE, company="Ünal & <Sons> \"BV\""), read_and_map(path)):
        out = tmp_path / "g.json"
        write_graph(cm, out)
        assert out.read_text(encoding="utf-8") == _networkx_node_link(cm)


def test_streamed_node_link_json_of_a_map_without_links(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("Name,Country\nSolo Mill,Portugal\n", encoding="utf-8")
    cm = read_and_map(path)
    out = tmp_path / "g.json"
    write_graph(cm, out)
    assert out.read_text(encoding="utf-8") == _networkx_node_link(cm)
    assert nx.node_link_graph(__import__("json").loads(out.read_text(encoding="utf-8")),
                              edges="edges").number_of_nodes() == 2


def test_xml_attribute_and_text_fast_paths_escape_as_the_library_does():
    from xml.sax.saxutils import escape, quoteattr

    from imvo_cli import textsafe
    from imvo_cli.report import graphfiles as gf
    entities = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
    for text in ("plain", "S0A1B2", "Ünal Tekstil", 'say "hi"', "it's", "a & b", "<x>", "tab\there",
                 "line\nbreak", "nul\x00", "\ufffe", "\ud800", "bidi\u202e", "\u00a0nbsp", "", "2550"):
        assert gf._attr(text) == quoteattr(textsafe.xml_text(text), entities), text
        assert gf._element_text(text) == escape(textsafe.xml_text(text)), text
