"""A progress bar for long commands: rich, on stderr, and only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import inspect
import sys
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .console import console as make_console

# step(advance=1, description=None): move the bar on, optionally renaming the current step.
Step = Callable[..., None]


def _quiet_step(advance: int = 1, description: str | None = None) -> None:
    return None


def wanted(stream=None) -> bool:
    """A bar only on a terminal: never in CI logs, pipes or files."""
    stream = stream or sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def progress(description: str, total: int | None = None, *, enabled: bool | None = None,
             console=None) -> Iterator[Step]:
    """Show a bar (or, without a total, a spinner with the elapsed time) while the block runs;
    yields a `step` callable. Disabled, it shows nothing and `step` does nothing. The bar
    disappears when the block ends, so only the command's own output remains."""
    if enabled is None:
        enabled = wanted()
    if not enabled:
        yield _quiet_step
        return

    if console is None:
        console = make_console(stderr=True)
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def step(advance: int = 1, description: str | None = None) -> None:
            if description:
                bar.update(task, advance=advance, description=description)
            else:
                bar.update(task, advance=advance)

        yield step


def accepts_progress(fn: Callable) -> bool:
    """Whether a library function takes an `on_progress(label)` callback (called once per
    unit of work done), so a command can show a counting bar instead of a spinner."""

    try:
        return "on_progress" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
