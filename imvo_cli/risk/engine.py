"""Risk scoring v2: evidence recorded once per supplier, inherent and residual risk per theme.

Per theme: severity (1-5: scope and irremediability from the profile and process table, scale
from the workforce) x likelihood (1.0-5.0) x 4 -> score 0-100 -> level.

* Inherent likelihood comes from the place: DOL goods and country findings, the World Bank
  governance rank (continuously, not in bins), the region table (legal presumptions), the
  process table and the user's own indicators. The strongest signal sets it; each further
  independent signal of at least medium strength adds a little (corroboration).
* Residual likelihood applies the site evidence: an audit (date and result), accepted
  certifications, a recorded action status, a missing address. A column the list does not have
  is a data gap: recorded, counted, never evidence.
* `critical` needs specific or site-level evidence (a zero-tolerance audit finding,
  sandblasting, a DOL forced-child-labour good at a site without a valid audit, a legal
  presumption); without it a theme stops at high.

Evidence about a place is computed once per distinct (country, region, products, processes,
profile, policy); whole assessments are cached per distinct (place, row signals).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

from ..collector import gc_paused
from ..countries import to_iso2
from ..model import UNKNOWN, Evidence, Flag, RiskAssessment, Supplier, ThemeRisk, level_rank, worst
from ..policy import Policy
from . import tables
from .profiles import Profile, load_profile, match_terms, phrase_key

SCORE_FACTOR = 4  # 5 x 5 x 4 = 100

# Governance percentile rank (0-100, higher = stronger) -> likelihood, interpolated linearly
# between these points: continuous, so a rank of 44 and one of 30 do not look alike. The
# points keep the old five bands' centres (75+ about 1.5, under 5 about 4.5).
GOVERNANCE_CURVE = ((0.0, 5.0), (5.0, 4.5), (20.0, 3.5), (45.0, 2.5), (75.0, 1.5), (100.0, 1.0))

# DOL findings -> likelihood. A good listed for forced child labour is the strongest listing;
# the country category "complicit in forced child labour" the strongest country signal.
DOL_LISTED = 3.5
DOL_FORCED_CHILD = 4.5
DOL_DERIVED = 3.0  # downstream good: the input, not the good itself, is listed
DOL_COMPLICIT = 4.5
CORROBORATION = 0.15  # per further signal of likelihood >= CORROBORATES
CORROBORATES = 2.5

# Site evidence -> likelihood change on the labour themes (or the themes a certificate covers).
VALID_AUDIT = -0.75
FAILED_AUDIT = 1.0
UNVERIFIED = 0.5  # no audit recorded, audit expired, no address: counted once together
UNVERIFIED_FROM = 2.5  # only where the place already points to a risk
CERTIFIED = -1.0
ACTION_DONE = -0.5

FAILED_WORDS = {"fail", "failed", "fails", "failure", "noncompliant", "unacceptable",
                "insufficient", "rejected", "afgekeurd", "onvoldoende", "not passed",
                "non compliant", "niet geslaagd"}
ZERO_TOLERANCE = {"zero tolerance", "zt", "zero tolerance finding", "nultolerantie"}
FAILED_GRADES = {"d", "e"}  # amfori BSCI ratings D (insufficient) and E (unacceptable)

# Extra columns read as an action / remediation status (header words), and their values.
ACTION_HEADERS = ("action status", "remediation", "corrective action", "cap status",
                  "actiestatus", "actie status", "herstel", "verbeterplan")
ACTION_DONE_WORDS = {"closed", "completed", "complete", "done", "remediated", "resolved",
                     "verified", "afgerond", "gesloten", "opgelost"}
ACTION_OPEN_WORDS = {"open", "in progress", "ongoing", "started", "pending", "lopend",
                     "in uitvoering", "gestart"}

AUDIT_FIELDS = ("audit_standard", "audit_date", "audit_result")


def level_for_score(score: float | None, thresholds: dict[str, int]) -> str:
    """The level a score reaches under the policy thresholds (None -> unknown)."""
    if score is None:
        return UNKNOWN
    level = "low"
    for name in ("medium", "high", "critical"):
        if score >= thresholds[name]:
            level = name
    return level


def score_of(severity: float, likelihood: float, weight: float = 1.0) -> float:
    """severity x likelihood x 4 x weight, capped at 100, to one decimal."""
    return min(100.0, round(severity * likelihood * SCORE_FACTOR * weight, 1))


def governance_likelihood(rank: float) -> float:
    """Likelihood 1.0-5.0 from a mean governance percentile rank, continuously."""
    rank = max(0.0, min(100.0, rank))
    for (r0, l0), (r1, l1) in itertools.pairwise(GOVERNANCE_CURVE):
        if rank <= r1:
            return round(l0 + (l1 - l0) * (rank - r0) / (r1 - r0), 2)
    return 1.0


def _clamp(v: float) -> float:
    return round(max(1.0, min(5.0, v)), 2)


def _fmt(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- place evidence


@dataclass(frozen=True, slots=True)
class _Signal:
    """One place evidence item and what it implies per theme."""

    evidence: Evidence
    likelihood: dict  # theme -> likelihood (0: informs the theme without a likelihood)
    severity: dict  # theme -> severity it implies (process table), else absent


@dataclass(frozen=True, slots=True)
class _Place:
    signals: tuple[_Signal, ...]
    severity: dict  # theme -> base severity after the process table
    not_applicable: frozenset  # themes the products do not concern (low, score 0)
    unknown: frozenset  # themes without place evidence (unknown)
    recognised: tuple[bool | None, bool | None]  # (product, process) words recognised


def _dol_country_signal(iso: str) -> tuple[float, str] | None:
    c = tables.dol_countries().get(iso)
    if c is None:
        return None
    parts, lik = [], 0.0
    adv = c.advancement.lower()
    if "complicit in forced child labor" in adv:
        lik, parts = DOL_COMPLICIT, [f"advancement level '{c.advancement}'"]
    elif adv.startswith("no advancement"):
        lik, parts = 3.0, [f"advancement level '{c.advancement}'"]
    elif adv.startswith("minimal advancement"):
        lik, parts = 2.0, [f"advancement level '{c.advancement}'"]
    elif adv.startswith(("moderate", "significant")):
        lik, parts = 1.0, [f"advancement level '{c.advancement}'"]
    if c.working_children_share is not None:
        s = c.working_children_share
        # Continuous in the share: 0% -> 1, 10% -> 3, 25% and more -> 4.
        share_lik = round(1 + 20 * s if s <= 0.10 else min(4.0, 3 + (s - 0.10) / 0.15), 2)
        lik = max(lik, share_lik)
        parts.append(f"{s:.1%} of children aged {c.age_range} work")
    if not lik:
        return None
    return lik, f"{c.dol_country}: " + "; ".join(parts)


# Words of DOL good names that stay capitalised in running text.
_PROPER_WORDS = frozenset({"Brazil", "Nile", "Christmas"})


def _good_words(good: str) -> str:
    """A DOL good name in running text: 'Rubber Gloves' -> 'rubber gloves'."""
    return " ".join(w if w in _PROPER_WORDS else w.lower() for w in good.split(" "))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@lru_cache(maxsize=1)
def _dol_list_name() -> str:
    """'US DOL list of goods 2022': the list and its edition year, as a reason names it."""
    year = re.search(r"\b(?:19|20)\d\d\b", tables.source_info()["dol_goods"]["edition"])
    return "US DOL list of goods" + (f" {year.group(0)}" if year else "")


def dol_listing_text(listing: tables.DolListing, findings: list[str], fld: str, cell: str) -> str:
    """A DOL listing in words, with the list's edition and the cell that matched it, e.g.
    "US DOL list of goods 2022: child labour and forced labour in garments, Bangladesh
    (product 'T-shirts')". `findings` are the listed harms the profile's themes read."""
    words = list(findings)
    if listing.forced_child_labour:
        words.append("forced child labour")
    if listing.input_good:
        source = tables.dol_goods().get((listing.input_good, listing.derived_country))
        where = source.dol_country if source else listing.derived_country
        return (f"{_dol_list_name()}: {_good_words(listing.good)}, {listing.dol_country}, a "
                f"downstream good made with {_good_words(listing.input_good)} from {where}, "
                f"which is listed for {_and(words)} ({fld} '{cell}')")
    return (f"{_dol_list_name()}: {_and(words)} in {_good_words(listing.good)}, "
            f"{listing.dol_country} ({fld} '{cell}')")


