"""Shared fixtures. Tests read data/ only, except the rebuild tests, which need ../shared/sources."""
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
