"""The provincial decomposition of China's trade balance on three balances, kept apart.

1. **customs goods balance** (:data:`CUSTOMS`): exports minus imports by location of operating
   units; the secondary panel (:mod:`helpers.customs`), annual 1993-2021.
2. **foreign balance of goods and services** (:data:`FOREIGN`): exports minus imports to and
   from abroad in the provincial input-output tables (2012 and 2017 all provinces; Guangdong 2007).
3. **net outflow of goods and services** (:data:`NET_OUTFLOW`): the expenditure-approach
   yearbook figure (货物和服务净流出) or the IO total, which includes trade with other provinces.

Every frame that carries balance values names its balance in a ``balance`` column (one of
:data:`BALANCE_NAMES`, the names of :data:`helpers.balances.BALANCES`) and no series mixes two. Every function reads *series* (never files).

>>> from helpers import decomposition as dec
>>> dec.balances_side_by_side().query("year == 2017 and province == 'Sichuan'")
>>> dec.yearbook_vs_io_2007()["sign_change"].sum()
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from . import balances, customs, data, provinces, schema, units

#: The three balances' display names (:data:`helpers.balances.BALANCES`), as the ``balance`` column holds them.
CUSTOMS = balances.name("customs_goods")
FOREIGN = balances.name("foreign_io")
NET_OUTFLOW = balances.name("net_outflow")
BALANCE_NAMES = (CUSTOMS, FOREIGN, NET_OUTFLOW)
#: IO benchmark years with a table for every province (Guangdong alone has 2007).
IO_YEARS = (2012, 2017)
#: GRP denominator for the customs and IO balances: NBS end-2018 vintage (1993-2017), never spliced.
GRP_VINTAGE = "nbs2018"

NET = "net_outflow_goods_services"
GRPX = "grp_expenditure"
READER_ORIGIN = "reader-import"

#: The explicit order in which sources are preferred for one province-year (1 = best).
SOURCE_RANKS: dict[int, str] = {
    1: "NBS database export added by a reader (分省年度数据, one consistent and later vintage)",
    2: "official NBS yearbook table (China Statistical Yearbook, GRP by expenditure approach by region)",
    3: "official provincial statistical yearbook (e.g. Qinghai YB 2020)",
    4: "secondary mirror or compilation (stop-gap only)",
}

#: IO benchmark tables are compiled apart from the annual expenditure series: never spliced in.
IO_TABLE_PREFIX = "provincial_io"

#: IO series names (亿元) used by :func:`io_split`.
IO_SERIES = {
    "value_added": "io_value_added",
    "exports": "io_exports_foreign",
    "imports": "io_imports_foreign",
    "outflow": "io_domestic_outflow",
    "inflow": "io_domestic_inflow",
    "net_total": "io_net_outflow_total",
    "outflow_total": "io_outflow_total",
    "inflow_total": "io_inflow_total",
    "consumption": "io_final_consumption",
    "capital_formation": "io_gross_capital_formation",
    "other": "io_other",
}

class DecompositionError(LookupError):
    """The data needed for a result are not in ``data/`` (names the series and table to add)."""


# --------------------------------------------------------------------------- sources
def source_info(data_dir: Path | None = None) -> pd.DataFrame:
    """One row per source_id: publisher, secondary flag, origin (build / reader-import), kind, rank."""
    m = data.manifest(data_dir)
    origin: dict[str, str] = {}
    for r in m["resources"]:
        for s in r.get("sources", []):
            origin.setdefault(s["name"], r.get("x_origin", "build"))
    rows = []
    for s in m["sources"]:
        sid = s["name"]
        org = s.get("x_origin") or origin.get(sid, "build")
        pub = str(s.get("publisher", ""))
        secondary = bool(s.get("secondary", False))
        rank = _rank(org, pub, secondary)
        rows.append({"source_id": sid, "publisher": pub, "title": s.get("title", ""),
                     "secondary": secondary, "origin": org, "source_rank": rank,
                     "source_kind": SOURCE_RANKS[rank], "trust": s.get("trust", "")})
    return pd.DataFrame(rows, columns=["source_id", "publisher", "title", "secondary", "origin",
                                       "source_rank", "source_kind", "trust"])


def _rank(origin: str, publisher: str, secondary: bool) -> int:
    if secondary:
        return 4
    if origin == READER_ORIGIN:
        return 1
    pub = publisher.lower()
    if "national bureau of statistics" in pub or pub.startswith("nbs"):
        return 2
    return 3


def _label(df: pd.DataFrame) -> pd.DataFrame:
    t = provinces.table()[["code", "name_en", "region"]].rename(columns={"name_en": "province"})
    out = df.merge(t, left_on="geo_code", right_on="code", how="left").drop(columns="code")
    return out


# --------------------------------------------------------------------------- the panel
PANEL_COLUMNS = ["geo_code", "province", "region", "year", "net_outflow", "grp_expenditure", "pct_grp", "unit",
                 "source_id", "vintage", "grp_source_id", "table", "origin", "publisher", "secondary",
                 "source_rank", "source_kind"]


@data.cached_on_data
def balance_panel(data_dir: Path | None = None) -> pd.DataFrame:
    """Net outflow of goods and services as % of GRP (expenditure), every province-year-source.

    One row per (province, year, source_id, vintage) that publishes 货物和服务净流出. The
    denominator is GRP by expenditure approach from the **same** source and vintage; failing
    that, from another table of the same vintage (a reader who adds the two NBS indicators as
    two files under one ``--vintage``), and for reader imports from another reader import.
    Rows with no denominator are dropped (a gap stays a gap). IO benchmark tables are left out.
    """
    no = data.series(NET, level="provincial", missing_ok=True, data_dir=data_dir)
    ge = data.series(GRPX, level="provincial", missing_ok=True, data_dir=data_dir)
    if no.empty or ge.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    no = units.frame_to_cny_100m(no[~no["table"].str.startswith(IO_TABLE_PREFIX)], data_dir)
    ge = units.frame_to_cny_100m(ge[~ge["table"].str.startswith(IO_TABLE_PREFIX)], data_dir)
    info = source_info(data_dir)
    no = no.merge(info, on="source_id", how="left")
    ge = ge.merge(info[["source_id", "origin"]], on="source_id", how="left")
    key = ["geo_code", "year"]
    g = ge[key + ["source_id", "vintage", "origin", "value"]].rename(
        columns={"value": "grp_expenditure", "source_id": "grp_source_id"})

    # 1. same source and vintage
    m1 = no.merge(g.drop(columns="origin"), left_on=key + ["source_id", "vintage"],
                  right_on=key + ["grp_source_id", "vintage"], how="left")
    have = m1["grp_expenditure"].notna()
    parts = [m1[have]]
    rest = m1.loc[~have, no.columns]
    # 2. same vintage, another table (prefer the same origin)
    if len(rest):
        gg = g.sort_values(["origin", "grp_source_id"]).drop_duplicates(key + ["vintage"])
        m2 = rest.merge(gg.drop(columns="origin"), on=key + ["vintage"], how="left")
        have2 = m2["grp_expenditure"].notna()
        parts.append(m2[have2])
        rest = m2.loc[~have2, no.columns]
    # 3. reader imports: any reader-imported GRP (expenditure), latest vintage first
    if len(rest):
        r = rest[rest["origin"] == READER_ORIGIN]
        gr = g[g["origin"] == READER_ORIGIN].sort_values("vintage", ascending=False).drop_duplicates(key)
        if len(r) and len(gr):
            m3 = r.merge(gr.drop(columns=["origin", "vintage"]), on=key, how="inner")
            parts.append(m3)
    m = pd.concat(parts, ignore_index=True)
    m = m.rename(columns={"value": "net_outflow"})
    m["pct_grp"] = m["net_outflow"] / m["grp_expenditure"] * 100
    m = _label(m)
    m["year"] = m["year"].astype(int)
    out = m[PANEL_COLUMNS].sort_values(["year", "geo_code", "source_rank", "source_id"])
    return out.reset_index(drop=True)


def preferred_balance_panel(panel: pd.DataFrame | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """One source per province-year, chosen by :data:`SOURCE_RANKS`.

    Order: (1) reader-imported NBS database exports, latest vintage first; (2) official NBS
    yearbook tables; (3) official provincial yearbooks (Qinghai); (4) secondary mirrors. Ties
    inside a rank: the later vintage label, then source_id. The ``source_rank`` column says
    which rule chose each row; ``n_sources`` how many sources had that province-year.
    """
    p = balance_panel(data_dir) if panel is None else panel
    if p.empty:
        return p.assign(n_sources=pd.Series(dtype=int))
    n = p.groupby(["geo_code", "year"]).size().rename("n_sources")
    p = p.sort_values(["geo_code", "year", "source_rank", "vintage", "source_id"],
                      ascending=[True, True, True, False, True])
    out = p.drop_duplicates(["geo_code", "year"]).merge(n.reset_index(), on=["geo_code", "year"])
    return out.sort_values(["year", "geo_code"]).reset_index(drop=True)


def year_coverage(panel: pd.DataFrame) -> pd.DataFrame:
    """Per year: provinces with data, which are missing, and whether coverage is national."""
    rows = []
    for y, g in panel.groupby("year"):
        have = set(g["geo_code"])
        missing = [provinces.name_en(c) for c in provinces.CODES if c not in have]
        rows.append({"year": int(y), "n_provinces": len(have), "missing": missing,
                     "coverage": "national (31 of 31)" if not missing else f"partial ({len(have)} of 31)",
                     "sources": sorted(set(g["source_id"]))})
    return pd.DataFrame(rows, columns=["year", "n_provinces", "missing", "coverage", "sources"])


# --------------------------------------------------------------------------- input-output split
@data.cached_on_data
def _io_long(data_dir: Path | None) -> pd.DataFrame:
    frames = []
    for key, s in IO_SERIES.items():
        df = data.series(s, level="provincial", missing_ok=True, data_dir=data_dir)
        if len(df):
            df = units.frame_to_cny_100m(df, data_dir).assign(item=key)
            frames.append(df)
    if not frames:
        raise DecompositionError(
            "no input-output series in data/ (expected table provincial_io_final_demand with "
            + ", ".join(IO_SERIES.values()) + ")")
    return pd.concat(frames, ignore_index=True)


#: Order in which IO compilations are used for a province-year: the bureaus' own files first,
#: then the 皮皮侠 compilation (the only copy for Tibet 2012 and for 30 provinces in 2017).
IO_SOURCE_PREFERENCE = ("bureau", "pipixia")
_SPLIT_ITEMS = ("value_added", "exports", "imports", "outflow", "inflow")


def _io_source_rank(source_id: str) -> int:
    for i, key in enumerate(IO_SOURCE_PREFERENCE):
        if key in source_id:
            return i
    return len(IO_SOURCE_PREFERENCE)


def _one_io_source_per_province(df: pd.DataFrame) -> pd.DataFrame:
    """Wide table (one row per province) whose numbers all come from ONE source.

    For each province the first source in :data:`IO_SOURCE_PREFERENCE` that prints the whole
    foreign/domestic split is used; where none does, the first source with value added (the split
    stays missing). Sources are never mixed within a province-year.
    """
    rows = []
    for geo, g in df.groupby("geo_code", sort=True):
        cands = sorted(g["source_id"].unique(), key=lambda s: (_io_source_rank(s), s))
        wide = {s: g[g["source_id"] == s].set_index("item")["value"] for s in cands}
        full = [s for s in cands if all(k in wide[s].index for k in _SPLIT_ITEMS)]
        with_va = [s for s in cands if "value_added" in wide[s].index]
        chosen = (full or with_va or cands)[0]
        r = {k: wide[chosen].get(k, float("nan")) for k in IO_SERIES}
        r.update(geo_code=geo, source_id=chosen,
                 vintage=g.loc[g["source_id"] == chosen, "vintage"].iloc[0])
        rows.append(r)
    return pd.DataFrame(rows)


@data.cached_on_data
def io_split(year: int, data_dir: Path | None = None) -> pd.DataFrame:
    """Foreign (exports - imports) and domestic (outflow - inflow to other provinces) net outflow, IO tables.

    One row per province with an IO table in ``year``: levels in 亿元 and % of IO value added.
    ``total_net`` is the IO net outflow of goods and services: the printed total (2002), else
    foreign + domestic, else total outflow minus total inflow (2007 tables that do not split them).
    ``domestic_share_of_deficit`` = domestic net / total net where the total is a deficit (> 1
    when the foreign balance is a surplus). A province whose table does not split foreign and
    domestic flows (2007 except Guangdong; Hubei and Qinghai 2012) keeps NaN there: a gap.
    """
    df = _io_long(data_dir)
    df = df[df["year"] == year]
    if df.empty:
        raise DecompositionError(f"no input-output table for {year} in data/ (IO benchmark years: 2002, 2007, 2012, 2017)")
    w = _one_io_source_per_province(df)
    w["foreign_net"] = w["exports"] - w["imports"]
    w["domestic_net"] = w["outflow"] - w["inflow"]
    split_total = w["foreign_net"] + w["domestic_net"]
    w["total_net"] = (w["net_total"].where(w["net_total"].notna(), split_total)
                      .where(lambda t: t.notna(), w["outflow_total"] - w["inflow_total"]))
    for c in ("foreign_net", "domestic_net", "total_net"):
        w[f"{c}_pct_va"] = w[c] / w["value_added"] * 100
    deficit = w["total_net"] < 0
    w["domestic_share_of_deficit"] = (w["domestic_net"] / w["total_net"]).where(deficit)
    w["year"] = int(year)
    w = _label(w)
    w["interior"] = w["region"].isin(balances.definition("interior_regions"))
    cols = ["geo_code", "province", "region", "interior", "year", "value_added", "consumption", "capital_formation",
            "other", "exports", "imports", "outflow", "inflow", "foreign_net", "domestic_net", "total_net", "foreign_net_pct_va", "domestic_net_pct_va",
            "total_net_pct_va", "domestic_share_of_deficit", "source_id", "vintage"]
    return w[cols].sort_values("geo_code").reset_index(drop=True)




# --------------------------------------------------------------------------- shared pieces
def _grp(data_dir: Path | None = None, vintage: str = GRP_VINTAGE) -> pd.DataFrame:
    """GRP of one vintage (a key of :data:`helpers.customs.GRP_SOURCES`, 亿元): ``geo_code, year, grp_100m_cny``."""
    g = data.series("grp", source_id=customs.GRP_SOURCES[vintage], level="provincial", data_dir=data_dir)
    g = units.frame_to_cny_100m(g, data_dir)
    return g.rename(columns={"value": "grp_100m_cny"})[["geo_code", "year", "grp_100m_cny"]]


@data.cached_on_data
def official_balance_panel(data_dir: Path | None = None) -> pd.DataFrame:
    """The yearbook net outflow, one official source per province-year (secondary mirrors left out):
    :func:`preferred_balance_panel` of the official rows of :func:`balance_panel`."""
    p = balance_panel(data_dir)
    return preferred_balance_panel(p[~p["secondary"].astype(bool)], data_dir)


def interior_codes() -> tuple[str, ...]:
    return tuple(c for c in provinces.CODES if provinces.region_of(c) in balances.definition("interior_regions"))


def customs_panel_pct(data_dir: Path | None = None) -> pd.DataFrame:
    """Customs goods balance % of GRP (nbs2018), 1993-2017, for maps and the heatmap (``balance`` column)."""
    b = customs.goods_balance(grp=GRP_VINTAGE, data_dir=data_dir).dropna(subset=["balance_pct_grp"])
    return b.assign(balance=CUSTOMS, source_id=f"{customs.TABLE} (secondary)",
                    vintage=b["grp_source_id"] + " GRP")[
        ["geo_code", "province", "year", "balance", "balance_pct_grp", "balance_10k_usd", "source_id", "vintage"]]


# --------------------------------------------------------------------------- 1. customs goods balance
def customs_figures(data_dir: Path | None = None) -> dict:
    """Named figures for the customs section (shares in %, counts, balances in 亿美元)."""
    cs = customs.coastal_share_all_sets(data_dir)
    sea = cs[cs["definition"] == provinces.COASTAL_SET_LABELS["sea_coast_11"]].set_index("year")
    py4 = cs[cs["definition"] == provinces.COASTAL_SET_LABELS["pearl_yangtze_4"]].set_index("year")
    east = cs[cs["definition"] == provinces.COASTAL_SET_LABELS["nbs_east_10"]].set_index("year")
    sc = customs.surplus_count(data_dir=data_dir).set_index("year")
    pct = customs_panel_pct(data_dir)
    y0, y1 = customs.PANEL_YEARS
    full = sc[sc["n_provinces"] == len(provinces.CODES)]
    gd = pct[(pct["province"] == "Guangdong")].set_index("year")
    return {
        "cu_first": y0, "cu_last": y1, "cu_grp_last": int(pct["year"].max()),
        "cu_sea_years": ", ".join(map(str, sea.index[sea["complete"]])),
        "cu_sea_2021": sea.loc[2021, "share_pct"],
        "cu_east_2021": east.loc[2021, "share_pct"], "cu_py4_2021": py4.loc[2021, "share_pct"],
        "cu_sea_min": sea["share_pct"].min(), "cu_sea_min_year": int(sea["share_pct"].idxmin()),
        "cu_sea_max": sea["share_pct"].max(),
        "cu_py4_min": py4["share_pct"].min(),
        "cu_national_2021": sea.loc[2021, "national_balance_10k_usd"] / units.USD_10K_PER_100M,   # 亿美元
        "cu_full_years": ", ".join(map(str, full.index)),
        "cu_nsur_min": int(full["n_surplus"].min()), "cu_nsur_max": int(full["n_surplus"].max()),
        "cu_nmat_min": int(full["n_material"].min()), "cu_nmat_max": int(full["n_material"].max()),
        "cu_floor": balances.definition("materiality_pct"),
        "cu_nsur_2010": int(sc.loc[2010, "n_surplus"]), "cu_nmat_2010": int(sc.loc[2010, "n_material"]),
        "cu_below_2010": sc.loc[2010, "below_floor"],
        "cu_gd_2007": gd.loc[2007, "balance_pct_grp"], "cu_gd_2017": gd.loc[2017, "balance_pct_grp"],
        "cu_bj_2010": pct[(pct["province"] == "Beijing") & (pct["year"] == 2010)]["balance_pct_grp"].iloc[0],
    }


def official_totals_by_location(data_dir: Path | None = None) -> pd.DataFrame:
    """Official customs trade totals by location, 2016-2024 (亿美元): every province plus the coastal
    (11 sea-coast provinces) and interior (Central + West) shares of the 31-province sum."""
    series, source_id = customs.OFFICIAL_TOTAL
    t = data.series(series, source_id=source_id, level="provincial", data_dir=data_dir)
    t = t.assign(total_100m_usd=units.frame_usd(t) / schema.TO_USD["亿美元"])
    tot = t.groupby("year")["total_100m_usd"].sum()
    out = pd.DataFrame({"total_31_100m_usd": tot})
    for name, codes in (("interior", interior_codes()), ("sea_coast_11", balances.coastal_set("sea_coast_11"))):
        out[f"{name}_share_pct"] = 100 * t[t["geo_code"].isin(codes)].groupby("year")["total_100m_usd"].sum() / tot
    return out.reset_index()


def inland_shift_figures(data_dir: Path | None = None) -> dict:
    o = official_totals_by_location(data_dir).set_index("year")
    y0, y1 = int(o.index.min()), int(o.index.max())
    return {"in_y0": y0, "in_y1": y1, "in_int_y0": o.loc[y0, "interior_share_pct"],
            "in_int_y1": o.loc[y1, "interior_share_pct"], "in_int_max": o["interior_share_pct"].max(),
            "in_int_max_year": int(o["interior_share_pct"].idxmax()),
            "in_sea_y0": o.loc[y0, "sea_coast_11_share_pct"], "in_sea_y1": o.loc[y1, "sea_coast_11_share_pct"]}


# --------------------------------------------------------------------------- 2. three balances side by side
def balances_side_by_side(years: Iterable[int] = IO_YEARS, data_dir: Path | None = None) -> pd.DataFrame:
    """Long frame, one row per (province, year, balance): ``value_100m_cny`` (亿元; customs converted at
    the official average rate) and ``pct_grp`` (% of GRP, nbs2018 vintage, the same denominator for
    all three). Customs: the secondary panel; foreign balance and net outflow: the IO tables."""
    years = list(years)
    grp = _grp(data_dir)
    cu = customs.goods_balance(grp=GRP_VINTAGE, data_dir=data_dir)
    cu = cu[cu["year"].isin(years)]
    frames = [pd.DataFrame({"geo_code": cu["geo_code"], "year": cu["year"], "balance": CUSTOMS,
                            "value_100m_cny": cu["balance_10k_usd"] * schema.TO_USD["万美元"] * cu["cny_per_usd"] / schema.TO_CNY["亿元"],
                            "source_id": f"{customs.TABLE} (secondary)"})]
    for y in years:
        s = io_split(y, data_dir)
        for bal, col in ((FOREIGN, "foreign_net"), (NET_OUTFLOW, "total_net")):
            d = s.dropna(subset=[col])
            frames.append(pd.DataFrame({"geo_code": d["geo_code"], "year": d["year"], "balance": bal,
                                        "value_100m_cny": d[col], "source_id": d["source_id"]}))
    out = pd.concat(frames, ignore_index=True).merge(grp, on=["geo_code", "year"], how="left")
    out["pct_grp"] = 100 * out["value_100m_cny"] / out["grp_100m_cny"]
    return _label(out).sort_values(["year", "balance", "geo_code"]).reset_index(drop=True)


def va_vs_grp(years: Iterable[int] = IO_YEARS, data_dir: Path | None = None) -> pd.DataFrame:
    """IO value added against GRP (nbs2018 vintage), province by province: ``diff_pct`` = 100 x (VA/GRP - 1)."""
    grp = _grp(data_dir)
    s = pd.concat([io_split(y, data_dir) for y in years], ignore_index=True)
    m = s[["geo_code", "province", "year", "value_added"]].merge(grp, on=["geo_code", "year"], how="inner")
    m["diff_pct"] = 100 * (m["value_added"] / m["grp_100m_cny"] - 1)
    return m


def gap_accounts(year: int, data_dir: Path | None = None) -> pd.DataFrame:
    """One row per province: the three balances in 亿元 for ``year`` and the IO final-demand accounts
    behind the gap between them (value added = consumption + capital formation + net outflow + other)."""
    s = io_split(year, data_dir)
    w = (balances_side_by_side([year], data_dir).pivot(index="geo_code", columns="balance", values="value_100m_cny")
         .rename(columns={CUSTOMS: "customs", FOREIGN: "foreign", NET_OUTFLOW: "net_outflow"}).reset_index())
    w.columns.name = None
    m = w.merge(s[["geo_code", "province", "region", "interior", "value_added", "consumption", "capital_formation",
                   "other", "domestic_net"]], on="geo_code", how="left")
    m["customs_minus_foreign"] = m["customs"] - m["foreign"]
    m["coastal"] = m["geo_code"].isin(balances.coastal_set("sea_coast_11"))
    m["identity_residual"] = m["value_added"] - m["consumption"] - m["capital_formation"] - m["net_outflow"] - m["other"]
    return m


def gap_figures(data_dir: Path | None = None) -> dict:
    """Named figures: VA vs GRP agreement, and where the customs, foreign and net-outflow balances part."""
    v = va_vs_grp(data_dir=data_dir)
    out = {"va_med_abs_diff": v["diff_pct"].abs().median(), "va_max_abs_diff": v["diff_pct"].abs().max(),
           "va_max_prov": v.loc[v["diff_pct"].abs().idxmax(), "province"],
           "va_max_year": int(v.loc[v["diff_pct"].abs().idxmax(), "year"]),
           "va_n_within1": int((v["diff_pct"].abs() <= 1).sum()), "va_n": int(len(v))}
    for y in IO_YEARS:
        g = gap_accounts(y, data_dir)
        both = g.dropna(subset=["customs", "foreign"])
        out[f"gap{y}_n"] = int(len(both))
        out[f"gap{y}_sign"] = int(((both["customs"] > 0) != (both["foreign"] > 0)).sum())
        out[f"gap{y}_sign_names"] = ", ".join(both[(both["customs"] > 0) != (both["foreign"] > 0)]["province"])
        out[f"gap{y}_coast"] = both.loc[both["coastal"], "customs_minus_foreign"].sum()
        out[f"gap{y}_interior"] = both.loc[both["interior"], "customs_minus_foreign"].sum()
        nf = g.dropna(subset=["foreign", "net_outflow"])
        out[f"gap{y}_nf_n"] = int(len(nf))
        out[f"gap{y}_nf_sign"] = int(((nf["foreign"] > 0) != (nf["net_outflow"] > 0)).sum())
        out[f"gap{y}_max_resid"] = g["identity_residual"].abs().max()
    s17 = io_split(max(IO_YEARS), data_dir)
    intr = s17[s17["interior"] & s17["foreign_net"].notna()]
    out["gap_int_n"] = int(len(intr))
    out["gap_int_fsur_ddef"] = int(((intr["foreign_net"] > 0) & (intr["domestic_net"] < 0)).sum())
    return out


def yearbook_vs_io_2007(data_dir: Path | None = None) -> pd.DataFrame:
    """2007, province by province: the net outflow in the yearbook expenditure table (CSY 2008) and
    in the IO table, both in 亿元 and % of their own GRP / value added, with the final-demand terms
    behind the difference (``d_*`` = IO minus yearbook) and ``sign_change``."""
    yb = official_balance_panel(data_dir)
    yb = yb[yb["year"] == 2007]
    parts = {}
    for s, col in (("final_consumption", "yb_consumption"), ("gross_capital_formation", "yb_capital_formation")):
        d = data.series(s, level="provincial", missing_ok=True, data_dir=data_dir)
        d = d[(d["year"] == 2007) & d["source_id"].isin(yb["source_id"])]
        parts[col] = units.frame_to_cny_100m(d, data_dir).set_index("geo_code")["value"]
    y = yb.set_index("geo_code")[["province", "region", "net_outflow", "grp_expenditure", "pct_grp", "source_id"]]
    y = y.rename(columns={"net_outflow": "yb_net_outflow", "grp_expenditure": "yb_grp", "pct_grp": "yb_pct",
                          "source_id": "yb_source_id"}).join(pd.DataFrame(parts))
    io = io_split(2007, data_dir).set_index("geo_code")[["total_net", "value_added", "consumption", "capital_formation",
                                                          "other", "source_id"]]
    io = io.rename(columns={"total_net": "io_net_outflow", "value_added": "io_value_added", "consumption": "io_consumption",
                            "capital_formation": "io_capital_formation", "other": "io_other", "source_id": "io_source_id"})
    m = y.join(io, how="inner").dropna(subset=["io_net_outflow"]).reset_index()
    m["io_pct"] = 100 * m["io_net_outflow"] / m["io_value_added"]
    m["d_net_outflow"] = m["io_net_outflow"] - m["yb_net_outflow"]
    m["d_grp"] = m["io_value_added"] - m["yb_grp"]
    m["d_consumption"] = m["io_consumption"] - m["yb_consumption"]
    m["d_capital_formation"] = m["io_capital_formation"] - m["yb_capital_formation"]
    m["sign_change"] = (m["io_net_outflow"] > 0) != (m["yb_net_outflow"] > 0)
    m["balance"] = NET_OUTFLOW
    return m.sort_values("geo_code").reset_index(drop=True)


def yearbook_vs_io_figures(data_dir: Path | None = None) -> dict:
    m = yearbook_vs_io_2007(data_dir)
    diff_pp = (m["io_pct"] - m["yb_pct"]).abs()
    big = m.loc[m["d_net_outflow"].abs().idxmax()]
    return {"y7_n": int(len(m)), "y7_sign": int(m["sign_change"].sum()),
            "y7_sign_names": ", ".join(m.loc[m["sign_change"], "province"]),
            "y7_med_pp": diff_pp.median(), "y7_n_over5pp": int((diff_pp > 5).sum()),
            "y7_grp_med_abs_pct": (100 * m["d_grp"] / m["yb_grp"]).abs().median(),
            "y7_big_prov": big["province"], "y7_big_dno": big["d_net_outflow"], "y7_big_dgcf": big["d_capital_formation"],
            "y7_big_dc": big["d_consumption"], "y7_big_dgrp": big["d_grp"],
            # how much of the net-outflow gap the final-demand terms carry, all provinces
            "y7_sum_abs_dno": m["d_net_outflow"].abs().sum(), "y7_sum_abs_dgrp": m["d_grp"].abs().sum(),
            "y7_corr_dno_dgcf": m["d_net_outflow"].corr(m["d_capital_formation"])}


# --------------------------------------------------------------------------- 3. provinces vs the nation
def _national_goods_services(data_dir: Path | None = None) -> pd.Series:
    """China's balance of goods and services (SAFE BoP, BPM6), annual, 亿元 at the official average rate."""
    b = data.series("bop_goods_and_services", level="national", data_dir=data_dir)
    return units.frame_to_cny_100m(b, data_dir).set_index("year")["value"]


