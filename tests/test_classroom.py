"""The book in the classroom: exercises with solutions, glossary terms, index entries, citations,
the teaching guide's links, and the student/teacher builds (solutions hidden / shown).

The two builds are cheap: ``tools.book.build`` takes the chapters from the execution cache that the
first build of the session filled (the -W -n --keep-going Sphinx run still fails on any warning),
into a temporary folder. Each is built once per test session.
"""
from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from book_fixtures import built_book  # noqa: F401  (fixture)
from helpers import paths
from tools import book

BOOK = paths.BOOK
GLOSSARY = BOOK / "glossary.md"
BIB = BOOK / "references.bib"
GUIDE = BOOK / "teaching_guide.md"

# ---------------------------------------------------------------------------- source parsing
_FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}[ \t]*(?P<arg>.*)$")
_TERM = re.compile(r"\{term\}`([^`]+)`")
_CITE = re.compile(r"\{cite(?::[\w-]+)?\}`([^`]+)`")
_DOC = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")
_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
_INDEX_ROLE = re.compile(r"\{index\}`([^`]+)`")


def planned_chapters() -> list[str]:
    """Stems of the numbered chapters in _toc.yml (book/0*)."""
    return [c for c in book.toc_pages() if Path(c).name.startswith("0")]


def _notebook_texts(path: Path) -> list[str]:
    """Markdown cell sources, code sources and stored Markdown outputs (MyST printed by code)."""
    nb = nbformat.read(path, as_version=4)
    out = []
    for c in nb.cells:
        if c.cell_type in ("markdown", "code"):
            out.append(c.source)
        for o in c.get("outputs", []):
            md = o.get("data", {}).get("text/markdown")
            if md:
                out.append(md if isinstance(md, str) else "".join(md))
    return out


def _markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


def _all_text(path: Path) -> str:
    return "\n".join(_notebook_texts(path)) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")


def book_sources() -> list[Path]:
    return sorted(BOOK.glob("*.ipynb")) + sorted(BOOK.glob("*.md"))


def directives(text: str, name: str) -> list[dict]:
    """Every ``{name}`` directive (backtick or colon fence) with its argument, options and body.

    A fence closes at the first line made of the same fence characters, at least as long:
    the CommonMark rule, so a ``` code block inside a ``` directive would close it early (and the
    test then sees the defect the build would see).
    """
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i].strip())
        if not m:
            i += 1
            continue
        fence = m["fence"]
        j = i + 1
        while j < len(lines) and not (set(lines[j].strip()) == {fence[0]} and len(lines[j].strip()) >= len(fence)):
            j += 1
        if m["name"] == name:
            body = lines[i + 1:j]
            opts = {}
            while body and body[0].startswith(":") and not body[0].startswith(":::"):
                k, _, v = body.pop(0)[1:].partition(":")
                opts[k.strip()] = v.strip()
            found.append({"arg": m["arg"].strip(), "options": opts, "body": "\n".join(body), "fence": fence})
            i = j + 1
        else:
            i += 1  # step inside: directives nest (an exercise inside an admonition)
    return found


def glossary_terms() -> list[str]:
    text = GLOSSARY.read_text(encoding="utf-8")
    blocks = directives(text, "glossary")
    assert blocks, "book/glossary.md has no {glossary} block"
    terms = []
    for block in blocks:
        for line in block["body"].splitlines():
            if line.strip() and not line[0].isspace():
                terms.append(line.strip())
    return terms


def bib_keys() -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M)


def _term_target(role_text: str) -> str:
    m = re.match(r"^(.*?)<([^<>]+)>\s*$", role_text, flags=re.S)
    return " ".join((m.group(2) if m else role_text).split())


def index_entries(text: str) -> list[str]:
    """Top-level index entries from ```{index}``` directives and {index} roles."""
    raw = [d["arg"] for d in directives(text, "index")]
    raw += [_term_target(r) for r in _INDEX_ROLE.findall(text)]
    out = []
    for arg in raw:
        for line in arg.splitlines():
            kind, sep, rest = line.partition(":")
            if sep and kind.strip() in ("single", "pair", "triple", "see", "seealso"):
                out.append(rest.split(";")[0].strip())
            else:
                out += [v.split(";")[0].strip().lstrip("!") for v in line.split(",") if v.strip()]
    return [e for e in out if e]


