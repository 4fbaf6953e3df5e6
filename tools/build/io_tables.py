"""Provincial input-output tables (benchmark years 2002, 2007, 2012, 2017): the final-demand block.

Raw files: ``panels/common2016__CHNIO/data-raw/`` (read ``panels/PROVENANCE.md``):

* ``分省投入产出表/*.xlsx``: the provincial bureaus' 42-sector tables for 2002, 2007 and 2012
  (30 provinces each, no Tibet) and Guangdong 2017;
* ``中国31省区市42部门投入产出表1997-2017皮皮侠/``: the 皮皮侠 compilation (xls): 2012 (31
  provinces incl. Tibet, plus the national table ``0中国.xls``), 2017 (31 provinces) and the
  national tables of 2002 and 2007.

The parser locates everything by label, never by a fixed cell: the *code row* (the row that
holds ``TIU`` and ``FU101``) names the columns (FU101, FU102, THC, FU103, TC, FU201, FU202, GCF,
EX, OF, IM, IF, FU302, FU304, NOF, ERR ...); the *column-totals row* (``中间投入合计`` / ``TII``)
holds each final-demand total, and the *value-added row* (``增加值合计`` / ``TVA``) holds total
value added in the ``TIU`` column. Anything not found raises :class:`SourceFormatError`
naming the file and sheet.

Units: the tables are in 万元 (10,000 yuan); the build divides by 10,000 and stores 亿元
(100 million yuan), the unit of provincial GRP, so the two compare directly.

Only cells printed in the tables are stored. Foreign net (EX - IM), domestic net (OF - IF) and
total net outflow are computed in analysis code (:func:`helpers.decomposition.io_split`),
except the 2002 net outflow (``NOF``), which the 2002 tables print.

1997 is left out: its tables (40 sectors) have no code row, do not split household
consumption into rural and urban, print inflows (调入) with a negative sign, carry foreign
exports/imports for Guangdong only in columns beyond 总产出 whose relation to 调出/调入 is
undocumented, hold many provinces twice (single files and multi-province workbooks), and
are rated LOW-MEDIUM in PROVENANCE (reprocessed non-integer cells, provenance undocumented).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import xlrd

from helpers import provinces
from .core import Exclusion, SeriesInfo, Source, SourceFormatError, Table, file_key

FOLDER = "panels/common2016__CHNIO/data-raw"
BUREAU = f"{FOLDER}/分省投入产出表"
PIPIXIA = f"{FOLDER}/中国31省区市42部门投入产出表1997-2017皮皮侠"
COMMIT = "2878da3"
UNIT = "亿元"
WAN_PER_YI = 10_000  # 万元 per 亿元

#: code printed in the code row -> (series, English description, Chinese label)
CODE_SERIES: dict[str, tuple[str, str, str]] = {
    "FU101": ("io_rural_household_consumption", "Rural household consumption", "农村居民消费"),
    "FU102": ("io_urban_household_consumption", "Urban household consumption", "城镇居民消费"),
    "THC": ("io_household_consumption", "Household consumption (printed subtotal FU101 + FU102)", "居民消费合计"),
    "FU103": ("io_government_consumption", "Government consumption", "政府消费"),
    "TC": ("io_final_consumption", "Final consumption (printed subtotal THC + FU103)", "最终消费合计"),
    "FU201": ("io_gfcf", "Gross fixed capital formation", "固定资本形成总额"),
    "FU202": ("io_change_in_inventories", "Change in inventories", "存货增加"),
    "GCF": ("io_gross_capital_formation", "Gross capital formation (printed subtotal FU201 + FU202)", "资本形成合计"),
    "EX": ("io_exports_foreign", "Exports to other countries (foreign)", "出口"),
    "OF": ("io_domestic_outflow", "Domestic outflow to other provinces", "国内省外流出"),
    "IM": ("io_imports_foreign", "Imports from other countries (foreign)", "进口"),
    "IF": ("io_domestic_inflow", "Domestic inflow from other provinces", "国内省外流入"),
    "FU302": ("io_outflow_total", "Total outflow, foreign exports and domestic outflow together", "流出"),
    "FU304": ("io_inflow_total", "Total inflow, foreign imports and domestic inflow together", "流入"),
    "NOF": ("io_net_outflow_total", "Net outflow, foreign and domestic together (printed in the 2002 tables)",
            "净流出"),
    "ERR": ("io_other", "Other (statistical residual, 其他/误差) in the final-use block", "其他"),
}
VA_SERIES = ("io_value_added", "Total value added (= GRP at the benchmark)", "增加值合计")
#: where a table prints EX/IM separately, its FU302/FU304 are the *domestic* flows (Guangdong 2007: 调出/调入)
DOMESTIC_FU3 = {"FU302": ("io_domestic_outflow", "调出"), "FU304": ("io_domestic_inflow", "调入")}
TOTAL_FU3 = {"FU302": "流出", "FU304": "流入"}

#: words the header above a code must contain (headers are the bureau's own labels; the code row is a template)
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "FU101": ("农村",), "FU102": ("城镇",), "FU103": ("政府",), "FU201": ("固定",), "FU202": ("存货",),
    "EX": ("出口",), "IM": ("进口",), "OF": ("流出",), "IF": ("流入",), "NOF": ("净流出",), "ERR": ("其他", "误差"),
    "FU302": ("流出", "调出"), "FU304": ("流入", "调入"),
}
#: with EX/IM printed, FU302/FU304 must be headed as the domestic flow
DOMESTIC_WORDS = {"FU302": ("调出", "流出外省", "省外流出"), "FU304": ("调入", "外省流入", "省外流入")}

KNOWN_CODES = set(CODE_SERIES) | {"TIU", "TFU", "GO"}
TOTALS_LABELS = {"中间投入合计", "TII"}
VA_LABELS = {"增加值合计", "TVA"}
LABEL_COLUMNS = 3  # labels sit in the first columns (name, sector name, code)

SPLIT_DEFECT_REASON = (
    "The table prints domestic outflow and inflow (国内省外流出/流入) as 0, so its 出口/进口 include "
    "trade with other provinces (PROVENANCE: e.g. Qinghai 2012 'exports' 492 亿元 against customs exports "
    "of about 46 亿元). The foreign/domestic split of this table is left out; value added and "
    "consumption/capital formation are kept.")
FOREIGN_ZERO_REASON = (
    "The table prints foreign exports and imports (出口/进口) as 0, so its 国内省外流出/流入 must include trade with "
    "other countries (Inner Mongolia's customs trade in 2012 was far from zero). The foreign/domestic split of "
    "this table is left out; value added and consumption/capital formation are kept.")
PARTIAL_REASON = (
    "The file is part (一) of a table split over several files and holds only the intermediate block "
    "(no final-use columns); the other parts are not in the source folder. The whole table for this province "
    "is in the 皮皮侠 2012 compilation (io_2012_pipixia), so no cell of this part is stored.")
SPLIT_SERIES = ("io_exports_foreign", "io_imports_foreign", "io_domestic_outflow", "io_domestic_inflow")


# --------------------------------------------------------------------------- one table
@dataclass
class IOTable:
    """The final-demand totals of one IO table, in 万元 as printed."""

    path: Path
    sheet: str
    year: int
    geo_code: str
    codes: dict[str, float] = field(default_factory=dict)  # code -> column total (万元)
    headers: dict[str, str] = field(default_factory=dict)  # code -> header text above the code row
    value_added: float = float("nan")                       # 增加值合计 in TIU (万元)
    cells: dict[str, str] = field(default_factory=dict)     # code -> "sheet!R1C1" of the value read
    partial: bool = False                                   # part (一) of a split table: no final-use block
    header_problems: dict[str, str] = field(default_factory=dict)  # code -> header that contradicts it
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str]:
        return self.year, self.geo_code

    @property
    def splits_foreign(self) -> bool:
        return "EX" in self.codes and "IM" in self.codes

    def series_values(self) -> dict[str, tuple[str, float]]:
        """series -> (code, value in 万元) as printed; FU302/FU304 are the domestic flows where EX/IM are printed."""
        out = {VA_SERIES[0]: ("TVA", self.value_added)}
        for code, v in self.codes.items():
            if code not in CODE_SERIES:
                continue
            series = CODE_SERIES[code][0]
            if code in DOMESTIC_FU3 and self.splits_foreign:
                series = DOMESTIC_FU3[code][0]
            out[series] = (code, v)
        return out

    def identity_gap(self) -> float:
        """Value added minus final demand net of inflows (万元): TC + GCF + trade terms + ERR."""
        c = self.codes
        trade = sum(c.get(k, 0.0) for k in ("EX", "OF", "FU302", "NOF")) - sum(c.get(k, 0.0) for k in ("IM", "IF", "FU304"))
        return self.value_added - (c["TC"] + c["GCF"] + trade + c.get("ERR", 0.0))


def _norm(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return re.sub(r"\s+", "", str(x).replace("\u3000", ""))


def read_sheets(path: Path) -> list[tuple[str, list[list]]]:
    """Every sheet of an xls/xlsx workbook as (name, rows of raw cell values); blanks are None.
    Each workbook is parsed once per process (the rows handed out are copies)."""
    if not path.exists():
        raise FileNotFoundError(f"raw source file not found: {path}")
    return [(name, [list(r) for r in rows]) for name, rows in _read_sheets(*file_key(path))]


@functools.lru_cache(maxsize=None)
def _read_sheets(path: str, size: int, mtime_ns: int) -> tuple[tuple[str, tuple[tuple, ...]], ...]:
    if path.lower().endswith(".xls"):
        wb = xlrd.open_workbook(path, on_demand=True)
        try:
            return tuple((sh.name, tuple(tuple(None if v == "" else v for v in sh.row_values(r)) for r in range(sh.nrows)))
                         for sh in wb.sheets())
        finally:
            wb.release_resources()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return tuple((ws.title, tuple(ws.iter_rows(values_only=True))) for ws in wb.worksheets)
    finally:
        wb.close()


def _number(x, path: Path, sheet: str, r: int, c: int, what: str) -> float:
    if isinstance(x, bool):
        x = None
    if isinstance(x, (int, float)):
        return float(x)
    s = _norm(x).replace(",", "")
    try:
        return float(s)
    except ValueError:
        raise SourceFormatError(
            f"{path}: sheet {sheet!r} cell R{r + 1}C{c + 1} ({what}) holds {x!r}, not a number") from None


def _find_code_row(rows: list[list]) -> int | None:
    for i, row in enumerate(rows):
        vals = {_norm(v) for v in row}
        if "TIU" in vals and ("FU101" in vals or "GO" in vals):
            return i
    return None


def _find_label_row(rows: list[list], start: int, labels: set[str]) -> int | None:
    for i in range(start, len(rows)):
        if any(_norm(v) in labels for v in rows[i][:LABEL_COLUMNS]):
            return i
    return None


def _says(head: str, words: tuple[str, ...]) -> bool:
    return any(w in head for w in words)


def _reconcile_headers(t: IOTable) -> None:
    """Check every code against the header printed above it.

    Rural/urban household consumption whose headers are swapped relative to the code row are
    read by the header (the bureau's label; the code row is a template). Any other mismatch is
    recorded in ``header_problems`` (an error unless the table is a known defect).
    """
    h = t.headers
    if ("FU101" in h and "FU102" in h and not _says(h["FU101"], ("农村",)) and _says(h["FU101"], ("城镇",))
            and _says(h["FU102"], ("农村",))):
        t.codes["FU101"], t.codes["FU102"] = t.codes["FU102"], t.codes["FU101"]
        t.cells["FU101"], t.cells["FU102"] = t.cells["FU102"], t.cells["FU101"]
        h["FU101"], h["FU102"] = h["FU102"], h["FU101"]
        t.notes.append("the code row puts FU101 over the column headed 城镇居民 and FU102 over 农村居民; "
                       "read by the headers")
    for code, head in h.items():
        words = DOMESTIC_WORDS[code] if (code in DOMESTIC_WORDS and t.splits_foreign) else HEADER_WORDS.get(code)
        if words and not _says(head, words):
            t.header_problems[code] = head


def is_part_one(path: Path) -> bool:
    """A table split over several files: ``...(一).xlsx`` holds the intermediate block only."""
    return path.stem.endswith("(一)")


def parse_table(path: Path, year: int, geo_code: str, blanks_ok: bool = False) -> IOTable:
    """Read the final-demand totals and value added of one IO table, locating rows and columns by label.

    A file that is part one ``(一)`` of a split table and has no final-use columns comes back with
    ``partial=True`` (value added and whatever totals it prints); any other table without the
    final-use block is a :class:`SourceFormatError`.
    """
    sheets = read_sheets(path)
    for sheet, rows in sheets:
        code_row = _find_code_row(rows)
        if code_row is None:
            continue
        t = IOTable(path=path, sheet=sheet, year=year, geo_code=geo_code)
        cols: dict[str, int] = {}
        for j, v in enumerate(rows[code_row]):
            code = _norm(v)
            if code in KNOWN_CODES:
                if code in cols:
                    raise SourceFormatError(f"{path}: sheet {sheet!r} row {code_row + 1}: code {code} printed twice "
                                            f"(columns {cols[code] + 1} and {j + 1})")
                cols[code] = j
        if "FU101" not in cols and is_part_one(path):
            t.partial = True
        for need in ("FU101", "FU102", "FU103", "FU201", "FU202", "TC", "GCF", "TIU"):
            if t.partial and need != "TIU":
                continue
            if need not in cols:
                raise SourceFormatError(f"{path}: sheet {sheet!r}: code row {code_row + 1} has no column {need}")
        if not t.partial and not (("EX" in cols and "IM" in cols) or "NOF" in cols
                                  or ("FU302" in cols and "FU304" in cols)):
            raise SourceFormatError(f"{path}: sheet {sheet!r}: code row {code_row + 1} has no trade columns "
                                    "(EX/IM, FU302/FU304 or NOF)")
        tot = _find_label_row(rows, code_row + 1, TOTALS_LABELS)
        if tot is None:
            raise SourceFormatError(f"{path}: sheet {sheet!r}: no column-totals row (中间投入合计 / TII) "
                                    f"below the code row {code_row + 1}")
        va = _find_label_row(rows, tot + 1, VA_LABELS)
        if va is None:
            raise SourceFormatError(f"{path}: sheet {sheet!r}: no value-added row (增加值合计 / TVA) "
                                    f"below the totals row {tot + 1}")
        for code, j in cols.items():
            if code == "TIU" or code not in CODE_SERIES:
                continue
            row = rows[tot]
            cell = row[j] if j < len(row) else None
            if cell is None:
                if blanks_ok:
                    continue
                raise SourceFormatError(f"{path}: sheet {sheet!r}: column {code} (R{tot + 1}C{j + 1}) of the "
                                        "totals row 中间投入合计 is blank")
            t.codes[code] = _number(cell, path, sheet, tot, j, f"{code} total")
            t.cells[code] = f"{sheet}!R{tot + 1}C{j + 1}"
            t.headers[code] = "".join(_norm(rows[i][j]) for i in range(code_row) if j < len(rows[i]))
        j = cols["TIU"]
        cell = rows[va][j] if j < len(rows[va]) else None
        if cell is None:
            raise SourceFormatError(f"{path}: sheet {sheet!r}: value added (增加值合计, TIU column, "
                                    f"R{va + 1}C{j + 1}) is blank")
        t.value_added = _number(cell, path, sheet, va, j, "增加值合计 in TIU")
        t.cells["TVA"] = f"{sheet}!R{va + 1}C{j + 1}"
        _reconcile_headers(t)
        return t
    raise SourceFormatError(f"{path}: no sheet has a code row with TIU and FU101/GO (sheets: "
                            f"{[s for s, _ in sheets]})")


# --------------------------------------------------------------------------- file sets
def _geo_from_name(name: str, path: Path) -> str:
    if name in ("中国", "全国"):
        return provinces.NATIONAL_CODE
    try:
        return provinces.code_of(name, context=f"file name {path.name}")
    except KeyError as exc:
        raise SourceFormatError(f"{path}: cannot tell the province from the file name ({exc})") from None


BUREAU_RE = re.compile(r"^(\d{4})年(.+?)42部门投入产出表")
PIPIXIA_RE = re.compile(r"^\d+-?(.+)\.xls$")


@dataclass(frozen=True)
class Edition:
    """One year-edition of the tables: a source_id and the files behind it."""

    source_id: str
    year: int
    folder: str          # relative to src
    pattern: str         # glob
    compilation: str     # "bureau" or "pipixia"


EDITIONS = [
    Edition("io_2002_bureau_xlsx", 2002, BUREAU, "2002年*.xlsx", "bureau"),
    Edition("io_2002_pipixia", 2002, f"{PIPIXIA}/2002年各省份投入产出表", "*.xls", "pipixia"),
    Edition("io_2007_bureau_xlsx", 2007, BUREAU, "2007年*.xlsx", "bureau"),
    Edition("io_2007_pipixia", 2007, f"{PIPIXIA}/2007年各省份投入产出表", "*.xls", "pipixia"),
    Edition("io_2012_bureau_xlsx", 2012, BUREAU, "2012年*.xlsx", "bureau"),
    Edition("io_2012_pipixia", 2012, f"{PIPIXIA}/2012年各省份投入产出表", "*.xls", "pipixia"),
    Edition("io_2017_bureau_xlsx", 2017, BUREAU, "2017年*.xlsx", "bureau"),
    Edition("io_2017_pipixia", 2017, f"{PIPIXIA}/2017年各省份投入产出表", "*.xls", "pipixia"),
]


def edition_files(src: Path, ed: Edition) -> list[tuple[Path, str]]:
    """(path, geo_code) of every table in an edition, sorted by file name; one table per province."""
    folder = src / ed.folder
    if not folder.is_dir():
        raise FileNotFoundError(f"raw source folder not found: {folder}")
    out, seen = [], {}
    for p in sorted(folder.glob(ed.pattern)):
        if ed.compilation == "bureau":
            m = BUREAU_RE.match(p.name)
            if not m or int(m.group(1)) != ed.year:
                raise SourceFormatError(f"{p}: file name does not read '<year>年<province>42部门投入产出表...'")
            name = m.group(2)
        else:
            m = PIPIXIA_RE.match(p.name)
            if not m:
                raise SourceFormatError(f"{p}: file name does not read '<number><province>.xls'")
            name = m.group(1)
        geo = _geo_from_name(name, p)
        if geo in seen:
            raise SourceFormatError(f"{p}: a second table for {geo} in {ed.source_id} (first: {seen[geo].name})")
        seen[geo] = p
        out.append((p, geo))
    if not out:
        raise FileNotFoundError(f"no files {ed.pattern} in {folder}")
    return out


#: tables whose trade columns do not match their code row (checked: the defect must still be there)
KNOWN_MISALIGNED: dict[tuple[str, str], str] = {
    ("io_2012_bureau_xlsx", "410000"): (
        "Henan 2012 bureau xlsx: the trade columns are shifted against the code row. The column coded EX is "
        "headed 销往省外 and holds total outflow (foreign + domestic), the column coded OF is headed 最终使用合计 "
        "(total final use), the column coded TFU holds total inflow, and IM/IF/ERR are blank. No foreign/domestic "
        "split can be read; value added, consumption and capital formation are kept. The 皮皮侠 2012 table "
        "(io_2012_pipixia) prints the split for Henan."),
}
#: tables left out because another source holds the same table (values checked identical)
DUPLICATES: dict[tuple[str, str], str] = {
    ("io_2017_pipixia", "440000"): "io_2017_bureau_xlsx",
}
IDENTITY_TOL_WAN = 1.0 + 1e-6  # 1 万元 = 0.0001 亿元 (whole-万元 tables round each cell)


def parse_edition(src: Path, ed: Edition) -> list[IOTable]:
    """Parse every table of an edition and check headers and the IO identity (errors name the file)."""
    out = []
    for p, geo in edition_files(src, ed):
        known = KNOWN_MISALIGNED.get((ed.source_id, geo))
        t = parse_table(p, ed.year, geo, blanks_ok=known is not None)
        if known is None and t.header_problems:
            raise SourceFormatError(f"{p}: sheet {t.sheet!r}: header(s) contradict the code row: "
                                    + "; ".join(f"{c} headed {h!r}" for c, h in t.header_problems.items()))
        if known is not None and not t.header_problems:
            raise SourceFormatError(f"{p}: listed in KNOWN_MISALIGNED but its headers now match the code row; "
                                    "re-check the table and remove the entry")
        if known is None and not t.partial:
            gap = t.identity_gap()
            if abs(gap) > IDENTITY_TOL_WAN:
                raise SourceFormatError(
                    f"{p}: value added {t.value_added} 万元 differs from TC + GCF + trade + ERR by {gap:.4f} 万元")
        out.append(t)
    return out


# --------------------------------------------------------------------------- sources
_BUREAU_TITLE = "{y} provincial input-output tables, 42 sectors, basic flow table ({y}年<省>42部门投入产出表)"
_PIPIXIA_TITLE = "{y} input-output tables, 42 sectors, 皮皮侠 compilation ({y}年各省份投入产出表)"
LICENCE = "Official statistics of the provincial statistics bureaus and NBS; cite the bureau that compiled each table."
VIA = f"GitHub common2016/CHNIO @{COMMIT} (R data package by Pu Chen, data-raw/)"


def _source(src: Path, ed: Edition, tables: list[IOTable]) -> Source:
    files = [str(t.path.relative_to(src)) for t in tables]
    geos = [t.geo_code for t in tables]
    n_prov = sum(g != provinces.NATIONAL_CODE for g in geos)
    scope = (f"{n_prov} provinces" if n_prov else "") + (" and " if n_prov and provinces.NATIONAL_CODE in geos else "") \
        + ("China (national table 0中国.xls)" if provinces.NATIONAL_CODE in geos else "")
    y = ed.year
    if ed.compilation == "bureau":
        notes = {
            2002: "No foreign/domestic split: only NOF (净流出, net outflow to other provinces and abroad together). "
                  "Ningxia 2002 value added (329.28 亿元) is far below first-published GRP (377.16): treat with caution.",
            2007: "FU302 流出 / FU304 流入 are totals (foreign + domestic), except Guangdong, which prints EX 出口, "
                  "IM 进口 and FU302 调出 / FU304 调入 as the domestic flows (stored as io_domestic_outflow/inflow).",
            2012: "EX/OF/IM/IF split. Hubei and Qinghai print domestic flows as 0 and Inner Mongolia prints "
                  "foreign flows as 0: their split is excluded (data/exclusions.csv). Mostly the same numbers as the "
                  "皮皮侠 2012 compilation up to rounding (the xlsx print whole 万元, 皮皮侠 carries decimals), but "
                  "Ningxia, Zhejiang and Hebei differ beyond rounding (another edition), so both are kept apart. "
                  "Jiangxi prints its domestic flows as FU302 流出外省 / FU304 外省流入 (stored as io_domestic_*). "
                  "Henan's trade columns are shifted against the code row (excluded). No Tibet table in this set. Tianjin and Hunan are part "
                  "(一) files without the final-use block: nothing stored from them (data/exclusions.csv), so this "
                  "source has 28 complete tables.",
            2017: "Guangdong only; EX/OF/IM/IF split. The second sheet repeats the first; the first is read.",
        }[y]
        return Source(
            id=ed.source_id, title=_BUREAU_TITLE.format(y=y),
            publisher="Provincial statistics bureaus (各省统计局)",
            table=f"{y}年42部门投入产出表 (基本流量表), 万元, current producer prices; {scope}",
            address=f"https://github.com/common2016/CHNIO/tree/{COMMIT}/data-raw/分省投入产出表",
            raw_files=files, vintage=vintage(ed), licence=LICENCE, trust="MEDIUM-HIGH", secondary=False,
            via=VIA, notes=notes + " Stored in 亿元 (万元 / 10,000).")
    trust = {2002: "HIGH", 2007: "HIGH", 2012: "MEDIUM", 2017: "MEDIUM-HIGH"}[y]
    notes = {
        2002: "National table only (used as the national benchmark; EX/IM are foreign trade).",
        2007: "National table only (used as the national benchmark; EX/IM are foreign trade).",
        2012: "31 provinces incl. Tibet (31西藏.xls) and the national table. Mostly the same numbers as the bureau "
              "xlsx up to rounding; the book's foreign/domestic split (helpers.decomposition.io_split) takes the "
              "bureau xlsx first and this compilation where the xlsx are absent or defective (Tibet, Tianjin, Hunan, "
              "Henan trade, national). Hubei and Qinghai print domestic flows as "
              "0 and Inner Mongolia prints foreign flows as 0: their split is excluded (data/exclusions.csv). "
              "Ningxia, Zhejiang and Hebei differ from the bureau xlsx beyond rounding (another edition).",
        2017: "All 31 provinces incl. Tibet, EX/OF/IM/IF split; the only 2017 source for 30 of them (Guangdong "
              "also in io_2017_bureau_xlsx, same numbers).",
    }[y]
    return Source(
        id=ed.source_id, title=_PIPIXIA_TITLE.format(y=y),
        publisher="Provincial statistics bureaus and NBS, compiled by the data-sharing site 皮皮侠",
        table=f"中国31省区市42部门投入产出表1997-2017皮皮侠/{y}年各省份投入产出表, 万元; {scope}",
        address=f"https://github.com/common2016/CHNIO/tree/{COMMIT}/data-raw/中国31省区市42部门投入产出表1997-2017皮皮侠",
        raw_files=files, vintage=vintage(ed), licence=LICENCE, trust=trust, secondary=False, via=VIA + " from 皮皮侠",
        notes=notes + " A compilation of the bureaus' official tables, one step removed from their publications "
                      "(cells carry reprocessed decimals); not marked secondary because its numbers are the official "
                      "tables' (they equal the bureau files where both exist, up to rounding), but its trust is "
                      "the PROVENANCE rating. Stored in 亿元 (万元 / 10,000).")


def vintage(ed: Edition) -> str:
    if ed.compilation == "bureau":
        return f"{ed.year} benchmark, bureau xlsx (CHNIO @{COMMIT})"
    return f"{ed.year} benchmark, 皮皮侠 compilation (CHNIO @{COMMIT})"


# --------------------------------------------------------------------------- build
def _printed(v: float) -> str:
    return f"{v:.10g} 万元"


def _zero(t: IOTable, a: str, b: str) -> bool:
    """Both columns printed as zero (皮皮侠 cells carry float noise such as 1.5e-11 万元)."""
    return a in t.codes and b in t.codes and abs(t.codes[a]) < 0.5 and abs(t.codes[b]) < 0.5


def _split_defect(t: IOTable) -> str | None:
    """The reason a table's foreign/domestic split cannot be used, or None."""
    if not t.splits_foreign:
        return None
    if _zero(t, "OF", "IF"):
        return SPLIT_DEFECT_REASON
    if _zero(t, "EX", "IM"):
        return FOREIGN_ZERO_REASON
    return None


def tidy(ed: Edition, tables: list[IOTable], duplicates: dict[tuple[int, str], IOTable] | None = None
         ) -> tuple[list[dict], list[Exclusion], set[str]]:
    """Tidy rows (亿元) and the exclusions of one edition. ``duplicates``: the tables another source holds."""
    recs, excl, present = [], [], set()
    for t in tables:
        vals = t.series_values()
        split_defect = _split_defect(t)
        misaligned = KNOWN_MISALIGNED.get((ed.source_id, t.geo_code))
        dup_of = DUPLICATES.get((ed.source_id, t.geo_code))
        if dup_of is not None:
            other = (duplicates or {}).get(t.key)
            if other is None:
                raise SourceFormatError(f"{t.path}: listed as a duplicate of {dup_of}, which has no table for "
                                        f"{t.geo_code} {t.year}")
            ov = {s: v for s, (_c, v) in other.series_values().items()}
            mine = {s: v for s, (_c, v) in vals.items()}
            # the same cells, whatever the labels say (the duplicate may carry swapped headers)
            if sorted(mine.values()) != sorted(ov.values()) or set(mine) != set(ov):
                raise SourceFormatError(f"{t.path}: listed as identical to {dup_of} {t.geo_code} {t.year}, "
                                        "but the values differ; re-check DUPLICATES")
        for series, (code, v) in vals.items():
            why = None
            if t.partial:
                why = PARTIAL_REASON
            elif dup_of is not None:
                why = (f"Same table as {dup_of} (every cell identical), stored once from the bureau's own file. "
                       + ("This copy heads the urban column 农村居民消费 and the rural one 城镇居民消费 (the bureau file "
                          "heads them 城镇居民 / 农村居民)." if any("FU101" in n for n in other.notes) else ""))
            elif misaligned is not None and code in t.header_problems:
                why = misaligned
            elif split_defect and series in SPLIT_SERIES:
                why = split_defect
            if why:
                excl.append(Exclusion(ed.source_id, t.geo_code, t.year, series, _printed(v), why.strip()))
                continue
            recs.append({"geo_code": t.geo_code, "year": t.year, "quarter": pd.NA, "series": series,
                         "value": v / WAN_PER_YI, "unit": UNIT, "source_id": ed.source_id, "vintage": vintage(ed)})
            present.add(series)
    return recs, excl, present


def _series_info(series: str, ed: Edition) -> SeriesInfo:
    where = "column total in the row 中间投入合计"
    if series == VA_SERIES[0]:
        en, zh, code = VA_SERIES[1], VA_SERIES[2], "TVA"
        where = "the row 增加值合计 (TVA) in the column TIU"
    elif series in ("io_domestic_outflow", "io_domestic_inflow"):
        code = "OF" if series.endswith("outflow") else "IF"
        en, zh = CODE_SERIES[code][1], CODE_SERIES[code][2]
        fu = "FU302" if code == "OF" else "FU304"
        if ed.source_id == "io_2007_bureau_xlsx":
            code = f"{fu}, Guangdong only, headed {DOMESTIC_FU3[fu][1]}"
        elif ed.source_id == "io_2012_bureau_xlsx":
            code = f"{code}; Jiangxi prints it as {fu} headed {'流出外省' if code == 'OF' else '外省流入'}"
    else:
        code = next(c for c, s in CODE_SERIES.items() if s[0] == series)
        en, zh = CODE_SERIES[code][1], CODE_SERIES[code][2]
    desc = (f"{en} ({zh}, code {code}): {where} of the {ed.year} input-output table; printed in 万元, stored in "
            f"亿元 (divided by 10,000). Current producer prices. Benchmark accounts compiled apart from the annual "
            f"expenditure-approach GRP series: do not splice.")
    label = f"IO {ed.year}: {en.split(' (')[0]}"
    return SeriesInfo(series, UNIT, desc, ed.source_id, vintage(ed), label=label)


def build(src: Path) -> list[Table]:
    recs, excl, sources, infos = [], [], [], []
    parsed: dict[str, list[IOTable]] = {}
    for ed in EDITIONS:
        tables = parsed[ed.source_id] = parse_edition(src, ed)
        dup_ids = {v for (sid, _g), v in DUPLICATES.items() if sid == ed.source_id}
        dups = {t.key: t for d in dup_ids for t in parsed[d]}
        r, e, present = tidy(ed, tables, dups)
        recs += r
        excl += e
        sources.append(_source(src, ed, tables))
        infos += [_series_info(s, ed) for s in sorted(present)]
    df = pd.DataFrame.from_records(recs)
    return [Table(
        name="provincial_io_final_demand",
        title="Provincial input-output tables: value added and final demand, 2002, 2007, 2012, 2017 (亿元)",
        description=(
            "Column totals of the final-use block and total value added of the provincial (and national) "
            "42-sector input-output tables of the benchmark years, as printed (万元 converted to 亿元). "
            "2012 and 2017 split trade into foreign exports/imports and domestic outflow/inflow to other provinces; "
            "2007 prints only total outflow/inflow (Guangdong excepted) and 2002 only net outflow. Two compilations "
            "of 2012 are kept apart (bureau xlsx and 皮皮侠). No Tibet table in 2002 and 2007; 1997 not built "
            "(see tools/build/io_tables.py). The IO tables are benchmark accounts compiled apart from the annual "
            "expenditure series."),
        rows=df, sources=sources, series=infos, exclusions=excl,
    )]
