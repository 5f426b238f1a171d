"""A list that names its sector ('Sector: metals' above the header) is scored with that
profile unless --sector or the policy file names one."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_xlsx
from imvo_cli.aggregate import aggregate
from imvo_cli.ingest import read_suppliers
from imvo_cli.mapping import read_and_map
from imvo_cli.policy import Policy, load_policy
from imvo_cli.sectors import chosen_sector, sector_named

ROWS = [["Name", "Country", "Process", "Product"],
        ["Ningbo Steel Works", "China", "Galvanising", "Steel bolts"]]


def listing(path: Path, *above: list) -> Path:
    return write_xlsx(path, [*above, *ROWS])


@pytest.mark.parametrize("text, key", [
    ("metals", "metals"), ("Metalen", "metals"), ("Natural-stone", "natural_stone"),
    ("natuursteen", "natural_stone"), ("Kleding en textiel", "textile"),
    ("Voedingsmiddelen", "food"), ("Goud", "metals"), ("Sierteelt", "floriculture"), ("spaceships", None),
    ("", None), (None, None)])
def test_sector_names_in_english_and_dutch(text, key):
    assert sector_named(text) == key


@pytest.mark.parametrize("above", [
    [["Sector:", "metals"]],
    [["Sector: Metalen"]],
    [["Bedrijf:", "Acme BV", "Sector:", "Metalen"]],  # the template's row: company, then sector
    [["Company: Acme"], ["Sectorprofiel", "metals"]],
])
def test_a_sector_cell_above_the_header_is_read(tmp_path, above):
    sl = read_suppliers(listing(tmp_path / "l.xlsx", *above))
    assert sl.sector == "metals"
    assert not [i for i in sl.issues if i.code == "unknown-sector"]


def test_the_company_cell_is_still_read_beside_the_sector(tmp_path):
    sl = read_suppliers(listing(tmp_path / "l.xlsx", ["Bedrijf:", "Acme BV", "Sector:", "Metalen"]))
    assert sl.company == "Acme BV" and sl.sector == "metals"


def test_a_list_without_a_sector_cell_names_none(tmp_path):
    assert read_suppliers(listing(tmp_path / "l.xlsx")).sector is None
    assert read_suppliers(listing(tmp_path / "l.xlsx", ["Company: Acme"])).sector is None


def test_a_sector_that_is_no_profile_is_a_warning_naming_the_profiles(tmp_path):
    sl = read_suppliers(listing(tmp_path / "l.xlsx", ["Sector: Spaceships"]))
    assert sl.sector is None
    (issue,) = [i for i in sl.issues if i.code == "unknown-sector"]
    assert issue.severity == "warning" and issue.row == 1
    assert "'Spaceships'" in issue.message and "metals" in issue.hint


def test_map_scores_with_the_profile_the_list_names(tmp_path):
    path = listing(tmp_path / "l.xlsx", ["Sector:", "metals"])
    chain_map = read_and_map(path, policy=Policy())
    assert chain_map.sector == "metals"
    themes = set(next(iter(chain_map.risk.values())).themes)
    assert "conflict_minerals" in themes and "animal_welfare" not in themes


def test_sector_option_and_policy_file_win_over_the_list(tmp_path):
    path = listing(tmp_path / "l.xlsx", ["Sector:", "metals"])
    assert read_and_map(path, policy=Policy(), sector="food").sector == "food"
    (tmp_path / "imvo.toml").write_text('sector = "textile"\n', encoding="utf-8")
    policy = load_policy(near=path)
    assert policy.sector_given
    assert read_and_map(path, policy=policy).sector == "textile"
    assert load_policy(sector="food").sector_given  # an override counts as given
    assert not load_policy().sector_given


def test_chosen_sector_needs_every_list_to_agree():
    default = Policy()
    assert chosen_sector(None, default, ["metals", "metals"]) == "metals"
    assert chosen_sector(None, default, ["metals", None]) == "textile"
    assert chosen_sector(None, default, ["metals", "food"]) == "textile"
    assert chosen_sector(None, default, []) == "textile"
    assert chosen_sector("food", default, ["metals"]) == "food"


def test_aggregate_takes_the_sector_all_members_name(tmp_path):
    folder = tmp_path / "members"
    folder.mkdir()
    listing(folder / "a.xlsx", ["Company: A", None, "Sector: metals"])
    listing(folder / "b.xlsx", ["Company: B", None, "Sector: metalen"])
    assert aggregate([folder], Policy()).sector == "metals"
    listing(folder / "c.xlsx", ["Company: C"])
    assert aggregate([folder], Policy()).sector == "textile"


def test_the_policy_shown_with_the_map_names_the_profile_used(tmp_path):
    path = listing(tmp_path / "l.xlsx", ["Sector:", "metals"])
    assert read_and_map(path, policy=Policy()).policy.describe()["sector"] == "metals"
    assert read_and_map(path, policy=Policy(), sector="food").policy.describe()["sector"] == "food"


def test_an_empty_company_cell_before_the_sector_names_no_company(tmp_path):
    sl = read_suppliers(listing(tmp_path / "lijst.xlsx", ["Bedrijf:", None, "Sector:", "Metalen"]))
    assert sl.company is None and sl.sector == "metals"
