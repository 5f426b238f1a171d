"""The chain graph: suppliers -> networkx DiGraph of the flow of goods, ending at the company.

Edges follow the goods: supplier -> customer, the last hop being supplier -> company. A
supplier's `supplies_to` references are matched by the user's own id, the imvo id, the
name (after the same normalisation as ingest), then the name without its legal form (the
matcher's normaliser: 'Karachi Weaving' for 'Karachi Weaving (Pvt.) Ltd.'); the company also
by its short name ('Tulpveld' for 'Tulpveld Fashion B.V.'). Whatever cannot be linked is an Issue and the
supplier stays attached to the company, so no supplier disappears from the map.

Everything here is linear in the size of the graph (or close to it) so that mapping a list
of 100,000 production locations costs about as much as reading it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import attrgetter, eq, ne, not_
from pathlib import Path

import networkx as nx
from anyascii import anyascii
from rapidfuzz import fuzz, process  # fast enough for 100,000 candidates

from .ingest import gc_paused
from .ingest.address import has_full_address
from .ingest.normalise import name_key, name_keys
from .match.normalise import compact, core_name, fold, normalise_name
from .model import Issue, Supplier, SupplierList
from .policy import Policy

COMPANY_ID = "COMPANY"
PATH_CAP = 1000  # paths to the company counted (and listed) per supplier, at most
SUGGESTIONS = 3
SUGGEST_CUTOFF = 60  # rapidfuzz ratio (0-100) a candidate needs to be suggested
# Each suggestion scans every name: the first this many distinct unknown references get them.
SUGGESTED_REFERENCES = 200
MAX_CYCLE_NAMES = 6
# Names without legal form are first searched among the names holding every letter of the
# reference's; after this many such searches every name's key is made once instead.
BARE_SEARCHES = 16


@dataclass(slots=True)
class ChainFacts:
    """Where one supplier sits in the chains."""

    paths: int = 0  # simple paths to the company, at most PATH_CAP
    paths_capped: bool = False  # True when there are more than PATH_CAP paths
    upstream_depth: int = 0  # the longest chain of suppliers above it (a cycle counts once)
    upstream_suppliers: int = 0  # distinct suppliers upstream of it
    customers: list[str] = field(default_factory=list)  # direct customers (ids; COMPANY_ID too)
    in_cycle: bool = False


@dataclass(slots=True)
class Groups:
    """The graph with each circle of suppliers as one group, in flow order.

    Without circles (the usual case) every node is its own group and no condensed graph is
    built; plain dicts keep the passes over 100,000 suppliers cheap.
    """

    order: list[str]  # group keys, raw materials first, the company's group last
    members: dict[str, tuple[str, ...]]
    group_of: dict[str, str]
    preds: Mapping[str, Collection[str]]  # group -> upstream groups
    succs: Mapping[str, Collection[str]]  # group -> downstream groups


@dataclass(slots=True)
class ChainGraph:
    """The graph plus what was learnt while building it."""

    graph: nx.DiGraph
    company_id: str
    tiers: dict[str, int | None]  # computed tier, None when the company cannot be reached
    facts: dict[str, ChainFacts]
    issues: list[Issue]
    cycles: list[list[str]]  # strongly connected groups of suppliers, each sorted
    unreachable: list[str]
    groups: Groups | None = None
    # The graph's own adjacency (in link order; never modify it), not copies of it.
    succ: Mapping[str, Iterable[str]] = field(default_factory=dict)  # supplier -> customers
    pred: Mapping[str, Iterable[str]] = field(default_factory=dict)  # customer -> its suppliers


# ---------------------------------------------------------------- references


@dataclass(slots=True)
class _Ids:
    """Key -> the supplier ids it names, in order; a list only where a key names several."""

    one: dict[str, str]
    many: dict[str, list[str]]

    @classmethod
    def of(cls, pairs: list[tuple[str, str]]) -> _Ids:
        one = dict(pairs)
        if len(one) == len(pairs):  # the usual case: every key names one supplier
            return cls(one, {})
        one, many = {}, dict[str, list[str]]()
        for key, sid in pairs:
            if key in many:
                many[key].append(sid)
            elif key in one:
                many[key] = [one.pop(key), sid]
            else:
                one[key] = sid
        return cls(one, many)

    def get(self, key: str) -> list[str] | None:
        sid = self.one.get(key)
        return [sid] if sid is not None else self.many.get(key)


@dataclass(slots=True)
class _Index:
    """Ways a `supplies_to` reference can name a supplier (or the company)."""

    # The user's own ids, as written and case-folded: those naming one supplier -> its node
    # (supplier i is node i + 1), those naming several -> their ids, in list order.
    source_node: dict[str, int]
    source_many: dict[str, list[str]]
    by_id: Mapping[str, object]  # every supplier id (the company's too)
    suppliers: list[Supplier]
    company_keys: frozenset[str]
    by_name: _Ids | None = None  # built on the first reference by name, for `named_keys`
    named_keys: frozenset[str] = frozenset()
    name_match: list[str] | None = None  # _match_key of each supplier's name, in list order
    name_keys: list[str] | None = None  # name_key of each supplier's name, in list order
    company_short: frozenset[str] = frozenset()  # the company without legal form / trade words
    by_bare_name: _Ids | None = None  # names without legal form (every supplier's)
    folded: list[str] | None = None  # each supplier's name as the legal-form matcher folds it
    bare_found: dict[str, list[str] | None] = field(default_factory=dict)  # searched bare keys
    resolved: dict[str, list[str] | None] = field(default_factory=dict)
    choices: dict[str, str] | None = None  # suggestion candidates, built on the first unknown reference
    suggestions: dict[str, list[str]] = field(default_factory=dict)  # unknown reference -> closest
    rejected: dict[str, int] | None = None  # rejected rows' names and ids -> row, on first need

    def resolve(self, ref: str, key: str | None = None) -> list[str] | None:
        """Supplier ids (or [COMPANY_ID]) a reference names, None when it names nothing;
        `key` is the reference's `_match_key` when it is known already."""
        # Many rows name the same customer (often the company itself): resolve each once.
        if ref in self.resolved:
            return self.resolved[ref]
        found = self.resolved[ref] = self._resolve(ref, key)
        return found

    def by_source_id(self, key: str) -> list[str] | None:
        """The ids of the suppliers whose own id (as written or case-folded) is `key`."""
        node = self.source_node.get(key)
        return [self.suppliers[node - 1].id] if node is not None else self.source_many.get(key)

    def names_for(self, keys: set[str]) -> _Ids:
        """The name index, holding at least these keys (only the keys references use are
        collected: the other names could never be found)."""
        if self.by_name is None or not keys <= self.named_keys:
            if self.name_match is None:
                self.name_match = _match_keys([s.name for s in self.suppliers])
            matched = self.name_match
            wanted = self.named_keys = self.named_keys | keys
            suppliers = self.suppliers
            self.by_name = _Ids.of([(matched[i], suppliers[i].id) for i in
                                    compress(range(len(matched)), map(wanted.__contains__, matched))])
        return self.by_name

    def keys(self) -> list[str]:
        if self.name_keys is None:
            self.name_keys = name_keys([s.name for s in self.suppliers])
        return self.name_keys

    def bare_named(self, bare: str) -> list[str] | None:
        """The ids of the suppliers whose name without legal form is `bare`, in list order.

        A name's bare key is made of its folded text's letters and digits only, so a name
        lacking one of `bare`'s characters can never have it: only the others are keyed,
        until BARE_SEARCHES searches make keying every name once the cheaper way.
        """
        if self.by_bare_name is not None:
            return self.by_bare_name.get(bare)
        if bare in self.bare_found:
            return self.bare_found[bare]
        if len(self.bare_found) >= BARE_SEARCHES:
            self.by_bare_name = _Ids.of([(_bare_key(s.name), s.id) for s in self.suppliers])
            return self.by_bare_name.get(bare)
        if self.folded is None:
            self.folded = _folded([s.name for s in self.suppliers])
        folded = self.folded
        near: Iterable[int] = range(len(folded))
        for c in set(bare):
            near = [i for i in near if c in folded[i]]
        suppliers = self.suppliers
        ids = [suppliers[i].id for i in near if _bare_key(suppliers[i].name) == bare]
        found = self.bare_found[bare] = ids or None
        return found

    def _resolve(self, ref: str, key: str | None) -> list[str] | None:
        found = self.by_source_id(ref)
        if found is not None:
            return found
        found = self.by_source_id(ref.casefold())
        if found is not None:
            return found
        if ref in self.by_id:
            return [ref]
        if key is None:
            key = _match_key(ref)
        found = self.names_for({key}).get(key)
        if found is not None:
            return found
        if key in self.company_keys:
            return [COMPANY_ID]
        bare = _bare_key(ref)
        found = self.bare_named(bare) if bare else None
        if found is not None:
            return found
        if bare and (bare in self.company_short or _short_key(ref) in self.company_short):
            return [COMPANY_ID]
        return None


