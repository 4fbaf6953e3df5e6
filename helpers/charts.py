"""Every chart in the book goes through this module.

Importing it (``from helpers import charts``) does three things once, for every chapter:

* registers and enables the book's altair **theme**: titles anchored left, readable fonts with
  a CJK fallback (province names in Chinese render), colour-blind-safe palettes
  (:data:`OKABE_ITO` for categories, a diverging blue-orange scheme for balances where blue is a
  surplus and orange a deficit, sequential viridis for levels);
* registers and enables the **offline renderer** ``book``: each chart is emitted as

  - ``text/html``: a ``<figure>`` holding a ``div`` (``role="img"``, ``aria-label`` = the alt
    text) that the page's single shared vega bundle (``book/_static/vega-bundle.js``, loaded
    once per page through ``html_js_files`` in ``_config.yml``) fills in, plus a static SVG
    ``<img alt=...>`` shown when JavaScript is off, before the bundle has run, and in print;
    the element id is a hash of the spec, so re-executing a notebook gives identical outputs;
  - ``image/svg+xml``: the same static SVG (vl-convert), for the PDF build and plain viewers.

  Nothing is ever loaded from a CDN.

* provides :func:`finish` (title, source note as subtitle, axis units, alt text) and the
  builders :func:`coverage_heatmap`, :func:`coverage_overview`, :func:`province_year_heatmap`,
  :func:`tile_map`, :func:`line_chart` and :func:`bar_chart`, which all call :func:`finish`.

Aggregate before charting: the data of every chart are inlined in the page, and a page should
stay under 1.5 MB.
"""
from __future__ import annotations

import re

import base64
import hashlib
import html
import json
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from . import provinces

#: Vega-Lite version used for the static SVG and for the shared JavaScript bundle (matches altair).
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
#: File name of the shared runtime in book/_static (written by ``python -m helpers.book bundle``).
BUNDLE_NAME = "vega-bundle.js"

#: Okabe & Ito (2008) colour-blind-safe qualitative palette, most distinct colours first.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
#: Diverging scheme for balances: orange = deficit (negative), blue = surplus (positive).
DIVERGING_SCHEME = "blueorange"
DIVERGING_REVERSE = True  # vega's blueorange runs blue -> orange; reversed, negative is orange
#: Sequential scheme for levels and counts.
SEQUENTIAL_SCHEME = "viridis"
#: Colour of a cell with no data (a gap), with the label used in every legend.
MISSING_COLOR = "#d4d4d4"
MISSING_LABEL = "missing"
PRESENT_COLOR = "#0072B2"

FONT = "Noto Sans, Liberation Sans, DejaVu Sans, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"

REGION_ORDER = list(provinces.REGIONS)


# --------------------------------------------------------------------------- theme
def theme_config() -> dict:
    """The altair theme as a plain dict (also used by the tests)."""
    return {
        "config": {
            "background": "white",
            "font": FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "title": {"anchor": "start", "fontSize": 16, "fontWeight": 600, "subtitleFontSize": 12,
                      "subtitleColor": "#444444", "offset": 10, "font": FONT, "subtitleFont": FONT},
            # labelLimit 0: labels are never cut to a pixel width. Cutting means measuring each
            # label letter by letter, which made up 40 % of the time spent drawing the static
            # SVGs; labels too long for a chart are shortened beforehand (short_labels).
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 600,
                     "labelFont": FONT, "titleFont": FONT, "gridColor": "#e6e6e6", "labelLimit": 0},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelFont": FONT, "titleFont": FONT},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelFont": FONT, "titleFont": FONT,
                       "orient": "right"},
            "range": {
                "category": OKABE_ITO,
                "diverging": {"scheme": DIVERGING_SCHEME},
                "heatmap": {"scheme": SEQUENTIAL_SCHEME},
                "ramp": {"scheme": SEQUENTIAL_SCHEME},
                "ordinal": {"scheme": SEQUENTIAL_SCHEME},
            },
            # no per-mark aria labels: the chart's description is its alt text, and a label per
            # cell would make a heatmap's SVG several times larger
            "mark": {"aria": False},
            "line": {"strokeWidth": 2},
            "point": {"size": 40, "filled": True},
        }
    }


@alt.theme.register("book", enable=True)
def _book_theme() -> alt.theme.ThemeConfig:
    return theme_config()  # type: ignore[return-value]


