"""Checks on a workbook's container before any reader sees it: zip parts and OLE2 (.xls) headers.

Every zip part is looked at by its content, whatever its name or case: its real unpacked
size is counted (headers can lie), XML is searched for a DTD anywhere, and every part that
holds cells (found by relationship, by folder or by content) is scanned for how far its
cells reach. Every scan is linear in the input: no pattern can backtrack over a long run
of attacker-chosen bytes (possessive quantifiers and tag bodies bounded by '<' and '>').
"""

from __future__ import annotations

import array
import posixpath
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as ET

from ..model import ImvoError
from ..policy import Limits
from .hidden import Hidden, scan_xlsx_chunk
from .normalise import column_letter

# Shared strings beyond this unpacked size are refused: the reader holds them all at once.
MAX_SHARED_STRINGS_BYTES = 256 << 20
_CHUNK = 1 << 20
_CARRY_LIMIT = 8 << 20
_MAX_FORMULA_REFS = 10_000
_LOOK_BACK = 256  # bytes searched back from a cell reference for its tag

# The first row number of each row tag; `[^<>]` stops at the tag's end, so each tag is
# walked once and the pattern after it has a fixed length: linear in the input.
_ROW_NUMBER = re.compile(rb'<row\b[^<>]*?\br="(\d{1,40})"')  # any length a reader overflows on
_LAST_ROW_TRIES = 4  # row tags tried back from a chunk's end for its last row number
_STALE_MATCHES = 256  # matches below the extent before the reference pattern is recompiled
# A formula cell with no (or an empty) cached value, as written by programs that never calculate.
_UNCACHED = re.compile(rb"<c\b([^<>]*+)>\s*+<f\b(?:[^<>/]|/(?!>))*+(?:/>|>[^<]*+</f>)"
                       rb"\s*+(?:<v\s*+/>|<v>\s*+</v>)?+\s*+</c>")
# Error cells (t="e"): the reader gives them as empty, so their text is taken from the XML.
_ERROR_CELL = re.compile(rb'<c\b((?:[^<>\s]|\s(?!t="e"))*+\st="e"[^<>]*+)>(.{0,400}?)</c>', re.S)
_R_ATTR = re.compile(rb'\br="([A-Z]{1,3})(\d{1,12})"')
_V_TEXT = re.compile(rb"<v>([^<]{1,40})</v>")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_SHEET_HINT = re.compile(rb"<(?:\w+:)?(?:sheetData|worksheet|dialogsheet|macrosheet)\b")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHEET_REL = re.compile(r"/(?:worksheet|dialogsheet|macrosheet|chartsheet)$")
_STRINGS_REL = re.compile(r"/sharedStrings$")
# ODS spells a run of spaces as <text:s text:c="N"/>: N spaces from a few bytes, like a zip
# bomb. No cell holds more than limits.max_cell_chars characters, so a run beyond this is
# never genuine.
_SPACE_RUN = re.compile(rb""":c\s*=\s*["'](\d{1,40})""")
MAX_SPACE_RUN = 1 << 20
# The count a shared-strings part declares; the reader reserves room for that many strings.
_UNIQUE_COUNT = re.compile(rb"""<(?:\w{1,32}:)?sst\b[^>]{0,2048}?\suniqueCount\s*=\s*["'](\d{1,30})""")


@dataclass(slots=True)
class Extent:
    """How far a worksheet's cells reach, read from its XML before any reader allocates it."""

    max_row: int = 0
    max_col: int = 0
    uncached_formulas: set = field(default_factory=set)
    error_cells: dict = field(default_factory=dict)
    # its hidden rows and columns (hidden.py), found in the same pass over its XML
    hidden: Hidden = field(default_factory=Hidden)

    @property
    def cells(self) -> int:
        return self.max_row * self.max_col

    def beyond(self, limits: Limits) -> bool:
        return (self.max_row > limits.max_rows + 1 or self.max_col > limits.max_columns
                or self.cells > limits.max_cells)


