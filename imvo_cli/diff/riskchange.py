"""Risk then and now for one supplier: residual (and inherent) level per theme, and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import UNKNOWN, level_rank

SCHEMA = "imvo.diff/1"
HIGH = "high"
# Order of kinds at one level in "worst first" views: a rise before a new supplier, etc.
KIND_ORDER = {"risk up": 0, "new": 1, "disengagement": 2, "gone": 3, "changed": 4,
              "merged": 5, "split": 6, "data gap": 7, "risk down": 8, "unchanged": 9}


@dataclass(slots=True)
class ThemeChange:
    """One theme's level then and now (residual; inherent when the risk model gives it)."""

    theme: str
    old_level: str
    new_level: str
    old_inherent: str | None = None
    new_inherent: str | None = None
    evidence_added: list[str] = field(default_factory=list)
    evidence_removed: list[str] = field(default_factory=list)

    @property
    def direction(self) -> str:
        return _direction(self.old_level, self.new_level)

    @property
    def changed(self) -> bool:
        return (self.old_level != self.new_level or self.old_inherent != self.new_inherent
                or bool(self.evidence_added or self.evidence_removed))

    def to_dict(self) -> dict[str, Any]:
        return {"theme": self.theme, "old_level": self.old_level, "new_level": self.new_level,
                "direction": self.direction, "old_inherent": self.old_inherent,
                "new_inherent": self.new_inherent, "evidence_added": self.evidence_added,
                "evidence_removed": self.evidence_removed}


@dataclass(slots=True)
class RiskChange:
    old_level: str
    new_level: str
    themes: list[ThemeChange]  # only the themes that changed
    old_priority: Any = None  # when the risk model ranks suppliers for action
    new_priority: Any = None

    @property
    def direction(self) -> str:
        return _direction(self.old_level, self.new_level)

    def to_dict(self) -> dict[str, Any]:
        return {"old_level": self.old_level, "new_level": self.new_level,
                "direction": self.direction, "old_priority": self.old_priority,
                "new_priority": self.new_priority, "themes": [t.to_dict() for t in self.themes]}


def _direction(old: str | None, new: str | None) -> str:
    a, b = level_rank(old), level_rank(new)
    return "up" if b > a else "down" if b < a else "same"


def _flag_text(flag) -> str:
    return f"{flag.rule}: {flag.evidence} [{flag.source}]"


def theme_evidence(assessment, theme: str) -> set[str]:
    """The evidence behind one theme, as comparable texts.

    The supplier's evidence items the theme refers to (`ThemeRisk.evidence`, indices into
    `RiskAssessment.evidence`) when the risk model records them, else the theme's flags."""
    items = getattr(assessment, "evidence", None)
    theme_risk = assessment.themes.get(theme)
    refs = getattr(theme_risk, "evidence", None) if theme_risk is not None else None
    if items and refs and all(isinstance(i, int) for i in refs):
        out = set()
        for i in refs:
            e = items[i]
            out.add(f"{e.rule}: {e.value} [{e.source}]")
        return out
    ids = getattr(theme_risk, "evidence_ids", None) if theme_risk is not None else None
    if items and ids is not None:
        by_id = items if isinstance(items, dict) else {getattr(e, "id", str(e)): e for e in items}
        out = set()
        for i in ids:
            e = by_id.get(i)
            text = getattr(e, "text", None) or getattr(e, "evidence", None) or str(e)
            source = getattr(e, "source", None)
            out.add(f"{text} [{source}]" if source else str(text))
        return out
    return {_flag_text(f) for f in getattr(assessment, "flags", ()) if f.theme == theme}


def _theme_key(t) -> tuple:
    return (t.level, getattr(t, "inherent_level", None), tuple(getattr(t, "evidence_ids", ()) or ()))


def _shared_themes(assessment):
    """The themes as the risk model shares them between suppliers assessed alike (levels and
    evidence references, without each supplier's reasons), else the themes themselves."""
    themes = assessment.themes
    shared = getattr(themes, "shared", None)
    return shared() if shared is not None else themes


def _same_assessment(old, new) -> bool:
    """Equal levels and equal evidence: most suppliers of a year-on-year list, checked fast
    (the risk model hands equal assessments the same flag objects)."""
    if old is new:
        return True
    if old.level != new.level or old.themes.keys() != new.themes.keys():
        return False
    if getattr(old, "evidence", None) or getattr(new, "evidence", None):
        # evidence recorded apart from the flags: the same items, referred to by each theme
        # alike, give every theme the same evidence texts (no supplier's reasons are made)
        if old.evidence != new.evidence:
            return False
        old_themes, new_themes = _shared_themes(old), _shared_themes(new)
        return all((t.level, t.inherent_level, t.evidence) == (n.level, n.inherent_level, n.evidence)
                   for t, n in ((t, new_themes[k]) for k, t in old_themes.items()))
    old_flags, new_flags = getattr(old, "flags", ()), getattr(new, "flags", ())
    return (old_flags is new_flags or old_flags == new_flags) and all(
        _theme_key(t) == _theme_key(new.themes[k]) for k, t in old.themes.items())


def compare_risk(old, new) -> RiskChange:
    """Residual level per theme then and now (and inherent level and evidence when present);
    `old` and `new` are RiskAssessment objects."""
    priorities = (getattr(old, "priority", None), getattr(new, "priority", None))
    if _same_assessment(old, new):
        return RiskChange(old.level, new.level, [], *priorities)
    changes = []
    for theme in sorted(set(old.themes) | set(new.themes)):
        ot, nt = old.themes.get(theme), new.themes.get(theme)
        before, after = theme_evidence(old, theme), theme_evidence(new, theme)
        change = ThemeChange(
            theme, ot.level if ot else UNKNOWN, nt.level if nt else UNKNOWN,
            getattr(ot, "inherent_level", None), getattr(nt, "inherent_level", None),
            sorted(after - before), sorted(before - after))
        if change.changed:
            changes.append(change)
    return RiskChange(old.level, new.level, changes, *priorities)
