"""Provincial national accounts (tools/build/accounts.py): expenditure-approach GRP, first-published GRP,
population and GFCF. Real values from the PROVENANCE spot checks, accounting identities, and the agreement of
the page texts, the CSV transcriptions and data/."""
from __future__ import annotations

import csv
import re
from collections import Counter

import pandas as pd
import pytest

from helpers import data, provinces
from tools.build import accounts
from tools.build.core import SourceFormatError

EXP = "provincial_grp_expenditure"
#: tables printed with 1 decimal (identity tolerance 0.1); all others print 2 decimals (tolerance 0.05)
ONE_DECIMAL = {"nbs_csy1999_t3_13", "mirror_mamogu_tianjin_grp_expenditure",
               "mirror_shiquanmuye_guangdong_grp_expenditure"}
EPS = 1e-6  # float noise on top of the printed-rounding tolerance


@pytest.fixture(scope="module")
def exp() -> pd.DataFrame:
    return data.load(EXP)


@pytest.fixture(scope="module")
def wide(exp) -> pd.DataFrame:
    return exp.pivot_table(index=["source_id", "vintage", "geo_code", "year"], columns="series",
                           values="value").reset_index()


@pytest.fixture(scope="module")
def excl() -> pd.DataFrame:
    return data.exclusions()


def one(df: pd.DataFrame, **kw) -> float:
    for k, v in kw.items():
        if k == "geo":
            df = df[df["geo_code"] == provinces.code_of(v, allow_national=True)]
        else:
            df = df[df[k] == v]
    assert len(df) == 1, f"{kw}: {len(df)} rows"
    return float(df["value"].iloc[0])


def failures(w: pd.DataFrame, lhs: str, rhs: list[str], tol_of) -> tuple[list[str], int]:
    cols = [lhs] + rhs
    if not set(cols) <= set(w.columns):
        return [], 0
    full = w.dropna(subset=cols)
    out = []
    for r in full.itertuples():
        d = getattr(r, lhs) - sum(getattr(r, c) for c in rhs)
        if abs(d) > tol_of(r.source_id) + EPS:
            out.append(f"{r.source_id} {provinces.lookup(r.geo_code).name_en} {r.year}: {lhs} - sum = {d:.3f}")
    return out, len(full)


# --------------------------------------------------------------------------------- identities

def test_grp_equals_c_plus_gcf_plus_net_outflow_every_complete_row(wide):
    tol = lambda sid: 0.1 if sid in ONE_DECIMAL else 0.05  # noqa: E731
    bad, n = failures(wide, "grp_expenditure",
                      ["final_consumption", "gross_capital_formation", "net_outflow_goods_services"], tol)
    assert not bad, "GRP != C + GCF + NX:\n" + "\n".join(bad)
    # 15 + 20 + 25 + 29 + 29 NBS rows (Yunnan 2008 excluded) + 8 mirror rows
    assert n == 126
    per_source = wide.dropna(subset=["grp_expenditure", "final_consumption", "gross_capital_formation",
                                     "net_outflow_goods_services"]).groupby("source_id").size()
    assert per_source.to_dict() == {
        "nbs_csy1999_t3_13": 15, "nbs_csy2000_t3_13": 20, "nbs_csy2007_t3_19": 25, "nbs_csy2008_t2_21": 29,
        "nbs_csy2009_t2_21": 29, "mirror_mamogu_tianjin_grp_expenditure": 4,
        "mirror_shiquanmuye_guangdong_grp_expenditure": 4}


def test_qinghai_grp_equals_c_gfcf_inventories_nx_exactly_2000_2019(wide):
    q = wide[wide["source_id"] == "qinghai_yb2020_t4_13"].set_index("year")
    assert list(q.index) == list(range(2000, 2020))
    d = q["grp_expenditure"] - q[["final_consumption", "gross_fixed_capital_formation", "change_in_inventories",
                                  "net_outflow_goods_services"]].sum(axis=1)
    assert (d.abs() < 0.005).all(), d[d.abs() >= 0.005]
    assert (q["net_outflow_goods_services"] < 0).all()  # deficit every year, -68.48 (2000) .. -1609.79 (2019)
    assert q.loc[2019, "net_outflow_goods_services"] == -1609.79


