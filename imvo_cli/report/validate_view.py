"""Rich view of validation reports: issues per file, then counts."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from .console import console

MAX_ISSUES_SHOWN = 200


def render_validate(reports) -> None:
    out = console()
    for r in reports:
        title = f"{r.file}" + (f" [sheet {r.sheet}]" if r.sheet else "")
        if r.issues:
            table = Table(title=escape(title), title_justify="left", expand=False)
            table.add_column("Row", justify="right", no_wrap=True)
            table.add_column("Column", overflow="fold", max_width=18)
            table.add_column("Level", no_wrap=True)
            table.add_column("Problem", overflow="fold", ratio=1)
            for i in r.issues[:MAX_ISSUES_SHOWN]:
                style = "bold red" if i.severity == "error" else "yellow"
                table.add_row(str(i.row or ""), escape(i.column or ""),
                              f"[{style}]{i.severity}[/]",
                              escape(i.message + (f" - {i.hint}" if i.hint else "")))
            out.print(table)
            if len(r.issues) > MAX_ISSUES_SHOWN:
                out.print(f"... {len(r.issues) - MAX_ISSUES_SHOWN} more issues (use --format json)")
        else:
            out.print(escape(title))
        status = "unreadable" if not r.readable else ("ok" if not r.errors else "errors")
        out.print(f"  {status}: {r.rows} rows read, {r.suppliers} suppliers, {r.errors} errors, "
                  f"{r.warnings} warnings, {r.empty_rows} empty rows skipped\n")
