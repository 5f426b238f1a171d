"""Zip-level parts of an xlsx package: imvo's formats appended to styles.xml, entries with a
fixed time, the sheets a workbook lists; shared by every writer that finishes a package."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from posixpath import join, normpath
from typing import IO, Any
from xml.sax.saxutils import escape, unescape

from defusedxml import ElementTree
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

from ..model import LEVEL_COLOURS, LEVEL_FONT_COLOURS
from .styles import DATE_FORMATS, HEADER_STYLE, level_style

CHUNK = 1 << 20  # bytes copied at a time
ZIP_LEVEL = 1
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no clock time: same input, same bytes
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_STYLES = NS_REL + "/styles"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
# A styles part for a workbook that has none (Excel's defaults: one font, the two fills every
# styles part starts with, one border, one format).
MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
    '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/>'
    "</styleSheet>")


class PackageError(Exception):
    """A styles or workbook part outside what the zip-level edit recognises."""


@dataclass
class StyleIds:
    """Cell-format indexes of imvo's formats in one styles part, and the first heat-map dxf."""

    ids: dict[str, int] = field(default_factory=dict)
    dxf0: int = 0

    def level(self, key: str | None) -> int:
        return self.ids.get(key or "unknown", self.ids["unknown"])

    def of(self, style: dict[str, Any]) -> int:
        """The index of any style dict appended (a Styled cell's), by its repr."""
        return self.ids[repr(style)]


def style_key(style: dict[str, Any]) -> str:
    return repr(style)


def _font_xml(font: dict[str, Any]) -> str:
    parts = []
    if font.get("bold"):
        parts.append('<b val="1"/>')
    if font.get("size"):
        parts.append(f'<sz val="{font["size"]}"/>')
    if font.get("color"):
        parts.append(f'<color rgb="FF{font["color"]}"/>')
    return "<font>" + "".join(parts) + "</font>"


def _fill_xml(rgb: str | None) -> str:
    if not rgb:
        return '<fill><patternFill patternType="none"/></fill>'
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            f'<bgColor rgb="FF{rgb}"/></patternFill></fill>')


def _append_children(xml: str, tag: str, child: str, new: list[str]) -> tuple[str, int]:
    """Append `new` children to <tag> (opened if empty), fix its count; returns (xml, index
    of the first new child)."""
    xml = re.sub(rf"<{tag}\b([^>]*?)/>", rf"<{tag}\1></{tag}>", xml, count=1)
    m = re.search(rf"<{tag}\b[^>]*>", xml)
    if m is None:
        raise PackageError(f"no {tag}")
    close = xml.find(f"</{tag}>", m.end())
    if close < 0:
        raise PackageError(f"unclosed {tag}")
    start, open_end = m.start(), m.end()
    inner = xml[open_end:close]
    first = len(re.findall(rf"<{child}[\s/>]", inner))
    opening = xml[start:open_end]
    total = first + len(new)
    opening = re.sub(r'\scount="\d+"', f' count="{total}"', opening) if "count=" in opening \
        else opening[:-1] + f' count="{total}">'
    return xml[:start] + opening + inner + "".join(new) + xml[close:], first


def _alignment_xml(align: dict[str, Any] | None) -> str:
    if not align:
        return ""
    return "<alignment" + "".join(
        f' {"wrapText" if a == "wrap_text" else a}="{int(v) if isinstance(v, bool) else v}"'
        for a, v in align.items()) + "/>"


def _number_formats(xml: str, codes: list[str]) -> tuple[str, dict[str, int]]:
    """styles.xml with the custom number formats among `codes` added, and code -> numFmtId:
    Excel's built-in formats by their fixed id, a format the part already defines by its id,
    a new one after the part's highest id (custom ids start at 164)."""
    ids: dict[str, int] = {}
    if not codes:
        return xml, ids
    known: dict[str, int] = {}
    for m in re.finditer(r"<numFmt\b[^>]*>", xml):
        attrs = dict(re.findall(r'\b(numFmtId|formatCode)="([^"]*)"', m.group(0)))
        if "numFmtId" in attrs and "formatCode" in attrs:
            known.setdefault(unescape(attrs["formatCode"], {"&quot;": '"'}), int(attrs["numFmtId"]))
    next_id = max([163, *known.values()]) + 1
    new = []
    for code in codes:
        if code in ids:
            continue
        builtin = BUILTIN_FORMATS_REVERSE.get(code)
        if builtin is not None or code in known:
            ids[code] = builtin if builtin is not None else known[code]
            continue
        ids[code] = next_id
        text = escape(code, {'"': "&quot;"})
        new.append(f'<numFmt numFmtId="{next_id}" formatCode="{text}"/>')
        next_id += 1
    if not new:
        return xml, ids
    if re.search(r"<numFmts\b", xml):
        xml, _ = _append_children(xml, "numFmts", "numFmt", new)
        return xml, ids
    anchor = re.search(r"<fonts\b", xml)  # numFmts comes first in a styles part
    if anchor is None:
        raise PackageError("no fonts")
    return (xml[:anchor.start()] + f'<numFmts count="{len(new)}">' + "".join(new) + "</numFmts>"
            + xml[anchor.start():], ids)


