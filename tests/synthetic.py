"""Synthetic NBS database exports for tests of the 'a reader adds a table' promise.

The numbers are made up and say so in the footnote; they are only ever written into a *copy* of
data/ under pytest's tmp_path, never into data/ itself.
"""
from helpers import provinces


def write_export(path, indicator, unit, years, value_of):
    """Write a 分省年度数据 export (UTF-8) with all 31 provinces: value_of(province, year) -> number."""
    lines = ["数据库：分省年度数据", f"指标：{indicator}({unit})", "时间：测试",
             "地区," + ",".join(f"{y}年" for y in years)]
    for p in provinces.PROVINCES:
        lines.append(p.full_name_zh + "," + ",".join(str(value_of(p, y)) for y in years))
    lines += ["注：合成测试数据 (synthetic test data).", "数据来源：国家统计局"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
