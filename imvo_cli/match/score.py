"""Score a pair of records: per-field similarities combined into one number in 0..1.

The rules, in order:
1. the same Open Supply Hub id is a sure match (1.0); two different ids cap the pair below
   any sensible threshold (0.80), since OS Hub has already told them apart;
2. the name decides: without a similar name (< 0.5) nothing else can make a match, because
   industrial parks and multi-tenant buildings put many factories at one address;
3. different unit numbers in the names ("Unit 3" / "Unit 4", "II" / "III") cap the pair at 0.80,
   and at 0.60 when the addresses differ too or the names are unlike; other house or plot
   numbers on two specific addresses cap it at 0.80 with a near-equal name and an otherwise
   alike address (the neighbour, or a typo: a person decides), at 0.60 otherwise;
4. two countries: only a (near-)identical name at a (near-)identical address can be one site
   filed under two neighbouring countries (a border industrial zone); such a pair is capped
   at 0.80, so a person decides, and any other pair across countries scores 0;
5. one brand with two different trade words ("Apex Spinning" / "Apex Denim", "Huiyuan Plastic"
   / "Huiyuan Textile": sister plants of one group often share a compound) is capped at 0.80,
   and so is a name that adds a product word to the other ("Gallant" / "Gallant Plastics"), or
   that is alike only because the other's words are a subset of its own and its extra words
   are neither trade, place nor alias words ("Daiwabo" / "Daiwabo Sheetec");
6. two cities that are not spellings of one (and neither named in the other's address) cap
   the pair at 0.80: the same name on the same street in two towns is for a person to see;
7. otherwise name, address and city are averaged with weights 0.55 / 0.35 / 0.10; a missing
   address costs certainty (name x 0.93), different house or plot numbers weaken the address,
   and a vague address (no house/plot number) cannot carry a doubtful name (< 0.9).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from ..countries import to_iso2
from .normalise import GENERIC_WORDS, PRODUCT_FAMILIES, PRODUCTS, core_name, normalise_name
from .records import MatchRecord

W_NAME, W_ADDRESS, W_CITY = 0.55, 0.35, 0.10
NAME_FLOOR = 0.50
SISTER_CAP = 0.80
OTHER_SITE_CAP = 0.60  # another unit number at another address: below any sensible review
NO_ADDRESS_FACTOR = 0.93
SUBSET_CREDIT = 0.90  # all distinctive words of one name inside the other
SINGLE_WORD_SUBSET_CREDIT = 0.80
VAGUE_ADDRESS_CAP = 0.60
SAME_NAME = 0.90  # names this close differ only by noise
NEIGHBOUR_ADDRESS = 0.60  # other house number, rest of the address alike: the neighbour or a typo
SAME_NAME_ADDRESS = 0.40  # ... and with the very same full name, a looser likeness will do
CROSS_COUNTRY_NAME = 0.95  # name and address this close across two countries: a person decides
CROSS_COUNTRY_ADDRESS = 0.90
CROSS_COUNTRY_CAP = 0.80
OTHER_CITY = 0.60  # city likeness below this: two towns ('Dhaka' / 'Dhaka 1340' is 0.71)


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float
    rule: str  # "os_id" | "score" | "os_id-differs" | "unit-differs" | "name-too-different"
    name: float
    address: float | None
    city: float | None
    os_id: bool | None  # True same, False different, None not both given

    def fields(self) -> dict:
        return {"name": self.name, "address": self.address, "city": self.city,
                "os_id": self.os_id}


def name_similarity(a: MatchRecord, b: MatchRecord) -> float:
    """Best of word-order-free, spacing-free and subset comparison of the distinctive words."""
    sort = fuzz.token_sort_ratio(a.core, b.core)
    flat = fuzz.ratio(a.core_compact, b.core_compact)
    best = max(sort, flat)
    # "Jung Myung Textile" inside "Jung Myung Textile (Shaowu)": a subset of 2+ distinctive
    # words is strong, one shared word ("Hanes") is not.
    shorter = min(a.core, b.core, key=len)
    if shorter.count(" ") >= 1:
        best = max(best, SUBSET_CREDIT * fuzz.token_set_ratio(a.core, b.core))
    elif len(shorter) >= 4:
        best = max(best, SINGLE_WORD_SUBSET_CREDIT * fuzz.token_set_ratio(a.core, b.core))
    elif a.core == b.core and a.norm_name != b.norm_name:
        # "AKH Apparels" / "AKH Fashions": one short distinctive word; the trade words count.
        best = (best + fuzz.token_sort_ratio(a.norm_name, b.norm_name)) / 2
        return best / 100.0
    if a.trades and b.trades and not a.trades & b.trades:
        # "Xinlong Knitting" / "Xinlong Clothing": one group's sister sites, which members list
        # with their own trade words; a spelling of one site keeps (or drops) its trade word.
        best = (best + fuzz.token_sort_ratio(a.norm_name, b.norm_name)) / 2
    return best / 100.0


def address_specific(r: MatchRecord) -> bool:
    """An address that pins a site: a house, plot or km number and a few words."""
    return bool(r.numbers) and r.norm_address.count(" ") >= 2


def address_similarity(a: MatchRecord, b: MatchRecord) -> float | None:
    if not a.norm_address or not b.norm_address:
        return None
    sim = (fuzz.token_set_ratio(a.norm_address, b.norm_address)
           + fuzz.token_sort_ratio(a.norm_address, b.norm_address)) / 200.0
    if a.numbers and b.numbers:
        overlap = len(a.numbers & b.numbers) / len(a.numbers | b.numbers)
        if overlap >= 0.5:
            sim = min(1.0, sim + 0.1)
        elif overlap == 0:
            sim *= 0.7  # same street, another plot: maybe the neighbour
        else:
            sim *= 0.9
    return sim


def city_similarity(a: MatchRecord, b: MatchRecord) -> float | None:
    if a.norm_city and b.norm_city:
        return fuzz.ratio(a.norm_city, b.norm_city) / 100.0
    if a.postal_code and b.postal_code:
        return 1.0 if a.postal_code.replace(" ", "") == b.postal_code.replace(" ", "") else 0.0
    return None


def score_pair(a: MatchRecord, b: MatchRecord) -> PairScore:
    """The pair's score, the rule that decided it and the per-field similarities."""
    found = score_reaching(a, b, None)
    assert found is not None  # no floor: every pair gets its score
    return found


