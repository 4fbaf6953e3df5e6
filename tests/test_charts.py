"""The chart layer: theme and palettes, the offline renderer, alt text, determinism, SVG."""
from __future__ import annotations

import base64
import re

import altair as alt
import pandas as pd
import pytest

from helpers import charts, data, provinces


@pytest.fixture(autouse=True)
def book_build(monkeypatch):
    """These tests look at the built book's output: the static SVG copy is drawn."""
    monkeypatch.setenv(charts.STATIC_ENV, "1")


def _bundle(chart) -> dict:
    b = chart._repr_mimebundle_()
    return b[0] if isinstance(b, tuple) else b


@pytest.fixture(scope="module")
def line():
    df = pd.DataFrame({"year": [2016, 2017, 2018], "balance": [1.5, -2.0, 3.25]})
    return charts.line_chart(df, "year", "balance", title="A balance", source="test table",
                             alt="Line of a balance, 2016-2018, dipping below zero in 2017.", y_unit="亿元")


def test_theme_and_renderer_are_enabled():
    assert alt.theme.active == "book"
    assert alt.renderers.active == "book"
    cfg = charts.theme_config()["config"]
    assert cfg["range"]["category"] == charts.OKABE_ITO
    assert cfg["range"]["heatmap"] == {"scheme": "viridis"}
    assert cfg["range"]["diverging"] == {"scheme": "blueorange"}
    assert "Noto Sans CJK SC" in cfg["font"]


def test_theme_reaches_the_spec(line):
    spec = line.to_dict()
    assert spec["config"]["range"]["category"][:2] == ["#0072B2", "#E69F00"]
    assert spec["config"]["title"]["anchor"] == "start"
    # finish(): title, subtitle with the source note, alt text, unit on the axis
    assert spec["title"]["text"] == "A balance"
    assert spec["title"]["subtitle"][0] == "Source: test table"
    assert spec["description"].startswith("Line of a balance")
    assert spec["encoding"]["y"]["title"] == "balance (亿元)"


