"""The one workbook writer: sheet geometry and styles as data, inert text, atomic saves.

Every generated table sheet (annotated export, aggregate, check, diff, OSH tables) is a
TableSheet written by one streamed writer (`streamed_sheet_chunks`) into a package whose other
parts come either from the user's workbook (xlsx_patch) or from openpyxl (`save_workbook`:
openpyxl writes the workbook with an empty placeholder per table, then the placeholders are
replaced and imvo's formats appended at the zip level). Text that starts with = + - @ tab or
CR is stored as text, never as a formula.
"""

from __future__ import annotations

import math
import re
import tempfile
import weakref
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.page import PageMargins
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

from ..model import LEVEL_COLOURS, LEVEL_FONT_COLOURS
from .atomic import atomic_path
from .parts import FIXED_ZIP_TIME, StyleIds, copy_part, new_part, patch_styles, sheet_parts
from .safety import is_dangerous
from .styles import DATE_FORMAT, HEADER_STYLE, LABEL_STYLE, PERCENT_STYLE, TITLE_STYLE, level_style

__all__ = ["DATE_FORMAT", "FIXED_ZIP_TIME", "HEADER_STYLE", "LABEL_STYLE", "LEVEL_COLOURS",
           "LEVEL_FONT_COLOURS", "TITLE_STYLE", "HeatMap", "Styled", "TableSheet",
           "add_streamed_table", "add_table_sheet", "apply_print_setup", "apply_style",
           "cell_value", "column_widths", "level_style", "percent", "print_setup_xml", "print_titles_xml",
           "save_workbook", "set_value", "stable_properties", "streamed_sheet_chunks",
           "table_sheet", "xml_text"]

# Geometry of generated table sheets.
HEADER_ROW = 1
FIRST_DATA_ROW = 2
FREEZE_CELL = "A2"
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8

# Print setup of every generated sheet: A4 landscape, all columns on one page width, the
# header rows repeated on each page, "Page 3 of 12" in the footer (&P, &N are Excel codes).
PAPER_A4 = 9
PRINT_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}
DEFAULT_FOOTER = "Page &P of &N"
FIXED_TIME = (2000, 1, 1)  # document properties carry no clock time: same input, same bytes
# Characters XML 1.0 cannot hold are dropped; & < > are escaped and CR kept as a reference
# (a parser would turn a raw CR into LF).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SHEET_NS = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')
SPOOL_BYTES = 64 << 20  # an openpyxl skeleton held in memory up to this size


class Styled:
    """A value with its own style, for a single cell of a streamed table (e.g. a heat map)."""

    __slots__ = ("style", "value")

    def __init__(self, value: Any, style: dict[str, Any] | None):
        self.value = value
        self.style = style