def _short_key(text: str) -> str:
    """A name's distinctive words only: 'Tulpveld Fashion B.V.' -> 'tulpveld'."""

    return compact(core_name(normalise_name(text.lower())))


def _bare_key(text: str) -> str:
    """A name without its legal form, spaces ignored: 'Müller Strickwaren GmbH' -> 'mullerstrickwaren'."""

    # Lower case first: the normaliser splits a capital after a lower-case letter in non-ASCII
    # text (meant for transliterated CJK), which would turn 'Müller ... GmbH' into 'gmb h'.
    return compact(normalise_name(text.lower()))


def _folded(names: list[str]) -> list[str]:
    """Per name, text holding every character its `_bare_key` can hold: the name lower-cased
    and folded as `_bare_key` folds it, without the spaces the folding adds between
    transliterated syllables. The names are joined by NUL and folded together: the
    transliteration maps each character on its own (to ASCII), so each distinct character is
    replaced once, in the non-ASCII names only."""
    lowered = [t.lower() for t in names]
    if "\x00".join(lowered).count("\x00") != len(names) - 1:
        return [fold(t) for t in lowered]  # a name holding NUL: one by one
    plain = list(map(str.isascii, lowered))
    other = "\x00".join(compress(lowered, map(not_, plain)))
    for c in set(other) - _ASCII:
        other = other.replace(c, anyascii(c))
    keyed = {kind: iter(text.lower().replace("&", " and ").replace("+", " and ").split("\x00"))
             for kind, text in ((True, "\x00".join(compress(lowered, plain))), (False, other))}
    return list(map(next, map(keyed.__getitem__, plain)))


_ASCII = frozenset(map(chr, range(128)))


def _company_short_keys(company_name: str | None) -> frozenset[str]:
    """'Tulpveld Fashion B.V.' -> {'tulpveldfashion', 'tulpveld'}: how lists name the company."""
    if not company_name:
        return frozenset()
    return frozenset(k for k in (_bare_key(company_name), _short_key(company_name)) if k)


def _match_key(text: str) -> str:
    """The ingest name key without spaces, so 'B.V.', 'B V' and 'BV' agree."""
    return name_key(text).replace(" ", "")


# Bytes an ASCII name key drops (all but letters and digits), NUL kept as a separator.
_NOT_ALNUM = bytes(c for c in range(1, 256) if not (c < 128 and chr(c).isalnum()))


