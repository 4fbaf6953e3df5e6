"""The fiscal-reform context: the 1994 tax-sharing break, central transfers by province, balances.

Every function reads ``data/`` and returns a frame or a dict of named values (a chapter glues
the dict in one line with :func:`helpers.page.glue_all`). Measures are kept apart, never spliced:

* **National** central vs local budget revenue and expenditure, 1978-2014 (NBS, ``national_nbs``,
  亿元): :func:`fiscal_shares`, :func:`break_1994`.
* **Central transfers by province**, 2014-2024, four measures (:data:`TRANSFER_MEASURES`): the
  Ministry of Finance's final accounts 2019-2024, its 2018 budget and 2017 outturn, and the
  provinces' own final-accounts summaries 2014-2016 (中央补助收入, a different account of the
  same flows). :func:`transfers_panel` gives each per head, as % of GRP and as % of local spending.
* **Long provincial series** across 1994: Qinghai (yearbook table 9-1, 万元) and Inner Mongolia
  (table 8-3, 万元): :func:`qinghai_1994`, :func:`inner_mongolia_1994`, :func:`long_series`.
* **Balances** of the paper's three interior provinces (:data:`FOCUS`) in the three balances of
  :data:`helpers.balances.BALANCES`, each kept in its own column: :func:`focus_balances`.

This module is the one implementation of central transfers by province: chapter 5 and the
claims ledger (claim C8, :mod:`helpers.ledger`) call the same :func:`transfers_panel` and
:func:`qinghai_1994`.

>>> from helpers import fiscal_context as fc
>>> fc.break_1994()["central_revenue_share_1994"]                 # 55.7 (%)
>>> fc.transfers_panel().query("province == 'Qinghai' and year == 2023")
>>> fc.qinghai_1994()["central_part_1994_10k_cny"]                # 81,825 万元
"""
from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd

from . import charts, customs, data, decomposition, provinces, units

#: The paper's interior hubs (Fischer names the cities) and the provinces whose data stand for them.
FOCUS = {"Sichuan": "Chengdu", "Gansu": "Lanzhou", "Qinghai": "Xining"}

#: Denominators, each ONE named vintage: population :data:`helpers.units.POPULATION_SOURCE` (to 2020),
#: GRP of the NBS 2025 vintage (after the 5th economic census, every year 1993-2024).
GRP_SOURCE = customs.GRP_SOURCES["latest"]

#: Central transfers by province: measure -> (series, source_id prefix, years, label). Separate measures.
TRANSFER_MEASURES = {
    "provinces_final_accounts": ("central_subsidy_revenue", "provincial_final_accounts_", (2014, 2016),
                                 "provinces' own final accounts (中央补助收入)"),
    "mof_outturn": ("central_transfers_outturn", "mof_transfers_budget_2018", (2017, 2017),
                    "MOF tax rebates and transfers, outturn (执行数)"),
    "mof_budget": ("central_transfers_budget", "mof_transfers_budget_2018", (2018, 2018),
                   "MOF tax rebates and transfers, budget (预算数)"),
    "mof_final": ("central_transfers", "mof_transfers_final_", (2019, 2024),
                  "MOF transfers, final accounts (决算数)"),
}

#: Preference order for the provincial expenditure source: the NBS yearbook editions as published (latest
#: first), then the same table 7-6 collected across editions (techme), then the thesis compilation.
EXPENDITURE_SOURCES = ("nbs_csy2024_t7_6", "nbs_csy2022_t7_6", "nbs_csy2021_t7_6", "techme_csy_t7_6",
                       "renjiyi163_local_budget_expenditure")

QINGHAI_SERIES = {"local_budget_revenue": "local budget revenue",
                  "budget_revenue_central_part": "revenue collected for the centre (中央级)",
                  "central_subsidy_and_other_revenue": "central subsidies and other revenue",
                  "local_budget_expenditure": "local budget expenditure"}
INNER_MONGOLIA_SERIES = {"local_budget_revenue": "local budget revenue",
                         "fiscal_total_revenue": "all revenue collected in the region (地方财政总收入)"}
LONG_YEARS = (1985, 2011)


