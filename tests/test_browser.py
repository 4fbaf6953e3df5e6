"""The built book in a real browser (headless Chromium, offline): every chart renders, has alt
text, no console errors, and no request leaves 127.0.0.1. (The browser is conftest.py's.)"""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from book_fixtures import built_book, chapter_pages  # noqa: F401  (fixture)
from tools import pdf


@pytest.fixture(scope="module")
def server(built_book):
    httpd, url = pdf.serve(built_book)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for every visit (pages share its cache, as a reader's tabs do)."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


def _open(context, server, rel: str):
    """Open a page, recording every request that is not to the local server (Chromium resolves
    no other host: tools.pdf.FLAGS), console errors and page errors; return (page, log)."""
    log = {"external": [], "console": [], "pageerror": []}
    page = context.new_page()
    page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else log["external"].append(r.url))
    page.on("console", lambda m: log["console"].append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None)
    page.on("pageerror", lambda e: log["pageerror"].append(str(e)))
    page.goto(f"{server}/{rel}", wait_until="load")
    return page, log


WIDTHS = (1300, 375)


def _check_render(page, rel: str, problems: list) -> int:
    """Every chart drawn, with alt text; the static fallback hidden once the chart is drawn."""
    figs = page.locator("figure.book-chart")
    n = figs.count()
    for i in range(n):
        fig = figs.nth(i)
        vis = fig.locator(".book-chart-vis")
        label = vis.get_attribute("aria-label") or ""
        if len(label) < 15:
            problems.append(f"{rel} chart {i}: no alt text")
        drawn = vis.locator("svg, canvas").first
        box = drawn.bounding_box() if drawn.count() else None
        if not box or box["width"] < 50 or box["height"] < 20:
            problems.append(f"{rel} chart {i}: nothing drawn ({box})")
        # once rendered, the static fallback is hidden on screen (it is for print/no-JS)
        if fig.locator("img.book-chart-static").is_visible():
            problems.append(f"{rel} chart {i}: static fallback still visible after rendering")
        if fig.locator("img.book-chart-static").get_attribute("alt") != label:
            problems.append(f"{rel} chart {i}: image alt differs from aria-label")
    return n


_TEXT_SIZES = """() => [...document.querySelectorAll('figure.book-chart .book-chart-vis svg text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => [parseFloat(getComputedStyle(t).fontSize) *
               (t.getScreenCTM() ? Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b) : 1)  /* rotated labels too */,
               t.textContent.slice(0, 30)])"""


#: Resolves after two animation frames: a window resize is dispatched, and the container-width
#: charts redraw, before the frame's animation callbacks run.
_TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


def _check_width(page, rel: str, width: int, problems: list) -> None:
    """No chart text under 11 px on screen, and no page wider than the window."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate(_TWO_FRAMES)  # container-width charts redraw after the resize
    small = [(round(s, 1), txt) for s, txt in page.evaluate(_TEXT_SIZES) if s < 10.95]
    if small:
        problems.append(f"{rel} @{width}px: {len(small)} chart texts under 11 px, e.g. {small[:3]}")
    over = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if over > 1:
        problems.append(f"{rel} @{width}px: page scrolls sideways by {over}px")


def _check_controls(page, rel: str, problems: list) -> int:
    """Every bound control (year slider, choice of balance or coastal set) redraws its chart."""
    n = 0
    figs = page.locator("figure.book-chart")
    for i in range(figs.count()):
        fig = figs.nth(i)
        controls = fig.locator(".vega-bindings input[type=range], .vega-bindings select, "
                               ".vega-bindings input[type=radio]:not(:checked)")
        for j in range(controls.count()):
            c = controls.nth(j)
            before = fig.locator(".book-chart-vis svg").first.inner_html()
            kind = c.evaluate("el => el.tagName === 'SELECT' ? 'select' : el.type")
            if kind == "range":
                c.evaluate("(el) => { el.value = el.min; el.dispatchEvent(new Event('input', {bubbles: true})); }")
            elif kind == "select":
                c.evaluate("(el) => { el.selectedIndex = el.options.length - 1; "
                           "el.dispatchEvent(new Event('change', {bubbles: true})); }")
            else:
                c.check()
            try:  # the view redraws asynchronously
                page.wait_for_function("([fig, before]) => fig.querySelector('.book-chart-vis svg').innerHTML !== before",
                                       arg=[fig.element_handle(), before], timeout=5_000)
            except PlaywrightTimeout:  # a chart that never changes is the failure reported
                problems.append(f"{rel} chart {i} control {j} ({kind}): the chart did not change within 5 s")
            n += 1
    return n


@pytest.fixture(scope="module")
def visits(context, server, built_book) -> dict:
    """Each page of the book visited once, offline: what every check below found."""
    found = {"render": [], "width": [], "controls": [], "offline": [], "n_charts": 0, "n_controls": 0}
    pages = chapter_pages(built_book)
    assert pages
    for path in pages:
        rel = path.relative_to(built_book).as_posix()
        page, log = _open(context, server, rel)
        try:
            n = page.locator("figure.book-chart").count()
            if n:
                page.wait_for_function(
                    "n => document.querySelectorAll('figure.book-chart.book-chart-rendered').length >= n",
                    arg=n, timeout=30_000)
            found["n_charts"] += _check_render(page, rel, found["render"])
            for width in WIDTHS:
                _check_width(page, rel, width, found["width"])
            found["n_controls"] += _check_controls(page, rel, found["controls"])
            if log["external"]:
                found["offline"].append(f"{rel}: tried to reach {log['external'][:3]}")
            if log["console"] or log["pageerror"]:
                found["offline"].append(f"{rel}: console errors {(log['console'] + log['pageerror'])[:3]}")
        finally:
            page.close()
    return found


def test_every_chapter_renders_its_charts_offline(visits):
    assert not visits["render"] + visits["offline"], "\n".join(visits["render"] + visits["offline"])
    assert visits["n_charts"] >= 3


def test_charts_legible_and_no_sideways_scroll(visits):
    """At 1300 px (laptop) and 375 px (phone): no chart text under 11 px, no page scrolls sideways."""
    assert not visits["width"], "\n".join(visits["width"])


def test_every_control_redraws_its_chart_offline(visits):
    """Year sliders on the maps, the choice of balance and of coastal definition work without a network."""
    assert not visits["controls"], "\n".join(visits["controls"])
    assert visits["n_controls"] > 0, "no chapter has an interactive control (year slider, balance or coastal-set choice)"


def test_print_media_shows_static_chart(context, server):
    page, log = _open(context, server, "book/01_argument_and_data.html")
    try:
        page.wait_for_selector("figure.book-chart.book-chart-rendered", timeout=30_000)
        page.emulate_media(media="print")
        fig = page.locator("figure.book-chart").first
        assert fig.locator("img.book-chart-static").is_visible()
        assert not fig.locator(".book-chart-vis").is_visible()
        img_w = page.evaluate("() => document.querySelector('figure.book-chart img.book-chart-static').naturalWidth")
        assert img_w > 100  # the SVG data URI decoded into a real image
    finally:
        page.close()


def test_without_javascript_the_static_chart_shows(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(f"{server}/book/01_argument_and_data.html", wait_until="load")
        img = page.locator("figure.book-chart img.book-chart-static").first
        assert img.is_visible()
        assert len(img.get_attribute("alt") or "") > 15
    finally:
        ctx.close()
