"""The sector workbook of `imvo aggregate`: production locations, shared suppliers, heat map.

Sheets: Production locations, Shared suppliers, Countries, Members, Review, Merged records
(every row of a facility listed more than once, with the scores that merged it), Issues.
The public version (`public=True`) leaves out Members, Review and Merged records and every member
name, purchase share and file name: it is the list a secretariat can publish.
Every sheet is a table streamed as XML by the shared writer (xlsx.add_streamed_table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import LEVELS, at_least
from .xlsx import Styled, add_streamed_table, level_style, save_workbook

REVIEW_DECISIONS = ("same", "different")

LOCATION_HEADERS = ["Facility ID", "Name", "Address", "City", "Postal code", "Country",
                    "Country name", "OS IDs", "Processes", "Products", "Workers", "Members",
                    "Member names", "Risk level", "Themes at high or worse", "Other spellings",
                    "Record IDs", "Match evidence"]
PUBLIC_DROP = {"Member names", "Match evidence"}
SHARED_HEADERS = ["Facility ID", "Name", "Country", "City", "Members", "Member names",
                  "Risk level", "Themes at high or worse", "Processes", "Products", "Workers"]
MEMBER_HEADERS = ["Member", "File", "Readable", "Rows", "Locations listed", "Facilities",
                  "Rejected rows", "Tiers disclosed", "Share beyond tier 1",
                  "Address completeness", "High-risk facilities", "Disclosure score"]
REVIEW_HEADERS = ["a_id", "a_member", "a_name", "a_address", "a_row", "b_id", "b_member",
                  "b_name", "b_address", "b_row", "country", "score", "name score",
                  "address score", "city score", "rule", "decision"]
RECORD_HEADERS = ["Facility ID", "Member", "File", "Row", "Record ID", "Matched with",
                  "Score", "Name score", "Address score", "City score", "Rule"]
ISSUE_HEADERS = ["File", "Sheet", "Row", "Column", "Severity", "Code", "Message", "Hint"]


def _high_themes(themes: dict[str, str]) -> str:
    return ", ".join(t for t, lvl in sorted(themes.items()) if at_least(lvl, "high"))


def _evidence(matches: list[dict]) -> str:
    """'R1~R2 0.93 (name 1.0, address 0.86)' per merge: why these rows are one facility."""
    parts = []
    for m in matches:
        fields = ", ".join(f"{k} {v}" for k, v in m["fields"].items()
                           if v is not None and k != "os_id")
        if m["fields"].get("os_id"):
            fields = "same OS ID" + (f", {fields}" if fields else "")
        parts.append(f"{m['a']}~{m['b']} {m['score']} {m['rule']} ({fields})")
    return "; ".join(parts)


def _location_rows(result, public: bool):
    for f in result.facilities:
        row = [f.facility_id, f.name, f.address, f.city, f.postal_code, f.country,
               f.country_name, " ".join(f.os_ids), f.processes, f.products, f.workers,
               f.member_count, None if public else f.members, f.risk_level,
               _high_themes(f.themes), f.names[1:], " ".join(f.record_ids),
               None if public else _evidence(f.matches)]
        if public:
            row = [v for h, v in zip(LOCATION_HEADERS, row) if h not in PUBLIC_DROP]
        yield row


def _shared_rows(result, public: bool):
    for f in result.shared:
        row = [f.facility_id, f.name, f.country, f.city, f.member_count, f.members,
               f.risk_level, _high_themes(f.themes), f.processes, f.products, f.workers]
        if public:
            del row[5]
        yield row


def _country_rows(result):
    for c in result.countries:
        cells = []
        for t in result.themes:
            cell = c.themes[t]
            cells.append(Styled(cell["high_or_worse"], level_style(cell["worst"])))
        yield [c.country, c.name, c.facilities, c.members, *cells]


def _member_rows(result):
    for m in result.members:
        yield [m.member, m.file, "yes" if m.readable else "no", m.rows, m.suppliers,
               m.facilities, m.rejected_rows, ", ".join(map(str, m.tiers_disclosed)),
               m.beyond_tier1_share, m.address_completeness, m.high_risk, m.disclosure_score]


def _review_rows(result):
    for r in result.review:
        a, b, f = r.a, r.b, r.fields
        yield [a["record_id"], a["member"], a["name"], a["address"], a["row"], b["record_id"],
               b["member"], b["name"], b["address"], b["row"], a["country"], r.score,
               f.get("name"), f.get("address"), f.get("city"), r.rule, None]


def _record_rows(result):
    """Rows of merged facilities only: a facility of one row is its own explanation, and
    every row's facility is in the JSON output; this keeps 100,000-row workbooks quick."""
    for f in result.facilities:
        if len(f.record_ids) < 2 and len(f.records) < 2:
            continue
        why: dict[str, dict] = {}
        for m in f.matches:
            why.setdefault(m["b"], m)
            why.setdefault(m["a"], m)
        for rec in f.records:
            m = why.get(rec.record_id)
            if m is None:
                yield [f.facility_id, rec.member, rec.file, rec.row, rec.record_id,
                       None, None, None, None, None, "single" if len(f.records) == 1 else None]
                continue
            other = m["a"] if m["b"] == rec.record_id else m["b"]
            fl = m["fields"]
            yield [f.facility_id, rec.member, rec.file, rec.row, rec.record_id, other,
                   m["score"], fl.get("name"), fl.get("address"), fl.get("city"), m["rule"]]


