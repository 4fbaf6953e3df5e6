"""Provincial customs trade totals (NBS 分省年度数据, A060101 and A060201), 2016-2024.

Raw: ``trade/142857110823__chlorpyrifos-mobile-detector/A0601*.csv`` (see that folder's
PROVENANCE). The files have no unit column; the NBS indicator is in 千美元
(thousand USD). Totals only: exports and imports are not separate.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import provinces
from .core import SeriesInfo, Source, SourceFormatError, Table, require

FOLDER = "trade/142857110823__chlorpyrifos-mobile-detector"
VINTAGE = "NBS database, retrieved 2026-04"

SPECS = {
    "A060101": ("trade_total_by_location", "经营单位所在地进出口总额",
                "Total trade (exports + imports) by location of operating units "
                "(经营单位所在地进出口总额): the firm that declared the goods."),
    "A060201": ("trade_total_by_destination_source", "境内目的地和货源地进出口总额",
                "Total trade by domestic destination/source of goods (境内目的地和货源地进出口总额): "
                "where exports were produced and imports were used."),
}

EXPECTED_COLUMNS = ["requested_code", "indicator_code", "indicator_name", "region_code",
                    "region_name", "year", "value", "display_value", "has_data"]


def source(code: str) -> Source:
    series, zh, desc = SPECS[code]
    return Source(
        id=f"nbs_fsnd_{code}",
        title=f"{zh} / {desc.split(' (')[0]}, by province",
        publisher="National Bureau of Statistics of China (data from the General Administration of Customs)",
        table=f"NBS database 分省年度数据 (fsnd), indicator {code}, 千美元",
        address="https://data.stats.gov.cn/easyquery.htm?cn=E0103",
        raw_files=[f"{FOLDER}/{code}.csv"],
        vintage=VINTAGE,
        licence="Official statistics (NBS); cite the National Bureau of Statistics.",
        trust="MEDIUM-HIGH",
        via="GitHub 142857110823/chlorpyrifos-mobile-detector @487f3364 (scrape of the NBS easyquery interface)",
        notes=("Totals only, no exports/imports split. 2021-2023 values rounded to 10 million USD; "
               "2021 and 2022 provincial sums about 0.9% below the national totals."),
    )


def read(path: Path, code: str) -> pd.DataFrame:
    raw = pd.read_csv(require(path), dtype={"region_code": str}, encoding="utf-8-sig")
    if list(raw.columns) != EXPECTED_COLUMNS:
        raise SourceFormatError(f"{path}: columns {list(raw.columns)}, expected {EXPECTED_COLUMNS}")
    wrong = raw[raw["indicator_code"] != code]
    if len(wrong):
        raise SourceFormatError(f"{path}: line {wrong.index[0] + 2} has indicator {wrong.iloc[0]['indicator_code']}, "
                                f"expected {code}")
    raw = raw[raw["has_data"].astype(str) == "True"]
    out = pd.DataFrame({
        "geo_code": [provinces.code_of(n, context=f"{path.name} line {i + 2}")
                     for i, n in zip(raw.index, raw["region_name"])],
        "year": raw["year"].astype(int),
        "quarter": pd.NA,
        "series": SPECS[code][0],
        "value": raw["value"].astype(float),
        "unit": "千美元",
        "source_id": f"nbs_fsnd_{code}",
        "vintage": VINTAGE,
    })
    mismatch = out["geo_code"] != raw["region_code"].values
    if mismatch.any():
        i = mismatch.idxmax()
        raise SourceFormatError(f"{path}: line {i + 2}: region_code {raw.loc[i, 'region_code']} does not "
                                f"match region_name {raw.loc[i, 'region_name']}")
    return out


def build(src: Path) -> list[Table]:
    frames, sources, series = [], [], []
    for code, (name, _zh, desc) in SPECS.items():
        frames.append(read(src / FOLDER / f"{code}.csv", code))
        sources.append(source(code))
        series.append(SeriesInfo(name, "千美元", desc, f"nbs_fsnd_{code}", VINTAGE))
    return [Table(
        name="provincial_trade_totals",
        title="Customs trade totals by province, 2016-2024 (thousand USD)",
        description=("Total merchandise trade (exports + imports) of each province under the two official "
                     "allocations: by location of operating units and by domestic destination/source of goods. "
                     "Both sum to the same national total."),
        rows=pd.concat(frames, ignore_index=True),
        sources=sources,
        series=series,
    )]
