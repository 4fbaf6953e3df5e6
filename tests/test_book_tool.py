"""tools/book.py: the execution cache's fingerprint, strict BOOK_* switches, where a failing chapter
failed (as the reader counts cells), and Ctrl-C stopping a build promptly with a clear message."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import paths
from tools import book


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = {"cells": [{"cell_type": kind, "metadata": {}, "source": src, "id": f"c{i}",
                     **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                    for i, (kind, src) in enumerate(cells)],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_fingerprint_follows_what_chapters_read(tmp_path, monkeypatch):
    for name in book.FINGERPRINTED:
        (tmp_path / name).mkdir() if "." not in name else (tmp_path / name).write_text("x")
    (tmp_path / "data" / "t.csv").write_text("a\n1\n")
    monkeypatch.setattr(book, "ROOT", tmp_path)
    before = book.fingerprint()
    assert book.fingerprint() == before
    (tmp_path / "data" / "new.csv").write_text("b\n")          # what `helpers.data add` does
    assert book.fingerprint() != before
    cache = tmp_path / "cache"
    assert book.prepare_cache(cache_dir=cache) is True       # first build: cleared
    assert book.prepare_cache(cache_dir=cache) is False      # nothing changed: kept
    (tmp_path / "helpers").joinpath("m.py").write_text("x = 1\n")
    assert book.prepare_cache(cache_dir=cache) is True       # a helper changed: every chapter runs


@pytest.mark.parametrize("value", ["yes", "true", "2", " 1"])
def test_book_switches_refuse_unclear_values(monkeypatch, value):
    monkeypatch.setenv("BOOK_TEACHER", value)
    with pytest.raises(book.BuildError, match="BOOK_TEACHER"):
        book.env_flag("BOOK_TEACHER")
    proc = subprocess.run([sys.executable, "-m", "tools.book", "build", "--out", "/nonexistent-never-built"],
                          cwd=paths.ROOT, capture_output=True, text=True, env={**os.environ, "BOOK_TEACHER": value})
    assert proc.returncode == 2 and "BOOK_TEACHER" in proc.stderr and "Traceback" not in proc.stderr


def test_placeholder_repository_address_is_refused():
    with pytest.raises(book.BuildError, match="placeholder"):
        book.repository_url({"repository": {"url": "https://github.com/OWNER/china-rebalancing-book"}})
    assert book.repository_url({"repository": {"url": ""}}) == ""


@pytest.mark.slow
def test_failing_chapter_names_the_cell_as_the_reader_counts_it(tmp_path):
    nb = _notebook(tmp_path / "broken.ipynb", [("markdown", "# A chapter"), ("code", "x = 1"),
                                               ("markdown", "Some prose."), ("code", "y = x / 0\nprint(y)")])
    failures = book.execute_missing([nb], cache_dir=tmp_path / "cache", report_dir=tmp_path / "reports")
    assert len(failures) == 1
    assert "cell 4 ('y = x / 0')" in failures[0] and "ZeroDivisionError" in failures[0]
    assert (tmp_path / "reports" / "broken.log").exists()


def _kernel_dies_while_starting(monkeypatch, tmp_path: Path, times: int) -> Path:
    """A kernelspec ``flaky`` whose first ``times`` starts die before the kernel answers, as a
    kernel does when another process took one of its ports; later starts are ordinary Python
    kernels. Each start is noted in the returned file."""
    tries = tmp_path / "tries"
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    (spec / "start.py").write_text(
        "import os, sys\n"
        f"with open({str(tries)!r}, 'a') as fh:\n    fh.write('start\\n')\n"
        f"if len(open({str(tries)!r}).read().splitlines()) <= {times}:\n    sys.exit(1)\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', '-f', sys.argv[1]])\n")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(spec / "start.py"), "{connection_file}"],
        "display_name": "flaky", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return tries


def _on_kernel(nb: Path, name: str) -> Path:
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["metadata"]["kernelspec"]["name"] = name
    nb.write_text(json.dumps(data), encoding="utf-8")
    return nb


@pytest.mark.slow
def test_chapter_whose_kernel_died_while_starting_runs_on_the_next_try(tmp_path, monkeypatch):
    tries = _kernel_dies_while_starting(monkeypatch, tmp_path, times=1)
    nb = _on_kernel(_notebook(tmp_path / "ok.ipynb", [("code", "x = 1")]), "flaky")
    assert book.execute_missing([nb], cache_dir=tmp_path / "cache", report_dir=tmp_path / "reports") == []
    assert len(tries.read_text().splitlines()) == 2


@pytest.mark.slow
def test_chapter_whose_kernel_never_starts_is_reported_not_run(tmp_path, monkeypatch):
    tries = _kernel_dies_while_starting(monkeypatch, tmp_path, times=99)
    nb = _on_kernel(_notebook(tmp_path / "nokernel.ipynb", [("code", "x = 1")]), "flaky")
    failures = book.execute_missing([nb], cache_dir=tmp_path / "cache", report_dir=tmp_path / "reports")
    assert len(failures) == 1 and "could not be run" in failures[0] and "kernels.log" in failures[0]
    assert len(tries.read_text().splitlines()) == 1 + book.KERNEL_RETRIES
    assert "Kernel died before replying to kernel_info" in (tmp_path / "reports" / "kernels.log").read_text()


@pytest.mark.slow
def test_ctrl_c_stops_a_build_promptly_and_says_so(tmp_path):
    """Ctrl-C (SIGINT to the build's process group, as a terminal sends it) while chapters run."""
    before = {p: p.read_bytes() for p in paths.BOOK.glob("*.ipynb")}
    # a private cache: the interrupted build must not clear the developer's
    cmd = [sys.executable, "-m", "tools.book", "build", "--fresh", "--out", str(tmp_path / "out"),
           "--cache", str(tmp_path / "cache")]
    # as from a terminal: SIGINT handled (a background test runner may have inherited it ignored)
    proc = subprocess.Popen(cmd, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 60
    out = ""
    while time.time() < deadline:  # wait until the chapters are running
        line = proc.stdout.readline()
        out += line
        if "chapter(s) on" in line:
            break
    time.sleep(2)
    t0 = time.time()
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert time.time() - t0 < 10, "the build did not stop within 10 s of Ctrl-C"
    assert proc.returncode == 130, (proc.returncode, stderr[-2000:])
    assert "interrupted (Ctrl-C)" in stderr and "Traceback" not in stderr
    assert {p: p.read_bytes() for p in paths.BOOK.glob("*.ipynb")} == before
    deadline = time.time() + 5  # kernels whose parent is gone stop by themselves (ipykernel's parent poller)
    while True:
        left = subprocess.run(["pgrep", "-f", str(tmp_path / "cache")], capture_output=True, text=True).stdout.split()
        if not left or time.time() > deadline:
            break
        time.sleep(0.2)
    assert not left, f"processes of the interrupted build still running 5 s after it stopped: {left}"
