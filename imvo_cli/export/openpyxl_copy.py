"""The openpyxl back end of the annotated export: for workbooks the zip-level copy does not
handle (comments or a table on the suppliers sheet, an earlier export, unusual XML), loaded
with openpyxl, imvo's columns added as cells, the generated sheets streamed (xlsx.py)."""

from __future__ import annotations

import re
import tempfile
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries

from ..model import ImvoError
from .atomic import atomic_path, is_stream, writable_target
from .parts import text_chunks
from .plan import AddedColumns, ExportPlan, check_room, safe_title, unique_title
from .safety import is_dangerous
from .styles import HEADER_STYLE, level_style
from .xlsx import (
    FormulaValues,
    add_table,
    apply_print_setup,
    cell_value,
    save_workbook,
    set_value,
    stable_properties,
    write_skeleton,
)
from .xlsx_patch import PatchUnsupported, write_zip_copy

# Merged cells openpyxl is asked to load at most: it makes one object per merged cell, so a
# few ranges over whole columns would take gigabytes.
MAX_MERGED_CELLS = 2_000_000
SIGNATURE_CELLS = 8  # header cells read to tell imvo's earlier sheets from the user's


def write_openpyxl_copy(plan: ExportPlan, input_path: Path, out_path: Path, *,
                        keep_vba: bool) -> None:
    """Load the workbook, annotate it as `plan` says and save it at `out_path` atomically."""
    refuse_huge_merges(input_path)
    wb = load_copy(input_path, keep_vba=keep_vba)
    title = plan.sheet if plan.sheet is not None else wb.sheetnames[0]
    if title not in wb.sheetnames:
        raise ImvoError(f"sheet {title!r} not found in the workbook", file=str(input_path),
                        sheet=title, code="sheet-not-found")
    ws = wb[title]
    remove_earlier_sheets(wb, ws, plan)
    cached = formula_values(input_path, wb)
    annotate(ws, plan.columns, plan, input_path)
    add_tables(wb, plan)
    save_workbook(wb, out_path, plan.as_of, keep_created=True, formula_values=cached)


def write_rebuilt_copy(plan: ExportPlan, sheets: list[tuple[str, bool, list[list[Any]]]],
                       input_path: Path, out_path: Path) -> str | None:
    """A new workbook from the rows imvo read (csv/xls/ods inputs), annotated: `sheets` are
    (name, visible, rows) and the suppliers sheet is `plan.sheet` (else the first). The rows
    are streamed into a plain workbook which the zip-level copy then annotates; returns why
    openpyxl wrote it instead, if it did."""
    # The scratch folder goes beside the target (checked first), or in the temporary
    # folder when the target is a stream.
    scratch = None if is_stream(out_path) else writable_target(out_path).parent
    wb = Workbook(write_only=True)
    titles: list[str] = []
    target = 0
    for k, (name, visible, rows) in enumerate(sheets):
        title = unique_title(titles, safe_title(name, "Suppliers"))
        titles.append(title)
        ws = wb.create_sheet(title)
        if not visible:
            ws.sheet_state = "hidden"
        for row in rows:
            ws.append([_inert(ws, v) for v in row])
        if name == plan.sheet:
            target = k
    if not titles:
        raise ImvoError("the file has no sheet to copy", file=str(input_path), code="no-sheets")
    wb.active = target
    stable_properties(wb, plan.as_of)
    rebuilt_plan = replace(plan, sheet=titles[target])
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".imvo-rebuild-") as folder:
        plain = Path(folder) / "rebuilt.xlsx"
        with plain.open("wb") as fh:
            write_skeleton(wb, fh)
        try:
            with atomic_path(out_path, suffix=out_path.suffix.lower()) as tmp:
                write_zip_copy(rebuilt_plan, plain, tmp)
            return None
        except PatchUnsupported as exc:
            write_openpyxl_copy(rebuilt_plan, plain, out_path, keep_vba=False)
            return str(exc)


def _inert(ws: Any, value: Any) -> Any:
    """A value for a write-only sheet: text that would be a formula is a text cell."""
    if value is None or value == "":
        return None
    value = cell_value(value)
    if is_dangerous(value):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def add_tables(wb: Any, plan: ExportPlan) -> None:
    for table in plan.tables:
        add_table(wb, replace(table, title=unique_title(wb.sheetnames, table.title)))


def load_copy(path: Path, keep_vba: bool) -> Any:
    with warnings.catch_warnings():
        # openpyxl warns about parts it does not model (e.g. some extensions); not our concern
        warnings.simplefilter("ignore")
        try:
            # rich_text keeps a cell's mixed formatting, so copied cells stay as they were
            return load_workbook(path, keep_vba=keep_vba, rich_text=True)
        except Exception as exc:  # openpyxl raises many types for files Excel can still open
            raise ImvoError(f"the workbook cannot be copied ({type(exc).__name__}: {exc})",
                            file=str(path), code="unreadable",
                            hint="open it in Excel or LibreOffice and save it again as .xlsx") from None


_MERGE_REF = re.compile(r'<mergeCell\b[^>]*?\bref="([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)"')


