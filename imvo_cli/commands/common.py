"""Options shared by every command, and the one place that turns errors into exit codes."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import signal
import sys
import threading
import traceback
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import typer

from . import options, usage

EXIT_OK, EXIT_POLICY, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug in imvo, not a problem with the input
EXIT_TERMINATED = 143  # 128 + SIGTERM

# Options declared once so every command spells them the same way.
FormatOpt = options.FormatOpt
PolicyOpt = typer.Option(None, "--policy", help="Policy file (default: imvo.toml next to the input).")
SheetOpt = typer.Option(None, "--sheet", help="Sheet name or number (1 = first); default: the first sheet with a recognised header.")
MapOpt = typer.Option(None, "--map", help='Column mapping "Header text=field" (repeatable).')
SectorOpt = options.SectorOpt
CompanyOpt = typer.Option(None, "--company", help="Name of the company at the end of the chains.")
DebugOpt = typer.Option(False, "--debug", help="Show the full traceback of an internal error.")
QuietOpt = options.QuietOpt
VerboseOpt = options.VerboseOpt
OutputOpt = options.OutputOpt
AsOfOpt = typer.Option(None, "--as-of", help="Reference date for audit age (YYYY-MM-DD; default: today).")


# The language of the command being run, once it is known (--lang, else [report] lang): the
# one its last line on stderr speaks when it fails.
_LANGUAGE: list[str | None] = [None]


def resolve_language(option: str | None, policy: Any = None) -> str:
    """`i18n.resolve_lang`, remembered for the error line of `handle_errors`."""
    from ..i18n import resolve_lang  # deferred: start-up

    lang = _LANGUAGE[0] = resolve_lang(option, policy)
    return lang


def error_prefix(lang: str | None = None) -> str:
    """The start of an error line in the command's language: "imvo: error:", "imvo: fout:"."""
    from ..i18n import t  # deferred: start-up

    return t("stderr.error", lang or _language())


def stderr(message: str) -> None:
    """One line on stderr; untrusted text in it cannot break the line or send escapes."""
    from ..textsafe import terminal  # deferred: start-up

    print(terminal(message), file=sys.stderr)


def parse_column_map(items: list[str] | None) -> dict[str, str]:
    """`--map "Leverancier=name"` -> {"Leverancier": "name"}."""
    from ..ingest.headers import validate_column_map  # deferred: start-up
    from ..model import ImvoError  # deferred: start-up

    out: dict[str, str] = {}
    for item in items or []:
        header, sep, field = item.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise ImvoError(f"--map expects \"Header text=field\", got {item!r}", code="usage",
                            hint='for example --map "Leverancier=name"')
        out[header.strip()] = field.strip()
    # An unknown field is the command line's mistake, said once, not once per file read.
    validate_column_map(out)
    return out


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


