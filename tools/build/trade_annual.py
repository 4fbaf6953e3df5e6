"""Provincial exports, imports and totals 1993-2022 from a SECONDARY compilation (万美元).

Raw (read ``trade_annual/PROVENANCE.md``):
``trade_annual/SECONDARY_regional-disparity_prov_5_exports-imports-by-province_1949-2022.xlsx``,
a byte copy of ``prov_5.xlsx`` in GitHub SkywalkerSun15/regional_disparity: 31 provinces x
1949-2022, three text cells per year (出口总额 / 进口总额 / 进出口总额, 万美元), ``--`` = missing.
The origin platform is not named; the concept is most likely customs trade by location of
operating units (经营单位所在地), inferred by the note from agreement with NBS A060101 2016-2020.
So every series ends ``_secondary`` and none is the official ``exports_by_location``. The
``DERIVED_`` files of the folder are check tables and are not read.

Each defect the PROVENANCE lists is left out cell by cell as an :class:`Exclusion` (never
converted or repaired):

* 1949-1992, every cell: the note says the series mix concepts before 1993 (Beijing exports
  1985-1993 a twentieth of its imports, exports + imports != total, Shanghai 1979 imports =
  total, 1983-84 exports summing to 1.5 x national) and calls 1978-1992 unusable for balances
  without checking each province. A separately named pre-1993 series would still put numbers of
  unknown concept beside the customs ones in every chapter that asks for the province's trade,
  and no other source here lets the build tell good cells from bad; so they are excluded, not kept.
* yuan values in 万美元 columns (Hainan 2015-2019, Chongqing imports 2017) and 亿元 values
  (Guizhou and Ningxia exports/imports 2022): :data:`UNIT_DEFECTS`;
* Zhejiang imports 2011 and 2012 (about a quarter of total - exports): :data:`ZHEJIANG`;
* any remaining province-year whose exports + imports differ from the total by more than 1 %:
  all three cells, since which of them is wrong is not known (the note: "the total and the
  components come from different concepts or vintages"). This catches the 1993-2002 failures
  the note lists (Shanxi, Anhui, Shandong, Shaanxi, Shanghai 1994, Beijing, Jilin 1995) and
  the later single years (Jiangsu 2007, Chongqing 2009, Tibet 2017 and 2020, ...).
"""
from __future__ import annotations

import warnings
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
import pandas as pd

from helpers import provinces
from .core import Exclusion, SeriesInfo, Source, SourceFormatError, Table, require, rows

FILE = "trade_annual/SECONDARY_regional-disparity_prov_5_exports-imports-by-province_1949-2022.xlsx"
SOURCE_ID = "regional_disparity_prov5_trade"
VINTAGE = "regional_disparity prov_5.xlsx @54d547a (platform export of 2024-02-19)"
UNIT = "万美元"
FIRST_YEAR = 1993        # cells before this year are excluded (concepts mixed, see module docstring)
IDENTITY_TOL = 0.01      # |exports + imports - total| / total above this: the three cells are excluded

#: column header in the sheet -> series
COLUMNS = {
    "出口总额(万美元)": "exports_by_location_secondary",
    "进口总额(万美元)": "imports_by_location_secondary",
    "进出口总额(万美元)": "trade_total_by_location_secondary",
}
EXP, IMP, TOT = COLUMNS.values()
SHORT = {"exports": EXP, "imports": IMP, "total": TOT}

PRE_1993 = ("Before 1993 the compilation mixes concepts (exports + imports often != total; Beijing exports "
            "1985-1993 far below its imports; 1983-84 provincial exports sum to 1.5 x the national total); "
            "PROVENANCE: unusable for balances without checking each province. Whole years 1949-1992 left out.")


def _yuan(rate: str) -> str:
    return (f"Value in yuan, not 万美元: the cell divided by the expected US-dollar value is {rate}, that "
            "year's CNY/USD rate (PROVENANCE defects). Not converted.")


