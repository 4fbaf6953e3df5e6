"""helpers.sources: the figures chapters 1 and 2 glue, against values read from data/ (the NBS,
SAFE and WDI cells as published)."""
import pytest

from helpers import charts, sources, units


def test_trade_allocations_guangdong_2016():
    table, f = sources.trade_allocations()
    assert f["trade_year"] == 2016
    # NBS 分省年度数据 A060101 / A060201, Guangdong 2016, 千美元
    assert f["gd_loc_raw"] == 955_298_007
    assert f["gd_loc_bn"] == pytest.approx(955.298007) and f["gd_ds_bn"] == pytest.approx(1060.123561)
    assert f["bj_loc_bn"] == pytest.approx(282.34896) and f["bj_ds_bn"] == pytest.approx(122.322321)
    assert f["bj_ratio"] == pytest.approx(282.34896 / 122.322321)
    # both allocations share one national total
    assert f["nat_loc_bn"] == pytest.approx(f["nat_ds_bn"]) == pytest.approx(3685.557412)
    assert (f["low_ratio_prov"], round(f["low_ratio"], 3)) == ("Hebei", 0.622)
    assert list(table.index) == list(sources.TRADE_EXAMPLE_PROVINCES) and table.index.name == "2016, billion USD"
    assert table.loc["Guangdong"].tolist() == [1060.1, 955.3]     # by destination/source, by location


def test_current_account_2018_in_surplus_for_the_year_not_in_the_first_half():
    table, f = sources.current_account_frequency(2018)
    assert f["ca2018"] == pytest.approx(241.309091844989)       # SAFE BPM6, 亿美元
    assert f["ca2018q1"] == pytest.approx(-397.73208761134) and f["ca2018q2"] == pytest.approx(-26.4213146345228)
    assert (f["bop_first"], f["bopq_first"], f["ca_last_neg"]) == (1950, 1998, 1993)
    assert list(table.index) == [1, 2, 3, 4] and table.iloc[3, 0] == pytest.approx(489.719227874012)


def test_grp_vintages_guangdong_2015_the_largest_revision():
    """The year the vintages differ most: 2015, revised up 4.1 % after the 4th and 5th economic censuses."""
    rows, f = sources.grp_vintages("Guangdong")
    assert f["vint_what"] == "Guangdong's GRP for 2015"
    assert (f["vint_a"], f["vint_b"]) == (72812.55, 75820.8)        # 亿元: NBS end-2018 export vs 2025 vintage
    assert f["vint_a_v"].startswith("NBS database as exported 2018-12") and "5th economic census" in f["vint_b_v"]
    assert list(rows["source_id"]) == ["nbs_fsnd_grp_2018", "nbs_fsnd_grp_2025"]
    assert f["vint_diff_pct"] == pytest.approx(100 * (75820.8 / 72812.55 - 1))


def test_exchange_rates_largest_nbs_wdi_gap_is_2022():
    table, f = sources.exchange_rates(since=2008)
    assert (f["fx_ov_first"], f["fx_ov_last"]) == (1985, 2022)
    assert f["fx_maxdiff_year"] == 2022
    assert f["fx_maxdiff"] == pytest.approx(6.73716 - 6.7261)      # WDI PA.NUS.FCRF vs NBS 672.61 per 100 USD
    assert f["fx_maxdiff_pct"] == pytest.approx(100 * (6.73716 - 6.7261) / 6.7261)
    assert (f["fx_der_first"], f["fx_der_last"], f["fx_der_maxdiff_year"]) == (2015, 2024, 2015)
    assert f["fx_der_maxdiff"] == pytest.approx(6.288942 - 6.2284, abs=1e-6)
    assert f["fx_wdi_from"] == 2023                               # the NBS scrapes stop in 2022
    assert table.index.min() == 2008 and table.loc[2024, "used_source"] == "wdi_pa_nus_fcrf"


def test_conversion_figures_name_the_rate_and_its_source():
    f = sources.conversion_figures(units.convert(955_298_007, "千美元", 2016))
    assert (f["value"], f["year"], f["source"]) == (955_298_007, 2016, "nbs_hgnd_fx_2023")
    assert f["rate_100"] == pytest.approx(664.23) and f["usd_bn"] == pytest.approx(955.298007)
    assert f["result"] == pytest.approx(955_298_007 * 1e3 * 6.6423 / 1e8)
    assert f["source_title"].startswith("人民币汇率(年平均价)")


def test_timeline_chart_is_finished_with_computed_alt_text():
    spec = sources.timeline_chart().to_dict()
    d = spec["description"]
    # provincial rows start with Inner Mongolia's yearbook (1947), national ones with SAFE's BOP (1950)
    assert "provincial sources cover 1947-2024" in d and "national ones reach back to 1950" in d
    assert spec["spec"]["encoding"]["x"]["scale"]["domain"] == [1947, 2027]   # no year drawn off the axis
    assert not charts.missing_units(spec)


def test_chapter_two_exercises():
    tib = sources.latest_conversion("trade_total_by_location", "Tibet")
    assert (tib["year"], tib["source"], tib["rate"]) == (2024, "wdi_pa_nus_fcrf", 7.19749)
    assert tib["result"] == pytest.approx(1779354.905 * 1e3 * 7.19749 / 1e8)
    t17 = sources.tables_with_values("Tibet", 2017)
    assert t17["balances"] == "provincial_io_final_demand"
    assert "provincial_trade_totals (trade_total_by_destination_source, trade_total_by_location)" in t17["tables"]
    fx = sources.rate_choice("Guangdong", 2022)                   # 1,242,390,000 千美元
    assert fx["nbs"] == pytest.approx(1_242_390_000 * 1e3 * 6.7261 / 1e8)
    assert fx["wdi"] == pytest.approx(1_242_390_000 * 1e3 * 6.73716 / 1e8)
    assert fx["pct"] == pytest.approx(100 * (6.73716 / 6.7261 - 1))


def test_chapter_one_exercises():
    full = sources.full_coverage(2010)
    assert full["n_full"] == len(full["full"].split("; ")) == 13
    assert full["customs"].startswith("No official customs series") and full["official_first"] == 2016
    sec = sources.secondary_series()
    assert sec["n_sec_series"] == 122 and sec["n_sec_plain"] == 14
    assert sec["sec_example"] == "capital_formation_rate_pct, change_in_inventories"
