"""Self-contained HTML reports: the chain picture (`imvo map --html`) and the sector report.

One file with inline CSS, inline SVG and a little inline JavaScript from `report/assets/`;
a Content-Security-Policy forbids every outside request, so the page reads the same offline
and by email. Every piece of user text goes through `esc` (or, inside the embedded JSON,
through `script_json`, which keeps `</script>` and `<!--` inert). No timestamps, everything
sorted: the same input gives the same bytes. Every word of the page, including those the script
builds (cards, filter status), comes from the catalogue of the chosen language (imvo_cli/i18n):
the script reads its words from the embedded JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from functools import lru_cache
from html import escape as _escape
from importlib import resources
from typing import Any

from .. import __version__, risk
from ..countries import country_name
from ..export.atomic import write_text_atomic
from ..i18n import THOUSANDS, country_label, has, number, rule_label, table, tn
from ..i18n import label as _label
from ..i18n import t as _t
from ..i18n.messages import evidence_source, evidence_value, issue_hint, issue_message, main_reasons
from ..mapping import priority_order
from ..model import (
    ALL_LEVELS,
    LEVEL_COLOURS,
    LEVEL_FONT_COLOURS,
    LEVELS,
    UNKNOWN,
    at_least,
    flag_sort_key,
    level_rank,
    worst,
)
from ..policy import Policy
from ..risk.profiles import theme_labels
from .layout import NODE_HEIGHT, NODE_WIDTH, OTHER, Layout, layered_layout

FLAGGED_ROWS_SHOWN = 250  # the workbook export holds the rest
ACT_FIRST_SHOWN = 10  # suppliers in "where to act first"
GROUP_ROWS_SHOWN = 20  # suppliers listed under each group, worst first
ISSUES_SHOWN = 500
MIN_SCALE = 0.85  # the picture shrinks to fit the screen down to this scale, then scrolls
NAME_CHARS = 20  # characters of a name that fit in a node box

# A shape per level, so the level reads without colour too (10 x 10 box around 0,0).
LEVEL_GLYPH = {
    "critical": "M0 -6 L6 0 L0 6 L-6 0 Z",  # diamond
    "high": "M0 -6 L6 5 L-6 5 Z",  # triangle
    "medium": "M-5 -5 H5 V5 H-5 Z",  # square
    "low": "M-5 0 A5 5 0 1 0 5 0 A5 5 0 1 0 -5 0 Z",  # circle
    UNKNOWN: "M-5 -1 H5 V1 H-5 Z",  # dash
}


# Characters HTML calls parse errors (controls other than whitespace, noncharacters); they
# can reach here from a list (ingest keeps U+FFFE and U+FFFF).
_HTML_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")


def esc(value: Any) -> str:
    """Text for HTML content and quoted attributes: & < > " ' all escaped, characters HTML
    forbids shown as U+FFFD."""
    return _HTML_BAD.sub("\ufffd", _escape("" if value is None else str(value), quote=True))


def script_json(data: Any) -> str:
    """JSON safe inside <script>: no `</script>`, `<!--` or `]]>` can form from user text,
    and characters HTML forbids are JSON escapes (the data stays exact)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return _HTML_BAD.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return resources.files("imvo_cli.report").joinpath("assets", name).read_text(encoding="utf-8")


def _level_css() -> str:
    """Level colours from the one palette the workbook uses too."""
    rules = []
    for lvl in ALL_LEVELS:
        fill, ink = LEVEL_COLOURS[lvl], LEVEL_FONT_COLOURS[lvl]
        rules.append(f".lv-{lvl}{{--lv:#{fill};--ink:#{ink}}}"
                     f".ring-{lvl}{{stroke:#{fill}}}")
    return "".join(rules) + "\n"


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def script_words(lang: str) -> dict[str, Any]:
    """The words report.js puts on the page (cards, filter status, level names), in `lang`."""
    text = table("html_js", lang)
    for form in ("one", "other"):
        text[f"supplier_{form}"] = _t(f"count.supplier.{form}", lang, n="{n}")
    return {"text": text, "levels": {lvl: _label("level", lvl, lang) for lvl in ALL_LEVELS},
            "thousands": THOUSANDS[lang]}


def _page(title: str, body: str, data: dict[str, Any], extra_css: str = "",
          lang: str = "en") -> str:
    data = {**data, "words": script_words(lang)}
    css = _level_css() + _asset("report.css") + extra_css
    js = _asset("report.js")
    # Hashes instead of 'unsafe-inline': an injected inline handler could not run either.
    csp = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"  # our own text, no quotes
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"imvo {esc(__version__)}\">\n"
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n"
        f"<script type=\"application/json\" id=\"imvo-data\">{script_json(data)}</script>\n"
        f"<script>{js}</script>\n</body>\n</html>\n")


# ---------------------------------------------------------------- small formatting helpers

def _theme_label(theme: str) -> str:
    """Human theme label; a flag naming several themes ('a, b') gets each one labelled."""
    labels = _LABELS[0]
    return ", ".join(labels.get(t, t.replace("_", " ")) for t in theme.split(", "))


_LABELS: list[dict[str, str]] = [{}]  # theme labels of the profile being rendered
_LANG: list[str] = ["en"]  # language of the report being rendered


@contextmanager
def _rendering(lang: str, sector: str | None):
    """Set the language and the theme labels of one report while it renders."""
    _LANG[0], _LABELS[0] = lang, theme_names(sector, lang)
    try:
        yield
    finally:
        _LANG[0], _LABELS[0] = "en", {}


def theme_names(sector: str | None, lang: str = "en") -> dict[str, str]:
    """Theme key -> label: the sector profile's words in English, the catalogue's in Dutch."""
    labels = theme_labels(sector)
    if lang == "en":
        return labels
    return {k: _t(f"theme.{k}", lang) if has(f"theme.{k}", lang) else v for k, v in labels.items()}


def _h(key: str, **values: Any) -> str:
    """A label of the map report in the language being rendered (already HTML-safe text)."""
    return _t(f"html_map.{key}", _LANG[0], **values)


