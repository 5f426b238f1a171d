"""Less data is not less risk: a supplier whose risk falls while the new list leaves out what
the old one said (a column dropped, a cell emptied) is a data gap, not 'risk down', and
check --baseline does not count it as resolved."""

from __future__ import annotations

from datetime import date

from imvo_cli.baseline import compare
from imvo_cli.check import CheckOptions
from imvo_cli.diff import diff_lists
from imvo_cli.report import diff_view

AS_OF = date(2026, 6, 1)
HEAD = "Supplier ID,Supplier name,Address,Country,Processing type,Product type,Number of workers\n"


def _write(path, rows):
    path.write_text(HEAD + "".join(rows), encoding="utf-8")
    return path


def test_a_dropped_column_that_lowers_risk_is_a_data_gap(tmp_path):
    old = _write(tmp_path / "old.csv", ["V1,Lotus Garments Ltd,Plot 4 EPZ,India,Sewing,Garments,2500\n"])
    new = tmp_path / "new.csv"
    new.write_text("Supplier ID,Supplier name,Address,Country\nV1,Lotus Garments Ltd,Plot 4 EPZ,India\n",
                   encoding="utf-8")
    d = diff_lists(old, new, as_of=AS_OF)
    (entry,) = [e for e in d.entries if e.status == "kept"]
    assert entry.risk is not None and entry.risk.direction == "down"
    assert entry.kind == "data gap" and set(entry.data_gap) >= {"process", "product", "workers"}
    assert d.summary["counts"]["data_gap"] == 1 and d.summary["counts"]["risk_down"] == 0
    doc = d.to_dict()
    assert doc["entries"][0]["kind"] == "data gap"
    assert "data is missing" in diff_view.render("markdown", d, "en")
    assert "ontbrekende gegevens" in diff_view.render("markdown", d, "nl")


def test_a_real_fall_in_risk_stays_risk_down(tmp_path):
    old = _write(tmp_path / "old.csv", ["V1,Lotus Garments Ltd,Plot 4 EPZ,India,Sewing,Garments,2500\n"])
    new = _write(tmp_path / "new.csv", ["V1,Lotus Garments Ltd,Plot 4 EPZ,India,Sewing,Garments,250\n"])
    d = diff_lists(old, new, as_of=AS_OF)
    kinds = {e.kind for e in d.entries if e.status == "kept"}
    assert "data gap" not in kinds
    assert all(not e.data_gap for e in d.entries)


def test_check_baseline_does_not_count_a_data_gap_as_resolved(tmp_path):
    old = _write(tmp_path / "old.csv", ["V1,Lotus Garments Ltd,Plot 4 EPZ,India,Sewing,Garments,2500\n"])
    new = tmp_path / "new.csv"
    new.write_text("Supplier ID,Supplier name,Address,Country\nV1,Lotus Garments Ltd,Plot 4 EPZ,India\n",
                   encoding="utf-8")
    d = diff_lists(old, new, as_of=AS_OF)
    (entry,) = [e for e in d.entries if e.status == "kept"]
    cmp = compare(new, old, CheckOptions(fail_on=entry.old.level, as_of=AS_OF))
    assert cmp.resolved == [] and cmp.known == 1
