"""The rich consoles: stdout for results, stderr for progress; colour off without a TTY."""

from __future__ import annotations

import os
import sys

from rich.console import Console

from ..model import LEVEL_STYLES

LEVEL_STYLE = LEVEL_STYLES  # the one palette, in the model


DEFAULT_WIDTH = 100  # without a terminal and without a usable COLUMNS
WIDTH_RANGE = (20, 1000)  # a COLUMNS value is clamped to this


def columns_width() -> int | None:
    """The width COLUMNS asks for, clamped to WIDTH_RANGE; None when it is unset or not a
    positive whole number (rich would take 'abc' as an error and 0 as no output at all)."""
    text = os.environ.get("COLUMNS", "").strip()
    if not text.isdigit() or int(text) == 0:
        return None
    return min(max(int(text), WIDTH_RANGE[0]), WIDTH_RANGE[1])


def console(stderr: bool = False, width: int | None = None):

    stream = sys.stderr if stderr else sys.stdout
    no_color = bool(os.environ.get("NO_COLOR")) or not stream.isatty()
    if width is None:
        width = columns_width()
    if width is None and not stream.isatty():
        width = DEFAULT_WIDTH
    elif width is None and "COLUMNS" in os.environ:  # unusable: rich would read it anyway
        try:
            width = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError):
            width = 0
        width = width if width >= WIDTH_RANGE[0] else DEFAULT_WIDTH
    return Console(file=stream, no_color=no_color, highlight=False, soft_wrap=False,
                   width=width, emoji=False)


