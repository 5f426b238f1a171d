"""Graph files of a chain map: GraphML, GEXF, node-link JSON, Graphviz DOT and Mermaid.

Every node carries its attributes (risk included) in the formats that hold attributes;
DOT and Mermaid are drawings, so they colour nodes by risk and, past COLLAPSE_AT nodes,
draw one box per tier instead of one per supplier (a drawing of thousands of boxes helps
nobody), saying so in a note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..export.atomic import atomic_path, write_text_atomic
from ..export.xlsx import LEVEL_COLOURS, LEVEL_FONT_COLOURS
from ..model import ALL_LEVELS, ImvoError, level_rank

FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".dot": "dot", ".gv": "dot",
           ".mmd": "mermaid", ".mermaid": "mermaid"}
COLLAPSE_AT = 300  # drawings with more supplier nodes than this show tiers instead


def graph_format(path: str | Path) -> str:
    """The format a file name asks for, from its extension."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise ImvoError(f"unknown graph file type {ext or '(none)'!r}", file=path,
                        code="graph-format",
                        hint="use .graphml, .gexf, .json (node-link), .dot or .mmd (Mermaid)")
    return FORMATS[ext]


def write_graph(chain_map, path: str | Path) -> str:
    """Write the chain graph to `path` in the format of its extension; returns the format."""
    fmt = graph_format(path)
    if fmt == "graphml":
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            write_graphml(chain_map, fh)
    elif fmt == "gexf":
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            write_gexf(chain_map, fh)
    elif fmt == "json":
        write_text_atomic(path, node_link_json(chain_map))
    elif fmt == "dot":
        write_text_atomic(path, to_dot(chain_map))
    else:
        write_text_atomic(path, to_mermaid(chain_map))
    return fmt


# ---------------------------------------------------------------- attributes


def _flat(value: Any) -> Any:
    """A value GraphML and GEXF can hold: lists joined, dates as ISO text."""
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_TEXT_FIELDS = ("address", "city", "region", "postal_code", "parent_company", "audit_standard",
                "audit_result", "os_id", "source_id")
_LIST_FIELDS = ("process", "product", "sector", "certifications", "supplies_to")


def supplier_attributes(chain_map, sid: str) -> dict[str, Any]:
    """Flat, typed attributes of one supplier node; missing values are left out."""
    s = chain_map.suppliers[sid]
    a = chain_map.risk[sid]
    facts = chain_map.graph.graph.get("facts", {}).get(sid)
    out: dict[str, Any] = {"label": s.name, "kind": "supplier", "name": s.name,
                           "risk_level": a.level, "upstream_level": a.upstream_level or "none"}
    if s.country:
        out["country"] = s.country
    tier = chain_map.tiers.get(sid)
    if tier is not None:
        out["tier"] = tier
    if s.declared_tier is not None:
        out["declared_tier"] = s.declared_tier
    for name in _LIST_FIELDS:
        value = getattr(s, name)
        if value:
            out[name] = _flat(value)
    for name in _TEXT_FIELDS:
        value = getattr(s, name)
        if value not in (None, ""):
            out[name] = value
    if s.audit_date is not None:
        out["audit_date"] = s.audit_date.isoformat()
    if s.workers is not None:
        out["workers"] = s.workers
    for name in ("purchase_share", "lat", "lng"):
        value = getattr(s, name)
        if value is not None:
            out[name] = float(value)
    if a.score is not None:
        out["risk_score"] = a.score
    for theme, level in a.theme_levels().items():
        out[f"risk_{theme}"] = level
    if a.flags:
        out["risk_reasons"] = " | ".join(f"{f.theme}: {f.evidence} ({f.source})" for f in a.flags)
    if a.upstream_path:
        out["upstream_path"] = _flat(a.upstream_path)
    out["rows"] = _flat(s.rows)
    if facts is not None:
        out["paths"] = facts.paths
        out["paths_capped"] = facts.paths_capped
        out["upstream_depth"] = facts.upstream_depth
        out["upstream_suppliers"] = facts.upstream_suppliers
    for key, value in sorted(s.extra.items()):
        out[f"extra_{key}"] = str(value)  # one type per key, as GraphML wants
    return out


