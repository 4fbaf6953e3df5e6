"""Scattered provincial trade points: Fujian imports 1997-2006 and five SECONDARY news/book points.

Raw (see ``provincial_yearbooks/PROVENANCE.md`` sections A3, E and ``customs_tables/PROVENANCE.md``):

* ``provincial_yearbooks/fujian_imports-by-trade-mode_YB2003.csv`` and ``..._YB2007.csv``: Fujian
  Statistical Yearbook table 13-3 "value of imports by main trade mode", 万美元 (official). Total
  imports and the 一般贸易 (general trade) row. Exports are not held, so no balance can be formed.
  Both editions are kept, each as its own source and vintage: the overlap years 2000 and 2002
  are identical in the two editions, which the tests check, and keeping both follows the rule that
  editions are never spliced (a reader sees that 2000 and 2002 were not revised).
* ``provincial_yearbooks/tibet_…_data1999.csv``, ``xinjiang_…_data1999-2000.csv``: SECONDARY
  (a newspaper article, an unattributed book excerpt).
* ``customs_tables/SECONDARY_news_{Beijing_2012,Beijing_2020,Shanxi_2020}.csv``: SECONDARY news
  reports of customs releases.

Every secondary number goes into its own series (``exports_secondary_point``,
``imports_secondary_point``, ``trade_total_secondary_point``), never into the official
``exports_by_location`` / ``imports_by_location``: a chapter that asks for an official series can
not receive a rounded news figure unknowingly, and one that wants the points asks for them by name.

Units are kept as printed where the schema has the symbol (百万美元, 亿美元, 亿元, 万美元).
Printed units that the schema lacks are converted exactly (decimal arithmetic) and the series
description says so: billion USD -> 百万美元 (x1000), 万亿元 -> 亿元 (x10000),
billion yuan -> 亿元 (x10).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers import provinces, schema
from .core import Exclusion, SeriesInfo, Source, SourceFormatError, Table, require

PY = "provincial_yearbooks"
CT = "customs_tables"

#: printed unit (text inside the CSV, before any parenthesis) -> (schema unit, exact factor)
UNIT_MAP: dict[str, tuple[str, str]] = {
    "10000 USD (万美元)": ("万美元", "1"),
    "million USD": ("百万美元", "1"),
    "billion USD": ("百万美元", "1000"),
    "100 million USD (億ドル)": ("亿美元", "1"),
    "100 million yuan (亿元)": ("亿元", "1"),
    "trillion yuan (万亿元)": ("亿元", "10000"),
    "billion yuan": ("亿元", "10"),
}

FUJIAN_SERIES = {"imports": "imports_total_provincial_yearbook", "imports_general_trade": "imports_general_trade"}
POINT_SERIES = {"exports": "exports_secondary_point", "imports": "imports_secondary_point",
                "total": "trade_total_secondary_point", "total_imports_and_exports": "trade_total_secondary_point"}


def _sources() -> dict[str, dict]:
    """source id -> (Source, raw file, series map)"""
    fj = lambda ed, url, yrs: Source(  # noqa: E731
        id=f"fujian_yb{ed}_t13_3",
        title=f"Fujian: value of imports by main trade mode ({yrs}), total and general trade",
        publisher="Fujian Provincial Bureau of Statistics (Fujian Statistical Yearbook, customs data)",
        table=f"Fujian Statistical Yearbook {ed}, table 13-3 按主要贸易方式分进口商品贸易额; 万美元",
        address=url, raw_files=[f"{PY}/fujian_imports-by-trade-mode_YB{ed}.csv"],
        vintage=f"Fujian Statistical Yearbook {ed}",
        licence="Official statistics (Fujian Provincial Bureau of Statistics); cite the yearbook.",
        trust="HIGH",
        notes=("Imports only: exports (tables 13-1, 13-2) are not held, so no balance. The trade-mode rows "
               "listed are the main modes only and do not add up to the total. Overlap years 2000 and 2002 are "
               "identical in the 2003 and 2007 editions; both editions are kept as separate sources."))
    out = {
        "fujian_yb2003_t13_3": dict(src=fj("2003", "https://tjj.fujian.gov.cn/tongjinianjian/dz03/html/1303.htm", "1997-2002"),
                                    file=f"{PY}/fujian_imports-by-trade-mode_YB2003.csv", series=FUJIAN_SERIES),
        "fujian_yb2007_t13_3": dict(src=fj("2007", "https://tjj.fujian.gov.cn/tongjinianjian/dz07/html/1303.htm",
                                           "2000, 2002-2006"),
                                    file=f"{PY}/fujian_imports-by-trade-mode_YB2007.csv", series=FUJIAN_SERIES),
    }
    sec = [
        ("peoplesdaily_tibet_trade_1999", f"{PY}/tibet_trade_PeoplesDaily-2000_data1999.csv",
         "Tibet foreign trade 1999 (news article)", "People's Daily (English edition), 25 April 2000",
         "http://en.people.cn/english/200004/25/print20000425_39659.html", "People's Daily 2000-04-25",
         "Tibet 1999: imports USD 80.17 m, exports USD 86.05 m, total USD 0.166 bn (80.17 + 86.05 = 166.22, "
         "consistent with the rounded total)."),
        ("flylib_xinjiang_trade_1999_2000", f"{PY}/xinjiang_trade_flylib-book-excerpt_data1999-2000.csv",
         "Xinjiang foreign trade 1999-2000 (unattributed book excerpt)", "unidentified book, excerpt on flylib.com",
         "http://flylib.com/books/en/4.408.1.469/1/", "flylib.com book excerpt (book not identified)",
         "Exports + imports = printed total: 1204.09 + 1059.91 = 2264.00 (2000), 1027.43 + 737.91 = 1765.34 "
         "(1999, printed 1.765 bn). Printed export share and growth recompute."),
        ("news_beijing_trade_2012", f"{CT}/SECONDARY_news_Beijing_2012.csv",
         "Beijing foreign trade 2012 (news report of a Beijing Customs release)",
         "北京ジャピオン (Japanese-language community paper), 2013-01-21, quoting Beijing Customs (2013-01-11)",
         "https://beijing.shvoice.com/news/2661.html", "北京ジャピオン 2013-01-21",
         "Beijing area including central enterprises registered in Beijing; 596 + 3483 = 4079 = printed total. "
         "Rounded to 100 million USD."),
        ("news_beijing_trade_2020", f"{CT}/SECONDARY_news_Beijing_2020.csv",
         "Beijing foreign trade 2020 in yuan (news report of a Beijing Customs release)",
         "China News Service item on sinomep.com, quoting Beijing Customs", 
         "http://20505.sinomep.com/jj/2021/0126/012610797.html", "China News Service 2021-01-26",
         "Beijing area 含中央在京单位. Total 2.32 and imports 1.86 were printed in 万亿元 (converted x10000 to "
         "亿元: 23200, 18600); exports printed 4654.9 亿元. 1.86 + 0.46549 = 2.3255 万亿元 ~ printed 2.32 "
         "(rounded). About 0.2% from the customs total in provincial_trade_totals at the 2020 average rate."),
        ("news_shanxi_trade_2020", f"{CT}/SECONDARY_news_Shanxi_2020.csv",
         "Shanxi foreign trade 2020 in yuan (Xinhua report of a Taiyuan Customs release)",
         "Xinhua via People's Daily Online, quoting Taiyuan Customs",
         "http://en.people.cn/n3/2021/0126/c90000-9813214.html", "People's Daily Online 2021-01-26",
         "Printed in billion yuan, converted x10 to 亿元 (150.58 -> 1505.8). 87.7 + 62.88 = 150.58 = printed total. "
         "The page's USD total (23.26 bn) does not match the yuan figure at the 2020 rate: left out (see "
         "exclusions)."),
    ]
    for sid, file, title, publisher, url, vintage, notes in sec:
        out[sid] = dict(src=Source(
            id=sid, title=title + ", SECONDARY", publisher=publisher, table="figures quoted in the text",
            address=url, raw_files=[file], vintage=vintage,
            licence="News / book text quoting official customs figures; cite the customs release where possible.",
            trust="LOW-MEDIUM", secondary=True, via=url.split("/")[2], notes=notes),
            file=file, series=POINT_SERIES)
    return out


def convert(value: str, printed_unit: str, where: str) -> tuple[float, str, str]:
    """(value in a schema unit, schema unit, conversion note) for a printed value and unit."""
    if printed_unit not in UNIT_MAP:
        raise SourceFormatError(f"{where}: unit {printed_unit!r} is not one this builder knows "
                                f"({list(UNIT_MAP)})")
    unit, factor = UNIT_MAP[printed_unit]
    assert unit in schema.UNITS
    try:
        d = Decimal(value.replace(",", "").strip())
    except Exception:
        raise SourceFormatError(f"{where}: value {value!r} is not a number") from None
    note = "" if factor == "1" else f"printed {value} {printed_unit}, converted x{factor} to {unit}"
    return float(d * Decimal(factor)), unit, note


def read_points(path: Path, source_id: str, vintage: str, series_map: dict[str, str]) -> pd.DataFrame:
    raw = pd.read_csv(require(path), dtype=str, keep_default_na=False)
    for c in ("province", "year", "series", "value", "unit"):
        if c not in raw.columns:
            raise SourceFormatError(f"{path}: column {c!r} missing (columns {list(raw.columns)})")
    if "period" in raw.columns:
        bad = raw[raw["period"] != "1-12"]
        if len(bad):
            raise SourceFormatError(f"{path} line {bad.index[0] + 2}: period {bad.iloc[0]['period']!r}, expected 1-12")
    recs = []
    for i, r in raw.iterrows():
        where = f"{path} line {i + 2}"
        if r["series"] not in series_map:
            raise SourceFormatError(f"{where}: series {r['series']!r}, expected one of {list(series_map)}")
        value, unit, note = convert(r["value"], r["unit"], where)
        recs.append({"geo_code": provinces.code_of(r["province"], context=where), "year": int(r["year"]),
                     "quarter": pd.NA, "series": series_map[r["series"]], "value": value, "unit": unit,
                     "source_id": source_id, "vintage": vintage, "_note": note})
    return pd.DataFrame(recs)


DESC = {
    "imports_total_provincial_yearbook": ("Total imports of the province as printed in its own statistical yearbook "
                                          "(table 13-3, total of the trade-mode table), customs data."),
    "imports_general_trade": "Imports under general trade (一般贸易), one row of the trade-mode table.",
    "exports_secondary_point": "Exports of the province, a single SECONDARY point from a news report or book; "
                               "not an official table.",
    "imports_secondary_point": "Imports of the province, a single SECONDARY point from a news report or book; "
                               "not an official table.",
    "trade_total_secondary_point": "Exports + imports of the province as printed (rounded) in a SECONDARY news "
                                   "report or book.",
}


def build(src: Path) -> list[Table]:
    specs = _sources()
    frames = [read_points(src / s["file"], sid, s["src"].vintage, s["series"]) for sid, s in specs.items()]
    rows = pd.concat(frames, ignore_index=True)
    infos = []
    for (series, sid, vintage), g in rows.groupby(["series", "source_id", "vintage"], sort=True):
        notes = sorted({n for n in g["_note"] if n})
        years = ", ".join(str(y) for y in sorted(g["year"].unique()))
        desc = f"{DESC[series]} {provinces.name_en(g['geo_code'].iloc[0])}, {years}."
        if notes:
            desc += " Unit conversion: " + "; ".join(notes) + "."
        infos.append(SeriesInfo(series=series, unit=g["unit"].iloc[0], source_id=sid, vintage=vintage,
                                description=desc))
    exclusions = [Exclusion(
        source_id="news_shanxi_trade_2020", geo_code="140000", year=2020, series="trade_total_secondary_point",
        value_as_published="23.26 billion USD",
        reason=("The article also prints the total as USD 23.26 bn, which does not match its own yuan figure "
                "(150.58 bn yuan is about USD 21.8 bn at the 2020 average rate, and equals the NBS/customs total "
                "21,842,015 thousand USD); the yuan figure is kept."))]
    return [Table(
        name="provincial_trade_points",
        title="Scattered provincial trade points: Fujian imports 1997-2006 and secondary news points",
        description=("Official: Fujian imports (total and general trade) 1997-2006 from the 2003 and 2007 editions "
                     "of the Fujian Statistical Yearbook (万美元), both editions kept (identical in 2000 and 2002). "
                     "SECONDARY single points: Tibet 1999, Xinjiang 1999-2000, Beijing 2012 and 2020, Shanxi 2020, "
                     "in their own *_secondary_point series. Cross-check points only, not a panel; exports are "
                     "missing for Fujian."),
        rows=rows.drop(columns="_note"),
        sources=[s["src"] for s in specs.values()],
        series=infos,
        exclusions=exclusions,
    )]
