"""Normalise facility names and addresses so spellings of one factory compare as equal.

Names: transliterate (anyascii), fold case, drop punctuation, glue abbreviations written with
dots or spaces ("S.R.L.", "s r o"), then remove legal forms in many languages and spellings
("Co., Ltd.", "(Pvt.) Ltd.", "Sanayi ve Ticaret A.S.", "Cong ty TNHH", "Youxian Gongsi").
Addresses: the same folding plus common abbreviations, numbers and postal codes.

Noise that real lists carry and that is undone here:
- letter-spaced names, as PDF-to-spreadsheet conversion leaves them ("m e r c u r y appar e l"):
  `letter_spaced` detects them and `normalise_name` glues them back into one word, so they
  compare without spaces ("mercuryapparel") and are never read as Roman numerals;
- unit words glued to their numbers ("ltdunit14", "Unit14") are split into tokens;
- `o`/`O` typed for a zero between or after digits in an address ("33o", "1o5") reads as 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from anyascii import anyascii

# Legal forms as token sequences (after folding and gluing single letters). Longest first
# wins, so "sa de cv" goes before "sa". Sources: company-register abbreviations of the
# countries that make most of the world's garments, shoes, stone and metal goods.
LEGAL_FORMS: tuple[str, ...] = (
    # English and common-law countries (IN, PK, BD, LK, HK, SG, MY, UK, US)
    "private limited company", "private limited", "public limited company", "limited company",
    "limited liability company", "limited liability partnership", "company limited",
    "pvt ltd", "pvt limited", "p ltd", "p limited", "pte ltd", "pty ltd", "sdn bhd", "co ltd", "co limited",
    "corp ltd", "ltd co", "joint stock company", "joint stock", "holding company",
    "incorporated", "corporation", "limited", "company", "ltd", "llc", "llp", "lllp", "plc",
    "pvt", "pte", "pty", "inc", "corp", "co", "bhd", "opc", "jsc", "jv",
    # German, Dutch, Austrian, Swiss, Scandinavian
    "gmbh and co kg", "gmbh co kg", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "ev", "bv", "nv",
    "vof", "cv", "ab", "as", "asa", "aps", "oy", "oyj", "hf", "ehf",
    # Romance languages and Latin America
    "sa de cv", "s de rl de cv", "s de rl", "sapi de cv", "sa de rl", "sas", "sarl", "eurl",
    "sasu", "snc", "sa", "srl", "srls", "spa", "sl", "slu", "sll", "sc", "scs", "sca",
    "lda", "ltda", "eireli", "me", "epp", "cia", "y cia", "e hijos", "e hijo",
    # Central and Eastern Europe, Balkans, Baltics
    "sp zoo", "spzoo", "sp z oo", "sro", "spol sro", "as", "kft", "zrt", "nyrt", "bt", "doo",
    "dd", "ad", "ead", "ood", "eood", "ooo", "zao", "oao", "pao", "tov", "uab", "sia", "ou",
    # Turkey
    "sanayi ve ticaret limited sirketi", "sanayi ve ticaret anonim sirketi",
    "sanayi ve ticaret ltd sti", "sanayi ve ticaret as", "sanayi ve ticaret",
    "san ve tic ltd sti", "san ve tic as", "san ve tic", "san tic ltd sti", "san tic as",
    "san tic", "ithalat ihracat", "ic ve dis ticaret", "limited sirketi", "anonim sirketi",
    "ltd sti", "ltd sirketi", "sti",
    # Greece, Cyprus, Middle East, North Africa
    "ae", "epe", "ike", "sae", "wll", "fze", "fzco", "fzc", "fzllc", "sarl au",
    # South and South-East Asia
    "cong ty tnhh mtv", "cong ty tnhh", "cong ty co phan", "cong ty", "tnhh mtv", "tnhh",
    "co phan", "ctcp", "pt tbk", "tbk", "pt", "cv", "ud", "pma", "bhd", "public co",
    "public company limited", "pcl", "sole co",
    # China, Taiwan, Japan, Korea (transliterated)
    "youxian zeren gongsi", "youxian gongsi", "gufen youxian gongsi", "gongsi",
    "you xian ze ren gong si", "gu fen you xian gong si", "you xian gong si", "gong si",
    "kabushiki kaisha", "kabushikigaisha", "yugen kaisha", "godo kaisha", "kk", "yk", "gk",
    "jusik hoesa", "chusik hoesa", "yuhan hoesa",
)

# Words that say what a factory does rather than which factory it is: they count, but less.
GENERIC_WORDS: frozenset[str] = frozenset("""
apparel apparels garment garments clothing clothes fashion fashions textile textiles tekstil
textil textiles textilwerk knit knits knitting knitwear knitwears knitted weaving spinning dyeing mills
mill manufacturing manufacturer manufacturers manufactory mfg factory factories fabrik fabrika
industry industries industrial industria industrias industrie sanayi ticaret trading traders
trade exports export exporters import imports group international intl global enterprise
enterprises products product works the and of y e et und en fashions wear sportswear
city province county district denim
""".split())

# Address abbreviations, folded to one spelling.
ADDRESS_WORDS: dict[str, str] = {
    "rd": "road", "st": "street", "str": "street", "strasse": "street", "straat": "street",
    "ave": "avenue", "av": "avenue", "avda": "avenue", "blvd": "boulevard", "hwy": "highway",
    "ln": "lane", "dr": "drive", "bldg": "building", "blk": "block", "flr": "floor", "fl": "floor",
    "ind": "industrial", "indl": "industrial", "industri": "industrial", "est": "estate",
    "dist": "district", "distt": "district", "qu": "district", "prov": "province",
    "twn": "town", "zn": "zone", "jl": "jalan", "jln": "jalan", "kec": "kecamatan",
    "kab": "kabupaten", "cd": "cadde", "cad": "cadde", "sk": "sokak", "sok": "sokak",
    "mah": "mahalle", "mh": "mahalle", "osb": "organize sanayi", "no": "", "nr": "", "number": "",
    "num": "", "p": "", "o": "", "po": "", "box": "", "the": "", "of": "", "and": "",
}
# Words in addresses that carry no location (dropped from address tokens).
ADDRESS_FILLER: frozenset[str] = frozenset({"", "china", "prc", "pr", "india", "bangladesh",
                                            "vietnam", "turkey", "turkiye", "province"})

_SPLIT = re.compile(r"[^0-9a-z]+")
_NUMBER = re.compile(r"\d+")
_LEGAL_SEQS = sorted({tuple(f.split()) for f in LEGAL_FORMS}, key=len, reverse=True)
# Legal forms by their first token, longest first: the longest form starting at a token wins.
_LEGAL_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {
    first: tuple(seq for seq in _LEGAL_SEQS if seq[0] == first)
    for first in sorted({seq[0] for seq in _LEGAL_SEQS})}


# Legal forms written in mixed case, which the syllable split below must leave whole.
_MIXED_CASE_FORMS = frozenset({"gmbh", "mbh", "kgaa", "spa", "sarl", "srl", "sas", "bvba"})
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_SYLLABLE = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _split_syllables(word: re.Match[str]) -> str:
    text = word.group()
    return text if text.lower() in _MIXED_CASE_FORMS else _SYLLABLE.sub(" ", text)


def fold(text: str | None) -> str:
    """Transliterate to ASCII, split CJK pinyin run-ons, fold case, '&' to 'and'."""
    if not text:
        return ""
    if text.isascii():
        ascii_text = text
    else:
        # anyascii writes each CJK syllable capitalised ("ShangHai"): split them into words
        # (but not "GmbH" in "Müller GmbH").
        ascii_text = anyascii(text)
        if ascii_text != text:
            ascii_text = _LATIN_WORD.sub(_split_syllables, ascii_text)
    return ascii_text.lower().replace("&", " and ").replace("+", " and ")


def _glue_letters(tokens: Sequence[str]) -> list[str]:
    """Join runs of single letters: 's r o' -> 'sro', 'b v' -> 'bv' (dotted abbreviations)."""
    if not any(len(t) == 1 and t.isalpha() for t in tokens):  # a lone digit ("Unit 6") glues to nothing
        return list(tokens)
    out: list[str] = []
    run: list[str] = []
    for t in tokens:
        if len(t) == 1 and t.isalpha():
            run.append(t)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(t)
    if run:
        out.append("".join(run))
    return out


# Words that number a unit or site, found glued to the number or to the word before them.
UNIT_WORDS: tuple[str, ...] = ("unit", "branch", "plant", "factory", "site", "phase", "line",
                               "division", "building", "bldg", "block", "no")
_GLUED_UNIT = re.compile(r"^([a-z]*?)(" + "|".join(UNIT_WORDS) + r")(\d+)$")
# A token that _GLUED_UNIT can split: a unit word, then digits to the token's end.
_ANY_GLUED_UNIT = re.compile(r"(?:" + "|".join(UNIT_WORDS) + r")\d+(?![0-9a-z])")


def split_glued_units(token: str) -> list[str]:
    """'ltdunit14' -> ['ltd', 'unit', '14'], 'unit3' -> ['unit', '3']; other tokens unchanged.
    'no' counts only with letters before it ('ltdno2'), so a code such as 'no12' stays."""
    m = _GLUED_UNIT.match(token)
    if not m or (m.group(2) == "no" and not m.group(1)):
        return [token]
    return [t for t in m.groups() if t]


_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])['\u2019`](?=[a-z])")


def raw_tokens(text: str | None) -> list[str]:
    """Folded word tokens as typed: no gluing of single letters, glued unit numbers split."""
    return list(_raw_tokens(text))


@lru_cache(maxsize=200_000)
def _raw_tokens(text: str | None) -> tuple[str, ...]:
    # Names, addresses and cities repeat across members: each distinct text is split once.
    s = fold(text)
    if "'" in s or "\u2019" in s or "`" in s:
        # An apostrophe inside a word is not a word break ("Bao'an" -> baoan).
        s = _INNER_APOSTROPHE.sub("", s)
    tokens = [t for t in _SPLIT.split(s) if t]
    if not _ANY_GLUED_UNIT.search(s):
        return tuple(tokens)  # the common case: no unit word glued to a number
    out: list[str] = []
    for t in tokens:
        out.extend(split_glued_units(t))
    return tuple(out)


def tokens_of(text: str | None) -> list[str]:
    """Folded word tokens; dotted abbreviations glued ("Co.,Ltd." -> co ltd, "S.A." -> sa)."""
    return list(_tokens_of(text))


@lru_cache(maxsize=200_000)
def _tokens_of(text: str | None) -> tuple[str, ...]:
    return tuple(_glue_letters(_raw_tokens(text)))


LETTER_SPACED_SHARE = 0.4  # this share of a name's letters stands in 1-2 letter fragments...
LETTER_SPACED_MIN = 3  # ...of which there are at least this many, two of them single letters


def letter_spaced(tokens: Sequence[str]) -> bool:
    """A name broken into letters or 2-letter fragments ("m e r c u r y appar e l", "pr i v ate"),
    as PDF-to-spreadsheet conversion leaves them. Initials ("A B C Garments"), pinyin syllables
    ("Hu Ma Yi") and dotted legal forms ("S.A. de C.V.") are not."""
    short = [t for t in tokens if len(t) <= 2 and t.isalpha()]
    if len(short) < LETTER_SPACED_MIN or sum(len(t) == 1 for t in short) < 2:
        return False
    words = [t for t in tokens if t.isalpha()]
    if sum(len(t) for t in short) < LETTER_SPACED_SHARE * sum(len(t) for t in words):
        return False
    # A legal form spelled with dots ("s de r l de c v") is short fragments too: only a name
    # whose fragments are not all legal-form material counts.
    return bool(strip_legal_forms(_glue_letters(short)))


_COMPACT_LEGAL = sorted({f.replace(" ", "") for f in LEGAL_FORMS if len(f.replace(" ", "")) >= 3},
                        key=len, reverse=True)


_SPACED_TRADE_WORDS = sorted((w for w in GENERIC_WORDS if len(w) >= 4), key=len, reverse=True)


def _cut_legal_end(letters: str) -> str:
    """Legal forms cut off the end of glued letters while 4 letters or more stay."""
    cut = True
    while cut:
        cut = False
        for form in _COMPACT_LEGAL:
            if letters.endswith(form) and len(letters) - len(form) >= 4:
                letters, cut = letters[:-len(form)], True
                break
    return letters


def despaced_name(tokens: Sequence[str]) -> str:
    """A letter-spaced name as one word, legal forms cut off its end ('mercuryapparelltd' ->
    'mercuryapparel'); digits stay separate tokens so unit numbers are kept."""
    words = [t for t in tokens if not t.isdigit()]
    letters = _cut_legal_end("".join(words))
    # A legal form typed as whole words ends the name, however short the rest: "L.E.K. Inc"
    # and "L.E.K. Co. Ltd" are "lek", as "LEK Inc." is (the cut above keeps 4 letters).
    short = list(words)
    ended = True
    while ended:
        ended = False
        for form in _LEGAL_SEQS:
            size = len(form)
            if size < len(short) and tuple(short[-size:]) == form and all(len(t) > 1 for t in form):
                short, ended = short[:-size], True
                break
    if len(short) < len(words):
        letters = min(letters, _cut_legal_end("".join(short)), key=len)
    # Trade words at the end go back to being words ("mercuryapparel" -> "mercury apparel"),
    # so the name compares as the plainly typed one does.
    tail: list[str] = []
    for _ in range(2):
        for word in _SPACED_TRADE_WORDS:
            if letters.endswith(word) and len(letters) - len(word) >= 3:
                letters, tail = letters[:-len(word)], [word, *tail]
                break
        else:
            break
    digits = [t for t in tokens if t.isdigit()]
    return " ".join([letters, *tail, *digits])


def strip_legal_forms(tokens: Sequence[str]) -> list[str]:
    """Remove legal-form token sequences anywhere in the name (PT comes first in Indonesia)."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        # Only the forms that start with this token, longest first.
        for form in _LEGAL_BY_FIRST.get(tokens[i], ()):
            size = len(form)
            if size <= n - i and tuple(tokens[i:i + size]) == form:
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=200_000)
def normalise_name(name: str | None) -> str:
    """A name as comparable words: transliterated, folded, no punctuation, no legal forms."""
    raw = _raw_tokens(name)
    if letter_spaced(raw):
        return despaced_name(raw)
    tokens = _glue_letters(raw)
    stripped = strip_legal_forms(tokens)
    return " ".join(stripped or tokens)


