"""National series: SAFE balance of payments (BPM6), WDI, NBS national data, GACC 2019 totals.

Values are the spot checks in national/*/PROVENANCE.md, trade/PROVENANCE.md and
customs_tables/PROVENANCE.md; identities are the BoP's own accounting rules.
"""
import openpyxl
import pandas as pd
import pytest

from helpers import data, schema
from tools.build import national
from tools.build.core import SourceFormatError

NAT = "000000"


def annual(series, source_id=None):
    df = data.series(series, source_id=source_id, geo=NAT)
    assert df["year"].is_unique, f"{series} ({source_id}): several rows per year; give a source_id"
    return df.set_index("year")["value"]


def quarterly(series, source_id=None):
    df = data.series(series, source_id=source_id, geo=NAT, annual=False)
    df = df[df["quarter"].notna()]
    assert not df.duplicated(["year", "quarter"]).any(), f"{series} ({source_id}): several vintages; give a source_id"
    return df.set_index(["year", "quarter"])["value"]


# --- SAFE balance of payments -------------------------------------------------------------

@pytest.mark.parametrize("year,value", [(1993, -119.04), (1994, 76.58), (2008, 4205.69), (2018, 241.31)])
def test_safe_current_account_annual(year, value):
    assert annual("bop_current_account")[year] == pytest.approx(value, abs=0.005)


@pytest.mark.parametrize("year,q,value", [(2001, 2, -8.96), (2018, 1, -397.73), (2018, 2, -26.42),
                                          (2018, 3, 175.74), (2020, 1, -522.52)])
def test_safe_current_account_quarterly(year, q, value):
    assert quarterly("bop_current_account", national.BOP_ID)[(year, q)] == pytest.approx(value, abs=0.01)


def test_annual_current_account_deficit_years():
    ca = annual("bop_current_account")
    assert sorted(ca[ca < 0].index) == [1951, 1952, 1953, 1955, 1974, 1978, 1979, 1980,
                                        1985, 1986, 1988, 1989, 1993]
    # the paper's "deficit in 2018" is a half-year deficit, not a calendar-year one
    assert ca[2018] > 0 and ca.loc[1994:2023].min() > 0


def test_quarterly_current_account_deficits_only_four_quarters():
    ca = quarterly("bop_current_account", national.BOP_ID)
    assert sorted(ca[ca < 0].index) == [(2001, 2), (2018, 1), (2018, 2), (2020, 1)]


def test_bop_coverage_complete():
    df = data.load("national_bop")
    ann = df[df["quarter"].isna() & (df["series"] == "bop_current_account")]
    assert sorted(ann["year"]) == list(range(1950, 2024))
    q = df[df["quarter"].notna() & (df["series"] == "bop_current_account")]
    assert len(q) == 26 * 4 and q["year"].min() == 1998 and q["year"].max() == 2023
    cny = df[df["series"] == "bop_current_account_cny"]
    assert sorted(cny.loc[cny["quarter"].isna(), "year"]) == list(range(2010, 2024))
    assert (cny["unit"] == "亿元").all() and (ann["unit"] == "亿美元").all()


def _wide(suffix, quarterly_rows):
    df = data.load("national_bop")
    df = df[df["quarter"].notna() if quarterly_rows else df["quarter"].isna()]
    df = df.assign(q=df["quarter"].fillna(0).astype(int))
    w = df.pivot_table(index=["year", "q"], columns="series", values="value", aggfunc="first")
    w = w[w[f"bop_current_account{suffix}"].notna()]   # RMB sheets start in 2010
    return lambda name: w[f"bop_{name}{suffix}"]


