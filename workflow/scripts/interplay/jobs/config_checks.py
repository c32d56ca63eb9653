"""Checks of the configuration before any job runs, reported as a few lines naming file and key.

Three kinds of check: the configuration schema (workflow/schemas/config.schema.yaml), every
setting that names a dataset column (covariate sets, models.stratify_by) against the columns the
data dictionary lets the analysis dataset hold, and each analysis's pair (check_pair).
"""

import difflib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import yaml

from interplay.columns import BASELINE_COLUMNS, BASELINE_COVARIATES
from interplay.data.dictionary import column_units
from interplay.errors import InputError
from interplay.jobs.settings import merged_analysis
from interplay.pair import pair_from_settings

# libyaml's safe loader where PyYAML has it: every workflow start reads the schema and the config
# files, and the pure-Python loader takes a tenth of a second for the schema alone.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PAPER_SET = "paper"
# A baseline column of the dataset that is not a covariate: post-baseline, a stratifier only.
TREATMENT_STEP = "treatment_step"
# Dataset columns derived from the visits table that a setting may name.
DERIVED_COLUMNS = ["hamd_baseline"]
# Baseline columns that cannot be a pair variable, and why.
UNSUPPORTED_PAIR_COLUMNS = {
    TREATMENT_STEP: "it is the treatment step reached by week 12, measured after baseline",
    "hamd_baseline": "it is derived from the visits table after the pair's data stage; it is not "
    "supported as a pair variable yet",
}
# Characters of a value or key description quoted in a message.
MAX_SHOWN = 200
COMMAND_LINE = "the command line (--config)"
# `run` selects analyses; RUN_ALL runs every entry of `analyses`, which must include PRIMARY.
RUN_ALL = "all"
PRIMARY = "primary"
# Sections whose `analyses` list names entries of `analyses`.
ANALYSIS_LISTS = ["figures", "bootstrap", "paper_tables", "surface", "prediction"]
# How a schema bound reads as the allowed values.
BOUNDS = {
    "minimum": "a number of at least {}",
    "maximum": "a number of at most {}",
    "exclusiveMinimum": "a number above {}",
    "exclusiveMaximum": "a number below {}",
    "minItems": "a list of at least {} item(s)",
    "maxItems": "a list of at most {} item(s)",
    "uniqueItems": "a list without repeated items",
    "pattern": "text matching the pattern {}",
}
# Where settings come from, lowest precedence first: (config file or COMMAND_LINE, its settings).
Sources = Sequence[tuple[str, Mapping[str, Any]]]


class ConfigError(InputError):
    """A configuration value that cannot work: where it is written, what is allowed, the fix."""

    def __init__(
        self,
        problem: str,
        *,
        key: str,
        written: object,
        allowed: str,
        fix: str,
        files: Sequence[str] = (),
        about: str = "",
    ) -> None:
        self.key = key
        self.written = written
        self.allowed = allowed
        self.about = about
        self.files = list(files)
        super().__init__(problem, file=", ".join(self.files) or None, column=key, fix=fix)

    def message(self) -> str:
        """Render the error as the text the user sees."""
        lines = [f"interplay configuration error: {self.problem}"]
        if self.files:
            lines.append(f"  set in: {', '.join(self.files)}")
        lines.append(f"  key: {self.key}")
        if self.about:
            lines.append(f"  about this key: {self.about}")
        lines.append(f"  you wrote: {shown(self.written)}")
        if self.allowed:
            lines.append(f"  allowed: {self.allowed}")
        lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


def shown(value: object) -> str:
    """A configuration value as the user wrote it, cut short if long."""
    if isinstance(value, str):
        return shortened(repr(value))
    text = yaml.safe_dump(value, default_flow_style=True).strip()
    return shortened(text.removesuffix("\n..."))


