"""Acceptance of the hardening rules on inputs built here: text XML cannot hold never breaks a
workbook, output errors name the path the user gave, declared sizes are checked before the
reader allocates them, and each report channel keeps hostile text inert."""

from __future__ import annotations

import csv
import errno
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.export import atomic

NONCHARS = "Bad\ufffe\uffffName"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _hostile_csv(tmp_path: Path) -> Path:
    return _csv(tmp_path / "list.csv", [
        ["ID", "Name", "Address", "City", "Country", "Tier", "Supplies to"],
        ["S1", NONCHARS, "1 Mill Road \ufffe", "Dhaka", "Bangladesh", "1", ""],
        ["S2", "=HYPERLINK(\"http://evil.example\")", "2 Mill Road", "Dhaka", "Bangladesh", "2", "S1"],
    ])


def _every_xml_part_parses(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(zf.read(name))  # raises on a character XML 1.0 forbids


def test_annotated_copy_of_a_csv_with_unicode_nonchars_is_a_valid_workbook(tmp_path):
    # U+FFFE and U+FFFF pass the ingest clean-up; the rebuilt copy wrote them raw, and
    # Excel and openpyxl refused the whole workbook.
    src = _hostile_csv(tmp_path)
    out = tmp_path / "annotated.xlsx"
    r = run("map", src, "--export", out)
    assert r.exit_code == 0, r.stderr
    _every_xml_part_parses(out)
    wb = openpyxl.load_workbook(out)
    names = [c.value for c in wb.worksheets[0]["B"]]
    assert "BadName" in names
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_cell_value_drops_what_xml_cannot_hold():
    from imvo_cli.export.xlsx import cell_value
    assert cell_value("a\ufffe\uffffb\x01c\x0bd") == "abcd"
    assert cell_value("tab\tand\nnewline") == "tab\tand\nnewline"


def test_export_into_a_missing_folder_names_the_folder_not_a_temporary_file(tmp_path):
    src = _hostile_csv(tmp_path)
    r = run("map", src, "--export", tmp_path / "nowhere" / "annotated.xlsx")
    assert r.exit_code == 2
    assert "output folder does not exist" in r.stderr and "nowhere" in r.stderr, r.stderr
    assert ".imvo-" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]


def test_a_full_stream_output_names_the_stream(tmp_path, monkeypatch):
    # `-o /dev/full` said "a file: No space left on device": the stream was not named.
    target = tmp_path / "stream"
    monkeypatch.setattr(atomic, "is_stream", lambda p: Path(p) == target)

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(Exception) as info:
        with atomic.atomic_path(target):
            full()
    assert info.value.code == "output-os-error"
    assert str(target) in str(info.value) and "disk is full" in str(info.value)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_json_report_to_dev_full_names_it():
    src = Path(__file__).resolve().parent / "data" / "chains.csv"
    r = run("map", src, "--format", "json", "--output", "/dev/full")
    assert r.exit_code == 2
    assert "/dev/full" in r.stderr and "a file" not in r.stderr, r.stderr


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _xlsx_with_strings(path: Path, unique_count: str) -> Path:
    """A one-sheet workbook whose shared strings part declares `unique_count` strings."""
    sheet = (f'<worksheet xmlns="{_NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
             '<c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c>'
             '<c r="B2" t="s"><v>3</v></c></row></sheetData></worksheet>')
    strings = (f'<sst xmlns="{_NS}" count="4" uniqueCount="{unique_count}"><si><t>Name</t></si>'
               "<si><t>Country</t></si><si><t>Dhaka Knit</t></si><si><t>Bangladesh</t></si></sst>")
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="r1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets><sheet name="S" '
        'sheetId="1" r:id="r1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="r1" '
        f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="r2" '
        f'Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": strings,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return path


