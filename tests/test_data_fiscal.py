"""Provincial public finance (data/provincial_fiscal.csv, built by tools/build/fiscal.py)."""
import shutil

import pandas as pd
import pytest

from helpers import data, provinces
from tools.build import fiscal
from tools.build.core import SourceFormatError

REN = "renjiyi163_local_budget_expenditure"
TECH = "techme_csy_t7_6"


def one(series, geo, year, source_id):
    df = data.series(series, geo=geo, source_id=source_id)
    row = df[df["year"] == year]
    assert len(row) == 1, f"{series} {geo} {year} {source_id}: {len(row)} rows"
    return row["value"].iloc[0]


def expenditure_by_source():
    df = data.series("local_budget_expenditure")
    return df.pivot_table(index=["geo_code", "year"], columns="source_id", values="value")


# ---------------------------------------------------------------- agreement of the copies

def test_renjiyi_equals_techme_for_all_434_province_years():
    e = expenditure_by_source()
    both = e.dropna(subset=[REN, TECH])
    assert len(both) == 434  # 31 provinces x 2010-2023
    assert sorted(both.index.get_level_values("year").unique()) == list(range(2010, 2024))
    diff = (both[REN] - both[TECH]).abs()
    assert (diff > 0.01).sum() == 0, both[diff > 0.01]


@pytest.mark.parametrize("sid,year", [("nbs_csy2021_t7_6", 2020), ("nbs_csy2022_t7_6", 2021),
                                      ("nbs_csy2024_t7_6", 2023)])
def test_yearbook_files_equal_tidy_copies(sid, year):
    e = expenditure_by_source()
    x = e.dropna(subset=[sid])
    assert len(x) == 31 and set(x.index.get_level_values("year")) == {year}
    assert (x[sid] - x[TECH]).abs().max() < 0.005  # the 2022 edition prints 4 decimals, techme 2
    assert (x[sid] - x[REN]).abs().max() < 0.005


def test_secondary_2005_2006_agrees_with_official_after_rounding():
    sec = data.series("local_budget_expenditure_secondary",
                      source_id="chinaorgcn_local_fiscal_expenditure").set_index(["geo_code", "year"])["value"]
    off = expenditure_by_source()[REN]
    j = pd.concat([sec, off], axis=1, join="inner").dropna()
    assert len(j) == 45  # 23 provinces x 2005-2006, minus Sichuan 2006 (cut off in the page copy)
    assert (j.iloc[:, 0] - j.iloc[:, 1]).abs().max() <= 0.05 + 1e-9


# ---------------------------------------------------------------- spot values

def test_spot_values():
    # Beijing 2010: RenJiyi 2717.32, techme 2717.3174 (yearbook prints 4 decimals)
    assert one("local_budget_expenditure", "Beijing", 2010, REN) == 2717.32
    assert one("local_budget_expenditure", "北京", 2010, TECH) == 2717.3174
    # Guangdong 2024 (RenJiyi only), Tibet 2005 under the old name 财政支出
    assert one("local_budget_expenditure", "Guangdong", 2024, REN) == 17956.06
    assert one("local_budget_expenditure", "Tibet", 2005, REN) == 185.45
    # Xinjiang jumps 2021 -> 2022 when the XPCC is included (yearbook note)
    assert one("local_budget_expenditure", "Xinjiang", 2021, TECH) == 5376.91
    assert one("local_budget_expenditure", "Xinjiang", 2022, TECH) == 6835.4
    # functions
    assert one("local_expenditure_education", "Anhui", 2010, TECH) == 386.3071
    assert one("local_expenditure_science_technology", "Beijing", 2023, TECH) == 521.91
    assert one("local_expenditure_agriculture_forestry_water", "Xinjiang", 2023, TECH) == 1317.08


def test_panel_coverage():
    ren = data.series("local_budget_expenditure", source_id=REN)
    assert len(ren) == 31 * 20 and ren["year"].min() == 2005 and ren["year"].max() == 2024
    for s in fiscal.TECHME_ITEMS.values():
        df = data.series(s[0], source_id=TECH)
        assert len(df) == 31 * 14 and df["geo_code"].nunique() == 31


# ---------------------------------------------------------------- all-local totals

def test_2023_all_local_total():
    assert one("local_budget_expenditure_all_local", "000000", 2023, TECH) == 236403.46
    assert one("local_budget_expenditure_all_local", "000000", 2023, "nbs_csy2024_t7_6") == 236403.46


def test_31_provinces_sum_to_all_local_total():
    # 2019-2023 (techme) and the yearbook files: the shortfall is rounding only (|diff| <= 0.03 亿元)
    tot = data.series("local_budget_expenditure_all_local")
    prov = data.series("local_budget_expenditure")
    checked = 0
    for _, t in tot.iterrows():
        p = prov[(prov["source_id"] == t["source_id"]) & (prov["year"] == t["year"])]
        assert len(p) == 31
        assert abs(p["value"].sum() - t["value"]) <= 0.03, (t["source_id"], t["year"])
        checked += 1
    assert checked == 8
    for items in list(fiscal.TECHME_ITEMS.values())[1:]:
        tt = data.series(items[1], source_id=TECH).set_index("year")["value"]
        pp = data.series(items[0], source_id=TECH).groupby("year")["value"].sum()
        assert len(tt) == 5 and ((tt - pp.loc[tt.index]).abs() <= 0.035).all()