def shortened(text: str) -> str:
    """Text on one line, cut at MAX_SHOWN characters."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + " …"


def closest(name: str, allowed: Iterable[str]) -> str | None:
    """The allowed name most like `name` (difflib), or None when none is close."""
    matches = difflib.get_close_matches(str(name), [str(a) for a in allowed], n=1, cutoff=0.6)
    return matches[0] if matches else None


def allowed_text(allowed: Sequence[str], written: object) -> str:
    """The allowed names, followed by the one closest to what was written (if any is close)."""
    suggestion = closest(str(written), allowed)
    listed = ", ".join(str(a) for a in allowed) or "(none)"
    return f"{listed} (closest: {suggestion})" if suggestion else listed


def key_text(path: Sequence[object]) -> str:
    """A key path as users write it, e.g. analyses.by_site.models.stratify_by."""
    return ".".join(str(part) for part in path) or "the top level of the configuration"


def config_sources(
    workflow_files: Sequence[str | Path],
    command_line_files: Sequence[str | Path],
    command_line_config: Mapping[str, Any],
) -> list[tuple[str, Mapping[str, Any]]]:
    """The workflow's config file(s), then each --configfile, then the --config settings."""
    given = [shown_path(path) for path in command_line_files]
    names = [shown_path(p) for p in workflow_files if shown_path(p) not in given] + given
    sources = [(name, read_yaml(name)) for name in names]
    if command_line_config:
        sources.append((COMMAND_LINE, command_line_config))
    return sources


def shown_path(path: str | Path) -> str:
    """A config file's path, relative to the working directory when inside it."""
    resolved = Path(path).absolute()
    return (
        str(resolved.relative_to(Path.cwd())) if resolved.is_relative_to(Path.cwd()) else str(path)
    )


def read_yaml(path: str) -> Mapping[str, Any]:
    """A config file's settings ({} when it cannot be read: the schema check reports the rest)."""
    try:
        settings = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, yaml.YAMLError):
        return {}
    return settings if isinstance(settings, Mapping) else {}


def setting_source(path: Sequence[object], sources: Sources) -> list[str]:
    """The source that sets the key last (later sources override earlier ones)."""
    for name, settings in reversed(sources):
        if is_set_in(settings, path):
            return [name]
    return []


def is_set_in(settings: Mapping[str, Any], path: Sequence[object]) -> bool:
    """Whether the nested settings hold the key path."""
    node: Any = settings
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


# Schema ------------------------------------------------------------------------------------------


def schema_error(
    error: jsonschema.ValidationError,
    prefix: Sequence[str],
    sources: Sources,
) -> ConfigError:
    """A schema violation as a ConfigError: the key, what was written and what is allowed."""
    path = [*prefix, *error.absolute_path]
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "additionalProperties":
        known = list(schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(known))
        key = [*path, unknown[0]]
        suggestion = closest(unknown[0], known)
        rename = f"rename it to '{suggestion}'" if suggestion else "remove it"
        return ConfigError(
            f"unknown key '{unknown[0]}' in {key_text(path)}",
            key=key_text(key),
            written=unknown[0],
            allowed=allowed_text(known, unknown[0]),
            fix=f"{rename} (keys are listed with their defaults in config.yaml)",
            files=setting_source(key, sources),
        )
    if error.validator == "enum":
        allowed = allowed_text([str(v) for v in error.validator_value], error.instance)
    elif error.validator == "type":
        kinds = error.validator_value
        allowed = "a value of type " + (" or ".join(kinds) if isinstance(kinds, list) else kinds)
    elif error.validator == "anyOf":
        allowed = " or ".join(
            str(option["const"]) if "const" in option else f"a value of type {option['type']}"
            for option in error.validator_value
        )
    elif error.validator in BOUNDS:
        allowed = BOUNDS[error.validator].format(error.validator_value)
    else:
        allowed = error.message
    return ConfigError(
        f"invalid value of {key_text(path)}",
        key=key_text(path),
        written=error.instance,
        allowed=allowed,
        fix=f"set {key_text(path)} to an allowed value, or remove it to use the default",
        files=setting_source(path, sources),
        about=shortened(str(schema.get("description", ""))),
    )


