"""Provincial input-output tables (tools/build/io_tables.py): the IO identity for every table, the
cross-check against the DERIVED final-demand table in panels/, PROVENANCE spot checks (Tibet 2017,
Guangdong 2007, Qinghai 2007, Tibet 2012), coverage, exclusions, and the parser's errors."""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers import data, provinces
from tools.build import io_tables as io
from tools.build.core import SourceFormatError

TABLE = "provincial_io_final_demand"
TOL = 1e-4 + 1e-9  # 0.0001 亿元 = 1 万元: whole-万元 tables round each cell
DERIVED = "panels/DERIVED_common2016_CHNIO_final_demand_totals.csv"

#: DERIVED column -> series (2007 FU302/FU304 are totals except Guangdong, where they are domestic)
DERIVED_COLS = {
    "value_added_total": "io_value_added", "final_consumption": "io_final_consumption",
    "hh_cons_rural": "io_rural_household_consumption", "hh_cons_urban": "io_urban_household_consumption",
    "hh_cons_total": "io_household_consumption", "gov_cons": "io_government_consumption",
    "gross_capital_formation": "io_gross_capital_formation", "gfcf": "io_gfcf",
    "inventory_change": "io_change_in_inventories", "exports_foreign": "io_exports_foreign",
    "outflow_domestic": "io_domestic_outflow", "imports_foreign": "io_imports_foreign",
    "inflow_domestic": "io_domestic_inflow", "outflow_2007_code_FU302": "io_outflow_total",
    "inflow_2007_code_FU304": "io_inflow_total", "net_outflow_2002_code_NOF": "io_net_outflow_total",
    "other_error": "io_other",
}
GD, TIBET, QINGHAI, HUBEI, HENAN = "440000", "540000", "630000", "420000", "410000"


@pytest.fixture(scope="module")
def io_df() -> pd.DataFrame:
    return data.load(TABLE)


@pytest.fixture(scope="module")
def excl() -> pd.DataFrame:
    e = data.exclusions()
    return e[e["source_id"].str.startswith("io_")]


@pytest.fixture(scope="module")
def full(io_df, excl) -> pd.DataFrame:
    """data/ plus the excluded cells put back (as printed, 万元 -> 亿元): every cell the tables print."""
    back = excl.assign(value=excl["value_as_published"].str.replace(" 万元", "", regex=False).astype(float) / 1e4)
    cols = ["source_id", "geo_code", "year", "series", "value"]
    both = pd.concat([io_df[cols], back[cols]], ignore_index=True)
    assert not both.duplicated(["source_id", "geo_code", "year", "series"]).any()
    return both.pivot_table(index=["source_id", "geo_code", "year"], columns="series", values="value").reset_index()


def val(df, geo, year, series, source_id=None) -> float:
    d = df[(df["geo_code"] == geo) & (df["year"] == year) & (df["series"] == series)]
    if source_id:
        d = d[d["source_id"] == source_id]
    assert len(d) == 1, (geo, year, series, source_id, d)
    return float(d["value"].iloc[0])


def _trade(w: pd.DataFrame) -> pd.Series:
    g = lambda c: w[c].fillna(0) if c in w else 0.0  # noqa: E731
    return (g("io_exports_foreign") + g("io_domestic_outflow") + g("io_outflow_total") + g("io_net_outflow_total")
            - g("io_imports_foreign") - g("io_domestic_inflow") - g("io_inflow_total"))


# ------------------------------------------------------------------ identity
def test_identity_every_table_in_data(full):
    """VA = TC + GCF + EX + OF - IM - IF + ERR (2002: + NOF; 2007: + FU302 - FU304), within 0.0001 亿元."""
    misaligned = {(sid, g) for sid, g in io.KNOWN_MISALIGNED}
    w = full[full["io_final_consumption"].notna()]  # partial (一) files have no final-use block
    w = w[[(s, g) not in misaligned for s, g in zip(w["source_id"], w["geo_code"])]]
    gap = w["io_value_added"] - (w["io_final_consumption"] + w["io_gross_capital_formation"] + _trade(w)
                                 + w["io_other"].fillna(0))
    bad = w.assign(gap=gap)[gap.abs() > TOL]
    assert bad.empty, bad[["source_id", "geo_code", "year", "gap"]]
    assert len(w) == 30 + 1 + 30 + 1 + 28 + 32 + 1 + 30  # every complete table


