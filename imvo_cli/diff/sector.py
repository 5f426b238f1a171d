"""Two years of a sector list (aggregate outputs or member folders): facilities and members."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..aggregate import aggregate
from ..i18n import t, variants
from ..ingest.readers import read_sheets
from ..match.ids import PreviousIds
from ..model import ALL_LEVELS, UNKNOWN, ImvoError, level_rank, worst
from ..policy import Policy
from .riskchange import KIND_ORDER, SCHEMA, _direction


@dataclass(slots=True)
class FacilitySide:
    facility_id: str
    name: str
    country: str
    members: list[str]
    member_count: int
    level: str
    record_ids: list[str]
    os_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"facility_id": self.facility_id, "name": self.name, "country": self.country,
                "members": self.members, "member_count": self.member_count,
                "level": self.level}


@dataclass(slots=True)
class FacilityChange:
    status: str  # new | gone | kept
    old: FacilitySide | None
    new: FacilitySide | None
    compare_members: bool = True  # False when one side is a public list (no member names)

    @property
    def facility_id(self) -> str:
        return (self.new or self.old).facility_id  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return (self.new or self.old).name  # type: ignore[union-attr]

    @property
    def country(self) -> str:
        return (self.new or self.old).country  # type: ignore[union-attr]

    @property
    def level(self) -> str:
        return worst(s.level for s in (self.old, self.new) if s)

    @property
    def members_joined(self) -> list[str]:
        if not (self.old and self.new and self.compare_members):
            return []
        before = {m.casefold() for m in self.old.members}
        return [m for m in self.new.members if m.casefold() not in before]

    @property
    def members_left(self) -> list[str]:
        if not (self.old and self.new and self.compare_members):
            return []
        after = {m.casefold() for m in self.new.members}
        return [m for m in self.old.members if m.casefold() not in after]

    @property
    def shared(self) -> str | None:
        """"gained" when two or more members list it now and did not before, "lost" likewise."""
        was = self.old is not None and self.old.member_count >= 2
        now = self.new is not None and self.new.member_count >= 2
        return "gained" if now and not was else "lost" if was and not now else None

    @property
    def kind(self) -> str:
        if self.status != "kept":
            return self.status
        d = _direction(self.old.level, self.new.level)  # type: ignore[union-attr]
        if d != "same":
            return "risk " + d
        if self.shared or self.members_joined or self.members_left \
                or self.old.member_count != self.new.member_count:  # type: ignore[union-attr]
            return "changed"
        return "unchanged"

    def sort_key(self):
        return (-level_rank(self.level), KIND_ORDER[self.kind], self.name.casefold(),
                self.facility_id)

    def to_dict(self) -> dict[str, Any]:
        return {"facility_id": self.facility_id, "status": self.status, "kind": self.kind,
                "name": self.name, "country": self.country, "level": self.level,
                "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None,
                "members_joined": self.members_joined, "members_left": self.members_left,
                "shared": self.shared}


@dataclass(slots=True)
class MemberChange:
    member: str
    status: str  # resubmitted | new | not resubmitted | unreadable
    old_score: int | None
    new_score: int | None
    old_facilities: int | None
    new_facilities: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"member": self.member, "status": self.status, "old_score": self.old_score,
                "new_score": self.new_score, "old_facilities": self.old_facilities,
                "new_facilities": self.new_facilities}


@dataclass(slots=True)
class SectorDiff:
    old_file: str
    new_file: str
    facilities: list[FacilityChange]  # worst first
    members: list[MemberChange]
    summary: dict[str, Any]
    kind: str = "sector"

    @property
    def exit_code(self) -> int:
        return 0

    @property
    def policy_reasons(self) -> list[str]:
        return []

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "kind": self.kind, "old": {"file": self.old_file},
                "new": {"file": self.new_file}, "summary": self.summary,
                "facilities": [f.to_dict() for f in self.facilities if f.kind != "unchanged"],
                "unchanged": sorted(f.facility_id for f in self.facilities if f.kind == "unchanged"),
                "members": [m.to_dict() for m in self.members]}


@dataclass(slots=True)
class SectorList:
    """What a sector output (imvo.aggregate/1 JSON or workbook) says, as diff needs it."""

    file: str
    facilities: list[FacilitySide]
    members: list[dict[str, Any]]  # member, readable, disclosure_score, facilities
    public: bool = False


def _sector_from_doc(doc: dict, file: str) -> SectorList:
    facs = []
    for f in doc.get("facilities", []):
        members = list(f.get("members") or [])
        facs.append(FacilitySide(str(f.get("facility_id") or ""), str(f.get("name") or ""),
                                 str(f.get("country") or ""), members,
                                 int(f.get("member_count") or len(members)),
                                 (f.get("risk") or {}).get("level") or UNKNOWN,
                                 list(f.get("record_ids") or []), list(f.get("os_ids") or [])))
    members = [{"member": m.get("member"), "readable": m.get("readable", True),
                "disclosure_score": m.get("disclosure_score"), "facilities": m.get("facilities")}
               for m in doc.get("members", []) if m.get("member")]
    return SectorList(file, facs, members, bool(doc.get("public")))


def _bad_sector(path, why: str) -> ImvoError:
    return ImvoError(f"not a sector list: {why}", file=path, code="diff-input",
                     hint="give two outputs of imvo aggregate (.json or .xlsx), or two folders "
                          "of member lists")


def _cells(row, i):
    return row[i] if i is not None and i < len(row) else None


# Sheet and column names of a sector workbook, in English: a Dutch one (`aggregate --lang nl`)
# is read through the catalogue's variants of each.
SHEET_KEYS = {"production_locations": "Production locations", "members": "Members",
              "shared_suppliers": "Shared suppliers"}
COLUMN_KEYS = ("facility_id", "name", "country_code", "members", "member_names",
               "risk_level_title", "record_ids", "os_ids", "member", "readable",
               "disclosure_score", "facilities")


def _english(group: str, keys) -> dict[str, str]:
    """Every language's text of `group.key` -> its English text."""

    return {text: t(f"{group}.{key}", "en") for key in keys for text in variants(f"{group}.{key}")}


