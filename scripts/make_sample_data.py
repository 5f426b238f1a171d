"""Generate the bundled sample supplier lists, byte for byte the same on every run.

    python scripts/make_sample_data.py [--out sample_data]

Company names are invented; countries, cities, industrial areas, processes and products are
real. The functions are importable so the benchmark can build larger lists the same way:
`supplier_rows`, `member_lists`, `write_xlsx`, `write_csv` (see `main` for how the sample
files are put together).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import random
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

# Workbook properties and zip entry times are pinned so the files never change by themselves.
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
# Audit dates are drawn relative to this day (not today) for the same reason.
REFERENCE_DAY = date(2024, 6, 30)

BRAND = "Tulpveld Fashion B.V."
DUTCH_BRAND = "Veenstra Werkkleding B.V."
BRANCH = "Branchevereniging Modetextiel Nederland"
MEMBERS = ("Duinzand Mode B.V.", "Grachtgoed Kleding B.V.", "Polderblauw Denim B.V.",
           "Molenwiek Textiles B.V.", "Kustlicht Fashion B.V.", "Heidebloem Kids B.V.",
           "Veenhof Workwear B.V.", "Wadlopers Outdoor B.V.")

# Column header texts per layout, keyed by canonical field ("remarks" is an extra column).
EN_HEADERS = {"id": "Supplier ID", "name": "Supplier name", "address": "Address", "city": "City",
              "postal_code": "Postal code", "country": "Country", "tier": "Tier",
              "process": "Processing type", "product": "Product type",
              "supplies_to": "Supplies to", "workers": "Number of workers",
              "parent_company": "Parent company", "audit_standard": "Audit standard",
              "audit_date": "Audit date", "audit_result": "Audit result",
              "certifications": "Certifications", "purchase_share": "Purchase share",
              "remarks": "Remarks"}
NL_HEADERS = {"id": "Leveranciersnummer", "name": "Naam leverancier", "address": "Adres",
              "city": "Plaats", "postal_code": "Postcode", "country": "Land", "tier": "Niveau",
              "process": "Productieproces", "product": "Productgroep",
              "supplies_to": "Levert aan", "workers": "Aantal werknemers",
              "parent_company": "Moederbedrijf", "audit_standard": "Auditstandaard",
              "audit_date": "Datum laatste audit", "audit_result": "Auditresultaat",
              "certifications": "Certificeringen", "purchase_share": "Inkoopaandeel",
              "remarks": "Opmerkingen"}
# Open Supply Hub upload columns, as members export them from there.
OSH_HEADERS = {"name": "name", "address": "address", "country": "country", "sector": "sector",
               "product": "product_type", "process": "processing_type",
               "workers": "number_of_workers", "parent_company": "parent_company"}

COUNTRY_EN = {"BD": "Bangladesh", "CN": "China", "IN": "India", "TR": "Turkey",
              "PK": "Pakistan", "VN": "Vietnam", "MM": "Myanmar", "ET": "Ethiopia",
              "PT": "Portugal", "IT": "Italy", "NL": "Netherlands"}
# Spellings people actually type, all of which ingest recognises.
COUNTRY_VARIANTS = {"CN": ("China", "China", "CHINA"), "TR": ("Turkey", "Türkiye", "Turkey"),
                    "VN": ("Vietnam", "Viet Nam"), "PK": ("Pakistan", "Pakistan", "PK"),
                    "NL": ("Netherlands", "Holland"), "MM": ("Myanmar", "Myanmar", "Burma")}
COUNTRY_NL = {"BD": "Bangladesh", "CN": "China", "IN": "India", "TR": "Turkije",
              "PK": "Pakistan", "VN": "Vietnam", "MM": "Myanmar", "ET": "Ethiopië",
              "PT": "Portugal", "IT": "Italië", "NL": "Nederland"}

# country -> [(city, region, postal code, street patterns)]; {n} {m} are house/plot numbers.
PLACES: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {
    "BD": [("Gazipur", "Dhaka Division", "1700", ("Holding {n}, Konabari, Dhaka-Tangail Highway",
                                                   "Plot {n}, BSCIC Industrial Estate, Tongi")),
           ("Savar", "Dhaka Division", "1349", ("Plot {n}-{m}, Dhaka EPZ",
                                                 "{n} Baipail, Ashulia Road")),
           ("Narayanganj", "Dhaka Division", "1400", ("{n} BSCIC Industrial Area, Fatullah",
                                                       "Plot {n}, Kanchpur, Sonargaon")),
           ("Chattogram", "Chattogram Division", "4223", ("Plot {n}, Sector {m}, Chattogram EPZ",
                                                           "{n} Kalurghat Heavy Industrial Area")),
           ("Narsingdi", "Dhaka Division", "1600", ("{n} Madhabdi Road, Panchdona",))],
    "CN": [("Guangzhou", "Guangdong", "510530", ("No. {n} Kaifa Avenue, Huangpu District",
                                                 "Building {m}, No. {n} Xintang Road, Zengcheng")),
           ("Dongguan", "Guangdong", "523850", ("No. {n} Industrial Road, Humen Town",
                                                "No. {n} Dalang Avenue, Dalang Town")),
           ("Ningbo", "Zhejiang", "315100", ("No. {n} Qiming Road, Yinzhou District",)),
           ("Shaoxing", "Zhejiang", "312030", ("No. {n} Binhai Industrial Zone, Keqiao District",
                                               "No. {n} Jinbai Road, Keqiao District")),
           ("Suzhou", "Jiangsu", "215228", ("No. {n} Shengze Town, Wujiang District",)),
           ("Yiwu", "Zhejiang", "322000", ("No. {n} Xuefeng West Road",)),
           ("Nantong", "Jiangsu", "226300", ("No. {n} Tongzhou Economic Development Zone",)),
           ("Aksu", "Xinjiang", "843000", ("No. {n} Kaiyuan Road, Aksu Economic Zone",))],
    "IN": [("Tiruppur", "Tamil Nadu", "641604", ("SF No. {n}, Avinashi Road",
                                                 "{n} Kangeyam Road, Veerapandi")),
           ("Bengaluru", "Karnataka", "560058", ("Plot {n}, Peenya Industrial Area, Phase {m}",)),
           ("Ahmedabad", "Gujarat", "382330", ("Plot {n}, GIDC Naroda, Phase {m}",
                                               "{n} Narol-Vatva Road")),
           ("Surat", "Gujarat", "394221", ("Plot {n}, Sachin GIDC",)),
           ("Coimbatore", "Tamil Nadu", "641014", ("SF No. {n}, Sathy Road, Saravanampatti",)),
           ("Rajkot", "Gujarat", "360024", ("Survey No. {n}, Gondal Highway, Shapar",)),
           ("Akola", "Maharashtra", "444104", ("Gat No. {n}, MIDC Phase {m}",))],
    "TR": [("Istanbul", "Istanbul", "34522", ("Esenyurt Mah. Doğan Araslı Bulvarı No: {n}",
                                              "Bağcılar Mah. Sanayi Cad. No: {n}")),
           ("Izmir", "Izmir", "35620", ("Atatürk OSB 10003 Sokak No: {n}, Çiğli",)),
           ("Denizli", "Denizli", "20330", ("Organize Sanayi Bölgesi {m}. Cadde No: {n}",)),
           ("Bursa", "Bursa", "16140", ("Demirtaş OSB Mustafa Karaer Cad. No: {n}, Osmangazi",)),
           ("Gaziantep", "Gaziantep", "27600", ("3. Organize Sanayi Bölgesi {m}. Cadde No: {n}",)),
           ("Kahramanmaraş", "Kahramanmaraş", "46050", ("Organize Sanayi Bölgesi {m}. Cadde No: {n}",)),
           ("Şanlıurfa", "Şanlıurfa", "63300", ("Harran Yolu Üzeri No: {n}",))],
    "PK": [("Lahore", "Punjab", "54000", ("{n} Km Sheikhupura Road",
                                          "Plot {n}, Sundar Industrial Estate")),
           ("Faisalabad", "Punjab", "38000", ("P-{n} Sargodha Road", "{n} Jhang Road")),
           ("Karachi", "Sindh", "74900", ("Plot {n}, Sector {m}, Korangi Industrial Area",
                                          "Plot {n}/{m}, SITE Area")),
           ("Multan", "Punjab", "60000", ("{n} Km Vehari Road",)),
           ("Rahim Yar Khan", "Punjab", "64200", ("{n} Km Lahore Road",))],
    "VN": [("Ho Chi Minh City", "Ho Chi Minh City", "700000", ("Lot {n}, Tan Tao Industrial Park, Binh Tan District",)),
           ("Thuan An", "Binh Duong", "820000", ("Lot {m}-{n}, Song Than Industrial Park",
                                                 "No. {n} Road 22, VSIP I")),
           ("Nam Dinh", "Nam Dinh", "420000", ("No. {n} Hoa Xa Industrial Zone",)),
           ("Hai Phong", "Hai Phong", "180000", ("Lot {n}, Nomura Industrial Zone",))],
    "MM": [("Yangon", "Yangon Region", "11401", ("Plot {n}, Shwe Lin Pan Industrial Zone, Hlaing Tharyar Township",
                                                 "No. {n}, Shwe Pyi Thar Industrial Zone {m}"))],
    "ET": [("Hawassa", "Sidama", "", ("Hawassa Industrial Park, Shed {n}",)),
           ("Bahir Dar", "Amhara", "", ("Kebele {m}, Bahir Dar Industrial Zone, Plot {n}",)),
           ("Arba Minch", "South Ethiopia", "", ("Kebele {n}, Sikela",))],
    "PT": [("Barcelos", "Braga", "4750-{n:03d}", ("Rua da Indústria, {n}",)),
           ("Guimarães", "Braga", "4835-{n:03d}", ("Avenida Conde de Margaride, {n}",
                                                   "Rua de Covas, {n}")),
           ("Vila Nova de Famalicão", "Braga", "4760-{n:03d}", ("Rua Padre Benjamim Salgado, {n}",)),
           ("Covilhã", "Castelo Branco", "6200-{n:03d}", ("Rua Marquês d'Ávila e Bolama, {n}",))],
    "IT": [("Prato", "Toscana", "59100", ("Via Pistoiese {n}",)),
           ("Carpi", "Emilia-Romagna", "41012", ("Via dell'Industria {n}",)),
           ("Biella", "Piemonte", "13900", ("Via Cesare Battisti {n}",)),
           ("Como", "Lombardia", "22100", ("Via Bellinzona {n}",))],
    "NL": [("Tilburg", "Noord-Brabant", "5048 AB", ("Ringbaan-West {n}",)),
           ("Enschede", "Overijssel", "7521 PH", ("Hengelosestraat {n}",))],
}

# Production roles: (tier, processes, products, certifications, workers range, countries
# with weights). Process names follow Open Supply Hub's processing types.
ROLES: dict[str, dict] = {
    "garment": {"tier": 1, "process": (("Cut-make-trim",), ("Cutting", "Sewing", "Packing"),
                                       ("Sewing", "Washing"), ("Cut-make-trim", "Embroidery")),
                "product": (("T-shirts",), ("Jeans",), ("Knitwear",), ("Dresses",),
                            ("Jackets",), ("Shirts", "Blouses"), ("Hoodies", "Sweatshirts"),
                            ("Underwear",), ("Trousers",)),
                "certs": ("OEKO-TEX Standard 100", "GOTS", "Fair Wear audit", "GRS", "OCS"),
                "workers": (150, 4500),
                "countries": {"BD": 5, "CN": 4, "IN": 3, "TR": 3, "PK": 2, "VN": 3, "MM": 1,
                              "ET": 1, "PT": 2, "IT": 1}},
    "decoration": {"tier": 1, "process": (("Printing", "Embroidery"), ("Screen printing",)),
                   "product": (("Printed T-shirts",), ("Embroidered garments",)),
                   "certs": ("OEKO-TEX Standard 100", "GOTS"), "workers": (12, 80),
                   "countries": {"NL": 2, "PT": 1}},
    "knit_mill": {"tier": 2, "process": (("Knitting",), ("Knitting", "Dyeing", "Finishing")),
                  "product": (("Jersey fabric",), ("Fleece fabric",), ("Rib fabric",),
                              ("Knitted fabric",)),
                  "certs": ("GOTS", "OEKO-TEX Standard 100", "bluesign", "GRS"),
                  "workers": (120, 2500),
                  "countries": {"BD": 2, "CN": 3, "IN": 3, "TR": 3, "PK": 1, "VN": 1, "PT": 1}},
    "weave_mill": {"tier": 2, "process": (("Weaving",), ("Weaving", "Finishing")),
                   "product": (("Denim fabric",), ("Poplin",), ("Twill fabric",),
                               ("Woven fabric",), ("Wool fabric",)),
                   "certs": ("GOTS", "OEKO-TEX Standard 100", "GRS"), "workers": (150, 3000),
                   "countries": {"CN": 3, "IN": 2, "TR": 3, "PK": 2, "BD": 1, "IT": 2}},
    "wet_processing": {"tier": 2, "process": (("Dyeing", "Finishing"), ("Printing",),
                                              ("Dyeing",), ("Washing", "Finishing")),
                       "product": (("Dyed fabric",), ("Printed fabric",), ("Finished fabric",)),
                       "certs": ("OEKO-TEX STeP", "ZDHC MRSL", "bluesign"),
                       "workers": (60, 900),
                       "countries": {"BD": 2, "CN": 2, "IN": 2, "TR": 2, "PK": 1, "PT": 1,
                                     "IT": 1}},
    "trims": {"tier": 2, "process": (("Trims production",), ("Accessories production",)),
              "product": (("Buttons",), ("Zippers",), ("Woven labels", "Hangtags"),
                          ("Sewing thread",)),
              "certs": ("OEKO-TEX Standard 100", "GRS"), "workers": (40, 1200),
              "countries": {"CN": 3, "IN": 1, "TR": 1, "IT": 1, "BD": 1}},
    "spinner": {"tier": 3, "process": (("Spinning",), ("Spinning", "Combing")),
                "product": (("Cotton yarn",), ("Organic cotton yarn",), ("Recycled polyester yarn",),
                            ("Viscose yarn",), ("Cotton yarn", "Blended yarn")),
                "certs": ("GOTS", "OCS", "GRS", "Better Cotton"), "workers": (200, 3500),
                "countries": {"IN": 3, "PK": 3, "TR": 2, "CN": 2, "BD": 1, "VN": 1, "ET": 1}},
    "ginner": {"tier": 4, "process": (("Ginning",), ("Ginning", "Pressing")),
               "product": (("Cotton lint",), ("Cotton bales",)),
               "certs": ("Better Cotton", "GOTS", "OCS"), "workers": (25, 350),
               "countries": {"IN": 3, "PK": 3, "TR": 2, "CN": 1, "ET": 1}},
    "farm": {"tier": 4, "process": (("Cotton farming",), ("Cotton farming", "Ginning")),
             "product": (("Seed cotton",), ("Organic cotton",)),
             "certs": ("Organic (EU)", "Fairtrade", "Better Cotton", "Regenagri"),
             "workers": (40, 2500), "countries": {"IN": 2, "TR": 1, "ET": 1, "PK": 1}},
}
ROLES_BY_TIER = {1: {"garment": 12, "decoration": 1},
                 2: {"knit_mill": 4, "weave_mill": 3, "wet_processing": 3, "trims": 2},
                 3: {"spinner": 1},
                 4: {"ginner": 2, "farm": 1}}
TIER_SHARE = {1: 0.29, 2: 0.33, 3: 0.2, 4: 0.18}
# Which roles buy from which (the flow of goods runs from supplier to customer).
CUSTOMERS = {"knit_mill": ("garment",), "weave_mill": ("garment",),
             "wet_processing": ("garment",), "trims": ("garment",),
             "spinner": ("knit_mill", "weave_mill"), "ginner": ("spinner",),
             "farm": ("spinner",)}

WORKWEAR_PRODUCTS = (("Work trousers",), ("Polo shirts",), ("Safety jackets",),
                     ("Overalls",), ("Chef jackets",), ("Hi-vis vests",))

# Invented name parts per country; the role word says what the site does.
NAME_WORDS = {
    "BD": ("Meghna", "Jamuna", "Karnaphuli", "Shitalakshya", "Rupsha", "Dhaleshwari", "Turag",
           "Titas", "Nilsagar", "Shapla", "Kapotaksha", "Madhumati"),
    "CN": ("Ruifeng", "Jiaxin", "Huamei", "Xinlong", "Tianyi", "Yongsheng", "Jinhui", "Mingda",
           "Haoyu", "Lianfa", "Shunjie", "Kaiyuan"),
    "IN": ("Sri Lakshmi", "Kaveri", "Annapurna", "Vaigai", "Narmada", "Sai Krishna",
           "Amaravathi", "Bhavani", "Kumaran", "Noyyal", "Palani", "Sabari"),
    "TR": ("Akdeniz", "Ege", "Yıldız", "Karadağ", "Toros", "Gökkuşağı", "Kuzey", "Çınar",
           "Doğa", "Özlem", "Meriç", "Gediz"),
    "PK": ("Indus", "Ravi", "Chenab", "Jhelum", "Sutlej", "Noor", "Zarghoon", "Margalla",
           "Rohtas", "Kirthar", "Hunza", "Swat"),
    "VN": ("Phú Thịnh", "Minh Anh", "Sao Mai", "Hồng Phát", "An Khang", "Tân Phong",
           "Bảo Long", "Thiên Phúc", "Đại Lộc", "Hưng Yên Star"),
    "MM": ("Shwe Pyi", "Yadanar", "Aung Myint", "Golden Lotus", "Myat Noe", "Thiri Pyae"),
    "ET": ("Abay", "Awash", "Tana", "Entoto", "Simien", "Wabi", "Omo", "Gibe"),
    "PT": ("Ferreira & Filhos", "Costa Martins", "Silva Pinto", "Oliveira Campos",
           "Sousa Gomes", "Araújo Leite", "Teixeira Rocha", "Magalhães"),
    "IT": ("Bianchi", "Moretti", "Galli", "Conti", "Fontana", "Ricci", "Barbieri", "Lombardi"),
    "NL": ("Twentse", "Brabantse", "Kempen", "Dinkel", "Regge", "Vecht"),
}
ROLE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "BD": {"garment": ("Apparels", "Garments", "Fashions", "Knit Wear", "Sweaters"),
           "knit_mill": ("Knit Fabrics", "Knitting Mills"), "weave_mill": ("Denim Mills", "Weaving"),
           "wet_processing": ("Dyeing & Finishing", "Washing Plant"),
           "trims": ("Accessories", "Labels & Packaging"), "spinner": ("Spinning Mills",)},
    "CN": {"garment": ("Garment", "Apparel", "Clothing"), "knit_mill": ("Knitting", "Textile"),
           "weave_mill": ("Weaving", "Textile"), "wet_processing": ("Printing & Dyeing", "Dyeing & Finishing"),
           "trims": ("Button", "Zipper", "Label Printing"), "spinner": ("Cotton Spinning",),
           "ginner": ("Cotton Ginning",)},
    "IN": {"garment": ("Exports", "Knit Fashions", "Garments", "Apparels"),
           "knit_mill": ("Knit Fab", "Textiles"), "weave_mill": ("Fabrics", "Weaving Mills"),
           "wet_processing": ("Dyeing Mills", "Process House"), "trims": ("Trims",),
           "spinner": ("Spinning Mills", "Spinners"), "ginner": ("Cotton Ginning & Pressing",),
           "farm": ("Organic Farmers Producer Company",)},
    "TR": {"garment": ("Konfeksiyon", "Giyim"), "knit_mill": ("Örme", "Tekstil"),
           "weave_mill": ("Dokuma", "Tekstil"), "wet_processing": ("Boya Apre",),
           "trims": ("Aksesuar",), "spinner": ("İplik",), "ginner": ("Çırçır",),
           "farm": ("Organik Pamuk Tarım",)},
    "PK": {"garment": ("Apparel", "Garments", "Knitwear"), "knit_mill": ("Knitting Mills",),
           "weave_mill": ("Weaving Mills", "Denim"), "wet_processing": ("Processing Mills",),
           "spinner": ("Spinning Mills",), "ginner": ("Ginning Factory",),
           "farm": ("Cotton Growers",)},
    "VN": {"garment": ("Garment", "Fashion"), "knit_mill": ("Knitting",), "spinner": ("Yarn",)},
    "MM": {"garment": ("Garment Manufacturing", "Apparel")},
    "ET": {"garment": ("Garment", "Apparel"), "spinner": ("Textile",), "ginner": ("Ginning",),
           "farm": ("Cotton Farm",)},
    "PT": {"garment": ("Confecções", "Vestuário"), "decoration": ("Estamparia",),
           "knit_mill": ("Malhas",), "wet_processing": ("Tinturaria",)},
    "IT": {"garment": ("Confezioni",), "weave_mill": ("Tessitura", "Lanificio"),
           "wet_processing": ("Tintoria",), "trims": ("Bottonificio",)},
    "NL": {"decoration": ("Textieldruk", "Borduurwerk")},
}
# Equivalent spellings of each legal form; the first is the one a list uses by default.
LEGAL_FORMS = {
    "BD": ("Ltd.", "Limited", "Ltd", "LTD."),
    "CN": ("Co., Ltd.", "Company Limited", "Co.,Ltd.", "CO., LTD", "Co Ltd"),
    "IN": ("Pvt Ltd", "Private Limited", "Pvt. Ltd.", "(P) Ltd", "PVT LTD"),
    "TR": ("San. ve Tic. A.Ş.", "Sanayi ve Ticaret A.Ş.", "SAN. VE TIC. A.S.", "San.Tic.A.Ş."),
    "PK": ("(Pvt.) Ltd.", "Private Limited", "Pvt Ltd", "(Private) Limited"),
    "VN": ("Co., Ltd", "Company Limited", "Co.,Ltd", "Joint Stock Company"),
    "MM": ("Co., Ltd.", "Company Limited", "Co.Ltd"),
    "ET": ("PLC", "P.L.C.", "Plc"),
    "PT": ("Lda.", "Lda", "LDA"),
    "IT": ("S.r.l.", "SRL", "Srl"),
    "NL": ("B.V.", "BV"),
}
PREFIX_ROLE_COUNTRIES = {"IT", "PT"}  # "Tessitura Galli S.r.l.": role word first
PARENTS = ("Harbour Textile Group", "Lotus Apparel Holdings", "Anatolia Tekstil Holding A.Ş.",
           "Five Rivers Textile Group", "Eastern Star Knitting Group")

AUDITS = {  # standard -> possible results; common standards per country
    "amfori BSCI": ("A", "B", "B", "C", "C", "D"),
    "SA8000": ("Certified",),
    "SLCP": ("Verified",),
    "WRAP": ("Gold", "Platinum", "Gold"),
    "Sedex SMETA": ("Passed", "Passed with non-compliances"),
}
AUDITS_BY_COUNTRY = {"BD": ("amfori BSCI", "WRAP", "SLCP"), "CN": ("amfori BSCI", "Sedex SMETA", "SLCP"),
                     "IN": ("amfori BSCI", "SA8000", "Sedex SMETA"), "TR": ("amfori BSCI", "SLCP"),
                     "PK": ("WRAP", "amfori BSCI", "SA8000"), "VN": ("SLCP", "WRAP", "amfori BSCI"),
                     "MM": ("amfori BSCI", "Sedex SMETA"), "ET": ("WRAP", "SLCP"),
                     "PT": ("amfori BSCI", "Sedex SMETA"), "IT": ("SA8000", "amfori BSCI"),
                     "NL": ("Sedex SMETA",)}


# --------------------------------------------------------------------------- factories


@dataclass(slots=True)
class Factory:
    """One invented production location; `base` + legal form make its name."""

    country: str
    role: str
    tier: int
    base: str
    form_index: int
    address: str
    city: str
    region: str
    postal_code: str
    process: tuple[str, ...]
    product: tuple[str, ...]
    workers: int
    certs: tuple[str, ...] = ()
    parent_company: str | None = None
    audit: tuple[str, date, str] | None = None
    customers: list[int] = field(default_factory=list)  # indexes into the same factory list

    @property
    def name(self) -> str:
        return f"{self.base} {LEGAL_FORMS[self.country][self.form_index]}"


class _Names:
    """Hands out invented names, never the same base twice within one generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.units: dict[str, int] = {}

    def base(self, country: str, role: str) -> str:
        words = NAME_WORDS[country]
        role_words = ROLE_WORDS[country].get(role) or ROLE_WORDS[country].get("garment") \
            or next(iter(ROLE_WORDS[country].values()))
        for _ in range(6):
            w, r = self.rng.choice(words), self.rng.choice(role_words)
            base = f"{r} {w}" if country in PREFIX_ROLE_COUNTRIES else f"{w} {r}"
            if base not in self.used:
                self.used.add(base)
                return base
        # Large lists run out of word pairs: number the sites the way groups do ("Unit 2").
        n = self.units.get(base, 1) + 1
        while f"{base} Unit {n}" in self.used:
            n += 1
        self.units[base] = n
        numbered = f"{base} Unit {n}"
        self.used.add(numbered)
        return numbered


