"""imvo diff as a library: the year-2 sample reports exactly the changes it was built with."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pytest
from conftest import SAMPLE, load_sample_generator

from imvo_cli.diff import ListDiff, compare_risk, diff_lists, diff_sector
from imvo_cli.model import Flag, RiskAssessment, ThemeRisk
from imvo_cli.policy import Policy

AS_OF = date(2025, 6, 30)
OLD, NEW = SAMPLE / "suppliers.xlsx", SAMPLE / "year2" / "suppliers.xlsx"


@pytest.fixture(scope="module")
def gen():
    return load_sample_generator()


@pytest.fixture(scope="module")
def result() -> ListDiff:
    return diff_lists(OLD, NEW, as_of=AS_OF)


def _by_id(gen):
    return {r["id"]: r for r in gen.brand_rows() if r is not None}


def _entry(result, name):
    hits = [e for e in result.entries if name in {s.name for s in (e.old, e.new) if s}]
    assert len(hits) == 1, name
    return hits[0]


def test_new_and_gone_are_the_planted_ones(result, gen):
    rows = _by_id(gen)
    assert {e.name for e in result.of_status("new")} == {r["name"] for r in gen.YEAR2_NEW}
    assert {e.name for e in result.of_status("gone")} == {rows[i]["name"] for i in gen.YEAR2_GONE}
    assert not result.of_status("merged") and not result.of_status("split")


def test_renamed_moved_and_reaudited_exactly(result, gen):
    rows = _by_id(gen)
    changed = {e.name: [(c.field, c.old, c.new) for c in e.changes]
               for e in result.entries if e.changes}
    (sid, new_name), = gen.YEAR2_RENAMED.items()
    assert changed.pop(new_name) == [("name", rows[sid]["name"], new_name)]
    (sid, moved), = gen.YEAR2_MOVED.items()
    [(fld, old, new)] = changed.pop(rows[sid]["name"])
    assert fld == "address" and old.startswith(rows[sid]["address"])
    assert new == f"{moved['address']}, {moved['postal_code']} {moved['city']}"
    for sid, (standard, when, res) in gen.YEAR2_REAUDITED.items():
        [(fld, old, new)] = changed.pop(rows[sid]["name"])
        assert fld == "audit" and new == f"{standard} {when.isoformat()} {res}"
    assert changed == {}  # nothing else changed
    # the renamed and the moved supplier were joined by the company's own supplier id
    assert result.summary["counts"]["matched_by_supplier_id"] == 2


def test_a_failed_audit_replaced_lowers_the_risk_with_its_evidence(result, gen):
    e = _entry(result, _by_id(gen)["V1003"]["name"])  # audit 'Failed' in 2024
    assert e.risk is not None and e.risk.themes
    assert any(t.direction == "down" for t in e.risk.themes)
    removed = {x for t in e.risk.themes for x in t.evidence_removed}
    assert any("Failed" in x for x in removed)
    assert not any(t.direction == "up" for t in e.risk.themes)


def test_only_the_planted_suppliers_change_at_all(result, gen):
    kinds = Counter(e.kind for e in result.entries)
    assert kinds["unchanged"] == result.summary["counts"]["kept"] - 4
    assert sum(1 for e in result.entries if e.kind != "unchanged") == 8


def test_disengagement_is_the_gone_critical_supplier(result, gen):
    gone_critical = _by_id(gen)[gen.YEAR2_GONE[0]]["name"]
    assert [e.name for e in result.disengagements] == [gone_critical]
    assert result.disengagements[0].old.level in ("high", "critical")
    # what changed comes first, worst first: the high-risk exit and the new high-risk supplier
    assert gone_critical in [e.name for e in result.entries[:2]]
    assert all(e.kind != "unchanged" for e in result.entries[:2])
    assert result.exit_code == 0 and result.policy_reasons == []


def test_exit_reason_required_by_policy(tmp_path, gen):
    strict = Policy(require_exit_reason=True)
    missing = diff_lists(OLD, NEW, as_of=AS_OF, policy=strict)
    assert missing.exit_code == 1 and "without an exit reason" in missing.policy_reasons[0]
    # last year's list with an exit reason column filled for the exited supplier
    rows = gen.brand_rows()
    for r in rows:
        if r is not None and r["id"] == gen.YEAR2_GONE[0]:
            r["exit"] = "Orders phased out over 6 months with the union; remediation fund paid"
    headers = {**gen.EN_HEADERS, "exit": "Exit reason"}
    old = gen.write_xlsx(rows, tmp_path / "2024.xlsx", headers=headers, above=[["Company:", gen.BRAND], []])
    explained = diff_lists(old, NEW, as_of=AS_OF, policy=strict)
    assert explained.exit_code == 0
    assert explained.disengagements[0].exit_reason.startswith("Orders phased out")


def test_every_row_of_both_years_is_accounted_for(result):
    for side in ("old", "new"):
        counts = result.rows[side]
        covered = [r for e in result.entries for s in [getattr(e, side)] if s for r in s.rows]
        assert len(covered) == len(set(covered)) == counts["in_suppliers"]
        assert counts["in_suppliers"] + counts["rejected"] + counts["examples"] == counts["rows"]
        rejected = {i.row for i in result.issues[side] if i.severity == "error"}
        assert not rejected & set(covered) and len(rejected) == counts["rejected"]


def test_a_decision_overrides_the_supplier_id_rule(gen):
    plain = diff_lists(OLD, NEW, as_of=AS_OF)
    renamed = _entry(plain, gen.YEAR2_RENAMED["V1044"])
    pair = frozenset((renamed.old.record_id, renamed.new.record_id))
    split = diff_lists(OLD, NEW, as_of=AS_OF, decisions={pair: "different"})
    assert {e.status for e in split.entries
            if {s.record_id for s in (e.old, e.new) if s} & set(pair)} == {"new", "gone"}
    assert split.summary["counts"]["decisions_applied"] == 1


def test_deterministic_json(result):
    again = diff_lists(OLD, NEW, as_of=AS_OF)
    assert json.dumps(again.to_dict(), sort_keys=False, default=str) == \
        json.dumps(result.to_dict(), sort_keys=False, default=str)


@dataclass
class _Theme:
    theme: str
    level: str
    inherent_level: str
    score: int | None = None
    reasons: list = field(default_factory=list)


def test_compare_risk_reads_inherent_levels_when_the_model_has_them():
    flag = Flag("forced_labour", "high", "dol-list", "DOL list: Cotton", "US DOL 2024")
    old = RiskAssessment("high", 60, {"forced_labour": _Theme("forced_labour", "high", "critical")}, [flag])
    new = RiskAssessment("medium", 30, {"forced_labour": _Theme("forced_labour", "medium", "critical")}, [])
    change = compare_risk(old, new)
    [t] = change.themes
    assert (t.old_level, t.new_level, t.direction) == ("high", "medium", "down")
    assert (t.old_inherent, t.new_inherent) == ("critical", "critical")
    assert t.evidence_removed == ["dol-list: DOL list: Cotton [US DOL 2024]"] and t.evidence_added == []
    same = compare_risk(old, old)
    assert same.themes == [] and same.direction == "same"
    plain = RiskAssessment("low", 1, {"x": ThemeRisk("x", "low", 1)}, [])
    assert compare_risk(plain, plain).themes[:1] == []


# ---------------------------------------------------------------- sector level


@pytest.fixture(scope="module")
def sector():
    return diff_sector(SAMPLE / "members", SAMPLE / "year2" / "members")


def test_sector_members_not_resubmitted(sector, gen):
    assert [m.member for m in sector.members if m.status == "not resubmitted"] == ["heidebloem-kids"]
    assert {m.status for m in sector.members} == {"not resubmitted", "resubmitted"}
    assert all(m.old_score is not None for m in sector.members)
    kept = [m for m in sector.members if m.status == "resubmitted"]
    assert len(kept) == 7 and all(m.new_score is not None for m in kept)


def test_sector_new_gone_and_shared_match_the_generator(sector, gen):
    year1 = gen.member_lists(8, 480, 0.2, seed=8)
    year2, _ = gen.member_lists_year2(year1)
    before = {k for m in year1 for k in m.facilities}
    after = {k for m in year2 for k in m.facilities}
    c = sector.summary["counts"]
    assert {f.name for f in sector.facilities if f.status == "new"} == \
        {r["name"] for rows in gen.YEAR2_NEW_MEMBER_ROWS.values() for r in rows}
    assert c["new"] == len(after - before)
    assert c["gone"] == len(before - after)
    gained = [f for f in sector.facilities if f.shared == "gained"]
    assert len(gained) == 1 and gained[0].members_joined == [gen.YEAR2_SHARE[0]]
    count1 = Counter(k for m in year1 for k in set(m.facilities))
    count2 = Counter(k for m in year2 for k in set(m.facilities))
    lost = sum(1 for k in before & after if count1[k] >= 2 > count2[k]) + \
        sum(1 for k in before - after if count1[k] >= 2)
    assert c["shared_lost"] == lost


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Both years aggregated (the second with the first one's ids), as JSON and workbook."""
    from imvo_cli.aggregate import aggregate
    from imvo_cli.export.sector import write_sector_workbook
    from imvo_cli.report.jsonout import dumps

    folder = tmp_path_factory.mktemp("sector")
    first = aggregate([SAMPLE / "members"])
    (folder / "s1.json").write_text(dumps(first.to_dict()), encoding="utf-8")
    second = aggregate([SAMPLE / "year2" / "members"], previous=folder / "s1.json")
    (folder / "s2.json").write_text(dumps(second.to_dict()), encoding="utf-8")
    write_sector_workbook(first, folder / "s1.xlsx")
    write_sector_workbook(second, folder / "s2.xlsx")
    return folder, first, second


