"""Run the chapter notebooks: one warm worker per CPU core instead of one cold kernel per chapter.

A cold Jupyter kernel costs every chapter ~2 s before its first line runs (kernel start,
importing pandas/altair/helpers, starting the vega renderer), and chapters run one after another.
:func:`run` (and :func:`start`, which returns at once) hands each worker the next notebook from
a queue, longest first. Two engines:

* ``fork`` (Linux, the default there): a fresh runner process (``python -m helpers.execute``)
  imports what every chapter imports and loads ``data/`` once, then forks the workers; a worker
  runs cells in IPython's kernel shell class with a display hook and publisher that record
  outputs exactly as a kernel sends them (display_data, execute_result, stream). No kernel
  process, no messaging; a cell timeout is a SIGALRM.
* ``kernel`` (elsewhere, or ``BOOK_ENGINE=kernel``): one Jupyter kernel per worker, driven by
  nbclient.

Between two notebooks a worker returns to a fresh state:

* the user namespace and output history are cleared and a new history session starts
  (``InteractiveShell.reset(new_session=True)``, as ``%reset -f`` does, plus the history);
* pandas display and styler options are reset (a chapter's ``pd.set_option`` does not leak into the next);
* warning registries are cleared (a warning shows again in the next chapter, as in a new kernel);
* the working directory is the notebook's folder and execution counts restart at 1.

Imported modules stay loaded, which is the point: ``helpers`` caches look-ups of ``data/``
(:func:`helpers.data.cached_on_data`, keyed on the files' size and mtime) and always hands out
copies. That a chapter's outputs do not depend on the engine or on what ran before it is
tested: ``tests/test_notebooks.py`` re-runs every chapter in a Jupyter kernel of its own and
compares with the outputs stored by this module; ``tests/test_execute.py`` runs both engines.

Used by ``python -m helpers.book build`` (chapters start first; :mod:`helpers.sphinx_executed`
hands Sphinx each fresh run as it finishes) and ``python -m helpers.book execute``.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
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
    """The notebook as a reader would name it: relative to the repository (or here)."""
    from . import paths
    for base in (paths.ROOT, Path.cwd()):
        try:
            return Path(path).resolve().relative_to(base).as_posix()
        except ValueError:
            continue
    return Path(path).as_posix()


def _longest_first(paths: list[Path]) -> list[Path]:
    """The order workers take notebooks in: longest first (the stored notebook's size is a fair
    proxy for its work), so the last to start is a short one and the workers finish together."""
    return sorted(paths, key=lambda p: p.stat().st_size, reverse=True)


async def _run(paths: list[Path], workers: int, timeout: int) -> list[Run]:
    queue: asyncio.Queue = asyncio.Queue()
    for p in _longest_first(paths):
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


def default_engine() -> str:
    """``fork`` on Linux (no kernels: see the fork engine below), ``kernel`` elsewhere;
    ``BOOK_ENGINE=kernel`` or ``fork`` chooses."""
    env = os.environ.get("BOOK_ENGINE", "").strip().lower()
    if env in ("fork", "kernel"):
        return env
    return "fork" if sys.platform.startswith("linux") else "kernel"


def run(paths: list[Path | str], *, workers: int | None = None, timeout: int = TIMEOUT,
        write_to: Path | str | None = None, in_place: bool = False, engine: str | None = None) -> list[Run]:
    """Execute notebooks (each in its own folder as working directory); return the runs in input order.

    ``workers``: how many run at once (default: CPUs, or ``BOOK_KERNELS``). ``engine``: see
    :func:`default_engine`. With ``in_place`` the outputs are stored back into each notebook;
    with ``write_to`` (a folder) each executed notebook is written there under its file name.
    A failing cell raises :class:`NotebookError` naming the notebook and showing the cell and
    its traceback; nothing is written then.
    """
    return start(paths, workers=workers, timeout=timeout, write_to=write_to, in_place=in_place,
                 engine=engine).wait()


def start(paths: list[Path | str], *, workers: int | None = None, timeout: int = TIMEOUT,
          write_to: Path | str | None = None, in_place: bool = False, engine: str | None = None) -> "Job":
    """Like :func:`run`, but return at once; ``.wait()`` gives the runs (the build starts the
    chapters first and prepares Sphinx meanwhile)."""
    paths = [Path(p).resolve() for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such notebook: {', '.join(missing)}")
    engine = engine or default_engine()
    if engine not in ("fork", "kernel"):
        raise ValueError(f"engine must be 'fork' or 'kernel', not {engine!r}")
    return Job(paths, workers or default_workers(len(paths)), timeout, engine, write_to, in_place)


class Job:
    """Chapters running in the background. :meth:`result` gives one chapter as soon as it is
    done (the build renders finished chapters while others still run); :meth:`wait` all of them."""

    def __init__(self, paths: list[Path], workers: int, timeout: int, engine: str,
                 write_to: Path | str | None, in_place: bool):
        import tempfile
        import threading
        self.paths, self.workers, self.timeout, self.engine = paths, workers, timeout, engine
        self.write_to, self.in_place = write_to, in_place
        self._done: dict[Path, Run] = {}
        self._pids: list[int] = []
        self._error: BaseException | None = None
        self._finished = not paths
        if not paths:
            return
        self.order = _longest_first(paths)
        if engine == "fork":
            import subprocess
            self._tmp = tempfile.TemporaryDirectory(prefix="book-exec-")
            cmd = [sys.executable, "-m", "helpers.execute", "--workers", str(workers),
                   "--timeout", str(timeout), "--out", self._tmp.name, *map(str, self.order)]
            log = Path(self._tmp.name) / "runner.log"
            with open(log, "a", encoding="utf-8") as w:  # the runner's own handle; ours reads
                self._proc = subprocess.Popen(cmd, stdout=w, stderr=subprocess.STDOUT, text=True,
                                              cwd=str(paths[0].parent), start_new_session=True)
            self._log = open(log, encoding="utf-8")
            self._pending = ""
        else:
            def target():  # its own thread, so its own event loop (a build may start inside Jupyter)
                try:
                    for r in asyncio.run(_run(paths, workers, timeout)):
                        self._done[r.path] = r
                except BaseException as e:  # noqa: BLE001 - re-raised by result()/wait()
                    self._error = e
            self._thread = threading.Thread(target=target, daemon=True)
            self._thread.start()

    def expected_order(self) -> list[Path]:
        """The chapters in the order they are expected to finish (longest first, per worker)."""
        free = [0.0] * max(1, self.workers)
        ends = []
        for p in self.order:
            k = free.index(min(free))
            free[k] += p.stat().st_size
            ends.append((free[k], p))
        return [p for _, p in sorted(ends, key=lambda e: e[0])]

    def _read(self) -> None:
        self._pending += self._log.read()
        *lines, self._pending = self._pending.split("\n")
        for ln in lines:
            if not ln.startswith("{"):
                continue
            r = json.loads(ln)
            if r.get("error"):
                raise NotebookError(r["error"])
            if r["worker"] not in self._pids:
                self._pids.append(r["worker"])
            p = Path(r["path"])
            self._done[p] = Run(p, nbformat.read(r["file"], as_version=4), r["seconds"],
                                self._pids.index(r["worker"]))

    def _collect(self, until: Path | None) -> None:
        """Read finished chapters until ``until`` is done (None: until the runner exits)."""
        if self._error is not None:
            raise self._error
        if self._finished or (until is not None and until in self._done):
            return
        try:
            if self.engine != "fork":
                while not (until in self._done or not self._thread.is_alive()):
                    self._thread.join(0.05)
                if self._error is not None:
                    raise self._error
                if not self._thread.is_alive():
                    self._finished = True
                return
            while True:
                exited = self._proc.poll() is not None
                self._read()
                if until is not None and until in self._done:
                    return
                if exited:
                    self._finished = True
                    self._log.seek(0)
                    if self._proc.returncode != 0 or len(self._done) != len(self.paths):
                        raise NotebookError("the chapter runner stopped before every chapter ran:\n"
                                            + "\n".join(self._log.read().splitlines()[-20:]))
                    return
                time.sleep(0.05)
        except BaseException as e:
            self._error = e
            self.cancel()
            raise

    def cancel(self) -> None:
        """Stop the runner (after a failure)."""
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            import signal
            try:  # the runner and its workers share a process group of their own
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except Exception:  # noqa: BLE001
                proc.kill()
        self._close()

    def _close(self) -> None:
        if self.engine == "fork" and hasattr(self, "_tmp"):
            self._log.close()
            self._tmp.cleanup()
            del self._tmp

    def result(self, path: Path | str) -> Run:
        """One chapter's run, waiting for it if need be."""
        path = Path(path).resolve()
        if path not in self.paths:
            raise KeyError(f"{path} is not one of this job's notebooks")
        self._collect(path)
        return self._done[path]

    def wait(self) -> list[Run]:
        """Every chapter's run, in input order, once all are done (written as asked)."""
        self._collect(None)
        self._close()
        runs = [self._done[p] for p in self.paths]
        for r in runs:
            if self.in_place:
                nbformat.write(r.nb, r.path)
            if self.write_to is not None:
                Path(self.write_to).mkdir(parents=True, exist_ok=True)
                nbformat.write(r.nb, Path(self.write_to) / r.path.name)
        self.in_place, self.write_to = False, None  # written once
        return runs


