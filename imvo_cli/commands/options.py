"""Options shared by several commands and declared once: the language of what imvo writes."""

from __future__ import annotations

import typer

LangOpt = typer.Option(
    None, "--lang",
    help="Language of labels, sheet names and headers: en or nl "
         "(default: [report] lang in imvo.toml, else en).")