#: (province code, year, column) -> (value as published, reason). The printed value is checked,
#: so a changed raw file fails the build instead of excluding the wrong cell.
UNIT_DEFECTS: dict[tuple[str, int, str], tuple[str, str]] = {
    ("460000", 2015, "imports"): ("6366665", _yuan("6.22 (2015 rate 6.23)")),
    ("460000", 2016, "imports"): ("6108090", _yuan("6.63 (2016 rate 6.64)")),
    ("460000", 2017, "exports"): ("2956490", _yuan("about 6.77 (2017 rate 6.75)")),
    ("460000", 2017, "imports"): ("4070550", _yuan("about 6.77 (2017 rate 6.75)")),
    ("460000", 2017, "total"): ("7027040", _yuan("6.77 against NBS A060101 (2017 rate 6.75)")),
    ("460000", 2018, "exports"): ("2977608", _yuan("about 6.68 (exports + imports against the total; "
                                                   "2018 rate 6.62)")),
    ("460000", 2018, "imports"): ("5504150", _yuan("about 6.68 (exports + imports against the total; "
                                                   "2018 rate 6.62)")),
    ("460000", 2019, "imports"): ("5621884", _yuan("6.85 (2019 rate 6.90)")),
    ("500000", 2017, "imports"): ("16245400", _yuan("6.77 (2017 rate 6.75)")),
    ("520000", 2022, "exports"): ("519.81", "Value apparently in 亿元 (100 million yuan), not 万美元, next to a "
                                            "total in 万美元 (PROVENANCE defects). Not converted."),
    ("520000", 2022, "imports"): ("273.06", "Value apparently in 亿元 (100 million yuan), not 万美元, next to a "
                                            "total in 万美元 (PROVENANCE defects). Not converted."),
    ("640000", 2022, "exports"): ("196.78", "Value apparently in 亿元 (100 million yuan), not 万美元, next to a "
                                            "total in 万美元 (PROVENANCE defects). Not converted."),
    ("640000", 2022, "imports"): ("60.60", "Value apparently in 亿元 (100 million yuan), not 万美元, next to a "
                                           "total in 万美元 (PROVENANCE defects). Not converted."),
}
ZHEJIANG_REASON = ("Zhejiang imports {y} are about 0.24 of total - exports (PROVENANCE defects); the 31-province "
                   "import sum falls to 0.96 of the national total with it. Not corrected.")
ZHEJIANG = {("330000", 2011, "imports"): ("2245000", ZHEJIANG_REASON.format(y=2011)),
            ("330000", 2012, "imports"): ("2042200", ZHEJIANG_REASON.format(y=2012))}
LISTED = {**UNIT_DEFECTS, **ZHEJIANG}


def source() -> Source:
    return Source(
        id=SOURCE_ID,
        title="Exports, imports and total trade by province 1949-2022 (出口总额/进口总额/进出口总额), SECONDARY "
              "compilation, most likely by location of operating units",
        publisher="unnamed online statistics platform (provincial yearbook / NBS regional series, inferred)",
        table="prov_5.xlsx, Sheet0: 31 provinces x 1949-2022 x (出口总额, 进口总额, 进出口总额), 万美元",
        address="https://github.com/SkywalkerSun15/regional_disparity (data/raw_data/census_data_by_province/prov_5.xlsx)",
        raw_files=[FILE],
        vintage=VINTAGE,
        licence="Compilation of official customs statistics; cite the provincial statistical yearbooks / NBS.",
        trust="LOW-MEDIUM",
        secondary=True,
        via="GitHub SkywalkerSun15/regional_disparity @54d547ac (byte copy)",
        notes=("Concept (by location of operating units) inferred: totals 2016-2020 agree with NBS A060101 within "
               "1 % for 28-31 provinces a year. Fujian imports 1997-2006 equal the Fujian yearbook rounded to 100 "
               "万美元. Partly rounded to 100 or 1,000 万美元. Cells before 1993, wrong-unit cells, Zhejiang "
               "imports 2011-12 and province-years failing exports + imports = total are in exclusions.csv. "
               "For 2016-2021 totals prefer the official trade_total_by_location (NBS A060101)."),
    )


def _number(text, where: str) -> Decimal | None:
    t = "" if text is None else str(text).strip()
    if t in ("", "--"):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        raise SourceFormatError(f"{where}: cell {t!r} is neither a number nor '--'") from None