def _allocate(count: int, weights: dict[str, int], rng: random.Random) -> list[str]:
    """`count` keys drawn by weight, every key at least once when there is room."""
    keys = list(weights)
    picked = keys[:] if count >= len(keys) else []
    picked += rng.choices(keys, weights=[weights[k] for k in keys], k=count - len(picked))
    rng.shuffle(picked)
    return picked


# Cotton country: where ginners and farms are, and garment makers mostly are not.
FARM_CITIES = {"Aksu", "Rajkot", "Akola", "Şanlıurfa", "Multan", "Rahim Yar Khan", "Arba Minch"}


def _place(country: str, role: str, rng: random.Random) -> tuple[str, str, str, str]:
    rural = role in ("ginner", "farm")
    places = [p for p in PLACES[country] if (p[0] in FARM_CITIES) == rural] or PLACES[country]
    city, region, postcode, streets = rng.choice(places)
    n, m = rng.randint(1, 480), rng.randint(1, 12)
    return (rng.choice(streets).format(n=n, m=m), city, region,
            postcode.format(n=rng.randint(1, 999)) if postcode else "")


def _make_factory(country: str, role: str, names: _Names, rng: random.Random,
                  products=None) -> Factory:
    spec = ROLES[role]
    address, city, region, postcode = _place(country, role, rng)
    lo, hi = spec["workers"]
    workers = int(round(rng.triangular(lo, hi, lo + (hi - lo) * 0.3), -1 if hi > 200 else 0))
    certs = tuple(sorted(rng.sample(spec["certs"], k=rng.choice((0, 1, 1, 2)))))
    audit = None
    if spec["tier"] <= 2 and rng.random() < (0.85 if spec["tier"] == 1 else 0.45):
        standard = rng.choice(AUDITS_BY_COUNTRY[country])
        # Most audits are recent; about one in six is older than two years.
        age_days = rng.randint(30, 700) if rng.random() < 0.83 else rng.randint(800, 1800)
        when = date.fromordinal(REFERENCE_DAY.toordinal() - age_days)
        audit = (standard, when, rng.choice(AUDITS[standard]))
    product_pool = products if products and role == "garment" else spec["product"]
    return Factory(country=country, role=role, tier=spec["tier"], base=names.base(country, role),
                   form_index=0, address=address, city=city, region=region, postal_code=postcode,
                   process=rng.choice(spec["process"]), product=rng.choice(product_pool),
                   workers=max(workers, 5), certs=certs,
                   parent_company=rng.choice(PARENTS) if rng.random() < 0.08 else None,
                   audit=audit)


