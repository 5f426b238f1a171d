"""The chain map: company name, summary, upstream risk and the imvo.map/3 document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import imvo_cli.mapping as mapping
from imvo_cli.graph import COMPANY_ID
from imvo_cli.ingest import read_suppliers
from imvo_cli.mapping import SUMMARY_KEYS, build_chain_map, company_name, map_document, read_and_map
from imvo_cli.model import RiskAssessment
from imvo_cli.policy import Policy
from imvo_cli.report.jsonout import dumps, dumps_compact

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "chains.csv"


@pytest.fixture(scope="module")
def supplier_list():
    return read_suppliers(SAMPLE)


def by_source(chain_map) -> dict[str, str]:
    return {s.source_id: s.id for s in chain_map.suppliers.values()}


def test_company_name_rule(supplier_list):
    assert company_name(supplier_list, "Given BV", Policy(company="Toml BV")) == "Given BV"
    assert company_name(supplier_list, None, Policy(company="Toml BV")) == "Toml BV"
    supplier_list_with_cell = read_suppliers(SAMPLE)
    supplier_list_with_cell.company = "Cell BV"
    assert company_name(supplier_list_with_cell, None, Policy()) == "Cell BV"
    assert company_name(supplier_list, None, Policy()) == "chains"


def test_company_name_from_policy_file_and_metadata_cell(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Company:", "Tulip Fashion"])
    ws.append([])
    ws.append(["Name", "Country", "Address"])
    ws.append(["Alpha", "India", "1 Road"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    assert read_and_map(path).company.name == "Tulip Fashion"
    (tmp_path / "imvo.toml").write_text('[company]\nname = "Toml Brand"\n', encoding="utf-8")
    cm = read_and_map(path, policy=None)
    assert cm.company.name == "Toml Brand"
    assert read_and_map(path, company="Cli Brand").company == type(cm.company)(COMPANY_ID, "Cli Brand")


def test_summary_has_the_map_keys(supplier_list):
    cm = build_chain_map(supplier_list, company="Acme BV")
    for key in SUMMARY_KEYS:
        assert key in cm.summary
    levels = [a.level for a in cm.risk.values()]
    assert cm.summary["risk"] == {lvl: levels.count(lvl) for lvl in
                                  ("critical", "high", "medium", "low", "unknown")}
    assert sum(cm.summary["risk"].values()) == 11
    assert cm.summary["rows_rejected"] == 0
    assert cm.summary["countries"] == 7
    assert cm.summary["suppliers_per_tier"]["1"] == 4


def _fake_assess(levels_by_country):
    """A stand-in for risk.assess_suppliers: each supplier's level from its country."""
    def assess(suppliers, profile, policy, as_of=None, columns=None):
        return {s.id: RiskAssessment(level=levels_by_country.get(s.country, "unknown"))
                for s in suppliers}
    return assess


def test_upstream_risk_is_the_worst_above_with_its_path(supplier_list, monkeypatch):
    monkeypatch.setattr(mapping, "assess_suppliers", _fake_assess(
        {"UZ": "critical", "IN": "medium", "TR": "low", "BD": "high", "VN": "high"}))
    cm = build_chain_map(supplier_list, company="Acme BV")
    ids = by_source(cm)
    t1 = cm.risk[ids["T1"]]
    assert t1.level == "high"
    assert t1.upstream_level == "critical"
    # from the cotton farm down to T1's direct supplier
    assert t1.upstream_path == [ids["C1"], ids["Y1"], ids["F1"]]
    # raw material at the top: nothing upstream
    assert cm.risk[ids["C1"]].upstream_level is None
    assert cm.risk[ids["C1"]].upstream_path == []
    # F2 only has W1 (BD, high) above it
    assert cm.risk[ids["F2"]].upstream_level == "high"
    assert cm.risk[ids["F2"]].upstream_path == [ids["W1"]]
    # inside a circle the other member is upstream
    assert cm.risk[ids["L1"]].upstream_level == "high"
    assert cm.summary["risk"]["critical"] == 1


def test_upstream_unknown_when_no_level_known(supplier_list, monkeypatch):
    monkeypatch.setattr(mapping, "assess_suppliers", _fake_assess({}))
    cm = build_chain_map(supplier_list)
    ids = by_source(cm)
    assert cm.risk[ids["T1"]].upstream_level == "unknown"
    assert cm.risk[ids["T1"]].upstream_path == []


