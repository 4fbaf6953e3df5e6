"""The claims ledger: each claim of the paper judged on every balance that fits it, with sensitivity tables.

``ledger/claims.yml`` holds the claims and EVERY threshold and definition the rules read (this module
has no defaults: a missing parameter is an error naming the file and the claim). Each claim lists the
balances it is judged on (keys of :data:`helpers.balances.BASES`); :func:`evaluate` returns one
evidence row per (claim, balance), each reading only its own balance's series (plus GRP, population
and exchange rates, and for C8 the transfer series it is set against). :func:`sensitivity` re-judges
a claim over the grid in its ``sensitivity:`` block.

>>> from helpers import ledger
>>> led = ledger.evaluate()
>>> ledger.glance(led)                       # one row per claim, one verdict per balance
>>> ledger.sensitivity("C1")                 # where the verdict flips
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable

import pandas as pd
import yaml

from . import balances, customs, data, decomposition, fiscal_context, national, paths, provinces, units

CLAIMS_FILE = paths.ROOT / "ledger" / "claims.yml"

SUPPORTED, PARTLY, CONTRADICTED, NOT_TESTABLE = "supported", "partly supported", "contradicted", "not testable"
VERDICTS = (SUPPORTED, PARTLY, CONTRADICTED, NOT_TESTABLE)
#: Text badges: a symbol and the word (readable without colour), colours from the Okabe-Ito palette.
BADGES = {SUPPORTED: ("✔", "#0072B2", "#ffffff"), PARTLY: ("◐", "#E69F00", "#000000"),
          CONTRADICTED: ("✘", "#D55E00", "#000000"), NOT_TESTABLE: ("?", "#BBBBBB", "#000000")}
NOT_JUDGED = "–"
CLAIM_KEYS = ("id", "short", "paraphrase", "abstract_location", "chapter", "balances", "why_these_balances",
              "params", "sensitivity", "verdict_rule", "would_test")


class ClaimsFileError(ValueError):
    """``ledger/claims.yml`` is malformed or lacks a parameter a rule needs."""


class Params(dict):
    """A claim's parameters (definitions overridden by its params); a missing key names file and claim."""

    def __init__(self, values: dict, where: str):
        super().__init__(values)
        self.where = where

    def __missing__(self, key):
        raise ClaimsFileError(f"{self.where}: no parameter {key!r} in its params or in definitions")


@dataclass
class Judgement:
    verdict: str
    key_figure: str
    detail: str
    figures: dict = field(default_factory=dict)
    series: tuple[str, ...] = ()
    years: list = field(default_factory=list)


# ----------------------------------------------------------------------------- the claims file

def load(path: Path | None = None) -> dict:
    """The claims file as ``{"definitions": {...}, "claims": [...]}``, checked (keys, balances, ids)."""
    p = Path(path) if path else CLAIMS_FILE
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("claims"), list):
        raise ClaimsFileError(f"{p}: expected a mapping with 'definitions' and a list 'claims'")
    ids = set()
    for i, c in enumerate(doc["claims"]):
        missing = [k for k in CLAIM_KEYS if k not in c]
        if missing:
            raise ClaimsFileError(f"{p}: claim #{i + 1} ({c.get('id', '?')}) lacks {missing}")
        if c["id"] in ids:
            raise ClaimsFileError(f"{p}: claim id {c['id']!r} appears twice")
        bad = [b for b in c["balances"] if b not in balances.BASES]
        if bad:
            raise ClaimsFileError(f"{p}: claim {c['id']}: unknown balance(s) {bad}; known: {list(balances.BASES)}")
        ids.add(c["id"])
    doc.setdefault("definitions", {})
    return doc


def load_claims(path: Path | None = None) -> list[dict]:
    """The list of claims in the claims file."""
    return load(path)["claims"]


def params(claim: dict, definitions: dict, path: Path | None = None, **override) -> Params:
    """The parameters a rule reads: ``definitions``, then the claim's ``params``, then ``override``."""
    return Params({**definitions, **(claim.get("params") or {}), **override},
                  f"{Path(path) if path else CLAIMS_FILE}: claim {claim['id']}")


# ----------------------------------------------------------------------------- balance panels
# Each panel: geo_code, year, level, pct (% of GRP or IO value added), compilation; one row per province-year.

#: The data/ series each balance's panel reads: the balance's own (:data:`helpers.balances.BALANCES`) and,
#: for the customs goods balance in % of GRP, GRP and the official exchange rates.
PANEL_SERIES = {k: b.series + (("grp",) + tuple(n for n, _ in units.FX_SERIES) if k == "customs_goods" else ())
                for k, b in balances.BALANCES.items()}
#: Every IO benchmark year the ledger looks for (those in data/ are used; some cover a few provinces only).
IO_BENCHMARK_YEARS = (2002, 2007, 2012, 2017)


@data.cached_on_data
def customs_panel(grp: str, data_dir: Path | None = None) -> pd.DataFrame:
    """Customs goods balance (万美元) and % of GRP of vintage ``grp`` (:data:`helpers.customs.GRP_SOURCES`)."""
    g = customs.goods_balance(grp=grp, data_dir=data_dir)
    return pd.DataFrame({"geo_code": g["geo_code"], "year": g["year"].astype(int), "level": g["balance_10k_usd"],
                         "pct": g["balance_pct_grp"], "compilation": "customs panel (secondary)"})


def _io_years(data_dir: Path | None) -> list[int]:
    have = set(data.series("io_value_added", level="provincial", missing_ok=True, data_dir=data_dir)["year"])
    return [y for y in IO_BENCHMARK_YEARS if y in have]


