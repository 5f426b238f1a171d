"""Country names and codes in any common spelling -> ISO 3166-1 alpha-2, via pycountry.

pycountry supplies every official name and code and, through its gettext catalogues
(pycountry.LOCALES_DIR), the names in English, Dutch, German, French, Spanish, Italian and
Portuguese, and each country's name in its own languages ("Polska", "Việt Nam", "Ελλάδα"). The tables below hold only what those catalogues lack
or get dangerously wrong for supplier lists: colloquial names and abbreviations, the rule that
Taiwan, Hong Kong and Macao keep their own codes whatever "China, ..." prefix they carry, and
the names that mean more than one country.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from anyascii import anyascii
from rapidfuzz import fuzz, process

# Names the catalogues do not know (colloquial, short, historic, DOL / World Bank spellings).
ALIASES: dict[str, str] = {
    "holland": "NL", "nederland": "NL", "the netherlands": "NL", "netherlands the": "NL",
    "niederlande": "NL", "pays bas": "NL",
    "turkey": "TR", "turkije": "TR", "turkiye": "TR", "turkei": "TR", "turquie": "TR",
    "burma": "MM", "birma": "MM",
    "vietnam": "VN", "viet nam": "VN",
    "korea rep": "KR", "south korea": "KR", "zuid korea": "KR", "korea south": "KR",
    "s korea": "KR", "sudkorea": "KR", "rok": "KR", "republic of korea": "KR",
    "korea dem peoples rep": "KP", "north korea": "KP", "noord korea": "KP", "korea north": "KP",
    "n korea": "KP", "nordkorea": "KP", "dprk": "KP",
    "china": "CN", "peoples republic of china": "CN", "prc": "CN", "pr china": "CN",
    "p r c": "CN", "mainland china": "CN", "china mainland": "CN", "volksrepublik china": "CN",
    "chinese mainland": "CN", "republic of china": "TW", "roc": "TW",
    "hong kong": "HK", "hongkong": "HK", "hong kong sar": "HK", "hksar": "HK",
    "macau": "MO", "macao": "MO", "macao sar": "MO", "taiwan": "TW", "chinese taipei": "TW",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "engeland": "GB", "scotland": "GB", "schotland": "GB", "wales": "GB",
    "northern ireland": "GB", "noord ierland": "GB", "verenigd koninkrijk": "GB",
    "groot brittannie": "GB", "grossbritannien": "GB", "angleterre": "GB", "inghilterra": "GB",
    "inglaterra": "GB",
    "usa": "US", "u s a": "US", "u s": "US", "united states of america": "US", "america": "US",
    "verenigde staten": "US", "amerika": "US", "vs": "US", "etats unis": "US", "eeuu": "US",
    "russia": "RU", "russian federation": "RU", "rusland": "RU", "russland": "RU",
    "iran": "IR", "iran islamic rep": "IR", "syria": "SY", "laos": "LA", "lao pdr": "LA",
    "bolivia": "BO", "venezuela": "VE", "venezuela rb": "VE", "tanzania": "TZ",
    "moldova": "MD", "czech republic": "CZ", "czech": "CZ", "czechia": "CZ", "tsjechie": "CZ",
    "tschechien": "CZ", "tschechei": "CZ", "ivory coast": "CI", "cote d ivoire": "CI",
    "ivoorkust": "CI", "elfenbeinkuste": "CI",
    "congo democratic republic of the": "CD", "congo dem rep": "CD", "dr congo": "CD",
    "drc": "CD", "d r c": "CD", "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD", "congo kinshasa": "CD", "congo drc": "CD",
    "zaire": "CD", "kongo kinshasa": "CD",
    "congo rep": "CG", "congo republic of": "CG", "republic of the congo": "CG",
    "republic of congo": "CG", "congo brazzaville": "CG", "kongo brazzaville": "CG",
    "egypt arab rep": "EG", "gambia the": "GM", "the gambia": "GM", "yemen rep": "YE",
    "kyrgyz republic": "KG", "slovak republic": "SK", "slowakije": "SK", "micronesia": "FM",
    "micronesia fed sts": "FM", "federated states of micronesia": "FM",
    "st lucia": "LC", "st kitts and nevis": "KN", "st vincent and the grenadines": "VC",
    "bahamas the": "BS", "the bahamas": "BS", "cabo verde": "CV", "cape verde": "CV",
    "eswatini": "SZ", "swaziland": "SZ", "macedonia": "MK", "north macedonia": "MK",
    "macedonia fyr": "MK", "fyrom": "MK", "kosovo": "XK", "palestine": "PS",
    "west bank and gaza": "PS", "timor leste": "TL", "west bank and the gaza strip": "PS",
    "falkland islands": "FK", "falkland islands islas malvinas": "FK",
    "east timor": "TL", "brunei": "BN", "vatican": "VA", "vatican city": "VA",
    "vatican city state": "VA", "holy see": "VA", "sao tome and principe": "ST",
    "curacao": "CW", "reunion": "RE", "turks and caicos": "TC",
    "uae": "AE", "u a e": "AE", "emirates": "AE", "emiraten": "AE", "vae": "AE",
    "dubai": "AE", "abu dhabi": "AE",
    "srilanka": "LK", "ceylon": "LK", "kampuchea": "KH", "cambodja": "KH",
    "brasil": "BR", "italia": "IT", "bosnia": "BA", "bosnie": "BA", "bosnien": "BA",
    "bosnia herzegovina": "BA", "dominican rep": "DO", "dominicaanse republiek": "DO",
    "danemark": "DK", "daenemark": "DK", "persia": "IR", "siam": "TH",
    "byelorussia": "BY", "belorussia": "BY", "wit rusland": "BY", "kirgizie": "KG",
    "swasiland": "SZ", "st maarten": "SX", "sint maarten": "SX", "ksa": "SA",
    "laos pdr": "LA", "rep dominicana": "DO", "png": "PG", "st kitts": "KN", "st vincent": "VC",
    "antigua": "AG", "trinidad": "TT", "guinea conakry": "GN", "guinee conakry": "GN", "herzegovina": "BA", "bosnia and herz": "BA",
    # common names where the catalogues give only the formal one ("Fédération de Russie")
    "russie": "RU", "rusia": "RU", "rossiya": "RU", "россия": "RU",
    "bielorussie": "BY", "bielorrusia": "BY", "bielorussia": "BY", "bielorrussia": "BY",
    "weissrussland": "BY", "kirghizstan": "KG", "kirgistan": "KG", "kirguistao": "KG",
    "ira": "IR", "irao": "IR", "tchequia": "CZ", "tchequie": "CZ", "chequia": "CZ",
    "mikronesien": "FM", "micronesie": "FM", "vaticaanstad": "VA", "vatikanstadt": "VA",
    "palestinian territories": "PS", "palestijnse gebieden": "PS",
    "territoires palestiniens": "PS", "territorios palestinos": "PS",
    "territori palestinesi": "PS", "palastina": "PS",
    # Dutch names that the Dutch catalogue spells otherwise or lacks
    "duitsland": "DE", "frankrijk": "FR", "belgie": "BE", "spanje": "ES", "italie": "IT",
    "griekenland": "GR", "oostenrijk": "AT", "zwitserland": "CH", "zweden": "SE",
    "noorwegen": "NO", "denemarken": "DK", "ierland": "IE", "polen": "PL",
    "hongarije": "HU", "roemenie": "RO", "bulgarije": "BG", "litouwen": "LT", "letland": "LV",
    "estland": "EE", "kroatie": "HR", "servie": "RS", "albanie": "AL", "oekraine": "UA",
    "marokko": "MA", "tunesie": "TN", "egypte": "EG", "ethiopie": "ET",
    "kenia": "KE", "zuid afrika": "ZA", "madagaskar": "MG",
    "indie": "IN", "indonesie": "ID", "maleisie": "MY", "filipijnen": "PH",
    "brazilie": "BR", "argentinie": "AR", "chili": "CL", "oezbekistan": "UZ",
    "tadzjikistan": "TJ", "kazachstan": "KZ", "verenigde arabische emiraten": "AE",
    "saoedi arabie": "SA", "jordanie": "JO", "tsjaad": "TD",
    "zuid soedan": "SS", "nieuw zeeland": "NZ", "australie": "AU",
    # UN and ISO spellings the catalogues lack, local names in Latin letters, former names
    # of one country today
    "korea dpr": "KP", "dpr korea": "KP", "sao tome": "ST", "fyr macedonia": "MK",
    "great britain and northern ireland": "GB", "bonaire": "BQ", "hellas": "GR",
    "nippon": "JP", "nihon": "JP", "bharat": "IN", "east germany": "DE", "west germany": "DE",
    "oost duitsland": "DE", "west duitsland": "DE", "dahomey": "BJ", "upper volta": "BF",
    # short and usual names of territories the catalogues give only in full (CLDR's names)
    "caribisch nederland": "BQ", "caribbean netherlands": "BQ", "bes eilanden": "BQ",
    "bes islands": "BQ", "karibische niederlande": "BQ", "pays bas caribeens": "BQ",
    "caribe neerlandes": "BQ", "caraibi olandesi": "BQ", "paises baixos caribenhos": "BQ",
    "ciudad del vaticano": "VA", "citta del vaticano": "VA", "cidade do vaticano": "VA",
    "etat de la cite du vatican": "VA", "falklandeilanden": "FK", "falklandinseln": "FK",
    "islas malvinas": "FK", "ilhas malvinas": "FK", "iles malouines": "FK",
    "isole falkland": "FK", "comoras": "KM", "seicheles": "SC", "quiribati": "KI",
    "essuatini": "SZ", "salomonen": "SB", "kaimaninseln": "KY", "faroer": "FO",
    "franzosisch guayana": "GF", "palastinensische autonomiegebiete": "PS",
    "sint helena": "SH", "st helena": "SH", "saint helena": "SH", "sainte helene": "SH",
    "aland": "AX",
}

# Countries that no longer exist and split into several: refused with their successors.
FORMER: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("czechoslovakia", "tsjechoslowakije", "tschechoslowakei",
                     "tchecoslovaquie", "checoslovaquia", "cecoslovacchia"), ("CZ", "SK")),
    **dict.fromkeys(("yugoslavia", "joegoslavie", "jugoslawien", "yougoslavie",
                     "jugoslavia"), ("BA", "HR", "ME", "MK", "RS", "SI", "XK")),
    **dict.fromkeys(("serbia and montenegro", "servie en montenegro",
                     "serbien und montenegro"), ("ME", "RS")),
    **dict.fromkeys(("ussr", "soviet union", "sovjet unie", "sowjetunion", "udssr", "urss",
                     "cccp"), ("AM", "AZ", "BY", "EE", "GE", "KG", "KZ", "LT", "LV", "MD",
                               "RU", "TJ", "TM", "UA", "UZ")),
    **dict.fromkeys(("netherlands antilles", "nederlandse antillen", "antilles",
                     "niederlandische antillen", "antilles neerlandaises"),
                    ("BQ", "CW", "SX")),
}

# Names that mean more than one country: (code chosen, or None when choosing would be a guess;
# every candidate). A chosen code comes with a warning naming the others.
AMBIGUOUS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    **dict.fromkeys(("congo", "kongo", "the congo", "congo the"), (None, ("CD", "CG"))),
    **dict.fromkeys(("korea", "corea", "coree", "coreia"), ("KR", ("KR", "KP"))),
    **dict.fromkeys(("guinea", "guinee", "guine"), ("GN", ("GN", "GQ", "GW", "PG"))),
    **dict.fromkeys(("sudan", "soudan", "sudao", "soedan"), ("SD", ("SD", "SS"))),
    **dict.fromkeys(("virgin islands", "virgin isl", "maagdeneilanden", "jungferninseln",
                     "iles vierges", "islas virgenes", "isole vergini", "ilhas virgens"),
                    (None, ("VG", "VI"))),
    **dict.fromkeys(("saint martin", "st martin", "sint martin"), (None, ("MF", "SX"))),
}

# Places that keep their own code whatever country name surrounds them ("China, Taiwan").
_OWN_CODE = (("taiwan", "TW"), ("taipei", "TW"), ("hongkong", "HK"), ("macao", "MO"),
             ("macau", "MO"), ("xianggang", "HK"), ("aomen", "MO"))
# Words that qualify a country without naming another one ("China (mainland)", "Hong Kong SAR").
_QUALIFIERS = frozenset({"", "sar", "mainland", "the", "country", "pr", "prc", "rep",
                         "republic", "region", "special administrative region", "province",
                         "state", "kingdom", "island", "islands"})
# Words that belong to a country's name: a part made of them changes the country.
_PART_OF_NAME = frozenset({"south", "north", "east", "west", "equatorial", "new", "central",
                           "democratic", "dem", "american", "british", "us", "french", "dutch",
                           "zuid", "noord", "sud", "nord", "sur", "norte", "oost"})
# Abbreviations expanded inside a name (never when they stand alone: "IS" is Iceland).
_WORDS = {"rep": "republic", "dem": "democratic", "st": "saint", "ste": "sainte",
          "fed": "federated", "sts": "states", "isl": "islands", "is": "islands",
          "utd": "united", "ver": "verenigde", "pdr": "peoples democratic republic"}
_DROPPED = frozenset({"the", "of", "and", "de", "la", "le", "les", "des", "du", "der", "die",
                      "het", "van", "y", "e", "et", "und", "en"})
# Languages tried first (their names win a clash with a name in any other language).
MAIN_LANGUAGES = ("en", "nl", "de", "fr", "es", "it", "pt", "pt_BR")
SUGGEST_SCORE = 85  # rapidfuzz ratio a typo's candidate needs
SUGGEST_MARGIN = 8  # ... and its lead over the best candidate for another country


@dataclass(frozen=True, slots=True)
class CountryReading:
    """What a country cell says: the code (None when it cannot be read) and why."""

    text: str
    code: str | None
    status: str  # "ok" | "ambiguous" | "partial" | "suggestion" | "unknown"
    candidates: tuple[str, ...] = ()  # ISO codes it could mean (ambiguous, suggestion)
    message: str = ""  # the warning or error to report ("" when status is "ok")

    @property
    def certain(self) -> bool:
        return self.status == "ok"


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    """'Korea, Rep.' -> 'korea republic'; 'U.K.' -> 'uk'; accents and scripts folded."""
    if text.isascii():
        text = text.lower()
    else:  # accents dropped, other scripts transliterated: 'Dänemark', 'Ελλάδα', '中国'
        text = anyascii(unicodedata.normalize("NFC", text)).lower()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t]
    glued: list[str] = []
    run = ""
    for t in tokens:  # 'u s a' -> 'usa', 'p r china' -> 'pr china'
        if len(t) == 1 and t.isalpha():
            run += t
            continue
        if run:
            glued.append(run)
            run = ""
        glued.append(t)
    if run:
        glued.append(run)
    if len(glued) > 1:
        glued = [_WORDS.get(t, t) for t in glued if t not in _DROPPED] or glued
    return " ".join(glued)


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _names(country) -> list[str]:
    names = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
    return [n for n in names if n]


def _variants(name: str) -> list[str]:
    """A name and its comma-inverted form: 'Korea, Republic of' -> 'Republic of Korea'."""
    out = [name]
    if "," in name:
        head, _, tail = name.partition(",")
        out.append(f"{tail} {head}")
    return out


def _catalogue(language: str):


    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None


def _add_level(idx: dict[str, str], pairs) -> None:
    """Add keys not yet known; a key this level gives two different codes is dropped."""
    level: dict[str, str | None] = {}
    for key, code in pairs:
        if not key or key in idx:
            continue
        level[key] = code if level.get(key, code) == code else None
    idx.update((k, c) for k, c in level.items() if c is not None)


def _compacted(idx: dict[str, str]) -> dict[str, str]:
    """Keys without spaces ('srilanka', 'hongkong'), where that stays unambiguous."""
    compact: dict[str, str | None] = {}
    for k, c in idx.items():
        ck = _compact(k)
        compact[ck] = c if compact.get(ck, c) == c else None
    return {k: c for k, c in compact.items() if c is not None}


# pycountry catalogues -> the countries where that language is official or widely spoken.
LOCAL_LANGUAGES: dict[str, str] = {
    "af": "ZA NA", "am": "ET", "ar": "AE SA EG MA DZ TN LY JO LB SY IQ KW QA BH OM YE SD MR PS",
    "az": "AZ", "be": "BY", "bg": "BG", "bn": "BD IN", "bn_BD": "BD", "bn_IN": "IN",
    "bs": "BA", "ca": "AD", "cs": "CZ", "da": "DK", "dz": "BT", "el": "GR CY", "et": "EE",
    "eu": "ES", "fa": "IR AF", "fi": "FI", "fil": "PH", "ga": "IE", "gl": "ES", "ha": "NG NE",
    "he": "IL", "hi": "IN", "hr": "HR BA", "hu": "HU", "hy": "AM", "id": "ID", "is": "IS",
    "ja": "JP", "ka": "GE", "kk": "KZ", "km": "KH", "ko": "KR KP", "ky": "KG", "lo": "LA",
    "lt": "LT", "lv": "LV", "mk": "MK", "mn": "MN", "ms": "MY BN SG", "mt": "MT", "my": "MM",
    "nb_NO": "NO", "ne": "NP", "nn": "NO", "pa_PK": "PK", "pl": "PL", "ps": "AF",
    "ro": "RO MD", "ro_MD": "MD", "ru": "RU BY KZ KG", "si": "LK", "sk": "SK", "sl": "SI",
    "so": "SO", "sq": "AL XK MK", "sr": "RS BA ME", "sr@latin": "RS BA ME", "sv": "SE FI",
    "sw": "TZ KE UG", "ta": "LK IN SG", "tg": "TJ", "th": "TH", "tk": "TM", "tl": "PH",
    "tr": "TR CY", "uk": "UA", "ur": "PK", "uz": "UZ", "vi": "VN", "yo": "NG", "zh_CN": "CN SG",
    "zh_HK": "HK MO", "zh_TW": "TW", "zu": "ZA", "xh": "ZA",
}


def _translated(languages, countries, known: dict[str, str]) -> dict[str, str]:
    idx: dict[str, str] = dict(known)
    for language in languages:
        catalogue = _catalogue(language)
        if catalogue is None:
            continue
        pairs: list[tuple[str, str]] = []
        for c in countries:
            for n in _names(c):
                translated = catalogue.gettext(n)
                if translated != n:
                    pairs.extend((_key(v), c.alpha_2) for v in _variants(translated))
        _add_level(idx, pairs)
    return idx


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """'nl' and 'nld' -> 'NL', for every ISO 3166-1 country (and Kosovo's XK)."""

    codes = {"xk": "XK", "xkx": "XK"}
    for c in pycountry.countries:
        codes[c.alpha_2.lower()] = c.alpha_2
        codes[c.alpha_3.lower()] = c.alpha_2
    return codes


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(key -> code, compact key -> code, name key -> code for typo suggestions).

    Sources in order of precedence: the alias table, pycountry's English names, then the
    names in the main languages. ISO codes are apart (`_codes`): they match only text typed
    in Latin letters, never a transliteration ('مصر' is Egypt, not MSR).
    """

    countries = list(pycountry.countries)
    idx: dict[str, str] = {}
    _add_level(idx, [(_key(k), v) for k, v in ALIASES.items()])
    _add_level(idx, [(_key(v), c.alpha_2) for c in countries for n in _names(c)
                     for v in _variants(n)])
    idx = _translated(MAIN_LANGUAGES, countries, idx)
    names = {k: c for k, c in idx.items() if len(k) > 3}
    return idx, _compacted(idx), names


@lru_cache(maxsize=1)
def _local_index() -> tuple[dict[str, str], dict[str, str]]:
    """Local names: each country's name in its own languages ('Polska', 'Suomi', 'Ελλάδα').

    A language's name counts only for the countries that speak it, so a word of one
    language never reads as another country ('Nigera' is Niger in Latvian, a typo elsewhere).
    Built only when a name is not found in the main index; it adds keys, never changes one.
    """

    main, _, _ = _index()
    codes = _codes()
    pairs: list[tuple[str, str]] = []
    for language, codes in LOCAL_LANGUAGES.items():  # type: ignore[assignment]  # see below
        catalogue = _catalogue(language)
        if catalogue is None:
            continue
        for code in codes.split():  # type: ignore[attr-defined]
            c = pycountry.countries.get(alpha_2=code)
            if c is None:
                continue
            for n in _names(c):
                translated = catalogue.gettext(n)
                if translated != n:
                    pairs.extend((_key(v), code) for v in _variants(translated))
    local: dict[str, str] = {}
    # `codes` is the last language's code string here, not the ISO code index: local names
    # that spell an ISO code ('msr' for Egypt in Arabic) are kept. Checking the index instead
    # would drop them (tests/test_countries.py pins 'مصر' -> EG); kept as it is.
    _add_level(local, [(k, c) for k, c in pairs if k not in main and k not in codes])
    return local, _compacted(local)


# Names that tell apart the candidates of an ambiguous name better than the ISO short name.
_DISPLAY = {"CD": "DR Congo (Kinshasa)", "CG": "Republic of the Congo (Brazzaville)",
            "VG": "British Virgin Islands", "VI": "U.S. Virgin Islands",
            "MF": "Saint-Martin (French part)", "SX": "Sint Maarten (Dutch part)"}


def _label(code: str) -> str:
    return f"{_DISPLAY.get(code) or _short_name(code)} ({code})"


def _ambiguous(text: str, key: str) -> CountryReading | None:
    entry = AMBIGUOUS.get(key)
    if entry is None:
        return None
    chosen, candidates = entry
    listed = " or ".join(_label(c) for c in candidates)
    if chosen is None:
        return CountryReading(text, None, "ambiguous", candidates,
                              f"{text!r} can mean {listed}; choosing would be a guess")
    others = ", ".join(_label(c) for c in candidates if c != chosen)
    return CountryReading(text, chosen, "ambiguous", candidates,
                          f"{text!r} can mean {listed}; read as {_label(chosen)}, "
                          f"not {others}")


def _lookup(key: str) -> str | None:
    idx, compact, _ = _index()
    found = idx.get(key) or compact.get(_compact(key))
    if found:
        return found
    local, local_compact = _local_index()
    return local.get(key) or local_compact.get(_compact(key))


def _exact(raw: str, key: str) -> str | None:
    """The code a whole text names: an ISO code typed in Latin letters, or a known name."""
    code = _codes().get(key) if raw.isascii() and len(key) <= 3 else None
    return code or _lookup(key)


def _own_code(key: str) -> str | None:
    squeezed = _compact(key)
    for word, code in _OWN_CODE:
        if word in squeezed:
            return code
    return None


def _from_parts(text: str) -> CountryReading | None:
    """'China (mainland)', 'Bangladesh, Dhaka': the one country the parts name, if only one."""
    parts = [p for p in re.split(r"[,()/;\[\]]|\s-\s", text)]
    if len(parts) < 2:
        return None
    named = [p for p in parts if _key(p)]
    if len(named) == 2:  # 'Sudan, South', 'Guinea (Equatorial)': the two parts turned round
        code = _exact(" ".join(reversed(named)), _key(" ".join(reversed(named))))
        if code:
            return CountryReading(text, code, "ok")
    codes: dict[str, str] = {}
    loose: list[str] = []
    for part in parts:
        key = _key(part)
        if key in _QUALIFIERS:
            continue
        if key in _PART_OF_NAME:
            return None  # 'Sudan (South)' is not Sudan: a part of the name is not a remark
        code = AMBIGUOUS[key][0] if key in AMBIGUOUS else _exact(part.strip(), key)
        if code:
            codes.setdefault(code, part.strip())
        else:
            loose.append(part.strip())
    if len(codes) > 1:
        listed = " and ".join(f"{_label(c)} ({t!r})" for c, t in codes.items())
        return CountryReading(text, None, "ambiguous", tuple(codes),
                              f"{text!r} names more than one country: {listed}")
    if not codes:
        return None
    code = next(iter(codes))
    if not loose:
        return CountryReading(text, code, "ok")
    return CountryReading(text, code, "partial", (code,),
                          f"{text!r} read as {_label(code)}; "
                          f"{', '.join(repr(p) for p in loose)} is not a country and was ignored")


def _suggestion(text: str, key: str) -> CountryReading:

    _, _, names = _index()
    if len(key) < 4:
        return CountryReading(text, None, "unknown", (), f"{text!r} is not a recognised country")
    best: dict[str, float] = {}
    for name, score, _ in process.extract(key, list(names), scorer=fuzz.ratio, limit=12):
        code = names[name]
        best[code] = max(best.get(code, 0), score)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    close = tuple(c for c, s in ranked if s >= 60)[:3]
    clear = bool(ranked) and ranked[0][1] >= SUGGEST_SCORE and len(key) >= 5 and (
        len(ranked) == 1 or ranked[1][1] <= ranked[0][1] - SUGGEST_MARGIN)
    if clear:
        return CountryReading(text, None, "suggestion", (ranked[0][0],),
                              f"{text!r} is not a recognised country; it looks like a typo "
                              f"for {_label(ranked[0][0])}")
    return CountryReading(text, None, "unknown", close, f"{text!r} is not a recognised country")


# 'N/A', 'n.a.', Excel's '#N/A': not available, never Namibia (whose code is a bare 'NA').
_NOT_AVAILABLE = re.compile(r"#?\s*n\s*[/.]\s*a\s*\.?", re.IGNORECASE)
# What joins two places in one cell ('China/Hong Kong', 'China & Taiwan').
_LISTING = re.compile(r"\s*(?:/|&|\+|\b(?:and|en|und|et|y|e)\b)\s*", re.IGNORECASE)
# Emoji flags: two regional indicator letters ('🇧🇩'), or a black flag with tag letters
# whose first two name the country ('🏴' + 'gbeng' for England).
_FLAG = re.compile("[\U0001F1E6-\U0001F1FF]{2}|\U0001F3F4([\U000E0061-\U000E007A]{2})"
                   "[\U000E0030-\U000E007A]*\U000E007F")


def _flag_code(match: re.Match) -> str:
    letters = match.group(1) or match.group(0)
    base = 0xE0061 if match.group(1) else 0x1F1E6
    return "".join(chr(ord(c) - base + ord("A")) for c in letters)


def _with_flags(raw: str) -> CountryReading | None:
    """A cell with emoji flags: the country they show, if the rest of the cell agrees."""
    matches = list(_FLAG.finditer(raw))
    if not matches:
        return None
    codes = {_codes().get(_flag_code(m).lower()): _flag_code(m) for m in matches}
    rest = _FLAG.sub(" ", raw).strip()
    if rest:
        reading = read_country(rest)
        if reading.code:
            codes.setdefault(reading.code, rest)
    if None in codes or len(codes) != 1:
        known = tuple(c for c in codes if c)
        return CountryReading(raw, None, "ambiguous" if len(known) > 1 else "unknown", known,
                              f"{raw!r} names more than one country: "
                              f"{' and '.join(_label(c) for c in known)}" if len(known) > 1
                              else f"{raw!r} is not a recognised country")
    return CountryReading(raw, next(iter(codes)), "ok")


def _listed_places(raw: str) -> CountryReading | None:
    """'China/Hong Kong', 'Hong Kong + Macao': two places joined, refused with both."""
    parts = [p for p in _LISTING.split(raw) if _key(p)]
    if len(parts) < 2:
        return None
    codes: dict[str, str] = {}
    for part in parts:
        reading = read_country(part)
        if reading.code:
            codes.setdefault(reading.code, part.strip())
    if len(codes) < 2:
        return None
    listed = " and ".join(f"{_label(c)} ({t!r})" for c, t in codes.items())
    return CountryReading(raw, None, "ambiguous", tuple(codes),
                          f"{raw!r} names more than one country: {listed}")


# Words around Taiwan, Hong Kong or Macao that name no other place ('Province of China').
_OWN_CONTEXT = frozenset({t for q in _QUALIFIERS for t in q.split()} | {
    "china", "chinese", "prc", "peoples", "roc", "zhongguo", "zhonghua"})
_PARTS = re.compile(r"[,()/;\[\]&+]|\s-\s|\b(?:and|en|und|et)\b", re.IGNORECASE)


def _own_with_places(raw: str, own: str) -> CountryReading:
    """Taiwan, Hong Kong or Macao with the words around them: 'China, Hong Kong SAR' is HK;
    a place beside it ('Hong Kong/Shenzhen': a factory may be across the border) is read
    with a warning, another country refuses the cell."""
    loose: list[str] = []
    for part in _PARTS.split(raw):
        key = _key(part)
        if not key or _own_code(key) == own or set(key.split()) <= _OWN_CONTEXT:
            continue
        other = _exact(part.strip(), key)
        if other and other not in (own, "CN"):
            return CountryReading(raw, None, "ambiguous", (own, other),
                                  f"{raw!r} names more than one country: {_label(own)} and "
                                  f"{_label(other)} ({part.strip()!r})")
        if other is None:
            loose.append(part.strip())
    if not loose:
        return CountryReading(raw, own, "ok")
    return CountryReading(raw, own, "partial", (own,),
                          f"{raw!r} read as {_label(own)}; "
                          f"{', '.join(repr(p) for p in loose)} is not a country and was ignored")


@lru_cache(maxsize=1)
def _former_index() -> dict[str, tuple[str, ...]]:
    return {_key(name): successors for name, successors in FORMER.items()}


def _former(raw: str, key: str) -> CountryReading | None:
    successors = _former_index().get(key)
    if successors is None:
        return None
    listed = ", ".join(_label(c) for c in successors)
    return CountryReading(raw, None, "ambiguous", successors,
                          f"{raw!r} is a former country, now {listed}; choosing would be a "
                          "guess")


@lru_cache(maxsize=8192)
def read_country(text: str | None) -> CountryReading:
    """Read one country cell: a certain code, a choice with a warning, or why not."""
    raw = "" if text is None else str(text).strip()
    if not raw.isascii():
        found = _with_flags(raw)
        if found:
            return found
    if _NOT_AVAILABLE.fullmatch(raw):
        return CountryReading(raw, None, "unknown", (),
                              f"{raw!r} stands for 'not available', not for a country")
    if raw.casefold() == "na":
        return CountryReading(raw, "NA", "ambiguous", ("NA",),
                              f"{raw!r} read as Namibia (NA); it is also short for 'not "
                              "available': write 'Namibia' to be sure")
    key = _key(raw)
    if not key:
        return CountryReading(raw, None, "unknown", (), "the country is empty")
    found = _ambiguous(raw, key) or _former(raw, key)
    if found:
        return found
    own = _own_code(key)
    if own:
        return _listed_places(raw) or _own_with_places(raw, own)
    code = _exact(raw, key)
    if code:
        return CountryReading(raw, code, "ok")
    found = _from_parts(raw) or _code_and_name(raw)
    if found:
        return found
    return _suggestion(raw, key)


# 'TR Turkey', 'BD-Bangladesh', 'Bangladesh BD': an ISO code written beside its own name.
_CODE_FIRST = re.compile(r"([A-Z]{2,3})\s*[-\u2013:]?\s*(\S.*)")
_CODE_LAST = re.compile(r"(.*\S)\s*[-\u2013:]?\s*\b([A-Z]{2,3})")


def _code_and_name(raw: str) -> CountryReading | None:
    """A cell holding an ISO code and the name of the same country, in either order."""
    for pattern, code_at, name_at in ((_CODE_FIRST, 1, 2), (_CODE_LAST, 2, 1)):
        m = pattern.fullmatch(raw)
        if m is None:
            continue
        code = _codes().get(m.group(code_at).lower())
        if code and read_country(m.group(name_at)).code == code \
                and read_country(m.group(name_at)).certain:
            return CountryReading(raw, code, "ok")
    return None


@lru_cache(maxsize=4096)
def to_iso2(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name or code, or None when it cannot be read for sure
    (unknown, a typo, or a name of several countries where choosing would be a guess)."""
    if text is None:
        return None
    return read_country(str(text)).code


def suggest(text: str, n: int = 3) -> list[str]:
    """Closest known country names for an unrecognised one."""
    reading = read_country(text)
    return [country_name(c) or c for c in reading.candidates[:n]]


@lru_cache(maxsize=512)
def _short_name(code: str) -> str:

    if code == "XK":
        return "Kosovo"
    c = pycountry.countries.get(alpha_2=code)
    return getattr(c, "common_name", None) or (c.name if c else code)


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """English short name for an ISO alpha-2 code, one that reads back as that code
    ('Republic of the Congo', since 'Congo' alone could be either Congo)."""
    if not code:
        return None
    name = _short_name(code)
    entry = AMBIGUOUS.get(_key(name))
    if entry is not None and entry[0] != code:
        c = pycountry.countries.get(alpha_2=code)
        return getattr(c, "official_name", None) or _DISPLAY.get(code) or name
    return name
