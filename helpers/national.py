"""China's external position as a whole: current account, goods and services balances.

Everything here reads the tidy tables in ``data/`` (never the raw files):

* SAFE balance of payments, BPM6 basis (table ``national_bop``, 亿美元 = 100 million
  US dollars): annual 1950-2023 (balances split into goods and services from 1982),
  quarterly 1998Q1-2023Q4 (rows carry ``quarter``).
* GDP in US dollars, two ways (both kept so a reader can compare):

  - ``"nbs"`` (the default): NBS nominal GDP, latest revised vintage (亿元), divided by the
    official annual average yuan/US dollar rate (NBS 人民币汇率(年平均价), continued by
    World Bank PA.NUS.FCRF where the NBS series stops; see :func:`helpers.units.fx_rates`).
    It is the default because it covers every year of the SAFE series 1982-2023 and uses
    the revised (post-2018-census) GDP that SAFE's own ratios use.
  - ``"wdi"``: World Bank NY.GDP.MKTP.CD (US dollars); this mirror's vintage ends in 2022.

* There is **no quarterly GDP** in ``data/``. Quarterly and half-year balances are shown as
  levels in 亿美元; where a ratio is shown it divides by the *whole year's* GDP and the
  column name says so (``..._pct_of_annual_gdp``).

* Newest SAFE releases (table ``national_bop_releases``, 2023Q4-2026Q1, each release a vintage):
  :func:`bop_latest` gives the latest published value per period across workbook and releases;
  :func:`current_account_recent` the annual current account 2018-2025 + 2026Q1 and its % of GDP.

* Below the totals: :func:`services_by_type` (table ``national_bop_services``), :func:`dual_rate_caveat`
  (the 1994 unification of the exchange rate), :func:`revisions` (one period across every release),
  :func:`key_figures` (what chapter 6 glues).

>>> from helpers import national
>>> national.annual_balances().query("year == 2018")[["year", "current_account"]]
>>> national.episode_2018()["calendar_2018"]          # +241.31 亿美元: a surplus
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import data, schema, units

#: SAFE series (亿美元) -> short column name used in this module's frames.
BOP_SERIES = {
    "bop_current_account": "current_account",
    "bop_goods": "goods",
    "bop_services": "services",
    "bop_goods_and_services": "goods_and_services",
    "bop_primary_income": "primary_income",
    "bop_secondary_income": "secondary_income",
}
MAIN = ["current_account", "goods", "services", "goods_and_services"]
LABELS = {
    "current_account": "Current account",
    "goods": "Goods",
    "services": "Services",
    "goods_and_services": "Goods and services",
    "primary_income": "Primary income",
    "secondary_income": "Secondary income",
}
SAFE_SOURCE = "safe_bop_bpm6"
GDP_SOURCES = {
    "nbs": "NBS GDP (latest revision, 亿元) at the official annual average yuan/USD rate",
    "wdi": "World Bank WDI NY.GDP.MKTP.CD (current US$), mirror vintage ending 2022",
}
#: US dollars in one 亿美元 (100 million US dollars), the unit of every balance here.
USD_PER_100M = 1e8


class NationalDataError(LookupError):
    """A national series the analysis needs is not in data/."""


def _bop(data_dir: Path | None = None) -> pd.DataFrame:
    """The SAFE workbook's balances (亿美元), one vintage only (source ``safe_bop_bpm6``)."""
    frames = [data.series(s, source_id=SAFE_SOURCE, level="national", annual=False, data_dir=data_dir)
              for s in BOP_SERIES]
    df = pd.concat(frames, ignore_index=True)
    return df[df["unit"] == "亿美元"]


@data.cached_on_data
def annual_balances(data_dir: Path | None = None, start: int = 1982) -> pd.DataFrame:
    """Annual SAFE balances (亿美元), one row per year from ``start`` (goods/services split from 1982)."""
    df = _bop(data_dir)
    df = df[df["quarter"].isna() & (df["year"] >= start)]
    out = df.pivot_table(index="year", columns="series", values="value", aggfunc="first")
    out = out.rename(columns=BOP_SERIES).reset_index()
    out.columns.name = None
    return out[["year"] + [c for c in BOP_SERIES.values() if c in out.columns]]


@data.cached_on_data
def quarterly_balances(data_dir: Path | None = None) -> pd.DataFrame:
    """Quarterly SAFE balances (亿美元): year, quarter, period ('2018Q1'), one column per balance."""
    df = _bop(data_dir)
    df = df[df["quarter"].notna()]
    out = df.pivot_table(index=["year", "quarter"], columns="series", values="value", aggfunc="first")
    out = out.rename(columns=BOP_SERIES).reset_index()
    out.columns.name = None
    out["year"] = out["year"].astype(int)
    out["quarter"] = out["quarter"].astype(int)
    out.insert(2, "period", out["year"].astype(str) + "Q" + out["quarter"].astype(str))
    return out.sort_values(["year", "quarter"]).reset_index(drop=True)


