"""One-line addresses: the locality is found by comma, postcode, district word or town."""

from __future__ import annotations

import pytest

from imvo_cli.ingest.address import has_full_address, has_locality, is_complete_address
from imvo_cli.model import Supplier


@pytest.mark.parametrize("address", [
    "128 Hamayetpur PS-Savar Dhaka-1340 Bangladesh",  # issue 15
    "Holding 12, Konabari",
    "5510 S. Soto Street Unit A Vernon CA 90058",
    "Kerkstraat 12 1234 AB",
    "12 Main Street London SW1A 1AA",
    "Rua da Fábrica 7 4700-123",
    "JL. Raya Sadang-Subang Kp. Kiara Dua Desa Cikumpay Kec.Campaka",
    "NO.1446 TUDIAN ROAD TONGXIANG CITY ZHEJIANG PROVINCE CHINA",
    "Changfu Industrial Region Fushan Liaobu Town Dongguan City Guangdong China",
    "No.139 Min Ayeyar Road Shwe Than Lwin Industry Zone Hlaing TharYar Township Yangon Myanmar.",
    "Av Universitaria 3855 - San Martin De Porres Lima",
    "Boulevard Giberstein - 71400 AUTUN",
    "Plot 4 Road 7 Tirupur",
    "Demirtaş OSB 4 Bursa",
])
def test_addresses_that_name_their_locality(address):
    assert has_locality(address)


@pytest.mark.parametrize("address", [
    "Plot 12 Road 5", "No. 1446 Tudian Road", "Kerkstraat 12", "Unit 4512 Road 7",
    "PT. Busana Remaja Agracipta", "Indonesia", "", None,
])
def test_addresses_without_a_locality(address):
    assert not has_locality(address)


def test_full_address_needs_street_and_country():
    assert is_complete_address("128 Hamayetpur PS-Savar Dhaka-1340", "BD", None, None)
    assert not is_complete_address("128 Hamayetpur PS-Savar Dhaka-1340", None, None, None)
    assert is_complete_address("Kerkstraat 12", "NL", "Tilburg", None)
    assert is_complete_address("Kerkstraat 12", "NL", None, "5038 AB")
    assert not is_complete_address("Kerkstraat 12", "NL", None, None)
    s = Supplier("S1", "Meghna", country="BD", address="128 Hamayetpur PS-Savar Dhaka-1340")
    assert has_full_address(s)
    s.address = "Plot 12 Road 5"
    assert not has_full_address(s)