def national_comparison(data_dir: Path | None = None) -> pd.DataFrame:
    """Sums of provincial balances against the national balance, every year the comparison can be made.

    Rows: the customs goods balance (panel years with all 31 provinces, 万美元 -> 亿美元), the IO foreign
    balance and the IO domestic net flows and net outflow (2012, 2017; all 31 provinces), and the yearbook
    net outflow (years with at least 15 provinces; ``missing`` names the provinces not published and
    ``missing_must_sum`` what they would have to sum to for the identity to hold, against
    ``missing_grp``, their whole GRP, nbs2018 vintage). National: the customs
    balance, or SAFE's balance of goods and services (亿元). Inter-provincial flows should net to zero.
    """
    rows = []
    cs = customs.coastal_share("sea_coast_11", data_dir)
    for r in cs[cs["n_provinces"] == len(provinces.CODES)].itertuples():
        rows.append({"year": r.year, "balance": CUSTOMS, "what": "sum of provinces", "n_provinces": r.n_provinces,
                     "unit": "亿美元", "provincial_sum": r.sum_provinces_10k_usd / units.USD_10K_PER_100M,
                     "national": r.national_balance_10k_usd / units.USD_10K_PER_100M, "missing": ""})
    nat = _national_goods_services(data_dir)
    for y in IO_YEARS:
        s = io_split(y, data_dir)
        for bal, what, col, ref in ((FOREIGN, "sum of provinces", "foreign_net", nat.get(y)),
                                    (NET_OUTFLOW, "inter-provincial flows (should be 0)", "domestic_net", 0.0),
                                    (NET_OUTFLOW, "sum of provinces", "total_net", nat.get(y))):
            rows.append({"year": y, "balance": bal, "what": what, "n_provinces": int(s[col].notna().sum()),
                         "unit": "亿元", "provincial_sum": float(s[col].sum()), "national": ref, "missing": ""})
    p = official_balance_panel(data_dir)
    for y, g in p.groupby("year"):
        if len(g) < 15:
            continue
        miss = [provinces.name_en(c) for c in provinces.CODES if c not in set(g["geo_code"])]
        rows.append({"year": int(y), "balance": NET_OUTFLOW, "what": "sum of provinces (yearbook)",
                     "n_provinces": int(len(g)), "unit": "亿元", "provincial_sum": float(g["net_outflow"].sum()),
                     "national": nat.get(int(y)), "missing": ", ".join(miss)})
    out = pd.DataFrame(rows)
    out["gap"] = out["provincial_sum"] - out["national"]
    out["missing_must_sum"] = (-out["gap"]).where(out["missing"] != "")
    out["ratio_pct"] = (100 * out["provincial_sum"] / out["national"]).where(out["national"] != 0)
    grp = _grp(data_dir)
    out["missing_grp"] = [grp[(grp["year"] == r.year) & grp["geo_code"].isin(
        [provinces.code_of(m) for m in r.missing.split(", ")])]["grp_100m_cny"].sum() if r.missing else float("nan")
        for r in out.itertuples()]
    return out.sort_values(["balance", "what", "year"]).reset_index(drop=True)


