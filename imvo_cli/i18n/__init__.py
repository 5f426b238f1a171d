"""imvo's texts in English and Dutch: one catalogue per language (en.toml, nl.toml), read once.

`t("level.high", "nl")` -> "hoog"; `tn("file", 2, "en")` -> "2 files"; placeholders use
str.format (`t("summary.tier", "en", tier=2)`). Messages that come from data (evidence,
sources, the user's own cells) are never translated: only imvo's own labels live here.
"""

from __future__ import annotations

import dataclasses
import gettext
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

import pycountry

from ..model import ImvoError, Issue

LANGS = ("en", "nl")
DEFAULT_LANG = "en"
THOUSANDS = {"en": ",", "nl": "."}


def check_lang(lang: str | None) -> str:
    """A supported language code, else a usage error naming the choices."""
    if lang in LANGS:
        return lang
    raise ImvoError(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}", code="usage",
                    hint="for example --lang nl")


def resolve_lang(option: str | None, policy: Any = None) -> str:
    """--lang wins, then `[report] lang` of the policy, then English."""
    if option is not None:
        return check_lang(option)
    return check_lang(getattr(policy, "lang", None) or DEFAULT_LANG)


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of one language, by dotted key ("theme.child_labour")."""
    check_lang(lang)
    text = resources.files(__name__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text for `key` in `lang`, with its placeholders filled in."""
    text = catalogue(lang)[key]
    return text.format(**values) if values else text


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(lang)