def _matched(profile: Profile, products: tuple[str, ...], processes: tuple[str, ...]):
    """[(field, cell text, Term)] for every vocabulary word in the product and process cells."""
    out = []
    for fld, cells in (("product", products), ("process", processes)):
        for cell in cells:
            for term in match_terms(profile, cell):
                out.append((fld, cell, term))
    return out


def unrecognised_cells(profile: Profile, cells: tuple[str, ...]) -> list[str]:
    """The cells of a product or process column in which no vocabulary word was found."""
    return list(_unrecognised(tuple(cells), profile.key))


@lru_cache(maxsize=65536)
def _unrecognised(cells: tuple[str, ...], profile_key: str) -> tuple[str, ...]:
    profile = load_profile(profile_key)
    return tuple(c for c in cells if not match_terms(profile, c))


def _region_rules(country: str | None, region_text: str) -> tuple:
    if not country or not region_text:
        return ()
    key = f" {region_text} "
    return tuple(r for r in tables.region_rules()
                 if r.country == country and any(f" {a} " in key for a in r.aliases))


@lru_cache(maxsize=65536)
def _place(country: str | None, region_text: str, products: tuple[str, ...],
           processes: tuple[str, ...], profile_key: str, indicators: tuple) -> _Place:
    profile = load_profile(profile_key)
    matches = _matched(profile, products, processes)
    tags = {tag for _, _, t in matches for tag in t.tags}
    recognised = (bool([m for m in matches if m[0] == "product"]) if products else None,
                  bool([m for m in matches if m[0] == "process"]) if processes else None)
    has_items = bool(products or processes)
    any_recognised = bool(matches)
    themes = profile.theme_defs
    keys = [t.key for t in themes]
    severity = {t.key: t.severity for t in themes}
    signals: list[_Signal] = []
    covenant = f"imvo sector profile '{profile.key}' ({profile.covenant})"

    # Themes that concern only some products: low where the recognised products are others;
    # unknown where there are no product words or none was recognised.
    not_applicable: set[str] = set()
    undecided: set[str] = set()
    for t in themes:
        if t.applies_to and t.applies_to not in tags:
            (not_applicable if any_recognised else undecided).add(t.key)
    if not_applicable:
        signals.append(_Signal(Evidence(
            "not-applicable", "place", "no " + " or ".join(sorted(
                {(profile.theme(k).applies_to or "").replace("_", " ") for k in not_applicable}))
            + " product or process in: " + "; ".join(products + processes), covenant,
            tuple(k for k in keys if k in not_applicable), "low, not applicable"), {}, {}))
    if undecided:
        if has_items:
            cells = "; ".join(unrecognised_cells(profile, products + processes))
            text = f"product or process not recognised ({cells}): cannot tell whether this theme applies"
            rule = "unrecognised-product"
        else:
            text, rule = "no product or process given: cannot tell whether this theme applies", "no-product-data"
        signals.append(_Signal(Evidence(rule, "gap", text, covenant,
                                        tuple(k for k in keys if k in undecided), "unknown"), {}, {}))
    active = [t for t in themes if t.key not in not_applicable and t.key not in undecided]

    # 1. governance (World Bank WGI): one evidence item, a likelihood per theme
    gov = tables.wgi().get(country) if country else None
    if gov:
        edition = tables.wgi_edition_year()
        per_theme: dict[str, float] = {}
        used: set[str] = set()
        for t in active:
            dims = [(d, gov[d]) for d in t.wgi if d in gov]
            if dims:
                per_theme[t.key] = governance_likelihood(sum(r for _, (_, r) in dims) / len(dims))
                used.update(d for d, _ in dims)
        if per_theme:
            parts = []
            for d in sorted(used):
                year, rank = gov[d]
                age = f", {year} value: {edition - year} years older than the edition's {edition}" if year < edition else ""
                parts.append(f"{d} {rank:.0f} ({year}{age})")
            low, high = min(per_theme.values()), max(per_theme.values())
            # per theme: the mean rank of its own dimensions (the theme's likelihood shows it)
            lik_text = _fmt(low) if low == high else f"{_fmt(low)}-{_fmt(high)} by theme"
            signals.append(_Signal(Evidence(
                "governance-baseline", "place",
                f"{country} governance rank (percentile, 0-100): " + "; ".join(parts),
                tables.citation("wgi"), tuple(per_theme), f"likelihood {lik_text}"), per_theme, {}))
    # 2. DOL country child-labour profile
    if country:
        sig = _dol_country_signal(country)
        dc = [t.key for t in active if t.dol_country]
        if sig and dc:
            signals.append(_Signal(Evidence("dol-country-profile", "place", sig[1],
                                            tables.citation("dol_countries"), tuple(dc),
                                            f"likelihood {_fmt(sig[0])}"),
                                   dict.fromkeys(dc, sig[0]), {}))
    # 3. DOL goods listed for this country (direct and downstream entries)
    if country:
        dol = tables.dol_goods()
        seen = set()
        for fld, cell, term in matches:
            for good in sorted(term.goods):
                listing = dol.get((good, country))
                if listing is None or good in seen:
                    continue
                seen.add(good)
                hit: dict[str, str] = {}
                for t in active:
                    if t.dol == "child_labour" and listing.child_labour:
                        hit[t.key] = "child labour"
                    elif t.dol == "forced_labour" and listing.forced_labour:
                        hit[t.key] = "forced labour"
                if not hit:
                    continue
                fcl = listing.forced_child_labour
                lik = DOL_DERIVED if listing.input_good else DOL_FORCED_CHILD if fcl else DOL_LISTED
                text = dol_listing_text(listing, sorted(set(hit.values())), fld, cell)
                signals.append(_Signal(Evidence(
                    "dol-listed-good", "place", text, tables.citation("dol_goods"), tuple(hit),
                    f"likelihood {_fmt(lik)}", specific=fcl and not listing.input_good),
                    dict.fromkeys(hit, lik), {}))
    # 4. region x theme table (legal presumptions)
    for rr in _region_rules(country, region_text):
        if rr.theme in {t.key for t in active}:
            signals.append(_Signal(Evidence(
                rr.rule, "place", f"located in {rr.region}: {rr.finding}", rr.source, (rr.theme,),
                f"likelihood {rr.likelihood}", specific=True), {rr.theme: float(rr.likelihood)}, {}))
    # 5. process x theme knowledge
    rules = tables.process_rules()
    active_keys = {t.key for t in active}
    for fld, cell, term in matches:
        by_text: dict = {}
        own = rules.get(term.phrase, ())
        if term.like:  # a synonym: its word's entries, for the themes it has none of its own
            covered = {r.theme for r in own}
            own = own + tuple(r for r in rules.get(term.like, ()) if r.theme not in covered)
        for prule in own:
            if prule.theme not in active_keys or (prule.sectors and profile.key not in prule.sectors):
                continue
            if prule.countries and country not in prule.countries:
                continue
            by_text.setdefault((prule.rationale, prule.reference, prule.min_likelihood), []).append(prule)
        for (rationale, reference, min_lik), group in by_text.items():
            lik = float(min_lik or 0)
            sev = {r.theme: r.severity for r in group}
            effect = ", ".join(f"severity {s}" for s in sorted(set(sev.values())))
            if lik:
                effect += f", likelihood at least {min_lik}"
            signals.append(_Signal(Evidence(
                "process-knowledge", "place", f"{fld} '{cell}': {rationale}", reference,
                tuple(k for k in keys if k in sev), effect, specific=(min_lik or 0) >= 5),
                dict.fromkeys(sev, lik), sev))
            for k, s in sev.items():
                severity[k] = max(severity[k], s)
    # 6. the user's own indicator copies (e.g. ITUC Global Rights Index)
    for ind_theme, ind_file, ind_name, ind_edition in indicators:
        if ind_theme not in active_keys:
            continue
        src = f"{ind_name} ({ind_edition}), {Path(ind_file).name}"
        rating = tables.user_indicator(ind_file).get(country) if country else None
        if rating is None:
            signals.append(_Signal(Evidence("indicator-no-data", "gap",
                                            f"{ind_name} has no rating for {country or 'an unknown country'}",
                                            src, (ind_theme,)), {}, {}))
        else:
            signals.append(_Signal(Evidence("user-indicator", "place",
                                            f"{ind_name}: {country} rated {rating}", src, (ind_theme,),
                                            f"likelihood {rating}"), {ind_theme: float(rating)}, {}))
    with_lik = {k for s in signals for k, v in s.likelihood.items() if v}
    unknown = {t.key for t in active if t.key not in with_lik}
    if unknown:
        checked = [tables.citation("wgi")]
        if country:
            checked += [tables.citation("dol_countries"), tables.citation("dol_goods")]
        where = country or "an unknown country"
        signals.append(_Signal(Evidence("no-data", "gap",
                                        f"no data on this theme for {where}: unknown is not low",
                                        "checked: " + "; ".join(checked),
                                        tuple(k for k in keys if k in unknown), "unknown"), {}, {}))
    return _Place(tuple(signals), severity, frozenset(not_applicable),
                  frozenset(unknown | undecided), recognised)


