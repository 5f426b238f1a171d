"""Renderers for `imvo diff`: rich table, JSON, markdown (escaped) and a standalone HTML page.

Each takes a diff.ListDiff (two supplier lists) or a diff.SectorDiff (two sector lists).
Supplier and member names are untrusted: the terminal gets rich markup escaped, markdown
every metacharacter backslash-escaped (so no raw HTML or link can form), HTML html.escape.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from html import escape as _html_escape
from importlib import resources
from typing import Any

from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import __version__, textsafe
from ..diff import ListDiff, change_text, headline, summary_lines, visible
from ..diff import display as _fmt
from ..export.atomic import write_text_atomic
from ..i18n import DEFAULT_LANG, label, say, t
from ..i18n.messages import issue_location, issue_message
from ..model import ALL_LEVELS, LEVEL_COLOURS, LEVEL_FONT_COLOURS  # the one palette
from .console import LEVEL_STYLE, console
from .jsonout import dumps, dumps_chunks

NARROW = 72  # below this terminal width the changes are a list, not a five-column table
SHOWN = 200  # rows in the terminal and markdown views; the JSON and workbook hold all


def to_json(result) -> str:
    return dumps(result.to_dict())


def json_chunks(result) -> Iterator[str]:
    """to_json's text in parts: a list comparison's entries are written one by one."""
    if isinstance(result, ListDiff):
        return dumps_chunks(result.to_dict(streamed=True))
    return iter([to_json(result)])


# ---------------------------------------------------------------- terminal


def _kind(kind: str, lang: str) -> str:
    return label("cli_diff_kind", kind, lang)


def _level(level: str, lang: str) -> str:
    return label("level", level, lang)


def rows_not_read(result, lang: str = DEFAULT_LANG, verbose: bool = False) -> list[str]:
    """One line per list with rows that became no supplier (errors), naming the first rows
    and why (every row with `verbose`): the diff counts only the suppliers read."""
    out = []
    for side in ("old", "new"):
        errors = [i for i in getattr(result, "issues", {}).get(side, []) if i.severity == "error"]
        if not errors:
            continue
        shown = errors if verbose else errors[:SHOWN_ERRORS]
        more = len(errors) - len(shown)
        listed = "; ".join(f"{_within_file(i, lang)}: {issue_message(i, lang)}" for i in shown)
        file = result.old_file if side == "old" else result.new_file
        out.append(t("cli_diff.rows_not_read", lang, file=file, n=len(errors), rows=listed)
                   + (t("cli_diff.rows_not_read_more", lang, n=more) if more else ""))
    return out


SHOWN_ERRORS = 5


def _within_file(issue, lang: str = DEFAULT_LANG) -> str:
    """Where an issue is, without its file (the line names the file once)."""
    if lang != DEFAULT_LANG:
        return issue_location(issue, lang, file=False)
    where = issue.location()
    return where[len(issue.file) + 2:] if issue.file and where.startswith(f"{issue.file}, ") else where


def render_table(result, con=None, lang: str = DEFAULT_LANG, verbose: bool = False) -> None:
    """The terminal view: headline, the changes worst first (the first 200, every one with
    `verbose`), then and now, pairs to review and, for sector lists, the members."""


    con = con or console()
    shown = None if verbose else SHOWN
    con.print(f"imvo diff: {escape(result.old_file)} → {escape(result.new_file)}")
    con.print(escape(headline(result, lang)))
    for line in rows_not_read(result, lang, verbose):
        con.print(f"[bold red]{escape(line)}[/]")
    rows = visible(result)
    title = t("cli_diff.changes_title", lang)
    table = Table(title=title, title_justify="left")
    for col, kw in (("change", {"no_wrap": True}), ("level", {"no_wrap": True}),
                    ("name", {"ratio": 2}), ("country_short", {"no_wrap": True}),
                    ("details", {"ratio": 3})):
        table.add_column(t(f"cli_diff.col_{col}", lang), overflow="fold", **kw)
    for e in rows[:shown]:
        table.add_row(escape(_kind(e.kind, lang)),
                      f"[{LEVEL_STYLE.get(e.level, '')}]{escape(_level(e.level, lang))}[/]",
                      escape(e.name), escape(e.country or "?"), escape(change_text(e, lang)))
    if rows and con.width < NARROW:
        # Five columns do not fit: the names and details would be squeezed to nothing.
        con.print(title)
        for e in rows[:shown]:
            con.print(f"[bold]{escape(_kind(e.kind, lang))}[/] "
                      f"[{LEVEL_STYLE.get(e.level, '')}]{escape(_level(e.level, lang))}[/] "
                      f"{escape(e.country or '?')}: {escape(e.name)}")
            con.print(Padding(Text(change_text(e, lang), overflow="fold"), (0, 0, 0, 2)))
    elif rows:
        con.print(table)
    else:
        con.print(t("cli_diff.no_changes", lang))
    if shown is not None and len(rows) > shown:
        con.print(t("cli_diff.more_changes", lang, n=len(rows) - shown), soft_wrap=True)
    summary = Table(title=t("cli_diff.then_now_title", lang), title_justify="left")
    for col in ("item", "then", "now"):
        summary.add_column(t(f"cli_diff.col_{col}", lang))
    for item, then, now in summary_lines(result, lang):
        summary.add_row(item, then, now)
    con.print(summary)
    review = getattr(result, "review", [])
    if review:
        pairs = Table(title=t("cli_diff.review_title", lang), title_justify="left")
        for col in ("score", "old_id", "new_id"):
            pairs.add_column(t(f"cli_diff.col_{col}", lang), overflow="fold")
        for r in review[:shown]:
            pairs.add_row(f"{r.score:.2f}", escape(f"{r.old.name} ({r.old.record_id})"),
                          escape(f"{r.new.name} ({r.new.record_id})"))
        con.print(pairs)
    if result.kind == "sector":
        members = Table(title=t("cli_diff.members_title", lang), title_justify="left")
        for col in ("member", "status", "score_then", "score_now", "facilities_then",
                    "facilities_now"):
            members.add_column(t(f"cli_diff.col_{col}", lang))
        for m in result.members:
            members.add_row(escape(m.member), escape(label("cli_diff_member", m.status, lang)),
                            _fmt(m.old_score), _fmt(m.new_score), _fmt(m.old_facilities),
                            _fmt(m.new_facilities))
        con.print(members)
    for reason in result.policy_reasons:
        con.print(f"[bold red]{escape(t('cli_diff.policy', lang))}[/] {escape(say(reason, lang))}")


# ---------------------------------------------------------------- markdown


md = textsafe.markdown_text  # untrusted text as markdown prose, one line, escaped


def _md_head(lang: str, *keys: str) -> str:
    return "| " + " | ".join(t(f"cli_diff.md_{k}", lang) for k in keys) + " |"


def to_markdown(result, lang: str = DEFAULT_LANG, verbose: bool = False) -> str:
    """A pull-request comment: the headline, the changes worst first, then and now."""
    shown = None if verbose else SHOWN
    out = [f"### imvo diff: {md(result.old_file)} → {md(result.new_file)}", "",
           headline(result, lang).replace("|", "\\|"), ""]
    for reason in result.policy_reasons:
        out += [f"**{md(t('cli_diff.policy', lang))}** {md(say(reason, lang))}", ""]
    for line in rows_not_read(result, lang, verbose):
        out += [md(line), ""]
    rows = visible(result)
    if rows:
        out += [_md_head(lang, "change", "level", "name", "country", "details"),
                "|---|---|---|---|---|"]
        for e in rows[:shown]:
            out.append(f"| {md(_kind(e.kind, lang))} | {md(_level(e.level, lang))} | {md(e.name)} "
                       f"| {md(e.country or '')} | {md(change_text(e, lang))} |")
        if shown is not None and len(rows) > shown:
            out.append("\n" + t("cli_diff.md_more_changes", lang, n=len(rows) - shown))
    else:
        out.append(t("cli_diff.no_changes", lang))
    out += ["", _md_head(lang, "item", "then", "now"), "|---|---:|---:|"]
    out += [f"| {md(i)} | {md(a)} | {md(b)} |" for i, a, b in summary_lines(result, lang)]
    review = getattr(result, "review", [])
    if review:
        out += ["", t("cli_diff.md_review", lang), "",
                _md_head(lang, "score", "old_id", "new_id"), "|---:|---|---|"]
        out += [f"| {r.score:.2f} | {md(r.old.name)} {md(r.old.record_id)} | {md(r.new.name)} "
                f"{md(r.new.record_id)} |" for r in review[:shown]]
    if result.kind == "sector":
        out += ["", _md_head(lang, "member", "status", "score_then", "score_now"),
                "|---|---|---:|---:|"]
        out += [f"| {md(m.member)} | {md(label('cli_diff_member', m.status, lang))} | "
                f"{md(_fmt(m.old_score))} | {md(_fmt(m.new_score))} |" for m in result.members]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML


def esc(value: Any) -> str:
    return _html_escape("" if value is None else str(value), quote=True)


def _css() -> str:

    levels = "".join(f".lv-{lvl}{{--lv:#{LEVEL_COLOURS[lvl]};--ink:#{LEVEL_FONT_COLOURS[lvl]}}}"
                     for lvl in ALL_LEVELS)
    asset = resources.files("imvo_cli.report").joinpath("assets", "report.css").read_text(encoding="utf-8")
    return levels + "\n" + asset


def _badge(level: str, lang: str = DEFAULT_LANG) -> str:
    lvl = level if level in ALL_LEVELS else "unknown"
    return f"<span class=\"badge lv-{lvl}\">{esc(_level(lvl, lang))}</span>"


def _table(head: list[str], rows: list[list[str]]) -> str:
    ths = "".join(f"<th scope=\"col\">{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<div class=\"table-wrap\"><table class=\"data\"><thead><tr>{ths}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def _heads(lang: str, *keys: str) -> list[str]:
    return [t(k if "." in k else f"cli_diff.col_{k}", lang) for k in keys]


def diff_section(result, lang: str = DEFAULT_LANG) -> str:
    """The diff as one report section (<section id="diff">), every value escaped."""
    rows = [[esc(_kind(e.kind, lang)), _badge(e.level, lang), esc(e.name), esc(e.country or ""),
             esc(change_text(e, lang))] for e in visible(result)]
    changes = (_table(_heads(lang, "change", "level", "name", "diff_html.country", "details"), rows)
               if rows else f"<p class=\"empty\">{esc(t('cli_diff.no_changes', lang))}</p>")
    then_now = _table(_heads(lang, "item", "then", "now"),
                      [[esc(i), esc(a), esc(b)] for i, a, b in summary_lines(result, lang)])
    members = ""
    if result.kind == "sector":
        members = f"<h3>{esc(t('cli_diff.members_title', lang))}</h3>" + _table(
            _heads(lang, "member", "status", "score_then", "score_now", "facilities_then",
                   "facilities_now"),
            [[esc(m.member), esc(label("cli_diff_member", m.status, lang)), esc(_fmt(m.old_score)),
              esc(_fmt(m.new_score)), esc(_fmt(m.old_facilities)), esc(_fmt(m.new_facilities))]
             for m in result.members])
    policy = "".join(f"<p class=\"sev sev-error\">"
                     f"{esc(t('diff_html.policy', lang, reason=say(r, lang)))}</p>"
                     for r in result.policy_reasons)
    policy += "".join(f"<p class=\"sev sev-error\">{esc(line)}</p>"
                      for line in rows_not_read(result, lang))
    return (f"<section id=\"diff\" aria-labelledby=\"h-diff\"><h2 id=\"h-diff\">"
            f"{esc(t('diff_html.title', lang))}</h2>"
            f"<p class=\"intro\">{esc(headline(result, lang))}</p>{policy}"
            f"<h3>{esc(t('cli_diff.changes_title', lang))}</h3>"
            f"{changes}<h3>{esc(t('cli_diff.then_now_title', lang))}</h3>{then_now}{members}"
            "</section>\n")


def render_html(result, lang: str = DEFAULT_LANG) -> str:
    """A standalone page in the report style, in `lang`: CSS only, no script, no outside
    request."""
    css = _css()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    title = t("diff_html.title" if result.kind == "suppliers" else "diff_html.title_sector", lang)
    header = (f"<header class=\"top\"><p class=\"kicker\">imvo diff</p><h1>{esc(title)}</h1>"
              f"<p class=\"meta\">{esc(result.old_file)} → {esc(result.new_file)} · imvo "
              f"{esc(__version__)}</p></header>")
    return (f"<!DOCTYPE html>\n<html lang=\"{esc(lang)}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{header}"
            f"<main>{diff_section(result, lang)}</main>\n</body>\n</html>\n")


def write_html(result, out_path, lang: str = DEFAULT_LANG) -> None:

    write_text_atomic(out_path, render_html(result, lang))


RENDERERS = {"json": to_json, "markdown": to_markdown}


def render(fmt: str, result, lang: str = DEFAULT_LANG, verbose: bool = False) -> str:
    """The --format output as text: markdown speaks `lang`, JSON stays as it is."""
    if fmt == "markdown":
        return to_markdown(result, lang, verbose)
    return RENDERERS[fmt](result)
