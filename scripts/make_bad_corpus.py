"""Build the bad-input corpus: broken, huge and hostile supplier lists, deterministically.

Small cases are committed in tests/data/bad/ (run this script to rebuild them); large or
hostile cases (zip bomb, a million rows, 10,000 columns, a 1 MB cell) are generated on the
fly into a temporary folder by the tests, in bounded time, and never committed.

    python scripts/make_bad_corpus.py            # rebuild tests/data/bad/
    python scripts/make_bad_corpus.py --large DIR  # also write the large cases into DIR
"""

from __future__ import annotations

import argparse
import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from imvo_cli.ingest.normalise import column_letter

ROOT = Path(__file__).resolve().parent.parent
BAD_DIR = ROOT / "tests" / "data" / "bad"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # zip entry timestamps, so rebuilt files are identical

HEADER = ["Supplier name", "Address", "Country", "Tier", "Number of workers", "Supplies to"]
GOOD_ROWS = [
    ["Dhaka Knit Ltd", "Plot 12, Ashulia", "Bangladesh", 1, 1200, ""],
    ["Izmir Dye House", "Kemalpasa Cd. 4", "Turkey", 2, 300, "Dhaka Knit Ltd"],
]

# --- a minimal xlsx written as XML, so geometry and content are fully under our control ---

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_WS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], prologue: str = "") -> str:
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prologue}'
           f'<worksheet xmlns="{_NS}"><sheetData>']
    for r, row in enumerate(rows, 1):
        out.append(f'<row r="{r}">' + "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row))
                   + "</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def _zip_write(zf: zipfile.ZipFile, name: str, data: str | bytes) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def write_xlsx(path: Path, sheets: list[tuple[str, str, str]], *, chart_sheets: int = 0) -> None:
    """sheets: (name, state 'visible'|'hidden', sheet XML). Written by hand, no openpyxl."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_WS_TYPE}"/>'
                        for i in range(1, len(sheets) + 1))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
    root_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
                 f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                 '</Relationships>')
    entries = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" state="{st}" r:id="rId{i}"/>'
                      for i, (n, st, _) in enumerate(sheets, 1))
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS}" '
                f'xmlns:r="{_REL_NS}"><sheets>{entries}</sheets></workbook>')
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
               f'{rels}</Relationships>')
    with zipfile.ZipFile(path, "w") as zf:
        _zip_write(zf, "[Content_Types].xml", content_types)
        _zip_write(zf, "_rels/.rels", root_rels)
        _zip_write(zf, "xl/workbook.xml", workbook)
        _zip_write(zf, "xl/_rels/workbook.xml.rels", wb_rels)
        for i, (_, _, xml) in enumerate(sheets, 1):
            _zip_write(zf, f"xl/worksheets/sheet{i}.xml", xml)


def simple_xlsx(path: Path, rows: list[list], name: str = "Suppliers") -> None:
    write_xlsx(path, [(name, "visible", sheet_xml(rows))])


def write_csv(path: Path, rows: list[list], *, encoding="utf-8", sep=",", newline="\r\n") -> None:
    text = newline.join(sep.join(str(v) for v in row) for row in rows) + newline
    path.write_bytes(text.encode(encoding))


def _openpyxl_book(rows: list[list]):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    for row in rows:
        ws.append(row)
    return wb


def _save_openpyxl(wb, path: Path) -> None:
    """openpyxl stamps the current time into docProps; pin it so rebuilds are identical."""
    from datetime import datetime

    wb.properties.created = wb.properties.modified = datetime(2024, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                import re
                data = re.sub(rb"<dcterms:modified[^<]*</dcterms:modified>", b"", data)
            _zip_write(zf, info.filename, data)


# --- small cases, committed -------------------------------------------------------------

def empty_file(p: Path) -> None:
    p.write_bytes(b"")


def random_bytes(p: Path) -> None:
    p.write_bytes(random.Random(9).randbytes(4096))


def truncated_xlsx(p: Path) -> None:
    buf = io.BytesIO()
    simple_xlsx_path = p.with_suffix(".tmp")
    simple_xlsx(simple_xlsx_path, [HEADER, *GOOD_ROWS])
    data = simple_xlsx_path.read_bytes()
    simple_xlsx_path.unlink()
    buf.write(data[: len(data) // 2])
    p.write_bytes(buf.getvalue())


def zip_without_workbook(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as zf:
        _zip_write(zf, "readme.txt", "supplier list to follow\n")
        _zip_write(zf, "suppliers.csv", "name,country\nAcme,NL\n")


def encrypted_xlsx(p: Path) -> None:
    """A real password-protected workbook (OLE2/CFB container, Agile encryption)."""
    import msoffcrypto.format.ooxml as ooxml  # generation only; not a runtime dependency

    plain = p.with_suffix(".plain.xlsx")
    simple_xlsx(plain, [HEADER, *GOOD_ROWS])
    out = io.BytesIO()
    with plain.open("rb") as fh:
        ooxml.OOXMLFile(fh).encrypt("secret", out)
    plain.unlink()
    # The encryption salt is random; the fixture is committed, so rebuilding changes bytes.
    p.write_bytes(out.getvalue())


def corrupt_xls(p: Path) -> None:
    """OLE2 signature followed by garbage: what a half-copied legacy .xls looks like."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    p.write_bytes(ole + random.Random(3).randbytes(4096 - len(ole)))


def html_as_xls(p: Path) -> None:
    """Web portals export HTML tables named .xls."""
    p.write_text("<html><body><table><tr><td>Supplier name</td><td>Country</td></tr>"
                 "<tr><td>Acme</td><td>NL</td></tr></table></body></html>", encoding="utf-8")


def corrupt_ods(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as zf:
        _zip_write(zf, "mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        _zip_write(zf, "content.xml", '<?xml version="1.0"?><office:document-content xmlns:office='
                   '"urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body><office:spread')
        _zip_write(zf, "META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>')


def no_sheets(p: Path) -> None:
    write_xlsx(p, [])


def only_hidden_sheets(p: Path) -> None:
    write_xlsx(p, [("Suppliers", "hidden", sheet_xml([HEADER, *GOOD_ROWS])),
                   ("Notes", "hidden", sheet_xml([["internal"]]))])


def only_charts(p: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    data = wb.active
    data.title = "data"
    for row in [["x", "y"], [1, 2], [2, 3]]:
        data.append(row)
    chart = BarChart()
    chart.add_data(Reference(data, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    cs = wb.create_chartsheet("Chart")
    cs.add_chart(chart)
    data.sheet_state = "hidden"  # the workbook shows only the chart
    wb.active = 1
    _save_openpyxl(wb, p)


def header_only(p: Path) -> None:
    simple_xlsx(p, [HEADER])


def header_not_found(p: Path) -> None:
    simple_xlsx(p, [["Quarterly report"], ["Item", "Amount", "Remarks"], ["Fabric", 12, "ok"]])


def duplicate_headers(p: Path) -> None:
    simple_xlsx(p, [["Supplier name", "Country", "Remarks", "Supplier name", "Remarks"],
                    ["Dhaka Knit Ltd", "BD", "first", "Dhaka Knit", "second"],
                    ["Izmir Dye House", "TR", "", "", "x"]])


def merged_header(p: Path) -> None:
    wb = _openpyxl_book([["Supplier list 2024"], ["Supplier name", "Address", None, "Country"],
                         [None, "Street", "City", None],
                         ["Dhaka Knit Ltd", "Plot 12", "Ashulia", "BD"],
                         ["Izmir Dye House", "Kemalpasa Cd. 4", "Izmir", "TR"]])
    ws = wb.active
    ws.merge_cells("A1:D1")
    ws.merge_cells("B2:C2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    _save_openpyxl(wb, p)


def formulas_without_values(p: Path) -> None:
    """openpyxl writes formulas without cached results, as scripts often do."""
    wb = _openpyxl_book([["Supplier name", "Country", "Number of workers", "Tier"],
                         ["Dhaka Knit Ltd", "BD", "=100*12", 1],
                         ['=UPPER("izmir dye house")', "TR", 300, "=1+1"],
                         ["Plain Mill", '=IF(TRUE,"PK","IN")', 50, 3]])
    _save_openpyxl(wb, p)


def error_values(p: Path) -> None:
    rows = [["Supplier name", "Country", "Number of workers", "Tier"],
            ["Dhaka Knit Ltd", "BD", "#N/A", 1], ["Izmir Dye House", "TR", 300, "#REF!"],
            ["#VALUE!", "PK", 10, 2]]
    xml = sheet_xml(rows)
    # real error cells (t="e") as Excel stores them, not text that looks like an error
    for err in ("#N/A", "#REF!", "#VALUE!"):
        xml = xml.replace(f't="inlineStr"><is><t xml:space="preserve">{escape(err)}</t></is></c>',
                          f't="e"><v>{escape(err)}</v></c>')
    write_xlsx(p, [("Suppliers", "visible", xml)])


DATES_AS_TEXT = ["2024-03-12", "12-03-2024", "12/03/24", "12.03.2024", "12 maart 2024"]


def dates_as_text(p: Path) -> None:
    rows = [["Supplier name", "Country", "Audit date"]]
    rows += [[f"Mill {i}", "IN", d] for i, d in enumerate(DATES_AS_TEXT, 1)]
    simple_xlsx(p, rows)


def thousands_separators(p: Path) -> None:
    write_csv(p, [["Supplier name", "Country", "Number of workers"],
                  ["Dutch style", "NL", '"1.250"'], ["English style", "GB", '"1,250"'],
                  ["Space style", "FR", '"1 250"'], ["Dutch big", "BE", '"12.500"'],
                  ["English big", "US", '"12,500"']], sep=";")


def control_characters(p: Path) -> None:
    rows = [["Supplier name", "Country", "Address"],
            ["Dhaka\x00 Knit\x07 Ltd", "BD", "Plot\x0b 12\x1b"],
            ["Izmir\x00Dye", "TR\x00", "line1\x0cline2"]]
    p.write_bytes("\r\n".join(",".join(r) for r in rows).encode("utf-8") + b"\r\n")


def control_characters_xlsx(p: Path) -> None:
    rows = [["Supplier name", "Country"], ["Dhaka_x0007_ Knit_x0000_ Ltd", "BD"]]
    simple_xlsx(p, rows)


def rtl_and_cjk(p: Path) -> None:
    simple_xlsx(p, [["Supplier name", "Address", "Country"],
                    ["مصنع القاهرة للنسيج", "شارع النيل ١٢، القاهرة", "Egypt"],
                    ["מפעל טקסטיל תל אביב", "רחוב הרצל 5", "Israel"],
                    ["上海纺织有限公司", "上海市浦东新区", "China"],
                    ["東京繊維株式会社", "東京都千代田区", "Japan"],
                    ["\u202eevil\u202c Mill", "Bidi override street", "IN"]])


def supplies_to_cycle(p: Path) -> None:
    simple_xlsx(p, [["ID", "Supplier name", "Country", "Supplies to"],
                    ["A", "Alpha Mill", "IN", "B"], ["B", "Beta Dye", "IN", "C"],
                    ["C", "Gamma Spin", "IN", "A"]])


def supplies_itself(p: Path) -> None:
    simple_xlsx(p, [["ID", "Supplier name", "Country", "Supplies to"],
                    ["A", "Alpha Mill", "IN", "A"], ["B", "Beta Dye", "IN", "A"]])


_CSV_ROWS = [["Supplier name", "Country", "City"], ["Café Textiel", "Nederland", "Tilburg"],
             ["Žilina Vlna", "Slovakia", "Žilina"], ["Ünal Örme", "Türkiye", "Bursa"]]


def csv_utf16(p: Path) -> None:
    write_csv(p, _CSV_ROWS, encoding="utf-16", sep="\t")


def csv_cp1252(p: Path) -> None:
    write_csv(p, [r for r in _CSV_ROWS if "Ž" not in r[0]] + [["Müller – “Wolle”", "Duitsland", "Köln"]],
              encoding="cp1252", sep=";")


def csv_mixed_line_endings(p: Path) -> None:
    p.write_bytes(b"Supplier name,Country\r\nAlpha,IN\nBeta,BD\rGamma,PK\r\n\nDelta,VN")


def csv_unbalanced_quotes(p: Path) -> None:
    p.write_bytes(b'Supplier name,Country\r\nAlpha,IN\r\n"Beta Mill, BD\r\nGamma,PK\r\n')


def billion_laughs(p: Path) -> None:
    dtd = ('<!DOCTYPE worksheet [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                     for i in range(1, 10)) + "]>")
    xml = sheet_xml([["Supplier name", "Country"], ["&lol9;", "NL"]], prologue=dtd)
    xml = xml.replace("&amp;lol9;", "&lol9;")
    write_xlsx(p, [("Suppliers", "visible", xml)])


def billion_laughs_late(p: Path) -> None:
    """The DTD hides after 4 KB of whitespace and a comment, past a naive prefix check."""
    dtd = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    xml = sheet_xml([["Supplier name", "Country"], ["&b;", "NL"]],
                    prologue="<!--" + " " * 8192 + "-->" + dtd).replace("&amp;b;", "&b;")
    write_xlsx(p, [("Suppliers", "visible", xml)])


def corner_cell(p: Path) -> None:
    """A 2 KB workbook with one cell at XFD1048576: a dense reader would allocate 17 billion cells."""
    xml = sheet_xml([HEADER, *GOOD_ROWS]).replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                        "</row></sheetData>")
    write_xlsx(p, [("Suppliers", "visible", xml)])


def ods_repeated_cells(p: Path) -> None:
    """One ODS cell repeated 16,384 columns x 1,048,575 rows: 17 billion cells from 1 KB."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Suppliers">'
               f'<table:table-row>{cell.format("Supplier name")}{cell.format("Country")}</table:table-row>'
               '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
               'table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
               '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    with zipfile.ZipFile(p, "w") as zf:
        _zip_write(zf, "mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        _zip_write(zf, "content.xml", content)
        _zip_write(zf, "META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')


# --- hostile containers and text (issue 16) ----------------------------------------------

_CORNER = ('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
           "</sheetData>")


def _rename_part(p: Path, old: str, new: str, rels_target: str | None = None) -> None:
    """Move a zip part to another name (and point the workbook's relationship at it)."""
    src = zipfile.ZipFile(p)
    parts = [(i.filename, src.read(i)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(p, "w") as zf:
        for name, data in parts:
            if name == "xl/_rels/workbook.xml.rels" and rels_target:
                data = data.replace(b"worksheets/sheet1.xml", rels_target.encode())
            _zip_write(zf, new if name == old else name, data)


def corner_cell_upper_case_part(p: Path) -> None:
    """The corner cell in a sheet part named in upper case (readers match names loosely)."""
    corner_cell(p)
    _rename_part(p, "xl/worksheets/sheet1.xml", "xl/worksheets/SHEET1.XML", "worksheets/SHEET1.XML")


def corner_cell_outside_worksheets(p: Path) -> None:
    """The corner cell in a sheet part outside xl/worksheets/, found by its relationship."""
    corner_cell(p)
    _rename_part(p, "xl/worksheets/sheet1.xml", "xl/data/cells.bin", "data/cells.bin")


def dtd_in_odd_part(p: Path) -> None:
    """An entity bomb in a part whose name does not end in .xml."""
    billion_laughs(p)
    _rename_part(p, "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.XmL", "worksheets/sheet1.XmL")


def xlsb_file(p: Path) -> None:
    """A binary workbook: a zip with xl/workbook.bin (refused with a documented message)."""
    with zipfile.ZipFile(p, "w") as zf:
        _zip_write(zf, "[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        _zip_write(zf, "xl/workbook.bin", bytes(range(256)) * 4)


def _legacy_xls() -> bytearray:
    return bytearray((ROOT / "tests" / "data" / "legacy.xls").read_bytes())


def xls_stream_size_lie(p: Path) -> None:
    """A legacy .xls whose Workbook stream declares 4 GB in a 5.6 KB file."""
    import struct

    data = _legacy_xls()
    sector = 1 << struct.unpack_from("<H", data, 30)[0]
    first_dir = struct.unpack_from("<I", data, 48)[0]
    off = sector + first_dir * sector
    for e in range(sector // 128):  # the 'Workbook' directory entry
        entry = off + e * 128
        name_len = struct.unpack_from("<H", data, entry + 64)[0]
        name = data[entry:entry + max(0, name_len - 2)].decode("utf-16-le", "replace")
        if name == "Workbook":
            struct.pack_into("<I", data, entry + 120, 0xFFFFFFF0)
    p.write_bytes(bytes(data))


def xls_bad_sector_size(p: Path) -> None:
    """A legacy .xls whose header declares 1 GiB sectors."""
    import struct

    data = _legacy_xls()
    struct.pack_into("<H", data, 30, 30)
    p.write_bytes(bytes(data))


def xls_fat_loop(p: Path) -> None:
    """A legacy .xls whose directory chain points at itself forever."""
    import struct

    data = _legacy_xls()
    sector = 1 << struct.unpack_from("<H", data, 30)[0]
    first_dir = struct.unpack_from("<I", data, 48)[0]
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, sector + fat_sector * sector + first_dir * 4, first_dir)
    p.write_bytes(bytes(data))


def regex_bomb(p: Path) -> None:
    """Unclosed error cells and row tags inside a comment after the cells (the XML stays
    well-formed): a backtracking scan of them is cubic (t="e") or quadratic (<row)."""
    junk = ('<c r="A1" t="e" ' * 2000) + ("<row " * 2000) + ('<c r="B2" ' * 2000)
    xml = sheet_xml([HEADER, *GOOD_ROWS]).replace("</sheetData>", f"</sheetData><!-- {junk} -->")
    write_xlsx(p, [("Suppliers", "visible", xml)])


def damaged_deflate(p: Path) -> None:
    """A valid zip directory whose sheet's deflate stream is garbage in the middle."""
    rows = [HEADER] + [[f"Mill {i}", f"Street {i}", "India", 1, i, ""] for i in range(300)]
    simple_xlsx(p, rows)
    data = bytearray(p.read_bytes())
    zf = zipfile.ZipFile(p)
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    zf.close()
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    mid = start + info.compress_size // 2
    data[mid:mid + 64] = bytes([0xFF]) * 64
    p.write_bytes(bytes(data))


def huge_merged_ranges(p: Path) -> None:
    """Merged ranges over the whole grid, many times: filling them must stay bounded."""
    merges = "".join(f'<mergeCell ref="A{i}:XFD1048576"/>' for i in range(5, 2005))
    xml = sheet_xml([HEADER, *GOOD_ROWS]).replace(
        "</sheetData>", f'</sheetData><mergeCells count="2000">{merges}</mergeCells>')
    write_xlsx(p, [("Suppliers", "visible", xml)])


# Supplier and sheet names that try to escape their channel (terminal, XML, markdown, Mermaid).
HOSTILE_NAMES = [
    "Esc\x1b[31mRed\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 Mill",
    "Line\nbreak\r\n::error file=x.yml,line=1::forged Mill",
    "%%{init: {'theme':'dark','themeVariables':{'primaryColor':'#00ff00'}}}%% Mill",
    '"]:::low\nclick n_x "javascript:alert(1)" Mill',
    "![img](http://evil.example/p.png) [link](http://evil.example) @octocat <b>html</b> Mill",
    "Bad XML \ufffe\uffff\x0b Mill",
    "\u202eevil\u202c \u2066bidi\u2069 Mill",
]


def hostile_names(p: Path) -> None:
    rows = [["ID", "Supplier name", "Country", "Supplies to"]]
    rows += [[f"S{i}", name, "BD" if i % 2 else "IN", f"S{i - 1}" if i else ""]
             for i, name in enumerate(HOSTILE_NAMES)]
    xml = sheet_xml(rows)
    # Characters XML cannot carry in the input go in as Excel's _xHHHH_ escapes.
    for ch in ("\x1b", "\x07", "\x0b", "\ufffe", "\uffff"):
        xml = xml.replace(ch, f"_x{ord(ch):04X}_")
    write_xlsx(p, [("Sheet\u202e1\n::warning ::x", "visible", xml)])


def layered_chains(p: Path) -> None:
    """80 suppliers in 40 layers of two, each supplying both below it: 2^40 simple paths to
    the company. An enumeration that stops only after listing them never ends."""
    rows = [["ID", "Supplier name", "Country", "Supplies to"]]
    for layer in range(40):
        for side in "ab":
            down = "" if layer == 0 else f"L{layer - 1}a; L{layer - 1}b"
            rows.append([f"L{layer}{side}", f"Layer {layer} Mill {side.upper()}", "IN", down])
    simple_xlsx(p, rows)


# name -> (file name, builder). Expected behaviour lives in tests/test_bad_inputs.py.
SMALL: dict[str, tuple[str, Callable[[Path], None]]] = {
    "empty-file": ("empty.xlsx", empty_file),
    "random-bytes": ("random.xlsx", random_bytes),
    "truncated-xlsx": ("truncated.xlsx", truncated_xlsx),
    "zip-without-workbook": ("not_a_workbook.xlsx", zip_without_workbook),
    "encrypted-xlsx": ("encrypted.xlsx", encrypted_xlsx),
    "corrupt-xls": ("corrupt.xls", corrupt_xls),
    "html-as-xls": ("html_table.xls", html_as_xls),
    "corrupt-ods": ("corrupt.ods", corrupt_ods),
    "no-sheets": ("no_sheets.xlsx", no_sheets),
    "only-hidden-sheets": ("only_hidden.xlsx", only_hidden_sheets),
    "only-charts": ("only_charts.xlsx", only_charts),
    "header-only": ("header_only.xlsx", header_only),
    "header-not-found": ("header_not_found.xlsx", header_not_found),
    "duplicate-headers": ("duplicate_headers.xlsx", duplicate_headers),
    "merged-header": ("merged_header.xlsx", merged_header),
    "formulas-without-values": ("formulas_no_cache.xlsx", formulas_without_values),
    "error-values": ("error_values.xlsx", error_values),
    "dates-as-text": ("dates_as_text.xlsx", dates_as_text),
    "thousands-separators": ("thousands.csv", thousands_separators),
    "control-characters-csv": ("control_chars.csv", control_characters),
    "control-characters-xlsx": ("control_chars.xlsx", control_characters_xlsx),
    "rtl-and-cjk": ("rtl_cjk.xlsx", rtl_and_cjk),
    "supplies-to-cycle": ("cycle.xlsx", supplies_to_cycle),
    "supplies-itself": ("self_supply.xlsx", supplies_itself),
    "csv-utf16": ("utf16.csv", csv_utf16),
    "csv-cp1252": ("cp1252.csv", csv_cp1252),
    "csv-mixed-line-endings": ("mixed_endings.csv", csv_mixed_line_endings),
    "csv-unbalanced-quotes": ("unbalanced_quotes.csv", csv_unbalanced_quotes),
    "billion-laughs": ("billion_laughs.xlsx", billion_laughs),
    "billion-laughs-late-dtd": ("billion_laughs_late.xlsx", billion_laughs_late),
    "corner-cell": ("corner_cell.xlsx", corner_cell),
    "ods-repeated-cells": ("repeated_cells.ods", ods_repeated_cells),
    "corner-cell-upper-case-part": ("corner_cell_upper.xlsx", corner_cell_upper_case_part),
    "corner-cell-outside-worksheets": ("corner_cell_elsewhere.xlsx", corner_cell_outside_worksheets),
    "dtd-in-odd-part": ("dtd_odd_part.xlsx", dtd_in_odd_part),
    "xlsb": ("binary.xlsb", xlsb_file),
    "xls-stream-size-lie": ("stream_size_lie.xls", xls_stream_size_lie),
    "xls-bad-sector-size": ("bad_sector_size.xls", xls_bad_sector_size),
    "xls-fat-loop": ("fat_loop.xls", xls_fat_loop),
    "regex-bomb": ("regex_bomb.xlsx", regex_bomb),
    "damaged-deflate": ("damaged_deflate.xlsx", damaged_deflate),
    "huge-merged-ranges": ("huge_merged.xlsx", huge_merged_ranges),
    "hostile-names": ("hostile_names.xlsx", hostile_names),
    "layered-chains": ("layered_chains.xlsx", layered_chains),
}


# --- large cases, generated on the fly --------------------------------------------------

EXCEL_MAX_ROWS = 1_048_576


def big_cell(p: Path) -> None:
    """A 1 MiB address of varied text (repeated 'x' would trip the compression-ratio limit)."""
    rnd = random.Random(1)
    words = " ".join("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9)))
                     for _ in range(200_000))[: 1 << 20]
    simple_xlsx(p, [HEADER, ["Dhaka Knit Ltd", words, "BD", 1, 10, ""]])


def wide_10000_columns(p: Path) -> None:
    header = ["Supplier name", "Country"] + [f"Extra {i}" for i in range(3, 10_001)]
    row = ["Dhaka Knit Ltd", "BD"] + [i for i in range(3, 10_001)]
    simple_xlsx(p, [header, row])


def million_rows_csv(p: Path) -> None:
    """1,048,576 lines: a header and Excel's maximum of data rows, as one CSV export."""
    with p.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Supplier name,Country\r\n")
        chunk = "".join(f"Mill {i},IN\r\n" for i in range(1000))
        for _ in range((EXCEL_MAX_ROWS - 1) // 1000):
            fh.write(chunk)
        fh.write("".join(f"Mill {i},IN\r\n" for i in range((EXCEL_MAX_ROWS - 1) % 1000)))


def million_rows_xlsx(p: Path) -> None:
    """An xlsx whose sheet reaches row 1,048,576 (data at the top, one cell at the bottom)."""
    xml = sheet_xml([HEADER, *GOOD_ROWS]).replace(
        "</sheetData>", f'<row r="{EXCEL_MAX_ROWS}"><c r="A{EXCEL_MAX_ROWS}" t="inlineStr"><is><t>'
                        "Last Mill</t></is></c><c r=\"C{0}\" t=\"inlineStr\"><is><t>IN</t></is></c>"
                        "</row></sheetData>".format(EXCEL_MAX_ROWS))
    write_xlsx(p, [("Suppliers", "visible", xml)])


def zip_bomb(p: Path, inflated: int = 5 * (1 << 30)) -> None:
    """A sheet that inflates to `inflated` bytes of whitespace (5 GiB by default).

    The compressed stream of zeros-like data repeats, so it is built from one compressed
    block: deflate 1 MiB once, then write the raw stream many times (bounded time).
    """
    import zlib

    head = sheet_xml([HEADER, *GOOD_ROWS]).replace("</sheetData></worksheet>", "")
    tail = "</sheetData></worksheet>"
    block = b" " * (1 << 20)
    n_blocks = (inflated - len(head) - len(tail)) // len(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [comp.compress(head.encode())]
    parts.append(comp.flush(zlib.Z_FULL_FLUSH))
    one = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor state is reset, so the same bytes can repeat. The
    # CRC is left 0: computing it would mean hashing gigabytes, and a reader that checks it
    # has already inflated everything, which is exactly what must not happen.
    body_crc = 0
    end = comp.compress(tail.encode()) + comp.flush(zlib.Z_FINISH)
    size = len(head) + n_blocks * len(block) + len(tail)
    compressed = len(parts[0]) + len(parts[1]) + n_blocks * len(one) + len(end)
    write_xlsx(p, [("Suppliers", "visible", sheet_xml([HEADER, *GOOD_ROWS]))])
    _append_raw_entry(p, "xl/worksheets/sheet1.xml", size, compressed, body_crc,
                      lambda fh: (fh.write(parts[0]), fh.write(parts[1]),
                                  [fh.write(one) for _ in range(n_blocks)], fh.write(end)))


def _append_raw_entry(path: Path, name: str, size: int, compressed: int, crc: int, write_body) -> None:
    """Rewrite `name` in the zip as a pre-compressed deflate stream (zip64 when needed)."""
    import struct

    src = zipfile.ZipFile(path)
    others = [(i, src.read(i)) for i in src.infolist() if i.filename != name]
    src.close()
    with path.open("wb") as fh:
        central = []
        for info, data in others:
            import zlib
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            comp = c.compress(data) + c.flush()
            offset = fh.tell()
            fn = info.filename.encode()
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5821,
                                 zlib.crc32(data), len(comp), len(data), len(fn), 0) + fn + comp)
            central.append((fn, zlib.crc32(data), len(comp), len(data), offset, b""))
        offset = fh.tell()
        fn = name.encode()
        extra = struct.pack("<HHQQ", 1, 16, size, compressed)
        fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x5821, crc,
                             0xFFFFFFFF, 0xFFFFFFFF, len(fn), len(extra)) + fn + extra)
        write_body(fh)
        central.append((fn, crc, compressed, size, offset, b"zip64"))
        cd_start = fh.tell()
        for fn, crc_, comp_len, raw_len, off, kind in central:
            if kind:
                ext = struct.pack("<HHQQQ", 1, 24, raw_len, comp_len, off)
                fh.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x5821,
                                     crc_, 0xFFFFFFFF, 0xFFFFFFFF, len(fn), len(ext), 0, 0, 0, 0,
                                     0xFFFFFFFF) + fn + ext)
            else:
                fh.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5821,
                                     crc_, comp_len, raw_len, len(fn), 0, 0, 0, 0, 0, off) + fn)
        cd_end = fh.tell()
        n = len(central)
        fh.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n,
                             cd_end - cd_start, cd_start))
        fh.write(struct.pack("<IIQI", 0x07064B50, 0, cd_end, 1))
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_end - cd_start,
                             cd_start, 0))


