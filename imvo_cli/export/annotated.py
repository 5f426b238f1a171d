"""The annotated workbook: the user's own supplier list back, with imvo's findings added.

The export is computed once as a plan (plan.py: the columns added to the suppliers sheet with
their cells and comments, the generated sheets Summary, Risks, Chains, Issues and Countries,
the print setup, which earlier imvo sheets are replaced), then written by one of two back
ends: the zip-level copy (xlsx_patch.py: every part of an .xlsx/.xlsm input as it was, the
suppliers sheet edited as a stream) or, for a workbook outside what that copy handles, openpyxl
(openpyxl_copy.py); a csv/xls/ods input becomes a new .xlsx built from the rows imvo read.

The added headers never name an input field (see ADDED_COLUMNS), so the annotated sheet
re-imports with the same suppliers: the user's declared tier stays the tier column imvo reads,
and the computed tier sits beside it as "imvo tier".
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
from openpyxl.utils import column_index_from_string

from .. import __version__
from ..countries import country_name
from ..i18n import LANGS, country_label, has, label, t, variants
from ..i18n.messages import evidence_source, evidence_value, issue_hint, issue_message, main_reasons
from ..ingest.address import has_full_address
from ..ingest.readers import read_sheets
from ..mapping import priority_order
from ..model import (
    LEVELS,
    UNKNOWN,
    ChainMap,
    ImvoError,
    Issue,
    RiskAssessment,
    Supplier,
    level_rank,
    worst,
)
from ..osh.matching import ANNOTATED_HEADERS, GRAPH_KEY, attachment_cells
from ..risk import load_profile, sources
from ..risk.profiles import theme_labels
from .atomic import atomic_path
from .openpyxl_copy import write_openpyxl_copy, write_rebuilt_copy
from .plan import AddedColumns, ExportPlan, PlannedComment
from .xlsx import HeatMap, TableSheet, cell_value, percent, table_sheet
from .xlsx_patch import PatchUnsupported, write_zip_copy

# Columns added after the user's own on the suppliers sheet: header -> width.
# "imvo tier" rather than "tier": "tier" is an input alias, and the user's declared tier must
# stay the one a re-import reads. No header here is an alias of an input field (tested).
# The headers are catalogue keys (imvo_cli/i18n, group "column"), written in the export's
# language; every language's headers are recognised when an annotated workbook comes back.
ADDED_KEYS: tuple[str, ...] = ("imvo_id", "imvo_tier", "risk_level", "risk_score", "themes",
                               "upstream_risk", "reasons", "inherent_risk", "priority", "issues")
ADDED_WIDTHS: tuple[float, ...] = (14, 10, 12, 11, 40, 30, 70, 12, 9, 60)
ADDED_COLUMNS: dict[str, float] = {t(f"column.{k}", "en"): w for k, w in zip(ADDED_KEYS, ADDED_WIDTHS)}
ADDED_HEADERS: tuple[str, ...] = tuple(ADDED_COLUMNS)
LEVEL_AT = ADDED_KEYS.index("risk_level")
ISSUES_AT = ADDED_KEYS.index("issues")


def added_headers(lang: str = "en") -> tuple[str, ...]:
    """The added columns' headers in `lang`."""
    return tuple(t(f"column.{k}", lang) for k in ADDED_KEYS)


# Sheets imvo appends, in this order (catalogue keys, group "sheet"); a name the user already
# uses gets " (imvo)" appended, and imvo's own sheets from an earlier export are replaced.
SUMMARY, RISKS, CHAINS, ISSUES, COUNTRIES = "summary", "risks", "chains", "issues", "countries"
GENERATED = (SUMMARY, RISKS, CHAINS, ISSUES, COUNTRIES)
CSV_SHEET_TITLE = "Suppliers"  # a csv input has no sheet name
COPY_EXTS = (".xlsx", ".xlsm")  # inputs copied as workbooks; others are rebuilt from their rows

RISK_HEADERS = ("imvo_id", "supplier", "country", "imvo_tier", "theme", "risk_level", "rule",
                "evidence", "source")