# ----------------------------------------------------------------------------- national
@data.cached_on_data
def fiscal_shares(data_dir: Path | None = None) -> pd.DataFrame:
    """Central vs local revenue and expenditure (亿元) and shares (%), 1978-2014, one row per year.

    Shares are recomputed from the levels (the published share column stops in 2011) and the
    published ones kept beside them: ``central_{revenue,expenditure}_share`` and ``..._published``,
    ``local_expenditure_share`` and ``local_balance`` (local revenue minus local expenditure, 亿元:
    positive = local governments collected more than they spent).
    """
    df = pd.concat([data.series(s, level="national", data_dir=data_dir) for s in (
        "central_revenue", "local_revenue", "central_expenditure", "local_expenditure",
        "central_revenue_share_pct", "central_expenditure_share_pct")])
    w = df.pivot_table(index="year", columns="series", values="value", aggfunc="first")
    out = pd.DataFrame({"year": w.index.astype(int)})
    for kind in ("revenue", "expenditure"):
        c, loc = w[f"central_{kind}"].values, w[f"local_{kind}"].values
        out[f"central_{kind}"], out[f"local_{kind}"] = c, loc
        out[f"central_{kind}_share"] = c / (c + loc) * 100
        out[f"central_{kind}_share_published"] = w[f"central_{kind}_share_pct"].values
    out["local_expenditure_share"] = 100 - out["central_expenditure_share"]
    out["local_balance"] = out["local_revenue"] - out["local_expenditure"]
    return out


def _years_text(years) -> str:
    return ", ".join(str(int(y)) for y in years)


def break_1994(data_dir: Path | None = None) -> dict:
    """The tax-sharing reform in numbers (national, 亿元 and %).

    Keys: ``central_revenue_share_1993/1994``, ``jump_pp``, ``min_central_revenue_share_after``
    (1994 on), ``central_expenditure_share_1993/1994``, ``local_expenditure_share_1993/1994/last``,
    ``local_expenditure_share_min_after`` / ``_max_after`` with their years, ``about_70_years``
    (years whose local spending share rounds to 70 %, as text), ``local_surplus_1993`` (local
    revenue minus expenditure, positive: a surplus), ``local_deficit_1994`` and
    ``local_deficit_last`` (expenditure minus revenue, positive: a deficit),
    ``local_deficit_last_pct_local_exp``, ``first_year``, ``last_year``, ``published_share_last_year``,
    ``share_check_max_diff`` (recomputed vs published shares, percentage points).
    """
    f = fiscal_shares(data_dir).set_index("year")
    after = f.loc[1994:]
    les = f["local_expenditure_share"]
    pub = f.dropna(subset=["central_revenue_share_published"])
    last = int(f.index.max())
    return {
        "first_year": int(f.index.min()), "last_year": last,
        "published_share_last_year": int(pub.index.max()),
        "share_check_max_diff": float(max(
            (pub["central_revenue_share"] - pub["central_revenue_share_published"]).abs().max(),
            (pub["central_expenditure_share"] - pub["central_expenditure_share_published"]).abs().max())),
        "central_revenue_share_1993": float(f.loc[1993, "central_revenue_share"]),
        "central_revenue_share_1994": float(f.loc[1994, "central_revenue_share"]),
        "jump_pp": float(f.loc[1994, "central_revenue_share"] - f.loc[1993, "central_revenue_share"]),
        "min_central_revenue_share_after": float(after["central_revenue_share"].min()),
        "min_central_revenue_share_after_year": int(after["central_revenue_share"].idxmin()),
        "central_expenditure_share_1993": float(f.loc[1993, "central_expenditure_share"]),
        "central_expenditure_share_1994": float(f.loc[1994, "central_expenditure_share"]),
        "central_expenditure_share_last": float(f.loc[last, "central_expenditure_share"]),
        "local_expenditure_share_1993": float(les.loc[1993]),
        "local_expenditure_share_1994": float(les.loc[1994]),
        "local_expenditure_share_last": float(les.loc[last]),
        "local_expenditure_share_min_after": float(les.loc[1994:].min()),
        "local_expenditure_share_min_after_year": int(les.loc[1994:].idxmin()),
        "local_expenditure_share_max_after": float(les.loc[1994:].max()),
        "local_expenditure_share_max_after_year": int(les.loc[1994:].idxmax()),
        "about_70_years": _years_text(les[les.round() == 70].index),
        "local_surplus_1993": float(f.loc[1993, "local_balance"]),
        "local_deficit_1994": float(-f.loc[1994, "local_balance"]),
        "local_deficit_last": float(-f.loc[last, "local_balance"]),
        "local_deficit_last_pct_local_exp": float(-f.loc[last, "local_balance"] / f.loc[last, "local_expenditure"] * 100),
    }


