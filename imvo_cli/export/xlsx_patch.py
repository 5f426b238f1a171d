"""The annotated workbook without loading it: the input's zip parts copied as they are, the
suppliers sheet edited row by row as a stream, and imvo's parts added.

Loading a 100,000-row workbook into openpyxl costs most of an export's time and memory, only
to write the user's cells back unchanged. Here every part of the input is copied byte for byte
(other sheets, shared strings, drawings, macros), except:
- the suppliers sheet: imvo's cells appended to each row after the user's last column, the
  header frozen, an autofilter, the added column widths, a legacy drawing for comments;
- xl/styles.xml: the header style, the level fills and the heat-map formats appended;
- the workbook, its relationships, content types and app.xml: the new sheets registered;
- new parts: the generated sheets (the shared streamed writer in xlsx.py) and the comments.

The edit works on the XML text, so it only runs on what it recognises: anything unusual
raises Unsupported before the output is complete, and the caller falls back to openpyxl.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from html import unescape
from posixpath import dirname, join, normpath
from types import SimpleNamespace
from typing import Any

from ..i18n import variants
from ..model import LEVEL_COLOURS, LEVEL_FONT_COLOURS
from . import xlsx
from .xlsx import (
    DATE_FORMAT,
    FIXED_ZIP_TIME,
    HEADER_STYLE,
    STREAMED_ATTR,
    column_widths,
    level_style,
    print_setup_xml,
    print_titles_xml,
    xml_text,
)

CHUNK = 1 << 20  # bytes read from the input at a time
MAX_HEAD = 8 << 20  # the XML before <sheetData> or after </sheetData> held in memory
ZIP_LEVEL = 1
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_WORKSHEET = NS_REL + "/worksheet"
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


class Unsupported(Exception):
    """The input is outside what the fast path handles: use the openpyxl path."""


def col_index(letters: str) -> int:
    n = _LETTERS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        _LETTERS[letters] = n
    return n


def col_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _attr(tag: str, name: str) -> str | None:
    m = re.search(r'(?:^|\s)' + re.escape(name) + r'="([^"]*)"', tag)
    return unescape(m.group(1)) if m else None


def _text_chunks(zin: zipfile.ZipFile, name: str) -> Iterator[str]:
    """A part's text in chunks (UTF-8 decoded incrementally)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with zin.open(name) as fh:
        while True:
            data = fh.read(CHUNK)
            if not data:
                break
            yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


# ---- the package: find the suppliers sheet ---------------------------------------------------

class Package:
    """The parts of the input that name sheets: workbook, relationships, content types."""

    def __init__(self, zin: zipfile.ZipFile, sheet_title: str | None):
        self.zin = zin
        self.names = set(zin.namelist())
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                     "xl/styles.xml"):
            if part not in self.names:
                raise Unsupported(f"no {part}")
        self.workbook = zin.read("xl/workbook.xml").decode("utf-8")
        self.rels = zin.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        self.types = zin.read("[Content_Types].xml").decode("utf-8")
        if not re.search(r"<workbook\b[^>]*xmlns=\"" + re.escape(NS_MAIN) + '"', self.workbook) \
                or f'xmlns:r="{NS_REL}"' not in self.workbook:
            raise Unsupported("workbook namespaces")
        sheets = re.findall(r"<sheet\b[^>]*/>", self.workbook)
        if not sheets or "<sheets" not in self.workbook:
            raise Unsupported("no sheets")
        self.sheet_names = [_attr(s, "name") for s in sheets]
        self.sheet_ids = [int(_attr(s, "sheetId") or 0) for s in sheets]
        rel_targets = {}
        for rel in re.findall(r"<Relationship\b[^>]*/>", self.rels):
            rel_targets[_attr(rel, "Id")] = (_attr(rel, "Type"), _attr(rel, "Target"),
                                             _attr(rel, "TargetMode"))
        self.rel_ids = set(rel_targets)
        title = sheet_title if sheet_title is not None else self.sheet_names[0]
        if title not in self.sheet_names:
            raise Unsupported("sheet not found")  # the openpyxl path reports it
        self.title = title
        rid = _attr(sheets[self.sheet_names.index(title)], "r:id")
        kind, target, mode = rel_targets.get(rid, (None, None, None))
        if kind != REL_WORKSHEET or not target or mode == "External":
            raise Unsupported("not a worksheet")
        self.sheet_part = target.lstrip("/") if target.startswith("/") else \
            normpath(join("xl", target))
        if self.sheet_part not in self.names:
            raise Unsupported("sheet part missing")
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