CHAIN_HEADERS = ("chain", "start", "start_country", "steps", "path", "worst_risk")
ISSUE_HEADERS = ("severity", "issue_code", "file", "sheet", "row", "column", "message", "hint")
SUMMARY_HEADERS = ("section", "item", "value")
COUNTRY_HEADERS = ("country", "country_name_lower")  # then one column per theme, then worst_risk
# The first headers of each generated sheet: with its name, how an earlier export's sheet is
# told from a sheet of the user's that happens to share the name.
SIGNATURES = {SUMMARY: SUMMARY_HEADERS, RISKS: RISK_HEADERS[:3], CHAINS: CHAIN_HEADERS[:3],
              ISSUES: ISSUE_HEADERS[:3], COUNTRIES: COUNTRY_HEADERS}


def headers_in(keys: Iterable[str], lang: str = "en") -> tuple[str, ...]:
    return tuple(t(f"column.{k}", lang) for k in keys)


def sheet_title(key: str, lang: str = "en") -> str:
    return t(f"sheet.{key}", lang)


@lru_cache(maxsize=64)
def level_text(level: str | None, lang: str = "en") -> str:
    """A level as written in the workbook: its label in `lang` (unknown for none)."""
    return label("level", level or UNKNOWN, lang)


def level_labels(lang: str = "en") -> dict[str, str]:
    return {lvl: level_text(lvl, lang) for lvl in (*LEVELS, UNKNOWN)}


def theme_names(sector: str | None, lang: str = "en") -> dict[str, str]:
    """Theme key -> human label: the sector profile's in English, the catalogue's in Dutch."""
    names = dict(theme_labels(sector))
    if lang != "en":
        for key in list(names):
            if has(f"theme.{key}", lang):
                names[key] = t(f"theme.{key}", lang)
    return names


def theme_name(key: str, names: dict[str, str], lang: str = "en") -> str:
    if key in names:
        return names[key]
    return label("theme", key, lang)
# Caps on the generated sheets: one row per flag or per path grows to millions of rows at
# 100,000 suppliers (more than a sheet holds, and more than anyone reads). The worst come
# first; a note row and the Summary sheet say what was left out, and every supplier's reasons
# stay in full in its own row (reasons column) and in `imvo map --format json`.
MAX_RISK_ROWS = 100_000
MAX_CHAINS = 100_000
# Reasons as a cell comment only on the risk level of critical suppliers: the reasons column
# already holds them for every row, and 100,000 comments cost more than the rest of the export.
COMMENT_LEVELS = ("critical",)
COMMENT_AUTHOR = "imvo"
COMMENT_SIZE = {"width": 360, "height": 160}  # points
MAX_COMMENT_CHARS = 2_000
EXCEL_MAX_ROWS = 1_048_576
OSH_WIDTHS: tuple[float, ...] = (16, 18)  # the OS ID columns (osh.ANNOTATED_HEADERS)
# Copy an xlsx/xlsm input at the zip level (xlsx_patch) when it fits; openpyxl otherwise.
FAST_COPY = True
SUMMARY_WIDTHS = (26, 30, 60)
RISK_WIDTHS = (14, 34, 9, 10, 24, 11, 28, 60, 40)
CHAIN_WIDTHS = (8, 34, 13, 8, 90, 12)
ISSUE_WIDTHS = (10, 24, 24, 16, 8, 18, 70, 60)


@dataclass(frozen=True)
class ExportResult:
    """How the annotated workbook was written: the back end, and why not the zip copy."""

    backend: str  # "zip-copy" | "openpyxl" | "rebuilt"
    fallback_reason: str | None = None


def write_annotated(chain_map: ChainMap, out_path: str | Path, *, input_path: str | Path,
                    lang: str = "en") -> ExportResult:
    """Write `out_path`: a copy of the user's workbook with imvo's columns and sheets added,
    imvo's headers, sheet names and labels in `lang` (en or nl)."""
    input_path, out_path = Path(input_path), Path(out_path)
    refuse_output_over_input(out_path, input_path)
    out_ext = out_path.suffix.lower()
    in_ext = input_path.suffix.lower()
    if out_ext not in (".xlsx", ".xlsm") or (out_ext == ".xlsm" and in_ext != ".xlsm"):
        raise ImvoError(f"the annotated workbook must be an .xlsx file, got {out_path.name!r}",
                        file=str(out_path), code="output-type",
                        hint="end the export file name with .xlsx (.xlsm only for an .xlsm input)")
    plan = build_plan(chain_map, lang)
    reason: str | None
    if in_ext in COPY_EXTS and _is_zip(input_path):
        if not FAST_COPY:
            reason = "the zip-level copy is switched off"
        elif in_ext != out_ext:
            reason = f"an {in_ext} input written as {out_ext}"
        else:
            try:
                with atomic_path(out_path, suffix=out_ext) as tmp:
                    write_zip_copy(plan, input_path, tmp)
                return ExportResult("zip-copy")
            except PatchUnsupported as exc:  # the partial file is already gone
                reason = str(exc)
        write_openpyxl_copy(plan, input_path, out_path, keep_vba=out_ext == ".xlsm")
        return ExportResult("openpyxl", reason)
    reason = write_rebuilt_copy(plan, _sheets_of(input_path), input_path, out_path)
    return ExportResult("rebuilt", reason)


