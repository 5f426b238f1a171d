"""OS IDs from an Open Supply Hub download: sure matches, review, decisions, closed facilities."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE

from imvo_cli.ingest import read_suppliers
from imvo_cli.model import ImvoError, Supplier
from imvo_cli.osh import match_suppliers, read_gazetteer
from imvo_cli.osh.gazetteer import GazetteerStats


def load_gazetteer_generator():
    name = "make_osh_gazetteer"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "make_osh_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


GEN = load_gazetteer_generator()
HEADERS = GEN.HEADERS


def write_download(path: Path, rows: list[dict], headers=HEADERS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=headers, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({"country_name": "", "is_closed": "False", **r})
    return path


def oid(country: str, n: int) -> str:
    import random

    return GEN.os_id(random.Random(n), country)


def sup(sid: str, name: str, country: str, address: str | None, city: str | None = None,
        os_id: str | None = None, row: int = 2) -> Supplier:
    return Supplier(sid, name, country, address, city, os_id=os_id, rows=[row])


@pytest.fixture(scope="module")
def sample_suppliers():
    return read_suppliers(SAMPLE / "suppliers.xlsx").suppliers


@pytest.fixture(scope="module")
def planted(sample_suppliers, tmp_path_factory):
    path = tmp_path_factory.mktemp("osh") / "download.csv"
    truth = GEN.generate(path, 3000, seed=3, plant=sample_suppliers)
    return path, truth


def test_perturbed_copies_give_their_os_ids_back(sample_suppliers, planted):
    path, truth = planted
    result = match_suppliers(sample_suppliers, path)
    sure = [m for m in result.matches if m.status == "matched"]
    right = [m for m in sure if truth[m.supplier_id] == m.os_id]
    precision = len(right) / len(sure)
    recall = len(right) / len(truth)
    assert precision >= 0.98, [(m.name, m.osh_name) for m in sure if m not in right]
    assert recall >= 0.9, [(m.name, m.status, m.osh_name) for m in result.matches
                           if m not in right]
    assert len(result.matches) == len(sample_suppliers)  # every supplier has its line
    for m in right:
        assert m.source == "osh-match" and m.score >= result.threshold and m.fields["name"]
    assert result.stats.rows > 3000 and result.stats.facilities <= result.stats.rows


def test_real_osh_lists_as_distractors_do_not_take_the_sample_ids(sample_suppliers, planted,
                                                                tmp_path):
    """929 real facilities from OSH's fixture lists around the planted copies."""
    from conftest import shared_path

    from imvo_cli.countries import to_iso2

    folder = shared_path("fixtures", "open-supply-hub")
    path, truth = planted
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    n = 0
    for f in sorted(folder.glob("*.csv")):
        for r in csv.DictReader(f.read_text(encoding="utf-8-sig").splitlines(keepends=True)):
            code = to_iso2(r["country"])
            if code:
                n += 1
                rows.append({"os_id": oid(code, n), "name": r["name"], "address": r["address"],
                             "country_code": code})
    mixed = write_download(tmp_path / "mixed.csv", rows)
    result = match_suppliers(sample_suppliers, mixed)
    sure = [m for m in result.matches if m.status == "matched"]
    right = [m for m in sure if truth[m.supplier_id] == m.os_id]
    assert len(right) / len(sure) >= 0.98
    assert n > 900


def test_an_os_id_in_the_list_is_kept_and_checked(tmp_path):
    known, unknown = oid("CN", 1), oid("CN", 2)
    download = write_download(tmp_path / "d.csv", [
        {"os_id": known, "name": "Mingda Clothing Co Ltd", "address": "No. 4 Qiming Road",
         "country_code": "CN", "is_closed": "True"}])
    result = match_suppliers([sup("S1", "Mingda Clothing", "CN", "No. 4 Qiming Rd", os_id=known),
                              sup("S2", "Other Mill", "CN", "No. 9 Road", os_id=unknown, row=3)],
                             download)
    given, missing = result.matches
    assert (given.status, given.os_id, given.source, given.closed) == ("given", known, "input", True)
    assert (missing.status, missing.os_id, missing.closed) == ("given", unknown, None)
    codes = {(i.code, i.row) for i in result.issues}
    assert ("osh-closed", 2) in codes and ("osh-id-not-in-download", 3) in codes
    assert result.attachments()["S1"].to_dict() == {"os_id": known, "source": "input",
                                                    "score": None, "closed": True}