def sum_of_surpluses(data_dir: Path | None = None) -> pd.DataFrame:
    """Per IO year and per balance: the sum of provincial surpluses against the national surplus.

    A coastal share "of the sum of provincial surpluses" is a share of ``sum_surpluses``, which
    is ``ratio_to_national`` times the national balance (SAFE goods and services, 亿元)."""
    nat = _national_goods_services(data_dir)
    rows = []
    for y in IO_YEARS:
        s = io_split(y, data_dir)
        for bal, col in ((FOREIGN, "foreign_net"), (NET_OUTFLOW, "total_net")):
            pos = s.loc[s[col] > 0, col]
            rows.append({"year": y, "balance": bal, "n_surplus": int(len(pos)), "sum_surpluses": float(pos.sum()),
                         "national": float(nat[y]), "ratio_to_national": float(pos.sum() / nat[y])})
    return pd.DataFrame(rows)


def national_figures(data_dir: Path | None = None) -> dict:
    n = national_comparison(data_dir)
    cu = n[n["balance"] == CUSTOMS]
    io = n[(n["what"] != "sum of provinces (yearbook)")].set_index(["year", "balance", "what"])
    yb = n[n["what"] == "sum of provinces (yearbook)"].set_index("year")
    out = {"na_cu_years": ", ".join(map(str, cu["year"])),
           "na_cu_maxdev": (cu["ratio_pct"] - 100).abs().max(),
           "na_yb_years": ", ".join(map(str, yb.index))}
    for y in IO_YEARS:
        out[f"na{y}_foreign_sum"] = io.loc[(y, FOREIGN, "sum of provinces"), "provincial_sum"]
        out[f"na{y}_national"] = io.loc[(y, FOREIGN, "sum of provinces"), "national"]
        out[f"na{y}_domestic"] = io.loc[(y, NET_OUTFLOW, "inter-provincial flows (should be 0)"), "provincial_sum"]
        out[f"na{y}_net_sum"] = io.loc[(y, NET_OUTFLOW, "sum of provinces"), "provincial_sum"]
    for y, r in yb.iterrows():
        out[f"na_yb{y}_n"] = int(r["n_provinces"])
        out[f"na_yb{y}_sum"] = r["provincial_sum"]
        out[f"na_yb{y}_national"] = r["national"]
        out[f"na_yb{y}_missing"] = r["missing"]
        out[f"na_yb{y}_must"] = r["missing_must_sum"]
    s = sum_of_surpluses(data_dir).set_index(["year", "balance"])
    for y in IO_YEARS:
        out[f"ss{y}_net_ratio"] = s.loc[(y, NET_OUTFLOW), "ratio_to_national"]
        out[f"ss{y}_net_n"] = int(s.loc[(y, NET_OUTFLOW), "n_surplus"])
        out[f"ss{y}_for_ratio"] = s.loc[(y, FOREIGN), "ratio_to_national"]
        out[f"ss{y}_for_n"] = int(s.loc[(y, FOREIGN), "n_surplus"])
    return out


