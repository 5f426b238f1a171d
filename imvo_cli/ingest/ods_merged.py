"""Merged cells of an OpenDocument (.ods) sheet, read from its content.xml.

The workbook reader reports no merged ranges for OpenDocument, so a 'Country' merged over
three rows would leave two of them empty. This reads them from the sheet's XML: a
table:table-cell with table:number-columns-spanned / table:number-rows-spanned starts a
range, positions counted with table:number-columns-repeated and table:number-rows-repeated.

The file has passed the container checks (precheck.py: no DTD, bounded unpacked size).
content.xml is first searched for a span attribute at all (one byte search: a sheet without
merged cells costs nothing more). A content.xml in the usual form is then read by byte
searches with Python work per merged cell only (the fast path below); any other is
streamed through expat, which builds no tree, with a DTD, entity declarations and external
entities refused as defusedxml refuses them, stopping at the end of the sheet, below its
last data row or after the file's last span attribute. Only ranges whose top-left cell lies in the sheet's data are
kept (the others fill and note nothing), and the collection stops once the covered cells
pass `budget`, so memory stays bounded whatever the file holds.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CHUNK = 1 << 20
_SPANNED = b"-spanned"
# expat's names with namespace_separator=" ": "<namespace uri> <local name>"
_TABLE = f"{TABLE_NS} table"
_ROW = f"{TABLE_NS} table-row"
_CELL = f"{TABLE_NS} table-cell"
_COVERED = f"{TABLE_NS} covered-table-cell"
_NAME = f"{TABLE_NS} name"
_ROWS_REPEATED = f"{TABLE_NS} number-rows-repeated"
_COLUMNS_REPEATED = f"{TABLE_NS} number-columns-repeated"
_ROWS_SPANNED = f"{TABLE_NS} number-rows-spanned"
_COLUMNS_SPANNED = f"{TABLE_NS} number-columns-spanned"

# A span reaches no further than a spreadsheet's last row and column (LibreOffice's limits).
LAST_ROW, LAST_COLUMN = 1_048_576, 16_384

Range = tuple[tuple[int, int], tuple[int, int]]  # ((first_row, first_col), (last_row, last_col))


class Done(Exception):
    """The sheet is read as far as it matters: a handler raises it to stop the parse."""


class _Refused(ValueError):
    """XML a spreadsheet never needs (a DTD, entities): the parse stops."""


def _refuse(*_args) -> None:
    raise _Refused("content.xml declares a DTD or entities")


def _refuse_external(*_args) -> int:
    raise _Refused("content.xml refers to an external entity")


def repeat_count(attrs, key) -> int:
    """A repeat or span count; absent, malformed or below 1 counts as 1."""
    text = attrs.get(key)
    if text is None:
        return 1
    try:
        n = int(text)
    except ValueError:
        return 1
    return n if n > 0 else 1


class _MergedCells:
    """Collects the merged ranges of the sheet `name` within `height` rows, `width` columns;
    no element starting after byte `last` (the last span attribute) can add one."""

    def __init__(self, name: str, height: int, width: int, budget: int, last: int) -> None:
        self.name, self.height, self.width, self.budget, self.last = name, height, width, budget, last
        self.parser: expat.XMLParserType | None = None
        self.ranges: list[Range] = []
        self.work = 0
        self.depth = 0  # table:table nesting inside the sheet (1: the sheet itself)
        self.row = 0  # the first row of the current table-row
        self.repeat = 1  # how many rows the current table-row stands for
        self.col = 0
        self.cell_depth = 0  # cells open inside the current row (a cell's own content)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.parser is not None and self.parser.CurrentByteIndex > self.last:
            raise Done  # after the file's last span: nothing further is merged
        if name == _TABLE:
            if self.depth:
                self.depth += 1  # a table inside a cell: not the sheet's rows
            elif attrs.get(_NAME) == self.name:
                self.depth = 1
            return
        if self.depth != 1:
            return
        if name == _ROW and not self.cell_depth:
            self.repeat, self.col = repeat_count(attrs, _ROWS_REPEATED), 0
        elif name in (_CELL, _COVERED):
            self.cell_depth += 1
            if self.cell_depth == 1:
                repeat = repeat_count(attrs, _COLUMNS_REPEATED)
                if name == _CELL:
                    self._span(attrs, repeat)
                self.col += repeat

    def end(self, name: str) -> None:
        if name == _TABLE and self.depth:
            self.depth -= 1
            if not self.depth:
                raise Done
            return
        if self.depth != 1:
            return
        if name in (_CELL, _COVERED):
            self.cell_depth -= 1
        elif name == _ROW and not self.cell_depth:
            self.row += self.repeat
            if self.row >= self.height:
                raise Done  # below the data: nothing further can fill or be noted

    def _span(self, attrs, repeat: int) -> None:
        rows, cols = repeat_count(attrs, _ROWS_SPANNED), repeat_count(attrs, _COLUMNS_SPANNED)
        if rows == cols == 1 or self.col >= self.width:
            return
        # A repeated row or cell stands for identical copies: each copy is a range.
        for r in range(self.row, min(self.row + self.repeat, self.height)):
            for c in range(self.col, min(self.col + repeat, self.width)):
                self.ranges.append(((r, c), (min(r + rows, LAST_ROW) - 1, min(c + cols, LAST_COLUMN) - 1)))
                self.work += 1 + min(rows, self.height - r) * min(cols, self.width - c)
                if self.work > self.budget:
                    raise Done  # the filling refuses the sheet for its merged cells


def content_part(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    return next((i for i in zf.infolist() if i.filename.lower() == "content.xml"), None)


def _last_span(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The byte offset of content.xml's last span attribute, -1 for none: one byte search
    per chunk, so a sheet without merged cells is not parsed."""
    last, offset, tail = -1, 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            buf = tail + chunk
            found = buf.rfind(_SPANNED)
            if found >= 0:
                last = offset - len(tail) + found
            offset += len(chunk)
            tail = chunk[-len(_SPANNED) + 1:]
    return last


