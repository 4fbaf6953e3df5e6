"""Every chart in the book goes through this module.

Importing it (``from helpers import charts``) does three things once, for every chapter:

* registers and enables the book's altair **theme**: titles anchored left, readable fonts with
  a CJK fallback (province names in Chinese render), colour-blind-safe palettes
  (:data:`OKABE_ITO` for categories, a diverging blue-orange scheme for balances where blue is a
  surplus and orange a deficit, sequential viridis for levels);
* registers and enables the **offline renderer** ``book``. With ``BOOK_STATIC_CHARTS=1`` in the
  environment (the book build sets it) each chart is emitted as

  - ``text/html``: a ``<figure>`` holding a ``div`` (``role="img"``, ``aria-label`` = the alt
    text) that the page's single shared vega bundle (``book/_static/vega-bundle.js``, loaded
    once per page through ``html_js_files`` in ``_config.yml``) fills in, plus a static SVG
    ``<img alt=...>`` shown when JavaScript is off, before the bundle has run, and in print;
    the element id is a hash of the spec, so re-executing a notebook gives identical outputs;
  - ``image/svg+xml``: the same static SVG (vl-convert), for the PDF build and plain viewers.

  Without it (Jupyter, Binder) no SVG is drawn: the output is the Vega-Lite spec
  (``application/vnd.vegalite.v5+json``, drawn by JupyterLab itself) and a ``text/plain`` fallback
  (title and alt text). Nothing is ever loaded from a CDN.
* sizes every chart to the text column: single and layered views get ``width="container"``
  (``autosize`` fit-x, so axis labels are inside the width); the static copy is drawn
  :data:`PRINT_WIDTH` px wide, which fits an A4 page.

* provides :func:`finish` (title, source note as subtitle, axis units, alt text; it refuses a
  quantitative axis without a unit) and the builders :func:`coverage_heatmap`,
  :func:`coverage_overview`, :func:`province_year_heatmap`, :func:`tile_map`, :func:`choropleth`,
  :func:`line_chart` and :func:`bar_chart`, which all call :func:`finish`.

Aggregate before charting: the data of every chart are inlined in the page, and a page should
stay under 1.5 MB.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from . import provinces

#: Vega-Lite version used for the static SVG and for the shared JavaScript bundle (matches altair).
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
#: File name of the shared runtime in book/_static (written by ``python -m helpers.book bundle``).
BUNDLE_NAME = "vega-bundle.js"

#: Environment variable the book build sets: draw the static SVG copy of every chart.
STATIC_ENV = "BOOK_STATIC_CHARTS"
#: Width of the static (print) copy of a chart whose width follows the page: fits A4 portrait.
PRINT_WIDTH = 620
#: Smallest type in any chart (px): axis labels, legends, tile labels; titles at least TITLE_MIN.
FONT_MIN, TITLE_MIN = 11, 14

#: Okabe & Ito (2008) colour-blind-safe qualitative palette, most distinct colours first.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
#: Colours 9-16 for charts with more categories (Paul Tol's "muted" scheme, also colour-blind
#: safe; none repeats an Okabe-Ito colour). Lines beyond the 8th also get a dash pattern.
PALETTE_EXTENSION = ["#882255", "#44AA99", "#999933", "#332288", "#DDCC77", "#661100", "#6699CC", "#AA4466"]
#: Dash patterns by category (solid first), for lines past the 8th colour.
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]
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
                      "limit": 0, "subtitleLimit": 0,
                      "subtitleColor": "#444444", "offset": 10, "font": FONT, "subtitleFont": FONT},
            # labelLimit 0: labels are never cut to a pixel width. Cutting means measuring each
            # label letter by letter, which made up 40 % of the time spent drawing the static
            # SVGs; labels too long for a chart are shortened beforehand (short_labels).
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 600,
                     "labelFont": FONT, "titleFont": FONT, "gridColor": "#e6e6e6", "labelLimit": 0},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelFont": FONT, "titleFont": FONT},
            # legends below the plot, one entry a line, never cut: long labels (Qinghai's
            # "gross capital formation (qh_sy2020_t4_13)") stay whole on a phone
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelFont": FONT, "titleFont": FONT,
                       "orient": "bottom", "direction": "vertical", "columns": 1,
                       "labelLimit": 0, "titleLimit": 0, "symbolLimit": 0,
                       "gradientDirection": "horizontal", "gradientLength": 220},
            "text": {"fontSize": 12},
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


def static_enabled() -> bool:
    """True when the book is being built (``BOOK_STATIC_CHARTS=1``): draw the static SVG copies.
    Unset or ``0`` is off; any other value is an error (a typo must not silently change the output)."""
    value = os.environ.get(STATIC_ENV, "")
    if value not in ("", "0", "1"):
        raise ValueError(f"environment variable {STATIC_ENV}={value!r}: use 1 (on) or 0 (off)")
    return value == "1"


def print_spec(spec: dict) -> dict:
    """The spec for the static copy: a page-wide chart (``width="container"``) gets PRINT_WIDTH."""
    if spec.get("width") != "container":
        return spec
    return {**spec, "width": PRINT_WIDTH}


def static_svg(spec: dict) -> str:
    """The chart as a static SVG string (vl-convert; no browser, no network)."""
    return _renumber_ids(vl_convert.vegalite_to_svg(print_spec(spec), vl_version=VL_VERSION))


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


def text_fallback(spec: dict) -> str:
    """``text/plain`` of a chart: its title and alt text (what a terminal or a screen reader gets)."""
    t = spec.get("title")
    title = t.get("text", "") if isinstance(t, dict) else (t or "")
    return f"[chart] {title}\n{spec.get('description', '')}".strip()


#: Mimetype JupyterLab draws itself (its own vega, no network).
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"


def renderer(spec: dict, **_: Any) -> dict:
    """altair renderer ``book``.

    ``BOOK_STATIC_CHARTS=1`` (the book build): offline HTML + static SVG. Otherwise (Jupyter,
    Binder): the Vega-Lite spec and a text fallback; no SVG is drawn, which keeps executing a
    chapter in a notebook fast.
    """
    alt_text(spec)  # a chart without alt text is an error in every mode
    spec = with_geometry(spec)
    if static_enabled():
        svg = static_svg(spec)
        return {"text/html": render_html(spec, svg), "image/svg+xml": svg}
    return {VEGALITE_MIME: spec, "text/plain": text_fallback(spec)}


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
           y_unit: str | None = None, x_unit: str | None = None, note: str | None = None,
           width: Any = "container"):
    """Title, subtitle with the source note, alt text (vega-lite ``description``), units, width.

    ``y_unit``/``x_unit`` are appended to the axis titles, e.g. ``"亿元 (100 million yuan)"``.
    Every chart in the book passes through here; a chart without alt text is an error, and so is
    a quantitative x or y axis whose title names no unit (years and dates excepted; see
    :func:`missing_units`). A single or layered view without a width of its own fills the text
    column (``width="container"``); pass ``width=None`` to keep altair's default.
    """
    if not title or not source or not alt:
        raise ValueError("finish() needs a title, a source note and alt text")
    subtitle = [ln for part in [f"Source: {readable_source(source)}"] + ([note] if note else [])
                for ln in wrap(part, SUBTITLE_CHARS)]
    title = wrap(title, TITLE_CHARS)
    title = title[0] if len(title) == 1 else title
    if y_unit or x_unit:
        chart = _with_units(chart, y_unit, x_unit)
    import altair as _alt
    chart = chart.properties(title=_alt.TitleParams(text=title, subtitle=subtitle), description=alt)
    if width is not None and isinstance(chart, (_alt.Chart, _alt.LayerChart)) \
            and getattr(chart, "width", _alt.Undefined) is _alt.Undefined:
        chart = chart.properties(width=width)
    if getattr(chart, "width", None) == "container":
        chart = chart.properties(autosize=_alt.AutoSizeParams(type="fit-x", contains="padding"))
    bad = missing_units(chart.to_dict())
    if bad:
        raise ValueError(f"chart {title!r}: quantitative axis without a unit: {bad}; pass y_unit=/x_unit= "
                         "to finish() or put the unit in the axis title, e.g. 'Balance (% of GDP)'")
    return chart


#: Titles and subtitles are broken into lines of at most this many characters, so that they fit
#: a phone's column (about 340 px) without being cut: vega does not wrap text by itself.
TITLE_CHARS, SUBTITLE_CHARS = 40, 54


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` at spaces into lines of at most ``width`` characters (a longer word stays whole)."""
    import textwrap
    return textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False) or [""]