def _issue_rows(result):
    for i in result.issues:
        yield [i.file, i.sheet, i.row, i.column, i.severity, i.code, i.message, i.hint]


def _public_issue_rows(result):
    from collections import Counter

    counts = Counter((i.severity, i.code) for i in result.issues)
    for (severity, code), n in sorted(counts.items()):
        yield [severity, code, n]


def build_sector_workbook(result):
    """The workbook for an AggregateResult; `result.public` picks the version."""
    from openpyxl import Workbook

    public = result.public
    wb = Workbook()
    wb.remove(wb.active)
    headers = [h for h in LOCATION_HEADERS if not (public and h in PUBLIC_DROP)]
    add_streamed_table(wb, "Production locations", headers, _location_rows(result, public),
                         level_column="Risk level",
                         widths=[13, 40, 50, 16, 10, 8, 16, 18, 24, 24, 9, 9, 30, 11, 30, 40, 26, 50])
    shared = [h for h in SHARED_HEADERS if not (public and h == "Member names")]
    add_streamed_table(wb, "Shared suppliers", shared, _shared_rows(result, public),
                         level_column="Risk level", widths=[13, 40, 8, 16, 9, 40, 11, 30, 24, 24, 9])
    add_streamed_table(wb, "Countries", ["Country", "Country name", "Facilities", "Members",
                                           *result.themes], _country_rows(result),
                         widths=[8, 22, 10, 9] + [14] * len(result.themes))
    if not public:
        add_streamed_table(wb, "Members", MEMBER_HEADERS, _member_rows(result),
                             widths=[28, 40, 9, 8, 10, 10, 10, 10, 12, 12, 12, 12])
        ws = add_streamed_table(wb, "Review", REVIEW_HEADERS, _review_rows(result),
                                  widths=[13, 20, 34, 40, 7, 13, 20, 34, 40, 7, 8, 7, 8, 8, 8, 12, 11])
        _decision_dropdown(ws, len(REVIEW_HEADERS), len(result.review))
        add_streamed_table(wb, "Merged records", RECORD_HEADERS, _record_rows(result),
                             widths=[13, 28, 40, 7, 13, 13, 7, 8, 8, 8, 14])
        add_streamed_table(wb, "Issues", ISSUE_HEADERS, _issue_rows(result),
                             widths=[40, 16, 7, 16, 9, 22, 60, 50])
    else:
        add_streamed_table(wb, "Issues", ["Severity", "Code", "Count"],
                             _public_issue_rows(result), widths=[9, 26, 8])
    _legend(wb)
    return wb


def _decision_dropdown(ws, column: int, rows: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(column)
    dv = DataValidation(type="list", formula1='"' + ",".join(REVIEW_DECISIONS) + '"',
                        allow_blank=True, showErrorMessage=True,
                        errorTitle="same or different",
                        error="Write same or different, or leave the cell empty.")
    dv.add(f"{letter}2:{letter}{max(rows + 1, 2)}")
    ws.data_validations.dataValidation.append(dv)


def _legend(wb) -> None:
    """What the levels, scores and sheets mean, on the last sheet."""
    rows = [
        ["Risk levels", ", ".join(LEVELS) + ", unknown (no data: not the same as low)"],
        ["Countries sheet", "each theme cell counts the facilities at high or critical; its "
                            "colour is the worst level of that theme in the country"],
        ["Match evidence", "record~record score rule (per-field similarities 0..1); record ids "
                           "are hashes of country, name and address"],
        ["Review", "fill in decision (same or different) and pass this workbook back with "
                   "--decisions: decided pairs are never asked again"],
        ["Disclosure score", "0-100: 40 address completeness + 30 tiers disclosed (3 = full) "
                             "+ 20 products or processes given + 10 OS IDs or coordinates given"],
    ]
    add_streamed_table(wb, "About", ["Item", "Meaning"], rows, widths=[20, 100])


def write_sector_workbook(result, out: str | Path) -> None:
    """Write the sector workbook atomically."""
    save_workbook(build_sector_workbook(result), out)


def sector_rows(result) -> dict[str, Any]:
    """Row counts per sheet, for summaries and tests."""
    return {"Production locations": len(result.facilities), "Shared suppliers": len(result.shared),
            "Countries": len(result.countries), "Review": len(result.review)}
