"""Provincial public finance: local general public budget expenditure (and a few revenue points).

Raw files (see each folder's PROVENANCE.md):

* ``fiscal/RenJiyi163__panel_data_analysis_for_thesis/一般公共预算等.xls``: expenditure, 31
  provinces, 2005-2024 (一般公共预算支出 2007-2024; 财政支出 2005-2006, the older name of the same
  budgetary concept). Rows are located by their indicator text, not by position.
* ``fiscal/huhuaping__techme/data-tidy/<year>.xlsx``: China Statistical Yearbook table 7-6,
  2010-2023: total (合计) and the education, science & technology and agriculture-forestry-water
  functions; 2019-2023 files also carry the all-local total (全国 = 地方合计).
* ``fiscal/huhuaping__techme/raw/02-public-budget/``: the yearbook files themselves; only the
  total column of the readable ones (2020, 2021, 2023 data) is kept, as a cross-check. The
  2019, 2022 and second 2023 ``.xls`` files are password-protected BIFF (need msoffcrypto): skipped.
* ``yearbook_pages/``: CSY 2002 table 8-19 (2001 revenue, official, 万元) and two SECONDARY
  tables (2000-2006 expenditure, 2015 revenue).

Secondary numbers get their own series names (suffix ``_secondary``) so that a chapter asking
for ``local_budget_expenditure`` never receives a mirror's rounded figure unknowingly. Totals
over all provinces (地方合计) are at geo ``000000`` under ``*_all_local`` series: they are the
sum of local budgets, not China's total (central + local) budget.
"""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import xlrd

from helpers import provinces
from .core import SeriesInfo, Source, SourceFormatError, Table, page_csv, require

NAT = provinces.NATIONAL_CODE

RENJIYI = "fiscal/RenJiyi163__panel_data_analysis_for_thesis/一般公共预算等.xls"
TECHME_DIR = "fiscal/huhuaping__techme/data-tidy"
TECHME_YEARS = range(2010, 2024)
RAW_DIR = "fiscal/huhuaping__techme/raw/02-public-budget"
RAW_FILES = {2020: "raw-2020.xls", 2021: "raw-2021.xls", 2023: "raw-2023.xlsx"}
RAW_ENCRYPTED = ["raw-2019.xls", "raw-2022.xls", "raw-2023.xls", "../01-public-income/raw-2019.xls"]
CHINAORG = "yearbook_pages/SECONDARY_chinaorgcn-ja-mirror_local-fiscal-expenditure_2000-2006.csv"
CSY2002 = "yearbook_pages/CSY2002e_8-19_fiscal-revenue_2001.csv"
DFCZYJ = "yearbook_pages/SECONDARY_dfczyj_local-budget-revenue-by-region_2015.csv"

V_RENJIYI = "RenJiyi163 thesis compilation @e6d65372 (2026-03-15)"
V_TECHME = "CSY editions 2011-2024 table 7-6, via techme @9ad60a19"
V_RAW = {2020: "CSY 2021 table 7-6", 2021: "CSY 2022 table 7-6", 2023: "CSY 2024 table 7-6"}
V_CHINAORG = "china.org.cn 17th Party Congress data series, 2007-09 (mirror)"
V_CSY2002 = "CSY 2002 (English) table 8-19"
V_DFCZYJ = "地方财政研究 2016 No. 3 (published 2016-04-07)"

#: RenJiyi indicator text (before the unit) -> note on the concept
RENJIYI_INDICATORS = {"一般公共预算支出": "2007-2024", "财政支出": "2005-2006"}

#: techme chn_block4 -> (series for provinces, series for the all-local total)
TECHME_ITEMS = {
    "合计": ("local_budget_expenditure", "local_budget_expenditure_all_local"),
    "教育": ("local_expenditure_education", "local_expenditure_education_all_local"),
    "科学技术": ("local_expenditure_science_technology", "local_expenditure_science_technology_all_local"),
    "农林水": ("local_expenditure_agriculture_forestry_water",
             "local_expenditure_agriculture_forestry_water_all_local"),
}
TECHME_COLUMNS = ["province", "year", "chn_block4", "value", "units", "variables"]
ALL_LOCAL_NAMES = {"全国", "地方合计", "local total (all provinces)", "全国地方"}

