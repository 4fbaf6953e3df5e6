"""The committed province geometry (data/geo, made by tools/maps.py) and the choropleth."""
from __future__ import annotations

import json

import pytest
import vl_convert

from helpers import charts, data, paths, provinces
from helpers.manifest import sha256_file
from tools import maps

GEO = paths.DATA / "geo" / "china_provinces.geojson"


@pytest.fixture(scope="module")
def fc():
    return json.loads(GEO.read_text(encoding="utf-8"))


def _bbox(f):
    pts = [p for poly in f["geometry"]["coordinates"] for ring in poly for p in ring]
    return min(p[0] for p in pts), max(p[0] for p in pts), min(p[1] for p in pts), max(p[1] for p in pts)


def test_31_provinces_and_three_grey_territories(fc):
    props = [f["properties"] for f in fc["features"]]
    in_data = {p["geo_code"]: p["name"] for p in props if p["in_data"]}
    assert in_data == {p.code: p.name_en for p in provinces.PROVINCES}
    assert {p["geo_code"]: p["name"] for p in props if not p["in_data"]} == {
        "710000": "Taiwan", "810000": "Hong Kong", "820000": "Macao"}
    assert len(props) == 34


def test_bounding_boxes_are_plausible(fc):
    """Decoded from echarts 4.9.0 (see ../shared/sources/maps/CANDIDATES.md: Beijing 115.43-117.51 E,
    39.44-41.06 N; Xinjiang 73.5-96.4 E; Hainan 18.1-20.2 N); simplification moves them < 0.05 deg."""
    by = {f["properties"]["geo_code"]: _bbox(f) for f in fc["features"]}
    assert by["110000"] == pytest.approx((115.43, 117.51, 39.44, 41.06), abs=0.05)
    assert by["650000"][:2] == pytest.approx((73.5, 96.4), abs=0.05)
    assert by["460000"][2:] == pytest.approx((18.1, 20.2), abs=0.06)
    for code, (x0, x1, y0, y1) in by.items():
        assert 73 <= x0 < x1 <= 135.1 and 3 <= y0 < y1 <= 53.6, code


def test_rings_closed_and_wound_for_d3(fc):
    for f in fc["features"]:
        for poly in f["geometry"]["coordinates"]:
            assert all(r[0] == r[-1] and len(r) >= 4 for r in poly)
            assert maps.area(poly[0][:-1]) < 0, f"{f['properties']['name']}: exterior ring not clockwise"


def test_geometry_in_the_manifest_with_sha256_and_licence():
    r = data.resource("china_provinces_geometry")
    assert r["path"] == "geo/china_provinces.geojson"
    assert r["hash"] == "sha256:" + sha256_file(GEO) and r["bytes"] == GEO.stat().st_size
    assert r["licenses"][0]["name"] == "Apache-2.0"
    assert "echarts@4.9.0" in r["x_provenance"]["package"]
    assert r["x_provenance"]["file_sha256"] == maps.UPSTREAM_SHA256
    assert 50_000 < GEO.stat().st_size < 300_000


def test_decoder_on_a_known_ring():
    # '@@' decodes to a zero step: the first point is the offset itself
    assert maps.decode_ring("@@", [116 * 1024, 40 * 1024]) == [[116.0, 40.0]]
    # 'B' = 66 -> d = 2 -> zigzag 1;  'A' = 65 -> d = 1 -> zigzag -1
    assert maps.decode_ring("@@BA", [0, 0]) == [[0.0, 0.0], [1 / 1024, -1 / 1024]]


def test_rdp_keeps_corners_and_drops_collinear_points():
    line = [[0, 0], [1, 0.001], [2, 0], [2, 2]]
    assert maps.rdp(line, 0.01) == [[0, 0], [2, 0], [2, 2]]


def test_choropleth_renders_offline_with_greys_and_caveat():
    grp = data.load("provincial_grp_latest")
    y = int(grp["year"].max())
    d = grp[(grp["year"] == y) & (grp["geo_code"] != "540000")]
    chart = charts.choropleth(d, "value", title=f"GRP {y}", source="nbs_fsnd_grp_2025", alt="map of GRP",
                              unit="亿元", diverging=False)
    spec = charts.with_geometry(chart.to_dict())   # as the renderer does: the shapes ride along inline
    assert len(spec["datasets"][charts.GEOMETRY_DATASET]) == 34
    assert charts.with_geometry({"mark": "bar"}) == {"mark": "bar"}      # other charts carry no shapes
    assert spec["projection"]["type"] == "conicEqualArea"
    text = json.dumps(spec, ensure_ascii=False)
    assert "not an endorsement" in text and "Taiwan, Hong Kong, Macao" in text
    assert "\"url\"" not in text  # geometry inlined, nothing fetched
    base = spec["datasets"][spec["layer"][0]["data"]["name"]]
    status = {b["name_en"]: b["status"] for b in base}
    assert status["Taiwan"] == charts.NOT_IN_DATA_LABEL and status["Tibet"] == "no data"
    vals = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert len(vals) == 30 and "Tibet" not in {v["name_en"] for v in vals}
    tips = {t.get("title", t.get("field")) for t in spec["layer"][1]["encoding"]["tooltip"]}
    assert {"name_en", "value (亿元)", "source", "vintage"} <= tips
    svg = vl_convert.vegalite_to_svg(charts.print_spec(spec), vl_version=charts.VL_VERSION)
    assert svg.count("<path") > 30 and "not an endorsement" in svg.replace("\n", " ")


def test_choropleth_year_slider():
    grp = data.load("provincial_grp_latest")
    d = grp[grp["year"].between(2020, 2022)]
    spec = charts.with_geometry(
        charts.choropleth(d, "value", title="GRP", source="s", alt="a", unit="亿元", year="year").to_dict())
    p = spec["params"][0]
    assert p["bind"]["input"] == "range" and (p["bind"]["min"], p["bind"]["max"]) == (2020, 2022)
    assert charts.static_svg(spec).startswith("<svg")
