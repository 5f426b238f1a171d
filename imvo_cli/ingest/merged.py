"""Merged cells: a value merged over several rows or columns applies to every cell it covers.

The workbook reader reports each sheet's merged ranges (`Sheet.merged`, 0-based inclusive
(first_row, first_col, last_row, last_col)) and fills the value into the covered cells; the
list then reads as the user sees it. Each range over more than one data row (or more than
one read column) is noted once, so a user knows one typed value stands for several rows.
"""

from __future__ import annotations

from ..model import Issue
from .normalise import clean_text, column_letter

MAX_QUOTED = 60  # characters of the merged value quoted in the note


def cell_range(r1: int, c1: int, r2: int, c2: int) -> str:
    """(4, 2, 6, 2) -> 'C5:C7' (0-based inclusive corners to A1 notation)."""
    return f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"


def fill_merged(rows: list[list], merged) -> list[list]:
    """The rows with every empty cell of a merged range holding the range's value.

    A reader that fills them already leaves nothing to do; rows are copied before a change,
    never changed in place.
    """
    out = rows
    copied: set[int] = set()
    for r1, c1, r2, c2 in merged:
        if r1 >= len(rows):
            continue
        top = rows[r1]
        value = top[c1] if c1 < len(top) else None
        if value in (None, ""):
            continue
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            row = out[r]
            for c in range(c1, c2 + 1):
                if (r, c) == (r1, c1) or (c < len(row) and row[c] not in (None, "")):
                    continue
                if out is rows:
                    out = list(rows)
                if r not in copied:
                    out[r] = row = list(row)
                    copied.add(r)
                while len(row) <= c:
                    row.append(None)
                row[c] = value
    return out


def merged_only_rows(rows: list[list], merged, first: int) -> list[int]:
    """Data rows (indices into `rows`, from `first`) whose every value comes from a range
    merged down from a row above: a blank row the user left inside a merged range. They are
    empty rows, not rows without a name."""
    covered: dict[int, set[int]] = {}  # row -> columns filled from a range starting above
    for r1, c1, r2, c2 in merged:
        if r2 <= r1 or r1 < first:
            continue
        for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
            covered.setdefault(r, set()).update(range(c1, c2 + 1))
    return sorted(r for r, cols in covered.items()
                  if all(c in cols for c, v in enumerate(rows[r]) if v not in (None, "")))


def section_headings(rows: list[list], merged, first: int, fields: list
                     ) -> list[tuple[int, int, int, int]]:
    """Ranges that make a data row a heading: one row high, over two or more read columns,
    and the row holds nothing outside it ('Tier 2 - fabric mills' across the list)."""
    out = []
    for r1, c1, r2, c2 in merged:
        if r1 != r2 or r1 < first or r1 >= len(rows) or c2 <= c1:
            continue
        if sum(1 for c in range(c1, min(c2, len(fields) - 1) + 1) if fields[c]) < 2:
            continue
        row = rows[r1]
        value = row[c1] if c1 < len(row) else None
        if value not in (None, "") and all(c1 <= c <= c2 for c, v in enumerate(row)
                                           if v not in (None, "")):
            out.append((r1, c1, r2, c2))
    return out


def merged_cell_issues(merged, rows: list[list], first: int, fields: list, texts: list,
                       file: str, sheet: str | None) -> list[Issue]:
    """One warning per merged range covering several data rows or several read columns."""
    issues = []
    for r1, c1, r2, c2 in sorted(merged):
        top, bottom = max(r1, first), min(r2, len(rows) - 1)
        if top > bottom:
            continue  # above the header (a title block) or below the list
        used = [c for c in range(c1, min(c2, len(fields) - 1) + 1) if fields[c] is not None]
        if not used or (bottom == top and len(used) < 2):
            continue
        row = rows[r1] if r1 < len(rows) else []
        value = clean_text(row[c1]) if c1 < len(row) else ""
        if not value:
            continue
        shown = value if len(value) <= MAX_QUOTED else value[:MAX_QUOTED - 3] + "..."
        span = f"rows {top + 1}-{bottom + 1}" if bottom > top else f"row {top + 1}"
        header = texts[used[0]]
        columns = "" if len(used) < 2 else \
            f" and columns {', '.join(repr(texts[c]) for c in used)}"
        issues.append(Issue(
            "warning", "merged-cell",
            f"{header} {cell_range(r1, c1, r2, c2)}: merged value {shown!r} applied to "
            f"{span}{columns}", file, sheet, top + 1, header,
            "check that the value holds for every row; unmerge and fill the cells to be explicit"))
    return issues
