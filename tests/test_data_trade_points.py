"""Scattered provincial trade points (data/provincial_trade_points.csv, tools/build/trade_points.py)."""
import pytest

from helpers import data, provinces
from tools.build import trade_points
from tools.build.core import SourceFormatError

YB03, YB07 = "fujian_yb2003_t13_3", "fujian_yb2007_t13_3"


def one(series, geo, year, source_id):
    df = data.series(series, geo=geo, source_id=source_id)
    row = df[df["year"] == year]
    assert len(row) == 1, f"{series} {geo} {year} {source_id}: {len(row)} rows"
    return row["value"].iloc[0], row["unit"].iloc[0]


def test_fujian_2000_imports_equal_in_both_editions():
    assert one("imports_total_provincial_yearbook", "Fujian", 2000, YB03) == (831504, "万美元")
    assert one("imports_total_provincial_yearbook", "福建", 2000, YB07) == (831504, "万美元")


def test_fujian_overlap_years_identical_and_coverage():
    df = data.series("imports_total_provincial_yearbook", geo="Fujian")
    a = df[df["source_id"] == YB03].set_index("year")["value"]
    b = df[df["source_id"] == YB07].set_index("year")["value"]
    assert sorted(a.index) == list(range(1997, 2003))
    assert sorted(b.index) == [2000, 2002, 2003, 2004, 2005, 2006]
    overlap = sorted(set(a.index) & set(b.index))
    assert overlap == [2000, 2002] and (a[overlap] == b[overlap]).all()
    assert sorted(set(a.index) | set(b.index)) == list(range(1997, 2007))
    assert b[2006] == 2139747


def test_fujian_general_trade_below_total():
    tot = data.series("imports_total_provincial_yearbook").set_index(["source_id", "year"])["value"]
    gen = data.series("imports_general_trade").set_index(["source_id", "year"])["value"]
    assert len(gen) == len(tot) == 12
    assert (gen < tot.loc[gen.index]).all()
    assert gen[(YB03, 1997)] == 77351


def test_tibet_1999():
    assert one("exports_secondary_point", "Tibet", 1999, "peoplesdaily_tibet_trade_1999") == (86.05, "百万美元")
    exp, _ = one("exports_secondary_point", "西藏", 1999, "peoplesdaily_tibet_trade_1999")
    imp, _ = one("imports_secondary_point", "西藏", 1999, "peoplesdaily_tibet_trade_1999")
    tot, unit = one("trade_total_secondary_point", "西藏", 1999, "peoplesdaily_tibet_trade_1999")
    assert unit == "百万美元" and tot == 166  # printed USD 0.166 bn
    assert round(exp + imp) == tot  # 166.22 vs the rounded total


@pytest.mark.parametrize("year,total", [(2000, 2264.00), (1999, 1765.34)])
def test_xinjiang_exports_plus_imports(year, total):
    sid = "flylib_xinjiang_trade_1999_2000"
    exp, u1 = one("exports_secondary_point", "Xinjiang", year, sid)
    imp, u2 = one("imports_secondary_point", "Xinjiang", year, sid)
    assert u1 == u2 == "百万美元"
    assert exp + imp == pytest.approx(total, abs=1e-9)
    printed, _ = one("trade_total_secondary_point", "Xinjiang", year, sid)
    assert printed == pytest.approx(total, abs=0.5)  # printed 2.264 / 1.765 bn


def test_beijing_and_shanxi_news_points():
    assert one("exports_secondary_point", "Beijing", 2012, "news_beijing_trade_2012") == (596, "亿美元")
    assert one("imports_secondary_point", "Beijing", 2012, "news_beijing_trade_2012") == (3483, "亿美元")
    # 万亿元 printed, converted x10000 to 亿元
    assert one("imports_secondary_point", "Beijing", 2020, "news_beijing_trade_2020") == (18600, "亿元")
    assert one("exports_secondary_point", "Beijing", 2020, "news_beijing_trade_2020") == (4654.9, "亿元")
    tot, _ = one("trade_total_secondary_point", "Beijing", 2020, "news_beijing_trade_2020")
    assert tot == 23200 and abs(18600 + 4654.9 - tot) < 100  # printed 2.32 万亿元, rounded
    # billion yuan printed, converted x10 to 亿元; exports + imports = printed total
    e, _ = one("exports_secondary_point", "Shanxi", 2020, "news_shanxi_trade_2020")
    i, _ = one("imports_secondary_point", "Shanxi", 2020, "news_shanxi_trade_2020")
    t, _ = one("trade_total_secondary_point", "Shanxi", 2020, "news_shanxi_trade_2020")
    assert (e, i, t) == (877, 628.8, 1505.8) and e + i == pytest.approx(t)


def test_conversions_are_declared_in_descriptions():
    cat = data.series_catalogue()
    cat = cat[cat["table"] == "provincial_trade_points"]
    row = cat[(cat["series"] == "imports_secondary_point") & (cat["source_id"] == "news_beijing_trade_2020")]
    assert "converted x10000" in row["description"].iloc[0] and "万亿元" in row["description"].iloc[0]
    row = cat[(cat["series"] == "exports_secondary_point") & (cat["source_id"] == "news_beijing_trade_2012")]
    assert "converted" not in row["description"].iloc[0]


def test_secondary_points_flagged_and_never_in_official_series():
    src = data.sources().set_index("source_id")
    df = data.load("provincial_trade_points")
    for sid in set(df["source_id"]):
        assert bool(src.loc[sid, "secondary"]) == (not sid.startswith("fujian_")), sid
    sec = df[df["series"].str.endswith("_secondary_point")]
    assert set(sec["source_id"]) == {sid for sid in set(df["source_id"]) if not sid.startswith("fujian_")}
    for official in ("exports_by_location", "imports_by_location"):
        assert official not in set(df["series"])


def test_shanxi_usd_total_is_an_exclusion():
    ex = data.exclusions()
    row = ex[(ex["source_id"] == "news_shanxi_trade_2020") & (ex["geo_code"] == "140000")]
    assert len(row) == 1 and row["value_as_published"].iloc[0] == "23.26 billion USD"


def test_conversion_exact_and_unknown_unit_rejected():
    assert trade_points.convert("1.20409", "billion USD", "x") == (1204.09, "百万美元", 
                                                                  "printed 1.20409 billion USD, converted x1000 to 百万美元")
    with pytest.raises(SourceFormatError, match="f.csv line 3: unit 'billion euro'"):
        trade_points.convert("1", "billion euro", "f.csv line 3")


def test_unknown_province_in_points_file(tmp_path):
    bad = tmp_path / "points.csv"
    bad.write_text("province,year,series,value,unit,source_url\n"
                   "Fukien,2000,imports,1,10000 USD (万美元),x\n", encoding="utf-8")
    with pytest.raises(provinces.UnknownProvinceError) as exc:
        trade_points.read_points(bad, "s", "v", trade_points.FUJIAN_SERIES)
    assert "Fukien" in str(exc.value) and "points.csv line 2" in str(exc.value)