def refuse_output_over_input(out_path: Path, input_path: Path) -> None:
    """imvo never writes its input: refuse an output path that is (or links to) the input."""
    try:
        same = out_path.resolve() == input_path.resolve() or (
            out_path.exists() and input_path.exists() and os.path.samefile(out_path, input_path))
    except OSError:
        same = False
    if same:
        raise ImvoError("output path is the input file; imvo never writes its input",
                        file=str(out_path), code="output-is-input",
                        hint="choose another file name for the annotated workbook")


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"PK"


def _sheets_of(path: Path) -> list[tuple[str, bool, list[list[Any]]]]:
    """Every worksheet's rows, for a csv/xls/ods input rebuilt as a workbook."""
    return [(sheet.name or CSV_SHEET_TITLE, bool(sheet.visible), list(sheet.load(None)))
            for sheet in read_sheets(path) if sheet.kind == "worksheet"]


# ---- the plan ------------------------------------------------------------------------------

_COPY_SUFFIX = re.compile(r" \(imvo(?: \d+)?\)$")


def is_imvo_sheet(title: str, header: Sequence[Any]) -> bool:
    """A sheet imvo generated in an earlier export (any language): its name is one of imvo's
    sheet names (perhaps with " (imvo)" or " (imvo 2)"), and its header is imvo's."""
    base = _COPY_SUFFIX.sub("", title)
    for key in GENERATED:
        if not any(base == name or (base != title and name.startswith(base))
                   for name in variants(f"sheet.{key}")):
            continue
        keys = SIGNATURES[key]
        found = tuple(header[:len(keys)])
        if any(found == headers_in(keys, lang) for lang in LANGS):
            return True
    return False


def has_gazetteer(chain_map: ChainMap) -> bool:
    """Whether the map was run with an Open Supply Hub download (--facilities)."""
    graph = chain_map.graph
    return graph is not None and GRAPH_KEY in graph.graph


def build_plan(chain_map: ChainMap, lang: str = "en") -> ExportPlan:
    """The whole annotated export as data, for either back end."""
    risks, flags = risk_rows(chain_map, lang=lang)
    chains = chain_rows(chain_map, lang)
    listed = {"risks": (len(risks) - (len(risks) > MAX_RISK_ROWS), flags),
              "chains": (len(chains) - (len(chains) > MAX_CHAINS), None)}
    footer = t("print.footer", lang)
    labels = level_labels(lang)
    themes, countries = country_theme_levels(chain_map, lang)

    def table(key: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              widths: Sequence[float], level_column: str | None = None,
              heat_map: HeatMap | None = None) -> TableSheet:
        return table_sheet(sheet_title(key, lang), headers, rows, level_column=level_column,
                           widths=widths, footer=footer, level_labels=labels, heat_map=heat_map)

    tables = [
        table(SUMMARY, headers_in(SUMMARY_HEADERS, lang), summary_rows(chain_map, listed, lang),
              SUMMARY_WIDTHS),
        table(RISKS, headers_in(RISK_HEADERS, lang), risks, RISK_WIDTHS,
              level_column=t("column.risk_level", lang)),
        table(CHAINS, headers_in(CHAIN_HEADERS, lang), chains, CHAIN_WIDTHS,
              level_column=t("column.worst_risk", lang)),
        table(ISSUES, headers_in(ISSUE_HEADERS, lang), issue_rows(chain_map, lang), ISSUE_WIDTHS),
        table(COUNTRIES, country_headers(chain_map, themes, lang), countries,
              (9, 24, *([16] * len(themes)), 12),
              heat_map=HeatMap(3, len(themes) + 1, len(countries), labels)),  # + worst_risk
    ]
    return ExportPlan(sheet=chain_map.source.sheet, columns=added_columns(chain_map, lang),
                      tables=tables, footer=footer, as_of=chain_map.as_of,
                      is_earlier_sheet=is_imvo_sheet, comment_author=COMMENT_AUTHOR,
                      comment_size=dict(COMMENT_SIZE))