def _tier_counts(n: int) -> dict[int, int]:
    counts = {t: int(n * share) for t, share in TIER_SHARE.items()}
    counts[1] += n - sum(counts.values())
    return counts


def make_factories(n: int, seed: int = 1, *, products=None, names: _Names | None = None,
                   rng: random.Random | None = None) -> list[Factory]:
    """`n` linked production locations over tiers 1-4, customers chosen upstream-down."""
    rng = rng or random.Random(seed)
    names = names or _Names(rng)
    factories: list[Factory] = []
    for tier, count in _tier_counts(n).items():
        roles = _allocate(count, ROLES_BY_TIER[tier], rng) if count else []
        # Countries per role in one go, so every producing country shows up where there is room.
        countries = {role: iter(_allocate(roles.count(role), ROLES[role]["countries"], rng))
                     for role in sorted(set(roles))}
        for role in roles:
            factories.append(_make_factory(next(countries[role]), role, names, rng, products))
    _link(factories, rng)
    return factories


def _link(factories: list[Factory], rng: random.Random) -> None:
    """Give every tier 2+ site one or two customers, preferring the same country."""
    pools: dict[tuple, list[int]] = {}  # (customer roles,) and (customer roles, country)
    for i, f in enumerate(factories):
        for roles in {r for r in CUSTOMERS.values() if f.role in r}:
            pools.setdefault((roles,), []).append(i)
            pools.setdefault((roles, f.country), []).append(i)
    for f in factories:
        wanted = CUSTOMERS.get(f.role)
        pool = pools.get((wanted,))
        if not wanted or not pool:
            continue
        local = pools.get((wanted, f.country))
        k = 2 if rng.random() < 0.25 else 1
        chosen: list[int] = []
        for _ in range(k):
            source = local if local and rng.random() < 0.7 else pool
            pick = rng.choice(source)
            if pick not in chosen:
                chosen.append(pick)
        f.customers = sorted(chosen)