def half_year_balances(data_dir: Path | None = None) -> pd.DataFrame:
    """Half-year sums of the quarterly balances (亿美元); a half needs both its quarters."""
    q = quarterly_balances(data_dir)
    q["half"] = (q["quarter"] > 2).astype(int) + 1
    cols = [c for c in BOP_SERIES.values() if c in q.columns]
    g = q.groupby(["year", "half"])
    out = g[cols].sum(min_count=1)
    out["n_quarters"] = g["quarter"].count()
    out = out[out["n_quarters"] == 2].drop(columns="n_quarters").reset_index()
    out.insert(2, "period", out["year"].astype(str) + "H" + out["half"].astype(str))
    return out


def gdp_usd(data_dir: Path | None = None) -> pd.DataFrame:
    """GDP in 亿美元 both ways: year, gdp_nbs_usd (NBS 亿元 / official rate), gdp_wdi_usd, cny_per_usd, fx_source.

    ``gdp_nbs_usd`` uses NBS GDP, latest revision (source ``nbs_gdp_latest``), never the 2018
    scrape (an older vintage, kept apart). ``diff_pct`` = NBS-based minus WDI, % of WDI.
    """
    latest = data.series("gdp", source_id="nbs_gdp_latest", level="national", data_dir=data_dir)
    if latest.empty:
        raise NationalDataError("data/ has no NBS GDP, latest revision (series gdp, source nbs_gdp_latest)")
    fx = units.fx_rates(data_dir)
    nbs = latest[["year", "value"]].rename(columns={"value": "gdp_cny_100m"}).merge(fx, on="year", how="inner")
    nbs["gdp_nbs_usd"] = nbs["gdp_cny_100m"] / nbs["cny_per_usd"]          # 亿元 / (元/美元) = 亿美元
    nbs = nbs.rename(columns={"source_id": "fx_source"})
    w = data.series("wdi_gdp_usd", level="national", data_dir=data_dir)
    w = pd.DataFrame({"year": w["year"], "gdp_wdi_usd": units.frame_usd(w) / USD_PER_100M})
    out = nbs.merge(w, on="year", how="outer").sort_values("year").reset_index(drop=True)
    out["diff_pct"] = (out["gdp_nbs_usd"] / out["gdp_wdi_usd"] - 1) * 100
    return out[["year", "gdp_cny_100m", "cny_per_usd", "fx_source", "gdp_nbs_usd", "gdp_wdi_usd", "diff_pct"]]


def annual_ratios(gdp_source: str = "nbs", data_dir: Path | None = None, start: int = 1982) -> pd.DataFrame:
    """Annual balances in 亿美元 and as % of GDP (``<balance>_pct_gdp``) with the chosen GDP source.

    Years without GDP in the chosen source keep their levels and get no ratio (a gap, not a guess).
    """
    if gdp_source not in GDP_SOURCES:
        raise ValueError(f"gdp_source must be one of {list(GDP_SOURCES)}, not {gdp_source!r}")
    b = annual_balances(data_dir, start=start)
    g = gdp_usd(data_dir)[["year", f"gdp_{gdp_source}_usd"]].rename(columns={f"gdp_{gdp_source}_usd": "gdp_usd"})
    out = b.merge(g, on="year", how="left")
    for c in BOP_SERIES.values():
        if c in out.columns:
            out[f"{c}_pct_gdp"] = out[c] / out["gdp_usd"] * 100
    out["gdp_source"] = gdp_source
    return out


def quarterly_with_annual_gdp(gdp_source: str = "nbs", data_dir: Path | None = None) -> pd.DataFrame:
    """Quarterly levels plus each quarter divided by the **whole year's** GDP (there is no quarterly GDP)."""
    q = quarterly_balances(data_dir)
    g = gdp_usd(data_dir)[["year", f"gdp_{gdp_source}_usd"]].rename(columns={f"gdp_{gdp_source}_usd": "annual_gdp_usd"})
    out = q.merge(g, on="year", how="left")
    for c in MAIN:
        out[f"{c}_pct_of_annual_gdp"] = out[c] / out["annual_gdp_usd"] * 100
    return out


def long_annual(gdp_source: str = "nbs", data_dir: Path | None = None, columns=MAIN) -> pd.DataFrame:
    """Long format for charts: year, balance (label), level_usd_100m, pct_gdp."""
    r = annual_ratios(gdp_source, data_dir)
    rows = []
    for c in columns:
        rows.append(pd.DataFrame({"year": r["year"], "balance": LABELS[c], "level_usd_100m": r[c],
                                  "pct_gdp": r[f"{c}_pct_gdp"]}))
    return pd.concat(rows, ignore_index=True)


