"""national_recent/: SAFE BoP releases 2023Q4-2026Q1, NBS GDP 2024-2025, GACC 2023-2026.

Expected values are read from the raw files (PROVENANCE.md of national_recent); the DERIVED_
files are used only as cross-checks of helpers.national.bop_latest().
"""
import csv

import pandas as pd
import pytest

from helpers import data, national, paths
from tools.build import national as wb
from tools.build import national_recent as nr

NAT = "000000"


def raw(name):
    path = paths.shared_sources() / nr.DIR / name
    if not path.exists():
        pytest.skip(f"raw sources not found at {path}")
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def safe_raw(key, period, item, unit, side="balance"):
    hit = [r for r in raw("SAFE_BoP_releases_2023-2026_long.csv") if (r["source_key"], r["period"], r["item"],
                                                                      r["side"], r["unit"]) == (key, period, item, side, unit)]
    assert len(hit) == 1, (key, period, item, unit)
    return float(hit[0]["value"])


def one(series, year, quarter=None, source_id=None, vintage=None):
    df = data.series(series, source_id=source_id, vintage=vintage, geo=NAT, annual=quarter is None)
    df = df[(df["year"] == year) & (df["quarter"].isna() if quarter is None else df["quarter"] == quarter)]
    assert len(df) == 1, (series, year, quarter, df[["source_id", "vintage"]].values.tolist())
    return df.iloc[0]


# --- SAFE releases: real values, vintages named by release --------------------------------------------

def test_2025_current_account_formal_and_preliminary_are_separate_vintages():
    f = one("bop_current_account_usd_bn", 2025, vintage="SAFE 2025Q4 formal, released 2026-03-27 (date from page address)")
    p = one("bop_current_account_usd_bn", 2025, vintage="SAFE 2025Q4 preliminary, released 2026-02-13")
    assert f["value"] == safe_raw("S25Q4F", "2025", "current_account", "USD_bn") == 735.0
    assert p["value"] == safe_raw("S25Q4P", "2025", "current_account", "USD_bn") == 734.9
    assert f["unit"] == p["unit"] == "十亿美元" and f["source_id"] == "safe_2025q4_formal_safe"


def test_2026q1_preliminary_and_formal():
    p = one("bop_current_account", 2026, 1, source_id="safe_2026q1_prelim_safe")
    f = one("bop_current_account", 2026, 1, source_id="safe_2026q1_formal_safe")
    assert (p["value"], f["value"]) == (safe_raw("S26Q1P", "2026Q1", "current_account", "USD_100m"),
                                        safe_raw("S26Q1F", "2026Q1", "current_account", "USD_100m")) == (1841, 1843)
    assert p["unit"] == "亿美元" and p["vintage"] == "SAFE 2026Q1 preliminary, released before 2026-06-26 (date not shown)"
    # table (亿美元) and text (十亿美元) of one release agree; goods + services + incomes = current account
    assert one("bop_current_account_usd_bn", 2026, 1, source_id="safe_2026q1_formal_safe")["value"] * 10 == 1843
    parts = sum(one(s, 2026, 1, source_id="safe_2026q1_formal_safe")["value"] for s in
                ("bop_goods", "bop_services", "bop_primary_income", "bop_secondary_income"))
    assert parts == pytest.approx(1843, abs=1)


def test_workbook_2019_value_kept_as_its_own_vintage():
    df = data.series("bop_current_account", geo=NAT)
    y2019 = df[df["year"] == 2019]
    assert list(y2019["source_id"]) == [wb.BOP_ID] and list(y2019["vintage"]) == [wb.BOP_VINTAGE]
    assert y2019["value"].iloc[0] == pytest.approx(1029.10, abs=0.005)
    # 2023: the workbook (March-2024) and the March-2025 revision quoted by ucapital are both kept, apart
    w23 = one("bop_current_account", 2023, source_id=wb.BOP_ID)["value"]
    r23 = one("bop_current_account_usd_bn_secondary", 2023, source_id="safe_2024q4_formal_ucapital")
    assert w23 == pytest.approx(2529.87, abs=0.005) and r23["value"] == 263.4
    assert r23["vintage"] == "SAFE 2024Q4 formal, released 2025-03-28"