# ---- styles ----------------------------------------------------------------------------------

def _font_xml(font: dict[str, Any]) -> str:
    parts = []
    if font.get("bold"):
        parts.append('<b val="1"/>')
    if font.get("size"):
        parts.append(f'<sz val="{font["size"]}"/>')
    if font.get("color"):
        parts.append(f'<color rgb="FF{font["color"]}"/>')
    return "<font>" + "".join(parts) + "</font>"


def _fill_xml(rgb: str) -> str:
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            f'<bgColor rgb="FF{rgb}"/></patternFill></fill>')


def _section(xml: str, tag: str) -> tuple[int, int, int] | None:
    """(start of the opening tag, end of the opening tag, start of the closing tag)."""
    m = re.search(rf"<{tag}\b[^>]*?(/?)>", xml)
    if m is None:
        return None
    if m.group(1):
        raise Unsupported(f"empty {tag}")
    close = xml.find(f"</{tag}>", m.end())
    if close < 0:
        raise Unsupported(f"unclosed {tag}")
    return m.start(), m.end(), close


def _append_children(xml: str, tag: str, child: str, new: list[str]) -> tuple[str, int]:
    """Append `new` children to <tag>, fix its count; returns (xml, index of the first new)."""
    sec = _section(xml, tag)
    if sec is None:
        raise Unsupported(f"no {tag}")
    start, open_end, close = sec
    inner = xml[open_end:close]
    first = len(re.findall(rf"<{child}[\s/>]", inner))
    opening = xml[start:open_end]
    total = first + len(new)
    opening = re.sub(r'\scount="\d+"', f' count="{total}"', opening) if "count=" in opening \
        else opening[:-1] + f' count="{total}">'
    return xml[:start] + opening + inner + "".join(new) + xml[close:], first


def patch_styles(xml: str) -> tuple[str, dict[str, int], int]:
    """styles.xml with imvo's formats appended: (xml, style key -> cellXfs index, first dxf)."""
    if not re.search(r"<styleSheet\b[^>]*xmlns=\"" + re.escape(NS_MAIN) + '"', xml):
        raise Unsupported("styles namespace")
    styles = {"header": HEADER_STYLE, **{lvl: level_style(lvl) for lvl in LEVEL_COLOURS}}
    fonts = [_font_xml(s["font"]) for s in styles.values()]
    fills = [_fill_xml(s["fill"]) for s in styles.values()]
    xml, font0 = _append_children(xml, "fonts", "font", fonts)
    xml, fill0 = _append_children(xml, "fills", "fill", fills)
    xf_id = ' xfId="0"' if re.search(r"<cellStyleXfs\b[^>]*>\s*<xf\b", xml) else ""
    xfs = []
    for k, s in enumerate(styles.values()):
        align = s.get("alignment")
        body = ""
        if align:
            body = "<alignment" + "".join(
                f' {"wrapText" if a == "wrap_text" else a}="{int(v) if isinstance(v, bool) else v}"'
                for a, v in align.items()) + "/>"
        xfs.append(f'<xf numFmtId="0" fontId="{font0 + k}" fillId="{fill0 + k}" borderId="0"'
                   f'{xf_id} applyFont="1" applyFill="1"' +
                   (f' applyAlignment="1">{body}</xf>' if body else "/>"))
    # dates in generated sheets: the built-in formats 14 (date) and 22 (date and time)
    xfs.append(f'<xf numFmtId="14" fontId="0" fillId="0" borderId="0"{xf_id} applyNumberFormat="1"/>')
    xfs.append(f'<xf numFmtId="22" fontId="0" fillId="0" borderId="0"{xf_id} applyNumberFormat="1"/>')
    xml, xf0 = _append_children(xml, "cellXfs", "xf", xfs)
    ids = {key: xf0 + k for k, key in enumerate(styles)}
    ids["date"], ids["datetime"] = xf0 + len(styles), xf0 + len(styles) + 1
    dxfs = [f'<dxf><font><color rgb="FF{LEVEL_FONT_COLOURS[lvl]}"/></font>'
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c}"/><bgColor rgb="FF{c}"/>'
            f"</patternFill></fill></dxf>" for lvl, c in LEVEL_COLOURS.items()]
    if re.search(r"<dxfs\b[^>]*/>", xml):
        xml = re.sub(r"<dxfs\b[^>]*/>", '<dxfs count="0"></dxfs>', xml, count=1)
    if "<dxfs" in xml:
        xml, dxf0 = _append_children(xml, "dxfs", "dxf", dxfs)
    else:
        anchor = re.search(r"<(tableStyles|colors|extLst)\b|</styleSheet>", xml)
        xml = xml[:anchor.start()] + f'<dxfs count="{len(dxfs)}">' + "".join(dxfs) + \
            "</dxfs>" + xml[anchor.start():]
        dxf0 = 0
    return xml, ids, dxf0


