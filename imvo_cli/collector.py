"""The cyclic garbage collector paused while a step builds many objects that stay alive."""

from __future__ import annotations

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
