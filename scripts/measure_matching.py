"""Measure facility-matching precision and recall on the hand-labelled Open Supply Hub pairs,
and on synthetic member lists where the true facility of every row is known.

Real: runs imvo's matcher over all the fixture lists at once (as `imvo aggregate` would, each
list one member), then checks every labelled pair: predicted "same" when both records end up
in one facility. Pairs labelled "unsure" are left out. Coordinates in the lists are not used.
Two labelled sets: the first (tests/data/osh_labelled_pairs.csv), on which the thresholds were
tuned (in-sample), and a held-out one (osh_labelled_pairs_heldout.csv, out-of-sample; see
scripts/label_osh_pairs.py --heldout). Every true pair ends in one of four places, reported
apart: merged; in review (a review pair joins its two facilities); scored below review; never
compared (blocking did not put the two side by side).

Synthetic (--synthetic): `make_sample_data.member_lists` (a fifth of each member's rows name a
factory 1-3 other members list too, respelled: legal form, case, spacing, accents, address
abbreviations). Pairwise: every pair of rows of one true facility is a true pair; precision =
true pairs merged / pairs merged, recall = true pairs merged / true pairs. Its names come from
a small word list per country, so large lists hold many "Unit 2", "Unit 3" sister names: a
harder test than real lists for precision. --timing adds the matching time (min of 3 runs).

    python scripts/measure_matching.py [--threshold 0.86] [--review-threshold 0.70] [--show]
    python scripts/measure_matching.py --synthetic [--timing] [--growth]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imvo_cli.ingest import read_suppliers  # noqa: E402
from imvo_cli.match import blocking, make_record, match_records  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "open-supply-hub"
LABELS = ROOT / "tests" / "data" / "osh_labelled_pairs.csv"
HELDOUT = ROOT / "tests" / "data" / "osh_labelled_pairs_heldout.csv"
OUTCOMES = ("merged", "in_review", "below_review", "never_compared")


def measure(fixtures: Path = FIXTURES, labels: Path = LABELS, threshold: float = 0.86,
            review_threshold: float = 0.70) -> dict:
    records, where = [], {}
    for f in sorted(fixtures.glob("*.csv")):
        for s in read_suppliers(f).suppliers:
            where[(f.name, s.rows[0])] = len(records)
            records.append(make_record(len(records), s.name, s.country, s.address, s.city,
                                       s.postal_code, s.os_id))
    result = match_records(records, threshold, review_threshold)
    view = blocking(records)
    group_of = {i: g for g, members in enumerate(result.groups) for i in members}
    # A review pair puts two facilities side by side: a person who says "same" joins them.
    reviewed = {frozenset((group_of[ln.a], group_of[ln.b])) for ln in result.review}
    tp = fp = tn = 0
    outcomes = dict.fromkeys(OUTCOMES, 0)
    mistakes = []
    for row in csv.DictReader(labels.open(encoding="utf-8")):
        if row["label"] == "unsure":
            continue
        a = where[(row["a_file"], int(row["a_row"]))]
        b = where[(row["b_file"], int(row["b_row"]))]
        predicted = group_of[a] == group_of[b]
        if row["label"] != "same":
            fp += predicted
            tn += not predicted
            if predicted:
                mistakes.append(("false merge", row))
            continue
        outcome = outcome_of(a, b, group_of, reviewed, view, review_threshold)
        outcomes[outcome] += 1
        tp += outcome == "merged"
        if outcome != "merged":
            mistakes.append((outcome.replace("_", " "), row))
    same = sum(outcomes.values())
    return {"records": len(records), "facilities": len(result.groups), "pairs": same + fp + tn,
            "same": same, "different": fp + tn, "true_merges": tp, "false_merges": fp,
            **outcomes,
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / same, 3) if same else 1.0,
            "recall_with_review": round((tp + outcomes["in_review"]) / same, 3) if same else 1.0,
            "review_pairs": len(result.review), "mistakes": mistakes}


def outcome_of(a: int, b: int, group_of: dict, reviewed: set, view, review_threshold: float) -> str:
    """Where a true pair ended: merged, in review, scored below review, or never compared."""
    ga, gb = group_of[a], group_of[b]
    if ga == gb:
        return "merged"
    if frozenset((ga, gb)) in reviewed:
        return "in_review"
    return "below_review" if view.compared(a, b) else "never_compared"


def synthetic_records(members: int, rows: int, seed: int = 12):
    """Match records of generated member lists, and the true facility of each."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_sample_data import member_lists

    from imvo_cli.countries import to_iso2

    records, truth = [], []
    for ml in member_lists(members, rows, shared_fraction=0.2, seed=seed):
        for row, facility in zip(ml.rows, ml.facilities):
            records.append(make_record(len(records), row["name"], to_iso2(row["country"]),
                                       row.get("address"), row.get("city"),
                                       row.get("postal_code"), None))
            truth.append(facility)
    return records, truth


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def measure_synthetic(members: int = 8, rows: int = 480, seed: int = 12, threshold: float = 0.86,
                      review_threshold: float = 0.70) -> dict:
    """Pairwise precision and recall of the merges against the generator's true facilities."""
    records, truth = synthetic_records(members, rows, seed)
    result = match_records(records, threshold, review_threshold)
    group_of = {i: g for g, m in enumerate(result.groups) for i in m}
    true_pairs = sum(_pairs(n) for n in Counter(truth).values())
    merged = sum(_pairs(len(g)) for g in result.groups)
    true_merged = sum(_pairs(n) for n in Counter((group_of[i], t) for i, t in enumerate(truth)).values())
    review_true = sum(1 for ln in result.review if truth[ln.a] == truth[ln.b])
    view = blocking(records)
    reviewed = {frozenset((group_of[ln.a], group_of[ln.b])) for ln in result.review}
    outcomes = dict.fromkeys(OUTCOMES, 0)
    rows_of: dict = {}
    for i, t in enumerate(truth):
        rows_of.setdefault(t, []).append(i)
    for rows_ in rows_of.values():
        for x in range(len(rows_)):
            for y in range(x + 1, len(rows_)):
                a, b = rows_[x], rows_[y]
                outcomes[outcome_of(a, b, group_of, reviewed, view, review_threshold)] += 1
    return {"members": members, "rows": len(records), "true_facilities": len(set(truth)),
            **{f"true_pairs_{k}": v for k, v in outcomes.items()},
            "facilities": len(result.groups), "true_pairs": true_pairs, "merged_pairs": merged,
            "true_merges": true_merged, "false_merges": merged - true_merged,
            "missed": true_pairs - true_merged,
            "precision": round(true_merged / merged, 3) if merged else 1.0,
            "recall": round(true_merged / true_pairs, 3) if true_pairs else 1.0,
            "review_pairs": len(result.review), "review_pairs_truly_same": review_true}


