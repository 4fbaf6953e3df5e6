"""The tidy format every table in ``data/`` follows, its units, and its validation.

One row per observation::

    geo_code  year  quarter  series  value  unit  source_id  vintage

* ``geo_code``: 6-digit province code, or ``000000`` for China as a whole;
* ``year``: calendar year of the data (not of the publication);
* ``quarter``: 1-4 for quarterly data, empty for annual data;
* ``series``: a snake_case series name (see :mod:`helpers.series`);
* ``value``: the number as published (units not converted unless the series says so);
* ``unit``: the unit symbol as published (``亿元``, ``千美元`` ...; see :data:`UNITS`);
* ``source_id``: the source in the manifest the number comes from;
* ``vintage``: which release/revision the number belongs to.

A missing cell is a missing row: nothing is interpolated or filled.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from . import provinces

COLUMNS = ["geo_code", "year", "quarter", "series", "value", "unit", "source_id", "vintage"]
KEY = ["geo_code", "year", "quarter", "series", "source_id", "vintage"]

#: unit symbol -> English meaning
UNITS: dict[str, str] = {
    "亿元": "100 million yuan (CNY), current prices",
    "万元": "10,000 yuan (CNY), current prices",
    "元": "yuan (CNY)",
    "千美元": "thousand US dollars",
    "万美元": "10,000 US dollars",
    "百万美元": "million US dollars",
    "亿美元": "100 million US dollars",
    "十亿美元": "billion US dollars (10^9; SAFE and news texts' 'USD ... billion')",
    "万亿美元": "trillion US dollars (10^12)",
    "十亿元": "billion yuan (10^9 CNY; SAFE texts' 'RMB ... billion')",
    "万亿元": "trillion yuan (10^12 CNY)",
    "美元": "US dollars",
    "亿SDR": "100 million special drawing rights",
    "万人": "10,000 persons",
    "人": "persons",
    "%": "percent",
    "‰": "per mille",
    "元/美元": "yuan per US dollar (annual average)",
    "元/100美元": "yuan per 100 US dollars (annual average)",
    "元/100单位外币": "yuan per 100 units of foreign currency (annual average)",
    "指数": "index (base stated in the series description)",
}

#: Multipliers to a common base, for conversions between units of the same kind.
TO_CNY = {"万亿元": 1e12, "十亿元": 1e9, "亿元": 1e8, "万元": 1e4, "元": 1.0}
TO_USD = {"千美元": 1e3, "万美元": 1e4, "百万美元": 1e6, "亿美元": 1e8, "十亿美元": 1e9, "万亿美元": 1e12,
          "美元": 1.0}


class DataValidationError(ValueError):
    """A table in ``data/`` (or an input for it) breaks the tidy format.

    The message names the file, the column and the offending rows.
    """


def _where(df: pd.DataFrame, mask, limit: int = 5) -> str:
    rows = df[mask].head(limit)
    lines = []
    for idx, r in rows.iterrows():
        lines.append(f"  row {idx + 2}: " + ", ".join(f"{c}={r[c]!r}" for c in COLUMNS if c in r))
    more = int(mask.sum()) - len(rows)
    if more > 0:
        lines.append(f"  ... and {more} more")
    return "\n".join(lines)


def validate(df: pd.DataFrame, name: str = "<table>", known_series: set[str] | None = None,
             known_sources: set[str] | None = None) -> pd.DataFrame:
    """Check a tidy table and return it with canonical dtypes.

    Raises :class:`DataValidationError` naming ``name`` (file), column and rows.
    Row numbers are 1-based CSV lines (header = line 1).
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataValidationError(f"{name}: missing column(s) {missing}; expected {COLUMNS}")
    extra = [c for c in df.columns if c not in COLUMNS]
    if extra:
        raise DataValidationError(f"{name}: unexpected column(s) {extra}; expected {COLUMNS}")
    df = df[COLUMNS].copy().reset_index(drop=True)

    df["geo_code"] = df["geo_code"].astype(str).str.strip()
    ok_geo = df["geo_code"].isin(set(provinces.CODES) | {provinces.NATIONAL_CODE})
    if not ok_geo.all():
        raise DataValidationError(
            f"{name}: column geo_code has codes that are not one of the 31 provinces or "
            f"{provinces.NATIONAL_CODE} (national):\n{_where(df, ~ok_geo)}")

    year = pd.to_numeric(df["year"], errors="coerce")
    bad = year.isna() | (year % 1 != 0) | (year < 1900) | (year > 2100)
    if bad.any():
        raise DataValidationError(f"{name}: column year must be a whole year 1900-2100:\n{_where(df, bad)}")
    df["year"] = year.astype("int64")

    q = pd.to_numeric(df["quarter"].replace("", None), errors="coerce")
    badq = df["quarter"].notna() & (df["quarter"].astype(str).str.strip() != "") & ~q.isin([1, 2, 3, 4])
    if badq.any():
        raise DataValidationError(f"{name}: column quarter must be 1-4 or empty:\n{_where(df, badq)}")
    df["quarter"] = q.astype("Int64")

    for col in ("series", "unit", "source_id", "vintage"):
        df[col] = df[col].astype("string").str.strip()
        empty = df[col].isna() | (df[col] == "")
        if empty.any():
            raise DataValidationError(f"{name}: column {col} is empty:\n{_where(df, empty)}")

    value = pd.to_numeric(df["value"], errors="coerce")
    badv = value.isna() | ~value.map(lambda v: math.isfinite(v) if pd.notna(v) else False)
    if badv.any():
        raise DataValidationError(
            f"{name}: column value must be a finite number (a gap is a missing row, not a blank):\n"
            f"{_where(df, badv)}")
    df["value"] = value.astype("float64")

    badu = ~df["unit"].isin(UNITS)
    if badu.any():
        raise DataValidationError(
            f"{name}: column unit has unknown unit(s) {sorted(set(df.loc[badu, 'unit']))}; "
            f"known: {list(UNITS)}:\n{_where(df, badu)}")

    if known_series is not None:
        bads = ~df["series"].isin(known_series)
        if bads.any():
            raise DataValidationError(
                f"{name}: column series has series not declared in the manifest "
                f"{sorted(set(df.loc[bads, 'series']))}:\n{_where(df, bads)}")
    if known_sources is not None:
        badsrc = ~df["source_id"].isin(known_sources)
        if badsrc.any():
            raise DataValidationError(
                f"{name}: column source_id has sources not in the manifest "
                f"{sorted(set(df.loc[badsrc, 'source_id']))}:\n{_where(df, badsrc)}")

    dup = df.duplicated(KEY, keep=False)
    if dup.any():
        raise DataValidationError(
            f"{name}: duplicate key ({', '.join(KEY)}); each observation must appear once:\n"
            f"{_where(df, dup)}")
    return df


def sort(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical row order, so a rebuild writes identical bytes."""
    out = df.copy()
    out["_q"] = out["quarter"].fillna(0).astype(int)
    out = out.sort_values(["series", "source_id", "vintage", "geo_code", "year", "_q"], kind="mergesort")
    return out.drop(columns="_q").reset_index(drop=True)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a tidy table deterministically (UTF-8, LF, shortest round-trip floats)."""
    df = sort(df[COLUMNS])
    out = df.copy()
    out["quarter"] = out["quarter"].astype("Int64").astype("string").fillna("")
    out["value"] = out["value"].map(_fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _fmt(v: float) -> str:
    r = repr(float(v))
    if r.endswith(".0"):
        r = r[:-2]
    return r


def read_csv(path: Path) -> pd.DataFrame:
    """Read a tidy CSV with the types :func:`validate` expects (codes stay strings)."""
    return pd.read_csv(path, dtype={"geo_code": str, "series": str, "unit": str, "source_id": str,
                                    "vintage": str, "quarter": "string"},
                       keep_default_na=False, na_values={"value": [""]})