def _level_of(text: str) -> str:
    """A risk level as a workbook shows it in any language -> the level."""

    for lvl in ALL_LEVELS:
        if text in variants(f"level.{lvl}"):
            return lvl
    return text or UNKNOWN


def _table(rows: list) -> tuple[dict[str, int], list]:
    """The header of a sheet in English -> column index, and its data rows."""
    names = _english("column", COLUMN_KEYS)
    head = [str(c or "") for c in (rows[0] if rows else [])]
    col: dict[str, int] = {}
    for i, h in enumerate(head):
        col.setdefault(names.get(h, h), i)
    return col, rows[1:]


def _sector_from_workbook(path: Path) -> SectorList:

    english = _english("sheet", SHEET_KEYS)
    sheets = {english.get(s.name or "", s.name or ""): s for s in read_sheets(path)}
    if "Production locations" not in sheets:
        raise _bad_sector(path, "no 'Production locations' (Productielocaties) sheet")
    col, data = _table(sheets["Production locations"].load(None))
    if "Facility ID" not in col:
        raise _bad_sector(path, "the 'Production locations' sheet has no 'Facility ID' column")
    facs = []
    for row in data:
        fid = str(_cells(row, col["Facility ID"]) or "").strip()
        if not fid:
            continue
        names = str(_cells(row, col.get("Member names")) or "")
        members = [m.strip() for m in names.split(" | ") if m.strip()]
        count = _cells(row, col.get("Members"))
        facs.append(FacilitySide(
            fid, str(_cells(row, col.get("Name")) or ""), str(_cells(row, col.get("Country")) or ""),
            members, int(count) if isinstance(count, (int, float)) else len(members),
            _level_of(str(_cells(row, col.get("Risk level")) or "")),
            str(_cells(row, col.get("Record IDs")) or "").split(),
            str(_cells(row, col.get("OS IDs")) or "").split()))
    member_rows: list[dict[str, Any]] = []
    if "Members" in sheets:
        mc, mdata = _table(sheets["Members"].load(None))
        yes = variants("sector_workbook.yes")
        for row in mdata:
            name = _cells(row, mc.get("Member"))
            if name:
                score = _cells(row, mc.get("Disclosure score"))
                fcount = _cells(row, mc.get("Facilities"))
                member_rows.append({
                    "member": str(name),
                    "readable": str(_cells(row, mc.get("Readable")) or "yes") in yes,
                    "disclosure_score": int(score) if isinstance(score, (int, float)) else None,
                    "facilities": int(fcount) if isinstance(fcount, (int, float)) else None})
    return SectorList(str(path), facs, member_rows, "Members" not in sheets)


def is_sector_output(path: str | Path) -> bool:
    """A folder, an imvo.aggregate/1 JSON or a workbook with a 'Production locations' sheet."""
    p = Path(path)
    if p.is_dir():
        return True
    if p.suffix.lower() == ".json":
        return True
    if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file():
        try:
            with zipfile.ZipFile(p) as z:
                wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
        except (OSError, KeyError, zipfile.BadZipFile):
            return False
        def has(key: str) -> bool:
            return any(f'name="{escape(v, {chr(34): "&quot;"})}"' in wb for v in variants(f"sheet.{key}"))
        return has("production_locations") and (has("members") or has("shared_suppliers"))
    return False


def read_sector(path: str | Path) -> SectorList:
    """An aggregate output: its JSON (imvo.aggregate/1) or its workbook."""
    path = Path(path)
    if not path.is_file():
        raise ImvoError("file not found", file=path, code="file-not-found",
                        hint="check the path")
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise _bad_sector(path, f"invalid JSON ({exc})") from None
        if not isinstance(doc, dict) or doc.get("schema") != "imvo.aggregate/1":
            raise _bad_sector(path, "the JSON is not an imvo.aggregate/1 document")
        return _sector_from_doc(doc, str(path))
    return _sector_from_workbook(path)


