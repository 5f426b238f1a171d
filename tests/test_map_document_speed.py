"""The shortcuts of imvo map's last steps (priorities, upstream risk, coverage, the written
document) against straightforward reference computations on generated inputs."""

from __future__ import annotations

import random

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
