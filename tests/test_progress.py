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