# ---------------------------------------------------------------- site evidence


def _months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def _audit_result_kind(result: str | None) -> str | None:
    if not result:
        return None
    key = phrase_key(result)
    if key in ZERO_TOLERANCE or "zero tolerance" in key or "nultolerantie" in key:
        return "zero_tolerance"
    words = set(key.split())
    if key in FAILED_GRADES or words & FAILED_WORDS or any(w in key for w in FAILED_WORDS if " " in w):
        return "failed"
    return None


def _norm_cert(text: str) -> str:
    return phrase_key(text).replace(" ", "")


def _action_items(extra: dict[str, str], is_action_header) -> tuple[tuple[str, str], ...]:
    """The extra cells read as an action status: (header, value), headers sorted."""
    return tuple(sorted((h, v) for h, v in extra.items() if v and is_action_header(h)))


def _is_action_header(header: str) -> bool:
    h = phrase_key(header)
    return any(w in h for w in ACTION_HEADERS)


def _action_of(items: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    for header, value in items:
        v = phrase_key(value)
        kind = ("done" if v in ACTION_DONE_WORDS or set(v.split()) & ACTION_DONE_WORDS else
                "open" if v in ACTION_OPEN_WORDS or any(w in v for w in ACTION_OPEN_WORDS) else None)
        if kind:
            return kind, f"{header} {value!r}"
    return None


# (rule, scope, effect, text, source); effect: a likelihood change or a word (see _row_signals)
RowSignal = tuple[str, str, str | float, str, str]
_SRC = "supplier list"


def _row_signals(s: Supplier, policy: Policy, as_of: date, columns: frozenset | None) -> tuple:
    """The supplier's own row as a hashable tuple of (rule, scope, effect, text, source).

    scope is 'labour' or a theme key; effect a likelihood change, 'set5' (zero tolerance),
    'unverified', 'sev+1' or 'gap'. A column the list does not have gives a 'gap' signal.
    """
    has = (lambda f: True) if columns is None else (lambda f: f in columns)
    return (_audit_signals(s.audit_date, s.audit_standard, s.audit_result, policy, as_of,
                           any(has(f) for f in AUDIT_FIELDS))
            + _address_signals(has("address"), bool(s.address))
            + _workforce_signals(has("workers"), s.workers, policy)
            + _certification_signals(tuple(s.certifications), policy)
            + _action_signals(_action_items(s.extra, _is_action_header)))


def _audit_signals(audit_date: date | None, standard: str | None, result: str | None,
                   policy: Policy, as_of: date, listed: bool) -> tuple[RowSignal, ...]:
    """The row signals of the audit columns (`listed`: the list has audit columns)."""
    standard, result = _given(standard), _given(result)
    sig: list[RowSignal] = []
    if not listed:
        sig.append(("data-gap", "labour", "gap", "audit data: not in this list", _SRC))
    elif not (audit_date or standard or result):
        sig.append(("no-audit", "labour", "unverified",
                    "no social audit recorded (standard, date, result empty)", _SRC))
    elif audit_date is None:
        sig.append(("audit-undated", "labour", "unverified",
                    f"audit {standard or result!r} has no date: validity cannot be checked", _SRC))
    else:
        age = _months_between(audit_date, as_of)
        if age > policy.audit_max_age_months:
            sig.append(("audit-expired", "labour", "unverified",
                        f"audit of {audit_date.isoformat()} is {age} months old on {as_of.isoformat()} "
                        f"(valid {policy.audit_max_age_months} months)",
                        f"{_SRC}; policy audit_max_age_months ({_policy_name(policy)})"))
    kind = _audit_result_kind(result)
    if kind == "zero_tolerance":
        sig.append(("audit-zero-tolerance", "labour", "set5",
                    f"audit result {result!r}: zero-tolerance finding", _SRC))
    elif kind == "failed":
        sig.append(("audit-failed", "labour", FAILED_AUDIT, f"audit result {result!r}", _SRC))
    elif audit_date is not None and _months_between(audit_date, as_of) <= policy.audit_max_age_months:
        what = " ".join(str(x) for x in (standard, result and f"result {result!r}") if x)
        sig.append(("audit-valid", "labour", VALID_AUDIT,
                    f"audit {what + ' ' if what else ''}of {audit_date.isoformat()}, within "
                    f"{policy.audit_max_age_months} months on {as_of.isoformat()}", _SRC))
    return tuple(sig)


def _address_signals(listed: bool, has_address: bool) -> tuple[RowSignal, ...]:
    if not listed:
        return (("data-gap", "labour", "gap", "address: not in this list", _SRC),)
    if not has_address:
        return (("missing-address", "labour", "unverified",
                 "no street address: the location cannot be verified or visited", _SRC),)
    return ()


def _workforce_signals(listed: bool, workers: int | None, policy: Policy) -> tuple[RowSignal, ...]:
    if not listed:
        return (("data-gap", "labour", "gap", "number of workers: not in this list", _SRC),)
    if workers is not None and workers >= policy.large_workforce:
        return (("large-workforce", "labour", "sev+1",
                 f"{workers} workers (policy large_workforce {policy.large_workforce}): "
                 "more people affected", f"{_SRC}; policy ({_policy_name(policy)})"),)
    return ()


def _certification_signals(certifications: tuple[str, ...], policy: Policy) -> tuple[RowSignal, ...]:
    if not (policy.accepted_certifications and certifications):
        return ()
    sig: list[RowSignal] = []
    accepted = {_norm_cert(k): (k, tuple(v)) for k, v in policy.accepted_certifications.items()}
    for cert in certifications:
        n = _norm_cert(cert)
        hit = accepted.get(n) or next((v for k, v in accepted.items() if k and n.startswith(k)), None)
        if hit:
            name, themes = hit
            for t in themes:
                sig.append(("accepted-certification", "labour" if t == "*" else t, CERTIFIED,
                            f"certification {cert!r} accepted in the policy",
                            f"policy accepted_certifications.{name} ({_policy_name(policy)})"))
    return tuple(sig)


def _action_signals(items: tuple[tuple[str, str], ...]) -> tuple[RowSignal, ...]:
    action = _action_of(items) if items else None
    if not action:
        return ()
    done = action[0] == "done"
    return (("action-status", "labour", ACTION_DONE if done else 0.0,
             f"{action[1]}: {'remediation recorded as completed' if done else 'action open'}", _SRC),)


def _unknown_country_signal(country) -> RowSignal:
    return ("unknown-country", "all", "gap",
            f"country {country!r} missing or not recognised: country evidence cannot be looked up",
            "supplier list")


def _policy_name(policy: Policy) -> str:
    return policy.path or "defaults"


def _indicator_key(policy: Policy) -> tuple:
    return tuple((i.theme, i.file, i.name, i.edition) for i in policy.indicators)


def _policy_key(policy: Policy) -> tuple:
    return (tuple(sorted(policy.thresholds.items())), tuple(sorted(policy.theme_weights.items())),
            policy.overrides, policy.indicators, policy.path, policy.audit_max_age_months,
            policy.large_workforce,
            tuple((k, tuple(v)) for k, v in sorted(policy.accepted_certifications.items())))


def _override(policy: Policy, country: str | None, theme: str):
    if not country or not policy.overrides:
        return None
    exact = [o for o in policy.overrides if o.country == country and o.theme == theme]
    if exact:
        return exact[-1]
    broad = [o for o in policy.overrides if o.country == country and o.theme is None]
    return broad[-1] if broad else None


# ---------------------------------------------------------------- combining


def _combine(liks: list[float]) -> float | None:
    """The strongest signal, plus a little for each further one of at least medium strength."""
    liks = sorted((v for v in liks if v), reverse=True)
    if not liks:
        return None
    return _clamp(liks[0] + CORROBORATION * sum(1 for v in liks[1:] if v >= CORROBORATES))


def _effect_text(effect) -> str:
    if effect == "gap":
        return "none: data gap"
    if effect == "unverified":
        return f"+{_fmt(UNVERIFIED)} likelihood (not verified; counted once)"
    if effect == "set5":
        return "likelihood 5, critical possible"
    if effect == "sev+1":
        return "severity +1"
    if effect == 0.0:
        return "recorded, no change"
    return f"{'+' if effect > 0 else ''}{_fmt(effect)} likelihood"


UNVERIFIED_RULES = frozenset({"no-audit", "audit-undated", "audit-expired", "audit-failed",
                              "audit-zero-tolerance"})


CRITICAL_UNVERIFIED_RULES = frozenset({"no-audit", "audit-failed", "audit-zero-tolerance"})


def _at_most_medium(level: str) -> str:
    return "medium" if level in ("high", "critical") else level


def _gate(level: str, specific: bool) -> str:
    """Critical only with specific or site-level evidence; otherwise it stops at high."""
    return "high" if level == "critical" and not specific else level


@dataclass(frozen=True, slots=True)
class _ThemeBase:
    """What a place says about one theme, before any site evidence."""

    key: str
    not_applicable: bool
    refs: tuple[int, ...]  # indices of the place evidence about the theme
    inherent_lik: float | None
    place_specific: bool  # specific place evidence other than a DOL forced-child-labour good
    fcl: bool  # a DOL forced-child-labour good informs the theme
    context_only: bool  # the governance rank is the only place evidence
    severity: int
    floor: float  # a process's likelihood no site evidence lowers
    weight: float
    override: Evidence | None  # the policy's override of the theme in this country
    override_level: str | None
    # what _theme_outcome reads of it: themes of any place alike in these share outcomes
    outcome_key: tuple = ()


@dataclass(frozen=True, slots=True)
class _PlaceFacts:
    """A place's evidence and per-theme facts under one profile and policy: worked out once,
    shared by every plan of the place (the plans differ in their kinds of row signals)."""

    evidence: tuple[Evidence, ...]
    index: dict  # Evidence -> its index in `evidence`
    labour: tuple[str, ...]
    applicable: frozenset
    themes: tuple[_ThemeBase, ...]
    outcomes: dict  # (outcome key, specific, site signals reaching it) -> _theme_outcome


def _place_facts(place: _Place, profile: Profile, policy: Policy, country: str | None) -> _PlaceFacts:
    evidence: list[Evidence] = []
    index: dict[Evidence, int] = {}
    place_ids = []
    for s in place.signals:
        i = index.get(s.evidence)
        if i is None:
            i = index[s.evidence] = len(evidence)
            evidence.append(s.evidence)
        place_ids.append((i, s))
    bases = []
    for t in profile.theme_defs:
        key = t.key
        refs = tuple(sorted({i for i, s in place_ids if key in s.evidence.themes}))
        if key in place.not_applicable:
            bases.append(_ThemeBase(key, True, refs, None, False, False, False, 0, 0.0, 1.0,
                                    None, None))
            continue
        informing = [s for _, s in place_ids if s.likelihood.get(key)]
        # Specific place evidence (a process making the harm near certain, a legal
        # presumption) may make a theme critical by itself; a DOL forced-child-labour good only
        # at a site the list shows never verified or failed (no audit recorded, a failed audit).
        place_specific = any(s.evidence.specific and s.evidence.rule != "dol-listed-good"
                             for s in informing)
        fcl = any(s.evidence.specific and s.evidence.rule == "dol-listed-good" for s in informing)
        # A country-wide governance rank is context, not a finding about a product or site:
        # on its own it raises a theme to medium at most.
        about = [s for _, s in place_ids if key in s.evidence.themes and s.evidence.kind == "place"]
        context_only = bool(about) and all(s.evidence.rule == "governance-baseline" for s in about)
        # A process that makes the harm near certain (sandblasting) sets a floor no audit lifts.
        floor = max((s.likelihood[key] for s in informing if s.evidence.rule == "process-knowledge"),
                    default=0.0)
        override = _override(policy, country, key)
        override_ev = None
        if override is not None:
            scope = f"{country} x {key}" if override.theme else f"all themes of {country}"
            override_ev = Evidence("policy-override", "site",
                                   f"{scope} set to {override.level}: {override.reason}",
                                   f"policy file {policy.path or 'imvo.toml'}", (key,),
                                   f"level {override.level}")
        likelihood = _combine([s.likelihood[key] for s in informing])
        severity, weight = place.severity[key], policy.theme_weights.get(key, 1.0)
        override_level = override.level if override is not None else None
        bases.append(_ThemeBase(key, False, refs, likelihood, place_specific, fcl, context_only,
                                severity, floor, weight, override_ev, override_level,
                                (likelihood, place_specific, context_only, severity, floor,
                                 weight, override_level)))
    return _PlaceFacts(tuple(evidence), index, tuple(t.key for t in profile.theme_defs if t.labour),
                       frozenset(k for k in profile.themes if k not in place.not_applicable),
                       tuple(bases), {})


def _theme_outcome(b: _ThemeBase, reaching: tuple, site_unverified: bool, th: dict) -> tuple:
    """(level, score, severity, likelihood, inherent level where different, inherent score,
    positions in `reaching` of the site signals that changed it) of one theme, given the
    (rule, effect) of the site signals that reach it."""
    inherent_lik = b.inherent_lik
    specific = b.place_specific or (b.fcl and site_unverified)
    sev = b.severity
    lik = inherent_lik
    site_finding = False
    reached = []
    unverified = [p for p, (_, effect) in enumerate(reaching) if effect == "unverified"]
    if unverified and lik is not None and lik >= UNVERIFIED_FROM:
        # No audit, an expired one and a missing address all say "not verified": together
        # they raise likelihood once, and only where the place already points to a risk.
        lik = _clamp(lik + UNVERIFIED)
        reached.extend(unverified)
    for p, (rule, effect) in enumerate(reaching):
        if effect == "unverified":
            continue
        if effect == "sev+1":
            sev = min(5, sev + 1)
        elif effect in ("gap", 0.0):
            pass
        elif lik is None:
            continue
        elif effect == "set5":
            lik, specific, site_finding = 5.0, True, True
        else:
            lik = _clamp(lik + effect)
            site_finding = site_finding or rule == "audit-failed"
        reached.append(p)
    if lik is not None and b.floor > lik:
        lik = b.floor
    if inherent_lik is None or lik is None:
        level, score, inh_level, inh_score = UNKNOWN, None, UNKNOWN, None
    else:
        inh_score = score_of(sev, inherent_lik, b.weight)  # scale is severity in both views
        inh_level = _gate(level_for_score(inh_score, th), b.place_specific)
        score = score_of(sev, lik, b.weight)
        level = _gate(level_for_score(score, th), specific)
        if b.context_only:
            inh_level = _at_most_medium(inh_level)
            if not site_finding:
                level = _at_most_medium(level)
    if b.override is not None and b.override_level is not None:
        level = b.override_level
    return (level, score, sev if inherent_lik else None, lik,
            inh_level if inh_level != level else None, inh_score, tuple(reached))


def _assess(place: _Place, signals: tuple, profile: Profile, policy: Policy,
            country: str | None, facts: _PlaceFacts | None = None,
            outcomes: dict | None = None) -> _Plan:
    """The plan of a place with these row signals. `outcomes` memoises theme outcomes across
    the places of one profile and policy (default: the place's own)."""
    th = policy.thresholds
    if facts is None:
        facts = _place_facts(place, profile, policy, country)
    evidence = list(facts.evidence)
    index = dict(facts.index)

    def record(ev: Evidence) -> int:
        i = index.get(ev)
        if i is None:
            i = index[ev] = len(evidence)
            evidence.append(ev)
        return i

    applicable = facts.applicable
    # Site signals: recorded after the themes, each with the themes it actually reached.
    site = []
    for slot, (rule, scope, effect, _text, _source) in enumerate(signals):
        if scope == "all":
            reach = tuple(k for k in profile.themes if k in applicable)
        else:
            reach = tuple(k for k in (facts.labour if scope == "labour" else (scope,)) if k in applicable)
        if reach:
            site.append((slot, rule, effect, reach))
    used: dict[int, list[str]] = {}
    # Never verified (no audit recorded) or verified and failed: with a DOL forced-child-labour
    # good, near-certain severe harm. An expired or undated audit raises likelihood only: the
    # site was verified once, and the list ages with every day it is not updated.
    site_unverified = any(sig[0] in CRITICAL_UNVERIFIED_RULES for sig in signals)

    themes: dict[str, ThemeRisk] = {}
    overrides: list[tuple[str, Evidence]] = []
    memo = facts.outcomes if outcomes is None else outcomes
    for b in facts.themes:
        key = b.key
        if b.not_applicable:
            themes[key] = ThemeRisk(key, "low", 0.0, None, None, [], None, 0.0, b.refs)
            continue
        reaching = [(slot, rule, effect) for slot, rule, effect, reach in site if key in reach]
        mkey = (b.outcome_key, b.fcl and site_unverified,
                tuple((rule, effect) for _, rule, effect in reaching))
        out = memo.get(mkey)
        if out is None:
            out = memo[mkey] = _theme_outcome(b, mkey[2], site_unverified, th)
        level, score, sev, lik, inh_level, inh_score, reached = out
        for p in reached:
            used.setdefault(reaching[p][0], []).append(key)
        if b.override is not None:
            overrides.append((key, b.override))
        themes[key] = ThemeRisk(key, level, score, sev, lik, [], inh_level, inh_score, b.refs)
    # The site evidence, once, naming the themes it reached; then each theme's references.
    slot_index = {}
    for slot, rule, effect, _reach in site:
        if slot not in used:
            continue
        _, _, _, text, source = signals[slot]
        kind = "gap" if effect == "gap" or rule == "unknown-country" else "site"
        ev = Evidence(rule, kind, text, source, tuple(used[slot]), _effect_text(effect),
                      specific=effect == "set5")
        slot_index[slot] = record(ev)
    own_of: dict[str, list[int]] = {}
    for i in slot_index.values():
        for key in evidence[i].themes:
            own_of.setdefault(key, []).append(i)
    for key, ev in overrides:
        own_of.setdefault(key, []).append(record(ev))
    for key, own in own_of.items():
        tr = themes[key]
        tr.evidence = tuple(sorted(set(tr.evidence).union(own)))
    # Per-theme reasons (the evidence seen from each theme) and one flag per evidence item.
    flags = []
    for ev in evidence:
        if ev.kind == "gap":
            lvl = UNKNOWN
        else:
            lvl = worst(themes[k].level for k in ev.themes if k in themes)
        flags.append(Flag(", ".join(ev.themes), lvl, ev.rule, ev.value, ev.source))
    orders = {}
    for key, tr in themes.items():
        order = orders[key] = _reason_order(tr, evidence)
        tr.reasons = _reasons(tr, evidence, order)
    level = worst(tr.level for tr in themes.values())
    scores = [tr.score for tr in themes.values() if tr.score is not None]
    inh = [tr.inherent_score for tr in themes.values() if tr.inherent_score is not None]
    inherent_level = worst(tr.inherent for tr in themes.values())
    top = sorted((tr for tr in themes.values() if tr.score is not None),
                 key=lambda tr: (-level_rank(tr.level), -(tr.score or 0.0), -(tr.severity or 0),
                                 tr.theme))
    severity = top[0].severity if top else None
    main = _main_evidence(evidence, themes, top, level)
    template = RiskAssessment(level=level, score=max(scores) if scores else None, themes=themes,
                              flags=flags, inherent_level=inherent_level,
                              inherent_score=max(inh) if inh else None, severity=severity,
                              evidence=tuple(evidence), main=main)
    template.plan = template
    changing = frozenset(slot_index.values())
    reason_slots = []
    if changing:
        for k, order in orders.items():
            at = tuple((pos, i) for pos, i in enumerate(order) if i in changing)
            if at:
                reason_slots.append((k, at))
    return _Plan(template, tuple(sorted(slot_index.items())), tuple(reason_slots))


_LAST_RULES = frozenset({"not-applicable"})


def _theme_reasons(t: ThemeRisk, evidence) -> list[Flag]:
    """The evidence of one theme as flags, data gaps and not-applicable last."""
    return _reasons(t, evidence, _reason_order(t, evidence))


def _reasons(t: ThemeRisk, evidence, order: list[int]) -> list[Flag]:
    return [Flag(t.theme, t.level if evidence[i].kind != "gap" else UNKNOWN,
                 evidence[i].rule, evidence[i].value, evidence[i].source) for i in order]


def _reason_order(t: ThemeRisk, evidence) -> list[int]:
    """The evidence indices of a theme in the order of its reasons: a stable sort on (data
    gap or theme unknown, not-applicable rule)."""
    if len(t.evidence) < 2:
        return list(t.evidence)
    unknown = t.level == UNKNOWN
    first: list[int] = []
    late: list[int] = []
    gaps: list[int] = []
    late_gaps: list[int] = []
    for i in t.evidence:
        ev = evidence[i]
        if unknown or ev.kind == "gap":
            (late_gaps if ev.rule in _LAST_RULES else gaps).append(i)
        else:
            (late if ev.rule in _LAST_RULES else first).append(i)
    return first + late + gaps + late_gaps


@dataclass(frozen=True, slots=True)
class _Plan:
    """The assessment of a place with one set of kinds of row signals, shared by every supplier
    whose row gives those kinds: levels, scores, evidence references and reasons, with
    placeholders where a supplier's own text (an audit date, a worker count) goes."""

    template: RiskAssessment
    site_slots: tuple[tuple[int, int], ...]  # (row-signal slot, index of its evidence item)
    reason_slots: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # theme -> (reason, item)


def _site_themes(plan: _Plan, evidence: tuple[Evidence, ...]) -> dict[str, ThemeRisk]:
    """The plan's themes with one supplier's own evidence texts in their reasons."""
    themes = dict(plan.template.themes)
    for key, at in plan.reason_slots:
        t = themes[key]
        reasons = list(t.reasons)
        for pos, i in at:
            f, ev = reasons[pos], evidence[i]
            reasons[pos] = Flag(f.theme, f.level, f.rule, ev.value, ev.source)
        themes[key] = ThemeRisk(t.theme, t.level, t.score, t.severity, t.likelihood, reasons,
                                t.inherent_level, t.inherent_score, t.evidence)
    return themes


class SiteThemes(Mapping[str, ThemeRisk]):
    """The themes of suppliers assessed alike: their plan's levels, scores and evidence
    references, with the suppliers' own evidence texts in the reasons. Read-only; the
    ThemeRisk objects are made on the first read of a theme (keys, length and membership are
    the plan's, so nothing is made for them)."""

    __slots__ = ("_evidence", "_made", "_plan")

    def __init__(self, plan: _Plan, evidence: tuple[Evidence, ...]) -> None:
        self._plan, self._evidence = plan, evidence
        self._made: dict[str, ThemeRisk] | None = None

    def _themes(self) -> dict[str, ThemeRisk]:
        made = self._made
        if made is None:
            made = self._made = _site_themes(self._plan, self._evidence)
        return made

    def __getitem__(self, key: str) -> ThemeRisk:
        return self._themes()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._plan.template.themes)

    def __len__(self) -> int:
        return len(self._plan.template.themes)

    def __contains__(self, key: object) -> bool:
        return key in self._plan.template.themes

    def keys(self) -> KeysView[str]:
        return self._plan.template.themes.keys()

    def items(self) -> ItemsView[str, ThemeRisk]:
        return self._themes().items()

    def values(self) -> ValuesView[ThemeRisk]:
        return self._themes().values()

    def shared(self) -> Mapping[str, ThemeRisk]:
        """The plan's themes: the same levels, scores and evidence references, with the
        placeholder reasons every supplier of the plan shares (no reason is made)."""
        return self._plan.template.themes

    def levels(self) -> dict[str, str]:
        """Theme -> level, in theme order: the plan's, so no reason is made for them."""
        return {k: t.level for k, t in sorted(self._plan.template.themes.items())}

    def __repr__(self) -> str:
        return repr(self._themes())


