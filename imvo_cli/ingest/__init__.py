"""Read a supplier spreadsheet into Suppliers and Issues, accounting for every row."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from itertools import compress, repeat, zip_longest
from operator import and_
from pathlib import Path

from ..collector import gc_paused
from ..countries import CountryReading, country_name, read_country
from ..match.normalise import strip_legal_forms, tokens_of
from ..model import MULTI_FIELDS, REQUIRED_FIELDS, ImvoError, Issue, Supplier, SupplierList
from ..policy import Policy
from ..sectors import available_profiles, sector_named
from . import normalise as nz
from .headers import (
    ALIASES,
    HEADER_SCAN_ROWS,
    canonical_field,
    closest_alias,
    find_header_row,
    header_key,
    header_text,
    is_mapped,
    is_weak_alias,
    joined_header,
    mapped_fields,
    validate_column_map,
)
from .merged import fill_merged, merged_cell_issues, merged_only_rows, section_headings
from .notes import note_issues
from .readers import Sheet, read_sheets

__all__ = ["gc_paused", "read_suppliers", "select_sheet", "supplier_id"]

EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!",
                          "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
EXAMPLE_MARKERS = frozenset({"example", "voorbeeld"})
META_LABELS = {"company": "company", "member": "company", "bedrijf": "company", "lid": "company",
               "organisation": "company", "organization": "company", "organisatie": "company",
               "brand": "company", "merk": "company", "companyname": "company",
               "bedrijfsnaam": "company", "member name": "company"}

# Single-valued fields parsed by a function that raises ValueError with a readable message.
_PARSERS = {
    "tier": nz.parse_tier,
    "workers": nz.parse_workers,
    "audit_date": nz.parse_date,
    "purchase_share": nz.parse_share,
    "os_id": nz.parse_os_id,
    "lat": lambda v: nz.parse_coordinate(v, 90),
    "lng": lambda v: nz.parse_coordinate(v, 180),
}
_FIELD_ATTR = {"tier": "declared_tier"}


def supplier_id(name: str, country: str | None, address: str | None) -> str:
    """A stable id from content (never from row order): same supplier, same id."""
    return _id_from_keys(nz.name_key(name), country, nz.name_key(address or ""))


def _id_from_keys(name_key: str, country: str | None, address_key: str) -> str:
    key = "|".join((name_key, country or "", address_key))
    return "S" + hashlib.blake2b(key.encode("utf-8"), digest_size=5).hexdigest().upper()


def select_sheet(path: Path, sheets: list[Sheet], wanted: str | int | None,
                 column_map: dict[str, str]) -> tuple[Sheet, list[list], int]:
    """The sheet to read, its first rows and the header row index within them."""
    if wanted not in (None, ""):
        sheet = _sheet_by_name_or_number(path, sheets, wanted)
        head = sheet.load(HEADER_SCAN_ROWS)
        h = find_header_row(head, column_map)
        if h is None:
            raise _no_header(path, [(sheet, head)])
        return sheet, head, h
    looked: list[tuple[Sheet, list[list]]] = []
    candidates = [s for s in sheets if s.visible and s.kind == "worksheet"]
    if not candidates:
        hidden = [s.name for s in sheets if not s.visible]
        if hidden:
            with_header = _hidden_with_header(sheets, column_map) or hidden
            raise ImvoError(f"every sheet is hidden ({', '.join(map(str, hidden))})", file=path,
                            code="only-hidden-sheets",
                            hint=f"unhide the supplier sheet or pass --sheet {with_header[0]!r}")
        raise ImvoError("the workbook has no worksheets (only charts or other sheet types)",
                        file=path, code="no-worksheets", hint="add a sheet with the supplier list")
    for sheet in candidates:
        head = sheet.load(HEADER_SCAN_ROWS)
        h = find_header_row(head, column_map)
        if h is not None:
            return sheet, head, h
        looked.append((sheet, head))
    # A hidden sheet is never read unasked (it may hold last year's list or a lookup table),
    # but one with a supplier header is named, with the option that reads it.
    with_header = _hidden_with_header(sheets, column_map)
    if with_header:
        names = ", ".join(repr(n) for n in with_header)
        visible = ", ".join(repr(s.name) for s, _ in looked if s.name is not None)
        raise ImvoError(f"no visible sheet has a recognisable header ({visible}); the hidden "
                        f"sheet(s) {names} have one", file=path, code="header-on-hidden-sheet",
                        hint=f"pass --sheet {with_header[0]!r} to read it, or unhide it")
    raise _no_header(path, looked)


def _hidden_with_header(sheets: list[Sheet], column_map: dict[str, str]) -> list[str]:
    """The names of the hidden worksheets whose first rows hold a supplier header."""
    return [s.name for s in sheets if not s.visible and s.kind == "worksheet"
            and s.name is not None and find_header_row(s.load(HEADER_SCAN_ROWS), column_map)
            is not None]


def _sheet_by_name_or_number(path: Path, sheets: list[Sheet], wanted) -> Sheet:
    names = [s.name for s in sheets]
    text = str(wanted).strip()
    for s in sheets:
        if s.name == text:
            return s
    for s in sheets:
        if s.name is not None and s.name.casefold() == text.casefold():
            return s
    if text.isdigit() and 1 <= int(text) <= len(sheets):
        return sheets[int(text) - 1]
    listed = ", ".join(repr(n) for n in names if n is not None) or "(a CSV file has one sheet: 1)"
    raise ImvoError(f"sheet {text!r} not found", file=path, code="sheet-not-found",
                    hint=f"sheets in this file: {listed}; use a name or a number from 1")


def _header_candidate(head: list[list]) -> tuple[int, list] | None:
    """The row most like a header (most cells that could title a column, at least two; the
    earliest on a tie): the row the 'did you mean' hints come from. A row of one cell is a
    title or a metadata line, never a candidate."""
    best: tuple[int, list] | None = None
    best_count = 1
    for i, row in enumerate(head):
        count = sum(1 for c in row if header_text(c))
        if count > best_count:
            best, best_count = (i, row), count
    return best


# How a cell under the header explains its column: '(ISO code)', '[number]', 'e.g. Dhaka'.
_DESCRIBES = re.compile(r"\s*(?:\(.*\)|\[.*\]|(?:e\.\s?g\.?|eg\.|bijv\.?|bv\.|z\.\s?b\.|ex\.)\s.*)\s*",
                        re.IGNORECASE | re.DOTALL)


def _description_rows(rows: list[list], first: int, fields: list) -> list[int]:
    """The rows right under the header (at most two) that only explain the columns: two or
    more read cells, each in brackets or an example ('e.g. ...', 'bijv. ...'), nothing else."""
    out = []
    for r in range(first, min(first + 2, len(rows))):
        cells = [(c, v) for c, v in enumerate(rows[r]) if v not in (None, "")]
        read = [v for c, v in cells if c < len(fields) and fields[c]]
        if len(read) < 2 or not all(isinstance(v, str) and _DESCRIBES.fullmatch(v)
                                    for _c, v in cells):
            break
        out.append(r)
    return out


def _shown(row: list) -> str:
    cells = [nz.clean_text(v) for v in row if v not in (None, "")]
    text = ", ".join(cells[:3]) + (", ..." if len(cells) > 3 else "")
    return text if len(text) <= 80 else text[:77] + "..."


def _no_header(path: Path, looked: list[tuple[Sheet, list[list]]]) -> ImvoError:
    sheet, head = looked[0] if looked else (None, [])
    first = next((r for r in head if any(c not in (None, "") for c in r)), None)
    if first is None:
        return ImvoError("the sheet is empty", file=path, sheet=sheet.name if sheet else None,
                         code="empty-sheet", hint="add a header row and supplier rows")
    candidate = _header_candidate(head)
    hints = []
    if candidate is None:  # titles and metadata only: nothing there could be a column title
        seen = [nz.clean_text(c) for c in first if c not in (None, "")][:12]
        found = f"first row found: {', '.join(seen)}"
    else:
        r, row = candidate
        seen = [nz.clean_text(c) for c in row if c not in (None, "")][:12]
        found = f"the row most like a header (row {r + 1}): {', '.join(seen)}"
        for h in (nz.clean_text(c) for c in row if header_text(c)):
            close = closest_alias(h)
            if close:
                hints.append(f"{h!r} -> {close[0]!r} ({close[1]})")
    hint = ("did you mean " + "; ".join(hints[:4]) + "? " if hints else "") + \
        'name the columns (at least name and country) or map them with --map "Header=field"'
    sheets = ", ".join(repr(s.name) for s, _ in looked if s.name is not None)
    where = f" of sheet(s) {sheets}" if sheets else ""
    return ImvoError(f"no recognisable header row in the first {HEADER_SCAN_ROWS} rows{where}; "
                     f"{found}", file=path,
                     sheet=sheet.name if sheet else None, code="header-not-found", hint=hint)


def _metadata_company(rows: list[list]) -> str | None:
    """A 'Company: Acme' or 'Bedrijf | Acme' cell pair above the header."""
    return _metadata(rows, META_LABELS)


SECTOR_LABELS = ("sector", "sector profile", "risk profile", "sectorprofiel", "risicoprofiel",
                 "branche")


_LABEL_KEYS = frozenset(header_key(k) for k in (*META_LABELS, *SECTOR_LABELS))


def _metadata_sector(rows: list[list]) -> str | None:
    """The text of a 'Sector: metals' or 'Sector | Metalen' cell pair above the header."""
    return _metadata(rows, SECTOR_LABELS)


def _metadata(rows: list[list], labels) -> str | None:
    """The value of the first 'Label: value' cell or 'Label' | 'value' cell pair above the
    header whose label is one of `labels`; a row may hold several pairs."""
    keys = {header_key(k) for k in labels}
    for row in rows:
        cells = [nz.clean_text(c) for c in row if c not in (None, "")]
        for i, cell in enumerate(cells):
            label, _, rest = cell.partition(":")
            if header_key(label) not in keys:
                continue
            # 'Company:' left empty before 'Sector: metals' names no company
            value = rest.strip() or (cells[i + 1] if i + 1 < len(cells)
                                     and not _is_label(cells[i + 1]) else "")
            if value:
                return value
    return None


def _is_label(cell: str) -> bool:
    """Is this cell above the header a label ('Sector:', 'Bedrijf') rather than a value?"""
    return cell.endswith(":") or header_key(cell.partition(":")[0]) in _LABEL_KEYS


def _list_sector(rows: list[list], fname: str, sheet_name, issues: list[Issue]) -> str | None:
    """The profile the list names above its header; a name of no profile is a warning."""
    text = _metadata_sector(rows)
    if text is None:
        return None
    key = sector_named(text)
    if key is None:
        row = next((r + 1 for r, row in enumerate(rows)
                    if any(isinstance(c, str) and text in c for c in row)), None)
        issues.append(Issue("warning", "unknown-sector",
                            f"the list names the sector {text!r}, which is not a risk profile; "
                            "the profile of the policy or --sector is used",
                            fname, sheet_name, row, None,
                            f"write one of {', '.join(available_profiles())} or use --sector"))
    return key


def _map_columns(path, sheet_name, header: list, column_map, issues: list[Issue]):
    """(field per column index or None, header text per column, extra column names)."""
    fields: list[str | None] = []
    texts: list[str] = []
    taken: dict[str, str] = {}
    extras: list[str] = []
    # A row counter ('Nr.') next to a real id column ('Leveranciersnummer') is not the id.
    strong_id = any(canonical_field(c, column_map) == "id" and not is_weak_alias(c, column_map)
                    for c in header if c not in (None, ""))
    # A single-valued field the column map gives to a header of this row is that header's
    # alone: another header naming it by alias is kept as an extra column.
    mapped = mapped_fields(header, column_map)
    for i, cell in enumerate(header):
        text = nz.clean_text(cell)
        if not text:
            text = f"(column {nz.column_letter(i)})"
            fields.append(None)
            texts.append(text)
            continue
        field = canonical_field(text, column_map)
        if field == "ignore" or (field == "id" and strong_id and is_weak_alias(text, column_map)):
            field = None
        if field in mapped and field not in MULTI_FIELDS and not is_mapped(text, column_map):
            issues.append(Issue("warning", "column-mapped-elsewhere",
                                f"column {text!r} names {field!r}, but the column map gives "
                                f"{field!r} to {mapped[field]!r}; this one is kept as an extra "
                                "column", path, sheet_name, None, text,
                                f"map it with --map \"{text}=...\" if it holds another field"))
            field = None
        if field and field in taken and field not in MULTI_FIELDS:
            message = (f"column {text!r} names {field!r} again; "
                       f"{taken[field]!r} is used, this one is kept as an extra column")
            if taken[field] == text:  # the same header twice: say which column is which
                a, b = nz.column_letter(texts.index(text)), nz.column_letter(i)
                message = (f"columns {a} and {b} are both headed {text!r} ({field!r}); "
                           f"column {a} is used, {b} is kept as an extra column")
            issues.append(Issue("warning", "duplicate-column", message,
                                path, sheet_name, None, text,
                                f"rename one of the two columns or map it with --map \"{text}=...\""))
            field = None
        if field:
            taken.setdefault(field, text)
        else:
            extras.append(text)
        fields.append(field)
        texts.append(text)
    # Duplicate header texts among extras get a suffix so nothing overwrites anything.
    seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        if fields[i] is None:
            n = seen.get(text, 0)
            seen[text] = n + 1
            if n:
                texts[i] = f"{text} ({n + 1})"
    extras = [texts[i] for i in range(len(texts)) if fields[i] is None and header[i] not in (None, "")]
    return fields, texts, taken, extras


def _mapped_headers_present(path, sheet_name, header: list, h: int,
                            column_map: dict[str, str] | None) -> None:
    """Every header the caller's column map (--map) names is in the header row.

    The [columns] table of imvo.toml is left out: one table may serve lists with different
    headers.
    """
    if not column_map:
        return
    present = {header_key(c) for c in header if c not in (None, "")}
    missing = [t for t in column_map if header_key(t) not in present]
    if not missing:
        return
    found = [nz.clean_text(c) for c in header if c not in (None, "")]
    text = missing[0]
    close = difflib.get_close_matches(text, found, n=1, cutoff=0.6)
    hint = (f'did you mean {close[0]!r}? --map "{close[0]}={column_map[text]}"' if close else
            "write the header as the sheet has it; case, spaces and punctuation may differ; "
            "or choose another sheet with --sheet")
    raise ImvoError(f"--map names the header {text!r}, which the header row does not have; "
                    f"headers found: {', '.join(found)}", file=path, sheet=sheet_name,
                    row=h + 1, code="mapped-header-missing", hint=hint)


def _missing_required(path, sheet_name, taken: dict[str, str], texts: list[str]) -> None:
    missing = [f for f in REQUIRED_FIELDS if f not in taken]
    if not missing:
        return
    field = missing[0]
    found = [t for t in texts if not t.startswith("(column ")]
    unmapped = [t for t in found if canonical_field(t) is None]
    close = [(t, c) for t in unmapped if (c := closest_alias(t)) and c[1] == field]
    en, nl = ALIASES[field]
    if close:
        hint = f"did you mean {close[0][1][0]!r}? rename {close[0][0]!r} or use --map \"{close[0][0]}={field}\""
    else:
        hint = (f"add a column named e.g. {en[0]!r} or {nl[0]!r}, or map one with "
                f"--map \"Header={field}\"")
    raise ImvoError(f"required column {field!r} is missing; headers found: {', '.join(found)}",
                    file=path, sheet=sheet_name, column=field, code="missing-column", hint=hint)


# Supplier attributes filled from columns, in the order the row loop unpacks them.
_ROW_FIELDS = ("name", "country", "id", "address", "city", "region", "postal_code", "tier",
               "process", "product", "sector", "certifications", "supplies_to", "workers",
               "parent_company", "audit_standard", "audit_date", "audit_result",
               "purchase_share", "os_id", "lat", "lng")
_NUMERIC_TYPES = frozenset({bool, int, float})
_STR_OR_EMPTY = frozenset({str, type(None)})
_STR_OR_NUMBER = frozenset({str, int, float})


class _CellReader:
    """What one distinct raw value of one column means: (value or None, problems).

    A problem is (code, message, hint); it is reported at every row holding that value.
    Lists repeat the same countries, processes and products thousands of times, so each
    distinct value of a column is resolved once and rows only look the result up.
    """

    def __init__(self, policy: Policy):
        self.max_chars = policy.limits.max_cell_chars

    def text(self, raw) -> tuple[str, tuple]:
        problems: tuple[tuple[str, str, str], ...] = ()
        if isinstance(raw, str):
            if len(raw) > self.max_chars:
                problems += (("cell-too-long", f"cell has {len(raw):,} characters; kept the "
                              f"first {self.max_chars:,}",
                              "shorten the cell or raise limits.max_cell_chars"),)
                raw = raw[:self.max_chars]
            if nz.has_control_chars(raw):
                problems += (("control-characters", "cell contains control characters; they "
                              "were replaced by spaces", "clean the cell text"),)
        return nz.clean_text(raw), problems

    def resolver(self, field: str | None, parser=None):
        """A function raw -> (value or None, problems) for a column holding `field`; `parser`
        replaces the field's own parser (one that knows the column)."""
        multi = field in MULTI_FIELDS
        plain = field not in _PARSERS
        parse = parser or (_PARSERS.get(field) if field is not None else None)
        max_chars = self.max_chars

        def resolve(raw):
            # Most cells are already clean text: short, printable, single-spaced, trimmed.
            # Their text is their NFC form (as clean_text would return it), with no problem.
            if type(raw) is str and plain and raw and raw.isprintable() \
                    and len(raw) <= max_chars and "  " not in raw and raw[0] != " " \
                    and raw[-1] != " " and raw not in EXCEL_ERRORS:
                text = raw if raw.isascii() else unicodedata.normalize("NFC", raw)
                return (nz.split_multi(text) if multi else text), ()
            if raw is None or raw == "":
                return None, ()
            if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
                return None, (("error-value", f"cell holds the spreadsheet error "
                               f"{raw.strip()}; treated as empty",
                               "fix the formula or type the value"),)
            if field is None:  # an extra column: numbers kept as they are
                if isinstance(raw, (int, float)):
                    return raw, ()
                text, problems = self.text(raw)
                return (text if text != "" else None), problems
            if parse is not None:
                try:
                    return parse(raw), ()
                except ValueError as exc:
                    return None, ((f"invalid-{field.replace('_', '-')}", str(exc),
                                   _FIX.get(field)),)
            if multi and isinstance(raw, str) and ("\n" in raw or "\r" in raw):
                # a line break (Alt+Enter in Excel) separates values as '|' does; cleaning
                # the text would turn it into a space
                raw = _LINE_BREAK.sub("|", raw)
            text, problems = self.text(raw)
            if not text:
                return None, problems
            return (nz.split_multi(text) if multi else text), problems
        return resolve


