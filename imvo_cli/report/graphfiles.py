"""Graph files of a chain map: GraphML, GEXF, node-link JSON, Graphviz DOT and Mermaid.

Every node carries its attributes (risk included) in the formats that hold attributes;
DOT and Mermaid are drawings, so they colour nodes by risk and, past COLLAPSE_AT nodes,
draw one box per tier instead of one per supplier (a drawing of thousands of boxes helps
nobody), saying so in a note. GraphML and GEXF are written as a stream, node by node (the
attribute types come from a first pass), so memory does not grow with the graph; their
text passes the XML 1.0 policy of textsafe, labels of drawings its DOT and Mermaid policy.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

import networkx as nx

from .. import textsafe
from ..export.atomic import atomic_path, write_text_atomic
from ..model import ALL_LEVELS, ImvoError, Level, worst

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
    if fmt in ("graphml", "gexf"):
        writer = write_graphml_stream if fmt == "graphml" else write_gexf_stream
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            writer(chain_map, fh)
    elif fmt == "json":
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            write_node_link_stream(chain_map, fh)
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


def node_link_json(chain_map) -> str:
    """The node-link JSON of the attributed graph, as one text (small maps, tests)."""
    out = io.StringIO()
    write_node_link_stream(chain_map, out)
    return out.getvalue()


def write_node_link_stream(chain_map, fh) -> None:
    """networkx's node-link JSON (`nx.node_link_data(..., edges="edges")` dumped with keys
    sorted, indent 1), written node by node: the same bytes without a copy of the graph."""
    order = {node_id: i for i, (node_id, _) in enumerate(_node_ids(chain_map))}
    # networkx lists edges by source in node order, each source's targets as they were added
    edges = sorted(chain_map.graph.edges(), key=lambda e: (order[e[0]], e[1]))
    fh.write('{\n "directed": true,\n "edges": ')
    _write_items(fh, (f'{{\n   "source": {_json_str(u)},\n   "target": {_json_str(v)}\n  }}'
                      for u, v in edges))
    fh.write(f',\n "graph": {_json_flat({"name": chain_map.company.name}, 1)},\n'
             ' "multigraph": false,\n "nodes": ')
    _write_items(fh, (_json_flat({**attrs, "id": node_id}, 2) for node_id, attrs in _nodes(chain_map)))
    fh.write("\n}\n")


def _write_items(fh, items) -> None:
    """A JSON list at depth 1 of items already indented for depth 2."""
    first = True
    for item in items:
        fh.write(("[\n  " if first else ",\n  ") + item)
        first = False
    fh.write("[]" if first else "\n ]")


_json_str = json.encoder.encode_basestring  # C; the form json.dumps uses with ensure_ascii=False


def _json_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


# A scalar as json.dumps writes it, by its exact type (NaN and infinities included).
_JSON_SCALAR: dict[type, Callable[[Any], str]] = {str: _json_str, int: int.__repr__, float: _json_float,
                bool: lambda v: "true" if v else "false", type(None): lambda v: "null"}


def _json_flat(attrs: dict[str, Any], depth: int) -> str:
    """A dict of scalars as json.dumps(indent=1, sort_keys=True) writes it at `depth`."""
    if not attrs:
        return "{}"
    pad = " " * (depth + 1)
    try:
        body = f",\n{pad}".join([f"{_json_str(k)}: {_JSON_SCALAR[type(v)](v)}"
                                for k, v in sorted(attrs.items())])
    except KeyError:  # a value that is not a scalar: the library writes it
        return json.dumps(attrs, ensure_ascii=False, indent=1, sort_keys=True).replace(
            "\n", "\n" + " " * depth)
    return f"{{\n{pad}{body}\n{' ' * depth}}}"


# ---------------------------------------------------------------- streamed XML


def _node_ids(chain_map):
    """(id, is the company) of every node in file order: the company, then suppliers by id."""
    yield chain_map.company.id, True
    for sid in sorted(chain_map.suppliers):
        yield sid, False


def _nodes(chain_map):
    """(id, attributes) of the company and every supplier, in id order, one at a time."""
    company = chain_map.company
    for node_id, is_company in _node_ids(chain_map):
        if is_company:
            yield node_id, {"label": company.name, "kind": "company", "name": company.name,
                            "tier": 0}
        else:
            yield node_id, supplier_attributes(chain_map, node_id)


def _attribute_types(chain_map) -> dict[str, str]:
    """Attribute name -> 'boolean', 'long', 'double' or 'string', in order of first use."""
    seen: dict[str, set] = {}
    for _, attrs in _nodes(chain_map):
        for key, value in attrs.items():
            seen.setdefault(key, set()).add(type(value))
    out = {}
    for key, types in seen.items():
        if types <= {bool}:
            out[key] = "boolean"
        elif types <= {int}:
            out[key] = "long"
        elif types <= {int, float}:
            out[key] = "double"
        else:
            out[key] = "string"
    return out


def _xml_value(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    if kind == "long":
        return str(int(value))
    return textsafe.xml_text(value)


def _text(value: Any) -> str:
    return _xml_escape(textsafe.xml_text(value))


def _attr(value: Any) -> str:
    text = value if type(value) is str else str(value)
    # printable text has no character XML forbids; without & < > " nothing is escaped
    if text.isprintable() and "&" not in text and "<" not in text and ">" not in text \
            and '"' not in text:
        return f'"{text}"'
    return _xml_quoteattr(textsafe.xml_text(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _element_text(value: str) -> str:
    """XML element text of a string: forbidden characters replaced, & < > escaped."""
    if not value.isprintable():  # printable text has no character XML forbids
        value = textsafe.xml_text(value)
    if "&" in value or "<" in value or ">" in value:
        return _xml_escape(value)
    return value


def write_graphml_stream(chain_map, fh) -> None:
    """GraphML (networkx reads it back) written node by node."""
    types = _attribute_types(chain_map)
    ids = {key: f"d{i}" for i, key in enumerate(types, 1)}
    fh.write("<?xml version='1.0' encoding='utf-8'?>\n"
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
             'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
             '  <key id="d0" for="graph" attr.name="name" attr.type="string" />\n')
    for key, kind in types.items():
        fh.write(f'  <key id="{ids[key]}" for="node" attr.name={_attr(key)} attr.type="{kind}" />\n')
    fh.write('  <graph edgedefault="directed">\n'
             f'    <data key="d0">{_text(chain_map.company.name)}</data>\n')
    # per key: the text before and after its value, and how the value is written
    data = {key: (f'      <data key="{ids[key]}">', _VALUE_TEXT.get(kind)) for key, kind in types.items()}
    for node_id, attrs in _nodes(chain_map):
        parts = [f"    <node id={_attr(node_id)}>\n"]
        for key, value in attrs.items():
            start, write = data[key]
            text = write(value) if write is not None else \
                _element_text(value if type(value) is str else str(value))
            parts.append(f"{start}{text}</data>\n")
        parts.append("    </node>\n")
        fh.write("".join(parts))
    for u, v in sorted(chain_map.graph.edges()):
        fh.write(f"    <edge source={_attr(u)} target={_attr(v)} />\n")
    fh.write("  </graph>\n</graphml>\n")


def _escape_value(value: Any, kind: str) -> str:
    return _xml_escape(_xml_value(value, kind))


# How a value of a non-text attribute is written (text goes through _element_text).
_VALUE_TEXT = {"boolean": lambda v: "true" if v else "false",
               "double": lambda v: repr(float(v)),
               "long": lambda v: str(int(v))}


def write_gexf_stream(chain_map, fh) -> None:
    """GEXF 1.2 (networkx reads it back) written node by node; no date, same bytes each run."""
    types = {k: t for k, t in _attribute_types(chain_map).items() if k != "label"}
    ids = {key: str(i) for i, key in enumerate(types)}
    fh.write("<?xml version='1.0' encoding='utf-8'?>\n"
             '<gexf xmlns="http://www.gexf.net/1.2draft" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
             'version="1.2">\n  <meta>\n    <creator>imvo</creator>\n  </meta>\n'
             f'  <graph defaultedgetype="directed" mode="static" name={_attr(chain_map.company.name)}>\n'
             '    <attributes mode="static" class="node">\n')
    for key, kind in types.items():
        fh.write(f'      <attribute id="{ids[key]}" title={_attr(key)} type="{kind}" />\n')
    fh.write("    </attributes>\n    <nodes>\n")
    starts = {key: f'          <attvalue for="{ids[key]}" value=' for key in types}
    for node_id, attrs in _nodes(chain_map):
        label = attrs.get("label", node_id)
        parts = [f"      <node id={_attr(node_id)} label={_attr(label)}>\n        <attvalues>\n"]
        for key, value in attrs.items():
            if key == "label":
                continue
            parts.append(f"{starts[key]}{_attr(_xml_value(value, types[key]))} />\n")
        parts.append("        </attvalues>\n      </node>\n")
        fh.write("".join(parts))
    fh.write("    </nodes>\n    <edges>\n")
    for i, (u, v) in enumerate(sorted(chain_map.graph.edges())):
        fh.write(f'      <edge source={_attr(u)} target={_attr(v)} id="{i}" />\n')
    fh.write("    </edges>\n  </graph>\n</gexf>\n")


# ---------------------------------------------------------------- drawings


def _tier_groups(chain_map) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for sid in sorted(chain_map.suppliers):
        t = chain_map.tiers.get(sid)
        groups.setdefault(f"tier {t}" if t is not None else "not linked", []).append(sid)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == "not linked", len(kv[0]), kv[0])))


def _worst_of(chain_map, ids: list[str]) -> str:
    return worst(chain_map.risk[i].level for i in ids)


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
    """A DOT string of text already made a label (its '\n' are line breaks)."""
    return textsafe.dot_string(text)


def _dot_id(text: str) -> str:
    return textsafe.dot_string(textsafe.plain_label(text))


def _dot_node(node_id: str, label: str, level: str, shape: str = "box") -> str:
    fill, font = Level.of(level).colour, Level.of(level).font_colour
    return (f"  {_dot_id(node_id)} [label={_dot_text(label)}, shape={shape}, style=filled, "
            f"fillcolor=\"#{fill}\", fontcolor=\"#{font}\", risk={_dot_id(level)}];")


def to_dot(chain_map) -> str:
    """Graphviz DOT, goods flowing left to right into the company, nodes coloured by risk."""
    company = chain_map.company
    lines = ["digraph chains {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];",
             f"  {_dot_id(company.id)} [label={_dot_id(company.name)}, shape=doubleoctagon];"]
    if len(chain_map.suppliers) > COLLAPSE_AT:
        groups, links = _collapsed(chain_map)
        lines.insert(1, f"  label={_dot_text('Note: ' + _collapse_note(chain_map))};")
        lines.insert(2, "  labelloc=t;")
        for name, ids in groups.items():
            label = _group_label(chain_map, name, ids)
            lines.append(_dot_node(name, label, _worst_of(chain_map, ids), "box3d"))
        for (u, v), n in links.items():
            lines.append(f"  {_dot_id(u)} -> {_dot_id(v)} [label={_dot_id(str(n))}];")
    else:
        for sid in sorted(chain_map.suppliers):
            label = _supplier_label(chain_map, sid)
            lines.append(_dot_node(sid, label, chain_map.risk[sid].level))
        for u, v in sorted(chain_map.graph.edges()):
            lines.append(f"  {_dot_id(u)} -> {_dot_id(v)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _supplier_label(chain_map, sid: str) -> str:
    """Two lines for a drawn supplier: its name, then country and tier."""
    s = chain_map.suppliers[sid]
    tier = chain_map.tiers.get(sid)
    country = textsafe.plain_label(s.country or "?")
    return f"{textsafe.plain_label(s.name)}\n{country} · tier {tier if tier is not None else '?'}"


def _group_label(chain_map, name: str, ids) -> str:
    """Two lines for a collapsed group: its name and size, then its levels."""
    return f"{name}: {len(ids)} suppliers\n{_level_counts(chain_map, ids)}"


def _mmd_text(text: str) -> str:
    return textsafe.mermaid_string(text)


def _mmd_id(node_id: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in node_id)


def to_mermaid(chain_map) -> str:
    """A Mermaid flowchart (renders in GitHub and GitLab markdown), coloured by risk."""
    company = chain_map.company
    lines = ["flowchart LR", f"  {_mmd_id(company.id)}[[{_mmd_text(textsafe.plain_label(company.name))}]]"]
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
        fill, font = Level.of(level).colour, Level.of(level).font_colour
        lines.append(f"  classDef {level} fill:#{fill},color:#{font},stroke:#333")
    for level in ALL_LEVELS:
        if classes.get(level):
            lines.append(f"  class {','.join(classes[level])} {level}")
    return "\n".join(lines) + "\n"
