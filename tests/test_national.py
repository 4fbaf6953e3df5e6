"""helpers.national: SAFE balances, GDP in dollars, the 2018 episode (real values from data/)."""
import math

import pytest

from helpers import national



def test_annual_spot_values_from_provenance():
    a = national.annual_balances().set_index("year")
    assert a.loc[1993, "current_account"] == pytest.approx(-119.04, abs=0.005)
    assert a.loc[2008, "current_account"] == pytest.approx(4205.69, abs=0.005)
    assert a.loc[2018, "current_account"] == pytest.approx(241.31, abs=0.005)
    assert a.index.min() == 1982 and a.index.max() == 2023


def test_goods_plus_services_identity_every_year():
    a = national.annual_balances()
    gap = (a["goods"] + a["services"] - a["goods_and_services"]).abs()
    assert gap.max() < 0.01
    q = national.quarterly_balances()
    assert (q["goods"] + q["services"] - q["goods_and_services"]).abs().max() < 0.01


def test_quarters_add_up_to_the_year():
    q = national.quarterly_balances()
    assert len(q) == 26 * 4 and q["period"].iloc[0] == "1998Q1" and q["period"].iloc[-1] == "2023Q4"
    a = national.annual_balances().set_index("year")["current_account"]
    s = q.groupby("year")["current_account"].sum()
    assert (s - a.loc[s.index]).abs().max() < 0.5


def test_half_years_sum_their_quarters():
    h = national.half_year_balances().set_index("period")
    assert h.loc["2018H1", "current_account"] == pytest.approx(-397.732088 - 26.421315, abs=1e-4)
    assert len(h) == 52


def test_gdp_in_dollars_two_ways_agree():
    g = national.gdp_usd().set_index("year")
    # NBS GDP (latest) / official rate vs World Bank: within 0.5 % every year both exist
    both = g.dropna(subset=["gdp_wdi_usd"]).loc[1982:]
    assert both["diff_pct"].abs().max() < 0.5
    # 2007: 270092.3 亿元 / 7.6040 元/美元
    assert g.loc[2007, "gdp_nbs_usd"] == pytest.approx(270092.3 / 7.6040, rel=1e-9)
    assert math.isnan(g.loc[2023, "gdp_wdi_usd"])          # WDI vintage ends 2022: a gap, not a guess


def test_ratios_and_gdp_source_switch():
    n = national.annual_ratios("nbs").set_index("year")
    w = national.annual_ratios("wdi").set_index("year")
    assert n.loc[2007, "current_account_pct_gdp"] == pytest.approx(9.943, abs=0.001)
    assert w.loc[2007, "current_account_pct_gdp"] == pytest.approx(9.948, abs=0.001)
    assert n.loc[2023, "current_account_pct_gdp"] == pytest.approx(1.42, abs=0.01)
    assert math.isnan(w.loc[2023, "current_account_pct_gdp"])
    with pytest.raises(ValueError, match="gdp_source"):
        national.annual_ratios("imf")


def test_quarterly_ratio_uses_whole_year_gdp():
    q = national.quarterly_with_annual_gdp().set_index("period")
    g = national.gdp_usd().set_index("year")
    assert q.loc["2018Q1", "current_account_pct_of_annual_gdp"] == pytest.approx(
        -397.732088 / g.loc[2018, "gdp_nbs_usd"] * 100, rel=1e-6)


def test_episode_2018_exact():
    e = national.episode_2018()
    assert e["q1_2018"] == pytest.approx(-397.7, abs=0.05)
    assert e["q2_2018"] == pytest.approx(-26.4, abs=0.05)
    assert e["h1_2018"] == pytest.approx(-424.15, abs=0.01)
    assert e["calendar_2018"] == pytest.approx(241.31, abs=0.005)
    assert e["sum_quarters_2018"] == pytest.approx(e["calendar_2018"], abs=0.01)
    assert e["last_annual_deficit_before_2018"] == 1993
    assert e["annual_deficits_1994_2023"] == []
    assert e["first_quarterly_deficit"] == "2001Q2"
    assert e["first_quarterly_deficit_value"] == pytest.approx(-9.0, abs=0.05)
    assert e["quarterly_deficits"] == ["2001Q2", "2018Q1", "2018Q2", "2020Q1"]
    assert e["half_year_deficits"] == ["2018H1"]
    assert e["half_year_deficits_before_2018"] == []
    assert all(v > 0 for v in e["annual_2019_2023"].values())