def percent(value: Any) -> Any:
    """A share (0..1) shown as a percentage: the cell keeps the number, formatted '0.0%'.
    Anything but a number (None, a text) stays as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Styled(value, PERCENT_STYLE)
    return value


@dataclass(frozen=True)
class HeatMap:
    """Conditional fills by level text over the cells from `first_column` (1-based) on."""

    first_column: int
    columns: int
    rows: int
    labels: dict[str, str]  # level -> the text written


@dataclass
class TableSheet:
    """A generated table: bold frozen header, autofilter, a fill per level in one column,
    print setup; `rows` are plain values (or Styled)."""

    title: str
    headers: list[str]
    rows: Sequence[Sequence[Any]]
    widths: list[float]
    level_index: int | None = None
    level_keys: dict[str, str] = field(default_factory=dict)  # text written -> level
    footer: str | None = None
    heat_map: HeatMap | None = None
    validations: Any = None  # an openpyxl DataValidationList (dropdowns), written as XML

    @property
    def ref(self) -> str:
        last = f"{get_column_letter(max(1, len(self.headers)))}{max(HEADER_ROW, len(self.rows) + HEADER_ROW)}"
        return f"A{HEADER_ROW}:{last}"

    def styles_used(self) -> list[dict[str, Any]]:
        """The own styles of Styled cells, each once (the styles part must list them)."""
        seen: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            for value in row:
                if isinstance(value, Styled) and value.style:
                    seen.setdefault(repr(value.style), value.style)
        return list(seen.values())


def table_sheet(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                level_column: str | None = None, widths: Sequence[float] | None = None,
                footer: str | None = None, level_labels: dict[str, str] | None = None,
                heat_map: HeatMap | None = None) -> TableSheet:
    """A TableSheet; `level_labels` (level -> the text written, e.g. "hoog") colours
    translated levels too."""
    rows = rows if isinstance(rows, Sequence) else list(rows)
    headers = list(headers)
    keys = {lvl: lvl for lvl in LEVEL_COLOURS}
    for lvl, text in (level_labels or {}).items():
        if lvl in LEVEL_COLOURS:
            keys.setdefault(text, lvl)
    return TableSheet(title, headers, rows, list(widths or column_widths(headers, rows)),
                      headers.index(level_column)
                      if level_column is not None and level_column in headers else None,
                      keys, footer, heat_map)


# ---- cells ---------------------------------------------------------------------------------

def apply_style(cell: Any, style: dict[str, Any]) -> None:
    """Apply a small style dict ({'font': {...}, 'fill': 'RRGGBB', 'alignment': {...}}) to an
    openpyxl cell."""
    if "font" in style:
        cell.font = Font(**style["font"])
    if "fill" in style:
        cell.fill = PatternFill("solid", start_color=style["fill"], end_color=style["fill"])
    if "alignment" in style:
        cell.alignment = Alignment(**style["alignment"])


def cell_value(value: Any) -> Any:
    """A Python value a cell can store: lists joined, None kept, and the control characters
    and the other characters XML 1.0 cannot hold (U+FFFE, U+FFFF, which pass ingest) removed."""
    if isinstance(value, (list, tuple, set)):
        value = " | ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str):
        value = _XML_BAD.sub("", value)
    return value


def set_value(cell: Any, value: Any) -> None:
    """Put a value in an openpyxl cell; text that would be a formula stays text."""
    value = cell_value(value)
    cell.value = value
    if is_dangerous(value):
        cell.data_type = "s"


def column_widths(headers: Sequence[str], rows: Iterable[Sequence[Any]], sample: int = 500) -> list[float]:
    """Widths from the header and the first rows, clamped to a readable range."""
    widths: list[float] = [max(MIN_COLUMN_WIDTH, len(str(h)) + 2) for h in headers]
    for n, row in enumerate(rows):
        if n >= sample:
            break
        for i, v in enumerate(row[:len(widths)]):
            if isinstance(v, Styled):
                v = v.value
            text = str(cell_value(v)) if v is not None else ""
            widths[i] = max(widths[i], min(MAX_COLUMN_WIDTH, len(text) + 2))
    return widths


def xml_text(text: str) -> str:
    """Text as XML character data: illegal characters removed, markup escaped."""
    if _XML_WORK.search(text) is None:
        return text
    text = _XML_BAD.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


_INF = float("inf")


def cell_xml(ref: str, value: Any, sid: int | None, sids: StyleIds | None = None) -> str:
    """One <c> element; text is always an inline string, never a formula."""
    style = f' s="{sid}"' if sid else ""
    if value is None or value == "":
        return f'<c r="{ref}"{style}/>' if sid else ""
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}</t></is></c>'
    if kind is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        if kind is float and (math.isnan(value) or math.isinf(value)):
            return cell_xml(ref, str(value), sid, sids)
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, (date, datetime, time)):
        key = "date" if type(value) is date else ("time" if isinstance(value, time) else "datetime")
        date_sid = sids.ids[key] if sids is not None else None
        date_style = f' s="{date_sid}"' if date_sid else ""
        return f'<c r="{ref}"{date_style}><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, (int, float)):  # numpy-like numbers, bool subclasses
        return cell_xml(ref, float(value), sid, sids)
    return cell_xml(ref, str(cell_value(value)), sid, sids)


# ---- print setup -----------------------------------------------------------------------------

def apply_print_setup(ws: Any, *, footer: str | None = None, title_rows: int = HEADER_ROW) -> None:
    """Landscape A4, fit to one page wide, rows 1..title_rows repeated, page numbers in the
    footer: on an openpyxl sheet (the streamed writer writes the same as XML)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**PRINT_MARGINS)
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
    ws.oddFooter.center.text = footer or DEFAULT_FOOTER


