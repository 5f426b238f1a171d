"""The policy file: every table names the key and the problem; the schema covers every setting."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from imvo_cli.model import ImvoError
from imvo_cli.policy import SCHEMA, Limits, Override, Policy, load_policy, parse_policy
from imvo_cli.schema import Field, Table
from imvo_cli.sectors import available_profiles


def problem(data: dict, path: str = "imvo.toml") -> ImvoError:
    with pytest.raises(ImvoError) as exc:
        parse_policy(data, path)
    assert exc.value.code == "policy-invalid" and exc.value.file == path
    return exc.value


# One wrong type, one unknown key and one bad value (a word outside the allowed ones, or a
# number outside its range where the table has no words) in each table.
CASES = [
    # top level
    ({"sector": 3}, "sector", "expected a profile name such as 'textile'"),
    ({"sector": "textiles"}, "sector", "'textiles' is not a sector profile; known: "
                                       + ", ".join(available_profiles())),
    ({"compagny": "X"}, "compagny", "unknown section; known: company, sector, columns, report, "
                                    "risk, check, match, diff, ingest, limits"),
    ({"company": ""}, "company", "expected a non-empty name"),
    ({"company": {"name": "  "}}, "company", "expected a non-empty name"),
    ({"columns": ["name"]}, "columns", 'expected a table of "Header text" = "field"'),
    ({"columns": {"Leverancier": 1}}, "columns.Leverancier", 'expected an imvo field name such as "name"'),
    # [report]
    ({"report": "nl"}, "report", "expected a table"),
    ({"report": {"language": "nl"}}, "report.language", "unknown key; known: lang"),
    ({"report": {"lang": "de"}}, "report.lang", "'de' is not one of en, nl"),
    # [risk]
    ({"risk": []}, "risk", "expected a table"),
    ({"risk": {"treshold": 1}}, "risk.treshold", "unknown key; known: thresholds, audit_max_age_months, "
     "large_workforce, theme_weights, accepted_certifications, overrides, indicators"),
    ({"risk": {"audit_max_age_months": "24"}}, "risk.audit_max_age_months", "expected a number, got '24'"),
    ({"risk": {"audit_max_age_months": 12.5}}, "risk.audit_max_age_months", "expected a whole number, got 12.5"),
    ({"risk": {"audit_max_age_months": 241}}, "risk.audit_max_age_months", "241 is outside 1..240"),
    ({"risk": {"large_workforce": 0}}, "risk.large_workforce", "0 is below the minimum 1"),
    ({"risk": {"thresholds": 50}}, "risk.thresholds", "expected a table with medium, high, critical"),
    ({"risk": {"thresholds": {"low": 5}}}, "risk.thresholds.low", "unknown key; known: medium, high, critical"),
    ({"risk": {"thresholds": {"high": 101}}}, "risk.thresholds.high", "101 is outside 1..100"),
    ({"risk": {"thresholds": {"high": 20}}}, "risk.thresholds", "must rise: medium < high < critical"),
    ({"risk": {"theme_weights": {"living_wage": True}}}, "risk.theme_weights.living_wage",
     "expected a number, got True"),
    ({"risk": {"theme_weights": {"living_wage": 6}}}, "risk.theme_weights.living_wage", "6 is outside 0..5"),
    ({"risk": {"accepted_certifications": {"SA8000": "child_labour"}}}, "risk.accepted_certifications",
     'expected a table certification = ["theme", ...]'),
    # [[risk.overrides]]
    ({"risk": {"overrides": {"country": "NL"}}}, "risk.overrides",
     "expected an array of tables [[risk.overrides]]"),
    ({"risk": {"overrides": ["NL"]}}, "risk.overrides[1]", "expected a table with country, level and reason"),
    ({"risk": {"overrides": [{"country": "NL", "level": "high", "reason": "r", "why": "x"}]}},
     "risk.overrides[1].why", "unknown key; known: country, theme, level, reason"),
    ({"risk": {"overrides": [{"country": "NL", "level": "severe", "reason": "r"}]}},
     "risk.overrides[1].level", "'severe' is not one of low, medium, high, critical"),
    ({"risk": {"overrides": [{"country": "Atlantis", "level": "high", "reason": "r"}]}},
     "risk.overrides[1].country", "unknown country 'Atlantis'"),
    ({"risk": {"overrides": [{"country": "NL", "level": "high"}]}},
     "risk.overrides[1].reason", "is required (an override must say why)"),
    ({"risk": {"overrides": [{"country": "NL", "level": "high", "reason": "ok"},
                             {"country": "NL", "level": "high", "reason": " "}]}},
     "risk.overrides[2].reason", "must be a non-empty explanation"),
    # [[risk.indicators]]
    ({"risk": {"indicators": [{"theme": "child_labour", "file": 7, "name": "x", "edition": "1"}]}},
     "risk.indicators[1].file", "is required (a non-empty text)"),
    ({"risk": {"indicators": [{"theme": "child_labour", "file": "f.csv", "name": "x", "edition": "1",
                               "url": "u"}]}}, "risk.indicators[1].url",
     "unknown key; known: theme, file, name, edition"),
    # [check]
    ({"check": True}, "check", "expected a table"),
    ({"check": {"fail-on": "high"}}, "check.fail-on",
     "unknown key; known: fail_on, max_errors, min_visibility, min_address_completeness"),
    ({"check": {"fail_on": "low"}}, "check.fail_on", "'low' is not one of medium, high, critical, never"),
    ({"check": {"max_errors": "0"}}, "check.max_errors", "expected a number, got '0'"),
    ({"check": {"min_visibility": 50}}, "check.min_visibility", "50 is outside 0..1"),
    # [match]
    ({"match": 0.9}, "match", "expected a table"),
    ({"match": {"treshold": 0.9}}, "match.treshold", "unknown key; known: threshold, review_threshold"),
    ({"match": {"threshold": 1.5}}, "match.threshold", "1.5 is outside 0..1"),
    # [diff]
    ({"diff": {"require_exit_reason": "yes"}}, "diff.require_exit_reason", "expected true or false, got 'yes'"),
    ({"diff": {"exit_reason": True}}, "diff.exit_reason", "unknown key; known: require_exit_reason"),
    # [ingest]
    ({"ingest": {"accept_country_suggestions": 1}}, "ingest.accept_country_suggestions",
     "expected true or false, got 1"),
    ({"ingest": {"suggestions": True}}, "ingest.suggestions", "unknown key; known: accept_country_suggestions"),
    # [limits]
    ({"limits": {"max_rows": "many"}}, "limits.max_rows", "expected a number, got 'many'"),
    ({"limits": {"max_rows": 0}}, "limits.max_rows", "0 is below the minimum 1"),
    ({"limits": {"max_memory": 5}}, "limits.max_memory",
     "unknown key; known: " + ", ".join(f.name for f in dataclasses.fields(Limits))),
]


@pytest.mark.parametrize("data,key,text", CASES, ids=[c[1] + ":" + c[2][:20] for c in CASES])
def test_each_problem_names_the_key_and_what_is_wrong(data, key, text):
    error = problem(data)
    assert error.message == f"invalid policy key '{key}': {text}"
    assert error.hint.startswith(f"fix '{key}' in imvo.toml") and "The policy file" in error.hint


def test_the_hint_says_what_the_key_means():
    assert "residual level at which imvo check fails" in problem({"check": {"fail_on": "x"}}).hint
    assert "why: cited in every flag" in problem(
        {"risk": {"overrides": [{"country": "NL", "level": "high", "reason": ""}]}}).hint


def test_theme_keys_are_checked_wherever_a_theme_is_named():
    known = problem({"risk": {"theme_weights": {"wages": 1}}}).message
    assert known.startswith("invalid policy key 'risk.theme_weights.wages': 'wages' is not a theme key; known: ")
    assert "child_labour" in known and "conflict_minerals" in known  # themes of every profile
    assert "risk.accepted_certifications.GOTS" in problem(
        {"risk": {"accepted_certifications": {"GOTS": ["*", "dyes"]}}}).message
    assert "risk.overrides[1].theme" in problem(
        {"risk": {"overrides": [{"country": "IN", "theme": 5, "level": "high", "reason": "r"}]}}).message


def test_a_valid_document_sets_every_policy_field(tmp_path):
    (tmp_path / "ituc.csv").write_text("country,rating\nBangladesh,5\n", encoding="utf-8")
    path = str(tmp_path / "imvo.toml")
    text = """
