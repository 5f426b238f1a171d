"""imvo's row, chain and evidence messages in another language, made when a report is rendered.

The reader, the chain checks and the risk assessment write their messages in English, and JSON,
JUnit and GitHub annotations keep them so. Each message comes from one of a few templates per
issue code (or evidence rule); messages_<lang>.toml gives every template with its translation.
A template's placeholders match any text and go into the translation as they are, or said in
the language by their kind (see the file's head). A text no template matches stays as it is:
a message imvo does not yet know in Dutch reads in English, never as an error.

Nothing here runs for English output, nor while a list is read: only renderers call it.
"""

from __future__ import annotations

import copy
import errno
import os
import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .. import countries
from . import DEFAULT_LANG, Phrase, catalogue, country_label, has, label, number, t
from . import say as i18n_say

# The codes whose messages a column's parser writes: "invalid-" and the field.
_INVALID = "invalid-"


@dataclass(frozen=True, slots=True)
class _Template:
    pattern: re.Pattern[str]
    said: str  # the translation, a str.format template
    kinds: tuple[tuple[str, str], ...]  # (placeholder, kind) of the placeholders with a kind


def _compile(english: str, said: str) -> _Template:
    regex: list[str] = []
    kinds: dict[str, str] = {}
    seen: set[str] = set()
    for literal, name, spec, _ in string.Formatter().parse(english):
        regex.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:  # the same value twice: the text must repeat it
            regex.append(f"(?P={name})")
        else:
            seen.add(name)
            regex.append(f"(?P<{name}>.*?)")
        if spec:
            kinds[name] = spec
    return _Template(re.compile("".join(regex), re.DOTALL), said, tuple(kinds.items()))


@cache
def _pairs(lang: str) -> dict[tuple[str, str, str], tuple[tuple[str, str], ...]]:
    """(section, key, part) -> its (English, translation) templates, in order:
    ("issue", "cycle", "message"). Compiled only when a text of that key is said."""
    name = f"messages_{lang}.toml"
    path = resources.files(__package__).joinpath(name)
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[tuple[str, str, str], tuple[tuple[str, str], ...]] = {}
    for section in ("issue", "evidence"):
        for key, parts in data.get(section, {}).items():
            for part, pairs in parts.items():
                out[section, key, part] = tuple((en, said) for en, said in pairs)
    for section in ("effect", "source", "fragment"):
        out[section, "", "value"] = tuple((en, said) for en, said in
                                          data.get(section, {}).get("value", ()))
    for part, pairs in data.get("error", {}).items():  # the errors that stop a command
        out["error", "", part] = tuple((en, said) for en, said in pairs)
    for part, pairs in data.get("usage", {}).items():  # the command-line parser's messages
        out["usage", "", part] = tuple((en, said) for en, said in pairs)
    out["progress", "", "value"] = tuple((en, said) for en, said in
                                         data.get("progress", {}).get("value", ()))
    return out


@cache
def _compiled(lang: str, section: str, key: str, part: str) -> tuple[_Template, ...]:
    return tuple(_compile(en, said) for en, said in _pairs(lang).get((section, key, part), ()))


def _say(templates: tuple[_Template, ...], text: str, lang: str) -> str | None:
    for tpl in templates:
        m = tpl.pattern.fullmatch(text)
        if m is None:
            continue
        values = m.groupdict()
        for name, kind in tpl.kinds:
            values[name] = _KINDS[kind](values[name], lang)
        try:
            return tpl.said.format(**values)
        except (KeyError, IndexError, ValueError):  # a translation naming another placeholder
            return None
    return None


def _fragment(text: str, lang: str) -> str:
    if not text:
        return text
    said = _say(_compiled(lang, "fragment", "", "value"), text, lang)
    return text if said is None else said


# Country labels as the country messages write them ("South Korea (KR)"), and the Dutch
# names that tell the candidates apart better than the ISO names do.
_LABEL = re.compile(r"\(([A-Z]{2})\)")
_DISPLAY = {"nl": {"KR": "Zuid-Korea", "KP": "Noord-Korea", "CD": "DR Congo (Kinshasa)",
                   "CG": "Republiek Congo (Brazzaville)"}}
_JOINS = {"nl": ((" or ", " of "), (" and ", " en "))}


def _countries(text: str, lang: str) -> str:
    """'South Korea (KR) or North Korea (KP)' -> 'Zuid-Korea (KR) of Noord-Korea (KP)'."""
    held: list[str] = []
    for code in dict.fromkeys(_LABEL.findall(text)):
        english = countries._label(code)
        if english not in text:
            continue
        name = _DISPLAY.get(lang, {}).get(code) or \
            country_label(code, countries.country_name(code), lang) or code
        text = text.replace(english, f"\x00{len(held)}\x00")
        held.append(f"{name} ({code})")
    for old, new in _JOINS.get(lang, ()):
        text = text.replace(old, new)
    return re.sub("\x00(\\d+)\x00", lambda m: held[int(m.group(1))], text)


