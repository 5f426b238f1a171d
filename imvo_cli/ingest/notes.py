"""What a reader noticed about a sheet (damaged text, hidden rows) and its issue entries.

A reader does not know the header row, so it notes positions as 0-based row and column
indices into the sheet's rows; `note_issues` turns them into warnings once the columns are
named, a column by its header (by its letter beyond the header).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Issue
from .normalise import column_letter

# Notes of one code kept per sheet; the rest are summed up in one more note.
MAX_NOTES_PER_CODE = 100
_MAX_RANGES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class ReadNote:
    """One thing a reader found: a warning with its position (0-based; None: not known)."""

    code: str
    message: str
    hint: str
    row: int | None = None
    col: int | None = None


def capped(notes: list[ReadNote]) -> list[ReadNote]:
    """At most MAX_NOTES_PER_CODE notes of each code, in order; the others of a code as one
    note that counts them and names their rows, so a file damaged throughout gives a report
    of readable size (each row still reads as a supplier or an error of its own)."""
    kept: list[ReadNote] = []
    left: dict[str, list[ReadNote]] = {}
    seen: dict[str, int] = {}
    for note in notes:
        n = seen[note.code] = seen.get(note.code, 0) + 1
        if n <= MAX_NOTES_PER_CODE:
            kept.append(note)
        else:
            left.setdefault(note.code, []).append(note)
    for code, rest in left.items():
        rows = sorted({n.row for n in rest if n.row is not None})
        where = f" in rows {row_ranges(rows)}" if rows else ""
        kept.append(ReadNote(code, f"{len(rest):,} more like this{where}",
                             rest[0].hint, rows[0] if rows else None, None))
    return kept


def row_ranges(rows: list[int]) -> str:
    """0-based row indices as Excel row ranges: [4, 5, 6, 9] -> '5-7, 10' (the first ten)."""
    ranges: list[list[int]] = []
    for r in rows:
        if ranges and r == ranges[-1][1] + 1:
            ranges[-1][1] = r
        else:
            ranges.append([r, r])
    said = [f"{a + 1}" if a == b else f"{a + 1}-{b + 1}" for a, b in ranges[:_MAX_RANGES_SHOWN]]
    return ", ".join(said) + (", ..." if len(ranges) > _MAX_RANGES_SHOWN else "")


def note_issues(notes, file: str, sheet: str | None, headers: list[str]) -> list[Issue]:
    """The warnings of a sheet's notes, each column named by its header text."""
    out = []
    for n in notes:
        column = None
        if n.col is not None:
            column = headers[n.col] if n.col < len(headers) else column_letter(n.col)
        out.append(Issue("warning", n.code, n.message, file, sheet,
                         None if n.row is None else n.row + 1, column, n.hint))
    return out
