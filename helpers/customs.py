"""Provincial exports and imports (SECONDARY compilation, 万美元): the panel, its cross-checks, balances.

Everything reads the tidy tables in ``data/``:

* ``provincial_trade_annual_secondary``: exports, imports and totals by province 1993-2022
  in 万美元 (10,000 US dollars), a secondary compilation most likely by location of operating
  units; defective cells are in ``exclusions.csv`` and are missing here;
* ``national_nbs``: national customs exports and imports (``customs_exports_usd``,
  ``customs_imports_usd``, 百万美元), NBS scrapes of 2018 (1978-2014) and 2023 (2010-2022);
* ``provincial_trade_totals``: the official NBS totals by location of operating units
  (``trade_total_by_location``, 千美元, 2016-2024);
* GRP (亿元) of a named vintage and the official annual average yuan/US-dollar rate
  (:func:`helpers.units.fx_rates`) for :func:`goods_balance` with ``grp=...``.

Every unit change goes through :data:`helpers.schema.TO_USD` and every output column names its unit.

>>> from helpers import customs
>>> customs.national_check().query("flagged")["year"].tolist()
>>> customs.official_totals_check().query("status == 'outside'")
>>> customs.goods_balance(grp="nbs2018").query("year == 2010")
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import balances, data, provinces, schema, units

TABLE = "provincial_trade_annual_secondary"
PANEL_SERIES = {"exports_by_location_secondary": "exports", "imports_by_location_secondary": "imports",
                "trade_total_by_location_secondary": "total"}
PANEL_UNIT = "万美元"
NATIONAL_SERIES = {"customs_exports_usd": "exports", "customs_imports_usd": "imports"}
NATIONAL_SOURCES = ["nbs_hgnd_trade_2023", "nbs_hgnd_trade_2018"]   # preferred first, per year
OFFICIAL_TOTAL = ("trade_total_by_location", "nbs_fsnd_A060101")
#: ``grp=`` key of :func:`goods_balance` -> GRP source_id (each its own vintage, never spliced)
GRP_SOURCES = {"nbs2018": "nbs_fsnd_grp_2018", "latest": "nbs_fsnd_grp_2025",
               "first_published": "gcam_cnki_grp_first_published"}


def _to_10k_usd(values: pd.Series, unit_col: pd.Series) -> pd.Series:
    bad = set(unit_col) - set(schema.TO_USD)
    if bad:
        raise units.ConversionError(f"not a US-dollar unit: {sorted(bad)}")
    return values * unit_col.map(schema.TO_USD) / schema.TO_USD[PANEL_UNIT]


def panel(data_dir: Path | None = None) -> pd.DataFrame:
    """Wide panel: ``geo_code, province, year, exports, imports, total`` (all 万美元; NaN = gap or excluded)."""
    df = data.load(TABLE, data_dir)
    if set(df["unit"]) != {PANEL_UNIT}:
        raise units.ConversionError(f"data/{TABLE}.csv: units {sorted(set(df['unit']))}, expected {PANEL_UNIT}")
    df["col"] = df["series"].map(PANEL_SERIES)
    wide = df.pivot(index=["geo_code", "year"], columns="col", values="value").reset_index()
    wide.columns.name = None
    wide.insert(1, "province", wide["geo_code"].map(provinces.name_en))
    return wide[["geo_code", "province", "year", "exports", "imports", "total"]]


def national_customs(data_dir: Path | None = None) -> pd.DataFrame:
    """National exports and imports by year in 万美元: ``year, exports, imports, source_id, vintage``.

    For each year the 2023 NBS scrape where it has the year, else the 2018 scrape (the two agree
    where both exist, 2010-2014); ``source_id`` says which was used. A comparison base, not a series.
    """
    frames = []
    for s, col in NATIONAL_SERIES.items():
        d = data.series(s, data_dir=data_dir)
        d = d[d["source_id"].isin(NATIONAL_SOURCES) & (d["geo_code"] == provinces.NATIONAL_CODE)].copy()
        d["col"] = col
        d["value"] = _to_10k_usd(d["value"], d["unit"])
        frames.append(d)
    d = pd.concat(frames, ignore_index=True)
    d["_rank"] = d["source_id"].map(NATIONAL_SOURCES.index)
    d = d.sort_values(["year", "_rank"]).drop_duplicates(["year", "col"])
    wide = d.pivot(index="year", columns="col", values="value")
    meta = d.drop_duplicates("year").set_index("year")[["source_id", "vintage"]]
    out = wide.join(meta).reset_index()
    out.columns.name = None
    return out[["year", "exports", "imports", "source_id", "vintage"]]


def national_check(tol: float = 0.01, data_dir: Path | None = None) -> pd.DataFrame:
    """Sums of the provinces' exports and imports against the national customs totals, by year.

    Columns: ``year, n_exports, n_imports`` (provinces with a value), ``sum_exports, sum_imports,
    national_exports, national_imports`` (万美元), ``ratio_exports, ratio_imports`` (sum / national),
    ``flag_exports, flag_imports`` (ratio outside 1 +- ``tol``), ``flagged`` (either),
    ``national_source_id``. Provinces without a value count as nothing: a year with gaps shows a
    low ratio and its ``n_`` count says why.
    """
    p = panel(data_dir)
    g = p.groupby("year")
    out = pd.DataFrame({"n_exports": g["exports"].count(), "n_imports": g["imports"].count(),
                        "sum_exports": g["exports"].sum(), "sum_imports": g["imports"].sum()}).reset_index()
    nat = national_customs(data_dir).rename(columns={"exports": "national_exports", "imports": "national_imports",
                                                     "source_id": "national_source_id"})
    out = out.merge(nat.drop(columns="vintage"), on="year", how="inner")
    for c in ("exports", "imports"):
        out[f"ratio_{c}"] = out[f"sum_{c}"] / out[f"national_{c}"]
        out[f"flag_{c}"] = (out[f"ratio_{c}"] - 1).abs() > tol
    out["flagged"] = out["flag_exports"] | out["flag_imports"]
    return out[["year", "n_exports", "n_imports", "sum_exports", "sum_imports", "national_exports",
                "national_imports", "ratio_exports", "ratio_imports", "flag_exports", "flag_imports",
                "flagged", "national_source_id"]]


def official_totals_check(years: tuple[int, int] = (2016, 2021), tol: float = 0.01,
                          data_dir: Path | None = None) -> pd.DataFrame:
    """The panel's totals against the official NBS totals by location of operating units (A060101).

    One row per province-year in ``years`` (inclusive) where the official total exists. Columns:
    ``geo_code, province, year, total_secondary, total_official`` (万美元; the official 千美元
    converted), ``diff_pct`` (100 x (secondary / official - 1)), ``status``: ``within`` /
    ``outside`` (|diff| > ``tol``) / ``missing in panel`` (gap or excluded cell).
    """
    series, source_id = OFFICIAL_TOTAL
    off = data.series(series, source_id=source_id, data_dir=data_dir)
    off = off[off["year"].between(*years)].copy()
    off["total_official"] = _to_10k_usd(off["value"], off["unit"])
    p = panel(data_dir)[["geo_code", "year", "total"]].rename(columns={"total": "total_secondary"})
    out = off[["geo_code", "year", "total_official"]].merge(p, on=["geo_code", "year"], how="left")
    out.insert(1, "province", out["geo_code"].map(provinces.name_en))
    out["diff_pct"] = 100 * (out["total_secondary"] / out["total_official"] - 1)
    out["status"] = "within"
    out.loc[out["diff_pct"].abs() > 100 * tol, "status"] = "outside"
    out.loc[out["total_secondary"].isna(), "status"] = "missing in panel"
    out = out.sort_values(["year", "geo_code"]).reset_index(drop=True)
    return out[["geo_code", "province", "year", "total_secondary", "total_official", "diff_pct", "status"]]


def goods_balance(grp: str | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Customs goods balance (exports - imports) by province-year, where both are in the panel.

    Columns: ``geo_code, province, year, exports_10k_usd, imports_10k_usd, balance_10k_usd``.
    With ``grp`` one of :data:`GRP_SOURCES` (``"nbs2018"``, ``"latest"``, ``"first_published"``:
    one GRP vintage, never mixed) also ``grp_100m_cny`` (亿元), ``grp_source_id``, ``cny_per_usd``
    and ``fx_source_id`` (official annual average, :func:`helpers.units.fx_rates`),
    ``grp_10k_usd`` (GRP converted to 万美元 at that rate) and ``balance_pct_grp``; province-years
    without GRP in that vintage keep NaN there.
    """
    p = panel(data_dir).dropna(subset=["exports", "imports"])
    out = p[["geo_code", "province", "year"]].copy()
    out["exports_10k_usd"] = p["exports"]
    out["imports_10k_usd"] = p["imports"]
    out["balance_10k_usd"] = p["exports"] - p["imports"]
    if grp is None:
        return out.reset_index(drop=True)
    if grp not in GRP_SOURCES:
        raise KeyError(f"grp must be one of {list(GRP_SOURCES)}, not {grp!r}")
    g = data.series("grp", source_id=GRP_SOURCES[grp], data_dir=data_dir)
    g = g[g["geo_code"] != provinces.NATIONAL_CODE]
    if set(g["unit"]) - set(schema.TO_CNY):
        raise units.ConversionError(f"GRP {grp}: units {sorted(set(g['unit']))} are not yuan units")
    g = g.assign(grp_100m_cny=g["value"] * g["unit"].map(schema.TO_CNY) / schema.TO_CNY["亿元"],
                 grp_source_id=g["source_id"])[["geo_code", "year", "grp_100m_cny", "grp_source_id"]]
    fx = units.fx_rates(data_dir).rename(columns={"source_id": "fx_source_id"})[["year", "cny_per_usd", "fx_source_id"]]
    out = out.merge(g, on=["geo_code", "year"], how="left").merge(fx, on="year", how="left")
    yuan = out["grp_100m_cny"] * schema.TO_CNY["亿元"]
    out["grp_10k_usd"] = yuan / out["cny_per_usd"] / schema.TO_USD[PANEL_UNIT]
    out["balance_pct_grp"] = 100 * out["balance_10k_usd"] / out["grp_10k_usd"]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- the customs goods balance, read
