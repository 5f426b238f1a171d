"""Decisions files: pairs of record ids a person marked same or different.

A decisions file is a CSV or workbook with the columns `a_id`, `b_id` and `decision`
(same / different; also yes / no, ja / nee, y / n). The Review sheet of the sector workbook
has exactly these columns, so filling in its decision column and passing the workbook back
with `--decisions` is the whole workflow. Rows with an empty decision are skipped. A workbook
imvo wrote in Dutch reads back too: its Review sheet ("Beoordelen") and its decision words
(zelfde / verschillend) come from the catalogue (`i18n.variants`).
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import variants
from ..ingest.readers import read_sheets
from ..model import ImvoError

SAME = {"same", "yes", "y", "ja", "j", "match", "1", "true",
        *(v.casefold() for v in variants("sector_workbook.decision_same"))}
DIFFERENT = {"different", "no", "n", "nee", "distinct", "0", "false",
             *(v.casefold() for v in variants("sector_workbook.decision_different"))}
REVIEW_SHEETS = variants("sheet.review")  # "Review", "Beoordelen"


def _rows(path: Path) -> list[list]:
    sheets = read_sheets(path)
    chosen = next((s for s in sheets if s.name in REVIEW_SHEETS), sheets[0])
    return chosen.load(None)


def read_decisions(path: str | Path) -> dict[frozenset, str]:
    """{frozenset({a_id, b_id}): "same" | "different"}; names file, row and column on errors."""
    path = Path(path)
    rows = _rows(path)
    if not rows:
        raise ImvoError("the decisions file is empty", file=path, code="decisions-invalid",
                        hint="use the Review sheet of a sector workbook, or a CSV with a_id, b_id, decision")
    header_at = None
    for n, row in enumerate(rows[:20]):
        names = [str(c or "").strip().casefold() for c in row]
        if {"a_id", "b_id", "decision"} <= set(names):
            header_at = n
            break
    if header_at is None:
        raise ImvoError("no header with the columns a_id, b_id and decision", file=path,
                        code="decisions-invalid",
                        hint="use the Review sheet of a sector workbook, or a CSV with a_id, b_id, decision")
    names = [str(c or "").strip().casefold() for c in rows[header_at]]
    ia, ib, idec = names.index("a_id"), names.index("b_id"), names.index("decision")
    out: dict[frozenset, str] = {}
    for n, row in enumerate(rows[header_at + 1:], header_at + 2):
        cells = list(row) + [None] * (max(ia, ib, idec) + 1 - len(row))
        a, b, verdict = (str(cells[i] or "").strip() for i in (ia, ib, idec))
        if not verdict:
            continue
        v = verdict.casefold()
        if v in SAME:
            v = "same"
        elif v in DIFFERENT:
            v = "different"
        else:
            raise ImvoError(f"decision {verdict!r} is neither same nor different", file=path,
                            row=n, column="decision", code="decisions-invalid",
                            hint="write same or different (or leave the cell empty)")
        if not a or not b:
            raise ImvoError("a decision without both record ids", file=path, row=n,
                            column="a_id" if not a else "b_id", code="decisions-invalid",
                            hint="keep the a_id and b_id columns as imvo wrote them")
        if a != b:
            out[frozenset((a, b))] = v  # a later row overrides an earlier one
    return out