def aggregate_folders(old: str | Path, new: str | Path, policy: Policy | None = None,
                      **options) -> tuple[SectorList, SectorList]:
    """Aggregate two folders of member lists; the new year keeps the old year's facility ids."""

    first = aggregate([old], policy, **options)
    prev = PreviousIds()
    for f in first.facilities:
        prev.issued.add(f.facility_id)
        for key in f.record_ids:
            prev.by_record.setdefault(key, f.facility_id)
        for o in f.os_ids:
            prev.by_os_id.setdefault(o, f.facility_id)
    second = aggregate([new], policy, previous=prev, **options)
    return (_sector_from_doc(first.to_dict(), str(old)), _sector_from_doc(second.to_dict(), str(new)))


def _pair_facilities(old: list[FacilitySide], new: list[FacilitySide]):
    """Same facility id first, then a shared record id, then a shared OS ID."""
    pairs: list[tuple[int, int]] = []
    left_old = set(range(len(old)))
    left_new = set(range(len(new)))
    for key in ("id", "record", "os"):
        index: dict[str, int] = {}
        for i in sorted(left_old):
            for k in _facility_keys(old[i], key):
                index.setdefault(k, i)
        for j in sorted(left_new):
            hits = sorted({index[k] for k in _facility_keys(new[j], key) if k in index} & left_old)
            if hits:
                pairs.append((hits[0], j))
                left_old.discard(hits[0])
                left_new.discard(j)
    return pairs, sorted(left_old), sorted(left_new)


def _facility_keys(f: FacilitySide, key: str) -> list[str]:
    return [f.facility_id] if key == "id" else f.record_ids if key == "record" else f.os_ids


def diff_sector_lists(old: SectorList, new: SectorList) -> SectorDiff:
    pairs, gone, added = _pair_facilities(old.facilities, new.facilities)
    # A public list names no members: who joined, left or resubmitted cannot be told.
    named = not (old.public or new.public)
    facs = [FacilityChange("kept", old.facilities[i], new.facilities[j], named) for i, j in pairs]
    facs += [FacilityChange("gone", old.facilities[i], None) for i in gone]
    facs += [FacilityChange("new", None, new.facilities[j]) for j in added]
    facs.sort(key=FacilityChange.sort_key)
    members = _member_changes(old, new) if named else []
    kinds = Counter(f.kind for f in facs)
    levels_old = Counter(f.level for f in old.facilities)
    levels_new = Counter(f.level for f in new.facilities)
    summary = {
        "counts": {"old_facilities": len(old.facilities), "new_facilities": len(new.facilities),
                   "kept": len(pairs), "new": len(added), "gone": len(gone),
                   "risk_up": kinds["risk up"], "risk_down": kinds["risk down"],
                   "shared_gained": sum(1 for f in facs if f.shared == "gained"),
                   "shared_lost": sum(1 for f in facs if f.shared == "lost"),
                   "members_not_resubmitted": sum(1 for m in members if m.status == "not resubmitted"),
                   "members_new": sum(1 for m in members if m.status == "new"),
                   "members_unreadable": sum(1 for m in members if m.status == "unreadable")},
        "members": {"old": len(old.members), "new": len(new.members)},
        "shared_facilities": {"old": sum(1 for f in old.facilities if f.member_count >= 2),
                              "new": sum(1 for f in new.facilities if f.member_count >= 2)},
        "risk_levels": {"old": {lvl: levels_old.get(lvl, 0) for lvl in ALL_LEVELS},
                        "new": {lvl: levels_new.get(lvl, 0) for lvl in ALL_LEVELS}},
        "public": {"old": old.public, "new": new.public},
        "members_compared": named,
    }
    return SectorDiff(old.file, new.file, facs, members, summary)


def _member_changes(old: SectorList, new: SectorList) -> list[MemberChange]:
    before = {m["member"].casefold(): m for m in old.members}
    after = {m["member"].casefold(): m for m in new.members}
    out = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a and b:
            status = "unreadable" if not b.get("readable", True) else "resubmitted"
        elif a:
            status = "not resubmitted"
        else:
            status = "new"
        out.append(MemberChange((b or a)["member"], status,  # type: ignore[index]
                                a.get("disclosure_score") if a else None,
                                b.get("disclosure_score") if b and b.get("readable", True) else None,
                                a.get("facilities") if a else None,
                                b.get("facilities") if b and b.get("readable", True) else None))
    order = {"not resubmitted": 0, "unreadable": 1, "new": 2, "resubmitted": 3}
    out.sort(key=lambda m: (order[m.status], m.member.casefold()))
    return out


def diff_sector(old: str | Path, new: str | Path, policy: Policy | None = None,
                **options) -> SectorDiff:
    """Compare two aggregate outputs (JSON or workbook), or two folders of member lists."""
    if Path(old).is_dir() != Path(new).is_dir():
        raise ImvoError("compare two folders of member lists, or two aggregate outputs, not one of each",
                        code="usage", hint="for example imvo diff sector-2024.json sector-2025.json")
    if Path(old).is_dir():
        a, b = aggregate_folders(old, new, policy, **options)
    else:
        a, b = read_sector(old), read_sector(new)
    return diff_sector_lists(a, b)
