"""The annotated workbook: the user's own supplier list back, with imvo's findings added.

An .xlsx/.xlsm input is copied at the zip level (xlsx_patch.py: every part as it was, the
suppliers sheet edited as a stream), or, when the workbook is outside what that edit handles
(comments or a table on the suppliers sheet, an earlier export, XML it does not recognise),
loaded with openpyxl and saved as a copy; either way its sheets, styles, column widths,
formulas and other cells stay as they were. A csv/xls/ods input becomes a new .xlsx built
from the same rows imvo read. On the suppliers sheet imvo adds columns after the
user's own (ADDED_COLUMNS) and appends the sheets Summary, Risks, Chains, Issues and Countries.

The added headers never name an input field (see ADDED_COLUMNS), so the annotated sheet
re-imports with the same suppliers: the user's declared tier stays the tier column imvo reads,
and the computed tier sits beside it as "imvo tier".
"""

from __future__ import annotations

import os
import re
from copy import copy
from pathlib import Path
from typing import Any, Iterable

from ..model import (LEVEL_COLOURS, LEVEL_FONT_COLOURS, LEVELS, UNKNOWN, ChainMap, ImvoError,
                     Issue, RiskAssessment, Supplier, level_rank, worst)
from ..risk.profiles import theme_labels
from .atomic import atomic_path
from .safety import is_dangerous
from .xlsx import (HEADER_STYLE, add_streamed_table,
                   add_table_sheet, cell_value, level_style, save_fast, set_value, splice_cells,
                   stable_properties, style_id)

# Columns added after the user's own on the suppliers sheet: header -> width.
# "imvo tier" rather than "tier": "tier" is an input alias, and the user's declared tier must
# stay the one a re-import reads. No header here is an alias of an input field (tested).
ADDED_COLUMNS: dict[str, float] = {
    "imvo id": 14, "imvo tier": 10, "risk level": 12, "risk score": 11, "themes": 40,
    "upstream risk": 30, "reasons": 70, "inherent risk": 12, "priority": 9, "issues": 60,
}
ADDED_HEADERS: tuple[str, ...] = tuple(ADDED_COLUMNS)

# Sheets imvo appends, in this order; a name the user already uses gets " (imvo)" appended.
SUMMARY, RISKS, CHAINS, ISSUES, COUNTRIES = "Summary", "Risks", "Chains", "Issues", "Countries"
CSV_SHEET_TITLE = "Suppliers"  # a csv input has no sheet name
COPY_EXTS = (".xlsx", ".xlsm")  # inputs copied as workbooks; others are rebuilt from their rows

RISK_HEADERS = ("imvo id", "supplier", "country", "imvo tier", "theme", "risk level", "rule",
                "evidence", "source")
CHAIN_HEADERS = ("chain", "start", "start country", "steps", "path", "worst risk")
ISSUE_HEADERS = ("severity", "issue code", "file", "sheet", "row", "column", "message", "hint")
SUMMARY_HEADERS = ("section", "item", "value")
# Caps on the generated sheets: one row per flag or per path grows to millions of rows at
# 100,000 suppliers (more than a sheet holds, and more than anyone reads). The worst come
# first; a note row and the Summary sheet say what was left out, and every supplier's reasons
# stay in full in its own row (reasons column) and in `imvo map --format json`.
MAX_RISK_ROWS = 100_000
MAX_CHAINS = 100_000
# Reasons as a cell comment only on the risk level of critical suppliers: the reasons column
# already holds them for every row, and 100,000 comments cost more than the rest of the export.
COMMENT_LEVELS = ("critical",)
COMMENT_AUTHOR = "imvo"
COMMENT_SIZE = {"width": 360, "height": 160}  # points
MAX_COMMENT_CHARS = 2_000
EXCEL_MAX_ROWS = 1_048_576
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
# Copy an xlsx/xlsm input at the zip level (xlsx_patch) when it fits; openpyxl otherwise.
FAST_COPY = True
SUMMARY_WIDTHS = (26, 30, 60)
RISK_WIDTHS = (14, 34, 9, 10, 24, 11, 28, 60, 40)
CHAIN_WIDTHS = (8, 34, 13, 8, 90, 12)
ISSUE_WIDTHS = (10, 24, 24, 16, 8, 18, 70, 60)


