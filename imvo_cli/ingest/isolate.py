"""Run a parser of untrusted files in a child process with a memory and a time limit.

A native reader can abort the process (a Rust panic that aborts, a failed allocation) or
allocate without bound on a few kilobytes of crafted input. Run in a forked worker, such a
file costs only the worker: the parent gets an ImvoError for that one file and goes on. The
worker is forked once (while the command is still small) and serves file after file; after
a crash, a timeout or a failed parse it is replaced for the next file. A parse can be
started and its result taken later (`start_parser`), so the caller works meanwhile.

The child's result comes back over a pipe: rows of plain values as one `marshal` blob
(fast to write and read); rows that hold values marshal cannot (dates, times) as one
memo-less pickle.
The cyclic garbage collector is paused while rows are built on either side: they are
hundreds of thousands of lists that make no cycles, and it would rescan them for nothing.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import gc
import io
import marshal
import os
import pickle
import select
import signal
import struct
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..collector import gc_paused
from ..model import ImvoError

try:
    import resource
except ImportError:  # pragma: no cover - not on POSIX; isolation needs fork anyway
    resource = None  # type: ignore[assignment]  # the module is optional off POSIX

# Address space a parse may add to what the process already maps, and its wall-clock time.
PARSE_MEMORY_BYTES = 1 << 30
PARSE_SECONDS = 300.0
# IMVO_PARSE_IN_PROCESS=1 parses in the command's own process (to measure the isolation).
IN_PROCESS_ENV = "IMVO_PARSE_IN_PROCESS"

_HEADER = struct.Struct("<Q")
_TRIAL_ROWS = 64  # rows packed alone first, to find values marshal cannot hold early


@dataclass(frozen=True, slots=True)
class Budget:
    """What one isolated parse may use."""

    memory_bytes: int = PARSE_MEMORY_BYTES
    seconds: float = PARSE_SECONDS


@dataclass(slots=True)
class Parsed:
    """What a parse returns: any small picklable `meta` and rows of cell values."""

    meta: Any = None
    rows: list | None = None


class ParseFailed(Exception):
    """The child died or ran out of time or memory; `reason` says how, in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def isolation_available() -> bool:
    return hasattr(os, "fork") and os.environ.get(IN_PROCESS_ENV) != "1"


@dataclass(slots=True)
class _Worker:
    """A forked parse worker serving one request at a time over two pipes."""

    pid: int
    requests: int  # write end, parent -> worker
    replies: int  # read end, worker -> parent
    owner: int  # the process that forked it (a forked pool process must start its own)
    budget: Budget
    # A request was sent whose reply is not read yet (a PendingParse left neither read nor
    # cancelled): the worker is not asked again, its next reply would answer the old request.
    pending: bool = False
    stopped: bool = False  # ended and reaped: its pid and fds may belong to others by now


_worker: _Worker | None = None


def run_parser(fn: Callable[..., Parsed], *args, budget: Budget = Budget()) -> Parsed:
    """`fn(*args)` in the parse worker (in-process where fork is missing); ImvoError passes
    through, a crash, a timeout or exhausted memory raises ParseFailed. `fn` must be a
    module-level function and `args` picklable."""
    if not isolation_available():
        return fn(*args)
    return start_parser(fn, *args, budget=budget).result()


class PendingParse:
    """A parse sent to the worker whose reply is not read yet: the caller can do other
    work meanwhile (the worker runs on another core), then take the `result()` or, when
    the parse is no longer wanted, `cancel()` it (the worker is ended; the next parse
    forks a fresh one)."""

    def __init__(self, worker: _Worker, deadline: float, budget: Budget, sent: bool):
        self._worker = worker
        self._deadline = deadline
        self._budget = budget
        self._sent = sent
        self._open = True

    def result(self) -> Parsed:
        """What `run_parser` returns: the parse's rows and meta, its ImvoError, or
        ParseFailed for a crash, a timeout or exhausted memory."""
        if not self._open:
            raise RuntimeError("the parse was cancelled or its result already taken")
        self._open = False
        worker = self._worker
        if worker.stopped:  # replaced by a later parse: its pipes are closed, maybe reused
            raise ParseFailed("the parse was ended before its result was read")
        try:
            data = _read_reply(worker, self._deadline, self._budget.seconds) if self._sent else None
            worker.pending = False
        except BaseException:
            _stop(worker)
            raise
        if data is None:
            raise _death(_stop(worker))
        kind, payload = pickle.loads(data)
        del data
        if kind == "ok":
            meta, blob, packing = payload
            if blob is None:
                return Parsed(meta, None)
            with gc_paused(promote=False):
                rows = _thaw(blob, packing)
            del blob, payload
            return Parsed(meta, rows)
        if kind == "imvo":
            raise ImvoError(payload.pop("message"), **payload)
        _stop(worker)  # the worker exits after a failure; the next file gets a fresh one
        raise ParseFailed(payload)

    def cancel(self) -> None:
        """Give up on the parse: the worker is stopped wherever it is."""
        if self._open:
            self._open = False
            _stop(self._worker)


def start_parser(fn: Callable[..., Parsed], *args, budget: Budget = Budget()) -> PendingParse:
    """Send `fn(*args)` to the parse worker and return at once (only where
    `isolation_available()`: without a worker there is nothing to run it beside the caller).
    The time limit counts from now."""
    if not isolation_available():
        raise RuntimeError("no parse worker without os.fork (use run_parser)")
    worker = _ensure_worker(budget)
    deadline = time.monotonic() + budget.seconds
    try:
        # The worker was forked once, in the folder the command was in then: relative paths
        # are read from the caller's folder now.
        request = (os.getcwd(), fn, args)
        _write_all(worker.requests, _framed(pickle.dumps(request, pickle.HIGHEST_PROTOCOL)))
    except BrokenPipeError:
        return PendingParse(worker, deadline, budget, sent=False)
    except BaseException:
        _stop(worker)
        raise
    worker.pending = True
    return PendingParse(worker, deadline, budget, sent=True)


