"""Tables about the data, generated from ``data/datapackage.json`` (the data appendix and chapter 2).

Everything here reads the manifest (a Frictionless Data Package) and the tidy tables through
:mod:`helpers.data`; nothing is typed by hand, so the appendix follows ``data/`` when a table
is rebuilt or a reader adds an NBS export (``python -m helpers.data add FILE``).

* :func:`package_summary`: name, licence, counts;
* :func:`resources`: one row per file (rows, bytes, sha256);
* :func:`series_table`: one row per (table, series, source, vintage) with unit, years, frequency,
  provinces;
* :func:`sources_table`: publisher, table, address, vintage, trust, secondary flag, licence;
* :func:`exclusions_table`: cells left out on purpose, with the reason;
* :func:`source_years`: which years each source covers, provincial vs national (the timeline chart);
* :func:`downloads_markdown`: MyST ``{download}`` links for every file in ``data/``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import data, paths, provinces

#: Shown in place of a value the manifest does not give.
NA = "–"


def _base(data_dir: Path | None) -> Path:
    return Path(data_dir) if data_dir else paths.DATA


def package_summary(data_dir: Path | None = None) -> dict:
    """Name, title, licences and counts of the data package."""
    m = data.manifest(data_dir)
    res = m["resources"]
    return {
        "name": m.get("name", ""), "title": m.get("title", ""), "profile": m.get("profile", ""),
        "licences": ", ".join(lic.get("name", "") for lic in m.get("licenses", [])),
        "licence_note": m.get("x_licence_note", ""),
        "n_tables": sum(1 for r in res if "x_series" in r),
        "n_resources": len(res),
        "n_sources": len(m.get("sources", [])),
        "n_secondary_sources": sum(1 for s in m.get("sources", []) if s.get("secondary")),
        "n_series": sum(len(r.get("x_series", [])) for r in res),
        "bytes": sum(int(r.get("bytes") or 0) for r in res),
    }


def resources(data_dir: Path | None = None) -> pd.DataFrame:
    """One row per file in the manifest: table, file, title, rows, bytes, sha256, origin, exists.

    ``rows`` is the number of data rows (from :func:`helpers.data.load` for tidy tables, from
    :func:`helpers.data.exclusions` for the exclusions file).
    """
    base = _base(data_dir)
    out = []
    for r in data.manifest(data_dir)["resources"]:
        exists = (base / r["path"]).exists()
        n_rows = None
        if exists and "x_series" in r:
            n_rows = len(data.load(r["name"], data_dir))
        elif exists and r["name"] == "exclusions":
            n_rows = len(data.exclusions(data_dir))
        elif exists and r.get("format") == "geojson":  # geometry: one "row" per feature
            n_rows = len(json.loads((base / r["path"]).read_text(encoding="utf-8"))["features"])
        out.append({
            "table": r["name"], "file": f"data/{r['path']}", "title": r.get("title", ""),
            "rows": n_rows, "bytes": r.get("bytes"), "sha256": r.get("hash", "").removeprefix("sha256:"),
            "origin": r.get("x_origin", ""), "exists": exists,
        })
    df = pd.DataFrame(out)
    df["rows"] = df["rows"].astype("Int64")
    return df


@data.cached_on_data
def series_table(data_dir: Path | None = None) -> pd.DataFrame:
    """Every series with unit, years, frequency, provinces covered, source and vintage."""
    cat = data.series_catalogue(data_dir)
    src = data.sources(data_dir).set_index("source_id")
    rows = []
    for table, g in cat.groupby("table", sort=True):
        df = data.load(table, data_dir)
        groups = {k: d for k, d in df.groupby(["series", "source_id", "vintage"], sort=False)}
        for _, s in g.iterrows():
            d = groups.get((s["series"], s["source_id"], s["vintage"]), df.iloc[0:0])
            quarterly = d["quarter"].notna()
            prov = d.loc[d["geo_code"] != provinces.NATIONAL_CODE, "geo_code"].nunique()
            nat = (d["geo_code"] == provinces.NATIONAL_CODE).any()
            freq = ("annual + quarterly" if quarterly.any() and (~quarterly).any()
                    else "quarterly" if quarterly.any() else "annual")
            rows.append({
                "table": table, "series": s["series"], "unit": s["unit"],
                "years": f"{d['year'].min()}-{d['year'].max()}" if len(d) else NA,
                "n_years": d["year"].nunique(),
                "frequency": freq,
                "provinces": (f"{prov}" + (" + national" if nat else "")) if prov else ("national" if nat else NA),
                "values": len(d), "source_id": s["source_id"], "vintage": s["vintage"],
                "secondary": bool(src["secondary"].get(s["source_id"], False)) if "secondary" in src else False,
                "description": s.get("description", ""),
            })
    return pd.DataFrame(rows)


def sources_table(data_dir: Path | None = None) -> pd.DataFrame:
    """Sources with publisher, table, address, vintage, trust, secondary flag and licence note.

    Official sources first, then secondary ones (for cross-checks only).
    """
    s = data.sources(data_dir)
    cols = ["source_id", "publisher", "title", "table", "address", "vintage", "trust", "secondary", "licence_note"]
    s = s[[c for c in cols if c in s.columns]].copy()
    s["secondary"] = s["secondary"].fillna(False).astype(bool)
    return s.sort_values(["secondary", "source_id"], kind="mergesort").reset_index(drop=True)


def exclusions_table(data_dir: Path | None = None) -> pd.DataFrame:
    """Published cells left out of the tidy tables, with the reason (``data/exclusions.csv``)."""
    return data.exclusions(data_dir)


def exclusions_summary(data_dir: Path | None = None) -> pd.DataFrame:
    """Exclusions grouped by source, series and reason: cells, years, provinces."""
    ex = exclusions_table(data_dir)
    if ex.empty:
        return pd.DataFrame(columns=["source_id", "series", "reason", "cells", "years", "provinces"])
    g = ex.groupby(["source_id", "series", "reason"], sort=True)
    out = g.agg(cells=("year", "size"), first=("year", "min"), last=("year", "max"),
                provinces=("geo_code", lambda s: ", ".join(sorted(
                    provinces.name_en(c) if c != provinces.NATIONAL_CODE else "China" for c in set(s)))))
    out = out.reset_index()
    out["years"] = out["first"].astype(str).where(out["first"] == out["last"],
                                                  out["first"].astype(str) + "-" + out["last"].astype(str))
    return out[["source_id", "series", "cells", "years", "provinces", "reason"]]


def source_years(data_dir: Path | None = None, annual_only: bool = False) -> pd.DataFrame:
    """One row per (source, level, year) with data: which years each source covers.

    Columns: ``source_id, publisher, level`` (``provincial``/``national``), ``year``,
    ``n_geo`` (units with a value that year), ``n_series``, ``secondary``, ``label``.
    """
    df = data.load_all(data_dir)
    if annual_only:
        df = df[df["quarter"].isna()]
    df = df.assign(level=(df["geo_code"] == provinces.NATIONAL_CODE).map({True: "national", False: "provincial"}))
    g = df.groupby(["source_id", "level", "year"], sort=True).agg(
        n_geo=("geo_code", "nunique"), n_series=("series", "nunique")).reset_index()
    src = sources_table(data_dir).set_index("source_id")
    g["publisher"] = g["source_id"].map(src["publisher"]).fillna("")
    g["secondary"] = g["source_id"].map(src["secondary"]).fillna(False).astype(bool)
    g["label"] = g["source_id"] + g["secondary"].map({True: " (secondary)", False: ""})
    return g[["source_id", "label", "publisher", "level", "year", "n_geo", "n_series", "secondary"]]


def source_spans(data_dir: Path | None = None) -> pd.DataFrame:
    """Per source and level: first and last year, years with data, gaps, max provinces."""
    y = source_years(data_dir)
    rows = []
    for (sid, level), g in y.groupby(["source_id", "level"], sort=True):
        years = sorted(g["year"])
        span = range(years[0], years[-1] + 1)
        rows.append({"source_id": sid, "label": g["label"].iloc[0], "level": level,
                     "first": years[0], "last": years[-1], "n_years": len(years),
                     "gap_years": len(span) - len(years), "max_geo": int(g["n_geo"].max()),
                     "secondary": bool(g["secondary"].iloc[0])})
    return pd.DataFrame(rows)


def downloads_markdown(prefix: str = "../data/", data_dir: Path | None = None) -> str:
    """A MyST bullet list of ``{download}`` links: the manifest, then every file in the manifest.

    ``prefix`` is the path from the page to ``data/`` (``../data/`` from ``book/``).
    Rendered as MyST only when MyST-NB's ``nb_render_markdown_format`` is ``myst``.
    """
    lines = [f"- {{download}}`datapackage.json <{prefix}datapackage.json>`: the manifest "
             "(Frictionless Data Package)"]
    for _, r in resources(data_dir).iterrows():
        fname = r["file"].removeprefix("data/")
        rows = f", {int(r['rows']):,} rows" if pd.notna(r["rows"]) else ""
        title = r["title"].replace("`", "'")
        lines.append(f"- {{download}}`{fname} <{prefix}{fname}>`: {title}{rows}")
    return "\n".join(lines)


def data_files(data_dir: Path | None = None) -> list[str]:
    """Paths under ``data/`` that a reader may download (every .csv, the manifest, the geometry)."""
    base = _base(data_dir)
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*")
                  if p.suffix in (".csv", ".json", ".geojson"))


def manifest_excerpt(name: str = "provincial_trade_totals", data_dir: Path | None = None,
                     max_series: int = 1) -> str:
    """One resource of the manifest as indented JSON (its field schema and most series cut)."""
    r = dict(data.resource(name, data_dir))
    if "schema" in r:
        r["schema"] = {"fields": [f"... {len(r['schema'].get('fields', []))} fields: "
                                  + ", ".join(f['name'] for f in r['schema'].get('fields', []))]}
    if "x_series" in r and len(r["x_series"]) > max_series:
        more = len(r["x_series"]) - max_series
        r["x_series"] = r["x_series"][:max_series] + [f"... {more} more"]
    return json.dumps(r, ensure_ascii=False, indent=2)


#: The tables added in 2026 (issue "New official data in"), shown together in chapter 2.
NEW_TABLES = ("provincial_trade_annual_secondary", "provincial_grp_nbs2018", "provincial_transfers",
              "provincial_fiscal_summaries", "provincial_fiscal_long", "national_bop_releases")


def tables_overview(tables=NEW_TABLES, data_dir: Path | None = None) -> pd.DataFrame:
    """One row per table: title, series (official and secondary), units, years, provinces with a
    value, sources and vintages. Quarterly releases count for their year."""
    st = series_table(data_dir)
    titles = {r["name"]: r.get("title", "") for r in data.manifest(data_dir)["resources"]}
    rows = []
    for table in tables:
        s = st[st["table"] == table]
        df = data.load(table, data_dir)
        prov = df.loc[df["geo_code"] != provinces.NATIONAL_CODE, "geo_code"].nunique()
        rows.append({"table": table, "title": titles.get(table, ""),
                     "series (official + secondary)": f"{s.loc[~s['secondary'], 'series'].nunique()} + "
                                                      f"{s.loc[s['secondary'], 'series'].nunique()}",
                     "units": ", ".join(sorted(set(s["unit"]))), "years": f"{df['year'].min()}-{df['year'].max()}",
                     "provinces": prov if prov else "national", "sources": s["source_id"].nunique(),
                     "vintages": s["vintage"].nunique()})
    return pd.DataFrame(rows).set_index("table")


def customs_checks(tol: float = 0.01, data_dir: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The customs panel's two checks, for display: (flagged years of the national-sum check,
    the official-totals check by year, named figures).

    The first table lists every year where the 31-province sum of exports or imports is outside
    1 +- ``tol`` of the national customs total (:func:`helpers.customs.national_check`), with the
    number of provinces that have a value and the sums as % of the national total. The second
    counts, per year 2016-2021, province totals within / outside ``tol`` of the official NBS
    totals by location of operating units or missing in the panel
    (:func:`helpers.customs.official_totals_check`).
    """
    from . import customs
    nc = customs.national_check(tol, data_dir)
    flagged = nc[nc["flagged"]]
    t1 = pd.DataFrame({"year": flagged["year"], "provinces with exports": flagged["n_exports"],
                       "provinces with imports": flagged["n_imports"],
                       "exports: sum of provinces, % of national": (100 * flagged["ratio_exports"]).round(2),
                       "imports: sum of provinces, % of national": (100 * flagged["ratio_imports"]).round(2),
                       "national total from": flagged["national_source_id"]}).set_index("year")
    oc = customs.official_totals_check(tol=tol, data_dir=data_dir)
    t2 = oc.groupby(["year", "status"]).size().unstack(fill_value=0)
    t2.columns.name = None
    worst = oc.loc[oc["diff_pct"].abs().idxmax()]
    figures = {"check_n_years": len(nc), "check_first": int(nc["year"].min()), "check_last": int(nc["year"].max()),
               "check_n_flagged": len(flagged),
               "check_tol_pct": 100 * tol,
               "official_n": len(oc), "official_within": int((oc["status"] == "within").sum()),
               "official_outside": int((oc["status"] == "outside").sum()),
               "official_missing": int((oc["status"] == "missing in panel").sum()),
               "official_worst": f"{worst['province']} {int(worst['year'])}", "official_worst_pct": worst["diff_pct"]}
    return t1, t2, figures
