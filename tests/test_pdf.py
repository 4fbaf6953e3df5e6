"""`make pdf` (tools/pdf.py): the whole built book as one printable PDF.

Printing is Chromium's slowest work, so Chromium really prints three representative pages (the
opening page, a chapter with charts and a displayed formula, the claims ledger). The assembly of
the whole book (every page of ``_toc.yml`` in order, the contents, the page numbers, the
bookmarks) is checked with a stand-in printer that makes one blank A4 page per page. The publish
workflow prints the whole book with ``make pdf``."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pypdf

from tools import book, pdf

PRINTED = ["book/intro", "book/02_data_sources", "book/07_claims_ledger"]


class _StandIn:
    """A browser whose context 'prints' every URL as one blank A4 page."""

    def new_context(self):
        return self

    def close(self):
        pass


def _blank_page(ctx, url, out):
    """One blank page per page of the book; as many as tools.pdf's own pages (the contents, the
    page-number overlay) lay out."""
    n = 1
    if url.startswith("file:"):
        n = Path(url2pathname(urlsplit(url).path)).read_text(encoding="utf-8").count("<div class='p")
    w = pypdf.PdfWriter()
    for _ in range(n):
        w.add_blank_page(width=595, height=842)
    with open(out, "wb") as fh:
        w.write(fh)
    return out


def test_pdf_assembles_every_page_of_the_toc_in_order(built_book, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "print_pdf", _blank_page)
    r = pypdf.PdfReader(pdf.build(built_book, tmp_path / "book.pdf", browser=_StandIn()))
    pages = book.toc_pages()
    assert [o.title for o in r.outline] == [pdf.page_title(built_book / f"{p}.html") for p in pages]
    assert len(r.pages) == 1 + len(pages)  # the contents, then one (blank) page per page of the book
    assert [r.get_destination_page_number(o) for o in r.outline] == list(range(1, len(pages) + 1))


def test_make_pdf_prints_contents_page_numbers_and_bookmarks(built_book, browser, tmp_path):
    """Chromium prints: a contents page listing each printed page, numbered A4 pages, a bookmark
    per page in order, the print style (static charts, not the interactive ones; no code toggles)."""
    out = pdf.build(built_book, tmp_path / "book.pdf", pages=PRINTED, browser=browser)
    r = pypdf.PdfReader(out)
    titles = [pdf.page_title(built_book / f"{p}.html") for p in PRINTED]
    assert [o.title for o in r.outline] == titles
    contents = r.pages[0].extract_text()
    assert "Contents" in contents and all(t in contents for t in titles)
    assert r.pages[2].extract_text().strip().endswith("3")
    assert {(round(float(pg.mediabox.width)), round(float(pg.mediabox.height))) for pg in r.pages} == {(595, 842)}
    text = "\n".join(pg.extract_text() for pg in r.pages)
    assert "Show code cell source" not in text
    assert "Source:" in text  # the charts' source notes, printed from their static copies
    assert len(r.pages) > 10