def test_identity_parsed_tables_and_subtotals(shared_sources):
    """Straight from the raw files: the identity and the printed subtotals THC, TC, GCF."""
    n = 0
    for ed in io.EDITIONS:
        for t in io.parse_edition(shared_sources, ed):
            if t.partial or (ed.source_id, t.geo_code) in io.KNOWN_MISALIGNED:
                continue
            c = t.codes
            assert abs(t.identity_gap()) <= 1 + 1e-6, t.path
            # Ningxia 2012 (bureau xlsx) prints THC 4 万元 above FU101 + FU102; every other table within 1 万元
            tol = 4 if (ed.source_id, t.geo_code) == ("io_2012_bureau_xlsx", "640000") else 1
            assert abs(c["FU101"] + c["FU102"] - c["THC"]) <= tol + 1e-6, t.path
            assert abs(c["THC"] + c["FU103"] - c["TC"]) <= 1 + 1e-6, t.path
            assert abs(c["FU201"] + c["FU202"] - c["GCF"]) <= 1 + 1e-6, t.path
            n += 1
    assert n == 153  # 30 + 1 + 30 + 1 + 28 + 32 + 1 + 30 (Guangdong 2017 皮皮侠 parsed too)


# ------------------------------------------------------------------ cross-check with the DERIVED table
def test_matches_derived_table(shared_sources, full):
    rows = list(csv.DictReader(open(shared_sources / DERIVED, encoding="utf-8")))
    raw_files = {s["name"]: {f["path"] for f in s["raw_files"]} for s in data.manifest()["sources"]}
    assert len(rows) == 123
    checked = 0
    for r in rows:
        year = int(r["year"])
        geo = provinces.code_of(r["province"], allow_national=True) if r["province"] != "中国" else "000000"
        if year in (2002, 2007):
            sid = f"io_{year}_bureau_xlsx"
        elif year == 2017 and geo == GD:
            sid = "io_2017_bureau_xlsx"  # the 皮皮侠 copy is the same table, stored once
        else:
            sid = f"io_{year}_pipixia"
        w = full[(full["source_id"] == sid) & (full["geo_code"] == geo) & (full["year"] == year)]
        assert len(w) == 1, (sid, geo, year)
        w = w.iloc[0]
        if sid != "io_2017_bureau_xlsx":  # the DERIVED row's file is one of the source's raw files
            assert f"../shared/sources/panels/common2016__CHNIO/{r['file']}" in raw_files[sid], r["file"]
        for col, series in DERIVED_COLS.items():
            if r[col] == "":
                continue
            s = series
            if year == 2007 and geo == GD and col.endswith(("FU302", "FU304")):
                s = "io_domestic_outflow" if col.endswith("FU302") else "io_domestic_inflow"
            if sid == "io_2017_bureau_xlsx" and s in ("io_rural_household_consumption", "io_urban_household_consumption"):
                # the 皮皮侠 copy (and so the DERIVED table) heads the urban column 农村: swapped on purpose
                s = ({"io_rural_household_consumption": "io_urban_household_consumption",
                      "io_urban_household_consumption": "io_rural_household_consumption"})[s]
            assert w[s] == pytest.approx(float(r[col]), abs=5e-5 + 1e-9), (r["file"], col)
            checked += 1
    assert checked > 1500


# ------------------------------------------------------------------ PROVENANCE spot checks
def test_tibet_2017(io_df):
    s = "io_2017_pipixia"
    ex, of = val(io_df, TIBET, 2017, "io_exports_foreign", s), val(io_df, TIBET, 2017, "io_domestic_outflow", s)
    im, inf = val(io_df, TIBET, 2017, "io_imports_foreign", s), val(io_df, TIBET, 2017, "io_domestic_inflow", s)
    assert (round(ex, 1), round(of, 1), round(im, 1), round(inf, 1)) == (17.9, 492.6, 2.5, 1487.7)
    assert ex + of - im - inf == pytest.approx(-979.7, abs=0.05)
    va = val(io_df, TIBET, 2017, "io_value_added", s)
    assert (ex + of - im - inf) / va * 100 == pytest.approx(-75.9, abs=0.05)


def test_guangdong_2007_split(io_df):
    s = "io_2007_bureau_xlsx"
    assert val(io_df, GD, 2007, "io_exports_foreign", s) == pytest.approx(28666, abs=0.5)
    assert val(io_df, GD, 2007, "io_domestic_outflow", s) == pytest.approx(17835.3146, abs=1e-4)  # FU302 调出
    assert val(io_df, GD, 2007, "io_value_added", s) == pytest.approx(30843.1717, abs=1e-4)
    y07 = io_df[(io_df["year"] == 2007) & (io_df["source_id"] == s)]
    # only Guangdong splits; every other province prints total flows only
    assert set(y07.loc[y07["series"] == "io_exports_foreign", "geo_code"]) == {GD}
    tot = set(y07.loc[y07["series"] == "io_outflow_total", "geo_code"])
    assert len(tot) == 29 and GD not in tot


