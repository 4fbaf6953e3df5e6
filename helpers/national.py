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
    frames = [_usd_rows(data.load("national_bop", data_dir), "national_bop")]
    if RELEASES_TABLE in data.tables(data_dir):
        frames.append(_usd_rows(data.load(RELEASES_TABLE, data_dir), RELEASES_TABLE))
    df = pd.concat(frames, ignore_index=True)
    if series is not None:
        df = df[df["base"].isin([series] if isinstance(series, str) else list(series))]
    if not include_secondary:
        df = df[~df["secondary"]]
    dates = [release_date(v, s) for v, s in zip(df["vintage"], df["source_id"])]
    df["release_date"] = [d[0] for d in dates]
    df["_key"] = [(d[1], not sec, u == "亿美元") for d, sec, u in zip(dates, df["secondary"], df["unit"])]
    df = df.sort_values("_key", key=lambda k: k.map(lambda t: (t[0][0], t[0][1], t[1], t[2])), kind="mergesort")
    df = df.drop_duplicates(["period", "base"], keep="last")
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
    latest = data.series("gdp", source_id="nbs_gdp_latest", geo="000000", data_dir=data_dir)
    rows += [(int(r.year), r.value, r.source_id, r.vintage, False, "") for r in latest.itertuples()]
    try:
        sec = data.series("gdp_secondary", geo="000000", data_dir=data_dir)
    except data.UnknownTableError:
        sec = pd.DataFrame(columns=["year", "value", "source_id", "vintage"])
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
