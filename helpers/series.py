"""Canonical series names shared by the build, the NBS-export importer and the chapters.

A chapter asks for a *series* (``net_outflow_goods_services``), never for a file: any
table in ``data/`` that carries the series, from any source or vintage, answers. That is
what lets a reader's added NBS export flow into every chapter without code changes.

``NBS_INDICATORS`` maps the indicator names printed in NBS database exports (Chinese
and English) to these series.
"""
from __future__ import annotations

#: series -> (English label, Chinese label)
SERIES: dict[str, tuple[str, str]] = {
    # --- provincial national accounts, expenditure approach (亿元)
    "grp_expenditure": ("GRP by expenditure approach", "支出法地区生产总值"),
    "final_consumption": ("Final consumption expenditure", "最终消费支出"),
    "household_consumption": ("Household consumption", "居民消费支出"),
    "rural_household_consumption": ("Rural household consumption", "农村居民消费支出"),
    "urban_household_consumption": ("Urban household consumption", "城镇居民消费支出"),
    "government_consumption": ("Government consumption", "政府消费支出"),
    "gross_capital_formation": ("Gross capital formation", "资本形成总额"),
    "gross_fixed_capital_formation": ("Gross fixed capital formation", "固定资本形成总额"),
    "change_in_inventories": ("Change in inventories", "存货增加"),
    "net_outflow_goods_services": ("Net outflow of goods and services", "货物和服务净流出"),
    "final_consumption_rate_pct": ("Final consumption rate", "最终消费率"),
    "capital_formation_rate_pct": ("Capital formation rate", "资本形成率"),
    "household_consumption_share_pct": ("Household consumption, % of final consumption", "居民消费占最终消费比重"),
    "government_consumption_share_pct": ("Government consumption, % of final consumption", "政府消费占最终消费比重"),
    "rural_household_consumption_share_pct": ("Rural household consumption, % of household consumption",
                                              "农村居民消费占居民消费比重"),
    "urban_household_consumption_share_pct": ("Urban household consumption, % of household consumption",
                                              "城镇居民消费占居民消费比重"),
    "gross_fixed_capital_formation_share_pct": ("GFCF, % of gross capital formation", "固定资本形成总额占资本形成总额比重"),
    "change_in_inventories_share_pct": ("Change in inventories, % of gross capital formation", "存货增加占资本形成总额比重"),
    "gfcf_index_1952_100": ("GFCF index (1952 = 100)", "固定资本形成总额指数(1952=100)"),
    # --- provincial output and population
    "grp": ("Gross regional product", "地区生产总值"),
    "population_year_end": ("Year-end population", "年末常住人口"),
    # --- provincial customs trade (千美元)
    "trade_total_by_location": ("Total trade by location of operating units", "经营单位所在地进出口总额"),
    "exports_by_location": ("Exports by location of operating units", "经营单位所在地出口总额"),
    "imports_by_location": ("Imports by location of operating units", "经营单位所在地进口总额"),
    "trade_total_by_destination_source": ("Total trade by domestic destination/source of goods",
                                          "境内目的地和货源地进出口总额"),
    "exports_by_source": ("Exports by domestic source of goods", "境内货源地出口总额"),
    "imports_by_destination": ("Imports by domestic destination of goods", "境内目的地进口总额"),
    # --- provincial customs trade from a SECONDARY compilation (万美元), concept inferred
    "exports_by_location_secondary": ("Exports, most likely by location of operating units (secondary compilation)",
                                      "出口总额(二手汇编)"),
    "imports_by_location_secondary": ("Imports, most likely by location of operating units (secondary compilation)",
                                      "进口总额(二手汇编)"),
    "trade_total_by_location_secondary": ("Total trade, most likely by location of operating units "
                                          "(secondary compilation)", "进出口总额(二手汇编)"),
    # --- provincial public finance (亿元)
    "local_budget_expenditure": ("Local general public budget expenditure", "地方一般公共预算支出"),
    "local_budget_revenue": ("Local general public budget revenue", "地方一般公共预算收入"),
    "local_expenditure_education": ("Local budget expenditure on education", "地方一般公共预算支出: 教育"),
    "local_expenditure_science_technology": ("Local budget expenditure on science and technology",
                                             "地方一般公共预算支出: 科学技术"),
    "local_expenditure_agriculture_forestry_water": ("Local budget expenditure on agriculture, forestry and water",
                                                     "地方一般公共预算支出: 农林水"),
    # --- single-province trade points (provincial yearbooks, news reports of customs releases)
    "imports_total_provincial_yearbook": ("Imports, provincial yearbook total", "进口总额(省统计年鉴)"),
    "imports_general_trade": ("Imports under general trade", "一般贸易进口"),
    "exports_secondary_point": ("Exports, secondary single-year point", "出口(二手来源)"),
    "imports_secondary_point": ("Imports, secondary single-year point", "进口(二手来源)"),
    "trade_total_secondary_point": ("Total trade, secondary single-year point", "进出口总额(二手来源)"),
}

