"""The fiscal-reform context: the 1994 tax-sharing break and provincial budget spending.

Two kinds of evidence, kept apart:

* **National** central vs local revenue and expenditure, 1978-2014 (NBS 中央和地方财政收入/支出及比重,
  table ``national_nbs``, 亿元 and %). :func:`fiscal_shares` recomputes the shares from the
  levels (so 2012-2014, where the published share column is empty, are covered) and keeps the
  published share beside it as a check. :func:`break_1994` gives the before/after figures.
* **Provincial** local general public budget expenditure (地方一般公共预算支出, 亿元, 2005-2024)
  per head and per unit of GRP, set against each province's net outflow of goods and services
  where years overlap (:func:`spending_vs_balance`). There is **no provincial transfer data and
  no provincial revenue panel** in ``data/``: spending cannot be split into what a province
  raised and what the centre sent. :data:`WOULD_SETTLE` names the official tables that would.

>>> from helpers import fiscal_context as fc
>>> fc.break_1994()["central_revenue_share_1994"]     # 55.7 (%)
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, provinces, schema

#: The official tables that would settle what these data cannot (transfers, revenue).
WOULD_SETTLE = [
    ("Ministry of Finance, 中央对地方转移支付 (central transfers to localities, by province; "
     "also 《地方财政统计资料》 and the annual 中央对地方税收返还和转移支付决算表)",
     "how much of each province's spending the centre financed"),
    ("NBS database 分省年度数据 → 财政 → 地方财政一般预算收入 (local general budget revenue, 亿元, "
     "from 1993/1995; CSY table 分地区一般公共预算收入)",
     "each province's own revenue, so expenditure minus revenue bounds transfers plus borrowing"),
    ("NBS database 分省年度数据 → 财政 → 地方财政一般预算支出 (1993-2004, before this book's panel starts)",
     "provincial spending in the first decade after the 1994 reform"),
]

#: Preference order for the provincial expenditure source (official compilations first).
EXPENDITURE_SOURCES = ["techme_csy_t7_6", "nbs_csy2021_t7_6", "nbs_csy2022_t7_6", "nbs_csy2024_t7_6",
                       "renjiyi163_local_budget_expenditure"]

SOURCE_NOTE_NATIONAL = "Source: NBS database (hgnd), 中央和地方财政收入及比重 / 支出及比重, 1978-2014."
SOURCE_NOTE_PROVINCIAL = ("Source: China Statistical Yearbook table 7-6 (via techme) and RenJiyi163 compilation "
                          "(local general public budget expenditure); NBS GRP and population; "
                          "net outflow from NBS/provincial expenditure-approach GRP tables.")


# ----------------------------------------------------------------------------- national

def fiscal_shares(data_dir: Path | None = None) -> pd.DataFrame:
    """Central vs local revenue and expenditure (亿元) and central shares (%), 1978-2014.

    Columns: year, central_revenue, local_revenue, central_revenue_share (computed from levels),
    central_revenue_share_published, central_expenditure, local_expenditure,
    central_expenditure_share, central_expenditure_share_published.
    """
    want = ["central_revenue", "local_revenue", "central_expenditure", "local_expenditure",
            "central_revenue_share_pct", "central_expenditure_share_pct"]
    frames = []
    for s in want:
        try:
            frames.append(data.series(s, geo="000000", data_dir=data_dir))
        except data.UnknownTableError:
            pass
    if not frames:
        raise LookupError("data/ has no national central/local fiscal series (table national_nbs)")
    df = pd.concat(frames)
    wide = df.pivot_table(index="year", columns="series", values="value", aggfunc="first").reset_index()
    wide.columns.name = None
    out = pd.DataFrame({"year": wide["year"].astype(int)})
    for kind in ("revenue", "expenditure"):
        c, l = wide.get(f"central_{kind}"), wide.get(f"local_{kind}")
        out[f"central_{kind}"] = c
        out[f"local_{kind}"] = l
        out[f"central_{kind}_share"] = c / (c + l) * 100
        out[f"central_{kind}_share_published"] = wide.get(f"central_{kind}_share_pct")
    return out


def break_1994(data_dir: Path | None = None) -> dict:
    """The tax-sharing reform in numbers: central shares in 1993 and 1994, and after.

    Keys: central_revenue_share_1993/1994 (%), jump_pp, min/mean central revenue share
    1994-2014, central_expenditure_share_1993/1994, local_expenditure_share_1994,
    mean_local_expenditure_share_1994_2014, vertical_gap_1994 (local expenditure minus local
    revenue, 亿元: what transfers, rebates and other means had to cover), last_year.
    """
    f = fiscal_shares(data_dir).set_index("year")
    after = f.loc[1994:]
    return {
        "central_revenue_share_1993": float(f.loc[1993, "central_revenue_share"]),
        "central_revenue_share_1994": float(f.loc[1994, "central_revenue_share"]),
        "jump_pp": float(f.loc[1994, "central_revenue_share"] - f.loc[1993, "central_revenue_share"]),
        "min_central_revenue_share_after": float(after["central_revenue_share"].min()),
        "mean_central_revenue_share_after": float(after["central_revenue_share"].mean()),
        "central_expenditure_share_1993": float(f.loc[1993, "central_expenditure_share"]),
        "central_expenditure_share_1994": float(f.loc[1994, "central_expenditure_share"]),
        "local_expenditure_share_1994": float(100 - f.loc[1994, "central_expenditure_share"]),
        "mean_local_expenditure_share_after": float(100 - after["central_expenditure_share"].mean()),
        "vertical_gap_1993": float(f.loc[1993, "local_expenditure"] - f.loc[1993, "local_revenue"]),
        "vertical_gap_1994": float(f.loc[1994, "local_expenditure"] - f.loc[1994, "local_revenue"]),
        "vertical_gap_last": float(f["local_expenditure"].iloc[-1] - f["local_revenue"].iloc[-1]),
        "vertical_gap_last_pct_local_exp": float((f["local_expenditure"].iloc[-1] - f["local_revenue"].iloc[-1])
                                                  / f["local_expenditure"].iloc[-1] * 100),
        "last_year": int(f.index.max()),
    }


def shares_long(data_dir: Path | None = None) -> pd.DataFrame:
    """Long format for a chart: year, measure ('Central share of revenue' ...), share_pct."""
    f = fiscal_shares(data_dir)
    return pd.concat([
        pd.DataFrame({"year": f["year"], "measure": "Central share of revenue", "share_pct": f["central_revenue_share"]}),
        pd.DataFrame({"year": f["year"], "measure": "Central share of expenditure",
                      "share_pct": f["central_expenditure_share"]}),
    ], ignore_index=True).dropna()


# ----------------------------------------------------------------------------- provincial

def _pick_source(df: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """One value per province-year: the first source in ``order`` (others after, alphabetically)."""
    rank = {s: i for i, s in enumerate(order)}
    df = df.assign(_r=df["source_id"].map(lambda s: rank.get(s, len(order))))
    df = df.sort_values(["geo_code", "year", "_r", "source_id"])
    return df.drop_duplicates(["geo_code", "year"]).drop(columns="_r")


def _official(df: pd.DataFrame, data_dir: Path | None) -> pd.DataFrame:
    """Drop rows from sources the manifest marks secondary."""
    try:
        src = data.sources(data_dir)
        secondary = set(src.loc[src["secondary"].astype(bool), "source_id"])
    except Exception:  # noqa: BLE001 - manifest without the column
        secondary = set()
    return df[~df["source_id"].isin(secondary)]


def provincial_expenditure(data_dir: Path | None = None) -> pd.DataFrame:
    """Local general public budget expenditure (亿元), one official value per province-year.

    Reader-added NBS exports of 地方财政一般预算支出 join automatically (series
    ``local_budget_expenditure``); where sources overlap the yearbook-based values win.
    """
    df = data.series("local_budget_expenditure", data_dir=data_dir)
    df = _official(df[df["geo_code"] != provinces.NATIONAL_CODE], data_dir)
    df = df[df["unit"].isin(list(schema.TO_CNY))].copy()
    df["value"] = df["value"] * df["unit"].map(schema.TO_CNY) / 1e8             # -> 亿元
    df = _pick_source(df, EXPENDITURE_SOURCES)
    return df[["geo_code", "year", "value", "source_id"]].rename(
        columns={"value": "expenditure_100m_cny", "source_id": "expenditure_source"}).reset_index(drop=True)


def _latest_per_province_year(series: str, data_dir: Path | None) -> pd.DataFrame:
    try:
        df = data.series(series, data_dir=data_dir)
    except data.UnknownTableError:
        return pd.DataFrame(columns=["geo_code", "year", "value", "source_id", "vintage"])
    df = _official(df[df["geo_code"] != provinces.NATIONAL_CODE], data_dir)
    # prefer the latest vintage of GRP/population: sources whose id says "latest"/"nbs" first
    df = df.assign(_r=(~df["source_id"].str.contains("latest|nbs", case=False)).astype(int))
    df = df.sort_values(["geo_code", "year", "_r", "vintage"], ascending=[True, True, True, False])
    return df.drop_duplicates(["geo_code", "year"]).drop(columns="_r")


def expenditure_intensity(data_dir: Path | None = None) -> pd.DataFrame:
    """Budget expenditure per head (元 per person) and as % of GRP, by province-year.

    Columns: geo_code, year, expenditure_100m_cny, population_10k, grp_100m_cny,
    exp_per_head_yuan, exp_pct_grp. A missing GRP or population leaves the ratio empty.
    """
    e = provincial_expenditure(data_dir)
    pop = _latest_per_province_year("population_year_end", data_dir)
    pop = pop[pop["unit"] == "万人"] if "unit" in pop else pop
    grp = _latest_per_province_year("grp", data_dir)
    out = e.merge(pop[["geo_code", "year", "value"]].rename(columns={"value": "population_10k"}),
                  on=["geo_code", "year"], how="left")
    out = out.merge(grp[["geo_code", "year", "value"]].rename(columns={"value": "grp_100m_cny"}),
                    on=["geo_code", "year"], how="left")
    out["exp_per_head_yuan"] = out["expenditure_100m_cny"] * 1e8 / (out["population_10k"] * 1e4)
    out["exp_pct_grp"] = out["expenditure_100m_cny"] / out["grp_100m_cny"] * 100
    return out


def net_outflow_panel(data_dir: Path | None = None) -> pd.DataFrame:
    """Net outflow of goods and services as % of GRP, one value per province-year.

    Uses ``helpers.decomposition.preferred_balance_panel`` when that module exists (its
    source ranking), else divides ``net_outflow_goods_services`` by ``grp_expenditure``
    (same table, same year). Columns: geo_code, year, net_outflow_pct_grp, balance_source.
    """
    try:
        from . import decomposition  # written by another engineer
        p = decomposition.balance_panel(data_dir=data_dir)
        if "secondary" in p.columns:   # secondary mirrors are for cross-checks only
            p = p[~p["secondary"].fillna(False).astype(bool)]
        p = decomposition.preferred_balance_panel(p, data_dir=data_dir)
        col = next(c for c in ("net_outflow_pct_grp", "pct_grp", "balance_pct_grp") if c in p.columns)
        srccol = next((c for c in ("source_id", "source", "balance_source") if c in p.columns), None)
        out = p[["geo_code", "year", col]].rename(columns={col: "net_outflow_pct_grp"})
        out["balance_source"] = p[srccol].values if srccol else "decomposition"
        return out.reset_index(drop=True)
    except (ImportError, AttributeError, StopIteration, TypeError):
        pass
    try:
        no = data.series("net_outflow_goods_services", data_dir=data_dir)
        ge = data.series("grp_expenditure", data_dir=data_dir)
    except data.UnknownTableError:
        return pd.DataFrame(columns=["geo_code", "year", "net_outflow_pct_grp", "balance_source"])
    no = _official(no[no["geo_code"] != provinces.NATIONAL_CODE], data_dir)
    key = ["geo_code", "year", "source_id", "vintage"]
    m = no[key + ["value"]].merge(ge[key + ["value"]], on=key, suffixes=("_no", "_grp"))
    m["net_outflow_pct_grp"] = m["value_no"] / m["value_grp"] * 100
    m = m.sort_values(["geo_code", "year", "source_id"]).drop_duplicates(["geo_code", "year"])
    return m[["geo_code", "year", "net_outflow_pct_grp", "source_id"]].rename(
        columns={"source_id": "balance_source"}).reset_index(drop=True)


def spending_vs_balance(data_dir: Path | None = None) -> pd.DataFrame:
    """Province-years with both budget expenditure and a net-outflow ratio (the overlap only)."""
    e = expenditure_intensity(data_dir)
    b = net_outflow_panel(data_dir)
    out = e.merge(b, on=["geo_code", "year"], how="inner")
    return provinces.label_columns(out)[["geo_code", "name_en", "region", "year", "expenditure_100m_cny",
                                         "exp_per_head_yuan", "exp_pct_grp", "net_outflow_pct_grp",
                                         "expenditure_source", "balance_source"]]


def _rank_corr(x: pd.Series, y: pd.Series) -> float:
    ok = x.notna() & y.notna()
    if ok.sum() < 3:
        return float("nan")
    return float(x[ok].rank().corr(y[ok].rank()))


def overlap_summary(data_dir: Path | None = None, min_provinces: int = 10) -> pd.DataFrame:
    """Per overlap year: provinces, rank correlation of net outflow % GRP with spending % GRP and per head.

    A negative correlation means provinces that spent more (relative to output or per head) ran
    deeper deficits. It describes association across provinces in that year, nothing more.
    """
    s = spending_vs_balance(data_dir)
    rows = []
    for y, g in s.groupby("year"):
        if g["net_outflow_pct_grp"].notna().sum() < min_provinces:
            continue
        rows.append({"year": int(y), "provinces": int(g["net_outflow_pct_grp"].notna().sum()),
                     "rank_corr_exp_pct_grp": _rank_corr(g["exp_pct_grp"], g["net_outflow_pct_grp"]),
                     "rank_corr_exp_per_head": _rank_corr(g["exp_per_head_yuan"], g["net_outflow_pct_grp"])})
    return pd.DataFrame(rows, columns=["year", "provinces", "rank_corr_exp_pct_grp", "rank_corr_exp_per_head"])


def transfer_data_available(data_dir: Path | None = None, min_provinces: int = 25) -> dict:
    """What fiscal data would test the "centralisation financed the interior" claim, and whether it is here.

    Looks for a provincial revenue panel (official, ``local_budget_revenue``) and any
    ``central_transfers`` series, each with at least ``min_provinces`` provinces in a year.
    """
    out = {}
    for s in ("local_budget_revenue", "central_transfers"):
        try:
            df = data.series(s, data_dir=data_dir)
            df = _official(df[df["geo_code"] != provinces.NATIONAL_CODE], data_dir)
            per_year = df.groupby("year")["geo_code"].nunique()
            out[s] = sorted(int(y) for y in per_year[per_year >= min_provinces].index)
        except data.UnknownTableError:
            out[s] = []
    return out


def fiscal_gap_vs_balance(data_dir: Path | None = None, min_provinces: int = 25) -> pd.DataFrame:
    """(Expenditure - own revenue) % GRP against net outflow % GRP, for years a revenue panel exists.

    The gap is what transfers plus borrowing had to cover. Empty until a provincial revenue
    panel (e.g. an NBS export of 地方财政一般预算收入) is in ``data/``.
    """
    years = transfer_data_available(data_dir, min_provinces)["local_budget_revenue"]
    if not years:
        return pd.DataFrame(columns=["geo_code", "year", "gap_pct_grp", "net_outflow_pct_grp"])
    rev = data.series("local_budget_revenue", data_dir=data_dir)
    rev = _official(rev[rev["geo_code"] != provinces.NATIONAL_CODE], data_dir)
    rev = rev[rev["unit"].isin(list(schema.TO_CNY))].copy()
    rev["value"] = rev["value"] * rev["unit"].map(schema.TO_CNY) / 1e8          # -> 亿元
    rev = rev.sort_values(["geo_code", "year", "source_id"]).drop_duplicates(["geo_code", "year"])
    e = expenditure_intensity(data_dir)
    m = e.merge(rev[["geo_code", "year", "value"]].rename(columns={"value": "revenue_100m_cny"}),
                on=["geo_code", "year"])
    m["gap_pct_grp"] = (m["expenditure_100m_cny"] - m["revenue_100m_cny"]) / m["grp_100m_cny"] * 100
    b = net_outflow_panel(data_dir)
    m = m.merge(b, on=["geo_code", "year"], how="left")
    return m[m["year"].isin(years)][["geo_code", "year", "expenditure_100m_cny", "revenue_100m_cny",
                                     "grp_100m_cny", "gap_pct_grp", "net_outflow_pct_grp"]].reset_index(drop=True)
