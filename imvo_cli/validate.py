"""Validation of supplier lists: the `imvo.validate/1` report (rows, columns and chain links)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .collector import keep_until_exit
from .graph import COMPANY_ID, chain_issues, company_name
from .ingest import gc_paused, read_suppliers
from .ingest.headers import canonical_field, closest_alias, header_key, is_mapped, is_weak_alias
from .ingest.normalise import column_letter
from .model import MULTI_FIELDS, ImvoError, Issue, SupplierList
from .policy import Policy
from .report.jsonout import Streamed

SCHEMA = "imvo.validate/1"
# Header words of a column that holds the list's own numbers or codes.
_ID_WORDS = ("id", "no", "nr", "number", "nummer", "code", "ref", "reference", "numero")


@dataclass(frozen=True, slots=True)
class ColumnReport:
    """What one column of the header became: a field, or not used (and what it is close to)."""

    column: str  # spreadsheet letter
    header: str
    field: str | None
    closest: str | None = None  # closest known field of a header that is not used
    closest_alias: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {"column": self.column, "header": self.header, "field": self.field,
                "closest": self.closest, "closest_alias": self.closest_alias, "note": self.note}


@dataclass(slots=True)
class FileReport:
    file: str
    sheet: str | None = None
    rows: int = 0
    empty_rows: int = 0
    suppliers: int = 0
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True
    columns: list[ColumnReport] = field(default_factory=list)
    header_row: int | None = None

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")

    def to_dict(self, *, streamed: bool = False) -> dict:
        issues: Any = (Streamed(lambda: (i.to_dict() for i in self.issues)) if streamed
                       else [i.to_dict() for i in self.issues])
        return {"file": self.file, "sheet": self.sheet, "rows": self.rows,
                "empty_rows": self.empty_rows, "suppliers": self.suppliers,
                "header_row": self.header_row, "columns": [c.to_dict() for c in self.columns],
                "issues": issues}


def _looks_like_ids(header: str) -> bool:
    key = header_key(header)
    return any(key == w or key.endswith(w) or key.startswith(w) for w in _ID_WORDS)


def _references_into(supplier_list: SupplierList, header: str, refs: set[str]) -> int:
    """How many distinct `supplies_to` references are values of this (unused) column."""
    if not refs:
        return 0
    values = set()
    for s in supplier_list.suppliers:
        v = s.extra.get(header)
        if v is not None:
            text = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            values.add(text.strip().casefold())
    return len(refs & values)


def column_reports(supplier_list: SupplierList,
                   column_map: dict[str, str] | None = None) -> list[ColumnReport]:
    """Every header cell: the field it became, or why not and the closest known field."""
    used = {text: f for f, text in supplier_list.columns.items()}
    refs: set[str] | None = None  # collected for the first header nothing reads
    out = []
    for i, text in enumerate(supplier_list.headers):
        letter = column_letter(i)
        if text.startswith("(column "):
            out.append(ColumnReport(letter, "", None, note="no header: the column is not read"))
            continue
        named = canonical_field(text, column_map)
        if text in used:  # the first column of a header text is the one read
            out.append(ColumnReport(letter, text, used.pop(text)))
            continue
        if named in MULTI_FIELDS:  # a second column of a list field is read too
            out.append(ColumnReport(letter, text, named))
            continue
        if refs is None:
            refs = {r.casefold() for s in supplier_list.suppliers for r in s.supplies_to}
        found = _references_into(supplier_list, text, refs)
        if found and (_looks_like_ids(text) or found >= 2):
            out.append(ColumnReport(
                letter, text, None, "id", None,
                f"{found} reference(s) in {supplier_list.columns.get('supplies_to')!r} are "
                f"values of this column: it looks like the suppliers' ids; map it with "
                f"--map \"{text}=id\""))
            continue
        if named == "ignore":
            out.append(ColumnReport(letter, text, None, note="ignored as the column map says"))
            continue
        if named == "id" and is_weak_alias(text, column_map):
            out.append(ColumnReport(letter, text, None, "id", None,
                                    f"taken for a row number: {supplier_list.columns.get('id')!r} "
                                    "is the id column"))
            continue
        if named and is_mapped(supplier_list.columns.get(named), column_map) \
                and not is_mapped(text, column_map):
            out.append(ColumnReport(letter, text, None, named, None,
                                    f"names {named!r}, but the column map gives it to "
                                    f"{supplier_list.columns.get(named)!r}; this one is kept as "
                                    "an extra column"))
            continue
        if named:
            out.append(ColumnReport(letter, text, None, named, None,
                                    f"names {named!r} again; {supplier_list.columns.get(named)!r}"
                                    " is used, this one is kept as an extra column"))
            continue
        close = closest_alias(text)
        out.append(ColumnReport(letter, text, None, close[1] if close else None,
                                close[0] if close else None))
    return out


def report_for(supplier_list: SupplierList, *, column_map: dict[str, str] | None = None,
               policy: Policy | None = None, chain: bool = True) -> FileReport:
    """The report of one read list; with `chain`, the chain checks `imvo map` runs too."""
    issues = list(supplier_list.issues)
    if chain and supplier_list.suppliers:
        found = chain_issues(supplier_list, company_name(supplier_list, None, policy), COMPANY_ID)
        issues = sorted([*issues, *found], key=Issue.sort_key)
    return FileReport(supplier_list.file, supplier_list.sheet, supplier_list.rows,
                      supplier_list.empty_rows, len(supplier_list.suppliers), issues,
                      columns=column_reports(supplier_list, column_map),
                      header_row=supplier_list.header_row)


def validate_file(path: str | Path, *, policy: Policy | None = None, sheet=None,
                  column_map=None) -> FileReport:
    """Validate one file; a file that cannot be read gives a report with one fatal issue."""
    with gc_paused():
        return _validate_file(path, policy or Policy(), sheet, column_map)


def _validate_file(path, policy: Policy, sheet, column_map) -> FileReport:
    try:
        supplier_list = read_suppliers(path, sheet=sheet, column_map=column_map, policy=policy)
    except ImvoError as exc:
        return FileReport(str(path), exc.sheet, issues=[exc.as_issue()], readable=False)
    keep_until_exit(supplier_list)  # one list: the process ends without freeing it
    cmap = {**policy.columns, **(column_map or {})}
    return report_for(supplier_list, column_map=cmap, policy=policy)


def exit_code(reports: list[FileReport]) -> int:
    """0 every row usable, 1 some rows have errors, 2 a file could not be read."""
    if any(not r.readable for r in reports):
        return 2
    if any(r.errors for r in reports):
        return 1
    return 0


def to_document(reports: list[FileReport], *, streamed: bool = False) -> dict:
    """The imvo.validate document; with `streamed`, each file's issues are made while written
    (report.jsonout.dumps_chunks)."""
    if streamed:
        return {"schema": SCHEMA, "files": Streamed(lambda: (r.to_dict(streamed=True) for r in reports))}
    return {"schema": SCHEMA, "files": [r.to_dict() for r in reports]}
