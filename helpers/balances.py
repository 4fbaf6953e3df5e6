"""The three provincial balances, named once, and the one definition of "coast" and "the rest".

Every page, chart and ledger verdict uses exactly these names (issue 12): a series, chart or
verdict never mixes two of them.

>>> from helpers import balances
>>> balances.BALANCES["customs_goods"].name
'customs goods balance'
>>> len(balances.rest_of_country("sea_coast_11"))      # the 20 provinces without a sea coast
20
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import functools

import yaml

from . import paths, provinces


@dataclass(frozen=True)
class Balance:
    key: str
    name: str            # the display name, used verbatim in prose, charts and the ledger
    definition: str      # one line
    unit: str            # level unit (and the ratio it is shown as)
    sources: tuple[str, ...]
    series: tuple[str, ...]   # the data/ series that make it up (plus NEUTRAL_SERIES: GRP, population, rates)


#: The three balances (keys used everywhere: ledger evidence rows, chart fields, tests).
BALANCES: dict[str, Balance] = {
    "customs_goods": Balance(
        "customs_goods", "customs goods balance",
        "exports minus imports of goods by location of operating units (customs), annual",
        "万美元 (10,000 US dollars); % of GRP at the official annual average rate",
        ("secondary compilation of provincial exports and imports by location 1993-2022 "
         "(table provincial_trade_annual_secondary)",
         "NBS totals by location of operating units 2016-2024 (totals only, no split)"),
        ("exports_by_location_secondary", "imports_by_location_secondary")),
    "foreign_io": Balance(
        "foreign_io", "foreign balance of goods and services",
        "exports minus imports of goods and services to and from abroad in the provincial input-output tables",
        "亿元 (100 million yuan); % of IO value added",
        ("provincial input-output tables 2012 and 2017 (all provinces), 2007 (Guangdong) "
         "(table provincial_io_final_demand)",),
        ("io_exports_foreign", "io_imports_foreign", "io_value_added")),
    "net_outflow": Balance(
        "net_outflow", "net outflow of goods and services",
        "exports plus outflows to other provinces minus imports and inflows (expenditure approach or IO total)",
        "亿元 (100 million yuan); % of GRP by expenditure approach (or of IO value added)",
        ("expenditure-approach GRP tables of the yearbooks (table provincial_grp_expenditure)",
         "provincial input-output tables: total net outflow, foreign + domestic (table provincial_io_final_demand)"),
        ("net_outflow_goods_services", "grp_expenditure", "io_net_outflow_total", "io_outflow_total",
         "io_inflow_total", "io_exports_foreign", "io_imports_foreign", "io_domestic_outflow",
         "io_domestic_inflow", "io_value_added")),
}

#: Measures that are not provincial balances, for claims about the nation or public finance.
OTHER_MEASURES: dict[str, Balance] = {
    "current_account": Balance(
        "current_account", "current account",
        "China's current-account balance in the SAFE balance of payments (BPM6)",
        "亿美元 (100 million US dollars); % of GDP",
        ("SAFE balance-of-payments time series and releases 2023Q4-2026Q1", "NBS GDP"),
        ("bop_current_account", "bop_goods", "gdp", "gdp_secondary")),
    "fiscal": Balance(
        "fiscal", "public finance",
        "central and local budget revenue and spending, central transfers to provinces",
        "亿元 (100 million yuan); % of GRP, % of spending, 元 per head",
        ("NBS central/local revenue 1978-2014", "MOF final accounts of central transfers 2019-2024",
         "provinces' final accounts 2014-2016", "Qinghai Statistical Yearbook table 9-1"),
        ("central_revenue", "local_revenue", "central_expenditure", "local_expenditure", "central_transfers",
         "central_transfers_outturn", "central_subsidy_revenue", "local_budget_expenditure", "local_budget_revenue",
         "central_subsidy_and_other_revenue", "budget_revenue_central_part")),
}

#: Series any balance may be divided or ranked by (they belong to no balance): GRP, population,
#: the official exchange rates.
NEUTRAL_SERIES = ("grp", "population_year_end", "fx_cny_per_100usd", "fx_cny_per_usd")

#: Every basis a ledger verdict may rest on: a balance or one of the other measures.
BASES: dict[str, Balance] = {**BALANCES, **OTHER_MEASURES}


def owners(series: str) -> set[str]:
    """Keys of the balances (and other measures) whose definition uses ``series``."""
    return {k for k, b in BASES.items() if series in b.series}


def name(key: str) -> str:
    """Display name of a balance (or other measure) key."""
    return BASES[key].name


def level_unit(key: str) -> str:
    """The unit symbol a balance's (or other measure's) level is in: the first word of its ``unit``."""
    return BASES[key].unit.split(" ", 1)[0]


#: The one file that defines the book's thresholds and sets (its ``definitions:`` block).
CLAIMS_FILE = paths.ROOT / "ledger" / "claims.yml"


@functools.lru_cache(maxsize=4)
def _definitions(path: str, mtime_ns: int) -> dict:
    return dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("definitions") or {})


def definition(key: str):
    """A shared definition from ``ledger/claims.yml`` (``coastal_set``, ``interior_regions``,
    ``materiality_pct``, ...): the chapters use the ledger's thresholds, never a copy of them."""
    defs = _definitions(str(CLAIMS_FILE), CLAIMS_FILE.stat().st_mtime_ns)
    if key not in defs:
        raise KeyError(f"{CLAIMS_FILE}: no {key!r} under definitions; there are {sorted(defs)}")
    return defs[key]


def coastal_set(set_name: str) -> frozenset[str]:
    """Province codes of a named coastal set (:data:`helpers.provinces.COASTAL_SETS`)."""
    if set_name not in provinces.COASTAL_SETS:
        raise KeyError(f"unknown coastal set {set_name!r}; known: {list(provinces.COASTAL_SETS)}")
    return frozenset(provinces.COASTAL_SETS[set_name])


def rest_of_country(set_name: str) -> frozenset[str]:
    """"The rest of the country": every one of the 31 provinces NOT in the coastal set ``set_name``."""
    return frozenset(provinces.CODES) - coastal_set(set_name)