def added_columns(chain_map: ChainMap, lang: str = "en") -> AddedColumns:
    """imvo's columns on the suppliers sheet: headers, widths, each row's cells (built when
    the row is written: 100,000 rows of text held at once would cost more memory than the
    rest of the export) and the comments."""
    source = chain_map.source
    names = theme_names(chain_map.sector, lang)
    row_issues, by_row = _rows_of(chain_map)
    osh = has_gazetteer(chain_map)
    headers = added_headers(lang) + (ANNOTATED_HEADERS if osh else ())
    widths = ADDED_WIDTHS + (OSH_WIDTHS if osh else ())
    attached = chain_map.graph.graph.get(GRAPH_KEY, {}) if osh and chain_map.graph is not None \
        else {}
    level_keys = {lvl: lvl for lvl in (*LEVELS, UNKNOWN)}
    level_keys.update({text: lvl for lvl, text in level_labels(lang).items()})

    def values(r: int) -> list[Any]:
        supplier = by_row.get(r)
        out = supplier_cells(supplier, chain_map, lang, names) if supplier is not None \
            else [None] * len(ADDED_KEYS)
        issues = row_issues.get(r)
        if issues:
            out[ISSUES_AT] = issues_text(issues, lang)
        if osh:
            out += attachment_cells(attached.get(supplier.id) if supplier is not None else None)
        return [cell_value(v) if isinstance(v, (list, tuple, set, dict)) else v for v in out]

    return AddedColumns(header_row=source.header_row, headers=headers, widths=widths,
                        level_at=LEVEL_AT, level_keys=level_keys,
                        rows=sorted(set(by_row) | set(row_issues)), values=values,
                        comments=planned_comments(chain_map, lang, names, row_issues, by_row),
                        earlier=tuple(added_headers(other) for other in LANGS))


def planned_comments(chain_map: ChainMap, lang: str, names: dict[str, str],
                     row_issues: dict[int, list[Issue]],
                     by_row: dict[int, Supplier]) -> list[PlannedComment]:
    """The reasons of critical suppliers on their level cell; each row's issue messages on the
    cell they point at (or on the issues cell)."""
    columns = _column_index(chain_map.source.headers)
    comments: list[PlannedComment] = []
    for r in sorted(set(by_row) | set(row_issues)):
        supplier = by_row.get(r)
        if supplier is not None:
            risk = chain_map.risk.get(supplier.id)
            if risk is not None and risk.flags and risk.level in COMMENT_LEVELS:
                comments.append(PlannedComment(r, _comment_text(reasons_text(risk, "\n", names, lang)),
                                               added=LEVEL_AT))
        per_col: dict[int | None, list[str]] = {}
        for issue in row_issues.get(r, ()):
            per_col.setdefault(_issue_column(issue, columns), []).append(
                issue.message + (f" ({issue.hint})" if issue.hint else ""))
        for col, texts in per_col.items():
            text = _comment_text("\n".join(texts))
            comments.append(PlannedComment(r, text, column=col) if col is not None
                            else PlannedComment(r, text, added=ISSUES_AT))
    return comments


# ---- the suppliers sheet --------------------------------------------------------------------

def supplier_cells(supplier: Supplier, chain_map: ChainMap, lang: str = "en",
                   names: dict[str, str] | None = None) -> list[Any]:
    """The added cells of a supplier's rows, in ADDED_KEYS order (issues come per row)."""
    risk = chain_map.risk.get(supplier.id) or RiskAssessment()
    names = theme_names(chain_map.sector, lang) if names is None else names
    return [supplier.id, chain_map.tiers.get(supplier.id), level_text(risk.level, lang), risk.score,
            themes_text(risk, names, lang), upstream_text(risk, chain_map, lang),
            reasons_text(risk, labels=names, lang=lang),
            level_text(risk.inherent_level or risk.level, lang), risk.priority, None]


