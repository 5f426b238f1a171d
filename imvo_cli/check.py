"""Batch checks of supplier lists against a policy: pass, fail (policy broken) or error."""

from __future__ import annotations

import glob
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .i18n import Phrase, label_phrase
from .i18n.messages import ErrorText
from .mapping import read_and_map
from .model import ImvoError, Issue, at_least, level_rank
from .policy import load_policy

SCHEMA = "imvo.check/1"
SPREADSHEET_EXTS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")
FAIL_ON_CHOICES = ("critical", "high", "medium", "never")
# Which risk the gate reads: residual (after site evidence: audits, certifications, actions)
# by default, or inherent (what the place and products imply).
RISK_BASIS_CHOICES = ("residual", "inherent")
TOP_FINDINGS = 5


@dataclass(slots=True)
class Finding:
    """A supplier at or above the fail-on level, with its main reason."""

    supplier: str
    country: str | None
    tier: int | None
    level: str
    reason: str
    rows: list[int]
    inherent_level: str | None = None
    priority: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"supplier": self.supplier, "country": self.country, "tier": self.tier,
                "level": self.level, "inherent_level": self.inherent_level,
                "priority": self.priority, "reason": self.reason, "rows": self.rows}


@dataclass(slots=True)
class FileResult:
    file: str
    status: str  # pass | fail | error
    reasons: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "status": self.status, "reasons": self.reasons,
                "summary": self.summary, "issues": [i.to_dict() for i in self.issues],
                "findings": [f.to_dict() for f in self.findings]}


def renamed(result: FileResult, old: str, new: str) -> FileResult:
    """The same result naming the file `new` (a list read from stdin is saved to a temporary
    file; reports say `<stdin>`, so the same input gives the same bytes)."""
    if result.file != old:
        return result
    return FileResult(new, result.status,
                      [r.replaced(old, new) if isinstance(r, Phrase) else r.replace(old, new)
                       for r in result.reasons],
                      result.summary,
                      [replace(i, file=new) if i.file == old else i for i in result.issues],
                      result.findings)


@dataclass(slots=True)
class CheckResult:
    files: list[FileResult]

    @property
    def totals(self) -> dict[str, int]:
        counts = {"files": len(self.files), "pass": 0, "fail": 0, "error": 0}
        for f in self.files:
            counts[f.status] += 1
        return counts

    @property
    def exit_code(self) -> int:
        """2 if any file could not be read, else 1 if any failed, else 0."""
        statuses = {f.status for f in self.files}
        return 2 if "error" in statuses else 1 if "fail" in statuses else 0

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "files": [f.to_dict() for f in self.files],
                "totals": self.totals}


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """Command-line choices; None means: take it from the policy file."""

    policy: str | None = None
    fail_on: str | None = None
    max_errors: int | None = None
    min_visibility: float | None = None
    min_address_completeness: float | None = None
    sector: str | None = None
    as_of: date | None = None
    basis: str = "residual"  # one of RISK_BASIS_CHOICES


def _skipped(path: Path) -> bool:
    return path.name.startswith(("~$", ".")) or any(
        part.startswith(".") and part not in (".", "..") for part in path.parts[:-1])


