"""`imvo template`: write an input workbook with the canonical columns and dropdowns."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common

LANGS = ("en", "nl")
SECTORS = ("textile", "metals", "natural_stone", "food")


def register(app: typer.Typer) -> None:
    @app.command("template")
    @common.handle_errors
    def template(
        out: Path = typer.Argument(..., help="Workbook to write (.xlsx)."),
        lang: str = typer.Option("en", "--lang", help="Language of headers and instructions: en or nl."),
        sector: str = typer.Option("textile", "--sector",
                                   help="Process and product lists of: textile, metals, natural_stone, food."),
        quiet: bool = common.QuietOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Write an input template: canonical headers, Instructions sheet, dropdowns, one example row.

        Example: imvo template leveranciers.xlsx --lang nl --sector textile
        """
        from ..export.template import write_template

        common.check_choice(lang, LANGS, "--lang")
        common.check_choice(sector, SECTORS, "--sector")
        write_template(out, lang=lang, sector=sector)
        if not quiet:
            common.stderr(f"imvo: wrote {out} ({lang}, {sector}); fill in one row per "
                          "production location, then run: imvo validate " + str(out))