def test_shared_strings_that_declare_billions_are_refused_before_reading(tmp_path):
    # calamine reserves room for uniqueCount strings: 4 billion aborted the reader.
    from imvo_cli.ingest import precheck
    from imvo_cli.model import ImvoError
    from imvo_cli.policy import Limits
    bad = _xlsx_with_strings(tmp_path / "strings.xlsx", "4294967295")
    with pytest.raises(ImvoError) as info:
        precheck.check_zip(bad, Limits(), "xlsx")
    assert info.value.code == "too-large"
    assert "4,294,967,295" in str(info.value) and "max_cells" in str(info.value)
    r = run("validate", bad)
    assert r.exit_code == 2 and "crashed" not in r.stderr and "4,294,967,295" in r.stderr, r.stderr


def test_shared_strings_with_an_honest_count_read(tmp_path):
    good = _xlsx_with_strings(tmp_path / "strings.xlsx", "4")
    r = run("validate", good)
    assert r.exit_code == 0, r.stderr


def _xlsx_with_sheet(path: Path, sheet_data: str) -> Path:
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="r1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets><sheet name="S" '
        'sheetId="1" r:id="r1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="r1" '
        f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_NS}"><sheetData>{sheet_data}'
        "</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return path


_HEAD_ROWS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" '
              't="inlineStr"><is><t>Country</t></is></c></row><row r="2"><c r="A2" t="inlineStr">'
              '<is><t>Dhaka Knit</t></is></c><c r="B2" t="inlineStr"><is><t>BD</t></is></c></row>')


@pytest.mark.parametrize("far", [
    '<row r="9999999999999"><c r="A9999999999999"><v>1</v></c></row>',  # 13 digits
    '<row r="99999999999999999999"><c><v>1</v></c></row>',  # the row tag only
    '<row><c r="A99999999999999999999"><v>1</v></c></row>',  # the cell reference only
])
def test_row_numbers_past_twelve_digits_are_refused_by_the_precheck(tmp_path, far):
    # The scan read at most 12 digits: longer row numbers were not seen, and the reader
    # crashed on them (contained, but a 1 GiB worker and an unclear message).
    bad = _xlsx_with_sheet(tmp_path / "far.xlsx", _HEAD_ROWS + far)
    r = run("validate", bad)
    assert r.exit_code == 2
    assert "reaches row" in r.stderr and "crashed" not in r.stderr, r.stderr


def test_junit_names_and_messages_show_bidi_controls_escaped(tmp_path):
    # A file name with U+202E reordered the test name shown by a CI's JUnit page.
    src = Path(__file__).resolve().parent / "data" / "chains.csv"
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "r\u202egpj.csv").write_bytes(src.read_bytes())
    r = run("check", folder, "--format", "junit", "--fail-on", "medium")
    suite = ET.fromstring(r.stdout.encode())
    case = suite.find("testcase")
    assert case is not None and "\\u202e" in case.get("name")
    assert "\u202e" not in case.get("name")
    failure = case.find("failure")
    assert failure is not None and "\u202e" not in failure.get("message") + (failure.text or "")
    assert case.get("file") == str(folder / "r\u202egpj.csv")  # the path itself, for links


def test_markdown_prose_cannot_mention_anyone():
    # diff --format markdown goes to pull-request comments: "@everyone" in a supplier name
    # pinged people.
    from imvo_cli import textsafe
    assert textsafe.markdown_text("Mill @everyone @org/team") == "Mill \\@everyone \\@org/team"


def test_markdown_prose_shows_bidi_and_escape_characters_escaped():
    from imvo_cli import textsafe
    out = textsafe.markdown_text("r\u202egpj\x1b[31m\nnext")
    assert "\u202e" not in out and "\x1b" not in out and "\n" not in out
    assert "u202e" in out and "x1b" in out


