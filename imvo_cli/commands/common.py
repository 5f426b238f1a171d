"""Options shared by every command, and the one place that turns errors into exit codes."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from pathlib import Path
from typing import Callable, Optional

import typer

EXIT_OK, EXIT_POLICY, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

# Options declared once so every command spells them the same way.
FormatOpt = typer.Option("table", "--format", "-f", help="Output format.")
PolicyOpt = typer.Option(None, "--policy", help="Policy file (default: imvo.toml next to the input).")
SheetOpt = typer.Option(None, "--sheet", help="Sheet name or number (1 = first); default: the first sheet with a recognised header.")
MapOpt = typer.Option(None, "--map", help='Column mapping "Header text=field" (repeatable).')
SectorOpt = typer.Option(None, "--sector", help="Risk profile: textile, metals, natural_stone, food.")
CompanyOpt = typer.Option(None, "--company", help="Name of the company at the end of the chains.")
DebugOpt = typer.Option(False, "--debug", help="Show the full traceback of an internal error.")
QuietOpt = typer.Option(False, "--quiet", "-q", help="Print only what is asked (no summary).")
AsOfOpt = typer.Option(None, "--as-of", help="Reference date for audit age (YYYY-MM-DD; default: today).")


def stderr(message: str) -> None:
    print(message, file=sys.stderr)


def parse_column_map(items: Optional[list[str]]) -> dict[str, str]:
    """`--map "Leverancier=name"` -> {"Leverancier": "name"}."""
    from ..model import ImvoError

    out: dict[str, str] = {}
    for item in items or []:
        header, sep, field = item.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise ImvoError(f"--map expects \"Header text=field\", got {item!r}", code="usage",
                            hint='for example --map "Leverancier=name"')
        out[header.strip()] = field.strip()
    return out


def check_choice(value: str, choices: tuple[str, ...], option: str) -> str:
    from ..model import ImvoError

    if value not in choices:
        raise ImvoError(f"{option} must be one of {', '.join(choices)}, got {value!r}", code="usage")
    return value


class _ClosedPipeGuard:
    """stdout that goes quiet when the reader goes away (`imvo check x | head`): the command
    still finishes and its exit code still says pass, fail or error."""

    def __init__(self, stream):
        self._stream = stream

    def _silence(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._silence()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._silence()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def handle_errors(fn: Callable) -> Callable:
    """Run a command body: ImvoError -> one line on stderr + exit 2; Ctrl-C -> exit 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..model import ImvoError  # here, not at the top: --help and --version stay fast

        debug = kwargs.get("debug", False) or os.environ.get("IMVO_DEBUG") == "1"
        stdout = sys.stdout
        sys.stdout = _ClosedPipeGuard(stdout)
        try:
            try:
                return fn(*args, **kwargs)
            finally:
                sys.stdout.flush()
                sys.stdout = stdout
        except typer.Exit:
            raise
        except ImvoError as exc:
            if debug:
                traceback.print_exc()
            stderr(f"imvo: error: {exc}")
            raise typer.Exit(EXIT_INPUT)
        except KeyboardInterrupt:
            stderr("imvo: interrupted; no output was written")
            raise typer.Exit(EXIT_INTERRUPTED)
        except MemoryError:
            stderr("imvo: error: out of memory; lower the input size or the limits in imvo.toml")
            raise typer.Exit(EXIT_INPUT)
        except Exception as exc:  # a bug, not bad input: still one line unless --debug
            if debug:
                traceback.print_exc()
            stderr(f"imvo: internal error: {type(exc).__name__}: {exc} "
                   "(run again with --debug and report it)")
            raise typer.Exit(EXIT_INPUT)

    return wrapper


def output_path_guard(out: Path | None, inputs: list[Path]) -> None:
    """Refuse to write over an input file."""
    from ..model import ImvoError

    if out is None:
        return
    o = out.resolve()
    for p in inputs:
        try:
            same = p.exists() and (p.resolve() == o or (o.exists() and os.path.samefile(p, o)))
        except OSError:
            same = False
        if same:
            raise ImvoError("output path is the input file; imvo never writes its input",
                            file=out, code="output-is-input", hint="choose another output file name")


def parse_as_of(text: str | None):
    """--as-of YYYY-MM-DD -> date (None: today, decided by the risk model)."""
    from ..model import ImvoError

    if not text:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ImvoError(f"--as-of expects a date as YYYY-MM-DD, got {text!r}", code="usage",
                        hint="for example --as-of 2024-12-31") from None
