"""`imvo template`: write an input workbook with the canonical columns and dropdowns."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common
from .options import LangOpt

SECTORS = ("textile", "metals", "natural_stone", "food")


def register(app: typer.Typer) -> None:
    @app.command("template")
    @common.handle_errors
    def template(
        out: Path = typer.Argument(..., help="Workbook to write (.xlsx)."),
        lang: str | None = LangOpt,
        sector: str = typer.Option("textile", "--sector",
                                   help="Process and product lists of: textile, metals, natural_stone, food."),
        policy: Path | None = common.PolicyOpt,
        force: bool = typer.Option(False, "--force", help="Replace OUT if it exists (it may be a filled-in list)."),
        quiet: bool = common.QuietOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Write an input template: company cell, canonical headers, Instructions sheet, dropdowns, one example row.

        Example: imvo template leveranciers.xlsx --lang nl --sector textile
        """
        from ..export.template import write_template
        from ..i18n import check_lang, resolve_lang, t
        from ..model import ImvoError
        from ..policy import load_policy

        if lang is not None:
            check_lang(lang)
        common.check_choice(sector, SECTORS, "--sector")
        if out.exists() and not force:
            # A template over a filled-in list would lose every row of it.
            raise ImvoError("the file exists; imvo template does not replace it", file=out,
                            code="output-exists",
                            hint="choose a new file name, or add --force to replace it")
        lang = resolve_lang(lang, load_policy(policy, near=out.parent) if lang is None else None)
        write_template(out, lang=lang, sector=sector)
        if not quiet:
            common.stderr(t("template.wrote", lang, path=out, language=lang,
                            sector=t(f"sector.{sector}", lang)))
