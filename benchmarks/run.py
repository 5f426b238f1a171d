"""Benchmark imvo against the floors of merely reading and writing the same workbooks.

    python benchmarks/run.py [--rows N] [--sizes 1000,10000] [--json FILE] [--repeat K] [--out DIR]
                             [--quick] [--parts] [--members M]

Every figure is the minimum of K runs, each in a fresh process: wall seconds, CPU seconds (user +
system of the child, from resource.getrusage) and the child's peak resident set size. On a
machine shared with other jobs the wall clock is noisy; the ratios are given both ways, CPU
first, measured in the same run. Progress (which step, which size, how long it took) goes to
stderr as it happens. `--quick` makes one run of each and leaves out the start-up and one-job
figures; `--parts` adds where aggregate spends its time (benchmarks/aggregate_parts.py);
`--members M` spreads the member rows over M files instead of 300 (the smoke test uses a few).
Inputs are generated deterministically by the sample generator (scripts/make_sample_data.py)
under benchmarks/out/ (not committed): the list, its csv twin, the member lists and the list a
year later (for `imvo diff`). Commands this checkout does not have yet are reported as
"not available" and left out of the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
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
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": dt, "cpu": use.ru_utime + use.ru_stime,
                      "rss_mb": use.ru_maxrss / 1024, "rc": p.returncode,
                      "stderr": p.stderr.decode("utf-8", "replace")[-400:]}))
""")
_START = time.perf_counter()


@dataclass(frozen=True)
class Figure:
    """One command's figures over its runs: min wall, min CPU, max peak RSS."""

    seconds: float
    cpu: float
    rss_mb: float


def progress(text: str) -> None:
    """One line on stderr, at once, with the time since the benchmark started."""
    print(f"[{time.perf_counter() - _START:7.1f} s] {text}", file=sys.stderr, flush=True)


def measure(cmd: list[str], repeat: int, ok_codes=(0, 1), label: str = "") -> Figure:
    """Min wall and CPU seconds, max peak RSS in MB, over `repeat` fresh-process runs."""
    times, cpus, rss = [], [], []
    for k in range(repeat):
        out = subprocess.run([PY, "-c", _WRAPPER, json.dumps(cmd)], capture_output=True,
                             text=True, check=True)
        r = json.loads(out.stdout)
        if r["rc"] not in ok_codes:
            raise SystemExit(f"benchmark command failed ({r['rc']}): {' '.join(cmd)}\n{r['stderr']}")
        times.append(r["seconds"])
        cpus.append(r["cpu"])
        rss.append(r["rss_mb"])
        if label:
            progress(f"{label}: run {k + 1}/{repeat} {r['seconds']:.2f} s wall, "
                     f"{r['cpu']:.2f} s CPU, {r['rss_mb']:.0f} MB")
    return Figure(min(times), min(cpus), max(rss))


def py(code: str) -> list[str]:
    return [PY, "-c", textwrap.dedent(code)]


def imvo(*args: str) -> list[str]:
    return [PY, "-m", "imvo_cli", *args]


def generate(rows: int) -> dict[str, Path]:
    """Synthetic inputs of `rows` rows: one list (xlsx + csv twin) and MEMBER_FILES member lists."""
    sys.path.insert(0, str(REPO / "scripts"))
    import make_sample_data as gen  # the sample generator, reused

    folder = OUT / (f"r{rows}" if MEMBER_FILES == 300 else f"r{rows}-m{MEMBER_FILES}")
    marker = folder / ".done"
    paths = {"xlsx": folder / "suppliers.xlsx", "csv": folder / "suppliers.csv",
             "members": folder / "members", "year2": folder / "suppliers-year2.xlsx"}
    if marker.exists():
        if not paths["year2"].exists():  # inputs generated before the year-2 list existed
            import python_calamine as pc
            rows = pc.CalamineWorkbook.from_path(str(paths["xlsx"])).get_sheet_by_index(0)
            progress(f"generating the year-2 list in {folder}")
            gen.write_benchmark_year2(gen.supplier_rows(rows.height - 1, seed=11, company=None),
                                      folder)
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    progress(f"generating {rows:,} rows and {MEMBER_FILES} member lists in {folder}")
    gen.write_benchmark_inputs(folder, rows=rows, member_files=MEMBER_FILES)
    marker.write_text("ok")
    progress(f"generated {rows:,} rows")
    return paths


