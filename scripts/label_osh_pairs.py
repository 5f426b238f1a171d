"""Build the labelled facility-pair set from the Open Supply Hub fixture lists.

The lists in ../shared/fixtures/open-supply-hub/ were uploaded by different brands and years,
so the same factory recurs with different spellings. This script proposes candidate pairs
within a country with a deliberately loose, matcher-independent rule (character overlap of
names or addresses), proposes a label from a simple rule, and then applies the hand-checked
corrections in MANUAL. Every committed label was read by a person; the proposal is only a
starting point. Output: tests/data/osh_labelled_pairs.csv. The matcher's thresholds were tuned
on this set.

--heldout builds the second, independent set (tests/data/osh_labelled_pairs_heldout.csv),
kept apart from tuning: pairs that the first set does not hold, proposed by other signals that
neither the first set nor the matcher uses: coordinates within 300 m (the lists carry lat/lng),
a rare name word shared (in at most 6 names of all lists), a spacing-free name inside the
other (partial ratio >= 85), or alike addresses (token set >= 80), in one country or across
two. Proposal "different"; every pair was read and the factories found to be one (the same
name once legal forms, spacing and typing noise are set aside, at the same address or
locality) are marked in MANUAL_HELDOUT, as are the ones the lists cannot decide ("unsure").

    python scripts/label_osh_pairs.py [--fixtures DIR] [--out FILE] [--show] [--heldout]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from imvo_cli.ingest import read_suppliers  # noqa: E402

FIELDS = ("pair", "country", "a_file", "a_row", "a_name", "a_address", "b_file", "b_row",
          "b_name", "b_address", "label")
LABELS = ("same", "different", "unsure")

# Independent of imvo's matcher on purpose: plain folding, no legal-form list, no weights.
_DROP = {"co", "ltd", "limited", "company", "inc", "corp", "corporation", "pvt", "pt", "the",
         "llc", "sa", "sl", "srl", "gmbh", "and"}


def _plain(text: str | None) -> str:
    import re
    import unicodedata
    s = unicodedata.normalize("NFKD", text or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return " ".join(t for t in re.split(r"[^0-9a-z]+", s) if t and t not in _DROP)


def load(fixtures: Path) -> list[dict]:
    records = []
    for f in sorted(fixtures.glob("*.csv")):
        sl = read_suppliers(f)
        for s in sl.suppliers:
            records.append({"file": f.name, "row": s.rows[0], "name": s.name,
                            "address": s.address or "", "country": s.country})
    return records


def candidates(records: list[dict], seed: int = 8) -> list[tuple[dict, dict, str]]:
    """(a, b, proposed label): hard pairs in full plus a sample of easier negatives."""
    hard, easy = [], []
    for a, b in itertools.combinations(records, 2):
        if a["country"] != b["country"] or (a["file"], a["row"]) == (b["file"], b["row"]):
            continue
        na, nb = _plain(a["name"]), _plain(b["name"])
        name = max(fuzz.ratio(na.replace(" ", ""), nb.replace(" ", "")),
                   fuzz.token_sort_ratio(na, nb))
        addr = fuzz.token_set_ratio(_plain(a["address"]), _plain(b["address"]))
        proposal = "same" if name >= 85 else "different"
        if name >= 70 or (addr >= 90 and len(_plain(a["address"])) > 15):
            hard.append((a, b, proposal))
        elif name >= 55:
            easy.append((a, b, proposal))
    random.Random(seed).shuffle(easy)
    return hard + easy[:80]


def pair_id(a: dict, b: dict) -> str:
    return f"{a['file']}:{a['row']}~{b['file']}:{b['row']}"


# Hand-checked corrections to the proposal, by pair id (see the docstring). "unsure" pairs stay
# in the file but are left out of the precision/recall measurement.
MANUAL: dict[str, str] = {
    # Same factory, spelled differently (proposal said different).
    "Fall 2017 Compliance List.csv:4~Summer 2019 Apparel List.csv:8": "same",  # Jung Myung (Shaowu), same address
    "Spring 2017 Apparel List.csv:39~Winter 2019 Compliance List V2.csv:65": "same",  # Dong Chong Chong Ming Glove
    "Summer 2017 Compliance List.csv:5~Winter 2019 Compliance List V2.csv:114": "same",  # Baijia (Fujian) Underwear
    "Summer 2018 Affiliate List.csv:39~Summer 2019 Apparel List.csv:44": "same",  # Eclat Textile (Vietnam)
    "Summer 2019 Apparel List.csv:25~Winter 2019 Compliance List V2.csv:10": "same",  # Mata Textiles / El Trazo
    "Summer 2018 Affiliate List.csv:51~Summer 2019 Apparel List.csv:60": "same",  # Pungkook Saigon ll = Two
    "Summer 2019 Compliance List.csv:43~Summer 2019 Compliance List.csv:59": "same",  # Bai Na = Baina Shoes, Oubei
    "Summer 2019 Compliance List.csv:51~Summer 2019 Compliance List.csv:59": "same",
    "Fall 2018 Compliance List.csv:17~Winter 2019 Compliance List.csv:41": "same",  # Zhongshan Yi Jun, No. 38 Changsheng
    # Sister sites: same company, another unit, branch or town (proposal said same).
    "Fall 2017 Compliance List.csv:15~Fall 2017 Compliance List.csv:16": "different",  # Glory Demak vs Glory II
    "Fall 2017 Compliance List.csv:15~Winter 2019 Compliance List.csv:43": "different",  # Demak vs Bawen
    "Fall 2017 Compliance List.csv:16~Winter 2019 Compliance List.csv:43": "different",
    "Fall 2017 Compliance List.csv:16~Winter 2019 Compliance List.csv:44": "different",
    "Winter 2019 Compliance List.csv:43~Winter 2019 Compliance List.csv:44": "different",
    "Fall 2018 Compliance List.csv:11~Winter 2019 Compliance List.csv:26": "different",  # Sunshine vs Suntex
    "Spring 2019 Compliance List.csv:13~Spring 2019 Compliance List.csv:14": "different",  # Smart Shirts KAT 1 / 3
    "Summer 2018 Affiliate List.csv:38~Summer 2018 Affiliate List.csv:41": "different",  # Maxport 6 / 5
    "Summer 2018 Affiliate List.csv:43~Summer 2018 Affiliate List.csv:44": "different",  # MXP8 / MXP1 / MXP5
    "Summer 2018 Affiliate List.csv:43~Summer 2018 Affiliate List.csv:45": "different",
    "Summer 2018 Affiliate List.csv:44~Summer 2018 Affiliate List.csv:45": "different",
    "Summer 2018 Affiliate List.csv:51~Winter 2019 Compliance List V2.csv:53": "different",  # Pungkook II vs III
    "Summer 2019 Affiliate List.csv:28~Summer 2019 Apparel List.csv:10": "different",  # Yingli vs Mingliu
    "Summer 2019 Affiliate List.csv:34~Summer 2019 Affiliate List.csv:35": "different",  # Jeans Knit units 3/4/6
    "Summer 2019 Affiliate List.csv:34~Summer 2019 Affiliate List.csv:36": "different",
    "Summer 2019 Affiliate List.csv:35~Summer 2019 Affiliate List.csv:36": "different",
    "Summer 2019 Affiliate List.csv:38~Winter 2017 Compliance List.csv:6": "different",  # Runtian vs Rino
    "Summer 2019 Affiliate List.csv:52~Summer 2019 Compliance List.csv:8": "different",  # Holi vs Huayi
    "Summer 2019 Affiliate List.csv:52~Winter 2019 Compliance List V2.csv:105": "different",  # Holi vs Lexi
    "Summer 2019 Apparel List.csv:49~Winter 2019 Compliance List V2.csv:348": "different",  # PNG vs NYG
    "Winter 2017 Compliance List.csv:14~Winter 2019 Compliance List.csv:21": "different",  # Chenlong vs Chenguang
    "Winter 2018 Apparel List.csv:10~Winter 2018 Apparel List.csv:18": "different",  # Hanes Choloma Cutting, 2 buildings
    "Winter 2018 Apparel List.csv:14~Winter 2018 Apparel List.csv:23": "different",  # Hung Yen North / South
    "Winter 2018 Apparel List.csv:3~Winter 2018 Apparel List.csv:4": "different",  # Hanes France TMD / CDF
    "Winter 2019 Compliance List V2.csv:49~Winter 2019 Compliance List V2.csv:334": "different",  # Thai Daizo sites
    "Winter 2019 Compliance List V2.csv:88~Winter 2019 Compliance List V2.csv:310": "different",  # Euro-pegaz 2 sites
    "Winter 2019 Compliance List V2.csv:94~Winter 2019 Compliance List V2.csv:195": "different",  # Nan Yang 3
    "Winter 2019 Compliance List.csv:24~Winter 2019 Compliance List.csv:25": "different",  # Rising vs Ruiyang
    "Winter 2019 Compliance List.csv:2~Winter 2019 Compliance List.csv:13": "different",  # AKH vs AKH ECO
    "Winter 2019 Compliance List.csv:48~Winter 2019 Compliance List.csv:49": "different",  # Gimmill vs Gimmill B
    "Winter 2019 Compliance List.csv:51~Winter 2019 Compliance List.csv:52": "different",  # Solamoda No.2
    # Cannot tell from the lists alone: same company, addresses that may or may not be one site.
    "Fall 2017 Compliance List.csv:20~Summer 2019 Apparel List.csv:33": "unsure",  # Classic Fashion Unit II
    "Fall 2018 Compliance List.csv:30~Summer 2019 Compliance List.csv:15": "unsure",  # Jinlin: Xuyi vs Fengxian
    "Summer 2019 Affiliate List.csv:14~Summer 2019 Affiliate List.csv:20": "unsure",  # Epyllion / Eypllion Style
    "Winter 2019 Compliance List V2.csv:131~Winter 2019 Compliance List V2.csv:137": "unsure",  # (B-)Sheng Composite
    "Winter 2019 Compliance List V2.csv:45~Winter 2019 Compliance List V2.csv:319": "unsure",  # Hirdaramani (Cutting)
    "Summer 2019 Apparel List.csv:26~Winter 2018 Apparel List.csv:9": "unsure",  # Hanes Ink, two addresses
    "Summer 2019 Apparel List.csv:21~Winter 2018 Apparel List.csv:36": "unsure",  # Hanesbrands ES Sew vs ES Sew
    "Winter 2017 Compliance List.csv:24~Winter 2017 Compliance List.csv:26": "unsure",  # Work Field vs Workfield
}


# The held-out set: read pair by pair; all others stay "different".
# The real lists hold few true pairs that the first set does not already have: the 1,115
# pairs below are mostly neighbours, sister sites of one group and namesakes, which makes this
# set above all a check of precision on hard negatives.
MANUAL_HELDOUT: dict[str, str] = {
    # Jietu (Aolun) Shoes, No. 8 Shuangbao West Road, Ouhai (typed "Wehzhou" once).
    "Summer 2019 Compliance List.csv:2~Summer 2019 Compliance List.csv:54": "same",
    # Dali of Shenhu Town, Jinjiang: "Dong An" / "Donghaian Industrial Zone", other trade words.
    "Winter 2019 Compliance List V2.csv:64~Winter 2019 Compliance List V2.csv:103": "unsure",
    # Hongyao Socks and its subsidiary factory: other address in Caota Town.
    "Winter 2019 Compliance List V2.csv:133~Winter 2019 Compliance List V2.csv:144": "different",
    # Saitex units at Amata (Lot 224, 225, 226/4, 226/8): numbered sites of one group.
    "Spring 2019 Compliance List.csv:12~Summer 2019 Affiliate List.csv:57": "different",
    "Spring 2019 Compliance List.csv:12~Summer 2019 Affiliate List.csv:58": "different",
    "Spring 2019 Compliance List.csv:12~Summer 2019 Affiliate List.csv:59": "different",
    # Youngone Hung Yen and Hanes "Hung Yen South", one commune: two names, no number to tie them.
    "Summer 2018 Affiliate List.csv:52~Winter 2018 Apparel List.csv:23": "different",
}


def load_with_coordinates(fixtures: Path) -> list[dict]:
    records = []
    for f in sorted(fixtures.glob("*.csv")):
        for s in read_suppliers(f).suppliers:
            records.append({"file": f.name, "row": s.rows[0], "name": s.name,
                            "address": s.address or "", "country": s.country,
                            "lat": s.lat, "lng": s.lng})
    return records


def _km(a: dict, b: dict) -> float:
    import math
    if a["lat"] is None or b["lat"] is None or a["lng"] is None or b["lng"] is None:
        return float("inf")
    dy = (a["lat"] - b["lat"]) * 111.2
    dx = (a["lng"] - b["lng"]) * 111.2 * math.cos(math.radians((a["lat"] + b["lat"]) / 2))
    return math.hypot(dx, dy)


_HELDOUT_DROP = _DROP | set("of private industrial industries industry garment garments textile "
                            "textiles apparel apparels fashion fashions factory knitting knitwear "
                            "shoes footwear group international mfg manufacturing".split())


def heldout_candidates(records: list[dict], exclude: set[str]) -> list[tuple[dict, dict]]:
    """Pairs for the held-out set: other signals than the first set's, none of its pairs."""
    from collections import Counter

    words = [[w for w in _plain(r["name"]).split() if w not in _HELDOUT_DROP] for r in records]
    freq = Counter(w for ws in words for w in set(ws))
    out = []
    for (i, a), (j, b) in itertools.combinations(enumerate(records), 2):
        a_, b_ = sorted((a, b), key=lambda r: (r["file"], r["row"]))
        if (a["file"], a["row"]) == (b["file"], b["row"]) or pair_id(a_, b_) in exclude:
            continue
        ca, cb = "".join(words[i]), "".join(words[j])
        rare = any(len(w) >= 3 and freq[w] <= 6 for w in set(words[i]) & set(words[j]))
        part = min(len(ca), len(cb)) >= 4 and fuzz.partial_ratio(ca, cb) >= 85
        pa, pb = _plain(a["address"]), _plain(b["address"])
        addr = min(len(pa), len(pb)) > 15 and fuzz.token_set_ratio(pa, pb) >= 80
        if _km(a, b) < 0.3 or rare or part or addr:
            out.append((a_, b_))
    return out