#: Years the panel covers in any breadth (2022 has six provinces only and is left out of the readings).
PANEL_YEARS = (1993, 2021)


def national_balance(data_dir: Path | None = None) -> pd.DataFrame:
    """China's customs goods balance by year: ``year, national_balance_10k_usd, national_source_id``."""
    n = national_customs(data_dir)
    return pd.DataFrame({"year": n["year"].astype(int), "national_balance_10k_usd": n["exports"] - n["imports"],
                         "national_source_id": n["source_id"]})


def _coastal_members(coastal: str | list[str]) -> tuple[str, tuple[str, ...]]:
    """(label, codes) for a named coastal set (:func:`helpers.balances.coastal_set`) or a list of province names."""
    if isinstance(coastal, str):
        balances.coastal_set(coastal)       # an unknown name is a KeyError naming the known sets
        return provinces.COASTAL_SET_LABELS[coastal], tuple(provinces.COASTAL_SETS[coastal])
    codes = tuple(dict.fromkeys(provinces.code_of(c) for c in coastal))
    return "custom: " + ", ".join(provinces.name_en(c) for c in codes), codes


def coastal_share(coastal: str | list[str] = "sea_coast_11", data_dir: Path | None = None) -> pd.DataFrame:
    """Per year: the coastal set's (a name or a list of provinces) customs goods balance as a share of the national customs surplus.

    ``coastal_balance_10k_usd`` sums the balances of the coastal provinces with exports and imports
    in the panel; ``complete`` is True only when every province of the set has both, and
    ``share_pct`` (100 x coastal / national) is left empty otherwise (a gap stays a gap; the
    missing provinces are named in ``missing``). A share above 100 % means the rest of the
    country ran a customs deficit. Also: ``sum_provinces_10k_usd`` and ``n_provinces``.
    """
    label, codes = _coastal_members(coastal)
    b = goods_balance(data_dir=data_dir)
    b = b[b["year"].between(*PANEL_YEARS)]
    rows = []
    for y, g in b.groupby("year"):
        have = g[g["geo_code"].isin(codes)]
        missing = [provinces.name_en(c) for c in codes if c not in set(have["geo_code"])]
        rows.append({"year": int(y), "n_coastal": len(codes),
                     "n_coastal_with_data": int(len(have)), "complete": not missing, "missing": ", ".join(missing),
                     "coastal_balance_10k_usd": float(have["balance_10k_usd"].sum()),
                     "sum_provinces_10k_usd": float(g["balance_10k_usd"].sum()), "n_provinces": int(len(g))})
    out = pd.DataFrame(rows).merge(national_balance(data_dir), on="year", how="left")
    share = 100 * out["coastal_balance_10k_usd"] / out["national_balance_10k_usd"]
    out["share_pct"] = share.where(out["complete"])
    out["definition"] = label
    return out


