"""helpers.execute: chapters share warm kernels, but each starts from a fresh state."""
import nbformat
import pytest

from helpers import execute

# Both engines: "fork" (Linux default: forked workers, no kernels) and "kernel" (Jupyter kernels).
ENGINES = pytest.mark.parametrize("engine", ["fork", "kernel"])


def _nb(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _text(cell):
    out = []
    for o in cell.outputs:
        if o.output_type == "stream":
            out.append(o.text)
        elif "text/plain" in o.get("data", {}):
            out.append(o.data["text/plain"])
    return "".join(out).strip()


@ENGINES
def test_second_notebook_in_a_kernel_starts_clean(tmp_path, engine):
    """One worker runs both: no variable, pandas option or working directory carries over,
    execution counts restart at 1, and a warning shows again."""
    sub = tmp_path / "other"
    sub.mkdir()
    # a warning raised inside an imported module (as from helpers) is remembered in that
    # module's registry, which outlives the namespace reset
    (tmp_path / "warner.py").write_text(
        "import warnings\ndef f():\n    warnings.warn('shown in every chapter', UserWarning)\n", encoding="utf-8")
    imp = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import warner; warner.f()"
    a = _nb(tmp_path / "a.ipynb",
            "import pandas as pd, warnings\npd.set_option('display.precision', 1)\nleak = 42",
            imp,
            "import os; os.path.basename(os.getcwd())")
    b = _nb(sub / "b.ipynb",
            "'leak' in globals()",
            "import pandas as pd, warnings\npd.get_option('display.precision')",
            imp,
            "import os; os.path.basename(os.getcwd())")
    runs = execute.run([a, b], workers=1, engine=engine)
    assert {r.worker for r in runs} == {0}, "both notebooks must have run in the same worker"
    ra, rb = runs
    assert _text(ra.nb.cells[2]) == f"'{tmp_path.name}'"
    assert _text(rb.nb.cells[0]) == "False"
    assert _text(rb.nb.cells[1]) == "6"  # pandas' default, not chapter a's 1
    assert "shown in every chapter" in _text(rb.nb.cells[2])
    assert _text(rb.nb.cells[3]) == "'other'"
    assert [c.execution_count for c in rb.nb.cells] == [1, 2, 3, 4]
    assert rb.nb.cells[0].outputs[0].execution_count == 1
    assert all("execution" not in c.metadata for c in rb.nb.cells), "timing metadata must not be stored"


@ENGINES
def test_parallel_run_returns_notebooks_in_input_order(tmp_path, engine):
    paths = [_nb(tmp_path / f"n{i}.ipynb", f"{i} * 10") for i in range(3)]
    runs = execute.run(paths, workers=2, write_to=tmp_path / "out", engine=engine)
    assert [r.path.name for r in runs] == ["n0.ipynb", "n1.ipynb", "n2.ipynb"]
    assert [_text(r.nb.cells[0]) for r in runs] == ["0", "10", "20"]
    assert len({r.worker for r in runs}) == 2
    stored = nbformat.read(tmp_path / "out" / "n2.ipynb", as_version=4)
    assert _text(stored.cells[0]) == "20"
    # the sources are not modified unless asked (in_place=True)
    assert nbformat.read(paths[2], as_version=4).cells[0].outputs == []


@ENGINES
def test_failing_cell_names_the_notebook_and_writes_nothing(tmp_path, engine):
    good = _nb(tmp_path / "good.ipynb", "1 + 1")
    bad = _nb(tmp_path / "bad_chapter.ipynb", "x = 1", "raise ValueError('no such province: Atlantis')")
    with pytest.raises(execute.NotebookError) as e:
        execute.run([good, bad], workers=1, in_place=True, engine=engine)
    msg = str(e.value)
    assert "bad_chapter.ipynb" in msg and "Atlantis" in msg and "ValueError" in msg
    assert nbformat.read(good, as_version=4).cells[0].outputs == [], "nothing is written when a chapter fails"


def test_missing_notebook_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.ipynb"):
        execute.run([tmp_path / "nope.ipynb"])



@ENGINES
def test_cell_timeout_names_the_notebook(tmp_path, engine):
    slow = _nb(tmp_path / "slow_chapter.ipynb", "import time; time.sleep(30)")
    with pytest.raises(execute.NotebookError, match="slow_chapter.ipynb"):
        execute.run([slow], workers=1, timeout=2, engine=engine)


@ENGINES
def test_runs_from_inside_a_running_event_loop(tmp_path, engine):
    """A teacher may call the build from a notebook, where an asyncio loop is already running."""
    import asyncio
    nb = _nb(tmp_path / "n.ipynb", "6 * 7")

    async def inside():
        return execute.run([nb], workers=1, engine=engine)

    runs = asyncio.run(inside())
    assert _text(runs[0].nb.cells[0]) == "42"


def test_cancel_stops_the_runner_and_its_workers(tmp_path):
    """A build that fails or is interrupted stops the chapters still running (fork engine)."""
    import time
    slow = [_nb(tmp_path / f"slow{i}.ipynb", "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(60)")
            for i in range(2)]
    job = execute.start(slow, workers=2, engine="fork")
    runner = job._proc.pid
    deadline = time.time() + 60
    workers: list = []
    while len(workers) < 2 and time.time() < deadline:  # until the runner has forked its workers
        time.sleep(0.2)
        workers = [pid for pid in _pids() if _parent(pid) == runner]
    assert len(workers) == 2, "the runner never forked its two workers"
    job.cancel()
    assert job._proc.poll() is not None, "the runner still runs after cancel()"
    time.sleep(0.5)
    alive = [pid for pid in workers if pid in _pids() and _parent(pid) is not None]
    assert not alive, f"workers {alive} of the runner survived cancel()"


def _pids() -> list[int]:
    import os
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _parent(pid: int) -> int | None:
    """The parent pid, or None for a process gone (or a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return None if fields[0] == "Z" else int(fields[1])
    except (OSError, ValueError, IndexError):
        return None
