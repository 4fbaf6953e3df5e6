"""Shared fixtures. Tests read data/ only, except the rebuild tests, which need ../shared/sources."""
import copy
import hashlib
from pathlib import Path

import pytest

from helpers import paths


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
SLOW_FIXTURES = {"built_book", "student_html", "teacher_html", "shared_sources", "clone", "browser", "server"}


def pytest_collection_modifyitems(config, items):
    """Mark the slow tests so that `make test-fast` (-m "not slow") leaves them out."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
