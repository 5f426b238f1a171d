"""The zip-level back end of the annotated export: an ExportPlan (plan.py) written into a copy
of the input's zip parts, the suppliers sheet edited row by row as a stream.

Loading a 100,000-row workbook into openpyxl costs most of an export's time and memory, only
to write the user's cells back unchanged. Here every part of the input is copied byte for byte
(other sheets, shared strings, drawings, macros), except:
- the suppliers sheet: imvo's cells appended to each row after the user's last column, the
  header frozen, an autofilter, the added column widths, a legacy drawing for comments;
- xl/styles.xml: the header style, the level fills and the heat-map formats appended (a
  styles part made when the workbook has none);
- the workbook, its relationships, content types and app.xml: the new sheets registered;
- new parts: the generated sheets (the shared streamed writer in xlsx.py) and the comments.

The edit works on the XML text, so it only runs on what it recognises: anything unusual
raises PatchUnsupported (saying what) before the output is complete, and the caller writes
the same plan with openpyxl (openpyxl_copy.py).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from html import unescape
from posixpath import dirname, join, normpath
from typing import IO, Any

from openpyxl.utils import get_column_letter, range_boundaries

from ..i18n import variants
from . import xlsx
from .parts import (
    CT_STYLES,
    MINIMAL_STYLES,
    NS_MAIN,
    NS_REL,
    REL_STYLES,
    REL_WORKSHEET,
    PackageError,
    copy_part,
    new_part,
    patch_styles,
    text_chunks,
    write_chunks,
    zip_info,
)
from .plan import ExportPlan, PlannedComment, check_room, unique_title
from .xlsx import print_setup_xml, print_titles_xml, xml_text

MAX_HEAD = 8 << 20  # the XML before <sheetData> or after </sheetData> held in memory
MERGED_EXPANDED = 10_000  # merged ranges up to this many cells are looked up by cell
REL_COMMENTS = NS_REL + "/comments"
REL_VML = NS_REL + "/vmlDrawing"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
# Elements of a worksheet that come after <autoFilter> and after <legacyDrawing> (ECMA-376
# CT_Worksheet order): new elements go before the first of these.
AFTER_AUTOFILTER = ("sortState", "dataConsolidate", "customSheetViews", "mergeCells",
                    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks",
                    "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
                    "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
                    "drawing", "legacyDrawingHF", "picture", "oleObjects", "controls",
                    "webPublishItems", "extLst")
AFTER_LEGACY_DRAWING = ("legacyDrawingHF", "picture", "oleObjects", "controls",
                        "webPublishItems", "extLst")
# Markers in the suppliers sheet that the fast path does not handle.
SHEET_REFUSED = ("<legacyDrawing", "<tableParts", "<autoFilter", "<![CDATA[", "<mc:AlternateContent",
                 *variants("column.imvo_id"))
# The print setup elements of a sheet's tail, replaced by imvo's (CT_Worksheet order: they
# come after printOptions and before rowBreaks).
AFTER_HEADER_FOOTER = ("rowBreaks", "colBreaks", "customProperties", "cellWatches",
                       "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
                       "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                       "webPublishItems", "tableParts", "extLst")
_PRINT_PARTS = re.compile(r"<pageMargins\b[^>]*/>|<pageSetup\b[^>]*/>|"
                          r"<headerFooter\b[^>]*/>|<headerFooter\b[^>]*>.*?</headerFooter>", re.S)

_ROW = re.compile(r"<row\b([^>]*?)(/?)>")
_ROW_NUM = re.compile(r'\br="(\d+)"')
_SPANS = re.compile(r'\s+spans="[^"]*"')
_CELL_REF = re.compile(r'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?(/?)>')
_LETTERS: dict[str, int] = {}


class PatchUnsupported(Exception):
    """The input is outside what the zip-level copy handles: the openpyxl back end writes it
    (the message says why, for --debug)."""


def col_index(letters: str) -> int:
    n = _LETTERS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        _LETTERS[letters] = n
    return n


def col_letter(n: int) -> str:
    return get_column_letter(n)


def _attr(tag: str, name: str) -> str | None:
    m = re.search(r'(?:^|\s)' + re.escape(name) + r'="([^"]*)"', tag)
    return unescape(m.group(1)) if m else None


# ---- the package: find the suppliers sheet ---------------------------------------------------

class Package:
    """The parts of the input that name sheets: workbook, relationships, content types."""

    def __init__(self, zin: zipfile.ZipFile, sheet_title: str | None):
        self.zin = zin
        self.names = set(zin.namelist())
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            if part not in self.names:
                raise PatchUnsupported(f"no {part}")
        self.workbook = zin.read("xl/workbook.xml").decode("utf-8")
        self.rels = zin.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        self.types = zin.read("[Content_Types].xml").decode("utf-8")
        if not re.search(r"<workbook\b[^>]*xmlns=\"" + re.escape(NS_MAIN) + '"', self.workbook) \
                or f'xmlns:r="{NS_REL}"' not in self.workbook:
            raise PatchUnsupported("workbook namespaces")
        sheets = re.findall(r"<sheet\b[^>]*/>", self.workbook)
        if not sheets or "<sheets" not in self.workbook:
            raise PatchUnsupported("no sheets")
        self.sheet_names: list[str] = [_attr(s, "name") or "" for s in sheets]
        self.sheet_ids = [int(_attr(s, "sheetId") or 0) for s in sheets]
        rel_targets: dict[str, tuple[str | None, str | None, str | None]] = {}
        for rel in re.findall(r"<Relationship\b[^>]*/>", self.rels):
            rel_targets[_attr(rel, "Id") or ""] = (_attr(rel, "Type"), _attr(rel, "Target"),
                                             _attr(rel, "TargetMode"))
        self.rel_ids = set(rel_targets)
        title = sheet_title if sheet_title is not None else self.sheet_names[0]
        if title not in self.sheet_names:
            raise PatchUnsupported("sheet not found")  # the openpyxl path reports it
        self.title = title
        rid = _attr(sheets[self.sheet_names.index(title)], "r:id")
        kind, target, mode = rel_targets.get(rid or "", (None, None, None))
        if kind != REL_WORKSHEET or not target or mode == "External":
            raise PatchUnsupported("not a worksheet")
        self.sheet_part = target.lstrip("/") if target.startswith("/") else \
            normpath(join("xl", target))
        if self.sheet_part not in self.names:
            raise PatchUnsupported("sheet part missing")
        self.sheet_rels = join(dirname(self.sheet_part), "_rels",
                               self.sheet_part.rsplit("/", 1)[1] + ".rels")

    def free_name(self, pattern: str) -> str:
        n = 1
        while pattern.format(n) in self.names:
            n += 1
        name = pattern.format(n)
        self.names.add(name)
        return name

    def free_rel_id(self, taken: set[str]) -> str:
        n = 1
        while f"rId{n}" in taken:
            n += 1
        taken.add(f"rId{n}")
        return f"rId{n}"


# ---- the suppliers sheet ---------------------------------------------------------------------

def scan_sheet(zin: zipfile.ZipFile, part: str) -> dict[str, Any]:
    """One pass over the sheet: the last used column and row, the XML after the rows, and
    refusal of what the edit does not handle (see SHEET_REFUSED; rows or cells without a
    reference; empty trailing cells, which the openpyxl path would place imvo's columns over)."""
    last_valued = last_any = last_row = 0
    carry, tail = "", None
    seen_data = False
    for text in text_chunks(zin, part):
        if tail is not None:
            tail += text
            if len(tail) > MAX_HEAD:
                raise PatchUnsupported("sheet tail too large")
            continue
        buf = carry + text
        for marker in SHEET_REFUSED:
            if marker in buf:
                raise PatchUnsupported(marker)
        end = buf.find("</sheetData>")
        if end >= 0:
            cut = end
        else:
            cut = buf.rfind("<row")
            if cut < 0:
                cut = max(0, len(buf) - 64)
        body, carry = buf[:cut], buf[cut:]
        if not seen_data:
            if re.search(r"<\w+:(worksheet|sheetData|row)\b", body):
                raise PatchUnsupported("prefixed elements")
            seen_data = "<sheetData" in body
        for m in _ROW.finditer(body):
            rn = _ROW_NUM.search(m.group(1))
            if rn is None:
                raise PatchUnsupported("row without a number")
            if m.group(2):
                continue
            stop = body.find("</row>", m.end())
            row_xml = body[m.end():stop]
            if "<c" not in row_xml:
                continue
            cells = row_xml.count("<c ") + row_xml.count("<c>")
            refs = _CELL_REF.findall(row_xml)
            if len(refs) != cells:
                raise PatchUnsupported("cell without a reference")
            letters, _, empty = refs[-1]
            col = col_index(letters)
            last_any = max(last_any, col)
            last_row = max(last_row, int(rn.group(1)))
            last_cell = row_xml[row_xml.rfind("<c "):]
            if not empty and ("<v" in last_cell or "<f" in last_cell or "<is>" in last_cell):
                last_valued = max(last_valued, col)
        if end >= 0:
            tail = carry
    if not seen_data or tail is None:
        raise PatchUnsupported("no sheetData")
    for marker in SHEET_REFUSED:
        if marker in tail:
            raise PatchUnsupported(marker)
    if last_any > last_valued:
        raise PatchUnsupported("empty styled cells after the last value")
    return {"last_column": last_valued, "last_row": last_row, "tail": tail}


def _sheet_view(head: str, freeze_row: int) -> str:
    """The first sheet view with the header frozen (the user's view attributes kept)."""
    cell = f"A{freeze_row}"
    pane = (f'<pane ySplit="{freeze_row - 1}" topLeftCell="{cell}" activePane="bottomLeft" '
            f'state="frozen"/><selection pane="bottomLeft" activeCell="{cell}" sqref="{cell}"/>')
    views = re.findall(r"<sheetView\b", head)
    if len(views) > 1:
        raise PatchUnsupported("several sheet views")
    if not views:
        view = f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        m = re.search(r"<(sheetFormatPr|cols)\b", head)
        at = m.start() if m else len(head)
        return head[:at] + view + head[at:]
    m = re.search(r"<sheetView\b([^>]*?)(/?)>", head)
    if m is None:
        raise PatchUnsupported("sheet view")
    if m.group(2):
        return head[:m.start()] + f"<sheetView{m.group(1)}>{pane}</sheetView>" + head[m.end():]
    close = head.find("</sheetView>", m.end())
    inner = head[m.end():close]
    rest = re.sub(r"<(pane|selection)\b[^>]*/>", "", inner)
    if rest.strip():
        raise PatchUnsupported("sheet view content")
    return head[:m.end()] + pane + head[close:]


def fit_to_page(head: str) -> str:
    """The sheet's properties with fitToPage on (what makes Excel honour fitToWidth)."""
    m = re.search(r"<sheetPr\b([^>]*?)(/?)>", head)
    if m is None:
        top = re.match(r"(<\?xml[^>]*>\s*)?<worksheet\b[^>]*>", head)
        if top is None:
            raise PatchUnsupported("worksheet start")
        return head[:top.end()] + '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' + head[top.end():]
    if m.group(2):
        return (head[:m.start()] + f'<sheetPr{m.group(1)}><pageSetUpPr fitToPage="1"/></sheetPr>'
                + head[m.end():])
    close = head.find("</sheetPr>", m.end())
    if close < 0:
        raise PatchUnsupported("unclosed sheetPr")
    inner = head[m.end():close]
    setup = re.search(r"<pageSetUpPr\b([^>]*?)/>", inner)
    if setup is None:  # pageSetUpPr is the last child of sheetPr
        inner += '<pageSetUpPr fitToPage="1"/>'
    else:
        attrs = re.sub(r'\sfitToPage="[^"]*"', "", setup.group(1))
        inner = inner[:setup.start()] + f'<pageSetUpPr{attrs} fitToPage="1"/>' + inner[setup.end():]
    return head[:m.end()] + inner + head[close:]


def print_setup(tail: str, footer: str | None) -> str:
    """The tail with imvo's print setup (landscape, fit to width, footer) in place of the
    sheet's own margins, page setup and header/footer."""
    tail = _PRINT_PARTS.sub("", tail)
    return _insert_before(tail, AFTER_HEADER_FOOTER, print_setup_xml(footer))


def print_titles(workbook: str, entries: list[str], replaced: set[int]) -> str:
    """workbook.xml with print-title names added (a sheet's earlier ones in `replaced` go)."""
    def keep(m: re.Match) -> str:
        local = _attr(m.group(0), "localSheetId")
        if _attr(m.group(0), "name") == "_xlnm.Print_Titles" and local is not None \
                and local.isdigit() and int(local) in replaced:
            return ""
        return m.group(0)

    names = re.search(r"<definedNames\b[^>]*>(.*?)</definedNames>", workbook, re.S)
    if names is not None:
        inner = re.sub(r"<definedName\b[^>]*>.*?</definedName>", keep, names.group(1), flags=re.S)
        return (workbook[:names.start(1)] + inner + "".join(entries) + workbook[names.end(1):])
    if re.search(r"<definedNames\b[^>]*/>", workbook):
        return re.sub(r"<definedNames\b[^>]*/>", "<definedNames>" + "".join(entries) +
                      "</definedNames>", workbook, count=1)
    at = workbook.find("</sheets>")
    if at < 0:
        raise PatchUnsupported("workbook shape")
    at += len("</sheets>")
    return workbook[:at] + "<definedNames>" + "".join(entries) + "</definedNames>" + workbook[at:]


def _cols(head: str, first: int, widths: list[float]) -> str:
    new = "".join(f'<col min="{first + k}" max="{first + k}" width="{w}" customWidth="1"/>'
                  for k, w in enumerate(widths))
    if re.search(r"<cols\b[^>]*/>", head):
        raise PatchUnsupported("empty cols")
    if "<cols" not in head:  # the head ends where <sheetData> starts: cols come last
        return head + f"<cols>{new}</cols>"
    for c in re.findall(r"<col\b[^>]*>", head):
        if int(_attr(c, "max") or 0) >= first:
            raise PatchUnsupported("column formats over imvo's columns")
    i = head.find("</cols>")
    return head[:i] + new + head[i:]


def _dimension(head: str, last_col: int, last_row: int) -> str:
    ref = f"A1:{col_letter(last_col)}{last_row}"
    if "<dimension" in head:
        return re.sub(r"<dimension\b[^>]*/>", f'<dimension ref="{ref}"/>', head, count=1)
    return head


def _insert_before(tail: str, names: tuple[str, ...], xml: str) -> str:
    m = re.search(r"<(?:" + "|".join(names) + r")\b|</worksheet>", tail)
    if m is None:
        raise PatchUnsupported("worksheet end")
    return tail[:m.start()] + xml + tail[m.start():]


class MergedCover:
    """The top-left cell of the merged range covering a cell (a comment goes there): small
    ranges looked up by cell, large ones (whole columns, say) compared range by range, so a
    huge merged range costs no memory."""

    def __init__(self, tail: str):
        self.cells: dict[tuple[int, int], tuple[int, int]] = {}
        self.large: list[tuple[int, int, int, int]] = []
        for ref in re.findall(r'<mergeCell\b[^>]*\bref="([^"]+)"', tail):
            try:
                c1, r1, c2, r2 = range_boundaries(ref)
            except (ValueError, TypeError):
                raise PatchUnsupported(f"merged range {ref!r}") from None
            if c1 is None or r1 is None or c2 is None or r2 is None:
                raise PatchUnsupported(f"merged range {ref!r}")
            if (c2 - c1 + 1) * (r2 - r1 + 1) > MERGED_EXPANDED:
                self.large.append((r1, c1, r2, c2))
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self.cells[(r, c)] = (r1, c1)

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        hit = self.cells.get((r, c))
        if hit is not None:
            return hit
        for r1, c1, r2, c2 in self.large:
            if r1 <= r <= r2 and c1 <= c <= c2:
                return r1, c1
        return r, c


def added_cell_xml(ref: str, value: Any, sid: int | None) -> str:
    style = f' s="{sid}"' if sid is not None else ""
    kind = type(value)
    if kind is str:
        return (f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}'
                "</t></is></c>")
    if kind is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            return added_cell_xml(ref, str(value), sid)
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    raise PatchUnsupported(f"value type {kind.__name__}")