def test_consumption_and_capital_sub_identities(wide):
    tol2 = lambda sid: 0.1 if sid in ONE_DECIMAL else 0.015  # noqa: E731
    checks = [("final_consumption", ["household_consumption", "government_consumption"]),
              ("household_consumption", ["rural_household_consumption", "urban_household_consumption"]),
              ("gross_capital_formation", ["gross_fixed_capital_formation", "change_in_inventories"])]
    total = 0
    for lhs, rhs in checks:
        bad, n = failures(wide, lhs, rhs, tol2)
        assert not bad, f"{lhs} != {' + '.join(rhs)}:\n" + "\n".join(bad)
        total += n
    # C = HH + G: 11 + 12 + 22 + Hunan 26 + mirrors 8; HH = rural + urban: 11 + 12 + 22 + 21 + 8;
    # GCF = GFCF + inventories: JST 30 (Yunnan excluded) + 8
    assert total == 79 + 74 + 38


def test_hunan_consumption_is_household_plus_government(wide):
    h = wide[wide["source_id"] == "hunan_yb2009_t2_10"].dropna(subset=["household_consumption"]).set_index("year")
    assert list(h.index) == list(range(1978, 2004))  # 26 rows; 2004 household cut off by the page copy
    d = h["final_consumption"] - h["household_consumption"] - h["government_consumption"]
    assert (d.abs() < 0.005).all(), d[d.abs() >= 0.005]
    assert h.loc[1978, "grp_expenditure"] == 146.99
    # no rural/urban split in 1979 and 1981-1984 (blank in the source): missing rows, not zeros
    assert h["rural_household_consumption"].isna().sum() == 5


def test_printed_rates_recompute(wide):
    r = wide.dropna(subset=["final_consumption_rate_pct", "final_consumption", "grp_expenditure"])
    cr = (r["final_consumption"] / r["grp_expenditure"] * 100 - r["final_consumption_rate_pct"]).abs()
    assert len(r) > 140 and cr.max() < 0.05 + EPS, r.loc[cr.idxmax()]


# --------------------------------------------------------------------------------- spot checks

def test_tibet_2007_net_outflow_half_of_grp(exp):
    grp = one(exp, source_id="nbs_csy2008_t2_21", geo="Tibet", year=2007, series="grp_expenditure")
    nx = one(exp, source_id="nbs_csy2008_t2_21", geo="Tibet", year=2007, series="net_outflow_goods_services")
    assert (grp, nx) == (342.19, -171.39)
    assert nx / grp == pytest.approx(-0.50, abs=0.005)


def test_qinghai_2007_two_vintages_side_by_side(exp):
    q = exp[(exp["geo_code"] == "630000") & (exp["year"] == 2007) & (exp["series"] == "grp_expenditure")]
    got = dict(zip(q["source_id"], q["value"]))
    assert got == {"qinghai_yb2020_t4_13": 720.06, "nbs_csy2008_t2_21": 783.61}
    assert q["vintage"].nunique() == 2
    assert "4th economic census" in q[q["source_id"] == "qinghai_yb2020_t4_13"]["vintage"].iloc[0]


def test_share_series_have_labels():
    labels = {s["series"]: s["label"] for s in data.resource(EXP)["x_series"]}
    assert labels["household_consumption_share_pct"] == "Household consumption, % of final consumption"
    assert labels["grp_expenditure"] == "GRP by expenditure approach"


def test_qinghai_net_exports_mapped_to_net_outflow_and_said_so():
    info = [s for s in data.resource(EXP)["x_series"]
            if s["source_id"] == "qinghai_yb2020_t4_13" and s["series"] == "net_outflow_goods_services"]
    assert len(info) == 1 and "净出口" in info[0]["description"]


