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
from collections.abc import Iterable
from copy import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..i18n import LANGS, country_label, has, label, t, variants
from ..model import (
    LEVEL_COLOURS,
    LEVEL_FONT_COLOURS,
    LEVELS,
    UNKNOWN,
    ChainMap,
    ImvoError,
    Issue,
    RiskAssessment,
    Supplier,
    level_rank,
    worst,
)
from ..risk.profiles import theme_labels
from .atomic import atomic_path
from .safety import is_dangerous
from .xlsx import (
    HEADER_STYLE,
    add_streamed_table,
    add_table_sheet,
    apply_print_setup,
    cell_value,
    level_style,
    save_fast,
    set_value,
    splice_cells,
    stable_properties,
    style_id,
)

# Columns added after the user's own on the suppliers sheet: header -> width.
# "imvo tier" rather than "tier": "tier" is an input alias, and the user's declared tier must
# stay the one a re-import reads. No header here is an alias of an input field (tested).
# The headers are catalogue keys (imvo_cli/i18n, group "column"), written in the export's
# language; every language's headers are recognised when an annotated workbook comes back.
ADDED_KEYS: tuple[str, ...] = ("imvo_id", "imvo_tier", "risk_level", "risk_score", "themes",
                               "upstream_risk", "reasons", "inherent_risk", "priority", "issues")
ADDED_WIDTHS: tuple[float, ...] = (14, 10, 12, 11, 40, 30, 70, 12, 9, 60)
ADDED_COLUMNS: dict[str, float] = {t(f"column.{k}", "en"): w for k, w in zip(ADDED_KEYS, ADDED_WIDTHS)}
ADDED_HEADERS: tuple[str, ...] = tuple(ADDED_COLUMNS)
LEVEL_AT = ADDED_KEYS.index("risk_level")
ISSUES_AT = ADDED_KEYS.index("issues")


def added_headers(lang: str = "en") -> tuple[str, ...]:
    """The added columns' headers in `lang`."""
    return tuple(t(f"column.{k}", lang) for k in ADDED_KEYS)


# Sheets imvo appends, in this order (catalogue keys, group "sheet"); a name the user already
# uses gets " (imvo)" appended, and imvo's own sheets from an earlier export are replaced.
SUMMARY, RISKS, CHAINS, ISSUES, COUNTRIES = "summary", "risks", "chains", "issues", "countries"
GENERATED = (SUMMARY, RISKS, CHAINS, ISSUES, COUNTRIES)
CSV_SHEET_TITLE = "Suppliers"  # a csv input has no sheet name
COPY_EXTS = (".xlsx", ".xlsm")  # inputs copied as workbooks; others are rebuilt from their rows

RISK_HEADERS = ("imvo_id", "supplier", "country", "imvo_tier", "theme", "risk_level", "rule",
                "evidence", "source")
CHAIN_HEADERS = ("chain", "start", "start_country", "steps", "path", "worst_risk")
ISSUE_HEADERS = ("severity", "issue_code", "file", "sheet", "row", "column", "message", "hint")
SUMMARY_HEADERS = ("section", "item", "value")
COUNTRY_HEADERS = ("country", "country_name_lower")  # then one column per theme, then worst_risk
# The first headers of each generated sheet: with its name, how an earlier export's sheet is
# told from a sheet of the user's that happens to share the name.
SIGNATURES = {SUMMARY: SUMMARY_HEADERS, RISKS: RISK_HEADERS[:3], CHAINS: CHAIN_HEADERS[:3],
              ISSUES: ISSUE_HEADERS[:3], COUNTRIES: COUNTRY_HEADERS}


def headers_in(keys: Iterable[str], lang: str = "en") -> tuple[str, ...]:
    return tuple(t(f"column.{k}", lang) for k in keys)


def sheet_title(key: str, lang: str = "en") -> str:
    return t(f"sheet.{key}", lang)


@lru_cache(maxsize=64)
def level_text(level: str | None, lang: str = "en") -> str:
    """A level as written in the workbook: its label in `lang` (unknown for none)."""
    return label("level", level or UNKNOWN, lang)


def level_labels(lang: str = "en") -> dict[str, str]:
    return {lvl: level_text(lvl, lang) for lvl in (*LEVELS, UNKNOWN)}


