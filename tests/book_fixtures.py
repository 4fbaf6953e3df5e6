"""One book build per test session, shared by test_book_build.py and test_browser.py.

Import the fixture into a test module with ``from book_fixtures import built_book``. The build
runs ``python -m tools.book``'s build (chapters executed through the jupyter-cache execution cache,
Sphinx ``-W -n --keep-going``) in a subprocess, into a temporary ``_build`` folder.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import paths

_CACHE: dict[str, object] = {}


def build_book(out: Path) -> tuple[int, str]:
    code = ("import sys; from tools import book; "
            f"sys.exit(book.build({str(out)!r}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, capture_output=True, text=True,
                          timeout=1800)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Path of the built HTML (``<tmp>/_build/html``); the test fails if the build warned."""
    if "error" in _CACHE:
        pytest.fail(_CACHE["error"])
    if "html" not in _CACHE:
        out = tmp_path_factory.mktemp("book") / "_build"
        from tools import book
        before = {p: p.read_bytes() for p in book.chapter_notebooks()}
        status, log = build_book(out)
        _CACHE["log"] = log
        _CACHE["notebooks_untouched"] = all(p.read_bytes() == b for p, b in before.items())
        warnings = [ln for ln in log.splitlines() if "WARNING" in ln or "ERROR" in ln]
        if status != 0 or warnings:
            _CACHE["error"] = ("book build failed (-W -n --keep-going):\n" + "\n".join(warnings[:40])
                               + "\n--- log tail ---\n" + "\n".join(log.splitlines()[-30:]))
            pytest.fail(_CACHE["error"])
        _CACHE["html"] = out / "html"
        _CACHE["out"] = out
    return _CACHE["html"]  # type: ignore[return-value]


def chapter_pages(html: Path) -> list[Path]:
    """The built pages of the book's content (not search/genindex)."""
    return sorted(p for p in (html / "book").glob("*.html"))


def glued(built: Path, stem: str) -> dict[str, str]:
    """name -> text/markdown or text/plain of every ``glue`` in a chapter as run by the build."""
    path = built.parent / "jupyter_execute" / "book" / f"{stem}.glue.json"
    import json
    out = {}
    for name, o in json.loads(path.read_text(encoding="utf-8")).items():
        d = o["data"]
        out[name] = d.get("text/markdown") or d.get("text/plain")
    return out