def attributed_graph(chain_map):
    """A copy of the chain graph with flat attributes on every node, in id order."""
    import networkx as nx

    g = nx.DiGraph(name=chain_map.company.name)
    company = chain_map.company
    g.add_node(company.id, label=company.name, kind="company", name=company.name, tier=0)
    for sid in sorted(chain_map.suppliers):
        g.add_node(sid, **supplier_attributes(chain_map, sid))
    g.add_edges_from(sorted(chain_map.graph.edges()))
    return g


# ---------------------------------------------------------------- GraphML, streamed

_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_GRAPHML_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n"
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                 'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    return (_xml_text(text).replace('"', "&quot;").replace("\r", "&#13;")
            .replace("\n", "&#10;").replace("\t", "&#09;"))


def _graph_nodes(chain_map):
    """(node id, flat attributes) of the company, then of every supplier in id order."""
    company = chain_map.company
    yield company.id, {"label": company.name, "kind": "company", "name": company.name, "tier": 0}
    for sid in sorted(chain_map.suppliers):
        yield sid, supplier_attributes(chain_map, sid)


def write_graphml(chain_map, fh) -> None:
    """GraphML of the attributed graph, one node at a time (a 100,000-node map never sits in
    memory as an XML tree); the same elements, keys and layout as networkx's writer.

    Two passes: the first finds every attribute's key and type (GraphML declares keys before
    the graph), the second writes the nodes.
    """
    keys: dict[tuple[str, str], str] = {("name", "graph"): "d0"}
    types: dict[str, str] = {"d0": "string"}
    for _, attrs in _graph_nodes(chain_map):
        for name, value in attrs.items():
            if (name, "node") not in keys:
                kid = keys[(name, "node")] = f"d{len(keys)}"
                types[kid] = _GRAPHML_TYPES.get(type(value), "string")
    fh.write(_GRAPHML_HEAD)
    for (name, scope), kid in reversed(keys.items()):  # networkx lists the newest key first
        fh.write(f'  <key id="{kid}" for="{scope}" attr.name="{_xml_attr(name)}" '
                 f'attr.type="{types[kid]}" />\n')
    fh.write('  <graph edgedefault="directed">\n')
    lines: list[str] = []
    for nid, attrs in _graph_nodes(chain_map):
        lines.append(f'    <node id="{_xml_attr(str(nid))}">\n')
        for name, value in attrs.items():
            kid = keys[(name, "node")]
            text = _xml_text(str(value))
            lines.append(f'      <data key="{kid}">{text}</data>\n' if text
                         else f'      <data key="{kid}" />\n')
        lines.append("    </node>\n")
        if len(lines) >= 20000:
            fh.write("".join(lines))
            lines.clear()
    for u, v in sorted(chain_map.graph.edges()):
        lines.append(f'    <edge source="{_xml_attr(str(u))}" target="{_xml_attr(str(v))}" />\n')
    name = _xml_text(chain_map.company.name)
    lines.append(f'    <data key="d0">{name}</data>\n' if name else '    <data key="d0" />\n')
    lines.append("  </graph>\n</graphml>\n")
    fh.write("".join(lines))


# ---------------------------------------------------------------- GEXF, streamed

_GEXF_HEAD = ('<gexf xmlns="http://www.gexf.net/1.2draft" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://www.gexf.net/1.2draft '
              'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n')
_GEXF_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


def _gexf_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return _GEXF_FLOATS.get(text, text) if isinstance(value, float) else text