# A score is rounded to 3 decimals before it is compared with a threshold: a bound this far
# below the floor cannot round up to it.
_ROUNDING = 0.001


def score_reaching(a: MatchRecord, b: MatchRecord, floor: float | None) -> PairScore | None:
    """score_pair(a, b), or None when the pair's score is sure to stay below `floor`.

    Most candidate pairs score far below the review threshold; they are left as soon as an
    upper bound on their score falls below it: the cap of a rule that applies whatever the
    names (another unit number at another house number), then after the names the fields
    still to compare taken as equal and the cap of the rule that applies now, then after the
    addresses the city taken as equal.
    """
    if a.country != b.country:
        return _across_countries(a, b, floor)
    same_os = None
    if a.os_id and b.os_id:
        same_os = a.os_id == b.os_id
    if floor is not None and not same_os and _below(_cap(a, b, None, None, same_os)[1], floor):
        return None
    name = name_similarity(a, b)
    if floor is not None and not same_os and _below(
            min(_cap(a, b, name, None, same_os)[1], name * W_NAME + W_ADDRESS + W_CITY), floor):
        return None
    address = address_similarity(a, b)
    if same_os:
        return PairScore(1.0, "os_id", round(name, 3), _r(address), _r(city_similarity(a, b)),
                         True)
    if address is not None and name < 0.9 and not (address_specific(a) and address_specific(b)):
        # "Savar, Dhaka 1340" fits hundreds of factories: weak support for a doubtful name.
        address = min(address, VAGUE_ADDRESS_CAP)
    rule, cap = _cap(a, b, name, address, same_os)
    if floor is not None and address is not None and _below(
            min(cap, name * W_NAME + address * W_ADDRESS + W_CITY), floor):
        return None
    city = city_similarity(a, b)
    if address is None:
        score = name * NO_ADDRESS_FACTOR
        if city is not None:
            score = (score * (W_NAME + W_ADDRESS) + city * W_CITY) / (W_NAME + W_ADDRESS + W_CITY)
    elif city is None:
        score = (name * W_NAME + address * (W_ADDRESS + W_CITY))
    else:
        score = name * W_NAME + address * W_ADDRESS + city * W_CITY
    if rule != "score":
        score = min(score, cap)
    return PairScore(round(score, 3), rule, round(name, 3), _r(address), _r(city), same_os)


