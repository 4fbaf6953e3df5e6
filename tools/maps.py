"""Province boundaries for the choropleth: ``data/geo/china_provinces.geojson``.

A maintainer runs this once (the reader's build and the book never do; they read the committed
file)::

    cd "$(mktemp -d)" && npm pack echarts@4.9.0          # 10 MB tarball, never committed
    python -m tools.maps /tmp/.../echarts-4.9.0.tgz        # writes data/geo/china_provinces.geojson
    python -m tools.build                                  # records its sha256 in data/datapackage.json

Source: the npm package ``echarts`` 4.9.0 (Apache-2.0), file ``package/map/json/china.json``
(61,248 bytes; ECharts 5 no longer ships maps, so the version is pinned). See
``../shared/sources/maps/CANDIDATES.md`` for why this file and not another.

Steps (each one plain Python, no GIS library):

1. **decode**: the file carries ``"UTF8Encoding": true``; each ring is a string. For each pair
   of characters, ``d = ord(c) - 64``, ``d = (d >> 1) ^ -(d & 1)`` (zigzag), added to a running
   x/y starting at the ring's ``encodeOffsets``; divided by 1024 it gives degrees.
2. **simplify**: Ramer-Douglas-Peucker per ring with :data:`TOLERANCE` degrees; rings that
   collapse (fewer than 4 points or no area) are dropped.
3. **round** coordinates to :data:`DIGITS` decimals (about 1 km).
4. **wind** exterior rings clockwise, holes counter-clockwise: the order d3-geo (and so vega)
   needs to fill the inside of a polygon. RFC 7946 recommends the opposite order but says
   parsers should not reject either.
5. **label**: ``geo_code`` (GB/T 2260) and the English ``name`` from :mod:`helpers.provinces`
   for the 31 provinces; Taiwan, Hong Kong and Macao get ``in_data: false``.

Borders follow the source's PRC-claimed lines (e.g. Arunachal Pradesh inside Tibet, the Taiwan
feature reaching the Diaoyu/Senkaku islands); their use is not an endorsement of any claim.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
from pathlib import Path

from helpers import paths, provinces

OUT = paths.DATA / "geo" / "china_provinces.geojson"
MEMBER = "package/map/json/china.json"
#: sha256 of china.json in echarts 4.9.0 (61,248 bytes): the script refuses any other file.
UPSTREAM_SHA256 = "d392f651a48e6213c9bfc83f406711069de296c17f426cffc0ad1148078ee226"
TOLERANCE = 0.03   # degrees (about 3 km): about 8,000 vertices, 110 KB
DIGITS = 2

#: The three features not in the data (separate customs territories), drawn grey.
NOT_IN_DATA = {"710000": "Taiwan", "810000": "Hong Kong", "820000": "Macao"}

#: The manifest record (the build adds bytes and sha256; see tools/build/geo.py).
RECORD = {
    "name": "china_provinces_geometry",
    "path": "geo/china_provinces.geojson",
    "profile": "data-resource",
    "title": "Province-level boundaries of China (simplified), for the choropleth",
    "description": (
        "34 features: the 31 provinces (properties geo_code, name, name_zh, in_data=true) and "
        "Taiwan, Hong Kong, Macao (in_data=false, drawn grey: not in the data / separate customs "
        "territories). Borders follow the source's PRC-claimed lines; drawing them is not an "
        "endorsement of any claim."),
    "format": "geojson",
    "mediatype": "application/geo+json",
    "encoding": "utf-8",
    "licenses": [{"name": "Apache-2.0", "title": "Apache License 2.0",
                  "path": "https://www.apache.org/licenses/LICENSE-2.0"}],
    "sources": [{"name": "echarts_4.9.0_china_map",
                 "title": "Apache ECharts 4.9.0, map/json/china.json (npm package echarts@4.9.0)"}],
    "x_origin": "geometry",
    "x_provenance": {
        "package": "echarts@4.9.0 (npm; `npm pack echarts@4.9.0`)",
        "file": MEMBER,
        "file_sha256": UPSTREAM_SHA256,
        "licence_note": ("The package is Apache-2.0; its LICENSE and NOTICE name no separate licence "
                         "or source for the map data, whose original provenance is undocumented."),
        "steps": [
            "decode the UTF8Encoding rings (zigzag deltas from encodeOffsets, / 1024)",
            f"simplify each ring with Ramer-Douglas-Peucker, tolerance {TOLERANCE} degrees",
            f"round coordinates to {DIGITS} decimals",
            "wind exterior rings clockwise (d3-geo / vega order)",
            "add geo_code and English name from helpers.provinces",
        ],
        "script": "python -m tools.maps <echarts-4.9.0.tgz>",
        "border_caveat": ("Borders follow the source's PRC-claimed lines (Arunachal Pradesh inside "
                          "Tibet; Taiwan feature reaching the Diaoyu/Senkaku islands); not an endorsement."),
    },
}


# --------------------------------------------------------------------------- decode
def decode_ring(s: str, offset: list[int], scale: float = 1024.0) -> list[list[float]]:
    x, y = offset
    out = []
    for i in range(0, len(s) - 1, 2):
        dx, dy = ord(s[i]) - 64, ord(s[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        out.append([x / scale, y / scale])
    return out


def decode_geometry(g: dict) -> list[list[list[list[float]]]]:
    """Decoded geometry as a list of polygons (each a list of rings)."""
    if g["type"] == "Polygon":
        return [[decode_ring(r, o) for r, o in zip(g["coordinates"], g["encodeOffsets"])]]
    if g["type"] == "MultiPolygon":
        return [[decode_ring(r, o) for r, o in zip(poly, offs)]
                for poly, offs in zip(g["coordinates"], g["encodeOffsets"])]
    raise ValueError(f"{MEMBER}: unexpected geometry type {g['type']!r}")


# --------------------------------------------------------------------------- simplify
def _dist(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def rdp(pts: list, tol: float) -> list:
    """Ramer-Douglas-Peucker on an open line (iterative, keeps both ends)."""
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, k = 0.0, -1
        for m in range(i + 1, j):
            d = _dist(pts[m], pts[i], pts[j])
            if d > best:
                best, k = d, m
        if k >= 0 and best > tol:
            keep[k] = True
            stack += [(i, k), (k, j)]
    return [p for p, f in zip(pts, keep) if f]


def area(ring: list) -> float:
    """Signed area (shoelace; positive = counter-clockwise in lon/lat)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def simplify_ring(ring: list, tol: float, digits: int) -> list | None:
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    if len(pts) < 3:
        return None
    far = max(range(len(pts)), key=lambda i: _dist(pts[i], pts[0], pts[0]))
    out = rdp(pts[:far + 1], tol)[:-1] + rdp(pts[far:] + [pts[0]], tol)[:-1]
    out = [[round(x, digits), round(y, digits)] for x, y in out]
    out = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    if len(out) < 3 or abs(area(out)) < 10 ** (-2 * digits):
        return None
    return out + [out[0]]