# ---- the suppliers sheet ---------------------------------------------------------------------

def scan_sheet(zin: zipfile.ZipFile, part: str) -> dict[str, Any]:
    """One pass over the sheet: the last used column and row, the XML after the rows, and
    refusal of what the edit does not handle (see SHEET_REFUSED; rows or cells without a
    reference; empty trailing cells, which the openpyxl path would place imvo's columns over)."""
    last_valued = last_any = last_row = 0
    carry, tail = "", None
    seen_data = False
    for text in _text_chunks(zin, part):
        if tail is not None:
            tail += text
            if len(tail) > MAX_HEAD:
                raise Unsupported("sheet tail too large")
            continue
        buf = carry + text
        for marker in SHEET_REFUSED:
            if marker in buf:
                raise Unsupported(marker)
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
                raise Unsupported("prefixed elements")
            seen_data = "<sheetData" in body
        for m in _ROW.finditer(body):
            rn = _ROW_NUM.search(m.group(1))
            if rn is None:
                raise Unsupported("row without a number")
            if m.group(2):
                continue
            stop = body.find("</row>", m.end())
            row_xml = body[m.end():stop]
            if "<c" not in row_xml:
                continue
            cells = row_xml.count("<c ") + row_xml.count("<c>")
            refs = _CELL_REF.findall(row_xml)
            if len(refs) != cells:
                raise Unsupported("cell without a reference")
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
        raise Unsupported("no sheetData")
    for marker in SHEET_REFUSED:
        if marker in tail:
            raise Unsupported(marker)
    if last_any > last_valued:
        raise Unsupported("empty styled cells after the last value")
    return {"last_column": last_valued, "last_row": last_row, "tail": tail}


def _sheet_view(head: str, freeze_row: int) -> str:
    """The first sheet view with the header frozen (the user's view attributes kept)."""
    cell = f"A{freeze_row}"
    pane = (f'<pane ySplit="{freeze_row - 1}" topLeftCell="{cell}" activePane="bottomLeft" '
            f'state="frozen"/><selection pane="bottomLeft" activeCell="{cell}" sqref="{cell}"/>')
    views = re.findall(r"<sheetView\b", head)
    if len(views) > 1:
        raise Unsupported("several sheet views")
    if not views:
        view = f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        m = re.search(r"<(sheetFormatPr|cols)\b", head)
        at = m.start() if m else len(head)
        return head[:at] + view + head[at:]
    m = re.search(r"<sheetView\b([^>]*?)(/?)>", head)
    if m.group(2):
        return head[:m.start()] + f"<sheetView{m.group(1)}>{pane}</sheetView>" + head[m.end():]
    close = head.find("</sheetView>", m.end())
    inner = head[m.end():close]
    rest = re.sub(r"<(pane|selection)\b[^>]*/>", "", inner)
    if rest.strip():
        raise Unsupported("sheet view content")
    return head[:m.end()] + pane + head[close:]


def fit_to_page(head: str) -> str:
    """The sheet's properties with fitToPage on (what makes Excel honour fitToWidth)."""
    m = re.search(r"<sheetPr\b([^>]*?)(/?)>", head)
    if m is None:
        top = re.match(r"(<\?xml[^>]*>\s*)?<worksheet\b[^>]*>", head)
        if top is None:
            raise Unsupported("worksheet start")
        return head[:top.end()] + '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' + head[top.end():]
    if m.group(2):
        return (head[:m.start()] + f'<sheetPr{m.group(1)}><pageSetUpPr fitToPage="1"/></sheetPr>'
                + head[m.end():])
    close = head.find("</sheetPr>", m.end())
    if close < 0:
        raise Unsupported("unclosed sheetPr")
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
        raise Unsupported("workbook shape")
    at += len("</sheets>")
    return workbook[:at] + "<definedNames>" + "".join(entries) + "</definedNames>" + workbook[at:]