def fail(path: Path, message: str, hint: str, code: str = "unreadable", sheet=None) -> ImvoError:
    return ImvoError(message, file=path, sheet=sheet, hint=hint, code=code)


def col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def col_letters(n: int) -> str:
    """Excel's letters for a 1-based column number (0 reads as 'A')."""
    return column_letter(n - 1) if n > 0 else "A"


def _above(text: str, alphabet: str, max_len: int | None) -> str:
    """Regex for strings over `alphabet` (digits or column letters, no leading zero) that
    are greater than `text`: longer ones, or as long and larger at the first difference."""
    cls = f"[{alphabet[0]}-{alphabet[-1]}]"
    longer = f"{cls}{{{len(text) + 1},{'' if max_len is None else max_len}}}"
    if max_len is not None and len(text) >= max_len:
        longer = "(?!)"
    options = [longer]
    for i, ch in enumerate(text):
        bigger = alphabet[alphabet.index(ch) + 1:]
        if bigger:
            rest = f"{cls}{{{len(text) - i - 1}}}"
            options.append(f"{re.escape(text[:i])}[{bigger[0]}-{bigger[-1]}]{rest}")
    return "(?:" + "|".join(options) + ")"


def _refs_beyond(max_col: int, max_row: int) -> re.Pattern:
    """Cell references reaching right of column `max_col` or below row `max_row`: in a
    normal sheet none after the first rows, so one fast pass replaces parsing every ref."""
    col = _above(col_letters(max_col) if max_col else "", _LETTERS, 3)
    row = _above(str(max_row) if max_row else "", "0123456789", None)
    return re.compile(f'r="(?={col}[0-9]|[A-Z]{{1,3}}{row}")([A-Z]{{1,3}})([0-9]+)"'.encode())


def _in_cell_tag(buf: bytes, pos: int) -> bool:
    """Is the r=" at `pos` an attribute of a <c> tag? Looks back a bounded window only;
    when the window shows no tag boundary at all, the reference counts (the safe side)."""
    if pos and (buf[pos - 1:pos].isalnum() or buf[pos - 1:pos] == b"_"):
        return False
    start = max(0, pos - _LOOK_BACK)
    lt = buf.rfind(b"<", start, pos)
    gt = buf.rfind(b">", start, pos)
    if lt == -1 and gt == -1:
        return True
    if gt > lt:
        return False  # in text between tags
    return buf[lt + 1:lt + 2] == b"c" and not (buf[lt + 2:lt + 3].isalnum()
                                              or buf[lt + 2:lt + 3] in (b"_", b":", b"-", b"."))


def scan_sheet_chunk(buf: bytes, extent: Extent, limits: Limits) -> None:
    """Grow `extent` by the rows and cells in `buf` (whole tags; linear time)."""
    if not _reaches_last_row_only(buf, extent):
        _scan_refs(buf, extent, limits)
    if b"hidden" in buf:
        scan_xlsx_chunk(buf, extent.hidden)
    if b"<f" in buf and len(extent.uncached_formulas) < _MAX_FORMULA_REFS:
        for attrs in _UNCACHED.findall(buf):
            ref = _R_ATTR.search(attrs)
            if ref:
                extent.uncached_formulas.add((int(ref.group(2)) - 1, col_number(ref.group(1)) - 1))
    if b't="e"' in buf and len(extent.error_cells) < _MAX_FORMULA_REFS:
        for attrs, body in _ERROR_CELL.findall(buf):
            ref, value = _R_ATTR.search(attrs), _V_TEXT.search(body)
            if ref and value:
                key = (int(ref.group(2)) - 1, col_number(ref.group(1)) - 1)
                extent.error_cells[key] = value.group(1).decode("utf-8", "replace")