# --------------------------------------------------------------------------- renderer
def _spec_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chart_id(spec: dict) -> str:
    """Deterministic element id: a hash of the spec (same chart, same id, every run)."""
    return "chart-" + hashlib.sha256(_spec_json(spec).encode("utf-8")).hexdigest()[:16]


_SVG_ID = re.compile(r'id="((?:gradient|clip|pattern)_?)(\d+)"')


def _renumber_ids(svg: str) -> str:
    """Number the SVG's internal ids (gradients, clip paths) from 0 in each chart.

    vega counts them per process, so the same chart would otherwise get ``gradient_3`` after
    three other charts and ``gradient_0`` on its own: its SVG must not depend on what ran before.
    """
    found = list(dict.fromkeys(m.group(0)[4:-1] for m in _SVG_ID.finditer(svg)))
    if not found:
        return svg
    counters: dict = {}
    mapping = {}
    for old in found:
        prefix = _SVG_ID.match(f'id="{old}"').group(1)
        mapping[old] = f"{prefix}{counters.setdefault(prefix, 0)}"
        counters[prefix] += 1
    if all(k == v for k, v in mapping.items()):
        return svg
    pattern = re.compile(r'(id="|#)(' + "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)) + r')(?=["\)])')
    return pattern.sub(lambda m: m.group(1) + mapping[m.group(2)], svg)


def static_svg(spec: dict) -> str:
    """The chart as a static SVG string (vl-convert; no browser, no network)."""
    return _renumber_ids(vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION))


def alt_text(spec: dict) -> str:
    desc = spec.get("description")
    if not desc:
        raise ValueError("chart has no alt text: pass it through helpers.charts.finish(..., alt='...')")
    return str(desc)


def render_html(spec: dict, svg: str | None = None) -> str:
    """The ``text/html`` part of a chart's output (see the module docstring)."""
    cid = chart_id(spec)
    desc = html.escape(alt_text(spec), quote=True)
    svg = static_svg(spec) if svg is None else svg
    b64 = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    js_spec = _spec_json(spec).replace("</", "<\\/")
    return (
        f'<figure class="book-chart" id="{cid}">'
        f'<div class="book-chart-vis" id="{cid}-vis" role="img" aria-label="{desc}"></div>'
        f'<img class="book-chart-static" alt="{desc}" src="data:image/svg+xml;base64,{b64}">'
        f'<noscript><p class="book-chart-note">Static image: JavaScript is off.</p></noscript>'
        "<script>(function(){"
        f'var id="{cid}",spec={js_spec};'
        "function draw(){var el=document.getElementById(id+'-vis');"
        "if(!el||!window.vegaEmbed){return;}"
        "window.vegaEmbed(el,spec,{actions:false,renderer:'svg'})"
        ".then(function(){el.parentNode.classList.add('book-chart-rendered');})"
        ".catch(function(e){console.error('chart '+id+': '+e);});}"
        "if(window.vegaEmbed){draw();}else{(window.bookCharts=window.bookCharts||[]).push(draw);}"
        "})();</script>"
        "</figure>"
    )


def renderer(spec: dict, **_: Any) -> dict:
    """altair renderer ``book``: offline HTML + static SVG mimebundle."""
    svg = static_svg(spec)
    return {"text/html": render_html(spec, svg), "image/svg+xml": svg}


alt.renderers.register("book", renderer)
alt.renderers.enable("book")

#: Snippet appended to the vega bundle: expose the globals and run the charts queued so far.
BUNDLE_SNIPPET = (
    "window.vegaEmbed=vegaEmbed;window.vega=vega;window.vegaLite=vegaLite;"
    "var q=window.bookCharts||[];window.bookCharts={push:function(f){f();}};"
    "q.forEach(function(f){f();});"
)


def javascript_bundle() -> str:
    """vega + vega-lite + vega-embed as one self-contained script (no network at view time)."""
    return vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=VL_VERSION)