_LINE_BREAK = re.compile(r"\r\n?|\n")


# Joins the cells of a column for the checks made on all of them at once; printable, so the
# joined text is printable exactly when every cell is, and rare, since a cell holding it
# beside a space only sends the column the per-value way.
_JOIN = "^"
_SPLIT_CHARS = ("|", ";", ",")


def _read_column(cells, field: str | None, reader: _CellReader, distinct: dict | None = None) \
        -> tuple[list, dict[int, tuple]]:
    """Values of one column (None where nothing usable) and problems by position, each
    distinct cell value read once (values of equal cells are the same object, never changed);
    `distinct` is dict.fromkeys(cells) when the caller has it."""
    if field == "purchase_share":
        # One scale for the column: 40, 25 and 1 are percentages; 0.4, 0.25 and 1 fractions.
        distinct = dict.fromkeys(cells)
        percent = nz.shares_are_percentages(distinct)
        return _resolve_column(cells, reader.resolver(
            field, lambda v: nz.parse_share(v, percent)), distinct)
    if field not in MULTI_FIELDS and _mostly_distinct(cells):
        # ids, names, addresses: the cells themselves are checked, a dict of them would
        # cost more than it saves
        values = _clean_column(cells, field, reader.max_chars, None)
        if values is not None:
            return values, {}
    if distinct is None:
        distinct = dict.fromkeys(cells)
    values = _clean_column(cells, field, reader.max_chars, distinct)
    if values is not None:
        return values, {}
    return _resolve_column(cells, reader.resolver(field), distinct)