def theme_names(sector: str | None, lang: str = "en") -> dict[str, str]:
    """Theme key -> human label: the sector profile's in English, the catalogue's in Dutch."""
    names = dict(theme_labels(sector))
    if lang != "en":
        for key in list(names):
            if has(f"theme.{key}", lang):
                names[key] = t(f"theme.{key}", lang)
    return names


def theme_name(key: str, names: dict[str, str], lang: str = "en") -> str:
    if key in names:
        return names[key]
    return label("theme", key, lang)
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
EXCEL_MAX_COLUMNS = 16_384  # XFD
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
# Copy an xlsx/xlsm input at the zip level (xlsx_patch) when it fits; openpyxl otherwise.
FAST_COPY = True
SUMMARY_WIDTHS = (26, 30, 60)
RISK_WIDTHS = (14, 34, 9, 10, 24, 11, 28, 60, 40)
CHAIN_WIDTHS = (8, 34, 13, 8, 90, 12)
ISSUE_WIDTHS = (10, 24, 24, 16, 8, 18, 70, 60)


def write_annotated(chain_map: ChainMap, out_path, *, input_path, lang: str = "en") -> None:
    """Write `out_path`: a copy of the user's workbook with imvo's columns and sheets added,
    imvo's headers, sheet names and labels in `lang` (en or nl)."""
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
        if FAST_COPY and in_ext == out_ext and _write_zip_copy(chain_map, input_path, out_path,
                                                                lang):
            return
        wb = _load_copy(input_path, keep_vba=out_ext == ".xlsm")
        title = source.sheet if source.sheet is not None else wb.sheetnames[0]
        if title not in wb.sheetnames:
            raise ImvoError(f"sheet {title!r} not found in the workbook", file=input_path,
                            sheet=title, code="sheet-not-found")
        ws = wb[title]
        remove_earlier_sheets(wb, keep=ws)
        cached = formula_values(input_path, wb)
    else:
        wb, ws = _rebuild(input_path, source.sheet)
        cached = {}
    annotate_suppliers_sheet(ws, chain_map, lang)
    risks, flags = risk_rows(chain_map, lang=lang)
    chains = chain_rows(chain_map, lang)
    add_summary_sheet(wb, chain_map, listed={
        "risks": (len(risks) - (len(risks) > MAX_RISK_ROWS), flags),
        "chains": (len(chains) - (len(chains) > MAX_CHAINS), None)}, lang=lang)
    add_risks_sheet(wb, chain_map, risks, lang)
    add_chains_sheet(wb, chain_map, chains, lang)
    add_issues_sheet(wb, chain_map, lang)
    add_countries_sheet(wb, chain_map, lang)
    stable_properties(wb, chain_map.as_of, keep_created=not getattr(wb, "_imvo_rebuilt", False))
    with atomic_path(out_path, suffix=out_ext) as tmp:
        save_fast(wb, tmp)
        if cached:
            restore_formula_values(tmp, wb, cached)


def _write_zip_copy(chain_map: ChainMap, input_path: Path, out_path: Path,
                    lang: str = "en") -> bool:
    """The fast path (xlsx_patch): the input's zip parts copied, the suppliers sheet edited as
    a stream. False when the workbook is outside what it handles; nothing is written then."""
    from .xlsx_patch import write_patched

    try:
        with atomic_path(out_path, suffix=out_path.suffix.lower()) as tmp:
            write_patched(chain_map, input_path, tmp,
                          lambda first, sids: plan_added_cells(chain_map, first, sids, lang),
                          lambda titles, sids, dxf0: plan_generated_sheets(chain_map, titles,
                                                                           sids, dxf0, lang),
                          lang=lang)
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


# ---- an earlier export's sheets, formulas' cached values -----------------------------------

_COPY_SUFFIX = re.compile(r" \(imvo(?: \d+)?\)$")


def is_imvo_sheet(ws) -> bool:
    """A sheet imvo generated in an earlier export (any language): its name is one of imvo's
    sheet names (perhaps with " (imvo)" or " (imvo 2)"), and its header is imvo's."""
    title = _COPY_SUFFIX.sub("", ws.title)
    for key in GENERATED:
        if not any(title == name or (title != ws.title and name.startswith(title))
                   for name in variants(f"sheet.{key}")):
            continue
        keys = SIGNATURES[key]
        found = tuple(ws.cell(1, c).value for c in range(1, len(keys) + 1))
        if any(found == headers_in(keys, lang) for lang in LANGS):
            return True
    return False


