"""``python -m tools.pdf [HTML_DIR] [--out PDF]``: the whole book as one printable PDF.

``make pdf`` runs it after ``make book``. One headless Chromium (Debian package ``chromium``, or Chrome),
driven by Playwright, prints every page of the built HTML book in ``_toc.yml`` order, through a
local web server (no network: no other host resolves), with the book's print style sheet
(``book/_static/print.css``: A4, static chart copies at the page width, no sidebars). pypdf then
merges the chapters, puts a table of contents with page numbers in front, stamps a page number
at the foot of every page and adds PDF bookmarks per chapter.

Needs: Chromium, ``playwright`` and ``pypdf`` (``pip install .[pdf]``). Output: ``_build/pdf/book.pdf``.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import html
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from tools import book

ROOT = Path(__file__).resolve().parent.parent
#: Where a Chromium-based browser is looked for: Debian's package, then Ubuntu's, then the Google
#: Chrome that GitHub's Ubuntu runners carry.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Chromium's switches: no first-run or background traffic, and no host resolves except 127.0.0.1,
#: so nothing a page asks for can leave the machine (the book is self-contained).
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
TITLE = "Spatial Dimensions of Domestic Rebalancing in China: the companion book"


def chromium() -> str:
    """The browser's path; SystemExit naming the packages to install if there is none."""
    exe = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if not exe:
        raise SystemExit(f"no Chromium found (looked for {', '.join(BROWSERS)}): "
                         "install the Debian package chromium (apt-get install chromium)")
    return exe


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    """A web server on 127.0.0.1 for ``folder`` (module scripts do not load from file://)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@contextlib.contextmanager
def launch():
    """One headless Chromium for every page (Playwright, the system's Chromium)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def print_pdf(ctx, url: str, out: Path) -> Path:
    """``url`` printed to ``out`` as Chromium's print preview would (the page's @page size and
    margins, backgrounds, print media), in a new page of the browser context ``ctx``."""
    page = ctx.new_page()
    try:
        page.goto(url, wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"Chromium could not print {url}")
    return out


def page_title(path: Path) -> str:
    import re
    m = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8", errors="replace"), re.S)
    t = html.unescape(m.group(1)).strip() if m else path.stem
    return re.split(r"\s+[—|-]\s+", t)[0].strip() or path.stem


def _html_page(body: str) -> str:
    return ("<!doctype html><html><head><meta charset='utf-8'><style>"
            "@page{size:A4;margin:0}*{box-sizing:border-box}.p:last-child{page-break-after:auto}body{margin:0;font-family:'Noto Sans','DejaVu Sans',sans-serif}"
            ".p{height:297mm;position:relative;page-break-after:always;overflow:hidden}"
            ".n{position:absolute;bottom:8mm;width:100%;text-align:center;font-size:10pt;color:#444}"
            ".toc{padding:25mm 20mm}.toc h1{font-size:22pt}.toc h2{font-size:15pt;margin-top:12mm}"
            ".toc td{padding:2mm 0;font-size:12pt}.toc td.pg{text-align:right;padding-left:8mm}"
            f"</style></head><body>{body}</body></html>")


def toc_html(entries: list[tuple[str, int]]) -> str:
    rows = "".join(f"<tr><td>{html.escape(t)}</td><td class='pg'>{p}</td></tr>" for t, p in entries)
    return _html_page(f"<div class='p toc'><h1>{html.escape(TITLE)}</h1><h2>Contents</h2>"
                      f"<table style='width:100%'>{rows}</table></div>")


def numbers_html(n: int, first: int = 1) -> str:
    return _html_page("".join(f"<div class='p'><div class='n'>{k}</div></div>" for k in range(first, first + n)))


def build(html_dir: Path, out: Path, toc: Path = ROOT / "_toc.yml", pages: list[str] | None = None,
          browser=None) -> Path:
    """Print ``pages`` (default: every page of ``toc``) of ``html_dir`` into ``out``; ``browser``
    (a Playwright browser) is used if given, else one is launched for the run."""
    from pypdf import PdfReader, PdfWriter

    html_dir = Path(html_dir)
    pages = pages or book.toc_pages(toc)
    missing = [p for p in pages if not (html_dir / f"{p}.html").exists()]
    if missing:
        raise SystemExit(f"{html_dir} lacks {missing}: run `make book` first")
    out.parent.mkdir(parents=True, exist_ok=True)
    httpd, base = serve(html_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="book-pdf-") as tmp, \
                (contextlib.nullcontext(browser) if browser else launch()) as browser:
            tmp = Path(tmp)
            ctx = browser.new_context()  # one context: its pages share the cache, the scripts load once
            files = [print_pdf(ctx, f"{base}/{p}.html", tmp / f"{i:02d}.pdf") for i, p in enumerate(pages)]
            parts = []
            for p, f in zip(pages, files):
                parts.append((page_title(html_dir / f"{p}.html"), PdfReader(f)))
                print(f"printed {p}.html: {len(parts[-1][1].pages)} pages")
            # table of contents: one page (two if the book grows), page numbers counted after it
            n_toc = 1
            starts, k = [], n_toc + 1
            for _, r in parts:
                starts.append(k)
                k += len(r.pages)
            (tmp / "toc.html").write_text(toc_html([(t, s) for (t, _), s in zip(parts, starts)]), encoding="utf-8")
            toc_pdf = PdfReader(print_pdf(ctx, (tmp / "toc.html").as_uri(), tmp / "toc.pdf"))
            if len(toc_pdf.pages) != n_toc:
                raise RuntimeError(f"the contents take {len(toc_pdf.pages)} pages, expected {n_toc}")
            total = k - 1
            (tmp / "numbers.html").write_text(numbers_html(total), encoding="utf-8")
            numbers = PdfReader(print_pdf(ctx, (tmp / "numbers.html").as_uri(), tmp / "numbers.pdf"))
            ctx.close()

            w = PdfWriter()
            for pg in toc_pdf.pages:
                w.add_page(pg)
            for (title, r), start in zip(parts, starts):
                for pg in r.pages:
                    w.add_page(pg)
                w.add_outline_item(title=title, page_number=start - 1)
            for i, pg in enumerate(w.pages):
                if i >= n_toc:
                    pg.merge_page(numbers.pages[i])
            w.add_metadata({"/Title": TITLE})
            w.page_mode = "/UseOutlines"
            with open(out, "wb") as fh:
                w.write(fh)
    finally:
        httpd.shutdown()
        httpd.server_close()
    print(f"wrote {out}: {total} pages, {len(parts)} chapters")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.pdf", description=__doc__.split("\n\n")[0])
    ap.add_argument("html", nargs="?", default=str(ROOT / "_build" / "html"), help="built HTML book (default _build/html)")
    ap.add_argument("--out", default=str(ROOT / "_build" / "pdf" / "book.pdf"))
    ap.add_argument("--toc", default=str(ROOT / "_toc.yml"))
    args = ap.parse_args(argv)
    build(Path(args.html), Path(args.out), Path(args.toc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