def deficit_periods(freq: str = "annual", balance: str = "current_account",
                    data_dir: Path | None = None) -> pd.DataFrame:
    """Periods in which ``balance`` was negative: freq ``annual`` (from 1982), ``half`` or ``quarter`` (from 1998)."""
    if freq == "annual":
        df = annual_balances(data_dir).assign(period=lambda d: d["year"].astype(str))
    elif freq == "half":
        df = half_year_balances(data_dir)
    elif freq == "quarter":
        df = quarterly_balances(data_dir)
    else:
        raise ValueError(f"freq must be 'annual', 'half' or 'quarter', not {freq!r}")
    out = df[df[balance] < 0]
    return out[["period", "year", balance]].reset_index(drop=True)


def episode_2018(data_dir: Path | None = None) -> dict:
    """Exactly what the SAFE data say about a current-account deficit in 2018 (亿美元).

    Keys: q1_2018, q2_2018, h1_2018, h2_2018, calendar_2018 (the annual SAFE figure),
    sum_quarters_2018, last_annual_deficit_before_2018, annual_deficits_1994_2023,
    first_quarterly_deficit (with its value), quarterly_deficits (list of periods),
    half_year_deficits, half_year_deficits_before_2018, quarterly_deficits_after_2018,
    annual_2019_2023 (dict year -> value), first_quarterly_year, first_half_year ('1998H1'),
    n_half_years_before_2018, half_year_deficits_after_2018, n_annual_surpluses_1994_2017.
    Half-years exist only from 1998: whether any half of 1994-1997 was in deficit is not in these data.
    """
    a = annual_balances(data_dir, start=1950)
    q = quarterly_balances(data_dir)
    h = half_year_balances(data_dir)
    ca_a = a.set_index("year")["current_account"]
    ca_q = q.set_index("period")["current_account"]
    ca_h = h.set_index("period")["current_account"]
    qdef = q[q["current_account"] < 0]
    hdef = h[h["current_account"] < 0]
    adef = a[a["current_account"] < 0]
    first_q = qdef.iloc[0] if len(qdef) else None
    return {
        "q1_2018": float(ca_q.get("2018Q1")),
        "q2_2018": float(ca_q.get("2018Q2")),
        "q3_2018": float(ca_q.get("2018Q3")),
        "q4_2018": float(ca_q.get("2018Q4")),
        "h1_2018": float(ca_h.get("2018H1")),
        "h2_2018": float(ca_h.get("2018H2")),
        "calendar_2018": float(ca_a.get(2018)),
        "sum_quarters_2018": float(q.loc[q["year"] == 2018, "current_account"].sum()),
        "last_annual_deficit_before_2018": int(adef.loc[adef["year"] < 2018, "year"].max()),
        "last_annual_deficit_value": float(ca_a.get(int(adef.loc[adef["year"] < 2018, "year"].max()))),
        "annual_deficits_1994_2023": [int(y) for y in adef.loc[adef["year"] >= 1994, "year"]],
        "first_quarterly_year": int(q["year"].min()),
        "first_quarterly_deficit": None if first_q is None else str(first_q["period"]),
        "first_quarterly_deficit_value": None if first_q is None else float(first_q["current_account"]),
        "quarterly_deficits": list(qdef["period"]),
        "half_year_deficits": list(hdef["period"]),
        "half_year_deficits_before_2018": list(hdef.loc[hdef["year"] < 2018, "period"]),
        "quarterly_deficits_after_2018": list(qdef.loc[qdef["year"] > 2018, "period"]),
        "annual_2019_2023": {int(y): float(v) for y, v in ca_a.items() if 2019 <= y <= 2023},
        # what the half-year series (from 1998) can show: halves before 2018, none in deficit
        "first_half_year": str(h["period"].iloc[0]),
        "n_half_years_before_2018": int((h["year"] < 2018).sum()),
        "half_year_deficits_after_2018": list(hdef.loc[hdef["year"] > 2018, "period"]),
        "n_annual_surpluses_1994_2017": int(((a["year"].between(1994, 2017)) & (a["current_account"] > 0)).sum()),
    }


