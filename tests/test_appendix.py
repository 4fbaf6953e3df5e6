"""The data appendix tables (helpers.appendix) against data/ and its manifest."""
from book_fixtures import built_book, glued  # noqa: F401  (fixture)
import json
import re

import pytest

from helpers import appendix, data, paths


def test_every_resource_listed_with_real_row_counts():
    res = appendix.resources()
    m = data.manifest()
    assert list(res["table"]) == [r["name"] for r in m["resources"]]
    assert res["exists"].all()
    for _, r in res.iterrows():
        if r["table"] == "exclusions":
            assert r["rows"] == len(data.exclusions())
        elif r["file"].endswith(".geojson"):
            assert r["rows"] == 34  # 31 provinces + Taiwan, Hong Kong, Macao
        else:
            assert r["rows"] == len(data.load(r["table"]))
    # a row count read from the file itself (lines minus header), not through helpers.data
    tt = res.set_index("table").loc["provincial_trade_totals"]
    lines = (paths.DATA / "provincial_trade_totals.csv").read_text(encoding="utf-8").splitlines()
    assert tt["rows"] == len(lines) - 1 == 2 * 31 * 9       # two allocations x 31 provinces x 2016-2024
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in res["sha256"])


def test_series_table_matches_data():
    st = appendix.series_table()
    cat = data.series_catalogue()
    assert len(st) == len(cat)
    assert set(zip(st["series"], st["source_id"], st["vintage"])) == set(zip(cat["series"], cat["source_id"], cat["vintage"]))
    loc = st[(st["series"] == "trade_total_by_location")].iloc[0]
    assert (loc["unit"], loc["years"], loc["provinces"], loc["values"], loc["frequency"]) == ("千美元", "2016-2024", "31", 279, "annual")
    ca = st[(st["series"] == "bop_current_account")].iloc[0]
    assert ca["provinces"] == "national" and ca["frequency"] == "annual + quarterly"
    # values add up to the tables' row counts
    per_table = st.groupby("table")["values"].sum()
    for t, n in per_table.items():
        assert n == len(data.load(t)), t


def test_sources_table_flags_secondary():
    s = appendix.sources_table()
    assert set(s["source_id"]) == {x["name"] for x in data.manifest()["sources"]}
    flagged = set(s.loc[s["secondary"], "source_id"])
    assert "fyg_fx_derived" in flagged and "news_beijing_trade_2020" in flagged
    assert "safe_bop_bpm6" not in flagged and "nbs_fsnd_A060101" not in flagged
    # official first: once a secondary source appears, no official one follows
    sec = list(s["secondary"])
    assert sec == sorted(sec)
    assert {"publisher", "address", "vintage", "trust", "licence_note"} <= set(s.columns)


def test_exclusions_summary_counts_every_cell():
    ex = appendix.exclusions_table()
    summ = appendix.exclusions_summary()
    assert summ["cells"].sum() == len(ex)
    fx = summ[summ["series"] == "fx_cny_per_usd_derived"].iloc[0]
    assert fx["provinces"] == "China" and fx["years"] == "1981-2014"


def test_source_years_provincial_vs_national():
    sp = appendix.source_spans().set_index(["source_id", "level"])
    a = sp.loc[("nbs_fsnd_A060101", "provincial")]
    assert (a["first"], a["last"], a["n_years"], a["max_geo"]) == (2016, 2024, 9, 31)
    assert ("nbs_fsnd_A060101", "national") not in sp.index
    assert sp.loc[("safe_bop_bpm6", "national"), "first"] == 1950
    assert bool(sp.loc[("fyg_fx_derived", "national"), "secondary"])


def test_download_markdown_lists_every_file_in_data():
    md = appendix.downloads_markdown()
    targets = re.findall(r"\{download\}`[^<`]+<\.\./data/([^>]+)>`", md)
    assert sorted(targets) == appendix.data_files()
    assert "datapackage.json" in targets
    on_disk = sorted(p.relative_to(paths.DATA).as_posix() for p in paths.DATA.rglob("*")
                     if p.is_file() and not p.name.startswith("."))
    assert sorted(targets) == on_disk