XPCC_NOTE = ("Xinjiang from 2022 includes the Xinjiang Production and Construction Corps (yearbook note "
             "'由于体制调整,2022年起新疆数据包含新疆生产建设兵团'): a break between 2021 and 2022.")
CONCEPT_NOTE = ("Budgetary expenditure of the provincial-level region and all governments below it. The 2007 "
                "reform of the budget classification changed the functional breakdown; the name changed from "
                "地方财政一般预算支出 to 一般公共预算支出 in 2015 (budget law).")


def _geo(name: str, context: str) -> str:
    n = re.sub(r"\s+", "", str(name))
    if n.lower() in ALL_LOCAL_NAMES:
        return NAT
    return provinces.code_of(n, context=context)


def _num(v, context: str) -> float:
    try:
        return float(str(v).replace(",", "").strip())
    except ValueError:
        raise SourceFormatError(f"{context}: {v!r} is not a number") from None


# ---------------------------------------------------------------- RenJiyi163 (xls)

def parse_renjiyi(grid: list[list], name: str) -> pd.DataFrame:
    """Parse the RenJiyi163 sheet (list of rows of cell values). ``name`` is used in errors."""
    if not grid:
        raise SourceFormatError(f"{name}: sheet is empty")
    header = grid[0]
    year_cols = {}
    for j, v in enumerate(header):
        if isinstance(v, float) and v.is_integer() and 1990 <= v <= 2100:
            year_cols[j] = int(v)
    if not year_cols:
        raise SourceFormatError(f"{name}: row 1 has no year headers (expected 2005 ... 2024)")
    recs = []
    for i, row in enumerate(grid[1:], start=2):
        labels = [str(c).strip() for c in row[:3] if isinstance(c, str) and str(c).strip()]
        if not labels and all(c in ("", None) for c in row):
            continue
        indicator = None
        for lab in labels:
            base = re.split(r"[（(]", lab)[0]
            if base in RENJIYI_INDICATORS:
                indicator = lab
        if indicator is None:
            raise SourceFormatError(f"{name}: row {i}: indicator {labels!r} is not one of "
                                    f"{list(RENJIYI_INDICATORS)} (expected e.g. '一般公共预算支出（亿元）i')")
        if "亿元" not in indicator:
            raise SourceFormatError(f"{name}: row {i}: indicator {indicator!r} is not in 亿元")
        if len(row) < 4 or not str(row[3]).strip():
            raise SourceFormatError(f"{name}: row {i} (column D): no province name")
        geo = provinces.code_of(str(row[3]).strip(), context=f"{name} row {i} column D")
        for j, year in year_cols.items():
            v = row[j] if j < len(row) else ""
            if v in ("", None):
                continue
            recs.append({"geo_code": geo, "year": year,
                         "value": _num(v, f"{name} row {i} year {year} ({row[3]})"),
                         "indicator": re.split(r"[（(]", indicator)[0]})
    df = pd.DataFrame(recs)
    dup = df.duplicated(["geo_code", "year"], keep=False)
    if dup.any():
        d = df[dup].iloc[0]
        raise SourceFormatError(f"{name}: province {d.geo_code} year {d.year} appears under two indicators")
    return df


def read_renjiyi(path: Path) -> pd.DataFrame:
    try:
        book = xlrd.open_workbook(str(require(path)))
    except xlrd.XLRDError as exc:
        raise SourceFormatError(f"{path}: cannot read ({exc})") from None
    sh = book.sheet_by_index(0)
    grid = [[sh.cell_value(r, c) for c in range(sh.ncols)] for r in range(sh.nrows)]
    df = parse_renjiyi(grid, str(path))
    return pd.DataFrame({"geo_code": df["geo_code"], "year": df["year"], "quarter": pd.NA,
                         "series": "local_budget_expenditure", "value": df["value"], "unit": "亿元",
                         "source_id": "renjiyi163_local_budget_expenditure", "vintage": V_RENJIYI})


# ---------------------------------------------------------------- techme (tidy xlsx)

