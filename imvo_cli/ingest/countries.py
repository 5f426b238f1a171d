"""Country names and codes in any common spelling -> ISO 3166-1 alpha-2, via pycountry."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

# Names pycountry does not know: Dutch names, short forms, historic and DOL/World Bank
# spellings. Only the exceptions live here; pycountry knows every official name and code.
ALIASES: dict[str, str] = {
    "holland": "NL", "nederland": "NL", "the netherlands": "NL", "netherlands the": "NL",
    "turkey": "TR", "turkije": "TR", "turkiye": "TR",
    "burma": "MM", "birma": "MM",
    "vietnam": "VN", "viet nam": "VN",
    "korea rep": "KR", "korea republic of": "KR", "south korea": "KR", "zuid korea": "KR",
    "korea dem peoples rep": "KP", "north korea": "KP", "noord korea": "KP",
    "korea democratic people s republic of": "KP",
    "china": "CN", "peoples republic of china": "CN", "prc": "CN", "hong kong": "HK",
    "hong kong sar china": "HK", "hong kong sar": "HK", "macau": "MO", "macao sar china": "MO",
    "taiwan": "TW", "taiwan china": "TW", "taiwan province of china": "TW",
    "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "verenigd koninkrijk": "GB", "groot brittannie": "GB",
    "usa": "US", "u s a": "US", "u s": "US", "united states of america": "US",
    "verenigde staten": "US", "amerika": "US",
    "russia": "RU", "russian federation": "RU", "rusland": "RU",
    "iran": "IR", "iran islamic rep": "IR", "syria": "SY", "laos": "LA", "lao pdr": "LA",
    "bolivia": "BO", "venezuela": "VE", "venezuela rb": "VE", "tanzania": "TZ",
    "moldova": "MD", "czech republic": "CZ", "tsjechie": "CZ", "ivory coast": "CI",
    "cote d ivoire": "CI", "ivoorkust": "CI",
    "congo democratic republic of the": "CD", "congo dem rep": "CD", "dr congo": "CD",
    "drc": "CD", "democratic republic of congo": "CD", "democratic republic of the congo": "CD",
    "congo rep": "CG", "congo republic of": "CG", "republic of the congo": "CG",
    "egypt arab rep": "EG", "gambia the": "GM", "the gambia": "GM", "yemen rep": "YE",
    "kyrgyz republic": "KG", "slovak republic": "SK", "micronesia fed sts": "FM",
    "st lucia": "LC", "st kitts and nevis": "KN", "st vincent and the grenadines": "VC",
    "bahamas the": "BS", "cabo verde": "CV", "cape verde": "CV", "eswatini": "SZ",
    "swaziland": "SZ", "macedonia": "MK", "north macedonia": "MK", "macedonia fyr": "MK",
    "kosovo": "XK", "palestine": "PS", "west bank and gaza": "PS", "timor leste": "TL",
    "west bank and the gaza strip": "PS", "falkland islands": "FK",
    "falkland islands islas malvinas": "FK",
    "east timor": "TL", "brunei": "BN", "vatican": "VA", "sao tome and principe": "ST",
    "curacao": "CW", "reunion": "RE", "turks and caicos": "TC",
    # Dutch names that differ from the English ones
    "duitsland": "DE", "frankrijk": "FR", "belgie": "BE", "spanje": "ES", "italie": "IT",
    "griekenland": "GR", "oostenrijk": "AT", "zwitserland": "CH", "zweden": "SE",
    "noorwegen": "NO", "denemarken": "DK", "finland": "FI", "ierland": "IE", "polen": "PL",
    "hongarije": "HU", "roemenie": "RO", "bulgarije": "BG", "litouwen": "LT", "letland": "LV",
    "estland": "EE", "kroatie": "HR", "servie": "RS", "albanie": "AL", "oekraine": "UA",
    "wit rusland": "BY", "marokko": "MA", "tunesie": "TN", "egypte": "EG", "ethiopie": "ET",
    "kenia": "KE", "zuid afrika": "ZA", "madagaskar": "MG", "mauritius": "MU",
    "india": "IN", "indie": "IN", "bangladesh": "BD", "pakistan": "PK", "sri lanka": "LK",
    "indonesie": "ID", "maleisie": "MY", "filipijnen": "PH", "thailand": "TH",
    "cambodja": "KH", "japan": "JP", "mexico": "MX", "brazilie": "BR", "argentinie": "AR",
    "peru": "PE", "colombia": "CO", "chili": "CL", "oezbekistan": "UZ", "turkmenistan": "TM",
    "tadzjikistan": "TJ", "kazachstan": "KZ", "portugal": "PT", "verenigde arabische emiraten": "AE",
    "saoedi arabie": "SA", "jordanie": "JO", "myanmar": "MM", "tsjaad": "TD", "soedan": "SD",
    "zuid soedan": "SS", "nieuw zeeland": "NZ", "australie": "AU", "canada": "CA",
}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return text


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    import pycountry

    idx: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                idx.setdefault(_key(value), code)
        idx.setdefault(c.alpha_3.lower(), code)
        idx.setdefault(code.lower(), code)
        # "Korea, Republic of" -> also "republic of korea"
        name = getattr(c, "name", "")
        if "," in name:
            head, _, tail = name.partition(",")
            idx.setdefault(_key(f"{tail} {head}"), code)
    for k, v in ALIASES.items():
        idx[_key(k)] = v
    idx["xk"] = "XK"
    idx["xkx"] = "XK"
    idx["uk"] = "GB"
    return idx


@lru_cache(maxsize=4096)
def to_iso2(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name or code, or None when it is not recognised."""
    if text is None:
        return None
    key = _key(str(text))
    if not key:
        return None
    idx = _index()
    if key in idx:
        return idx[key]
    # "Netherlands (the)", "Viet Nam, Socialist Republic of": try the part before a comma/paren
    head = _key(re.split(r"[,(]", str(text))[0])
    return idx.get(head)


def suggest(text: str, n: int = 3) -> list[str]:
    """Closest known country names for an unrecognised one."""
    import pycountry

    names = {_key(c.name): c.name for c in pycountry.countries}
    names.update({k: k.title() for k in ALIASES})
    hits = difflib.get_close_matches(_key(text), list(names), n=n, cutoff=0.6)
    return [names[h] for h in hits]


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """English short name for an ISO alpha-2 code."""
    if not code:
        return None
    import pycountry

    if code == "XK":
        return "Kosovo"
    c = pycountry.countries.get(alpha_2=code)
    return getattr(c, "common_name", None) or (c.name if c else code)


def iso3_to_iso2(code: str) -> str | None:
    return to_iso2(code) if len(code) == 3 else None