def test_sector_outputs_json_and_workbook_agree_with_folders(sector, outputs):
    folder = outputs[0]
    for a, b in (("s1.json", "s2.json"), ("s1.xlsx", "s2.xlsx")):
        d = diff_sector(folder / a, folder / b)
        assert d.summary["counts"] == sector.summary["counts"], a
        assert [(f.facility_id, f.kind) for f in d.facilities] == \
            [(f.facility_id, f.kind) for f in sector.facilities]
        assert [m.to_dict() for m in d.members] == [m.to_dict() for m in sector.members]


def test_every_row_and_facility_of_both_sector_years_is_accounted_for(outputs):
    folder, first, second = outputs
    d = diff_sector(folder / "s1.json", folder / "s2.json")
    for year, side in ((first, "old"), (second, "new")):
        s = year.summary()
        examples = sum(m.example_rows for m in year.members)
        assert s["records"] + s["rejected_rows"] + examples == s["rows"]
        ids = [getattr(f, side).facility_id for f in d.facilities if getattr(f, side)]
        assert sorted(ids) == sorted(f.facility_id for f in year.facilities)


def test_two_annotated_exports_give_the_same_diff(tmp_path, result):
    from imvo_cli.export.annotated import write_annotated
    from imvo_cli.mapping import read_and_map

    for src, name in ((OLD, "2024.xlsx"), (NEW, "2025.xlsx")):
        write_annotated(read_and_map(src, as_of=AS_OF), tmp_path / name, input_path=src)
    again = diff_lists(tmp_path / "2024.xlsx", tmp_path / "2025.xlsx", as_of=AS_OF)
    assert [(e.kind, e.name, [c.to_dict() for c in e.changes]) for e in again.entries] == \
        [(e.kind, e.name, [c.to_dict() for c in e.changes]) for e in result.entries]


