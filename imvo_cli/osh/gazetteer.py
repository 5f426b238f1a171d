"""Read an Open Supply Hub facilities download as a gazetteer, one facility at a time.

A download (CSV, or a workbook) has the columns os_id, contribution_date, name, address,
country_code, country_name, lat, lng, sector, "contributor (list)", number_of_workers,
parent_company, processing_type_facility_type_raw, facility_type, processing_type,
product_type, is_closed and possibly partner-data columns after them. Columns are found by
name, so extra or reordered ones do no harm. A full download has hundreds of thousands of rows:
the CSV is read as a stream and nothing is kept here; the matcher keeps what it needs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import ImvoError, Issue

REQUIRED = ("os_id", "name")
COUNTRY_COLUMNS = ("country_code", "country_name", "country")
MAX_ROW_ISSUES = 50  # per code; the rest are counted in one summary issue
TRUE = {"true", "yes", "1", "closed"}


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


def _header_index(header: list[str], path: Path) -> dict[str, int]:
    idx: dict[str, int] = {}
    for i, h in enumerate(header):
        key = str(h or "").strip().lstrip("\ufeff").casefold()
        idx.setdefault(key, i)
    missing = [c for c in REQUIRED if c not in idx]
    if not any(c in idx for c in COUNTRY_COLUMNS):
        missing.append("country_code")
    if missing:
        raise ImvoError(f"not an Open Supply Hub facilities download: no column "
                        f"{', '.join(missing)}", file=path, row=1, code="osh-download-columns",
                        hint="download the facilities from opensupplyhub.org (CSV) and pass "
                             "that file unchanged")
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
            yield from csv.reader(fh, delimiter=_delimiter(first))
        return
    from ..ingest.readers import read_sheets

    sheets = read_sheets(path)
    yield from sheets[0].load(None)


def _text_encoding(path: Path) -> str:
    """utf-8 (BOM or not), utf-16 with a BOM, else cp1252: a download re-saved by a spreadsheet
    program in its Western encoding must not turn every accented name into U+FFFD."""
    import codecs

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
    from ..ingest.countries import to_iso2
    from ..ingest.normalise import parse_os_id

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
        n = counts[code] = counts.get(code, 0) + 1
        if n <= MAX_ROW_ISSUES:
            issues.append(Issue("warning", code, message, str(path), None, row_no, column,
                                "the facility was left out of the matching"))

    for row_no, row in enumerate(rows, 2):
        if not any(c not in (None, "") for c in row):
            continue
        stats.rows += 1
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
                                get(row, "is_closed").casefold() in TRUE, row_no)
    if stats.rows == 0:
        raise ImvoError("the Open Supply Hub download has a header but no facilities", file=path,
                        row=2, code="osh-download-empty",
                        hint="download the facilities again, or pass the file OSH gave unchanged")
    for code, n in sorted(counts.items()):
        if n > MAX_ROW_ISSUES:
            issues.append(Issue("warning", code, f"{n - MAX_ROW_ISSUES} more rows like this",
                                str(path), hint="the facilities were left out of the matching"))


def _getter(idx: dict[str, int]) -> Callable[[list, str], str]:
    from ..ingest.normalise import clean_text

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
