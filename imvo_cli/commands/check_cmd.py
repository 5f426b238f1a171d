"""`imvo check`: batch-check supplier lists in CI with exit codes and CI-native reports."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import typer

from . import common
from .options import CheckFormat, FailOn, Lang, LangOpt, RiskBasis, Sector, plain


def register(app: typer.Typer) -> None:
    @app.command("check")
    @common.handle_errors
    def check(
        paths: list[str] = typer.Argument(..., help="Files, folders (searched recursively) or globs; - reads one list from stdin."),
        fail_on: FailOn | None = typer.Option(None, "--fail-on", case_sensitive=False, help="Fail when a supplier is at or above this level (default: policy, else critical; residual risk unless --risk-basis inherent)."),
        max_errors: int | None = typer.Option(None, "--max-errors", min=0, help="Rows with errors allowed per file (default: policy, else 0)."),
        min_visibility: float | None = typer.Option(None, "--min-visibility", min=0, max=1, help="Minimum share of tier-1 suppliers with a disclosed upstream supplier."),
        min_address_completeness: float | None = typer.Option(None, "--min-address-completeness", min=0, max=1, help="Minimum share of suppliers with a full address."),
        policy: Path | None = common.PolicyOpt,
        format: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f", case_sensitive=False, help="Report format."),
        output: Path | None = common.OutputOpt,
        export: Path | None = typer.Option(None, "--export", help="Also write a workbook with every file's status, findings and issues."),
        jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Parallel processes (default: number of cores)."),
        sector: Sector | None = common.SectorOpt,
        as_of: str | None = common.AsOfOpt,
        risk_basis: RiskBasis = typer.Option(RiskBasis.residual, "--risk-basis", case_sensitive=False, help="Which risk --fail-on judges: residual (after audits, certifications and actions) or inherent (country, product, process)."),
        baseline: Path | None = typer.Option(None, "--baseline", help="Last year's list (or its annotated export, or a folder of them by file name): fail only on what got worse since."),
        lang: Lang | None = LangOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Check supplier lists against a policy: exit 0 all pass, 1 a file fails, 2 a file is unreadable.

        The one-line summary always ends up on stderr, whatever --output and --quiet say.

        Example: imvo check sample_data/members --fail-on critical --format markdown
        """
        from ..check import CheckOptions, discover, renamed, run_check  # deferred: start-up
        from ..export.atomic import write_text_atomic  # deferred: start-up
        from ..i18n import t  # deferred: start-up
        from ..i18n.messages import say  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up
        from ..policy import find_policy, load_policy  # deferred: start-up
        from ..report import check_report  # deferred: start-up
        from ..report.progress import accepts_progress, progress  # deferred: start-up

        if paths.count(common.STDIN) > 1:
            raise ImvoError("stdin (-) can be read only once", code="usage",
                            hint="name the other lists as files")
        if policy is None and common.STDIN in paths and len(paths) == 1:
            policy = find_policy(Path.cwd())  # a list from stdin: the imvo.toml of this folder
        options = CheckOptions(policy=str(policy) if policy else None, fail_on=plain(fail_on),
                               max_errors=max_errors, min_visibility=min_visibility,
                               min_address_completeness=min_address_completeness,
                               sector=plain(sector), as_of=common.parse_as_of(as_of),
                               basis=str(plain(risk_basis)))
        report_file = common.file_output(output)
        inputs = [Path(p) for p in paths if p != common.STDIN]
        read = inputs + ([policy] if policy is not None else [])
        common.guard_outputs([report_file, export], read)
        first = inputs[0] if inputs else Path.cwd()
        language = common.resolve_language(plain(lang), load_policy(policy, near=first) if lang is None else None)
        with contextlib.ExitStack() as stack:
            source = stack.enter_context(common.stdin_file(Path(common.STDIN))) \
                if common.STDIN in paths else None
            targets: list[str | Path] = [source if p == common.STDIN and source else p
                                         for p in paths]
            counting = accepts_progress(run_check)
            total = len(discover(targets)) if counting else None
            with progress(t("check.progress", language), total) as step:
                extra = {"on_progress": lambda label: step(description=label)} if counting else {}
                result = run_check(targets, options, jobs=jobs, **extra)
            if baseline is not None:  # while a list from stdin is still in its file
                from ..baseline import apply_baselines  # deferred: start-up

                result, _ = apply_baselines(result, baseline, options)
            if source is not None:
                result.files = [renamed(f, str(source), common.STDIN_LABEL) for f in result.files]
        if format == CheckFormat.table and report_file is None:
            if not quiet:
                check_report.render_table(result, language, verbose=verbose)
        else:
            text = table_text(result, language, verbose) if format == CheckFormat.table else \
                check_report.render(str(format), result, language)
            if report_file is not None:
                write_text_atomic(report_file, text)
            else:
                typer.echo(text, nl=False)
        if format == CheckFormat.github and os.environ.get("GITHUB_STEP_SUMMARY"):
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
                fh.write(check_report.to_markdown(result, language))
        if export:
            from ..export.checkbook import write_check_workbook  # deferred: start-up

            write_check_workbook(result, export, lang=language)
        for f in result.files:
            if f.status == "error":
                common.stderr(f"{common.error_prefix(language)} {say(f.reasons[0], language)}")
        if not quiet:
            for what, path in (("report", report_file), ("workbook", export)):
                if path is not None:
                    common.stderr(t("check.wrote", language, what=t(f"check.{what}", language),
                                    path=path))
        common.stderr(summary_line(result, language))  # the last line, for CI logs
        raise typer.Exit(result.exit_code)


def summary_line(result, lang: str = "en") -> str:
    """'imvo check: 3 files: 2 pass, 1 fail, 0 error': always on stderr, for CI logs."""
    from ..i18n import t, tn  # deferred: start-up

    totals = result.totals
    return t("check.summary_line", lang, files=tn("file", totals["files"], lang),
             passed=totals["pass"], failed=totals["fail"], errors=totals["error"])


def table_text(result, lang: str = "en", verbose: bool = False) -> str:
    """The table view as plain text (no colour), as `--format table --output F` writes it."""
    import io  # deferred: start-up

    from ..report import check_report  # deferred: start-up

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        check_report.render_table(result, lang, verbose=verbose)
    return buf.getvalue()