_TIME_FIELDS = {"year", "years", "date", "period", "quarter", "month"}


def _views(spec: dict):
    """Every unit view (a dict with ``encoding``) in a spec, however nested."""
    if isinstance(spec, dict):
        if "encoding" in spec:
            yield spec
        for k in ("layer", "hconcat", "vconcat", "concat"):
            for sub in spec.get(k, []) or []:
                yield from _views(sub)
        if isinstance(spec.get("spec"), dict):
            yield from _views(spec["spec"])


def missing_units(spec: dict) -> list[str]:
    """Quantitative x/y axes whose title names no unit: ``["y: Balance", ...]``.

    A unit is named when the title holds a parenthesis (``"Balance (% of GDP)"``) or is one of
    ``%``-style strings. Years and dates (fields such as ``year``, axis format ``d``/``%Y``) have
    no unit to name. A title set to None (a helper layer) is skipped.
    """
    bad = []
    for v in _views(spec):
        for ch in ("x", "y"):
            e = v["encoding"].get(ch)
            if not isinstance(e, dict) or e.get("type") != "quantitative" or e.get("aggregate") == "count":
                continue
            title = e.get("title", e.get("field", ""))
            if title is None or ("axis" in e and e["axis"] is None):
                continue
            field = str(e.get("field", "")).lower()
            fmt = (e.get("axis") or {}).get("format", "") if isinstance(e.get("axis"), dict) else ""
            if field in _TIME_FIELDS or fmt in ("d", "%Y") or str(title).lower() in _TIME_FIELDS:
                continue
            if not re.search(r"\(.+\)|%", str(title)):
                bad.append(f"{ch}: {title}")
    return bad


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
    base = _alt.Chart(df).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=_alt.X("year:O", title="Year", axis=year_axis(df["year"])),
        y=_alt.Y("name_en:N", title=None, sort=province_order()),
        color=_alt.Color("status:N", title="Data",
                         scale=_alt.Scale(domain=["present", MISSING_LABEL], range=[PRESENT_COLOR, MISSING_COLOR])),
        tooltip=["name_en:N", "region:N", "year:O", "status:N"] + ([panel] if panel else []),
    ).properties(height={"step": 12})
    chart = (base.properties(width={"step": 14}).facet(row=_alt.Row(f"{panel}:N", title=None))
             if panel else base)
    n_missing = int((df["status"] == MISSING_LABEL).sum())
    if alt is None:
        alt = (f"Coverage grid, provinces by year {df['year'].min()}-{df['year'].max()}: "
               f"{len(df) - n_missing} province-years present, {n_missing} missing (shown grey).")
    return finish(chart, title, source, alt,
                  note="Provinces ordered by region: East, Central, West, Northeast. Grey = missing (no published value held).")


