"""`imvo template`: write an input workbook with the canonical columns and dropdowns."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common
from .options import Lang, LangOpt, TemplateSector, plain


def register(app: typer.Typer) -> None:
    # The old positional OUT arrives as an extra argument: accepted for one release, not shown.
    @app.command("template", context_settings={"allow_extra_args": True})
    @common.handle_errors
    def template(
        ctx: typer.Context,
        output: Path | None = typer.Option(None, "--output", "-o", help="Workbook to write (.xlsx)."),
        lang: Lang | None = LangOpt,
        sector: TemplateSector = typer.Option(TemplateSector.textile, "--sector", case_sensitive=False,
                                      help="Process and product lists of this sector."),
        policy: Path | None = common.PolicyOpt,
        force: bool = typer.Option(False, "--force", help="Replace the output if it exists (it may be a filled-in list)."),
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Write an input template: company cell, canonical headers, Instructions sheet, dropdowns, one example row.

        Example: imvo template --output leveranciers.xlsx --lang nl --sector textile
        """
        from ..export.template import write_template  # deferred: start-up
        from ..i18n import t  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up
        from ..policy import load_policy  # deferred: start-up

        if len(ctx.args) > 1:
            raise ImvoError(f"unexpected arguments: {' '.join(ctx.args[1:])}", code="usage",
                            hint="for example imvo template --output leveranciers.xlsx")
        out = Path(ctx.args[0]) if ctx.args else None
        if out is not None and output is not None:
            raise ImvoError("the workbook is named twice (OUT and --output); give only --output",
                            code="usage", hint="for example imvo template --output leveranciers.xlsx")
        if out is not None:
            common.deprecated("imvo template OUT", "imvo template --output OUT")
        out = output or out
        if out is None:
            raise ImvoError("--output is required (the template workbook to write)", code="usage",
                            hint="for example imvo template --output leveranciers.xlsx")
        if out.exists() and not force:
            # A template over a filled-in list would lose every row of it.
            raise ImvoError("the file exists; imvo template does not replace it", file=out,
                            code="output-exists",
                            hint="choose a new file name, or add --force to replace it")
        language = common.resolve_language(plain(lang), load_policy(policy, near=out.parent)
                                if lang is None else None)
        sector_key = str(plain(sector))
        write_template(out, lang=language, sector=sector_key)
        if not quiet:
            label = t(f"sector.{sector_key}", language)
            common.stderr(t("template.wrote", language, path=out, language=language, sector=label))
            # the Sector cell (row 1) tells imvo map the profile; --sector still may
            common.stderr(t("template.wrote_map", language, path=out, sector=sector_key, label=label))
