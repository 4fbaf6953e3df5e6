"""Read the tidy tables in ``data/``: load by name, look up series, measure coverage.

>>> from helpers import data
>>> trade = data.load("provincial_trade_totals")          # validated on load
>>> data.series("trade_total_by_location").head()          # from every table that has it
>>> data.coverage("net_outflow_goods_services")            # province x year: present or missing

Command line (``python -m helpers.data ...``):

* ``list``: the tables and their series;
* ``validate``: load every table, check the manifest's sha256;
* ``add FILE [--vintage V] [--force]``: add an NBS database export (分省年度数据,
  CSV, XLS or XLSX, Chinese or English) as a new table; see :mod:`helpers.nbs_export`;
* ``add FILE --indicator NAME --unit UNIT [--vintage V] [--source TEXT]``: add any wide table
  (regions down, years across, no NBS header lines);
* ``remove NAME``: remove a table added with ``add`` (also one whose file was deleted).

Errors are one line, ``error: <file>: line N, column C (year): <problem>``, exit status 2.

Loading a table checks its sha256 against the manifest (cached on path, size and mtime), so an
edited or damaged table fails with a message naming it. Opt out for a session with
:func:`trust_files` or ``BOOK_SKIP_HASH_CHECK=1`` (``0``/``1`` only; anything else is an error).
"""
from __future__ import annotations

import argparse
import functools
import inspect
import os
import sys
from pathlib import Path

import pandas as pd

from . import paths, provinces, schema
from .manifest import ManifestError, read_manifest, sha256_file


class UnknownTableError(KeyError):
    def __str__(self) -> str:
        return self.args[0]


class DataIntegrityError(schema.DataValidationError):
    """A table in ``data/`` does not match its manifest entry (sha256), or is missing."""


_TRUST = False


def trust_files(on: bool = True) -> None:
    """Skip the sha256 check of tables on load for the rest of this session (``on=False`` restores it)."""
    global _TRUST
    _TRUST = bool(on)


def _skip_hash_check() -> bool:
    env = os.environ.get("BOOK_SKIP_HASH_CHECK", "")
    if env not in ("", "0", "1"):
        raise ValueError(f"environment variable BOOK_SKIP_HASH_CHECK={env!r}: use 1 (skip the sha256 check of "
                         f"data/ tables) or 0")
    return _TRUST or env == "1"


@functools.lru_cache(maxsize=256)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(Path(path))


@functools.lru_cache(maxsize=4)
def _manifest_cached(path: str, size: int, mtime_ns: int) -> dict:
    return read_manifest(Path(path).parent)


def manifest(data_dir: Path | None = None) -> dict:
    """The Frictionless data package (``data/datapackage.json``) as a dict."""
    p = (Path(data_dir) if data_dir else paths.DATA) / "datapackage.json"
    if not p.exists():
        raise FileNotFoundError(f"{p} not found: run `make data` (needs ../shared/sources)")
    st = p.stat()
    return _manifest_cached(str(p), st.st_size, st.st_mtime_ns)


