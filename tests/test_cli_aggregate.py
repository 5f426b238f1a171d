"""`imvo aggregate` through the command line: options, outputs, review round trip, exit codes."""

import csv
import json

import openpyxl
import pytest
from typer.testing import CliRunner

from imvo_cli.aggregate import aggregate
from imvo_cli.cli import app
from imvo_cli.report.jsonout import dumps

runner = CliRunner()

HEADER = ["Name", "Address", "City", "Country", "Purchase share"]
ROWS = {
    "alpha": [["Epyllion Style Ltd.", "Nayapara, Vhawal Mirzapur, Gazipur Sadar", "Gazipur", "Bangladesh", "20%"],
              ["Shanghai Weijie Garment Co. Ltd", "1228 Huiping Road, Nanxiang", "Shanghai", "China", "50%"]],
    "beta": [["Eypllion Style Ltd.", "Bahadurpur, Vawal Mirzapur, Gazipur Sadar, 1703", "", "Bangladesh", ""],
             ["Shanghai Weijie Garment Co., Ltd.", "No. 1228, Huiping Road, Nanxiang Town", "Shanghai", "China", "5%"]],
}


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "members"
    d.mkdir()
    for member, rows in ROWS.items():
        with (d / f"{member}.csv").open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            w.writerows(rows)
    return d


def cells(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_out_is_required_without_json(folder):
    r = runner.invoke(app, ["aggregate", str(folder)])
    assert r.exit_code == 2 and "--output is required" in r.output


def test_refuses_to_write_over_an_input(folder):
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(ROWS["alpha"][0])
    target = folder / "gamma.xlsx"
    wb.save(target)
    before = target.read_bytes()
    r = runner.invoke(app, ["aggregate", str(folder), "--output", str(target)])
    assert r.exit_code == 2 and "never writes its input" in r.output
    assert target.read_bytes() == before


def test_json_equals_the_library(folder):
    r = runner.invoke(app, ["aggregate", str(folder), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert r.output == dumps(aggregate([folder]).to_dict())


def test_workbook_sheets_and_review_round_trip(folder, tmp_path):
    out = tmp_path / "sector.xlsx"
    r = runner.invoke(app, ["aggregate", str(folder), "--output", str(out)])
    assert r.exit_code == 0, r.output
    sheets = cells(out)
    assert list(sheets)[:7] == ["Production locations", "Shared suppliers", "Countries", "Members",
                                "Review", "Merged records", "Issues"]
    assert len(sheets["Production locations"]) == 1 + 3  # Weijie merged, Epyllion pair in review
    assert sheets["Shared suppliers"][1][4] == 2
    review = sheets["Review"]
    assert len(review) == 2 and review[0][-1] == "decision"
    # A person marks the pair as the same factory in the workbook and passes it back.
    wb = openpyxl.load_workbook(out)
    wb["Review"].cell(2, len(review[0])).value = "same"
    decided = tmp_path / "decided.xlsx"
    wb.save(decided)
    out2 = tmp_path / "sector2.xlsx"
    r = runner.invoke(app, ["aggregate", str(folder), "--output", str(out2), "--decisions", str(decided)])
    assert r.exit_code == 0, r.output
    again = cells(out2)
    assert len(again["Review"]) == 1 and len(again["Production locations"]) == 1 + 2
    records = again["Merged records"]
    assert "decision" in {row[-1] for row in records[1:]}


def test_public_workbook_names_no_member(folder, tmp_path):
    out = tmp_path / "public.xlsx"
    r = runner.invoke(app, ["aggregate", str(folder), "--output", str(out), "--public"])
    assert r.exit_code == 0, r.output
    sheets = cells(out)
    assert not {"Members", "Review", "Merged records"} & set(sheets)
    text = json.dumps(sheets, default=str)
    for secret in ("alpha", "beta", "0.5", "Purchase"):
        assert secret not in text


def test_previous_from_the_workbook_keeps_ids(folder, tmp_path):
    out = tmp_path / "sector.xlsx"
    assert runner.invoke(app, ["aggregate", str(folder), "--output", str(out)]).exit_code == 0
    r = runner.invoke(app, ["aggregate", str(folder), "--format", "json", "--previous", str(out)])
    ids_then = sorted(row[0] for row in cells(out)["Production locations"][1:])
    ids_now = sorted(f["facility_id"] for f in json.loads(r.output)["facilities"])
    assert ids_then == ids_now


def test_unreadable_member_exits_2_after_writing(folder, tmp_path):
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    out = tmp_path / "sector.xlsx"
    r = runner.invoke(app, ["aggregate", str(folder), "--output", str(out)])
    assert r.exit_code == 2
    assert "broken.xlsx" in r.output and out.exists()
    issues = cells(out)["Issues"]
    assert any(row[0] and row[0].endswith("broken.xlsx") and row[4] == "error" for row in issues[1:])


def test_bad_threshold_is_a_usage_error(folder):
    r = runner.invoke(app, ["aggregate", str(folder), "--format", "json", "--threshold", "0.5",
                            "--review-threshold", "0.9"])
    assert r.exit_code == 2 and "review threshold" in r.output
