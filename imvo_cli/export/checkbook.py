"""The `imvo check --export` workbook: one row per file, its findings and its issues."""

from __future__ import annotations

from pathlib import Path

from .xlsx import add_streamed_table, save_workbook

FILES_HEADERS = ["file", "status", "suppliers", "critical", "high", "medium", "low", "unknown",
                 "visibility", "address completeness", "rows rejected", "reasons"]
FINDINGS_HEADERS = ["file", "supplier", "country", "tier", "level", "reason", "rows"]
ISSUES_HEADERS = ["file", "severity", "code", "sheet", "row", "column", "message", "hint"]


def write_check_workbook(result, target: str | Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    files = []
    for f in result.files:
        s = f.summary or {}
        r = s.get("risk", {})
        files.append([f.file, f.status, s.get("suppliers"), r.get("critical"), r.get("high"),
                      r.get("medium"), r.get("low"), r.get("unknown"), s.get("visibility"),
                      s.get("address_completeness"), s.get("rows_rejected"), "; ".join(f.reasons)])
    add_streamed_table(wb, "Files", FILES_HEADERS, files)
    findings = [[f.file, x.supplier, x.country, x.tier, x.level, x.reason,
                 ", ".join(map(str, x.rows))] for f in result.files for x in f.findings]
    add_streamed_table(wb, "Findings", FINDINGS_HEADERS, findings, level_column="level")
    issues = [[f.file, i.severity, i.code, i.sheet, i.row, i.column, i.message, i.hint]
              for f in result.files for i in f.issues]
    add_streamed_table(wb, "Issues", ISSUES_HEADERS, issues)
    save_workbook(wb, target)
