"""helpers.decomposition: real province-year values from the PROVENANCE spot checks, coverage
flags, the source ranking, and a reader's NBS export flowing in with no code change."""
import shutil

import pandas as pd
import pytest

from helpers import data, decomposition as dec, provinces
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


# ------------------------------------------------------------------ concentration and depth
def test_concentration_2007_partial_and_definition_moves_share(pref):
    s11 = dec.surplus_concentration(pref, "sea_coast_11").set_index("year")
    py4 = dec.surplus_concentration(pref, "pearl_yangtze_4").set_index("year")
    assert s11.loc[2007, "partial"] and s11.loc[2007, "n_provinces"] == 29
    assert "Guangdong" in s11.loc[2007, "surplus_provinces"]
    # the delta set is a subset of the sea-coast set, so its share can only be smaller
    assert py4.loc[2007, "coastal_share_of_surpluses"] < s11.loc[2007, "coastal_share_of_surpluses"] <= 1
    assert s11.loc[2007, "n_surplus"] == py4.loc[2007, "n_surplus"]
    # shares recompute from the panel
    g = pref[(pref["year"] == 2007) & (pref["net_outflow"] > 0)]
    delta = g[g["geo_code"].isin(provinces.COASTAL_SETS["pearl_yangtze_4"])]["net_outflow"].sum()
    assert py4.loc[2007, "coastal_share_of_surpluses"] == pytest.approx(delta / g["net_outflow"].sum())


def test_custom_coastal_list_and_unknown_set(pref):
    c = dec.surplus_concentration(pref, ["Guangdong", "江苏"]).set_index("year")
    assert c.loc[2007, "coastal_set"].startswith("custom: Guangdong, Jiangsu") and c.loc[2007, "n_coastal"] == 2
    with pytest.raises(KeyError, match="unknown coastal set"):
        dec.surplus_concentration(pref, "east_coast")


def test_depth_by_region_2008_west_deepest_is_tibet(pref):
    d = dec.deficit_depth_by_region(pref)
    w = d[(d["year"] == 2008) & (d["region"] == "West")].iloc[0]
    assert w["deepest"] == "Tibet" and w["min_pct_grp"] == pytest.approx(-182.18 / 395.98 * 100)
    assert w["n_provinces"] == 10 and w["n_in_region"] == 12  # Yunnan excluded, Xinjiang cut off
    east = d[(d["year"] == 2008) & (d["region"] == "East")].iloc[0]
    assert east["median_pct_grp"] > w["median_pct_grp"]


def test_poorest_provinces_2008_run_deficits(pref):
    need_series("population_year_end")
    p = dec.poorest_provinces(2008, 5, panel=pref)
    assert len(p) == 5 and list(p["rank_poorest"]) == [1, 2, 3, 4, 5]
    assert p["grp_per_head"].is_monotonic_increasing
    assert "Guizhou" == p.iloc[0]["province"]  # poorest province by GRP per head in 2008
    assert (p["pct_grp"] < 0).all()
    # GRP per head recomputes from the two published numbers (元 per person)
    gz = p.iloc[0]
    pop = data.series("population_year_end", geo="Guizhou")
    pop = pop[(pop["year"] == 2008) & (pop["source_id"] == gz["population_source_id"])]["value"].iloc[0]
    assert gz["grp_per_head"] == pytest.approx(row(pref, "Guizhou", 2008)["grp_expenditure"] * 1e8 / (pop * 1e4))


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


# ------------------------------------------------------------------ Qinghai
def test_qinghai_series_20_years_and_identity():
    need_series("net_outflow_goods_services")
    q = dec.qinghai_series()
    yb = q[q["source_rank"] == 3]
    assert sorted(yb["year"]) == list(range(2000, 2020))
    assert (yb["pct_grp"] < 0).all()
    assert yb.set_index("year").loc[2000, "pct_grp"] == pytest.approx(-68.48 / 263.68 * 100)  # -26 %
    assert yb.set_index("year").loc[2019, "pct_grp"] == pytest.approx(-54.3, abs=0.05)
    # C + GCF + NX = 100 % of GRP in the Qinghai yearbook
    tot = yb["consumption_pct_grp"] + yb["gcf_pct_grp"] + yb["pct_grp"]
    assert (tot - 100).abs().max() < 0.01


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
    # downstream: concentration now national, 4 delta provinces hold 100 % of the surpluses
    c = dec.surplus_concentration(after, "pearl_yangtze_4").set_index("year")
    assert not c.loc[2010, "partial"] and c.loc[2010, "n_surplus"] == 4
    assert c.loc[2010, "coastal_share_of_surpluses"] == pytest.approx(1.0)
    assert c.loc[2010, "sum_deficits"] == pytest.approx(-50 * 27)
