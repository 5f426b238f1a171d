"""Input arguments as files, and the guarantee that no output is ever an input."""

from __future__ import annotations

import os

import pytest

from imvo_cli.files import expand_inputs, guard_outputs
from imvo_cli.model import ImvoError


def test_folders_and_globs_stand_for_their_readable_files(tmp_path):
    (tmp_path / "members" / "deep").mkdir(parents=True)
    for name in ("a.xlsx", "b.csv", "notes.md", "deep/c.ods"):
        (tmp_path / "members" / name).write_text("x", encoding="utf-8")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in expand_inputs([tmp_path / "members", None]))
    assert found == ["members/a.xlsx", "members/b.csv", "members/deep/c.ods"]
    globbed = expand_inputs([str(tmp_path / "members" / "*.csv")])
    assert [p.name for p in globbed] == ["b.csv"]
    assert expand_inputs([tmp_path / "missing.xlsx"]) == [tmp_path / "missing.xlsx"]


def test_an_output_that_is_an_input_is_refused_by_path_link_or_folder(tmp_path):
    src = tmp_path / "list.xlsx"
    src.write_text("x", encoding="utf-8")
    with pytest.raises(ImvoError) as exc:
        guard_outputs([None, tmp_path / "." / "list.xlsx"], [src])
    assert exc.value.code == "output-is-input" and "never writes its input" in exc.value.message
    os.link(src, tmp_path / "same.xlsx")
    with pytest.raises(ImvoError):
        guard_outputs([tmp_path / "same.xlsx"], [src])  # another name for the same file
    with pytest.raises(ImvoError):
        guard_outputs([src], [tmp_path])  # inside a folder given as input
    guard_outputs([tmp_path / "out.xlsx", "/dev/stdout"], [src, tmp_path])
