"""Read spreadsheet files (xlsx, xlsm, xls, ods, csv, tsv, txt) into plain rows of values.

Workbooks go through python-calamine (fast, values only, never formulas); zip-based files
are checked against size, ratio and DTD limits first. CSV text is decoded (utf-8, BOM,
utf-16, cp1252) and its delimiter sniffed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..model import ImvoError
from ..policy import Limits

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


@dataclass(slots=True)
class Extent:
    """How far a worksheet's cells reach, read from its XML before any reader allocates it."""

    max_row: int = 0
    max_col: int = 0
    uncached_formulas: set = None  # type: ignore[assignment]
    error_cells: dict = None  # type: ignore[assignment]

    def __post_init__(self):
        if self.uncached_formulas is None:
            self.uncached_formulas = set()
        if self.error_cells is None:
            self.error_cells = {}

    @property
    def cells(self) -> int:
        return self.max_row * self.max_col


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
    if path.suffix.lower() not in SUPPORTED_EXTS:
        raise _fail(path, f"unsupported file type {path.suffix or '(none)'!r}",
                    "use .xlsx, .xlsm, .xls, .ods, .csv, .tsv or .txt", "unsupported-type")


_ROW_REF = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
# A formula cell with no (or an empty) cached value, as written by programs that never calculate.
_UNCACHED = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)'
                       rb'\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
# Error cells (t="e"): the reader gives them as empty, so their text is taken from the XML.
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.{0,400}?)</c>', re.S)
_R_ATTR = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_V_TEXT = re.compile(rb"<v>([^<]{1,40})</v>")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_MAX_FORMULA_REFS = 10_000
_CARRY_LIMIT = 8 << 20


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


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
    col = _above(_col_letters(max_col) if max_col else "", _LETTERS, 3)
    row = _above(str(max_row) if max_row else "", "0123456789", None)
    return re.compile(f'r="(?={col}[0-9]|[A-Z]{{1,3}}{row}")([A-Z]{{1,3}})([0-9]+)"'.encode())


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _is_word_byte(b: bytes) -> bool:
    return b.isalnum() or b == b"_"


def _in_cell_tag(buf: bytes, pos: int) -> bool:
    """Is the r=" at `pos` an attribute of a <c> tag (as `<c\b[^>]*?\br="` would say)?"""
    if pos and _is_word_byte(buf[pos - 1:pos]):
        return False
    gt = buf.rfind(b">", 0, pos)
    lt = buf.rfind(b"<c", gt + 1, pos)
    while lt != -1:
        if not _is_word_byte(buf[lt + 2:lt + 3]):
            return True
        lt = buf.rfind(b"<c", gt + 1, lt)
    return False


def _scan_sheet_chunk(buf: bytes, extent: Extent) -> None:
    rows = _ROW_REF.findall(buf)
    if rows:
        extent.max_row = max(extent.max_row, max(map(int, rows)))
    for m in _refs_beyond(extent.max_col, extent.max_row).finditer(buf):
        if _in_cell_tag(buf, m.start()):
            extent.max_col = max(extent.max_col, _col_number(m.group(1)))
            extent.max_row = max(extent.max_row, int(m.group(2)))
    if b"<f" in buf and len(extent.uncached_formulas) < _MAX_FORMULA_REFS:
        for col, row in _UNCACHED.findall(buf):
            extent.uncached_formulas.add((int(row) - 1, _col_number(col) - 1))
    if b't="e"' in buf and len(extent.error_cells) < _MAX_FORMULA_REFS:
        for attrs, body in _ERROR_CELL.findall(buf):
            ref, value = _R_ATTR.search(attrs), _V_TEXT.search(body)
            if ref and value:
                key = (int(ref.group(2)) - 1, _col_number(ref.group(1)) - 1)
                extent.error_cells[key] = value.group(1).decode("utf-8", "replace")


