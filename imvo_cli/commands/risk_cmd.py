"""`imvo risk COUNTRY`: every theme's level, score and reasons for a country and product."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common
from .options import Lang, LangOpt, Sector, TableOrJson, plain


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
        lang: Lang | None = LangOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Risk per due-diligence theme for a country, product and process, with reasons.

        Example: imvo risk Bangladesh --product garments --process dyeing
        """
        from ..i18n import t  # deferred: start-up
        from ..policy import load_policy  # deferred: start-up
        from ..risk import load_profile  # deferred: start-up
        from ..risk.document import country_risk, country_warning  # deferred: start-up

        common.guard_outputs([common.file_output(output)], [p for p in (policy,) if p])
        pol = load_policy(policy)
        doc = country_risk(country, pol, product=product, process=process, region=region,
                           sector=plain(sector))
        profile = load_profile(doc["sector"])
        language = common.resolve_language(plain(lang), pol)
        warning = country_warning(country)
        if warning and not quiet:
            from ..i18n.messages import issue_message  # deferred: start-up

            code = "ambiguous-country" if "can mean" in warning else "country-part-ignored"
            common.stderr(f"{t('stderr.warning', language)} "
                          f"{issue_message(_Said(code, warning), language)}")
        if format == TableOrJson.json:
            from ..report.jsonout import dumps  # deferred: start-up

            common.emit(output, lambda: typer.echo(dumps(doc), nl=False))
        else:
            common.emit(output, lambda: _render(doc, profile, notes=not quiet, lang=language))
        if common.file_output(output) is not None and not quiet:
            common.stderr(t("check.wrote", language, what=t("check.report", language), path=output))

    return None


class _Said:
    """A warning as the message catalogue reads an issue: its code and English message."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message


def _render(doc: dict, profile, notes: bool = True, lang: str = "en") -> None:
    """The themes table; `notes` adds what unknown and inherent mean (left out by --quiet)."""
    from rich.markup import escape  # deferred: start-up
    from rich.table import Table  # deferred: start-up

    from .. import textsafe  # deferred: start-up
    from ..countries import country_name  # deferred: start-up
    from ..i18n import country_label, label, rule_label, t  # deferred: start-up
    from ..i18n.messages import evidence_source, evidence_value  # deferred: start-up
    from ..report.console import LEVEL_STYLE, console  # deferred: start-up
    from ..report.map_view import theme_names  # deferred: start-up

    labels = {**{d.key: d.label for d in profile.theme_defs}, **theme_names(profile.key, lang)}
    # the product and process are the user's own text: shown inert on the terminal
    what = textsafe.terminal(", ".join(x for x in (doc["product"], doc["process"]) if x)) \
        or t("risk_cmd.any_product", lang)
    code = doc["country"]
    place = country_label(code, country_name(code), lang)
    table = Table(title=escape(t("risk_cmd.title", lang, country=place, code=code, what=what,
                                 profile=profile.key)), show_lines=True)
    table.add_column(t("risk_cmd.col_theme", lang))
    table.add_column(t("risk_cmd.col_level", lang))
    table.add_column(t("risk_cmd.col_score", lang), justify="right")
    table.add_column(escape(t("risk_cmd.col_evidence", lang)))
    evidence = {e["id"]: e for e in doc["evidence"]}
    for theme in doc["themes"]:
        reasons = "\n".join(escape(textsafe.terminal(f"{rule_label(e['rule'], e['evidence'], lang) if lang != 'en' else e['rule']}: "
                                   f"{evidence_value(e['rule'], e['evidence'], lang)} [{evidence_source(e['source'], lang)}]"))
                            for e in (evidence[i] for i in theme["evidence"]))
        table.add_row(escape(labels.get(theme["theme"], theme["theme"])),
                      f"[{LEVEL_STYLE.get(theme['level'], '')}]{escape(label('level', theme['level'], lang))}[/]",
                      "" if theme["score"] is None else str(theme["score"]), reasons)
    out = console()
    out.print(table)
    if not notes:
        return
    out.print(t("risk_cmd.note_unknown", lang))
    out.print(t("risk_cmd.note_levels", lang))