def test_copies_are_secondary_and_site_pages_are_not():
    src = data.sources().set_index("source_id")
    assert not src.loc["safe_2025q4_formal_safe", "secondary"]
    for sid in ("safe_2023q4_formal_mirror", "safe_2025q2_formal_etnet", "safe_2024q4_formal_ucapital",
                "nbs_2025_communique_cna", "gacc_2025_annual_news_ap"):
        assert src.loc[sid, "secondary"], sid
    rel = data.load("national_bop_releases")
    sec = rel["source_id"].map(src["secondary"]).astype(bool)
    assert rel.loc[sec, "series"].str.endswith("_secondary").all()
    assert not rel.loc[~sec, "series"].str.endswith("_secondary").any()


def test_preliminary_capital_financial_account_includes_errors_and_omissions():
    p = one("bop_capital_financial_account_incl_neo_usd_bn", 2025, 4, source_id="safe_2025q4_prelim_safe")
    f = one("bop_capital_financial_account_usd_bn", 2025, 4, source_id="safe_2025q4_formal_safe")
    assert (p["value"], f["value"]) == (-242.1, -234.8)


# --- the latest view ---------------------------------------------------------------------------------

def test_latest_view_picks_the_later_release():
    ca = national.bop_latest("bop_current_account").set_index("period")
    assert ca.loc["2025", "value"] == 7350 and ca.loc["2025", "source_id"] == "safe_2025q4_formal_safe"
    assert ca.loc["2025", "release_date"] == "2026-03-27 (date from page address)"
    assert ca.loc["2026Q1", "value"] == 1843 and ca.loc["2026Q1", "vintage"].startswith("SAFE 2026Q1 formal")
    assert ca.loc["2024", "value"] == 4239 and ca.loc["2024", "value_as_published"] == 423.9
    assert ca.loc["2024Q1", "source_id"] == "safe_2024q1_formal_safe"      # formal (07-10) over preliminary (05-10)
    assert ca.loc["2019", "source_id"] == wb.BOP_ID                         # no later vintage of 2019 held
    assert "2024Q3" not in ca.index                                         # only the excluded garbled repost
    assert (ca["unit"] == "亿美元").all()
    # with copies, the March-2025 revision of 2023 (secondary) replaces the March-2024 workbook value
    sec = national.bop_latest("bop_current_account", include_secondary=True).set_index("period")
    assert sec.loc["2023", "value"] == 2634 and sec.loc["2023", "secondary"]
    assert sec.loc["2024Q2", "value"] == 545 and ca.loc["2024Q2", "value"] == 549


def test_latest_view_matches_the_derived_cross_check():
    """DERIVED_SAFE_BoP_latest_by_period: equal for every published period; its computed rows
    (implied 2024Q1-Q3, 2025Q1 = H1 - Q2, mixed-vintage 2025 sum) are not published values."""
    view = national.bop_latest(include_secondary=True)
    view = view.set_index(["period", "series"])["value"]
    cols = {"current_account": "bop_current_account", "goods": "bop_goods", "services": "bop_services",
            "primary_income": "bop_primary_income", "secondary_income": "bop_secondary_income"}
    checked = set()
    for r in raw("DERIVED_SAFE_BoP_latest_by_period_2024-2026.csv"):
        period = r["period"].replace(" (official annual)", "")
        if "implied" in period or "sum" in period:
            continue
        if period == "2024Q3":   # from the garbled repost, left out here (data/exclusions.csv)
            assert ("2024Q3", "bop_current_account") not in view.index
            continue
        for c, s in cols.items():
            if r[c]:
                assert view[(period, s)] / 10 == pytest.approx(float(r[c]), abs=1e-9), (period, c)
                checked.add(period)
    assert checked == {"2024Q1", "2024Q2", "2024Q4", "2024", "2025Q2", "2025Q3", "2025Q4", "2025", "2026Q1"}
    # where it should not match: 2025Q1 is the published preliminary 165.6, not the implied 165.4
    assert view[("2025Q1", "bop_current_account")] == 1656


# --- NBS GDP, exchange rate, customs -------------------------------------------------------------------

def test_nbs_gdp_2024_two_vintages_and_2025():
    rows = {(r["year"], r["vintage"]): float(r["value"]) for r in raw("NBS_GDP_FX_2024-2025.csv")
            if r["item"] == "GDP, current prices"}
    g = data.series("gdp_secondary", geo=NAT)
    got = {(int(y), v[:20]): x for y, v, x in zip(g["year"], g["vintage"], g["value"])}
    assert got == {(2024, "NBS 2024 GDP, prelim"): rows[("2024", "preliminary (初步核算)")],
                   (2024, "NBS 2024 GDP, final "): rows[("2024", "final verified (最终核实)")],
                   (2025, "NBS 2025 statistical"): rows[("2025", "preliminary (初步核算)")]}
    assert sorted(got.values()) == [1348066, 1349084, 1401879]
    assert one("fx_cny_per_usd_secondary", 2025)["value"] == 7.1429
    assert one("gdp_per_capita_secondary", 2025)["value"] / one("gdp_per_capita_usd_secondary", 2025)["value"] == \
        pytest.approx(7.1429, abs=5e-5)


