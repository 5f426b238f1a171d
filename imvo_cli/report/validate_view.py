"""Rich view of validation reports: which header became which field, issues per file, counts."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ..textsafe import terminal
from .console import console

MAX_ISSUES_SHOWN = 200
MAX_COLUMNS_SHOWN = 200


def column_text(c) -> str:
    """'name', or 'not used (closest: supplier name -> name)' for a header nothing reads."""
    if c.field:
        return c.field
    text = "not used"
    if c.closest:
        text += f" (closest: {c.closest_alias!r} -> {c.closest})" if c.closest_alias else \
            f" (closest: {c.closest})"
    return text


def _columns_table(r) -> Table:
    where = f" (header row {r.header_row})" if r.header_row else ""
    table = Table(title=f"Columns{where}", title_justify="left", expand=False)
    table.add_column("Col", no_wrap=True)
    table.add_column("Header", overflow="fold", max_width=30)
    table.add_column("Field", overflow="fold")
    table.add_column("Note", overflow="fold", ratio=1)
    for c in r.columns[:MAX_COLUMNS_SHOWN]:
        style = "green" if c.field else "yellow"
        table.add_row(c.column, escape(terminal(c.header)), f"[{style}]{escape(column_text(c))}[/]",
                      escape(terminal(c.note or "")))
    return table


def render_validate(reports) -> None:
    out = console()
    for r in reports:
        title = f"{r.file}" + (f" [sheet {r.sheet}]" if r.sheet else "")
        out.print(escape(terminal(title)))
        if r.columns:
            out.print(_columns_table(r))
            if len(r.columns) > MAX_COLUMNS_SHOWN:
                out.print(f"... {len(r.columns) - MAX_COLUMNS_SHOWN} more columns "
                          "(use --format json)")
        if r.issues:
            table = Table(title="Issues", title_justify="left", expand=False)
            table.add_column("Row", justify="right", no_wrap=True)
            table.add_column("Column", overflow="fold", max_width=18)
            table.add_column("Level", no_wrap=True)
            table.add_column("Problem", overflow="fold", ratio=1)
            for i in r.issues[:MAX_ISSUES_SHOWN]:
                style = "bold red" if i.severity == "error" else "yellow"
                table.add_row(str(i.row or ""), escape(terminal(i.column or "")),
                              f"[{style}]{i.severity}[/]",
                              escape(terminal(i.message + (f" - {i.hint}" if i.hint else ""))))
            out.print(table)
            if len(r.issues) > MAX_ISSUES_SHOWN:
                out.print(f"... {len(r.issues) - MAX_ISSUES_SHOWN} more issues (use --format json)")
        status = "unreadable" if not r.readable else ("ok" if not r.errors else "errors")
        out.print(f"  {status}: {r.rows} rows read, {r.suppliers} suppliers, {r.errors} errors, "
                  f"{r.warnings} warnings, {r.empty_rows} empty rows skipped\n")