# --------------------------------------------------------------------------- finish
def finish(chart: alt.TopLevelMixin, title: str, source: str, alt: str, *,
           y_unit: str | None = None, x_unit: str | None = None, note: str | None = None):
    """Title, subtitle with the source note, alt text (vega-lite ``description``), units.

    ``y_unit``/``x_unit`` are appended to the axis titles, e.g. ``"亿元 (100 million yuan)"``.
    Every chart in the book passes through here; a chart without alt text is an error.
    """
    if not title or not source or not alt:
        raise ValueError("finish() needs a title, a source note and alt text")
    subtitle = [f"Source: {readable_source(source)}"] + ([note] if note else [])
    if y_unit or x_unit:
        chart = _with_units(chart, y_unit, x_unit)
    import altair as _alt
    return chart.properties(title=_alt.TitleParams(text=title, subtitle=subtitle), description=alt)


def readable_source(source: str) -> str:
    """Spell out source ids from data/datapackage.json: 'nbs_csy2008_t2_21' -> 'China Statistical
    Yearbook 2008 (English), table 2-21 [nbs_csy2008_t2_21]'. Other text is left as it is."""
    try:
        from . import data
        tables = {s["name"]: s.get("table", "") for s in data.manifest()["sources"]}
    except (FileNotFoundError, KeyError, ValueError):
        return source
    parts = re.split(r"(; |, )", source)
    return "".join(f"{tables[p].split(';')[0]} [{p}]" if p in tables and tables[p] else p for p in parts)


def _with_units(chart, y_unit, x_unit):
    """Append units to the x/y axis titles. In a layered chart only the first layer that encodes a
    channel names its axis; the others' titles are silenced, so a helper layer (a zero rule, labels)
    does not add ", zero" to the axis title."""
    U = alt.Undefined

    def patch(enc, channel, unit, first):
        ch = getattr(enc, channel, U)
        if ch is U or ch is None or unit is None or isinstance(ch, (str, dict)):
            return False
        kw = getattr(ch, "_kwds", {})
        t = kw.get("title", U)
        if not first:
            if t is U:
                ch.title = None
            return True
        if t is U or t is None:
            sh = kw.get("shorthand", U)
            f = kw.get("field", U)
            t = sh.split(":")[0] if isinstance(sh, str) else (f if isinstance(f, str) else "")
        ch.title = f"{t} ({unit})" if t else unit
        return True

    targets = [chart] + list(getattr(chart, "layer", None) or [])
    done = {"x": False, "y": False}
    for c in targets:
        enc = getattr(c, "encoding", U)
        if enc is U or enc is None:
            continue
        for channel, unit in (("y", y_unit), ("x", x_unit)):
            if patch(enc, channel, unit, not done[channel]):
                done[channel] = True
    return chart


def short_labels(labels, width: int = 52) -> dict:
    """Axis labels of at most ``width`` characters, ending in "…" where cut; still one per label.

    Returns ``{label: short label}``. A chart puts the short label on the axis and keeps the
    full one in its tooltip.
    """
    labels = list(dict.fromkeys(labels))
    out = {}
    for lab in labels:
        n = width
        short = lab if len(lab) <= n else lab[:n - 1] + "…"
        # two labels cut to the same text: cut these ones later
        while short in out.values() and len(short) < len(lab):
            n += 4
            short = lab if len(lab) <= n else lab[:n - 1] + "…"
        out[lab] = short
    return out


def province_order() -> list[str]:
    """Province English names ordered by NBS region (East, Central, West, Northeast), then code."""
    t = provinces.table()
    t["_r"] = t["region"].map({r: i for i, r in enumerate(REGION_ORDER)})
    return t.sort_values(["_r", "code"])["name_en"].tolist()


def _label(df: pd.DataFrame) -> pd.DataFrame:
    t = provinces.table()[["code", "abbr", "name_en", "name_zh", "region"]]
    return df.merge(t, left_on="geo_code", right_on="code", how="left").drop(columns="code")


