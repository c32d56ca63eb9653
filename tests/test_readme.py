"""The README stays true to the repository it documents."""

import re

from conftest import REPO
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