def patch_styles(xml: str, extra: Iterable[dict[str, Any]] = ()) -> tuple[str, StyleIds]:
    """styles.xml with imvo's formats appended (header, levels, dates, `extra` style dicts)."""
    if not re.search(r"<styleSheet\b[^>]*xmlns=\"" + re.escape(NS_MAIN) + '"', xml):
        raise PackageError("styles namespace")
    styles: dict[str, dict[str, Any]] = {"header": HEADER_STYLE,
                                         **{lvl: level_style(lvl) for lvl in LEVEL_COLOURS}}
    for style in extra:
        styles.setdefault(style_key(style), style)
    xml, formats = _number_formats(xml, [s["number_format"] for s in styles.values()
                                         if s.get("number_format")] + list(DATE_FORMATS))
    # A style that is only a number format ("0.0%") keeps the default font and fill.
    decorated = [s for s in styles.values() if set(s) - {"number_format"}]
    fonts = [_font_xml(s.get("font") or {}) for s in decorated]
    fills = [_fill_xml(s.get("fill")) for s in decorated]
    xml, font0 = _append_children(xml, "fonts", "font", fonts)
    xml, fill0 = _append_children(xml, "fills", "fill", fills)
    xf_id = ' xfId="0"' if re.search(r"<cellStyleXfs\b[^>]*>\s*<xf\b", xml) else ""
    xfs = []
    k = 0
    for s in styles.values():
        fmt = formats.get(s.get("number_format") or "", 0)
        if not set(s) - {"number_format"}:
            xfs.append(f'<xf numFmtId="{fmt}" fontId="0" fillId="0" borderId="0"{xf_id} '
                       'applyNumberFormat="1"/>')
            continue
        body = _alignment_xml(s.get("alignment"))
        apply_fmt = ' applyNumberFormat="1"' if fmt else ""
        xfs.append(f'<xf numFmtId="{fmt}" fontId="{font0 + k}" fillId="{fill0 + k}" borderId="0"'
                   f'{xf_id}{apply_fmt} applyFont="1" applyFill="1"' +
                   (f' applyAlignment="1">{body}</xf>' if body else "/>"))
        k += 1
    # dates in generated sheets: ISO formats of their own, not the built-in 14 and 22, which
    # Excel shows in the reader's locale (m/d/yy in the US)
    for fmt in (formats[code] for code in DATE_FORMATS):
        xfs.append(f'<xf numFmtId="{fmt}" fontId="0" fillId="0" borderId="0"{xf_id} '
                   'applyNumberFormat="1"/>')
    xml, xf0 = _append_children(xml, "cellXfs", "xf", xfs)
    ids = {key: xf0 + k for k, key in enumerate(styles)}
    n = len(styles)
    for k, (key, code) in enumerate(zip(("date", "datetime", "time"), DATE_FORMATS)):
        ids[style_key({"number_format": code})] = ids[key] = xf0 + n + k
    dxfs = [f'<dxf><font><color rgb="FF{LEVEL_FONT_COLOURS[lvl]}"/></font>'
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c}"/><bgColor rgb="FF{c}"/>'
            f"</patternFill></fill></dxf>" for lvl, c in LEVEL_COLOURS.items()]
    if "<dxfs" in xml:
        xml, dxf0 = _append_children(xml, "dxfs", "dxf", dxfs)
    else:
        anchor = re.search(r"<(tableStyles|colors|extLst)\b|</styleSheet>", xml)
        if anchor is None:
            raise PackageError("styles end")
        xml = xml[:anchor.start()] + f'<dxfs count="{len(dxfs)}">' + "".join(dxfs) + \
            "</dxfs>" + xml[anchor.start():]
        dxf0 = 0
    return xml, StyleIds(ids, dxf0)


# ---- zip entries -------------------------------------------------------------------------

def zip_info(name: str) -> zipfile.ZipInfo:
    """An entry with a fixed time, deflated at level 1: the big parts (suppliers sheet,
    generated tables) compress 3x faster than at the default level, for a larger file."""
    info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    # the attribute is named compress_level from Python 3.13 on
    setattr(info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level")
            else "_compresslevel", ZIP_LEVEL)
    return info


def copy_part(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    out_info = zip_info(info.filename)
    out_info.external_attr = info.external_attr
    with zin.open(info) as src, zout.open(out_info, "w", force_zip64=True) as dst:
        while True:
            data = src.read(CHUNK)
            if not data:
                break
            dst.write(data)


def new_part(zout: zipfile.ZipFile, name: str, chunks: Iterable[str | bytes]) -> None:
    with zout.open(zip_info(name), "w", force_zip64=True) as dst:
        write_chunks(dst, chunks)


def write_chunks(dst: IO[bytes], chunks: Iterable[str | bytes]) -> None:
    for chunk in chunks:
        dst.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def text_chunks(zin: zipfile.ZipFile, name: str) -> Iterator[str]:
    """A part's text in chunks (UTF-8 decoded incrementally)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with zin.open(name) as fh:
        while True:
            data = fh.read(CHUNK)
            if not data:
                break
            yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


# ---- the sheets a workbook lists -----------------------------------------------------------

def sheet_parts(zin: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its part name, from workbook.xml and its relationships (parsed as XML:
    a title is compared as Excel reads it)."""
    workbook = ElementTree.fromstring(zin.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zin.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
    out = {}
    for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{NS_REL}}}id"), "")
        out[sheet.get("name") or ""] = target.lstrip("/") if target.startswith("/") else \
            normpath(join("xl", target))
    return out
