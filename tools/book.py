"""Build the book: Jupyter Book 1.x (Sphinx + MyST-NB) with execution through jupyter-cache.

Command line::

    python -m tools.book build [--teacher] [--out DIR] [--fresh] [--cache DIR]
    python -m tools.book bundle          # (re)write book/_static/vega-bundle.js

``build`` runs Sphinx with ``-W -n --keep-going`` (a warning, a broken reference or a failing
cell fails the build) and MyST-NB's ``cache`` execution mode. The cache (``_build/.jupyter_cache``)
is keyed by jupyter-cache on each notebook's code; this module adds what jupyter-cache cannot
see: a fingerprint of everything a chapter reads (``data/``, ``helpers/``, ``ledger/`` and the
dependency pins). When the fingerprint changes, or with ``--fresh`` (CI), the cache is cleared
and every chapter runs again. Chapters that need running are executed first by jupyter-cache's
parallel executor (one ordinary kernel per core); Sphinx then finds every chapter in the cache.
Nothing in the repository is written: the notebooks in ``book/`` are stored without outputs.

Environment (each must be ``0`` or ``1`` if set): ``BOOK_TEACHER=1`` shows exercise solutions
(as ``--teacher``), ``BOOK_FRESH=1`` as ``--fresh``. The build sets ``BOOK_STATIC_CHARTS=1`` for
the chapters it runs, so charts carry their static SVG copies (print, no-script, LaTeX) only in
the built book, never when a reader runs a chapter in Jupyter or Binder.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import yaml

from helpers import paths

ROOT = paths.ROOT
BOOK = paths.BOOK
STATIC = BOOK / "_static"
TOC = ROOT / "_toc.yml"
CONFIG = ROOT / "_config.yml"
CACHE = ROOT / "_build" / ".jupyter_cache"
FINGERPRINT_FILE = "book-fingerprint.txt"
SPHINX_FLAGS = "-W -n --keep-going"
NB_TIMEOUT = 120
#: What a chapter reads besides its own code: a change to any of these re-runs every chapter.
FINGERPRINTED = ("data", "helpers", "ledger", "requirements.txt", "pyproject.toml")
#: What the pages are rendered with: a change re-renders every page (Sphinx alone would skip a build
#: in which no page changed, and never copy an edited stylesheet), without re-running any chapter.
RENDER_FINGERPRINTED = ("_config.yml", "_toc.yml", "book/_static", "book/references.bib", "tools/book.py")


class BuildError(RuntimeError):
    """A build that cannot go on; the message names what to fix."""


def env_flag(name: str) -> bool:
    """A ``BOOK_*`` switch: unset or ``0`` is off, ``1`` is on, anything else is an error."""
    value = os.environ.get(name, "")
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise BuildError(f"environment variable {name}={value!r}: use 1 (on) or 0 (off)")


# --------------------------------------------------------------------------- table of contents
def toc_pages(toc_path: Path = TOC) -> list[str]:
    """Stems (``book/...``) listed in ``_toc.yml``, root first, in reading order."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def page_file(stem: str) -> Path | None:
    """The file (``.ipynb`` or ``.md``) of a page stem such as ``book/intro``, or None."""
    for ext in (".ipynb", ".md"):
        if (ROOT / f"{stem}{ext}").exists():
            return ROOT / f"{stem}{ext}"
    return None


def chapter_notebooks() -> list[Path]:
    """The notebooks in the book, in toc order."""
    return [ROOT / f"{s}.ipynb" for s in toc_pages() if (ROOT / f"{s}.ipynb").exists()]


