"""The accounting caveats of the provincial decomposition, each one *measured*.

Every function returns a tidy DataFrame with the ``source_id``/``vintage`` of the numbers it
compares, built from :mod:`helpers.data` series (so reader-added NBS exports flow in).

* :func:`location_vs_destination`: customs trade allocated by location of the trading firm vs by
  domestic destination/source of the goods (2016-2024);
* :func:`net_outflow_vs_foreign`: how much of a province's net outflow is trade with other
  provinces rather than with the world (IO tables 2012, 2017; Guangdong 2007);
* :func:`grp_sum_vs_national_gdp`: the sum of 31 GRPs against national GDP, by vintage;
* :func:`net_outflow_sum_vs_national_net_exports`: provincial net outflows summed against the
  national balance of goods and services, only for years with (nearly) every province;
* :func:`census_revisions`: the same province-year in two vintages;
* :func:`customs_vs_bop_goods`: national customs balance vs SAFE BoP goods balance (USD);
* :func:`source_errors`: the published cells the build left out, by reason;
* :func:`io_sums_vs_national`: the complete IO years summed against SAFE's goods and services balance;
* :func:`fie_share`, :func:`processing_share`: who earns the customs surplus (foreign-invested firms,
  processing trade);
* :func:`key_figures`: the named values chapter 3 glues.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, decomposition, provinces, schema, units

#: US dollars in one billion (the unit of the customs and BoP comparisons here).
USD_PER_BILLION = 1e9


# --------------------------------------------------------------------------- 1. customs allocation
def location_vs_destination(data_dir: Path | None = None) -> pd.DataFrame:
    """Total trade by location of operating units (A060101) vs by domestic destination/source (A060201).

    One row per province-year (2016-2024 in the built data), in billion USD:
    ``by_location_bn``, ``by_destination_bn``, ``difference_bn`` (destination - location) and
    ``ratio`` (destination / location). A positive difference means the province's goods are
    traded through firms registered elsewhere (the location measure *understates* its trade).
    """
    loc = data.series("trade_total_by_location", level="provincial", official_only=True, data_dir=data_dir)
    dst = data.series("trade_total_by_destination_source", level="provincial", official_only=True, data_dir=data_dir)
    key = ["geo_code", "year"]
    loc = loc.assign(usd=units.frame_usd(loc)).sort_values("vintage", ascending=False).drop_duplicates(key)
    dst = dst.assign(usd=units.frame_usd(dst)).sort_values("vintage", ascending=False).drop_duplicates(key)
    m = loc[key + ["usd", "source_id", "vintage"]].merge(
        dst[key + ["usd", "source_id", "vintage"]], on=key, suffixes=("_location", "_destination"))
    m["by_location_bn"] = m["usd_location"] / USD_PER_BILLION
    m["by_destination_bn"] = m["usd_destination"] / USD_PER_BILLION
    m["difference_bn"] = m["by_destination_bn"] - m["by_location_bn"]
    m["ratio"] = m["by_destination_bn"] / m["by_location_bn"]
    m = decomposition._label(m)
    m["year"] = m["year"].astype(int)
    cols = ["geo_code", "province", "region", "year", "by_location_bn", "by_destination_bn", "difference_bn", "ratio",
            "source_id_location", "source_id_destination", "vintage_location", "vintage_destination"]
    return m[cols].sort_values(["year", "geo_code"]).reset_index(drop=True)


def location_vs_destination_summary(df: pd.DataFrame | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Per province, averaged over the years present: mean difference and ratio, ranked (gainers first)."""
    d = location_vs_destination(data_dir) if df is None else df
    s = d.groupby(["geo_code", "province", "region"], as_index=False).agg(
        years=("year", lambda y: f"{y.min()}-{y.max()}"), n_years=("year", "size"),
        mean_location_bn=("by_location_bn", "mean"), mean_destination_bn=("by_destination_bn", "mean"),
        mean_difference_bn=("difference_bn", "mean"), mean_ratio=("ratio", "mean"))
    return s.sort_values("mean_difference_bn", ascending=False).reset_index(drop=True)


