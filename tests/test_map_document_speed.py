"""The shortcuts of imvo map's last steps (priorities, upstream risk, coverage, the written
document) against straightforward reference computations on generated inputs."""

from __future__ import annotations

import random
from datetime import date

import pytest

from imvo_cli import mapping
from imvo_cli.model import RiskAssessment, level_rank

LEVELS = ("critical", "high", "medium", "low", "unknown")


def reference_priorities(risk: dict[str, RiskAssessment],
                         tiers: dict[str, int | None]) -> dict[str, int]:
    """Sort every supplier by the documented key; a run of equal (level, priority key, tier)
    takes the place of its first supplier."""
    def key(sid: str):
        a = risk[sid]
        score, severity, workers, share = a.priority_key or (-1.0, 0, -1, -1.0)
        tier = tiers.get(sid)
        return (-level_rank(a.level), -score, -severity, -workers, -share,
                tier if tier is not None else 1_000_000, sid)

    out, previous, rank = {}, None, 0
    for n, sid in enumerate(sorted(risk, key=key), 1):
        a = risk[sid]
        same = (a.level, a.priority_key, tiers.get(sid))
        if same != previous:
            rank, previous = n, same
        out[sid] = rank
    return out


def generated_risk(seed: int, n: int, levels=LEVELS) -> tuple[dict, dict]:
    """Assessments with many ties: few levels, scores, severities and tiers."""
    rnd = random.Random(seed)
    risk, tiers = {}, {}
    for i in range(n):
        sid = f"S{rnd.randrange(10 * n):05d}-{i}"
        key = rnd.choice([(), (rnd.choice([10.0, 40.0, 40, 70.5]), rnd.randrange(1, 4),
                               rnd.choice([-1, 50, 50, 900]), rnd.choice([-1.0, 0.25, 0.5]))])
        risk[sid] = RiskAssessment(level=rnd.choice(levels), priority_key=key)
        tiers[sid] = rnd.choice([1, 2, 2, 3, None])
    return risk, tiers


@pytest.mark.parametrize("seed", range(8))
def test_priorities_equal_the_reference_ranking(seed):
    risk, tiers = generated_risk(seed, 300)
    mapping.rank_priorities(risk, tiers)
    assert {sid: a.priority for sid, a in risk.items()} == reference_priorities(risk, tiers)


@pytest.mark.parametrize("seed", range(4))
def test_priorities_with_unfamiliar_levels_that_sort_as_unknown(seed):
    # "odd" and None rank as unknown: their ties sort alike and interleave by id
    risk, tiers = generated_risk(seed, 200, levels=("unknown", "odd", None, "high"))
    for a in list(risk.values())[::3]:
        a.priority_key = (-1.0, 0, -1, -1.0)  # sorts like no key, ties apart from ()
    mapping.rank_priorities(risk, tiers)
    assert {sid: a.priority for sid, a in risk.items()} == reference_priorities(risk, tiers)


def test_priorities_of_no_suppliers():
    mapping.rank_priorities({}, {})


def generated_list(tmp_path, seed: int, n: int = 60):
    """A supplier list with chains, a circle, repeated places (shared assessments), zero
    workers, empty cells and audits."""
    rnd = random.Random(seed)
    countries = ["Bangladesh", "Turkey", "Turkey", "Portugal"]
    processes = ["Sewing", "Sewing", "Weaving;Dyeing", ""]
    products = ["T-shirts", "T-shirts", "Fabric", ""]
    lines = ["ID,Name,Address,City,Country,Process,Product,Workers,Audit date,Audit result,"
             "Supplies to"]
    for i in range(n):
        customers = "|".join(sorted({f"S{rnd.randrange(n)}" for _ in range(rnd.randrange(3))}
                                    - {f"S{i}"}))
        if i in (1, 2):  # a circle of two
            customers = f"S{3 - i}"
        lines.append(",".join([
            f"S{i}", f"Supplier {i}", rnd.choice(["", f"{i} Mill Road"]),
            rnd.choice(["", "Dhaka", "Bursa"]), rnd.choice(countries), rnd.choice(processes),
            rnd.choice(products), rnd.choice(["", "0", "250"]),
            rnd.choice(["", "2025-03-01", "2025-03-01"]), rnd.choice(["", "pass", "pass", "failed"]),
            customers]))
    path = tmp_path / f"generated{seed}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", range(3))
def test_written_document_equals_the_plain_document(tmp_path, monkeypatch, seed):
    import io

    from imvo_cli.mapping import map_document, read_and_map
    from imvo_cli.report.jsonout import dumps_compact

    chain_map = read_and_map(generated_list(tmp_path, seed), as_of=date(2026, 12, 1))
    assert chain_map.graph.graph["cycles"]
    assessments = list(chain_map.risk.values())
    assert len({id(a.evidence) for a in assessments}) < len(assessments)  # results shared
    assert len({id(a.plan) for a in assessments}) < len(assessments)  # plans shared
    monkeypatch.setattr(mapping, "COMPACT_ABOVE", 5)  # the streamed writer
    out = io.StringIO()
    mapping.write_map_json(chain_map, out)
    assert out.getvalue() == dumps_compact(map_document(chain_map)).decode("utf-8") + "\n"


def test_attributes_leave_out_empty_cells_and_keep_zeros(tmp_path):
    from imvo_cli.mapping import node_attributes, read_and_map

    chain_map = read_and_map(generated_list(tmp_path, 7))
    for sid, s in chain_map.suppliers.items():
        attributes = node_attributes(chain_map, sid)
        for field in mapping._ATTRIBUTE_FIELDS:
            value = getattr(s, field)
            if value is None or value == "" or value == []:
                assert field not in attributes
            else:
                assert field in attributes
    workers = [node_attributes(chain_map, sid).get("workers") for sid in chain_map.suppliers]
    assert 0 in workers and 250 in workers and None in workers


def reference_upstream(pred: dict, levels: dict[str, str], n: str):
    """(level, path) of the worst own level strictly upstream of n in a graph without circles:
    over every path (u, ..., p) up from n's direct suppliers p, the least (-rank of u,
    length, path)."""
    found = []

    def walk(node, below):  # below: the path from node's customer down to n's supplier
        for p in pred[node]:
            path = (p, *below)
            found.append((-level_rank(levels[p]), len(path), path))
            walk(p, path)

    walk(n, ())
    if not found:
        return None, []
    _, _, path = min(found)
    level = levels[path[0]]
    return level, [] if level == "unknown" else list(path)


@pytest.mark.parametrize("seed", range(6))
def test_upstream_levels_equal_the_reference_over_all_paths(tmp_path, seed):
    from imvo_cli.graph import COMPANY_ID, build_chain_graph
    from imvo_cli.ingest import read_suppliers

    rnd = random.Random(seed)
    n = 40
    lines = ["ID,Name,Country,Supplies to"]
    for i in range(n):  # supplier i supplies only suppliers with a lower number: no circles
        customers = sorted({f"S{rnd.randrange(i)}" for _ in range(rnd.randrange(3))}) if i else []
        lines.append(f"S{i},Supplier {i},Turkey,{'|'.join(customers)}")
    path = tmp_path / "dag.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    supplier_list = read_suppliers(path)
    chain = build_chain_graph(supplier_list, "Company", COMPANY_ID)
    levels = {s.id: rnd.choice(LEVELS) for s in supplier_list.suppliers}
    risk = {sid: RiskAssessment(level=level) for sid, level in levels.items()}
    mapping.propagate_upstream_risk(chain, risk)
    for sid, a in risk.items():
        assert (a.upstream_level, a.upstream_path) == reference_upstream(chain.pred, levels, sid)