def write_annotated(chain_map: ChainMap, out_path, *, input_path) -> None:
    """Write `out_path`: a copy of the user's workbook with imvo's columns and sheets added."""
    input_path, out_path = Path(input_path), Path(out_path)
    refuse_output_over_input(out_path, input_path)
    out_ext = out_path.suffix.lower()
    in_ext = input_path.suffix.lower()
    if out_ext not in (".xlsx", ".xlsm") or (out_ext == ".xlsm" and in_ext != ".xlsm"):
        raise ImvoError(f"the annotated workbook must be an .xlsx file, got {out_path.name!r}",
                        file=out_path, code="output-type",
                        hint="end the export file name with .xlsx (.xlsm only for an .xlsm input)")
    source = chain_map.source
    if in_ext in COPY_EXTS and _is_zip(input_path):
        if FAST_COPY and in_ext == out_ext and _write_zip_copy(chain_map, input_path, out_path):
            return
        wb = _load_copy(input_path, keep_vba=out_ext == ".xlsm")
        title = source.sheet if source.sheet is not None else wb.sheetnames[0]
        if title not in wb.sheetnames:
            raise ImvoError(f"sheet {title!r} not found in the workbook", file=input_path,
                            sheet=title, code="sheet-not-found")
        ws = wb[title]
    else:
        wb, ws = _rebuild(input_path, source.sheet)
    annotate_suppliers_sheet(ws, chain_map)
    risks, flags = risk_rows(chain_map)
    chains = chain_rows(chain_map)
    add_summary_sheet(wb, chain_map, listed={
        "risks": (len(risks) - (len(risks) > MAX_RISK_ROWS), flags),
        "chains": (len(chains) - (len(chains) > MAX_CHAINS), None)})
    add_risks_sheet(wb, chain_map, risks)
    add_chains_sheet(wb, chain_map, chains)
    add_issues_sheet(wb, chain_map)
    add_countries_sheet(wb, chain_map)
    stable_properties(wb, chain_map.as_of, keep_created=not getattr(wb, "_imvo_rebuilt", False))
    with atomic_path(out_path, suffix=out_ext) as tmp:
        save_fast(wb, tmp)


def _write_zip_copy(chain_map: ChainMap, input_path: Path, out_path: Path) -> bool:
    """The fast path (xlsx_patch): the input's zip parts copied, the suppliers sheet edited as
    a stream. False when the workbook is outside what it handles; nothing is written then."""
    from .xlsx_patch import write_patched

    try:
        with atomic_path(out_path, suffix=out_path.suffix.lower()) as tmp:
            write_patched(chain_map, input_path, tmp,
                          lambda first, sids: plan_added_cells(chain_map, first, sids),
                          lambda titles, sids, dxf0: plan_generated_sheets(chain_map, titles,
                                                                           sids, dxf0))
    except ImvoError:
        raise
    except Exception:  # Unsupported, or
        # anything else the edit did not foresee: the openpyxl path copies the workbook (or
        # reports what is wrong with it); the partial file is already gone
        return False
    return True


def refuse_output_over_input(out_path: Path, input_path: Path) -> None:
    """imvo never writes its input: refuse an output path that is (or links to) the input."""
    try:
        same = out_path.resolve() == input_path.resolve() or (
            out_path.exists() and input_path.exists() and os.path.samefile(out_path, input_path))
    except OSError:
        same = False
    if same:
        raise ImvoError("output path is the input file; imvo never writes its input",
                        file=out_path, code="output-is-input",
                        hint="choose another file name for the annotated workbook")


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"PK"


def _load_copy(path: Path, keep_vba: bool):
    import warnings

    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about parts it does not model (e.g. some extensions); not our concern
        warnings.simplefilter("ignore")
        try:
            # rich_text keeps a cell's mixed formatting, so copied cells stay as they were
            return load_workbook(path, keep_vba=keep_vba, rich_text=True)
        except Exception as exc:  # openpyxl raises many types for files Excel can still open
            raise ImvoError(f"the workbook cannot be copied ({type(exc).__name__}: {exc})",
                            file=path, code="unreadable",
                            hint="open it in Excel or LibreOffice and save it again as .xlsx") from None


def _rebuild(path: Path, wanted_sheet: str | None):
    """A new workbook holding every sheet's values, for csv/xls/ods inputs."""
    from openpyxl import Workbook

    from ..ingest.readers import read_sheets

    wb = Workbook()
    wb.remove(wb.active)
    wb._imvo_rebuilt = True
    target = None
    for sheet in read_sheets(path):
        if sheet.kind != "worksheet":
            continue
        title = _unique_title(wb, _safe_title(sheet.name or CSV_SHEET_TITLE))
        ws = wb.create_sheet(title)
        if not sheet.visible:
            ws.sheet_state = "hidden"
        for r, row in enumerate(sheet.load(None), 1):
            for c, value in enumerate(row, 1):
                if value is None or value == "":
                    continue
                set_value(ws.cell(r, c), value)
        if sheet.name == wanted_sheet:
            target = ws
    if target is None:
        target = wb.worksheets[0]
    wb.active = wb.worksheets.index(target)
    return wb, target


