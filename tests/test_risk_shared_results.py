"""Shared risk results read like one supplier's own: the themes mapping, the batch call, the
region shortcut and the one level order give what the plain computation gives."""

from __future__ import annotations

import dataclasses
import gc
from datetime import date
from pathlib import Path

import pytest

from imvo_cli.ingest import read_suppliers
from imvo_cli.model import ALL_LEVELS, Level, worst
from imvo_cli.policy import Policy
from imvo_cli.risk import assess_suppliers, engine, load_profile, tables
from imvo_cli.risk.engine import Assessor, SiteThemes, _region_text, _site_themes

TEXTILE = load_profile("textile")
AS_OF = date(2026, 6, 1)
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "suppliers.xlsx"


def _full_region_text(country, *texts):
    """The region key by the plain scan of every alias (no shortcut)."""
    key = " " + " ".join(engine._region_words(t) for t in texts if t) + " "
    return " | ".join(sorted({a for r in tables.region_rules() if r.country == country
                              for a in r.aliases if f" {a} " in key and engine._as_place(a, key)}))


@pytest.mark.parametrize("texts", [
    ("Xinjiang",), ("8 Road, Urumqi",), ("East Turkestan Street",), ("Eastern Road", "Business Park"),
    ("Sin-kiang",), ("KASHGARS",), ("新疆",), ("Aksu", None, ""), ("Aksusu",), ("Hotan",),
    ("Korla", "Shihezi"), ("Ningbo", "12 Long Road"), ("east", "turkestan"), ("Kashi-1",),
    ("xinjianguyghur",), ("Ürümqi",), ("Changji Hui",), (None,), ("Sinkiang Uighur",),
])
def test_region_shortcut_finds_what_the_full_scan_finds(texts):
    assert _region_text("CN", *texts) == _full_region_text("CN", *texts)


def test_worst_keeps_the_one_level_order():
    values = [*ALL_LEVELS, None, "", "severe", Level.HIGH, Level.LOW]
    for a in values:
        for b in values:
            got = worst([a, b])
            assert got == Level.worst([a, b]).value and type(got) is str
    assert worst([]) == "unknown" and worst(iter(["low", "medium"])) == "medium"


def _suppliers():
    base = read_suppliers(SAMPLE).suppliers
    dated = [dataclasses.replace(s, id=f"{s.id}-d", audit_date=date(2019, 3, 4)) for s in base]
    big = [dataclasses.replace(s, id=f"{s.id}-w", workers=2500, address=None) for s in base]
    return base + dated + big


def test_site_themes_read_like_the_dict_they_stand_for():
    columns = frozenset({"name", "country", "address", "product", "process", "audit_date",
                         "audit_standard", "audit_result", "workers"})
    results = [Assessor(TEXTILE, Policy(), AS_OF, columns).assess(s) for s in _suppliers()]
    lazy = [a for a in results if isinstance(a.themes, SiteThemes)]
    assert lazy, "the list has suppliers with their own site evidence"
    for a in lazy:
        plain = _site_themes(a.themes._plan, a.evidence)  # the same themes, made at once
        assert list(a.themes) == list(plain) and len(a.themes) == len(plain)
        assert a.themes.keys() == plain.keys() == a.plan.themes.keys()
        assert dict(a.themes.items()) == plain and a.themes == plain
        assert [t.reasons for t in a.themes.values()] == [t.reasons for t in plain.values()]
        assert all(k in a.themes and a.themes.get(k) == plain[k] for k in plain)
        # every reason of a theme shows one of the supplier's own evidence items
        texts = {(e.value, e.source) for e in a.evidence}
        assert all((f.evidence, f.source) in texts for t in a.themes.values() for f in t.reasons)


def test_assess_suppliers_equals_one_supplier_at_a_time_and_restores_the_collector():
    suppliers = _suppliers()
    engine._ASSESSORS.clear()
    engine._LAST.clear()
    was = gc.isenabled()
    together = assess_suppliers(suppliers, TEXTILE, Policy(), AS_OF)
    assert gc.isenabled() == was
    alone = {s.id: Assessor(TEXTILE, Policy(), AS_OF, None).assess(s) for s in suppliers}
    assert list(together) == [s.id for s in suppliers]
    for sid, a in together.items():
        b = alone[sid]
        assert (a.level, a.score, a.inherent_level, a.inherent_score, a.severity, a.main,
                a.priority_key, a.evidence, a.flags) == (
                b.level, b.score, b.inherent_level, b.inherent_score, b.severity, b.main,
                b.priority_key, b.evidence, b.flags)
        assert dict(a.themes.items()) == dict(b.themes.items())