def _match_keys(texts: list[str]) -> list[str]:
    """`_match_key` of each text, in a few passes over all of them together: the ASCII texts
    by `_ascii_match_keys`, the others through the ingest's batch keying (`name_keys`, which
    gives each text's `name_key`) without the spaces."""
    is_ascii = list(map(str.isascii, texts))
    if all(is_ascii):
        return _ascii_match_keys(texts)
    plain = list(compress(texts, is_ascii))
    other = name_keys(list(compress(texts, map(not_, is_ascii))))
    # each text takes the next key of its kind, interleaved in one pass
    keyed = {True: iter(_ascii_match_keys(plain)),
             False: iter([k.replace(" ", "") for k in other])}
    return list(map(next, map(keyed.__getitem__, is_ascii)))


def _ascii_match_keys(texts: list[str]) -> list[str]:
    """`_match_key` of ASCII texts: their letters and digits in lower case. The texts are
    keyed together, joined by NUL (clean text never holds one; one that does is keyed on its
    own)."""
    joined = "\x00".join(texts)
    if not texts or joined.count("\x00") != len(texts) - 1:
        return list(map(_match_key, texts))
    return joined.encode().lower().translate(None, _NOT_ALNUM).decode().split("\x00")


def _index(suppliers: list[Supplier], company_name: str | None,
           position: Mapping[str, int], ids: list[str]) -> _Index:
    # Each id as written, then case-folded (when that differs), in list order.
    written = [s.source_id or "" for s in suppliers]
    nodes: Iterable[int] = range(1, len(ids) + 1)
    if not all(written):
        given = list(map(bool, written))
        written, nodes = list(compress(written, given)), list(compress(nodes, given))
    if any(map(attrgetter("other_ids"), suppliers)):  # ids of merged rows name them too
        others = [(o, node) for node, s in enumerate(suppliers, 1) for o in s.other_ids]
        written = [*written, *(o for o, _ in others)]
        nodes = [*nodes, *(node for _, node in others)]
    folded = list(map(str.casefold, written))
    source_node = dict(zip(written, nodes))
    source_node.update(zip(folded, nodes))  # a key folded to itself: set again, same node
    source_many: dict[str, list[str]] = {}
    if len(source_node) != len(written) + sum(map(ne, folded, written)):  # a key names two
        # as written and folded, interleaved in list order, as the lists of ids must be
        pairs: list[tuple[str, str]] = []
        for src, fold, node in zip(written, folded, nodes):
            sid = ids[node - 1]
            pairs.append((src, sid))
            if fold != src:
                pairs.append((fold, sid))
        found = _Ids.of(pairs)
        source_node = {key: position[sid] for key, sid in found.one.items()}
        source_many = found.many
    company_keys = {_match_key(COMPANY_ID)}
    if company_name:
        company_keys.add(_match_key(company_name))
    company_keys.discard("")
    return _Index(source_node, source_many, position, suppliers, frozenset(company_keys),
                  company_short=_company_short_keys(company_name))


def _suggest(ref: str, index: _Index, cache: dict[str, list[str]]) -> list[str] | None:
    """Closest supplier names and ids to a reference nobody matches; None once
    SUGGESTED_REFERENCES distinct references have had theirs (each search scans every name,
    so a list of unknown references would otherwise cost references x suppliers)."""
    if ref in cache:
        return cache[ref]
    if len(cache) >= SUGGESTED_REFERENCES:
        return None
    choices = _suggestion_choices(index)
    texts = list(choices)
    found = process.extract(name_key(ref), list(choices.values()), scorer=fuzz.ratio,
                            processor=None, limit=SUGGESTIONS, score_cutoff=SUGGEST_CUTOFF)
    result = [c for c, _score in sorted(((texts[i], score) for _k, score, i in found),
                                        key=lambda t: (-t[1], t[0]))]
    cache[ref] = result
    return result


def _suggestion_choices(index: _Index) -> dict[str, str]:
    """Candidates in first-seen order with their name keys (the names' keys are reused from
    the name index), compared without a processor: same scores, fewer name_key calls.
    Built once per index."""
    if index.choices is None:
        choices: dict[str, str] = {}
        for s, k in zip(index.suppliers, index.keys()):
            if s.name not in choices:
                choices[s.name] = k
            if s.source_id and s.source_id not in choices:
                choices[s.source_id] = name_key(s.source_id)
        index.choices = choices
    return index.choices


def company_name(supplier_list: SupplierList, company: str | None = None,
                 policy: Policy | None = None) -> str:
    """--company, else imvo.toml [company] name, else a metadata cell, else the file name."""
    for candidate in (company, policy.company if policy else None, supplier_list.company):
        if candidate and candidate.strip():
            return candidate.strip()
    return Path(supplier_list.file).stem or "Company"


# ---------------------------------------------------------------- building


def build_chain_graph(supplier_list: SupplierList, company_name: str | None = None,
                      company_id: str = COMPANY_ID, *, facts: bool = True) -> ChainGraph:
    """Link every supplier to its customers and compute tiers, cycles and chain facts.

    Without `facts` the per-supplier facts (and the groups they are computed over) are left
    out. Supplier ids must be unique (ingest makes them so) and differ from `company_id`.
    """
    with gc_paused():
        return _build_chain_graph(supplier_list, company_name, company_id, facts)


def chain_issues(supplier_list: SupplierList, company_name: str | None = None,
                 company_id: str = COMPANY_ID) -> list[Issue]:
    """The issues `build_chain_graph` reports (links, tiers, circles), sorted; the graph
    itself is built only when suppliers supply each other in a circle."""
    with gc_paused():
        links = _linked(supplier_list, company_name, company_id)
        order = _flow_order(links.out)
        if order is None:
            return _build_chain_graph(supplier_list, company_name, company_id, False).issues
        tier, _paths = _tiers_and_paths(order, links.out, False)
        issues = [*links.issues, *_tier_issues(supplier_list, tier[1:])]
        return sorted(issues, key=Issue.sort_key)


