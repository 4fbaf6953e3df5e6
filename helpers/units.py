"""Unit conversions, always explicit: yuan <-> US dollars at the official annual average rate.

Example::

    to_cny_100m(955_298_007, "千美元", 2016)   # Guangdong's 2016 trade total -> 63,453.8 亿元
    convert(955_298_007, "千美元", 2016)        # the same, with the rate (6.6423) and its source

The rate
--------
The *official annual average exchange rate* (人民币汇率(年平均价)) comes from ``data/``, never
from a constant typed into a chapter. For each year :func:`fx_rates` takes, in order:

1. NBS, series ``fx_cny_per_100usd`` (yuan per 100 USD, divided by 100), the latest scrape of
   the NBS database first (``nbs_hgnd_fx_2023``, 2010-2022), then the older one
   (``nbs_hgnd_fx_2018``, 1985-2014); the two scrapes agree exactly where they overlap;
2. World Bank WDI ``PA.NUS.FCRF`` (series ``fx_cny_per_usd``, yuan per USD, period average),
   which continues the NBS series after 2022 (and before 1985).

NBS and WDI differ by at most about 0.011 yuan per dollar (0.16 %, in 2022): NBS averages
the central parity, WDI (IMF) averages market rates.

The series ``fx_cny_per_usd_derived`` (an average of monthly closing rates computed by a
data collector, LOW-MEDIUM trust) and any source the manifest marks ``secondary`` are
**never** used for a conversion; :func:`fx_comparison` shows the derived rate beside the
official ones only when asked (``include_derived=True``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import data, schema

#: 万美元 (10,000 US dollars) in one 亿美元 (100 million US dollars): divide a 万美元 amount by it.
USD_10K_PER_100M = schema.TO_USD["亿美元"] / schema.TO_USD["万美元"]

#: Official annual-average rate series, in order of preference, with the factor to yuan per USD.
FX_SERIES = [
    ("fx_cny_per_100usd", 0.01),   # NBS, 元/100美元
    ("fx_cny_per_usd", 1.0),       # World Bank WDI PA.NUS.FCRF, 元/美元
]
#: Series that look like exchange rates but must never be used to convert.
FX_NOT_FOR_CONVERSION = ("fx_cny_per_usd_derived",)
#: Official rates known only from a secondary copy (the NBS 2025 communique rate via a news report):
#: used only when asked (``include_secondary=True``) and only for years without an official rate.
FX_SECONDARY = ("fx_cny_per_usd_secondary",)
#: Units that are exchange rates (a value in one of these cannot be converted to 亿元).
RATE_UNITS = ("元/美元", "元/100美元", "元/100单位外币")


class ConversionError(ValueError):
    """A value cannot be converted: unit not a currency, or no official rate for the year."""


@dataclass(frozen=True)
class Conversion:
    """One conversion with everything a reader needs to repeat it by hand."""

    value: float            # as published
    unit: str               # as published (千美元, 亿美元, 万元 ...)
    year: int
    cny_per_usd: float | None   # None when no exchange rate was needed (a yuan unit)
    rate_source_id: str | None  # source_id of the rate in data/
    rate_publisher: str | None
    rate_vintage: str | None
    usd: float | None       # the value in US dollars (None for a yuan unit)
    cny_100m: float         # the result, 亿元

    def formula(self) -> str:
        v = f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,}"
        if self.cny_per_usd is None:
            return f"{v} {self.unit} = {self.cny_100m:,.2f} 亿元"
        return (f"{v} {self.unit} = {self.usd:,.0f} USD; "
                f"× {self.cny_per_usd:.4f} yuan/USD ({self.rate_source_id}) "
                f"= {self.usd * self.cny_per_usd:,.0f} yuan = {self.cny_100m:,.2f} 亿元")


def _fx_frames(data_dir: Path | None, include_derived: bool = False,
               include_secondary: bool = False) -> list[pd.DataFrame]:
    secondary = data.secondary_sources(data_dir)
    frames = []
    names = (list(FX_SERIES) + ([(n, 1.0) for n in FX_SECONDARY] if include_secondary else [])
             + ([(n, 1.0) for n in FX_NOT_FOR_CONVERSION] if include_derived else []))
    for rank, (name, factor) in enumerate(names):
        try:
            s = data.series(name, geo="000000", data_dir=data_dir)
        except data.UnknownTableError:
            continue
        official = name not in FX_NOT_FOR_CONVERSION and name not in FX_SECONDARY
        if official:
            s = s[~s["source_id"].isin(secondary)]
        if s.empty:
            continue
        frames.append(pd.DataFrame({
            "year": s["year"].astype(int), "cny_per_usd": s["value"] * factor,
            "series": name, "source_id": s["source_id"], "vintage": s["vintage"],
            "official": official, "_rank": rank,
        }))
    return frames


@data.cached_on_data
def fx_rates(data_dir: Path | None = None, include_secondary: bool = False) -> pd.DataFrame:
    """Official annual average yuan per US dollar by year, with the source used for each year.

    Columns: ``year, cny_per_usd, source_id, vintage``. NBS first (latest scrape first), WDI
    where NBS has no value; :func:`fx_comparison` shows every source side by side.
    Never contains the derived monthly-average rate; a secondary copy of an official rate
    (:data:`FX_SECONDARY`) only with ``include_secondary=True`` and only for years no official
    source covers (``source_id`` then names the secondary copy).
    """
    frames = _fx_frames(data_dir, include_secondary=include_secondary)
    if not frames:
        raise ConversionError("no official exchange-rate series in data/ "
                              "(need fx_cny_per_100usd from NBS or fx_cny_per_usd from WDI)")
    df = pd.concat(frames, ignore_index=True)
    # within one series, prefer the latest source (nbs_hgnd_fx_2023 before nbs_hgnd_fx_2018)
    df = df.sort_values(["year", "_rank", "source_id"], ascending=[True, True, False], kind="mergesort")
    df = df.drop_duplicates("year").reset_index(drop=True)
    return df[["year", "cny_per_usd", "source_id", "vintage"]]


def fx_comparison(data_dir: Path | None = None, include_derived: bool = False) -> pd.DataFrame:
    """Every annual-average rate series side by side (yuan per USD), one column per source_id.

    Adds ``used`` (the value :func:`fx_rates` uses) and ``used_source``. With
    ``include_derived=True`` the derived monthly-average rate appears as a column for
    comparison; it is never the ``used`` value.
    """
    frames = _fx_frames(data_dir, include_derived=include_derived)
    if not frames:
        raise ConversionError("no exchange-rate series in data/")
    df = pd.concat(frames, ignore_index=True)
    wide = df.pivot_table(index="year", columns="source_id", values="cny_per_usd", aggfunc="first")
    order = list(dict.fromkeys(df.sort_values(["_rank", "source_id"], ascending=[True, False])["source_id"]))
    wide = wide[order].reset_index()
    wide.columns.name = None
    used = fx_rates(data_dir).rename(columns={"cny_per_usd": "used", "source_id": "used_source"})
    return wide.merge(used[["year", "used", "used_source"]], on="year", how="left")


def rate(year: int, data_dir: Path | None = None, include_secondary: bool = False) -> float:
    """The official annual average yuan per US dollar for ``year`` (ConversionError if none)."""
    return rate_info(year, data_dir, include_secondary)["cny_per_usd"]


@data.cached_on_data
def rate_info(year: int, data_dir: Path | None = None, include_secondary: bool = False) -> dict:
    """``{'year', 'cny_per_usd', 'source_id', 'vintage', 'publisher', 'title'}`` for ``year``."""
    r = fx_rates(data_dir, include_secondary)
    hit = r[r["year"] == int(year)]
    if hit.empty:
        raise ConversionError(
            f"no official annual average exchange rate for {year} in data/ "
            f"(official rates cover {int(r['year'].min())}-{int(r['year'].max())}; "
            f"the derived monthly-average rate is never used)")
    row = hit.iloc[0]
    src = data.sources(data_dir).set_index("source_id")
    meta = src.loc[row["source_id"]] if row["source_id"] in src.index else {}
    return {"year": int(year), "cny_per_usd": float(row["cny_per_usd"]), "source_id": row["source_id"],
            "vintage": row["vintage"], "publisher": meta.get("publisher", ""), "title": meta.get("title", "")}


def _check_unit(unit: str) -> None:
    if unit in schema.TO_CNY or unit in schema.TO_USD:
        return
    kind = "an exchange rate" if unit in RATE_UNITS else "not a currency amount"
    raise ConversionError(
        f"cannot convert unit {unit!r} ({schema.UNITS.get(unit, 'unknown unit')}): {kind}; "
        f"yuan units: {list(schema.TO_CNY)}, US-dollar units: {list(schema.TO_USD)}")


def to_usd(value: float, unit: str) -> float:
    """A US-dollar amount in any dollar unit (千美元, 亿美元 ...) as US dollars."""
    if unit not in schema.TO_USD:
        _check_unit(unit)
        raise ConversionError(f"{unit!r} is a yuan unit, not a US-dollar unit ({list(schema.TO_USD)}); "
                              "use to_usd_from_cny")
    return value * schema.TO_USD[unit]


def to_cny(value: float, unit: str) -> float:
    """A yuan amount in any yuan unit (亿元, 万元, 元) as yuan."""
    if unit not in schema.TO_CNY:
        _check_unit(unit)
        raise ConversionError(f"{unit!r} is a US-dollar unit, not a yuan unit ({list(schema.TO_CNY)}); "
                              "use to_cny_100m with a year")
    return value * schema.TO_CNY[unit]


def convert(value: float, unit: str, year: int, data_dir: Path | None = None) -> Conversion:
    """Convert ``value`` in ``unit`` to 亿元; dollars at ``year``'s official annual average rate."""
    _check_unit(unit)
    if unit in schema.TO_CNY:
        return Conversion(value, unit, int(year), None, None, None, None, None, to_cny(value, unit) / 1e8)
    info = rate_info(year, data_dir)
    usd = to_usd(value, unit)
    return Conversion(value, unit, int(year), info["cny_per_usd"], info["source_id"], info["publisher"],
                      info["vintage"], usd, usd * info["cny_per_usd"] / 1e8)


