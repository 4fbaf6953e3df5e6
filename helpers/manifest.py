"""The data package's records and manifest, shared by the raw-source build (``tools/build``)
and the reader's import (``python -m helpers.data add``).

A :class:`Table` carries tidy rows, the :class:`Source` records behind them, a description of
every series (:class:`SeriesInfo`) and the published cells left out on purpose
(:class:`Exclusion`). :func:`resource_json` and :func:`package_json` turn them into the
Frictionless ``datapackage.json``; :func:`sha256_file` is the one hash used everywhere.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import schema

PACKAGE_NAME = "china-provincial-trade-balances"
READER_ORIGIN = "reader-import"
EXCLUSION_COLUMNS = ["source_id", "geo_code", "year", "series", "value_as_published", "reason"]



@dataclass
class Source:
    """One origin of numbers: a table in an official publication, as held in ``../shared/sources``."""

    id: str                      # short stable id, e.g. "nbs_fsnd_A060101"
    title: str                   # what the table is, in English (and Chinese where useful)
    publisher: str               # NBS, SAFE, GACC, World Bank, Qinghai Bureau of Statistics ...
    table: str                   # edition / table number / database indicator code
    address: str                 # where the original is published (URL or database path)
    raw_files: list[str]         # paths under ../shared/sources
    vintage: str                 # release or revision the numbers belong to
    licence: str                 # licence / redistribution note
    trust: str                   # HIGH, MEDIUM-HIGH, MEDIUM, LOW-MEDIUM (from PROVENANCE)
    secondary: bool = False      # True for unofficial mirrors, news points, compilations
    via: str = ""                # the repository or mirror the copy came through
    notes: str = ""              # defects and checks worth knowing

    def to_json(self, src_root: Path | None = None) -> dict:
        d = {
            "name": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "table": self.table,
            "path": self.address,
            "vintage": self.vintage,
            "licence_note": self.licence,
            "trust": self.trust,
            "secondary": self.secondary,
            "via": self.via,
            "notes": self.notes,
            "raw_files": [],
        }
        for rel in self.raw_files:
            entry = {"path": f"../shared/sources/{rel}"}
            if src_root is not None and (src_root / rel).exists():
                entry["sha256"] = sha256_file(src_root / rel)
            d["raw_files"].append(entry)
        return d


@dataclass
class SeriesInfo:
    """What one series in a table measures."""

    series: str
    unit: str
    description: str
    source_id: str
    vintage: str
    label: str = ""


@dataclass
class Exclusion:
    """A published cell the build left out on purpose, and why (kept in data/exclusions.csv)."""

    source_id: str
    geo_code: str
    year: int
    series: str
    value_as_published: str
    reason: str


@dataclass
class Table:
    name: str                    # file stem in data/, e.g. "provincial_trade_totals"
    title: str
    description: str
    rows: pd.DataFrame           # tidy rows (schema.COLUMNS)
    sources: list[Source]
    series: list[SeriesInfo]
    exclusions: list[Exclusion] = field(default_factory=list)

    def check(self) -> pd.DataFrame:
        """Validate rows against the schema and the declared series/sources."""
        known_series = {s.series for s in self.series}
        known_sources = {s.id for s in self.sources}
        df = schema.validate(self.rows, f"data/{self.name}.csv", known_series, known_sources)
        declared = {(s.series, s.source_id, s.vintage) for s in self.series}
        present = set(map(tuple, df[["series", "source_id", "vintage"]].drop_duplicates().values))
        undeclared = present - declared
        if undeclared:
            raise schema.DataValidationError(
                f"data/{self.name}.csv: (series, source_id, vintage) not described by a SeriesInfo: "
                f"{sorted(undeclared)}")
        units = df.groupby(["series", "source_id", "vintage"])["unit"].unique()
        for key, us in units.items():
            info = next(s for s in self.series if (s.series, s.source_id, s.vintage) == key)
            if list(us) != [info.unit]:
                raise schema.DataValidationError(
                    f"data/{self.name}.csv: series {key[0]} from {key[1]} has unit(s) {list(us)}, "
                    f"declared {info.unit!r}")
        return df


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


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
            "Tidy tables built by tools/build from the raw official files in ../shared/sources "
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


class ManifestError(ValueError):
    """``datapackage.json`` cannot be read (the message names the file and the place)."""


def read_manifest(out: Path) -> dict | None:
    """The manifest in folder ``out``, or ``None`` if there is none; :class:`ManifestError` if corrupt."""
    m = Path(out) / "datapackage.json"
    if not m.exists():
        return None
    try:
        pkg = json.loads(m.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{m}: not valid UTF-8 (byte {exc.start}); restore it with "
                            f"`git checkout {m.name}` or rebuild with `python -m tools.build`") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{m}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); restore it "
                            f"with `git checkout {m.name}` or rebuild with `python -m tools.build`") from None
    if not isinstance(pkg, dict) or not isinstance(pkg.get("resources"), list):
        raise ManifestError(f"{m}: valid JSON but not a data package (no 'resources' list)")
    return pkg


def manifest_bytes(pkg: dict) -> bytes:
    """The manifest as written to ``datapackage.json`` (one layout for the build and the import)."""
    return (json.dumps(pkg, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class AtomicWrite:
    """Write several files so that they change together or not at all.

    ``with AtomicWrite() as w: tmp = w.stage(path, content)`` writes ``content`` (bytes, or a
    function that writes the given temporary path) to a temporary file beside ``path``, with the
    mode ``path`` has (or 0666 minus the umask for a new file, never the 0600 of ``mkstemp``).
    ``w.remove(path)`` deletes a file. On leaving the block without an error every staged file
    replaces its target with :func:`os.replace`, in staging order (stage the manifest last); if
    anything fails or is interrupted, before or during the replacing, the targets are put back as
    they were and the temporary files removed.
    """

    def __init__(self):
        self._staged: list[tuple[Path, Path | None]] = []   # (target, temporary file or None = delete)

    def stage(self, target: Path, content) -> Path:
        target = Path(target)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(name)
        self._staged.append((target, tmp))
        if callable(content):
            content(tmp)
        else:
            tmp.write_bytes(content)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else _default_mode())
        return tmp

    def remove(self, target: Path) -> None:
        self._staged.append((Path(target), None))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._commit()
        finally:
            for _, tmp in self._staged:
                if tmp is not None:
                    tmp.unlink(missing_ok=True)
        return False

    def _commit(self) -> None:
        backups: dict[Path, Path] = {}
        done: list[Path] = []
        try:
            for target, tmp in self._staged:
                if target.exists():
                    bak = target.with_name(f".{target.name}.{os.getpid()}.bak")
                    bak.unlink(missing_ok=True)
                    os.link(target, bak)
                    backups[target] = bak
                done.append(target)
                if tmp is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(tmp, target)
        except BaseException:
            for target in reversed(done):
                if target in backups:
                    bak = backups.pop(target)
                    os.rename(bak, target)
                    bak.unlink(missing_ok=True)  # rename() between two links of one file does nothing
                else:
                    target.unlink(missing_ok=True)
            raise
        finally:
            for bak in backups.values():
                bak.unlink(missing_ok=True)
