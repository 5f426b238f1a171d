"""The annotated export as data: what is added to the user's workbook, computed once from a
ChainMap and written by either back end (xlsx_patch: the zip-level copy; openpyxl_copy)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from ..model import ImvoError
from .xlsx import TableSheet

SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
# Characters an XML part cannot hold, and controls, which Excel does not take in a name.
SHEET_TITLE_DROP = re.compile("[\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
SHEET_TITLE_RESERVED = "history"  # Excel keeps this name for its change history
SHEET_TITLE_MAX = 31
EXCEL_MAX_COLUMNS = 16_384  # XFD


@dataclass(frozen=True, slots=True)
class PlannedComment:
    """A note on one cell of the suppliers sheet: on a column of the user's (1-based) or on
    one of imvo's added columns (an index into AddedColumns.headers)."""

    row: int
    text: str
    column: int | None = None
    added: int | None = None

    def column_at(self, first: int) -> int:
        """The sheet column, once the back end knows where imvo's columns start."""
        if self.column is not None:
            return self.column
        return first + (self.added or 0)


@dataclass
class AddedColumns:
    """imvo's columns after the user's own on the suppliers sheet."""

    header_row: int
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    level_at: int  # the added column whose cells get a level fill
    level_keys: dict[str, str]  # text written -> level
    rows: list[int]  # data rows that get added cells, ascending
    values: Callable[[int], list[Any]]  # a row's added values in header order, built on demand
    comments: list[PlannedComment]
    earlier: tuple[tuple[str, ...], ...] = ()  # the headers of an earlier export, every language

    def cells(self, first: int, r: int, styles: Mapping[str, Any] | None = None
              ) -> list[tuple[int, Any, Any]]:
        """(column, value, style) of row `r` (the header row or a data row): the style is
        "header", a level key or None, or what `styles` maps those keys to."""
        if r == self.header_row:
            header = styles["header"] if styles is not None else "header"
            return [(first + k, h, header) for k, h in enumerate(self.headers)]
        out = []
        level_at, keys = self.level_at, self.level_keys
        for k, value in enumerate(self.values(r)):
            if value is None or value == "":
                continue
            if k == level_at:
                key = keys.get(value, "unknown")
                out.append((first + k, value, styles[key] if styles is not None else key))
            else:
                out.append((first + k, value, None))
        return out

    def row_numbers(self) -> list[int]:
        """Every row with added cells, the header row first."""
        return sorted({self.header_row, *self.rows})


@dataclass
class ExportPlan:
    """Everything the annotated export adds, independent of how the workbook is written."""

    sheet: str | None  # the suppliers sheet (None: the first)
    columns: AddedColumns
    tables: list[TableSheet]  # generated sheets; titles made unique by the back end
    footer: str
    as_of: date | None
    is_earlier_sheet: Callable[[str, Sequence[Any]], bool]  # (title, header cells) -> imvo's
    comment_author: str = "imvo"
    comment_size: dict[str, int] = field(default_factory=lambda: {"width": 360, "height": 160})


def safe_title(name: str, default: str) -> str:
    """A sheet title Excel accepts: no [ ] : * ? / \\ or control characters, no ' at either
    end, not 'History', at most 31 characters."""
    title = SHEET_TITLE_BAD.sub("_", str(name))
    title = SHEET_TITLE_DROP.sub(lambda m: "_" if m.group(0) < "\ud800" else "", title)
    title = title[:SHEET_TITLE_MAX].strip("'")
    if title.lower() == SHEET_TITLE_RESERVED:
        title += "_"
    return title or default


def unique_title(taken: Iterable[str], title: str) -> str:
    """`title`, or with " (imvo)", " (imvo 2)" ... when a sheet already has the name (Excel
    compares sheet names without case)."""
    lower = {t.lower() for t in taken}
    if title.lower() not in lower:
        return title
    for n in range(1, 100):
        candidate = f"{title[:24]} (imvo{'' if n == 1 else f' {n}'})"
        if candidate.lower() not in lower:
            return candidate
    raise ValueError(f"too many sheets named like {title!r}")


def check_room(first: int, columns: int, where: object, sheet: str | None) -> None:
    """imvo's columns must end at or before Excel's last column (XFD): refuse otherwise."""
    if first + columns - 1 > EXCEL_MAX_COLUMNS:
        raise ImvoError(
            f"the sheet uses columns up to {get_column_letter(first - 1)}; imvo's "
            f"{columns} columns would end past Excel's last column (XFD)",
            file=str(where), sheet=sheet, code="too-many-columns",
            hint=f"delete unused columns at the right of the sheet (imvo needs {columns} free "
                 "columns after the last one used), or use imvo map --format json")
