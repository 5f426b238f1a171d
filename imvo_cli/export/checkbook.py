"""The `imvo check --export` workbook: one row per file, its findings and its issues."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..i18n import label, t
from ..i18n.messages import issue_hint, issue_message, say
from ..model import UNKNOWN
from .xlsx import add_streamed_table, percent, save_workbook

LEVEL_KEYS = ("critical", "high", "medium", "low", UNKNOWN)
# Headers as catalogue keys (imvo_cli/i18n): "column.x", a level as "level.x", "=x" fixed.
FILES_COLUMNS = ["column.file", "column.status", "column.suppliers",
                 *(f"level.{lvl}" for lvl in LEVEL_KEYS), "column.visibility",
                 "column.address_completeness", "column.rows_rejected", "column.reasons"]
FINDINGS_COLUMNS = ["column.file", "column.supplier", "column.country", "column.tier",
                    "column.level", "column.reason", "column.rows"]
ISSUES_COLUMNS = ["column.file", "column.severity", "=code", "column.sheet", "column.row",
                  "column.column", "column.message", "column.hint"]


def headers(columns: list[str], lang: str = "en") -> list[str]:
    return [c[1:] if c.startswith("=") else t(c, lang) for c in columns]


FILES_HEADERS = headers(FILES_COLUMNS)
FINDINGS_HEADERS = headers(FINDINGS_COLUMNS)
ISSUES_HEADERS = headers(ISSUES_COLUMNS)


def write_check_workbook(result, target: str | Path, lang: str = "en") -> None:
    """Write the check workbook atomically; imvo's headers, sheet names and labels in `lang`."""
    wb = Workbook()
    wb.remove(wb.active)
    footer = t("print.footer", lang)
    levels = {lvl: label("level", lvl, lang) for lvl in LEVEL_KEYS}
    files = []
    for f in result.files:
        s = f.summary or {}
        r = s.get("risk", {})
        status = t(f"check.{f.status}", lang) if f.status in ("pass", "fail", "error") else f.status
        files.append([f.file, status, s.get("suppliers"), *(r.get(lvl) for lvl in LEVEL_KEYS),
                      percent(s.get("visibility")), percent(s.get("address_completeness")),
                      s.get("rows_rejected"),
                      "; ".join(say(r, lang) for r in f.reasons)])
    add_streamed_table(wb, t("sheet.files", lang), headers(FILES_COLUMNS, lang), files,
                       footer=footer)
    findings = [[f.file, x.supplier, x.country, x.tier, levels.get(x.level, x.level),
                 say(x.reason, lang),
                 ", ".join(map(str, x.rows))] for f in result.files for x in f.findings]
    add_streamed_table(wb, t("sheet.findings", lang), headers(FINDINGS_COLUMNS, lang), findings,
                       level_column=t("column.level", lang), footer=footer, level_labels=levels)
    issues = [[f.file, label("severity", i.severity, lang), i.code, i.sheet, i.row, i.column,
               issue_message(i, lang), issue_hint(i, lang)] for f in result.files for i in f.issues]
    add_streamed_table(wb, t("sheet.issues", lang), headers(ISSUES_COLUMNS, lang), issues,
                       footer=footer)
    save_workbook(wb, target)
