"""Two member files that name one member: both are aggregated, and a warning says so, since
every facility of the two lists would otherwise look shared by two members in silence."""

from __future__ import annotations

import shutil

from conftest import SAMPLE

from imvo_cli.aggregate import read_members
from imvo_cli.i18n.messages import issue_hint, issue_message
from imvo_cli.policy import Policy


def test_a_repeated_member_name_is_warned_and_said_in_dutch(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(SAMPLE / "members" / "duinzand-mode.xlsx", tmp_path / sub)
    read = read_members([tmp_path / "a" / "duinzand-mode.xlsx", tmp_path / "b" / "duinzand-mode.xlsx"],
                        Policy())
    assert [m.member for m in read.members] == ["Duinzand Mode B.V.", "Duinzand Mode B.V. (2)"]
    warned = [i for i in read.issues if i.code == "member-name-repeated"]
    assert len(warned) == 1
    w = warned[0]
    assert w.severity == "warning" and w.file.endswith("b/duinzand-mode.xlsx")
    assert "Duinzand Mode B.V. (2)" in w.message and "a/duinzand-mode.xlsx" in w.message
    nl = issue_message(w, "nl")
    assert nl != w.message and "Duinzand Mode B.V. (2)" in nl
    assert issue_hint(w, "nl") != w.hint


def test_distinct_member_names_give_no_warning():
    files = sorted((SAMPLE / "members").iterdir())[:2]
    read = read_members(files, Policy())
    assert not [i for i in read.issues if i.code == "member-name-repeated"]