def themes_text(risk: RiskAssessment, labels: dict[str, str] | None = None,
                lang: str = "en") -> str:
    """Known theme levels, worst first: 'Forced labour: high; Living wage: medium'."""
    labels = labels or {}
    known = [(k, r.level) for k, r in risk.themes.items() if r.level in LEVELS]
    known.sort(key=lambda tl: (-level_rank(tl[1]), tl[0]))
    return "; ".join(f"{theme_name(k, labels, lang)}: {level_text(lvl, lang)}" for k, lvl in known)


def upstream_text(risk: RiskAssessment, chain_map: ChainMap, lang: str = "en") -> str:
    if not risk.upstream_level:
        return ""
    names = [chain_map.suppliers[s].name if s in chain_map.suppliers else s
             for s in risk.upstream_path]
    return level_text(risk.upstream_level, lang) + (
        f" {t('workbook.via', lang)} {' > '.join(names)}" if names else "")


def flag_text(flag, lang: str = "en") -> str:
    return (f"{flag.theme} {level_text(flag.level, lang)}: {evidence_value(flag.rule, flag.evidence, lang)} "
            f"({flag.rule}; {evidence_source(flag.source, lang)})")


def evidence_text(ev, level: str, labels: dict[str, str], lang: str = "en") -> str:
    """One evidence item with the themes it affects: 'Child labour, Forced labour (high): ...'."""
    themes = ", ".join(theme_name(k, labels, lang) for k in ev.themes)
    what = t("workbook.data_gap", lang) if ev.kind == "gap" else level_text(level, lang)
    return f"{themes} ({what}): {evidence_value(ev.rule, ev.value, lang)} [{evidence_source(ev.source, lang)}]"


def reasons_text(risk: RiskAssessment, sep: str = "; ", labels: dict[str, str] | None = None,
                 lang: str = "en") -> str:
    """Each piece of evidence once, main evidence first, data gaps last."""
    if not risk.evidence:
        return sep.join(flag_text(f, lang) for f in risk.ranked_flags())
    labels = labels or {}
    main = list(risk.main)
    rest = [i for i, ev in enumerate(risk.evidence) if i not in main and ev.kind != "gap"
            and ev.rule != "not-applicable"]
    rest.sort(key=lambda i: (-level_rank(risk.flags[i].level), i))
    tail = [i for i, ev in enumerate(risk.evidence) if i not in main and i not in rest]
    return sep.join(evidence_text(risk.evidence[i], risk.flags[i].level, labels, lang)
                    for i in main + rest + tail)


def _column_index(headers: list[str]) -> dict[str, int]:
    """Header text as ingest reported it -> 1-based column number."""
    return {text: i for i, text in enumerate(headers, 1)}


def _issue_column(issue: Issue, columns: dict[str, int]) -> int | None:
    if not issue.column:
        return None
    if issue.column in columns:
        return columns[issue.column]
    if re.fullmatch(r"[A-Z]{1,3}", issue.column):
        return column_index_from_string(issue.column)
    return None


def issues_text(issues, lang: str = "en") -> str:
    return "; ".join(f"{severity_text(i.severity, lang)}: {issue_message(i, lang)}" for i in issues)


def severity_text(severity: str, lang: str = "en") -> str:
    return label("severity", severity, lang)


def _rows_of(chain_map: ChainMap) -> tuple[dict[int, list[Issue]], dict[int, Supplier]]:
    """The suppliers sheet's data rows: the issues on each, and the supplier each belongs to."""
    source = chain_map.source
    row_issues: dict[int, list[Issue]] = {}
    for issue in chain_map.issues:
        if issue.row is not None and issue.row > source.header_row and issue.sheet == source.sheet:
            row_issues.setdefault(issue.row, []).append(issue)
    by_row: dict[int, Supplier] = {}
    for supplier in chain_map.suppliers.values():
        for r in supplier.rows:
            by_row[r] = supplier
    return row_issues, by_row


def _comment_text(text: str) -> str:
    return text[:MAX_COMMENT_CHARS - 1] + "…" if len(text) > MAX_COMMENT_CHARS else text


# ---- generated sheets -----------------------------------------------------------------------

