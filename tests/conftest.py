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
