"""`imvo risk` as a library: the document the command prints is the library's."""

from __future__ import annotations

import orjson
import pytest
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.model import ImvoError
from imvo_cli.policy import Policy
from imvo_cli.risk.document import SCHEMA, country_risk


def test_cli_json_is_the_library_document():
    doc = country_risk("Bangladesh", Policy(), product="garments", process="dyeing")
    assert doc["schema"] == SCHEMA and doc["country"] == "BD" and doc["sector"] == "textile"
    ids = {e["id"] for e in doc["evidence"]}
    assert doc["themes"] and all(set(t["evidence"]) <= ids for t in doc["themes"])
    res = CliRunner().invoke(app, ["risk", "Bangladesh", "--product", "garments", "--process",
                                   "dyeing", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert orjson.loads(res.stdout) == doc


def test_sector_beats_the_policy_and_an_unknown_country_is_a_usage_error():
    metals = country_risk("IN", Policy(sector="textile"), product="gold", sector="metals")
    assert metals["sector"] == "metals" and "mercury" in {t["theme"] for t in metals["themes"]}
    with pytest.raises(ImvoError) as exc:
        country_risk("Bangladsh", Policy())
    assert exc.value.code == "unknown-country" and "Bangladesh" in (exc.value.hint or "")