def refuse_huge_merges(path: Path) -> None:
    """Refuse, before openpyxl loads it, a workbook whose merged ranges cover more cells
    than MAX_MERGED_CELLS."""
    total = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            carry = ""
            for text in text_chunks(z, name):
                buf = carry + text
                for ref in _MERGE_REF.findall(buf):
                    c1, r1, c2, r2 = range_boundaries(ref)
                    total += ((c2 or 0) - (c1 or 0) + 1) * ((r2 or 0) - (r1 or 0) + 1)
                carry = buf[-64:] if "<mergeCell" not in buf[-64:] else buf[buf.rfind("<mergeCell"):]
            if total > MAX_MERGED_CELLS:
                raise ImvoError(
                    f"merged cells cover {total:,} cells of the workbook; imvo cannot copy "
                    "such a workbook with its comments or tables", file=str(path),
                    code="merged-too-large",
                    hint="unmerge the large merged ranges (or remove the comments and tables "
                         "on the suppliers sheet), or use imvo map --format json")


# ---- an earlier export's sheets, formulas' cached values -----------------------------------

def header_cells(ws: Any) -> tuple[Any, ...]:
    return tuple(ws.cell(1, c).value for c in range(1, SIGNATURE_CELLS + 1))


def remove_earlier_sheets(wb: Any, keep: Any, plan: ExportPlan) -> list[str]:
    """Remove the sheets an earlier export added, so this export's replace them (the suppliers
    sheet `keep` stays); returns the titles removed."""
    removed = []
    for ws in list(wb.worksheets):
        if ws is not keep and plan.is_earlier_sheet(ws.title, header_cells(ws)):
            removed.append(ws.title)
            wb.remove(ws)
    if removed:
        wb.active = wb.worksheets.index(keep)
        for ws in wb.worksheets:  # a removed sheet may have been among the selected tabs
            ws.sheet_view.tabSelected = ws is keep
    return removed


def formula_values(path: Path, wb: Any) -> FormulaValues:
    """The values Excel cached for the formulas of the loaded workbook `wb` (sheet title ->
    coordinate -> value): openpyxl keeps a formula but drops its cached value, and a reader
    such as imvo's own sees an empty cell without it."""
    wanted = {ws.title: {c.coordinate for row in ws.iter_rows() for c in row
                         if c.data_type == "f"} for ws in wb.worksheets}
    wanted = {title: refs for title, refs in wanted.items() if refs}
    if not wanted:
        return {}
    out: FormulaValues = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = load_workbook(path, read_only=True, data_only=True)
        try:
            for title, refs in wanted.items():
                found = out[title] = {}
                for row in values[title].iter_rows():
                    for cell in row:
                        ref = getattr(cell, "coordinate", None)
                        if ref is not None and ref in refs and cell.value is not None:
                            found[ref] = cell.value
        finally:
            values.close()
    return out


# ---- the suppliers sheet ---------------------------------------------------------------------

def first_added_column(ws: Any, columns: AddedColumns) -> tuple[int, int]:
    """(column of "imvo id", number of an earlier export's columns there): after the last used
    column, or where an earlier export put its columns (refreshed in place)."""
    row = {c: v for c, v in enumerate(next(ws.iter_rows(min_row=columns.header_row,
                                                        max_row=columns.header_row,
                                                        values_only=True), ()), 1)}
    for c, value in row.items():
        for headers in columns.earlier:
            if value == headers[0] and all(row.get(c + k) == h for k, h in enumerate(headers)):
                n = len(headers)
                while row.get(c + n) is not None and row.get(c + n) in columns.headers[n:]:
                    n += 1  # columns after the base ones (OS ID) an earlier export added
                return c, n
    used = 0
    for values in ws.iter_rows(values_only=True):
        for c in range(len(values), used, -1):
            if values[c - 1] is not None:
                used = c
                break
    return used + 1, 0


def _style_objects(style: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "font" in style:
        out["font"] = Font(**style["font"])
    if "fill" in style:
        out["fill"] = PatternFill("solid", start_color=style["fill"], end_color=style["fill"])
    if "alignment" in style:
        out["alignment"] = Alignment(**style["alignment"])
    return out


def writable_cell(ws: Any, row: int, col: int) -> Any:
    """The cell itself, or the top-left cell of the merged range that covers it."""
    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if cell.coordinate in rng:
                return ws.cell(rng.min_row, rng.min_col)
    return cell


def annotate(ws: Any, columns: AddedColumns, plan: ExportPlan, where: Path) -> None:
    """imvo's columns, level fills, comments, a frozen header, an autofilter, print setup."""
    header_row = columns.header_row
    first, earlier = first_added_column(ws, columns)
    check_room(first, len(columns.headers), where, ws.title)
    if earlier:
        ws.delete_cols(first, earlier)  # an earlier export's columns: replaced, comments too
    styles = {"header": _style_objects(HEADER_STYLE)}
    for r in columns.row_numbers():
        for c, value, key in columns.cells(first, r):
            cell = ws.cell(r, c)
            if isinstance(cell, MergedCell):
                continue
            set_value(cell, cell_value(value))
            if key is not None:
                if key not in styles:
                    styles[key] = _style_objects(level_style(key))
                for attr, obj in styles[key].items():
                    setattr(cell, attr, obj)
    for note in columns.comments:
        cell = writable_cell(ws, note.row, note.column_at(first))
        text = note.text
        if cell.comment is not None:  # keep the user's own comment, add ours below it
            text = f"{cell.comment.text}\n\n{plan.comment_author}: {text}"
        cell.comment = Comment(text, plan.comment_author, **plan.comment_size)
    for k, width in enumerate(columns.widths):
        ws.column_dimensions[get_column_letter(first + k)].width = width
    last_row = max(columns.row_numbers()[-1], ws.max_row)
    ws.freeze_panes = f"A{header_row + 1}"
    apply_print_setup(ws, footer=plan.footer, title_rows=header_row)
    if not ws.tables:  # Excel refuses an autofilter that overlaps a table's own
        last_col = get_column_letter(first + len(columns.headers) - 1)
        ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"
