"""Writers for the Open Supply Hub round trip: the list upload (CSV or .xlsx) and the match table.

CSV is UTF-8 with a byte-order mark (what OSH reads, and what spreadsheet programs need to show
accents), one line per row. A text cell that starts with = + - @ (or tab, CR) gets a leading
apostrophe, the project's rule against formulas from data (export/safety.py): a spreadsheet
program would otherwise run it. OSH would keep that apostrophe in the name, so every such cell
is reported as a warning to fix at the source. In .xlsx every text is an inline string and
never a formula, so it is written as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ..i18n import DEFAULT_LANG, has, label, number, t
from ..i18n.messages import issue_hint, issue_line, issue_message
from ..model import ImvoError, Issue
from ..osh.upload import upload_from_aggregate, upload_from_chain_map
from .atomic import atomic_path
from .safety import csv_safe, is_dangerous
from .xlsx import add_streamed_table, save_workbook

UPLOAD_SHEET = "Production locations"


def output_kind(path: str | Path) -> str:
    """'csv' or 'xlsx' from the file name; anything else is a usage error."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return suffix[1:]
    raise ImvoError(f"cannot write {Path(path).name!r}: use a .csv or .xlsx file name",
                    file=path, code="usage", hint="for example --osh upload.csv")


def _cell(value: Any) -> Any:
    return "" if value is None else value


def write_csv_table(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                    label=lambda n: n) -> list[Issue]:
    """A UTF-8 CSV written atomically; warnings for text cells kept from being formulas."""
    warnings: list[Issue] = []
    with atomic_path(path, suffix=".csv") as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(headers)
        for n, row in enumerate(rows, 2):
            out = []
            for h, v in zip(headers, row, strict=True):
                if is_dangerous(v):
                    warnings.append(Issue(
                        "warning", "osh-formula-text",
                        f"{label(n)}: {h} starts with {v[:1]!r}; written with a leading "
                        "apostrophe so spreadsheet programs keep it as text (OSH will "
                        "show the apostrophe)", str(path), None, n, h,
                        "remove the leading character in your list, or write .xlsx"))
                out.append(csv_safe(_cell(v)))
            writer.writerow(out)
    return warnings


def write_xlsx_table(path: str | Path, sheet: str, headers: Sequence[str],
                     rows: Sequence[Sequence[Any]], more: Sequence[tuple] = (),
                     footer: str | None = None) -> None:
    """A workbook through the shared streamed writer: the first sheet is `sheet`; `footer`
    is the page footer of every sheet (default: the English one)."""
    wb = Workbook()
    wb.remove(wb.active)
    add_streamed_table(wb, sheet, list(headers), rows, footer=footer)
    for title, more_headers, more_rows in more:
        add_streamed_table(wb, title, list(more_headers), more_rows, footer=footer)
    save_workbook(wb, path)


def write_upload(upload, path: str | Path) -> list[Issue]:
    """Write an osh.UploadResult as OSH's list upload; returns warnings about cells."""
    kind = output_kind(path)
    headers = upload.columns
    rows = [r.values(headers) for r in upload.rows]
    if kind == "xlsx":
        write_xlsx_table(path, UPLOAD_SHEET, headers, rows)
        return []
    sources = [r.source for r in upload.rows]
    return write_csv_table(path, headers, rows, label=lambda n: sources[n - 2])


def write_osh_upload(source, path: str | Path):
    """Build and write the OSH upload of a ChainMap (`imvo map --osh`) or an AggregateResult
    (`imvo aggregate --public --osh`); returns the osh.UploadResult, cell warnings included."""
    output_kind(path)
    upload = upload_from_aggregate(source) if hasattr(source, "facilities") \
        else upload_from_chain_map(source)
    upload.issues.extend(write_upload(upload, path))
    return upload


def upload_messages(upload, path: str | Path, lang: str = DEFAULT_LANG) -> list[str]:
    """Lines for stderr: what was written, then each location left out and why."""
    lines = [t("stderr.osh_upload", lang, path=path, rows=number(len(upload.rows), lang),
               locations=number(upload.locations, lang))]
    for i in upload.issues:
        key = f"stderr.{i.severity}"
        prefix = t(key, lang) if has(key, lang) else f"imvo: {i.severity}:"
        lines.append(f"{prefix} {issue_line(i, lang)}")
    return lines