def candidate_growth(rows: int, members: int = 300, seed: int = 12) -> int:
    """Candidate pairs blocking keeps for `rows` synthetic records."""
    records, _ = synthetic_records(members, rows, seed)
    return len(blocking(records).pairs)


def time_matching(rows: int, members: int = 300, seed: int = 12, runs: int = 3) -> float:
    """Seconds to match `rows` synthetic records (min of `runs`), normalisation excluded."""
    records, _ = synthetic_records(members, rows, seed)
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        match_records(records)
        best = min(best, time.perf_counter() - t)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, default=0.86)
    ap.add_argument("--review-threshold", type=float, default=0.70)
    ap.add_argument("--show", action="store_true", help="list the mistakes")
    ap.add_argument("--synthetic", action="store_true",
                    help="measure on generated member lists (8 members/480 rows, 300/10,000)")
    ap.add_argument("--timing", action="store_true",
                    help="with --synthetic: matching time at 10,000 and 100,000 rows")
    ap.add_argument("--growth", action="store_true",
                    help="with --synthetic: candidate pairs at 10,000, 50,000 and 100,000 rows")
    args = ap.parse_args(argv)
    if args.synthetic:
        for members, rows in ((8, 480), (300, 10_000)):
            m = measure_synthetic(members, rows, threshold=args.threshold,
                                  review_threshold=args.review_threshold)
            print(" ".join(f"{k}={v}" for k, v in m.items()))
        if args.growth:
            for rows in (10_000, 50_000, 100_000):
                n = candidate_growth(rows)
                print(f"rows={rows} candidate_pairs={n} per_row={n / rows:.2f}")
        if args.timing:
            small, large = time_matching(10_000), time_matching(100_000)
            print(f"matching 10,000 rows {small:.2f}s, 100,000 rows {large:.2f}s, "
                  f"growth {large / small:.1f}x")
        return 0
    for title, labels in (("in-sample (thresholds tuned here)", LABELS),
                          ("out-of-sample (held out)", HELDOUT)):
        if not labels.is_file():
            continue
        m = measure(labels=labels, threshold=args.threshold,
                    review_threshold=args.review_threshold)
        print(f"== {labels.name}: {title}")
        for k, v in m.items():
            if k != "mistakes":
                print(f"{k:22} {v}")
        if args.show:
            for kind, row in m["mistakes"]:
                print(f"{kind}: {row['a_name']} | {row['a_address'][:50]}\n    {row['b_name']} | "
                      f"{row['b_address'][:50]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