def first_violation(
    config: Mapping[str, Any], schema: Mapping[str, Any]
) -> jsonschema.ValidationError | None:
    """The most relevant schema violation of config (jsonschema's best match), or None."""
    validator = jsonschema.Draft202012Validator(schema)
    return jsonschema.exceptions.best_match(validator.iter_errors(dict(config)))


def check_schema(
    config: Mapping[str, Any], schema: Mapping[str, Any], sources: Sources = ()
) -> None:
    """Raise a ConfigError for the most relevant schema violation of config, if any."""
    error = first_violation(config, schema)
    if error is not None:
        raise schema_error(error, [], sources)


def check_analysis_schemas(
    config: Mapping[str, Any], schema: Mapping[str, Any], sources: Sources = ()
) -> None:
    """Check each entry of `analyses`, merged into the primary settings, against the schema."""
    for name, overrides in config["analyses"].items():
        error = first_violation(merged_analysis(config, overrides or {}), schema)
        if error is not None:
            in_entry = is_set_in(overrides or {}, list(error.absolute_path))
            raise schema_error(error, ["analyses", name] if in_entry else [], sources)


def load_schema(path: str | Path) -> dict[str, Any]:
    """The configuration schema."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=YAML_LOADER)


# Column references -------------------------------------------------------------------------------


def referable_columns(dictionary: pd.DataFrame) -> list[str]:
    """Dataset columns a setting may name: baseline covariates in the dictionary, the baseline
    columns the configuration adds (data.extra_columns), hamd_baseline."""
    baseline = dictionary.loc[dictionary["table"] == "baseline", "column"]
    holdable = {*BASELINE_COVARIATES, TREATMENT_STEP}
    ours = {*BASELINE_COLUMNS, *DERIVED_COLUMNS}
    return [c for c in baseline if c in holdable or c not in ours] + DERIVED_COLUMNS


def check_names(
    written: Sequence[str],
    allowed: Sequence[str],
    *,
    key: Sequence[str],
    what: str,
    fix: str,
    sources: Sources = (),
) -> None:
    """Raise a ConfigError for the first name in `written` that is not among `allowed`."""
    for name in written:
        if name not in allowed:
            raise ConfigError(
                f"'{name}' is not {what}",
                key=key_text(key),
                written=name,
                allowed=allowed_text(allowed, name),
                fix=fix,
                files=setting_source(key, sources),
            )


def check_settings_columns(
    settings: Mapping[str, Any],
    columns: Sequence[str],
    *,
    where: Sequence[str] = (),
    sources: Sources = (),
    overrides: Mapping[str, Any] | None = None,
) -> None:
    """Check the adjustment set name, every covariate set and models.stratify_by of one analysis.

    settings: its merged sections; columns: the names a setting may use; where: the analysis
    entry (["analyses", name]) whose overrides (given) are checked alone, or () for the primary
    settings or a caller outside the workflow.
    """
    written = settings if overrides is None else overrides
    sets = settings["covariates"]["sets"]
    for name, covariates in written.get("covariates", {}).get("sets", {}).items():
        key = [*where, "covariates", "sets", name]
        check_names(
            covariates,
            columns,
            key=key,
            what="a column of the analysis dataset",
            fix=f"write the analysis dataset's column names (allowed above) in {key_text(key)}",
            sources=sources,
        )
    if "adjustment_set" in written.get("covariates", {}):
        key = [*where, "covariates", "adjustment_set"]
        check_names(
            [settings["covariates"]["adjustment_set"]],
            [*sets, PAPER_SET],
            key=key,
            what="a set in covariates.sets (or paper)",
            fix=f"set {key_text(key)} to one of the named sets, or add that set under "
            "covariates.sets",
            sources=sources,
        )
    stratifier = written.get("models", {}).get("stratify_by")
    if stratifier is not None:
        key = [*where, "models", "stratify_by"]
        check_names(
            [stratifier],
            columns,
            key=key,
            what="a column of the analysis dataset",
            fix=f"set {key_text(key)} to one of the allowed columns, or null for the whole sample",
            sources=sources,
        )


def check_analysis_columns(settings: Mapping[str, Any], columns: Sequence[str]) -> None:
    """Check that one analysis's adjustment set and models.stratify_by name given columns."""
    name = settings["covariates"]["adjustment_set"]
    sets = settings["covariates"]["sets"]
    used = {
        "covariates": {"adjustment_set": name, "sets": {name: sets[name]} if name in sets else {}},
        "models": {"stratify_by": settings["models"].get("stratify_by")},
    }
    check_settings_columns(settings, columns, overrides=used)