def _cols(head: str, first: int, widths: list[float]) -> str:
    new = "".join(f'<col min="{first + k}" max="{first + k}" width="{w}" customWidth="1"/>'
                  for k, w in enumerate(widths))
    if re.search(r"<cols\b[^>]*/>", head):
        raise Unsupported("empty cols")
    if "<cols" not in head:  # the head ends where <sheetData> starts: cols come last
        return head + f"<cols>{new}</cols>"
    for c in re.findall(r"<col\b[^>]*>", head):
        if int(_attr(c, "max") or 0) >= first:
            raise Unsupported("column formats over imvo's columns")
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
        raise Unsupported("worksheet end")
    return tail[:m.start()] + xml + tail[m.start():]


def _merged_top_left(tail: str) -> dict[tuple[int, int], tuple[int, int]]:
    from openpyxl.utils import range_boundaries

    cover = {}
    for ref in re.findall(r'<mergeCell\b[^>]*\bref="([^"]+)"', tail):
        c1, r1, c2, r2 = range_boundaries(ref)
        if (c2 - c1 + 1) * (r2 - r1 + 1) > 10_000:
            raise Unsupported("large merged range")
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cover[(r, c)] = (r1, c1)
    return cover


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
    raise Unsupported(f"value type {kind.__name__}")


def edit_sheet(zin, part: str, out, rows: dict[int, list[tuple[int, Any, int | None]]],
               head_edit, tail_edit) -> None:
    """Copy the sheet to `out`, with `rows` (row -> [(column, value, style)]) appended to
    their rows (new rows where the sheet has none), head and tail edited by the callbacks."""
    pending = sorted(rows)
    k = 0
    letters: dict[int, str] = {}

    def cells_xml(r: int) -> str:
        parts = []
        for col, value, sid in rows[r]:
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
            r = int(_ROW_NUM.search(m.group(1)).group(1))
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
    for text in _text_chunks(zin, part):
        carry += text
        if state == "head":
            m = re.search(r"<sheetData\b[^>]*?(/?)>", carry)
            if m is None:
                if len(carry) > MAX_HEAD:
                    raise Unsupported("sheet head too large")
                continue
            if m.group(1):
                raise Unsupported("empty sheetData")
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
            raise Unsupported("sheet tail too large")
    if state != "tail":
        raise Unsupported("sheet not complete")
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


# ---- generated sheets ------------------------------------------------------------------------

class _StyleTable(dict):
    """style_id's cache for the generated sheets: only the formats written into styles.xml."""

    def __missing__(self, key):
        raise Unsupported(f"style {key}")

    def __contains__(self, key):
        if not dict.__contains__(self, key):
            raise Unsupported(f"style {key}")
        return True


def generated_sheet(titles, title: str, headers, rows, *, sids: dict[str, int], level_column=None,
                    widths=None, extra_tail: str = "", footer: str | None = None,
                    level_labels: dict[str, str] | None = None) -> tuple[str, Any]:
    """(title, placeholder) for a table written by the shared streamed writer."""
    if title.lower() in {t.lower() for t in titles}:  # Excel compares sheet names so
        raise Unsupported(f"sheet name {title!r} taken")
    cache = _StyleTable({repr(HEADER_STYLE): sids["header"],
                         repr({"number_format": DATE_FORMAT}): sids["date"],
                         repr({"number_format": DATE_FORMAT + " hh:mm:ss"}): sids["datetime"]})
    for lvl in LEVEL_COLOURS:
        cache[repr(level_style(lvl))] = sids[lvl]
    wb = SimpleNamespace(_imvo_style_ids=cache)
    rows = list(rows)
    last = f"{col_letter(max(1, len(headers)))}{max(1, len(rows) + 1)}"
    ws = SimpleNamespace(parent=wb, data_validations=SimpleNamespace(dataValidation=[]))
    level_sids = {lvl: sids[lvl] for lvl in LEVEL_COLOURS}
    for lvl, text in (level_labels or {}).items():
        if lvl in level_sids:
            level_sids.setdefault(text, level_sids[lvl])
    setattr(ws, STREAMED_ATTR, {
        "headers": list(headers), "rows": rows,
        "widths": list(widths or column_widths(headers, rows)),
        "level_index": list(headers).index(level_column) if level_column in headers else None,
        "header_sid": sids["header"], "level_sids": level_sids,
        "ref": f"A1:{last}", "extra_tail": extra_tail, "footer": footer})
    titles.append(title)
    return title, ws