def test_a_list_against_itself_has_no_changes():
    same = diff_lists(OLD, OLD, as_of=AS_OF)
    c = same.summary["counts"]
    assert c["kept"] == c["old_suppliers"] == c["unchanged"] and c["new"] == c["gone"] == 0
    assert same.to_dict()["entries"] == []


def test_two_spellings_listed_one_year_and_one_the_next_are_merged(tmp_path):
    from conftest import write_csv

    header = ["Supplier name", "Address", "City", "Country"]
    old = write_csv(tmp_path / "old.csv", header, [
        ["Meghna Apparels Ltd.", "Plot 4, Dhaka EPZ", "Savar", "Bangladesh"],
        ["Meghna Apparels Limited", "Plot 4, Dhaka EPZ", "Savar", "Bangladesh"]])
    new = write_csv(tmp_path / "new.csv", header, [
        ["Meghna Apparels Ltd.", "Plot 4, Dhaka EPZ", "Savar", "Bangladesh"]])
    d = diff_lists(old, new)
    assert sorted((e.status, (e.old or e.new).name) for e in d.entries) == [
        ("kept", "Meghna Apparels Ltd."), ("merged", "Meghna Apparels Limited")]
    assert d.disengagements == []  # a merged spelling is not an exit
    back = diff_lists(new, old)
    assert sorted(e.status for e in back.entries) == ["kept", "split"]


