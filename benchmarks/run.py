"""Benchmark imvo against the floors of merely reading and writing the same workbooks.

    python benchmarks/run.py [--rows N] [--sizes 1000,10000] [--json FILE] [--repeat K] [--out DIR]

Every figure is the minimum of K runs, each in a fresh process; peak memory is the child's
maximum resident set size. Inputs are generated deterministically by the sample generator
(scripts/make_sample_data.py) under benchmarks/out/ (not committed). Commands this checkout
does not have yet are reported as "not available" and left out of the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
PY = sys.executable
MEMBER_FILES = 300

# Each measurement runs in a fresh wrapper process that times one child and reads its peak RSS.
_WRAPPER = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    cmd = json.loads(sys.argv[1])
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": dt, "rss_mb": rss, "rc": p.returncode,
                      "stderr": p.stderr.decode("utf-8", "replace")[-400:]}))
""")


def measure(cmd: list[str], repeat: int, ok_codes=(0, 1)) -> tuple[float, float]:
    """(min seconds, max peak RSS in MB) over `repeat` fresh-process runs."""
    times, rss = [], []
    for _ in range(repeat):
        out = subprocess.run([PY, "-c", _WRAPPER, json.dumps(cmd)], capture_output=True,
                             text=True, check=True)
        r = json.loads(out.stdout)
        if r["rc"] not in ok_codes:
            raise SystemExit(f"benchmark command failed ({r['rc']}): {' '.join(cmd)}\n{r['stderr']}")
        times.append(r["seconds"])
        rss.append(r["rss_mb"])
    return min(times), max(rss)


def py(code: str) -> list[str]:
    return [PY, "-c", textwrap.dedent(code)]


def imvo(*args: str) -> list[str]:
    return [PY, "-m", "imvo_cli", *args]


def generate(rows: int) -> dict[str, Path]:
    """Synthetic inputs of `rows` rows: one list (xlsx + csv twin) and MEMBER_FILES member lists."""
    sys.path.insert(0, str(REPO / "scripts"))
    import make_sample_data as gen  # the sample generator, reused

    folder = OUT / f"r{rows}"
    marker = folder / ".done"
    paths = {"xlsx": folder / "suppliers.xlsx", "csv": folder / "suppliers.csv",
             "members": folder / "members"}
    if marker.exists():
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    gen.write_benchmark_inputs(folder, rows=rows, member_files=MEMBER_FILES)
    marker.write_text("ok")
    return paths


def floors(paths: dict[str, Path], repeat: int, rows: int) -> dict[str, float]:
    x, c, m = str(paths["xlsx"]), str(paths["csv"]), str(paths["members"])
    tmp = str(OUT / "floor-write.xlsx")
    f = {}
    f["openpyxl_read"], _ = measure(py(f"""
        import openpyxl
        wb = openpyxl.load_workbook({x!r}, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True): pass
    """), repeat)
    f["calamine_read"], _ = measure(py(f"""
        import python_calamine as pc
        wb = pc.CalamineWorkbook.from_path({x!r})
        for n in wb.sheet_names: wb.get_sheet_by_name(n).to_python()
    """), repeat)
    f["csv_read"], _ = measure(py(f"""
        import csv
        with open({c!r}, newline='', encoding='utf-8') as fh:
            for row in csv.reader(fh): pass
    """), repeat)
    f["openpyxl_write"], _ = measure(py(f"""
        import csv, openpyxl
        rows = list(csv.reader(open({c!r}, newline='', encoding='utf-8')))
        wb = openpyxl.Workbook(write_only=True); ws = wb.create_sheet('s')
        for r in rows: ws.append(r)
        wb.save({tmp!r})
    """), repeat)
    f["xlsxwriter_write"], _ = measure(py(f"""
        import csv, xlsxwriter
        rows = list(csv.reader(open({c!r}, newline='', encoding='utf-8')))
        wb = xlsxwriter.Workbook({tmp!r}, {{'constant_memory': True}}); ws = wb.add_worksheet('s')
        for i, r in enumerate(rows): ws.write_row(i, 0, r)
        wb.close()
    """), repeat)
    f["openpyxl_load_save"], _ = measure(py(f"""
        import openpyxl
        wb = openpyxl.load_workbook({x!r})
        wb.save({tmp!r})
    """), repeat)
    f["members_calamine_read_plus_xlsxwriter_write"], _ = measure(py(f"""
        import pathlib, python_calamine as pc, xlsxwriter
        rows = []
        for p in sorted(pathlib.Path({m!r}).glob('*.xlsx')):
            wb = pc.CalamineWorkbook.from_path(str(p))
            rows.extend(wb.get_sheet_by_index(0).to_python())
        wb = xlsxwriter.Workbook({tmp!r}, {{'constant_memory': True}}); ws = wb.add_worksheet('s')
        for i, r in enumerate(rows): ws.write_row(i, 0, [v if v != '' else None for v in r])
        wb.close()
    """), repeat)
    f["import_typer"], _ = measure(py("import typer"), repeat)
    return f