def _error(text: str, lang: str) -> str:
    """A message or a hint carried inside an error (a member list's first problem, what a
    policy key means): said by the error and issue templates, else as a fragment."""
    for part in ("message", "hint", "policy"):
        said = _say(_compiled(lang, "error", "", part), text, lang)
        if said is not None:
            return said
    for section, key, part in _pairs(lang):
        if section == "issue":
            said = _say(_compiled(lang, section, key, part), text, lang)
            if said is not None:
                return said
    return _fragment(text, lang)


def _level(text: str, lang: str) -> str:
    return label("level", text, lang)


# A number as the English messages write it: a sign, thousands with commas, a decimal point,
# a percent sign ("1,234", "+0.5", "9.2%"); a range is two of them ("1.5-2.25").
_NUMBER = re.compile(r"([+−-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)")
_DECIMAL = {"en": ".", "nl": ","}


def _one_number(text: str, lang: str) -> str | None:
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    sign, whole, fraction, percent = m.groups()
    said = number(int(whole.replace(",", "")), lang)
    if fraction is not None:
        said += _DECIMAL.get(lang, ".") + fraction
    return f"{sign}{said}{percent}"


def _number(text: str, lang: str) -> str:
    """'1,234' -> '1.234', '+0.5' -> '+0,5', '9.2%' -> '9,2%', '1.5-2.25' -> '1,5-2,25' in
    Dutch; any other text as it is."""
    said = _one_number(text, lang)
    if said is not None:
        return said
    first, dash, last = text.partition("-")
    if dash and first and last:
        a, b = _one_number(first, lang), _one_number(last, lang)
        if a is not None and b is not None:
            return f"{a}-{b}"
    return text


_MORE = re.compile(r"\.\.\. \((\d+ more)\)")


def _cycle(text: str, lang: str) -> str:
    """The names of a circle as they are ('A' -> 'B' -> ... (3 more) -> 'A'), the count said."""
    return _MORE.sub(lambda m: f"... ({_fragment(m.group(1), lang)})", text)


_OLDER = re.compile(r", \d{4} value: \d+ years older than the edition's \d{4}")


def _wgi(text: str, lang: str) -> str:
    """Governance ranks: the dimensions as the World Bank names them, an older value's age said."""
    return _OLDER.sub(lambda m: _fragment(m.group(0), lang), text)


# A word of a usage line: FILE, PATHS, OPTIONS (the parser's own words in capitals).
_METAVAR = re.compile(r"\b[A-Z][A-Z_]*\b")


def metavar(text: str, lang: str) -> str:
    """The words of a usage line in `lang`: '[OPTIONS] FILE' -> '[OPTIES] BESTAND'; a word
    the catalogue has no text for stays as it is."""
    return _METAVAR.sub(lambda m: t(f"usage.metavar.{m.group()}", lang)
                        if has(f"usage.metavar.{m.group()}", lang) else m.group(), text)


def _param(text: str, lang: str) -> str:
    """An option or argument as the parser names it ("'FILE'", "'--format' / '-f'")."""
    return metavar(text, lang)


def _reason(text: str, lang: str) -> str:
    return _said("usage", "", "reason", text, lang)


@cache
def _os_errors() -> dict[str, str]:
    """This system's text of each operating-system error the catalogue names -> its name."""
    return {os.strerror(getattr(errno, name)): name
            for name in (k.partition(".")[2] for k in _catalogue_keys("os_error."))
            if hasattr(errno, name)}


def _catalogue_keys(prefix: str) -> list[str]:
    return [k for k in catalogue(DEFAULT_LANG) if k.startswith(prefix)]


def os_reason(text: str, lang: str = DEFAULT_LANG) -> str:
    """An operating-system error's text ("Permission denied") in `lang`; another text as it is."""
    name = _os_errors().get(text)
    if lang == DEFAULT_LANG or name is None or not has(f"os_error.{name}", lang):
        return text
    return t(f"os_error.{name}", lang)


_KINDS: dict[str, Callable[[str, str], str]] = {
    "text": _fragment, "countries": _countries, "level": _level, "number": _number,
    "cycle": _cycle, "wgi": _wgi, "error": _error, "param": _param, "reason": _reason,
    "oserror": os_reason,
}


