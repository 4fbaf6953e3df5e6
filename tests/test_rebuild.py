"""The build reproduces data/ exactly from ../shared/sources, and the manifest matches data/."""
import json

import pytest

from helpers import data, paths
from tools import build


@pytest.fixture(scope="module")
def rebuilt(shared_sources, tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuilt")
    build.run(shared_sources, out, verbose=False)
    return out


def built_resources(manifest):
    return [r for r in manifest["resources"] if r.get("x_origin") == "build"]


def test_rebuild_reproduces_every_table_byte_for_byte(rebuilt):
    committed = data.manifest()
    fresh = json.loads((rebuilt / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(r["name"] for r in built_resources(fresh)) == sorted(r["name"] for r in built_resources(committed)), \
        "data/ does not hold the tables the build writes: run `make data`"
    for r in built_resources(fresh):
        new = (rebuilt / r["path"]).read_bytes()
        old = (paths.DATA / r["path"]).read_bytes()
        assert new == old, f"data/{r['path']} differs from a fresh build: run `make data` and commit"


def test_rebuild_manifest_equals_committed_manifest(rebuilt):
    committed = data.manifest()
    fresh = json.loads((rebuilt / "datapackage.json").read_text(encoding="utf-8"))
    assert built_resources(fresh) == built_resources(committed)
    fresh_sources = {s["name"]: s for s in fresh["sources"]}
    for s in committed["sources"]:
        if s["name"] in fresh_sources:
            assert s == fresh_sources[s["name"]], f"source {s['name']} changed: rebuild data/"


def test_manifest_hashes_match_files():
    assert data.verify_hashes() == []


def test_every_raw_file_in_manifest_has_sha256_and_exists(shared_sources):
    for s in data.manifest()["sources"]:
        if s.get("x_origin") == "reader-import":
            continue  # a reader's own download, not a file in ../shared/sources
        for f in s["raw_files"]:
            rel = f["path"].removeprefix("../shared/sources/")
            assert (shared_sources / rel).exists(), f"{s['name']}: raw file {rel} missing"
            assert len(f.get("sha256", "")) == 64, f"{s['name']}: {rel} has no sha256"


def test_no_raw_source_file_copied_into_repo(shared_sources):
    """Raw files stay in ../shared; the repo holds only what the build writes."""
    from tools.build.core import sha256_file
    raw = {sha256_file(p) for p in shared_sources.rglob("*") if p.is_file() and p.suffix != ".md"}
    for p in paths.ROOT.rglob("*"):
        if any(part in {".venv", "_build", ".git", "node_modules"} for part in p.parts) or not p.is_file():
            continue
        if p.stat().st_size > 200:
            assert sha256_file(p) not in raw, f"{p} is a copy of a raw source file"