def build_heldout(fixtures: Path, first: Path) -> list[dict]:
    exclude = {r["pair"] for r in csv.DictReader(first.open(encoding="utf-8"))}
    rows = []
    for a, b in heldout_candidates(load_with_coordinates(fixtures), exclude):
        pid = pair_id(a, b)
        rows.append({"pair": pid, "country": a["country"] if a["country"] == b["country"]
                     else f"{a['country']}/{b['country']}", "a_file": a["file"],
                     "a_row": a["row"], "a_name": a["name"], "a_address": a["address"],
                     "b_file": b["file"], "b_row": b["row"], "b_name": b["name"],
                     "b_address": b["address"], "label": MANUAL_HELDOUT.get(pid, "different")})
    rows.sort(key=lambda r: r["pair"])
    return rows


def build(fixtures: Path) -> list[dict]:
    rows = []
    for a, b, proposal in candidates(load(fixtures)):
        a, b = sorted((a, b), key=lambda r: (r["file"], r["row"]))
        pid = pair_id(a, b)
        rows.append({"pair": pid, "country": a["country"], "a_file": a["file"], "a_row": a["row"],
                     "a_name": a["name"], "a_address": a["address"], "b_file": b["file"],
                     "b_row": b["row"], "b_name": b["name"], "b_address": b["address"],
                     "label": MANUAL.get(pid, proposal)})
    rows.sort(key=lambda r: r["pair"])
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixtures", type=Path, default=ROOT.parent / "shared" / "fixtures" / "open-supply-hub")
    ap.add_argument("--out", type=Path, default=None,
                    help="default tests/data/osh_labelled_pairs.csv (_heldout.csv with --heldout)")
    ap.add_argument("--first", type=Path, default=ROOT / "tests" / "data" / "osh_labelled_pairs.csv",
                    help="with --heldout: the first set, whose pairs are left out")
    ap.add_argument("--show", action="store_true", help="print the pairs for hand-checking")
    ap.add_argument("--heldout", action="store_true",
                    help="build the second, held-out set (default --out ..._heldout.csv)")
    args = ap.parse_args(argv)
    name = "osh_labelled_pairs_heldout.csv" if args.heldout else "osh_labelled_pairs.csv"
    args.out = args.out or ROOT / "tests" / "data" / name
    rows = build_heldout(args.fixtures, args.first) if args.heldout else build(args.fixtures)
    if args.show:
        for r in rows:
            print(f"{r['label']:9} {r['pair']}\n   {r['a_name']} | {r['a_address'][:70]}\n   "
                  f"{r['b_name']} | {r['b_address'][:70]}")
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        w.writerows(rows)
    same = sum(r["label"] == "same" for r in rows)
    unsure = sum(r["label"] == "unsure" for r in rows)
    print(f"{len(rows)} pairs ({same} same, {unsure} unsure, {len(rows) - same - unsure} "
          f"different) -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
