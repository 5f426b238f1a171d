"""`imvo risk COUNTRY`: every theme's level, score and reasons for a country and product."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common


def register(app: typer.Typer) -> None:
    @app.command("risk")
    @common.handle_errors
    def risk(
        country: str = typer.Argument(..., help="Country name or ISO code (e.g. India, IN, Burma)."),
        product: str | None = typer.Option(None, "--product", help="Product, e.g. garments, cotton yarn, gold."),
        process: str | None = typer.Option(None, "--process", help="Process, e.g. dyeing, spinning, sandblasting."),
        region: str | None = typer.Option(None, "--region", help="Region or province, e.g. Xinjiang (region table: legal presumptions)."),
        sector: str | None = common.SectorOpt,
        policy: Path | None = common.PolicyOpt,
        format: str = common.FormatOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Risk per due-diligence theme for a country, product and process, with reasons.

        Example: imvo risk Bangladesh --product garments --process dyeing
        """
        from ..policy import load_policy
        from ..risk import assess_place, load_profile
        from ..risk.document import check_country, risk_document

        common.check_choice(format, ("table", "json"), "--format")
        iso = check_country(country)
        pol = load_policy(policy)
        profile = load_profile(sector or pol.sector)
        assessment = assess_place(iso, [product] if product else [], [process] if process else [],
                                  profile, pol, region=region)
        labels = {t.key: t.label for t in profile.theme_defs}
        doc = risk_document(iso, product, process, profile.key, assessment, labels, region)
        if format == "json":
            from ..report.jsonout import dumps

            typer.echo(dumps(doc), nl=False)
        else:
            _render(doc, profile)

    return None


def _render(doc: dict, profile) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..ingest.countries import country_name
    from ..report.console import LEVEL_STYLE, console

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
    out.print("unknown = no data for this country and theme; it is not the same as low risk.")
    out.print("Levels are inherent (the place and products); a supplier's audit, certifications "
              "and actions give its residual level in imvo map.")