def read(path: Path) -> pd.DataFrame:
    """All published cells: geo_code, year, col (exports/imports/total), text, value (Decimal)."""
    with warnings.catch_warnings():   # the POI-written workbook has no default style; harmless
        warnings.filterwarnings("ignore", "Workbook contains no default style", UserWarning)
        wb = openpyxl.load_workbook(require(path), read_only=True)
    if wb.sheetnames != ["Sheet0"]:
        raise SourceFormatError(f"{path}: sheets {wb.sheetnames}, expected ['Sheet0']")
    grid = list(wb["Sheet0"].iter_rows(values_only=True))
    wb.close()
    years, heads = grid[0], grid[1]
    if len(heads) != 1 + 3 * 74:
        raise SourceFormatError(f"{path}: {len(heads)} columns in line 2, expected 1 + 3 x 74 (1949-2022)")
    cols = []
    for j in range(1, len(heads)):
        year_text = years[j - (j - 1) % 3]
        if str(year_text) != f"{1949 + (j - 1) // 3}年" or heads[j] != list(COLUMNS)[(j - 1) % 3]:
            raise SourceFormatError(f"{path}: line 1-2 column {j + 1} is {year_text!r} / {heads[j]!r}, expected "
                                    f"{1949 + (j - 1) // 3}年 / {list(COLUMNS)[(j - 1) % 3]}")
        cols.append((1949 + (j - 1) // 3, list(SHORT)[(j - 1) % 3]))
    recs = []
    for i, line in enumerate(grid[2:], start=3):
        geo = provinces.code_of(str(line[0]), context=f"{path.name} line {i}")
        for j, (year, col) in enumerate(cols, start=1):
            v = _number(line[j], f"{path} line {i} ({line[0]}), {year} {col}")
            if v is not None:
                recs.append({"geo_code": geo, "year": year, "col": col, "text": str(line[j]).strip(), "value": v})
    out = pd.DataFrame(recs)
    if out["geo_code"].nunique() != 31 or len(grid) != 33:
        raise SourceFormatError(f"{path}: {out['geo_code'].nunique()} provinces in {len(grid) - 2} rows, expected 31")
    return out


def split(cells: pd.DataFrame) -> tuple[pd.DataFrame, list[Exclusion]]:
    """Kept cells and the exclusions, by the rules in the module docstring."""
    ex: list[Exclusion] = []

    def drop(mask, reason_of) -> None:
        nonlocal cells
        for r in cells[mask].itertuples():
            ex.append(Exclusion(SOURCE_ID, r.geo_code, r.year, SHORT[r.col], r.text, reason_of(r)))
        cells = cells[~mask]

    drop(cells["year"] < FIRST_YEAR, lambda r: PRE_1993)
    key = list(zip(cells["geo_code"], cells["year"], cells["col"]))
    for k, (printed, _) in LISTED.items():
        hit = cells[[x == k for x in key]]
        if hit.empty or hit.iloc[0]["text"] != printed:
            raise SourceFormatError(f"{FILE}: {provinces.name_en(k[0])} {k[1]} {k[2]} is "
                                    f"{hit.iloc[0]['text'] if len(hit) else 'missing'}, PROVENANCE lists the defective "
                                    f"cell as {printed}")
    drop(pd.Series([x in LISTED for x in key], index=cells.index), lambda r: LISTED[(r.geo_code, r.year, r.col)][1])

    wide = cells.pivot(index=["geo_code", "year"], columns="col", values="value").dropna()
    gap = (wide["exports"] + wide["imports"] - wide["total"]) / wide["total"]
    bad = {k: float(g) for k, g in gap.items() if abs(g) > IDENTITY_TOL}
    drop(pd.Series([(g, y) in bad for g, y in zip(cells["geo_code"], cells["year"])], index=cells.index),
         lambda r: (f"Exports + imports differ from the total by {bad[(r.geo_code, r.year)]:+.1%} (tolerance "
                    f"{IDENTITY_TOL:.0%}): total and components come from different concepts or vintages "
                    "(PROVENANCE); which cell is wrong is unknown, so all three are left out."))
    return cells, ex


def build(src: Path) -> list[Table]:
    cells, ex = split(read(src / FILE))
    recs = [{"geo_code": r.geo_code, "year": r.year, "series": SHORT[r.col], "value": float(r.value)}
            for r in cells.itertuples()]
    desc = {
        EXP: "Exports (出口总额)",
        IMP: "Imports (进口总额)",
        TOT: "Total trade, exports + imports as printed (进出口总额)",
    }
    return [Table(
        name="provincial_trade_annual_secondary",
        title="Exports, imports and total trade by province, 1993-2022, SECONDARY compilation (10,000 USD)",
        description=("Customs merchandise trade of the 31 provinces from a secondary compilation of yearbook "
                     "figures, most likely by location of operating units (经营单位所在地). Years before 1993, "
                     "cells in yuan, Zhejiang imports 2011-12 and province-years whose exports + imports do not "
                     "match the total are left out (exclusions.csv). Coverage thins in 2017-2019 (imports of "
                     "5-7 provinces missing) and 2022 (8 provinces). Not official: for totals 2016-2021 prefer "
                     "provincial_trade_totals."),
        rows=rows(recs, unit=UNIT, source_id=SOURCE_ID, vintage=VINTAGE),
        sources=[source()],
        series=[SeriesInfo(s, UNIT, f"{d}, 万美元, SECONDARY compilation, most likely by location of operating "
                           "units (concept inferred).", SOURCE_ID, VINTAGE) for s, d in desc.items()],
        exclusions=ex,
    )]