# --------------------------------------------------------------------------- execution cache
def fingerprint(names: tuple[str, ...] = FINGERPRINTED) -> str:
    """sha256 over the path and bytes of every file a chapter may read (:data:`FINGERPRINTED`)."""
    h = hashlib.sha256()
    for name in names:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()
                                                   and "__pycache__" not in p.parts)
        for p in files:
            h.update(p.relative_to(ROOT).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def prepare_cache(fresh: bool = False, cache_dir: Path = CACHE) -> bool:
    """Clear the execution cache if asked or if what chapters read changed. True if cleared."""
    stamp = cache_dir / FINGERPRINT_FILE
    now = fingerprint()
    stale = fresh or not stamp.exists() or stamp.read_text(encoding="utf-8").strip() != now
    if stale:
        shutil.rmtree(cache_dir, ignore_errors=True)
        cache_dir.mkdir(parents=True)
        stamp.write_text(now + "\n", encoding="utf-8")
    return stale


def execute_missing(notebooks: list[Path], cache_dir: Path = CACHE, report_dir: Path | None = None) -> list[str]:
    """Run, in parallel, the chapters the cache does not hold; return the failures (one per chapter).

    jupyter-cache's execution worker runs each chapter in an ordinary Jupyter kernel, one per
    core, and stores each successful run; MyST-NB then reads the chapters from the cache.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    for nb in notebooks:
        cache.add_nb_to_project(str(nb))
    wanted = {str(nb) for nb in notebooks}
    missing = [r for r in cache.list_unexecuted() if r.uri in wanted]
    if not missing:
        print(f"all {len(notebooks)} chapters are in the execution cache", flush=True)
        return []
    names = ", ".join(Path(r.uri).stem for r in missing)
    print(f"running {len(missing)} chapter(s) on {os.cpu_count()} core(s): {names}", flush=True)
    t0 = time.perf_counter()
    log = report_dir / "kernels.log" if report_dir is not None else Path(os.devnull)
    results = _run_parallel(cache, missing, log)
    print(f"ran {len(missing)} chapter(s) in {time.perf_counter() - t0:.1f} s", flush=True)
    failures = []
    for code, uri in [(code, uri) for code, uri in results if code != 0]:
        record = cache.get_project_record(uri)
        not_run = f"the chapter could not be run (its kernel did not start, {1 + KERNEL_RETRIES} tries)" + (
            f": see {log}" if report_dir is not None else "")
        tb = record.traceback or (not_run if code == NOT_RUN else "(no traceback recorded)")
        failures.append(f"{Path(uri).relative_to(ROOT) if Path(uri).is_relative_to(ROOT) else uri}: "
                        f"{cell_failure(Path(uri), tb)}")
        if report_dir is not None:
            report_dir.mkdir(parents=True, exist_ok=True)
            (report_dir / f"{Path(uri).stem}.log").write_text(tb, encoding="utf-8")
    return failures


_STOP = None  # in a pool worker: the build's "stop" event


def _worker_init(log: str, stop) -> None:
    """A pool worker ignores Ctrl-C (the build stops it), and its kernels' stderr goes to ``log``:
    a kernel's own messages (a traceback if it is stopped while it starts) never reach the terminal."""
    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc; elsewhere none are found)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _kill_tree(pid: int) -> None:
    """Kill a worker and the kernels it started (jupyter_client starts them in a session of their
    own, so Ctrl-C does not reach them)."""
    for child in _children(pid):
        _kill_tree(child)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


#: jupyter-cache's result for a chapter that could not be run at all (no cell failed): most often
#: a kernel that died while starting, e.g. when another process took one of the ports
#: jupyter_client had picked for it. Such a chapter is tried again, up to this many times.
NOT_RUN, KERNEL_RETRIES = 2, 2


def _execute(job) -> tuple[int, str]:
    """jupyter-cache's worker for one chapter, unless the build is stopping (a worker the pool
    starts in place of a killed one then takes no chapter and starts no kernel)."""
    from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc
    for _ in range(1 + KERNEL_RETRIES):
        if _STOP is not None and _STOP.is_set():
            return (1, job.uri)
        code, uri = ExecutionWorkerLocalMProc()(job)
        if code != NOT_RUN:
            break
    return code, uri


