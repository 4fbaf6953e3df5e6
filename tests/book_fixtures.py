"""One book build per test run, shared by every test (and every pytest-xdist worker) that reads it.

Import the fixture into a test module with ``from book_fixtures import built_book``. The build
runs ``python -m tools.book``'s build (chapters executed through the jupyter-cache execution cache,
Sphinx ``-W -n --keep-going``) in a subprocess, into a temporary ``_build`` folder. The first
worker to need it builds it under a file lock (filelock); the others wait for it and read the
outcome, which is kept beside it in ``outcome.json``.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from helpers import paths


def build_book(out: Path) -> tuple[int, str]:
    code = ("import sys; from tools import book; "
            f"sys.exit(book.build({str(out)!r}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, capture_output=True, text=True,
                          timeout=1800)
    return proc.returncode, proc.stdout + proc.stderr


def _shared_dir(tmp_path_factory, worker_id: str) -> Path:
    """A folder of this test run that every xdist worker sees (the workers' common parent)."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "shared-book"


def _build_once(folder: Path) -> dict:
    """Build the book into ``folder/_build`` unless this run already did; return the outcome."""
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "outcome.json"
    with FileLock(str(folder / "build.lock")):
        if not record.exists():
            from tools import book
            before = {p: p.read_bytes() for p in book.chapter_notebooks()}
            status, log = build_book(folder / "_build")
            warnings = [ln for ln in log.splitlines() if "WARNING" in ln or "ERROR" in ln]
            error = None
            if status != 0 or warnings:
                error = ("book build failed (-W -n --keep-going):\n" + "\n".join(warnings[:40])
                         + "\n--- log tail ---\n" + "\n".join(log.splitlines()[-30:]))
            record.write_text(json.dumps({
                "log": log, "error": error,
                "notebooks_untouched": all(p.read_bytes() == b for p, b in before.items())}), encoding="utf-8")
    return json.loads(record.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def book_outcome(tmp_path_factory, worker_id) -> dict:
    """The shared build's log, error (None if it built cleanly) and whether book/ was left alone."""
    folder = _shared_dir(tmp_path_factory, worker_id)
    return {**_build_once(folder), "html": folder / "_build" / "html"}


@pytest.fixture(scope="session")
def built_book(book_outcome) -> Path:
    """Path of the built HTML (``<tmp>/_build/html``); the test fails if the build warned."""
    if book_outcome["error"]:
        pytest.fail(book_outcome["error"])
    return book_outcome["html"]


def chapter_pages(html: Path) -> list[Path]:
    """The built pages of the book's content (not search/genindex)."""
    return sorted(p for p in (html / "book").glob("*.html"))


def glued(built: Path, stem: str) -> dict[str, str]:
    """name -> text/markdown or text/plain of every ``glue`` in a chapter as run by the build."""
    path = built.parent / "jupyter_execute" / "book" / f"{stem}.glue.json"
    out = {}
    for name, o in json.loads(path.read_text(encoding="utf-8")).items():
        d = o["data"]
        out[name] = d.get("text/markdown") or d.get("text/plain")
    return out
