"""A workbook's first sheet is parsed in the worker while the parent checks its container.

The early parse is only a head start: whatever the file, what reading it gives (rows, or
the error and its code) is what checking first and parsing afterwards gives.
"""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import BASIC_ROWS, write_ods
from imvo_cli.ingest import isolate, readers
from imvo_cli.model import ImvoError
from imvo_cli.policy import Limits

ROOT = Path(__file__).resolve().parents[1]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

needs_fork = pytest.mark.skipif(not isolate.isolation_available(), reason="needs os.fork")


def _workbook(path: Path, sheets: dict[str, int]) -> Path:
    """A workbook with a sheet per name, each of `rows` rows of three columns."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(["Supplier", "Country", "Product"])
        for n in range(1, rows):
            ws.append([f"Factory {name} {n}", "Bangladesh", "T-shirts"])
    wb.save(path)
    return path


def _raw_xlsx(path: Path, sheet_xml: str, *, workbook_head: str = "") -> Path:
    """A one-sheet workbook written by hand, so the XML can be anything."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                    f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'<?xml version="1.0"?>{workbook_head}<workbook '
                    f'xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="List" sheetId="1" '
                    'r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships '
                    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{REL}/worksheet" '
                    'Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{NS}">'
                    f"<sheetData>{sheet_xml}</sheetData></worksheet>")
    return path


@pytest.fixture
def calls(monkeypatch):
    """The order in which reading a workbook starts the early parse, runs the container
    checks and cancels the early parse."""
    log: list[str] = []
    start, precheck, cancel = readers.start_parser, readers._precheck, isolate.PendingParse.cancel

    def logged_start(*args, **kwargs):
        log.append("start")
        return start(*args, **kwargs)

    def logged_precheck(*args, **kwargs):
        log.append("precheck")
        return precheck(*args, **kwargs)

    def logged_cancel(self):
        log.append("cancel")
        return cancel(self)

    monkeypatch.setattr(readers, "start_parser", logged_start)
    monkeypatch.setattr(readers, "_precheck", logged_precheck)
    monkeypatch.setattr(isolate.PendingParse, "cancel", logged_cancel)
    return log


def _read_all(path: Path, limits: Limits | None = None) -> list:
    """Per sheet its rows, or the code of the error loading it gives."""
    out = []
    for sheet in readers.read_sheets(path, limits):
        try:
            out.append((sheet.name, sheet.load(None), sheet.merged))
        except ImvoError as exc:
            out.append((sheet.name, exc.code, exc.message))
    return out


def _in_process(monkeypatch, fn):
    """fn() with every parse in this process, after the checks (no early parse)."""
    with monkeypatch.context() as m:
        m.setenv(isolate.IN_PROCESS_ENV, "1")
        return fn()


@needs_fork
@pytest.mark.parametrize("source", ["sample_data/suppliers.xlsx", "tests/data/legacy.xls",
                                    "tests/data/suppliers.xls"])
def test_the_early_parse_gives_the_rows_checking_first_gives(source, calls, monkeypatch):
    path = ROOT / source
    early = _read_all(path)
    assert calls[:2] == ["start", "precheck"] and "cancel" not in calls
    calls.clear()
    assert _in_process(monkeypatch, lambda: _read_all(path)) == early
    assert calls == ["precheck"]


@needs_fork
def test_an_ods_sheet_is_parsed_early_too(tmp_path, calls, monkeypatch):
    path = write_ods(tmp_path / "list.ods", {"Leveranciers": BASIC_ROWS, "Archief": BASIC_ROWS[:2]})
    early = _read_all(path)
    assert calls[:2] == ["start", "precheck"] and "cancel" not in calls
    assert _in_process(monkeypatch, lambda: _read_all(path)) == early
    assert early[0][0] == "Leveranciers" and len(early[0][1]) == len(BASIC_ROWS)


@needs_fork
def test_a_file_that_is_not_its_container_is_checked_without_an_early_parse(tmp_path, calls):
    path = tmp_path / "list.xlsx"
    path.write_text("Supplier,Country\nA,NL\n")
    with pytest.raises(ImvoError) as exc:
        readers.read_sheets(path)
    assert exc.value.code == "not-a-workbook"
    assert calls == ["precheck"]