def heat_map_xml(n_themes: int, n_rows: int, dxf0: int,
                 level_labels: dict[str, str] | None = None) -> str:
    if not n_rows:
        return ""
    labels = level_labels or {}
    area = f"C2:{col_letter(n_themes + 3)}{n_rows + 1}"
    rules = "".join(f'<cfRule type="cellIs" dxfId="{dxf0 + k}" priority="{k + 1}" operator="equal">'
                    f"<formula>\"{xml_text(labels.get(lvl, lvl))}\"</formula></cfRule>"
                    for k, lvl in enumerate(LEVEL_COLOURS))
    return f'<conditionalFormatting sqref="{area}">{rules}</conditionalFormatting>'


# ---- the whole workbook ----------------------------------------------------------------------

def _zip_info(name: str) -> zipfile.ZipInfo:
    """An entry with a fixed time; deflated at level 1: the big parts (the suppliers sheet,
    the generated tables) compress 3x faster than at the default level, for a larger file."""
    info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    # the attribute is named compress_level from Python 3.13 on
    setattr(info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level")
            else "_compresslevel", ZIP_LEVEL)
    return info


def _copy_part(zin, zout, info: zipfile.ZipInfo) -> None:
    out_info = _zip_info(info.filename)
    out_info.external_attr = info.external_attr
    with zin.open(info) as src, zout.open(out_info, "w", force_zip64=True) as dst:
        while True:
            data = src.read(CHUNK)
            if not data:
                break
            dst.write(data)


def _new_part(zout, name: str, chunks) -> None:
    with zout.open(_zip_info(name), "w", force_zip64=True) as dst:
        for chunk in chunks:
            dst.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


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
    return xml[:heading.start()] + heading.group(1) + str(int(heading.group(2)) + len(titles)) + \
        heading.group(3) + xml[heading.end():]