# Trade words long enough to find glued to a name ("PalaniGarments", "Haoyuapparel").
_GLUED_SUFFIXES = tuple(sorted((w for w in GENERIC_WORDS if len(w) >= 5), key=len, reverse=True))


@lru_cache(maxsize=200_000)
def unglue_trade_word(word: str) -> str:
    """'palanigarments' -> 'palani': a trade word typed without its space, when at least three
    letters stay in front of it."""
    if word in GENERIC_WORDS:
        return word
    for suffix in _GLUED_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)]
    return word


@lru_cache(maxsize=200_000)
def core_name(normalised: str) -> str:
    """The distinctive words of a normalised name (generic trade words removed)."""
    words = [unglue_trade_word(t) for t in normalised.split() if t not in GENERIC_WORDS]
    # "Factory 1": a trade word and a number; the number alone would make every "1" alike.
    return " ".join(words) if words and not all(w.isdigit() for w in words) else normalised


@lru_cache(maxsize=200_000)
def trade_words(normalised: str) -> frozenset[str]:
    """What a name says the site does, as families ("Knitwear" and "Knitting" are one):
    {"clothing"}, {"knit"}, {"textile", "dyeing"}, ... Empty when it says nothing."""
    out = set()
    for t in normalised.split():
        if t in PRODUCT_FAMILIES:  # a distinctive word, so never glued: "Huiyuan Plastic"
            out.add(PRODUCT_FAMILIES[t])
            continue
        if t not in GENERIC_WORDS:
            glued = unglue_trade_word(t)
            if glued == t:
                continue
            t = t[len(glued):]
        if t in TRADE_FAMILIES:
            out.add(TRADE_FAMILIES[t])
    return frozenset(out)


