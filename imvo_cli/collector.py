"""The cyclic garbage collector paused while a step builds many objects that stay alive."""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
