"""Library changes reach exactly the scripts that import the changed module."""

from pathlib import Path

from interplay.jobs.code_version import imported_modules, library_digest, library_files


def package(tmp_path: Path) -> Path:
    """A scripts folder with a small interplay package: a imports b; c stands alone."""
    library = tmp_path / "interplay"
    library.mkdir()
    (library / "__init__.py").write_text("")
    (library / "a.py").write_text("from interplay.b import helper\n")
    (library / "b.py").write_text("import numpy\n\ndef helper():\n    return 1\n")
    (library / "c.py").write_text("VALUE = 1\n")
    (tmp_path / "uses_a.py").write_text("from interplay import a\nimport pandas\n")
    (tmp_path / "uses_c.py").write_text("from interplay.c import VALUE\n")
    return tmp_path


def test_imports_of_other_packages_and_relative_imports_are_ignored() -> None:
    source = (
        "import numpy\nfrom . import x\n"
        "from interplay.models.logistic import fit\nimport interplay.data.flow\n"
    )
    assert imported_modules(source) == {
        "interplay.models.logistic",
        "interplay.models.logistic.fit",
        "interplay.data.flow",
    }


def test_the_closure_follows_imports_between_modules(tmp_path: Path) -> None:
    scripts = package(tmp_path)
    names = [p.name for p in library_files(scripts / "uses_a.py", scripts)]
    assert names == ["__init__.py", "a.py", "b.py"]


def test_a_change_reaches_only_the_scripts_that_import_it(tmp_path: Path) -> None:
    scripts = package(tmp_path)
    before = {s: library_digest(scripts / s, scripts) for s in ["uses_a.py", "uses_c.py"]}
    (scripts / "interplay" / "b.py").write_text("import numpy\n\ndef helper():\n    return 2\n")
    after = {s: library_digest(scripts / s, scripts) for s in ["uses_a.py", "uses_c.py"]}
    assert after["uses_a.py"] != before["uses_a.py"]
    assert after["uses_c.py"] == before["uses_c.py"]