#: The coverage overview: room for the row labels, and the width of the year axis (together they
#: fit the book's text column).
COVERAGE_LABEL_WIDTH, COVERAGE_PLOT_WIDTH = 250, 400


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
    df["year_end"] = df["year"] + 1
    y0, y1 = int(df["year"].min()), int(df["year"].max())
    color = _alt.Color("share:Q", title="Share of units with data", legend=_alt.Legend(format="%"),
                       scale=_alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=[0, 1]))
    gap_legend = _alt.Opacity("status:N", title="Gap", legend=_alt.Legend(symbolOpacity=1),
                              scale=_alt.Scale(domain=[MISSING_LABEL], range=[1]))
    # Years run on a continuous axis of fixed width, so the whole span fits the text column beside
    # the row labels (one bar per year, decades labelled), and every panel lines up with the others.
    ticks = [y for y in range(y0 - y0 % 10, y1 + 2, 10) if y0 <= y <= y1 + 1]
    panels = []
    groups = list(df.groupby("table", sort=False))
    for i, (table, d) in enumerate(groups):
        order = list(dict.fromkeys(d["row"]))
        last = i == len(groups) - 1
        x = _alt.X("year:Q", title="Year" if last else None, scale=_alt.Scale(domain=[y0, y1 + 1], nice=False),
                   axis=_alt.Axis(values=ticks, format="d", labelAngle=0, grid=True))
        y = _alt.Y("row:N", title=None, sort=order, axis=_alt.Axis(minExtent=COVERAGE_LABEL_WIDTH))
        d = d.drop(columns="table")
        have = _alt.Chart(d[d["present"] > 0]).mark_rect().encode(
            x=x, x2="year_end:Q", y=y, color=color,
            tooltip=["label:N", _alt.Tooltip("year:Q", format="d"), _alt.Tooltip("units:N", title="units with data")])
        layers = [have]
        if (d["present"] == 0).any():
            layers.append(_alt.Chart(d[d["present"] == 0]).mark_rect(color=MISSING_COLOR).encode(
                x=x, x2="year_end:Q", y=y, opacity=gap_legend,
                tooltip=["label:N", _alt.Tooltip("year:Q", format="d"), "status:N"]))
        panel = _alt.layer(*layers).properties(width=COVERAGE_PLOT_WIDTH, height={"step": 14})
        if table:
            panel = panel.properties(title=_alt.TitleParams(str(table), fontSize=13, anchor="start"))
        panels.append(panel)
    chart = panels[0] if len(panels) == 1 else _alt.vconcat(*panels, spacing=18)
    if alt is None:
        n_gap = int((df["present"] == 0).sum())
        alt = (f"Coverage of {df['label'].nunique()} series rows by year, {y0}-{y1}; "
               f"{n_gap} series-years inside a series' span have no data (grey).")
    return finish(chart, title, source, alt, note="Grey cell = missing: no figure held for that year.")