def shares_long(data_dir: Path | None = None) -> pd.DataFrame:
    """Long format for a chart: ``year, measure, share_pct`` (central share of revenue / of expenditure)."""
    f = fiscal_shares(data_dir)
    names = {"central_revenue_share": "Central share of revenue",
             "central_expenditure_share": "Central share of expenditure"}
    out = f.melt(id_vars="year", value_vars=list(names), var_name="measure", value_name="share_pct")
    return out.assign(measure=out["measure"].map(names)).dropna()


def shares_chart(data_dir: Path | None = None):
    """Line chart of :func:`shares_long` (central shares of revenue and expenditure, %)."""
    b = break_1994(data_dir)
    return charts.line_chart(
        shares_long(data_dir), "year", "share_pct", color="measure", points=False,
        title=f"Central government share of budget revenue and expenditure, {b['first_year']}-{b['last_year']}",
        source="NBS database, 中央和地方财政收入及比重 / 支出及比重", y_title="Central share", y_unit="% of the total",
        x_title="Year",
        alt=(f"Two lines, {b['first_year']}-{b['last_year']}. The central share of revenue jumps from "
             f"{b['central_revenue_share_1993']:.1f}% in 1993 to {b['central_revenue_share_1994']:.1f}% in 1994 and "
             f"never falls below {b['min_central_revenue_share_after']:.1f}%; the central share of expenditure "
             f"barely moves in 1994 and then declines to {b['central_expenditure_share_last']:.1f}%."))


# ----------------------------------------------------------------------------- denominators
def _provincial(name: str, data_dir: Path | None, source_id: str | None = None) -> pd.DataFrame:
    """Official provincial rows of one series, value in 亿元 (yuan units converted via helpers.units)."""
    df = data.series(name, level="provincial", official_only=True, source_id=source_id, data_dir=data_dir)
    return units.frame_to_cny_100m(df, data_dir) if len(df) else df


def grp(data_dir: Path | None = None) -> pd.DataFrame:
    """GRP (亿元), ``geo_code, year, grp_100m_cny``, vintage :data:`GRP_SOURCE` only."""
    g = _provincial("grp", data_dir, GRP_SOURCE)
    return g[["geo_code", "year", "value"]].rename(columns={"value": "grp_100m_cny"})


def denominators(data_dir: Path | None = None) -> dict:
    """Which vintages the ratios use: ``population_vintage``, ``population_last_year``, ``grp_vintage``."""
    src = data.sources(data_dir).set_index("source_id")["vintage"]
    return {"population_vintage": src[units.POPULATION_SOURCE], "grp_vintage": src[GRP_SOURCE],
            "population_last_year": int(units.population(data_dir)["year"].max())}


@data.cached_on_data
def provincial_expenditure(data_dir: Path | None = None) -> pd.DataFrame:
    """Local general public budget expenditure (亿元), one official value per province-year.

    Sources in :data:`EXPENDITURE_SOURCES` order (others after, alphabetically); Qinghai's yearbook
    (万元) is converted to 亿元. Columns: ``geo_code, year, expenditure_100m_cny, expenditure_source``.
    """
    df = _provincial("local_budget_expenditure", data_dir)
    rank = {s: i for i, s in enumerate(EXPENDITURE_SOURCES)}
    df = df.assign(_r=df["source_id"].map(lambda s: rank.get(s, len(rank))))
    df = df.sort_values(["geo_code", "year", "_r", "source_id"]).drop_duplicates(["geo_code", "year"])
    return df[["geo_code", "year", "value", "source_id"]].rename(
        columns={"value": "expenditure_100m_cny", "source_id": "expenditure_source"}).reset_index(drop=True)