@lru_cache(maxsize=16384)
def _said(section: str, key: str, part: str, text: str, lang: str) -> str:
    templates = _compiled(lang, section, key, part)
    if section == "issue" and key.startswith(_INVALID):
        templates += _compiled(lang, section, "invalid", part)
    if section == "issue":  # an error that stopped a command, reported as an issue
        templates += _compiled(lang, "error", "", part)
    elif section == "evidence":
        templates += _compiled(lang, section, "*", part)
    said = _say(templates, text, lang)
    return text if said is None else said


def issue_message(issue: Any, lang: str = DEFAULT_LANG) -> str:
    """An issue's message in `lang`; the English text where no template matches."""
    if lang == DEFAULT_LANG or not issue.message:
        return issue.message
    return _said("issue", issue.code, "message", issue.message, lang)


def issue_hint(issue: Any, lang: str = DEFAULT_LANG) -> str | None:
    """An issue's hint (how to fix it) in `lang`, None when it has none."""
    if lang == DEFAULT_LANG or not issue.hint:
        return issue.hint
    return _said("issue", issue.code, "hint", issue.hint, lang)


def issue_location(issue: Any, lang: str = DEFAULT_LANG, *, file: bool = True) -> str:
    """Where an issue is, as `Issue.location` says it, in `lang`: 'file, werkblad 'S', regel 4,
    kolom 'Land''; `file=False` leaves the file out (a line that names it once)."""
    if lang == DEFAULT_LANG and file:
        return issue.location()
    parts = [p for p in (file and issue.file, issue.sheet and t("issue_place.sheet", lang, sheet=repr(issue.sheet))) if p]
    if issue.row is not None:
        parts.append(t("issue_place.row", lang, row=issue.row))
    if issue.column:
        parts.append(t("issue_place.column", lang, column=repr(issue.column)))
    return ", ".join(parts)


def issue_line(issue: Any, lang: str = DEFAULT_LANG, *, hint: bool = True) -> str:
    """'file, sheet 'S', row 4: message (hint)' in `lang`, as `Issue.line` says it."""
    if lang == DEFAULT_LANG:
        return issue.line(hint=hint)
    loc = issue_location(issue, lang)
    message = issue_message(issue, lang)
    text = f"{loc}: {message}" if loc else message
    fix = issue_hint(issue, lang) if hint else None
    return f"{text} ({fix})" if fix else text


def error_line(error: Any, lang: str = DEFAULT_LANG) -> str:
    """The text of an error that stops a command (an ImvoError) in `lang`: where, what, and
    how to fix it, as `str(error)` says it in English."""
    if lang == DEFAULT_LANG:
        return str(error)
    return issue_line(error.as_issue(), lang)


class ErrorText(Phrase):
    """An error that stopped one file (a reason of `imvo check`) as a text: `str(error)` in
    English, so JSON, JUnit and GitHub keep their strings, and its line said in another
    language (`error_line`) wherever a reason is said."""

    __slots__ = ("error",)
    error: Any

    def __new__(cls, error: Any) -> ErrorText:
        self = str.__new__(cls, str(error))
        self.key, self.values, self.error = "", {}, error
        return self

    def __reduce__(self):  # worker processes send results back pickled
        return (ErrorText, (self.error,))

    def say(self, lang: str = DEFAULT_LANG) -> str:
        return error_line(self.error, lang)

    def replaced(self, old: str, new: str) -> ErrorText:
        """The same error naming `new` where it named the file `old` (stdin's temporary file)."""
        error = copy.copy(self.error)
        if error.file == old:
            error.file = new
        return ErrorText(error)


def usage_message(text: str, lang: str = DEFAULT_LANG) -> str:
    """What the command-line parser says about a wrong command line ("No such option: --x",
    "Missing argument 'FILE'.") in `lang`; the English text where no template matches."""
    if lang == DEFAULT_LANG or not text:
        return text
    return _said("usage", "", "message", text, lang)


def progress_label(text: str, lang: str = DEFAULT_LANG) -> str:
    """How far a long step has come ("scoring 1,234 pairs"), as the library tells a progress
    bar, in `lang`; a file's name (imvo check) stays as it is."""
    if lang == DEFAULT_LANG or not text:
        return text
    return _said("progress", "", "value", text, lang)


