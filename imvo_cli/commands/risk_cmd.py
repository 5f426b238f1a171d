"""`imvo risk COUNTRY`: every theme's level, score and reasons for a country and product."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common
from .options import Sector, TableOrJson, plain


def register(app: typer.Typer) -> None:
    @app.command("risk")
    @common.handle_errors
    def risk(
        country: str = typer.Argument(..., help="Country name or ISO code (e.g. India, IN, Burma)."),
        product: str | None = typer.Option(None, "--product", help="Product, e.g. garments, cotton yarn, gold."),
        process: str | None = typer.Option(None, "--process", help="Process, e.g. dyeing, spinning, sandblasting."),
        region: str | None = typer.Option(None, "--region", help="Region or province, e.g. Xinjiang (region table: legal presumptions)."),
        sector: Sector | None = common.SectorOpt,
        policy: Path | None = common.PolicyOpt,
        format: TableOrJson = common.FormatOpt,
        output: Path | None = common.OutputOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Risk per due-diligence theme for a country, product and process, with reasons.

        Example: imvo risk Bangladesh --product garments --process dyeing
        """
        from ..policy import load_policy  # deferred: start-up
        from ..risk import load_profile  # deferred: start-up
        from ..risk.document import country_risk  # deferred: start-up

        common.guard_outputs([common.file_output(output)], [p for p in (policy,) if p])
        pol = load_policy(policy)
        doc = country_risk(country, pol, product=product, process=process, region=region,
                           sector=plain(sector))
        profile = load_profile(doc["sector"])
        if format == TableOrJson.json:
            from ..report.jsonout import dumps  # deferred: start-up

            common.emit(output, lambda: typer.echo(dumps(doc), nl=False))
        else:
            common.emit(output, lambda: _render(doc, profile, notes=not quiet))
        if common.file_output(output) is not None and not quiet:
            common.stderr(f"imvo: wrote report {output}")

    return None


def _render(doc: dict, profile, notes: bool = True) -> None:
    """The themes table; `notes` adds what unknown and inherent mean (left out by --quiet)."""
    from rich.markup import escape  # deferred: start-up
    from rich.table import Table  # deferred: start-up

    from ..countries import country_name  # deferred: start-up
    from ..report.console import LEVEL_STYLE, console  # deferred: start-up

    labels = {t.key: t.label for t in profile.theme_defs}
    what = ", ".join(x for x in (doc["product"], doc["process"]) if x) or "any product"
    table = Table(title=escape(f"Risk in {country_name(doc['country'])} ({doc['country']}) for {what}, "
                               f"profile {profile.key}"), show_lines=True)
    table.add_column("theme")
    table.add_column("level")
    table.add_column("score", justify="right")
    table.add_column(escape("evidence (rule: evidence [source])"))
    evidence = {e["id"]: e for e in doc["evidence"]}
    for t in doc["themes"]:
        reasons = "\n".join(escape(f"{e['rule']}: {e['evidence']} [{e['source']}]")
                            for e in (evidence[i] for i in t["evidence"]))
        table.add_row(labels.get(t["theme"], t["theme"]),
                      f"[{LEVEL_STYLE.get(t['level'], '')}]{t['level']}[/]",
                      "" if t["score"] is None else str(t["score"]), reasons)
    out = console()
    out.print(table)
    if not notes:
        return
    out.print("unknown = no data for this country and theme; it is not the same as low risk.")
    out.print("Levels are inherent (the place and products); a supplier's audit, certifications "
              "and actions give its residual level in imvo map.")
