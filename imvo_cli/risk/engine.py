"""OECD-style scoring: per theme, severity (1-5) x likelihood (1-5) -> score 0-100 -> level.

Evidence about a place and its products (DOL lists, governance, process knowledge, the
user's own indicators) is computed once per distinct (country, products, processes, profile,
policy) and cached; the supplier's own row (audit, address, workforce, certifications) then
adjusts severity and likelihood cheaply per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..model import LEVELS, UNKNOWN, Flag, RiskAssessment, Supplier, ThemeRisk, level_rank
from ..policy import Policy
from . import tables
from .profiles import Profile, Term, load_profile, match_terms, phrase_key

SCORE_FACTOR = 4  # 5 x 5 x 4 = 100

# Mean percentile rank (0-100, higher = stronger governance) -> likelihood. Only the weakest
# twentieth of countries reach 5 on governance alone.
GOVERNANCE_BANDS = ((75.0, 1), (45.0, 2), (20.0, 3), (5.0, 4), (0.0, 5))

FAILED_WORDS = {"fail", "failed", "fails", "failure", "noncompliant", "unacceptable",
                "insufficient", "rejected", "afgekeurd", "onvoldoende", "not passed",
                "non compliant", "niet geslaagd"}
ZERO_TOLERANCE = {"zero tolerance", "zt", "zero tolerance finding", "nultolerantie"}
FAILED_GRADES = {"d", "e"}
UNVERIFIED = {"no-audit", "audit-expired", "missing-address"}
UNVERIFIED_FROM = 3  # evidence likelihood from which an unverified location moves up a step  # amfori BSCI ratings D (insufficient) and E (unacceptable)


def level_for_score(score: int | None, thresholds: dict[str, int]) -> str:
    """The level a score reaches under the policy thresholds (None -> unknown)."""
    if score is None:
        return UNKNOWN
    level = "low"
    for name in ("medium", "high", "critical"):
        if score >= thresholds[name]:
            level = name
    return level


def score_of(severity: int, likelihood: int, weight: float = 1.0) -> int:
    return min(100, int(round(severity * likelihood * SCORE_FACTOR * weight)))


def governance_likelihood(rank: float) -> int:
    for floor, likelihood in GOVERNANCE_BANDS:
        if rank >= floor:
            return likelihood
    return 5


@dataclass(frozen=True, slots=True)
class _Base:
    """Evidence about a place and its products for one theme, before the supplier's row."""

    theme: str
    severity: int
    likelihood: int | None
    reasons: tuple[Flag, ...]
    applicable: bool = True  # False: theme does not concern these products (low, score 0)


def _clamp(v: int) -> int:
    return max(1, min(5, v))


# ---------------------------------------------------------------- place and product evidence


def _dol_country_signal(iso: str) -> tuple[int, str] | None:
    c = tables.dol_countries().get(iso)
    if c is None:
        return None
    parts, lik = [], 0
    adv = c.advancement.lower()
    if adv.startswith("no advancement"):
        lik, parts = 3, [f"advancement level '{c.advancement}'"]
    elif adv.startswith("minimal advancement"):
        lik, parts = 2, [f"advancement level '{c.advancement}'"]
    elif adv.startswith(("moderate", "significant")):
        lik, parts = 1, [f"advancement level '{c.advancement}'"]
    if c.working_children_share is not None:
        s = c.working_children_share
        share_lik = 3 if s >= 0.10 else 2 if s >= 0.03 else 1
        lik = max(lik, share_lik)
        parts.append(f"{s:.1%} of children aged {c.age_range} work")
    if not lik:
        return None
    return lik, f"{c.dol_country}: " + "; ".join(parts)


def _matched(profile: Profile, products: tuple[str, ...], processes: tuple[str, ...]):
    """[(field, cell text, Term)] for every vocabulary word in the product and process cells."""
    out = []
    for fld, cells in (("product", products), ("process", processes)):
        for cell in cells:
            for term in match_terms(profile, cell):
                out.append((fld, cell, term))
    return out


