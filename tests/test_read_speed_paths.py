"""The workbook reader's fast paths give exactly what the full scans give.

The container pre-check finds how far a sheet's cells reach with one cheap pattern per
chunk and falls back to the full scan whenever that pattern sees anything that could grow
the extent; these tests pin that the two always agree, on ordinary and on hostile XML.
"""

from __future__ import annotations

import itertools
import random
import re
import zipfile
from pathlib import Path

import pytest

from imvo_cli.ingest import precheck, readers
from imvo_cli.model import ImvoError
from imvo_cli.policy import Limits

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _columns(n: int) -> list[str]:
    return [precheck.col_letters(c) for c in range(1, n + 1)]


@pytest.mark.parametrize("max_col", [1, 18, 25, 26, 27, 52, 53, 701, 702, 703, 16384])
def test_column_letters_within_the_extent_are_taken_whole(max_col):
    pattern = precheck._letters_at_most(precheck.col_letters(max_col))
    whole = re.compile(f"(?:{pattern})?+")
    samples = _columns(800) + ["".join(t) for t in itertools.product("AXYZ", repeat=3)]
    for letters in samples:
        inside = precheck.col_number(letters.encode()) <= max_col
        assert bool(re.fullmatch(pattern, letters)) == inside, (max_col, letters)
        # Within the extent the letters are consumed whole, so no letter follows them.
        assert (whole.match(letters).end() == len(letters)) == inside, (max_col, letters)


@pytest.mark.parametrize("number", [1, 9, 10, 19, 58299, 100001, 199999, 200001, 999999, 1048576])
def test_digits_above_are_exactly_the_greater_numbers_of_the_same_length(number):
    pattern = precheck._digits_above(str(number))
    width = len(str(number))
    rng = random.Random(number)
    low, high = 10 ** (width - 1) if width > 1 else 0, 10 ** width - 1
    near = range(max(low, number - 300), min(high, number + 300) + 1)
    for value in [*near, *(rng.randint(low, high) for _ in range(300)), low, high]:
        text = str(value).zfill(width)
        assert bool(pattern and re.fullmatch(pattern, text)) == (value > number), (number, text)


def _cell(ref: str, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.6:
        return f'<c r="{ref}" t="inlineStr"><is><t>v{rng.randint(0, 999)}</t></is></c>'
    if kind < 0.8:
        return f'<c r="{ref}"><v>{rng.randint(0, 10**9)}</v></c>'
    if kind < 0.9:
        return f'<c r="{ref}" s="1"><f>SUM(A1:A2)</f></c>'
    return f'<c r="{ref}" t="e"><v>#N/A</v></c>'


ODD = [
    '<c r="XFD1048576"><v>1</v></c>', '<c r="A0999999"><v>1</v></c>', '<c r="ABCD5"><v>1</v></c>',
    '<c r="Z12345678901234"><v>1</v></c>', '<c t="s" r="AA7"><v>1</v></c>',
    '<c r="5"><v>1</v></c>', '<c><v>no reference</v></c>', '<rowBreaks count="1"/>',
    '<c r="B3" t="inlineStr"><is><t>text r="ZZ99999" inside</t></is></c>',
    '<selection activeCell="ZZ100" sqref="ZZ100"/>', '<hyperlink ref="AB9" r="AB9"/>',
]


def _sheet_chunk(rng: random.Random, first_row: int, rows: int, width: int) -> bytes:
    numbers = list(range(first_row, first_row + rows))
    if rng.random() < 0.2:
        rng.shuffle(numbers)
    parts = []
    for n in numbers:
        attrs = f'r="{n}"' if rng.random() < 0.8 else f'spans="1:{width}" r="{n}" ht="15"'
        if rng.random() < 0.05:
            attrs = f'r="{str(n).zfill(rng.randint(1, 9))}"'
        cells = "".join(_cell(f"{precheck.col_letters(c)}{n}", rng)
                        for c in range(1, rng.randint(1, width) + 1))
        if rng.random() < 0.08:
            cells += rng.choice(ODD)
        if rng.random() < 0.05:
            cells += _cell(f"{precheck.col_letters(rng.randint(1, width + 40))}"
                           f"{n + rng.randint(-5, 5000)}", rng)
        parts.append(f"<row {attrs}>{cells}</row>")
    return "".join(parts).encode()


def test_fast_extent_scan_equals_the_full_scan_on_ordinary_and_hostile_xml():
    rng = random.Random(20)
    limits = Limits()
    fast_taken = 0
    for case in range(300):
        width = rng.choice([1, 3, 18, 26, 27, 40])
        first = rng.choice([1, 2, 9, 95, 998, 9990, 99_995, 199_990])
        chunk = _sheet_chunk(rng, first, rng.randint(1, 8), width)
        # (max_row, max_col) reached before this chunk
        start = rng.choice([(0, 0), (first - 1, width), (first + 20, width + 3), (1, 1)])
        fast = precheck.Extent(*start)
        full = precheck.Extent(*start)
        fast_taken += precheck._reaches_last_row_only(chunk, precheck.Extent(*start))
        precheck.scan_sheet_chunk(chunk, fast, limits)
        precheck._scan_refs(chunk, full, limits)
        assert (fast.max_row, fast.max_col) == (full.max_row, full.max_col), (case, start, chunk)
    # The fast path is the common one, not a path never taken.
    assert 50 < fast_taken < 300


def test_fast_path_is_taken_for_plain_rows_and_left_for_a_far_cell():
    plain = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="R%d"><v>2</v></c></row>'
                     % (n, n, n) for n in range(500, 600))
    extent = precheck.Extent(max_row=499, max_col=18)
    assert precheck._reaches_last_row_only(plain, extent) and extent.max_row == 599
    far = plain.replace(b'r="R550"', b'r="R5500"')
    extent = precheck.Extent(max_row=499, max_col=18)
    assert not precheck._reaches_last_row_only(far, extent) and extent.max_row == 499
    precheck.scan_sheet_chunk(far, extent, Limits())
    assert (extent.max_row, extent.max_col) == (5500, 18)