def _reaches_last_row_only(buf: bytes, extent: Extent) -> bool:
    """The common case in one pass: no row tag and no cell reference in `buf` reaches past
    the extent's columns or past the number of the chunk's last row tag. Then that number
    is the new last row, exactly what `_scan_refs` would find; otherwise (False) nothing
    is changed and `_scan_refs` does the full work."""
    last = _last_row_number(buf)
    row = extent.max_row if last is None else max(extent.max_row, last)
    if _past(extent.max_col, row).search(buf) is not None:
        return False
    extent.max_row = row
    return True


def _last_row_number(buf: bytes) -> int | None:
    """The number of the last row tag in `buf` (one `_ROW_NUMBER` would find), if any."""
    pos = buf.rfind(b"<row")
    for _ in range(_LAST_ROW_TRIES):
        if pos < 0:
            return None
        m = _ROW_NUMBER.match(buf, pos)
        if m is not None:
            return int(m.group(1))
        pos = buf.rfind(b"<row", 0, pos)
    return None


def _past(max_col: int, max_row: int) -> re.Pattern:
    """Every r="..." that could grow an extent of `max_col` columns and `max_row` rows: a
    superset of the row tags and cell references `_scan_refs` would grow it by, checked
    cheaply: the column letters within the extent are taken whole (a further letter means
    a column right of it), then the row number is compared digit by digit along one path."""
    inside = _letters_at_most(col_letters(max_col)) if max_col else "(?!)"
    digits = str(max_row) if max_row else ""
    above = _digits_above(digits)
    row = f"{above}|[0-9]{{{len(digits) + 1}}}" if above else f"[0-9]{{{len(digits) + 1}}}"
    return re.compile(f'r="(?:{inside})?+(?:[A-Z]|{row})'.encode())


def _letters_at_most(text: str) -> str:
    """Regex for column letters up to `text` (Excel's order), the longest alternative first
    so that a column within the extent is always taken whole."""
    def same_length(rest: str) -> str:
        if len(rest) == 1:
            return f"[A-{rest}]"
        options = [f"[A-{chr(ord(rest[0]) - 1)}][A-Z]{{{len(rest) - 1}}}"] if rest[0] != "A" else []
        options.append(f"{rest[0]}{same_length(rest[1:])}")
        return f"(?:{'|'.join(options)})"
    shorter = f"|[A-Z]{{1,{len(text) - 1}}}" if len(text) > 1 else ""
    return same_length(text) + shorter


def _digits_above(text: str) -> str:
    """Regex for digit strings as long as the number `text` and greater, as a trie: each
    position has a bigger digit (any digits after it) or the same one (compare on)."""
    same = ""
    for i in range(len(text) - 1, -1, -1):
        ch, rest = text[i], len(text) - i - 1
        options = [f"[{int(ch) + 1}-9][0-9]{{{rest}}}"] if ch != "9" else []
        if same:
            options.append(f"{ch}{same}")
        same = f"(?:{'|'.join(options)})" if options else ""
    return same


def _scan_refs(buf: bytes, extent: Extent, limits: Limits) -> None:
    """Every row tag and every cell reference in `buf` that grows the extent."""
    rows = _ROW_NUMBER.findall(buf)
    if rows:
        extent.max_row = max(extent.max_row, max(map(int, rows)))
    pos = 0
    pattern = _refs_beyond(extent.max_col, extent.max_row)
    # The pattern is a filter: compiled for a smaller extent it still finds every reference
    # that grows the extent, plus some that no longer do. Recompiling at every growth costs
    # a regex compile per column of a 10,000-column header; recompiling once enough stale
    # matches piled up keeps both costs bounded.
    stale = 0
    while not extent.beyond(limits):
        m = pattern.search(buf, pos)
        if m is None:
            break
        pos = m.end()
        col, row = col_number(m.group(1)), int(m.group(2))
        if (col > extent.max_col or row > extent.max_row) and _in_cell_tag(buf, m.start()):
            extent.max_col = max(extent.max_col, col)
            extent.max_row = max(extent.max_row, row)
        else:
            stale += 1
            if stale >= _STALE_MATCHES:
                pattern = _refs_beyond(extent.max_col, extent.max_row)
                stale = 0