def _ascii(text: str) -> str:
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def write_gexf(chain_map, fh) -> None:
    """GEXF 1.2 of the attributed graph, one node at a time; the same elements, ids and
    layout as networkx's writer, without its date stamp (same input, same bytes).

    Two passes, as for GraphML: attribute declarations come before the nodes. Text outside
    ASCII is written as character references, as networkx does.
    """
    import networkx as nx

    ids: dict[str, str] = {}
    types: dict[str, str] = {}
    for _, attrs in _graph_nodes(chain_map):
        for name, value in attrs.items():
            if name != "label" and name not in ids:
                ids[name] = str(len(ids))
                types[name] = _GRAPHML_TYPES.get(type(value), "string")
    out = [_GEXF_HEAD, "  <meta>\n", f"    <creator>NetworkX {_xml_text(nx.__version__)}</creator>\n",
           "  </meta>\n",
           f'  <graph defaultedgetype="directed" mode="static" '
           f'name="{_xml_attr(chain_map.company.name)}">\n']
    if ids:
        out.append('    <attributes mode="static" class="node">\n')
        out.extend(f'      <attribute id="{aid}" title="{_xml_attr(name)}" type="{types[name]}" />\n'
                   for name, aid in ids.items())
        out.append("    </attributes>\n")
    out.append("    <nodes>\n")
    fh.write(_ascii("".join(out)))
    lines: list[str] = []
    for nid, attrs in _graph_nodes(chain_map):
        label = _xml_attr(str(attrs.get("label", nid)))
        values = [(ids[k], v) for k, v in attrs.items() if k != "label"]
        if not values:
            lines.append(f'      <node id="{_xml_attr(str(nid))}" label="{label}" />\n')
            continue
        lines.append(f'      <node id="{_xml_attr(str(nid))}" label="{label}">\n        <attvalues>\n')
        lines.extend(f'          <attvalue for="{aid}" value="{_xml_attr(_gexf_value(v))}" />\n'
                     for aid, v in values)
        lines.append("        </attvalues>\n      </node>\n")
        if len(lines) >= 20000:
            fh.write(_ascii("".join(lines)))
            lines.clear()
    lines.append("    </nodes>\n")
    edges = sorted(chain_map.graph.edges())
    if edges:
        lines.append("    <edges>\n")
        lines.extend(f'      <edge source="{_xml_attr(str(u))}" target="{_xml_attr(str(v))}" id="{n}" />\n'
                     for n, (u, v) in enumerate(edges))
        lines.append("    </edges>\n")
    lines.append("  </graph>\n</gexf>\n")
    fh.write(_ascii("".join(lines)))


def node_link_json(chain_map) -> str:
    import networkx as nx

    data = nx.node_link_data(attributed_graph(chain_map), edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ---------------------------------------------------------------- drawings


def _tier_groups(chain_map) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for sid in sorted(chain_map.suppliers):
        t = chain_map.tiers.get(sid)
        groups.setdefault(f"tier {t}" if t is not None else "not linked", []).append(sid)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == "not linked", len(kv[0]), kv[0])))


def _worst_of(chain_map, ids: list[str]) -> str:
    return max((chain_map.risk[i].level for i in ids), key=level_rank, default="unknown")


def _level_counts(chain_map, ids: list[str]) -> str:
    counts = {lvl: 0 for lvl in ALL_LEVELS}
    for i in ids:
        counts[chain_map.risk[i].level] = counts.get(chain_map.risk[i].level, 0) + 1
    return ", ".join(f"{lvl} {n}" for lvl, n in counts.items() if n)


def _collapsed(chain_map):
    """Tier boxes and the number of links between them, for drawings of large maps."""
    groups = _tier_groups(chain_map)
    tier_of = {sid: name for name, ids in groups.items() for sid in ids}
    links: dict[tuple[str, str], int] = {}
    for u, v in chain_map.graph.edges():
        key = (tier_of.get(u, chain_map.company.id), tier_of.get(v, chain_map.company.id))
        links[key] = links.get(key, 0) + 1
    return groups, dict(sorted(links.items()))


def _collapse_note(chain_map) -> str:
    return (f"{len(chain_map.suppliers)} suppliers: drawn as one box per tier (more than "
            f"{COLLAPSE_AT}); use .graphml, .gexf or .json for every supplier")


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_node(node_id: str, label: str, level: str, shape: str = "box") -> str:
    fill = LEVEL_COLOURS.get(level, LEVEL_COLOURS["unknown"])
    font = LEVEL_FONT_COLOURS.get(level, "000000")
    return (f"  {_dot_text(node_id)} [label={_dot_text(label)}, shape={shape}, style=filled, "
            f"fillcolor=\"#{fill}\", fontcolor=\"#{font}\", risk={_dot_text(level)}];")