@lru_cache(maxsize=65536)
def _location(country: str | None, products: tuple[str, ...], processes: tuple[str, ...],
              profile_key: str, indicators: tuple, thresholds: tuple) -> tuple[_Base, ...]:
    profile = load_profile(profile_key)
    th = dict(thresholds)
    matches = _matched(profile, products, processes)
    tags = {tag for _, _, t in matches for tag in t.tags}
    has_items = bool(products or processes)
    gov = tables.wgi().get(country) if country else None
    dol = tables.dol_goods()
    rules = tables.process_rules()
    checked = [tables.citation("wgi")]
    out = []
    for theme in profile.theme_defs:
        sev = theme.severity
        signals: list[tuple[int, int, str, str, str]] = []  # (likelihood, severity, rule, evidence, source)
        if theme.applies_to and theme.applies_to not in tags:
            if has_items:
                cells = "; ".join(products + processes)
                flag = Flag(theme.key, "low", "not-applicable",
                            f"no {theme.applies_to.replace('_', ' ')} product or process in: {cells}",
                            f"imvo sector profile '{profile.key}' ({profile.covenant})")
                out.append(_Base(theme.key, sev, None, (flag,), applicable=False))
            else:
                flag = Flag(theme.key, UNKNOWN, "no-product-data",
                            "no product or process given: cannot tell whether this theme applies",
                            f"imvo sector profile '{profile.key}' ({profile.covenant})")
                out.append(_Base(theme.key, sev, None, (flag,)))
            continue
        # 1. governance baseline (World Bank WGI)
        if gov and theme.wgi:
            year, ranks = gov
            dims = [(d, ranks[d]) for d in theme.wgi if d in ranks]
            if dims:
                mean = sum(r for _, r in dims) / len(dims)
                lik = governance_likelihood(mean)
                ev = ", ".join(f"{d} {r:.0f}" for d, r in dims)
                signals.append((lik, sev, "governance-baseline",
                                f"{country} {year} percentile rank {ev} (mean {mean:.0f}) -> likelihood {lik}",
                                tables.citation("wgi")))
        # 2. DOL country child-labour profile
        if theme.dol_country and country:
            sig = _dol_country_signal(country)
            if sig:
                signals.append((sig[0], sev, "dol-country-profile", sig[1],
                                tables.citation("dol_countries")))
            checked.append(tables.citation("dol_countries"))
        # 3. DOL goods listed for this country
        if theme.dol and country:
            seen_goods = set()
            for fld, cell, term in matches:
                for good in sorted(term.goods):
                    listing = dol.get((good, country))
                    if listing is None or good in seen_goods:
                        continue
                    listed = listing.child_labour if theme.dol == "child_labour" else listing.forced_labour
                    if not listed:
                        continue
                    seen_goods.add(good)
                    lik = 4 if listing.forced_child_labour else 3
                    finding = "Child_Labor=Yes" if theme.dol == "child_labour" else "Forced_Labor=Yes"
                    if listing.forced_child_labour:
                        finding += ", Forced_Child_Labor=Yes"
                    signals.append((lik, sev, "dol-listed-good",
                                    f"{fld} '{cell}' -> DOL good '{good}', listed for "
                                    f"{listing.dol_country}: {finding}",
                                    tables.citation("dol_goods")))
        # 4. process x theme knowledge
        for fld, cell, term in matches:
            for rule in rules.get(term.phrase, ()):
                if rule.theme != theme.key or (rule.sectors and profile.key not in rule.sectors):
                    continue
                if rule.countries and country not in rule.countries:
                    continue
                sev = max(sev, rule.severity)
                signals.append((rule.min_likelihood or 0, rule.severity, "process-knowledge",
                                f"{fld} '{cell}': {rule.rationale}", rule.reference))
        # 5. the user's own indicator copies (e.g. ITUC Global Rights Index)
        for ind_theme, ind_file, ind_name, ind_edition in indicators:
            if ind_theme != theme.key:
                continue
            src = f"{ind_name} ({ind_edition}), {Path(ind_file).name}"
            rating = tables.user_indicator(ind_file).get(country) if country else None
            if rating is None:
                signals.append((0, sev, "indicator-no-data",
                                f"{ind_name} has no rating for {country or 'an unknown country'}", src))
            else:
                signals.append((rating, sev, "user-indicator",
                                f"{ind_name}: {country} rated {rating} -> likelihood {rating}", src))
        liks = [s[0] for s in signals if s[0]]
        likelihood = _clamp(max(liks)) if liks else None
        reasons = []
        for lik, s_sev, rule, evidence, source in signals:
            own = lik or likelihood
            lvl = level_for_score(score_of(s_sev, own), th) if own else UNKNOWN
            reasons.append(Flag(theme.key, lvl, rule, evidence, source))
        if likelihood is None:
            where = country or "an unknown country"
            reasons.append(Flag(theme.key, UNKNOWN, "no-data",
                                f"no data on this theme for {where}: unknown is not low",
                                "checked: " + "; ".join(dict.fromkeys(checked))))
        out.append(_Base(theme.key, sev, likelihood, tuple(reasons)))
    return tuple(out)