def to_cny_100m(value: float, unit: str, year: int, data_dir: Path | None = None) -> float:
    """Convert a value in any yuan or US-dollar unit to 亿元, dollars at the year's official average rate."""
    return convert(value, unit, year, data_dir).cny_100m


def to_usd_100m(value: float, unit: str, year: int, data_dir: Path | None = None,
                include_secondary: bool = False) -> float:
    """Convert a value in any yuan or US-dollar unit to 亿美元, yuan at the year's official average rate
    (with ``include_secondary=True``, a secondary copy of the official rate where no official source has it)."""
    _check_unit(unit)
    if unit in schema.TO_USD:
        return to_usd(value, unit) / 1e8
    return to_cny(value, unit) / rate(year, data_dir, include_secondary) / 1e8


def frame_to_cny_100m(df: pd.DataFrame, data_dir: Path | None = None, *, missing: str = "drop") -> pd.DataFrame:
    """Return a tidy frame with ``value`` converted to 亿元 (row by row, by year); unit set to 亿元.

    Rows in a non-currency unit raise :class:`ConversionError`. Dollar rows whose year has no
    official rate are dropped (``missing="drop"``, the years listed in
    ``df.attrs['no_rate_years']``: a gap stays a gap) or raise (``missing="raise"``).
    Quarterly rows are converted at the annual average rate of their year.
    """
    if missing not in ("drop", "raise"):
        raise ValueError("missing must be 'drop' or 'raise'")
    bad = sorted(u for u in set(df["unit"]) if u not in schema.TO_CNY and u not in schema.TO_USD)
    if bad:
        raise ConversionError(f"cannot convert units {bad} to 亿元 (not currency amounts)")
    rates = fx_rates(data_dir).set_index("year")["cny_per_usd"]
    out = df.copy()
    factor = out["unit"].map(schema.TO_CNY)
    usd = out["unit"].map(schema.TO_USD)
    fx = out["year"].astype(int).map(rates)
    conv = factor.where(factor.notna(), usd * fx) / 1e8
    no_rate = sorted(int(y) for y in set(out.loc[conv.isna(), "year"]))
    if no_rate and missing == "raise":
        raise ConversionError(f"no official annual average exchange rate for year(s) {no_rate} in data/")
    out["value"] = out["value"] * conv
    out["unit"] = "亿元"
    out = out[conv.notna()].copy()
    out.attrs["no_rate_years"] = no_rate
    return out


