"""The claims ledger: every claim of the paper's abstract, measured from ``data/`` and given a verdict.

``ledger/claims.yml`` lists the claims (id, paraphrase, where in the abstract, measure, tables,
verdict rule, chapter, and the official table that would test it). This module registers one
rule function per claim id; :func:`evaluate` runs them and returns one row per claim.

Every provincial rule first measures **coverage** (which years have enough provinces in
``data/``) and evaluates only those years. Adding an official NBS export with
``python -m helpers.data add FILE`` (for example exports and imports by location of operating
units, the annual expenditure-approach GRP panel, or provincial budget revenue) widens the
coverage, and the next :func:`evaluate` re-judges the claim with no code change.

>>> from helpers import ledger
>>> ledger.evaluate()[["claim", "verdict", "key_figures"]]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import yaml

from . import data, fiscal_context, national, paths, provinces, units

CLAIMS_FILE = paths.ROOT / "ledger" / "claims.yml"

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
PARTLY = "partly supported"
NOT_TESTABLE = "not testable"
VERDICTS = (SUPPORTED, CONTRADICTED, PARTLY, NOT_TESTABLE)

CHAPTER_TITLES = {
    "04_provincial_decomposition": "The provincial decomposition",
    "05_fiscal_context": "The fiscal-reform context",
    "06_national_position": "The national external position",
    "07_claims_ledger": "Claims ledger",
}


@dataclass
class Result:
    verdict: str
    figures: dict = field(default_factory=dict)
    detail: str = ""
    coverage: dict = field(default_factory=dict)


RULES: dict[str, Callable[[dict, Path | None], Result]] = {}


def rule(claim_id: str):
    def deco(fn):
        RULES[claim_id] = fn
        return fn
    return deco


def load_claims(path: Path | None = None) -> list[dict]:
    """The claims in ``ledger/claims.yml`` (a list of dicts), checked for required keys."""
    p = Path(path) if path else CLAIMS_FILE
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    claims = doc.get("claims", []) if isinstance(doc, dict) else []
    need = ["id", "paraphrase", "abstract_location", "measure", "tables", "verdict_rule", "would_test", "chapter"]
    ids = set()
    for i, c in enumerate(claims):
        missing = [k for k in need if k not in c]
        if missing:
            raise ValueError(f"{p}: claim #{i + 1} ({c.get('id', '?')}) lacks {missing}")
        if c["id"] in ids:
            raise ValueError(f"{p}: claim id {c['id']!r} appears twice")
        ids.add(c["id"])
    return claims


def _params(claim: dict) -> dict:
    return dict(claim.get("measure", {}).get("params", {}) or {})


def _window(claim: dict) -> tuple[int, int]:
    y = claim.get("measure", {}).get("years", [2000, 2019])
    return int(y[0]), int(y[-1])


# ----------------------------------------------------------------------------- provincial panel

def _secondary_sources(data_dir: Path | None) -> set[str]:
    try:
        s = data.sources(data_dir)
        return set(s.loc[s["secondary"].astype(bool), "source_id"])
    except Exception:  # noqa: BLE001
        return set()


def _series_or_empty(name: str, data_dir: Path | None) -> pd.DataFrame:
    try:
        df = data.series(name, data_dir=data_dir)
    except data.UnknownTableError:
        return pd.DataFrame(columns=["geo_code", "year", "value", "unit", "source_id", "vintage"])
    df = df[(df["geo_code"] != provinces.NATIONAL_CODE) & ~df["source_id"].isin(_secondary_sources(data_dir))]
    return df


def _net_outflow_levels(data_dir: Path | None) -> pd.DataFrame:
    """Net outflow (亿元) and % of expenditure-approach GRP, one official source per province-year.

    Uses :func:`helpers.decomposition.preferred_balance_panel` (its source ranking, same-vintage
    denominators), leaving out secondary sources (cross-checks only); falls back to a plain
    same-source merge if that module is absent.
    """
    try:
        from . import decomposition
        p = decomposition.balance_panel(data_dir=data_dir)
        p = p[~p["secondary"].fillna(False).astype(bool)]
        p = decomposition.preferred_balance_panel(p, data_dir=data_dir)
        return pd.DataFrame({"geo_code": p["geo_code"], "year": p["year"].astype(int),
                             "level_100m_cny": p["net_outflow"].astype(float), "pct_grp": p["pct_grp"].astype(float),
                             "measure": "net outflow of goods and services", "source_id": p["source_id"]})
    except ImportError:
        pass
    no = _series_or_empty("net_outflow_goods_services", data_dir)
    ge = _series_or_empty("grp_expenditure", data_dir)
    key = ["geo_code", "year", "source_id", "vintage"]
    no = no[no["unit"] == "亿元"] if len(no) else no
    m = no[key + ["value"]].merge(ge[key + ["value"]], on=key, suffixes=("", "_grp"))
    if m.empty:
        # the IO tables carry their own totals: use any GRP of the same year (latest vintage first)
        grp = _series_or_empty("grp", data_dir)
        if len(no) and len(grp):
            g = grp.sort_values("vintage", ascending=False).drop_duplicates(["geo_code", "year"])
            m = no[key + ["value"]].merge(g[["geo_code", "year", "value"]], on=["geo_code", "year"],
                                          suffixes=("", "_grp"))
    m["pct_grp"] = m["value"] / m["value_grp"] * 100
    # one value per province-year: NBS/official yearbook tables before IO benchmark tables
    m["_io"] = m["source_id"].str.contains("io", case=False).astype(int)
    m = m.sort_values(["geo_code", "year", "_io", "source_id", "vintage"]).drop_duplicates(["geo_code", "year"])
    return pd.DataFrame({"geo_code": m["geo_code"], "year": m["year"].astype(int), "level_100m_cny": m["value"],
                         "pct_grp": m["pct_grp"], "measure": "net outflow of goods and services",
                         "source_id": m["source_id"]})


def _customs_levels(data_dir: Path | None) -> pd.DataFrame:
    """Exports minus imports by location of operating units (千美元 -> 亿元 at the official rate), % of GRP."""
    ex = _series_or_empty("exports_by_location", data_dir)
    im = _series_or_empty("imports_by_location", data_dir)
    cols = ["geo_code", "year", "level_100m_cny", "pct_grp", "measure", "source_id"]
    if ex.empty or im.empty:
        return pd.DataFrame(columns=cols)
    ex = ex.sort_values("vintage", ascending=False).drop_duplicates(["geo_code", "year"])
    im = im.sort_values("vintage", ascending=False).drop_duplicates(["geo_code", "year"])
    m = ex[["geo_code", "year", "value", "unit", "source_id"]].merge(
        im[["geo_code", "year", "value", "unit"]], on=["geo_code", "year"], suffixes=("_x", "_m"))
    m["usd"] = [units.to_usd(v, u) for v, u in zip(m["value_x"], m["unit_x"])]
    m["usd"] -= [units.to_usd(v, u) for v, u in zip(m["value_m"], m["unit_m"])]
    fx = units.fx_rates(data_dir)[["year", "cny_per_usd"]]
    m = m.merge(fx, on="year", how="inner")
    m["level_100m_cny"] = m["usd"] * m["cny_per_usd"] / 1e8
    grp = _series_or_empty("grp", data_dir)
    if grp.empty:
        grp = _series_or_empty("grp_expenditure", data_dir)
    g = grp.sort_values("vintage", ascending=False).drop_duplicates(["geo_code", "year"])
    m = m.merge(g[["geo_code", "year", "value"]].rename(columns={"value": "grp"}), on=["geo_code", "year"], how="left")
    m["pct_grp"] = m["level_100m_cny"] / m["grp"] * 100
    m["measure"] = "customs exports minus imports by location"
    m["year"] = m["year"].astype(int)
    return m[cols]


NET_OUTFLOW = "net outflow of goods and services"
IO_NET_OUTFLOW = "IO table: net outflow of goods and services (foreign + domestic)"
CUSTOMS = "customs exports minus imports by location"
#: Which measure a year is judged on, best first: the annual expenditure-approach tables (the
#: paper's measure), customs balances (if a reader adds exports/imports), then the IO benchmark
#: tables' total net outflow (same concept as the first, other compilation).
MEASURE_PREFERENCE = (NET_OUTFLOW, CUSTOMS, IO_NET_OUTFLOW)


def _io_total_levels(data_dir: Path | None) -> pd.DataFrame:
    """IO benchmark years: total net outflow (foreign + domestic) as printed or from its parts, % of IO value added.

    One source per province-year (the bureaus' files first, see
    :data:`helpers.decomposition.IO_SOURCE_PREFERENCE`). Printed totals are used first: NOF (2002),
    then FU302 - FU304 (2007), then EX + OF - IM - IF (2012, 2017).
    """
    cols = ["geo_code", "year", "level_100m_cny", "pct_grp", "measure", "source_id"]
    items = {s: _series_or_empty(s, data_dir) for s in (
        "io_value_added", "io_net_outflow_total", "io_outflow_total", "io_inflow_total",
        "io_exports_foreign", "io_domestic_outflow", "io_imports_foreign", "io_domestic_inflow")}
    frames = [d.assign(item=k) for k, d in items.items() if len(d)]
    if not frames:
        return pd.DataFrame(columns=cols)
    from .decomposition import _io_source_rank
    df = pd.concat(frames, ignore_index=True)
    w = df.pivot_table(index=["geo_code", "year", "source_id"], columns="item", values="value", aggfunc="first")
    w = w.reindex(columns=list(items)).reset_index()
    total = w["io_net_outflow_total"]
    total = total.where(total.notna(), w["io_outflow_total"] - w["io_inflow_total"])
    total = total.where(total.notna(), w["io_exports_foreign"] + w["io_domestic_outflow"]
                        - w["io_imports_foreign"] - w["io_domestic_inflow"])
    w["level_100m_cny"] = total
    w["pct_grp"] = total / w["io_value_added"] * 100
    w = w.dropna(subset=["level_100m_cny", "pct_grp"])
    w["_rank"] = w["source_id"].map(_io_source_rank)
    w = w.sort_values(["geo_code", "year", "_rank", "source_id"]).drop_duplicates(["geo_code", "year"])
    w["measure"] = IO_NET_OUTFLOW
    w["year"] = w["year"].astype(int)
    return w[cols].reset_index(drop=True)


def io_foreign_split_count(year: int, data_dir: Path | None = None) -> tuple[int, int]:
    """(provinces with a *foreign* surplus, provinces whose IO table splits foreign and domestic) in a benchmark year.

    A caveat reported beside C1, not the measure: the IO tables' exports minus imports with the rest
    of the world, which leaves out trade with other provinces.
    """
    from .decomposition import DecompositionError, io_split
    try:
        s = io_split(year, data_dir)
    except DecompositionError:
        return 0, 0
    s = s.dropna(subset=["foreign_net"])
    return int((s["foreign_net"] > 0).sum()), int(len(s))


@data.cached_on_data
def province_year_balances(data_dir: Path | None = None, min_provinces: int = 28) -> pd.DataFrame:
    """Every province-year balance the ledger can use, one measure per year.

    Measures (:data:`MEASURE_PREFERENCE`): the annual net outflow of goods and services
    (expenditure approach; includes trade with other provinces: the paper's measure), customs
    exports minus imports by location (if a reader adds them), and the IO benchmark tables' total net
    outflow (same concept, benchmark compilation). For each year the first measure in that order
    with at least ``min_provinces`` provinces is used; if none reaches it, the one with most
    provinces. Columns: geo_code, year, level_100m_cny, pct_grp, measure, source_id.
    """
    a = _net_outflow_levels(data_dir)
    parts = [x for x in (a, _customs_levels(data_dir), _io_total_levels(data_dir)) if len(x)]
    both = pd.concat(parts, ignore_index=True) if parts else a
    if both.empty:
        return both
    n = both.groupby(["year", "measure"])["geo_code"].nunique().rename("n").reset_index()
    n["_enough"] = (n["n"] >= min_provinces).astype(int)
    n["_rank"] = n["measure"].map({m: i for i, m in enumerate(MEASURE_PREFERENCE)}).fillna(len(MEASURE_PREFERENCE))
    best = n.sort_values(["year", "_enough", "_rank", "n"], ascending=[True, False, True, False]).drop_duplicates("year")
    out = both.merge(best[["year", "measure"]], on=["year", "measure"])
    return out.sort_values(["year", "geo_code"]).reset_index(drop=True)


def covered_years(panel: pd.DataFrame, window: tuple[int, int], min_provinces: int,
                  need: tuple[str, ...] = ()) -> list[int]:
    """Years in the window with at least ``min_provinces`` provinces (and every code in ``need``)."""
    p = panel[(panel["year"] >= window[0]) & (panel["year"] <= window[1])]
    out = []
    for y, g in p.groupby("year"):
        codes = set(g["geo_code"])
        if len(codes) >= min_provinces and set(need) <= codes:
            out.append(int(y))
    return out


def _judge(ok_by_year: dict[int, bool], window: tuple[int, int], min_coverage: float) -> tuple[str, str]:
    """Coverage-aware verdict from per-year agreement."""
    n_window = window[1] - window[0] + 1
    if not ok_by_year:
        return NOT_TESTABLE, f"no year in {window[0]}-{window[1]} has enough provinces measured"
    agree = sorted(y for y, ok in ok_by_year.items() if ok)
    disagree = sorted(y for y, ok in ok_by_year.items() if not ok)
    cov = len(ok_by_year) / n_window
    untested = n_window - len(ok_by_year)
    if not disagree:
        if cov >= min_coverage:
            return SUPPORTED, f"holds in all {len(agree)} measured years ({_years(agree)})"
        return PARTLY, (f"holds in every measured year ({_years(agree)}), but only {len(agree)} of {n_window} "
                        f"years are measured; {untested} years untested")
    if len(disagree) > len(agree):
        return CONTRADICTED, (f"fails in {len(disagree)} of {len(ok_by_year)} measured years ({_years(disagree)})"
                              + (f"; {untested} of {n_window} years untested" if untested else ""))
    return PARTLY, (f"holds in {_years(agree)}; fails in {_years(disagree)}; "
                    f"{untested} of {n_window} years untested")


def _combine_parts(parts: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """One verdict from several parts of a claim, each judged on its own by :func:`_judge`.

    All parts supported -> supported; all contradicted (or untestable) -> that verdict; otherwise
    partly supported, saying which part holds where.
    """
    verdicts = {v for v, _ in parts.values()}
    why = "; ".join(f"'{name}': {v} ({w})" for name, (v, w) in parts.items())
    if verdicts == {SUPPORTED}:
        return SUPPORTED, why
    if len(verdicts) == 1:
        return verdicts.pop(), why
    if verdicts == {CONTRADICTED, NOT_TESTABLE}:
        return CONTRADICTED, why
    return PARTLY, why


def _years(ys) -> str:
    return ", ".join(str(y) for y in ys) if ys else "none"


def _coverage(covered: list[int], window: tuple[int, int]) -> dict:
    return {"window": f"{window[0]}-{window[1]}", "years_measured": covered,
            "share_of_window": len(covered) / (window[1] - window[0] + 1)}


# ----------------------------------------------------------------------------- rules

def _coastal_setup(claim: dict, data_dir: Path | None):
    """Parameters, window, coverage threshold, coastal set, balance panel and measured years for C1/C2."""
    p = _params(claim)
    win = _window(claim)
    min_prov = int(p.get("min_provinces", 28))
    panel = province_year_balances(data_dir, min_prov)
    return (p, win, float(p.get("min_coverage", 0.5)),
            set(provinces.COASTAL_SETS[p.get("coastal_set", "sea_coast_11")]),
            panel, covered_years(panel, win, min_prov))


@rule("C1")
def _c1(claim: dict, data_dir: Path | None) -> Result:
    """Two parts judged apart: the surplus is coastal ("concentration") and it comes from 7-8 provinces ("count")."""
    p, win, mincov, coastal, panel, years = _coastal_setup(claim, data_dir)
    conc, count, per_year = {}, {}, []
    for y in years:
        g = panel[panel["year"] == y]
        sur = g[g["level_100m_cny"] > 0]
        outside = sorted(provinces.name_en(c) for c in sur["geo_code"] if c not in coastal)
        share = float(sur.loc[sur["geo_code"].isin(coastal), "level_100m_cny"].sum() / sur["level_100m_cny"].sum()) \
            if len(sur) else float("nan")
        conc[y] = bool(share >= float(p.get("min_coastal_share", 0.9)))
        count[y] = len(sur) <= int(p.get("max_surplus_provinces", 8)) and not outside
        n_foreign, n_split = io_foreign_split_count(y, data_dir)
        per_year.append({"year": y, "provinces_measured": int(g["geo_code"].nunique()), "surplus_provinces": len(sur),
                         "non_coastal_in_surplus": outside, "coastal_share_of_surpluses": share,
                         "measure": g["measure"].iloc[0],
                         "foreign_surplus_provinces_io": n_foreign if n_split >= int(p.get("min_provinces", 28)) else None,
                         "foreign_split_provinces_io": n_split})
    verdict, why = _combine_parts({
        "concentrated on the coast": _judge(conc, win, mincov),
        "from seven or eight coastal provinces only": _judge(count, win, mincov),
    })
    measures = sorted({r["measure"] for r in per_year})
    if measures:
        why += f"; measure: {', '.join(measures)} (includes trade with other provinces, not only with the rest of the world)"
    figs = {"per_year": per_year,
            "max_surplus_provinces": max((r["surplus_provinces"] for r in per_year), default=None),
            "years_measured": years}
    return Result(verdict, figs, why, _coverage(years, win))


@rule("C2")
def _c2(claim: dict, data_dir: Path | None) -> Result:
    """Two parts judged apart: "sustained" (share in deficit) and "relatively deep" (median % GRP)."""
    p, win, mincov, coastal, panel, years = _coastal_setup(claim, data_dir)
    sustained, deep, per_year = {}, {}, []
    for y in years:
        g = panel[(panel["year"] == y) & ~panel["geo_code"].isin(coastal)]
        share = float((g["level_100m_cny"] < 0).mean())
        med = float(g["pct_grp"].median())
        sustained[y] = share >= float(p.get("min_share_in_deficit", 0.75))
        deep[y] = med <= float(p.get("deep_pct", -5.0))
        per_year.append({"year": y, "rest_measured": int(len(g)), "share_in_deficit": share, "median_pct_grp": med,
                         "measure": g["measure"].iloc[0] if len(g) else ""})
    verdict, why = _combine_parts({
        "sustained (most provinces in deficit)": _judge(sustained, win, mincov),
        "relatively deep (median balance at or below the threshold)": _judge(deep, win, mincov),
    })
    return Result(verdict, {"per_year": per_year, "years_measured": years}, why, _coverage(years, win))


def _grp_per_head(data_dir: Path | None) -> pd.DataFrame:
    pop = _series_or_empty("population_year_end", data_dir)
    pop = pop[pop["unit"] == "万人"].sort_values("vintage", ascending=False).drop_duplicates(["geo_code", "year"])
    frames = []
    for s in ("grp", "grp_expenditure"):
        g = _series_or_empty(s, data_dir)
        if len(g):
            frames.append(g.sort_values("vintage", ascending=False).drop_duplicates(["geo_code", "year"]))
    if not frames or pop.empty:
        return pd.DataFrame(columns=["geo_code", "year", "grp_per_head"])
    g = pd.concat(frames).drop_duplicates(["geo_code", "year"])  # GRP (latest) first, then expenditure-approach
    m = g[["geo_code", "year", "value"]].merge(pop[["geo_code", "year", "value"]], on=["geo_code", "year"],
                                               suffixes=("_grp", "_pop"))
    m["grp_per_head"] = m["value_grp"] * 1e8 / (m["value_pop"] * 1e4)   # 亿元 / 万人 -> 元 per person
    return m[["geo_code", "year", "grp_per_head"]]


@rule("C3")
def _c3(claim: dict, data_dir: Path | None) -> Result:
    p = _params(claim)
    win = _window(claim)
    interior = {c for c in provinces.CODES if provinces.region_of(c) in ("Central", "West")}
    panel = province_year_balances(data_dir, int(p.get("min_provinces", 28)))
    gph = _grp_per_head(data_dir)
    panel = panel.merge(gph, on=["geo_code", "year"], how="left")
    years = covered_years(panel, win, int(p.get("min_provinces", 28)))
    n_poor = int(p.get("n_poorest", 6))
    ok, per_year = {}, []
    for y in years:
        g = panel[(panel["year"] == y) & panel["geo_code"].isin(interior)].dropna(subset=["grp_per_head"])
        if len(g) < n_poor + 3:
            continue
        g = g.sort_values("grp_per_head")
        poor, rest = g.head(n_poor), g.iloc[n_poor:]
        share = float((poor["pct_grp"] <= float(p.get("extreme_pct", -20.0))).mean())
        ok[y] = share >= float(p.get("min_share", 0.5)) and poor["pct_grp"].median() < rest["pct_grp"].median()
        per_year.append({"year": y, "poorest": [provinces.name_en(c) for c in poor["geo_code"]],
                         "share_extreme": share, "median_poorest_pct_grp": float(poor["pct_grp"].median()),
                         "median_other_interior_pct_grp": float(rest["pct_grp"].median())})
    verdict, why = _judge(ok, win, float(p.get("min_coverage", 0.5)))
    yrs = sorted(ok)
    return Result(verdict, {"per_year": per_year, "years_measured": yrs}, why, _coverage(yrs, win))


@rule("C4")
def _c4(claim: dict, data_dir: Path | None) -> Result:
    p = _params(claim)
    win = _window(claim)
    delta = tuple(provinces.COASTAL_SETS[p.get("delta_set", "pearl_yangtze_4")])
    panel = province_year_balances(data_dir, int(p.get("min_provinces", 28)))
    years = covered_years(panel, win, int(p.get("min_provinces", 28)), need=delta)
    ok, per_year = {}, []
    for y in years:
        g = panel[panel["year"] == y]
        pos = g.loc[g["level_100m_cny"] > 0, "level_100m_cny"].sum()
        d = g.loc[g["geo_code"].isin(delta), "level_100m_cny"].sum()
        share = float(d / pos) if pos > 0 else float("nan")
        ok[y] = pos > 0 and share >= float(p.get("min_share", 0.5))
        per_year.append({"year": y, "delta_balance_100m_cny": float(d), "sum_of_surpluses_100m_cny": float(pos),
                         "delta_share_of_surpluses": share})
    verdict, why = _judge(ok, win, float(p.get("min_coverage", 0.5)))
    return Result(verdict, {"per_year": per_year, "years_measured": years}, why, _coverage(years, win))


@rule("C5")
def _c5(claim: dict, data_dir: Path | None) -> Result:
    p = _params(claim)
    try:
        b = fiscal_context.break_1994(data_dir)
    except (LookupError, KeyError) as exc:
        return Result(NOT_TESTABLE, {}, f"national fiscal series missing: {exc}")
    jump = b["jump_pp"] >= float(p.get("min_jump_pp", 20))
    stays = b["min_central_revenue_share_after"] >= float(p.get("min_share_after", 40))
    verdict = SUPPORTED if jump and stays else PARTLY if (jump or stays) else CONTRADICTED
    detail = (f"central share of revenue {b['central_revenue_share_1993']:.1f}% (1993) -> "
              f"{b['central_revenue_share_1994']:.1f}% (1994), never below "
              f"{b['min_central_revenue_share_after']:.1f}% through {b['last_year']}; the central share of "
              f"expenditure stayed near {b['central_expenditure_share_1994']:.0f}% (1994), so localities kept "
              f"spending what the centre now collected")
    return Result(verdict, b, detail, {"window": f"1978-{b['last_year']}"})


@rule("C6")
def _c6(claim: dict, data_dir: Path | None) -> Result:
    p = _params(claim)
    year, since = int(p.get("year", 2018)), int(p.get("since", 1994))
    try:
        e = national.episode_2018(data_dir) if year == 2018 else None
    except national.NationalDataError as exc:
        return Result(NOT_TESTABLE, {}, str(exc))
    if e is None:
        return Result(NOT_TESTABLE, {}, "the rule is written for 2018 only")
    cal_deficit = e["calendar_2018"] < 0
    no_annual_before = not [y for y in e["annual_deficits_1994_2023"] if since <= y < year]
    h_def = e["h1_2018"] < 0 or e["h2_2018"] < 0
    first_half = not e["half_year_deficits_before_2018"]
    if cal_deficit and no_annual_before:
        verdict = SUPPORTED
        detail = "the calendar year was in deficit, the first since the last annual deficit"
    elif h_def and first_half:
        verdict = PARTLY
        detail = (f"true of the first half of 2018 ({e['h1_2018']:.1f} 亿美元: Q1 {e['q1_2018']:.1f}, Q2 "
                  f"{e['q2_2018']:.1f}), the first half-year deficit since quarterly data begin in "
                  f"{e['first_quarterly_year']}; the calendar year 2018 was in surplus ({e['calendar_2018']:+.2f} "
                  f"亿美元); the last annual deficit was {e['last_annual_deficit_before_2018']} "
                  f"({e['last_annual_deficit_value']:.2f}); a single quarter was already in deficit in "
                  f"{e['first_quarterly_deficit']} ({e['first_quarterly_deficit_value']:.1f})")
    else:
        verdict = CONTRADICTED
        detail = f"neither 2018 nor a half of it was in deficit (calendar {e['calendar_2018']:+.2f})"
    return Result(verdict, e, detail, {"window": "annual 1982-2023, quarterly 1998Q1-2023Q4"})


@rule("C7")
def _c7(claim: dict, data_dir: Path | None) -> Result:
    p = _params(claim)
    recent = tuple(int(x) for x in p.get("recent", [2018, 2023]))
    src = p.get("gdp_source", "nbs")
    try:
        ca = national.peak_and_recent(src, "current_account", recent, data_dir)
        gd = national.peak_and_recent(src, "goods", recent, data_dir)
    except (national.NationalDataError, LookupError) as exc:
        return Result(NOT_TESTABLE, {}, str(exc))
    ratio_fell = ca["recent_mean_pct_gdp"] <= float(p.get("max_ratio_to_peak", 0.5)) * ca["peak_pct_gdp"]
    level_fell = gd["recent_max_level"] <= gd["peak_level_before_recent"]
    figs = {"ca_peak_year": ca["peak_year"], "ca_peak_pct_gdp": ca["peak_pct_gdp"],
            "ca_recent_mean_pct_gdp": ca["recent_mean_pct_gdp"], "ca_recent_max_pct_gdp": ca["recent_max_pct_gdp"],
            "ca_recent_max_level": ca["recent_max_level"], "ca_recent_max_level_year": ca["recent_max_level_year"],
            "goods_recent_max_level": gd["recent_max_level"], "goods_recent_max_level_year": gd["recent_max_level_year"],
            "goods_peak_level_before": gd["peak_level_before_recent"],
            "goods_peak_level_before_year": gd["peak_level_before_recent_year"],
            "recent": f"{recent[0]}-{recent[1]}", "gdp_source": src}
    if ratio_fell and level_fell:
        verdict, detail = SUPPORTED, "the surplus fell relative to GDP and the goods surplus fell in dollars"
    elif ratio_fell:
        verdict = PARTLY
        detail = (f"relative to GDP: the current account averaged {ca['recent_mean_pct_gdp']:.1f}% of GDP in "
                  f"{recent[0]}-{recent[1]} against a peak of {ca['peak_pct_gdp']:.1f}% ({ca['peak_year']}); "
                  f"not in dollars: the goods surplus reached {gd['recent_max_level']:.0f} 亿美元 in "
                  f"{gd['recent_max_level_year']}, above its earlier peak of {gd['peak_level_before_recent']:.0f} "
                  f"({gd['peak_level_before_recent_year']}), and the current account reached "
                  f"{ca['recent_max_level']:.0f} in {ca['recent_max_level_year']}")
    else:
        verdict = CONTRADICTED
        detail = "the current account relative to GDP did not fall to half its peak"
    return Result(verdict, figs, detail, {"window": f"1982-{recent[1]}"})


@rule("C8")
def _c8(claim: dict, data_dir: Path | None) -> Result:
    p = _params(claim)
    avail = fiscal_context.transfer_data_available(data_dir, int(p.get("min_provinces", 25)))
    figs = {"revenue_panel_years": avail["local_budget_revenue"], "transfer_years": avail["central_transfers"]}
    try:
        ov = fiscal_context.overlap_summary(data_dir)
        figs["spending_overlap"] = ov.to_dict("records")
    except Exception:  # noqa: BLE001 - context only
        figs["spending_overlap"] = []
    if not avail["local_budget_revenue"]:
        return Result(NOT_TESTABLE, figs,
                      "no provincial own-revenue or transfer panel in data/: spending cannot be split into what a "
                      "province raised and what the centre sent", {"years_measured": []})
    gap = fiscal_context.fiscal_gap_vs_balance(data_dir, int(p.get("min_provinces", 25)))
    rows = []
    for y, g in gap.groupby("year"):
        ok = g["gap_pct_grp"].notna() & g["net_outflow_pct_grp"].notna()
        if ok.sum() >= int(p.get("min_overlap", 20)):
            rows.append({"year": int(y), "provinces": int(ok.sum()),
                         "rank_corr": fiscal_context._rank_corr(g["gap_pct_grp"], g["net_outflow_pct_grp"])})
    figs["gap_vs_balance"] = rows
    if not rows:
        return Result(NOT_TESTABLE, figs, "a revenue panel is present but no year overlaps a provincial balance "
                                          "panel with enough provinces", {"years_measured": []})
    lim = float(p.get("max_rank_corr", -0.3))
    if all(r["rank_corr"] <= lim for r in rows):
        return Result(PARTLY, figs,
                      f"provinces with deeper deficits had larger fiscal gaps (rank correlation <= {lim} in "
                      f"{_years([r['year'] for r in rows])}); the data cannot show the money built industrial hubs",
                      {"years_measured": [r["year"] for r in rows]})
    return Result(CONTRADICTED, figs, f"fiscal gaps are not clearly larger where deficits are deeper "
                                      f"(rank correlation above {lim} in some year)",
                  {"years_measured": [r["year"] for r in rows]})


# ----------------------------------------------------------------------------- the ledger

def key_figures(claim_id: str, r: Result) -> str:
    """One line of the key numbers behind a verdict."""
    f = r.figures
    if not f:
        return ""
    if claim_id == "C1":
        return "; ".join(f"{x['year']}: {x['surplus_provinces']} of {x['provinces_measured']} in surplus, "
                         f"{x['coastal_share_of_surpluses']:.0%} of the surplus coastal"
                         + (f" (non-coastal: {', '.join(x['non_coastal_in_surplus'])})" if x["non_coastal_in_surplus"]
                            else "") for x in f["per_year"]) or "no year measured"
    if claim_id == "C2":
        return "; ".join(f"{x['year']}: {x['share_in_deficit']:.0%} in deficit, median {x['median_pct_grp']:.1f}% GRP"
                         for x in f["per_year"]) or "no year measured"
    if claim_id == "C3":
        return "; ".join(f"{x['year']}: median of poorest {x['median_poorest_pct_grp']:.1f}% GRP, "
                         f"{x['share_extreme']:.0%} beyond threshold" for x in f["per_year"]) or "no year measured"
    if claim_id == "C4":
        return "; ".join(f"{x['year']}: {x['delta_share_of_surpluses']:.0%} of all provincial surpluses"
                         for x in f["per_year"]) or "no year measured"
    if claim_id == "C5":
        return (f"central revenue share {f['central_revenue_share_1993']:.1f}% (1993) -> "
                f"{f['central_revenue_share_1994']:.1f}% (1994); min after {f['min_central_revenue_share_after']:.1f}%")
    if claim_id == "C6":
        return (f"2018: {f['calendar_2018']:+.2f} 亿美元; H1 2018 {f['h1_2018']:.1f}; Q1 {f['q1_2018']:.1f}, "
                f"Q2 {f['q2_2018']:.1f}; last annual deficit {f['last_annual_deficit_before_2018']}; "
                f"first quarterly deficit {f['first_quarterly_deficit']}")
    if claim_id == "C7":
        return (f"CA {f['ca_peak_pct_gdp']:.1f}% of GDP ({f['ca_peak_year']}) vs mean {f['ca_recent_mean_pct_gdp']:.1f}% "
                f"({f['recent']}); goods surplus {f['goods_recent_max_level']:.0f} 亿美元 "
                f"({f['goods_recent_max_level_year']})")
    if claim_id == "C8":
        ov = [o for o in f.get("spending_overlap", []) if pd.notna(o.get("rank_corr_exp_pct_grp"))]
        s = "; ".join(f"{o['year']}: spending % GRP vs net outflow rank corr {o['rank_corr_exp_pct_grp']:.2f} "
                      f"({o['provinces']} provinces)" for o in ov)
        return ("revenue panel years: " + (_years(f["revenue_panel_years"]) or "none")
                + (f"; context: {s}" if s else ""))
    return ""


def evaluate(data_dir: Path | None = None, claims_path: Path | None = None,
             only: list[str] | None = None) -> pd.DataFrame:
    """Run every claim's rule (or the claims in ``only``); one row per claim.

    Columns: claim, short, paraphrase, abstract_location, measure, tables, key_figures, verdict,
    detail, would_test, chapter, chapter_title, figures (dict), coverage (dict).
    """
    rows = []
    for c in load_claims(claims_path):
        if only is not None and c["id"] not in only:
            continue
        fn = RULES.get(c["id"])
        if fn is None:
            r = Result(NOT_TESTABLE, {}, f"no rule registered for {c['id']} in helpers/ledger.py")
        else:
            r = fn(c, data_dir)
        if r.verdict not in VERDICTS:
            raise ValueError(f"rule {c['id']} returned unknown verdict {r.verdict!r}")
        thin = r.coverage.get("share_of_window", 1.0) < 1.0
        if (r.verdict in (NOT_TESTABLE, PARTLY) or (r.verdict == CONTRADICTED and thin)) \
                and not str(c["would_test"]).startswith("already"):
            r.detail = f"{r.detail}. Would test it: {' '.join(str(c['would_test']).split())}"
        rows.append({
            "claim": c["id"], "short": c.get("short", ""), "paraphrase": " ".join(str(c["paraphrase"]).split()),
            "abstract_location": c["abstract_location"],
            "measure": " ".join(str(c["measure"].get("description", "")).split())
            + (" [" + "; ".join(f"{k} = {v}" for k, v in _params(c).items()) + "]" if _params(c) else ""),
            "tables": ", ".join(map(str, c["tables"])), "key_figures": key_figures(c["id"], r),
            "verdict": r.verdict, "detail": r.detail, "would_test": " ".join(str(c["would_test"]).split()),
            "chapter": c["chapter"], "chapter_title": CHAPTER_TITLES.get(c["chapter"], c["chapter"]),
            "figures": r.figures, "coverage": r.coverage,
        })
    return pd.DataFrame(rows)


def summary_table(ledger: pd.DataFrame | None = None, link_prefix: str = "") -> pd.DataFrame:
    """The reader-facing columns: claim, measure, figure, verdict, chapter (as a markdown link)."""
    led = evaluate() if ledger is None else ledger
    return pd.DataFrame({
        "Claim": led["claim"] + ": " + led["short"],
        "Measure": led["measure"],
        "Key figures": led["key_figures"],
        "Verdict": led["verdict"],
        "Chapter": [f"[{t}]({link_prefix}{c}.ipynb)" for c, t in zip(led["chapter"], led["chapter_title"])],
    })
