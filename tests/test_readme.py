"""The README is true as written: every command block runs from the repository root.

Each fenced block marked bash, sh, shell or console is split into commands (lines joined at a
trailing backslash, `&&` chains, `#` comments, a `$ ` prompt) and run in a temporary copy of
what the commands read (sample_data/), so the repository is never written to. `imvo ...` runs
in-process through Typer's CliRunner, with `> FILE` written from its stdout; `pip install`
is checked for its shape (the extras it names exist), `apt-get install` too; `python -m
pytest` is this suite itself; `python SCRIPT ...` must accept every option it is given
(`SCRIPT --help`). The `imvo` lines
of the CI examples (yaml blocks) run the same way in a folder holding `members/`, as the
repository of a sector's lists would. Blocks marked text, json, toml or anything else are
output or configuration and are not run.
"""

from __future__ import annotations

import glob
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE
from typer.testing import CliRunner

from imvo_cli.cli import app

README = REPO / "README.md"
RUN_LANGS = {"bash", "sh", "shell", "console"}
FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    lang: str
    line: int  # line of the opening fence in README.md
    text: str


def blocks(markdown: str) -> list[Block]:
    """Every fenced block with its info string and line number."""
    return [Block(m.group(1).lower(), markdown.count("\n", 0, m.start()) + 1, m.group(2))
            for m in FENCE.finditer(markdown)]


def commands(text: str) -> list[list[str]]:
    """The commands of a shell block as argument lists: continuations joined, `&&` split,
    comments and prompts dropped."""
    out: list[list[str]] = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.strip()
        line = line.removeprefix("$ ")
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line, comments=True)
        current: list[str] = []
        for w in words:
            if w == "&&":
                out.append(current)
                current = []
            else:
                current.append(w)
        if current:
            out.append(current)
    return out


def yaml_imvo_lines(text: str) -> list[list[str]]:
    """`imvo ...` commands in a CI example (`- run: imvo ...`, `- imvo ...`)."""
    found = []
    for line in text.splitlines():
        m = re.match(r"^\s*-?\s*(?:run:\s*)?(imvo\s.*)$", line)
        if m:
            found.extend(commands(m.group(1)))
    return found


def readme_blocks() -> list[Block]:
    return blocks(README.read_text(encoding="utf-8"))


def extras() -> set[str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["project"].get("optional-dependencies", {}))


def check_pip(argv: list[str]) -> None:
    assert argv[:2] == ["pip", "install"], argv
    for target in argv[2:]:
        if target.startswith("-"):
            continue
        m = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", target)
        assert m, f"pip installs something other than this checkout: {target!r}"
        for extra in (m.group(1) or "").split(","):
            assert not extra or extra in extras(), f"unknown extra [{extra}] in {argv}"


def check_script(argv: list[str]) -> None:
    """`python SCRIPT --opt ...`: the script exists and its --help names every option."""
    script = REPO / argv[1]
    assert script.is_file(), f"{argv[1]} does not exist"
    proc = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                          text=True, cwd=REPO, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr[-1000:]
    for opt in (a.split("=")[0] for a in argv[2:] if a.startswith("--")):
        assert opt in proc.stdout, f"{argv[1]} --help does not know {opt}"


def run_imvo(argv: list[str], cwd: Path, where: str) -> None:
    """One `imvo ...` command in-process; `> FILE` gets its stdout."""
    args, target = list(argv[1:]), None
    if ">" in args:
        i = args.index(">")
        args, target = args[:i], args[i + 1]
    expanded: list[str] = []
    for a in args:
        matches = sorted(glob.glob(a, root_dir=cwd)) if any(c in a for c in "*?[") else []
        expanded.extend(matches or [a])
    result = CliRunner().invoke(app, expanded)
    text = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{where}: {shlex.join(argv)} raised {result.exception!r}"
    # 0 success, 1 a documented policy failure (a row with errors, a risk above the threshold);
    # 2 would mean the command as written does not work.
    assert result.exit_code in (0, 1), f"{where}: {shlex.join(argv)} exited {result.exit_code}:\n{text[-1500:]}"
    assert "Traceback" not in text
    if target is not None:
        (cwd / target).write_text(result.stdout, encoding="utf-8")


