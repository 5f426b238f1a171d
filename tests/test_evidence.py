"""Risk model v2: evidence once, inherent vs residual, data gaps, ranking, critical rare."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from imvo_cli.model import Level, Supplier, level_rank, worst
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_location, assess_place, assess_supplier, load_profile
from imvo_cli.risk.engine import governance_likelihood

TEXTILE = load_profile("textile")
POLICY = Policy()
AS_OF = date(2024, 6, 1)
REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "suppliers.xlsx"
NO_AUDIT_COLUMNS = frozenset({"name", "country", "address", "product", "process"})


def supplier(**kw):
    base = dict(id="S1", name="Mill", country="BD", address="Road 1, Dhaka", city="Dhaka",
                product=["t-shirts"])
    base.update(kw)
    return Supplier(**base)


def themes(country, products=(), processes=(), profile=TEXTILE, region=None):
    return {t.theme: t for t in assess_location(country, list(products), list(processes), profile,
                                                POLICY, region=region)}


# ---------------------------------------------------------------- the one Level


def test_level_order_puts_unknown_between_medium_and_low():
    order = sorted(["low", "unknown", "critical", "medium", "high"], key=level_rank, reverse=True)
    assert order == ["critical", "high", "medium", "unknown", "low"]
    assert worst(["low", "unknown"]) == "unknown" and worst([]) == "unknown"
    assert worst(["low", "high", "unknown"]) == "high"
    assert Level.HIGH == "high" and Level.of("nonsense") is Level.UNKNOWN
    assert Level.CRITICAL.colour == "882255" and Level.UNKNOWN.label.startswith("Unknown")


def test_xlsx_palette_is_the_model_palette():
    from imvo_cli.export import xlsx
    from imvo_cli.model import LEVEL_COLOURS
    assert xlsx.LEVEL_COLOURS == LEVEL_COLOURS


# ---------------------------------------------------------------- evidence recorded once


def test_evidence_is_recorded_once_and_themes_refer_to_it():
    a = assess_supplier(supplier(), TEXTILE, POLICY, AS_OF)
    assert len(a.evidence) == len(set(a.evidence))
    governance = [e for e in a.evidence if e.rule == "governance-baseline"]
    assert len(governance) == 1 and len(governance[0].themes) >= 6
    no_audit = [e for e in a.evidence if e.rule == "no-audit"]
    assert len(no_audit) == 1 and "forced_labour" in no_audit[0].themes
    for key, t in a.themes.items():
        for i in t.evidence:
            assert key in a.evidence[i].themes or a.evidence[i].rule == "policy-override"
    # one flag per evidence item, naming every theme it informs
    assert len(a.flags) == len(a.evidence)


def test_json_node_lists_evidence_once(tmp_path):
    from imvo_cli.mapping import map_document, read_and_map
    doc = map_document(read_and_map(SAMPLE, as_of=AS_OF))
    table = {e["id"]: e for e in doc["evidence"]}
    node = max(doc["nodes"], key=lambda n: len(n["evidence"]))
    rules = [(table[i]["rule"], table[i]["evidence"]) for i in node["evidence"]]
    assert len(rules) == len(set(rules))
    assessment = next(x for x in doc["assessments"] if x["id"] == node["risk"]["assessment"])
    positions = {p for t in assessment["themes"].values() for p in t["evidence"]}
    assert positions and positions <= set(range(len(node["evidence"])))
    # evidence shared by several suppliers (a country's governance rank) is in the table once
    governance = [e for e in doc["evidence"] if e["rule"] == "governance-baseline"]
    assert len({(e["evidence"], tuple(e["themes"]), e["effect"]) for e in governance}) == len(governance)
    users = sum(1 for n in doc["nodes"] for i in n["evidence"] if table[i]["rule"] == "governance-baseline")
    assert users > len(governance)
    assert doc["schema"] == "imvo.map/3"


# ---------------------------------------------------------------- inherent and residual


def test_valid_audit_lowers_residual_but_not_inherent():
    audited = assess_supplier(supplier(audit_standard="amfori BSCI", audit_date=date(2024, 1, 1),
                                       audit_result="B"), TEXTILE, POLICY, AS_OF)
    t = audited.themes["living_wage"]
    assert t.score < t.inherent_score
    assert any(e.rule == "audit-valid" for e in audited.evidence)


def test_missing_audit_column_is_a_data_gap_never_evidence():
    gap = assess_supplier(supplier(), TEXTILE, POLICY, AS_OF, columns=NO_AUDIT_COLUMNS)
    empty = assess_supplier(supplier(), TEXTILE, POLICY, AS_OF)  # audit columns present, empty
    for key, t in gap.themes.items():
        assert t.score == t.inherent_score, key  # nothing raised by an absent column
    assert any(e.rule == "data-gap" and "audit data: not in this list" in e.value and e.kind == "gap"
               for e in gap.evidence)
    assert all(e.kind != "gap" for e in gap.main_evidence())
    assert empty.themes["forced_labour"].score > gap.themes["forced_labour"].score
    assert "no-audit" in {e.rule for e in empty.evidence}


def test_no_audit_recorded_never_alone_makes_critical():
    # DRC tin ore for conflict minerals scores above the critical threshold, but no specific
    # evidence: high, whatever the audit columns say
    metals = load_profile("metals")
    s = supplier(country="CD", product=["tin ore"], workers=5000)
    a = assess_supplier(s, metals, POLICY, AS_OF)
    t = a.themes["conflict_minerals"]
    assert t.score >= POLICY.thresholds["critical"] and t.level == "high"
    # Bangladesh garments (listed, not for forced child labour): no audit -> high, not critical
    bd = assess_supplier(supplier(product=["jeans"], workers=5000), TEXTILE, POLICY, AS_OF)
    assert bd.level == "high"


def test_critical_needs_specific_evidence():
    for country in ("VN", "IN", "CN", "BD", "ET", "TR"):
        t = themes(country, ["garments"])
        assert all(x.level != "critical" for x in t.values()), country
    assert themes("TR", ["jeans"], ["sandblasting"])["health_safety"].level == "critical"
    zt = assess_supplier(supplier(country="NL", address="Dam 1, Amsterdam", audit_standard="SMETA",
                                  audit_date=date(2024, 1, 1), audit_result="Zero tolerance"),
                         TEXTILE, POLICY, AS_OF)
    assert zt.level == "critical" and zt.main_evidence()[0].rule == "audit-zero-tolerance"


# ---------------------------------------------------------------- scores that rank


def test_governance_rank_is_continuous():
    values = [governance_likelihood(r) for r in (0, 5, 12, 20, 30, 44, 45, 60, 75, 90, 100)]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    assert governance_likelihood(44) != governance_likelihood(30)


def test_governance_alone_stops_at_medium():
    t = themes("BD", ["buttons"])  # no DOL good, no process knowledge: governance only
    assert t["freedom_of_association"].likelihood >= 3
    assert t["freedom_of_association"].level == "medium"


def test_forced_child_labour_listing_is_stronger_than_a_plain_listing():
    # India: Garments listed for forced child labour; Bangladesh Garments without it
    from imvo_cli.risk import tables
    assert tables.dol_goods()[("Garments", "IN")].forced_child_labour
    assert not tables.dol_goods()[("Garments", "BD")].forced_child_labour
    fcl = assess_place("IN", ["garments"], [], TEXTILE, POLICY)
    plain = assess_place("BD", ["garments"], [], TEXTILE, POLICY)
    strong, listed = ([e for e in a.evidence if e.rule == "dol-listed-good"][0] for a in (fcl, plain))
    assert "4.5" in strong.effect and "3.5" in listed.effect and strong.specific
    assert fcl.themes["child_labour"].score > plain.themes["child_labour"].score


def test_dol_complicit_category_is_the_strongest_country_signal():
    from imvo_cli.risk import tables
    complicit = [c for c in tables.dol_countries().values() if "Complicit" in c.advancement]
    assert complicit
    a = assess_place(complicit[0].country, ["garments"], [], TEXTILE, POLICY)
    ev = [e for e in a.evidence if e.rule == "dol-country-profile"][0]
    assert "Complicit" in ev.value and "4.5" in ev.effect


def test_priority_ranks_the_sample_with_ties_only_for_equal_evidence():
    from imvo_cli.mapping import read_and_map
    cm = read_and_map(SAMPLE, as_of=AS_OF)
    ranks = {sid: a.priority for sid, a in cm.risk.items()}
    assert len(set(ranks.values())) >= 40
    by_rank: dict[int, list[str]] = {}
    for sid, r in ranks.items():
        by_rank.setdefault(r, []).append(sid)
    for sids in by_rank.values():
        keys = {(cm.risk[s].level, cm.risk[s].priority_key, cm.tiers.get(s)) for s in sids}
        assert len(keys) == 1
    critical = [a for a in cm.risk.values() if a.level == "critical"]
    assert len(critical) <= 0.10 * len(cm.risk)
    for a in critical:
        assert any(e.specific for e in a.main_evidence())
    # rank 1 has the highest residual level and score
    first = min(cm.risk.values(), key=lambda a: a.priority)
    assert first.level == worst(a.level for a in cm.risk.values())


def test_summary_shows_data_coverage(tmp_path):
    from imvo_cli.mapping import read_and_map
    p = tmp_path / "osh.csv"
    p.write_text("country,name,address,sector\nChina,Mill A,\"1 Road, Shenzhen\",Apparel\n"
                 "Bangladesh,Mill B,\"2 Road, Dhaka\",Widgets\n", encoding="utf-8")
    cm = read_and_map(p, as_of=AS_OF)
    cov = cm.summary["coverage"]
    assert cov["audit"] == {"column": False, "share": None}
    assert cov["product"]["share"] == 1.0 and cov["product"]["recognised"] == 0.5
    assert cov["unrecognised"]["product"] == {"widgets": 1}
    assert cov["process"]["column"] is False
    for a in cm.risk.values():  # nothing raised by a column the list lacks
        assert all(t.score == t.inherent_score for t in a.themes.values())


# ---------------------------------------------------------------- data fidelity


@pytest.mark.parametrize("good, country, theme", [
    ("lithium-ion batteries", "CN", "child_labour"),
    ("solar modules", "CN", "forced_labour"),
    ("photovoltaic wafers", "CN", "forced_labour"),
])
def test_downstream_dol_entries_fire(good, country, theme):
    a = assess_place(country, [good], [], TEXTILE, POLICY)
    ev = [e for e in a.evidence if e.rule == "dol-listed-good"]
    assert ev and "downstream good" in ev[0].value and theme in ev[0].themes
    assert a.themes[theme].level in ("high", "critical")


def test_palm_oil_derivatives_fire_in_food():
    a = assess_place("ID", ["refined palm oil"], [], load_profile("food"), POLICY)
    ev = [e for e in a.evidence if e.rule == "dol-listed-good" and "downstream" in e.value]
    assert ev and "made with palm fruit from Indonesia" in ev[0].value


def test_wgi_year_per_dimension_and_its_age_in_the_flag():
    from imvo_cli.risk import tables
    ck = tables.wgi()["CK"]
    assert ck["PoliticalStability"][0] == 2010 and ck["RuleofLaw"][0] == 2013
    ev = [e for e in assess_place("CK", ["garments"], [], TEXTILE, POLICY).evidence
          if e.rule == "governance-baseline"][0]
    assert "2013, 2013 value: 6 years older than the edition's 2019" in ev.value


def test_editions_are_named_exactly():
    from imvo_cli.risk import sources
    by_file = {s["file"]: s for s in sources()}
    assert by_file["dol_goods.csv"]["edition"].startswith("2022 edition of the List")
    assert "Findings report year 2022" in by_file["dol_countries.csv"]["edition"]
    assert "Public Law 117-78" in by_file["regions.csv"]["edition"]


# ---------------------------------------------------------------- vocabulary and regions


@pytest.mark.parametrize("profile, word, good", [
    ("natural_stone", "granite", "Stones"), ("natural_stone", "sandstone", "Stones"),
    ("natural_stone", "cobblestones", "Stones"), ("natural_stone", "natural stone", "Stones"),
    ("textile", "gloves", "Rubber Gloves"), ("textile", "leather hides", "Cattle"),
    ("food", "beef", "Cattle"), ("food", "roses", "Flowers"), ("food", "cut flowers", "Flowers"),
    ("textile", "confectie", "Garments"), ("textile", "egreneren", "Cotton"),
    ("textile", "ververij", "Textiles"),
])
def test_words_reach_dol_goods(profile, word, good):
    from imvo_cli.risk.profiles import match_terms
    goods = {g for t in match_terms(load_profile(profile), word) for g in t.goods}
    assert good in goods


def test_stones_fire_where_dol_lists_stones():
    t = themes("IN", ["granite"], profile=load_profile("natural_stone"))
    ev = [f for f in t["child_labour"].reasons if f.rule == "dol-listed-good"]
    assert ev and any(" in stones, India" in f.evidence for f in ev)


def test_unrecognised_product_is_unknown_not_low_for_dependent_themes():
    food = load_profile("food")
    soy, soybeans = themes("BR", ["soy"], profile=food), themes("BR", ["soybeans"], profile=food)
    assert soybeans["land_rights"].level == soy["land_rights"].level != "low"
    cattle, beef = themes("BR", ["cattle"], profile=food), themes("BR", ["beef"], profile=food)
    assert beef["land_rights"].level == cattle["land_rights"].level != "low"
    widgets = themes("BR", ["widgets"], profile=food)
    assert widgets["land_rights"].level == "unknown"
    assert [f.rule for f in widgets["land_rights"].reasons] == ["unrecognised-product"]


@pytest.mark.parametrize("region", ["Xinjiang", "Xinjiang Uygur Autonomous Region", "XUAR",
                                    "Sinkiang", "新疆"])
def test_xinjiang_carries_the_uflpa_presumption(region):
    s = supplier(country="CN", region=region, product=["cotton yarn"])
    a = assess_supplier(s, TEXTILE, POLICY, AS_OF)
    t = a.themes["forced_labour"]
    assert t.level == "critical" and t.inherent == "critical"
    ev = a.main_evidence()[0]
    assert ev.rule == "legal-presumption" and "Public Law 117-78" in ev.source
    elsewhere = assess_supplier(supplier(country="CN", region="Guangdong", product=["cotton yarn"]),
                                TEXTILE, POLICY, AS_OF)
    assert elsewhere.themes["forced_labour"].level != "critical"


def test_xinjiang_in_the_address_counts_too():
    a = assess_supplier(supplier(country="CN", address="8 Road, Urumqi, Xinjiang", city=None),
                        TEXTILE, POLICY, AS_OF)
    assert "legal-presumption" in {e.rule for e in a.evidence}


# ---------------------------------------------------------------- profiles


def test_floriculture_profile_has_the_covenant_themes():
    p = load_profile("floriculture")
    assert {"living_wage", "pesticides_chemicals", "health_safety", "land_water"} <= set(p.themes)
    assert "2019" in p.covenant
    t = themes("EC", ["roses"], profile=p)  # DOL lists Ecuador's flowers for child labour
    assert t["child_labour"].level in ("high", "critical")
    assert "process-knowledge" in [f.rule for f in t["pesticides_chemicals"].reasons]


def test_gold_mercury_theme():
    metals = load_profile("metals")
    t = themes("GH", ["artisanal gold"], profile=metals)
    assert t["mercury"].level in ("high", "critical")
    assert "Minamata" in [f for f in t["mercury"].reasons if f.rule == "process-knowledge"][0].source
    assert themes("GH", ["gold"], ["amalgamation"], profile=metals)["mercury"].level == "critical"
    assert themes("DE", ["copper wire"], profile=metals)["mercury"].level == "low"


def test_natural_stone_cites_trustone():
    assert "TruStone" in load_profile("natural_stone").covenant


# ---------------------------------------------------------------- one assessment everywhere


def test_aggregate_scores_a_facility_like_map(tmp_path):
    from imvo_cli.aggregate import aggregate
    from imvo_cli.mapping import read_and_map
    head = "Supplier name,Country,Address,Product type,Audit standard,Audit date,Audit result\n"
    (tmp_path / "a.csv").write_text(head + "Nile Mill,Egypt,\"1 Road, Cairo\",Cotton yarn,,,\n",
                                    encoding="utf-8")
    (tmp_path / "b.csv").write_text(head + "Nile Mill,Egypt,\"1 Road, Cairo\",Cotton yarn,"
                                    "SMETA,2024-01-10,Pass\n", encoding="utf-8")
    result = aggregate([tmp_path], as_of=AS_OF)
    (f,) = result.facilities
    maps = {p: read_and_map(tmp_path / p, as_of=AS_OF) for p in ("a.csv", "b.csv")}
    levels = {p: next(iter(cm.risk.values())) for p, cm in maps.items()}
    # the worst residual of the two records, and the basis says which and why
    assert f.risk_score == max(a.score for a in levels.values())
    assert f.risk_level == levels["a.csv"].level
    assert "records disagree" in f.risk_basis and "a" in f.risk_basis
    doc = json.loads(json.dumps(f.to_dict()))
    assert doc["risk"]["evidence"] and doc["risk"]["basis"]


def test_check_gate_reads_residual_by_default_and_inherent_on_request(tmp_path):
    from imvo_cli.check import CheckOptions, check_file
    p = tmp_path / "list.csv"
    p.write_text("Supplier name,Country,Address,Product type,Audit standard,Audit date,Audit result\n"
                 "Delhi Knit,India,\"1 Road, Delhi\",Garments,SMETA,2024-01-10,Pass\n", encoding="utf-8")
    residual = check_file(p, CheckOptions(fail_on="critical", as_of=AS_OF))
    inherent = check_file(p, CheckOptions(fail_on="high", as_of=AS_OF, basis="inherent"))
    assert residual.status == "pass"
    assert inherent.status == "fail" and "DOL" in " ".join(inherent.reasons)
    p.write_text("Supplier name,Country,Address,Product type,Audit standard,Audit date,Audit result\n"
                 "Delhi Knit,India,\"1 Road, Delhi\",Garments,,,\n", encoding="utf-8")
    unverified = check_file(p, CheckOptions(fail_on="critical", as_of=AS_OF))
    assert unverified.status == "fail"
    assert "forced child labour in garments, India" in " ".join(unverified.reasons)


def test_workbook_reasons_once_per_evidence_item_and_summary_leads_with_act_first(tmp_path):
    from openpyxl import load_workbook

    from imvo_cli.export.annotated import ADDED_HEADERS, write_annotated
    from imvo_cli.mapping import read_and_map
    cm = read_and_map(SAMPLE, as_of=AS_OF)
    out = tmp_path / "out.xlsx"
    write_annotated(cm, out, input_path=SAMPLE)
    wb = load_workbook(out)
    ws = wb[cm.source.sheet]
    header_row = cm.source.header_row
    headers = [c.value for c in ws[header_row]]
    col = headers.index("reasons") + 1
    texts = [ws.cell(r, col).value for r in range(header_row + 1, ws.max_row + 1)
             if ws.cell(r, col).value]
    assert texts
    for text in texts:
        assert text.count("[World Bank") <= 1 and text.count("no social audit recorded") <= 1
        assert "forced_labour" not in text  # human theme labels
    assert max(len(t) for t in texts) < 2500
    summary = wb["Summary"]
    assert summary.cell(2, 1).value == "where to act first"
    assert summary.cell(2, 2).value.startswith("1. ")
    assert {"inherent risk", "priority"} <= set(ADDED_HEADERS)


def test_html_report_leads_with_where_to_act_first():
    from imvo_cli.mapping import read_and_map
    from imvo_cli.report.html import render_map_html
    cm = read_and_map(SAMPLE, as_of=AS_OF)
    html = render_map_html(cm)
    first = min(cm.risk, key=lambda sid: (cm.risk[sid].priority, sid))
    act = html.index('id="act-first"')
    assert act < html.index('id="summary"')
    from html import escape
    assert escape(cm.suppliers[first].name) in html[act:html.index('id="summary"')]


def test_suppliers_sharing_a_plan_keep_their_own_evidence_text():
    from imvo_cli.risk.engine import _theme_reasons
    a = assess_supplier(supplier(audit_standard="SMETA", audit_date=date(2021, 1, 15)), TEXTILE,
                        POLICY, AS_OF)
    b = assess_supplier(supplier(audit_standard="SMETA", audit_date=date(2020, 3, 2)), TEXTILE,
                        POLICY, AS_OF)
    assert a.plan is b.plan and a.level == b.level
    ea = [e.value for e in a.evidence if e.rule == "audit-expired"]
    eb = [e.value for e in b.evidence if e.rule == "audit-expired"]
    assert "2021-01-15" in ea[0] and "2020-03-02" in eb[0]
    for r in (a, b):
        for t in r.themes.values():
            assert t.reasons == _theme_reasons(t, r.evidence)