# ---- osh-match -------------------------------------------------------------------------------

# Columns as catalogue keys: "osh_workbook.x", "column.x" (shared with the sector workbook's
# Review sheet), "=x" fixed in every language (a_id, b_id and decision: --decisions reads them).
MATCH_COLUMNS = ("osh_workbook.supplier_id", "osh_workbook.name", "osh_workbook.country",
                 "osh_workbook.address", "osh_workbook.rows", "osh_workbook.status",
                 "osh_workbook.os_id", "osh_workbook.os_id_source", "osh_workbook.score",
                 "osh_workbook.rule", "osh_workbook.name_score", "osh_workbook.address_score",
                 "osh_workbook.city_score", "osh_workbook.closed", "osh_workbook.osh_name",
                 "osh_workbook.osh_address", "=a_id", "=b_id")
REVIEW_COLUMNS = ("=a_id", "column.a_name", "column.a_address", "osh_workbook.a_rows", "=b_id",
                  "column.b_name", "column.b_address", "column.review_country", "column.score",
                  "column.name_score", "column.address_score", "column.city_score",
                  "column.review_rule", "osh_workbook.closed", "=decision")
ISSUE_COLUMNS = ("column.severity", "=code", "column.file", "column.row", "column.column",
                 "column.message", "column.hint")


def headers(columns: Sequence[str], lang: str = DEFAULT_LANG) -> tuple[str, ...]:
    return tuple(c[1:] if c.startswith("=") else t(c, lang) for c in columns)


MATCH_HEADERS = headers(MATCH_COLUMNS)
REVIEW_HEADERS = headers(REVIEW_COLUMNS)
ISSUE_HEADERS = headers(ISSUE_COLUMNS)


def _rows_text(rows: list[int]) -> str:
    return " ".join(str(r) for r in rows)


def match_rows(result, lang: str = DEFAULT_LANG) -> list[list[Any]]:
    out = []
    for m in result.matches:
        f = m.fields or {}
        out.append([m.supplier_id, m.name, m.country, m.address, _rows_text(m.rows),
                    label("cli_osh_status", m.status, lang), m.os_id,
                    label("osh_source", m.source, lang) if m.source else m.source, m.score, m.rule,
                    f.get("name"), f.get("address"), f.get("city"), _closed(m.closed, lang),
                    m.osh_name, m.osh_address, m.record_id, m.candidate_id])
    return out


def review_rows(result, lang: str = DEFAULT_LANG) -> list[list[Any]]:
    out = []
    for c in result.review:
        f = c.fields or {}
        out.append([c.record_id, c.name, c.address, _rows_text(c.rows), c.os_id, c.osh_name,
                    c.osh_address, c.country, c.score, f.get("name"), f.get("address"),
                    f.get("city"), c.rule, _closed(c.closed, lang), None])
    return out


def _closed(value: bool | None, lang: str = DEFAULT_LANG) -> str | None:
    return None if value is None else (t("osh_workbook.closed_value", lang) if value else "")


def issue_rows(issues: Sequence[Issue], lang: str = DEFAULT_LANG) -> list[list[Any]]:
    return [[label("severity", i.severity, lang), i.code, i.file, i.row, i.column,
             issue_message(i, lang), issue_hint(i, lang)] for i in issues]


def write_match_table(result, path: str | Path, lang: str = DEFAULT_LANG) -> list[Issue]:
    """The osh-match table: .xlsx has Matches, Review (a decisions file) and Issues sheets,
    imvo's words in `lang`; a .csv has the Matches table in English (scripts read it), whose
    a_id, b_id and decision columns make it a decisions file too."""
    kind = output_kind(path)
    if kind == "csv":
        return write_csv_table(path, (*MATCH_HEADERS, "decision"),
                               [[*row, None] for row in match_rows(result)])
    write_xlsx_table(path, t("osh_workbook.sheet_matches", lang), headers(MATCH_COLUMNS, lang),
                     match_rows(result, lang),
                     more=[(t("sheet.review", lang), headers(REVIEW_COLUMNS, lang),
                            review_rows(result, lang)),
                           (t("sheet.issues", lang), headers(ISSUE_COLUMNS, lang),
                            issue_rows(result.issues, lang))],
                     footer=t("print.footer", lang))
    return []