def print_setup_xml(footer: str | None = None) -> str:
    """The tail elements of a sheet's print setup (after dataValidations, in schema order)."""
    m = PRINT_MARGINS
    return (f'<pageMargins left="{m["left"]}" right="{m["right"]}" top="{m["top"]}" '
            f'bottom="{m["bottom"]}" header="{m["header"]}" footer="{m["footer"]}"/>'
            f'<pageSetup paperSize="{PAPER_A4}" orientation="landscape" fitToWidth="1" '
            f'fitToHeight="0"/><headerFooter><oddFooter>&amp;C{xml_text(footer or DEFAULT_FOOTER)}'
            "</oddFooter></headerFooter>")


def print_titles_xml(title: str, sheet_index: int, rows: int = HEADER_ROW) -> str:
    """The workbook-level <definedName> that repeats rows 1..rows of a sheet on every page
    (for writers that build workbook.xml themselves)."""
    quoted = "'" + title.replace("'", "''") + "'"
    return (f'<definedName name="_xlnm.Print_Titles" localSheetId="{sheet_index}">'
            f"{xml_text(quoted)}!$1:${rows}</definedName>")


# ---- the streamed writer ---------------------------------------------------------------------

def heat_map_xml(heat: HeatMap, dxf0: int) -> str:
    """Conditional fills: one rule per level, comparing the cell with the level's text."""
    if not heat.rows or not heat.columns:
        return ""
    area = (f"{get_column_letter(heat.first_column)}2:"
            f"{get_column_letter(heat.first_column + heat.columns - 1)}{heat.rows + 1}")
    rules = "".join(f'<cfRule type="cellIs" dxfId="{dxf0 + k}" priority="{k + 1}" operator="equal">'
                    f"<formula>\"{xml_text(heat.labels.get(lvl, lvl).replace(chr(34), chr(34) * 2))}\""
                    "</formula></cfRule>" for k, lvl in enumerate(LEVEL_COLOURS))
    return f'<conditionalFormatting sqref="{area}">{rules}</conditionalFormatting>'


def streamed_sheet_chunks(table: TableSheet, sids: StyleIds) -> Iterator[str]:
    """The worksheet XML of a table, in chunks; `sids` are the styles part's format indexes."""
    headers, widths, rows = table.headers, table.widths, table.rows
    ncols = max([len(headers), *(len(r) for r in rows[:1])]) if rows else len(headers)
    letters = [get_column_letter(i) for i in range(1, max(ncols, len(headers)) + 1)]
    ref = table.ref
    yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + _SHEET_NS +
           '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="{ref}"/><sheetViews><sheetView workbookViewId="0">'
           f'<pane ySplit="{HEADER_ROW}" topLeftCell="{FREEZE_CELL}" activePane="bottomLeft" '
           f'state="frozen"/><selection pane="bottomLeft" activeCell="{FREEZE_CELL}" '
           f'sqref="{FREEZE_CELL}"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if widths:
        yield "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                 for i, w in enumerate(widths, 1)) + "</cols>"
    yield "<sheetData>"
    hs = sids.ids["header"]
    yield (f'<row r="{HEADER_ROW}">' +
           "".join(cell_xml(f"{letters[i]}{HEADER_ROW}", cell_value(h), hs, sids)
                   for i, h in enumerate(headers)) + "</row>")
    level_index = table.level_index
    level_sids = {text: sids.level(lvl) for text, lvl in table.level_keys.items()}
    unknown_sid = sids.level("unknown")
    batch: list[str] = []
    needs_work = _XML_WORK.search
    for r, row in enumerate(rows, FIRST_DATA_ROW):
        cells = []
        for i, value in enumerate(row):
            if i >= len(letters):
                letters.append(get_column_letter(i + 1))
            if type(value) is str and i != level_index:  # most cells: plain text, inline
                if value:
                    cells.append(f'<c r="{letters[i]}{r}" t="inlineStr"><is><t xml:space="preserve">'
                                 f'{xml_text(value) if needs_work(value) else value}</t></is></c>')
                continue
            if value is None and i != level_index:
                continue
            kind = type(value)
            if (kind is int or (kind is float and -_INF < value < _INF)) and i != level_index:
                cells.append(f'<c r="{letters[i]}{r}"><v>{value!r}</v></c>')  # as cell_xml writes it
                continue
            sid: int | None
            if isinstance(value, Styled):
                sid = sids.of(value.style) if value.style else None
                value = value.value
            elif i == level_index:
                sid = level_sids.get(value or "unknown", unknown_sid)
            else:
                sid = None
            cells.append(cell_xml(f"{letters[i]}{r}", value, sid, sids))
        batch.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield f'</sheetData><autoFilter ref="{ref}"/>'
    if table.heat_map is not None:
        yield heat_map_xml(table.heat_map, sids.dxf0)
    if table.validations is not None and table.validations.dataValidation:
        yield tostring(table.validations.to_tree()).decode("utf-8")
    yield print_setup_xml(table.footer) + "</worksheet>"


