"""Cells that say "nothing here" ('n/a', '-', '?', 'onbekend', 'none', 'geen') are no data:
an audit column holding one is "no audit recorded", a product cell holding one is no product."""

from __future__ import annotations

from datetime import date

import pytest

from imvo_cli.mapping import read_and_map
from imvo_cli.model import Supplier
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_supplier, load_profile

TEXTILE = load_profile("textile")
AS_OF = date(2026, 6, 1)
AUDIT_COLUMNS = frozenset({"name", "country", "address", "product", "audit_standard",
                           "audit_date", "audit_result"})


def garment_maker(**kw) -> Supplier:
    # Indian garments are on the US DOL list for forced child labour.
    base = dict(id="S1", name="Sabari Knits", country="IN", address="12 Mill Road",
                city="Tiruppur", product=["garments"])
    base.update(kw)
    return Supplier(**base)


@pytest.mark.parametrize("cell", ["n/a", "N.v.t.", "-", "?", "onbekend", "none", "geen", "unknown"])
def test_a_placeholder_in_the_audit_columns_is_no_audit_recorded(cell):
    empty = assess_supplier(garment_maker(), TEXTILE, Policy(), AS_OF, columns=AUDIT_COLUMNS)
    said = assess_supplier(garment_maker(audit_standard=cell, audit_result=cell), TEXTILE,
                           Policy(), AS_OF, columns=AUDIT_COLUMNS)
    rules = {e.rule for e in said.evidence if e.kind != "place"}
    assert "no-audit" in rules and "audit-undated" not in rules
    # never verified + a DOL forced-child-labour good: as critical as an empty audit cell
    assert said.level == empty.level == "critical"


def test_a_real_audit_without_date_stays_undated():
    risk = assess_supplier(garment_maker(audit_standard="BSCI"), TEXTILE, Policy(), AS_OF,
                           columns=AUDIT_COLUMNS)
    assert "audit-undated" in {e.rule for e in risk.evidence}
    assert risk.level == "high"


def test_placeholders_are_no_data_in_the_coverage(tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("name,address,city,country,product,process,audit standard,audit result\n"
                 "A,Road 1,Dhaka,Bangladesh,garments,sewing,BSCI,B\n"
                 "B,Road 2,Dhaka,Bangladesh,n/a,-,n/a,n/a\n"
                 "C,Road 3,Dhaka,Bangladesh,?,onbekend,-,?\n"
                 "D,Road 4,Dhaka,Bangladesh,widgets,sewing,,\n", encoding="utf-8")
    cm = read_and_map(f, as_of=AS_OF)
    cov = cm.summary["coverage"]
    assert cov["audit"]["share"] == 0.25
    assert cov["product"]["share"] == 0.5 and cov["product"]["recognised"] == 0.25
    assert cov["process"]["share"] == 0.5
    assert cov["unrecognised"] == {"product": {"widgets": 1}, "process": {}}
    by_name = {s.name: s.id for s in cm.source.suppliers}
    b = cm.risk[by_name["B"]]
    assert {e.rule for e in b.evidence} >= {"no-product-data", "no-audit"}
