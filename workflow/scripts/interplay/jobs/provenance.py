"""What produced a set of results: software versions, configuration and input checksums."""

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

KEY_PACKAGES = ["snakemake", "pandas", "numpy", "scipy", "matplotlib"]


def sha256_of_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spacing choices left open, for hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def package_versions(packages: list[str]) -> dict[str, str | None]:
    """Installed version of each package, None where it is not installed."""
    versions: dict[str, str | None] = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def git_commit(directory: str | Path = ".") -> str | None:
    """The checked-out git commit of the workflow, None outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def provenance_record(
    config: dict[str, Any], input_files: list[str], workflow_dir: str | Path
) -> dict[str, Any]:
    """The provenance record: software, validated configuration and its hash, input hashes."""
    return {
        "python": platform.python_version(),
        "packages": package_versions(KEY_PACKAGES),
        "git_commit": git_commit(workflow_dir),
        "config": config,
        "config_sha256": hashlib.sha256(canonical_json(config).encode()).hexdigest(),
        "inputs": {path: sha256_of_file(path) for path in input_files},
    }
