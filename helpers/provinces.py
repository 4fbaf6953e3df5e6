"""The 31 province-level units: codes, names, NBS regions, coastal sets, tile grid.

Codes are the official 6-digit administrative division codes (GB/T 2260), the
same codes the NBS database uses. The NBS four-region grouping is the one NBS
uses in its statistical communiqués (东部 East, 中部 Central, 西部 West,
东北 Northeast).

>>> lookup("Sichuan").code
'510000'
>>> lookup("四川省").name_en
'Sichuan'
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

NATIONAL_CODE = "000000"
REGIONS = ("East", "Central", "West", "Northeast")


@dataclass(frozen=True)
class Province:
    code: str
    abbr: str
    name_zh: str
    full_name_zh: str
    name_en: str
    region: str
    coastal: bool
    col: int
    row: int


# code, abbr, short zh, full zh, English, NBS region, has a sea coast, tile col, tile row
_ROWS = [
    ("110000", "BJ", "北京", "北京市", "Beijing", "East", False, 5, 1),
    ("120000", "TJ", "天津", "天津市", "Tianjin", "East", True, 6, 2),
    ("130000", "HE", "河北", "河北省", "Hebei", "East", True, 5, 2),
    ("140000", "SX", "山西", "山西省", "Shanxi", "Central", False, 4, 2),
    ("150000", "NM", "内蒙古", "内蒙古自治区", "Inner Mongolia", "West", False, 4, 1),
    ("210000", "LN", "辽宁", "辽宁省", "Liaoning", "Northeast", True, 6, 1),
    ("220000", "JL", "吉林", "吉林省", "Jilin", "Northeast", False, 7, 1),
    ("230000", "HL", "黑龙江", "黑龙江省", "Heilongjiang", "Northeast", False, 7, 0),
    ("310000", "SH", "上海", "上海市", "Shanghai", "East", True, 6, 4),
    ("320000", "JS", "江苏", "江苏省", "Jiangsu", "East", True, 5, 4),
    ("330000", "ZJ", "浙江", "浙江省", "Zhejiang", "East", True, 5, 5),
    ("340000", "AH", "安徽", "安徽省", "Anhui", "Central", False, 4, 4),
    ("350000", "FJ", "福建", "福建省", "Fujian", "East", True, 4, 6),
    ("360000", "JX", "江西", "江西省", "Jiangxi", "Central", False, 4, 5),
    ("370000", "SD", "山东", "山东省", "Shandong", "East", True, 5, 3),
    ("410000", "HA", "河南", "河南省", "Henan", "Central", False, 4, 3),
    ("420000", "HB", "湖北", "湖北省", "Hubei", "Central", False, 3, 4),
    ("430000", "HN", "湖南", "湖南省", "Hunan", "Central", False, 3, 5),
    ("440000", "GD", "广东", "广东省", "Guangdong", "East", True, 3, 6),
    ("450000", "GX", "广西", "广西壮族自治区", "Guangxi", "West", True, 2, 6),
    ("460000", "HI", "海南", "海南省", "Hainan", "East", True, 3, 7),
    ("500000", "CQ", "重庆", "重庆市", "Chongqing", "West", False, 2, 4),
    ("510000", "SC", "四川", "四川省", "Sichuan", "West", False, 2, 3),
    ("520000", "GZ", "贵州", "贵州省", "Guizhou", "West", False, 2, 5),
    ("530000", "YN", "云南", "云南省", "Yunnan", "West", False, 1, 5),
    ("540000", "XZ", "西藏", "西藏自治区", "Tibet", "West", False, 1, 3),
    ("610000", "SN", "陕西", "陕西省", "Shaanxi", "West", False, 3, 3),
    ("620000", "GS", "甘肃", "甘肃省", "Gansu", "West", False, 2, 2),
    ("630000", "QH", "青海", "青海省", "Qinghai", "West", False, 1, 2),
    ("640000", "NX", "宁夏", "宁夏回族自治区", "Ningxia", "West", False, 3, 2),
    ("650000", "XJ", "新疆", "新疆维吾尔自治区", "Xinjiang", "West", False, 1, 1),
]

PROVINCES: tuple[Province, ...] = tuple(Province(*r) for r in _ROWS)
CODES: tuple[str, ...] = tuple(p.code for p in PROVINCES)
_BY_CODE = {p.code: p for p in PROVINCES}

#: Named province sets used to test how results move with the definition of "coastal".
COASTAL_SETS: dict[str, tuple[str, ...]] = {
    # the 11 province-level units with a sea coast
    "sea_coast_11": tuple(p.code for p in PROVINCES if p.coastal),
    # the NBS East region (10): the sea-coast set minus Liaoning and Guangxi, plus Beijing
    "nbs_east_10": tuple(p.code for p in PROVINCES if p.region == "East"),
    # the Pearl River Delta (Guangdong) and Yangtze River Delta (Shanghai, Jiangsu, Zhejiang)
    "pearl_yangtze_4": ("440000", "310000", "320000", "330000"),
}
COASTAL_SET_LABELS = {
    "sea_coast_11": "11 provinces with a sea coast",
    "nbs_east_10": "NBS East region (10)",
    "pearl_yangtze_4": "Pearl and Yangtze deltas (Guangdong, Shanghai, Jiangsu, Zhejiang)",
}

# Other spellings found in official English tables and in the raw sources.
_ALIASES = {
    "nei mongol": "150000", "neimenggu": "150000", "inner mongolia autonomous region": "150000",
    "xizang": "540000", "tibet autonomous region": "540000",
    "shensi": "610000", "shanxi (shaanxi)": "610000",
    "guangxi zhuang": "450000", "ningxia hui": "640000", "xinjiang uygur": "650000",
    "xinjiang uighur": "650000", "xinjiang uyghur": "650000", "xizang autonomous region": "540000",
    "chongqi": "500000", "heilongjang": "230000",
}
_NATIONAL_NAMES = {"全国", "national", "china", "national total", "total", "全国合计", "nation"}

_SUFFIXES_ZH = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市")
_SUFFIXES_EN = (" autonomous region", " province", " municipality", " sheng", " shi")
#: the people named in an autonomous region's official English name (Xinjiang Uyghur Autonomous Region)
_ETHNIC_EN = (" uyghur", " uygur", " uighur", " zhuang", " hui")


class UnknownProvinceError(KeyError):
    """Raised for a name or code that is not one of the 31 units."""

    def __init__(self, name: str, suggestion: str | None = None, context: str = ""):
        self.name = name
        self.suggestion = suggestion
        msg = f"unknown province {name!r}"
        if context:
            msg += f" ({context})"
        if suggestion:
            msg += f"; did you mean {suggestion!r}?"
        else:
            msg += "; expected one of the 31 province-level units (e.g. '北京', 'Beijing', '110000')"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return self.args[0]


def _norm(name: str) -> str:
    s = str(name).strip().lower()
    s = re.sub(r"\s+", " ", s)
    return s


def _index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for p in PROVINCES:
        for key in (p.code, p.abbr.lower(), p.name_zh, p.full_name_zh, p.name_en.lower(),
                    p.name_en.lower().replace(" ", "")):
            idx[key] = p.code
    idx.update(_ALIASES)
    return idx


_INDEX = _index()


def _strip(s: str) -> str:
    for suf in _SUFFIXES_ZH:
        if s.endswith(suf) and len(s) > len(suf) + 1:
            s = s[: -len(suf)]
            break
    for suf in _SUFFIXES_EN:
        if s.endswith(suf):
            s = s[: -len(suf)]
    for suf in _ETHNIC_EN:
        if s.endswith(suf):
            s = s[: -len(suf)]
    return s.strip()


def code_of(name: str, *, allow_national: bool = False, context: str = "") -> str:
    """Return the 6-digit code for any known name, abbreviation or code.

    Raises :class:`UnknownProvinceError` naming the input and the closest match.
    """
    s = _norm(name)
    if allow_national and (s in _NATIONAL_NAMES or s == NATIONAL_CODE):
        return NATIONAL_CODE
    for key in (s, _strip(s), s.replace(" ", "")):
        if key in _INDEX:
            return _INDEX[key]
    # compare without "Autonomous Region"/"Province"/"自治区"..., which every long name shares
    close = difflib.get_close_matches(_strip(s), list(_INDEX), n=1, cutoff=0.6)
    suggestion = None
    if close:
        p = _BY_CODE[_INDEX[close[0]]]
        suggestion = f"{p.name_en} / {p.name_zh} ({p.code})"
    raise UnknownProvinceError(str(name), suggestion, context)


def lookup(name: str) -> Province:
    """The :class:`Province` for any known name (Chinese, English, abbreviation, code)."""
    return _BY_CODE[code_of(name)]


def table() -> pd.DataFrame:
    """The registry as a DataFrame (one row per province, in official code order)."""
    df = pd.DataFrame([p.__dict__ for p in PROVINCES])
    for key in COASTAL_SETS:
        df[key] = df["code"].isin(COASTAL_SETS[key])
    return df


def name_en(code: str) -> str:
    if code == NATIONAL_CODE:
        return "China (national)"
    return _BY_CODE[code].name_en


def region_of(code: str) -> str:
    return _BY_CODE[code].region


def label_columns(df: pd.DataFrame, code_col: str = "geo_code") -> pd.DataFrame:
    """Add English/Chinese names, NBS region and tile position to a frame with codes."""
    reg = table()[["code", "abbr", "name_en", "name_zh", "region", "col", "row"]]
    out = df.merge(reg, how="left", left_on=code_col, right_on="code")
    if code_col != "code":
        out = out.drop(columns="code")
    return out