def read_techme(path: Path, year: int) -> pd.DataFrame:
    raw = pd.read_excel(require(path), dtype={"province": str})
    if list(raw.columns) != TECHME_COLUMNS:
        raise SourceFormatError(f"{path}: columns {list(raw.columns)}, expected {TECHME_COLUMNS}")
    recs = []
    for i, r in raw.iterrows():
        where = f"{path} line {i + 2}"
        if int(r["year"]) != year:
            raise SourceFormatError(f"{where}: year {r['year']} in the file for {year}")
        if r["units"] != "亿元":
            raise SourceFormatError(f"{where}: unit {r['units']!r}, expected 亿元")
        if r["chn_block4"] not in TECHME_ITEMS:
            raise SourceFormatError(f"{where}: item {r['chn_block4']!r}, expected one of {list(TECHME_ITEMS)}")
        if pd.isna(r["value"]):
            continue
        geo = _geo(r["province"], where)
        series = TECHME_ITEMS[r["chn_block4"]][1 if geo == NAT else 0]
        recs.append({"geo_code": geo, "year": year, "quarter": pd.NA, "series": series,
                     "value": float(r["value"]), "unit": "亿元",
                     "source_id": "techme_csy_t7_6", "vintage": V_TECHME})
    return pd.DataFrame(recs)


# ---------------------------------------------------------------- raw yearbook files (total column)

