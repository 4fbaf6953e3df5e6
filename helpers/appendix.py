"""Tables about the data, generated from ``data/datapackage.json`` (for the data appendix and chapter 2)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, paths


def resources(data_dir: Path | None = None) -> pd.DataFrame:
    """One row per file in data/: name, title, rows, bytes, sha256, origin, download path."""
    base = Path(data_dir) if data_dir else paths.DATA
    out = []
    for r in data.manifest(data_dir)["resources"]:
        n_rows = None
        if "x_series" in r:
            n_rows = len(data.load(r["name"], data_dir))
        out.append({
            "table": r["name"], "file": f"data/{r['path']}", "title": r.get("title", ""),
            "rows": n_rows, "bytes": r.get("bytes"), "sha256": r.get("hash", "").removeprefix("sha256:"),
            "origin": r.get("x_origin", ""), "exists": (base / r["path"]).exists(),
        })
    return pd.DataFrame(out)


def series_table(data_dir: Path | None = None) -> pd.DataFrame:
    """Every series with unit, years and number of provinces covered, source and vintage."""
    cat = data.series_catalogue(data_dir)
    rows = []
    for table, g in cat.groupby("table", sort=True):
        df = data.load(table, data_dir)
        for _, s in g.iterrows():
            d = df[(df["series"] == s["series"]) & (df["source_id"] == s["source_id"]) & (df["vintage"] == s["vintage"])]
            q = d["quarter"].notna().any()
            prov = d[d["geo_code"] != "000000"]["geo_code"].nunique()
            rows.append({
                "table": table, "series": s["series"], "unit": s["unit"],
                "years": f"{d['year'].min()}-{d['year'].max()}" if len(d) else "",
                "frequency": "quarterly" if q else "annual",
                "provinces": prov if prov else "national",
                "values": len(d), "source_id": s["source_id"], "vintage": s["vintage"],
                "description": s["description"],
            })
    return pd.DataFrame(rows)


def sources_table(data_dir: Path | None = None) -> pd.DataFrame:
    """Sources with publisher, table, address, vintage, trust and whether secondary."""
    s = data.sources(data_dir)
    cols = ["source_id", "publisher", "title", "table", "address", "vintage", "trust", "secondary", "licence_note"]
    return s[[c for c in cols if c in s.columns]].sort_values(["secondary", "source_id"]).reset_index(drop=True)


def downloads_markdown(prefix: str = "../data/", data_dir: Path | None = None) -> str:
    """A MyST list of {download} links, one per file in data/ plus the manifest."""
    lines = [f"- {{download}}`datapackage.json <{prefix}datapackage.json>` (the manifest)"]
    for _, r in resources(data_dir).iterrows():
        rows = f", {int(r['rows']):,} rows" if pd.notna(r["rows"]) else ""
        lines.append(f"- {{download}}`{r['table']}.csv <{prefix}{Path(r['file']).name}>`: {r['title']}{rows}")
    return "\n".join(lines)
