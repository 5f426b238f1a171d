"""Which files the input arguments stand for, and the rule that no output is ever one of them."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from .export.atomic import is_stream
from .ingest.readers import SUPPORTED_EXTS
from .model import ImvoError


def expand_inputs(inputs: Iterable[str | Path | None]) -> list[Path]:
    """Every file an input argument can stand for: a folder's and a glob's files of every
    readable type (a superset of what `imvo check` and `imvo aggregate` read), other paths
    as given."""
    out: list[Path] = []
    for item in inputs:
        if item is None:
            continue
        p = Path(item)
        if p.is_dir():
            out.extend(q for q in p.rglob("*") if q.suffix.lower() in SUPPORTED_EXTS)
        elif not p.exists() and glob.has_magic(str(p)):
            out.extend(Path(q) for q in glob.glob(str(p), recursive=True))
        else:
            out.append(p)
    return out


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    try:
        st = os.stat(path)
        ident: tuple[int, int] | None = (st.st_dev, st.st_ino)
    except OSError:
        ident = None
    return os.path.realpath(path), ident


def guard_outputs(outputs: Iterable[str | Path | None], inputs: Iterable[str | Path | None]) -> None:
    """Refuse any output that is one of the inputs actually read (folders and globs already
    expanded): same resolved path, or same device and inode (hard links, bind mounts).
    Streams (`/dev/stdout`, a FIFO) are written through and are never an input here."""
    seen_paths: dict[str, Path] = {}
    seen_ids: dict[tuple[int, int], Path] = {}
    for p in expand_inputs(inputs):
        real, ident = _identity(p)
        seen_paths.setdefault(real, p)
        if ident is not None:
            seen_ids.setdefault(ident, p)
    for item in outputs:
        if item is None:
            continue
        out = Path(item)
        if is_stream(out):
            continue
        real, ident = _identity(out)
        hit = seen_paths.get(real) or (seen_ids.get(ident) if ident is not None else None)
        if hit is not None:
            raise ImvoError(f"output path is the input file {hit}; imvo never writes its input",
                            file=out, code="output-is-input",
                            hint="choose another output file name")
