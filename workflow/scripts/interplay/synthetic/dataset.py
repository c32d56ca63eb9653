"""The synthetic cohort's analysis dataset, made the way the workflow makes it from files."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from interplay.data.biomarkers import assay_limits
from interplay.data.dictionary import load_dictionary
from interplay.data.extra_columns import with_extra_columns
from interplay.data.flow import build_analysis_dataset
from interplay.data.ingest import ingest_cohort
from interplay.synthetic.cohort import simulate_cohort, write_cohort


def synthetic_analysis_dataset(
    directory: Path, config: Mapping[str, Any], dictionary: Path, **cohort_arguments: Any
) -> tuple[pd.DataFrame, dict]:
    """Simulate a cohort, write it to directory, ingest it and build its analysis dataset; truth.

    config supplies the outcome and pair settings and data.extra_columns (config.yaml's
    sections; a scenario's marker must be declared there); cohort_arguments go to simulate_cohort.
    """
    cohort = simulate_cohort(**cohort_arguments)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in ("baseline.csv", "visits.csv", "truth.json")]
    write_cohort(cohort, *paths)
    known = with_extra_columns(
        load_dictionary(dictionary), config.get("data", {}).get("extra_columns")
    )
    ingested = ingest_cohort(
        paths[0],
        paths[1],
        known,
        {},
        {},
        config["outcome"]["schedule"],
        lods=assay_limits([config["pair"]]),
    )
    built = build_analysis_dataset(
        ingested.baseline, ingested.visits, config["outcome"], config["pair"]
    )
    return built.dataset, cohort.truth
