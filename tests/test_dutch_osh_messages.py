"""Dutch forms of the Open Supply Hub issues (codes osh-*): every code the upload, the
matching and the upload writer give an Issue has one, and tiny inputs provoke them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_dutch_messages import assert_said_in_dutch
from test_osh_match import oid, sup, write_download

from imvo_cli.export.osh_upload import write_upload
from imvo_cli.i18n.messages import issue_codes, issue_line, issue_message
from imvo_cli.model import Issue
from imvo_cli.osh import match_suppliers
from imvo_cli.osh.upload import MAX_TEXT, Location, build_upload

REPO = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((REPO / "imvo_cli" / "osh").glob("*.py")), REPO / "imvo_cli" / "export" / "osh_upload.py"]
# Every code these sources give an Issue (a warning or a location left out of the upload).
OSH_CODES = {
    "osh-no-name", "osh-no-address", "osh-too-long", "osh-unknown-country",
    "osh-too-many-products", "osh-parent-is-member", "osh-duplicate-row", "osh-formula-text",
    "osh-closed", "osh-id-not-in-download", "osh-download-duplicate-id", "osh-download-country",
    "osh-download-name", "osh-download-os-id", "osh-download-rows-left-out",
    "osh-download-closed-value",
}
# The codes of an error that stops the command (an unusable download): said in English, as
# every such error is; "osh-match" names the command and a match's source.
FATAL = {"osh-download-columns", "osh-download-csv", "osh-download-empty", "osh-download-unusable"}
NOT_ISSUES = {"osh-match"}
ENGLISH = ("not in the Open Supply Hub upload", "no name", "no address", "characters",
           "is not one OSH knows", "product types", "parent company", "same name",
           "starts with", "marks", "is not in the download", "again", "left out", "rows",
           "facility", "is not an Open Supply Hub ID", "fails its check", "read as open",
           "shorten", "give the", "check ", "pass the download", "see the issues")


def test_every_osh_code_in_the_sources_is_listed_and_has_a_dutch_form():
    in_source: set[str] = set()
    fatal: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        in_source |= set(re.findall(r'"(osh-[a-z]+(?:-[a-z]+)*)"', text))
        fatal |= set(re.findall(r'code="(osh-[a-z-]+)"', text))
    assert fatal == FATAL  # a new error that stops a command: list it
    assert in_source - FATAL - NOT_ISSUES == OSH_CODES  # a new code: list it, translate it
    assert OSH_CODES <= issue_codes("nl"), sorted(OSH_CODES - issue_codes("nl"))


@pytest.fixture(scope="module")
def issues(tmp_path_factory) -> list[Issue]:
    """The issues of a tiny upload, a tiny download and a tiny match, one or two per code."""
    folder = tmp_path_factory.mktemp("osh-nl")
    locs = [
        Location("S1", "Good Mill", "IN", "Plot 4, GIDC", city="Surat", parent_company="Brand BV"),
        Location("S2", "No Address Mill", "IN", None, city="Surat", file="l.xlsx", row=3),
        Location("S3", "Nowhere Mill", "ZZ", "Road 1, Town"),
        Location("S3b", "Countryless Mill", None, "Road 1, Town"),
        Location("S4", "X" * (MAX_TEXT + 1), "CN", "No. 1 Road, Ningbo"),
        Location("S5", "-", "CN", "No. 1 Road, Ningbo"),
        Location("S6", "Long Address", "CN", "No. 2 " + "Long Road " * 25),
        Location("S7", "Many Products", "CN", "No. 3 Road, Ningbo",
                 products=tuple(f"p{i}" for i in range(51))),
        Location("S8", "Wide Sector", "CN", "No. 4 Road, Ningbo", sector=("s" * 60,)),
        Location("S9", "Good Mill", "IN", "Plot 4, GIDC", city="Surat"),
        Location("S10", "=Formula Mill", "CN", "No. 5 Road, Ningbo"),
    ]
    up = build_upload(locs, public=True, member_names=["Brand BV"])
    found = list(up.issues) + write_upload(up, folder / "u.csv")
    closed, unknown, dup = oid("CN", 1), oid("CN", 2), oid("CN", 3)
    download = write_download(folder / "d.csv", [
        {"os_id": closed, "name": "Mingda Clothing Co Ltd", "address": "No. 4 Qiming Road",
         "country_code": "CN", "is_closed": "True"},
        {"os_id": dup, "name": "Other Mill", "address": "No. 9 Road", "country_code": "CN",
         "is_closed": "perhaps"},
        {"os_id": dup, "name": "Other Mill", "address": "No. 9 Road", "country_code": "CN"},
        {"os_id": "CN2019303BQ3FZQ", "name": "Bad Check", "country_code": "CN"},
        {"os_id": "nonsense", "name": "Bad Shape", "country_code": "CN"},
        {"os_id": "CN2019303BQ3FZ!", "name": "Bad Letter", "country_code": "CN"},
        {"os_id": oid("CN", 9), "name": "", "country_code": "CN"},
        {"os_id": oid("CN", 10), "name": "Nowhere", "country_code": "Atlantis"}])
    result = match_suppliers([sup("S1", "Mingda Clothing", "CN", "No. 4 Qiming Rd", os_id=closed),
                              sup("S2", "Other Mill", "CN", "No. 9 Road", row=3),
                              sup("S3", "Lost Mill", "CN", "No. 1 Road", os_id=unknown, row=4)],
                             download)
    found += result.issues
    # The counts after the first few of a kind: too many rows to provoke in a fast test.
    found += [Issue("warning", "osh-download-name", "7 more rows like this", "d.csv",
                    hint="the facilities were left out of the matching"),
              Issue("warning", "osh-download-duplicate-id",
                    "more rows repeat an earlier OS ID; they were left out too", "d.csv",
                    hint="pass the download as Open Supply Hub gave it")]
    return found


def test_the_tiny_inputs_provoke_every_code_and_each_message_and_hint_reads_in_dutch(issues):
    seen = {i.code for i in issues}
    assert OSH_CODES <= seen, sorted(OSH_CODES - seen)
    assert_said_in_dutch(issues, ENGLISH)


def test_values_keep_their_text_in_the_dutch_osh_messages(issues):
    by_code: dict[str, list[Issue]] = {}
    for i in issues:
        by_code.setdefault(i.code, []).append(i)
    too_long = next(i for i in by_code["osh-too-long"] if "name" in i.message)
    assert issue_message(too_long, "nl") == (
        f"niet in de upload voor Open Supply Hub: S4: de naam heeft {MAX_TEXT + 1} tekens, OSH "
        f"neemt er ten hoogste {MAX_TEXT}")
    no_address = next(i for i in by_code["osh-no-address"] if i.file == "l.xlsx")
    assert issue_line(no_address, "nl") == (
        "l.xlsx, regel 3, kolom 'address': niet in de upload voor Open Supply Hub: geen adres "
        "(OSH vraagt erom) (vul het straatadres van de productielocatie in)")
    countries = sorted(issue_message(i, "nl") for i in by_code["osh-unknown-country"])
    assert countries == ["niet in de upload voor Open Supply Hub: S3: land 'ZZ' kent OSH niet",
                         "niet in de upload voor Open Supply Hub: S3b: geen land"]
    [closed] = by_code["osh-closed"]
    assert issue_message(closed, "nl") == f"Mingda Clothing: Open Supply Hub meldt {closed.message.split()[-3]} als gesloten"
    [duplicate] = by_code["osh-duplicate-row"]
    assert issue_message(duplicate, "nl") == ("S9: dezelfde naam, hetzelfde adres en hetzelfde land "
                                              "als S1; OSH leest beide regels als één productielocatie")


def test_the_issues_sheet_of_a_dutch_osh_match_workbook_says_messages_and_hints_in_dutch(issues):
    """Regression: the Issues sheet of `osh-match --export x.xlsx --lang nl` had the English
    message and hint of every issue."""
    from imvo_cli.export.osh_upload import issue_rows

    rows = issue_rows(issues, "nl")
    assert [r[5] for r in rows] == [issue_message(i, "nl") for i in issues]
    translated = [(r, i) for r, i in zip(rows, issues, strict=True) if r[5] != i.message]
    assert len(translated) == len(issues)  # every osh issue has a Dutch message
    assert [r[5] for r in issue_rows(issues, "en")] == [i.message for i in issues]
    assert [r[6] for r in issue_rows(issues, "en")] == [i.hint for i in issues]
