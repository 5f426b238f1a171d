"""Attach Open Supply Hub IDs to suppliers from a facilities download, offline.

The suppliers (thousands) are indexed once by country and block key; the download (hundreds of
thousands of facilities) is streamed past that index, and only facilities that share a key with
a supplier and whose names are at all alike are kept. Word frequencies per country are counted
over the whole download on the way, so words that are common there ("Dongguan", "Tiruppur")
are dropped before scoring, as the facility matcher does within a sector list. Each supplier
then gets its best candidate:

- an OS ID the list already gives is kept (source "input"), and checked against the download;
- a person's decision (decisions file, same as `imvo aggregate`) wins (source "decision");
- a best score at or above the match threshold, with no other facility within
  AMBIGUITY_MARGIN of it, is a sure match (source "osh-match");
- otherwise candidates from the review threshold up go to the Review sheet.

A facility the download marks as closed is flagged on the match and as a warning.
All matcher calls go through the adapter below (`_record`, `_score`, `_keys`, `_alike`,
`_distinctive`), so a new matcher API changes this one block only.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from ..match import carry_over, make_record, score_pair
from ..match.block import COMMON_MIN, COMMON_SHARE, PREFILTER, SUBSET_PREFILTER
from ..match.normalise import core_name, normalise_name
from ..model import ImvoError, Issue, Supplier
from .gazetteer import GazetteerFacility, GazetteerStats, read_gazetteer

SCHEMA = "imvo.osh-match/1"
AMBIGUITY_MARGIN = 0.03  # two facilities this close to each other: a person picks
MAX_POSTING = 250  # a key shared by more suppliers than this says little; pairs of words instead
SMALL_POSTING = 12  # longer posting lists are compared in one C-level call per facility
MAX_REVIEW = 3  # candidates per supplier on the Review sheet
PAIR_WORDS = 8  # words of a facility name combined into word pairs
PROGRESS_EVERY = 20_000  # facilities read between two progress reports
MAX_DUPLICATE_ISSUES = 50  # rows named that repeat an OS ID; then one line for the rest

SOURCE_INPUT, SOURCE_MATCH, SOURCE_DECISION = "input", "osh-match", "decision"
GRAPH_KEY = "osh_matches"  # where attach_to_chain_map leaves the attachments on a ChainMap
# Columns an annotated export adds for the attached OS ID; none is an input header alias, so a
# re-import keeps reading the list's own os_id column only.
ANNOTATED_HEADERS: tuple[str, ...] = ("osh match id", "osh match source")


# ---- adapter over imvo_cli.match -------------------------------------------------------------

def _record(ref: int, name: str, country: str | None, address: str | None = None,
            city: str | None = None, postal_code: str | None = None, os_id: str | None = None):
    return make_record(ref, name, country, address, city, postal_code, os_id)


def _score(a, b):
    return score_pair(a, b)


def _name_core(name: str) -> str:
    """The distinctive words of a name, as the matcher's records hold them."""
    return core_name(normalise_name(name))


def _keys(country: str, core: str) -> list[tuple]:
    """Block keys of a name core: each word, the spacing-free prefix, the sorted letters (the
    same families as match/block.py, which works on a list in memory, not on a stream)."""
    compact = core.replace(" ", "")
    keys: list[tuple] = [("w", country, w) for w in dict.fromkeys(core.split()) if len(w) >= 2]
    if len(compact) >= 4:
        keys.append(("p", country, compact[:8]))
    if len(compact) >= 5:
        keys.append(("l", country, "".join(sorted(compact))))
    return keys


def _pair_keys(country: str, core: str) -> list[tuple]:
    words = sorted(dict.fromkeys(w for w in core.split() if len(w) >= 2))[:PAIR_WORDS]
    return [("ww", country, a, b) for i, a in enumerate(words) for b in words[i + 1:]]