# --------------------------------------------------------------------------- 5. deeper interior deficits
@data.cached_on_data
def grp_per_head(vintage: str = GRP_VINTAGE, data_dir: Path | None = None) -> pd.DataFrame:
    """GRP per head (元 per person): GRP of one vintage (a key of :data:`helpers.customs.GRP_SOURCES`, 亿元)
    over year-end population (:func:`helpers.units.population`, 万人); province-years with both only.

    Columns: ``geo_code, year, grp_100m_cny, population_10k, grp_per_head``.
    """
    g = _grp(data_dir, vintage).merge(units.population(data_dir), on=["geo_code", "year"])
    return g.assign(grp_per_head=units.yuan_per_head(g["grp_100m_cny"], g["population_10k"]))


def poorest_on_net_outflow(year: int, n: int = 6, data_dir: Path | None = None) -> pd.DataFrame:
    """Provinces ranked by GRP per head (:func:`grp_per_head`, nbs2018 GRP, 元) with their net outflow of
    goods and services (IO total in IO years, else the yearbook table), % of GRP; ``rank`` 1 = poorest,
    ``poorest`` marks the first ``n``."""
    g = grp_per_head(data_dir=data_dir)
    g = g[g["year"] == year]
    if year in IO_YEARS or year == 2007:
        s = io_split(year, data_dir).dropna(subset=["total_net"])
        b = pd.DataFrame({"geo_code": s["geo_code"], "net_outflow": s["total_net"], "source_id": s["source_id"]})
    else:
        s = official_balance_panel(data_dir)
        s = s[s["year"] == year]
        b = pd.DataFrame({"geo_code": s["geo_code"], "net_outflow": s["net_outflow"], "source_id": s["source_id"]})
    m = _label(g.merge(b, on="geo_code")).sort_values("grp_per_head").reset_index(drop=True)
    m["pct_grp"] = 100 * m["net_outflow"] / m["grp_100m_cny"]
    m["rank"] = range(1, len(m) + 1)
    m["poorest"] = m["rank"] <= n
    m["balance"] = NET_OUTFLOW
    return m


