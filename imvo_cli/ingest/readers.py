"""Read spreadsheet files (xlsx, xlsm, xls, ods, csv, tsv, txt) into plain rows of values.

Workbooks go through python-calamine (fast, values only, never formulas) in a child process
with memory and time limits (isolate.py); their rows are used only once their containers
passed the checks in precheck.py (the first sheet's parse runs beside those checks). CSV text
is decoded (utf-8, BOM, utf-16, cp1252; textfile.py) and its delimiter sniffed.

What a reader finds damaged or out of sight on the way (NUL bytes, mojibake, invisible code
points, hidden rows and columns) is cleaned where that is safe and kept as the sheet's
`notes`, which the list reader reports as warnings.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as pc  # imported once here, not again in every parse worker
from defusedxml import ElementTree as ET  # the DTD check already ran; this is belt and braces

from ..model import ImvoError
from ..policy import Limits
from .celltext import check_cells
from .hidden import Hidden, hidden_notes, ods_hidden, xlsx_hidden
from .isolate import (
    Parsed,
    ParseFailed,
    PendingParse,
    isolation_available,
    run_parser,
    start_parser,
)
from .notes import ReadNote, capped
from .ods_merged import ods_merged_ranges
from .precheck import Extent, check_ole, check_zip, col_letters
from .textfile import check_csv_cells, decode_csv

__all__ = ["Extent", "Sheet", "decode_text", "fill_merged", "read_sheets", "sniff_delimiter",
           "start_reading"]

WORKBOOK_EXTS = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_EXTS = {".csv", ".tsv", ".txt"}
SUPPORTED_EXTS = WORKBOOK_EXTS | TEXT_EXTS
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(slots=True)
class Sheet:
    """One sheet's cells as rows of Python values; row i is Excel row i + 1."""

    name: str | None
    load: Callable[[int | None], list[list]]  # nrows -> rows (None: all)
    visible: bool = True
    kind: str = "worksheet"
    # (row, column) 0-based of formula cells saved without a result; they read as empty
    uncached_formulas: frozenset = frozenset()
    # (row, column) 0-based -> the error text ('#N/A') of cells the reader turns into empty
    error_cells: dict = None  # type: ignore[assignment]
    # merged ranges (first_row, first_col, last_row, last_col), 0-based inclusive; known once
    # the sheet is loaded, and their top-left value is then in every cell they cover
    merged: tuple[tuple[int, int, int, int], ...] = ()
    # what reading the sheet found damaged or hidden (notes.py); known once it is loaded
    notes: list[ReadNote] = field(default_factory=list)


def _fail(path: Path, message: str, hint: str, code: str = "unreadable", sheet=None) -> ImvoError:
    return ImvoError(message, file=path, sheet=sheet, hint=hint, code=code)


def check_file(path: Path, limits: Limits) -> None:
    if not path.exists():
        raise _fail(path, "file not found", "check the path and the file name", "missing")
    if path.is_dir():
        raise _fail(path, "is a directory, not a file",
                    "give a spreadsheet file (imvo check and aggregate accept folders)", "is-dir")
    size = path.stat().st_size
    if size == 0:
        raise _fail(path, "the file is empty (0 bytes)",
                    "export the supplier list again from its source", "empty-file")
    if size > limits.max_file_bytes:
        raise _fail(path, f"the file is {size:,} bytes, above the limit of "
                    f"{limits.max_file_bytes:,}", "raise limits.max_file_bytes in imvo.toml",
                    "too-large")
    ext = path.suffix.lower()
    if ext == ".xlsb":
        raise _fail(path, "binary Excel workbooks (.xlsb) are not read: their records cannot "
                    "be checked before parsing", "save it as .xlsx (File > Save As > Excel "
                    "Workbook) or as .csv", "unsupported-type")
    if ext not in SUPPORTED_EXTS:
        raise _fail(path, f"unsupported file type {path.suffix or '(none)'!r}",
                    "use .xlsx, .xlsm, .xls, .ods, .csv, .tsv or .txt", "unsupported-type")


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> worksheet part ('xl/worksheets/sheet1.xml'), from the workbook's own XML."""

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as zf:
            names = {i.filename.lower(): i.filename for i in zf.infolist()}
            wb = ET.fromstring(zf.read(names["xl/workbook.xml"]))
            rels = ET.fromstring(zf.read(names["xl/_rels/workbook.xml.rels"]))
    except Exception:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "") or ""
        target = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        target = posixpath.normpath(target)
        targets[rel.get("Id")] = names.get(target.lower(), target)
    parts = {}
    for sheet in wb.iter(f"{ns_main}sheet"):
        rid = sheet.get(f"{ns_rel}id")
        if rid in targets:
            parts[sheet.get("name")] = targets[rid]
    return parts


