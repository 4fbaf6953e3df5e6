"""`python -m tools.build` (issue 13, cases 1, 4, 9): a changed raw file is refused unless it is
declared a new vintage; rows before/after are reported per table; tables and manifest are written
through temporary files and replaced together, so a failed or interrupted run leaves data/
byte-identical; written files keep normal modes. Runs against copies, never data/ itself."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from helpers import data, schema
from tools import build
from tools.build.__main__ import main

TRADE = "trade/142857110823__chlorpyrifos-mobile-detector/A060101.csv"


def hashes(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture
def src(shared_sources, tmp_path):
    """A mirror of ../shared/sources made of symlinks, so one file can be damaged in the copy."""
    root = tmp_path / "sources"
    for p in shared_sources.rglob("*"):
        if p.is_file():
            q = root / p.relative_to(shared_sources)
            q.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(p, q)
    return root


@pytest.fixture
def out(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(data.paths.DATA, d)
    return d


def truncate(src: Path, rel: str) -> None:
    p = src / rel
    lines = p.read_bytes().splitlines(keepends=True)
    p.unlink()
    p.write_bytes(b"".join(lines[: len(lines) // 2]))


def test_truncated_raw_file_refused_unless_new_vintage(src, out, capsys):
    truncate(src, TRADE)
    before = hashes(out)
    with pytest.raises(build.RawFileChangedError) as e:
        build.run(src, out, verbose=False)
    msg = str(e.value)
    assert "A060101.csv" in msg and "sha256" in msg and "--new-vintage" in msg
    assert hashes(out) == before
    assert main(["--src", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "A060101.csv" in err and "Traceback" not in err
    assert hashes(out) == before
    # declared a new vintage, the build goes ahead and shows what the table lost
    rows_before = len(data.load("provincial_trade_totals", out))
    build.run(src, out, verbose=True, new_vintage=True)
    report = capsys.readouterr().out
    rows_after = len(data.load("provincial_trade_totals", out))
    assert rows_after < rows_before
    assert f"provincial_trade_totals.csv: {rows_before} -> {rows_after} rows" in report
    assert "provincial_grp_latest.csv: 589 -> 589 rows" in report


def test_full_disk_leaves_data_byte_identical(src, out, monkeypatch):
    before = hashes(out)
    real = schema.write_csv
    calls = []

    def full_disk(df, path):
        calls.append(path)
        if len(calls) == 5:  # the disk fills up while the fifth table is written
            real(df, path)
            Path(path).write_bytes(Path(path).read_bytes()[:100])
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(df, path)

    monkeypatch.setattr(schema, "write_csv", full_disk)
    with pytest.raises(OSError, match="No space left"):
        build.run(src, out, verbose=False)
    assert hashes(out) == before


def test_interrupt_while_replacing_rolls_back(src, out, monkeypatch):
    (out / "provincial_trade_totals.csv").write_bytes(b"stale\n")  # so the build has something to change
    before = hashes(out)
    real = os.replace
    n = []

    def interrupted(a, b):
        n.append(b)
        if len(n) == 4:
            raise KeyboardInterrupt
        real(a, b)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.run(src, out, verbose=False)
    assert hashes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_written_files_keep_normal_modes(shared_sources, tmp_path):
    old = os.umask(0o022)
    try:
        build.run(shared_sources, tmp_path / "fresh", verbose=False)
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "fresh").iterdir() if p.is_file()}
    assert set(modes.values()) == {0o644}, modes