def test_okabe_ito_is_the_published_palette():
    # Okabe & Ito (2008): the eight colours, no more, no fewer
    assert sorted(charts.OKABE_ITO) == sorted(["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                                               "#D55E00", "#CC79A7", "#000000"])


def test_renderer_output_is_offline_and_accessible(line):
    b = _bundle(line)
    assert set(b) >= {"text/html", "image/svg+xml"}
    h = b["text/html"]
    # no script from anywhere: no src at all on scripts, no CDN names
    assert not re.search(r"<script[^>]*\bsrc=", h)
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis", "vega.github.io/vega"):
        assert cdn not in h
    # the interactive div and the static image both carry the alt text
    alt_text = "Line of a balance, 2016-2018, dipping below zero in 2017."
    assert f'role="img" aria-label="{alt_text}"' in h
    assert f'<img class="book-chart-static" alt="{alt_text}"' in h
    assert "<noscript>" in h
    # the static image is the same SVG as the image/svg+xml output
    m = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', h)
    assert base64.b64decode(m.group(1)).decode("utf-8") == b["image/svg+xml"]
    assert b["image/svg+xml"].startswith("<svg") and "A balance" in b["image/svg+xml"]


def test_chart_id_is_deterministic(line):
    h1, h2 = _bundle(line)["text/html"], _bundle(line)["text/html"]
    assert h1 == h2
    cid = re.search(r'<figure class="book-chart" id="(chart-[0-9a-f]{16})"', h1).group(1)
    assert cid == charts.chart_id(line.to_dict())
    other = charts.line_chart(pd.DataFrame({"year": [2016, 2017], "balance": [1.0, 2.0]}), "year", "balance",
                              title="B", source="s", alt="another chart", y_unit="%")
    assert charts.chart_id(other.to_dict()) != cid


def test_chart_without_alt_text_is_refused():
    df = pd.DataFrame({"x": ["a"], "y": [1]})
    with pytest.raises(ValueError, match="alt text"):
        charts.finish(alt.Chart(df).mark_bar().encode(x="x", y="y"), "t", "s", "")
    with pytest.raises(ValueError, match="no alt text"):
        charts.renderer(alt.Chart(df).mark_bar().encode(x="x", y="y").to_dict())


def test_coverage_heatmap_labels_gaps():
    # a real series with a real gap made explicit: drop Tibet 2020 from the coverage grid
    cov = data.coverage("trade_total_by_location")
    cov = cov[cov["source_id"] == cov["source_id"].iloc[0]]
    cov.loc[(cov["geo_code"] == "540000") & (cov["year"] == 2020), "present"] = False
    spec = charts.coverage_heatmap(cov, title="t", source="s").to_dict()
    values = next(iter(spec["datasets"].values()))
    tibet = [v for v in values if v["name_en"] == "Tibet" and v["year"] == 2020]
    assert tibet == [{"name_en": "Tibet", "region": "West", "year": 2020, "status": "missing"}]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["present", "missing"]
    assert spec["encoding"]["color"]["scale"]["range"][1] == charts.MISSING_COLOR
    # provinces ordered by region, East first, Northeast last
    order = spec["encoding"]["y"]["sort"]
    assert order[0] == "Beijing" and order[-1] == "Heilongjiang" and len(order) == 31
    assert "1 missing" in spec["description"]


def test_province_year_heatmap_is_diverging_and_shows_gaps():
    df = pd.DataFrame({"geo_code": ["440000", "620000"], "year": [2017, 2017], "bal": [500.0, -300.0]})
    spec = charts.province_year_heatmap(df, "bal", title="t", source="s", alt="a", unit="亿元").to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale == {"domainMid": 0, "reverse": True, "scheme": "blueorange"}
    gaps = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert len(gaps) == 29 and {g["status"] for g in gaps} == {"missing"}


def test_tile_map_uses_the_province_grid_and_marks_missing():
    grp = data.load("provincial_grp_latest")
    y = int(grp["year"].max())
    d = grp[(grp["year"] == y) & (grp["geo_code"] != "540000")]
    spec = charts.tile_map(d, "value", title="GRP", source="NBS", alt="tile map", diverging=False).to_dict()
    texts = spec["datasets"][spec["layer"][2]["data"]["name"]]
    assert len(texts) == 31
    xz = [t for t in texts if t["label"].startswith("XZ")][0]
    assert xz["label"] == "XZ\u00a0–" and (xz["col"], xz["row"]) == (provinces.lookup("Tibet").col, provinces.lookup("Tibet").row)
    missing = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert [m["abbr"] for m in missing] == ["XZ"]
    svg = charts.static_svg(spec)
    assert ">GD<" in svg or "GD</text>" in svg


def test_bar_chart_diverging_colours_sign():
    df = pd.DataFrame({"p": ["Guangdong", "Gansu"], "v": [10.0, -4.0]})
    spec = charts.bar_chart(df, "p", "v", title="t", source="s", alt="bars", diverging=True,
                                y_unit="亿元").to_dict()
    vals = next(iter(spec["datasets"].values()))
    assert {v["p"]: v["sign"] for v in vals} == {"Guangdong": "surplus (+)", "Gansu": "deficit (−)"}
    assert spec["encoding"]["color"]["scale"]["range"] == [charts.OKABE_ITO[0], charts.OKABE_ITO[3]]


def test_bundle_is_self_contained():
    from tools import book
    path = book.ensure_bundle()
    text = path.read_text(encoding="utf-8")
    assert "window.vegaEmbed=" in text.replace(" ", "") and "bookCharts" in text
    assert not re.search(r"""(import\s*\(|from\s*["']https?:)""", text)
    assert charts.VL_VERSION in text.splitlines()[0]


def test_short_labels_cut_long_labels_and_stay_distinct():
    labs = ["grp · nbs_fsnd_grp_2025",
            "capital_formation_rate_pct · mirror_shiquanmuye_guangdong_grp_expenditure (+11 more)",
            "capital_formation_rate_pct · mirror_shiquanmuye_guangdong_grp_expenditure (+12 more)"]
    short = charts.short_labels(labs, width=40)
    assert short[labs[0]] == labs[0], "a short label is left as it is"
    assert short[labs[1]].endswith("…") and len(short[labs[1]]) <= 80
    assert len(set(short.values())) == 3, "two labels cut to the same text must stay apart"


def test_axis_labels_are_never_cut_by_pixel_width():
    """labelLimit 0 in the theme: the static renderer's letter-by-letter truncation was 40 % of the
    SVG drawing time; long labels are shortened by short_labels (full text in the tooltip)."""
    assert charts.theme_config()["config"]["axis"]["labelLimit"] == 0
    rows = pd.DataFrame({"label": ["x" * 90, "y"], "year": [2000, 2000], "present": [31, 0], "expected": [31, 31]})
    spec = charts.coverage_overview(rows, title="t", source="s", alt="a").to_dict()
    text = str(spec)
    assert "labelLimit" not in text.replace("'labelLimit': 0", "")
    assert "x" * 90 in text, "the full label stays in the data for the tooltip"
    assert "x" * 51 + "…" in text, "the axis shows it cut to 52 characters"


def test_static_svg_ids_do_not_depend_on_earlier_charts():
    """vega numbers gradients per process; the stored SVG must be the same in a fresh kernel."""
    svg = ('<defs><linearGradient id="gradient_3"/><linearGradient id="gradient_4"/><clipPath id="clip7"/></defs>'
           '<path fill="url(#gradient_3)"/><path fill="url(#gradient_4)" clip-path="url(#clip7)"/>')
    out = charts._renumber_ids(svg)
    assert 'id="gradient_0"' in out and 'url(#gradient_0)' in out
    assert 'id="gradient_1"' in out and 'url(#gradient_1)' in out
    assert 'id="clip0"' in out and 'url(#clip0)' in out
    assert "gradient_3" not in out and "clip7" not in out
    spec = {"mark": "rect", "data": {"values": [{"a": 1, "v": 0.5}, {"a": 2, "v": 0.9}]},
            "encoding": {"x": {"field": "a", "type": "ordinal"}, "color": {"field": "v", "type": "quantitative"}}}
    first = charts.static_svg(spec)
    charts.static_svg(spec)
    assert charts.static_svg(spec) == first, "the same chart gives the same SVG however many came before"


# --------------------------------------------------------------------------- the theme (issue 14)
def _tile_year_frame():
    grp = data.load("provincial_grp_latest")
    return grp[grp["year"].between(2019, 2022) & ~((grp["geo_code"] == "540000") & (grp["year"] == 2022))]


def _every_builder():
    """One chart from each builder, on real data where the builder needs it."""
    grp = data.load("provincial_grp_latest")
    y = int(grp["year"].max())
    one = grp[grp["year"] == y]
    cov = data.coverage("trade_total_by_location")
    cov = cov[cov["source_id"] == cov["source_id"].iloc[0]]
    many = pd.DataFrame({"year": list(range(2000, 2012)) * 10, "v": range(120),
                         "g": [f"group number {i} with a long name" for i in range(10) for _ in range(12)]})
    q = pd.DataFrame({"period": [f"{y}Q{k}" for y in range(1998, 2024) for k in range(1, 5)],
                      "ca": [float((i % 7) - 2) for i in range(104)]})
    rows = pd.DataFrame({"label": ["a", "b"], "year": [2000, 2001], "present": [31, 0], "expected": [31, 31]})
    return {
        "line": charts.line_chart(many, "year", "v", color="g", title="Ten lines", source="s", alt="ten lines",
                                  y_unit="亿元"),
        "bar_quarters": charts.bar_chart(q, "period", "ca", diverging=True, title="Quarterly current account",
                                         source="s", alt="bars", y_unit="亿美元", x_title="Quarter"),
        "bar_h": charts.bar_chart(one.assign(p=one["geo_code"].map(provinces.name_en)), "p", "value", horizontal=True,
                                  title="GRP", source="s", alt="bars", y_unit="亿元"),
        "heatmap": charts.province_year_heatmap(grp, "value", title="GRP", source="s", alt="a", unit="亿元",
                                                diverging=False),
        "coverage": charts.coverage_heatmap(cov, title="t", source="s"),
        "overview": charts.coverage_overview(rows, title="t", source="s"),
        "tile": charts.tile_map(one, "value", title="GRP", source="s", alt="a", unit="亿元", diverging=False),
        "tile_slider": charts.tile_map(_tile_year_frame(), "value", title="GRP", source="s", alt="a", unit="亿元",
                                       diverging=False, year="year"),
        "choropleth": charts.choropleth(one, "value", title="GRP", source="s", alt="a", unit="亿元",
                                        diverging=False),
    }


@pytest.fixture(scope="module")
def built():
    return {k: c.to_dict() for k, c in _every_builder().items()}


def _walk(obj, key):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                yield v
            yield from _walk(v, key)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v, key)


def test_theme_type_sizes_are_legible():
    cfg = charts.theme_config()["config"]
    for part in ("axis", "legend", "header"):
        assert cfg[part]["labelFontSize"] >= 11 and cfg[part]["titleFontSize"] >= 11, part
    assert cfg["title"]["fontSize"] >= 14 and cfg["title"]["subtitleFontSize"] >= 11
    assert cfg["legend"]["labelLimit"] == 0 and cfg["legend"]["titleLimit"] == 0


def test_every_builder_keeps_type_legible_and_legends_whole(built):
    for name, spec in built.items():
        assert spec["config"]["axis"]["labelFontSize"] >= 11, name
        assert spec["config"]["title"]["fontSize"] >= 14, name
        for size in _walk(spec, "fontSize"):
            if isinstance(size, (int, float)):
                assert size >= 11, f"{name}: a text of {size} px"
        for legend in _walk(spec, "legend"):
            if isinstance(legend, dict) and "labelLimit" in legend:
                assert legend["labelLimit"] == 0, name


def test_single_views_fill_the_column(built):
    for name in ("line", "bar_quarters", "bar_h", "heatmap", "coverage", "tile", "tile_slider", "choropleth"):
        assert built[name]["width"] == "container", name
        assert built[name]["autosize"] == {"type": "fit-x", "contains": "padding"}, name
    # the static copy is drawn at the print width (fits A4), not 300 px
    svg = charts.static_svg(built["bar_quarters"])
    w = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
    assert charts.PRINT_WIDTH <= w <= 700


def test_no_colour_twice_in_a_scale(built):
    for name, spec in built.items():
        for scale in _walk(spec, "scale"):
            rng = scale.get("range") if isinstance(scale, dict) else None
            if isinstance(rng, list) and all(isinstance(c, str) and c.startswith("#") for c in rng):
                assert len(set(rng)) == len(rng), f"{name}: colour reused in {rng}"
    # ten groups: ten colours, the two past Okabe-Ito's eight dashed
    color = built["line"]["encoding"]["color"]
    assert len(color["scale"]["range"]) == 10 and color["scale"]["range"][:8] == charts.OKABE_ITO
    assert built["line"]["encoding"]["strokeDash"]["scale"]["range"][8] != [1, 0]
    assert color["legend"]["labelLimit"] == 0
    assert len(set(charts.OKABE_ITO + charts.PALETTE_EXTENSION)) == 16
    with pytest.raises(ValueError, match="at most 16"):
        charts.palette(17)


def test_every_quantitative_axis_names_its_unit(built):
    for name, spec in built.items():
        assert charts.missing_units(spec) == [], name
    assert built["line"]["encoding"]["y"]["title"] == "v (亿元)"
    df = pd.DataFrame({"year": [2016, 2017], "balance": [1.0, 2.0]})
    with pytest.raises(ValueError, match="without a unit"):
        charts.line_chart(df, "year", "balance", title="t", source="s", alt="a")
    with pytest.raises(ValueError, match="without a unit"):
        charts.finish(alt.Chart(df).mark_bar().encode(x="year:O", y="balance:Q"), "t", "s", "a")
    charts.finish(alt.Chart(df).mark_bar().encode(x="year:O", y=alt.Y("balance:Q", title="Balance (% of GDP)")),
                  "t", "s", "a")


def test_long_time_axes_label_years(built):
    x = built["bar_quarters"]["encoding"]["x"]
    assert x["type"] == "temporal" and x["axis"]["format"] == "%Y"
    assert x["axis"]["tickCount"] == {"interval": "year", "step": 2}
    vals = next(iter(built["bar_quarters"]["datasets"].values()))
    assert vals[0]["_date"] == "1998-01-01" and vals[-1]["_date"] == "2023-10-01"
    assert built["line"]["encoding"]["x"]["axis"]["format"] == "d"
    long = pd.DataFrame({"geo_code": "440000", "year": range(1990, 2024), "v": 1.0})
    hm = charts.province_year_heatmap(long, "v", title="t", source="s", alt="a", unit="%").to_dict()
    hx = hm["layer"][0]["encoding"]["x"]["axis"]["values"]
    assert all(y % 5 == 0 for y in hx) and len(hx) >= 4
    # the printed quarterly chart fits an A4 page (about 680 px of text width)
    svg = charts.static_svg(built["bar_quarters"])
    assert float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1)) <= 700
    assert ">2000<" in svg and ">2020<" in svg and "Q1" not in svg.split("</title>")[-1]


