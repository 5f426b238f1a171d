"""Options shared by several commands and declared once: choices as enums, output and noise."""

from __future__ import annotations

from enum import StrEnum

import typer


class Lang(StrEnum):
    """The languages imvo writes."""

    en = "en"
    nl = "nl"


class TableOrJson(StrEnum):
    """--format of map, validate, aggregate, osh-match and risk."""

    table = "table"
    json = "json"


class CheckFormat(StrEnum):
    """--format of check: the console table or a CI-native report."""

    table = "table"
    json = "json"
    junit = "junit"
    github = "github"
    markdown = "markdown"


class DiffFormat(StrEnum):
    """--format of diff."""

    table = "table"
    json = "json"
    markdown = "markdown"


class Sector(StrEnum):
    """The risk profiles (risk/profiles/<sector>.toml)."""

    textile = "textile"
    metals = "metals"
    natural_stone = "natural_stone"
    food = "food"
    floriculture = "floriculture"


class TemplateSector(StrEnum):
    """The sectors `imvo template` has dropdown lists and an example row for."""

    textile = "textile"
    metals = "metals"
    natural_stone = "natural_stone"
    food = "food"
    floriculture = "floriculture"


class FailOn(StrEnum):
    """The level at or above which `check` fails a file."""

    critical = "critical"
    high = "high"
    medium = "medium"
    never = "never"


class RiskBasis(StrEnum):
    """Which risk `check --fail-on` judges."""

    residual = "residual"
    inherent = "inherent"


class MinRisk(StrEnum):
    """`map --min-risk`: a level to filter on."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


def plain(choice: StrEnum | str | None) -> str | None:
    """The choice as the plain string the library takes (None stays None)."""
    return None if choice is None else str(choice.value if isinstance(choice, StrEnum) else choice)


LangOpt = typer.Option(
    None, "--lang", case_sensitive=False, envvar="IMVO_LANG",
    help="Language of labels, sheet names, headers and console texts "
         "(default: IMVO_LANG, else [report] lang in imvo.toml, else en).")
SectorOpt = typer.Option(None, "--sector", case_sensitive=False,
                         help="Risk profile (default: [sector] of the policy, else textile).")
FormatOpt = typer.Option(TableOrJson.table, "--format", "-f", case_sensitive=False,
                         help="Output format.")
OutputOpt = typer.Option(None, "--output", "-o",
                         help="Write the report (the --format output) to this file instead of "
                              "stdout; '-' is stdout.")
QuietOpt = typer.Option(False, "--quiet", "-q",
                        help="Print only errors and the one-line summary (no tables, no status lines).")
VerboseOpt = typer.Option(False, "--verbose", "-v",
                          help="Print more detail (every issue and row, not the first few).")