def _safe_title(name: str) -> str:
    return SHEET_TITLE_BAD.sub("_", str(name))[:31] or CSV_SHEET_TITLE


def _unique_title(wb, title: str) -> str:
    if title not in wb.sheetnames:
        return title
    for n in range(1, 100):
        candidate = f"{title[:24]} (imvo{'' if n == 1 else f' {n}'})"
        if candidate not in wb.sheetnames:
            return candidate
    raise ImvoError(f"too many sheets named like {title!r}", code="output-sheets")


# ---- the suppliers sheet --------------------------------------------------------------------

def supplier_cells(supplier: Supplier, chain_map: ChainMap) -> list[Any]:
    """The added cells of a supplier's rows, in ADDED_COLUMNS order (issues come per row)."""
    risk = chain_map.risk.get(supplier.id) or RiskAssessment()
    labels = theme_labels(chain_map.sector)
    return [supplier.id, chain_map.tiers.get(supplier.id), risk.level or UNKNOWN, risk.score,
            themes_text(risk, labels), upstream_text(risk, chain_map), reasons_text(risk, labels=labels),
            risk.inherent_level or risk.level or UNKNOWN, risk.priority, None]


def themes_text(risk: RiskAssessment, labels: dict[str, str] | None = None) -> str:
    """Known theme levels, worst first: 'Forced labour: high; Living wage: medium'."""
    labels = labels or {}
    known = [(t, r.level) for t, r in risk.themes.items() if r.level in LEVELS]
    known.sort(key=lambda tl: (-level_rank(tl[1]), tl[0]))
    return "; ".join(f"{labels.get(t, t)}: {lvl}" for t, lvl in known)


def upstream_text(risk: RiskAssessment, chain_map: ChainMap) -> str:
    if not risk.upstream_level:
        return ""
    names = [chain_map.suppliers[s].name if s in chain_map.suppliers else s
             for s in risk.upstream_path]
    return risk.upstream_level + (f" via {' > '.join(names)}" if names else "")


def flag_text(flag) -> str:
    return f"{flag.theme} {flag.level}: {flag.evidence} ({flag.rule}; {flag.source})"


def evidence_text(ev, level: str, labels: dict[str, str]) -> str:
    """One evidence item with the themes it affects: 'Child labour, Forced labour (high): ...'."""
    themes = ", ".join(labels.get(t, t.replace("_", " ")) for t in ev.themes)
    what = "data gap" if ev.kind == "gap" else level
    return f"{themes} ({what}): {ev.value} [{ev.source}]"


def reasons_text(risk: RiskAssessment, sep: str = "; ", labels: dict[str, str] | None = None) -> str:
    """Each piece of evidence once, main evidence first, data gaps last."""
    if not risk.evidence:
        return sep.join(flag_text(f) for f in risk.ranked_flags())
    labels = labels or {}
    main = list(risk.main)
    rest = [i for i, ev in enumerate(risk.evidence) if i not in main and ev.kind != "gap"
            and ev.rule != "not-applicable"]
    rest.sort(key=lambda i: (-level_rank(risk.flags[i].level), i))
    tail = [i for i, ev in enumerate(risk.evidence) if i not in main and i not in rest]
    return sep.join(evidence_text(risk.evidence[i], risk.flags[i].level, labels)
                    for i in main + rest + tail)


def _column_index(headers: list[str]) -> dict[str, int]:
    """Header text as ingest reported it -> 1-based column number."""
    return {text: i for i, text in enumerate(headers, 1)}


def _issue_column(issue: Issue, columns: dict[str, int]) -> int | None:
    if not issue.column:
        return None
    if issue.column in columns:
        return columns[issue.column]
    if re.fullmatch(r"[A-Z]{1,3}", issue.column):
        from openpyxl.utils import column_index_from_string

        return column_index_from_string(issue.column)
    return None


def _first_added_column(ws, header_row: int) -> int:
    """Column of "imvo id": after the last used column, or where an earlier export put it."""
    row = {c: ws._cells[(header_row, c)].value
           for (r, c) in ws._cells if r == header_row}
    for c, value in row.items():
        if value == ADDED_HEADERS[0] and all(
                row.get(c + k) == h for k, h in enumerate(ADDED_HEADERS)):
            return c  # an annotated workbook exported again: refresh imvo's columns in place
    used = [c for (_, c), cell in ws._cells.items() if cell.value is not None]
    return (max(used) if used else 0) + 1