def remove_earlier_sheets(wb, keep) -> list[str]:
    """Remove the sheets an earlier export added, so this export's replace them (the suppliers
    sheet `keep` stays); returns the titles removed."""
    removed = []
    for ws in list(wb.worksheets):
        if ws is not keep and is_imvo_sheet(ws):
            removed.append(ws.title)
            wb.remove(ws)
    if removed:
        wb.active = wb.worksheets.index(keep)
        for ws in wb.worksheets:  # a removed sheet may have been among the selected tabs
            ws.sheet_view.tabSelected = ws is keep
    return removed


def formula_values(path: Path, wb) -> dict[str, dict[str, Any]]:
    """The values Excel cached for the formulas of the loaded workbook `wb` (sheet title ->
    coordinate -> value): openpyxl keeps a formula but drops its cached value, and a reader
    such as imvo's own sees an empty cell without it."""
    wanted = {ws.title: {c.coordinate for c in ws._cells.values() if c.data_type == "f"}
              for ws in wb.worksheets}
    wanted = {title: refs for title, refs in wanted.items() if refs}
    if not wanted:
        return {}
    import warnings

    from openpyxl import load_workbook

    out: dict[str, dict[str, Any]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = load_workbook(path, read_only=True, data_only=True)
        try:
            for title, refs in wanted.items():
                found = out[title] = {}
                for row in values[title].iter_rows():
                    for cell in row:
                        ref = getattr(cell, "coordinate", None)
                        if ref in refs and cell.value is not None:
                            found[ref] = cell.value
        finally:
            values.close()
    return out


_EMPTY_FORMULA_VALUE = re.compile(r'<c r="([A-Z]{1,3}\d+)"([^>]*)>(<f\b[^>]*(?:/>|>[^<]*</f>))<v\s*(?:/>|></v>)')


def restore_formula_values(path: Path, wb, cached: dict[str, dict[str, Any]]) -> None:
    """Write the cached values back into the saved workbook's formula cells (<v>)."""
    import zipfile
    from datetime import date, datetime

    from openpyxl.utils.datetime import to_excel

    from .xlsx import xml_text

    parts = {ws.path.lstrip("/"): cached[ws.title] for ws in wb.worksheets if ws.title in cached}

    def value_xml(refs: dict[str, Any], m: re.Match) -> str:
        value = refs.get(m.group(1))
        if value is None:
            return m.group(0)
        if isinstance(value, bool):
            kind, text = ' t="b"', str(int(value))
        elif isinstance(value, (int, float)):
            kind, text = "", repr(value)
        elif isinstance(value, (datetime, date)):
            kind, text = "", repr(to_excel(value))
        elif isinstance(value, str) and value.startswith("#"):
            kind, text = ' t="e"', xml_text(value)
        else:
            kind, text = ' t="str"', xml_text(str(value))
        attrs = re.sub(r'\st="[^"]*"', "", m.group(2))
        return f'<c r="{m.group(1)}"{attrs}{kind}>{m.group(3)}<v>{text}</v>'

    tmp = Path(str(path) + ".values")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED,
                                                        allowZip64=True) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            refs = parts.get(info.filename)
            if refs:
                text = data.decode("utf-8")
                data = _EMPTY_FORMULA_VALUE.sub(lambda m, refs=refs: value_xml(refs, m), text).encode("utf-8")
            zout.writestr(info, data)
    os.replace(tmp, path)


# ---- the suppliers sheet --------------------------------------------------------------------

def supplier_cells(supplier: Supplier, chain_map: ChainMap, lang: str = "en",
                   names: dict[str, str] | None = None) -> list[Any]:
    """The added cells of a supplier's rows, in ADDED_KEYS order (issues come per row)."""
    risk = chain_map.risk.get(supplier.id) or RiskAssessment()
    names = theme_names(chain_map.sector, lang) if names is None else names
    return [supplier.id, chain_map.tiers.get(supplier.id), level_text(risk.level, lang), risk.score,
            themes_text(risk, names, lang), upstream_text(risk, chain_map, lang),
            reasons_text(risk, labels=names, lang=lang),
            level_text(risk.inherent_level or risk.level, lang), risk.priority, None]


