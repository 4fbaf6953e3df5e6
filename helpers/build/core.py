"""Building blocks for the builders that turn ``../shared/sources`` into ``data/``.

A builder module (``helpers/build/<topic>.py``) defines ``build(src: Path) -> list[Table]``.
Each :class:`Table` carries its tidy rows, the :class:`Source` records behind them, a
description of every series, and the rows it deliberately left out (:class:`Exclusion`)
with the reason. :func:`helpers.build.run` writes them all and the manifest.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import schema


class SourceFormatError(ValueError):
    """A raw file does not look the way its PROVENANCE note says (names file and place)."""


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


def rows(records: list[dict], **defaults) -> pd.DataFrame:
    """Make a tidy frame from dicts, filling constant columns from ``defaults``."""
    df = pd.DataFrame.from_records(records)
    for k, v in defaults.items():
        if k not in df.columns:
            df[k] = v
    if "quarter" not in df.columns:
        df["quarter"] = pd.NA
    return df[schema.COLUMNS]


def require(path: Path) -> Path:
    """Fail with the full path if a raw file is absent."""
    if not path.exists():
        raise FileNotFoundError(f"raw source file not found: {path}")
    return path
