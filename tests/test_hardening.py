"""Hardening II (issue 16): outputs never replace inputs or streams, a crashing reader costs
one file, hostile text stays inert in every channel, exit codes tell a bug from bad input."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
import typer
from typer.testing import CliRunner

from imvo_cli import textsafe
from imvo_cli.cli import app
from imvo_cli.commands.common import EXIT_INTERNAL, EXIT_TERMINATED, handle_errors
from imvo_cli.ingest import isolate, readers

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "chains.csv"
HOSTILE = BAD / "hostile_names.xlsx"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


# --- 1. outputs against every input actually read -------------------------------------

@pytest.mark.parametrize("how", ["folder", "glob"])
@pytest.mark.parametrize("option", ["--output", "--export"])
def test_check_refuses_an_output_that_is_a_discovered_member_list(tmp_path, how, option):
    shutil.copyfile(GOOD, tmp_path / "a.csv")
    shutil.copyfile(GOOD, tmp_path / "b.csv")
    before = (tmp_path / "a.csv").read_bytes()
    arg = tmp_path if how == "folder" else tmp_path / "*.csv"
    r = run("check", arg, option, tmp_path / "a.csv")
    assert r.exit_code == 2 and "never writes its input" in r.stderr, r.stderr
    assert (tmp_path / "a.csv").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "b.csv"]


def test_hard_link_to_the_input_is_refused(tmp_path):
    src = tmp_path / "list.csv"
    shutil.copyfile(GOOD, src)
    os.link(src, tmp_path / "alias.xlsx")
    r = run("map", src, "--export", tmp_path / "alias.xlsx")
    assert r.exit_code == 2 and "never writes its input" in r.stderr
    assert (tmp_path / "alias.xlsx").read_bytes() == GOOD.read_bytes()


def test_symlinked_output_is_written_through(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    r = run("check", GOOD, "--format", "markdown", "--output", link)
    assert r.exit_code in (0, 1), r.stderr
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("### imvo check")
    assert sorted(os.listdir(tmp_path)) == ["link.md", "real.md"]


def test_fifo_output_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = run("check", GOOD, "--format", "json", "--output", fifo)
    reader.join(30)
    assert r.exit_code in (0, 1), r.stderr
    assert json.loads(got[0])["schema"].startswith("imvo.check")
    assert fifo.is_fifo() and sorted(os.listdir(tmp_path)) == ["report.fifo"]


def test_output_that_is_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "out.md").mkdir()
    r = run("check", GOOD, "--format", "markdown", "--output", tmp_path / "out.md")
    assert r.exit_code == 2 and "output path is a folder" in r.stderr
    assert "Traceback" not in r.output


# --- 2. a crashing reader costs one file -----------------------------------------------

def _abort():
    os.abort()


def _panic():
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass
    raise PanicException("called `Option::unwrap()` on a `None` value")


def _allocate():
    return isolate.Parsed(None, [[bytearray(3 << 30)]])


def _sleep():
    import time
    time.sleep(30)


def _rows():
    import datetime as dt
    return isolate.Parsed({"k": 1}, [["a", 1.5, dt.date(2024, 3, 1), None],
                                     [dt.datetime(2024, 1, 2, 3, 4), dt.time(5, 6), True, 7]])


@pytest.mark.skipif(not isolate.isolation_available(), reason="needs os.fork")
@pytest.mark.parametrize("fn, budget, reason", [
    (_abort, isolate.Budget(), "crashed (signal SIGABRT"),
    (_panic, isolate.Budget(), "PanicException"),
    (_allocate, isolate.Budget(memory_bytes=256 << 20), "out of memory"),
    (_sleep, isolate.Budget(seconds=1), "longer than 1 seconds"),
])
def test_worker_failure_becomes_parse_failed_and_the_next_parse_works(fn, budget, reason):
    with pytest.raises(isolate.ParseFailed) as exc:
        isolate.run_parser(fn, budget=budget)
    assert reason in exc.value.reason
    back = isolate.run_parser(_rows)
    assert back.meta == {"k": 1} and back.rows == _rows().rows


def _crash_on_name(path, wb, name, limits):
    if "crash" in Path(path).name:
        os.abort()
    return _ORIGINAL_PARSE(path, wb, name, limits)


_ORIGINAL_PARSE = readers._parse_sheet


@pytest.fixture
def crashing_reader(monkeypatch, tmp_path):
    """Any workbook whose path holds 'crash' aborts the reader process (a fresh worker
    picks up the patched function)."""
    monkeypatch.setattr(readers, "_parse_sheet", _crash_on_name)
    if isolate._worker is not None:
        isolate._stop(isolate._worker)
    folder = tmp_path / "members"
    folder.mkdir()
    shutil.copyfile(BAD / "cycle.xlsx", folder / "a_good.xlsx")
    shutil.copyfile(BAD / "cycle.xlsx", folder / "b_crash.xlsx")
    shutil.copyfile(BAD / "self_supply.xlsx", folder / "c_good.xlsx")
    yield folder
    monkeypatch.undo()
    if isolate._worker is not None:
        isolate._stop(isolate._worker)


@pytest.mark.skipif(not isolate.isolation_available(), reason="needs os.fork")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_reports_a_crashing_file_and_checks_the_others(crashing_reader, jobs):
    r = run("check", crashing_reader, "--jobs", jobs, "--format", "json")
    assert r.exit_code == 2, r.stderr
    doc = json.loads(r.stdout)
    status = {Path(f["file"]).name: f["status"] for f in doc["files"]}
    assert status["b_crash.xlsx"] == "error"
    assert status["a_good.xlsx"] != "error" and status["c_good.xlsx"] != "error"
    assert "cannot be read safely" in r.stderr and "Traceback" not in r.output


@pytest.mark.skipif(not isolate.isolation_available(), reason="needs os.fork")
def test_aggregate_reports_a_crashing_file_and_writes_the_others(crashing_reader, tmp_path):
    out = tmp_path / "sector.xlsx"
    r = run("aggregate", crashing_reader, "--out", out)
    assert r.exit_code == 2 and out.is_file(), r.stderr
    assert "b_crash.xlsx" in r.stderr and "cannot be read safely" in r.stderr


# --- 4. one text policy per channel ----------------------------------------------------

def test_terminal_text_is_one_line_without_escapes():
    text = textsafe.terminal("a\x1b[31mb\nc\r::error file=x::y\u202ez\x07\x9b")
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\u202e" not in text
    assert "\\x1b" in text and "\\u202e" in text and "\\x0d::error" in text


def test_xml_text_reparses_with_every_forbidden_character():
    bad = "".join(chr(c) for c in range(0x20)) + "\ufffe\uffff\ud800x"
    ET.fromstring(f"<a b=\"{textsafe.xml_text(bad).replace('&', '')}\">{textsafe.xml_text(bad)}</a>"
                  .replace("<a b", "<a b").encode("utf-8", "surrogatepass"))


def test_markdown_code_keeps_markup_dead():
    md = textsafe.markdown_code("![x](http://e/p.png) `tick` @octocat <b>|</b>")
    assert md.startswith("``") and md.endswith("``") and "\\|" in md
    assert textsafe.markdown_code("") == ""


def test_mermaid_label_cannot_carry_a_directive():
    label = textsafe.mermaid_string("%%{init: {'theme':'dark'}}%% \"] x[")
    assert "%%" not in label and "{" not in label and label.count('"') == 2


@pytest.fixture(scope="module")
def hostile_outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    src = folder / "in" / "hostile\n::error file=a::b.xlsx"
    src.parent.mkdir()
    shutil.copyfile(HOSTILE, src)
    out = folder / "out"
    out.mkdir()
    results = {}
    for ext in ("graphml", "gexf", "dot", "mmd", "json"):
        results[ext] = run("map", src, "--graph", out / f"g.{ext}", "--format", "json")
    for fmt in ("junit", "markdown", "github"):
        results[fmt] = run("check", src, "--format", fmt, "--fail-on", "never")
    return src, out, results


def test_hostile_names_xml_outputs_reparse(hostile_outputs):
    _src, out, results = hostile_outputs
    for ext in ("graphml", "gexf"):
        assert results[ext].exit_code == 0, results[ext].stderr
        ET.parse(out / f"g.{ext}")
    g = nx.read_graphml(out / "g.graphml")
    names = {d.get("name") for _, d in g.nodes(data=True)}
    assert any(n and "Mill" in n for n in names) and len(g) == len(nx.read_gexf(out / "g.gexf"))
    ET.fromstring(results["junit"].stdout.encode())


def test_hostile_names_drawings_and_markdown_stay_inert(hostile_outputs):
    _src, out, results = hostile_outputs
    mmd = (out / "g.mmd").read_text(encoding="utf-8")
    import re

    assert "%%" not in mmd and "{" not in mmd
    node = re.compile(r'^  n_\w+(\[\[|\[)"[^"\n]*"(\]\]|\])$')
    for line in mmd.splitlines()[1:]:
        assert node.match(line) or re.match(r"^  (n_\w+ --> n_\w+|classDef \w+ [\w:#,]+|class [\w,]+ \w+)$",
                                            line), line
    assert "\x1b" not in mmd and "\x1b" not in (out / "g.dot").read_text(encoding="utf-8")
    md = results["markdown"].stdout
    for row in md.splitlines()[4:]:
        cells = [c.strip() for c in row.split(" | ")]
        assert cells[0].lstrip("| ").startswith("`"), row
    assert "](http" not in md.replace("`", "").split("|")[0]
    gh = results["github"].stdout.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in gh), gh
    assert all("\n" not in line and "::error file=a" not in line.split("::", 2)[1] for line in gh)


def test_stderr_lines_of_hostile_names_are_single_lines(tmp_path):
    broken = tmp_path / "bad\x1b]8;;x\x07\n::error file=y::z.xlsx"
    broken.write_bytes(b"not a workbook")
    r = run("validate", broken)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("imvo: error: ") and "\x1b" not in lines[0]


# --- 7. exit codes and signals ---------------------------------------------------------

def _mini(body):
    mini = typer.Typer()

    @mini.command()
    @handle_errors
    def go(debug: bool = False) -> None:
        body()

    @mini.command()
    def other() -> None:
        pass

    return mini


def test_internal_error_exits_70():
    r = CliRunner().invoke(_mini(lambda: {}["missing"]), ["go"])
    assert r.exit_code == EXIT_INTERNAL == 70
    assert "internal error" in r.stderr and "report it" in r.stderr


def test_disk_full_names_the_output_and_exits_2(tmp_path, monkeypatch):
    from imvo_cli.export.atomic import write_text_atomic

    target = tmp_path / "report.md"

    def full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    r = CliRunner().invoke(_mini(lambda: write_text_atomic(target, "x")), ["go"])
    assert r.exit_code == 2 and str(target) in r.stderr and "disk is full" in r.stderr
    assert os.listdir(tmp_path) == []


def test_interrupt_after_an_output_says_what_was_written(tmp_path):
    from imvo_cli.export.atomic import write_text_atomic

    done = tmp_path / "done.md"

    def body():
        write_text_atomic(done, "complete")
        raise KeyboardInterrupt

    r = CliRunner().invoke(_mini(body), ["go"])
    assert r.exit_code == 130
    assert r.stderr.strip() == f"imvo: interrupted; written completely: {done}; nothing else was written"


def test_sigterm_cleans_up_like_ctrl_c(tmp_path):
    from imvo_cli.export.atomic import atomic_path

    def body():
        with atomic_path(tmp_path / "out.xlsx") as tmp:
            tmp.write_bytes(b"half")
            os.kill(os.getpid(), signal.SIGTERM)

    r = CliRunner().invoke(_mini(body), ["go"])
    assert r.exit_code == EXIT_TERMINATED == 143
    assert "no output was written" in r.stderr
    assert os.listdir(tmp_path) == []


def test_malformed_deflate_in_an_input_is_an_input_error():
    r = run("validate", BAD / "damaged_deflate.xlsx")
    assert r.exit_code == 2 and "damaged" in r.stderr and "internal" not in r.stderr