def edit_sheet(zin: zipfile.ZipFile, part: str, out: IO[bytes], numbers: list[int],
               row_cells: Callable[[int], list[tuple[int, Any, int | None]]],
               head_edit: Callable[[str], str], tail_edit: Callable[[str], str]) -> None:
    """Copy the sheet to `out`, with the cells `row_cells(r)` ([(column, value, style)]) of
    each row in `numbers` (ascending) appended to their rows (new rows where the sheet has
    none), head and tail edited by the callbacks."""
    pending = numbers
    k = 0
    letters: dict[int, str] = {}

    def cells_xml(r: int) -> str:
        parts = []
        for col, value, sid in row_cells(r):
            if col not in letters:
                letters[col] = col_letter(col)
            parts.append(added_cell_xml(f"{letters[col]}{r}", value, sid))
        return "".join(parts)

    def new_rows_before(limit: int | None) -> list[str]:
        nonlocal k
        made = []
        while k < len(pending) and (limit is None or pending[k] < limit):
            made.append(f'<row r="{pending[k]}">{cells_xml(pending[k])}</row>')
            k += 1
        return made

    def edit_rows(body: str) -> str:
        nonlocal k
        pieces, pos = [], 0
        for m in _ROW.finditer(body):
            number = _ROW_NUM.search(m.group(1))
            if number is None:
                raise PatchUnsupported("row without a number")
            r = int(number.group(1))
            pieces.append(body[pos:m.start()])
            pieces.extend(new_rows_before(r))
            if k < len(pending) and pending[k] == r:
                k += 1
                attrs = _SPANS.sub("", m.group(1))
                if m.group(2):
                    pieces.append(f"<row{attrs}>{cells_xml(r)}</row>")
                    pos = m.end()
                else:
                    stop = body.find("</row>", m.end())
                    pieces.append(f"<row{attrs}>" + body[m.end():stop] + cells_xml(r) + "</row>")
                    pos = stop + 6
            else:
                pieces.append(m.group(0))
                pos = m.end()
        pieces.append(body[pos:])
        return "".join(pieces)

    state, carry = "head", ""
    for text in text_chunks(zin, part):
        carry += text
        if state == "head":
            m = re.search(r"<sheetData\b[^>]*?(/?)>", carry)
            if m is None:
                if len(carry) > MAX_HEAD:
                    raise PatchUnsupported("sheet head too large")
                continue
            if m.group(1):
                raise PatchUnsupported("empty sheetData")
            out.write(head_edit(carry[:m.start()]).encode("utf-8") + b"<sheetData>")
            carry, state = carry[m.end():], "rows"
        if state == "rows":
            end = carry.find("</sheetData>")
            if end < 0:
                cut = carry.rfind("<row")
                if cut > 0:
                    out.write(edit_rows(carry[:cut]).encode("utf-8"))
                    carry = carry[cut:]
                continue
            body = edit_rows(carry[:end]) + "".join(new_rows_before(None))
            out.write(body.encode("utf-8") + b"</sheetData>")
            carry, state = carry[end + len("</sheetData>"):], "tail"
        if state == "tail" and len(carry) > MAX_HEAD:
            raise PatchUnsupported("sheet tail too large")
    if state != "tail":
        raise PatchUnsupported("sheet not complete")
    out.write(tail_edit(carry).encode("utf-8"))


