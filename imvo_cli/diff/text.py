"""Plain-text descriptions of a diff, shared by the terminal, markdown, HTML and workbook views."""

from __future__ import annotations

from typing import Any

from ..i18n import label
from ..model import ALL_LEVELS


def display(value: Any) -> str:
    """A value as reports show it: shares as percentages, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:.0%}" if 0 <= value <= 1 else f"{value:g}"
    return str(value)


def theme_label(key: str) -> str:
    """A theme as people read it ("Discrimination and gender"), not its key."""
    return label("theme", key)


def change_text(entry) -> str:
    """What changed for one supplier or facility, in one line of plain text."""
    if hasattr(entry, "members_joined"):
        return _facility_text(entry)
    parts: list[str] = []
    if entry.status == "new":
        parts.append(f"new: tier {display(entry.new.tier)}, {entry.new.level}")
        if getattr(entry, "relocated", None):
            parts.append(f"same supplier ID and name listed in {entry.relocated} last year")
    elif entry.status in ("gone", "merged"):
        was = f"tier {display(entry.old.tier)}, {entry.old.level}"
        parts.append(f"gone (was {was})" if entry.status == "gone"
                     else f"listed together with another supplier now (was {was})")
        if getattr(entry, "relocated", None):
            parts.append(f"same supplier ID and name now listed in {entry.relocated}")
        if entry.disengagement:
            parts.append(f"exit reason: {entry.exit_reason}" if entry.exit_reason
                         else "disengagement to explain: no exit reason given")
    elif entry.status == "split":
        parts.append(f"also listed as another supplier: tier {display(entry.new.tier)}, {entry.new.level}")
    for c in entry.changes:
        parts.append(f"{c.field}: {display(c.old)} → {display(c.new)}")
    if entry.risk is not None:
        if entry.risk.direction != "same":
            parts.append(f"risk {entry.risk.old_level} → {entry.risk.new_level}")
        if entry.risk.old_priority != entry.risk.new_priority:
            parts.append(f"priority {display(entry.risk.old_priority)} → {display(entry.risk.new_priority)}")
        parts += theme_lines(entry.risk.themes)
    return "; ".join(parts)


def theme_lines(themes) -> list[str]:
    """Theme changes grouped: themes sharing one level change or one piece of evidence
    are named together, so a re-audit that touches six themes reads as one line each."""
    groups: dict[str, list[str]] = {}
    for t in themes:
        name = theme_label(t.theme)
        if t.old_level != t.new_level:
            groups.setdefault(f"{t.old_level} → {t.new_level}", []).append(name)
        if t.old_inherent != t.new_inherent:
            groups.setdefault(f"inherent {display(t.old_inherent)} → {display(t.new_inherent)}",
                             []).append(name)
        for e in t.evidence_added:
            groups.setdefault(f"+ {e}", []).append(name)
        for e in t.evidence_removed:
            groups.setdefault(f"− {e}", []).append(name)
    return [f"{', '.join(names)}: {what}" for what, names in groups.items()]


def _facility_text(f) -> str:
    parts = []
    if f.status == "new":
        parts.append(f"new: {f.new.member_count} member(s), {f.new.level}")
    elif f.status == "gone":
        parts.append(f"gone (was {f.old.member_count} member(s), {f.old.level})")
    else:
        if f.old.level != f.new.level:
            parts.append(f"risk {f.old.level} → {f.new.level}")
        if f.old.member_count != f.new.member_count:
            parts.append(f"members {f.old.member_count} → {f.new.member_count}")
        if f.members_joined:
            parts.append("joined: " + ", ".join(f.members_joined))
        if f.members_left:
            parts.append("left: " + ", ".join(f.members_left))
    if f.shared:
        parts.append(f"shared location {f.shared}")
    return "; ".join(parts)


def visible(result) -> list:
    """Entries that changed, worst first."""
    items = result.entries if result.kind == "suppliers" else result.facilities
    return [e for e in items if e.kind != "unchanged"]


def summary_lines(result) -> list[tuple[str, str, str]]:
    """(item, then, now) rows of the summary, shared by every view."""
    s = result.summary
    rows: list[tuple[str, str, str]] = []
    c = s["counts"]
    if result.kind == "suppliers":
        rows.append(("suppliers", display(c["old_suppliers"]), display(c["new_suppliers"])))
        for key in ("visibility", "address_completeness", "max_tier", "countries"):
            rows.append((key.replace("_", " "), display(s[key]["old"]), display(s[key]["new"])))
        for key, old in s["coverage"]["old"].items():
            rows.append((f"coverage: {key.replace('_', ' ')}", display(old), display(s["coverage"]["new"][key])))
    else:
        rows.append(("members", display(s["members"]["old"]), display(s["members"]["new"])))
        rows.append(("facilities", display(c["old_facilities"]), display(c["new_facilities"])))
        rows.append(("shared facilities", display(s["shared_facilities"]["old"]),
                     display(s["shared_facilities"]["new"])))
    for lvl in ALL_LEVELS:
        rows.append((f"risk {lvl}", display(s["risk_levels"]["old"][lvl]), display(s["risk_levels"]["new"][lvl])))
    return rows


def headline(result) -> str:
    c = result.summary["counts"]
    if result.kind == "suppliers":
        text = (f"{c['kept']} kept, {c['new']} new, {c['gone']} gone, {c['changed']} changed, "
                f"risk up {c['risk_up']}, risk down {c['risk_down']}; "
                f"{c['disengagements']} disengagement(s) to explain"
                + (f" ({c['exit_reasons_missing']} without an exit reason)" if c["exit_reasons_missing"] else ""))
        if c["merged"] or c["split"]:
            text += f"; {c['merged']} merged, {c['split']} split"
        if c["review_pairs"]:
            text += f"; {c['review_pairs']} pair(s) to review"
        return text
    text = (f"{c['kept']} facilities kept, {c['new']} new, {c['gone']} gone; shared gained "
            f"{c['shared_gained']}, lost {c['shared_lost']}; ")
    if not result.summary.get("members_compared", True):
        return text + "members not compared (a public sector list names none)"
    return text + f"{c['members_not_resubmitted']} member(s) did not resubmit"