def test_download_markdown_follows_a_new_table(tmp_path):
    """A table added to data/ (as `helpers.data add` does) shows up in the links."""
    m = data.manifest()
    res = next(r for r in m["resources"] if r["name"] == "national_gacc")
    src = (paths.DATA / res["path"]).read_bytes()
    new = {**res, "name": "reader_extra", "path": "reader_extra.csv", "title": "A reader's export"}
    (tmp_path / "reader_extra.csv").write_bytes(src)
    (tmp_path / "datapackage.json").write_text(json.dumps({**m, "resources": [new]}), encoding="utf-8")
    md = appendix.downloads_markdown(data_dir=tmp_path)
    assert "{download}`reader_extra.csv <../data/reader_extra.csv>`: A reader's export, 2 rows" in md
    assert appendix.data_files(tmp_path) == ["datapackage.json", "reader_extra.csv"]


def test_manifest_excerpt_is_valid_json():
    ex = json.loads(appendix.manifest_excerpt("provincial_trade_totals"))
    assert ex["hash"].startswith("sha256:") and ex["x_series"][0]["unit"] == "千美元"


def test_appendix_page_lists_every_file_in_data(built_book):
    """The appendix page, as the build ran it, links every file now in data/."""
    g = glued(built_book, "data_appendix")
    targets = re.findall(r"\{download\}`[^<`]+<\.\./data/([^>]+)>`", g["downloads"])
    assert sorted(targets) == appendix.data_files()
    assert int(g["pkg_n_series"]) == len(data.series_catalogue())


def test_data_sources_page_numbers_match_data(built_book):
    from helpers import units
    g = glued(built_book, "02_data_sources")
    assert float(g["conv_result"]) == pytest.approx(units.to_cny_100m(955_298_007, "千美元", 2016))
    assert float(g["conv_rate"]) == pytest.approx(units.rate(2016))
    assert float(g["gd_loc_bn"]) == pytest.approx(955.298007)
    assert float(g["nat_loc_bn"]) == pytest.approx(float(g["nat_ds_bn"]))
    assert float(g["ca2018q1"]) < 0 < float(g["ca2018"])
    assert "fyg" not in g["conv_source"]


# ---------------------------------------------------------------------------- the 2026 tables
def test_tables_overview_counts_series_and_vintages():
    t = appendix.tables_overview()
    assert list(t.index) == list(appendix.NEW_TABLES)
    tr = t.loc["provincial_transfers"]
    assert (tr["years"], tr["units"], tr["provinces"]) == ("2017-2024", "亿元", 31)
    assert t.loc["provincial_trade_annual_secondary", "series (official + secondary)"] == "0 + 3"
    assert t.loc["provincial_grp_nbs2018", "years"] == "1993-2017"
    assert t.loc["national_bop_releases", "provinces"] == "national"


def test_customs_checks_show_flagged_years_and_official_comparison():
    from helpers import customs
    flagged, official, f = appendix.customs_checks()
    nc = customs.national_check()
    assert list(flagged.index) == nc.loc[nc["flagged"], "year"].tolist()
    assert 2022 in flagged.index and 2010 not in flagged.index     # 2022: only a few provinces in the panel
    assert flagged.loc[2022, "provinces with exports"] < 31
    assert f["official_within"] + f["official_outside"] + f["official_missing"] == f["official_n"] == official.values.sum()
    assert list(official.index) == [2016, 2017, 2018, 2019, 2020, 2021]
    assert f["check_first"] == 1993 and f["check_tol_pct"] == 1.0


def test_coverage_overview_by_topic():
    from helpers import coverage
    rows = coverage.topic_year_counts()
    assert set(rows["table"]) == set(data.tables())
    assert rows["label"].str.len().max() <= 60          # every row label readable in full
    tr = rows[(rows["table"] == "provincial_transfers")]
    assert tr["year"].min() == 2017 and tr["present"].max() == 31
    sec = rows[rows["table"] == "provincial_trade_annual_secondary"]
    assert set(sec["kind"]) == {"secondary"}
    dec = coverage.decade_table()
    assert dec.loc["Customs trade by province", "2010s"].endswith("secondary")
    assert dec.loc["Customs trade by province", "1980s"] == ""


def test_national_spans_are_the_true_first_years():
    """Chapter 1 used to say national figures start in 1949: each first year comes from data/."""
    from helpers import coverage
    s = coverage.national_spans()
    assert s["bop_ca_first"] == 1950 and s["bop_ca_q_first"] == 1998
    assert s["nbs_gdp_first"] == 1952 and s["nbs_customs_first"] == 1978 and s["wdi_ca_first"] == 1982
    assert s["bop_ca_last_period"] == "2026Q1"
