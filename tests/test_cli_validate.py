"""`imvo validate`: the imvo.validate/1 JSON shape, exit codes and error messages."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import BASIC_ROWS, SAMPLE, write_xlsx
from imvo_cli.cli import app
from imvo_cli.validate import to_document, validate_file

FILE_KEYS = ["file", "sheet", "rows", "empty_rows", "suppliers", "header_row", "columns", "issues"]
ISSUE_KEYS = ["severity", "code", "sheet", "row", "column", "message", "hint"]


def run(*args, width=None):
    env = {"COLUMNS": str(width)} if width else None
    result = CliRunner().invoke(app, ["validate", *map(str, args)], env=env)
    return result.exit_code, result.stdout, result.stderr


def check_shape(doc):
    assert list(doc) == ["schema", "files"] and doc["schema"] == "imvo.validate/1"
    for f in doc["files"]:
        assert list(f) == FILE_KEYS
        assert isinstance(f["file"], str) and (f["sheet"] is None or isinstance(f["sheet"], str))
        assert all(isinstance(f[k], int) for k in ("rows", "empty_rows", "suppliers"))
        for i in f["issues"]:
            assert list(i) == ISSUE_KEYS
            assert i["severity"] in ("error", "warning")
            assert isinstance(i["code"], str) and isinstance(i["message"], str)
            assert i["row"] is None or isinstance(i["row"], int)
            for k in ("sheet", "column", "hint"):
                assert i[k] is None or isinstance(i[k], str)


def test_clean_file_exits_0(tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", BASIC_ROWS)
    code, out, err = run(path, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    check_shape(doc)
    assert doc["files"][0] | {"issues": None, "columns": None} == {
        "file": str(path), "sheet": "Sheet1", "rows": 3, "empty_rows": 0, "suppliers": 3,
        "header_row": 1, "columns": None, "issues": None}


def test_sample_brand_list_exits_1_with_its_issues():
    code, out, _ = run(SAMPLE / "suppliers.xlsx", "--format", "json")
    assert code == 1  # the misspelt country is an error row
    doc = json.loads(out)
    check_shape(doc)
    f = doc["files"][0]
    assert (f["rows"], f["empty_rows"], f["suppliers"]) == (81, 1, 79)
    error = next(i for i in f["issues"] if i["severity"] == "error")
    assert error["code"] == "unknown-country" and error["column"] == "Country"
    assert error["sheet"] == "Suppliers" and isinstance(error["row"], int)
    assert "Bangladesh" in error["hint"]


def test_json_equals_the_library_result():
    path = SAMPLE / "leveranciers.csv"
    code, out, _ = run(path, "--format", "json")
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(to_document([validate_file(path)])))


def test_several_files_and_the_worst_exit_code(tmp_path):
    ok = write_xlsx(tmp_path / "ok.xlsx", BASIC_ROWS)
    missing = tmp_path / "nope.xlsx"
    code, out, err = run(ok, SAMPLE / "suppliers.xlsx", missing, "--format", "json")
    assert code == 2
    doc = json.loads(out)
    check_shape(doc)
    assert [f["file"] for f in doc["files"]] == [str(ok), str(SAMPLE / "suppliers.xlsx"), str(missing)]
    assert doc["files"][2]["issues"][0]["code"] == "missing"
    assert "nope.xlsx" in err and "Traceback" not in err


def test_missing_required_column_exits_2_naming_field_headers_and_alias(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [["Supplier name", "Contry", "Address"], ["Ruifeng", "CN", "x"]])
    code, out, err = run(path, "--format", "json")
    assert code == 2
    issue = json.loads(out)["files"][0]["issues"][0]
    assert issue["code"] == "missing-column" and issue["column"] == "country"
    assert "'country'" in issue["message"]
    assert "Supplier name, Contry, Address" in issue["message"]
    assert "did you mean 'country'" in issue["hint"]
    assert err.count("\n") == 1 and "l.xlsx" in err and "'country'" in err


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"\x13\x37" * 100])
def test_unreadable_files_exit_2_with_one_line(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    code, out, err = run(path)
    assert code == 2
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err


def test_sheet_option_by_name_and_number():
    code, out, _ = run(SAMPLE / "leveranciers.xlsx", "--sheet", "Leveranciers", "--format", "json")
    assert code == 0 and json.loads(out)["files"][0]["sheet"] == "Leveranciers"
    code, out, _ = run(SAMPLE / "leveranciers.xlsx", "--sheet", "2", "--format", "json")
    assert code == 0 and json.loads(out)["files"][0]["suppliers"] == 40
    code, out, err = run(SAMPLE / "leveranciers.xlsx", "--sheet", "Blad9")
    assert code == 2 and "Toelichting" in err


def test_map_option(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [["Fabrikant", "Herkomst", "Adres"], ["Ruifeng", "CN", "x"]])
    assert run(path)[0] == 2
    code, out, _ = run(path, "--map", "Fabrikant=name", "--map", "Herkomst=country", "--format", "json")
    assert code == 0 and json.loads(out)["files"][0]["suppliers"] == 1


def test_table_output_counts_per_file():
    code, out, _ = run(SAMPLE / "suppliers.xlsx")
    assert code == 1
    # 2 row warnings + the 2 chain warnings `imvo map` reports (unknown reference, tier)
    assert "81 rows read, 79 suppliers, 1 error, 4 warnings, 1 empty row skipped" in out
    assert "Bangladseh" in out


def test_bad_format_is_a_usage_error():
    code, _, err = run(SAMPLE / "suppliers.xlsx", "--format", "yaml")
    assert code == 2 and "--format" in err


def test_json_output_is_deterministic():
    assert run(SAMPLE / "suppliers.xlsx", "--format", "json")[1] == \
        run(SAMPLE / "suppliers.xlsx", "--format", "json")[1]


# ---------------------------------------------------------------- issue 15: header report

def _unmapped_id_list(tmp_path):
    from conftest import write_csv

    return write_csv(tmp_path / "werk.csv", ["Werk-Nr.", "Name", "Adres", "Country",
                                              "Supplies to", "Opmerkingen", "Contry code"], [
        ["W1", "Alpha Garments", "Road 1, Dhaka", "Bangladesh", "", "", "BD"],
        ["W2", "Beta Spinning", "Road 2, Dhaka", "Bangladesh", "W1", "yarn", "BD"],
        ["W3", "Gamma Dyeing", "Road 3, Dhaka", "Bangladesh", "W1, W2", "", "BD"],
    ])


def test_validate_lists_every_column_with_its_field(tmp_path):
    report = validate_file(_unmapped_id_list(tmp_path))
    cols = {c.header: c for c in report.columns}
    assert [c.column for c in report.columns] == list("ABCDEFG")
    assert (cols["Name"].field, cols["Adres"].field, cols["Country"].field) == \
        ("name", "address", "country")
    assert cols["Werk-Nr."].field is None
    assert "looks like the suppliers' ids" in cols["Werk-Nr."].note
    assert cols["Werk-Nr."].closest == "id"
    assert "--map \"Werk-Nr.=id\"" in cols["Werk-Nr."].note
    assert cols["Opmerkingen"].field is None and cols["Opmerkingen"].closest is None
    assert cols["Contry code"].field is None and cols["Contry code"].closest == "country"
    # ... and the links that fail because of it are reported as map reports them
    assert {i.code for i in report.issues} >= {"unknown-reference"}


def test_validate_json_and_table_show_the_columns(tmp_path):
    path = _unmapped_id_list(tmp_path)
    code, out, _ = run(path, "--format", "json")
    doc = json.loads(out)
    check_shape(doc)
    cols = doc["files"][0]["columns"]
    assert [c["header"] for c in cols] == ["Werk-Nr.", "Name", "Adres", "Country", "Supplies to",
                                          "Opmerkingen", "Contry code"]
    assert cols[1] == {"column": "B", "header": "Name", "field": "name", "closest": None,
                       "closest_alias": None, "note": None}
    # wide enough that no cell folds, whatever terminal the tests run in
    code, out, _ = run(path, width=160)
    assert "not used (closest:" in out and "looks like" in out
    mapped = json.loads(run(path, "--format", "json", "--map", "Werk-Nr.=id")[1])
    f = mapped["files"][0]
    assert f["columns"][0]["field"] == "id" and f["columns"][0]["note"] is None
    assert not [i for i in f["issues"] if i["code"] == "unknown-reference"]


def test_a_row_number_beside_the_id_column_is_not_the_id(tmp_path):
    from conftest import write_csv
    from imvo_cli.ingest import read_suppliers

    path = write_csv(tmp_path / "nr.csv", ["Nr.", "Leveranciersnummer", "Naam", "Adres", "Land",
                                           "Levert aan"], [
        [1, "L-100", "Alpha Garments", "Road 1, Dhaka", "Bangladesh", ""],
        [2, "L-200", "Beta Spinning", "Road 2, Dhaka", "Bangladesh", "L-100"],
    ])
    sl = read_suppliers(path)
    assert sl.columns["id"] == "Leveranciersnummer"
    assert not [i for i in sl.issues if i.code == "duplicate-column"]
    report = validate_file(path)
    nr = report.columns[0]
    assert (nr.header, nr.field, nr.closest) == ("Nr.", None, "id") and "row number" in nr.note
    assert not [i for i in report.issues if i.code == "unknown-reference"]
    # Alone, 'Nr.' is the id the links refer to.
    alone = write_csv(tmp_path / "alone.csv", ["Nr.", "Naam", "Adres", "Land", "Levert aan"], [
        [1, "Alpha Garments", "Road 1, Dhaka", "Bangladesh", ""],
        [2, "Beta Spinning", "Road 2, Dhaka", "Bangladesh", "1"],
    ])
    assert read_suppliers(alone).columns["id"] == "Nr."
    assert not [i for i in validate_file(alone).issues if i.code == "unknown-reference"]


def test_map_naming_a_header_the_sheet_lacks_is_an_input_error(tmp_path):
    """Regression: --map "Fabriek=name" on a sheet without 'Fabriek' was silently ignored."""
    path = write_xlsx(tmp_path / "l.xlsx", [["Name", "Country"], ["Alpha Mill", "CN"]])
    code, out, err = run(path, "--map", "Fabriek=name", "--format", "json")
    assert code == 2
    issue = json.loads(out)["files"][0]["issues"][0]
    assert issue["code"] == "mapped-header-missing" and issue["row"] == 1
    assert "'Fabriek'" in issue["message"] and "headers found: Name, Country" in issue["message"]
    assert "'Fabriek'" in err
    # a near miss gets the header it probably meant
    code, _, err = run(path, "--map", "Nme=name")
    assert code == 2 and "did you mean 'Name'?" in err


def test_unknown_field_in_map_has_no_empty_location(tmp_path):
    """Regression: the message read 'imvo: error: : column map ...'."""
    path = write_xlsx(tmp_path / "l.xlsx", [["Name", "Country"], ["Alpha Mill", "CN"]])
    code, _, err = run(path, "--map", "Name=naam")
    assert code == 2
    assert err.startswith("imvo: error: column map 'Name'='naam': unknown field 'naam'")
    assert ": :" not in err


def test_unknown_field_in_map_is_one_usage_error_before_any_file_is_read(tmp_path):
    """An unknown field is the command line's mistake: said once, whatever the number of
    files, and no file report is written (exit 2)."""
    paths = [write_xlsx(tmp_path / f"l{i}.xlsx", [["Name", "Country"], ["Alpha Mill", "CN"]])
             for i in range(3)]
    code, out, err = run(*paths, "--map", "Name=naam", "--format", "json")
    assert code == 2
    assert err.count("unknown field 'naam'") == 1
    assert out == ""