def floor_commands(paths: dict[str, Path]) -> dict[str, list[str]]:
    """What merely reading and writing the same workbooks costs, as commands."""
    x, c, m = str(paths["xlsx"]), str(paths["csv"]), str(paths["members"])
    tmp = str(OUT / "floor-write.xlsx")
    f = {
        "openpyxl_read": py(f"""
            import openpyxl
            wb = openpyxl.load_workbook({x!r}, read_only=True, data_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True): pass
        """),
        "calamine_read": py(f"""
            import python_calamine as pc
            wb = pc.CalamineWorkbook.from_path({x!r})
            for n in wb.sheet_names: wb.get_sheet_by_name(n).to_python()
        """),
        "csv_read": py(f"""
            import csv
            with open({c!r}, newline='', encoding='utf-8') as fh:
                for row in csv.reader(fh): pass
        """),
        "openpyxl_write": py(f"""
            import csv, openpyxl
            rows = list(csv.reader(open({c!r}, newline='', encoding='utf-8')))
            wb = openpyxl.Workbook(write_only=True); ws = wb.create_sheet('s')
            for r in rows: ws.append(r)
            wb.save({tmp!r})
        """),
        "xlsxwriter_write": py(f"""
            import csv, xlsxwriter
            rows = list(csv.reader(open({c!r}, newline='', encoding='utf-8')))
            wb = xlsxwriter.Workbook({tmp!r}, {{'constant_memory': True}}); ws = wb.add_worksheet('s')
            for i, r in enumerate(rows): ws.write_row(i, 0, r)
            wb.close()
        """),
        "openpyxl_load_save": py(f"""
            import openpyxl
            wb = openpyxl.load_workbook({x!r})
            wb.save({tmp!r})
        """),
        "members_calamine_read_plus_xlsxwriter_write": py(f"""
            import pathlib, python_calamine as pc, xlsxwriter
            rows = []
            for p in sorted(pathlib.Path({m!r}).glob('*.xlsx')):
                wb = pc.CalamineWorkbook.from_path(str(p))
                rows.extend(wb.get_sheet_by_index(0).to_python())
            wb = xlsxwriter.Workbook({tmp!r}, {{'constant_memory': True}}); ws = wb.add_worksheet('s')
            for i, r in enumerate(rows): ws.write_row(i, 0, [v if v != '' else None for v in r])
            wb.close()
        """),
        "import_typer": py("import typer"),
    }
    return f


def imvo_commands(paths: dict[str, Path], quick: bool) -> dict[str, list[str]]:
    x, m = str(paths["xlsx"]), str(paths["members"])
    exp = str(OUT / "export.xlsx")
    agg = str(OUT / "sector.xlsx")
    runs = {
        "validate": imvo("validate", x, "--format", "json"),
        "map_json": imvo("map", x, "--format", "json"),
        "map_export": imvo("map", x, "--export", exp, "--format", "json"),
        # the other outputs of map, and diff of two years, for their peak memory
        "map_graph_json": imvo("map", x, "--graph", str(OUT / "graph.json"), "--format", "json"),
        "map_graphml": imvo("map", x, "--graph", str(OUT / "graph.graphml"), "--format", "json"),
        "map_html": imvo("map", x, "--html", str(OUT / "report.html"), "--format", "json"),
        "diff_two_years": imvo("diff", x, str(paths["year2"]), "--format", "json"),
        "check_300_files": imvo("check", m, "--format", "json", "--fail-on", "never"),
        "check_300_files_1_job": imvo("check", m, "--format", "json", "--fail-on", "never",
                                      "--jobs", "1"),
        "aggregate_300_files": imvo("aggregate", m, "--output", agg),
        "version": imvo("--version"),
        "help": imvo("--help"),
    }
    if quick:  # the figures that change least between two runs of a branch
        for name in ("check_300_files_1_job", "help"):
            del runs[name]
    return runs


def run_all(commands: dict[str, list[str]], repeat: int, rows: int,
            group: str) -> dict[str, Figure]:
    """Every command measured in turn, with a progress line per run."""
    available = registered_commands() if group == "imvo" else None
    out: dict[str, Figure] = {}
    for k, (name, cmd) in enumerate(commands.items(), 1):
        if available is not None:
            verb = cmd[3] if not cmd[3].startswith("-") else None
            if verb is not None and verb not in available:
                progress(f"{name}: not available (no `imvo {verb}` command in this checkout)")
                continue
        out[name] = measure(cmd, repeat, label=f"{group} {k}/{len(commands)} {name} "
                                               f"({rows:,} rows)")
    return out


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
            if a in im and b in both and both[b] > 0}


TARGETS = {"validate / calamine_read": 2.0, "map_json / calamine_read": 3.0,
           "map_export / openpyxl_load_save": 1.5,
           "aggregate / (calamine read + xlsxwriter write)": 3.0,
           "version / import typer": 1.5, "help / import typer": 1.5}
RSS_TARGET_MB = 1024