def check_column_references(
    config: Mapping[str, Any], dictionary: pd.DataFrame, sources: Sources = ()
) -> None:
    """Check every setting that names a column, in the primary settings and each analysis."""
    columns = referable_columns(dictionary)
    check_settings_columns(config, columns, sources=sources)
    for name, overrides in config["analyses"].items():
        check_settings_columns(
            merged_analysis(config, overrides or {}),
            columns,
            where=["analyses", name],
            sources=sources,
            overrides=overrides or {},
        )


def pair_setting_key(
    overrides: Mapping[str, Any], where: Sequence[str], path: Sequence[str]
) -> list[str]:
    """The key of a pair setting as written: in the analysis entry if it sets it, else primary."""
    return [*where, *path] if where and is_set_in(overrides, path) else list(path)


def check_pair_unit(
    role: str,
    entry: Mapping[str, Any],
    expected: str | None,
    written: Mapping[str, Any],
    where: Sequence[str],
    sources: Sources,
) -> None:
    """Refuse a pair unit other than the column's: it only names the unit the values are in
    (data.units converts an export to the dictionary's), so another would mislabel every number."""
    unit = entry.get("unit")
    if unit is None or not expected or unit == expected:
        return
    key = pair_setting_key(written, where, ["pair", role, "unit"])
    raise ConfigError(
        f"pair.{role}.unit is {unit}, but the values of {entry['column']} are in {expected} "
        "(the data dictionary's unit, which data.units converts your export to)",
        key=key_text(key),
        written=unit,
        allowed=f"{expected}, or null for the dictionary's unit",
        fix=f"set {key_text(key)} to null; if your export holds {entry['column']} in {unit}, "
        f"say so in data.units: {{{entry['column']}: {unit}}}",
        files=setting_source(key, sources),
    )


def check_pair(
    pair: Mapping[str, Any],
    columns: Sequence[str],
    *,
    where: Sequence[str] = (),
    overrides: Mapping[str, Any] | None = None,
    sources: Sources = (),
    units: Mapping[str, str] | None = None,
) -> None:
    """Check one analysis's pair: baseline columns that a pair variable can be, distinct, a
    unit that is the column's (`units`: the dictionary's), a split's threshold, binary settings
    that agree (kind, split, no log2), its coding."""
    written = overrides or {}
    for role in ("exposure", "modifier"):
        entry = pair[role]
        key = pair_setting_key(written, where, ["pair", role, "column"])
        if entry["column"] in UNSUPPORTED_PAIR_COLUMNS:
            raise ConfigError(
                f"{entry['column']} cannot be a pair variable: "
                f"{UNSUPPORTED_PAIR_COLUMNS[entry['column']]}",
                key=key_text(key),
                written=entry["column"],
                allowed="a baseline measurement of the data dictionary or data.extra_columns",
                fix=f"name another column in {key_text(key)}",
                files=setting_source(key, sources),
            )
        check_names(
            [entry["column"]],
            columns,
            key=key,
            what="a baseline column of the data dictionary or data.extra_columns that is a "
            "number, a count, a biomarker or 0/1 (a category has no order)",
            fix=f"name such a baseline column in {key_text(key)}, or declare it under "
            "data.extra_columns",
            sources=sources,
        )
        if entry.get("split") == "threshold" and entry.get("threshold") is None:
            key = pair_setting_key(written, where, ["pair", role, "threshold"])
            raise ConfigError(
                f"pair.{role}.split is threshold but pair.{role}.threshold is not set",
                key=key_text(key),
                written=None,
                allowed="a number, in the variable's unit",
                fix=f"give the cut-point in {key_text(key)}, or use split: median",
                files=setting_source(key, sources),
            )
        check_binary_settings(role, entry, written, where, sources)
        if entry.get("kind") == "binary" and pair["coding"] == "tertiles":
            key = pair_setting_key(written, where, ["pair", "coding"])
            raise ConfigError(
                f"pair.coding tertiles needs two continuous variables, but the {role} "
                f"{entry['column']} is binary",
                key=key_text(key),
                written="tertiles",
                allowed="split, continuous",
                fix=f"use {key_text(key)}: split (2 × 2) for a binary {role}",
                files=setting_source(key, sources),
            )
    if pair["exposure"]["column"] == pair["modifier"]["column"]:
        key = pair_setting_key(written, where, ["pair", "modifier", "column"])
        raise ConfigError(
            f"the exposure and the modifier are the same column, {pair['exposure']['column']}",
            key=key_text(key),
            written=pair["modifier"]["column"],
            allowed="a baseline column other than pair.exposure.column",
            fix=f"name another column in {key_text(key)}",
            files=setting_source(key, sources),
        )
    for role in ("exposure", "modifier"):
        entry = pair[role]
        check_pair_unit(role, entry, (units or {}).get(entry["column"]), written, where, sources)


