"""The `imvo diff --out` workbook: sheets New, Gone, Changed, Risk changes, Summary.

A supplier diff adds Review (old and new spellings that may be one location, with a decision
column: pass the workbook back with --decisions); a sector diff adds Members. Every sheet is a
table streamed by the shared writer (xlsx.add_streamed_table), saved atomically.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..diff import headline, summary_lines
from ..diff.text import theme_label
from .xlsx import add_streamed_table, save_workbook

SUPPLIER_NEW = ["Location ID", "Status", "Name", "Country", "Tier", "Level", "Rows", "Record ID"]
SUPPLIER_GONE = ["Location ID", "Status", "Name", "Country", "Tier", "Level", "Rows",
                 "Disengagement", "Exit reason", "Record ID"]
SUPPLIER_CHANGED = ["Location ID", "Name", "Country", "Field", "Old", "New", "Old rows", "New rows"]
SUPPLIER_RISK = ["Location ID", "Name", "Country", "Theme", "Old level", "New level",
                 "Direction", "Old inherent", "New inherent", "Evidence added", "Evidence removed"]
REVIEW = ["a_id", "old name", "old address", "old rows", "b_id", "new name", "new address",
          "new rows", "score", "decision"]
FACILITY = ["Facility ID", "Name", "Country", "Members", "Member names", "Level"]
FACILITY_CHANGED = ["Facility ID", "Name", "Country", "Members then", "Members now", "Joined",
                    "Left", "Shared", "Level then", "Level now"]
FACILITY_RISK = ["Facility ID", "Name", "Country", "Old level", "New level", "Direction"]
MEMBERS = ["Member", "Status", "Score then", "Score now", "Facilities then", "Facilities now"]
SUMMARY = ["Item", "Then", "Now"]


def _rows(side) -> str:
    return ", ".join(str(r) for r in side.rows)


def _supplier_sheets(wb, result) -> None:
    entries = result.entries
    new = [[e.location_id, e.status, e.new.name, e.new.country, e.new.tier, e.new.level,
            _rows(e.new), e.new.record_id] for e in entries if e.status in ("new", "split")]
    add_streamed_table(wb, "New", SUPPLIER_NEW, new, level_column="Level")
    gone = [[e.location_id, e.status, e.old.name, e.old.country, e.old.tier, e.old.level,
             _rows(e.old), "yes" if e.disengagement else "no", e.exit_reason, e.old.record_id]
            for e in entries if e.status in ("gone", "merged")]
    add_streamed_table(wb, "Gone", SUPPLIER_GONE, gone, level_column="Level")
    changed = [[e.location_id, e.name, e.country, c.field, c.old, c.new, _rows(e.old), _rows(e.new)]
               for e in entries if e.status == "kept" for c in e.changes]
    add_streamed_table(wb, "Changed", SUPPLIER_CHANGED, changed)
    risk = []
    for e in entries:
        if e.risk is None:
            continue
        if e.risk.direction != "same":
            risk.append([e.location_id, e.name, e.country, "overall", e.risk.old_level,
                         e.risk.new_level, e.risk.direction, None, None, None, None])
        for t in e.risk.themes:
            risk.append([e.location_id, e.name, e.country, theme_label(t.theme), t.old_level, t.new_level,
                         t.direction, t.old_inherent, t.new_inherent, t.evidence_added,
                         t.evidence_removed])
    add_streamed_table(wb, "Risk changes", SUPPLIER_RISK, risk, level_column="New level")


def _review_sheet(wb, result) -> None:
    rows = [[r.old.record_id, r.old.name, r.old.address, _rows(r.old), r.new.record_id,
             r.new.name, r.new.address, _rows(r.new), r.score, None] for r in result.review]
    add_streamed_table(wb, "Review", REVIEW, rows)


def _facility_row(f) -> list:
    return [f.facility_id, f.name, f.country, f.member_count, f.members, f.level]


def _sector_sheets(wb, result) -> None:
    facs = result.facilities
    add_streamed_table(wb, "New", FACILITY, [_facility_row(f.new) for f in facs if f.status == "new"],
                       level_column="Level")
    add_streamed_table(wb, "Gone", FACILITY, [_facility_row(f.old) for f in facs if f.status == "gone"],
                       level_column="Level")
    changed = [[f.facility_id, f.name, f.country, f.old.member_count, f.new.member_count,
                f.members_joined, f.members_left, f.shared, f.old.level, f.new.level]
               for f in facs if f.status == "kept" and f.kind != "unchanged"]
    add_streamed_table(wb, "Changed", FACILITY_CHANGED, changed)
    risk = [[f.facility_id, f.name, f.country, f.old.level, f.new.level, f.kind.split()[-1]]
            for f in facs if f.kind in ("risk up", "risk down")]
    add_streamed_table(wb, "Risk changes", FACILITY_RISK, risk, level_column="New level")


def build_diff_workbook(result):
    wb = Workbook()
    wb.remove(wb.active)
    if result.kind == "suppliers":
        _supplier_sheets(wb, result)
    else:
        _sector_sheets(wb, result)
    counts = [[f"count: {k.replace('_', ' ')}", None, v] for k, v in result.summary["counts"].items()]
    rows = [["old", result.old_file, None], ["new", result.new_file, None],
            ["headline", headline(result), None]] + \
        [[i, a, b] for i, a, b in summary_lines(result)] + counts + \
        [["policy", r, None] for r in result.policy_reasons]
    add_streamed_table(wb, "Summary", SUMMARY, rows, widths=[34, 60, 14])
    if result.kind == "suppliers":
        _review_sheet(wb, result)
    else:
        add_streamed_table(wb, "Members", MEMBERS, [
            [m.member, m.status, m.old_score, m.new_score, m.old_facilities, m.new_facilities]
            for m in result.members])
    return wb


def write_diff_workbook(result, out: str | Path) -> None:
    """Write the diff workbook atomically."""
    save_workbook(build_diff_workbook(result), out)
