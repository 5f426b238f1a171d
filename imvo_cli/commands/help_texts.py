"""--help in another language: a command's text, its options' texts, typer's [default: ...]
markers, the section titles and the types an option takes, from the catalogue's [help] tables.

English help is typer's own and never reads the catalogue (start-up). A text is said in another
language only when the catalogue's English for its key is the text the command has, so an
English help changed without its translation shows in English, never as an outdated one.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from typing import Any

try:  # typer 0.20+ carries its own copy of click
    from typer._click.utils import make_default_short_help
except ImportError:  # pragma: no cover - a typer built on click
    from click.utils import make_default_short_help  # type: ignore[no-redef]

GROUP = "imvo"  # the key of the command group itself (help.command.imvo, help.param.imvo.*)
SOURCE_LANG = "en"  # the language the code writes its help in

# typer's markers after an option's help: "[env var: IMVO_LANG; default: table; required]".
_MARKERS = (("env var: ", "env_var"), ("default: ", "default"))
_TYPE = re.compile(r"<([^<>|]+)>")  # <str>, <path>, <int range>; a choice <table|json> has a |


def paragraphs(text: str) -> tuple[str, ...]:
    """A help text as a page shows it: its paragraphs, each with its spaces and line breaks
    run together (typer wraps them again to the width of the terminal)."""
    return tuple(" ".join(part.split()) for part in re.split(r"\n[ \t]*\n", text) if part.strip())


def command_keys(command: str) -> tuple[str, ...]:
    return (f"help.command.{command}",)


def param_keys(command: str, param: str) -> tuple[str, ...]:
    """Where a parameter's text stands: the command's own, else the one of an option several
    commands share (--lang, --policy, --help ...)."""
    return (f"help.param.{command}.{param}", f"help.option.{param}")


def said_text(english: str | None, keys: Sequence[str], lang: str) -> str | None:
    """The text of the first key whose English is `english`, in `lang`; None when no key has
    that English (the page then shows the English)."""
    if not english:
        return None
    from ..i18n import catalogue  # deferred: start-up

    source, said = catalogue(SOURCE_LANG), catalogue(lang)
    wanted = paragraphs(english)
    for key in keys:
        if key in source and paragraphs(source[key]) == wanted:
            return said[key]
    return None


def _word(key: str, lang: str, **values: Any) -> str:
    from ..i18n import t  # deferred: start-up

    return t(key, lang, **values)


def section_title(name: str, lang: str) -> str:
    """"Options", "Arguments", "Commands" in `lang`."""
    return _word(f"help.section.{name}", lang)


def said_markers(extra: str, lang: str) -> str:
    """typer's "[env var: X; default: Y; required]" in `lang`; a range ([x>=0]) as it is."""
    if not (extra.startswith("[") and extra.endswith("]")):
        return extra
    items = []
    for item in extra[1:-1].split("; "):
        for prefix, key in _MARKERS:
            if item.startswith(prefix):
                item = _word(f"help.marker.{key}", lang, value=item[len(prefix):])
                break
        else:
            if item == "required":
                item = _word("help.marker.required", lang)
        items.append(item)
    return "[" + "; ".join(items) + "]"


def said_types(name: str, lang: str) -> str:
    """An option as its help names it, with the type it takes in `lang`: "--tier <int>" ->
    "--tier <getal>"; a list of choices (<table|json>) and an unknown type stay as they are."""
    from ..i18n import has  # deferred: start-up

    def said(m: re.Match[str]) -> str:
        key = f"help.type.{m.group(1)}"
        return f"<{_word(key, lang)}>" if has(key, lang) else m.group()

    return _TYPE.sub(said, name)


def said_record(record: tuple[str, str], param: Any, command: str,
                lang: str) -> tuple[str, str]:
    """A parameter's line of --help, (names, help) as typer makes it, said in `lang`."""
    names, text = record
    own = param.help or ""
    if not text.startswith(own):  # not typer's "help  [markers]": as it is
        return names, text
    extra = text[len(own):].strip()
    said = said_text(own, param_keys(command, param.name or ""), lang) or own
    extra = said_markers(extra, lang) if extra else ""
    return said_types(names, lang), f"{said}  {extra}" if said and extra else said or extra


def command_text(command: Any, key: str, lang: str) -> str:
    """A command's help text in `lang` (its English when the catalogue has no text for it)."""
    english = command.help or ""
    return said_text(english, command_keys(key), lang) or inspect.cleandoc(english)


def short_help(command: Any, key: str, limit: int, lang: str) -> str:
    """A command's line in its group's list of commands, cut from its text as typer does."""
    said = said_text(command.help, command_keys(key), lang)
    if said is None or command.short_help:
        return command.get_short_help_str(limit)
    return make_default_short_help(said, limit).strip()
