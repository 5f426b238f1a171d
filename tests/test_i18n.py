"""The English and Dutch catalogues: same keys, same placeholders, every theme and level named."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

from imvo_cli import i18n
from imvo_cli.i18n import LANGS, catalogue, label, resolve_lang, t, tn, variants
from imvo_cli.model import LEVELS, ImvoError
from imvo_cli.policy import parse_policy

PROFILES = Path(i18n.__file__).resolve().parent.parent / "risk" / "profiles"
# Themes of the floriculture and gold (artisanal mining) profiles being added.
COMING_THEMES = {"living_wage", "pesticides", "mercury", "conflict_financing"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_both_languages_have_the_same_keys():
    en, nl = catalogue("en"), catalogue("nl")
    assert set(en) == set(nl), sorted(set(en) ^ set(nl))
    assert len(en) > 300


def test_placeholders_agree_and_every_text_is_filled():
    en, nl = catalogue("en"), catalogue("nl")
    for key in en:
        assert placeholders(en[key]) == placeholders(nl[key]), key
        assert en[key].strip() and nl[key].strip(), key


def test_counts_have_both_forms_with_n():
    for lang in LANGS:
        counts = {k.rsplit(".", 1)[0] for k in catalogue(lang) if k.startswith("count.")}
        for key in counts:
            for form in ("one", "other"):
                assert "n" in placeholders(t(f"{key}.{form}", lang)), (lang, key, form)


def test_every_profile_theme_and_level_has_a_label_in_both_languages():
    themes = set(COMING_THEMES)
    for path in PROFILES.glob("*.toml"):
        themes |= set(tomllib.loads(path.read_text(encoding="utf-8"))["themes"])
    assert len(themes) >= 16
    for lang in LANGS:
        for theme in themes:
            assert i18n.has(f"theme.{theme}", lang), (lang, theme)
        for level in (*LEVELS, "unknown"):
            assert i18n.has(f"level.{level}", lang), (lang, level)
    assert label("theme", "discrimination_gender", "en") == "Discrimination and gender"
    assert label("theme", "child_labour", "nl") == "Kinderarbeid"
    assert label("theme", "no_such_theme", "nl") == "no such theme"  # a new theme reads as words
    assert label("level", "high", "nl") == "hoog"


def test_dutch_differs_where_it_should():
    en, nl = catalogue("en"), catalogue("nl")
    same = {k for k in en if en[k] == nl[k]}
    # a few words are the same in both languages (Status, Sector, OS ID, Postcode, Tier ...)
    assert len(same) < len(en) * 0.15, sorted(same)


def test_plurals_and_numbers():
    assert tn("file", 1, "en") == "1 file"
    assert tn("file", 2, "en") == "2 files"
    assert tn("error", 1, "en") == "1 error"
    assert tn("error", 0, "en") == "0 errors"
    assert tn("file", 1, "nl") == "1 bestand"
    assert tn("supplier", 12_345, "nl") == "12.345 leveranciers"
    assert tn("supplier", 12_345, "en") == "12,345 suppliers"
    assert t("summary.tier", "nl", tier=3) == "tier 3"


def test_variants_lists_each_language_once():
    assert variants("sheet.review") == ("Review", "Beoordelen")
    assert variants("field.os_id") == ("OS ID",)


def test_language_from_option_then_policy_then_english():
    nl_policy = parse_policy({"report": {"lang": "nl"}}, "imvo.toml")
    assert nl_policy.lang == "nl"
    assert resolve_lang(None, nl_policy) == "nl"
    assert resolve_lang("en", nl_policy) == "en"
    assert resolve_lang(None, parse_policy({}, "imvo.toml")) == "en"
    with pytest.raises(ImvoError) as exc:
        resolve_lang("fr")
    assert "en, nl" in str(exc.value)


def test_policy_rejects_an_unknown_language():
    with pytest.raises(ImvoError) as exc:
        parse_policy({"report": {"lang": "de"}}, "imvo.toml")
    assert "report.lang" in str(exc.value)


def test_country_names_in_dutch():
    from imvo_cli.i18n import country_label

    assert country_label("DE", "Germany", "nl") == "Duitsland"
    assert country_label("TR", "Turkey", "nl") == "Turkije"
    assert country_label("DE", "Germany", "en") == "Germany"
    assert country_label(None, None, "nl") is None


def test_rule_labels_read_the_good_or_the_term_from_the_evidence():
    from imvo_cli.i18n import rule_label

    from imvo_cli.policy import Policy
    from imvo_cli.risk import assess_place, load_profile

    # Regression: the label looked for an older form of the evidence text and always read
    # "DOL list: listed good". The texts the assessment writes now name the good.
    found = assess_place("Bangladesh", ["T-shirts"], [], load_profile("textile"), Policy())
    (dol,) = {e.value for e in found.evidence if e.rule == "dol-listed-good"}
    assert rule_label("dol-listed-good", dol, "en") == "DOL list: garments"
    assert rule_label("dol-listed-good", dol, "nl") == "DOL-lijst: garments"
    downstream = ("US DOL list of goods 2022: lithium-ion batteries, China, a downstream good made "
                  "with cobalt ore from Congo, which is listed for child labour (product 'cells')")
    assert rule_label("dol-listed-good", downstream, "en") == "DOL list: lithium-ion batteries"
    assert rule_label("dol-listed-good", "some other text", "en") == "DOL list: listed good"
    assert rule_label("process-knowledge", "process 'sandblasting' exposes workers", "nl") == \
        "proces: sandblasting"
    assert rule_label("legal-presumption", "located in Xinjiang: rebuttable presumption", "en") == \
        "UFLPA presumption (Xinjiang)"
    assert rule_label("no-audit", "", "nl") == "geen audit"
    assert rule_label("a-new-rule", "", "nl") == "a new rule"  # a rule without a text reads as words


def test_a_table_of_texts():
    from imvo_cli.i18n import table

    short = table("level_short", "nl")
    assert short == {"critical": "KRIT", "high": "HOOG", "low": "LAAG", "medium": "MID", "unknown": "?"}
    assert list(table("html_js", "en")) == sorted(table("html_js", "en"))


def test_a_phrase_reads_as_english_and_says_dutch_after_pickling():
    import pickle

    from imvo_cli.i18n import Phrase, label_phrase, say

    names = (Phrase("check_reason.named", supplier="A/b.xlsx Ltd", level=label_phrase("level", "high")),)
    reason = Phrase("check_reason.at_or_above", n=1, level=Phrase("level.critical"), names=names,
                    more="")
    assert reason == "1 supplier(s) at or above critical: A/b.xlsx Ltd (high)"
    back = pickle.loads(pickle.dumps(reason))
    assert say(back, "nl") == "1 leverancier(s) met risico kritiek of hoger: A/b.xlsx Ltd (hoog)"
    assert back.replaced("A/b.xlsx", "<stdin>").say("nl").endswith(": <stdin> Ltd (hoog)")
    assert say("plain text", "nl") == "plain text"
    assert label_phrase("theme", "no_such_theme") == "no such theme"