# ----------------------------------------------------------------------------- transfers
@data.cached_on_data
def transfers_panel(data_dir: Path | None = None) -> pd.DataFrame:
    """Central transfers by province-year, 2014-2024, one measure per year (:data:`TRANSFER_MEASURES`).

    Columns: ``geo_code, province, region, year, measure, label, transfers_100m_cny`` (亿元),
    ``source_id, vintage``; ``per_head_yuan`` (same-year population,
    :data:`helpers.units.POPULATION_SOURCE`: to 2020, empty after: a gap), ``pct_grp`` (GRP of
    :data:`GRP_SOURCE`) and ``pct_expenditure`` (local budget expenditure of the same year: for the
    provinces' own final accounts the same tables' expenditure, else :func:`provincial_expenditure`).
    """
    frames = []
    for key, (series, src, (y0, y1), label) in TRANSFER_MEASURES.items():
        d = data.series(series, level="provincial", official_only=True, data_dir=data_dir)
        d = d[d["source_id"].str.startswith(src) & d["year"].between(y0, y1)]
        frames.append(units.frame_to_cny_100m(d, data_dir).assign(measure=key, label=label))
    t = pd.concat(frames, ignore_index=True).rename(columns={"value": "transfers_100m_cny"})
    t = t[["geo_code", "year", "measure", "label", "transfers_100m_cny", "source_id", "vintage"]]
    t = t.merge(units.population(data_dir), on=["geo_code", "year"], how="left")
    t["per_head_yuan"] = units.yuan_per_head(t["transfers_100m_cny"], t["population_10k"])
    t = t.merge(grp(data_dir), on=["geo_code", "year"], how="left")
    t["pct_grp"] = t["transfers_100m_cny"] / t["grp_100m_cny"] * 100
    own = _provincial("local_budget_expenditure", data_dir)
    own = own[own["source_id"].str.startswith("provincial_final_accounts_")][["geo_code", "year", "value", "source_id"]]
    exp = pd.concat([own, provincial_expenditure(data_dir).rename(
        columns={"expenditure_100m_cny": "value", "expenditure_source": "source_id"})])
    exp = exp.rename(columns={"value": "expenditure_100m_cny", "source_id": "expenditure_source"})
    fa = t["measure"] == "provinces_final_accounts"
    t = pd.concat([
        t[fa].merge(exp[exp["expenditure_source"].str.startswith("provincial_final_accounts_")],
                    on=["geo_code", "year"], how="left"),
        t[~fa].merge(exp[~exp["expenditure_source"].str.startswith("provincial_final_accounts_")]
                     .drop_duplicates(["geo_code", "year"]), on=["geo_code", "year"], how="left")])
    t["pct_expenditure"] = t["transfers_100m_cny"] / t["expenditure_100m_cny"] * 100
    t = provinces.label_columns(t).rename(columns={"name_en": "province"})
    cols = ["geo_code", "province", "region", "year", "measure", "label", "transfers_100m_cny", "source_id",
            "vintage", "population_10k", "per_head_yuan", "grp_100m_cny", "pct_grp",
            "expenditure_100m_cny", "expenditure_source", "pct_expenditure"]
    return t[cols].sort_values(["year", "geo_code"]).reset_index(drop=True)


def transfers_overview(data_dir: Path | None = None) -> dict:
    """Coverage and headline figures of :func:`transfers_panel` (keys named for gluing).

    ``first_year``, ``last_year``, ``final_first_year`` (first MOF final-accounts year), years
    of each measure (``years_<measure>``), ``n_provinces``; for the last year the median province's
    transfers % GRP and % spending; ``top_pct_grp_name/value``; denominators (:func:`denominators`).
    """
    t = transfers_panel(data_dir)
    last = int(t["year"].max())
    d = t[t["year"] == last]
    top = d.loc[d["pct_grp"].idxmax()]
    out = {"first_year": int(t["year"].min()), "last_year": last, "n_provinces": int(d["geo_code"].nunique()),
           "final_first_year": int(t.loc[t["measure"] == "mof_final", "year"].min()),
           "median_pct_grp_last": float(d["pct_grp"].median()),
           "median_pct_expenditure_last": float(d["pct_expenditure"].median()),
           "top_pct_grp_name": top["province"], "top_pct_grp_value": float(top["pct_grp"])}
    for key in TRANSFER_MEASURES:
        ys = sorted(t.loc[t["measure"] == key, "year"].unique())
        out[f"years_{key}"] = f"{ys[0]}-{ys[-1]}" if len(ys) > 1 else str(ys[0])
    return out | denominators(data_dir)


def summaries_vs_mof_2015(data_dir: Path | None = None) -> dict:
    """The provinces' own 中央补助收入 (2015, 31-province sum) against the MOF's reported 2015 total.

    The MOF figure is not a series in ``data/``: it is the one the build recorded in the manifest's
    description of ``central_subsidy_revenue`` (from PROVENANCE: the MOF by-region final accounts of
    tax rebates and transfers as reported in the press). The 31-province sum is computed here and
    must equal the sum printed in that same description, else a :class:`ValueError`.
    """
    cs = data.series("central_subsidy_revenue", level="provincial", source_id="provincial_final_accounts_2015",
                     data_dir=data_dir)
    total = float(cs["value"].sum())
    desc = data.series_catalogue(data_dir).query("series == 'central_subsidy_revenue'")["description"].iloc[0]
    m = re.search(r"sum 2015 ([\d,.]+) vs the MOF final-accounts ([\d,.]+) 亿元", desc)
    if not m:
        raise ValueError("data/datapackage.json: description of central_subsidy_revenue no longer states "
                         "the 2015 sums ('sum 2015 ... vs the MOF final-accounts ... 亿元')")
    printed, mof = (float(x.replace(",", "")) for x in m.groups())
    if abs(printed - total) > 0.05:
        raise ValueError(f"31-province sum of central_subsidy_revenue 2015 is {total:.2f}, the manifest says {printed}")
    return {"provinces_sum_2015": total, "mof_total_2015": mof, "gap_2015": total - mof,
            "gap_2015_pct": (total / mof - 1) * 100}