# --------------------------------------------------------------------------- rows


def _workers_cell(n: int, rng: random.Random):
    """The number of workers as people type it."""
    x = rng.random()
    if x < 0.08:
        return None
    if x < 0.2 and n >= 1000:
        return f"{n // 1000}.{n % 1000:03d}"  # Dutch thousands separator
    if x < 0.3:
        lo = max(0, (n // 100) * 100)
        return f"{lo}-{lo + (400 if n > 500 else 100)}"
    if x < 0.38:
        return f"approx. {round(n, -1)}"
    return n


def _join(values, rng: random.Random) -> str:
    return rng.choice((" | ", "; ", ", ")).join(values)


def _country_text(code: str, rng: random.Random) -> str:
    return rng.choice(COUNTRY_VARIANTS.get(code, (COUNTRY_EN[code],)))


def supplier_rows(n: int, seed: int = 1, *, company: str | None = BRAND, products=None,
                  id_prefix: str = "V") -> list[dict]:
    """`n` rows of a linked supplier list over tiers 1-4 (canonical field -> value).

    Tier 1 rows supply to `company`; deeper tiers name their customers by supplier id or,
    now and then, by name (one or two customers each). The work grows linearly with `n`.
    """
    rng = random.Random(seed)
    factories = make_factories(n, rng=rng, products=products)
    ids = [f"{id_prefix}{1001 + i}" for i in range(len(factories))]
    rows = []
    for i, f in enumerate(factories):
        refs = [ids[c] if rng.random() < 0.8 else factories[c].name for c in f.customers]
        if f.tier == 1 and company:
            refs = [company]
        row = {"id": ids[i], "name": f.name, "address": f.address, "city": f.city,
               "postal_code": f.postal_code or None, "country": _country_text(f.country, rng),
               "tier": f.tier, "process": _join(f.process, rng), "product": _join(f.product, rng),
               "supplies_to": " | ".join(refs) or None, "workers": _workers_cell(f.workers, rng),
               "parent_company": f.parent_company,
               "certifications": _join(f.certs, rng) if f.certs else None}
        if f.audit:
            standard, when, result = f.audit
            row.update(audit_standard=standard, audit_date=when, audit_result=result)
        rows.append(row)
    # Purchase shares of the direct suppliers add up to (about) the whole.
    tier1 = [r for r in rows if r["tier"] == 1]
    weights = [rng.uniform(0.2, 1.0) for _ in tier1]
    total = sum(weights)
    for r, w in zip(tier1, weights, strict=True):
        r["purchase_share"] = round(w / total, 3)
    return rows


# --------------------------------------------------------------------------- spelling variants


def _strip_accents(text: str) -> str:
    text = text.replace("ı", "i").replace("İ", "I").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_ADDRESS_ABBREVIATIONS = (("Road", "Rd."), ("Street", "St."), ("Avenue", "Ave."),
                          ("Industrial", "Ind."), ("Mahallesi", "Mah."), ("Cadde", "Cad."),
                          ("Sokak", "Sk."), ("No. ", "#"), ("Organize Sanayi Bölgesi", "OSB"),
                          ("District", "Dist."), ("Highway", "Hwy"), ("Plot ", "Plot No. "))


def name_variant(f: Factory, rng: random.Random, avoid=()) -> str:
    """The factory's name as another member would type it: never the plain name, nor a
    spelling in `avoid` (the ones other members already used) while there are others."""
    forms = LEGAL_FORMS[f.country]
    for _ in range(10):
        base = f.base
        tricks = rng.sample(("form", "case", "space", "ascii", "drop"), k=rng.choice((1, 2, 2)))
        form = forms[f.form_index]
        if "form" in tricks:
            form = rng.choice([x for x in forms if x != form])
        if "drop" in tricks:
            form = ""
        if "space" in tricks:
            words = base.split()
            if len(words) >= 2 and rng.random() < 0.5:
                i = rng.randrange(len(words) - 1)
                base = " ".join(words[:i] + [words[i] + words[i + 1]] + words[i + 2:])
            else:
                base = base.replace("&", "and") if "&" in base else base.replace(" ", "  ", 1)
        name = f"{base} {form}".strip()
        if "ascii" in tricks:
            name = _strip_accents(name)
        if "case" in tricks:
            name = name.upper() if rng.random() < 0.6 else name.title()
        if " ".join(name.split()) != f.name and name not in avoid:
            return name
    return f.name.upper() + " "  # unreachable in practice; still a different spelling


def address_variant(f: Factory, rng: random.Random) -> str:
    """The factory's address as another member would type it."""
    address = f.address
    for long, short in rng.sample(_ADDRESS_ABBREVIATIONS, k=len(_ADDRESS_ABBREVIATIONS)):
        if long in address and rng.random() < 0.6:
            address = address.replace(long, short)
    x = rng.random()
    if x < 0.35:
        address = f"{address}, {f.city}"
    elif x < 0.5 and f.postal_code:
        address = f"{address}, {f.city} {f.postal_code}"
    elif x < 0.6:
        address = address.replace(",", "")
    if rng.random() < 0.15:
        address = address.upper()
    if rng.random() < 0.2:
        address = _strip_accents(address)
    return address


# --------------------------------------------------------------------------- members


@dataclass(slots=True)
class MemberList:
    member: str
    rows: list[dict]
    shared_rows: int  # rows naming a factory that another member lists too
    facilities: list[str] = field(default_factory=list)  # true facility per row, for scoring matches


def member_lists(n_members: int, total_rows: int, shared_fraction: float = 0.2,
                 seed: int = 8, *, member_names=None) -> list[MemberList]:
    """Lists of `n_members` members; about `shared_fraction` of each member's rows name a
    factory that 2-4 other members list too, each spelled in the member's own way."""
    rng = random.Random(seed)
    names = _Names(rng)
    weights = [rng.uniform(0.5, 1.5) for _ in range(n_members)]
    sizes = [max(3, int(total_rows * w / sum(weights))) for w in weights]
    sizes[0] += total_rows - sum(sizes)
    if member_names is None:
        member_names = [MEMBERS[i] if i < len(MEMBERS) else f"Member {i + 1:03d} B.V."
                        for i in range(n_members)]
    want = [round(s * shared_fraction) for s in sizes]
    # Group members around shared factories, fullest demand first, so everyone gets its share.
    groups: list[list[int]] = []
    left = want[:]
    while True:
        open_members = [i for i in range(n_members) if left[i] > 0]
        if len(open_members) < 2:
            break
        open_members.sort(key=lambda i: (-left[i], rng.random()))
        k = min(len(open_members), rng.choice((2, 2, 2, 3, 3, 4)))
        group = sorted(open_members[:k])
        for i in group:
            left[i] -= 1
        groups.append(group)
    shared_roles = {"garment": 6, "knit_mill": 2, "weave_mill": 1, "wet_processing": 1}
    shared: list[Factory] = []
    for _ in groups:
        role = _allocate(1, shared_roles, rng)[0]
        country = _allocate(1, ROLES[role]["countries"], rng)[0]
        shared.append(_make_factory(country, role, names, rng))
    per_member: list[list[tuple[Factory, bool]]] = [[] for _ in range(n_members)]
    spelled: dict[int, set[str]] = {}  # id(factory) -> names members gave it so far
    for f, group in zip(shared, groups, strict=True):
        spelled[id(f)] = {f.name}
        for j, i in enumerate(group):
            per_member[i].append((f, j > 0))  # the first member keeps the plain spelling
    out = []
    for i in range(n_members):
        own = make_factories(max(sizes[i] - len(per_member[i]), 0), rng=rng, names=names)
        own_ids = {id(f) for f in own}
        items = [(f, False) for f in own] + per_member[i]
        rng.shuffle(items)
        items.sort(key=lambda t: t[0].tier)  # members list tier 1 first, like everyone
        rows = []
        truth = []
        for f, variant in items:
            truth.append(f"{f.country}:{f.base}")
            customers = [own[c].name for c in f.customers] if id(f) in own_ids else []
            name = f.name
            if variant:
                name = name_variant(f, rng, spelled[id(f)])
                spelled[id(f)].add(name)
            rows.append({
                "name": name,
                "address": address_variant(f, rng) if variant else f.address,
                "city": f.city, "postal_code": f.postal_code or None,
                "country": _country_text(f.country, rng), "tier": f.tier,
                "process": _join(f.process, rng), "product": _join(f.product, rng),
                "sector": "Apparel", "supplies_to": " | ".join(customers) or None,
                "workers": _workers_cell(f.workers, rng), "parent_company": f.parent_company,
                "certifications": _join(f.certs, rng) if f.certs else None,
            })
            if f.audit:  # the factory's last social audit, as each member has it on file
                standard, when, result = f.audit
                rows[-1].update(audit_standard=standard, audit_date=when, audit_result=result)
        out.append(MemberList(member_names[i], rows, len(per_member[i]), truth))
    return out


# --------------------------------------------------------------------------- writers


def _freeze_zip(data: bytes) -> bytes:
    """Rewrite a zip with pinned entry times so the same workbook gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            frozen = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            frozen.compress_type = zipfile.ZIP_DEFLATED
            frozen.external_attr = 0o600 << 16
            dst.writestr(frozen, src.read(info.filename))
    return out.getvalue()


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_xlsx(rows: Sequence[dict | None], path: str | Path, *, headers: dict[str, str] = EN_HEADERS,
               sheet: str = "Suppliers", above: Sequence[list] = (),
               sheets_before: dict[str, list[list]] | None = None) -> Path:
    """Write rows (canonical field -> value; None: an empty row) under `headers`.

    `above` holds rows put above the header (a title, a 'Company:' cell); `sheets_before`
    adds sheets in front of the supplier sheet (a read-me). Dates get a date format.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook(write_only=True)
    wb.properties.creator = "imvo sample data"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    bold = Font(bold=True)
    for title, lines in (sheets_before or {}).items():
        ws = wb.create_sheet(title)
        for line in lines:
            ws.append(line)
    ws = wb.create_sheet(sheet)
    for line in above:
        ws.append([WriteOnlyCell(ws, value=v) for v in line] if line else [])
    fields = list(headers)
    header_cells = []
    for f in fields:
        c = WriteOnlyCell(ws, value=headers[f])
        c.font = bold
        header_cells.append(c)
    ws.append(header_cells)
    for row in rows:
        if row is None:
            ws.append([])
            continue
        cells = []
        for f in fields:
            value = row.get(f)
            if isinstance(value, date):
                c = WriteOnlyCell(ws, value=value)
                c.number_format = "DD-MM-YYYY"
                cells.append(c)
            elif f == "purchase_share" and isinstance(value, float):
                c = WriteOnlyCell(ws, value=value)
                c.number_format = "0%"
                cells.append(c)
            else:
                cells.append(value)
        ws.append(cells)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()  # not save_workbook: it stamps the time
    path = Path(path)
    _write_bytes(path, _freeze_zip(buf.getvalue()))
    return path


def _text(value, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(date_format)
    if isinstance(value, float):
        return f"{round(value * 100)}%"  # shares, as Excel shows a percentage cell
    return str(value)


def _cp1252_safe(text: str) -> str:
    """Characters cp1252 lacks written the way people type them without the accent."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            out.append(_strip_accents(ch) or "?")
    return "".join(out)


def write_csv(rows: Sequence[dict | None], path: str | Path, *, headers: dict[str, str] = EN_HEADERS,
              delimiter: str = ",", encoding: str = "utf-8", date_format: str = "%Y-%m-%d",
              above: Sequence[list] = ()) -> Path:
    """Write rows as CSV the way Excel exports them (CRLF, quotes only where needed)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for line in above:
        writer.writerow(line)
    fields = list(headers)
    writer.writerow([headers[f] for f in fields])
    for row in rows:
        if row is None:
            writer.writerow([""] * len(fields))
            continue
        writer.writerow([_text(row.get(f), date_format) for f in fields])
    text = buf.getvalue()
    if encoding.lower().replace("-", "") == "cp1252":
        text = _cp1252_safe(text)
    path = Path(path)
    _write_bytes(path, text.encode(encoding))
    return path


# --------------------------------------------------------------------------- the sample files


def brand_rows(seed: int = 2024) -> list[dict | None]:
    """The fictional brand's list, ~80 locations, with the data-quality problems of real ones."""
    rows: list[dict] = supplier_rows(80, seed, company=BRAND)
    rng = random.Random(seed + 1)
    by_tier = {t: [r for r in rows if r["tier"] == t] for t in (1, 2, 3, 4)}
    # A few audit dates typed as text, as they come from other systems.
    for r in rows[3::9]:
        if isinstance(r.get("audit_date"), date):
            d = r["audit_date"]
            r["audit_date"] = rng.choice((d.strftime("%d-%m-%Y"), d.isoformat(),
                                          f"{d.day}/{d.month}/{d.year % 100:02d}"))
    # The three ways people type worker numbers, at least once each.
    by_tier[1][0]["workers"] = "1.250"
    by_tier[1][1]["workers"] = "100-500"
    by_tier[2][0]["workers"] = "approx. 300"
    # One failed audit, one outdated and one missing.
    failed = by_tier[1][2]
    failed.update(audit_standard="WRAP", audit_date=date(2023, 11, 14), audit_result="Failed",
                  remarks="Corrective action plan agreed, follow-up audit due")
    by_tier[1][3].update(audit_standard="amfori BSCI", audit_date=date(2019, 5, 2), audit_result="C")
    for k in ("audit_standard", "audit_date", "audit_result"):
        by_tier[1][4].pop(k, None)
    by_tier[1][4]["remarks"] = "Audit report requested"
    # A misspelt country (an error: the row cannot be placed).
    by_tier[2][3]["country"] = "Bangladseh"
    # A missing address (a warning).
    by_tier[3][1]["address"] = None
    by_tier[3][1]["remarks"] = "Address to be confirmed by the mill"
    # A reference to a supplier id that is not in the list.
    by_tier[4][0]["supplies_to"] = "V9999"
    # The same factory again on its own row, for another product.
    dup = dict(by_tier[1][5])
    dup.update(product="Scarves", purchase_share=0.01, remarks="Second product line")
    rows.insert(rows.index(by_tier[1][5]) + 1, dup)
    # An empty row halfway, where someone deleted a supplier's cells.
    out: list[dict | None] = list(rows)
    out.insert(len(out) // 2, None)
    return out


# --------------------------------------------------------------------------- year 2

# The brand's list a year later: exactly these changes, which tests pin one by one.
YEAR2_GONE = ("V1008", "V1026")  # Yadanar (Myanmar, high: an exit to explain), Fontana
YEAR2_RENAMED = {"V1044": "Jamuna Knit Composite Ltd."}  # new name, same id and address
YEAR2_MOVED = {"V1016": {"address": "Het Lansink 41", "city": "Enschede",
                         "postal_code": "7521 PH"}}
YEAR2_REAUDITED = {"V1003": ("WRAP", date(2025, 4, 22), "Gold"),
                   "V1004": ("amfori BSCI", date(2025, 2, 11), "B")}
YEAR2_NEW = (
    {"id": "V1081", "name": "Abay Garment PLC", "address": "Hawassa Industrial Park, Shed 31",
     "city": "Hawassa", "postal_code": None, "country": "Ethiopia", "tier": 1,
     "process": "Cut-make-trim", "product": "T-shirts", "supplies_to": BRAND, "workers": 1400,
     "audit_standard": "WRAP", "audit_date": date(2025, 1, 20), "audit_result": "Gold",
     "purchase_share": 0.04, "remarks": "New in 2025"},
    {"id": "V1082", "name": "Malhas Costa Martins Lda.", "address": "Rua de Covas, 118",
     "city": "Guimarães", "postal_code": "4835-118", "country": "Portugal", "tier": 2,
     "process": "Knitting", "product": "Jersey fabric", "supplies_to": "V1081",
     "workers": 260, "certifications": "GOTS", "remarks": "New in 2025"},
)


def brand_rows_year2() -> list[dict | None]:
    """The brand's list of 2025: two suppliers gone, two new, one renamed, one moved, two
    re-audited; every other row as it was in 2024."""
    rows = []
    for r in brand_rows():
        if r is not None and r["id"] in YEAR2_GONE:
            continue
        if r is not None:
            r = dict(r)
            if r["id"] in YEAR2_RENAMED:
                r["name"] = YEAR2_RENAMED[r["id"]]
            r.update(YEAR2_MOVED.get(r["id"], {}))
            if r["id"] in YEAR2_REAUDITED:
                standard, when, result = YEAR2_REAUDITED[r["id"]]
                r.update(audit_standard=standard, audit_date=when, audit_result=result,
                         remarks="Re-audited in 2025")
        rows.append(r)
    rows += [dict(r) for r in YEAR2_NEW]
    return rows


# Member lists a year later: one member did not resubmit, one dropped two suppliers and
# added two, one now also buys from a factory another member lists (a shared location).
YEAR2_NOT_RESUBMITTED = "Heidebloem Kids B.V."
YEAR2_DROPS = {"Duinzand Mode B.V.": 2}
YEAR2_NEW_MEMBER_ROWS = {"Duinzand Mode B.V.": (
    {"name": "Omo Garment PLC", "address": "Bahir Dar Industrial Zone, Plot 77",
     "city": "Bahir Dar", "postal_code": None, "country": "Ethiopia", "tier": 1,
     "process": "Cut-make-trim", "product": "Hoodies", "sector": "Apparel", "workers": 900},
    {"name": "Tessitura Vallesesia S.r.l.", "address": "Via Cesare Battisti 201", "city": "Biella",
     "postal_code": "13900", "country": "Italy", "tier": 2, "process": "Weaving",
     "product": "Wool fabric", "sector": "Apparel", "workers": 180},
)}
YEAR2_SHARE = ("Grachtgoed Kleding B.V.", "Polderblauw Denim B.V.")  # (buyer, lister)


def _exclusive(lists: list[MemberList]) -> dict[str, int]:
    """Facility key -> how many members list it."""
    count: dict[str, int] = {}
    for m in lists:
        for key in set(m.facilities):
            count[key] = count.get(key, 0) + 1
    return count


def member_lists_year2(lists: list[MemberList]) -> tuple[list[MemberList], list[int]]:
    """The year-2 member lists and each one's layout (members keep theirs)."""
    members = {m.member: m for m in lists}
    listed = _exclusive(lists)
    out, layouts = [], []
    for i, m in enumerate(lists):
        if m.member == YEAR2_NOT_RESUBMITTED:
            continue
        rows = [dict(r) for r in m.rows]
        truth = list(m.facilities)
        referenced = {ref for r in rows for ref in (r.get("supplies_to") or "").split(" | ")}
        drops = YEAR2_DROPS.get(m.member, 0)
        for k in range(len(rows) - 1, -1, -1):  # the deepest tiers are listed last
            if drops and listed[truth[k]] == 1 and rows[k]["name"] not in referenced \
                    and not rows[k].get("supplies_to"):
                del rows[k], truth[k]
                drops -= 1
        for r in YEAR2_NEW_MEMBER_ROWS.get(m.member, ()):
            rows.append(dict(r))
            truth.append(f"new:{r['name']}")
        if m.member == YEAR2_SHARE[0]:
            lister = members[YEAR2_SHARE[1]]
            k = next(k for k, r in enumerate(lister.rows)
                     if r["tier"] == 1 and listed[lister.facilities[k]] == 1)
            copy = dict(lister.rows[k], supplies_to=None)
            rows.insert(next(n for n, r in enumerate(rows) if r["tier"] > 1), copy)
            truth.insert(rows.index(copy), lister.facilities[k])
        out.append(MemberList(m.member, rows, m.shared_rows, truth))
        layouts.append(i)
    return out, layouts


def dutch_rows(seed: int = 31) -> list[dict]:
    """A Dutch workwear company's list: Dutch country names, dd-mm-yyyy, 1.250."""
    rows = supplier_rows(40, seed, company=DUTCH_BRAND, products=WORKWEAR_PRODUCTS, id_prefix="L")
    rng = random.Random(seed)
    for r in rows:
        # The CSV twin is cp1252: write the workbook with the same characters so they agree.
        for k, v in r.items():
            if isinstance(v, str):
                r[k] = _cp1252_safe(v)
        code = _code_for(r["country"])
        r["country"] = COUNTRY_NL[code]
        if isinstance(r.get("workers"), int) and r["workers"] >= 1000:
            r["workers"] = f"{r['workers'] // 1000}.{r['workers'] % 1000:03d}"
        if rng.random() < 0.3:
            r["tier"] = f"Tier {r['tier']}"
        if isinstance(r.get("purchase_share"), float):
            r["purchase_share"] = f"{r['purchase_share'] * 100:.1f}%".replace(".", ",")
    return rows


def _code_for(country_text: str) -> str:
    for code, names in COUNTRY_VARIANTS.items():
        if country_text in names:
            return code
    return next(code for code, name in COUNTRY_EN.items() if name == country_text)


MEMBER_LAYOUTS = (  # (file type, headers, member named by a "Company:" cell or the file name)
    ("xlsx", EN_HEADERS, "cell"), ("xlsx", NL_HEADERS, "cell"), ("csv", OSH_HEADERS, "file"),
    ("xlsx", EN_HEADERS, "cell"), ("csv", NL_HEADERS, "file"), ("xlsx", OSH_HEADERS, "file"),
    ("xlsx", NL_HEADERS, "cell"), ("xlsx", EN_HEADERS, "file"),
)


def slug(name: str) -> str:
    base = name.replace(" B.V.", "").lower()
    return "".join(c if c.isalnum() else "-" for c in _strip_accents(base)).strip("-")


def write_member_files(out: Path, lists: list[MemberList], layouts: list[int] | None = None
                       ) -> list[Path]:
    """One file per member; `layouts` picks each member's layout (default: its position)."""
    paths = []
    for i, ml in enumerate(lists):
        layout = layouts[i] if layouts is not None else i
        ext, headers, naming = MEMBER_LAYOUTS[layout % len(MEMBER_LAYOUTS)]
        headers = {k: v for k, v in headers.items() if k not in ("id", "purchase_share", "remarks")}
        label = "Bedrijf:" if headers.get("name") == NL_HEADERS["name"] else "Company:"
        above = [[label, ml.member], []] if naming == "cell" else []
        path = out / f"{slug(ml.member)}.{ext}"
        if ext == "xlsx":
            write_xlsx(ml.rows, path, headers=headers, sheet="Production locations", above=above)
        elif headers.get("name") == NL_HEADERS["name"]:
            write_csv(ml.rows, path, headers=headers, delimiter=";", encoding="cp1252",
                      date_format="%d-%m-%Y")
        else:
            write_csv(ml.rows, path, headers=headers)
        paths.append(path)
    return paths


README_NL = [["Leverancierslijst productielocaties"],
             [f"Bedrijf: {DUTCH_BRAND}"],
             ["Vul per productielocatie één regel in op het tabblad 'Leveranciers'."],
             ["Niveau 1 = directe leverancier, 2 = leverancier van niveau 1, enzovoort."]]


def generate(out: str | Path = "sample_data") -> list[Path]:
    """Write every sample file under `out`; returns the paths written."""
    out = Path(out)
    written = [write_xlsx(brand_rows(), out / "suppliers.xlsx", sheet="Suppliers",
                          above=[[f"{BRAND} - production locations, all tiers (2024)"],
                                 ["Company:", BRAND], []])]
    nl_rows = dutch_rows()
    nl_above = [["Leverancierslijst 2024"], ["Bedrijf:", DUTCH_BRAND], []]
    written.append(write_xlsx(nl_rows, out / "leveranciers.xlsx", headers=NL_HEADERS,
                              sheet="Leveranciers", above=nl_above,
                              sheets_before={"Toelichting": README_NL}))
    written.append(write_csv(nl_rows, out / "leveranciers.csv", headers=NL_HEADERS,
                             delimiter=";", encoding="cp1252", date_format="%d-%m-%Y",
                             above=nl_above))
    lists = member_lists(len(MEMBERS), 480, 0.2, seed=8)
    written += write_member_files(out / "members", lists)
    written.append(write_xlsx(brand_rows_year2(), out / "year2" / "suppliers.xlsx",
                              sheet="Suppliers",
                              above=[[f"{BRAND} - production locations, all tiers (2025)"],
                                     ["Company:", BRAND], []]))
    year2, layouts = member_lists_year2(lists)
    written += write_member_files(out / "year2" / "members", year2, layouts=layouts)
    return written


def digest(paths) -> str:
    h = hashlib.sha256()
    for p in sorted(Path(p) for p in paths):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "sample_data"),
                        help="folder to write into (default: the repository's sample_data/)")
    args = parser.parse_args(argv)
    paths = generate(args.out)
    for p in paths:
        print(f"{p}  {p.stat().st_size:,} bytes")
    print(f"sha256 of all files: {digest(paths)}")


if __name__ == "__main__":
    main()


# --------------------------------------------------------------------------- benchmark inputs


def write_xlsx_fast(rows: list[dict], path: str | Path, *, headers: dict[str, str] = EN_HEADERS,
                    sheet: str = "Suppliers") -> Path:
    """Like write_xlsx but through XlsxWriter (much faster for 100,000 rows); benchmark only."""
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties({"created": FIXED_TIME})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "DD-MM-YYYY"})
    fields = list(headers)
    ws.write_row(0, 0, [headers[f] for f in fields])
    for r, row in enumerate(rows, 1):
        for c, f in enumerate(fields):
            value = row.get(f)
            if value is None:
                continue
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write(r, c, value)
    wb.close()
    return path


