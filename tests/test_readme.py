"""The README stays true to the repository it documents."""

import re

from conftest import QUICK_CONFIG, REPO
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