def test_closed_facilities_are_flagged(tmp_path):
    closed = oid("BD", 3)
    download = write_download(tmp_path / "d.csv", [
        {"os_id": closed, "name": "Madhumati Apparels Limited",
         "address": "Plot 270, Kanchpur, Sonargaon, Narayanganj", "country_code": "BD",
         "is_closed": "True"}])
    result = match_suppliers([sup("S1", "Madhumati Apparels Ltd.", "BD",
                                  "Plot 270, Kanchpur, Sonargaon", "Narayanganj")], download)
    m = result.matches[0]
    assert (m.status, m.os_id, m.closed) == ("matched", closed, True)
    assert [i.code for i in result.issues] == ["osh-closed"]
    assert result.summary()["closed"] == 1


def test_uncertain_candidates_go_to_review_and_decisions_settle_them(tmp_path):
    neighbour = oid("CN", 4)
    download = write_download(tmp_path / "d.csv", [
        {"os_id": neighbour, "name": "Yongsheng Clothing Co., Ltd.",
         "address": "No. 230 Tongzhou Economic Development Zone, Nantong", "country_code": "CN"}])
    s = sup("S1", "Yongsheng Clothing Co., Ltd.", "CN",
            "No. 231 Tongzhou Economic Development Zone", "Nantong")
    first = match_suppliers([s], download)
    m = first.matches[0]
    assert m.status == "review" and m.os_id is None and m.candidate_id == neighbour
    assert m.rule == "number-differs"
    [cand] = first.review
    assert (cand.record_id, cand.os_id) == (m.record_id, neighbour)
    same = match_suppliers([s], download, decisions={frozenset((m.record_id, neighbour)): "same"})
    assert (same.matches[0].status, same.matches[0].os_id, same.matches[0].source) == \
        ("matched", neighbour, "decision")
    assert same.decisions_applied == 1 and not same.review
    different = match_suppliers([s], download,
                                decisions={frozenset((m.record_id, neighbour)): "different"})
    assert different.matches[0].status == "none" and not different.review


def test_two_facilities_alike_are_not_a_sure_match(tmp_path):
    a, b = oid("IN", 5), oid("IN", 6)
    download = write_download(tmp_path / "d.csv", [
        {"os_id": a, "name": "Noyyal Knit Fashions Pvt Ltd", "address": "SF No. 12, Avinashi Road, Tiruppur",
         "country_code": "IN"},
        {"os_id": b, "name": "Noyyal Knit Fashions Private Limited",
         "address": "SF No. 12, Avinashi Rd, Tiruppur", "country_code": "IN"}])
    result = match_suppliers([sup("S1", "Noyyal Knit Fashions Pvt Ltd", "IN",
                                  "SF No. 12, Avinashi Road", "Tiruppur")], download)
    assert result.matches[0].status == "review"
    assert {c.os_id for c in result.review} == {a, b}


def test_other_countries_never_match(tmp_path):
    download = write_download(tmp_path / "d.csv", [
        {"os_id": oid("VN", 7), "name": "Mingda Clothing Co Ltd", "address": "No. 4 Qiming Road",
         "country_code": "VN"}])
    result = match_suppliers([sup("S1", "Mingda Clothing", "CN", "No. 4 Qiming Road")], download)
    assert result.matches[0].status == "none"
    assert result.stats.skipped_country == 1


def test_download_columns_found_by_name_and_bad_rows_reported(tmp_path):
    headers = ["partner.extra", "is_closed", "name", "country_name", "os_id", "address"]
    good = oid("TR", 8)
    path = write_download(tmp_path / "d.csv", [
        {"os_id": good, "name": "Ege Giyim", "country_name": "Turkey", "address": "Izmir"},
        {"os_id": "CN2019303BQ3FZQ", "name": "Bad Check", "country_name": "China"},
        {"os_id": oid("CN", 9), "name": "", "country_name": "China"},
        {"os_id": oid("CN", 10), "name": "Nowhere", "country_name": "Atlantis"}], headers)
    issues: list = []
    stats = GazetteerStats(str(path))
    facilities = list(read_gazetteer(path, issues, stats))
    assert [f.os_id for f in facilities] == [good] and facilities[0].country == "TR"
    assert sorted((i.code, i.row) for i in issues) == [
        ("osh-download-country", 5), ("osh-download-name", 4), ("osh-download-os-id", 3),
        ("osh-download-rows-left-out", None)]
    assert stats.rows == 4 and stats.bad_rows == 3


