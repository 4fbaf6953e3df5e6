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

>>> from helpers import national
>>> national.annual_balances().query("year == 2018")[["year", "current_account"]]
>>> national.episode_2018()["calendar_2018"]          # +241.31 亿美元: a surplus
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, units

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
SOURCE_NOTE = ("Source: SAFE, China balance of payments time series (BPM6), revised release to 2023Q4; "
               "GDP: NBS (latest revision) at the NBS/WDI official annual average exchange rate.")


class NationalDataError(LookupError):
    """A national series the analysis needs is not in data/."""


def _bop(data_dir: Path | None = None) -> pd.DataFrame:
    frames = []
    for s in BOP_SERIES:
        try:
            df = data.series(s, annual=False, data_dir=data_dir)
        except data.UnknownTableError as exc:
            raise NationalDataError(f"data/ has no series {s!r} (SAFE BoP, table national_bop): {exc}") from exc
        df = df[(df["geo_code"] == "000000") & (df["unit"] == "亿美元")]
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    if df["vintage"].nunique() > 1 or df["source_id"].nunique() > 1:
        # keep the SAFE release the build wrote; never splice vintages
        df = df[df["source_id"] == SAFE_SOURCE]
    return df


@data.cached_on_data
def annual_balances(data_dir: Path | None = None, start: int = 1982) -> pd.DataFrame:
    """Annual SAFE balances (亿美元), one row per year from ``start`` (goods/services split from 1982)."""
    df = _bop(data_dir)
    df = df[df["quarter"].isna() & (df["year"] >= start)]
    out = df.pivot_table(index="year", columns="series", values="value", aggfunc="first")
    out = out.rename(columns=BOP_SERIES).reset_index()
    out.columns.name = None
    return out[["year"] + [c for c in BOP_SERIES.values() if c in out.columns]]


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
    gdp = data.series("gdp", geo="000000", data_dir=data_dir)
    latest = gdp[gdp["source_id"] == "nbs_gdp_latest"]
    if latest.empty:
        raise NationalDataError("data/ has no NBS GDP, latest revision (series gdp, source nbs_gdp_latest)")
    fx = units.fx_rates(data_dir)
    nbs = latest[["year", "value"]].rename(columns={"value": "gdp_cny_100m"}).merge(fx, on="year", how="inner")
    nbs["gdp_nbs_usd"] = nbs["gdp_cny_100m"] / nbs["cny_per_usd"]          # 亿元 / (元/美元) = 亿美元
    nbs = nbs.rename(columns={"source_id": "fx_source"})
    try:
        w = data.series("wdi_gdp_usd", geo="000000", data_dir=data_dir)
        w = w[["year", "value"]].assign(gdp_wdi_usd=lambda d: d["value"] / 1e8).drop(columns="value")  # 美元 -> 亿美元
    except data.UnknownTableError:
        w = pd.DataFrame(columns=["year", "gdp_wdi_usd"])
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
    annual_2019_2023 (dict year -> value), first_quarterly_year.
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