def test_deficit_periods():
    assert list(national.deficit_periods("annual")["year"]) == [1985, 1986, 1988, 1989, 1993]
    assert list(national.deficit_periods("half")["period"]) == ["2018H1"]
    with pytest.raises(ValueError):
        national.deficit_periods("monthly")


def test_peak_and_recent():
    p = national.peak_and_recent()
    assert p["peak_year"] == 2007 and p["peak_pct_gdp"] == pytest.approx(9.94, abs=0.01)
    assert p["recent_mean_pct_gdp"] == pytest.approx(1.41, abs=0.01)
    g = national.peak_and_recent(balance="goods")
    assert g["recent_max_level_year"] == 2022 and g["recent_max_level"] == pytest.approx(6650.49, abs=0.01)


# --- newest releases, vintages, services, the early rate -----------------------------------------------

def test_recent_summary_2024_2025_2026q1():
    r = national.recent_summary()
    assert r["ca_last"] == 7350 and r["last_year"] == 2025 and r["release_last"].startswith("2026-03-27")
    assert round(r["ca_last_pct"], 1) == 3.7                       # 7350 / (1401879 / 7.1429)
    assert r["ca_prev"] == 4239 and r["ca_prev_pct"] == pytest.approx(2.26, abs=0.01)
    assert r["ca_last_quarter"] == 1843 and r["last_quarter"] == "2026Q1"
    # 2024 stays below 2022 (4433.74, March-2024 vintage); the 2024 goods surplus (7680) tops 2022 (6650.49)
    assert not r["ca_prev_is_record"] and r["ca_last_is_record"] and r["goods_prev_is_record"]
    assert r["share_rising"] and r["share_highest_since"] == 2010
    assert r["petering_verdict"] == "Not in the newest data"


def test_revisions_of_2023_keep_every_vintage():
    v = national.revisions("2023")
    assert [round(x, 2) for x in v["value"]] == [2642.0, 2530.0, 2529.87, 2634.0]
    assert list(v["secondary"]) == [True, True, False, True]


def test_quarterly_latest_has_years_not_splices():
    q = national.quarterly_latest().set_index("period")
    assert q.index[0] == "1998Q1" and q.loc["2026Q1", "current_account"] == 1843
    assert "2024Q3" not in q.index                                 # only a garbled repost has it: a gap
    assert q.loc["2023Q4", "source_id"] == national.SAFE_SOURCE and q.loc["2024Q1", "source_id"] != national.SAFE_SOURCE


def test_half_year_limits_2018():
    e = national.episode_2018()
    assert e["h1_2018"] < 0 < e["calendar_2018"]
    assert e["first_half_year"] == "1998H1" and e["n_half_years_before_2018"] == 40
    assert e["n_annual_surpluses_1994_2017"] == 24 and e["half_year_deficits_after_2018"] == []


def test_services_by_type_travel_drives_the_deficit():
    s = national.services_by_type()
    a = national.annual_balances().set_index("year")["services"]
    total = s.groupby("year")["balance"].sum()
    assert (total - a.loc[total.index]).abs().max() < 0.01          # the twelve items add up, every year
    d = national.services_drivers()
    assert d["travel_2019"] == pytest.approx(-2187.89, abs=0.01) and d["first_travel_deficit"] == 2009
    assert d["services_deficit_max_year"] == 2018


def test_dual_rate_caveat():
    d = national.dual_rate_caveat()
    assert d["rate_1993"] == pytest.approx(5.762) and d["rate_1994"] == pytest.approx(8.6187)
    assert d["ca_1993"] == pytest.approx(-119.04)


def test_key_figures_are_the_chapter_keys():
    k = national.key_figures()
    assert list(k) == list(national.CHAPTER_KEYS) and national.USD_PER_100M == 1e8