def _check_zip(path: Path, limits: Limits, kind: str) -> dict[str, Extent]:
    """Refuse zip bombs and XML with a DTD (entity expansion) before the reader sees them.

    Every XML part is streamed once: its real unpacked size is counted (headers can lie), it
    is searched for a DTD anywhere (not only at the start), and worksheet parts are scanned
    for how far their cells reach, so a tiny file with one cell at XFD1048576 is refused
    before a reader allocates 17 billion cells. Returns the extent per worksheet part.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _fail(path, f"not a valid {kind} file (the zip container is damaged or truncated)",
                    "open it in Excel or LibreOffice and save it again", "corrupt") from None
    extents: dict[str, Extent] = {}
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        needed = "content.xml" if kind == "ods" else "xl/workbook.xml"
        if needed not in names:
            raise _fail(path, f"the zip file holds no workbook ({needed} is missing)",
                        "check that this is a real spreadsheet, not another zip file",
                        "no-workbook")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_decompressed_bytes:
            raise _fail(path, f"the workbook would unpack to {declared:,} bytes, above the limit "
                        f"of {limits.max_decompressed_bytes:,} (possible zip bomb)",
                        "raise limits.max_decompressed_bytes in imvo.toml if the file is genuine",
                        "zip-bomb")
        total = 0
        for info in infos:
            if info.file_size > 1_000_000 and info.compress_size and \
                    info.file_size / info.compress_size > limits.max_compression_ratio:
                raise _fail(path, f"{info.filename} is compressed {info.file_size // info.compress_size}:1, "
                            f"above the limit of {limits.max_compression_ratio}:1 (possible zip bomb)",
                            "raise limits.max_compression_ratio in imvo.toml if the file is genuine",
                            "zip-bomb")
            if not info.filename.endswith((".xml", ".rels")):
                continue
            is_sheet = kind != "ods" and info.filename.startswith("xl/worksheets/")
            extent = extents.setdefault(info.filename, Extent()) if is_sheet else None
            try:
                with zf.open(info) as fh:
                    tail = b""
                    carry = b""
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > limits.max_decompressed_bytes:
                            raise _fail(path, "the workbook unpacks beyond the limit of "
                                        f"{limits.max_decompressed_bytes:,} bytes (possible zip bomb)",
                                        "raise limits.max_decompressed_bytes in imvo.toml",
                                        "zip-bomb")
                        if _DTD.search(chunk) or _DTD.search(tail + chunk[:16]):
                            raise _fail(path, f"{info.filename} declares an XML DTD/entities, which "
                                        "spreadsheets never need (possible entity-expansion attack)",
                                        "save the file again from Excel or LibreOffice", "xml-dtd")
                        tail = chunk[-16:]
                        if extent is not None:
                            buf = carry + chunk
                            # Scan whole cells only: keep the last (maybe cut) cell for the next chunk.
                            cut = max(buf.rfind(b"<c "), buf.rfind(b"<row"))
                            if cut <= 0 or len(buf) - cut > _CARRY_LIMIT:
                                cut = len(buf)
                            _scan_sheet_chunk(buf[:cut], extent)
                            carry = buf[cut:]
                    if extent is not None and carry:
                        _scan_sheet_chunk(carry, extent)
            except ImvoError:
                raise
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
                raise _fail(path, f"the workbook is damaged ({info.filename}: {exc})",
                            "open it in Excel or LibreOffice and save it again", "corrupt") from None
    return extents


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> worksheet part ('xl/worksheets/sheet1.xml'), from the workbook's own XML."""
    from defusedxml import ElementTree as ET  # the DTD check already ran; this is belt and braces

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as zf:
            wb = ET.fromstring(zf.read("xl/workbook.xml"))
            rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
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


