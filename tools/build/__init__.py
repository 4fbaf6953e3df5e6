"""Build ``data/`` from the raw official files in ``../shared/sources``.

Run ``python -m tools.build`` (or ``make data``). Each topic module below reads its
raw files and returns tidy tables; this module validates them and writes
``data/<table>.csv``, ``data/exclusions.csv`` and ``data/datapackage.json``.

Tables added by readers with ``python -m helpers.data add`` are kept as they are.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pandas as pd

from helpers import paths, schema
from helpers.manifest import (EXCLUSION_COLUMNS, READER_ORIGIN, Exclusion, SeriesInfo, Source,  # noqa: F401
                              Table, package_json, read_manifest, resource_json, sha256_file, write_manifest)

#: Topic modules, each with ``build(src: Path) -> list[Table]``.
BUILDERS = [
    "tools.build.trade",
    "tools.build.national",
    "tools.build.national_detail",
    "tools.build.national_recent",
    "tools.build.accounts",
    "tools.build.io_tables",
    "tools.build.fiscal",
    "tools.build.fiscal_revenue",
    "tools.build.trade_points",
    "tools.build.trade_annual",
    "tools.build.nbs_files",
]

def collect(src: Path, only: list[str] | None = None) -> list[Table]:
    tables: list[Table] = []
    for modname in BUILDERS:
        if only and modname.rsplit(".", 1)[-1] not in only:
            continue
        mod = importlib.import_module(modname)
        tables.extend(mod.build(src))
    names = [t.name for t in tables]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        raise ValueError(f"two builders write the same table name(s): {sorted(dups)}")
    return tables


def run(src: Path | None = None, out: Path | None = None, verbose: bool = True) -> list[Table]:
    """Build every table from ``src`` into ``out`` (defaults: ../shared/sources, data/)."""
    src = Path(src) if src else paths.shared_sources()
    out = Path(out) if out else paths.DATA
    if not src.exists():
        raise FileNotFoundError(
            f"raw sources not found at {src}; put the shared folder beside the repository "
            "or set BOOK_SHARED_SOURCES")
    out.mkdir(parents=True, exist_ok=True)
    tables = collect(src)

    resources, sources, exclusions = [], {}, []
    for t in tables:
        df = t.check()
        path = out / f"{t.name}.csv"
        schema.write_csv(df, path)
        resources.append(resource_json(t, path))
        for s in t.sources:
            sources[s.id] = s.to_json(src)
        exclusions.extend(t.exclusions)
        if verbose:
            print(f"wrote {path.relative_to(out.parent) if out.parent in path.parents else path}: "
                  f"{len(df)} rows, {df['series'].nunique()} series")

    ex = pd.DataFrame([e.__dict__ for e in exclusions], columns=EXCLUSION_COLUMNS)
    ex = ex.sort_values(["source_id", "geo_code", "year", "series"], kind="mergesort")
    ex_path = out / "exclusions.csv"
    ex.to_csv(ex_path, index=False, lineterminator="\n", encoding="utf-8")
    resources.append({
        "name": "exclusions",
        "path": "exclusions.csv",
        "profile": "tabular-data-resource",
        "title": "Published cells left out of the tidy tables, with the reason",
        "description": ("Source errors (e.g. a row that repeats another year), cells cut off in the page "
                        "copy, and secondary points superseded by official data. Nothing is silently dropped."),
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "bytes": ex_path.stat().st_size, "hash": "sha256:" + sha256_file(ex_path),
        "schema": {"fields": [{"name": c, "type": "integer" if c == "year" else "string"}
                              for c in EXCLUSION_COLUMNS]},
        "x_origin": "build",
    })

    # committed non-tabular files (the province geometry), recorded with their sha256
    from . import geo
    resources.extend(geo.resources(out))

    # keep what readers added with `python -m helpers.data add`
    old = read_manifest(out)
    if old:
        built_names = {r["name"] for r in resources}
        for r in old.get("resources", []):
            if r.get("x_origin") == READER_ORIGIN and r["name"] not in built_names:
                resources.append(r)
                for s in old.get("sources", []):
                    if any(s["name"] == x["name"] for x in r.get("sources", [])):
                        sources.setdefault(s["name"], s)

    resources.sort(key=lambda r: r["name"])
    pkg = package_json(resources, [sources[k] for k in sorted(sources)])
    write_manifest(pkg, out)
    if verbose:
        print(f"wrote {out / 'datapackage.json'}: {len(resources)} resources, {len(sources)} sources")
    return tables