def discover(paths: list[str | Path]) -> list[Path]:
    """Files to check, in the order given: files as they are, folders searched recursively
    (sorted), globs expanded (sorted); lock files (~$) and hidden files skipped; no repeats.
    A path that matches nothing is kept so it is reported as an error."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            hits = sorted(q for q in p.rglob("*") if q.is_file()
                          and q.suffix.lower() in SPREADSHEET_EXTS
                          and not _skipped(q.relative_to(p)))
            found.extend(hits)
        elif not p.exists() and glob.has_magic(str(raw)):
            found.extend(sorted(Path(q) for q in glob.glob(str(raw), recursive=True)
                                if Path(q).is_file() and not _skipped(Path(q))))
        else:
            found.append(p)
    seen: set[str] = set()
    unique = []
    for p in found:
        key = os.path.normpath(str(p))
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def policy_reasons(summary: dict[str, Any], findings: list[Finding], error_rows: int,
                   fail_on: str, max_errors: int, min_visibility: float | None,
                   min_address_completeness: float | None) -> list[str]:
    """Why a readable file breaks the policy (empty list: it passes)."""
    reasons: list[str] = []
    if fail_on != "never" and findings:
        names = tuple(Phrase("check_reason.named", supplier=f.supplier,
                             level=label_phrase("level", f.level)) for f in findings[:TOP_FINDINGS])
        more = Phrase("check_reason.more", n=len(findings) - TOP_FINDINGS) \
            if len(findings) > TOP_FINDINGS else ""
        reasons.append(Phrase("check_reason.at_or_above", n=len(findings),
                              level=label_phrase("level", fail_on), names=names, more=more))
        if findings[0].reason:
            reasons.append(Phrase("check_reason.first", supplier=findings[0].supplier,
                                  reason=findings[0].reason))
    if error_rows > max_errors:
        reasons.append(Phrase("check_reason.error_rows", n=error_rows, allowed=max_errors))
    vis = summary.get("visibility")
    if min_visibility is not None and vis is not None and vis < min_visibility:
        reasons.append(Phrase("check_reason.visibility_below", share=f"{vis:.0%}",
                              minimum=f"{min_visibility:.0%}"))
    addr = summary.get("address_completeness")
    if min_address_completeness is not None and addr is not None and addr < min_address_completeness:
        reasons.append(Phrase("check_reason.address_below", share=f"{addr:.0%}",
                              minimum=f"{min_address_completeness:.0%}"))
    return reasons


# Site evidence that says whether the site was verified: what makes a listed good critical.
_AUDIT_RULES = frozenset({"no-audit", "audit-expired", "audit-failed", "audit-undated"})


def _reason(risk) -> str:
    """The main evidence behind a level, with its themes and source (never a data gap), and
    the site evidence that raised it (an expired or failed audit, say), when there is one."""

    ev = risk.main_evidence()
    if not ev:
        return ""
    e = ev[0]
    themes = tuple(label_phrase("theme", t) for t in e.themes)
    site = next((x for x in ev[1:] if x.kind == "site" and (x.specific or x.rule in _AUDIT_RULES)),
                None)
    if site is not None:
        return Phrase("check_reason.evidence_site", themes=themes, value=e.value,
                      source=e.source, site=site.value)
    return Phrase("check_reason.evidence", themes=themes, value=e.value, source=e.source)


def _findings(chain_map, fail_on: str, basis: str = "residual") -> list[Finding]:
    if fail_on == "never":
        return []
    out = []
    for sid, risk in chain_map.risk.items():
        level = (risk.inherent_level or risk.level) if basis == "inherent" else risk.level
        if at_least(level, fail_on):
            sup = chain_map.suppliers[sid]
            out.append(Finding(sup.name, sup.country, chain_map.tiers.get(sid), level,
                               _reason(risk), list(sup.rows), risk.inherent_level or risk.level,
                               risk.priority))
    out.sort(key=lambda f: (-level_rank(f.level), f.priority or 0, f.tier or 99, f.supplier))
    return out


def gate(options: CheckOptions, policy) -> tuple[str, int, float | None, float | None]:
    """The thresholds a check applies: each option as given, else the policy's value
    (fail_on, max_errors, min_visibility, min_address_completeness)."""
    fail_on = options.fail_on or policy.fail_on
    max_errors = policy.max_errors if options.max_errors is None else options.max_errors
    min_vis = options.min_visibility if options.min_visibility is not None else policy.min_visibility
    min_addr = (options.min_address_completeness if options.min_address_completeness is not None
                else policy.min_address_completeness)
    return fail_on, max_errors, min_vis, min_addr


def check_file(path: str | Path, options: CheckOptions = CheckOptions()) -> FileResult:
    """Check one file; never raises for bad input (the result says `error`)."""

    path = Path(path)
    try:
        policy = load_policy(options.policy, near=path)
        fail_on, max_errors, min_vis, min_addr = gate(options, policy)
        chain_map = read_and_map(path, policy=policy, sector=options.sector, as_of=options.as_of)
    except ImvoError as exc:
        # The reason reads as str(exc) (JSON, JUnit); a report says it in its language.
        return FileResult(str(path), "error", [ErrorText(exc)], {}, [exc.as_issue()])
    if options.basis not in RISK_BASIS_CHOICES:
        raise ImvoError(f"unknown risk basis {options.basis!r}", code="usage",
                        hint=f"choose one of {', '.join(RISK_BASIS_CHOICES)}")
    findings = _findings(chain_map, fail_on, options.basis)
    error_rows = len(chain_map.source.rejected_rows)
    reasons = policy_reasons(chain_map.summary, findings, error_rows, fail_on, max_errors,
                             min_vis, min_addr)
    return FileResult(str(path), "fail" if reasons else "pass", reasons, chain_map.summary,
                      list(chain_map.issues), findings)


def _check_one(args: tuple[str, CheckOptions]) -> FileResult:
    return check_file(*args)


def run_check(paths: list[str | Path], options: CheckOptions = CheckOptions(),
              jobs: int | None = None, on_progress=None) -> CheckResult:
    """Check every file; results keep the input order whatever the number of processes.

    `on_progress(label)` is called once per file checked (for a progress bar)."""
    files = discover(paths)
    if not files:
        raise ImvoError("no spreadsheet files found", code="no-files",
                        hint=f"give files or folders holding {', '.join(SPREADSHEET_EXTS)} files")
    jobs = max(1, jobs or os.cpu_count() or 1)
    work = [(str(f), options) for f in files]
    results: list[FileResult] = []
    if jobs == 1 or len(work) == 1:
        for w in work:
            results.append(_check_one(w))
            if on_progress is not None:
                on_progress(Path(w[0]).name)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
            chunk = max(1, len(work) // (jobs * 4))
            for r in pool.map(_check_one, work, chunksize=chunk):
                results.append(r)
                if on_progress is not None:
                    on_progress(Path(r.file).name)
    return CheckResult(results)