def read_workbook(path: Path, limits: Limits) -> list[Sheet]:
    """Every sheet of a workbook as rows of values (formulas give their cached values)."""
    ext = path.suffix.lower()
    kind = _sniff_kind(path)
    extents: dict[str, Extent] = {}
    if ext in (".xlsx", ".xlsm"):
        if kind == "ole":
            raise _fail(path, "the workbook is encrypted or password-protected",
                        "remove the password in Excel (File > Info > Protect Workbook) and save "
                        "a copy", "encrypted")
        if kind != "zip":
            raise _fail(path, "not an Excel workbook (the file is not an .xlsx zip container)",
                        "check the file; export it again as .xlsx or .csv", "not-a-workbook")
        extents = _check_zip(path, limits, "xlsx")
    elif ext == ".ods":
        if kind != "zip":
            raise _fail(path, "not an OpenDocument spreadsheet (the file is not a zip container)",
                        "export it again as .ods, .xlsx or .csv", "not-a-workbook")
        _check_zip(path, limits, "ods")
    elif ext == ".xls":
        if kind == "zip":
            extents = _check_zip(path, limits, "xlsx")  # an .xlsx saved with the old extension
        elif kind != "ole":
            raise _fail(path, "not a legacy Excel (.xls) workbook",
                        "export it again as .xlsx or .csv", "not-a-workbook")
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise _fail(path, "the workbook is encrypted or password-protected",
                    "remove the password in Excel and save a copy", "encrypted") from None
    except Exception as exc:  # calamine raises several types for broken files
        text = str(exc)
        if "cell limit" in text.lower():  # calamine's own guard (ods repeated cells)
            raise _fail(path, f"a sheet is too large to read ({text.splitlines()[0][:200]})",
                        "delete stray cells far below or right of the list", "too-many-cells") from None
        if re.search(r"encrypt|password", text, re.I):
            raise _fail(path, "the workbook is encrypted or password-protected",
                        "remove the password in Excel and save a copy", "encrypted") from None
        raise _fail(path, f"the workbook cannot be read ({text.splitlines()[0][:200] if text else type(exc).__name__})",
                    "open it in Excel or LibreOffice and save it again as .xlsx", "corrupt") from None
    parts = _sheet_parts(path) if extents else {}
    held: dict = {}  # the one sheet parsed last, so the header scan and the full read share it
    sheets: list[Sheet] = []
    try:
        metas = {m.name: m for m in wb.sheets_metadata}
    except Exception:
        metas = {}
    for name in wb.sheet_names:
        meta = metas.get(name)
        visible = True
        kind_name = "worksheet"
        if meta is not None:
            visible = "hidden" not in str(meta.visible).lower()
            kind_name = "chart" if "chart" in str(meta.typ).lower() else "worksheet"
        extent = extents.get(parts.get(name, ""))
        if extents and extent is None:
            # A sheet whose part we could not map: assume the worst extent seen in the file.
            extent = max(extents.values(), key=lambda e: e.cells, default=None)
        loader = _sheet_loader(path, wb, name, limits, extent, held)
        sheets.append(Sheet(name, loader, visible, kind_name,
                            frozenset(extent.uncached_formulas) if extent else frozenset(),
                            dict(extent.error_cells) if extent else {}))
    if not sheets:
        raise _fail(path, "the workbook has no sheets", "add a sheet with the supplier list",
                    "no-sheets")
    return sheets


def _sheet_loader(path: Path, wb, name: str, limits: Limits, extent: Extent | None,
                  held: dict):
    """Rows load only when a sheet is looked at (first 20 rows) or chosen (all rows).

    calamine parses the whole sheet even for its first rows, so the parsed sheet is kept
    (one at a time, in `held`) until the full read takes it.
    """
    def load(nrows: int | None = None) -> list[list]:
        if extent is not None:
            _check_extent(path, name, extent, limits)
        return _load_calamine_sheet(path, wb, name, limits, nrows, held)
    return load