def table(name: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Every text of one table ("html_js") by its key within the table, sorted."""
    prefix = name + "."
    return {k[len(prefix):]: v for k, v in sorted(catalogue(lang).items()) if k.startswith(prefix)}


def label(group: str, key: str | None, lang: str = DEFAULT_LANG) -> str:
    """A human label such as a theme or a level; a key without a text reads as words."""
    if key is None:
        return ""
    full = f"{group}.{key}"
    return t(full, lang) if has(full, lang) else key.replace("_", " ")


def number(n: float, lang: str = DEFAULT_LANG) -> str:
    """A whole number with the language's thousands separator: 1,234 / 1.234."""
    if isinstance(n, float) and not n.is_integer():
        return str(n) if lang == "en" else str(n).replace(".", ",")
    return f"{int(n):,}".replace(",", THOUSANDS[lang])


def tn(key: str, n: int, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """A count with the right plural: tn("file", 1) -> "1 file", tn("file", 3) -> "3 files"."""
    form = "one" if n == 1 else "other"
    return t(f"count.{key}.{form}", lang, n=number(n, lang), **values)


class Phrase(str):
    """imvo's own words that read as their English text, so JSON, JUnit and GitHub keep the
    same strings, and that can be said in another language: a catalogue key and its values.

    A value is said in turn: a Phrase in the same language, a tuple of values joined with
    ", ", anything else as it is (a supplier's name, a cited source, a formatted share).
    `Phrase("check_reason.was", level=Phrase("level.high")).say("nl")` -> "was hoog"."""

    __slots__ = ("key", "values")
    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Phrase:
        self = super().__new__(cls, _said(key, values, DEFAULT_LANG))
        self.key = key
        self.values = values
        return self

    def __reduce__(self):  # worker processes send results back pickled
        return (_phrase, (self.key, self.values))

    def say(self, lang: str = DEFAULT_LANG) -> str:
        return str(self) if lang == DEFAULT_LANG else _said(self.key, self.values, lang)

    def replaced(self, old: str, new: str) -> Phrase:
        """The same phrase with `old` replaced by `new` in its values (a file's name)."""
        return Phrase(self.key, **{k: _replaced(v, old, new) for k, v in self.values.items()})


def _phrase(key: str, values: dict[str, Any]) -> Phrase:
    return Phrase(key, **values)


def _said_value(value: Any, lang: str) -> Any:
    if isinstance(value, Phrase):
        return value.say(lang)
    if isinstance(value, tuple):
        return ", ".join(str(_said_value(v, lang)) for v in value)
    return value


def _said(key: str, values: dict[str, Any], lang: str) -> str:
    return t(key, lang, **{k: _said_value(v, lang) for k, v in values.items()})


def _replaced(value: Any, old: str, new: str) -> Any:
    if isinstance(value, Phrase):
        return value.replaced(old, new)
    if isinstance(value, tuple):
        return tuple(_replaced(v, old, new) for v in value)
    if isinstance(value, list):  # issues carried along (an Issue's file named `old`)
        return [dataclasses.replace(v, file=new) if isinstance(v, Issue) and v.file == old
                else v for v in value]
    return value.replace(old, new) if isinstance(value, str) else value


def say(text: str, lang: str = DEFAULT_LANG) -> str:
    """A text in `lang`: a Phrase said in it, any other text as it is (data, error messages)."""
    return text.say(lang) if isinstance(text, Phrase) else text


def label_phrase(group: str, key: str) -> str:
    """A label (a theme, a level) as a Phrase, or as words when it has no text (as `label`)."""
    full = f"{group}.{key}"
    return Phrase(full) if has(full) else key.replace("_", " ")


def variants(key: str) -> tuple[str, ...]:
    """The text of `key` in every language (distinct, English first): for readers that must
    recognise a sheet or column imvo wrote in any language."""
    out: list[str] = []
    for lang in LANGS:
        text = catalogue(lang).get(key)
        if text is not None and text not in out:
            out.append(text)
    return tuple(out)


@cache
def _vocabulary() -> dict[str, dict[str, dict[str, str]]]:
    text = resources.files(__name__).joinpath("vocabulary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def sector_terms(sector: str, field: str) -> list[tuple[str, str]]:
    """[(English term, Dutch term)] of a sector's process or product dropdown."""
    return list(_vocabulary().get(sector, {}).get(field, {}).items())


def term(sector: str, field: str, canonical: str, lang: str = DEFAULT_LANG) -> str:
    """A dropdown term in `lang` for its canonical (English) value."""
    if lang == "en":
        return canonical
    return dict(sector_terms(sector, field)).get(canonical, canonical)


@cache
def _canonical_index() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for fields in _vocabulary().values():
        for field, pairs in fields.items():
            for en, nl in pairs.items():
                out.setdefault((field, en.casefold()), en)
                out.setdefault((field, nl.casefold()), en)
    return out


def canonical_term(field: str, value: str) -> str | None:
    """The canonical (English) process or product term of a dropdown value in any language
    ("verven" -> "dyeing"), None for a value that is not a dropdown term."""
    return _canonical_index().get((field, value.strip().casefold()))


@cache
def country_translator(lang: str):
    """gettext for ISO 3166 country names in `lang` (None without translations)."""
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:  # a pycountry without its translations: names stay English
        return None


def country_label(code: str | None, english: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """A country's name in `lang` (pycountry's ISO 3166 translations), else `english`."""
    if lang == "en" or not code:
        return english
    translate = country_translator(lang)
    country = pycountry.countries.get(alpha_2=code)
    if translate is None or country is None:
        return english
    return translate(country.name)


# The good a DOL listing's evidence names: "...: child labour in cotton, Turkey (product '...')"
# or, for a downstream entry, "...: solar panels, China, a downstream good made with ...".
_DOL_GOOD = re.compile(r": (?:[^:]+? in (.+?), [^,]+? \((?:product|process) '|(.+?), [^,]+, a "
                       r"downstream good)")
_CELL = re.compile(r"^\w+ '([^']+)'")


def rule_label(rule: str, evidence: str = "", lang: str = DEFAULT_LANG) -> str:
    """A short human label for the rule behind a flag ("no-audit" -> "no audit" / "geen
    audit"); the listed good or the process term is read from the evidence. A rule without
    a text reads as words. Reports show it; JSON keeps the rule id."""
    if rule == "dol-listed-good":
        m = _DOL_GOOD.search(evidence)
        good = (m.group(1) or m.group(2)) if m else t("rule.listed-good", lang)
        return t("rule.dol-listed-good", lang, good=good)
    if rule == "process-knowledge":
        m = _CELL.search(evidence)
        return t("rule.process-knowledge", lang, term=m.group(1) if m else t("rule.known-risk", lang))
    if rule == "legal-presumption" and "Xinjiang" in evidence:
        return t("rule.legal-presumption-xinjiang", lang)
    key = f"rule.{rule}"
    return t(key, lang) if has(key, lang) else rule.replace("-", " ")
