"""`imvo diff`: what changed between two years' supplier lists, or two sector lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from . import common
from .options import DiffFormat, Lang, LangOpt, Sector, plain


def register(app: typer.Typer) -> None:
    @app.command("diff")
    @common.handle_errors
    def diff(
        old: Path = typer.Argument(..., help="Last year's list (any readable format or an annotated export), or a sector output (.json/.xlsx) or folder of member lists."),
        new: Path = typer.Argument(..., help="This year's list, of the same kind."),
        format: DiffFormat = typer.Option(DiffFormat.table, "--format", "-f", case_sensitive=False, help="Report format."),
        output: Path | None = common.OutputOpt,
        export: Path | None = typer.Option(None, "--export", help="Also write a workbook (.xlsx): New, Gone, Changed, Risk changes, Summary."),
        out: Path | None = typer.Option(None, "--out", hidden=True, help="Old spelling of --export."),
        html: Path | None = typer.Option(None, "--html", help="Also write an HTML page in the report style."),
        decisions: Path | None = typer.Option(None, "--decisions", help="Reviewed pairs (a_id, b_id, decision = same|different), e.g. the Review sheet of an earlier --export."),
        threshold: float | None = typer.Option(None, "--threshold", help="Match score (0-1) at or above which two suppliers are one location (default 0.86 or match.threshold)."),
        review_threshold: float | None = typer.Option(None, "--review-threshold", help="Score (0-1) from which uncertain pairs are listed for review (default 0.70)."),
        as_of: str | None = common.AsOfOpt,
        old_as_of: str | None = typer.Option(None, "--old-as-of", help="Reference date for the old list's audit age (default: --as-of)."),
        policy: Path | None = common.PolicyOpt,
        sector: Sector | None = common.SectorOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        lang: Lang | None = LangOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Compare two years: new, gone (exits to explain), renamed, moved, re-audited, risk up or down.

        Exit 0 done, 1 the policy is broken ([diff] require_exit_reason and a high or critical
        supplier gone without one), 2 a usage or input error.

        With --quiet only the headline (on stderr), policy problems and errors are printed.

        Example: imvo diff sample_data/suppliers.xlsx sample_data/year2/suppliers.xlsx --as-of 2025-06-30
        """
        from ..diff import headline, is_sector_output  # deferred: start-up
        from ..i18n import say, t  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up
        from ..policy import find_policy, load_policy  # deferred: start-up
        from ..report import diff_view  # deferred: start-up
        from ..report.progress import progress  # deferred: start-up

        spelled = "--out" if out is not None else "--export"  # the message names what was typed
        out = common.pick_alias(export, out, "--out", "--export")
        if out is not None and out.suffix.lower() != ".xlsx":
            raise ImvoError(f"{spelled} must be an .xlsx file", file=out, code="usage",
                            hint="for example --export diff.xlsx")
        report_file = common.file_output(output)
        if report_file is not None and report_file.suffix.lower() == ".xlsx":
            raise ImvoError("--output is the --format report (text); the workbook is --export",
                            file=report_file, code="usage", hint="for example --export diff.xlsx")
        for name, value in (("--threshold", threshold), ("--review-threshold", review_threshold)):
            if value is not None and not 0 <= value <= 1:
                raise ImvoError(f"{name} must be between 0 and 1, got {value}", code="usage")
        for p in (old, new):
            if not p.exists():
                raise ImvoError("file not found", file=p, code="file-not-found",
                                hint="check the path")
        guarded = [old, new] + ([decisions] if decisions else [])
        common.guard_outputs([out, html, report_file], guarded)
        # this year's imvo.toml, else last year's (the folder of either list)
        pol = load_policy(policy, near=new if find_policy(new) is not None else old)
        language = common.resolve_language(plain(lang), pol)
        decided = None
        if decisions is not None:
            from ..match.decisions import read_decisions  # deferred: start-up

            decided = read_decisions(decisions)
        sector_old, sector_new = is_sector_output(old), is_sector_output(new)
        if sector_old != sector_new:
            raise ImvoError("compare two supplier lists or two sector lists, not one of each",
                            file=old if sector_old else new, code="usage",
                            hint="a sector list is an imvo aggregate output (.json/.xlsx) or a folder of member lists")
        with progress(t("cli_diff.progress_sector" if sector_old else "cli_diff.progress_lists",
                        language)):
            result = _compare(old, new, sector_old, pol, decided, as_of=as_of, old_as_of=old_as_of,
                              threshold=threshold, review_threshold=review_threshold,
                              sector=plain(sector), sheet=sheet, column_map=map)
        if out is not None:
            from ..export.diffbook import write_diff_workbook  # deferred: start-up

            write_diff_workbook(result, out, language)
        if html is not None:
            diff_view.write_html(result, html, language)
        if format == DiffFormat.table:
            if not (quiet and report_file is None):
                common.emit(output, lambda: diff_view.render_table(result, lang=language,
                                                                   verbose=verbose))
        elif format == DiffFormat.json:  # written in parts: the whole text never exists at once
            common.emit(output, lambda: _echo_chunks(diff_view.json_chunks(result)))
        else:
            common.emit(output, lambda: typer.echo(
                diff_view.render(str(format), result, language, verbose), nl=False))
        for reason in result.policy_reasons:
            common.stderr(f"imvo: {t('cli_diff.policy', language)} {say(reason, language)}")
        if quiet:
            common.stderr(f"imvo diff: {headline(result, language)}")
        else:
            for what, path in (("report", report_file), ("workbook", out), ("html", html)):
                if path is not None:
                    common.stderr(t("check.wrote", language,
                                    what=t(f"cli_diff.wrote_{what}", language), path=path))
        raise typer.Exit(result.exit_code)


def _compare(old: Path, new: Path, sector_level: bool, pol, decided, *, as_of, old_as_of,
             threshold, review_threshold, sector, sheet, column_map):
    """The library call for two sector lists or two supplier lists."""
    from ..diff import diff_lists, diff_sector  # deferred: start-up

    if sector_level:
        options: dict[str, Any] = {k: v for k, v in (
            ("threshold", threshold), ("review_threshold", review_threshold),
            ("decisions", decided), ("sector", sector), ("sheet", sheet)) if v is not None}
        if column_map:
            options["column_map"] = common.parse_column_map(column_map)
        return diff_sector(old, new, pol, **options)
    return diff_lists(old, new, policy=pol, sector=sector, as_of=common.parse_as_of(as_of),
                      old_as_of=common.parse_as_of(old_as_of), sheet=sheet,
                      column_map=common.parse_column_map(column_map), threshold=threshold,
                      review_threshold=review_threshold, decisions=decided)


def _echo_chunks(chunks) -> None:
    for chunk in chunks:
        typer.echo(chunk, nl=False)
