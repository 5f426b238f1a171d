"""Validation of supplier lists: the `imvo.validate/1` report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .ingest import read_suppliers
from .model import ImvoError, Issue, SupplierList
from .policy import Policy

SCHEMA = "imvo.validate/1"


@dataclass(slots=True)
class FileReport:
    file: str
    sheet: str | None = None
    rows: int = 0
    empty_rows: int = 0
    suppliers: int = 0
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")

    def to_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "rows": self.rows,
                "empty_rows": self.empty_rows, "suppliers": self.suppliers,
                "issues": [i.to_dict() for i in self.issues]}


def report_for(supplier_list: SupplierList) -> FileReport:
    return FileReport(supplier_list.file, supplier_list.sheet, supplier_list.rows,
                      supplier_list.empty_rows, len(supplier_list.suppliers),
                      list(supplier_list.issues))


def validate_file(path: str | Path, *, policy: Policy | None = None, sheet=None,
                  column_map=None) -> FileReport:
    """Validate one file; a file that cannot be read gives a report with one fatal issue."""
    try:
        return report_for(read_suppliers(path, sheet=sheet, column_map=column_map, policy=policy))
    except ImvoError as exc:
        return FileReport(str(path), exc.sheet, issues=[exc.as_issue()], readable=False)


def exit_code(reports: list[FileReport]) -> int:
    """0 every row usable, 1 some rows have errors, 2 a file could not be read."""
    if any(not r.readable for r in reports):
        return 2
    if any(r.errors for r in reports):
        return 1
    return 0


def to_document(reports: list[FileReport]) -> dict:
    return {"schema": SCHEMA, "files": [r.to_dict() for r in reports]}
