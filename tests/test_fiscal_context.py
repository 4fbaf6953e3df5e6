"""helpers.fiscal_context: the 1994 break, transfers by province, Qinghai and Inner Mongolia across 1994.

Values are those of the raw tables (NBS 中央和地方财政收入/支出, MOF 中央对地方转移支付分地区决算表,
provincial final accounts, Qinghai YB table 9-1, Inner Mongolia YB table 8-3)."""
import pytest

from helpers import fiscal_context as fc


def test_1994_break_and_the_two_corrected_sentences():
    b = fc.break_1994()
    assert round(b["central_revenue_share_1993"], 1) == 22.0
    assert round(b["central_revenue_share_1994"], 1) == 55.7
    assert b["jump_pp"] == pytest.approx(33.68, abs=0.01)
    assert b["min_central_revenue_share_after"] == pytest.approx(45.95, abs=0.01)
    assert b["min_central_revenue_share_after_year"] == b["last_year"] == 2014
    # 1993: local revenue 3391.44 > local expenditure 3330.24, a SURPLUS of 61.20 (positive, not "-61.2")
    assert b["local_surplus_1993"] == pytest.approx(3391.44 - 3330.24, abs=0.005) and b["local_surplus_1993"] > 0
    assert b["local_deficit_1994"] == pytest.approx(4038.19 - 2311.60, abs=0.005)
    # "about 70 per cent" of spending: 1994 (69.7), and again 2003 (69.9), not a lasting level
    assert round(b["local_expenditure_share_1994"], 1) == 69.7
    assert b["about_70_years"] == "1994, 2003"
    assert round(b["local_expenditure_share_last"], 1) == 85.1
    assert (b["local_expenditure_share_min_after_year"], round(b["local_expenditure_share_min_after"], 1)) == (2000, 65.3)
    assert b["published_share_last_year"] == 2011 and b["share_check_max_diff"] < 0.05


def test_transfers_panel_measures_kept_apart():
    t = fc.transfers_panel()
    assert not t.duplicated(["geo_code", "year"]).any()
    assert t.groupby("year")["geo_code"].nunique().eq(31).all()
    by_measure = t.groupby("measure")["year"].agg(["min", "max"]).apply(tuple, axis=1).to_dict()
    assert by_measure == {"provinces_final_accounts": (2014, 2016), "mof_outturn": (2017, 2017),
                          "mof_budget": (2018, 2018), "mof_final": (2019, 2024)}
    assert set(t.loc[t["measure"] == "mof_final", "source_id"]) == {f"mof_transfers_final_{y}" for y in range(2019, 2025)}


def test_qinghai_transfers_per_head_grp_and_spending():
    t = fc.transfers_panel().set_index(["province", "year"])
    q23 = t.loc[("Qinghai", 2023)]
    assert q23["transfers_100m_cny"] == pytest.approx(1703.87)           # MOF 2023 final accounts
    assert q23["grp_100m_cny"] == pytest.approx(3849.2)                    # NBS 2025 vintage
    assert q23["pct_grp"] == pytest.approx(1703.87 / 3849.2 * 100)
    assert q23["pct_expenditure"] == pytest.approx(1703.87 / 2188.72 * 100)
    # no population after 2020 in data/: per head is a gap (no fixed-year stand-in)
    assert q23["per_head_yuan"] != q23["per_head_yuan"] and "per_head_fixed_pop_yuan" not in t.columns
    q20 = t.loc[("Qinghai", 2020)]
    assert q20["transfers_100m_cny"] == pytest.approx(1441.95)
    assert q20["per_head_yuan"] == pytest.approx(1441.95e8 / 593e4)
    # the provinces' own accounts: transfers and spending from the same 2015 table
    q15 = t.loc[("Qinghai", 2015)]
    assert (q15["transfers_100m_cny"], q15["expenditure_source"]) == (967.90, "provincial_final_accounts_2015")
    assert q15["pct_expenditure"] == pytest.approx(967.90 / 1515.16 * 100)
    assert t.loc[("Qinghai", 2017), "transfers_100m_cny"] == pytest.approx(1121.56)   # outturn
    assert t.loc[("Qinghai", 2018), "transfers_100m_cny"] == pytest.approx(1040.68)   # budget