def _words(s: str) -> str:
    """Lower-case words only: compares source prose with rendered HTML (smart quotes, tags...)."""
    return " ".join(re.sub(r"[\W_]+", " ", s.lower()).split())


def _page_text(path: Path) -> str:
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<(script|style)\b.*?</\1>", " ", t, flags=re.S)
    return _words(html.unescape(re.sub(r"<[^>]+>", " ", t)))


def _solution_snippet(body: str) -> str | None:
    """Six words of prose from a solution, for finding it in the built page."""
    body = re.sub(r"^(`{3,}|~{3,}).*?^\1\s*$", " ", body, flags=re.S | re.M)  # code blocks
    for para in re.split(r"\n\s*\n", body):
        para = _ROLE.sub(" \x00 ", para)
        para = re.sub(r"`[^`]*`", " \x00 ", para)
        for chunk in para.split("\x00"):
            w = _words(chunk).split()
            if len(w) >= 6:
                return " ".join(w[:6])
    return None


# ---------------------------------------------------------------------------- exercises
@pytest.mark.parametrize("stem", planned_chapters())
def test_chapter_has_two_exercises_each_with_a_solution(stem):
    path = book.page_file(stem)
    if path is None:
        pytest.fail(f"{stem} is in _toc.yml but has no file")
    text = _markdown_of(path)
    exercises = directives(text, "exercise")
    solutions = directives(text, "solution")
    labels = [e["options"].get("label") for e in exercises]
    assert len(exercises) >= 2, f"{path.name}: {len(exercises)} exercise(s), expected at least two"
    assert all(labels), f"{path.name}: an exercise without :label: cannot have a solution"
    assert len(set(labels)) == len(labels), f"{path.name}: duplicate exercise labels {labels}"
    solved = [s["arg"] for s in solutions]
    missing = [lab for lab in labels if lab not in solved]
    assert not missing, f"{path.name}: exercises without a solution: {missing}"
    orphans = [s for s in solved if s not in labels]
    assert not orphans, f"{path.name}: solutions for exercises not on this page: {orphans}"
    empty = [s["arg"] for s in solutions if not s["body"].strip()]
    assert not empty, f"{path.name}: empty solutions {empty}"


def test_exercise_directives_are_not_cut_short_by_inner_code_fences():
    """A ``` code block inside a ``` exercise or solution closes the directive early: the rest of
    the solution is lost and the next exercise is swallowed (the teacher build then reports a
    solution whose exercise is 'not in the same document')."""
    bad = []
    for path in book_sources():
        text = _markdown_of(path)
        for name in ("exercise", "solution"):
            for d in directives(text, name):
                if not d["fence"].startswith("`"):
                    continue
                inner = [ln for ln in d["body"].splitlines()
                         if re.match(r"^\s*(`{3,})\S", ln) and len(re.match(r"^\s*(`+)", ln).group(1)) >= len(d["fence"])]
                if inner:
                    bad.append(f"{path.name}: {{{name}}} {d['arg'] or d['options'].get('label', '')}: {inner[0].strip()}")
    assert not bad, ("a directive opened with ``` contains a ``` code block, which closes it; open the "
                     "directive with :::{name} or ````{name} instead:\n" + "\n".join(bad))


def test_some_exercise_changes_a_definition():
    """At least one exercise asks the reader to change a definition and see what moves."""
    definition = re.compile(r"coastal[_ ]set|vintage|threshold|min_share_after|extreme_pct", re.I)
    change = re.compile(r"\b(change|raise|lower|try|replace|switch|set)\b", re.I)
    hits = []
    for path in sorted(BOOK.glob("0*.ipynb")):
        text = _markdown_of(path)
        solved = {s["arg"] for s in directives(text, "solution")}
        for e in directives(text, "exercise"):
            if definition.search(e["body"]) and change.search(e["body"]) and e["options"].get("label") in solved:
                hits.append(f"{path.name}:{e['options']['label']}")
    assert hits, "no exercise asks to change a definition (coastal set, vintage or threshold)"


