#!/usr/bin/env python3
"""Rebuild the compact risk tables in imvo_cli/risk/data/ from the published originals.

The originals are not shipped with imvo; they live in a shared data folder (by default
`../shared/data` next to the repository; see its SOURCES.md). Output is deterministic: rows
sorted, fixed number formats, so a rebuild from the same originals gives the same bytes.

Usage: python scripts/build_risk_data.py [--shared DIR] [--check]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from imvo_cli.countries import to_iso2  # noqa: E402

DATA = REPO / "imvo_cli" / "risk" / "data"

# World Bank codes that are not ISO 3166-1 alpha-3 (legacy or WB-specific). "ANT"
# (Netherlands Antilles, dissolved 2010) has no current code and is left out.
WB_CODES = {"ADO": "AD", "ZAR": "CD", "KSV": "XK", "XKX": "XK", "ROM": "RO", "TMP": "TL",
            "WBG": "PS"}
WB_DROPPED = {"ANT"}
WGI_INDICATORS = ("VoiceandAccountability", "PoliticalStability", "GovernmentEffectiveness",
                  "RegulatoryQuality", "RuleofLaw", "ControlofCorruption")


def _yes(text: str | None) -> str:
    return "Y" if (text or "").strip().lower() == "yes" else "N"


def _csv(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _iso(name: str, where: str) -> str:
    iso = to_iso2(name)
    if iso is None:
        raise SystemExit(f"{where}: country {name!r} has no ISO code; add an alias to "
                         "imvo_cli/countries.py")
    return iso


# Downstream ("derived") goods of the 2022 List: made with an input that is itself listed in
# the derived country. The XML marks the entry (Derived_Labor_Exploitation, Derived_Country)
# but not the input; the 2022 List names it: lithium-ion batteries made with cobalt mined
# with child labour in the DR Congo, polysilicon-based solar goods made with forced labour
# in China, palm oil derivatives from palm fruit produced with child labour in Indonesia.
DERIVED_INPUTS = {
    "Lithium-Ion Batteries": "Cobalt ore (heterogenite)",
    "Photovoltaic Ingots": "Polysilicon", "Photovoltaic Wafers": "Polysilicon",
    "Solar Cells": "Polysilicon", "Solar Modules": "Polysilicon",
    "Crude Palm Oil": "Palm Fruit", "Crude Palm Kernel Oil": "Palm Fruit",
    "Refined Palm Oil": "Palm Fruit", "Refined Palm Kernel Oil": "Palm Fruit",
    "Oleochemicals": "Palm Fruit",
}


def build_dol_goods(src: Path) -> str:
    """goods_2021.xml -> one row per good x country with the three Yes/No findings; a
    downstream entry names its derived country and listed input good."""
    from defusedxml import ElementTree as ET

    rows = []
    for good in ET.parse(src).getroot().findall("Good"):
        name = good.findtext("Good_Name").strip()
        sector = (good.findtext("Good_Sector") or "").strip()
        for c in good.findall("Countries/Country"):
            dol_name = c.findtext("Country_Name").strip()
            derived = _yes(c.findtext("Derived_Labor_Exploitation"))
            derived_country, input_good = "", ""
            if derived == "Y":
                derived_country = _iso(c.findtext("Derived_Country").strip(), src.name)
                if name not in DERIVED_INPUTS:
                    raise SystemExit(f"{src.name}: downstream good {name!r} has no input good "
                                     "in DERIVED_INPUTS; add the one the List names")
                input_good = DERIVED_INPUTS[name]
            rows.append([name, sector, _iso(dol_name, src.name), dol_name,
                         _yes(c.findtext("Child_Labor")), _yes(c.findtext("Forced_Labor")),
                         _yes(c.findtext("Forced_Child_Labor")), derived, derived_country,
                         input_good])
    rows.sort(key=lambda r: (r[2], r[0]))
    return _csv(["good", "good_sector", "country", "dol_country", "child_labour",
                 "forced_labour", "forced_child_labour", "derived", "derived_country",
                 "input_good"], rows)


def _share(text: str | None, age_range: str | None) -> str:
    # A share without an age range is not comparable (and in one profile looks mis-keyed):
    # keep only shares that state the age group they describe.
    if not text or not age_range or not age_range.strip():
        return ""
    try:
        value = float(text)
    except ValueError:  # "Unavailable"
        return ""
    return f"{value:.3f}" if 0 <= value <= 1 else ""


def build_dol_countries(src: Path) -> str:
    """countries_2021.xml -> advancement level and working-children share per country."""
    from defusedxml import ElementTree as ET

    rows = []
    for c in ET.parse(src).getroot().findall("Country"):
        dol_name = c.findtext("Name").strip()
        stats = c.find("Country_Statistics/Children_Work_Statistics")
        age = stats.findtext("Age_Range") if stats is not None else None
        share = _share(stats.findtext("Total_Percentage_of_Working_Children"), age) if stats is not None else ""
        advancement = " ".join((c.findtext("Advancement_Level") or "").split())
        rows.append([_iso(dol_name, src.name), dol_name, advancement, share,
                     (age or "").strip() if share else "", (c.findtext("Webpage") or "").strip()])
    rows.sort()
    return _csv(["country", "dol_country", "advancement", "working_children_share",
                 "age_range", "webpage"], rows)


def build_wgi(src: Path) -> str:
    """Long WGI file -> one row per country and dimension: its latest year and percentile rank."""
    latest: dict[tuple[str, str], tuple[int, float]] = {}
    with src.open(encoding="cp1252", newline="") as fh:
        for r in csv.DictReader(fh):
            code = r["Code"].strip()
            if code in WB_DROPPED or r["Rank"] in ("", "NA"):
                continue
            iso = WB_CODES.get(code) or to_iso2(code)
            if iso is None:
                raise SystemExit(f"{src.name}: World Bank code {code!r} has no ISO code")
            year = int(r["Year"])
            key = (iso, r["Indicator"])
            if key not in latest or year > latest[key][0]:
                latest[key] = (year, float(r["Rank"]))
    # One row per country and dimension with that dimension's own latest year: a country's
    # dimensions are not all measured in the same year (some stop years earlier).
    rows = [[iso, dim, year, f"{rank:.1f}"] for (iso, dim), (year, rank) in latest.items()]
    rows.sort(key=lambda r: (r[0], WGI_INDICATORS.index(r[1])))
    return _csv(["country", "dimension", "year", "rank"], rows)


def build_all(shared: Path) -> dict[str, str]:
    dol = shared / "us-dol-ilab"
    return {
        "dol_goods.csv": build_dol_goods(dol / "goods_2021.xml"),
        "dol_countries.csv": build_dol_countries(dol / "countries_2021.xml"),
        "wgi.csv": build_wgi(shared / "world-bank-wgi" / "wgi_1996-2019_long.csv"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data",
                    help="folder with us-dol-ilab/ and world-bank-wgi/ (default: ../shared/data)")
    ap.add_argument("--check", action="store_true",
                    help="only compare: exit 1 when an embedded table differs from a rebuild")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        print(f"build_risk_data: {args.shared} not found (give --shared DIR)", file=sys.stderr)
        return 2
    stale = []
    for name, text in build_all(args.shared).items():
        target = DATA / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            target.write_text(text, encoding="utf-8", newline="")
            print(f"wrote {target.relative_to(REPO)} ({text.count(chr(10)) - 1} rows)")
    if args.check and stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