def test_titles_are_wrapped_to_fit_a_phone():
    df = pd.DataFrame({"year": [2016, 2017], "v": [1.0, 2.0]})
    long = "Net outflow of goods and services, % of GRP (expenditure approach), all provinces"
    spec = charts.line_chart(df, "year", "v", title=long, source="x " * 60, alt="a", y_unit="%").to_dict()
    assert isinstance(spec["title"]["text"], list) and " ".join(spec["title"]["text"]) == long
    assert all(len(ln) <= charts.TITLE_CHARS for ln in spec["title"]["text"])
    assert all(len(ln) <= charts.SUBTITLE_CHARS for ln in spec["title"]["subtitle"])


def test_tooltips_carry_value_unit_source_and_vintage():
    grp = data.load("provincial_grp_latest")
    d = grp[grp["geo_code"] == "440000"]
    spec = charts.line_chart(d, "year", "value", title="GD", source="s", alt="a", y_unit="亿元").to_dict()
    tips = {t.get("title", t.get("field")): t for t in spec["encoding"]["tooltip"]}
    assert tips["value (亿元)"]["format"] == ",.2f"
    assert {"source", "vintage", "unit"} <= set(tips)


def test_tile_map_has_a_printed_key_and_full_names(built):
    spec = built["tile"]
    key = spec["datasets"][spec["layer"][-1]["data"]["name"]]
    assert len(key) == 31 and {"key", "name_en"} <= set(key[0])
    assert "GD  Guangdong" in {k["key"] for k in key} and "NM  Inner Mongolia" in {k["key"] for k in key}
    svg = charts.static_svg(spec)
    assert "Inner Mongolia" in svg and "Heilongjiang" in svg, "the key is printed, not only on hover"
    tip = spec["layer"][0]["encoding"]["tooltip"]
    assert any(t.get("field") == "name_en" for t in tip)