def palette(n: int) -> list[str]:
    """``n`` distinct colours: Okabe-Ito first, then :data:`PALETTE_EXTENSION` (at most 16)."""
    colours = OKABE_ITO + PALETTE_EXTENSION
    if n > len(colours):
        raise ValueError(f"{n} categories in one chart: at most {len(colours)} distinct colours; "
                         "split the chart into panels")
    return colours[:n]


def category_color(field: str, values, title: str | None = None):
    """Colour channel for a categorical field: one distinct colour per category, never reused,
    legend entries never cut."""
    domain = list(dict.fromkeys(v for v in values if pd.notna(v)))
    return alt.Color(f"{field}:N", title=title if title is not None else field,
                     scale=alt.Scale(domain=domain, range=palette(len(domain))),
                     legend=alt.Legend(labelLimit=0))


def year_axis(years, every: int | None = None) -> alt.Axis:
    """Axis of a discrete year scale: every year up to 20 years, else every 5th (or ``every``)."""
    ys = sorted({int(y) for y in years if pd.notna(y)})
    every = every or (1 if len(ys) <= 20 else 5)
    return alt.Axis(values=[y for y in ys if y % every == 0] if every > 1 else alt.Undefined,
                    labelAngle=0 if every > 1 or len(ys) <= 8 else -90, labelOverlap=True)


def _tooltips(d: pd.DataFrame, value: str, unit: str | None, fmt: str, extra=()) -> list:
    """Tooltip: the exact value with its unit, then unit/source/vintage where the data carry them."""
    tips = [f"{c}:N" if c != "year" else "year:O" for c in extra if c in d.columns]
    tips.append(alt.Tooltip(f"{value}:Q", format=fmt, title=f"{value} ({unit})" if unit else value))
    for c, t in (("unit", "unit"), ("source_id", "source"), ("vintage", "vintage")):
        if c in d.columns:
            tips.append(alt.Tooltip(f"{c}:N", title=t))
    return tips


def province_year_heatmap(df: pd.DataFrame, value: str, *, title: str, source: str, alt: str,
                          unit: str | None = None, diverging: bool = True, year: str = "year",
                          fmt: str = ",.1f"):
    """Province x year heatmap; provinces ordered and grouped by region; gaps stay blank-grey.

    ``diverging=True`` centres a blue (surplus) / orange (deficit) scale on zero. Fills the text
    column; more than 20 years are labelled every 5th year.
    """
    import altair as _alt
    extra = [c for c in ("source_id", "vintage") if c in df.columns]
    d = _label(df[["geo_code", year, value] + extra].copy())[["name_en", "region", year, value] + extra]
    if diverging:
        scale = _alt.Scale(scheme=DIVERGING_SCHEME, reverse=DIVERGING_REVERSE, domainMid=0)
    else:
        scale = _alt.Scale(scheme=SEQUENTIAL_SCHEME)
    # full grid so gaps are drawn as "missing" cells, not silently absent
    grid = pd.MultiIndex.from_product([province_order(), sorted(d[year].unique())],
                                      names=["name_en", year]).to_frame(index=False)
    full = grid.merge(d.drop(columns="region"), on=["name_en", year], how="left")
    full = full.merge(provinces.table()[["name_en", "region"]], on="name_en")
    x = _alt.X(f"{year}:O", title="Year", axis=year_axis(full[year]))
    y = _alt.Y("name_en:N", title=None, sort=province_order())
    have = full[full[value].notna()]
    vals = _alt.Chart(have).mark_rect().encode(
        x=x, y=y, color=_alt.Color(f"{value}:Q", title=unit or value, scale=scale),
        tooltip=["name_en:N", "region:N", f"{year}:O"] + _tooltips(have, value, unit, fmt))
    gaps = full[full[value].isna()][["name_en", "region", year]].assign(status=MISSING_LABEL)
    layers = [vals]
    if len(gaps):
        layers.append(_alt.Chart(gaps).mark_rect(color=MISSING_COLOR).encode(
            x=x, y=y, opacity=_alt.Opacity("status:N", title="Gap", scale=_alt.Scale(domain=[MISSING_LABEL], range=[1])),
            tooltip=["name_en:N", f"{year}:O", "status:N"]))
    chart = _alt.layer(*layers).properties(height={"step": 13})
    return finish(chart, title, source, alt,
                  note="Provinces ordered by region: East, Central, West, Northeast. Grey = missing.")


