"""The covariates and our column names of the baseline table, in the data dictionary's order.

COVARIATES is the one list of the candidate confounders with how each is summarised and, for a
category, its levels (the first is the reference in models); Table 1, the model terms, the
synthetic cohort and the baseline table's columns derive from it. resources/data_dictionary.tsv is
the contract users read; tests/test_dictionary.py checks that this registry agrees with it.
"""

from dataclasses import dataclass

CONTINUOUS, BINARY, CATEGORICAL = "continuous", "binary", "categorical"


@dataclass(frozen=True)
class Covariate:
    """How a covariate is summarised (continuous | binary | categorical) and a category's levels."""

    kind: str
    levels: tuple[str, ...] = ()


# The last, optional dictionary column of the baseline table: a baseline HAMD kept there instead of
# (or besides) a week-0 visit. Ingestion moves it into the visits; the synthetic export lacks it.
BASELINE_HAMD_COLUMN = "hamd_baseline"
# In Table 1's order; baseline HAMD comes from the week-0 visit, the others from the baseline table.
COVARIATES: dict[str, Covariate] = {
    "age": Covariate(CONTINUOUS),
    "sex": Covariate(CATEGORICAL, ("female", "male")),
    "education_years": Covariate(CONTINUOUS),
    "unmarried": Covariate(BINARY),
    "living_alone": Covariate(BINARY),
    "religious": Covariate(BINARY),
    "unemployed": Covariate(BINARY),
    "low_income": Covariate(BINARY),
    BASELINE_HAMD_COLUMN: Covariate(CONTINUOUS),
    "hads_anxiety": Covariate(CONTINUOUS),
    "sofas": Covariate(CONTINUOUS),
    "episode_duration_months": Covariate(CONTINUOUS),
    "previous_episodes": Covariate(CONTINUOUS),
    "physical_disorders": Covariate(CONTINUOUS),
}
# Category columns and their levels, the first being the reference.
CATEGORY_LEVELS: dict[str, tuple[str, ...]] = {
    name: spec.levels for name, spec in COVARIATES.items() if spec.kind == CATEGORICAL
}
BASELINE_COVARIATES = tuple(name for name in COVARIATES if name != BASELINE_HAMD_COLUMN)
# The data dictionary's biomarker columns (its contract, checked by tests/test_dictionary.py); which
# of them an analysis studies is its config `pair` (interplay.pair), never this list.
BIOMARKERS = ("il1b", "bdnf")
BASELINE_COLUMNS = ("patient_id", *BASELINE_COVARIATES, "treatment_step", *BIOMARKERS)