def test_qinghai_2007_and_tibet_2012_value_added(io_df):
    assert val(io_df, QINGHAI, 2007, "io_value_added", "io_2007_bureau_xlsx") == pytest.approx(797.35, abs=1e-6)
    assert val(io_df, TIBET, 2012, "io_value_added", "io_2012_pipixia") == pytest.approx(701.03, abs=0.005)
    # Qinghai 2007 final consumption and GCF match CSY 2008 (PROVENANCE check 3)
    assert val(io_df, QINGHAI, 2007, "io_final_consumption") == pytest.approx(509.45, abs=0.005)
    assert val(io_df, QINGHAI, 2007, "io_gross_capital_formation") == pytest.approx(496.72, abs=0.01)


def test_guangdong_2017_urban_rural_read_by_header(io_df, excl):
    s = "io_2017_bureau_xlsx"
    urban = val(io_df, GD, 2017, "io_urban_household_consumption", s)
    rural = val(io_df, GD, 2017, "io_rural_household_consumption", s)
    assert (round(urban, 2), round(rural, 2)) == (28712.16, 5384.89)
    e = excl[(excl["source_id"] == "io_2017_pipixia") & (excl["geo_code"] == GD)]
    assert len(e) == 14 and e["reason"].str.contains("identical").all()


# ------------------------------------------------------------------ coverage
def test_provinces_per_year(io_df):
    prov = io_df[io_df["geo_code"] != provinces.NATIONAL_CODE]
    n = prov.groupby("year")["geo_code"].nunique().to_dict()
    assert n == {2002: 30, 2007: 30, 2012: 31, 2017: 31}
    assert TIBET not in set(prov.loc[prov["year"].isin([2002, 2007]), "geo_code"])
    nat = io_df[io_df["geo_code"] == provinces.NATIONAL_CODE]
    assert sorted(nat["year"].unique()) == [2002, 2007, 2012]
    assert set(nat["source_id"]) == {"io_2002_pipixia", "io_2007_pipixia", "io_2012_pipixia"}
    assert (io_df["unit"] == "亿元").all()


def test_two_2012_compilations_kept_apart(io_df, full):
    v = io_df[io_df["year"] == 2012].groupby("source_id")["vintage"].unique()
    assert len(v["io_2012_bureau_xlsx"]) == 1 and len(v["io_2012_pipixia"]) == 1
    assert v["io_2012_bureau_xlsx"][0] != v["io_2012_pipixia"][0]
    # they are different editions: Ningxia, Hebei and Zhejiang differ beyond rounding
    b = full[full["source_id"] == "io_2012_bureau_xlsx"].set_index("geo_code")
    p = full[full["source_id"] == "io_2012_pipixia"].set_index("geo_code")
    cols = ["io_value_added", "io_final_consumption", "io_gross_capital_formation", "io_household_consumption",
            "io_government_consumption"]
    common = b.index[b["io_final_consumption"].notna()].intersection(p.index)
    diff = (b.loc[common, cols] - p.loc[common, cols]).abs().max(axis=1)
    assert set(diff[diff > 0.01].index) == {"640000", "330000"}
    # Hebei: OF and IF both 97 亿元 higher in the bureau xlsx (net unchanged); Ningxia's trade differs too
    assert b.loc["130000", "io_domestic_outflow"] - p.loc["130000", "io_domestic_outflow"] == pytest.approx(97, abs=1e-6)
    bt, pt = _trade(b.loc[common]), _trade(p.loc[common])
    assert set(bt.index[(bt - pt).abs() > 0.01]) == {"640000", "410000"}  # Ningxia; Henan misaligned


# ------------------------------------------------------------------ exclusions
def test_hubei_qinghai_2012_split_excluded(io_df, excl):
    for sid in ("io_2012_bureau_xlsx", "io_2012_pipixia"):
        e = excl[(excl["source_id"] == sid) & excl["reason"].str.contains("domestic outflow and inflow")]
        assert set(zip(e["geo_code"], e["year"])) == {(HUBEI, 2012), (QINGHAI, 2012)}
        assert set(e["series"]) == set(io.SPLIT_SERIES) and len(e) == 8
        d = io_df[(io_df["source_id"] == sid) & io_df["geo_code"].isin([HUBEI, QINGHAI])]
        assert not set(d["series"]) & set(io.SPLIT_SERIES)
        assert {"io_value_added", "io_final_consumption", "io_gfcf"} <= set(d["series"])
    q = excl[(excl["source_id"] == "io_2012_pipixia") & (excl["geo_code"] == QINGHAI)
             & (excl["series"] == "io_exports_foreign")]
    assert float(q["value_as_published"].iloc[0].split()[0]) / 1e4 == pytest.approx(492.1, abs=0.01)
    assert val(io_df, HUBEI, 2012, "io_value_added", "io_2012_pipixia") == pytest.approx(22415.4994, abs=1e-4)