def _tile_frame(df: pd.DataFrame, value: str, year: str | None) -> pd.DataFrame:
    """Every province (x every year when ``year`` is given) with its tile position and value."""
    t = provinces.table()[["code", "abbr", "name_en", "region", "col", "row"]].rename(columns={"code": "geo_code"})
    extra = [c for c in ("unit", "source_id", "vintage") if c in df.columns]
    cols = ["geo_code", value] + extra + ([year] if year else [])
    if year:
        years = sorted(df[year].dropna().unique())
        t = t.merge(pd.DataFrame({year: years}), how="cross")
        return t.merge(df[cols], on=["geo_code", year], how="left")
    return t.merge(df[cols], on="geo_code", how="left")


def tile_key(ncols: int = 3) -> pd.DataFrame:
    """The printed key of a tile map: code -> English name, by region, in ``ncols`` columns."""
    t = provinces.table()
    t["_r"] = t["region"].map({r: i for i, r in enumerate(REGION_ORDER)})
    t = t.sort_values(["_r", "code"]).reset_index(drop=True)
    per = -(-len(t) // ncols)
    return pd.DataFrame({"key": [f"{a}  {n}" for a, n in zip(t["abbr"], t["name_en"])],
                         "name_en": t["name_en"], "kcol": t.index // per, "krow": t.index % per})


def tile_map(df: pd.DataFrame, value: str, *, title: str, source: str, alt: str,
             unit: str | None = None, diverging: bool = True, fmt: str = ",.0f",
             year: str | None = None, year_value: int | None = None, key: bool = True):
    """Tile-grid map of the 31 provinces; missing tiles grey and labelled "–".

    Hovering a tile gives the full English name, the exact value with its unit, and the source and
    vintage where ``df`` has ``source_id``/``vintage`` columns. ``key=True`` prints the key
    (two-letter code -> English name, by region) below the grid, readable without hovering.

    ``year="year"``: ``df`` is a province-year frame; a range slider (an altair parameter, no
    kernel, works offline) picks the year, starting at ``year_value`` (default: the latest).
    """
    import altair as _alt
    d = _tile_frame(df, value, year)
    v = d[value]
    lo, hi = (float(v.min()), float(v.max())) if v.notna().any() else (0.0, 1.0)
    if diverging:
        m = max(abs(lo), abs(hi)) or 1.0
        dark = (v.abs() / m) > 0.6
    else:
        dark = ((v - lo) / ((hi - lo) or 1.0)) < 0.45
    d["dark"] = [bool(k) for k in dark.fillna(False)]
    d["label"] = [a if pd.notna(x) else f"{a}\u00a0–" for a, x in zip(d["abbr"], v)]
    scale = (_alt.Scale(scheme=DIVERGING_SCHEME, reverse=DIVERGING_REVERSE, domainMid=0, domain=[lo, hi]) if diverging
             else _alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=[lo, hi]))
    n_rows = int(d["row"].max()) + 1
    kd = tile_key() if key else None
    key_rows = int(kd["krow"].max()) + 1 if key else 0
    c0, c1 = int(d["col"].min()), int(d["col"].max())
    ymax = n_rows - 0.5 + (0.3 + 0.45 * key_rows if key else 0)
    xs = _alt.Scale(domain=[c0 - 0.5, c1 + 0.5], nice=False, zero=False)
    ys = _alt.Scale(domain=[-0.5, ymax], nice=False, zero=False, reverse=True)
    d["x0"], d["x1"], d["y0"], d["y1"] = d["col"] - 0.47, d["col"] + 0.47, d["row"] - 0.46, d["row"] + 0.46
    geo = dict(x=_alt.X("x0:Q", scale=xs, axis=None), x2="x1:Q", y=_alt.Y("y0:Q", scale=ys, axis=None), y2="y1:Q")
    param = None
    if year:
        years = sorted(int(y) for y in d[year].dropna().unique())
        start = int(year_value) if year_value is not None else int(max(df.loc[df[value].notna(), year]))
        param = _alt.param(name="year_pick", value=start,
                           bind=_alt.binding_range(min=years[0], max=years[-1], step=1, name="Year "))
    base_cols = ["abbr", "name_en", "region", "x0", "x1", "y0", "y1"] + ([year] if year else [])
    have = d[d[value].notna()][base_cols + [value] + [c for c in ("unit", "source_id", "vintage") if c in d.columns]]
    miss = d[d[value].isna()][base_cols].assign(status=MISSING_LABEL)
    tip_extra = ["name_en", "region"] + ([year] if year else [])

    def yearly(ch):
        return ch.transform_filter(f"datum.{year} == year_pick") if year else ch

    layers = [yearly(_alt.Chart(have).mark_rect(cornerRadius=3).encode(
        **geo, color=_alt.Color(f"{value}:Q", title=unit or value, scale=scale),
        tooltip=_tooltips(have, value, unit, fmt, tip_extra)))]
    if len(miss):
        layers.append(yearly(_alt.Chart(miss).mark_rect(cornerRadius=3, color=MISSING_COLOR).encode(
            **geo, opacity=_alt.Opacity("status:N", title="Gap", scale=_alt.Scale(domain=[MISSING_LABEL], range=[1])),
            tooltip=[c if c != year else f"{year}:O" for c in ["name_en", "region"] + ([year] if year else [])] + ["status:N"])))
    texts = d[["col", "row", "label", "dark", "name_en"] + ([year] if year else [])]
    layers.append(yearly(_alt.Chart(texts).mark_text(fontSize=12, fontWeight=600).encode(
        x=_alt.X("col:Q", scale=xs, axis=None), y=_alt.Y("row:Q", scale=ys, axis=None), text="label:N",
        tooltip=["name_en:N"],
        color=_alt.condition("datum.dark", _alt.value("#ffffff"), _alt.value("#111111")))))
    if key:
        span = (c1 - c0 + 1) / 3
        kd = kd.assign(kx=c0 - 0.45 + kd["kcol"] * span, ky=n_rows - 0.2 + 0.45 * kd["krow"])
        layers.append(_alt.Chart(kd[["key", "name_en", "kx", "ky"]]).mark_text(
            fontSize=11, align="left", baseline="middle", color="#222222").encode(
            x=_alt.X("kx:Q", scale=xs, axis=None), y=_alt.Y("ky:Q", scale=ys, axis=None), text="key:N"))
    chart = _alt.layer(*layers).properties(height=int(42 * n_rows + (20 * key_rows + 14 if key else 0)))
    if param is not None:
        chart = chart.add_params(param)
    note = "One square per province, placed roughly by geography; grey and '–' = missing."
    if key:
        note += " Key below the grid."
    if year:
        note += " Move the slider to change the year."
    return finish(chart, title, source, alt, note=note)


# --------------------------------------------------------------------------- choropleth
#: Committed geometry (tools/maps.py): 31 provinces + Taiwan, Hong Kong, Macao.
GEOMETRY = "geo/china_provinces.geojson"
NOT_IN_DATA_LABEL = "not in the data (Taiwan, Hong Kong, Macao)"
NOT_IN_DATA_COLOR = "#efefef"
BORDER_CAVEAT = ("Borders as drawn in the source map (Apache ECharts 4.9.0), which follow the PRC's "
                 "claimed lines; they are not an endorsement of any claim.")
PROJECTION = {"type": "conicEqualArea", "parallels": [25, 47], "rotate": [-105, 0]}


def geometry() -> list[dict]:
    """The province features from ``data/geo/china_provinces.geojson`` (committed; no network)."""
    from . import paths
    p = paths.DATA / GEOMETRY
    if not p.exists():
        raise FileNotFoundError(f"{p} not found: it is committed with the repository (tools/maps.py makes it)")
    return json.loads(p.read_text(encoding="utf-8"))["features"]


#: Name of the dataset that carries the province shapes in a map's spec (see :func:`with_geometry`).
GEOMETRY_DATASET = "book_china_provinces"


def _geometry_values() -> list[dict]:
    return [{"geo_code": f["properties"]["geo_code"],
             "geo": {"type": "Feature", "geometry": f["geometry"], "properties": {}}} for f in geometry()]


def with_geometry(spec: dict) -> dict:
    """The spec with the province shapes added under ``datasets`` if a map refers to them (inline:
    the map works offline)."""
    if GEOMETRY_DATASET not in _spec_json(spec):
        return spec
    return {**spec, "datasets": {**spec.get("datasets", {}), GEOMETRY_DATASET: _geometry_values()}}


def choropleth(df: pd.DataFrame, value: str, *, title: str, source: str, alt: str,
               unit: str | None = None, diverging: bool = True, fmt: str = ",.1f",
               year: str | None = None, year_value: int | None = None, height: int = 380):
    """Map of the 31 provinces coloured by ``value`` (one row per ``geo_code``, or per province-year
    with ``year=`` and a year slider). Provinces without a value are grey ("no data"); Taiwan,
    Hong Kong and Macao are light grey ("not in the data"); the caption states the border caveat.
    The geometry is inlined in the spec from the committed file, so the map works offline.
    """
    import altair as _alt
    feats = geometry()
    base_rows = [{"geo_code": f["properties"]["geo_code"], "name_en": f["properties"]["name"],
                  "status": "no data" if f["properties"]["in_data"] else NOT_IN_DATA_LABEL} for f in feats]
    codes = {f["properties"]["geo_code"] for f in feats if f["properties"]["in_data"]}
    extra = [c for c in ("unit", "source_id", "vintage") if c in df.columns]
    d = df[["geo_code", value] + extra + ([year] if year else [])].copy()
    d = d[d["geo_code"].isin(codes) & d[value].notna()]
    d = _label(d)[["geo_code", "name_en", "region", value] + extra + ([year] if year else [])]
    # the shapes travel as a named dataset added to the finished spec (with_geometry): altair never
    # copies or validates 8,000 vertices, which took 3 s per map
    lookup = _alt.LookupData(data=_alt.NamedData(name=GEOMETRY_DATASET), key="geo_code", fields=["geo"])
    if diverging:
        scale = _alt.Scale(scheme=DIVERGING_SCHEME, reverse=DIVERGING_REVERSE, domainMid=0)
    else:
        scale = _alt.Scale(scheme=SEQUENTIAL_SCHEME)
    base = _alt.Chart(pd.DataFrame(base_rows)).transform_lookup(lookup="geo_code", from_=lookup).mark_geoshape(
        stroke="white", strokeWidth=0.6).encode(
        shape="geo:G",
        color=_alt.Color("status:N", title="Grey", scale=_alt.Scale(
            domain=["no data", NOT_IN_DATA_LABEL], range=[MISSING_COLOR, NOT_IN_DATA_COLOR]),
            legend=_alt.Legend(labelLimit=0)),
        tooltip=["name_en:N", "status:N"])
    vals = _alt.Chart(d).transform_lookup(lookup="geo_code", from_=lookup).mark_geoshape(
        stroke="white", strokeWidth=0.6).encode(
        shape="geo:G", color=_alt.Color(f"{value}:Q", title=unit or value, scale=scale),
        tooltip=_tooltips(d, value, unit, fmt, ["name_en", "region"] + ([year] if year else [])))
    if year:
        years = sorted(int(y) for y in d[year].unique())
        start = int(year_value) if year_value is not None else years[-1]
        param = _alt.param(name="year_pick", value=start,
                           bind=_alt.binding_range(min=years[0], max=years[-1], step=1, name="Year "))
        vals = vals.transform_filter(f"datum.{year} == year_pick")
    chart = _alt.layer(base, vals).resolve_scale(color="independent").project(**PROJECTION).properties(height=height)
    if year:
        chart = chart.add_params(param)
    note = ("Grey: no data; light grey: Taiwan, Hong Kong, Macao (not in the data; separate customs "
            "territories). " + BORDER_CAVEAT + (" Move the slider to change the year." if year else ""))
    return finish(chart, title, source, alt, note=note)


# --------------------------------------------------------------------------- lines and bars
def _is_year(s: pd.Series) -> bool:
    return s.dtype.kind in "iu" and s.between(1900, 2100).all()


_QUARTER = re.compile(r"^(\d{4})\s*-?Q([1-4])$")


def _quarter_dates(s: pd.Series) -> pd.Series | None:
    """'1998Q1' -> '1998-01-01' (first day of the quarter), or None if ``s`` is not quarters."""
    m = s.astype(str).str.extract(_QUARTER)
    if m.isna().any().any():
        return None
    return m[0] + "-" + ((m[1].astype(int) - 1) * 3 + 1).map("{:02d}".format) + "-01"


def line_chart(df: pd.DataFrame, x: str, y: str, *, title: str, source: str, alt: str,
               color: str | None = None, y_unit: str | None = None, x_title: str | None = None,
               y_title: str | None = None, zero_rule: bool = False, points: bool = True,
               fmt: str = ",.2f"):
    """Lines (one per ``color`` group), points marking each observation so gaps stay visible.

    Years run on a continuous axis labelled with whole years (no label per year on long spans).
    Each group has its own colour (never reused, see :func:`palette`); past 8 groups the lines
    also get dash patterns. The tooltip gives the exact value with its unit, and source and
    vintage where ``df`` carries ``source_id``/``vintage`` columns.
    """
    import altair as _alt
    extra = [c for c in ("unit", "source_id", "vintage") if c in df.columns and c not in (x, y, color)]
    cols = list(dict.fromkeys(c for c in (x, y, color) if c)) + extra
    d = df[cols].copy()
    if _is_year(d[x]):
        xenc = _alt.X(f"{x}:Q", title=x_title or x, scale=_alt.Scale(zero=False, nice=False),
                      axis=_alt.Axis(format="d", tickMinStep=1, labelOverlap=True))
    else:
        xenc = _alt.X(x, title=x_title or x)
    enc = dict(x=xenc, y=_alt.Y(f"{y}:Q", title=y_title or y),
               tooltip=([f"{color}:N"] if color else []) + [f"{x}:Q" if _is_year(d[x]) else x]
               + _tooltips(d, y, y_unit, fmt))
    if color:
        groups = d[color].dropna().unique()
        enc["color"] = category_color(color, groups)
        if len(groups) > len(OKABE_ITO):
            dom = list(dict.fromkeys(groups))
            enc["strokeDash"] = _alt.StrokeDash(f"{color}:N", legend=None, scale=_alt.Scale(
                domain=dom, range=[DASHES[i // len(OKABE_ITO) % len(DASHES)] for i in range(len(dom))]))
    chart = _alt.Chart(d).mark_line(point=points).encode(**enc)
    if zero_rule:
        chart = _alt.layer(chart, _alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#555555").encode(
            y=_alt.Y("zero:Q", title=None)))
    return finish(chart, title, source, alt, y_unit=y_unit)


def bar_chart(df: pd.DataFrame, x: str, y: str, *, title: str, source: str, alt: str,
              color: str | None = None, y_unit: str | None = None, horizontal: bool = False,
              diverging: bool = False, sort: Any = None, x_title: str | None = None, y_title: str | None = None,
              fmt: str = ",.1f", year_step: int | None = None):
    """Bars; ``diverging=True`` colours negative values orange and positive blue.

    A category column of quarters (``"1998Q1"``) becomes a time axis labelled with years only
    (every ``year_step`` years; default 2, or 5 past 40 years), so a hundred quarters fit the
    text column and the printed page.
    """
    import altair as _alt
    extra = [c for c in ("unit", "source_id", "vintage") if c in df.columns and c not in (x, y, color)]
    cols = list(dict.fromkeys(c for c in (x, y, color) if c)) + extra
    d = df[cols].copy()
    tips = [x] + _tooltips(d, y, y_unit, fmt)
    quarters = None if horizontal else _quarter_dates(d[x])
    if quarters is not None:
        d["_date"] = quarters
        span = int(d["_date"].str[:4].astype(int).max() - d["_date"].str[:4].astype(int).min()) + 1
        step = year_step or (5 if span > 40 else 2)
        cat = _alt.X("_date:T", title=x_title or x, axis=_alt.Axis(
            format="%Y", tickCount={"interval": "year", "step": step}, labelOverlap=True, labelAngle=0))
    elif horizontal:
        cat = _alt.Y(f"{x}:N", title=x_title or x, sort=sort)
    else:
        cat = _alt.X(f"{x}:N", title=x_title or x, sort=sort)
    val = _alt.Y(f"{y}:Q", title=y_title or y) if not horizontal else _alt.X(f"{y}:Q", title=y_title or y)
    enc = {"x": cat, "y": val} if not horizontal else {"y": cat, "x": val}
    enc["tooltip"] = tips
    if diverging:
        d["sign"] = d[y].map(lambda v: "surplus (+)" if v >= 0 else "deficit (−)")
        enc["color"] = _alt.Color("sign:N", title=None, scale=_alt.Scale(
            domain=["surplus (+)", "deficit (−)"], range=[OKABE_ITO[0], OKABE_ITO[3]]))
    elif color:
        enc["color"] = category_color(color, d[color].unique())
    mark = _alt.Chart(d).mark_bar(**({"width": {"band": 0.8}} if quarters is None else {}))
    if quarters is not None:
        # one bar per quarter, 2 px wide at the print width; fills its quarter on a wide screen
        mark = _alt.Chart(d).mark_bar(width={"expr": f"max(1, 0.8 * width / {len(d)})"})
    chart = mark.encode(**enc)
    return finish(chart, title, source, alt, y_unit=None if horizontal else y_unit,
                  x_unit=y_unit if horizontal else None)
