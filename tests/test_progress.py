"""The progress helper: a bar on a terminal, nothing at all otherwise."""

from __future__ import annotations

import io

from rich.console import Console

from imvo_cli.report import progress as prog


class Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_bar_is_drawn_on_a_terminal_and_steps_count():
    out = Stream(True)
    console = Console(file=out, force_terminal=True, width=80)
    with prog.progress("checking", total=3, enabled=True, console=console) as step:
        for n in range(3):
            step(description=f"checking file {n + 1}")
        console.print("x")  # forces a refresh while the bar is live
    text = out.getvalue()
    assert "checking file" in text
    assert "/3" in text


def test_spinner_without_a_total():
    out = Stream(True)
    console = Console(file=out, force_terminal=True, width=80)
    with prog.progress("reading member lists", enabled=True, console=console) as step:
        step()
        console.print("x")
    assert "reading member lists" in out.getvalue()


def test_nothing_without_a_terminal(monkeypatch):
    err = Stream(False)
    monkeypatch.setattr("sys.stderr", err)
    assert prog.wanted() is False
    with prog.progress("checking", total=2) as step:
        step()
        step(description="more")
    assert err.getvalue() == ""
    assert prog.wanted(Stream(True)) is True


def _recording(monkeypatch) -> list[str]:
    """Replace the bar by a recorder of what it would show."""
    import contextlib

    shown: list[str] = []

    @contextlib.contextmanager
    def fake(description, total=None, **_):
        shown.append(description)
        yield lambda advance=1, description=None: shown.append(description) if description else None

    monkeypatch.setattr(prog, "progress", fake)
    return shown


def test_regression_diff_and_osh_match_show_progress(monkeypatch, tmp_path):
    """Regression: `imvo diff` and `imvo osh-match` (minutes on a full download) ran silent."""
    from conftest import SAMPLE
    from test_osh_match import oid, write_download
    from typer.testing import CliRunner

    from imvo_cli.cli import app
    from imvo_cli.osh import matching

    shown = _recording(monkeypatch)
    res = CliRunner().invoke(app, ["diff", str(SAMPLE / "suppliers.xlsx"),
                                   str(SAMPLE / "year2" / "suppliers.xlsx")])
    assert res.exit_code == 0, res.output
    assert shown == ["comparing the lists"]
    shown.clear()
    monkeypatch.setattr(matching, "PROGRESS_EVERY", 2)
    download = write_download(tmp_path / "d.csv", [
        {"os_id": oid("CN", n), "name": f"Factory {c}", "country_code": "CN"}
        for n, c in enumerate("ABCDE")])
    listing = tmp_path / "l.csv"
    listing.write_text("Supplier name,Country\nFactory A,China\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["osh-match", str(listing), "--facilities", str(download)])
    assert res.exit_code == 0, res.output
    assert shown[0] == "matching 1 supplier against d.csv"
    assert any(s.startswith("reading the download: ") for s in shown)
    assert shown[-1].startswith("scoring ")


def test_check_and_aggregate_count_files_on_their_bar(monkeypatch, tmp_path):
    """The two commands that read many files show a bar that counts them, file by file."""
    from conftest import BASIC_ROWS, write_xlsx
    from typer.testing import CliRunner

    from imvo_cli.cli import app

    folder = tmp_path / "members"
    folder.mkdir()
    for name in ("a", "b"):
        write_xlsx(folder / f"{name}.xlsx", BASIC_ROWS)
    totals: list[int | None] = []
    shown = _recording(monkeypatch)
    original = prog.progress

    def counting(description, total=None, **kw):
        totals.append(total)
        return original(description, total, **kw)

    monkeypatch.setattr(prog, "progress", counting)
    res = CliRunner().invoke(app, ["check", str(folder), "--jobs", "1", "-q"])
    assert res.exit_code in (0, 1), res.output
    res = CliRunner().invoke(app, ["aggregate", str(folder), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert totals == [2, 2]
    assert shown == ["checking", "a.xlsx", "b.xlsx", "reading member lists", "a.xlsx", "b.xlsx"]