def _sniff_kind(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(8)
    ext = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK"):
        return "zip"
    if ext in TEXT_EXTS:
        return "text"
    return "unknown"


def _precheck(path: Path, limits: Limits) -> dict[str, Extent]:
    """The container checks for the file's type; the extent of each sheet part (xlsx)."""
    ext = path.suffix.lower()
    kind = _sniff_kind(path)
    if ext in (".xlsx", ".xlsm"):
        if kind == "ole":
            raise _fail(path, "the workbook is encrypted or password-protected",
                        "remove the password in Excel (File > Info > Protect Workbook) and save "
                        "a copy", "encrypted")
        if kind != "zip":
            raise _fail(path, "not an Excel workbook (the file is not an .xlsx zip container)",
                        "check the file; export it again as .xlsx or .csv", "not-a-workbook")
        return check_zip(path, limits, "xlsx")
    if ext == ".ods":
        if kind != "zip":
            raise _fail(path, "not an OpenDocument spreadsheet (the file is not a zip container)",
                        "export it again as .ods, .xlsx or .csv", "not-a-workbook")
        check_zip(path, limits, "ods")
        return {}
    if ext == ".xls":
        if kind == "zip":
            return check_zip(path, limits, "xlsx")  # an .xlsx saved with the old extension
        if kind != "ole":
            raise _fail(path, "not a legacy Excel (.xls) workbook",
                        "export it again as .xlsx or .csv", "not-a-workbook")
        check_ole(path, limits)
    return {}


def read_workbook(path: Path, limits: Limits) -> list[Sheet]:
    """Every sheet of a workbook as rows of values (formulas give their cached values).

    The container is checked first; the native reader then runs in a child process with a
    memory and time limit, so a file that crashes it is one file's error, not the command's.
    Opening the workbook also parses its first visible worksheet, the one usually read.

    That parse starts before the container checks and runs beside them in the worker (see
    `_early_open`); it is used only if the checks pass and no sheet reaches beyond the
    limits. Otherwise it is cancelled: a refused file gets the checks' error, and a workbook
    with a sheet beyond the limits is opened again knowing which sheets to leave unparsed.
    """
    early = _early_open(path, limits)
    try:
        extents = _precheck(path, limits)
    except BaseException:
        if early is not None:
            early.cancel()
        raise

    parts = _sheet_parts(path) if extents else {}
    # The worst extent: one beyond the limits if any sheet is (a long narrow sheet can be
    # beyond them with fewer cells than a wide one within them), else the most cells.
    worst = max(extents.values(), key=lambda e: (e.beyond(limits), e.cells), default=None)

    def extent_of(name: str) -> Extent | None:
        extent = extents.get(parts.get(name, ""))
        # A sheet whose part we could not map: assume the worst extent seen in the file.
        return extent if extent is not None or not extents else worst

    blocked = frozenset(n for n, e in ((n, extent_of(n)) for n in parts) if e and e.beyond(limits))
    unknown_blocked = bool(worst and worst.beyond(limits))
    if early is not None and (blocked or unknown_blocked):
        early.cancel()
        early = None
    # The container check found each sheet part's hidden rows and columns on its way.
    hidden: dict[str, Hidden] = {part: e.hidden for part, e in extents.items()}
    if early is not None:
        opened = _isolated(path, early.result)
    else:
        opened = _isolated(path, run_parser, _open_workbook, path, limits, blocked,
                           frozenset(parts), unknown_blocked)
    infos, first = opened.meta["sheets"], opened.meta["first"]
    cache: dict = {}
    if first is not None:
        cache[first] = (opened.rows, opened.meta["merged"], opened.meta["notes"])
    sheets: list[Sheet] = []
    for name, visible, kind_name in infos:
        extent = extent_of(name)
        sheet = Sheet(name, _not_loaded, visible, kind_name,
                      frozenset(extent.uncached_formulas) if extent else frozenset(),
                      dict(extent.error_cells) if extent else {})
        sheet.load = _sheet_loader(path, sheet, limits, extent, cache,
                                   _hidden_finder(path, parts.get(name), hidden))
        sheets.append(sheet)
    if not sheets:
        raise _fail(path, "the workbook has no sheets", "add a sheet with the supplier list",
                    "no-sheets")
    return sheets


def _hidden_finder(path: Path, part: str | None, found: dict[str, Hidden]
                   ) -> Callable[[str | None, list[list]], Hidden]:
    """A function (sheet name, its rows) -> its hidden rows and columns: from the xlsx part
    (looked at once, or taken from `found`), from content.xml for ods, none for .xls."""
    def find(name: str | None, rows: list[list]) -> Hidden:
        if part is not None:
            if part not in found:
                found[part] = xlsx_hidden(path, part)
            return found[part]
        if path.suffix.lower() == ".ods" and name is not None and rows:
            return ods_hidden(path, name, len(rows), max(map(len, rows)))
        return Hidden()
    return find


def _not_loaded(nrows: int | None = None) -> list[list]:
    """A sheet's loader until its real one is set."""
    return []


# The container a workbook must be for its early parse to start before the checks.
_EARLY_CONTAINER = {".xlsx": "zip", ".xlsm": "zip", ".ods": "zip", ".xls": "ole"}


def _early_open(path: Path, limits: Limits) -> PendingParse | None:
    """Start opening the workbook in the parse worker as if no sheet were beyond the limits,
    so the parse and the container checks run at the same time on two cores (the checks
    unzip and scan every sheet: about a third of the parse's time). Only where the parse
    runs in the worker, whose memory and time limits hold whatever the file is, and only
    for a file of the container its extension says (anything else fails the checks at once).
    A parse `start_reading` began for this file as it is now, with these limits, is taken.
    """
    started = _take_started(_reading_key(path, limits)) if _started else None
    return started if started is not None else _start_early(path, limits)


def _start_early(path: Path, limits: Limits) -> PendingParse | None:
    """The early parse of `_early_open`, started now where it may start (else None)."""
    if not isolation_available() or _sniff_kind(path) != _EARLY_CONTAINER.get(path.suffix.lower()):
        return None
    return start_parser(_open_workbook, path, limits, frozenset(), frozenset(), False)


# Parses start_reading began, by _reading_key, with the process that began them;
# read_sheets takes or cancels them.
_started: dict[tuple, tuple[int, PendingParse]] = {}


def start_reading(path: str | Path, limits: Limits | None = None) -> None:
    """Start the parse of a workbook now, in the parse worker, so it runs while the caller
    does other work (a command importing what it needs after the read): the next
    read_sheets of this file with these limits takes it. Nothing starts for a file
    read_sheets would refuse at once or whose container does not match its extension, nor
    without a parse worker; a file changed in between is parsed again. A parse never taken
    is cancelled by the next read_sheets, or ended with the worker at exit."""
    path = Path(path)
    limits = limits or Limits()
    try:
        check_file(path, limits)
    except ImvoError:
        return  # read_sheets says so
    if path.suffix.lower() not in _EARLY_CONTAINER:
        return  # a text table: read in this process, nothing to start
    key = _reading_key(path, limits)
    if key is None:
        return
    try:
        pending = _take_started(key) or _start_early(path, limits)
    except OSError:
        return  # not readable now, or no worker could start: the read itself says so
    if pending is not None:
        _started[key] = (os.getpid(), pending)


def _take_started(key: tuple | None) -> PendingParse | None:
    """The parse begun for `key` in this process, if any; every other one is cancelled (it
    was for another file, other limits, or the file changed since). One begun by the
    process this one was forked from is only forgotten: its worker is not this process's."""
    found = None
    for k, (pid, pending) in _started.items():
        if pid != os.getpid():
            continue
        if k == key:
            found = pending
        else:
            pending.cancel()
    _started.clear()
    return found


def _reading_key(path: Path, limits: Limits) -> tuple | None:
    """The file as it is now (path, inode, size, modification time) and the limits."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, limits)


def _isolated(path: Path, run: Callable[..., Parsed], *args) -> Parsed:
    """run(*args) (a parse in the worker), its crash or exhaustion as the file's error."""
    try:
        return run(*args)
    except ParseFailed as exc:
        raise _fail(path, f"the workbook cannot be read safely: {exc.reason}",
                    "open it in Excel or LibreOffice and save it again as .xlsx, or save it "
                    "as .csv", "reader-crashed") from None


def _open_calamine(path: Path):

    try:
        if path.suffix.lower() == ".xls" and _sniff_kind(path) == "zip":
            # An .xlsx saved with the old extension (checked as one): the reader tells the
            # format from the content only when it is given the bytes.
            return pc.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        return pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise _fail(path, "the workbook is encrypted or password-protected",
                    "remove the password in Excel and save a copy", "encrypted") from None
    except Exception as exc:  # calamine raises several types for broken files
        text = _first_line(exc)
        if "cell limit" in text.lower():  # calamine's own guard (ods repeated cells)
            raise _fail(path, f"a sheet is too large to read ({text})",
                        "delete stray cells far below or right of the list", "too-many-cells") from None
        if re.search(r"encrypt|password", text, re.I):
            raise _fail(path, "the workbook is encrypted or password-protected",
                        "remove the password in Excel and save a copy", "encrypted") from None
        raise _fail(path, f"the workbook cannot be read ({text})",
                    "open it in Excel or LibreOffice and save it again as .xlsx", "corrupt") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    line = text.splitlines()[0][:200] if text.strip() else type(exc).__name__
    return line.encode("unicode_escape").decode("ascii") if not line.isprintable() else line


def _open_workbook(path: Path, limits: Limits, blocked: frozenset, known: frozenset,
                   unknown_blocked: bool) -> Parsed:
    """(In the child) sheet names, visibility and kinds, and the first visible worksheet."""
    wb = _open_calamine(path)
    try:
        metas = {m.name: m for m in wb.sheets_metadata}
    except Exception:
        metas = {}
    infos = []
    for name in wb.sheet_names:
        meta = metas.get(name)
        visible, kind_name = True, "worksheet"
        if meta is not None:
            visible = "hidden" not in str(meta.visible).lower()
            kind_name = "chart" if "chart" in str(meta.typ).lower() else "worksheet"
        infos.append((name, visible, kind_name))
    first = next((n for n, v, k in infos if v and k == "worksheet"), None)
    rows, merged, notes = None, (), []
    if first is not None and (first in blocked or (unknown_blocked and first not in known)):
        first = None  # refused by its extent when (and if) it is read
    if first is not None:
        try:
            rows, merged = _parse_sheet(path, wb, first, limits)
        except ImvoError:
            first = None  # raised again when (and if) the sheet is read
        else:
            notes = check_cells(rows, merged)
    return Parsed({"sheets": infos, "first": first, "merged": merged, "notes": notes}, rows)


def _sheet_loader(path: Path, sheet: Sheet, limits: Limits, extent: Extent | None,
                  cache: dict, find_hidden: Callable[[str | None, list[list]], Hidden]
                  ) -> Callable[[int | None], list[list]]:
    """Rows load only when a sheet is looked at (first 20 rows) or chosen (all rows).

    The reader parses the whole sheet even for its first rows, so one parsed sheet is kept
    (in `cache`) until the full read takes it; the full read also notes its hidden rows and
    columns.
    """
    name = sheet.name

    def load(nrows: int | None = None) -> list[list]:
        if extent is not None:
            _check_extent(path, name, extent, limits)
        if name in cache:
            rows, merged, notes = cache.pop(name)
        else:
            cache.clear()
            parsed = _isolated(path, run_parser, _parse_sheet_child, path, name, limits)
            rows, (merged, notes) = parsed.rows, parsed.meta
        sheet.merged = merged
        if nrows is None:
            sheet.notes = capped(notes + hidden_notes(rows, find_hidden(name, rows)))
            return rows
        cache[name] = (rows, merged, notes)
        return rows[:nrows]
    return load


def _parse_sheet_child(path: Path, name: str, limits: Limits) -> Parsed:
    rows, merged = _parse_sheet(path, _open_calamine(path), name, limits)
    return Parsed((merged, check_cells(rows, merged)), rows)


def _check_extent(path: Path, name: str | None, extent: Extent, limits: Limits) -> None:
    """Refuse a sheet by the reach of its cells before the reader allocates them.

    The pre-check stops scanning once a sheet is beyond a limit, so the reach it found is
    where the sheet reaches at least (a far cell may lie further right or down)."""
    last = f"{col_letters(extent.max_col)}{extent.max_row}"
    if extent.max_row > limits.max_rows + 1:
        raise _fail(path, f"the sheet reaches row {extent.max_row:,} (it spans at least A1:{last}), above the "
                    f"limit of {limits.max_rows:,} rows",
                    "delete stray cells below the list, split the list, or raise "
                    "limits.max_rows in imvo.toml", "too-many-rows", sheet=name)
    if extent.max_col > limits.max_columns:
        raise _fail(path, f"the sheet reaches column {extent.max_col:,} (it spans at least A1:{last}), above the "
                    f"limit of {limits.max_columns:,} columns",
                    "delete stray cells right of the list or raise limits.max_columns in imvo.toml",
                    "too-many-columns", sheet=name)
    if extent.cells > limits.max_cells:
        raise _fail(path, f"the sheet spans at least A1:{last} ({extent.cells:,} cells), above the limit "
                    f"of {limits.max_cells:,} cells",
                    "delete stray cells far below or right of the list, or raise "
                    "limits.max_cells in imvo.toml", "too-many-cells", sheet=name)


def _parse_sheet(path: Path, wb, name: str, limits: Limits) -> tuple[list[list], tuple]:
    """All rows of one sheet, merged ranges filled in, with the ranges (0-based, inclusive)."""
    try:
        s = wb.get_sheet_by_name(name)
        if s.height > limits.max_rows + 1:
            raise _fail(path, f"the sheet has {s.height:,} rows, above the limit of "
                        f"{limits.max_rows:,}", "raise limits.max_rows in imvo.toml or split "
                        "the list", "too-many-rows", sheet=name)
        if s.width > limits.max_columns:
            raise _fail(path, f"the sheet has {s.width:,} columns, above the limit of "
                        f"{limits.max_columns:,}", "raise limits.max_columns in imvo.toml",
                        "too-many-columns", sheet=name)
        if s.height * s.width > limits.max_cells:
            raise _fail(path, f"the sheet spans {s.height * s.width:,} cells, above the limit "
                        f"of {limits.max_cells:,} cells", "delete stray cells far below or "
                        "right of the list, or raise limits.max_cells in imvo.toml",
                        "too-many-cells", sheet=name)
        rows = s.to_python(skip_empty_area=False)
        ranges = s.merged_cell_ranges or ()
        if not ranges and rows and path.suffix.lower() == ".ods":  # the reader reports none for it
            ranges = ods_merged_ranges(path, name, len(rows), max(map(len, rows)), limits.max_cells)
    except ImvoError:
        raise
    except Exception as exc:
        text = _first_line(exc)
        if "cell limit" in text.lower():  # calamine's own guard (ods repeated cells)
            raise _fail(path, f"the sheet is too large to read ({text})",
                        "delete stray cells far below or right of the list", "too-many-cells",
                        sheet=name) from None
        raise _fail(path, f"the sheet cannot be read ({text})",
                    "open it in Excel or LibreOffice and save it again", "corrupt",
                    sheet=name) from None
    merged = fill_merged(rows, ranges, limits.max_cells)
    if merged is None:
        raise _fail(path, f"the sheet's {len(ranges):,} merged ranges cover more than "
                    f"{limits.max_cells:,} cells", "unmerge the cells (Home > Merge & Center) "
                    "and save again", "too-many-cells", sheet=name)
    return rows, merged


def fill_merged(rows: list[list], ranges, budget: int) -> tuple | None:
    """Copy each merged range's top-left value into every cell it covers that exists in
    `rows`; the ranges as (first_row, first_col, last_row, last_col). None: more than
    `budget` cells (each range counts at least one), so a hostile file stays bounded."""
    out = []
    work = 0
    height = len(rows)
    for (r0, c0), (r1, c1) in ranges:
        r0, c0, r1, c1 = int(r0), int(c0), int(r1), int(c1)
        if r1 < r0 or c1 < c0 or r0 < 0 or c0 < 0:
            continue
        out.append((r0, c0, r1, c1))
        work += 1
        if r0 >= height or c0 >= len(rows[r0]):
            if work > budget:
                return None
            continue
        value = rows[r0][c0]
        last_row = min(r1, height - 1)
        for r in range(r0, last_row + 1):
            row = rows[r]
            stop = min(c1, len(row) - 1)
            work += max(0, stop - c0 + 1)
            if work > budget:
                return None
            if stop >= c0:
                row[c0:stop + 1] = [value] * (stop - c0 + 1)
    return tuple(sorted(out))


def decode_text(data: bytes, path: Path | None = None) -> str:
    """utf-8 (with or without BOM), utf-16 (by BOM or NUL pattern), else cp1252 (Excel's
    Western export); see textfile.py. Bytes it could not read are U+FFFD."""
    decoded = decode_csv(data)
    return decoded.text if decoded.marker is None else decoded.text.replace(decoded.marker, "")


SNIFF_CHARS = 1 << 16  # the delimiter is decided on this prefix (the first lines)


def sniff_delimiter(text: str, ext: str) -> str:
    """The delimiter (, ; tab |) counted outside quotes in the first 50 lines of a bounded prefix."""
    if ext == ".tsv":
        return "\t"
    sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:50])
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    in_quote = False
    for ch in sample:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _lines(text: str) -> Iterator[str]:
    """The lines of a text whose line breaks are all "\n", each with its "\n"."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start:stop + 1]
        start = stop + 1


_BATCH_ROWS = 4096  # rows parsed between two checks of the limits on the fast path


def _fast_rows(text: str, delimiter: str, limits: Limits) -> list[list] | None:
    """The rows of a CSV text, the limits checked once per batch of rows; None when a
    limit is passed or a line is malformed (the batch overshoots a limit by at most
    `_BATCH_ROWS` rows of `limits.max_columns` cells)."""
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    rows: list[list] = []
    cells = 0
    try:
        while batch := list(itertools.islice(reader, _BATCH_ROWS)):
            rows += batch
            cells += sum(map(len, batch))
            if (len(rows) > limits.max_rows + 1 or cells > limits.max_cells
                    or max(map(len, batch)) > limits.max_columns):
                return None
    except csv.Error:
        return None
    return rows


def _checked_rows(text: str, delimiter: str, limits: Limits, path: Path) -> list[list]:
    """The rows of a CSV text, each checked as it is read: the first limit it passes or
    the malformed line raises, with its line number."""
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    rows: list[list] = []
    cells = 0
    try:
        for row in reader:
            rows.append(row)
            cells += len(row)
            if len(rows) > limits.max_rows + 1:
                raise _fail(path, f"more than {limits.max_rows:,} rows",
                            "raise limits.max_rows in imvo.toml or split the list", "too-many-rows")
            if len(row) > limits.max_columns:
                raise ImvoError(f"line {reader.line_num} has {len(row):,} fields, above the limit "
                                f"of {limits.max_columns:,} columns", file=path,
                                row=reader.line_num, code="too-many-columns",
                                hint="check the delimiter, or raise limits.max_columns in imvo.toml")
            if cells > limits.max_cells:
                raise _fail(path, f"more than {limits.max_cells:,} cells",
                            "split the list or raise limits.max_cells in imvo.toml",
                            "too-many-cells")
    except csv.Error as exc:
        hint = ("check for an unbalanced double quote on that line" if "field larger" not in str(exc)
                else "a cell is larger than the whole-file limit; check for an unbalanced quote")
        raise ImvoError(f"the CSV is malformed near line {reader.line_num}: {exc}", file=path,
                        row=reader.line_num, code="csv-malformed", hint=hint) from None
    return rows


def read_text_table(path: Path, limits: Limits) -> list[Sheet]:
    data = path.read_bytes()
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise _fail(path, "this is a workbook saved with a text extension",
                    f"rename it to .xlsx/.xls (it is not {path.suffix} text)", "wrong-extension")
    decoded = decode_csv(data)
    text = decoded.text
    decoded.text = ""  # the one copy of the text is `text`, let go below
    nul = "\x00" in text  # left in for the cells to note (csv reads NUL as any character)
    delimiter = sniff_delimiter(text, path.suffix.lower())
    del data
    # Normalise stray CR line endings so csv sees one kind of line break.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A cell longer than csv's default 128 KiB is read whole; ingest truncates it to
    # limits.max_cell_chars with a warning (the file itself is bounded by max_file_bytes).
    if csv.field_size_limit() < limits.max_file_bytes:
        csv.field_size_limit(limits.max_file_bytes)
    # Lines are cut from the text one at a time (io.StringIO would hold a second copy of the
    # whole text at four bytes per character).
    rows = _fast_rows(text, delimiter, limits)
    if rows is None:  # a limit or a malformed line: read again row by row for its error
        rows = _checked_rows(text, delimiter, limits, path)
    del text
    notes = capped(decoded.notes + check_csv_cells(rows, decoded, nul) + check_cells(rows))

    def load(nrows: int | None = None) -> list[list]:
        return rows if nrows is None else rows[:nrows]
    return [Sheet(None, load, notes=notes)]


def read_sheets(path: str | Path, limits: Limits | None = None) -> list[Sheet]:
    """The sheets of a file; a workbook sheet's rows load when `sheet.load()` is called."""
    path = Path(path)
    limits = limits or Limits()
    check_file(path, limits)
    if path.suffix.lower() in TEXT_EXTS:
        return read_text_table(path, limits)
    return read_workbook(path, limits)
