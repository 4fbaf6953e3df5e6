"""The committed province geometry (``data/geo/china_provinces.geojson``) in the manifest.

The geometry is not rebuilt from ``../shared/sources``: ``python -m tools.maps`` makes it once
from the echarts 4.9.0 npm package (see that script). The build only records it, as a
non-tabular resource with its licence, provenance, bytes and sha256, so that
``data/datapackage.json`` keeps the record however often it is rewritten.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from helpers import paths
from helpers.manifest import sha256_file
from tools.maps import RECORD


def resources(out: Path) -> list[dict]:
    """The geometry's manifest record; copies the committed file into ``out`` if built elsewhere."""
    src = paths.DATA / RECORD["path"]
    dst = Path(out) / RECORD["path"]
    if not dst.exists():
        if not src.exists():
            raise FileNotFoundError(f"{src} is missing: run `python -m tools.maps <echarts-4.9.0.tgz>` "
                                    "(see tools/maps.py)")
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    rec = dict(RECORD)
    rec["bytes"] = dst.stat().st_size
    rec["hash"] = "sha256:" + sha256_file(dst)
    return [rec]
