"""The rich consoles: stdout for results, stderr for progress; colour off without a TTY."""

from __future__ import annotations

import os
import sys

from rich.console import Console

from ..model import LEVEL_STYLES

LEVEL_STYLE = LEVEL_STYLES  # the one palette, in the model


def console(stderr: bool = False, width: int | None = None):

    stream = sys.stderr if stderr else sys.stdout
    no_color = bool(os.environ.get("NO_COLOR")) or not stream.isatty()
    return Console(file=stream, no_color=no_color, highlight=False, soft_wrap=False,
                   width=width or (None if stream.isatty() else int(os.environ.get("COLUMNS", 100))),
                   emoji=False)


