"""The library as a package for notebooks: installable, lean to import, and interplay.api."""

import shutil
import subprocess
import sys
from pathlib import Path

import interplay
from conftest import REPO

PACKAGE_DIR = REPO / "workflow" / "scripts" / "interplay"
# Modules `import interplay` must not load: workflow jobs and notebooks pay for them only when used.
HEAVY_MODULES = ["numpy", "pandas", "scipy", "statsmodels", "matplotlib", "jsonschema", "yaml"]


def python(code: str, cwd: Path, path: Path) -> str:
    """Run code in a fresh, isolated interpreter that imports from `path` only; its stdout."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(path)!r}); {code}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_import_interplay_loads_no_heavy_module(tmp_path: Path) -> None:
    loaded = python(
        f"import interplay; print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))",
        tmp_path,
        PACKAGE_DIR.parent,
    )
    assert loaded.strip() == "[]"


def test_pip_install_gives_the_whole_package(tmp_path: Path) -> None:
    """A plain `pip install .` of a copy of the project holds every module, at its version and
    nothing else of workflow/scripts (pip fetches setuptools for the build, as for a user)."""
    project = tmp_path / "project"
    scripts = PACKAGE_DIR.parent
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(scripts, project / scripts.relative_to(REPO), ignore=ignore)
    for item in ["pyproject.toml", "README.md"]:
        shutil.copy2(REPO / item, project / item)
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
    install = subprocess.run([*pip, str(project)], capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    installed = sorted(p.relative_to(target) for p in (target / "interplay").rglob("*.py"))
    assert installed == sorted(p.relative_to(PACKAGE_DIR.parent) for p in PACKAGE_DIR.rglob("*.py"))
    shown = python(
        "import interplay; print(interplay.__file__, interplay.__version__)", tmp_path, target
    )
    location, version = shown.split()
    assert Path(location).is_relative_to(target)
    assert version == interplay.__version__
    assert sorted(p.name for p in target.iterdir() if p.suffix != ".dist-info") == ["interplay"]
