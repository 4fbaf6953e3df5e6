"""helpers.decomposition: real province-year values from the PROVENANCE spot checks, coverage
flags, the source ranking, and a reader's NBS export flowing in with no code change."""
import shutil

import pandas as pd
import pytest

from helpers import balances, data, decomposition as dec, provinces
from data_needs import need_series
from synthetic import write_export


@pytest.fixture(scope="module")
def panel():
    need_series("net_outflow_goods_services")
    return dec.balance_panel()


@pytest.fixture(scope="module")
def pref(panel):
    return dec.preferred_balance_panel(panel)


def row(p, prov, year, source_rank=None):
    r = p[(p["geo_code"] == provinces.code_of(prov)) & (p["year"] == year)]
    if source_rank is not None:
        r = r[r["source_rank"] == source_rank]
    assert len(r) == 1, f"{prov} {year}: {len(r)} rows"
    return r.iloc[0]


# ------------------------------------------------------------------ the panel
def test_tibet_2007_is_minus_50_pct(pref):
    r = row(pref, "Tibet", 2007)
    assert r["net_outflow"] == pytest.approx(-171.39)
    assert r["grp_expenditure"] == pytest.approx(342.19)
    assert r["pct_grp"] == pytest.approx(-171.39 / 342.19 * 100, abs=1e-9)
    assert r["source_rank"] == 2  # NBS yearbook table (CSY 2008)


@pytest.mark.parametrize("prov,year,pct", [("Tibet", 2008, -182.18 / 395.98 * 100),
                                           ("Guizhou", 2007, -29.7), ("Gansu", 2008, -23.1),
                                           ("Qinghai", 2007, -28.4)])
def test_provenance_spot_checks(pref, prov, year, pct):
    assert row(pref, prov, year)["pct_grp"] == pytest.approx(pct, abs=0.05)


def test_qinghai_2016_about_minus_66_pct_from_its_own_yearbook(pref):
    r = row(pref, "Qinghai", 2016)
    assert r["pct_grp"] == pytest.approx(-1494.99 / 2258.19 * 100, abs=1e-9)  # -66.2 %
    assert r["source_rank"] == 3


def test_guangdong_in_surplus_2007(pref):
    r = row(pref, "Guangdong", 2007)
    assert r["net_outflow"] > 0 and r["pct_grp"] > 10


def test_2008_has_29_provinces_yunnan_excluded_xinjiang_cut(pref):
    cov = dec.year_coverage(pref).set_index("year")
    assert cov.loc[2008, "n_provinces"] == 29  # 30 rows on the page minus the Yunnan source error
    assert set(cov.loc[2008, "missing"]) == {"Yunnan", "Xinjiang"}
    assert cov.loc[2008, "coverage"] == "partial (29 of 31)"
    # the excluded Yunnan 2008 row (identical to 2007) must not leak in from anywhere
    assert not ((pref["geo_code"] == "530000") & (pref["year"] == 2008)).any()


def test_qinghai_2007_both_vintages_kept_apart_and_nbs_preferred(panel, pref):
    both = panel[(panel["geo_code"] == "630000") & (panel["year"] == 2007)]
    assert len(both) == 2 and both["source_id"].nunique() == 2
    assert set(both["grp_expenditure"].round(2)) == {783.61, 720.06}
    r = row(pref, "Qinghai", 2007)
    assert r["grp_expenditure"] == pytest.approx(783.61) and r["n_sources"] == 2


def test_secondary_mirror_ranked_last(panel):
    gd = panel[(panel["geo_code"] == "440000") & (panel["year"] == 2016)]
    assert len(gd) >= 1 and (gd["source_rank"] == 4).all() and gd["secondary"].all()


def test_panel_identity_pct_is_ratio_of_same_source(panel):
    assert (panel["source_id"] == panel["grp_source_id"]).all()
    assert (panel["pct_grp"] - panel["net_outflow"] / panel["grp_expenditure"] * 100).abs().max() < 1e-9


# ------------------------------------------------------------------ input-output split
@pytest.fixture(scope="module")
def io2017():
    need_series("io_exports_foreign")
    return dec.io_split(2017)


def test_io_tibet_2017_almost_entirely_domestic(io2017):
    t = io2017.set_index("province").loc["Tibet"]
    assert t["foreign_net"] == pytest.approx(17.9 - 2.5, abs=0.1)
    assert t["domestic_net"] == pytest.approx(492.6 - 1487.7, abs=0.1)
    assert t["total_net"] == pytest.approx(-979.7, abs=0.1)
    assert t["total_net_pct_va"] == pytest.approx(-75.9, abs=0.1)
    assert t["domestic_share_of_deficit"] > 1  # foreign surplus, domestic deficit


def test_io_2017_identity_and_coverage(io2017):
    assert len(io2017) == 31
    s = io2017.dropna(subset=["foreign_net", "domestic_net"])
    assert ((s["foreign_net"] + s["domestic_net"] - s["total_net"]).abs() < 0.01).all()