# ---- the fast path: byte searches over content.xml held in memory -------------------------
#
# A file in the usual form (the table namespace bound once, on the root element; no
# comments, CDATA sections or processing instructions; no table inside a cell) is read
# without a Python step per cell: rows and cells before each merged cell are counted by
# bytes.count and re.findall, and Python works once per merged cell. Anything else, or a
# content.xml above IN_MEMORY_BYTES, goes through the streaming parse above.

IN_MEMORY_BYTES = 128 << 20  # beside the parsed sheet, within the parse worker's memory limit
_ENDS = (b" ", b"\t", b"\n", b"\r", b">", b"/")  # what may follow an element's name


class _Unusual(Exception):
    """content.xml is not in the form the fast path reads: use the streaming parse."""


def _table_prefix(data: bytes) -> tuple[bytes, int]:
    """The prefix bound to the table namespace on the root element (b"table"), and where
    the root's start tag ends."""
    found: dict[str, str] = {}
    at = [0]

    def root(name: str, attrs: dict[str, str]) -> None:
        found.update(attrs)
        at[0] = parser.CurrentByteIndex  # where the root's start tag begins
        raise Done

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.StartElementHandler = root
    try:
        parser.Parse(data[:1 << 20], False)
    except Done:
        pass
    except expat.ExpatError:
        raise _Unusual from None
    if not found:
        raise _Unusual  # no root element within the first MiB
    prefixes = [k[6:] for k, v in found.items() if k.startswith("xmlns:") and v == TABLE_NS]
    if len(prefixes) != 1 or found.get("xmlns") == TABLE_NS:
        raise _Unusual
    return prefixes[0].encode(), data.find(b">", at[0]) + 1


