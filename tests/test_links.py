"""Chain links as people write them (issue 15): comma lists with legal forms, names without
their legal form, the company's short name, declared tiers without a link, validate's checks."""

from __future__ import annotations

import pytest

from conftest import write_csv
from imvo_cli.graph import COMPANY_ID, build_chain_graph
from imvo_cli.ingest import read_suppliers
from imvo_cli.ingest.normalise import is_legal_form, split_multi
from imvo_cli.validate import validate_file

HEADER = ["Id", "Name", "Address", "Country", "Tier", "Supplies to"]


@pytest.mark.parametrize("text,parts", [
    ("Alpha Garments Ltd, Beta Apparel Co., Ltd.", ["Alpha Garments Ltd", "Beta Apparel Co., Ltd."]),
    ("Grupo Textil S.A. de C.V., Karachi Weaving (Pvt.) Ltd.",
     ["Grupo Textil S.A. de C.V.", "Karachi Weaving (Pvt.) Ltd."]),
    ("Acme, Inc., Beta Apparel Co., Ltd., Gamma GmbH",
     ["Acme, Inc.", "Beta Apparel Co., Ltd.", "Gamma GmbH"]),
    ("Müller Strickwaren GmbH, Tulpveld", ["Müller Strickwaren GmbH", "Tulpveld"]),
    ("3, 7", ["3", "7"]), ("3,7,12", ["3", "7", "12"]),
    ("1,5", ["1,5"]), ("Plot 3, 4", ["Plot 3, 4"]),
])
def test_comma_lists_keep_legal_forms_with_their_name(text, parts):
    assert split_multi(text) == parts


@pytest.mark.parametrize("text,legal", [
    ("Ltd.", True), (" S.A. de C.V.", True), ("(Pvt.) Ltd.", True), ("Co., Ltd", True),
    ("GmbH", True), ("Beta Apparel", False), ("", False),
])
def test_is_legal_form(text, legal):
    assert is_legal_form(text) is legal


def _chain(tmp_path, rows, company="Tulpveld Fashion B.V."):
    sl = read_suppliers(write_csv(tmp_path / "list.csv", HEADER, rows))
    return sl, build_chain_graph(sl, company)


def _ids(sl):
    return {s.source_id: s.id for s in sl.suppliers}


def test_names_without_legal_form_and_the_company_short_name_resolve(tmp_path):
    sl, chain = _chain(tmp_path, [
        ["T1", "Müller Strickwaren GmbH", "Hauptstr. 1, Albstadt", "Germany", 1, "Tulpveld"],
        ["T2", "Karachi Weaving (Pvt.) Ltd.", "Site Area, Karachi", "Pakistan", 1, "Tulpveld Fashion"],
        ["S1", "Anatolia Yarns A.S.", "OSB 4, Bursa", "Turkey", 2,
         "Müller Strickwaren, Karachi Weaving"],
        ["S2", "Beta Apparel Co., Ltd.", "Road 5, Dhaka", "Bangladesh", 1, "Tulpveld Fashion B.V."],
        ["S3", "Gamma Dye House", "Road 9, Gazipur", "Bangladesh", 2,
         "Alpha Garments Ltd, Beta Apparel Co., Ltd."],
    ])
    ids = _ids(sl)
    assert [i for i in chain.issues if i.code == "unknown-reference"] == [
        i for i in chain.issues if "Alpha Garments" in i.message]  # only the one not in the list
    assert sorted(chain.graph.successors(ids["S1"])) == sorted([ids["T1"], ids["T2"]])
    assert list(chain.graph.successors(ids["S3"])) == [ids["S2"]]
    for t in ("T1", "T2", "S2"):
        assert list(chain.graph.successors(ids[t])) == [COMPANY_ID]
    assert chain.tiers[ids["S1"]] == 2 and chain.tiers[ids["S3"]] == 2
    assert not [i for i in chain.issues if i.code == "tier-mismatch"]


def test_a_short_name_that_is_not_the_company_stays_unknown(tmp_path):
    sl, chain = _chain(tmp_path, [
        ["T1", "Müller Strickwaren GmbH", "Hauptstr. 1, Albstadt", "Germany", 1, "Fashion"],
    ])
    assert [i.code for i in chain.issues] == ["unknown-reference"]


def test_declared_tier_above_one_without_a_link_is_a_warning(tmp_path):
    sl, chain = _chain(tmp_path, [
        ["T1", "Müller Strickwaren GmbH", "Hauptstr. 1, Albstadt", "Germany", 1, ""],
        ["S1", "Anatolia Yarns A.S.", "OSB 4, Bursa", "Turkey", 2, ""],
    ])
    issues = [i for i in chain.issues if i.code == "tier-mismatch"]
    assert len(issues) == 1 and issues[0].row == 3 and issues[0].column == "Tier"
    assert "declared tier 2" in issues[0].message and "empty" in issues[0].message
    assert chain.tiers[_ids(sl)["S1"]] == 1


def test_validate_runs_the_chain_checks_like_map(tmp_path):
    from imvo_cli.mapping import read_and_map

    path = write_csv(tmp_path / "list.csv", HEADER, [
        ["T1", "Alpha Garments Ltd", "Road 1, Dhaka", "Bangladesh", 1, "Nobody Ltd"],
        ["S1", "Beta Spinning", "Road 2, Dhaka", "Bangladesh", 2, "S2"],
        ["S2", "Gamma Weaving", "Road 3, Dhaka", "Bangladesh", 2, "S1"],
        ["S3", "Delta Dyeing", "Road 4, Dhaka", "Bangladesh", 3, "T1"],
    ])
    report = validate_file(path)
    codes = sorted({i.code for i in report.issues})
    assert {"unknown-reference", "cycle", "unreachable", "tier-mismatch"} <= set(codes)
    mapped = read_and_map(path)
    assert sorted((i.code, i.row, i.message) for i in report.issues) == \
        sorted((i.code, i.row, i.message) for i in mapped.issues)


def test_the_company_named_in_full_when_the_policy_has_its_short_name(tmp_path):
    sl, chain = _chain(tmp_path, [
        ["T1", "Müller Strickwaren GmbH", "Hauptstr. 1, Albstadt", "Germany", 1,
         "Tulpveld Fashion B.V."],
    ], company="Tulpveld")
    assert chain.issues == [] and list(chain.graph.successors(_ids(sl)["T1"])) == [COMPANY_ID]


@pytest.mark.parametrize("names", [
    ["Sapphire Textile Mills Pvt. Ltd.", "Bari Tessuti S.r.l.", "Lodz Dzianiny Sp. z o.o."],
    ["Fabrica de Hilos Ltda.", "Anadolu Örme San. ve Tic. Ltd. Şti.", "Saigon Knit JSC"],
    ["Penang Apparel Sdn. Bhd.", "Lanificio Biella S.p.A.", "Nordic Wool A/S"],
    ["Hanoi Garment Joint Stock Company", "Tunis Confection S.A.R.L.", "Cairo Cotton S.A.E."],
    ["Alpha Co.,Ltd.", "Beta Co.,Ltd."],
])
def test_other_legal_forms_stay_with_their_name(names):
    assert split_multi(", ".join(names)) == names