# ---- comments --------------------------------------------------------------------------------

def comments_chunks(comments: list[tuple[int, int, str]], author: str) -> Iterator[str]:
    yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{NS_MAIN}">'
           f"<authors><author>{xml_text(author)}</author></authors><commentList>")
    batch = []
    for r, c, text in comments:
        batch.append(f'<comment ref="{col_letter(c)}{r}" authorId="0"><text><t xml:space="preserve">'
                     f"{xml_text(text)}</t></text></comment>")
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "</commentList></comments>"


def vml_chunks(comments: list[tuple[int, int, str]], size: dict[str, int]) -> Iterator[str]:
    # shape ids 1025, 1026, ... fall in blocks of 1024 that the idmap must list
    blocks = ",".join(str(b) for b in range(1, (1024 + len(comments)) // 1024 + 1))
    yield ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
           f'<o:idmap v:ext="edit" data="{blocks}"/></o:shapelayout><v:shapetype id="_x0000_t202" '
           'coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke '
           'joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
    batch = []
    for n, (r, c, _) in enumerate(comments):
        batch.append(
            f'<v:shape id="_x0000_s{1025 + n}" type="#_x0000_t202" style="position:absolute;'
            f'margin-left:59.25pt;margin-top:1.5pt;width:{size["width"]}pt;height:{size["height"]}pt;'
            f'z-index:{n + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/><v:path '
            'o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div '
            'style="text-align:left"/></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/>'
            f'<x:SizeWithCells/><x:AutoFill>False</x:AutoFill><x:Row>{r - 1}</x:Row>'
            f"<x:Column>{c - 1}</x:Column></x:ClientData></v:shape>")
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "</xml>"


# ---- the whole workbook ----------------------------------------------------------------------

def _app_xml(xml: str, titles: list[str]) -> str:
    """docProps/app.xml with the new sheet titles; left as it was when its shape is unusual."""
    heading = re.search(r"(<vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>)(\d+)(</vt:i4>)", xml)
    parts = re.search(r'(<TitlesOfParts><vt:vector size=")(\d+)(" baseType="lpstr">)(.*?)(</vt:vector>)', xml, re.S)
    if heading is None or parts is None:
        return xml
    names = "".join(f"<vt:lpstr>{xml_text(t)}</vt:lpstr>" for t in titles)
    xml = xml[:parts.start()] + parts.group(1) + str(int(parts.group(2)) + len(titles)) + \
        parts.group(3) + parts.group(4) + names + parts.group(5) + xml[parts.end():]
    heading = re.search(r"(<vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>)(\d+)(</vt:i4>)", xml)
    if heading is None:
        return xml
    return xml[:heading.start()] + heading.group(1) + str(int(heading.group(2)) + len(titles)) + \
        heading.group(3) + xml[heading.end():]


def _earlier_export(zin: zipfile.ZipFile, names: set[str]) -> bool:
    """Shared strings holding imvo's header: exported before (openpyxl refreshes it)."""
    if "xl/sharedStrings.xml" not in names:
        return False
    earlier = variants("column.imvo_id")
    overlap = ""
    for text in text_chunks(zin, "xl/sharedStrings.xml"):
        if any(h in overlap + text for h in earlier):
            return True
        overlap = text[-16:]
    return False


def placed_comments(comments: list[PlannedComment], first: int,
                    cover: MergedCover) -> list[tuple[int, int, str]]:
    """(row, column, text) per cell, a merged range's comments on its top-left cell."""
    placed: dict[tuple[int, int], str] = {}
    for note in comments:
        key = cover.top_left(note.row, note.column_at(first))
        placed[key] = placed[key] + "\n" + note.text if key in placed else note.text
    return [(r, c, t) for (r, c), t in sorted(placed.items())]


def write_zip_copy(plan: ExportPlan, input_path: Any, out_path: Any) -> None:
    """Write the annotated workbook at `out_path` from the input's zip; raises
    PatchUnsupported (leaving a partial file for the caller to remove) when the input is
    outside its reach, ImvoError when the input cannot be annotated at all."""
    try:
        _write_zip_copy(plan, input_path, out_path)
    except (PackageError, UnicodeDecodeError, KeyError, zipfile.BadZipFile) as exc:
        raise PatchUnsupported(f"{type(exc).__name__}: {exc}") from exc


def _write_zip_copy(plan: ExportPlan, input_path: Any, out_path: Any) -> None:
    columns = plan.columns
    with zipfile.ZipFile(input_path) as zin:
        if any(i.flag_bits & 0x1 for i in zin.infolist()):
            raise PatchUnsupported("encrypted")
        pkg = Package(zin, plan.sheet)
        if pkg.sheet_rels in pkg.names:
            rels: str | None = zin.read(pkg.sheet_rels).decode("utf-8")
            if REL_COMMENTS in (rels or "") or REL_VML in (rels or "") or "/table" in (rels or ""):
                raise PatchUnsupported("the suppliers sheet has comments, drawings or tables")
        else:
            rels = None
        if _earlier_export(zin, pkg.names):
            raise PatchUnsupported("an earlier export (its shared strings hold imvo's headers)")
        scan = scan_sheet(zin, pkg.sheet_part)
        first = scan["last_column"] + 1
        last_col = first + len(columns.headers) - 1
        check_room(first, len(columns.headers), input_path, pkg.title)
        has_styles = "xl/styles.xml" in pkg.names
        styles_in = zin.read("xl/styles.xml").decode("utf-8") if has_styles else MINIMAL_STYLES
        extra = [s for table in plan.tables for s in table.styles_used()]
        styles, sids = patch_styles(styles_in, extra)
        numbers = columns.row_numbers()
        last_row = max(numbers[-1], scan["last_row"])
        header_row = columns.header_row

        style_ids = {"header": sids.ids["header"],
                     **{key: sids.level(key) for key in set(columns.level_keys.values())},
                     "unknown": sids.level("unknown")}

        def row_cells(r: int) -> list[tuple[int, Any, int | None]]:
            return columns.cells(first, r, style_ids)

        sheet_rel_ids = set(re.findall(r'\bId="([^"]+)"', rels or ""))
        new_types, new_rels = [], []
        comments: list[tuple[int, int, str]] = []
        comment_part = vml_part = v_id = ""
        if columns.comments:
            comments = placed_comments(columns.comments, first, MergedCover(scan["tail"]))
            comment_part = pkg.free_name("xl/comments{}.xml")
            vml_part = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
            c_id, v_id = pkg.free_rel_id(sheet_rel_ids), pkg.free_rel_id(sheet_rel_ids)
            new_rels.append(f'<Relationship Id="{c_id}" Type="{REL_COMMENTS}" Target="/{comment_part}"/>')
            new_rels.append(f'<Relationship Id="{v_id}" Type="{REL_VML}" Target="/{vml_part}"/>')
            new_types.append(f'<Override PartName="/{comment_part}" ContentType="{CT_COMMENTS}"/>')
            if not re.search(r'<Default\b[^>]*Extension="vml"', pkg.types):
                new_types.append(f'<Default Extension="vml" ContentType="{CT_VML}"/>')

        def head_edit(head: str) -> str:
            if not re.match(r'(<\?xml[^>]*>\s*)?<worksheet\b[^>]*xmlns="' + re.escape(NS_MAIN) + '"', head):
                raise PatchUnsupported("worksheet namespace")
            head = _dimension(head, last_col, last_row)
            head = fit_to_page(head)
            head = _sheet_view(head, header_row + 1)
            return _cols(head, first, list(columns.widths))

        def tail_edit(tail: str) -> str:
            tail = _insert_before(tail, AFTER_AUTOFILTER,
                                  f'<autoFilter ref="A{header_row}:{col_letter(last_col)}{last_row}"/>')
            tail = print_setup(tail, plan.footer)
            if comments:
                tail = _insert_before(tail, AFTER_LEGACY_DRAWING,
                                      f'<legacyDrawing xmlns:r="{NS_REL}" r:id="{v_id}"/>')
            return tail

        titles = list(pkg.sheet_names)
        tables = []
        for table in plan.tables:
            title = unique_title(titles, table.title)
            titles.append(title)
            tables.append(replace(table, title=title))
        workbook, wb_rels, types = pkg.workbook, pkg.rels, pkg.types
        if "</sheets>" not in workbook or "</Relationships>" not in wb_rels:
            raise PatchUnsupported("workbook shape")
        rel_ids = set(pkg.rel_ids)
        if not has_styles:
            rid = pkg.free_rel_id(rel_ids)
            wb_rels = wb_rels.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{REL_STYLES}" '
                                      'Target="styles.xml"/></Relationships>', 1)
            new_types.append(f'<Override PartName="/xl/styles.xml" ContentType="{CT_STYLES}"/>')
        sheet_entries, rel_entries = [], []
        next_sheet_id = max(pkg.sheet_ids) + 1
        parts = []
        for table in tables:
            part = pkg.free_name("xl/worksheets/sheet{}.xml")
            rid = pkg.free_rel_id(rel_ids)
            sheet_entries.append(f'<sheet name="{xml_text(table.title).replace(chr(34), "&quot;")}" '
                                 f'sheetId="{next_sheet_id}" r:id="{rid}"/>')
            next_sheet_id += 1
            rel_entries.append(f'<Relationship Id="{rid}" Type="{REL_WORKSHEET}" Target="/{part}"/>')
            new_types.append(f'<Override PartName="/{part}" ContentType="{CT_WORKSHEET}"/>')
            parts.append((part, table))
        workbook = workbook.replace("</sheets>", "".join(sheet_entries) + "</sheets>", 1)
        index = pkg.sheet_names.index(pkg.title)
        workbook = print_titles(workbook, [print_titles_xml(pkg.title, index, header_row)] + [
            print_titles_xml(table.title, len(pkg.sheet_names) + k) for k, table in enumerate(tables)],
            {index})
        wb_rels = wb_rels.replace("</Relationships>", "".join(rel_entries) + "</Relationships>", 1)
        types = types.replace("</Types>", "".join(new_types) + "</Types>", 1)
        if rels is not None and new_rels:
            rels = rels.replace("</Relationships>", "".join(new_rels) + "</Relationships>", 1)
        elif new_rels:
            rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    + "".join(new_rels) + "</Relationships>")

        replaced = {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": wb_rels,
                    "[Content_Types].xml": types, "xl/styles.xml": styles}
        if "docProps/app.xml" in pkg.names:
            replaced["docProps/app.xml"] = _app_xml(zin.read("docProps/app.xml").decode("utf-8"),
                                                   titles[len(pkg.sheet_names):])
        with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            for info in zin.infolist():
                name = info.filename
                if name == pkg.sheet_part:
                    with zout.open(zip_info(name), "w", force_zip64=True) as dst:
                        edit_sheet(zin, name, dst, numbers, row_cells, head_edit, tail_edit)
                elif name == pkg.sheet_rels and rels is not None:
                    new_part(zout, name, [rels])
                elif name in replaced:
                    new_part(zout, name, [replaced[name]])
                else:
                    copy_part(zin, zout, info)
            if not has_styles:
                new_part(zout, "xl/styles.xml", [styles])
            if rels is not None and pkg.sheet_rels not in set(zin.namelist()):
                new_part(zout, pkg.sheet_rels, [rels])
            if comments:
                new_part(zout, comment_part, comments_chunks(comments, plan.comment_author))
                new_part(zout, vml_part, vml_chunks(comments, plan.comment_size))
            for part, table in parts:
                with zout.open(zip_info(part), "w", force_zip64=True) as dst:
                    write_chunks(dst, xlsx.streamed_sheet_chunks(table, sids))
