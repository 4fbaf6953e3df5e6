"""What the sources in ``data/`` say side by side: the computations behind chapter 2 (Data sources)
and the exercises of chapter 1, each returning named figures for :func:`helpers.page.glue_all`.

* :func:`trade_allocations`: customs trade by location of operating units vs by source/destination;
* :func:`current_account_frequency`: SAFE's annual and quarterly current account (2018);
* :func:`grp_vintages`: one province-year of GRP in two vintages;
* :func:`exchange_rates`: NBS, WDI and the derived rate compared;
* :func:`timeline_chart`: the years each source covers (a finished chart);
* :func:`latest_conversion`, :func:`tables_with_values`, :func:`rate_choice`: chapter 2's exercises;
* :func:`full_coverage`, :func:`secondary_series`: chapter 1's exercises.
"""
from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from . import appendix, charts, coverage, data, provinces, units
from .series import label

THOUSAND_USD_PER_BILLION = 1e6      # 千美元 in one billion US dollars
TRADE_EXAMPLE_PROVINCES = ("Beijing", "Shanghai", "Guangdong", "Hebei", "Xinjiang", "Tibet")


def trade_allocations(data_dir: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """Official customs trade totals by location vs by source/destination, first year of
    ``provincial_trade_totals``: (six provinces in billion USD, named figures).

    Figures: ``trade_year``; Guangdong's and Beijing's totals both ways (``gd_loc_bn`` ...), the
    Guangdong cell as published (``gd_loc_raw``, 千美元), Beijing's ratio location / destination,
    the national sums both ways and the province with the lowest ratio.
    """
    tt = data.load("provincial_trade_totals", data_dir)
    year = int(tt["year"].min())
    w = tt[tt["year"] == year].pivot_table(index="geo_code", columns="series", values="value")
    loc, ds = w["trade_total_by_location"], w["trade_total_by_destination_source"]
    gd, bj = provinces.code_of("Guangdong"), provinces.code_of("Beijing")
    ratio = (loc / ds).sort_values()
    figures = {"trade_year": year,
               "gd_loc_bn": loc[gd] / THOUSAND_USD_PER_BILLION, "gd_ds_bn": ds[gd] / THOUSAND_USD_PER_BILLION,
               "gd_loc_raw": int(loc[gd]),
               "bj_loc_bn": loc[bj] / THOUSAND_USD_PER_BILLION, "bj_ds_bn": ds[bj] / THOUSAND_USD_PER_BILLION,
               "bj_ratio": loc[bj] / ds[bj],
               "nat_loc_bn": loc.sum() / THOUSAND_USD_PER_BILLION, "nat_ds_bn": ds.sum() / THOUSAND_USD_PER_BILLION,
               "low_ratio_prov": provinces.name_en(ratio.index[0]), "low_ratio": ratio.iloc[0]}
    table = w.loc[[provinces.code_of(p) for p in TRADE_EXAMPLE_PROVINCES]] / THOUSAND_USD_PER_BILLION
    table.index = [provinces.name_en(c) for c in table.index]
    table.columns = [label(c) for c in table.columns]
    table = table.round(1)
    table.index.name = f"{year}, billion USD"
    return table, figures


def current_account_frequency(year: int = 2018, data_dir: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """SAFE's current account (亿美元): the quarters of ``year`` as a table, and named figures:
    spans of the annual and quarterly series, ``year``'s annual value and first two quarters
    (``ca2018``, ``ca2018q1``, ``ca2018q2``) and the last annual deficit since 1982."""
    bop = data.load("national_bop", data_dir)
    ca = bop[bop["series"] == "bop_current_account"]
    ann, q = ca[ca["quarter"].isna()], ca[ca["quarter"].notna()]
    quarters = q[q["year"] == year].set_index("quarter")["value"]
    figures = {"bop_first": int(ann["year"].min()), "bop_last": int(ann["year"].max()),
               "bopq_first": int(q["year"].min()), "bopq_last": int(q["year"].max()),
               f"ca{year}": ann.set_index("year").loc[year, "value"],
               f"ca{year}q1": quarters.loc[1], f"ca{year}q2": quarters.loc[2],
               "ca_last_neg": int(ann[(ann["value"] < 0) & (ann["year"] >= 1982)]["year"].max())}
    table = quarters.rename("current account, 亿美元").to_frame().rename_axis(f"{year}, quarter")
    return table, figures


def grp_vintages(geo: str = "Guangdong", data_dir: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """The year in which ``geo``'s official GRP differs most between the vintages in ``data/``:
    (its rows, smallest value first; named figures ``vint_what``, ``vint_a``/``vint_a_v`` (smallest
    value and its vintage), ``vint_b``/``vint_b_v`` (largest) and ``vint_diff_pct``, b over a in %)."""
    code = provinces.code_of(geo)
    d = data.series("grp", geo=code, official_only=True, data_dir=data_dir)
    n = d.groupby("year")["vintage"].nunique()
    if not (n > 1).any():
        raise ValueError(f"{geo}: no year of official GRP with two vintages in data/")
    spread = d.groupby("year")["value"].agg(lambda v: v.max() / v.min() - 1)[n > 1]
    year = int(spread.idxmax())
    rows = d[d["year"] == year].sort_values("value")
    a, b = rows.iloc[0], rows.iloc[-1]
    figures = {"vint_what": f"{provinces.name_en(code)}'s GRP for {year}",
               "vint_a": a["value"], "vint_a_v": a["vintage"], "vint_b": b["value"], "vint_b_v": b["vintage"],
               "vint_diff_pct": 100 * (b["value"] / a["value"] - 1)}
    return rows[["geo_code", "year", "series", "value", "unit", "source_id", "vintage"]].reset_index(drop=True), figures


def exchange_rates(since: int = 2008, data_dir: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """NBS, WDI and the derived (secondary) rate side by side, yuan per USD, from ``since``, and
    named figures: the years NBS and WDI overlap (``fx_ov_first``/``fx_ov_last``), their largest gap
    (``fx_maxdiff``, its year, and the largest gap in % of NBS), the same for the derived rate
    against the rate used (``fx_der_*``), and the first year since 2000 converted at WDI's rate."""
    fx = units.fx_comparison(data_dir, include_derived=True)
    nbs_cols = [c for c in fx.columns if c.startswith("nbs_hgnd_fx")]
    fx["nbs"] = fx[nbs_cols].bfill(axis=1).iloc[:, 0]          # latest NBS scrape first
    ov = fx.dropna(subset=["nbs", "wdi_pa_nus_fcrf"])
    gap = (ov["wdi_pa_nus_fcrf"] - ov["nbs"]).abs()
    dv = fx.dropna(subset=["fyg_fx_derived"])
    dgap = (dv["fyg_fx_derived"] - dv["used"]).abs()
    fr = units.fx_rates(data_dir)
    figures = {"fx_ov_first": int(ov["year"].min()), "fx_ov_last": int(ov["year"].max()),
               "fx_maxdiff": gap.max(), "fx_maxdiff_year": int(ov.loc[gap.idxmax(), "year"]),
               "fx_maxdiff_pct": 100 * (gap / ov["nbs"]).max(),
               "fx_der_first": int(dv["year"].min()), "fx_der_last": int(dv["year"].max()),
               "fx_der_maxdiff": dgap.max(), "fx_der_maxdiff_year": int(dv.loc[dgap.idxmax(), "year"]),
               "fx_wdi_from": int(fr[fr["source_id"].str.startswith("wdi") & (fr["year"] > 2000)]["year"].min())}
    cols = nbs_cols + ["wdi_pa_nus_fcrf", "fyg_fx_derived", "used", "used_source"]
    return fx[fx["year"] >= since].set_index("year")[cols].round(4), figures


def conversion_figures(c: units.Conversion, data_dir: Path | None = None) -> dict:
    """A conversion's figures for the prose: value as published, year, rate (per USD and per 100 USD),
    result in 亿元, value in billion USD, and the rate's source id, title and publisher."""
    title = appendix.sources_table(data_dir).set_index("source_id").loc[c.rate_source_id, "title"]
    return {"value": int(c.value), "year": c.year, "rate": c.cny_per_usd, "rate_100": 100 * c.cny_per_usd,
            "result": c.cny_100m, "usd_bn": c.usd / 1e9, "source": c.rate_source_id,
            "source_title": title, "publisher": c.rate_publisher}


def timeline_chart(data_dir: Path | None = None):
    """The years each source in ``data/`` covers, provincial sources above national ones, secondary
    sources in a colour of their own (a finished chart, alt text computed from the data)."""
    yrs = appendix.source_years(data_dir)
    yrs["kind"] = yrs["secondary"].map({True: "secondary", False: "official"})
    yrs["level"] = yrs["level"].map({"provincial": "Provincial sources", "national": "National sources"})
    chart = alt.Chart(yrs).mark_rect(height=9).encode(
        x=alt.X("year:Q", title="Year", scale=alt.Scale(domain=[int(yrs["year"].min()), int(yrs["year"].max()) + 1]), axis=alt.Axis(format="d", tickMinStep=5)),
        x2="year_end:Q",
        y=alt.Y("label:N", title=None, sort=alt.EncodingSortField("year", op="min")),
        color=alt.Color("kind:N", title="Source", scale=alt.Scale(
            domain=["official", "secondary"], range=[charts.OKABE_ITO[0], charts.OKABE_ITO[1]])),
        tooltip=["label:N", "publisher:N", "level:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("n_geo:Q", title="units with data"), alt.Tooltip("n_series:Q", title="series")],
    ).transform_calculate(year_end="datum.year + 1").properties(width=520, height={"step": 11}).facet(
        row=alt.Row("level:N", title=None, sort=["Provincial sources", "National sources"],
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                                      labelFontWeight="bold"))
    ).resolve_scale(y="independent")
    sec, prov = yrs[yrs["secondary"]], yrs[yrs["level"] == "Provincial sources"]["year"]
    alt_text = (f"Timeline of {yrs['source_id'].nunique()} sources in two panels, provincial then national, one "
                f"row per source and a bar for each year with data, secondary sources in orange: provincial "
                f"sources cover {int(prov.min())}-{int(prov.max())} in patches, national ones reach back to "
                f"{int(yrs[yrs['level'] == 'National sources']['year'].min())}. "
                f"The {sec['source_id'].nunique()} secondary sources cover "
                f"{sec[['source_id', 'year']].drop_duplicates().shape[0]} source-years in all.")
    return charts.finish(
        chart, "Years covered by each source in data/",
        "data/datapackage.json and the tidy tables (helpers.appendix.source_years)", alt_text,
        note="One bar segment per year with at least one value; a source with provincial and national rows "
             "appears in both panels.")


# ---------------------------------------------------------------------------- chapter 2's exercises
def latest_conversion(series: str, geo: str, data_dir: Path | None = None) -> dict:
    """``geo``'s value of ``series`` in its last year converted to 亿元: ``year``, ``result`` (亿元),
    ``rate`` (yuan per USD) and the rate's ``source``."""
    t = data.series(series, geo=geo, data_dir=data_dir)
    row = t[t["year"] == t["year"].max()].iloc[0]
    c = units.convert(row["value"], row["unit"], int(row["year"]), data_dir)
    return {"year": int(row["year"]), "result": c.cny_100m, "rate": c.cny_per_usd, "source": c.rate_source_id}


def tables_with_values(geo: str, year: int, data_dir: Path | None = None) -> dict:
    """The tables with a value for ``geo`` in ``year``: ``tables`` ("table (series, ...), ...") and
    ``balances``, those with both an export and an import series (or "none")."""
    d = data.load_all(data_dir)
    d = d[(d["geo_code"] == provinces.code_of(geo)) & (d["year"] == year)]
    groups = [(t, sorted(set(g["series"]))) for t, g in d.groupby("table")]
    both = [t for t, s in groups if any("export" in x for x in s) and any("import" in x for x in s)]
    return {"tables": ", ".join(f"{t} ({', '.join(s)})" for t, s in groups), "balances": ", ".join(both) or "none"}


def rate_choice(geo: str, year: int, data_dir: Path | None = None) -> dict:
    """``geo``'s customs trade total by location in ``year`` in 亿元 at the NBS rate (2023 scrape,
    ``nbs``) and at WDI's (``wdi``), and WDI over NBS in % (``pct``)."""
    fx = units.fx_comparison(data_dir).set_index("year").loc[year]
    v = data.series("trade_total_by_location", geo=geo, data_dir=data_dir).set_index("year").loc[year, "value"]
    return {"nbs": v * 1e3 * fx["nbs_hgnd_fx_2023"] / 1e8, "wdi": v * 1e3 * fx["wdi_pa_nus_fcrf"] / 1e8,
            "pct": 100 * (fx["wdi_pa_nus_fcrf"] / fx["nbs_hgnd_fx_2023"] - 1)}


# ---------------------------------------------------------------------------- chapter 1's exercises
def full_coverage(year: int = 2010, data_dir: Path | None = None) -> dict:
    """Provincial series lines with a value for all 31 provinces in ``year``: ``n_full``, ``full``
    (their labels), ``customs`` (a sentence: is an official customs series among them?) and
    ``official_first``, the first year of the official customs trade total by province."""
    full = []
    for t in data.tables(data_dir):
        rows = coverage.series_year_counts(t, merge_identical=False, data_dir=data_dir)
        full += rows[(rows["year"] == year) & (rows["expected"] == 31) & (rows["present"] == 31)]["label"].tolist()
    official = any(s.startswith("trade_total_by_location ") for s in full)
    return {"n_full": len(full), "full": "; ".join(full),
            "customs": "An official customs series is among them." if official else
            "No official customs series is among them; the customs panel's exports and imports are, as secondary series.",
            "official_first": int(data.series("trade_total_by_location", official_only=True,
                                              data_dir=data_dir)["year"].min())}


def secondary_series(data_dir: Path | None = None) -> dict:
    """Series fed by secondary sources: ``n_sec_series``, ``n_sec_plain`` (those whose name does not
    say secondary or derived: copies of official tables) and ``sec_example`` (the first two)."""
    cat = data.series_catalogue(data_dir)
    names = sorted(set(cat[cat["source_id"].isin(data.secondary_sources(data_dir))]["series"]))
    plain = [n for n in names if not any(k in n for k in ("secondary", "derived"))]
    return {"n_sec_series": len(names), "n_sec_plain": len(plain), "sec_example": ", ".join(plain[:2])}