def _alike(core_a: str, core_b: str) -> bool:
    """The matcher's cheap first pass: names at all alike (block.py's prefilter levels)."""
    return (fuzz.ratio(core_a.replace(" ", ""), core_b.replace(" ", "")) >= PREFILTER
            or fuzz.token_set_ratio(core_a, core_b) >= SUBSET_PREFILTER)


def _alike_among(core: str, cores: list[str], compacts: list[str]) -> list[int]:
    """Positions in `cores` that pass the first pass against `core`, in one C-level scan."""
    hits = {j for _, _, j in process.extract(core.replace(" ", ""), compacts, scorer=fuzz.ratio,
                                             score_cutoff=PREFILTER, limit=None)}
    hits.update(j for _, _, j in process.extract(core, cores, scorer=fuzz.token_set_ratio,
                                                 score_cutoff=SUBSET_PREFILTER, limit=None))
    return sorted(hits)


def _distinctive(record, common: set[tuple[str, str]]):
    """A record without the words common in its country (match.distinctive_cores' rule, with
    the frequencies of the whole download)."""
    words = record.core.split()
    kept = [w for w in words if (record.country, w) not in common]
    if kept and len(kept) < len(words) and not all(w.isdigit() for w in kept):
        core = " ".join(kept)
        return replace(record, core=core, core_compact=core.replace(" ", ""))
    return record


def _common_words(freq: dict[str, int], per_country: Counter) -> set[tuple[str, str]]:
    """(country, word) pairs common in the download; `freq` is keyed "CC word" (one string
    per entry instead of a tuple: a full download has hundreds of thousands of words)."""
    out = set()
    for key, n in freq.items():
        if n > COMMON_MIN:
            c, w = key.split(" ", 1)
            if n > COMMON_SHARE * per_country[c]:
                out.add((c, w))
    return out


# ---- results ---------------------------------------------------------------------------------

@dataclass(slots=True)
class OshMatch:
    """One supplier and the OS ID found for it (or not), with the evidence."""

    supplier_id: str
    record_id: str
    name: str
    country: str | None
    address: str | None
    rows: list[int]
    status: str  # "given" | "matched" | "review" | "none"
    os_id: str | None = None  # attached: given, sure match or decided
    source: str | None = None  # "input" | "osh-match" | "decision"
    score: float | None = None
    rule: str | None = None
    fields: dict | None = None
    closed: bool | None = None  # None: not in the download
    osh_name: str | None = None
    osh_address: str | None = None
    candidate_id: str | None = None  # the best candidate's OS ID (also when uncertain)

    def to_dict(self) -> dict[str, Any]:
        return {"supplier_id": self.supplier_id, "record_id": self.record_id,
                "name": self.name, "country": self.country, "rows": self.rows,
                "status": self.status, "os_id": self.os_id, "source": self.source,
                "score": self.score, "rule": self.rule, "fields": self.fields,
                "closed": self.closed, "candidate": self.candidate_id,
                "osh_name": self.osh_name, "osh_address": self.osh_address}


@dataclass(frozen=True, slots=True)
class OsIdAttachment:
    """The OS ID attached to a supplier and where it came from, for JSON and exports."""

    os_id: str
    source: str
    score: float | None
    closed: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {"os_id": self.os_id, "source": self.source, "score": self.score,
                "closed": self.closed}


@dataclass(slots=True)
class ReviewCandidate:
    """A supplier and a facility that may be the same: a person decides same or different."""

    record_id: str
    supplier_id: str
    name: str
    address: str | None
    rows: list[int]
    os_id: str
    osh_name: str
    osh_address: str
    country: str
    score: float
    rule: str
    fields: dict
    closed: bool

    def to_dict(self) -> dict[str, Any]:
        return {"a_id": self.record_id, "supplier_id": self.supplier_id, "name": self.name,
                "b_id": self.os_id, "osh_name": self.osh_name, "osh_address": self.osh_address,
                "country": self.country, "score": self.score, "rule": self.rule,
                "fields": self.fields, "closed": self.closed}