# ---- openpyxl workbooks with streamed tables ---------------------------------------------------

# The table of each placeholder sheet made by add_streamed_table (weak: a sheet dropped with
# its workbook leaves nothing behind).
_TABLES: weakref.WeakKeyDictionary[Any, TableSheet] = weakref.WeakKeyDictionary()


def add_table_sheet(wb: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    level_column: str | None = None, freeze: bool = True,
                    autofilter: bool = True, widths: Sequence[float] | None = None,
                    footer: str | None = None) -> Any:
    """A styled table of openpyxl cells (small tables only); returns the worksheet."""
    ws = wb.create_sheet(title)
    for c, h in enumerate(headers, 1):
        cell = ws.cell(HEADER_ROW, c)
        set_value(cell, h)
        apply_style(cell, HEADER_STYLE)
    level_idx = list(headers).index(level_column) \
        if level_column is not None and level_column in headers else None
    for r, row in enumerate(rows, FIRST_DATA_ROW):
        for c, v in enumerate(row, 1):
            cell = ws.cell(r, c)
            set_value(cell, v)
            if level_idx is not None and c - 1 == level_idx:
                apply_style(cell, level_style(v))
    for i, w in enumerate(widths or column_widths(headers, rows), 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if freeze:
        ws.freeze_panes = FREEZE_CELL
    if autofilter and headers:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{max(HEADER_ROW, len(rows) + HEADER_ROW)}"
    apply_print_setup(ws, footer=footer)
    return ws


def add_streamed_table(wb: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                       level_column: str | None = None, widths: Sequence[float] | None = None,
                       footer: str | None = None, level_labels: dict[str, str] | None = None,
                       heat_map: HeatMap | None = None) -> Any:
    """A table sheet on an openpyxl workbook, written by the streamed writer when the
    workbook is saved with `save_workbook`; returns the (placeholder) worksheet, whose
    `data_validations` are written with the table."""
    table = table_sheet(title, headers, rows, level_column=level_column, widths=widths,
                        footer=footer, level_labels=level_labels, heat_map=heat_map)
    return add_table(wb, table)


def add_table(wb: Any, table: TableSheet) -> Any:
    """Add a TableSheet to an openpyxl workbook as a placeholder sheet (see save_workbook)."""
    ws = wb.create_sheet(table.title)
    ws.auto_filter.ref = table.ref  # openpyxl names the filter range in workbook.xml
    ws.print_title_rows = f"1:{HEADER_ROW}"  # and writes the print titles there
    table.validations = ws.data_validations
    _TABLES[ws] = table
    return ws


def stable_properties(wb: Any, when: date | None = None, *, keep_created: bool = False) -> None:
    """No clock time in the document properties: `when` (a date) or a fixed day."""
    stamp = datetime(when.year, when.month, when.day) if when else datetime(*FIXED_TIME)
    if not (keep_created and wb.properties.created is not None):
        wb.properties.created = stamp
    wb.properties.modified = stamp


FormulaValues = dict[str, dict[str, Any]]  # sheet part -> cell reference -> cached value


def save_workbook(wb: Any, target: str | Path, when: date | None = None, *,
                  keep_created: bool = False, formula_values: FormulaValues | None = None) -> None:
    """Save atomically (a temporary file beside the target, renamed only when complete) and
    deterministically (no clock time in the file); streamed tables written in place of their
    placeholders, `formula_values` (by sheet title) put back into formula cells."""
    stable_properties(wb, when, keep_created=keep_created)
    with atomic_path(target, suffix=Path(target).suffix or ".xlsx") as tmp, \
            tempfile.SpooledTemporaryFile(SPOOL_BYTES) as skeleton:
        write_skeleton(wb, skeleton)
        finish_package(skeleton, tmp, tables={ws.title: _TABLES[ws] for ws in wb.worksheets
                                              if ws in _TABLES},
                       formula_values=formula_values or {})


def write_skeleton(wb: Any, fh: IO[bytes]) -> None:
    """openpyxl's package of `wb` (placeholders empty), stored uncompressed."""
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()


def finish_package(src: IO[bytes] | Path, out: Path, *, tables: dict[str, TableSheet],
                   formula_values: FormulaValues) -> None:
    """Copy the package at `src` to `out` with fixed entry times, imvo's formats appended to
    the styles part, each table (by sheet title) streamed into its sheet's part and cached
    formula values restored."""
    with zipfile.ZipFile(src) as zin:
        by_title = sheet_parts(zin)
        table_parts = {by_title[title]: table for title, table in tables.items()}
        value_parts = {by_title[title]: refs for title, refs in formula_values.items()
                       if title in by_title and refs}
        extra = [s for table in tables.values() for s in table.styles_used()]
        styles, sids = patch_styles(zin.read("xl/styles.xml").decode("utf-8"), extra)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            for info in zin.infolist():
                name = info.filename
                if name == "xl/styles.xml":
                    new_part(zout, name, [styles])
                elif name in table_parts:
                    new_part(zout, name, streamed_sheet_chunks(table_parts[name], sids))
                elif name in value_parts:
                    text = zin.read(info).decode("utf-8")
                    new_part(zout, name, [restore_formula_values(text, value_parts[name])])
                else:
                    copy_part(zin, zout, info)


_EMPTY_FORMULA_VALUE = re.compile(
    r'<c r="([A-Z]{1,3}\d+)"([^>]*)>(<f\b[^>]*(?:/>|>[^<]*</f>))(?:<v\s*(?:/>|></v>)|(?=</c>))')


def restore_formula_values(sheet_xml: str, refs: dict[str, Any]) -> str:
    """A sheet's formula cells with their cached values (<v>) written back."""
    def value_xml(m: re.Match[str]) -> str:
        value = refs.get(m.group(1))
        if value is None:
            return m.group(0)
        if isinstance(value, bool):
            kind, text = ' t="b"', str(int(value))
        elif isinstance(value, (int, float)):
            kind, text = "", repr(value)
        elif isinstance(value, (datetime, date)):
            kind, text = "", repr(to_excel(value))
        elif isinstance(value, str) and value.startswith("#"):
            kind, text = ' t="e"', xml_text(value)
        else:
            kind, text = ' t="str"', xml_text(str(value))
        attrs = re.sub(r'\st="[^"]*"', "", m.group(2))
        return f'<c r="{m.group(1)}"{attrs}{kind}>{m.group(3)}<v>{text}</v>'

    return _EMPTY_FORMULA_VALUE.sub(value_xml, sheet_xml)