def benchmark_year2(table: list[dict], seed: int = 13) -> list[dict]:
    """The benchmark list a year later: 5% of the suppliers gone, 5% new, 5% of the names
    typed otherwise, a fifth audited again and a tenth with another workforce."""
    rng = random.Random(seed)
    later = []
    for row in table:
        roll = rng.random()
        if roll < 0.05:
            continue  # gone
        row = dict(row)
        if roll < 0.10:
            row["name"] = row["name"].upper()
        if rng.random() < 0.2 and isinstance(row.get("audit_date"), date):
            row["audit_date"] = row["audit_date"] + timedelta(days=rng.randint(200, 400))
        if rng.random() < 0.1 and isinstance(row.get("workers"), int):
            row["workers"] = max(1, round(row["workers"] * rng.uniform(0.7, 1.3)))
        later.append(row)
    later.extend(supplier_rows(max(1, len(table) // 20), seed=seed, company=None, id_prefix="W"))
    return later


def write_benchmark_year2(table: list[dict], folder: Path) -> Path:
    path = folder / "suppliers-year2.xlsx"
    write_xlsx_fast(benchmark_year2(table), path)
    return path


def write_benchmark_inputs(folder: str | Path, *, rows: int, member_files: int = 300) -> None:
    """One list of `rows` rows (xlsx + csv twin) and `member_files` member lists holding
    `rows` rows in total, about 20% of them near-duplicates across members."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Tier 1 leaves "Supplies to" empty (it supplies the company): the benchmark file has no
    # "Company:" cell naming the brand, so a brand name there would match nothing.
    table = supplier_rows(rows, seed=11, company=None)
    write_xlsx_fast(table, folder / "suppliers.xlsx")
    write_csv(table, folder / "suppliers.csv")
    write_benchmark_year2(table, folder)
    members = folder / "members"
    members.mkdir(exist_ok=True)
    for i, m in enumerate(member_lists(member_files, rows, shared_fraction=0.2, seed=12)):
        write_xlsx_fast(m.rows, members / f"member-{i + 1:03d}.xlsx")
