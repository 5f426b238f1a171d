"""Matching precision and recall on hand-labelled pairs from the real Open Supply Hub lists."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures" / "open-supply-hub"


def _measure():
    spec = importlib.util.spec_from_file_location("measure_matching", ROOT / "scripts" / "measure_matching.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.measure(FIXTURES)


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared Open Supply Hub fixtures not present")
def test_precision_and_recall_floors():
    m = _measure()
    assert m["same"] >= 25 and m["different"] >= 500  # the labelled set is still there
    assert m["precision"] >= 0.95, m["mistakes"]
    assert m["recall"] >= 0.85, m["mistakes"]
    # Whatever is not merged must at least reach the Review sheet.
    assert m["recall_with_review"] >= 0.95, m["mistakes"]


def test_synthetic_member_lists_precision_and_recall():
    spec = importlib.util.spec_from_file_location("measure_matching", ROOT / "scripts" / "measure_matching.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    m = mod.measure_synthetic(8, 480)
    assert m["true_pairs"] >= 50  # the generator still shares factories between members
    assert m["precision"] >= 0.95 and m["recall"] >= 0.95, m