@dataclass(slots=True)
class OshMatchResult:
    """Everything `imvo osh-match` found; writers and the terminal view only read it."""

    matches: list[OshMatch]
    review: list[ReviewCandidate]
    issues: list[Issue]
    stats: GazetteerStats
    threshold: float
    review_threshold: float
    decisions_applied: int = 0
    rejected_rows: list[int] = field(default_factory=list)  # list rows that are no supplier

    def attachments(self) -> dict[str, OsIdAttachment]:
        """Supplier id -> attached OS ID with its source (given, sure match or decided)."""
        return {m.supplier_id: OsIdAttachment(m.os_id, m.source, m.score, m.closed)
                for m in self.matches if m.os_id and m.source}

    def summary(self) -> dict[str, Any]:
        status = Counter(m.status for m in self.matches)
        return {"suppliers": len(self.matches), "rejected_rows": len(self.rejected_rows),
                **{k: status.get(k, 0) for k in ("given", "matched", "review", "none")},
                "closed": sum(1 for m in self.matches if m.os_id and m.closed),
                "review_pairs": len(self.review), "decisions_applied": self.decisions_applied,
                "download": Path(self.stats.file).name, "download_rows": self.stats.rows,
                "download_facilities": self.stats.facilities,
                "download_rows_left_out": self.stats.bad_rows,
                "download_duplicates": self.stats.duplicates,
                "candidate_facilities": self.stats.candidates, "pairs_scored": self.stats.pairs,
                "threshold": self.threshold, "review_threshold": self.review_threshold}

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "summary": self.summary(),
                "matches": [m.to_dict() for m in self.matches],
                "review": [r.to_dict() for r in self.review],
                "issues": [{"file": i.file, **i.to_dict()} for i in self.issues]}


# ---- the supplier index ----------------------------------------------------------------------

@dataclass(slots=True)
class SupplierIndex:
    """Suppliers by block key, built once; the download is streamed past it."""

    records: list
    keys: dict[tuple, list[int]] = field(default_factory=dict)
    pair_countries: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    os_ids: dict[str, list[int]] = field(default_factory=dict)
    scans: dict[tuple, tuple[list[str], list[str]]] = field(default_factory=dict)

    def alike(self, country: str, core: str) -> set[int]:
        """Suppliers sharing a block key with a facility name whose names are at all alike."""
        found: set[int] = set()
        keys = self.keys
        wanted = _keys(country, core)
        if country in self.pair_countries:
            wanted += _pair_keys(country, core)
        checked: set[int] = set()
        for k in wanted:
            hit = keys.get(k)
            if not hit:
                continue
            if len(hit) <= SMALL_POSTING:
                for i in hit:
                    if i not in checked:
                        checked.add(i)
                        if _alike(self.records[i].core, core):
                            found.add(i)
                continue
            cached = self.scans.get(k)
            if cached is None:
                cached = self.scans[k] = ([self.records[i].core for i in hit],
                                          [self.records[i].core_compact for i in hit])
            found.update(hit[j] for j in _alike_among(core, *cached))
        return found


def build_index(records: list) -> SupplierIndex:
    index = SupplierIndex(records)
    keys: dict[tuple, list[int]] = {}
    for i, r in enumerate(records):
        index.countries.add(r.country)
        if r.os_id:
            index.os_ids.setdefault(r.os_id, []).append(i)
        for k in _keys(r.country, r.core):
            keys.setdefault(k, []).append(i)
    common = {k for k, v in keys.items() if len(v) > MAX_POSTING and k[0] in ("w", "p")}
    for k in common:
        del keys[k]
    for i, r in enumerate(records):
        word_keys = [k for k in _keys(r.country, r.core) if k[0] == "w"]
        if word_keys and all(k in common for k in word_keys):
            # Only common words: their pairs are much rarer than either alone.
            for k in _pair_keys(r.country, r.core):
                keys.setdefault(k, []).append(i)
                index.pair_countries.add(r.country)
    index.keys = keys
    return index