class Terminated(KeyboardInterrupt):
    """SIGTERM (a timeout, `docker stop`, a cancelled CI job): cleaned up like Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt():
    if sys.platform == "win32" or not _in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _language() -> str:
    """The command's language where it is known (--lang, IMVO_LANG, or [report] lang once the
    policy is read); before that, what its command line asks for (the imvo.toml beside its
    input included), else English."""
    return _LANGUAGE[0] or usage.context_lang() or "en"


def _say(key: str, **values: Any) -> str:
    from ..i18n import t  # deferred: start-up

    return t(f"stderr.{key}", _language(), **values)


def interrupt_message(written: list) -> str:
    """What an interrupted command did and did not write."""
    if not written:
        return _say("interrupted")
    return _say("interrupted_written", names=", ".join(str(p) for p in written))


def error_text(exc: Exception) -> str:
    """An ImvoError's line after the prefix, in the command's language."""
    from ..i18n.messages import error_line  # deferred: start-up

    return error_line(exc, _language())


def handle_errors(fn: Callable) -> Callable:
    """Run a command body and turn what goes wrong into one line on stderr and an exit code:
    ImvoError or an operating-system error -> 2; Ctrl-C -> 130, SIGTERM -> 143 (temporary
    files removed either way); a bug -> 70 (--debug shows the traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..export import atomic  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up

        debug = kwargs.get("debug", False) or os.environ.get("IMVO_DEBUG") == "1"
        option = kwargs.get("lang")
        option = getattr(option, "value", option)
        _LANGUAGE[0] = option if option in ("en", "nl") else None
        stdout = sys.stdout
        sys.stdout = _ClosedPipeGuard(stdout)
        atomic.WRITTEN.clear()
        try:
            try:
                with _sigterm_as_interrupt():
                    return fn(*args, **kwargs)
            finally:
                sys.stdout.flush()
                sys.stdout = stdout
        except typer.Exit:
            raise
        except ImvoError as exc:
            if debug:
                traceback.print_exc()
            stderr(f"{error_prefix()} {error_text(exc)}")
            raise typer.Exit(EXIT_INPUT) from exc
        except KeyboardInterrupt as exc:
            stderr(interrupt_message(list(atomic.WRITTEN)))
            raise typer.Exit(EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED) from exc
        except MemoryError:
            stderr(f"{error_prefix()} {_say('out_of_memory')}")
            raise typer.Exit(EXIT_INPUT) from None
        except OSError as exc:  # permission denied, disk full, a folder where a file was meant
            if debug:
                traceback.print_exc()
            from ..i18n.messages import os_reason  # deferred: start-up

            where = exc.filename or _say("a_file")
            what = os_reason(exc.strerror, _language()) if exc.strerror else type(exc).__name__
            stderr(f"{error_prefix()} {_say('os_error', where=where, what=what)}")
            raise typer.Exit(EXIT_INPUT) from exc
        except Exception as exc:  # a bug, not bad input: still one line unless --debug
            damaged = _damaged_input(exc)
            if damaged:
                stderr(f"{error_prefix()} {damaged}")
                raise typer.Exit(EXIT_INPUT) from exc
            if debug:
                traceback.print_exc()
            first = (str(exc).splitlines() or [""])[0][:300]
            stderr(_say("internal", kind=type(exc).__name__, first=first, code=EXIT_INTERNAL))
            raise typer.Exit(EXIT_INTERNAL) from exc

    return wrapper


def _damaged_input(exc: Exception) -> str | None:
    """A damaged compressed stream inside an input (read by a library below ingest)."""
    import zipfile  # deferred: start-up

    if isinstance(exc, (zlib.error, zipfile.BadZipFile, EOFError)):
        return _say("damaged", kind=type(exc).__name__, detail=exc)
    return None


def expand_inputs(inputs) -> list[Path]:
    """Every file an input argument can stand for (see imvo_cli.files.expand_inputs)."""
    from .. import files  # deferred: start-up

    return files.expand_inputs(inputs)


def guard_outputs(outputs, inputs) -> None:
    """Refuse any output that is one of the inputs actually read (see imvo_cli.files)."""
    from .. import files  # deferred: start-up

    files.guard_outputs(outputs, inputs)


def output_path_guard(out: Path | None, inputs: list[Path]) -> None:
    """Refuse to write over an input file (folders and globs in `inputs` are expanded)."""
    guard_outputs([out], inputs)


def parse_as_of(text: str | None):
    """--as-of YYYY-MM-DD -> date (None: today, decided by the risk model)."""
    from ..model import ImvoError  # deferred: start-up

    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ImvoError(f"--as-of expects a date as YYYY-MM-DD, got {text!r}", code="usage",
                        hint="for example --as-of 2024-12-31") from None


def is_stdout(output: Path | None) -> bool:
    """`--output -` (or no --output): the report goes to stdout."""
    return output is None or str(output) == "-"


def file_output(output: Path | None) -> Path | None:
    """The --output file, None when the report goes to stdout."""
    return None if is_stdout(output) else output


def emit(output: Path | None, produce: Callable[[], None]) -> None:
    """Run a renderer that prints to stdout; with `--output FILE` its text (as plain text, no
    colour) is written to FILE atomically instead. `--output -` is stdout."""
    target = file_output(output)
    if target is None:
        produce()
        return
    from ..export.atomic import atomic_path  # deferred: start-up

    # Straight into the temporary file (a large JSON document is never held as text).
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh, \
            contextlib.redirect_stdout(fh):
        produce()


def deprecated(old: str, new: str) -> None:
    """The one-line note an old option spelling prints (it still works for one release)."""
    stderr(_say("deprecated", old=old, new=new))


def pick_alias(new: Path | None, old: Path | None, old_name: str, new_name: str) -> Path | None:
    """The value of an option that has a deprecated spelling: the new one, else the old one
    (with its note); both given is a usage error."""
    if old is None:
        return new
    from ..model import ImvoError  # deferred: start-up

    if new is not None:
        raise ImvoError(f"{old_name} and {new_name} name the same output; give only {new_name}",
                        code="usage")
    deprecated(old_name, new_name)
    return old


STDIN = "-"
STDIN_LABEL = "<stdin>"  # how messages and reports name a list read from stdin


def relabel(issues: list, source: Path, file: Path) -> list:
    """The issues of a list read from stdin, naming `<stdin>` instead of the temporary file
    it was saved to (same input, same bytes); issues of a real file unchanged."""
    if str(file) != STDIN:
        return issues
    return [dataclasses.replace(i, file=STDIN_LABEL) if i.file == str(source) else i
            for i in issues]


def label_of(source: Path, file: Path) -> str:
    """The name of an input in reports: the path, or `<stdin>`."""
    return STDIN_LABEL if str(file) == STDIN else str(source)
# The first bytes of the binary formats read from stdin; anything else is read as text.
_MAGIC = ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"), (b"PK\x03\x04", ".xlsx"))


def stdin_suffix(data: bytes) -> str:
    """The file type of bytes read from stdin: .xlsx, .ods, .xls, else .csv (text)."""
    for magic, suffix in _MAGIC:
        if data.startswith(magic):
            if suffix == ".xlsx" and b"application/vnd.oasis.opendocument" in data[:200]:
                return ".ods"  # an ODF zip stores its uncompressed mimetype first
            return suffix
    return ".csv"


def policy_folder(file: Path) -> Path:
    """Where the imvo.toml of an input is looked for: beside it; for stdin, the current folder."""
    return Path.cwd() if str(file) == STDIN else file


@contextlib.contextmanager
def stdin_file(path: Path):
    """`FILE` `-`: stdin saved as `stdin.<type>` in a temporary folder (type detected from the
    bytes) for the block, so every reader and message works as for a file; a path as given."""
    if str(path) != STDIN:
        yield path
        return
    import tempfile  # deferred: start-up

    from ..model import ImvoError  # deferred: start-up
    from ..policy import Limits  # deferred: start-up

    limit = Limits().max_file_bytes
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise ImvoError(f"stdin holds more than {limit:,} bytes, the limit of one list",
                        file="-", code="file-too-large",
                        hint="save the list as a file and give its name (limits.max_file_bytes "
                             "in imvo.toml applies to files)")
    if not data.strip():
        raise ImvoError("nothing was read from stdin", file="-", code="empty-stdin",
                        hint="pipe a .csv or .xlsx file in, e.g. imvo validate - < suppliers.csv")
    with tempfile.TemporaryDirectory(prefix="imvo-stdin-") as folder:
        target = Path(folder) / f"stdin{stdin_suffix(data)}"
        target.write_bytes(data)
        try:
            yield target
        except ImvoError as exc:  # an unreadable list: the message names <stdin>
            stdin_named(exc, target)
            raise


def stdin_named(error, saved: Path):
    """An error about the file stdin was saved to, naming `<stdin>` instead (same input,
    same message); an error about another file as it is."""
    old = str(saved)
    if error.file == old:
        error.file = STDIN_LABEL
    for name in ("message", "hint"):
        text = getattr(error, name, None)
        if isinstance(text, str) and old in text:
            setattr(error, name, text.replace(old, STDIN_LABEL))
    if error.args and isinstance(error.args[0], str):
        error.args = (error.args[0].replace(old, STDIN_LABEL), *error.args[1:])
    return error
