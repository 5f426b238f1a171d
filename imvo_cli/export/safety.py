"""Keep user text inert in spreadsheets and CSV: no formulas from data (CSV/formula injection)."""

from __future__ import annotations

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(value: object) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


def csv_safe(value: object) -> object:
    """A value for a CSV cell: text that a spreadsheet would run gets a leading quote."""
    if is_dangerous(value):
        return "'" + value  # type: ignore[operator]
    return value
