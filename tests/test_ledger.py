"""The claims ledger: one test per claim (verdict AND key figures), plus the "no code change" promise.

If a data change flips a verdict or moves a key figure, these tests fail loudly: update the
chapter prose and this file together, on purpose.
"""
import shutil

import pytest
import yaml

from helpers import data, ledger, provinces
from helpers.ledger import CONTRADICTED, NOT_TESTABLE, PARTLY, SUPPORTED
from synthetic import write_export



@pytest.fixture(scope="module")
def led():
    return ledger.evaluate().set_index("claim")


def test_claims_file_complete_and_every_claim_has_a_rule():
    claims = ledger.load_claims()
    ids = [c["id"] for c in claims]
    assert ids == ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"]
    assert set(ids) <= set(ledger.RULES)
    for c in claims:
        assert c["chapter"] in ledger.CHAPTER_TITLES, c["id"]
        assert c["measure"]["description"] and c["measure"]["series"], c["id"]


def test_bad_claims_file_names_file_and_claim(tmp_path):
    p = tmp_path / "claims.yml"
    p.write_text(yaml.safe_dump({"claims": [{"id": "X1", "paraphrase": "p"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"claims.yml: claim #1 \(X1\) lacks"):
        ledger.load_claims(p)


def test_every_verdict_is_one_of_four_and_untestable_names_a_table(led):
    assert set(led["verdict"]) <= set(ledger.VERDICTS)
    for cid, r in led.iterrows():
        if r["verdict"] == NOT_TESTABLE:
            assert "NBS" in r["detail"] or "Ministry of Finance" in r["detail"], cid


# ------------------------------------------------------------------ one test per claim



def _per_year(led, cid):
    return {r["year"]: r for r in led.loc[cid, "figures"]["per_year"]}


def test_c1_surplus_coastal_but_not_confined_to_seven_or_eight(led):
    """CSY 2007/2008 (29 provinces) and IO 2002/2012/2017: coastal share of the surplus, and how many in surplus."""
    r = led.loc["C1"]
    assert r["verdict"] == PARTLY
    assert r["coverage"]["years_measured"] == [2002, 2007, 2008, 2012, 2017]
    py = _per_year(led, "C1")
    assert py[2007]["measure"] == "net outflow of goods and services"          # the annual tables win where they cover
    assert py[2012]["measure"].startswith("IO table")
    assert py[2007]["surplus_provinces"] == 12 and py[2007]["provinces_measured"] == 29
    assert py[2007]["non_coastal_in_surplus"] == ["Heilongjiang", "Hubei"]
    assert py[2008]["non_coastal_in_surplus"] == ["Beijing", "Heilongjiang", "Hubei"]
    assert py[2007]["coastal_share_of_surpluses"] == pytest.approx(0.9557, abs=1e-4)
    assert py[2002]["coastal_share_of_surpluses"] == pytest.approx(0.8755, abs=1e-4)
    assert py[2017]["surplus_provinces"] == 7 and py[2017]["non_coastal_in_surplus"] == ["Anhui", "Beijing", "Jiangxi"]
    # the foreign-only caveat: in 2017 most provinces export more abroad than they import
    assert py[2017]["foreign_surplus_provinces_io"] == 19 and py[2017]["foreign_split_provinces_io"] == 31
    assert py[2007]["foreign_surplus_provinces_io"] is None        # 2007 tables do not split (Guangdong only)
    assert "'concentrated on the coast': partly supported" in r["detail"]
    assert "'from seven or eight coastal provinces only': contradicted" in r["detail"]
    assert "other provinces" in r["detail"]          # the measure's caveat is stated


def test_c2_sustained_but_deep_only_in_io_years(led):
    r = led.loc["C2"]
    assert r["verdict"] == PARTLY
    py = _per_year(led, "C2")
    assert py[2007]["share_in_deficit"] == pytest.approx(16 / 18)
    assert py[2008]["share_in_deficit"] == pytest.approx(15 / 18)
    assert py[2002]["share_in_deficit"] == pytest.approx(13 / 19)
    assert py[2007]["median_pct_grp"] == pytest.approx(-4.74, abs=0.01)
    assert py[2008]["median_pct_grp"] == pytest.approx(-4.78, abs=0.01)
    assert py[2012]["median_pct_grp"] == pytest.approx(-13.35, abs=0.01)
    assert "'sustained (most provinces in deficit)': partly supported" in r["detail"]
    assert "'relatively deep (median balance at or below the threshold)': contradicted" in r["detail"]


def test_c3_poorest_interior_deficits(led):
    r = led.loc["C3"]
    assert r["verdict"] == PARTLY
    py = _per_year(led, "C3")
    assert py[2007]["poorest"] == ["Guizhou", "Yunnan", "Gansu", "Tibet", "Anhui", "Guangxi"]
    assert py[2007]["share_extreme"] == pytest.approx(1 / 3)
    assert py[2008]["share_extreme"] == pytest.approx(0.5)
    assert py[2012]["share_extreme"] == pytest.approx(4 / 6)
    assert py[2007]["median_poorest_pct_grp"] == pytest.approx(-13.15, abs=0.01)
    assert py[2008]["median_poorest_pct_grp"] < py[2008]["median_other_interior_pct_grp"]
    assert "holds in 2008, 2012, 2017; fails in 2002, 2007" in r["detail"]


def test_c4_deltas_hold_most_of_the_surplus_except_2017(led):
    r = led.loc["C4"]
    assert r["verdict"] == PARTLY
    py = _per_year(led, "C4")
    assert py[2007]["delta_share_of_surpluses"] == pytest.approx(0.689, abs=0.001)
    assert py[2008]["delta_share_of_surpluses"] == pytest.approx(0.687, abs=0.001)
    assert py[2007]["delta_balance_100m_cny"] == pytest.approx(9541.75, abs=0.01)
    assert py[2012]["delta_share_of_surpluses"] == pytest.approx(0.9585, abs=0.001)
    assert py[2017]["delta_share_of_surpluses"] == pytest.approx(0.3602, abs=0.001)


def test_c1_to_c4_not_testable_without_a_provincial_balance(tmp_path):
    """Take the provincial balance tables out of a copy of data/: the verdicts fall back to 'not testable'."""
    import json
    d = tmp_path / "data"
    shutil.copytree(data.paths.DATA, d)
    m = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    m["resources"] = [r for r in m["resources"]
                      if r["name"] not in {"provincial_grp_expenditure", "provincial_io_final_demand"}]
    (d / "datapackage.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    led = ledger.evaluate(data_dir=d).set_index("claim")
    for cid in ("C1", "C2", "C3", "C4"):
        assert led.loc[cid, "verdict"] == NOT_TESTABLE, cid
        assert "NBS" in led.loc[cid, "detail"], cid   # names the table that would test it


def test_c5_fiscal_centralisation(led):
    r = led.loc["C5"]
    assert r["verdict"] == SUPPORTED
    f = r["figures"]
    assert round(f["central_revenue_share_1993"], 1) == 22.0
    assert round(f["central_revenue_share_1994"], 1) == 55.7
    assert round(f["min_central_revenue_share_after"], 1) == 45.9


def test_c6_deficit_2018_is_true_only_of_the_first_half(led):
    r = led.loc["C6"]
    assert r["verdict"] == PARTLY
    f = r["figures"]
    assert f["calendar_2018"] == pytest.approx(241.31, abs=0.005)      # the year was in surplus
    assert f["h1_2018"] == pytest.approx(-424.15, abs=0.01)
    assert f["q1_2018"] == pytest.approx(-397.7, abs=0.05) and f["q2_2018"] == pytest.approx(-26.4, abs=0.05)
    assert f["last_annual_deficit_before_2018"] == 1993
    assert f["first_quarterly_deficit"] == "2001Q2"
    assert "first half of 2018" in r["detail"]


def test_c7_petering_out_relative_to_gdp_not_in_dollars(led):
    r = led.loc["C7"]
    assert r["verdict"] == PARTLY
    f = r["figures"]
    assert f["ca_peak_year"] == 2007 and f["ca_peak_pct_gdp"] == pytest.approx(9.94, abs=0.01)
    assert f["ca_recent_mean_pct_gdp"] == pytest.approx(1.41, abs=0.01)
    assert f["goods_recent_max_level_year"] == 2022
    assert f["goods_recent_max_level"] == pytest.approx(6650.49, abs=0.01)
    assert f["goods_peak_level_before"] == pytest.approx(5761.91, abs=0.01)


def test_c7_definition_moves_the_result(tmp_path):
    """A stricter definition (recent mean must be under a tenth of the peak) contradicts the claim."""
    doc = yaml.safe_load(ledger.CLAIMS_FILE.read_text(encoding="utf-8"))
    for c in doc["claims"]:
        if c["id"] == "C7":
            c["measure"]["params"]["max_ratio_to_peak"] = 0.1
    p = tmp_path / "claims.yml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert ledger.evaluate(claims_path=p).set_index("claim").loc["C7", "verdict"] == CONTRADICTED


def test_c8_not_testable_without_revenue_or_transfers(led):
    # revenue (2014-2024) and MOF transfer (2019-2024) panels exist, but no year overlaps a balance panel
    r = led.loc["C8"]
    assert r["verdict"] == NOT_TESTABLE
    assert r["figures"]["revenue_panel_years"] == list(range(2014, 2025))
    assert r["figures"]["transfer_years"] == list(range(2019, 2025))
    assert "中央对地方转移支付" in r["detail"] and "地方财政一般预算收入" in r["detail"]


# ------------------------------------------------------------------ a reader's export makes claims testable



SURPLUS_8 = {"440000", "320000", "330000", "310000", "350000", "370000", "120000", "210000"}


@pytest.fixture
def data_copy(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(data.paths.DATA, d)
    return d


def _add_trade(d, tmp_path, surplus: set[str], vintage: str):
    from helpers import nbs_export
    years = list(range(2000, 2020))
    ex, im = tmp_path / f"ex_{vintage}.csv", tmp_path / f"im_{vintage}.csv"
    write_export(ex, "经营单位所在地出口总额", "千美元", years, lambda p, y: 2_000_000 if p.code in surplus else 1_000_000)
    write_export(im, "经营单位所在地进口总额", "千美元", years, lambda p, y: 1_000_000 if p.code in surplus else 2_000_000)
    nbs_export.add(ex, vintage=vintage, data_dir=d)
    nbs_export.add(im, vintage=vintage, data_dir=d)


def test_c1_c4_become_testable_with_reader_trade_exports(data_copy, tmp_path):
    before = ledger.evaluate(data_dir=data_copy).set_index("claim")
    _add_trade(data_copy, tmp_path, SURPLUS_8, "synthetic 8 coastal")
    after = ledger.evaluate(data_dir=data_copy).set_index("claim")
    c1 = after.loc["C1"]
    # every year of the window is now measured
    assert c1["coverage"]["years_measured"] == list(range(2000, 2020))
    assert len(c1["coverage"]["years_measured"]) > len(before.loc["C1", "coverage"].get("years_measured", []))
    customs = [r for r in c1["figures"]["per_year"] if r["measure"].startswith("customs")]
    assert customs and all(r["surplus_provinces"] == 8 and r["non_coastal_in_surplus"] == [] for r in customs)
    # customs years: the 4 delta provinces hold 4/8 of equal surpluses = exactly 50 %
    c4 = [r for r in after.loc["C4", "figures"]["per_year"] if r["year"] in {x["year"] for x in customs}]
    assert all(r["delta_share_of_surpluses"] == pytest.approx(0.5) for r in c4)
    # 1000000 千美元 = 10 亿美元; 2010 at 6.7695 元/美元: 4 provinces x 67.695 亿元
    y2010 = next(r for r in c4 if r["year"] == 2010)
    assert y2010["delta_balance_100m_cny"] == pytest.approx(4 * 10 * 6.7695, rel=1e-6)
    if all(r["measure"].startswith("customs") for r in c1["figures"]["per_year"]):
        assert c1["verdict"] == SUPPORTED


def test_c1_contradicted_when_interior_provinces_run_surpluses(data_copy, tmp_path):
    inland = {"510000", "500000", "410000", "360000", "340000"}           # Sichuan, Chongqing, Henan, Jiangxi, Anhui
    _add_trade(data_copy, tmp_path, SURPLUS_8 | inland, "synthetic interior surplus")
    c1 = ledger.evaluate(data_dir=data_copy).set_index("claim").loc["C1"]
    customs = [r for r in c1["figures"]["per_year"] if r["measure"].startswith("customs")]
    assert customs and all(r["surplus_provinces"] == 13 for r in customs)
    assert "Sichuan" in customs[0]["non_coastal_in_surplus"]
    assert c1["verdict"] in (CONTRADICTED, PARTLY)
    if len(customs) > len(c1["figures"]["per_year"]) / 2:
        assert c1["verdict"] == CONTRADICTED


def test_c8_becomes_testable_with_a_reader_revenue_export(data_copy, tmp_path):
    from helpers import nbs_export
    f = tmp_path / "revenue.csv"
    years = [2006, 2007, 2008, 2010]
    write_export(f, "地方财政一般预算收入", "亿元", years, lambda p, y: 100)
    nbs_export.add(f, vintage="synthetic revenue", data_dir=data_copy)
    c8 = ledger.evaluate(data_dir=data_copy).set_index("claim").loc["C8"]
    assert c8["figures"]["revenue_panel_years"] == years + list(range(2014, 2025))   # + the built panel
    overlap = c8["figures"]["gap_vs_balance"]
    if overlap:      # a provincial balance panel overlaps the revenue years
        assert c8["verdict"] in (PARTLY, CONTRADICTED)
    else:
        assert c8["verdict"] == NOT_TESTABLE and "no year overlaps" in c8["detail"]
