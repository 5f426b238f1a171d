"""Hand-built ChainMaps for the HTML report tests (the map command builds real ones)."""

from __future__ import annotations

import hashlib
import random
from datetime import date

import networkx as nx

from imvo_cli.model import (UNKNOWN, ChainMap, Company, Flag, Issue, RiskAssessment, Supplier,
                            SupplierList, ThemeRisk, level_rank, worst)
from imvo_cli.policy import Policy

COMPANY_ID = "COMPANY"
XSS_NAME = "<img src=x onerror=alert(1)>"
QUOTE_NAME = 'Atelier "Le Fil" & Co\'s <b>mill</b>'

SOURCES = {
    "child_labour": "US DOL ILAB List of Goods 2024",
    "forced_labour": "US DOL ILAB List of Goods 2024",
    "freedom_of_association": "World Bank WGI 2023 (voice and accountability)",
    "health_safety": "World Bank WGI 2023 (rule of law)",
    "living_wage": "World Bank WGI 2023 (government effectiveness)",
}


def sid(name: str) -> str:
    return "S" + hashlib.sha256(name.encode()).hexdigest()[:10]


def assessment(themes: dict[str, str]) -> RiskAssessment:
    risks, flags = {}, []
    for theme, level in sorted(themes.items()):
        reasons = []
        if level != UNKNOWN:
            reasons = [Flag(theme, level, f"{theme}-country", f"{theme.replace('_', ' ')} risk "
                            f"in the production country ({level})", SOURCES.get(theme, "imvo profile"))]
        risks[theme] = ThemeRisk(theme, level, None, reasons=reasons)
        flags.extend(reasons)
    return RiskAssessment(level=worst(themes.values()), themes=risks, flags=flags)


# name, country, process, customers (by name; "" = the company), theme levels
SAMPLE = [
    ("Dhaka Stitch Ltd", "BD", "sewing", [""], {"living_wage": "high", "health_safety": "critical"}),
    ("Anatolia Konfeksiyon", "TR", "sewing", [""], {"living_wage": "medium"}),
    ("Porto Malhas Lda", "PT", "knitting", [""], {"living_wage": "low"}),
    ("Saigon Garment Co", "VN", "sewing", [""], {"freedom_of_association": "high"}),
    (QUOTE_NAME, "IN", "embroidery", [""], {"child_labour": "medium"}),
    ("Tiruppur Knits Pvt", "IN", "knitting", ["Dhaka Stitch Ltd"], {"child_labour": "high"}),
    ("Bursa Dye House", "TR", "dyeing", ["Anatolia Konfeksiyon", "Porto Malhas Lda"], {"health_safety": "medium"}),
    ("Jiangsu Weaving Mill", "CN", "weaving", ["Saigon Garment Co", "Dhaka Stitch Ltd"], {"forced_labour": "high"}),
    (XSS_NAME, "PK", "dyeing", ["Dhaka Stitch Ltd"], {"health_safety": "high"}),
    ("Faisalabad Fabrics", "PK", "weaving", ["Tiruppur Knits Pvt"], {"living_wage": "medium"}),
    ("Coimbatore Spinning", "IN", "spinning", ["Tiruppur Knits Pvt", "Faisalabad Fabrics"], {"child_labour": "high"}),
    ("Xinjiang Cotton Yarn", "CN", "spinning", ["Jiangsu Weaving Mill"], {"forced_labour": "critical"}),
    ("Izmir Iplik", "TR", "spinning", ["Bursa Dye House"], {}),
    ("Fergana Ginnery", "UZ", "ginning", ["Coimbatore Spinning", "Xinjiang Cotton Yarn"], {"forced_labour": "high", "child_labour": "medium"}),
    ("Texas Cotton Gin", "US", "ginning", ["Izmir Iplik"], {"living_wage": "low"}),
    ("Gujarat Cotton Farm", "IN", "farming", ["Fergana Ginnery", "Coimbatore Spinning"], {"child_labour": "critical"}),
    ("Lonely Trims BV", "NL", "trims", [], {}),
]


