"""Provincial national accounts: GRP by expenditure approach, first-published GRP, population, GFCF.

Raw files (read the PROVENANCE.md of each folder):

* ``provincial_yearbooks/``: CSV transcriptions of NBS China Statistical Yearbook tables
  "GRP by expenditure approach by region" (data years 1998, 1999, 2006, 2007, 2008; the
  same page texts are in ``gdp/pages__stats.gov.cn/``), Qinghai YB 2020 table 4-13,
  Hunan YB 2009 table 2-10 (consumption side), and two third-party mirrors of the NBS
  database (Tianjin, Guangdong 2014-2017);
* ``yearbook_pages/``: final-consumption composition (CSY 1999, 2000, 2009), GCF
  composition (JST translation of CSY 2009 table 2-22), Hunan YB 2009 appendix 18-3
  (population 2008), china.org.cn population 2000-2006 (secondary);
* ``gdp/umd-cgs__gcam-china/``: first-published nominal GRP (``GDP_raw.csv``) and the
  China Compendium of Statistics population (``China_Compendium_of_Statistics.csv``);
* ``gdp/common2016__CapitalStock/``: GFCF by province (Wind export, 1949-2018) and the
  1952-1995 historical GFCF with its index.

Every table keeps one ``source_id`` per published table and one ``vintage`` per release, so
revised vintages (Qinghai YB 2020 vs CSY 2008) stand side by side and are never spliced.
Cells cut off by a page copy, and the Yunnan 2008 row that CSY 2009 repeats from 2007, are
:class:`Exclusion` records, not rows.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from helpers import provinces
from helpers.series import label as series_label
from .core import Exclusion, SeriesInfo, Source, SourceFormatError, Table, require, rows

PY = "provincial_yearbooks"
YP = "yearbook_pages"
PAGES = "gdp/pages__stats.gov.cn"
GCAM = "gdp/umd-cgs__gcam-china"
CAPSTOCK = "gdp/common2016__CapitalStock"

CUT = "cut off in the page copy"
NBS_LICENCE = "Official statistics (NBS); cite the National Bureau of Statistics of China."

#: unit strings printed in the transcription CSVs -> schema unit symbols
UNIT_MAP = {
    "100 million yuan (亿元)": "亿元",
    "100 million yuan": "亿元",
    "percent": "%",
    "10 000 persons": "万人",
}

#: series names used in the transcription CSVs -> canonical series (helpers.series)
SERIES_MAP = {
    "gdp_expenditure_approach": "grp_expenditure",
    "grp_expenditure_approach": "grp_expenditure",
    "final_consumption": "final_consumption",
    "final_consumption_expenditure": "final_consumption",
    "household_consumption": "household_consumption",
    "rural_household_consumption": "rural_household_consumption",
    "urban_household_consumption": "urban_household_consumption",
    "household_consumption_rural_or_agricultural": "rural_household_consumption",
    "household_consumption_urban_or_nonagricultural": "urban_household_consumption",
    "government_consumption": "government_consumption",
    "gross_capital_formation": "gross_capital_formation",
    "gross_fixed_capital_formation": "gross_fixed_capital_formation",
    "change_in_inventories": "change_in_inventories",
    "net_outflow_goods_services": "net_outflow_goods_services",
    "final_consumption_rate_pct": "final_consumption_rate_pct",
    "capital_formation_rate_pct": "capital_formation_rate_pct",
    "household_share_of_final_consumption": "household_consumption_share_pct",
    "government_share_of_final_consumption": "government_consumption_share_pct",
    "rural_share_of_household_consumption": "rural_household_consumption_share_pct",
    "urban_share_of_household_consumption": "urban_household_consumption_share_pct",
    "gfcf_share_of_gcf": "gross_fixed_capital_formation_share_pct",
    "inventories_share_of_gcf": "change_in_inventories_share_pct",
    "total_population_year_end": "population_year_end",
}

#: generic descriptions; a source-specific note is appended per SeriesInfo
DESCRIPTIONS = {
    "grp_expenditure": "Gross regional product by expenditure approach (支出法地区生产总值), current prices.",
    "final_consumption": "Final consumption expenditure (最终消费支出), current prices.",
    "household_consumption": "Household consumption expenditure (居民消费支出), current prices.",
    "rural_household_consumption": "Rural household consumption (农村居民消费), current prices.",
    "urban_household_consumption": "Urban household consumption (城镇居民消费), current prices.",
    "government_consumption": "Government consumption expenditure (政府消费支出), current prices.",
    "gross_capital_formation": "Gross capital formation (资本形成总额), current prices.",
    "gross_fixed_capital_formation": "Gross fixed capital formation (固定资本形成总额), current prices.",
    "change_in_inventories": "Change in inventories (存货增加), current prices.",
    "net_outflow_goods_services": (
        "Net outflow of goods and services (货物和服务净流出), current prices: the province's balance with "
        "the rest of China AND the rest of the world (inter-provincial flows included), not its foreign "
        "trade balance."),
    "final_consumption_rate_pct": "Final consumption rate (最终消费率): final consumption as % of GRP (exp.), as printed.",
    "capital_formation_rate_pct": "Capital formation rate (资本形成率): GCF as % of GRP (exp.), as printed.",
    "household_consumption_share_pct": "Household consumption as % of final consumption (final consumption = 100), as printed.",
    "government_consumption_share_pct": "Government consumption as % of final consumption (final consumption = 100), as printed.",
    "rural_household_consumption_share_pct": "Rural household consumption as % of household consumption (household = 100), as printed.",
    "urban_household_consumption_share_pct": "Urban household consumption as % of household consumption (household = 100), as printed.",
    "gross_fixed_capital_formation_share_pct": "GFCF as % of gross capital formation (GCF = 100), as printed.",
    "change_in_inventories_share_pct": "Change in inventories as % of gross capital formation (GCF = 100), as printed.",
    "population_year_end": "Year-end population (年末人口).",
}


#: English labels of the series this module adds beyond helpers.series.SERIES
EXTRA_LABELS = {
    "household_consumption_share_pct": "Household consumption, % of final consumption",
    "government_consumption_share_pct": "Government consumption, % of final consumption",
    "rural_household_consumption_share_pct": "Rural household consumption, % of household consumption",
    "urban_household_consumption_share_pct": "Urban household consumption, % of household consumption",
    "gross_fixed_capital_formation_share_pct": "GFCF, % of gross capital formation",
    "change_in_inventories_share_pct": "Change in inventories, % of gross capital formation",
    "gfcf_index_1952_100": "GFCF index (1952 = 100)",
}


def label(series: str) -> str:
    return EXTRA_LABELS.get(series) or series_label(series)


@dataclass
class PageSpec:
    """One transcribed table (CSV + page text) and what the build does with it."""

    source: Source
    csv: str                                   # path under src
    cut: list[tuple[str, int, str, str]] = field(default_factory=list)  # (province, year, series, fragment)
    errors: list[tuple[str, int, str]] = field(default_factory=list)    # (province, year, reason): whole row
    notes: dict[str, str] = field(default_factory=dict)                 # series -> extra description
    keep: set[str] | None = None               # canonical series to keep (None: all)


# ---------------------------------------------------------------------------------------------
# sources
# ---------------------------------------------------------------------------------------------

def _nbs(id_, title, table, address, files, vintage, notes, publisher="National Bureau of Statistics of China",
         trust="HIGH", secondary=False, via="", licence=NBS_LICENCE) -> Source:
    return Source(id=id_, title=title, publisher=publisher, table=table, address=address, raw_files=files,
                  vintage=vintage, licence=licence, trust=trust, secondary=secondary, via=via, notes=notes)


EXP_TITLE = "Gross regional product by expenditure approach, by region"
NBS_COLS = ["grp_expenditure", "final_consumption", "gross_capital_formation", "net_outflow_goods_services",
            "capital_formation_rate_pct", "final_consumption_rate_pct"]
RATE_COLS = ["capital_formation_rate_pct", "final_consumption_rate_pct"]


def _cut_row(province: str, year: int, first_cut: str, fragment: str) -> list[tuple[str, int, str, str]]:
    """The cells of a page row from ``first_cut`` to the end (NBS 3-13/2-21 column order)."""
    i = NBS_COLS.index(first_cut)
    return [(province, year, s, fragment if j == 0 else "") for j, s in enumerate(NBS_COLS[i:])]


YUNNAN_2008 = ("Source error: Yunnan's 2008 row on the CSY 2009 page (4741.31 / 2908.08 / 2666.73 / -833.50) "
               "repeats its 2007 row in CSY 2008 exactly; Yunnan's 2008 GRP was about 5,700 (PROVENANCE).")
YUNNAN_2008_GCF = ("Presumed source error: Yunnan's 2008 GCF in this translation of CSY 2009 table 2-22 "
                   "(2666.73) is the erroneous CSY 2009 table 2-21 value, which repeats Yunnan's 2007 GCF; "
                   "the whole row (GFCF, inventories, shares) is left out with it.")


def expenditure_specs() -> list[PageSpec]:
    s = []
    # --- NBS CSY by-region expenditure tables (GRP, C, GCF, NX, two rates)
    s.append(PageSpec(
        _nbs("nbs_csy1999_t3_13", f"{EXP_TITLE} (1998) / 国内生产总值(支出法), CSY 1999 table 3-13",
             "China Statistical Yearbook 1999 (English), table 3-13, 1 decimal",
             "http://www.stats.gov.cn/english/statisticaldata/yearlydata/YB1999e/c13e.htm",
             [f"{PY}/NBS-by-region_gdp-expenditure_CSY1999-data1998.csv",
              f"{PY}/NBS-by-region_gdp-expenditure_CSY1999-data1998.txt",
              f"{PAGES}/YB1999e_c13e_GDP_expenditure_by_region_1998_excerpt.txt"],
             "CSY 1999 (first published)",
             "Page copy cut off after Henan's GRP: Beijing..Shandong complete (15), Henan GRP only; "
             "Hubei..Xinjiang absent. Net exports ('Net Export of Goods and Services') = net outflow. "
             "1 decimal: GRP = C + GCF + NX within 0.1."),
        f"{PY}/NBS-by-region_gdp-expenditure_CSY1999-data1998.csv",
        cut=_cut_row("Henan", 1998, "final_consumption", "2"),
        notes={"net_outflow_goods_services": " Printed as 'Net Export of Goods and Services'."}))
    s.append(PageSpec(
        _nbs("nbs_csy2000_t3_13", f"{EXP_TITLE} (1999), CSY 2000 table 3-13",
             "China Statistical Yearbook 2000 (English), table 3-13",
             "http://www.stats.gov.cn/english/statisticaldata/yearlydata/YB2000e/C13E.htm",
             [f"{PY}/NBS-by-region_gdp-expenditure_CSY2000-data1999.csv",
              f"{PY}/NBS-by-region_gdp-expenditure_CSY2000-data1999.txt",
              f"{PAGES}/YB2000e_C13E_GDP_expenditure_by_region_1999_excerpt.txt"],
             "CSY 2000 (first published)",
             "Page copy ends after Guangxi: Beijing..Guangxi (20); Hainan..Xinjiang absent."),
        f"{PY}/NBS-by-region_gdp-expenditure_CSY2000-data1999.csv",
        notes={"net_outflow_goods_services": " Printed as 'Net Export of Goods and Services'."}))
    s.append(PageSpec(
        _nbs("nbs_csy2007_t3_19", f"{EXP_TITLE} (2006) / 支出法地区生产总值 (2006年), CSY 2007 table 3-19",
             "China Statistical Yearbook 2007 (Chinese), table 3-19",
             "https://www.stats.gov.cn/sj/ndsj/2007/html/C0319C.HTM",
             [f"{PY}/NBS-by-region_gdp-expenditure_CSY2007-data2006.csv",
              f"{PY}/NBS-by-region_gdp-expenditure_CSY2007-data2006.txt",
              f"{PAGES}/YB2007_C0319C_GRP_expenditure_2006_excerpt.txt"],
             "CSY 2007 (first published)",
             "Page copy cut off inside Tibet's row: Beijing..Yunnan complete (25); Tibet GRP, C, GCF only "
             "(net outflow cut at '-1'); Shaanxi..Xinjiang absent."),
        f"{PY}/NBS-by-region_gdp-expenditure_CSY2007-data2006.csv",
        cut=_cut_row("Tibet", 2006, "net_outflow_goods_services", "-1")))
    s.append(PageSpec(
        _nbs("nbs_csy2008_t2_21", f"{EXP_TITLE} (2007), CSY 2008 table 2-21",
             "China Statistical Yearbook 2008 (English), table 2-21",
             "address not recorded (probably http://www.stats.gov.cn/tjsj/ndsj/2008/html/C0221e.htm, unverified)",
             [f"{PY}/NBS-by-region_gdp-expenditure_CSY2008-data2007.csv",
              f"{PY}/NBS-by-region_gdp-expenditure_CSY2008-data2007.txt",
              f"{PAGES}/YB2008_2-21_GRP_expenditure_2007_excerpt.txt"],
             "CSY 2008 (first published)",
             "Page copy cut off inside Ningxia's row: Beijing..Qinghai complete (29); Ningxia GRP and C only "
             "(GCF cut at '654'); Xinjiang absent. Qinghai 2007 here (783.61) is the pre-4th-census vintage; "
             "Qinghai YB 2020 prints 720.06."),
        f"{PY}/NBS-by-region_gdp-expenditure_CSY2008-data2007.csv",
        cut=_cut_row("Ningxia", 2007, "gross_capital_formation", "654")))
    s.append(PageSpec(
        _nbs("nbs_csy2009_t2_21", f"{EXP_TITLE} (2008), CSY 2009 table 2-21",
             "China Statistical Yearbook 2009 (English), table 2-21",
             "http://www.stats.gov.cn/tjsj/ndsj/2009/html/C0221e.htm",
             [f"{PY}/NBS-by-region_gdp-expenditure_CSY2009-data2008.csv",
              f"{PY}/NBS-by-region_gdp-expenditure_CSY2009-data2008.txt",
              f"{PAGES}/YB2009_C0221e_GRP_expenditure_2008_excerpt.txt"],
             "CSY 2009 (first published)",
             "Page copy cut off inside Xinjiang's row after GCF (net outflow and rates missing; the implied "
             "net outflow is NOT derived). Source error: Yunnan's 2008 row repeats its 2007 row, excluded."),
        f"{PY}/NBS-by-region_gdp-expenditure_CSY2009-data2008.csv",
        cut=_cut_row("Xinjiang", 2008, "net_outflow_goods_services", "-"),
        errors=[("Yunnan", 2008, YUNNAN_2008)]))
    # --- composition tables
    fc_note = ("Household (rural/urban) and government split of final consumption. Final consumption is "
               "printed with 2 decimals (table 3-13 of the same edition prints 1 decimal).")
    s.append(PageSpec(
        _nbs("nbs_csy1999_t3_15", "Final consumption expenditure and its composition by region (1998), CSY 1999 table 3-15",
             "China Statistical Yearbook 1999 (English), table 3-15",
             "http://www.stats.gov.cn/english/statisticaldata/yearlydata/YB1999e/c15e.htm",
             [f"{YP}/CSY1999e_3-15_final-consumption-composition_1998.csv",
              f"{YP}/CSY1999e_3-15_final-consumption-composition_1998.txt"],
             "CSY 1999 (first published)",
             fc_note + " Page copy ends after Zhejiang: Beijing..Zhejiang (11)."),
        f"{YP}/CSY1999e_3-15_final-consumption-composition_1998.csv"))
    s.append(PageSpec(
        _nbs("nbs_csy2000_t3_15", "Final consumption expenditure and its composition by region (1999), CSY 2000 table 3-15",
             "China Statistical Yearbook 2000 (English), table 3-15",
             "http://www.stats.gov.cn/english/statisticaldata/yearlydata/YB2000e/C15E.htm",
             [f"{YP}/CSY2000e_3-15_final-consumption-composition_1999.csv",
              f"{YP}/CSY2000e_3-15_final-consumption-composition_1999.txt"],
             "CSY 2000 (first published)",
             fc_note + " Households are split into agricultural / non-agricultural (by household registration), "
             "stored as rural / urban. Page copy cut off inside Anhui's row (rural share cut at '62', urban "
             "share missing); Beijing..Anhui (12)."),
        f"{YP}/CSY2000e_3-15_final-consumption-composition_1999.csv",
        cut=[("Anhui", 1999, "rural_share_of_household_consumption", "62"),
             ("Anhui", 1999, "urban_share_of_household_consumption", "")],
        notes={"rural_household_consumption": " CSY 2000 prints 'agricultural households'.",
               "urban_household_consumption": " CSY 2000 prints 'non-agricultural households'.",
               "rural_household_consumption_share_pct": " CSY 2000: agricultural households.",
               "urban_household_consumption_share_pct": " CSY 2000: non-agricultural households."}))
    s.append(PageSpec(
        _nbs("nbs_csy2009_t2_23", "Final consumption expenditure and its composition by region (2008), CSY 2009 table 2-23",
             "China Statistical Yearbook 2009 (English), table 2-23",
             "http://www.stats.gov.cn/tjsj/ndsj/2009/html/C0223e.htm",
             [f"{YP}/NBS-CSY2009_2-23_final-consumption-composition_2008.csv",
              f"{YP}/NBS-CSY2009_2-23_final-consumption-composition_2008.txt"],
             "CSY 2009 (first published)",
             "Household (rural/urban) and government split of final consumption; final consumption equals "
             "table 2-21 of the same edition. Page copy cut off inside Chongqing's row (government share cut "
             "at '2', rural/urban shares missing); Beijing..Hainan complete, Sichuan..Xinjiang absent."),
        f"{YP}/NBS-CSY2009_2-23_final-consumption-composition_2008.csv",
        cut=[("Chongqing", 2008, "government_share_of_final_consumption", "2"),
             ("Chongqing", 2008, "rural_share_of_household_consumption", ""),
             ("Chongqing", 2008, "urban_share_of_household_consumption", "")]))
    s.append(PageSpec(
        _nbs("jst_csy2009_t2_22", "Gross capital formation and its composition by region (2008), CSY 2009 table 2-22 "
             "(Japanese translation, JST Science Portal China)",
             "China Statistical Yearbook 2009, table 2-22, as translated by JST (各地区の資本形成総額及び構成)",
             "http://spc.jst.go.jp/statistics/stats2009/stats_02/list22.html",
             [f"{YP}/JST-CSY2009_2-22_GCF-composition_2008.csv",
              f"{YP}/JST-CSY2009_2-22_GCF-composition_2008.txt"],
             "CSY 2009 (first published)",
             "All 31 provinces; GCF = GFCF + inventories, and GCF equals table 2-21 of CSY 2009. Yunnan's row "
             "carries the CSY 2009 Yunnan error (GCF = its 2007 value) and is excluded.",
             publisher="National Bureau of Statistics of China (translated by the Japan Science and Technology Agency)",
             via="JST Science Portal China (spc.jst.go.jp), faithful translation of the official table"),
        f"{YP}/JST-CSY2009_2-22_GCF-composition_2008.csv",
        errors=[("Yunnan", 2008, YUNNAN_2008_GCF)]))
    # --- provincial yearbooks
    s.append(PageSpec(
        _nbs("qinghai_yb2020_t4_13", "Gross domestic product by expenditure approach (2000-2019) / 2000-2019年支出法生产总值, "
             "Qinghai Statistical Yearbook 2020 table 4-13",
             "Qinghai Statistical Yearbook 2020, table 4-13",
             "http://tjj.qinghai.gov.cn/nj/2020/html/0413.htm",
             [f"{PY}/qinghai_gdp-expenditure_YB2020.csv", f"{PY}/qinghai_gdp-expenditure_YB2020.txt",
              "gdp/pages__tjj.qinghai.gov.cn/Qinghai_YB2020_0413_GDP_expenditure_2000-2019_excerpt.txt"],
             "Qinghai YB 2020 (revised after the 4th economic census; 2019 preliminary)",
             "Revised after the 4th economic census (2018): levels differ from the NBS yearbook tables "
             "(Qinghai 2007: 720.06 here, 783.61 in CSY 2008). GFCF 2001-2017 revised with the 2017 investment "
             "revision; 2019 preliminary. No GCF total is printed (only GFCF and inventories). "
             "GRP = C + GFCF + inventories + NX exactly for all 20 years.",
             publisher="Qinghai Provincial Bureau of Statistics",
             licence="Official statistics (Qinghai Provincial Bureau of Statistics); cite the bureau."),
        f"{PY}/qinghai_gdp-expenditure_YB2020.csv",
        notes={"net_outflow_goods_services": (
                   " Qinghai prints 净出口 / 'Net Exports of Goods and Services' for this concept (the NBS tables "
                   "call it 货物和服务净流出); mapped to net_outflow_goods_services."),
               "gross_fixed_capital_formation": " Qinghai prints 固定资产形成总额; 2001-2017 revised with the 2017 "
                                                 "investment revision.",
               "change_in_inventories": " Qinghai prints 库存增加."}))
    s.append(PageSpec(
        _nbs("hunan_yb2009_t2_10", "Gross regional product by expenditure approach, consumption side (1978-2004) / "
             "地区生产总值(支出法) 续表, Hunan Statistical Yearbook 2009 table 2-10",
             "Hunan Statistical Yearbook 2009, table 2-10, continuation sheet (sheet002)",
             "http://222.240.193.190/sjfb/tjnj/09tjnj/data/2-10.files/sheet002.htm",
             [f"{PY}/hunan_gdp-expenditure-consumption_YB2009.csv", f"{PY}/hunan_gdp-expenditure-consumption_YB2009.txt"],
             "Hunan YB 2009",
             "Consumption side only: GRP (exp.), final consumption, household (rural, urban) and government "
             "consumption; capital formation and net outflow are on a sheet not available. 1979 and 1981-1984 "
             "have no rural/urban split (blank in the source). Page copy cut off inside 2004 (GRP and final "
             "consumption only). Hunan 1999 GRP (exp.) is 3214.54 here but 3326.75 in CSY 2000: a different "
             "vintage. Attribution to Hunan: the server was the Hunan bureau's and 1978 GRP 146.99 matches "
             "Hunan's published 1978 GDP (the page does not name the province).",
             publisher="Hunan Provincial Bureau of Statistics", trust="MEDIUM-HIGH",
             licence="Official statistics (Hunan Provincial Bureau of Statistics); cite the bureau."),
        f"{PY}/hunan_gdp-expenditure-consumption_YB2009.csv",
        cut=[("Hunan", 2004, "household_consumption", "2"),
             ("Hunan", 2004, "rural_household_consumption", ""),
             ("Hunan", 2004, "urban_household_consumption", ""),
             ("Hunan", 2004, "government_consumption", "")]))
    # --- secondary mirrors of the NBS database
    for prov, file, url, code in [
            ("Tianjin", "tianjin_gdp-expenditure_NBS-mirror-mamogu_2014-2017", "http://mamogu.com/ndsfsj/moref2f2f4.shtml",
             "mirror_mamogu_tianjin"),
            ("Guangdong", "guangdong_gdp-expenditure_NBS-mirror-shiquanmuye_2014-2017",
             "http://shiquanmuye.com/ndsfsj/moref19f2f4.shtml", "mirror_shiquanmuye_guangdong")]:
        dup = f"{YP}/SECONDARY_ndsfsj-mirror_{prov}_GRP-expenditure_2014-2017"
        s.append(PageSpec(
            _nbs(f"{code}_grp_expenditure", f"GRP by expenditure approach, {prov} 2014-2017 (third-party mirror of the NBS "
                 "database page 支出法地区生产总值)",
                 "NBS database 分省年度数据, 支出法地区生产总值 (copied by an unofficial mirror site), 1 decimal",
                 url, [f"{PY}/{file}.csv", f"{PY}/{file}.txt"],
                 "NBS database before the 4th-census revision (mirror copy)",
                 f"Unofficial mirror (spam-like site) of the NBS provincial database; values match NBS before the "
                 f"4th-census revision. GRP = C + GCF + NX etc. within 0.1 (1 decimal). The identical table in "
                 f"{dup}.csv/.txt is a duplicate copy of the same page and is NOT used (one copy only).",
                 trust="LOW-MEDIUM", secondary=True, via=url),
            f"{PY}/{file}.csv"))
    return s


# ---------------------------------------------------------------------------------------------
# readers
# ---------------------------------------------------------------------------------------------

PAGE_COLUMNS = ["province", "year", "series", "value", "unit", "source_url"]


def read_page_csv(path: Path, skip: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Read a ``province,year,series,value,unit,source_url`` transcription, mapping names and units.

    Rows whose series is in ``skip`` (known, but not used here) are passed over. Returns columns
    province, geo_code, year, raw_series, series, value, printed (the cell text), unit, line (1-based).
    """
    require(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != PAGE_COLUMNS:
            raise SourceFormatError(f"{path}: columns {header}, expected {PAGE_COLUMNS}")
        out = []
        for lineno, rec in enumerate(reader, start=2):
            if not rec:
                continue
            if len(rec) != len(PAGE_COLUMNS):
                raise SourceFormatError(f"{path}: line {lineno} has {len(rec)} fields, expected {len(PAGE_COLUMNS)}")
            prov, year, ser, val, unit, _url = (x.strip() for x in rec)
            if ser in skip:
                continue
            ctx = f"{path.name} line {lineno}"
            geo = provinces.code_of(prov, allow_national=True, context=ctx)
            if ser not in SERIES_MAP:
                raise SourceFormatError(f"{path}: line {lineno} ({prov}): unknown series {ser!r}")
            if unit not in UNIT_MAP:
                raise SourceFormatError(f"{path}: line {lineno} ({prov}, {ser}): unknown unit {unit!r}")
            try:
                y = int(year)
                v = float(val)
            except ValueError:
                raise SourceFormatError(f"{path}: line {lineno} ({prov}, {ser}): year {year!r} / value {val!r} "
                                        "is not a number") from None
            if not math.isfinite(v):
                raise SourceFormatError(f"{path}: line {lineno} ({prov}, {ser}): value {val!r} is not finite")
            out.append({"province": prov, "geo_code": geo, "year": y, "raw_series": ser,
                        "series": SERIES_MAP[ser], "value": v, "printed": val, "unit": UNIT_MAP[unit],
                        "line": lineno})
    df = pd.DataFrame(out)
    if df.empty:
        raise SourceFormatError(f"{path}: no data rows")
    dup = df.duplicated(["geo_code", "year", "series"], keep=False)
    if dup.any():
        r = df[dup].iloc[0]
        raise SourceFormatError(f"{path}: line {r['line']} ({r['province']} {r['year']} {r['raw_series']}) appears twice")
    return df


def _page_table(src: Path, spec: PageSpec, sid_series: dict, exclusions: list[Exclusion]) -> pd.DataFrame:
    df = read_page_csv(src / spec.csv)
    sid, vintage = spec.source.id, spec.source.vintage
    # cells cut off by the page copy: they must NOT be in the CSV
    for prov, year, raw, frag in spec.cut:
        geo = provinces.code_of(prov)
        ser = SERIES_MAP[raw] if raw in SERIES_MAP else raw
        if ((df["geo_code"] == geo) & (df["year"] == year) & (df["series"] == ser)).any():
            raise SourceFormatError(f"{src / spec.csv}: {prov} {year} {ser} is present, but PROVENANCE says the page "
                                    "copy cuts it off; check the file")
        why = CUT + (f" (the copy ends in a partial number '{frag}', dropped)" if frag else "")
        exclusions.append(Exclusion(sid, geo, year, ser, "", why))
    # whole rows that are source errors
    for prov, year, reason in spec.errors:
        geo = provinces.code_of(prov)
        bad = (df["geo_code"] == geo) & (df["year"] == year)
        if not bad.any():
            raise SourceFormatError(f"{src / spec.csv}: expected the erroneous {prov} {year} row, not found")
        for _, r in df[bad].iterrows():
            exclusions.append(Exclusion(sid, geo, year, r["series"], r["printed"], reason))
        df = df[~bad]
    if spec.keep is not None:
        df = df[df["series"].isin(spec.keep)]
    for (ser, unit), _g in df.groupby(["series", "unit"]):
        desc = DESCRIPTIONS[ser] + " " + spec.notes.get(ser, "").strip()
        sid_series[(ser, sid, vintage)] = SeriesInfo(ser, unit, desc.strip() + f" Source: {spec.source.table}.",
                                                     sid, vintage)
    units = df.groupby("series")["unit"].nunique()
    if (units > 1).any():
        raise SourceFormatError(f"{src / spec.csv}: series {list(units[units > 1].index)} printed in two units")
    return rows(df[["geo_code", "year", "series", "value", "unit"]].to_dict("records"),
                source_id=sid, vintage=vintage)


def _num(cell: str, path: Path, line: int, col: str, row: str) -> float | None:
    s = str(cell).strip().replace(",", "")
    if s == "" or s.upper() == "NA":
        return None
    try:
        return float(s)
    except ValueError:
        raise SourceFormatError(f"{path}: line {line}, column {col} ({row}): {cell!r} is not a number") from None


def read_gcam_wide(path: Path) -> tuple[list[int], list[tuple[int, str, dict[int, tuple[float, str] | None]]]]:
    """Read a gcam-china wide CSV (``#`` comment lines, then ``name,year,year,...``).

    Returns the header years and a list of (line, row name, {year: (value, cell text) or None}).
    """
    require(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    start = next((i for i, r in enumerate(lines) if r and not r[0].startswith("#")), None)
    if start is None:
        raise SourceFormatError(f"{path}: no header line")
    header = lines[start]
    try:
        years = [int(h) for h in header[1:]]
    except ValueError:
        raise SourceFormatError(f"{path}: line {start + 1}: header {header[:4]}... must be a name then years") from None
    out = []
    for i, r in enumerate(lines[start + 1:], start=start + 2):
        if not r or not r[0].strip():
            continue
        if len(r) != len(header):
            raise SourceFormatError(f"{path}: line {i} ({r[0]}) has {len(r)} fields, header has {len(header)}")
        name = r[0].strip()
        vals = {}
        for y, c in zip(years, r[1:]):
            v = _num(c, path, i, str(y), name)
            vals[y] = None if v is None else (v, c.strip())
        out.append((i, name, vals))
    return years, out


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------

def build_expenditure(src: Path) -> Table:
    frames, series, exclusions, sources = [], {}, [], []
    for spec in expenditure_specs():
        frames.append(_page_table(src, spec, series, exclusions))
        sources.append(spec.source)
    return Table(
        name="provincial_grp_expenditure",
        title="GRP by expenditure approach and its components, by province (100 million yuan)",
        description=(
            "Gross regional product by expenditure approach with final consumption (household: rural/urban; "
            "government), gross capital formation (GFCF, inventories), net outflow of goods and services and the "
            "consumption/investment rates, as printed in each publication: NBS China Statistical Yearbook tables "
            "by region for 1998, 1999, 2006, 2007, 2008 (page copies cut off before the last provinces), the "
            "final-consumption (1998, 1999, 2008) and GCF (2008) composition tables, Qinghai YB 2020 (2000-2019, "
            "revised after the 4th economic census), Hunan YB 2009 (consumption side 1978-2004) and two "
            "secondary mirrors (Tianjin, Guangdong 2014-2017). One source_id per published table and one vintage "
            "per edition: vintages are never spliced (Qinghai 2007 GRP is 783.61 in CSY 2008 and 720.06 in "
            "Qinghai YB 2020). Net outflow includes inter-provincial trade: it is not the foreign balance. "
            "Yunnan 2008 (CSY 2009, a repeat of 2007) and cells cut off by the page copies are in exclusions."),
        rows=pd.concat(frames, ignore_index=True),
        sources=sources,
        series=list(series.values()),
        exclusions=exclusions,
    )


GDP_RAW_SOURCE = Source(
    id="gcam_cnki_grp_first_published",
    title="Nominal GRP by province, first-published NBS figures (GDP_raw.csv, 'CNKI data extractor': China "
          "Statistical Yearbooks and the China Compendium of Statistics 1949-2008)",
    publisher="National Bureau of Statistics of China (compiled by the GCAM-China authors via the CNKI data extractor)",
    table="gcam-china input/gcamdata/inst/extdata/gcam-china/GDP_raw.csv, 地区生产总值, 亿元",
    address="https://github.com/umd-cgs/gcam-china (input/gcamdata/inst/extdata/gcam-china/GDP_raw.csv)",
    raw_files=[f"{GCAM}/GDP_raw.csv"],
    vintage="first published (NBS yearbooks, before the census revisions)",
    licence=NBS_LICENCE,
    trust="MEDIUM",
    via="GitHub umd-cgs/gcam-china @99a28acd (text transcription of the file at that commit)",
    notes=("1978-2009 match the originally published NBS figures (Guangdong 2009 = 39,482.56; Tibet 2007 = "
           "341.43): kept. 2010-2019 are NOT NBS GRP (Guangdong 2010 = 57,470.17 against 46,013.06 official): "
           "excluded cell by cell. 1975-1977 are outside the span PROVENANCE verifies: excluded. The national "
           "row is national GDP in later revised vintages (not first-published): excluded. The authors' sum and "
           "difference rows are their own computations, not published cells: skipped."),
)

NATIONAL_GDP_REASON = ("National row of GDP_raw.csv is NBS national GDP in later revised vintages (e.g. 1978 = 3645.2, "
                       "2008 = 319244.6 = the post-4th-census revision; first published 2008 was about 300,670), not "
                       "the first-published vintage of the provincial rows; use the national tables for national GDP.")
POST_2009_REASON = ("GDP_raw.csv values from 2010 on are not NBS GRP (PROVENANCE: Guangdong 2010 = 57,470.17 against "
                    "the official 46,013.06; provincial sums up to 124,000 above the national total).")
PRE_1978_REASON = ("Before 1978: outside 1978-2009, the span PROVENANCE verifies against first-published NBS figures "
                   "(the authors' difference row shows an unexplained provincial-sum gap of 214-311).")


def build_first_published(src: Path) -> Table:
    path = src / GCAM / "GDP_raw.csv"
    _years, data = read_gcam_wide(path)
    recs, exclusions, seen = [], [], set()
    sid = GDP_RAW_SOURCE.id
    for line, name, vals in data:
        if name.lower() in {"sum", "difference"}:
            continue  # the GCAM authors' own sum and difference rows
        geo = provinces.code_of(name, allow_national=True, context=f"{path.name} line {line}")
        if geo in seen:
            raise SourceFormatError(f"{path}: line {line}: {name} appears twice")
        seen.add(geo)
        for y, cell in vals.items():
            if cell is None:
                continue
            v, printed = cell
            if geo == provinces.NATIONAL_CODE:
                exclusions.append(Exclusion(sid, geo, y, "grp", printed, NATIONAL_GDP_REASON))
            elif y >= 2010:
                exclusions.append(Exclusion(sid, geo, y, "grp", printed, POST_2009_REASON))
            elif y < 1978:
                exclusions.append(Exclusion(sid, geo, y, "grp", printed, PRE_1978_REASON))
            else:
                recs.append({"geo_code": geo, "year": y, "series": "grp", "value": v, "unit": "亿元"})
    missing = set(provinces.CODES) - seen
    if missing:
        raise SourceFormatError(f"{path}: provinces missing: {sorted(missing)}")
    return Table(
        name="provincial_grp_first_published",
        title="Nominal GRP by province, first-published vintage, 1978-2009 (100 million yuan)",
        description=("Gross regional product at current prices as first published by NBS (China Statistical "
                     "Yearbooks), before the economic-census revisions; a different vintage from the latest NBS "
                     "GRP series. 2010-2019 values of the file are not NBS GRP and are excluded; no national row "
                     "(the file's national row is a later revised vintage)."),
        rows=rows(recs, source_id=sid, vintage=GDP_RAW_SOURCE.vintage),
        sources=[GDP_RAW_SOURCE],
        series=[SeriesInfo("grp", "亿元",
                           "Gross regional product (地区生产总值), current prices, as first published (before census "
                           "revisions). Provincial sums exceed national GDP from the early 2000s.",
                           sid, GDP_RAW_SOURCE.vintage)],
        exclusions=exclusions,
    )


COMPENDIUM_SOURCE = Source(
    id="nbs_compendium60_population",
    title="Year-end population by province, 1975-2008, China Compendium of Statistics 1949-2008 (新中国六十年统计资料汇编)",
    publisher="National Bureau of Statistics of China",
    table="China Compendium of Statistics 1949-2008, provincial chapters, 年末总人口 (万人), as transcribed in gcam-china",
    address="https://github.com/umd-cgs/gcam-china (input/gcamdata/inst/extdata/gcam-china/China_Compendium_of_Statistics.csv)",
    raw_files=[f"{GCAM}/China_Compendium_of_Statistics.csv"],
    vintage="China Compendium of Statistics 1949-2008",
    licence=NBS_LICENCE,
    trust="MEDIUM-HIGH",
    via="GitHub umd-cgs/gcam-china @99a28acd (text transcription, reproduces the authors' sum/Difference rows)",
    notes=("Series breaks in the source: Chongqing is shown separately (Sichuan without Chongqing) for the whole "
           "span, including before Chongqing became a province in 1997; Sichuan, Guizhou, Guangxi, Anhui, Henan "
           "and others drop in 2005 with the switch from registered to resident population. The authors' sum "
           "and Difference rows are skipped."),
)
HUNAN_POP_SOURCE = Source(
    id="hunan_yb2009_t18_3",
    title="Total population and employed persons by province (2008) / 各省(市、区)总人口和从业人员(2008年), "
          "Hunan Statistical Yearbook 2009 appendix table 18-3",
    publisher="Hunan Provincial Bureau of Statistics (reprinting NBS figures)",
    table="Hunan Statistical Yearbook 2009, table 18-3",
    address="http://222.240.193.190/09tjnj/data/18-3.htm",
    raw_files=[f"{YP}/HunanYB2009_18-3_population-by-province_2008.csv",
               f"{YP}/HunanYB2009_18-3_population-by-province_2008.txt"],
    vintage="Hunan YB 2009 (2008 year-end, first published)",
    licence="Official statistics (NBS, reprinted by the Hunan Provincial Bureau of Statistics); cite NBS.",
    trust="HIGH",
    notes=("National total + Beijing..Tibet (26); page copy cut off after Tibet, Shaanxi..Xinjiang absent. Only "
           "total population is used here (birth/death/natural-growth rates and employment are not). Resident "
           "population (Shanghai 1888, Tianjin 1176, against the Compendium's 1391.04 and 968.87)."),
)
CHINAORG_POP_SOURCE = Source(
    id="chinaorgcn_population_2000_2006",
    title="Population by region 2000-2006 (china.org.cn Japanese, 17th Party Congress data series)",
    publisher="china.org.cn (reprinting China Statistical Yearbook figures)",
    table="各地域の人口 (単位:万人), 2000-2006",
    address="http://japanese.china.org.cn/politics/txt/2007-09/07/content_8836101.htm",
    raw_files=[f"{YP}/SECONDARY_chinaorgcn-ja_population-by-region_2000-2006.csv",
               f"{YP}/SECONDARY_chinaorgcn-ja_population-by-region_2000-2006.txt"],
    vintage="china.org.cn 2007-09 (CSY figures as printed at the time)",
    licence="News-site table of official statistics; cite NBS and china.org.cn.",
    trust="LOW-MEDIUM",
    secondary=True,
    via="japanese.china.org.cn",
    notes=("Not a yearbook page. National + Beijing..Shaanxi (27) for 2000-2006; Gansu 2000-2002 only (2003 cut at "
           "'260'); cut off after Gansu. Mixed registered/resident population as CSY printed it at the time "
           "(Guangdong 2000: 7707 here against 8650 resident)."),
)


#: other columns of Hunan YB 2009 table 18-3, not used here
HUNAN_18_3_UNUSED = frozenset({"birth_rate", "death_rate", "natural_growth_rate", "employed_persons"})


def build_population(src: Path) -> Table:
    recs, exclusions = [], []
    # Compendium
    path = src / GCAM / "China_Compendium_of_Statistics.csv"
    _years, data = read_gcam_wide(path)
    seen = set()
    for line, name, vals in data:
        if name.lower() in {"sum", "difference"}:
            continue
        geo = provinces.code_of(name, allow_national=True, context=f"{path.name} line {line}")
        if geo in seen:
            raise SourceFormatError(f"{path}: line {line}: {name} appears twice")
        seen.add(geo)
        for y, cell in vals.items():
            if cell is not None:
                recs.append({"geo_code": geo, "year": y, "value": cell[0], "source_id": COMPENDIUM_SOURCE.id,
                             "vintage": COMPENDIUM_SOURCE.vintage})
    missing = (set(provinces.CODES) | {provinces.NATIONAL_CODE}) - seen
    if missing:
        raise SourceFormatError(f"{path}: rows missing for {sorted(missing)}")
    # Hunan YB 2009 appendix, and china.org.cn (secondary)
    for source, rel, cut in [
            (HUNAN_POP_SOURCE, f"{YP}/HunanYB2009_18-3_population-by-province_2008.csv", []),
            (CHINAORG_POP_SOURCE, f"{YP}/SECONDARY_chinaorgcn-ja_population-by-region_2000-2006.csv",
             [("Gansu", 2003, "260")] + [("Gansu", y, "") for y in (2004, 2005, 2006)])]:
        df = read_page_csv(src / rel, skip=HUNAN_18_3_UNUSED)
        df = df[df["series"] == "population_year_end"]
        if df.empty or set(df["unit"]) != {"万人"}:
            raise SourceFormatError(f"{src / rel}: no total_population_year_end rows in 10 000 persons")
        for prov, y, frag in cut:
            geo = provinces.code_of(prov)
            if ((df["geo_code"] == geo) & (df["year"] == y)).any():
                raise SourceFormatError(f"{src / rel}: {prov} {y} present, but PROVENANCE says it is cut off")
            exclusions.append(Exclusion(source.id, geo, y, "population_year_end", "",
                                        CUT + (f" (the copy ends in a partial number '{frag}', dropped)" if frag else "")))
        for r in df.itertuples():
            recs.append({"geo_code": r.geo_code, "year": r.year, "value": r.value, "source_id": source.id,
                         "vintage": source.vintage})
    desc = DESCRIPTIONS["population_year_end"]
    series = [
        SeriesInfo("population_year_end", "万人",
                   desc + " China Compendium of Statistics 1949-2008. Breaks: Chongqing shown separately from "
                   "Sichuan throughout (also before 1997); from 2005 most provinces switch from registered "
                   "(户籍/de jure) to resident (常住) population (Sichuan 8595.3 in 2004, 8212 in 2005), while "
                   "Tianjin and Shanghai stay far below their resident population (2008: 968.87 and 1391.04). "
                   "000000 = the official national total (includes the armed forces, so provinces sum short).",
                   COMPENDIUM_SOURCE.id, COMPENDIUM_SOURCE.vintage),
        SeriesInfo("population_year_end", "万人",
                   desc + " 2008, as reprinted in Hunan YB 2009 appendix 18-3 (2009 vintage, before the 7th-census "
                   "revision); resident population. 000000 = national total.",
                   HUNAN_POP_SOURCE.id, HUNAN_POP_SOURCE.vintage),
        SeriesInfo("population_year_end", "万人",
                   desc + " 2000-2006, secondary (china.org.cn table of CSY figures); mixed registered/resident "
                   "population as printed at the time. 000000 = national total.",
                   CHINAORG_POP_SOURCE.id, CHINAORG_POP_SOURCE.vintage),
    ]
    return Table(
        name="provincial_population",
        title="Year-end population by province, older vintages 1975-2008 (10,000 persons)",
        description=("Year-end population from the China Compendium of Statistics 1949-2008 (1975-2008), the Hunan "
                     "YB 2009 appendix (2008) and a secondary china.org.cn table (2000-2006). Each is its own "
                     "vintage; the registered-to-resident switch around 2005 is a break, not growth. The latest "
                     "NBS population series is in provincial_population_nbs."),
        rows=rows(recs, series="population_year_end", unit="万人"),
        sources=[COMPENDIUM_SOURCE, HUNAN_POP_SOURCE, CHINAORG_POP_SOURCE],
        series=series,
        exclusions=exclusions,
    )


WIND_SOURCE = Source(
    id="wind_gfcf_by_province",
    title="Gross fixed capital formation by province (<省>:资本形成总额:固定资本形成总额), Wind export",
    publisher="National Bureau of Statistics of China and provincial bureaus (compiled by Wind)",
    table="固定资本形成总额2018.xlsx, Sheet1: one column per province, Excel date serials (year ends) in column A",
    address="https://github.com/common2016/CapitalStock (data-raw/src_data/固定资本形成总额2018.xlsx)",
    raw_files=[f"{CAPSTOCK}/固定资本形成总额2018.xlsx"],
    vintage="Wind export with data to 2018 (CHNCapitalStock @35640d3)",
    licence="Official statistics compiled by Wind Information; cite NBS/provincial bureaus.",
    trust="MEDIUM",
    secondary=True,
    via="GitHub common2016/CapitalStock (CRAN package CHNCapitalStock) @35640d38",
    notes=("Wind's compilation of NBS and provincial figures, one step removed from the original. First year "
           "varies by province (1949-1952, 1978 or 1993). The 2018 row has only Beijing, Jiangxi and Hunan. "
           "Spot check: Jiangsu 2016 = 32,254.56."),
)
HIST_SOURCE = Source(
    id="capitalstock_gfcf_1952_1995",
    title="Gross fixed capital formation and its index by province, 1952-1995 (各地区固定资本生产总额及指数)",
    publisher="National Bureau of Statistics of China (compiled by the CHNCapitalStock author; source not stated)",
    table="各地区固定资本生产总额及指数.xlsx, sheet 1: 固定资本形成总额（亿元）, 固定资产形成总额指数（%）; layout as in "
          "《中国国内生产总值核算历史资料1952-1995》",
    address="https://github.com/common2016/CapitalStock (data-raw/src_data/各地区固定资本生产总额及指数.xlsx)",
    raw_files=[f"{CAPSTOCK}/各地区固定资本生产总额及指数.xlsx"],
    vintage="1952-1995 table as compiled in CHNCapitalStock @35640d3",
    licence="Official statistics compiled by a package author; cite NBS.",
    trust="MEDIUM",
    secondary=True,
    via="GitHub common2016/CapitalStock (CRAN package CHNCapitalStock) @35640d38",
    notes=("30 provinces (Chongqing missing before 1996; Guangdong 1978-1995 only). Author's notes: Hainan 1952-86 "
           "from Hainan YB 1987 with gaps filled by five-year-plan averages; Beijing 1952 = 0.79 unexplained; "
           "Hubei and Guangdong differ from the reference series in every year."),
)


def _excel_year(cell, path: Path, row: int) -> int:
    v = cell.value
    if isinstance(v, dt.datetime):
        d = v
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        d = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(v))
    else:
        raise SourceFormatError(f"{path}: cell A{row}: {v!r} is not an Excel date (year end)")
    if (d.month, d.day) != (12, 31):
        raise SourceFormatError(f"{path}: cell A{row}: {d.date()} is not a year end (12-31)")
    return d.year


def build_gfcf(src: Path) -> Table:
    recs = []
    # Wind export
    path = require(src / CAPSTOCK / "固定资本形成总额2018.xlsx")
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    grid = list(ws.iter_rows())
    header = [c.value for c in grid[0]]
    if header[0] != "指标名称":
        raise SourceFormatError(f"{path}: cell A1 is {header[0]!r}, expected '指标名称'")
    cols = {}
    for j, h in enumerate(header[1:], start=1):
        parts = str(h).split(":")
        if len(parts) != 3 or parts[1:] != ["资本形成总额", "固定资本形成总额"]:
            raise SourceFormatError(f"{path}: column {j + 1} header {h!r} is not '<省>:资本形成总额:固定资本形成总额'")
        cols[j] = provinces.code_of(parts[0], context=f"{path.name} column {j + 1}")
    for row in grid[1:]:
        if all(c.value is None for c in row):
            continue
        rnum = row[0].row
        year = _excel_year(row[0], path, rnum)
        for j, geo in cols.items():
            v = row[j].value if j < len(row) else None
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            if not isinstance(v, (int, float)):
                raise SourceFormatError(f"{path}: row {rnum}, column {j + 1} ({header[j]}): {v!r} is not a number")
            recs.append({"geo_code": geo, "year": year, "series": "gross_fixed_capital_formation", "value": float(v),
                         "unit": "亿元", "source_id": WIND_SOURCE.id, "vintage": WIND_SOURCE.vintage})
    # 1952-1995 historical sheet
    path = require(src / CAPSTOCK / "各地区固定资本生产总额及指数.xlsx")
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = list(next(it))
    expect = ["省份", "年份", "固定资本形成总额（亿元）", "固定资产形成总额指数（%）"]
    if header[:4] != expect:
        raise SourceFormatError(f"{path}: sheet 1 header {header[:4]}, expected {expect}")
    for rnum, r in enumerate(it, start=2):
        if r is None or all(x is None for x in r[:4]):
            continue
        prov, year, gfcf, idx = r[:4]
        geo = provinces.code_of(str(prov), context=f"{path.name} sheet 1 row {rnum}")
        if not isinstance(year, (int, float)) or year % 1:
            raise SourceFormatError(f"{path}: sheet 1 row {rnum} ({prov}): year {year!r} is not a whole year")
        for ser, unit, v, col in (("gross_fixed_capital_formation", "亿元", gfcf, "C"),
                                  ("gfcf_index_1952_100", "指数", idx, "D")):
            if v is None:
                continue
            if not isinstance(v, (int, float)):
                raise SourceFormatError(f"{path}: sheet 1 cell {col}{rnum} ({prov} {year}): {v!r} is not a number")
            recs.append({"geo_code": geo, "year": int(year), "series": ser, "value": float(v), "unit": unit,
                         "source_id": HIST_SOURCE.id, "vintage": HIST_SOURCE.vintage})
    return Table(
        name="provincial_gfcf",
        title="Gross fixed capital formation by province, 1949-2018 (100 million yuan), and its 1952-based index",
        description=("GFCF (expenditure approach) by province from two compilations: a Wind export of NBS and "
                     "provincial figures (first year 1949-1993 depending on the province, to 2017; 2018 for three "
                     "provinces) and a 1952-1995 historical table with a GFCF index (1952 = 100). Both are "
                     "secondary compilations (MEDIUM trust) and are kept apart by source_id."),
        rows=rows(recs),
        sources=[WIND_SOURCE, HIST_SOURCE],
        series=[
            SeriesInfo("gross_fixed_capital_formation", "亿元",
                       DESCRIPTIONS["gross_fixed_capital_formation"] + " Wind series <省>:资本形成总额:固定资本形成总额. "
                       "2018: Beijing, Jiangxi and Hunan only.", WIND_SOURCE.id, WIND_SOURCE.vintage),
            SeriesInfo("gross_fixed_capital_formation", "亿元",
                       DESCRIPTIONS["gross_fixed_capital_formation"] + " 1952-1995 historical accounts (30 provinces, "
                       "no Chongqing).", HIST_SOURCE.id, HIST_SOURCE.vintage),
            SeriesInfo("gfcf_index_1952_100", "指数",
                       "Index of gross fixed capital formation (固定资产形成总额指数), 1952 = 100, as printed (header "
                       "unit '%'); presumably at comparable prices (volume).", HIST_SOURCE.id, HIST_SOURCE.vintage),
        ],
    )


def build(src: Path) -> list[Table]:
    tables = [build_expenditure(src), build_first_published(src), build_population(src), build_gfcf(src)]
    for t in tables:
        for info in t.series:
            info.label = info.label or label(info.series)
    return tables