def run_command(argv: list[str], cwd: Path, where: str) -> None:
    if argv[0] == "imvo":
        run_imvo(argv, cwd, where)
    elif argv[:2] == ["pip", "install"]:
        check_pip(argv)
    elif argv[:2] == ["apt-get", "install"] or argv[:3] == ["sudo", "apt-get", "install"]:
        assert len(argv) > 2  # a system package: named, not installed by a test
    elif argv[:3] == ["python", "-m", "pytest"]:
        assert (REPO / "tests").is_dir()  # the suite running this very test
    elif argv[0] == "python" and argv[1].endswith(".py"):
        check_script(argv)
    else:
        pytest.fail(f"{where}: no way to check {shlex.join(argv)!r}; mark the block as text "
                    "if it is not meant to be run")


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """A copy of what the README's commands read, as the current directory."""
    shutil.copytree(SAMPLE, tmp_path / "sample_data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_extractor_reads_shell_blocks_and_skips_output():
    sample = ("intro\n```bash\nimvo map a.xlsx   # note\n$ pip install -e . && imvo validate \\\n"
              "  b.xlsx\n```\n```text\nimvo map not-run.xlsx\n```\n")
    found = blocks(sample)
    assert [(b.lang, b.line) for b in found] == [("bash", 2), ("text", 7)]
    assert commands(found[0].text) == [["imvo", "map", "a.xlsx"], ["pip", "install", "-e", "."],
                                       ["imvo", "validate", "b.xlsx"]]
    assert yaml_imvo_lines("steps:\n  - run: imvo check members/ --format github\n"
                           "    - imvo check x --output y.xml\n") == \
        [["imvo", "check", "members/", "--format", "github"],
         ["imvo", "check", "x", "--output", "y.xml"]]


def test_readme_has_command_blocks():
    shell = [b for b in readme_blocks() if b.lang in RUN_LANGS]
    assert len(shell) >= 8
    verbs = {argv[1] for b in shell for argv in commands(b.text) if argv[0] == "imvo"}
    assert {"map", "validate", "check", "aggregate", "template"} <= verbs


def test_every_command_block_runs_from_the_repository_root(workspace):
    ran = 0
    for block in readme_blocks():
        if block.lang not in RUN_LANGS:
            continue
        for argv in commands(block.text):
            run_command(argv, workspace, f"README.md line {block.line}")
            ran += 1
    assert ran >= 15
    assert not (REPO / "map.json").exists() and not (REPO / "sector.xlsx").exists()


def test_ci_examples_run_in_a_repository_of_lists(workspace):
    shutil.copytree(SAMPLE / "members", workspace / "members")
    ran = 0
    for block in readme_blocks():
        if block.lang in ("yaml", "yml"):
            for argv in yaml_imvo_lines(block.text):
                run_imvo(argv + ["--jobs", "1"] if argv[1] == "check" else argv, workspace,
                         f"README.md line {block.line}")
                ran += 1
    assert ran >= 2


def test_pre_commit_example_names_a_revision_that_exists():
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)", hooks, re.MULTILINE)
    examples = [b for b in readme_blocks() if b.lang in ("yaml", "yml") and "rev:" in b.text]
    assert examples, "the README has no pre-commit example"
    for block in examples:
        rev = re.search(r"rev:\s*(\S+)", block.text).group(1)
        for hook in re.findall(r"- id: (\S+)", block.text):
            assert hook in ids, f"hook {hook!r} is not in .pre-commit-hooks.yaml"
        if re.fullmatch(r"v\d+(\.\d+)*", rev):  # a release tag must exist
            tags = subprocess.run(["git", "tag", "--list", rev], capture_output=True, text=True,
                                  cwd=REPO, check=False).stdout.split()
            assert rev in tags, f"README line {block.line}: tag {rev} does not exist"
        else:
            assert rev == "main", f"README line {block.line}: rev {rev!r} is neither a tag nor main"


def test_terminal_width_stated_in_the_readme_is_enough(monkeypatch):
    """The map table needs the width the README names; at that width no line is cut off."""
    m = re.search(r"needs (\d+) columns", README.read_text(encoding="utf-8"))
    assert m, "the README does not say how wide a terminal the map table needs"
    width = int(m.group(1))
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(app, ["map", str(SAMPLE / "suppliers.xlsx")])
    assert result.exit_code == 0, result.output
    table = [line.rstrip() for line in result.stdout.splitlines() if line[:1] in "┏┃┡│└"]
    assert table and all(len(line) <= width for line in result.stdout.splitlines())
    cut = [line for line in table if line and line[-1] not in "┓┃┩│┘"]
    assert not cut, f"{len(cut)} table lines are cut off at {width} columns"
