"""Rich view of a chain map: summary panel, suppliers table sorted by risk, chain tree."""

from __future__ import annotations

import networkx as nx
from rich.markup import escape as _rich_escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..i18n import has, label, rule_label, t, tn
from ..i18n.messages import issue_hint, issue_message
from ..model import ALL_LEVELS, at_least, level_rank
from ..risk.profiles import theme_labels
from ..textsafe import terminal
from .console import LEVEL_STYLE, console
from .map_filter import MapFilter


def escape(text) -> str:
    """Untrusted text for the terminal: control and bidi characters shown, then rich markup off."""
    return _rich_escape(terminal(text))


SHORT_LEVEL = {"critical": "crit", "high": "high", "medium": "med", "low": "low", "unknown": "unkn"}

MAX_ROWS_SHOWN = 500  # table rows without --top; the rest is counted, not printed
MAX_TREE_LINES = 400
MAX_ISSUES_SHOWN = 10
STRUCTURE_CODES = ("cycle", "unreachable", "unknown-reference", "self-reference",
                   "ambiguous-reference", "tier-mismatch")


def sort_key(chain_map, sid: str):
    """Where to act first: priority rank (residual level and score, severity, scale,
    leverage, tier), then name; a map without priorities by level and tier."""
    s = chain_map.suppliers[sid]
    tier = chain_map.tiers.get(sid)
    a = chain_map.risk[sid]
    return (a.priority if a.priority is not None else 1_000_000_000, -level_rank(a.level),
            tier if tier is not None else 1_000_000, s.name.casefold(), sid)


def selected(chain_map, flt: MapFilter) -> list[str]:
    """Supplier ids the filter keeps, in table order (--top applied last)."""
    ids = []
    for sid, s in chain_map.suppliers.items():
        if flt.countries is not None and s.country not in flt.countries:
            continue
        if flt.tier is not None and chain_map.tiers.get(sid) != flt.tier:
            continue
        if flt.min_risk is not None and not at_least(chain_map.risk[sid].level, flt.min_risk):
            continue
        ids.append(sid)
    ids.sort(key=lambda sid: sort_key(chain_map, sid))
    return ids[:flt.top] if flt.top is not None else ids


def _level_text(level: str | None, lang: str = "en") -> Text:
    level = level or "unknown"
    return Text(label("level", level, lang), style=LEVEL_STYLE.get(level, ""))


def _m(key: str, lang: str, **values) -> str:
    return t(f"map_view.{key}", lang, **values)


def theme_names(sector: str | None, lang: str = "en") -> dict[str, str]:
    """Theme key -> label for the terminal: plain words in English, the catalogue's in Dutch."""
    if lang == "en":
        return {}
    return {k: t(f"theme.{k}", lang) for k in theme_labels(sector) if has(f"theme.{k}", lang)}


def reason_theme_names(sector: str | None, lang: str = "en") -> dict[str, str]:
    """Theme key -> label inside a line of reasons ('pesticides and chemicals'): the profile's
    label in English, the catalogue's in Dutch, first letter in lower case."""
    names = {**theme_labels(sector), **theme_names(sector, lang)}
    return {k: _in_text(v) for k, v in names.items()}


def _in_text(name: str) -> str:
    """A label as it reads inside a sentence: its first letter in lower case."""
    return name[:1].lower() + name[1:]


def flag_label(flag, lang: str = "en") -> str:
    """The rule behind a flag as a short label in `lang` ("DOL list: Cotton", "no audit");
    the full evidence is in --format json and --export."""
    return rule_label(flag.rule, flag.evidence, lang)


def main_reasons(chain_map, sid: str, limit: int = 3, lang: str = "en",
                 names: dict[str, str] | None = None) -> str:
    """'forced labour, child labour: DOL list: Cotton; no audit' and worse upstream risk."""
    a = chain_map.risk[sid]
    labels: list[str] = []
    for f in a.main_flags():
        text = flag_label(f, lang)
        if text not in labels:
            labels.append(text)
    names = names or {}
    themes = [names.get(k, k.replace("_", " ")) for k in a.top_themes()]
    parts = []
    if labels and a.level not in ("low", "unknown"):
        head = ", ".join(themes[:2]) + (f" +{len(themes) - 2}" if len(themes) > 2 else "")
        parts.append(f"{head}: {'; '.join(labels[:limit])}")
    if a.upstream_level and level_rank(a.upstream_level) > level_rank(a.level) and a.upstream_path:
        first = chain_map.suppliers.get(a.upstream_path[0])
        parts.append(_m("upstream", lang, level=label("level", a.upstream_level, lang),
                        name=first.name if first else a.upstream_path[0]))
    if not parts and a.level == "unknown":
        parts.append(_m("no_risk_data", lang))
    return "; ".join(parts)


