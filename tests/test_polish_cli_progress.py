"""The steps `imvo map --verbose` names on stderr, the map's progress bar and the progress
labels of `imvo osh-match`, in Dutch under --lang nl or IMVO_LANG=nl; English unchanged."""

from __future__ import annotations

import contextlib

import pytest
from conftest import SAMPLE
from test_osh_match import oid, write_download
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.commands import map_cmd
from imvo_cli.i18n.messages import progress_label

runner = CliRunner()
ENGLISH_STAGES = ("reading", "linking", "scoring", "writing")


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch):
    monkeypatch.delenv("IMVO_LANG", raising=False)


def _stage_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("imvo: ")]


def test_verbose_stages_in_english_as_before():
    result = runner.invoke(app, ["map", str(SAMPLE / "suppliers.xlsx"), "--verbose", "-q"])
    assert result.exit_code == 0, result.output
    assert _stage_lines(result.stderr) == [f"imvo: {s}" for s in ENGLISH_STAGES]


@pytest.mark.parametrize("how", [["--lang", "nl"], "IMVO_LANG"])
def test_verbose_stages_in_dutch(how):
    args = ["map", str(SAMPLE / "suppliers.xlsx"), "--verbose", "-q"]
    env = {"IMVO_LANG": "nl"} if how == "IMVO_LANG" else {}
    result = runner.invoke(app, args + (how if isinstance(how, list) else []), env=env)
    assert result.exit_code == 0, result.output
    lines = _stage_lines(result.stderr)
    assert lines == ["imvo: lezen", "imvo: koppelen", "imvo: scoren", "imvo: schrijven"]
    assert not any(stage in result.stderr for stage in ENGLISH_STAGES)


def test_the_progress_bar_names_the_stages_in_the_language(monkeypatch):
    shown: list[str] = []

    class Bar:  # stands in for rich's Progress: records what the bar would show
        def __init__(self, *columns, **options):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def add_task(self, description, total=None):
            shown.append(description)
            return 0

        def update(self, task, description=None, **kw):
            shown.append(description)

        def advance(self, task):
            pass

    import rich.progress

    monkeypatch.setattr(rich.progress, "Progress", Bar)
    with map_cmd.stage_progress(True, lang="nl") as on_stage:
        for stage in ENGLISH_STAGES:
            on_stage(stage)
    assert shown == ["in kaart brengen", "lezen", "koppelen", "scoren", "schrijven"]
    shown.clear()
    with map_cmd.stage_progress(True) as on_stage:
        on_stage("reading")
    assert shown == ["mapping", "reading"]


def test_progress_labels_of_osh_match_said_in_dutch():
    assert progress_label("reading the download: 40,000 rows", "nl") == "download lezen: 40.000 regels"
    assert progress_label("scoring 1,234 pairs", "nl") == "1.234 paren scoren"
    assert progress_label("scoring 1,234 pairs", "en") == "scoring 1,234 pairs"
    assert progress_label("members-2024.xlsx", "nl") == "members-2024.xlsx"  # a file's name


def test_osh_match_hands_the_bar_dutch_labels(tmp_path, monkeypatch):
    from imvo_cli.osh import matching
    from imvo_cli.report import progress as progress_module

    labels: list[str] = []

    @contextlib.contextmanager
    def recording(description, total=None, **kw):
        labels.append(description)

        def step(advance=1, description=None):
            if description:
                labels.append(description)

        yield step

    monkeypatch.setattr(progress_module, "progress", recording)
    monkeypatch.setattr(matching, "PROGRESS_EVERY", 1)
    listing = tmp_path / "list.csv"
    listing.write_text("Supplier name,Address,City,Country\nYongsheng Clothing Co. Ltd.,"
                       "No. 231 Tongzhou Road,Nantong,China\n", encoding="utf-8")
    download = write_download(tmp_path / "d.csv", [
        {"os_id": oid("CN", n), "name": f"Factory {n}", "address": f"Road {n}, Nantong",
         "country_code": "CN"} for n in range(3)])
    for lang, expected in (("nl", ("download lezen: ", "paren scoren")),
                           ("en", ("reading the download: ", "pairs"))):
        labels.clear()
        result = runner.invoke(app, ["osh-match", str(listing), "--facilities", str(download),
                                     "--lang", lang, "-q"])
        assert result.exit_code == 0, result.output
        assert any(label.startswith(expected[0]) for label in labels), labels
        assert any(label.endswith(expected[1]) for label in labels), labels
        if lang == "nl":
            assert not any("reading" in label or "scoring" in label for label in labels)