def imvo_runs(paths: dict[str, Path], repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    x, m = str(paths["xlsx"]), str(paths["members"])
    exp = str(OUT / "export.xlsx")
    agg = str(OUT / "sector.xlsx")
    runs = {
        "validate": imvo("validate", x, "--format", "json"),
        "map_json": imvo("map", x, "--format", "json"),
        "map_export": imvo("map", x, "--export", exp, "--format", "json"),
        "check_300_files": imvo("check", m, "--format", "json", "--fail-on", "never"),
        "check_300_files_1_job": imvo("check", m, "--format", "json", "--fail-on", "never",
                                      "--jobs", "1"),
        "aggregate_300_files": imvo("aggregate", m, "--out", agg),
        "version": imvo("--version"),
        "help": imvo("--help"),
    }
    times, rss = {}, {}
    available = registered_commands()
    for name, cmd in runs.items():
        verb = cmd[3] if not cmd[3].startswith("-") else None
        if verb is not None and verb not in available:
            print(f"{name}: not available (no `imvo {verb}` command in this checkout)")
            continue
        times[name], rss[name] = measure(cmd, repeat)
    return times, rss


def registered_commands() -> set[str]:
    """The commands this checkout's `imvo` has (a branch may not have all of them yet)."""
    out = subprocess.run([PY, "-c", "from imvo_cli.cli import app; import typer; "
                          "print(' '.join(typer.main.get_command(app).commands))"],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return set(out.stdout.split())


RATIOS = {  # name: (imvo measurement, divided by this floor or imvo measurement)
    "validate / calamine_read": ("validate", "calamine_read"),
    "map_json / calamine_read": ("map_json", "calamine_read"),
    "map_json / openpyxl_read": ("map_json", "openpyxl_read"),
    "map_export / openpyxl_load_save": ("map_export", "openpyxl_load_save"),
    "aggregate / (calamine read + xlsxwriter write)":
        ("aggregate_300_files", "members_calamine_read_plus_xlsxwriter_write"),
    "check 1 job / check all cores": ("check_300_files_1_job", "check_300_files"),
    "version / import typer": ("version", "import_typer"),
    "help / import typer": ("help", "import_typer"),
}


def ratios(fl: dict[str, float], im: dict[str, float]) -> dict[str, float]:
    both = {**fl, **im}
    return {k: round(im[a] / both[b], 2) for k, (a, b) in RATIOS.items()
            if a in im and b in both}


TARGETS = {"validate / calamine_read": 2.0, "map_json / calamine_read": 3.0,
           "map_export / openpyxl_load_save": 1.5,
           "aggregate / (calamine read + xlsxwriter write)": 3.0,
           "version / import typer": 1.5, "help / import typer": 1.5}


def print_table(result: dict) -> None:
    print(f"\nrows: {result['rows']:,}")
    print(f"{'floor':<48}{'seconds':>10}")
    for k, v in result["floors"].items():
        print(f"{k:<48}{v:>10.3f}")
    print(f"\n{'imvo':<48}{'seconds':>10}{'peak MB':>10}")
    for k, v in result["imvo"].items():
        print(f"{k:<48}{v:>10.3f}{result['peak_rss_mb'][k]:>10.0f}")
    print(f"\n{'ratio':<48}{'value':>10}{'target':>10}")
    for k, v in result["ratios"].items():
        t = TARGETS.get(k)
        mark = "" if t is None else ("  ok" if v <= t else "  MISSED")
        print(f"{k:<48}{v:>10.2f}{('<= ' + str(t)) if t else '':>10}{mark}")
    if result.get("growth"):
        print("\ngrowth (seconds by rows)")
        for k, v in result["growth"].items():
            print(f"{k:<48}" + "  ".join(f"{n}: {s:.2f}" for n, s in v.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--sizes", default="", help="extra sizes for the growth table, e.g. 1000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--out", default=None, help="folder for generated inputs and outputs "
                    "(default benchmarks/out)")
    args = ap.parse_args(argv)
    global OUT
    OUT = Path(args.out).resolve() if args.out else OUT
    os.chdir(REPO)
    OUT.mkdir(parents=True, exist_ok=True)
    paths = generate(args.rows)
    fl = floors(paths, args.repeat, args.rows)
    im, rss = imvo_runs(paths, args.repeat)
    result = {"rows": args.rows, "floors": {k: round(v, 4) for k, v in fl.items()},
              "imvo": {k: round(v, 4) for k, v in im.items()},
              "ratios": ratios(fl, im), "peak_rss_mb": {k: round(v, 1) for k, v in rss.items()}}
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if sizes:
        growth: dict[str, dict[int, float]] = {"map_json": {}, "aggregate_300_files": {}}
        has_aggregate = "aggregate" in registered_commands()
        for n in sorted(set(sizes + [args.rows])):
            p = generate(n)
            growth["map_json"][n] = measure(imvo("map", str(p["xlsx"]), "--format", "json"), 1)[0]
            growth["validate"] = growth.get("validate", {})
            growth["validate"][n] = measure(imvo("validate", str(p["xlsx"]), "--format",
                                                 "json"), 1)[0]
            if has_aggregate:
                growth["aggregate_300_files"][n] = measure(
                    imvo("aggregate", str(p["members"]), "--out", str(OUT / "sector.xlsx")), 1)[0]
        result["growth"] = {k: v for k, v in growth.items() if v}
        if len(growth["aggregate_300_files"]) >= 2 and 10_000 in growth["aggregate_300_files"]:
            big = max(growth["aggregate_300_files"])
            result["ratios"][f"aggregate {big} / 10000 rows"] = round(
                growth["aggregate_300_files"][big] / growth["aggregate_300_files"][10_000], 2)
    print_table(result)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
