"""The annotated workbook: the user's own supplier list back, with imvo's findings added.

An .xlsx/.xlsm input is loaded with openpyxl and saved as a copy, so its sheets, styles,
column widths, formulas and other cells stay as they were; a csv/xls/ods input becomes a new
.xlsx built from the same rows imvo read. On the suppliers sheet imvo adds columns after the
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

from ..model import LEVELS, UNKNOWN, ChainMap, ImvoError, Issue, RiskAssessment, Supplier, level_rank
from .atomic import atomic_path
from .safety import is_dangerous
from .xlsx import (FIRST_DATA_ROW, FREEZE_CELL, HEADER_ROW, HEADER_STYLE, LEVEL_COLOURS,
                   LEVEL_FONT_COLOURS, add_table_sheet, apply_style, level_style, set_value)

# Columns added after the user's own on the suppliers sheet: header -> width.
# "imvo tier" rather than "tier": "tier" is an input alias, and the user's declared tier must
# stay the one a re-import reads. No header here is an alias of an input field (tested).
ADDED_COLUMNS: dict[str, float] = {
    "imvo id": 14, "imvo tier": 10, "risk level": 12, "risk score": 11, "themes": 40,
    "upstream risk": 30, "reasons": 70, "issues": 60,
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
MAX_CHAINS = 200_000  # a dense graph can hold more paths than a sheet can show
COMMENT_AUTHOR = "imvo"
COMMENT_SIZE = {"width": 360, "height": 160}  # points
MAX_COMMENT_CHARS = 2_000
EXCEL_MAX_ROWS = 1_048_576
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


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
        wb = _load_copy(input_path, keep_vba=out_ext == ".xlsm")
        title = source.sheet if source.sheet is not None else wb.sheetnames[0]
        if title not in wb.sheetnames:
            raise ImvoError(f"sheet {title!r} not found in the workbook", file=input_path,
                            sheet=title, code="sheet-not-found")
        ws = wb[title]
    else:
        wb, ws = _rebuild(input_path, source.sheet)
    annotate_suppliers_sheet(ws, chain_map)
    add_summary_sheet(wb, chain_map)
    add_risks_sheet(wb, chain_map)
    add_chains_sheet(wb, chain_map)
    add_issues_sheet(wb, chain_map)
    add_countries_sheet(wb, chain_map)
    _stable_properties(wb, chain_map)
    with atomic_path(out_path, suffix=out_ext) as tmp:
        save_fast(wb, tmp)


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
    return [supplier.id, chain_map.tiers.get(supplier.id), risk.level or UNKNOWN, risk.score,
            themes_text(risk), upstream_text(risk, chain_map), reasons_text(risk), None]


def themes_text(risk: RiskAssessment) -> str:
    """Known theme levels, worst first: 'forced_labour: high; living_wage: medium'."""
    known = [(t, r.level) for t, r in risk.themes.items() if r.level in LEVELS]
    known.sort(key=lambda tl: (-level_rank(tl[1]), tl[0]))
    return "; ".join(f"{t}: {lvl}" for t, lvl in known)


def upstream_text(risk: RiskAssessment, chain_map: ChainMap) -> str:
    if not risk.upstream_level:
        return ""
    names = [chain_map.suppliers[s].name if s in chain_map.suppliers else s
             for s in risk.upstream_path]
    return risk.upstream_level + (f" via {' > '.join(names)}" if names else "")


def flag_text(flag) -> str:
    return f"{flag.theme} {flag.level}: {flag.evidence} ({flag.rule}; {flag.source})"


def reasons_text(risk: RiskAssessment, sep: str = "; ") -> str:
    return sep.join(flag_text(f) for f in risk.ranked_flags())


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


def _style_array(wb, style: dict[str, Any]):
    """The openpyxl style array for a style dict, built once and copied onto many cells."""
    from openpyxl.cell import Cell

    probe = Cell(wb.worksheets[0])
    apply_style(probe, style)
    return probe._style


def annotate_suppliers_sheet(ws, chain_map: ChainMap) -> None:
    """Add imvo's columns, level fills, comments, a frozen header and an autofilter."""
    from openpyxl.cell import Cell
    from openpyxl.utils import get_column_letter

    source = chain_map.source
    header_row = source.header_row
    first = _first_added_column(ws, header_row)
    cells = ws._cells
    header_style = _style_array(ws.parent, HEADER_STYLE)
    for k, (header, width) in enumerate(ADDED_COLUMNS.items()):
        cell = Cell(ws, row=header_row, column=first + k, value=header)
        cell._style = copy(header_style)
        cells[(header_row, first + k)] = cell
        ws.column_dimensions[get_column_letter(first + k)].width = width
    level_styles = {lvl: _style_array(ws.parent, level_style(lvl)) for lvl in LEVEL_COLOURS}
    level_col = first + ADDED_HEADERS.index("risk level")
    issues_col = first + ADDED_HEADERS.index("issues")

    row_issues: dict[int, list[Issue]] = {}
    for issue in chain_map.issues:
        if issue.row is not None and issue.row > header_row and issue.sheet == source.sheet:
            row_issues.setdefault(issue.row, []).append(issue)
    by_row: dict[int, Supplier] = {}
    for supplier in chain_map.suppliers.values():
        for r in supplier.rows:
            by_row[r] = supplier

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
        for k, value in enumerate(values):
            if value is None or value == "":
                continue
            cell = Cell(ws, row=r, column=first + k, value=value)
            if is_dangerous(value):
                cell.data_type = "s"
            if first + k == level_col:
                cell._style = copy(level_styles.get(value, level_styles[UNKNOWN]))
            cells[(r, first + k)] = cell
        if supplier is not None:
            risk = chain_map.risk.get(supplier.id)
            if risk is not None and risk.flags:
                writable_cell(ws, r, level_col).comment = _comment(reasons_text(risk, "\n"))
        _comment_issues(ws, r, issues, source.headers, issues_col)
        last_row = max(last_row, r)
    last_row = max(last_row, ws.max_row)
    ws.freeze_panes = f"A{header_row + 1}"
    if not ws.tables:  # Excel refuses an autofilter that overlaps a table's own
        last_col = get_column_letter(first + len(ADDED_HEADERS) - 1)
        ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"


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


