"""The pair under study: an exposure (a serum marker) and a modifier, both from configuration.

config `pair` names each variable's dataset column with its label, unit, kind, the transform of the
continuous models and the two-group split of the categorical ones (docs/pair.md). Everything the
analysis derives from the pair has a generic, stable name built here, once: the value columns
`exposure` and `modifier`, their codings `exposure_high`, `exposure_tertile`, `exposure_scaled`
(and the same for the modifier), the table columns `exposure_level` / `modifier_level`. Tables
and terms use these names whatever the pair; labels and units for readers come from `Variable`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EXPOSURE, MODIFIER = "exposure", "modifier"
ROLES = (EXPOSURE, MODIFIER)
VARIABLE_KINDS = ("biomarker", "scale", "count", "binary")
# Continuous models: log2 (effects per doubling), per_sd (per sample SD) or none (per unit).
TRANSFORMS = ("log2", "per_sd", "none")
# Two-group models: above the sample median, at (or above) a fixed threshold, or already 0/1.
SPLITS = ("median", "threshold", "binary")
HIGH_IF = ("at_or_above", "above")
# pair.coding: each variable's split (2 × 2), tertiles of both (3 × 3), or each one's transform.
PAIR_CODINGS = ("split", "tertiles", "continuous")


def high_column(role: str) -> str:
    """The two-group coding column of a role: 1 high, 0 low (e.g. exposure_high)."""
    return f"{role}_high"


def tertile_column(role: str) -> str:
    """The tertile coding column of a role: 1, 2, 3 (e.g. modifier_tertile)."""
    return f"{role}_tertile"


def scaled_column(role: str) -> str:
    """The continuous-model column of a role, on its transform's scale (e.g. exposure_scaled)."""
    return f"{role}_scaled"


def level_column(role: str) -> str:
    """The level column of a role in the joint tables (e.g. exposure_level)."""
    return f"{role}_level"


SPLIT_PRODUCT = f"{high_column(EXPOSURE)}:{high_column(MODIFIER)}"
CONTINUOUS_PRODUCT = f"{scaled_column(EXPOSURE)}:{scaled_column(MODIFIER)}"
# Fallback value words of the two groups, per split (reader-facing labels use Variable.levels).
LEVEL_CODES = {0: "low", 1: "high"}


