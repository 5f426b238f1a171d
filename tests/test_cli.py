"""The command line as a whole: version, help with examples, README coverage of commands."""

from __future__ import annotations

import re
import subprocess
import sys

from typer.testing import CliRunner

from imvo_cli import __version__
from imvo_cli.cli import app
from imvo_cli.commands import COMMANDS

from conftest import REPO

runner = CliRunner()


def test_version():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.output.strip() == f"imvo {__version__}"


def test_help_lists_every_command_with_a_runnable_example():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s", res.output, re.M), f"{name} missing from imvo --help"
        sub = runner.invoke(app, [name, "--help"])
        assert sub.exit_code == 0
        assert f"Example: imvo {name}" in sub.output, f"imvo {name} --help has no example"


def test_readme_documents_every_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"`imvo {name}" in readme, f"imvo {name} is not in the README"


def test_no_arguments_shows_help_not_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "imvo_cli"], capture_output=True, text=True,
                          cwd=REPO)
    assert "Usage" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_option_is_a_usage_error():
    res = runner.invoke(app, ["validate", "--no-such-option", "x.csv"])
    assert res.exit_code == 2


def test_readme_policy_example_is_a_valid_policy():
    import tomllib

    from imvo_cli.policy import parse_policy

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The policy file", 1)[1]
    block = section.split("```toml", 1)[1].split("```", 1)[0]
    policy = parse_policy(tomllib.loads(block), "imvo.toml")
    assert policy.company == "Tulpveld Fashion B.V."
    assert policy.columns == {"Leverancier": "name", "Herkomst": "country"}
    assert policy.fail_on == "critical" and policy.limits.max_rows == 200000


def test_closed_pipe_keeps_the_exit_code_and_prints_no_traceback():
    """Regression: `imvo validate x | head` exited 1 (rich's broken-pipe exit) whatever the
    result; now output stops quietly and the exit code still means what it says."""
    for args, code in ((["validate", "sample_data/suppliers.xlsx"], 1),  # a row with an error
                       (["check", "sample_data/members", "--format", "json", "--jobs", "1"], 1),
                       (["map", "sample_data/suppliers.xlsx", "--format", "json"], 0)):
        proc = subprocess.Popen([sys.executable, "-m", "imvo_cli", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=REPO)
        proc.stdout.read(10)
        proc.stdout.close()  # the JSON outputs are far larger than a pipe's buffer
        err = proc.stderr.read().decode()
        assert proc.wait() == code, (args, err)
        assert "Traceback" not in err and "BrokenPipe" not in err, err