def zip_bomb_lying(p: Path) -> None:
    """A zip bomb whose headers declare a small size: only streaming the data reveals it."""
    zip_bomb(p, inflated=64 * (1 << 20))
    import struct

    data = bytearray(p.read_bytes())
    # Declare 1 KB uncompressed in the zip64 extras (local and central): the data says otherwise.
    for sig in (b"\x01\x00\x10\x00", b"\x01\x00\x18\x00"):
        i = data.find(sig)
        while i != -1:
            data[i + 4:i + 12] = struct.pack("<Q", 1024)
            i = data.find(sig, i + 1)
    p.write_bytes(bytes(data))


def csv_cell_200k(p: Path) -> None:
    """A CSV cell of 200 KiB (over csv's default field limit of 128 KiB)."""
    rnd = random.Random(2)
    words = " ".join("".join(rnd.choice("abcdefghij") for _ in range(6)) for _ in range(40_000))
    write_csv(p, [["Supplier name", "Country", "Address"], ["Dhaka Knit Ltd", "BD", f'"{words[:200_000]}"']])


LARGE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "csv-cell-200k": ("cell_200k.csv", csv_cell_200k),
    "big-cell-1mb": ("big_cell.xlsx", big_cell),
    "10000-columns": ("wide.xlsx", wide_10000_columns),
    "1048576-rows-csv": ("million_rows.csv", million_rows_csv),
    "1048576-rows-xlsx": ("million_rows.xlsx", million_rows_xlsx),
    "zip-bomb": ("zip_bomb.xlsx", zip_bomb),
    "zip-bomb-lying-headers": ("zip_bomb_lying.xlsx", zip_bomb_lying),
}


