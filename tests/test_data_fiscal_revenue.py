"""Revenue, central transfers and long provincial fiscal series (tools/build/fiscal_revenue.py).

Tables: provincial_transfers (MOF), provincial_fiscal_summaries (provincial final accounts 2014-2016),
provincial_fiscal_long (NBS revenue 2017-2024, Qinghai, Inner Mongolia, Xinjiang, SECONDARY 1949-2022).
"""
import pandas as pd
import pytest
import xlrd

from helpers import data, provinces
from tools.build import fiscal_revenue as fr
from tools.build.core import SourceFormatError


def one(series, geo, year, source_id=None, table=None):
    df = data.load(table) if table else data.series(series)
    df = df[(df["series"] == series) & (df["year"] == year)]
    df = df[df["geo_code"] == provinces.code_of(geo, allow_national=True)]
    if source_id:
        df = df[df["source_id"] == source_id]
    assert len(df) == 1, f"{series} {geo} {year} {source_id}: {len(df)} rows"
    return df["value"].iloc[0]


def excl():
    return data.exclusions()


# ---------------------------------------------------------------- MOF transfers

def test_mof_transfers_spot_values_and_units():
    assert one("central_transfers", "Qinghai", 2023) == 1703.87                 # 2023 决算数
    assert one("central_transfers_budget", "Qinghai", 2023) == 1464.72          # 2023 预算数
    assert one("central_transfers_outturn", "Qinghai", 2017) == 1121.56         # 2017 执行数 (2018 table)
    assert one("central_transfers_budget", "Qinghai", 2018, "mof_transfers_budget_2018") == 1040.68
    assert one("central_transfers_all_local", "000000", 2024) == 100335.72
    t = data.load("provincial_transfers")
    assert set(t["unit"]) == {"亿元"}


def test_budget_outturn_and_final_accounts_are_separate_series():
    t = data.load("provincial_transfers")
    prov = t[t["geo_code"] != "000000"]
    years = prov.groupby("series")["year"].agg(lambda y: sorted(set(y)))
    assert years["central_transfers"] == list(range(2019, 2025))          # no 2018 final accounts
    assert years["central_transfers_budget"] == list(range(2018, 2025))
    assert years["central_transfers_outturn"] == [2017]
    assert (prov.groupby(["series", "year"])["geo_code"].nunique() == 31).all()
    # budget and final differ (Qinghai 2023: 1464.72 vs 1703.87), so they must never share a name
    assert not prov.duplicated(["geo_code", "year", "series"]).any()


def test_mof_provinces_plus_xpcc_plus_unallocated_equal_printed_total():
    t = data.load("provincial_transfers")
    e = excl()
    for y in range(2019, 2025):
        for measure, series in (("决算数", "central_transfers"), ("预算数", "central_transfers_budget")):
            prov = t[(t["series"] == series) & (t["year"] == y) & (t["geo_code"] != "000000")]["value"].sum()
            extra = e[(e["source_id"] == f"mof_transfers_final_{y}") & (e["series"] == series)
                      & e["reason"].str.contains("XPCC|未落实", regex=True)]["value_as_published"].astype(float).sum()
            total = one(f"{series}_all_local", "000000", y)
            assert prov + extra == pytest.approx(total, abs=0.03), (y, measure)


def test_mof_city_xpcc_and_unallocated_rows_are_exclusions():
    e = excl()
    mof = e[e["source_id"].str.startswith("mof_")]
    # 5 separately planned cities x 2 sub-rows x (2 columns in 7 files) = 140
    assert mof["reason"].str.startswith("sub-row").sum() == 140
    xpcc = mof[mof["reason"].str.contains("XPCC")]
    assert sorted(set(xpcc["year"])) == [2022, 2023, 2024] and set(xpcc["geo_code"]) == {"650000"}
    assert xpcc[(xpcc["year"] == 2024) & (xpcc["series"] == "central_transfers")]["value_as_published"].iloc[0] == "1129.76"
    assert mof["reason"].str.startswith("未落实").sum() == 8   # budget 2018-2024 + 2023 adjusted budget


# ---------------------------------------------------------------- provincial final accounts 2014-2016

def test_final_accounts_spot_values():
    assert one("central_subsidy_revenue", "Qinghai", 2014) == 930.19
    assert one("central_subsidy_revenue", "Qinghai", 2016) == 1080.56
    assert one("local_budget_revenue", "Qinghai", 2014, "provincial_final_accounts_2014") == 251.68
    assert one("remittance_to_central", "Qinghai", 2016) == 1.35
    assert one("local_budget_expenditure", "Qinghai", 2016, "provincial_final_accounts_2016") == 1524.80