def annotate_suppliers_sheet(ws, chain_map: ChainMap) -> None:
    """Add imvo's columns, level fills, comments, a frozen header and an autofilter.

    The added cells are spliced into the sheet's rows as XML when it is saved (no openpyxl
    Cell per value); only cells that carry a comment are real cells."""
    from openpyxl.utils import get_column_letter

    source = chain_map.source
    header_row = source.header_row
    first = _first_added_column(ws, header_row)
    for key in [k for k in ws._cells if first <= k[1] < first + len(ADDED_HEADERS)]:
        del ws._cells[key]  # an earlier export's columns: replaced, comments included
    wb = ws.parent
    header_sid = style_id(wb, HEADER_STYLE)
    level_sids = {lvl: style_id(wb, level_style(lvl)) for lvl in LEVEL_COLOURS}
    level_col = first + ADDED_HEADERS.index("risk level")
    issues_col = first + ADDED_HEADERS.index("issues")
    spliced: dict[int, dict[int, tuple[Any, int | None]]] = {
        header_row: {first + k: (h, header_sid) for k, h in enumerate(ADDED_HEADERS)}}
    for k, width in enumerate(ADDED_COLUMNS.values()):
        ws.column_dimensions[get_column_letter(first + k)].width = width

    row_issues, by_row = _rows_of(chain_map)

    def real_cell(r: int, col: int):
        """A real cell for a comment: an added value moves from the splice into it."""
        added = spliced.get(r, {}).pop(col, None)
        if added is None:
            return writable_cell(ws, r, col)
        cell = ws.cell(r, col)
        cell.value = added[0]
        if is_dangerous(added[0]):
            cell.data_type = "s"
        if added[1]:
            cell._style = copy(wb._cell_styles[added[1]])
        return cell

    cached: dict[str, list[Any]] = {}
    last_row = header_row
    for r in sorted(set(by_row) | set(row_issues)):
        supplier = by_row.get(r)
        if supplier is not None:
            values = cached.get(supplier.id)
            if values is None:
                values = cached[supplier.id] = supplier_cells(supplier, chain_map)
            values = list(values)
        else:
            values = [None] * len(ADDED_HEADERS)
        issues = row_issues.get(r, ())
        if issues:
            values[-1] = "; ".join(f"{i.severity}: {i.message}" for i in issues)
        row = {}
        for k, value in enumerate(values):
            if value is None or value == "":
                continue
            col = first + k
            row[col] = (cell_value(value),
                        level_sids.get(value, level_sids[UNKNOWN]) if col == level_col else None)
        spliced[r] = row
        if supplier is not None:
            risk = chain_map.risk.get(supplier.id)
            if risk is not None and risk.flags and risk.level in COMMENT_LEVELS:
                real_cell(r, level_col).comment = _comment(reasons_text(risk, "\n", theme_labels(chain_map.sector)))
        if issues:
            _comment_issues(ws, r, issues, source.headers, issues_col, real_cell)
        last_row = max(last_row, r)
    splice_cells(ws, {r: [(c, v, sid) for c, (v, sid) in row.items()]
                      for r, row in spliced.items() if row})
    last_row = max(last_row, ws.max_row)
    ws.freeze_panes = f"A{header_row + 1}"
    if not ws.tables:  # Excel refuses an autofilter that overlaps a table's own
        last_col = get_column_letter(first + len(ADDED_HEADERS) - 1)
        ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"


def _rows_of(chain_map: ChainMap) -> tuple[dict[int, list[Issue]], dict[int, Supplier]]:
    """The suppliers sheet's data rows: the issues on each, and the supplier each belongs to."""
    source = chain_map.source
    row_issues: dict[int, list[Issue]] = {}
    for issue in chain_map.issues:
        if issue.row is not None and issue.row > source.header_row and issue.sheet == source.sheet:
            row_issues.setdefault(issue.row, []).append(issue)
    by_row: dict[int, Supplier] = {}
    for supplier in chain_map.suppliers.values():
        for r in supplier.rows:
            by_row[r] = supplier
    return row_issues, by_row


