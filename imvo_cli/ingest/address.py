"""Address completeness: does a one-line address name its locality (town, district, postcode)?

Lists with a single address column write the locality inside it, often without commas
('128 Hamayetpur PS-Savar Dhaka-1340 Bangladesh'). A locality is recognised by a comma-
separated part, a postcode, a district or town word ('PS', 'Upazila', 'Township', 'Kec.',
'Province', 'Cedex') or the name of a town where much of the world's production happens.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..match.normalise import fold
from ..model import Supplier

# Words that name an administrative area or settlement, in the languages of production
# countries' addresses (Bangladesh, India, Pakistan, China, Vietnam, Indonesia, Turkey,
# Latin America, Europe). Matched as whole folded words.
DISTRICT_WORDS = frozenset("""
district dist distt upazila upazilla thana ps zila zilla division tehsil taluk taluka mandal
nagar city town township village county province prov prefecture municipality governorate
state region shi xian zhen sheng qu cun xiang jiedao kabupaten kab kecamatan kec kota desa
kelurahan kel tinh huyen quan phuong xa thi tran ward commune hamlet il ilce mahallesi
mahalle koyu osb cedex arrondissement departement gemeente kreis bezirk landkreis stadt
comune provincia municipio distrito estado departamento colonia col ciudad barrio canton
parish borough oblast raion okrug voivodeship powiat gmina zona tambon tumbol amphoe amphur
khet khwaeng
""".split())

# Towns and cities of the main production areas (garments, shoes, textiles, stone, metals),
# comma-separated, folded as addresses are.
_TOWN_LIST = """
dhaka, gazipur, savar, ashulia, narayanganj, chittagong, chattogram, tongi, mymensingh,
comilla, karachi, lahore, faisalabad, sialkot, multan, islamabad, rawalpindi, tirupur,
tiruppur, bangalore, bengaluru, chennai, delhi, noida, gurgaon, gurugram, mumbai, ludhiana,
jaipur, kolkata, ahmedabad, surat, coimbatore, erode, karur, panipat, kanpur, agra, hyderabad,
colombo, katunayake, negombo, kandy, ho chi minh, hcmc, saigon, hanoi, haiphong, hai phong,
danang, da nang, binh duong, dong nai, long an, nam dinh, phnom penh, kampong speu, yangon,
mandalay, bago, vientiane, jakarta, bandung, semarang, surabaya, bekasi, tangerang, bogor,
surakarta, purwakarta, bangkok, samut prakan, nonthaburi, chiang mai, kuala lumpur, penang,
johor bahru, manila, cebu, shanghai, guangzhou, shenzhen, dongguan, foshan, zhongshan, ningbo,
hangzhou, shaoxing, suzhou, wuxi, changzhou, nantong, qingdao, xiamen, fuzhou, quanzhou,
jinjiang, putian, wenzhou, jiaxing, huzhou, beijing, tianjin, wuhan, chengdu, chongqing, jinan,
yantai, weifang, zibo, hefei, nanjing, taipei, taichung, kaohsiung, tainan, taoyuan, seoul,
busan, daegu, incheon, tokyo, osaka, nagoya, istanbul, izmir, bursa, denizli, gaziantep,
kahramanmaras, usak, adana, tekirdag, corlu, cairo, alexandria, casablanca, tangier, tanger,
fes, tunis, sfax, monastir, sousse, addis ababa, hawassa, nairobi, mombasa, maseru,
antananarivo, port louis, lima, arequipa, guatemala city, mixco, villa nueva, chimaltenango,
san salvador, santa ana, soyapango, san miguel, tegucigalpa, san pedro sula, choloma,
villanueva, managua, masaya, port au prince, santo domingo, mexico city, tehuacan, puebla,
guadalajara, monterrey, bogota, medellin, quito, guayaquil, sao paulo, rio de janeiro,
blumenau, buenos aires, porto, braga, guimaraes, barcelos, famalicao, felgueiras, prato,
biella, milan, milano, florence, firenze, naples, napoli, treviso, carpi, lisbon, lisboa,
barcelona, madrid, valencia, alicante, elche, lodz, sofia, plovdiv, bucharest, cluj,
timisoara, skopje, tirana, bac ninh, huizhou, hai duong, thai binh, ha nam, vinh phuc,
samut sakhon, ayutthaya
"""
TOWNS = frozenset(" ".join(t.split()) for t in _TOWN_LIST.split(",") if t.strip())
_ONE_WORD_TOWNS = frozenset(t for t in TOWNS if " " not in t)
_LONG_TOWNS: dict[str, tuple[tuple[str, ...], ...]] = {}  # first word -> the rest, longest first
for _town in sorted((t for t in TOWNS if " " in t), key=lambda t: -t.count(" ")):
    _first, *_rest = _town.split()
    _LONG_TOWNS.setdefault(_first, ())
    _LONG_TOWNS[_first] += (tuple(_rest),)

# A postcode: 4-6 digits standing alone ('Dhaka-1340', 'Vernon CA 90058', '(67155)') that is
# not a house, plot or kilometre number; or a lettered format (NL 1234 AB, UK, Canada).
_NUMBER_WORDS = frozenset("no nr number house plot holding unit lot block bldg building km "
                          "road rd street st suite flat floor room gate door kav kavling "
                          "gali lane sector phase".split())
_LETTERED = re.compile(r"\b\d{4}\s?[A-Z]{2}\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|"
                       r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\b\d{2,5}-\d{3,4}\b")
_TOKEN = re.compile(r"[a-z0-9]+")
_DIGIT = re.compile(r"\d")


def _words(address: str) -> list[str]:
    return _TOKEN.findall(address.lower() if address.isascii() else fold(address))


def _has_postcode(address: str, words: list[str]) -> bool:
    if not _DIGIT.search(address):
        return False
    if _LETTERED.search(address):
        return True
    for i, w in enumerate(words):
        if w.isdigit() and 4 <= len(w) <= 6 and i > 0 and words[i - 1] not in _NUMBER_WORDS:
            return True
    return False


def _has_town(words: list[str]) -> bool:
    if not _ONE_WORD_TOWNS.isdisjoint(words):
        return True
    for i, w in enumerate(words):
        for rest in _LONG_TOWNS.get(w, ()):
            if tuple(words[i + 1:i + 1 + len(rest)]) == rest:
                return True
    return False


@lru_cache(maxsize=262144)  # a list's addresses, each asked once per report
def has_locality(address: str | None) -> bool:
    """True when a one-line address names where it is, beyond the street."""
    if not address:
        return False
    if "," in address:
        return True
    words = _words(address)
    if not DISTRICT_WORDS.isdisjoint(words):
        return True
    return _has_town(words) or _has_postcode(address, words)


def is_complete_address(address: str | None, country: str | None, city: str | None,
                        postal_code: str | None) -> bool:
    """Street, a locality (city or postcode column, or named in the address) and country."""
    if not (address and country):
        return False
    return bool(city or postal_code or has_locality(address))


def has_full_address(supplier: Supplier) -> bool:
    """Street, a locality (city or postcode column, or named in the address itself: a
    comma-separated part, a postcode, a district word or a known town) and country."""
    return is_complete_address(supplier.address, supplier.country, supplier.city,
                               supplier.postal_code)
