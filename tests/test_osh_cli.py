"""`imvo osh-match` through the command line: outputs, the decisions round trip, exit codes."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLE
from test_osh_match import GEN, oid, write_download
from typer.testing import CliRunner

from imvo_cli.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def download(tmp_path_factory):
    from imvo_cli.ingest import read_suppliers

    path = tmp_path_factory.mktemp("osh_cli") / "download.csv"
    GEN.generate(path, 1500, seed=5, plant=read_suppliers(SAMPLE / "suppliers.xlsx").suppliers)
    return path


def test_json_equals_the_library_result(download):
    from imvo_cli.ingest import read_suppliers
    from imvo_cli.osh import match_suppliers

    res = runner.invoke(app, ["osh-match", str(SAMPLE / "suppliers.xlsx"), "--facilities",
                              str(download), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    lib = match_suppliers(read_suppliers(SAMPLE / "suppliers.xlsx").suppliers, download)
    assert doc["schema"] == "imvo.osh-match/1"
    assert doc["matches"] == json.loads(json.dumps(lib.to_dict()["matches"]))
    assert doc["summary"]["matched"] == lib.summary()["matched"] > 0
    # Every row of the list is a match line or an issue: the rejected row is reported.
    rejected = read_suppliers(SAMPLE / "suppliers.xlsx").rejected_rows
    assert doc["summary"]["rejected_rows"] == len(rejected) == 1
    assert any(i["severity"] == "error" and i["row"] == rejected[0] for i in doc["issues"])
    first = next(m for m in doc["matches"] if m["status"] == "matched")
    assert first["os_id"] and first["source"] == "osh-match" and first["fields"]["name"] > 0


def test_review_sheet_decisions_round_trip(tmp_path):
    from openpyxl import load_workbook

    listing = tmp_path / "list.csv"
    listing.write_text("Supplier name,Address,City,Country\n"
                       "Yongsheng Clothing Co. Ltd.,No. 231 Tongzhou Economic Development Zone,"
                       "Nantong,China\n", encoding="utf-8")
    neighbour = oid("CN", 11)
    dl = write_download(tmp_path / "d.csv", [
        {"os_id": neighbour, "name": "Yongsheng Clothing Co., Ltd.",
         "address": "No. 230 Tongzhou Economic Development Zone, Nantong", "country_code": "CN"}])
    out = tmp_path / "osh.xlsx"
    res = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(dl), "--out", str(out)])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Matches", "Review", "Issues"]
    review = wb["Review"]
    header = [c.value for c in review[1]]
    assert review.cell(2, header.index("b_id") + 1).value == neighbour
    review.cell(2, header.index("decision") + 1).value = "same"
    wb.save(out)
    again = tmp_path / "osh2.json"
    res = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(dl), "--decisions",
                              str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    again.write_text(res.stdout)
    m = json.loads(res.stdout)["matches"][0]
    assert (m["status"], m["os_id"], m["source"]) == ("matched", neighbour, "decision")


def test_csv_out_is_a_decisions_file_too(tmp_path, download):
    from imvo_cli.match.decisions import read_decisions

    out = tmp_path / "m.csv"
    res = runner.invoke(app, ["osh-match", str(SAMPLE / "suppliers.xlsx"), "--facilities",
                              str(download), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith("a_id,b_id,decision")
    assert read_decisions(out) == {}  # nothing decided yet
    assert text.count("\n") == 1 + 79


def test_osh_option_writes_the_upload(tmp_path, download):
    from imvo_cli.ingest import read_suppliers

    up = tmp_path / "upload.csv"
    res = runner.invoke(app, ["osh-match", str(SAMPLE / "suppliers.xlsx"), "--facilities",
                              str(download), "--osh", str(up), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert len(read_suppliers(up).suppliers) == 78
    codes = [i["code"] for i in json.loads(res.stdout)["issues"]]
    assert codes.count("osh-no-address") == 1


@pytest.mark.parametrize("args, message", [
    (["--facilities", "{missing}"], "file not found"),
    (["--facilities", "{list}"], "not an Open Supply Hub facilities download"),
    (["--facilities", "{dl}", "--out", "x.json"], ".csv or .xlsx"),
    (["--facilities", "{dl}", "--threshold", "1.5"], "between 0 and 1"),
])
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, download, args, message):
    listing = SAMPLE / "suppliers.xlsx"
    subst = {"missing": str(tmp_path / "none.csv"), "list": str(SAMPLE / "leveranciers.csv"),
             "dl": str(download)}
    args = [a.format(**subst) for a in args]
    res = runner.invoke(app, ["osh-match", str(listing), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output


def test_help_has_an_example():
    res = runner.invoke(app, ["osh-match", "--help"])
    assert res.exit_code == 0 and "Example: imvo osh-match" in res.output


def test_benchmark_runs_small_and_reports_its_figures(tmp_path):
    """benchmarks/osh_match.py end to end at a tiny size, so it never rots (nothing timed)."""
    import subprocess
    import sys

    from conftest import REPO

    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "osh_match.py"),
                           "--suppliers", "150", "--facilities", "1500", "--out",
                           str(tmp_path), "--json", str(out)], capture_output=True, text=True,
                          timeout=120, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["suppliers"] == 150 and figures["download_rows"] >= 1500
    assert figures["peak_rss_mb"] > 0 and figures["cpu_seconds"] > 0
    assert 0 < figures["precision"] <= 1 and 0 < figures["recall"] <= 1


def test_regression_osh_upload_says_what_it_left_out(tmp_path, download):
    """Regression: `osh-match --osh` reported the location OSH would reject only inside the
    JSON; the console said nothing, so a member could upload without knowing."""
    up = tmp_path / "upload.csv"
    for extra in ([], ["--quiet"]):
        res = runner.invoke(app, ["osh-match", str(SAMPLE / "suppliers.xlsx"), "--facilities",
                                  str(download), "--osh", str(up), *extra])
        assert res.exit_code == 0, res.output
        lines = res.stderr.splitlines()
        left_out = [ln for ln in lines if "not in the Open Supply Hub upload" in ln]
        assert len(left_out) == 1 and "row 58" in left_out[0] and "'address'" in left_out[0]
        wrote = [ln for ln in lines if ln.startswith("imvo: wrote Open Supply Hub upload")]
        assert wrote == ([] if extra else [(f"imvo: wrote Open Supply Hub upload {up} (78 of 79 "
                                            "production locations)")])
    assert "1 row of the list is no supplier" in runner.invoke(app, [
        "osh-match", str(SAMPLE / "suppliers.xlsx"), "--facilities", str(download)]).stderr


def test_regression_rows_that_are_no_supplier_are_named_whenever_an_upload_is_written(tmp_path, download):
    """Regression: a row with an unknown country was in no upload row, and with --quiet or
    --format json the console never said so (and never said which row)."""
    listing = tmp_path / "lijst.csv"
    listing.write_text("\ufeffNaam leverancier;Adres;Plaats;Land\n"
                       "Normaal BV;Straat 3;Breda;Nederland\n"
                       "Onbekend Land BV;Weg 1;X;Atlantis\n", encoding="utf-8")
    for extra in (["--quiet"], ["--format", "json"], []):
        res = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(download),
                                  "--osh", str(tmp_path / "up.csv"), *extra])
        assert res.exit_code == 0, res.output
        assert "1 row of the list is no supplier" in res.stderr
        assert "lijst.csv, row 3, column 'Land': 'Atlantis'" in res.stderr
    quiet = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(download), "-q"])
    assert quiet.stderr == ""  # nothing asked, nothing written: --quiet stays quiet


def test_regression_a_download_without_valid_os_ids_exits_2_naming_row_and_column(tmp_path):
    """Regression: osh-match read 0 facilities from a download whose OS IDs were invalid and
    reported every supplier "not found" with exit 0."""
    dl = write_download(tmp_path / "d.csv", [
        {"os_id": "CN-12345", "name": "Mingda Clothing", "address": "No. 4 Road", "country_code": "CN"}])
    res = runner.invoke(app, ["osh-match", str(SAMPLE / "suppliers.xlsx"), "--facilities", str(dl)])
    assert res.exit_code == 2, res.output
    [line] = res.stderr.strip().splitlines()
    assert line.startswith(f"imvo: error: {dl}, row 2, column 'os_id': no valid OS ID")
    assert "Traceback" not in res.output


def test_regression_the_dutch_workbook_speaks_dutch_and_reads_back(tmp_path):
    """Regression: `osh-match --out X.xlsx --lang nl` wrote English sheets, headers and values."""
    from openpyxl import load_workbook

    from imvo_cli.i18n import catalogue

    listing = tmp_path / "list.csv"
    listing.write_text("Supplier name,Address,City,Country\n"
                       "Yongsheng Clothing Co. Ltd.,No. 231 Tongzhou Economic Development Zone,"
                       "Nantong,China\n", encoding="utf-8")
    neighbour = oid("CN", 11)
    dl = write_download(tmp_path / "d.csv", [
        {"os_id": neighbour, "name": "Yongsheng Clothing Co., Ltd.",
         "address": "No. 230 Tongzhou Economic Development Zone, Nantong", "country_code": "CN"}])
    out = tmp_path / "osh.xlsx"
    res = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(dl), "--out", str(out),
                              "--lang", "nl"])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Overeenkomsten", "Beoordelen", "Problemen"]
    en, nl = catalogue("en"), catalogue("nl")
    english = {v for k, v in en.items() if k.split(".")[0] in ("osh_workbook", "column",
               "cli_osh_status", "osh_source", "severity") and v != nl[k]} - {"decision"}
    cells = {c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert not cells & english, sorted(cells & english)
    matches = [c.value for c in wb["Overeenkomsten"][1]]
    assert matches[:6] == ["leveranciers-ID", "naam", "land", "adres", "regels", "status"]
    assert wb["Overeenkomsten"].cell(2, 6).value == "beoordelen"
    review = wb["Beoordelen"]
    header = [c.value for c in review[1]]
    assert (header[0], header[4], header[-1]) == ("a_id", "b_id", "decision")
    review.cell(2, header.index("decision") + 1).value = "zelfde"
    wb.save(out)
    res = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(dl), "--decisions",
                              str(out), "--format", "json"])
    m = json.loads(res.stdout)["matches"][0]
    assert (m["status"], m["os_id"], m["source"]) == ("matched", neighbour, "decision")