def _run_parallel(cache, records, log: Path) -> list[tuple[int, str]]:
    """jupyter-cache's parallel worker (each runs an ordinary kernel and caches a successful run),
    one process per core. Unlike its ``local-parallel`` executor, the pool's workers ignore Ctrl-C
    and the build terminates them at once when it is interrupted, instead of hanging."""
    import multiprocessing as mp
    from jupyter_cache.executors.basic import ProcessData

    jobs = [ProcessData(r.pk, r.uri, cache, NB_TIMEOUT, False) for r in records]
    if log != Path(os.devnull):
        log.parent.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("spawn")  # fresh interpreters: nothing of the build process is copied into a worker
    stop = ctx.Event()
    pool = ctx.Pool(min(len(jobs), os.cpu_count() or 1), initializer=_worker_init, initargs=(str(log), stop))
    try:
        results = pool.map(_execute, jobs, chunksize=1)
    except BaseException:  # Ctrl-C or a crash: stop the workers and their kernels now, not after their chapters
        stop.set()
        for worker in mp.active_children():
            _kill_tree(worker.pid)
        pool.terminate()
        raise
    pool.close()
    pool.join()
    return results


_CELL_SOURCE = re.compile(r"An error occurred while executing the following cell:\n-+\n(.*?)\n-+\n", re.S)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def cell_failure(notebook: Path, traceback: str) -> str:
    """Where a chapter failed, as the reader sees it in Jupyter: the cell's number counting every
    cell from 1 (Markdown and code), its first line, and the error's last line."""
    text = _ANSI.sub("", traceback)
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    error = lines[-1] if lines else "unknown error"
    m = _CELL_SOURCE.search(text)
    if not m:
        return error
    source = m.group(1).strip()
    import json
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for i, c in enumerate(cells, 1):
        src = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        if c["cell_type"] == "code" and src.strip() == source:
            return f"cell {i} ({source.splitlines()[0][:60]!r}): {error}"
    return f"cell starting {source.splitlines()[0][:60]!r}: {error}"


# --------------------------------------------------------------------------- vega bundle
def _bundle_header() -> str:
    import vl_convert
    from helpers import charts
    return (f"/* vega {vl_convert.get_vega_version()}, vega-lite {charts.VL_VERSION}, "
            f"vega-embed {vl_convert.get_vega_embed_version()}: generated by `python -m tools.book bundle` "
            f"with vl-convert-python; loaded once per page (html_js_files), never from a CDN. */\n")