def test_a_public_sector_output_diffs_by_member_counts(tmp_path, outputs):
    from dataclasses import replace

    from imvo_cli.report.jsonout import dumps

    _, first, second = outputs
    for year, name in ((first, "p1.json"), (second, "p2.json")):
        (tmp_path / name).write_text(dumps(replace(year, public=True).to_dict()), encoding="utf-8")
    d = diff_sector(tmp_path / "p1.json", tmp_path / "p2.json")
    assert d.members == [] and d.summary["public"] == {"old": True, "new": True}
    assert d.summary["counts"]["new"] == 2 and d.summary["counts"]["shared_gained"] == 1
    text = json.dumps(d.to_dict(), ensure_ascii=False)
    assert "Grachtgoed" not in text and "heidebloem" not in text  # no member named


def test_compare_risk_reads_evidence_items_and_priority_of_the_new_model():
    from types import SimpleNamespace as NS

    def assessment(level, theme_level, ids, priority):
        items = [NS(id="E1", text="DOL list: Cotton", source="US DOL 2024"),
                 NS(id="E2", text="audit result 'Failed'", source="supplier list")]
        themes = {"forced_labour": NS(level=theme_level, inherent_level="critical", evidence_ids=ids)}
        return NS(level=level, themes=themes, flags=[], evidence=items, priority=priority)

    change = compare_risk(assessment("high", "high", ["E1", "E2"], 1), assessment("medium", "medium", ["E1"], 4))
    [t] = change.themes
    assert t.evidence_removed == ["audit result 'Failed' [supplier list]"] and t.evidence_added == []
    assert (t.old_inherent, t.new_inherent, t.direction) == ("critical", "critical", "down")
    assert (change.old_priority, change.new_priority) == (1, 4)


def test_every_supplier_of_any_two_lists_is_in_exactly_one_entry(tmp_path_factory, gen):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    base = gen.supplier_rows(14, seed=5, company=None)
    folder = tmp_path_factory.mktemp("pairs")

    @settings(max_examples=6, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sets(st.integers(0, 13), min_size=1), st.sets(st.integers(0, 13), min_size=1),
           st.sets(st.integers(0, 13)))
    def check(old_rows, new_rows, renamed):
        new = [dict(base[i], name=base[i]["name"].upper()) if i in renamed else base[i]
               for i in sorted(new_rows)]
        a = gen.write_csv([base[i] for i in sorted(old_rows)], folder / "a.csv")
        b = gen.write_csv(new, folder / "b.csv")
        d = diff_lists(a, b)
        c = d.summary["counts"]
        assert c["kept"] + c["gone"] + c["merged"] == c["old_suppliers"]
        assert c["kept"] + c["new"] + c["split"] == c["new_suppliers"]
        for side in ("old", "new"):
            covered = sorted(r for e in d.entries for s in [getattr(e, side)] if s for r in s.rows)
            assert len(covered) == len(set(covered)) == d.rows[side]["in_suppliers"]
            assert d.rows[side]["in_suppliers"] + d.rows[side]["rejected"] == d.rows[side]["rows"]
        # a row present in both years, spelled the same or only in capitals, is kept
        assert c["kept"] >= len(old_rows & new_rows) - c["merged"] - c["split"]

    check()


def test_regression_a_public_and_a_member_sector_list_do_not_invent_new_members(tmp_path, outputs):
    """Regression: last year's public list against this year's full list said every member
    was new and had joined every facility it lists (the public list names no members)."""
    from dataclasses import replace

    from imvo_cli.diff.text import headline
    from imvo_cli.report.jsonout import dumps

    _, first, second = outputs
    (tmp_path / "p1.json").write_text(dumps(replace(first, public=True).to_dict()), encoding="utf-8")
    (tmp_path / "s2.json").write_text(dumps(second.to_dict()), encoding="utf-8")
    d = diff_sector(tmp_path / "p1.json", tmp_path / "s2.json")
    assert d.summary["members_compared"] is False and d.members == []
    assert d.summary["counts"]["members_new"] == 0
    assert not any(f.members_joined or f.members_left for f in d.facilities)
    assert d.summary["counts"]["new"] == 2 and d.summary["counts"]["gone"] == 40
    assert "members not compared" in headline(d)
    full = diff_sector(tmp_path / "s2.json", tmp_path / "s2.json")
    assert full.summary["members_compared"] is True and "did not resubmit" in headline(full)


