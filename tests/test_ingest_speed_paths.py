"""The whole-column paths of ingest and the graph give what the per-value paths give."""

from __future__ import annotations

import random

from imvo_cli.graph import build_chain_graph
from imvo_cli.ingest import (
    _CellReader,
    _clean_column,
    _filled_rows,
    _read_column,
    _resolve_column,
    read_suppliers,
    supplier_id,
)
from imvo_cli.ingest.normalise import (
    clean_text,
    name_key,
    name_keys,
    split_multi,
    split_multi_all,
    split_multi_table,
)
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


def test_name_keys_of_any_text_equal_name_key_of_each():
    # Non-ASCII texts are keyed together: accents, case folding that changes length or adds
    # marks, compatibility forms, other scripts, odd spaces, a lone surrogate, a NUL.
    rng = random.Random(11)
    alphabet = ("aB c-_.,1 é\u00fc\u0308ßİıΣσςﬁ\u00a0\u2003Ǆ\u0301\u0327ø\u0663\u00bd\u2460"
                "\u3000Ⅻ東’–·\ud800\x00\t")
    for _ in range(1500):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
                 for _ in range(rng.randint(0, 8))]
        name_key.cache_clear()
        assert name_keys(texts) == [name_key(t) for t in texts], texts


def test_split_multi_all_equals_split_multi_of_each():
    rng = random.Random(7)
    pieces = ["A", "b", " ", "|", " | ", ",", ";", "é", "Ltd.", "Co.,", "1", "\u00a0", "\n", "x"]
    for _ in range(2000):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
                 for _ in range(rng.randint(0, 6))]
        for batch in (texts, [clean_text(t) for t in texts]):
            assert split_multi_all(batch) == [split_multi(t) for t in batch], batch


def test_read_column_equals_the_per_value_reading():
    # Long enough columns take the whole-column paths (many distinct cells or few).
    reader = _CellReader(Policy())
    rng = random.Random(9)
    pool = ["Dhaka", "Mu\u0308ller GmbH", "A | B", "X, Ltd.", "", None, " lead", "#N/A", 1,
            1.0, True, "1", "two  spaces", "V1 | V2 | V1"]
    for field in ("city", "process", "workers", None):
        for distinct in (False, True):
            for _ in range(12):
                cells = tuple(f"Mill {i} {rng.random():.6f}" if distinct and rng.random() < 0.9
                              else rng.choice(pool) for i in range(rng.randint(60, 300)))
                got = _read_column(cells, field, reader)
                want = [reader.resolver(field)(c) for c in cells]
                assert got[0] == [w[0] for w in want], (field, cells)
                assert got[1] == {i: w[1] for i, w in enumerate(want) if w[1]}, (field, cells)


def test_filled_rows_equal_a_look_at_every_cell():
    rng = random.Random(13)
    pool = [None, "", " ", "\u3000", "x", 0, 2.5, " a "]
    for _ in range(300):
        n = rng.randint(1, 12)
        columns = [tuple(rng.choice(pool) for _ in range(n)) for _ in range(rng.randint(1, 4))]
        want = [any(not (c is None or (isinstance(c, str) and not c.strip())) for c in row)
                for row in zip(*columns)]
        assert _filled_rows(columns, n) == want, columns


def test_ids_of_a_large_tidy_list_are_content_ids(tmp_path):
    # Every row plain: suppliers are built column by column, ids hashed in one pass.
    path = tmp_path / "list.csv"
    lines = ["Supplier ID,Supplier name,Address,Country,Processing type"]
    lines += [f"V{i},Mill {i} Ltd,Road {i % 7},{['Bangladesh', 'Türkiye', 'India'][i % 3]},"
              f"{['Dyeing', 'Sewing | Cutting', ''][i % 3]}" for i in range(400)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sl = read_suppliers(path)
    assert len(sl.suppliers) == 400 and not sl.issues and sl.accounted_rows() == 400
    for s in sl.suppliers:
        assert s.id == supplier_id(s.name, s.country, s.address)
    by_source = {s.source_id: s for s in sl.suppliers}
    assert by_source["V4"].process == ["Sewing", "Cutting"] and by_source["V5"].process == []
    assert by_source["V4"].process is not by_source["V7"].process  # each its own list
    assert [s.id for s in sl.suppliers] == sorted(s.id for s in sl.suppliers)


def test_split_multi_table_of_clean_texts_equals_split_multi_of_each():
    # Clean texts (the fast path): some hold no separator, some '|', some a comma or ';'.
    rng = random.Random(11)
    words = ["Dyeing", "Printing", "V1001", "Alpha Co.", "Ltd.", "é", "Co.,", "3", "Knit"]
    seps = [" | ", "|", " ", ", ", "; ", ""]
    for _ in range(500):
        texts = []
        for _ in range(rng.randint(1, 12)):
            text = rng.choice(words)
            for _ in range(rng.randint(0, 3)):
                text += rng.choice(seps) + rng.choice(words)
            texts.append(clean_text(text))
        table = split_multi_table(texts)
        assert set(table) == set(texts)
        assert table == {t: split_multi(t) for t in texts}, texts
