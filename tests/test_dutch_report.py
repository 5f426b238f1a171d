"""Dutch wherever people read (issue 22): the map HTML report, its script's words, the sector
report and the terminal view, with no English word of imvo's own left when lang is nl."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imvo_cli import __version__, risk
from imvo_cli.aggregate import aggregate
from imvo_cli.cli import app
from imvo_cli.i18n import catalogue, rule_label, t
from imvo_cli.i18n.messages import evidence_value, issue_hint, issue_message
from imvo_cli.mapping import read_and_map
from imvo_cli.report.html import render_aggregate_html, render_map_html, script_words
from imvo_cli.report.map_view import coverage_text

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "suppliers.xlsx"
JS = REPO / "imvo_cli" / "report" / "assets" / "report.js"
# Catalogue tables whose words the HTML reports and the terminal view show.
REPORT_TABLES = ("html.", "html_map.", "html_js.", "level.", "level_short.", "theme.", "rule.",
                 "policy_item.", "severity.", "sector.", "count.", "map_view.", "summary.")


def english_fragments() -> list[str]:
    """imvo's own English words, from en.toml: every text whose Dutch twin differs, cut at its
    placeholders, markup and punctuation; a piece that is also Dutch (Tier, Product) is left out."""
    en, nl = catalogue("en"), catalogue("nl")
    dutch = " ".join(nl.values())
    out = set()
    for key, text in en.items():
        if not key.startswith(REPORT_TABLES) or text == nl[key]:
            continue
        literal = "|".join(part for part, *_ in string.Formatter().parse(text))
        for piece in re.split(r"<[^>]+>|[|();:]", literal):
            piece = piece.strip(" .,–-·*")
            if re.search(r"[A-Za-z]{4,}", piece) and not _has_phrase(dutch, piece):
                out.add(piece)
    return sorted(out, key=len, reverse=True)


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


ENGLISH = english_fragments()
ENGLISH_SET = set(ENGLISH)
ENGLISH_RE = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ENGLISH)) + r")(?!\w)")


class _Text(HTMLParser):
    """Text nodes and the readable attributes (aria-label, title, placeholder) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts += [v for k, v in attrs if k in ("aria-label", "title", "placeholder") and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data)


def readable_text(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.parts


def data_strings(chain_map) -> list[str]:
    """Text that comes from the list or the cited sources: it stays as it is. Issue messages
    and evidence count in their Dutch form: the values in them (a cell, a source's name, a
    table's finding) stay, imvo's own words around them must be Dutch."""
    out = {chain_map.company.name, chain_map.source.file, chain_map.source.sheet or "", __version__}
    for s in chain_map.suppliers.values():
        out |= {s.name, s.country or "", *s.process, *s.product}
    for i in chain_map.issues:
        out |= {issue_message(i, "nl"), issue_hint(i, "nl") or "", i.code, i.sheet or "",
                str(i.column or "")}
    for a in chain_map.risk.values():
        for f in [*a.flags, *(r for th in a.themes.values() for r in th.reasons)]:
            out |= {evidence_value(f.rule, f.evidence, "nl"), f.source}
    for src in risk.sources():
        out |= {str(v) for v in src.values()}
    return sorted((x for x in out if x), key=len, reverse=True)


def english_left(texts: list[str], data: list[str]) -> list[tuple[str, str]]:
    """(English fragment, the text it is in) for every text that still holds one once the data
    is taken out. A text that is one piece of data is left out whole; data inside imvo's own
    sentences (a name in a label, evidence after its themes) is cut out, except a piece of data
    that is itself an English label (a sheet named "Suppliers"): that one counts only alone."""
    whole = {d.strip() for d in data}
    inside = [d for d in data if d not in ENGLISH_SET]
    found = []
    for text in sorted(set(texts)):
        if text.strip() in whole:
            continue
        for d in inside:
            if d in text:
                text = text.replace(d, " ")
        found += [(m.group(0), text.strip()[:120]) for m in ENGLISH_RE.finditer(text)]
    return found


def page_words(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="imvo-data">(.*?)</script>',
                                page, re.S).group(1))


