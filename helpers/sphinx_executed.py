"""Sphinx extension: render each chapter from its fresh run while the other chapters still run.

``python -m helpers.book build`` starts every chapter (:mod:`helpers.execute`) and then Sphinx,
with MyST-NB's own execution off. While a build is active (:func:`active`), this extension

* orders the pages Sphinx reads: the pages without code first, then the chapters in the order
  they are expected to finish, so Sphinx works while the chapters run;
* replaces each chapter's text, as Sphinx reads it, with the freshly executed notebook
  (waiting for it if need be). The repository's notebooks are never written.

A chapter that fails is recorded (:data:`FAILURE`) and stops the runner; the build then
reports it by name and fails. Outside such a build (a plain ``jupyter-book build``) the
extension does nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

#: the running :class:`helpers.execute.Job` and the Sphinx source folder, while a build is active
_ACTIVE: dict = {}
#: the first chapter failure of the active build (a NotebookError), if any
FAILURE: list = []


@contextmanager
def active(job, srcdir: Path):
    """Make ``job``'s runs the chapters' text for the Sphinx build run inside this block."""
    _ACTIVE.clear()
    FAILURE.clear()
    _ACTIVE.update(job=job, srcdir=Path(srcdir).resolve(), docs={_docname(p, srcdir): p for p in job.paths})
    try:
        yield
    finally:
        _ACTIVE.clear()


def _docname(path: Path, srcdir: Path) -> str:
    return Path(path).resolve().relative_to(Path(srcdir).resolve()).with_suffix("").as_posix()


def _order(app, env, docnames: list[str]) -> None:
    if not _ACTIVE:
        return
    docs = _ACTIVE["docs"]
    expected = [_docname(p, _ACTIVE["srcdir"]) for p in _ACTIVE["job"].expected_order()]
    rank = {d: i for i, d in enumerate(expected)}
    docnames.sort(key=lambda d: (d in docs, rank.get(d, -1), d))


def _swap(app, docname: str, source: list[str]) -> None:
    if not _ACTIVE or docname not in _ACTIVE["docs"] or FAILURE:
        return
    import nbformat
    from . import execute
    try:
        run = _ACTIVE["job"].result(_ACTIVE["docs"][docname])
    except execute.NotebookError as e:
        FAILURE.append(e)  # keep the stored text; the build fails after Sphinx with this message
        return
    source[0] = nbformat.writes(run.nb)


def setup(app):
    app.connect("env-before-read-docs", _order)
    app.connect("source-read", _swap)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
