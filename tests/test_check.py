"""imvo check as a library: discovery, statuses, reasons, order with several processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from imvo_cli.check import CheckOptions, discover, policy_reasons, run_check

from conftest import write_csv

HEADER = ["Supplier name", "Address", "City", "Country", "Tier", "Process", "Product",
          "Audit date", "Audit standard", "Supplies to"]


def clean_list(path: Path) -> Path:
    return write_csv(path, HEADER, [
        ["Atelier Noord", "Industrieweg 4", "Tilburg", "Netherlands", 1, "cutting|sewing",
         "garments", "2026-03-01", "SA8000", ""],
    ])


def risky_list(path: Path) -> Path:
    # Cotton from Benin is on the US DOL list for forced child labour, and the farm's audit
    # cells are empty (no audit recorded): critical residual risk, which the default gate fails.
    return write_csv(path, HEADER, [
        ["Garment Co", "Road 1", "Dhaka", "Bangladesh", 1, "sewing", "garments", "", "", ""],
        ["Cotton Farm Union", "Field 2", "Kandi", "Benin", 2, "cotton growing", "cotton",
         "", "", "Garment Co"],
    ])


def broken_file(path: Path) -> Path:
    path.write_bytes(b"\x00\x01 not a workbook")
    return path


@pytest.fixture()
def members(tmp_path: Path) -> Path:
    d = tmp_path / "members"
    d.mkdir()
    clean_list(d / "a_clean.csv")
    risky_list(d / "b_risky.csv")
    broken_file(d / "c_broken.xlsx")
    (d / "~$a_clean.xlsx").write_bytes(b"lock")
    (d / ".hidden.csv").write_text("x")
    return d


def test_discover_skips_lock_and_hidden_files_and_keeps_order(members: Path):
    found = discover([members])
    assert [p.name for p in found] == ["a_clean.csv", "b_risky.csv", "c_broken.xlsx"]
    # explicit order is kept, repeats dropped, globs expanded
    again = discover([members / "b_risky.csv", str(members / "*.csv"), members / "b_risky.csv"])
    assert [p.name for p in again] == ["b_risky.csv", "a_clean.csv"]


def test_statuses_and_exit_code(members: Path):
    result = run_check([members], CheckOptions(fail_on="high", as_of=None), jobs=1)
    status = {Path(f.file).name: f.status for f in result.files}
    assert status == {"a_clean.csv": "pass", "b_risky.csv": "fail", "c_broken.xlsx": "error"}
    assert result.exit_code == 2
    assert result.totals == {"files": 3, "pass": 1, "fail": 1, "error": 1}
    risky = result.files[1]
    assert any("at or above high" in r for r in risky.reasons)
    assert any(f.supplier == "Cotton Farm Union" for f in risky.findings)
    broken = result.files[2]
    assert "c_broken.xlsx" in broken.reasons[0]


def test_fail_on_never_passes_risky_files(members: Path):
    result = run_check([members / "b_risky.csv"], CheckOptions(fail_on="never"), jobs=1)
    assert result.files[0].status == "pass"
    assert result.exit_code == 0


def test_max_errors_and_minimums(tmp_path: Path):
    f = write_csv(tmp_path / "gaps.csv", HEADER, [
        ["Mill A", "", "", "India", 1, "weaving", "fabric", "", "", ""],
        ["", "Somewhere 1", "Pune", "India", 1, "weaving", "fabric", "", "", ""],
    ])
    strict = run_check([f], CheckOptions(fail_on="never", max_errors=0, min_visibility=0.5,
                                         min_address_completeness=0.9), jobs=1)
    reasons = " | ".join(strict.files[0].reasons)
    assert strict.files[0].status == "fail"
    assert "1 row(s) with errors" in reasons
    assert "visibility 0%" in reasons
    assert "address completeness 0%" in reasons
    lenient = run_check([f], CheckOptions(fail_on="never", max_errors=1), jobs=1)
    assert lenient.files[0].status == "pass"


def test_policy_file_sets_defaults(tmp_path: Path):
    risky_list(tmp_path / "list.csv")
    (tmp_path / "imvo.toml").write_text('[check]\nfail_on = "never"\n')
    assert run_check([tmp_path / "list.csv"], jobs=1).files[0].status == "pass"
    # the command line beats the policy file
    assert run_check([tmp_path / "list.csv"], CheckOptions(fail_on="high"),
                     jobs=1).files[0].status == "fail"


def test_order_is_stable_with_several_processes(members: Path, tmp_path: Path):
    files = []
    for i in range(6):
        files.append(risky_list(tmp_path / f"r{i}.csv") if i % 2 else clean_list(tmp_path / f"c{i}.csv"))
    one = run_check(files, CheckOptions(), jobs=1)
    two = run_check(files, CheckOptions(), jobs=2)
    assert [f.file for f in two.files] == [str(p) for p in files]
    assert two.to_dict() == one.to_dict()


def test_policy_reasons_is_empty_when_everything_holds():
    summary = {"visibility": 0.8, "address_completeness": 1.0}
    assert policy_reasons(summary, [], 0, "high", 0, 0.5, 0.9) == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_check_workbook_shares_are_percentages(tmp_path, lang):
    """Regression: the Files sheet showed visibility and address completeness as fractions."""
    from types import SimpleNamespace

    from openpyxl import load_workbook

    from imvo_cli.export.checkbook import write_check_workbook
    from imvo_cli.i18n import t

    result = SimpleNamespace(files=[SimpleNamespace(
        file="a.xlsx", status="pass", reasons=[], findings=[], issues=[],
        summary={"suppliers": 4, "risk": {"high": 1}, "visibility": 0.25,
                 "address_completeness": 0.75, "rows_rejected": 0})])
    out = tmp_path / "check.xlsx"
    write_check_workbook(result, out, lang=lang)
    ws = load_workbook(out)[t("sheet.files", lang)]
    row = {h.value: c for h, c in zip(ws[1], ws[2], strict=True)}
    for key, value in (("visibility", 0.25), ("address_completeness", 0.75)):
        cell = row[t(f"column.{key}", lang)]
        assert (cell.value, cell.number_format) == (value, "0.0%")
    assert row[t("column.suppliers", lang)].number_format == "General"
