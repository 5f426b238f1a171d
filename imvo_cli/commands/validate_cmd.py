"""`imvo validate`: check supplier lists for problems, row by row."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common


def register(app: typer.Typer) -> None:
    @app.command("validate")
    @common.handle_errors
    def validate(
        files: list[Path] = typer.Argument(..., help="Supplier lists (.xlsx .xlsm .xls .ods .csv .tsv)."),
        format: str = common.FormatOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        policy: Path | None = common.PolicyOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Check supplier lists row by row: exit 0 all usable, 1 rows with errors, 2 unreadable.

        Example: imvo validate sample_data/leveranciers.xlsx --format json
        """
        from ..policy import load_policy
        from ..report.jsonout import dumps
        from ..validate import exit_code, to_document, validate_file

        common.check_choice(format, ("table", "json"), "--format")
        column_map = common.parse_column_map(map)
        reports = [validate_file(f, policy=load_policy(policy, near=f), sheet=sheet,
                                 column_map=column_map) for f in files]
        if format == "json":
            typer.echo(dumps(to_document(reports)), nl=False)
        else:
            from ..report.validate_view import render_validate
            render_validate(reports)
        for r in reports:
            if not r.readable:
                common.stderr(f"imvo: error: {r.issues[0].location()}: {r.issues[0].message}"
                              + (f" ({r.issues[0].hint})" if r.issues[0].hint else ""))
        raise typer.Exit(exit_code(reports))
