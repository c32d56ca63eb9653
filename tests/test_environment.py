"""The run environments agree: requirements files and conda environments pin the same versions."""

import re
from importlib import metadata

import yaml
from conftest import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def pins_in(lines: list[str]) -> dict[str, str]:
    """Package (normalised as PEP 503 does) → version for every `name==version` line."""
    found = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def requirement_pins() -> dict[str, str]:
    """Pins of requirements.txt and requirements-dev.txt together."""
    lines = []
    for name in ["requirements.txt", "requirements-dev.txt"]:
        lines += (REPO / name).read_text().splitlines()
    return pins_in(lines)


def conda_pip_pins(path) -> dict[str, str]:
    """Pins in the pip section of a conda environment file."""
    environment = yaml.safe_load(path.read_text())
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    return pins_in([line for section in pip_sections for line in section])


def test_every_requirement_is_pinned_exactly() -> None:
    for name in ["requirements.txt", "requirements-dev.txt"]:
        for line in (REPO / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r", "-c")):
                assert PIN.match(line), f"{name}: '{line}' is not pinned with =="


def test_conda_environments_pin_the_requirements_versions() -> None:
    required = requirement_pins()
    env_files = sorted((REPO / "envs").glob("*.yaml"))
    assert env_files, "no conda environments in envs/"
    for path in env_files:
        pins = conda_pip_pins(path)
        assert pins, f"{path.name} pins nothing"
        for package, version in pins.items():
            assert required.get(package) == version, (
                f"{path.name} pins {package}=={version}, requirements say {required.get(package)}"
            )


def test_constraints_pin_every_installed_package_and_agree_with_the_requirements() -> None:
    lines = (REPO / "constraints.txt").read_text().splitlines()
    entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert all(PIN.match(line) for line in entries), "constraints.txt has an unpinned line"
    constrained = pins_in(entries)
    for package, version in requirement_pins().items():
        found = constrained.get(package)
        assert found == version, f"constraints.txt pins {package}=={found}, requirements {version}"
    assert "-c constraints.txt" in (REPO / "requirements.txt").read_text().splitlines()


def locked_pins() -> dict[str, str]:
    """Package → version of every entry of the lock, constraints.txt."""
    return pins_in((REPO / "constraints.txt").read_text().splitlines())


def test_the_lock_holds_every_dependency_of_the_packages_it_locks() -> None:
    locked = locked_pins()
    unlocked = set()
    for package in locked:
        for written in metadata.requires(package) or []:
            requirement = Requirement(written)
            applies = requirement.marker is None or requirement.marker.evaluate({"extra": ""})
            if applies and canonicalize_name(requirement.name) not in locked:
                unlocked.add(f"{requirement.name} (required by {package})")
    assert not unlocked, f"constraints.txt lacks {sorted(unlocked)}: regenerate it (README)"


def test_the_tests_run_in_the_locked_environment() -> None:
    installed = {package: metadata.version(package) for package in locked_pins()}
    assert installed == locked_pins()


def installed_files(requirements: str) -> list[str]:
    """A requirements file and those it includes with -r, -c, recursively."""
    files = [requirements]
    for line in (REPO / requirements).read_text().splitlines():
        if line.startswith(("-r ", "-c ")):
            files += installed_files(line.split(maxsplit=1)[1])
    return files


def test_both_installs_apply_the_lock() -> None:
    for requirements in ["requirements.txt", "requirements-dev.txt"]:
        assert "constraints.txt" in installed_files(requirements), requirements
