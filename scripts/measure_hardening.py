"""Measure what the hardening costs: reading in a worker process vs in-process, and peak memory.

    python scripts/measure_hardening.py LIST.xlsx [--repeat 3] [--commands]

Reading: `read_suppliers` of the list, minimum of K fresh processes, with the reader in its
worker process (the default) and in the command's own process (IMVO_PARSE_IN_PROCESS=1).
With --commands: peak resident memory (the process and its children) of every command on
the list. Every figure is from this machine and run; nothing is estimated.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

PY = sys.executable
_READ = textwrap.dedent("""
    import json, resource, sys, time
    from imvo_cli.ingest import read_suppliers
    t = time.perf_counter()
    sl = read_suppliers(sys.argv[1])
    dt = time.perf_counter() - t
    from imvo_cli.ingest import isolate
    if isolate._worker is not None:
        isolate._stop(isolate._worker)  # reaped, so its peak counts in RUSAGE_CHILDREN
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": dt, "rows": sl.rows, "rss_mb": own, "child_rss_mb": kids}))
""")
_WRAP = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    t = time.perf_counter()
    p = subprocess.run(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    print(json.dumps({"seconds": time.perf_counter() - t, "rc": p.returncode,
                      "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      "stderr": p.stderr.decode("utf-8", "replace")[-300:]}))
""")


def read_cost(path: Path, repeat: int) -> dict:
    out = {}
    for mode, env in (("worker", "0"), ("in-process", "1")):
        runs = []
        for _ in range(repeat):
            r = subprocess.run([PY, "-c", _READ, str(path)], capture_output=True, text=True,
                               check=True, env={**os.environ, "IMVO_PARSE_IN_PROCESS": env})
            runs.append(json.loads(r.stdout))
        best = min(runs, key=lambda r: r["seconds"])
        out[mode] = {"seconds": round(best["seconds"], 3), "rows": best["rows"],
                     "rss_mb": round(max(r["rss_mb"] for r in runs)),
                     "child_rss_mb": round(max(r["child_rss_mb"] for r in runs))}
    return out


def command_memory(path: Path) -> dict:
    """Peak RSS (MB) of each command: ru_maxrss of the command's whole process tree's largest."""
    tmp = Path(tempfile.mkdtemp(prefix="imvo-measure-"))
    imvo = [PY, "-m", "imvo_cli"]
    cmds = {
        "validate": imvo + ["validate", str(path), "--format", "json"],
        "map --format json": imvo + ["map", str(path), "--format", "json"],
        "map --export": imvo + ["map", str(path), "--export", str(tmp / "a.xlsx"), "--format", "json"],
        "map --html": imvo + ["map", str(path), "--html", str(tmp / "a.html"), "--format", "json"],
        "map --graph graphml": imvo + ["map", str(path), "--graph", str(tmp / "g.graphml"), "--format", "json"],
        "map --graph gexf": imvo + ["map", str(path), "--graph", str(tmp / "g.gexf"), "--format", "json"],
        "check --jobs 1": imvo + ["check", str(path), "--jobs", "1", "--format", "json"],
        "aggregate": imvo + ["aggregate", str(path), "--format", "json"],
    }
    out = {}
    for name, cmd in cmds.items():
        r = json.loads(subprocess.run([PY, "-c", _WRAP, json.dumps(cmd)], capture_output=True,
                                      text=True, check=True).stdout)
        out[name] = {"seconds": round(r["seconds"], 1), "rc": r["rc"], "rss_mb": round(r["rss_mb"])}
        print(f"{name:22} rc={r['rc']} {r['seconds']:7.1f} s  peak {r['rss_mb']:7.0f} MB", flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--commands", action="store_true")
    args = ap.parse_args()
    cost = read_cost(args.path, args.repeat)
    w, i = cost["worker"], cost["in-process"]
    print(f"read {w['rows']:,} rows: worker {w['seconds']:.2f} s (parent {w['rss_mb']} MB, worker "
          f"{w['child_rss_mb']} MB), in-process {i['seconds']:.2f} s ({i['rss_mb']} MB): "
          f"+{w['seconds'] - i['seconds']:.2f} s ({(w['seconds'] / i['seconds'] - 1):+.0%})")
    if args.commands:
        command_memory(args.path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
