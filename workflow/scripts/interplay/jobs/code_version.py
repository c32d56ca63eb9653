"""Which library modules a script runs, so that a change to them re-runs the script's jobs.

Snakemake re-runs a job when its script changes, but not when a module the script imports does;
rules pass this digest as a parameter so that they do (README: "How Snakemake decides").
"""

import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

PACKAGE = "interplay"

# Absolute imports of the package, also indented ones inside functions: `import interplay.x`,
# `from interplay.x import a, b` and `from interplay import (x, y)` over several lines. A regular
# expression rather than the ast module because the workflow digests every script at parse time
# (a whole `ast.parse` of the library took seconds); a match inside a string only over-includes.
IMPORT = re.compile(
    rf"^[ \t]*(?:import[ \t]+(?P<modules>{PACKAGE}\b[^\n#]*)"
    rf"|from[ \t]+(?P<module>{PACKAGE}\b[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#]*))",
    re.MULTILINE,
)


def import_names(text: str) -> list[str]:
    """The names in an import list, without parentheses, `as` aliases and comments."""
    names = re.sub(r"#[^\n]*", "", text).strip("() \t\n")
    return [name.split()[0] for name in names.split(",") if name.strip()]


@cache
def imported_modules(source: str) -> frozenset[str]:
    """Dotted names of the package's modules that Python source imports."""
    found: set[str] = set()
    for match in IMPORT.finditer(source):
        if match["modules"]:
            found |= set(import_names(match["modules"]))
        else:
            module = match["module"]
            found |= {module, *(f"{module}.{name}" for name in import_names(match["names"]))}
    return frozenset(name for name in found if name.split(".")[0] == PACKAGE)


def package_modules(scripts_dir: Path) -> dict[str, Path]:
    """The package's modules under scripts_dir by dotted name (a package by its __init__.py)."""
    modules = {}
    for path in (scripts_dir / PACKAGE).rglob("*.py"):
        parts = path.relative_to(scripts_dir).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def library_files(script: Path, modules: Mapping[str, Path]) -> list[Path]:
    """The package modules (of package_modules) a script imports, directly or through each
    other, sorted."""
    seen: set[Path] = set()
    pending = [script]
    while pending:
        source = pending.pop().read_text(encoding="utf-8")
        for name in imported_modules(source):
            path = modules.get(name)
            if path is not None and path not in seen:
                seen.add(path)
                pending.append(path)
    return sorted(seen)


def library_digest(script: Path, scripts_dir: Path, modules: Mapping[str, Path]) -> str:
    """SHA-256 over the names and contents of the library modules a script runs."""
    digest = hashlib.sha256()
    for path in library_files(script, modules):
        digest.update(path.relative_to(scripts_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def library_digests(scripts_dir: Path) -> dict[str, str]:
    """The library digest of every script in scripts_dir, by file name."""
    modules = package_modules(scripts_dir)
    return {
        script.name: library_digest(script, scripts_dir, modules)
        for script in sorted(scripts_dir.glob("*.py"))
    }