def test_final_accounts_sum_to_national_local_revenue_and_expenditure():
    s = data.load("provincial_fiscal_summaries")
    sums = s.groupby(["series", "year"])["value"].sum().round(2)
    for year, nat in ((2014, 75876.58), (2015, 83002.04), (2016, 87239.35)):      # NBS local revenue
        assert sums[("local_budget_revenue", year)] == pytest.approx(nat, abs=0.03)
    assert sums[("local_budget_expenditure", 2015)] == pytest.approx(150335.62, abs=0.05)
    assert sums[("central_subsidy_revenue", 2015)] == 56954.87


def test_summaries_are_not_mixed_with_mof_totals():
    s = data.load("provincial_fiscal_summaries")
    t = data.load("provincial_transfers")
    assert "central_subsidy_revenue" not in set(t["series"])
    assert not set(s["series"]) & {x for x in set(t["series"]) if x.startswith("central_transfers")}
    assert set(data.series("central_transfers")["year"]).isdisjoint({2014, 2015, 2016})
    # the provinces' 2015 total is 3.4 % above the MOF final-accounts figure for rebates + transfers
    assert 56954.87 / 55097.51 - 1 == pytest.approx(0.0337, abs=0.001)
    desc = data.series_catalogue().query("series == 'central_subsidy_revenue'")["description"]
    assert desc.str.contains("NOT the Ministry of Finance").all()


def test_raw_final_accounts_equal_the_derived_key_series(shared_sources):
    d = pd.read_csv(shared_sources / fr.LPS / "DERIVED_key-series_central-subsidy-revenue-expenditure.csv")
    d = d[d["level"] == "province"]
    raw = fr.read_final_accounts(shared_sources).pivot_table(index=["geo_code", "year"], columns="series", values="value")
    d["geo_code"] = [provinces.code_of(r) for r in d["region_cn"]]
    d = d[d["year"].isin(fr.FA_YEARS)].set_index(["geo_code", "year"])
    assert len(d) == 93 and len(raw) == 93
    for mine, theirs in (("local_budget_revenue", "local_general_budget_revenue"),
                         ("central_subsidy_revenue", "central_subsidy_revenue"),
                         ("remittance_to_central", "remittance_to_central"),
                         ("local_budget_expenditure", "local_general_budget_expenditure")):
        assert (raw[mine] - d[theirs].reindex(raw.index)).abs().max() < 1e-9, mine


def test_encrypted_xls_opened_with_msoffcrypto(shared_sources):
    path = fr.fa_path(shared_sources, "Qinghai", 2014)
    with pytest.raises(xlrd.XLRDError):
        xlrd.open_workbook(str(path))                                 # xlrd alone refuses it
    grid, encrypted = fr.open_xls(path)
    assert encrypted and grid[0][0] == "2014年青海省一般公共预算收支决算总表"


# ---------------------------------------------------------------- NBS revenue 2017-2024

def test_nbs_revenue_panel_sums_to_national_local_revenue():
    r = data.load("provincial_fiscal_long")
    r = r[(r["series"] == "local_budget_revenue") & r["source_id"].str.startswith("nbs_")]
    sums = r.groupby("year")["value"].sum().round(2)
    assert sums[2017] == 91469.41                      # = NBS national local revenue 2017
    assert sums[2019] == 101080.63                     # national 101,080.61
    assert sums[2022] == 108761.94                     # national 108,818.50: unexplained -56.56 (PROVENANCE)
    assert (r.groupby("year")["geo_code"].nunique() == 31).all() and sorted(sums.index) == list(range(2017, 2025))
    assert one("local_budget_revenue", "Qinghai", 2023, "nbs_fsnd_fiscal_2018_2024") == 381.34


def test_nbs_expenditure_not_duplicated_each_cell_excluded():
    e = excl()
    e = e[(e["source_id"] == "nbs_fsnd_fiscal_2018_2024") & (e["series"] == "local_budget_expenditure")]
    assert len(e) == 217
    odd = e[~e["reason"].str.startswith("duplicate")]
    assert list(zip(odd["geo_code"], odd["year"])) == [("310000", 2022)]    # 9393.00 vs held 9393.16
    assert odd["value_as_published"].iloc[0] == "9393.00"
    assert "nbs_fsnd_fiscal_2018_2024" not in set(data.series("local_budget_expenditure")["source_id"])


# ---------------------------------------------------------------- Qinghai, Inner Mongolia, Xinjiang