def check_binary_settings(
    role: str,
    entry: Mapping[str, Any],
    written: Mapping[str, Any],
    where: Sequence[str],
    sources: Sources,
) -> None:
    """Refuse a pair variable whose kind and split disagree about being 0/1, or a 0/1 one under
    transform log2 (log2 of 0 is -inf)."""
    kind, split = entry.get("kind"), entry.get("split")
    if (kind == "binary") != (split == "binary"):
        setting = "split" if kind == "binary" else "kind"
        key = pair_setting_key(written, where, ["pair", role, setting])
        raise ConfigError(
            f"pair.{role} has kind {kind} but split {split}: a 0/1 variable needs both binary",
            key=key_text(key),
            written=entry.get(setting),
            allowed="binary"
            if kind == "binary"
            else f"a kind other than binary with split {split}",
            fix=f"write both pair.{role}.kind and pair.{role}.split: binary for a 0/1 column, "
            "or neither",
            files=setting_source(key, sources),
        )
    if kind == "binary" and entry.get("transform") == "log2":
        key = pair_setting_key(written, where, ["pair", role, "transform"])
        raise ConfigError(
            f"pair.{role} is binary (0/1) but transform log2, and log2 of 0 is -inf",
            key=key_text(key),
            written="log2",
            allowed="none, per_sd",
            fix=f"set {key_text(key)}: none (effects of 1 against 0)",
            files=setting_source(key, sources),
        )


def pair_columns(dictionary: pd.DataFrame) -> list[str]:
    """The columns a pair variable may name: the baseline table's numbers, counts, biomarkers and
    0/1 columns, but the patient identifier and UNSUPPORTED_PAIR_COLUMNS (check_pair explains)."""
    baseline = dictionary[(dictionary["table"] == "baseline") & (dictionary["type"] != "category")]
    return [
        c for c in baseline["column"] if c != "patient_id" and c not in UNSUPPORTED_PAIR_COLUMNS
    ]


def check_pair_settings(
    config: Mapping[str, Any], dictionary: pd.DataFrame, sources: Sources = ()
) -> None:
    """Check the pair of the primary settings and of each analysis that `run` selects
    (check_pair), and that a column with an lod in one of them has it in all."""
    columns, units = pair_columns(dictionary), column_units(dictionary)
    check_pair(config["pair"], columns, sources=sources, units=units)
    pairs = {PRIMARY: ([], {}, config["pair"])}
    for name in analyses_to_run(config, sources):
        overrides = config["analyses"][name] or {}
        if "pair" in overrides:
            where = ["analyses", name]
            pair = merged_analysis(config, overrides)["pair"]
            check_pair(
                pair, columns, where=where, overrides=overrides, sources=sources, units=units
            )
            pairs[name] = (where, overrides, pair)
    check_lods_agree(pairs, sources)