# ---------------------------------------------------------------- zip containers


def _rel_targets(zf: zipfile.ZipFile, names: dict[str, str], rels_part: str,
                 base: str) -> list[tuple[str, str]]:
    """(type, part name as stored) of every relationship in a .rels part, resolved."""

    stored = names.get(rels_part.lower())
    if stored is None:
        return []
    try:
        data = zf.read(stored)
        if len(data) > 16 << 20 or _DTD.search(data):
            return []
        root = ET.fromstring(data)
    except Exception:
        return []
    out = []
    for rel in root:
        target = rel.get("Target", "") or ""
        if rel.get("TargetMode") == "External":
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        full = posixpath.normpath(full)
        if full.lower() in names:
            out.append((rel.get("Type", "") or "", names[full.lower()]))
    return out


def sheet_parts(zf: zipfile.ZipFile) -> tuple[set[str], set[str]]:
    """Parts the workbook's relationships name as sheets and as shared strings."""
    names = {i.filename.lower(): i.filename for i in zf.infolist()}
    rels = _rel_targets(zf, names, "xl/_rels/workbook.xml.rels", "xl")
    sheets = {part for kind, part in rels if _SHEET_REL.search(kind)}
    strings = {part for kind, part in rels if _STRINGS_REL.search(kind)}
    return sheets, strings


