"""Measure what the hardening costs and holds: the reader worker, and the bad-input corpus.

    python scripts/measure_hardening.py LIST.xlsx [--repeat 3] [--commands]
    python scripts/measure_hardening.py --corpus [--large DIR] [--heavy] [--json FILE]

Reading: `read_suppliers` of the list, minimum of K fresh processes, with the reader in its
worker process (the default) and in the command's own process (IMVO_PARSE_IN_PROCESS=1).
With --commands: peak resident memory (the process and its children) of every command on
the list.

--corpus runs every case of scripts/make_bad_corpus.py (the committed ones, the large ones
generated into --large or a temporary folder, with --heavy also the memory cases) through
validate, map (json, export, html, graphml, gexf), check (jobs 1 and 2) and aggregate, each
in a fresh process, then check and aggregate over one folder holding every case beside good
lists. Each run must: exit 0, 1 or 2; print no traceback; leave its input byte-identical and
nothing beside it; leave no partial or hidden file (no output at all on exit 2); write XML
that re-parses (GraphML, GEXF, JUnit and every XML part of a workbook); and peak under 1 GiB
(the largest process of the command's tree, exact from wait4; the sum of the tree, sampled
every 100 ms). Every figure is from this machine and run; nothing is estimated.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

PY = sys.executable
ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 1024
KILL_MB = 1536  # a command past this is stopped (and reported over the limit)
_READ = textwrap.dedent("""
    import json, resource, sys, time
    from imvo_cli.ingest import read_suppliers
    def cpu():
        s, c = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
    c0, t = cpu(), time.perf_counter()
    sl = read_suppliers(sys.argv[1])
    dt = time.perf_counter() - t
    from imvo_cli.ingest import isolate
    if isolate._worker is not None:
        isolate._stop(isolate._worker)  # reaped, so its CPU and peak count in RUSAGE_CHILDREN
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": dt, "cpu": cpu() - c0, "rows": sl.rows, "rss_mb": own,
                      "child_rss_mb": kids}))
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
                     "cpu": round(min(r["cpu"] for r in runs), 3),
                     "rss_mb": round(max(r["rss_mb"] for r in runs)),
                     "child_rss_mb": round(max(r["child_rss_mb"] for r in runs))}
    return out


# ---------------------------------------------------------------- one command, measured