def _mostly_distinct(cells) -> bool:
    """Do most cells of a column differ from each other (judged on a sample of them)?"""
    sample = cells[::max(1, len(cells) // 256)]
    return len(sample) >= 64 and len(set(sample)) * 4 > len(sample) * 3


def _clean_column(cells, field: str | None, max_chars: int, distinct: dict | None = None) \
        -> list | None:
    """Values of a text column whose every cell is empty or already clean text, in a few
    passes over its distinct values (over the cells when `distinct` is None); None when some
    cell needs the per-value reading.

    Clean means what the per-value fast path asks of a cell: printable, trimmed, single-spaced,
    within the length limit and not a spreadsheet error, so its value is the text itself (in
    NFC) and, for a multi-valued field, its parts.
    """
    if field in _PARSERS:
        return None
    seen = cells if distinct is None else distinct
    # str and None never equal a value of another type, so the distinct values show every type
    if not _STR_OR_EMPTY.issuperset(map(type, seen)):
        return None
    texts = list(filter(None, seen))
    if not texts:
        return None
    joined = _JOIN.join(texts)
    if not joined.isprintable() or "  " in joined or joined[0] == " " or joined[-1] == " " \
            or f"{_JOIN} " in joined or f" {_JOIN}" in joined \
            or max(map(len, texts)) > max_chars \
            or ("#" in joined and not EXCEL_ERRORS.isdisjoint(texts)):
        return None
    # The separator composes with nothing, so the joined text is in NFC exactly when every
    # cell is (the usual case); otherwise each non-ASCII cell is normalised.
    nfc: dict[str, str] = {}
    if not joined.isascii() and not unicodedata.is_normalized("NFC", joined):
        nfc = {t: unicodedata.normalize("NFC", t) for t in texts if not t.isascii()}
    if field not in MULTI_FIELDS:
        if nfc:
            return [nfc.get(c, c) or None for c in cells]
        return [c or None for c in cells] if "" in seen else list(cells)
    keys = texts if distinct is not None else list(dict.fromkeys(texts))
    table: dict = dict(zip(keys, nz.split_multi_all([nfc.get(t, t) for t in keys]))) if nfc \
        else nz.split_multi_table(keys)
    table[None] = table[""] = None
    return list(map(table.__getitem__, cells))


def _resolve_column(cells, resolve, distinct: dict | None = None) -> tuple[list, dict[int, tuple]]:
    """Values of one column (None where nothing usable) and problems by position."""
    if distinct is None:
        distinct = dict.fromkeys(cells)
    # 1, 1.0 and True are one dict key: safe only when at most one of them occurs (a numeric
    # type among the distinct values is the only sign that several might).
    if not _NUMERIC_TYPES.isdisjoint(map(type, distinct)) and \
            len(_NUMERIC_TYPES.intersection(map(type, cells))) > 1:
        keyed = [(type(raw), raw) for raw in cells]
        by_key = {key: resolve(key[1]) for key in dict.fromkeys(keyed)}
        values = [by_key[key][0] for key in keyed]
        return values, {i: by_key[key][1] for i, key in enumerate(keyed) if by_key[key][1]}
    resolved = {raw: resolve(raw) for raw in distinct}
    values = list(map({raw: r[0] for raw, r in resolved.items()}.__getitem__, cells))
    problems = {raw: r[1] for raw, r in resolved.items() if r[1]}
    if not problems:
        return values, {}
    return values, {i: problems[raw] for i, raw in enumerate(cells) if raw in problems}


class _Known:
    """Does a text name one of the list's suppliers, by its name (as a name key) or its own id
    (case ignored)? Sets built on the first question."""

    def __init__(self, name_keys: list[str], ids: list):
        self._name_keys, self._ids = name_keys, ids
        self._names: set[str] | None = None
        self._folded: set[str] = set()

    def __call__(self, text: str) -> bool:
        if self._names is None:
            self._names = {k.replace(" ", "") for k in dict.fromkeys(self._name_keys)}
            self._folded = {i.casefold() for i in dict.fromkeys(self._ids) if i}
        return text.casefold() in self._folded or \
            nz.name_key(text).replace(" ", "") in self._names


def _whole_references(cells, values: list, distinct: dict, known: _Known,
                      max_chars: int) -> list:
    """The supplies-to values, with a comma-separated part that is itself one supplier's name
    or id ('Alpha, Beta Ltd') kept as one reference instead of split at its comma."""
    # Only the distinct cells holding a comma can have been split at one.
    candidates = [c for c in distinct if type(c) is str and "," in c and len(c) <= max_chars]
    whole: dict[str, list[str]] = {}
    for cell in candidates:
        text = nz.clean_text(_LINE_BREAK.sub("|", cell) if "\n" in cell or "\r" in cell
                             else cell)
        if "|" not in text and ";" not in text and len(nz.split_commas(text)) == 1:
            continue  # one name whose comma split nothing ('Ruifeng Co., Ltd.'): the usual case
        parts: list[str] = []
        changed = False
        for part in nz.split_multi(text, allow_comma=False):
            pieces = nz.split_multi(part) if "," in part else [part]
            if len(pieces) > 1 and known(part):
                pieces, changed = [part], True
            parts.extend(pieces)
        if changed:
            whole[cell] = list(dict.fromkeys(parts))
    if not whole:
        return values
    return [whole.get(c, v) for c, v in zip(cells, values)]


def _merge_multi(first: list, second: list) -> list:
    """Two columns naming the same multi-valued field: parts of both, each once."""
    return [a if b is None else b if a is None else a + [p for p in b if p not in a]
            for a, b in zip(first, second)]


def _filled_rows(columns: list, n: int) -> list[bool]:
    """Per row: does any cell hold something other than blanks (None, '', spaces)?"""
    if columns and _never_blank(columns[0]):
        return [True] * n  # the first column (often an id or a name) fills every row
    blank_rows = [True] * n
    for cells in columns:
        blanks = {v for v in dict.fromkeys(cells)
                  if v is None or v == "" or (isinstance(v, str) and not v.strip())}
        if not blanks:
            return [True] * n  # this column fills every row
        blank_rows = list(map(and_, blank_rows, map(blanks.__contains__, cells)))
    return [not b for b in blank_rows]


def _never_blank(cells) -> bool:
    """True when no cell is None, '' or only spaces (numbers are never blank)."""
    kinds = set(map(type, cells))
    if kinds == {str}:
        return all(map(str.strip, cells))
    if not _STR_OR_NUMBER.issuperset(kinds):
        return False
    return all(map(str.strip, [c for c in cells if type(c) is str]))


def read_suppliers(path: str | Path, *, sheet: str | int | None = None,
                   column_map: dict[str, str] | None = None, policy: Policy | None = None,
                   company: str | None = None) -> SupplierList:
    """Read one supplier list; every non-empty row becomes part of a supplier or an error."""
    with gc_paused():
        return _read_suppliers(path, sheet, column_map, policy, company)


def _read_suppliers(path, sheet, column_map, policy, company) -> SupplierList:
    path = Path(path)
    policy = policy or Policy()
    cmap = {**policy.columns, **(column_map or {})}
    validate_column_map(cmap)
    fname = str(path)
    sheets = read_sheets(path, policy.limits)
    chosen, _head, h = select_sheet(path, sheets, sheet, cmap)
    sheet_name = chosen.name
    rows = chosen.load(None)
    issues: list[Issue] = []
    header = joined_header(rows, h, cmap)
    _mapped_headers_present(fname, sheet_name, header, h, column_map)
    fields, texts, taken, extras = _map_columns(fname, sheet_name, header, cmap, issues)
    issues.extend(note_issues(getattr(chosen, "notes", ()), fname, sheet_name, texts))
    _missing_required(fname, sheet_name, taken, texts)
    if "address" not in taken:
        issues.append(Issue("warning", "missing-address-column",
                            "no address column: production locations cannot be verified",
                            fname, sheet_name, h + 1, None,
                            "add an 'Address' column (covenants ask for full addresses)"))
    first = h + 1  # index of the first data row
    merged = getattr(chosen, "merged", None) or ()
    if merged:
        rows = fill_merged(rows, merged)
        headings = section_headings(rows, merged, first, fields)
        issues.extend(merged_cell_issues([m for m in merged if m not in headings], rows, first,
                                         fields, texts, fname, sheet_name))
        # Rows that hold only what a merged range puts there are no suppliers: a blank row
        # inside a range is an empty row, a heading across the list is skipped with a note.
        blank = merged_only_rows(rows, merged, first)
        if blank or headings:
            rows = list(rows)
        for r in blank:
            rows[r] = []
        for r, c1, _r2, c2 in headings:
            used = next(c for c in range(c1, c2 + 1) if fields[c])
            issues.append(Issue(
                "warning", "section-heading",
                f"row {r + 1} is a heading merged across columns {nz.column_letter(c1)}-"
                f"{nz.column_letter(c2)} ({nz.clean_text(rows[r][c1])!r}), not a supplier; "
                "it was skipped", fname, sheet_name, r + 1, texts[used],
                "nothing to do if it is a heading; unmerge it if the row is a supplier"))
            rows[r] = []
    described = _description_rows(rows, first, fields)
    if described:
        rows = list(rows)
        for r in described:
            issues.append(Issue(
                "warning", "description-row",
                f"row {r + 1} describes the columns ({_shown(rows[r])}), it is no supplier; "
                "it was skipped", fname, sheet_name, r + 1, None,
                "nothing to do if it explains the columns; otherwise remove the brackets"))
            rows[r] = []
    data = rows[first:]
    width = len(fields)
    # Column by column: each column's distinct values are resolved once, rows look them up.
    columns = list(zip_longest(*data)) if data else []
    while len(columns) < width:
        columns.append((None,) * len(data))
    filled = _filled_rows(columns, len(data))
    # row (index in data) -> [(code, message, hint, column)]: warnings found in its cells
    problems: dict[int, list[tuple]] = {}
    cell_reader = _CellReader(policy)
    by_field: dict[str, list] = {}
    extra_values: list[tuple[str, list]] = []
    # supplies-to columns: (index, values, distinct cells), joined once the names are keyed
    references: list[tuple[int, list, dict]] = []
    for j in range(width):
        distinct = dict.fromkeys(columns[j]) if fields[j] == "supplies_to" else None
        values, found = _read_column(columns[j], fields[j], cell_reader, distinct)
        for i, found_here in found.items():
            problems.setdefault(i, []).extend((*p, texts[j]) for p in found_here)
        field = fields[j]
        if distinct is not None:
            references.append((j, values, distinct))
        elif field is None:
            extra_values.append((texts[j], values))
        elif field in by_field:  # only multi-valued fields may come from several columns
            by_field[field] = _merge_multi(by_field[field], values)
        else:
            by_field[field] = values
    _empty_cell_problems(chosen, first, width, texts, columns, problems)
    beyond = [any(v not in (None, "") for v in cells) for cells in zip(*columns[width:])] \
        if len(columns) > width else None
    countries = {t: _country_code(read_country(t), policy)
                 for t in dict.fromkeys(by_field["country"]) if t}
    n = len(data)
    vectors = [by_field.get(f) or [None] * n for f in _ROW_FIELDS]
    names, country_texts, _, addresses = vectors[:4]
    distinct_addresses = [a for a in dict.fromkeys(addresses) if a]
    address_keys = dict(zip(distinct_addresses, nz.name_keys(distinct_addresses)))
    codes = list(map({t: c[0] for t, c in countries.items()}.get, country_texts))
    name_keys = nz.name_keys(names if all(names) else [nm or "" for nm in names])
    # A name of no letter or digit ('—', '=', '*') names nobody: the row is rejected as one
    # without a name (such rows would otherwise all merge into one supplier).
    nameless = {i: nm for i, nm in enumerate(names) if nm and not name_keys[i]} \
        if "" in name_keys else {}
    for i in nameless:
        names[i] = None
    if references:
        # a part naming one supplier whose name or id has a comma is one reference
        known = _Known(name_keys, vectors[2])
        joined: list = []
        for j, values, distinct in references:
            values = _whole_references(columns[j], values, distinct, known,
                                       cell_reader.max_chars)
            joined = _merge_multi(joined, values) if joined else values
        vectors[_ROW_FIELDS.index("supplies_to")] = joined
    # (name key, address key, country) of every row: the key rows are merged by
    keys = list(zip(name_keys, map(address_keys.get, addresses, repeat("", n)), codes))
    # A column with no value anywhere adds nothing to any row's extras.
    extra_values = [(name, values) for name, values in extra_values
                    if values.count(None) != len(values)]
    extra_names = [name for name, _ in extra_values]
    extra_columns = [values for _, values in extra_values]
    has_address = "address" in taken
    plain = _plain_rows(filled, vectors, keys, name_keys, problems, beyond, countries,
                        has_address)
    # Rows with nothing to report and nothing to merge become suppliers column by column;
    # the others go through the row loop below, in row order. No row of one kind can merge
    # with a row of the other: a plain row's id and key occur nowhere else in the list.
    read, bases = _plain_suppliers(vectors, keys, plain, first, extra_names, extra_columns)
    suppliers: dict[str, Supplier] = {}
    by_source_id: dict[str, list[str]] = {}  # the user's id -> the suppliers that carry it
    by_key: dict[tuple, str] = {}
    rejected: list[int] = []
    rejected_suppliers: list[tuple[int, str | None, str | None]] = []
    examples = 0
    n_rows = sum(filled)
    empty = n - n_rows
    for i in compress(range(n), [f and not p for f, p in zip(filled, plain)]):
        row = tuple(v[i] for v in vectors)
        extra = {k: v for k, v in zip(extra_names, (c[i] for c in extra_columns))
                 if v is not None} if extra_values else None
        row_no = first + i + 1
        name, country_text, source_id = row[0], row[1], row[2]
        if source_id is not None and source_id.casefold() in EXAMPLE_MARKERS:
            examples += 1
            continue
        row_issues = [Issue("warning", code, message, fname, sheet_name, row_no, column, hint)
                      for code, message, hint, column in problems[i]] if i in problems else []
        if beyond is not None and beyond[i]:
            row_issues.append(Issue("warning", "cells-beyond-header",
                                    "row has values in columns without a header; they were "
                                    "not read", fname, sheet_name, row_no, nz.column_letter(width),
                                    "give those columns a header"))
        country, country_note = countries.get(country_text, (None, None)) if country_text \
            else (None, None)
        if not name or country is None:
            issues.extend(row_issues)
            issues.extend(_row_errors(fname, sheet_name, row_no, taken, name, country_text,
                                      policy, nameless.get(i)))
            rejected.append(row_no)
            rejected_suppliers.append((row_no, name, source_id))
            continue
        issues.extend(row_issues)
        if country_note is not None:
            code, message, hint = country_note
            issues.append(Issue("warning", code, message, fname, sheet_name, row_no,
                                taken["country"], hint))
        address = row[3]
        # Without an address column the file-level warning says it once, not once per row.
        if has_address and not address:
            issues.append(Issue("warning", "missing-address",
                                "no address: the location cannot be verified", fname,
                                sheet_name, row_no, taken.get("address"), "add the street address"))
        key = keys[i]
        existing = None
        # Rows of one production location may share the user's id; a row with that id that
        # names another location (another name, address or country) is kept on its own.
        clash: Supplier | None = None
        for candidate in by_source_id.get(source_id, ()) if source_id is not None else ():
            if _same_location(suppliers[candidate], name, address, country):
                existing = candidate
                break
            clash = clash or suppliers[candidate]
        if clash is not None and existing is None:
            issues.append(Issue(
                "warning", "conflicting-id",
                f"id {source_id!r} is also on row {clash.rows[0]} ({_location(clash.name, clash.address, clash.country)}), "
                f"another production location than this row's ({_location(name, address, country)}); "
                "both are kept, as separate suppliers", fname, sheet_name, row_no, taken.get("id"),
                "give each production location its own id (a 'supplies to' naming this id is "
                "linked to both)"))
        same_id = existing is not None
        if existing is None:
            existing = by_key.get(key)
        if existing is not None:
            sup = suppliers[existing]
            how = "the same id" if same_id else "the same name, address and country"
            also = ""
            if source_id is not None and source_id != sup.source_id \
                    and source_id not in sup.other_ids:
                if sup.source_id is None:
                    sup.source_id = source_id
                else:  # 'supplies to' may name either id
                    sup.other_ids.append(source_id)
                also = f"; its id {source_id!r} names the merged supplier too"
            issues.append(Issue("warning", "duplicate-supplier",
                                f"same supplier as row {sup.rows[0]} ({how}); the rows were "
                                f"merged{also}", fname, sheet_name, row_no, None,
                                "list each production location once, with all its processes"))
            _merge_into(sup, row, extra, row_no)
            if source_id is not None and existing not in by_source_id.get(source_id, ()):
                by_source_id.setdefault(source_id, []).append(existing)
            by_key.setdefault(key, existing)
            continue
        sid = base = _id_from_keys(key[0], country, key[1])
        k = 2
        while sid in suppliers:
            sid = f"{base}-{k}"
            k += 1
        (_, _, _, _, city, region, postal_code, tier, process, product, sector, certifications,
         supplies_to, workers, parent_company, audit_standard, audit_date, audit_result,
         purchase_share, os_id, lat, lng) = row
        suppliers[sid] = Supplier(
            sid, name, country, address, city, region, postal_code, tier,
            list(process) if process else [], list(product) if product else [],
            list(sector) if sector else [], list(certifications) if certifications else [],
            list(supplies_to) if supplies_to else [], workers, parent_company, audit_standard,
            audit_date, audit_result, purchase_share, os_id, lat, lng, source_id, [row_no],
            extra if extra is not None else {})
        if source_id is not None:
            by_source_id.setdefault(source_id, []).append(sid)
        by_key[key] = sid
    sector = _list_sector(rows[:h], fname, sheet_name, issues) if h else None
    if n_rows == 0:
        raise ImvoError(f"no supplier rows below the header (row {h + 1})", file=fname,
                        sheet=sheet_name, row=h + 1, code="no-data-rows",
                        hint="add one row per production location below the header")
    read.extend(suppliers.values())
    by_id = _final_ids(read, bases)
    ids = sorted(by_id)
    return SupplierList(
        file=fname, sheet=sheet_name, header_row=h + 1, headers=texts,
        columns={f: t for f, t in sorted(taken.items())},
        suppliers=[by_id[k] for k in ids], issues=sorted(issues, key=Issue.sort_key),
        rows=n_rows, empty_rows=empty, rejected_rows=rejected,
        company=company or policy.company or _metadata_company(rows[:h]),
        extra_columns=extras, example_rows=examples, sector=sector,
        rejected_suppliers=rejected_suppliers,
    )


def _plain_rows(filled: list[bool], vectors: list[list], keys: list[tuple],
                name_keys: list[str], problems: dict[int, list[tuple]],
                beyond: list[bool] | None, countries: dict[str, tuple],
                has_address: bool) -> list[bool]:
    """Per row: does it become a supplier of its own with no issue at all? Rows with a
    problem, an error, a country note, no address, an example id, or an id or key that
    another row shares are not plain."""
    names, country_texts, source_ids, addresses = vectors[:4]
    clear = {t for t, (code, note) in countries.items() if code is not None and note is None}
    # Whole columns first: in a tidy list every row is filled, named, in a clear country
    # and (with an address column) addressed.
    if all(filled) and all(names) and clear.issuperset(country_texts) \
            and (not has_address or all(addresses)):
        plain = [True] * len(filled)
    else:
        plain = [f and bool(nm) and ok for f, nm, ok in
                 zip(filled, names, map(clear.__contains__, country_texts))]
        if has_address:
            plain = [p and bool(a) for p, a in zip(plain, addresses)]
    unplain: set[int] = set(problems)
    if beyond is not None:
        unplain.update(compress(range(len(beyond)), beyond))
    present = source_ids if None not in source_ids else [s for s in source_ids if s is not None]
    shared = _shared(present) | _example_ids(present)
    if shared:
        unplain.update(i for i, s in enumerate(source_ids) if s in shared)
    # Rows share a key only if they share its name key: the full keys of those rows decide.
    shared_names = _shared(name_keys)
    if shared_names:
        maybe = [i for i, k in enumerate(name_keys) if k in shared_names]
        shared_keys = _shared([keys[i] for i in maybe])
        unplain.update(i for i in maybe if keys[i] in shared_keys)
    for i in unplain:
        plain[i] = False
    return plain


def _example_ids(ids: list[str]) -> set[str]:
    """The ids that mark a template's example row ('Example', 'voorbeeld')."""
    # Case folding goes character by character, so the joined ids fold as each one does.
    folded = "\x00" + "\x00".join(ids).casefold() + "\x00"
    if not any(f"\x00{m}\x00" in folded for m in EXAMPLE_MARKERS):
        return set()
    return {s for s in set(ids) if s.casefold() in EXAMPLE_MARKERS}


def _shared(values: list) -> set:
    """The values that occur more than once."""
    if len(set(values)) == len(values):
        return set()
    return {v for v, n in Counter(values).items() if n > 1}


def _plain_suppliers(vectors: list[list], keys: list[tuple], plain: list[bool], first: int,
                     extra_names: list[str], extra_columns: list[list]) \
        -> tuple[list[Supplier], list[str]]:
    """The suppliers of plain rows, one per row, built column by column, and their ids."""
    (names, _, source_ids, addresses, city, region, postal_code, tier, process, product,
     sector, certifications, supplies_to, workers, parent_company, audit_standard, audit_date,
     audit_result, purchase_share, os_id, lat, lng) = vectors
    every = all(plain)
    count = len(plain) if every else sum(plain)

    def pick(column):
        return column if every else compress(column, plain)

    def parts(column: list) -> list[list]:
        if column.count(None) == len(column):
            return [[] for _ in range(count)]
        return [[*v] if v else [] for v in pick(column)]  # each supplier its own list

    chosen = pick(keys)
    # The ids of _id_from_keys, the hashing in one pass: a plain row always has a country.
    blake2b = hashlib.blake2b
    # One hex conversion of all digests together, 5 bytes (10 hex digits) per group.
    digests = b"".join([blake2b(f"{name_key}|{country}|{address_key}".encode(),
                                digest_size=5).digest() for name_key, address_key, country in chosen])
    ids = ("S" + digests.hex(" ", 5).upper().replace(" ", " S")).split(" ") if digests else []
    rows = [[r] for r in range(first + 1, first + 1 + len(plain))]
    if extra_columns:
        extras = [{k: v for k, v in zip(extra_names, row) if v is not None}
                  for row in pick(list(zip(*extra_columns)))]
    else:
        extras = [{} for _ in range(count)]
    suppliers = list(map(
        Supplier, ids, pick(names), [k[2] for k in pick(keys)], pick(addresses), pick(city),
        pick(region), pick(postal_code), pick(tier), parts(process), parts(product),
        parts(sector), parts(certifications), parts(supplies_to), pick(workers),
        pick(parent_company), pick(audit_standard), pick(audit_date), pick(audit_result),
        pick(purchase_share), pick(os_id), pick(lat), pick(lng), pick(source_ids), pick(rows),
        extras))
    return suppliers, ids


def _empty_cell_problems(sheet: Sheet, first: int, width: int, texts, columns, problems) -> None:
    """Empty cells that were error values or formulas without a result, from the sheet XML."""
    error_cells = sheet.error_cells or {}
    uncached = sheet.uncached_formulas
    for (r, j) in sorted(set(error_cells) | set(uncached)):
        i = r - first
        if i < 0 or j >= width or i >= len(columns[j]) or columns[j][i] not in (None, ""):
            continue
        if (r, j) in error_cells:
            found = ("error-value", f"cell holds the spreadsheet error {error_cells[r, j]}; "
                     "treated as empty", "fix the formula or type the value")
        else:
            found = ("formula-without-value",
                     "cell holds a formula saved without its result; read as empty",
                     "open the file in Excel or LibreOffice, let it calculate and save it "
                     "again (or type the value)")
        problems.setdefault(i, []).append((*found, texts[j]))


def _country_code(reading: CountryReading, policy: Policy):
    """(code or None, the (code, message, hint) of the warning a row with it gets, or None)."""
    if reading.status == "ok":
        return reading.code, None
    if reading.status == "ambiguous" and reading.code:
        return reading.code, ("ambiguous-country", reading.message,
                              "write the full name or the ISO code to be sure")
    if reading.status == "partial":
        return reading.code, ("country-part-ignored", reading.message,
                              "put only the country in this column (the place in 'City')")
    if reading.status == "suggestion" and policy.accept_country_suggestions:
        code = reading.candidates[0]
        return code, ("country-typo", f"{reading.text!r} read as {_country_label(code)} "
                      "(a typo, accepted by [ingest] accept_country_suggestions)",
                      "correct the spelling in the list")
    return None, None


def _country_label(code: str) -> str:

    return f"{country_name(code)} ({code})"


def _country_error(reading: CountryReading) -> tuple[str, str]:
    """(message, hint) for a country cell that does not give a code."""
    if reading.status == "ambiguous":
        return reading.message, "write the full name (e.g. 'DR Congo') or the ISO code"
    if reading.status == "suggestion":
        code = reading.candidates[0]
        return reading.message, (f"correct it to {_country_label(code)}, or set [ingest] "
                                 "accept_country_suggestions = true in imvo.toml")
    close = [_country_label(c) for c in reading.candidates]
    return reading.message, (f"did you mean {', '.join(close)}?" if close else
                             "use a country name (any common language) or an ISO code")


def _row_errors(fname, sheet_name, row_no, taken, name, country_text,
                policy: Policy, nameless: str | None = None) -> list[Issue]:
    errors = []
    if not name:
        said = f"the supplier name {nameless!r} has no letter or digit" if nameless else \
            "the supplier name is empty"
        errors.append(Issue("error", "missing-name", said, fname,
                            sheet_name, row_no, taken["name"],
                            "fill in the production location's name"))
    if not country_text:
        errors.append(Issue("error", "missing-country", "the country is empty", fname,
                            sheet_name, row_no, taken["country"],
                            "fill in the country (name or ISO code)"))
    else:
        reading = read_country(country_text)
        if _country_code(reading, policy)[0] is None:
            message, hint = _country_error(reading)
            code = "ambiguous-country" if reading.status == "ambiguous" else "unknown-country"
            errors.append(Issue("error", code, message, fname, sheet_name, row_no,
                                taken["country"], hint))
    return errors


def _final_ids(suppliers: list[Supplier], plain_ids: list[str]) -> dict[str, Supplier]:
    """Ids from each supplier's merged content, so merged rows give the same id in any order.

    While reading, a supplier's id comes from its first row; after merging, a later row may
    have filled its address, which would make the id depend on row order. The suppliers
    start with those of plain rows, whose ids (`plain_ids`) are their content ids already.
    """
    bases = plain_ids + [supplier_id(s.name, s.country, s.address) if len(s.rows) > 1
                         else s.id.partition("-")[0] for s in suppliers[len(plain_ids):]]
    out = dict(zip(bases, suppliers))
    if len(out) == len(bases):  # the usual case: no two suppliers share a base id
        for base, sup in zip(bases[len(plain_ids):], suppliers[len(plain_ids):]):
            sup.id = base
        return out
    out = {}
    # A supplier read from one row keeps the id it got then (minus any "-2" suffix); equal
    # bases get "-2", "-3" ... in content order, never in row order.
    keyed = sorted(((base, s.name, s.address or "", s.source_id or "", s.rows, s)
                    for base, s in zip(bases, suppliers)), key=lambda k: k[:5])
    for base, *_, sup in keyed:
        sid, n = base, 2
        while sid in out:
            sid = f"{base}-{n}"
            n += 1
        sup.id = sid
        out[sid] = sup
    return out


_FIX = {
    "tier": "use a whole number: 1 for direct suppliers, 2 for their suppliers, ...",
    "workers": "use a number such as 1250 or a range such as 100-500",
    "audit_date": "use YYYY-MM-DD or DD-MM-YYYY",
    "purchase_share": "use a percentage such as 35% or a fraction such as 0.35",
    "os_id": "copy the ID from opensupplyhub.org (15 characters, like CN2019303BQ3FZP)",
    "lat": "use decimal degrees, e.g. 23.81",
    "lng": "use decimal degrees, e.g. 90.41",
}


def _same_location(sup: Supplier, name: str, address: str | None, country: str) -> bool:
    """Can a row with this name, address and country be another row of `sup` (one that
    shares its id)? Not when the country differs, nor when the names (legal forms aside) or
    the addresses both given differ, one not holding all the words of the other."""
    if sup.country != country:
        return False
    if nz.name_key(sup.name) != nz.name_key(name):
        a, b = (set(strip_legal_forms(tokens_of(t))) for t in (sup.name, name))
        if not (a <= b or b <= a):
            return False
    if sup.address and address and nz.name_key(sup.address) != nz.name_key(address):
        a, b = (set(nz.name_key(t).split()) for t in (sup.address, address))
        if not (a <= b or b <= a):
            return False
    return True


def _location(name: str, address: str | None, country: str | None) -> str:
    return ", ".join(repr(v) for v in (name, address, country) if v)


def _merge_into(sup: Supplier, row: tuple, extra: dict | None, row_no: int) -> None:
    """A later row of the same supplier: add its list values, fill what is still empty."""
    sup.rows.append(row_no)
    for field, value in zip(_ROW_FIELDS, row):
        if value is None or field in ("id", "country"):
            continue
        attr = _FIELD_ATTR.get(field, field)
        current = getattr(sup, attr)
        if isinstance(value, list):
            current.extend(v for v in value if v not in current)
        elif current in (None, ""):
            setattr(sup, attr, value)
    for k, v in (extra or {}).items():
        sup.extra.setdefault(k, v)
