"""Hidden rows and columns of a workbook sheet, read from its XML, and their notes.

The workbook reader gives hidden rows and columns like visible ones (and so they are read:
nothing is lost), but a user looking at the sheet does not see them. Their flags are in the
sheet's XML: xlsx `<row r="5" hidden="1">` and `<col min="2" max="3" hidden="1"/>` (rows
filtered out by an AutoFilter are hidden rows too); ods `table:visibility="collapse"` or
`"filter"` on a table-row or table-column, counted with their repeat counts.

The file has passed the container checks (precheck.py), so its parts unpack within the
limits. A part is streamed in chunks and searched for the word 'hidden' (or 'visibility')
first: a sheet with nothing hidden costs one pass of byte searches, no XML parsing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from .normalise import column_letter
from .notes import ReadNote, row_ranges
from .ods_merged import (
    LAST_COLUMN,
    LAST_ROW,
    TABLE_NS,
    Done,
    content_parser,
    content_part,
    parse_content,
    repeat_count,
)

_CHUNK = 1 << 20
_MAX_SPANS = 100_000  # hidden spans collected per sheet; a sheet has at most this many rows noted
_TAG_BACK = 4096  # bytes searched back from a 'hidden' attribute for the start of its tag
_HIDDEN_ATTR = re.compile(rb'\bhidden\s*=\s*["\'](?:1|true)["\']')
_TAG_START = re.compile(rb"<(?:\w{1,32}:)?(row|col)\b")
_ATTR = re.compile(rb'\b(r|min|max)\s*=\s*["\'](\d{1,10})["\']')


@dataclass(slots=True)
class Hidden:
    """A sheet's hidden rows and columns as 0-based (first, last) spans, inclusive."""

    rows: list[tuple[int, int]] = field(default_factory=list)
    cols: list[tuple[int, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rows or self.cols)


def xlsx_hidden(path: Path, part: str) -> Hidden:
    """The hidden rows and columns of the worksheet part `part` of an xlsx file."""
    found = Hidden()
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
            carry = b""
            while chunk := fh.read(_CHUNK):
                buf = carry + chunk
                cut = buf.rfind(b"<")
                if cut < 0:
                    cut = len(buf)
                scan_xlsx_chunk(buf[:cut], found)
                carry = buf[cut:][-_TAG_BACK:] if cut < len(buf) else b""
            scan_xlsx_chunk(carry, found)
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError):
        return Hidden()  # the reader itself reports a damaged part
    return found


def scan_xlsx_chunk(buf: bytes, found: Hidden) -> None:
    """Add the hidden rows and columns whose tags are whole in `buf` (a chunk of sheet XML
    cut before a tag) to `found`: the container check calls it on the chunks it reads anyway."""
    if b"hidden" not in buf:
        return
    for m in _HIDDEN_ATTR.finditer(buf):
        start = buf.rfind(b"<", max(0, m.start() - _TAG_BACK), m.start())
        if start < 0 or buf.find(b">", start, m.start()) >= 0:
            continue  # not inside a tag, or the tag is too long to be a row or a column
        tag = _TAG_START.match(buf, start)
        if tag is None:
            continue
        end = buf.find(b">", m.end())
        attrs = dict(_ATTR.findall(buf, tag.end(), end if end >= 0 else len(buf)))
        if tag.group(1) == b"row" and b"r" in attrs:
            _add(found.rows, int(attrs[b"r"]) - 1, int(attrs[b"r"]) - 1)
        elif tag.group(1) == b"col" and b"min" in attrs:
            first = int(attrs[b"min"]) - 1
            _add(found.cols, first, max(first, int(attrs.get(b"max") or attrs[b"min"]) - 1))


def _add(spans: list[tuple[int, int]], first: int, last: int) -> None:
    if first < 0 or len(spans) >= _MAX_SPANS:
        return
    if spans and spans[-1][1] + 1 == first:
        spans[-1] = (spans[-1][0], last)
    else:
        spans.append((first, last))


# ---------------------------------------------------------------- ods