def _strength(ev: Evidence) -> float:
    for word in ev.effect.split():
        try:
            return float(word.rstrip(","))
        except ValueError:
            continue
    return 0.0


def _main_evidence(evidence: list[Evidence], themes: dict, top: list, level: str) -> tuple[int, ...]:
    """Evidence of the themes at the supplier's level: specific first, then place evidence by
    strength, then the site evidence that raised it; data gaps never."""
    keys = {t.theme for t in top if t.level == level}
    ids = {i for k in keys for i in themes[k].evidence}
    chosen = [i for i in ids if evidence[i].kind != "gap" and evidence[i].rule != "not-applicable"]
    return tuple(sorted(chosen, key=lambda i: (_main_order(evidence[i]), -_strength(evidence[i]), i)))


def _main_order(ev: Evidence) -> int:
    """Specific evidence, then site findings, then evidence about the product and place, then
    what the site lacks, then the country's governance rank (context), then what lowers risk."""
    if ev.specific:
        return 0
    if ev.rule in ("audit-failed", "policy-override"):
        return 1
    if ev.kind == "place" and ev.rule != "governance-baseline":
        return 2
    if ev.rule in UNVERIFIED_RULES or ev.rule in ("missing-address", "large-workforce"):
        return 3
    if ev.rule == "governance-baseline":
        return 4
    return 5


