"""`imvo map`: the production-chain graph, its risk table or tree, JSON and graph files."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import typer

from ..collector import gc_paused, keep_until_exit, keeping_until_exit, skip_collection_at_exit
from . import common
from .options import Lang, LangOpt, MinRisk, Sector, TableOrJson, plain

STAGES = ("reading", "linking", "scoring", "writing")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block, and back as it was after it, also on an
    error or Ctrl-C (`imvo map` can run inside a longer-lived process: tests, notebooks).

    Mapping allocates millions of small objects and frees none until the end; the collector
    would rescan them all again and again (measured: about two thirds of the time on 100,000
    rows). Nothing in mapping depends on it."""
    with gc_paused():
        yield


def stage_name(name: str, lang: str = "en") -> str:
    """A step of the map in `lang` ("reading" -> "lezen"); a step without a text as it is."""
    from ..i18n import has, t  # deferred: start-up

    key = f"map.stage.{name}"
    return t(key, lang) if has(key, lang) else name


def _stage_lines(lang: str) -> Callable[[str], None]:
    def on_stage(name: str) -> None:
        common.stderr(f"imvo: {stage_name(name, lang)}")

    return on_stage


@contextlib.contextmanager
def stage_progress(enabled: bool, verbose: bool = False,
                   lang: str = "en") -> Iterator[Callable[[str], None] | None]:
    """A rich progress bar on stderr (only on a terminal); yields an on_stage callback. Without
    a terminal, --verbose names each stage on stderr instead. Stages are said in `lang`."""
    if not enabled:
        yield _stage_lines(lang) if verbose else None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # deferred: start-up

    from ..report.console import console  # deferred: start-up

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task(stage_name("mapping", lang), total=len(STAGES))
        seen: list[str] = []

        def on_stage(name: str) -> None:
            if seen:
                progress.advance(task)
            seen.append(name)
            progress.update(task, description=stage_name(name, lang))

        yield on_stage