def plan_added_cells(chain_map: ChainMap, first: int, sids: dict[str, int]):
    """The suppliers sheet's added cells for the zip-level copy, the same as
    annotate_suppliers_sheet writes: (row -> [(column, value, style index)] as a mapping that
    builds each row when it is written, comments as [(row, column, text)], added column
    widths, last row). Rows are built on demand: 100,000 rows of text held at once would
    cost more memory than the rest of the export."""
    source = chain_map.source
    header_row = source.header_row
    level_sids = {lvl: sids[lvl] for lvl in LEVEL_COLOURS}
    level_col = first + ADDED_HEADERS.index("risk level")
    issues_col = first + ADDED_HEADERS.index("issues")
    row_issues, by_row = _rows_of(chain_map)
    columns = _column_index(source.headers)
    comments: list[tuple[int, int, str]] = []
    numbers = sorted(set(by_row) | set(row_issues))
    for r in numbers:
        supplier = by_row.get(r)
        if supplier is not None:
            risk = chain_map.risk.get(supplier.id)
            if risk is not None and risk.flags and risk.level in COMMENT_LEVELS:
                comments.append((r, level_col, _comment_text(reasons_text(risk, "\n", theme_labels(chain_map.sector)))))
        issues = row_issues.get(r, ())
        if issues:
            per_col: dict[int, list[str]] = {}
            for issue in issues:
                col = _issue_column(issue, columns) or issues_col
                per_col.setdefault(col, []).append(
                    issue.message + (f" ({issue.hint})" if issue.hint else ""))
            comments += [(r, col, _comment_text("\n".join(texts)))
                         for col, texts in per_col.items()]
    header = [(first + k, h, sids["header"]) for k, h in enumerate(ADDED_HEADERS)]

    def cells(r: int) -> list[tuple[int, Any, int | None]]:
        if r == header_row:
            return header
        supplier = by_row.get(r)
        values = supplier_cells(supplier, chain_map) if supplier is not None \
            else [None] * len(ADDED_HEADERS)
        issues = row_issues.get(r)
        if issues:
            values[-1] = "; ".join(f"{i.severity}: {i.message}" for i in issues)
        out = []
        for k, value in enumerate(values):
            if value is None or value == "":
                continue
            col = first + k
            out.append((col, cell_value(value) if isinstance(value, (list, tuple, set, dict))
                        else value,  # text: xml_text drops what XML cannot hold
                        level_sids.get(value, level_sids[UNKNOWN]) if col == level_col else None))
        return out

    rows = _LazyRows(sorted({header_row, *numbers}), cells)
    return rows, comments, list(ADDED_COLUMNS.values()), max([header_row, *numbers])


class _LazyRows:
    """Row numbers in order, and each row's cells built when asked for."""

    def __init__(self, numbers: list[int], cells):
        self.numbers, self.cells = numbers, cells

    def __iter__(self):
        return iter(self.numbers)

    def __len__(self):
        return len(self.numbers)

    def __getitem__(self, r: int):
        return self.cells(r)


def plan_generated_sheets(chain_map: ChainMap, titles: list[str], sids: dict[str, int],
                          dxf0: int) -> list:
    """The generated sheets for the zip-level copy, as streamed tables (xlsx_patch)."""
    from types import SimpleNamespace

    from .xlsx_patch import generated_sheet, heat_map_xml

    names = SimpleNamespace(sheetnames=titles)
    risks, flags = risk_rows(chain_map)
    chains = chain_rows(chain_map)
    listed = {"risks": (len(risks) - (len(risks) > MAX_RISK_ROWS), flags),
              "chains": (len(chains) - (len(chains) > MAX_CHAINS), None)}
    themes, countries = country_theme_levels(chain_map)
    return [
        generated_sheet(titles, _unique_title(names, SUMMARY), SUMMARY_HEADERS,
                        summary_rows(chain_map, listed), sids=sids, widths=SUMMARY_WIDTHS),
        generated_sheet(titles, _unique_title(names, RISKS), RISK_HEADERS, risks, sids=sids,
                        level_column="risk level", widths=RISK_WIDTHS),
        generated_sheet(titles, _unique_title(names, CHAINS), CHAIN_HEADERS, chains, sids=sids,
                        level_column="worst risk", widths=CHAIN_WIDTHS),
        generated_sheet(titles, _unique_title(names, ISSUES), ISSUE_HEADERS,
                        issue_rows(chain_map), sids=sids, widths=ISSUE_WIDTHS),
        generated_sheet(titles, _unique_title(names, COUNTRIES),
                        ("country", "country name", *themes, "worst risk"), countries, sids=sids,
                        widths=(9, 24, *([16] * len(themes)), 12),
                        extra_tail=heat_map_xml(len(themes), len(countries), dxf0)),
    ]


def _comment_text(text: str) -> str:
    return text[:MAX_COMMENT_CHARS - 1] + "…" if len(text) > MAX_COMMENT_CHARS else text


def writable_cell(ws, row: int, col: int):
    """The cell itself, or the top-left cell of the merged range that covers it."""
    from openpyxl.cell.cell import MergedCell

    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if cell.coordinate in rng:
                return ws.cell(rng.min_row, rng.min_col)
    return cell