def clockwise(ring: list, exterior: bool) -> list:
    ccw = area(ring) > 0
    return ring[::-1] if ccw == exterior else ring


# --------------------------------------------------------------------------- build
def read_source(path: Path) -> dict:
    """china.json from the npm tarball (or from the unpacked file itself)."""
    path = Path(path)
    if path.suffix in {".tgz", ".gz"}:
        with tarfile.open(path) as tar:
            raw = tar.extractfile(MEMBER).read()
    else:
        raw = path.read_bytes()
    got = hashlib.sha256(raw).hexdigest()
    if got != UPSTREAM_SHA256:
        raise ValueError(f"{path}: {MEMBER} has sha256 {got}, expected {UPSTREAM_SHA256} (echarts 4.9.0)")
    return json.loads(raw.decode("utf-8"))


def convert(src: dict, tol: float = TOLERANCE, digits: int = DIGITS) -> dict:
    if not src.get("UTF8Encoding"):
        raise ValueError(f"{MEMBER}: expected \"UTF8Encoding\": true (echarts 4.x encoded map)")
    by_code = {p.code: p for p in provinces.PROVINCES}
    feats = []
    for f in src["features"]:
        code = str(f["id"])
        if code not in by_code and code not in NOT_IN_DATA:
            raise ValueError(f"{MEMBER}: feature {code} ({f['properties'].get('name')}) is not a province-level code")
        polys = []
        for poly in decode_geometry(f["geometry"]):
            rings = [simplify_ring(r, tol, digits) for r in poly]
            if rings[0] is None:
                continue  # an islet smaller than the tolerance
            polys.append([clockwise(rings[0], True)] + [clockwise(r, False) for r in rings[1:] if r])
        if not polys:
            raise ValueError(f"{MEMBER}: feature {code} vanished at tolerance {tol}")
        p = by_code.get(code)
        props = {"geo_code": code, "name": p.name_en if p else NOT_IN_DATA[code],
                 "name_zh": p.name_zh if p else f["properties"]["name"], "in_data": p is not None}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    missing = set(by_code) - {f["properties"]["geo_code"] for f in feats}
    if missing:
        raise ValueError(f"{MEMBER}: provinces missing from the map: {sorted(missing)}")
    feats.sort(key=lambda f: f["properties"]["geo_code"])
    return {"type": "FeatureCollection", "features": feats}


def write(fc: dict, out: Path = OUT) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    # one feature per line: small diffs, still plain GeoJSON
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
    out.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.maps", description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="echarts-4.9.0.tgz from `npm pack echarts@4.9.0`, or its china.json")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--tolerance", type=float, default=TOLERANCE)
    args = ap.parse_args(argv)
    fc = convert(read_source(Path(args.source)), args.tolerance)
    out = write(fc, args.out)
    n = sum(len(r) for f in fc["features"] for poly in f["geometry"]["coordinates"] for r in poly)
    print(f"wrote {out}: {len(fc['features'])} features, {n} vertices, {out.stat().st_size:,} bytes")
    print("now run `python -m tools.build` to record its sha256 in data/datapackage.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