def test_yunnan_2008_absent_from_csy2009_and_excluded(exp, excl):
    y = exp[(exp["geo_code"] == "530000") & (exp["year"] == 2008)]
    assert y.empty, y
    e = excl[(excl["source_id"] == "nbs_csy2009_t2_21") & (excl["geo_code"] == "530000") & (excl["year"] == 2008)]
    assert set(e["series"]) == set(accounts.NBS_COLS)
    printed = dict(zip(e["series"], e["value_as_published"]))
    assert printed["grp_expenditure"] == "4741.31" and printed["net_outflow_goods_services"] == "-833.50"
    assert e["reason"].str.contains("repeats its 2007 row").all()
    # the 2007 row it repeats is kept under CSY 2008
    assert one(exp, source_id="nbs_csy2008_t2_21", geo="Yunnan", year=2007, series="grp_expenditure") == 4741.31
    # the JST translation of table 2-22 carries the same GCF: excluded too
    j = excl[(excl["source_id"] == "jst_csy2009_t2_22") & (excl["geo_code"] == "530000")]
    assert dict(zip(j["series"], j["value_as_published"]))["gross_capital_formation"] == "2666.73"


@pytest.mark.parametrize("sid,prov,year,series,fragment", [
    ("nbs_csy1999_t3_13", "Henan", 1998, "final_consumption", "2"),
    ("nbs_csy1999_t3_13", "Henan", 1998, "net_outflow_goods_services", ""),
    ("nbs_csy2007_t3_19", "Tibet", 2006, "net_outflow_goods_services", "-1"),
    ("nbs_csy2008_t2_21", "Ningxia", 2007, "gross_capital_formation", "654"),
    ("nbs_csy2008_t2_21", "Ningxia", 2007, "net_outflow_goods_services", ""),
    ("nbs_csy2009_t2_21", "Xinjiang", 2008, "net_outflow_goods_services", "-"),
    ("nbs_csy2000_t3_15", "Anhui", 1999, "rural_household_consumption_share_pct", "62"),
    ("nbs_csy2009_t2_23", "Chongqing", 2008, "government_consumption_share_pct", "2"),
    ("hunan_yb2009_t2_10", "Hunan", 2004, "household_consumption", "2"),
])
def test_cut_off_cells_are_exclusions_not_rows(exp, excl, sid, prov, year, series, fragment):
    geo = provinces.code_of(prov)
    present = exp[(exp["source_id"] == sid) & (exp["geo_code"] == geo) & (exp["year"] == year)
                  & (exp["series"] == series)]
    assert present.empty
    e = excl[(excl["source_id"] == sid) & (excl["geo_code"] == geo) & (excl["year"] == year)
             & (excl["series"] == series)]
    assert len(e) == 1
    assert e["value_as_published"].iloc[0] == ""
    assert e["reason"].iloc[0].startswith("cut off in the page copy")
    if fragment:
        assert f"'{fragment}'" in e["reason"].iloc[0]


def test_xinjiang_2008_net_outflow_not_derived(exp):
    x = exp[(exp["geo_code"] == "650000") & (exp["year"] == 2008)]
    assert set(x[x["source_id"] == "nbs_csy2009_t2_21"]["series"]) == {
        "grp_expenditure", "final_consumption", "gross_capital_formation"}
    assert "net_outflow_goods_services" not in set(x["series"])  # -315.81 would be derived, not printed


def test_mirrors_secondary_and_one_copy_only():
    src = data.sources().set_index("source_id")
    for sid in ("mirror_mamogu_tianjin_grp_expenditure", "mirror_shiquanmuye_guangdong_grp_expenditure"):
        assert bool(src.loc[sid, "secondary"]) and src.loc[sid, "trust"] == "LOW-MEDIUM"
        assert "SECONDARY_ndsfsj" in src.loc[sid, "notes"] and "NOT used" in src.loc[sid, "notes"]
    gd = data.series("grp_expenditure", geo="Guangdong")
    assert one(gd, year=2017) == 89705.2
    assert one(data.series("net_outflow_goods_services", geo="Tianjin"), year=2014) == -2551


# --------------------------------------------------------------------------------- first-published GRP

def test_first_published_grp_spot_checks_and_span():
    g = data.load("provincial_grp_first_published")
    assert one(g, geo="Guangdong", year=2009) == 39482.56
    assert one(g, geo="Tibet", year=2007) == 341.43
    assert g["year"].min() == 1978 and g["year"].max() == 2009
    assert len(g) == 31 * 32 and set(g["geo_code"]) == set(provinces.CODES)  # no national row


