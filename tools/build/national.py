"""National (China as a whole, geo_code ``000000``) series: balance of payments, WDI, NBS.

Tables written:

* ``national_bop``: SAFE balance of payments, BPM6 basis (``中国国际收支平衡表时间序列(BPM6).xlsx``):
  annual 1950-2023 and quarterly 1998Q1-2023Q4 in 亿美元, and the RMB sheets (2010-2023,
  2010Q1-2023Q4) in 亿元 as separate ``*_cny`` series.
* ``national_wdi``: World Bank WDI China rows (current account, GDP, official exchange rate,
  merchandise exports/imports), via the open-numbers mirror.
* ``national_nbs``: NBS national annual data (customs trade in 亿元 and 百万美元, FIE trade,
  exchange rates, GDP in two vintages, central/local fiscal revenue and expenditure, BPM5
  current account in 万美元), from three scrapes of the NBS database, plus a derived
  exchange rate (secondary).
* ``national_gacc``: GACC monthly table (5) of December 2019: national exports and imports
  January-December 2019, 千美元.

Raw files and their defects: ``national/*/PROVENANCE.md``, ``trade/PROVENANCE.md`` (sections
2-3), ``customs_tables/PROVENANCE.md``. Vintages are never spliced: the same series from two
scrapes keeps both ``source_id`` and ``vintage``.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pandas as pd

from helpers import provinces
from .core import Exclusion, SeriesInfo, Source, SourceFormatError, Table, require, workbook

NATIONAL = provinces.NATIONAL_CODE

# ---------------------------------------------------------------------------------------------
# SAFE balance of payments (BPM6)
# ---------------------------------------------------------------------------------------------

BOP_FILE = "national/fisheryounggod__gitdata/中国国际收支平衡表时间序列(BPM6).xlsx"
BOP_ID = "safe_bop_bpm6"
BOP_VINTAGE = "SAFE BPM6 time series, revised release to 2023Q4 (file of 2024)"

#: row label (whitespace removed) -> (series, English description, has credit/debit rows)
BOP_ITEMS: list[tuple[str, str, str, bool]] = [
    ("1.经常账户", "bop_current_account", "Current account (经常账户)", True),
    ("1.A货物和服务", "bop_goods_and_services", "Goods and services (货物和服务)", True),
    ("1.A.a货物", "bop_goods", "Goods, BoP basis (货物)", True),
    ("1.A.b服务", "bop_services", "Services (服务)", True),
    ("1.B初次收入", "bop_primary_income", "Primary income (初次收入)", True),
    ("1.C二次收入", "bop_secondary_income", "Secondary income (二次收入)", True),
    ("2.资本和金融账户", "bop_capital_financial_account",
     "Capital and financial account incl. reserve assets (资本和金融账户)", False),
    ("2.1资本账户", "bop_capital_account", "Capital account (资本账户)", False),
    ("2.2金融账户", "bop_financial_account", "Financial account incl. reserve assets (金融账户)", False),
    ("2.2.1非储备性质的金融账户", "bop_financial_account_non_reserve",
     "Non-reserve financial account (非储备性质的金融账户)", False),
    ("2.2.2储备资产", "bop_reserve_assets",
     "Reserve assets (储备资产); negative = increase in reserves", False),
    ("3.净误差与遗漏", "bop_errors_omissions", "Net errors and omissions (净误差与遗漏)", False),
]

#: sheet name (stripped) -> (frequency, unit, series suffix, unit line expected in row 3)
BOP_SHEETS = {
    "年度BOP（美元）": ("annual", "亿美元", "", "单位:亿美元"),
    "季度BOP（美元）": ("quarterly", "亿美元", "", "单位:亿美元"),
    "年度BOP（人民币）": ("annual", "亿元", "_cny", "单位:亿元人民币"),
    "季度BOP（人民币）": ("quarterly", "亿元", "_cny", "单位:亿元人民币"),
}


def _norm(label) -> str:
    return re.sub(r"\s+", "", str(label)) if label is not None else ""


def bop_source() -> Source:
    return Source(
        id=BOP_ID,
        title="中国国际收支平衡表时间序列(BPM6) / China's balance of payments, time series (BPM6)",
        publisher="State Administration of Foreign Exchange (SAFE, 国家外汇管理局)",
        table="中国国际收支平衡表时间序列(BPM6): sheets 年度BOP（美元）, 季度BOP（美元）, 年度BOP（人民币）, "
              "季度BOP（人民币）",
        address="https://www.safe.gov.cn (统计数据 > 国际收支平衡表时间序列(BPM6); exact page address not recorded)",
        raw_files=[BOP_FILE],
        vintage=BOP_VINTAGE,
        licence="Official statistics (SAFE); cite the State Administration of Foreign Exchange.",
        trust="HIGH",
        via="GitHub fisheryounggod/gitdata @023de0f (byte copy of the SAFE workbook, last changed a6392fb, 2024-10-28)",
        notes=("BPM6 basis, revised series (the sheet notes say the latest file supersedes earlier ones). "
               "Credits positive, debits negative, balance = credit + debit. 1950-1981 services are not split. "
               "The annual RMB sheet is the sum of the quarterly RMB figures, each converted from USD at the "
               "quarter's average central parity. SDR sheets (2016+) and sub-items below the main accounts "
               "are not extracted. Annual current account negative in 1951-1953, 1955, 1974, 1978-1980, "
               "1985-1986, 1988-1989 and, last, 1993 (2018: +241.31); quarterly deficits in 2001Q2, 2018Q1 "
               "(-397.7), 2018Q2 (-26.4) and 2020Q1 (-522.5). Checked: goods + services = goods and services, "
               "credit + debit = balance and the four quarters sum to the year, exactly, in every period."),
    )


def _bop_sheet(ws, path: Path, sheet: str) -> list[dict]:
    freq, unit, suffix, unit_line = BOP_SHEETS[sheet]
    if _norm(ws.cell(3, 1).value) != _norm(unit_line):
        raise SourceFormatError(f"{path} sheet {sheet!r} cell A3: unit line {ws.cell(3, 1).value!r}, "
                                f"expected {unit_line!r}")
    # header row: the row whose column A reads 项目
    hdr_row = next((r for r in range(1, 15) if _norm(ws.cell(r, 1).value) == "项目"), None)
    if hdr_row is None:
        raise SourceFormatError(f"{path} sheet {sheet!r}: no header row with 项目 in column A (rows 1-14)")
    periods: list[tuple[int, int, int | None]] = []   # (column, year, quarter)
    for col in range(2, ws.max_column + 1):
        v = ws.cell(hdr_row, col).value
        if v is None:
            continue
        if freq == "annual":
            if not (isinstance(v, int) or (isinstance(v, float) and v.is_integer())):
                raise SourceFormatError(f"{path} sheet {sheet!r} row {hdr_row} column {col}: header {v!r} "
                                        "is not a year")
            periods.append((col, int(v), None))
        else:
            m = re.fullmatch(r"(\d{4})Q([1-4])", str(v).strip())
            if not m:
                raise SourceFormatError(f"{path} sheet {sheet!r} row {hdr_row} column {col}: header {v!r} "
                                        "is not a quarter like 1998Q1")
            periods.append((col, int(m.group(1)), int(m.group(2))))
    labels = {}
    for r in range(hdr_row + 1, ws.max_row + 1):
        lab = _norm(ws.cell(r, 1).value)
        if lab and lab not in labels:
            labels[lab] = r
    out = []
    for label, series, _desc, with_cd in BOP_ITEMS:
        if label not in labels:
            raise SourceFormatError(f"{path} sheet {sheet!r}: row label {label!r} ({series}) not found in column A")
        r = labels[label]
        targets = [(r, series)]
        if with_cd:
            for off, kind, zh in ((1, "credit", "贷方"), (2, "debit", "借方")):
                if _norm(ws.cell(r + off, 1).value) != zh:
                    raise SourceFormatError(f"{path} sheet {sheet!r} row {r + off}: expected {zh} under {label!r}, "
                                            f"found {ws.cell(r + off, 1).value!r}")
                targets.append((r + off, f"{series}_{kind}"))
        for row, name in targets:
            for col, year, q in periods:
                v = ws.cell(row, col).value
                if v is None or (isinstance(v, str) and v.strip() in {"", "/", "-"}):
                    continue   # not published: a gap
                if isinstance(v, str):
                    raise SourceFormatError(f"{path} sheet {sheet!r} row {row} column {col} ({name} {year}"
                                            f"{'Q' + str(q) if q else ''}): not a number: {v!r}")
                out.append({"geo_code": NATIONAL, "year": year, "quarter": q, "series": name + suffix,
                            "value": float(v), "unit": unit, "source_id": BOP_ID, "vintage": BOP_VINTAGE})
    return out


def build_bop(src: Path) -> Table:
    path = require(src / BOP_FILE)
    wb = workbook(path)
    by_name = {ws.title.strip(): ws for ws in wb.worksheets}
    recs = []
    for sheet in BOP_SHEETS:
        if sheet not in by_name:
            raise SourceFormatError(f"{path}: sheet {sheet!r} not found; sheets: {list(by_name)}")
        recs.extend(_bop_sheet(by_name[sheet], path, sheet))
    series = []
    for _label, name, desc, with_cd in BOP_ITEMS:
        kinds = [("", "balance")] + ([("_credit", "credit (贷方)"), ("_debit", "debit (借方, negative)")]
                                      if with_cd else [])
        for k, what in kinds:
            for suffix, unit, cur in (("", "亿美元", "USD"), ("_cny", "亿元", "RMB")):
                series.append(SeriesInfo(
                    name + k + suffix, unit,
                    f"{desc}, {what}, BPM6, {cur} sheets of the SAFE time series; annual rows and quarterly "
                    "rows (quarter column)" + (", 2010 onwards" if cur == "RMB" else ""),
                    BOP_ID, BOP_VINTAGE,
                    label=f"{desc.split(' (')[0]}: {what.split(' (')[0]}" + (" (RMB)" if cur == "RMB" else "")))
    return Table(
        name="national_bop",
        title="China's balance of payments (SAFE, BPM6), annual 1950-2023 and quarterly 1998-2023",
        description=("Main balance-of-payments accounts of China from SAFE's BPM6 time series: current account "
                     "and its goods, services, primary and secondary income parts (balance, credit, debit), "
                     "capital and financial account, reserve assets, net errors and omissions. USD series in "
                     "亿美元 (annual from 1950, quarterly from 1998Q1); RMB series (*_cny) in 亿元 from 2010. "
                     "Quarterly rows carry the quarter."),
        rows=pd.DataFrame.from_records(recs),
        sources=[bop_source()],
        series=series,
    )


# ---------------------------------------------------------------------------------------------
# World Bank WDI
# ---------------------------------------------------------------------------------------------

WDI_FOLDER = "national/open-numbers__ddf--open_numbers--world_development_indicators"
WDI_COMMITS = {"01a34e8b54d76160a61b0325d74254e22db06b93": "01a34e8",
               "00185452d20dc3f0c1cf7df9a95d417db6c69726": "0018545"}
#: code -> (series, unit, English description, mirror commit)
WDI = {
    "BN.CAB.XOKA.CD": ("wdi_current_account_usd", "美元", "Current account balance (BoP, current US$)",
                       "01a34e8b54d76160a61b0325d74254e22db06b93"),
    "NY.GDP.MKTP.CD": ("wdi_gdp_usd", "美元", "GDP (current US$)",
                       "00185452d20dc3f0c1cf7df9a95d417db6c69726"),
    "PA.NUS.FCRF": ("fx_cny_per_usd", "元/美元",
                    "Official exchange rate (LCU per US$, period average)",
                    "01a34e8b54d76160a61b0325d74254e22db06b93"),
    "TX.VAL.MRCH.CD.WT": ("wdi_merch_exports_usd", "美元",
                          "Merchandise exports (current US$), WTO/customs basis",
                          "01a34e8b54d76160a61b0325d74254e22db06b93"),
    "TM.VAL.MRCH.CD.WT": ("wdi_merch_imports_usd", "美元",
                          "Merchandise imports (current US$), WTO/customs basis",
                          "01a34e8b54d76160a61b0325d74254e22db06b93"),
}


def wdi_vintage(code: str) -> str:
    commit = WDI[code][3]
    return f"WDI as mirrored by open-numbers, commit {WDI_COMMITS[commit]}"


def wdi_file(code: str) -> str:
    c = code.lower().replace(".", "_")
    return f"{WDI_FOLDER}/ddf--datapoints--{c}--by--geo--time__chn_rows.csv"


def wdi_id(code: str) -> str:
    return "wdi_" + code.lower().replace(".", "_")


def build_wdi(src: Path) -> Table:
    frames, sources, series = [], [], []
    for code, (name, unit, desc, commit) in WDI.items():
        path = require(src / wdi_file(code))
        col = code.lower().replace(".", "_")
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(raw.columns) != ["geo", "time", col]:
            raise SourceFormatError(f"{path}: columns {list(raw.columns)}, expected ['geo', 'time', '{col}']")
        bad = raw[raw["geo"] != "chn"]
        if len(bad):
            raise SourceFormatError(f"{path}: line {bad.index[0] + 2} has geo {bad.iloc[0]['geo']!r}, expected 'chn'")
        raw = raw[raw[col].str.strip() != ""]
        vals = pd.to_numeric(raw[col], errors="coerce")
        if vals.isna().any():
            i = vals.isna().idxmax()
            raise SourceFormatError(f"{path}: line {i + 2} column {col}: not a number: {raw.loc[i, col]!r}")
        frames.append(pd.DataFrame({
            "geo_code": NATIONAL, "year": raw["time"].astype(int), "quarter": pd.NA, "series": name,
            "value": vals.astype(float), "unit": unit, "source_id": wdi_id(code), "vintage": wdi_vintage(code)}))
        sources.append(Source(
            id=wdi_id(code), title=f"World Development Indicators: {desc} ({code}), China",
            publisher="World Bank", table=f"WDI indicator {code}",
            address=f"https://data.worldbank.org/indicator/{code}?locations=CN",
            raw_files=[wdi_file(code)], vintage=wdi_vintage(code),
            licence="CC BY 4.0, © World Bank", trust="HIGH",
            via=f"GitHub open-numbers/ddf--open_numbers--world_development_indicators @{commit[:7]} "
                "(China rows extracted verbatim)",
            notes=("Mirror commits differ between indicators (the GDP vintage is older and ends 2022). "
                   + ("1993 = -11.609 bn vs SAFE BPM6 -11.904 bn (different vintage)." if name ==
                      "wdi_current_account_usd" else "")
                   + ("Equals NBS customs totals 1989-2020 to within 3 million USD (2019: 24 million), but "
                      "2021-2022 lie 1.4 % (exports) and 0.3 % (imports) below the NBS figures scraped 2023."
                      if "merch" in name else "")
                   + ("Equals NBS 人民币汇率(年平均价)/100 within 0.0005 to 2004; 2005-2014 differ by up to "
                      "0.0036 yuan (0.05 %)." if name == "fx_cny_per_usd" else "")).strip()))
        series.append(SeriesInfo(name, unit, f"{desc}; World Bank WDI {code}", wdi_id(code), wdi_vintage(code),
                                 label=desc.split(" (")[0]))
    return Table(
        name="national_wdi",
        title="China in the World Development Indicators: current account, GDP, exchange rate, merchandise trade",
        description=("World Bank WDI series for China (current US$ and yuan per US$): current account balance, "
                     "GDP, official exchange rate (annual average) and merchandise exports/imports on the customs "
                     "basis. An independent vintage next to SAFE and NBS."),
        rows=pd.concat(frames, ignore_index=True), sources=sources, series=series)


# ---------------------------------------------------------------------------------------------
# NBS national annual data (three scrapes) and a derived exchange rate
# ---------------------------------------------------------------------------------------------

YYZ = "national/yiyuezhuo__National-Data"
YYZ_TRADE = "trade/yiyuezhuo__National-Data"
YYZ_VINTAGE = "NBS database as scraped 2018 (pre-2018-census revision)"
YYZ_VIA = "GitHub yiyuezhuo/National-Data @60fd721 (scrape of data.stats.gov.cn 年度数据, data/zb)"
ZH = "trade/zhuang1234__National-Data"
ZH_VINTAGE = "NBS database as scraped 2023"
ZH_VIA = "GitHub zhuang1234/National-Data @4b467dd (NBS national annual data as xlsx, data_year/zb)"
FYG = "national/fisheryounggod__gitdata"
FYG_GDP_VINTAGE = "NBS, latest revision (as of 2024)"
FYG_FX_VINTAGE = "derived by fisheryounggod/gitdata from monthly closing rates (2024)"
NBS_ADDRESS = "https://data.stats.gov.cn/easyquery.htm?cn=C01 (年度数据)"
NBS_LICENCE = "Official statistics (NBS); cite the National Bureau of Statistics."

TRADE_COLS = {  # column -> (series, unit, description)
    "出口总额(人民币)": ("customs_exports_cny", "亿元", "Customs exports of goods (出口总额), RMB"),
    "出口总额(美元)": ("customs_exports_usd", "百万美元", "Customs exports of goods (出口总额), USD"),
    "进口总额(人民币)": ("customs_imports_cny", "亿元", "Customs imports of goods (进口总额), RMB"),
    "进口总额(美元)": ("customs_imports_usd", "百万美元", "Customs imports of goods (进口总额), USD"),
    "进出口差额(人民币)": ("customs_balance_cny", "亿元", "Customs trade balance (进出口差额, exports - imports), RMB"),
    "进出口差额(美元)": ("customs_balance_usd", "百万美元",
                     "Customs trade balance (进出口差额, exports - imports), USD"),
    "进出口总额(人民币)": ("customs_trade_total_cny", "亿元", "Customs total trade (进出口总额), RMB"),
    "进出口总额(美元)": ("customs_trade_total_usd", "百万美元", "Customs total trade (进出口总额), USD"),
}
FIE_COLS = {
    "外商投资企业出口总额": ("fie_exports_usd", "百万美元", "Exports of foreign-invested enterprises (外商投资企业出口总额)"),
    "外商投资企业进口总额": ("fie_imports_usd", "百万美元", "Imports of foreign-invested enterprises (外商投资企业进口总额)"),
    "外商投资企业进出口总额": ("fie_trade_total_usd", "百万美元",
                      "Total trade of foreign-invested enterprises (外商投资企业进出口总额)"),
}
FX_COLS = {
    "人民币对美元汇率(美元=100)": ("fx_cny_per_100usd", "元/100美元", "Official annual average rate, yuan per 100 US$"),
    "人民币对日元汇率(日元=100)": ("fx_cny_per_100jpy", "元/100单位外币", "Official annual average rate, yuan per 100 yen"),
    "人民币对欧元汇率(欧元=100)": ("fx_cny_per_100eur", "元/100单位外币", "Official annual average rate, yuan per 100 euro"),
    "人民币对港元汇率(港元=100)": ("fx_cny_per_100hkd", "元/100单位外币",
                          "Official annual average rate, yuan per 100 Hong Kong dollars"),
}
GDP_OLD_COLS = {
    "国内生产总值": ("gdp", "亿元", "Gross domestic product (国内生产总值), current prices"),
    "国民总收入": ("gni", "亿元", "Gross national income (国民总收入), current prices"),
    "第一产业增加值": ("va_primary", "亿元", "Value added, primary industry (第一产业增加值)"),
    "第二产业增加值": ("va_secondary", "亿元", "Value added, secondary industry (第二产业增加值)"),
    "第三产业增加值": ("va_tertiary", "亿元", "Value added, tertiary industry (第三产业增加值)"),
    "人均国内生产总值": ("gdp_per_capita", "元", "GDP per capita (人均国内生产总值)"),
}
GDP_NEW_COLS = {f"{zh}(亿元)" if unit == "亿元" else f"{zh}(元)": (s, unit, d)
                for zh, (s, unit, d) in GDP_OLD_COLS.items()}
BPM5_COLS = {
    "经常项目差额(贷-借)": ("bpm5_current_account", "Current account balance (经常项目差额)"),
    "经常项目货物和服务差额(贷-借)": ("bpm5_goods_and_services", "Goods and services balance (货物和服务差额)"),
    "经常项目货物差额(贷-借)": ("bpm5_goods", "Goods balance (货物差额)"),
    "经常项目服务差额(贷-借)": ("bpm5_services", "Services balance (服务差额)"),
    "经常项目收益差额(贷-借)": ("bpm5_income", "Income balance (收益差额)"),
    "经常项目经常转移差额(贷-借)": ("bpm5_current_transfers", "Current transfers balance (经常转移差额)"),
}
FISCAL_REV_COLS = {
    "中央财政收入": ("central_revenue", "亿元", "Central government fiscal revenue (中央财政收入)"),
    "地方财政收入": ("local_revenue", "亿元", "Local government fiscal revenue (地方财政收入)"),
    "全国财政收入": ("fiscal_revenue", "亿元", "National fiscal revenue (全国财政收入)"),
    "中央财政收入比重": ("central_revenue_share_pct", "%",
                  "Central share of national fiscal revenue (中央财政收入比重)"),
    "地方财政收入比重": ("local_revenue_share_pct", "%", "Local share of national fiscal revenue (地方财政收入比重)"),
}
FISCAL_EXP_COLS = {
    "中央财政支出": ("central_expenditure", "亿元", "Central government fiscal expenditure (中央财政支出)"),
    "地方财政支出": ("local_expenditure", "亿元", "Local government fiscal expenditure (地方财政支出)"),
    "全国财政支出": ("fiscal_expenditure", "亿元", "National fiscal expenditure (全国财政支出)"),
    "中央财政支出比重": ("central_expenditure_share_pct", "%",
                  "Central share of national fiscal expenditure (中央财政支出比重)"),
    "地方财政支出比重": ("local_expenditure_share_pct", "%",
                  "Local share of national fiscal expenditure (地方财政支出比重)"),
}
FISCAL_TOT_COLS = {
    "财政收入": ("fiscal_revenue", "亿元", "National fiscal revenue (财政收入)"),
    "财政支出": ("fiscal_expenditure", "亿元", "National fiscal expenditure (财政支出)"),
    "财政收入增长速度": ("fiscal_revenue_growth_pct", "%", "Growth of national fiscal revenue (财政收入增长速度)"),
    "财政支出增长速度": ("fiscal_expenditure_growth_pct", "%",
                  "Growth of national fiscal expenditure (财政支出增长速度)"),
}


def _year(cell, where: str) -> int:
    m = re.fullmatch(r"\s*(\d{4})\s*年?\s*", str(cell))
    if not m:
        raise SourceFormatError(f"{where}: year cell {cell!r} is not like 1993年")
    return int(m.group(1))


def _num(cell, where: str) -> float | None:
    if cell is None:
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    s = str(cell).strip()
    if s == "":
        return None
    try:
        return float(s)
    except ValueError:
        raise SourceFormatError(f"{where}: not a number: {cell!r}") from None


def _wide_rows(header: list, body: list[tuple[int, list]], path: Path, cols: dict, source_id: str,
               vintage: str, year_label: str | None = None) -> list[dict]:
    """Turn a year x indicator grid into tidy records. ``body``: (line number, cells)."""
    names = [str(h).strip() if h is not None else "" for h in header]
    if names[0] not in ("", year_label or ""):
        raise SourceFormatError(f"{path}: first header cell {header[0]!r}, expected empty or {year_label!r}")
    missing = [c for c in cols if c not in names]
    if missing:
        raise SourceFormatError(f"{path}: column(s) {missing} not in header {names}")
    idx = {c: names.index(c) for c in cols}
    out, seen = [], set()
    for line, cells in body:
        if not cells or all(c in (None, "") for c in cells):
            continue
        year = _year(cells[0], f"{path} line {line}")
        if year in seen:
            raise SourceFormatError(f"{path} line {line}: year {year} appears twice")
        seen.add(year)
        for col, spec in cols.items():
            series, unit = spec[0], spec[1]
            v = _num(cells[idx[col]] if idx[col] < len(cells) else None, f"{path} line {line} column {col}")
            if v is None:
                continue
            out.append({"geo_code": NATIONAL, "year": year, "quarter": pd.NA, "series": series, "value": v,
                        "unit": unit, "source_id": source_id, "vintage": vintage})
    return out


def read_csv_grid(path: Path, cols: dict, source_id: str, vintage: str, year_label: str | None = None,
                  encoding: str = "utf-8") -> list[dict]:
    with open(require(path), encoding=encoding, newline="") as fh:
        lines = list(csv.reader(fh))
    return _wide_rows(lines[0], [(i + 2, r) for i, r in enumerate(lines[1:])], path, cols, source_id, vintage,
                      year_label)


def read_xlsx_grid(path: Path, cols: dict, source_id: str, vintage: str) -> list[dict]:
    wb = openpyxl.load_workbook(require(path), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    # the sheets have no year header: row 1 = indicator names (first cell empty), column A = "2010年"
    return _wide_rows(rows[0], [(i + 2, r) for i, r in enumerate(rows[1:])], path, cols, source_id, vintage)


def nbs_sources() -> dict[str, Source]:
    def yyz(id_, title, table, file, notes, folder=YYZ, commit="bece4b18"):
        return Source(id=id_, title=title, publisher="National Bureau of Statistics of China (NBS)",
                      table=f"NBS 年度数据 (hgnd): {table}", address=NBS_ADDRESS,
                      raw_files=[f"{folder}/{file}"], vintage=YYZ_VINTAGE, licence=NBS_LICENCE, trust="HIGH",
                      via=f"{YYZ_VIA}" + (f"; file last changed in commit {commit}" if commit else ""),
                      notes=notes)

    def zh(id_, title, table, file, notes):
        return Source(id=id_, title=title, publisher="National Bureau of Statistics of China (NBS)",
                      table=f"NBS 年度数据 (hgnd): {table}", address=NBS_ADDRESS, raw_files=[f"{ZH}/{file}"],
                      vintage=ZH_VINTAGE, licence=NBS_LICENCE, trust="HIGH", via=ZH_VIA, notes=notes)

    return {s.id: s for s in [
        yyz("nbs_hgnd_trade_2018", "货物进出口总额 / Customs exports, imports, balance and total trade, national",
            "对外经济贸易 > 货物进出口总额 (data from the General Administration of Customs)", "货物进出口总额.csv",
            "Units not in the file: RMB columns 亿元, USD columns 百万美元 (1993 exports 91744 = 91.7 bn USD). "
            "USD figures equal WDI TX/TM.VAL.MRCH.CD.WT 1989-2014 to within rounding. 1978-2014. "
            "Identical copy also in trade/yiyuezhuo__National-Data.", commit="5693bf42"),
        yyz("nbs_hgnd_fie_trade_2018", "外商投资企业货物进出口总额 / Trade of foreign-invested enterprises, national",
            "对外经济贸易 > 外商投资企业货物进出口总额", "外商投资企业货物进出口总额.csv",
            "Unit 百万美元 (2012 FIE exports 1,022,620 = 1.02 trillion USD). Early years empty.",
            folder=YYZ_TRADE, commit=None),
        yyz("nbs_hgnd_fx_2018", "人民币汇率(年平均价) / Official annual average exchange rates of the RMB",
            "对外经济贸易 > 人民币汇率(年平均价)", "人民币汇率(年平均价).csv",
            "Yuan per 100 units of foreign currency (USD 1993 = 576.2, i.e. 5.762 yuan per US$); 1978-1984 empty; "
            "the 1994 unification jump shows as 576.2 -> 861.87."),
        yyz("nbs_hgnd_gdp_2018", "国内生产总值 / GDP, GNI and value added, national (old vintage)",
            "国民经济核算 > 国内生产总值", "国内生产总值.csv",
            "OLD VINTAGE: before the 2018 economic-census revision (1993 GDP 35524.3 vs 35673.2 now). "
            "Never splice with the latest-revision series (source nbs_gdp_latest).", commit="5693bf42"),
        yyz("nbs_hgnd_bop_bpm5_2018", "经常项目差额(贷-借) / Current account and components, BPM5 basis",
            "国民经济核算 > 国际收支平衡表 > 差额(贷-借) > 经常项目差额(贷-借)", "经常项目差额(贷-借).csv",
            "BPM5 basis (old manual) in 万美元 (1993 CA = -1190400 = -11.9 bn USD); differs from the SAFE BPM6 "
            "file in the goods/services split. 1982-2014 (1978-1981 empty). Only the main components are "
            "extracted (the file also has 17 service and transfer sub-items)."),
        yyz("nbs_hgnd_fiscal_revenue_2018", "中央和地方财政收入及比重 / Central and local fiscal revenue and shares",
            "财政 > 中央和地方财政收入及比重", "中央和地方财政收入及比重.csv",
            "亿元 and %. Shares as published: some years carry the full computed ratio (22.0170385955 for 1993), "
            "others one decimal; shares for 2012-2014 are empty in the scrape (gaps). 1994 tax-sharing break: "
            "central share 22.0 % (1993) -> 55.7 % (1994)."),
        yyz("nbs_hgnd_fiscal_expenditure_2018",
            "中央和地方财政支出及比重 / Central and local fiscal expenditure and shares",
            "财政 > 中央和地方财政支出及比重", "中央和地方财政支出及比重.csv",
            "亿元 and %. Shares for 2012-2014 are empty in the scrape (gaps)."),
        yyz("nbs_hgnd_fiscal_total_2018", "国家财政收支总额及增长速度 / National fiscal revenue and expenditure, growth",
            "财政 > 国家财政收支总额及增长速度", "国家财政收支总额及增长速度.csv", "亿元 and % growth.",
            commit="5693bf42"),
        zh("nbs_hgnd_trade_2023", "货物进出口总额 / Customs exports, imports, balance and total trade, national",
           "对外经济贸易 > 货物进出口总额", "货物进出口总额.xlsx",
           "2010-2022. No year header row (column A holds 2010年 ...). RMB 亿元, USD 百万美元; USD values to "
           "2020 rounded to the million. 2022 USD balance empty (gap). 2022 total trade 6,309,600 million USD."),
        zh("nbs_hgnd_fie_trade_2023", "外商投资企业货物进出口总额 / Trade of foreign-invested enterprises, national",
           "对外经济贸易 > 外商投资企业货物进出口总额", "外商投资企业货物进出口总额.xlsx", "2010-2022, 百万美元."),
        zh("nbs_hgnd_fx_2023", "人民币汇率(年平均价) / Official annual average exchange rates of the RMB",
           "对外经济贸易 > 人民币汇率(年平均价)", "人民币汇率(年平均价).xlsx",
           "2010-2022, yuan per 100 units of foreign currency."),
        Source(id="nbs_gdp_latest", title="国内生产总值 / GDP, GNI and value added, national (latest revision)",
               publisher="National Bureau of Statistics of China (NBS)",
               table="NBS 年度数据: 国民经济核算 > 国内生产总值 (export)", address=NBS_ADDRESS,
               raw_files=[f"{FYG}/gdp_year.csv"], vintage=FYG_GDP_VINTAGE, licence=NBS_LICENCE, trust="HIGH",
               via="GitHub fisheryounggod/gitdata @023de0f (china/gdp/gdp_year.csv, last changed 047ff86, 2024-10-29)",
               notes=("Latest revised vintage (1993 GDP 35673.2; 2023 1260582.1), 1952-2023 (1950-1951 rows "
                      "empty). Exact download date unknown. The 不变价国内生产总值 column is not extracted: its "
                      "base year is undocumented and it jumps between bases (1990 11148.3 -> 1991 20621).")),
        Source(id="fyg_fx_derived", title="CNY per USD, annual average of monthly closing rates (derived)",
               publisher="fisheryounggod/gitdata (computed by the repository author from monthly rates)",
               table="china/ex_rate/ex_rate_year.csv (average of 月度中美汇率 收市)",
               address="https://github.com/fisheryounggod/gitdata/blob/023de0f0f81dde90551d975fcc2fd378c3a80801/"
                       "china/ex_rate/ex_rate_year.csv",
               raw_files=[f"{FYG}/ex_rate_year.csv"], vintage=FYG_FX_VINTAGE,
               licence="No licence file; derived from official exchange rates.", trust="LOW-MEDIUM",
               secondary=True, via="GitHub fisheryounggod/gitdata @023de0f (last changed 04df812, 2024-10-30)",
               notes=("NOT an official annual average (1993: 5.7646 vs NBS 5.7620; 1981: 1.7260 vs NBS 1.7050). "
                      "Kept only for 2015-2024 as PROVENANCE advises; 1981-2014 are listed in exclusions.csv. "
                      "Prefer WDI PA.NUS.FCRF or NBS 人民币汇率(年平均价).")),
    ]}


def build_nbs(src: Path) -> tuple[Table, list[Exclusion]]:
    recs: list[dict] = []
    bpm5 = {k: (s, "万美元", d) for k, (s, d) in BPM5_COLS.items()}
    plan = [  # (reader, path, columns, source_id, vintage)
        (read_csv_grid, src / YYZ / "货物进出口总额.csv", TRADE_COLS, "nbs_hgnd_trade_2018", YYZ_VINTAGE),
        (read_csv_grid, src / YYZ_TRADE / "外商投资企业货物进出口总额.csv", FIE_COLS, "nbs_hgnd_fie_trade_2018",
         YYZ_VINTAGE),
        (read_csv_grid, src / YYZ / "人民币汇率(年平均价).csv", FX_COLS, "nbs_hgnd_fx_2018", YYZ_VINTAGE),
        (read_csv_grid, src / YYZ / "国内生产总值.csv", GDP_OLD_COLS, "nbs_hgnd_gdp_2018", YYZ_VINTAGE),
        (read_csv_grid, src / YYZ / "经常项目差额(贷-借).csv", bpm5, "nbs_hgnd_bop_bpm5_2018", YYZ_VINTAGE),
        (read_csv_grid, src / YYZ / "中央和地方财政收入及比重.csv", FISCAL_REV_COLS, "nbs_hgnd_fiscal_revenue_2018",
         YYZ_VINTAGE),
        (read_csv_grid, src / YYZ / "中央和地方财政支出及比重.csv", FISCAL_EXP_COLS,
         "nbs_hgnd_fiscal_expenditure_2018", YYZ_VINTAGE),
        (read_csv_grid, src / YYZ / "国家财政收支总额及增长速度.csv", FISCAL_TOT_COLS, "nbs_hgnd_fiscal_total_2018",
         YYZ_VINTAGE),
        (read_xlsx_grid, src / ZH / "货物进出口总额.xlsx", TRADE_COLS, "nbs_hgnd_trade_2023", ZH_VINTAGE),
        (read_xlsx_grid, src / ZH / "外商投资企业货物进出口总额.xlsx", FIE_COLS, "nbs_hgnd_fie_trade_2023", ZH_VINTAGE),
        (read_xlsx_grid, src / ZH / "人民币汇率(年平均价).xlsx", FX_COLS, "nbs_hgnd_fx_2023", ZH_VINTAGE),
    ]
    series: list[SeriesInfo] = []
    srcs = nbs_sources()
    for reader, path, cols, sid, vin in plan:
        recs.extend(reader(path, cols, sid, vin))
        for _col, (name, unit, desc) in cols.items():
            series.append(SeriesInfo(name, unit, f"{desc}; national; {srcs[sid].title.split(' / ')[0]}, {vin}",
                                     sid, vin, label=desc.split(" (")[0]))
    # latest-revision GDP (file has a BOM and a 时间 year column)
    recs.extend(read_csv_grid(src / FYG / "gdp_year.csv", GDP_NEW_COLS, "nbs_gdp_latest", FYG_GDP_VINTAGE,
                              year_label="时间", encoding="utf-8-sig"))
    for _col, (name, unit, desc) in GDP_NEW_COLS.items():
        series.append(SeriesInfo(name, unit, f"{desc}; national; NBS latest revision (as of 2024)",
                                 "nbs_gdp_latest", FYG_GDP_VINTAGE, label=desc.split(" (")[0]))
    # derived exchange rate: 2015-2024 kept, earlier years excluded (official averages exist)
    exclusions = []
    fx = read_csv_grid(src / FYG / "ex_rate_year.csv", {"ex_rate": ("fx_cny_per_usd_derived", "元/美元", "")},
                       "fyg_fx_derived", FYG_FX_VINTAGE, year_label="year")
    for r in fx:
        if r["year"] >= 2015:
            recs.append(r)
        else:
            exclusions.append(Exclusion(
                "fyg_fx_derived", NATIONAL, r["year"], "fx_cny_per_usd_derived", repr(r["value"]),
                "derived average of monthly closing rates, not an official annual average; official averages "
                "for this year are in national_wdi (fx_cny_per_usd) and national_nbs (fx_cny_per_100usd); "
                "PROVENANCE keeps this file for 2015-2024 cross-checks only"))
    series.append(SeriesInfo(
        "fx_cny_per_usd_derived", "元/美元",
        "Yuan per US$, annual average of monthly closing rates computed by a third party (not official); "
        "2015-2024 only", "fyg_fx_derived", FYG_FX_VINTAGE, label="Yuan per US$ (derived, unofficial)"))
    table = Table(
        name="national_nbs",
        title="China national statistics (NBS): customs trade, exchange rates, GDP, fiscal centralisation, BPM5 "
              "current account",
        description=("National annual series from the NBS database in the units it publishes: customs exports, "
                     "imports, balance and total in 亿元 (*_cny) and 百万美元 (*_usd); trade of foreign-invested "
                     "enterprises; official annual average exchange rates (yuan per 100 units); GDP, GNI and value "
                     "added in two vintages (scraped 2018, pre-census revision; latest revision); central and local "
                     "fiscal revenue and expenditure with shares (the 1994 tax-sharing reform); the BPM5 current "
                     "account in 万美元. Overlapping years from two scrapes are both kept, each with its source_id "
                     "and vintage."),
        rows=pd.DataFrame.from_records(recs), sources=list(srcs.values()), series=series,
        exclusions=exclusions)
    return table, exclusions


# ---------------------------------------------------------------------------------------------
# GACC monthly table (5), December 2019
# ---------------------------------------------------------------------------------------------

GACC_FILE = "customs_tables/GACC_en_T05_customs_regime_2019-12.csv"
GACC_ID = "gacc_t05_2019_12"
GACC_VINTAGE = "GACC monthly table (5), December 2019 release"


def build_gacc(src: Path) -> Table:
    path = require(src / GACC_FILE)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["province", "year", "period", "series", "value", "unit", "source_url"]
    if list(raw.columns) != expected:
        raise SourceFormatError(f"{path}: columns {list(raw.columns)}, expected {expected}")
    recs = []
    for i, r in raw.iterrows():
        if r["unit"] != "thousand USD":
            raise SourceFormatError(f"{path} line {i + 2}: unit {r['unit']!r}, expected 'thousand USD'")
        if not r["province"].startswith("China"):
            raise SourceFormatError(f"{path} line {i + 2}: province {r['province']!r}, expected the national total")
        if r["period"] != "1-12":
            continue   # the December-only month: the tidy format has no months
        if r["series"] not in ("exports", "imports"):
            raise SourceFormatError(f"{path} line {i + 2}: series {r['series']!r}, expected exports or imports")
        recs.append({"geo_code": NATIONAL, "year": int(r["year"]), "quarter": pd.NA,
                     "series": f"customs_{r['series']}_usd", "value": _num(r["value"], f"{path} line {i + 2}"),
                     "unit": "千美元", "source_id": GACC_ID, "vintage": GACC_VINTAGE})
    if len(recs) != 2:
        raise SourceFormatError(f"{path}: expected 2 rows for period 1-12 (exports, imports), found {len(recs)}")
    source = Source(
        id=GACC_ID, title="(5) Imports and Exports by Customs Regime, 12. 2019 — TOTAL row",
        publisher="General Administration of Customs of China (GACC)",
        table="GACC English monthly table (5), December 2019, TOTAL row, columns 1to12",
        address="http://english.customs.gov.cn/Statics/4b033d6b-9973-499c-8215-b23d74a68363.html",
        raw_files=[GACC_FILE], vintage=GACC_VINTAGE, licence="Official statistics (GACC); cite China Customs.",
        trust="HIGH", via="page copy kept in ../shared/sources/customs_tables (thousands separators dropped)",
        notes=("National only. The December-only column is not kept (the tidy format has no months). "
               "Exports + imports = 4,576,126,041 thousand USD, 0.04 % below the later revised 31-province sum "
               "of NBS A060101 for 2019."))
    return Table(
        name="national_gacc",
        title="China's customs exports and imports, January-December 2019 (GACC monthly table, thousand USD)",
        description=("The national TOTAL row of GACC's table (5) 'Imports and Exports by Customs Regime' for "
                     "December 2019, cumulative January-December: the first official release of the 2019 totals."),
        rows=pd.DataFrame.from_records(recs), sources=[source],
        series=[SeriesInfo("customs_exports_usd", "千美元", "Customs exports of goods, January-December, GACC "
                           "monthly release", GACC_ID, GACC_VINTAGE, label="Customs exports"),
                SeriesInfo("customs_imports_usd", "千美元", "Customs imports of goods, January-December, GACC "
                           "monthly release", GACC_ID, GACC_VINTAGE, label="Customs imports")])


def build(src: Path) -> list[Table]:
    src = Path(src)
    nbs, _ = build_nbs(src)
    return [build_bop(src), build_wdi(src), nbs, build_gacc(src)]