def _comment(text: str):
    from openpyxl.comments import Comment

    if len(text) > MAX_COMMENT_CHARS:
        text = text[:MAX_COMMENT_CHARS - 1] + "…"
    return Comment(text, COMMENT_AUTHOR, **COMMENT_SIZE)


def _comment_issues(ws, r: int, issues, headers: list[str], fallback_col: int,
                    cell_at=None) -> None:
    """A comment with the messages on each cell an issue points at (or on the issues cell)."""
    if not issues:
        return
    columns = _column_index(headers)
    per_col: dict[int, list[str]] = {}
    for issue in issues:
        col = _issue_column(issue, columns) or fallback_col
        text = issue.message + (f" ({issue.hint})" if issue.hint else "")
        per_col.setdefault(col, []).append(text)
    for col, texts in per_col.items():
        cell = (cell_at or (lambda row, c: writable_cell(ws, row, c)))(r, col)
        text = "\n".join(texts)
        if cell.comment is not None:  # keep the user's own comment, add ours below it
            text = f"{cell.comment.text}\n\n{COMMENT_AUTHOR}: {text}"
        cell.comment = _comment(text)


# ---- generated sheets -----------------------------------------------------------------------

def _tier_of(chain_map: ChainMap, sid: str):
    return chain_map.tiers.get(sid)


ACT_FIRST = 10  # suppliers the Summary leads with


def act_first_rows(chain_map: ChainMap, limit: int = ACT_FIRST) -> list[tuple[str, str, Any]]:
    """'where to act first': the suppliers with the best priority, their residual (and
    inherent) level and the main evidence, once per supplier."""
    from ..mapping import priority_order

    labels = theme_labels(chain_map.sector)
    rows = []
    ranked = [sid for sid in priority_order(chain_map.risk, chain_map.tiers)
              if chain_map.risk[sid].level not in ("low", UNKNOWN)][:limit]
    for sid in ranked:
        a, s = chain_map.risk[sid], chain_map.suppliers[sid]
        level = a.level + (f" (inherent {a.inherent_level})" if a.inherent_level and a.inherent_level != a.level else "")
        main = a.main_reasons(2, labels)
        rows.append(("where to act first", f"{a.priority}. {s.name} ({s.country or '?'})",
                     f"{level}: {' | '.join(main)}" if main else level))
    return rows


def summary_rows(chain_map: ChainMap, listed: dict | None = None) -> list[tuple[str, str, Any]]:
    """(section, item, value) rows: company, counts, coverage, sources, version, policy;
    `listed` (sheet -> (rows listed, total or None)) notes a capped Risks or Chains sheet."""
    from .. import __version__

    sups = list(chain_map.suppliers.values())
    rows: list[tuple[str, str, Any]] = act_first_rows(chain_map)
    rows += [
        ("company", "name", chain_map.company.name),
        ("company", "sector", chain_map.sector),
        ("company", "as of", chain_map.as_of.isoformat() if chain_map.as_of else None),
        ("input", "file", Path(chain_map.source.file).name),
        ("input", "sheet", chain_map.source.sheet),
        ("input", "rows", chain_map.source.rows),
        ("input", "rejected rows", len(chain_map.source.rejected_rows)),
        ("input", "suppliers", len(sups)),
        ("input", "issues", len(chain_map.issues)),
    ]
    tiers: dict[str, int] = {}
    for s in sups:
        t = _tier_of(chain_map, s.id)
        key = "unreachable" if t is None else f"tier {t}"
        tiers[key] = tiers.get(key, 0) + 1
    rows += [("suppliers per tier", k, v) for k, v in sorted(tiers.items(), key=_tier_sort)]
    countries: dict[str, int] = {}
    for s in sups:
        countries[s.country or "?"] = countries.get(s.country or "?", 0) + 1
    rows += [("suppliers per country", k, v) for k, v in sorted(countries.items())]
    levels = {lvl: 0 for lvl in (*reversed(LEVELS), UNKNOWN)}
    for s in sups:
        lvl = (chain_map.risk.get(s.id) or RiskAssessment()).level or UNKNOWN
        levels[lvl] = levels.get(lvl, 0) + 1
    rows += [("suppliers per risk level", k, v) for k, v in levels.items()]
    summary = chain_map.summary or {}
    inherent = summary.get("risk_inherent")
    if inherent:
        rows += [("suppliers per inherent risk level", k, inherent.get(k, 0)) for k in levels]
    cov = summary.get("coverage")
    if cov:
        rows.append(("data coverage", "audit data", "not in this list (a data gap, not a finding)"
                     if not cov["audit"]["column"] else _scalar(cov["audit"]["share"])))
        for kind in ("product", "process"):
            c = cov[kind]
            rows.append(("data coverage", f"{kind} given", _scalar(c["share"]) if c["column"]
                         else "not in this list"))
            rows.append(("data coverage", f"{kind} recognised", _scalar(c["recognised"])))
            words = cov["unrecognised"][kind]
            if words:
                rows.append(("data coverage", f"unrecognised {kind} words",
                             ", ".join(f"{w} ({n})" for w, n in list(words.items())[:20])))
    n = len(sups) or 1
    visibility = summary.get("visibility")
    if visibility is None:
        visibility = round(sum(1 for s in sups if _tier_of(chain_map, s.id) is not None) / n, 4)
    completeness = summary.get("address_completeness")
    if completeness is None:
        completeness = round(sum(1 for s in sups if s.has_full_address) / n, 4)
    rows += [("coverage", "visibility", _scalar(visibility)),
             ("coverage", "address completeness", _scalar(completeness))]
    for src in _sources():
        rows.append(("sources", str(src.get("name", "")),
                     " | ".join(str(src[k]) for k in ("edition", "url", "licence") if src.get(k))))
    for sheet, (shown, total) in (listed or {}).items():
        cap = MAX_RISK_ROWS if sheet == "risks" else MAX_CHAINS
        if shown >= cap:
            rows.append((f"{sheet} sheet", "rows listed",
                         f"the first {shown} of {total if total is not None else 'more'}, worst first"
                         " (capped; every supplier's reasons are in its row and in the JSON output)"))
    rows.append(("imvo", "version", __version__))
    policy = chain_map.policy
    if policy is not None and hasattr(policy, "describe"):
        for key, value in policy.describe().items():
            rows.append(("policy", key, _scalar(value)))
    return rows


