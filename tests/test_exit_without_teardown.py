"""The command line ends without tearing down what it built: same output, same exit codes,
exit handlers still run; the library keeps nothing alive."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from imvo_cli import collector

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "suppliers.xlsx"


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, cwd=REPO, timeout=120)


def _imvo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "imvo_cli", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=300)


def test_exit_handlers_run_output_is_flushed_and_the_code_is_kept():
    done = _python("""
        import atexit, sys
        from imvo_cli.collector import exit_without_teardown
        atexit.register(lambda: print("handler ran", file=sys.stderr))
        def run():
            sys.stdout.write("x" * 100000)  # buffered, not yet flushed
            sys.exit(3)
        exit_without_teardown(run)
        print("never reached")
    """)
    assert done.returncode == 3
    assert done.stdout == "x" * 100000
    assert done.stderr == "handler ran\n"


def test_a_run_that_returns_exits_0_and_one_that_exits_with_a_message_exits_as_usual():
    returned = _python("""
        from imvo_cli.collector import exit_without_teardown
        exit_without_teardown(lambda: print("ok"))
    """)
    assert (returned.returncode, returned.stdout) == (0, "ok\n")
    message = _python("""
        import sys
        from imvo_cli.collector import exit_without_teardown
        exit_without_teardown(lambda: sys.exit("stopped: bad thing"))
    """)
    assert message.returncode == 1
    assert message.stderr.strip() == "stopped: bad thing"


def test_another_running_thread_is_waited_for_as_usual():
    done = _python("""
        import threading, time
        from imvo_cli.collector import exit_without_teardown
        def late():
            time.sleep(0.2)
            print("thread finished", flush=True)
        threading.Thread(target=late).start()
        exit_without_teardown(lambda: None)
    """)
    assert done.returncode == 0
    assert done.stdout == "thread finished\n"


def test_an_error_escaping_the_run_is_a_traceback_as_usual():
    done = _python("""
        from imvo_cli.collector import exit_without_teardown
        def run():
            raise RuntimeError("boom")
        exit_without_teardown(run)
    """)
    assert done.returncode == 1
    assert "RuntimeError: boom" in done.stderr


def test_the_library_keeps_nothing_alive():
    collector.keep_until_exit(object())
    with collector.keeping_until_exit():
        collector.keep_until_exit(object())
    assert collector._KEPT == []


def test_a_command_over_one_list_keeps_what_it_offers_only_inside_its_block():
    done = _python("""
        from imvo_cli import collector
        def run():
            collector.keep_until_exit("outside")
            with collector.keeping_until_exit():
                collector.keep_until_exit("inside")
            print(collector._KEPT)
        collector.exit_without_teardown(run)
    """)
    assert done.stdout == "['inside']\n"


def test_imvo_map_through_the_entry_point_writes_the_same_document_and_codes(tmp_path):
    from typer.testing import CliRunner

    from imvo_cli.cli import app

    args = ["map", str(SAMPLE), "--format", "json", "--as-of", "2026-12-01"]
    in_process = CliRunner().invoke(app, args)
    done = _imvo(*args)
    assert done.returncode == in_process.exit_code == 0
    assert json.loads(done.stdout) == json.loads(in_process.stdout)
    assert done.stdout == in_process.stdout
    missing = _imvo("map", str(tmp_path / "missing.xlsx"))
    assert missing.returncode == 2
    assert "file not found" in missing.stderr


def test_imvo_validate_of_one_list_keeps_the_list_read_and_of_two_keeps_nothing():
    # the process would otherwise free 100,000 suppliers one by one just before it ends
    done = _python(f"""
        import atexit
        from imvo_cli import collector
        from imvo_cli.cli import app
        from imvo_cli.model import SupplierList
        def kept():
            print(sorted(type(v).__name__ for v in collector._KEPT), flush=True)
        atexit.register(kept)
        collector.exit_without_teardown(lambda: app(["validate", {str(SAMPLE)!r}, "-q"]))
    """)
    assert done.returncode == 1, done.stderr  # the sample has a row with an error, on purpose
    assert done.stdout.splitlines()[-1] == "['SupplierList']"
    two = _python(f"""
        import atexit
        from imvo_cli import collector
        from imvo_cli.cli import app
        atexit.register(lambda: print(len(collector._KEPT), flush=True))
        collector.exit_without_teardown(lambda: app(["validate", {str(SAMPLE)!r}, {str(SAMPLE)!r}, "-q"]))
    """)
    assert two.returncode == 1, two.stderr
    assert two.stdout.splitlines()[-1] == "0"
