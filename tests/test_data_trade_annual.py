"""Provincial exports/imports 1993-2022 (SECONDARY prov_5 compilation), its cross-checks, and the
NBS GRP end-2018 vintage. Values asserted here are read from the raw files or from their PROVENANCE."""
import pandas as pd
import pytest

from helpers import customs, data, provinces, units

TABLE = "provincial_trade_annual_secondary"
SRC = "regional_disparity_prov5_trade"
RAW_LONG = "trade_annual/SECONDARY_regional-disparity_exports-imports-by-province_1949-2022_long.csv"
GRP_RAW = "expenditure_annual/Tobby-star__dynamic_datas/分省年度数据.csv"
COL = {"exports": "exports_by_location_secondary", "imports": "imports_by_location_secondary",
       "total": "trade_total_by_location_secondary"}


@pytest.fixture(scope="module")
def table():
    return data.load(TABLE)


@pytest.fixture(scope="module")
def excl():
    ex = data.exclusions()
    return ex[ex["source_id"] == SRC]


@pytest.fixture(scope="module")
def raw(shared_sources):
    return pd.read_csv(shared_sources / RAW_LONG, na_values=["--"], dtype={"region_code": str})


def cell(df, geo, year, col):
    hit = df[(df["geo_code"] == provinces.code_of(geo)) & (df["year"] == year) & (df["series"] == COL[col])]
    return hit["value"].tolist()


# ---------------------------------------------------------------- the table

def test_values_from_the_raw_file(table):
    # prov_5.xlsx, cell texts as in the long transcription
    assert cell(table, "Guangdong", 2010, "imports") == [33170500]
    assert cell(table, "Guangdong", 2012, "total") == [98394700]
    assert cell(table, "Beijing", 2012, "imports") == [34827000]     # news: 3,483 亿美元 (PROVENANCE check 4)
    assert cell(table, "Fujian", 2000, "imports") == [831500]        # Fujian YB 2003: 831,504
    assert cell(table, "Tibet", 1999, "exports") == [8605]           # People's Daily: 86.05 million USD
    assert cell(table, "Xinjiang", 1999, "imports") == [73791]


def test_every_kept_cell_equals_the_raw_transcription(table, raw):
    long = raw.melt(id_vars=["region_code", "year"], value_vars=["exports_10k_usd", "imports_10k_usd", "total_10k_usd"],
                    var_name="col", value_name="raw").dropna()
    long["series"] = long["col"].str.split("_").str[0].map(COL)
    m = table.merge(long, left_on=["geo_code", "year", "series"], right_on=["region_code", "year", "series"],
                    how="left")
    assert m["raw"].notna().all() and (m["value"] == m["raw"]).all()
    assert set(table["unit"]) == {"万美元"} and table["year"].min() == 1993 and table["year"].max() == 2022


def test_2010_export_sum_matches_provenance(table):
    s = table[(table["year"] == 2010) & (table["series"] == COL["exports"])]
    assert len(s) == 31 and s["value"].sum() == pytest.approx(157_806_419, abs=1)   # PROVENANCE check 1


LISTED = [  # (province, year, column, value as published) from the PROVENANCE defect list
    ("Hainan", 2015, "imports", "6366665"), ("Hainan", 2016, "imports", "6108090"),
    ("Hainan", 2017, "exports", "2956490"), ("Hainan", 2017, "imports", "4070550"),
    ("Hainan", 2017, "total", "7027040"), ("Hainan", 2018, "exports", "2977608"),
    ("Hainan", 2018, "imports", "5504150"), ("Hainan", 2019, "imports", "5621884"),
    ("Chongqing", 2017, "imports", "16245400"),
    ("Guizhou", 2022, "exports", "519.81"), ("Guizhou", 2022, "imports", "273.06"),
    ("Ningxia", 2022, "exports", "196.78"), ("Ningxia", 2022, "imports", "60.60"),
    ("Zhejiang", 2011, "imports", "2245000"), ("Zhejiang", 2012, "imports", "2042200"),
    # exports + imports != total (1993-2002 list and later single years): all three cells
    ("Shandong", 1997, "exports", "1181650"), ("Shandong", 1997, "total", "1764399"),
    ("Shanxi", 1996, "imports", "23164"), ("Anhui", 1998, "total", "312012"),
    ("Shanghai", 1994, "exports", "915722"), ("Beijing", 1993, "exports", "137056"),
    ("Jilin", 1995, "total", "271400"), ("Shaanxi", 1997, "exports", "123120"),
    ("Jiangsu", 2007, "exports", "20770500"), ("Chongqing", 2009, "imports", "428000"),
    # before 1993: concepts mixed (Beijing exports 1985 = 62,100 against imports 2.8 million)
    ("Beijing", 1985, "exports", "62100"), ("Shanghai", 1979, "imports", None),
]