@dataclass(slots=True)
class _Links:
    """Nodes by position (the company is node 0, supplier i node i + 1) and their links."""

    names: list[str]  # position -> node id
    out: list[tuple[int, ...]]  # position -> the positions it delivers to
    issues: list[Issue]


def _linked(supplier_list: SupplierList, company_name: str | None, company_id: str) -> _Links:
    suppliers = supplier_list.suppliers
    names = [company_id, *[s.id for s in suppliers]]
    position = dict(zip(names, range(len(names))))
    if len(position) != len(names):
        raise ValueError("supplier ids must be unique and differ from the company id")
    index = _index(suppliers, company_name, position, names[1:])
    issues: list[Issue] = []
    return _Links(names, _links(supplier_list, index, position, issues), issues)


def _build_chain_graph(supplier_list: SupplierList, company_name: str | None,
                       company_id: str, with_facts: bool) -> ChainGraph:
    suppliers = supplier_list.suppliers
    links = _linked(supplier_list, company_name, company_id)
    names, out, issues = links.names, links.out, links.issues
    ids = names[1:]
    nodes, succ, pred, ups = _adjacency(names, out, company_name, suppliers)
    graph = _digraph(nodes, succ, pred)

    order = _flow_order(out)
    groups: Groups | None = None
    if order is not None:  # no circles: one pass up the chains (and one down for the facts)
        tier, paths = _tiers_and_paths(order, out, with_facts)
        tiers: dict[str, int | None] = dict(zip(ids, tier[1:]))
        facts: dict[str, ChainFacts] = {}
        if with_facts:
            flow = list(map(names.__getitem__, order))
            groups = Groups(flow, dict(zip(flow, zip(flow))), dict(zip(flow, flow)), pred, succ)
            facts = _dag_facts(order, out, ups, names, paths)
        cycles: list[list[str]] = []
    else:
        tiers = _tiers(pred, company_id, suppliers)
        groups = _groups(graph, succ, pred)  # computed once: cycles, facts and risk all use it
        cycles = sorted(sorted(m) for m in groups.members.values() if len(m) > 1)
        in_cycle = {n for group in cycles for n in group}
        for group in cycles:
            issues.append(_cycle_issue(graph, group, supplier_list,
                                       supplier_list.columns.get("supplies_to")))
        facts = _facts(groups, succ, company_id, suppliers, in_cycle) if with_facts else {}
    unreachable = sorted(sid for sid, t in tiers.items() if t is None)
    issues.extend(_unreachable_issues(supplier_list, unreachable, company_name))
    # both ways of computing tiers key them in list order: their values are the list's tiers
    issues.extend(_tier_issues(supplier_list, list(tiers.values())))
    return ChainGraph(graph, company_id, tiers, facts, sorted(issues, key=Issue.sort_key),
                      cycles, unreachable, groups, succ, pred)


_TO_COMPANY = (0,)


def _links(supplier_list: SupplierList, index: _Index, position: Mapping[str, int],
           issues: list[Issue]) -> list[tuple[int, ...]]:
    """Per node (the company first), the nodes it delivers to, in the order named, each once.

    A supplier without a reference, or whose references name nobody, supplies the company.
    Most rows name their customers by their own ids: those are linked in one pass over the
    rows. The references of the rows left are then resolved, once each, and those rows
    linked; a row still left (a reference naming nobody, several suppliers or the supplier
    itself) is linked reference by reference, with an issue for each such reference.
    """
    suppliers = supplier_list.suppliers
    refs = [s.supplies_to for s in suppliers]
    out: list[tuple[int, ...]] = [_TO_COMPANY] * (len(refs) + 1)
    out[0] = ()
    left = _plain_links(range(1, len(refs) + 1), refs, index.source_node, out)
    if left:
        named = [refs[i - 1] for i in left]
        left = _plain_links(left, named, _targets(index, named, position), out)
    for i in left:
        found = _customers(suppliers[i - 1], index, supplier_list, issues)
        out[i] = tuple(0 if t == COMPANY_ID else position[t] for t in found) or _TO_COMPANY
    return out


def _plain_links(rows: Iterable[int], refs: Iterable[list[str]], single: Mapping[str, int],
                 out: list[tuple[int, ...]]) -> list[int]:
    """Links each row (node) whose references each name one node, not itself, in `single`:
    `out[row]` becomes those nodes, each once (a row without references is left as it is,
    supplying the company). Returns the other rows."""
    left = []
    get = single.get
    for i, named in zip(rows, refs):
        if not named:  # the usual tier-1 row: it supplies the company
            continue
        if len(named) == 1:  # the usual upstream row: one customer, named once
            target = get(named[0])
            if target is not None and target != i:
                out[i] = (target,)
                continue
        else:  # several customers, each named unambiguously (and not itself): each once
            targets = tuple(map(get, named))
            if None not in targets and i not in targets:
                out[i] = tuple(dict.fromkeys(targets))  # type: ignore[arg-type]  # no None
                continue
        left.append(i)
    return left