def test_io_2012_exclusions_stay_missing():
    need_series("io_exports_foreign")
    s = dec.io_split(2012).set_index("province")
    for p in ("Hubei", "Qinghai"):
        if p in s.index:
            assert pd.isna(s.loc[p, "foreign_net"]) and pd.isna(s.loc[p, "domestic_net"])
    assert s["foreign_net"].notna().sum() >= 28


def test_io_unknown_year_is_a_clear_error():
    need_series("io_exports_foreign")
    with pytest.raises(dec.DecompositionError, match="no input-output table for 2013"):
        dec.io_split(2013)


# ------------------------------------------------------------------ a reader's export flows in


def test_reader_nbs_export_flows_in_and_ranks_first(tmp_path):
    from helpers import nbs_export
    d = tmp_path / "data"
    shutil.copytree(data.paths.DATA, d)
    before = dec.preferred_balance_panel(data_dir=d)
    years = [2007, 2010, 2015]
    surplus = set(provinces.COASTAL_SETS["pearl_yangtze_4"])
    nx, gr = tmp_path / "nx.csv", tmp_path / "grp.csv"
    write_export(nx, "货物和服务净流出", "亿元", years, lambda p, y: 100 if p.code in surplus else -50)
    write_export(gr, "支出法地区生产总值", "亿元", years, lambda p, y: 1000)
    nbs_export.add(nx, vintage="synthetic NBS 2025", data_dir=d)
    nbs_export.add(gr, vintage="synthetic NBS 2025", data_dir=d)

    after = dec.preferred_balance_panel(data_dir=d)
    for y in years:
        g = after[after["year"] == y]
        assert len(g) == 31 and (g["source_rank"] == 1).all() and (g["origin"] == "reader-import").all()
    assert set(after.loc[after["year"] == 2010, "pct_grp"].round(6)) == {10.0, -5.0}
    # the reader's export outranks the official NBS yearbook row for 2007 (Tibet: -50 % -> -5 %)
    assert row(after, "Tibet", 2007)["pct_grp"] == pytest.approx(-5.0)
    if len(before):
        assert row(after, "Tibet", 2007)["n_sources"] >= 2
    cov = dec.year_coverage(after).set_index("year")
    assert cov.loc[2010, "coverage"] == "national (31 of 31)"


# ------------------------------------------------------------------ three balances, kept apart
def test_side_by_side_never_mixes_balances():
    d = dec.balances_side_by_side()
    assert set(d["balance"]) == set(dec.BALANCE_NAMES)
    assert not d.duplicated(["geo_code", "year", "balance"]).any()       # one value per balance
    # every value is the balance it says it is (Sichuan 2017: IO foreign balance, IO net outflow)
    s = d[(d["province"] == "Sichuan") & (d["year"] == 2017)].set_index("balance")["value_100m_cny"]
    io = dec.io_split(2017).set_index("province").loc["Sichuan"]
    assert s[dec.FOREIGN] == pytest.approx(io["foreign_net"]) and s[dec.NET_OUTFLOW] == pytest.approx(io["total_net"])
    assert s[dec.FOREIGN] > 0 > s[dec.NET_OUTFLOW]            # foreign surplus, overall deficit
    # customs rows come from the secondary panel only
    assert d.loc[d["balance"] == dec.CUSTOMS, "source_id"].str.contains("secondary").all()
    assert not d.loc[d["balance"] != dec.CUSTOMS, "source_id"].str.contains("secondary").any()


def test_every_series_belongs_to_one_balance():
    assert dec.BALANCE_NAMES == tuple(b.name for b in balances.BALANCES.values())
    for key in ("outflow", "inflow", "net_total", "outflow_total", "inflow_total"):
        assert balances.owners(dec.IO_SERIES[key]) == {"net_outflow"}, key
    for key in ("exports", "imports"):       # the foreign balance, and a part of the IO total net outflow
        assert balances.owners(dec.IO_SERIES[key]) == {"foreign_io", "net_outflow"}, key
    for frame in (dec.yearbook_vs_io_2007(), dec.poorest_on_net_outflow(2017), dec.customs_panel_pct()):
        assert frame["balance"].nunique() == 1


def test_charts_show_one_balance_at_a_time_and_secondary_apart():
    from helpers import charts
    spec = dec.balance_choice_chart().to_dict()
    assert any("datum.balance == balance_pick" in t.get("filter", "") for t in spec["transform"])
    assert spec["params"][0]["bind"]["input"] == "radio"
    c = dec.coastal_share_chart().to_dict()
    assert c["params"][0]["bind"]["input"] == "select" and len(c["params"][0]["bind"]["options"]) == 3
    # the secondary customs heatmap and map do not use the official colour scheme
    pct = dec.customs_panel_pct()
    for ch in (charts.province_year_heatmap(pct, "balance_pct_grp", unit="% of GRP", title="t", source="s", alt="a"),
               charts.choropleth(pct, "balance_pct_grp", unit="% of GRP", title="t", source="s", alt="a", year="year")):
        spec = dec.secondary_colours(ch).to_dict()
        schemes = [lay["encoding"]["color"].get("scale", {}).get("scheme") for lay in spec["layer"]
                   if "field" in lay.get("encoding", {}).get("color", {})]
        assert dec.SECONDARY_SCHEME in schemes and charts.DIVERGING_SCHEME not in schemes