def propagate(graph: nx.DiGraph, risk: dict[str, RiskAssessment]) -> None:
    """Worst own level upstream of each supplier, with the path it comes along (graph is a DAG)."""
    best: dict[str, tuple[str, list[str]]] = {}
    for node in nx.topological_sort(graph):
        for pred in sorted(graph.predecessors(node)):
            candidates = [(risk[pred].level, [pred, node])]
            if pred in best:
                lvl, path = best[pred]
                candidates.append((lvl, path + [node]))
            for lvl, path in candidates:
                if node not in best or level_rank(lvl) > level_rank(best[node][0]):
                    best[node] = (lvl, path)
    for node, (lvl, path) in best.items():
        if node in risk and lvl != UNKNOWN:
            risk[node].upstream_level, risk[node].upstream_path = lvl, path


def build(rows, company="Noord Textiel B.V.", issues=None) -> ChainMap:
    graph = nx.DiGraph()
    graph.add_node(COMPANY_ID)
    suppliers, risk = {}, {}
    ids = {name: sid(name) for name, *_ in rows}
    for i, (name, country, process, customers, themes) in enumerate(rows):
        s = Supplier(id=ids[name], name=name, country=country, process=[process],
                     address=f"Street {i}" if i % 3 else None, city="City", rows=[i + 2])
        suppliers[s.id] = s
        graph.add_node(s.id)
        for customer in customers:
            graph.add_edge(s.id, ids[customer] if customer else COMPANY_ID)
        risk[s.id] = assessment(themes)
    propagate(graph, risk)
    dist = nx.single_target_shortest_path_length(graph, COMPANY_ID)
    dist = dict(dist)
    tiers = {s: dist.get(s) for s in suppliers}
    src = SupplierList(file="suppliers.xlsx", sheet="Suppliers", header_row=1, headers=[], columns={},
                       suppliers=list(suppliers.values()), issues=list(issues or []), rows=len(rows),
                       empty_rows=0, rejected_rows=[])
    return ChainMap(company=Company(COMPANY_ID, company), source=src, graph=graph,
                    suppliers=suppliers, tiers=tiers, risk=risk, issues=sorted(src.issues, key=Issue.sort_key),
                    summary=_summary(graph, suppliers, tiers), sector="textile",
                    as_of=date(2025, 1, 31), policy=Policy())


def _summary(graph, suppliers, tiers) -> dict:
    from imvo_cli.graph import company_facts

    facts = company_facts(list(suppliers.values()), tiers, graph)
    return {"visibility": facts["visibility"], "address_completeness": facts["address_completeness"]}


def sample_chain() -> ChainMap:
    issues = [
        Issue("error", "country-unknown", "'Atlantis' is not a country", "suppliers.xlsx", "Suppliers", 21, "Country",
              "use an ISO code such as NL"),
        Issue("warning", "address-missing", "no street address <script>x</script>", "suppliers.xlsx", "Suppliers", 4,
              "Address", None),
    ]
    return build(SAMPLE, issues=issues)


def large_chain(n: int, seed: int = 7) -> ChainMap:
    """`n` suppliers over four tiers and 30 countries; each supplies one or two customers."""
    rng = random.Random(seed)
    countries = ["BD", "CN", "IN", "PK", "TR", "VN", "KH", "MM", "ID", "LK", "ET", "EG", "MA", "TN",
                 "PT", "IT", "RO", "BG", "MX", "BR", "PE", "US", "UZ", "TM", "KE", "MG", "TH", "MY",
                 "PH", "LA"]
    levels = ["low", "medium", "high", "critical", UNKNOWN]
    themes = list(SOURCES)
    per_tier = [max(1, n // 10), n * 2 // 10, n * 3 // 10]
    per_tier.append(n - sum(per_tier))
    rows, previous = [], []
    for tier, count in enumerate(per_tier, start=1):
        names = [f"Supplier {tier}-{i:05d}" for i in range(count)]
        for name in names:
            customers = [""] if tier == 1 else rng.sample(previous, k=min(len(previous), rng.choice((1, 2))))
            theme = {rng.choice(themes): rng.choice(levels)}
            rows.append((name, rng.choice(countries), "sewing", customers, theme))
        previous = names
    return build(rows, company="Large Retail N.V.")