def poorest_figures(n: int = 6, data_dir: Path | None = None) -> dict:
    out = {"poor_n": n}
    for y in IO_YEARS:
        m = poorest_on_net_outflow(y, n, data_dir)
        p = m[m["poorest"]]
        out.update({f"poor{y}_list": ", ".join(p["province"]), f"poor{y}_ndef": int((p["net_outflow"] < 0).sum()),
                    f"poor{y}_med": p["pct_grp"].median(), f"poor{y}_med_rest": m.loc[~m["poorest"], "pct_grp"].median(),
                    f"poor{y}_nall": int(len(m))})
    return out


INVESTMENT_SOURCES = {"capitalstock_gfcf_1952_1995": "1952-1995 historical accounts (secondary compilation)",
                      "wind_gfcf_by_province": "Wind export (secondary)"}
INVESTMENT_PERIODS = ((1985, 1993), (1994, 2007), (2008, 2017))


def interior_investment_share(data_dir: Path | None = None) -> pd.DataFrame:
    """Interior (Central + West) share of the sum of provincial gross fixed capital formation, per year and
    source (never spliced); years with at least 28 provinces (``missing`` names the others; the
    1952-1995 table has no Chongqing, which is counted in Sichuan, interior either way)."""
    g = data.series("gross_fixed_capital_formation", level="provincial", data_dir=data_dir)
    g = g[g["source_id"].isin(INVESTMENT_SOURCES)]
    rows = []
    for (src, y), d in g.groupby(["source_id", "year"]):
        if d["geo_code"].nunique() < 28:
            continue
        rows.append({"year": int(y), "source_id": src, "source": INVESTMENT_SOURCES[src], "n_provinces": int(len(d)),
                     "missing": ", ".join(provinces.name_en(c) for c in provinces.CODES if c not in set(d["geo_code"])),
                     "interior_share_pct": 100 * d.loc[d["geo_code"].isin(interior_codes()), "value"].sum() / d["value"].sum()})
    return pd.DataFrame(rows)


