"""The library's layout by stage: each rule file's scripts call one folder of the package."""

import ast
import re
from pathlib import Path

import pytest
from interplay.jobs.code_version import imported_modules

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "workflow" / "rules"
SCRIPTS = ROOT / "workflow" / "scripts"
PACKAGE = SCRIPTS / "interplay"
# Glue every job uses (running a script, reading intermediates) sits beside the stage it serves.
SHARED_FOLDERS = {"jobs"}
PRIMITIVES = {"errors", "seeds", "tables", "labels", "privacy", "columns", "covariates", "pair"}
# The library's surface for notebooks (README "In a notebook"), which no job imports.
NOTEBOOK_SURFACE = {"api"}


def rule_scripts(rule_file: Path) -> list[str]:
    """The scripts a rule file runs."""
    return re.findall(r'"\.\./scripts/(\w+\.py)"', rule_file.read_text(encoding="utf-8"))


def package_folders(script: str) -> set[str]:
    """The package folders a script imports from."""
    names = imported_modules((SCRIPTS / script).read_text(encoding="utf-8"))
    return {
        parts[1]
        for parts in (name.split(".") for name in names)
        if len(parts) > 1 and (PACKAGE / parts[1]).is_dir()
    }


RULE_FILES = [path for path in sorted(RULES.glob("*.smk")) if rule_scripts(path)]


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda path: path.name)
def test_each_rule_file_leads_to_one_folder(rule_file: Path) -> None:
    folders = set().union(*(package_folders(script) for script in rule_scripts(rule_file)))
    stages = folders - SHARED_FOLDERS or folders
    assert len(stages) == 1, f"{rule_file.name} scripts import from {sorted(folders)}"


def test_only_the_primitives_sit_at_the_top_of_the_package() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == PRIMITIVES | NOTEBOOK_SURFACE


def test_every_folder_is_a_package_with_a_docstring_and_no_imports() -> None:
    folders = [path for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"]
    assert len(folders) >= 10
    for folder in folders:
        tree = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), folder.name
        assert not [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
