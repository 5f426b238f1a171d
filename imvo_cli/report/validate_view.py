"""Rich view of validation reports: which header became which field, issues per file, counts."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ..i18n import DEFAULT_LANG, label, t, tn
from ..i18n.messages import column_note, issue_hint, issue_message
from ..textsafe import terminal
from .console import console

MAX_ISSUES_SHOWN = 200
MAX_COLUMNS_SHOWN = 200


def column_text(c, lang: str = DEFAULT_LANG) -> str:
    """'name', or 'not used (closest: supplier name -> name)' for a header nothing reads."""
    if c.field:
        return c.field
    text = t("cli_validate.not_used", lang)
    if c.closest:
        closest = f"{c.closest_alias!r} -> {c.closest}" if c.closest_alias else c.closest
        text += " " + t("cli_validate.closest", lang, closest=closest)
    return text


def _columns_table(r, lang: str, limit: int | None) -> Table:
    where = t("cli_validate.header_row", lang, row=r.header_row) if r.header_row else ""
    table = Table(title=t("cli_validate.columns", lang) + where, title_justify="left",
                  expand=False)
    table.add_column(t("cli_validate.col_col", lang), no_wrap=True)
    table.add_column(t("cli_validate.col_header", lang), overflow="fold", max_width=30)
    table.add_column(t("cli_validate.col_field", lang), overflow="fold")
    table.add_column(t("cli_validate.col_note", lang), overflow="fold", ratio=1)
    for c in r.columns[:limit]:
        style = "green" if c.field else "yellow"
        table.add_row(c.column, escape(terminal(c.header)),
                      f"[{style}]{escape(column_text(c, lang))}[/]",
                      escape(terminal(column_note(c.note, lang) or "")))
    return table


def _issues_table(r, lang: str, limit: int | None) -> Table:
    table = Table(title=t("cli_validate.issues", lang), title_justify="left", expand=False)
    table.add_column(t("cli_validate.col_row", lang), justify="right", no_wrap=True)
    table.add_column(t("cli_validate.col_column", lang), overflow="fold", max_width=18)
    table.add_column(t("cli_validate.col_level", lang), no_wrap=True)
    table.add_column(t("cli_validate.col_problem", lang), overflow="fold", ratio=1)
    for i in r.issues[:limit]:
        style = "bold red" if i.severity == "error" else "yellow"
        table.add_row(str(i.row or ""), escape(terminal(i.column or "")),
                      f"[{style}]{escape(label('severity', i.severity, lang))}[/]",
                      escape(terminal(issue_text(i, lang))))
    return table


def issue_text(issue, lang: str = DEFAULT_LANG) -> str:
    """'message - hint' in `lang`."""
    hint = issue_hint(issue, lang)
    return issue_message(issue, lang) + (f" - {hint}" if hint else "")


def summary_text(r, lang: str = DEFAULT_LANG) -> str:
    """'ok: 3 rows read, 3 suppliers, 1 error, 0 warnings, 0 empty rows skipped'."""
    status = "unreadable" if not r.readable else ("ok" if not r.errors else "errors")
    empty = "one" if r.empty_rows == 1 else "other"
    return t("cli_validate.summary", lang, status=t(f"cli_validate.status_{status}", lang),
             rows=tn("row", r.rows, lang), suppliers=tn("supplier", r.suppliers, lang),
             errors=tn("error", r.errors, lang), warnings=tn("warning", r.warnings, lang),
             empty=t(f"cli_validate.empty_rows.{empty}", lang, n=r.empty_rows))


def _title(r, lang: str) -> str:
    sheet = t("cli_validate.sheet", lang, sheet=r.sheet) if r.sheet else ""
    return escape(terminal(f"{r.file}{sheet}"))


def render_validate(reports, lang: str = DEFAULT_LANG, verbose: bool = False) -> None:
    """Per file: its name, the columns table, the issues table (the first 200 of each, every
    one with `verbose`) and its counts. One-line texts are never wrapped: a line break inside
    a name could start a line with text from the input."""
    out = console()
    limit = None if verbose else MAX_COLUMNS_SHOWN
    issue_limit = None if verbose else MAX_ISSUES_SHOWN
    for r in reports:
        out.print(_title(r, lang), soft_wrap=True)
        if r.columns:
            out.print(_columns_table(r, lang, limit))
            if limit is not None and len(r.columns) > limit:
                out.print(t("cli_validate.more_columns", lang, n=len(r.columns) - limit),
                          soft_wrap=True)
        if r.issues:
            out.print(_issues_table(r, lang, issue_limit))
            if issue_limit is not None and len(r.issues) > issue_limit:
                out.print(t("cli_validate.more_issues", lang, n=len(r.issues) - issue_limit),
                          soft_wrap=True)
        out.print("  " + escape(summary_text(r, lang)) + "\n", soft_wrap=True)


def render_summaries(reports, lang: str = DEFAULT_LANG) -> None:
    """--quiet: one line per file, its name and counts."""
    out = console()
    for r in reports:
        out.print(f"{_title(r, lang)}: {escape(summary_text(r, lang))}", soft_wrap=True)
