"""Measure facility-matching precision and recall on the hand-labelled Open Supply Hub pairs.

Runs imvo's matcher over all the fixture lists at once (as `imvo aggregate` would, each list
one member), then checks every labelled pair: predicted "same" when both records end up in
one facility. Pairs labelled "unsure" are left out. Coordinates in the lists are not used.

    python scripts/measure_matching.py [--threshold 0.86] [--review-threshold 0.70] [--show]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imvo_cli.ingest import read_suppliers  # noqa: E402
from imvo_cli.match import make_record, match_records  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "open-supply-hub"
LABELS = ROOT / "tests" / "data" / "osh_labelled_pairs.csv"


def measure(fixtures: Path = FIXTURES, labels: Path = LABELS, threshold: float = 0.86,
            review_threshold: float = 0.70) -> dict:
    records, where = [], {}
    for f in sorted(fixtures.glob("*.csv")):
        for s in read_suppliers(f).suppliers:
            where[(f.name, s.rows[0])] = len(records)
            records.append(make_record(len(records), s.name, s.country, s.address, s.city,
                                       s.postal_code, s.os_id))
    result = match_records(records, threshold, review_threshold)
    group_of = {i: g for g, members in enumerate(result.groups) for i in members}
    in_review = {frozenset((ln.a, ln.b)) for ln in result.review}
    tp = fp = fn = tn = reviewed_fn = 0
    mistakes = []
    for row in csv.DictReader(labels.open(encoding="utf-8")):
        if row["label"] == "unsure":
            continue
        a = where[(row["a_file"], int(row["a_row"]))]
        b = where[(row["b_file"], int(row["b_row"]))]
        predicted = group_of[a] == group_of[b]
        actual = row["label"] == "same"
        if predicted and actual:
            tp += 1
        elif predicted:
            fp += 1
            mistakes.append(("false merge", row))
        elif actual:
            fn += 1
            reviewed_fn += frozenset((a, b)) in in_review
            mistakes.append(("missed", row))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"records": len(records), "facilities": len(result.groups), "pairs": tp + fp + fn + tn,
            "same": tp + fn, "different": fp + tn, "true_merges": tp, "false_merges": fp,
            "missed": fn, "missed_but_in_review": reviewed_fn, "precision": round(precision, 3),
            "recall": round(recall, 3),
            "recall_with_review": round((tp + reviewed_fn) / (tp + fn), 3) if tp + fn else 1.0,
            "review_pairs": len(result.review), "mistakes": mistakes}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, default=0.86)
    ap.add_argument("--review-threshold", type=float, default=0.70)
    ap.add_argument("--show", action="store_true", help="list the mistakes")
    args = ap.parse_args(argv)
    m = measure(threshold=args.threshold, review_threshold=args.review_threshold)
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
