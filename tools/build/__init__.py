"""Build ``data/`` from the raw official files in ``../shared/sources``.

Run ``python -m tools.build`` (or ``make data``). Each topic module below reads its
raw files and returns tidy tables; this module validates them and writes
``data/<table>.csv``, ``data/exclusions.csv`` and ``data/datapackage.json``.

Tables added by readers with ``python -m helpers.data add`` are kept as they are.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from helpers import paths, schema
from helpers.manifest import (EXCLUSION_COLUMNS, READER_ORIGIN, AtomicWrite, Table, manifest_bytes, package_json,
                              read_manifest, resource_json, sha256_file)

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


class RawFileChangedError(ValueError):
    """A raw file's sha256 differs from the one recorded in the manifest (a damaged file or a new release)."""


def _baseline(out: Path) -> dict | None:
    """The manifest the raw files are checked against: ``out``'s, else the repository's."""
    return read_manifest(out) or read_manifest(paths.DATA)


def check_raw_files(src: Path, old: dict | None) -> list[str]:
    """Raw files whose sha256 differs from the manifest's record (``sources[].raw_files[].sha256``)."""
    changed = []
    for s in (old or {}).get("sources", []):
        if s.get("x_origin") == READER_ORIGIN:
            continue
        for f in s.get("raw_files", []):
            rel = f["path"].removeprefix("../shared/sources/")
            p = src / rel
            if f.get("sha256") and p.is_file() and sha256_file(p) != f["sha256"]:
                changed.append(f"{p}: sha256 {sha256_file(p)[:12]}..., the manifest records {f['sha256'][:12]}... "
                               f"(source {s['name']}, vintage {s.get('vintage', '?')!r})")
    return changed


def _rows_in(path: Path) -> int | None:
    if not path.exists():
        return None
    with open(path, "rb") as fh:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 16), b"")) - 1, 0)


def run(src: Path | None = None, out: Path | None = None, verbose: bool = True,
        new_vintage: bool = False) -> list[Table]:
    """Build every table from ``src`` into ``out`` (defaults: ../shared/sources, data/).

    Refuses (:class:`RawFileChangedError`) a raw file whose sha256 differs from the manifest's
    record unless ``new_vintage``. Every table, ``exclusions.csv`` and the manifest are written to
    temporary files first and replaced together, so a failed or interrupted run leaves ``out`` as
    it was. Reports rows before -> after for each table.
    """
    src = Path(src) if src else paths.shared_sources()
    out = Path(out) if out else paths.DATA
    if not src.exists():
        raise FileNotFoundError(
            f"raw sources not found at {src}; put the shared folder beside the repository "
            "or set BOOK_SHARED_SOURCES")
    out.mkdir(parents=True, exist_ok=True)
    old = read_manifest(out)
    changed = check_raw_files(src, _baseline(out))
    if changed and not new_vintage:
        raise RawFileChangedError(
            f"{len(changed)} raw file(s) differ from the sha256 recorded in data/datapackage.json: "
            + "; ".join(changed) + ". A damaged or truncated file: restore it. A new release: run "
            "`python -m tools.build --new-vintage` and give its tables a new vintage.")
    tables = collect(src)

    resources, sources, exclusions, report = [], {}, [], []
    with AtomicWrite() as w:
        for t in tables:
            df = t.check()
            path = out / f"{t.name}.csv"
            tmp = w.stage(path, lambda p, df=df: schema.write_csv(df, p))
            resources.append(resource_json(t, tmp))
            for s in t.sources:
                sources[s.id] = s.to_json(src)
            exclusions.extend(t.exclusions)
            before = _rows_in(path)
            report.append(f"data/{t.name}.csv: {'new' if before is None else before} -> {len(df)} rows, "
                          f"{df['series'].nunique()} series")

        ex = pd.DataFrame([e.__dict__ for e in exclusions], columns=EXCLUSION_COLUMNS)
        ex = ex.sort_values(["source_id", "geo_code", "year", "series"], kind="mergesort")
        ex_path = out / "exclusions.csv"
        ex_tmp = w.stage(ex_path, lambda p: ex.to_csv(p, index=False, lineterminator="\n", encoding="utf-8"))
        resources.append({
            "name": "exclusions",
            "path": "exclusions.csv",
            "profile": "tabular-data-resource",
            "title": "Published cells left out of the tidy tables, with the reason",
            "description": ("Source errors (e.g. a row that repeats another year), cells cut off in the page "
                            "copy, and secondary points superseded by official data. Nothing is silently dropped."),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": ex_tmp.stat().st_size, "hash": "sha256:" + sha256_file(ex_tmp),
            "schema": {"fields": [{"name": c, "type": "integer" if c == "year" else "string"}
                                  for c in EXCLUSION_COLUMNS]},
            "x_origin": "build",
        })

        # committed non-tabular files (the province geometry), recorded with their sha256
        from . import geo
        resources.extend(geo.resources(out))

        # keep what readers added with `python -m helpers.data add`
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
        w.stage(out / "datapackage.json", manifest_bytes(pkg))  # last: replaced after every table
    if verbose:
        for line in report:
            print(line)
        if changed:
            print("new vintage of: " + "; ".join(changed))
        print(f"wrote {out / 'datapackage.json'}: {len(resources)} resources, {len(sources)} sources")
    return tables
