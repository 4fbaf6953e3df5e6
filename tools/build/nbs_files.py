"""The NBS database exports in the sources, read with the same parser readers use.

Raw (see ``gdp/PROVENANCE.md`` sections 2-3):

* ``gdp/RenJiyi163__panel_data_analysis_for_thesis/分省年度数据.csv``: 分省年度数据, 指标
  地区生产总值(亿元), 2006-2024, GB18030, with its header lines and footnotes. Revised after
  the 5th economic census (2025 vintage), so it differs from first-published GRP.
* ``gdp/yinthan__ECON323-China-Polulation/AnnualbyProvince.csv``: English-site export of
  year-end population (万人), 2000-2020, whose header lines were cut off by the uploader;
  the indicator and unit are supplied here from the PROVENANCE note.

* ``expenditure_annual/Tobby-star__dynamic_datas/分省年度数据.csv``: 分省年度数据, 指标
  地区生产总值(亿元), 1993-2017, GB18030, as the NBS database held it at the end of 2018
  (before the revisions after the 4th and 5th economic censuses). It is the GRP vintage the
  database used beside its expenditure-approach indicators for 2014-2017 (PROVENANCE check 1),
  so it is its own table and vintage, never spliced with the other two GRP vintages.

All go through :func:`helpers.nbs_export.read_export`, so the build and
``python -m helpers.data add`` cannot drift apart.
"""
from __future__ import annotations

from pathlib import Path

from helpers import nbs_export
from .core import SeriesInfo, Source, SourceFormatError, Table, require

GRP_FILE = "gdp/RenJiyi163__panel_data_analysis_for_thesis/分省年度数据.csv"
POP_FILE = "gdp/yinthan__ECON323-China-Polulation/AnnualbyProvince.csv"

GRP_VINTAGE = "NBS database, revised after the 5th economic census (2025)"
GRP2018_FILE = "expenditure_annual/Tobby-star__dynamic_datas/分省年度数据.csv"
GRP2018_VINTAGE = "NBS database as exported 2018-12 (before the 4th and 5th economic census revisions)"
GRP2018_SOURCE = "nbs_fsnd_grp_2018"
POP_VINTAGE = "NBS database (English), revised after the 7th population census (downloaded by 2021-12)"

GRP_SOURCE = "nbs_fsnd_grp_2025"
POP_SOURCE = "nbs_fsnd_population_2021"


def _read(path: Path, expect_series: str, expect_unit: str, years: tuple[int, int], **kw) -> nbs_export.ExportInfo:
    try:
        info = nbs_export.read_export(require(path), **kw)
    except nbs_export.NBSExportError as exc:
        raise SourceFormatError(str(exc)) from None
    if info.series != expect_series or info.unit != expect_unit:
        raise SourceFormatError(f"{path}: indicator {info.indicator!r} ({info.unit}) read as series "
                                f"{info.series!r}; expected {expect_series!r} in {expect_unit}")
    if (info.years[0], info.years[-1]) != years:
        raise SourceFormatError(f"{path}: years {info.years[0]}-{info.years[-1]}, expected {years[0]}-{years[1]}")
    if info.frame["geo_code"].nunique() != 31:
        raise SourceFormatError(f"{path}: {info.frame['geo_code'].nunique()} regions, expected the 31 provinces")
    return info


def grp_latest(src: Path) -> Table:
    info = _read(src / GRP_FILE, "grp", "亿元", (2006, 2024))
    hint = info.census_hint()
    if "5th economic census" not in hint:
        raise SourceFormatError(f"{src / GRP_FILE}: footnote no longer mentions the 5th economic census "
                                f"revision: {info.footnotes}")
    source = Source(
        id=GRP_SOURCE,
        title="地区生产总值 / Gross regional product, by province (latest revision)",
        publisher="National Bureau of Statistics of China",
        table=f"{info.database}, 指标 {info.indicator}({info.unit_text}), 时间 {info.time}",
        address="https://data.stats.gov.cn/easyquery.htm?cn=E0103",
        raw_files=[GRP_FILE],
        vintage=GRP_VINTAGE,
        licence="Official statistics (NBS); cite the National Bureau of Statistics.",
        trust="HIGH",
        via="GitHub RenJiyi163/panel_data_analysis_for_thesis @e6d65372 (byte copy of the NBS export)",
        notes=("Footnote of the export: " + " ".join(info.footnotes) + " Values therefore differ from those "
               "first published (Guangdong 2010: 46,821.3 here, 46,013.06 first published); do not splice "
               "with first-published GRP."),
    )
    rows = nbs_export.tidy(info, GRP_SOURCE, GRP_VINTAGE)
    return Table(
        name="provincial_grp_latest",
        title="Gross regional product by province, 2006-2024, latest NBS revision (100 million yuan)",
        description=("Nominal GRP (地区生产总值) of the 31 provinces from the NBS database 分省年度数据, in the "
                     "vintage revised after the 5th national economic census (2025): 1992-2023 were revised "
                     "systematically, so levels differ from yearbook figures first published. Current prices, "
                     "亿元."),
        rows=rows,
        sources=[source],
        series=[SeriesInfo("grp", "亿元",
                           "Gross regional product (地区生产总值), current prices, NBS database 2025 vintage "
                           "revised after the 5th economic census.", GRP_SOURCE, GRP_VINTAGE)],
    )