# --- memory cases (issue 16), generated for scripts/measure_hardening.py --heavy only ---------
# Each takes minutes through every command; what they bound is memory, which the tests' own
# process cannot measure per command.

def _heavy_rows(n: int, pad: int = 0) -> list[list]:
    rnd = random.Random(16)
    countries = ["India", "Bangladesh", "Turkey", "China", "Viet Nam", "Pakistan"]
    # Varied text (repeated letters would trip the compression-ratio limit), drawn from a pool.
    pool = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(pad))
            for _ in range(min(n, 2000))] if pad else [""]
    rows = []
    for i in range(n):
        note = rnd.choice(pool)
        rows.append([f"Mill {i} {rnd.randrange(10**6)}", f"Plot {i}, Road {rnd.randrange(999)} {note}",
                     countries[i % len(countries)], 1 + i % 4, 10 + i % 900,
                     f"Mill {i - 1 - i % 3}" if i % 4 else ""])
    return rows


def csv_100mb(p: Path) -> None:
    """A 100 MB CSV within the row limit (190,000 rows of about 550 bytes): delimiter
    sniffing over the whole text peaked at 2.5 GB."""
    with p.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\r\n")
        for row in _heavy_rows(190_000, pad=480):
            fh.write(",".join(f'"{v}"' if isinstance(v, str) else str(v) for v in row) + "\r\n")