def _tier_of(chain_map: ChainMap, sid: str):
    return chain_map.tiers.get(sid)


ACT_FIRST = 10  # suppliers the Summary leads with


def act_first_rows(chain_map: ChainMap, limit: int = ACT_FIRST,
                   lang: str = "en") -> list[tuple[str, str, Any]]:
    """'where to act first': the suppliers with the best priority, their residual (and
    inherent) level and the main evidence, once per supplier."""
    names = theme_names(chain_map.sector, lang)
    section = t("workbook.act_first", lang)
    rows = []
    ranked = [sid for sid in priority_order(chain_map.risk, chain_map.tiers)
              if chain_map.risk[sid].level not in ("low", UNKNOWN)][:limit]
    for sid in ranked:
        a, s = chain_map.risk[sid], chain_map.suppliers[sid]
        level = level_text(a.level, lang)
        if a.inherent_level and a.inherent_level != a.level:
            level += f" ({t('workbook.inherent', lang)} {level_text(a.inherent_level, lang)})"
        main = main_reasons(a, 2, names, lang)
        rows.append((section, f"{a.priority}. {s.name} ({s.country or '?'})",
                     f"{level}: {' | '.join(main)}" if main else level))
    return rows


def summary_rows(chain_map: ChainMap, listed: dict | None = None,
                 lang: str = "en") -> list[tuple[str, str, Any]]:
    """(section, item, value) rows: company, counts, coverage, sources, version, policy;
    `listed` (sheet -> (rows listed, total or None)) notes a capped Risks or Chains sheet."""
    def s_(key: str, **kw) -> str:
        return t(f"summary.{key}", lang, **kw)

    def w_(key: str, **kw) -> str:
        return t(f"workbook.{key}", lang, **kw)

    sups = list(chain_map.suppliers.values())
    rows: list[tuple[str, str, Any]] = act_first_rows(chain_map, lang=lang)
    # imvo map passes the date it uses (--as-of, else today); a map built without one was
    # assessed on the day it was built, which the workbook cannot know afterwards
    as_of = chain_map.as_of.isoformat() if chain_map.as_of else w_("today")
    rows += [
        (s_("company"), s_("name"), chain_map.company.name),
        (s_("company"), s_("sector"), label("sector", chain_map.sector, lang)),
        (s_("company"), s_("as_of"), as_of),
        (s_("input"), s_("file"), Path(chain_map.source.file).name),
        (s_("input"), s_("sheet"), chain_map.source.sheet),
        (s_("input"), s_("rows"), chain_map.source.rows),
        (s_("input"), s_("rejected_rows"), len(chain_map.source.rejected_rows)),
        (s_("input"), s_("suppliers"), len(sups)),
        (s_("input"), s_("issues"), len(chain_map.issues)),
    ]
    tiers: dict[str, int] = {}
    for s in sups:
        tier = _tier_of(chain_map, s.id)
        key = "unreachable" if tier is None else f"tier {tier}"
        tiers[key] = tiers.get(key, 0) + 1
    rows += [(s_("per_tier"), s_("unreachable") if k == "unreachable"
              else s_("tier", tier=k.split()[1]), v)
             for k, v in sorted(tiers.items(), key=_tier_sort)]
    countries: dict[str, int] = {}
    for s in sups:
        countries[s.country or "?"] = countries.get(s.country or "?", 0) + 1
    rows += [(s_("per_country"), k, v) for k, v in sorted(countries.items())]
    levels = {lvl: 0 for lvl in (*reversed(LEVELS), UNKNOWN)}
    for s in sups:
        lvl = (chain_map.risk.get(s.id) or RiskAssessment()).level or UNKNOWN
        levels[lvl] = levels.get(lvl, 0) + 1
    rows += [(s_("per_level"), level_text(k, lang), v) for k, v in levels.items()]
    summary = chain_map.summary or {}
    inherent = summary.get("risk_inherent")
    if inherent:
        rows += [(w_("per_inherent_level"), level_text(k, lang), inherent.get(k, 0))
                 for k in levels]
    cov = summary.get("coverage")
    if cov:
        section = w_("data_coverage")
        rows.append((section, w_("audit_data"), w_("audit_not_listed")
                     if not cov["audit"]["column"] else percent(_scalar(cov["audit"]["share"]))))
        for kind in ("product", "process"):
            c = cov[kind]
            rows.append((section, w_(f"{kind}_given"), percent(_scalar(c["share"])) if c["column"]
                         else w_("not_listed")))
            rows.append((section, w_(f"{kind}_recognised"), percent(_scalar(c["recognised"]))))
            words = cov["unrecognised"][kind]
            if words:
                rows.append((section, w_(f"{kind}_unrecognised"),
                             ", ".join(f"{w} ({n})" for w, n in list(words.items())[:20])))
    n = len(sups) or 1
    visibility = summary.get("visibility")
    if visibility is None:
        visibility = round(sum(1 for s in sups if _tier_of(chain_map, s.id) is not None) / n, 4)
    completeness = summary.get("address_completeness")
    if completeness is None:
        completeness = round(sum(1 for s in sups if has_full_address(s)) / n, 4)
    rows += [(s_("coverage"), s_("visibility"), percent(_scalar(visibility))),
             (s_("coverage"), s_("address_completeness"), percent(_scalar(completeness)))]
    for src in _sources():
        rows.append((s_("sources"), str(src.get("name", "")),
                     " | ".join(str(src[k]) for k in ("edition", "url", "licence") if src.get(k))))
    for sheet, (shown, total) in (listed or {}).items():
        cap = MAX_RISK_ROWS if sheet == "risks" else MAX_CHAINS
        if shown >= cap:
            rows.append((w_("capped_sheet", sheet=sheet_title(sheet, lang)), s_("rows_listed"),
                         w_("capped_note", shown=shown,
                            total=total if total is not None else w_("more"))))
    rows.append(("imvo", s_("version"), __version__))
    policy = chain_map.policy
    if policy is not None and hasattr(policy, "describe"):
        for key, value in policy.describe().items():
            value = _scalar(value)
            rows.append((s_("policy"), key, percent(value) if key in POLICY_SHARES else value))
    return rows


