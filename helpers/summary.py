"""The book in one page (``book/summary.ipynb``): the verdicts and the three charts that matter most.

* :func:`verdicts`: the ledger at a glance (:func:`helpers.ledger.glance`: one row per claim, one
  verdict per balance) and the counts of verdicts to glue;
* :func:`coastal_customs_balance`: the **customs goods balance** of the coastal set and of the
  rest of the country (every other province), by year, from the secondary customs panel;
* :func:`rest_net_outflow`: the **net outflow of goods and services** (IO tables, foreign +
  domestic) of every province outside the coastal set, as % of value added;
* :func:`current_account`: China's quarterly current account from 1998, latest release per quarter.

The coastal set is the ledger's (``ledger/claims.yml``, as claim C1 reads it), so the page and the verdicts
use one definition. Each ``*_figures`` function returns the named numbers the page glues.
"""
from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from . import balances, charts, customs, decomposition, ledger, national, provinces, units

REST = "rest of the country"
CUSTOMS, NET_OUTFLOW = balances.name("customs_goods"), balances.name("net_outflow")


def ledger_coastal_set() -> str:
    """The coastal set the ledger's claim C1 uses (its default lives in ``ledger/claims.yml`` only)."""
    doc = ledger.load()
    c1 = next(c for c in doc["claims"] if c["id"] == "C1")
    return ledger.params(c1, doc["definitions"])["coastal_set"]