def _cap(a: MatchRecord, b: MatchRecord, name: float | None, address: float | None,
         same_os: bool | None) -> tuple[str, float]:
    """The rule that decides a pair with these similarities, and the highest score it allows.

    `name` None: the names are not compared yet, so the highest cap any name could give (a
    name below NAME_FLOOR caps the score below it). `address` None with two addresses given:
    not compared yet, so the highest cap any likeness could give.
    """
    both = bool(a.norm_address and b.norm_address)  # address_similarity is None otherwise
    rule, cap = "score", 1.0
    if name is not None and name < NAME_FLOOR:
        rule, cap = "name-too-different", name
    elif a.marks != b.marks:  # two unit numbers, or one ('Nan Yang Garment 3' / 'Nan Yang Garment')
        # Another unit number; at another address too, nothing is left for a person to check,
        # nor when two unlike names carry two different numbers ("Unit 4" / "Unit 12").
        unlike = bool(a.marks and b.marks) and name is not None and name < SAME_NAME
        elsewhere = both and (_numbers_conflict(a, b) or (address is not None and address < 0.9))
        rule, cap = "unit-differs", OTHER_SITE_CAP if elsewhere or unlike else SISTER_CAP
    elif both and _numbers_conflict(a, b) and address_specific(a) and address_specific(b):
        # "No. 106 Xuefeng West Road" / "No. 109 Xuefeng West Road", "Plot 41, Sector 4" /
        # "Plot 231, Sector 4": the neighbour, or a typo in the number; a person decides.
        # With a doubtful name, or the rest of the address unlike too, it is another site.
        # The very same full name keeps a person's eye on a less alike address.
        floor = SAME_NAME_ADDRESS if a.norm_name == b.norm_name else NEIGHBOUR_ADDRESS
        neighbour = (name is None or name >= SAME_NAME) and (address is None or address >= floor)
        rule, cap = "number-differs", SISTER_CAP if neighbour else OTHER_SITE_CAP
    elif _cities_differ(a, b):
        rule, cap = "city-differs", SISTER_CAP
    elif a.trades and b.trades and not a.trades & b.trades:
        rule, cap = "trade-differs", SISTER_CAP
    elif _adds_product(a, b) or _adds_product(b, a):
        rule, cap = "product-differs", SISTER_CAP
    elif name is not None and name >= NAME_FLOOR and _adds_word(a, b):
        rule, cap = "word-differs", SISTER_CAP
    if name is None:
        cap = max(cap, NAME_FLOOR)
    if same_os is False:
        rule, cap = "os_id-differs", min(cap, SISTER_CAP)
    return rule, cap


def _below(bound: float, floor: float) -> bool:
    """Can a score of at most `bound` not reach `floor`, rounding included?"""
    return bound + _ROUNDING < floor


RULES: dict[str, str] = {
    "score": "name, address and city weighed together",
    "os_id": "the same Open Supply Hub id",
    "os_id-differs": "two different Open Supply Hub ids",
    "unit-differs": "another unit number in the name",
    "number-differs": "another house or plot number in the address",
    "city-differs": "in two different towns: a person decides",
    "trade-differs": "one brand with two trades (spinning / denim): a person decides",
    "product-differs": "one name adds a product (plastics, bags): a person decides",
    "word-differs": "alike only as one name inside the other, which adds a word: a person decides",
    "name-too-different": "names too different",
    "country-differs": "filed under two countries: a person decides",
    "same-spelling": "spelled the same",
    "decision": "decided by a person",
}


def explain(rule: str, fields: dict) -> str:
    """One line saying why a pair scored as it did: 'name 0.93, address 0.88: <rule>'."""
    parts = [f"{k} {v:.2f}" for k in ("name", "address", "city")
             if isinstance(v := fields.get(k), (int, float)) and not isinstance(v, bool)]
    if fields.get("os_id") is not None:
        parts.append("os id " + ("same" if fields["os_id"] else "differs"))
    reason = RULES.get(rule, rule)
    return f"{', '.join(parts)}: {reason}" if parts else reason


def _across_countries(a: MatchRecord, b: MatchRecord, floor: float | None) -> PairScore | None:
    """One site under two country codes is rare and a person must see it; never a merge."""
    name = name_similarity(a, b)
    if name < CROSS_COUNTRY_NAME:
        if floor is not None and _below(0.0, floor):
            return None  # scores 0 below
        return PairScore(0.0, "country-differs", round(name, 3), None,
                         _r(city_similarity(a, b)), None)
    address = address_similarity(a, b)
    city = city_similarity(a, b)
    # (Near-)identical means the whole spelling, not only the distinctive words or a shared
    # subset of address words ("Maiwa Fashion, No. 934 Guanlin Road" is not "Nantong Maiwa
    # Clothing, No. 934 Jukui Road").
    if (address is None or address < CROSS_COUNTRY_ADDRESS
            or fuzz.ratio(a.name_compact, b.name_compact) < 100 * CROSS_COUNTRY_ADDRESS
            or fuzz.token_sort_ratio(a.norm_address, b.norm_address) < 100 * CROSS_COUNTRY_ADDRESS
            or (city is not None and city < CROSS_COUNTRY_ADDRESS)
            or a.marks != b.marks or _numbers_conflict(a, b)):
        return PairScore(0.0, "country-differs", round(name, 3), _r(address), _r(city), None)
    score = min(CROSS_COUNTRY_CAP, name * W_NAME + address * (W_ADDRESS + W_CITY))
    return PairScore(round(score, 3), "country-differs", round(name, 3), _r(address), _r(city),
                     None)


