"""The Xinjiang presumption: the region named as a place, not a street named after it."""

from __future__ import annotations

import pytest

from imvo_cli.policy import Policy
from imvo_cli.risk import assess_place, load_profile
from imvo_cli.risk.engine import _region_text

TEXTILE = load_profile("textile")


def presumed(*texts) -> bool:
    return bool(_region_text("CN", *texts))


@pytest.mark.parametrize("address, city", [
    ("200 Urumqi Middle Road, Xuhui District", "Shanghai"),  # a Shanghai street
    ("8 Xinjiang Road", "Qingdao"),
    ("Kashgar Rd. 12", "Shenzhen"),
    ("新疆路 88号", "上海"),  # Xinjiang Lu, Shanghai
])
def test_a_street_named_after_xinjiang_is_not_xinjiang(address, city):
    assert not presumed(None, city, address)


@pytest.mark.parametrize("region, city, address", [
    ("Xinjiang", None, "12 Industrial Road"),
    (None, "Urumqi", "8 Kashgar Road"),  # the city is Urumqi, whatever the street
    (None, None, "No. 5 Beijing Road, Urumqi, 830000"),
    (None, None, "Kuytun Economic Zone, Xinjiang"),
    (None, "Hami", None),
    (None, "Karamay", None),
    ("新疆维吾尔自治区", None, None),
    (None, None, "新疆乌鲁木齐市经济技术开发区"),
    ("Xin Jiang", None, None),
])
def test_xinjiang_as_a_place_carries_the_presumption(region, city, address):
    assert presumed(region, city, address)
    a = assess_place("CN", ["cotton"], [], TEXTILE, Policy(),
                     region=" ".join(x for x in (region, city, address) if x))
    assert any(e.rule == "legal-presumption" for e in a.evidence)
