"""Stable facility ids: derived from content, and carried over from a previous output.

A new facility's id is a hash of the smallest record id in it (record ids are hashes of
country, normalised name and normalised address), so neither row order nor input order can
change it. With a previous output, a facility keeps the id that most of its records (or its
Open Supply Hub id) had last time; when two facilities claim one old id, the one with more
records from it keeps it and the other gets a new id. A previous workbook is read in any language
imvo writes (its sheet and column names through `i18n.variants`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import variants
from ..ingest.readers import read_sheets
from ..model import ImvoError

LOCATIONS_SHEET = "sheet.production_locations"  # catalogue keys of what the workbook names
ID_COLUMN, RECORDS_COLUMN, OS_COLUMN = "column.facility_id", "column.record_ids", "column.os_ids"


@dataclass(slots=True)
class PreviousIds:
    """What a previous sector output said: record id -> facility id, OS Hub id -> facility id."""

    by_record: dict[str, str] = field(default_factory=dict)
    by_os_id: dict[str, str] = field(default_factory=dict)
    issued: set[str] = field(default_factory=set)


def fresh_id(record_keys: list[str]) -> str:
    seed = min(record_keys)
    return "F" + hashlib.blake2b(seed.encode("utf-8"), digest_size=5).hexdigest().upper()


def assign_ids(groups: list[list[str]], os_ids: list[list[str]],
               previous: PreviousIds | None = None, seeds: list[str] | None = None) -> list[str]:
    """One id per group of record keys (same order as `groups`); a new id is hashed from the
    group's seed (records.id_seeds), else from its smallest key."""
    previous = previous or PreviousIds()
    ids: list[str | None] = [None] * len(groups)
    claims = []
    remembered = bool(previous.by_record or previous.by_os_id)  # else no group has a claim
    for g, keys in enumerate(groups if remembered else ()):
        votes = Counter(previous.by_record[k] for k in keys if k in previous.by_record)
        for o in os_ids[g]:
            if o in previous.by_os_id:
                votes[previous.by_os_id[o]] += 1
        for old, n in votes.items():
            claims.append((-n, old, min(keys), g))
    taken: set[str] = set()
    for _, old, _, g in sorted(claims):
        if ids[g] is None and old not in taken:
            ids[g] = old
            taken.add(old)
    used = taken | previous.issued
    for g, keys in enumerate(groups):
        if ids[g] is None:
            seed = seeds[g] if seeds is not None else min(keys)
            new = fresh_id([seed])
            n = 2
            while new in used:
                new = fresh_id([f"{seed}#{n}"])
                n += 1
            ids[g] = new
            used.add(new)
    return ids  # type: ignore[return-value]


def read_previous(path: str | Path) -> PreviousIds:
    """Facility ids from a previous `imvo aggregate` output: its JSON or its workbook."""
    path = Path(path)
    if not path.is_file():
        raise ImvoError("previous output not found", file=path, code="previous-missing",
                        hint="give the JSON or workbook of an earlier imvo aggregate run")
    if path.suffix.lower() == ".json":
        return _from_json(path)
    return _from_workbook(path)


def _from_json(path: Path) -> PreviousIds:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImvoError(f"previous output is not valid JSON: {exc}", file=path,
                        code="previous-invalid", hint="give an imvo.aggregate/1 JSON file") from None
    if not isinstance(doc, dict) or doc.get("schema") != "imvo.aggregate/1":
        raise ImvoError("previous output is not an imvo.aggregate/1 document", file=path,
                        code="previous-invalid", hint="give the JSON of an earlier imvo aggregate run")
    prev = PreviousIds()
    facilities = doc.get("facilities", [])
    if not isinstance(facilities, list) or not all(
            isinstance(f, dict) and all(isinstance(f.get(k, []), list) and
                                        all(isinstance(x, str) for x in f.get(k, []))
                                        for k in ("record_ids", "os_ids"))
            for f in facilities):
        raise ImvoError("previous output is damaged: 'facilities' must be a list of facility "
                        "objects whose record_ids and os_ids are lists of ids", file=path,
                        code="previous-invalid", hint="give the unedited JSON of an earlier imvo aggregate run")
    for fac in facilities:
        fid = fac.get("facility_id")
        if not fid:
            continue
        prev.issued.add(fid)
        for key in fac.get("record_ids", []):
            prev.by_record.setdefault(key, fid)
        for rec in fac.get("records", []) or []:
            if isinstance(rec, dict) and rec.get("record_id"):
                prev.by_record.setdefault(rec["record_id"], fid)
        for o in fac.get("os_ids", []):
            prev.by_os_id.setdefault(o, fid)
    return prev


def _names(key: str) -> str:
    return " or ".join(repr(v) for v in variants(key))


def _column(head: list[str], key: str) -> int | None:
    """Index of the column named `key` in any language, None when absent."""
    names = set(variants(key))
    return next((i for i, h in enumerate(head) if h.strip() in names), None)


def _from_workbook(path: Path) -> PreviousIds:
    names = set(variants(LOCATIONS_SHEET))
    sheet = next((s for s in read_sheets(path) if s.name in names), None)
    if sheet is None:
        raise ImvoError(f"previous workbook has no {_names(LOCATIONS_SHEET)} sheet", file=path,
                        code="previous-invalid", hint="give the sector workbook of an earlier imvo aggregate run")
    rows = sheet.load(None)
    if not rows:
        return PreviousIds()
    head = [str(c or "") for c in rows[0]]
    i_id, i_rec, i_os = (_column(head, key) for key in (ID_COLUMN, RECORDS_COLUMN, OS_COLUMN))
    if i_id is None or i_rec is None:
        missing = ID_COLUMN if i_id is None else RECORDS_COLUMN
        raise ImvoError(f"previous workbook lacks the column {_names(missing)}", file=path,
                        sheet=sheet.name, code="previous-invalid",
                        hint="give the sector workbook of an earlier imvo aggregate run")
    prev = PreviousIds()
    for row in rows[1:]:
        fid = str(row[i_id] or "").strip() if len(row) > i_id else ""
        if not fid:
            continue
        prev.issued.add(fid)
        for key in str(row[i_rec] or "").split() if len(row) > i_rec else ():
            prev.by_record.setdefault(key.strip(" |"), fid)
        if i_os is not None and len(row) > i_os:
            for o in str(row[i_os] or "").replace("|", " ").split():
                prev.by_os_id.setdefault(o, fid)
    return prev
