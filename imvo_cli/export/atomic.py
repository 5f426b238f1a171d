"""Write output files atomically: a temporary file beside the target, then one rename.

A target that is a symlink is written through: the file it points to is replaced, the link
stays. A target that is not a regular file (a FIFO, `/dev/stdout`, a terminal) is written
to directly, never replaced. Every completed output is recorded in WRITTEN so an interrupt
can say what was written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from ..model import ImvoError

# Outputs completed by this process, in order (reset by the command runner).
WRITTEN: list[Path] = []

# What to do about an operating-system error while writing, by errno.
_OS_HINTS = {
    errno.EACCES: "check the folder's permissions or choose another output path",
    errno.EPERM: "check the folder's permissions or choose another output path",
    errno.EROFS: "the file system is read-only; choose another output path",
    errno.ENOSPC: "the disk is full; free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is exhausted; free some space or write elsewhere",
    errno.EFBIG: "the file is too large for this file system; write elsewhere",
    errno.EISDIR: "the output path is a folder; give a file name",
    errno.ENAMETOOLONG: "choose a shorter output path",
}


def os_error(exc: OSError, path: Path | str) -> ImvoError:
    """An operating-system error while writing `path`, as a clear input/usage error."""
    reason = exc.strerror or type(exc).__name__
    hint = _OS_HINTS.get(exc.errno or 0, "check the path, its folder and the disk")
    return ImvoError(f"cannot write the output: {reason}", file=path, code="output-os-error",
                     hint=hint)


def resolve_target(target: Path) -> Path:
    """The file really written: a symlink's final target (so the link survives)."""
    if target.is_symlink():
        return Path(os.path.realpath(target))
    return target


def is_stream(target: Path) -> bool:
    """An existing output that is not a regular file or folder (FIFO, device, socket)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def writable_target(given: Path) -> Path:
    """The regular file an output path stands for (a symlink's target), after checking that
    it can be created there: not '-', not a folder, in a folder that exists."""
    if str(given) == "-":
        raise ImvoError("'-' (stdout) is not a file name for this output", file=given,
                        code="output-dash", hint="give a file name; only --output/-o takes '-' "
                        "for stdout")
    target = resolve_target(given)
    if target.is_dir():
        raise ImvoError("the output path is a folder", file=given, code="output-is-folder",
                        hint="give a file name inside the folder")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ImvoError("output folder does not exist", file=folder, code="output-folder",
                        hint="create the folder or choose another output path")
    return target


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None):
    """Yield a path to write; it becomes `target` only on success.

    For a regular file: a temporary file beside the target, renamed over it at the end; on
    any exception (including KeyboardInterrupt) it is removed, so an interrupted run never
    leaves a half-written file. A stream target (FIFO, device) is yielded as it is.
    """
    given = Path(target)
    if is_stream(given):
        try:
            yield given
        except OSError as exc:
            if _is_write_error(exc, str(given)):
                raise os_error(exc, given) from None
            raise
        WRITTEN.append(given)
        return
    target = writable_target(given)
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=folder)
    except OSError as exc:
        raise os_error(exc, given) from None
    os.close(fd)
    # mkstemp makes the file private (0600); give the output the usual permissions instead.
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and _is_write_error(exc, tmp):
            raise os_error(exc, given) from None
        raise
    WRITTEN.append(given)


def _is_write_error(exc: OSError, tmp: str) -> bool:
    """An error of writing the output (not of reading an input inside the block)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
        return True
    return exc.filename in (None, tmp, str(tmp))


def write_text_atomic(target: str | Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
