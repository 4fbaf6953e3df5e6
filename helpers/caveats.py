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
* :func:`source_errors`: the published cells the build left out, by reason.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, decomposition, provinces, schema

BN = 1e9  # US dollars per billion


def _series(name: str, data_dir: Path | None, provincial: bool | None = True) -> pd.DataFrame:
    try:
        df = data.series(name, data_dir=data_dir)
    except data.UnknownTableError:
        return pd.DataFrame(columns=["table"] + schema.COLUMNS)
    if provincial is True:
        df = df[df["geo_code"] != provinces.NATIONAL_CODE]
    elif provincial is False:
        df = df[df["geo_code"] == provinces.NATIONAL_CODE]
    return df


def _official(df: pd.DataFrame, data_dir: Path | None) -> pd.DataFrame:
    info = decomposition.source_info(data_dir)
    sec = set(info.loc[info["secondary"], "source_id"])
    return df[~df["source_id"].isin(sec)]


def _usd(df: pd.DataFrame) -> pd.Series:
    bad = ~df["unit"].isin(schema.TO_USD)
    if bad.any():
        raise ValueError(f"expected US-dollar units, got {sorted(set(df.loc[bad, 'unit']))} "
                         f"in table(s) {sorted(set(df.loc[bad, 'table']))}")
    return df["value"] * df["unit"].map(schema.TO_USD)


# --------------------------------------------------------------------------- 1. customs allocation
def location_vs_destination(data_dir: Path | None = None) -> pd.DataFrame:
    """Total trade by location of operating units (A060101) vs by domestic destination/source (A060201).

    One row per province-year (2016-2024 in the built data), in billion USD:
    ``by_location_bn``, ``by_destination_bn``, ``difference_bn`` (destination - location) and
    ``ratio`` (destination / location). A positive difference means the province's goods are
    traded through firms registered elsewhere (the location measure *understates* its trade).
    """
    loc = _official(_series("trade_total_by_location", data_dir), data_dir)
    dst = _official(_series("trade_total_by_destination_source", data_dir), data_dir)
    if loc.empty or dst.empty:
        raise decomposition.DecompositionError(
            "needs trade_total_by_location and trade_total_by_destination_source (NBS A060101, A060201)")
    key = ["geo_code", "year"]
    loc = loc.assign(usd=_usd(loc)).sort_values("vintage", ascending=False).drop_duplicates(key)
    dst = dst.assign(usd=_usd(dst)).sort_values("vintage", ascending=False).drop_duplicates(key)
    m = loc[key + ["usd", "source_id", "vintage"]].merge(
        dst[key + ["usd", "source_id", "vintage"]], on=key, suffixes=("_location", "_destination"))
    m["by_location_bn"] = m["usd_location"] / BN
    m["by_destination_bn"] = m["usd_destination"] / BN
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
    g = _official(_series("grp", data_dir), data_dir)
    g = g[g["unit"].isin(schema.TO_CNY)]
    g = g.assign(value=g["value"] * g["unit"].map(schema.TO_CNY) / 1e8)
    n = _series("gdp", data_dir, provincial=False)
    n = n[n["unit"].isin(schema.TO_CNY)]
    n = n.assign(value=n["value"] * n["unit"].map(schema.TO_CNY) / 1e8)
    if g.empty or n.empty:
        raise decomposition.DecompositionError("needs provincial series grp and national series gdp")
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
    from . import units
    cny = _series("bop_goods_and_services_cny", data_dir, provincial=False)
    cny = cny[(cny["unit"] == "亿元") & cny["quarter"].isna()]
    usd = _series("bop_goods_and_services", data_dir, provincial=False)
    usd = usd[usd["unit"].isin(schema.TO_USD) & usd["quarter"].isna()]
    rows = {int(r.year): {"year": int(r.year), "national_goods_services": float(r.value), "national_source_id": r.source_id,
                          "national_vintage": r.vintage, "fx_source_id": ""} for r in cny.itertuples()}
    for r in usd.itertuples():
        y = int(r.year)
        if y in rows:
            continue
        try:
            c = units.convert(float(r.value), r.unit, y, data_dir)
        except units.ConversionError:
            continue
        rows[y] = {"year": y, "national_goods_services": c.cny_100m, "national_source_id": r.source_id,
                   "national_vintage": r.vintage, "fx_source_id": c.rate_source_id}
    return pd.DataFrame(list(rows.values()), columns=["year", "national_goods_services", "national_source_id",
                                                      "national_vintage", "fx_source_id"])


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
    g = _official(_series("grp", data_dir), data_dir)
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


def census_revision_summary(df: pd.DataFrame | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Per series and year: province-years compared, median, min and max revision (%)."""
    d = census_revisions(data_dir) if df is None else df
    return (d.groupby(["series", "year"]).agg(n=("geo_code", "size"), median_pct=("revision_pct", "median"),
                                               min_pct=("revision_pct", "min"), max_pct=("revision_pct", "max"))
             .reset_index())


# --------------------------------------------------------------------------- 6. customs vs BoP
def customs_vs_bop_goods(data_dir: Path | None = None) -> pd.DataFrame:
    """National customs trade balance vs the SAFE balance-of-payments goods balance, billion USD.

    Customs: exports - imports (NBS national series, latest scrape first). BoP goods (BPM6) values
    goods on a change-of-ownership basis (exports and imports both FOB), so the two differ even
    before errors: ``difference_bn`` = customs - BoP.
    """
    ex = _series("customs_exports_usd", data_dir, provincial=False)
    im = _series("customs_imports_usd", data_dir, provincial=False)
    bop = _series("bop_goods", data_dir, provincial=False)
    if ex.empty or im.empty or bop.empty:
        raise decomposition.DecompositionError("needs national customs_exports_usd, customs_imports_usd and bop_goods")
    key = ["year", "source_id", "vintage"]
    c = ex.assign(usd=_usd(ex))[key + ["usd"]].merge(im.assign(usd=_usd(im))[key + ["usd"]], on=key,
                                                    suffixes=("_ex", "_im"))
    c["customs_balance_bn"] = (c["usd_ex"] - c["usd_im"]) / BN
    c = c.sort_values(["year", "vintage"], ascending=[True, False]).drop_duplicates("year")
    b = bop[bop["quarter"].isna()] if "quarter" in bop else bop
    b = b.assign(bop_goods_bn=_usd(b) / BN).sort_values("vintage", ascending=False).drop_duplicates("year")
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
