"""The book in one page (helpers.summary): the three charts' data and the verdict table."""
import pytest

from helpers import customs, ledger, provinces, summary


def test_coastal_set_is_the_ledgers():
    assert summary.ledger_coastal_set() in provinces.COASTAL_SETS


def test_coastal_customs_balance_is_a_gap_unless_every_province_is_there():
    df = summary.coastal_customs_balance("sea_coast_11")
    assert set(df["n_members"]) == {11, 20}
    assert df.loc[~df["complete"], "balance_100m_usd"].isna().all()
    # 2021: every province present; the coastal sum equals the panel's balances summed, in 亿美元
    b = customs.goods_balance()
    b21 = b[(b["year"] == 2021) & b["geo_code"].isin(provinces.COASTAL_SETS["sea_coast_11"])]
    row = df[(df["year"] == 2021) & (df["group"] == "sea_coast_11")].iloc[0]
    assert row["complete"] and row["balance_100m_usd"] == pytest.approx(b21["balance_10k_usd"].sum() / 1e4)
    f = summary.customs_figures(df)
    assert f["customs_coastal_last"] > 0 > f["customs_rest_last"]


def test_rest_net_outflow_excludes_the_coastal_set():
    r = summary.rest_net_outflow(2017, "sea_coast_11")
    assert len(r) == 20 and not r["geo_code"].isin(provinces.COASTAL_SETS["sea_coast_11"]).any()
    f = summary.rest_figures(r)
    assert f["io_n_deficit"] <= f["io_n_rest"] == 20 and f["io_deepest_pct"] == r["total_net_pct_va"].min()


def test_current_account_quarters_from_1998_to_the_latest_release():
    ca = summary.current_account()
    f = summary.current_account_figures(ca)
    assert f["ca_first_period"] == "1998Q1" and f["ca_last_period"] == "2026Q1"
    assert f["ca_last_value"] == pytest.approx(1843)
    assert {"2018Q1", "2018Q2"} <= set(f["ca_deficit_quarters"].split(", "))
    assert "2024Q3" not in set(ca["period"])      # no release held gives it in dollars: a gap


def test_verdicts_come_from_the_ledger():
    led = ledger.evaluate()
    table, values = summary.verdicts(led)
    assert list(table.index) == list(dict.fromkeys(led["claim"]))       # one row per claim, ledger order
    assert values["n_claims"] == led["claim"].nunique() == 9
    assert values["n_judgements"] == len(led) == sum(values[f"n_{v.replace(' ', '_')}"] for v in ledger.VERDICTS)
    c7 = table.loc["C7"]
    assert "contradicted" in c7.to_string()    # the surplus did not peter out (2024-2025 records)