# --------------------------------------------------------------------------- builders
def coverage_heatmap(cov: pd.DataFrame, *, title: str, source: str, alt: str | None = None):
    """Province x year grid of one series: present vs missing (from :func:`helpers.data.coverage`).

    Several (source, vintage) combinations are shown as separate panels, never merged.
    """
    import altair as _alt
    need = {"geo_code", "year", "present"}
    if not need <= set(cov.columns):
        raise ValueError(f"coverage_heatmap needs columns {sorted(need)}, got {list(cov.columns)}")
    df = _label(cov.copy())
    df["status"] = df["present"].map({True: "present", False: MISSING_LABEL})
    keep = ["name_en", "region", "year", "status"]
    panel = None
    if {"source_id", "vintage"} <= set(df.columns) and df[["source_id", "vintage"]].drop_duplicates().shape[0] > 1:
        df["panel"] = df["source_id"] + " | " + df["vintage"]
        keep.append("panel")
        panel = "panel"
    df = df[keep]
    n_years = df["year"].nunique()
    base = _alt.Chart(df).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=_alt.X("year:O", title="Year", axis=_alt.Axis(labelAngle=-90 if n_years > 6 else 0)),
        y=_alt.Y("name_en:N", title=None, sort=province_order()),
        color=_alt.Color("status:N", title="Data",
                         scale=_alt.Scale(domain=["present", MISSING_LABEL], range=[PRESENT_COLOR, MISSING_COLOR])),
        tooltip=["name_en:N", "region:N", "year:O", "status:N"] + ([panel] if panel else []),
    ).properties(width={"step": 14}, height={"step": 12})
    chart = base.facet(row=_alt.Row(f"{panel}:N", title=None)) if panel else base
    n_missing = int((df["status"] == MISSING_LABEL).sum())
    if alt is None:
        alt = (f"Coverage grid, provinces by year {df['year'].min()}-{df['year'].max()}: "
               f"{len(df) - n_missing} province-years present, {n_missing} missing (shown grey).")
    return finish(chart, title, source, alt,
                  note="Provinces ordered by region: East, Central, West, Northeast. Grey = missing (no published value held).")


def coverage_overview(rows: pd.DataFrame, *, title: str, source: str, alt: str | None = None):
    """Series x year grid: colour = share of units with a value, grey = missing.

    ``rows`` has columns ``label``, ``year``, ``present``, ``expected`` (see
    :func:`helpers.coverage.series_year_counts`) and optionally ``table``: then one panel per
    table, stacked, in one chart (one static SVG, one spec).
    """
    import altair as _alt
    cols = ["label", "year", "present", "expected"] + (["table"] if "table" in rows.columns else [])
    df = rows[cols].copy()
    if "table" not in df.columns:
        df["table"] = ""
    df["status"] = [MISSING_LABEL if p == 0 else "" for p in df["present"]]
    df["units"] = df["present"].astype(int).astype(str) + " of " + df["expected"].astype(int).astype(str)
    df["share"] = (df["present"] / df["expected"]).round(3)
    df["row"] = df["label"].map(short_labels(df["label"]))  # the axis label; the tooltip has it whole
    y0, y1 = int(df["year"].min()), int(df["year"].max())
    years = list(range(y0, y1 + 1))
    color = _alt.Color("share:Q", title="Share of units with data", legend=_alt.Legend(format="%"),
                       scale=_alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=[0, 1]))
    gap_legend = _alt.Opacity("status:N", title="Gap", legend=_alt.Legend(symbolOpacity=1),
                              scale=_alt.Scale(domain=[MISSING_LABEL], range=[1]))
    panels = []
    groups = list(df.groupby("table", sort=False))
    for i, (table, d) in enumerate(groups):
        order = list(dict.fromkeys(d["row"]))
        # Year labels every 5 years on the first panel (at the top) and the last (at the bottom,
        # with the axis title); the panels between repeat only the decades. Every panel shares
        # the same year columns, so the grid lines up; and 76 labels x 10 panels would make the
        # static SVG three times larger and slower to draw.
        first, last = i == 0, i == len(groups) - 1
        step_years = 5 if (first or last) else 10
        axis = _alt.Axis(labelAngle=-90, values=[y for y in years if y % step_years == 0],
                         orient="top" if first and not last else "bottom")
        x = _alt.X("year:O", title="Year" if last else None, scale=_alt.Scale(domain=years), axis=axis)
        y = _alt.Y("row:N", title=None, sort=order, axis=_alt.Axis(minExtent=300))  # panels line up
        d = d.drop(columns="table")
        have = _alt.Chart(d[d["present"] > 0]).mark_rect(stroke="white", strokeWidth=0.5).encode(
            x=x, y=y, color=color,
            tooltip=["label:N", "year:O", _alt.Tooltip("units:N", title="units with data")])
        layers = [have]
        if (d["present"] == 0).any():
            layers.append(_alt.Chart(d[d["present"] == 0]).mark_rect(
                color=MISSING_COLOR, stroke="white", strokeWidth=0.5).encode(
                x=x, y=y, opacity=gap_legend, tooltip=["label:N", "year:O", "status:N"]))
        step = 11 if len(years) <= 40 else 8  # long national spans stay within the page width
        panel = _alt.layer(*layers).properties(width={"step": step}, height={"step": 13})
        if table:
            panel = panel.properties(title=_alt.TitleParams(str(table), fontSize=13, anchor="start"))
        panels.append(panel)
    chart = panels[0] if len(panels) == 1 else _alt.vconcat(*panels, spacing=18)
    if alt is None:
        n_gap = int((df["present"] == 0).sum())
        alt = (f"Coverage of {df['label'].nunique()} series rows by year, {y0}-{y1}; "
               f"{n_gap} series-years inside a series' span have no data (grey).")
    return finish(chart, title, source, alt, note="Grey cell = missing: no figure held for that year.")


