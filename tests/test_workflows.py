"""The GitHub Actions workflows and dependabot configuration are valid against the schemas GitHub
uses (check-jsonschema's vendored copies, offline), and CI runs the README's test command."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import paths

GITHUB = paths.ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))


def _check(schema: str, files: list[Path]) -> None:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(exe).exists():
        pytest.fail("check-jsonschema is not installed: `make test` installs the test extra")
    proc = subprocess.run([exe, "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflows_exist():
    assert {p.stem for p in WORKFLOWS} >= {"build", "publish", "linkcheck"}
    assert (GITHUB / "dependabot.yml").exists()


def test_workflows_are_valid():
    _check("vendor.github-workflows", WORKFLOWS)


def test_dependabot_is_valid():
    _check("vendor.dependabot", [GITHUB / "dependabot.yml"])


def test_pull_request_build_runs_the_readme_test_command_and_keeps_reports():
    wf = yaml.safe_load((GITHUB / "workflows" / "build.yml").read_text(encoding="utf-8"))
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    assert any("make test" in s.get("run", "") for s in steps)
    assert any(s.get("uses", "").startswith("actions/upload-artifact") and s.get("if") == "failure()" for s in steps)
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == "make test"


def test_binder_environment_is_a_ci_job_of_its_own():
    """`make binder` (a brand-new environment from requirements.txt, every chapter run in it) needs
    the package index, so it is not in `make test` but a job of the pull-request workflow."""
    wf = yaml.safe_load((GITHUB / "workflows" / "build.yml").read_text(encoding="utf-8"))
    assert any("make binder" in s.get("run", "") for s in wf["jobs"]["binder"]["steps"])
    make = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    assert "BOOK_BINDER_FULL=1" in make.split("\nbinder:", 1)[1].split("\n\n", 1)[0]