def investment_figures(data_dir: Path | None = None) -> dict:
    s = interior_investment_share(data_dir)
    out = {}
    for a, b in INVESTMENT_PERIODS:
        src = "capitalstock_gfcf_1952_1995" if b < 1994 else "wind_gfcf_by_province"
        d = s[(s["source_id"] == src) & s["year"].between(a, b)]
        out[f"inv_{a}_{b}"] = d["interior_share_pct"].mean()
    w = s[s["source_id"] == "wind_gfcf_by_province"].set_index("year")["interior_share_pct"]
    c = s[s["source_id"] == "capitalstock_gfcf_1952_1995"].set_index("year")["interior_share_pct"]
    out.update({"inv_1993_cs": c.loc[1993], "inv_1993_wind": w.loc[1993]})
    return out


# --------------------------------------------------------------------------- Qinghai
def qinghai_series(data_dir: Path | None = None) -> pd.DataFrame:
    """(Used by helpers.fiscal_context.) Qinghai, every year and source: GRP (exp.), net outflow and its share, plus C and capital formation shares.

    Sources are kept apart (Qinghai YB 2020 is revised after the 4th economic census; the NBS
    yearbook tables are first releases), never spliced: one row per (year, source, vintage).
    """
    code = provinces.code_of("Qinghai")
    p = balance_panel(data_dir)
    p = p[p["geo_code"] == code].copy()
    key = ["year", "source_id", "vintage"]
    for s, col in (("final_consumption", "consumption_pct_grp"), ("gross_capital_formation", "gcf_pct_grp"),
                   ("gross_fixed_capital_formation", "gfcf_pct_grp"), ("change_in_inventories", "inventories_pct_grp")):
        d = data.series(s, level="provincial", missing_ok=True, data_dir=data_dir)
        d = d[d["geo_code"] == code]
        if d.empty:
            p[col] = float("nan")
            continue
        d = units.frame_to_cny_100m(d, data_dir)[key + ["value"]].rename(columns={"value": col})
        p = p.merge(d, on=key, how="left")
        p[col] = p[col] / p["grp_expenditure"] * 100
    if p["gcf_pct_grp"].isna().any():  # GCF = GFCF + inventories where only the parts are published
        parts = p["gfcf_pct_grp"] + p["inventories_pct_grp"]
        p["gcf_pct_grp"] = p["gcf_pct_grp"].where(p["gcf_pct_grp"].notna(), parts)
    return p.sort_values(["year", "source_rank"]).reset_index(drop=True)


