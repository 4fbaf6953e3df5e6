"""Binder launches the repository from requirements.txt (+ runtime.txt) and runs the chapters.

Two levels:

* always: every requirement in requirements.txt is satisfied by the environment the tests run
  in, and a chapter executes from a fresh ``git clone`` of the repository, the way Binder
  checks it out (working directory = the notebook's folder, nothing on PYTHONPATH but the clone);
* in ``make binder`` (``BOOK_BINDER_FULL=1``; the ``binder`` job of the CI workflow): a brand-new
  virtual environment is built from the clone's requirements.txt with pip alone, as repo2docker
  does, and every chapter runs in it. It needs the package index, so ``make test`` deselects it.
"""
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from helpers import paths

CHAPTER = "book/01_argument_and_data.ipynb"


def requirements():
    for line in (paths.ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            yield Requirement(line)


def test_runtime_is_a_supported_python():
    want = (paths.ROOT / "runtime.txt").read_text().strip()
    major, minor = map(int, want.removeprefix("python-").split("."))
    assert want.startswith("python-") and (major, minor) >= (3, 11), want


def test_every_requirement_is_satisfied():
    for req in requirements():
        version = metadata.version(req.name)
        assert req.specifier.contains(version, prereleases=True), f"{req.name} {version} not in {req.specifier}"


#: Installed by `make test` (pyproject extras), never by requirements.txt: a Binder reader needs none.
NOT_FOR_READERS = {"pytest", "pytest-notebook", "playwright", "check-jsonschema", "pypdf", "xlwt",
                   "msoffcrypto-tool", "jupytext", "nbclient", "nbformat"}


def test_requirements_hold_nothing_test_or_build_only():
    names = {req.name.lower() for req in requirements()}
    assert not names & NOT_FOR_READERS, f"test/build-only packages in requirements.txt: {sorted(names & NOT_FOR_READERS)}"


def test_every_package_helpers_import_is_a_requirement():
    """Each third-party module that helpers/ imports comes from a requirement (or from jupyter-book)."""
    import ast
    provided = {"pandas": "pandas", "numpy": "numpy", "altair": "altair", "vl_convert": "vl-convert-python",
                "yaml": "pyyaml", "openpyxl": "openpyxl", "xlrd": "xlrd",
                "myst_nb": "jupyter-book", "IPython": "ipykernel"}
    names = {req.name.lower() for req in requirements()}
    stdlib = set(sys.stdlib_module_names)
    for f in sorted((paths.ROOT / "helpers").glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for m in mods:
                top = m.split(".")[0]
                if top in stdlib or top == "helpers":
                    continue
                assert top in provided, f"{f.name} imports {top}, which no requirement is known to provide"
                assert provided[top] in names, f"{f.name} imports {top}: add {provided[top]} to requirements.txt"


def test_helpers_installed_from_requirements():
    assert "-e ." in (paths.ROOT / "requirements.txt").read_text().splitlines()
    import helpers
    assert Path(helpers.__file__).resolve().parent == paths.ROOT / "helpers"


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if not (paths.ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    dest = tmp_path_factory.mktemp("binder") / "repo"
    subprocess.run(["git", "clone", "-q", str(paths.ROOT), str(dest)], check=True)
    # uncommitted work is part of what is being tested locally: overlay the working tree's tracked files
    files = subprocess.run(["git", "ls-files", "-m", "-o", "--exclude-standard"], cwd=paths.ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for f in files:
        src = paths.ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)
    return dest


def run_chapter(python: str, repo: Path, env: dict, chapter: str = CHAPTER) -> subprocess.CompletedProcess:
    nb = repo / chapter
    code = (
        "import nbformat, nbclient, sys;"
        f"nb = nbformat.read({str(nb)!r}, as_version=4);"
        f"nbclient.NotebookClient(nb, timeout=300, kernel_name='python3', resources={{'metadata': {{'path': {str(nb.parent)!r}}}}}).execute();"
        "import helpers; print('HELPERS', helpers.__file__)"
    )
    return subprocess.run([python, "-c", code], cwd=nb.parent, env=env, capture_output=True, text=True, timeout=900)


def test_chapter_runs_from_a_fresh_clone(clone):
    """pytest-notebook runs a chapter in a kernel whose only path to the book is the clone."""
    import nbformat
    from pytest_notebook.execution import execute_notebook
    assert (clone / CHAPTER).exists(), f"{CHAPTER} is not committed"
    nb = nbformat.read(clone / CHAPTER, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import helpers; print('HELPERS', helpers.__file__)"))
    env = {"PYTHONPATH": str(clone)}  # the clone's helpers and data/, not the working tree's
    result = execute_notebook(nb, cwd=str(clone / "book"), timeout=300, exec_env=env)
    assert result.exec_error is None, str(result.exec_error)[-3000:]
    printed = "".join(o.get("text", "") for o in result.notebook.cells[-1].outputs)
    assert str(clone / "helpers") in printed


@pytest.mark.binder
def test_fresh_environment_from_requirements_runs_every_chapter(clone, tmp_path):
    venv = tmp_path / "binder-env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    pip = subprocess.run([py, "-m", "pip", "install", "-q", "-r", "requirements.txt"], cwd=clone,
                         capture_output=True, text=True, timeout=1800)
    assert pip.returncode == 0, pip.stderr[-3000:]
    subprocess.run([py, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"], check=True,
                   capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "BOOK_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    chapters = sorted(p.relative_to(clone).as_posix() for p in (clone / "book").glob("*.ipynb"))
    assert len(chapters) >= 9
    for chapter in chapters:
        r = run_chapter(py, clone, env, chapter)
        assert r.returncode == 0, f"{chapter}: {r.stderr[-3000:]}"
        assert str(clone / "helpers") in r.stdout, chapter