# What a factory makes besides clothing ("Huiyuan Plastic", "Hecheng Bags", "Colep Packaging"),
# in English, Dutch and the other languages of the lists. Unlike the clothing words these stay
# in the distinctive name; as trade words they tell one brand's plastics plant from its textile
# mill at one address, and a name that adds one to the other ("Gallant" / "Gallant Plastics")
# is for a person to see (score.py: product-differs).
PRODUCT_FAMILIES: dict[str, str] = {
    **dict.fromkeys("plastic plastics plastik plasticos plastique plastiques kunststof "
                    "kunststoffen kunststoffe".split(), "plastic"),
    **dict.fromkeys("packaging packagings packing package packages verpakking verpakkingen "
                    "verpackung verpackungen emballage emballages embalajes embalagens carton "
                    "cartons".split(), "packaging"),
    **dict.fromkeys("bag bags handbag handbags luggage tassen bolsas".split(), "bag"),
    **dict.fromkeys("shoe shoes footwear footwears schoen schoenen schuh schuhe calzado calzados "
                    "zapatos chaussures".split(), "shoe"),
    **dict.fromkeys("sock socks hosiery sokken kousen calcetines".split(), "sock"),
    **dict.fromkeys("leather leathers leder leer lederwaren cuero cuir couro tannery tanneries "
                    "looierij".split(), "leather"),
    **dict.fromkeys("metal metals metaal metall metalen steel staal".split(), "metal"),
    **dict.fromkeys("paper papers papier papel".split(), "paper"),
    **dict.fromkeys("printing print prints printers drukkerij imprenta".split(), "printing"),
    **dict.fromkeys("glass glasses glas".split(), "glass"),
    **dict.fromkeys("toy toys speelgoed juguetes".split(), "toy"),
    **dict.fromkeys("furniture meubel meubelen muebles".split(), "furniture"),
    **dict.fromkeys("chemical chemicals chemie quimica quimicas".split(), "chemical"),
    **dict.fromkeys("rubber caucho".split(), "rubber"),
    **dict.fromkeys("glove gloves handschoenen guantes".split(), "glove"),
    **dict.fromkeys("label labels etiketten".split(), "label"),
    **dict.fromkeys("ceramic ceramics keramiek".split(), "ceramic"),
    **dict.fromkeys("sweater sweaters".split(), "knit"),
}
PRODUCTS: frozenset[str] = frozenset(PRODUCT_FAMILIES.values()) - {"knit"}


