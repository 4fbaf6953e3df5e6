"""Unit conversions, always explicit: yuan <-> US dollars at the official annual average rate.

>>> to_cny_100m(955_298_007, "千美元", 2016)     # Guangdong's 2016 trade total, in 亿元
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import data, schema

#: Where the official annual average rate comes from, in order of preference. NBS
#: (人民币汇率(年平均价), yuan per 100 USD) is the official Chinese series; WDI PA.NUS.FCRF
#: (yuan per USD, period average) continues it after the NBS scrape ends.
FX_SERIES = [
    ("fx_cny_per_100usd", 0.01),   # NBS, 元/100美元
    ("fx_cny_per_usd", 1.0),       # World Bank WDI PA.NUS.FCRF, 元/美元
]


class ConversionError(ValueError):
    pass


def fx_rates(data_dir: Path | None = None) -> pd.DataFrame:
    """Official annual average yuan per US dollar by year, with the source used for each year.

    Columns: year, cny_per_usd, source_id. Where NBS and WDI both have a year, NBS is used;
    :func:`fx_comparison` shows both.
    """
    frames = []
    for rank, (name, factor) in enumerate(FX_SERIES):
        try:
            s = data.series(name, geo="000000", data_dir=data_dir)
        except data.UnknownTableError:
            continue
        s = s[~s["source_id"].str.contains("derived|monthly", case=False, regex=True)]
        frames.append(pd.DataFrame({"year": s["year"], "cny_per_usd": s["value"] * factor,
                                    "source_id": s["source_id"], "_rank": rank}))
    if not frames:
        raise ConversionError("no official exchange-rate series in data/ (need fx_cny_per_100usd or fx_cny_per_usd)")
    df = pd.concat(frames).sort_values(["year", "_rank"])
    return df.drop_duplicates("year").drop(columns="_rank").reset_index(drop=True)


def fx_comparison(data_dir: Path | None = None) -> pd.DataFrame:
    """Every official annual-average rate series side by side (yuan per USD), one column per source."""
    frames = []
    for name, factor in FX_SERIES:
        try:
            s = data.series(name, geo="000000", data_dir=data_dir)
        except data.UnknownTableError:
            continue
        frames.append(s.assign(cny_per_usd=s["value"] * factor)[["year", "source_id", "cny_per_usd"]])
    df = pd.concat(frames)
    return df.pivot_table(index="year", columns="source_id", values="cny_per_usd").reset_index()


def rate(year: int, data_dir: Path | None = None) -> float:
    r = fx_rates(data_dir)
    hit = r[r["year"] == year]
    if hit.empty:
        raise ConversionError(f"no official annual average exchange rate for {year} in data/")
    return float(hit["cny_per_usd"].iloc[0])


def to_usd(value: float, unit: str) -> float:
    if unit not in schema.TO_USD:
        raise ConversionError(f"{unit!r} is not a US-dollar unit ({list(schema.TO_USD)})")
    return value * schema.TO_USD[unit]


def to_cny(value: float, unit: str) -> float:
    if unit not in schema.TO_CNY:
        raise ConversionError(f"{unit!r} is not a yuan unit ({list(schema.TO_CNY)})")
    return value * schema.TO_CNY[unit]


def to_cny_100m(value: float, unit: str, year: int, data_dir: Path | None = None) -> float:
    """Convert a value in any yuan or US-dollar unit to 亿元, dollars at the year's official average rate."""
    if unit in schema.TO_CNY:
        return to_cny(value, unit) / 1e8
    return to_usd(value, unit) * rate(year, data_dir) / 1e8


def frame_to_cny_100m(df: pd.DataFrame, data_dir: Path | None = None) -> pd.DataFrame:
    """Return a tidy frame with ``value`` converted to 亿元 (row by row, by year); unit set to 亿元.

    Rows whose year has no official rate are dropped and listed in ``df.attrs['no_rate_years']``.
    """
    rates = fx_rates(data_dir).set_index("year")["cny_per_usd"]
    out = df.copy()
    factor = out["unit"].map(lambda u: schema.TO_CNY.get(u, None))
    usd = out["unit"].map(lambda u: schema.TO_USD.get(u, None))
    if (factor.isna() & usd.isna()).any():
        bad = sorted(set(out.loc[factor.isna() & usd.isna(), "unit"]))
        raise ConversionError(f"cannot convert units {bad} to 亿元")
    fx = out["year"].map(rates)
    conv = factor.where(factor.notna(), usd * fx) / 1e8
    missing = sorted(set(out.loc[conv.isna(), "year"]))
    out["value"] = out["value"] * conv
    out["unit"] = "亿元"
    out = out[conv.notna()].copy()
    out.attrs["no_rate_years"] = missing
    return out