# ---- matching --------------------------------------------------------------------------------

def match_suppliers(suppliers: Iterable[Supplier], download: str | Path, *,
                    threshold: float = 0.86, review_threshold: float = 0.70,
                    decisions: dict[frozenset, str] | None = None,
                    on_progress: Callable[[str], None] | None = None) -> OshMatchResult:
    """Attach OS IDs from an OSH facilities download to suppliers (see the module docstring);
    `on_progress(label)` hears how far the download has been read."""
    if not 0 <= review_threshold <= threshold <= 1:
        raise ImvoError(f"the review threshold ({review_threshold}) must lie between 0 and the "
                        f"match threshold ({threshold}), which must be at most 1",
                        code="usage", hint="for example --threshold 0.86 --review-threshold 0.70")
    paused = gc.isenabled()
    gc.disable()  # many small objects, no cycles: the collector would only rescan them
    try:
        return _match(list(suppliers), Path(download), threshold, review_threshold,
                      decisions or {}, on_progress)
    finally:
        if paused:
            gc.enable()


@dataclass(slots=True)
class Candidates:
    """What streaming the download kept: facilities alike to some supplier, and for whom."""

    facilities: list[GazetteerFacility] = field(default_factory=list)
    records: list = field(default_factory=list)  # scoring records, common words dropped
    of_supplier: dict[int, list[int]] = field(default_factory=dict)
    by_os_id: dict[str, int] = field(default_factory=dict)


def stream_candidates(download: Path, index: SupplierIndex, wanted: set[str],
                      issues: list[Issue], stats: GazetteerStats,
                      on_progress: Callable[[str], None] | None = None) -> Candidates:
    """One pass over the download: keep the facilities alike to a supplier (or whose OS ID is
    `wanted`: given in the list, or in a decision), count words per country on the way."""
    found = Candidates()
    freq: dict[str, int] = {}  # "CC word" -> facilities: one string per entry, not a tuple
    per_country: Counter = Counter()
    raw: list = []
    for fac in read_gazetteer(download, issues, stats, countries=index.countries):
        if on_progress is not None and stats.facilities % PROGRESS_EVERY == 0:
            on_progress(f"reading the download: {stats.rows:,} rows")
        core = _name_core(fac.name)
        per_country[fac.country] += 1
        for w in set(core.split()):
            key = fac.country + " " + w
            freq[key] = freq.get(key, 0) + 1
        hits = sorted(index.alike(fac.country, core))
        if not hits and fac.os_id not in wanted:
            continue
        if fac.os_id in found.by_os_id:
            # The same facility twice (a download joined to itself, partner rows) would be its
            # own rival and turn every sure match on it into a review.
            _duplicate(fac, found.facilities[found.by_os_id[fac.os_id]], stats, issues, download)
            continue
        k = len(found.facilities)
        found.facilities.append(fac)
        raw.append(_record(k, fac.name, fac.country, fac.address, None, None, fac.os_id))
        found.by_os_id.setdefault(fac.os_id, k)
        for i in hits:
            found.of_supplier.setdefault(i, []).append(k)
        stats.pairs += len(hits)
    common = _common_words(freq, per_country)
    del freq
    found.records = [_distinctive(r, common) for r in raw]
    index.records[:] = [_distinctive(r, common) for r in index.records]
    stats.candidates = len(found.facilities)
    return found


def _duplicate(fac: GazetteerFacility, first: GazetteerFacility, stats: GazetteerStats,
               issues: list[Issue], download: Path) -> None:
    stats.duplicates += 1
    if stats.duplicates <= MAX_DUPLICATE_ISSUES:
        issues.append(Issue("warning", "osh-download-duplicate-id",
                            f"OS ID {fac.os_id} again (first in row {first.row}); this row was "
                            "left out", str(download), None, fac.row, "os_id",
                            "pass the download as Open Supply Hub gave it (one row per facility)"))
    elif stats.duplicates == MAX_DUPLICATE_ISSUES + 1:
        issues.append(Issue("warning", "osh-download-duplicate-id",
                            "more rows repeat an earlier OS ID; they were left out too",
                            str(download), hint="pass the download as Open Supply Hub gave it"))


