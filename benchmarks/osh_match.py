"""Benchmark `imvo osh-match`: a supplier list against a generated Open Supply Hub download.

    python benchmarks/osh_match.py [--suppliers 10000] [--facilities 500000] [--json FILE]

The list comes from the sample generator (scripts/make_sample_data.py), the download from
scripts/make_osh_gazetteer.py: the list's locations planted as perturbed copies among filler
facilities. Inputs go to benchmarks/out/ (not committed). The match runs in a fresh process on
one core; the figures are its wall time, CPU time (user + system: the honest figure on a busy
machine) and peak resident memory, and precision and recall of
the sure matches against the planted OS IDs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"


def inputs(suppliers: int, facilities: int, out: Path = OUT) -> tuple[Path, Path, Path]:
    sys.path.insert(0, str(REPO / "scripts"))
    sys.path.insert(0, str(REPO))
    import make_osh_gazetteer as gaz
    import make_sample_data as gen

    folder = out / f"osh_{suppliers}_{facilities}"
    folder.mkdir(parents=True, exist_ok=True)
    listing, download, truth = folder / "suppliers.csv", folder / "download.csv", folder / "truth.csv"
    if not (listing.exists() and download.exists() and truth.exists()):
        gen.write_csv(gen.supplier_rows(suppliers, seed=5), listing)
        plants = gaz.read_plants(listing)
        gaz.generate(download, max(0, facilities - len(plants)), seed=11, plant=plants,
                     truth=truth)
    return listing, download, truth


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suppliers", type=int, default=10_000)
    ap.add_argument("--facilities", type=int, default=500_000)
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--out", type=Path, default=OUT, help="folder for the generated inputs")
    args = ap.parse_args(argv)
    listing, download, truth = inputs(args.suppliers, args.facilities, args.out)
    result = listing.parent / "result.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "imvo_cli", "osh-match", str(listing), "--facilities",
           str(download), "--format", "json"]
    if hasattr(os, "sched_setaffinity"):  # one core
        cmd = ["taskset", "-c", "0", *cmd] if _has("taskset") else cmd
    start = time.perf_counter()
    with open(result, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env,
                              check=False)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
        return proc.returncode
    doc = json.loads(result.read_text(encoding="utf-8"))
    with open(truth, encoding="utf-8") as fh:
        planted = dict(csv.reader(fh))
    planted.pop("supplier_id", None)
    sure = [m for m in doc["matches"] if m["status"] == "matched"]
    right = sum(1 for m in sure if planted.get(m["supplier_id"]) == m["os_id"])
    figures = {"suppliers": len(doc["matches"]), "download_rows": doc["summary"]["download_rows"],
               "seconds": round(seconds, 1),
               "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
               "peak_rss_mb": round(peak_mb),
               "sure_matches": len(sure), "review": doc["summary"]["review"],
               "precision": round(right / len(sure), 4) if sure else None,
               "recall": round(right / len(planted), 4) if planted else None}
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def _has(program: str) -> bool:
    from shutil import which

    return which(program) is not None


if __name__ == "__main__":
    sys.exit(main())