def _comment_issues(ws, r: int, issues, headers: list[str], fallback_col: int) -> None:
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
        cell = writable_cell(ws, r, col)
        text = "\n".join(texts)
        if cell.comment is not None:  # keep the user's own comment, add ours below it
            text = f"{cell.comment.text}\n\n{COMMENT_AUTHOR}: {text}"
        cell.comment = _comment(text)


# ---- generated sheets -----------------------------------------------------------------------

def _tier_of(chain_map: ChainMap, sid: str):
    return chain_map.tiers.get(sid)


def summary_rows(chain_map: ChainMap) -> list[tuple[str, str, Any]]:
    """(section, item, value) rows: company, counts, coverage, sources, version, policy."""
    from .. import __version__

    sups = list(chain_map.suppliers.values())
    rows: list[tuple[str, str, Any]] = [
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


def add_summary_sheet(wb, chain_map: ChainMap):
    return add_table_sheet(wb, _unique_title(wb, SUMMARY), SUMMARY_HEADERS,
                           summary_rows(chain_map), widths=(26, 30, 60), autofilter=False)


def risk_rows(chain_map: ChainMap) -> list[tuple]:
    rows = []
    for sid in sorted(chain_map.suppliers):
        s = chain_map.suppliers[sid]
        risk = chain_map.risk.get(sid)
        if risk is None:
            continue
        for f in risk.ranked_flags():
            rows.append((sid, s.name, s.country, _tier_of(chain_map, sid), f.theme, f.level,
                         f.rule, f.evidence, f.source))
    rows.sort(key=lambda r: (-level_rank(r[5]), r[1], r[0], r[4], r[6]))
    return rows


def add_risks_sheet(wb, chain_map: ChainMap):
    return add_streamed_table(wb, _unique_title(wb, RISKS), RISK_HEADERS, risk_rows(chain_map),
                              level_column="risk level",
                              widths=(14, 34, 9, 10, 24, 11, 28, 60, 40))


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
        for path in sorted(nx.all_simple_paths(graph, start, company)):
            if len(rows) >= MAX_CHAINS:
                rows.append((len(rows) + 1, "(more chains not listed)", None, None, None, None))
                return rows
            worst_level = max((level(n) for n in path[:-1]), key=level_rank, default=UNKNOWN)
            s = chain_map.suppliers.get(start)
            rows.append((len(rows) + 1, s.name if s else start, s.country if s else None,
                         len(path) - 1, " > ".join(label(n) for n in path), worst_level))
    return rows


def add_chains_sheet(wb, chain_map: ChainMap):
    return add_streamed_table(wb, _unique_title(wb, CHAINS), CHAIN_HEADERS, chain_rows(chain_map),
                              level_column="worst risk", widths=(8, 34, 13, 8, 90, 12))


def issue_rows(chain_map: ChainMap) -> list[tuple]:
    return [(i.severity, i.code, Path(i.file).name if i.file else None, i.sheet, i.row, i.column,
             i.message, i.hint) for i in sorted(chain_map.issues, key=Issue.sort_key)]


def add_issues_sheet(wb, chain_map: ChainMap):
    return add_streamed_table(wb, _unique_title(wb, ISSUES), ISSUE_HEADERS, issue_rows(chain_map),
                           widths=(10, 24, 24, 16, 8, 18, 70, 60))


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
        known = [lvl for lvl in levels if lvl in LEVELS]
        worst = max(known, key=level_rank) if known else UNKNOWN
        rows.append((country, country_name(country) if country != "?" else None, *levels, worst))
    return order, rows


def _worse(current: str | None, new: str) -> str:
    if current is None:
        return new
    # a known level beats unknown: "unknown" means no data, not a finding
    if current not in LEVELS:
        return new
    if new not in LEVELS:
        return current
    return new if level_rank(new) > level_rank(current) else current


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


# ---- saving -------------------------------------------------------------------------------
# openpyxl spends most of a save serialising cells one element at a time. The long generated
# tables (Risks, Chains, Issues) are plain: text, numbers, one level fill. They are kept as
# rows on an empty placeholder sheet and streamed straight into the zip as sheet XML when
# the workbook is saved; everything else (the user's sheets, styles, comments) is openpyxl's.

STREAMED_ROWS_ATTR = "_imvo_streamed_table"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no clock time: same input, same bytes
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NS = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')


def add_streamed_table(wb, title: str, headers, rows, *, level_column: str | None = None,
                       widths=None):
    """A table sheet written at save time by `save_fast`; same look as xlsx.add_table_sheet."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.freeze_panes = FREEZE_CELL
    last = f"{get_column_letter(max(1, len(headers)))}{max(HEADER_ROW, len(rows) + HEADER_ROW)}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}"  # also makes openpyxl name the filter range
    header_sid = wb._cell_styles.add(_style_array(wb, HEADER_STYLE))
    level_sids = {lvl: wb._cell_styles.add(_style_array(wb, level_style(lvl)))
                  for lvl in LEVEL_COLOURS}
    setattr(ws, STREAMED_ROWS_ATTR, {
        "headers": list(headers), "rows": rows, "widths": list(widths or ()),
        "level_index": list(headers).index(level_column) if level_column in headers else None,
        "header_sid": header_sid, "level_sids": level_sids, "ref": f"A1:{last}"})
    return ws


def _xml_text(value: str) -> str:
    value = _XML_BAD.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(ref: str, value: Any, sid: int | None) -> str:
    style = f' s="{sid}"' if sid else ""
    if value is None or value == "":
        return f'<c r="{ref}"{style}/>' if sid else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    from .xlsx import cell_value

    text = str(cell_value(value))  # always text: a formula is never written from data
    return (f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
            f"{_xml_text(text)}</t></is></c>")


def streamed_sheet_chunks(table: dict):
    """The worksheet XML of a streamed table, in chunks."""
    from openpyxl.utils import get_column_letter

    headers, widths = table["headers"], table["widths"]
    letters = [get_column_letter(i) for i in range(1, len(headers) + 1)]
    yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + _SHEET_NS +
           f'<dimension ref="{table["ref"]}"/><sheetViews><sheetView workbookViewId="0">'
           f'<pane ySplit="{HEADER_ROW}" topLeftCell="{FREEZE_CELL}" activePane="bottomLeft" '
           f'state="frozen"/><selection pane="bottomLeft" activeCell="{FREEZE_CELL}" '
           f'sqref="{FREEZE_CELL}"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if widths:
        yield "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                 for i, w in enumerate(widths, 1)) + "</cols>"
    yield "<sheetData>"
    hs = table["header_sid"]
    yield (f'<row r="{HEADER_ROW}">' +
           "".join(_cell_xml(f"{letters[i]}{HEADER_ROW}", h, hs) for i, h in enumerate(headers))
           + "</row>")
    level_index, level_sids = table["level_index"], table["level_sids"]
    batch: list[str] = []
    for r, row in enumerate(table["rows"], FIRST_DATA_ROW):
        cells = []
        for i, value in enumerate(row):
            sid = level_sids.get(value or UNKNOWN, level_sids[UNKNOWN]) if i == level_index else None
            cells.append(_cell_xml(f"{letters[i]}{r}", value, sid))
        batch.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield (f'</sheetData><autoFilter ref="{table["ref"]}"/>'
           '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
           "</worksheet>")


def _stable_zip_class():
    import zipfile

    class StableZip(zipfile.ZipFile):
        """A zip whose entries carry a fixed time, so equal workbooks are equal bytes."""

        def _info(self, name):
            if isinstance(name, zipfile.ZipInfo):
                return name
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = self.compression
            return info

        def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
            super().writestr(self._info(zinfo_or_arcname), data, *args, **kwargs)

        def write(self, filename, arcname=None, *args, **kwargs):
            with open(filename, "rb") as fh:
                self.writestr(arcname or os.path.basename(filename), fh.read())

        def open(self, name, mode="r", *args, **kwargs):
            if mode == "w":
                name = self._info(name)
            return super().open(name, mode, *args, **kwargs)

    return StableZip


def save_fast(wb, path) -> None:
    """Save `wb` like openpyxl does, streaming the tables added with add_streamed_table."""
    import zipfile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.packaging.relationship import RelationshipList
    from openpyxl.writer.excel import ExcelWriter

    class Writer(ExcelWriter):
        def write_worksheet(self, ws):
            table = getattr(ws, STREAMED_ROWS_ATTR, None)
            if table is None:
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()
            ws._rels = RelationshipList()
            with self._archive.open(ws.path[1:], "w") as fh:
                for chunk in streamed_sheet_chunks(table):
                    fh.write(chunk.encode("utf-8"))
            self.manifest.append(ws)

    archive = _stable_zip_class()(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    Writer(wb, archive).save()


def _stable_properties(wb, chain_map: ChainMap) -> None:
    """No clock time in the document properties: the same input gives the same bytes."""
    from datetime import datetime

    stamp = datetime(chain_map.as_of.year, chain_map.as_of.month, chain_map.as_of.day) \
        if chain_map.as_of else datetime(2000, 1, 1)
    if wb.properties.created is None or getattr(wb, "_imvo_rebuilt", False):
        wb.properties.created = stamp
    wb.properties.modified = stamp