def _same_decisions(decisions: dict[frozenset, str]) -> dict[str, list[str]]:
    """Id -> the ids a person said are the same location."""
    same_of: dict[str, list[str]] = {}
    for pair, verdict in decisions.items():
        if verdict == "same" and len(pair) == 2:
            a, b = sorted(pair)
            same_of.setdefault(a, []).append(b)
            same_of.setdefault(b, []).append(a)
    return same_of


def match_supplier_list(supplier_list, download: str | Path, **options) -> OshMatchResult:
    """match_suppliers for a list as ingest read it: the list's own issues (rejected rows
    included) come first, and issues about a supplier name the list's file and sheet."""
    result = match_suppliers(supplier_list.suppliers, download, **options)
    located = [replace(i, file=supplier_list.file, sheet=supplier_list.sheet)
               if i.file is None and i.row is not None else i for i in result.issues]
    result.issues[:] = [*supplier_list.issues, *located]
    result.rejected_rows = list(supplier_list.rejected_rows)
    return result


def _match(suppliers: list[Supplier], download: Path, threshold: float,
           review_threshold: float, decisions: dict[frozenset, str],
           on_progress: Callable[[str], None] | None = None) -> OshMatchResult:
    suppliers = sorted(suppliers, key=lambda s: (s.rows[0] if s.rows else 0, s.id))
    records = [_record(i, s.name, s.country, s.address, s.city, s.postal_code, s.os_id)
               for i, s in enumerate(suppliers)]
    keys = [r.key for r in records]
    if decisions:
        decisions = carry_over(records, decisions=decisions)[1]
    index = build_index(records)
    issues: list[Issue] = []
    stats = GazetteerStats(str(download))
    wanted = set(index.os_ids) | {x for pair in decisions for x in pair}
    found = stream_candidates(download, index, wanted, issues, stats, on_progress)
    if on_progress is not None:
        on_progress(f"scoring {stats.pairs:,} pairs")
    same_of = _same_decisions(decisions)
    matches: list[OshMatch] = []
    review: list[ReviewCandidate] = []
    applied = 0
    for i, s in enumerate(suppliers):
        options = sorted(((_score(index.records[i], found.records[k]), k)
                          for k in found.of_supplier.get(i, ())),
                         key=lambda pk: (-pk[0].score, found.facilities[pk[1]].os_id))
        chosen, remaining, n = _apply_decisions(keys[i], options, found, decisions, same_of)
        if chosen is not None and chosen[0] is None:
            k = chosen[1]
            chosen = (_score(index.records[i], found.records[k]), k)
        applied += n
        m = OshMatch(s.id, keys[i], s.name, s.country, s.address, list(s.rows), "none")
        if s.os_id:
            _given(m, s, found, issues)
        elif chosen is not None:
            ps, k = chosen
            _fill(m, found.facilities[k], ps)
            m.status, m.os_id, m.source, m.rule = "matched", m.candidate_id, SOURCE_DECISION, "decision"
        elif remaining:
            review.extend(_decide(m, s, remaining, found, threshold, review_threshold))
        if m.os_id and m.closed:
            issues.append(Issue("warning", "osh-closed",
                                f"{s.name}: Open Supply Hub marks {m.os_id} as closed", None,
                                None, s.rows[0] if s.rows else None, "os_id",
                                "check whether the supplier still produces there"))
        matches.append(m)
    review.sort(key=lambda c: (-c.score, c.record_id, c.os_id))
    return OshMatchResult(matches, review, issues, stats, threshold, review_threshold, applied)