def test_not_a_download_is_a_clear_error(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Supplier name,Country\nA,China\n", encoding="utf-8")
    with pytest.raises(ImvoError, match="not an Open Supply Hub facilities download: no column os_id"):
        list(read_gazetteer(path, []))
    with pytest.raises(ImvoError, match="file not found"):
        list(read_gazetteer(tmp_path / "missing.csv", []))


def test_same_input_same_result(sample_suppliers, planted):
    path, _ = planted
    assert match_suppliers(sample_suppliers, path).to_dict() == \
        match_suppliers(list(reversed(sample_suppliers)), path).to_dict()


def test_attachments_ride_on_the_chain_map_for_json_and_exports(planted):
    from imvo_cli.ingest.headers import canonical_field
    from imvo_cli.mapping import read_and_map
    from imvo_cli.osh import ANNOTATED_HEADERS, attach_to_chain_map, attachment_cells, chain_map_attachment

    path, truth = planted
    chain_map = read_and_map(SAMPLE / "suppliers.xlsx")
    result = attach_to_chain_map(chain_map, path)
    attached = {sid for sid in chain_map.suppliers if chain_map_attachment(chain_map, sid)}
    assert attached == {m.supplier_id for m in result.matches if m.os_id}
    sid = min(attached)
    att = chain_map_attachment(chain_map, sid)
    assert att.os_id == truth[sid] and att.source == "osh-match" and 0 < att.score <= 1
    assert attachment_cells(att) == [att.os_id, "osh-match"]
    assert attachment_cells(None) == [None, None]
    # The export's added headers must never read back as an input field.
    assert all(canonical_field(h) is None for h in ANNOTATED_HEADERS)


def test_write_osh_upload_takes_a_map_or_a_sector_list(tmp_path):
    from imvo_cli.aggregate import aggregate
    from imvo_cli.export.osh_upload import upload_messages, write_osh_upload
    from imvo_cli.mapping import read_and_map

    up = write_osh_upload(read_and_map(SAMPLE / "suppliers.xlsx"), tmp_path / "m.csv")
    assert len(up.rows) == 78 and up.rejected
    lines = upload_messages(up, tmp_path / "m.csv")
    assert "78 of 79 production locations" in lines[0]
    assert any("row 58" in line and "no address" in line for line in lines[1:])
    sector = aggregate([SAMPLE / "members"], public=True)
    up = write_osh_upload(sector, tmp_path / "s.xlsx")
    assert up.public and len(up.rows) + len(up.rejected) == len(sector.facilities)
    assert len(read_suppliers(tmp_path / "s.xlsx").suppliers) == len(up.rows)


def test_a_workbook_download_is_read_too(tmp_path):
    from conftest import write_xlsx

    good = oid("PK", 12)
    path = write_xlsx(tmp_path / "d.xlsx", [HEADERS, [good, "2024-01-02", "Kirthar Apparel", "Plot 21, Sundar",
                                                     "PK", "Pakistan", 31.4, 74.2, "Apparel", "x",
                                                     "", "", "", "", "", "", "True"]])
    [fac] = list(read_gazetteer(path, []))
    assert (fac.os_id, fac.country, fac.lat, fac.is_closed) == (good, "PK", 31.4, True)


def test_a_same_decision_attaches_a_facility_the_matcher_would_not_propose(tmp_path):
    far = oid("TR", 13)
    download = write_download(tmp_path / "d.csv", [
        {"os_id": far, "name": "Kuzey Tekstil", "address": "OSB 4. Cadde No: 9, Bursa",
         "country_code": "TR"}])
    s = sup("S1", "Ege Giyim San. ve Tic. A.Ş.", "TR", "Atatürk OSB 10003 Sokak No: 412")
    assert match_suppliers([s], download).matches[0].status == "none"
    key = match_suppliers([s], download).matches[0].record_id
    m = match_suppliers([s], download, decisions={frozenset((key, far)): "same"}).matches[0]
    assert (m.status, m.os_id, m.source, m.osh_name) == ("matched", far, "decision", "Kuzey Tekstil")


def test_download_text_is_cleaned_of_control_characters(tmp_path):
    path = write_download(tmp_path / "d.csv", [
        {"os_id": oid("CN", 14), "name": "Evil\x1b[31m Mill\x07", "address": "Road\x00 1",
         "country_code": "CN"}])
    [fac] = list(read_gazetteer(path, []))
    assert "\x1b" not in fac.name and "\x07" not in fac.name and "\x00" not in fac.address


@pytest.mark.parametrize("delimiter, encoding", [
    (";", "utf-8"),    # re-saved by a Dutch spreadsheet program
    (",", "cp1252"),   # re-saved in the Western encoding: accents must survive
    ("\t", "utf-16"),  # "Unicode text" export
])
def test_regression_a_download_saved_again_reads_the_same(tmp_path, delimiter, encoding):
    """Regression: a download with semicolons, in cp1252 or UTF-16 lost every facility (no
    os_id column) or turned accented names into U+FFFD and missed their matches."""
    rows = [["os_id", "name", "address", "country_code"],
            [oid("PT", 21), "Confecções Silva Pinto, Lda.", "Rua da Fábrica 12, Guimarães", "PT"],
            [oid("TR", 22), "Ege Giyim Çorlu", "Atatürk Cad. 5; Çorlu", "TR"]]
    text = "\r\n".join(delimiter.join(f'"{c}"' if delimiter in c or "," in c or ";" in c else c
                                       for c in r) for r in rows)
    path = tmp_path / "d.csv"
    path.write_bytes(text.encode(encoding))
    issues: list = []
    got = [[f.os_id, f.name, f.address, f.country] for f in read_gazetteer(path, issues)]
    assert got == rows[1:] and issues == []


def test_regression_a_download_with_a_header_only_is_an_error(tmp_path):
    """Regression: a header-only download matched nothing and exited 0 ("79 not found")."""
    path = write_download(tmp_path / "d.csv", [])
    with pytest.raises(ImvoError, match="header but no facilities"):
        list(read_gazetteer(path, []))


# --- bad downloads: a clear error or a warning with the row, never a silent empty result ---

def _issues_of(path: Path, countries=None) -> tuple[list, list, GazetteerStats]:
    issues: list = []
    stats = GazetteerStats(str(path))
    facilities = list(read_gazetteer(path, issues, stats, countries=countries))
    return facilities, issues, stats


@pytest.mark.parametrize("countries", [None, {"NL"}])
def test_regression_invalid_os_ids_everywhere_are_an_error_not_zero_facilities(tmp_path, countries):
    """Regression: a download whose OS IDs were all invalid (another file, shifted columns)
    read as 0 facilities and every supplier came back "not found", exit 0. The first rows are
    checked in every country, so a list in other countries hears it too."""
    path = write_download(tmp_path / "d.csv", [
        {"os_id": "XX123", "name": "Mingda Clothing", "address": "No. 4 Road", "country_code": "CN"},
        {"os_id": "12345", "name": "Dhaka Knit", "address": "Plot 12", "country_code": "BD"}])
    with pytest.raises(ImvoError) as exc:
        _issues_of(path, countries)
    err = exc.value
    assert (err.code, err.row, err.column) == ("osh-download-unusable", 2, "os_id")
    assert "'XX123' is not an Open Supply Hub ID" in err.message and "CN2019303BQ3FZP" in err.hint


def test_a_download_with_only_unknown_countries_is_an_error(tmp_path):
    path = write_download(tmp_path / "d.csv", [
        {"os_id": oid("CN", 30), "name": "Mingda", "address": "Road 1", "country_code": "ZZ"},
        {"os_id": oid("CN", 31), "name": "Other", "address": "Road 2", "country_code": "Q1"}])
    with pytest.raises(ImvoError) as exc:
        _issues_of(path)
    assert (exc.value.code, exc.value.row, exc.value.column) == \
        ("osh-download-unusable", 2, "country_code")


def test_an_upload_list_passed_as_download_says_so(tmp_path):
    path = tmp_path / "upload.csv"
    path.write_text("country,name,address\nCN,Mingda,Road 1\n", encoding="utf-8")
    with pytest.raises(ImvoError, match="columns are those of an upload list"):
        _issues_of(path)


def test_some_bad_rows_are_warned_with_their_rows_and_counted(tmp_path):
    good = [{"os_id": oid("IN", 40 + i), "name": f"Mill {i}", "address": "Road", "country_code": "IN"}
            for i in range(3)]
    path = write_download(tmp_path / "d.csv", [*good, {"os_id": "IN2019", "name": "Short Id",
                                                       "country_code": "IN"}])
    facilities, issues, stats = _issues_of(path)
    assert len(facilities) == 3 and stats.bad_rows == 1
    assert [(i.code, i.row, i.column) for i in issues] == [
        ("osh-download-os-id", 5, "os_id"), ("osh-download-rows-left-out", None, None)]
    assert "1 of 4 rows" in issues[-1].message


@pytest.mark.parametrize("value, closed", [
    ("True", True), ("TRUE", True), (" true ", True), ("WAAR", True), ("1", True), ("yes", True),
    ("False", False), ("FALSE", False), ("ONWAAR", False), ("0", False), ("", False)])
def test_closed_flags_in_the_spellings_spreadsheets_save(tmp_path, value, closed):
    path = write_download(tmp_path / "d.csv", [
        {"os_id": oid("BD", 50), "name": "Mill", "country_code": "BD", "is_closed": value}])
    [fac], issues, _ = _issues_of(path)
    assert fac.is_closed is closed and issues == []


def test_an_unreadable_closed_flag_is_open_with_a_warning(tmp_path):
    path = write_download(tmp_path / "d.csv", [
        {"os_id": oid("BD", 51), "name": "Mill", "country_code": "BD", "is_closed": "2021-04"},
        {"os_id": oid("BD", 52), "name": "Mill 2", "country_code": "BD", "is_closed": "maybe"}])
    facilities, issues, _ = _issues_of(path)
    assert [f.is_closed for f in facilities] == [False, False]
    [w] = issues
    assert (w.code, w.row, w.column) == ("osh-download-closed-value", 2, "is_closed")
    assert "'2021-04'" in w.message and "'maybe'" in w.message


def test_regression_a_repeated_os_id_does_not_turn_a_sure_match_into_review(tmp_path):
    """Regression: the same facility twice (a download joined to itself) was its own rival:
    the supplier went to review against two copies of one OS ID."""
    fid = oid("BD", 53)
    fac = {"os_id": fid, "name": "Madhumati Apparels Limited",
           "address": "Plot 270, Kanchpur, Sonargaon, Narayanganj", "country_code": "BD"}
    download = write_download(tmp_path / "d.csv", [fac, fac])
    result = match_suppliers([sup("S1", "Madhumati Apparels Ltd.", "BD",
                                  "Plot 270, Kanchpur, Sonargaon", "Narayanganj")], download)
    assert (result.matches[0].status, result.matches[0].os_id) == ("matched", fid)
    [dup] = [i for i in result.issues if i.code == "osh-download-duplicate-id"]
    assert dup.row == 3 and "first in row 2" in dup.message and dup.column == "os_id"
    assert result.summary()["download_duplicates"] == 1


def test_regression_a_cell_over_the_csv_limit_is_an_input_error(tmp_path):
    """Regression: a cell over 128 KiB (an unbalanced quote) stopped osh-match as an internal
    error (exit 70), or, after a CSV list had raised the csv module's limit, swallowed every
    row after it."""
    import csv

    csv.field_size_limit(1 << 29)  # as reading a CSV supplier list leaves it
    path = tmp_path / "d.csv"
    path.write_text(f"os_id,name,address,country_code\n{oid('CN', 54)},Mill,\"{'x' * 140_000},CN\n",
                    encoding="utf-8")
    with pytest.raises(ImvoError) as exc:
        _issues_of(path)
    assert exc.value.code == "osh-download-csv" and exc.value.row == 2
    assert "unbalanced double quote" in exc.value.hint


def test_nul_bytes_in_a_download_are_dropped(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(f"os_id,name,address,country_code\n{oid('CN', 55)},Min\0gda,Road,CN\n".encode())
    [fac], issues, _ = _issues_of(path)
    assert fac.name == "Mingda" and issues == []