# ---------------------------------------------------------------------------- glossary, citations
def test_glossary_terms_are_unique_and_defined():
    terms = glossary_terms()
    low = [t.lower() for t in terms]
    assert len(set(low)) == len(low), f"duplicate glossary terms: {sorted({t for t in low if low.count(t) > 1})}"
    for needed in ("half-year", "BPM6", "vertical fiscal gap", "central transfers", "GRP per head",
                   "net outflow of goods and services", "coastal provinces",
                   # the three balances (issue 12), one set for "the rest", the 2026 data's terms
                   "customs goods balance", "foreign balance of goods and services", "rest of the country",
                   "final accounts", "budget figure", "outturn", "provincial final-accounts summary",
                   "preliminary release", "formal release"):
        assert needed.lower() in low, f"glossary lacks {needed!r}"


def test_every_term_used_in_the_book_is_in_the_glossary():
    terms = {t.lower() for t in glossary_terms()}
    unknown = []
    for path in book_sources():
        for role in _TERM.findall(_all_text(path)):
            target = _term_target(role)
            if target.lower() not in terms:
                unknown.append(f"{path.name}: {{term}}`{role}`")
    assert not unknown, "terms not in book/glossary.md:\n" + "\n".join(unknown)


def test_chapters_link_glossary_terms():
    for name in ("02_data_sources", "05_fiscal_context", "06_national_position", "07_claims_ledger"):
        text = _markdown_of(BOOK / f"{name}.ipynb")
        assert len(set(_TERM.findall(text))) >= 5, f"{name}: fewer than five glossary terms linked"


def test_chapter_one_and_the_summary_name_the_three_balances():
    for name in ("01_argument_and_data", "summary"):
        targets = {_term_target(t).lower() for t in _TERM.findall(_markdown_of(BOOK / f"{name}.ipynb"))}
        assert {"customs goods balance", "net outflow of goods and services"} <= targets, name
    assert "foreign balance of goods and services" in {
        _term_target(t).lower() for t in _TERM.findall(_markdown_of(BOOK / "01_argument_and_data.ipynb"))}


def test_glossary_has_no_typed_statistics():
    """Definitions carry no numbers from the data: only years of events, editions and unit sizes."""
    text = GLOSSARY.read_text(encoding="utf-8")
    body = _ROLE.sub(" ", "\n".join(d["body"] for d in directives(text, "glossary")))  # {doc}`03_...`
    allowed = re.compile(r"^(1[89]\d\d|20\d\d|10\^8|10|100|-?\d)$")  # years, unit sizes, single digits
    numbers = [n for n in re.findall(r"(?<![\w.])-?\d[\d,.]*(?:\^\d+)?", body) if not allowed.match(n.rstrip(".,"))]
    assert not numbers, f"glossary contains typed numbers: {numbers}"


def test_every_citation_key_is_in_references_bib():
    keys = set(bib_keys())
    assert "fischer" in keys
    unknown = []
    for path in book_sources():
        for group in _CITE.findall(_all_text(path)):
            for key in (k.strip() for k in group.split(",")):
                if key not in keys:
                    unknown.append(f"{path.name}: {key}")
    assert not unknown, "citation keys missing from book/references.bib:\n" + "\n".join(unknown)


@pytest.mark.parametrize("name,needed", [
    ("02_data_sources", {"fischer", "nbs_fsnd", "safe_bop", "wdi", "nbs_csy", "qinghai_yb2020", "hunan_yb2009",
                         "provincial_io", "nbs_national"}),
    ("05_fiscal_context", {"fischer", "nbs_national", "nbs_csy_budget", "nbs_fsnd"}),
    ("06_national_position", {"fischer", "safe_bop", "imf_bpm6", "wdi", "nbs_national"}),
    ("07_claims_ledger", {"fischer", "nbs_fsnd", "nbs_csy"}),
])
def test_chapters_cite_their_sources(name, needed):
    text = _all_text(BOOK / f"{name}.ipynb")
    if name == "02_data_sources":  # the paper is cited in chapter 1 and the intro; 02 cites only sources
        needed = needed - {"fischer"}
    cited = {k.strip() for g in _CITE.findall(text) for k in g.split(",")}
    assert needed <= cited, f"{name} does not cite {sorted(needed - cited)}"