#: Indicator names as NBS database exports print them -> series.
NBS_INDICATORS: dict[str, str] = {
    "支出法地区生产总值": "grp_expenditure",
    "地区生产总值(支出法)": "grp_expenditure",
    "最终消费支出": "final_consumption",
    "居民消费支出": "household_consumption",
    "农村居民消费支出": "rural_household_consumption",
    "城镇居民消费支出": "urban_household_consumption",
    "政府消费支出": "government_consumption",
    "资本形成总额": "gross_capital_formation",
    "固定资本形成总额": "gross_fixed_capital_formation",
    "存货增加": "change_in_inventories",
    "货物和服务净流出": "net_outflow_goods_services",
    "最终消费率": "final_consumption_rate_pct",
    "资本形成率": "capital_formation_rate_pct",
    "地区生产总值": "grp",
    "年末常住人口": "population_year_end",
    "年末人口": "population_year_end",
    "经营单位所在地进出口总额": "trade_total_by_location",
    "经营单位所在地出口总额": "exports_by_location",
    "经营单位所在地进口总额": "imports_by_location",
    "境内目的地和货源地进出口总额": "trade_total_by_destination_source",
    "境内货源地出口总额": "exports_by_source",
    "境内目的地进口总额": "imports_by_destination",
    "地方财政一般预算支出": "local_budget_expenditure",
    "地方一般公共预算支出": "local_budget_expenditure",
    "地方财政一般预算收入": "local_budget_revenue",
    "地方一般公共预算收入": "local_budget_revenue",
    # English database (data.stats.gov.cn/english)
    "gross regional product by expenditure approach": "grp_expenditure",
    "final consumption expenditure": "final_consumption",
    "household consumption expenditure": "household_consumption",
    "government consumption expenditure": "government_consumption",
    "gross capital formation": "gross_capital_formation",
    "gross fixed capital formation": "gross_fixed_capital_formation",
    "changes in inventories": "change_in_inventories",
    "net exports of goods and services": "net_outflow_goods_services",
    "net outflow of goods and services": "net_outflow_goods_services",
    "gross regional product": "grp",
    "population at year-end": "population_year_end",
    "total population at year-end": "population_year_end",
    "total value of imports and exports by location of operating units": "trade_total_by_location",
    "total value of exports by location of operating units": "exports_by_location",
    "total value of imports by location of operating units": "imports_by_location",
    "value of exports by domestic source of goods": "exports_by_source",
    "value of imports by domestic destination of goods": "imports_by_destination",
    "local governments general budgetary expenditure": "local_budget_expenditure",
    "local governments general budgetary revenue": "local_budget_revenue",
}


def label(series: str) -> str:
    """English label for a series (the series name itself if it is not canonical)."""
    return SERIES.get(series, (series.replace("_", " "), ""))[0]
