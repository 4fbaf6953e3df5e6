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
        "first_year": int(allrows["year"].min()),
        "last_year": int(allrows["year"].max()),
        "first_provincial_year": int(prov["year"].min()) if len(prov) else None,
        "last_provincial_year": int(prov["year"].max()) if len(prov) else None,
        "n_exclusions": len(data.exclusions(data_dir)),
        "n_units": int(allrows["unit"].nunique()),
    }


def unit_glossary(data_dir: Path | None = None) -> pd.DataFrame:
    """The unit symbols used in data/ with their English meaning."""
    used = sorted(set(data.series_catalogue(data_dir)["unit"]))
    return pd.DataFrame({"unit": used, "meaning": [schema.UNITS.get(u, "") for u in used]})
