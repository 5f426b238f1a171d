"""Damaged CSV text is read and warned about, never silently: NUL bytes, UTF-16 without a
byte order mark, a file cut short, mixed encodings, mojibake, invisible code points and lost
characters. Every row stays a supplier (or an error of its own)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from imvo_cli.ingest import read_suppliers
from imvo_cli.ingest.celltext import check_text
from imvo_cli.ingest.notes import MAX_NOTES_PER_CODE
from imvo_cli.ingest.readers import decode_text

HEADER = "Name,Address,Country\n"
REPO = Path(__file__).resolve().parents[1]


def _read(path: Path):
    sl = read_suppliers(path)
    by_code: dict[str, list] = {}
    for issue in sl.issues:
        by_code.setdefault(issue.code, []).append(issue)
    return sl, by_code


def _names(sl) -> list[str]:
    return sorted(s.name for s in sl.suppliers)


def test_nul_bytes_inside_cells_are_removed_and_each_cell_is_named(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes((HEADER + "Alpha Mill,Street\x001,India\nBe\x00\x00ta Dye,Street 2,India\n"
                      "Gamma Knit,Street 3,India\n").encode())
    sl, by_code = _read(path)
    assert _names(sl) == ["Alpha Mill", "Beta Dye", "Gamma Knit"]
    assert sl.rows == 3 and len(sl.suppliers) == 3
    found = sorted((i.row, i.column) for i in by_code["nul-bytes"])
    assert found == [(2, "Address"), (3, "Name")]
    assert "2 NUL byte(s)" in next(i.message for i in by_code["nul-bytes"] if i.row == 3)
    assert "control-characters" not in by_code  # one warning per cell, not two


def test_a_file_ending_in_nul_bytes_is_noted_as_maybe_incomplete(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes((HEADER + "Alpha Mill,Street 1,India\nBeta Dye,Str").encode() + b"\0" * 4096)
    sl, by_code = _read(path)
    (note,) = by_code["incomplete-file"]
    assert "4,096 NUL byte(s)" in note.message and "last row may be cut short" in note.message
    assert _names(sl) == ["Alpha Mill"]
    assert sl.rejected_rows == [3]  # the cut row is reported, not lost
    assert [i.row for i in by_code["missing-country"]] == [3]
    assert "nul-bytes" not in by_code


@pytest.mark.parametrize("encoding, order", [("utf-16-le", "UTF-16-LE"), ("utf-16-be", "UTF-16-BE")])
def test_utf16_without_a_byte_order_mark_is_read_by_its_nul_pattern(tmp_path, encoding, order):
    path = tmp_path / "utf16.csv"
    text = HEADER + "Müller GmbH,Hauptstraße 1,Germany\nŁódź Textiles,ul. Piotrkowska 2,Poland\n"
    path.write_bytes(text.encode(encoding))
    sl, by_code = _read(path)
    assert _names(sl) == ["Müller GmbH", "Łódź Textiles"]
    (note,) = by_code["encoding-guessed"]
    assert order in note.message
    assert set(by_code) == {"encoding-guessed"}


def test_utf16_with_a_byte_order_mark_is_read_without_a_note(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes((HEADER + "Müller GmbH,Street 1,Germany\n").encode("utf-16"))
    sl, by_code = _read(path)
    assert _names(sl) == ["Müller GmbH"] and by_code == {}


def test_utf16_cut_in_half_a_character_keeps_every_row(tmp_path):
    path = tmp_path / "utf16.csv"
    data = ("\ufeff" + HEADER + "Alpha Mill,Street 1,India\nBeta Dye,Street 2,India\n").encode("utf-16-le")
    path.write_bytes(data[:-1])  # was a hard error before: 'does not decode as UTF-16'
    sl, by_code = _read(path)
    assert _names(sl) == ["Alpha Mill", "Beta Dye"]
    assert next(s for s in sl.suppliers if s.name == "Beta Dye").country == "IN"
    assert "half a character" in by_code["incomplete-file"][0].message


def test_windows_1252_bytes_in_an_otherwise_utf8_file_are_read_and_named(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes((HEADER + "Müller GmbH,Straße 1,Germany\n").encode()
                     + "Société Générale Textile,Rue 2,France\n".encode("cp1252"))
    sl, by_code = _read(path)
    # Before, the whole file fell back to cp1252 and the UTF-8 row became 'MÃ¼ller GmbH'.
    assert _names(sl) == ["Müller GmbH", "Société Générale Textile"]
    (note,) = by_code["mixed-encoding"]
    assert (note.row, note.column) == (3, "Name") and "4 byte(s)" in note.message
    assert "'é'" in note.message


def test_a_plain_windows_1252_file_stays_clean(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes((HEADER + "Confecções Araújo Lda.,Rua 1,Portugal\n").encode("cp1252"))
    sl, by_code = _read(path)
    assert _names(sl) == ["Confecções Araújo Lda."] and by_code == {}


def test_mojibake_is_repaired_when_unambiguous_and_noted_either_way(tmp_path):
    path = tmp_path / "mojibake.csv"
    rows = ["MÃ¼ller GmbH,Street 1,Germany",          # repaired
            "ä¸Šæµ·çº¹ç»‡åŽ‚,Road 2,China",              # 上海纹织厂, repaired
            "MÃƒÂ¼nchen Mode,Road 3,Germany",          # garbled twice, repaired
            "Ã¼ber Café,Road 4,Germany",               # mixed with a real 'é': kept
            "Müller Straße,Road 5,Germany"]            # clean
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    sl, by_code = _read(path)
    assert _names(sl) == ["Müller GmbH", "Müller Straße", "München Mode", "Ã¼ber Café",
                          "上海纹织厂"]
    notes = {i.row: i for i in by_code["mojibake"]}
    assert sorted(notes) == [2, 3, 4, 5]
    assert "read as 'Müller GmbH'" in notes[2].message
    assert "kept as it is" in notes[5].message
    assert all(i.column == "Name" and "UTF-8" in i.hint for i in notes.values())


def test_invisible_code_points_are_removed_with_a_warning_per_cell(tmp_path):
    path = tmp_path / "invisible.csv"
    path.write_text(HEADER + "Alpha\u200b Mill\ufffe,Street 1,India\nBeta Dye,Str\ufeffeet 2,India\n"
                    "Gamma\uffff Knit,Street 3,India\n", encoding="utf-8")
    sl, by_code = _read(path)
    assert _names(sl) == ["Alpha Mill", "Beta Dye", "Gamma Knit"]
    found = {(i.row, i.column): i.message for i in by_code["invisible-characters"]}
    assert set(found) == {(2, "Name"), (3, "Address"), (4, "Name")}
    assert "U+200B, U+FFFE" in found[2, "Name"]


def test_joiners_that_scripts_need_are_kept():
    name = "\u0995\u09cd\u200d\u09b7 Textiles"  # Bengali with a zero-width joiner
    assert check_text(name) == (name, [])


def test_replacement_characters_are_noted_and_kept(tmp_path):
    path = tmp_path / "lost.csv"
    path.write_text(HEADER + "M\ufffdller GmbH,Street 1,Germany\n", encoding="utf-8")
    sl, by_code = _read(path)
    assert _names(sl) == ["M\ufffdller GmbH"]
    (note,) = by_code["lost-characters"]
    assert (note.row, note.column) == (2, "Name")


def test_workbook_cells_get_the_same_cleaning_and_notes(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Address", "Country"])
    ws.append(["MÃ¼ller GmbH", "Street 1", "Germany"])
    ws.append(["Beta\u200b Dye", "Street 2", "India"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    sl, by_code = _read(path)
    assert _names(sl) == ["Beta Dye", "Müller GmbH"]
    assert [(i.row, i.column) for i in by_code["mojibake"]] == [(2, "Name")]
    assert [(i.row, i.column) for i in by_code["invisible-characters"]] == [(3, "Name")]


def test_a_file_damaged_throughout_keeps_every_row_and_a_bounded_report(tmp_path):
    n = MAX_NOTES_PER_CODE + 150
    path = tmp_path / "many.csv"
    path.write_bytes((HEADER + "".join(f"Mill{i}\x00,Street {i},India\n" for i in range(n))).encode())
    sl, by_code = _read(path)
    assert len(sl.suppliers) == n
    notes = by_code["nul-bytes"]
    assert len(notes) == MAX_NOTES_PER_CODE + 1
    summary = max(notes, key=lambda i: i.row)
    assert summary.message == f"150 more like this in rows {MAX_NOTES_PER_CODE + 2}-{n + 1}"


def test_decode_text_keeps_its_behaviour_for_clean_files():
    text = "Naam leverancier;Plaats;Land\r\nConfecções Araújo Lda.;Guimarães;Portugal\r\n"
    for data in (text.encode("cp1252"), text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode(),
                 text.encode("utf-16")):
        assert decode_text(data) == text


def test_the_sample_lists_get_no_new_warning():
    codes = {"nul-bytes", "incomplete-file", "encoding-guessed", "mixed-encoding", "mojibake",
             "invisible-characters", "lost-characters", "hidden-rows", "hidden-column"}
    files = sorted(p for p in (REPO / "sample_data").rglob("*") if p.suffix in (".csv", ".xlsx"))
    assert len(files) > 10
    for path in files:
        assert codes.isdisjoint(i.code for i in read_suppliers(path).issues), path


# Real names in many scripts: none looks damaged, each reads as it is.
_CLEAN_NAMES = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "Zs", "P")),
                       min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(_CLEAN_NAMES)
def test_proper_unicode_names_are_never_changed_by_the_repair(name):
    fixed, found = check_text(name)
    # A name is only changed when it holds a sequence that reads back as UTF-8: then its
    # repair is exactly that reading.
    if fixed != name:
        assert [c for c, *_ in found] == ["mojibake"]
        readings = [name]
        while len(readings) < 4:
            try:
                readings.append(readings[-1].encode("cp1252").decode("utf-8"))
            except UnicodeError:
                break
        assert fixed in readings[1:]
    else:
        assert found == [] or [c for c, *_ in found] == ["mojibake"]


@pytest.mark.parametrize("name", ["Müller GmbH", "Société Générale", "SÃO PAULO TÊXTIL",
                                  "JOÃO ALIMENTAÇÃO", "Groß\u00a0Gerau Mode", "Nº 5 Łódź",
                                  "Nguyễn Văn An", "İstanbul Örme", "上海纹织厂", "Ørsted & Søn",
                                  "ÆØÅ Tekstil", "Ünal Çorap", "Straße 5 – Haus ©"])
def test_real_names_are_not_taken_for_mojibake(name):
    assert check_text(name) == (name, [])