# ----------------------------------------------------------------------------- balances
def focus_balances(data_dir: Path | None = None) -> pd.DataFrame:
    """The three balances for :data:`FOCUS` provinces, one column per balance, never combined.

    One row per province-year 2014-2021 where any is present. Columns: ``province, city, year``,
    ``customs_goods_balance_pct_grp`` (secondary customs panel; GRP of vintage ``latest``, official
    average rate), ``foreign_balance_pct_va`` and ``net_outflow_io_pct_va`` (IO 2017, % of IO value
    added), ``net_outflow_exp_pct_grp`` (expenditure approach, where a yearbook table has it: Qinghai).
    """
    names = list(FOCUS)
    codes = [provinces.code_of(n) for n in names]
    c = customs.goods_balance(grp="latest", data_dir=data_dir)
    c = c[c["geo_code"].isin(codes) & c["year"].between(2014, 2021)][["geo_code", "year", "balance_pct_grp"]]
    c = c.rename(columns={"balance_pct_grp": "customs_goods_balance_pct_grp"})
    io = decomposition.io_split(2017, data_dir)
    io = io[io["geo_code"].isin(codes)][["geo_code", "year", "foreign_net_pct_va", "total_net_pct_va"]]
    io = io.rename(columns={"foreign_net_pct_va": "foreign_balance_pct_va", "total_net_pct_va": "net_outflow_io_pct_va"})
    ex = decomposition.official_balance_panel(data_dir)
    ex = ex[ex["geo_code"].isin(codes) & ex["year"].between(2014, 2021)]
    ex = ex[["geo_code", "year", "pct_grp"]].rename(columns={"pct_grp": "net_outflow_exp_pct_grp"})
    out = c.merge(io, on=["geo_code", "year"], how="outer").merge(ex, on=["geo_code", "year"], how="outer")
    out.insert(0, "province", out["geo_code"].map(provinces.name_en))
    out.insert(1, "city", out["province"].map(FOCUS))
    return out.sort_values(["province", "year"]).reset_index(drop=True)


def focus_figures(year: int = 2023, data_dir: Path | None = None) -> dict:
    """Named figures for Sichuan, Gansu and Qinghai (keys prefixed ``sichuan_``, ``gansu_``, ``qinghai_``).

    From :func:`transfers_panel`: transfers in ``year`` (亿元), % GRP, % spending; per head in
    ``per_head_year`` (the last year with same-year population) and its rank among the provinces;
    2015 (provinces' own accounts) % spending. From
    :func:`focus_balances`: customs goods balance % GRP in 2017 and ``customs_last_year``, IO 2017
    foreign balance and net outflow (% of IO value added).
    """
    t = transfers_panel(data_dir)
    b = focus_balances(data_dir).set_index(["province", "year"])
    ty = t[t["year"] == year].set_index("province")
    ph_year = int(t.dropna(subset=["per_head_yuan"])["year"].max())
    tph = t[t["year"] == ph_year].set_index("province")
    t15 = t[t["year"] == 2015].set_index("province")
    rank = tph["per_head_yuan"].rank(ascending=False).astype(int)
    last_c = int(b["customs_goods_balance_pct_grp"].dropna().index.get_level_values("year").max())
    out = {"year": year, "per_head_year": ph_year, "customs_last_year": last_c}
    for p in FOCUS:
        k = p.lower()
        out |= {f"{k}_transfers": float(ty.loc[p, "transfers_100m_cny"]),
                f"{k}_rank_per_head": int(rank[p]),
                f"{k}_pct_grp": float(ty.loc[p, "pct_grp"]),
                f"{k}_pct_expenditure": float(ty.loc[p, "pct_expenditure"]),
                f"{k}_per_head": float(tph.loc[p, "per_head_yuan"]),
                f"{k}_pct_expenditure_2015": float(t15.loc[p, "pct_expenditure"]),
                f"{k}_customs_2017": float(b.loc[(p, 2017), "customs_goods_balance_pct_grp"]),
                f"{k}_customs_last": float(b.loc[(p, last_c), "customs_goods_balance_pct_grp"]),
                f"{k}_foreign_io_2017": float(b.loc[(p, 2017), "foreign_balance_pct_va"]),
                f"{k}_net_outflow_io_2017": float(b.loc[(p, 2017), "net_outflow_io_pct_va"])}
    return out


