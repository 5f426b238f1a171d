"""Read an Open Supply Hub facilities download as a gazetteer, one facility at a time.

A download (CSV, or a workbook) has the columns os_id, contribution_date, name, address,
country_code, country_name, lat, lng, sector, "contributor (list)", number_of_workers,
parent_company, processing_type_facility_type_raw, facility_type, processing_type,
product_type, is_closed and possibly partner-data columns after them. Columns are found by
name, so extra or reordered ones do no harm. A full download has hundreds of thousands of rows:
the CSV is read as a stream and nothing is kept here; the matcher keeps what it needs.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..countries import to_iso2
from ..ingest.normalise import clean_text, parse_os_id
from ..ingest.readers import read_sheets
from ..model import ImvoError, Issue

REQUIRED = ("os_id", "name")
COUNTRY_COLUMNS = ("country_code", "country_name", "country")
UPLOAD_ONLY = {"country", "name", "address"}  # an upload list has these and no os_id
MAX_ROW_ISSUES = 50  # per code; the rest are counted in one summary issue
# The first rows' OS IDs are checked in every country: a file none of whose first rows has a
# valid OS ID is not a download (columns shifted, another file), whatever the list's countries.
SHAPE_ROWS = 200
MAX_CELL = 1 << 17  # characters in one CSV cell of a download (the csv module's default)
# is_closed as OSH writes it ("True"/"False"), as a spreadsheet program may save it again (TRUE,
# WAAR/ONWAAR in Dutch, 1/0) or as a person types it; anything else is read as open, with a warning.
CLOSED = frozenset({"true", "yes", "y", "1", "1.0", "closed", "waar", "ja", "x"})
OPEN = frozenset({"", "false", "no", "n", "0", "0.0", "open", "onwaar", "nee", "none", "null"})


@dataclass(frozen=True, slots=True)
class GazetteerFacility:
    """One facility of the download: its OS ID and what a match is decided on."""

    os_id: str
    name: str
    country: str
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    is_closed: bool = False
    row: int = 0


@dataclass(slots=True)
class GazetteerStats:
    """What reading the download found: rows, facilities used, and what was wrong."""

    file: str
    rows: int = 0
    facilities: int = 0
    skipped_country: int = 0  # valid rows in countries none of the suppliers is in
    bad_rows: int = 0
    candidates: int = 0  # facilities kept because a supplier's name is alike (set by matching)
    pairs: int = 0  # supplier-facility pairs scored
    duplicates: int = 0  # candidate rows whose OS ID an earlier row already had (set by matching)
    first_bad: tuple[int, str, str] | None = None  # (row, column, what is wrong) of the first bad row
    odd_closed: dict[str, int] = field(default_factory=dict)  # unread is_closed values -> rows


def _header_index(header: list[str], path: Path) -> dict[str, int]:
    idx: dict[str, int] = {}
    for i, h in enumerate(header):
        key = str(h or "").strip().lstrip("\ufeff").casefold()
        idx.setdefault(key, i)
    missing = [c for c in REQUIRED if c not in idx]
    if not any(c in idx for c in COUNTRY_COLUMNS):
        missing.append("country_code")
    if missing:
        looks_like = (" (its columns are those of an upload list, not of a download)"
                      if "os_id" not in idx and UPLOAD_ONLY <= set(idx) else "")
        raise ImvoError(f"not an Open Supply Hub facilities download: no column "
                        f"{', '.join(missing)}{looks_like}", file=path, row=1,
                        code="osh-download-columns",
                        hint="download the facilities from opensupplyhub.org (CSV) and pass "
                             "that file unchanged; its first row names the columns os_id, "
                             "name, address, country_code ...")
    return idx


def _rows(path: Path) -> Iterator[list]:
    """The rows of the download, header first; CSV streamed, workbooks through ingest."""
    if not path.exists():
        raise ImvoError("file not found", file=path, code="file-not-found",
                        hint="check the path of the Open Supply Hub download")
    if path.suffix.lower() in (".csv", ".txt"):
        encoding = _text_encoding(path)
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            first = fh.readline()
            fh.seek(0)
            # NUL bytes (a download saved as UTF-16 without its byte-order mark, a damaged
            # copy) would stop the csv module; they are dropped here and nowhere kept.
            lines = (line.replace("\0", "") if "\0" in line else line for line in fh)
            reader = csv.reader(lines, delimiter=_delimiter(first))
            while True:
                # The limit is global and reading a list raises it to the file size; a download
                # gets the csv module's default, so an unbalanced quote cannot swallow the file.
                csv.field_size_limit(MAX_CELL)
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise ImvoError(f"the download cannot be read as CSV from line "
                                    f"{reader.line_num}: {exc}", file=path, row=reader.line_num,
                                    code="osh-download-csv",
                                    hint=f"a cell longer than {MAX_CELL:,} characters is almost always "
                                         "an unbalanced double quote; download the facilities "
                                         "again, or pass the file OSH gave unchanged") from None
                yield row
    sheets = read_sheets(path)
    yield from sheets[0].load(None)


def _text_encoding(path: Path) -> str:
    """utf-8 (BOM or not), utf-16 with a BOM, else cp1252: a download re-saved by a spreadsheet
    program in its Western encoding must not turn every accented name into U+FFFD."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _delimiter(header_line: str) -> str:
    """OSH writes commas; a download saved again by a spreadsheet program may use ; or tab."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_gazetteer(path: str | Path, issues: list[Issue], stats: GazetteerStats | None = None,
                   countries: set[str] | None = None) -> Iterator[GazetteerFacility]:
    """Facilities of a download, streamed; `countries` keeps only those countries. Rows
    without a valid OS ID, name or country become issues (the first few per kind, then a
    count)."""
    path = Path(path)
    stats = stats or GazetteerStats(str(path))
    rows = _rows(path)
    header = next(rows, None)
    if header is None:
        raise ImvoError("the Open Supply Hub download is empty", file=path,
                        code="osh-download-columns", hint="download the facilities again")
    idx = _header_index([str(h) if h is not None else "" for h in header], path)
    country_cols = [idx[c] for c in COUNTRY_COLUMNS if c in idx]
    get = _getter(idx)
    counts: dict[str, int] = {}
    iso_cache: dict[str, str | None] = {}

    def bad(code: str, row_no: int, column: str, message: str) -> None:
        stats.bad_rows += 1
        if stats.first_bad is None:
            stats.first_bad = (row_no, column, message)
        n = counts[code] = counts.get(code, 0) + 1
        if n <= MAX_ROW_ISSUES:
            issues.append(Issue("warning", code, message, str(path), None, row_no, column,
                                "the facility was left out of the matching"))

    shape = _ShapeCheck(path, idx.get("os_id", 0))
    for row_no, row in enumerate(rows, 2):
        if not any(c not in (None, "") for c in row):
            continue
        stats.rows += 1
        if stats.rows <= SHAPE_ROWS:
            shape.see(row_no, row)
            if stats.rows == SHAPE_ROWS:
                shape.done()  # before streaming the rest of a file that is no download
        country = None
        for c in country_cols:
            text = str(row[c]).strip() if c < len(row) and row[c] is not None else ""
            if text:
                if text not in iso_cache:
                    iso_cache[text] = to_iso2(text)
                country = iso_cache[text]
                if country:
                    break
        if country is None:
            bad("osh-download-country", row_no, "country_code", "no country OSH or imvo knows")
            continue
        if countries is not None and country not in countries:
            stats.skipped_country += 1
            continue
        name = get(row, "name")
        if not name:
            bad("osh-download-name", row_no, "name", "a facility without a name")
            continue
        try:
            os_id = parse_os_id(get(row, "os_id"))
        except ValueError as exc:
            bad("osh-download-os-id", row_no, "os_id", str(exc))
            continue
        stats.facilities += 1
        yield GazetteerFacility(os_id, name, country, get(row, "address"),
                                _float(get(row, "lat"), 90), _float(get(row, "lng"), 180),
                                _closed(get(row, "is_closed"), row_no, stats), row_no)
    if stats.rows == 0:
        raise ImvoError("the Open Supply Hub download has a header but no facilities", file=path,
                        row=2, code="osh-download-empty",
                        hint="download the facilities again, or pass the file OSH gave unchanged")
    if stats.rows < SHAPE_ROWS:
        shape.done()
    if stats.facilities == 0 and stats.first_bad is not None:
        row_no, column, message = stats.first_bad
        raise ImvoError(f"none of the {stats.rows:,} facility rows of the download can be used "
                        f"(the first: {message})", file=path, row=row_no, column=column,
                        code="osh-download-unusable",
                        hint="pass the facilities download as Open Supply Hub gave it: every "
                             "row needs a valid os_id, a name and a country")
    for code, n in sorted(counts.items()):
        if n > MAX_ROW_ISSUES:
            issues.append(Issue("warning", code, f"{n - MAX_ROW_ISSUES} more rows like this",
                                str(path), hint="the facilities were left out of the matching"))
    if stats.bad_rows:
        issues.append(Issue("warning", "osh-download-rows-left-out",
                            f"{stats.bad_rows:,} of {stats.rows:,} rows of the download were left "
                            "out of the matching (no valid OS ID, name or country)", str(path),
                            hint="see the issues before this one for their rows"))
    if stats.odd_closed:
        shown = ", ".join(repr(v) for v in sorted(stats.odd_closed)[:5])
        first = min(stats.odd_closed.values())
        issues.append(Issue("warning", "osh-download-closed-value",
                            f"is_closed values read as open: {shown} "
                            f"({sum(1 for _ in stats.odd_closed)} distinct)", str(path), None,
                            first, "is_closed",
                            "OSH writes True or False; check those facilities on opensupplyhub.org"))


@dataclass(slots=True)
class _ShapeCheck:
    """The first SHAPE_ROWS rows' OS IDs, in every country: none valid means not a download."""

    path: Path
    column: int
    valid: int = 0
    first: tuple[int, str] | None = None

    def see(self, row_no: int, row: list) -> None:
        if self.valid:
            return
        value = row[self.column] if self.column < len(row) else None
        try:
            parse_os_id(value)
            self.valid += 1
        except ValueError as exc:
            if self.first is None:
                self.first = (row_no, str(exc))

    def done(self) -> None:
        if self.valid or self.first is None:
            return
        row_no, message = self.first
        raise ImvoError(f"no valid OS ID in the first rows of the download (the first: "
                        f"{message}); it is not a facilities download, or its columns are "
                        "shifted", file=self.path, row=row_no, column="os_id",
                        code="osh-download-unusable",
                        hint="pass the facilities download as Open Supply Hub gave it; its "
                             "os_id column holds IDs like CN2019303BQ3FZP")


def _closed(text: str, row_no: int, stats: GazetteerStats) -> bool:
    key = text.strip().casefold()
    if key in CLOSED:
        return True
    if key not in OPEN:
        stats.odd_closed.setdefault(text.strip()[:40], row_no)
    return False


def _getter(idx: dict[str, int]) -> Callable[[list, str], str]:
    def get(row: list, column: str) -> str:
        i = idx.get(column)
        if i is None or i >= len(row) or row[i] is None:
            return ""
        # Downloaded text reaches terminals and workbooks: no control characters in it.
        return clean_text(row[i])
    return get


def _float(text: str, limit: float) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if -limit <= x <= limit else None
