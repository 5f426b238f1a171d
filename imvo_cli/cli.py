"""The `imvo` command line: a thin Typer layer over the library (no domain logic here)."""

from __future__ import annotations

import typer

from . import __version__
from .collector import exit_without_teardown, skip_collection_at_exit
from .commands import register_all
from .commands.usage import ImvoGroup, use_imvo_commands

app = typer.Typer(
    name="imvo",
    cls=ImvoGroup,
    help="Map production chains and flag due-diligence risks (IMVO / OECD) from supplier "
         "spreadsheets.\n\nExample: imvo map sample_data/suppliers.xlsx",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imvo {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """imvo: supply-chain mapping for responsible business conduct."""


register_all(app)
use_imvo_commands(app)


def main() -> None:
    skip_collection_at_exit()
    exit_without_teardown(app)


if __name__ == "__main__":
    main()
