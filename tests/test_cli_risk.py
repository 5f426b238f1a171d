"""`imvo risk` through the CLI: JSON schema, parity with the library, errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_location, load_profile

runner = CliRunner()


def test_json_schema_and_parity():
    r = runner.invoke(app, ["risk", "India", "--product", "yarn", "--process", "spinning", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert list(doc) == ["schema", "country", "region", "product", "process", "sector", "sources",
                         "evidence", "themes"]
    assert doc["schema"] == "imvo.risk/2" and doc["country"] == "IN" and doc["sector"] == "textile"
    assert doc["product"] == "yarn" and doc["process"] == "spinning"
    lib = assess_location("IN", ["yarn"], ["spinning"], load_profile("textile"), Policy())
    assert [(t["theme"], t["level"], t["score"]) for t in doc["themes"]] == [(t.theme, t.level, t.score) for t in lib]
    ids = {e["id"] for e in doc["evidence"]}
    assert len(ids) == len(doc["evidence"])
    for e in doc["evidence"]:
        assert {"id", "rule", "kind", "evidence", "source", "themes"} <= set(e) and e["source"]
    for t in doc["themes"]:
        assert set(t) == {"theme", "label", "level", "score", "severity", "likelihood", "evidence"}
        assert set(t["evidence"]) <= ids


def test_country_by_code_or_dol_spelling_and_null_product():
    a = json.loads(runner.invoke(app, ["risk", "MM", "-f", "json"]).output)
    b = json.loads(runner.invoke(app, ["risk", "Burma", "-f", "json"]).output)
    assert a == b and a["product"] is None and a["process"] is None


def test_output_is_deterministic():
    args = ["risk", "BD", "--product", "garments", "-f", "json"]
    assert runner.invoke(app, args).output == runner.invoke(app, args).output


def test_unknown_country_exits_2_with_suggestions():
    r = runner.invoke(app, ["risk", "Bangldesh"])
    assert r.exit_code == 2 and "Bangladesh" in r.output and "unknown country" in r.output


def test_sector_option():
    doc = json.loads(runner.invoke(app, ["risk", "CD", "--product", "gold", "--sector", "metals", "-f", "json"]).output)
    assert doc["sector"] == "metals" and "conflict_minerals" in [t["theme"] for t in doc["themes"]]
    r = runner.invoke(app, ["risk", "CD", "--sector", "toys"])
    assert r.exit_code == 2 and "textile" in r.output


def test_table_output_names_levels_and_sources():
    r = runner.invoke(app, ["risk", "Bangladesh", "--product", "garments"])
    assert r.exit_code == 0
    assert "Child labour" in r.output and "List of Goods" in r.output and "unknown =" in r.output


def test_policy_override_shows_in_output(tmp_path):
    pol = tmp_path / "imvo.toml"
    pol.write_text('[[risk.overrides]]\ncountry = "Portugal"\ntheme = "living_wage"\n'
                   'level = "high"\nreason = "wage study 2024"\n', encoding="utf-8")
    doc = json.loads(runner.invoke(app, ["risk", "PT", "--policy", str(pol), "-f", "json"]).output)
    lw = next(t for t in doc["themes"] if t["theme"] == "living_wage")
    evidence = {e["id"]: e for e in doc["evidence"]}
    override = [evidence[i] for i in lw["evidence"] if evidence[i]["rule"] == "policy-override"]
    assert lw["level"] == "high" and override and str(pol) in override[0]["source"]


def test_region_option_reads_the_region_table():
    doc = json.loads(runner.invoke(app, ["risk", "China", "--region", "Xinjiang", "--product",
                                         "cotton yarn", "-f", "json"]).output)
    fl = next(t for t in doc["themes"] if t["theme"] == "forced_labour")
    evidence = {e["id"]: e for e in doc["evidence"]}
    assert fl["level"] == "critical"
    assert any("Public Law 117-78" in evidence[i]["source"] for i in fl["evidence"])


def test_invalid_policy_exits_2_naming_key(tmp_path):
    pol = tmp_path / "imvo.toml"
    pol.write_text('[risk.theme_weights]\nchildlabour = 2\n', encoding="utf-8")
    r = runner.invoke(app, ["risk", "PT", "--policy", str(pol)])
    assert r.exit_code == 2 and "risk.theme_weights.childlabour" in r.output


def test_lang_nl_and_the_policy_language_give_the_table_in_dutch(tmp_path):
    english = runner.invoke(app, ["risk", "Bangladesh"], env={"COLUMNS": "200"})
    dutch = runner.invoke(app, ["risk", "Bangladesh", "--lang", "nl"], env={"COLUMNS": "200"})
    assert english.exit_code == dutch.exit_code == 0
    assert "Risk in Bangladesh (BD) for any product" in english.stdout
    assert "Risico in Bangladesh (BD) voor elk product" in dutch.stdout
    assert "Dierenwelzijn" in dutch.stdout and "onbekend" in dutch.stdout
    assert "niet hetzelfde als laag risico" in dutch.stdout
    (tmp_path / "imvo.toml").write_text('[report]\nlang = "nl"\n', encoding="utf-8")
    by_policy = runner.invoke(app, ["risk", "Bangladesh", "--policy", str(tmp_path / "imvo.toml")],
                              env={"COLUMNS": "200"})
    assert by_policy.stdout == dutch.stdout
    as_json = runner.invoke(app, ["risk", "Bangladesh", "--lang", "nl", "--format", "json"])
    assert as_json.stdout == runner.invoke(app, ["risk", "Bangladesh", "--format", "json"]).stdout


def test_an_ambiguous_country_is_read_with_a_warning_naming_the_others():
    r = runner.invoke(app, ["risk", "Korea", "-f", "json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["country"] == "KR"
    assert "warning" in r.stderr and "North Korea (KP)" in r.stderr
    nl = runner.invoke(app, ["risk", "Korea", "-f", "json", "--lang", "nl"])
    assert "waarschuwing" in nl.stderr.lower() and "KP" in nl.stderr
    assert runner.invoke(app, ["risk", "KR", "-f", "json"]).stderr == ""
    assert runner.invoke(app, ["risk", "Korea", "-f", "json", "--quiet"]).stderr == ""
