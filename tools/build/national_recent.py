"""Newest national figures (``national_recent/``): SAFE BoP releases 2023Q4-2026Q1, NBS GDP 2024-2025 and the
2025 average exchange rate, GACC customs totals 2023-2026.

Tables written:

* ``national_bop_releases``: one row per number published in a SAFE balance-of-payments release
  (preliminary and formal), from ``SAFE_BoP_releases_2023-2026_long.csv``. ``vintage`` names the
  release and its date (``SAFE 2025Q4 preliminary, released 2026-02-13``); ``source_id`` names the
  page the number was read from (SAFE's own site, or a mirror / news copy: those are secondary and
  their series end ``_secondary``). Never spliced with the SAFE workbook in ``national_bop``
  (the March-2024 vintage): later releases revised 2019 onwards twice, and both stay apart.
* ``national_recent``: NBS GDP 2024 (preliminary and final verified) and 2025 (preliminary), the
  2025 average yuan/USD rate and other communique figures, and GACC customs totals 2023-2026.
  The NBS figures come from news reports of the NBS releases (no stats.gov.cn page was seen), so
  they are secondary (series ``*_secondary``), as are the news reports of GACC's 2025 totals.

Series names reuse the workbook's (``bop_current_account``, ``bop_goods`` ...) where concept and unit
match (亿美元; ``_cny`` for 亿元). Other units as published get a suffix (``_usd_bn`` 十亿美元,
``_usd_mn`` 百万美元, ``_cny_bn`` 十亿元, ``_cny_trn`` 万亿元), cumulative periods a period suffix
(``_h1`` January-June, ``_q1_q3`` January-September; customs ``_m01_05`` = January-May, ``_m02`` =
February alone). Nothing is converted. Raw files and defects: ``national_recent/PROVENANCE.md``.
The ``DERIVED_`` files there are cross-checks (tests), never data.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from helpers import provinces
from .core import Exclusion, SeriesInfo, Source, SourceFormatError, Table, require

NATIONAL = provinces.NATIONAL_CODE
DIR = "national_recent"
SAFE_CSV = f"{DIR}/SAFE_BoP_releases_2023-2026_long.csv"
NBS_CSV = f"{DIR}/NBS_GDP_FX_2024-2025.csv"
GACC_CSV = f"{DIR}/GACC_customs_trade_2023-2026.csv"
SAFE_LICENCE = "Official statistics (SAFE); cite the State Administration of Foreign Exchange."

# ---------------------------------------------------------------------------------------------
# SAFE releases
# ---------------------------------------------------------------------------------------------

#: source_key -> (release date as written in the CSV, release date in the vintage string).
#: The vintage date is ISO (sortable) with its qualifier; "before D" when only a bound is known.
SAFE_DATES = {
    "S2023P": ("2024-02-18 (per Xinhua)", "2024-02-18 (date per Xinhua)"),
    "S2023F": ("2024-03-29", "2024-03-29"),
    "S24Q1P": ("2024-05-11 (page); 2024-05-10 (per Xinhua)", "2024-05-10 (date per Xinhua; page 2024-05-11)"),
    "S24Q1F": ("2024-07-10 (branch page)", "2024-07-10 (branch-page date)"),
    "S24Q2P": ("2024-09-20 (branch page)", "2024-09-20 (branch-page date)"),
    "S24Q2F": ("2024-10-05 (repost)", "2024-10-05 (repost date; SAFE's date not shown)"),
    "S24Q3F": ("not shown", "2024-12 (month per PROVENANCE; day not shown)"),
    "S24Q3F_bp": ("not shown", "2024-12 (month per PROVENANCE; day not shown)"),
    "S24Q3P": ("2024-11-08", "2024-11-08"),
    "S24Q4P": ("2025-02-14", "2025-02-14"),
    "S24Q4F": ("2025-03-28", "2025-03-28"),
    "S24Q4F_uc": (None, None),   # a commentary page quoting two releases: see UC_QUOTES
    "S25Q1P": ("2025-05-09", "2025-05-09"),
    "S25Q2P": ("2025-08-08", "2025-08-08"),
    "S25Q2F": ("2025-09-30", "2025-09-30"),
    "S25Q2F_et": ("2025-09-30", "2025-09-30"),
    "S25Q3P": ("2025-11-07", "2025-11-07"),
    "S25Q3F": ("2025-12-31 (branch page)", "2025-12-31 (branch-page date)"),
    "S25Q4P": ("2026-02-13", "2026-02-13"),
    "S25Q4F": ("2026-03-27 (from page address)", "2026-03-27 (date from page address)"),
    "S26Q1P": ("not shown (before 2026-06-26)", "before 2026-06-26 (date not shown)"),
    "S26Q1F": ("2026-06-26 (from page address)", "2026-06-26 (date from page address)"),
}
#: rows of the ucapital page (S24Q4F_uc) quote two other releases: release_kind -> (key whose vintage they carry)
UC_QUOTES = {"preliminary (as quoted)": "S24Q4P", "formal (revised 2023)": "S24Q4F"}
#: the whole page is left out (see PROVENANCE): reason
SAFE_EXCLUDED = {
    "S24Q3F": ("garbled repost: the page machine-substitutes words (每每账户 for 经常账户, 好意思元 for 美元), so "
               "which item each number belongs to is the transcriber's reading (LOW-MEDIUM trust); the formal "
               "Q1-Q3 2024 current account (241.3 bn USD) is kept from Xinhua (safe_2024q3_formal_xinhua)"),
}
OFFICIAL_TYPES = {"SAFE website", "SAFE website (branch page)", "SAFE website (search listing)"}

#: item -> (series base, English description); reuse of the workbook names where the concept matches
SAFE_ITEMS = {
    "current_account": ("bop_current_account", "Current account"),
    "goods_and_services": ("bop_goods_and_services", "Goods and services"),
    "goods": ("bop_goods", "Goods, BoP basis"),
    "services": ("bop_services", "Services"),
    "primary_income": ("bop_primary_income", "Primary income"),
    "secondary_income": ("bop_secondary_income", "Secondary income"),
    "capital_and_financial_account": ("bop_capital_financial_account",
                                      "Capital and financial account incl. reserve assets"),
    "capital_account": ("bop_capital_account", "Capital account"),
    "financial_account": ("bop_financial_account", "Financial account incl. reserve assets"),
    "financial_account_excl_reserves": ("bop_financial_account_non_reserve", "Non-reserve financial account"),
    "reserve_assets_increase": ("bop_reserve_assets_increase",
                                "Increase in reserve assets as stated in the text (positive = increase; the "
                                "workbook's bop_reserve_assets has the opposite sign)"),
}
#: CSV unit -> (unit symbol, series suffix)
SAFE_UNITS = {"USD_100m": ("亿美元", ""), "RMB_100m": ("亿元", "_cny"), "USD_bn": ("十亿美元", "_usd_bn"),
              "USD_mn": ("百万美元", "_usd_mn"), "RMB_bn": ("十亿元", "_cny_bn"), "RMB_trn": ("万亿元", "_cny_trn")}
#: period_kind -> (regex, suffix)
SAFE_PERIODS = {"quarter": (r"(\d{4})Q([1-4])", ""), "year": (r"(\d{4})()", ""),
                "half-year": (r"(\d{4})H1()", "_h1"), "three quarters": (r"(\d{4})Q1-Q3()", "_q1_q3")}
SAFE_COLUMNS = ["period", "period_kind", "item", "side", "value", "unit", "release_kind", "release_date",
                "release_title", "source_type", "trust", "source_file", "source_url", "source_key", "note"]


def _key_parts(key: str) -> tuple[str, str, str]:
    """S24Q3F_bp -> ('2024Q3', 'formal', 'bp'); S2023P -> ('2023Q4', 'preliminary', '')."""
    m = re.fullmatch(r"S(?:(\d{2})Q([1-4])|(2023))([PF])(?:_(\w+))?", key)
    if not m:
        raise ValueError(key)
    ref = f"20{m.group(1)}Q{m.group(2)}" if m.group(1) else "2023Q4"
    return ref, "preliminary" if m.group(4) == "P" else "formal", m.group(5) or ""


def safe_vintage(key: str) -> str:
    ref, kind, _ = _key_parts(key)
    return f"SAFE {ref} {kind}, released {SAFE_DATES[key][1]}"


def safe_source_id(key: str, source_type: str) -> str:
    ref, kind, extra = _key_parts(key)
    tag = {"bp": "xinhua", "et": "etnet", "uc": "ucapital"}.get(extra, "")
    if not tag:
        tag = "safe" if source_type in OFFICIAL_TYPES else {
            "mirror of SAFE English page": "mirror", "mirror of SAFE branch page": "mirror",
            "third-party reproduction of SAFE English text": "reproduction", "news agency (Xinhua)": "xinhua",
            "news agency (ETNet)": "etnet", "third-party repost of China News Service": "repost",
            "third-party repost, words machine-substituted": "garbled_repost"}[source_type]
    return f"safe_{ref.lower()}_{'prelim' if kind == 'preliminary' else 'formal'}_{tag}"


def _read_csv(path: Path, columns: list[str]) -> list[tuple[int, dict]]:
    with open(require(path), encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise SourceFormatError(f"{path}: columns {reader.fieldnames}, expected {columns}")
        return [(i + 2, r) for i, r in enumerate(reader)]


def _value(s: str, where: str) -> float:
    try:
        return float(s)
    except ValueError:
        raise SourceFormatError(f"{where}: value {s!r} is not a number") from None


def build_safe(src: Path) -> Table:
    path = src / SAFE_CSV
    recs, exclusions, sources, infos = [], [], {}, {}
    for line, r in _read_csv(path, SAFE_COLUMNS):
        where = f"{path} line {line}"
        key = r["source_key"]
        if key not in SAFE_DATES:
            raise SourceFormatError(f"{where}: unknown source_key {key!r}")
        vkey = UC_QUOTES.get(r["release_kind"], key) if key == "S24Q4F_uc" else key
        expect_date = SAFE_DATES[key][0] if vkey == key else None
        if expect_date is not None and r["release_date"] != expect_date:
            raise SourceFormatError(f"{where}: release_date {r['release_date']!r} for {key}, expected {expect_date!r}")
        for col, table in (("item", SAFE_ITEMS), ("unit", SAFE_UNITS), ("period_kind", SAFE_PERIODS)):
            if r[col] not in table:
                raise SourceFormatError(f"{where}: {col} {r[col]!r} not one of {list(table)}")
        if r["side"] not in ("balance", "credit", "debit"):
            raise SourceFormatError(f"{where}: side {r['side']!r}")
        rx, psuffix = SAFE_PERIODS[r["period_kind"]]
        m = re.fullmatch(rx, r["period"])
        if not m:
            raise SourceFormatError(f"{where}: period {r['period']!r} does not match period_kind {r['period_kind']!r}")
        year, quarter = int(m.group(1)), (int(m.group(2)) if m.group(2) else pd.NA)
        base, desc = SAFE_ITEMS[r["item"]]
        if r["item"] == "capital_and_financial_account" and r["release_kind"].startswith("preliminary"):
            base, desc = base + "_incl_neo", (desc + ", including net errors and omissions of the latest quarter "
                                              "(preliminary releases)")
        unit, usuffix = SAFE_UNITS[r["unit"]]
        official = r["source_type"] in OFFICIAL_TYPES
        side = "" if r["side"] == "balance" else "_" + r["side"]
        name = base + side + usuffix + psuffix + ("" if official else "_secondary")
        sid, vin = safe_source_id(key, r["source_type"]), safe_vintage(vkey)
        value = _value(r["value"], where)
        if key in SAFE_EXCLUDED:
            exclusions.append(Exclusion(sid, NATIONAL, year, name, r["value"] + f" {unit} ({r['period']})",
                                        SAFE_EXCLUDED[key]))
        else:
            recs.append({"geo_code": NATIONAL, "year": year, "quarter": quarter, "series": name, "value": value,
                         "unit": unit, "source_id": sid, "vintage": vin})
            period_txt = {"_h1": "January-June", "_q1_q3": "January-September"}.get(psuffix, "quarter or year")
            infos[(name, sid, vin)] = SeriesInfo(
                name, unit, f"{desc}, {r['side']}, BPM6, SAFE release as published ({period_txt}); "
                            f"{'SAFE website' if official else 'secondary copy: ' + r['source_type']}",
                sid, vin, label=f"{desc.split(' (')[0]}: {r['side']}" + ("" if official else " (secondary)"))
        if sid not in sources:
            sources[sid] = Source(
                id=sid, title=f"SAFE balance of payments release: {r['release_title']}",
                publisher="State Administration of Foreign Exchange (SAFE, 国家外汇管理局)"
                          + ("" if official else f"; copy: {r['source_type']}"),
                table=f"{_key_parts(key)[0]} {_key_parts(key)[1]} release (source_key {key})",
                address=r["source_url"], raw_files=[SAFE_CSV, f"{DIR}/{r['source_file']}"], vintage=vin,
                licence=SAFE_LICENCE, trust=r["trust"], secondary=not official,
                via=f"page excerpt {r['source_file']}, transcribed to the long CSV (numbers as published)",
                notes=("Release date as in the vintage; SDR figures on the page are not extracted; excerpts may "
                       "stop before the last items. " + ("Whole page left out (data/exclusions.csv): "
                                                         + SAFE_EXCLUDED[key] if key in SAFE_EXCLUDED else "")
                       + ("Quotes two releases: the preliminary 2024Q4 (2025-02-14) and the March-2025 "
                          "revision of 2023 (2025-03-28), each with that release's vintage." if key == "S24Q4F_uc"
                          else "")).strip())
    # the news agencies' "about ..." conversions in the page texts are not numbers of the release
    exclusions.append(Exclusion(
        "safe_2024q3_prelim_xinhua", NATIONAL, 2024, "bop_current_account_usd_bn_q1_q3_secondary", "about 240",
        "Xinhua's rounded dollar conversion ('about 240 billion US dollars') of the RMB figure 1.713 trillion "
        "yuan, which is kept; not a SAFE figure"))
    table = Table(
        name="national_bop_releases",
        title="China's balance of payments, SAFE releases 2023Q4-2026Q1 (preliminary and formal, each a vintage)",
        description=("Every number of SAFE's quarterly balance-of-payments releases from the 2023Q4 preliminary "
                     "(2024-02-18) to the 2026Q1 formal release (2026-06-26), as published: quarters, half-years "
                     "(_h1), first three quarters (_q1_q3) and years, in the units of the text (十亿美元, 十亿元, "
                     "百万美元) and of the tables (亿美元, 亿元). vintage = the release and its date. Copies on "
                     "mirrors and news sites are secondary (*_secondary). Not spliced with the SAFE time-series "
                     "workbook (national_bop, March-2024 vintage): the March-2025 and March-2026 releases revised "
                     "earlier quarters (2019 onwards in 2026), so values for the same period differ by vintage. "
                     "helpers.national.bop_latest() picks the latest published value per period."),
        rows=pd.DataFrame.from_records(recs), sources=list(sources.values()), series=list(infos.values()),
        exclusions=exclusions)
    return table


# ---------------------------------------------------------------------------------------------
# NBS GDP and exchange rate (news reports of NBS releases: secondary), GACC customs
# ---------------------------------------------------------------------------------------------

NBS_COLUMNS = ["year", "item", "value", "unit", "vintage", "release", "release_date", "publisher", "source_type",
               "trust", "source_file", "source_url", "note"]
#: item -> (series, unit symbol expected, CSV unit)
NBS_ITEMS = {
    "GDP, current prices": ("gdp_secondary", "亿元", "RMB_100m"),
    "GDP primary industry value added": ("va_primary_secondary", "亿元", "RMB_100m"),
    "GDP secondary industry value added": ("va_secondary_secondary", "亿元", "RMB_100m"),
    "GDP tertiary industry value added": ("va_tertiary_secondary", "亿元", "RMB_100m"),
    "GDP per capita": ("gdp_per_capita_secondary", "元", "RMB"),
    "GDP per capita at the annual average exchange rate": ("gdp_per_capita_usd_secondary", "美元", "USD"),
    "Gross national income": ("gni_cny_trn_secondary", "万亿元", "RMB_trn"),
    "RMB annual average exchange rate against USD (communique figure)":
        ("fx_cny_per_usd_secondary", "元/美元", "CNY per USD"),
    "Foreign exchange reserves, end of year": ("fx_reserves_usd_secondary", "亿美元", "USD_100m"),
}
#: (year, vintage column) -> vintage string (release and date)
NBS_VINTAGES = {
    (2024, "preliminary (初步核算)"): "NBS 2024 GDP, preliminary accounting (初步核算), released 2025-01-17",
    (2024, "final verified (最终核实)"): "NBS 2024 GDP, final verification (最终核实), released 2025-12-26",
    (2025, "*"): "NBS 2025 statistical communique (GDP preliminary), released 2026-02-28",
}
NBS_LICENCE = "Official statistics (NBS); cite the National Bureau of Statistics of China."
NBS_EXCLUDED = [Exclusion(
    "nbs_2025_communique_cna", NATIONAL, 2025, "gdp_usd_secondary", "about 20.01 trillion U.S. dollars",
    "Xinhua 2026-01-19 dollar figure for 2025 GDP (quoted in NBS_2025_communique__CNA_report.txt): does not "
    "equal 1401879 亿元 / 7.1429 (= 19.63 trillion); PROVENANCE: not used")]

GACC_COLUMNS = ["period", "period_kind", "flow", "value", "unit", "yoy_pct", "table", "publisher", "source_type",
                "trust", "source_file", "source_url", "note"]
GACC_UNITS = {"USD_1000": ("千美元", "usd", ""), "USD_bn": ("十亿美元", "usd", "_bn"),
              "USD_trn": ("万亿美元", "usd", "_trn"), "RMB_trn": ("万亿元", "cny", "_trn")}
GACC_FLOWS = {"exports": "exports", "imports": "imports", "balance": "balance", "total trade": "trade_total"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _gacc_period(period: str, where: str) -> tuple[int, str, str]:
    """'2024' -> (2024, '', 'year'); '2024-01..05' -> (2024, '_m01_05', 'January-May'); '2026-02' -> '_m02'."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:\.\.(\d{2}))?)?", period)
    if not m:
        raise SourceFormatError(f"{where}: period {period!r} is not like 2024, 2026-02 or 2024-01..05")
    y, a, b = int(m.group(1)), m.group(2), m.group(3)
    if a is None:
        return y, "", "year"
    if b is None:
        return y, f"_m{a}", MONTHS[int(a) - 1]
    return y, f"_m{a}_{b}", f"{MONTHS[int(a) - 1]}-{MONTHS[int(b) - 1]}"


