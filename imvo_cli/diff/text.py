"""Plain-text descriptions of a diff, shared by the terminal, markdown, HTML and workbook views."""

from __future__ import annotations

from typing import Any

from ..i18n import DEFAULT_LANG, label, t
from ..i18n.messages import diff_evidence
from ..model import ALL_LEVELS


def display(value: Any) -> str:
    """A value as reports show it: shares as percentages, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:.0%}" if 0 <= value <= 1 else f"{value:g}"
    return str(value)


def theme_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """A theme as people read it ("Discrimination and gender"), not its key."""
    return label("theme", key, lang)


def _t(key: str, lang: str, **values: Any) -> str:
    return t(f"diff_text.{key}", lang, **values)


def _lv(level: str | None, lang: str) -> str:
    """A level in the report's language (English keeps the key itself)."""
    return label("level", level, lang) if level else display(level)


def change_text(entry, lang: str = DEFAULT_LANG) -> str:
    """What changed for one supplier or facility, in one line of plain text."""
    if hasattr(entry, "members_joined"):
        return _facility_text(entry, lang)
    parts: list[str] = []
    if entry.status == "new":
        parts.append(_t("new", lang, tier=display(entry.new.tier), level=_lv(entry.new.level, lang)))
        if getattr(entry, "relocated", None):
            parts.append(_t("relocated_new", lang, where=entry.relocated))
    elif entry.status in ("gone", "merged"):
        was = _t("was", lang, tier=display(entry.old.tier), level=_lv(entry.old.level, lang))
        parts.append(_t("gone" if entry.status == "gone" else "merged", lang, was=was))
        if getattr(entry, "relocated", None):
            parts.append(_t("relocated_old", lang, where=entry.relocated))
        if entry.disengagement:
            parts.append(_t("exit_reason", lang, reason=entry.exit_reason) if entry.exit_reason
                         else _t("no_exit_reason", lang))
    elif entry.status == "split":
        parts.append(_t("split", lang, tier=display(entry.new.tier), level=_lv(entry.new.level, lang)))
    for c in entry.changes:
        parts.append(f"{label('diff_field', c.field, lang)}: {display(c.old)} → {display(c.new)}")
    if entry.risk is not None:
        if entry.risk.direction != "same":
            parts.append(_t("risk", lang, old=_lv(entry.risk.old_level, lang), new=_lv(entry.risk.new_level, lang)))
        if entry.risk.old_priority != entry.risk.new_priority:
            parts.append(_t("priority", lang, old=display(entry.risk.old_priority),
                                new=display(entry.risk.new_priority)))
        parts += theme_lines(entry.risk.themes, lang)
    return "; ".join(parts)


def theme_lines(themes, lang: str = DEFAULT_LANG) -> list[str]:
    """Theme changes grouped: themes sharing one level change or one piece of evidence
    are named together, so a re-audit that touches six themes reads as one line each."""
    groups: dict[str, list[str]] = {}
    for th in themes:
        name = theme_label(th.theme, lang)
        if th.old_level != th.new_level:
            groups.setdefault(f"{_lv(th.old_level, lang)} → {_lv(th.new_level, lang)}", []).append(name)
        if th.old_inherent != th.new_inherent:
            groups.setdefault(_t("inherent", lang, old=_lv(th.old_inherent, lang),
                                 new=_lv(th.new_inherent, lang)), []).append(name)
        for e in th.evidence_added:
            groups.setdefault(f"+ {diff_evidence(e, lang)}", []).append(name)
        for e in th.evidence_removed:
            groups.setdefault(f"− {diff_evidence(e, lang)}", []).append(name)
    return [f"{', '.join(names)}: {what}" for what, names in groups.items()]


def _facility_text(f, lang: str) -> str:
    parts = []
    if f.status == "new":
        parts.append(_t("facility_new", lang, n=f.new.member_count, level=_lv(f.new.level, lang)))
    elif f.status == "gone":
        parts.append(_t("facility_gone", lang, n=f.old.member_count, level=_lv(f.old.level, lang)))
    else:
        if f.old.level != f.new.level:
            parts.append(_t("risk", lang, old=_lv(f.old.level, lang), new=_lv(f.new.level, lang)))
        if f.old.member_count != f.new.member_count:
            parts.append(_t("members", lang, old=f.old.member_count, new=f.new.member_count))
        if f.members_joined:
            parts.append(_t("joined", lang, names=", ".join(f.members_joined)))
        if f.members_left:
            parts.append(_t("left", lang, names=", ".join(f.members_left)))
    if f.shared:
        parts.append(_t("shared", lang, where=label("diff_shared", f.shared, lang)))
    return "; ".join(parts)


def visible(result) -> list:
    """Entries that changed, worst first."""
    items = result.entries if result.kind == "suppliers" else result.facilities
    return [e for e in items if e.kind != "unchanged"]


def summary_lines(result, lang: str = DEFAULT_LANG) -> list[tuple[str, str, str]]:
    """(item, then, now) rows of the summary, shared by every view."""
    s = result.summary
    rows: list[tuple[str, str, str]] = []
    c = s["counts"]
    if result.kind == "suppliers":
        rows.append((_t("suppliers", lang), display(c["old_suppliers"]), display(c["new_suppliers"])))
        for key in ("visibility", "address_completeness", "max_tier", "countries"):
            rows.append((_t(key, lang), display(s[key]["old"]), display(s[key]["new"])))
        for key, old in s["coverage"]["old"].items():
            rows.append((_t("coverage", lang, what=label("diff_coverage", key, lang)), display(old),
                         display(s["coverage"]["new"][key])))
    else:
        rows.append((_t("sector_members", lang), display(s["members"]["old"]), display(s["members"]["new"])))
        rows.append((_t("facilities", lang), display(c["old_facilities"]), display(c["new_facilities"])))
        rows.append((_t("shared_facilities", lang), display(s["shared_facilities"]["old"]),
                     display(s["shared_facilities"]["new"])))
    for lvl in ALL_LEVELS:
        rows.append((_t("risk_level", lang, level=_lv(lvl, lang)), display(s["risk_levels"]["old"][lvl]),
                     display(s["risk_levels"]["new"][lvl])))
    return rows


def headline(result, lang: str = DEFAULT_LANG) -> str:
    """The one-line summary of a diff."""
    c = result.summary["counts"]
    if result.kind == "suppliers":
        text = _t("headline", lang, kept=c["kept"], new=c["new"], gone=c["gone"],
                  changed=c["changed"], up=c["risk_up"], down=c["risk_down"],
                  disengagements=c["disengagements"])
        if c["exit_reasons_missing"]:
            text += _t("headline_missing", lang, n=c["exit_reasons_missing"])
        if c["merged"] or c["split"]:
            text += _t("headline_merged", lang, merged=c["merged"], split=c["split"])
        if c["review_pairs"]:
            text += _t("headline_review", lang, n=c["review_pairs"])
        if c.get("data_gap"):
            text += _t("headline_data_gap", lang, n=c["data_gap"])
        return text
    text = _t("sector_headline", lang, kept=c["kept"], new=c["new"], gone=c["gone"],
              gained=c["shared_gained"], lost=c["shared_lost"])
    if not result.summary.get("members_compared", True):
        return text + _t("members_not_compared", lang)
    return text + _t("not_resubmitted", lang, n=c["members_not_resubmitted"])