# ---------------------------------------------------------------- public entry points


def _iso(country) -> str | None:
    if not country:
        return None
    text = str(country).strip()
    if len(text) == 2 and text.isupper():
        return text
    return to_iso2(text)


# What people write in a cell for "nothing here": no data, never a value (an audit standard
# 'n/a' is no audit recorded, a product '?' no product). Compared as phrase keys, so
# punctuation-only cells ('-', '?', '--') are placeholders too.
PLACEHOLDERS = frozenset({"", "n a", "na", "n v t", "nvt", "nil", "null", "none", "geen",
                          "unknown", "onbekend", "unk", "tbd", "tba", "not available",
                          "niet beschikbaar", "not applicable", "niet van toepassing",
                          "no audit", "geen audit", "not audited", "niet geaudit"})


@lru_cache(maxsize=65536)
def is_placeholder(text: str) -> bool:
    """True for a cell that only says there is no data ('n/a', '-', '?', 'onbekend')."""
    return phrase_key(text) in PLACEHOLDERS


def _given(text: str | None) -> str | None:
    """The cell's text, or None where it is empty or a placeholder."""
    return text if text and not is_placeholder(text) else None


def _cells(values) -> tuple[str, ...]:
    if not values:
        return ()
    if isinstance(values, str):
        values = [values]
    if len(values) == 1:  # the usual case: one product or process per cell
        v = values[0].strip() if values[0] else ""
        return (v,) if v and not is_placeholder(v) else ()
    return tuple(sorted({v.strip() for v in values
                         if v and v.strip() and not is_placeholder(v)}))