def _gacc_source(r: dict) -> tuple[str, str, bool]:
    """(source_id, vintage, official) of one GACC CSV row."""
    if r["source_type"] == "GACC English statistics page":
        m = re.match(r"\((\d+)\) .*, (\d{1,2}-)?(\d{1,2})\.(\d{4})$", r["table"])
        if not m:
            raise SourceFormatError(f"GACC table {r['table']!r} is not like '(7) ..., 1-12.2024'")
        n, month, year = int(m.group(1)), int(m.group(3)), m.group(4)
        return (f"gacc_t{n:02d}_{year}_{month:02d}",
                f"GACC monthly table ({n}), {MONTHS[month - 1]} {year} release", True)
    tag = {"news (AP)": "ap", "secondary data site": "tradingeconomics", "news": "qhrb"}[r["source_type"]]
    return f"gacc_2025_annual_news_{tag}", "GACC 2025 annual release (2026-01-14), as reported", False


def build_recent(src: Path) -> Table:
    recs, infos, sources = [], {}, {}
    path = src / NBS_CSV
    for line, r in _read_csv(path, NBS_COLUMNS):
        where = f"{path} line {line}"
        if r["item"] not in NBS_ITEMS:
            raise SourceFormatError(f"{where}: item {r['item']!r} not one of {list(NBS_ITEMS)}")
        name, unit, csv_unit = NBS_ITEMS[r["item"]]
        if r["unit"] != csv_unit:
            raise SourceFormatError(f"{where}: unit {r['unit']!r} for {r['item']!r}, expected {csv_unit!r}")
        year = int(r["year"])
        vin = NBS_VINTAGES.get((year, r["vintage"])) or NBS_VINTAGES.get((year, "*"))
        if vin is None:
            raise SourceFormatError(f"{where}: vintage {r['vintage']!r} for {year} not known")
        release_date = re.search(r"released (\S+)", vin).group(1)
        if r["release_date"] != release_date:
            raise SourceFormatError(f"{where}: release_date {r['release_date']!r}, expected {release_date}")
        sid = {"2025-01-17": "nbs_2024_gdp_prelim_news", "2025-12-26": "nbs_2024_gdp_final_news"}.get(
            release_date, "nbs_2025_communique_cna" if "cna" in r["source_url"] else "nbs_2025_communique_jp")
        recs.append({"geo_code": NATIONAL, "year": year, "quarter": pd.NA, "series": name,
                     "value": _value(r["value"], where), "unit": unit, "source_id": sid, "vintage": vin})
        infos[(name, sid, vin)] = SeriesInfo(name, unit, f"{r['item']}; national; {r['release']} ({r['note']}); "
                                                         f"secondary copy: {r['source_type']}",
                                             sid, vin, label=r["item"] + " (secondary)")
        sources.setdefault(sid, Source(
            id=sid, title=f"{r['release']} (news report)", publisher=f"{r['publisher']}; copy: {r['source_type']}",
            table=r["release"], address=r["source_url"], raw_files=[NBS_CSV, f"{DIR}/{r['source_file']}"],
            vintage=vin, licence=NBS_LICENCE, trust=r["trust"], secondary=True,
            via=f"news page quoted in {r['source_file']}, transcribed to {NBS_CSV.split('/')[-1]}",
            notes=("No stats.gov.cn page seen (PROVENANCE): secondary. Figures as published; 兆/億 written as "
                   "亿元 in the CSV (140兆1879億元 = 1401879 亿元). 2025: industries sum to GDP; 99665 yuan / "
                   "13953 USD = 7.1429 (the communique's average rate).")))
    path = src / GACC_CSV
    for line, r in _read_csv(path, GACC_COLUMNS):
        where = f"{path} line {line}"
        if r["unit"] not in GACC_UNITS or r["flow"] not in GACC_FLOWS:
            raise SourceFormatError(f"{where}: unit {r['unit']!r} / flow {r['flow']!r} not known")
        unit, cur, usuffix = GACC_UNITS[r["unit"]]
        year, psuffix, ptxt = _gacc_period(r["period"], where)
        sid, vin, official = _gacc_source(r)
        sec = "" if official else "_secondary"
        base = f"customs_{GACC_FLOWS[r['flow']]}_{cur}"
        for name, val, u, what in ((base + usuffix + psuffix + sec, r["value"], unit, r["flow"]),
                                   (base + "_growth_pct" + psuffix + sec, r["yoy_pct"], "%",
                                    f"{r['flow']}, % change on the same period of the previous year")):
            if val == "":
                continue
            recs.append({"geo_code": NATIONAL, "year": year, "quarter": pd.NA, "series": name,
                         "value": _value(val, where), "unit": u, "source_id": sid, "vintage": vin})
            infos[(name, sid, vin)] = SeriesInfo(
                name, u, f"Customs {what}, national, {ptxt}; {r['table']}" + ("" if official else
                                                                              f"; secondary ({r['note']})"),
                sid, vin, label=f"Customs {what} ({ptxt})" + ("" if official else " (secondary)"))
        sources.setdefault(sid, Source(
            id=sid, title=(r["table"] + " — TOTAL row") if official else f"GACC 2025 annual data: {r['table']}",
            publisher=r["publisher"] + ("" if official else f"; copy: {r['source_type']}"), table=r["table"],
            address=r["source_url"], raw_files=[GACC_CSV, f"{DIR}/{r['source_file']}"], vintage=vin,
            licence="Official statistics (GACC); cite China Customs.", trust=r["trust"], secondary=not official,
            via="english.customs.gov.cn page, TOTAL row transcribed" if official else "news report, rounded",
            notes=("First-release table (later revised data differ slightly, e.g. WDI 2024 imports 0.08 % "
                   "higher)." if official else "Rounded press figures; no GACC table for full-year 2025 was found.")))
    return Table(
        name="national_recent",
        title="China national figures 2023-2026: NBS GDP 2024-2025 and 2025 exchange rate (news reports of NBS "
              "releases), GACC customs totals",
        description=("NBS GDP 2024 (preliminary 2025-01-17 and final verified 2025-12-26, separate vintages) and "
                     "2025 (communique 2026-02-28), 2025 value added, per-capita GDP, GNI, the 2025 average "
                     "yuan/USD rate 7.1429 and reserves: all from news reports of the NBS releases, hence "
                     "*_secondary. GACC customs TOTAL rows (千美元, official English tables) for 2023-2024 and "
                     "2026 months, with the year-on-year change; news figures for 2025 (rounded, *_secondary). "
                     "Partial-year periods carry a suffix: _m01_05 = January-May, _m02 = February alone."),
        rows=pd.DataFrame.from_records(recs), sources=list(sources.values()), series=list(infos.values()),
        exclusions=list(NBS_EXCLUDED))


def build(src: Path) -> list[Table]:
    src = Path(src)
    return [build_safe(src), build_recent(src)]