def peak_and_recent(gdp_source: str = "nbs", balance: str = "current_account", recent=(2018, 2023),
                    data_dir: Path | None = None) -> dict:
    """The peak of ``balance`` as % of GDP (1982 on) against the mean of the ``recent`` years, and the
    same comparison for the dollar level. Used for the claim that surplus capacity is "petering out"."""
    r = annual_ratios(gdp_source, data_dir)
    pct = f"{balance}_pct_gdp"
    r = r.dropna(subset=[pct])
    pk = r.loc[r[pct].idxmax()]
    lo, hi = recent
    rec = r[(r["year"] >= lo) & (r["year"] <= hi)]
    before = r[r["year"] < lo]
    pk_level = before.loc[before[balance].idxmax()]
    return {
        "balance": balance,
        "gdp_source": gdp_source,
        "peak_year": int(pk["year"]),
        "peak_pct_gdp": float(pk[pct]),
        "recent_years": [int(y) for y in rec["year"]],
        "recent_mean_pct_gdp": float(rec[pct].mean()),
        "recent_min_pct_gdp": float(rec[pct].min()),
        "recent_max_pct_gdp": float(rec[pct].max()),
        "peak_level_before_recent_year": int(pk_level["year"]),
        "peak_level_before_recent": float(pk_level[balance]),
        "recent_max_level": float(rec[balance].max()),
        "recent_max_level_year": int(rec.loc[rec[balance].idxmax(), "year"]),
        "recent_mean_level": float(rec[balance].mean()),
    }



# ---------------------------------------------------------------------------------------------
# Newest SAFE releases (table national_bop_releases) and the latest published value per period
# ---------------------------------------------------------------------------------------------

RELEASES_TABLE = "national_bop_releases"
#: The held SAFE workbook (national_bop) is the March-2024 vintage: its 2023 values equal the formal
#: release of 2024-03-29 (national_recent/PROVENANCE.md, check 1). Its vintage string carries no date.
WORKBOOK_RELEASE_DATE = "2024-03-29 (workbook = the March-2024 vintage)"
_RELEASED = re.compile(r"released (before )?(\d{4}-\d{2}(?:-\d{2})?)")
_NAME = re.compile(r"^(?P<base>.+?)(?P<unit>_usd_bn|_usd_mn|_cny_bn|_cny_trn|_cny)?(?P<per>_h1|_q1_q3)?"
                   r"(?P<sec>_secondary)?$")


def release_date(vintage: str, source_id: str = "") -> tuple[str, tuple]:
    """(release date as written, sort key) of a SAFE or NBS vintage.

    ``'SAFE 2025Q4 preliminary, released 2026-02-13'`` -> ``'2026-02-13'``; "released before D" sorts
    just before D; the workbook (source ``safe_bop_bpm6``) takes :data:`WORKBOOK_RELEASE_DATE`.
    """
    if source_id == SAFE_SOURCE:
        return WORKBOOK_RELEASE_DATE, (WORKBOOK_RELEASE_DATE[:10], 1)
    m = _RELEASED.search(vintage)
    if not m:
        raise ValueError(f"vintage {vintage!r} names no release date ('released YYYY-MM-DD')")
    return vintage[m.start() + len("released "):], (m.group(2), 0 if m.group(1) else 1)


