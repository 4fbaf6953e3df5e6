"""Central transfers to the provinces: per head, as % of GRP and as % of the province's budget spending.

Three measures, never spliced into one series (each keeps its ``measure`` label):

* ``"MOF final accounts"``: ``central_transfers`` (中央对地方转移支付分地区决算表), 2019-2024;
* ``"MOF 2017 outturn"``: ``central_transfers_outturn`` (执行数 in the 2018 central budget), 2017;
* ``"provinces' final accounts"``: ``central_subsidy_revenue`` (补助收入 in each province's own
  一般公共预算收支决算总表), 2014-2016: not equal to the MOF totals, a measure of its own.

Denominators: GRP (亿元) of the NBS vintage exported 2025 (``nbs_fsnd_grp_2025``, one vintage for
every year), year-end population (万人, official sources; none after 2020 in ``data/``, so per-head
figures stop there), and local general budget spending of the same source as the transfers where
it has one (the provinces' summaries), else the first of :data:`SPENDING_SOURCES`.

The ch05 (fiscal) page may call these functions; the ledger (claim C8) does.

>>> from helpers import transfers
>>> transfers.panel().query("geo_code == '630000' and year == 2019")["pct_grp"]
>>> transfers.qinghai_1994()["local_revenue_1994"]        # 70,074 万元
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, provinces, schema

#: series -> measure label (the three measures above)
MEASURES = {"central_transfers": "MOF final accounts", "central_transfers_outturn": "MOF 2017 outturn",
            "central_subsidy_revenue": "provinces' final accounts"}
GRP_SOURCE = "nbs_fsnd_grp_2025"
#: Spending sources, first preferred, for years whose transfer source has no spending of its own.
SPENDING_SOURCES = ("nbs_csy2024_t7_6", "nbs_csy2022_t7_6", "nbs_csy2021_t7_6", "techme_csy_t7_6",
                    "renjiyi163_local_budget_expenditure")
QINGHAI = "630000"
QINGHAI_SOURCE = "qinghai_yb2017_t9_1"     # the edition that still prints 1993 and 1994


def _yuan_100m(df: pd.DataFrame) -> pd.Series:
    return df["value"] * df["unit"].map(schema.TO_CNY) / schema.TO_CNY["亿元"]


def _one(series: str, data_dir: Path | None, source_id: str | None = None) -> pd.DataFrame:
    d = data.series(series, level="provincial", official_only=True, missing_ok=True, source_id=source_id,
                    data_dir=data_dir)
    return d.assign(value=_yuan_100m(d)) if len(d) else d


def _population(data_dir: Path | None) -> pd.DataFrame:
    """Year-end population (万人): per year, the official source covering most provinces."""
    p = data.series("population_year_end", level="provincial", official_only=True, missing_ok=True,
                    data_dir=data_dir)
    p = p[p["unit"] == "万人"]
    n = p.groupby(["year", "source_id"])["geo_code"].nunique().rename("n").reset_index()
    best = n.sort_values(["year", "n", "source_id"], ascending=[True, False, False]).drop_duplicates("year")
    p = p.merge(best[["year", "source_id"]], on=["year", "source_id"])
    return p[["geo_code", "year", "value"]].rename(columns={"value": "population_10k"})


@data.cached_on_data
def panel(data_dir: Path | None = None) -> pd.DataFrame:
    """One row per province-year-measure: transfers (亿元), GRP, spending, population and the ratios.

    Columns: ``geo_code, province, region, year, measure, transfers_100m_cny, grp_100m_cny,
    spending_100m_cny, population_10k, per_head_yuan, pct_grp, pct_spending, source_id,
    spending_source_id``. A missing denominator leaves its ratio empty (a gap, never a guess).
    """
    frames = []
    for s, label in MEASURES.items():
        t = _one(s, data_dir)
        if len(t):
            frames.append(t.assign(measure=label))
    t = pd.concat(frames, ignore_index=True)[["geo_code", "year", "measure", "value", "source_id"]]
    t = t.rename(columns={"value": "transfers_100m_cny"})
    grp = _one("grp", data_dir, GRP_SOURCE)[["geo_code", "year", "value"]].rename(columns={"value": "grp_100m_cny"})
    sp = _one("local_budget_expenditure", data_dir)
    rank = {s: i for i, s in enumerate(SPENDING_SOURCES)}
    same = sp[sp["source_id"].isin(set(t["source_id"]))][["geo_code", "year", "value", "source_id"]]
    other = sp[sp["source_id"].isin(rank)].assign(_r=lambda d: d["source_id"].map(rank))
    other = other.sort_values("_r").drop_duplicates(["geo_code", "year"])[["geo_code", "year", "value", "source_id"]]
    out = t.merge(same.rename(columns={"value": "spending_100m_cny", "source_id": "spending_source_id"})
                  .assign(source_id=lambda d: d["spending_source_id"]), on=["geo_code", "year", "source_id"], how="left")
    fill = out.drop(columns=["spending_100m_cny", "spending_source_id"]).merge(
        other.rename(columns={"value": "spending_100m_cny", "source_id": "spending_source_id"}),
        on=["geo_code", "year"], how="left")
    miss = out["spending_100m_cny"].isna()
    out.loc[miss, ["spending_100m_cny", "spending_source_id"]] = fill.loc[miss, ["spending_100m_cny",
                                                                                 "spending_source_id"]].values
    out = out.merge(grp, on=["geo_code", "year"], how="left").merge(_population(data_dir), on=["geo_code", "year"],
                                                                    how="left")
    out["per_head_yuan"] = out["transfers_100m_cny"] * schema.TO_CNY["亿元"] / (out["population_10k"] * 1e4)
    out["pct_grp"] = 100 * out["transfers_100m_cny"] / out["grp_100m_cny"]
    out["pct_spending"] = 100 * out["transfers_100m_cny"] / pd.to_numeric(out["spending_100m_cny"])
    out = provinces.label_columns(out)[["geo_code", "name_en", "region", "year", "measure", "transfers_100m_cny",
                                        "grp_100m_cny", "spending_100m_cny", "population_10k", "per_head_yuan",
                                        "pct_grp", "pct_spending", "source_id", "spending_source_id"]]
    return out.rename(columns={"name_en": "province"}).sort_values(["year", "geo_code"]).reset_index(drop=True)


def qinghai_long(data_dir: Path | None = None) -> pd.DataFrame:
    """Qinghai's budget revenue 1957-2004 (万元, Qinghai YB 2017 table 9-1): year, item, value.

    Items: local budget revenue, central subsidies and other revenue, revenue collected for the
    centre (printed from 1994, the year of the tax-sharing reform).
    """
    items = {"local_budget_revenue": "local budget revenue",
             "central_subsidy_and_other_revenue": "central subsidies and other revenue",
             "budget_revenue_central_part": "revenue collected for the centre"}
    frames = [data.series(s, geo=QINGHAI, source_id=QINGHAI_SOURCE, data_dir=data_dir).assign(item=lab)
              for s, lab in items.items()]
    d = pd.concat(frames, ignore_index=True)
    return d[["year", "item", "value", "unit", "source_id", "vintage"]].sort_values(["item", "year"]).reset_index(drop=True)


def qinghai_1994(data_dir: Path | None = None) -> dict:
    """Qinghai's 1994 break in 万元: local revenue, subsidies (1993, 1994) and what went to the centre in 1994."""
    w = qinghai_long(data_dir).pivot(index="year", columns="item", values="value")
    return {"local_revenue_1993": float(w.loc[1993, "local budget revenue"]),
            "local_revenue_1994": float(w.loc[1994, "local budget revenue"]),
            "to_centre_1994": float(w.loc[1994, "revenue collected for the centre"]),
            "subsidies_1993": float(w.loc[1993, "central subsidies and other revenue"]),
            "subsidies_1994": float(w.loc[1994, "central subsidies and other revenue"])}
