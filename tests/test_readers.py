"""Every file format and text encoding reads into the same suppliers."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest

from conftest import BASIC_ROWS, DATA, write_ods, write_xlsx
from imvo_cli.ingest import read_suppliers
from imvo_cli.ingest.readers import decode_text, read_sheets, sniff_delimiter
from imvo_cli.model import ImvoError

EXPECTED = {("Meghna Apparels Ltd.", "BD", 1, 1250),
            ("Akdeniz Örme San. ve Tic. A.Ş.", "TR", 2, 300),
            ("Kaveri Spinning Mills Pvt Ltd", "IN", 3, 300)}


def facts(sl):
    return {(s.name, s.country, s.declared_tier, s.workers) for s in sl.suppliers}


def csv_text(delimiter: str) -> str:
    lines = []
    for row in BASIC_ROWS:
        cells = []
        for v in row:
            v = str(v)
            cells.append(f'"{v}"' if delimiter in v or "," in v else v)
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("ext", ["xlsx", "xlsm"])
def test_openxml_workbooks(tmp_path, ext):
    sl = read_suppliers(write_xlsx(tmp_path / f"list.{ext}", BASIC_ROWS))
    assert facts(sl) == EXPECTED
    assert sl.rows == 3 and sl.accounted_rows() == 3 and not sl.errors


def test_ods(tmp_path):
    sl = read_suppliers(write_ods(tmp_path / "list.ods", {"Leveranciers": BASIC_ROWS}))
    assert facts(sl) == EXPECTED
    assert sl.sheet == "Leveranciers"


def test_legacy_xls_with_dutch_headers_and_company_cell():
    sl = read_suppliers(DATA / "legacy.xls")
    assert facts(sl) == EXPECTED
    assert sl.sheet == "Leveranciers" and sl.header_row == 4
    assert sl.company == "Zeeland Textiel B.V."
    dates = {s.name: s.audit_date for s in sl.suppliers}
    # one a real date cell, one typed as dd-mm-yyyy text, one empty
    assert dates["Meghna Apparels Ltd."] == date(2023, 3, 15)
    assert dates["Akdeniz Örme San. ve Tic. A.Ş."] == date(2023, 3, 15)
    assert dates["Kaveri Spinning Mills Pvt Ltd"] is None


@pytest.mark.parametrize("ext,delimiter,encoding", [
    ("csv", ",", "utf-8"),
    ("csv", ",", "utf-8-sig"),
    ("csv", ";", "utf-8"),
    ("csv", ";", "cp1252-safe"),
    ("csv", "\t", "utf-8"),
    ("tsv", "\t", "utf-8"),
    ("txt", ";", "utf-8-sig"),
    ("txt", "\t", "utf-16"),
])
def test_text_files(tmp_path, ext, delimiter, encoding):
    text = csv_text(delimiter)
    expected = EXPECTED
    if encoding == "cp1252-safe":
        # cp1252 has no Ş: Excel's Western export writes what the encoding can hold.
        text = text.replace("Ş", "S").replace("ş", "s")
        data = text.encode("cp1252")
        expected = {e if e[1] != "TR" else ("Akdeniz Örme San. ve Tic. A.S.", "TR", 2, 300)
                    for e in EXPECTED}
    else:
        data = text.encode(encoding)
    path = tmp_path / f"list.{ext}"
    path.write_bytes(data)
    sl = read_suppliers(path)
    assert facts(sl) == expected
    assert sl.headers[0] == "Supplier name"  # no BOM left on the first header


def test_cp1252_accents_decoded():
    text = "Naam leverancier;Plaats;Land\r\nConfecções Araújo Lda.;Guimarães;Portugal\r\n"
    assert decode_text(text.encode("cp1252"), None) == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8"), None) == text


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_sniff_delimiter(delimiter):
    text = csv_text(delimiter)
    assert sniff_delimiter(text, ".csv") == delimiter


def test_sniff_ignores_delimiters_inside_quotes():
    text = 'name;address;country\r\n"Ruifeng Co., Ltd.";"No. 5, Road 3, Area 2";China\r\n'
    assert sniff_delimiter(text, ".csv") == ";"


def test_formula_cells_give_their_cached_value_never_the_formula(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["name", "country", "workers"], ["Ruifeng", "CN", "=1+1"]])
    # openpyxl writes no cached value; put one in as Excel would have saved it.
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>1200</v>")
    with zipfile.ZipFile(path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    sl = read_suppliers(path)
    assert sl.suppliers[0].workers == 1200


def test_sheet_chosen_by_name_and_by_number(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", [["Instructions: one row per factory"]], sheet="Read me",
                      more={"Tier 1": BASIC_ROWS[:2],
                            "Tier 2": [BASIC_ROWS[0], BASIC_ROWS[2], BASIC_ROWS[3]]})
    # default: the first sheet whose header is recognised
    assert read_suppliers(path).sheet == "Tier 1"
    assert read_suppliers(path, sheet="Tier 2").sheet == "Tier 2"
    assert read_suppliers(path, sheet="tier 2").sheet == "Tier 2"  # case-insensitive
    assert read_suppliers(path, sheet="3").sheet == "Tier 2"
    assert read_suppliers(path, sheet=2).sheet == "Tier 1"
    assert len(read_suppliers(path, sheet="3").suppliers) == 2


def test_sheet_not_found_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", BASIC_ROWS, sheet="Suppliers")
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path, sheet="Leveranciers")
    assert exc.value.code == "sheet-not-found"
    assert "'Suppliers'" in exc.value.hint
    with pytest.raises(ImvoError):
        read_suppliers(path, sheet="5")


def test_sheet_number_for_a_csv(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text(csv_text(","), encoding="utf-8")
    assert len(read_suppliers(path, sheet="1").suppliers) == 3


def test_hidden_sheet_is_skipped_by_default(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    old = wb.active
    old.title = "Old list"
    for row in BASIC_ROWS[:2]:
        old.append(row)
    old.sheet_state = "hidden"
    new = wb.create_sheet("Current")
    for row in BASIC_ROWS:
        new.append(row)
    wb.save(tmp_path / "h.xlsx")
    assert read_suppliers(tmp_path / "h.xlsx").sheet == "Current"


def test_hidden_sheet_with_the_only_header_is_named_with_sheet_option(tmp_path):
    """Regression: a list on a hidden sheet beside a visible sheet without a header gave
    'no recognisable header' and never said that the hidden sheet has one or how to read it."""
    from openpyxl import Workbook

    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover.append(["Supplier overview 2024"])
    data = wb.create_sheet("Leveranciers")
    for row in BASIC_ROWS:
        data.append(row)
    data.sheet_state = "hidden"
    wb.create_sheet("Lookup").sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    with pytest.raises(ImvoError) as exc:
        read_suppliers(tmp_path / "h.xlsx")
    assert exc.value.code == "header-on-hidden-sheet"
    assert "'Leveranciers'" in exc.value.message and "'Lookup'" not in exc.value.message
    assert "--sheet 'Leveranciers'" in exc.value.hint
    # the option it names reads it
    assert len(read_suppliers(tmp_path / "h.xlsx", sheet="Leveranciers").suppliers) == 3
    # every sheet hidden (a workbook openpyxl cannot save): the hint names the sheet with the
    # header, not the first one
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_bad_corpus",
                                                  DATA.parent.parent / "scripts" / "make_bad_corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    corpus.write_xlsx(tmp_path / "all.xlsx", [
        ("Notes", "hidden", corpus.sheet_xml([["internal"]])),
        ("Leveranciers", "hidden", corpus.sheet_xml([corpus.HEADER, *corpus.GOOD_ROWS]))])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(tmp_path / "all.xlsx")
    assert exc.value.code == "only-hidden-sheets" and "--sheet 'Leveranciers'" in exc.value.hint


def test_workbook_sheets_load_lazily(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", BASIC_ROWS)
    sheets = read_sheets(path)
    assert [s.name for s in sheets] == ["Sheet1"]
    assert len(sheets[0].load(2)) == 2
    assert len(sheets[0].load(None)) == 4


@pytest.mark.parametrize("content,code", [
    (None, "missing"),
    (b"", "empty-file"),
    (b"\x00\x01 not a workbook at all " * 20, "not-a-workbook"),
])
def test_unreadable_files_raise_one_clear_error(tmp_path, content, code):
    path = tmp_path / "broken.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    assert exc.value.code == code
    assert exc.value.file == str(path)
    assert exc.value.hint


def test_truncated_workbook(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", BASIC_ROWS).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    assert exc.value.code in ("corrupt", "no-workbook")


def test_unsupported_extension(tmp_path):
    path = tmp_path / "list.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    assert exc.value.code == "unsupported-type"


@pytest.mark.parametrize("name", ["l.xlsx", "l.csv"])
def test_row_limit_names_the_limit(tmp_path, name):
    # regression: a workbook over the row limit said "cannot be read (name 'sheet' is not defined)"
    import dataclasses

    from imvo_cli.policy import Limits, Policy

    path = tmp_path / name
    if name.endswith(".xlsx"):
        write_xlsx(path, BASIC_ROWS * 4)
    else:
        path.write_text(csv_text(",") * 4, encoding="utf-8")
    policy = Policy(limits=dataclasses.replace(Limits(), max_rows=10))
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path, policy=policy)
    assert exc.value.code == "too-many-rows"
    assert "max_rows" in exc.value.hint


def test_merged_ranges_are_filled_and_exposed(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Suppliers"
    for row in (["Supplier name", "Country", "City"], ["Dhaka Knit", "BD", "Dhaka"],
                ["", "", "Gazipur"], ["Izmir Dye", "TR", "Izmir"]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    sheet = read_sheets(path)[0]
    rows = sheet.load(None)
    assert sheet.merged == ((1, 0, 2, 0), (1, 1, 2, 1))
    assert rows[2][:3] == ["Dhaka Knit", "BD", "Gazipur"]
    assert rows[3][:2] == ["Izmir Dye", "TR"]


def test_fill_merged_stays_within_the_cell_budget():
    from imvo_cli.ingest.readers import fill_merged

    rows = [["a", "", ""], ["", "", ""]]
    assert fill_merged(rows, [((0, 0), (1_048_575, 16_383))], 100) == ((0, 0, 1_048_575, 16_383),)
    assert rows == [["a", "a", "a"], ["a", "a", "a"]]
    many = [((0, 0), (1, 2))] * 50
    assert fill_merged([["x"] * 3, [""] * 3], many, 100) is None


@pytest.mark.parametrize("first_date_row", [1, 200])
def test_dates_and_times_come_back_from_the_parse_worker_as_written(tmp_path, first_date_row):
    """Rows with dates travel from the isolated reader by another packing than plain rows:
    whether the first date is in the first rows or far below them, every value and its type
    come back as the reader gave them."""
    import python_calamine as pc

    from imvo_cli.ingest import isolate

    rows: list[list] = [["Name", "Audit date", "Checked at", "Workers"]]
    for i in range(1, 300):
        dated = i >= first_date_row and i % 3 == 0
        rows.append([f"Supplier {i}", date(2023, 1 + i % 12, 1 + i % 28) if dated else "",
                     datetime(2024, 5, 1, i % 24, i % 60) if dated else None, i * 10])
    path = write_xlsx(tmp_path / "dates.xlsx", rows)
    expected = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
        skip_empty_area=False)
    assert isolate.isolation_available()
    got = read_sheets(path)[0].load()
    assert got == expected
    assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]
    dated = sum(1 for i in range(first_date_row, 300) if i % 3 == 0)
    assert sum(isinstance(v, date) for row in got for v in row) == 2 * dated


def test_csv_limits_and_malformed_lines_name_the_first_bad_line_even_deep_in_a_batch(tmp_path):
    """Rows are parsed in batches with the limits checked per batch; a batch that passes a
    limit or holds a malformed line is read again row by row, so the error names the same
    first bad line (here a wide row on line 5003, then a broken quote further on)."""
    from imvo_cli.policy import Limits

    lines = ["name,country"] + [f"s{i},NL" for i in range(6000)]
    lines[5002] = ",".join(["x"] * 40)  # line 5003
    lines[5010] = 'a,"b"c"'  # line 5011
    path = tmp_path / "wide.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with pytest.raises(ImvoError) as err:
        read_sheets(path, Limits(max_columns=30))
    assert err.value.code == "too-many-columns" and err.value.row == 5003
    with pytest.raises(ImvoError) as err:
        read_sheets(path, Limits(max_columns=50))
    assert err.value.code == "csv-malformed" and err.value.row == 5011
    with pytest.raises(ImvoError) as err:
        read_sheets(path, Limits(max_columns=50, max_rows=5005))
    assert err.value.code == "too-many-rows"
    lines[5010] = "a,b"
    path.write_text("\n".join(lines), encoding="utf-8")
    got = read_sheets(path, Limits(max_columns=50))[0].load()
    assert len(got) == 6001 and got[5002] == ["x"] * 40 and got[-1] == ["s5999", "NL"]
