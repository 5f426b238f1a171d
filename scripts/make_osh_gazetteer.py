"""Generate an Open Supply Hub facilities download (its CSV columns) for tests and benchmarks.

    python scripts/make_osh_gazetteer.py OUT.csv --rows 500000 [--seed 7] [--plant FILE]
        [--truth truth.csv]

Filler facilities are made up from syllables, trade words and legal forms per country, with
valid OS IDs (country, year and day, random part, check character). `--plant` adds perturbed
copies (case, legal form, punctuation, a typo, address abbreviations) of every production
location of a supplier list, each with its own OS ID, plus a sister site (another unit number)
next to some of them; `--truth` writes supplier id -> planted OS ID. Generated at run time,
never committed: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

HEADERS = ["os_id", "contribution_date", "name", "address", "country_code", "country_name",
           "lat", "lng", "sector", "contributor (list)", "number_of_workers", "parent_company",
           "processing_type_facility_type_raw", "facility_type", "processing_type",
           "product_type", "is_closed"]
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Share of facilities per country, roughly as OSH holds them.
COUNTRIES = [("CN", "China", 30), ("IN", "India", 14), ("BD", "Bangladesh", 8),
             ("TR", "Türkiye", 7), ("VN", "Viet Nam", 7), ("PK", "Pakistan", 5),
             ("US", "United States", 5), ("IT", "Italy", 4), ("ID", "Indonesia", 4),
             ("KH", "Cambodia", 3), ("PT", "Portugal", 3), ("MM", "Myanmar", 2),
             ("ET", "Ethiopia", 1), ("NL", "Netherlands", 1), ("LK", "Sri Lanka", 2),
             ("MX", "Mexico", 2), ("TH", "Thailand", 2)]
SYLLABLES = ["an", "bao", "chang", "da", "de", "dong", "fa", "feng", "fu", "guang", "hai", "hao",
             "heng", "hong", "hua", "ji", "jia", "jin", "kang", "li", "long", "mei", "ming", "nan",
             "ping", "qi", "rong", "sheng", "shun", "tai", "tian", "wei", "xin", "xing", "ya", "yi",
             "yong", "yu", "zhi", "zhong", "ak", "ar", "ba", "can", "der", "el", "er", "gul", "han",
             "kar", "kay", "mer", "nur", "oz", "sar", "tek", "yil", "ab", "am", "bha", "dev", "gan",
             "ja", "kri", "la", "ma", "ni", "pra", "ra", "sa", "shi", "su", "ta", "ur", "va", "vi",
             "ka", "ko", "mi", "no", "ro", "te", "to", "lu", "ve", "zo", "bel", "mar", "cor", "sil",
             "ver"]
TRADES = ["Garment", "Garments", "Textile", "Textiles", "Apparel", "Knitting", "Knitwear",
          "Fashion", "Clothing", "Dyeing", "Spinning", "Weaving", "Shoes", "Footwear", "Leather",
          "Accessories", "Printing", "Washing"]
LEGAL = ["Co., Ltd.", "Co. Ltd", "Ltd.", "Limited", "Pvt. Ltd.", "(Pvt.) Ltd.", "S.r.l.",
         "A.Ş.", "Inc.", "JSC", "PT", "Company Limited", "S.A.", ""]
STREETS = ["Industrial Road", "Development Zone", "Export Processing Zone", "Main Road",
           "Station Street", "Harbour Road", "Textile Park", "Economic Zone", "Avenue", "Ring Road"]
CITIES = ["Ningbo", "Dongguan", "Shaoxing", "Tiruppur", "Gazipur", "Savar", "Istanbul", "Izmir",
          "Ho Chi Minh City", "Hanoi", "Lahore", "Faisalabad", "Los Angeles", "Prato", "Bandung",
          "Phnom Penh", "Porto", "Yangon", "Addis Ababa", "Tilburg", "Colombo", "Puebla", "Bangkok",
          "Karachi", "Dhaka", "Bursa", "Surat"]
PROCESSES = ["Sewing", "Cutting", "Dyeing", "Knitting", "Weaving", "Spinning", "Printing",
             "Washing", "Finishing", "Embroidery"]
PRODUCTS = ["T-shirts", "Jeans", "Dresses", "Jackets", "Yarn", "Fabric", "Shoes", "Socks"]
ABBREVIATIONS = {"Road": "Rd", "Street": "St.", "District": "Dist.", "Industrial": "Ind.",
                 "Avenue": "Ave", "Number": "No.", "Sokak": "Sk.", "Caddesi": "Cad."}
LEGAL_SWAPS = {"Co., Ltd.": "Company Limited", "Co., Ltd": "Co Ltd", "Ltd.": "Limited",
               "(Pvt.) Ltd.": "Private Limited", "S.r.l.": "SRL", "A.Ş.": "AS", "PLC": "P.L.C.",
               "B.V.": "BV", "Lda.": "Lda"}


def os_id(rng: random.Random, country: str) -> str:
    """A valid OS ID: country, year and day of year, four random characters, check character."""
    body = f"{country}{rng.randint(2019, 2025)}{rng.randint(1, 365):03d}" + \
        "".join(rng.choice(CROCKFORD) for _ in range(5))
    total = ord(body[0]) + ord(body[1]) + sum(CROCKFORD.index(c) for c in body[2:])
    return body + CROCKFORD[total % 32]


def filler_name(rng: random.Random) -> str:
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
             for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.35:
        words.insert(0, rng.choice(CITIES).split()[0])
    words += rng.sample(TRADES, rng.randint(0, 2))
    return " ".join([*words, rng.choice(LEGAL)]).strip()


def filler_address(rng: random.Random) -> str:
    return (f"No. {rng.randint(1, 999)} {rng.choice(SYLLABLES).capitalize()} "
            f"{rng.choice(STREETS)}, {rng.choice(CITIES)}")


def row(rng: random.Random, oid: str, name: str, address: str, country: str, cname: str,
        closed: bool = False) -> list:
    return [oid, f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            name, address, country, cname, f"{rng.uniform(-40, 60):.6f}",
            f"{rng.uniform(-120, 140):.6f}", "Apparel", "A contributor", "",
            "", "", "", rng.choice(PROCESSES), rng.choice(PRODUCTS), str(closed)]


def perturb_name(rng: random.Random, name: str) -> str:
    out = name
    for a, b in LEGAL_SWAPS.items():
        if out.endswith(a) and rng.random() < 0.6:
            out = out[: -len(a)] + b
            break
    choice = rng.random()
    if choice < 0.3:
        out = out.upper()
    elif choice < 0.5:
        out = out.replace(".", "").replace(",", "")
    elif choice < 0.7:
        words = out.split()
        long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
        if long:  # one typo: two letters swapped inside a long word
            i = rng.choice(long)
            w = words[i]
            j = rng.randint(1, len(w) - 3)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            out = " ".join(words)
    return out


def perturb_address(rng: random.Random, address: str, city: str, postal: str) -> str:
    out = address
    for a, b in ABBREVIATIONS.items():
        if a in out and rng.random() < 0.7:
            out = out.replace(a, b)
    tail = [p for p in (postal if rng.random() < 0.5 else "", city) if p]
    return ", ".join([out, " ".join(tail)]) if tail else out


def sister(name: str) -> str:
    """Another unit of the same group: what a careless matcher would take for the same site."""
    import re

    unit = re.search(r"\bUnit (\d+)", name)
    if unit:
        return name[:unit.start(1)] + str(int(unit.group(1)) + 1) + name[unit.end(1):]
    words = name.split()
    return " ".join([*words[:2], "Unit 2", *words[2:]])


def read_plants(path: Path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from imvo_cli.ingest import read_suppliers

    return read_suppliers(path).suppliers


def generate(out: Path, rows: int, seed: int = 7, plant=None, truth: Path | None = None,
             closed_share: float = 0.02) -> dict[str, str]:
    """Write the download; returns supplier id -> planted OS ID."""
    rng = random.Random(seed)
    weights = [w for _, _, w in COUNTRIES]
    planted: dict[str, str] = {}
    plants = list(plant or [])
    # Planted rows are spread evenly through the filler, as in a real download.
    every = max(1, rows // (len(plants) + 1)) if plants else 0
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        p = 0
        for n in range(rows):
            code, cname, _ = rng.choices(COUNTRIES, weights)[0]
            w.writerow(row(rng, os_id(rng, code), filler_name(rng), filler_address(rng), code,
                           cname, rng.random() < closed_share))
            if plants and p < len(plants) and (n + 1) % every == 0:
                _plant(w, rng, plants[p], planted)
                p += 1
        while p < len(plants):
            _plant(w, rng, plants[p], planted)
            p += 1
    if truth:
        with open(truth, "w", encoding="utf-8", newline="") as fh:
            tw = csv.writer(fh)
            tw.writerow(["supplier_id", "os_id"])
            tw.writerows(sorted(planted.items()))
    return planted


def _plant(w, rng: random.Random, s, planted: dict[str, str]) -> None:
    from imvo_cli.countries import country_name

    cname = country_name(s.country) or s.country
    oid = os_id(rng, s.country)
    planted[s.id] = oid
    address = perturb_address(rng, s.address or "", s.city or "", s.postal_code or "")
    w.writerow(row(rng, oid, perturb_name(rng, s.name), address, s.country, cname))
    if rng.random() < 0.3:  # a sister site in the same park, another unit
        w.writerow(row(rng, os_id(rng, s.country), sister(s.name),
                       f"Building {rng.randint(5, 9)}, " + (s.address or ""), s.country, cname))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=10_000, help="filler facilities")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--plant", type=Path, help="a supplier list whose locations are planted")
    ap.add_argument("--truth", type=Path, help="write supplier id -> planted OS ID here")
    args = ap.parse_args(argv)
    plants = read_plants(args.plant) if args.plant else None
    planted = generate(args.out, args.rows, args.seed, plants, args.truth)
    print(f"wrote {args.out}: {args.rows:,} facilities, {len(planted)} planted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