def themes_text(risk: RiskAssessment, labels: dict[str, str] | None = None,
                lang: str = "en") -> str:
    """Known theme levels, worst first: 'Forced labour: high; Living wage: medium'."""
    labels = labels or {}
    known = [(k, r.level) for k, r in risk.themes.items() if r.level in LEVELS]
    known.sort(key=lambda tl: (-level_rank(tl[1]), tl[0]))
    return "; ".join(f"{theme_name(k, labels, lang)}: {level_text(lvl, lang)}" for k, lvl in known)


def upstream_text(risk: RiskAssessment, chain_map: ChainMap, lang: str = "en") -> str:
    if not risk.upstream_level:
        return ""
    names = [chain_map.suppliers[s].name if s in chain_map.suppliers else s
             for s in risk.upstream_path]
    return level_text(risk.upstream_level, lang) + (
        f" {t('workbook.via', lang)} {' > '.join(names)}" if names else "")


def flag_text(flag, lang: str = "en") -> str:
    return f"{flag.theme} {level_text(flag.level, lang)}: {flag.evidence} ({flag.rule}; {flag.source})"


def evidence_text(ev, level: str, labels: dict[str, str], lang: str = "en") -> str:
    """One evidence item with the themes it affects: 'Child labour, Forced labour (high): ...'."""
    themes = ", ".join(theme_name(k, labels, lang) for k in ev.themes)
    what = t("workbook.data_gap", lang) if ev.kind == "gap" else level_text(level, lang)
    return f"{themes} ({what}): {ev.value} [{ev.source}]"


