"""Renderers for `imvo diff`: rich table, JSON, markdown (escaped) and a standalone HTML page.

Each takes a diff.ListDiff (two supplier lists) or a diff.SectorDiff (two sector lists).
Supplier and member names are untrusted: the terminal gets rich markup escaped, markdown
every metacharacter backslash-escaped (so no raw HTML or link can form), HTML html.escape.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape as _html_escape
from importlib import resources
from typing import Any

from .. import __version__
from ..model import ALL_LEVELS
from .jsonout import dumps

SHOWN = 200  # rows in the terminal and markdown views; the JSON and workbook hold all
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~&=:\"'$^")


def to_json(result) -> str:
    return dumps(result.to_dict())


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:.0%}" if 0 <= value <= 1 else f"{value:g}"
    return str(value)


def _theme(t: str) -> str:
    return t.replace("_", " ")


def change_text(entry) -> str:
    """What changed for one supplier or facility, in one line of plain text."""
    if hasattr(entry, "members_joined"):
        return _facility_text(entry)
    parts: list[str] = []
    if entry.status == "new":
        parts.append(f"new: tier {_fmt(entry.new.tier)}, {entry.new.level}")
    elif entry.status in ("gone", "merged"):
        was = f"tier {_fmt(entry.old.tier)}, {entry.old.level}"
        parts.append(f"gone (was {was})" if entry.status == "gone"
                     else f"listed together with another supplier now (was {was})")
        if entry.disengagement:
            parts.append(f"exit reason: {entry.exit_reason}" if entry.exit_reason
                         else "disengagement to explain: no exit reason given")
    elif entry.status == "split":
        parts.append(f"also listed as another supplier: tier {_fmt(entry.new.tier)}, {entry.new.level}")
    for c in entry.changes:
        parts.append(f"{c.field}: {_fmt(c.old)} → {_fmt(c.new)}")
    if entry.risk is not None:
        if entry.risk.direction != "same":
            parts.append(f"risk {entry.risk.old_level} → {entry.risk.new_level}")
        parts += theme_lines(entry.risk.themes)
    return "; ".join(parts)


def theme_lines(themes) -> list[str]:
    """Theme changes grouped: themes sharing one level change or one piece of evidence
    are named together, so a re-audit that touches six themes reads as one line each."""
    groups: dict[str, list[str]] = {}
    for t in themes:
        label = _theme(t.theme)
        if t.old_level != t.new_level:
            groups.setdefault(f"{t.old_level} → {t.new_level}", []).append(label)
        if t.old_inherent != t.new_inherent:
            groups.setdefault(f"inherent {_fmt(t.old_inherent)} → {_fmt(t.new_inherent)}", []).append(label)
        for e in t.evidence_added:
            groups.setdefault(f"+ {e}", []).append(label)
        for e in t.evidence_removed:
            groups.setdefault(f"− {e}", []).append(label)
    return [f"{', '.join(names)}: {what}" for what, names in groups.items()]


def _facility_text(f) -> str:
    parts = []
    if f.status == "new":
        parts.append(f"new: {f.new.member_count} member(s), {f.new.level}")
    elif f.status == "gone":
        parts.append(f"gone (was {f.old.member_count} member(s), {f.old.level})")
    else:
        if f.old.level != f.new.level:
            parts.append(f"risk {f.old.level} → {f.new.level}")
        if f.old.member_count != f.new.member_count:
            parts.append(f"members {f.old.member_count} → {f.new.member_count}")
        if f.members_joined:
            parts.append("joined: " + ", ".join(f.members_joined))
        if f.members_left:
            parts.append("left: " + ", ".join(f.members_left))
    if f.shared:
        parts.append(f"shared location {f.shared}")
    return "; ".join(parts)


def visible(result) -> list:
    """Entries that changed, worst first."""
    items = result.entries if result.kind == "suppliers" else result.facilities
    return [e for e in items if e.kind != "unchanged"]


def summary_lines(result) -> list[tuple[str, str, str]]:
    """(item, then, now) rows of the summary, shared by every view."""
    s = result.summary
    rows: list[tuple[str, str, str]] = []
    c = s["counts"]
    if result.kind == "suppliers":
        rows.append(("suppliers", _fmt(c["old_suppliers"]), _fmt(c["new_suppliers"])))
        for key in ("visibility", "address_completeness", "max_tier", "countries"):
            rows.append((key.replace("_", " "), _fmt(s[key]["old"]), _fmt(s[key]["new"])))
        for key, old in s["coverage"]["old"].items():
            rows.append((f"coverage: {key.replace('_', ' ')}", _fmt(old), _fmt(s["coverage"]["new"][key])))
    else:
        rows.append(("members", _fmt(s["members"]["old"]), _fmt(s["members"]["new"])))
        rows.append(("facilities", _fmt(c["old_facilities"]), _fmt(c["new_facilities"])))
        rows.append(("shared facilities", _fmt(s["shared_facilities"]["old"]),
                     _fmt(s["shared_facilities"]["new"])))
    for lvl in ALL_LEVELS:
        rows.append((f"risk {lvl}", _fmt(s["risk_levels"]["old"][lvl]), _fmt(s["risk_levels"]["new"][lvl])))
    return rows


def headline(result) -> str:
    c = result.summary["counts"]
    if result.kind == "suppliers":
        text = (f"{c['kept']} kept, {c['new']} new, {c['gone']} gone, {c['changed']} changed, "
                f"risk up {c['risk_up']}, risk down {c['risk_down']}; "
                f"{c['disengagements']} disengagement(s) to explain"
                + (f" ({c['exit_reasons_missing']} without an exit reason)" if c["exit_reasons_missing"] else ""))
        if c["merged"] or c["split"]:
            text += f"; {c['merged']} merged, {c['split']} split"
        if c["review_pairs"]:
            text += f"; {c['review_pairs']} pair(s) to review"
        return text
    return (f"{c['kept']} facilities kept, {c['new']} new, {c['gone']} gone; shared gained "
            f"{c['shared_gained']}, lost {c['shared_lost']}; {c['members_not_resubmitted']} "
            f"member(s) did not resubmit")


# ---------------------------------------------------------------- terminal


def render_table(result, con=None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .console import LEVEL_STYLE, console

    con = con or console()
    con.print(f"imvo diff: {escape(result.old_file)} → {escape(result.new_file)}")
    con.print(escape(headline(result)))
    rows = visible(result)
    table = Table(title="What changed, worst first", title_justify="left")
    for col, kw in (("Change", {"no_wrap": True}), ("Level", {"no_wrap": True}),
                    ("Name", {"ratio": 2}), ("Ctry", {"no_wrap": True}), ("Details", {"ratio": 3})):
        table.add_column(col, overflow="fold", **kw)
    for e in rows[:SHOWN]:
        table.add_row(e.kind, f"[{LEVEL_STYLE.get(e.level, '')}]{e.level}[/]", escape(e.name),
                      escape(e.country or "?"), escape(change_text(e)))
    if rows:
        con.print(table)
    else:
        con.print("No changes.")
    if len(rows) > SHOWN:
        con.print(f"{len(rows) - SHOWN} more changes: see --format json or --out")
    summary = Table(title="Then and now", title_justify="left")
    for col in ("Item", "Then", "Now"):
        summary.add_column(col)
    for item, then, now in summary_lines(result):
        summary.add_row(item, then, now)
    con.print(summary)
    if result.kind == "sector":
        members = Table(title="Members", title_justify="left")
        for col in ("Member", "Status", "Score then", "Score now", "Facilities then", "Facilities now"):
            members.add_column(col)
        for m in result.members:
            members.add_row(escape(m.member), m.status, _fmt(m.old_score), _fmt(m.new_score),
                            _fmt(m.old_facilities), _fmt(m.new_facilities))
        con.print(members)
    for reason in result.policy_reasons:
        con.print(f"[bold red]policy:[/] {escape(reason)}")


# ---------------------------------------------------------------- markdown


def md(text: Any) -> str:
    """Untrusted text for markdown: every metacharacter backslash-escaped, one line."""
    s = " ".join(str("" if text is None else text).split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)


def to_markdown(result) -> str:
    """A pull-request comment: the headline, the changes worst first, then and now."""
    out = [f"### imvo diff: {md(result.old_file)} → {md(result.new_file)}", "",
           headline(result).replace("|", "\\|"), ""]
    for reason in result.policy_reasons:
        out += [f"**policy:** {md(reason)}", ""]
    rows = visible(result)
    if rows:
        out += ["| change | level | name | country | details |", "|---|---|---|---|---|"]
        for e in rows[:SHOWN]:
            out.append(f"| {md(e.kind)} | {md(e.level)} | {md(e.name)} | {md(e.country or '')} | "
                       f"{md(change_text(e))} |")
        if len(rows) > SHOWN:
            out.append(f"\n{len(rows) - SHOWN} more changes (see the JSON report).")
    else:
        out.append("No changes.")
    out += ["", "| item | then | now |", "|---|---:|---:|"]
    out += [f"| {md(i)} | {md(a)} | {md(b)} |" for i, a, b in summary_lines(result)]
    if result.kind == "sector":
        out += ["", "| member | status | score then | score now |", "|---|---|---:|---:|"]
        out += [f"| {md(m.member)} | {md(m.status)} | {md(_fmt(m.old_score))} | {md(_fmt(m.new_score))} |"
                for m in result.members]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML


def esc(value: Any) -> str:
    return _html_escape("" if value is None else str(value), quote=True)


def _css() -> str:
    from ..export.xlsx import LEVEL_COLOURS, LEVEL_FONT_COLOURS  # the one palette

    levels = "".join(f".lv-{lvl}{{--lv:#{LEVEL_COLOURS[lvl]};--ink:#{LEVEL_FONT_COLOURS[lvl]}}}"
                     for lvl in ALL_LEVELS)
    asset = resources.files("imvo_cli.report").joinpath("assets", "report.css").read_text(encoding="utf-8")
    return levels + "\n" + asset


def _badge(level: str) -> str:
    lvl = level if level in ALL_LEVELS else "unknown"
    return f"<span class=\"badge lv-{lvl}\">{esc(lvl)}</span>"


def _table(head: list[str], rows: list[list[str]]) -> str:
    ths = "".join(f"<th scope=\"col\">{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<div class=\"table-wrap\"><table class=\"data\"><thead><tr>{ths}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def diff_section(result) -> str:
    """The diff as one report section (<section id="diff">), every value escaped."""
    rows = [[esc(e.kind), _badge(e.level), esc(e.name), esc(e.country or ""), esc(change_text(e))]
            for e in visible(result)]
    changes = (_table(["Change", "Level", "Name", "Country", "Details"], rows) if rows
               else "<p class=\"empty\">No changes.</p>")
    then_now = _table(["Item", "Then", "Now"], [[esc(i), esc(a), esc(b)] for i, a, b in summary_lines(result)])
    members = ""
    if result.kind == "sector":
        members = "<h3>Members</h3>" + _table(
            ["Member", "Status", "Score then", "Score now", "Facilities then", "Facilities now"],
            [[esc(m.member), esc(m.status), esc(_fmt(m.old_score)), esc(_fmt(m.new_score)),
              esc(_fmt(m.old_facilities)), esc(_fmt(m.new_facilities))] for m in result.members])
    policy = "".join(f"<p class=\"sev sev-error\">policy: {esc(r)}</p>" for r in result.policy_reasons)
    return (f"<section id=\"diff\" aria-labelledby=\"h-diff\"><h2 id=\"h-diff\">Year over year</h2>"
            f"<p class=\"intro\">{esc(headline(result))}</p>{policy}<h3>What changed, worst first</h3>"
            f"{changes}<h3>Then and now</h3>{then_now}{members}</section>\n")


def render_html(result) -> str:
    """A standalone page in the report style: CSS only, no script, no outside request."""
    css = _css()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    title = "Year over year" if result.kind == "suppliers" else "Sector list, year over year"
    header = (f"<header class=\"top\"><p class=\"kicker\">imvo diff</p><h1>{esc(title)}</h1>"
              f"<p class=\"meta\">{esc(result.old_file)} → {esc(result.new_file)} · imvo "
              f"{esc(__version__)}</p></header>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{header}"
            f"<main>{diff_section(result)}</main>\n</body>\n</html>\n")


def write_html(result, out_path) -> None:
    from ..export.atomic import write_text_atomic

    write_text_atomic(out_path, render_html(result))


RENDERERS = {"json": to_json, "markdown": to_markdown}
