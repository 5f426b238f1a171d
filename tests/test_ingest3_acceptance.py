"""Acceptance checks for faithful input: countries, headers, links (issues 3 and 15)."""

from __future__ import annotations

import pytest

from conftest import write_xlsx
from imvo_cli.ingest import read_suppliers
from imvo_cli.model import ImvoError


def test_header_hint_comes_from_the_header_like_row_not_the_metadata_above_it(tmp_path):
    # regression: the 'did you mean' hint read the first row ('Sector: Spaceships' ->
    # 'sectors'), a metadata cell, instead of the row that holds the column titles
    path = write_xlsx(tmp_path / "l.xlsx", [
        ["Sector: Spaceships"], ["Supplier list 2024"], ["Prepared by: J. Jansen", None, "Date: 2024"],
        [], ["Fabriek naam", "Lnd", "Adress", "Klnt"], ["Alpha", "BD", "1 Road", "x"]])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    err = exc.value
    assert err.code == "header-not-found"
    assert "Fabriek naam" in err.message and "row 5" in err.message
    assert "Spaceships" not in err.message + (err.hint or "")
    assert "Supplier list" not in err.message + (err.hint or "")
    assert "'Adress' -> 'address' (address)" in err.hint


def test_header_hint_gives_no_guess_for_a_sheet_of_titles_only(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [["Sector: Spaceships"], ["Supplier list 2024"],
                                             ["Alpha"]])
    with pytest.raises(ImvoError) as exc:
        read_suppliers(path)
    assert exc.value.code == "header-not-found"
    assert "did you mean" not in (exc.value.hint or "")
    assert "--map" in exc.value.hint