def _usd_rows(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """US-dollar rows of a BoP table with base series, period label and secondary flag."""
    parts = df["series"].str.extract(_NAME)
    df = df.assign(base=parts["base"], per=parts["per"].fillna(""), secondary=parts["sec"].notna(), table=table)
    df = df[df["unit"].isin(list(schema.TO_USD))]
    q = df["quarter"]
    df["period"] = df["year"].astype(str) + q.map(lambda v: "" if pd.isna(v) else f"Q{int(v)}") + \
        df["per"].map({"": "", "_h1": "H1", "_q1_q3": "Q1-Q3"})
    return df


def bop_latest(series: str | list[str] | None = None, include_secondary: bool = False,
               data_dir: Path | None = None) -> pd.DataFrame:
    """The latest published US-dollar value of each SAFE balance-of-payments series per period.

    Candidates: the SAFE workbook (``national_bop``, March-2024 vintage, released 2024-03-29) and every
    SAFE release in ``national_bop_releases`` (2023Q4 preliminary to 2026Q1 formal). For each
    (period, series) the value of the release with the **latest release date** wins; on the same date
    the SAFE site beats a copy, and the 亿美元 table figure beats the text's 十亿美元 (they are equal).
    Nothing is summed, differenced or spliced: a period no release covers keeps the workbook value
    (2019-2023 are the March-2024 vintage: the March-2025 and March-2026 revisions are not held,
    except 2023 as quoted by a secondary page), a period with no value stays absent (e.g. 2024Q3 in
    dollars: only a garbled repost has it, left out).

    ``series``: base name(s) such as ``"bop_current_account"`` (credit/debit: ``..._credit``); None = all.
    ``include_secondary``: also consider copies on mirrors and news sites (``*_secondary`` series).

    Columns: ``period`` ('2025', '2026Q1', '2025H1', '2024Q1-Q3'), ``year``, ``quarter``, ``series``
    (base name), ``value`` and ``unit`` (always 亿美元), ``value_as_published``, ``unit_as_published``,
    ``source_id``, ``vintage``, ``release_date``, ``secondary``, ``table``.
    """
    df = _bop_candidates(series, include_secondary, data_dir)
    df = df.sort_values("_key", key=lambda k: k.map(lambda t: (t[0][0], t[0][1], t[1], t[2])), kind="mergesort")
    df = df.drop_duplicates(["period", "base"], keep="last")
    return _tidy_releases(df)


@data.cached_on_data
def _all_candidates(data_dir: Path | None = None) -> pd.DataFrame:
    df = pd.concat([_usd_rows(data.load(t, data_dir), t) for t in ("national_bop", RELEASES_TABLE)],
                   ignore_index=True)
    dates = [release_date(v, s) for v, s in zip(df["vintage"], df["source_id"])]
    df["release_date"] = [d[0] for d in dates]
    df["_key"] = [(d[1], not sec, u == "亿美元") for d, sec, u in zip(dates, df["secondary"], df["unit"])]
    return df


def _bop_candidates(series, include_secondary: bool, data_dir: Path | None) -> pd.DataFrame:
    """Every published US-dollar value (workbook and releases) with its release date and sort key."""
    df = _all_candidates(data_dir)
    if series is not None:
        df = df[df["base"].isin([series] if isinstance(series, str) else list(series))]
    if not include_secondary:
        df = df[~df["secondary"]]
    return df


def _tidy_releases(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "period": df["period"], "year": df["year"].astype(int), "quarter": df["quarter"], "series": df["base"],
        "value": [v * (schema.TO_USD[u] / schema.TO_USD["亿美元"]) for v, u in zip(df["value"], df["unit"])],
        "unit": "亿美元",
        "value_as_published": df["value"], "unit_as_published": df["unit"], "source_id": df["source_id"],
        "vintage": df["vintage"], "release_date": df["release_date"], "secondary": df["secondary"],
        "table": df["table"]})
    order = out["quarter"].fillna(0).astype(int) + out["period"].str.contains("H1|Q1-Q3").astype(int) * 10
    return out.assign(_o=order).sort_values(["series", "year", "_o"]).drop(columns="_o").reset_index(drop=True)


def _gdp_latest(data_dir: Path | None = None) -> pd.DataFrame:
    """NBS GDP (亿元) per year, latest held vintage: the revised NBS series (``nbs_gdp_latest``) where it
    has the year, else the latest-released news copy of an NBS release (``gdp_secondary``)."""
    rows = []
    latest = data.series("gdp", source_id="nbs_gdp_latest", level="national", data_dir=data_dir)
    rows += [(int(r.year), r.value, r.source_id, r.vintage, False, "") for r in latest.itertuples()]
    sec = data.series("gdp_secondary", level="national", data_dir=data_dir)
    sec = sec.assign(_d=[release_date(v)[1] for v in sec["vintage"]]).sort_values("_d")
    rows += [(int(r.year), r.value, r.source_id, r.vintage, True, release_date(r.vintage)[0]) for r in sec.itertuples()
             if int(r.year) not in set(latest["year"].astype(int))]
    g = pd.DataFrame(rows, columns=["year", "gdp_cny_100m", "gdp_source_id", "gdp_vintage", "gdp_secondary",
                                    "gdp_release_date"])
    return g.drop_duplicates("year", keep="last")


