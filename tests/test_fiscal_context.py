"""helpers.fiscal_context: the 1994 break, provincial spending intensity, what would settle transfers."""
import shutil

import pytest

from helpers import data, fiscal_context as fc, nbs_export, provinces
from synthetic import write_export



def test_1994_break_matches_provenance():
    b = fc.break_1994()
    assert round(b["central_revenue_share_1993"], 1) == 22.0
    assert round(b["central_revenue_share_1994"], 1) == 55.7
    assert b["jump_pp"] == pytest.approx(33.68, abs=0.01)
    # revenue centralised, spending did not: localities still spent ~70 % in 1994
    assert round(b["local_expenditure_share_1994"], 1) == 69.7
    assert b["min_central_revenue_share_after"] == pytest.approx(45.95, abs=0.01)   # 2014
    assert b["last_year"] == 2014
    # 1993 local governments collected more than they spent; 1994 they spent 1726.59 亿元 more
    assert b["vertical_gap_1993"] == pytest.approx(-61.2, abs=0.01)
    assert b["vertical_gap_1994"] == pytest.approx(1726.59, abs=0.01)


def test_shares_recomputed_from_levels_match_published():
    f = fc.fiscal_shares()
    pub = f.dropna(subset=["central_revenue_share_published"])
    assert len(pub) == 34 and pub["year"].max() == 2011
    assert (pub["central_revenue_share"] - pub["central_revenue_share_published"]).abs().max() < 0.05
    assert (pub["central_expenditure_share"] - pub["central_expenditure_share_published"]).abs().max() < 0.05
    # levels exist to 2014, so the recomputed share covers 2012-2014 too
    assert f.dropna(subset=["central_revenue_share"])["year"].max() == 2014


def test_provincial_expenditure_one_value_per_province_year():
    e = fc.provincial_expenditure()
    assert not e.duplicated(["geo_code", "year"]).any()
    panel = e[e["year"] >= 2005]
    assert len(panel) == 31 * 20 and panel["year"].max() == 2024
    # before 2005 only Qinghai's yearbook table 9-1 (1957-2004, 万元 converted to 亿元)
    assert set(e.loc[e["year"] < 2005, "expenditure_source"]) <= {"qinghai_yb2017_t9_1", "qinghai_yb2019_t9_1"}
    assert not e["expenditure_source"].str.contains("secondary").any()
    g = e.set_index(["geo_code", "year"])["expenditure_100m_cny"]
    assert g[("440000", 2023)] == pytest.approx(18527.03)         # CSY 2024 table 7-6, Guangdong


def test_expenditure_per_head_and_per_grp():
    e = fc.expenditure_intensity().set_index(["geo_code", "year"])
    qh = e.loc[("630000", 2007)]
    assert qh["expenditure_100m_cny"] == pytest.approx(282.2)
    assert qh["exp_per_head_yuan"] == pytest.approx(282.2e8 / (qh["population_10k"] * 1e4))
    assert qh["exp_pct_grp"] == pytest.approx(282.2 / qh["grp_100m_cny"] * 100)
    # Tibet spends more than its GRP in budget terms; Guangdong about an eighth
    assert e.loc[("540000", 2020), "exp_pct_grp"] > 100
    assert e.loc[("440000", 2023), "exp_pct_grp"] == pytest.approx(18527.03 / 137905.4 * 100, rel=1e-6)


def test_revenue_and_transfer_panels_and_what_would_settle_it():
    # provincial final accounts 2014-2016 + NBS 2017-2024; MOF final accounts 2019-2024 (data/provincial_*)
    assert fc.transfer_data_available() == {"local_budget_revenue": list(range(2014, 2025)),
                                            "central_transfers": list(range(2019, 2025))}
    assert set(fc.fiscal_gap_vs_balance()["year"]) <= set(range(2014, 2025))
    text = " ".join(t for t, _ in fc.WOULD_SETTLE)
    assert "中央对地方转移支付" in text and "地方财政一般预算收入" in text




def test_reader_revenue_export_makes_the_gap_measurable(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(data.paths.DATA, d)
    f = tmp_path / "revenue.csv"
    write_export(f, "地方财政一般预算收入", "亿元", [2010, 2011], lambda p, y: 100 + int(p.code[:2]))
    nbs_export.add(f, vintage="synthetic test", data_dir=d)
    # the export's years join the built panel (final accounts 2014-2016, NBS 2017-2024)
    assert fc.transfer_data_available(d)["local_budget_revenue"] == [2010, 2011] + list(range(2014, 2025))
    gap = fc.fiscal_gap_vs_balance(d)
    assert len(gap[gap["year"].isin([2010, 2011])]) == 62
    row = gap.set_index(["geo_code", "year"]).loc[("630000", 2010)]
    assert row["gap_pct_grp"] == pytest.approx((row["expenditure_100m_cny"] - 163) / row["grp_100m_cny"] * 100)
