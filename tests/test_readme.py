"""The README stays true to the repository it documents."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import QUICK_CONFIG, REPO, copy_workflow
from interplay.data.dictionary import dictionary_markdown, load_dictionary

README = (REPO / "README.md").read_text()


def test_readme_renders_the_current_data_dictionary() -> None:
    rendered = dictionary_markdown(load_dictionary(REPO / "resources/data_dictionary.tsv"))
    assert rendered.strip() in README


def test_readme_has_the_two_commands_ci_runs() -> None:
    for marker in ["run-command", "test-command"]:
        block = re.search(rf"<!-- {marker} -->\n```bash\n(.+)\n```", README)
        assert block, f"README lacks the {marker} block"
        assert "requirements" in block.group(1)


def test_readme_tries_the_workflow_with_the_quick_configuration_of_the_tests() -> None:
    assert (REPO / QUICK_CONFIG).is_file()
    assert f"snakemake --cores 2 --configfile {QUICK_CONFIG}" in README
    assert 'pytest -m "not workflow"' in README


def readme_block(marker: str, language: str) -> str:
    """The code block that follows `<!-- marker -->` in the README."""
    block = re.search(rf"<!-- {marker} -->\n```{language}\n(.+?)\n```", README, re.DOTALL)
    assert block, f"README lacks the {marker} block"
    return block.group(1)


@pytest.mark.workflow
def test_notebook_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """The example, verbatim, in a fresh interpreter in a clone (the library on its path, as
    `pip install -e .` puts it)."""
    clone = copy_workflow(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", readme_block("notebook-example", "python")],
        cwd=clone,
        env={**os.environ, "PYTHONPATH": str(clone / "workflow" / "scripts")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip("\n") == readme_block("notebook-output", "text")