def ensure_bundle(force: bool = False) -> Path:
    """Write book/_static/vega-bundle.js unless an up-to-date copy is there."""
    from helpers import charts
    path = STATIC / charts.BUNDLE_NAME
    head = _bundle_header()
    if not force and path.exists():
        with path.open(encoding="utf-8") as f:
            if f.readline() == head:
                return path
    STATIC.mkdir(parents=True, exist_ok=True)
    path.write_text(head + charts.javascript_bundle() + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- configuration
def repository_url(config: dict | None = None) -> str:
    """The repository address from ``_config.yml`` (the one place it is set); '' while unset."""
    config = config if config is not None else yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    url = str((config.get("repository") or {}).get("url") or "").strip()
    if url and ("OWNER" in url or "<" in url):
        raise BuildError(f"{CONFIG.name}: repository.url {url!r} is a placeholder: set the real address or leave it empty")
    return url


def effective_config(out: Path) -> Path:
    """``_config.yml`` as this build uses it: without a repository address, no repository, issue
    or launch button (each would link to nowhere). Written beside the output, never in place."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    if not repository_url(config):
        config.pop("repository", None)
        for key in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
            config.setdefault("html", {})[key] = False
        config.pop("launch_buttons", None)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "_config.effective.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- build
def build(out: Path | str | None = None, *, teacher: bool = False, fresh: bool = False,
          quiet: bool = False, cache_dir: Path = CACHE) -> int:
    """Build the HTML book into ``out/html`` with -W -n --keep-going. Returns the exit status."""
    t0 = time.perf_counter()
    out = Path(out) if out else ROOT / "_build"
    out = out if out.is_absolute() else ROOT / out
    cleared = prepare_cache(fresh, cache_dir)
    if cleared:
        print("execution cache cleared (data/, helpers/, ledger/ or the pins changed, or a fresh build): "
              "every chapter runs", flush=True)
    os.environ["BOOK_STATIC_CHARTS"] = "1"  # inherited by every kernel this build starts
    ensure_bundle()
    failures = execute_missing(chapter_notebooks(), cache_dir, report_dir=out / "reports")
    if failures:
        print("build FAILED: chapter(s) did not run:\n  " + "\n  ".join(failures)
              + f"\n(full tracebacks in {out / 'reports'})", file=sys.stderr, flush=True)
        return 1
    from jupyter_book.sphinx import build_sphinx

    overrides = {"external_toc_path": TOC.as_posix(), "nitpicky": True, "latex_individualpages": False,
                 "nb_execution_mode": "cache", "nb_execution_cache_path": str(cache_dir),
                 "nb_execution_timeout": NB_TIMEOUT, "nb_execution_raise_on_error": True}
    if teacher:
        overrides["hide_solutions"] = False
    print(f"building the book into {out / 'html'} ({'teacher' if teacher else 'student'} version, "
          f"sphinx {SPHINX_FLAGS})", flush=True)
    stamp = out / ".render-fingerprint"
    render = fingerprint(RENDER_FINGERPRINTED) + (" teacher" if teacher else "")
    fresh_env = cleared or not stamp.exists() or stamp.read_text(encoding="utf-8") != render
    res = build_sphinx(ROOT, out / "html", noconfig=True, path_config=str(effective_config(out)), confoverrides=overrides,
                       builder="html", warningiserror=True, keep_going=True, freshenv=fresh_env,
                       doctreedir=out / ".doctrees", quiet=quiet)
    status = res if isinstance(res, int) else 1
    if status == 0:
        stamp.write_text(render, encoding="utf-8")
    else:
        stamp.unlink(missing_ok=True)
    print(f"build {'succeeded' if status == 0 else 'FAILED'} in {time.perf_counter() - t0:.1f} s", flush=True)
    return status


def linkcheck(out: Path | None = None) -> int:
    """Sphinx's linkcheck builder over the book (chapters from the execution cache)."""
    from jupyter_book.sphinx import build_sphinx
    out = out or ROOT / "_build"
    prepare_cache(False)
    failures = execute_missing(chapter_notebooks())
    if failures:
        print("linkcheck: chapter(s) did not run:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    overrides = {"external_toc_path": TOC.as_posix(), "nb_execution_mode": "cache",
                 "nb_execution_cache_path": str(CACHE)}
    res = build_sphinx(ROOT, out / "linkcheck", noconfig=True, path_config=str(effective_config(out)),
                       confoverrides=overrides, builder="linkcheck", warningiserror=False, keep_going=True,
                       doctreedir=out / ".doctrees-linkcheck")
    return res if isinstance(res, int) else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.book", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the HTML book (-W -n --keep-going)")
    b.add_argument("--teacher", action="store_true", help="show exercise solutions (also BOOK_TEACHER=1)")
    b.add_argument("--out", default=None, help="build folder (HTML in OUT/html; default _build)")
    b.add_argument("--fresh", action="store_true", help="clear the execution cache first (also BOOK_FRESH=1)")
    b.add_argument("--cache", default=None, help=f"execution cache folder (default {CACHE.relative_to(ROOT)})")
    sub.add_parser("bundle", help="rewrite book/_static/vega-bundle.js")
    sub.add_parser("linkcheck", help="check the external links the book cites (Sphinx linkcheck; needs the internet)")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "build":
            return build(args.out, teacher=args.teacher or env_flag("BOOK_TEACHER"),
                         fresh=args.fresh or env_flag("BOOK_FRESH"),
                         cache_dir=Path(args.cache).resolve() if args.cache else CACHE)
        if args.cmd == "linkcheck":
            return linkcheck()
        print(f"wrote {ensure_bundle(force=True)}")
        return 0
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted (Ctrl-C): the build stopped; nothing in the repository was changed. "
              "Chapters that finished are kept in the execution cache.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