# --------------------------------------------------------------------------- 2. net outflow is not foreign
@data.cached_on_data
def net_outflow_vs_foreign(years: tuple[int, ...] = (2007, 2012, 2017), data_dir: Path | None = None) -> pd.DataFrame:
    """IO benchmark tables: the foreign and domestic parts of each province's net outflow.

    Rows only where the table splits the two (2012 and 2017 all provinces except the 2012
    exclusions; 2007 Guangdong only). ``sign_differs`` flags provinces whose foreign balance and
    total net outflow have opposite signs: the case where reading net outflow as a foreign
    balance gets the direction wrong.
    """
    frames = []
    for y in years:
        try:
            s = decomposition.io_split(y, data_dir)
        except decomposition.DecompositionError:
            continue
        frames.append(s[s["foreign_net"].notna() & s["domestic_net"].notna()])
    if not frames:
        raise decomposition.DecompositionError("no IO table with a foreign/domestic split in data/")
    out = pd.concat(frames, ignore_index=True)
    out["sign_differs"] = (out["foreign_net"] > 0) != (out["total_net"] > 0)
    out["domestic_abs_share"] = out["domestic_net"].abs() / (out["domestic_net"].abs() + out["foreign_net"].abs())
    return out


def net_outflow_vs_foreign_summary(df: pd.DataFrame | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Per IO year: provinces split, how many run a total deficit, how many of those a foreign surplus."""
    d = net_outflow_vs_foreign(data_dir=data_dir) if df is None else df
    rows = []
    for y, g in d.groupby("year"):
        deficit = g[g["total_net"] < 0]
        rows.append({"year": int(y), "n_provinces": int(len(g)), "n_total_deficit": int(len(deficit)),
                     "n_deficit_with_foreign_surplus": int((deficit["foreign_net"] > 0).sum()),
                     "n_sign_differs": int(g["sign_differs"].sum()),
                     "median_domestic_abs_share": float(g["domestic_abs_share"].median()),
                     "sum_foreign_net": float(g["foreign_net"].sum()), "sum_domestic_net": float(g["domestic_net"].sum()),
                     "sources": ", ".join(sorted(set(g["source_id"])))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- 3. GRP sum vs GDP
def grp_sum_vs_national_gdp(data_dir: Path | None = None) -> pd.DataFrame:
    """Sum of the 31 provincial GRPs against national GDP, per GRP vintage, national vintage and year.

    Only years in which all 31 provinces have a GRP in that vintage are summed (a partial sum
    would be meaningless). ``gap_pct`` = (sum - GDP) / GDP * 100.
    """
    g = data.series("grp", level="provincial", official_only=True, data_dir=data_dir)
    g = units.frame_to_cny_100m(g[g["unit"].isin(schema.TO_CNY)], data_dir)
    n = data.series("gdp", level="national", official_only=True, data_dir=data_dir)
    n = units.frame_to_cny_100m(n[n["unit"].isin(schema.TO_CNY)], data_dir)
    sums = (g.groupby(["source_id", "vintage", "year"])
              .agg(n_provinces=("geo_code", "nunique"), grp_sum=("value", "sum")).reset_index())
    sums = sums[sums["n_provinces"] == len(provinces.CODES)]
    m = sums.merge(n[["year", "value", "source_id", "vintage"]].rename(
        columns={"value": "national_gdp", "source_id": "gdp_source_id", "vintage": "gdp_vintage"}), on="year")
    m = m.rename(columns={"source_id": "grp_source_id", "vintage": "grp_vintage"})
    m["gap"] = m["grp_sum"] - m["national_gdp"]
    m["gap_pct"] = m["gap"] / m["national_gdp"] * 100
    m["year"] = m["year"].astype(int)
    return m.sort_values(["grp_source_id", "gdp_source_id", "year"]).reset_index(drop=True)


# --------------------------------------------------------------------------- 4. net outflow sum vs national
def net_outflow_sum_vs_national_net_exports(panel: pd.DataFrame | None = None, min_provinces: int = 30,
                                            data_dir: Path | None = None) -> pd.DataFrame:
    """Sum of provincial net outflows against China's balance of goods and services (SAFE BoP, 亿元).

    Inter-provincial flows cancel in a complete sum, so the sum should approach the national
    balance. The comparison is made only for years with at least ``min_provinces`` provinces;
    other years are listed with ``status`` = 'partial coverage (n of 31)' and no sum.
    """
    p = decomposition.preferred_balance_panel(data_dir=data_dir) if panel is None else panel
    bop = _national_goods_services_cny(data_dir)
    rows = []
    for y, g in p.groupby("year"):
        k = int(g["geo_code"].nunique())
        ok = k >= min_provinces
        missing = [provinces.name_en(c) for c in provinces.CODES if c not in set(g["geo_code"])]
        rows.append({"year": int(y), "n_provinces": k, "missing": ", ".join(missing),
                     "status": "compared" if ok else f"partial coverage ({k} of 31)",
                     "provincial_sum": float(g["net_outflow"].sum()) if ok else float("nan"),
                     "sources": ", ".join(sorted(set(g["source_id"])))})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = out.merge(bop, on="year", how="left")
    out["gap"] = out["provincial_sum"] - out["national_goods_services"]
    return out


def _national_goods_services_cny(data_dir: Path | None) -> pd.DataFrame:
    """SAFE balance of goods and services in 亿元: SAFE's own yuan series where published (2010-),
    else the US-dollar series at the official annual average rate (``fx_source_id`` says which)."""
    cny = data.series("bop_goods_and_services_cny", level="national", official_only=True, data_dir=data_dir)
    cny = cny[cny["unit"] == "亿元"]
    usd = data.series("bop_goods_and_services", level="national", official_only=True, data_dir=data_dir)
    usd = usd[~usd["year"].isin(cny["year"])]
    conv = units.frame_to_cny_100m(usd, data_dir)
    fx = units.fx_rates(data_dir).set_index("year")["source_id"]
    out = pd.concat([cny.assign(fx_source_id=""), conv.assign(fx_source_id=conv["year"].map(fx))])
    out = out.rename(columns={"value": "national_goods_services", "source_id": "national_source_id",
                              "vintage": "national_vintage"})
    out["year"] = out["year"].astype(int)
    return out[["year", "national_goods_services", "national_source_id", "national_vintage", "fx_source_id"]]


def io_sums_vs_national(years: tuple[int, ...] = (2012, 2017), data_dir: Path | None = None) -> pd.DataFrame:
    """The complete IO years: provincial sums of the foreign balance, the domestic (inter-provincial) part
    and the total net outflow (亿元) against SAFE's balance of goods and services.

    Inter-provincial outflows and inflows should cancel across 31 provinces (``domestic_sum`` near 0); they do
    not. ``n_foreign`` counts provinces whose table splits foreign from domestic trade.
    """
    bop = _national_goods_services_cny(data_dir).set_index("year")
    rows = []
    for y in years:
        s = decomposition.io_split(y, data_dir)
        rows.append({"year": y, "n_provinces": int(s["geo_code"].nunique()), "n_foreign": int(s["foreign_net"].notna().sum()),
                     "foreign_sum": float(s["foreign_net"].sum()), "domestic_sum": float(s["domestic_net"].sum()),
                     "total_sum": float(s["total_net"].sum()),
                     "national_goods_services": float(bop.loc[y, "national_goods_services"]),
                     "sources": ", ".join(sorted(set(s["source_id"])))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- 5. census revisions
def census_revisions(data_dir: Path | None = None) -> pd.DataFrame:
    """The same province-year in two vintages: ``revision_pct`` = (later / earlier - 1) * 100.

    * nominal GRP: first-published vintage vs latest (5th-census) vintage, every overlapping
      province-year (2006-2009 with the built tables);
    * GRP by expenditure approach and net outflow: provincial yearbook (Qinghai YB 2020, after the
      4th census) vs NBS yearbook tables, where both publish the province-year (2007, 2008).
    """
    rows = []
    # nominal GRP across vintages
    g = data.series("grp", level="provincial", official_only=True, data_dir=data_dir)
    g = g[g["unit"] == "亿元"]
    vins = g.groupby(["source_id", "vintage"])["year"].agg(["min", "max"]).reset_index()
    if len(vins) >= 2:
        first = _pick_vintage(vins, g, "first")
        latest = _pick_vintage(vins, g, "latest")
        if first is not None and latest is not None and first != latest:
            a = g[(g["source_id"] == first[0]) & (g["vintage"] == first[1])]
            b = g[(g["source_id"] == latest[0]) & (g["vintage"] == latest[1])]
            m = a.merge(b, on=["geo_code", "year"], suffixes=("_earlier", "_later"))
            m["series"] = "grp"
            rows.append(m)
    # expenditure-approach tables: provincial yearbook vs NBS yearbook
    p = decomposition.balance_panel(data_dir)
    for s, col in (("grp_expenditure", "grp_expenditure"), ("net_outflow_goods_services", "net_outflow")):
        nbs = p[p["source_rank"] == 2]
        prov = p[p["source_rank"] == 3]
        m = nbs[["geo_code", "year", col, "source_id", "vintage"]].merge(
            prov[["geo_code", "year", col, "source_id", "vintage"]], on=["geo_code", "year"], suffixes=("_earlier", "_later"))
        m = m.rename(columns={f"{col}_earlier": "value_earlier", f"{col}_later": "value_later"})
        m["series"] = s
        rows.append(m)
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True)
    out["revision"] = out["value_later"] - out["value_earlier"]
    out["revision_pct"] = (out["value_later"] / out["value_earlier"] - 1) * 100
    out = decomposition._label(out)
    out["year"] = out["year"].astype(int)
    cols = ["series", "geo_code", "province", "region", "year", "value_earlier", "value_later", "revision", "revision_pct",
            "source_id_earlier", "vintage_earlier", "source_id_later", "vintage_later"]
    return out[cols].sort_values(["series", "year", "geo_code"]).reset_index(drop=True)


def _pick_vintage(vins: pd.DataFrame, g: pd.DataFrame, which: str):
    """(source_id, vintage) of the first-published (starts earliest) or latest (ends latest) GRP vintage."""
    v = vins.sort_values("min" if which == "first" else "max", ascending=(which == "first"))
    if v.empty:
        return None
    r = v.iloc[0]
    return r["source_id"], r["vintage"]


# --------------------------------------------------------------------------- 6. customs vs BoP
def customs_vs_bop_goods(data_dir: Path | None = None) -> pd.DataFrame:
    """National customs trade balance vs the SAFE balance-of-payments goods balance, billion USD.

    Customs: exports - imports (NBS national series, latest scrape first). BoP goods (BPM6) values
    goods on a change-of-ownership basis (exports and imports both FOB), so the two differ even
    before errors: ``difference_bn`` = customs - BoP.
    """
    ex = data.series("customs_exports_usd", level="national", official_only=True, data_dir=data_dir)
    im = data.series("customs_imports_usd", level="national", official_only=True, data_dir=data_dir)
    bop = data.series("bop_goods", level="national", official_only=True, data_dir=data_dir)
    key = ["year", "source_id", "vintage"]
    c = ex.assign(usd=units.frame_usd(ex))[key + ["usd"]].merge(im.assign(usd=units.frame_usd(im))[key + ["usd"]],
                                                               on=key, suffixes=("_ex", "_im"))
    c["customs_balance_bn"] = (c["usd_ex"] - c["usd_im"]) / USD_PER_BILLION
    c = c.sort_values(["year", "vintage"], ascending=[True, False]).drop_duplicates("year")
    b = bop.assign(bop_goods_bn=units.frame_usd(bop) / USD_PER_BILLION).sort_values("vintage", ascending=False)
    b = b.drop_duplicates("year")
    m = c[["year", "customs_balance_bn", "source_id", "vintage"]].rename(
        columns={"source_id": "customs_source_id", "vintage": "customs_vintage"}).merge(
        b[["year", "bop_goods_bn", "source_id", "vintage"]].rename(
            columns={"source_id": "bop_source_id", "vintage": "bop_vintage"}), on="year")
    m["difference_bn"] = m["customs_balance_bn"] - m["bop_goods_bn"]
    m["difference_pct_of_bop"] = m["difference_bn"] / m["bop_goods_bn"].abs() * 100
    m["year"] = m["year"].astype(int)
    return m.sort_values("year").reset_index(drop=True)


# --------------------------------------------------------------------------- 7. source errors
def _reason_kind(reason: str) -> str:
    r = reason.lower()
    if "source error" in r or "repeats" in r or "identical to" in r or "page error" in r:
        return "source error"
    if "cut" in r:
        return "cut off in the page copy"
    if "secondary" in r or "superseded" in r:
        return "secondary point superseded"
    if "outside" in r and "span" in r:
        return "outside the span the provenance note verifies"
    if "derived" in r:
        return "derived, not official"
    if "defect" in r or "not " in r:
        return "defect in the copy"
    return "other"


def source_errors(data_dir: Path | None = None) -> pd.DataFrame:
    """``data/exclusions.csv`` summarised: per source and kind of reason, cells left out, series, years."""
    ex = data.exclusions(data_dir)
    if ex.empty:
        return pd.DataFrame(columns=["source_id", "kind", "n_cells", "series", "years", "provinces", "reason"])
    ex = ex.copy()
    ex["kind"] = ex["reason"].map(_reason_kind)
    ex["year"] = pd.to_numeric(ex["year"], errors="coerce")

    def _prov(codes):
        names = [provinces.name_en(c) if c in provinces.CODES or c == provinces.NATIONAL_CODE else c
                 for c in sorted(set(codes))]
        return ", ".join(names)

    out = ex.groupby(["source_id", "kind"]).agg(
        n_cells=("series", "size"), series=("series", lambda s: ", ".join(sorted(set(s)))),
        years=("year", lambda y: (f"{int(y.min())}" if y.min() == y.max() else f"{int(y.min())}-{int(y.max())}")),
        provinces=("geo_code", _prov), reason=("reason", "first")).reset_index()
    return out.sort_values(["kind", "source_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- 8. who earns the customs surplus
def fie_share(data_dir: Path | None = None) -> pd.DataFrame:
    """Foreign-invested enterprises' (外商投资企业) part of China's customs goods trade, per NBS scrape and year.

    National customs exports and imports and the FIE exports and imports (NBS 货物进出口总额 and
    外商投资企业货物进出口总额, 百万美元) are paired within one scrape (vintage), never across:
    ``fie_balance_bn`` and ``customs_balance_bn`` in billion USD, ``fie_share_of_surplus_pct`` = FIE balance
    / customs balance x 100, ``fie_share_of_exports_pct``.
    """
    parts = {}
    for name in ("customs_exports_usd", "customs_imports_usd", "fie_exports_usd", "fie_imports_usd"):
        d = data.series(name, level="national", official_only=True, data_dir=data_dir)
        d = d[d["source_id"].str.startswith("nbs_hgnd_")]
        d = d.assign(bn=units.frame_usd(d) / USD_PER_BILLION, scrape=d["vintage"].str.extract(r"scraped (\d{4})")[0])
        parts[name] = d.set_index(["scrape", "year"])["bn"]
    df = pd.DataFrame(parts).dropna().reset_index()
    df["customs_balance_bn"] = df["customs_exports_usd"] - df["customs_imports_usd"]
    df["fie_balance_bn"] = df["fie_exports_usd"] - df["fie_imports_usd"]
    df["fie_share_of_surplus_pct"] = df["fie_balance_bn"] / df["customs_balance_bn"] * 100
    df["fie_share_of_exports_pct"] = df["fie_exports_usd"] / df["customs_exports_usd"] * 100
    df["vintage"] = "NBS database as scraped " + df["scrape"]
    df["year"] = df["year"].astype(int)
    return df.sort_values(["scrape", "year"]).reset_index(drop=True)


def fie_figures(data_dir: Path | None = None) -> dict:
    """Named FIE figures: each year from the latest scrape that has it (the scrape is named)."""
    f = fie_share(data_dir).sort_values("scrape").drop_duplicates("year", keep="last").set_index("year")
    pk = f["fie_share_of_surplus_pct"].idxmax()
    out = {"fie_first_year": int(f.index.min()), "fie_last_year": int(f.index.max()),
           "fie_peak_year": int(pk), "fie_peak_share": float(f.loc[pk, "fie_share_of_surplus_pct"]),
           "fie_peak_scrape": f.loc[pk, "scrape"]}
    for y in (2005, 2010, 2015, 2022):
        out[f"fie_share_{y}"] = float(f.loc[y, "fie_share_of_surplus_pct"])
        out[f"fie_balance_{y}"] = float(f.loc[y, "fie_balance_bn"])
        out[f"fie_exports_share_{y}"] = float(f.loc[y, "fie_share_of_exports_pct"])
        out[f"fie_scrape_{y}"] = f.loc[y, "scrape"]
    return out


#: GACC regimes that make up processing trade (加工贸易): processing and assembling (来料加工装配贸易) and
#: processing with imported materials (进料加工贸易).
PROCESSING_REGIMES = ("processing_and_assembling", "processing_with_imported_materials")


def processing_share(year: int = 2019, data_dir: Path | None = None) -> dict:
    """Processing trade's part of the customs goods trade and balance (GACC table (5), January-December).

    Billion USD; ``processing_share_of_surplus_pct`` = processing balance / customs balance x 100. Only 2019
    is held (table ``national_customs_regime``).
    """
    def flow(kind: str, regime: str | None) -> float:
        name = f"customs_{kind}_{regime}_usd" if regime else f"customs_{kind}_usd"
        d = data.series(name, source_id="gacc_t05_2019_12_regimes" if regime else "gacc_t05_2019_12",
                        level="national", data_dir=data_dir)
        d = d[d["year"] == year]
        return float(units.frame_usd(d).sum() / USD_PER_BILLION)

    ex, im = flow("exports", None), flow("imports", None)
    pex = sum(flow("exports", r) for r in PROCESSING_REGIMES)
    pim = sum(flow("imports", r) for r in PROCESSING_REGIMES)
    oex, oim = flow("exports", "ordinary_trade"), flow("imports", "ordinary_trade")
    return {"regime_year": year, "customs_exports": ex, "customs_imports": im, "customs_balance": ex - im,
            "processing_exports": pex, "processing_imports": pim, "processing_balance": pex - pim,
            "processing_share_of_exports_pct": pex / ex * 100, "processing_share_of_imports_pct": pim / im * 100,
            "processing_share_of_surplus_pct": (pex - pim) / (ex - im) * 100,
            "ordinary_balance": oex - oim, "ordinary_share_of_surplus_pct": (oex - oim) / (ex - im) * 100,
            "other_balance": (ex - im) - (pex - pim) - (oex - oim)}


#: The figures chapter 3 glues (every one is read by its prose or charts).
CHAPTER_KEYS = (
    "cb_2019_b", "cb_2019_c", "cb_big", "cb_big_year", "cb_first", "cb_last", "cb_n", "cb_n_customs_higher",
    "customs_balance", "fie_balance_2022", "fie_exports_share_2005", "fie_exports_share_2022",
    "fie_peak_share", "fie_peak_year", "fie_scrape_2005", "fie_scrape_2022", "fie_share_2005",
    "fie_share_2010", "fie_share_2015", "fie_share_2022", "gs_first_2009", "gs_first_max", "gs_first_max_year",
    "gs_lat_2016", "gs_lat_max", "gs_lat_min", "gs_lat_years", "io_2012_domestic_sum", "io_2012_n_foreign",
    "io_2017_domestic_sum", "io_2017_foreign_sum", "io_2017_national_goods_services", "io_2017_total_sum",
    "lvd_gain", "lvd_gain_bn", "lvd_gd_dst", "lvd_gd_loc", "lvd_lose", "lvd_lose_bn", "lvd_lose_ratio",
    "lvd_n_big", "lvd_years", "nf_def", "nf_def_fsur", "nf_med_share", "nf_n", "nf_tib_d", "nf_tib_f",
    "nf_tib_pct", "nf_year", "ns_best", "ns_best_missing", "ns_best_year", "ordinary_balance",
    "ordinary_share_of_surplus_pct", "other_balance", "processing_balance", "processing_share_of_exports_pct",
    "processing_share_of_imports_pct", "processing_share_of_surplus_pct", "regime_year", "rev_max", "rev_min",
    "rev_n", "rev_qh_pct_a", "rev_qh_pct_b", "rev_years", "se_cells", "se_sources",
)


def key_figures(data_dir: Path | None = None) -> dict:
    """The named figures chapter 3 glues, one dict (billion USD, 亿元 or % as each name says)."""
    out = {}
    nf = net_outflow_vs_foreign(data_dir=data_dir)
    nfs = net_outflow_vs_foreign_summary(nf, data_dir).set_index("year")
    y = int(nfs.index.max())
    tib = nf[(nf["province"] == "Tibet") & (nf["year"] == y)].iloc[0]
    out.update({"nf_year": y, "nf_n": int(nfs.loc[y, "n_provinces"]), "nf_def": int(nfs.loc[y, "n_total_deficit"]),
                "nf_def_fsur": int(nfs.loc[y, "n_deficit_with_foreign_surplus"]),
                "nf_med_share": float(100 * nfs.loc[y, "median_domestic_abs_share"]),
                "nf_tib_f": float(tib["foreign_net"]), "nf_tib_d": float(tib["domestic_net"]),
                "nf_tib_pct": float(tib["total_net_pct_va"])})
    out.update(fie_figures(data_dir))
    out.update(processing_share(2019, data_dir))
    lvd = location_vs_destination(data_dir)
    summ = location_vs_destination_summary(lvd)
    gd = lvd[(lvd["province"] == "Guangdong") & (lvd["year"] == 2016)].iloc[0]
    out.update({"lvd_gd_loc": float(gd["by_location_bn"]), "lvd_gd_dst": float(gd["by_destination_bn"]),
                "lvd_years": f"{lvd['year'].min()}-{lvd['year'].max()}",
                "lvd_gain": summ.iloc[0]["province"], "lvd_gain_bn": float(summ.iloc[0]["mean_difference_bn"]),
                "lvd_lose": summ.iloc[-1]["province"], "lvd_lose_bn": float(-summ.iloc[-1]["mean_difference_bn"]),
                "lvd_lose_ratio": float(summ.iloc[-1]["mean_ratio"]),
                "lvd_n_big": int((summ["mean_ratio"].sub(1).abs() > 0.2).sum())})
    gs = grp_sum_vs_national_gdp(data_dir)
    lat = gs[(gs["grp_source_id"] == "nbs_fsnd_grp_2025") & (gs["gdp_source_id"] == "nbs_gdp_latest")]
    first = gs[gs["grp_vintage"].str.contains("first published", case=False)
               & (gs["gdp_source_id"] == "nbs_hgnd_gdp_2018")].set_index("year")
    out.update({"gs_lat_min": float(lat["gap_pct"].min()), "gs_lat_max": float(lat["gap_pct"].max()),
                "gs_lat_years": f"{lat['year'].min()}-{lat['year'].max()}",
                "gs_lat_2016": float(lat.set_index("year").loc[2016, "gap"]),
                "gs_first_2009": float(first.loc[2009, "gap_pct"]), "gs_first_max": float(first["gap_pct"].max()),
                "gs_first_max_year": int(first["gap_pct"].idxmax())})
    io = io_sums_vs_national(data_dir=data_dir).set_index("year")
    for yr in io.index:
        for c in ("foreign_sum", "domestic_sum", "total_sum", "national_goods_services", "n_foreign"):
            out[f"io_{yr}_{c}"] = io.loc[yr, c].item()
    ns = net_outflow_sum_vs_national_net_exports(data_dir=data_dir)
    best = ns.loc[ns["n_provinces"].idxmax()]
    out.update({"ns_best": int(best["n_provinces"]), "ns_best_year": int(best["year"]), "ns_best_missing": best["missing"]})
    rev = census_revisions(data_dir)
    g = rev[rev["series"] == "grp"]
    qh = rev[(rev["province"] == "Qinghai") & (rev["year"] == 2007)].set_index("series")
    out.update({"rev_years": f"{g['year'].min()}-{g['year'].max()}", "rev_n": int(len(g)),
                "rev_min": float(g["revision_pct"].min()), "rev_max": float(g["revision_pct"].max()),
                "rev_qh_pct_a": float(100 * qh.loc["net_outflow_goods_services", "value_earlier"]
                                      / qh.loc["grp_expenditure", "value_earlier"]),
                "rev_qh_pct_b": float(100 * qh.loc["net_outflow_goods_services", "value_later"]
                                      / qh.loc["grp_expenditure", "value_later"])})
    cb = customs_vs_bop_goods(data_dir).set_index("year")
    big = cb["difference_bn"].abs().idxmax()
    out.update({"cb_first": int(cb.index.min()), "cb_last": int(cb.index.max()),
                "cb_n_customs_higher": int((cb["difference_bn"] > 0).sum()), "cb_n": int(len(cb)),
                "cb_2019_c": float(cb.loc[2019, "customs_balance_bn"]), "cb_2019_b": float(cb.loc[2019, "bop_goods_bn"]),
                "cb_big_year": int(big), "cb_big": float(cb.loc[big, "difference_bn"])})
    se = source_errors(data_dir)
    out.update({"se_cells": int(se["n_cells"].sum()), "se_sources": int(se["source_id"].nunique())})
    return {k: out[k] for k in CHAPTER_KEYS}
