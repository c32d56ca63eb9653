"""Shared test setup: the library on sys.path, and the workflow run as a user runs it."""

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

# One BLAS thread, as Snakemake gives a `threads: 1` job: on 2 shared cores more threads only
# compete (numpy reads this when first imported, which happens after conftest).
for variable in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"]:
    os.environ.setdefault(variable, "1")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

WORKFLOW_ITEMS = ["Snakefile", "config.yaml", "config", "workflow", "resources", "envs", "profiles"]
PLANNED_JOB = re.compile(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", re.MULTILINE)
# The small configuration a user tries the workflow with (README "Try it in a minute"), relative to
# a copy of the workflow; tests that run the workflow start from it where they can.
QUICK_CONFIG = "config/test/quick.yaml"
# Whether the test being set up is marked `workflow` (copying the workflow requires it).
current_test = {"marked_workflow": False}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Note, before its fixtures are set up, whether the test is marked `workflow`."""
    current_test["marked_workflow"] = item.get_closest_marker("workflow") is not None


def require_workflow_marker() -> None:
    """Fail a test that copies or runs the workflow without being marked `workflow`."""
    assert current_test["marked_workflow"], (
        "this test runs the workflow: mark it @pytest.mark.workflow, so that "
        '`pytest -m "not workflow"` leaves it out'
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "workflow: runs Snakemake (slow; pytest -m 'not workflow')")


def copy_workflow(destination: Path) -> Path:
    """Copy what a user clones (no results) into destination."""
    require_workflow_marker()
    for item in WORKFLOW_ITEMS:
        source = REPO / item
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, destination / item, ignore=ignore)
        else:
            shutil.copy2(source, destination / item)
    return destination


def run_snakemake(workdir: Path, *arguments: str, cores: int = 2) -> subprocess.CompletedProcess:
    """Run `python -m snakemake` in workdir and capture its output."""
    require_workflow_marker()
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(cores), *arguments],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )


def planned_jobs(workdir: Path, *arguments: str) -> Counter:
    """What a dry run would execute, as a count per (rule, wildcards) pair."""
    result = run_snakemake(workdir, "--dry-run", *arguments)
    assert result.returncode == 0, result.stderr[-3000:]
    jobs: Counter = Counter()
    for rule, body in PLANNED_JOB.findall(result.stdout + result.stderr):
        wildcards = re.search(r"^    wildcards: (.*)$", body, re.MULTILINE)
        jobs[(rule, wildcards.group(1) if wildcards else "")] += 1
    return jobs


def rscript_or_skip() -> str:
    """The Rscript executable; skip the test without R, fail instead when CI requires R."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        if os.environ.get("INTERPLAY_REQUIRE_R") == "1":
            pytest.fail("INTERPLAY_REQUIRE_R=1 but Rscript is not on PATH")
        pytest.skip("Rscript is not installed")
    return rscript


# Exit status of a reference R script whose package (boot, haven) is not installed.
R_PACKAGE_ABSENT = 3


def run_r_script(script: Path, paths: list[Path], package: str, timeout: int = 300) -> None:
    """Run an R script on file arguments; skip when R or its package is missing (fail when CI
    requires R: INTERPLAY_REQUIRE_R=1), fail with R's error on any other failure."""
    rscript = rscript_or_skip()
    result = subprocess.run(
        [rscript, str(script), *map(str, paths)], capture_output=True, text=True, timeout=timeout
    )
    if result.returncode == R_PACKAGE_ABSENT:
        if os.environ.get("INTERPLAY_REQUIRE_R") == "1":
            pytest.fail(f"INTERPLAY_REQUIRE_R=1 but the R package {package} is not installed")
        pytest.skip(f"R package {package} is not installed")
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def completed_workflow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default analysis, run once per test session in a scratch copy of the repository."""
    workdir = copy_workflow(tmp_path_factory.mktemp("workflow"))
    result = run_snakemake(workdir)
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir


# Chromium as CI runs it: no sandbox (root in a container), no network, a throwaway profile.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The Chromium executable, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> str:
    """Chromium, or a skip — a failure when INTERPLAY_REQUIRE_BROWSER=1 (as in CI)."""
    path = chromium_path()
    if path is None:
        if os.environ.get("INTERPLAY_REQUIRE_BROWSER") == "1":
            pytest.fail("INTERPLAY_REQUIRE_BROWSER=1 but no chromium executable is on PATH")
        pytest.skip("chromium is not installed (CI sets INTERPLAY_REQUIRE_BROWSER=1)")
    return path
