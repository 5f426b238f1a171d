"""Matching precision and recall on hand-labelled pairs from the real Open Supply Hub lists."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures" / "open-supply-hub"


def _measure(labels=None):
    spec = importlib.util.spec_from_file_location("measure_matching", ROOT / "scripts" / "measure_matching.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.measure(FIXTURES, labels or mod.LABELS)


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared Open Supply Hub fixtures not present")
def test_precision_and_recall_floors():
    m = _measure()
    assert m["same"] >= 25 and m["different"] >= 500  # the labelled set is still there
    assert m["precision"] >= 0.97, m["mistakes"]
    assert m["recall"] >= 0.85, m["mistakes"]
    # Whatever is not merged must at least reach the Review sheet.
    assert m["recall_with_review"] >= 0.95, m["mistakes"]


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared Open Supply Hub fixtures not present")
def test_held_out_pairs_from_the_real_lists():
    """The second labelled set, never used to tune: no false merge among its hard negatives
    (namesakes, sister sites, neighbours), and every true pair merged or in review."""
    m = _measure(ROOT / "tests" / "data" / "osh_labelled_pairs_heldout.csv")
    assert m["different"] >= 1000 and m["same"] >= 1  # the labelled set is still there
    assert m["false_merges"] == 0, m["mistakes"]
    assert m["recall_with_review"] >= 0.95, m["mistakes"]
    outcomes = [m[k] for k in ("merged", "in_review", "below_review", "never_compared")]
    assert sum(outcomes) == m["same"]


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared Open Supply Hub fixtures not present")
def test_every_true_pair_is_compared_on_the_tuning_set():
    m = _measure()
    assert m["never_compared"] == 0, m["mistakes"]
    assert m["merged"] + m["in_review"] + m["below_review"] == m["same"]


def test_synthetic_member_lists_precision_and_recall():
    spec = importlib.util.spec_from_file_location("measure_matching", ROOT / "scripts" / "measure_matching.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    m = mod.measure_synthetic(8, 480)
    assert m["true_pairs"] >= 50  # the generator still shares factories between members
    assert m["precision"] >= 0.95 and m["recall"] >= 0.95, m