def current_account_recent(start: int = 2018, include_secondary: bool = False,
                           data_dir: Path | None = None) -> pd.DataFrame:
    """Annual current account from ``start``, plus the quarters after the last year, latest vintage, and
    its share of GDP: for the "surplus petering out" claim (2024, 2025, 2026Q1).

    Current account: :func:`bop_latest` (亿美元, with ``vintage`` and ``release_date``). GDP: NBS in 亿元
    (:func:`_gdp_latest`; 2024-2025 from news reports of NBS releases, ``gdp_secondary`` True) converted
    with :func:`helpers.units.to_usd_100m` at the official annual average rate (NBS, then WDI; for 2025 the
    NBS communique rate 7.1429, known only from a news report: ``fx_secondary`` True). ``ca_pct_gdp`` =
    current account / GDP x 100; a quarter is divided by nothing (no quarterly GDP; 2026 GDP not
    published): ``ca_pct_gdp`` is empty there.
    """
    ca = bop_latest("bop_current_account", include_secondary, data_dir)
    annual = ca[(ca["period"] == ca["year"].astype(str)) & (ca["year"] >= start)]
    later = ca[ca["quarter"].notna() & (ca["year"] > annual["year"].max())]
    out = pd.concat([annual, later]).rename(columns={"value": "current_account", "source_id": "ca_source_id",
                                                     "vintage": "ca_vintage", "release_date": "ca_release_date",
                                                     "secondary": "ca_secondary"})
    out = out[["period", "year", "quarter", "current_account", "unit", "ca_source_id", "ca_vintage",
               "ca_release_date", "ca_secondary"]].merge(_gdp_latest(data_dir), on="year", how="left")
    out.loc[out["quarter"].notna(), ["gdp_cny_100m", "gdp_source_id", "gdp_vintage", "gdp_secondary",
                                     "gdp_release_date"]] = None
    fx = [units.rate_info(y, data_dir, include_secondary=True) if pd.notna(g) else None
          for y, g in zip(out["year"], out["gdp_cny_100m"])]
    out["cny_per_usd"] = [f["cny_per_usd"] if f else None for f in fx]
    out["fx_source_id"] = [f["source_id"] if f else None for f in fx]
    sec = data.secondary_sources(data_dir)
    out["fx_secondary"] = [f["source_id"] in sec if f else None for f in fx]
    out["gdp_usd_100m"] = [units.to_usd_100m(g, "亿元", y, data_dir, include_secondary=True) if pd.notna(g) else None
                           for y, g in zip(out["year"], out["gdp_cny_100m"])]
    out["ca_pct_gdp"] = out["current_account"] / pd.to_numeric(out["gdp_usd_100m"]) * 100
    return out.reset_index(drop=True)


def revisions(period: str, series: str = "bop_current_account", data_dir: Path | None = None) -> pd.DataFrame:
    """Every published value of one period, one row per release (secondary copies included and flagged),
    oldest release first: how a figure moved between vintages. Nothing is spliced or averaged."""
    df = _bop_candidates(series, True, data_dir)
    df = df[df["period"] == period]
    df = df.sort_values("_key", key=lambda k: k.map(lambda t: (t[0][0], t[0][1], t[1], t[2])), kind="mergesort")
    df = df.drop_duplicates(["source_id"], keep="last")
    return _tidy_releases(df).sort_values("release_date", kind="mergesort").reset_index(drop=True)


def quarterly_latest(series: str = "bop_current_account", data_dir: Path | None = None) -> pd.DataFrame:
    """Quarterly values, the latest official release per quarter (:func:`bop_latest`), with vintage: 1998Q1-2023Q4
    from the March-2024 workbook, later quarters each from its own release; a quarter no official release
    gives in dollars (2024Q3) is absent."""
    q = bop_latest(series, data_dir=data_dir)
    q = q[q["quarter"].notna()].copy()
    return q.rename(columns={"value": series.removeprefix("bop_")}).reset_index(drop=True)


def recent_summary(data_dir: Path | None = None) -> dict:
    """Named figures for the "petering out" claim, each with the release it comes from.

    Levels in 亿美元 (:func:`bop_latest`, latest official release per period); shares of GDP from
    :func:`current_account_recent` (2024-2025 GDP from news copies of NBS releases: ``gdp_secondary``).
    ``ca_record_before`` is the largest annual current account 1982-2023 in the held workbook (March-2024
    vintage); ``share_highest_since`` the last year before the newest full year with a share at least as
    high (NBS GDP, :func:`annual_ratios`).
    """
    r = current_account_recent(data_dir=data_dir).set_index("period")
    a = annual_ratios("nbs", data_dir).set_index("year")
    goods = bop_latest("bop_goods", data_dir=data_dir).set_index("period")
    q = bop_latest("bop_current_account", data_dir=data_dir).set_index("period")
    years = [p for p in r.index if "Q" not in p]
    last, prev = years[-1], years[-2]
    last_q = [p for p in r.index if "Q" in p][-1]
    same_q_before = f"{int(last_q[:4]) - 1}{last_q[4:]}"
    pct_last = float(r.loc[last, "ca_pct_gdp"])
    earlier = a.loc[:int(last) - 1, "current_account_pct_gdp"]
    rec = a["current_account"].idxmax()
    pk = a["current_account_pct_gdp"].idxmax()
    out = {
        "last_year": int(last), "prev_year": int(prev), "workbook_last_year": int(a.index.max()),
        "ca_last": float(r.loc[last, "current_account"]), "ca_prev": float(r.loc[prev, "current_account"]),
        "ca_last_pct": pct_last, "ca_prev_pct": float(r.loc[prev, "ca_pct_gdp"]),
        "ca_workbook_last": float(a["current_account"].iloc[-1]),
        "ca_workbook_last_pct": float(a["current_account_pct_gdp"].iloc[-1]),
        "release_last": r.loc[last, "ca_release_date"], "release_prev": r.loc[prev, "ca_release_date"],
        "vintage_last": r.loc[last, "ca_vintage"], "vintage_prev": r.loc[prev, "ca_vintage"],
        "gdp_last_secondary": bool(r.loc[last, "gdp_secondary"]), "fx_last_secondary": bool(r.loc[last, "fx_secondary"]),
        "ca_record_before": float(a.loc[rec, "current_account"]), "ca_record_before_year": int(rec),
        "goods_prev": float(goods.loc[prev, "value"]), "goods_record_before": float(a["goods"].max()),
        "goods_record_before_year": int(a["goods"].idxmax()),
        "peak_pct": float(a.loc[pk, "current_account_pct_gdp"]), "peak_pct_year": int(pk),
        "share_highest_since": int(earlier[earlier >= pct_last].index.max()),
        "last_quarter": last_q, "ca_last_quarter": float(r.loc[last_q, "current_account"]),
        "release_last_quarter": r.loc[last_q, "ca_release_date"],
        "same_quarter_before": same_q_before, "ca_same_quarter_before": float(q.loc[same_q_before, "value"]),
        "release_same_quarter_before": q.loc[same_q_before, "release_date"],
    }
    out["ca_last_is_record"] = out["ca_last"] > max(out["ca_record_before"], out["ca_prev"])
    out["ca_prev_is_record"] = out["ca_prev"] > out["ca_record_before"]
    out["goods_prev_is_record"] = out["goods_prev"] > out["goods_record_before"]
    out["share_rising"] = out["ca_last_pct"] > out["ca_prev_pct"] > out["ca_workbook_last_pct"]
    out["last_to_peak"] = pct_last / out["peak_pct"]
    out["quarter_vs_year_before"] = "above" if out["ca_last_quarter"] > out["ca_same_quarter_before"] else "below"
    out["petering_verdict"] = (
        "Not in the newest data" if out["share_rising"] and out["ca_last_is_record"] else
        "Not as a share of GDP, which is rising" if out["share_rising"] else
        "Not in dollars, where the surplus is a record" if out["ca_last_is_record"] else
        "The newest data do not reverse it")
    return out