@pytest.mark.parametrize("suffix", ["", "_cny"])
@pytest.mark.parametrize("quarterly_rows", [False, True])
def test_bop_identities(suffix, quarterly_rows):
    g = _wide(suffix, quarterly_rows)
    gs = g("goods") + g("services") - g("goods_and_services")
    assert gs.notna().all() and (gs.abs() < 1e-6).all(), f"goods + services != goods and services:\n{gs[gs.abs() >= 1e-6]}"
    ca = g("goods_and_services") + g("primary_income") + g("secondary_income") - g("current_account")
    assert (ca.abs() < 1e-6).all(), f"CA components do not add up:\n{ca[ca.abs() >= 1e-6]}"
    for item in ("current_account", "goods_and_services", "goods", "services", "primary_income",
                 "secondary_income"):
        d = g(f"{item}_credit") + g(f"{item}_debit") - g(item)
        assert (d.abs() < 1e-6).all(), f"{item}: credit + debit != balance"
        assert (g(f"{item}_debit") <= 0).all(), f"{item}: debits must be stored negative"
    # BoP: CA + capital & financial account (incl. reserves) + errors and omissions = 0
    bop = g("current_account") + g("capital_financial_account") + g("errors_omissions")
    assert (bop.abs() < 1e-6).all()


@pytest.mark.parametrize("suffix,first", [("", 1998), ("_cny", 2010)])
def test_four_quarters_sum_to_the_year(suffix, first):
    df = data.load("national_bop")
    df = df[df["series"].str.endswith("_cny") == (suffix == "_cny")]
    q = df[df["quarter"].notna()].groupby(["series", "year"])["value"].agg(["sum", "count"])
    a = df[df["quarter"].isna()].set_index(["series", "year"])["value"]
    j = q.join(a.rename("annual"), how="inner")
    assert (j["count"] == 4).all()
    assert sorted(j.index.get_level_values("year").unique()) == list(range(first, 2024))
    bad = j[(j["sum"] - j["annual"]).abs() > 0.01]
    assert bad.empty, f"years where the quarters do not sum to the year (亿):\n{bad}"


def test_rmb_sheets_are_usd_at_the_quarter_rate():
    ca = annual("bop_current_account_cny")
    assert ca[2018] == pytest.approx(1881.74, abs=0.005)
    assert ca[2023] == pytest.approx(17825.96, abs=0.005)
    # each RMB quarter is the USD quarter converted at that quarter's average rate (6.1-7.3 yuan/USD)
    cny, usd = quarterly("bop_goods_credit_cny", national.BOP_ID), quarterly("bop_goods_credit", national.BOP_ID)
    rate = (cny / usd).dropna()
    assert len(rate) == 14 * 4 and rate.between(6.1, 7.3).all()


# --- WDI ------------------------------------------------------------------------------------

def test_wdi_current_account():
    ca = annual("wdi_current_account_usd")
    assert ca[2008] / 1e9 == pytest.approx(420.57, abs=0.005)
    assert ca[1993] / 1e9 == pytest.approx(-11.609, abs=0.0005)
    # WDI and SAFE are different vintages: close, not equal, in 1993
    assert ca[1993] / 1e8 != pytest.approx(annual("bop_current_account")[1993], abs=1)


@pytest.mark.parametrize("wdi,nbs", [("wdi_merch_exports_usd", "customs_exports_usd"),
                                     ("wdi_merch_imports_usd", "customs_imports_usd")])
def test_wdi_merchandise_trade_equals_nbs_customs_1989_2014(wdi, nbs):
    w = annual(wdi).loc[1989:2014] / 1e6                         # USD -> million USD
    n = annual(nbs, source_id="nbs_hgnd_trade_2018").loc[1989:2014]
    assert len(w) == len(n) == 26
    diff = (w - n).abs()
    assert diff.max() <= 3.0 + 1e-6, f"WDI vs NBS customs differ by more than 3 million USD:\n{diff[diff > 3]}"


