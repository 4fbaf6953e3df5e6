"""Build the book, execute its notebooks, keep the table of contents in step with book/.

Command line::

    python -m helpers.book build [--teacher] [--out DIR] [--no-execute]
    python -m helpers.book execute [NOTEBOOK ...]     # refresh stored outputs in place
    python -m helpers.book toc                        # rewrite _toc.yml from PLAN
    python -m helpers.book bundle                     # (re)write book/_static/vega-bundle.js

``build`` always runs Sphinx with ``-W -n --keep-going`` (warnings, broken references and
failing cells fail the build) and re-executes every chapter first (:mod:`helpers.execute`:
warm kernels in parallel, outputs written to a copy of book/ under OUT/src that Sphinx
renders), so a table added to ``data/`` flows into every chapter. ``execute`` stores fresh
outputs in the notebooks themselves (the tests compare them with a run in a kernel of its own). The HTML goes to ``DIR/html``
(default ``_build/html``). ``--teacher`` (or ``BOOK_TEACHER=1``) shows exercise solutions.

The table of contents is :data:`PLAN`: a page is listed in ``_toc.yml`` once its file exists in
``book/`` and every chapter it links to with ``{doc}`` (and the glossary, if it uses ``{term}``)
exists too. To add a chapter, add its stem to :data:`PLAN`; ``build`` rewrites ``_toc.yml``.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import time
from pathlib import Path

import yaml

from . import paths

ROOT = paths.ROOT
BOOK = paths.BOOK
STATIC = BOOK / "_static"
TOC = ROOT / "_toc.yml"
CONFIG = ROOT / "_config.yml"
SPHINX_FLAGS = "-W -n --keep-going"
NB_TIMEOUT = 120

#: The book's planned structure (stems relative to the repository root, no extension).
PLAN: dict = {
    "root": "book/intro",
    "parts": [
        {"caption": "The argument and the data", "chapters": [
            "book/01_argument_and_data",
            "book/02_data_sources",
            "book/03_accounting_caveats",
        ]},
        {"caption": "The evidence", "chapters": [
            "book/04_provincial_decomposition",
            "book/05_fiscal_context",
            "book/06_national_position",
        ]},
        {"caption": "The verdicts", "chapters": [
            "book/07_claims_ledger",
        ]},
        {"caption": "Appendices", "chapters": [
            "book/data_appendix",
            "book/glossary",
            "book/teaching_guide",
            "book/references",
        ]},
    ],
}

_DOC_ROLE = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")
_TERM_ROLE = re.compile(r"\{term\}`")


def _file_of(stem: str) -> Path | None:
    for ext in (".ipynb", ".md"):
        p = ROOT / f"{stem}{ext}"
        if p.exists():
            return p
    return None


def _planned() -> list[str]:
    return [PLAN["root"]] + [c for part in PLAN["parts"] for c in part["chapters"]]


def _links(path: Path) -> tuple[set[str], bool]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":  # plain JSON: no nbformat import or validation (the build starts sooner)
        def joined(v):
            return v if isinstance(v, str) else "".join(v)
        parts = []
        for c in json.loads(text)["cells"]:  # markdown, code that prints MyST, stored Markdown outputs
            parts.append(joined(c.get("source", "")))
            for o in c.get("outputs", []):
                md = o.get("data", {}).get("text/markdown")
                if md:
                    parts.append(joined(md))
        text = "\n".join(parts)
    here = path.parent.relative_to(ROOT)
    docs = set()
    for target in _DOC_ROLE.findall(text):
        target = target.strip()
        stem = target.lstrip("/") if target.startswith("/") else (here / target).as_posix()
        docs.add(os.path.normpath(stem).replace(os.sep, "/"))
    return docs, bool(_TERM_ROLE.search(text))


_PLAN_CACHE: dict = {}


def effective_plan() -> tuple[dict, list[tuple[str, str]]]:
    """The toc for the pages that exist now, and the planned pages held back (with why)."""
    key = []
    for s in _planned():  # recomputed when a planned page appears, goes or changes
        f = _file_of(s)
        key.append((s, f.stat().st_mtime_ns if f else None))
    key = (repr(PLAN), tuple(key))
    if key not in _PLAN_CACHE:
        _PLAN_CACHE.clear()
        _PLAN_CACHE[key] = _effective_plan()
    toc, held = _PLAN_CACHE[key]
    return copy.deepcopy(toc), list(held)


def _effective_plan() -> tuple[dict, list[tuple[str, str]]]:
    planned = set(_planned())
    present = {s for s in planned if _file_of(s)}
    held: dict[str, str] = {s: "file not written yet" for s in planned - present}
    changed = True
    while changed:  # a page linking to a held-back planned page is held back too
        changed = False
        for s in sorted(present - set(held)):
            docs, terms = _links(_file_of(s))
            missing = sorted(d for d in docs if d in planned and d in held)
            if terms and "book/glossary" in held:
                missing.append("book/glossary (for {term})")
            if missing and s != PLAN["root"]:
                held[s] = "links to pages not in the book yet: " + ", ".join(missing)
                changed = True
    if PLAN["root"] in held:
        raise FileNotFoundError(f"the book's root page {PLAN['root']}.md is missing")
    parts = []
    for part in PLAN["parts"]:
        chapters = [{"file": c} for c in part["chapters"] if c not in held]
        if chapters:
            parts.append({"caption": part["caption"], "chapters": chapters})
    toc = {"format": "jb-book", "root": PLAN["root"], "parts": parts}
    return toc, sorted((s, r) for s, r in held.items() if r != "file not written yet")


def toc_text(toc: dict) -> str:
    head = ("# Generated by `python -m helpers.book toc` from helpers/book.py PLAN: lists the planned\n"
            "# pages that exist in book/. To add a chapter, add it to PLAN (a build rewrites this file).\n")
    return head + yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)


def sync_toc(path: Path = TOC, quiet: bool = False) -> bool:
    """Rewrite ``_toc.yml`` if the existing pages changed; True if it was rewritten."""
    toc, held = effective_plan()
    if not quiet:
        for s, why in held:
            print(f"note: {s} not in the book yet ({why})")
        planned = set(_planned())
        for p in sorted(BOOK.glob("*.ipynb")) + sorted(BOOK.glob("*.md")):
            stem = p.relative_to(ROOT).with_suffix("").as_posix()
            if stem not in planned:
                print(f"note: {p.relative_to(ROOT)} is not in helpers.book.PLAN, so not in the book")
    new = toc_text(toc)
    if path.exists() and path.read_text(encoding="utf-8") == new:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def chapter_notebooks() -> list[Path]:
    """The notebooks that are in the book (in toc order)."""
    toc, _ = effective_plan()
    out = []
    for part in toc["parts"]:
        for c in part["chapters"]:
            f = _file_of(c["file"])
            if f and f.suffix == ".ipynb":
                out.append(f)
    return out


def in_book(stem: str) -> bool:
    """Whether ``book/<stem>`` is in the book now (exists and all its links resolve)."""
    toc, _ = effective_plan()
    stem = stem if stem.startswith("book/") else f"book/{stem}"
    return stem == toc["root"] or any(c["file"] == stem for p in toc["parts"] for c in p["chapters"])


def chapter_link(stem: str, title: str) -> str:
    """MyST for a link to a chapter if it is in the book, else its title marked as in preparation.

    Chapters print it as Markdown output (``nb_render_markdown_format: myst``), so links appear
    by themselves once the chapter is written, and ``-W`` never sees a dangling reference.
    """
    if in_book(stem):
        return f"{{doc}}`{title} <{stem.removeprefix('book/')}>`"
    return f"*{title}* (chapter in preparation)"


# --------------------------------------------------------------------------- vega bundle
def _bundle_header() -> str:
    import vl_convert
    from . import charts
    return (f"/* vega {vl_convert.get_vega_version()}, vega-lite {charts.VL_VERSION}, "
            f"vega-embed {vl_convert.get_vega_embed_version()}: generated by `python -m helpers.book bundle` "
            f"with vl-convert-python; loaded once per page (html_js_files), never from a CDN. */\n")


def ensure_bundle(force: bool = False) -> Path:
    """Write book/_static/vega-bundle.js unless an up-to-date copy is there."""
    from . import charts
    path = STATIC / charts.BUNDLE_NAME
    head = _bundle_header()
    if not force and path.exists():
        with path.open(encoding="utf-8") as f:
            if f.readline() == head:
                return path
    STATIC.mkdir(parents=True, exist_ok=True)
    path.write_text(head + charts.javascript_bundle() + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- build
def build(out: Path | str | None = None, *, teacher: bool = False, execute: bool = True,
          sync: bool = True, quiet: bool = False, jobs: int = 1) -> int:
    """Build the HTML book into ``out/html`` with -W -n --keep-going. Returns the exit status."""
    t0 = time.perf_counter()
    job = None
    if execute:  # the chapters start first and run while Sphinx is being prepared
        from . import execute as nbexec
        notebooks = chapter_notebooks()
        job = nbexec.start(notebooks, timeout=NB_TIMEOUT)
    from jupyter_book.sphinx import build_sphinx

    out = Path(out) if out else ROOT / "_build"
    out = out if out.is_absolute() else ROOT / out
    ensure_bundle()
    if sync:
        if sync_toc(quiet=quiet):
            print("updated _toc.yml")
        toc_path = TOC
    else:  # leave the repository untouched (tests): write the toc beside the output
        out.mkdir(parents=True, exist_ok=True)
        toc_path = out / "_toc.yml"
        toc, _ = effective_plan()
        toc_path.write_text(toc_text(toc), encoding="utf-8")
    overrides = {"external_toc_path": toc_path.as_posix(), "nitpicky": True, "latex_individualpages": False}
    if teacher:
        overrides["hide_solutions"] = False
    # Sphinx never runs a kernel itself (MyST-NB execution off): either the stored outputs are
    # rendered as they are, or every chapter runs (helpers.execute, one worker per core, started
    # above) and helpers.sphinx_executed hands Sphinx each chapter's fresh run as it finishes,
    # in place of the stored one. The repository's notebooks are not written.
    overrides["nb_execution_mode"] = "off"
    print(f"building the book into {out / 'html'} ({'teacher' if teacher else 'student'} version, "
          f"{'executing notebooks' if execute else 'stored outputs'}, sphinx {SPHINX_FLAGS})", flush=True)
    from contextlib import nullcontext
    from . import sphinx_executed
    try:
        with (sphinx_executed.active(job, ROOT) if job is not None else nullcontext()):
            res = build_sphinx(ROOT, out / "html", noconfig=True, path_config=str(CONFIG), confoverrides=overrides,
                               builder="html", warningiserror=True, keep_going=True, freshenv=True,
                               doctreedir=out / ".doctrees", quiet=quiet, jobs=jobs)
    except BaseException:  # Sphinx crashed or the build was interrupted: stop the chapters too
        if job is not None:
            job.cancel()
        raise
    if job is not None:
        try:
            if sphinx_executed.FAILURE:
                raise sphinx_executed.FAILURE[0]
            runs = job.wait()
        except nbexec.NotebookError as e:
            job.cancel()
            print(f"build FAILED: {e}", file=sys.stderr, flush=True)
            return 1
        import nbformat
        for r in runs:  # the page's "download .ipynb" offers the notebook as run in this build
            src = out / "html" / "_sources" / r.path.relative_to(ROOT)
            if src.parent.exists():
                nbformat.write(r.nb, src)
        print(f"executed {len(runs)} notebooks on {job.workers} worker(s) ({job.engine} engine): "
              + ", ".join(f"{r.path.stem} {r.seconds:.1f} s" for r in runs), flush=True)
    status = res if isinstance(res, int) else 1
    print(f"build {'succeeded' if status == 0 else 'FAILED'} in {time.perf_counter() - t0:.1f} s", flush=True)
    return status


# --------------------------------------------------------------------------- execute
def execute_notebook(path: Path | str, *, write: bool = True, timeout: int = NB_TIMEOUT):
    """Run a notebook top to bottom (cwd = its folder); store outputs in place if ``write``.

    Outputs are kept deterministic: no timing metadata, execution counts from 1.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    if write:
        nbformat.write(nb, path)
    return nb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.book", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the HTML book (-W -n --keep-going)")
    b.add_argument("--teacher", action="store_true", help="show exercise solutions (also BOOK_TEACHER=1)")
    b.add_argument("--out", default=None, help="build folder (HTML in OUT/html; default _build)")
    b.add_argument("--no-execute", action="store_true", help="use the outputs stored in the notebooks")
    e = sub.add_parser("execute", help="run notebooks and store their outputs in place")
    e.add_argument("notebooks", nargs="*", help="default: every chapter notebook in the book")
    sub.add_parser("toc", help="rewrite _toc.yml from PLAN")
    sub.add_parser("bundle", help="rewrite book/_static/vega-bundle.js")
    args = ap.parse_args(argv)

    if args.cmd == "build":
        teacher = args.teacher or os.environ.get("BOOK_TEACHER", "") not in ("", "0")
        return build(args.out, teacher=teacher, execute=not args.no_execute)
    if args.cmd == "execute":
        from . import execute as nbexec
        nbs = [Path(n) for n in args.notebooks] or chapter_notebooks()
        t0 = time.perf_counter()
        try:
            runs = nbexec.run(nbs, in_place=True, timeout=NB_TIMEOUT)
        except nbexec.NotebookError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        for r in runs:
            print(f"executed {r.path.relative_to(ROOT)} in {r.seconds:.1f} s (worker {r.worker})")
        print(f"{len(runs)} notebooks in {time.perf_counter() - t0:.1f} s")
        return 0
    if args.cmd == "toc":
        print("updated _toc.yml" if sync_toc() else "_toc.yml up to date")
        return 0
    if args.cmd == "bundle":
        print(f"wrote {ensure_bundle(force=True)}")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