def frame_usd(df: pd.DataFrame) -> pd.Series:
    """The ``value`` column of a tidy frame in US dollars; any row not in a dollar unit is an error."""
    bad = sorted(set(df["unit"]) - set(schema.TO_USD))
    if bad:
        where = sorted(set(df.loc[~df["unit"].isin(schema.TO_USD), "table"])) if "table" in df else []
        raise ConversionError(f"expected US-dollar units, got {bad}" + (f" in table(s) {where}" if where else ""))
    return df["value"] * df["unit"].map(schema.TO_USD)


#: The one year-end population used for every per-head figure (万人): NBS, revised after the 7th
#: census, 2000-2020, 31 provinces. One vintage, never spliced; no population after 2020, so no per head.
POPULATION_SOURCE = "nbs_fsnd_population_2021"


def yuan_per_head(value_100m_cny, population_10k):
    """Yuan per person from an amount in 亿元 and a population in 万人 (scalars or Series)."""
    return value_100m_cny * 1e8 / (population_10k * 1e4)


@data.cached_on_data
def population(data_dir: Path | None = None) -> pd.DataFrame:
    """Year-end population (万人), ``geo_code, year, population_10k``, vintage :data:`POPULATION_SOURCE` only."""
    p = data.series("population_year_end", level="provincial", source_id=POPULATION_SOURCE, data_dir=data_dir)
    return p[["geo_code", "year", "value"]].rename(columns={"value": "population_10k"}).reset_index(drop=True)
