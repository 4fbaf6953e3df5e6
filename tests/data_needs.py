"""Shared by the analysis tests: a series missing from data/ fails the test and says how to fix it."""
import pytest

from helpers import data


def need_series(series: str) -> None:
    try:
        data.series(series)
    except data.UnknownTableError:
        pytest.fail(f"no table in data/ has {series!r}: run `make data`")