# ---------------------------------------------------------------- panels and tables


def _tier_name(key: str, lang: str) -> str:
    """'tier 2' for a tier number, 'not linked' for the suppliers without a path."""
    if key.isdigit():
        return _m("tier", lang, tier=key)
    return t("summary.unreachable", lang) if key == "unreachable" else key


def summary_panel(chain_map, lang: str = "en") -> Panel:
    sm = chain_map.summary
    src = chain_map.source
    where = src.file + (" " + _m("sheet", lang, sheet=src.sheet) if src.sheet else "")
    per_tier = ", ".join(f"{_tier_name(k, lang)}: {v}" for k, v in sm.get("suppliers_per_tier", {}).items())
    risk = Text()
    for level in ALL_LEVELS:
        if risk:
            risk.append("  ")
        risk.append(f"{label('level', level, lang)} {sm['risk'].get(level, 0)}",
                    style=LEVEL_STYLE.get(level, ""))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(_m("company", lang), escape(chain_map.company.name))
    grid.add_row(_m("source", lang), escape(_m("source_text", lang, where=where, rows=src.rows,
                                                rejected=sm["rows_rejected"])))
    grid.add_row(_m("suppliers", lang), _m("suppliers_text", lang, n=sm["suppliers"],
                                          countries=sm["countries"], tier=sm["max_tier"]))
    if per_tier:
        grid.add_row(_m("per_tier", lang), per_tier)
    grid.add_row(_m("visibility", lang), _m("visibility_text", lang,
                                            share=f"{sm['visibility']:.0%}"))
    grid.add_row(_m("addresses", lang), _m("addresses_text", lang,
                                           share=f"{sm['address_completeness']:.0%}"))
    grid.add_row(_m("risk", lang), risk)
    inherent = sm.get("risk_inherent")
    if inherent and inherent != sm["risk"]:
        inh = Text(_m("inherent", lang) + ": ")
        for level in ALL_LEVELS:
            inh.append(f"{label('level', level, lang)} {inherent.get(level, 0)}  ",
                       style=LEVEL_STYLE.get(level, ""))
        grid.add_row("", inh)
    cov = sm.get("coverage")
    if cov:
        grid.add_row(_m("data", lang), escape(coverage_text(cov, lang)))
    extra = []
    if sm.get("cycles"):
        extra.append(_m("cycles", lang, n=sm["cycles"]))
    if sm.get("unreachable"):
        extra.append(_m("unreachable", lang, n=sm["unreachable"]))
    extra.append(_m("issues_text", lang, errors=tn("error", sm.get("errors", 0), lang),
                    warnings=tn("warning", sm.get("warnings", 0), lang)))
    grid.add_row(_m("issues", lang), "; ".join(extra))
    return Panel(grid, title=_m("title", lang, company=escape(chain_map.company.name)), title_align="left",
                 expand=False)