def test_regression_a_supplier_moved_abroad_is_named_as_such(tmp_path):
    """Regression: a supplier that kept its supplier id and name but moved its production to
    another country showed as an unrelated gone and new pair."""
    from conftest import write_csv

    header = ["Supplier ID", "Supplier name", "Address", "City", "Country"]
    stay = ["V2", "Confezioni Bianchi S.r.l.", "Via dell'Industria 465", "Carpi", "Italy"]
    old = write_csv(tmp_path / "old.csv", header, [
        ["V1", "Ege Giyim San. ve Tic. A.Ş.", "Atatürk OSB 10003 Sokak No: 412", "Izmir", "Turkey"], stay])
    new = write_csv(tmp_path / "new.csv", header, [
        stay, ["V1", "Ege Giyim San. ve Tic. A.Ş.", "Rua da Fábrica 12", "Porto", "Portugal"],
        ["V3", "Ege Giyim San. ve Tic. A.Ş.", "Calle Mayor 1", "Valencia", "Spain"]])
    d = diff_lists(old, new)
    gone, = d.of_status("gone")
    moved = [e for e in d.of_status("new") if e.relocated]
    assert gone.relocated == "PT" and [(e.country, e.relocated) for e in moved] == [("PT", "TR")]
    by_status = {e["status"]: e for e in d.to_dict()["entries"] if e["relocated"]}
    assert by_status["gone"]["relocated"] == "PT" and by_status["new"]["relocated"] == "TR"
    from imvo_cli.diff.text import change_text
    assert "now listed in PT" in change_text(gone)


def test_regression_dutch_sector_workbooks_diff_like_english_ones(tmp_path, outputs, sector):
    """Regression: a sector workbook written with --lang nl (Productielocaties, Locatie-ID,
    risk levels "hoog") was "not a sector list" for imvo diff."""
    from imvo_cli.diff import is_sector_output
    from imvo_cli.export.sector import write_sector_workbook

    _, first, second = outputs
    write_sector_workbook(first, tmp_path / "n1.xlsx", lang="nl")
    write_sector_workbook(second, tmp_path / "n2.xlsx", lang="nl")
    assert is_sector_output(tmp_path / "n1.xlsx")
    d = diff_sector(tmp_path / "n1.xlsx", tmp_path / "n2.xlsx")
    assert d.summary == sector.summary
    assert [f.to_dict() for f in d.facilities] == [f.to_dict() for f in sector.facilities]
    assert [m.to_dict() for m in d.members] == [m.to_dict() for m in sector.members]


def test_change_texts_speak_the_report_language(result, sector):
    from imvo_cli.diff import change_text, headline, summary_lines
    from imvo_cli.i18n import catalogue

    en_words = {v for k, v in catalogue("en").items() if k.startswith("diff_text.") and "{" not in v}
    for diff in (result, sector):
        nl_rows = [r[0] for r in summary_lines(diff, "nl")]
        assert not set(nl_rows) & en_words, "an English summary label in the Dutch summary"
        assert headline(diff, "nl") != headline(diff, "en")
    gone = next(e for e in result.entries if e.status == "gone")
    assert change_text(gone, "nl").startswith("vervallen (was tier ")
    assert change_text(gone, "en").startswith("gone (was tier ")
    assert "gebleven" in headline(result, "nl") and "kept" in headline(result, "en")


