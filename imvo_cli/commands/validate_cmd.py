"""`imvo validate`: check supplier lists for problems, row by row."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from ..collector import keeping_until_exit
from . import common
from .options import Lang, LangOpt, TableOrJson, plain


def register(app: typer.Typer) -> None:
    @app.command("validate")
    @common.handle_errors
    def validate(
        files: list[Path] = typer.Argument(..., help="Supplier lists (.xlsx .xlsm .xls .ods .csv .tsv); - reads one from stdin."),
        format: TableOrJson = common.FormatOpt,
        output: Path | None = common.OutputOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        policy: Path | None = common.PolicyOpt,
        lang: Lang | None = LangOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Check supplier lists row by row: exit 0 all usable, 1 rows with errors, 2 unreadable.

        Example: imvo validate sample_data/leveranciers.xlsx --format json
        """
        from ..ingest.readers import start_reading  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up
        from ..policy import load_policy  # deferred: start-up

        if sum(str(f) == common.STDIN for f in files) > 1:
            raise ImvoError("stdin (-) can be read only once", code="usage",
                            hint="name the other lists as files")
        column_map = common.parse_column_map(map)
        common.guard_outputs([common.file_output(output)],
                             [f for f in files if str(f) != common.STDIN])
        first_policy = load_policy(policy, near=common.policy_folder(files[0]))
        if str(files[0]) != common.STDIN:  # the parse runs while the rest is imported
            start_reading(files[0], first_policy.limits)
        from ..i18n import t  # deferred: start-up
        from ..i18n.messages import issue_line  # deferred: start-up
        from ..report.jsonout import dumps_chunks  # deferred: start-up
        from ..report.validate_view import render_summaries, render_validate  # deferred: start-up
        from ..validate import exit_code, to_document, validate_file  # deferred: start-up

        language = common.resolve_language(plain(lang), first_policy if lang is None else None)
        reports = []
        for f in files:
            with contextlib.ExitStack() as stack:
                if len(files) == 1:  # one list: the process ends without freeing what it read
                    stack.enter_context(keeping_until_exit())
                source = stack.enter_context(common.stdin_file(f))
                report = validate_file(source, policy=load_policy(
                    policy, near=common.policy_folder(f)), sheet=sheet, column_map=column_map)
                report.file = common.label_of(source, f)
                report.issues = common.relabel(report.issues, source, f)
                reports.append(report)
        if format == TableOrJson.json:
            common.emit(output, lambda: _echo_chunks(dumps_chunks(to_document(reports, streamed=True))))
        elif quiet and common.is_stdout(output):
            render_summaries(reports, lang=language)
        else:
            common.emit(output, lambda: render_validate(reports, lang=language, verbose=verbose))
        for r in reports:
            if not r.readable:
                common.stderr(f"{common.error_prefix(language)} {issue_line(r.issues[0], language)}")
        if common.file_output(output) is not None and not quiet:
            common.stderr(t("check.wrote", language, what=t("check.report", language), path=output))
        raise typer.Exit(exit_code(reports))


def _echo_chunks(chunks) -> None:
    for chunk in chunks:
        typer.echo(chunk, nl=False)