def test_io_value_added_and_grp_nearly_agree():
    v = dec.va_vs_grp()
    assert len(v) == 62
    assert v["diff_pct"].abs().median() < 0.001          # identical in most province-years
    assert (v["diff_pct"].abs() <= 1).sum() == 48
    j = v.set_index(["province", "year"]).loc[("Jiangsu", 2012)]
    assert j["diff_pct"] == pytest.approx(10.94, abs=0.01)


def test_io_identity_holds_and_2007_total_from_outflow_inflow():
    g = dec.gap_accounts(2017)
    assert g["identity_residual"].abs().max() < 0.01
    s = dec.io_split(2007).set_index("province")
    assert s.loc["Inner Mongolia", "total_net"] == pytest.approx(437.7705, abs=1e-4)
    assert pd.isna(s.loc["Inner Mongolia", "foreign_net"])   # no split in 2007 outside Guangdong


def test_2007_yearbook_vs_io_sign_changes():
    m = dec.yearbook_vs_io_2007().set_index("province")
    assert len(m) == 28
    assert sorted(m.index[m["sign_change"]]) == ["Hainan", "Inner Mongolia"]
    assert m.loc["Inner Mongolia", "yb_net_outflow"] == pytest.approx(-1034.80)
    assert m.loc["Hainan", "yb_net_outflow"] == pytest.approx(11.17)
    assert m.loc["Hainan", "io_net_outflow"] < 0
    # the gap sits in final demand, not in GRP
    assert m["d_net_outflow"].corr(m["d_capital_formation"]) < -0.8


def test_provinces_vs_nation():
    n = dec.national_comparison()
    cu = n[n["balance"] == dec.CUSTOMS].set_index("year")
    assert (cu["ratio_pct"] - 100).abs().max() < 4 and cu.loc[2021, "national"] == pytest.approx(6758.8)
    dom = n[n["what"].str.startswith("inter-provincial")].set_index("year")
    assert dom.loc[2017, "n_provinces"] == 31
    assert dom.loc[2017, "provincial_sum"] == pytest.approx(-68727.8, abs=0.1)   # should be about 0
    yb = n[n["what"] == "sum of provinces (yearbook)"].set_index("year")
    assert yb.loc[2007, "missing"] == "Ningxia, Xinjiang"
    assert yb.loc[2007, "missing_must_sum"] > yb.loc[2007, "missing_grp"] > 0   # more than their whole GRP
    assert yb.loc[1999, "missing_must_sum"] < 0
    s = dec.sum_of_surpluses().set_index(["year", "balance"])
    assert s.loc[(2017, dec.NET_OUTFLOW), "n_surplus"] == 7
    assert s.loc[(2017, dec.FOREIGN), "ratio_to_national"] == pytest.approx(3.25, abs=0.01)


def test_poorest_2017_all_in_deficit():
    p = dec.poorest_on_net_outflow(2017)
    top = p[p["poorest"]]
    assert list(top["province"]) == ["Gansu", "Yunnan", "Guizhou", "Tibet", "Guangxi", "Xinjiang"]
    assert (top["net_outflow"] < 0).all()
    gs = top.iloc[0]
    assert gs["grp_per_head"] == pytest.approx(gs["grp_100m_cny"] * 1e8 / (gs["population_10k"] * 1e4))


def test_investment_and_trade_move_inland():
    f = dec.investment_figures()
    assert f["inv_2008_2017"] > f["inv_1994_2007"] + 5
    assert f["inv_1993_cs"] == pytest.approx(35.31, abs=0.01) and f["inv_1993_wind"] == pytest.approx(34.54, abs=0.01)
    t = dec.official_totals_by_location().set_index("year")
    assert t.loc[2016, "interior_share_pct"] == pytest.approx(13.43, abs=0.01)
    assert t.loc[2024, "interior_share_pct"] == pytest.approx(17.44, abs=0.01)


def test_qinghai_series_20_years_and_identity():
    q = dec.qinghai_series()
    yb = q[q["source_rank"] == 3].set_index("year")
    assert list(yb.index) == list(range(2000, 2020)) and (yb["pct_grp"] < 0).all()
    assert yb.loc[2000, "pct_grp"] == pytest.approx(-68.48 / 263.68 * 100)
    assert (yb["consumption_pct_grp"] + yb["gcf_pct_grp"] + yb["pct_grp"] - 100).abs().max() < 0.01