@pytest.mark.parametrize("geo,year,col,printed", LISTED)
def test_listed_defects_are_excluded_with_reason(table, excl, geo, year, col, printed):
    hit = excl[(excl["geo_code"] == provinces.code_of(geo)) & (excl["year"] == year) & (excl["series"] == COL[col])]
    assert len(hit) == 1, f"{geo} {year} {col} not in exclusions.csv"
    assert len(hit["reason"].iloc[0]) > 40
    if printed is not None:
        assert hit["value_as_published"].iloc[0] == printed
    assert cell(table, geo, year, col) == []


def test_reasons_name_the_defect(excl):
    by = {(r.geo_code, r.year, r.series): r.reason for r in excl.itertuples()}
    assert "yuan" in by[("460000", 2016, COL["imports"])]
    assert "亿元" in by[("640000", 2022, COL["exports"])]
    assert "0.24" in by[("330000", 2011, COL["imports"])]
    assert "+79.9%" in by[("140000", 1997, COL["total"])]     # Shanxi: 197,031 + 45,187 vs 134,632
    assert "1993" in by[("110000", 1985, COL["exports"])]


def test_cells_next_to_a_defect_are_kept(table):
    # only the wrong cell goes: Hainan 2016 exports and total, Zhejiang 2011 exports, Guizhou 2022 total
    assert cell(table, "Hainan", 2016, "exports") == [212000]
    assert cell(table, "Hainan", 2018, "total") == [1270000]
    assert cell(table, "Zhejiang", 2011, "exports") == [21634900]
    assert cell(table, "Guizhou", 2022, "total") == [1191000]


def test_identity_holds_for_every_kept_province_year():
    p = customs.panel().dropna(subset=["exports", "imports", "total"])
    gap = (p["exports"] + p["imports"] - p["total"]).abs() / p["total"]
    assert len(p) > 800 and (gap <= 0.01).all()


def test_series_are_secondary(table):
    src = data.sources().set_index("source_id").loc[SRC]
    assert bool(src["secondary"]) and all(s.endswith("_secondary") for s in table["series"].unique())


# ---------------------------------------------------------------- cross-checks

@pytest.fixture(scope="module")
def national():
    return customs.national_check().set_index("year")


def test_national_check_flagged_years(national):
    assert list(national.index) == list(range(1993, 2023))
    flagged = sorted(national.index[national["flagged"]])
    assert flagged == [1993, 1994, 1995, 1996, 1997, 1998, 1999, 2001, 2002, 2007, 2008, 2011, 2012,
                       2017, 2018, 2019, 2022]


def test_national_check_values_by_hand(national, raw):
    # 2010: 31 provinces, sum 157,806,419 vs national 1,577,754 million USD (ratio 1.0002)
    assert national.loc[2010, "national_exports"] == pytest.approx(157_775_400)
    assert national.loc[2010, "ratio_exports"] == pytest.approx(1.0002, abs=1e-4)
    # 2011 imports: raw sum without the excluded Zhejiang cell / national 1,743,484 million USD
    r11 = raw[(raw["year"] == 2011) & (raw["province_en"] != "Zhejiang")]["imports_10k_usd"].sum()
    assert national.loc[2011, "sum_imports"] == pytest.approx(r11)
    assert national.loc[2011, "ratio_imports"] == pytest.approx(r11 / 174_348_400)
    assert national.loc[2011, "n_imports"] == 30 and not national.loc[2011, "flag_exports"]
    # 2008: Anhui and Jiangxi out (identity), exports 0.986 flagged, imports 0.992 not
    assert national.loc[2008, "n_exports"] == 29
    assert bool(national.loc[2008, "flag_exports"]) and not national.loc[2008, "flag_imports"]
    # 2017-2019 imports: Beijing, Zhejiang, Jiangxi, Shandong, Shaanxi (and others) missing
    assert national.loc[2019, "ratio_imports"] == pytest.approx(0.691, abs=0.001)
    assert national.loc[2021, ["ratio_exports", "ratio_imports"]].tolist() == pytest.approx([1.0003, 1.0002], abs=1e-4)