def test_tile_map_year_slider_is_an_offline_parameter(built):
    spec = built["tile_slider"]
    p = spec["params"][0]
    assert p["bind"]["input"] == "range" and (p["bind"]["min"], p["bind"]["max"], p["value"]) == (2019, 2022, 2022)
    assert {"filter": "datum.year == year_pick"} in spec["layer"][0]["transform"]
    # Tibet 2022 was taken out: at the slider's start it is a grey "missing" tile
    miss = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert [m["abbr"] for m in miss if m["year"] == 2022] == ["XZ"]
    svg = charts.static_svg(spec)
    assert "XZ\u00a0–" in svg or "XZ&#160;–" in svg or "XZ –" in svg


def test_static_svg_only_when_the_book_is_built(line, monkeypatch):
    monkeypatch.setenv(charts.STATIC_ENV, "1")
    assert "image/svg+xml" in _bundle(line) and "book-chart-static" in _bundle(line)["text/html"]
    monkeypatch.delenv(charts.STATIC_ENV)
    called = []
    monkeypatch.setattr(charts.vl_convert, "vegalite_to_svg", lambda *a, **k: called.append(1) or "<svg/>")
    b = _bundle(line)
    assert called == [], "no SVG is drawn in Jupyter/Binder"
    assert set(b) == {charts.VEGALITE_MIME, "text/plain"}
    assert b[charts.VEGALITE_MIME]["description"].startswith("Line of a balance")
    assert b["text/plain"].startswith("[chart] A balance")
    monkeypatch.setenv(charts.STATIC_ENV, "0")
    assert "image/svg+xml" not in _bundle(line)


def test_static_switch_refuses_unclear_values(monkeypatch):
    monkeypatch.setenv(charts.STATIC_ENV, "yes")
    with pytest.raises(ValueError, match=charts.STATIC_ENV):
        charts.static_enabled()
    monkeypatch.setenv(charts.STATIC_ENV, "0")
    assert charts.static_enabled() is False
