"""The cyclic garbage collector paused while a step builds many objects that stay alive."""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

# What keep_until_exit was given while a command reading one list runs under
# exit_without_teardown: alive until the process ends.
_KEPT: list[object] = []
_ending_fast = False
_keeping = 0


@contextmanager
def gc_paused(promote: bool = True) -> Iterator[None]:
    """Reading a list, assessing it or writing it allocates hundreds of thousands of objects
    that all stay alive and make no cycles; the collector would rescan them again and again
    for nothing. Afterwards (`promote`) they go straight to the oldest generation (freeze +
    unfreeze) instead of being scanned by the first young collection. The parse worker asks
    for no promotion: unfreezing would also release what it froze when it was forked."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if promote:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def skip_collection_at_exit() -> None:
    """At interpreter exit, leave the objects still alive out of the final collections.

    After a large map millions of objects are still tracked (the assessor's and the readers'
    caches); the collections Python runs while shutting down rescanned them all (measured:
    about 4 s CPU after `imvo map --format json` on 100,000 rows had written everything).
    Frozen objects are still freed; only that rescan is skipped. It happens at exit only,
    after every output is written, so nothing is cut short and the exit code is unchanged."""
    atexit.unregister(gc.freeze)  # once, however often the command runs in one process
    atexit.register(gc.freeze)


@contextmanager
def keeping_until_exit() -> Iterator[None]:
    """The block of a command that reads one list: what is offered to keep_until_exit in it
    (the map, the rows read) is never freed under `exit_without_teardown`, the process ends
    without it. A command over many lists does not use it: their memory is freed list by
    list as usual."""
    global _keeping
    _keeping += 1
    try:
        yield
    finally:
        _keeping -= 1


def keep_until_exit(value: object) -> None:
    """Offer `value` to be kept alive until the process ends: under `exit_without_teardown`
    and inside `keeping_until_exit` it is, which saves what building it cost a second time
    (measured at 100,000 rows: 0.4-0.5 s CPU to free a map, 0.25 s a supplier list).
    Elsewhere (tests, notebooks, the library, commands over many lists) it is freed as
    usual: nothing is kept."""
    if _ending_fast and _keeping:
        _KEPT.append(value)


def exit_without_teardown(run: Callable[[], object]) -> NoReturn:
    """Run the command line, then end the process at once with its exit code.

    Everything a command writes is written and closed before it returns; what remains is
    freeing millions of objects one by one and the interpreter's own teardown, which nobody
    waits for. The exit handlers still run (the parse worker is stopped, pools are joined),
    stdout and stderr are flushed, and the exit code is the command's. Where that cannot be
    done exactly so (an exit with a message, another thread still running, stdout that can
    no longer be flushed), the process ends the usual way instead.
    """
    global _ending_fast
    _ending_fast = True
    try:
        run()
        code: str | int | None = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    if not isinstance(code, int) or isinstance(code, bool) or threading.active_count() > 1:
        sys.exit(code)
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # pragma: no cover - every CPython has it
        sys.exit(code)
    run_exit_handlers()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # the usual exit reports it
    os._exit(code)