def _tier_sort(item):
    key = item[0]
    return (1, 0) if key == "unreachable" else (0, int(key.split()[1]))


def _scalar(value: Any) -> Any:
    """A cell value for a summary entry: dicts and lists as compact text."""
    if isinstance(value, dict):
        if set(value) >= {"value"}:
            return _scalar(value["value"])
        return "; ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) or None
    if isinstance(value, (list, tuple)):
        return " | ".join(str(_scalar(v)) for v in value) or None
    return value


def _sources() -> list[dict]:
    try:
        from ..risk import sources
        return list(sources())
    except Exception:  # a report must not fail because a data file listing is broken
        return []


def add_summary_sheet(wb, chain_map: ChainMap, listed: dict | None = None):
    return add_table_sheet(wb, _unique_title(wb, SUMMARY), SUMMARY_HEADERS,
                           summary_rows(chain_map, listed), widths=SUMMARY_WIDTHS, autofilter=False)


def risk_rows(chain_map: ChainMap, limit: int = MAX_RISK_ROWS) -> tuple[list[tuple], int]:
    """(rows, number of flags): one row per flag, worst first (then by supplier name), at most
    `limit` rows and then a note row saying how many more there are.

    Only the flags that can make the cut are turned into rows: whole levels while they fit,
    then the next level's flags supplier by supplier in name order."""
    suppliers = sorted(((s.name or "", sid) for sid, s in chain_map.suppliers.items()
                        if chain_map.risk.get(sid) is not None))
    per_level: dict[str, int] = {}
    for _, sid in suppliers:
        for f in chain_map.risk[sid].flags:
            per_level[f.level] = per_level.get(f.level, 0) + 1
    total = sum(per_level.values())
    whole, cut, room = set(), None, limit
    for lvl in sorted(per_level, key=level_rank, reverse=True):
        if per_level[lvl] <= room:
            whole.add(lvl)
            room -= per_level[lvl]
        else:
            cut = lvl
            break
    rows = []
    for _, sid in suppliers:
        s = chain_map.suppliers[sid]
        tier = _tier_of(chain_map, sid)
        take_cut = room > 0  # all of a supplier's flags at the cut level, or none
        for f in chain_map.risk[sid].flags:
            if f.level in whole or (take_cut and f.level == cut):
                rows.append((sid, s.name, s.country, tier, f.theme, f.level, f.rule, f.evidence,
                             f.source))
                room -= f.level == cut
    rows.sort(key=lambda r: (-level_rank(r[5]), r[1] or "", r[0], r[4] or "", r[6] or "",
                             str(r[7] or ""), str(r[8] or "")))
    if total > limit:
        rows = rows[:limit]
        rows.append((None, f"({total - limit} more flags not listed: every supplier's reasons "
                           "are in its row of the suppliers sheet and in the JSON output)",
                     None, None, None, None, None, None, None))
    return rows, total


