"""The claims ledger: every verdict and key figure per balance, the sensitivity grids from claims.yml,
balances never mixed, the materiality floor, and "the rest" as the complement of the coastal set.

If a data change flips a verdict or moves a key figure these tests fail: update the ledger page's
prose and this file together, on purpose.
"""
import json

import pandas as pd
import pytest
import yaml

from helpers import balances, fiscal_context, ledger, provinces
from helpers.ledger import CONTRADICTED, PARTLY, SUPPORTED


@pytest.fixture(scope="module")
def led():
    return ledger.evaluate()


def _row(led, claim, balance):
    r = led[(led["claim"] == claim) & (led["balance"] == balance)]
    assert len(r) == 1, (claim, balance)
    return r.iloc[0]


def _per_year(led, claim, balance):
    return {r["year"]: r for r in _row(led, claim, balance)["figures"]["per_year"]}


def _copy(tmp_path, edit):
    doc = yaml.safe_load(ledger.CLAIMS_FILE.read_text(encoding="utf-8"))
    edit(doc)
    p = tmp_path / "claims.yml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return p


def _claim(doc, cid):
    return next(c for c in doc["claims"] if c["id"] == cid)


# ------------------------------------------------------------------ the claims file

def test_claims_file_lists_nine_claims_each_with_a_rule_and_known_balances():
    claims = ledger.load_claims()
    assert [c["id"] for c in claims] == [f"C{i}" for i in range(1, 10)]
    assert {c["id"] for c in claims} <= set(ledger.RULES)
    for c in claims:
        assert set(c["balances"]) <= set(balances.BASES), c["id"]
        assert c["sensitivity"], c["id"]                      # every rule has a grid
    # external-surplus claims on the two external balances; provincial position on net outflow
    by_id = {c["id"]: c["balances"] for c in claims}
    assert by_id["C1"] == by_id["C4"] == ["customs_goods", "foreign_io"]
    assert by_id["C3"] == ["net_outflow"]


def test_bad_claims_file_names_file_and_claim(tmp_path):
    p = tmp_path / "claims.yml"
    p.write_text(yaml.safe_dump({"claims": [{"id": "X1", "paraphrase": "p"}]}), encoding="utf-8")
    with pytest.raises(ledger.ClaimsFileError, match=r"claims.yml: claim #1 \(X1\) lacks"):
        ledger.load_claims(p)
    p = _copy(tmp_path, lambda d: _claim(d, "C1").update(balances=["customs_goods", "trade"]))
    with pytest.raises(ledger.ClaimsFileError, match=r"claim C1: unknown balance"):
        ledger.load(p)


def test_thresholds_live_only_in_claims_yml(tmp_path):
    """A parameter removed from claims.yml is an error naming file, claim and parameter (no Python default)."""
    p = _copy(tmp_path, lambda d: d["definitions"].pop("materiality_pct"))
    with pytest.raises(ledger.ClaimsFileError, match=r"claims.yml: claim C1: no parameter 'materiality_pct'"):
        ledger.evaluate(claims_path=p, only=["C1"])
    p = _copy(tmp_path, lambda d: _claim(d, "C3")["params"].pop("n_poorest"))
    with pytest.raises(ledger.ClaimsFileError, match="n_poorest"):
        ledger.evaluate(claims_path=p, only=["C3"])


# ------------------------------------------------------------------ verdicts and key figures per balance

def test_c1_coastal_surplus_on_both_external_balances(led):
    c = _row(led, "C1", "customs_goods")
    assert c["verdict"] == CONTRADICTED
    y = _per_year(led, "C1", "customs_goods")[2016]
    assert (y["provinces"], y["surplus"], y["material_surplus"], len(y["outside_coast"])) == (29, 21, 19, 13)
    assert "Chongqing" in y["outside_coast"] and y["coastal_share"] == pytest.approx(0.8493, abs=1e-4)
    assert c["key_figure"].startswith("2016: 19 provinces in surplus above 1 % of GRP, 13 not coastal; coast 85%")
    f = _row(led, "C1", "foreign_io")
    assert f["verdict"] == CONTRADICTED and f["years"] == [2012, 2017]
    y = _per_year(led, "C1", "foreign_io")[2017]
    assert (y["material_surplus"], len(y["outside_coast"])) == (18, 12)
    assert y["coastal_share"] == pytest.approx(0.8118, abs=1e-4)