@dataclass
class Run:
    """One command in a fresh process: exit code, time, peak memory, stderr's tail."""

    rc: int
    seconds: float
    cpu_seconds: float
    peak_mb: float  # the largest process of the tree (wait4: the command and reaped children;
    # at least this script's own size at the fork, so an upper bound)
    tree_mb: float  # the sum of the tree's resident sets, sampled
    stdout: str
    stderr: str


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants now (from /proc)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        pid = int(entry)
        parent[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo, seen = 0, [root], set()
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def measure(cmd: list[str], cwd: Path, timeout: float = 900, env: dict | None = None) -> Run:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env={**os.environ, "NO_COLOR": "1", **(env or {})},
                                start_new_session=True)
        tree = [0]
        done = threading.Event()

        def kill() -> None:  # the command's own process group: it and its reader worker
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)

        def sample() -> None:
            while not done.wait(0.1):
                tree[0] = max(tree[0], _tree_rss_kb(proc.pid))
                if tree[0] > KILL_MB * 1024:  # over the limit already: spare the machine
                    kill()

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
                   usage.ru_maxrss / 1024, tree[0] / 1024,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def command_memory(path: Path) -> dict:
    """Peak RSS (MB) of each command on one list."""
    tmp = Path(tempfile.mkdtemp(prefix="imvo-measure-"))
    out = {}
    for name, argv in map_and_friends(path, tmp).items():
        r = measure([PY, "-m", "imvo_cli", *argv], ROOT)
        out[name] = {"seconds": round(r.seconds, 1), "rc": r.rc, "rss_mb": round(r.peak_mb),
                     "tree_mb": round(r.tree_mb)}
        print(f"{name:22} rc={r.rc} {r.seconds:7.1f} s  peak {r.peak_mb:7.0f} MB  "
              f"tree {r.tree_mb:7.0f} MB", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def map_and_friends(path: Path, out: Path) -> dict[str, list[str]]:
    """Every command of the corpus done-when (issue 16), on one input, outputs into `out`."""
    f = str(path)
    return {
        "validate": ["validate", f, "--format", "json"],
        "map json": ["map", f, "--format", "json"],
        "map export": ["map", f, "--export", str(out / "annotated.xlsx")],
        "map html": ["map", f, "--html", str(out / "report.html")],
        "map graphml": ["map", f, "--graph", str(out / "chains.graphml")],
        "map gexf": ["map", f, "--graph", str(out / "chains.gexf")],
        "check jobs 1": ["check", f, "--jobs", "1", "--format", "junit",
                         "--output", str(out / "check.xml")],
        "check jobs 2": ["check", f, "--jobs", "2", "--format", "json", "--export",
                         str(out / "check.xlsx")],
        "aggregate": ["aggregate", f, "--out", str(out / "sector.xlsx"), "--format", "json"],
    }


# ---------------------------------------------------------------- the corpus

@dataclass
class Verdict:
    """One case through one command: what was measured and what broke a rule."""

    case: str
    command: str
    rc: int
    seconds: float
    cpu_seconds: float
    peak_mb: int
    tree_mb: int
    problems: list[str] = field(default_factory=list)
    stderr: str = ""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _xml_problems(path: Path) -> list[str]:
    """Every XML output must re-parse: the file itself, or every XML part of a workbook."""
    try:
        if path.suffix in (".graphml", ".gexf", ".xml"):
            _stream_parse(path)
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    if name.endswith((".xml", ".rels")):
                        with zf.open(name) as fh:
                            _stream_parse(fh)
    except (ET.ParseError, zipfile.BadZipFile, OSError) as exc:
        return [f"{path.name} does not re-parse: {exc}"]
    return []


def _stream_parse(source) -> None:
    """Parse without keeping the tree: this process stays small, and a command it starts
    inherits its peak (Linux counts the parent's resident set at fork into the child's)."""
    for _, elem in ET.iterparse(source, events=("end",)):
        elem.clear()


def judge(case: str, command: str, run: Run, inputs: dict[Path, str], in_dir: Path,
          listing: list[str], out_dir: Path, expected: list[str],
          folder: bool = False) -> Verdict:
    v = Verdict(case, command, run.rc, round(run.seconds, 2), round(run.cpu_seconds, 2),
                round(run.peak_mb), round(run.tree_mb),
                stderr=run.stderr.strip().splitlines()[-1][:300] if run.stderr.strip() else "")
    text = run.stdout + run.stderr
    if run.rc == -signal.SIGKILL:
        v.problems.append(f"stopped past {KILL_MB} MB" if run.tree_mb > KILL_MB
                          else "stopped after the time limit")
    elif run.rc not in (0, 1, 2):
        v.problems.append(f"exit code {run.rc}")
    if "Traceback" in text or "panicked at" in text:
        v.problems.append("traceback or panic in the output")
    if run.rc == 2 and not run.stderr.strip():
        v.problems.append("exit 2 without a message")
    for path, digest in inputs.items():
        if _sha(path) != digest:
            v.problems.append(f"input changed: {path.name}")
    if sorted(os.listdir(in_dir)) != listing:
        v.problems.append(f"files beside the input: {sorted(set(os.listdir(in_dir)) - set(listing))}")
    written = sorted(os.listdir(out_dir))
    hidden = [n for n in written if n.startswith(".")]
    if hidden:
        v.problems.append(f"hidden or temporary files left: {hidden}")
    # check reports an unreadable file as `error` in its report (exit 2), and aggregate over a
    # folder lists it as an error issue and merges the rest: those outputs are due.
    reports = command.startswith("check") or folder
    if run.rc == 2 and written and not reports:
        v.problems.append(f"output left after exit 2: {written}")
    if run.rc in (0, 1) or reports:
        missing = [n for n in expected if n not in written]
        if missing:
            v.problems.append(f"output missing after exit {run.rc}: {missing}")
    for name in written:
        v.problems += _xml_problems(out_dir / name)
    if max(run.peak_mb, run.tree_mb) >= LIMIT_MB:
        v.problems.append(f"memory {max(run.peak_mb, run.tree_mb):.0f} MB >= {LIMIT_MB} MB")
    return v


def _expected_outputs(argv: list[str]) -> list[str]:
    opts = ("--export", "--html", "--graph", "--output", "--out")
    return [Path(argv[i + 1]).name for i, a in enumerate(argv[:-1]) if a in opts]


def load_corpus():
    spec = importlib.util.spec_from_file_location("make_bad_corpus",
                                                  ROOT / "scripts" / "make_bad_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_cases(corpus, large: Path, heavy: bool) -> dict[str, Path]:
    cases = {name: corpus.BAD_DIR / fname for name, (fname, _) in corpus.SMALL.items()}
    groups = [corpus.LARGE] + ([corpus.HEAVY] if heavy else [])
    for group in groups:
        for name, (fname, builder) in group.items():
            path = large / fname
            if not path.exists():
                builder(path)
            cases[name] = path
    return cases


def run_case(name: str, src: Path, work: Path, commands: set[str] | None = None) -> list[Verdict]:
    in_dir = work / "in"
    in_dir.mkdir(parents=True)
    path = in_dir / src.name
    shutil.copyfile(src, path)
    digest = _sha(path)
    verdicts = []
    for command, argv in map_and_friends(path, work / "out").items():
        if commands and command not in commands:
            continue
        out_dir = work / "out"
        out_dir.mkdir()
        run = measure([PY, "-m", "imvo_cli", *argv], work)
        verdicts.append(judge(name, command, run, {path: digest}, in_dir, [src.name], out_dir,
                              _expected_outputs(argv)))
        shutil.rmtree(out_dir)
    shutil.rmtree(in_dir)
    return verdicts


def run_folder(cases: dict[str, Path], work: Path) -> list[Verdict]:
    """check and aggregate over one folder: every case beside good member lists."""
    in_dir = work / "members"
    in_dir.mkdir(parents=True)
    goods = [ROOT / "sample_data" / "suppliers.xlsx", ROOT / "tests" / "data" / "chains.csv"]
    for src in [*cases.values(), *goods]:
        shutil.copyfile(src, in_dir / src.name)
    listing = sorted(os.listdir(in_dir))
    digests = {in_dir / n: _sha(in_dir / n) for n in listing}
    verdicts = []
    for command in ("check jobs 1", "check jobs 2", "aggregate"):
        out_dir = work / "out"
        out_dir.mkdir()
        argv = map_and_friends(in_dir, out_dir)[command]
        run = measure([PY, "-m", "imvo_cli", *argv], work)
        v = judge("(folder of every case)", command, run, digests, in_dir, listing, out_dir,
                  _expected_outputs(argv), folder=True)
        if command == "aggregate" and run.rc in (0, 1, 2) and not (out_dir / "sector.xlsx").exists():
            v.problems.append("aggregate wrote no sector workbook")
        if command.startswith("check") and not any(out_dir.iterdir()):
            v.problems.append("check wrote no report")
        verdicts.append(v)
        shutil.rmtree(out_dir)
    return verdicts


def corpus_main(args) -> int:
    corpus = load_corpus()
    large = args.large or Path(tempfile.mkdtemp(prefix="imvo-large-"))
    large.mkdir(parents=True, exist_ok=True)
    cases = corpus_cases(corpus, large, args.heavy)
    if args.only:
        cases = {k: v for k, v in cases.items() if k in args.only.split(",")}
    work = Path(tempfile.mkdtemp(prefix="imvo-corpus-"))
    verdicts: list[Verdict] = []
    with ThreadPoolExecutor(args.parallel) as pool:
        wanted = set(args.only_commands.split(",")) if args.only_commands else None
        jobs = [pool.submit(run_case, name, src, work / f"case{i}", wanted)
                for i, (name, src) in enumerate(cases.items())]
        for job in jobs:
            for v in job.result():
                verdicts.append(v)
                flag = "FAIL " + "; ".join(v.problems) if v.problems else "ok"
                print(f"{v.case:32} {v.command:13} rc={v.rc} {v.seconds:6.1f} s cpu "
                      f"{v.cpu_seconds:6.1f} s peak {v.peak_mb:5} MB tree {v.tree_mb:5} MB {flag}",
                      flush=True)
    if not (args.only or args.only_commands):
        for v in run_folder(cases, work / "folder"):
            verdicts.append(v)
            flag = "FAIL " + "; ".join(v.problems) if v.problems else "ok"
            print(f"{v.case:32} {v.command:13} rc={v.rc} {v.seconds:6.1f} s cpu {v.cpu_seconds:6.1f} s "
                  f"peak {v.peak_mb:5} MB tree {v.tree_mb:5} MB {flag}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    failed = [v for v in verdicts if v.problems]
    worst = max(verdicts, key=lambda v: max(v.peak_mb, v.tree_mb))
    print(f"\n{len(verdicts)} runs of {len(cases)} cases: {len(failed)} broke a rule; highest "
          f"memory {max(worst.peak_mb, worst.tree_mb)} MB ({worst.case}, {worst.command})")
    for v in failed:
        print(f"  {v.case} / {v.command}: {'; '.join(v.problems)} | {v.stderr}")
    if args.json:
        args.json.write_text(json.dumps([asdict(v) for v in verdicts], indent=1) + "\n",
                             encoding="utf-8")
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, nargs="?")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--commands", action="store_true")
    ap.add_argument("--corpus", action="store_true", help="run the bad-input corpus")
    ap.add_argument("--large", type=Path, help="folder for the generated cases (kept)")
    ap.add_argument("--heavy", action="store_true", help="also the memory cases (minutes)")
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--only-commands", help="comma-separated commands, e.g. 'validate,map gexf'")
    ap.add_argument("--json", type=Path, help="write every verdict here")
    ap.add_argument("--parallel", type=int, default=1,
                    help="cases run side by side (memory is per command either way)")
    args = ap.parse_args()
    if args.corpus:
        return corpus_main(args)
    if args.path is None:
        ap.error("give a list to measure, or --corpus")
    cost = read_cost(args.path, args.repeat)
    w, i = cost["worker"], cost["in-process"]
    print(f"read {w['rows']:,} rows: worker {w['seconds']:.2f} s wall, {w['cpu']:.2f} s CPU "
          f"(parent {w['rss_mb']} MB, worker {w['child_rss_mb']} MB); in-process "
          f"{i['seconds']:.2f} s wall, {i['cpu']:.2f} s CPU ({i['rss_mb']} MB): "
          f"{w['seconds'] - i['seconds']:+.2f} s wall ({(w['seconds'] / i['seconds'] - 1):+.0%}), "
          f"{w['cpu'] - i['cpu']:+.2f} s CPU ({(w['cpu'] / i['cpu'] - 1):+.0%})")
    if args.commands:
        command_memory(args.path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
