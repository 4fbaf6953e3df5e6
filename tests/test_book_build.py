"""The built book: offline (no CDN, no external script), charts with static fallback and alt text,
internal links and anchors that resolve. The build itself (-W -n --keep-going) is the fixture."""
from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


from book_fixtures import book_outcome, built_book, chapter_pages  # noqa: F401  (fixture)
from tools import book

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


@functools.lru_cache(maxsize=None)  # the built book does not change during a run; pages are large
def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_chapter_in_the_toc_was_built(built_book):
    for stem in book.toc_pages():
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
    assert len(figs) >= 2, "chapter 1 shows the coverage overview and the customs panel's coverage"
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
    assert re.search(r"\.book-chart-vis[^{]*\{\s*display:\s*none", css)
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


def test_build_executed_every_chapter_and_left_the_notebooks_alone(built_book, book_outcome):
    """The build runs the chapters through the execution cache (jupyter-cache): every chapter page
    shows outputs of a run, its glued values were recorded, and the repository's notebooks are
    byte for byte as before (they are stored without outputs)."""
    log = book_outcome["log"]
    assert "chapter(s) on" in log or "chapters are in the execution cache" in log
    for nb in book.chapter_notebooks():
        glue = built_book.parent / "jupyter_execute" / "book" / f"{nb.stem}.glue.json"
        assert glue.exists(), f"{nb.name}: the build recorded no glued values (not executed?)"
        page = (built_book / "book" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert "cell_output" in page, f"{nb.name}: the built page shows no cell output"
    assert book_outcome["notebooks_untouched"], "the build modified a notebook in book/"


PLACEHOLDER = re.compile(r"OWNER/|<owner>|example\.com|github\.com/?[\"'#]|mybinder\.org/v2/gh/[^/]*OWNER")


def test_no_link_points_to_a_placeholder(built_book):
    """While _config.yml has no repository address, no page has a repository, issue or Binder link."""
    bad = []
    for page in sorted(built_book.rglob("*.html")):
        for href in _parse(page).links:
            if PLACEHOLDER.search(href) or (book.repository_url() == "" and
                                            re.search(r"mybinder\.org|/issues/new|^https://github\.com/?$|/edit/main|/blob/main", href)):
                bad.append(f"{page.relative_to(built_book)}: {href}")
    assert not bad, "links to a placeholder or an unset repository:\n" + "\n".join(bad[:20])
