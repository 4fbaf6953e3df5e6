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