def _grid(path: Path) -> list[list]:
    if path.suffix == ".xls":
        try:
            book = xlrd.open_workbook(str(require(path)))
        except xlrd.XLRDError as exc:
            raise SourceFormatError(f"{path}: cannot read ({exc})") from None
        sh = book.sheet_by_index(0)
        return [[sh.cell_value(r, c) for c in range(sh.ncols)] for r in range(sh.nrows)]
    # read_only mode: raw-2023.xlsx names a drawing part that is absent from the archive
    wb = openpyxl.load_workbook(require(path), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # the file declares its dimension as A1
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return grid


def read_raw_total(path: Path) -> pd.DataFrame:
    """Total column (地方一般公共预算支出) of a yearbook table 7-6 file: one row per province + 地方合计."""
    grid = _grid(path)
    col = None
    for i, row in enumerate(grid[:10]):
        for j, v in enumerate(row):
            if j > 0 and isinstance(v, str) and (v.replace("\n", "").startswith("地方一般公") or v.strip() == "合计"):
                col = j
                break
        if col is not None:
            break
    if col is None:
        raise SourceFormatError(f"{path}: no column headed 地方一般公共预算支出 or 合计 in the first 10 rows")
    out, seen = [], set()
    for i, row in enumerate(grid, start=1):
        if len(seen) == 32:
            break  # the 2023 file continues with further column blocks below
        label = re.sub(r"\s+", "", str(row[0] or "")) if row else ""
        if not label:
            continue
        try:
            geo = _geo(label, f"{path} row {i}")
        except provinces.UnknownProvinceError:
            if seen:  # a row inside the block that is not a province
                raise
            continue  # title / header rows
        if geo in seen:
            raise SourceFormatError(f"{path} row {i}: {label} appears twice")
        seen.add(geo)
        out.append({"geo_code": geo, "value": _num(row[col], f"{path} row {i} ({label})")})
    if len(seen) != 32:
        raise SourceFormatError(f"{path}: found {len(seen)} of 32 rows (31 provinces + 地方合计)")
    return pd.DataFrame(out)


# ---------------------------------------------------------------- yearbook page CSVs

def _page_csv(path: Path, wanted: dict[str, tuple[str, str, str]], unit_as_printed: str,
              source_id: str, vintage: str) -> pd.DataFrame:
    """``wanted``: CSV series -> (province series, all-local series, unit symbol)."""
    raw = page_csv(path)
    recs = []
    for i, r in raw.iterrows():
        if r["series"] not in wanted:
            continue
        where = f"{path} line {i + 2}"
        prov_series, nat_series, unit = wanted[r["series"]]
        if r["unit"] != unit_as_printed:
            raise SourceFormatError(f"{where}: unit {r['unit']!r}, expected {unit_as_printed!r}")
        name = re.sub(r"\s*\(.*\)$", "", r["province"]) if r["province"].startswith("National") else r["province"]
        geo = NAT if name.lower() in ("national total", "local total (all provinces)") else \
            provinces.code_of(name, context=where)
        recs.append({"geo_code": geo, "year": int(r["year"]), "quarter": pd.NA,
                     "series": nat_series if geo == NAT else prov_series,
                     "value": _num(r["value"], where), "unit": unit, "source_id": source_id, "vintage": vintage})
    if not recs:
        raise SourceFormatError(f"{path}: none of the series {list(wanted)} found")
    return pd.DataFrame(recs)


# ---------------------------------------------------------------- sources

def sources() -> dict[str, Source]:
    s = {}
    s["renjiyi163_local_budget_expenditure"] = Source(
        id="renjiyi163_local_budget_expenditure",
        title="Local general public budget expenditure by province, 2005-2024 (一般公共预算支出 / 财政支出)",
        publisher="National Bureau of Statistics of China (compiled from a statistics database by a thesis author)",
        table="一般公共预算支出（亿元）2007-2024; 财政支出（亿元）2005-2006; database not stated (EPS/CNKI style)",
        address="https://github.com/RenJiyi163/panel_data_analysis_for_thesis/blob/e6d65372ec36319dd3d838f5c5e12841f7c77f26/一般公共预算等.xls",
        raw_files=[RENJIYI], vintage=V_RENJIYI,
        licence="Official statistics (NBS / Ministry of Finance); repository MIT. Cite the NBS yearbook.",
        trust="MEDIUM-HIGH", via="GitHub RenJiyi163/panel_data_analysis_for_thesis @e6d65372",
        notes=("Equals the yearbook-based techme values for all 434 province-years 2010-2023 (0 mismatches at "
               "0.01). 2005-2006 are printed under the old name 财政支出 (same budgetary concept). " + XPCC_NOTE))
    s["techme_csy_t7_6"] = Source(
        id="techme_csy_t7_6",
        title="General public budget expenditure by region, total and selected functions (CSY table 7-6), 2010-2023",
        publisher="National Bureau of Statistics of China (China Statistical Yearbook, data from the Ministry of Finance)",
        table="China Statistical Yearbook 7-6 分地区一般公共预算支出, editions 2011-2024; 亿元",
        address="https://github.com/huhuaping/techme/tree/9ad60a190dec4a56953da9c478d42cd44c80762a/data-raw/data-tidy/nation-yearbook/part07-finance/02-public-budget",
        raw_files=[f"{TECHME_DIR}/{y}.xlsx" for y in TECHME_YEARS], vintage=V_TECHME,
        licence="Official statistics (NBS); R package techme MIT. Cite the China Statistical Yearbook.",
        trust="MEDIUM-HIGH", via="GitHub huhuaping/techme (R data package, tidied yearbook tables)",
        notes=("Functions kept: 教育 education, 科学技术 science & technology, 农林水 agriculture-forestry-water. "
               "2010-2018 values carry 4 decimals as in the yearbook files. 全国 rows (2019-2023) = 地方合计; the "
               "31 provinces add up to them within 0.03. " + XPCC_NOTE))
    for year, fname in RAW_FILES.items():
        ed = V_RAW[year]
        sid = f"nbs_csy{int(ed.split()[1])}_t7_6"
        s[sid] = Source(
            id=sid, title=f"General public budget expenditure by region ({year}), total column",
            publisher="National Bureau of Statistics of China (China Statistical Yearbook)",
            table=f"{ed} 分地区一般公共预算支出 ({year}年), column 地方一般公共预算支出; 亿元",
            address="https://www.stats.gov.cn/sj/ndsj/",
            raw_files=[f"{RAW_DIR}/{fname}"], vintage=ed,
            licence="Official statistics (NBS); cite the China Statistical Yearbook.",
            trust="HIGH", via="GitHub huhuaping/techme data-raw (yearbook file as downloaded)",
            notes=("Only the total column is kept, as a cross-check of the tidy series. Password-protected "
                   "BIFF files in the same folder (raw-2019.xls, raw-2022.xls, raw-2023.xls and "
                   "01-public-income/raw-2019.xls, the only provincial revenue table) were skipped: "
                   "xlrd refuses them and msoffcrypto-tool is not installed."
                   + (" raw-2021.xlsx is a second copy of the same table (checked equal in the tests)." if year == 2021 else "")
                   + (" " + XPCC_NOTE if year == 2023 else "")))
    s["chinaorgcn_local_fiscal_expenditure"] = Source(
        id="chinaorgcn_local_fiscal_expenditure",
        title="Local fiscal expenditure by region, 2000-2006 (各地域の財政支出), SECONDARY mirror",
        publisher="china.org.cn (Japanese), data from the China Statistical Yearbook; copy on an unidentified mirror",
        table="各地域の財政支出 (17th Party Congress data series); 億元, 1 decimal",
        address="http://lbxysyl.com/politics/archive/17da/2007-09/07/content_8834403.htm",
        raw_files=[CHINAORG], vintage=V_CHINAORG,
        licence="Mirror of a china.org.cn page; cite the China Statistical Yearbook.",
        trust="SECONDARY", secondary=True, via="unidentified mirror of japanese.china.org.cn",
        notes=("Local total + 23 provinces (Beijing ... Chongqing; Sichuan 2000-2005 only): the page copy is cut "
               "off before Sichuan 2006. Rounded to 0.1. Fallback for 2000-2004 and cross-check for 2005-2006."))
    s["nbs_csy2002e_t8_19"] = Source(
        id="nbs_csy2002e_t8_19",
        title="Final Statement of Government Revenue by Region (2001), total revenue",
        publisher="National Bureau of Statistics of China (China Statistical Yearbook 2002, English)",
        table="CSY 2002 table 8-19; 10 000 yuan (万元)",
        address="https://www.stats.gov.cn/english/Statisticaldata/yearlydata/YB2002e/htm/H0819e.htm",
        raw_files=[CSY2002], vintage=V_CSY2002,
        licence="Official statistics (NBS); cite the China Statistical Yearbook.", trust="HIGH",
        notes=("National total + Beijing, Tianjin, Hebei, Shanxi (the page copy is cut off inside Shanxi's row). "
               "The 27 printed components of the Total row add to the printed total 78032999. Only total "
               "revenue is kept: provincial rows leave blank cells, so components cannot be placed reliably."))
    s["dfczyj_local_revenue_2015"] = Source(
        id="dfczyj_local_revenue_2015",
        title="2015 local general public budget revenue and GDP by region, SECONDARY journal compilation",
        publisher="《地方财政研究》 (Local Finance Research) 2016 No. 3, compiling MOF/NBS figures",
        table="2015年全国各地区一般公共预算收入与GDP相关关系; 亿元, 1 decimal",
        address="http://dfczyj.com/portal/dfczyj/content/detail/1713619479988",
        raw_files=[DFCZYJ], vintage=V_DFCZYJ,
        licence="Journal data page; cite the journal and the Ministry of Finance.",
        trust="SECONDARY", secondary=True, via="dfczyj.com",
        notes=("All-local total + Beijing ... Hubei (17), cut off inside Hunan. Province labels were assigned in "
               "NBS order (confirmed by printed shares). GDP is the early-2016 figure before later revisions "
               "(Liaoning 28700.0). Printed shares, growth rates, ratios and elasticities are not carried "
               "(derivable, or not level data)."))
    return s


SERIES_DESC = {
    "local_budget_expenditure": "Local general public budget expenditure (地方一般公共预算支出), province total. " + CONCEPT_NOTE,
    "local_budget_expenditure_all_local": "Local general public budget expenditure, total of all regions (地方合计): "
                                          "sum of local budgets, NOT China's total (central + local) expenditure.",
    "local_expenditure_education": "Local general public budget expenditure on education (教育支出).",
    "local_expenditure_education_all_local": "Education expenditure, total of all regions (地方合计).",
    "local_expenditure_science_technology": "Local general public budget expenditure on science and technology (科学技术支出).",
    "local_expenditure_science_technology_all_local": "Science & technology expenditure, total of all regions (地方合计).",
    "local_expenditure_agriculture_forestry_water": "Local general public budget expenditure on agriculture, forestry "
                                                    "and water affairs (农林水支出).",
    "local_expenditure_agriculture_forestry_water_all_local": "Agriculture-forestry-water expenditure, total of all regions (地方合计).",
    "local_budget_expenditure_secondary": "Local fiscal expenditure (財政支出) as printed by a SECONDARY mirror, "
                                          "rounded to 0.1; not mixed into local_budget_expenditure.",
    "local_budget_expenditure_all_local_secondary": "Local fiscal expenditure, local total (地方合計), SECONDARY mirror.",
    "local_budget_revenue": "Local government revenue (final statement), total revenue (地方财政收入决算) of the region.",
    "local_budget_revenue_all_local": "Local government revenue (final statement), total of all regions: "
                                      "sum of local revenue, not China's total revenue.",
    "local_budget_revenue_secondary": "Local general public budget revenue (一般公共预算收入) as printed by a SECONDARY "
                                      "journal compilation.",
    "local_budget_revenue_all_local_secondary": "Local general public budget revenue, all-local total (全国地方), SECONDARY.",
    "local_tax_revenue_secondary": "Tax revenue within local general public budget revenue (税收收入), SECONDARY.",
    "local_tax_revenue_all_local_secondary": "Tax revenue, all-local total (全国地方), SECONDARY.",
    "grp_secondary": "GDP of the region as printed beside the 2015 revenue (early-2016 figure, before later "
                     "revisions), SECONDARY; not mixed into the official grp series.",
}


def build(src: Path) -> list[Table]:
    srcs = sources()
    frames = [read_renjiyi(src / RENJIYI)]
    frames += [read_techme(src / TECHME_DIR / f"{y}.xlsx", y) for y in TECHME_YEARS]
    for year, fname in RAW_FILES.items():
        sid = f"nbs_csy{int(V_RAW[year].split()[1])}_t7_6"
        t = read_raw_total(src / RAW_DIR / fname)
        frames.append(pd.DataFrame({
            "geo_code": t["geo_code"], "year": year, "quarter": pd.NA,
            "series": ["local_budget_expenditure_all_local" if g == NAT else "local_budget_expenditure"
                       for g in t["geo_code"]],
            "value": t["value"], "unit": "亿元", "source_id": sid, "vintage": V_RAW[year]}))
    frames.append(_page_csv(src / CHINAORG, {"local_government_expenditure": (
        "local_budget_expenditure_secondary", "local_budget_expenditure_all_local_secondary", "亿元")},
        "100 million yuan", "chinaorgcn_local_fiscal_expenditure", V_CHINAORG))
    frames.append(_page_csv(src / CSY2002, {"local_government_revenue_final_statement_total": (
        "local_budget_revenue", "local_budget_revenue_all_local", "万元")},
        "10000 yuan", "nbs_csy2002e_t8_19", V_CSY2002))
    frames.append(_page_csv(src / DFCZYJ, {
        "local_general_public_budget_revenue": ("local_budget_revenue_secondary",
                                                "local_budget_revenue_all_local_secondary", "亿元"),
        "tax_revenue": ("local_tax_revenue_secondary", "local_tax_revenue_all_local_secondary", "亿元"),
        "gdp": ("grp_secondary", "grp_secondary", "亿元")},
        "100 million yuan", "dfczyj_local_revenue_2015", V_DFCZYJ))
    rows = pd.concat(frames, ignore_index=True)

    infos = []
    for (series, sid, vintage), g in rows.groupby(["series", "source_id", "vintage"], sort=True):
        years = f"{g['year'].min()}-{g['year'].max()}" if g["year"].nunique() > 1 else str(g["year"].iloc[0])
        infos.append(SeriesInfo(series=series, unit=g["unit"].iloc[0], source_id=sid, vintage=vintage,
                                description=f"{SERIES_DESC[series]} Source {sid}, {years}."))
    return [Table(
        name="provincial_fiscal",
        title="Provincial public finance: local general public budget expenditure 2000-2024 and revenue points",
        description=("Local general public budget expenditure by province (亿元) from three copies of the official "
                     "yearbook table (a thesis compilation 2005-2024, the techme tidy tables 2010-2023 with "
                     "education, science & technology and agriculture-forestry-water, and the yearbook files "
                     "for 2020, 2021 and 2023), which agree exactly where they overlap; plus official 2001 revenue "
                     "(4 provinces, 万元) and two SECONDARY tables with their own series names (2000-2006 "
                     "expenditure, 2015 revenue). Totals over all regions (地方合计) are at 000000 under *_all_local "
                     "series. Not held: a provincial revenue panel, any transfer (中央补助) data. " + XPCC_NOTE),
        rows=rows,
        sources=[srcs[k] for k in sorted(srcs)],
        series=infos,
    )]
