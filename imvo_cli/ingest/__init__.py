"""Read a supplier spreadsheet into Suppliers and Issues, accounting for every row."""

from __future__ import annotations

import gc
import hashlib
from contextlib import contextmanager
from pathlib import Path

from ..model import MULTI_FIELDS, REQUIRED_FIELDS, ImvoError, Issue, Supplier, SupplierList
from ..policy import Policy
from . import normalise as nz
from .countries import suggest as suggest_country
from .countries import to_iso2
from .headers import (ALIASES, HEADER_SCAN_ROWS, canonical_field, closest_alias, find_header_row,
                      header_key, validate_column_map)
from .readers import Sheet, read_sheets

__all__ = ["read_suppliers", "supplier_id", "select_sheet"]

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


@contextmanager
def _gc_paused():
    """Reading allocates hundreds of thousands of objects that all stay alive; the cyclic
    collector would rescan them again and again for nothing (nothing here makes cycles)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
            raise ImvoError(f"every sheet is hidden ({', '.join(map(str, hidden))})", file=path,
                            code="only-hidden-sheets",
                            hint=f"unhide the supplier sheet or pass --sheet {hidden[0]!r}")
        raise ImvoError("the workbook has no worksheets (only charts or other sheet types)",
                        file=path, code="no-worksheets", hint="add a sheet with the supplier list")
    for sheet in candidates:
        head = sheet.load(HEADER_SCAN_ROWS)
        h = find_header_row(head, column_map)
        if h is not None:
            return sheet, head, h
        looked.append((sheet, head))
    raise _no_header(path, looked)


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


def _no_header(path: Path, looked: list[tuple[Sheet, list[list]]]) -> ImvoError:
    sheet, head = looked[0] if looked else (None, [])
    first = next((r for r in head if any(c not in (None, "") for c in r)), None)
    if first is None:
        return ImvoError("the sheet is empty", file=path, sheet=sheet.name if sheet else None,
                         code="empty-sheet", hint="add a header row and supplier rows")
    seen = [nz.clean_text(c) for c in first if c not in (None, "")][:12]
    hints = []
    for h in seen:
        close = closest_alias(h)
        if close:
            hints.append(f"{h!r} -> {close[0]!r} ({close[1]})")
    hint = ("did you mean " + "; ".join(hints[:4]) + "? " if hints else "") + \
        'name the columns (at least name and country) or map them with --map "Header=field"'
    sheets = ", ".join(repr(s.name) for s, _ in looked if s.name is not None)
    where = f" of sheet(s) {sheets}" if sheets else ""
    return ImvoError(f"no recognisable header row in the first {HEADER_SCAN_ROWS} rows{where}; "
                     f"first row found: {', '.join(seen)}", file=path,
                     sheet=sheet.name if sheet else None, code="header-not-found", hint=hint)


def _metadata_company(rows: list[list]) -> str | None:
    """A 'Company: Acme' or 'Bedrijf | Acme' cell pair above the header."""
    for row in rows:
        cells = [nz.clean_text(c) for c in row if c not in (None, "")]
        if not cells:
            continue
        label, _, rest = cells[0].partition(":")
        if header_key(label) in {header_key(k) for k in META_LABELS}:
            value = rest.strip() or (cells[1] if len(cells) > 1 else "")
            if value:
                return value
    return None


def _map_columns(path, sheet_name, header: list, column_map, issues: list[Issue]):
    """(field per column index or None, header text per column, extra column names)."""
    fields: list[str | None] = []
    texts: list[str] = []
    taken: dict[str, str] = {}
    extras: list[str] = []
    for i, cell in enumerate(header):
        text = nz.clean_text(cell)
        if not text:
            text = f"(column {_col_letter(i)})"
            fields.append(None)
            texts.append(text)
            continue
        field = canonical_field(text, column_map)
        if field == "ignore":
            field = None
        if field and field in taken and field not in MULTI_FIELDS:
            issues.append(Issue("warning", "duplicate-column",
                                f"column {text!r} names {field!r} again; "
                                f"{taken[field]!r} is used, this one is kept as an extra column",
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


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


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


class _RowReader:
    """Turns one data row into field values plus issues; caches parses of repeated values."""

    def __init__(self, path: str, sheet: str | None, fields, texts, policy: Policy):
        self.path, self.sheet, self.fields, self.texts = path, sheet, fields, texts
        self.max_chars = policy.limits.max_cell_chars
        self.cache: dict[tuple[str, object], tuple[object, str | None]] = {}
        self.country_cache: dict[str, str | None] = {}
        # Lists repeat the same countries, processes and products thousands of times: each
        # distinct text is cleaned and split once.
        self.text_cache: dict[str, str] = {}
        self.split_cache: dict[str, list[str]] = {}

    def text(self, raw, row_no, column, issues: list[Issue]) -> str:
        if type(raw) is not str:  # 1 and 1.0 and True are one dict key: never cache them
            return _cell_text(self, raw, row_no, column, issues)
        text = self.text_cache.get(raw)
        if text is None:
            before = len(issues)
            text = _cell_text(self, raw, row_no, column, issues)
            if len(issues) == before:  # a cell with a problem is reported at every row
                self.text_cache[raw] = text
        return text

    def split(self, text: str) -> list[str]:
        parts = self.split_cache.get(text)
        if parts is None:
            parts = self.split_cache[text] = nz.split_multi(text)
        return parts

    def issue(self, severity, code, message, row, column, hint=None) -> Issue:
        return Issue(severity, code, message, self.path, self.sheet, row, column, hint)

    def parse(self, field: str, raw: object) -> tuple[object, str | None]:
        key = (field, raw)
        try:
            hit = self.cache.get(key)
        except TypeError:
            hit = None
        if hit is not None:
            return hit
        try:
            result = (_PARSERS[field](raw), None)
        except ValueError as exc:
            result = (None, str(exc))
        try:
            self.cache[key] = result
        except TypeError:
            pass
        return result

    def country(self, text: str) -> str | None:
        if text not in self.country_cache:
            self.country_cache[text] = to_iso2(text)
        return self.country_cache[text]


def _cell_text(reader: _RowReader, raw, row_no, column, issues) -> str:
    if isinstance(raw, str):
        if len(raw) > reader.max_chars:
            issues.append(reader.issue("warning", "cell-too-long",
                                       f"cell has {len(raw):,} characters; kept the first "
                                       f"{reader.max_chars:,}", row_no, column,
                                       "shorten the cell or raise limits.max_cell_chars"))
            raw = raw[:reader.max_chars]
        if nz.has_control_chars(raw):
            issues.append(reader.issue("warning", "control-characters",
                                       "cell contains control characters; they were replaced by "
                                       "spaces", row_no, column, "clean the cell text"))
    return nz.clean_text(raw)


def read_suppliers(path: str | Path, *, sheet: str | int | None = None,
                   column_map: dict[str, str] | None = None, policy: Policy | None = None,
                   company: str | None = None) -> SupplierList:
    """Read one supplier list; every non-empty row becomes part of a supplier or an error."""
    with _gc_paused():
        return _read_suppliers(path, sheet, column_map, policy, company)


def _read_suppliers(path, sheet, column_map, policy, company) -> SupplierList:
    path = Path(path)
    policy = policy or Policy()
    cmap = {**policy.columns, **(column_map or {})}
    validate_column_map(cmap)
    fname = str(path)
    sheets = read_sheets(path, policy.limits)
    chosen, head, h = select_sheet(path, sheets, sheet, cmap)
    sheet_name = chosen.name
    rows = chosen.load(None)
    issues: list[Issue] = []
    fields, texts, taken, extras = _map_columns(fname, sheet_name, rows[h], cmap, issues)
    _missing_required(fname, sheet_name, taken, texts)
    if "address" not in taken:
        issues.append(Issue("warning", "missing-address-column",
                            "no address column: production locations cannot be verified",
                            fname, sheet_name, h + 1, None,
                            "add an 'Address' column (covenants ask for full addresses)"))
    reader = _RowReader(fname, sheet_name, fields, texts, policy)
    suppliers: dict[str, Supplier] = {}
    by_source_id: dict[str, str] = {}
    by_key: dict[tuple, str] = {}
    rejected: list[int] = []
    n_rows = empty = examples = 0
    width = len(fields)
    uncached = chosen.uncached_formulas
    error_cells = chosen.error_cells or {}
    for i in range(h + 1, len(rows)):
        raw_row = rows[i]
        row_no = i + 1
        if not any(c not in (None, "") and not (isinstance(c, str) and not c.strip())
                   for c in raw_row):
            empty += 1
            continue
        n_rows += 1
        values: dict[str, object] = {}
        extra: dict[str, str] = {}
        row_issues: list[Issue] = []
        for j, raw in enumerate(raw_row[:width] if len(raw_row) >= width else raw_row):
            if raw is None or raw == "":
                if error_cells and (i, j) in error_cells:
                    row_issues.append(reader.issue("warning", "error-value",
                                                   f"cell holds the spreadsheet error "
                                                   f"{error_cells[i, j]}; treated as empty",
                                                   row_no, texts[j],
                                                   "fix the formula or type the value"))
                elif uncached and (i, j) in uncached:
                    row_issues.append(reader.issue(
                        "warning", "formula-without-value",
                        "cell holds a formula saved without its result; read as empty",
                        row_no, texts[j], "open the file in Excel or LibreOffice, let it "
                        "calculate and save it again (or type the value)"))
                continue
            field = fields[j]
            column = texts[j]
            if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
                row_issues.append(reader.issue("warning", "error-value",
                                               f"cell holds the spreadsheet error {raw.strip()}; "
                                               "treated as empty", row_no, column,
                                               "fix the formula or type the value"))
                continue
            if field is None:
                text = reader.text(raw, row_no, column, row_issues) if not isinstance(
                    raw, (int, float)) else raw
                if text != "":
                    extra[column] = text
                continue
            if field in _PARSERS:
                value, problem = reader.parse(field, raw)
                if problem:
                    row_issues.append(reader.issue("warning", f"invalid-{field.replace('_', '-')}",
                                                   problem, row_no, column, _FIX.get(field)))
                else:
                    values[field] = value
                continue
            text = reader.text(raw, row_no, column, row_issues)
            if not text:
                continue
            if field in MULTI_FIELDS:
                parts = reader.split(text)
                prev = values.get(field)
                values[field] = (prev or []) + [p for p in parts if p not in (prev or [])]
            else:
                values[field] = text
        if len(raw_row) > width and any(c not in (None, "") for c in raw_row[width:]):
            row_issues.append(reader.issue("warning", "cells-beyond-header",
                                           "row has values in columns without a header; "
                                           "they were not read", row_no, _col_letter(width),
                                           "give those columns a header"))
        source_id = values.get("id")
        if isinstance(source_id, str) and source_id.casefold() in EXAMPLE_MARKERS:
            examples += 1
            continue
        name = values.get("name")
        country_text = values.get("country")
        errors = []
        if not name:
            errors.append(reader.issue("error", "missing-name", "the supplier name is empty",
                                       row_no, taken["name"], "fill in the production location's name"))
        country = None
        if not country_text:
            errors.append(reader.issue("error", "missing-country", "the country is empty", row_no,
                                       taken["country"], "fill in the country (name or ISO code)"))
        else:
            country = reader.country(country_text)
            if country is None:
                close = suggest_country(country_text)
                errors.append(reader.issue("error", "unknown-country",
                                           f"{country_text!r} is not a recognised country",
                                           row_no, taken["country"],
                                           f"did you mean {', '.join(close)}?" if close else
                                           "use an English or Dutch country name or an ISO code"))
        if errors:
            issues.extend(row_issues)
            issues.extend(errors)
            rejected.append(row_no)
            continue
        issues.extend(row_issues)
        # Without an address column the file-level warning says it once, not once per row.
        if "address" in taken and not values.get("address"):
            issues.append(reader.issue("warning", "missing-address",
                                       "no address: the location cannot be verified", row_no,
                                       taken.get("address"), "add the street address"))
        _add_row(suppliers, by_source_id, by_key, values, extra, country, row_no, reader, issues)
    if n_rows == 0:
        raise ImvoError(f"no supplier rows below the header (row {h + 1})", file=fname,
                        sheet=sheet_name, row=h + 1, code="no-data-rows",
                        hint="add one row per production location below the header")
    suppliers = _final_ids(suppliers)
    ids = sorted(suppliers)
    return SupplierList(
        file=fname, sheet=sheet_name, header_row=h + 1, headers=texts,
        columns={f: t for f, t in sorted(taken.items())},
        suppliers=[suppliers[k] for k in ids], issues=sorted(issues, key=Issue.sort_key),
        rows=n_rows, empty_rows=empty, rejected_rows=rejected,
        company=company or policy.company or _metadata_company(rows[:h]),
        extra_columns=extras, example_rows=examples,
    )


def _final_ids(suppliers: dict[str, Supplier]) -> dict[str, Supplier]:
    """Ids from each supplier's merged content, so merged rows give the same id in any order.

    While reading, a supplier's id comes from its first row; after merging, a later row may
    have filled its address, which would make the id depend on row order.
    """
    out: dict[str, Supplier] = {}
    # A supplier read from one row keeps the id it got then (minus any "-2" suffix).
    keyed = sorted(((supplier_id(s.name, s.country, s.address) if len(s.rows) > 1
                     else s.id.partition("-")[0], s.name, s.address or "",
                     s.source_id or "", s.rows, s) for s in suppliers.values()),
                   key=lambda k: k[:5])
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


def _add_row(suppliers, by_source_id, by_key, values, extra, country, row_no, reader, issues):
    name = values["name"]
    address = values.get("address")
    key = (nz.name_key(name), nz.name_key(address or ""), country)
    source_id = values.get("id")
    existing = None
    if source_id is not None:
        existing = by_source_id.get(str(source_id))
    if existing is None:
        existing = by_key.get(key)
    if existing is not None:
        sup = suppliers[existing]
        how = "the same id" if source_id is not None and by_source_id.get(str(source_id)) == existing \
            else "the same name, address and country"
        issues.append(reader.issue("warning", "duplicate-supplier",
                                   f"same supplier as row {sup.rows[0]} ({how}); the rows were "
                                   "merged", row_no, None,
                                   "list each production location once, with all its processes"))
        _merge_into(sup, values, extra, row_no, reader, issues)
        if source_id is not None:
            by_source_id.setdefault(str(source_id), existing)
        by_key.setdefault(key, existing)
        return
    sid = _id_from_keys(key[0], country, key[1])
    n = 2
    base = sid
    while sid in suppliers:
        sid = f"{base}-{n}"
        n += 1
    sup = Supplier(id=sid, name=name, country=country, rows=[row_no], extra=dict(extra),
                   source_id=str(source_id) if source_id is not None else None)
    for field, value in values.items():
        if field in ("name", "country", "id"):
            continue
        setattr(sup, _FIELD_ATTR.get(field, field), list(value) if isinstance(value, list) else value)
    suppliers[sid] = sup
    if source_id is not None:
        by_source_id[str(source_id)] = sid
    by_key[key] = sid


def _merge_into(sup: Supplier, values, extra, row_no, reader, issues) -> None:
    sup.rows.append(row_no)
    for field, value in values.items():
        if field in ("id",):
            continue
        attr = _FIELD_ATTR.get(field, field)
        if field == "country":
            continue
        current = getattr(sup, attr)
        if isinstance(value, list):
            current.extend(v for v in value if v not in current)
        elif current in (None, ""):
            setattr(sup, attr, value)
    for k, v in extra.items():
        sup.extra.setdefault(k, v)