def column_note(note: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """A note of `imvo validate` on a column ("ignored as the column map says") in `lang`."""
    if lang == DEFAULT_LANG or not note:
        return note
    return _said("issue", "column-note", "message", note, lang)


def evidence_value(rule: str, text: str, lang: str = DEFAULT_LANG) -> str:
    """An evidence text of the risk assessment ("no social audit recorded ...") in `lang`.
    Names of sources, the list's own cells and the data tables' findings stay as they are."""
    if lang == DEFAULT_LANG or not text:
        return text
    return _said("evidence", rule, "value", text, lang)


def evidence_source(text: str, lang: str = DEFAULT_LANG) -> str:
    """Where an evidence item comes from in `lang` where imvo says it ("supplier list"); a
    cited source stays as published."""
    if lang == DEFAULT_LANG or not text:
        return text
    return _said("source", "", "value", text, lang)


def evidence_effect(text: str, lang: str = DEFAULT_LANG) -> str:
    """What an evidence item does to a score ("+0.5 likelihood") in `lang`."""
    if lang == DEFAULT_LANG or not text:
        return text
    return _said("effect", "", "value", text, lang)


def any_evidence(text: str, lang: str = DEFAULT_LANG) -> str:
    """An evidence text whose rule is not at hand (a reason of `imvo check`), in `lang`."""
    if lang == DEFAULT_LANG or not text:
        return text
    for (section, key, _part) in _pairs(lang):
        if section == "evidence":
            said = _said("evidence", key, "value", text, lang)
            if said != text:
                return said
    return text


# A piece of evidence as `imvo diff` compares it: "rule: text [source]" (or "text [source]").
_DIFF_EVIDENCE = re.compile(r"(?:(?P<rule>[a-z0-9*-]+): )?(?P<value>.*) \[(?P<source>[^\[\]]*)\]",
                            re.DOTALL)


def diff_evidence(text: str, lang: str = DEFAULT_LANG) -> str:
    """A piece of evidence an `imvo diff` found added or removed ("audit-failed: audit result
    'Failed' [supplier list]") in `lang`: the text and its source said, the rule id kept."""
    if lang == DEFAULT_LANG or not text:
        return text
    m = _DIFF_EVIDENCE.fullmatch(text)
    if m is None:
        return any_evidence(text, lang)
    rule, value, source = m.group("rule"), m.group("value"), m.group("source")
    said = evidence_value(rule, value, lang) if rule else any_evidence(value, lang)
    return f"{rule + ': ' if rule else ''}{said} [{evidence_source(source, lang)}]"


def issue_codes(lang: str) -> frozenset[str]:
    """The issue codes whose messages have templates in `lang` ("invalid" stands for every
    code of a column's parser)."""
    return frozenset(key for section, key, _ in _pairs(lang) if section == "issue")


def evidence_rules(lang: str) -> frozenset[str]:
    return frozenset(key for section, key, _ in _pairs(lang) if section == "evidence")


def main_reasons(risk: Any, limit: int = 2, labels: dict[str, str] | None = None,
                 lang: str = DEFAULT_LANG) -> list[str]:
    """`RiskAssessment.main_reasons` with the evidence said in `lang`."""
    if lang == DEFAULT_LANG:
        return risk.main_reasons(limit, labels)
    groups: dict[tuple[str, str], list[str]] = {}
    for f in risk.main_flags():
        themes = groups.setdefault((f.rule, f.evidence), [])
        themes.extend(x for x in f.theme.split(", ") if x not in themes)
    return [f"{', '.join((labels or {}).get(x, x.replace('_', ' ')) for x in themes)}: "
            f"{evidence_value(rule, evidence, lang)}"
            for (rule, evidence), themes in list(groups.items())[:limit]]


# imvo check's reasons whose values hold an evidence text of the risk assessment.
_EVIDENCE_VALUES = {"check_reason.evidence": ("value", "site"),
                    "check_reason.evidence_site": ("value", "site")}
# imvo check's reasons that carry their issues: the value said from them, and the value that
# holds them ("errors" is the English text of "issues").
_ISSUE_VALUES = {"check_reason.new_errors": ("errors", "issues")}


def say(text: str, lang: str = DEFAULT_LANG) -> str:
    """`i18n.say`, with the evidence and the issues inside a reason of `imvo check` said in
    `lang` too."""
    if lang == DEFAULT_LANG or not isinstance(text, Phrase) or isinstance(text, ErrorText):
        return i18n_say(text, lang)
    values = {k: _said_value(text.key, k, v, lang) for k, v in text.values.items()}
    if text.key in _ISSUE_VALUES:
        said, held = _ISSUE_VALUES[text.key]
        issues = text.values.get(held)
        if isinstance(issues, list):
            values[said] = "; ".join(f"{issue_location(i, lang) or i.file}: {issue_message(i, lang)}"
                                     for i in issues)
    return t(text.key, lang, **values)


def _said_value(key: str, name: str, value: Any, lang: str) -> Any:
    if isinstance(value, Phrase):
        return say(value, lang)
    if isinstance(value, tuple):
        return ", ".join(str(_said_value(key, name, v, lang)) for v in value)
    if isinstance(value, str) and key in _EVIDENCE_VALUES:
        if name in _EVIDENCE_VALUES[key]:
            return any_evidence(value, lang)
        if name == "source":
            return evidence_source(value, lang)
    return value