def reasons_text(risk: RiskAssessment, sep: str = "; ", labels: dict[str, str] | None = None,
                 lang: str = "en") -> str:
    """Each piece of evidence once, main evidence first, data gaps last."""
    if not risk.evidence:
        return sep.join(flag_text(f, lang) for f in risk.ranked_flags())
    labels = labels or {}
    main = list(risk.main)
    rest = [i for i, ev in enumerate(risk.evidence) if i not in main and ev.kind != "gap"
            and ev.rule != "not-applicable"]
    rest.sort(key=lambda i: (-level_rank(risk.flags[i].level), i))
    tail = [i for i, ev in enumerate(risk.evidence) if i not in main and i not in rest]
    return sep.join(evidence_text(risk.evidence[i], risk.flags[i].level, labels, lang)
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
    earlier = [added_headers(lang) for lang in LANGS]
    for c, value in row.items():
        for headers in earlier:
            if value == headers[0] and all(row.get(c + k) == h for k, h in enumerate(headers)):
                return c  # an annotated workbook exported again: refresh imvo's columns in place
    used = [c for (_, c), cell in ws._cells.items() if cell.value is not None]
    return (max(used) if used else 0) + 1


def check_room(first: int, where: str, sheet: str | None) -> None:
    """imvo's columns must end at or before Excel's last column (XFD): refuse otherwise."""
    last = first + len(ADDED_KEYS) - 1
    if last > EXCEL_MAX_COLUMNS:
        from openpyxl.utils import get_column_letter

        raise ImvoError(
            f"the sheet uses columns up to {get_column_letter(first - 1)}; imvo's "
            f"{len(ADDED_KEYS)} columns would end past Excel's last column (XFD)",
            file=where, sheet=sheet, code="too-many-columns",
            hint=f"delete unused columns at the right of the sheet (imvo needs "
                 f"{len(ADDED_KEYS)} free columns after the last one used), or use "
                 "imvo map --format json")


def annotate_suppliers_sheet(ws, chain_map: ChainMap, lang: str = "en") -> None:
    """Add imvo's columns, level fills, comments, a frozen header and an autofilter.

    The added cells are spliced into the sheet's rows as XML when it is saved (no openpyxl
    Cell per value); only cells that carry a comment are real cells."""
    from openpyxl.utils import get_column_letter

    source = chain_map.source
    header_row = source.header_row
    first = _first_added_column(ws, header_row)
    check_room(first, source.file, ws.title)
    for key in [k for k in ws._cells if first <= k[1] < first + len(ADDED_HEADERS)]:
        del ws._cells[key]  # an earlier export's columns: replaced, comments included
    wb = ws.parent
    header_sid = style_id(wb, HEADER_STYLE)
    level_sids = {lvl: style_id(wb, level_style(lvl)) for lvl in LEVEL_COLOURS}
    level_sids.update({level_text(lvl, lang): sid for lvl, sid in list(level_sids.items())})
    level_col = first + LEVEL_AT
    issues_col = first + ISSUES_AT
    names = theme_names(chain_map.sector, lang)
    spliced: dict[int, dict[int, tuple[Any, int | None]]] = {
        header_row: {first + k: (h, header_sid) for k, h in enumerate(added_headers(lang))}}
    for k, width in enumerate(ADDED_WIDTHS):
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
                values = cached[supplier.id] = supplier_cells(supplier, chain_map, lang, names)
            values = list(values)
        else:
            values = [None] * len(ADDED_HEADERS)
        issues = row_issues.get(r, ())
        if issues:
            values[-1] = issues_text(issues, lang)
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
                real_cell(r, level_col).comment = _comment(reasons_text(risk, "\n", names, lang))
        if issues:
            _comment_issues(ws, r, issues, source.headers, issues_col, real_cell)
        last_row = max(last_row, r)
    splice_cells(ws, {r: [(c, v, sid) for c, (v, sid) in row.items()]
                      for r, row in spliced.items() if row})
    last_row = max(last_row, ws.max_row)
    ws.freeze_panes = f"A{header_row + 1}"
    apply_print_setup(ws, footer=t("print.footer", lang), title_rows=header_row)
    if not ws.tables:  # Excel refuses an autofilter that overlaps a table's own
        last_col = get_column_letter(first + len(ADDED_HEADERS) - 1)
        ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"


def issues_text(issues, lang: str = "en") -> str:
    return "; ".join(f"{severity_text(i.severity, lang)}: {i.message}" for i in issues)


def severity_text(severity: str, lang: str = "en") -> str:
    return label("severity", severity, lang)


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


def plan_added_cells(chain_map: ChainMap, first: int, sids: dict[str, int], lang: str = "en"):
    """The suppliers sheet's added cells for the zip-level copy, the same as
    annotate_suppliers_sheet writes: (row -> [(column, value, style index)] as a mapping that
    builds each row when it is written, comments as [(row, column, text)], added column
    widths, last row). Rows are built on demand: 100,000 rows of text held at once would
    cost more memory than the rest of the export."""
    source = chain_map.source
    header_row = source.header_row
    check_room(first, source.file, source.sheet)
    level_sids = {lvl: sids[lvl] for lvl in LEVEL_COLOURS}
    level_sids.update({level_text(lvl, lang): sid for lvl, sid in list(level_sids.items())})
    level_col = first + LEVEL_AT
    issues_col = first + ISSUES_AT
    names = theme_names(chain_map.sector, lang)
    row_issues, by_row = _rows_of(chain_map)
    columns = _column_index(source.headers)
    comments: list[tuple[int, int, str]] = []
    numbers = sorted(set(by_row) | set(row_issues))
    for r in numbers:
        supplier = by_row.get(r)
        if supplier is not None:
            risk = chain_map.risk.get(supplier.id)
            if risk is not None and risk.flags and risk.level in COMMENT_LEVELS:
                comments.append((r, level_col, _comment_text(reasons_text(risk, "\n", names, lang))))
        issues = row_issues.get(r, ())
        if issues:
            per_col: dict[int, list[str]] = {}
            for issue in issues:
                col = _issue_column(issue, columns) or issues_col
                per_col.setdefault(col, []).append(
                    issue.message + (f" ({issue.hint})" if issue.hint else ""))
            comments += [(r, col, _comment_text("\n".join(texts)))
                         for col, texts in per_col.items()]
    header = [(first + k, h, sids["header"]) for k, h in enumerate(added_headers(lang))]

    def cells(r: int) -> list[tuple[int, Any, int | None]]:
        if r == header_row:
            return header
        supplier = by_row.get(r)
        values = supplier_cells(supplier, chain_map, lang, names) if supplier is not None \
            else [None] * len(ADDED_HEADERS)
        issues = row_issues.get(r)
        if issues:
            values[-1] = issues_text(issues, lang)
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
    return rows, comments, list(ADDED_WIDTHS), max([header_row, *numbers])


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
                          dxf0: int, lang: str = "en") -> list:
    """The generated sheets for the zip-level copy, as streamed tables (xlsx_patch)."""
    from types import SimpleNamespace

    from .xlsx_patch import generated_sheet, heat_map_xml

    names = SimpleNamespace(sheetnames=titles)
    risks, flags = risk_rows(chain_map, lang=lang)
    chains = chain_rows(chain_map, lang)
    listed = {"risks": (len(risks) - (len(risks) > MAX_RISK_ROWS), flags),
              "chains": (len(chains) - (len(chains) > MAX_CHAINS), None)}
    themes, countries = country_theme_levels(chain_map, lang)
    common = {"sids": sids, "footer": t("print.footer", lang), "level_labels": level_labels(lang)}

    def title(key: str) -> str:
        return _unique_title(names, sheet_title(key, lang))

    return [
        generated_sheet(titles, title(SUMMARY), headers_in(SUMMARY_HEADERS, lang),
                        summary_rows(chain_map, listed, lang), widths=SUMMARY_WIDTHS, **common),
        generated_sheet(titles, title(RISKS), headers_in(RISK_HEADERS, lang), risks,
                        level_column=t("column.risk_level", lang), widths=RISK_WIDTHS, **common),
        generated_sheet(titles, title(CHAINS), headers_in(CHAIN_HEADERS, lang), chains,
                        level_column=t("column.worst_risk", lang), widths=CHAIN_WIDTHS, **common),
        generated_sheet(titles, title(ISSUES), headers_in(ISSUE_HEADERS, lang),
                        issue_rows(chain_map, lang), widths=ISSUE_WIDTHS, **common),
        generated_sheet(titles, title(COUNTRIES), country_headers(chain_map, themes, lang),
                        countries, widths=(9, 24, *([16] * len(themes)), 12),
                        extra_tail=heat_map_xml(len(themes), len(countries), dxf0,
                                                level_labels(lang)), **common),
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


def act_first_rows(chain_map: ChainMap, limit: int = ACT_FIRST,
                   lang: str = "en") -> list[tuple[str, str, Any]]:
    """'where to act first': the suppliers with the best priority, their residual (and
    inherent) level and the main evidence, once per supplier."""
    from ..mapping import priority_order

    names = theme_names(chain_map.sector, lang)
    section = t("workbook.act_first", lang)
    rows = []
    ranked = [sid for sid in priority_order(chain_map.risk, chain_map.tiers)
              if chain_map.risk[sid].level not in ("low", UNKNOWN)][:limit]
    for sid in ranked:
        a, s = chain_map.risk[sid], chain_map.suppliers[sid]
        level = level_text(a.level, lang)
        if a.inherent_level and a.inherent_level != a.level:
            level += f" ({t('workbook.inherent', lang)} {level_text(a.inherent_level, lang)})"
        main = a.main_reasons(2, names)
        rows.append((section, f"{a.priority}. {s.name} ({s.country or '?'})",
                     f"{level}: {' | '.join(main)}" if main else level))
    return rows


def summary_rows(chain_map: ChainMap, listed: dict | None = None,
                 lang: str = "en") -> list[tuple[str, str, Any]]:
    """(section, item, value) rows: company, counts, coverage, sources, version, policy;
    `listed` (sheet -> (rows listed, total or None)) notes a capped Risks or Chains sheet."""
    from .. import __version__

    def s_(key: str, **kw) -> str:
        return t(f"summary.{key}", lang, **kw)

    def w_(key: str, **kw) -> str:
        return t(f"workbook.{key}", lang, **kw)

    sups = list(chain_map.suppliers.values())
    rows: list[tuple[str, str, Any]] = act_first_rows(chain_map, lang=lang)
    # imvo map passes the date it uses (--as-of, else today); a map built without one was
    # assessed on the day it was built, which the workbook cannot know afterwards
    as_of = chain_map.as_of.isoformat() if chain_map.as_of else w_("today")
    rows += [
        (s_("company"), s_("name"), chain_map.company.name),
        (s_("company"), s_("sector"), label("sector", chain_map.sector, lang)),
        (s_("company"), s_("as_of"), as_of),
        (s_("input"), s_("file"), Path(chain_map.source.file).name),
        (s_("input"), s_("sheet"), chain_map.source.sheet),
        (s_("input"), s_("rows"), chain_map.source.rows),
        (s_("input"), s_("rejected_rows"), len(chain_map.source.rejected_rows)),
        (s_("input"), s_("suppliers"), len(sups)),
        (s_("input"), s_("issues"), len(chain_map.issues)),
    ]
    tiers: dict[str, int] = {}
    for s in sups:
        tier = _tier_of(chain_map, s.id)
        key = "unreachable" if tier is None else f"tier {tier}"
        tiers[key] = tiers.get(key, 0) + 1
    rows += [(s_("per_tier"), s_("unreachable") if k == "unreachable"
              else s_("tier", tier=k.split()[1]), v)
             for k, v in sorted(tiers.items(), key=_tier_sort)]
    countries: dict[str, int] = {}
    for s in sups:
        countries[s.country or "?"] = countries.get(s.country or "?", 0) + 1
    rows += [(s_("per_country"), k, v) for k, v in sorted(countries.items())]
    levels = {lvl: 0 for lvl in (*reversed(LEVELS), UNKNOWN)}
    for s in sups:
        lvl = (chain_map.risk.get(s.id) or RiskAssessment()).level or UNKNOWN
        levels[lvl] = levels.get(lvl, 0) + 1
    rows += [(s_("per_level"), level_text(k, lang), v) for k, v in levels.items()]
    summary = chain_map.summary or {}
    inherent = summary.get("risk_inherent")
    if inherent:
        rows += [(w_("per_inherent_level"), level_text(k, lang), inherent.get(k, 0))
                 for k in levels]
    cov = summary.get("coverage")
    if cov:
        section = w_("data_coverage")
        rows.append((section, w_("audit_data"), w_("audit_not_listed")
                     if not cov["audit"]["column"] else _scalar(cov["audit"]["share"])))
        for kind in ("product", "process"):
            c = cov[kind]
            rows.append((section, w_(f"{kind}_given"), _scalar(c["share"]) if c["column"]
                         else w_("not_listed")))
            rows.append((section, w_(f"{kind}_recognised"), _scalar(c["recognised"])))
            words = cov["unrecognised"][kind]
            if words:
                rows.append((section, w_(f"{kind}_unrecognised"),
                             ", ".join(f"{w} ({n})" for w, n in list(words.items())[:20])))
    n = len(sups) or 1
    visibility = summary.get("visibility")
    if visibility is None:
        visibility = round(sum(1 for s in sups if _tier_of(chain_map, s.id) is not None) / n, 4)
    completeness = summary.get("address_completeness")
    if completeness is None:
        completeness = round(sum(1 for s in sups if s.has_full_address) / n, 4)
    rows += [(s_("coverage"), s_("visibility"), _scalar(visibility)),
             (s_("coverage"), s_("address_completeness"), _scalar(completeness))]
    for src in _sources():
        rows.append((s_("sources"), str(src.get("name", "")),
                     " | ".join(str(src[k]) for k in ("edition", "url", "licence") if src.get(k))))
    for sheet, (shown, total) in (listed or {}).items():
        cap = MAX_RISK_ROWS if sheet == "risks" else MAX_CHAINS
        if shown >= cap:
            rows.append((w_("capped_sheet", sheet=sheet_title(sheet, lang)), s_("rows_listed"),
                         w_("capped_note", shown=shown,
                            total=total if total is not None else w_("more"))))
    rows.append(("imvo", s_("version"), __version__))
    policy = chain_map.policy
    if policy is not None and hasattr(policy, "describe"):
        for key, value in policy.describe().items():
            rows.append((s_("policy"), key, _scalar(value)))
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


def add_summary_sheet(wb, chain_map: ChainMap, listed: dict | None = None, lang: str = "en"):
    return add_table_sheet(wb, _unique_title(wb, sheet_title(SUMMARY, lang)),
                           headers_in(SUMMARY_HEADERS, lang), summary_rows(chain_map, listed, lang),
                           widths=SUMMARY_WIDTHS, autofilter=False, footer=t("print.footer", lang))


def risk_rows(chain_map: ChainMap, limit: int = MAX_RISK_ROWS,
              lang: str = "en") -> tuple[list[tuple], int]:
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
    names = theme_names(chain_map.sector, lang)
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
    # imvo's labels last, so the order above is the same in every language
    rows = [(sid, name, country, tier, ", ".join(theme_name(k, names, lang)
                                                 for k in (theme or "").split(", ") if k),
             level_text(level, lang), rule, evidence, source)
            for sid, name, country, tier, theme, level, rule, evidence, source in rows]
    if total > limit:
        rows.append((None, t("workbook.more_flags", lang, n=total - limit),
                     None, None, None, None, None, None, None))
    return rows, total


def add_risks_sheet(wb, chain_map: ChainMap, rows: list[tuple] | None = None, lang: str = "en"):
    return add_streamed_table(wb, _unique_title(wb, sheet_title(RISKS, lang)),
                              headers_in(RISK_HEADERS, lang),
                              risk_rows(chain_map, lang=lang)[0] if rows is None else rows,
                              level_column=t("column.risk_level", lang), widths=RISK_WIDTHS,
                              footer=t("print.footer", lang), level_labels=level_labels(lang))


def chain_rows(chain_map: ChainMap, lang: str = "en") -> list[tuple]:
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
                rows.append((len(rows) + 1, t("workbook.more_chains", lang), None, None, None,
                             None))
                return rows
            worst_level = level_text(worst(level(n) for n in path[:-1]), lang)
            s = chain_map.suppliers.get(start)
            rows.append((len(rows) + 1, s.name if s else start, s.country if s else None,
                         len(path) - 1, " > ".join(label(n) for n in path), worst_level))
    return rows


def add_chains_sheet(wb, chain_map: ChainMap, rows: list[tuple] | None = None, lang: str = "en"):
    return add_streamed_table(wb, _unique_title(wb, sheet_title(CHAINS, lang)),
                              headers_in(CHAIN_HEADERS, lang),
                              chain_rows(chain_map, lang) if rows is None else rows,
                              level_column=t("column.worst_risk", lang), widths=CHAIN_WIDTHS,
                              footer=t("print.footer", lang), level_labels=level_labels(lang))


def issue_rows(chain_map: ChainMap, lang: str = "en") -> list[tuple]:
    return [(severity_text(i.severity, lang), i.code, Path(i.file).name if i.file else None,
             i.sheet, i.row, i.column, i.message, i.hint)
            for i in sorted(chain_map.issues, key=Issue.sort_key)]


def add_issues_sheet(wb, chain_map: ChainMap, lang: str = "en"):
    return add_streamed_table(wb, _unique_title(wb, sheet_title(ISSUES, lang)),
                              headers_in(ISSUE_HEADERS, lang), issue_rows(chain_map, lang),
                              widths=ISSUE_WIDTHS, footer=t("print.footer", lang))


def country_headers(chain_map: ChainMap, themes: list[str], lang: str = "en") -> tuple[str, ...]:
    names = theme_names(chain_map.sector, lang)
    return (*headers_in(COUNTRY_HEADERS, lang), *(theme_name(k, names, lang) for k in themes),
            t("column.worst_risk", lang))


def country_theme_levels(chain_map: ChainMap, lang: str = "en") -> tuple[list[str], list[tuple]]:
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
        levels = [cells[country].get(k, UNKNOWN) for k in order]
        name = country_label(country, country_name(country), lang) if country != "?" else None
        rows.append((country, name, *(level_text(lvl, lang) for lvl in levels),
                     level_text(worst(levels), lang)))
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


def add_countries_sheet(wb, chain_map: ChainMap, lang: str = "en"):
    """Country x theme levels as a heat map: conditional formatting colours each level."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    themes, rows = country_theme_levels(chain_map, lang)
    headers = country_headers(chain_map, themes, lang)
    ws = add_table_sheet(wb, _unique_title(wb, sheet_title(COUNTRIES, lang)), headers, rows,
                         widths=(9, 24, *([16] * len(themes)), 12),
                         footer=t("print.footer", lang))
    if rows:
        area = f"C2:{get_column_letter(len(headers))}{len(rows) + 1}"
        for lvl, colour in LEVEL_COLOURS.items():
            ws.conditional_formatting.add(area, CellIsRule(
                operator="equal", formula=[f'"{level_text(lvl, lang)}"'],
                fill=PatternFill("solid", start_color=colour, end_color=colour),
                font=Font(color=LEVEL_FONT_COLOURS[lvl])))
    return ws
