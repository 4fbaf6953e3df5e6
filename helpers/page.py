"""What a chapter needs to put computed numbers into its prose: one ``glue`` for every chapter.

::

    from helpers.page import glue, glue_all
    glue("n_years", 12)                       # {glue:text}`n_years` in a Markdown cell
    glue_all(decomposition.key_figures(2007))  # every named value a function returns

Values are glued without display (they appear only where the prose names them); numpy scalars
become plain Python numbers so that format specs such as ``:.1f`` work in ``{glue:text}``.
"""
from __future__ import annotations

from typing import Any, Mapping


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def glue(name: str, value: Any) -> Any:
    """Glue one value under ``name`` (not displayed) and return it as a plain Python value."""
    from myst_nb import glue as _glue
    value = _plain(value)
    _glue(name, value, display=False)
    return value


def glue_all(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Glue every item of a mapping (e.g. the named figures an analysis function returns)."""
    return {f"{prefix}{k}": glue(f"{prefix}{k}", v) for k, v in values.items()}
