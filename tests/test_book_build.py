"""The built book: offline (no CDN, no external script), charts with static fallback and alt text,
internal links and anchors that resolve. The build itself (-W -n --keep-going) is the fixture."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from book_fixtures import built_book, chapter_pages  # noqa: F401  (fixture)
from helpers import book

CDN = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs\.|googleapis\.com|gstatic\.com|cdn\.plot\.ly|"
                 r"mathjax@|polyfill\.io|code\.jquery|vega\.github\.io/vega(?:-lite|-embed)?@")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.external_loads: list[str] = []
        self.figures: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for attr in ("src", "href") if tag in ("script", "link", "img", "iframe", "source", "audio", "video") else ():
            v = a.get(attr) or ""
            if tag == "link" and a.get("rel") not in ("stylesheet", "preload", "modulepreload", "icon", "prefetch"):
                continue
            if v.startswith(("http:", "https:", "//")):
                self.external_loads.append(f"<{tag} {attr}={v}>")
        if tag == "figure" and "book-chart" in (a.get("class") or "").split():
            self.figures.append({"id": a.get("id"), "vis": None, "img": None})
        if self.figures and tag == "div" and "book-chart-vis" in (a.get("class") or ""):
            self.figures[-1]["vis"] = a
        if self.figures and tag == "img" and "book-chart-static" in (a.get("class") or ""):
            self.figures[-1]["img"] = a


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_chapter_in_the_toc_was_built(built_book):
    toc, _ = book.effective_plan()
    stems = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    for stem in stems:
        assert (built_book / f"{stem}.html").exists(), f"{stem} missing from the built book"
    assert (built_book / "book" / "01_argument_and_data.html").exists()


def test_no_cdn_or_external_script(built_book):
    offenders = []
    for f in list(built_book.rglob("*.html")) + list(built_book.rglob("*.js")):
        text = f.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"""<script[^>]*\bsrc=["']?(https?:)?//""", text):
            offenders.append(f"{f.relative_to(built_book)}: {text[m.start():m.end() + 60]}")
        for m in CDN.finditer(text):
            offenders.append(f"{f.relative_to(built_book)}: ...{text[max(0, m.start() - 60):m.end() + 40]}...")
        if f.suffix == ".html":
            offenders += [f"{f.relative_to(built_book)}: {x}" for x in _parse(f).external_loads]
    assert not offenders, "the built book loads from the internet:\n" + "\n".join(offenders[:20])


def test_vega_runtime_loaded_once_per_chart_page(built_book):
    bundle = built_book / "_static" / "vega-bundle.js"
    assert bundle.exists() and bundle.stat().st_size > 100_000
    for page in chapter_pages(built_book):
        text = page.read_text(encoding="utf-8")
        if 'class="book-chart"' not in text:
            continue
        assert len(re.findall(r'<script[^>]+src="[^"]*vega-bundle\.js', text)) == 1, page.name
        # the runtime is never inlined into a page
        assert "window.vegaEmbed=" not in text.replace(" ", ""), page.name


def test_charts_have_static_fallback_and_alt_text(built_book):
    ch1 = built_book / "book" / "01_argument_and_data.html"
    figs = _parse(ch1).figures
    assert len(figs) >= 3, "chapter 1 shows the provincial and national coverage and one heatmap"
    for page in chapter_pages(built_book):
        for fig in _parse(page).figures:
            where = f"{page.name} #{fig['id']}"
            assert re.fullmatch(r"chart-[0-9a-f]{16}", fig["id"] or ""), where
            assert fig["vis"] is not None and fig["vis"].get("role") == "img", where
            assert len(fig["vis"].get("aria-label") or "") > 15, f"{where}: no alt text"
            img = fig["img"]
            assert img is not None and img.get("src", "").startswith("data:image/svg+xml;base64,"), where
            assert img.get("alt") == fig["vis"]["aria-label"], where


def test_print_stylesheet_shows_static_charts(built_book):
    css = (built_book / "_static" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.book-chart-vis\s*\{\s*display:\s*none", css)
    assert re.search(r"\.book-chart-static[^{]*\{\s*display:\s*block", css)
    ch1 = (built_book / "book" / "01_argument_and_data.html").read_text(encoding="utf-8")
    links = [t for t in re.findall(r"<link[^>]+>", ch1) if "print.css" in t]
    assert len(links) == 1 and 'media="print"' in links[0], links


def test_chapter_one_numbers_are_glued_from_data(built_book):
    from helpers import coverage
    f = coverage.facts()
    text = (built_book / "book" / "01_argument_and_data.html").read_text(encoding="utf-8")
    plain = re.sub(r"<[^>]+>", "", text)
    assert f"holds {f['n_tables']} tables" in re.sub(r"\s+", " ", plain)
    assert f"{f['n_observations']:,} observations" in re.sub(r"\s+", " ", plain)


def test_internal_links_and_anchors_resolve(built_book):
    pages = {p.resolve(): _parse(p) for p in built_book.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for href in parsed.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_book.resolve())}: {href} (no file)")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(built_book.resolve())}: {href} (no anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:30])


def test_build_executed_every_chapter_and_left_the_notebooks_alone(built_book):
    """The build runs each chapter (helpers.execute) and Sphinx renders the fresh runs
    (helpers.sphinx_executed): the log names every chapter, the page's downloadable notebook is
    the executed one, and the repository's notebooks are byte for byte as before."""
    import nbformat
    from book_fixtures import _CACHE
    from helpers import book
    log = _CACHE["log"]
    assert f"executed {len(book.chapter_notebooks())} notebooks" in log
    for nb in book.chapter_notebooks():
        assert nb.stem in log, f"the build log does not name {nb.stem}"
        src = built_book / "_sources" / "book" / nb.name
        assert src.exists(), f"{nb.name}: no downloadable notebook in _sources"
        run = nbformat.read(src, as_version=4)
        code = [c for c in run.cells if c.cell_type == "code" and c.source.strip()]
        assert code and all(c.execution_count for c in code), f"{nb.name}: the offered notebook was not run"
    assert _CACHE["notebooks_untouched"], "the build modified a notebook in book/"