def test_map_document_shape(supplier_list):
    cm = build_chain_map(supplier_list, company="Acme BV")
    doc = map_document(cm)
    assert list(doc) == ["schema", "company", "source", "summary", "sources", "evidence",
                         "assessments", "nodes", "edges", "issues"]
    assert doc["schema"] == "imvo.map/3"
    assert doc["company"] == {"id": "COMPANY", "name": "Acme BV"}
    assert doc["source"] == {"file": str(SAMPLE), "sheet": None, "rows": 11}
    assert list(doc["summary"]) == list(SUMMARY_KEYS)
    assert len(doc["nodes"]) == 11 and all(n["id"] != "COMPANY" for n in doc["nodes"])
    node = doc["nodes"][0]
    assert set(node) == {"id", "name", "country", "tier", "declared_tier", "process", "product",
                         "rows", "risk", "evidence", "attributes"}
    assert set(node["risk"]) == {"level", "score", "inherent_level", "inherent_score", "severity",
                                 "priority", "main", "assessment", "upstream_level"}
    # each distinct evidence item is in the document's table once; nodes and themes refer to it
    table = {e["id"]: e for e in doc["evidence"]}
    assert len(table) == len(doc["evidence"])
    items = [tuple(sorted((k, str(v)) for k, v in e.items() if k != "id")) for e in doc["evidence"]]
    assert len(items) == len(set(items))
    ids = node["evidence"]
    assert ids and len(ids) == len(set(ids)) and set(ids) <= set(table)
    assert set(node["risk"]["main"]) <= set(ids)
    referenced = {i for n in doc["nodes"] for i in n["evidence"]}
    assert referenced == set(table)  # no item is listed that no node refers to
    # each distinct assessment once (a1, a2, ... in order of first reference); a node's themes
    # are its assessment's, the evidence positions read in the node's own evidence list
    assessments = {x["id"]: x for x in doc["assessments"]}
    assert [x["id"] for x in doc["assessments"]] == [f"a{i}" for i in range(1, len(assessments) + 1)]
    first_use = list(dict.fromkeys(n["risk"]["assessment"] for n in doc["nodes"]))
    assert first_use == list(assessments)
    texts = [json.dumps(x["themes"], sort_keys=True) for x in doc["assessments"]]
    assert len(texts) == len(set(texts))
    for n in doc["nodes"]:
        a = cm.risk[n["id"]]
        themes = assessments[n["risk"]["assessment"]]["themes"]
        assert list(themes) == sorted(a.themes)
        for key, t in themes.items():
            assert (t["level"], t["score"]) == (a.themes[key].level, a.themes[key].score)
            got = [table[n["evidence"][p]] for p in t["evidence"]]
            want = [a.evidence[i] for i in a.themes[key].evidence]
            assert [(e["rule"], e["evidence"]) for e in got] == [(e.rule, e.value) for e in want]
    assert any(e["target"] == "COMPANY" for e in doc["edges"])
    node_ids = {n["id"] for n in doc["nodes"]} | {"COMPANY"}
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in doc["edges"])
    issue = doc["issues"][0]
    assert set(issue) == {"severity", "code", "sheet", "row", "column", "message", "hint"}
    json.loads(dumps(doc))  # serialisable


def test_every_row_is_in_a_node_or_an_issue(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Name,Country,Supplies to\nAlpha,India,\n,Turkey,\nBeta,Atlantis,Alpha\n",
                    encoding="utf-8")
    doc = map_document(read_and_map(path))
    node_rows = {r for n in doc["nodes"] for r in n["rows"]}
    error_rows = {i["row"] for i in doc["issues"] if i["severity"] == "error"}
    assert node_rows | error_rows == {2, 3, 4}
    assert doc["summary"]["rows_rejected"] == 2


def test_same_input_same_bytes_regardless_of_row_order(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "chains.csv"
    shuffled.write_text("\n".join([lines[0]] + lines[1:][::-1]) + "\n", encoding="utf-8")
    a = map_document(read_and_map(SAMPLE))
    b = map_document(read_and_map(shuffled))
    # rows differ by position; everything else (ids, edges, tiers, risk) is the same
    strip = lambda d: [{k: v for k, v in n.items() if k != "rows"} for n in d["nodes"]]
    assert strip(a) == strip(b)
    assert a["edges"] == b["edges"]
    assert dumps(map_document(read_and_map(SAMPLE))) == dumps(a)


def test_streamed_compact_json_equals_the_document(monkeypatch):
    import io

    cm = read_and_map(SAMPLE, company="Acme \u00c9 BV")
    monkeypatch.setattr(mapping, "COMPACT_ABOVE", 3)
    out = io.StringIO()
    mapping.write_map_json(cm, out)
    text = out.getvalue()
    assert text == dumps_compact(map_document(cm)).decode("utf-8") + "\n"
    assert json.loads(text) == json.loads(dumps(map_document(cm)))
    # written to a binary buffer under a text stream (stdout): the same bytes
    raw = io.BytesIO()
    wrapper = io.TextIOWrapper(raw, encoding="utf-8")
    mapping.write_map_json(cm, wrapper)
    wrapper.flush()
    assert raw.getvalue() == text.encode("utf-8")