def fingerprint(data_dir: Path | None = None) -> tuple:
    """What identifies the current contents of ``data/``: path, size and mtime of the manifest
    and of every table it lists. Results cached with :func:`cached_on_data` are recomputed as
    soon as any of them changes (a rebuilt table, a reader's ``add``)."""
    base = Path(data_dir) if data_dir else paths.DATA
    m = base / "datapackage.json"
    files = [m] + [base / r["path"] for r in manifest(data_dir)["resources"]]
    out = []
    for f in files:
        try:
            st = f.stat()
            out.append((str(f), st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append((str(f), None, None))
    return tuple(out)


def _copy(value):
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def cached_on_data(fn):
    """Memoise a function of ``data/`` (keyword ``data_dir``) on its arguments and :func:`fingerprint`.

    Callers get a copy of the cached frame/dict, so they may modify it freely. The chapters call
    the same look-ups (exchange rates, coverage counts) many times; this keeps each at one
    computation per process while ``data/`` is unchanged.
    """
    store: dict = {}
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        try:
            key = (tuple(bound.arguments.items()), fingerprint(bound.arguments.get("data_dir")))
            hash(key)
        except TypeError:  # an unhashable argument: no caching
            return fn(*args, **kwargs)
        if key not in store:
            if len(store) > 256:
                store.clear()
            store[key] = fn(*args, **kwargs)
        return _copy(store[key])

    wrapper.cache_clear = store.clear
    return wrapper


def tables(data_dir: Path | None = None) -> list[str]:
    """Names of the tidy tables (exclusions not included)."""
    return [r["name"] for r in manifest(data_dir)["resources"] if "x_series" in r]


def resource(name: str, data_dir: Path | None = None) -> dict:
    for r in manifest(data_dir)["resources"]:
        if r["name"] == name:
            return r
    raise UnknownTableError(f"no table {name!r} in data/; known tables: {tables(data_dir)}")


def sources(data_dir: Path | None = None) -> pd.DataFrame:
    """One row per source: id, title, publisher, table, address, vintage, trust, secondary."""
    rows = manifest(data_dir)["sources"]
    df = pd.DataFrame(rows)
    return df.rename(columns={"name": "source_id", "path": "address"})


def series_catalogue(data_dir: Path | None = None) -> pd.DataFrame:
    """Every (table, series, source, vintage) with unit and description, from the manifest."""
    out = []
    for r in manifest(data_dir)["resources"]:
        for s in r.get("x_series", []):
            out.append({"table": r["name"], **s})
    return pd.DataFrame(out)


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float, name: str, series: frozenset, srcs: frozenset,
                 units: frozenset) -> pd.DataFrame:
    """Read and validate a table once per (file, manifest entry): schema, declared series and
    sources, at least one row, and each (series, source, vintage) in the unit the manifest declares."""
    df = schema.read_csv(Path(path))
    if df.empty:
        raise schema.DataValidationError(f"{path}: has no rows (header only)")
    df = schema.validate(df, f"data/{name}.csv", set(series), set(srcs))
    declared = dict(units)
    bad = [k for k, u in df.groupby(["series", "source_id", "vintage"])["unit"].unique().items()
           if list(u) != [declared.get(k)]]
    if bad:
        raise schema.DataValidationError(f"{path}: unit(s) differ from those declared in data/datapackage.json "
                                         f"for {bad[:3]}")
    return df


def _missing(r: dict) -> str:
    fix = (f"remove the entry with `python -m helpers.data remove {r['name']}`" if r.get("x_origin") == "reader-import"
           else "rebuild data/ with `python -m tools.build` or `git checkout data/`")
    return f"data/datapackage.json lists table {r['name']!r} but data/{r['path']} is missing; {fix}"


def load(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """Load one tidy table by name, checked against the manifest's sha256 (unless :func:`trust_files`)
    and validated (columns, types, units as declared, codes, unique keys, at least one row)."""
    r = resource(name, data_dir)
    path = (Path(data_dir) if data_dir else paths.DATA) / r["path"]
    if not path.exists():
        raise DataIntegrityError(_missing(r))
    st = path.stat()
    if not _skip_hash_check() and "sha256:" + _sha256_cached(str(path), st.st_size, st.st_mtime_ns) != r.get("hash"):
        raise DataIntegrityError(
            f"{path}: does not match the sha256 recorded in data/datapackage.json (edited or damaged since it was "
            f"written); restore it (`git checkout data/{r['path']}`, `python -m tools.build`, or add the file "
            f"again), or skip the check for this session with data.trust_files() or BOOK_SKIP_HASH_CHECK=1")
    declared = frozenset(s["series"] for s in r["x_series"])
    srcs = frozenset(s["name"] for s in r.get("sources", []))
    units = frozenset(((s["series"], s["source_id"], s["vintage"]), s["unit"]) for s in r["x_series"])
    return _load_cached(str(path), st.st_mtime_ns, name, declared, srcs, units).copy()


def load_all(data_dir: Path | None = None) -> pd.DataFrame:
    """All tidy tables stacked, with a ``table`` column."""
    frames = []
    for name in tables(data_dir):
        df = load(name, data_dir)
        df.insert(0, "table", name)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def exclusions(data_dir: Path | None = None) -> pd.DataFrame:
    """Published cells the build left out, with the reason."""
    p = (Path(data_dir) if data_dir else paths.DATA) / "exclusions.csv"
    return pd.read_csv(p, dtype={"geo_code": str, "value_as_published": str}, keep_default_na=False)


@cached_on_data
def _series_all(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    frames = []
    for r in manifest(data_dir)["resources"]:
        if any(s["series"] == name for s in r.get("x_series", [])):
            df = load(r["name"], data_dir)
            df = df[df["series"] == name]
            df.insert(0, "table", r["name"])
            frames.append(df)
    if not frames:
        raise UnknownTableError(f"no table in data/ has series {name!r}")
    return pd.concat(frames, ignore_index=True)


def secondary_sources(data_dir: Path | None = None) -> set[str]:
    """Ids of the sources the manifest marks secondary (mirrors, compilations, news points)."""
    return {s["name"] for s in manifest(data_dir).get("sources", []) if s.get("secondary")}


def series(name: str, *, source_id: str | None = None, vintage: str | None = None,
           geo: str | list[str] | None = None, annual: bool = True, level: str | None = None,
           official_only: bool = False, missing_ok: bool = False,
           data_dir: Path | None = None) -> pd.DataFrame:
    """All observations of one series, from every table that has it.

    Filter by ``source_id``, ``vintage`` or province(s) (any name or code); ``level``
    ``"provincial"`` or ``"national"`` keeps those rows only; ``official_only`` leaves out the
    sources the manifest marks secondary. With ``annual=True`` (default) quarterly rows are left
    out. A series no table has raises :class:`UnknownTableError`, or gives an empty frame with
    the usual columns if ``missing_ok``. A reader-added NBS export of the same series appears
    here automatically, with its own ``source_id`` and ``vintage``.
    """
    if level not in (None, "provincial", "national"):
        raise ValueError(f"level must be 'provincial', 'national' or None, not {level!r}")
    try:
        df = _series_all(name, data_dir=data_dir)
    except UnknownTableError:
        if not missing_ok:
            raise
        return pd.DataFrame(columns=["table"] + schema.COLUMNS)
    if source_id is not None:
        df = df[df["source_id"] == source_id]
    if vintage is not None:
        df = df[df["vintage"] == vintage]
    if geo is not None:
        geos = [geo] if isinstance(geo, str) else list(geo)
        codes = [provinces.code_of(g, allow_national=True) for g in geos]
        df = df[df["geo_code"].isin(codes)]
    if level is not None:
        df = df[(df["geo_code"] == provinces.NATIONAL_CODE) == (level == "national")]
    if official_only:
        df = df[~df["source_id"].isin(secondary_sources(data_dir))]
    if annual:
        df = df[df["quarter"].isna()]
    return df.reset_index(drop=True)


def coverage(series_name: str | None = None, *, table: str | None = None, provincial: bool = True,
             data_dir: Path | None = None) -> pd.DataFrame:
    """Province x year x series grid with ``present`` True/False.

    The grid spans all 31 provinces and every year from the series' first to last year,
    so gaps show as ``present == False`` rows. One row per (series, source_id, vintage,
    geo_code, year).
    """
    if table is not None:
        df = load(table, data_dir)
        if series_name is not None:
            df = df[df["series"] == series_name]
    elif series_name is not None:
        df = series(series_name, data_dir=data_dir)
    else:
        df = load_all(data_dir)
    df = df[df["quarter"].isna()]
    if provincial:
        df = df[df["geo_code"] != provinces.NATIONAL_CODE]
    out = []
    for (s, src, vin), g in df.groupby(["series", "source_id", "vintage"], sort=True):
        years = range(int(g["year"].min()), int(g["year"].max()) + 1)
        geos = provinces.CODES if provincial else sorted(g["geo_code"].unique())
        grid = pd.MultiIndex.from_product([geos, years], names=["geo_code", "year"]).to_frame(index=False)
        have = set(zip(g["geo_code"], g["year"]))
        grid["present"] = [(c, y) in have for c, y in zip(grid["geo_code"], grid["year"])]
        grid.insert(0, "vintage", vin)
        grid.insert(0, "source_id", src)
        grid.insert(0, "series", s)
        out.append(grid)
    if not out:
        return pd.DataFrame(columns=["series", "source_id", "vintage", "geo_code", "year", "present"])
    return pd.concat(out, ignore_index=True)


def verify_hashes(data_dir: Path | None = None) -> list[str]:
    """Resources whose file no longer matches the sha256 in the manifest (empty list = all good)."""
    base = Path(data_dir) if data_dir else paths.DATA
    bad = []
    for r in manifest(data_dir)["resources"]:
        p = base / r["path"]
        if not p.exists() or "sha256:" + sha256_file(p) != r.get("hash"):
            bad.append(r["path"])
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.data", description="Tidy data in data/")
    sub = ap.add_subparsers(dest="cmd", required=True)
    cmds = {"list": sub.add_parser("list", help="tables and their series"),
            "validate": sub.add_parser("validate", help="load every table and check sha256")}
    add = cmds["add"] = sub.add_parser("add", help="add an NBS database export (分省年度数据) or a wide table "
                                                   "(regions down, years across) as a new table")
    add.add_argument("file", help="the .csv/.txt/.xls/.xlsx file")
    add.add_argument("--indicator", help="indicator name, for a file without NBS header lines (or to override them)")
    add.add_argument("--unit", help="unit, e.g. 亿元 or '100 million yuan' (with --indicator)")
    add.add_argument("--vintage", help="label for this release (default: from the file's footnotes and date)")
    add.add_argument("--source", help="who published the numbers and where, e.g. 'NBS, 中国统计年鉴2024, 表3-9'")
    add.add_argument("--force", action="store_true", help="replace a table added earlier under the same name")
    rm = cmds["remove"] = sub.add_parser("remove", help="remove a table added with `add`")
    rm.add_argument("name", help="table name, as `list` shows it")
    for p in cmds.values():
        p.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    d = Path(args.data_dir) if args.data_dir else None

    from . import nbs_export
    try:
        return _run(args, d, nbs_export)
    except (nbs_export.NBSExportError, schema.DataValidationError, ManifestError, UnknownTableError,
            FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


def _run(args, d, nbs_export) -> int:
    if args.cmd == "list":
        cat = series_catalogue(d)
        for t, g in cat.groupby("table"):
            print(t)
            for _, s in g.iterrows():
                print(f"  {s['series']:<36} {s['unit']:<8} {s['source_id']}  [{s['vintage']}]")
        return 0
    if args.cmd == "validate":
        bad = []
        for r in manifest(d)["resources"]:
            if "x_series" not in r:
                continue
            try:
                df = load(r["name"], d)
                print(f"ok  {r['name']}: {len(df)} rows")
            except schema.DataValidationError as exc:
                bad.append(str(exc))
        bad += [f"{p}: sha256 mismatch" for p in verify_hashes(d)
                if (Path(d) if d else paths.DATA).joinpath(p).exists() and not any(p in b for b in bad)]
        for b in bad:
            print(f"error: {b}", file=sys.stderr)
        return 1 if bad else 0
    if args.cmd == "remove":
        nbs_export.remove(args.name, data_dir=d)
        print(f"removed data/{args.name}.csv and its manifest entry")
        return 0
    if args.cmd == "add":
        if args.unit and not args.indicator:
            raise ValueError("--unit needs --indicator (the indicator the numbers measure)")
        name = nbs_export.add(Path(args.file), vintage=args.vintage, force=args.force, data_dir=d,
                              indicator=args.indicator, unit=args.unit, source=args.source)
        print(f"added data/{name}.csv; the book's chapters will use it on their next run")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
