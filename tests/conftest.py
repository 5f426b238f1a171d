"""Shared test helpers: repository paths and small builders for workbooks of every kind."""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = REPO / "sample_data"
SHARED = REPO.parent / "shared"
OSH_FIXTURES = SHARED / "fixtures" / "open-supply-hub"


def load_sample_generator():
    """scripts/make_sample_data.py as a module (scripts/ is not a package)."""
    name = "make_sample_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1", more: dict | None = None) -> Path:
    """A workbook with `rows` on `sheet` (and more sheets after it), written by openpyxl."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for name, extra_rows in (more or {}).items():
        extra = wb.create_sheet(name)
        for row in extra_rows:
            extra.append(row)
    wb.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list]],
              merged: dict[str, list[tuple[int, int, int, int]]] | None = None,
              compact: bool = False) -> Path:
    """A minimal OpenDocument spreadsheet built by hand: mimetype, manifest, content.xml.

    `merged`: per sheet, ranges (first_row, first_col, last_row, last_col), 0-based
    inclusive, written as LibreOffice does (spans on the top-left cell, covered cells
    after it). `compact`: runs of empty cells and of empty rows written as one repeated
    cell or row, as LibreOffice writes them."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    tables = []
    for name, rows in sheets.items():
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in (merged or {}).get(name, ())}
        covered = {(r, c) for r1, c1, r2, c2 in (merged or {}).get(name, ())
                   for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - set(spans)
        xml_rows = []
        for r, row in enumerate(rows):
            cells = []
            for c, v in enumerate(row):
                tag = "covered-table-cell" if (r, c) in covered else "table-cell"
                span = ""
                if (r, c) in spans:
                    n_rows, n_cols = spans[(r, c)]
                    span = (f' table:number-columns-spanned="{n_cols}" '
                            f'table:number-rows-spanned="{n_rows}"')
                if v is None or v == "":
                    cells.append(f"<table:{tag}{span}/>")
                elif isinstance(v, (int, float)):
                    cells.append(f'<table:{tag}{span} office:value-type="float" office:value="{v}">'
                                 f"<text:p>{v}</text:p></table:{tag}>")
                else:
                    cells.append(f'<table:{tag}{span} office:value-type="string">'
                                 f"<text:p>{escape(str(v))}</text:p></table:{tag}>")
            if compact:
                cells = _repeated(cells, "table:number-columns-repeated")
            xml_rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        if compact:  # LibreOffice also writes the columns before the rows
            xml_rows = _repeated(xml_rows, "table:number-rows-repeated")
            width = max(map(len, rows), default=1)
            xml_rows.insert(0, f'<table:table-column table:style-name="co1" '
                               f'table:number-columns-repeated="{width}"/>')
        tables.append(f'<table:table table:name="{escape(name)}">{"".join(xml_rows)}</table:table>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               f'office:version="1.2"><office:body><office:spreadsheet>{"".join(tables)}'
               f"</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _repeated(elements: list[str], attribute: str) -> list[str]:
    """Runs of the same element (none with a span) as one element with a repeat count."""
    out: list[str] = []
    for element, run in itertools.groupby(elements):
        n = len(list(run))
        if n == 1 or "-spanned=" in element:
            out.extend([element] * n)
            continue
        end = min(i for i in (element.find(" "), element.find(">"), element.find("/>")) if i > 0)
        out.append(f'{element[:end]} {attribute}="{n}"{element[end:]}')
    return out


def osh_fixture_files() -> list[Path]:
    if not OSH_FIXTURES.is_dir():
        return []
    return sorted(OSH_FIXTURES.glob("*.csv"))


@pytest.fixture
def sample_generator():
    return load_sample_generator()


BASIC_ROWS = [
    ["Supplier name", "Address", "City", "Country", "Tier", "Number of workers"],
    ["Meghna Apparels Ltd.", "Holding 12, Konabari", "Gazipur", "Bangladesh", 1, 1250],
    ["Akdeniz Örme San. ve Tic. A.Ş.", "Demirtaş OSB No: 4", "Bursa", "Türkiye", 2, "100-500"],
    ["Kaveri Spinning Mills Pvt Ltd", "SF No. 12, Sathy Road", "Coimbatore", "IN", 3, "approx. 300"],
]


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test cleanly when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data not present: {p}")
    return p


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",") -> Path:
    """A UTF-8 CSV with a header row."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def assessment_facts(a) -> dict:
    """Everything a risk assessment says, in plain values (no object identities), so two
    assessments made along different paths can be compared."""
    return {
        "level": a.level, "score": a.score, "inherent": (a.inherent_level, a.inherent_score),
        "severity": a.severity, "main": a.main, "priority_key": a.priority_key,
        "evidence": [dataclasses.astuple(e) for e in a.evidence],
        "flags": [dataclasses.astuple(f) for f in a.flags],
        "themes": {k: (t.level, t.score, t.severity, t.likelihood, t.inherent_level,
                       t.inherent_score, t.evidence, [dataclasses.astuple(f) for f in t.reasons])
                   for k, t in a.themes.items()},
    }