def test_c2_rest_in_deficit_on_net_outflow_in_surplus_on_customs(led):
    n = _row(led, "C2", "net_outflow")
    assert n["verdict"] == PARTLY and n["years"] == [2002, 2007, 2008, 2012, 2017]
    py = _per_year(led, "C2", "net_outflow")
    assert py[2007]["compilation"] == "expenditure approach" and py[2012]["compilation"] == "IO table"
    assert py[2007]["share_in_deficit"] == pytest.approx(15 / 18)
    assert py[2012]["median_pct"] == pytest.approx(-13.35, abs=0.01)
    assert py[2017]["rest_measured"] == 20                   # all 20 provinces without a sea coast
    c = _row(led, "C2", "customs_goods")
    assert c["verdict"] == CONTRADICTED
    assert _per_year(led, "C2", "customs_goods")[2010]["share_in_deficit"] == pytest.approx(0.25)


def test_c3_poorest_interior(led):
    r = _row(led, "C3", "net_outflow")
    assert r["verdict"] == PARTLY and "holds in 2008, 2012, 2017; fails in 2002, 2007" in r["detail"]
    y = _per_year(led, "C3", "net_outflow")[2017]
    assert y["poorest"] == ["Gansu", "Yunnan", "Guizhou", "Tibet", "Guangxi", "Xinjiang"]
    assert y["share_extreme"] == pytest.approx(4 / 6) and y["median_poorest"] == pytest.approx(-41.63, abs=0.01)


def test_c4_deltas(led):
    assert _row(led, "C4", "customs_goods")["verdict"] == PARTLY
    assert _per_year(led, "C4", "customs_goods")[2010]["delta_share"] == pytest.approx(0.7258, abs=1e-4)
    f = _per_year(led, "C4", "foreign_io")
    assert f[2012]["delta_share"] == pytest.approx(0.6051, abs=1e-4) and f[2017]["delta_share"] == pytest.approx(0.4870, abs=1e-4)
    assert _row(led, "C4", "foreign_io")["verdict"] == PARTLY


def test_c5_centralisation(led):
    r = _row(led, "C5", "fiscal")
    assert r["verdict"] == SUPPORTED
    f = r["figures"]
    assert (round(f["central_revenue_share_1993"], 1), round(f["central_revenue_share_1994"], 1),
            round(f["min_central_revenue_share_after"], 1)) == (22.0, 55.7, 45.9)


def test_c6_2018_true_of_the_first_half_only(led):
    r = _row(led, "C6", "current_account")
    assert r["verdict"] == PARTLY
    f = r["figures"]
    assert f["calendar_2018"] == pytest.approx(241.31, abs=0.005) and f["h1_2018"] == pytest.approx(-424.15, abs=0.01)
    assert f["first_quarterly_year"] == 1998 and f["last_annual_deficit_before_2018"] == 1993
    assert f["half_year_data_reach_since"] is False
    assert "cannot be checked for 1994-1997" in r["detail"]


def test_c7_petering_out_contradicted_by_2024_2025(led):
    r = _row(led, "C7", "current_account")
    assert r["verdict"] == CONTRADICTED
    f = r["figures"]
    assert f["ca"] == 7350.0 and f["ca_pct_gdp"] == pytest.approx(3.745, abs=0.001)
    assert f["prev_record"] == pytest.approx(4433.74, abs=0.01) and f["prev_record_year"] == 2022
    assert f["peak_year"] == 2007 and f["peak_pct_gdp"] == pytest.approx(9.94, abs=0.01)
    assert "released 2026-03-27" in f["vintage"] and f["gdp_secondary"]
    p = ledger.prose_figures(led)
    assert p["ca_2024"] == 4239.0 and p["ca_2024_pct"] == pytest.approx(2.26, abs=0.01) and p["ca_2026q1"] == 1843.0