def grp_2018(src: Path) -> Table:
    info = _read(src / GRP2018_FILE, "grp", "亿元", (1993, 2017))
    if info.census_hint():
        raise SourceFormatError(f"{src / GRP2018_FILE}: footnote mentions a census revision "
                                f"({info.census_hint()}); PROVENANCE describes the pre-revision vintage")
    source = Source(
        id=GRP2018_SOURCE,
        title="地区生产总值 / Gross regional product, by province (NBS database, end-2018 vintage)",
        publisher="National Bureau of Statistics of China",
        table=f"{info.database}, 指标 {info.indicator}({info.unit_text}), 时间 {info.time}",
        address="https://data.stats.gov.cn/easyquery.htm?cn=E0103",
        raw_files=[GRP2018_FILE],
        vintage=GRP2018_VINTAGE,
        licence="Official statistics (NBS); cite the National Bureau of Statistics.",
        trust="HIGH",
        via="GitHub Tobby-star/dynamic_datas @0af0641d (2018-12-31, byte copy of the NBS export)",
        notes=("Production-approach GRP, not the expenditure panel. Same vintage as the NBS database's "
               "expenditure-approach GRP 2014-2017 (Guangdong 4 of 4, Tianjin 3 of 4 equal). 1993-1999 values "
               "differ from first-published ones for about ten provinces; 2006-2017 differ from the 2025 "
               "vintage in every cell (Beijing 2017: 28014.94 here, 31325.9 there). Footnote: "
               + " ".join(info.footnotes)),
    )
    return Table(
        name="provincial_grp_nbs2018",
        title="Gross regional product by province, 1993-2017, NBS database end-2018 vintage (100 million yuan)",
        description=("Nominal GRP (地区生产总值) of the 31 provinces from an NBS database 分省年度数据 export made "
                     "at the end of 2018, before the revisions after the 4th (2018) and 5th (2023) economic "
                     "censuses. Kept apart from provincial_grp_first_published and provincial_grp_latest: the "
                     "three vintages differ and are never spliced. It matches the expenditure-approach GRP of "
                     "the NBS database for 2014-2017, not that printed in the CSY by-region tables of "
                     "1998-2008. Current prices, 亿元."),
        rows=nbs_export.tidy(info, GRP2018_SOURCE, GRP2018_VINTAGE),
        sources=[source],
        series=[SeriesInfo("grp", "亿元",
                           "Gross regional product (地区生产总值), current prices, NBS database as exported at the "
                           "end of 2018 (pre-4th-census vintage).", GRP2018_SOURCE, GRP2018_VINTAGE)],
    )


def population_nbs(src: Path) -> Table:
    info = _read(src / POP_FILE, "population_year_end", "万人", (2000, 2020),
                 indicator="Population at Year-end", unit="10000 persons")
    source = Source(
        id=POP_SOURCE,
        title="年末常住人口 / Population at year-end, by province (NBS English database export)",
        publisher="National Bureau of Statistics of China",
        table="Annual by Province (分省年度数据), indicator Population at Year-end (10000 persons); "
              "header lines cut off in the copy, indicator inferred",
        address="https://data.stats.gov.cn/english/easyquery.htm?cn=E0103",
        raw_files=[POP_FILE],
        vintage=POP_VINTAGE,
        licence="Official statistics (NBS); cite the National Bureau of Statistics.",
        trust="MEDIUM-HIGH",
        via="GitHub yinthan/ECON323-China-Polulation @9b54a5dc (byte copy)",
        notes=("The NBS header and footnote lines were removed by the uploader; indicator and unit are inferred "
               "from the values (Beijing 2017 = 2194, the post-7th-census revision; older vintage 2171). "
               "Resident (常住) population from 2005, de jure (户籍-based) before: break around 2005."),
    )
    rows = nbs_export.tidy(info, POP_SOURCE, POP_VINTAGE)
    return Table(
        name="provincial_population_nbs",
        title="Year-end population by province, 2000-2020 (10,000 persons)",
        description=("Year-end population of the 31 provinces from an English-site NBS database export, "
                     "revised after the 7th population census. Series break: from 2005 the figures are resident "
                     "population (常住人口); before 2005 the provincial figures are on the older (largely "
                     "registered/de jure) basis, so 2004-2005 changes mix growth and definition "
                     "(e.g. Sichuan, Guizhou, Guangxi drop)."),
        rows=rows,
        sources=[source],
        series=[SeriesInfo("population_year_end", "万人",
                           "Year-end population (年末人口), 10,000 persons; resident population from 2005, "
                           "de jure before (break around 2005). Post-7th-census NBS revision.",
                           POP_SOURCE, POP_VINTAGE)],
    )


def build(src: Path) -> list[Table]:
    return [grp_latest(src), grp_2018(src), population_nbs(src)]
