"""Year over year: what changed between two supplier lists, or two sector lists.

    result = diff_lists("suppliers-2024.xlsx", "suppliers-2025.xlsx")   # -> ListDiff
    result.entries      # one per production location: new, gone, kept, merged or split
    result.disengagements, result.summary, result.to_dict()             # imvo.diff/1

    sector = diff_sector("sector-2024.json", "sector-2025.json")       # -> SectorDiff

riskchange.py compares two RiskAssessments, suppliers.py two lists (matched through one
adapter, `match_suppliers`), sector.py two sector lists, text.py says it in words. Every data
row of both lists ends in exactly one entry's rows, as an error issue (a rejected row) or as
a skipped template example row.
"""

from __future__ import annotations

from .riskchange import SCHEMA, RiskChange, ThemeChange, compare_risk, theme_evidence
from .sector import (
    FacilityChange,
    FacilitySide,
    MemberChange,
    SectorDiff,
    SectorList,
    aggregate_folders,
    diff_sector,
    diff_sector_lists,
    is_sector_output,
    read_sector,
)
from .suppliers import (
    FieldChange,
    ListDiff,
    Pairing,
    ReviewPair,
    SupplierChange,
    SupplierSide,
    diff_lists,
    diff_maps,
    exit_reason,
    field_changes,
    match_suppliers,
    same_id_decisions,
)
from .text import change_text, display, headline, summary_lines, theme_lines, visible

__all__ = [
    "SCHEMA",
    "FacilityChange",
    "FacilitySide",
    "FieldChange",
    "ListDiff",
    "MemberChange",
    "Pairing",
    "ReviewPair",
    "RiskChange",
    "SectorDiff",
    "SectorList",
    "SupplierChange",
    "SupplierSide",
    "ThemeChange",
    "aggregate_folders",
    "change_text",
    "compare_risk",
    "diff_lists",
    "diff_maps",
    "diff_sector",
    "diff_sector_lists",
    "display",
    "exit_reason",
    "field_changes",
    "headline",
    "is_sector_output",
    "match_suppliers",
    "read_sector",
    "same_id_decisions",
    "summary_lines",
    "theme_evidence",
    "theme_lines",
    "visible",
]
