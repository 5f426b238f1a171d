"""Where `imvo aggregate` spends its time: reading, normalisation, pair scoring, the rest, writing.

    python benchmarks/aggregate_parts.py MEMBERS_FOLDER [--out sector.xlsx] [--json]

Runs the library's own stages (the functions `aggregate()` is made of) one after the other in
this process, once, and prints the CPU seconds of each (time.process_time, so other jobs on a
shared machine count less than in wall time):
    read.prescan     zip and XML checks of every file (readers.read_sheets), timed on its own
    read.rows        the rest of reading: sheet load, normalising every cell, suppliers
    records          match records (name, address and country normalised for matching)
    blocking         candidate pairs (match.blocking), timed on its own
    scoring          pair scores and clusters (match_records minus blocking)
    risk             every record's assessment (risk.assess_supplier), timed on its own first
    facilities       the rest of building facilities (the assessments now come from the
                     assessor's caches): ids, names, shares, summaries, review pairs
    write            the sector workbook
aggregate_total is read + records + matching + risk + facilities: what `aggregate()` does.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _cpu(fn, *args, **kwargs):
    """(result, CPU seconds) of one call, the collector settled first."""
    gc.collect()  # an explicit collection runs while the collector is paused too
    t = time.process_time()
    result = fn(*args, **kwargs)
    return result, time.process_time() - t


def measure(folder: Path, out: Path) -> dict[str, float]:
    """CPU seconds per stage of aggregating the member lists in `folder`."""
    from imvo_cli import aggregate as agg
    from imvo_cli.ingest import gc_paused
    from imvo_cli.policy import Policy

    policy = Policy()
    files = agg.member_files([folder])
    # aggregate() and the workbook writer pause the cyclic collector; so do the stages here.
    with gc_paused():
        return _stages(files, policy, out)


def _stages(files, policy, out: Path) -> dict[str, float]:
    from imvo_cli import aggregate as agg
    from imvo_cli.export.sector import write_sector_workbook
    from imvo_cli.ingest.readers import read_sheets
    from imvo_cli.match import blocking, match_records
    from imvo_cli.risk import assess_supplier, load_profile

    parts: dict[str, float] = {}
    _, parts["read.prescan"] = _cpu(lambda: [read_sheets(p, policy.limits) for p in files])
    read, read_all = _cpu(agg.read_members, files, policy)
    parts["read.rows"] = max(read_all - parts["read.prescan"], 0.0)
    located, parts["records"] = _cpu(agg.locations, read.lists)
    _, parts["blocking"] = _cpu(blocking, located.records)
    clustering, matching = _cpu(match_records, located.records, policy.match_threshold,
                                policy.review_threshold, None)
    parts["scoring"] = max(matching - parts["blocking"], 0.0)
    profile = load_profile(policy.sector)
    today = date.today()  # the day facilities() assesses on, so its assessor is the one warmed
    _, parts["risk"] = _cpu(lambda: [assess_supplier(s, profile, policy, today, cols)
                                     for (_, s), cols in zip(located.owners, located.columns_of)])

    def build():
        found = agg.facilities(located, clustering, profile, policy)
        return agg.AggregateResult(
            members=read.members, facilities=found, review=agg.review_pairs(located, clustering),
            issues=read.issues, countries=agg.country_rows(found, tuple(profile.themes)),
            themes=tuple(profile.themes), sector=policy.sector,
            threshold=policy.match_threshold, review_threshold=policy.review_threshold)

    result, parts["facilities"] = _cpu(build)
    _, parts["write"] = _cpu(write_sector_workbook, result, out)
    parts["aggregate_total"] = (read_all + parts["records"] + matching + parts["risk"]
                                + parts["facilities"])
    parts["rows"] = float(sum(sl.rows for _, sl in read.lists))
    return {k: round(v, 3) for k, v in parts.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path, default=None, help="sector workbook to write")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        parts = measure(args.folder, args.out or Path(tmp) / "sector.xlsx")
    if args.json:
        print(json.dumps(parts))
        return 0
    total = sum(v for k, v in parts.items() if k not in ("aggregate_total", "rows"))
    for k, v in parts.items():
        share = f"{100 * v / total:5.1f}%" if k not in ("aggregate_total", "rows") else ""
        print(f"{k:<18}{v:>10.3f} {share}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