def shared_strings_15mb(p: Path) -> None:
    """A 15 MB xlsx whose text sits in a large shared-strings part: it peaked at 1.5 GB."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Suppliers")
    ws.append(HEADER)
    for row in _heavy_rows(150_000, pad=120):
        ws.append(row)
    _save_openpyxl(wb, p)


def rows_60000(p: Path) -> None:
    """60,000 linked suppliers: --graph (GraphML 1.6 GB, GEXF 2.1 GB) before streaming."""
    write_csv(p, [HEADER, *_heavy_rows(60_000)])


HEAVY: dict[str, tuple[str, Callable[[Path], None]]] = {
    "csv-100mb": ("big_100mb.csv", csv_100mb),
    "shared-strings-15mb": ("shared_strings.xlsx", shared_strings_15mb),
    "60000-rows": ("rows_60000.csv", rows_60000),
}


def build(cases: dict[str, tuple[str, Callable[[Path], None]]], folder: Path,
          only: str | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (fname, builder) in cases.items():
        if only and name != only:
            continue
        path = folder / fname
        builder(path)
        out[name] = path
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", type=Path, help="also write the large cases into this folder")
    ap.add_argument("--only", help="build one case by name")
    ap.add_argument("--keep-encrypted", action="store_true",
                    help="do not rebuild encrypted.xlsx (its salt is random)")
    args = ap.parse_args()
    small = dict(SMALL)
    if args.keep_encrypted and (BAD_DIR / "encrypted.xlsx").exists():
        small.pop("encrypted-xlsx")
    for name, path in build(small, BAD_DIR, args.only).items():
        print(f"{name:28} {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    if args.large:
        for name, path in build(LARGE, args.large, args.only).items():
            print(f"{name:28} {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