def test_references_bib_keys_are_unique():
    keys = bib_keys()
    assert len(keys) == len(set(keys)), f"duplicate bibtex keys: {sorted({k for k in keys if keys.count(k) > 1})}"


# ---------------------------------------------------------------------------- teaching guide
def test_teaching_guide_links_only_to_chapters_in_the_book():
    text = GUIDE.read_text(encoding="utf-8")
    targets = _DOC.findall(text)
    assert targets, "the teaching guide links to no chapter"
    planned = set(book.toc_pages())
    for t in targets:
        stem = t.strip().lstrip("/") if t.strip().startswith("/") else f"book/{t.strip()}"
        assert stem in planned, f"teaching guide links to {t!r}, which is not in _toc.yml"
        assert book.page_file(stem) is not None, f"teaching guide links to {t!r}, which does not exist"
    for link in re.findall(r"\]\(([^)#]+)\)", text):  # plain Markdown links to local files
        if not re.match(r"^[a-z]+:", link):
            assert (BOOK / link).exists(), f"teaching guide links to missing file {link!r}"


def test_teaching_guide_sessions_cover_every_chapter():
    text = GUIDE.read_text(encoding="utf-8")
    linked = {t.strip() for t in _DOC.findall(text)}
    for stem in planned_chapters():
        if book.page_file(stem) is not None:
            assert Path(stem).name in linked, f"teaching guide has no session slot for {stem}"


# ---------------------------------------------------------------------------- the built book
_BUILDS: dict[str, object] = {}


def _build(kind: str, tmp_path_factory) -> Path:
    if kind not in _BUILDS:
        out = tmp_path_factory.mktemp(f"classroom-{kind}") / "_build"
        code = ("import sys; from tools import book; "
                f"sys.exit(book.build({str(out)!r}, teacher={kind == 'teacher'}))")
        proc = subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, capture_output=True, text=True,
                              timeout=600)
        log = proc.stdout + proc.stderr
        warnings = [ln for ln in log.splitlines() if "WARNING" in ln or "ERROR" in ln]
        if proc.returncode != 0 or warnings:
            _BUILDS[kind] = (f"{kind} build (-W -n --keep-going) failed:\n" + "\n".join(warnings[:30])
                             + "\n--- log tail ---\n" + "\n".join(log.splitlines()[-15:]))
        else:
            _BUILDS[kind] = out / "html"
    if isinstance(_BUILDS[kind], str):
        pytest.fail(_BUILDS[kind])
    return _BUILDS[kind]  # type: ignore[return-value]


@pytest.fixture(scope="session")
def student_html(built_book) -> Path:
    """The student book is the session's book build (book_fixtures.built_book)."""
    return built_book


@pytest.fixture(scope="session")
def teacher_html(tmp_path_factory) -> Path:
    return _build("teacher", tmp_path_factory)


def _chapter_solutions() -> list[tuple[str, int, list[str]]]:
    """(chapter stem, number of solutions, prose snippets) for the chapters in the book."""
    out = []
    for path in book.chapter_notebooks():
        if not path.name.startswith("0"):  # the data appendix has no exercises
            continue
        sols = directives(_markdown_of(path), "solution")
        rest = _words(_markdown_of(path))
        snippets = [s for s in (_solution_snippet(d["body"]) for d in sols) if s]
        # a snippet also present outside solutions (an exercise repeating it) proves nothing
        outside = _words(re.sub(r"(?ms)^(`{3,}|:{3,})\{solution\}.*?^\1\s*$", " ", _markdown_of(path)))
        snippets = [s for s in snippets if s not in outside and s in rest]
        out.append((path.relative_to(paths.ROOT).with_suffix("").as_posix(), len(sols), snippets))
    return out