def test_another_spelling_of_a_name_or_address_is_no_change(tmp_path):
    from conftest import write_csv

    header = ["Supplier name", "Address", "City", "Country", "Workers"]
    old = write_csv(tmp_path / "old.csv", header, [
        ["Meghna Apparels Ltd.", "Plot 4, Kashimpur Rd.", "Gazipur", "Bangladesh", "500"]])
    new = write_csv(tmp_path / "new.csv", header, [
        ["MEGHNA APPARELS LIMITED", "Plot 4 Kashimpur Road", "Gazipur", "Bangladesh", "650"]])
    d = diff_lists(old, new)
    (entry,) = d.entries
    assert [c.field for c in entry.changes] == ["workers"]
    renamed = write_csv(tmp_path / "renamed.csv", header, [
        ["Meghna Apparels Two Ltd.", "Plot 4, Kashimpur Rd.", "Gazipur", "Bangladesh", "500"]])
    changed = [c.field for e in diff_lists(old, renamed).entries for c in e.changes]
    assert "name" in changed or len(diff_lists(old, renamed).entries) == 2


def _english_only(*tables: str) -> set[str]:
    """imvo's English texts of these catalogue tables that read differently in Dutch."""
    from imvo_cli.i18n import catalogue

    en, nl = catalogue("en"), catalogue("nl")
    return {v for k, v in en.items() if k.split(".")[0] in tables and "{" not in v and v != nl[k]}


WORKBOOK_TABLES = ("diff_workbook", "diff_direction", "diff_count", "diff_coverage", "diff_field",
                   "diff_shared", "cli_diff_kind", "cli_diff_member", "level", "sheet", "theme")


def test_regression_the_diff_workbook_speaks_dutch(result, sector, tmp_path):
    """Regression: `imvo diff --export --lang nl` wrote English sheets, headers and values."""
    from openpyxl import load_workbook

    from imvo_cli.export.diffbook import write_diff_workbook

    def build_diff_workbook(diff, lang="en"):
        write_diff_workbook(diff, tmp_path / f"{lang}.xlsx", lang)
        return load_workbook(tmp_path / f"{lang}.xlsx")

    english = _english_only(*WORKBOOK_TABLES)
    for diff, last in ((result, "Beoordelen"), (sector, "Leden")):
        wb = build_diff_workbook(diff, "nl")
        assert wb.sheetnames == ["Nieuw", "Vervallen", "Gewijzigd", "Risicowijzigingen",
                                 "Overzicht", last]
        cells = {c for ws in wb for row in ws.iter_rows(values_only=True) for c in row
                 if isinstance(c, str)}
        assert not cells & english, sorted(cells & english)
        assert not any(c.startswith(("count: ", "coverage: ", "risk ")) for c in cells)
        assert "aantal: gebleven" in cells and "samenvatting" in cells
    wb = build_diff_workbook(result, "nl")
    head = [c.value for c in wb["Beoordelen"][1]]
    assert (head[0], head[4], head[-1]) == ("a_id", "b_id", "decision")  # --decisions reads them
    gone = [c.value for c in next(wb["Vervallen"].iter_rows(min_row=2, max_row=2))]
    assert "vervallen" in gone and "ja" in gone
    assert {r[3] for r in wb["Gewijzigd"].iter_rows(min_row=2, values_only=True)} >= {"naam", "adres"}
    assert build_diff_workbook(result).sheetnames[:2] == ["New", "Gone"]  # English as before


def test_regression_the_diff_html_page_speaks_dutch(result, sector):
    """Regression: `imvo diff --html --lang nl` wrote an English page (<html lang="en">)."""
    import re

    from imvo_cli.report.diff_view import render_html

    english = _english_only("cli_diff", "diff_html", "cli_diff_kind", "cli_diff_member", "level",
                            "diff_coverage", "diff_field", "diff_shared")
    for diff in (result, sector):
        page = render_html(diff, "nl")
        assert page.startswith('<!DOCTYPE html>\n<html lang="nl">')
        assert "<h1>" + ("Jaar op jaar" if diff is result else "Sectorlijst, jaar op jaar") in page
        texts = {m.strip() for m in re.findall(r">([^<>]+)<", page) if m.strip()}
        assert not texts & english, sorted(texts & english)
        body = page[page.index("<body>"):]
        for phrase in ("Year over year", "What changed", "Then and now", "coverage:", "inherent medium",
                       "No changes", "policy:"):
            assert phrase not in body, phrase
        assert "Wat veranderde, ernstigste eerst" in page and "Toen en nu" in page
    assert '<html lang="en">' in render_html(result)
