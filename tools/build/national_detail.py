"""Detail below the national totals, from raw files other builders read only for their totals.

* ``national_bop_services``: SAFE BPM6 time series, annual US-dollar sheet, the twelve services
  items (1.A.b.1 加工服务 ... 1.A.b.12 别处未提及的政府货物和服务), balance, credit and debit,
  1982-2023 (亿美元). Before 1982 the workbook puts all services under "other business services"
  (its note 7): those years are not kept.
* ``national_customs_regime``: GACC English monthly table (5) "Imports and Exports by Customs Regime",
  December 2019, cumulative January-December, every regime row (千美元). The page copy (.txt) is read;
  its TOTAL row must equal the CSV's TOTAL row that ``tools.build.national`` uses.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers import provinces
from .core import SeriesInfo, Source, SourceFormatError, Table, require, workbook
from .national import BOP_FILE, BOP_VINTAGE, GACC_FILE, _norm

NATIONAL = provinces.NATIONAL_CODE

# ---------------------------------------------------------------------------------------------
# SAFE services by type
# ---------------------------------------------------------------------------------------------

SERVICES_ID = "safe_bop_bpm6_services"
SERVICES_SHEET = "年度BOP（美元）"
SERVICES_FIRST_YEAR = 1982
#: row label (whitespace removed) -> (series stem, English name)
SERVICES_ITEMS = [
    ("1.A.b.1加工服务", "bop_services_manufacturing", "Manufacturing services on inputs owned by others (加工服务)"),
    ("1.A.b.2维护和维修服务", "bop_services_maintenance", "Maintenance and repair services (维护和维修服务)"),
    ("1.A.b.3运输", "bop_services_transport", "Transport (运输)"),
    ("1.A.b.4旅行", "bop_services_travel", "Travel (旅行)"),
    ("1.A.b.5建设", "bop_services_construction", "Construction (建设)"),
    ("1.A.b.6保险和养老金服务", "bop_services_insurance", "Insurance and pension services (保险和养老金服务)"),
    ("1.A.b.7金融服务", "bop_services_financial", "Financial services (金融服务)"),
    ("1.A.b.8知识产权使用费", "bop_services_ip_charges",
     "Charges for the use of intellectual property (知识产权使用费)"),
    ("1.A.b.9电信、计算机和信息服务", "bop_services_telecom_computer",
     "Telecommunications, computer and information services (电信、计算机和信息服务)"),
    ("1.A.b.10其他商业服务", "bop_services_other_business", "Other business services (其他商业服务)"),
    ("1.A.b.11个人、文化和娱乐服务", "bop_services_personal_cultural",
     "Personal, cultural and recreational services (个人、文化和娱乐服务)"),
    ("1.A.b.12别处未提及的政府货物和服务", "bop_services_government", "Government goods and services n.i.e. "
     "(别处未提及的政府货物和服务)"),
]


def build_services(src: Path) -> Table:
    path = require(src / BOP_FILE)
    wb = workbook(path)
    ws = next((w for w in wb.worksheets if w.title.strip() == SERVICES_SHEET), None)
    if ws is None:
        raise SourceFormatError(f"{path}: sheet {SERVICES_SHEET!r} not found")
    hdr = next((r for r in range(1, 15) if _norm(ws.cell(r, 1).value) == "项目"), None)
    if hdr is None:
        raise SourceFormatError(f"{path} sheet {SERVICES_SHEET!r}: no header row with 项目 in column A")
    years = {c: int(ws.cell(hdr, c).value) for c in range(2, ws.max_column + 1)
             if isinstance(ws.cell(hdr, c).value, (int, float)) and ws.cell(hdr, c).value >= SERVICES_FIRST_YEAR}
    labels = {_norm(ws.cell(r, 1).value): r for r in range(hdr + 1, ws.max_row + 1)}
    recs = []
    for label, stem, _name in SERVICES_ITEMS:
        if label not in labels:
            raise SourceFormatError(f"{path} sheet {SERVICES_SHEET!r}: row label {label!r} not found in column A")
        r = labels[label]
        for off, kind, zh in ((0, "", None), (1, "_credit", "贷方"), (2, "_debit", "借方")):
            if zh and _norm(ws.cell(r + off, 1).value) != zh:
                raise SourceFormatError(f"{path} sheet {SERVICES_SHEET!r} row {r + off}: expected {zh} under "
                                        f"{label!r}, found {ws.cell(r + off, 1).value!r}")
            for c, y in years.items():
                v = ws.cell(r + off, c).value
                if v is None or (isinstance(v, str) and v.strip() in {"", "/", "-"}):
                    continue
                if isinstance(v, str):
                    raise SourceFormatError(f"{path} sheet {SERVICES_SHEET!r} row {r + off} column {c} ({y}): "
                                            f"not a number: {v!r}")
                recs.append({"geo_code": NATIONAL, "year": y, "quarter": pd.NA, "series": stem + kind,
                             "value": float(v), "unit": "亿美元", "source_id": SERVICES_ID, "vintage": BOP_VINTAGE})
    source = Source(
        id=SERVICES_ID, title="中国国际收支平衡表时间序列(BPM6): 服务 by type / China's BoP time series (BPM6), "
                              "services by type",
        publisher="State Administration of Foreign Exchange (SAFE, 国家外汇管理局)",
        table=f"中国国际收支平衡表时间序列(BPM6), sheet {SERVICES_SHEET}, rows 1.A.b.1-1.A.b.12",
        address="https://www.safe.gov.cn (统计数据 > 国际收支平衡表时间序列(BPM6); exact page address not recorded)",
        raw_files=[BOP_FILE], vintage=BOP_VINTAGE,
        licence="Official statistics (SAFE); cite the State Administration of Foreign Exchange.", trust="HIGH",
        via="GitHub fisheryounggod/gitdata @023de0f (byte copy of the SAFE workbook, last changed a6392fb, 2024-10-28)",
        notes=("Same workbook and vintage as safe_bop_bpm6 (the March-2024 vintage). Credits positive, debits "
               "negative, balance = credit + debit. Kept from 1982: for 1950-1981 the workbook's note 7 says "
               "services could not be split and were all put under other business services."))
    series = [SeriesInfo(stem + kind, "亿美元", f"{name}, {what}, BPM6, annual, US-dollar sheet of the SAFE time "
                         "series", SERVICES_ID, BOP_VINTAGE, label=f"{name.split(' (')[0]}: {what}")
              for _l, stem, name in SERVICES_ITEMS
              for kind, what in (("", "balance"), ("_credit", "credit"), ("_debit", "debit (negative)"))]
    return Table(
        name="national_bop_services",
        title="China's services balance by type (SAFE BoP, BPM6), annual 1982-2023",
        description=("The twelve BPM6 services items of SAFE's time series (balance, credit, debit), 亿美元, "
                     "annual 1982-2023, same vintage as national_bop (revised release to 2023Q4)."),
        rows=pd.DataFrame.from_records(recs), sources=[source], series=series)


# ---------------------------------------------------------------------------------------------
# GACC table (5), customs regimes, December 2019
# ---------------------------------------------------------------------------------------------

REGIME_FILE = "customs_tables/GACC_en_T05_customs_regime_2019-12.txt"
REGIME_ID = "gacc_t05_2019_12_regimes"
REGIME_VINTAGE = "GACC monthly table (5), December 2019 release"
_NUM = r"(-|[\d,]+)"
_ROW = re.compile(rf"^(?P<label>[A-Za-z][A-Za-z ,\-]*?)\s+{_NUM}\s+{_NUM}\s+{_NUM}\s+{_NUM}\s*$")


def _slug(label: str) -> str:
    return re.sub(r"[^a-z]+", "_", label.lower()).strip("_")


def build_regimes(src: Path) -> Table:
    path = require(src / REGIME_FILE)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not any(ln.strip() == "Unit: US$1,000" for ln in lines[:5]):
        raise SourceFormatError(f"{path}: no line 'Unit: US$1,000' in the first 5 lines")
    recs, labels = [], []
    for i, ln in enumerate(lines, start=1):
        m = _ROW.match(ln.strip())
        if not m:
            continue
        label = m.group("label").strip()
        # columns: exports December, exports 1to12, imports December, imports 1to12
        for flow, cell in (("exports", m.group(3)), ("imports", m.group(5))):
            if cell == "-":
                continue   # not published for this regime: a gap
            recs.append({"geo_code": NATIONAL, "year": 2019, "quarter": pd.NA,
                         "series": f"customs_{flow}_{_slug(label)}_usd", "value": float(cell.replace(",", "")),
                         "unit": "千美元", "source_id": REGIME_ID, "vintage": REGIME_VINTAGE})
        labels.append((label, i))
    if not labels or labels[0][0] != "TOTAL":
        raise SourceFormatError(f"{path}: expected the TOTAL row first, found {labels[:1]}")
    df = pd.DataFrame.from_records(recs)
    csv = pd.read_csv(require(src / GACC_FILE), dtype=str)
    for flow in ("exports", "imports"):
        want = float(csv.loc[(csv["series"] == flow) & (csv["period"] == "1-12"), "value"].iloc[0])
        got = float(df.loc[df["series"] == f"customs_{flow}_total_usd", "value"].iloc[0])
        if got != want:
            raise SourceFormatError(f"{path} line {labels[0][1]}: TOTAL {flow} {got:,.0f} differs from "
                                    f"{GACC_FILE} ({want:,.0f})")
        rows = df[df["series"].str.startswith(f"customs_{flow}_") & (df["series"] != f"customs_{flow}_total_usd")]
        parts = rows["value"].sum()
        if abs(parts - want) > len(rows) / 2:        # each row rounded to the thousand dollars
            raise SourceFormatError(f"{path}: the {flow} regime rows sum to {parts:,.0f}, TOTAL is {want:,.0f}")
    df = df[~df["series"].str.contains("_total_")]          # the total is national_gacc's customs_*_usd
    source = Source(
        id=REGIME_ID, title="(5) Imports and Exports by Customs Regime, 12. 2019 — regime rows",
        publisher="General Administration of Customs of China (GACC)",
        table="GACC English monthly table (5), December 2019, regime rows, columns 1to12",
        address="http://english.customs.gov.cn/Statics/4b033d6b-9973-499c-8215-b23d74a68363.html",
        raw_files=[REGIME_FILE], vintage=REGIME_VINTAGE, licence="Official statistics (GACC); cite China Customs.",
        trust="HIGH", via="page copy kept in ../shared/sources/customs_tables (text as printed)",
        notes=("National only, January-December 2019. '-' cells (regime not used for that flow) are gaps. The TOTAL "
               "row equals the CSV used for national_gacc; the TOTAL itself is not repeated here."))
    label_of = {_slug(lb): lb for lb, _ in labels}
    series = [SeriesInfo(s, "千美元", f"Customs {s.split('_')[1]} under the regime '{label_of[s.split('_', 2)[2][:-4]]}'"
                         ", January-December 2019, GACC table (5)", REGIME_ID, REGIME_VINTAGE,
                         label=f"{label_of[s.split('_', 2)[2][:-4]]}: {s.split('_')[1]}")
              for s in df["series"]]
    return Table(
        name="national_customs_regime",
        title="China's customs exports and imports by customs regime, January-December 2019 (GACC, thousand USD)",
        description=("Regime rows of GACC's table (5) for December 2019, cumulative January-December: ordinary "
                     "trade, processing and assembling, processing with imported materials, border trade, bonded "
                     "logistics and the rest."),
        rows=df.reset_index(drop=True), sources=[source], series=series)


def build(src: Path) -> list[Table]:
    src = Path(src)
    return [build_services(src), build_regimes(src)]
