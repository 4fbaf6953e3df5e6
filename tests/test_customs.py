"""helpers.customs readings of the customs goods balance: values from data/ (the secondary panel and
the NBS national customs totals), the coastal share, the surplus count with its materiality floor."""
import pytest

from helpers import customs, provinces


@pytest.fixture(scope="module")
def balance():
    return customs.goods_balance(grp="nbs2018").set_index(["province", "year"])


def test_guangdong_2007_balance_from_the_panel_cells(balance):
    r = balance.loc[("Guangdong", 2007)]
    assert r["balance_10k_usd"] == 36923900 - 26479600          # exports - imports, 万美元
    assert r["grp_source_id"] == "nbs_fsnd_grp_2018"
    # % of GRP: GRP (亿元) converted at the official average rate of 2007
    assert r["balance_pct_grp"] == pytest.approx(
        100 * r["balance_10k_usd"] * 1e4 * r["cny_per_usd"] / (r["grp_100m_cny"] * 1e8))
    assert r["balance_pct_grp"] == pytest.approx(25.0, abs=0.05)


def test_beijing_deficit_and_no_grp_after_2017(balance):
    assert balance.loc[("Beijing", 2010), "balance_pct_grp"] == pytest.approx(-91.4, abs=0.05)
    assert balance.xs(2018, level="year")["balance_pct_grp"].isna().all()


def test_coastal_share_2021_and_national_balance():
    c = customs.coastal_share("sea_coast_11").set_index("year")
    assert c.loc[2021, "national_balance_10k_usd"] / 1e4 == pytest.approx(6758.8)   # 亿美元
    assert c.loc[2021, "complete"] and c.loc[2021, "share_pct"] == pytest.approx(109.6, abs=0.05)
    # a year with a sea-coast province missing (Zhejiang 2012) stays a gap
    assert not c.loc[2012, "complete"] and c.loc[2012, "missing"] == "Zhejiang"
    assert c["share_pct"].isna().loc[2012]
    # the share recomputes from the panel
    b = customs.goods_balance()
    coast = b[(b["year"] == 2021) & b["geo_code"].isin(provinces.COASTAL_SETS["sea_coast_11"])]["balance_10k_usd"].sum()
    assert c.loc[2021, "share_pct"] == pytest.approx(100 * coast / c.loc[2021, "national_balance_10k_usd"])


def test_coastal_definition_moves_the_share():
    s = customs.coastal_share_all_sets()
    y21 = s[s["year"] == 2021].set_index("definition")["share_pct"]
    assert y21[provinces.COASTAL_SET_LABELS["nbs_east_10"]] == pytest.approx(70.5, abs=0.05)
    assert y21[provinces.COASTAL_SET_LABELS["pearl_yangtze_4"]] == pytest.approx(93.7, abs=0.05)
    custom = customs.coastal_share(["Guangdong", "江苏"]).set_index("year")
    assert custom.loc[2021, "definition"] == "custom: Guangdong, Jiangsu"
    with pytest.raises(KeyError, match="unknown coastal set"):
        customs.coastal_share("east_coast")


def test_surplus_count_2010_with_materiality_floor():
    s = customs.surplus_count().set_index("year")
    assert s.loc[2010, "n_provinces"] == 31 and s.loc[2010, "n_surplus"] == 23
    assert s.loc[2010, "n_material"] == 18
    assert s.loc[2010, "below_floor"] == "Anhui, Henan, Hunan, Shaanxi, Qinghai"
    five = customs.surplus_count(5.0).set_index("year")
    assert five.loc[2010, "n_material"] < 18 and five.loc[2010, "n_surplus"] == 23
