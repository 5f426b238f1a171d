"""A hand-built ChainMap for export tests: every supplier supplies the company directly."""

from __future__ import annotations

from datetime import date

import networkx as nx

from imvo_cli import read_suppliers
from imvo_cli.model import ChainMap, Company, Flag, RiskAssessment, ThemeRisk
from imvo_cli.policy import Policy

COMPANY = "COMPANY"
# Country -> (theme, level) flags the test map raises; everything else stays unknown.
FLAGS = {
    "BD": [("child_labour", "high"), ("freedom_of_association", "critical")],
    "CN": [("forced_labour", "critical")],
    "TR": [("living_wage", "medium")],
}


def assessment(country: str | None) -> RiskAssessment:
    flags = [Flag(theme, level, f"test.country.{theme}", f"{country}: {theme} is {level}",
                  "test data 2024") for theme, level in FLAGS.get(country or "", [])]
    themes = {f.theme: ThemeRisk(f.theme, f.level, 60, reasons=[f]) for f in flags}
    themes.setdefault("health_safety", ThemeRisk("health_safety", "low", 10))
    level = max((f.level for f in flags), key=("low", "medium", "high", "critical").index,
                default="low")
    return RiskAssessment(level=level, score=60 if flags else 10, themes=themes, flags=flags)


def chain_map_for(path, **read_kwargs) -> ChainMap:
    """Read `path` and build a ChainMap with all suppliers at tier 1 and FLAGS as risk."""
    source = read_suppliers(path, **read_kwargs)
    graph = nx.DiGraph()
    graph.add_node(COMPANY)
    suppliers = {s.id: s for s in source.suppliers}
    for sid in suppliers:
        graph.add_edge(sid, COMPANY)
    return ChainMap(
        company=Company(COMPANY, source.company or "Test Company"), source=source, graph=graph,
        suppliers=suppliers, tiers={sid: 1 for sid in suppliers},
        risk={sid: assessment(s.country) for sid, s in suppliers.items()},
        issues=list(source.issues), summary={}, sector="textile", as_of=date(2024, 6, 1),
        policy=Policy())
