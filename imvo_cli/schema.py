"""A declarative description of a TOML document, and the one validator that checks it.

A tree of small value descriptions (Text, Number, Choice, Lookup, ...) and Tables of Fields.
`check` walks it; a Problem carries the dotted key of the value at fault
('risk.overrides[1].level') and says what is wrong, so the caller can name both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Problem(Exception):
    """A value does not fit its description; the validator adds the key and the file."""

    def __init__(self, problem: str, key: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.key = key  # set when the problem is in a sub-key of the value checked


@dataclass(frozen=True, slots=True)
class Context:
    """What a check may need besides the value: the document's file (relative paths)."""

    path: str


@dataclass(frozen=True, slots=True)
class Text:
    """A string; `problem` words what is wrong when it is not one (or empty, if nonempty)."""

    problem: str = "expected a text"
    nonempty: bool = False


@dataclass(frozen=True, slots=True)
class Number:
    """An int or float (a whole one when `whole`), within lo..hi when given."""

    lo: float | None = None
    hi: float | None = None
    whole: bool = False


@dataclass(frozen=True, slots=True)
class Boolean:
    """true or false."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One of a fixed set of words."""

    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lookup:
    """A value another part of imvo knows (a theme key, a country): `read` returns what it
    stands for, or raises Problem saying why it does not."""

    read: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class ExistingFile:
    """A path to a file that exists, relative to the policy file unless absolute."""


@dataclass(frozen=True, slots=True)
class MapOf:
    """A table with free keys (headers, themes, certifications), each key and value checked."""

    value: Spec
    problem: str
    key: Spec | None = None


@dataclass(frozen=True, slots=True)
class ListOf:
    """An array of values."""

    item: Spec
    problem: str
    allow: tuple[str, ...] = ()  # values accepted without checking the item ('*')


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a table: its value, what it sets, and what it means."""

    spec: Spec
    help: str
    target: str | None = None  # Policy field it sets; None: the parent builds from it
    required: str | None = None  # the problem when it is missing; None: optional


@dataclass(frozen=True, slots=True)
class Table:
    """A TOML table with fixed keys; `build` turns the checked values into the result."""

    fields: dict[str, Field]
    problem: str = "expected a table"
    unknown: str = "unknown key"
    build: Callable[[dict[str, Any], Context], Any] | None = None


@dataclass(frozen=True, slots=True)
class ArrayOf:
    """An array of tables ([[risk.overrides]]), each item checked as `item`."""

    item: Table
    problem: str


@dataclass(frozen=True, slots=True)
class AnyOf:
    """The first description the value fits (company = "name" or [company] name = ...)."""

    options: tuple[Spec, ...]
    problem: str


Spec = Text | Number | Boolean | Choice | Lookup | ExistingFile | MapOf | ListOf | Table | \
    ArrayOf | AnyOf


def _number(spec: Number, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Problem(f"expected a number, got {value!r}")
    if spec.whole and not float(value).is_integer():
        raise Problem(f"expected a whole number, got {value!r}")
    if spec.lo is not None and spec.hi is not None and not spec.lo <= value <= spec.hi:
        raise Problem(f"{value!r} is outside {_plain(spec.lo)}..{_plain(spec.hi)}")
    if spec.lo is not None and value < spec.lo:
        raise Problem(f"{value!r} is below the minimum {_plain(spec.lo)}")
    if spec.hi is not None and value > spec.hi:
        raise Problem(f"{value!r} is above the maximum {_plain(spec.hi)}")
    return int(value) if spec.whole else float(value)


def _plain(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def check(spec: Spec, value: Any, ctx: Context) -> Any:
    """The value checked against its description (and converted); a Problem if it does not fit."""
    match spec:
        case Text():
            if not isinstance(value, str) or (spec.nonempty and not value.strip()):
                raise Problem(spec.problem)
            return value.strip() if spec.nonempty else value
        case Number():
            return _number(spec, value)
        case Boolean():
            if not isinstance(value, bool):
                raise Problem(f"expected true or false, got {value!r}")
            return value
        case Choice():
            if value not in spec.options:
                raise Problem(f"{value!r} is not one of {', '.join(spec.options)}")
            return value
        case Lookup():
            return spec.read(value)
        case ExistingFile():
            if not isinstance(value, str) or not value.strip():
                raise Problem("is required (a non-empty text)")
            file = Path(value)
            if not file.is_absolute():
                file = Path(ctx.path).parent / file
            if not file.is_file():
                raise Problem(f"file not found: {file}")
            return str(file)
        case MapOf():
            if not isinstance(value, dict):
                raise Problem(spec.problem)
            if isinstance(spec.value, ListOf) and not all(
                    isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values()):
                raise Problem(spec.problem)
            out = {}
            for k, v in value.items():
                if spec.key is not None:
                    _within(spec.key, k, k, ctx)
                out[k] = _within(spec.value, v, k, ctx)
            return out
        case ListOf():
            if not isinstance(value, list):
                raise Problem(spec.problem)
            return [x if x in spec.allow else check(spec.item, x, ctx) for x in value]
        case Table():
            return _table(spec, value, ctx)
        case ArrayOf():
            if not isinstance(value, list):
                raise Problem(spec.problem)
            return tuple(_within(spec.item, item, f"[{n}]", ctx) for n, item in enumerate(value, 1))
        case AnyOf():
            for option in spec.options:
                try:
                    return check(option, value, ctx)
                except Problem:
                    continue
            raise Problem(spec.problem)
    raise TypeError(f"not a schema description: {spec!r}")


def _within(spec: Spec, value: Any, sub: str, ctx: Context) -> Any:
    """Check a value under a sub-key, so a problem names 'parent.sub' (or 'parent[n]')."""
    try:
        return check(spec, value, ctx)
    except Problem as exc:
        raise Problem(exc.problem, _join(sub, exc.key)) from None


def _join(sub: str, rest: str | None) -> str:
    if rest is None:
        return sub
    return f"{sub}{rest}" if rest.startswith("[") else f"{sub}.{rest}"


def _table(spec: Table, value: Any, ctx: Context) -> Any:
    if not isinstance(value, dict):
        raise Problem(spec.problem)
    for name, fld in spec.fields.items():
        if fld.required and name not in value:
            raise Problem(fld.required, name)
    extra = sorted(set(value) - set(spec.fields))
    if extra:
        raise Problem(f"{spec.unknown}; known: {', '.join(spec.fields)}", extra[0])
    out = {name: _within(fld.spec, value[name], name, ctx)
           for name, fld in spec.fields.items() if name in value}
    return spec.build(out, ctx) if spec.build is not None else out


def field_at(schema: Table, key: str) -> Field | None:
    """The schema field a dotted key names ('risk.overrides[2].level'), if it has one."""
    fld: Field | None = None
    spec: Spec = schema
    for part in key.replace("]", "").replace("[", ".").split("."):
        if isinstance(spec, ArrayOf) and part.isdigit():
            spec = spec.item
            continue
        if not isinstance(spec, Table) or part not in spec.fields:
            return fld if isinstance(spec, MapOf) else None
        fld = spec.fields[part]
        spec = fld.spec
        if isinstance(spec, AnyOf):
            spec = next((o for o in spec.options if isinstance(o, Table)), spec)
    return fld
