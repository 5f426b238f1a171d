"""The bundled sample lists: generated deterministically, and as messy as promised."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from conftest import SAMPLE

from imvo_cli.ingest import read_suppliers
from imvo_cli.ingest.readers import read_sheets

SAMPLE_COUNTRIES = {"BD", "CN", "IN", "TR", "PK", "VN", "MM", "ET", "PT", "IT", "NL"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    from conftest import load_sample_generator

    gen = load_sample_generator()
    out = tmp_path_factory.mktemp("fresh")
    gen.generate(out)
    return out


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_generation_is_deterministic(fresh, tmp_path, sample_generator):
    sample_generator.generate(tmp_path)
    assert _files(tmp_path) == _files(fresh)


def test_committed_samples_equal_a_fresh_generation(fresh):
    committed, generated = _files(SAMPLE), _files(fresh)
    assert sorted(committed) == sorted(generated)
    changed = [name for name in generated if committed[name] != generated[name]]
    assert not changed, f"run python scripts/make_sample_data.py and commit: {changed}"


def test_sample_stays_small():
    assert sum(len(b) for b in _files(SAMPLE).values()) < 400_000


def test_brand_list():
    sl = read_suppliers(SAMPLE / "suppliers.xlsx")
    assert sl.company == "Tulpveld Fashion B.V." and sl.header_row == 4
    assert 75 <= len(sl.suppliers) <= 85
    assert {s.declared_tier for s in sl.suppliers} == {1, 2, 3, 4}
    assert {s.country for s in sl.suppliers} == SAMPLE_COUNTRIES
    assert "Remarks" in sl.extra_columns
    # exactly the data-quality problems it was built with
    assert sl.empty_rows == 1
    assert Counter((i.severity, i.code) for i in sl.issues) == {
        ("error", "unknown-country"): 1, ("warning", "missing-address"): 1,
        ("warning", "duplicate-supplier"): 1}
    assert sl.accounted_rows() == sl.rows
    # the three ways of typing worker numbers all became numbers
    assert all(s.workers is None or isinstance(s.workers, int) for s in sl.suppliers)
    # audits: one failed, some older than two years, some missing
    results = [s.audit_result for s in sl.suppliers]
    assert results.count("Failed") == 1
    assert any(s.audit_date and s.audit_date < date(2022, 6, 30) for s in sl.suppliers)
    assert any(s.declared_tier == 1 and s.audit_standard is None for s in sl.suppliers)
    assert {s.audit_standard for s in sl.suppliers} >= {"amfori BSCI", "SA8000", "SLCP", "WRAP",
                                                          "Sedex SMETA"}
    # every supplies-to reference names a supplier or the company, except the one planted
    known = {s.source_id for s in sl.suppliers} | {s.name for s in sl.suppliers} | {sl.company}
    unknown = {r for s in sl.suppliers for r in s.supplies_to if r not in known}
    sheet = next(s for s in read_sheets(SAMPLE / "suppliers.xlsx") if s.name == sl.sheet)
    raw = sheet.load(None)
    rejected = {raw[n - 1][0] for n in sl.rejected_rows} | {raw[n - 1][1] for n in sl.rejected_rows}
    # only the planted reference, and references to the rejected row, lead nowhere
    assert "V9999" in unknown and unknown - {"V9999"} <= rejected
    assert any(len(s.supplies_to) > 1 for s in sl.suppliers)  # some multi-customer


def test_dutch_list_and_its_csv_twin():
    xlsx = read_suppliers(SAMPLE / "leveranciers.xlsx")
    csv = read_suppliers(SAMPLE / "leveranciers.csv")
    assert xlsx.sheet == "Leveranciers"  # the read-me sheet in front is skipped
    assert read_suppliers(SAMPLE / "leveranciers.xlsx", sheet="2").sheet == "Leveranciers"
    assert xlsx.company == csv.company == "Veenstra Werkkleding B.V."
    assert xlsx.columns["name"] == "Naam leverancier" and xlsx.columns["supplies_to"] == "Levert aan"
    assert not xlsx.errors and not csv.errors

    def facts(sl):
        return [(s.id, s.source_id, s.name, s.country, s.city, s.declared_tier, s.workers,
                 s.audit_date, s.supplies_to, s.process, s.purchase_share) for s in sl.suppliers]

    assert facts(xlsx) == facts(csv)
    assert len(xlsx.suppliers) == 40
    assert {s.declared_tier for s in xlsx.suppliers} == {1, 2, 3, 4}
    raw = (SAMPLE / "leveranciers.csv").read_bytes()
    raw.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252, accents and all
    assert b";" in raw.splitlines()[3]


def test_member_lists():
    files = sorted((SAMPLE / "members").iterdir())
    assert len(files) == 8
    companies = set()
    for path in files:
        sl = read_suppliers(path)
        assert not sl.errors, path.name
        assert sl.accounted_rows() == sl.rows
        assert {s.country for s in sl.suppliers} <= SAMPLE_COUNTRIES
        companies.add(sl.company or path.stem)
    assert len(companies) == 8


def test_members_share_about_a_fifth_spelled_differently(sample_generator):
    lists = sample_generator.member_lists(8, 480, 0.2, seed=8)
    total = sum(len(m.rows) for m in lists)
    assert total == 480
    members_of, spellings = {}, {}
    for m in lists:
        assert len(m.facilities) == len(m.rows)
        for fac, r in zip(m.facilities, m.rows, strict=True):
            members_of.setdefault(fac, set()).add(m.member)
            spellings.setdefault(fac, set()).add(r["name"])
    shared_rows = sum(1 for m in lists for fac in m.facilities if len(members_of[fac]) > 1)
    assert shared_rows == sum(m.shared_rows for m in lists)
    assert 0.17 <= shared_rows / total <= 0.23
    for m in lists:  # every member, not just the total, shares about a fifth
        assert 0.15 <= m.shared_rows / len(m.rows) <= 0.25
    shared = [f for f, ms in members_of.items() if len(ms) > 1]
    assert all(2 <= len(members_of[f]) <= 4 for f in shared)
    # each member spells a shared factory's name its own way
    assert all(len(spellings[f]) == len(members_of[f]) for f in shared)


def test_supplier_rows_scale_and_stay_linked(sample_generator):
    rows = sample_generator.supplier_rows(2000, seed=5)
    assert len(rows) == 2000
    assert len({r["name"] for r in rows}) == 2000
    ids = {r["id"] for r in rows}
    names = {r["name"] for r in rows}
    for r in rows:
        for ref in (r["supplies_to"] or "").split(" | "):
            assert not ref or ref in ids or ref in names or ref == sample_generator.BRAND
    assert Counter(r["tier"] for r in rows) == {1: 580, 2: 660, 3: 400, 4: 360}
    assert rows == sample_generator.supplier_rows(2000, seed=5)


def test_year_two_lists(sample_generator):
    gen = sample_generator
    old = read_suppliers(SAMPLE / "suppliers.xlsx")
    new = read_suppliers(SAMPLE / "year2" / "suppliers.xlsx")
    assert new.company == old.company and new.accounted_rows() == new.rows
    ids_old = {s.source_id for s in old.suppliers}
    ids_new = {s.source_id for s in new.suppliers}
    assert ids_old - ids_new == set(gen.YEAR2_GONE)
    assert ids_new - ids_old == {r["id"] for r in gen.YEAR2_NEW}
    # the same data-quality problems as last year, no new ones
    assert Counter(i.code for i in new.issues) == Counter(i.code for i in old.issues)
    files = sorted((SAMPLE / "year2" / "members").iterdir())
    year1 = sorted((SAMPLE / "members").iterdir())
    assert [p.name for p in year1 if p.name not in {q.name for q in files}] == ["heidebloem-kids.xlsx"]
    for path in files:
        sl = read_suppliers(path)
        assert not sl.errors and sl.accounted_rows() == sl.rows, path.name
