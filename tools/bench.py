"""Timings of the book on this machine, written to ``bench/report.md`` (``make bench``).

A report, not a test. It works on a temporary copy of the repository (so adding a table never
touches your ``data/``) and measures:

* a fresh full build, every chapter executed (``tools.book build --fresh``); target <= 25 s;
* a rebuild with nothing changed (every chapter from the execution cache); target <= 5 s;
* a rebuild after ``python -m helpers.data add FILE``: every chapter must run again;
* each chapter in a cold kernel, as in Jupyter or Binder (nbclient, no static SVGs); target <= 5 s;
* the whole test suite as CI runs it (a fresh clone of the last commit, so the book is built from
  scratch; target <= 120 s) and its fast subset ``-m "not slow"`` (target <= 20 s), unless
  ``--no-tests``.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers import paths

TARGETS = {"full_s": 25.0, "rebuild_s": 5.0, "chapter_s": 5.0, "suite_s": 120.0, "fast_s": 20.0}
ADD_FIXTURE = Path("tests/fixtures/nbs/population_en_full.csv")


def _copy_repo(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=paths.ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = paths.ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def _timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, str, int]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - t0, proc.stdout + proc.stderr, proc.returncode


def _chapters_run(log: str) -> int:
    m = re.search(r"running (\d+) chapter", log)
    return int(m.group(1)) if m else 0


def _cold_kernel(nb: Path, env: dict) -> float:
    code = ("import time, nbformat; from nbclient import NotebookClient; "
            f"nb = nbformat.read({str(nb)!r}, 4); t = time.perf_counter(); "
            f"NotebookClient(nb, timeout=300, kernel_name='python3', resources={{'metadata': {{'path': {str(nb.parent)!r}}}}}).execute(); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _suite_timings() -> list[tuple]:
    """The test suite as CI runs it: in a fresh clone of the last commit (no execution cache, so
    the book is built from scratch), with the raw sources beside it; then its fast subset."""
    with tempfile.TemporaryDirectory(prefix="book-bench-suite-") as tmp:
        clone = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "-q", str(paths.ROOT), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOOK_")}
        env.update(PYTHONPATH=str(clone), PYTHONDONTWRITEBYTECODE="")  # as `make test` runs it
        if paths.shared_sources().exists():
            env["BOOK_SHARED_SOURCES"] = str(paths.shared_sources())
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        rows = []
        for what, args, target in (("whole test suite (fresh clone, book built from scratch)", [], "suite_s"),
                                   ("fast subset (`make test-fast`)", ["-m", "not slow"], "fast_s")):
            s, log, rc = _timed(pytest + args, clone, env)
            rows.append((what, s, TARGETS[target], rc == 0, log.strip().splitlines()[-1] if log.strip() else ""))
        return rows


def mark(ok: bool) -> str:
    return "meets" if ok else "**misses**"


def run(tests: bool = True) -> str:
    rows = []
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        repo = _copy_repo(Path(tmp) / "repo")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOOK_")}
        env["PYTHONPATH"] = str(repo)  # kernels import this copy's helpers and read its data/
        if paths.shared_sources().exists():
            env["BOOK_SHARED_SOURCES"] = str(paths.shared_sources())
        build = [sys.executable, "-m", "tools.book", "build"]
        full, log, rc = _timed(build + ["--fresh"], repo, env)
        rows.append(("fresh full build, every chapter executed", full, TARGETS["full_s"], rc == 0,
                     f"{_chapters_run(log)} chapters run"))
        again, log, rc = _timed(build, repo, env)
        rows.append(("rebuild, nothing changed", again, TARGETS["rebuild_s"], rc == 0,
                     f"{_chapters_run(log)} chapters run"))
        _, add_log, add_rc = _timed([sys.executable, "-m", "helpers.data", "add", str(repo / ADD_FIXTURE)], repo, env)
        after, log, rc = _timed(build, repo, env)
        n = len(list((repo / "book").glob("*.ipynb")))
        rows.append((f"rebuild after `helpers.data add {ADD_FIXTURE.name}`", after, None,
                     rc == 0 and add_rc == 0 and _chapters_run(log) == n,
                     f"{_chapters_run(log)} of {n} chapters re-run" + ("" if add_rc == 0 else f"; add failed: {add_log[-200:]}")))
        cold_env = {k: v for k, v in env.items() if k != "BOOK_STATIC_CHARTS"}
        for nb in sorted((repo / "book").glob("*.ipynb")):
            s = _cold_kernel(nb, cold_env)
            rows.append((f"chapter {nb.stem}, cold kernel", s, TARGETS["chapter_s"], True, ""))
    if tests:
        rows += _suite_timings()
    lines = ["# Bench report", "",
             f"Machine: {os.cpu_count()} cores, {sys.platform}, Python {sys.version.split()[0]}; "
             f"generated by `python -m tools.bench` on {time.strftime('%Y-%m-%d %H:%M')}.", "",
             "| what | seconds | target | result | note |", "|---|---:|---:|---|---|"]
    for what, s, target, ok, note in rows:
        met = ok and (target is None or s <= target)
        lines.append(f"| {what} | {s:.1f} | {'' if target is None else f'<= {target:.0f}'} | {mark(met)} | {note} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n")[0])
    ap.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    args = ap.parse_args(argv)
    report = run(tests=not args.no_tests)
    out = paths.ROOT / "bench" / "report.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