def test_c8_transfers_against_each_balance(led):
    n = _row(led, "C8", "net_outflow")
    assert n["verdict"] == PARTLY
    assert n["figures"]["per_year"][0]["rank_corr"] == pytest.approx(-0.7645, abs=1e-4)
    assert _row(led, "C8", "foreign_io")["figures"]["per_year"][0]["rank_corr"] == pytest.approx(-0.2508, abs=1e-4)
    assert _row(led, "C8", "foreign_io")["verdict"] == CONTRADICTED
    c = _row(led, "C8", "customs_goods")
    assert c["verdict"] == CONTRADICTED and c["years"] == [2014, 2015, 2016]
    qh = next(r for r in n["figures"]["named"] if r["province"] == "Qinghai")
    assert qh["pct_grp"] == pytest.approx(44.56, abs=0.01) and qh["pct"] == pytest.approx(-48.56, abs=0.01)


def test_transfers_named_provinces_and_qinghai_1994(led):
    t = fiscal_context.transfers_panel().set_index(["province", "year"])       # the one the ledger reads (C8)
    assert t.loc[("Qinghai", 2019), "measure"] == "mof_final"
    assert t.loc[("Qinghai", 2019), "pct_grp"] == pytest.approx(45.05, abs=0.01)
    assert t.loc[("Gansu", 2019), "per_head_yuan"] == pytest.approx(10697.6, abs=0.1)
    assert t.loc[("Sichuan", 2015), "measure"] == "provinces_final_accounts"    # kept as its own measure
    assert pd.isna(t.loc[("Sichuan", 2021), "per_head_yuan"])                   # no population after 2020
    # C8 leaves out the 2018 budget (a plan): customs years with transfers are 2014-2017 and 2019-2021
    assert 2018 not in ledger._transfers(["provinces_final_accounts", "mof_outturn", "mof_final"])["year"].values
    p = ledger.prose_figures(led)
    assert {k: p[f"qh_{k}"] for k in ("local_revenue_1993", "local_revenue_1994", "to_centre_1994", "subsidies_1993",
                                      "subsidies_1994")} == {"local_revenue_1993": 113682.0, "local_revenue_1994": 70074.0,
                                                              "to_centre_1994": 81825.0, "subsidies_1993": 101643.0,
                                                              "subsidies_1994": 171906.0}


def test_c9_central_thesis_preconditions(led):
    c = _row(led, "C9", "customs_goods")
    assert c["verdict"] == PARTLY and "not testable" in c["detail"]
    y = _per_year(led, "C9", "customs_goods")[2021]
    assert y["rest"] == -6439136.0 and y["rest_lowest"] == "Beijing"
    assert y["coastal_share"] == pytest.approx(1.0952, abs=1e-4)
    n = _row(led, "C9", "net_outflow")
    assert n["verdict"] == CONTRADICTED                 # the coast runs no domestic surplus in the IO tables
    assert _per_year(led, "C9", "net_outflow")[2017]["coast_domestic"] == pytest.approx(-29457.4, abs=0.1)
    assert _row(led, "C9", "foreign_io")["verdict"] == PARTLY


# ------------------------------------------------------------------ sensitivity tables from claims.yml

def test_sensitivity_grid_is_the_product_of_claims_yml_values():
    for c in ledger.load_claims():
        s = ledger.sensitivity(c["id"])
        n = 1
        for v in c["sensitivity"].values():
            n *= len(v)
        assert len(s) == n and s["baseline"].sum() == 1, c["id"]
        assert set(s.columns) == set(c["sensitivity"]) | {balances.name(b) for b in c["balances"]} | {"baseline"}
    s7 = ledger.sensitivity("C7")
    assert s7.loc[s7["baseline"], "current account"].item() == CONTRADICTED
    assert sorted(set(s7.loc[s7["current account"] == SUPPORTED, "as_of"])) == [2023, 2024]
    s6 = ledger.sensitivity("C6").set_index("since")["current account"]
    assert (s6[1994], s6[1998]) == (PARTLY, SUPPORTED)


def test_changing_claims_yml_changes_the_sensitivity_table(tmp_path):
    p = _copy(tmp_path, lambda d: _claim(d, "C4").update(sensitivity={"min_share": [0.3, 0.9]}))
    s = ledger.sensitivity("C4", claims_path=p).set_index("min_share")["customs goods balance"]
    assert list(s.index) == [0.3, 0.9] and (s[0.3], s[0.9]) == (SUPPORTED, CONTRADICTED)
    # a definition moved in claims.yml moves the baseline row (and the ledger's verdict) with it
    p = _copy(tmp_path, lambda d: d["definitions"].update(materiality_pct=3.0))
    s2 = ledger.sensitivity("C2", claims_path=p)
    base = s2[s2["baseline"]].iloc[0]
    assert (base["materiality_pct"], base["net outflow of goods and services"]) == (3.0, CONTRADICTED)
    assert _row(ledger.evaluate(claims_path=p, only=["C2"]), "C2", "net_outflow")["verdict"] == CONTRADICTED