def _lv(level: str | None) -> str:
    """A level's name in the report's language."""
    return _label("level", level or UNKNOWN, _LANG[0])


def _short(level: str | None) -> str:
    """A level in four letters (CRIT, HIGH ...), for boxes and heat map cells."""
    return _t(f"level_short.{level if level in ALL_LEVELS else UNKNOWN}", _LANG[0])


def _num(n: float) -> str:
    """A number with the report language's thousands separator."""
    return number(n, _LANG[0])


def _tier_text(tier: int | None) -> str:
    """'tier 2' or 'not linked', lower case, for running text."""
    return _h("not_linked_lc") if tier is None else _h("tier_lc", tier=tier)


def _country(code: str | None) -> str:
    if not code:
        return _h("unknown_country")
    if code == OTHER:
        return _h("other_countries")
    return country_label(code, country_name(code), _LANG[0]) or code


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _share(value: Any) -> float | None:
    """A 0..1 share from a number (a percentage above 1 is scaled)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value / 100 if value > 1 else float(value)


def _badge(level: str | None) -> str:
    lvl = level if level in ALL_LEVELS else UNKNOWN
    return f"<span class=\"badge lv-{lvl}\">{_lv(lvl)}</span>"


def _term(value: str) -> str:
    """A level, theme or sector key of the policy in the report's language; other text as is."""
    if value in ALL_LEVELS:
        return _lv(value)
    if value in _LABELS[0]:
        return _LABELS[0][value]
    if has(f"sector.{value}", _LANG[0]):
        return _label("sector", value, _LANG[0])
    return value