def check_zip(path: Path, limits: Limits, kind: str) -> dict[str, Extent]:
    """Refuse zip bombs, XML with a DTD and sheets that reach too far; extent per sheet part.

    A tiny file with one cell at XFD1048576 is refused before a reader allocates 17 billion
    cells, whatever the sheet part is called and wherever it lies in the zip.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, zlib.error):
        raise fail(path, f"not a valid {kind} file (the zip container is damaged or truncated)",
                   "open it in Excel or LibreOffice and save it again", "corrupt") from None
    extents: dict[str, Extent] = {}
    with zf:
        infos = zf.infolist()
        lower = {i.filename.lower() for i in infos}
        needed = "content.xml" if kind == "ods" else "xl/workbook.xml"
        if needed not in lower:
            raise fail(path, f"the zip file holds no workbook ({needed} is missing)",
                       "check that this is a real spreadsheet, not another zip file",
                       "no-workbook")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_decompressed_bytes:
            raise _bomb(path, f"the workbook would unpack to {declared:,} bytes, above the limit "
                        f"of {limits.max_decompressed_bytes:,} (possible zip bomb)",
                        "raise limits.max_decompressed_bytes in imvo.toml if the file is genuine")
        rel_sheets, rel_strings = sheet_parts(zf) if kind != "ods" else (set(), set())
        budget = [0]
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            is_sheet = kind != "ods" and (name in rel_sheets
                                          or name.lower().startswith("xl/worksheets/"))
            is_strings = name in rel_strings or name.lower() == "xl/sharedstrings.xml"
            _check_part(path, zf, info, limits, budget, extents, is_sheet, is_strings,
                        kind != "ods")
    return extents


def _bomb(path: Path, message: str, hint: str) -> ImvoError:
    return fail(path, message, hint, "zip-bomb")


def _check_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
                budget: list[int], extents: dict[str, Extent], is_sheet: bool,
                is_strings: bool, sniff_sheet: bool) -> None:
    name = info.filename
    shown = name.encode("unicode_escape").decode("ascii")[:120]  # a name is untrusted text
    if info.file_size > 1_000_000 and info.compress_size and \
            info.file_size / info.compress_size > limits.max_compression_ratio:
        raise _bomb(path, f"{shown} is compressed {info.file_size // info.compress_size}:1, above "
                    f"the limit of {limits.max_compression_ratio}:1 (possible zip bomb)",
                    "raise limits.max_compression_ratio in imvo.toml if the file is genuine")
    extent = extents.setdefault(name, Extent()) if is_sheet else None
    size = 0
    tail = carry = b""
    strings = 0
    try:
        with zf.open(info) as fh:
            first = first_strings = True
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                budget[0] += len(chunk)
                if budget[0] > limits.max_decompressed_bytes:
                    raise _bomb(path, "the workbook unpacks beyond the limit of "
                                f"{limits.max_decompressed_bytes:,} bytes (possible zip bomb)",
                                "raise limits.max_decompressed_bytes in imvo.toml")
                if size > 1_000_000 and info.compress_size and \
                        size / info.compress_size > limits.max_compression_ratio:
                    raise _bomb(path, f"{shown} unpacks more than {limits.max_compression_ratio}:1 "
                                "(possible zip bomb)",
                                "raise limits.max_compression_ratio in imvo.toml if the file is genuine")
                seam = tail + chunk[:16]
                # "!" is rare in spreadsheet XML: one fast byte search spares the pattern.
                if (b"!" in chunk and _DTD.search(chunk)) or (b"!" in seam and _DTD.search(seam)):
                    raise fail(path, f"{shown} declares an XML DTD/entities, which spreadsheets "
                               "never need (possible entity-expansion attack)",
                               "save the file again from Excel or LibreOffice", "xml-dtd")
                if not sniff_sheet and b":c" in seam + chunk:
                    _check_space_runs(path, tail + chunk, shown)
                tail = chunk[-16:]
                if first and extent is None and sniff_sheet and _SHEET_HINT.search(chunk[:1 << 16]):
                    extent = extents.setdefault(name, Extent())  # cells under any name
                first = False
                if is_strings:
                    if first_strings:
                        _check_declared_strings(path, chunk, shown, limits)
                        first_strings = False
                    strings += chunk.count(b"<si")
                    if size > MAX_SHARED_STRINGS_BYTES or strings > limits.max_cells:
                        raise fail(path, f"the shared strings ({shown}) unpack beyond "
                                   f"{MAX_SHARED_STRINGS_BYTES >> 20} MiB or {limits.max_cells:,} "
                                   "strings", "save the list as CSV, or split it", "too-large")
                if extent is not None and not extent.beyond(limits):
                    buf = carry + chunk
                    # Scan whole cells only: keep the last (maybe cut) cell for the next chunk.
                    cut = max(buf.rfind(b"<c "), buf.rfind(b"<row"))
                    if cut <= 0 or len(buf) - cut > _CARRY_LIMIT:
                        cut = len(buf)
                    scan_sheet_chunk(buf[:cut], extent, limits)
                    carry = buf[cut:]
            if extent is not None and carry and not extent.beyond(limits):
                scan_sheet_chunk(carry, extent, limits)
    except ImvoError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError,
            zlib.error) as exc:
        detail = str(exc).encode("unicode_escape").decode("ascii")[:160]
        raise fail(path, f"the workbook is damaged ({shown}: {detail})",
                   "open it in Excel or LibreOffice and save it again", "corrupt") from None


def _check_space_runs(path: Path, buf: bytes, shown: str) -> None:
    for m in _SPACE_RUN.finditer(buf):
        if int(m.group(1)) > MAX_SPACE_RUN:
            raise _bomb(path, f"{shown} spells a run of {int(m.group(1)):,} spaces in one cell, "
                        f"more than any cell holds (possible zip bomb)",
                        "open it in LibreOffice and save it again, or save it as .csv")


def _check_declared_strings(path: Path, head: bytes, shown: str, limits: Limits) -> None:
    m = _UNIQUE_COUNT.search(head, 0, 4096)
    if m is not None and int(m.group(1)) > limits.max_cells:
        raise fail(path, f"the shared strings ({shown}) declare {int(m.group(1)):,} strings, "
                   f"above the limit of {limits.max_cells:,} (limits.max_cells)",
                   "open it in Excel or LibreOffice and save it again, or save it as .csv",
                   "too-large")


# ---------------------------------------------------------------- OLE2 / CFB (.xls)

_CFB_HEADER = struct.Struct("<8s16sHHHHH6sIIIIIIIII")
_FREE, _END, _FAT_SECT, _DIFAT_SECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
_MAX_DIR_ENTRIES = 1 << 16


def check_ole(path: Path, limits: Limits) -> None:
    """Refuse a legacy .xls whose OLE2 header, sector chains or stream sizes are impossible.

    The reader trusts these numbers to size its buffers; a few changed bytes in a 5 KB file
    can otherwise make it allocate gigabytes. Checked: version, byte order, sector sizes, the
    FAT and directory chains (inside the file, no loops) and every stream's declared size.
    """
    size = path.stat().st_size

    def bad(what: str) -> ImvoError:
        return fail(path, f"the legacy .xls container is damaged ({what})",
                    "open it in Excel or LibreOffice and save it again as .xlsx", "corrupt")

    with path.open("rb") as fh:
        head = fh.read(512)
        if len(head) < 512:
            raise bad("shorter than its 512-byte header")
        (_, _, _minor, major, order, sshift, mshift, _, _ndir, nfat, dir_start, _, cutoff,
         mini_start, nmini, difat_start, ndifat) = _CFB_HEADER.unpack_from(head)
        if order != 0xFFFE:
            raise bad("byte order mark")
        if (major, sshift) not in ((3, 9), (4, 12)) or mshift != 6 or cutoff != 4096:
            raise bad(f"version {major} with {1 << min(sshift, 31)}-byte sectors")
        sector = 1 << sshift
        sectors = max(0, (size - sector) // sector + (1 if (size - sector) % sector else 0))
        if nfat > sectors or ndifat > sectors or nmini > sectors:
            raise bad("more allocation sectors than the file holds")

        def read_sector(n: int) -> bytes:
            if n >= sectors:
                raise bad(f"sector {n} lies beyond the end of the file")
            fh.seek(sector + n * sector)
            return fh.read(sector)

        difat = list(struct.unpack_from("<109I", head, 76))
        nxt, seen = difat_start, 0
        while nxt not in (_END, _FREE) and seen < ndifat:
            block = struct.unpack(f"<{sector // 4}I", read_sector(nxt).ljust(sector, b"\0"))
            difat.extend(block[:-1])
            nxt = block[-1]
            seen += 1
        fat_sectors = [s for s in difat if s not in (_FREE, _END)][:nfat]
        if len(fat_sectors) < nfat:
            raise bad("the sector allocation table is incomplete")
        fat = array.array("I")
        for s in fat_sectors:
            fat.frombytes(read_sector(s).ljust(sector, b"\0"))
        if sys.byteorder != "little":
            fat.byteswap()

        def chain(start: int, what: str) -> list[int]:
            out: list[int] = []
            n = start
            while n != _END:
                if n >= len(fat) or n >= sectors or len(out) > sectors:
                    raise bad(f"the {what} chain leaves the file or loops")
                out.append(n)
                n = fat[n]
            return out

        directory = chain(dir_start, "directory")
        entries = 0
        for s in directory:
            data = read_sector(s)
            for off in range(0, len(data) - 127, 128):
                entries += 1
                if entries > _MAX_DIR_ENTRIES:
                    raise bad("too many directory entries")
                kind = data[off + 66]
                if kind not in (1, 2, 5):
                    continue
                stream_size = struct.unpack_from("<Q", data, off + 120)[0]
                if major == 3:
                    stream_size &= 0xFFFFFFFF
                if stream_size > size:
                    raise bad(f"a stream declares {stream_size:,} bytes in a file of {size:,}")
        if mini_start not in (_END, _FREE):
            chain(mini_start, "small-sector table")