def _targets(index: _Index, refs: list[list[str]], position: Mapping[str, int]) -> dict[str, int]:
    """Each reference in these lists that names exactly one supplier (or the company) -> its
    node.

    Own ids as written are the index's own map of ids to nodes. Most other references are
    names as written, found in one name index; the rest (case-folded ids, names without
    legal form, the company) go through `_Index.resolve`, once each, in first-seen order.
    """
    own = index.source_node
    distinct = dict.fromkeys(chain.from_iterable(refs))
    single = {r: own[r] for r in distinct if r in own}
    others = [r for r in distinct if r not in own]
    keys = _match_keys(others)
    named = [index.by_source_id(r) is None and r not in index.by_id
             and index.by_source_id(r.casefold()) is None for r in others]
    found: Iterable[str | None] = repeat(None, len(others))
    if any(named):
        by_name = index.names_for(set(compress(keys, named))).one
        found = [by_name.get(k) if n else None for k, n in zip(keys, named)]
    for ref, key, sid in zip(others, keys, found):
        if sid is None:  # not one supplier's name: it may still name one some other way
            ids = index.resolve(ref, key)
            if ids is None or len(ids) != 1:
                continue
            sid = ids[0]
        single[ref] = 0 if sid == COMPANY_ID else position[sid]
    return single


def _customers(s: Supplier, index: _Index, supplier_list: SupplierList,
               issues: list[Issue]) -> list[str]:
    """The ids (or COMPANY_ID) a supplier's references name, in order, each once; issues for
    the references that name nobody, the supplier itself, or several suppliers."""
    file, sheet = supplier_list.file, supplier_list.sheet
    column = supplier_list.columns.get("supplies_to")
    row = s.rows[0] if s.rows else None
    sid = s.id
    targets: list[str] = []
    for ref in s.supplies_to:
        found = index.resolve(ref)
        if found is None and _NO_CUSTOMER.fullmatch(ref):
            continue  # '-', 'n.v.t.': written for an empty cell, the company as for one
        if found is None and (number := _NUMBERED.fullmatch(ref)):
            found = index.resolve(number.group(1))  # '#12', 'Nr. 12', '12.': the id 12
        if found is None:
            found = _joined_customers(ref, index)
            if found is not None:  # 'Alpha Ltd / Beta Ltd', '4 & 5': each part one customer
                targets.extend(t for t in found if t != sid and t not in targets)
                continue
            rejected = _rejected_row(ref, index, supplier_list)
            if rejected is not None:
                issues.append(Issue(
                    "warning", "unknown-reference",
                    f"{s.name!r} supplies to {ref!r}, the supplier of row {rejected}, which was "
                    "rejected (see the error on that row); it is shown as supplying the "
                    "company directly", file, sheet, row, column,
                    f"correct row {rejected}; the link then holds"))
                continue
            close = _suggest(ref, index, index.suggestions)
            issues.append(Issue(
                "warning", "unknown-reference",
                f"{s.name!r} supplies to {ref!r}, which matches no supplier id or name; "
                "it is shown as supplying the company directly",
                file, sheet, row, column,
                (f"did you mean {', '.join(repr(c) for c in close)}?" if close else
                 "use the id or the exact name of a supplier in this list"
                 + ("" if close is not None else
                    f" (closest names are suggested for the first {SUGGESTED_REFERENCES} "
                    "unknown references only)"))))
            continue
        if len(found) == 1:
            target = found[0]
            if target == sid:
                issues.append(Issue(
                    "warning", "self-reference",
                    f"{s.name!r} is listed as supplying to itself ({ref!r}); that link was "
                    "ignored", file, sheet, row, column,
                    "name the customer this location delivers to"))
            elif target not in targets:
                targets.append(target)
            continue
        names = ", ".join(sorted(found))
        issues.append(Issue(
            "warning", "ambiguous-reference",
            f"{ref!r} matches {len(found)} suppliers ({names}); linked to all of them",
            file, sheet, row, column, "refer to the customer by its id instead of its name"))
        targets.extend(t for t in found if t != sid and t not in targets)
    return targets


# A 'Supplies to' cell saying there is no supplier in between: '-', 'n.v.t.', 'n/a', 'none'.
_NO_CUSTOMER = re.compile(r"[\s\-\u2013\u2014.]*|n\.?\s?v\.?\s?t\.?|n\s?/\s?a|none|geen|nvt",
                          re.IGNORECASE)
# An id written with a number sign or word: '#12', 'Nr. 12', 'No 12', 'ID 12', '12.'.
_NUMBERED = re.compile(r"(?:#|n[or]\.?|nummer|number|id)?\s*#?\s*(\d+)\.?", re.IGNORECASE)


# What joins two customers written in one reference, strongest first: a part may hold a
# weaker one ('Alpha Ltd / Beta & Sons Ltd').
_JOINERS = (re.compile(r"\s*/\s*"), re.compile(r"\s*\+\s*"), re.compile(r"\s*&\s*"),
            re.compile(r"\s+(?:and|en|und|et)\s+", re.IGNORECASE))


def _joined_customers(ref: str, index: _Index) -> list[str] | None:
    """The customers of a reference that names nobody as a whole but whose parts, joined by
    '/', '+', '&' or 'and', each name exactly one; None when any part names nobody."""
    for joiner in _JOINERS:
        parts = [p for p in joiner.split(ref) if p.strip()]
        if len(parts) < 2:
            continue
        found = [index.resolve(p.strip()) for p in parts]
        if all(f is not None and len(f) == 1 for f in found):
            return [f[0] for f in found if f]
    return None


def _rejected_row(ref: str, index: _Index, supplier_list: SupplierList) -> int | None:
    """The row of a rejected supplier this reference names (by its id or name), or None."""
    if not supplier_list.rejected_suppliers:
        return None
    if index.rejected is None:
        keys: dict[str, int] = {}
        for row_no, name, own_id in supplier_list.rejected_suppliers:
            if own_id:
                keys.setdefault(f"id:{own_id}", row_no)
                keys.setdefault(f"id:{own_id.casefold()}", row_no)
            if name:
                keys.setdefault(_match_key(name), row_no)
                keys.setdefault(_bare_key(name), row_no)
        keys.pop("", None)
        index.rejected = keys
    found = index.rejected
    return (found.get(f"id:{ref}") or found.get(f"id:{ref.casefold()}")
            or found.get(_match_key(ref)) or found.get(_bare_key(ref)))


