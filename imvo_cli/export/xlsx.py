"""The one workbook writer: sheet geometry and styles as data, inert text, atomic saves.

Every generated sheet (annotated export, aggregate, check, template) goes through these
helpers so the safety rules live in one place: text that starts with = + - @ tab or CR is
stored as text, never as a formula.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any, Iterable, Sequence

from .atomic import atomic_path
from .safety import is_dangerous

# Geometry of generated table sheets.
HEADER_ROW = 1
FIRST_DATA_ROW = 2
FREEZE_CELL = "A2"
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8

# Colour-blind-safe palette (Paul Tol's "muted" scheme); the level is always written as text too.
LEVEL_COLOURS = {"critical": "882255", "high": "CC6677", "medium": "DDCC77", "low": "88CCEE",
                 "unknown": "DDDDDD"}
LEVEL_FONT_COLOURS = {"critical": "FFFFFF", "high": "000000", "medium": "000000",
                      "low": "000000", "unknown": "000000"}

HEADER_STYLE = {"font": {"bold": True, "color": "FFFFFF"}, "fill": "332288",
                "alignment": {"wrap_text": True, "vertical": "top"}}
TITLE_STYLE = {"font": {"bold": True, "size": 14}}
LABEL_STYLE = {"font": {"bold": True}}


class Styled:
    """A value with its own style, for a single cell of a streamed table (e.g. a heat map)."""

    __slots__ = ("value", "style")

    def __init__(self, value: Any, style: dict[str, Any] | None):
        self.value = value
        self.style = style


def apply_style(cell, style: dict[str, Any]) -> None:
    """Apply a small style dict ({'font': {...}, 'fill': 'RRGGBB', 'alignment': {...}})."""
    from openpyxl.styles import Alignment, Font, PatternFill

    if "font" in style:
        font = dict(style["font"])
        if "color" in font:
            font["color"] = font["color"]
        cell.font = Font(**font)
    if "fill" in style:
        cell.fill = PatternFill("solid", start_color=style["fill"], end_color=style["fill"])
    if "alignment" in style:
        cell.alignment = Alignment(**style["alignment"])


def level_style(level: str | None) -> dict[str, Any]:
    level = level or "unknown"
    return {"fill": LEVEL_COLOURS.get(level, LEVEL_COLOURS["unknown"]),
            "font": {"color": LEVEL_FONT_COLOURS.get(level, "000000"),
                     "bold": level in ("critical", "high")}}


def cell_value(value: Any) -> Any:
    """A Python value openpyxl can store: lists joined, None kept, and the control
    characters that the xlsx format cannot hold removed (ingest already warned about them)."""
    if isinstance(value, (list, tuple, set)):
        value = " | ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def set_value(cell, value: Any) -> None:
    """Put a value in a cell; text that would be a formula stays text."""
    value = cell_value(value)
    cell.value = value
    if is_dangerous(value):
        cell.data_type = "s"


def write_only_cell(ws, value: Any, style: dict[str, Any] | None = None):
    """A cell for a write-only sheet, inert text where needed, optionally styled."""
    from openpyxl.cell import WriteOnlyCell

    value = cell_value(value)
    cell = WriteOnlyCell(ws, value=value)
    if is_dangerous(value):
        cell.data_type = "s"
    if style:
        apply_style(cell, style)
    return cell


def column_widths(headers: Sequence[str], rows: Iterable[Sequence[Any]], sample: int = 500) -> list[float]:
    """Widths from the header and the first rows, clamped to a readable range."""
    widths = [max(MIN_COLUMN_WIDTH, len(str(h)) + 2) for h in headers]
    for n, row in enumerate(rows):
        if n >= sample:
            break
        for i, v in enumerate(row[:len(widths)]):
            text = str(cell_value(v)) if v is not None else ""
            widths[i] = max(widths[i], min(MAX_COLUMN_WIDTH, len(text) + 2))
    return widths


def add_table_sheet(wb, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    level_column: str | None = None, freeze: bool = True,
                    autofilter: bool = True, widths: Sequence[float] | None = None):
    """A styled table sheet on a normal (not write-only) workbook; returns the worksheet."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for c, h in enumerate(headers, 1):
        cell = ws.cell(HEADER_ROW, c)
        set_value(cell, h)
        apply_style(cell, HEADER_STYLE)
    level_idx = headers.index(level_column) if level_column in headers else None
    # Registering a style is slow (openpyxl hashes it into the workbook's tables): style one
    # cell per level, then copy its style array onto the others.
    level_arrays: dict[Any, Any] = {}
    for r, row in enumerate(rows, FIRST_DATA_ROW):
        for c, v in enumerate(row, 1):
            cell = ws.cell(r, c)
            set_value(cell, v)
            if level_idx is not None and c - 1 == level_idx:
                if v in level_arrays:
                    cell._style = copy(level_arrays[v])
                else:
                    apply_style(cell, level_style(v))
                    level_arrays[v] = copy(cell._style)
    for i, w in enumerate(widths or column_widths(headers, rows), 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if freeze:
        ws.freeze_panes = FREEZE_CELL
    if autofilter and headers:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{max(HEADER_ROW, len(rows) + HEADER_ROW)}"
    return ws


def add_write_only_table(wb, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                         level_column: str | None = None, widths: Sequence[float] | None = None):
    """A table sheet on a write-only workbook (fast for large sheets): rows are streamed."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    if widths:
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = FREEZE_CELL
    ws.append([write_only_cell(ws, h, HEADER_STYLE) for h in headers])
    level_idx = headers.index(level_column) if level_column in headers else None
    styles = {lvl: level_style(lvl) for lvl in LEVEL_COLOURS}
    n = 0
    for row in rows:
        n += 1
        cells = []
        for i, v in enumerate(row):
            if isinstance(v, Styled):
                cells.append(write_only_cell(ws, v.value, v.style))
            elif level_idx == i:
                cells.append(write_only_cell(ws, v, styles.get(v or "unknown")))
            elif isinstance(v, str) and is_dangerous(v) or isinstance(v, (list, tuple, dict)):
                cells.append(write_only_cell(ws, v))
            else:
                cells.append(v)
        ws.append(cells)
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
    return ws


def save_workbook(wb, target: str | Path) -> None:
    """Save atomically: a temporary file beside the target, renamed only when complete."""
    with atomic_path(target, suffix=".xlsx") as tmp:
        wb.save(tmp)
