"""Run the chapter notebooks: a few warm kernels in parallel instead of one cold kernel per chapter.

A cold kernel costs every chapter ~2 s before its first line runs (kernel start, importing
pandas/altair/helpers, starting the vega renderer) and runs the chapters one after another.
:func:`run` starts one kernel per CPU (at most one per notebook), hands each kernel the next
notebook from a queue (longest first) and, between two notebooks, returns the kernel to a
fresh state:

* the user namespace and output history are cleared and a new history session starts
  (``InteractiveShell.reset(new_session=True)``, as ``%reset -f`` does, plus the history);
* pandas display and styler options are reset (a chapter's ``pd.set_option`` does not leak into the next);
* warning registries are cleared (a warning shows again in the next chapter, as in a new kernel);
* the working directory is the notebook's folder and execution counts restart at 1.

Imported modules stay loaded, which is the point: ``helpers`` caches look-ups of ``data/``
(:func:`helpers.data.cached_on_data`, keyed on the files' size and mtime) and always hands out
copies. That a chapter's outputs do not depend on what ran before it in the same kernel is
tested: ``tests/test_notebooks.py`` re-runs every chapter in a kernel of its own and compares
with the outputs stored by this module.

Used by ``python -m helpers.book build`` (chapters are executed here, then Sphinx renders
the stored outputs) and ``python -m helpers.book execute``.
"""
from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: per-cell timeout (seconds), as ``execute.timeout`` in _config.yml
TIMEOUT = 120

_RESET = """\
get_ipython().reset(new_session=True)
import os as _o, sys as _s, warnings as _w
if "pandas" in _s.modules:
    with _w.catch_warnings():
        _w.simplefilter("ignore")
        for _k in ("display", "styler"):
            _s.modules["pandas"].reset_option(_k)
try:
    _w._filters_mutated()          # forget which warnings were already shown
except AttributeError:
    _w.filterwarnings("default", category=DeprecationWarning, module="__main__")
_o.chdir({cwd!r})
get_ipython().execution_count = 1
del _o, _s, _w
"""


class NotebookError(RuntimeError):
    """A chapter failed to run; the message names the notebook and the failing cell."""


@dataclass
class Run:
    path: Path
    nb: nbformat.NotebookNode
    seconds: float
    worker: int


def _clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Deterministic outputs: no timing metadata."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


async def _reset(kc, cwd: Path, timeout: int) -> None:
    reply = await kc.execute_interactive(_RESET.format(cwd=str(cwd)), silent=True, store_history=False,
                                         timeout=timeout, output_hook=lambda msg: None)
    if reply["content"].get("status") != "ok":
        c = reply["content"]
        raise NotebookError(f"could not reset the kernel before {cwd}: {c.get('ename')}: {c.get('evalue')}")


async def _worker(ident: int, queue: asyncio.Queue, runs: list, timeout: int) -> None:
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    km = None
    kc = None
    try:
        while True:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if km is None:  # start the kernel only once there is work for it
                km = AsyncKernelManager(kernel_name="python3")
                await km.start_kernel(cwd=str(path.parent))
                kc = km.client()
                kc.start_channels()
                await kc.wait_for_ready(timeout=60)
            t0 = time.perf_counter()
            nb = nbformat.read(path, as_version=4)
            await _reset(kc, path.parent, timeout)
            client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3", record_timing=False,
                                    resources={"metadata": {"path": str(path.parent)}})
            client.kc = kc
            try:
                await client.async_execute()
            except CellExecutionError as e:
                raise NotebookError(f"{_rel(path)} failed:\n{e}") from None
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as e:  # a dead kernel, a cell timeout: name the chapter all the same
                raise NotebookError(f"{_rel(path)} failed: {type(e).__name__}: {e}") from e
            runs.append(Run(path, _clean(nb), time.perf_counter() - t0, ident))
    finally:
        if kc is not None:
            kc.stop_channels()
        if km is not None and km.has_kernel:
            await km.shutdown_kernel(now=True)


def _rel(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


async def _run(paths: list[Path], workers: int, timeout: int) -> list[Run]:
    queue: asyncio.Queue = asyncio.Queue()
    # longest first (stored notebook size is a fair proxy for its work), so the last
    # notebook to start is a short one and the kernels finish together
    for p in sorted(paths, key=lambda p: p.stat().st_size, reverse=True):
        queue.put_nowait(p)
    runs: list[Run] = []
    tasks = [asyncio.create_task(_worker(i, queue, runs, timeout)) for i in range(workers)]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    order = {p: i for i, p in enumerate(paths)}
    return sorted(runs, key=lambda r: order[r.path])


def default_workers(n_notebooks: int) -> int:
    env = os.environ.get("BOOK_KERNELS", "")
    n = int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)
    return max(1, min(n, n_notebooks))


def run(paths: list[Path | str], *, workers: int | None = None, timeout: int = TIMEOUT,
        write_to: Path | str | None = None, in_place: bool = False) -> list[Run]:
    """Execute notebooks (each in its own folder as working directory); return the runs in input order.

    ``workers``: kernels in parallel (default: CPUs, or ``BOOK_KERNELS``). With ``in_place``
    the outputs are stored back into each notebook; with ``write_to`` (a folder) each executed
    notebook is written there under its file name. A failing cell raises :class:`NotebookError`
    naming the notebook and showing the cell and its traceback; nothing is written then.
    """
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        return []
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such notebook: {', '.join(missing)}")
    workers = workers or default_workers(len(paths))
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop here yet
        runs = asyncio.run(_run(paths, workers, timeout))
    else:  # called from inside Jupyter (a loop is running): run the kernels from a thread
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(1) as pool:
            runs = pool.submit(asyncio.run, _run(paths, workers, timeout)).result()
    for r in runs:
        if in_place:
            nbformat.write(r.nb, r.path)
        if write_to is not None:
            Path(write_to).mkdir(parents=True, exist_ok=True)
            nbformat.write(r.nb, Path(write_to) / r.path.name)
    return runs