def qinghai_2017_split(data_dir: Path | None = None) -> dict:
    """Qinghai 2017, the two net outflow figures and the final demand behind them (% of GRP / IO value added).

    ``yb_*`` from the Qinghai yearbook's expenditure-approach table (% of GRP), ``io_*`` from the 2017
    IO table (% of its value added): ``consumption``, ``capital_formation``, ``net_outflow``, and the
    differences ``diff_*`` (yearbook minus IO, percentage points).
    """
    q = decomposition.qinghai_series(data_dir)
    q = q[(q["year"] == 2017) & ~q["secondary"].astype(bool)].iloc[0]
    io = decomposition.io_split(2017, data_dir).set_index("province").loc["Qinghai"]
    code = provinces.code_of("Qinghai")
    lv = {}
    for s in ("io_final_consumption", "io_gross_capital_formation"):
        d = data.series(s, geo=code, source_id=io["source_id"], data_dir=data_dir)
        lv[s] = float(d.loc[d["year"] == 2017, "value"].iloc[0] / io["value_added"] * 100)
    out = {"yb_consumption": float(q["consumption_pct_grp"]), "yb_capital_formation": float(q["gcf_pct_grp"]),
           "yb_net_outflow": float(q["pct_grp"]), "io_consumption": lv["io_final_consumption"],
           "io_capital_formation": lv["io_gross_capital_formation"], "io_net_outflow": float(io["total_net_pct_va"])}
    for k in ("consumption", "capital_formation", "net_outflow"):
        out[f"diff_{k}"] = out[f"yb_{k}"] - out[f"io_{k}"]
    return out


def rank_corr(x: pd.Series, y: pd.Series) -> float:
    """Spearman rank correlation over the pairs where both are present (NaN with fewer than 3)."""
    ok = x.notna() & y.notna()
    return float(x[ok].rank().corr(y[ok].rank())) if ok.sum() >= 3 else float("nan")


def transfers_vs_balances(data_dir: Path | None = None) -> dict:
    """2017 across provinces: MOF transfers outturn per head (2017 population) against each balance separately.

    Keys: ``corr_net_outflow`` (rank correlation with the IO net outflow of goods and services, % of
    value added) and ``corr_foreign`` (with the IO foreign balance of goods and services), over
    ``n_io`` provinces; ``corr_customs`` (with the customs goods balance % GRP, 2017) over
    ``n_customs`` provinces (the secondary panel lacks some 2017 cells). Negative: provinces receiving
    more per head ran deeper deficits on that balance.
    """
    t = transfers_panel(data_dir)
    t = t[t["year"] == 2017][["geo_code", "per_head_yuan"]]
    io = t.merge(decomposition.io_split(2017, data_dir)[["geo_code", "foreign_net_pct_va", "total_net_pct_va"]],
                 on="geo_code").dropna()
    c = customs.goods_balance(grp="latest", data_dir=data_dir)
    c = t.merge(c[c["year"] == 2017][["geo_code", "balance_pct_grp"]], on="geo_code").dropna()
    return {"n_io": int(len(io)), "n_customs": int(len(c)),
            "corr_net_outflow": rank_corr(io["per_head_yuan"], io["total_net_pct_va"]),
            "corr_foreign": rank_corr(io["per_head_yuan"], io["foreign_net_pct_va"]),
            "corr_customs": rank_corr(c["per_head_yuan"], c["balance_pct_grp"])}


