"""The `imvo diff --out` workbook: sheets New, Gone, Changed, Risk changes, Summary.

A supplier diff adds Review (old and new spellings that may be one location, with a decision
column: pass the workbook back with --decisions); a sector diff adds Members. Every sheet is a
table streamed by the shared writer (xlsx.add_streamed_table), saved atomically. Sheet names,
headers and imvo's values are in the chosen language (imvo_cli/i18n), except the a_id, b_id
and decision columns that `--decisions` reads back.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..diff import headline, summary_lines
from ..diff.text import theme_label
from ..i18n import DEFAULT_LANG, label, say, t
from ..i18n.messages import diff_evidence
from ..model import ALL_LEVELS
from .xlsx import add_streamed_table, save_workbook

# Columns per sheet as keys of the catalogue's [diff_workbook] table; "=name" is a fixed header.
SUPPLIER_NEW = ["location_id", "status", "name", "country", "tier", "level", "rows", "record_id"]
SUPPLIER_GONE = ["location_id", "status", "name", "country", "tier", "level", "rows",
                 "disengagement", "exit_reason", "record_id"]
SUPPLIER_CHANGED = ["location_id", "name", "country", "field", "old", "new", "old_rows",
                    "new_rows"]
SUPPLIER_RISK = ["location_id", "name", "country", "theme", "old_level", "new_level",
                 "direction", "old_inherent", "new_inherent", "evidence_added", "evidence_removed"]
# a_id, b_id and decision are what --decisions reads back: the same in every language.
REVIEW = ["=a_id", "review_old_name", "review_old_address", "review_old_rows", "=b_id",
          "review_new_name", "review_new_address", "review_new_rows", "review_score", "=decision"]
FACILITY = ["facility_id", "name", "country", "members", "member_names", "level"]
FACILITY_CHANGED = ["facility_id", "name", "country", "members_then", "members_now", "joined",
                    "left", "shared", "level_then", "level_now"]
FACILITY_RISK = ["facility_id", "name", "country", "old_level", "new_level", "direction"]
MEMBERS = ["member", "status", "score_then", "score_now", "facilities_then", "facilities_now"]
SUMMARY = ["item", "then", "now"]


def headers(columns: list[str], lang: str = DEFAULT_LANG) -> list[str]:
    return [c[1:] if c.startswith("=") else t(f"diff_workbook.{c}", lang) for c in columns]


def _rows(side) -> str:
    return ", ".join(str(r) for r in side.rows)


class _Words:
    """imvo's words of one workbook in its language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str) -> str:
        return t(f"diff_workbook.{key}", self.lang)

    def level(self, level: str | None) -> str | None:
        return label("level", level, self.lang) if level else level

    def kind(self, kind: str) -> str:
        return label("cli_diff_kind", kind, self.lang)

    def direction(self, direction: str) -> str:
        return label("diff_direction", direction, self.lang)

    def evidence(self, texts: list[str]) -> list[str]:
        if self.lang == DEFAULT_LANG:
            return texts
        return [diff_evidence(e, self.lang) for e in texts]

    def yes_no(self, value: bool) -> str:
        return t("sector_workbook.yes" if value else "sector_workbook.no", self.lang)


def _table(wb, title: str, columns: list[str], rows, lang: str = DEFAULT_LANG, **kw):
    """A table sheet of this workbook, its page footer in `lang` ("Pagina 3 van 12")."""
    return add_streamed_table(wb, title, columns, rows, footer=t("print.footer", lang), **kw)


def _supplier_sheets(wb, result, w: _Words) -> None:
    entries = result.entries
    level = w("level")
    new = [[e.location_id, w.kind(e.status), e.new.name, e.new.country, e.new.tier,
            w.level(e.new.level), _rows(e.new), e.new.record_id]
           for e in entries if e.status in ("new", "split")]
    _table(wb, w("sheet_new"), headers(SUPPLIER_NEW, w.lang), new, level_column=level,
           level_labels=_level_labels(w), lang=w.lang)
    gone = [[e.location_id, w.kind(e.status), e.old.name, e.old.country, e.old.tier,
             w.level(e.old.level), _rows(e.old), w.yes_no(bool(e.disengagement)), e.exit_reason,
             e.old.record_id]
            for e in entries if e.status in ("gone", "merged")]
    _table(wb, w("sheet_gone"), headers(SUPPLIER_GONE, w.lang), gone,
           level_column=level, level_labels=_level_labels(w), lang=w.lang)
    changed = [[e.location_id, e.name, e.country, label("diff_field", c.field, w.lang), c.old,
                c.new, _rows(e.old), _rows(e.new)]
               for e in entries if e.status == "kept" for c in e.changes]
    _table(wb, w("sheet_changed"), headers(SUPPLIER_CHANGED, w.lang), changed, lang=w.lang)
    risk = []
    for e in entries:
        if e.risk is None:
            continue
        if e.risk.direction != "same":
            risk.append([e.location_id, e.name, e.country, w("overall"), w.level(e.risk.old_level),
                         w.level(e.risk.new_level), w.direction(e.risk.direction), None, None,
                         None, None])
        for th in e.risk.themes:
            risk.append([e.location_id, e.name, e.country, theme_label(th.theme, w.lang),
                         w.level(th.old_level), w.level(th.new_level), w.direction(th.direction),
                         w.level(th.old_inherent), w.level(th.new_inherent),
                         w.evidence(th.evidence_added), w.evidence(th.evidence_removed)])
    _table(wb, w("sheet_risk"), headers(SUPPLIER_RISK, w.lang), risk,
           level_column=w("new_level"), level_labels=_level_labels(w), lang=w.lang)