@dataclass(frozen=True)
class Variable:
    """One variable of the pair: its column, how readers see it, and how the models code it."""

    role: str  # exposure | modifier
    column: str
    label: str
    unit: str  # "" for a unitless or binary variable
    kind: str  # biomarker | scale | count | binary
    transform: str  # log2 | per_sd | none
    split: str  # median | threshold | binary
    threshold: float | None = None
    high_if: str = "at_or_above"
    lod: float | None = None

    @property
    def is_binary(self) -> bool:
        """Whether the variable is a 0/1 one (kind or split binary: the two must agree)."""
        return self.kind == "binary" or self.split == "binary"

    @property
    def is_assay(self) -> bool:
        """Whether values below a limit of detection are handled (a configured lod)."""
        return self.lod is not None

    @property
    def scale_words(self) -> str:
        """What one unit of the continuous-model column is, e.g. 'per doubling of IL-1β'."""
        if self.transform == "log2":
            return f"per doubling of {self.label}"
        if self.transform == "per_sd":
            return f"per SD of {self.label}"
        if not self.unit:
            return f"per unit of {self.label}"
        # A unit that is a word reads in the singular ("per point of SOFAS"), a symbol after
        # a 1 ("per 1 pg/mL of IL-6").
        if self.unit.isalpha():
            return f"per {self.unit.removesuffix('s')} of {self.label}"
        return f"per 1 {self.unit} of {self.label}"

    @property
    def label_with_unit(self) -> str:
        """The label with its unit, e.g. 'IL-1β (pg/mL)'; the label alone without a unit."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def group(self, code: str) -> str:
        """A level code of the joint tables in words: 'high' -> 'IL-1β high', 'T3' -> 'IL-1β T3'."""
        if code in LEVEL_CODES.values():
            return f"{self.label} {self.levels[code == LEVEL_CODES[1]]}"
        return f"{self.label} {code}"

    @property
    def contrast(self) -> str:
        """High against low: 'IL-1β high vs low', 'HADS anxiety ≥ 12 vs < 12'."""
        low, high = self.levels
        return f"{self.label} {high} vs {low}"

    @property
    def levels(self) -> tuple[str, str]:
        """Plain words for the low (0) and high (1) groups, e.g. ('< 12', '≥ 12')."""
        if self.split == "threshold":
            cut = f"{self.threshold:g}"
            return (
                (f"< {cut}", f"≥ {cut}")
                if self.high_if == "at_or_above"
                else (
                    f"≤ {cut}",
                    f"> {cut}",
                )
            )
        if self.split == "binary":
            return ("no", "yes")
        return ("low", "high")


@dataclass(frozen=True)
class Pair:
    """The exposure and the modifier of one analysis."""

    exposure: Variable
    modifier: Variable

    def __iter__(self):
        """The exposure, then the modifier."""
        return iter((self.exposure, self.modifier))

    @property
    def columns(self) -> tuple[str, str]:
        """The two dataset columns (exposure first)."""
        return self.exposure.column, self.modifier.column

    def variable(self, role: str) -> Variable:
        """The variable of a role (exposure | modifier)."""
        return self.exposure if role == EXPOSURE else self.modifier

    def group(self, exposure_code: str, modifier_code: str) -> str:
        """A joint group in words, e.g. ('high', 'low') -> 'IL-1β high, BDNF low'."""
        return f"{self.exposure.group(exposure_code)}, {self.modifier.group(modifier_code)}"

    @property
    def title(self) -> str:
        """The pair in words, e.g. 'IL-1β × BDNF'."""
        return f"{self.exposure.label} × {self.modifier.label}"


def variable_from_settings(
    role: str, entry: Mapping[str, Any], units: Mapping[str, str] | None = None
) -> Variable:
    """A Variable from its `pair.<role>` settings; no unit: the dictionary's (`units`)."""
    column = entry["column"]
    unit = entry.get("unit")
    if unit is None:
        unit = (units or {}).get(column, "")
    return Variable(
        role=role,
        column=column,
        label=entry.get("label") or column,
        unit=unit,
        kind=entry.get("kind", "biomarker"),
        transform=entry.get("transform", "none"),
        split=entry.get("split", "median"),
        threshold=entry.get("threshold"),
        high_if=entry.get("high_if", "at_or_above"),
        lod=entry.get("lod"),
    )


def pair_from_settings(settings: Mapping[str, Any], units: Mapping[str, str] | None = None) -> Pair:
    """The Pair of an analysis's settings (its `pair` section, or the whole settings)."""
    section = settings.get("pair", settings)
    return Pair(
        exposure=variable_from_settings(EXPOSURE, section[EXPOSURE], units),
        modifier=variable_from_settings(MODIFIER, section[MODIFIER], units),
    )


def pair_key(settings: Mapping[str, Any]) -> tuple[tuple[Any, ...], ...]:
    """What makes two analyses study the same pair: each role's column and two-group split
    (the threshold and high_if only of a threshold split)."""
    key = []
    for role in ROLES:
        entry = settings["pair"][role]
        split = entry.get("split", "median")
        cut = (entry.get("threshold"), entry.get("high_if", "at_or_above"))
        key.append((entry["column"], split, *(cut if split == "threshold" else (None, None))))
    return tuple(key)


def pair_name(pair: Pair) -> str:
    """The pair in words with the cut-point of a threshold split, e.g. 'IL-1β × HADS anxiety
    (≥ 12)': sensitivity.tsv's `pair`, by which the findings tell the primary's pair's analyses."""
    return " × ".join(
        f"{variable.label} ({variable.levels[1]})"
        if variable.split == "threshold"
        else variable.label
        for variable in pair
    )
