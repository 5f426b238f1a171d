"""Baselines for `imvo check`: fail only on what got worse since an earlier list, as linters do.

    result = run_check([path], options)
    result = apply_baselines(result, "suppliers-2024.xlsx", options)   # -> CheckResult

A file fails against its baseline only for: a supplier at or above the fail-on level that is
new, or whose level rose to it (or within it, high -> critical); error issues the baseline did
not have; more rejected rows than allowed and than before; visibility or address completeness
below the minimum and lower than before. Everything the baseline already had is known and
does not fail. The baseline is the old list itself (any readable format, or its annotated
export); suppliers are matched with the diff matcher.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .check import CheckOptions, CheckResult, FileResult, Finding, discover, gate
from .diff import diff_lists
from .i18n import Phrase, label_phrase
from .i18n.messages import ErrorText
from .model import ImvoError, Issue, at_least, level_rank
from .policy import load_policy


@dataclass(slots=True)
class Comparison:
    """What got worse in one file since its baseline, and what is known or resolved."""

    file: str
    baseline: str
    worse: list[Finding] = field(default_factory=list)  # reason says "new" or "was <level>"
    new_errors: list[Issue] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    known: int = 0  # findings the baseline already had at the same or a higher level
    resolved: list[str] = field(default_factory=list)  # baseline findings gone or below fail-on

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "baseline": self.baseline, "reasons": self.reasons,
                "worse": [f.to_dict() for f in self.worse],
                "new_errors": [i.to_dict() for i in self.new_errors], "known": self.known,
                "resolved": self.resolved}


def _error_key(issue: Issue) -> tuple:
    # Rows move between years: an error is the same when its code, column and text are.
    return (issue.code, issue.column or "", issue.message)


def new_errors(old: list[Issue], new: list[Issue]) -> list[Issue]:
    """Error issues of `new` beyond those `old` had (counted, so a second copy is new)."""
    left = Counter(_error_key(i) for i in old if i.severity == "error")
    out = []
    for i in new:
        if i.severity != "error":
            continue
        k = _error_key(i)
        if left[k] > 0:
            left[k] -= 1
        else:
            out.append(i)
    return out


def compare(new_path: str | Path, baseline_path: str | Path,
            options: CheckOptions | None = None) -> Comparison:
    """Compare a list with its baseline under the check policy (see the module docstring)."""

    options = options or CheckOptions()
    policy = load_policy(options.policy, near=new_path)
    fail_on, max_errors, min_vis, min_addr = gate(options, policy)
    d = diff_lists(baseline_path, new_path, policy=policy, sector=options.sector,
                   as_of=options.as_of)
    cmp = Comparison(str(new_path), str(baseline_path))
    if fail_on != "never":
        for e in d.entries:
            now = e.new.level if e.new else None
            was = e.old.level if e.old else None
            if e.new is not None and now is not None and at_least(now, fail_on):
                if e.old is None or level_rank(now) > level_rank(was):
                    why = Phrase("check_reason.new_supplier") if e.old is None else \
                        Phrase("check_reason.was", level=label_phrase("level", str(was)))
                    cmp.worse.append(Finding(e.new.name, e.new.country, e.new.tier, now, why,
                                             list(e.new.rows)))
                else:
                    cmp.known += 1
            elif e.old is not None and at_least(was, fail_on):
                if e.kind == "data gap":
                    cmp.known += 1  # lower only because the list says less: not resolved
                else:
                    cmp.resolved.append(f"{e.old.name} ({was} -> {now or 'gone'})")
    cmp.worse.sort(key=lambda f: (-level_rank(f.level), f.tier or 99, f.supplier))
    cmp.new_errors = new_errors(d.issues["old"], d.issues["new"])
    if cmp.worse:
        names = tuple(Phrase("check_reason.named_why", supplier=f.supplier,
                             level=label_phrase("level", f.level), why=f.reason)
                      for f in cmp.worse[:5])
        more = Phrase("check_reason.more", n=len(cmp.worse) - 5) if len(cmp.worse) > 5 else ""
        cmp.reasons.append(Phrase("check_reason.newly_at_or_above", n=len(cmp.worse),
                                  level=label_phrase("level", fail_on), names=names, more=more))
    if cmp.new_errors:
        # The issues go along (a list, which no text shows) so a report can say them in its
        # language: messages.say.
        shown = cmp.new_errors[:3]
        cmp.reasons.append(Phrase("check_reason.new_errors", n=len(cmp.new_errors), errors="; ".join(
            f"{i.location() or i.file}: {i.message}" for i in shown), issues=list(shown)))
    rejected_old, rejected_new = d.rows["old"]["rejected"], d.rows["new"]["rejected"]
    if rejected_new > max_errors and rejected_new > rejected_old:
        cmp.reasons.append(Phrase("check_reason.error_rows_baseline", n=rejected_new,
                                  baseline=rejected_old, allowed=max_errors))
    for key, minimum in (("visibility", min_vis), ("address_completeness", min_addr)):
        then, now = d.summary[key]["old"], d.summary[key]["new"]
        if minimum is not None and now is not None and now < minimum and (then is None or now < then):
            below = "visibility_below" if key == "visibility" else "address_below"
            cmp.reasons.append(
                Phrase(f"check_reason.{below}_baseline", share=f"{now:.0%}",
                       minimum=f"{minimum:.0%}", baseline=f"{then:.0%}") if then is not None else
                Phrase(f"check_reason.{below}", share=f"{now:.0%}", minimum=f"{minimum:.0%}"))
    return cmp


def apply_baseline(result: FileResult, baseline_path: str | Path,
                   options: CheckOptions | None = None) -> tuple[FileResult, Comparison | None]:
    """The file's check result judged against its baseline: pass unless something got worse.

    Findings become the worse ones only; an unreadable file or baseline stays an error."""
    options = options or CheckOptions()
    if result.status == "error":
        return result, None
    try:
        cmp = compare(result.file, baseline_path, options)
    except ImvoError as exc:
        issue = exc.as_issue()
        return FileResult(result.file, "error", [Phrase("check_reason.baseline_error", error=ErrorText(exc))], result.summary,
                          [*result.issues, issue], result.findings), None
    status = "fail" if cmp.reasons else "pass"
    return replace(result, status=status, reasons=list(cmp.reasons), findings=list(cmp.worse)), cmp


def baseline_for(file: str, baseline: str | Path,
                 candidates: list[Path] | None = None) -> Path | None:
    """A baseline file as given, or in a baseline folder the file of the same name, else the
    one file of the same stem (last year's csv, this year's xlsx)."""
    b = Path(baseline)
    if not b.is_dir():
        return b
    found = sorted(discover([b])) if candidates is None else candidates
    name = Path(file).name
    hits = [p for p in found if p.name == name]
    if not hits:
        stem = Path(file).stem.casefold()
        same_stem = [p for p in found if p.stem.casefold() == stem]
        hits = same_stem if len(same_stem) == 1 else []
    return hits[0] if hits else None


def apply_baselines(result: CheckResult, baseline: str | Path,
                    options: CheckOptions | None = None) -> tuple[CheckResult, list[Comparison]]:
    """Every file against its baseline (a file for one checked file, or a folder of them).

    A file without a baseline in the folder is judged as it is (every finding is new), and
    says so."""
    options = options or CheckOptions()
    b = Path(baseline)
    if not b.exists():
        raise ImvoError("baseline not found", file=b, code="baseline-missing",
                        hint="give last year's list (or its annotated export), or a folder of them")
    if not b.is_dir() and len(result.files) > 1:
        raise ImvoError("one baseline file for several checked files", file=b, code="usage",
                        hint="give a folder of baselines: each file is compared with the one of the same name")
    files, comparisons = [], []
    candidates = sorted(discover([b])) if b.is_dir() else None
    for f in result.files:
        path = baseline_for(f.file, b, candidates)
        if path is None:
            files.append(_without_baseline(f, b))
            continue
        judged, cmp = apply_baseline(f, path, options)
        files.append(judged)
        if cmp is not None:
            comparisons.append(cmp)
    return CheckResult(files), comparisons


def _without_baseline(result: FileResult, folder: Path) -> FileResult:
    """A file the baseline folder has no list for: judged as it is, and the report says why."""
    note = Phrase("check_reason.no_baseline", folder=str(folder))
    issue = Issue("warning", "baseline-missing", str(note), result.file,
                  hint="put last year's list of this file, under the same name, in the baseline folder")
    reasons = [*result.reasons, note] if result.status == "fail" else list(result.reasons)
    return replace(result, reasons=reasons, issues=[*result.issues, issue])