def _apply_decisions(key: str, options: list, found: Candidates, decisions, same_of):
    """(chosen, remaining, decisions used): "different" removes a candidate, "same" picks one
    (also a facility the matcher did not propose; its score is then still to compute)."""
    chosen, remaining, used = None, [], 0
    for ps, k in options:
        verdict = decisions.get(frozenset((key, found.facilities[k].os_id)))
        if verdict == "different":
            used += 1
            continue
        if verdict == "same" and chosen is None:
            used += 1
            chosen = (ps, k)
        remaining.append((ps, k))
    if chosen is None:
        for os_id in sorted(same_of.get(key, ())):
            if os_id in found.by_os_id:
                chosen, used = (None, found.by_os_id[os_id]), used + 1
                break
    return chosen, remaining, used


def _given(m: OshMatch, s: Supplier, found: Candidates, issues: list[Issue]) -> None:
    """The list's own OS ID: kept, and looked up in the download."""
    m.status, m.os_id, m.source = "given", s.os_id, SOURCE_INPUT
    k = found.by_os_id.get(s.os_id or "")
    if k is not None:
        _fill(m, found.facilities[k], None)
        return
    issues.append(Issue("warning", "osh-id-not-in-download",
                        f"{s.name}: OS ID {s.os_id} is not in the download", None, None,
                        s.rows[0] if s.rows else None, "os_id",
                        "check the OS ID, or download the facilities of its country again"))


def _decide(m: OshMatch, s: Supplier, remaining: list, found: Candidates, threshold: float,
            review_threshold: float) -> list[ReviewCandidate]:
    """A sure match, or the candidates a person should look at (best first)."""
    best_ps, best_k = remaining[0]
    _fill(m, found.facilities[best_k], best_ps)
    rivals = [ps for ps, _ in remaining[1:]
              if ps.score >= max(review_threshold, best_ps.score - AMBIGUITY_MARGIN)]
    if best_ps.score >= threshold and not rivals:
        m.status, m.os_id, m.source = "matched", m.candidate_id, SOURCE_MATCH
        return []
    if best_ps.score < review_threshold:
        return []
    m.status = "review"
    out = []
    for ps, k in remaining[:MAX_REVIEW]:
        if ps.score < review_threshold:
            break
        fac = found.facilities[k]
        out.append(ReviewCandidate(m.record_id, s.id, s.name, s.address, list(s.rows),
                                   fac.os_id, fac.name, fac.address, fac.country, ps.score,
                                   ps.rule, ps.fields(), fac.is_closed))
    return out


def _fill(m: OshMatch, fac: GazetteerFacility, ps) -> None:
    m.closed = fac.is_closed
    m.osh_name, m.osh_address, m.candidate_id = fac.name, fac.address, fac.os_id
    if ps is not None:
        m.score, m.rule, m.fields = ps.score, ps.rule, ps.fields()


def attachment_cells(attachment: OsIdAttachment | None) -> list[Any]:
    """The annotated-export cells (ANNOTATED_HEADERS) of a supplier's attached OS ID."""
    if attachment is None:
        return [None, None]
    source = attachment.source + (" (closed)" if attachment.closed else "")
    return [attachment.os_id, source]


def attach_to_chain_map(chain_map, download: str | Path, *,
                        decisions: dict[frozenset, str] | None = None) -> OshMatchResult:
    """Match a mapped list against a download and keep the attachments on the chain map
    (`chain_map.graph.graph[GRAPH_KEY]`: supplier id -> OsIdAttachment) for JSON and exports."""
    policy = chain_map.policy
    result = match_suppliers(
        chain_map.suppliers.values(), download,
        threshold=getattr(policy, "match_threshold", 0.86),
        review_threshold=getattr(policy, "review_threshold", 0.70), decisions=decisions)
    chain_map.graph.graph[GRAPH_KEY] = result.attachments()
    return result


def chain_map_attachment(chain_map, supplier_id: str) -> OsIdAttachment | None:
    """The OS ID attached to one supplier of a chain map, if any."""
    return chain_map.graph.graph.get(GRAPH_KEY, {}).get(supplier_id)
