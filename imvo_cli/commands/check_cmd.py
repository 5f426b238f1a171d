"""`imvo check`: batch-check supplier lists in CI with exit codes and CI-native reports."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from . import common
from .options import LangOpt


def register(app: typer.Typer) -> None:
    @app.command("check")
    @common.handle_errors
    def check(
        paths: list[str] = typer.Argument(..., help="Files, folders (searched recursively) or globs."),
        fail_on: str | None = typer.Option(None, "--fail-on", help="Fail when a supplier is at or above: critical, high, medium, never (default: policy, else critical; residual risk unless --risk-basis inherent)."),
        max_errors: int | None = typer.Option(None, "--max-errors", min=0, help="Rows with errors allowed per file (default: policy, else 0)."),
        min_visibility: float | None = typer.Option(None, "--min-visibility", min=0, max=1, help="Minimum share of tier-1 suppliers with a disclosed upstream supplier."),
        min_address_completeness: float | None = typer.Option(None, "--min-address-completeness", min=0, max=1, help="Minimum share of suppliers with a full address."),
        policy: Path | None = common.PolicyOpt,
        format: str = typer.Option("table", "--format", "-f", help="table, json, junit, github or markdown."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
        export: Path | None = typer.Option(None, "--export", help="Also write a workbook with every file's status, findings and issues."),
        jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Parallel processes (default: number of cores)."),
        sector: str | None = common.SectorOpt,
        as_of: str | None = common.AsOfOpt,
        risk_basis: str = typer.Option("residual", "--risk-basis", help="Which risk --fail-on judges: residual (after audits, certifications and actions) or inherent (country, product, process)."),
        baseline: Path | None = typer.Option(None, "--baseline", help="Last year's list (or its annotated export, or a folder of them by file name): fail only on what got worse since."),
        lang: str | None = LangOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Check supplier lists against a policy: exit 0 all pass, 1 a file fails, 2 a file is unreadable.

        Example: imvo check sample_data/members --fail-on critical --format markdown
        """
        from ..check import FAIL_ON_CHOICES, RISK_BASIS_CHOICES, CheckOptions, discover, run_check
        from ..export.atomic import write_text_atomic
        from ..i18n import check_lang, resolve_lang, t
        from ..policy import load_policy
        from ..report import check_report
        from ..report.progress import accepts_progress, progress

        common.check_choice(format, ("table", "json", "junit", "github", "markdown"), "--format")
        if fail_on is not None:
            common.check_choice(fail_on, FAIL_ON_CHOICES, "--fail-on")
        common.check_choice(risk_basis, RISK_BASIS_CHOICES, "--risk-basis")
        if lang is not None:
            check_lang(lang)
        options = CheckOptions(policy=str(policy) if policy else None, fail_on=fail_on,
                               max_errors=max_errors, min_visibility=min_visibility,
                               min_address_completeness=min_address_completeness,
                               sector=sector, as_of=common.parse_as_of(as_of), basis=risk_basis)
        inputs = [Path(p) for p in paths]
        read = inputs + ([policy] if policy is not None else [])
        common.guard_outputs([output, export], read)
        lang = resolve_lang(lang, load_policy(policy, near=inputs[0]) if lang is None else None)
        counting = accepts_progress(run_check)
        targets: list[str | Path] = list(paths)
        total = len(discover(targets)) if counting else None
        with progress(t("check.progress", lang), total) as step:
            extra = {"on_progress": lambda label: step(description=label)} if counting else {}
            result = run_check(targets, options, jobs=jobs, **extra)
        if baseline is not None:
            from ..baseline import apply_baselines
            result, _ = apply_baselines(result, baseline, options)
        if format == "table" and not output:
            check_report.render_table(result)
        else:
            text = table_text(result) if format == "table" else check_report.RENDERERS[format](result)
            if output:
                write_text_atomic(output, text)
            else:
                typer.echo(text, nl=False)
        if format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
                fh.write(check_report.to_markdown(result))
        if export:
            from ..export.checkbook import write_check_workbook
            write_check_workbook(result, export, lang=lang)
        for f in result.files:
            if f.status == "error":
                common.stderr(f"imvo: error: {f.reasons[0]}")
        common.stderr(summary_line(result, lang))
        for what, path in (("report", output), ("workbook", export)):
            if path is not None:
                common.stderr(t("check.wrote", lang, what=t(f"check.{what}", lang), path=path))
        raise typer.Exit(result.exit_code)


def summary_line(result, lang: str = "en") -> str:
    """'imvo check: 3 files: 2 pass, 1 fail, 0 error': always on stderr, for CI logs."""
    from ..i18n import t, tn

    totals = result.totals
    return t("check.summary_line", lang, files=tn("file", totals["files"], lang),
             passed=totals["pass"], failed=totals["fail"], errors=totals["error"])


def table_text(result) -> str:
    """The table view as plain text (no colour), as `--format table --output F` writes it."""
    import contextlib
    import io

    from ..report import check_report

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        check_report.render_table(result)
    return buf.getvalue()
