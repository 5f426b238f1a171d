"""The risk model: one test per rule, scoring, unknown, overrides, caching."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from imvo_cli.model import LEVELS, Supplier
from imvo_cli.policy import Override, Policy, parse_policy
from imvo_cli.risk import (TEXTILE_THEMES, assess_location, assess_supplier, level_for_score,
                           load_profile, score_of, sources)

TEXTILE = load_profile("textile")
POLICY = Policy()
AS_OF = date(2024, 6, 1)


def themes(country, products=(), processes=(), profile=TEXTILE, policy=POLICY):
    return {t.theme: t for t in assess_location(country, list(products), list(processes), profile, policy)}


def rules(theme_risk):
    return [f.rule for f in theme_risk.reasons]


def supplier(**kw):
    base = dict(id="S1", name="Mill", country="NL", address="Street 1", city="Town",
                product=["t-shirts"], audit_standard="amfori BSCI", audit_date=date(2024, 1, 1),
                audit_result="B")
    base.update(kw)
    return Supplier(**base)


def test_textile_profile_has_the_nine_covenant_themes():
    assert TEXTILE.themes == TEXTILE_THEMES


@pytest.mark.parametrize("key", ["metals", "natural_stone", "food", "floriculture"])
def test_other_profiles_load_with_themes_and_vocabulary(key):
    p = load_profile(key)
    assert p.key == key and len(p.themes) >= 7 and p.vocabulary


def test_unknown_profile_is_a_usage_error():
    from imvo_cli.model import ImvoError
    with pytest.raises(ImvoError, match="unknown sector profile"):
        load_profile("toys")


def test_score_and_level_formula():
    assert score_of(5, 5) == 100 and score_of(1, 1) == 4 and score_of(5, 3) == 60
    th = POLICY.thresholds
    assert [level_for_score(s, th) for s in (0, 24, 25, 49, 50, 80, 89, 90, 100)] == [
        "low", "low", "medium", "medium", "high", "high", "high", "critical", "critical"]
    assert level_for_score(None, th) == "unknown"


def test_dol_listed_good_rates_child_and_forced_labour_high_citing_dol():
    t = themes("BD", ["jeans"])  # jeans -> Garments; Bangladesh: child yes, forced yes
    for key in ("child_labour", "forced_labour"):
        assert t[key].level in ("high", "critical")
        dol = [f for f in t[key].reasons if f.rule == "dol-listed-good"]
        assert dol and "garments" in dol[0].evidence and "List of Goods" in dol[0].source
        assert "2022 edition" in dol[0].source


def test_dol_not_listed_finding_does_not_fire():
    # Bangladesh footwear: Child_Labor=Yes, Forced_Labor=No
    t = themes("BD", ["shoes"])
    assert "dol-listed-good" in rules(t["child_labour"])
    assert "dol-listed-good" not in rules(t["forced_labour"])


def test_cotton_in_a_garment_cell_is_not_a_cotton_farm():
    t = themes("TR", ["cotton t-shirts"])
    ev = " ".join(f.evidence for f in t["child_labour"].reasons)
    assert " in garments, " in ev and " in cotton, " not in ev
    assert t["raw_materials"].level == "low" and rules(t["raw_materials"]) == ["not-applicable"]


def test_governance_baseline_gives_a_spread():
    nl, bd = themes("NL", ["t-shirts"]), themes("BD", ["t-shirts"])
    assert nl["health_safety"].level == "low" and bd["health_safety"].level in ("medium", "high")
    assert bd["health_safety"].score > nl["health_safety"].score
    assert "governance-baseline" in rules(nl["living_wage"])
    assert "World Bank" in nl["living_wage"].reasons[0].source


def test_dol_country_profile_signal():
    t = themes("TD", ["t-shirts"])  # Chad: 45.8% of children work
    f = [f for f in t["child_labour"].reasons if f.rule == "dol-country-profile"]
    assert f and "45.8%" in f[0].evidence and "Findings on the Worst Forms" in f[0].source


def test_sandblasting_is_critical_for_health_and_safety_anywhere():
    for country in ("NL", "TR", None):
        t = themes(country, ["jeans"], ["sandblasting"])
        assert t["health_safety"].level == "critical"
        assert "Module 5" in [f for f in t["health_safety"].reasons if f.rule == "process-knowledge"][0].source


def test_wet_processing_and_tanning_raise_water_and_health_themes():
    plain, dye = themes("BD", ["fabric"]), themes("BD", ["fabric"], ["dyeing"])
    assert dye["water_chemicals_energy"].score > plain["water_chemicals_energy"].score
    assert dye["health_safety"].severity == 5
    tan = themes("PK", ["leather"], ["tanning"])
    assert tan["water_chemicals_energy"].severity == 5 and "process-knowledge" in rules(tan["health_safety"])


def test_animal_materials_make_animal_welfare_apply():
    down = themes("CN", ["down jackets"])["animal_welfare"]
    assert "process-knowledge" in rules(down) and down.score > 0
    wool = themes("CN", ["wool"])["animal_welfare"]
    assert "process-knowledge" in rules(wool) and wool.score > 0
    assert rules(themes("CN", ["polyester shirts"])["animal_welfare"]) == ["not-applicable"]


def test_sumangali_spinning_only_in_india():
    india = themes("IN", ["yarn"], ["spinning"])["forced_labour"]
    assert any("Sumangali" in f.evidence for f in india.reasons)
    china = themes("CN", ["yarn"], ["spinning"])["forced_labour"]
    assert not any("Sumangali" in f.evidence for f in china.reasons)


def test_metals_3tg_from_drc():
    t = themes("CD", ["tin ore"], profile=load_profile("metals"))
    # conflict financing is likely but not specific to this site: high, not critical
    assert t["conflict_minerals"].level == "high"
    # DOL lists DRC tin ore for forced child labour: high from the place alone, critical at a
    # site the list shows unverified, high again with a valid audit
    assert t["child_labour"].level == "high"
    metals = load_profile("metals")
    mine = supplier(country="CD", product=["tin ore"], audit_standard=None, audit_date=None,
                    audit_result=None)
    unverified = assess_supplier(mine, metals, POLICY, AS_OF)
    assert unverified.themes["child_labour"].level == "critical"
    assert unverified.themes["child_labour"].inherent == "high"
    audited = assess_supplier(supplier(country="CD", product=["tin ore"]), metals, POLICY, AS_OF)
    assert audited.themes["child_labour"].level == "high"
    gap = assess_supplier(mine, metals, POLICY, AS_OF, columns=frozenset({"name", "country", "product"}))
    assert gap.themes["child_labour"].level == "high"  # no audit column: not known unverified
    assert "process-knowledge" in rules(t["conflict_minerals"])
    copper = themes("DE", ["copper wire"], profile=load_profile("metals"))
    assert rules(copper["conflict_minerals"]) == ["not-applicable"]


def test_no_data_is_unknown_not_low():
    t = themes(None, ["t-shirts"])
    assert t["child_labour"].level == "unknown" and t["child_labour"].score is None
    assert rules(t["child_labour"]) == ["no-data"]
    assert "unknown is not low" in t["child_labour"].reasons[0].evidence
    # a territory without World Bank data
    assert themes("CX", ["t-shirts"])["living_wage"].level == "unknown"


def test_no_products_leaves_product_themes_unknown():
    t = themes("NL")
    assert t["animal_welfare"].level == "unknown" and rules(t["animal_welfare"]) == ["no-product-data"]


def test_every_flag_has_rule_evidence_and_source():
    for country in ("BD", "IN", "NL", None, "CX"):
        for t in themes(country, ["leather shoes", "cotton"], ["dyeing", "sandblasting"]).values():
            for f in t.reasons:
                assert f.rule and f.evidence and f.source and f.level in LEVELS + ("unknown",)


# ---------------------------------------------------------------- supplier row signals


def test_valid_audit_adds_no_flag():
    r = assess_supplier(supplier(), TEXTILE, POLICY, AS_OF)
    assert not {"no-audit", "audit-expired"} & {f.rule for f in r.flags}


def test_no_audit_raises_labour_likelihood_where_evidence_points_to_risk():
    from imvo_cli.risk.engine import UNVERIFIED
    none = assess_supplier(supplier(country="BD", audit_standard=None, audit_date=None, audit_result=None),
                           TEXTILE, POLICY, AS_OF)
    inherent = themes("BD", ["t-shirts"])
    assert none.themes["child_labour"].likelihood == pytest.approx(
        inherent["child_labour"].likelihood + UNVERIFIED)
    assert none.themes["child_labour"].inherent_score == inherent["child_labour"].score
    assert none.themes["water_chemicals_energy"].likelihood == inherent["water_chemicals_energy"].likelihood
    assert "no-audit" in rules(none.themes["child_labour"])
    # audits are not expected in low-risk countries: no effect in the Netherlands
    nl = assess_supplier(supplier(audit_standard=None, audit_date=None, audit_result=None), TEXTILE, POLICY, AS_OF)
    assert nl.level == "low" and "no-audit" not in {f.rule for f in nl.flags}


def test_unverified_signals_count_once():
    one = assess_supplier(supplier(country="BD", audit_date=None, audit_standard=None, audit_result=None),
                          TEXTILE, POLICY, AS_OF)
    two = assess_supplier(supplier(country="BD", audit_date=None, audit_standard=None, audit_result=None,
                                   address=None), TEXTILE, POLICY, AS_OF)
    assert two.themes["living_wage"].likelihood == one.themes["living_wage"].likelihood
    assert {"no-audit", "missing-address"} <= set(rules(two.themes["living_wage"]))


def test_audit_older_than_policy_is_expired_relative_to_as_of():
    s = supplier(country="BD", audit_date=date(2021, 1, 15))
    r = assess_supplier(s, TEXTILE, POLICY, AS_OF)
    f = [f for f in r.flags if f.rule == "audit-expired"]
    assert f and "40 months" in f[0].evidence and "2024-06-01" in f[0].evidence
    longer = dataclasses.replace(POLICY, audit_max_age_months=48)
    assert "audit-expired" not in {f.rule for f in assess_supplier(s, TEXTILE, longer, AS_OF).flags}
    # the same audit was still valid on an earlier reference date
    assert "audit-expired" not in {f.rule for f in assess_supplier(s, TEXTILE, POLICY, date(2022, 1, 1)).flags}


def test_failed_audit_and_zero_tolerance():
    failed = assess_supplier(supplier(audit_result="Failed"), TEXTILE, POLICY, AS_OF)
    assert "audit-failed" in rules(failed.themes["health_safety"])
    grade_e = assess_supplier(supplier(audit_result="E"), TEXTILE, POLICY, AS_OF)
    assert "audit-failed" in {f.rule for f in grade_e.flags}
    zt = assess_supplier(supplier(audit_result="Zero tolerance"), TEXTILE, POLICY, AS_OF)
    assert zt.themes["child_labour"].likelihood == 5 and zt.themes["child_labour"].level == "critical"
    assert zt.level == "critical"


def test_missing_address_raises_likelihood():
    r = assess_supplier(supplier(country="BD", address=None), TEXTILE, POLICY, AS_OF)
    assert "missing-address" in rules(r.themes["forced_labour"])


def test_large_workforce_raises_severity():
    small = assess_supplier(supplier(country="BD", workers=200), TEXTILE, POLICY, AS_OF)
    big = assess_supplier(supplier(country="BD", workers=5000), TEXTILE, POLICY, AS_OF)
    assert big.themes["living_wage"].severity == small.themes["living_wage"].severity + 1
    assert "large-workforce" in rules(big.themes["living_wage"])


def test_unknown_country_is_flagged_and_unknown():
    r = assess_supplier(supplier(country=None), TEXTILE, POLICY, AS_OF)
    assert r.themes["child_labour"].level == "unknown"
    assert "unknown-country" in rules(r.themes["child_labour"])


def test_certification_lowers_likelihood_only_when_accepted():
    s = supplier(country="BD", certifications=["SA8000"])
    plain = assess_supplier(s, TEXTILE, POLICY, AS_OF)
    accepted = dataclasses.replace(POLICY, accepted_certifications={"SA8000": ["child_labour"]})
    r = assess_supplier(s, TEXTILE, accepted, AS_OF)
    assert r.themes["child_labour"].likelihood == plain.themes["child_labour"].likelihood - 1
    assert r.themes["forced_labour"].likelihood == plain.themes["forced_labour"].likelihood
    assert "accepted-certification" in rules(r.themes["child_labour"])
    assert "accepted-certification" not in {f.rule for f in plain.flags}


def test_supplier_level_is_highest_theme_level():
    r = assess_supplier(supplier(country="BD", product=["jeans"], process=["sandblasting"]),
                        TEXTILE, POLICY, AS_OF)
    assert r.level == "critical" and r.score == max(t.score for t in r.themes.values() if t.score is not None)
    assert r.upstream_level is None


def test_policy_thresholds_and_theme_weights():
    strict = dataclasses.replace(POLICY, thresholds={"medium": 10, "high": 20, "critical": 30})
    assert themes("BD", ["t-shirts"])["discrimination_gender"].level == "medium"
    assert themes("BD", ["t-shirts"], policy=strict)["child_labour"].level == "high"
    # a governance rank alone is context: medium at most, whatever the thresholds
    assert themes("NL", ["t-shirts"], policy=strict)["child_labour"].level == "medium"
    weighted = dataclasses.replace(POLICY, theme_weights={"living_wage": 2.0})
    assert themes("BD", ["t-shirts"], policy=weighted)["living_wage"].score == pytest.approx(
        2 * themes("BD", ["t-shirts"])["living_wage"].score, abs=0.1)


def test_override_country_and_theme_cites_policy_file():
    pol = dataclasses.replace(POLICY, path="/x/imvo.toml", overrides=(
        Override("NL", None, "medium", "own investigation 2024"),
        Override("NL", "child_labour", "high", "case found in 2023")))
    t = themes("NL", ["t-shirts"], policy=pol)
    assert t["child_labour"].level == "high" and t["living_wage"].level == "medium"
    f = t["child_labour"].reasons[-1]
    assert f.rule == "policy-override" and "case found" in f.evidence and "/x/imvo.toml" in f.source


def test_user_indicator_loader(tmp_path):
    csv = tmp_path / "ituc.csv"
    csv.write_text("country,rating\nBangladesh,5+\nNetherlands,1\nChad,\n", encoding="utf-8")
    (tmp_path / "imvo.toml").write_text("")
    pol = parse_policy({"risk": {"indicators": [{"theme": "freedom_of_association", "file": "ituc.csv",
                                                  "name": "ITUC Global Rights Index", "edition": "2024"}]}},
                       str(tmp_path / "imvo.toml"))
    bd = themes("BD", ["t-shirts"], policy=pol)["freedom_of_association"]
    assert bd.likelihood == 5 and "user-indicator" in rules(bd)
    assert "ITUC Global Rights Index (2024)" in [f for f in bd.reasons if f.rule == "user-indicator"][0].source
    chad = themes("TD", ["t-shirts"], policy=pol)["freedom_of_association"]
    assert "indicator-no-data" in rules(chad)


def test_user_indicator_bad_rating_names_row(tmp_path):
    from imvo_cli.model import ImvoError
    from imvo_cli.risk.tables import user_indicator
    bad = tmp_path / "bad.csv"
    bad.write_text("country,rating\nIndia,7\n", encoding="utf-8")
    with pytest.raises(ImvoError) as exc:
        user_indicator(str(bad))
    assert exc.value.row == 2 and exc.value.column == "rating"


@pytest.mark.parametrize("risk,key", [
    ({"overrides": [{"country": "NL", "theme": "nope", "level": "high", "reason": "x"}]}, "risk.overrides[1].theme"),
    ({"theme_weights": {"nope": 1}}, "risk.theme_weights.nope"),
    ({"accepted_certifications": {"SA8000": ["nope"]}}, "risk.accepted_certifications.SA8000"),
    ({"indicators": [{"theme": "child_labour", "file": "missing.csv", "name": "x", "edition": "1"}]}, "risk.indicators[1].file"),
    ({"indicators": [{"theme": "child_labour", "file": "f.csv", "name": "x"}]}, "risk.indicators[1].edition"),
])
def test_invalid_risk_policy_names_the_key(tmp_path, risk, key):
    from imvo_cli.model import ImvoError
    with pytest.raises(ImvoError) as exc:
        parse_policy({"risk": risk}, str(tmp_path / "imvo.toml"))
    assert key in str(exc.value)


def test_assessments_are_cached_per_distinct_place():
    from imvo_cli.risk import engine
    engine._place.cache_clear()
    for i in range(500):
        assess_supplier(supplier(id=f"S{i}", name=f"F{i}", country="BD"), TEXTILE, POLICY, AS_OF)
    assert engine._place.cache_info().misses <= 1


def test_sources_have_name_edition_url_licence_file():
    from imvo_cli.risk.tables import DATA_DIR
    listed = sources()
    assert {s["file"] for s in listed} >= {"dol_goods.csv", "dol_countries.csv", "wgi.csv", "process_themes.csv"}
    doc = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for s in listed:
        assert all(s[k] for k in ("name", "edition", "url", "licence", "file"))
        assert (DATA_DIR / s["file"]).is_file() and f"`{s['file']}`" in doc


def test_every_process_rule_has_rationale_and_reference():
    from imvo_cli.risk.tables import process_rules
    for entries in process_rules().values():
        for r in entries:
            assert r.rationale and r.reference and 1 <= r.severity <= 5
            assert r.theme in {t for p in ("textile", "metals", "natural_stone", "food", "floriculture")
                               for t in load_profile(p).themes}
