"""Shared fixtures. Tests read data/ only, except the rebuild tests, which need ../shared/sources."""
import copy
import hashlib
import os
from pathlib import Path

import pytest

from helpers import paths

#: the shared book build (built_book, book_outcome) is available to every test module
pytest_plugins = ["book_fixtures"]


@pytest.fixture(scope="session")
def shared_sources() -> Path:
    src = paths.shared_sources()
    if not src.exists():
        pytest.skip(f"raw sources not found at {src} (put ../shared beside the repository to run the rebuild tests)")
    return src


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return paths.ROOT


#: Fixtures that build the book, rebuild data/ or make a clone: a test using one is `slow`.
SLOW_FIXTURES = {"built_book", "book_outcome", "student_html", "teacher_html", "shared_sources", "clone", "browser",
                 "server", "context"}
#: Work that tests share within one process, one pytest-xdist group each: the visits of the built
#: pages (tests/test_browser.py), the teacher's build, the memoised raw-data build. (The student
#: book is built once per run for every worker: tests/book_fixtures.py.)
XDIST_GROUPS = {"page-visits": {"server", "context", "visits"}, "teacher": {"teacher_html"},
                "raw-sources": {"shared_sources"}}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks added here
def pytest_collection_modifyitems(config, items):
    """Mark the slow tests so that `make test-fast` (-m "not slow") leaves them out. Tests marked
    `binder` (a brand-new environment installed from the package index) run only in `make binder`
    (BOOK_BINDER_FULL=1), the CI job of that name; elsewhere they are deselected, not skipped."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if SLOW_FIXTURES & used:
            item.add_marker(pytest.mark.slow)
        # pytest-xdist (--dist loadgroup): tests that share a process's fixtures run in one worker,
        # so the shared work is done once
        for group, fixtures in XDIST_GROUPS.items():
            if fixtures & used:
                item.add_marker(pytest.mark.xdist_group(group))
                break
    if not os.environ.get("BOOK_BINDER_FULL"):
        binder = [item for item in items if item.get_closest_marker("binder")]
        if binder:
            config.hook.pytest_deselected(items=binder)
            items[:] = [item for item in items if not item.get_closest_marker("binder")]
    # the longest work first, so that no worker is left with it at the end (a stable sort: the
    # order within each rank is the files' order)
    items.sort(key=_rank)


#: What runs first: printing the PDF (it waits for the shared book build), the raw-data build
#: (which runs meanwhile), the page visits, the teacher's build; then everything else.
FIRST = ({"browser"}, {"shared_sources"}, {"server", "context", "visits"}, {"teacher_html"})


def _rank(item) -> int:
    used = set(getattr(item, "fixturenames", ()))
    return next((i for i, fixtures in enumerate(FIRST) if fixtures & used), len(FIRST))


@pytest.fixture(autouse=True, scope="session")
def _build_collect_once_per_content():
    """Several tests rebuild data/ from the same raw files (rebuild, build guard, reader imports):
    the builders' output is a pure function of the raw files' bytes, so within one session it is
    computed once per distinct set of raw files (keyed by their sha256) and handed out as a copy.
    A test that damages a raw file gets a different key, and a real build."""
    from tools import build
    original = build.collect
    memo: dict = {}

    def collect(src, only=None):
        src = Path(src)
        key = (tuple(sorted((p.relative_to(src).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
                            for p in src.rglob("*") if p.is_file())), tuple(only or ()), tuple(build.BUILDERS))
        if key not in memo:
            memo[key] = original(src, only)
        return copy.deepcopy(memo[key])

    build.collect = collect
    yield
    build.collect = original


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per worker (tools.pdf.launch: the system's Chromium, or Chrome on
    GitHub's runners, resolving no host but 127.0.0.1)."""
    from tools import pdf
    try:
        pdf.chromium()
    except SystemExit as e:
        pytest.skip(str(e))
    with pdf.launch() as b:
        yield b