def register(app: typer.Typer) -> None:
    @app.command("map")
    @common.handle_errors
    def map_(
        file: Path = typer.Argument(..., help="Supplier list (.xlsx .xlsm .xls .ods .csv .tsv); - reads it from stdin."),
        company: str | None = common.CompanyOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        policy: Path | None = common.PolicyOpt,
        sector: Sector | None = common.SectorOpt,
        as_of: str | None = common.AsOfOpt,
        format: TableOrJson = common.FormatOpt,
        output: Path | None = common.OutputOpt,
        tree: bool = typer.Option(False, "--tree", help="Show the chains from the company down to raw materials."),
        country: list[str] | None = typer.Option(None, "--country", help="Only suppliers in this country (name or ISO code; repeatable)."),
        tier: int | None = typer.Option(None, "--tier", help="Only suppliers at this computed tier."),
        min_risk: MinRisk | None = typer.Option(None, "--min-risk", case_sensitive=False, help="Only suppliers at or above this level."),
        top: int | None = typer.Option(None, "--top", help="Only the N suppliers to act on first (priority: residual risk, severity, workers, purchase share, tier)."),
        graph: Path | None = typer.Option(None, "--graph", help="Write the graph: .graphml .gexf .json .dot .mmd (by extension)."),
        export: Path | None = typer.Option(None, "--export", help="Write your workbook back with risk columns added (.xlsx)."),
        html: Path | None = typer.Option(None, "--html", help="Write a self-contained HTML report."),
        osh: Path | None = typer.Option(None, "--osh", help="Write the list as an Open Supply Hub upload (.csv or .xlsx)."),
        facilities: Path | None = typer.Option(None, "--facilities", help="Attach OS IDs from an Open Supply Hub download (sure matches only; the review workflow is imvo osh-match)."),
        lang: Lang | None = LangOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Map the production chains of a supplier list: summary, risk table or tree, files.

        Example: imvo map sample_data/suppliers.xlsx --tree --min-risk high

        Example: imvo map sample_data/suppliers.xlsx --lang nl --export kaart.xlsx --html kaart.html
        """
        from ..ingest.readers import start_reading  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up
        from ..policy import load_policy  # deferred: start-up
        from ..report.map_filter import make_filter  # deferred: start-up

        if str(file) != common.STDIN and not file.exists():
            raise ImvoError("file not found", file=file, code="file-not-found",
                            hint="check the path and the file name")
        flt = make_filter(country, tier, plain(min_risk), top)
        # the date the risk rules use, also stated in the workbook and the report
        reference_date = common.parse_as_of(as_of) or date.today()
        column_map = common.parse_column_map(map)
        if graph is not None:
            from ..report.graphfiles import graph_format  # deferred: start-up

            graph_format(graph)  # refuse an unknown extension before the slow part
        read = [p for p in (file, policy, facilities) if p is not None and str(p) != common.STDIN]
        common.guard_outputs([graph, export, html, osh, common.file_output(output)], read)
        pol = load_policy(policy, near=common.policy_folder(file))
        if str(file) != common.STDIN:  # the parse runs while the rest is imported
            start_reading(file, pol.limits)
        from ..i18n import t  # deferred: start-up
        from ..mapping import read_and_map  # deferred: start-up

        # The collector stays off until the document is written: writing the JSON of
        # 100,000 suppliers allocates as much again, and every young collection rescanned it.
        skip_collection_at_exit()
        with keeping_until_exit(), collector_paused():
            with common.stdin_file(file) as source:
                language = common.resolve_language(plain(lang), pol)
                with stage_progress(sys.stderr.isatty(), verbose, language) as on_stage:
                    chain_map = read_and_map(source, sheet=sheet, column_map=column_map, policy=pol,
                                             company=company, sector=plain(sector),
                                             as_of=reference_date, on_stage=on_stage)
                    keep_until_exit(chain_map)  # one list: the process ends without freeing it
                    chain_map.source.file = common.label_of(source, file)
                    chain_map.issues = common.relabel(chain_map.issues, source, file)
                    if facilities is not None:
                        from ..osh import attach_to_chain_map  # deferred: start-up

                        attach_to_chain_map(chain_map, facilities)
                    if on_stage:
                        on_stage("writing")
                    osh_lines = _write_files(chain_map, source, graph=graph, export=export,
                                             html=html, osh=osh, lang=language, debug=debug)

            if format == TableOrJson.json:
                from ..mapping import write_map_json  # deferred: start-up

                def produce() -> None:
                    write_map_json(chain_map, sys.stdout)
                    sys.stdout.flush()
            else:
                from ..report.map_view import render_map  # deferred: start-up

                def produce() -> None:
                    render_map(chain_map, flt, tree=tree, lang=language)
            if not (quiet and format == TableOrJson.table and common.is_stdout(output)):
                common.emit(output, produce)
        if not quiet:
            for key, out in (("graph", graph), ("workbook", export), ("html", html)):
                if out is not None:
                    common.stderr(t("check.wrote", language, what=t(f"map.wrote_{key}", language),
                                    path=out))
            if common.file_output(output) is not None:
                common.stderr(t("check.wrote", language, what=t("check.report", language),
                                path=output))
        for line in osh_lines[1:] if quiet else osh_lines:
            common.stderr(line)


def _write_files(chain_map, source: Path, *, graph: Path | None, export: Path | None,
                 html: Path | None, osh: Path | None, lang: str,
                 debug: bool = False) -> list[str]:
    """The files asked for; returns the upload's status lines (the first says what it wrote)."""
    if graph is not None:
        from ..report.graphfiles import write_graph  # deferred: start-up

        write_graph(chain_map, graph)
    if export is not None:
        from ..export.annotated import write_annotated  # deferred: start-up

        exported = write_annotated(chain_map, export, input_path=source, lang=lang)
        if (debug or os.environ.get("IMVO_DEBUG") == "1") and exported is not None \
                and exported.fallback_reason:
            common.stderr(f"debug: {export}: written by {exported.backend} "
                          f"({exported.fallback_reason})")
    if html is not None:
        from ..report.html import write_map_html  # deferred: start-up

        write_map_html(chain_map, html, lang=lang)
    if osh is None:
        return []
    from ..export.osh_upload import upload_messages, write_osh_upload  # deferred: start-up

    return list(upload_messages(write_osh_upload(chain_map, osh), osh, lang))