@data.cached_on_data
def foreign_io_panel(data_dir: Path | None = None) -> pd.DataFrame:
    """Foreign balance of goods and services (亿元) and % of IO value added, every IO year that splits it."""
    frames = []
    for y in _io_years(data_dir):
        s = decomposition.io_split(y, data_dir).dropna(subset=["foreign_net"])
        frames.append(pd.DataFrame({"geo_code": s["geo_code"], "year": y, "level": s["foreign_net"],
                                    "pct": s["foreign_net_pct_va"], "compilation": "IO table"}))
    return pd.concat(frames, ignore_index=True)


@data.cached_on_data
def net_outflow_panel(order: tuple[str, ...], min_provinces: int, data_dir: Path | None = None) -> pd.DataFrame:
    """Net outflow of goods and services (亿元), % of GRP (expenditure) or of IO value added.

    Two compilations, never mixed within a year: the official expenditure-approach tables
    (:func:`helpers.decomposition.official_balance_panel`) and the IO
    tables' total (foreign + domestic, with the domestic part in ``domestic``). For each year the
    first compilation in ``order`` with at least ``min_provinces`` provinces is used.
    """
    p = decomposition.official_balance_panel(data_dir)
    frames = [pd.DataFrame({"geo_code": p["geo_code"], "year": p["year"].astype(int), "level": p["net_outflow"],
                            "pct": p["pct_grp"], "domestic": float("nan"), "compilation": "expenditure approach"})]
    for y in _io_years(data_dir):
        s = decomposition.io_split(y, data_dir).dropna(subset=["total_net"])
        frames.append(pd.DataFrame({"geo_code": s["geo_code"], "year": y, "level": s["total_net"],
                                    "pct": s["total_net_pct_va"], "domestic": s["domestic_net"],
                                    "compilation": "IO table"}))
    df = pd.concat(frames, ignore_index=True)
    n = df.groupby(["year", "compilation"])["geo_code"].nunique().rename("n").reset_index()
    n = n[n["n"] >= min_provinces].assign(_r=lambda d: d["compilation"].map(list(order).index))
    best = n.sort_values(["year", "_r"]).drop_duplicates("year")[["year", "compilation"]]
    return df.merge(best, on=["year", "compilation"]).sort_values(["year", "geo_code"]).reset_index(drop=True)


def balance_panel(balance: str, p: Params, data_dir: Path | None = None, need_pct: bool = True) -> pd.DataFrame:
    """The panel of ``balance`` in the claim's window, years with at least ``min_provinces`` provinces only."""
    if balance == "customs_goods":
        df = customs_panel(p["customs_grp"], data_dir)
    elif balance == "foreign_io":
        df = foreign_io_panel(data_dir)
    elif balance == "net_outflow":
        df = net_outflow_panel(tuple(p["net_outflow_order"]), int(p["min_provinces"]), data_dir)
    else:
        raise KeyError(f"{balance!r} is not a provincial balance; known: {list(balances.BALANCES)}")
    lo, hi = p["years"]
    df = df[df["year"].between(lo, hi)].dropna(subset=["pct"] if need_pct else ["level"])
    n = df.groupby("year")["geo_code"].transform("nunique")
    return df[n >= int(p["min_provinces"])]


# ----------------------------------------------------------------------------- judging

def _years(ys) -> str:
    ys = sorted(ys)
    return ", ".join(map(str, ys)) if ys else "none"


def judge(ok_by_year: dict[int, bool], window: tuple[int, int], min_coverage: float) -> tuple[str, str]:
    """Verdict from per-year agreement: supported (all measured years, enough coverage), contradicted (fails
    in most), partly supported otherwise, not testable (no year)."""
    n_window = window[1] - window[0] + 1
    if not ok_by_year:
        return NOT_TESTABLE, f"no year in {window[0]}-{window[1]} has enough provinces measured"
    agree = [y for y, ok in ok_by_year.items() if ok]
    fail = [y for y, ok in ok_by_year.items() if not ok]
    if not fail:
        if len(ok_by_year) / n_window >= min_coverage:
            return SUPPORTED, f"holds in all {len(agree)} measured years ({_years(agree)})"
        return PARTLY, f"holds in every measured year ({_years(agree)}), but only {len(agree)} of {n_window} are measured"
    if len(fail) > len(agree):
        return CONTRADICTED, f"fails in {len(fail)} of {len(ok_by_year)} measured years"
    return PARTLY, f"holds in {_years(agree)}; fails in {_years(fail)}"