def test_student_book_hides_solutions(student_html):
    checked = 0
    for stem, n, snippets in _chapter_solutions():
        page = student_html / f"{stem}.html"
        raw = page.read_text(encoding="utf-8")
        assert 'class="exercise' in raw, f"{stem}: no exercise rendered in the student book"
        assert 'class="solution' not in raw, f"{stem}: a solution is shown in the student book"
        text = _page_text(page)
        shown = [s for s in snippets if s in text]
        assert not shown, f"{stem}: solution text visible in the student book: {shown}"
        checked += len(snippets)
    assert checked >= 5, "too few solution snippets to check"


def test_teacher_book_shows_every_solution(teacher_html):
    checked = 0
    for stem, n, snippets in _chapter_solutions():
        page = teacher_html / f"{stem}.html"
        raw = page.read_text(encoding="utf-8")
        shown = raw.count('class="solution')
        assert shown == n, f"{stem}: {shown} solutions rendered in the teacher book, {n} in the notebook"
        text = _page_text(page)
        hidden = [s for s in snippets if s not in text]
        assert not hidden, f"{stem}: solution text missing from the teacher book: {hidden}"
        checked += len(snippets)
    assert checked >= 5


def test_glossary_page_defines_every_term(student_html):
    page = student_html / "book" / "glossary.html"
    raw = page.read_text(encoding="utf-8")
    dts = re.findall(r'<dt id="term-([^"]+)"', raw)
    terms = glossary_terms()
    assert len(dts) == len(terms), f"glossary page has {len(dts)} terms, glossary.md {len(terms)}"
    text = _page_text(page)
    for t in terms:
        assert _words(t) in text, f"glossary page lacks {t!r}"
    # and chapters link to the glossary entries
    ch = (student_html / "book" / "06_national_position.html").read_text(encoding="utf-8")
    assert re.search(r'href="glossary\.html#term-Half-year"', ch), "chapter 6 does not link 'half-year'"


def test_general_index_lists_the_indexed_concepts(student_html):
    gen = student_html / "genindex.html"
    assert gen.exists(), "no genindex.html in the built book"
    raw = gen.read_text(encoding="utf-8")
    text = _page_text(gen)
    missing = []
    for path in book_sources():
        for entry in index_entries(_markdown_of(path)):
            if _words(entry) not in text:
                missing.append(f"{path.name}: {entry}")
    assert not missing, "index entries missing from genindex.html:\n" + "\n".join(missing)
    for name in ("02_data_sources", "05_fiscal_context", "06_national_position", "07_claims_ledger",
                 "glossary", "teaching_guide"):
        assert index_entries(_markdown_of(book.page_file(f"book/{name}"))), f"{name} has no index entry"
        assert f'href="book/{name}.html#' in raw, f"the general index has no entry pointing into {name}"
    for t in glossary_terms():  # glossary terms are indexed by Sphinx itself
        assert _words(t) in text, f"glossary term {t!r} not in the general index"
    # the index is reachable from the book's pages
    assert 'href="../genindex.html"' in (student_html / "book" / "glossary.html").read_text(encoding="utf-8")


def test_references_page_lists_the_bibliography(student_html):
    page = student_html / "book" / "references.html"
    raw = page.read_text(encoding="utf-8")
    n = len(re.findall(r'<div class="citation"', raw))
    assert n == len(bib_keys()), f"references page lists {n} entries, references.bib has {len(bib_keys())}"
    text = _page_text(page)
    for phrase in ("Spatial Dimensions of Domestic Rebalancing", "Balance of Payments and International Investment",
                   "Qinghai Statistical Yearbook 2020", "World Development Indicators"):
        assert _words(phrase) in text, f"references page lacks {phrase!r}"
    for name in ("05_fiscal_context", "06_national_position", "07_claims_ledger"):
        ch = (student_html / "book" / f"{name}.html").read_text(encoding="utf-8")
        assert re.search(r'href="references\.html#id\d+"', ch), f"{name}: no citation links to the references page"