# --------------------------------------------------------------------------- verdicts
def verdicts(led: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """(table, values): the ledger at a glance (one row per claim, one verdict per balance) and, for
    glue, ``n_claims``, ``n_judgements`` (claim x balance pairs) and the number of judgements with
    each verdict (``n_supported``, ``n_partly_supported``, ...)."""
    led = ledger.evaluate() if led is None else led
    table = ledger.glance(led).set_index("claim")
    values = {"n_claims": int(led["claim"].nunique()), "n_judgements": len(led)}
    for v in ledger.VERDICTS:
        values[f"n_{v.replace(' ', '_')}"] = int((led["verdict"] == v).sum())
    return table, values


# --------------------------------------------------------------------------- chart 1: customs goods balance
def coastal_customs_balance(coastal_set: str | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Customs goods balance (亿美元) of the coastal set and of the rest of the country, by year.

    Columns: ``year, group, balance_100m_usd, n_present, n_members, complete``. A group's sum is
    given only where every one of its provinces has exports and imports in the panel
    (``complete``); otherwise the balance is NaN: a gap, not a partial sum.
    """
    coastal_set = coastal_set or ledger_coastal_set()
    members = balances.coastal_set(coastal_set)
    b = customs.goods_balance(data_dir=data_dir)
    b["group"] = b["geo_code"].map(lambda c: coastal_set if c in members else REST)
    sizes = {coastal_set: len(members), REST: len(provinces.CODES) - len(members)}
    g = b.groupby(["year", "group"]).agg(n_present=("geo_code", "nunique"),
                                         balance_10k_usd=("balance_10k_usd", "sum"))
    full = pd.MultiIndex.from_product([range(int(b["year"].min()), int(b["year"].max()) + 1), list(sizes)],
                                      names=["year", "group"])
    g = g.reindex(full).reset_index()
    g["n_present"] = g["n_present"].fillna(0).astype(int)
    g["n_members"] = g["group"].map(sizes)
    g["complete"] = g["n_present"] == g["n_members"]
    g["balance_100m_usd"] = (g["balance_10k_usd"] / units.USD_10K_PER_100M).where(g["complete"])
    return g[["year", "group", "balance_100m_usd", "n_present", "n_members", "complete"]]


def customs_figures(df: pd.DataFrame) -> dict:
    """Years where both groups are complete; the first and last such year with both balances."""
    w = df.pivot(index="year", columns="group", values="balance_100m_usd").dropna()
    coastal = next(c for c in w.columns if c != REST)
    first, last = int(w.index.min()), int(w.index.max())
    return {"customs_n_complete": len(w), "customs_first_complete": first, "customs_last_complete": last,
            "customs_coastal_first": w.loc[first, coastal], "customs_rest_first": w.loc[first, REST],
            "customs_coastal_last": w.loc[last, coastal], "customs_rest_last": w.loc[last, REST],
            "customs_rest_deficit_years": int((w[REST] < 0).sum()),
            "customs_span": f"{int(df['year'].min())}-{int(df['year'].max())}"}


def coastal_customs_chart(df: pd.DataFrame):
    coastal = next(g for g in df["group"].unique() if g != REST)
    d = df.assign(group=df["group"].map({coastal: provinces.COASTAL_SET_LABELS[coastal], REST: REST}))
    years = list(range(int(d["year"].min()), int(d["year"].max()) + 1))
    chart = alt.Chart(d.dropna(subset=["balance_100m_usd"])).mark_bar().encode(
        x=alt.X("year:O", title="Year", scale=alt.Scale(domain=years), axis=charts.year_axis(years, 5)),
        xOffset="group:N",
        y=alt.Y("balance_100m_usd:Q", title=CUSTOMS.capitalize()),
        color=charts.category_color("group", d["group"].unique(), title="Provinces"),
        tooltip=["group:N", "year:O", alt.Tooltip("balance_100m_usd:Q", title="亿美元", format=",.0f"),
                 alt.Tooltip("n_present:Q", title="provinces")])
    w = d.pivot(index="year", columns="group", values="balance_100m_usd")
    coastal_pos, rest_neg = int((w[provinces.COASTAL_SET_LABELS[coastal]] > 0).sum()), int((w[REST] < 0).sum())
    n_coastal, n_rest = int(w[provinces.COASTAL_SET_LABELS[coastal]].notna().sum()), int(w[REST].notna().sum())
    n_gap = int(w.isna().all(axis=1).sum())
    return charts.finish(
        chart, f"{CUSTOMS.capitalize()}: the coastal set and the rest of the country",
        "provincial exports and imports by location of operating units, SECONDARY compilation "
        "(data/provincial_trade_annual_secondary.csv, 万美元), converted to 亿美元",
        f"Bars by year {years[0]}-{years[-1]}: the {CUSTOMS} of the coastal set "
        f"({provinces.COASTAL_SET_LABELS[coastal]}) and of the rest of the country, in 100 million US "
        f"dollars. The coastal set is in surplus in {coastal_pos} of the {n_coastal} years it has a bar; the rest "
        f"is in deficit in {rest_neg} of {n_rest}. "
        f"Years where a province of a group is missing in the panel have no bar ({n_gap} years have none at all).",
        y_unit="亿美元 (100 million USD)",
        note="Secondary data. No bar = a province of that group is missing that year (a gap, never a partial sum).")


# --------------------------------------------------------------------------- chart 2: net outflow, the rest
def rest_net_outflow(year: int = 2017, coastal_set: str | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Net outflow of goods and services (IO table: foreign + domestic, % of value added) of every
    province outside the coastal set, in an IO benchmark year (:func:`helpers.decomposition.io_split`)."""
    coastal_set = coastal_set or ledger_coastal_set()
    io = decomposition.io_split(year, data_dir=data_dir)
    rest = io[io["geo_code"].isin(balances.rest_of_country(coastal_set))]
    return rest[["geo_code", "province", "region", "year", "total_net", "total_net_pct_va", "source_id", "vintage"]]\
        .sort_values("total_net_pct_va").reset_index(drop=True)


def rest_figures(df: pd.DataFrame) -> dict:
    deficit = df["total_net_pct_va"] < 0
    deepest = df.iloc[0]
    return {"io_year": int(df["year"].iat[0]), "io_n_rest": len(df), "io_n_deficit": int(deficit.sum()),
            "io_median_pct": df["total_net_pct_va"].median(),
            "io_deepest": deepest["province"], "io_deepest_pct": deepest["total_net_pct_va"]}


def rest_net_outflow_chart(df: pd.DataFrame):
    f = rest_figures(df)
    return charts.bar_chart(
        df, "province", "total_net_pct_va", horizontal=True, diverging=True, sort="x", y_unit="% of value added",
        x_title=None, y_title=NET_OUTFLOW.capitalize(),
        title=f"{NET_OUTFLOW.capitalize()}, the rest of the country, {f['io_year']}",
        source=f"provincial input-output tables {f['io_year']} (data/provincial_io_final_demand.csv, 亿元): "
               "foreign exports - imports + domestic outflow - inflow",
        alt=(f"Horizontal bars for the {f['io_n_rest']} provinces outside the coastal set: {NET_OUTFLOW} "
             f"as a share of value added in {f['io_year']}. {f['io_n_deficit']} are in deficit; "
             f"the deepest is {f['io_deepest']}."))


# --------------------------------------------------------------------------- chart 3: current account
def current_account(start: int = 1998, data_dir: Path | None = None) -> pd.DataFrame:
    """Quarterly current account (亿美元) from ``start``: the latest published value of each quarter
    with its vintage (:func:`helpers.national.quarterly_latest`)."""
    q = national.quarterly_latest("bop_current_account", data_dir=data_dir)
    q = q[(q["year"] >= start) & q["period"].str.fullmatch(r"\d{4}Q[1-4]")]
    return q[["period", "year", "quarter", "current_account", "unit", "source_id", "vintage"]].reset_index(drop=True)


def current_account_figures(df: pd.DataFrame) -> dict:
    last = df.iloc[-1]
    neg = df[df["current_account"] < 0]
    return {"ca_first_period": df["period"].iat[0], "ca_last_period": last["period"],
            "ca_last_value": last["current_account"], "ca_last_vintage": last["vintage"],
            "ca_n_quarters": len(df), "ca_n_deficit_quarters": len(neg),
            "ca_deficit_quarters": ", ".join(neg["period"]),
            "ca_max_period": df.loc[df["current_account"].idxmax(), "period"],
            "ca_max_value": df["current_account"].max()}


def current_account_chart(df: pd.DataFrame):
    f = current_account_figures(df)
    return charts.bar_chart(
        df, "period", "current_account", diverging=True, y_unit="亿美元 (100 million USD)",
        x_title="Quarter", y_title="Current account", fmt=",.1f",
        title=f"China's current account by quarter, {f['ca_first_period']}-{f['ca_last_period']}",
        source="SAFE balance of payments (BPM6): the March-2024 workbook and later releases, latest vintage "
               "of each quarter (data/national_bop.csv, data/national_bop_releases.csv)",
        alt=(f"{f['ca_n_quarters']} quarterly bars of China's current account in 100 million US dollars, "
             f"{f['ca_first_period']} to {f['ca_last_period']}; {f['ca_n_deficit_quarters']} quarters are in "
             f"deficit ({f['ca_deficit_quarters']}); the largest surplus is in {f['ca_max_period']}."))
