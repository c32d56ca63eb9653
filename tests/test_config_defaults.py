"""config.yaml and the schema's defaults agree key by key, so that neither can drift: a workflow
deployed as a module without config.yaml gets the same settings from the schema."""

from collections.abc import Iterator, Mapping
from typing import Any

import yaml
from conftest import REPO
from interplay.jobs.config_checks import load_schema

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SCHEMA = load_schema(REPO / "workflow" / "schemas" / "config.schema.yaml")


def differences(schema: Mapping[str, Any], value: Any, path: str) -> Iterator[str]:
    """Where config.yaml's value and the schema's default differ, one line each.

    A section (a schema object with properties, written as a mapping in config.yaml) is compared
    property by property; any other key, a setting that is one value or one per table included, by
    its default.
    """
    properties = schema.get("properties")
    if properties and isinstance(value, Mapping):
        for key in sorted(set(properties) | set(value)):
            where = f"{path}.{key}" if path else key
            if key not in properties:
                yield f"{where}: in config.yaml, not in the schema"
            elif key not in value:
                yield f"{where}: in the schema, not in config.yaml"
            else:
                yield from differences(properties[key], value[key], where)
    elif "default" not in schema:
        yield f"{path}: the schema gives no default (config.yaml has {value!r})"
    elif schema["default"] != value:
        yield f"{path}: config.yaml has {value!r}, the schema's default is {schema['default']!r}"


def test_every_key_of_config_yaml_is_the_schema_default() -> None:
    found = list(differences(SCHEMA, CONFIG, ""))
    assert not found, "\n".join(found)


def test_a_changed_value_is_found() -> None:
    changed = CONFIG | {"bootstrap": CONFIG["bootstrap"] | {"replicates": 999}}
    assert list(differences(SCHEMA, changed, "")) == [
        "bootstrap.replicates: config.yaml has 999, the schema's default is 2000"
    ]


def test_a_key_left_out_of_config_yaml_is_found() -> None:
    trimmed = {key: value for key, value in CONFIG.items() if key != "seed"}
    assert list(differences(SCHEMA, trimmed, "")) == ["seed: in the schema, not in config.yaml"]