# Policy keys whose value is a share (0..1), shown as a percentage like the coverage above.
POLICY_SHARES = frozenset({"min_visibility", "min_address_completeness"})


def _tier_sort(item):
    key = item[0]
    return (1, 0) if key == "unreachable" else (0, int(key.split()[1]))


def _scalar(value: Any) -> Any:
    """A cell value for a summary entry: dicts and lists as compact text."""
    if isinstance(value, dict):
        if set(value) >= {"value"}:
            return _scalar(value["value"])
        return "; ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) or None
    if isinstance(value, (list, tuple)):
        return " | ".join(str(_scalar(v)) for v in value) or None
    return value


def _sources() -> list[dict]:
    try:
        return list(sources())
    except Exception:  # a report must not fail because a data file listing is broken
        return []


def risk_rows(chain_map: ChainMap, limit: int = MAX_RISK_ROWS,
              lang: str = "en") -> tuple[list[tuple], int]:
    """(rows, number of flags): one row per flag, worst first (then by supplier name), at most
    `limit` rows and then a note row saying how many more there are.

    Only the flags that can make the cut are turned into rows: whole levels while they fit,
    then the next level's flags supplier by supplier in name order."""
    suppliers = sorted(((s.name or "", sid) for sid, s in chain_map.suppliers.items()
                        if chain_map.risk.get(sid) is not None))
    per_level: dict[str, int] = {}
    for _, sid in suppliers:
        for f in chain_map.risk[sid].flags:
            per_level[f.level] = per_level.get(f.level, 0) + 1
    total = sum(per_level.values())
    whole, cut, room = set(), None, limit
    for lvl in sorted(per_level, key=level_rank, reverse=True):
        if per_level[lvl] <= room:
            whole.add(lvl)
            room -= per_level[lvl]
        else:
            cut = lvl
            break
    rows = []
    names = theme_names(chain_map.sector, lang)
    for _, sid in suppliers:
        s = chain_map.suppliers[sid]
        tier = _tier_of(chain_map, sid)
        take_cut = room > 0  # all of a supplier's flags at the cut level, or none
        for f in chain_map.risk[sid].flags:
            if f.level in whole or (take_cut and f.level == cut):
                rows.append((sid, s.name, s.country, tier, f.theme, f.level, f.rule, f.evidence,
                             f.source))
                room -= f.level == cut
    rows.sort(key=lambda r: (-level_rank(r[5]), r[1] or "", r[0], r[4] or "", r[6] or "",
                             str(r[7] or ""), str(r[8] or "")))
    if total > limit:
        rows = rows[:limit]
    # imvo's labels last, so the order above is the same in every language
    out: list[tuple[Any, ...]] = [(sid, name, country, tier, ", ".join(theme_name(k, names, lang)
                                                 for k in (theme or "").split(", ") if k),
             level_text(level, lang), rule, evidence_value(rule, evidence, lang),
             evidence_source(source, lang))
            for sid, name, country, tier, theme, level, rule, evidence, source in rows]
    if total > limit:
        out.append((None, t("workbook.more_flags", lang, n=total - limit),
                    None, None, None, None, None, None, None))
    return out, total


