"""Unit conversions at the official annual average exchange rate (helpers.units), on real data/."""
import json

import pandas as pd
import pytest

from helpers import data, schema, units


def test_guangdong_2016_trade_total_to_yuan():
    gd = data.series("trade_total_by_location", geo="Guangdong", source_id="nbs_fsnd_A060101")
    row = gd[gd["year"] == 2016].iloc[0]
    assert row["value"] == 955_298_007 and row["unit"] == "千美元"
    c = units.convert(row["value"], row["unit"], 2016)
    assert c.cny_per_usd == pytest.approx(6.6423)            # NBS 人民币汇率(年平均价) 2016: 664.23 元/100美元
    assert c.rate_source_id == "nbs_hgnd_fx_2023"
    assert c.usd == pytest.approx(955_298_007_000)
    # 955,298,007 thousand USD x 6.6423 yuan/USD / 1e8 = 63,453.76 亿元
    assert c.cny_100m == pytest.approx(63_453.7595, abs=1e-3)
    assert units.to_cny_100m(955_298_007, "千美元", 2016) == pytest.approx(c.cny_100m)
    assert "6.6423" in c.formula() and "63,453.76 亿元" in c.formula()


def test_yuan_units_need_no_rate_and_round_trip():
    assert units.to_cny_100m(12_345.6, "亿元", 1850) == pytest.approx(12_345.6)   # no rate needed, any year
    assert units.to_cny_100m(1_000_000, "万元", 2017) == pytest.approx(100.0)
    c = units.convert(5, "亿元", 2016)
    assert c.cny_per_usd is None and c.rate_source_id is None
    back = units.to_usd_100m(units.to_cny_100m(10, "亿美元", 2016), "亿元", 2016)
    assert back == pytest.approx(10)


def test_nbs_rate_preferred_wdi_after_2022():
    r = units.fx_rates().set_index("year")
    assert r.loc[1994, "cny_per_usd"] == pytest.approx(8.6187)   # unification jump, NBS 861.87
    assert r.loc[1994, "source_id"] == "nbs_hgnd_fx_2018"
    assert r.loc[2012, "source_id"] == "nbs_hgnd_fx_2023"       # latest NBS scrape first
    assert r.loc[2023, "source_id"] == "wdi_pa_nus_fcrf"
    assert r.loc[2023, "cny_per_usd"] == pytest.approx(7.084, abs=1e-3)
    assert r.index.is_unique


def test_two_nbs_scrapes_identical_and_nbs_wdi_close():
    c = units.fx_comparison()
    both = c.dropna(subset=["nbs_hgnd_fx_2018", "nbs_hgnd_fx_2023"])
    assert list(both["year"]) == [2010, 2011, 2012, 2013, 2014]
    assert (both["nbs_hgnd_fx_2018"] == both["nbs_hgnd_fx_2023"]).all()
    for nbs in ("nbs_hgnd_fx_2018", "nbs_hgnd_fx_2023"):
        ov = c.dropna(subset=[nbs, "wdi_pa_nus_fcrf"])
        assert len(ov) >= 13
        diff = (ov[nbs] - ov["wdi_pa_nus_fcrf"]).abs()
        # NBS (central parity average) and WDI (IMF market average) agree within 0.01 yuan/USD
        # except 2022 (6.7261 vs 6.7372, 0.011); never more than 0.2 %.
        assert (diff[ov["year"] != 2022] < 0.01).all(), ov[diff >= 0.01]
        assert (diff / ov["wdi_pa_nus_fcrf"] < 0.002).all()
    gap2022 = c.set_index("year").loc[2022]
    assert gap2022["wdi_pa_nus_fcrf"] - gap2022["nbs_hgnd_fx_2023"] == pytest.approx(0.0111, abs=2e-4)


def test_derived_rate_never_used():
    r = units.fx_rates()
    assert not r["source_id"].eq("fyg_fx_derived").any()
    comp = units.fx_comparison(include_derived=True)
    assert "fyg_fx_derived" in comp.columns
    assert not comp["used_source"].eq("fyg_fx_derived").any()
    d = comp.dropna(subset=["fyg_fx_derived"])
    assert (d["used"] != d["fyg_fx_derived"]).any()          # it differs, and the official value wins
    assert "fyg_fx_derived" not in units.fx_comparison().columns


@pytest.fixture
def derived_only(tmp_path):
    """A data/ copy whose only exchange rate is the derived monthly average."""
    m = data.manifest()
    res = next(r for r in m["resources"] if r["name"] == "national_nbs")
    df = data.load("national_nbs")
    df = df[df["series"] == "fx_cny_per_usd_derived"]
    assert len(df) == 10
    schema.write_csv(df, tmp_path / res["path"])
    from helpers.manifest import sha256_file  # loading checks the manifest's sha256
    res = {**res, "hash": "sha256:" + sha256_file(tmp_path / res["path"])}
    m2 = {**m, "resources": [res]}
    (tmp_path / "datapackage.json").write_text(json.dumps(m2, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_derived_only_data_cannot_convert(derived_only):
    with pytest.raises(units.ConversionError, match="no official exchange-rate series"):
        units.fx_rates(derived_only)
    with pytest.raises(units.ConversionError):
        units.to_cny_100m(1000, "千美元", 2020, data_dir=derived_only)
    # the yuan side still works without any rate
    assert units.to_cny_100m(3, "亿元", 2020, data_dir=derived_only) == 3


def test_error_for_year_without_rate():
    first = int(units.fx_rates()["year"].min())
    with pytest.raises(units.ConversionError, match=f"no official annual average exchange rate for {first - 1}"):
        units.to_cny_100m(1000, "千美元", first - 1)
    with pytest.raises(units.ConversionError, match="2031"):
        units.rate(2031)


@pytest.mark.parametrize("unit", ["%", "万人", "元/美元", "元/100美元", "指数", "furlongs"])
def test_error_for_non_currency_unit(unit):
    with pytest.raises(units.ConversionError, match=f"cannot convert unit '{unit}'"):
        units.to_cny_100m(1.0, unit, 2016)


def test_wrong_kind_of_currency():
    with pytest.raises(units.ConversionError, match="yuan unit"):
        units.to_usd(1.0, "亿元")
    with pytest.raises(units.ConversionError, match="US-dollar unit"):
        units.to_cny(1.0, "千美元")


def test_frame_conversion_gaps_stay_gaps():
    t = data.series("trade_total_by_location", geo=["Guangdong", "Tibet"])
    out = units.frame_to_cny_100m(t)
    assert (out["unit"] == "亿元").all() and len(out) == len(t)
    gd16 = out[(out["geo_code"] == "440000") & (out["year"] == 2016)]["value"].iloc[0]
    assert gd16 == pytest.approx(63_453.7595, abs=1e-3)
    extra = pd.DataFrame([{**t.iloc[0].to_dict(), "year": 2031}])
    both = pd.concat([t, extra], ignore_index=True)
    dropped = units.frame_to_cny_100m(both)
    assert len(dropped) == len(t) and dropped.attrs["no_rate_years"] == [2031]
    with pytest.raises(units.ConversionError, match="2031"):
        units.frame_to_cny_100m(both, missing="raise")
    with pytest.raises(units.ConversionError, match="万人"):
        units.frame_to_cny_100m(data.series("population_year_end").head(3))