def test_wdi_fx_equals_nbs_official_rate():
    w = annual("fx_cny_per_usd")
    n = annual("fx_cny_per_100usd", source_id="nbs_hgnd_fx_2018") / 100
    both = pd.concat([w, n], axis=1, join="inner").dropna()
    assert len(both) == 30  # 1985-2014
    # equal within 0.0005 yuan to 2004 (NBS prints 2 decimals per 100 US$); 2005-2014 differ by up to
    # 0.0036 yuan (0.05 %, 2007-2008): WDI and NBS average the daily rates differently after the 2005 reform
    diff = (both.iloc[:, 0] - both.iloc[:, 1]).abs()
    assert (diff.loc[:2004] < 0.0005).all() and (diff < 0.004).all()
    assert w[1993] == pytest.approx(5.762, abs=0.001) and w[1994] == pytest.approx(8.619, abs=0.001)


# --- NBS ----------------------------------------------------------------------------------

def test_fiscal_centralisation_1994():
    share = annual("central_revenue_share_pct")
    assert share[1993] == pytest.approx(22.0, abs=0.05)
    assert share[1994] == pytest.approx(55.7, abs=0.05)
    assert annual("local_revenue_share_pct")[1994] == pytest.approx(44.3, abs=0.05)
    # shares left blank in the scrape stay gaps
    assert 2012 not in share.index and 2011 in share.index


def test_fiscal_central_plus_local_equals_total():
    for kind in ("revenue", "expenditure"):
        sid = f"nbs_hgnd_fiscal_{kind}_2018"
        c, l, t = (annual(f"{x}_{kind}", sid) if x else annual(f"fiscal_{kind}", sid)
                   for x in ("central", "local", None))
        assert ((c + l - t).abs() < 0.01).all()
        # the same national total from the 财政收支总额 table
        t2 = annual(f"fiscal_{kind}", "nbs_hgnd_fiscal_total_2018")
        assert ((t - t2).abs() < 0.01).all()
    assert annual("local_expenditure_share_pct")[1994] == pytest.approx(69.7, abs=0.1)


def test_nbs_fx_1993():
    assert annual("fx_cny_per_100usd", source_id="nbs_hgnd_fx_2018")[1993] == 576.2
    df = data.series("fx_cny_per_100usd", geo=NAT)
    assert set(df["unit"]) == {"元/100美元"}


def test_customs_exports_two_scrapes_kept_apart():
    a = annual("customs_exports_usd", source_id="nbs_hgnd_trade_2018")
    b = annual("customs_exports_usd", source_id="nbs_hgnd_trade_2023")
    assert a[2010] == 1_577_754.315 and b[2010] == 1_577_754
    assert a[1993] == 91744 and a.index.min() == 1978 and a.index.max() == 2014
    assert b.index.min() == 2010 and b.index.max() == 2022
    assert annual("customs_trade_total_usd", source_id="nbs_hgnd_trade_2023")[2022] == pytest.approx(6_309_600.2)
    # 2022 USD balance is empty in the scrape: a gap, not a computed value
    assert 2022 not in annual("customs_balance_usd", source_id="nbs_hgnd_trade_2023").index
    assert annual("fie_exports_usd", source_id="nbs_hgnd_fie_trade_2018")[2012] == pytest.approx(1_022_620.075)


def test_gdp_vintages_not_spliced():
    old = data.series("gdp", source_id="nbs_hgnd_gdp_2018", geo=NAT)
    new = data.series("gdp", source_id="nbs_gdp_latest", geo=NAT)
    assert set(old["vintage"]) == {"NBS database as scraped 2018 (pre-2018-census revision)"}
    assert set(new["vintage"]) == {"NBS, latest revision (as of 2024)"}
    assert old.set_index("year")["value"][1993] == pytest.approx(35524.3, abs=0.05)
    assert new.set_index("year")["value"][1993] == pytest.approx(35673.2)
    assert new.set_index("year")["value"][2023] == pytest.approx(1260582.1)
    assert new["year"].min() == 1952 and old["year"].max() == 2014


def test_bpm5_current_account_matches_safe_1993():
    bpm5 = annual("bpm5_current_account")
    assert bpm5[1993] == -1190400  # 万美元
    assert bpm5[1993] / 1e4 == pytest.approx(annual("bop_current_account")[1993], abs=0.01)  # -> 亿美元