def _region_text(country: str | None, *texts) -> str:
    """The region-table aliases found in the region, city and address cells, as a key.

    Only what the region table can match is kept (each matching alias once, " | "
    between them), so suppliers whose addresses differ but name the same region, or none,
    share one place and one assessment. China only has entries today; other countries skip
    the work.
    """
    if not country or country not in _region_countries():
        return ""
    present = [t for t in texts if t]
    probe = _region_probe(country)
    if probe is not None and all(isinstance(t, str) and t.isascii() for t in present):
        # ASCII text keeps its letters in its words (lower case, at most a plural 's' less):
        # without the first word of an alias as one of its words, no alias can be found.
        if probe.search(" ".join(present).lower()) is None:
            return ""
    key = " " + " ".join(_region_words(t) for t in present) + " "
    found = sorted({a for r in tables.region_rules() if r.country == country
                    for a in r.aliases if f" {a} " in key and _as_place(a, key)})
    return " | ".join(found)


# A street word after a region's name makes it a street named after the region ('Urumqi
# Middle Road' in Shanghai, 'Xinjiang Lu' in Qingdao), not the place itself.
_STREET_AFTER = re.compile(
    r" (?:(?:middle|mid|central|east|west|north|south|upper|lower|zhong|dong|xi|bei|nan"
    r"|[0-9]+(?:st|nd|rd|th)?) )?(?:road|rd|lu|street|st|avenue|ave|jie|dajie|lane|ln|alley"
    r"|hutong|xiang|boulevard|blvd|dadao|highway|hwy|expressway|dao)(?= )")