class _Tags:
    """Counting the rows and cells of one table between byte positions."""

    def __init__(self, data: bytes, prefix: bytes) -> None:
        p = re.escape(prefix)
        self.data = data
        # <P:table-row also begins <P:table-rows and <P:table-row-group; no other element
        # name begins with table-cell or covered-table-cell
        self.row_like = b"<" + prefix + b":table-row"
        self.not_rows = (b"<" + prefix + b":table-rows", b"<" + prefix + b":table-row-group")
        self.cells = (b"<" + prefix + b":table-cell", b"<" + prefix + b":covered-table-cell")
        value = rb"""\s*=\s*["']([^"'<>]*)"""
        self.row_repeats = re.compile(rb"<" + p + rb":table-row(?=\s)[^<>]*?\s" + p
                                      + rb":number-rows-repeated" + value)
        self.cell_repeats = re.compile(rb"<" + p + rb":(?:covered-)?table-cell(?=\s)[^<>]*?\s" + p
                                       + rb":number-columns-repeated" + value)
        self.attr = {key: re.compile(rb"\s" + p + b":" + key + value) for key in
                     (b"number-rows-repeated", b"number-columns-repeated", b"number-rows-spanned",
                      b"number-columns-spanned")}
        self.cell_open = [b"<" + prefix + b":table-cell" + end for end in _ENDS[:4]]
        self.name = re.compile(rb"\s" + p + rb""":name\s*=\s*(["'])(.*?)\1""")
        self.table_end = b"</" + prefix + b":table>"
        self.table_open = re.compile(rb"<" + p + rb":table[\s/>]")

    def spanned_cells(self, start: int, stop: int) -> Iterator[int]:
        """Where each cell tag with a span attribute in [start, stop) begins: a byte search
        for the attribute, then back to its tag ('<' is in no attribute value or text)."""
        data, pos, last = self.data, start, -1
        while (i := data.find(_SPANNED, pos, stop)) >= 0:
            pos = i + len(_SPANNED)
            tag = data.rfind(b"<", start, i)
            if tag != last and any(data.startswith(t, tag) for t in self.cell_open):
                last = tag
                yield tag

    def rows(self, start: int, stop: int) -> int:
        """Rows that start in [start, stop), counting repeats."""
        data = self.data
        tags = data.count(self.row_like, start, stop) - sum(data.count(t, start, stop) for t in self.not_rows)
        return tags + sum(_value(v) - 1 for v in self.row_repeats.findall(self.data, start, stop))

    def columns(self, start: int, stop: int) -> int:
        """Cells that start in [start, stop), counting repeats."""
        tags = sum(self.data.count(t, start, stop) for t in self.cells)
        return tags + sum(_value(v) - 1 for v in self.cell_repeats.findall(self.data, start, stop))

    def last_row_start(self, start: int, stop: int) -> int:
        """Where the last row tag in [start, stop) begins; -1 for none."""
        data, n = self.data, len(self.row_like)
        while (i := data.rfind(self.row_like, start, stop)) >= 0:
            if data[i + n:i + n + 1] in _ENDS:
                return i
            stop = i  # <P:table-rows or <P:table-row-group
        return -1

    def count(self, key: bytes, at: int) -> int:
        """The attribute `key` of the tag at `at`, as a count."""
        end = self.data.find(b">", at)
        m = self.attr[key].search(self.data, at, end)
        return _value(m.group(1)) if m else 1


def _value(text: bytes) -> int:
    try:
        n = int(text)
    except ValueError:
        return 1
    return n if n > 0 else 1


def _table_bounds(tags: _Tags, sheet: str, root_end: int) -> tuple[int, int] | None:
    """(start, end) bytes of the sheet's table content; None when it is not there. The
    file must be in the fast path's form up to the table's end (else _Unusual)."""
    data = tags.data
    for m in tags.table_open.finditer(data, root_end):
        tag_end = data.find(b">", m.start())
        found = tags.name.search(data, m.start(), tag_end)
        if found is None or _unescape(found.group(2)) != sheet:
            continue
        end = data.find(tags.table_end, tag_end)
        if end < 0 or _unusual(data, root_end, end) or tags.table_open.search(data, tag_end, end):
            raise _Unusual  # a table inside a cell, or what could hide or rebind a tag
        return tag_end + 1, end
    if _unusual(data, root_end, len(data)):
        raise _Unusual  # the sheet's table may be hidden from the byte search
    return None


