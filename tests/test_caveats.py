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


# --- who earns the customs surplus, and sums of balances (values from the raw NBS/GACC/IO files) ----------

def test_fie_share_pairs_one_scrape_at_a_time():
    f = cv.fie_share()
    assert set(f["scrape"]) == {"2018", "2023"}
    r = f[(f["scrape"] == "2023")].set_index("year")
    # 2022: FIE exports - imports vs customs exports - imports (百万美元, NBS scrape 2023)
    assert r.loc[2022, "customs_balance_bn"] == pytest.approx(877.6, abs=0.05)
    assert r.loc[2022, "fie_share_of_surplus_pct"] == pytest.approx(19.40, abs=0.01)
    assert r.loc[2010, "fie_share_of_surplus_pct"] == pytest.approx(68.23, abs=0.01)
    k = cv.fie_figures()
    assert k["fie_peak_year"] == 2011 and k["fie_scrape_2005"] == "2018" and k["fie_scrape_2022"] == "2023"


def test_processing_share_2019_from_gacc_table_5():
    p = cv.processing_share(2019)
    # 78,051,456 + 657,422,019 thousand USD exports; 89,759,875 + 327,540,911 imports
    assert p["processing_exports"] == pytest.approx(735.473475)
    assert p["processing_imports"] == pytest.approx(417.300786)
    assert p["customs_balance"] == pytest.approx(2499.028927 - 2077.097114)
    assert p["processing_share_of_surplus_pct"] == pytest.approx(75.41, abs=0.01)
    assert p["processing_share_of_exports_pct"] == pytest.approx(29.43, abs=0.01)
    assert p["ordinary_balance"] == pytest.approx(1443.951374 - 1256.736513)
    assert p["other_balance"] < 0          # bonded logistics and warehousing: net imports


def test_io_sums_do_not_cancel():
    s = cv.io_sums_vs_national().set_index("year")
    assert s.loc[2017, "n_provinces"] == 31 and s.loc[2017, "n_foreign"] == 31 and s.loc[2012, "n_foreign"] == 28
    assert s.loc[2017, "domestic_sum"] == pytest.approx(-68727.8, abs=0.1)
    assert abs(s.loc[2017, "domestic_sum"]) > s.loc[2017, "national_goods_services"]


def test_no_local_copies_and_named_units():
    assert cv.USD_PER_BILLION == 1e9 and not hasattr(cv, "BN") and not hasattr(cv, "_series")
    assert not hasattr(cv, "_usd")


def test_key_figures_are_the_chapter_keys():
    k = cv.key_figures()
    assert list(k) == list(cv.CHAPTER_KEYS)
    assert k["nf_def_fsur"] == 15 and k["ns_best"] == 29 and k["lvd_gain"] == "Guangdong"


def test_regime_builder_rejects_a_wrong_total(tmp_path):
    from tools.build import national_detail as nd
    from helpers import paths
    src = paths.shared_sources()
    (tmp_path / "customs_tables").mkdir()
    txt = (src / nd.REGIME_FILE).read_text(encoding="utf-8").replace("Border Trade 2,969,765  31,847,871",
                                                                      "Border Trade 2,969,765  31,847,971")
    (tmp_path / nd.REGIME_FILE).write_text(txt, encoding="utf-8")
    (tmp_path / nd.GACC_FILE).write_bytes((src / nd.GACC_FILE).read_bytes())
    with pytest.raises(nd.SourceFormatError, match="regime rows sum"):
        nd.build_regimes(tmp_path)