_SYLLABLES = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _region_words(text: str) -> str:
    """A cell's words as region aliases are found in them. Chinese script is also read one
    syllable a word ('新疆乌鲁木齐' -> 'xin jiang wu lu mu qi'), as it is written unspaced."""
    key = phrase_key(text)
    if text.isascii():
        return key
    return key + " " + phrase_key(_SYLLABLES.sub(" ", anyascii(text)))


def _as_place(alias: str, key: str) -> bool:
    """True where the alias occurs in the key at least once not as the name of a street."""
    return any(_STREET_AFTER.match(key, m.end()) is None
               for m in re.finditer(f"(?<= ){re.escape(alias)}(?= )", key))


@lru_cache(maxsize=1)
def _region_countries() -> frozenset:
    return frozenset(r.country for r in tables.region_rules())


@lru_cache(maxsize=64)
def _region_probe(country: str) -> re.Pattern[str] | None:
    """A pattern of the first words of the country's region aliases (None: no shortcut)."""
    aliases = [a for r in tables.region_rules() if r.country == country for a in r.aliases]
    if not aliases or not all(a.strip() for a in aliases):
        return None
    firsts = "|".join(sorted({re.escape(a.split()[0]) for a in aliases}))
    return re.compile(f"(?<![a-z0-9])(?:{firsts})s?(?![a-z0-9])")


def supplier_products(supplier: Supplier) -> tuple[str, ...]:
    """The product cells risk reads; many real lists have only a sector column ("Apparel")."""
    return _cells(supplier.product) or _cells(supplier.sector)


def assess_location(country, products, processes, profile: Profile, policy: Policy,
                    region: str | None = None) -> list[ThemeRisk]:
    """Every theme's inherent risk for a place and its products and processes (no site row)."""
    iso = _iso(country)
    place = _place(iso, _region_text(iso, region), _cells(products), _cells(processes),
                   profile.key, _indicator_key(policy))
    return list(_assess(place, (), profile, policy, iso).template.themes.values())


def assess_place(country, products, processes, profile: Profile, policy: Policy,
                 region: str | None = None) -> RiskAssessment:
    """The whole assessment (evidence, themes) of a place with no site evidence."""
    iso = _iso(country)
    place = _place(iso, _region_text(iso, region), _cells(products), _cells(processes),
                   profile.key, _indicator_key(policy))
    return _assess(place, (), profile, policy, iso).template


_MAX_CACHED = 200_000  # distinct results an assessor keeps before it starts over