# ---------------------------------------------------------------- the supplier's own row


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


def _row_signals(s: Supplier, policy: Policy, as_of: date) -> tuple:
    """The supplier's own signals as a hashable tuple of (rule, scope, delta, evidence, source)
    where scope is 'labour' or a theme key, delta is +n/-n likelihood, or ('sev', n)."""
    sig = []
    src = "supplier list"
    audited = s.audit_date or s.audit_standard or s.audit_result
    if not audited:
        sig.append(("no-audit", "labour", 1, "no social audit recorded (standard, date, result empty)", src))
    elif s.audit_date is None:
        sig.append(("no-audit", "labour", 1,
                    f"audit {s.audit_standard or s.audit_result!r} has no date: validity cannot be checked", src))
    else:
        age = _months_between(s.audit_date, as_of)
        if age > policy.audit_max_age_months:
            sig.append(("audit-expired", "labour", 1,
                        f"audit of {s.audit_date.isoformat()} is {age} months old on {as_of.isoformat()} "
                        f"(valid {policy.audit_max_age_months} months)",
                        f"{src}; policy audit_max_age_months ({_policy_name(policy)})"))
    kind = _audit_result_kind(s.audit_result)
    if kind == "zero_tolerance":
        sig.append(("audit-zero-tolerance", "labour", "set5",
                    f"audit result {s.audit_result!r}: zero-tolerance finding", src))
    elif kind == "failed":
        sig.append(("audit-failed", "labour", 1, f"audit result {s.audit_result!r}", src))
    if not s.address:
        sig.append(("missing-address", "labour", 1,
                    "no street address: the location cannot be verified or visited", src))
    if s.workers is not None and s.workers >= policy.large_workforce:
        sig.append(("large-workforce", "labour", "sev+1",
                    f"{s.workers} workers (policy large_workforce {policy.large_workforce}): "
                    "more people affected", f"{src}; policy ({_policy_name(policy)})"))
    if policy.accepted_certifications and s.certifications:
        accepted = {_norm_cert(k): (k, tuple(v)) for k, v in policy.accepted_certifications.items()}
        for cert in s.certifications:
            n = _norm_cert(cert)
            hit = accepted.get(n) or next((v for k, v in accepted.items() if k and n.startswith(k)), None)
            if hit:
                name, themes = hit
                for t in themes:
                    sig.append(("accepted-certification", "labour" if t == "*" else t, -1,
                                f"certification {cert!r} accepted for this theme in the policy",
                                f"policy accepted_certifications.{name} ({_policy_name(policy)})"))
    return tuple(sig)


def _policy_name(policy: Policy) -> str:
    return policy.path or "defaults"


def _policy_key(policy: Policy) -> tuple:
    return (tuple(sorted(policy.thresholds.items())), tuple(sorted(policy.theme_weights.items())),
            policy.overrides, policy.indicators, policy.path)


def _indicator_key(policy: Policy) -> tuple:
    return tuple((i.theme, i.file, i.name, i.edition) for i in policy.indicators)


@dataclass(frozen=True, slots=True)
class _ThemePlan:
    """One theme's outcome for a place and a set of row-signal *kinds*, before evidence text.

    `parts` lists the theme's reasons in order: a shared Flag, or (signal index, level) for a
    flag that quotes the supplier's own row (its text differs from supplier to supplier).
    """

    theme: str
    level: str
    score: int | None
    severity: int | None
    likelihood: int | None
    parts: tuple
    shared: bool  # no row flags: one ThemeRisk serves every supplier with this plan


@dataclass(frozen=True, slots=True)
class _Plan:
    themes: tuple[_ThemePlan, ...]
    level: str
    score: int | None
    order: tuple[tuple[int, int], ...]  # flags worst first: (theme index, reason index)