def combine(parts: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """One verdict from parts judged apart: all supported -> supported; all the same -> that; else partly."""
    verdicts = {v for v, _ in parts.values()}
    why = "; ".join(f"'{k}': {v} ({w})" for k, (v, w) in parts.items())
    if len(verdicts) == 1:
        return verdicts.pop(), why
    if verdicts == {CONTRADICTED, NOT_TESTABLE}:
        return CONTRADICTED, why
    return PARTLY, why


def _names(codes) -> list[str]:
    return [provinces.name_en(c) for c in codes]


def _window(p: Params) -> tuple[int, int]:
    return int(p["years"][0]), int(p["years"][1])


RULES: dict[str, Callable[[Params, str, Path | None], Judgement]] = {}


def rule(claim_id: str):
    def deco(fn):
        RULES[claim_id] = fn
        return fn
    return deco


def _pct_unit(balance: str) -> str:
    return "% of IO value added" if balance == "foreign_io" else "% of GRP"


@rule("C1")
def _c1(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    df = balance_panel(balance, p, data_dir)
    coast, floor = balances.coastal_set(p["coastal_set"]), float(p["materiality_pct"])
    conc, count, rows = {}, {}, []
    for y, g in df.groupby("year"):
        sur = g[g["level"] > 0]
        share = float(sur.loc[sur["geo_code"].isin(coast), "level"].sum() / sur["level"].sum())
        mat = g[g["pct"] > floor]
        outside = _names(mat.loc[~mat["geo_code"].isin(coast), "geo_code"])
        conc[int(y)] = share >= float(p["min_coastal_share"])
        count[int(y)] = len(mat) <= int(p["max_surplus_provinces"]) and not outside
        rows.append({"year": int(y), "provinces": len(g), "surplus": len(sur), "material_surplus": len(mat),
                     "outside_coast": outside, "coastal_share": share})
    win = _window(p)
    verdict, why = combine({"concentrated on the coast": judge(conc, win, p["min_coverage"]),
                            "from seven or eight coastal provinces": judge(count, win, p["min_coverage"])})
    last = rows[-1] if rows else None
    key = (f"{last['year']}: {last['material_surplus']} provinces in surplus above {floor:g} {_pct_unit(balance)}, "
           f"{len(last['outside_coast'])} not coastal; coast {last['coastal_share']:.0%} of surpluses") if last else ""
    return Judgement(verdict, key, why, {"per_year": rows}, PANEL_SERIES[balance], sorted(conc))


@rule("C2")
def _c2(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    df = balance_panel(balance, p, data_dir)
    rest, floor = balances.rest_of_country(p["coastal_set"]), float(p["materiality_pct"])
    sustained, deep, rows = {}, {}, []
    for y, g in df[df["geo_code"].isin(rest)].groupby("year"):
        share = float((g["pct"] < -floor).mean())
        med = float(g["pct"].median())
        sustained[int(y)] = share >= float(p["min_share_in_deficit"])
        deep[int(y)] = med <= float(p["deep_pct"])
        rows.append({"year": int(y), "rest_measured": len(g), "share_in_deficit": share, "median_pct": med,
                     "compilation": g["compilation"].iloc[0]})
    win = _window(p)
    verdict, why = combine({"sustained": judge(sustained, win, p["min_coverage"]),
                            "deep": judge(deep, win, p["min_coverage"])})
    meds = [r["median_pct"] for r in rows]
    key = (f"{len(rows)} years: {min(r['share_in_deficit'] for r in rows):.0%}-"
           f"{max(r['share_in_deficit'] for r in rows):.0%} of the rest in deficit, median "
           f"{min(meds):.1f} to {max(meds):.1f} {_pct_unit(balance)}") if rows else ""
    return Judgement(verdict, key, why, {"per_year": rows}, PANEL_SERIES[balance], sorted(sustained))


@rule("C3")
def _c3(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    gph = decomposition.grp_per_head(p["grp_per_head_vintage"], data_dir)[["geo_code", "year", "grp_per_head"]]
    df = balance_panel(balance, p, data_dir).merge(gph, on=["geo_code", "year"])
    interior = {c for c in provinces.CODES if provinces.region_of(c) in p["interior_regions"]}
    n = int(p["n_poorest"])
    ok, rows = {}, []
    for y, g in df[df["geo_code"].isin(interior)].groupby("year"):
        g = g.sort_values("grp_per_head")
        poor, other = g.head(n), g.iloc[n:]
        share = float((poor["pct"] <= float(p["extreme_pct"])).mean())
        ok[int(y)] = share >= float(p["min_share"]) and poor["pct"].median() < other["pct"].median()
        rows.append({"year": int(y), "poorest": _names(poor["geo_code"]), "share_extreme": share,
                     "median_poorest": float(poor["pct"].median()), "median_other": float(other["pct"].median())})
    verdict, why = judge(ok, _window(p), p["min_coverage"])
    last = rows[-1] if rows else None
    key = (f"{last['year']}: {last['share_extreme']:.0%} of the {n} poorest at or below {p['extreme_pct']:g} % "
           f"(median {last['median_poorest']:.1f} vs {last['median_other']:.1f})") if last else ""
    return Judgement(verdict, key, why, {"per_year": rows}, PANEL_SERIES[balance] + ("grp", "population_year_end"),
                     sorted(ok))


@rule("C4")
def _c4(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    df = balance_panel(balance, p, data_dir, need_pct=False)
    delta = balances.coastal_set(p["delta_set"])
    ok, rows = {}, []
    for y, g in df.groupby("year"):
        share = float(g.loc[g["geo_code"].isin(delta), "level"].sum() / g.loc[g["level"] > 0, "level"].sum())
        ok[int(y)] = share >= float(p["min_share"])
        rows.append({"year": int(y), "delta_share": share})
    verdict, why = judge(ok, _window(p), p["min_coverage"])
    sh = [r["delta_share"] for r in rows]
    key = (f"deltas' share of all provincial surpluses {min(sh):.0%}-{max(sh):.0%} in {len(ok)} years "
           f"({min(ok)}-{max(ok)})") if rows else ""
    return Judgement(verdict, key, why, {"per_year": rows}, PANEL_SERIES[balance], sorted(ok))


@rule("C5")
def _c5(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    b = fiscal_context.break_1994(data_dir)
    jump, stays = b["jump_pp"] >= float(p["min_jump_pp"]), b["min_central_revenue_share_after"] >= float(p["min_share_after"])
    verdict = SUPPORTED if jump and stays else PARTLY if (jump or stays) else CONTRADICTED
    key = (f"central share of revenue {b['central_revenue_share_1993']:.1f} % (1993) -> "
           f"{b['central_revenue_share_1994']:.1f} % (1994), never below {b['min_central_revenue_share_after']:.1f} % "
           f"to {b['last_year']}")
    return Judgement(verdict, key, key, b, ("central_revenue", "local_revenue", "central_expenditure",
                                             "local_expenditure"), list(range(1978, b["last_year"] + 1)))


@rule("C6")
def _c6(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    e = national.episode_2018(data_dir)
    since, year = int(p["since"]), int(p["year"])
    cal = e["calendar_2018"] < 0 and not [y for y in e["annual_deficits_1994_2023"] if since <= y < year]
    half = (e["h1_2018"] < 0 or e["h2_2018"] < 0) and not e["half_year_deficits_before_2018"]
    covered = e["first_quarterly_year"] <= since
    e.update(since=since, half_year_data_reach_since=covered)
    if cal:
        verdict, why = SUPPORTED, f"the calendar year {year} was in deficit, the first since {since}"
    elif half and covered:
        verdict, why = SUPPORTED, (f"read as a half-year: H1 {year} was the first half-year deficit since quarterly "
                                   f"data begin ({e['first_quarterly_year']}); the calendar year was in surplus")
    elif half:
        verdict, why = PARTLY, (f"the calendar year was in surplus; H1 {year} was the first half-year deficit since "
                                f"quarterly data begin in {e['first_quarterly_year']}, so 'first since {since}' cannot "
                                f"be checked for {since}-{e['first_quarterly_year'] - 1}")
    else:
        verdict, why = CONTRADICTED, f"neither {year} nor a half of it was in deficit"
    key = (f"{year}: {e['calendar_2018']:+,.2f} 亿美元 (surplus); H1 {e['h1_2018']:,.2f} (Q1 {e['q1_2018']:,.1f}, "
           f"Q2 {e['q2_2018']:,.1f}); last annual deficit {e['last_annual_deficit_before_2018']}")
    return Judgement(verdict, key, why, e, ("bop_current_account",), [year])


@data.cached_on_data
def current_account_series(data_dir: Path | None = None) -> pd.DataFrame:
    """Annual current account (亿美元) and % of GDP: the SAFE workbook to 2017, latest releases from 2018.

    Each row keeps its vintage; 2018 on come from :func:`helpers.national.current_account_recent`
    (latest published value; 2024-2025 GDP from news copies of NBS releases, flagged ``gdp_secondary``).
    """
    a = national.annual_ratios("nbs", data_dir)
    a = pd.DataFrame({"year": a["year"], "current_account": a["current_account"], "pct_gdp": a["current_account_pct_gdp"],
                      "vintage": "SAFE BPM6 time series (March-2024 release)", "gdp_secondary": False})
    r = national.current_account_recent(data_dir=data_dir)
    r = r[r["quarter"].isna()]
    r = pd.DataFrame({"year": r["year"].astype(int), "current_account": r["current_account"], "pct_gdp": r["ca_pct_gdp"],
                      "vintage": r["ca_vintage"], "gdp_secondary": r["gdp_secondary"].eq(True)})
    return pd.concat([a[a["year"] < r["year"].min()], r], ignore_index=True).dropna(subset=["pct_gdp"])


@rule("C7")
def _c7(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    s = current_account_series(data_dir)
    as_of, n = int(p["as_of"]), int(p["trend_years"])
    s = s[s["year"] <= as_of].set_index("year")
    peak_year = int(s["pct_gdp"].idxmax())
    before = s.loc[:as_of - 1]
    now, prev = s.loc[as_of], s.loc[as_of - n]
    ratio_low = now["pct_gdp"] <= float(p["max_ratio_to_peak"]) * s.loc[peak_year, "pct_gdp"]
    record = now["current_account"] > before["current_account"].max()
    rising = now["pct_gdp"] > prev["pct_gdp"]
    if ratio_low and not record and not rising:
        verdict = SUPPORTED
    elif record and rising:
        verdict = CONTRADICTED
    else:
        verdict = PARTLY
    f = {"as_of": as_of, "ca": float(now["current_account"]), "ca_pct_gdp": float(now["pct_gdp"]),
         "vintage": now["vintage"], "gdp_secondary": bool(now["gdp_secondary"]),
         "peak_year": peak_year, "peak_pct_gdp": float(s.loc[peak_year, "pct_gdp"]),
         "prev_record": float(before["current_account"].max()), "prev_record_year": int(before["current_account"].idxmax()),
         "trend_from": as_of - n, "pct_gdp_trend_from": float(prev["pct_gdp"]),
         "ratio_low": bool(ratio_low), "record": bool(record), "rising": bool(rising)}
    key = (f"{as_of}: {f['ca']:,.0f} 亿美元 ({f['ca_pct_gdp']:.2f} % of GDP; {f['trend_from']}: "
           f"{f['pct_gdp_trend_from']:.2f} %; peak {f['peak_pct_gdp']:.2f} % in {peak_year}); earlier record "
           f"{f['prev_record']:,.0f} ({f['prev_record_year']})")
    why = (f"below {p['max_ratio_to_peak']:g} x the peak share: {'yes' if ratio_low else 'no'}; "
           f"a record in dollars: {'yes' if record else 'no'}; share rising since {as_of - n}: "
           f"{'yes' if rising else 'no'} (vintage: {now['vintage']}"
           + ("; GDP from a news copy of the NBS release" if now["gdp_secondary"] else "") + ")")
    return Judgement(verdict, key, why, f, ("bop_current_account", "gdp", "gdp_secondary"), [as_of])


NAMED = tuple(provinces.code_of(p) for p in fiscal_context.FOCUS)     # Sichuan, Gansu, Qinghai


def _transfers(measures, data_dir: Path | None = None) -> pd.DataFrame:
    """:func:`helpers.fiscal_context.transfers_panel` restricted to ``measures`` (keys of
    :data:`helpers.fiscal_context.TRANSFER_MEASURES`, from the claim's ``transfer_measures``)."""
    unknown = set(measures) - set(fiscal_context.TRANSFER_MEASURES)
    if unknown:
        raise ClaimsFileError(f"{CLAIMS_FILE}: unknown transfer_measures {sorted(unknown)}; "
                              f"known: {list(fiscal_context.TRANSFER_MEASURES)}")
    t = fiscal_context.transfers_panel(data_dir)
    return t[t["measure"].isin(list(measures))].reset_index(drop=True)


@rule("C8")
def _c8(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    t = _transfers(p["transfer_measures"], data_dir)
    if balance in ("net_outflow", "foreign_io"):
        yr = int(p["io_year"])
        b = balance_panel(balance, Params({**p, "years": [yr, yr]}, p.where), data_dir)
    else:
        b = balance_panel(balance, Params({**p, "years": [int(t["year"].min()), int(t["year"].max())]}, p.where), data_dir)
    m = t.merge(b[["geo_code", "year", "pct"]], on=["geo_code", "year"]).dropna(subset=["pct_grp", "pct"])
    ok, rows = {}, []
    for y, g in m.groupby("year"):
        if len(g) >= int(p["min_overlap"]):
            r = fiscal_context.rank_corr(g["pct_grp"], g["pct"])
            ok[int(y)] = r <= float(p["max_rank_corr"])
            rows.append({"year": int(y), "provinces": len(g), "rank_corr": r, "measure": g["label"].iloc[0]})
    named = m[m["geo_code"].isin(NAMED)][["province", "year", "per_head_yuan", "pct_grp", "pct_expenditure", "pct"]]
    if not ok:
        verdict, why = NOT_TESTABLE, "no year with transfers and this balance for enough provinces"
    elif all(ok.values()):
        verdict, why = PARTLY, (f"provinces receiving more transfers (% of GRP) ran deeper deficits (rank correlation "
                                f"<= {p['max_rank_corr']:g} in {_years(ok)}); no table shows the money built industrial hubs")
    else:
        verdict, why = judge(ok, (min(ok), max(ok)), 1.0)
        verdict = PARTLY if verdict == SUPPORTED else verdict
    key = "; ".join(f"{r['year']}: rank corr. {r['rank_corr']:+.2f} ({r['provinces']} provinces)" for r in rows)
    return Judgement(verdict, key, why, {"per_year": rows, "named": named.to_dict("records")},
                     PANEL_SERIES[balance] + tuple(fiscal_context.TRANSFER_MEASURES[k][0] for k in p["transfer_measures"])
                     + ("local_budget_expenditure", "population_year_end"), sorted(ok))


@rule("C9")
def _c9(p: Params, balance: str, data_dir: Path | None) -> Judgement:
    coast, rest = balances.coastal_set(p["coastal_set"]), balances.rest_of_country(p["coastal_set"])
    df = balance_panel(balance, p, data_dir, need_pct=False)
    ok, rows = {}, []
    if balance == "net_outflow":
        df = df.dropna(subset=["domestic"])
    for y, g in df.groupby("year"):
        c, r = g[g["geo_code"].isin(coast)], g[g["geo_code"].isin(rest)]
        low = r.loc[r["level"].idxmin()] if len(r) else None
        row = {"year": int(y), "coast": float(c["level"].sum()), "rest": float(r["level"].sum()),
               "total": float(g["level"].sum()), "rest_lowest": provinces.name_en(low["geo_code"]),
               "rest_lowest_level": float(low["level"])}
        if balance == "net_outflow":
            row["coast_domestic"] = float(c["domestic"].sum())
            ok[int(y)] = row["rest"] < 0 and row["coast_domestic"] > 0
        else:
            row["coastal_share"] = row["coast"] / row["total"] if row["total"] > 0 else float("nan")
            ok[int(y)] = row["total"] > 0 and row["coastal_share"] >= float(p["min_coastal_share"])
        rows.append(row)
    verdict, why = judge(ok, _window(p), p["min_coverage"])
    if verdict == SUPPORTED:
        verdict = PARTLY
    why += "; that the interior's position depends on the coast's surplus is not testable with these data"
    unit, scale = ("亿美元", units.USD_10K_PER_100M) if balance == "customs_goods" else (balances.level_unit(balance), 1)
    if balance == "net_outflow":
        key = "; ".join(f"{r['year']}: rest {r['rest']:,.0f}, coast's domestic balance {r['coast_domestic']:,.0f} {unit}"
                        for r in rows)
    else:
        sh = [r["coastal_share"] for r in rows]
        last = rows[-1] if rows else None
        key = (f"coast's balance = {min(sh):.0%} to {max(sh):.0%} of the sum of all provinces' balances in {len(rows)} "
               f"years; {last['year']}: rest {last['rest'] / scale:,.0f} {unit} (lowest: {last['rest_lowest']} "
               f"{last['rest_lowest_level'] / scale:,.0f})") if rows else ""
    return Judgement(verdict, key, why, {"per_year": rows}, PANEL_SERIES[balance], sorted(ok))


# ----------------------------------------------------------------------------- the ledger

def judge_claim(claim: dict, definitions: dict, data_dir: Path | None = None, path: Path | None = None,
                **override) -> dict[str, Judgement]:
    """One :class:`Judgement` per balance of ``claim`` (parameters from the claims file, then ``override``)."""
    p = params(claim, definitions, path, **override)
    return {b: RULES[claim["id"]](p, b, data_dir) for b in claim["balances"]}


def evaluate(claims_path: Path | None = None, data_dir: Path | None = None,
             only: list[str] | None = None) -> pd.DataFrame:
    """One evidence row per (claim, balance): claim, short, balance (key of :data:`helpers.balances.BASES`),
    balance_name, verdict, key_figure, detail, figures, series (the data/ series read), years,
    paraphrase, chapter, would_test."""
    doc = load(claims_path)
    rows = []
    for c in doc["claims"]:
        if only is not None and c["id"] not in only:
            continue
        if c["id"] not in RULES:
            raise ClaimsFileError(f"{claims_path or CLAIMS_FILE}: claim {c['id']} has no rule in helpers/ledger.py")
        for b, j in judge_claim(c, doc["definitions"], data_dir, claims_path).items():
            if j.verdict not in VERDICTS:
                raise ValueError(f"rule {c['id']} returned unknown verdict {j.verdict!r}")
            rows.append({"claim": c["id"], "short": c["short"], "balance": b, "balance_name": balances.name(b),
                         "verdict": j.verdict, "key_figure": j.key_figure, "detail": j.detail, "figures": j.figures,
                         "series": j.series, "years": j.years, "paraphrase": " ".join(str(c["paraphrase"]).split()),
                         "chapter": c["chapter"], "would_test": " ".join(str(c["would_test"]).split())})
    return pd.DataFrame(rows)


def sensitivity(claim_id: str, claims_path: Path | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """The claim's verdict per balance over every combination of its ``sensitivity:`` grid.

    One row per combination: the varied parameters, one column per balance name (the verdict) and
    ``baseline`` (True for the values the ledger uses).
    """
    doc = load(claims_path)
    claim = next((c for c in doc["claims"] if c["id"] == claim_id), None)
    if claim is None:
        raise KeyError(f"no claim {claim_id!r} in {claims_path or CLAIMS_FILE}")
    grid = claim["sensitivity"] or {}
    base = params(claim, doc["definitions"], claims_path)
    rows = []
    for combo in itertools.product(*grid.values()):
        over = dict(zip(grid, combo))
        js = judge_claim(claim, doc["definitions"], data_dir, claims_path, **over)
        rows.append({**over, **{balances.name(b): j.verdict for b, j in js.items()},
                     "baseline": all(base[k] == v for k, v in over.items())})
    return pd.DataFrame(rows)


def badge(verdict: str) -> str:
    """An HTML text badge: symbol + word, colour-blind-safe colours (readable without colour)."""
    if verdict not in BADGES:
        return f'<span class="ledger-badge">{NOT_JUDGED} not judged on it</span>'
    sym, bg, fg = BADGES[verdict]
    return (f'<span class="ledger-badge" style="background:{bg};color:{fg};padding:1px 6px;border-radius:4px;'
            f'white-space:nowrap">{sym} {escape(verdict)}</span>')


def glance(led: pd.DataFrame) -> pd.DataFrame:
    """One row per claim, one verdict column per basis (customs goods balance, foreign balance, net outflow,
    other measure), and the key figure of its first balance."""
    cols = [balances.name(k) for k in balances.BALANCES] + ["other measure"]
    rows = []
    for cid, g in led.groupby("claim", sort=False):
        r = {"claim": cid, "short": g["short"].iloc[0], "key_figure": g["key_figure"].iloc[0], **{c: "" for c in cols}}
        for _, e in g.iterrows():
            col = e["balance_name"] if e["balance"] in balances.BALANCES else "other measure"
            r[col] = e["verdict"] if e["balance"] in balances.BALANCES else f"{e['verdict']} ({e['balance_name']})"
        rows.append(r)
    return pd.DataFrame(rows)[["claim", "short"] + cols + ["key_figure"]]


def glance_html(led: pd.DataFrame, page: str = "") -> str:
    """The compact verdict table as HTML: one row per claim (its key figure in small type under its
    name), one badge per balance, "–" where a balance does not fit the claim. Fits one screen.
    Each claim links to its section of the ledger page; ``page`` is that page's address from the
    page the table is shown on (empty on the ledger page itself)."""
    g = glance(led)
    cols = [c for c in g.columns if c not in ("claim", "short", "key_figure")]
    head = "".join(f"<th>{escape(c)}</th>" for c in ["Claim"] + cols)
    body = []
    for _, r in g.iterrows():
        cells = [f"<td><a href='{page}#{r['claim'].lower()}'><b>{r['claim']}</b></a> {escape(r['short'])}"
                 f"<div class='ledger-key'>{escape(r['key_figure'])}</div></td>"]
        for c in cols:
            v = r[c].split(" (")[0] if r[c] else ""
            cells.append(f"<td>{badge(v) if v else NOT_JUDGED}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<div class='ledger-glance-wrap'><table class='ledger-glance'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def sensitivity_html(table: pd.DataFrame) -> str:
    """A sensitivity table as HTML, verdicts as badges, the baseline row in bold."""
    vcols = [c for c in table.columns if c in {balances.name(k) for k in balances.BASES}]
    out = table.copy()
    for c in vcols:
        out[c] = out[c].map(badge)
    out["baseline"] = out["baseline"].map({True: "◀ ledger", False: ""})
    return out.to_html(index=False, escape=False, classes="ledger-sensitivity", border=0)


# ----------------------------------------------------------------------------- one small chart per claim

CUSTOMS_NOTE = "customs goods balance from a secondary compilation (not an official series)"


def _rows(led: pd.DataFrame, claim: str, balance: str) -> pd.DataFrame:
    r = led[(led["claim"] == claim) & (led["balance"] == balance)]
    return pd.DataFrame(r["figures"].iloc[0]["per_year"])


def chart(claim: str, led: pd.DataFrame, data_dir: Path | None = None):
    """The small chart shown under a claim (one balance per chart, source and unit named)."""
    from . import charts
    if claim == "C1":
        d = _rows(led, "C1", "customs_goods")
        d = pd.concat([pd.DataFrame({"year": d["year"], "provinces": d["material_surplus"] - d["outside_coast"].map(len),
                                     "group": "coastal (secondary data)"}),
                       pd.DataFrame({"year": d["year"], "provinces": d["outside_coast"].map(len),
                                     "group": "not coastal (secondary data)"})])
        return charts.line_chart(d, "year", "provinces", color="group", y_unit="number of provinces", fmt=",.0f",
                                 title="Provinces in customs surplus above the materiality floor",
                                 source=CUSTOMS_NOTE, alt="Number of coastal and non-coastal provinces whose customs "
                                 "goods surplus exceeds the materiality floor, by year.")
    if claim == "C2":
        d = _rows(led, "C2", "net_outflow")
        return charts.bar_chart(d.assign(year=d["year"].astype(str)), "year", "median_pct", diverging=True,
                                y_unit="% of GRP or IO value added", y_title="Median net outflow",
                                title="The rest of the country: median net outflow of goods and services",
                                source="NBS expenditure-approach tables (2007, 2008); provincial IO tables (2002, "
                                       "2012, 2017)", alt="Median net outflow of the provinces outside the coastal "
                                                          "set, by measured year; all negative.")
    if claim == "C3":
        d = _rows(led, "C3", "net_outflow")
        d = pd.concat([pd.DataFrame({"year": d["year"], "median": d["median_poorest"], "group": "poorest interior"}),
                       pd.DataFrame({"year": d["year"], "median": d["median_other"], "group": "other interior"})])
        return charts.line_chart(d, "year", "median", color="group", y_unit="% of GRP or IO value added",
                                 zero_rule=True, title="Median net outflow: poorest vs other interior provinces",
                                 source="NBS expenditure-approach tables; provincial IO tables; NBS GRP and "
                                        "population", alt="Median net outflow of the poorest interior provinces "
                                                          "against the other interior provinces, by measured year.")
    if claim == "C4":
        d = _rows(led, "C4", "customs_goods").assign(share=lambda x: 100 * x["delta_share"])
        return charts.line_chart(d, "year", "share", y_unit="% of the sum of provincial surpluses", fmt=",.1f",
                                 title="Pearl and Yangtze deltas' share of the customs surpluses",
                                 source=CUSTOMS_NOTE, alt="Share of the four delta provinces in the sum of all "
                                                          "provincial customs goods surpluses, by year.")
    if claim == "C5":
        return charts.line_chart(fiscal_context.shares_long(data_dir), "year", "share_pct", color="measure",
                                 y_unit="%", title="Central government share of budget revenue and spending",
                                 source="NBS 中央和地方财政收入及比重 / 支出及比重", alt="Central share of revenue "
                                 "jumps in 1994; the central share of spending does not.")
    if claim == "C6":
        q = national.quarterly_balances(data_dir)
        q = q[q["year"].between(2016, 2019)]
        return charts.bar_chart(q, "period", "current_account", diverging=True, y_unit="亿美元", x_title="quarter",
                                y_title="Current account", title="Current account by quarter, 2016-2019",
                                source="SAFE balance of payments (BPM6), March-2024 release",
                                alt="Quarterly current account 2016-2019: deficits in 2018Q1 and 2018Q2 only.")
    if claim == "C7":
        s = current_account_series(data_dir)
        return charts.line_chart(s, "year", "pct_gdp", y_unit="% of GDP", zero_rule=True,
                                 y_title="Current account", title="Current account, % of GDP, 1982-2025",
                                 source="SAFE (latest release per year; vintage in the tooltip); NBS GDP (2024-2025 "
                                        "from news copies of NBS releases)",
                                 alt="Current account as a share of GDP: peak in 2007, low in 2018, rising to 2025.")
    if claim == "C8":
        return _c8_chart(led, data_dir)
    if claim == "C9":
        d = _rows(led, "C9", "customs_goods")
        d = pd.concat([pd.DataFrame({"year": d["year"], "balance": d["coast"] / units.USD_10K_PER_100M,
                                     "group": "coast (secondary data)"}),
                       pd.DataFrame({"year": d["year"], "balance": d["rest"] / units.USD_10K_PER_100M,
                                     "group": "rest of the country (secondary data)"})])
        return charts.line_chart(d, "year", "balance", color="group", y_unit="亿美元", zero_rule=True, fmt=",.0f",
                                 title="Customs goods balance: the coast and the rest", source=CUSTOMS_NOTE,
                                 alt="Sum of the customs goods balances of the coastal set and of the rest of the "
                                     "country, by year.")
    raise KeyError(f"no chart for claim {claim!r}")


def c8_scatter_data(led: pd.DataFrame, data_dir: Path | None = None) -> pd.DataFrame:
    """Transfers (% of GRP) and IO net outflow (% of value added) by province in the IO year of claim C8."""
    yr = int(led[led["claim"] == "C8"]["years"].iloc[0][0])
    t = fiscal_context.transfers_panel(data_dir)
    io = decomposition.io_split(yr, data_dir)[["geo_code", "total_net_pct_va"]]
    return t[t["year"] == yr].merge(io, on="geo_code").dropna(subset=["total_net_pct_va"])


def _c8_chart(led: pd.DataFrame, data_dir: Path | None):
    import altair as alt
    from . import charts
    d = c8_scatter_data(led, data_dir)[["province", "pct_grp", "total_net_pct_va", "per_head_yuan"]]
    d["named"] = d["province"].isin(_names(NAMED)).map({True: "Sichuan, Gansu, Qinghai", False: "other provinces"})
    base = alt.Chart(d).encode(x=alt.X("pct_grp:Q", title="Central transfers (% of GRP)"),
                               y=alt.Y("total_net_pct_va:Q", title="Net outflow of goods and services (% of IO value added)"))
    pts = base.mark_point(filled=True, size=60).encode(
        color=charts.category_color("named", ["other provinces", "Sichuan, Gansu, Qinghai"], title=None),
        shape=alt.Shape("named:N", title=None),
        tooltip=["province:N", alt.Tooltip("pct_grp:Q", format=".1f", title="transfers (% of GRP)"),
                 alt.Tooltip("total_net_pct_va:Q", format=".1f", title="net outflow (% of IO value added)"),
                 alt.Tooltip("per_head_yuan:Q", format=",.0f", title="transfers (元 per head)")])
    labels = base.transform_filter(alt.datum.named != "other provinces").mark_text(dx=8, align="left").encode(
        text="province:N")
    return charts.finish(alt.layer(pts, labels), "Central transfers and net outflow by province, 2017",
                         "MOF central budget 2018 (2017 outturn of transfers); NBS GRP (2025 vintage); provincial IO "
                         "tables 2017", "Scatter: provinces receiving more central transfers relative to GRP ran "
                         "deeper net outflow deficits in 2017.")


# ----------------------------------------------------------------------------- what the page shows

def claim_html(claim: str, led: pd.DataFrame) -> str:
    """A claim's verdict per balance (badge, key figure, why) as an HTML list."""
    items = [f"<li><b>{escape(r['balance_name'])}</b>: {badge(r['verdict'])} {escape(r['key_figure'])}. "
             f"<i>Why:</i> {escape(r['detail'])}.</li>" for _, r in led[led["claim"] == claim].iterrows()]
    return "<ul class='ledger-claim'>" + "".join(items) + "</ul>"


def balances_html() -> str:
    """The three balances (and the other measures) with definition and unit, as an HTML table."""
    rows = "".join(f"<tr><td><b>{escape(b.name)}</b></td><td>{escape(b.definition)}</td><td>{escape(b.unit)}</td></tr>"
                   for b in balances.BASES.values())
    return f"<table><thead><tr><th>Balance</th><th>Definition</th><th>Unit</th></tr></thead><tbody>{rows}</tbody></table>"


def prose_figures(led: pd.DataFrame, data_dir: Path | None = None) -> dict:
    """The numbers the ledger page's prose names (glued with :func:`helpers.page.glue_all`)."""
    f = lambda c, b: led[(led["claim"] == c) & (led["balance"] == b)]["figures"].iloc[0]  # noqa: E731
    c6, c7 = f("C6", "current_account"), f("C7", "current_account")
    ca = national.current_account_recent(data_dir=data_dir).set_index("period")
    q = fiscal_context.transfers_panel(data_dir)
    q = q[(q["year"] == 2019) & q["geo_code"].isin(NAMED)].set_index("province")
    c8 = {r["year"]: r["rank_corr"] for r in f("C8", "net_outflow")["per_year"]}
    counts = led["verdict"].value_counts()
    out = {"n_claims": led["claim"].nunique(), "n_rows": len(led),
           **{f"n_{k}": int(counts.get(v, 0)) for k, v in (("supported", SUPPORTED), ("partly", PARTLY),
                                                           ("contradicted", CONTRADICTED), ("not_testable", NOT_TESTABLE))},
           "c6_calendar": c6["calendar_2018"], "c6_h1": c6["h1_2018"], "c6_first_q_year": c6["first_quarterly_year"],
           "c6_last_annual_deficit": c6["last_annual_deficit_before_2018"],
           "c6_first_q_deficit": c6["first_quarterly_deficit"],
           "c7_peak_pct": c7["peak_pct_gdp"], "c7_peak_year": c7["peak_year"], "c7_prev_record": c7["prev_record"],
           "c7_prev_record_year": c7["prev_record_year"],
           "c8_corr_net_outflow": next(iter(c8.values())), "c8_io_year": next(iter(c8))}
    for per in ("2024", "2025", "2026Q1"):
        k = per.lower()
        out[f"ca_{k}"] = float(ca.loc[per, "current_account"])
        out[f"ca_{k}_vintage"] = ca.loc[per, "ca_vintage"]
    for per in ("2023", "2024", "2025"):
        out[f"ca_{per}_pct"] = float(ca.loc[per, "ca_pct_gdp"])
    for name in _names(NAMED):
        k = name.lower()
        out[f"tr2019_{k}_pct_grp"] = float(q.loc[name, "pct_grp"])
        out[f"tr2019_{k}_per_head"] = float(q.loc[name, "per_head_yuan"])
        out[f"tr2019_{k}_pct_spending"] = float(q.loc[name, "pct_expenditure"])
    qh = fiscal_context.qinghai_1994(data_dir)
    out.update({f"qh_{k}": qh[f"{k}_10k_cny"] for k in ("local_revenue_1993", "local_revenue_1994", "subsidies_1993",
                                                         "subsidies_1994")}, qh_to_centre_1994=qh["central_part_1994_10k_cny"])
    return out


def verdict(claim: str, balance: str | None = None, led: pd.DataFrame | None = None) -> str:
    """The verdict of ``claim`` on ``balance`` (a key of :data:`helpers.balances.BASES`); without
    ``balance`` the claim must be judged on one basis only. For other chapters to glue, e.g.
    ``verdict("C8", "net_outflow")``."""
    led = evaluate(only=[claim]) if led is None else led
    r = led[(led["claim"] == claim) & ((led["balance"] == balance) if balance else True)]
    if len(r) != 1:
        raise KeyError(f"claim {claim} is judged on {list(led.loc[led['claim'] == claim, 'balance'])}: name one")
    return r["verdict"].iloc[0]