def test_qinghai_1994_break():
    for sid in ("qinghai_yb2017_t9_1",):
        assert one("central_subsidy_and_other_revenue", "Qinghai", 1993, sid) == 101643
        assert one("central_subsidy_and_other_revenue", "Qinghai", 1994, sid) == 171906
        assert one("local_budget_revenue", "Qinghai", 1993, sid) == 113682
        assert one("local_budget_revenue", "Qinghai", 1994, sid) == 70074
        assert one("budget_revenue_central_part", "Qinghai", 1994, sid) == 81825
        assert one("fiscal_total_revenue_incl_subsidies", "Qinghai", 1994, sid) == 70074 + 171906
    # the two editions are kept apart (vintages never spliced) and agree where they overlap
    q = data.load("provincial_fiscal_long")
    q = q[q["source_id"].str.startswith("qinghai")].pivot_table(index=["series", "year"], columns="source_id",
                                                                 values="value").dropna()
    # 17 shared years (6 main years 1957-1980, 1990, 1995-2004) x 5 series + central part 1995-2004 = 95
    # (+ 34 printed shares not carried = the 129 shared cells of PROVENANCE)
    assert len(q) == 95 and (q.iloc[:, 0] == q.iloc[:, 1]).all()
    assert one("local_budget_expenditure", "Qinghai", 2005, "qinghai_yb2019_t9_1") == 1697547


def test_qinghai_printed_share_defect_is_an_exclusion():
    e = excl()
    e = e[(e["geo_code"] == "630000") & (e["year"] == 1994) & (e["series"] == "local_revenue_share_of_expenditure")]
    assert set(e["source_id"]) == {"qinghai_yb2017_t9_1"} and e["value_as_published"].iloc[0] == "28.0"


def test_inner_mongolia_1947_2017_and_1994_break():
    assert one("local_budget_revenue", "Inner Mongolia", 1993, "imong_yb_t8_3") == 561177
    assert one("local_budget_revenue", "Inner Mongolia", 1994, "imong_yb_t8_3") == 362969
    assert one("fiscal_total_revenue", "Inner Mongolia", 1994) == 682167
    assert one("local_budget_revenue", "Inner Mongolia", 1947, "imong_yb_t8_3") == 9
    # 2015 equals the province's final-accounts table (1,964.48 亿元)
    assert one("local_budget_revenue", "Inner Mongolia", 2015, "imong_yb_t8_3") == 19644820


def test_xinjiang_mirror_is_secondary():
    assert one("local_budget_revenue_secondary", "Xinjiang", 2011, "xinjiang_yb2012_t7_1_mirror") == 7204324
    assert one("local_budget_revenue_secondary", "Xinjiang", 1978) == 71416
    src = data.sources().set_index("source_id")
    assert bool(src.loc["xinjiang_yb2012_t7_1_mirror", "secondary"])


# ---------------------------------------------------------------- SECONDARY 1949-2022 compilation

def test_secondary_revenue_is_not_local_budget_revenue():
    rev = data.series("fiscal_revenue_mixed_definition_secondary").set_index(["geo_code", "year"])["value"]
    # Qinghai: local revenue + central subsidies (own yearbook, 1993 and 1994)
    assert rev[("630000", 1993)] == 113682 + 101643 and rev[("630000", 1994)] == 70074 + 171906
    # Inner Mongolia: the local budget revenue itself
    assert rev[("150000", 1988)] == 241343
    assert "skywalker_prov6_secondary" not in set(data.series("local_budget_revenue")["source_id"])
    # the 31-province sum rises over 1993-1994 while official local revenue fell (3,391.4 -> 2,311.6 亿元)
    s = rev.groupby(level="year").sum()
    assert s[1994] > s[1993]


def test_secondary_expenditure_cells_off_the_official_series_are_excluded():
    e = excl()
    e = e[e["source_id"] == "skywalker_prov6_secondary"]
    assert len(e) > 0 and e["reason"].str.startswith("differs from the official").all()
    assert ("120000", 2005) in set(zip(e["geo_code"], e["year"]))
    kept = data.series("local_budget_expenditure_secondary", source_id="skywalker_prov6_secondary")
    assert not set(zip(kept["geo_code"], kept["year"])) & set(zip(e["geo_code"], e["year"]))


# ---------------------------------------------------------------- bad input

def test_bad_inputs_name_file_and_place():
    grid = [["2014年青海省一般公共预算收支决算总表", "", ""], ["预算科目", "预算数", "决算数"], ["本年收入合计", "1", "x"]]
    with pytest.raises(SourceFormatError, match=r"f\.xls row 3 \(本年收入合计, 决算数\): 'x' is not a number"):
        fr.parse_final_accounts(grid, "f.xls", 2014, "630000")
    with pytest.raises(SourceFormatError, match="f.xls: row 1 title"):
        fr.parse_final_accounts([["2015年青海省一般公共预算收支决算总表"]], "f.xls", 2014, "630000")
    bad = [["2019年中央对地方转移支付分地区决算表"], ["单位：亿元"], ["地区", "2019年决算", None]]
    with pytest.raises(SourceFormatError, match="m.xlsx: header column 2"):
        fr.parse_mof(bad, "m.xlsx", 2019)