def to_dot(chain_map) -> str:
    """Graphviz DOT, goods flowing left to right into the company, nodes coloured by risk."""
    company = chain_map.company
    lines = ["digraph chains {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];",
             f"  {_dot_text(company.id)} [label={_dot_text(company.name)}, shape=doubleoctagon];"]
    if len(chain_map.suppliers) > COLLAPSE_AT:
        groups, links = _collapsed(chain_map)
        lines.insert(1, f"  label={_dot_text('Note: ' + _collapse_note(chain_map))};")
        lines.insert(2, "  labelloc=t;")
        for name, ids in groups.items():
            label = _group_label(chain_map, name, ids)
            lines.append(_dot_node(name, label, _worst_of(chain_map, ids), "box3d"))
        for (u, v), n in links.items():
            lines.append(f"  {_dot_text(u)} -> {_dot_text(v)} [label={_dot_text(str(n))}];")
    else:
        for sid in sorted(chain_map.suppliers):
            label = _supplier_label(chain_map, sid)
            lines.append(_dot_node(sid, label, chain_map.risk[sid].level))
        for u, v in sorted(chain_map.graph.edges()):
            lines.append(f"  {_dot_text(u)} -> {_dot_text(v)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _supplier_label(chain_map, sid: str) -> str:
    """Two lines for a drawn supplier: its name, then country and tier."""
    s = chain_map.suppliers[sid]
    tier = chain_map.tiers.get(sid)
    return f"{s.name}\n{s.country or '?'} · tier {tier if tier is not None else '?'}"


def _group_label(chain_map, name: str, ids) -> str:
    """Two lines for a collapsed group: its name and size, then its levels."""
    return f"{name}: {len(ids)} suppliers\n{_level_counts(chain_map, ids)}"


def _mmd_text(text: str) -> str:
    # Mermaid labels in double quotes take entity codes for characters that end them.
    out = text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return '"' + out.replace("\n", "<br/>") + '"'


def _mmd_id(node_id: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in node_id)


def to_mermaid(chain_map) -> str:
    """A Mermaid flowchart (renders in GitHub and GitLab markdown), coloured by risk."""
    company = chain_map.company
    lines = ["flowchart LR", f"  {_mmd_id(company.id)}[[{_mmd_text(company.name)}]]"]
    classes: dict[str, list[str]] = {}
    if len(chain_map.suppliers) > COLLAPSE_AT:
        groups, links = _collapsed(chain_map)
        lines.insert(1, f"  %% {_collapse_note(chain_map)}")
        lines.append(f"  note[{_mmd_text('Note: ' + _collapse_note(chain_map))}]")
        for name, ids in groups.items():
            label = _group_label(chain_map, name, ids)
            lines.append(f"  {_mmd_id(name)}[{_mmd_text(label)}]")
            classes.setdefault(_worst_of(chain_map, ids), []).append(_mmd_id(name))
        for (u, v), n in links.items():
            lines.append(f"  {_mmd_id(u)} -->|{n}| {_mmd_id(v)}")
    else:
        for sid in sorted(chain_map.suppliers):
            label = _supplier_label(chain_map, sid)
            lines.append(f"  {_mmd_id(sid)}[{_mmd_text(label)}]")
            classes.setdefault(chain_map.risk[sid].level, []).append(_mmd_id(sid))
        for u, v in sorted(chain_map.graph.edges()):
            lines.append(f"  {_mmd_id(u)} --> {_mmd_id(v)}")
    for level in ALL_LEVELS:
        fill = LEVEL_COLOURS.get(level, LEVEL_COLOURS["unknown"])
        font = LEVEL_FONT_COLOURS.get(level, "000000")
        lines.append(f"  classDef {level} fill:#{fill},color:#{font},stroke:#333")
    for level in ALL_LEVELS:
        if classes.get(level):
            lines.append(f"  class {','.join(classes[level])} {level}")
    return "\n".join(lines) + "\n"