def _adjacency(names: list[str], out: list[tuple[int, ...]], company_name: str | None,
               suppliers: list[Supplier]) -> tuple[dict[str, dict], dict[str, dict[str, dict]],
                                                   dict[str, dict[str, dict]], list[list[int]]]:
    """networkx's own layout (node -> attributes, node -> {neighbour: edge data}), built in
    one pass over the links (no second adjacency structure), and by position who supplies
    each node."""
    company = names[0]
    nodes: dict[str, dict] = {company: {"name": company_name or company, "kind": "company"}}
    nodes.update(zip(names[1:], [{"name": s.name, "kind": "supplier"} for s in suppliers]))
    into: list[dict[str, dict]] = [{} for _ in names]
    ups: list[list[int]] = [[] for _ in names]
    outs: list[dict[str, dict]] = [{}]
    for i, (sid, targets) in enumerate(zip(names[1:], out[1:]), 1):
        if len(targets) == 1:
            (t,) = targets
            edge: dict = {}
            into[t][sid] = edge
            ups[t].append(i)
            outs.append({names[t]: edge})
        else:
            edges = {}
            for t in targets:
                edges[names[t]] = into[t][sid] = {}
                ups[t].append(i)
            outs.append(edges)
    return nodes, dict(zip(names, outs)), dict(zip(names, into)), ups


def _unreachable_issues(supplier_list: SupplierList, unreachable: list[str],
                        company_name: str | None) -> list[Issue]:
    if not unreachable:
        return []
    column = supplier_list.columns.get("supplies_to")
    by_id = {s.id: s for s in supplier_list.suppliers}
    return [Issue(
        "warning", "unreachable",
        f"{s.name!r} does not reach {company_name or 'the company'}: its customers only "
        "supply each other", supplier_list.file, supplier_list.sheet,
        s.rows[0] if s.rows else None, column,
        "make at least one supplier in that chain supply the company or a tier-1 supplier")
        for s in map(by_id.__getitem__, unreachable)]


def _tier_issues(supplier_list: SupplierList, tiers: Sequence[int | None]) -> list[Issue]:
    """A declared tier the links contradict (or that has no link to make it true); `tiers`
    holds each supplier's computed tier, in list order (no lookup by id needed)."""
    suppliers = supplier_list.suppliers
    declared = [s.declared_tier for s in suppliers]
    # Only where the declared tier differs from the computed one (compared in one C pass):
    # a declared tier above 1 without a link is such a case, as such a row is tier 1.
    differs = compress(zip(suppliers, tiers), map(ne, declared, tiers))
    wrong = [(s, t) for s, t in differs if s.declared_tier is not None]
    if not wrong:
        return []
    file, sheet = supplier_list.file, supplier_list.sheet
    column = supplier_list.columns.get("supplies_to")
    tier_column = supplier_list.columns.get("tier") or column
    out = []
    for s, t in wrong:
        if s.declared_tier is not None and s.declared_tier > 1 and not s.supplies_to:
            where = f"the {column!r} cell is empty" if column else \
                "the list has no supplies-to column"
            out.append(Issue(
                "warning", "tier-mismatch",
                f"{s.name!r} is declared tier {s.declared_tier} but {where}: it is drawn as "
                "supplying the company directly (tier 1)", file, sheet,
                s.rows[0] if s.rows else None, tier_column,
                "name the customer it delivers to (an id or a name from this list)"))
        elif t is not None:
            out.append(Issue(
                "warning", "tier-mismatch",
                f"{s.name!r} is declared tier {s.declared_tier} but its links make it tier {t}",
                file, sheet, s.rows[0] if s.rows else None, tier_column,
                "check the tier or the supplies-to column"))
    return out


def _digraph(nodes: dict[str, dict], succ: dict[str, dict[str, dict]],
             pred: dict[str, dict[str, dict]]) -> nx.DiGraph:
    """A DiGraph over node and adjacency dicts in networkx's own layout, taken as they are.

    Setting `_adj` and `_pred` is how networkx itself swaps them (its descriptors keep `_succ`
    in step and reset the cached views); adding 100,000 nodes and edges one call at a time
    costs several times as much.
    """
    graph = nx.DiGraph()
    graph._node = nodes
    graph._adj = succ
    graph._pred = pred
    return graph


def _tiers(pred: Mapping[str, Iterable[str]], company_id: str,
           suppliers: list[Supplier]) -> dict[str, int | None]:
    """Computed tier: shortest number of hops from a supplier to the company (breadth first)."""
    dist = {company_id: 0}
    frontier = [company_id]
    d = 0
    while frontier:  # one hop further each round; the first to reach a supplier sets its tier
        d += 1
        reached = dict.fromkeys([p for n in frontier for p in pred[n] if p not in dist], d)
        dist.update(reached)
        frontier = list(reached)
    ids = [s.id for s in suppliers]
    return dict(zip(ids, map(dist.get, ids)))


def _flow_order(out: list[tuple[int, ...]]) -> list[int] | None:
    """Every node, raw materials first and each before its customers (so the company last);
    None when suppliers supply each other in a circle (Kahn's algorithm: a circle never
    gets free)."""
    indegree = [0] * len(out)
    for targets in out:
        for t in targets:
            indegree[t] += 1
    order = [n for n, d in enumerate(indegree) if not d]
    for n in order:  # the list grows while it is walked
        for t in out[n]:
            d = indegree[t] - 1
            indegree[t] = d
            if not d:
                order.append(t)
    return order if len(order) == len(out) and order[-1] == 0 else None


