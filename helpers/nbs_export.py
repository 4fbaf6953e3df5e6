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
import json
import os
import re
import tempfile
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


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel "Unicode text"
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise NBSExportError(f"{path}: starts with a UTF-16 byte-order mark but byte {exc.start} is "
                                 f"not valid UTF-16") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise NBSExportError(f"{path}: starts with a UTF-8 byte-order mark but line {line} is not "
                                 f"valid UTF-8 (byte {exc.start})") from None
    try:
        return raw.decode("utf-8"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NBSExportError(
            f"{path}: cannot be read as UTF-8 or GBK/GB18030 (undecodable byte 0x{raw[exc.start]:02x} on "
            f"line {line}); NBS exports are GBK or UTF-8: re-download the file or save it as CSV in "
            f"UTF-8") from None


def _grid_csv(path: Path) -> tuple[list[tuple[int, list]], str]:
    text, enc = _decode(path, path.read_bytes())
    text = text.lstrip("\ufeff")
    rows = []
    delimiter = "\t" if text.count("\t") > text.count(",") else ","  # tab-separated "Unicode text" saves
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise NBSExportError(f"{path}: line {reader.line_num}: not readable as CSV ({exc})") from None
    return rows, enc


def _grid_excel(path: Path) -> tuple[list[tuple[int, list]], str]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".xls":
            import xlrd
            book = xlrd.open_workbook(str(path))
            sh = book.sheet_by_index(0)
            return [(i + 1, sh.row_values(i)) for i in range(sh.nrows)], "xls"
        import openpyxl
        wb = openpyxl.load_workbook(path, data_only=True)
        ws = wb.worksheets[0]
        return [(i, list(r)) for i, r in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)], "xlsx"
    except NBSExportError:
        raise
    except Exception as exc:  # xlrd/openpyxl raise many types for a broken file
        raise NBSExportError(f"{path}: cannot be opened as an Excel {suffix} file ({type(exc).__name__}: "
                             f"{exc})") from None


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


def series_for(indicator: str) -> tuple[str, str, bool]:
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
    return f"nbs_{slug}", key, False


