"""What ``data/`` covers: per table, per series, per year; the numbers chapter 1 glues into its prose.

Everything is computed from ``data/`` at run time, so a table added by a builder or by
``python -m helpers.data add`` shows up here (and in chapter 1) on the next run.

>>> from helpers import coverage
>>> coverage.facts()["n_tables"]                      # doctest: +SKIP
>>> coverage.series_year_counts("provincial_trade_totals").head()   # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, provinces, schema

NATIONAL = provinces.NATIONAL_CODE


def _is_provincial(df: pd.DataFrame) -> bool:
    return bool((df["geo_code"] != NATIONAL).any())


@data.cached_on_data
def series_year_counts(table: str, data_dir: Path | None = None, *, merge_identical: bool = True) -> pd.DataFrame:
    """One row per (series line, year) in a table's span: how many units have a value.

    Columns: ``label``, ``series``, ``source_id``, ``vintage``, ``year``, ``present`` (number of
    provinces with a value; for a national series 1 or 0) and ``expected`` (31 or 1).
    Years inside a series' first..last year with no value get ``present == 0`` (a gap).
    Quarterly observations count for their year. With ``merge_identical``, series from the
    same source whose coverage is identical share one row, labelled ``"first (+N more)"``,
    which keeps the chart small.
    """
    df = data.load(table, data_dir)
    out = []
    n_vintages = df.groupby(["series", "source_id"])["vintage"].nunique()
    for (s, src, vin), g in df.groupby(["series", "source_id", "vintage"], sort=True):
        prov = _is_provincial(g)
        gg = g[g["geo_code"] != NATIONAL] if prov else g
        years = range(int(gg["year"].min()), int(gg["year"].max()) + 1)
        counts = gg.groupby("year")["geo_code"].nunique()
        label = f"{s} · {src}" + (f" · {vin}" if n_vintages[(s, src)] > 1 else "")
        for y in years:
            out.append({"label": label, "series": s, "source_id": src, "vintage": vin, "year": y,
                        "present": int(counts.get(y, 0)), "expected": len(provinces.CODES) if prov else 1})
    res = pd.DataFrame(out, columns=["label", "series", "source_id", "vintage", "year", "present", "expected"])
    if not merge_identical or res.empty:
        return res
    # group series of one source with the same (year, present) pattern
    pattern = res.groupby("label", sort=False).apply(
        lambda g: (g["source_id"].iat[0], g["vintage"].iat[0], tuple(zip(g["year"], g["present"]))),
        include_groups=False)
    groups: dict = {}
    for label, key in pattern.items():
        groups.setdefault(key, []).append(label)
    rename = {}
    for labels in groups.values():
        if len(labels) > 1:
            new = f"{labels[0]} (+{len(labels) - 1} more)"
            for lab in labels:
                rename[lab] = new
    res["label"] = res["label"].map(lambda lab: rename.get(lab, lab))
    return res.drop_duplicates(["label", "year"]).reset_index(drop=True)


@data.cached_on_data
def table_summary(data_dir: Path | None = None) -> pd.DataFrame:
    """One row per table: level, series, sources, years, observations, gaps within spans."""
    rows = []
    for t in data.tables(data_dir):
        df = data.load(t, data_dir)
        c = series_year_counts(t, data_dir, merge_identical=False)
        gaps = int((c["present"] < c["expected"]).sum()) if len(c) else 0
        cells = int(len(c))
        rows.append({
            "table": t,
            "level": "provincial" if _is_provincial(df) else "national",
            "series": df["series"].nunique(),
            "sources": df["source_id"].nunique(),
            "first year": int(df["year"].min()),
            "last year": int(df["year"].max()),
            "observations": len(df),
            "incomplete series-years": f"{gaps} of {cells}",
        })
    return pd.DataFrame(rows)


def sources_table(data_dir: Path | None = None) -> pd.DataFrame:
    """Every source with publisher, table, address, units used, vintage, trust, secondary."""
    s = data.sources(data_dir)
    cat = data.series_catalogue(data_dir)
    units = (cat.groupby("source_id")["unit"].apply(lambda u: ", ".join(sorted(set(u))))
             if len(cat) else pd.Series(dtype=str))
    s["units"] = s["source_id"].map(units).fillna("")
    s["secondary"] = s["secondary"].fillna(False).astype(bool)
    cols = ["source_id", "publisher", "table", "address", "units", "vintage", "trust", "secondary"]
    for c in cols:
        if c not in s.columns:
            s[c] = ""
    return s[cols].sort_values(["secondary", "source_id"]).reset_index(drop=True)


def facts(data_dir: Path | None = None) -> dict:
    """Numbers the prose of chapter 1 quotes (all computed from data/)."""
    allrows = data.load_all(data_dir)
    src = sources_table(data_dir)
    cat = data.series_catalogue(data_dir)
    prov = allrows[allrows["geo_code"] != NATIONAL]
    summ = table_summary(data_dir)
    return {
        "n_tables": len(data.tables(data_dir)),
        "n_provincial_tables": int((summ["level"] == "provincial").sum()),
        "n_national_tables": int((summ["level"] == "national").sum()),
        "n_series": int(cat["series"].nunique()),
        "n_series_lines": len(cat.drop_duplicates(["table", "series", "source_id", "vintage"])),
        "n_sources": len(src),
        "n_primary_sources": int((~src["secondary"]).sum()),
        "n_secondary_sources": int(src["secondary"].sum()),
        "n_observations": len(allrows),
        "n_provincial_observations": len(prov),
        "first_provincial_year": int(prov["year"].min()) if len(prov) else None,
        "last_provincial_year": int(prov["year"].max()) if len(prov) else None,
        "n_exclusions": len(data.exclusions(data_dir)),
    }


def unit_glossary(data_dir: Path | None = None) -> pd.DataFrame:
    """The unit symbols used in data/ with their English meaning."""
    used = sorted(set(data.series_catalogue(data_dir)["unit"]))
    return pd.DataFrame({"unit": used, "meaning": [schema.UNITS.get(u, "") for u in used]})


# --------------------------------------------------------------------------- topics (the overview)
#: The topic each table of ``data/`` belongs to: one panel of the coverage overview per topic.
#: A table not listed here (one a reader added with ``python -m helpers.data add``) goes under
#: :data:`OTHER_TOPIC`.
TOPICS = {
    "provincial_trade_totals": "Customs trade by province",
    "provincial_trade_annual_secondary": "Customs trade by province",
    "provincial_trade_points": "Customs trade by province",
    "provincial_grp_latest": "GRP, its expenditure split and input-output tables",
    "provincial_grp_nbs2018": "GRP, its expenditure split and input-output tables",
    "provincial_grp_first_published": "GRP, its expenditure split and input-output tables",
    "provincial_grp_expenditure": "GRP, its expenditure split and input-output tables",
    "provincial_io_final_demand": "GRP, its expenditure split and input-output tables",
    "provincial_gfcf": "GRP, its expenditure split and input-output tables",
    "provincial_population": "Population",
    "provincial_population_nbs": "Population",
    "provincial_fiscal": "Provincial budgets and central transfers",
    "provincial_fiscal_long": "Provincial budgets and central transfers",
    "provincial_fiscal_summaries": "Provincial budgets and central transfers",
    "provincial_transfers": "Provincial budgets and central transfers",
    "national_bop": "National: balance of payments",
    "national_bop_releases": "National: balance of payments",
    "national_nbs": "National: accounts, trade, fiscal, exchange rates",
    "national_wdi": "National: accounts, trade, fiscal, exchange rates",
    "national_gacc": "National: accounts, trade, fiscal, exchange rates",
    "national_recent": "National: accounts, trade, fiscal, exchange rates",
}
OTHER_TOPIC = "Tables added by readers"


def topic_of(table: str) -> str:
    return TOPICS.get(table, OTHER_TOPIC)


@data.cached_on_data
def topic_year_counts(data_dir: Path | None = None) -> pd.DataFrame:
    """The coverage overview at a glance: one row per (table, official/secondary, year).

    Columns: ``topic``, ``table``, ``kind`` (``official``/``secondary``), ``label`` (the row's
    name: table, number of series, ``secondary`` where it applies), ``year``, ``present`` (for a
    provincial table the most provinces any of its series has that year, else 1 or 0) and
    ``expected`` (31 or 1). Years inside a row's first..last year with no value get ``present == 0``.
    A provincial table's national rows (e.g. all-local totals) count for the national level only.
    """
    df = data.load_all(data_dir)
    sec = data.secondary_sources(data_dir)
    df["kind"] = df["source_id"].isin(sec).map({True: "secondary", False: "official"})
    out = []
    for (table, kind), g in df.groupby(["table", "kind"], sort=True):
        prov = _is_provincial(g)
        gg = g[g["geo_code"] != NATIONAL] if prov else g
        counts = gg.groupby("year")["geo_code"].nunique()
        label = f"{table} ({gg['series'].nunique()} series" + (", secondary)" if kind == "secondary" and "secondary" not in table else ")")
        for y in range(int(gg["year"].min()), int(gg["year"].max()) + 1):
            out.append({"topic": topic_of(table), "table": table, "kind": kind, "label": label, "year": y,
                        "present": int(counts.get(y, 0)), "expected": len(provinces.CODES) if prov else 1})
    res = pd.DataFrame(out)
    order = list(dict.fromkeys(list(TOPICS.values()) + [OTHER_TOPIC]))
    res["_t"] = res["topic"].map(order.index)
    return res.sort_values(["_t", "table", "kind", "year"]).drop(columns="_t").reset_index(drop=True)


def decade_table(data_dir: Path | None = None) -> pd.DataFrame:
    """Topic x decade: how many distinct series have at least one value (official; secondary apart).

    One row per topic, one column per decade (``"1950s"`` ...); a cell reads ``"12"`` or
    ``"12 + 3 secondary"``; an empty cell means no series of that topic has a value in the decade.
    """
    df = data.load_all(data_dir)
    sec = data.secondary_sources(data_dir)
    df = df.assign(topic=df["table"].map(topic_of), decade=(df["year"] // 10 * 10).astype(str) + "s",
                   secondary=df["source_id"].isin(sec))
    n = df.groupby(["topic", "decade", "secondary"])["series"].nunique().unstack("secondary", fill_value=0)
    n = n.reindex(columns=[False, True], fill_value=0)
    cell = [(f"{o}" if o else "") + (f"{' + ' if o else ''}{s} secondary" if s else "")
            for o, s in zip(n[False], n[True])]
    wide = pd.Series(cell, index=n.index).unstack("decade", fill_value="")
    order = [t for t in dict.fromkeys(list(TOPICS.values()) + [OTHER_TOPIC]) if t in wide.index]
    wide = wide.loc[order, sorted(wide.columns)]
    wide.columns.name, wide.index.name = None, "series held, by decade"
    return wide


#: National series whose first and last years chapter 1 names: key -> (series, source_id, quarterly).
NATIONAL_SPANS = {
    "bop_ca": ("bop_current_account", "safe_bop_bpm6", False),
    "bop_ca_q": ("bop_current_account", "safe_bop_bpm6", True),
    "nbs_gdp": ("gdp", "nbs_gdp_latest", False),
    "nbs_customs": ("customs_exports_usd", "nbs_hgnd_trade_2018", False),
    "nbs_fiscal": ("central_revenue_share_pct", "nbs_hgnd_fiscal_revenue_2018", False),
    "wdi_ca": ("wdi_current_account_usd", "wdi_bn_cab_xoka_cd", False),
}


def national_spans(data_dir: Path | None = None) -> dict:
    """First year of each series in :data:`NATIONAL_SPANS` (``<key>_first``), the last year of SAFE's
    annual workbook series (``bop_ca_last``) and the last quarter of SAFE's current account in any
    release held (``bop_ca_last_period``)."""
    from . import national
    out = {}
    for key, (name, src, quarterly) in NATIONAL_SPANS.items():
        d = data.series(name, source_id=src, level="national", annual=not quarterly, data_dir=data_dir)
        if quarterly:
            d = d[d["quarter"].notna()]
        out[f"{key}_first"] = int(d["year"].min())
        if key == "bop_ca":
            out[f"{key}_last"] = int(d["year"].max())
    q = national.bop_latest("bop_current_account", data_dir=data_dir).dropna(subset=["quarter"])
    out["bop_ca_last_period"] = q.sort_values(["year", "quarter"])["period"].iat[-1]
    return out


def overview_chart(data_dir: Path | None = None):
    """The coverage overview: one small panel per topic, one row per table (official and secondary
    apart), colour = share of provinces with a value that year (:func:`topic_year_counts`)."""
    from . import charts
    rows = topic_year_counts(data_dir)
    n_gap = int((rows["present"] == 0).sum())
    alt = (f"Coverage of the {rows['table'].nunique()} tables in data/, in {rows['topic'].nunique()} panels by "
           f"topic ({', '.join(dict.fromkeys(rows['topic']))}); one row per table, official and secondary "
           f"sources in separate rows, by year {rows['year'].min()}-{rows['year'].max()}; {n_gap} table-years "
           "inside a row's span have no value (grey).")
    return charts.coverage_overview(rows.drop(columns="table").rename(columns={"topic": "table"}),
                                    title="What data/ covers, by topic and year",
                                    source="data/ and data/datapackage.json (helpers.coverage.topic_year_counts)",
                                    alt=alt)


def new_series_facts(data_dir: Path | None = None) -> dict:
    """Spans of the series added in 2026 (customs panel, transfers, fiscal long series, SAFE releases)."""
    from . import customs
    def span(name, **kw):
        d = data.series(name, data_dir=data_dir, **kw)
        return int(d["year"].min()), int(d["year"].max())
    p = customs.panel(data_dir)
    ex = data.exclusions(data_dir)
    rel = data.load("national_bop_releases", data_dir)
    rel = rel[~rel["source_id"].isin(data.secondary_sources(data_dir))]
    out = {
        "panel_first": int(p["year"].min()), "panel_last": int(p["year"].max()),
        "panel_excluded": int(ex["source_id"].isin(set(data.load(customs.TABLE, data_dir)["source_id"])).sum()),
        "transfers_final": "{}-{}".format(*span("central_transfers", level="provincial")),
        "transfers_budget": "{}-{}".format(*span("central_transfers_budget", level="provincial")),
        "transfers_outturn": span("central_transfers_outturn", level="provincial")[0],
        "summaries": "{}-{}".format(*span("central_subsidy_revenue", level="provincial")),
        "nbs_revenue": "{}-{}".format(*span("local_budget_revenue", level="provincial", source_id="nbs_fsnd_fiscal_2018_2024")),
        "qinghai_first": span("local_budget_revenue", geo="Qinghai", official_only=True)[0],
        "imong_first": span("local_budget_revenue", geo="Inner Mongolia", official_only=True)[0],
        "n_releases": int(rel["vintage"].nunique()),
    }
    return out