def _groups(graph: nx.DiGraph, succ: Mapping[str, Collection[str]],
            pred: Mapping[str, Collection[str]]) -> Groups:
    """The graph's circles as one group each, in flow order (networkx's condensation)."""
    cond = nx.condensation(graph)
    key = {c: f"group{c}" for c in cond}
    members = {key[c]: tuple(sorted(cond.nodes[c]["members"])) for c in cond}
    group_of = {n: key[c] for n, c in cond.graph["mapping"].items()}
    return Groups([key[c] for c in nx.topological_sort(cond)], members, group_of,
                  {key[c]: [key[p] for p in cond.predecessors(c)] for c in cond},
                  {key[c]: [key[t] for t in cond.successors(c)] for c in cond})


def _cycle_issue(graph: nx.DiGraph, group: list[str], supplier_list: SupplierList,
                 column: str | None) -> Issue:
    members = set(group)
    start = group[0]
    loop = [u for u, _v in nx.find_cycle(graph.subgraph(members), source=start)]
    names = [graph.nodes[n].get("name", n) for n in loop]
    shown = " -> ".join(repr(n) for n in names[:MAX_CYCLE_NAMES])
    if len(names) > MAX_CYCLE_NAMES:
        shown += f" -> ... ({len(names) - MAX_CYCLE_NAMES} more)"
    shown += f" -> {names[0]!r}"
    rows = sorted(r for s in supplier_list.suppliers if s.id in members for r in s.rows[:1])
    extra = f"; {len(group)} suppliers in this circle" if len(group) > len(loop) else ""
    return Issue("warning", "cycle",
                 f"suppliers supply each other in a circle: {shown}{extra}",
                 supplier_list.file, supplier_list.sheet, rows[0] if rows else None, column,
                 "goods flow one way: remove the link that points back up the chain")


# ---------------------------------------------------------------- chain facts


def _tiers_and_paths(order: list[int], out: list[tuple[int, ...]],
                     with_paths: bool) -> tuple[list[int], list[int]]:
    """Per node of a graph without circles: its tier and (with `with_paths`) its paths to
    the company, saturating at PATH_CAP + 1.

    Walking from the company up, a supplier's customers are done before it: its tier is one
    more than its nearest customer's, its paths the sum of theirs.
    """
    tier = [0] * len(out)
    paths = [1] * len(out) if with_paths else []
    tier_of = tier.__getitem__
    walk = reversed(order)
    next(walk)  # the company
    if not with_paths:
        for n in walk:
            targets = out[n]
            if len(targets) == 1:
                (t,) = targets
                tier[n] = tier[t] + 1
            else:
                tier[n] = min(map(tier_of, targets)) + 1
        return tier, paths
    cap = PATH_CAP + 1
    paths_of = paths.__getitem__
    for n in walk:
        targets = out[n]
        if len(targets) == 1:
            (t,) = targets
            tier[n] = tier[t] + 1
            paths[n] = paths[t]
        else:
            tier[n] = min(map(tier_of, targets)) + 1
            k = sum(map(paths_of, targets))
            paths[n] = k if k < cap else cap
    return tier, paths


def _dag_facts(order: list[int], out: list[tuple[int, ...]], into: list[list[int]],
               names: list[str], paths: list[int]) -> dict[str, ChainFacts]:
    """The chain facts of each supplier of a graph without circles, in list order."""
    size, depth = _upstream(order, out, into)
    counts = paths[1:]
    customers = [[names[targets[0]]] if len(targets) == 1 else
                 sorted(map(names.__getitem__, targets)) for targets in out[1:]]
    return dict(zip(names[1:], map(
        ChainFacts, [k if k <= PATH_CAP else PATH_CAP for k in counts],
        [k > PATH_CAP for k in counts], depth[1:], size[1:], customers,
        repeat(False, len(counts)))))


def _upstream(order: list[int], out: list[tuple[int, ...]],
              into: list[list[int]]) -> tuple[list[int], list[int]]:
    """Per node of a graph without circles: the distinct suppliers upstream of it and the
    longest chain of suppliers above it.

    Where every supplier above one delivers to one customer only, the chains above it form a
    tree and its count is the sum of its suppliers' counts: no set is built. Elsewhere the
    count is the size of the union of upstream sets (a tree's set is collected only when such
    a union needs it).
    """
    size = [0] * len(out)
    depth = [0] * len(out)
    # exclusive: a supplier that delivers to one customer and whose upstream is a tree, so
    # all of it flows one way (cleared below where the upstream is not a tree)
    exclusive = bytearray(map((1).__eq__, map(len, out)))
    raw = list(map(len, into)).count(0)  # nobody supplies them: they come first in the order
    upstream: dict[int, set[int]] = {}
    for c in order[raw:-1]:
        ups = into[c]
        k = d = 0
        for p in ups:
            if not exclusive[p]:
                break
            k += size[p] + 1
            if depth[p] >= d:
                d = depth[p] + 1
        else:
            size[c] = k
            depth[c] = d
            continue
        exclusive[c] = 0
        acc = set(ups)
        d = 0
        for p in ups:
            if into[p]:  # raw materials add only themselves
                acc |= upstream[p] if p in upstream else _tree_set(p, into, upstream)
            if depth[p] >= d:
                d = depth[p] + 1
        upstream[c] = acc
        size[c] = len(acc)
        depth[c] = d
    return size, depth


