#!/usr/bin/env python3
"""Measure how the risk model ranks: the sample lists and the real Open Supply Hub lists.

Prints, per list and in total: suppliers, distinct priority values, share critical / high
(residual and inherent), data coverage (audit, product, process) and the `imvo check`
outcome with the policy's fail_on and with --fail-on critical (residual risk both times).
Re-run after any change to the model.

Usage: python scripts/measure_risk.py [--shared DIR] [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from imvo_cli.check import CheckOptions, check_file  # noqa: E402
from imvo_cli.mapping import read_and_map  # noqa: E402
from imvo_cli.model import level_rank  # noqa: E402


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "-"


def _cov(value) -> str:
    return "gap" if value is None else f"{100 * value:.0f}%"


def measure(paths: list[Path], as_of: date, title: str) -> None:
    print(f"\n## {title}")
    print("list | suppliers | priorities | critical | high | inherent crit/high | audit | product"
          " (recognised) | process (recognised) | check (policy fail_on) | check --fail-on critical")
    total = Counter()
    keys_all = Counter()
    statuses = Counter()
    for p in paths:
        cm = read_and_map(p, as_of=as_of)
        levels = Counter(a.level for a in cm.risk.values())
        inherent = Counter(a.inherent_level or a.level for a in cm.risk.values())
        n = len(cm.risk)
        cov = cm.summary["coverage"]
        res = check_file(p, CheckOptions(as_of=as_of))
        crit = check_file(p, CheckOptions(as_of=as_of, fail_on="critical"))
        statuses[res.status] += 1
        statuses["critical gate: " + crit.status] += 1
        total.update(suppliers=n, critical=levels["critical"], high=levels["high"],
                     icritical=inherent["critical"], ihigh=inherent["high"])
        for a in cm.risk.values():
            keys_all[(p.name, a.priority)] += 1
            # a level never rests on a column the list lacks: no gap among the main evidence,
            # and without audit columns the site evidence cannot raise a supplier
            if any(e.kind == "gap" for e in a.main_evidence()):
                total["gap as main reason"] += 1
            if not cov["audit"]["column"] and level_rank(a.level) > level_rank(a.inherent_level or a.level):
                total["raised without audit column"] += 1
        print(f"{p.name} | {n} | {cm.summary['priorities']} | {_pct(levels['critical'], n)} | "
              f"{_pct(levels['high'], n)} | {_pct(inherent['critical'], n)}/{_pct(inherent['high'], n)} | "
              f"{_cov(cov['audit']['share'])} | {_cov(cov['product']['share'])} "
              f"({_cov(cov['product']['recognised'])}) | {_cov(cov['process']['share'])} "
              f"({_cov(cov['process']['recognised'])}) | {res.status} | {crit.status}"
              + (f": {crit.reasons[-1][:160]}" if crit.reasons else ""))
    n = total["suppliers"]
    print(f"total: {n} suppliers in {len(paths)} lists; critical {_pct(total['critical'], n)}, "
          f"high {_pct(total['high'], n)} (inherent: critical {_pct(total['icritical'], n)}, "
          f"high {_pct(total['ihigh'], n)}); check: "
          + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
          + f"; gap as main reason: {total['gap as main reason']}, raised although the list has "
            f"no audit column: {total['raised without audit column']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                    help="folder with fixtures/open-supply-hub (default: ../shared)")
    ap.add_argument("--as-of", default="2024-06-01", help="reference date for audit ages")
    args = ap.parse_args(argv)
    as_of = date.fromisoformat(args.as_of)
    sample = REPO / "sample_data"
    measure([sample / "suppliers.xlsx"], as_of, "sample: suppliers.xlsx")
    members = sorted(p for p in (sample / "members").iterdir() if p.suffix in (".xlsx", ".csv"))
    measure(members, as_of, "sample: member lists")
    osh = args.shared / "fixtures" / "open-supply-hub"
    if osh.is_dir():
        measure(sorted(osh.glob("*.csv")), as_of, "Open Supply Hub lists")
    else:
        print(f"\n{osh} not found: real lists skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