def check_lods_agree(
    pairs: Mapping[str, tuple[Sequence[str], Mapping[str, Any], Mapping[str, Any]]],
    sources: Sources = (),
) -> None:
    """Refuse a column that is a pair variable with an lod in one analysis and without one in
    another: ingestion reads its <LOD cells once, and the second would lose those patients.

    pairs: {analysis: (its key prefix, its overrides, its merged pair section)}."""
    lods: dict[str, tuple[str, Any]] = {}
    for name, (where, overrides, pair) in pairs.items():
        for role in ("exposure", "modifier"):
            column, lod = pair[role]["column"], pair[role].get("lod")
            first = lods.setdefault(column, (name, lod))
            if (first[1] is None) != (lod is None):
                rebuilt = is_set_in(overrides, ["pair", role, "column"])
                path = ["pair", role, "lod"]
                key = (
                    [*where, *path]
                    if where and rebuilt
                    else pair_setting_key(overrides, where, path)
                )
                raise ConfigError(
                    f"{column} has {lod_words(first[1])} in analysis {first[0]} but "
                    f"{lod_words(lod)} in {name}: its below-LOD patients would be missing where "
                    "it has none",
                    key=key_text(key),
                    written=lod,
                    allowed=f"the lod of {column} in {first[0]}"
                    if first[1] is not None
                    else "null",
                    fix=f"set {key_text(key)} like {first[0]}: {column} needs an lod in every "
                    "analysis that runs, or in none",
                    files=setting_source(key, sources),
                )


def lod_words(lod: Any) -> str:
    """A pair variable's lod in words: 'lod 0.1', or 'no lod'."""
    return "no lod" if lod is None else f"lod {lod:g}"


def check_analysis_lists(config: Mapping[str, Any], sources: Sources = ()) -> None:
    """Check that every <section>.analyses of ANALYSIS_LISTS names entries of `analyses`."""
    for section in ANALYSIS_LISTS:
        key = [section, "analyses"]
        check_names(
            config[section]["analyses"],
            list(config["analyses"]),
            key=key,
            what="an entry of analyses",
            fix=f"use names of the analyses: section in {key_text(key)}",
            sources=sources,
        )


def analyses_to_run(config: Mapping[str, Any], sources: Sources = ()) -> list[str]:
    """The entries of `analyses` that `run` selects, in their order there (all under `run: all`)."""
    names = list(config["analyses"])
    run = config["run"]
    if run == RUN_ALL:
        return names
    check_names(
        run,
        names,
        key=["run"],
        what="an entry of analyses",
        fix="list names of the analyses: section in run, or write run: all",
        sources=sources,
    )
    if PRIMARY not in run:
        raise ConfigError(
            "run leaves out the primary analysis, which the findings, figures and report need",
            key="run",
            written=run,
            allowed="all, or a list of entries of analyses that includes primary",
            fix=f"add primary to run: [{', '.join([PRIMARY, *run])}]",
            files=setting_source(["run"], sources),
        )
    return [name for name in names if name in run]


def analysis_lists_run(
    config: Mapping[str, Any], run: Sequence[str], sources: Sources = ()
) -> dict[str, list[str]]:
    """Every <section>.analyses of ANALYSIS_LISTS without the analyses that
    `run` leaves out; a list the figures or paper tables need may not end up empty."""
    kept = {
        section: [name for name in config[section]["analyses"] if name in run]
        for section in ANALYSIS_LISTS
    }
    for section in ["figures", "paper_tables"]:
        if not kept[section]:
            key = [section, "analyses"]
            raise ConfigError(
                f"run leaves out every analysis of {key_text(key)}",
                key=key_text(key),
                written=config[section]["analyses"],
                allowed=f"analyses that run selects: {', '.join(run)}",
                fix=f"add one of them to run, or list analyses that run in {key_text(key)}",
                files=setting_source(key, sources),
            )
    return kept


