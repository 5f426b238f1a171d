"""Done-when: every good x country of the DOL list rates child / forced labour at least high."""

from __future__ import annotations

from pathlib import Path

import pytest

from imvo_cli.policy import Policy
from imvo_cli.risk import assess_location, load_profile

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "us-dol-ilab"


def _entries():
    xml = SHARED / "goods_2021.xml"
    if not xml.is_file():
        pytest.skip("../shared/data not present", allow_module_level=True)
    from defusedxml import ElementTree as ET
    for good in ET.parse(xml).getroot().findall("Good"):
        for c in good.findall("Countries/Country"):
            yield (good.findtext("Good_Name"), c.findtext("Country_Name"),
                   c.findtext("Child_Labor") == "Yes", c.findtext("Forced_Labor") == "Yes")


def test_every_dol_entry_is_rated_at_least_high_citing_dol():
    from imvo_cli.risk.document import check_country
    profile, policy = load_profile("textile"), Policy()
    entries = list(_entries())
    assert len(entries) == 467
    failures = []
    for good, country, child, forced in entries:
        themes = {t.theme: t for t in assess_location(check_country(country), [good], [], profile, policy)}
        for key, expected in (("child_labour", child), ("forced_labour", forced)):
            if not expected:
                continue
            t = themes[key]
            cited = any(f.rule == "dol-listed-good" and "List of Goods" in f.source
                        and f"'{good}'" in f.evidence for f in t.reasons)
            if t.level not in ("high", "critical") or not cited:
                failures.append((good, country, key, t.level))
    assert not failures, failures[:10]


def test_embedded_tables_match_a_rebuild_from_the_originals():
    import subprocess, sys
    if not (SHARED / "goods_2021.xml").is_file():
        pytest.skip("../shared/data not present: the rebuild needs the original DOL and WGI files")
    repo = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, str(repo / "scripts" / "build_risk_data.py"), "--check",
                        "--shared", str(SHARED.parent)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
