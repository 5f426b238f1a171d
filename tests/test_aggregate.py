"""The aggregate library: members, facilities, every row accounted for, public version, ids."""

import csv
import json
from pathlib import Path

import pytest

from imvo_cli.aggregate import MemberSummary, aggregate, disclosure_score, member_files
from imvo_cli.match.ids import read_previous
from imvo_cli.report.jsonout import dumps

HEADER = ["ID", "Name", "Address", "City", "Country", "Tier", "Supplies to", "Process",
          "Purchase share", "OS ID"]

# Three members; "Qianrun" and "Weijie" recur with other spellings, one row lacks a country.
ALPHA = [
    ["A1", "Shanghai Qianrun Garments Co.,Ltd", "NO. 233 Lane 1888, Daye Road, Wuqiao Industrial Zone", "Shanghai", "China", "1", "", "sewing", "40%", ""],
    ["A2", "Shanghai Weijie Garment Co. Ltd", "1228 Huiping Road, Nanxiang", "Shanghai", "China", "1", "", "sewing", "30%", ""],
    ["A3", "Ningbo Dyeing Mill", "8 Harbour Road", "Ningbo", "China", "2", "A1", "dyeing", "", ""],
    ["A4", "Nameless Country Ltd", "1 Nowhere Street", "Nowhere", "", "1", "", "", "", ""],
]
BETA = [
    ["B1", "SHANGHAI QIANRUN GARMENTS CO., LTD", "No.233, Lane1888, Daye Road, WuQiao Industrial Zone", "Shanghai", "CN", "1", "", "sewing", "10%", ""],
    ["B2", "Dhaka Knit Composite Ltd", "Plot 12, BSCIC Industrial Estate", "Gazipur", "Bangladesh", "1", "", "knitting", "", ""],
]
GAMMA = [
    ["C1", "Shanghai Weijie Garment Co., Ltd.", "No. 1228, Huiping Road, Nanxiang Town", "Shanghai", "China", "1", "", "", "", ""],
    ["C2", "Shanghai Qianrun Garments", "233 Lane 1888 Daye Road", "Shanghai", "China", "1", "", "", "", ""],
]


def write_member(path, rows, company=None):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if company:
            w.writerow(["Company:", company])
        w.writerow(HEADER)
        w.writerows(rows)
    return path


@pytest.fixture
def members(tmp_path):
    folder = tmp_path / "members"
    folder.mkdir()
    write_member(folder / "alpha.csv", ALPHA, company="Alpha Fashion B.V.")
    write_member(folder / "beta.csv", BETA)
    write_member(folder / "gamma.csv", GAMMA)
    (folder / "~$alpha.csv").write_text("lock file")
    (folder / ".hidden.csv").write_text("name,country\nx,NL\n")
    return folder


def test_member_files_skip_lock_and_hidden_files(members):
    assert [p.name for p in member_files([members])] == ["alpha.csv", "beta.csv", "gamma.csv"]


def test_every_row_ends_in_one_facility_or_an_error(members):
    result = aggregate([members])
    seen = [(r.file, r.row) for f in result.facilities for r in f.records]
    assert len(seen) == len(set(seen))
    errors = {(i.file, i.row) for i in result.issues if i.severity == "error"}
    for m in result.members:
        mine = [row for file, row in seen if file == m.file]
        assert len(mine) + m.rejected_rows + m.example_rows == m.rows
    assert any(i.code == "missing-country" for i in result.issues)
    assert not set(seen) & errors


def test_members_and_shared_facilities(members):
    result = aggregate([members])
    assert [m.member for m in result.members] == ["Alpha Fashion B.V.", "beta", "gamma"]
    shared = result.shared
    assert [f.member_count for f in shared] == [3, 2]
    qianrun = shared[0]
    assert qianrun.name.casefold().startswith("shanghai qianrun")
    assert qianrun.members == ["Alpha Fashion B.V.", "beta", "gamma"]
    assert qianrun.purchase_shares == {"Alpha Fashion B.V.": 0.4, "beta": 0.1}
    assert qianrun.matches and all({"name", "address", "city", "os_id"} == set(m["fields"])
                                   for m in qianrun.matches)
    assert len(result.facilities) == 4  # qianrun, weijie, ningbo mill, dhaka knit


