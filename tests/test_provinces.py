import pytest

from helpers import provinces


def test_31_units_with_unique_codes_and_tiles():
    t = provinces.table()
    assert len(t) == 31
    assert t["code"].is_unique and t["abbr"].is_unique
    assert not t.duplicated(["col", "row"]).any(), "two provinces share a tile"
    assert t["code"].str.fullmatch(r"\d{2}0000").all()


def test_nbs_four_regions():
    counts = provinces.table()["region"].value_counts().to_dict()
    assert counts == {"West": 12, "East": 10, "Central": 6, "Northeast": 3}


@pytest.mark.parametrize("name,code", [
    ("Sichuan", "510000"), ("四川", "510000"), ("四川省", "510000"), ("SC", "510000"),
    ("Inner Mongolia", "150000"), ("内蒙古自治区", "150000"), ("Nei Mongol", "150000"),
    ("广西壮族自治区", "450000"), ("Tibet", "540000"), ("Xizang", "540000"), ("Shaanxi", "610000"),
    ("Shanxi", "140000"), ("  beijing ", "110000"), ("新疆维吾尔自治区", "650000"), ("530000", "530000"),
])
def test_lookup_any_name(name, code):
    assert provinces.code_of(name) == code


def test_unknown_name_suggests_closest():
    with pytest.raises(provinces.UnknownProvinceError) as e:
        provinces.code_of("Sichaun")
    assert "Sichaun" in str(e.value) and "Sichuan" in str(e.value)


def test_national_only_when_allowed():
    assert provinces.code_of("全国", allow_national=True) == provinces.NATIONAL_CODE
    with pytest.raises(provinces.UnknownProvinceError):
        provinces.code_of("全国")


def test_coastal_sets():
    s = provinces.COASTAL_SETS
    assert len(s["sea_coast_11"]) == 11 and "450000" in s["sea_coast_11"] and "110000" not in s["sea_coast_11"]
    assert len(s["nbs_east_10"]) == 10 and "110000" in s["nbs_east_10"]
    assert set(s["pearl_yangtze_4"]) <= set(s["sea_coast_11"])
