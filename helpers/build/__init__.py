"""Build ``data/`` from the raw official files in ``../shared/sources``.

Run ``python -m helpers.build`` (or ``make data``). Each topic module below reads its
raw files and returns tidy tables; this module validates them and writes
``data/<table>.csv``, ``data/exclusions.csv`` and ``data/datapackage.json``.

Tables added by readers with ``python -m helpers.data add`` are kept as they are.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pandas as pd

from .. import paths, schema
from .core import Exclusion, SeriesInfo, Source, Table, sha256_file  # noqa: F401

#: Topic modules, each with ``build(src: Path) -> list[Table]``.
BUILDERS = [
    "helpers.build.trade",
    "helpers.build.national",
    "helpers.build.accounts",
    "helpers.build.io_tables",
    "helpers.build.fiscal",
    "helpers.build.trade_points",
    "helpers.build.nbs_files",
]

PACKAGE_NAME = "china-provincial-trade-balances"
READER_ORIGIN = "reader-import"
EXCLUSION_COLUMNS = ["source_id", "geo_code", "year", "series", "value_as_published", "reason"]


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


def field_schema() -> dict:
    return {
        "fields": [
            {"name": "geo_code", "type": "string", "constraints": {"required": True, "pattern": "^[0-9]{6}$"},
             "description": "6-digit administrative division code (GB/T 2260); 000000 = China (national)"},
            {"name": "year", "type": "integer", "constraints": {"required": True},
             "description": "year the data refer to"},
            {"name": "quarter", "type": "integer", "constraints": {"minimum": 1, "maximum": 4},
             "description": "quarter (1-4) for quarterly data; empty for annual data"},
            {"name": "series", "type": "string", "constraints": {"required": True},
             "description": "series name; see the resource's x_series list"},
            {"name": "value", "type": "number", "constraints": {"required": True},
             "description": "value as published, in `unit`"},
            {"name": "unit", "type": "string", "constraints": {"required": True, "enum": list(schema.UNITS)},
             "description": "unit symbol (亿元 = 100 million yuan; 千美元 = thousand USD; ...)"},
            {"name": "source_id", "type": "string", "constraints": {"required": True},
             "description": "id of the source in the package's `sources` list"},
            {"name": "vintage", "type": "string", "constraints": {"required": True},
             "description": "release or revision the value belongs to"},
        ],
        "primaryKey": schema.KEY,
        "missingValues": [""],
    }


def resource_json(table: Table, path: Path, origin: str = "build") -> dict:
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "profile": "tabular-data-resource",
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": "sha256:" + sha256_file(path),
        "schema": field_schema(),
        "sources": [{"name": s.id, "title": s.title} for s in table.sources],
        "x_origin": origin,
        "x_series": [
            {"series": s.series, "label": s.label or s.series, "unit": s.unit,
             "unit_meaning": schema.UNITS[s.unit], "description": s.description,
             "source_id": s.source_id, "vintage": s.vintage}
            for s in table.series
        ],
    }


def package_json(resources: list[dict], sources: list[dict]) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "China's provincial trade balances: tidy official statistics for the companion book",
        "description": (
            "Tidy tables built by helpers/build from the raw official files in ../shared/sources "
            "(NBS, SAFE, GACC, World Bank WDI, provincial statistical yearbooks). Each resource lists its "
            "series with unit, source and vintage; each source lists its raw files with sha256. "
            "Missing cells are missing rows; nothing is interpolated."),
        "licenses": [{
            "name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }],
        "x_licence_note": (
            "The numbers are official statistics of the People's Republic of China (NBS, SAFE, GACC, "
            "provincial bureaus) and World Bank WDI data (CC BY 4.0); cite the original publisher. "
            "The tidy arrangement and the build code are offered under CC BY 4.0 and MIT respectively."),
        "sources": sources,
        "resources": resources,
    }


def read_manifest(out: Path) -> dict | None:
    m = out / "datapackage.json"
    if m.exists():
        return json.loads(m.read_text(encoding="utf-8"))
    return None


def write_manifest(pkg: dict, out: Path) -> None:
    (out / "datapackage.json").write_text(
        json.dumps(pkg, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")


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