def province_year_heatmap(df: pd.DataFrame, value: str, *, title: str, source: str, alt: str,
                          unit: str | None = None, diverging: bool = True, year: str = "year"):
    """Province x year heatmap; provinces ordered and grouped by region; gaps stay blank-grey.

    ``diverging=True`` centres a blue (surplus) / orange (deficit) scale on zero.
    """
    import altair as _alt
    d = _label(df[["geo_code", year, value]].copy())[["name_en", "region", year, value]]
    if diverging:
        scale = _alt.Scale(scheme=DIVERGING_SCHEME, reverse=DIVERGING_REVERSE, domainMid=0)
    else:
        scale = _alt.Scale(scheme=SEQUENTIAL_SCHEME)
    # full grid so gaps are drawn as "missing" cells, not silently absent
    grid = pd.MultiIndex.from_product([province_order(), sorted(d[year].unique())],
                                      names=["name_en", year]).to_frame(index=False)
    full = grid.merge(d.drop(columns="region"), on=["name_en", year], how="left")
    full = full.merge(provinces.table()[["name_en", "region"]], on="name_en")
    x = _alt.X(f"{year}:O", title="Year")
    y = _alt.Y("name_en:N", title=None, sort=province_order())
    vals = _alt.Chart(full[full[value].notna()]).mark_rect().encode(
        x=x, y=y, color=_alt.Color(f"{value}:Q", title=unit or value, scale=scale),
        tooltip=["name_en:N", "region:N", f"{year}:O", _alt.Tooltip(f"{value}:Q", format=",.1f")])
    gaps = full[full[value].isna()].assign(status=MISSING_LABEL)
    layers = [vals]
    if len(gaps):
        layers.append(_alt.Chart(gaps).mark_rect(color=MISSING_COLOR).encode(
            x=x, y=y, opacity=_alt.Opacity("status:N", title="Gap", scale=_alt.Scale(domain=[MISSING_LABEL], range=[1])),
            tooltip=["name_en:N", f"{year}:O", "status:N"]))
    chart = _alt.layer(*layers).properties(width={"step": 16}, height={"step": 12})
    return finish(chart, title, source, alt,
                  note="Provinces ordered by region: East, Central, West, Northeast. Grey = missing.")