def _tree_set(node: int, into: list[list[int]], upstream: dict[int, set[int]]) -> set[int]:
    """The suppliers above a supplier whose upstream is a tree (each reached one way only)."""
    found: set[int] = set()
    stack = list(into[node])
    while stack:
        p = stack.pop()
        found.add(p)
        stack.extend(into[p])
    upstream[node] = found
    return found


def _facts(groups: Groups, succ: Mapping[str, Iterable[str]], company_id: str,
           suppliers: list[Supplier], in_cycle: set[str]) -> dict[str, ChainFacts]:
    """Paths, upstream depth and upstream supplier counts, over the groups in flow order."""
    members, group_of = groups.members, groups.group_of
    company_group = group_of[company_id]

    # Upstream suppliers, raw materials first. Where every supplier above a group delivers to
    # one customer only, the chains above it form a tree and its count is the sum of its
    # suppliers' counts: no set is built. Elsewhere the count is the size of the union of
    # upstream sets (a tree's set is collected only when such a union needs it).
    preds = groups.preds
    upstream: dict[str, frozenset[str]] = {}
    size: dict[str, int] = {}
    depth: dict[str, int] = {}
    tree: set[str] = set()
    one_customer = {c for c in groups.order if len(groups.succs[c]) == 1}
    for c in groups.order:
        if c == company_group:
            continue  # everything is upstream of the company; nobody asks
        own = members[c]
        ups = preds[c]
        if len(own) == 1:  # plain loops, no generators: this runs once per supplier
            n = d = 0
            for p in ups:
                if p not in tree or p not in one_customer:
                    break
                n += size[p] + 1
                if depth[p] >= d:
                    d = depth[p] + 1
            else:
                tree.add(c)
                size[c], depth[c] = n, d
                continue
        acc: set[str] = set()
        d = 0
        for p in ups:
            acc |= upstream[p] if p in upstream else _tree_above(p, preds, members, upstream)
            acc.update(members[p])
            d = max(d, depth[p] + 1)
        if len(own) > 1:
            acc.update(own)  # the other members of a circle are upstream of each member
        upstream[c] = frozenset(acc)
        size[c] = len(acc)
        depth[c] = d

    # Paths to the company, counted downstream-first over the groups and saturating at
    # PATH_CAP: exact outside circles, and a circle counts as one step (never enumerated).
    counts: dict[str, int] = {}
    for c in reversed(groups.order):
        if c == company_group:
            counts[c] = 1
        else:
            counts[c] = min(sum(counts[t] for t in groups.succs[c]), PATH_CAP + 1)

    facts: dict[str, ChainFacts] = {}
    for s in suppliers:
        c = group_of[s.id]
        n = counts[c]
        facts[s.id] = ChainFacts(
            paths=min(n, PATH_CAP), paths_capped=n > PATH_CAP, upstream_depth=depth[c],
            # a member of a circle is in its own upstream set: not counted
            upstream_suppliers=size[c] - (1 if len(members[c]) > 1 else 0),
            customers=sorted(succ[s.id]), in_cycle=s.id in in_cycle)
    return facts


def _tree_above(group: str, preds: Mapping[str, Iterable[str]],
                members: dict[str, tuple[str, ...]],
                upstream: dict[str, frozenset[str]]) -> frozenset[str]:
    """The suppliers above a group whose upstream is a tree (each reached one way only)."""
    found: set[str] = set()
    stack = list(preds[group])
    while stack:
        g = stack.pop()
        found.update(members[g])
        stack.extend(preds[g])
    upstream[group] = frozen = frozenset(found)
    return frozen


def _simple_paths(graph: nx.DiGraph, source: str, target: str, limit: int):
    if source not in graph or target not in graph:
        return
    for i, path in enumerate(nx.all_simple_paths(graph, source, target)):
        if i >= limit:
            return
        yield path


def paths_to_company(chain: ChainGraph, supplier_id: str, limit: int = PATH_CAP) -> list[list[str]]:
    """Up to `limit` chains from a supplier to the company (ids, supplier first), shortest first."""
    paths = list(_simple_paths(chain.graph, supplier_id, chain.company_id, limit))
    return sorted(paths, key=lambda p: (len(p), p))


def upstream_of(graph: nx.DiGraph, supplier_id: str) -> set[str]:
    """Every supplier whose goods reach this one."""
    return set(nx.ancestors(graph, supplier_id))


# ---------------------------------------------------------------- company facts


def company_facts(suppliers: list[Supplier], tiers: dict[str, int | None],
                  graph: nx.DiGraph) -> dict:
    """The numbers a covenant assessment asks about, for the whole list."""
    ids = [s.id for s in suppliers]
    tier_of = list(map(tiers.get, ids))
    # Counted per distinct tier, keyed as written out ('1', '2', ..., 'unreachable').
    per_tier = {("unreachable" if t is None else str(t)): n for t, n in Counter(tier_of).items()}
    countries = sorted(set(filter(None, [s.country for s in suppliers])))
    processes = sorted({p for s in suppliers for p in s.process})
    known = [t for t in tiers.values() if t is not None]
    tier1 = list(compress(ids, map(eq, tier_of, repeat(1))))
    pred = graph.pred
    disclosed = sum(1 for sid in tier1 if pred[sid])
    full = sum(map(has_full_address, suppliers))
    return {
        "suppliers": len(suppliers),
        "suppliers_per_tier": dict(sorted(per_tier.items(), key=lambda kv: (
            kv[0] == "unreachable", int(kv[0]) if kv[0].isdigit() else 0))),
        "countries": countries,
        "processes": processes,
        "max_tier": max(known) if known else 0,
        "tier1_suppliers": len(tier1),
        "tier1_with_upstream": disclosed,
        "visibility": _share(disclosed, len(tier1)),
        "address_completeness": _share(full, len(suppliers)),
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
