"""The whole-column paths of ingest and the graph give what the per-value paths give."""

from __future__ import annotations

import random

from imvo_cli.graph import build_chain_graph
from imvo_cli.ingest import _CellReader, _clean_column, _resolve_column, read_suppliers
from imvo_cli.ingest.normalise import name_key, name_keys
from imvo_cli.policy import Policy


def test_name_keys_equal_name_key_of_each_text():
    rng = random.Random(3)
    alphabet = "aB c-_.,!  \t1Zé\u00fc\u0308(Pvt.) Ltd 東"
    for _ in range(500):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                 for _ in range(rng.randint(0, 8))]
        assert name_keys(texts) == [name_key(t) for t in texts], texts


def test_clean_column_equals_the_per_value_reading_or_declines():
    reader = _CellReader(Policy())
    rng = random.Random(5)
    pool = ["Dhaka", "Müller GmbH", "Mu\u0308ller GmbH", "A | B", "X, Ltd.", "Alpha, Beta",
            "", None, " lead", "trail ", "two  spaces", "#N/A", "a^ b", "ok^ok", "x" * 50]
    for field in ("city", "process", "supplies_to", None):
        for _ in range(200):
            cells = [rng.choice(pool) for _ in range(rng.randint(1, 6))]
            fast = _clean_column(cells, field, 40)
            if fast is None:
                continue
            reader.max_chars = 40
            slow, problems = _resolve_column(cells, reader.resolver(field))
            assert fast == slow and not problems, (field, cells)


def test_plain_and_merged_rows_together(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Supplier ID,Supplier name,Address,Country,Supplies to\n"
                    "A1,Alpha Mill,Road 1,Bangladesh,\n"
                    "B1,Beta Mill,Road 2,India,A1\n"
                    "A1,Alpha Mill,Road 1,Bangladesh,\n"  # the same supplier again: merged
                    "C1,Gamma Mill,,India,B1\n"  # no address: a warning, not plain
                    ",,,,\n"
                    "D1,Delta Mill,Road 4,Atlantis,\n",  # unknown country: rejected
                    encoding="utf-8")
    sl = read_suppliers(path)
    by_name = {s.name: s for s in sl.suppliers}
    assert sorted(by_name) == ["Alpha Mill", "Beta Mill", "Gamma Mill"]
    assert by_name["Alpha Mill"].rows == [2, 4] and by_name["Beta Mill"].rows == [3]
    assert by_name["Beta Mill"].supplies_to == ["A1"] and by_name["Beta Mill"].country == "IN"
    assert sl.rejected_rows == [7] and sl.empty_rows == 1 and sl.accounted_rows() == sl.rows
    codes = [(i.code, i.row) for i in sl.issues]
    assert ("duplicate-supplier", 4) in codes and ("missing-address", 5) in codes
    chain = build_chain_graph(sl)
    assert chain.tiers[by_name["Gamma Mill"].id] == 3
    assert list(chain.graph.successors(by_name["Beta Mill"].id)) == [by_name["Alpha Mill"].id]


def test_ids_differing_in_case_are_ambiguous_in_one_order(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Supplier ID,Supplier name,Country,Supplies to\n"
                    "A1,Alpha Mill,Bangladesh,\n"
                    "a1,Other Mill,Bangladesh,\n"
                    "Z9,Zeta Mill,India,a1\n", encoding="utf-8")
    chain = build_chain_graph(read_suppliers(path))
    found = [i for i in chain.issues if i.code == "ambiguous-reference"]
    assert len(found) == 1 and "matches 2 suppliers" in found[0].message
