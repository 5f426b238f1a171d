"""Quick benchmark of `imvo aggregate`: synthetic member lists, time per stage, peak memory.

Generates N member workbooks (default 300 files, 100,000 rows in total) of realistic facility
names and addresses, where a fifth of the rows are factories other members also list, with
other spellings (legal forms, case, spacing, typos, abbreviated addresses). Then it times
reading, matching, building and writing, and the matching alone at 10% of the rows to show
how matching grows. The generator knows the true factory of every row (truth.json next to the
workbooks), so the matching's pairwise precision and recall, and the review pairs per 1,000
records, are reported too. Not a test: nothing here is asserted.

    python scripts/bench_aggregate.py [--rows 100000] [--files 300] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A realistic share of the ~400 pinyin syllables: with too few, distinct factories get
# near-identical names far more often than in real lists, and matching work is inflated.
SYLLABLES = ("an ao ba bai ban bang bao bei ben bi bian biao bin bo cai can cang cao ce cen "
             "chang chao chen cheng chi chong chu chuan chun ci cong cui cun da dai dan dang dao "
             "de deng di dian diao ding dong dou du duan dun duo e en er fa fan fang fei fen feng "
             "fu gai gan gang gao ge gen geng gong gou gu gua guan guang gui guo hai han hang hao "
             "he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao "
             "jie jin jing jiong jiu ju juan jue jun kai kan kang kao ke ken keng kong kou ku kua "
             "kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lian liang liao lie "
             "lin ling liu long lou lu luan lun luo ma mai man mang mao mei men meng mi mian miao "
             "min ming mo mou mu na nai nan nang nao nei neng ni nian niao nie nin ning niu nong "
             "nu nuan nuo ou pai pan pang pao pei pen peng pi pian piao pin ping po pu qi qia qian "
             "qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong "
             "rou ru ruan rui run ruo sa sai san sang sao se sen seng sha shan shang shao she shen "
             "sheng shi shou shu shua shuai shuang shui shun shuo si song sou su suan sui sun suo "
             "ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa "
             "wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu "
             "xuan xue xun ya yan yang yao ye yi yin ying yong you yu yuan yue yun za zai zan zang "
             "zao ze zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuan "
             "zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo").split()
COUNTRIES = {
    "China": (0.40, "Ningbo Shanghai Dongguan Suzhou Wuxi Jiaxing Hangzhou Qingdao Xiamen Guangzhou "
                    "Shenzhen Nantong Changzhou Jiangyin Shaoxing Wenzhou Taizhou Yiwu Haining Zhuji".split()),
    "Bangladesh": (0.15, "Gazipur Savar Ashulia Narayanganj Chittagong Dhaka Tongi Mirpur".split()),
    "India": (0.12, "Tiruppur Bangalore Noida Gurgaon Ludhiana Chennai Mumbai Jaipur Kolkata".split()),
    "Vietnam": (0.10, "Hanoi Haiphong Dong Nai Binh Duong Nam Dinh Thai Binh Long An".split()),
    "Turkey": (0.08, "Istanbul Izmir Bursa Denizli Gaziantep Kahramanmaras Usak".split()),
    "Pakistan": (0.05, "Sialkot Lahore Faisalabad Karachi".split()),
    "Cambodia": (0.04, "Phnom Penh Kandal Kampong Speu".split()),
    "Indonesia": (0.03, "Semarang Bandung Bogor Solo".split()),
    "Portugal": (0.03, "Porto Braga Guimaraes Barcelos".split()),
}
TRADE = ["Garment", "Garments", "Textile", "Knitting", "Apparel", "Fashion", "Clothing",
         "Dyeing", "Weaving", "Shoes", "Socks", "Leather", "Sportswear", "Home Textile"]
LEGAL = {"China": ["Co., Ltd.", "Co.,Ltd", "CO LTD", "Company Limited", "Co. Ltd"],
         "Bangladesh": ["Ltd.", "Limited", "Ltd"], "India": ["Pvt. Ltd.", "Private Limited", "(P) Ltd"],
         "Vietnam": ["Co., Ltd", "JSC", "Company Limited"], "Turkey": ["Tekstil San. ve Tic. A.S.",
         "Tekstil Sanayi ve Ticaret A.S.", "Ltd. Sti."], "Pakistan": ["(Pvt) Ltd", "Pvt Ltd"],
         "Cambodia": ["Co., Ltd"], "Indonesia": ["PT", "PT."], "Portugal": ["Lda", "S.A."]}
ROAD = ["Road", "Rd", "Rd.", "Street", "St."]
PROCESSES = ["sewing", "cutting", "knitting", "dyeing", "printing", "finishing", "weaving", "spinning"]


def _facility(rng: random.Random, n: int, used: set) -> dict:
    country = rng.choices(list(COUNTRIES), [w for w, _ in COUNTRIES.values()])[0]
    city = rng.choice(COUNTRIES[country][1])
    # Brand names are mostly unique, as in real lists; a few collide on purpose.
    while True:
        brand = "".join(rng.sample(SYLLABLES, rng.choice((2, 2, 3)))).title()
        if (country, brand) not in used or rng.random() < 0.05:
            used.add((country, brand))
            break
    return {"country": country, "city": city, "brand": brand, "trade": rng.choice(TRADE),
            "street": "".join(rng.sample(SYLLABLES, 2)).title(), "number": rng.randint(1, 999),
            "zone": rng.choice(["Industrial Zone", "Industrial Park", "Economic Development Zone", "Village"]),
            "process": rng.sample(PROCESSES, rng.choice((1, 2))), "workers": rng.randint(20, 4000),
            "n": n}


def _spell(rng: random.Random, f: dict, variant: bool) -> tuple[str, str]:
    legal = LEGAL[f["country"]]
    brand = f["brand"]
    trade = f["trade"]
    road = "Road"
    prefix = f["city"] + " " if f["country"] == "China" else ""
    if variant:
        r = rng.random()
        if r < 0.25 and len(brand) > 6:
            cut = rng.randint(2, len(brand) - 2)
            brand = brand[:cut] + " " + brand[cut:].title()  # "Hua Lida"
        elif r < 0.45:
            i = rng.randint(1, len(brand) - 2)
            brand = brand[:i] + brand[i + 1] + brand[i] + brand[i + 2:]  # a typo
        if rng.random() < 0.3:
            trade = trade.rstrip("s") if trade.endswith("s") else trade + "s"
        if rng.random() < 0.3:
            prefix = ""
        road = rng.choice(ROAD)
        legal_form = rng.choice(legal)
    else:
        legal_form = legal[0]
    name = f"{prefix}{brand} {trade} {legal_form}"
    if legal_form in ("PT", "PT."):
        name = f"{legal_form} {brand} {trade}"
    if variant and rng.random() < 0.3:
        name = name.upper()
    address = f"No. {f['number']} {f['street']} {road}, {f['zone']}"
    if variant and rng.random() < 0.5:
        address = f"{f['number']}, {f['street']} {road} {f['zone']}, {f['city']}"
    return name, address


def generate(out: Path, rows: int, files: int, seed: int = 11, shared: float = 0.2) -> Path:
    import xlsxwriter

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.xlsx"):
        old.unlink()
    used: set = set()
    pool = [_facility(rng, i, used) for i in range(int(rows * 0.9))]
    per_file = [rows // files + (1 if i < rows % files else 0) for i in range(files)]
    header = ["Supplier ID", "Name", "Address", "City", "Country", "Tier", "Process", "Workers",
              "Purchase share"]
    nxt = 0
    truth: dict[str, list[int]] = {}
    for m, count in enumerate(per_file):
        wb = xlsxwriter.Workbook(str(out / f"member_{m:03d}.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet("Suppliers")
        ws.write_row(0, 0, ["Company:", f"Member {m:03d} B.V."])
        ws.write_row(2, 0, header)
        for r in range(count):
            if rng.random() < shared and nxt > 1000:
                f, variant = pool[rng.randrange(nxt)], True  # someone else's factory, respelled
            else:
                f, variant = pool[nxt % len(pool)], False
                nxt += 1
            name, address = _spell(rng, f, variant)
            truth.setdefault(f"member_{m:03d}.xlsx", []).append(f["n"])
            ws.write_row(3 + r, 0, [f"M{m}-{r}", name, address, f["city"], f["country"],
                                    1 if rng.random() < 0.8 else 2, ", ".join(f["process"]),
                                    f["workers"], round(rng.random() * 0.2, 3)])
        wb.close()
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return out


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def quality(groups: list[list[int]], truth: list[int]) -> dict:
    """Pairwise precision and recall of matched groups against the true factory of each record."""
    from collections import Counter

    group_of = {i: g for g, members in enumerate(groups) for i in members}
    true_pairs = sum(_pairs(n) for n in Counter(truth).values())
    merged = sum(_pairs(len(g)) for g in groups)
    true_merged = sum(_pairs(n) for n in Counter((group_of[i], t)
                                                 for i, t in enumerate(truth)).values())
    return {"true_pairs": true_pairs, "merged_pairs": merged, "false_merges": merged - true_merged,
            "precision": round(true_merged / merged, 4) if merged else 1.0,
            "recall": round(true_merged / true_pairs, 4) if true_pairs else 1.0}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(folder: Path, out_xlsx: Path) -> dict:
    from imvo_cli import aggregate as agg_mod
    from imvo_cli.export.sector import write_sector_workbook
    from imvo_cli.ingest import read_suppliers
    from imvo_cli.match import make_record, match_records

    files = agg_mod.member_files([folder])
    t0 = time.perf_counter()
    lists = [read_suppliers(f) for f in files]
    t_read = time.perf_counter() - t0
    sups = [s for sl in lists for s in sl.suppliers]
    truth_file = folder / "truth.json"
    truth = None
    if truth_file.is_file():
        by_file = json.loads(truth_file.read_text(encoding="utf-8"))
        # Row r of a member file is spreadsheet row r + 4 (two title rows, a blank, the header).
        truth = [by_file[Path(sl.file).name][s.rows[0] - 4] for sl in lists for s in sl.suppliers]
    records = [make_record(i, s.name, s.country, s.address, s.city, s.postal_code, s.os_id)
               for i, s in enumerate(sups)]
    t1 = time.perf_counter()
    matched = match_records(records)
    t_match = time.perf_counter() - t1
    scores = quality(matched.groups, truth) if truth else {}
    review_true = sum(truth[ln.a] == truth[ln.b] for ln in matched.review) if truth else None
    sample = records[: len(records) // 10]
    t2 = time.perf_counter()
    match_records(sample)
    t_match_10 = time.perf_counter() - t2
    t3 = time.perf_counter()
    result = agg_mod.aggregate(files)
    t_aggregate = time.perf_counter() - t3
    t4 = time.perf_counter()
    write_sector_workbook(result, out_xlsx)
    t_write = time.perf_counter() - t4
    return {"files": len(files), "rows": sum(sl.rows for sl in lists),
            "facilities": len(result.facilities), "shared": len(result.shared),
            "review_pairs": len(result.review), "read_s": round(t_read, 2),
            "match_s": round(t_match, 2), **scores,
            "review_per_1000": round(1000 * len(matched.review) / len(records), 2),
            "review_truly_same": review_true, "match_10pct_s": round(t_match_10, 2),
            "match_growth_10x": round(t_match / t_match_10, 2) if t_match_10 else None,
            "aggregate_library_s": round(t_aggregate, 2), "write_workbook_s": round(t_write, 2),
            "total_s": round(t_aggregate + t_write, 2), "peak_rss_mb": round(_peak_mb())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--out", type=Path, default=Path("/tmp/imvo-bench-aggregate"))
    ap.add_argument("--keep", action="store_true", help="reuse generated files if present")
    args = ap.parse_args(argv)
    folder = args.out / f"members-{args.rows}"
    if not (args.keep and folder.is_dir()):
        t = time.perf_counter()
        generate(folder, args.rows, args.files)
        print(f"generated {args.files} files, {args.rows:,} rows in {time.perf_counter() - t:.1f}s",
              file=sys.stderr)
    print(json.dumps(run(folder, args.out / "sector.xlsx"), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