def print_table(result: dict) -> None:
    print(f"\nrows: {result['rows']:,}")
    head = f"{'seconds':>10}{'CPU s':>10}{'peak MB':>10}"
    for group, label in (("floors", "floor"), ("imvo", "imvo")):
        print(f"\n{label:<48}{head}")
        for k, v in result[group].items():
            rss = result[f"{'floors_' if group == 'floors' else ''}peak_rss_mb"][k]
            mark = "  MISSED" if group == "imvo" and rss > RSS_TARGET_MB else ""
            print(f"{k:<48}{v:>10.3f}{result[group + '_cpu'][k]:>10.3f}{rss:>10.0f}{mark}")
    print(f"\n{'ratio':<48}{'CPU':>10}{'wall':>10}{'target':>10}")
    for k, v in result["ratios_cpu"].items():
        t = TARGETS.get(k)
        mark = "" if t is None else ("  ok" if v <= t else "  MISSED")
        wall = result["ratios"].get(k)
        print(f"{k:<48}{v:>10.2f}{wall if wall is not None else '':>10}"
              f"{('<= ' + str(t)) if t else '':>10}{mark}")
    if result.get("growth"):
        print("\ngrowth (CPU seconds by rows)")
        for k, v in result["growth"].items():
            print(f"{k:<48}" + "  ".join(f"{n}: {s:.2f}" for n, s in v.items()))
    if result.get("aggregate_parts"):
        print("\naggregate parts (CPU seconds, one in-process run)")
        for k, v in result["aggregate_parts"].items():
            print(f"{k:<48}{v:>10.3f}")


def aggregate_parts(members: Path) -> dict[str, float]:
    out = subprocess.run([PY, str(REPO / "benchmarks" / "aggregate_parts.py"), str(members),
                          "--out", str(OUT / "parts-sector.xlsx"), "--json"],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--sizes", default="", help="extra sizes for the growth table, e.g. 1000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true",
                    help="one run of each; no start-up (--help) or one-job figures")
    ap.add_argument("--parts", action="store_true",
                    help="also measure where aggregate spends its time")
    ap.add_argument("--members", type=int, default=300,
                    help="number of member lists the member rows are spread over (default 300)")
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--out", default=None, help="folder for generated inputs and outputs "
                    "(default benchmarks/out)")
    args = ap.parse_args(argv)
    global OUT, MEMBER_FILES
    OUT = Path(args.out).resolve() if args.out else OUT
    MEMBER_FILES = max(1, args.members)
    repeat = 1 if args.quick else args.repeat
    os.chdir(REPO)
    OUT.mkdir(parents=True, exist_ok=True)
    paths = generate(args.rows)
    fl = run_all(floor_commands(paths), repeat, args.rows, "floor")
    im = run_all(imvo_commands(paths, args.quick), repeat, args.rows, "imvo")
    sec = {k: v.seconds for k, v in im.items()}
    cpu = {k: v.cpu for k, v in im.items()}
    result = {"rows": args.rows, "repeat": repeat,
              "floors": {k: round(v.seconds, 4) for k, v in fl.items()},
              "floors_cpu": {k: round(v.cpu, 4) for k, v in fl.items()},
              "floors_peak_rss_mb": {k: round(v.rss_mb, 1) for k, v in fl.items()},
              "imvo": {k: round(v, 4) for k, v in sec.items()},
              "imvo_cpu": {k: round(v, 4) for k, v in cpu.items()},
              "ratios": ratios({k: v.seconds for k, v in fl.items()}, sec),
              "ratios_cpu": ratios({k: v.cpu for k, v in fl.items()}, cpu),
              "peak_rss_mb": {k: round(v.rss_mb, 1) for k, v in im.items()}}
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if sizes:
        growth: dict[str, dict[int, float]] = {"map_json": {}, "validate": {},
                                               "aggregate_300_files": {}}
        has_aggregate = "aggregate" in registered_commands()
        for n in sorted({*sizes, args.rows}):
            p = generate(n)
            growth["map_json"][n] = measure(imvo("map", str(p["xlsx"]), "--format", "json"), 1,
                                            label=f"growth map_json ({n:,} rows)").cpu
            growth["validate"][n] = measure(imvo("validate", str(p["xlsx"]), "--format", "json"),
                                            1, label=f"growth validate ({n:,} rows)").cpu
            if has_aggregate:
                growth["aggregate_300_files"][n] = measure(
                    imvo("aggregate", str(p["members"]), "--out", str(OUT / "sector.xlsx")), 1,
                    label=f"growth aggregate ({n:,} rows)").cpu
        result["growth"] = {k: v for k, v in growth.items() if v}
        if len(growth["aggregate_300_files"]) >= 2 and 10_000 in growth["aggregate_300_files"]:
            big = max(growth["aggregate_300_files"])
            result["ratios_cpu"][f"aggregate {big} / 10000 rows"] = round(
                growth["aggregate_300_files"][big] / growth["aggregate_300_files"][10_000], 2)
    if args.parts and "aggregate_300_files" in im:
        progress("aggregate parts")
        result["aggregate_parts"] = aggregate_parts(paths["members"])
    progress("done")
    print_table(result)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
