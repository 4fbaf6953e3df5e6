"""Building blocks for the builders that turn ``../shared/sources`` into ``data/``.

A builder module (``tools/build/<topic>.py``) defines ``build(src: Path) -> list[Table]``.
Each :class:`Table` carries its tidy rows, the :class:`Source` records behind them, a
description of every series, and the rows it deliberately left out (:class:`Exclusion`)
with the reason. :func:`tools.build.run` writes them all and the manifest.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from helpers import schema
from helpers.manifest import Exclusion, SeriesInfo, Source, Table, sha256_file  # noqa: F401


class SourceFormatError(ValueError):
    """A raw file does not look the way its PROVENANCE note says (names file and place)."""


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


def file_key(path: Path) -> tuple[str, int, int]:
    """A raw file's identity for the per-process read caches: its real path (a symlinked mirror of
    ../shared/sources, as the tests make, is the same file), size and modification time."""
    real = Path(path).resolve()
    st = real.stat()
    return str(real), st.st_size, st.st_mtime_ns


@functools.lru_cache(maxsize=4)
def _workbook(path: str, size: int, mtime_ns: int):
    import openpyxl
    return openpyxl.load_workbook(path, read_only=False, data_only=True)


def workbook(path: Path):
    """An .xlsx opened once per process for every builder that reads it (the SAFE workbook is read
    for the balance of payments and again for its services detail); read it, never change it."""
    return _workbook(*file_key(path))


#: Columns of the yearbook page transcriptions (``*.csv`` beside the page text in ../shared/sources).
PAGE_CSV_COLUMNS = ["province", "year", "series", "value", "unit", "source_url"]


def page_csv(path: Path, label: str | None = None) -> pd.DataFrame:
    """A yearbook page transcription, every cell as text, its columns checked (``label`` names
    the file in errors; default its path)."""
    raw = pd.read_csv(require(path), dtype=str, keep_default_na=False)
    if list(raw.columns) != PAGE_CSV_COLUMNS:
        raise SourceFormatError(f"{label or path}: columns {list(raw.columns)}, expected {PAGE_CSV_COLUMNS}")
    return raw
