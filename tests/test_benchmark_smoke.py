"""The benchmark script runs end to end at a small size, so it never rots.

CI times nothing: this only checks that every floor and command runs and the JSON has its
documented shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runs_at_200_rows_and_writes_its_json(tmp_path):
    out = tmp_path / "bench.json"
    # --quick (one run each, no --help or one-job figures) over 3 member files: every step of
    # the benchmark runs, at a size that keeps this test cheap.
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--rows", "200",
                           "--quick", "--members", "3", "--out", str(tmp_path / "work"),
                           "--json", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) >= {"rows", "floors", "imvo", "ratios", "peak_rss_mb"}
    assert result["rows"] == 200 and result["repeat"] == 1
    assert {"openpyxl_read", "calamine_read", "csv_read", "openpyxl_write", "xlsxwriter_write",
            "openpyxl_load_save", "import_typer"} <= set(result["floors"])
    assert {"validate", "map_json", "map_export", "check_300_files", "aggregate_300_files",
            "version", "map_graph_json", "map_graphml", "map_html", "diff_two_years"} \
        <= set(result["imvo"])
    assert (tmp_path / "work" / "r200-m3" / "suppliers-year2.xlsx").is_file()
    assert len(list((tmp_path / "work" / "r200-m3" / "members").glob("*.xlsx"))) == 3
    assert set(result["peak_rss_mb"]) == set(result["imvo"])
    for group in ("floors", "imvo", "ratios", "peak_rss_mb"):
        assert all(isinstance(v, (int, float)) and v > 0 for v in result[group].values()), group
    assert "validate / calamine_read" in result["ratios"]
    assert "rows: 200" in proc.stdout
    # CPU seconds beside the wall clock, for every floor and command, and ratios of both
    assert set(result["floors_cpu"]) == set(result["floors"]) == set(result["floors_peak_rss_mb"])
    assert set(result["imvo_cpu"]) == set(result["imvo"])
    assert set(result["ratios_cpu"]) == set(result["ratios"])
    assert all(v > 0 for v in result["imvo_cpu"].values())
    # progress as it goes: one line per run, naming the step and the size
    assert "imvo 1/10 validate (200 rows): run 1/1" in proc.stderr
    # the CPU ratio lines, each against its target
    assert "validate / calamine_read" in proc.stdout and "<= 2.0" in proc.stdout
    assert proc.stderr.count("run 1/1") == len(result["floors"]) + len(result["imvo"])