def _check_extent(path: Path, name: str, extent: Extent, limits: Limits) -> None:
    """Refuse a sheet by the reach of its cells before the reader allocates them."""
    last = f"{_col_letters(extent.max_col)}{extent.max_row}"
    if extent.max_row > limits.max_rows + 1:
        raise _fail(path, f"the sheet reaches row {extent.max_row:,} (it spans A1:{last}), above the "
                    f"limit of {limits.max_rows:,} rows",
                    "delete stray cells below the list, split the list, or raise "
                    "limits.max_rows in imvo.toml", "too-many-rows", sheet=name)
    if extent.max_col > limits.max_columns:
        raise _fail(path, f"the sheet reaches column {extent.max_col:,} (it spans A1:{last}), above the "
                    f"limit of {limits.max_columns:,} columns",
                    "delete stray cells right of the list or raise limits.max_columns in imvo.toml",
                    "too-many-columns", sheet=name)
    if extent.cells > limits.max_cells:
        raise _fail(path, f"the sheet spans A1:{last} ({extent.cells:,} cells), above the limit "
                    f"of {limits.max_cells:,} cells",
                    "delete stray cells far below or right of the list, or raise "
                    "limits.max_cells in imvo.toml", "too-many-cells", sheet=name)


def _col_letters(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s or "A"


def _load_calamine_sheet(path: Path, wb, name: str, limits: Limits, nrows: int | None,
                         held: dict) -> list[list]:
    sheet_name = name
    try:
        s = held.pop(name, None) or wb.get_sheet_by_name(name)
        held.clear()
        if nrows is not None:
            held[name] = s
        if s.height > limits.max_rows + 1:
            raise _fail(path, f"the sheet has {s.height:,} rows, above the limit of "
                        f"{limits.max_rows:,}", "raise limits.max_rows in imvo.toml or split "
                        "the list", "too-many-rows", sheet=sheet_name)
        if s.width > limits.max_columns:
            raise _fail(path, f"the sheet has {s.width:,} columns, above the limit of "
                        f"{limits.max_columns:,}", "raise limits.max_columns in imvo.toml",
                        "too-many-columns", sheet=sheet_name)
        return s.to_python(skip_empty_area=False, nrows=nrows)
    except ImvoError:
        raise
    except Exception as exc:
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        if "cell limit" in text.lower():  # calamine's own guard (ods repeated cells)
            raise _fail(path, f"the sheet is too large to read ({text})",
                        "delete stray cells far below or right of the list", "too-many-cells",
                        sheet=sheet_name) from None
        raise _fail(path, f"the sheet cannot be read ({text})",
                    "open it in Excel or LibreOffice and save it again", "corrupt",
                    sheet=sheet_name) from None


def decode_text(data: bytes, path: Path) -> str:
    """utf-8 (with or without BOM), utf-16 with BOM, else cp1252 (Excel's Western export)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(path, "the file claims UTF-16 but does not decode as UTF-16",
                        "save it again as UTF-8 CSV", "encoding") from None
    if b"\x00" in data[:4096] and data[1:2] == b"\x00":
        try:
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str, ext: str) -> str:
    if ext == ".tsv":
        return "\t"
    sample = "\n".join(text.splitlines()[:50])
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    in_quote = False
    for ch in sample:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_text_table(path: Path, limits: Limits) -> list[Sheet]:
    data = path.read_bytes()
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise _fail(path, "this is a workbook saved with a text extension",
                    f"rename it to .xlsx/.xls (it is not {path.suffix} text)", "wrong-extension")
    text = decode_text(data, path)
    if "\x00" in text:
        text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text, path.suffix.lower())
    # Normalise stray CR line endings so csv sees one kind of line break.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
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
        raise ImvoError(f"the CSV is malformed near line {reader.line_num}: {exc}", file=path,
                        row=reader.line_num, code="csv-malformed",
                        hint="check for an unbalanced double quote on that line") from None
    return [Sheet(None, lambda nrows=None: rows if nrows is None else rows[:nrows])]


def read_sheets(path: str | Path, limits: Limits | None = None) -> list[Sheet]:
    """The sheets of a file; a workbook sheet's rows load when `sheet.load()` is called."""
    path = Path(path)
    limits = limits or Limits()
    check_file(path, limits)
    if path.suffix.lower() in TEXT_EXTS:
        return read_text_table(path, limits)
    return read_workbook(path, limits)
