"""Where things are. Every other module asks here; nothing hard-codes a path."""
from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``_config.yml``).
ROOT = Path(__file__).resolve().parent.parent
#: Tidy tables and the manifest; the only data the book and the tests read.
DATA = ROOT / "data"
#: Chapters.
BOOK = ROOT / "book"


def shared_sources() -> Path:
    """The raw official files beside the repository (``../shared/sources``).

    ``BOOK_SHARED_SOURCES`` overrides the location. The folder is only needed to
    *rebuild* ``data/``; reading the book never touches it.
    """
    env = os.environ.get("BOOK_SHARED_SOURCES")
    if env:
        return Path(env)
    return ROOT.parent / "shared" / "sources"