def write_patched(chain_map, input_path, out_path, plan_rows, sheets_for, *,
                  lang: str = "en") -> None:
    """Write the annotated workbook at `out_path` from the input's zip; raises Unsupported
    (leaving a partial file for the caller to replace) when the input is outside its reach.

    `plan_rows(first, sids)` -> (rows, comments, added widths, last row) for the suppliers
    sheet; `sheets_for(titles, sids, dxf0)` -> generated sheets [(title, placeholder)]."""
    from ..i18n import t
    from .annotated import ADDED_HEADERS, COMMENT_AUTHOR, COMMENT_SIZE, check_room

    footer = t("print.footer", lang)
    earlier = variants("column.imvo_id")

    with zipfile.ZipFile(input_path) as zin:
        if any(i.flag_bits & 0x1 for i in zin.infolist()):
            raise Unsupported("encrypted")
        pkg = Package(zin, chain_map.source.sheet)
        if pkg.sheet_rels in pkg.names:
            rels = zin.read(pkg.sheet_rels).decode("utf-8")
            if REL_COMMENTS in rels or REL_VML in rels or "/table" in rels:
                raise Unsupported("sheet has comments, drawings or tables")
        else:
            rels = None
        for part in ("xl/sharedStrings.xml",):
            if part in pkg.names:
                overlap = ""
                for text in _text_chunks(zin, part):
                    if any(h in overlap + text for h in earlier):  # exported before:
                        raise Unsupported("earlier export")  # openpyxl refreshes it
                    overlap = text[-16:]
        scan = scan_sheet(zin, pkg.sheet_part)
        first = scan["last_column"] + 1
        last_col = first + len(ADDED_HEADERS) - 1
        check_room(first, chain_map.source.file, pkg.title)
        styles, sids, dxf0 = patch_styles(zin.read("xl/styles.xml").decode("utf-8"))
        rows, comments, widths, last_row = plan_rows(first, sids)
        last_row = max(last_row, scan["last_row"])
        header_row = chain_map.source.header_row

        sheet_rel_ids = set(re.findall(r'\bId="([^"]+)"', rels or ""))
        new_types, new_rels = [], []
        comment_part = vml_part = None
        if comments:
            comment_part = pkg.free_name("xl/comments{}.xml")
            vml_part = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
            c_id, v_id = pkg.free_rel_id(sheet_rel_ids), pkg.free_rel_id(sheet_rel_ids)
            new_rels.append(f'<Relationship Id="{c_id}" Type="{REL_COMMENTS}" Target="/{comment_part}"/>')
            new_rels.append(f'<Relationship Id="{v_id}" Type="{REL_VML}" Target="/{vml_part}"/>')
            new_types.append(f'<Override PartName="/{comment_part}" ContentType="{CT_COMMENTS}"/>')
            if not re.search(r'<Default\b[^>]*Extension="vml"', pkg.types):
                new_types.append(f'<Default Extension="vml" ContentType="{CT_VML}"/>')
            cover = _merged_top_left(scan["tail"])
            placed: dict[tuple[int, int], str] = {}
            for r, c, text in comments:
                key = cover.get((r, c), (r, c))
                placed[key] = placed[key] + "\n" + text if key in placed else text
            comments = [(r, c, t) for (r, c), t in sorted(placed.items())]

        def head_edit(head: str) -> str:
            if not re.match(r'(<\?xml[^>]*>\s*)?<worksheet\b[^>]*xmlns="' + re.escape(NS_MAIN) + '"', head):
                raise Unsupported("worksheet namespace")
            head = _dimension(head, last_col, last_row)
            head = fit_to_page(head)
            head = _sheet_view(head, header_row + 1)
            return _cols(head, first, widths)

        def tail_edit(tail: str) -> str:
            tail = _insert_before(tail, AFTER_AUTOFILTER,
                                  f'<autoFilter ref="A{header_row}:{col_letter(last_col)}{last_row}"/>')
            tail = print_setup(tail, footer)
            if comments:
                tail = _insert_before(tail, AFTER_LEGACY_DRAWING, f'<legacyDrawing xmlns:r="{NS_REL}" r:id="{v_id}"/>')
            return tail

        titles = list(pkg.sheet_names)
        generated = sheets_for(titles, sids, dxf0)
        workbook, wb_rels, types = pkg.workbook, pkg.rels, pkg.types
        sheet_entries, rel_entries = [], []
        next_sheet_id = max(pkg.sheet_ids) + 1
        rel_ids = set(pkg.rel_ids)
        parts = []
        for title, ws in generated:
            part = pkg.free_name("xl/worksheets/sheet{}.xml")
            rid = pkg.free_rel_id(rel_ids)
            sheet_entries.append(f'<sheet name="{xml_text(title).replace(chr(34), "&quot;")}" '
                                 f'sheetId="{next_sheet_id}" r:id="{rid}"/>')
            next_sheet_id += 1
            rel_entries.append(f'<Relationship Id="{rid}" Type="{REL_WORKSHEET}" Target="/{part}"/>')
            new_types.append(f'<Override PartName="/{part}" ContentType="{CT_WORKSHEET}"/>')
            parts.append((part, ws))
        workbook = workbook.replace("</sheets>", "".join(sheet_entries) + "</sheets>", 1)
        index = pkg.sheet_names.index(pkg.title)
        workbook = print_titles(workbook, [print_titles_xml(pkg.title, index, header_row)] + [
            print_titles_xml(title, len(pkg.sheet_names) + k) for k, (title, _) in enumerate(generated)],
            {index})
        wb_rels = wb_rels.replace("</Relationships>", "".join(rel_entries) + "</Relationships>", 1)
        types = types.replace("</Types>", "".join(new_types) + "</Types>", 1)
        if rels is not None and new_rels:
            rels = rels.replace("</Relationships>", "".join(new_rels) + "</Relationships>", 1)
        elif new_rels:
            rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    + "".join(new_rels) + "</Relationships>")
        if "</sheets>" not in pkg.workbook or "</Relationships>" not in pkg.rels:
            raise Unsupported("workbook shape")

        replaced = {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": wb_rels,
                    "[Content_Types].xml": types, "xl/styles.xml": styles}
        if "docProps/app.xml" in pkg.names:
            replaced["docProps/app.xml"] = _app_xml(zin.read("docProps/app.xml").decode("utf-8"),
                                                   titles[len(pkg.sheet_names):])
        with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            for info in zin.infolist():
                name = info.filename
                if name == pkg.sheet_part:
                    with zout.open(_zip_info(name), "w", force_zip64=True) as dst:
                        edit_sheet(zin, name, dst, rows, head_edit, tail_edit)
                elif name == pkg.sheet_rels and rels is not None:
                    _new_part(zout, name, [rels])
                elif name in replaced:
                    _new_part(zout, name, [replaced[name]])
                else:
                    _copy_part(zin, zout, info)
            if rels is not None and pkg.sheet_rels not in set(zin.namelist()):
                _new_part(zout, pkg.sheet_rels, [rels])
            if comments:
                _new_part(zout, comment_part, comments_chunks(comments, COMMENT_AUTHOR))
                _new_part(zout, vml_part, vml_chunks(comments, COMMENT_SIZE))
            for part, ws in parts:
                _new_part(zout, part, xlsx.streamed_sheet_chunks(ws))