# ----------------------------------------------------------------------------- 1994 in two provinces
def long_series(province: str = "Qinghai", data_dir: Path | None = None) -> pd.DataFrame:
    """The yearbook fiscal series of Qinghai or Inner Mongolia, :data:`LONG_YEARS`, in 亿元 and 万元.

    Columns: ``year, series, measure`` (label), ``value_10k_cny`` (万元 as printed),
    ``value_100m_cny`` (converted by :func:`helpers.units.frame_to_cny_100m`), ``source_id``. Qinghai's
    two editions of table 9-1 (2017: to 2004; 2019: 1990 and 1995-2011) are equal on every shared cell
    (:func:`qinghai_editions_check`); the 2017 edition is used to 2004 and the 2019 edition after.
    """
    names = QINGHAI_SERIES if province == "Qinghai" else INNER_MONGOLIA_SERIES
    code = provinces.code_of(province)
    frames = []
    for s, label in names.items():
        d = data.series(s, geo=code, official_only=True, data_dir=data_dir)
        d = d[d["year"].between(*LONG_YEARS) & (d["unit"] == "万元")].assign(measure=label)
        frames.append(d)
    d = pd.concat(frames, ignore_index=True)
    if province == "Qinghai":
        d = d[(d["source_id"] == "qinghai_yb2017_t9_1") | (d["year"] > 2004)]
    if d.duplicated(["series", "year"]).any():
        raise ValueError(f"{province}: more than one value per series-year in {sorted(set(d['source_id']))}")
    d["value_10k_cny"] = d["value"]
    d["value_100m_cny"] = units.frame_to_cny_100m(d, data_dir)["value"]
    return d[["year", "series", "measure", "value_10k_cny", "value_100m_cny", "source_id"]].sort_values(
        ["series", "year"]).reset_index(drop=True)


def qinghai_editions_check(data_dir: Path | None = None) -> dict:
    """Qinghai table 9-1, 2017 vs 2019 edition: ``shared_cells`` and ``max_abs_diff`` (万元)."""
    frames = [data.series(s, geo="Qinghai", data_dir=data_dir) for s in QINGHAI_SERIES]
    d = pd.concat(frames)
    w = d.pivot_table(index=["series", "year"], columns="source_id", values="value")
    both = w[["qinghai_yb2017_t9_1", "qinghai_yb2019_t9_1"]].dropna()
    return {"shared_cells": int(len(both)),
            "max_abs_diff": float((both.iloc[:, 0] - both.iloc[:, 1]).abs().max())}


def _level(d: pd.DataFrame, series: str, year: int, col: str = "value_10k_cny") -> float:
    return float(d.loc[(d["series"] == series) & (d["year"] == year), col].iloc[0])


def qinghai_1994(data_dir: Path | None = None) -> dict:
    """Qinghai across the 1994 break (yearbook table 9-1), in 万元 as printed and 亿元.

    Keys (``_10k_cny`` = 万元, ``_100m_cny`` = 亿元): ``local_revenue_1993/1994``,
    ``central_part_1994`` (collected in Qinghai for the centre), ``subsidies_1993/1994`` (central
    subsidies and other revenue), ``expenditure_1993/1994``; ``subsidies_rise`` (1994 minus 1993),
    ``central_part_share_1994`` (% of all revenue collected in Qinghai), ``subsidies_pct_exp_1993/1994``
    (% of expenditure); ``first_year``/``last_year`` of the series shown; the editions check.
    """
    d = long_series("Qinghai", data_dir)
    out = {"first_year": int(d["year"].min()), "last_year": int(d["year"].max())}
    keys = {"local_budget_revenue": "local_revenue", "central_subsidy_and_other_revenue": "subsidies",
            "local_budget_expenditure": "expenditure"}
    for s, k in keys.items():
        for y in (1993, 1994):
            out[f"{k}_{y}_10k_cny"] = _level(d, s, y)
            out[f"{k}_{y}_100m_cny"] = _level(d, s, y, "value_100m_cny")
    out["central_part_1994_10k_cny"] = _level(d, "budget_revenue_central_part", 1994)
    out["central_part_1994_100m_cny"] = _level(d, "budget_revenue_central_part", 1994, "value_100m_cny")
    out["subsidies_rise_10k_cny"] = out["subsidies_1994_10k_cny"] - out["subsidies_1993_10k_cny"]
    out["central_part_share_1994"] = out["central_part_1994_10k_cny"] / (
        out["central_part_1994_10k_cny"] + out["local_revenue_1994_10k_cny"]) * 100
    for y in (1993, 1994):
        out[f"subsidies_pct_exp_{y}"] = out[f"subsidies_{y}_10k_cny"] / out[f"expenditure_{y}_10k_cny"] * 100
    last = out["last_year"]
    out["subsidies_pct_exp_last"] = (_level(d, "central_subsidy_and_other_revenue", last)
                                     / _level(d, "local_budget_expenditure", last) * 100)
    return out | {f"editions_{k}": v for k, v in qinghai_editions_check(data_dir).items()}