# --------------------------------------------------------------------------- charts (altair parameters, no kernel)
#: Secondary data get their own colour scheme, never the blue/orange of official data.
SECONDARY_SCHEME = "purplegreen"
SECONDARY_LABEL = "secondary compilation"
OFFICIAL_LABEL = "official table"


def secondary_colours(chart):
    """Recolour every diverging colour scale of ``chart`` with :data:`SECONDARY_SCHEME` and mark
    its legend title "(secondary data)", so secondary numbers never look like official ones."""
    import altair as alt
    from . import charts

    def walk(ch):
        layers = getattr(ch, "layer", alt.Undefined)
        for sub in ([] if layers is alt.Undefined else layers):
            walk(sub)
        enc = getattr(ch, "encoding", alt.Undefined)
        color = alt.Undefined if enc is alt.Undefined else enc["color"]
        scale = color._kwds.get("scale") if isinstance(color, alt.Color) else None
        if isinstance(scale, alt.Scale) and scale["scheme"] == charts.DIVERGING_SCHEME:
            scale["scheme"], scale["reverse"] = SECONDARY_SCHEME, False
            color["title"] = f"{color['title']} (secondary data)"
    walk(chart)
    return chart


def coastal_share_chart(cs=None, data_dir: Path | None = None):
    """Coastal share of the national customs surplus, a dropdown choosing the coastal definition."""
    import altair as alt
    from . import charts
    cs = customs.coastal_share_all_sets(data_dir) if cs is None else cs
    d = cs[["year", "definition", "share_pct", "n_coastal_with_data", "n_coastal", "missing"]].assign(
        balance=CUSTOMS, unit="%", source_id=f"{customs.TABLE} (secondary); national: NBS")
    labels = list(dict.fromkeys(d["definition"]))
    pick = alt.param(name="coastal_pick", value=labels[0],
                     bind=alt.binding_select(options=labels, name="Coastal definition "))
    base = alt.Chart(d).transform_filter("datum.definition == coastal_pick")
    line = base.mark_line(point=True, color=charts.PALETTE_EXTENSION[0]).encode(
        x=alt.X("year:Q", title="Year", scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(format="d")),
        y=alt.Y("share_pct:Q", title="Share of the national customs surplus (%)"),
        tooltip=["definition:N", "year:Q", alt.Tooltip("share_pct:Q", format=".1f", title="share (%)"),
                 "n_coastal_with_data:Q", "source_id:N"])
    rule = alt.Chart(pd.DataFrame({"y": [100]})).mark_rule(strokeDash=[4, 3], color="#555555").encode(
        y=alt.Y("y:Q", title=None))
    c = alt.layer(line, rule).add_params(pick)
    sea = cs[cs["definition"] == labels[0]]
    return charts.finish(
        c, "Coastal provinces' customs goods balance, % of China's customs surplus",
        f"{customs.TABLE} (secondary compilation, 万美元); national customs balance: NBS; helpers.customs.coastal_share",
        note="Secondary data. Years in which a province of the set has no balance are left empty. "
             "Above the dashed 100 % line the rest of the country ran a customs deficit.",
        alt=(f"Line chart, {int(d['year'].min())}-{int(d['year'].max())}, of the customs goods balance of a set of coastal "
             f"provinces as a percentage of China's customs surplus; a dropdown chooses the set. For the 11 sea-coast "
             f"provinces the share runs from {sea['share_pct'].min():.0f} % to {sea['share_pct'].max():.0f} % in the "
             f"{int(sea['share_pct'].notna().sum())} years with every province of the set in the panel."))