def add_risks_sheet(wb, chain_map: ChainMap, rows: list[tuple] | None = None):
    return add_streamed_table(wb, _unique_title(wb, RISKS), RISK_HEADERS,
                              risk_rows(chain_map)[0] if rows is None else rows,
                              level_column="risk level",
                              widths=RISK_WIDTHS)


def chain_rows(chain_map: ChainMap) -> list[tuple]:
    """One row per path from a supplier nobody supplies (raw material end) to the company."""
    graph = chain_map.graph
    company = chain_map.company.id
    if graph is None or company not in graph:
        return []
    import networkx as nx

    def label(node) -> str:
        if node == company:
            return chain_map.company.name
        s = chain_map.suppliers.get(node)
        return f"{s.name} ({s.country})" if s and s.country else (s.name if s else str(node))

    def level(node) -> str:
        risk = chain_map.risk.get(node)
        return risk.level if risk else UNKNOWN

    starts = sorted(n for n in graph.nodes if n != company and graph.in_degree(n) == 0)
    rows = []
    for start in starts:
        # Paths are taken as they are generated and stop at the cap: a layered list has
        # exponentially many, so they are never all enumerated (and sorted) first.
        for path in nx.all_simple_paths(graph, start, company):
            if len(rows) >= MAX_CHAINS:
                rows.append((len(rows) + 1, "(more chains not listed)", None, None, None, None))
                return rows
            worst_level = worst(level(n) for n in path[:-1])
            s = chain_map.suppliers.get(start)
            rows.append((len(rows) + 1, s.name if s else start, s.country if s else None,
                         len(path) - 1, " > ".join(label(n) for n in path), worst_level))
    return rows


def add_chains_sheet(wb, chain_map: ChainMap, rows: list[tuple] | None = None):
    return add_streamed_table(wb, _unique_title(wb, CHAINS), CHAIN_HEADERS,
                              chain_rows(chain_map) if rows is None else rows,
                              level_column="worst risk", widths=CHAIN_WIDTHS)


def issue_rows(chain_map: ChainMap) -> list[tuple]:
    return [(i.severity, i.code, Path(i.file).name if i.file else None, i.sheet, i.row, i.column,
             i.message, i.hint) for i in sorted(chain_map.issues, key=Issue.sort_key)]


def add_issues_sheet(wb, chain_map: ChainMap):
    return add_streamed_table(wb, _unique_title(wb, ISSUES), ISSUE_HEADERS, issue_rows(chain_map),
                           widths=ISSUE_WIDTHS)


def country_theme_levels(chain_map: ChainMap) -> tuple[list[str], list[tuple]]:
    """(themes, rows of country, name, level per theme, worst): the worst level per cell."""
    from ..ingest.countries import country_name

    themes: set[str] = set()
    cells: dict[str, dict[str, str]] = {}
    for sid, s in chain_map.suppliers.items():
        risk = chain_map.risk.get(sid)
        per = cells.setdefault(s.country or "?", {})
        if risk is None:
            continue
        for theme, tr in risk.themes.items():
            themes.add(theme)
            per[theme] = _worse(per.get(theme), tr.level)
    order = _theme_order(chain_map.sector, themes)
    rows = []
    for country in sorted(cells):
        levels = [cells[country].get(t, UNKNOWN) for t in order]
        rows.append((country, country_name(country) if country != "?" else None, *levels,
                     worst(levels)))
    return order, rows


def _worse(current: str | None, new: str) -> str:
    """The worse of two levels in the one Level order (unknown above low)."""
    return new if current is None else worst([current, new])


def _theme_order(sector: str, themes: Iterable[str]) -> list[str]:
    try:
        from ..risk import load_profile
        profile_order = list(load_profile(sector).themes)
    except Exception:
        profile_order = []
    themes = set(themes)
    return [t for t in profile_order if t in themes] + sorted(themes - set(profile_order))


def add_countries_sheet(wb, chain_map: ChainMap):
    """Country x theme levels as a heat map: conditional formatting colours each level."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    themes, rows = country_theme_levels(chain_map)
    headers = ("country", "country name", *themes, "worst risk")
    ws = add_table_sheet(wb, _unique_title(wb, COUNTRIES), headers, rows,
                         widths=(9, 24, *([16] * len(themes)), 12))
    if rows:
        area = f"C2:{get_column_letter(len(headers))}{len(rows) + 1}"
        for lvl, colour in LEVEL_COLOURS.items():
            ws.conditional_formatting.add(area, CellIsRule(
                operator="equal", formula=[f'"{lvl}"'],
                fill=PatternFill("solid", start_color=colour, end_color=colour),
                font=Font(color=LEVEL_FONT_COLOURS[lvl])))
    return ws