@pytest.fixture(scope="module")
def dutch_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("nl") / "x.html"
    result = CliRunner().invoke(app, ["map", str(SAMPLE), "--lang", "nl", "--html", str(out)],
                                env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout, out.read_text(encoding="utf-8"), read_and_map(SAMPLE)


def test_the_english_list_is_real():
    # the check below would pass vacuously with an empty list
    assert len(ENGLISH) > 150
    for word in ("Showing all", "Where to act first", "Suppliers per group", "no audit", "HIGH"):
        assert word in ENGLISH, word


def test_no_english_word_in_the_dutch_map_report(dutch_map):
    _, page, cm = dutch_map
    assert '<html lang="nl">' in page
    texts = readable_text(page)
    assert len(texts) > 500 and "Eerst aanpakken" in texts
    assert english_left(texts, data_strings(cm)) == []
    # the same check finds the English words of the English report: it can fail
    english = readable_text(render_map_html(cm, "en"))
    assert len({piece for piece, _ in english_left(english, data_strings(cm))}) > 40


def test_the_script_takes_dutch_words_from_the_page(dutch_map):
    _, page, cm = dutch_map
    data = page_words(page)
    words = data["words"]
    assert words == script_words("nl") and words["thousands"] == "."
    assert words["levels"]["high"] == "hoog" and words["text"]["showing_suppliers"] == \
        "{shown} van {total} leveranciers getoond."
    assert english_left(list(words["text"].values()) + list(words["levels"].values()), []) == []
    # what the cards say in imvo's words: country, theme and rule labels
    card_words = [text for c in data["cards"].values()
                  for text in [c.get("c", "")] + [x for r in c.get("r", []) for x in (r[0], r[2])]]
    assert english_left(card_words, data_strings(cm)) == []
    assert any("geen audit" == r[2] for c in data["cards"].values() for r in c.get("r", []))


def test_every_word_the_script_asks_for_is_in_both_languages():
    script = JS.read_text(encoding="utf-8")
    asked = set(re.findall(r'\btr\("(\w+)"', script))  # literal keys, and the ones built:
    asked |= {f"{kind}_{what}" for kind in ("showing_all", "showing", "no") for what in ("suppliers", "groups")}
    asked |= {"supplier_one", "supplier_other", "no_flags", "no_flags_unknown"}
    assert len(asked) > 25
    for lang in ("en", "nl"):
        assert asked <= set(script_words(lang)["text"]), sorted(asked - set(script_words(lang)["text"]))


@pytest.fixture(scope="module")
def sector(tmp_path_factory):
    """Three members sharing two production locations (one listed in a typo'd country)."""
    folder = tmp_path_factory.mktemp("members")
    rows = {"alpha": [["Dhaka Knit Composite Ltd", "Plot 12, BSCIC Industrial Estate", "Gazipur", "Bangladesh", "sewing"],
                      ["Izmir Tekstil A.S.", "Ataturk Cad. 5", "Izmir", "Turkey", "dyeing"]],
             "beta": [["DHAKA KNIT COMPOSITE LTD", "Plot 12 BSCIC Industrial Estate", "Gazipur", "BD", "sewing"],
                      ["Shanghai Weijie Garment Co. Ltd", "1228 Huiping Road, Nanxiang", "Shanghai", "Chnia", ""]],
             "gamma": [["Izmir Tekstil AS", "Ataturk Caddesi 5", "Izmir", "Türkiye", "dyeing"]]}
    for member, member_rows in rows.items():
        with (folder / f"{member}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["Name", "Address", "City", "Country", "Process"])
            w.writerows(member_rows)
    result = aggregate([folder])
    assert len(result.shared) == 2 and result.issues
    return result


@pytest.mark.parametrize("public", [False, True])
def test_the_sector_report_in_dutch(sector, public):
    result = dataclasses.replace(sector, public=public)
    page = render_aggregate_html(result, "nl")
    assert '<html lang="nl">' in page and "Sectorrapport" in page and "Gedeelde productielocaties" in page
    assert (t("html.public_note", "nl") in page) == public and ("alpha" in page) != public
    data = [d for f in result.facilities for d in (f.name, f.country or "", *f.members)]
    data += [m.member for m in result.members] + [x for i in result.issues
                                                   for x in (i.message, i.hint or "", i.file or "", i.code,
                                                             i.sheet or "", str(i.column or ""))]
    data += [str(v) for src in risk.sources() for v in src.values()] + [__version__]
    data = sorted({d for d in data if d}, key=len, reverse=True)
    assert english_left(readable_text(page), data) == []
    english = {piece for piece, _ in english_left(readable_text(render_aggregate_html(result, "en")), data)}
    assert {"Shared production locations", "Sector report", "Completeness"} <= english


def test_dutch_terminal_labels_rules_and_coverage(dutch_map):
    out, _, cm = dutch_map
    assert "geen audit" in out and "no audit" not in out
    assert "DOL-lijst:" in out and "DOL list:" not in out
    cov = cm.summary["coverage"]
    dutch, english = coverage_text(cov, "nl"), coverage_text(cov, "en")
    rows = cov["rows"]
    assert dutch.startswith(f"van {rows} regels: audit ") and "herkend" in dutch
    assert english.startswith(f"of {rows} rows: audit ") and "recognised" in english
    share = f"{cov['audit']['share']:.0%}"
    assert f"audit {share}" in english and f"audit {share}" in dutch
    panel = out.split("╰")[0]
    assert "Gegevens" in panel and f"van {rows}" in panel.replace("│", " ")
    assert all(len(line) <= 80 for line in out.splitlines())


def test_every_rule_of_the_sample_has_a_label_in_both_languages(dutch_map):
    _, _, cm = dutch_map
    rules = {f.rule: f.evidence for a in cm.risk.values()
             for f in [*a.flags, *(r for th in a.themes.values() for r in th.reasons)]}
    assert len(rules) >= 5
    for rule, evidence in rules.items():
        for lang in ("en", "nl"):
            assert f"rule.{rule}" in catalogue(lang), (lang, rule)
        assert rule_label(rule, evidence, "nl") != rule_label(rule, evidence, "en"), rule


def test_no_english_word_in_a_grouped_dutch_picture():
    from html_factory import large_chain

    cm = large_chain(320)  # just past the grouping threshold
    page = render_map_html(cm, "nl")
    assert 'id="groups"' in page and "Leveranciers per groep" in page
    assert english_left(readable_text(page), data_strings(cm)) == []
    english = {piece for piece, _ in english_left(readable_text(render_map_html(cm, "en")), data_strings(cm))}
    assert {"Suppliers per group", "worst"} <= english
