"""The JSON documents name every embedded source with its edition and licence, and each
evidence item's source can be found among them by the text it cites."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from imvo_cli.cli import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "suppliers.xlsx"


def _check(doc: dict) -> None:
    sources = {s["cited_as"]: s for s in doc["sources"]}
    assert {s["licence"] for s in doc["sources"]} >= {"CC BY 4.0"}
    assert all(s["name"] and s["edition"] and s["url"] and s["licence"] for s in doc["sources"])
    for e in doc["evidence"]:
        if e["rule"] in ("dol-listed-good", "dol-country-profile", "governance-baseline"):
            assert e["source"] in sources, e
        elif e["rule"] == "legal-presumption":  # cites the Act, which the region table's entry names
            act = e["source"].rsplit(" (", 1)[0]
            assert any(act in s["edition"] for s in doc["sources"]), e


def test_map_json_lists_the_sources_with_their_licence():
    r = runner.invoke(app, ["map", str(SAMPLE), "-f", "json", "--as-of", "2024-06-01"])
    doc = json.loads(r.stdout)
    _check(doc)
    assert {"dol-listed-good", "governance-baseline", "legal-presumption"} <= {
        e["rule"] for e in doc["evidence"]}


def test_risk_json_lists_the_sources_with_their_licence():
    r = runner.invoke(app, ["risk", "China", "--product", "cotton", "--region", "Xinjiang",
                            "-f", "json"])
    _check(json.loads(r.stdout))