def _ods(path: Path, first_cell: str) -> Path:
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        '<?xml version="1.0"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S"><table:table-row>'
        + cell.format("Name") + cell.format("Country") + "</table:table-row><table:table-row>"
        + cell.format(first_cell) + cell.format("Bangladesh")
        + "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>")
    manifest = ('<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def test_ods_space_run_of_billions_is_refused_before_reading(tmp_path):
    # <text:s text:c="2000000000"/> is two billion spaces from 30 bytes: the reader aborted.
    bad = _ods(tmp_path / "spaces.ods", 'Dhaka<text:s text:c="2000000000"/>Knit')
    r = run("validate", bad)
    assert r.exit_code == 2
    assert "2,000,000,000 spaces" in r.stderr and "crashed" not in r.stderr, r.stderr


def test_ods_with_ordinary_space_runs_reads(tmp_path):
    good = _ods(tmp_path / "spaces.ods", 'Dhaka<text:s text:c="3"/>Knit')
    r = run("map", good, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert "Dhaka    Knit" in r.stdout or "Dhaka Knit" in r.stdout


def test_an_xlsx_saved_with_the_xls_extension_is_read(tmp_path):
    # The checks treated it as the .xlsx it is, then the reader opened it by its extension
    # and failed with "Cfb error: Invalid OLE (signature PK...)".
    workbook = _xlsx_with_strings(tmp_path / "list.xlsx", "4")
    misnamed = tmp_path / "list.xls"
    misnamed.write_bytes(workbook.read_bytes())
    r = run("map", misnamed, "--format", "json", "--export", tmp_path / "out.xlsx")
    assert r.exit_code == 0, r.stderr
    assert "Dhaka Knit" in r.stdout
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert "Dhaka Knit" in [c.value for c in wb.worksheets[0]["A"]]
    assert misnamed.read_bytes() == workbook.read_bytes()


@pytest.mark.parametrize(("name", "expected"), [
    ("'quoted'", "quoted"),        # Excel refuses a name that starts or ends with '
    ("History", "History_"),       # a name Excel reserves (any case)
    ("history", "history_"),
    ("tab\there\nand\x01", "tab_here_and_"),  # control characters
    ("\ufffe", "Suppliers"),       # nothing usable left
    ("A/B", "A_B"),
])
def test_rebuilt_sheet_titles_are_titles_excel_opens(name, expected):
    from imvo_cli.export.plan import safe_title
    assert safe_title(name, "Suppliers") == expected


@pytest.mark.parametrize("args", [
    ("map", "{src}", "--html", "-"),
    ("check", "{src}", "--export", "-"),
])
def test_dash_for_an_artefact_is_refused_not_a_file_named_dash(tmp_path, monkeypatch, args):
    # '-' means stdout for --output only; `--html -` wrote a file called '-'.
    src = Path(__file__).resolve().parent / "data" / "chains.csv"
    monkeypatch.chdir(tmp_path)
    r = run(*[a.format(src=src) for a in args])
    assert r.exit_code == 2, r.stderr
    assert "stdout" in r.stderr and "--output" in r.stderr, r.stderr
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(("columns", "width"), [
    ("abc", 100), ("", 100), ("0", 100), ("-5", 100),  # exit 70, or no output at all
    ("99999999", 1000),  # a table that wide took minutes
    ("1", 20), ("80", 80), ("400", 400),
])
def test_console_width_from_any_columns_value(monkeypatch, columns, width):
    from imvo_cli.report.console import console
    monkeypatch.setenv("COLUMNS", columns)
    assert console().width == width


def test_map_prints_its_table_with_a_nonsense_columns_value(monkeypatch):
    monkeypatch.setenv("COLUMNS", "abc")
    src = Path(__file__).resolve().parent / "data" / "chains.csv"
    r = run("map", src)
    assert r.exit_code == 0, r.stderr
    assert "Alpha Garments" in r.stdout


def test_risk_command_shows_the_product_text_inert_on_the_terminal():
    from typer.testing import CliRunner

    from imvo_cli.cli import app
    hostile = "garments\x1b]8;;http://example.invalid\x1b\\click\u202e"
    result = CliRunner().invoke(app, ["risk", "India", "--product", hostile])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b" in result.output