# ------------------------------------------------------------------ balances never mixed

def test_no_evidence_row_mixes_two_balances(led):
    others = {s for b in balances.OTHER_MEASURES.values() for s in b.series}
    for _, r in led.iterrows():
        assert r["balance"] in balances.BASES, r["claim"]
        own = set(balances.BASES[r["balance"]].series)
        for s in r["series"]:
            assert s in own | set(balances.NEUTRAL_SERIES) | others, (r["claim"], r["balance"], s)
            foreign = balances.owners(s) & set(balances.BALANCES)
            assert not foreign or r["balance"] in foreign, (r["claim"], r["balance"], s)
    for b, series in ledger.PANEL_SERIES.items():
        assert set(series) <= set(balances.BALANCES[b].series) | set(balances.NEUTRAL_SERIES), b
    assert not set(balances.BALANCES["customs_goods"].series) & set(balances.BALANCES["foreign_io"].series)


def test_no_chart_names_two_balances(led):
    names = [b.name for b in balances.BALANCES.values()]
    for c in [f"C{i}" for i in range(1, 10)]:
        spec = json.dumps(ledger.chart(c, led).to_dict(), ensure_ascii=False).lower()
        assert sum(n in spec for n in names) <= 1, c


# ------------------------------------------------------------------ materiality floor, the rest

def test_materiality_floor_keeps_a_small_surplus_from_deciding(monkeypatch):
    """8 coastal provinces in surplus and Sichuan at +0.9 % of GRP: with a 1 % floor 'seven or eight
    coastal provinces' holds; with a 0.5 % floor Sichuan counts and it fails."""
    coast8 = ["440000", "320000", "330000", "310000", "350000", "370000", "120000", "210000"]
    rows = [(c, 5.0) for c in coast8] + [("510000", 0.9)]
    rows += [(c, -3.0) for c in provinces.CODES if c not in coast8 and c != "510000"]
    panel = pd.DataFrame({"geo_code": [c for c, _ in rows], "year": 2010, "pct": [v for _, v in rows],
                          "level": [v for _, v in rows], "compilation": "test"})
    monkeypatch.setattr(ledger, "balance_panel", lambda *a, **k: panel)
    base = {"coastal_set": "sea_coast_11", "max_surplus_provinces": 8, "min_coastal_share": 0.9,
            "min_coverage": 0.5, "years": [2010, 2010]}
    hi = ledger._c1(ledger.Params({**base, "materiality_pct": 1.0}, "test"), "customs_goods", None)
    lo = ledger._c1(ledger.Params({**base, "materiality_pct": 0.5}, "test"), "customs_goods", None)
    assert hi.figures["per_year"][0]["material_surplus"] == 8 and hi.verdict == SUPPORTED
    assert lo.figures["per_year"][0]["outside_coast"] == ["Sichuan"] and "seven or eight coastal provinces': contradicted" in lo.detail


def test_the_rest_is_the_complement_of_the_coastal_set():
    for name in provinces.COASTAL_SETS:
        coast, rest = balances.coastal_set(name), balances.rest_of_country(name)
        assert coast == set(provinces.COASTAL_SETS[name])       # reused, not copied
        assert not coast & rest and coast | rest == set(provinces.CODES)
    assert len(balances.rest_of_country("sea_coast_11")) == 20
    assert "110000" in balances.rest_of_country("sea_coast_11")          # Beijing has no sea coast
    assert "110000" not in balances.rest_of_country("nbs_east_10")


def test_glance_has_one_row_per_claim_and_readable_badges(led):
    g = ledger.glance(led)
    assert list(g["claim"]) == [f"C{i}" for i in range(1, 10)]
    assert g.set_index("claim").loc["C3", "customs goods balance"] == ""          # not judged on it
    html = ledger.glance_html(led)
    for v, (sym, _, _) in ledger.BADGES.items():
        if v in set(led["verdict"]):
            assert f"{sym} {v}" in html                 # symbol + word: readable without colour
    assert html.count("<tr>") == 10
