"""Renderers for `imvo check`: rich table, JSON, JUnit XML, GitHub annotations, markdown.

Text from the input (file names, reasons naming suppliers, issue messages) goes through the
channel's policy in textsafe: XML 1.0 for JUnit, code spans for markdown, escaped workflow
commands for GitHub, one-line escapes for the terminal.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from rich.markup import escape
from rich.table import Table

from .. import textsafe
from ..export.safety import csv_safe
from ..i18n import DEFAULT_LANG, label, t, tn
from ..i18n.messages import say
from .console import LEVEL_STYLE, console
from .jsonout import dumps

MAX_ANNOTATIONS_PER_FILE = 50
STATUS_STYLE = {"pass": "green", "fail": "bold red", "error": "bold magenta"}


def to_json(result) -> str:
    return dumps(result.to_dict())


def _inert(text: str) -> str:
    """User text in reports that people paste into spreadsheets: never a formula."""
    return str(csv_safe(text))


def _xml(text: str) -> str:
    """User text for JUnit: never a formula, only characters XML 1.0 allows."""
    return textsafe.xml_text(_inert(text))


def _xml_shown(text: str) -> str:
    """User text a CI page shows (test names, messages): as `_xml`, and one line with
    control and bidi characters escaped, so a file name cannot reorder what is read."""
    return textsafe.plain_label(_inert(text))


def to_junit(result) -> str:
    """One testsuite, one testcase per file; <failure> for fail, <error> for error."""
    totals = result.totals
    suite = ET.Element("testsuite", {"name": "imvo check", "tests": str(totals["files"]),
                                     "failures": str(totals["fail"]),
                                     "errors": str(totals["error"]), "skipped": "0"})
    for f in result.files:
        case = ET.SubElement(suite, "testcase", {"classname": "imvo.check",
                                                 "name": _xml_shown(f.file),
                                                 "file": _xml(f.file)})
        if f.status in ("fail", "error"):
            tag = "failure" if f.status == "fail" else "error"
            el = ET.SubElement(case, tag, {"message": _xml_shown("; ".join(f.reasons)),
                                           "type": "policy" if tag == "failure" else "input"})
            lines = [_xml_shown(r) for r in f.reasons]
            lines += [_xml_shown(f"{x.level}: {x.supplier} ({x.country}, tier {x.tier}) - "
                                 f"{x.reason}") for x in f.findings[:20]]
            el.text = "\n".join(lines)
        s = f.summary
        if s:
            out = ET.SubElement(case, "system-out")
            out.text = textsafe.xml_text(
                f"suppliers={s.get('suppliers')} visibility={s.get('visibility')} "
                f"address_completeness={s.get('address_completeness')} risk={s.get('risk')}")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _gh_data(text: str) -> str:
    return textsafe.github_data(textsafe.plain_label(text))


def _gh_prop(text: str) -> str:
    return textsafe.github_property(textsafe.plain_label(text))


def to_github(result) -> str:
    """GitHub Actions workflow commands: ::error / ::warning with file and line."""
    lines = []
    for f in result.files:
        file = _gh_prop(f.file)
        for reason in f.reasons:
            lines.append(f"::error file={file},title={_gh_prop('imvo ' + f.status)}::{_gh_data(reason)}")
        for i in f.issues[:MAX_ANNOTATIONS_PER_FILE]:
            if f.status == "error":
                break  # the reason above already says why the file is unreadable
            props = f"file={file}" + (f",line={i.row}" if i.row else "") + \
                f",title={_gh_prop(i.code)}"
            lines.append(f"::{i.severity} {props}::{_gh_data(i.message)}")
        if len(f.issues) > MAX_ANNOTATIONS_PER_FILE and f.status != "error":
            lines.append(f"::notice file={file}::{len(f.issues) - MAX_ANNOTATIONS_PER_FILE} more "
                         "issues (see the JSON report)")
    return "\n".join(lines) + ("\n" if lines else "")


def _md(text: object) -> str:
    """User text in a markdown table cell: a code span, so nothing in it is live."""
    return textsafe.markdown_code(_inert(str(text)))


def to_markdown(result, lang: str = DEFAULT_LANG) -> str:
    """A table for a pull-request comment or a job summary."""
    totals = result.totals
    heading = t("check.heading", lang, passed=totals["pass"], failed=totals["fail"],
                errors=totals["error"], files=tn("file", totals["files"], lang))
    cols = [t(f"check.col_{c}", lang) for c in ("file", "status", "suppliers", "high_critical",
                                                "visibility", "address", "reasons")]
    out = [f"### {heading}", "", "| " + " | ".join(cols) + " |",
           "|---|---|---:|---:|---:|---:|---|"]
    icons = {"pass": "✅", "fail": "❌", "error": "⚠️"}
    for f in result.files:
        s = f.summary or {}
        risk = s.get("risk", {})
        hc = (risk.get("high", 0) + risk.get("critical", 0)) if risk else ""
        vis = f"{s['visibility']:.0%}" if s.get("visibility") is not None else ""
        addr = f"{s['address_completeness']:.0%}" if s.get("address_completeness") is not None else ""
        icon = f"{icons[f.status]} {t(f'check.{f.status}', lang)}"
        out.append(f"| {_md(f.file)} | {icon} | {s.get('suppliers', '')} | {hc} | {vis} | {addr} | "
                   f"{_md('; '.join(say(r, lang) for r in f.reasons))} |")
    return "\n".join(out) + "\n"


FINDINGS_SHOWN = 3  # per file in the table; every one with --verbose (and in the JSON report)


def render_table(result, lang: str = DEFAULT_LANG, verbose: bool = False) -> None:
    """The console table: one row per file with its status, reasons and top findings, then
    the counts (as one line, never wrapped)."""


    term = textsafe.terminal
    out = console()
    table = Table(title=t("check.title", lang), title_justify="left")
    table.add_column(t("check.table_file", lang), overflow="fold", ratio=2)
    table.add_column(t("check.table_status", lang), no_wrap=True)
    table.add_column(t("check.table_suppliers", lang), justify="right", no_wrap=True)
    table.add_column(t("check.table_reasons", lang), overflow="fold", ratio=3)
    for f in result.files:
        details = [escape(term(say(r, lang))) for r in f.reasons]
        for x in f.findings[:None if verbose else FINDINGS_SHOWN]:
            reason = say(x.reason, lang)
            details.append(f"[{LEVEL_STYLE.get(x.level, '')}]{escape(label('level', x.level, lang))}[/]"
                           f" {escape(term(x.supplier))} ({escape(term(x.country or '?'))})"
                           f" {escape(term(reason if verbose else reason[:120]))}")
        table.add_row(escape(term(f.file)),
                      f"[{STATUS_STYLE[f.status]}]{escape(t(f'check.{f.status}', lang))}[/]",
                      str(f.summary.get("suppliers", "")) if f.summary else "",
                      "\n".join(details) or "-")
    out.print(table)
    totals = result.totals
    out.print(escape(t("cli_check.counts", lang, files=tn("file", totals["files"], lang),
                       passed=totals["pass"], failed=totals["fail"], errors=totals["error"])),
              soft_wrap=True)


RENDERERS = {"json": to_json, "junit": to_junit, "github": to_github, "markdown": to_markdown}


def render(fmt: str, result, lang: str = DEFAULT_LANG) -> str:
    """A CI report as text; markdown speaks `lang`. JSON, JUnit and GitHub annotations stay
    English whatever `lang` says: CI tools, dashboards and scripts match their strings."""
    if fmt == "markdown":
        return to_markdown(result, lang)
    return RENDERERS[fmt](result)
