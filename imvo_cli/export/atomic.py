"""Write output files atomically: a temporary file beside the target, then one rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..model import ImvoError


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None):
    """Yield a temporary path beside `target`; rename it over `target` only on success.

    On any exception (including KeyboardInterrupt) the temporary file is removed, so an
    interrupted run never leaves a half-written file behind.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ImvoError("output folder does not exist", file=folder, code="output-folder",
                        hint="create the folder or choose another output path")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=folder)
    os.close(fd)
    # mkstemp makes the file private (0600); give the output the usual permissions instead.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(target: str | Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")


def write_bytes_atomic(target: str | Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