def inner_mongolia_1994(data_dir: Path | None = None) -> dict:
    """Inner Mongolia across 1994 (yearbook table 8-3, 万元): local revenue and all revenue collected.

    Keys: ``local_revenue_1993/1994_10k_cny``, ``total_revenue_1993/1994_10k_cny``,
    ``to_centre_1994_10k_cny`` (total minus local: the part that became central revenue; a
    difference of two printed cells) and ``to_centre_share_1994`` (%).
    """
    d = long_series("Inner Mongolia", data_dir)
    out = {}
    for y in (1993, 1994):
        out[f"local_revenue_{y}_10k_cny"] = _level(d, "local_budget_revenue", y)
        out[f"total_revenue_{y}_10k_cny"] = _level(d, "fiscal_total_revenue", y)
    out["to_centre_1994_10k_cny"] = out["total_revenue_1994_10k_cny"] - out["local_revenue_1994_10k_cny"]
    out["to_centre_share_1994"] = out["to_centre_1994_10k_cny"] / out["total_revenue_1994_10k_cny"] * 100
    return out


def break_chart(province: str = "Qinghai", data_dir: Path | None = None):
    """Lines of :func:`long_series` in 亿元 with the 1994 reform marked by a vertical rule."""
    d = long_series(province, data_dir)
    src = ("Qinghai Statistical Yearbook 2017 and 2019, table 9-1 (主要年份财政收支情况), 万元 shown in 亿元"
           if province == "Qinghai" else
           "Inner Mongolia Statistical Yearbook, table 8-3 (地方财政分项收入), 万元 shown in 亿元")
    lines = alt.Chart(d).mark_line(point=True).encode(
        x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
        y=alt.Y("value_100m_cny:Q", title="Amount (亿元, 100 million yuan)"),
        color=charts.category_color("measure", d["measure"].unique(), title=None),
        tooltip=["measure:N", "year:Q", alt.Tooltip("value_10k_cny:Q", format=",.0f", title="万元"),
                 alt.Tooltip("value_100m_cny:Q", format=",.2f", title="亿元"), "source_id:N"])
    rule = alt.Chart(pd.DataFrame({"year": [1994], "label": ["1994 tax-sharing reform"]}))
    mark = rule.mark_rule(color="#555555", strokeDash=[4, 3]).encode(x="year:Q") + \
        rule.mark_text(align="left", dx=4, dy=-4, baseline="bottom", color="#555555").encode(
            x="year:Q", y=alt.value(0), text="label:N")
    y0, y1 = int(d["year"].min()), int(d["year"].max())
    return charts.finish(
        alt.layer(lines, mark), f"{province}: budget revenue, central part and subsidies, {y0}-{y1}", src,
        alt=f"Lines for {province}'s fiscal series {y0}-{y1} in 亿元 with a dashed vertical line at 1994: local "
            "revenue drops in 1994 as part of what the province collects becomes central revenue.")


def transfers_chart(measure: str = "pct_grp", data_dir: Path | None = None):
    """Transfers of the :data:`FOCUS` provinces 2014-2024 (``pct_grp``, ``pct_expenditure`` or
    ``per_head_yuan``): one colour per province, one point shape per measure, lines only within a measure."""
    t = transfers_panel(data_dir)
    t = t[t["province"].isin(list(FOCUS))].dropna(subset=[measure])
    unit = {"pct_grp": "% of GRP", "pct_expenditure": "% of local budget expenditure",
            "per_head_yuan": "元 per person"}[measure]
    enc = dict(x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1)),
               y=alt.Y(f"{measure}:Q", title=f"Central transfers ({unit})"),
               color=charts.category_color("province", list(FOCUS), title="Province"),
               detail="label:N",
               tooltip=["province:N", "year:Q", "label:N", alt.Tooltip(f"{measure}:Q", format=",.1f", title=unit),
                        "source_id:N"])
    chart = alt.Chart(t).mark_line(point=False).encode(**enc) + alt.Chart(t).mark_point(filled=True, size=60).encode(
        shape=alt.Shape("label:N", title="Measure", legend=alt.Legend(labelLimit=0)), **enc)
    return charts.finish(
        chart, f"Central transfers to Sichuan, Gansu and Qinghai, {int(t['year'].min())}-{int(t['year'].max())}",
        "MOF 中央对地方转移支付分地区决算表 2019-2024, 2018 budget table (2017 outturn, 2018 budget); provincial "
        f"final accounts 2014-2016; NBS GRP ({GRP_SOURCE})",
        alt=f"Central transfers ({unit}) to three interior provinces; Qinghai receives by far the most relative "
            "to its output. Points of different shape are different measures, not one series.",
        note="Different shapes are separate measures; lines join years of one measure only.")
