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


def dumps_chunks(document: dict[str, Any]) -> Iterator[str]:
    """The text of dumps(document), in chunks; a value given as Streamed is written one item at
    a time, so the whole list never exists at once. The same bytes as dumps() of the document
    with each Streamed value made into its list."""
    yield "{"
    for n, (key, value) in enumerate(document.items()):
        yield ("," if n else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": "
        if isinstance(value, Streamed):
            count = 0
            for item in value.items():
                yield ("," if count else "[") + "\n    " + dumps(item)[:-1].replace("\n", "\n    ")
                count += 1
            yield "\n  ]" if count else "[]"
        else:
            yield dumps(value)[:-1].replace("\n", "\n  ")
    yield "\n}\n" if document else "}\n"