# ---------------------------------------------------------------------------------------------
# Services by type (table national_bop_services) and the early exchange rate
# ---------------------------------------------------------------------------------------------

SERVICES_LABELS = {
    "bop_services_travel": "Travel", "bop_services_transport": "Transport",
    "bop_services_ip_charges": "Charges for intellectual property",
    "bop_services_insurance": "Insurance and pensions", "bop_services_other_business": "Other business services",
    "bop_services_telecom_computer": "Telecom, computer, information",
    "bop_services_manufacturing": "Manufacturing on others' inputs",
}


def services_by_type(data_dir: Path | None = None) -> pd.DataFrame:
    """Annual services balances by BPM6 item (亿美元), 1982-2023, SAFE workbook (March-2024 vintage): year,
    item (label; the five items not in :data:`SERVICES_LABELS` summed as "All other services"), balance."""
    cat = data.series_catalogue(data_dir)
    names = sorted({s for s in cat.loc[cat["table"] == "national_bop_services", "series"]
                    if not s.endswith(("_credit", "_debit"))})
    df = pd.concat([data.series(n, level="national", data_dir=data_dir) for n in names], ignore_index=True)
    df["item"] = df["series"].map(SERVICES_LABELS).fillna("All other services")
    out = df.groupby(["year", "item"], as_index=False)["value"].sum().rename(columns={"value": "balance"})
    out["year"] = out["year"].astype(int)
    return out


def services_drivers(data_dir: Path | None = None) -> dict:
    """What drives the services deficit (亿美元, SAFE workbook): travel against the whole services balance."""
    s = services_by_type(data_dir).pivot(index="year", columns="item", values="balance")
    a = annual_balances(data_dir).set_index("year")["services"]
    travel = s["Travel"]
    out = {"first_travel_deficit": int(travel[travel < 0].index.min()),
           "services_deficit_max_year": int(a.idxmin()), "services_deficit_max": float(a.min()),
           "travel_at_services_max": float(travel[a.idxmin()])}
    for y in (2014, 2019, 2020, 2023):
        out[f"services_{y}"] = float(a[y])
        out[f"travel_{y}"] = float(travel[y])
        out[f"transport_{y}"] = float(s.loc[y, "Transport"])
        out[f"ip_{y}"] = float(s.loc[y, "Charges for intellectual property"])
        out[f"travel_share_{y}"] = float(travel[y] / a[y] * 100)
    out["sum_check_2019"] = float(s.loc[2019].sum() - a[2019])       # items add up to the services balance
    return out