def chain_rows(chain_map: ChainMap, lang: str = "en") -> list[tuple]:
    """One row per path from a supplier nobody supplies (raw material end) to the company."""
    graph = chain_map.graph
    company = chain_map.company.id
    if graph is None or company not in graph:
        return []
    def label(node) -> str:
        if node == company:
            return chain_map.company.name
        s = chain_map.suppliers.get(node)
        return f"{s.name} ({s.country})" if s and s.country else (s.name if s else str(node))

    def level(node) -> str:
        risk = chain_map.risk.get(node)
        return risk.level if risk else UNKNOWN

    starts = sorted(n for n in graph.nodes if n != company and graph.in_degree(n) == 0)
    rows: list[tuple[Any, ...]] = []
    for start in starts:
        # Paths are taken as they are generated and stop at the cap: a layered list has
        # exponentially many, so they are never all enumerated (and sorted) first.
        for path in nx.all_simple_paths(graph, start, company):
            if len(rows) >= MAX_CHAINS:
                rows.append((len(rows) + 1, t("workbook.more_chains", lang), None, None, None,
                             None))
                return rows
            worst_level = level_text(worst(level(n) for n in path[:-1]), lang)
            s = chain_map.suppliers.get(start)
            rows.append((len(rows) + 1, s.name if s else start, s.country if s else None,
                         len(path) - 1, " > ".join(label(n) for n in path), worst_level))
    return rows


def issue_rows(chain_map: ChainMap, lang: str = "en") -> list[tuple]:
    return [(severity_text(i.severity, lang), i.code, Path(i.file).name if i.file else None,
             i.sheet, i.row, i.column, issue_message(i, lang), issue_hint(i, lang))
            for i in sorted(chain_map.issues, key=Issue.sort_key)]


def country_headers(chain_map: ChainMap, themes: list[str], lang: str = "en") -> tuple[str, ...]:
    names = theme_names(chain_map.sector, lang)
    return (*headers_in(COUNTRY_HEADERS, lang), *(theme_name(k, names, lang) for k in themes),
            t("column.worst_risk", lang))


def country_theme_levels(chain_map: ChainMap, lang: str = "en") -> tuple[list[str], list[tuple]]:
    """(themes, rows of country, name, level per theme, worst): the worst level per cell."""
    themes: set[str] = set()
    cells: dict[str, dict[str, str]] = {}
    for sid, s in chain_map.suppliers.items():
        risk = chain_map.risk.get(sid)
        per = cells.setdefault(s.country or "?", {})
        if risk is None:
            continue
        for theme, tr in risk.themes.items():
            themes.add(theme)
            per[theme] = _worse(per.get(theme), tr.level)
    order = _theme_order(chain_map.sector, themes)
    rows = []
    for country in sorted(cells):
        levels = [cells[country].get(k, UNKNOWN) for k in order]
        name = country_label(country, country_name(country), lang) if country != "?" else None
        rows.append((country, name, *(level_text(lvl, lang) for lvl in levels),
                     level_text(worst(levels), lang)))
    return order, rows


def _worse(current: str | None, new: str) -> str:
    """The worse of two levels in the one Level order (unknown above low)."""
    return new if current is None else worst([current, new])


def _theme_order(sector: str, themes: Iterable[str]) -> list[str]:
    try:
        profile_order = list(load_profile(sector).themes)
    except Exception:
        profile_order = []
    themes = set(themes)
    return [t for t in profile_order if t in themes] + sorted(themes - set(profile_order))