def coastal_share_all_sets(data_dir: Path | None = None) -> pd.DataFrame:
    """:func:`coastal_share` for each set in :data:`helpers.provinces.COASTAL_SETS`, stacked."""
    return pd.concat([coastal_share(s, data_dir) for s in provinces.COASTAL_SETS], ignore_index=True)


def surplus_count(floor_pct: float | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Per year with GRP (nbs2018 vintage, 1993-2017): provinces with a customs goods balance, how many
    in surplus, and how many with a surplus of at least ``floor_pct`` % of GRP (``n_material``; default:
    the ledger's ``materiality_pct`` in ``ledger/claims.yml``); ``below_floor`` names the surplus
    provinces under the floor."""
    floor_pct = balances.definition("materiality_pct") if floor_pct is None else floor_pct
    b = goods_balance(grp="nbs2018", data_dir=data_dir).dropna(subset=["balance_pct_grp"])
    rows = []
    for y, g in b.groupby("year"):
        sur = g[g["balance_10k_usd"] > 0]
        small = sur[sur["balance_pct_grp"] < floor_pct]
        rows.append({"year": int(y), "n_provinces": int(len(g)), "n_surplus": int(len(sur)),
                     "n_material": int(len(sur) - len(small)), "floor_pct": floor_pct,
                     "below_floor": ", ".join(small["province"])})
    return pd.DataFrame(rows)