def test_provinces_accounts_vs_mof_2015():
    s = fc.summaries_vs_mof_2015()
    assert s["provinces_sum_2015"] == pytest.approx(56954.87, abs=0.01)
    assert s["mof_total_2015"] == 55097.51
    assert s["gap_2015"] == pytest.approx(1857.36, abs=0.01)


def test_focus_provinces_and_their_three_balances():
    f = fc.focus_figures(2023)
    assert f["sichuan_transfers"] == pytest.approx(6772.18) and f["gansu_transfers"] == pytest.approx(3397.22)
    assert f["per_head_year"] == 2020 and f["qinghai_rank_per_head"] == 2            # after Tibet
    assert f["qinghai_per_head"] == pytest.approx(1441.95e8 / 593e4)
    assert f["customs_last_year"] == 2021
    # Qinghai 2017: a small customs goods surplus and IO foreign surplus, a deep net outflow deficit
    assert f["qinghai_customs_2017"] == pytest.approx(0.515, abs=0.001)
    assert f["qinghai_foreign_io_2017"] == pytest.approx(0.498, abs=0.001)
    assert f["qinghai_net_outflow_io_2017"] == pytest.approx(-48.56, abs=0.01)
    s = fc.qinghai_2017_split()     # yearbook (% GRP) vs IO (% value added): the gap is in final demand
    assert s["yb_net_outflow"] == pytest.approx(-61.95, abs=0.01)
    assert s["diff_net_outflow"] == pytest.approx(-(s["diff_consumption"] + s["diff_capital_formation"]), abs=0.3)
    assert f["gansu_customs_2017"] < 0 < f["sichuan_customs_2017"]
    b = fc.focus_balances()
    assert set(b.columns) >= {"customs_goods_balance_pct_grp", "foreign_balance_pct_va", "net_outflow_io_pct_va",
                              "net_outflow_exp_pct_grp"}
    assert b["foreign_balance_pct_va"].notna().sum() == 3          # IO 2017 only, one per province
    c = fc.transfers_vs_balances()
    assert (c["n_io"], c["n_customs"]) == (31, 23)       # 8 provinces lack a 2017 customs cell
    assert c["corr_net_outflow"] == pytest.approx(-0.783, abs=0.001) and c["corr_foreign"] > -0.3


def test_qinghai_1994_split_from_yearbook():
    q = fc.qinghai_1994()
    assert (q["local_revenue_1993_10k_cny"], q["local_revenue_1994_10k_cny"]) == (113682, 70074)
    assert q["central_part_1994_10k_cny"] == 81825
    assert (q["subsidies_1993_10k_cny"], q["subsidies_1994_10k_cny"]) == (101643, 171906)
    assert q["local_revenue_1994_100m_cny"] == pytest.approx(7.0074)      # 万元 -> 亿元
    assert q["central_part_share_1994"] == pytest.approx(81825 / (81825 + 70074) * 100)
    assert (q["editions_shared_cells"], q["editions_max_abs_diff"]) == (61, 0)
    assert (q["first_year"], q["last_year"]) == (1985, 2011)
    d = fc.long_series("Qinghai")
    assert not d.duplicated(["series", "year"]).any()
    assert set(d.loc[d["year"] <= 2004, "source_id"]) == {"qinghai_yb2017_t9_1"}


def test_inner_mongolia_1994():
    m = fc.inner_mongolia_1994()
    assert (m["local_revenue_1993_10k_cny"], m["total_revenue_1993_10k_cny"]) == (561177, 561177)
    assert (m["local_revenue_1994_10k_cny"], m["total_revenue_1994_10k_cny"]) == (362969, 682167)
    assert m["to_centre_1994_10k_cny"] == 682167 - 362969


def test_denominators_name_their_vintages():
    d = fc.denominators()
    assert "7th population census" in d["population_vintage"] and d["population_last_year"] == 2020
    assert "5th economic census" in d["grp_vintage"]


def test_provincial_expenditure_one_official_value_per_province_year():
    e = fc.provincial_expenditure()
    assert not e.duplicated(["geo_code", "year"]).any()
    assert set(e.loc[e["year"] < 2005, "expenditure_source"]) <= {"qinghai_yb2017_t9_1", "qinghai_yb2019_t9_1"}
    assert e.set_index(["geo_code", "year"]).loc[("440000", 2023), "expenditure_100m_cny"] == pytest.approx(18527.03)