def test_inner_mongolia_2012_foreign_zero_excluded(io_df, excl):
    for sid in ("io_2012_bureau_xlsx", "io_2012_pipixia"):
        e = excl[(excl["source_id"] == sid) & excl["reason"].str.contains("出口/进口) as 0", regex=False)]
        assert set(zip(e["geo_code"], e["year"])) == {("150000", 2012)} and set(e["series"]) == set(io.SPLIT_SERIES)
        ex = e.set_index("series")["value_as_published"]
        assert ex["io_exports_foreign"] == ex["io_imports_foreign"] == "0 万元"
        assert val(io_df, "150000", 2012, "io_value_added", sid) > 15000


def test_partial_and_misaligned_bureau_2012(io_df, excl):
    b = io_df[(io_df["source_id"] == "io_2012_bureau_xlsx")]
    assert not set(b["geo_code"]) & {"120000", "430000"}  # Tianjin, Hunan: part (一) files only
    e = excl[(excl["source_id"] == "io_2012_bureau_xlsx") & excl["geo_code"].isin(["120000", "430000"])]
    assert set(e["series"]) == {"io_value_added", "io_imports_foreign"} and e["reason"].str.contains("part").all()
    h = b[b["geo_code"] == HENAN]
    assert "io_exports_foreign" not in set(h["series"]) and "io_final_consumption" in set(h["series"])
    eh = excl[(excl["source_id"] == "io_2012_bureau_xlsx") & (excl["geo_code"] == HENAN)]
    assert set(eh["series"]) == {"io_exports_foreign", "io_domestic_outflow"}
    assert eh["reason"].str.contains("销往省外").all()


# ------------------------------------------------------------------ parser errors
def _sheet(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


CODE_ROW = ["代码", None, "-", "TIU", "FU101", "FU102", "THC", "FU103", "TC", "FU201", "FU202", "GCF", "EX", "IM"]
HEAD = [None, None, None, "中间使用合计", "农村居民消费", "城镇居民消费", "小计", "政府消费", "合计", "固定资本形成总额",
        "存货增加", "合计", "出口", "进口"]
TOT = [None, "中间投入合计", "TII", 100, 10, 20, 30, 5, 35, 40, 2, 42, 8, 5]
VA = [None, "增加值合计", "TVA", 80]


def test_parser_reads_a_minimal_table(tmp_path):
    t = io.parse_table(_sheet(tmp_path / "2012年青海省42部门投入产出表.xlsx", [HEAD, CODE_ROW, TOT, VA]), 2012, QINGHAI)
    assert t.codes["EX"] == 8 and t.value_added == 80 and t.identity_gap() == 0


def test_parser_errors_name_file_and_what_is_missing(tmp_path):
    p = _sheet(tmp_path / "no_totals.xlsx", [HEAD, CODE_ROW, VA])
    with pytest.raises(SourceFormatError, match=r"no_totals\.xlsx.*中间投入合计"):
        io.parse_table(p, 2012, QINGHAI)
    p = _sheet(tmp_path / "no_code.xlsx", [HEAD, TOT, VA])
    with pytest.raises(SourceFormatError, match=r"no_code\.xlsx.*code row"):
        io.parse_table(p, 2012, QINGHAI)
    p = _sheet(tmp_path / "no_va.xlsx", [HEAD, CODE_ROW, TOT])
    with pytest.raises(SourceFormatError, match=r"no_va\.xlsx.*增加值合计"):
        io.parse_table(p, 2012, QINGHAI)
    blank = TOT[:12] + [None] + TOT[13:]
    p = _sheet(tmp_path / "blank_ex.xlsx", [HEAD, CODE_ROW, blank, VA])
    with pytest.raises(SourceFormatError, match=r"blank_ex\.xlsx.*column EX.*blank"):
        io.parse_table(p, 2012, QINGHAI)


def test_header_contradicting_code_row_is_flagged(tmp_path):
    head = HEAD[:12] + ["销往省外"] + HEAD[13:]
    t = io.parse_table(_sheet(tmp_path / "shifted.xlsx", [head, CODE_ROW, TOT, VA]), 2012, QINGHAI)
    assert t.header_problems == {"EX": "销往省外"}
    swapped = HEAD[:4] + ["城镇居民", "农村居民"] + HEAD[6:]
    t = io.parse_table(_sheet(tmp_path / "swapped.xlsx", [swapped, CODE_ROW, TOT, VA]), 2012, QINGHAI)
    assert (t.codes["FU101"], t.codes["FU102"]) == (20, 10) and not t.header_problems
