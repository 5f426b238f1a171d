"""`imvo aggregate`: merge members' supplier lists into one sector list of production locations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from . import common
from .options import Lang, LangOpt, Sector, TableOrJson, plain


def register(app: typer.Typer) -> None:
    @app.command("aggregate")
    @common.handle_errors
    def aggregate(
        paths: list[Path] = typer.Argument(..., help="Member lists (files or folders; each file is one member)."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Sector workbook to write (.xlsx); required unless --format json, --html or --osh."),
        out: Path | None = typer.Option(None, "--out", hidden=True, help="Old spelling of --output."),
        html: Path | None = typer.Option(None, "--html", help="Also write a self-contained HTML sector report."),
        public: bool = typer.Option(False, "--public", help="The publishable list: no member names, purchase shares or anything that identifies a member."),
        threshold: float | None = typer.Option(None, "--threshold", help="Match score (0-1) at or above which two rows are one facility (default 0.86 or match.threshold)."),
        review_threshold: float | None = typer.Option(None, "--review-threshold", help="Score (0-1) from which uncertain pairs go to the Review sheet (default 0.70)."),
        decisions: Path | None = typer.Option(None, "--decisions", help="Reviewed pairs (csv/xlsx with a_id, b_id, decision = same|different), e.g. last run's workbook."),
        previous: Path | None = typer.Option(None, "--previous", help="A previous aggregate output (.json or .xlsx): facilities keep their ids."),
        osh: Path | None = typer.Option(None, "--osh", help="Also write the facilities as an Open Supply Hub upload (.csv or .xlsx); use with --public."),
        format: TableOrJson = common.FormatOpt,
        policy: Path | None = common.PolicyOpt,
        sector: Sector | None = common.SectorOpt,
        as_of: str | None = common.AsOfOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        lang: Lang | None = LangOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Merge member lists into one sector list; shared suppliers, review pairs, heat map.

        Exit 0 done, 2 a usage error or any member file unreadable (the outputs are still
        written from the readable files, and each unreadable file is an error issue; when no
        file is readable nothing is written).

        Example: imvo aggregate sample_data/members/ --output sector.xlsx
        """
        from ..aggregate import aggregate as run_aggregate  # deferred: start-up
        from ..aggregate import member_files  # deferred: start-up
        from ..i18n import t  # deferred: start-up
        from ..i18n.messages import issue_line  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up
        from ..policy import load_policy  # deferred: start-up
        from ..report.jsonout import dumps_chunks  # deferred: start-up
        from ..report.progress import accepts_progress, progress  # deferred: start-up

        out = common.pick_alias(output, out, "--out", "--output")
        if out is None and html is None and osh is None and format != TableOrJson.json:
            raise ImvoError("--output is required (the sector workbook to write), unless "
                            "--format json, --html or --osh", code="usage",
                            hint="for example --output sector.xlsx")
        if out is not None and out.suffix.lower() != ".xlsx":
            raise ImvoError("--output must be an .xlsx file (the sector workbook)", file=out,
                            code="usage", hint="for example --output sector.xlsx")
        for name, value in (("--threshold", threshold), ("--review-threshold", review_threshold)):
            if value is not None and not 0 <= value <= 1:
                raise ImvoError(f"{name} must be between 0 and 1, got {value}", code="usage")
        files = member_files(paths)
        guarded = list(files) + [p for p in (decisions, previous, policy) if p is not None]
        common.output_path_guard(out, guarded)
        common.output_path_guard(html, guarded)
        common.output_path_guard(osh, guarded)
        pol = load_policy(policy, near=paths[0] if paths else None)
        language = common.resolve_language(plain(lang), pol)
        decided = None
        if decisions is not None:
            from ..match.decisions import read_decisions  # deferred: start-up

            decided = read_decisions(decisions)
        options: dict[str, Any] = {
            "sector": plain(sector), "threshold": threshold, "review_threshold": review_threshold,
            "decisions": decided, "previous": previous, "public": public, "sheet": sheet,
            "column_map": common.parse_column_map(map), "as_of": common.parse_as_of(as_of)}
        counting = accepts_progress(run_aggregate)
        with progress(t("aggregate.progress", language), len(files) if counting else None) as step:
            if counting:
                options["on_progress"] = lambda label: step(description=label)
            result = run_aggregate(files, pol, **options)
        if result.unreadable and len(result.unreadable) == len(result.members):
            first = next(i for i in result.issues if i.severity == "error")
            raise ImvoError(f"no member list could be read; first problem: {first.message}",
                            file=first.file, sheet=first.sheet, code=first.code, hint=first.hint)
        if out is not None:
            from ..export.sector import write_sector_workbook  # deferred: start-up

            write_sector_workbook(result, out, lang=language)
        if html is not None:
            from ..report.html import write_aggregate_html  # deferred: start-up

            write_aggregate_html(result, html, lang=language)
        if osh is not None:
            from ..export.osh_upload import upload_messages, write_osh_upload  # deferred: start-up

            wrote, *left_out = upload_messages(write_osh_upload(result, osh), osh, language)
            for line in ([] if quiet else [wrote]) + left_out:
                common.stderr(line)
        if format == TableOrJson.json:
            for chunk in dumps_chunks(result.to_dict(streamed=True)):
                typer.echo(chunk, nl=False)
        elif not quiet:
            _render_summary(result, language, shared=None if verbose else SHARED_SHOWN)
        if not quiet:
            for what, path in (("workbook", out), ("html", html)):
                if path is not None:
                    key = "aggregate.wrote_public" if result.public else "aggregate.wrote"
                    common.stderr(t(key, language, what=t(f"aggregate.{what}", language),
                                    path=path))
        for unreadable in result.unreadable:
            issue = next(i for i in result.issues if i.file == unreadable and i.severity == "error")
            common.stderr(f"{common.error_prefix(language)} {issue_line(issue, language)}")
        raise typer.Exit(common.EXIT_INPUT if result.unreadable else common.EXIT_OK)


SHARED_SHOWN = 15  # most shared suppliers in the console table; every one with --verbose


def _render_summary(result, lang: str, shared: int | None = SHARED_SHOWN) -> None:
    """The counts (one line, never wrapped) and the `shared` most shared suppliers (None:
    all) on stdout; status lines go to stderr."""
    from rich.markup import escape  # deferred: start-up
    from rich.table import Table  # deferred: start-up

    from ..i18n import label, number, t, tn  # deferred: start-up
    from ..report.console import LEVEL_STYLE, console  # deferred: start-up

    s = result.summary()
    con = console()
    line = t("aggregate.summary", lang, members=tn("member", s["members"], lang),
             rows=tn("row", s["rows"], lang), locations=tn("location", s["facilities"], lang),
             shared=number(s["shared_facilities"], lang),
             pairs=tn("pair", s["review_pairs"], lang))
    if s["decisions_applied"]:
        line += ", " + tn("decision", s["decisions_applied"], lang)
    con.print(escape(line), soft_wrap=True)
    rows = result.shared if shared is None else result.shared[:shared]
    table = Table(title=t("aggregate.shared_title", lang, n=shared or len(rows)), show_lines=False)
    for col in ("facility", "name", "country", "members", "risk"):
        table.add_column(t(f"aggregate.col_{col}", lang))
    for f in rows:
        table.add_row(f.facility_id, escape(f.name), f.country, str(f.member_count),
                      f"[{LEVEL_STYLE.get(f.risk_level, '')}]{escape(label('level', f.risk_level, lang))}[/]")
    if result.shared:
        con.print(table)
