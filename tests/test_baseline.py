"""imvo check against a baseline: only what got worse fails."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SAMPLE, load_sample_generator

from imvo_cli.baseline import apply_baselines, compare, new_errors
from imvo_cli.check import CheckOptions, run_check
from imvo_cli.model import Issue

# The gate of the covenant's strict members: fail on high residual risk (the default is critical).
OPTIONS = CheckOptions(as_of=date(2025, 6, 30), fail_on="high")
OLD = SAMPLE / "suppliers.xlsx"
CRITICAL = "Golden Lotus Garment Manufacturing Co., Ltd."


@pytest.fixture(scope="module")
def with_new_critical(tmp_path_factory):
    """Last year's list plus one new garment maker in Viet Nam with no audit recorded: DOL lists
    garments from Viet Nam for forced child labour, so the unverified site is critical."""
    gen = load_sample_generator()
    rows = gen.brand_rows()
    template = next(r for r in rows if r is not None and r["country"] in ("Vietnam", "Viet Nam"))
    rows.append(dict(template, id="V1090", name=CRITICAL, address="Lot 12, Tan Thuan Export Zone",
                     audit_standard=None, audit_date=None, audit_result=None))
    path = tmp_path_factory.mktemp("baseline") / "suppliers.xlsx"
    return gen.write_xlsx(rows, path, above=[["Company:", gen.BRAND], []])


def test_the_unchanged_list_passes_its_baseline():
    absolute = run_check([OLD], OPTIONS, jobs=1)
    assert absolute.exit_code == 1  # known, managed risks fail the absolute check
    judged, [cmp] = apply_baselines(absolute, OLD, OPTIONS)
    assert judged.exit_code == 0 and judged.files[0].reasons == []
    assert cmp.worse == [] and cmp.new_errors == [] and cmp.known > 0


def test_one_new_critical_supplier_fails_and_is_named(with_new_critical):
    judged, [_cmp] = apply_baselines(run_check([with_new_critical], OPTIONS, jobs=1), OLD, OPTIONS)
    assert judged.exit_code == 1
    [finding] = judged.files[0].findings
    assert (finding.supplier, finding.level, finding.reason) == (CRITICAL, "critical", "new supplier")
    [reason] = judged.files[0].reasons
    assert CRITICAL in reason and "since the baseline" in reason


def test_year_two_against_year_one_names_what_is_new_and_resolved():
    gen = load_sample_generator()
    cmp = compare(SAMPLE / "year2" / "suppliers.xlsx", OLD, OPTIONS)
    new_high = {r["name"] for r in gen.YEAR2_NEW if r["tier"] == 1}
    assert {f.supplier for f in cmp.worse} == new_high
    gone = {r["name"] for r in gen.brand_rows() if r is not None and r["id"] == gen.YEAR2_GONE[0]}
    assert {x.split(" (")[0] for x in cmp.resolved} >= gone


def test_new_errors_are_counted_not_located():
    a = Issue("error", "unknown-country", "unknown country 'Bangladseh'", "f", "S", 9, "Country")
    moved = Issue("error", "unknown-country", "unknown country 'Bangladseh'", "f", "S", 12, "Country")
    other = Issue("error", "missing-name", "no name", "f", "S", 3, "Name")
    assert new_errors([a], [moved]) == []
    assert new_errors([a], [moved, a, other]) == [a, other]
    assert new_errors([], [Issue("warning", "x", "y")]) == []


def test_a_folder_of_baselines_pairs_files_by_name(tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    (base / "suppliers.xlsx").write_bytes(OLD.read_bytes())
    judged, comparisons = apply_baselines(run_check([OLD], OPTIONS, jobs=1), base, OPTIONS)
    assert judged.exit_code == 0 and len(comparisons) == 1


def test_a_missing_baseline_is_a_clear_error(tmp_path):
    from imvo_cli.model import ImvoError

    with pytest.raises(ImvoError, match="baseline not found"):
        apply_baselines(run_check([OLD], OPTIONS, jobs=1), tmp_path / "nope.xlsx", OPTIONS)


def test_an_unreadable_baseline_makes_the_file_an_error():
    from conftest import DATA

    judged, comparisons = apply_baselines(run_check([OLD], OPTIONS, jobs=1),
                                          DATA / "bad" / "truncated.xlsx", OPTIONS)
    assert judged.exit_code == 2 and comparisons == []
    assert judged.files[0].reasons[0].startswith("baseline: ")


def test_regression_a_baseline_saved_as_csv_pairs_with_this_years_xlsx(tmp_path):
    """Regression: a member that sent csv last year and xlsx this year had no baseline, so all
    its known risks failed the check as if new, and nothing said why."""
    import shutil

    base, now = tmp_path / "base", tmp_path / "now"
    base.mkdir()
    now.mkdir()
    shutil.copy(SAMPLE / "leveranciers.csv", base / "veenstra.csv")
    shutil.copy(SAMPLE / "leveranciers.xlsx", now / "veenstra.xlsx")
    shutil.copy(OLD, now / "tulpveld.xlsx")  # no baseline of that name
    absolute = run_check([now], OPTIONS, jobs=1)
    judged, comparisons = apply_baselines(absolute, base, OPTIONS)
    by_name = {f.file.rsplit("/", 1)[-1]: f for f in judged.files}
    assert [c.baseline for c in comparisons] == [str(base / "veenstra.csv")]
    assert by_name["veenstra.xlsx"].status == "pass"
    lone = by_name["tulpveld.xlsx"]
    assert lone.status == "fail" and "no baseline of the same name" in lone.reasons[-1]
    assert [i.code for i in lone.issues].count("baseline-missing") == 1


def test_reasons_against_the_baseline_speak_dutch():
    cmp = compare(SAMPLE / "year2" / "suppliers.xlsx", OLD, OPTIONS)
    english = " | ".join(cmp.reasons)
    dutch = " | ".join(r.say("nl") for r in cmp.reasons)
    assert "newly at or above high since the baseline" in english
    assert "sinds de referentielijst nieuw met risico hoog of hoger" in dutch
    assert "nieuwe leverancier)" in dutch and "new supplier" not in dutch
    assert "since the baseline" not in dutch


def test_regression_new_errors_against_the_baseline_are_said_in_dutch(tmp_path):
    """The reason 'new errors since the baseline' said the errors themselves in English under
    --lang nl; they are said from the issues now, located in Dutch too."""
    header = "Supplier name,Address,City,Country,Tier\n"
    rows = "Meghna Apparels Ltd.,\"Holding 12, Konabari\",Gazipur,Bangladesh,1\n"
    base = tmp_path / "base.csv"
    base.write_text(header + rows, encoding="utf-8")
    now = tmp_path / "now.csv"
    now.write_text(header + rows + "Jamuna Knit,Road 4,Savar,Bangladseh,1\n", encoding="utf-8")
    cmp = compare(now, base, OPTIONS)
    [reason] = [r for r in cmp.reasons if "new error" in r]
    assert reason == (f"1 new error(s) since the baseline: {now}, row 3, column 'Country': "
                      "'Bangladseh' is not a recognised country; it looks like a typo for "
                      "Bangladesh (BD)")
    from imvo_cli.i18n.messages import say

    dutch = say(reason, "nl")
    assert dutch == (f"1 nieuwe fout(en) sinds de referentielijst: {now}, regel 3, kolom 'Country': "
                     "'Bangladseh' is geen bekend land; het lijkt een tikfout voor Bangladesh (BD)")
    renamed = reason.replaced(str(now), "<stdin>")
    assert say(renamed, "nl").startswith("1 nieuwe fout(en) sinds de referentielijst: <stdin>, regel 3")
    assert str(renamed).startswith("1 new error(s) since the baseline: <stdin>, row 3")