_TABLE, _ROW, _COL = (f"{TABLE_NS} {n}" for n in ("table", "table-row", "table-column"))
_NAME, _VISIBILITY = f"{TABLE_NS} name", f"{TABLE_NS} visibility"
_ROWS_REPEATED = f"{TABLE_NS} number-rows-repeated"
_COLS_REPEATED = f"{TABLE_NS} number-columns-repeated"
_CELL_NAMES = (f"{TABLE_NS} table-cell", f"{TABLE_NS} covered-table-cell")


class _OdsHidden:
    """Collects the hidden rows and columns of the sheet `name` while expat reads."""

    def __init__(self, name: str, height: int, width: int) -> None:
        self.name, self.height, self.width = name, height, width
        self.found = Hidden()
        self.depth = 0  # table:table nesting inside the sheet (1: the sheet itself)
        self.row = self.col = 0
        self.in_cell = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _TABLE:
            if self.depth:
                self.depth += 1
            elif attrs.get(_NAME) == self.name:
                self.depth = 1
            return
        if self.depth != 1:
            return
        if name in _CELL_NAMES:
            self.in_cell += 1
        elif self.in_cell:
            return
        elif name == _ROW:
            n = min(repeat_count(attrs, _ROWS_REPEATED), LAST_ROW)
            if attrs.get(_VISIBILITY) in ("collapse", "filter") and self.row < self.height:
                _add(self.found.rows, self.row, min(self.row + n, self.height) - 1)
            self.row += n
            if self.row >= self.height and self.col >= self.width:
                raise Done
        elif name == _COL:
            n = min(repeat_count(attrs, _COLS_REPEATED), LAST_COLUMN)
            if attrs.get(_VISIBILITY) in ("collapse", "filter") and self.col < self.width:
                _add(self.found.cols, self.col, min(self.col + n, self.width) - 1)
            self.col += n

    def end(self, name: str) -> None:
        if name == _TABLE and self.depth:
            self.depth -= 1
            if not self.depth:
                raise Done
        elif self.depth == 1 and name in _CELL_NAMES:
            self.in_cell -= 1


def ods_hidden(path: Path, name: str, height: int, width: int) -> Hidden:
    """The hidden rows and columns of the sheet `name` of an ods file, within its data."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = content_part(zf)
            if info is None:
                return Hidden()
            with zf.open(info) as fh:
                if not _mentions(fh, b"visibility"):
                    return Hidden()
            collector = _OdsHidden(name, height, width)
            parse_content(content_parser(collector.start, collector.end), zf, info)
            return collector.found
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, expat.ExpatError):
        return Hidden()  # the reader itself reports a damaged file


def _mentions(fh, word: bytes) -> bool:
    tail = b""
    while chunk := fh.read(_CHUNK):
        if word in tail + chunk[:len(word)] or word in chunk:
            return True
        tail = chunk[-len(word):]
    return False


# ---------------------------------------------------------------- notes

_HINT_ROWS = ("unhide the rows (select the rows around them, right-click > Unhide; or clear "
              "the filter) to see what is read, or delete them if they are not part of the list")
_HINT_COLS = ("unhide the column (select the columns around it, right-click > Unhide) to see "
              "what is read, or delete it if it is not part of the list")


def hidden_notes(rows: list[list], hidden: Hidden) -> list[ReadNote]:
    """A note per span of hidden rows holding values and per hidden column holding values."""
    notes: list[ReadNote] = []
    filled = [r for first, last in hidden.rows for r in range(first, min(last, len(rows) - 1) + 1)
              if any(v not in (None, "") for v in rows[r])]
    spans: list[list[int]] = []
    for r in filled:
        if spans and spans[-1][-1] + 1 == r:
            spans[-1].append(r)
        else:
            spans.append([r])
    for span in spans:
        what = f"row {span[0] + 1} is" if len(span) == 1 else f"rows {row_ranges(span)} are"
        notes.append(ReadNote("hidden-rows", f"{what} hidden in the workbook (hidden or "
                              "filtered out); read like the other rows", _HINT_ROWS, span[0]))
    width = max(map(len, rows), default=0)
    for first, last in hidden.cols:
        for c in range(first, min(last, width - 1) + 1):
            if any(c < len(row) and row[c] not in (None, "") for row in rows):
                notes.append(ReadNote("hidden-column", f"column {column_letter(c)} is hidden in "
                                      "the workbook; read like the other columns", _HINT_COLS,
                                      None, c))
    return notes