def tile_map(df: pd.DataFrame, value: str, *, title: str, source: str, alt: str,
             unit: str | None = None, diverging: bool = True, fmt: str = ",.0f"):
    """Tile-grid map of the 31 provinces (one value per province); missing tiles grey, labelled."""
    import altair as _alt
    t = provinces.table()[["code", "abbr", "name_en", "region", "col", "row"]]
    d = t.merge(df[["geo_code", value]], left_on="code", right_on="geo_code", how="left")
    d["label"] = d.apply(lambda r: r["abbr"] if pd.notna(r[value]) else f"{r['abbr']}\u00a0–", axis=1)
    scale = (_alt.Scale(scheme=DIVERGING_SCHEME, reverse=DIVERGING_REVERSE, domainMid=0) if diverging
             else _alt.Scale(scheme=SEQUENTIAL_SCHEME))
    x = _alt.X("col:O", axis=None)
    y = _alt.Y("row:O", axis=None)
    have = d[d[value].notna()][["abbr", "name_en", "region", "col", "row", value, "label"]]
    miss = d[d[value].isna()][["abbr", "name_en", "region", "col", "row", "label"]].assign(status=MISSING_LABEL)
    layers = [_alt.Chart(have).mark_rect(cornerRadius=3, stroke="white", strokeWidth=2).encode(
        x=x, y=y, color=_alt.Color(f"{value}:Q", title=unit or value, scale=scale),
        tooltip=["name_en:N", "region:N", _alt.Tooltip(f"{value}:Q", format=fmt)])]
    if len(miss):
        layers.append(_alt.Chart(miss).mark_rect(cornerRadius=3, stroke="white", strokeWidth=2, color=MISSING_COLOR).encode(
            x=x, y=y, opacity=_alt.Opacity("status:N", title="Gap", scale=_alt.Scale(domain=[MISSING_LABEL], range=[1])),
            tooltip=["name_en:N", "status:N"]))
    v = d[value]
    lo, hi = (float(v.min()), float(v.max())) if v.notna().any() else (0.0, 1.0)
    if diverging:
        m = max(abs(lo), abs(hi)) or 1.0
        dark = (v.abs() / m) > 0.6
    else:
        dark = ((v - lo) / ((hi - lo) or 1.0)) < 0.45
    d["dark"] = [bool(k) for k in dark.fillna(False)]
    layers.append(_alt.Chart(d[["col", "row", "label", "dark"]]).mark_text(fontSize=11, fontWeight=600).encode(
        x=x, y=y, text="label:N",
        color=_alt.condition("datum.dark", _alt.value("#ffffff"), _alt.value("#111111"))))
    chart = _alt.layer(*layers).properties(width={"step": 52}, height={"step": 44})
    return finish(chart, title, source, alt, note="Tile map: one square per province, placed roughly by geography; '–' and grey = missing.")


def line_chart(df: pd.DataFrame, x: str, y: str, *, title: str, source: str, alt: str,
               color: str | None = None, y_unit: str | None = None, x_title: str | None = None,
               y_title: str | None = None, zero_rule: bool = False, points: bool = True):
    """Lines (one per ``color`` group), points marking each observation so gaps stay visible."""
    import altair as _alt
    cols = [c for c in (x, y, color) if c]
    d = df[cols].copy()
    enc = dict(x=_alt.X(f"{x}:O" if d[x].dtype.kind in "iu" else x, title=x_title or x),
               y=_alt.Y(f"{y}:Q", title=y_title or y),
               tooltip=[c for c in cols])
    if color:
        enc["color"] = _alt.Color(f"{color}:N", title=color)
    chart = _alt.Chart(d).mark_line(point=points).encode(**enc)
    if zero_rule:
        chart = _alt.layer(chart, _alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#555555").encode(y="zero:Q"))
    return finish(chart, title, source, alt, y_unit=y_unit)


def bar_chart(df: pd.DataFrame, x: str, y: str, *, title: str, source: str, alt: str,
              color: str | None = None, y_unit: str | None = None, horizontal: bool = False,
              diverging: bool = False, sort: Any = None, x_title: str | None = None, y_title: str | None = None):
    """Bars; ``diverging=True`` colours negative values orange and positive blue."""
    import altair as _alt
    cols = list(dict.fromkeys(c for c in (x, y, color) if c))
    d = df[cols].copy()
    cat = _alt.X(f"{x}:N", title=x_title or x, sort=sort) if not horizontal else _alt.Y(f"{x}:N", title=x_title or x, sort=sort)
    val = _alt.Y(f"{y}:Q", title=y_title or y) if not horizontal else _alt.X(f"{y}:Q", title=y_title or y)
    enc = {"x": cat, "y": val} if not horizontal else {"y": cat, "x": val}
    enc["tooltip"] = cols
    if diverging:
        d["sign"] = d[y].map(lambda v: "surplus (+)" if v >= 0 else "deficit (−)")
        enc["color"] = _alt.Color("sign:N", title=None, scale=_alt.Scale(
            domain=["surplus (+)", "deficit (−)"], range=[OKABE_ITO[0], OKABE_ITO[3]]))
    elif color:
        enc["color"] = _alt.Color(f"{color}:N", title=color)
    chart = _alt.Chart(d).mark_bar().encode(**enc)
    return finish(chart, title, source, alt, y_unit=None if horizontal else y_unit,
                  x_unit=y_unit if horizontal else None)
