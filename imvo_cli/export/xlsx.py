"""The one workbook writer: sheet geometry and styles as data, inert text, atomic saves.

Every generated sheet (annotated export, aggregate, check, template) goes through these
helpers so the safety rules live in one place: text that starts with = + - @ tab or CR is
stored as text, never as a formula.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import Path
from typing import Any

from ..model import LEVEL_COLOURS, LEVEL_FONT_COLOURS
from .atomic import atomic_path
from .safety import is_dangerous

# Geometry of generated table sheets.
HEADER_ROW = 1
FIRST_DATA_ROW = 2
FREEZE_CELL = "A2"
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8

# Colour-blind-safe palette (Paul Tol's "muted" scheme); the level is always written as text too.

# Print setup of every generated sheet: A4 landscape, all columns on one page width, the
# header rows repeated on each page, "Page 3 of 12" in the footer (&P, &N are Excel codes).
PAPER_A4 = 9
PRINT_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}
DEFAULT_FOOTER = "Page &P of &N"

HEADER_STYLE = {"font": {"bold": True, "color": "FFFFFF"}, "fill": "332288",
                "alignment": {"wrap_text": True, "vertical": "top"}}
TITLE_STYLE = {"font": {"bold": True, "size": 14}}
LABEL_STYLE = {"font": {"bold": True}}


class Styled:
    """A value with its own style, for a single cell of a streamed table (e.g. a heat map)."""

    __slots__ = ("style", "value")

    def __init__(self, value: Any, style: dict[str, Any] | None):
        self.value = value
        self.style = style


def apply_style(cell, style: dict[str, Any]) -> None:
    """Apply a small style dict ({'font': {...}, 'fill': 'RRGGBB', 'alignment': {...}})."""
    from openpyxl.styles import Alignment, Font, PatternFill

    if "font" in style:
        font = dict(style["font"])
        if "color" in font:
            font["color"] = font["color"]
        cell.font = Font(**font)
    if "fill" in style:
        cell.fill = PatternFill("solid", start_color=style["fill"], end_color=style["fill"])
    if "alignment" in style:
        cell.alignment = Alignment(**style["alignment"])


def level_style(level: str | None) -> dict[str, Any]:
    level = level or "unknown"
    return {"fill": LEVEL_COLOURS.get(level, LEVEL_COLOURS["unknown"]),
            "font": {"color": LEVEL_FONT_COLOURS.get(level, "000000"),
                     "bold": level in ("critical", "high")}}


def cell_value(value: Any) -> Any:
    """A Python value openpyxl can store: lists joined, None kept, and the control
    characters that the xlsx format cannot hold removed (ingest already warned about them)."""
    if isinstance(value, (list, tuple, set)):
        value = " | ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def set_value(cell, value: Any) -> None:
    """Put a value in a cell; text that would be a formula stays text."""
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
            text = str(cell_value(v)) if v is not None else ""
            widths[i] = max(widths[i], min(MAX_COLUMN_WIDTH, len(text) + 2))
    return widths


def apply_print_setup(ws, *, footer: str | None = None, title_rows: int = HEADER_ROW) -> None:
    """Landscape A4, fit to one page wide, rows 1..title_rows repeated, page numbers in the
    footer: on an openpyxl sheet (the streamed writer writes the same as XML)."""
    from openpyxl.worksheet.page import PageMargins

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


def add_table_sheet(wb, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    level_column: str | None = None, freeze: bool = True,
                    autofilter: bool = True, widths: Sequence[float] | None = None,
                    footer: str | None = None):
    """A styled table sheet on a normal (not write-only) workbook; returns the worksheet."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for c, h in enumerate(headers, 1):
        cell = ws.cell(HEADER_ROW, c)
        set_value(cell, h)
        apply_style(cell, HEADER_STYLE)
    level_idx = headers.index(level_column) if level_column in headers else None
    # Registering a style is slow (openpyxl hashes it into the workbook's tables): style one
    # cell per level, then copy its style array onto the others.
    level_arrays: dict[Any, Any] = {}
    for r, row in enumerate(rows, FIRST_DATA_ROW):
        for c, v in enumerate(row, 1):
            cell = ws.cell(r, c)
            set_value(cell, v)
            if level_idx is not None and c - 1 == level_idx:
                if v in level_arrays:
                    cell._style = copy(level_arrays[v])
                else:
                    apply_style(cell, level_style(v))
                    level_arrays[v] = copy(cell._style)
    for i, w in enumerate(widths or column_widths(headers, rows), 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if freeze:
        ws.freeze_panes = FREEZE_CELL
    if autofilter and headers:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{max(HEADER_ROW, len(rows) + HEADER_ROW)}"
    apply_print_setup(ws, footer=footer)
    return ws


STREAMED_ATTR = "_imvo_streamed_table"
SPLICED_ATTR = "_imvo_spliced_cells"
FIXED_TIME = (2000, 1, 1)  # document properties carry no clock time: same input, same bytes
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # nor do zip entries
DATE_FORMAT = "yyyy-mm-dd"
# Characters XML 1.0 cannot hold are dropped; & < > are escaped and CR kept as a reference
# (a parser would turn a raw CR into LF).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NS = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')


def xml_text(text: str) -> str:
    """Text as XML character data: illegal characters removed, markup escaped."""
    if _XML_WORK.search(text) is None:
        return text
    text = _XML_BAD.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def style_id(wb, style: dict[str, Any]) -> int:
    """The workbook's cell-format index for a style dict, registered once per workbook."""
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    cache = wb.__dict__.setdefault("_imvo_style_ids", {})
    key = repr(style)
    if key not in cache:
        probe = Cell(Worksheet(wb))
        apply_style(probe, style)
        if style.get("number_format"):
            probe.number_format = style["number_format"]
        cache[key] = wb._cell_styles.add(probe._style)
    return cache[key]


def cell_xml(ref: str, value: Any, sid: int | None, wb) -> str:
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
            return cell_xml(ref, str(value), sid, wb)
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    from datetime import date, datetime, time

    if isinstance(value, (date, datetime, time)):
        from openpyxl.utils.datetime import to_excel

        fmt = DATE_FORMAT if type(value) is date else \
            ("hh:mm:ss" if isinstance(value, time) else DATE_FORMAT + " hh:mm:ss")
        return f'<c r="{ref}" s="{style_id(wb, {"number_format": fmt})}"><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, (int, float)):  # numpy-like or Decimal-free numbers, bool subclasses
        return cell_xml(ref, float(value), sid, wb)
    return cell_xml(ref, str(cell_value(value)), sid, wb)


def add_streamed_table(wb, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                       level_column: str | None = None, widths: Sequence[float] | None = None,
                       footer: str | None = None, level_labels: dict[str, str] | None = None):
    """A table sheet written at save time by `save_fast`: bold header, frozen, autofilter, a
    fill per level in `level_column`, a Styled value's own style, print setup (landscape, fit
    to width, header repeated, `footer` with page numbers); rows are plain values.
    `level_labels` (level -> the text written, e.g. "hoog") colours translated levels too."""
    from openpyxl.utils import get_column_letter

    rows = rows if isinstance(rows, Sequence) else list(rows)
    ws = wb.create_sheet(title)
    ws.freeze_panes = FREEZE_CELL
    last = f"{get_column_letter(max(1, len(headers)))}{max(HEADER_ROW, len(rows) + HEADER_ROW)}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}"  # also makes openpyxl name the filter range
    ws.print_title_rows = f"1:{HEADER_ROW}"  # openpyxl writes the defined name in workbook.xml
    setattr(ws, STREAMED_ATTR, {
        "headers": list(headers), "rows": rows,
        "widths": list(widths or column_widths(headers, rows)),
        "level_index": (list(headers).index(level_column)
                        if level_column is not None and level_column in headers else None),
        "header_sid": style_id(wb, HEADER_STYLE),
        "level_sids": _level_sids(wb, level_labels),
        "ref": f"A1:{last}", "footer": footer})
    return ws


def _level_sids(wb, level_labels: dict[str, str] | None) -> dict[str, int]:
    """Style ids per level, also under each level's translated text."""
    sids = {lvl: style_id(wb, level_style(lvl)) for lvl in LEVEL_COLOURS}
    for lvl, text in (level_labels or {}).items():
        if lvl in sids:
            sids.setdefault(text, sids[lvl])
    return sids


def streamed_sheet_chunks(ws):
    """The worksheet XML of a streamed table, in chunks."""
    from openpyxl.utils import get_column_letter
    from openpyxl.xml.functions import tostring

    table = getattr(ws, STREAMED_ATTR)
    wb = ws.parent
    headers, widths = table["headers"], table["widths"]
    rows = table["rows"]
    ncols = max([len(headers), *(len(r) for r in rows[:1])]) if rows else len(headers)
    letters = [get_column_letter(i) for i in range(1, max(ncols, len(headers)) + 1)]
    yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + _SHEET_NS +
           '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="{table["ref"]}"/><sheetViews><sheetView workbookViewId="0">'
           f'<pane ySplit="{HEADER_ROW}" topLeftCell="{FREEZE_CELL}" activePane="bottomLeft" '
           f'state="frozen"/><selection pane="bottomLeft" activeCell="{FREEZE_CELL}" '
           f'sqref="{FREEZE_CELL}"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if widths:
        yield "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                 for i, w in enumerate(widths, 1)) + "</cols>"
    yield "<sheetData>"
    hs = table["header_sid"]
    yield (f'<row r="{HEADER_ROW}">' +
           "".join(cell_xml(f"{letters[i]}{HEADER_ROW}", cell_value(h), hs, wb)
                   for i, h in enumerate(headers)) + "</row>")
    level_index, level_sids = table["level_index"], table["level_sids"]
    unknown_sid = level_sids["unknown"]
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
            if isinstance(value, Styled):
                sid = style_id(wb, value.style) if value.style else None
                value = value.value
            elif i == level_index:
                sid = level_sids.get(value or "unknown", unknown_sid)
            else:
                sid = None
            cells.append(cell_xml(f"{letters[i]}{r}", value, sid, wb))
        batch.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield f'</sheetData><autoFilter ref="{table["ref"]}"/>'
    if table.get("extra_tail"):  # e.g. conditional formatting, already XML
        yield table["extra_tail"]
    if ws.data_validations.dataValidation:
        yield tostring(ws.data_validations.to_tree()).decode("utf-8")
    yield print_setup_xml(table.get("footer")) + "</worksheet>"


def splice_cells(ws, cells: dict[int, list[tuple[int, Any, int | None]]]) -> None:
    """Cells to add to an openpyxl sheet as XML when it is saved: row -> [(column, value,
    style id)], without building a Cell object per value. Columns must be free (no user cell)."""
    setattr(ws, SPLICED_ATTR, cells)


def _spliced_sheet_writer(ws):
    """openpyxl's sheet writer, with the spliced cells written into each row as XML."""
    from collections import defaultdict

    from openpyxl.cell import Cell
    from openpyxl.cell._writer import write_cell
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._writer import WorksheetWriter

    extra = getattr(ws, SPLICED_ATTR)
    wb = ws.parent
    letters: dict[int, str] = {}

    def letter(col: int) -> str:
        if col not in letters:
            letters[col] = get_column_letter(col)
        return letters[col]

    class SplicingWriter(WorksheetWriter):
        def rows(self):
            rows = defaultdict(list)
            for (row, _col), cell in sorted(self.ws._cells.items()):
                rows[row].append(cell)
            for row in (self.ws.row_dimensions.keys() | extra.keys()) - rows.keys():
                rows[row] = []
            return sorted(rows.items())

        def write_row(self, xf, row, row_idx):
            raw = getattr(xf, "_file", None)  # et_xmlfile's raw writer
            if raw is None:  # another xml backend: openpyxl's way, added cells as Cells
                added = extra.get(row_idx)
                if added:
                    cells = {c.column: c for c in row}
                    for item in added:
                        cells[item[0]] = self._added_cell(row_idx, item)
                    row = [cells[c] for c in sorted(cells)]
                return super().write_row(xf, row, row_idx)
            attrs = {"r": f"{row_idx}"}
            attrs.update(self.ws.row_dimensions.get(row_idx, {}))
            pending = sorted(extra.get(row_idx, ()), key=lambda a: a[0])
            k = 0
            with xf.element("row", attrs):
                for cell in row:
                    while k < len(pending) and pending[k][0] < cell.column:
                        raw(self._added_xml(row_idx, pending[k]))
                        k += 1
                    if cell._comment is not None:
                        self.ws._comments.append(CommentRecord.from_cell(cell))
                    value = cell._value
                    if value is None and not cell.has_style and not cell._comment:
                        continue
                    kind = type(value)
                    if (cell._hyperlink is None and cell.data_type in ("s", "n")
                            and (kind is str or kind is int or kind is float)):
                        # a plain value: the same XML openpyxl writes, without an element tree
                        raw(cell_xml(f"{letter(cell.column)}{row_idx}", value,
                                     cell.style_id if cell.has_style else None, wb))
                    else:
                        write_cell(xf, self.ws, cell, cell.has_style)
                for item in pending[k:]:
                    raw(self._added_xml(row_idx, item))

        def _added_xml(self, row_idx, item):
            col, value, sid = item
            return cell_xml(f"{letter(col)}{row_idx}", value, sid, wb)

        def _added_cell(self, row_idx, item):
            col, value, sid = item
            cell = Cell(self.ws, row=row_idx, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if sid:
                cell._style = copy(wb._cell_styles[sid])
            return cell

    return SplicingWriter(ws)


def _stable_zip_class():
    import zipfile

    class StableZip(zipfile.ZipFile):
        """A zip whose entries carry a fixed time, so equal workbooks are equal bytes."""

        def _info(self, name):
            if isinstance(name, zipfile.ZipInfo):
                return name
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = self.compression
            info._compresslevel = self.compresslevel
            return info

        def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
            super().writestr(self._info(zinfo_or_arcname), data, *args, **kwargs)

        def write(self, filename, arcname=None, *args, **kwargs):
            with open(filename, "rb") as fh:
                self.writestr(arcname or os.path.basename(filename), fh.read())

        def open(self, name, mode="r", *args, **kwargs):
            if mode == "w":
                name = self._info(name)
            return super().open(name, mode, *args, **kwargs)

    return StableZip


def save_fast(wb, path) -> None:
    """Save `wb` like openpyxl does, streaming the tables added with add_streamed_table and
    splicing the cells added with splice_cells; zip entries carry a fixed time."""
    import zipfile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.packaging.relationship import RelationshipList
    from openpyxl.writer.excel import ExcelWriter

    class Writer(ExcelWriter):
        def write_worksheet(self, ws):
            if getattr(ws, STREAMED_ATTR, None) is not None:
                ws._drawing = SpreadsheetDrawing()
                ws._rels = RelationshipList()
                with self._archive.open(ws.path[1:], "w", force_zip64=True) as fh:
                    for chunk in streamed_sheet_chunks(ws):
                        fh.write(chunk.encode("utf-8"))
                self.manifest.append(ws)
                return None
            if getattr(ws, SPLICED_ATTR, None) is None or self.workbook.write_only:
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = _spliced_sheet_writer(ws)
            writer.write()
            ws._rels = writer._rels
            self._archive.write(writer.out, ws.path[1:])
            self.manifest.append(ws)
            writer.cleanup()
            return None

    archive = _stable_zip_class()(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    Writer(wb, archive).save()


def stable_properties(wb, when=None, *, keep_created: bool = False) -> None:
    """No clock time in the document properties: `when` (a date) or a fixed day."""
    from datetime import datetime

    stamp = datetime(when.year, when.month, when.day) if when else datetime(*FIXED_TIME)
    if not (keep_created and wb.properties.created is not None):
        wb.properties.created = stamp
    wb.properties.modified = stamp


def save_workbook(wb, target: str | Path, when=None) -> None:
    """Save atomically (a temporary file beside the target, renamed only when complete) and
    deterministically (no clock time in the file)."""
    stable_properties(wb, when)
    with atomic_path(target, suffix=Path(target).suffix or ".xlsx") as tmp:
        save_fast(wb, tmp)