# --------------------------------------------------------------------------- fork engine
# On Linux the chapters run without Jupyter kernels: a fresh helper process imports what every
# chapter imports (pandas, altair, IPython, helpers) and loads data/ once, then forks one worker
# per core; a worker runs its notebooks' cells in an IPython shell whose display hook and display
# publisher record outputs as a kernel would send them (display_data, execute_result, stream).
# This saves each chapter the kernel start and the imports. tests/test_notebooks.py re-runs
# every chapter in a real kernel and compares with the outputs this engine stored.

def _json_clean(obj):
    return json.loads(json.dumps(obj, default=str))


class _Recorder:
    """Outputs of the cell being run, in order; consecutive writes to one stream are one output."""

    def __init__(self, count: int | None = None):
        self.outputs: list = []
        self.count = count  # the cell's execution count (execute_result carries it)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.outputs.append(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, data: dict, metadata: dict | None) -> None:
        self.outputs.append(nbformat.v4.new_output(
            "display_data", data=_json_clean(data), metadata=_json_clean(metadata or {})))

    def result(self, data: dict, metadata: dict | None, count: int) -> None:
        self.outputs.append(nbformat.v4.new_output(
            "execute_result", data=_json_clean(data), metadata=_json_clean(metadata or {}),
            execution_count=count))