def test_official_totals_check_2016_2021():
    c = customs.official_totals_check()
    assert sorted(c["year"].unique()) == list(range(2016, 2022)) and len(c) == 31 * 6
    row = c[(c["province"] == "Guangdong") & (c["year"] == 2016)].iloc[0]
    assert row["total_secondary"] == 95_528_600 and row["total_official"] == pytest.approx(95_529_800.7)
    assert row["diff_pct"] == pytest.approx(-0.001, abs=0.0005) and row["status"] == "within"
    st = c.set_index(["province", "year"])["status"]
    assert st[("Hunan", 2016)] == "outside"                 # +2.4 % (PROVENANCE)
    assert st[("Tibet", 2018)] == "outside"                 # 70,000 vs 72,318
    assert st[("Guizhou", 2016)] == "missing in panel"      # identity failure, excluded
    assert st[("Hainan", 2017)] == "missing in panel"       # yuan
    assert (c[c["year"] == 2019]["status"] == "within").all()
    assert (c[c["year"] == 2021]["status"] == "outside").sum() == 16
    counts = c[c["status"] == "within"].groupby("year").size().to_dict()
    assert counts == {2016: 29, 2017: 28, 2018: 30, 2019: 31, 2020: 30, 2021: 15}


def test_goods_balance_in_10k_usd(raw):
    b = customs.goods_balance()
    g = b[(b["province"] == "Guangdong") & (b["year"] == 2010)].iloc[0]
    r = raw[(raw["province_en"] == "Guangdong") & (raw["year"] == 2010)].iloc[0]
    assert g["balance_10k_usd"] == r["exports_10k_usd"] - r["imports_10k_usd"]
    assert not ((b["province"] == "Hainan") & (b["year"] == 2016)).any()   # imports excluded: no balance
    assert list(b.columns) == ["geo_code", "province", "year", "exports_10k_usd", "imports_10k_usd",
                               "balance_10k_usd"]


def test_goods_balance_against_grp_one_vintage():
    b = customs.goods_balance(grp="nbs2018").set_index(["province", "year"])
    g = b.loc[("Guangdong", 2017)]
    assert g["grp_100m_cny"] == 89705.23 and g["grp_source_id"] == "nbs_fsnd_grp_2018"
    expect = 100 * (62_278_200 - 38_380_600) * 1e4 * units.rate(2017) / (89705.23 * 1e8)
    assert g["balance_pct_grp"] == pytest.approx(expect) and g["balance_pct_grp"] == pytest.approx(17.99, abs=0.01)
    assert pd.isna(b.loc[("Guangdong", 2018), "balance_pct_grp"])   # this GRP vintage ends in 2017
    with pytest.raises(KeyError):
        customs.goods_balance(grp="mixed")


# ---------------------------------------------------------------- GRP, NBS end-2018 vintage

def test_grp_2018_vintage_values_and_separation(shared_sources):
    t = data.load("provincial_grp_nbs2018")
    assert len(t) == 31 * 25 and set(t["source_id"]) == {"nbs_fsnd_grp_2018"} and set(t["unit"]) == {"亿元"}
    v = t.set_index(["geo_code", "year"])["value"]
    # PROVENANCE checks; the numbers also appear verbatim in the raw export
    text = (shared_sources / GRP_RAW).read_bytes().decode("gb18030")
    for geo, year, x in [("Beijing", 2017, 28014.94), ("Guangdong", 2014, 67809.85), ("Tianjin", 2017, 18549.19),
                         ("Chongqing", 1993, 608.53), ("Heilongjiang", 1998, 2774.4), ("Tibet", 2007, 341.43)]:
        assert v[(provinces.code_of(geo), year)] == x
        assert f"{x:.2f}" in text
    # a vintage of its own: differs from the 2025 revision in every overlapping cell
    latest = data.load("provincial_grp_latest").set_index(["geo_code", "year"])["value"]
    both = v.to_frame("v2018").join(latest.rename("v2025"), how="inner")
    assert len(both) == 31 * 12 and (both["v2018"] != both["v2025"]).all()
    g = data.series("grp")
    assert set(g[g["vintage"].isin(t["vintage"])]["table"]) == {"provincial_grp_nbs2018"}
    assert g["vintage"].nunique() >= 3
