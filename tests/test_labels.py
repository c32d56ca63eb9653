"""The label registry: lookups, test codes with their degrees of freedom, units as dictionary."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from interplay import labels
from interplay.columns import COVARIATES
from pairs import DEFAULT_PAIR, IL6_HADS

DICTIONARY = Path(__file__).resolve().parents[1] / "resources" / "data_dictionary.tsv"


def test_labelled_and_unlabelled_codes() -> None:
    assert labels.label("model", "stratum_modifier_low", DEFAULT_PAIR) == "IL-1β within low BDNF"
    assert labels.analysis_label("complete_case") == "Complete cases"
    assert labels.analysis_label("my_new_analysis") == "My new analysis"
    assert (
        labels.stage_label("with_exposure_and_modifier", DEFAULT_PAIR)
        == "Baseline serum IL-1β and BDNF measured"
    )


def test_terms_fall_back_to_covariate_labels() -> None:
    assert (
        labels.term_label("exposure_high|modifier_low", DEFAULT_PAIR)
        == "IL-1β high vs low, within low BDNF"
    )
    assert labels.term_label("sex_male", DEFAULT_PAIR) == "Male sex"


def test_groups_strata_and_risks() -> None:
    assert labels.group_label("exposure_high_modifier_low", DEFAULT_PAIR) == "IL-1β high, BDNF low"
    assert (
        labels.group_label("exposure_T3_modifier_T1", DEFAULT_PAIR)
        == "IL-1β top tertile, BDNF bottom tertile"
    )
    assert labels.stratum_label("all") == "All patients"
    assert labels.stratum_label("treatment_step=2") == "Treatment step reached by week 12: 2"
    assert labels.stratum_label("not run: no column") == "not run: no column"
    assert labels.measure_label("risk_exposure_low_modifier_high", DEFAULT_PAIR) == (
        "Standardised risk, IL-1β low, BDNF high"
    )


@pytest.mark.parametrize(
    ("code", "df1", "df2", "shown"),
    [
        ("rubin_t", None, None, "Wald (Rubin's rules)"),
        ("delta_wald_z", np.nan, np.nan, "Delta method"),
        ("d1_f", 1.0, 1067.2438, "D1 Wald F (1, 1067.2 df)"),
        # df2 of 3.7 million is, for reading, an infinite denominator: F(1, ∞) = χ²(1).
        ("d3_f", 1, 3736088.9, "D3 likelihood-ratio F (1, ∞ df)"),
        ("d2_f", 2, np.inf, "D2 F (2, ∞ df)"),
        ("lr_chi2", 1.0, np.nan, "Likelihood-ratio χ² (1 df)"),
        ("wald_chi2", None, None, "Wald χ²"),
        ("", None, None, ""),
    ],
)
def test_interval_methods_and_tests(code: str, df1: float, df2: float, shown: str) -> None:
    assert labels.ci_method_label(code, df1, df2) == shown


def test_units_agree_with_the_data_dictionary() -> None:
    dictionary = pd.read_csv(DICTIONARY, sep="\t", keep_default_na=False)
    units = dict(zip(dictionary["column"], dictionary["unit"], strict=True))
    shared = [name for name in labels.VARIABLES if name in units]
    assert len(shared) >= 15
    assert {name: labels.unit(name) for name in shared} == {name: units[name] for name in shared}


def test_a_unit_the_label_names_is_not_repeated() -> None:
    assert labels.variable_label("age", with_unit=True) == "Age (years)"
    assert labels.variable_label("previous_episodes", with_unit=True) == "Previous episodes"
    assert labels.variable_label("treatment_step", with_unit=True) == (
        "Treatment step reached by week 12"
    )


def test_codes_with_labels_are_the_machine_looking_ones() -> None:
    codes = labels.codes_with_labels(DEFAULT_PAIR)
    assert {"rubin_t", "exposure_high|modifier_low", "or_10", "complete_case", "below_lod"} <= codes
    assert "primary" not in codes and "reri" not in codes


def test_report_items_numbered_in_reading_order() -> None:
    items = [f"item {i}" for i in range(1, 11)]
    numbered = [labels.item_label(items, item) for item in reversed(items)]
    assert labels.item_label(items, "item 1") == "01 item 1"
    # The report sorts labels as text: the numbers restore the given order.
    assert sorted(numbered) == [labels.item_label(items, item) for item in items]
    assert labels.item_label(["a", "b"], "z") == "3 z"


def test_every_covariate_and_category_level_has_a_label() -> None:
    assert set(COVARIATES) <= set(labels.VARIABLES)
    levels = {level for spec in COVARIATES.values() for level in spec.levels}
    assert levels <= set(labels.COVARIATE_LEVELS)


def test_pair_variables_key_the_dataset_columns_of_the_pair() -> None:
    shown = labels.pair_variables(IL6_HADS)
    assert shown["il6"] == ("IL-6", "pg/mL")
    assert shown["il6_below_lod"] == ("IL-6 below the limit of detection", "")
    assert shown["hads_anxiety"] == ("HADS anxiety", "points")
    # No limit of detection, no below-LOD flag.
    assert "hads_anxiety_below_lod" not in shown
