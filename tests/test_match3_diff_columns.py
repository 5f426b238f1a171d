"""imvo diff on two years whose lists have different columns: a column one year lacks is no
change of every supplier's value."""

from __future__ import annotations

from datetime import date

from imvo_cli.diff import diff_lists

AS_OF = date(2025, 6, 30)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_column_only_one_year_has_is_not_compared(tmp_path):
    old = _write(tmp_path / "2024.csv", (
        "Name,Country,Address,City,Process\n"
        'Saigon Knit Co Ltd,Vietnam,"Lot B2, Tan Tao Industrial Park",Ho Chi Minh City,knitting\n'
        'Anatolia Tekstil A.S.,Turkey,"Organize Sanayi Bolgesi 5. Cadde No 12",Denizli,dyeing\n'))
    new = _write(tmp_path / "2025.csv", (
        "Name,Country,Address,City,Number of workers\n"
        'Saigon Knit Co Ltd,Vietnam,"Lot B2, Tan Tao Industrial Park",Ho Chi Minh City,1200\n'
        'Anatolia Tekstil A.S.,Turkey,"Organize Sanayi Bolgesi 5. Cadde No 12",Denizli,40\n'))
    result = diff_lists(old, new, as_of=AS_OF)
    assert result.summary["counts"]["kept"] == 2
    fields = {c.field for e in result.entries for c in e.changes}
    assert not fields & {"process", "workers"}, fields


def test_a_column_both_years_have_is_still_compared(tmp_path):
    head = "Name,Country,Address,City,Process\n"
    old = _write(tmp_path / "2024.csv", head + 'Saigon Knit Co Ltd,Vietnam,"Lot B2, Tan Tao IP",HCMC,knitting\n')
    new = _write(tmp_path / "2025.csv", head + 'Saigon Knit Co Ltd,Vietnam,"Lot B2, Tan Tao IP",HCMC,\n')
    result = diff_lists(old, new, as_of=AS_OF)
    changes = [(c.field, c.old, c.new) for e in result.entries for c in e.changes]
    assert changes == [("process", "knitting", None)]
