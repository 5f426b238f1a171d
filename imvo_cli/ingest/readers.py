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


def _check_zip(path: Path, limits: Limits, kind: str) -> None:
    """Refuse zip bombs and XML with a DTD (entity expansion) before the reader sees them."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _fail(path, f"not a valid {kind} file (the zip container is damaged or truncated)",
                    "open it in Excel or LibreOffice and save it again", "corrupt") from None
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
            try:
                with zf.open(info) as fh:
                    head = fh.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise _fail(path, f"{info.filename} declares an XML DTD/entities, which "
                                    "spreadsheets never need (possible entity-expansion attack)",
                                    "save the file again from Excel or LibreOffice", "xml-dtd")
                    total += len(head)
                    # Stream the rest to verify the real size (headers can lie) and the CRC.
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > limits.max_decompressed_bytes:
                            raise _fail(path, "the workbook unpacks beyond the limit of "
                                        f"{limits.max_decompressed_bytes:,} bytes (possible zip bomb)",
                                        "raise limits.max_decompressed_bytes in imvo.toml",
                                        "zip-bomb")
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
                raise _fail(path, f"the workbook is damaged ({info.filename}: {exc})",
                            "open it in Excel or LibreOffice and save it again", "corrupt") from None


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
    if ext in (".xlsx", ".xlsm"):
        if kind == "ole":
            raise _fail(path, "the workbook is encrypted or password-protected",
                        "remove the password in Excel (File > Info > Protect Workbook) and save "
                        "a copy", "encrypted")
        if kind != "zip":
            raise _fail(path, "not an Excel workbook (the file is not an .xlsx zip container)",
                        "check the file; export it again as .xlsx or .csv", "not-a-workbook")
        _check_zip(path, limits, "xlsx")
    elif ext == ".ods":
        if kind != "zip":
            raise _fail(path, "not an OpenDocument spreadsheet (the file is not a zip container)",
                        "export it again as .ods, .xlsx or .csv", "not-a-workbook")
        _check_zip(path, limits, "ods")
    elif ext == ".xls":
        if kind == "zip":
            _check_zip(path, limits, "xlsx")  # an .xlsx saved with the old extension
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
        if re.search(r"encrypt|password", text, re.I):
            raise _fail(path, "the workbook is encrypted or password-protected",
                        "remove the password in Excel and save a copy", "encrypted") from None
        raise _fail(path, f"the workbook cannot be read ({text.splitlines()[0][:200] if text else type(exc).__name__})",
                    "open it in Excel or LibreOffice and save it again as .xlsx", "corrupt") from None
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
        loader = _sheet_loader(path, wb, name, limits)
        sheets.append(Sheet(name, loader, visible, kind_name))
    if not sheets:
        raise _fail(path, "the workbook has no sheets", "add a sheet with the supplier list",
                    "no-sheets")
    return sheets


def _sheet_loader(path: Path, wb, name: str, limits: Limits):
    """Rows load only when a sheet is looked at (first 20 rows) or chosen (all rows)."""
    def load(nrows: int | None = None) -> list[list]:
        return _load_calamine_sheet(path, wb, name, limits, nrows)
    return load


def _load_calamine_sheet(path: Path, wb, name: str, limits: Limits, nrows: int | None) -> list[list]:
    sheet_name = name
    try:
        s = wb.get_sheet_by_name(name)
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
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limits.max_rows + 1:
                raise _fail(path, f"more than {limits.max_rows:,} rows",
                            "raise limits.max_rows in imvo.toml or split the list", "too-many-rows")
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