def _plan(bases: tuple[_Base, ...], profile: Profile, country: str | None, effects: tuple,
          policy: Policy) -> _Plan:
    """Levels and scores from the place evidence and the kinds of row signals.

    `effects` holds (rule, scope, delta) per row signal; the evidence text of those signals
    does not change any level, so suppliers differing only in it (audit dates, worker
    counts) share one plan.
    """
    th = policy.thresholds
    themes = []
    unknown_country = [i for i, e in enumerate(effects) if e[1] == "all"]
    for base in bases:
        theme = profile.theme(base.theme)
        parts: list = list(base.reasons)
        if not base.applicable:
            level, score, sev, lik = "low", 0, None, None
        else:
            sev, lik = base.severity, base.likelihood
            row: list[int] = []
            unverified = False
            for i, (rule, scope, delta) in enumerate(effects):
                if scope == "all":
                    continue
                if scope == "labour" and not theme.labour:
                    continue
                if scope not in ("labour", base.theme):
                    continue
                if rule in UNVERIFIED:
                    # No audit, an expired one and a missing address all say "not verified":
                    # together they raise likelihood once, and only where the evidence already
                    # points to a risk (likelihood >= 3). Audits are not expected in low-risk
                    # countries, so their absence there is no finding.
                    if lik is None or base.likelihood < UNVERIFIED_FROM:
                        continue
                    if unverified:
                        row.append(i)
                        continue
                    unverified = True
                if delta == "sev+1":
                    sev = min(5, sev + 1)
                elif delta == "set5":
                    lik = 5
                elif lik is not None:
                    lik = _clamp(lik + delta)
                row.append(i)
            score = score_of(sev, lik, policy.theme_weights.get(base.theme, 1.0)) if lik else None
            level = level_for_score(score, th)
            parts.extend((i, level) for i in row)
            override = _override(policy, country, base.theme)
            if override is not None:
                level = override.level
                scope = f"{country} x {base.theme}" if override.theme else f"all themes of {country}"
                parts.append(Flag(base.theme, level, "policy-override",
                                  f"{scope} set to {level}: {override.reason}",
                                  f"policy file {policy.path or 'imvo.toml'}"))
            if not lik:
                sev = None
        parts.extend((i, level) for i in unknown_country)
        themes.append(_ThemePlan(base.theme, level, score, sev, lik, tuple(parts),
                                 all(type(p) is Flag for p in parts)))
    order = [(ti, ri) for ti, t in enumerate(themes) for ri in range(len(t.parts))]
    order.sort(key=lambda tr: -level_rank(_part_level(themes[tr[0]].parts[tr[1]])))
    scores = [t.score for t in themes if t.score is not None]
    return _Plan(tuple(themes), _worst(t.level for t in themes), max(scores) if scores else None,
                 tuple(order))


def _part_level(part) -> str:
    return part.level if type(part) is Flag else part[1]


# Flags quoting a supplier's row, one object per distinct text: 100,000 suppliers repeat a
# few thousand audit dates, worker counts and results, and sharing the objects lets the
# JSON writer encode each distinct flag once.
_ROW_FLAGS: dict[tuple, Flag] = {}


def _row_flag(theme: str, level: str, signal: tuple) -> Flag:
    key = (theme, level, signal)
    flag = _ROW_FLAGS.get(key)
    if flag is None:
        if len(_ROW_FLAGS) >= _MAX_CACHED:
            _ROW_FLAGS.clear()
        flag = _ROW_FLAGS[key] = Flag(theme, level, signal[0], signal[3], signal[4])
    return flag


def _themes_of(plan: _Plan, signals: tuple) -> list[ThemeRisk]:
    out = []
    for t in plan.themes:
        if t.shared:
            reasons = list(t.parts)
        else:
            reasons = [p if type(p) is Flag else _row_flag(t.theme, p[1], signals[p[0]])
                       for p in t.parts]
        out.append(ThemeRisk(t.theme, t.level, t.score, t.severity, t.likelihood, reasons))
    return out


def _override(policy: Policy, country: str | None, theme: str):
    if not country or not policy.overrides:
        return None
    exact = [o for o in policy.overrides if o.country == country and o.theme == theme]
    if exact:
        return exact[-1]
    broad = [o for o in policy.overrides if o.country == country and o.theme is None]
    return broad[-1] if broad else None


# ---------------------------------------------------------------- public entry points


