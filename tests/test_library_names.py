"""The library's names: each top-level name means one thing, each logger is named by its module."""

import ast
import re
from collections import defaultdict

from conftest import REPO

LIBRARY = REPO / "workflow" / "scripts"
LOGGER = "log"  # every module's logger has this name, logging.getLogger(__name__)


def top_level_names(tree: ast.Module) -> list[str]:
    """The functions, classes and assigned names a module defines at its top level."""
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                names += [e.id for e in elements if isinstance(e, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def test_no_two_library_modules_define_the_same_name() -> None:
    modules = defaultdict(list)
    for path in sorted((LIBRARY / "interplay").rglob("*.py")):
        for name in top_level_names(ast.parse(path.read_text(encoding="utf-8"))):
            modules[name].append(str(path.relative_to(LIBRARY)))
    twice = {name: paths for name, paths in modules.items() if len(paths) > 1 and name != LOGGER}
    assert not twice


def test_every_logger_is_named_after_its_module() -> None:
    calls = [
        (str(path.relative_to(LIBRARY)), call)
        for path in sorted(LIBRARY.rglob("*.py"))
        for call in re.findall(r"getLogger\(([^)]*)\)", path.read_text(encoding="utf-8"))
    ]
    assert calls
    assert [(path, call) for path, call in calls if call != "__name__"] == []
