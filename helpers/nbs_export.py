"""Read official NBS database exports (分省年度数据) and add them to ``data/``.

The NBS database (https://data.stats.gov.cn, 分省年度数据 / English "Annual by Province")
lets anyone download one indicator for all provinces as CSV or Excel. Such a file looks like::

    数据库：分省年度数据
    指标：地区生产总值(亿元)
    时间：最近20年
    地区,2024年,2023年,...
    北京市,49670.2,47353.7,...
    ...
    注：按照我国国民经济核算数据修订制度...
    数据来源：国家统计局

or, from the English site, ``Database:Annual by Province`` / ``Indicators:Gross Regional
Product(100 million yuan)`` / ``Time:Last 20 years`` / ``Region,2024,2023,...`` and
``Note:`` / ``Data Sources:`` footnotes. CSV files come in GBK/GB18030 or UTF-8 (with or
without BOM); XLS and XLSX are read from their first sheet.

* :func:`read_export` parses one file into an :class:`ExportInfo` (indicator, unit,
  canonical series, footnotes, and one row per published cell). Blank cells are gaps
  (no row). Anything else that is not a number is an error naming file, line, year
  column and province.
* :func:`add` writes the export as a new tidy table ``data/nbs_<series>_<slug>.csv`` and
  registers it in ``data/datapackage.json`` (``x_origin: reader-import``), without touching
  any other table. Command line: ``python -m helpers.data add FILE [--vintage V] [--force]``.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths, provinces, schema
from .series import NBS_INDICATORS, SERIES


class NBSExportError(ValueError):
    """The file is not a readable NBS database export (the message names file and place)."""


# --------------------------------------------------------------------------- units

#: unit text in an export (Chinese or English, lower-cased, spaces collapsed) -> schema.UNITS symbol
UNIT_ALIASES: dict[str, str] = {
    # Chinese: the symbols themselves
    **{u: u for u in schema.UNITS},
    "百分比": "%", "％": "%",
    # English database
    "100 million yuan": "亿元", "100million yuan": "亿元", "yuan 100 million": "亿元",
    "100 million rmb": "亿元", "rmb 100 million": "亿元",
    "10000 yuan": "万元", "yuan 10000": "万元", "10 thousand yuan": "万元",
    "yuan": "元", "rmb": "元", "rmb yuan": "元",
    "1000 us dollars": "千美元", "1000 us dollar": "千美元", "usd 1000": "千美元", "1000 usd": "千美元",
    "thousand us dollars": "千美元", "us$ 1000": "千美元", "1000 us$": "千美元",
    "10000 us dollars": "万美元", "usd 10000": "万美元", "10000 usd": "万美元",
    "million us dollars": "百万美元", "usd million": "百万美元", "usd 1 million": "百万美元",
    "1 million us dollars": "百万美元",
    "100 million us dollars": "亿美元", "usd 100 million": "亿美元", "100 million usd": "亿美元",
    "us dollars": "美元", "us dollar": "美元", "usd": "美元",
    "10000 persons": "万人", "10000 person": "万人", "10000 people": "万人", "10 thousand persons": "万人",
    "person": "人", "persons": "人", "people": "人",
    "percent": "%", "per cent": "%",
    "per thousand": "‰", "per mille": "‰", "0/00": "‰",
}

_INDEX_UNIT = re.compile(r"^(上年|preceding year|previous year|last year|\d{4}(年)?)\s*=\s*100$", re.I)


def unit_symbol(text: str) -> str | None:
    """The :data:`schema.UNITS` symbol for a unit as printed in an export, or ``None``."""
    t = re.sub(r"\s+", " ", str(text).strip())
    if t in UNIT_ALIASES:
        return UNIT_ALIASES[t]
    low = re.sub(r"(?<=\d)[,\s](?=\d{3})", "", t.lower())  # "10,000 persons" -> "10000 persons"
    low = low.replace("(", "").replace(")", "").strip()
    if low in UNIT_ALIASES:
        return UNIT_ALIASES[low]
    if _INDEX_UNIT.match(t):
        return "指数"
    return None


# --------------------------------------------------------------------------- reading

_META = re.compile(r"^\s*(数据库|指标|时间|地区|database|indicators?|time|regions?)\s*[:：]\s*(.*)$", re.I)
_META_KEY = {"数据库": "database", "database": "database", "指标": "indicator", "indicator": "indicator",
             "indicators": "indicator", "时间": "time", "time": "time", "地区": "region", "region": "region",
             "regions": "region"}
_HEADER_FIRST = {"地区", "region", "regions", "地区名称", "省份"}
_FOOTNOTE = re.compile(r"^\s*(注|说明|数据来源|资料来源|来源|notes?|data ?sources?|sources?|explanation)\s*[:：]?",
                       re.I)
_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
#: cells NBS leaves blank or marks as not available: a gap, not an error
BLANKS = {"", "-", "--", "—", "——", "…", "...", "..", "…………", "　"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_CENSUS = re.compile(r"第([一二三四五六七八九十\d]+)次全国(经济|人口)普查")
_CENSUS_EN = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|1st|2nd|3rd|4th|5th|6th|7th)\s+"
                        r"(?:national\s+)?(economic|population)\s+census", re.I)
_ORD_ZH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ORD_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7}


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


@dataclass
class ExportInfo:
    """One NBS database export, parsed.

    ``frame`` has one row per published cell: ``geo_code``, ``region`` (as printed),
    ``year``, ``value``, ``line`` (line or sheet row of the cell in the file).
    """

    indicator: str               # indicator name as printed, without the unit ("地区生产总值")
    unit: str                    # schema.UNITS symbol ("亿元")
    series: str                  # canonical series (helpers.series) or "nbs_<slug>" for unknown indicators
    database: str                # "分省年度数据" / "Annual by Province" ("" if the line is absent)
    time: str                    # the 时间 line ("最近20年") ("" if absent)
    footnotes: list[str]         # 注 / 数据来源 / Note / Source lines, as printed
    frame: pd.DataFrame
    path: Path | None = None
    encoding: str = ""           # "utf-8-sig", "gb18030", "xlsx", "xls"
    language: str = "zh"         # "zh" or "en"
    unit_text: str = ""          # unit as printed ("亿元", "100 million yuan")
    label: str = ""              # English label (canonical series) or the indicator as printed
    known_indicator: bool = True
    header_lines: dict = field(default_factory=dict)   # which meta lines were present, with line numbers
    generic: bool = False        # a generic wide table (no NBS header lines; indicator and unit given)

    @property
    def years(self) -> list[int]:
        return sorted(self.frame["year"].unique().tolist())

    def census_hint(self) -> str:
        """'revised after the 5th economic census' when a footnote says so, else ''."""
        text = " ".join(self.footnotes)
        m = _CENSUS.search(text)
        if m:
            n = m.group(1)
            num = int(n) if n.isdigit() else _ORD_ZH.get(n, 0)
            kind = "economic" if m.group(2) == "经济" else "population"
            return f"revised after the {_ordinal(num)} {kind} census ({m.group(0)})"
        m = _CENSUS_EN.search(text)
        if m:
            w = m.group(1).lower()
            num = _ORD_EN.get(w) or int(re.sub(r"\D", "", w))
            return f"revised after the {_ordinal(num)} {m.group(2).lower()} census"
        return ""


def _where(path: Path, line: int, excel: bool) -> str:
    return f"{path}: {'row' if excel else 'line'} {line}"


#: footnotes kept from an export (the rest are counted, not stored)
MAX_FOOTNOTE_LINES = 50
MAX_FOOTNOTE_CHARS = 4000


def _text_lines(path: Path, state: dict):
    """Decoded lines of a CSV/text export, read line by line (UTF-16, UTF-8 with or without BOM,
    GBK/GB18030; the encoding is settled at the first non-ASCII line)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel "Unicode text"
            state["enc"] = "utf-16"
            try:
                yield from io.TextIOWrapper(fh, encoding="utf-16", newline="")
            except UnicodeDecodeError as exc:
                raise NBSExportError(f"{path}: starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                                     f"({exc.reason})") from None
            return
        bom = head.startswith(b"\xef\xbb\xbf")
        enc = "utf-8" if bom else None
        state["enc"] = "utf-8-sig"
        for n, raw in enumerate(fh, start=1):
            if n == 1 and bom:
                raw = raw[3:]
            if enc is None and not raw.isascii():
                try:
                    raw.decode("utf-8")
                    enc = "utf-8"
                except UnicodeDecodeError:
                    enc = "gb18030"
                state["enc"] = "utf-8-sig" if enc == "utf-8" else "gb18030"
            try:
                yield raw.decode(enc or "ascii")
            except UnicodeDecodeError as exc:
                raise NBSExportError(
                    f"{path}: line {n}: cannot be read as UTF-8 or GBK/GB18030 (undecodable byte "
                    f"0x{raw[exc.start]:02x}{'; the lines above were ' + enc if enc else ''}); NBS exports are "
                    f"GBK or UTF-8: re-download the file or save it as CSV in UTF-8") from None


def _grid_csv(path: Path, state: dict):
    lines = _text_lines(path, state)
    sample = []
    for line in lines:  # the delimiter, from the first lines: tab-separated "Unicode text" saves
        sample.append(line)
        if len(sample) >= 12:
            break
    text = "".join(sample)
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    reader = csv.reader(itertools.chain(sample, lines), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise NBSExportError(f"{path}: line {reader.line_num}: not readable as CSV ({exc})") from None


def _grid_excel(path: Path, state: dict):
    suffix = path.suffix.lower()
    try:
        if suffix == ".xls":
            import xlrd
            book = xlrd.open_workbook(str(path))
            sh = book.sheet_by_index(0)
            state["enc"] = "xls"
            rows = ((i + 1, sh.row_values(i)) for i in range(sh.nrows))
        else:
            import openpyxl
            wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
            state["enc"] = "xlsx"
            rows = enumerate(wb.worksheets[0].iter_rows(min_row=1, values_only=True), start=1)
        for i, r in rows:
            yield i, list(r)
    except NBSExportError:
        raise
    except Exception as exc:  # xlrd/openpyxl raise many types for a broken file
        raise NBSExportError(f"{path}: cannot be opened as an Excel {suffix} file ({type(exc).__name__}: "
                             f"{exc})") from None


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$|^[+-]?\d{1,3}(,\d{3}){2,}$")


def parse_number(text: str) -> float | None:
    """A cell's number, or ``None`` if the cell is not a plain number.

    Thousands separators are accepted only where they cannot be a decimal comma ("1,234.5",
    "12,345,678"); "49670,2", "1,234", "12%" or "3亿元" are not numbers.
    """
    t = str(text).strip()
    if _NUMBER.match(t):
        return float(t)
    if _THOUSANDS.match(t):
        return float(t.replace(",", ""))
    return None


def _cell_text(c) -> str:
    if c is None:
        return ""
    if isinstance(c, float):
        if c != c:  # NaN
            return ""
        return str(int(c)) if c.is_integer() else repr(c)
    return str(c).strip()


def split_indicator(text: str) -> tuple[str, str | None]:
    """'地区生产总值(亿元)' -> ('地区生产总值', '亿元'); the unit is the last parenthesised group."""
    t = text.strip().replace("（", "(").replace("）", ")")
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", t)
    if not m or not m.group(1).strip():
        return t, None
    return m.group(1).strip(), m.group(2).strip()


def _slug(text: str, maxlen: int = 40) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s[:maxlen].rstrip("_")


def series_for(indicator: str, prefix: str = "nbs") -> tuple[str, str, bool]:
    """(series, label, known) for an indicator name as printed in an export.

    Unknown indicators get ``nbs_<ascii slug>`` (or ``nbs_<hash>`` for a Chinese-only name)
    and keep the printed name as label.
    """
    key = indicator.strip().replace("（", "(").replace("）", ")")
    for k in (key, key.lower(), re.sub(r"\s+", " ", key.lower())):
        if k in NBS_INDICATORS:
            s = NBS_INDICATORS[k]
            return s, SERIES.get(s, (s, ""))[0], True
    slug = _slug(key, 36)
    if not slug or len(re.sub(r"[\x00-\x7f]", "", key)) > 0 and len(slug) < 3:
        slug = "x" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    return f"{prefix}_{slug}", key, False


def _resolve(path: Path, meta: dict, hline: int, excel: bool, indicator: str | None, unit: str | None,
             generic: bool) -> tuple[str, str, str]:
    """(indicator name, unit as printed or given, schema unit symbol)."""
    ind_line = meta.get("indicator")
    printed_name, printed_unit = (split_indicator(ind_line[1]) if ind_line else (None, None))
    if indicator is not None:
        name, ind_unit = split_indicator(indicator)
        if ind_unit and unit is None and unit_symbol(ind_unit):
            unit = ind_unit
        elif ind_unit and not unit_symbol(ind_unit):
            name = indicator.strip()
    else:
        name = printed_name
    if not name:
        what = ("the header row has years but the file has no 指标/Indicators line" if generic else
                f"no 指标/Indicators line above the header row (line {hline})")
        raise NBSExportError(f"{path}: {what}, so the indicator and unit are unknown; name them with "
                             f"--indicator NAME --unit UNIT")
    unit_text = unit if unit is not None else printed_unit
    if unit_text is None:
        where = f"line {ind_line[0]}" if ind_line else f"line {hline}"
        raise NBSExportError(f"{path}: {where}: indicator {name!r} has no unit in parentheses, e.g. "
                             f"'地区生产总值(亿元)'; give it with --unit (e.g. --unit 亿元)")
    sym = unit_symbol(unit_text)
    if sym is None:
        where = (f"{'row' if excel else 'line'} {ind_line[0]}: unknown unit {unit_text!r} in indicator "
                 f"{ind_line[1]!r}" if (ind_line and unit is None) else f"--unit {unit_text!r} is not a known unit")
        raise NBSExportError(f"{path}: {where}; known units: {', '.join(schema.UNITS)} (and their English "
                             f"names, e.g. '100 million yuan')")
    return name, unit_text, sym


def read_export(path, indicator: str | None = None, unit: str | None = None) -> ExportInfo:
    """Parse an NBS database export (CSV in GBK/GB18030/UTF-8/UTF-16, XLS or XLSX), or a generic
    wide table (regions down, years across, no header lines) when ``indicator`` and ``unit`` are given.

    ``indicator`` and ``unit`` override (or stand in for) the 指标/Indicators line. ``unit`` may be
    a symbol (``万人``) or English text (``10000 persons``). The file is read row by row and the
    first fatal error is raised at once (:class:`NBSExportError` naming file, line and column);
    at most :data:`MAX_FOOTNOTE_LINES` footnote lines are kept.
    """
    path = Path(path)
    if not path.exists():
        raise NBSExportError(f"{path}: file not found")
    if path.is_dir():
        raise NBSExportError(f"{path}: is a folder, not a file; give the exported .csv, .xls or .xlsx file")
    excel = path.suffix.lower() in (".xls", ".xlsx", ".xlsm")
    state: dict = {}
    try:
        return _read(path, excel, _grid_excel(path, state) if excel else _grid_csv(path, state), state,
                     indicator, unit)
    except OSError as exc:
        raise NBSExportError(f"{path}: cannot be read ({exc.strerror})") from None


def _read(path, excel, grid, state, indicator, unit) -> ExportInfo:
    meta: dict[str, tuple[int, str]] = {}
    header = None
    footnotes: list[str] = []
    dropped = 0
    records = []
    seen: dict[str, tuple[int, str]] = {}
    generic = False
    for line, cells in grid:
        texts = [_cell_text(c) for c in cells]
        ncells = len(texts) - 1
        while texts and texts[-1] == "":
            texts.pop()
        if not texts or all(t == "" for t in texts):
            continue
        joined = ",".join(texts)
        if header is None:
            m = _META.match(texts[0])
            if m and not (len(texts) > 1 and _YEAR.match(texts[1] or "")):
                key = _META_KEY[m.group(1).lower()]
                meta[key] = (line, ",".join([m.group(2)] + texts[1:]).strip().strip(","))
                continue
            first = texts[0].strip().lower()
            looks_wide = len(texts) > 1 and all(_YEAR.match(t) for t in texts[1:]) and not _YEAR.match(first)
            if first in _HEADER_FIRST or (looks_wide and not meta):
                generic = first not in _HEADER_FIRST
                years = []
                for j, t in enumerate(texts[1:], start=2):
                    ym = _YEAR.match(t)
                    if not ym:
                        raise NBSExportError(f"{_where(path, line, excel)}, column {j}: header cell {t!r} "
                                             f"is not a year (expected '2024年' or '2024')")
                    years.append(int(ym.group(1)))
                dup = {y for y in years if years.count(y) > 1}
                if dup:
                    raise NBSExportError(f"{_where(path, line, excel)}: year(s) {sorted(dup)} appear twice "
                                         f"in the header row")
                if not years:
                    raise NBSExportError(f"{_where(path, line, excel)}: header row has no year columns")
                header = (line, texts[0], years)
                name, unit_text, sym = _resolve(path, meta, line, excel, indicator, unit, generic)
                continue
            if meta:
                raise NBSExportError(
                    f"{_where(path, line, excel)}: expected the header row (地区,2024年,... or Region,2024,...) "
                    f"after the {'/'.join(meta)} line(s), found {joined[:80]!r}")
            break  # neither header lines nor the region/year header: not an export (reported below)
        if footnotes or dropped or _FOOTNOTE.match(texts[0]):
            if len(footnotes) < MAX_FOOTNOTE_LINES and sum(map(len, footnotes)) + len(joined) <= MAX_FOOTNOTE_CHARS:
                footnotes.append(joined)
            else:
                dropped += 1
            continue
        hline, _, years = header
        region = texts[0]
        try:
            code = provinces.code_of(region, allow_national=True)
        except provinces.UnknownProvinceError as exc:
            hint = f"; did you mean {exc.suggestion}?" if exc.suggestion else (
                "; expected one of the 31 provinces (e.g. 北京市, Beijing) or 全国/National")
            raise NBSExportError(f"{_where(path, line, excel)}: unknown region {region!r}{hint}") from None
        if code in seen:
            first_line, first_name = seen[code]
            raise NBSExportError(
                f"{path}: region {region!r} on {'row' if excel else 'line'} {line} repeats {first_name!r} on "
                f"{'row' if excel else 'line'} {first_line} (both are {provinces.name_en(code) if code != provinces.NATIONAL_CODE else 'China'}, {code})")
        seen[code] = (line, region)
        vals = texts[1:]
        if len(vals) > len(years) and any(c.strip() for c in vals[len(years):]):
            raise NBSExportError(f"{_where(path, line, excel)}: {region}: {len(vals)} value cells but the "
                                 f"header row (line {hline}) has {len(years)} years")
        if ncells < len(years) and any(c.strip() not in BLANKS for c in vals):
            raise NBSExportError(f"{_where(path, line, excel)}: {region} has {ncells} value cell(s) but the header "
                                 f"row (line {hline}) has {len(years)} years; a row with cells missing would put "
                                 f"values under the wrong years")
        for j, (year, c) in enumerate(zip(years, vals), start=2):
            if c.strip() in BLANKS:
                continue  # a gap: no row
            v = parse_number(c)
            if v is None:
                why = ("a comma here could be a thousands separator or a decimal comma" if "," in c else
                       "text or a unit in a number cell" if re.search(r"[^\d.,+\-eE\s]", c) else "not a number")
                raise NBSExportError(f"{_where(path, line, excel)}, column {j} ({year}): {region}: cell {c!r} is "
                                     f"not a plain number ({why}); blank cells are read as missing")
            records.append({"geo_code": code, "region": region, "year": year, "value": v, "line": line})

    if header is None:
        raise NBSExportError(
            f"{path}: not an NBS database export: no 数据库/指标/时间 (Database/Indicators/Time) lines "
            f"and no header row starting with 地区 or Region followed by years")
    hline, hfirst, years = header
    if not records:
        raise NBSExportError(f"{path}: no values below the header row (line {hline})")
    if dropped:
        footnotes.append(f"({dropped} more footnote lines not kept)")
    language = "zh" if re.search(r"[\u4e00-\u9fff]", hfirst + "".join(v for _, v in meta.values())
                                 + "".join(r["region"] for r in records[:3])) else "en"
    series, label, known = series_for(name, "reader" if generic else "nbs")
    frame = pd.DataFrame.from_records(records, columns=["geo_code", "region", "year", "value", "line"])
    return ExportInfo(
        indicator=name, unit=sym, series=series,
        database=meta.get("database", (0, ""))[1], time=meta.get("time", (0, ""))[1],
        footnotes=footnotes, frame=frame, path=path, encoding=state.get("enc", ""), language=language,
        unit_text=unit_text, label=label, known_indicator=known,
        header_lines={k: v[0] for k, v in meta.items()} | {"header": hline}, generic=generic,
    )


def tidy(info: ExportInfo, source_id: str, vintage: str) -> pd.DataFrame:
    """The export's cells as tidy rows (:data:`schema.COLUMNS`)."""
    f = info.frame
    return pd.DataFrame({
        "geo_code": f["geo_code"].values, "year": f["year"].values, "quarter": pd.NA,
        "series": info.series, "value": f["value"].values, "unit": info.unit,
        "source_id": source_id, "vintage": vintage,
    })[schema.COLUMNS]


# --------------------------------------------------------------------------- adding to data/

def default_vintage(info: ExportInfo) -> str:
    date = _dt.date.fromtimestamp(info.path.stat().st_mtime).isoformat() if info.path else "undated"
    if info.generic:
        return f"wide table added by a reader, file dated {date}"
    hint = info.census_hint()
    return f"NBS database export, {hint}, file dated {date}" if hint else f"NBS database export, file dated {date}"


def table_name(info: ExportInfo, vintage: str | None, digest: str) -> str:
    prefix = "reader" if info.generic else "nbs"
    core = re.sub(r"^(nbs|reader)_", "", info.series)
    slug = _slug(vintage) if vintage else ""
    if vintage and not slug:  # a vintage with no ASCII letters or digits
        slug = "v" + hashlib.sha1(vintage.encode("utf-8")).hexdigest()[:8]
    if not slug:  # no vintage given (or no ASCII in it): name the table after the file
        slug = _slug(info.path.stem if info.path else "")
        if len(slug) < 3:
            slug = "file_" + digest[:8]
    return f"{prefix}_{core}_{slug}"[:80].rstrip("_")


def _describe(info: ExportInfo, vintage: str) -> str:
    lang = "English" if info.language == "en" else "Chinese"
    yrs = info.years
    kind = ("wide table (regions down, years across), indicator and unit named on the command line" if info.generic
            else f"NBS database export ({info.database or '分省年度数据'}, {lang} site)")
    parts = [f"{kind}, indicator "
             f"{info.indicator!r} in {info.unit_text}, {yrs[0]}-{yrs[-1]}, "
             f"{info.frame['geo_code'].nunique()} regions; added by a reader with `python -m helpers.data add`."]
    if not info.known_indicator:
        parts.append("The indicator is not one of the book's canonical series, so it is kept under its own "
                     "series name and no chapter uses it automatically.")
    if info.footnotes:
        parts.append("Footnotes: " + " | ".join(info.footnotes))
    return " ".join(parts)


def _conflicts(new: pd.DataFrame, old: pd.DataFrame, name: str) -> list[str]:
    key = ["geo_code", "year", "series", "source_id", "vintage"]
    o = schema.validate(old, f"data/{name}.csv")
    o = o[o["quarter"].isna()]
    m = new.merge(o[key + ["value"]], on=key, suffixes=("", "_old"))
    bad = m[m["value"] != m["value_old"]]
    out = []
    for _, r in bad.head(10).iterrows():
        pname = provinces.name_en(r["geo_code"]) if r["geo_code"] != provinces.NATIONAL_CODE else "China"
        out.append(f"{pname} ({r['geo_code']}) {r['year']} {r['series']}: data/{name}.csv has {r['value_old']:g}, "
                   f"the file has {r['value']:g}")
    if len(bad) > 10:
        out.append(f"... and {len(bad) - 10} more")
    return out


def _load_rows(out: Path, r: dict) -> pd.DataFrame | None:
    p = out / r["path"]
    return schema.read_csv(p) if p.exists() else None


def _duplicate_of(rows: pd.DataFrame, resources: list, out: Path, skip: set) -> str | None:
    """'table T (source S, vintage V)' if every new value is already in data/ under one source and vintage."""
    series, unit = rows["series"].iloc[0], rows["unit"].iloc[0]
    new = set(zip(rows["geo_code"], rows["year"].astype(int), rows["value"].astype(float)))
    for r in resources:
        if r["name"] in skip or not any(s["series"] == series and s["unit"] == unit for s in r.get("x_series", [])):
            continue
        old = _load_rows(out, r)
        if old is None:
            continue
        old = old[(old["series"] == series) & (old["unit"] == unit) & (old["quarter"].fillna("") == "")]
        for (src, vin), g in old.groupby(["source_id", "vintage"]):
            have = set(zip(g["geo_code"], g["year"].astype(int), g["value"].astype(float)))
            if new <= have:
                return f"data/{r['name']}.csv (series {series}, source {src}, vintage {vin!r})"
    return None


def add(path, vintage: str | None = None, force: bool = False, data_dir: Path | None = None,
        indicator: str | None = None, unit: str | None = None, source: str | None = None) -> str:
    """Add an NBS database export, or a generic wide table with ``indicator`` and ``unit``, to
    ``data/`` as a new table; return its name.

    Refuses (``NBSExportError``) a file already in ``data/`` (same sha256 as a recorded file, or
    every value already there under one source and vintage), a table name already taken (unless
    ``force`` and the table is a reader's), and a value that would contradict one already in
    ``data/`` under the same source and vintage (even with ``force``). Nothing in ``data/`` changes
    unless every check passes; the table and the manifest are replaced together.
    """
    from .manifest import READER_ORIGIN, AtomicWrite, SeriesInfo, Source, Table, manifest_bytes, read_manifest
    from .manifest import resource_json, sha256_file

    path = Path(path)
    out = Path(data_dir) if data_dir else paths.DATA
    pkg = read_manifest(out)
    if pkg is None:
        raise NBSExportError(f"{out / 'datapackage.json'} not found: build data/ first (`python -m tools.build`)")
    info = read_export(path, indicator=indicator, unit=unit)
    digest = sha256_file(path)
    vint = vintage.strip() if vintage and vintage.strip() else default_vintage(info)
    name = table_name(info, vintage, digest)
    source_id = name

    resources = pkg.get("resources", [])
    by_name = {r["name"]: r for r in resources}
    existing = by_name.get(name)
    if existing is not None and existing.get("x_origin") != READER_ORIGIN:
        raise NBSExportError(f"{path}: table name {name!r} belongs to the build; choose another --vintage")
    # the same file already recorded, by the build or by an earlier add
    for s in pkg.get("sources", []):
        if any(rf.get("sha256") == digest for rf in s.get("raw_files", [])):
            users = [r for r in resources if any(x["name"] == s["name"] for x in r.get("sources", []))]
            if any(r.get("x_origin") != READER_ORIGIN for r in users) or not users:
                raise NBSExportError(f"{path}: this file is already in data/: it is the raw file of source "
                                     f"{s['name']!r}, used by " + ", ".join(f"data/{r['path']}" for r in users))
            others = [r["name"] for r in users if r["name"] != name]
            if others:
                raise NBSExportError(f"{path}: this file was already added as data/{others[0]}.csv (same sha256); "
                                     f"to replace that table run `python -m helpers.data remove {others[0]}` first")
    if existing is not None and not force:
        same = existing.get("x_imported_file", {}).get("sha256") == digest
        raise NBSExportError(f"{path}: data/{name}.csv already exists ("
                             + ("added from this same file" if same else "a table added with the same vintage")
                             + "); use --force to replace it" + ("" if same else ", or choose another --vintage"))
    replaced = {name} if existing is not None else set()

    rows = tidy(info, source_id, vint)
    dup = _duplicate_of(rows, resources, out, replaced)
    if dup:
        raise NBSExportError(f"{path}: every value in this file is already in data/, in {dup}; nothing to add")
    # never contradict a value already in data/ under the same source and vintage
    for r in resources:
        if "x_series" not in r:
            continue
        if not any(s.get("source_id") == source_id and s.get("vintage") == vint for s in r["x_series"]):
            continue
        old = _load_rows(out, r)
        bad = _conflicts(rows, old, r["name"]) if old is not None else []
        if bad:
            raise NBSExportError(
                f"{path}: values differ from those already in data/ under source {source_id!r} and vintage "
                f"{vint!r}; add the file with a different --vintage instead:\n  " + "\n  ".join(bad))

    hint = info.census_hint()
    notes = ("; ".join(info.footnotes) + (f" [{hint}]" if hint else "")).strip()
    if info.generic:
        src = Source(
            id=source_id,
            title=f"{info.indicator} ({info.series}), by province; wide table added by a reader",
            publisher=source or "not stated by the reader",
            table=f"{path.name}: indicator {info.indicator} ({info.unit_text}) named on the command line",
            address="", raw_files=[], vintage=vint,
            licence="As stated by the publisher; the reader who added it is responsible for the attribution.",
            trust="MEDIUM", notes=notes)
    else:
        src = Source(
            id=source_id,
            title=f"{info.indicator} ({info.label if info.known_indicator else info.series}), by province; "
                  f"NBS database export added by a reader",
            publisher="National Bureau of Statistics of China",
            table=f"{info.database or '分省年度数据'}, 指标 {info.indicator}({info.unit_text})"
                  + (f", 时间 {info.time}" if info.time else "") + (f"; {source}" if source else ""),
            address="https://data.stats.gov.cn/english/easyquery.htm?cn=E0103" if info.language == "en"
            else "https://data.stats.gov.cn/easyquery.htm?cn=E0103",
            raw_files=[], vintage=vint,
            licence="Official statistics (NBS); cite the National Bureau of Statistics.",
            trust="HIGH" if info.database and info.known_indicator else "MEDIUM-HIGH",
            notes=notes)
    yrs = info.years
    what = "reader-added wide table" if info.generic else "reader-added NBS export"
    table = Table(
        name=name,
        title=f"{info.label} by province, {yrs[0]}-{yrs[-1]} ({info.unit_text}), {what}",
        description=_describe(info, vint),
        rows=rows,
        sources=[src],
        series=[SeriesInfo(info.series, info.unit, f"{info.indicator} ({info.unit_text}), "
                           + ("from a wide table named on the command line." if info.generic else
                              "as exported from the NBS database 分省年度数据."), source_id, vint, label=info.label)],
    )
    df = table.check()

    try:
        with AtomicWrite() as w:
            tmp = w.stage(out / f"{name}.csv", lambda p: schema.write_csv(df, p))
            res = resource_json(table, tmp, origin=READER_ORIGIN)
            res["x_imported_file"] = {"name": path.name, "sha256": digest}
            src_json = src.to_json(None)
            src_json["raw_files"] = [{"path": path.name, "sha256": digest,
                                      "note": "file supplied by the reader; not in ../shared/sources"}]
            src_json["x_origin"] = READER_ORIGIN
            new_resources = sorted([r for r in resources if r["name"] not in replaced] + [res],
                                   key=lambda r: r["name"])
            new_sources = _used_sources(pkg, new_resources, drop=source_id) + [src_json]
            new_sources.sort(key=lambda s: s["name"])
            w.stage(out / "datapackage.json", manifest_bytes(dict(pkg, resources=new_resources, sources=new_sources)))
    except OSError as exc:
        raise NBSExportError(f"{exc.filename or out}: cannot write ({exc.strerror}); data/ is unchanged") from None
    return name


def _used_sources(pkg: dict, resources: list, drop: str = "") -> list:
    used = {x["name"] for r in resources for x in r.get("sources", [])}
    return [s for s in pkg.get("sources", []) if s["name"] != drop and s["name"] in used]


def remove(name: str, data_dir: Path | None = None) -> None:
    """Remove a table a reader added (its file, manifest entry and sources), even if its file is gone."""
    from .manifest import READER_ORIGIN, AtomicWrite, manifest_bytes, read_manifest

    out = Path(data_dir) if data_dir else paths.DATA
    pkg = read_manifest(out)
    if pkg is None:
        raise NBSExportError(f"{out / 'datapackage.json'} not found")
    res = {r["name"]: r for r in pkg["resources"]}
    if name not in res:
        added = [n for n, r in res.items() if r.get("x_origin") == READER_ORIGIN]
        raise NBSExportError(f"{out / 'datapackage.json'}: no table {name!r}; tables added by readers: "
                             + (", ".join(added) or "none"))
    if res[name].get("x_origin") != READER_ORIGIN:
        raise NBSExportError(f"data/{name}.csv is built from ../shared/sources by `python -m tools.build`, not "
                             f"added by a reader; it cannot be removed with this command")
    resources = [r for r in pkg["resources"] if r["name"] != name]
    try:
        with AtomicWrite() as w:
            w.remove(out / res[name]["path"])
            w.stage(out / "datapackage.json",
                    manifest_bytes(dict(pkg, resources=resources, sources=_used_sources(pkg, resources))))
    except OSError as exc:
        raise NBSExportError(f"{exc.filename or out}: cannot write ({exc.strerror}); data/ is unchanged") from None