@needs_fork
def test_a_refused_container_gets_the_checks_error_and_the_early_parse_ends(tmp_path, calls,
                                                                          monkeypatch):
    path = _raw_xlsx(tmp_path / "dtd.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>',
                     workbook_head='<!DOCTYPE workbook [<!ENTITY a "aaaa">]>')
    with pytest.raises(ImvoError) as exc:
        readers.read_sheets(path)
    assert calls == ["start", "precheck", "cancel"]
    assert isolate._worker is None  # the worker holding the early parse was stopped
    with pytest.raises(ImvoError) as first:
        _in_process(monkeypatch, lambda: readers.read_sheets(path))
    assert (exc.value.code, exc.value.message) == (first.value.code, first.value.message)
    # the next file is read by a fresh worker
    assert _read_all(ROOT / "sample_data" / "suppliers.xlsx")[0][1][0][0]


@needs_fork
def test_a_far_cell_cancels_the_early_parse_and_the_sheet_is_refused_by_its_reach(tmp_path,
                                                                                calls,
                                                                                monkeypatch):
    path = _raw_xlsx(tmp_path / "far.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>Supplier'
                     '</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    got = _read_all(path)
    assert calls[:3] == ["start", "precheck", "cancel"]
    assert got[0][1] == "too-many-rows" and "row 1,048,576" in got[0][2]
    assert _in_process(monkeypatch, lambda: _read_all(path)) == got


@needs_fork
def test_a_second_sheet_beyond_the_limits_leaves_the_first_readable(tmp_path, calls, monkeypatch):
    path = _workbook(tmp_path / "two.xlsx", {"List": 4, "Archive": 40})
    limits = Limits(max_rows=10)
    got = _read_all(path, limits)
    assert calls[:3] == ["start", "precheck", "cancel"]
    assert got[0][0] == "List" and len(got[0][1]) == 4
    assert got[1][0] == "Archive" and got[1][1] == "too-many-rows"
    assert _in_process(monkeypatch, lambda: _read_all(path, limits)) == got


@needs_fork
def test_an_early_parse_crash_is_the_files_error_after_the_checks(tmp_path, calls, monkeypatch):
    path = _workbook(tmp_path / "crash.xlsx", {"List": 3})

    def crash(*args):
        os.abort()

    monkeypatch.setattr(readers, "_parse_sheet", crash)
    if isolate._worker is not None:  # a fresh worker picks up the patched function
        isolate._stop(isolate._worker)
    with pytest.raises(ImvoError) as exc:
        readers.read_sheets(path)
    assert calls == ["start", "precheck"]
    assert exc.value.code == "reader-crashed" and "SIGABRT" in exc.value.message
    assert isolate._worker is None  # the crashed worker is gone; the next file gets a new one


def _pause(seconds: float) -> isolate.Parsed:
    time.sleep(seconds)
    return isolate.Parsed("slept", [[seconds]])


@needs_fork
def test_a_pending_parse_runs_beside_the_caller_and_gives_its_result():
    pending = isolate.start_parser(_pause, 0.3)
    time.sleep(0.3)  # the caller's own work, while the worker sleeps too
    result = pending.result()
    assert (result.meta, result.rows) == ("slept", [[0.3]])
    with pytest.raises(RuntimeError):
        pending.result()


@needs_fork
def test_a_cancelled_parse_ends_its_worker_and_the_next_one_starts_fresh():
    pending = isolate.start_parser(_pause, 30)
    pid = isolate._worker.pid
    pending.cancel()
    assert isolate._worker is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped
    with pytest.raises(RuntimeError):
        pending.result()
    pending.cancel()  # twice is harmless
    assert isolate.run_parser(_pause, 0).meta == "slept"


@needs_fork
def test_the_time_limit_counts_from_the_start_of_the_parse():
    pending = isolate.start_parser(_pause, 30, budget=isolate.Budget(seconds=0.5))
    time.sleep(0.6)  # already past the limit when the result is asked for
    with pytest.raises(isolate.ParseFailed, match="longer than"):
        pending.result()
    assert isolate._worker is None


def test_without_a_worker_there_is_no_early_parse(monkeypatch):
    monkeypatch.setenv(isolate.IN_PROCESS_ENV, "1")
    with pytest.raises(RuntimeError):
        isolate.start_parser(_pause, 0)
    assert readers._early_open(ROOT / "sample_data" / "suppliers.xlsx", Limits()) is None


def test_a_sheet_of_an_unknown_part_is_refused_when_any_sheet_is_beyond_the_limits(tmp_path,
                                                                                 monkeypatch):
    # "Wide" has the most cells but stays within the limits; "Long" reaches past max_rows
    # with fewer cells. A sheet whose part cannot be told assumes the worst: the long one.
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wide = wb.active
    wide.title = "Wide"
    for r in range(5):
        wide.append([f"c{r}-{c}" for c in range(40)])
    long = wb.create_sheet("Long")
    for r in range(30):
        long.append([f"r{r}"])
    wb.save(path)
    monkeypatch.setattr(readers, "_sheet_parts", lambda path: {})
    limits = Limits(max_rows=20)
    monkeypatch.setenv(isolate.IN_PROCESS_ENV, "1")  # the refusal must come before any parse
    parsed = []
    monkeypatch.setattr(readers, "_parse_sheet",
                        lambda *args: parsed.append(args[2]) or ([], ()))
    for sheet in readers.read_sheets(path, limits):
        with pytest.raises(ImvoError) as exc:
            sheet.load(None)
        assert exc.value.code == "too-many-rows"
    assert parsed == []


@needs_fork
def test_a_parse_left_neither_read_nor_cancelled_does_not_answer_the_next_one():
    abandoned = isolate.start_parser(_pause, 0.2)
    result = isolate.run_parser(_pause, 0.0)  # a fresh worker: not the old request's reply
    assert result.rows == [[0.0]]
    abandoned.cancel()  # its worker was already replaced and reaped: nothing else is touched
    assert isolate._worker is not None and isolate.run_parser(_pause, 0.0).rows == [[0.0]]


@needs_fork
def test_the_result_of_a_replaced_parse_fails_at_once_and_reads_no_other_pipe():
    abandoned = isolate.start_parser(_pause, 0.2)
    isolate.run_parser(_pause, 0.0)  # replaces the worker; its pipes' numbers may be reused
    pending = isolate.start_parser(_pause, 0.1)
    with pytest.raises(isolate.ParseFailed, match="ended before its result was read"):
        abandoned.result()  # not the live parse's reply, read through a reused pipe number
    assert pending.result().rows == [[0.1]]  # that reply was left to it


# ---------------------------------------------------------------- started before the read


@pytest.fixture
def no_started():
    """No parse begun by start_reading is left over from another test, before or after."""
    readers._started.clear()
    yield
    for pid, pending in readers._started.values():
        if pid == os.getpid():
            pending.cancel()
    readers._started.clear()


@needs_fork
def test_a_read_started_early_is_taken_by_the_read(tmp_path, calls, monkeypatch, no_started):
    path = _workbook(tmp_path / "list.xlsx", {"List": 5, "Archive": 2})
    readers.start_reading(path)
    assert calls == ["start"]
    got = _read_all(path)
    assert calls[:2] == ["start", "precheck"] and calls.count("start") == 1
    assert "cancel" not in calls and not readers._started
    assert _in_process(monkeypatch, lambda: _read_all(path)) == got
    assert got[0][0] == "List" and len(got[0][1]) == 5


@needs_fork
def test_a_file_changed_after_the_start_is_parsed_again(tmp_path, calls, no_started):
    path = _workbook(tmp_path / "list.xlsx", {"List": 5})
    readers.start_reading(path)
    _workbook(path, {"List": 7})  # saved again meanwhile
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # a time of its own, however coarse the clock
    got = _read_all(path)
    assert calls[:3] == ["start", "cancel", "start"]
    assert len(got[0][1]) == 7


@needs_fork
def test_a_read_with_other_limits_or_of_another_file_does_not_take_the_started_parse(
        tmp_path, calls, no_started):
    path = _workbook(tmp_path / "list.xlsx", {"List": 30})
    readers.start_reading(path)
    got = _read_all(path, Limits(max_rows=10))  # the parse began under the default limits
    assert calls[:2] == ["start", "cancel"] and got[0][1] == "too-many-rows"
    calls.clear()
    readers.start_reading(path)
    other = _workbook(tmp_path / "other.xlsx", {"List": 3})
    assert len(_read_all(other)[0][1]) == 3
    assert calls[:3] == ["start", "cancel", "start"] and not readers._started


@needs_fork
def test_a_refused_file_started_early_gets_the_checks_error(tmp_path, calls, monkeypatch,
                                                          no_started):
    path = _raw_xlsx(tmp_path / "dtd.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>',
                     workbook_head='<!DOCTYPE workbook [<!ENTITY a "aaaa">]>')
    readers.start_reading(path)
    with pytest.raises(ImvoError) as exc:
        readers.read_sheets(path)
    assert calls == ["start", "precheck", "cancel"]
    with pytest.raises(ImvoError) as first:
        _in_process(monkeypatch, lambda: readers.read_sheets(path))
    assert (exc.value.code, exc.value.message) == (first.value.code, first.value.message)


@needs_fork
def test_nothing_starts_early_for_a_file_the_read_refuses_at_once_or_a_text_table(
        tmp_path, calls, no_started):
    text = tmp_path / "list.xlsx"
    text.write_text("Supplier,Country\nA,NL\n")  # not the container its name says
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    csv = tmp_path / "list.csv"
    csv.write_text("Supplier,Country\nA,NL\n")
    for path in (text, empty, csv, tmp_path / "missing.xlsx", tmp_path):
        readers.start_reading(path)
    assert calls == [] and not readers._started


def test_without_a_worker_nothing_starts_early(tmp_path, monkeypatch, no_started):
    monkeypatch.setenv(isolate.IN_PROCESS_ENV, "1")
    path = _workbook(tmp_path / "list.xlsx", {"List": 3})
    readers.start_reading(path)
    assert not readers._started
    assert len(_read_all(path)[0][1]) == 3


@needs_fork
@pytest.mark.parametrize("command", [["map", "--format", "json"], ["validate", "--format", "json"]])
def test_map_and_validate_start_the_parse_before_their_imports_and_take_it(
        tmp_path, calls, command, monkeypatch, no_started):
    from typer.testing import CliRunner

    from imvo_cli.cli import app

    start_reading = readers.start_reading

    def logged(*args, **kwargs):
        calls.append("start_reading")
        return start_reading(*args, **kwargs)

    monkeypatch.setattr(readers, "start_reading", logged)
    path = _workbook(tmp_path / "list.xlsx", {"List": 4})
    result = CliRunner().invoke(app, [command[0], str(path), *command[1:]])
    assert result.exit_code == 0, result.output
    assert calls[:3] == ["start_reading", "start", "precheck"]
    assert calls.count("start") == 1 and "cancel" not in calls and not readers._started


@needs_fork
def test_a_parse_begun_before_a_fork_is_left_to_the_process_that_began_it(tmp_path, calls,
                                                                         no_started):
    path = _workbook(tmp_path / "list.xlsx", {"List": 3})
    readers.start_reading(path)
    key = readers._reading_key(path, Limits())
    _, pending = readers._started[key]
    child = os.fork()
    if child == 0:  # the forked copy reads the file itself and leaves the parent's parse alone
        code = 1
        try:
            if len(_read_all(path)[0][1]) == 3 and not readers._started:
                code = 0
        finally:
            isolate._stop_at_exit()
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert readers._started == {key: (os.getpid(), pending)}
    assert len(readers.read_sheets(path)[0].load(None)) == 3  # taken: the parent's parse lived
    assert calls.count("start") == 1 and "cancel" not in calls


@needs_fork
def test_starting_the_same_read_twice_starts_one_parse(tmp_path, calls, no_started):
    path = _workbook(tmp_path / "list.xlsx", {"List": 3})
    readers.start_reading(path)
    readers.start_reading(path)
    assert calls == ["start"] and len(readers._started) == 1
    assert len(_read_all(path)[0][1]) == 3 and calls.count("start") == 1


@needs_fork
def test_a_file_that_cannot_be_opened_starts_nothing_early(
        tmp_path, calls, monkeypatch, no_started):
    path = _workbook(tmp_path / "list.xlsx", {"List": 3})

    def refused(_path):
        raise PermissionError(13, "Permission denied", str(_path))

    monkeypatch.setattr(readers, "_sniff_kind", refused)
    readers.start_reading(path)  # no exception: reporting the file is the read's job
    assert calls == [] and not readers._started
