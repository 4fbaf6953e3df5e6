"""Provincial revenue, central transfers and long provincial fiscal series (``fiscal_revenue/``).

Raw files (see ``fiscal_revenue/PROVENANCE.md``); three tables:

* ``provincial_transfers``: Ministry of Finance tables 中央对地方（税收返还和）转移支付分地区
  (``xonhaorun-afk__fiscal-transfer-analysis/转移支付/<year>.xlsx``), 亿元. Final accounts (决算数,
  2019-2024) are ``central_transfers``; budget (预算数, 2018-2024) ``central_transfers_budget``;
  the 2017 outturn (执行数, printed in the 2018 budget table) ``central_transfers_outturn``. The
  合计 row is at ``000000`` under ``*_all_local``. City sub-rows, 新疆生产建设兵团 and 未落实到地区数
  are exclusions.
* ``provincial_fiscal_summaries``: the provinces' own final-accounts summary tables
  (一般公共预算收支决算总表) 2014-2016, 亿元, 决算数 column: 本年收入合计, 中央补助收入, 上解中央支出,
  本年支出合计. The ``.xls`` files are BIFF protected with Excel's default password and are
  decrypted in memory with msoffcrypto-tool.
* ``provincial_fiscal_long``: NBS local general budget revenue 2017 (亿元) and 2018-2024;
  Qinghai Statistical Yearbook 2017 and 2019 table 9-1 (万元, 1957-2011); Inner Mongolia table
  8-3 (万元, 1947-2017); Xinjiang Statistical Yearbook 2012 table 7-1 via a mirror (SECONDARY,
  万元); the SECONDARY 1949-2022 compilation (万元).

NBS expenditure 2017-2024 in the same folder is the series already in ``provincial_fiscal``
(renjiyi163, equal in 247 of 248 province-years): it is not copied again; each cell is an
exclusion naming the held value.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import msoffcrypto
import openpyxl
import pandas as pd
import xlrd

from helpers import provinces
from . import fiscal
from .core import Exclusion, SeriesInfo, Source, SourceFormatError, Table, page_csv, require

NAT = provinces.NATIONAL_CODE
ROOT = "fiscal_revenue"
LPS = f"{ROOT}/lpstntw__ChinaLocalDebt"
XON = f"{ROOT}/xonhaorun-afk__fiscal-transfer-analysis"
PAGES = f"{ROOT}/provincial_yearbook_pages"
MOF_YEARS = range(2018, 2025)
NBS_REVENUE = f"{XON}/2018-2024地方财政一般公共预算收入.xlsx"
NBS_EXPENDITURE = f"{XON}/2018-2024各省地方一般公共预算支出.xlsx"
IMONG = f"{LPS}/public_finance/Inner Mongolia/2017 income breakdown inner mongolia.xls"
QINGHAI = {2017: f"{PAGES}/QinghaiYB2017_9-1_fiscal-revenue-expenditure-main-years.csv",
           2019: f"{PAGES}/QinghaiYB2019_9-1_fiscal-revenue-expenditure-main-years.csv"}
XINJIANG = f"{PAGES}/XinjiangYB2012-mirror-shahit_7-1_general-budget-revenue-expenditure-main-years.csv"
SKYWALKER = f"{ROOT}/SkywalkerSun15__regional_disparity/SECONDARY_prov_6_fiscal-expenditure-revenue-fai-by-province_1949-2022.xlsx"
EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"

#: folder name in public_finance/ (as spelled in the repository) -> province
FA_DIRS = ["Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou", "Hainan",
           "Hebei", "Heilongjiang", "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu", "Jiangxi", "Jilin",
           "Liaoning", "Ningxia", "Qinghai", "Shandong", "Shanghai", "Shannxi", "Shanxi", "Sichuan",
           "Tianjing", "Tibet", "Xinjiang", "Yunnan", "Zhejiang"]
FA_DIR_NAME = {"Shannxi": "Shaanxi", "Tianjing": "Tianjin"}
FA_FULL_2016 = {"Hebei", "Heilongjiang", "Jilin", "Liaoning", "Tianjing"}
FA_YEARS = (2014, 2015, 2016)
#: printed line (whitespace removed) -> series
FA_ITEMS = {"本年收入合计": "local_budget_revenue", "中央补助收入": "central_subsidy_revenue",
            "上解中央支出": "remittance_to_central", "本年支出合计": "local_budget_expenditure"}

V_FA = "provincial final accounts {y} (一般公共预算收支决算总表, CNKI yearbook export)"
V_MOF_BUDGET_2018 = "MOF central budget 2018: 2017 执行数 and 2018 预算数"
V_MOF = "MOF {y} central final accounts (中央对地方转移支付分地区决算表)"
V_NBS2017 = "NBS database 分省年度数据, downloaded 2019-03 (lpstntw)"
V_NBS2024 = "NBS database 分省年度数据 2018-2024, downloaded 2026 (xonhaorun-afk)"
V_QH = {2017: "Qinghai Statistical Yearbook 2017 table 9-1", 2019: "Qinghai Statistical Yearbook 2019 table 9-1"}
V_IM = "Inner Mongolia Statistical Yearbook table 8-3, edition with data to 2017 (CNKI export)"
V_XJ = "Xinjiang Statistical Yearbook 2012 table 7-1 (mirror)"
V_SKY = "SkywalkerSun15/regional_disparity prov_6 @54d547ac"

XPCC_NOTE = ("From 2022 the MOF table prints 新疆生产建设兵团 (XPCC) as its own row beside Xinjiang; the "
             "XPCC row is not added to Xinjiang (exclusion).")
SUMMARY_VS_MOF = (
    "NOT the Ministry of Finance's by-region transfer total: the provinces' own 中央补助收入 is higher "
    "(31-province sum 2015 56,954.87 vs the MOF final-accounts 55,097.51 亿元 reported for tax rebates "
    "and transfers; Sichuan 3,779.60 vs ~3,701, Henan 3,469.95 vs 3,403); neither source states why "
    "(coverage/timing of what each side books). Do not splice with central_transfers.")


# ---------------------------------------------------------------- reading files

def open_xls(path: Path) -> tuple[list[list], bool]:
    """First sheet of a BIFF ``.xls`` as a grid, decrypting Excel's default write-protection password.

    Returns (grid, was_encrypted)."""
    with open(require(path), "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        encrypted = office.is_encrypted()
        if encrypted:
            office.load_key(password=EXCEL_DEFAULT_PASSWORD)
            buf = io.BytesIO()
            try:
                office.decrypt(buf)
            except Exception as exc:  # noqa: BLE001 - msoffcrypto raises several types
                raise SourceFormatError(f"{path}: cannot decrypt with Excel's default password ({exc})") from None
            content = buf.getvalue()
        else:
            fh.seek(0)
            content = fh.read()
    try:
        book = xlrd.open_workbook(file_contents=content)
    except xlrd.XLRDError as exc:
        raise SourceFormatError(f"{path}: cannot read ({exc})") from None
    sh = book.sheet_by_index(0)
    return [[sh.cell_value(r, c) for c in range(sh.ncols)] for r in range(sh.nrows)], encrypted


def _xlsx(path: Path) -> list[list]:
    wb = openpyxl.load_workbook(require(path), read_only=True, data_only=True)
    grid = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return grid


def _clean(v) -> str:
    return re.sub(r"\s+", "", str(v if v is not None else "").replace("\xa0", " "))


def _num(v, where: str) -> float:
    try:
        return float(str(v).replace(",", "").strip())
    except ValueError:
        raise SourceFormatError(f"{where}: {v!r} is not a number") from None


def _blank(v) -> bool:
    return v is None or _clean(v) in ("", "--")


# ---------------------------------------------------------------- final-accounts summaries 2014-2016

def fa_path(src: Path, folder: str, year: int) -> Path:
    full = " full" if year == 2016 and folder in FA_FULL_2016 else ""
    return src / LPS / "public_finance" / folder / f"{year} income breakdown {folder.lower()}{full}.xls"


def parse_final_accounts(grid: list[list], name: str, year: int, geo: str) -> dict[str, float]:
    """决算数 of the FA_ITEMS lines of a 一般公共预算收支决算总表 (2014/15 single block or 2016 two blocks)."""
    title = _clean(grid[0][0]) if grid and grid[0] else ""
    zh = provinces.lookup(geo).name_zh
    if not (title.startswith(f"{year}年") and zh in title and title.endswith("决算总表")):
        raise SourceFormatError(f"{name}: row 1 title {title!r}, expected '{year}年{zh}...一般公共预算收支决算总表'")
    final_cols = {j for row in grid for j, v in enumerate(row) if _clean(v) == "决算数"}
    out = {}
    for i, row in enumerate(grid, start=1):
        for j, v in enumerate(row):
            item = _clean(v)
            if item not in FA_ITEMS:
                continue
            if j + 2 not in final_cols:
                raise SourceFormatError(f"{name} row {i}: no 决算数 column two to the right of {item}")
            if FA_ITEMS[item] in out:
                raise SourceFormatError(f"{name} row {i}: {item} appears twice")
            out[FA_ITEMS[item]] = _num(row[j + 2], f"{name} row {i} ({item}, 决算数)")
    missing = set(FA_ITEMS.values()) - set(out)
    if missing:
        raise SourceFormatError(f"{name}: lines not found: {sorted(k for k, s in FA_ITEMS.items() if s in missing)}")
    return out


def read_final_accounts(src: Path) -> pd.DataFrame:
    recs = []
    for folder in FA_DIRS:
        geo = provinces.code_of(FA_DIR_NAME.get(folder, folder))
        for year in FA_YEARS:
            path = fa_path(src, folder, year)
            grid, _ = open_xls(path)
            for series, value in parse_final_accounts(grid, str(path), year, geo).items():
                recs.append({"geo_code": geo, "year": year, "quarter": pd.NA, "series": series, "value": value,
                             "unit": "亿元", "source_id": f"provincial_final_accounts_{year}",
                             "vintage": V_FA.format(y=year)})
    return pd.DataFrame(recs)


# ---------------------------------------------------------------- MOF transfers by region

MOF_MEASURES = {"执行数": "central_transfers_outturn", "预算数": "central_transfers_budget",
                "调整预算数": "central_transfers_adjusted_budget", "决算数": "central_transfers"}
CITY_ROW = re.compile(r"^(.+?)[（(]不含(.+?)[）)]$")
CITIES = {"大连市": "210000", "宁波市": "330000", "厦门市": "350000", "青岛市": "370000", "深圳市": "440000"}


def parse_mof(grid: list[list], name: str, file_year: int) -> tuple[list[dict], list[Exclusion]]:
    hdr_i = next((i for i, r in enumerate(grid) if r and _clean(r[0]) == "地区"), None)
    if hdr_i is None:
        raise SourceFormatError(f"{name}: no header row starting with 地区")
    title = _clean(grid[0][0])
    if "分地区" not in title:
        raise SourceFormatError(f"{name}: title {title!r} is not a 分地区 transfer table")
    if not any("亿元" in _clean(c) for r in grid[:hdr_i] for c in r):
        raise SourceFormatError(f"{name}: unit 亿元 not stated above the header")
    cols = {}
    for j, h in enumerate(grid[hdr_i][1:], start=1):
        m = re.fullmatch(r"(\d{4})年(执行数|预算数|调整预算数|决算数)", _clean(h))
        if not m:
            raise SourceFormatError(f"{name}: header column {j + 1} {h!r} is not '<year>年<measure>'")
        cols[j] = (int(m.group(1)), m.group(2))
    sid = "mof_transfers_budget_2018" if file_year == 2018 else f"mof_transfers_final_{file_year}"
    vintage = V_MOF_BUDGET_2018 if file_year == 2018 else V_MOF.format(y=file_year)
    recs, excl, seen = [], [], set()
    for i, row in enumerate(grid[hdr_i + 1:], start=hdr_i + 2):
        label = _clean(row[0])
        if not label:
            continue
        where = f"{name} row {i} ({label})"
        for j, (year, measure) in cols.items():
            v = row[j] if j < len(row) else None
            if _blank(v):
                continue
            value = _num(v, where)
            series = MOF_MEASURES[measure]
            sub = CITY_ROW.match(label)
            if label == "合计":
                recs.append({"geo_code": NAT, "year": year, "series": f"{series}_all_local", "value": value,
                             "source_id": sid, "vintage": vintage})
            elif sub or label in CITIES:
                geo = provinces.code_of(sub.group(1), context=where) if sub else CITIES[label]
                excl.append(Exclusion(sid, geo, year, series, str(v),
                                      f"sub-row '{label}' of a province with a separately planned city; the "
                                      "province row (which includes the city) is kept"))
            elif label == "新疆生产建设兵团":
                excl.append(Exclusion(sid, "650000", year, series, str(v),
                                      "新疆生产建设兵团 (XPCC) row, printed beside Xinjiang and not part of it; "
                                      "no province code; counted in the 合计 (central_transfers*_all_local)"))
            elif label == "未落实到地区数":
                excl.append(Exclusion(sid, NAT, year, series, str(v),
                                      "未落实到地区数: not yet allocated to a region; counted in the 合计 "
                                      "(central_transfers*_all_local)"))
            else:
                geo = provinces.code_of(label, context=where)
                if (geo, year, measure) in seen:
                    raise SourceFormatError(f"{where}: province appears twice")
                seen.add((geo, year, measure))
                recs.append({"geo_code": geo, "year": year, "series": series, "value": value,
                             "source_id": sid, "vintage": vintage})
    for measure in {m for _, m in cols.values()} - {"调整预算数"}:
        n = len({g for g, _, m in seen if m == measure})
        if n != 31:
            raise SourceFormatError(f"{name}: {n} provinces with {measure}, expected 31")
    return recs, excl


def read_mof(src: Path) -> tuple[pd.DataFrame, list[Exclusion]]:
    recs, excl = [], []
    for y in MOF_YEARS:
        r, e = parse_mof(_xlsx(src / XON / "转移支付" / f"{y}.xlsx"), f"{XON}/转移支付/{y}.xlsx", y)
        recs += r
        excl += e
    return pd.DataFrame(recs).assign(quarter=pd.NA, unit="亿元"), excl


# ---------------------------------------------------------------- NBS revenue / expenditure exports

def parse_nbs_wide(grid: list[list], name: str, indicator: str) -> pd.DataFrame:
    if not any(_clean(r[0]) == f"指标：{indicator}(亿元)" for r in grid[:4] if r):
        raise SourceFormatError(f"{name}: rows 1-4 do not name the indicator '{indicator}(亿元)'")
    hdr_i = next((i for i, r in enumerate(grid) if r and _clean(r[0]) == "地区"), None)
    if hdr_i is None:
        raise SourceFormatError(f"{name}: no header row starting with 地区")
    years = {j: int(_clean(h).rstrip("年")) for j, h in enumerate(grid[hdr_i]) if j > 0 and h}
    recs = []
    for i, row in enumerate(grid[hdr_i + 1:], start=hdr_i + 2):
        label = _clean(row[0])
        if not label or label.startswith("注") or label.startswith("数据来源"):
            continue
        geo = provinces.code_of(label, context=f"{name} row {i}")
        for j, y in years.items():
            if not _blank(row[j]):
                recs.append({"geo_code": geo, "year": y, "value": _num(row[j], f"{name} row {i} {y}")})
    df = pd.DataFrame(recs)
    if df["geo_code"].nunique() != 31:
        raise SourceFormatError(f"{name}: {df['geo_code'].nunique()} provinces, expected 31")
    return df


def read_nbs_2017(src: Path) -> pd.DataFrame:
    recs = []
    for f in sorted((src / LPS / "NBS-2017").glob("*.xls")):
        grid, _ = open_xls(f)
        region = _clean(grid[1][0]).split("：")[-1] if len(grid) > 1 else ""
        name = f"{LPS}/NBS-2017/{f.name}"
        geo = provinces.code_of(FA_DIR_NAME.get(region, region), context=f"{name} row 2")
        if _clean(grid[3][1]) != "2017":
            raise SourceFormatError(f"{name} row 4: year column {grid[3][1]!r}, expected 2017")
        row = next((r for r in grid if str(r[0]).strip() == "Local Governments General Budgetary Revenue"
                    "(100 million yuan)"), None)
        if row is None:
            raise SourceFormatError(f"{name}: no row 'Local Governments General Budgetary Revenue(100 million yuan)'")
        recs.append({"geo_code": geo, "year": 2017, "value": _num(row[1], f"{name} revenue")})
    df = pd.DataFrame(recs)
    if sorted(df["geo_code"]) != sorted(p.code for p in provinces.PROVINCES):
        raise SourceFormatError(f"{LPS}/NBS-2017: {len(df)} files do not cover the 31 provinces once each")
    return df


def expenditure_duplicates(src: Path) -> list[Exclusion]:
    """NBS expenditure 2018-2024 = the renjiyi163 series in provincial_fiscal: one exclusion per cell."""
    held = fiscal.read_renjiyi(src / fiscal.RENJIYI).set_index(["geo_code", "year"])["value"]
    nbs = parse_nbs_wide(_xlsx(src / NBS_EXPENDITURE), NBS_EXPENDITURE, "地方财政一般公共预算支出")
    out = []
    for r in nbs.itertuples():
        h = held.get((r.geo_code, r.year))
        same = h is not None and abs(h - r.value) < 0.005
        why = ("duplicate: equals local_budget_expenditure held in provincial_fiscal (renjiyi163, same NBS "
               "series)" if same else
               f"not copied: provincial_fiscal holds local_budget_expenditure {h} (renjiyi163) for this "
               f"province-year; this NBS export prints {r.value} (unexplained difference of {r.value - h:+.2f})")
        out.append(Exclusion("nbs_fsnd_fiscal_2018_2024", r.geo_code, int(r.year), "local_budget_expenditure",
                             f"{r.value:.2f}", why))
    return out


# ---------------------------------------------------------------- yearbook tables

def read_imong(src: Path) -> pd.DataFrame:
    grid, _ = open_xls(src / IMONG)
    name = IMONG
    if not _clean(grid[0][0]).startswith("8-3地方财政分项收入") or "万元" not in _clean(grid[2][0]):
        raise SourceFormatError(f"{name}: rows 1-3 {grid[0][0]!r} / {grid[2][0]!r}, expected 8-3 地方财政分项收入, 万元")
    recs = []
    for i, row in enumerate(grid, start=1):
        y = _clean(row[0])
        if not re.fullmatch(r"\d{4}", y):
            continue
        for j, series in ((1, "fiscal_total_revenue"), (2, "local_budget_revenue")):
            if not _blank(row[j]):
                recs.append({"geo_code": "150000", "year": int(y), "series": series,
                             "value": _num(row[j], f"{name} row {i} column {j + 1}")})
    df = pd.DataFrame(recs)
    years = sorted(df.loc[df["series"] == "local_budget_revenue", "year"])
    if years != list(range(1947, 2018)):
        raise SourceFormatError(f"{name}: 一般公共预算收入 years {years[0]}-{years[-1]} ({len(years)}), expected 1947-2017")
    return df.assign(quarter=pd.NA, unit="万元", source_id="imong_yb_t8_3", vintage=V_IM)


QH_SERIES = {"total_revenue": "fiscal_total_revenue_incl_subsidies",
             "central_subsidies_and_other_revenue": "central_subsidy_and_other_revenue",
             "public_budget_revenue_collected_in_province": "budget_revenue_collected_in_province",
             "central_government_part": "budget_revenue_central_part",
             "local_public_budget_revenue": "local_budget_revenue",
             "local_public_budget_expenditure": "local_budget_expenditure"}
QH_SHARES = {"local_revenue_share_of_total_revenue", "local_revenue_share_of_expenditure"}
XJ_SERIES = {"local_general_budget_revenue": "local_budget_revenue_secondary",
             "local_general_budget_expenditure": "local_budget_expenditure_secondary"}
XJ_DERIVED = {"balance", "revenue_index_prev_year_100", "expenditure_index_prev_year_100"}


def read_page_csv(path: Path, name: str, province: str, wanted: dict[str, str], skipped: set[str],
                  source_id: str, vintage: str) -> pd.DataFrame:
    raw = page_csv(path, name)
    recs = []
    for i, r in raw.iterrows():
        where = f"{name} line {i + 2}"
        if r["province"] != province:
            raise SourceFormatError(f"{where}: province {r['province']!r}, expected {province}")
        if r["series"] in skipped:
            continue
        if r["series"] not in wanted:
            raise SourceFormatError(f"{where}: unknown series {r['series']!r}")
        if r["unit"] != "10000 yuan":
            raise SourceFormatError(f"{where}: unit {r['unit']!r}, expected '10000 yuan'")
        recs.append({"geo_code": provinces.code_of(province), "year": int(r["year"]), "quarter": pd.NA,
                     "series": wanted[r["series"]], "value": _num(r["value"], where), "unit": "万元",
                     "source_id": source_id, "vintage": vintage})
    return pd.DataFrame(recs)


def qinghai_share_defect(src: Path) -> list[Exclusion]:
    """Printed shares are derivable and not carried; the one that does not recompute is recorded."""
    out = []
    for ed, rel in QINGHAI.items():
        raw = pd.read_csv(src / rel, dtype=str, keep_default_na=False)
        v = raw[(raw["year"] == "1994") & (raw["series"] == "local_revenue_share_of_expenditure")]["value"]
        if len(v):
            out.append(Exclusion(f"qinghai_yb{ed}_t9_1", "630000", 1994, "local_revenue_share_of_expenditure",
                                 v.iloc[0], "printed share does not recompute: local revenue 70,074 / expenditure "
                                 "253,649 万元 = 27.6 %, printed 28.0 (shares are derivable and not carried; "
                                 "the levels are kept)"))
    return out


# ---------------------------------------------------------------- SECONDARY 1949-2022 compilation

SKY_COLS = {"财政支出(万元)": "local_budget_expenditure_secondary",
            "财政收入(万元)": "fiscal_revenue_mixed_definition_secondary"}


def read_skywalker(src: Path, official_exp: pd.Series) -> tuple[pd.DataFrame, list[Exclusion]]:
    """Expenditure and revenue (万元). Expenditure cells that differ from the official series by more than
    1 % are exclusions (PROVENANCE: 'a few cells differ, compare before use')."""
    grid = _xlsx(src / SKYWALKER)
    name = SKYWALKER
    years, cur = {}, None
    for j, v in enumerate(grid[0]):
        if v is not None:
            m = re.fullmatch(r"(\d{4})年", _clean(v))
            if not m:
                raise SourceFormatError(f"{name} row 1 column {j + 1}: {v!r} is not '<year>年'")
            cur = int(m.group(1))
        years[j] = cur
    recs, excl = [], []
    for i, row in enumerate(grid[2:], start=3):
        if not row or _blank(row[0]):
            continue
        geo = provinces.code_of(_clean(row[0]), context=f"{name} row {i}")
        for j in range(1, len(row)):
            ind = _clean(grid[1][j])
            if ind == "固定资产投资额(万元)":
                continue
            if ind not in SKY_COLS:
                raise SourceFormatError(f"{name} row 2 column {j + 1}: indicator {grid[1][j]!r} not expected")
            if _blank(row[j]):
                continue
            value, year, series = _num(row[j], f"{name} row {i} column {j + 1}"), years[j], SKY_COLS[ind]
            if series == "local_budget_expenditure_secondary":
                off = official_exp.get((geo, year))
                if off is not None and abs(value / 1e4 / off - 1) > 0.01:
                    excl.append(Exclusion("skywalker_prov6_secondary", geo, year, series, str(row[j]),
                                          f"differs from the official local_budget_expenditure {off} 亿元 "
                                          f"(renjiyi163) by {value / 1e4 / off - 1:+.1%}"))
                    continue
            recs.append({"geo_code": geo, "year": year, "series": series, "value": value})
    df = pd.DataFrame(recs).assign(quarter=pd.NA, unit="万元", source_id="skywalker_prov6_secondary",
                                   vintage=V_SKY)
    return df, excl


# ---------------------------------------------------------------- sources and series

LPS_VIA = "GitHub lpstntw/ChinaLocalDebt @a15f60e5 (CNKI / NBS downloads; no licence file)"
XON_VIA = "GitHub xonhaorun-afk/fiscal-transfer-analysis @172cbf61 (MIT)"
LPS_ADDR = "https://github.com/lpstntw/ChinaLocalDebt/tree/a15f60e5813bfe05f9b540dc6522f8a3d54e1dac/data/public%20finance"
XON_ADDR = "https://github.com/xonhaorun-afk/fiscal-transfer-analysis/tree/172cbf619dba7f89e3d4812397fc888da84e9132/数据"


def sources(src: Path | None = None) -> dict[str, Source]:
    s = {}
    fa_files = [f"{LPS}/public_finance/{d}/{y} income breakdown {d.lower()}{' full' if y == 2016 and d in FA_FULL_2016 else ''}.xls"
                for d in FA_DIRS for y in FA_YEARS]
    for y in FA_YEARS:
        s[f"provincial_final_accounts_{y}"] = Source(
            id=f"provincial_final_accounts_{y}",
            title=f"Provincial general public budget final-accounts summary tables {y} (一般公共预算收支决算总表), 31 provinces",
            publisher="Provincial finance departments (final accounts as printed in finance/statistical yearbooks)",
            table=(f"{y}年<province>一般公共预算收支决算总表, column 决算数; lines 本年收入合计, 中央补助收入, 上解中央支出, "
                   "本年支出合计; 亿元"),
            address=LPS_ADDR, raw_files=[f for f in fa_files if f"/{y} " in f], vintage=V_FA.format(y=y),
            licence="Official statistics; cite the provincial final accounts / yearbook.", trust="HIGH", via=LPS_VIA,
            notes=("BIFF .xls protected with Excel's default password, decrypted with msoffcrypto-tool. 31-province sums "
                   "of 本年收入合计 and 本年支出合计 equal NBS national local revenue/expenditure within 0.03. The "
                   "provincial table includes the separately planned city; the city tables are not used. 2016 for "
                   "Hebei, Heilongjiang, Jilin, Liaoning, Tianjin is the file ending ' full.xls'. In 18 of the 36 "
                   "2015 tables the lines below 本年支出合计 overlap (memo lines); the headline lines are unaffected. "
                   "Budget (预算数) columns and item breakdowns are not carried."))
    for y in MOF_YEARS:
        sid = "mof_transfers_budget_2018" if y == 2018 else f"mof_transfers_final_{y}"
        s[sid] = Source(
            id=sid,
            title=("Central tax rebates and transfers to localities by region (2017 outturn, 2018 budget)" if y == 2018 else
                   f"Central transfers to local governments by region, {y} budget and final accounts"),
            publisher="Ministry of Finance of the PRC",
            table=("中央对地方税收返还和转移支付分地区情况汇总表 (2018 central budget), columns 2017年执行数, 2018年预算数; 亿元"
                   if y == 2018 else
                   f"{y}年中央对地方转移支付分地区决算表, columns {y}年预算数{', 2023年调整预算数' if y == 2023 else ''}, {y}年决算数; 亿元"),
            address=f"{XON_ADDR}/转移支付/{y}.xlsx", raw_files=[f"{XON}/转移支付/{y}.xlsx"],
            vintage=V_MOF_BUDGET_2018 if y == 2018 else V_MOF.format(y=y),
            licence="Official statistics (Ministry of Finance); cite the MOF central final accounts.", trust="HIGH",
            via=XON_VIA,
            notes=("In every column 31 provinces + XPCC + 未落实到地区数 = 合计 within 0.02. "
                   + ("No 2018 final accounts exist in the folder: the 2017 column is 执行数 (outturn), not 决算数. "
                      if y == 2018 else "") + (XPCC_NOTE if y >= 2022 else "")))
    s["nbs_fsnd_revenue_2017"] = Source(
        id="nbs_fsnd_revenue_2017", title="Local general budgetary revenue by province, 2017 (NBS database)",
        publisher="National Bureau of Statistics of China",
        table="Annual by Province, Local Governments General Budgetary Revenue (100 million yuan), 2017",
        address=f"{LPS_ADDR}/2017", raw_files=[f"{LPS}/NBS-2017/{p} 2017.xls" for p in sorted(
            ["Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou", "Hainan", "Hebei",
             "Heilongjiang", "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu", "Jiangxi", "Jilin", "Liaoning",
             "Ningxia", "Qinghai", "Shandong", "Shanghai", "Shannxi", "Shanxi", "Sichuan", "Tianjin", "Tibet",
             "Xinjiang", "Yunnan", "Zhejiang"])],
        vintage=V_NBS2017, licence="Official statistics (NBS).", trust="HIGH", via=LPS_VIA,
        notes="31-province sum 91,469.41 = NBS national local revenue 2017. 'Shannxi' = Shaanxi.")
    s["nbs_fsnd_fiscal_2018_2024"] = Source(
        id="nbs_fsnd_fiscal_2018_2024", title="Local general public budget revenue by province, 2018-2024 (NBS database)",
        publisher="National Bureau of Statistics of China",
        table="分省年度数据, 地方财政一般公共预算收入(亿元) and 地方一般公共预算支出(亿元), 2018-2024",
        address=f"{XON_ADDR}", raw_files=[NBS_REVENUE, NBS_EXPENDITURE], vintage=V_NBS2024,
        licence="Official statistics (NBS).", trust="HIGH", via=XON_VIA,
        notes=("Revenue: 31-province sums equal NBS national local revenue 2018-2021 within 0.02; 2022 is 56.56 "
               "below (108,761.94 vs 108,818.50), not explained. 2019 equals CSY 2020 table 7-5 for 31/31. "
               "Expenditure is not carried: it is the series already in provincial_fiscal (exclusions name each "
               "cell; Shanghai 2022 differs by 0.16). Xinjiang from 2022 includes the XPCC (NBS note)."))
    for ed, rel in QINGHAI.items():
        s[f"qinghai_yb{ed}_t9_1"] = Source(
            id=f"qinghai_yb{ed}_t9_1",
            title=f"Qinghai government revenue and expenditure in main years (Qinghai Statistical Yearbook {ed}, table 9-1)",
            publisher="Qinghai Provincial Bureau of Statistics",
            table=f"{ed} 9-1 主要年份财政收支情况; 万元",
            address=f"http://tjj.qinghai.gov.cn/nj/{ed}/html\\0901.htm", raw_files=[rel, rel.replace(".csv", ".txt")],
            vintage=V_QH[ed], licence="Official statistics (Qinghai Bureau of Statistics).", trust="HIGH",
            via="stored page text of the bureau's yearbook HTML",
            notes=(("Years 1957-1980 (main years) and 1985-2004; page copy cut off after 2004. " if ed == 2017 else
                    "Years 1957-1980 (main years), 1990, 1995-2011; page copy cut off at 2012. All 129 cells shared "
                    "with the 2017 edition are equal. ")
                   + "总收入 = 国家财政补贴及其他收入 + local revenue (±1 rounding in 1970, 1987, 1989, 1990). Before "
                   "1994 one value is printed for budget revenue (collected = local); from 1994 collected = central "
                   "part + local part. Printed shares (%) are derivable and not carried."))
    s["imong_yb_t8_3"] = Source(
        id="imong_yb_t8_3", title="Inner Mongolia local government revenue by source, 1947-2017 (table 8-3)",
        publisher="Inner Mongolia Autonomous Region Bureau of Statistics (statistical yearbook, via CNKI)",
        table="8-3 地方财政分项收入 (Local Government Revenue by Source); columns 地方财政总收入, 一般公共预算收入; 万元",
        address=f"{LPS_ADDR}/Inner%20Mongolia", raw_files=[IMONG], vintage=V_IM,
        licence="Official statistics; cite the Inner Mongolia Statistical Yearbook.", trust="HIGH", via=LPS_VIA,
        notes=("Password-protected BIFF (default key), decrypted with msoffcrypto-tool. 2014-2016 一般公共预算收入 "
               "equal the final-accounts tables, 2017 the NBS export. Note 2 of the table: from 1994 local revenue "
               "is on the tax-sharing basis. 地方财政总收入 printed to 2012 only. Tax items (工商税收, 契税和耕地占用税, "
               "企业所得税, 国有资本经营收入) are not carried."))
    s["xinjiang_yb2012_t7_1_mirror"] = Source(
        id="xinjiang_yb2012_t7_1_mirror",
        title="Xinjiang local general budget revenue and expenditure in main years (Xinjiang Statistical Yearbook 2012, table 7-1), mirror",
        publisher="Xinjiang Uygur Autonomous Region Bureau of Statistics; copy on an unofficial site",
        table="7-1 主要年份地方财政一般预算收支及增长速度; 万元",
        address=("https://shahit.biz/yearbooks/Xinjiang%20Statistical%20Yearbook/%e6%96%b0%e7%96%86%e7%bb%9f%e8%ae%a1"
                 "%e5%b9%b4%e9%89%b42012.rar:新疆统计年鉴2012/html/0701.htm"),
        raw_files=[XINJIANG, XINJIANG.replace(".csv", ".txt")], vintage=V_XJ,
        licence="Official table on an unofficial mirror; cite the Xinjiang Statistical Yearbook 2012.",
        trust="MEDIUM", secondary=True, via="unofficial mirror (shahit.biz)",
        notes=("Years 1978, 1980, 1985, 1990, 1995, 2000-2011. Balance = revenue - expenditure in 17/17 rows; printed "
               "indices 2001-2011 recompute; expenditure 2005-2011 equals the official series (7/7). Balance and "
               "indices are derivable and not carried. SECONDARY because the copy is a mirror."))
    s["skywalker_prov6_secondary"] = Source(
        id="skywalker_prov6_secondary",
        title="Fiscal expenditure and revenue by province 1949-2022, SECONDARY compilation of unnamed origin",
        publisher="unknown (compilation in a student repository)",
        table="prov_6.xlsx: 财政支出(万元), 财政收入(万元) (固定资产投资额 not carried); '--' = missing",
        address=("https://github.com/SkywalkerSun15/regional_disparity/blob/54d547acb31ed1abcbf1ca88369a8c494126e022/"
                 "data/raw_data/census_data_by_province/prov_6.xlsx"),
        raw_files=[SKYWALKER], vintage=V_SKY, licence="Compilation of unnamed origin; no licence stated.",
        trust="LOW-MEDIUM", secondary=True, via="GitHub SkywalkerSun15/regional_disparity",
        notes=("Expenditure matches the official series (median ratio 1.000, 2005-2021); cells more than 1 % off "
               "the official value are exclusions. The revenue column is NOT local budget revenue: in 1993-1994 the "
               "31-province sum rises (3,681.8 -> 3,787.8 亿元) while official local revenue fell 3,391.4 -> "
               "2,311.6, and Qinghai 1993/1994 equal local revenue + central subsidies. Its definition is not "
               "stated and may change over time."))
    return s


SERIES_DESC = {
    # transfers
    "central_transfers": ("Central transfers to the province, Ministry of Finance final accounts (决算数) from the table "
                          "中央对地方转移支付分地区决算表; the province row includes its separately planned city."),
    "central_transfers_budget": ("Central transfers to the province, budget (预算数) printed in the MOF table; 2018 is "
                                 "the budget-stage table 中央对地方税收返还和转移支付 (title names tax rebates; from 2019 "
                                 "the title omits 税收返还). Not final accounts: do not mix with central_transfers."),
    "central_transfers_outturn": ("Central tax rebates and transfers to the province, 2017 outturn (执行数) printed in "
                                  "the 2018 budget table: a preliminary figure, not final accounts (决算数)."),
    "central_transfers_all_local": "MOF 合计 row of the final accounts: all regions + XPCC (+ unallocated), 000000.",
    "central_transfers_budget_all_local": "MOF 合计 row of the budget column, incl. 未落实到地区数 (not yet allocated).",
    "central_transfers_outturn_all_local": "MOF 合计 row of the 2017 outturn (执行数) column.",
    "central_transfers_adjusted_budget_all_local": "MOF 合计 row of the 2023 调整预算数 (adjusted budget) column.",
    # provincial final accounts
    "central_subsidy_revenue": ("中央补助收入 (central subsidy revenue: all tax rebates and transfers the province's "
                                "final accounts record as received from the centre), 决算数. " + SUMMARY_VS_MOF),
    "remittance_to_central": "上解中央支出 (remittances from the province to the centre), final accounts (决算数).",
    "local_budget_revenue": ("Local general public budget revenue (地方一般公共预算收入 / 本年收入合计; revenue the "
                             "region keeps under the tax-sharing system, excluding transfers and debt)."),
    "local_budget_expenditure": "Local general public budget expenditure (本年支出合计 / 一般公共预算支出).",
    # long series
    "fiscal_total_revenue": ("地方财政总收入 (Inner Mongolia): all fiscal revenue collected in the region; from 1994 it "
                             "includes the central part, so 1994 shows 682,167 total vs 362,969 local 万元."),
    "fiscal_total_revenue_incl_subsidies": ("总收入 (Qinghai table 9-1) = central subsidies and other revenue + local "
                                            "budget revenue: the resources available to the province."),
    "central_subsidy_and_other_revenue": ("国家财政补贴及其他收入 (Qinghai): central subsidies and other revenue "
                                          "received; the yearbook's own measure, not the MOF transfer table."),
    "budget_revenue_collected_in_province": ("公共财政预算收入 (Qinghai): all budget revenue collected in the "
                                             "province; before 1994 one value (= local revenue), from 1994 central "
                                             "part + local part."),
    "budget_revenue_central_part": "中央级 part of the budget revenue collected in Qinghai (from 1994).",
    "local_budget_revenue_secondary": "Local general budget revenue (地方财政一般预算收入), from a mirror copy (SECONDARY).",
    "local_budget_expenditure_secondary": "Local general budget expenditure (财政支出), SECONDARY copy or compilation.",
    "fiscal_revenue_mixed_definition_secondary": (
        "财政收入 column of a SECONDARY compilation, definition not stated and NOT one concept: against official "
        "local budget revenue 2014-2021 it equals it (within 1 %) for 17 provinces, is 1.4-3x it for Hebei, "
        "Jiangsu, Zhejiang, Anhui, Jiangxi, Henan, Hubei, Guangxi, Guizhou, Yunnan, Shaanxi (2014), Gansu (a wider measure, "
        "possibly including revenue collected for the centre; not verified), and for Qinghai (all years 1957-2020) and Tibet (2014-2015) it is total "
        "revenue including central subsidies (Qinghai 1993 215,325 = 113,682 local + 101,643 subsidies; 1994 "
        "241,980 = 70,074 + 171,906 万元). In 1993-1994 the 31-province sum rises while official local revenue "
        "fell with the tax-sharing reform. Never use it as local_budget_revenue."),
}

BREAK_1994 = ("Under the 1994 tax-sharing reform local revenue drops because the central part is no longer counted "
              "(Inner Mongolia 一般公共预算收入 561,177 -> 362,969 万元, Qinghai local revenue 113,682 -> 70,074).")


def _infos(rows: pd.DataFrame, extra: dict[str, str] | None = None) -> list[SeriesInfo]:
    out = []
    for (series, sid, vintage), g in rows.groupby(["series", "source_id", "vintage"], sort=True):
        years = f"{g['year'].min()}-{g['year'].max()}" if g["year"].nunique() > 1 else str(g["year"].iloc[0])
        desc = SERIES_DESC[series] + " " + (extra or {}).get(sid, "")
        out.append(SeriesInfo(series=series, unit=g["unit"].iloc[0], source_id=sid, vintage=vintage,
                              description=f"{desc.strip()} Source {sid}, {years}, {g['geo_code'].nunique()} region(s)."))
    return out


def build(src: Path) -> list[Table]:
    srcs = sources()

    mof, mof_excl = read_mof(src)
    transfers = Table(
        name="provincial_transfers",
        title="Central transfers to provinces (Ministry of Finance, by region): 2017 outturn, 2018-2024 budget, 2019-2024 final accounts",
        description=("MOF tables of central transfers by region, 亿元. Final accounts (决算数) 2019-2024 are "
                     "central_transfers; budgets (预算数) 2018-2024 central_transfers_budget; the 2017 outturn (执行数) "
                     "central_transfers_outturn. No 2018 final accounts. Totals (合计) at 000000. Not the same measure "
                     "as the provinces' own 中央补助收入 (table provincial_fiscal_summaries). " + XPCC_NOTE),
        rows=mof, sources=[srcs[k] for k in sorted(srcs) if k.startswith("mof_")],
        series=_infos(mof), exclusions=mof_excl)

    fa = read_final_accounts(src)
    summaries = Table(
        name="provincial_fiscal_summaries",
        title="Provincial general public budget final accounts 2014-2016: revenue, central subsidies received, remittances, expenditure",
        description=("决算数 lines of the 31 provinces' 一般公共预算收支决算总表, 亿元. central_subsidy_revenue "
                     "(中央补助收入) is the provinces' own booking of rebates and transfers received and is NOT the "
                     "MOF transfer table (provincial_transfers): it is 3.4 % higher in 2015 in total."),
        rows=fa, sources=[srcs[f"provincial_final_accounts_{y}"] for y in FA_YEARS], series=_infos(fa))

    frames = []
    n17 = read_nbs_2017(src)
    frames.append(n17.assign(quarter=pd.NA, series="local_budget_revenue", unit="亿元",
                             source_id="nbs_fsnd_revenue_2017", vintage=V_NBS2017))
    nrev = parse_nbs_wide(_xlsx(src / NBS_REVENUE), NBS_REVENUE, "地方财政一般公共预算收入")
    frames.append(nrev.assign(quarter=pd.NA, series="local_budget_revenue", unit="亿元",
                              source_id="nbs_fsnd_fiscal_2018_2024", vintage=V_NBS2024))
    for ed, rel in QINGHAI.items():
        frames.append(read_page_csv(src / rel, rel, "Qinghai", QH_SERIES, QH_SHARES, f"qinghai_yb{ed}_t9_1", V_QH[ed]))
    frames.append(read_imong(src))
    frames.append(read_page_csv(src / XINJIANG, XINJIANG, "Xinjiang", XJ_SERIES, XJ_DERIVED,
                                "xinjiang_yb2012_t7_1_mirror", V_XJ))
    official = fiscal.read_renjiyi(src / fiscal.RENJIYI).set_index(["geo_code", "year"])["value"]
    sky, sky_excl = read_skywalker(src, official)
    frames.append(sky)
    longrows = pd.concat(frames, ignore_index=True)
    extra = {"imong_yb_t8_3": BREAK_1994, "qinghai_yb2017_t9_1": BREAK_1994, "qinghai_yb2019_t9_1": BREAK_1994}
    long_ids = ["nbs_fsnd_revenue_2017", "nbs_fsnd_fiscal_2018_2024", "qinghai_yb2017_t9_1", "qinghai_yb2019_t9_1",
                "imong_yb_t8_3", "xinjiang_yb2012_t7_1_mirror", "skywalker_prov6_secondary"]
    long_t = Table(
        name="provincial_fiscal_long",
        title="Provincial budget revenue 2017-2024 (NBS) and long provincial fiscal series (Qinghai, Inner Mongolia, Xinjiang; SECONDARY 1949-2022)",
        description=("local_budget_revenue by province from NBS exports (2017; 2018-2024), 亿元; Qinghai table 9-1 "
                     "(two editions, kept apart), Inner Mongolia table 8-3 and Xinjiang table 7-1 (mirror, SECONDARY) in "
                     "万元 as published; a SECONDARY 1949-2022 compilation (万元) whose revenue column includes central "
                     "subsidies for at least some provinces (fiscal_revenue_mixed_definition_secondary). " + BREAK_1994),
        rows=longrows, sources=[srcs[k] for k in long_ids], series=_infos(longrows, extra),
        exclusions=expenditure_duplicates(src) + qinghai_share_defect(src) + sky_excl)
    return [transfers, summaries, long_t]
