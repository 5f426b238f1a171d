"""The page footer of every workbook imvo writes: "Pagina &P van &N" when the workbook is
Dutch, "Page &P of &N" when it is English (diff and osh-match wrote the English one always)."""

from __future__ import annotations

import shutil

import pytest
from conftest import BASIC_ROWS, SAMPLE, write_xlsx
from openpyxl import load_workbook
from test_osh_match import oid, write_download
from typer.testing import CliRunner

from imvo_cli.cli import app
from imvo_cli.i18n import t

runner = CliRunner()
FOOTER = {"en": "Page &P of &N", "nl": "Pagina &P van &N"}


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch):
    monkeypatch.delenv("IMVO_LANG", raising=False)


def _footers(path) -> dict[str, str | None]:
    """The centre footer of every visible sheet, by sheet name."""
    wb = load_workbook(path)
    return {ws.title: ws.oddFooter.center.text for ws in wb.worksheets
            if ws.sheet_state == "visible"}


def _lists(tmp_path):
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    write_xlsx(old, BASIC_ROWS)
    write_xlsx(new, [*BASIC_ROWS[:2], ["Nieuw Atelier", "Rua das Flores 1", "Porto", "Portugal", 1, 50]])
    return old, new


def _members(tmp_path, name: str, rows) -> object:
    folder = tmp_path / name
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", rows)
    write_xlsx(folder / "b.xlsx", rows[:2])
    return folder


def _workbooks(tmp_path, lang: str) -> dict[str, object]:
    """Every kind of workbook, written through the command line in `lang`."""
    out = {}
    old, new = _lists(tmp_path)
    listing = tmp_path / "list.csv"
    listing.write_text("Supplier name,Address,City,Country\nYongsheng Clothing Co. Ltd.,"
                       "No. 231 Tongzhou Road,Nantong,China\n", encoding="utf-8")
    download = write_download(tmp_path / "d.csv", [
        {"os_id": oid("CN", 7), "name": "Yongsheng Clothing Co., Ltd.",
         "address": "No. 230 Tongzhou Road, Nantong", "country_code": "CN"}])
    members_old = _members(tmp_path, "members_old", BASIC_ROWS)
    members_new = _members(tmp_path, "members_new", BASIC_ROWS[:3])
    commands = {
        "diff": ["diff", str(old), str(new), "--export"],
        "diff of sectors": ["diff", str(members_old), str(members_new), "--export"],
        "osh-match": ["osh-match", str(listing), "--facilities", str(download), "--export"],
        "map": ["map", str(old), "--export"],
        "aggregate": ["aggregate", str(members_old), "--output"],
        "check": ["check", str(members_old), "--jobs", "1", "--export"],
        "template": ["template", "--output"],
    }
    for name, args in commands.items():
        path = tmp_path / f"{name.replace(' ', '-')}-{lang}.xlsx"
        result = runner.invoke(app, [*args, str(path), "--lang", lang, "-q"])
        assert result.exit_code in (0, 1), (name, result.output)
        out[name] = path
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_workbook_has_the_footer_of_its_language(tmp_path, lang):
    assert t("print.footer", lang) == FOOTER[lang]
    for name, path in _workbooks(tmp_path, lang).items():
        footers = _footers(path)
        assert footers, name
        assert set(footers.values()) == {FOOTER[lang]}, (name, footers)


def test_a_dutch_diff_of_sample_years_has_dutch_footers(tmp_path):
    out = tmp_path / "verschil.xlsx"
    year1 = tmp_path / "y1.xlsx"
    shutil.copy(SAMPLE / "suppliers.xlsx", year1)
    result = runner.invoke(app, ["diff", str(year1), str(SAMPLE / "year2" / "suppliers.xlsx"),
                                 "--export", str(out), "--lang", "nl", "-q"])
    assert result.exit_code in (0, 1), result.output
    assert set(_footers(out).values()) == {FOOTER["nl"]}