def test_all_local_series_only_at_national_code():
    df = data.load("provincial_fiscal")
    nat = df["geo_code"] == provinces.NATIONAL_CODE
    assert nat.sum() == 8 * 1 + 5 * 3 + 7 + 1 + 2  # expenditure x8, functions x15, 2000-06, 2001, 2015 x2
    assert df.loc[nat, "series"].str.endswith(("_all_local", "_all_local_secondary")).all()
    assert not df.loc[~nat, "series"].str.contains("_all_local").any()


# ---------------------------------------------------------------- revenue points

def test_2001_revenue_national_total_and_provinces():
    assert one("local_budget_revenue_all_local", "000000", 2001, "nbs_csy2002e_t8_19") == 78032999
    rev = data.series("local_budget_revenue", source_id="nbs_csy2002e_t8_19")
    assert set(rev["unit"]) == {"万元"}
    assert dict(zip(rev["geo_code"], rev["value"])) == {
        "110000": 4541676, "120000": 1636350, "130000": 2835023, "140000": 1327618}


def test_2015_secondary_revenue_tax_share():
    # printed tax share of Beijing 90.3 % = 4263.9 / 4723.9
    rev = one("local_budget_revenue_secondary", "Beijing", 2015, "dfczyj_local_revenue_2015")
    tax = one("local_tax_revenue_secondary", "Beijing", 2015, "dfczyj_local_revenue_2015")
    assert round(100 * tax / rev, 1) == 90.3
    assert one("local_budget_revenue_all_local_secondary", "000000", 2015, "dfczyj_local_revenue_2015") == 82982.7
    assert len(data.series("grp_secondary")) == 17


def test_secondary_sources_flagged_and_kept_apart():
    src = data.sources().set_index("source_id")
    for sid in ("chinaorgcn_local_fiscal_expenditure", "dfczyj_local_revenue_2015"):
        assert bool(src.loc[sid, "secondary"])
    for sid in (REN, TECH, "nbs_csy2002e_t8_19"):
        assert not bool(src.loc[sid, "secondary"])
    official = data.series("local_budget_expenditure")
    assert not official["source_id"].isin(["chinaorgcn_local_fiscal_expenditure"]).any()


# ---------------------------------------------------------------- bad input

def test_renjiyi_unknown_province_names_file_and_province(shared_sources, tmp_path):
    bad = tmp_path / "一般公共预算等.xls"
    raw = (shared_sources / fiscal.RENJIYI).read_bytes()
    old, new = "北京".encode("utf-16-le"), "北平".encode("utf-16-le")
    assert raw.count(old) == 1
    bad.write_bytes(raw.replace(old, new))
    with pytest.raises(provinces.UnknownProvinceError) as exc:
        fiscal.read_renjiyi(bad)
    msg = str(exc.value)
    assert "北平" in msg and str(bad) in msg and "row 2" in msg


def test_renjiyi_unknown_indicator_raises():
    grid = [["", "", "", "", 2005.0], [1.0, "一般公共预算收入（亿元）i", "", "北京", 1.0]]
    with pytest.raises(SourceFormatError, match=r"copy\.xls: row 2: indicator"):
        fiscal.parse_renjiyi(grid, "copy.xls")


def test_techme_unknown_province_names_file_and_province(shared_sources, tmp_path):
    bad = tmp_path / "2010.xlsx"
    # same columns and rows as the original, one province renamed (openpyxl cannot re-save the
    # original in place: it names a drawing part missing from the archive)
    df = pd.read_excel(shared_sources / fiscal.TECHME_DIR / "2010.xlsx")
    assert df.loc[1, "province"] == "北京"
    df.loc[1, "province"] = "北平"
    df.to_excel(bad, index=False)
    with pytest.raises(provinces.UnknownProvinceError) as exc:
        fiscal.read_techme(bad, 2010)
    msg = str(exc.value)
    assert "北平" in msg and str(bad) in msg and "line 3" in msg


def test_techme_wrong_year_raises(shared_sources, tmp_path):
    bad = tmp_path / "2011.xlsx"
    shutil.copy(shared_sources / fiscal.TECHME_DIR / "2010.xlsx", bad)
    with pytest.raises(SourceFormatError, match="year 2010 in the file for 2011"):
        fiscal.read_techme(bad, 2011)


def test_second_copy_of_2021_yearbook_file_is_identical(shared_sources):
    a = fiscal.read_raw_total(shared_sources / fiscal.RAW_DIR / "raw-2021.xls")
    b = fiscal.read_raw_total(shared_sources / fiscal.RAW_DIR / "raw-2021.xlsx")
    assert a.equals(b)