def read_export(path, indicator: str | None = None, unit: str | None = None) -> ExportInfo:
    """Parse an NBS database export (CSV in GBK/GB18030/UTF-8, XLS or XLSX).

    ``indicator`` and ``unit`` override (or stand in for) the 指标/Indicators line, for
    files whose header lines were cut off. ``unit`` may be a symbol (``万人``) or English text
    (``10000 persons``).
    """
    path = Path(path)
    if not path.exists():
        raise NBSExportError(f"{path}: file not found")
    excel = path.suffix.lower() in (".xls", ".xlsx", ".xlsm")
    grid, enc = _grid_excel(path) if excel else _grid_csv(path)

    meta: dict[str, tuple[int, str]] = {}
    header = None
    footnotes: list[str] = []
    data_rows: list[tuple[int, list]] = []
    for line, cells in grid:
        texts = [_cell_text(c) for c in cells]
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
            if texts[0].strip().lower() in _HEADER_FIRST:
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
                continue
            if meta:
                raise NBSExportError(
                    f"{_where(path, line, excel)}: expected the header row (地区,2024年,... or Region,2024,...) "
                    f"after the {'/'.join(meta)} line(s), found {joined[:80]!r}")
            break  # neither header lines nor the region/year header: not an export (reported below)
        if footnotes or _FOOTNOTE.match(texts[0]):
            footnotes.append(joined)
            continue
        data_rows.append((line, texts))

    if header is None:
        raise NBSExportError(
            f"{path}: not an NBS database export: no 数据库/指标/时间 (Database/Indicators/Time) lines "
            f"and no header row starting with 地区 or Region followed by years")
    hline, hfirst, years = header
    language = "zh" if re.search(r"[\u4e00-\u9fff]", hfirst + "".join(v for _, v in meta.values())) else "en"

    # indicator and unit
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
        raise NBSExportError(
            f"{path}: no 指标/Indicators line above the header row (line {hline}), so the indicator and "
            f"unit are unknown; download the export again with its header lines, or pass indicator= and unit=")
    unit_text = unit if unit is not None else printed_unit
    if unit_text is None:
        where = f"line {ind_line[0]}" if ind_line else f"line {hline}"
        raise NBSExportError(f"{path}: {where}: indicator {name!r} has no unit in parentheses, e.g. "
                             f"'地区生产总值(亿元)'; pass unit= explicitly")
    sym = unit_symbol(unit_text)
    if sym is None:
        where = f"{'row' if excel else 'line'} {ind_line[0]}" if (ind_line and unit is None) else "argument unit="
        raise NBSExportError(f"{path}: {where}: unknown unit {unit_text!r} in indicator "
                             f"{(ind_line[1] if ind_line and unit is None else name)!r}; known units: "
                             f"{', '.join(schema.UNITS)} (and their English names, e.g. '100 million yuan')")
    series, label, known = series_for(name)

    # data cells
    records = []
    seen: dict[str, tuple[int, str]] = {}
    for line, texts in data_rows:
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
        cells = texts[1:]
        if len(cells) > len(years) and any(c.strip() for c in cells[len(years):]):
            raise NBSExportError(f"{_where(path, line, excel)}: {region}: {len(cells)} value cells but the "
                                 f"header row (line {hline}) has {len(years)} years")
        for year, c in zip(years, cells):
            t = c.strip().replace(",", "") if isinstance(c, str) else c
            if t in BLANKS or t.strip() in BLANKS:
                continue  # a gap: no row
            if not _NUMBER.match(t):
                raise NBSExportError(f"{_where(path, line, excel)}, column {year}: {region}: cell {c!r} is not "
                                     f"a number (blank cells are read as missing)")
            records.append({"geo_code": code, "region": region, "year": year, "value": float(t), "line": line})
    if not records:
        raise NBSExportError(f"{path}: no values below the header row (line {hline})")
    frame = pd.DataFrame.from_records(records, columns=["geo_code", "region", "year", "value", "line"])

    return ExportInfo(
        indicator=name, unit=sym, series=series,
        database=meta.get("database", (0, ""))[1], time=meta.get("time", (0, ""))[1],
        footnotes=footnotes, frame=frame, path=path, encoding=enc, language=language,
        unit_text=unit_text, label=label, known_indicator=known,
        header_lines={k: v[0] for k, v in meta.items()} | {"header": hline},
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
    hint = info.census_hint()
    return f"NBS database export, {hint}, file dated {date}" if hint else f"NBS database export, file dated {date}"


def table_name(info: ExportInfo, vintage: str | None, digest: str) -> str:
    core = info.series[4:] if info.series.startswith("nbs_") else info.series
    slug = _slug(vintage) if vintage else ""
    if vintage and not slug:  # a vintage with no ASCII letters or digits
        slug = "v" + hashlib.sha1(vintage.encode("utf-8")).hexdigest()[:8]
    if not slug:  # no vintage given (or no ASCII in it): name the table after the file
        slug = _slug(info.path.stem if info.path else "")
        if len(slug) < 3:
            slug = "file_" + digest[:8]
    return f"nbs_{core}_{slug}"[:80].rstrip("_")


def _describe(info: ExportInfo, vintage: str) -> str:
    lang = "English" if info.language == "en" else "Chinese"
    yrs = info.years
    parts = [f"NBS database export ({info.database or '分省年度数据'}, {lang} site), indicator "
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


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def add(path, vintage: str | None = None, force: bool = False, data_dir: Path | None = None) -> str:
    """Add an NBS database export to ``data/`` as a new table; return its name.

    Refuses (``NBSExportError``) if a table from the same file or vintage exists (unless
    ``force``), or if a value would contradict one already in ``data/`` under the same
    source and vintage (even with ``force``). Nothing in ``data/`` changes unless every
    check passes; files are replaced atomically.
    """
    from .manifest import READER_ORIGIN, SeriesInfo, Source, Table, read_manifest, resource_json, sha256_file

    path = Path(path)
    out = Path(data_dir) if data_dir else paths.DATA
    pkg = read_manifest(out)
    if pkg is None:
        raise NBSExportError(f"{out / 'datapackage.json'} not found: build data/ first (`make data`)")
    info = read_export(path)
    digest = sha256_file(path)
    vint = vintage.strip() if vintage and vintage.strip() else default_vintage(info)
    name = table_name(info, vintage, digest)
    source_id = name

    resources = pkg.get("resources", [])
    by_name = {r["name"]: r for r in resources}
    existing = by_name.get(name)
    if existing is not None and existing.get("x_origin") != READER_ORIGIN:
        raise NBSExportError(f"{path}: table name {name!r} belongs to the build; choose another --vintage")
    same_file = []
    for s in pkg.get("sources", []):
        if any(rf.get("sha256") == digest for rf in s.get("raw_files", [])):
            for r in resources:
                if r.get("x_origin") == READER_ORIGIN and any(x["name"] == s["name"] for x in r.get("sources", [])):
                    same_file.append(r["name"])
    replaced = sorted(set(([name] if existing is not None else []) + same_file))
    if replaced and not force:
        why = (f"data/{name}.csv already exists (same file or vintage)" if existing is not None
               else f"this file was already added as data/{same_file[0]}.csv")
        raise NBSExportError(f"{path}: {why}; use --force to replace it, or --vintage to add it as a "
                             f"different release")

    rows = tidy(info, source_id, vint)
    # never contradict a value already in data/ under the same source and vintage
    for r in resources:
        if "x_series" not in r:
            continue
        if not any(s.get("source_id") == source_id and s.get("vintage") == vint for s in r["x_series"]):
            continue
        old = schema.read_csv(out / r["path"])
        bad = _conflicts(rows, old, r["name"])
        if bad:
            raise NBSExportError(
                f"{path}: values differ from those already in data/ under source {source_id!r} and vintage "
                f"{vint!r}; add the file with a different --vintage instead:\n  " + "\n  ".join(bad))

    hint = info.census_hint()
    src = Source(
        id=source_id,
        title=f"{info.indicator} ({info.label if info.known_indicator else info.series}), by province; "
              f"NBS database export added by a reader",
        publisher="National Bureau of Statistics of China",
        table=f"{info.database or '分省年度数据'}, 指标 {info.indicator}({info.unit_text})"
              + (f", 时间 {info.time}" if info.time else ""),
        address="https://data.stats.gov.cn/english/easyquery.htm?cn=E0103" if info.language == "en"
        else "https://data.stats.gov.cn/easyquery.htm?cn=E0103",
        raw_files=[],
        vintage=vint,
        licence="Official statistics (NBS); cite the National Bureau of Statistics.",
        trust="HIGH" if info.database and info.known_indicator else "MEDIUM-HIGH",
        notes=("; ".join(info.footnotes) + (f" [{hint}]" if hint else "")).strip(),
    )
    yrs = info.years
    table = Table(
        name=name,
        title=f"{info.label} by province, {yrs[0]}-{yrs[-1]} ({info.unit_text}), reader-added NBS export",
        description=_describe(info, vint),
        rows=rows,
        sources=[src],
        series=[SeriesInfo(info.series, info.unit, f"{info.indicator} ({info.unit_text}), as exported from the "
                           f"NBS database 分省年度数据.", source_id, vint, label=info.label)],
    )
    df = table.check()

    csv_path = out / f"{name}.csv"
    manifest_path = out / "datapackage.json"
    fd, tmp_name = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".csv.tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    backup = {p: p.read_bytes() for p in [csv_path, manifest_path] if p.exists()}
    try:
        schema.write_csv(df, tmp)
        res = resource_json(table, tmp, origin=READER_ORIGIN)
        res["x_imported_file"] = {"name": path.name, "sha256": digest}
        src_json = src.to_json(None)
        src_json["raw_files"] = [{"path": path.name, "sha256": digest,
                                  "note": "file supplied by the reader; not in ../shared/sources"}]
        src_json["x_origin"] = READER_ORIGIN

        drop = set(replaced)
        new_resources = [r for r in resources if r["name"] not in drop] + [res]
        new_resources.sort(key=lambda r: r["name"])
        used = {x["name"] for r in new_resources for x in r.get("sources", [])}
        new_sources = [s for s in pkg.get("sources", []) if s["name"] != source_id and s["name"] in used]
        new_sources.append(src_json)
        new_sources.sort(key=lambda s: s["name"])
        pkg = dict(pkg, resources=new_resources, sources=new_sources)
        manifest_bytes = (json.dumps(pkg, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
        json.loads(manifest_bytes)  # stays valid JSON

        os.replace(tmp, csv_path)
        _atomic_write(manifest_path, manifest_bytes)
    except BaseException:
        tmp.unlink(missing_ok=True)
        for p in (csv_path, manifest_path):  # put data/ back as it was
            if p in backup:
                if not p.exists() or p.read_bytes() != backup[p]:
                    p.write_bytes(backup[p])
            else:
                p.unlink(missing_ok=True)
        raise
    for n in set(replaced) - {name}:  # a forced re-import of the same file under a new name
        (out / f"{n}.csv").unlink(missing_ok=True)
    return name
