"""The sector workbook of `imvo aggregate`: production locations, shared suppliers, heat map.

Sheets: Production locations, Shared suppliers, Countries, Members, Review, Merged records
(every row of a facility listed more than once, with the scores that merged it), Issues.
The public version (`public=True`) leaves out Members, Review and Merged records and every member
name, purchase share and file name: it is the list a secretariat can publish.
Every sheet is a table streamed as XML by the shared writer (xlsx.add_streamed_table); sheet
names, headers, levels and theme names are in the chosen language (imvo_cli/i18n), except
the a_id, b_id and decision columns that `--decisions` reads back.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..i18n import country_label, label, t
from ..i18n.messages import issue_hint, issue_message
from ..ingest import gc_paused
from ..model import LEVELS, at_least
from .xlsx import Styled, add_streamed_table, level_style, percent, save_workbook

REVIEW_DECISIONS = ("same", "different")

# Columns per sheet as catalogue keys (imvo_cli/i18n, group "column"); the headers are their
# texts in the workbook's language.
LOCATION_COLUMNS = ["facility_id", "name", "address", "city", "postal_code", "country_code",
                    "country_name", "os_ids", "processes", "products", "workers", "members",
                    "member_names", "risk_level_title", "themes_high", "other_spellings",
                    "record_ids", "match_evidence"]
PUBLIC_DROP_COLUMNS = {"member_names", "match_evidence"}
SHARED_COLUMNS = ["facility_id", "name", "country_code", "city", "members", "member_names",
                  "risk_level_title", "themes_high", "processes", "products", "workers"]
MEMBER_COLUMNS = ["member", "file_title", "readable", "rows_title", "locations_listed",
                  "facilities", "rejected_rows", "tiers_disclosed", "share_beyond_tier1",
                  "address_completeness_title", "high_risk_facilities", "disclosure_score"]
# a_id, b_id and decision are what --decisions reads back: the same in every language.
REVIEW_COLUMNS = ["=a_id", "a_member", "a_name", "a_address", "a_row", "=b_id", "b_member",
                  "b_name", "b_address", "b_row", "review_country", "score", "name_score",
                  "address_score", "city_score", "review_rule", "=decision"]
RECORD_COLUMNS = ["facility_id", "member", "file_title", "row_title", "record_id", "matched_with",
                  "score_title", "name_score_title", "address_score_title", "city_score_title",
                  "rule_title"]
ISSUE_COLUMNS = ["file_title", "sheet_title", "row_title", "column_title", "severity_title",
                 "code_title", "message_title", "hint_title"]
PUBLIC_ISSUE_COLUMNS = ["severity_title", "code_title", "count_title"]


def headers(columns: list[str], lang: str = "en") -> list[str]:
    """Column headers in `lang`; a key written "=name" is a fixed header."""
    return [c[1:] if c.startswith("=") else t(f"column.{c}", lang) for c in columns]


LOCATION_HEADERS = headers(LOCATION_COLUMNS)
PUBLIC_DROP = set(headers(sorted(PUBLIC_DROP_COLUMNS)))
SHARED_HEADERS = headers(SHARED_COLUMNS)
MEMBER_HEADERS = headers(MEMBER_COLUMNS)
REVIEW_HEADERS = headers(REVIEW_COLUMNS)
RECORD_HEADERS = headers(RECORD_COLUMNS)
ISSUE_HEADERS = headers(ISSUE_COLUMNS)


def _high_themes(themes: dict[str, str], lang: str = "en") -> str:
    """Human labels of the themes at high or worse, in theme-key order."""
    return _high_labels(tuple(sorted(themes.items())), lang)


@lru_cache(maxsize=4096)
def _high_labels(themes: tuple[tuple[str, str], ...], lang: str) -> str:
    # Facilities share a few thousand theme profiles: each is labelled once.
    return ", ".join(label("theme", k, lang) for k, lvl in themes if at_least(lvl, "high"))


def _level(level: str | None, lang: str) -> str | None:
    return label("level", level, lang) if level else level


def _evidence(matches: list[dict], lang: str = "en") -> str:
    """'R1~R2 0.93 (name 1.0, address 0.86)' per merge: why these rows are one facility."""
    parts = []
    for m in matches:
        fields = ", ".join(f"{k} {v}" for k, v in m["fields"].items()
                           if v is not None and k != "os_id")
        if m["fields"].get("os_id"):
            fields = t("sector_workbook.evidence_same_os_id", lang) + (f", {fields}" if fields else "")
        parts.append(f"{m['a']}~{m['b']} {m['score']} {m['rule']} ({fields})")
    return "; ".join(parts)


def _joined(values: list[str]) -> str:
    """A list cell as the workbook writer joins it (xlsx.cell_value), joined here so that the
    writer takes its plain-text path: one of these per facility and list column."""
    return " | ".join(values)


def _location_rows(result, public: bool, lang: str = "en"):
    for f in result.facilities:
        row = [f.facility_id, f.name, f.address, f.city, f.postal_code, f.country,
               country_label(f.country, f.country_name, lang), " ".join(f.os_ids),
               _joined(f.processes), _joined(f.products), f.workers, f.member_count,
               None if public else _joined(f.members), _level(f.risk_level, lang),
               _high_themes(f.themes, lang), _joined(f.names[1:]), " ".join(f.record_ids),
               None if public else _evidence(f.matches, lang)]
        if public:
            row = [v for c, v in zip(LOCATION_COLUMNS, row, strict=True) if c not in PUBLIC_DROP_COLUMNS]
        yield row


def _shared_rows(result, public: bool, lang: str = "en"):
    for f in result.shared:
        row = [f.facility_id, f.name, f.country, f.city, f.member_count, _joined(f.members),
               _level(f.risk_level, lang), _high_themes(f.themes, lang), _joined(f.processes),
               _joined(f.products), f.workers]
        if public:
            del row[5]
        yield row


def _country_rows(result, lang: str = "en"):
    for c in result.countries:
        cells = []
        for theme in result.themes:
            cell = c.themes[theme]
            cells.append(Styled(cell["high_or_worse"], level_style(cell["worst"])))
        yield [c.country, country_label(c.country, c.name, lang), c.facilities, c.members, *cells]


def _member_rows(result, lang: str = "en"):
    yes, no = t("sector_workbook.yes", lang), t("sector_workbook.no", lang)
    for m in result.members:
        yield [m.member, m.file, yes if m.readable else no, m.rows, m.suppliers,
               m.facilities, m.rejected_rows, ", ".join(map(str, m.tiers_disclosed)),
               percent(m.beyond_tier1_share), percent(m.address_completeness), m.high_risk,
               m.disclosure_score]


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


def _issue_rows(result, lang: str = "en"):
    for i in result.issues:
        yield [i.file, i.sheet, i.row, i.column, i.severity, i.code, issue_message(i, lang),
               issue_hint(i, lang)]


def _public_issue_rows(result):
    counts = Counter((i.severity, i.code) for i in result.issues)
    for (severity, code), n in sorted(counts.items()):
        yield [severity, code, n]


def build_sector_workbook(result, lang: str = "en"):
    """The workbook for an AggregateResult in `lang`; `result.public` picks the version."""
    public = result.public
    wb = Workbook()
    wb.remove(wb.active)
    levels = {lvl: label("level", lvl, lang) for lvl in (*LEVELS, "unknown")}
    footer = t("print.footer", lang)

    def table(sheet: str, columns, rows, **kw):
        return add_streamed_table(wb, t(f"sheet.{sheet}", lang), columns, rows,
                                  level_labels=levels, footer=footer, **kw)

    location_columns = [c for c in LOCATION_COLUMNS if not (public and c in PUBLIC_DROP_COLUMNS)]
    risk_header = t("column.risk_level_title", lang)
    table("production_locations", headers(location_columns, lang),
          _location_rows(result, public, lang), level_column=risk_header,
          widths=[13, 40, 50, 16, 10, 8, 16, 18, 24, 24, 9, 9, 30, 11, 30, 40, 26, 50])
    shared = [c for c in SHARED_COLUMNS if not (public and c == "member_names")]
    table("shared_suppliers", headers(shared, lang), _shared_rows(result, public, lang),
          level_column=risk_header, widths=[13, 40, 8, 16, 9, 40, 11, 30, 24, 24, 9])
    table("countries", [*headers(["country_code", "country_name", "facilities", "members"], lang),
                        *(label("theme", k, lang) for k in result.themes)],
          _country_rows(result, lang), widths=[8, 22, 10, 9] + [14] * len(result.themes))
    if not public:
        table("members", headers(MEMBER_COLUMNS, lang), _member_rows(result, lang),
              widths=[28, 40, 9, 8, 10, 10, 10, 10, 12, 12, 12, 12])
        ws = table("review", headers(REVIEW_COLUMNS, lang), _review_rows(result),
                   widths=[13, 20, 34, 40, 7, 13, 20, 34, 40, 7, 8, 7, 8, 8, 8, 12, 11])
        _decision_dropdown(ws, len(REVIEW_COLUMNS), len(result.review), lang)
        table("merged_records", headers(RECORD_COLUMNS, lang), _record_rows(result),
              widths=[13, 28, 40, 7, 13, 13, 7, 8, 8, 8, 14])
        table("issues", headers(ISSUE_COLUMNS, lang), _issue_rows(result, lang),
              widths=[40, 16, 7, 16, 9, 22, 60, 50])
    else:
        table("issues", headers(PUBLIC_ISSUE_COLUMNS, lang), _public_issue_rows(result),
              widths=[9, 26, 8])
    _legend(wb, lang, footer)
    return wb


def _decision_dropdown(ws, column: int, rows: int, lang: str = "en") -> None:
    letter = get_column_letter(column)
    choices = [t(f"sector_workbook.decision_{d}", lang) for d in REVIEW_DECISIONS]
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                        allow_blank=True, showErrorMessage=True,
                        errorTitle=t("sector_workbook.decision_error_title", lang)[:32],
                        error=t("sector_workbook.decision_error", lang))
    dv.add(f"{letter}2:{letter}{max(rows + 1, 2)}")
    ws.data_validations.dataValidation.append(dv)


def _legend(wb, lang: str = "en", footer: str | None = None) -> None:
    """What the levels, scores and sheets mean, on the last sheet."""
    def line(key: str, **kw):
        return [t(f"sector_workbook.{key}", lang), t(f"sector_workbook.{key}_text", lang, **kw)]

    rows = [line("about_levels", levels=", ".join(label("level", lvl, lang) for lvl in LEVELS)),
            line("about_countries"), line("about_evidence"), line("about_review"),
            line("about_disclosure")]
    add_streamed_table(wb, t("sheet.about", lang),
                       headers(["item_title", "meaning_title"], lang), rows, widths=[20, 100],
                       footer=footer)


def write_sector_workbook(result, out: str | Path, lang: str = "en") -> None:
    """Write the sector workbook atomically, labels in `lang` (en or nl)."""
    # The rows are made as the sheets are written and nothing here makes reference cycles:
    # the cyclic collector would only rescan the whole aggregate result again and again.
    with gc_paused():
        save_workbook(build_sector_workbook(result, lang), out)


def sector_rows(result) -> dict[str, Any]:
    """Row counts per sheet, for summaries and tests."""
    return {"Production locations": len(result.facilities), "Shared suppliers": len(result.shared),
            "Countries": len(result.countries), "Review": len(result.review)}
