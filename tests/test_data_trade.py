"""Provincial customs totals (A060101 by location, A060201 by destination/source)."""
import pytest

from helpers import data


def value(series, geo, year):
    df = data.series(series, geo=geo)
    row = df[df["year"] == year]
    assert len(row) == 1, f"{series} {geo} {year}: {len(row)} rows"
    return row["value"].iloc[0]


def test_guangdong_2016_both_definitions():
    # PROVENANCE: Guangdong 2016 = 955.3 bn USD by location, 1,060.1 bn by source/destination
    assert value("trade_total_by_location", "Guangdong", 2016) == 955298007
    assert value("trade_total_by_destination_source", "广东", 2016) == pytest.approx(1_060.1e6, rel=1e-3)


def test_complete_panel_31_by_9():
    for s in ("trade_total_by_location", "trade_total_by_destination_source"):
        cov = data.coverage(s)
        assert len(cov) == 31 * 9 and cov["present"].all()


@pytest.mark.parametrize("year,national_bn", [(2016, 3685.6), (2018, 4622.4)])
def test_31_province_sum_equals_national_total(year, national_bn):
    df = data.series("trade_total_by_location")
    total_bn = df[df["year"] == year]["value"].sum() / 1e6
    assert total_bn == pytest.approx(national_bn, abs=0.1)


def test_two_allocations_sum_to_same_total_each_year():
    a = data.series("trade_total_by_location").groupby("year")["value"].sum()
    b = data.series("trade_total_by_destination_source").groupby("year")["value"].sum()
    assert ((a - b).abs() / a < 0.005).all()


def shortfall_by_year():
    """31-province sum of customs totals (by location) against the national customs total, per year."""
    prov = data.series("trade_total_by_location").groupby("year")["value"].sum() / 1e3   # 千美元 -> 百万美元
    nat = data.series("customs_trade_total_usd", geo="000000").set_index("year")["value"]  # 百万美元
    both = prov.to_frame("provinces").join(nat.rename("national"), how="inner")
    both["gap_pct"] = (both["provinces"] / both["national"] - 1) * 100
    return both


def test_31_province_sum_against_national_total_every_year():
    """Every year with both numbers is compared; the years that fall short are named, not hidden.

    PROVENANCE (trade/): the 2021 and 2022 provincial values are rounded, preliminary releases and
    sum to about 0.9% below the national total; every other year agrees to within 0.01%.
    """
    both = shortfall_by_year()
    assert list(both.index) == list(range(2016, 2023))           # national series ends 2022
    short = both[both["gap_pct"].abs() > 0.01]
    print("\n31-province sum vs national total (million USD):\n" + both.round(3).to_string())
    assert sorted(short.index) == [2021, 2022], f"years falling short: {short.round(3).to_string()}"
    assert both.loc[2021, "gap_pct"] == pytest.approx(-0.90, abs=0.05)
    assert both.loc[2022, "gap_pct"] == pytest.approx(-0.93, abs=0.05)


def test_2019_sum_against_gacc_december_table():
    """GACC table (5), Jan-Dec 2019: 4,576,126,041 thousand USD; the NBS annual figures are revised (+0.04%)."""
    df = data.load("national_gacc")
    gacc_total = df[df["year"] == 2019]["value"].sum()
    prov = data.series("trade_total_by_location")
    prov_total = prov[prov["year"] == 2019]["value"].sum()
    assert gacc_total == 4_576_126_041
    assert prov_total - gacc_total == pytest.approx(1_765_031, abs=1)