def _iso(country) -> str | None:
    if not country:
        return None
    text = str(country).strip()
    if len(text) == 2 and text.isupper():
        return text
    from ..ingest.countries import to_iso2

    return to_iso2(text)


def _cells(values) -> tuple[str, ...]:
    if not values:
        return ()
    if isinstance(values, str):
        values = [values]
    if len(values) == 1:  # the usual case: one product or process per cell
        v = values[0].strip() if values[0] else ""
        return (v,) if v else ()
    return tuple(sorted({v.strip() for v in values if v and v.strip()}))


def assess_location(country, products, processes, profile: Profile, policy: Policy) -> list[ThemeRisk]:
    """Every theme's risk for a place and its products and processes (no supplier row)."""
    iso = _iso(country)
    bases = _location(iso, _cells(products), _cells(processes), profile.key,
                      _indicator_key(policy), tuple(sorted(policy.thresholds.items())))
    return _themes_of(_plan(bases, profile, iso, (), policy), ())


# Caches per (profile, policy): plans per (place, kinds of row signals), and whole
# assessments per (place, row signals). Suppliers sharing a country, products, processes
# and audit situation share the (read-only) ThemeRisk and Flag objects.
_CACHES: dict[tuple, tuple[dict, dict]] = {}
_MAX_CACHED = 200_000


_LAST: list = [None, None, None]  # (profile, policy, caches) of the previous call


def _caches(profile: Profile, policy: Policy) -> tuple[dict, dict]:
    if _LAST[0] is profile and _LAST[1] is policy:
        found = _LAST[2]
        if len(found[1]) < _MAX_CACHED and len(found[0]) < _MAX_CACHED:
            return found
    key = (profile.key, _policy_key(policy))
    found = _CACHES.get(key)
    if found is None:
        if len(_CACHES) >= 16:
            _CACHES.clear()
        found = _CACHES[key] = ({}, {})
    _LAST[:] = [profile, policy, found]  # Policy is frozen: same object, same key
    plans, assessments = found
    if len(assessments) >= _MAX_CACHED:
        assessments.clear()
    if len(plans) >= _MAX_CACHED:
        plans.clear()
    return found


def assess_supplier(supplier: Supplier, profile: Profile, policy: Policy,
                    as_of: date | None = None) -> RiskAssessment:
    """The supplier's own risk per theme (upstream propagation is the chain's job).

    The returned `themes` dict, `flags` list and the ThemeRisk and Flag objects in them are
    shared between suppliers with the same assessment: treat them as read-only. The
    RiskAssessment itself (upstream_level, upstream_path) is the caller's.
    """
    as_of = as_of or date.today()
    iso = _iso(supplier.country)
    # Many real lists have only a sector column ("Apparel"): read it as the product then.
    products = _cells(supplier.product) or _cells(supplier.sector)
    processes = _cells(supplier.process)
    signals = _row_signals(supplier, policy, as_of)
    if iso is None:
        signals = signals + (("unknown-country", "all", 0,
                              f"country {supplier.country!r} missing or not recognised: country "
                              "evidence cannot be looked up", "supplier list"),)
    plans, assessments = _caches(profile, policy)
    key = (iso, products, processes, signals)
    hit = assessments.get(key)
    if hit is None:
        effects = tuple(sig[:3] for sig in signals)
        plan_key = (iso, products, processes, effects)
        plan = plans.get(plan_key)
        if plan is None:
            bases = _location(iso, products, processes, profile.key, _indicator_key(policy),
                              tuple(sorted(policy.thresholds.items())))
            plan = plans[plan_key] = _plan(bases, profile, iso, effects, policy)
        themes_list = _themes_of(plan, signals)
        flags = [themes_list[ti].reasons[ri] for ti, ri in plan.order]
        hit = assessments[key] = (plan.level, plan.score,
                                  {t.theme: t for t in themes_list}, flags)
    level, score, themes, flags = hit
    return RiskAssessment(level=level, score=score, themes=themes, flags=flags)


def _worst(levels) -> str:
    known = [lvl for lvl in levels if lvl in LEVELS]
    return max(known, key=LEVELS.index) if known else UNKNOWN


def sources() -> list[dict]:
    """Name, edition, URL, licence and file of every embedded data source."""
    return [dict(v) for _, v in sorted(tables.source_info().items())]