def balance_choice_chart(sbs=None, data_dir: Path | None = None):
    """Provinces' balances, % of GRP, one balance at a time (radio) and one IO year at a time (radio)."""
    import altair as alt
    from . import charts
    d = balances_side_by_side(data_dir=data_dir) if sbs is None else sbs
    d = d.dropna(subset=["pct_grp"])[["province", "year", "balance", "pct_grp", "source_id"]].assign(
        data=lambda x: x["balance"].map({CUSTOMS: SECONDARY_LABEL}).fillna(OFFICIAL_LABEL))
    bal = alt.param(name="balance_pick", value=FOREIGN, bind=alt.binding_radio(options=list(BALANCE_NAMES), name="Balance "))
    yr = alt.param(name="io_year", value=max(IO_YEARS), bind=alt.binding_radio(options=list(IO_YEARS), name="Year "))
    c = alt.Chart(d).mark_bar().encode(
        y=alt.Y("province:N", sort="-x", title=None),
        x=alt.X("pct_grp:Q", title="Balance (% of GRP, NBS 2018 vintage)"),
        color=alt.Color("data:N", title="Data", scale=alt.Scale(domain=[OFFICIAL_LABEL, SECONDARY_LABEL],
                                                                range=[charts.OKABE_ITO[0], charts.PALETTE_EXTENSION[0]])),
        tooltip=["province:N", "year:O", "balance:N", alt.Tooltip("pct_grp:Q", format=".1f", title="% of GRP"),
                 "source_id:N"],
    ).transform_filter("datum.balance == balance_pick && datum.year == io_year").add_params(bal, yr).properties(
        height={"step": 13})
    s17 = d[(d["year"] == max(IO_YEARS)) & (d["balance"] == NET_OUTFLOW)]
    return charts.finish(
        c, "One balance at a time: provinces, % of GRP",
        "customs: provincial_trade_annual_secondary (secondary); foreign balance and net outflow: provincial IO tables "
        "2012, 2017; GRP: NBS database, end-2018 vintage; helpers.decomposition.balances_side_by_side",
        note="Choose the balance and the year; the three are never drawn together. Purple bars: secondary data.",
        alt=(f"Horizontal bars of one balance at a time, % of GRP, for each province in 2012 or 2017 (radio buttons). "
             f"In 2017 the net outflow of goods and services ranges from {s17['pct_grp'].min():.0f} % "
             f"({s17.loc[s17['pct_grp'].idxmin(), 'province']}) to {s17['pct_grp'].max():.0f} % "
             f"({s17.loc[s17['pct_grp'].idxmax(), 'province']})."))
