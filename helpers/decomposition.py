"""The provincial decomposition of China's trade balance, as pure functions over :mod:`helpers.data`.

Every function reads *series* (never files), so a table a reader adds with
``python -m helpers.data add FILE`` flows in with no code change. Every result keeps the
``source_id`` and ``vintage`` of the numbers behind it, so a chapter can say which source it used.

The measure is the expenditure-approach **net outflow of goods and services** (货物和服务净流出)
as a percentage of **GRP by expenditure approach** (支出法地区生产总值), both from the same
table. It includes a province's trade with *other provinces*, not only with the rest of the
world (see :func:`io_split` and :mod:`helpers.caveats`).

>>> from helpers import decomposition as dec
>>> panel = dec.preferred_balance_panel()             # one row per province-year
>>> dec.surplus_concentration(panel, "pearl_yangtze_4")
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from . import data, provinces, schema

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
}

INTERIOR_REGIONS = ("Central", "West")


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


def _series(name: str, data_dir: Path | None) -> pd.DataFrame:
    try:
        df = data.series(name, data_dir=data_dir)
    except data.UnknownTableError:
        return pd.DataFrame(columns=["table"] + schema.COLUMNS)
    return df[df["geo_code"] != provinces.NATIONAL_CODE]


def _to_100m_cny(df: pd.DataFrame) -> pd.DataFrame:
    """Values in 亿元 (converted exactly from 万元/元 if a table publishes those)."""
    bad = ~df["unit"].isin(schema.TO_CNY)
    if bad.any():
        raise DecompositionError(
            f"series {sorted(set(df.loc[bad, 'series']))} in table(s) {sorted(set(df.loc[bad, 'table']))} "
            f"has unit(s) {sorted(set(df.loc[bad, 'unit']))}; expected a yuan unit (亿元)")
    out = df.copy()
    out["value"] = out["value"] * out["unit"].map(schema.TO_CNY) / 1e8
    out["unit"] = "亿元"
    return out


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
    no = _series(NET, data_dir)
    ge = _series(GRPX, data_dir)
    if no.empty or ge.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    no = _to_100m_cny(no[~no["table"].str.startswith(IO_TABLE_PREFIX)])
    ge = _to_100m_cny(ge[~ge["table"].str.startswith(IO_TABLE_PREFIX)])
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


# --------------------------------------------------------------------------- concentration
def coastal_codes(coastal_set: str | Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """(label, codes) for a name in :data:`provinces.COASTAL_SETS` or a custom list of provinces."""
    if isinstance(coastal_set, str):
        if coastal_set not in provinces.COASTAL_SETS:
            raise KeyError(f"unknown coastal set {coastal_set!r}; known: {list(provinces.COASTAL_SETS)} "
                           f"(or pass a list of provinces)")
        return coastal_set, tuple(provinces.COASTAL_SETS[coastal_set])
    codes = tuple(dict.fromkeys(provinces.code_of(c) for c in coastal_set))
    if not codes:
        raise ValueError("a custom coastal set needs at least one province")
    return "custom: " + ", ".join(provinces.name_en(c) for c in codes), codes


def surplus_concentration(panel: pd.DataFrame | None = None, coastal_set: str | Iterable[str] = "sea_coast_11",
                          data_dir: Path | None = None) -> pd.DataFrame:
    """Per year: how many provinces ran a surplus, which, and the coastal set's share of the surpluses.

    ``coastal_share_of_surpluses`` = sum of the surpluses (net outflow > 0, 亿元) of provinces in the
    coastal set / sum of all provincial surpluses, among provinces **with data that year**.
    ``partial`` is True when fewer than 31 provinces have data: such a year is a partial
    picture, never a national one.
    """
    p = preferred_balance_panel(data_dir=data_dir) if panel is None else panel
    label, codes = coastal_codes(coastal_set)
    rows = []
    for y, g in p.groupby("year"):
        sur = g[g["net_outflow"] > 0]
        coast = sur[sur["geo_code"].isin(codes)]
        tot = float(sur["net_outflow"].sum())
        rows.append({
            "year": int(y), "coastal_set": label, "n_provinces": int(g["geo_code"].nunique()),
            "partial": int(g["geo_code"].nunique()) < len(provinces.CODES),
            "n_surplus": int(len(sur)), "surplus_provinces": ", ".join(sur.sort_values("net_outflow", ascending=False)["province"]),
            "n_surplus_outside_set": int((~sur["geo_code"].isin(codes)).sum()),
            "surplus_outside_set": ", ".join(sur[~sur["geo_code"].isin(codes)]["province"]),
            "sum_surpluses": tot, "coastal_surpluses": float(coast["net_outflow"].sum()),
            "coastal_share_of_surpluses": float(coast["net_outflow"].sum()) / tot if tot > 0 else float("nan"),
            "sum_deficits": float(g.loc[g["net_outflow"] < 0, "net_outflow"].sum()),
            "n_coastal_with_data": int(g["geo_code"].isin(codes).sum()), "n_coastal": len(codes),
            "sources": ", ".join(sorted(set(g["source_id"]))),
        })
    return pd.DataFrame(rows)


def concentration_by_definition(panel: pd.DataFrame | None = None, extra: dict[str, Iterable[str]] | None = None,
                                data_dir: Path | None = None) -> pd.DataFrame:
    """:func:`surplus_concentration` for every named coastal set (plus ``extra`` custom lists), stacked."""
    p = preferred_balance_panel(data_dir=data_dir) if panel is None else panel
    sets: dict[str, str | Iterable[str]] = {k: k for k in provinces.COASTAL_SETS}
    sets.update(extra or {})
    frames = []
    for name, s in sets.items():
        f = surplus_concentration(p, s)
        f["definition"] = name
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- depth
def deficit_depth_by_region(panel: pd.DataFrame | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """Per year and NBS region: provinces with data, median and minimum net outflow % GRP, and who."""
    p = preferred_balance_panel(data_dir=data_dir) if panel is None else panel
    rows = []
    for (y, reg), g in p.groupby(["year", "region"]):
        lo = g.loc[g["pct_grp"].idxmin()]
        rows.append({"year": int(y), "region": reg, "n_provinces": int(len(g)),
                     "n_in_region": sum(provinces.region_of(c) == reg for c in provinces.CODES),
                     "median_pct_grp": float(g["pct_grp"].median()), "min_pct_grp": float(lo["pct_grp"]),
                     "deepest": lo["province"], "n_deficit": int((g["net_outflow"] < 0).sum())})
    out = pd.DataFrame(rows)
    if len(out):
        out["region"] = pd.Categorical(out["region"], list(provinces.REGIONS), ordered=True)
        out = out.sort_values(["year", "region"]).reset_index(drop=True)
        out["region"] = out["region"].astype(str)
    return out


def _latest_official(name: str, data_dir: Path | None) -> pd.DataFrame:
    """One value per province-year of a series: non-secondary sources, reader imports first, later vintage first."""
    df = _series(name, data_dir)
    if df.empty:
        return df
    info = source_info(data_dir)
    df = df.merge(info[["source_id", "source_rank", "secondary"]], on="source_id", how="left")
    df = df[~df["secondary"].fillna(False).astype(bool)]
    return (df.sort_values(["geo_code", "year", "source_rank", "vintage"], ascending=[True, True, True, False])
              .drop_duplicates(["geo_code", "year"]))


def grp_per_head(year: int, grp_vintage: str = "expenditure", panel: pd.DataFrame | None = None,
                 data_dir: Path | None = None) -> pd.DataFrame:
    """GRP per head (元 per person) by province for one year.

    ``grp_vintage``: ``"expenditure"`` (default) divides the GRP by expenditure approach of the
    same source and vintage as the balance row; ``"latest"`` / ``"first_published"`` use the
    nominal GRP table of that vintage (``provincial_grp_latest`` / ``provincial_grp_first_published``).
    Population: year-end population (万人), official sources only, later vintage first; its
    source is kept in ``population_source_id``.
    """
    pop = _latest_official("population_year_end", data_dir)
    pop = pop[(pop["year"] == year) & (pop["unit"] == "万人")]
    if grp_vintage == "expenditure":
        p = preferred_balance_panel(data_dir=data_dir) if panel is None else panel
        g = p[p["year"] == year][["geo_code", "grp_expenditure", "source_id", "vintage"]].rename(
            columns={"grp_expenditure": "grp_value", "source_id": "grp_source_id", "vintage": "grp_vintage"})
    else:
        table = {"latest": "provincial_grp_latest", "first_published": "provincial_grp_first_published"}.get(grp_vintage)
        if table is None:
            raise ValueError(f"grp_vintage must be 'expenditure', 'latest' or 'first_published', not {grp_vintage!r}")
        try:
            gdf = data.load(table, data_dir)
        except data.UnknownTableError as exc:
            raise DecompositionError(f"GRP vintage {grp_vintage!r} needs table {table} in data/") from exc
        gdf = _to_100m_cny(gdf[(gdf["series"] == "grp") & (gdf["year"] == year)].assign(table=table))
        g = gdf[["geo_code", "value", "source_id", "vintage"]].rename(
            columns={"value": "grp_value", "source_id": "grp_source_id", "vintage": "grp_vintage"})
    m = g.merge(pop[["geo_code", "value", "source_id", "vintage"]].rename(
        columns={"value": "population", "source_id": "population_source_id", "vintage": "population_vintage"}),
        on="geo_code", how="inner")
    m["grp_per_head"] = m["grp_value"] * 1e8 / (m["population"] * 1e4)
    m["year"] = int(year)
    return _label(m)


def poorest_provinces(year: int, n: int = 6, grp_vintage: str = "expenditure", panel: pd.DataFrame | None = None,
                      data_dir: Path | None = None) -> pd.DataFrame:
    """The ``n`` provinces with the lowest GRP per head in ``year`` (of those with a balance), with their deficits."""
    p = preferred_balance_panel(data_dir=data_dir) if panel is None else panel
    gph = grp_per_head(year, grp_vintage, p, data_dir)
    b = p[p["year"] == year][["geo_code", "net_outflow", "pct_grp", "source_id", "vintage"]]
    m = gph.merge(b, on="geo_code", how="inner", suffixes=("", "_balance"))
    m = m.sort_values("grp_per_head").head(n).reset_index(drop=True)
    m["rank_poorest"] = range(1, len(m) + 1)
    m["n_ranked"] = int(len(gph.merge(b, on="geo_code")))
    return m[["rank_poorest", "geo_code", "province", "region", "year", "grp_per_head", "net_outflow", "pct_grp",
              "source_id", "vintage", "grp_source_id", "grp_vintage", "population_source_id", "n_ranked"]]


# --------------------------------------------------------------------------- input-output split
@data.cached_on_data
def _io_long(data_dir: Path | None) -> pd.DataFrame:
    frames = []
    for key, s in IO_SERIES.items():
        df = _series(s, data_dir)
        if len(df):
            df = _to_100m_cny(df).assign(item=key)
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
    w["total_net"] = w["net_total"].where(w["net_total"].notna(), split_total)
    for c in ("foreign_net", "domestic_net", "total_net"):
        w[f"{c}_pct_va"] = w[c] / w["value_added"] * 100
    deficit = w["total_net"] < 0
    w["domestic_share_of_deficit"] = (w["domestic_net"] / w["total_net"]).where(deficit)
    w["year"] = int(year)
    w = _label(w)
    w["interior"] = w["region"].isin(INTERIOR_REGIONS)
    cols = ["geo_code", "province", "region", "interior", "year", "value_added", "exports", "imports", "outflow",
            "inflow", "foreign_net", "domestic_net", "total_net", "foreign_net_pct_va", "domestic_net_pct_va",
            "total_net_pct_va", "domestic_share_of_deficit", "source_id", "vintage"]
    return w[cols].sort_values("geo_code").reset_index(drop=True)


# --------------------------------------------------------------------------- Qinghai
def qinghai_series(data_dir: Path | None = None) -> pd.DataFrame:
    """Qinghai, every year and source: GRP (exp.), net outflow and its share, plus C and capital formation shares.

    Sources are kept apart (Qinghai YB 2020 is revised after the 4th economic census; the NBS
    yearbook tables are first releases), never spliced: one row per (year, source, vintage).
    """
    code = provinces.code_of("Qinghai")
    p = balance_panel(data_dir)
    p = p[p["geo_code"] == code].copy()
    key = ["year", "source_id", "vintage"]
    for s, col in (("final_consumption", "consumption_pct_grp"), ("gross_capital_formation", "gcf_pct_grp"),
                   ("gross_fixed_capital_formation", "gfcf_pct_grp"), ("change_in_inventories", "inventories_pct_grp")):
        d = _series(s, data_dir)
        d = d[d["geo_code"] == code]
        if d.empty:
            p[col] = float("nan")
            continue
        d = _to_100m_cny(d)[key + ["value"]].rename(columns={"value": col})
        p = p.merge(d, on=key, how="left")
        p[col] = p[col] / p["grp_expenditure"] * 100
    if p["gcf_pct_grp"].isna().any():  # GCF = GFCF + inventories where only the parts are published
        parts = p["gfcf_pct_grp"] + p["inventories_pct_grp"]
        p["gcf_pct_grp"] = p["gcf_pct_grp"].where(p["gcf_pct_grp"].notna(), parts)
    return p.sort_values(["year", "source_rank"]).reset_index(drop=True)