sector = "Metals"
[company]
name = " Tulpveld B.V. "
[columns]
"Leverancier" = "name"
[report]
lang = "nl"
[risk]
thresholds = { high = 60 }
audit_max_age_months = 12
large_workforce = 500
theme_weights = { living_wage = 1.5 }
accepted_certifications = { SA8000 = ["child_labour"], "Fair Stone" = ["*"] }
[[risk.overrides]]
country = "Holland"
level = "low"
reason = " audited ourselves "
[[risk.indicators]]
theme = "freedom_of_association"
file = "ituc.csv"
name = " ITUC Global Rights Index "
edition = "2024"
[check]
fail_on = "never"
max_errors = 3
min_visibility = 0.5
min_address_completeness = 1
[match]
threshold = 0.9
review_threshold = 0.6
[diff]
require_exit_reason = true
[ingest]
accept_country_suggestions = true
[limits]
max_rows = 10
"""
    policy = parse_policy(tomllib.loads(text), path)
    assert policy == Policy(
        path=path, company="Tulpveld B.V.", sector="Metals", sector_given=True, columns={"Leverancier": "name"},
        thresholds={"medium": 25, "high": 60, "critical": 90}, audit_max_age_months=12,
        large_workforce=500, theme_weights={"living_wage": 1.5},
        accepted_certifications={"SA8000": ["child_labour"], "Fair Stone": ["*"]},
        overrides=(Override("NL", None, "low", "audited ourselves"),),
        indicators=policy.indicators, fail_on="never", max_errors=3, min_visibility=0.5,
        min_address_completeness=1.0, match_threshold=0.9, review_threshold=0.6,
        require_exit_reason=True, accept_country_suggestions=True, limits=Limits(max_rows=10), lang="nl")
    (indicator,) = policy.indicators
    assert (indicator.file, indicator.name) == (str(tmp_path / "ituc.csv"), "ITUC Global Rights Index")
    assert isinstance(policy.max_errors, int) and isinstance(policy.theme_weights["living_wage"], float)


def _targets(table: Table) -> set[str]:
    out: set[str] = set()
    for fld in table.fields.values():
        assert isinstance(fld, Field) and fld.help.strip(), fld
        if fld.target:
            out.add(fld.target)
        elif isinstance(fld.spec, Table):
            out |= _targets(fld.spec)
    return out


def test_every_policy_setting_has_one_key_with_help():
    # what the loader records, not a setting: the file's path, whether it named the sector
    settable = {f.name for f in dataclasses.fields(Policy)} - {"path", "sector_given"}
    assert _targets(SCHEMA) == settable


def test_an_empty_file_gives_the_defaults_and_load_policy_applies_overrides(tmp_path):
    assert parse_policy({}, "imvo.toml") == Policy(path="imvo.toml")
    (tmp_path / "imvo.toml").write_text("[check]\nfail_on = 'high'\n", encoding="utf-8")
    assert load_policy(near=tmp_path / "list.xlsx").fail_on == "high"
    assert load_policy(near=tmp_path / "list.xlsx", fail_on="medium", max_errors=None).fail_on == "medium"
    (tmp_path / "imvo.toml").write_text("[check\n", encoding="utf-8")
    with pytest.raises(ImvoError, match="not valid TOML"):
        load_policy(tmp_path / "imvo.toml")