def test_first_published_grp_2010_on_excluded_per_cell(excl):
    e = excl[excl["source_id"] == "gcam_cnki_grp_first_published"]
    late = e[(e["year"] >= 2010) & (e["geo_code"] != "000000")]
    assert len(late) == 31 * 10
    gd = late[(late["geo_code"] == "440000") & (late["year"] == 2010)]
    assert gd["value_as_published"].iloc[0] == "57,470.17" and "not NBS GRP" in gd["reason"].iloc[0]
    nat = e[e["geo_code"] == "000000"]
    assert len(nat) == 45 and (nat["reason"].str.contains("revised vintages")).all()


# --------------------------------------------------------------------------------- population

def test_population_sources_and_values():
    p = data.load("provincial_population")
    comp = p[p["source_id"] == "nbs_compendium60_population"]
    assert comp["year"].min() == 1975 and comp["year"].max() == 2008 and len(comp) == 32 * 34
    assert one(comp, geo="Beijing", year=2008) == 1695
    assert one(comp, geo="000000", year=2008) == 132802
    # the 2005 registered -> resident break (Sichuan) is in the data as published, and described
    assert one(comp, geo="Sichuan", year=2004) == 8595.3 and one(comp, geo="Sichuan", year=2005) == 8212
    hn = p[p["source_id"] == "hunan_yb2009_t18_3"]
    assert len(hn) == 27 and one(hn, geo="Tianjin", year=2008) == 1176 and one(hn, geo="Shanghai", year=2008) == 1888
    assert one(hn, geo="000000", year=2008) == one(comp, geo="000000", year=2008)
    sec = p[p["source_id"] == "chinaorgcn_population_2000_2006"]
    assert one(sec, geo="Guangdong", year=2000) == 7707
    assert bool(data.sources().set_index("source_id").loc["chinaorgcn_population_2000_2006", "secondary"])
    desc = {s["source_id"]: s["description"] for s in data.resource("provincial_population")["x_series"]}
    assert "Chongqing" in desc["nbs_compendium60_population"] and "2005" in desc["nbs_compendium60_population"]


def test_compendium_provinces_sum_below_national_by_the_published_difference():
    # the GCAM authors' own Difference row: 2008 = 743.51 (national total includes the armed forces)
    comp = data.series("population_year_end", source_id="nbs_compendium60_population")
    y = comp[comp["year"] == 2008]
    nat = y[y["geo_code"] == "000000"]["value"].iloc[0]
    assert nat - y[y["geo_code"] != "000000"]["value"].sum() == pytest.approx(743.51, abs=0.01)


# --------------------------------------------------------------------------------- GFCF

def test_gfcf_spot_checks():
    g = data.load("provincial_gfcf")
    wind = g[g["source_id"] == "wind_gfcf_by_province"]
    assert one(wind, geo="Jiangsu", year=2016) == 32254.56
    assert set(wind[wind["year"] == 2018]["geo_code"]) == {"110000", "360000", "430000"}
    assert wind[wind["geo_code"] == "320000"]["year"].min() == 1993
    hist = g[g["source_id"] == "capitalstock_gfcf_1952_1995"]
    assert one(hist, geo="Beijing", year=1952, series="gross_fixed_capital_formation") == 0.79
    idx = hist[(hist["series"] == "gfcf_index_1952_100") & (hist["year"] == 1952)]
    assert (idx["value"] == 100).all() and len(idx) >= 25
    assert one(hist, geo="Xinjiang", year=1995, series="gfcf_index_1952_100") == 6584.3
    assert "500000" not in set(hist["geo_code"])  # no Chongqing before 1996
    assert set(hist[hist["series"] == "gfcf_index_1952_100"]["unit"]) == {"指数"}
    # Wind and the mirror agree on Tianjin 2017 GFCF to the mirror's 1 decimal
    tj = data.series("gross_fixed_capital_formation", geo="Tianjin")
    assert one(tj, year=2017, source_id="wind_gfcf_by_province") == pytest.approx(
        one(tj, year=2017, source_id="mirror_mamogu_tianjin_grp_expenditure"), abs=0.05)


# --------------------------------------------------------------------------------- page text vs CSV vs data/

NUM = re.compile(r"^-?\d+(?:\.\d+)?$")