def left_out_note(config: Mapping[str, Any], kept: Mapping[str, Sequence[str]]) -> str:
    """One line naming the analyses that `run` took out of the analysis lists ('' if none)."""
    left_out = [
        f"{section}.analyses ({', '.join(dropped)})"
        for section in ANALYSIS_LISTS
        if (dropped := [a for a in config[section]["analyses"] if a not in kept[section]])
    ]
    if not left_out:
        return ""
    return f"interplay: not selected by run, so left out of {'; '.join(left_out)}"


def check_bootstrap_settings(name: str, settings: Mapping[str, Any], sources: Sources = ()) -> None:
    """Refuse a resampled analysis whose estimator or stratification the bootstrap cannot run."""
    refused = {
        "estimator": settings["models"]["estimator"] != "logistic",
        "stratify_by": settings["models"].get("stratify_by") is not None,
    }
    for setting in [setting for setting, is_refused in refused.items() if is_refused]:
        key = ["bootstrap", "analyses"]
        raise ConfigError(
            f"'{name}' sets models.{setting}, which the bootstrap does not support",
            key=key_text(key),
            written=name,
            allowed="analyses with the logistic estimator and no stratify_by",
            fix=f"remove '{name}' from bootstrap.analyses",
            files=setting_source(key, sources),
        )


def check_paper_settings(settings: Mapping[str, Mapping[str, Any]]) -> None:
    """Refuse analyses the paper tables cannot show: not median-split, run within strata, or
    at another models.ci_level than the others (the pages' headers state one level)."""
    levels = {float(analysis["models"]["ci_level"]) for analysis in settings.values()}
    if len(levels) > 1:
        raise InputError(
            f"paper_tables.analyses have different models.ci_level values ({sorted(levels)})",
            file="config.yaml",
            column="paper_tables.analyses",
            fix="list analyses with one models.ci_level (the tables' headers state it)",
        )
    for name, analysis in settings.items():
        coding = analysis["pair"]["coding"]
        stratified = analysis["models"].get("stratify_by")
        if coding != "split" or stratified:
            why = f"pair.coding {coding}" if coding != "split" else "models.stratify_by"
            raise InputError(
                f"paper_tables.analyses names '{name}', which uses {why}; the paper's tables "
                "compare median groups in the whole sample",
                file="config.yaml",
                column="paper_tables.analyses",
                fix=f"remove '{name}' from paper_tables.analyses",
            )


# Sections whose jobs fit one model to the whole sample (a stratified analysis would pool strata).
WHOLE_SAMPLE_LISTS = ["surface", "prediction"]


def check_whole_sample_lists(
    config: Mapping[str, Any], settings: Mapping[str, Mapping[str, Any]], sources: Sources = ()
) -> None:
    """Refuse a stratified analysis (models.stratify_by) in surface.analyses or
    prediction.analyses: their models are fitted to the whole sample, not within each stratum."""
    for section in WHOLE_SAMPLE_LISTS:
        for name in config[section]["analyses"]:
            stratify_by = settings[name]["models"].get("stratify_by")
            if stratify_by is None:
                continue
            key = [section, "analyses"]
            raise ConfigError(
                f"'{name}' sets models.stratify_by ({stratify_by}), but {key_text(key)} fits its "
                "models to the whole sample and would pool the strata",
                key=key_text(key),
                written=name,
                allowed="analyses without models.stratify_by",
                fix=f"remove '{name}' from {key_text(key)}",
                files=setting_source(key, sources),
            )


def continuous_surface_analyses(
    names: Sequence[str], settings: Mapping[str, Mapping[str, Any]]
) -> tuple[list[str], str]:
    """surface.analyses without the analyses whose pair has a binary variable (it has no surface
    to smooth), and one line naming those left out ('' if none)."""
    binary = {
        name: next(v.label for v in pair_from_settings(settings[name]) if v.is_binary)
        for name in names
        if any(v.is_binary for v in pair_from_settings(settings[name]))
    }
    kept = [name for name in names if name not in binary]
    if not binary:
        return kept, ""
    left_out = ", ".join(f"{name} ({label} is binary)" for name, label in binary.items())
    return kept, (
        f"interplay: left out of surface.analyses, whose surface needs two continuous variables: "
        f"{left_out}"
    )
