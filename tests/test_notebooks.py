"""Every chapter notebook runs top to bottom, and its stored outputs (the published numbers) are
exactly what a fresh run produces. If this fails after data/ or helpers/ changed, refresh the
stored outputs with `python -m helpers.book execute book/<notebook>.ipynb` and review the diff."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers import paths

NOTEBOOKS = sorted(paths.BOOK.glob("*.ipynb"))

# volatile fields: counters, metadata (timings, kernel versions), and generated ids
DIFF_IGNORE = (
    "/metadata/language_info",
    "/metadata/kernelspec",
    "/metadata/widgets",
    "/cells/*/execution_count",
    "/cells/*/metadata",
    "/cells/*/outputs/*/execution_count",
    "/cells/*/outputs/*/metadata",
    "/cells/*/outputs/*/data/application/vnd.jupyter.widget-view+json",
    "/cells/*/outputs/*/data/image/svg+xml",   # same SVG as in text/html, checked via the chart id
)
_HTML = "/cells/*/outputs/*/data/text/html"
_PLAIN = "/cells/*/outputs/*/data/text/plain"
# A chart (helpers.charts) is compared by its id, a hash of its whole spec (data included), plus its
# alt text; the bulky inline spec and base64 SVG are blanked (the SVG is a pure function of the
# spec) so a changed chart gives a short diff instead of a character diff of a megabyte.
DIFF_REPLACE = (
    (_HTML, r"base64,[A-Za-z0-9+/=]+", "base64,SVG"),
    (_HTML, r"spec=\{.*?\};function draw", "spec=SPEC;function draw"),
    (_HTML, r"T_[0-9a-f]{5}(?=[_\"])", "T_ID"),                 # pandas Styler table ids
    (_PLAIN, r"at 0x[0-9a-f]+", "at 0xID"),                  # object reprs
)


def test_there_are_chapters():
    assert (paths.BOOK / "01_argument_and_data.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_with_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    missing = [i for i, c in enumerate(nb.cells) if c in code and c.execution_count is None]
    assert not missing, (f"{path.name}: cells {missing} were never run; store outputs with "
                         f"`python -m helpers.book execute {path.relative_to(paths.ROOT)}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_matches_stored_outputs(path: Path):
    from pytest_notebook.nb_regression import NBRegressionFixture

    fixture = NBRegressionFixture(exec_timeout=120, exec_cwd=str(path.parent), diff_ignore=DIFF_IGNORE,
                                  diff_replace=DIFF_REPLACE, diff_color_words=False, force_regen=False)
    result = fixture.check(str(path), raise_errors=False)
    err = result.process_resources.get("execution_error") if hasattr(result, "process_resources") else None
    assert err is None, f"{path.name} failed to run: {err}"
    assert not result.diff_filtered, (
        f"{path.name}: stored outputs differ from a fresh run; refresh with "
        f"`python -m helpers.book execute {path.relative_to(paths.ROOT)}`\n{result.diff_string[:3000]}")
