"""diff of two lists: matched before they are mapped, and its JSON written in parts, with the
same result and the same bytes as the plain way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from imvo_cli.diff import diff_lists, diff_maps
from imvo_cli.mapping import read_and_map
from imvo_cli.report import diff_view

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
AS_OF = date(2026, 6, 1)


def test_lists_matched_before_mapping_give_the_diff_of_their_maps():
    old, new = SAMPLE / "suppliers.xlsx", SAMPLE / "year2" / "suppliers.xlsx"
    via_lists = diff_lists(old, new, as_of=AS_OF)
    via_maps = diff_maps(read_and_map(old, as_of=AS_OF), read_and_map(new, as_of=AS_OF))
    assert via_lists.to_dict() == via_maps.to_dict()
    assert via_lists.summary["counts"]["kept"] > 0 and via_lists.entries


def test_streamed_json_is_the_same_text():
    result = diff_lists(SAMPLE / "suppliers.xlsx", SAMPLE / "year2" / "suppliers.xlsx", as_of=AS_OF)
    streamed = "".join(diff_view.json_chunks(result))
    assert streamed == diff_view.to_json(result)
    assert '"entries": [' in streamed