def dual_rate_caveat(data_dir: Path | None = None) -> dict:
    """The 1994 unification of the official and swap-market rates as seen in the held official rate.

    Before 1994 the official rate (held: NBS 1985-, WDI earlier) valued the yuan above the swap-market
    (外汇调剂市场) rate at which much trade was settled; the swap rate is not in data/. On 1 January 1994
    the two were unified, and the official annual average jumps. Shares of GDP before 1994 divide SAFE's
    dollar balances by GDP converted at the official rate, so dollar GDP is larger (and the share smaller in
    size) than at the swap rate.
    """
    fx = units.fx_rates(data_dir).set_index("year")
    r = annual_ratios("nbs", data_dir).set_index("year")
    r93, r94 = float(fx.loc[1993, "cny_per_usd"]), float(fx.loc[1994, "cny_per_usd"])
    return {"rate_1993": r93, "rate_1994": r94, "rate_jump_pct": (r94 / r93 - 1) * 100,
            "rate_1993_source": fx.loc[1993, "source_id"], "ca_1993": float(r.loc[1993, "current_account"]),
            "ca_1993_pct": float(r.loc[1993, "current_account_pct_gdp"])}


#: The figures chapter 6 glues (every one is read by its prose).
CHAPTER_KEYS = (
    "annual_deficits", "ca_1993", "ca_1993_pct", "ca_2018_pct", "ca_2023_prelim", "ca_2023_prelim_release",
    "ca_2023_revised", "ca_2023_revised_release", "ca_last", "ca_last_pct", "ca_last_quarter", "ca_prev",
    "ca_prev_pct", "ca_record_before", "ca_record_before_year", "ca_same_quarter_before", "ca_workbook_last",
    "ca_workbook_last_pct", "calendar_2018", "first_half_year", "first_quarterly_deficit",
    "first_quarterly_deficit_value", "first_quarterly_year", "first_travel_deficit", "first_year",
    "gdp_max_diff", "goods_2018", "goods_prev", "goods_record_before", "goods_record_before_year", "h1_2018",
    "h2_2018", "ip_2023", "last_annual_deficit_before_2018", "last_annual_deficit_value", "last_year",
    "n_annual_surpluses_1994_2017", "n_half_years_before_2018", "n_quarterly_deficits", "peak_pct",
    "peak_pct_year", "petering_verdict", "prev_year", "q1_2018", "quarter_vs_year_before", "q2_2018",
    "quarterly_deficits", "rate_1993", "rate_1994", "rate_jump_pct", "recent_mean_pct", "release_last",
    "release_last_quarter", "release_prev", "release_same_quarter_before", "services_2018", "services_2019",
    "services_2020", "services_2023", "services_deficit_max", "services_deficit_max_year",
    "share_highest_since", "transport_2023", "travel_2019", "travel_2020", "travel_2023", "travel_share_2019",
    "wdi_last", "workbook_last_year",
)


def key_figures(data_dir: Path | None = None) -> dict:
    """The named figures chapter 6 glues (:data:`CHAPTER_KEYS`): the 2018 episode, the newest releases, the peak, the services
    deficit by type and the pre-1994 exchange rate (levels in 亿美元, shares in % of GDP)."""
    ep = episode_2018(data_dir)
    out = {k: v for k, v in ep.items() if isinstance(v, (int, float, str))}
    out["quarterly_deficits"] = ", ".join(ep["quarterly_deficits"])
    out["n_quarterly_deficits"] = len(ep["quarterly_deficits"])
    out["annual_deficits"] = ", ".join(str(y) for y in deficit_periods("annual", data_dir=data_dir)["year"])
    out.update(recent_summary(data_dir))
    out.update(services_drivers(data_dir))
    out.update(dual_rate_caveat(data_dir))
    a = annual_ratios("nbs", data_dir).set_index("year")
    g = gdp_usd(data_dir).dropna(subset=["gdp_wdi_usd"])
    out.update({"first_year": int(a.index.min()), "wdi_last": int(g["year"].max()),
                "gdp_max_diff": float(g["diff_pct"].abs().max()),
                "ca_2008": float(a.loc[2008, "current_account"]), "ca_2018_pct": float(a.loc[2018, "current_account_pct_gdp"]),
                "goods_2018": float(a.loc[2018, "goods"]), "services_2018": float(a.loc[2018, "services"]),
                "recent_mean_pct": float(a.loc[2018:2023, "current_account_pct_gdp"].mean())})
    rev = revisions("2023", data_dir=data_dir)
    out.update({"ca_2023_prelim": float(rev["value"].iloc[0]), "ca_2023_prelim_release": rev["release_date"].iloc[0],
                "ca_2023_revised": float(rev["value"].iloc[-1]), "ca_2023_revised_release": rev["release_date"].iloc[-1],
                "ca_2023_revised_secondary": bool(rev["secondary"].iloc[-1])})
    return {k: out[k] for k in CHAPTER_KEYS}
