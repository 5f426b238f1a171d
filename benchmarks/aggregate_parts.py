"""Where `imvo aggregate` spends its time: reading, normalisation, pair scoring, the rest, writing.

    python benchmarks/aggregate_parts.py MEMBERS_FOLDER [--out sector.xlsx] [--json]

Runs the library's own stages one after the other in this process and prints the CPU seconds
of each (time.process_time, so other jobs on a shared machine count less than in wall time):
    read.prescan     zip and XML checks of every file (readers.read_sheets)
    read.rows        the rest of reading: sheet load, normalising every cell, suppliers
    records          match records (name, address and country normalised for matching)
    blocking         candidate pairs (match.block.candidate_pairs)
    scoring          pair scores and clusters (match_records minus blocking)
    rest             aggregate() minus all of the above (risk, summaries, ids)
    write            the sector workbook
The stages are measured separately, so `aggregate()` runs once more in full for `rest`.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _cpu(fn, *args, **kwargs):
    """(result, CPU seconds) of one call, the collector settled first."""
    gc.collect()
    t = time.process_time()
    result = fn(*args, **kwargs)
    return result, time.process_time() - t


def measure(folder: Path, out: Path) -> dict[str, float]:
    """CPU seconds per stage of aggregating the member lists in `folder`."""
    from imvo_cli.aggregate import aggregate, member_files
    from imvo_cli.export.sector import write_sector_workbook
    from imvo_cli.ingest import read_suppliers
    from imvo_cli.ingest.readers import read_sheets
    from imvo_cli.match import make_record, match_records
    from imvo_cli.match.block import candidate_pairs
    from imvo_cli.policy import Policy

    policy = Policy()
    files = member_files([folder])
    parts: dict[str, float] = {}
    _, parts["read.prescan"] = _cpu(lambda: [read_sheets(p, policy.limits) for p in files])
    lists, read_all = _cpu(lambda: [read_suppliers(p, policy=policy) for p in files])
    parts["read.rows"] = max(read_all - parts["read.prescan"], 0.0)

    def records_of():
        out_records = []
        for sl in lists:
            for s in sl.suppliers:
                out_records.append(make_record(len(out_records), s.name, s.country, s.address,
                                               s.city, s.postal_code, s.os_id))
        return out_records

    records, parts["records"] = _cpu(records_of)
    _, parts["blocking"] = _cpu(candidate_pairs, records)
    _, matching = _cpu(match_records, records, policy.match_threshold, policy.review_threshold,
                       None)
    parts["scoring"] = max(matching - parts["blocking"], 0.0)
    result, whole = _cpu(aggregate, [folder], policy)
    parts["rest"] = max(whole - read_all - parts["records"] - matching, 0.0)
    _, parts["write"] = _cpu(write_sector_workbook, result, out)
    parts["aggregate_total"] = whole
    parts["rows"] = float(sum(sl.rows for sl in lists))
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
