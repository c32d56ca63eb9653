"""Which library modules a script runs, so that a change to them re-runs the script's jobs.

Snakemake re-runs a job when its script changes, but not when a module the script imports does;
rules pass this digest as a parameter so that they do (README: "How Snakemake decides").
"""

import ast
import hashlib
from pathlib import Path

PACKAGE = "interplay"


def imported_modules(source: str) -> set[str]:
    """Dotted names of the package's modules that Python source imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {name for name in names if name.split(".")[0] == PACKAGE}
    return found


def module_file(name: str, scripts_dir: Path) -> Path | None:
    """The file of a dotted module name under scripts_dir (a package's __init__.py), if any."""
    base = scripts_dir.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def library_files(script: Path, scripts_dir: Path) -> list[Path]:
    """The package modules a script imports, directly or through each other, sorted."""
    seen: set[Path] = set()
    pending = [script]
    while pending:
        source = pending.pop().read_text(encoding="utf-8")
        for name in imported_modules(source):
            path = module_file(name, scripts_dir)
            if path is not None and path not in seen:
                seen.add(path)
                pending.append(path)
    return sorted(seen)


def library_digest(script: Path, scripts_dir: Path) -> str:
    """SHA-256 over the names and contents of the library modules a script runs."""
    digest = hashlib.sha256()
    for path in library_files(script, scripts_dir):
        digest.update(path.relative_to(scripts_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