class _StreamTo:
    def __init__(self, rec_of, name: str):
        self._rec_of, self.name = rec_of, name

    def write(self, text: str) -> int:
        self._rec_of().stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


_SHELL = None
_REC = _Recorder()


def _shell():
    """The worker's IPython shell, with a display hook and publisher that record outputs."""
    global _SHELL
    if _SHELL is not None:
        return _SHELL
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from ipykernel.zmqshell import ZMQInteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class Hook(DisplayHook):
        def start_displayhook(self):
            pass

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            _REC.result(format_dict, md_dict, _REC.count)

        def finish_displayhook(self):
            pass

        def flush(self):  # as the base class, minus its gc.collect() (0.07 s per chapter)
            import gc
            collect = gc.collect
            gc.collect = lambda *a, **k: 0
            try:
                super().flush()
            finally:
                gc.collect = collect

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            _REC.display(data, metadata)

        def clear_output(self, wait=False):
            _REC.outputs.clear()

    class BookShell(ZMQInteractiveShell):
        """The kernel's own shell class (libraries such as pandas format for a notebook when they
        see it), minus the messaging: outputs go to the recorder, errors to NotebookError."""
        displayhook_class = Type(Hook)
        display_pub_class = Type(Publisher)

        def _showtraceback(self, etype, evalue, stb):
            pass

    cfg = Config()
    cfg.HistoryManager.enabled = False
    _SHELL = BookShell.instance(config=cfg)
    return _SHELL


def _run_in_shell(path: Path, timeout: int) -> nbformat.NotebookNode:
    import signal
    import sys
    import traceback
    global _REC
    shell = _shell()
    nb = nbformat.read(path, as_version=4)
    exec(_RESET.format(cwd=str(path.parent)), shell.user_ns)
    shell.execution_count = 1

    def on_alarm(signum, frame):
        raise TimeoutError(f"a cell ran longer than {timeout} s")

    old_out, old_err = sys.stdout, sys.stderr
    old_alarm = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            if not cell.source.strip():
                cell.execution_count = None
                continue
            cell.execution_count = shell.execution_count
            _REC = _Recorder(shell.execution_count)
            sys.stdout, sys.stderr = _StreamTo(lambda: _REC, "stdout"), _StreamTo(lambda: _REC, "stderr")
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                res = shell.run_cell(cell.source, store_history=True, silent=False)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                sys.stdout, sys.stderr = old_out, old_err
            cell.outputs = _REC.outputs
            err = res.error_before_exec or res.error_in_exec
            if err is not None:
                tb = "".join(traceback.format_exception(type(err), err, err.__traceback__))
                raise NotebookError(f"{_rel(path)} failed in cell {index}:\n{cell.source}\n\n{tb}")
    finally:
        signal.signal(signal.SIGALRM, old_alarm)
    return _clean(nb)