def _raw_xlsx(path: Path, sheet_xml: bytes) -> None:
    """A minimal workbook written byte by byte (no library would write a hostile sheet)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="xml" ContentType='
                    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
                    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                    'Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml",
                    f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
                    '<sheet name="List" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                    'Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml",
                    f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>'.encode()
                    + sheet_xml + b"</sheetData></worksheet>")


def _rows_xml(rows: int, far_at: int | None = None) -> bytes:
    out = []
    for n in range(1, rows + 1):
        cells = "".join(f'<c r="{c}{n}" t="inlineStr"><is><t>{c}{n} some text</t></is></c>'
                        for c in "ABCDEFGHIJKLMNOPQR")
        if n == far_at:
            cells += '<c r="XFD1048576"><v>1</v></c>'
        out.append(f'<row r="{n}">{cells}</row>')
    return "".join(out).encode()


def test_a_far_cell_deep_in_a_long_sheet_is_refused_with_its_reach(tmp_path):
    # Past the first chunks (about 1 MiB of XML), where the fast path is the one that runs.
    path = tmp_path / "far.xlsx"
    _raw_xlsx(path, _rows_xml(2600, far_at=2400))
    sheets = readers.read_sheets(path)
    with pytest.raises(ImvoError) as exc:
        sheets[0].load(None)
    assert exc.value.code == "too-many-rows"
    assert "reaches row 1,048,576 (it spans at least A1:XFD1048576)" in exc.value.message


def test_a_refusal_gives_the_reach_found_as_a_lower_bound(tmp_path):
    # The row tag is beyond the limit before the cell in column XFD is seen: the scan stops
    # there, so the message must not present the columns found so far as the sheet's span.
    path = tmp_path / "far-row.xlsx"
    _raw_xlsx(path, _rows_xml(3) + b'<row r="300000"><c r="XFD300000"><v>1</v></c></row>')
    with pytest.raises(ImvoError) as exc:
        readers.read_sheets(path)[0].load(None)
    assert exc.value.code == "too-many-rows"
    assert "reaches row 300,000 (it spans at least A1:" in exc.value.message


def test_a_long_plain_sheet_reads_whole(tmp_path):
    path = tmp_path / "plain.xlsx"
    _raw_xlsx(path, _rows_xml(2600))
    rows = readers.read_sheets(path)[0].load(None)
    assert len(rows) == 2600 and rows[-1][-1] == "R2600 some text" and len(rows[0]) == 18
    extents = precheck.check_zip(path, Limits(), "xlsx")
    assert [(e.max_row, e.max_col) for e in extents.values()] == [(2600, 18)]