def _level_labels(w: _Words) -> dict[str, str]:
    """The level texts the level column's colours key on."""
    return {lvl: label("level", lvl, w.lang) for lvl in ALL_LEVELS}


def _review_sheet(wb, result, w: _Words) -> None:
    rows = [[r.old.record_id, r.old.name, r.old.address, _rows(r.old), r.new.record_id,
             r.new.name, r.new.address, _rows(r.new), r.score, None] for r in result.review]
    _table(wb, t("sheet.review", w.lang), headers(REVIEW, w.lang), rows, lang=w.lang)


def _facility_row(f, w: _Words) -> list:
    return [f.facility_id, f.name, f.country, f.member_count, f.members, w.level(f.level)]


def _sector_sheets(wb, result, w: _Words) -> None:
    facs = result.facilities
    level = w("level")
    _table(wb, w("sheet_new"), headers(FACILITY, w.lang),
           [_facility_row(f.new, w) for f in facs if f.status == "new"],
           level_column=level, level_labels=_level_labels(w), lang=w.lang)
    _table(wb, w("sheet_gone"), headers(FACILITY, w.lang),
           [_facility_row(f.old, w) for f in facs if f.status == "gone"],
           level_column=level, level_labels=_level_labels(w), lang=w.lang)
    changed = [[f.facility_id, f.name, f.country, f.old.member_count, f.new.member_count,
                f.members_joined, f.members_left,
                label("diff_shared", f.shared, w.lang) if f.shared else f.shared,
                w.level(f.old.level), w.level(f.new.level)]
               for f in facs if f.status == "kept" and f.kind != "unchanged"]
    _table(wb, w("sheet_changed"), headers(FACILITY_CHANGED, w.lang), changed, lang=w.lang)
    risk = [[f.facility_id, f.name, f.country, w.level(f.old.level), w.level(f.new.level),
             w.direction(f.kind.split()[-1])]
            for f in facs if f.kind in ("risk up", "risk down", "data gap")]
    _table(wb, w("sheet_risk"), headers(FACILITY_RISK, w.lang), risk,
           level_column=w("new_level"), level_labels=_level_labels(w), lang=w.lang)


def build_diff_workbook(result, lang: str = DEFAULT_LANG):
    w = _Words(lang)
    wb = Workbook()
    wb.remove(wb.active)
    if result.kind == "suppliers":
        _supplier_sheets(wb, result, w)
    else:
        _sector_sheets(wb, result, w)
    counts = [[t("diff_workbook.count", lang, what=label("diff_count", k, lang)), None, v]
              for k, v in result.summary["counts"].items()]
    rows = [[w("item_old"), result.old_file, None], [w("item_new"), result.new_file, None],
            [w("item_headline"), headline(result, lang), None]] + \
        [[i, a, b] for i, a, b in summary_lines(result, lang)] + counts + \
        [[w("item_policy"), say(r, lang), None] for r in result.policy_reasons]
    _table(wb, t("sheet.summary", lang), headers(SUMMARY, lang), rows,
           widths=[34, 60, 14], lang=lang)
    if result.kind == "suppliers":
        _review_sheet(wb, result, w)
    else:
        _table(wb, t("sheet.members", lang), headers(MEMBERS, lang), [
            [m.member, label("cli_diff_member", m.status, lang), m.old_score, m.new_score,
             m.old_facilities, m.new_facilities]
            for m in result.members], lang=lang)
    return wb


def write_diff_workbook(result, out: str | Path, lang: str = DEFAULT_LANG) -> None:
    """Write the diff workbook atomically; imvo's sheet names, headers and values in `lang`."""
    save_workbook(build_diff_workbook(result, lang), out)