def _share(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def coverage_text(cov: dict, lang: str = "en") -> str:
    """'81 rows: audit 38%; product 100% (82% recognised); process ...; unrecognised: ...'."""
    audit = (_m("coverage_audit", lang, share=_share(cov["audit"]["share"])) if cov["audit"]["column"]
             else _m("coverage_audit_missing", lang))
    parts = [audit]
    for kind in ("product", "process"):
        c, name = cov[kind], _m(f"kind_{kind}", lang)
        if not c["column"]:
            parts.append(_m("coverage_missing", lang, kind=name))
        else:
            parts.append(_m("coverage_field", lang, kind=name, share=_share(c["share"]),
                            recognised=_share(c["recognised"])))
    words = [w for k in ("product", "process") for w in list(cov["unrecognised"][k])[:3]]
    if words:
        parts.append(_m("coverage_unrecognised", lang, words=", ".join(words)))
    return _m("coverage", lang, rows=tn("row", cov.get("rows") or 0, lang), parts="; ".join(parts))


def risk_cell(a, lang: str = "en") -> Text:
    """Residual level; the inherent one below it when site evidence changed it."""
    text = _level_text(a.level, lang)
    inh = a.inherent_level
    if inh and inh != a.level:
        short = SHORT_LEVEL.get(inh, inh) if lang == "en" else label("level", inh, lang)
        text.append(f"\n{_m('inh', lang)} {short}", style=LEVEL_STYLE.get(inh, ""))
    if a.priority is not None:  # the priority rank folded in: the table fits 80 columns
        text.append(f"\n{_m('prio', lang, n=a.priority)}", style="dim")
    return text


# The table's frame: 7 borders, a one-space pad right of the name, two around the others.
FRAME = 7 + 1 + 2 * 4
NARROW_COLUMNS = (4, 4)  # country, tier
MIN_NAME, MIN_REASONS = 20, 12


def table_geometry(width: int, risk_width: int) -> tuple[int, int, int]:
    """(name, process, reasons) widths that fill `width` columns exactly: every column gets a
    fixed width, so no long word can push the table past the terminal's edge; names and
    process and reasons wrap: nothing is cut."""
    room = width - FRAME - sum(NARROW_COLUMNS) - risk_width
    room = max(room, MIN_NAME + 8 + MIN_REASONS)
    process = min(16, max(8, room // 5))
    name = max(MIN_NAME, (room - process) * 3 // 5)
    return name, process, max(MIN_REASONS, room - process - name)


def suppliers_table(chain_map, ids: list[str], lang: str = "en", width: int = 80) -> Table:
    table = Table(expand=False, pad_edge=False, show_lines=False)
    risk_width = 8 if lang == "en" else 11
    name_w, process_w, reasons_w = table_geometry(width, risk_width)
    table.add_column(_m("col_name", lang), overflow="fold", width=name_w)
    table.add_column(_m("col_country", lang), no_wrap=True, width=NARROW_COLUMNS[0])
    table.add_column(_m("col_tier", lang), justify="right", no_wrap=True, width=NARROW_COLUMNS[1])
    table.add_column(_m("col_process", lang), overflow="fold", width=process_w)
    table.add_column(_m("col_risk", lang), no_wrap=True, width=risk_width)
    table.add_column(_m("col_reasons", lang), overflow="fold", width=reasons_w)
    names = reason_theme_names(chain_map.sector, lang)
    for sid in ids:
        s = chain_map.suppliers[sid]
        tier = chain_map.tiers.get(sid)
        tier_text = str(tier) if tier is not None else "-"
        if s.declared_tier is not None and s.declared_tier != tier:
            tier_text += "*"
        table.add_row(escape(s.name), s.country or "", tier_text, escape(", ".join(s.process)),
                      risk_cell(chain_map.risk[sid], lang),
                      escape(main_reasons(chain_map, sid, lang=lang, names=names)))
    return table


def chain_tree(chain_map, flt: MapFilter | None = None, lang: str = "en") -> tuple[Tree, int]:
    """The company at the root, its suppliers below, down to raw materials; (tree, lines cut)."""
    graph = chain_map.graph
    company = chain_map.company
    keep = None
    if flt is not None and flt.active:
        keep = set()
        for sid in selected(chain_map, flt):
            if sid not in keep:
                keep.add(sid)
                keep |= _downstream(graph, sid)
    root = Tree(Text(terminal(chain_map.company.name), style="bold"))
    budget = [MAX_TREE_LINES]
    cut = [0]

    def node_text(sid: str) -> Text:
        s = chain_map.suppliers[sid]
        a = chain_map.risk[sid]
        text = Text(terminal(s.name), style=LEVEL_STYLE.get(a.level, ""))
        text.append(f" ({s.country or '?'}", style="")
        if s.process:
            text.append(f", {terminal(', '.join(s.process[:2]))}", style="")
        text.append(f") [{label('level', a.level, lang)}]", style="")
        return text

    def grow(node: Tree, customer: str, path: frozenset[str]) -> None:
        for sid in sorted(graph.predecessors(customer), key=lambda x: sort_key(chain_map, x)):
            if keep is not None and sid not in keep:
                continue
            if budget[0] <= 0:
                cut[0] += 1
                continue
            budget[0] -= 1
            if sid in path:
                node.add(Text(_m("tree_circle", lang, name=terminal(chain_map.suppliers[sid].name)),
                              style="italic"))
                continue
            grow(node.add(node_text(sid)), sid, path | {sid})

    grow(root, company.id, frozenset())
    loose = sorted((sid for sid, t in chain_map.tiers.items() if t is None
                    and (keep is None or sid in keep)), key=lambda x: sort_key(chain_map, x))
    if loose:
        branch = root.add(Text(_m("tree_not_linked", lang), style="italic"))
        for sid in loose:
            if budget[0] <= 0:
                cut[0] += 1
                continue
            budget[0] -= 1
            branch.add(node_text(sid))
    return root, cut[0]


def _downstream(graph, sid: str) -> set[str]:
    return set(nx.descendants(graph, sid))


def structure_issues(chain_map) -> list:
    return [i for i in chain_map.issues if i.code in STRUCTURE_CODES]


def render_map(chain_map, flt: MapFilter | None = None, *, tree: bool = False,
               lang: str = "en") -> None:
    """Print the map: summary panel, then the tree or the suppliers table, then chain issues."""
    flt = flt or MapFilter()
    out = console()
    out.print(summary_panel(chain_map, lang))
    if tree:
        root, cut = chain_tree(chain_map, flt, lang)
        out.print(root)
        if cut:
            out.print(_m("more_branches", lang, n=cut))
    else:
        ids = selected(chain_map, flt)
        shown = ids if flt.top is not None else ids[:MAX_ROWS_SHOWN]
        if shown:
            out.print(suppliers_table(chain_map, shown, lang, out.width))
        else:
            out.print(_m("no_match", lang))
        if len(ids) > len(shown):
            out.print(_m("more_suppliers", lang, n=len(ids) - len(shown)))
        if any(chain_map.suppliers[s].declared_tier not in (None, chain_map.tiers.get(s))
               for s in shown):
            out.print(_m("declared_tier", lang))
    issues = structure_issues(chain_map)
    if issues:
        out.print("\n" + _m("chain_issues", lang, n=len(issues)))
        for i in issues[:MAX_ISSUES_SHOWN]:
            where = _m("issue_row", lang, row=i.row) if i.row else ""
            hint = issue_hint(i, lang)
            out.print(escape(f"  {where}{issue_message(i, lang)}" + (f" - {hint}" if hint else "")),
                      style="yellow" if i.severity == "warning" else "red")
        if len(issues) > MAX_ISSUES_SHOWN:
            out.print(_m("more_chain_issues", lang, n=len(issues) - MAX_ISSUES_SHOWN))
    _print_row_issues(out, chain_map, lang)


def _print_row_issues(out, chain_map, lang: str) -> None:
    """The rows that became no supplier (errors), the first few with why, and how many other
    warnings the read found: the summary counts them, so the console says where they are."""
    others = [i for i in chain_map.issues if i.code not in STRUCTURE_CODES]
    errors = [i for i in others if i.severity == "error"]
    if errors:
        out.print("\n" + _m("rows_not_read", lang, n=len(errors)))
        for i in errors[:MAX_ISSUES_SHOWN]:
            where = ", ".join(p for p in (i.row and _m("issue_row", lang, row=i.row).rstrip(": "),
                                          i.column and _m("issue_column", lang, column=repr(i.column)))
                             if p)
            hint = issue_hint(i, lang)
            out.print(escape(f"  {where + ': ' if where else ''}{issue_message(i, lang)}"
                             + (f" - {hint}" if hint else "")),
                      style="red")
        if len(errors) > MAX_ISSUES_SHOWN:
            out.print(_m("more_chain_issues", lang, n=len(errors) - MAX_ISSUES_SHOWN))
    warnings = len(others) - len(errors)
    if warnings:
        out.print(_m("other_warnings", lang, n=warnings))