class Assessor:
    """Assesses the suppliers of lists under one profile, policy, date and set of columns.

    Work is done once per distinct key, never per row: a row's risk once per distinct set of
    the fields it reads; the place evidence once per place; row signals once per distinct set
    of their fields (each group of columns once per distinct value); a plan (levels, scores,
    evidence references) once per place and kinds of row signals; the result once per place
    and row signals, its site evidence items once per distinct text. Suppliers with the same
    result share its themes, flags and evidence (read-only); each gets its own assessment
    object for what is its own (priority, upstream risk).
    """

    def __init__(self, profile: Profile, policy: Policy, as_of: date,
                 columns: frozenset | None) -> None:
        self.profile, self.policy, self.as_of, self.columns = profile, policy, as_of, columns
        self._indicators = _indicator_key(policy)
        self._large = policy.large_workforce
        self._certs = bool(policy.accepted_certifications)
        has = (lambda f: True) if columns is None else (lambda f: f in columns)
        self._audit_listed = any(has(f) for f in AUDIT_FIELDS)
        self._address = (_address_signals(has("address"), True),
                         _address_signals(has("address"), False))  # by "no address"
        self._workers_listed = has("workers")
        self._action_headers: dict[str, bool] = {}
        self._countries: dict[str | None, tuple[str | None, bool]] = {}  # cell -> (iso, by region)
        self._rows: dict[tuple, tuple] = {}  # the fields a row's risk reads -> its result
        self._cells: dict[tuple, int] = {}  # (country, product, sector, process, region) -> place
        self._places: dict[tuple, int] = {}  # (iso, region, products, processes) -> place id
        self._facts: list[tuple[_Place, _PlaceFacts, str | None]] = []  # per place id
        self._signals: dict[tuple, tuple[tuple, int, int]] = {}  # -> (signals, id, kinds id)
        self._audits: dict[tuple, tuple] = {}
        self._workforces: dict[int | None, tuple] = {}
        self._certifications: dict[tuple, tuple] = {}
        self._actions: dict[tuple, tuple] = {}
        self._kind_ids: dict[tuple, int] = {}  # the (rule, scope, effect) of each signal -> id
        self._kinds: list[tuple] = []  # per kinds id: the signals with placeholder texts
        self._plans: dict[tuple[int, int], tuple[_Plan, tuple]] = {}  # -> (plan, site slots)
        self._outcomes: dict[tuple, tuple] = {}  # theme outcomes shared by all places
        self._results: dict[tuple[int, int], tuple] = {}  # (place id, signals id) -> result
        self._templates: dict[tuple[Evidence, Flag], int] = {}  # a plan's site item -> id
        self._items: dict[tuple[int, str, str], tuple[Evidence, Flag]] = {}

    def _is_action_header(self, header: str) -> bool:
        hit = self._action_headers.get(header)
        if hit is None:
            hit = self._action_headers[header] = _is_action_header(header)
        return hit

    def assess(self, supplier: Supplier) -> RiskAssessment:
        """The supplier's own risk per theme, inherent and residual."""
        s = supplier
        country = s.country
        known = self._countries.get(country)
        if known is None:
            iso = _iso(country)
            known = self._countries[country] = (iso, iso in _region_countries())
        iso, by_region = known
        workers = s.workers
        key = (country, tuple(s.product), tuple(s.sector), tuple(s.process),
               _region_text(iso, s.region, s.city, s.address) if by_region else "",
               s.audit_date, s.audit_standard, s.audit_result, not s.address,
               workers if workers is not None and workers >= self._large else None,
               tuple(s.certifications) if self._certs else (),
               _action_items(s.extra, self._is_action_header) if s.extra else ())
        r = self._rows.get(key)
        if r is None:
            if len(self._rows) >= _MAX_CACHED:
                self._rows.clear()
                self._results.clear()
                self._items.clear()
            r = self._rows[key] = self._result(key, iso)
        share = s.purchase_share
        return RiskAssessment(r[0], r[1], r[2], r[3], None, [], r[4], r[5], r[6], r[7], r[8],
                              (*r[10], workers if workers is not None else -1,
                               share if share is not None else -1.0), None, r[9])

    def _result(self, key: tuple, iso: str | None) -> tuple:
        """(level, score, themes, flags, inherent level and score, severity, evidence, main,
        plan, priority key head) of the rows with this key."""
        cells = key[:5]
        pid = self._cells.get(cells)
        if pid is None:
            _, product, sector, process, region = cells
            products, processes = _cells(product) or _cells(sector), _cells(process)
            place_key = (iso, region, products, processes)
            pid = self._places.get(place_key)
            if pid is None:
                pid = self._places[place_key] = len(self._facts)
                place = _place(iso, region, products, processes, self.profile.key,
                               self._indicators)
                self._facts.append((place, _place_facts(place, self.profile, self.policy, iso), iso))
            self._cells[cells] = pid
        signal_key = key[5:] if iso is not None else (*key[5:], key[0])
        sig = self._signals.get(signal_key)
        if sig is None:
            sig = self._signals[signal_key] = self._row_signals(signal_key, iso)
        signals, sid, kid = sig
        r = self._results.get((pid, sid))
        if r is None:
            r = self._results[(pid, sid)] = self._materialise(pid, kid, signals)
        return r

    def _row_signals(self, key: tuple, iso: str | None) -> tuple[tuple, int, int]:
        """A row's signals, with their id and the id of their kinds, from its signal fields."""
        audit_date, standard, result, no_address, workers, certs, action = key[:7]
        audit = self._audits.get(key[:3])
        if audit is None:
            audit = self._audits[key[:3]] = _audit_signals(audit_date, standard, result,
                                                           self.policy, self.as_of,
                                                           self._audit_listed)
        workforce = self._workforces.get(workers)
        if workforce is None:
            workforce = self._workforces[workers] = _workforce_signals(self._workers_listed,
                                                                       workers, self.policy)
        signals = audit + self._address[no_address] + workforce
        if certs:
            found = self._certifications.get(certs)
            if found is None:
                found = self._certifications[certs] = _certification_signals(certs, self.policy)
            signals += found
        if action:
            done = self._actions.get(action)
            if done is None:
                done = self._actions[action] = _action_signals(action)
            signals += done
        if iso is None:
            signals += (_unknown_country_signal(key[7]),)
        # Suppliers differing only in the text of their row signals (audit dates, worker
        # counts) share one plan: its levels, scores and evidence references.
        kinds = tuple((rule, scope, effect) for rule, scope, effect, _, _ in signals)
        kid = self._kind_ids.get(kinds)
        if kid is None:
            kid = self._kind_ids[kinds] = len(self._kinds)
            self._kinds.append(tuple((rule, scope, effect, f"\x00{n}", "")
                                     for n, (rule, scope, effect) in enumerate(kinds)))
        return signals, len(self._signals), kid

    def _materialise(self, pid: int, kid: int, signals: tuple) -> tuple:
        """The result of a place and row signals: its plan with the rows' own texts in the
        site evidence items (each distinct item made once)."""
        entry = self._plans.get((pid, kid))
        if entry is None:
            place, facts, iso = self._facts[pid]
            plan = _assess(place, self._kinds[kid], self.profile, self.policy, iso, facts,
                           self._outcomes)
            t = plan.template
            site = tuple((slot, i, self._templates.setdefault((t.evidence[i], t.flags[i]),
                                                               len(self._templates)))
                         for slot, i in plan.site_slots)
            entry = self._plans[(pid, kid)] = (plan, site)
        plan, site = entry
        t = plan.template
        themes: Mapping[str, ThemeRisk]
        if site:
            evidence, flags = list(t.evidence), list(t.flags)
            items = self._items
            for slot, i, tid in site:
                _, _, _, text, source = signals[slot]
                item = items.get((tid, text, source))
                if item is None:
                    e, f = t.evidence[i], t.flags[i]
                    item = items[(tid, text, source)] = (
                        Evidence(e.rule, e.kind, text, source, e.themes, e.effect, e.specific),
                        Flag(f.theme, f.level, f.rule, text, source))
                evidence[i], flags[i] = item
            shared = tuple(evidence)
            themes = SiteThemes(plan, shared)
        else:
            shared, themes, flags = t.evidence, t.themes, t.flags
        return (t.level, t.score, themes, flags, t.inherent_level, t.inherent_score, t.severity,
                shared, t.main, t, (t.score if t.score is not None else -1.0, t.severity or 0))


_ASSESSORS: dict[tuple, Assessor] = {}
_LAST: list[tuple[Profile, Policy, date, frozenset | None, Assessor]] = []


def assessor(profile: Profile, policy: Policy, as_of: date | None = None,
             columns: frozenset | None = None) -> Assessor:
    """The assessor for these settings; one per distinct profile, policy, date and columns,
    so the lists of one run (check, aggregate) share its work."""
    as_of = as_of or date.today()
    if _LAST:
        p, pol, d, cols, found = _LAST[0]
        if p is profile and pol is policy and d == as_of and (cols is columns or cols == columns):
            return found
    key = (profile.key, _policy_key(policy), as_of, columns)
    made = _ASSESSORS.get(key)
    if made is None:
        if len(_ASSESSORS) >= 16:
            _ASSESSORS.clear()
        made = _ASSESSORS[key] = Assessor(profile, policy, as_of, columns)
    _LAST[:] = [(profile, policy, as_of, columns, made)]
    return made


def assess_supplier(supplier: Supplier, profile: Profile, policy: Policy,
                    as_of: date | None = None, columns: frozenset | None = None) -> RiskAssessment:
    """The supplier's own risk per theme, inherent and residual (upstream is the chain's job).

    `columns` names the canonical fields the list has (SupplierList.columns); a field outside
    it is a data gap. None: every field is taken as present. The returned themes, flags and
    evidence are shared between suppliers with the same assessment: treat them as read-only.
    """
    return assessor(profile, policy, as_of, columns).assess(supplier)


def assess_suppliers(suppliers: Iterable[Supplier], profile: Profile, policy: Policy,
                     as_of: date | None = None,
                     columns: frozenset | None = None) -> dict[str, RiskAssessment]:
    """assess_supplier for each supplier of a list, by supplier id, with one assessor.

    The cyclic garbage collector is paused meanwhile: the assessments and what they share
    stay alive and hold no cycles to collect, so its passes would only rescan them.
    """
    assess = assessor(profile, policy, as_of, columns).assess
    with gc_paused():
        return {s.id: assess(s) for s in suppliers}


def place_recognition(supplier: Supplier, profile: Profile) -> tuple[bool | None, bool | None]:
    """Whether the supplier's product and process words were recognised (None: none given)."""
    products, processes = supplier_products(supplier), _cells(supplier.process)
    return (_recognised(products, profile.key) if products else None,
            _recognised(processes, profile.key) if processes else None)


@lru_cache(maxsize=65536)
def _recognised(cells: tuple[str, ...], profile_key: str) -> bool:
    profile = load_profile(profile_key)
    return any(match_terms(profile, c) for c in cells)


def sources() -> list[dict]:
    """Name, edition, URL, licence and file of every embedded data source."""
    return [dict(v) for _, v in sorted(tables.source_info().items())]


def source_list() -> list[dict]:
    """The embedded sources as the JSON documents list them: name, edition, URL, licence and
    `cited_as`, the text an evidence item's `source` cites it by (name and edition)."""
    return [{"name": v["name"], "edition": v["edition"], "url": v["url"],
             "licence": v["licence"], "cited_as": tables.citation(k)}
            for k, v in sorted(tables.source_info().items())]
