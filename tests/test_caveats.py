"""helpers.caveats: each accounting caveat measured on real published values."""
import pandas as pd
import pytest

from helpers import caveats as cv, data
from data_needs import need_series


# ------------------------------------------------------------------ 1. location vs destination
@pytest.fixture(scope="module")
def lvd():
    return cv.location_vs_destination()


def test_guangdong_2016_location_vs_destination(lvd):
    g = lvd[(lvd["province"] == "Guangdong") & (lvd["year"] == 2016)].iloc[0]
    assert g["by_location_bn"] == pytest.approx(955.3, abs=0.05)
    assert g["by_destination_bn"] == pytest.approx(1060.1, abs=0.05)
    assert g["difference_bn"] == pytest.approx(1060.1 - 955.3, abs=0.1)
    assert g["ratio"] == pytest.approx(1060.1 / 955.3, abs=1e-3)


def test_location_vs_destination_full_panel_and_zero_sum(lvd):
    assert len(lvd) == 31 * 9 and sorted(lvd["year"].unique()) == list(range(2016, 2025))
    # two allocations of one national total: the differences net out each year (within 0.5 %)
    by_year = lvd.groupby("year").agg(d=("difference_bn", "sum"), t=("by_location_bn", "sum"))
    assert (by_year["d"].abs() / by_year["t"] < 0.005).all()


def test_beijing_loses_most_guangdong_gains_most(lvd):
    s = cv.location_vs_destination_summary(lvd)
    assert s.iloc[0]["province"] == "Guangdong" and s.iloc[-1]["province"] == "Beijing"
    assert s.iloc[-1]["mean_ratio"] < 0.5  # head offices in Beijing trade goods made or used elsewhere


# ------------------------------------------------------------------ 2. net outflow is not foreign trade
def test_io_split_tibet_2017_sign_differs():
    need_series("io_exports_foreign")
    d = cv.net_outflow_vs_foreign()
    t = d[(d["province"] == "Tibet") & (d["year"] == 2017)].iloc[0]
    assert t["sign_differs"] and t["foreign_net"] > 0 > t["total_net"]
    assert t["domestic_abs_share"] == pytest.approx(995.1 / (995.1 + 15.4), abs=1e-3)
    s = cv.net_outflow_vs_foreign_summary(d).set_index("year")
    assert s.loc[2017, "n_provinces"] == 31
    assert 2012 in s.index and s.loc[2012, "n_provinces"] <= 29  # Hubei and Qinghai 2012 excluded
    assert s.loc[2017, "n_deficit_with_foreign_surplus"] >= 1


# ------------------------------------------------------------------ 3. GRP sum vs national GDP
def test_grp_sum_is_the_sum_of_31_and_exceeds_gdp():
    g = cv.grp_sum_vs_national_gdp()
    assert (g["n_provinces"] == 31).all()
    latest = g[g["grp_source_id"] == "nbs_fsnd_grp_2025"]
    r = latest[(latest["year"] == 2016) & (latest["gdp_source_id"] == "nbs_gdp_latest")].iloc[0]
    raw = data.series("grp", source_id="nbs_fsnd_grp_2025")
    assert r["grp_sum"] == pytest.approx(raw[raw["year"] == 2016]["value"].sum())
    assert r["national_gdp"] == pytest.approx(746395.1)
    assert r["gap"] == pytest.approx(r["grp_sum"] - 746395.1)
    # in every year both exist, the provinces add up to more than the nation
    assert (latest["gap"] > 0).all() and latest["gap_pct"].between(0, 5).all()


def test_grp_sum_first_published_vintage():
    need_series("grp")
    g = cv.grp_sum_vs_national_gdp()
    first = g[g["grp_vintage"].str.contains("first published", case=False)]
    assert not first.empty, "provincial_grp_first_published missing from data/"
    r = first[(first["year"] == 2009) & (first["gdp_source_id"] == "nbs_hgnd_gdp_2018")].iloc[0]
    assert r["gap"] > 0


# ------------------------------------------------------------------ 4. net outflow sum vs national
def test_net_outflow_sum_only_with_near_full_coverage():
    need_series("net_outflow_goods_services")
    d = cv.net_outflow_sum_vs_national_net_exports().set_index("year")
    assert d.loc[2008, "status"] == "partial coverage (29 of 31)"
    assert pd.isna(d.loc[2008, "provincial_sum"])
    assert "Yunnan" in d.loc[2008, "missing"] and "Xinjiang" in d.loc[2008, "missing"]
    # SAFE goods and services balance in yuan is carried for comparison
    assert d.loc[2008, "national_goods_services"] > 0
    assert (d["status"] == "compared").sum() == (d["n_provinces"] >= 30).sum()


# ------------------------------------------------------------------ 5. census revisions
def test_census_revision_qinghai_2007():
    need_series("grp_expenditure")
    r = cv.census_revisions()
    q = r[(r["series"] == "grp_expenditure") & (r["province"] == "Qinghai") & (r["year"] == 2007)].iloc[0]
    assert q["value_earlier"] == pytest.approx(783.61) and q["value_later"] == pytest.approx(720.06)
    assert q["revision_pct"] == pytest.approx((720.06 / 783.61 - 1) * 100)


def test_census_revision_grp_first_published_vs_latest():
    need_series("grp")
    r = cv.census_revisions()
    g = r[r["series"] == "grp"]
    assert not g.empty, "provincial_grp_first_published missing from data/"
    assert set(g["year"]) == {2006, 2007, 2008, 2009}
    assert len(g) == 31 * 4
    t = g[(g["province"] == "Tibet") & (g["year"] == 2007)].iloc[0]
    assert t["value_earlier"] == pytest.approx(341.43) and t["value_later"] == pytest.approx(349.8)
    gd = g[(g["province"] == "Guangdong") & (g["year"] == 2009)].iloc[0]
    assert gd["value_earlier"] == pytest.approx(39482.56)


# ------------------------------------------------------------------ 6. customs vs BoP
def test_customs_vs_bop_goods_2019():
    d = cv.customs_vs_bop_goods().set_index("year")
    ex = data.series("customs_exports_usd", source_id=d.loc[2019, "customs_source_id"])
    im = data.series("customs_imports_usd", source_id=d.loc[2019, "customs_source_id"])
    bal = (ex[ex["year"] == 2019]["value"].iloc[0] - im[im["year"] == 2019]["value"].iloc[0])
    assert d.loc[2019, "customs_balance_bn"] == pytest.approx(421.07, abs=0.1)
    assert d.loc[2019, "customs_balance_bn"] * 1000 == pytest.approx(bal)  # 百万美元 -> bn
    bop = data.series("bop_goods")
    bop = bop[(bop["year"] == 2019) & bop["quarter"].isna()]["value"].iloc[0]  # 亿美元
    assert d.loc[2019, "bop_goods_bn"] == pytest.approx(bop / 10)
    assert d.loc[2019, "difference_bn"] == pytest.approx(d.loc[2019, "customs_balance_bn"] - bop / 10)
    assert len(d) >= 30


# ------------------------------------------------------------------ 7. source errors
def test_source_errors_summarises_every_exclusion():
    s = cv.source_errors()
    ex = data.exclusions()
    assert s["n_cells"].sum() == len(ex)
    assert set(s["source_id"]) == set(ex["source_id"])


def test_yunnan_2008_listed_as_source_error():
    need_series("net_outflow_goods_services")
    s = cv.source_errors()
    y = s[s["provinces"].str.contains("Yunnan") & (s["years"] == "2008")]
    assert len(y) >= 1 and (y["kind"] == "source error").any()