# Trade words by what they make; words like "industry" or "factory" say nothing of the kind.
TRADE_FAMILIES: dict[str, str] = {
    **dict.fromkeys("apparel apparels garment garments clothing clothes fashion fashions wear "
                    "sportswear".split(), "clothing"),
    **dict.fromkeys("knit knits knitting knitwear knitwears knitted".split(), "knit"),
    **dict.fromkeys("textile textiles tekstil textil textilwerk".split(), "textile"),
    "weaving": "weaving", "spinning": "spinning", "dyeing": "dyeing", "denim": "denim",
}


@lru_cache(maxsize=200_000)
def normalise_address(address: str | None) -> str:
    """An address as comparable words: folded, abbreviations expanded, filler dropped."""
    out = []
    for t in _tokens_of(address):
        t = _zero_for_o(t)
        t = ADDRESS_WORDS.get(t, t)
        if t in ADDRESS_FILLER:
            continue
        out.extend(t.split())
    return " ".join(out)


_O_FOR_ZERO = re.compile(r"^\d[\do]*o[\do]*$")


def _zero_for_o(token: str) -> str:
    """'33o' -> '330', '1o5' -> '105': a letter o typed for a zero inside a house number."""
    if "o" not in token or not token[:1].isdigit():  # most tokens: no regex needed
        return token
    return token.replace("o", "0") if _O_FOR_ZERO.match(token) else token


def address_numbers(normalised_address: str) -> frozenset[str]:
    """House, lot, plot and kilometre numbers (1-3 digits): the part of an address that pins a
    site. Longer numbers are mostly postal codes, which a whole district shares."""
    return frozenset(n.lstrip("0") or "0" for n in _NUMBER.findall(normalised_address)
                     if len(n) <= 3)


def compact(text: str) -> str:
    """Without spaces, so 'hai ning' equals 'haining' (spacing artefacts of transliteration)."""
    return text.replace(" ", "")
