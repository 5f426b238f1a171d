"""`imvo map`: the production-chain graph, its risk table or tree, JSON and graph files."""

from __future__ import annotations

import contextlib
import gc
import sys
from pathlib import Path

import typer

from . import common
from .options import LangOpt

STAGES = ("reading", "linking", "scoring", "writing")


@contextlib.contextmanager
def stage_progress(enabled: bool):
    """A rich progress bar on stderr (only on a terminal); yields an on_stage callback."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..report.console import console

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("mapping", total=len(STAGES))
        seen: list[str] = []

        def on_stage(name: str) -> None:
            if seen:
                progress.advance(task)
            seen.append(name)
            progress.update(task, description=name)

        yield on_stage


def register(app: typer.Typer) -> None:
    @app.command("map")
    @common.handle_errors
    def map_(
        file: Path = typer.Argument(..., help="Supplier list (.xlsx .xlsm .xls .ods .csv .tsv)."),
        company: str | None = common.CompanyOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        policy: Path | None = common.PolicyOpt,
        sector: str | None = common.SectorOpt,
        as_of: str | None = common.AsOfOpt,
        format: str = common.FormatOpt,
        tree: bool = typer.Option(False, "--tree", help="Show the chains from the company down to raw materials."),
        country: list[str] | None = typer.Option(None, "--country", help="Only suppliers in this country (name or ISO code; repeatable)."),
        tier: int | None = typer.Option(None, "--tier", help="Only suppliers at this computed tier."),
        min_risk: str | None = typer.Option(None, "--min-risk", help="Only suppliers at or above this level: low, medium, high, critical."),
        top: int | None = typer.Option(None, "--top", help="Only the N suppliers to act on first (priority: residual risk, severity, workers, purchase share, tier)."),
        graph: Path | None = typer.Option(None, "--graph", help="Write the graph: .graphml .gexf .json .dot .mmd (by extension)."),
        export: Path | None = typer.Option(None, "--export", help="Write your workbook back with risk columns added (.xlsx)."),
        html: Path | None = typer.Option(None, "--html", help="Write a self-contained HTML report."),
        osh: Path | None = typer.Option(None, "--osh", help="Write the list as an Open Supply Hub upload (.csv or .xlsx)."),
        facilities: Path | None = typer.Option(None, "--facilities", help="Attach OS IDs from an Open Supply Hub download (sure matches only; the review workflow is imvo osh-match)."),
        lang: str | None = LangOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Map the production chains of a supplier list: summary, risk table or tree, files.

        Example: imvo map sample_data/suppliers.xlsx --tree --min-risk high
        Example: imvo map sample_data/suppliers.xlsx --lang nl --export kaart.xlsx --html kaart.html
        """
        from ..i18n import check_lang, resolve_lang, t
        from ..mapping import read_and_map
        from ..policy import load_policy
        from ..report.map_view import make_filter

        common.check_choice(format, ("table", "json"), "--format")
        if lang is not None:
            check_lang(lang)
        if not file.exists():
            from ..model import ImvoError

            raise ImvoError("file not found", file=file, code="file-not-found",
                            hint="check the path and the file name")
        flt = make_filter(country, tier, min_risk, top)
        # the date the risk rules use, also stated in the workbook and the report
        from datetime import date

        reference_date = common.parse_as_of(as_of) or date.today()
        column_map = common.parse_column_map(map)
        if graph is not None:
            from ..report.graphfiles import graph_format

            graph_format(graph)  # refuse an unknown extension before the slow part
        read = [file] + [p for p in (policy, facilities) if p is not None]
        common.guard_outputs([graph, export, html, osh], read)
        pol = load_policy(policy, near=file)
        lang = resolve_lang(lang, pol)
        # Mapping allocates millions of small objects and frees none until the end; the
        # cyclic garbage collector would rescan them all again and again (measured: about
        # two thirds of the time on 100,000 rows). Nothing here depends on it.
        gc.disable()

        with stage_progress(sys.stderr.isatty()) as on_stage:
            chain_map = read_and_map(file, sheet=sheet, column_map=column_map, policy=pol,
                                     company=company, sector=sector, as_of=reference_date,
                                     on_stage=on_stage)
            if facilities is not None:
                from ..osh import attach_to_chain_map

                attach_to_chain_map(chain_map, facilities)
            if on_stage:
                on_stage("writing")
            if graph is not None:
                from ..report.graphfiles import write_graph

                write_graph(chain_map, graph)
            if export is not None:
                from ..export.annotated import write_annotated

                write_annotated(chain_map, export, input_path=file, lang=lang)
            if html is not None:
                from ..report.html import write_map_html

                write_map_html(chain_map, html, lang=lang)
            if osh is not None:
                from ..export.osh_upload import upload_messages, write_osh_upload

                osh_lines = upload_messages(write_osh_upload(chain_map, osh), osh)

        if format == "json":
            from ..mapping import write_map_json

            write_map_json(chain_map, sys.stdout)
            sys.stdout.flush()
        else:
            from ..report.map_view import render_map

            render_map(chain_map, flt, tree=tree, lang=lang)
        for key, out in (("graph", graph), ("workbook", export), ("html", html)):
            if out is not None:
                common.stderr(t("check.wrote", lang, what=t(f"map.wrote_{key}", lang), path=out))
        if osh is not None:
            for line in osh_lines:
                common.stderr(line)