def test_member_disclosure_figures(members):
    alpha = aggregate([members]).members[0]
    assert alpha.rows == 4 and alpha.suppliers == 3 and alpha.rejected_rows == 1
    assert alpha.tiers_disclosed == [1, 2]
    assert alpha.beyond_tier1_share == pytest.approx(1 / 3, abs=0.001)
    assert alpha.address_completeness == 1.0
    assert alpha.disclosure_score == disclosure_score(alpha) == round(100 * (0.4 + 0.3 * 2 / 3 + 0.2))


def test_disclosure_score_formula():
    m = MemberSummary("m", "f", True, suppliers=10, tiers_disclosed=[1, 2, 3, 4],
                      address_completeness=0.5, activity_share=1.0, identifier_share=0.5)
    assert disclosure_score(m) == 75  # 20 + 30 + 20 + 5


def test_unreadable_file_is_an_issue_not_an_abort(members):
    (members / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    result = aggregate([members])
    assert result.unreadable == [str(members / "broken.xlsx")]
    assert any(i.file == str(members / "broken.xlsx") and i.severity == "error" for i in result.issues)
    assert len(result.facilities) == 4


def test_public_version_names_no_member(members):
    doc = aggregate([members], public=True).to_dict()
    text = dumps(doc)
    for secret in ("Alpha Fashion", "beta", "gamma", "alpha.csv", "purchase_share"):
        assert secret not in text
    assert doc["members"] == [] and doc["review"] == []
    assert all("records" not in f and "members" not in f for f in doc["facilities"])
    assert max(f["member_count"] for f in doc["facilities"]) == 3


def test_ids_do_not_depend_on_input_order(members):
    files = member_files([members])
    a = {f.facility_id: sorted(f.record_ids) for f in aggregate(files).facilities}
    b = {f.facility_id: sorted(f.record_ids) for f in aggregate(files[::-1]).facilities}
    assert a == b
    assert dumps(aggregate([members]).to_dict()) == dumps(aggregate([members]).to_dict())


def test_previous_output_keeps_ids_when_a_new_spelling_arrives(members, tmp_path):
    first = aggregate([members])
    prev_path = tmp_path / "sector.json"
    prev_path.write_text(dumps(first.to_dict()))
    weijie_id = next(f.facility_id for f in first.facilities if "Weijie" in f.name)
    # A new member spells Weijie so that its record id sorts first: without --previous the
    # content-derived id would change.
    newcomer = write_member(members / "delta.csv", [["D1", "Shanghai Weijie Garment Company",
                                                      "1228 Huiping Rd, Nanxiang Town", "Shanghai", "China", "1", "", "", "", ""]])
    prev = read_previous(prev_path)
    second = aggregate([members], previous=prev)
    weijie = next(f for f in second.facilities if "delta" in f.members)
    assert weijie.facility_id == weijie_id and len(weijie.members) == 3
    assert {f.facility_id for f in first.facilities} == {f.facility_id for f in second.facilities}
    newcomer.unlink()


def test_to_dict_shape(members):
    doc = json.loads(dumps(aggregate([members]).to_dict()))
    assert doc["schema"] == "imvo.aggregate/1"
    assert {"member", "file", "rows", "facilities"} <= set(doc["members"][0])
    f = doc["facilities"][0]
    assert {"facility_id", "name", "country", "members", "records", "risk"} <= set(f)
    assert {"member", "file", "row"} <= set(f["records"][0])
    assert doc["summary"]["records"] + doc["summary"]["rejected_rows"] == doc["summary"]["rows"]


@pytest.mark.parametrize("public", [False, True])
def test_streamed_json_is_the_same_bytes_as_the_whole_document(members, public):
    """aggregate --format json writes its long lists item by item: same bytes as dumps()."""
    from imvo_cli.report.jsonout import Streamed, dumps_chunks

    result = aggregate([members], public=public)
    assert "".join(dumps_chunks(result.to_dict(streamed=True))) == dumps(result.to_dict())
    odd = {"a": Streamed(lambda: iter(())), "b": [], "c": {}, "d": Streamed(lambda: [{"x": [1, {}]}, "s\n"])}
    plain = {"a": [], "b": [], "c": {}, "d": [{"x": [1, {}]}, "s\n"]}
    assert "".join(dumps_chunks(odd)) == dumps(plain)
    assert "".join(dumps_chunks({})) == dumps({})
    nested = {"files": [{"n": 1, "issues": Streamed(lambda: [{"a": 1}, {"b": {"c": []}}])},
                        {"issues": Streamed(lambda: [])}], "top": {"inner": Streamed(lambda: [[1, 2]])}}
    flat = {"files": [{"n": 1, "issues": [{"a": 1}, {"b": {"c": []}}]}, {"issues": []}],
            "top": {"inner": [[1, 2]]}}
    streamed_items = {"files": Streamed(lambda: iter(nested["files"])), "top": nested["top"]}
    assert "".join(dumps_chunks(streamed_items)) == dumps(flat)


# ---- the fast paths build what the general ones do (Performance II) ----------------------

def _located(folders):
    from imvo_cli import aggregate as agg
    from imvo_cli.policy import Policy
    from imvo_cli.risk import load_profile

    policy = Policy()
    read = agg.read_members(agg.member_files(folders), policy)
    return agg.locations(read.lists), load_profile(policy.sector), policy


def test_a_one_record_facility_is_what_the_group_path_builds(members):
    from datetime import date

    from imvo_cli import aggregate as agg

    sample = Path(__file__).resolve().parents[1] / "sample_data" / "members" / "kustlicht-fashion.csv"
    located, profile, policy = _located([members, sample])
    day = date(2026, 1, 5)
    shared = agg._SharedParts()
    assert len(located.records) > 20
    with_share = 0
    for i in range(len(located.records)):
        one = agg._single(i, "F0000000001", located, profile, policy, day, shared)
        group = agg._merged([i], "F0000000001", [], located, profile, policy, day,
                            agg._SharedParts())
        assert one == group, located.records[i].name
        with_share += bool(one.purchase_shares)
    assert with_share  # the share arithmetic was exercised


def test_shared_theme_and_evidence_dicts_are_each_facilitys_own_containers(members):
    from datetime import date

    from imvo_cli import aggregate as agg
    from imvo_cli.risk import assess_supplier

    located, profile, policy = _located([members])
    owner = located.owners[0][1]
    shared = agg._SharedParts()
    first, second = (assess_supplier(owner, profile, policy, date(2026, 1, 5),
                                     located.columns_of[0]) for _ in range(2))
    themes = [shared.themes(first), shared.themes(second)]
    evidence = [shared.evidence(first), shared.evidence(second)]
    assert themes[0] == themes[1] == first.theme_levels() and themes[0] is not themes[1]
    assert evidence[0] == evidence[1] and evidence[0] is not evidence[1]
    assert evidence[0] == [ev.to_dict(agg.evidence_id(k)) for k, ev in enumerate(first.evidence)]
    themes[0]["extra"] = "high"
    assert "extra" not in shared.themes(first)


def test_country_rows_rank_levels_as_the_model_does(members):
    from imvo_cli.aggregate import country_rows
    from imvo_cli.model import at_least, worst

    facilities = aggregate([members]).facilities
    odd = ["critical", "HIGH", "", "medium", "unknown", "low", "high", "no-such-level"]
    for k, f in enumerate(facilities):
        f.country = "CN"
        f.themes = {"forced_labour": odd[k % len(odd)], "wages": odd[(k + 3) % len(odd)]}
    themes = ("forced_labour", "wages", "missing_theme")
    (row,) = country_rows(facilities, themes)
    for t in themes:
        levels = [f.themes.get(t, "unknown") for f in facilities]
        assert row.themes[t] == {"worst": worst(levels),
                                 "high_or_worse": sum(at_least(lvl, "high") for lvl in levels)}
    assert row.themes["forced_labour"]["worst"] == "critical"


def test_high_themes_labels_each_profile_as_before():
    from imvo_cli.export.sector import _high_themes
    from imvo_cli.i18n import label
    from imvo_cli.model import at_least

    for lang in ("en", "nl"):
        for themes in ({"wages": "high", "forced_labour": "critical", "child_labour": "low"},
                       {"wages": "unknown"}, {}, {"wages": "HIGH", "forced_labour": "medium"}):
            expected = ", ".join(label("theme", k, lang) for k, lvl in sorted(themes.items())
                                 if at_least(lvl, "high"))
            assert _high_themes(themes, lang) == expected
            assert _high_themes(dict(reversed(themes.items())), lang) == expected


def test_list_cells_joined_in_the_rows_are_written_as_the_writer_joins_lists(tmp_path):
    import zipfile

    from openpyxl import Workbook

    from imvo_cli.export.sector import _joined
    from imvo_cli.export.xlsx import add_streamed_table, save_workbook

    values = [["a<b & c", "d\x01e", "=SUM(A1)"], [], ["x\ufffey"], ["plain"]]
    parts = []
    for rows in ([[v] for v in values], [[_joined(v)] for v in values]):
        wb = Workbook()
        wb.remove(wb.active)
        add_streamed_table(wb, "s", ["h"], rows, widths=[10])
        out = tmp_path / f"{len(parts)}.xlsx"
        save_workbook(wb, out)
        with zipfile.ZipFile(out) as z:
            parts.append(z.read("xl/worksheets/sheet1.xml"))
    assert parts[0] == parts[1]
    assert b"a&lt;b &amp; c | de | =SUM(A1)" in parts[0]


def test_a_previous_output_from_before_the_city_counted_keeps_its_ids(members, tmp_path):
    """Older outputs hash record ids without the city: their facility ids still carry over."""
    from imvo_cli.aggregate import locations, read_members
    from imvo_cli.match.records import legacy_key
    from imvo_cli.policy import Policy
    first = aggregate([members])
    located = locations(read_members(member_files([members]), Policy()).lists)
    old = {r.key: legacy_key(r) for r in located.records}
    assert any(k != v for k, v in old.items())  # the lists have cities
    doc = json.loads(dumps(first.to_dict()))
    for fac in doc["facilities"]:
        fac["record_ids"] = [old[k] for k in fac["record_ids"]]
        for rec in fac.get("records", []):
            rec["record_id"] = old[rec["record_id"]]
    prev_path = tmp_path / "sector.json"
    prev_path.write_text(json.dumps(doc))
    weijie_id = next(f.facility_id for f in first.facilities if "Weijie" in f.name)
    newcomer = write_member(members / "delta.csv", [["D1", "Shanghai Weijie Garment Company",
                                                      "1228 Huiping Rd, Nanxiang Town", "Shanghai", "China", "1", "", "", "", ""]])
    second = aggregate([members], previous=read_previous(prev_path))
    assert next(f for f in second.facilities if "delta" in f.members).facility_id == weijie_id
    assert {f.facility_id for f in first.facilities} == {f.facility_id for f in second.facilities}
    newcomer.unlink()


def test_facility_ids_are_hashed_as_before_the_city_counted(members):
    from imvo_cli.match.ids import fresh_id
    result = aggregate([members])
    from imvo_cli.aggregate import locations, read_members
    from imvo_cli.match.records import legacy_key
    from imvo_cli.policy import Policy
    located = locations(read_members(member_files([members]), Policy()).lists)
    old = {r.key: legacy_key(r) for r in located.records}
    for f in result.facilities:
        assert f.facility_id == fresh_id([old[k] for k in f.record_ids])


def test_two_towns_get_two_facility_ids(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    row = ["S1", "Star Garments Ltd", "Plot 12, Industrial Road", "Gazipur", "Bangladesh", "1", "", "", "", ""]
    write_member(folder / "a.csv", [row])
    write_member(folder / "b.csv", [[*row[:3], "Chittagong", *row[4:]]])
    result = aggregate([folder])
    assert len(result.facilities) == 2 and len(result.review) == 1
    assert len({f.facility_id for f in result.facilities}) == 2
    again = aggregate([folder])
    assert [f.facility_id for f in again.facilities] == [f.facility_id for f in result.facilities]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_sector_workbook_member_shares_are_percentages(members, tmp_path, lang):
    """Regression: the Members sheet showed 'share beyond tier 1' and address completeness
    as fractions (0.333); they are percentages now, the value still the number."""
    from openpyxl import load_workbook

    from imvo_cli.export.sector import write_sector_workbook
    from imvo_cli.i18n import t

    result = aggregate([members])
    out = tmp_path / "sector.xlsx"
    write_sector_workbook(result, out, lang=lang)
    ws = load_workbook(out)[t("sheet.members", lang)]
    head = [c.value for c in ws[1]]
    alpha = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Alpha Fashion B.V.")
    for key in ("share_beyond_tier1", "address_completeness_title"):
        cell = alpha[head.index(t(f"column.{key}", lang))]
        assert cell.number_format == "0.0%" and 0 < cell.value <= 1, key
    counts = alpha[head.index(t("column.facilities", lang))]
    assert counts.number_format == "General" and counts.value == 3  # the row without a country is rejected
