"""NBS database exports: the parser (real files and fixtures), `add` into a copy of data/, the CLI."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import data, nbs_export
from helpers.nbs_export import NBSExportError, read_export

FIX = Path(__file__).parent / "fixtures" / "nbs"
GRP_FILE = "gdp/RenJiyi163__panel_data_analysis_for_thesis/分省年度数据.csv"
POP_FILE = "gdp/yinthan__ECON323-China-Polulation/AnnualbyProvince.csv"


def cell(info, geo, year):
    f = info.frame
    row = f[(f["geo_code"] == geo) & (f["year"] == year)]
    assert len(row) == 1, f"{geo} {year}: {len(row)} rows"
    return row["value"].iloc[0]


# --------------------------------------------------------------------- real exports

def test_real_gb18030_grp_export(shared_sources):
    info = read_export(shared_sources / GRP_FILE)
    assert (info.encoding, info.language) == ("gb18030", "zh")
    assert (info.indicator, info.unit, info.series) == ("地区生产总值", "亿元", "grp")
    assert (info.database, info.time) == ("分省年度数据", "最近20年")
    assert info.frame["geo_code"].nunique() == 31 and info.years == list(range(2006, 2025))
    assert len(info.frame) == 31 * 19
    # PROVENANCE spot checks of the 2025 (5th economic census) vintage
    assert cell(info, "440000", 2010) == 46821.3
    assert cell(info, "540000", 2007) == 349.8
    assert "5th economic census" in info.census_hint()
    assert "5th economic census" in nbs_export.default_vintage(info)


def test_real_english_population_export_needs_indicator(shared_sources):
    with pytest.raises(NBSExportError, match=r"AnnualbyProvince\.csv.*no 指标/Indicators line"):
        read_export(shared_sources / POP_FILE)
    info = read_export(shared_sources / POP_FILE, indicator="Population at Year-end", unit="10000 persons")
    assert (info.language, info.series, info.unit) == ("en", "population_year_end", "万人")
    assert len(info.frame) == 31 * 21 and info.years == list(range(2000, 2021))
    assert cell(info, "110000", 2017) == 2194  # post-7th-census vintage (older vintage: 2171)


def test_built_tables_in_data():
    grp = data.series("grp", source_id="nbs_fsnd_grp_2025", geo="Guangdong")
    assert grp.set_index("year").loc[2010, "value"] == 46821.3
    assert len(data.load("provincial_grp_latest")) == 31 * 19
    pop = data.series("population_year_end", source_id="nbs_fsnd_population_2021", geo="北京")
    assert pop.set_index("year").loc[2017, "value"] == 2194
    assert data.coverage(table="provincial_population_nbs")["present"].all()


# --------------------------------------------------------------------- fixtures

def test_gbk_fixture_blanks_are_gaps_and_footnotes_read():
    info = read_export(FIX / "grp_gbk_blanks.csv")
    assert info.encoding == "gb18030" and info.series == "grp" and info.unit == "亿元"
    # 全国 row is all blank, 天津 2023 empty and 西藏 2022 '-' are gaps: 4*4 - 2 cells
    assert len(info.frame) == 14
    assert "000000" not in set(info.frame["geo_code"])
    assert not ((info.frame["geo_code"] == "120000") & (info.frame["year"] == 2023)).any()
    assert not ((info.frame["geo_code"] == "540000") & (info.frame["year"] == 2022)).any()
    assert cell(info, "440000", 2021) == 127577.4
    assert info.footnotes[-1] == "数据来源：国家统计局"
    assert "第五次全国经济普查" in info.footnotes[0]


def test_english_fixture_with_header_lines():
    info = read_export(FIX / "population_en_full.csv")
    assert (info.language, info.database, info.time) == ("en", "Annual by Province", "Last 4 years")
    assert (info.indicator, info.unit_text, info.unit) == ("Population at Year-end", "10000 persons", "万人")
    assert info.series == "population_year_end"
    assert cell(info, "150000", 2017) == 2433  # "Inner Mongolia"
    assert cell(info, "000000", 2020) == 141212  # the national row is kept as 000000
    assert len(info.frame) == 5 * 4
    assert info.footnotes[-1].startswith("Data Sources")
    assert info.census_hint() == "revised after the 7th population census"


def test_xlsx_export(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [["数据库：分省年度数据"], ["指标：地区生产总值(亿元)"], ["时间：最近2年"],
              ["地区", "2024年", "2023年"], ["北京市", 49670.2, 47353.7], ["西藏自治区", 2789.1, None],
              ["广东省", "141488.9", "x"], ["数据来源：国家统计局"]]:
        ws.append(r)
    p = tmp_path / "分省年度数据.xlsx"
    wb.save(p)
    with pytest.raises(NBSExportError) as exc:
        read_export(p)
    msg = str(exc.value)
    assert "分省年度数据.xlsx" in msg and "row 7" in msg and "(2023)" in msg and "广东省" in msg
    ws.delete_rows(7)
    wb.save(p)
    info = read_export(p)
    assert info.encoding == "xlsx" and info.series == "grp"
    assert len(info.frame) == 3 and cell(info, "540000", 2024) == 2789.1


def test_utf16_tab_separated_export(tmp_path):
    text = (FIX / "grp_gbk_blanks.csv").read_bytes().decode("gbk").replace(",", "\t")
    p = tmp_path / "utf16.txt"
    p.write_bytes(text.encode("utf-16"))
    info = read_export(p)
    assert info.encoding == "utf-16" and len(info.frame) == 14 and cell(info, "540000", 2024) == 2789.1


def test_unknown_indicator_kept_under_own_series():
    info = read_export(FIX / "unknown_indicator.csv")
    assert info.encoding == "utf-8-sig" and info.unit == "万元"
    assert info.series.startswith("nbs_") and not info.known_indicator
    assert info.label == "某项试验指标"
    assert nbs_export.series_for("Per Capita Gross Regional Product")[0] == "nbs_per_capita_gross_regional_product"


@pytest.mark.parametrize("name,parts", [
    ("bad_region.csv", ["bad_region.csv", "line 6", "广东生", "Guangdong"]),
    ("bad_unit.csv", ["bad_unit.csv", "line 2", "亿日元"]),
    ("duplicate_province.csv", ["duplicate_province.csv", "line 7", "line 5", "北京", "Beijing"]),
    ("non_numeric.csv", ["non_numeric.csv", "line 6", "(2023)", "天津市", "1721l.8"]),
    ("not_nbs.csv", ["not_nbs.csv", "not an NBS database export"]),
    ("latin1_garbage.csv", ["latin1_garbage.csv", "UTF-8 or GBK/GB18030", "line 2"]),
])
def test_bad_files_name_file_and_place(name, parts):
    with pytest.raises(NBSExportError) as exc:
        read_export(FIX / name)
    for p in parts:
        assert p in str(exc.value), f"{p!r} not in: {exc.value}"


def test_units_chinese_and_english():
    assert nbs_export.unit_symbol("亿元") == "亿元"
    assert nbs_export.unit_symbol("100 million yuan") == "亿元"
    assert nbs_export.unit_symbol("10,000 persons") == "万人"
    assert nbs_export.unit_symbol("USD 1000") == "千美元"
    assert nbs_export.unit_symbol("1000 US dollars") == "千美元"
    assert nbs_export.unit_symbol("上年=100") == "指数"
    assert nbs_export.unit_symbol("亿日元") is None


# --------------------------------------------------------------------- add into a copy of data/

@pytest.fixture
def data_copy(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(data.paths.DATA, d)
    return d


def snapshot(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def variant(tmp_path, old=b"127577.4", new=b"127000.0"):
    """grp_gbk_blanks.csv with Guangdong 2021 changed: its values are no longer all in data/ already."""
    p = tmp_path / f"grp_{new.decode()}.csv"
    p.write_bytes((FIX / "grp_gbk_blanks.csv").read_bytes().replace(old, new))
    return p


def test_add_end_to_end(data_copy, tmp_path):
    before = set(data.tables(data_copy))
    # the fixture's numbers are those of provincial_grp_latest: nothing to add
    with pytest.raises(NBSExportError, match="already in data/.*provincial_grp_latest"):
        nbs_export.add(FIX / "grp_gbk_blanks.csv", vintage="NBS database, test export 2025", data_dir=data_copy)
    f = variant(tmp_path)
    name = nbs_export.add(f, vintage="NBS database, test export 2025", data_dir=data_copy)
    assert name == "nbs_grp_nbs_database_test_export_2025"
    assert set(data.tables(data_copy)) == before | {name}
    assert data.verify_hashes(data_copy) == []
    pkg = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in pkg["resources"] if r["name"] == name)
    assert res["x_origin"] == "reader-import"
    src = next(s for s in pkg["sources"] if s["name"] == res["sources"][0]["name"])
    assert src["publisher"].startswith("National Bureau of Statistics")
    assert src["table"].startswith("分省年度数据, 指标 地区生产总值")
    assert src["raw_files"][0]["sha256"] == nbs_export.hashlib.sha256(f.read_bytes()).hexdigest()
    # visible through the data API, next to the built tables
    gd = data.series("grp", geo="广东", vintage="NBS database, test export 2025", data_dir=data_copy)
    assert gd.set_index("year")["value"].to_dict() == {2021: 127000.0, 2022: 132547.1, 2023: 137905.4,
                                                        2024: 141488.9}
    assert len(data.load(name, data_copy)) == 14
    # the real data/ is untouched
    assert name not in data.tables()


def test_rebuild_keeps_reader_import(data_copy, shared_sources):
    from tools import build
    name = nbs_export.add(FIX / "population_en_full.csv", vintage="kept", data_dir=data_copy)
    before = (data_copy / f"{name}.csv").read_bytes()
    build.run(shared_sources, data_copy, verbose=False)
    assert name in data.tables(data_copy) and (data_copy / f"{name}.csv").read_bytes() == before
    assert data.verify_hashes(data_copy) == []
    assert data.series("population_year_end", vintage="kept", geo="Beijing", data_dir=data_copy)["value"].max() == 2194


def test_add_twice_refuses_without_force(data_copy):
    name = nbs_export.add(FIX / "population_en_full.csv", data_dir=data_copy)
    snap = snapshot(data_copy)
    with pytest.raises(NBSExportError, match="already exists.*--force"):
        nbs_export.add(FIX / "population_en_full.csv", data_dir=data_copy)
    assert snapshot(data_copy) == snap
    assert nbs_export.add(FIX / "population_en_full.csv", force=True, data_dir=data_copy) == name
    assert data.verify_hashes(data_copy) == []
    assert [t for t in data.tables(data_copy) if t == name] == [name]
    # the default vintage carries the footnote's census hint
    v = data.load(name, data_copy)["vintage"].unique()
    assert len(v) == 1 and "7th population census" in v[0]


def test_force_cannot_change_values_of_same_vintage(data_copy, tmp_path):
    nbs_export.add(variant(tmp_path), vintage="V1", data_dir=data_copy)
    changed = variant(tmp_path, new=b"126000.5")
    snap = snapshot(data_copy)
    with pytest.raises(NBSExportError) as exc:
        nbs_export.add(changed, vintage="V1", force=True, data_dir=data_copy)
    msg = str(exc.value)
    assert "Guangdong" in msg and "2021" in msg and "127000" in msg and "126000.5" in msg
    assert snapshot(data_copy) == snap
    # under its own vintage it is a separate release and is accepted
    assert nbs_export.add(changed, vintage="V2", data_dir=data_copy) == "nbs_grp_v2"


def test_failed_add_leaves_data_byte_identical(data_copy):
    snap = snapshot(data_copy)
    for bad in ("bad_region.csv", "non_numeric.csv", "not_nbs.csv", "latin1_garbage.csv"):
        with pytest.raises(NBSExportError):
            nbs_export.add(FIX / bad, data_dir=data_copy)
    assert snapshot(data_copy) == snap


def test_cli_add(data_copy):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "helpers.data", "add", *args, "--data-dir", str(data_copy)],
                              capture_output=True, text=True, cwd=data.paths.ROOT)
    bad = run(str(FIX / "duplicate_province.csv"))
    assert bad.returncode == 2
    assert bad.stderr.startswith("error:") and "duplicate_province.csv" in bad.stderr and "line 7" in bad.stderr
    ok = run(str(FIX / "unknown_indicator.csv"), "--vintage", "trial")
    assert ok.returncode == 0, ok.stderr
    assert "data/nbs_" in ok.stdout
    again = run(str(FIX / "unknown_indicator.csv"), "--vintage", "trial")
    assert again.returncode == 2 and "--force" in again.stderr