NBS_PAGES = {
    "nbs_csy1999_t3_13": ("NBS-by-region_gdp-expenditure_CSY1999-data1998", "YB1999e_c13e_GDP_expenditure_by_region_1998"),
    "nbs_csy2000_t3_13": ("NBS-by-region_gdp-expenditure_CSY2000-data1999", "YB2000e_C13E_GDP_expenditure_by_region_1999"),
    "nbs_csy2007_t3_19": ("NBS-by-region_gdp-expenditure_CSY2007-data2006", "YB2007_C0319C_GRP_expenditure_2006"),
    "nbs_csy2008_t2_21": ("NBS-by-region_gdp-expenditure_CSY2008-data2007", "YB2008_2-21_GRP_expenditure_2007"),
    "nbs_csy2009_t2_21": ("NBS-by-region_gdp-expenditure_CSY2009-data2008", "YB2009_C0221e_GRP_expenditure_2008"),
}
COMPOSITION_PAGES = {
    "nbs_csy1999_t3_15": "CSY1999e_3-15_final-consumption-composition_1998",
    "nbs_csy2000_t3_15": "CSY2000e_3-15_final-consumption-composition_1999",
    "nbs_csy2009_t2_23": "NBS-CSY2009_2-23_final-consumption-composition_2008",
}


def page_rows(path) -> list[tuple[str, list[str]]]:
    """(province code, printed tokens) in page order, from the page text after its address line."""
    tokens = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        tokens += [t for t in re.split(r"[\s|]+", line) if t]
    out, words = [], []
    for t in tokens:
        if NUM.match(t) or t == "-":
            if words:
                code = None
                for k in (3, 2, 1):  # the province name is the last 1-3 words before its numbers
                    for joiner in (" ", ""):
                        try:
                            code = provinces.code_of(joiner.join(words[-k:]))
                            break
                        except KeyError:
                            continue
                    if code:
                        break
                words = []
                if code:
                    out.append((code, []))
            if out:
                out[-1][1].append(t)
        else:
            words.append(t)
    return out