def _unusual(data: bytes, start: int, stop: int) -> bool:
    """A comment, CDATA section, declaration, processing instruction or namespace
    declaration in [start, stop): a tag could be hidden or its prefix rebound."""
    return any(data.find(mark, start, stop) >= 0 for mark in (b"<!", b"<?", b"xmlns"))


def _unescape(raw: bytes) -> str:
    """An attribute value as text: XML's character references and five entities resolved."""
    return html.unescape(raw.decode("utf-8", "replace"))


def _fast_ranges(data: bytes, sheet: str, height: int, width: int, budget: int) -> list[Range]:
    prefix, root_end = _table_prefix(data)
    tags = _Tags(data, prefix)
    bounds = _table_bounds(tags, sheet, root_end)
    if bounds is None:
        return []
    start, end = bounds
    ranges: list[Range] = []
    work = 0
    row_at, row = start, -1  # where the row of the last merged cell starts, its index
    col_at, col = start, 0  # cells are counted up to col_at, which is column col
    for at in tags.spanned_cells(start, end):
        row_start = tags.last_row_start(row_at, at)
        if row_start < 0:
            continue  # a cell outside any row
        if row < 0:
            row = tags.rows(start, row_start)
        elif row_start > row_at:
            row += tags.rows(row_at, row_start)  # the row at row_at and those after it
        if row_start != row_at or col_at == start:
            row_at, col_at, col = row_start, row_start, 0
        if row >= height:
            break  # below the data
        col += tags.columns(col_at, at)
        col_at = at
        rows, cols = tags.count(b"number-rows-spanned", at), tags.count(b"number-columns-spanned", at)
        if (rows == cols == 1) or col >= width:
            continue
        # A repeated row or cell stands for identical copies: each copy is a range.
        for r in range(row, min(row + tags.count(b"number-rows-repeated", row_at), height)):
            for c in range(col, min(col + tags.count(b"number-columns-repeated", at), width)):
                ranges.append(((r, c), (min(r + rows, LAST_ROW) - 1, min(c + cols, LAST_COLUMN) - 1)))
                work += 1 + min(rows, height - r) * min(cols, width - c)
                if work > budget:
                    return ranges  # the filling refuses the sheet for its merged cells
    return ranges


def ods_merged_ranges(path: Path, sheet: str, height: int, width: int,
                      budget: int) -> list[Range]:
    """The merged ranges of `sheet` whose top-left cell lies within its `height` rows and
    `width` columns, as the workbook reader gives them for xlsx; past `budget` covered
    cells the list stops (and holds more than `budget` cells' worth, so the filling
    refuses the sheet)."""
    if height <= 0 or width <= 0:
        return []
    with zipfile.ZipFile(path) as zf:
        info = content_part(zf)
        if info is None:
            return []
        last = -2  # not searched yet
        if info.file_size <= IN_MEMORY_BYTES:
            with zf.open(info) as fh:
                data = fh.read(IN_MEMORY_BYTES + 1)
            if len(data) <= IN_MEMORY_BYTES:
                last = data.rfind(_SPANNED)
                if last < 0:
                    return []
                try:
                    return _fast_ranges(data, sheet, height, width, budget)
                except _Unusual:
                    pass
            del data
        if last == -2:
            last = _last_span(zf, info)
        if last < 0:
            return []
        return _streamed_ranges(zf, info, sheet, height, width, budget, last)


def _streamed_ranges(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, height: int,
                     width: int, budget: int, last: int) -> list[Range]:
    """The ranges by a streaming parse of content.xml (the form the fast path does not read)."""
    handler = _MergedCells(sheet, height, width, budget, last)
    handler.parser = content_parser(handler.start, handler.end)
    parse_content(handler.parser, zf, info)
    return handler.ranges


def content_parser(start, end) -> expat.XMLParserType:
    """An expat parser for content.xml with these element handlers (names as "<namespace
    uri> <local name>"); a DTD, entity declarations and external entities are refused as
    defusedxml refuses them."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    return parser


def parse_content(parser: expat.XMLParserType, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Stream content.xml through `parser`, to its end or until a handler raises Done."""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except Done:
        pass