def test_derived_fx_is_secondary_and_limited_to_2015_2024():
    d = annual("fx_cny_per_usd_derived")
    assert list(d.index) == list(range(2015, 2025))
    src = data.sources().set_index("source_id").loc["fyg_fx_derived"]
    assert bool(src["secondary"]) and src["trust"] == "LOW-MEDIUM"
    ex = data.exclusions()
    ex = ex[ex["source_id"] == "fyg_fx_derived"]
    assert sorted(ex["year"]) == list(range(1981, 2015))


# --- GACC ---------------------------------------------------------------------------------

def test_gacc_2019_totals():
    e = annual("customs_exports_usd", source_id="gacc_t05_2019_12")
    i = annual("customs_imports_usd", source_id="gacc_t05_2019_12")
    assert e[2019] == 2_499_028_927 and i[2019] == 2_077_097_114
    assert set(data.series("customs_exports_usd", source_id="gacc_t05_2019_12")["unit"]) == {"千美元"}
    # the later NBS figure (2023 scrape, million USD) is a revision within 0.1 %
    later = annual("customs_exports_usd", source_id="nbs_hgnd_trade_2023")[2019] * 1e3
    assert abs(later / e[2019] - 1) < 0.001


# --- rebuild and errors -------------------------------------------------------------------

@pytest.fixture(scope="module")
def fresh(shared_sources):
    return {t.name: t for t in national.build(shared_sources)}


def test_rebuild_matches_data(fresh):
    assert sorted(fresh) == ["national_bop", "national_gacc", "national_nbs", "national_wdi"]
    counts = {"national_bop": 5952, "national_wdi": 301, "national_nbs": 1994, "national_gacc": 2}
    for name, t in fresh.items():
        new = schema.sort(t.check())
        old = schema.sort(data.load(name))
        assert len(new) == counts[name], f"{name}: {len(new)} rows"
        pd.testing.assert_frame_equal(new.reset_index(drop=True), old.reset_index(drop=True), check_dtype=False)
    bop = fresh["national_bop"].rows
    v = bop[(bop["series"] == "bop_current_account") & (bop["year"] == 2008) & bop["quarter"].isna()]["value"]
    assert v.iloc[0] == pytest.approx(4205.685, abs=0.001)


def _tiny_bop(tmp_path, drop_label):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年度BOP（美元） "
    ws["A3"], ws["A4"], ws["B4"] = "单位:亿美元", "项目", 2020
    r = 6
    for label, _s, _d, cd in national.BOP_ITEMS:
        if label == drop_label:
            continue
        ws.cell(r, 1, label), ws.cell(r, 2, 1.0)
        r += 1
        if cd:
            ws.cell(r, 1, "贷方"), ws.cell(r, 2, 2.0), ws.cell(r + 1, 1, "借方"), ws.cell(r + 1, 2, -1.0)
            r += 2
    return ws


def test_missing_bop_label_names_sheet_and_label(tmp_path):
    ws = _tiny_bop(tmp_path, None)
    rows = national._bop_sheet(ws, tmp_path / "x.xlsx", "年度BOP（美元）")
    assert len(rows) == 12 + 6 * 2
    ws = _tiny_bop(tmp_path, "1.A.b服务")
    with pytest.raises(SourceFormatError, match=r"年度BOP（美元）.*1\.A\.b服务"):
        national._bop_sheet(ws, tmp_path / "x.xlsx", "年度BOP（美元）")


def test_bad_year_cell_names_file_and_line(tmp_path):
    p = tmp_path / "grid.csv"
    p.write_text(",人民币对美元汇率(美元=100)\n1993年,576.2\nabc,1\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"grid\.csv line 3"):
        national.read_csv_grid(p, {"人民币对美元汇率(美元=100)": ("fx_cny_per_100usd", "元/100美元", "")}, "x", "v")