def csv_rows(path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(provinces.code_of(r["province"]), []).append(r["value"])
    return out


@pytest.mark.parametrize("sid", list(NBS_PAGES) + list(COMPOSITION_PAGES))
def test_page_text_csv_and_data_agree(shared_sources, exp, excl, sid):
    if sid in NBS_PAGES:
        stem, pages_name = NBS_PAGES[sid]
        txt = shared_sources / "provincial_yearbooks" / f"{stem}.txt"
        csvp = shared_sources / "provincial_yearbooks" / f"{stem}.csv"
        # the gdp/pages__stats.gov.cn copy is the same page text
        other = shared_sources / "gdp" / "pages__stats.gov.cn" / f"{pages_name}_excerpt.txt"
        assert txt.read_text(encoding="utf-8") == other.read_text(encoding="utf-8")
    else:
        stem = COMPOSITION_PAGES[sid]
        txt = shared_sources / "yearbook_pages" / f"{stem}.txt"
        csvp = shared_sources / "yearbook_pages" / f"{stem}.csv"
    page = page_rows(txt)
    table = csv_rows(csvp)
    assert [c for c, _ in page] == list(table), "provinces differ between page text and CSV"
    for i, (code, printed) in enumerate(page):
        want = table[code]
        if i < len(page) - 1:
            assert [float(x) for x in printed] == [float(x) for x in want], provinces.lookup(code).name_en
        else:  # the last row may end in a partial number the CSV drops
            assert [float(x) for x in printed[:len(want)]] == [float(x) for x in want]
            assert len(printed) - len(want) in (0, 1)
    # every CSV cell is in data/ with the same value, or in exclusions with the printed value
    df = accounts.read_page_csv(csvp)
    got = exp[exp["source_id"] == sid].set_index(["geo_code", "year", "series"])["value"]
    ex = excl[excl["source_id"] == sid].set_index(["geo_code", "year", "series"])["value_as_published"]
    for r in df.itertuples():
        key = (r.geo_code, r.year, r.series)
        if key in got.index:
            assert got[key] == r.value, key
        else:
            assert float(ex[key]) == r.value, key
    assert len(got) + (ex != "").sum() == len(df)


TOKEN_PAGES = [  # (folder, stem, printed numbers the CSV leaves out: year labels, partial numbers)
    ("provincial_yearbooks", "qinghai_gdp-expenditure_YB2020", {str(y) for y in range(2000, 2020)}),
    ("provincial_yearbooks", "hunan_gdp-expenditure-consumption_YB2009", {str(y) for y in range(1978, 2005)} | {"2"}),
    ("provincial_yearbooks", "tianjin_gdp-expenditure_NBS-mirror-mamogu_2014-2017", set()),
    ("provincial_yearbooks", "guangdong_gdp-expenditure_NBS-mirror-shiquanmuye_2014-2017", set()),
    ("yearbook_pages", "JST-CSY2009_2-22_GCF-composition_2008", set()),
    ("yearbook_pages", "HunanYB2009_18-3_population-by-province_2008", {"160", "000"}),  # "(10 000 persons)"
    ("yearbook_pages", "SECONDARY_chinaorgcn-ja_population-by-region_2000-2006", {"260"}),
]


@pytest.mark.parametrize("folder,stem,extra", TOKEN_PAGES, ids=[t[1] for t in TOKEN_PAGES])
def test_other_page_texts_hold_exactly_the_csv_numbers(shared_sources, folder, stem, extra):
    txt = (shared_sources / folder / f"{stem}.txt").read_text(encoding="utf-8").splitlines()[1:]
    printed = Counter(t for line in txt for t in re.split(r"[\s|]+", line) if NUM.match(t))
    with open(shared_sources / folder / f"{stem}.csv", encoding="utf-8-sig") as fh:
        values = Counter(r["value"] for r in csv.DictReader(fh))
    assert not values - printed, f"CSV numbers not on the page: {values - printed}"
    left = printed - values
    assert set(left) <= extra, f"page numbers missing from the CSV: {set(left) - extra}"


def test_secondary_ndsfsj_copies_duplicate_the_mirror_tables(shared_sources):
    for prov, stem in [("Tianjin", "tianjin_gdp-expenditure_NBS-mirror-mamogu_2014-2017"),
                       ("Guangdong", "guangdong_gdp-expenditure_NBS-mirror-shiquanmuye_2014-2017")]:
        a = accounts.read_page_csv(shared_sources / "provincial_yearbooks" / f"{stem}.csv")
        b_path = shared_sources / "yearbook_pages" / f"SECONDARY_ndsfsj-mirror_{prov}_GRP-expenditure_2014-2017.csv"
        with open(b_path, encoding="utf-8-sig") as fh:
            b = {(r["year"], r["series"].replace("_rate", "_rate_pct") if r["series"].endswith("_rate")
                  else r["series"]): float(r["value"]) for r in csv.DictReader(fh)}
        b = {(int(y), accounts.SERIES_MAP[s]): v for (y, s), v in b.items()}
        assert {(r.year, r.series): r.value for r in a.itertuples()} == b


# --------------------------------------------------------------------------------- errors

def test_bad_cell_names_file_line_and_province(tmp_path, shared_sources):
    src = shared_sources / "provincial_yearbooks" / "qinghai_gdp-expenditure_YB2020.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("156.97", "15O.97")
    bad = tmp_path / "qinghai.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"qinghai\.csv: line 4 \(Qinghai, gross_fixed_capital_formation\)"):
        accounts.read_page_csv(bad)


def test_cut_cell_present_in_csv_is_an_error(tmp_path, shared_sources):
    """If a CSV ever holds a cell PROVENANCE says is cut off, the build stops instead of guessing."""
    rel = "provincial_yearbooks/NBS-by-region_gdp-expenditure_CSY2009-data2008.csv"
    (tmp_path / "provincial_yearbooks").mkdir()
    text = (shared_sources / rel).read_text(encoding="utf-8")
    url = "http://www.stats.gov.cn/tjsj/ndsj/2009/html/C0221e.htm"
    text += f"Xinjiang,2008,net_outflow_goods_services,-315.81,100 million yuan (亿元),{url}\n"
    (tmp_path / rel).write_text(text, encoding="utf-8")
    spec = next(s for s in accounts.expenditure_specs() if s.source.id == "nbs_csy2009_t2_21")
    with pytest.raises(SourceFormatError, match="Xinjiang 2008 net_outflow_goods_services is present"):
        accounts._page_table(tmp_path, spec, {}, [])