def _fork_task(args) -> dict:
    path, timeout, out_dir = args
    t0 = time.perf_counter()
    try:
        nb = _run_in_shell(Path(path), timeout)
    except NotebookError as e:
        return {"path": path, "error": str(e), "worker": os.getpid()}
    except BaseException as e:  # noqa: BLE001 - reported to the parent with the chapter's name
        return {"path": path, "error": f"{_rel(Path(path))} failed: {type(e).__name__}: {e}", "worker": os.getpid()}
    out = Path(out_dir) / f"{os.getpid()}-{Path(path).name}"
    nbformat.write(nb, out)
    return {"path": path, "file": str(out), "seconds": time.perf_counter() - t0, "worker": os.getpid()}


def _zygote(paths: list[str], workers: int, timeout: int, out_dir: str) -> int:
    """The helper process: warm imports, then one forked worker per core; a JSON line per notebook."""
    import multiprocessing

    # Import what every chapter imports once, for all workers, as a chapter would: inside the
    # shell (pandas picks some defaults at import from what it finds: in a kernel's shell at most
    # 20 columns in a table's text, in a terminal as wide as the terminal).
    shell = _shell()
    with shell.builtin_trap:
        exec("import pandas, IPython.display\n"
             "from myst_nb import glue\n"
             "from helpers import (appendix, book, caveats, charts, coverage, data, decomposition,\n"
             "                     fiscal_context, ledger, national, provinces, units)\n"
             "try:\n"
             "    data.load_all()  # tables parsed and validated once, shared by the workers\n"
             "except FileNotFoundError:\n"
             "    pass\n", {})
    import gc
    gc.collect()
    gc.freeze()  # what is loaded now is shared by the workers: the collector leaves it alone
    import queue as _queue
    ctx = multiprocessing.get_context("fork")
    tasks, results = ctx.Queue(), ctx.Queue()
    for p in paths:
        tasks.put(p)
    n = min(workers, len(paths))
    for _ in range(n):
        tasks.put(None)  # one "no more" per worker (a queue can look empty while still filling)
    procs = [ctx.Process(target=_fork_worker, args=(tasks, results, timeout, out_dir), daemon=True)
             for _ in range(n)]
    for pr in procs:
        pr.start()
    done = 0
    while done < len(paths):
        try:
            res = results.get(timeout=1.0)
        except _queue.Empty:
            dead = [pr for pr in procs if pr.exitcode not in (None, 0)]
            if dead:  # a worker crashed (not a Python error in a cell: those come as results)
                print(json.dumps({"error": f"a chapter worker died (exit code {dead[0].exitcode}) "
                                           "while running a chapter"}), flush=True)
                _stop(procs)
                return 1
            continue
        done += 1
        print(json.dumps(res), flush=True)
        if res.get("error"):
            _stop(procs)
            return 1
    for pr in procs:
        pr.join(timeout=10)
    return 0


def _stop(procs) -> None:
    for pr in procs:
        if pr.is_alive():
            pr.terminate()
    for pr in procs:
        pr.join(timeout=5)


def _fork_worker(tasks, results, timeout: int, out_dir: str) -> None:
    while (path := tasks.get()) is not None:
        results.put(_fork_task((path, timeout, out_dir)))


def _main(argv: list[str] | None = None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m helpers.execute", description="(internal) the fork engine's runner")
    ap.add_argument("--workers", type=int, required=True)
    ap.add_argument("--timeout", type=int, default=TIMEOUT)
    ap.add_argument("--out", required=True)
    ap.add_argument("notebooks", nargs="+")
    a = ap.parse_args(argv)
    return _zygote(a.notebooks, a.workers, a.timeout, a.out)


if __name__ == "__main__":
    sys.exit(_main())
