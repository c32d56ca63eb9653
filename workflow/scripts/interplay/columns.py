"""Our column names of the baseline table, in the data dictionary's order.

resources/data_dictionary.tsv is the contract users read; tests/test_dictionary.py checks that these
names agree with it.
"""

BASELINE_COVARIATES = (
    "age",
    "sex",
    "education_years",
    "unmarried",
    "living_alone",
    "religious",
    "unemployed",
    "low_income",
    "hads_anxiety",
    "sofas",
    "episode_duration_months",
    "previous_episodes",
    "physical_disorders",
)
BASELINE_COLUMNS = ("patient_id", *BASELINE_COVARIATES, "treatment_step", "il1b", "bdnf")
# The last, optional dictionary column of the baseline table: a baseline HAMD kept there instead of
# (or besides) a week-0 visit. Ingestion moves it into the visits; the synthetic export lacks it.
BASELINE_HAMD_COLUMN = "hamd_baseline"