def _ensure_worker(budget: Budget) -> _Worker:
    global _worker
    w = _worker
    if w is not None and w.owner == os.getpid() and w.budget == budget and not w.pending:
        return w
    if w is not None and w.owner == os.getpid():
        _stop(w)
    elif w is not None:  # inherited through fork: not ours to talk to
        for fd in (w.requests, w.replies):
            with contextlib.suppress(OSError):
                os.close(fd)
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with a progress thread
        pid = os.fork()
    if pid == 0:  # the worker: never returns
        os.close(req_w)
        os.close(rep_r)
        _serve(req_r, rep_w, budget)
    os.close(req_r)
    os.close(rep_w)
    _worker = _Worker(pid, req_w, rep_r, os.getpid(), budget)
    return _worker


def _stop(worker: _Worker) -> int:
    """End the worker and reap it; its wait status (0 when it was stopped before)."""
    global _worker
    if _worker is worker:
        _worker = None
    if worker.stopped:
        return 0
    worker.stopped = True
    for fd in (worker.requests, worker.replies):
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(OSError):
        pid, status = os.waitpid(worker.pid, os.WNOHANG)
        if pid:
            return status
    with contextlib.suppress(OSError):
        os.kill(worker.pid, signal.SIGKILL)
    try:
        return os.waitpid(worker.pid, 0)[1]
    except OSError:
        return 0


@atexit.register
def _stop_at_exit() -> None:
    if _worker is not None and _worker.owner == os.getpid():
        _stop(_worker)


def _framed(blob: bytes) -> bytes:
    return _HEADER.pack(len(blob)) + blob


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_reply(worker: _Worker, deadline: float, seconds: float) -> bytes | None:
    try:
        head = _read_exact(worker.replies, _HEADER.size, deadline)
        if head is None:
            return None
        return _read_exact(worker.replies, _HEADER.unpack(head)[0], deadline)
    except TimeoutError:
        _stop(worker)
        raise ParseFailed(f"reading took longer than {seconds:.0f} seconds") from None


def _death(status: int) -> ParseFailed:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        if sig == signal.SIGKILL:
            return ParseFailed("the reader was killed (out of memory or time)")
        return ParseFailed(f"the reader crashed (signal {name}; often memory exhausted by the file)")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return ParseFailed(f"the reader stopped without a result (exit status {code})")


def _serve(requests: int, replies: int, budget: Budget) -> None:
    """The worker's loop: one request in, one reply out, until the parent goes away."""
    code = 0
    try:
        faulthandler.disable()  # its dump would reach the user's terminal through a kept fd
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _quiet_std_streams()
        _set_limits(budget)
        gc.freeze()  # what the worker inherited is never collected (nor its pages copied)
        while True:
            head = _read_exact(requests, _HEADER.size, None)
            if head is None:
                break
            data = _read_exact(requests, _HEADER.unpack(head)[0], None)
            if data is None:
                break
            failed = False
            try:
                cwd, fn, args = pickle.loads(data)
                os.chdir(cwd)
                with gc_paused(promote=False):
                    out = ("ok", _freeze(fn(*args)))
            except ImvoError as exc:
                out = ("imvo", {"message": exc.message, "file": exc.file, "sheet": exc.sheet,
                                "row": exc.row, "column": exc.column, "hint": exc.hint,
                                "code": exc.code})
            except MemoryError:
                failed = True
                out = ("failed", "the reader ran out of memory (the file needs more than "
                       f"{budget.memory_bytes >> 20:,} MiB)")
            except BaseException as exc:
                failed = True
                first = (str(exc).splitlines() or [""])[0][:200]
                first = first.encode("unicode_escape").decode("ascii")
                out = ("failed", f"the reader failed ({type(exc).__name__}"
                       f"{': ' + first if first else ''})")
            _write_all(replies, _framed(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)))
            del out
            if failed:
                break
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _quiet_std_streams() -> None:
    """A native backtrace or warning in the child must not reach the user's terminal."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
    os.close(devnull)


def _vm_size() -> int | None:
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _set_limits(budget: Budget) -> None:
    if resource is None:  # pragma: no cover - not on POSIX
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file
    base = _vm_size()
    if base is not None:
        want = base + budget.memory_bytes
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


# ---------------------------------------------------------------- values across the pipe


def _freeze(parsed: Parsed):
    """(meta, blob of rows, how it is packed: "marshal" for plain values, else "pickle")."""
    rows = parsed.rows
    if rows is None:
        return parsed.meta, None, "marshal"
    # marshal refuses the first value it cannot hold (a date): a sheet without any goes as
    # is; the first rows are tried alone, so a sheet whose dates start there is not packed
    # twice. Otherwise pickle holds every value as it is, without a memo (rows make no
    # cycles and share nothing worth sharing), in about the time of a scan for the dates.
    try:
        marshal.dumps(rows[:_TRIAL_ROWS])
        return parsed.meta, marshal.dumps(rows), "marshal"
    except ValueError:
        pass
    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(rows)
    return parsed.meta, out.getvalue(), "pickle"


def _thaw(blob, packing: str) -> list:
    """The rows `_freeze` packed."""
    return marshal.loads(blob) if packing == "marshal" else pickle.loads(blob)