def _cities_differ(a: MatchRecord, b: MatchRecord) -> bool:
    """Two towns, not two spellings of one: unlike city names, neither inside the other, and
    neither named in the other's address ('Gazipur' beside '..., Konabari, Gazipur')."""
    x, y = a.norm_city, b.norm_city
    if not x or not y or x == y or x in y or y in x:
        return False
    if x in b.norm_address.replace(" ", "") or y in a.norm_address.replace(" ", ""):
        return False
    return fuzz.ratio(x, y) < 100 * OTHER_CITY


def _adds_product(a: MatchRecord, b: MatchRecord) -> bool:
    """a names a product b does not, in any spelling ("Gallant Plastics" / "Gallant")."""
    extra = a.trades - b.trades
    if not extra & PRODUCTS or b.trades & PRODUCTS:
        return False  # (two products, or a product and a trade: trade-differs decides)
    glued = b.name_compact
    return not any(PRODUCT_FAMILIES[w] in extra and w in glued for w in a.norm_name.split()
                   if w in PRODUCT_FAMILIES)


# Words that add no site to a name: an alias introduced ("Val d'Or (aka Valdor)").
_ALIAS_WORDS = frozenset({"aka", "alias", "dba", "formerly", "former", "also", "known", "as",
                          "ta", "ex"})
_TRADE_SPELLINGS = tuple(w for w in GENERIC_WORDS if len(w) >= 5)
_SAME_WORD = 80  # rapidfuzz ratio at which two words are one word typed twice
_TYPO_OF_TRADE = 85


def _adds_word(a: MatchRecord, b: MatchRecord) -> bool:
    """The names are alike only because one's distinctive words are all in the other, which
    adds a word that is no trade, place or alias word: "Daiwabo" inside "Daiwabo Sheetec" is
    one group's other plant as often as the same one. A word of either address or city (a
    town, "Shaowu"), a trade word typed wrongly ("kniting"), another spelling of the shorter
    name ("Valdor") or an alias word explain the extra words."""
    short, long_ = sorted((a.core, b.core), key=len)
    if short == long_:
        return False
    if short.count(" ") >= 1:
        credit = SUBSET_CREDIT
    elif len(short) >= 4:
        credit = SINGLE_WORD_SUBSET_CREDIT
    else:
        return False
    subset = credit * fuzz.token_set_ratio(short, long_)
    if subset <= max(fuzz.token_sort_ratio(short, long_),
                     fuzz.ratio(short.replace(" ", ""), long_.replace(" ", ""))):
        return False  # the names are alike as wholes, not only as a subset
    longer = a if a.core == long_ else b
    if "/" in longer.name and any(
            fuzz.token_sort_ratio(core_name(normalise_name(part)), short) >= 100 * SAME_NAME
            for part in longer.name.split("/")):
        return False  # "Mata Textiles S.A. / El Trazo S.A.": one site under its two names
    short_words, glued = short.split(), short.replace(" ", "")
    places = set(a.norm_address.split()) | set(b.norm_address.split())
    where = a.norm_address.replace(" ", "") + " " + b.norm_address.replace(" ", "") + " " \
        + a.norm_city + " " + b.norm_city
    words = long_.split()
    extra = [k for k, w in enumerate(words)
             if not (w.isdigit() or w in glued or any(fuzz.ratio(w, v) >= _SAME_WORD
                                                     for v in short_words))]
    place = [k for k in extra if words[k] in places or (len(words[k]) >= 4 and words[k] in where)
             or (len(words[k]) >= 4 and to_iso2(words[k]) == a.country)]
    # Chinese names open with province, city and district ("Guangzhou Panyu ..."): a leading
    # run of extra words that holds a place is a place.
    lead = next((k for k in range(len(words)) if k not in extra), len(words))
    if any(k < lead for k in place):
        place += range(lead)
    for k in extra:
        w = words[k]
        if k in place or w in _ALIAS_WORDS:
            continue
        if len(w) >= 5 and any(fuzz.ratio(w, t) >= _TYPO_OF_TRADE for t in _TRADE_SPELLINGS):
            continue
        if any(_abbreviates(w, t) for t in _TRADE_SPELLINGS):
            continue  # "fty" for factory, "mfy" for manufactory
        return True
    return False


def _abbreviates(short: str, word: str) -> bool:
    """'fty' abbreviates 'factory': its first letter, then the rest in order, and shorter."""
    if len(short) < 2 or len(short) >= len(word) or short[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(c in rest for c in short[1:])


def _numbers_conflict(a: MatchRecord, b: MatchRecord) -> bool:
    """Each address has a house or plot number the other lacks."""
    return not a.numbers <= b.numbers and not b.numbers <= a.numbers  # no sets made


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)
