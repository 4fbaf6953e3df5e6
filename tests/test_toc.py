"""The table of contents is written by hand: it lists every page in book/ exactly once and nothing
else; the notebooks are stored without outputs (the build runs them, so no stale number is kept)."""
from __future__ import annotations

import json

from helpers import paths
from tools import book


def test_toc_lists_every_page_in_book_once():
    listed = book.toc_pages()
    assert len(listed) == len(set(listed)), "a page is listed twice in _toc.yml"
    missing = [s for s in listed if book.page_file(s) is None]
    assert not missing, f"_toc.yml lists pages with no file: {missing}"
    pages = {p.relative_to(paths.ROOT).with_suffix("").as_posix()
             for p in list(paths.BOOK.glob("*.ipynb")) + list(paths.BOOK.glob("*.md"))}
    assert pages - set(listed) == set(), f"pages in book/ not in _toc.yml: {sorted(pages - set(listed))}"
    assert listed[0] == "book/intro" and "book/07_claims_ledger" in listed


def test_notebooks_are_stored_without_outputs():
    for nb in paths.BOOK.glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        run = [i for i, c in enumerate(cells, 1) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert not run, f"{nb.name}: cells {run} carry stored outputs; clear them (the build executes every chapter)"