def test_gacc_customs_totals():
    assert one("customs_imports_usd", 2024, source_id="gacc_t07_2024_12")["value"] == 2585066668
    assert one("customs_imports_usd", 2023, source_id="gacc_t07_2023_12")["value"] == 2556801821
    assert one("customs_exports_usd_m01_02", 2026)["value"] == 656577613
    assert one("customs_exports_usd_m02", 2026)["value"] + 356699626 == 656577613   # Jan = Jan-Feb - Feb
    assert one("customs_imports_usd_growth_pct_m01_05", 2026)["value"] == 24.5
    assert one("customs_balance_usd_trn_secondary", 2025)["unit"] == "万亿美元"
    # GACC first release vs WDI (PROVENANCE check 8): WDI 2024 imports 0.08 % higher
    wdi = one("wdi_merch_imports_usd", 2024)["value"]
    assert wdi / (2585066668 * 1e3) - 1 == pytest.approx(0.00084, abs=0.00005)


# --- current account and % of GDP for the ledger ------------------------------------------------------

def test_current_account_recent():
    r = national.current_account_recent().set_index("period")
    assert list(r.index) == [str(y) for y in range(2018, 2026)] + ["2026Q1"]
    assert r.loc["2025", "current_account"] == 7350 and r.loc["2024", "current_account"] == 4239
    assert r.loc["2026Q1", "current_account"] == 1843 and pd.isna(r.loc["2026Q1", "ca_pct_gdp"])
    assert r.loc["2025", "ca_vintage"] == "SAFE 2025Q4 formal, released 2026-03-27 (date from page address)"
    # 2025: 7350 / (1401879 / 7.1429) = 3.745 %; the RMB ratio of DERIVED_CA_to_GDP is 3.74
    assert r.loc["2025", "cny_per_usd"] == 7.1429 and r.loc["2025", "fx_secondary"]
    assert r.loc["2025", "ca_pct_gdp"] == pytest.approx(7350 / (1401879 / 7.1429) * 100)
    derived = {int(d["year"]): float(d["ca_to_gdp_pct"]) for d in raw("DERIVED_CA_to_GDP_2024-2025.csv")}
    assert r.loc["2025", "ca_pct_gdp"] == pytest.approx(derived[2025], abs=0.01)
    # 2024: final verified GDP at the WDI average rate; SAFE stated 2.2 %
    assert r.loc["2024", "gdp_cny_100m"] == 1348066 and r.loc["2024", "fx_source_id"] == "wdi_pa_nus_fcrf"
    assert r.loc["2024", "ca_pct_gdp"] == pytest.approx(2.26, abs=0.01)
    assert r.loc["2024", "ca_pct_gdp"] == pytest.approx(derived[2024], abs=0.05)
    assert r.loc["2018", "ca_pct_gdp"] == pytest.approx(0.17, abs=0.01)


# --- exclusions ----------------------------------------------------------------------------------------

def test_every_exclusion_present():
    ex = data.exclusions()
    garbled = ex[ex["source_id"] == "safe_2024q3_formal_garbled_repost"]
    n_raw = sum(r["source_key"] == "S24Q3F" for r in raw("SAFE_BoP_releases_2023-2026_long.csv"))
    assert len(garbled) == n_raw == 20 and garbled["reason"].str.startswith("garbled repost").all()
    assert "1476 亿美元 (2024Q3)" in set(garbled["value_as_published"])
    assert not (data.load("national_bop_releases")["source_id"] == "safe_2024q3_formal_garbled_repost").any()
    other = set(zip(ex["source_id"], ex["series"]))
    assert ("nbs_2025_communique_cna", "gdp_usd_secondary") in other
    assert ("safe_2024q3_prelim_xinhua", "bop_current_account_usd_bn_q1_q3_secondary") in other
    # nothing else from the long CSV is missing: rows kept + excluded = rows in the raw file
    n_kept = len(data.load("national_bop_releases"))
    assert n_kept + n_raw == len(raw("SAFE_BoP_releases_2023-2026_long.csv"))