def _plain(value: Any) -> str:
    """A policy value as text: mappings as 'key: value; ...', lists comma-separated."""
    if value is None or value == [] or value == {}:
        return "–"
    if isinstance(value, dict):
        return "; ".join(f"{_policy_item(str(k))}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _num(value)
    return _term(str(value))


def _policy_item(key: str) -> str:
    """A policy setting's name ('audit_max_age_months') in words of the report's language."""
    full = f"policy_item.{key}"
    return _t(full, _LANG[0]) if has(full, _LANG[0]) else _term(key).replace("_", " ")


def _tn(noun: str, n: int) -> str:
    return tn(noun, n, _LANG[0])


def _truncate(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _section(sid: str, title: str, inner: str, intro: str = "") -> str:
    lead = f"<p class=\"intro\">{intro}</p>" if intro else ""
    return f"<section id=\"{sid}\" aria-labelledby=\"h-{sid}\"><h2 id=\"h-{sid}\">{title}</h2>{lead}{inner}</section>\n"


def _table(head: list[tuple[str, str]], rows: list[str], *, sortable: bool = True,
           tid: str = "", caption: str = "") -> str:
    """`head` is (label, kind) with kind "text" or "num"; rows are ready <tr> strings."""
    ths = "".join(
        (f"<th scope=\"col\" data-kind=\"{kind}\"><button type=\"button\">{label}</button></th>"
         if sortable else f"<th scope=\"col\">{label}</th>") for label, kind in head)
    cap = f"<caption>{caption}</caption>" if caption else ""
    attrs = f" id=\"{tid}\"" if tid else ""
    cls = "data sortable" if sortable else "data"
    return (f"<div class=\"table-wrap\"><table class=\"{cls}\"{attrs}>{cap}<thead><tr>{ths}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _chips(counts: Counter) -> str:
    return "".join(f"<span class=\"chip lv-{lvl}\"><b>{counts.get(lvl, 0)}</b> {_lv(lvl)}</span>"
                   for lvl in ALL_LEVELS)


def _stat(label: str, value: str, note: str = "") -> str:
    note_html = f"<span class=\"note\">{note}</span>" if note else ""
    return f"<div class=\"stat\"><span class=\"label\">{label}</span><span class=\"value\">{value}</span>{note_html}</div>"


# ---------------------------------------------------------------- shared sections

def heat_map(items: Iterable[tuple[str | None, dict[str, str]]]) -> str:
    """Country x theme table: worst level per cell, and how many locations reach medium+."""
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    totals: Counter = Counter()
    themes: set[str] = set()
    for country, theme_levels in items:
        key = country or ""
        totals[key] += 1
        for theme, lvl in theme_levels.items():
            themes.add(theme)
            cells[(key, theme)].append(lvl)
    if not themes:
        return f"<p class=\"empty\">{_h('no_themes')}</p>"
    theme_list = sorted(themes)

    def row_key(c):
        return (-max(level_rank(worst(cells[(c, t)])) for t in theme_list), _country(c))

    head = "".join(f"<th scope=\"col\"><span>{esc(_theme_label(t))}</span></th>" for t in theme_list)
    rows = []
    for c in sorted(totals, key=row_key):
        tds = []
        for t in theme_list:
            levels = cells.get((c, t), [])
            lvl = worst(levels)
            flagged = sum(1 for v in levels if at_least(v, "medium"))
            title = _h("heat_cell", country=_country(c), theme=_theme_label(t), level=_lv(lvl),
                       flagged=flagged, total=totals[c])
            count = f"<small>{flagged}</small>" if flagged else ""
            tds.append(f"<td class=\"cell lv-{lvl}\" title=\"{esc(title)}\">{_short(lvl)}{count}</td>")
        rows.append(f"<tr><th scope=\"row\">{esc(_country(c))} <small>({totals[c]})</small></th>{''.join(tds)}</tr>")
    return (f"<div class=\"table-wrap\"><table class=\"heat\"><thead><tr><th scope=\"col\">{_h('country')} "
            f"<small>({_h('locations')})</small></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f"<p class=\"note\">{_h('heat_note')}</p>")


def issues_section(issues: list) -> str:
    if not issues:
        return _section("issues", _h("issues_title"), f"<p class=\"empty\">{_h('no_issues')}</p>")
    ordered = sorted(issues, key=lambda i: (i.severity != "error", i.sort_key()))
    rows = []
    for i in ordered[:ISSUES_SHOWN]:
        said = issue_hint(i, _LANG[0])
        hint = f"<br><span class=\"hint\">{esc(said)}</span>" if said else ""
        rows.append(f"<tr><td><span class=\"sev sev-{esc(i.severity)}\">{esc(_label('severity', i.severity, _LANG[0]))}</span></td>"
                    f"<td>{esc(i.code)}</td><td>{esc(i.sheet or '')}</td><td data-sort=\"{i.row or 0}\">{esc(i.row or '')}</td>"
                    f"<td>{esc(i.column or '')}</td><td>{esc(issue_message(i, _LANG[0]))}{hint}</td></tr>")
    counts = Counter(i.severity for i in issues)
    more = (f"<p class=\"note\">{_h('more_issues', n=len(issues) - ISSUES_SHOWN)}</p>"
            if len(issues) > ISSUES_SHOWN else "")
    intro = _h("issues_intro", errors=_tn("error", counts.get("error", 0)),
               warnings=_tn("warning", counts.get("warning", 0)))
    table = _table([(_h("severity"), "text"), (_h("code"), "text"), (_h("sheet"), "text"),
                    (_h("row"), "num"), (_h("column"), "text"), (_h("problem"), "text")], rows,
                   tid="issues-table")
    return _section("issues", _h("issues_title"), table + more, intro)


def sources_section() -> str:
    items = sorted(risk.sources(), key=lambda s: (str(s.get("name", "")), str(s.get("edition", ""))))
    if not items:
        return _section("sources", _h("sources_title"), f"<p class=\"empty\">{_h('no_sources')}</p>")
    rows = []
    for s in items:
        url = str(s.get("url") or "")
        rows.append(f"<tr><td>{esc(s.get('name'))}</td><td>{esc(s.get('edition'))}</td>"
                    f"<td>{esc(s.get('licence') or s.get('license'))}</td><td class=\"url\">{esc(url)}</td></tr>")
    return _section("sources", _h("sources_title"),
                    _table([(_h("source"), "text"), (_h("edition"), "text"), (_h("licence"), "text"),
                            (_h("address"), "text")], rows, sortable=False))


def policy_section(policy: Any) -> str:
    if policy is None:
        policy = Policy()
    described = policy.describe()
    rows = "".join(f"<tr><th scope=\"row\">{esc(_policy_item(k))}</th><td>{esc(_plain(v))}</td></tr>"
                   for k, v in described.items())
    where = esc(described.get("file") or _h("defaults"))
    return _section("policy", _h("policy_title"), f"<table class=\"kv\"><tbody>{rows}</tbody></table>",
                    _h("policy_intro", where=where))


def _toc(entries: list[tuple[str, str]]) -> str:
    links = "".join(f"<a href=\"#{sid}\">{label}</a>" for sid, label in entries)
    return f"<nav class=\"toc\" aria-label=\"{_h('sections')}\">{links}</nav>"


# ---------------------------------------------------------------- the chain map

def render_map_html(chain_map, lang: str = "en") -> str:
    """The whole report for one company's chain map, as a string, labels in `lang`."""
    with _rendering(lang, chain_map.sector):
        return _render_map_html(chain_map, lang)


def _render_map_html(chain_map, lang: str) -> str:
    view = _MapView(chain_map, lang)
    company = chain_map.company.name
    meta = [_h("meta_source", file=f"<b>{esc(chain_map.source.file)}</b>")]
    if chain_map.source.sheet:
        meta.append(_h("meta_sheet", sheet=f"<b>{esc(chain_map.source.sheet)}</b>"))
    meta.append(_h("meta_sector", sector=esc(_label("sector", chain_map.sector, lang))))
    if chain_map.as_of:
        meta.append(_h("meta_as_of", date=esc(chain_map.as_of.isoformat())))
    meta.append(f"imvo {esc(__version__)}")
    header = (f"<header class=\"top\"><p class=\"kicker\">{_h('kicker')}</p><h1>{esc(company)}</h1>"
              f"<p class=\"meta\">{' · '.join(meta)}</p></header>")
    toc = _toc([("act-first", _h("act_first")), ("summary", _h("summary")), ("chain", _h("chains")),
                ("flagged", _h("flagged")),
                ("heatmap", _h("toc_heatmap")), ("issues", _h("toc_issues")), ("sources", _h("toc_sources")),
                ("policy", _h("toc_policy"))])
    body = "".join([
        header, toc, "<main>", view.act_first(), view.summary(), view.chain(), view.flagged(),
        _section("heatmap", _h("heatmap"),
                 heat_map((s.country, view.theme_levels(sid)) for sid, s in view.suppliers)),
        issues_section(chain_map.issues), sources_section(), policy_section(chain_map.policy),
        "</main>", _footer()])
    # A slightly too wide picture shrinks to fit the screen, but never below legible size.
    fit = (f"@media screen{{svg.chain{{max-width:100%;height:auto;"
           f"min-width:{view.layout.width * MIN_SCALE:.0f}px}}}}\n")
    return _page(_h("page_title", company=company), body,
                 {"cards": view.cards, "kind": "map", "lang": lang}, fit, lang=lang)


def write_map_html(chain_map, out_path, lang: str = "en") -> None:
    """Render the chain map report (labels in `lang`) and write it atomically to `out_path`."""
    write_text_atomic(out_path, render_map_html(chain_map, lang))


def _edge_path(a, b) -> str:
    """A curve from the right side of the supplier to the left side of its customer.

    Links inside one column (two suppliers at the same distance from the company) bulge out
    to the right; links pointing back to a deeper column enter the customer from the right.
    """
    mid = NODE_HEIGHT / 2
    if a.column == b.column:
        x, y1, y2 = a.x + NODE_WIDTH, a.y + mid, b.y + mid
        bulge = 28 + min(abs(y2 - y1) / 6, 30)
        return f"M{x:g} {y1:g} C{x + bulge:g} {y1:g} {x + bulge:g} {y2:g} {x + 2:g} {y2:g}"
    if a.column > b.column:
        x1, y1, x2, y2 = a.x, a.y + mid, b.x + NODE_WIDTH + 2, b.y + mid
        return f"M{x1:g} {y1:g} C{x1 - 50:g} {y1:g} {x2 + 50:g} {y2:g} {x2:g} {y2:g}"
    x1, y1, x2, y2 = a.x + NODE_WIDTH, a.y + mid, b.x - 2, b.y + mid
    bend = max((x2 - x1) / 2, 40)
    return f"M{x1:g} {y1:g} C{x1 + bend:g} {y1:g} {x2 - bend:g} {y2:g} {x2:g} {y2:g}"


def _footer() -> str:
    return "<footer><p>" + _h("footer", version=esc(__version__)) + "</p></footer>"


class _MapView:
    """What the map report shows, computed once from a ChainMap."""

    def __init__(self, cm, lang: str = "en") -> None:
        self.cm = cm
        self.company_id = cm.company.id
        self.suppliers = sorted(((sid, s) for sid, s in cm.suppliers.items() if sid != cm.company.id),
                                key=lambda kv: kv[0])
        self.tiers = {sid: cm.tiers.get(sid) for sid, _ in self.suppliers}
        self.layout: Layout = layered_layout(
            cm.graph.edges(), self.tiers, self.company_id,
            countries={sid: s.country for sid, s in self.suppliers}, lang=lang)
        self.cards: dict[str, Any] = {}

    # risk helpers
    def level(self, sid: str) -> str:
        r = self.cm.risk.get(sid)
        return r.level if r and r.level in ALL_LEVELS else UNKNOWN

    def upstream(self, sid: str) -> str | None:
        r = self.cm.risk.get(sid)
        return r.upstream_level if r and r.upstream_level in LEVELS else None

    def theme_levels(self, sid: str) -> dict[str, str]:
        r = self.cm.risk.get(sid)
        return r.theme_levels() if r else {}

    def flagged_themes(self, sid: str) -> list[str]:
        return [t for t, lvl in self.theme_levels(sid).items() if at_least(lvl, "medium")]

    def name(self, sid: str) -> str:
        s = self.cm.suppliers.get(sid)
        if s is not None:
            return s.name
        return self.cm.company.name if sid == self.company_id else sid

    # sections
    def summary(self) -> str:
        n = len(self.suppliers)
        levels = Counter(self.level(sid) for sid, _ in self.suppliers)
        countries = {s.country for _, s in self.suppliers if s.country}
        linked = sum(1 for sid, _ in self.suppliers if self.tiers.get(sid) is not None)
        deepest = max((t for t in self.tiers.values() if t is not None), default=0)
        summary = self.cm.summary
        visibility = summary.get("visibility")
        address = summary.get("address_completeness")
        upstream_hot = sum(1 for sid, _ in self.suppliers if at_least(self.upstream(sid), "high"))
        errors = sum(1 for i in self.cm.issues if i.severity == "error")
        warnings = len(self.cm.issues) - errors
        stats = "".join([
            _stat(_h("suppliers"), _num(n), _h("in_countries", n=len(countries))),
            _stat(_h("links"), _num(self.cm.graph.number_of_edges()), _h("links_note")),
            _stat(_h("deepest_tier"), str(deepest),
                  _h("n_not_linked", n=_num(n - linked)) if n - linked else _h("all_linked")),
            _stat(_h("visibility"), _pct(visibility), _h("visibility_note")),
            _stat(_h("address_completeness"), _pct(address), _h("address_note")),
            _stat(_h("high_upstream"), _num(upstream_hot), _h("high_upstream_note")),
            _stat(_h("toc_issues"), f"{_num(errors)} / {_num(warnings)}", _h("issues_note")),
        ])
        return _section("summary", _h("summary"),
                        f"<div class=\"stats\">{stats}</div><div class=\"chips\" aria-label=\"{_h('chips_label')}\">{_chips(levels)}</div>")

    def chain(self) -> str:
        lay = self.layout
        countries = sorted({s.country or "" for _, s in self.suppliers}, key=_country)
        tiers = sorted({t for t in self.tiers.values() if t is not None})
        themes = sorted({t for sid, _ in self.suppliers for t in self.theme_levels(sid)})
        level_boxes = "".join(
            f"<label class=\"check lv-{lvl}\"><input type=\"checkbox\" name=\"level\" value=\"{lvl}\" checked>"
            f"<span class=\"swatch\"></span>{_lv(lvl)}</label>" for lvl in ALL_LEVELS)
        country_opts = "".join(f"<option value=\"{esc(c or 'XX')}\">{esc(_country(c))}</option>" for c in countries)
        tier_opts = "".join(f"<option value=\"{t}\">{_h('tier_n', tier=t)}</option>" for t in tiers)
        if any(t is None for t in self.tiers.values()):
            tier_opts += f"<option value=\"x\">{_h('not_linked_title')}</option>"
        theme_opts = "".join(f"<option value=\"{esc(t)}\">{esc(_theme_label(t))}</option>" for t in themes)
        controls = (
            f"<form class=\"controls\" id=\"filters\" role=\"search\" aria-label=\"{_h('filter_chain')}\">"
            f"<label class=\"field\">{_h('search')}<input type=\"search\" id=\"f-search\" placeholder=\"{_h('search_placeholder')}\" autocomplete=\"off\"></label>"
            f"<label class=\"field\">{_h('country')}<select id=\"f-country\"><option value=\"\">{_h('all_countries')}</option>{country_opts}</select></label>"
            f"<label class=\"field\">{_h('tier')}<select id=\"f-tier\"><option value=\"\">{_h('all_tiers')}</option>{tier_opts}</select></label>"
            f"<label class=\"field\">{_h('theme_filter')}<select id=\"f-theme\"><option value=\"\">{_h('any_theme')}</option>{theme_opts}</select></label>"
            f"<fieldset class=\"levels\"><legend>{_h('risk_level')}</legend>{level_boxes}</fieldset>"
            f"<button type=\"reset\" id=\"f-reset\">{_h('reset')}</button>"
            "<p id=\"f-status\" class=\"status\" aria-live=\"polite\"></p></form>")
        legend = (
            "<div class=\"legend\" aria-hidden=\"true\">"
            + "".join(f"<span class=\"lv-{lvl}\"><svg width=\"14\" height=\"14\" viewBox=\"-7 -7 14 14\">"
                      f"<path class=\"glyph\" d=\"{LEVEL_GLYPH[lvl]}\"/></svg>{_lv(lvl)}</span>" for lvl in ALL_LEVELS)
            + "<span><svg width=\"26\" height=\"14\"><rect class=\"ring ring-critical\" x=\"2\" y=\"2\" width=\"22\" height=\"10\" rx=\"3\"/></svg>"
            + _h("legend_ring") + "</span>"
            + f"<span>{_h('legend_arrows')}</span></div>")
        grouped_note = ""
        if lay.grouped:
            grouped_note = f"<p class=\"note\">{_h('grouped_note', n=_num(len(self.suppliers)))}</p>"
        picture = (f"<div class=\"chain-wrap\"><div class=\"map-scroll\" tabindex=\"-1\">{self.svg()}</div>"
                   f"<aside id=\"card\" class=\"card\" aria-live=\"polite\"><p class=\"hint\">{_h('card_hint')}</p></aside></div>")
        groups = self.group_lists() if lay.grouped else ""
        return _section("chain", _h("chains"), controls + legend + grouped_note + picture + groups,
                        _h("chain_intro"))

    def svg(self) -> str:
        lay = self.layout
        parts = [f"<svg id=\"chain-svg\" class=\"chain\" xmlns=\"http://www.w3.org/2000/svg\" "
                 f"viewBox=\"0 0 {lay.width:g} {lay.height:g}\" width=\"{lay.width:g}\" height=\"{lay.height:g}\" "
                 f"role=\"group\" aria-label=\"{_h('chain_picture')}\">"
                 "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" "
                 "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0 L8 4 L0 8 Z\" class=\"arrowhead\"/></marker></defs>"]
        columns_x = sorted({n.column: n.x for n in lay.nodes}.items())
        for col, x in columns_x:
            parts.append(f"<text class=\"col-title\" x=\"{x + NODE_WIDTH / 2:g}\" y=\"32\">{esc(lay.columns[col])}</text>")
        parts.append("<g class=\"edges\">")
        for e in lay.edges:
            a, b = lay.by_id[e.source], lay.by_id[e.target]
            d = _edge_path(a, b)
            width = f" stroke-width=\"{min(1.2 + math.log2(e.weight), 7):.1f}\"" if e.weight > 1 else ""
            parts.append(f"<path class=\"edge\" data-s=\"{esc(e.source)}\" data-t=\"{esc(e.target)}\"{width} "
                         f"d=\"{d}\"/>")
        parts.append("</g><g class=\"nodes\">")
        for node in lay.nodes:
            if node.kind == "company":
                parts.append(self.company_node(node))
            elif node.kind == "group":
                parts.append(self.group_node(node))
            else:
                parts.append(self.supplier_node(node))
        parts.append("</g></svg>")
        return "".join(parts)

    def supplier_node(self, node) -> str:
        sid = node.id
        s = self.cm.suppliers[sid]
        lvl, up = self.level(sid), self.upstream(sid)
        tier = "x" if node.tier is None else str(node.tier)
        ring = ""
        if up and level_rank(up) > level_rank(lvl):
            ring = (f"<rect class=\"ring ring-{up}\" x=\"-4\" y=\"-4\" width=\"{NODE_WIDTH + 8}\" "
                    f"height=\"{NODE_HEIGHT + 8}\" rx=\"9\"/>")
        label = _h("node_label", name=s.name, country=_country(s.country), tier=_tier_text(node.tier),
                   level=_lv(lvl))
        if ring:
            label = _h("node_upstream", label=label, level=_lv(up))
        self.cards[sid] = self.card(sid)
        up_note = f" · {_h('up_short')} {_short(up)}" if ring else ""
        return (f"<g class=\"node lv-{lvl}\" data-id=\"{esc(sid)}\" data-level=\"{lvl}\" "
                f"data-country=\"{esc(s.country or 'XX')}\" data-tier=\"{tier}\" "
                f"data-themes=\"{esc(' '.join(self.flagged_themes(sid)))}\" tabindex=\"0\" role=\"button\" "
                f"aria-label=\"{esc(label)}\" transform=\"translate({node.x:g},{node.y:g})\">{ring}"
                f"<rect class=\"box\" width=\"{NODE_WIDTH}\" height=\"{NODE_HEIGHT}\" rx=\"6\"/>"
                f"<path class=\"glyph\" transform=\"translate(13,{NODE_HEIGHT / 2:g})\" d=\"{LEVEL_GLYPH[lvl]}\"/>"
                f"<text class=\"name\" x=\"26\" y=\"15\">{esc(_truncate(s.name))}</text>"
                f"<text class=\"sub\" x=\"26\" y=\"29\">{esc(s.country or '??')} · {_short(lvl)}"
                f"{up_note}</text></g>")

    def company_node(self, node) -> str:
        up = worst(worst([self.level(s), self.upstream(s) or UNKNOWN]) for s, t in self.tiers.items() if t == 1)
        ring = ""
        if up in LEVELS:
            ring = (f"<rect class=\"ring ring-{up}\" x=\"-4\" y=\"-4\" width=\"{NODE_WIDTH + 8}\" "
                    f"height=\"{NODE_HEIGHT + 8}\" rx=\"9\"/>")
        name = self.cm.company.name
        chain_note = f" · {_h('chain_short')} {_short(up)}" if ring else ""
        self.cards[node.id] = {"n": name, "k": "company", "u": up if up in LEVELS else None,
                               "s": len(self.suppliers)}
        return (f"<g class=\"node company\" data-id=\"{esc(node.id)}\" tabindex=\"0\" role=\"button\" "
                f"aria-label=\"{esc(_h('company_label', name=name))}\" transform=\"translate({node.x:g},{node.y:g})\">{ring}"
                f"<rect class=\"box\" width=\"{NODE_WIDTH}\" height=\"{NODE_HEIGHT}\" rx=\"6\"/>"
                f"<text class=\"name\" x=\"12\" y=\"15\">{esc(_truncate(name, NAME_CHARS + 2))}</text>"
                f"<text class=\"sub\" x=\"12\" y=\"29\">{_h('company_sub')}{chain_note}</text></g>")

    def group_node(self, node) -> str:
        levels = Counter(self.level(m) for m in node.members)
        lvl = worst(levels) if any(level in LEVELS for level in levels) else UNKNOWN
        themes = sorted({t for m in node.members for t in self.flagged_themes(m)})
        tier = "x" if node.tier is None else str(node.tier)
        place = _country(node.country)
        countries = sorted({self.cm.suppliers[m].country or "XX" for m in node.members})
        label = _h("group_label", place=place, tier=_tier_text(node.tier),
                   suppliers=_tn("supplier", len(node.members)), level=_lv(lvl))
        bar, x, total = [], 26.0, len(node.members)
        span = NODE_WIDTH - 34
        for level in ALL_LEVELS:
            if levels.get(level):
                w = span * levels[level] / total
                bar.append(f"<rect class=\"seg lv-{level}\" x=\"{x:.1f}\" y=\"{NODE_HEIGHT - 7}\" width=\"{w:.1f}\" height=\"4\"/>")
                x += w
        self.cards[node.id] = {"n": place, "k": "group", "t": node.tier, "c": len(node.members),
                               "lv": [[k, levels[k]] for k in ALL_LEVELS if levels.get(k)], "l": lvl}
        return (f"<g class=\"node group lv-{lvl}\" data-id=\"{esc(node.id)}\" data-level=\"{lvl}\" "
                f"data-levels=\"{' '.join(sorted(levels))}\" data-country=\"{esc(' '.join(countries))}\" "
                f"data-tier=\"{tier}\" data-themes=\"{esc(' '.join(themes))}\" tabindex=\"0\" role=\"button\" "
                f"aria-label=\"{esc(label)}\" transform=\"translate({node.x:g},{node.y:g})\">"
                f"<rect class=\"box\" width=\"{NODE_WIDTH}\" height=\"{NODE_HEIGHT}\" rx=\"6\"/>"
                f"<path class=\"glyph\" transform=\"translate(13,{NODE_HEIGHT / 2 - 2:g})\" d=\"{LEVEL_GLYPH[lvl]}\"/>"
                f"<text class=\"name\" x=\"26\" y=\"14\">{esc(_truncate(place))}</text>"
                f"<text class=\"sub\" x=\"26\" y=\"25\">{_num(total)} · {_h('worst_short')} {_short(lvl)}</text>"
                f"{''.join(bar)}</g>")

    def card(self, sid: str) -> dict[str, Any]:
        s = self.cm.suppliers[sid]
        r = self.cm.risk.get(sid)
        reasons = []
        if r:
            flags = list(r.flags) or [f for t in r.themes.values() for f in t.reasons]
            for f in sorted(flags, key=flag_sort_key):
                reasons.append([_theme_label(f.theme), f.level, rule_label(f.rule, f.evidence, _LANG[0]),
                                evidence_value(f.rule, f.evidence, _LANG[0]),
                                evidence_source(f.source, _LANG[0])])
        up = self.upstream(sid)
        card = {"n": s.name, "c": f"{_country(s.country)} ({s.country})" if s.country else _h("unknown_country"),
                "t": self.tiers.get(sid), "p": ", ".join(s.process), "l": self.level(sid),
                "r": reasons, "w": sorted(s.rows)}
        if s.product:
            card["pr"] = ", ".join(s.product)
        if up:
            card["u"] = up
            if r and r.upstream_path:
                card["up"] = [self.name(p) for p in r.upstream_path]
        return card

    def act_first(self) -> str:
        """The suppliers with the best priority: residual level (inherent where different) and
        the main evidence, each piece once."""
        risk = self.cm.risk
        ranked = [sid for sid in priority_order(risk, self.cm.tiers)
                  if risk[sid].level not in ("low", UNKNOWN)][:ACT_FIRST_SHOWN]
        if not ranked:
            return _section("act-first", _h("act_first"), f"<p class=\"empty\">{_h('no_act_first')}</p>")
        rows = []
        for sid in ranked:
            a, s = risk[sid], self.cm.suppliers[sid]
            inh = a.inherent_level if a.inherent_level and a.inherent_level != a.level else None
            reasons = "<br>".join(esc(r) for r in main_reasons(a, 2, _LABELS[0], _LANG[0])) or "–"
            tier = self.tiers.get(sid)
            rows.append(
                f"<tr data-id=\"{esc(sid)}\" data-level=\"{a.level}\"><td data-sort=\"{a.priority}\">{a.priority}</td>"
                f"<td class=\"nm\">{esc(s.name)}</td><td>{esc(_country(s.country))}</td>"
                f"<td data-sort=\"{99 if tier is None else tier}\">{'–' if tier is None else tier}</td>"
                f"<td data-sort=\"{level_rank(a.level)}\">{_badge(a.level)}</td>"
                f"<td data-sort=\"{level_rank(inh)}\">{_badge(inh) if inh else _h('same')}</td>"
                f"<td>{reasons}</td></tr>")
        table = _table([(_h("priority"), "num"), (_h("supplier"), "text"), (_h("country"), "text"),
                        (_h("tier"), "num"), (_h("residual"), "num"), (_h("inherent"), "num"),
                        (_h("main_evidence"), "text")], rows, tid="act-first-table")
        return _section("act-first", _h("act_first"), table, _h("act_first_intro"))

    def flagged(self) -> str:
        chosen = [(sid, s) for sid, s in self.suppliers if at_least(self.level(sid), "medium")]
        chosen.sort(key=lambda kv: (-level_rank(self.level(kv[0])), kv[1].name.casefold(), kv[0]))
        rows = []
        for sid, s in chosen[:FLAGGED_ROWS_SHOWN]:
            lvl, up = self.level(sid), self.upstream(sid)
            tier = self.tiers.get(sid)
            themes = self.flagged_themes(sid)
            theme_text = ", ".join(f"{_theme_label(t)} ({_lv(self.theme_levels(sid)[t])})" for t in themes)
            rows.append(
                f"<tr data-id=\"{esc(sid)}\" data-level=\"{lvl}\" data-country=\"{esc(s.country or 'XX')}\" "
                f"data-tier=\"{'x' if tier is None else tier}\" data-themes=\"{esc(' '.join(themes))}\">"
                f"<td class=\"nm\">{esc(s.name)}</td><td>{esc(_country(s.country))}</td>"
                f"<td data-sort=\"{99 if tier is None else tier}\">{'–' if tier is None else tier}</td>"
                f"<td data-sort=\"{level_rank(lvl)}\">{_badge(lvl)}</td>"
                f"<td data-sort=\"{level_rank(up)}\">{_badge(up) if up else '–'}</td>"
                f"<td>{esc(theme_text) or '–'}</td><td>{esc(', '.join(map(str, sorted(s.rows))))}</td></tr>")
        if not rows:
            return _section("flagged", _h("flagged"), f"<p class=\"empty\">{_h('no_flagged')}</p>")
        more = (f"<p class=\"note\">{_h('more_flagged', n=_num(len(chosen) - FLAGGED_ROWS_SHOWN))}</p>"
                if len(chosen) > FLAGGED_ROWS_SHOWN else "")
        table = _table([(_h("supplier"), "text"), (_h("country"), "text"), (_h("tier"), "num"),
                        (_h("level"), "num"), (_h("upstream"), "num"), (_h("theme_filter"), "text"),
                        (_h("rows"), "text")], rows, tid="flagged-table")
        return _section("flagged", _h("flagged"), table + more,
                        _h("flagged_intro", n=_num(len(chosen))))

    def group_lists(self) -> str:
        count = sum(1 for n in self.layout.nodes if n.kind == "group")
        note = _h("groups_note", groups=_tn("group", count), shown=GROUP_ROWS_SHOWN)
        out = [f"<details class=\"groups\" id=\"groups\"><summary>{_h('groups_title')} <small>{note}</small></summary>"]
        head = "".join(f"<th scope=\"col\">{_h(key)}</th>"
                       for key in ("supplier", "country", "level", "upstream", "process"))
        for node in self.layout.nodes:
            if node.kind != "group":
                continue
            members = sorted(node.members, key=lambda m: (-level_rank(self.level(m)),
                                                           self.cm.suppliers[m].name.casefold(), m))
            rows = []
            for m in members[:GROUP_ROWS_SHOWN]:
                s, up = self.cm.suppliers[m], self.upstream(m)
                rows.append(f"<tr><td class=\"nm\">{esc(s.name)}</td><td>{esc(s.country or '')}</td>"
                            f"<td>{_badge(self.level(m))}</td><td>{_badge(up) if up else '–'}</td>"
                            f"<td>{esc(', '.join(s.process))}</td></tr>")
            more = (f"<p class=\"note\">{_h('group_more', n=_num(len(members) - GROUP_ROWS_SHOWN))}</p>"
                    if len(members) > GROUP_ROWS_SHOWN else "")
            where = f"{_country(node.country)}, {_tier_text(node.tier)}"
            out.append(f"<details class=\"group-list\" id=\"list-{esc(node.id)}\" data-group=\"{esc(node.id)}\"><summary>{esc(where)} "
                       f"<small>{_tn('supplier', len(members))}</small></summary><table class=\"data\"><thead><tr>"
                       f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}</details>")
        out.append("</details>")
        return "".join(out)


# ---------------------------------------------------------------- the sector report

def _get(obj: Any, *names: str, default: Any = None) -> Any:
    """First present attribute (or mapping key) of `names`."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _facility_level(f: Any) -> str:
    lvl = _get(f, "level")
    if lvl is None:
        lvl = _get(_get(f, "risk"), "level")
    return lvl if lvl in ALL_LEVELS else UNKNOWN


def _facility_themes(f: Any) -> dict[str, str]:
    themes = _get(f, "themes")
    if themes is None:
        risk = _get(f, "risk")
        themes = _get(risk, "themes", default={}) if risk is not None else {}
    if isinstance(themes, Mapping):
        return {str(k): (v if isinstance(v, str) else _get(v, "level", default=UNKNOWN))
                for k, v in themes.items()}
    return {str(t): "medium" for t in themes or ()}  # a bare list names themes of concern


def _completeness(value: Any) -> float | None:
    if isinstance(value, dict):
        shares = [v for v in (_share(x) for x in value.values()) if v is not None]
        return sum(shares) / len(shares) if shares else None
    return _share(value)


def _s(key: str, **values: Any) -> str:
    """A label of the sector report in the language being rendered."""
    return _t(f"html.{key}", _LANG[0], **values)


def render_aggregate_html(result, lang: str = "en") -> str:
    """The sector report: shared production locations and member completeness, labels in `lang`.

    `result` is read through this duck-typed interface (attributes or mapping keys):

    - `facilities`: production locations, each with `id`, `name`, `country` (ISO-2),
      `members` (list of member names or ids supplying from it), `level` (or `risk.level`)
      and `themes` ({theme: level}, or `risk.themes` {theme: ThemeRisk}).
    - `members`: each with `name` (or `id`), `completeness` (a 0..1 share, or a dict of
      field -> share whose mean is shown) and optionally `suppliers` (a count).
    - `shared` (optional): the facilities used by two or more members; derived from
      `facilities` when absent.
    - `issues`: list of `Issue`; `public`: bool; optional `sector`, `title`, `policy`.

    With `public` true no member name appears anywhere in the page: members become
    "Member 1..n" ordered by completeness, and shared locations show member counts only.
    """
    with _rendering(lang, _get(result, "sector", default=None)):
        return _render_aggregate_html(result, lang)


def _render_aggregate_html(result, lang: str) -> str:
    facilities = sorted(_get(result, "facilities", default=[]) or [],
                        key=lambda f: (str(_get(f, "id", default="")), str(_get(f, "name", default=""))))
    members = list(_get(result, "members", default=[]) or [])
    public = bool(_get(result, "public", default=False))
    shared = _get(result, "shared")
    if shared is None:
        shared = [f for f in facilities if len(_get(f, "members", default=[]) or []) >= 2]
    shared = sorted(shared, key=lambda f: (-len(_get(f, "members", default=[]) or []),
                                           -level_rank(_facility_level(f)),
                                           str(_get(f, "name", default="")).casefold(), str(_get(f, "id", default=""))))
    sector = _get(result, "sector", default=None)
    title = _get(result, "title", default=None) or _s("sector_title")
    issues = list(_get(result, "issues", default=[]) or [])

    levels = Counter(_facility_level(f) for f in facilities)
    countries = {_get(f, "country") for f in facilities if _get(f, "country")}
    stats = "".join([
        _stat(_s("members"), _num(len(members))),
        _stat(_s("production_locations"), _num(len(facilities)), _h("in_countries", n=len(countries))),
        _stat(_s("shared_locations"), _num(len(shared)), _s("shared_note")),
        _stat(_h("toc_issues"), _num(len(issues))),
    ])
    summary = _section("summary", _s("summary"), f"<div class=\"stats\">{stats}</div>"
                       f"<div class=\"chips\" aria-label=\"{_s('chips_label')}\">{_chips(levels)}</div>")

    rows = []
    for f in shared:
        names = sorted(str(m) for m in (_get(f, "members", default=[]) or []))
        lvl = _facility_level(f)
        themes = ", ".join(_theme_label(t) for t, v in sorted(_facility_themes(f).items()) if at_least(v, "medium"))
        rows.append(f"<tr data-level=\"{lvl}\"><td class=\"nm\">{esc(_get(f, 'name'))}</td>"
                    f"<td>{esc(_country(_get(f, 'country')))}</td><td data-sort=\"{len(names)}\">{len(names)}</td>"
                    f"<td data-sort=\"{level_rank(lvl)}\">{_badge(lvl)}</td><td>{esc(themes) or '–'}</td>"
                    + ("" if public else f"<td>{esc(', '.join(names))}</td>") + "</tr>")
    head = [(_s("production_location"), "text"), (_h("country"), "text"), (_s("members"), "num"),
            (_s("level"), "num"), (_s("themes_medium"), "text")] + ([] if public else [(_s("used_by"), "text")])
    shared_html = (_table(head, rows, tid="shared-table") if rows
                   else f"<p class=\"empty\">{_s('no_shared')}</p>")
    shared_sec = _section("shared", _s("shared"), shared_html,
                          _s("shared_intro") + (" " + _s("public_note") if public else ""))

    def member_key(m):
        c = _completeness(_get(m, "completeness"))
        return (-(c if c is not None else -1), "" if public else str(_get(m, "name", "id", default="")).casefold())

    mrows = []
    for i, m in enumerate(sorted(members, key=member_key), start=1):
        c = _completeness(_get(m, "completeness"))
        label = _s("member_n", n=i) if public else esc(_get(m, "name", "id", default=_s("member_n", n=i)))
        count = _get(m, "suppliers", "facilities", default=None)
        if isinstance(count, (list, tuple, set, dict)):
            count = len(count)
        width = 0 if c is None else round(c * 100)
        mrows.append(f"<tr><td>{label}</td><td data-sort=\"{count or 0}\">{'–' if count is None else _num(count)}</td>"
                     f"<td data-sort=\"{width}\"><span class=\"bar\"><svg width=\"100\" height=\"8\" aria-hidden=\"true\">"
                     f"<rect class=\"bar-bg\" width=\"100\" height=\"8\"/><rect class=\"bar-fg\" width=\"{width}\" height=\"8\"/></svg>"
                     f"{_pct(c)}</span></td></tr>")
    member_table = (_table([(_s("member"), "text"), (_s("locations"), "num"), (_s("completeness"), "num")],
                           mrows, tid="members-table") if mrows else f"<p class=\"empty\">{_s('no_members')}</p>")
    member_sec = _section("members", _s("member_completeness"), member_table, _s("members_intro"))
    heat = _section("heatmap", _h("heatmap"),
                    heat_map((_get(f, "country"), _facility_themes(f)) for f in facilities))
    meta = [_tn("member", len(members))] \
        + ([_h("meta_sector", sector=esc(_label("sector", sector, lang)))] if sector else []) \
        + ([_s("public_version")] if public else []) + [f"imvo {esc(__version__)}"]
    header = (f"<header class=\"top\"><p class=\"kicker\">{_s('kicker')}</p><h1>{esc(title)}</h1>"
              f"<p class=\"meta\">{' · '.join(meta)}</p></header>")
    toc = _toc([("summary", _s("summary")), ("shared", _s("shared_locations")), ("members", _s("members")),
                ("heatmap", _h("toc_heatmap")), ("issues", _h("toc_issues")), ("sources", _h("toc_sources")),
                ("policy", _h("toc_policy"))])
    body = "".join([header, toc, "<main>", summary, shared_sec, member_sec, heat,
                    issues_section(issues), sources_section(),
                    policy_section(_get(result, "policy")), "</main>", _footer()])
    return _page(title, body, {"kind": "aggregate", "cards": {}}, lang=lang)


def write_aggregate_html(result, out_path, lang: str = "en") -> None:
    """Render the sector report (labels in `lang`) and write it atomically to `out_path`."""
    write_text_atomic(out_path, render_aggregate_html(result, lang))
