"""Exercise solutions: their code runs, and the outcomes their prose states are glued, not typed.

Every ```python block inside a ``{solution}`` directive of a chapter notebook (Markdown cells of
book/*.ipynb) is run in a fresh Python process from the repository root, with the repository on
PYTHONPATH, as a reader would run it in Binder. The prose of a solution may name years, ids and
names, and repeat a number the exercise gives (a threshold to try), but every other number it
states must come from ``{glue:text}`` (computed when the page runs).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import nbformat
import pytest

from helpers import paths
from test_classroom import _ROLE, directives

BOOK = paths.BOOK
_PY_BLOCK = re.compile(r"^(?P<f>`{3,}|~{3,})python[ \t]*\n(?P<code>.*?)^(?P=f)[ \t]*$", re.S | re.M)
_ANY_BLOCK = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", re.S | re.M)
#: a number standing alone (not part of a word such as C8, 2018Q1, H1 or sea_coast_11)
_NUMBER = re.compile(r"(?<![\w.\-/])-?\d[\d,.]*(?![\w/])")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


def _solutions() -> list[tuple[str, str, str, str]]:
    """(notebook name, solution label, body, exercise body) for every solution in book/*.ipynb."""
    out = []
    for path in sorted(BOOK.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        exercises = {d["options"].get("label"): d["body"] for d in directives(text, "exercise")}
        for d in directives(text, "solution"):
            out.append((path.name, d["arg"], d["body"], exercises.get(d["arg"], "")))
    return out


SOLUTIONS = _solutions()
CODE = [(nb, label, i, m["code"]) for nb, label, body, _ in SOLUTIONS
        for i, m in enumerate(_PY_BLOCK.finditer(body))]


def typed_numbers(body: str) -> list[str]:
    """Numbers typed in a solution's prose: code blocks, inline code and roles ({glue:text}, {term},
    {doc}...) removed; years (1800-2099, also in ranges such as 1998-2023) allowed."""
    prose = _ANY_BLOCK.sub(" ", body)
    prose = _ROLE.sub(" ", prose)
    prose = re.sub(r"`[^`]*`", " ", prose)
    prose = re.sub(r"^:\w+:.*$", " ", prose, flags=re.M)  # directive options (:class: dropdown)
    return [n for n in _NUMBER.findall(prose) if not _YEAR.match(n.strip(".,"))]


def test_solutions_found():
    assert len(SOLUTIONS) >= 10, f"only {len(SOLUTIONS)} solutions found in book/*.ipynb"
    assert len(CODE) >= 5, f"only {len(CODE)} solution code blocks found"


def test_typed_numbers_detector():
    """The detector itself: it must catch a typed figure and let years, ids and glued values pass."""
    assert typed_numbers("The share is 88 % in 2002 and {glue:text}`x:.1f` in 2017.") == ["88"]
    assert typed_numbers("Claims C1 and C8, quarter 2018Q1, 1998-2023, `n = 31`.") == []
    assert typed_numbers("```python\nx = 31\n```\nIt gives -61.2 亿元.") == ["-61.2"]


@pytest.mark.parametrize("nb,label,body,exercise", SOLUTIONS, ids=[f"{s[0]}:{s[1]}" for s in SOLUTIONS])
def test_solution_prose_has_no_typed_numbers(nb, label, body, exercise):
    given = {n.strip(".,") for n in _NUMBER.findall(exercise)}
    typed = [n for n in typed_numbers(body) if n.strip(".,") not in given]
    assert not typed, (f"{nb} solution {label}: numbers typed in the prose {typed}; compute them in a "
                       "remove-cell and write {glue:text}`name` instead")


_RUNNER = """
import json, sys, traceback
blocks = json.load(sys.stdin)
out = []
for code in blocks:
    try:
        exec(compile(code, "<solution>", "exec"), {"__name__": "__main__"})
        out.append(None)
    except BaseException:
        out.append(traceback.format_exc()[-2000:])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def solution_runs() -> list:
    """Every solution block run once, each in a namespace of its own, in one fresh Python process
    (repository on PYTHONPATH, as in Binder): None where it ran, else its traceback."""
    import json
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps([c for *_, c in CODE]), cwd=paths.ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("k", range(len(CODE)), ids=[f"{n}:{lab}:{i}" for n, lab, i, _ in CODE])
def test_solution_code_runs(solution_runs, k):
    nb, label, i, code = CODE[k]
    assert solution_runs[k] is None, (f"{nb} solution {label} (code block {i + 1}) fails:\n{code}\n"
                                      f"--- traceback ---\n{solution_runs[k]}")
