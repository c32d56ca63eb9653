"""The methods paragraph follows the configuration it is written from (docs/analysis_plan.md)."""

import copy
import re

import pandas as pd
import pytest
import yaml
from conftest import REPO, copy_workflow, planned_jobs
from interplay.bootstrap.methods import applicable_methods
from interplay.errors import InputError
from interplay.jobs.settings import analysis_settings
from interplay.labels import codes_with_labels
from interplay.report.methods import (
    REFERENCES,
    cited_references,
    in_sentence,
    methods_html,
    methods_markdown,
    methods_sections,
    series,
)

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
# Hand-made cut-points, not a run's: every value the text states must be one of these.
CUTPOINTS = pd.DataFrame(
    [
        ("il1b", "below_lod", "lod", 0.2, "pg/mL", 0.2, 40),
        ("il1b", "below_lod", "substitute", 0.1414, "pg/mL", 0.2, 40),
        ("il1b", "median", "median", 0.61, "pg/mL", None, None),
        ("il1b", "tertiles", "tertile_1", 0.35, "pg/mL", None, None),
        ("il1b", "tertiles", "tertile_2", 1.05, "pg/mL", None, None),
        ("bdnf", "median", "median", 23.5, "ng/mL", None, None),
        ("bdnf", "tertiles", "tertile_1", 19.25, "ng/mL", None, None),
        ("bdnf", "tertiles", "tertile_2", 27.75, "ng/mL", None, None),
        ("bdnf", "continuous", "mean", 22.5, "ng/mL", None, None),
        ("bdnf", "continuous", "sd", 7.25, "ng/mL", None, None),
    ],
    columns=["column", "coding", "cut", "value", "unit", "lod", "n_patients"],
).assign(role=lambda table: table["column"].map({"il1b": "exposure", "bdnf": "modifier"}))
PROVENANCE = {
    "python": "3.11.9",
    "git_commit": "0123456789abcdef0123",
    "packages": {
        "snakemake": "9.1.0",
        "numpy": "2.0.1",
        "pandas": "2.2.3",
        "scipy": "1.14.0",
        "statsmodels": "0.14.4",
        "matplotlib": "3.9.0",
    },
}
# The additive measures' reference, as interplay.interaction.measures chose it in some sample.
INTERACTION = pd.DataFrame(
    {
        "stratum": ["all"] * 3,
        "measure": ["ratio_of_odds_ratios", "reri", "reri"],
        "scale": ["multiplicative", "additive", "additive"],
        "reference_group": [
            "exposure_low_modifier_low",
            "exposure_low_modifier_high",
            "exposure_low_modifier_high",
        ],
    }
)


def bootstrap_methods(config: dict) -> dict[str, list[str]]:
    """Interval methods per analysis as bootstrap_functions.smk chooses them."""
    chosen = {}
    for name in config["analyses"]:
        imputes = analysis_settings(config, name)["missing_data"]["method"] == "mice"
        resampled = name in config["bootstrap"]["analyses"]
        requested = config["bootstrap"]["methods"] if resampled else []
        chosen[name] = applicable_methods(requested, imputes)
    return chosen


def sections_of(config: dict, provenance: dict = PROVENANCE) -> list:
    """The methods sections written from a configuration."""
    return methods_sections(
        analyses={name: analysis_settings(config, name) for name in config["analyses"]},
        bootstrap=config["bootstrap"],
        methods_by_analysis=bootstrap_methods(config),
        privacy=config["privacy"],
        seed=config["seed"],
        cutpoints=CUTPOINTS,
        interaction=INTERACTION,
        provenance=provenance,
    )


def methods_text(config: dict, provenance: dict = PROVENANCE) -> str:
    """The Markdown methods written from a configuration."""
    return methods_markdown(sections_of(config, provenance))


def edited(**changes: dict) -> dict:
    """The default configuration with sections updated (one level deep)."""
    config = copy.deepcopy(CONFIG)
    for section, values in changes.items():
        if isinstance(values, dict) and isinstance(config.get(section), dict):
            config[section].update(values)
        else:
            config[section] = values
    return config


def section(text: str, heading: str) -> str:
    """The paragraph under one ### heading."""
    return text.split(f"### {heading}\n\n", 1)[1].split("\n", 1)[0]


def test_default_states_the_configured_primary_analysis():
    text = methods_text(CONFIG)
    assert "remission, a HAMD-17 total of 7 or less at week 12" in text
    assert "at weeks 0, 3, 6, 9 and 12" in text
    assert "last observation carried forward, LOCF" in text
    assert "creating 20 imputed data sets after 10 cycles each" in text
    assert "B = 2,000 case resamples" in text
    assert "B = 200 resamples, each imputed 2 times" in text
    assert "seed 20250304" in text


def test_remission_threshold_and_week_follow_the_config():
    text = methods_text(edited(outcome={"remission_threshold": 9, "week": 9}))
    assert "remission, a HAMD-17 total of 9 or less at week 9" in text
    assert "7 or less" not in text
    assert "not rated at week 9" in text


def test_response_outcome_states_the_reduction():
    text = methods_text(edited(outcome={"definition": "response", "response_reduction": 0.4}))
    outcome = section(text, "Participants and outcome")
    assert "response, a reduction of at least 40% in the HAMD-17 total" in outcome
    assert "non-response" in section(text, "Interaction")


def test_relapse_in_a_sub_cohort_states_threshold_visits_and_sub_cohort():
    among = {"definition": "response", "week": 12}
    config = edited(outcome={"schedule": [0, 3, 6, 9, 12, 24, 36, 52]})
    config["analyses"] = {
        "primary": {},
        "relapse_after_response": {
            "outcome": {"definition": "relapse", "week": 52, "among": among}
        },
    }
    text = section(methods_text(config), "Sensitivity analyses")
    assert (
        "Relapse among week-12 responders: relapse, a HAMD-17 total of 14 or more at any visit "
        "after week 12 up to week 52 (Frank et al., 1991), among the patients responding at week "
        "12 and rated after it."
    ) in text
    assert "Frank, E., Prien, R.F." in methods_text(config)


def test_completers_primary_drops_carrying_forward():
    text = methods_text(edited(outcome={"missing_rule": "completers", "window_weeks": 1}))
    outcome = section(text, "Participants and outcome")
    assert "Only patients rated at week 12 were analysed (completers)" in outcome
    assert "LOCF" not in outcome
    assert "a rating within 1 week of a scheduled week counted" in outcome


def test_imputation_m_and_cycles_follow_the_config():
    text = methods_text(edited(missing_data={"m": 5, "iterations": 3}))
    assert "creating 5 imputed data sets after 3 cycles each" in text
    assert "20 imputed" not in text


def test_complete_case_primary_has_no_pooling():
    text = methods_text(edited(missing_data={"method": "complete_case"}))
    missing = section(text, "Missing data")
    assert "complete on every model variable" in missing
    assert "Rubin's rules" not in missing
    assert "Barnard, J., Rubin, D.B." not in text


def test_covariate_set_follows_the_config():
    sets = {**CONFIG["covariates"]["sets"], "prespecified": ["age", "sex_male", "sofas"]}
    text = methods_text(edited(covariates={"sets": sets}))
    assert "adjusted for age, male sex and SOFAS." in section(text, "Models")
    assert "HADS" not in section(text, "Models")


def test_unadjusted_primary_says_so():
    text = methods_text(edited(covariates={"adjustment_set": "unadjusted"}))
    assert "not adjusted for covariates" in section(text, "Models")


def test_cutpoints_come_from_the_table_with_units():
    biomarkers = section(methods_text(CONFIG), "Biomarkers")
    assert "median (IL-1β 0.61 pg/mL and BDNF 23.5 ng/mL" in biomarkers
    assert "IL-1β 0.35 and 1.05 pg/mL; BDNF 19.25 and 27.75 ng/mL" in biomarkers
    assert "mean 22.5 ng/mL, SD 7.25 ng/mL" in biomarkers
    assert "LOD; 0.2 pg/mL" in biomarkers


def test_tertile_primary_states_tertiles_first():
    text = methods_text(edited(pair={"coding": "tertiles"}))
    biomarkers = section(text, "Biomarkers")
    assert "primary analysis both biomarkers were divided at the sample tertiles" in biomarkers
    assert "instead had both biomarkers analysed continuously" in biomarkers
    assert "median" not in biomarkers


def test_below_lod_rule_follows_the_config():
    excluded = section(methods_text(edited(pair={"below_lod": "exclude"})), "Biomarkers")
    assert "patients with such values were excluded" in excluded
    assert "Hornung" not in excluded


def test_removing_a_bootstrap_method_removes_its_interval():
    config = edited(bootstrap={"methods": ["percentile", "boot_mi_vhb"]})
    text = methods_text(config)
    assert "gave percentile intervals" in text
    assert "BCa" not in text
    assert "Efron, B." not in text


def test_without_bootstrap_analyses_there_is_no_bootstrap_paragraph():
    text = methods_text(edited(bootstrap={"analyses": []}))
    assert "### Bootstrap" not in text
    assert "von Hippel" not in text


def test_bootstrap_replicates_follow_the_config():
    text = methods_text(edited(bootstrap={"replicates": 999, "mi_replicates": 50}))
    assert "B = 999 case resamples" in text
    assert "B = 50 resamples" in text


def test_firth_fallback_is_stated_only_when_set():
    assert "refitted by Firth" not in methods_text(CONFIG)
    assert "refitted by Firth" in methods_text(edited(bootstrap={"firth_fallback": True}))


def test_removing_an_analysis_removes_its_clause_and_references():
    config = copy.deepcopy(CONFIG)
    del config["analyses"]["firth"]
    text = methods_text(config)
    assert "Firth-penalised" not in text
    assert "### Firth's method" not in text
    assert "Firth, D." not in text
    assert f"repeated in {len(config['analyses']) - 1} sensitivity analyses" in text


def test_an_added_analysis_gets_a_clause_from_its_settings():
    config = copy.deepcopy(CONFIG)
    config["analyses"]["strict_remission"] = {"outcome": {"remission_threshold": 5}}
    sensitivity = section(methods_text(config), "Sensitivity analyses")
    assert "Strict remission: remission, a HAMD-17 total of 5 or less at week 12" in sensitivity
    assert f"repeated in {len(config['analyses']) - 1} sensitivity analyses" in sensitivity


def test_additive_reference_is_the_one_the_analysis_chose():
    interaction = section(methods_text(CONFIG), "Interaction")
    assert (
        "as reference (in this sample IL-1β low, BDNF high), so that both exposures" in interaction
    )


def test_each_sensitivity_analysis_has_one_clause_naming_what_changed():
    sensitivity = section(methods_text(CONFIG), "Sensitivity analyses")
    assert "Complete cases: complete cases instead of multiple imputation" in sensitivity
    assert "Below-LOD values as LOD/2: IL-1β below the LOD replaced by LOD/2" in sensitivity
    assert (
        "Outliers excluded: patients with an absolute z-score of log IL-1β or log "
        "BDNF above 3 excluded"
    ) in sensitivity
    assert (
        "By treatment step: not adjusted for covariates, complete cases instead of multiple "
        "imputation (Sterne et al., 2009), models fitted within each level of treatment step "
        "reached by week 12"
    ) in sensitivity


def test_firth_primary_pools_likelihood_ratios_by_d2():
    text = methods_text(edited(models={"estimator": "firth"}))
    assert "Firth's penalised-likelihood logistic regression" in section(text, "Models")
    assert "D2 (Li et al., 1991b)" in section(text, "Missing data")


def test_versions_come_from_provenance():
    software = section(methods_text(CONFIG), "Software")
    assert "Python 3.11.9 with Snakemake 9.1.0" in software
    assert "numpy 2.0.1" in software and "scipy" in software
    assert "statsmodels" not in software
    assert "git commit 0123456789ab" in software


def test_missing_versions_are_an_input_error():
    broken = {**PROVENANCE, "packages": {"numpy": "2.0.1"}}
    with pytest.raises(InputError, match="snakemake, pandas and scipy"):
        methods_text(CONFIG, broken)


def test_privacy_threshold_is_stated_only_when_set():
    assert "suppressed" not in methods_text(CONFIG)
    assert "Counts below 10" in methods_text(edited(privacy={"min_cell_count": 10}))


def test_references_are_exactly_the_cited_works():
    text = methods_text(CONFIG)
    body, references = text.split("## References", 1)
    for key, reference in REFERENCES.items():
        assert (key in body) == (reference in references), key
    citations = re.findall(r"(?:\(|; |, )([A-Zv][^(),;]+?, \d{4}[ab]?)\)", body)
    assert citations and all(c in REFERENCES for c in citations), citations


def test_no_registry_code_is_shown():
    text = methods_text(CONFIG)
    shown = [code for code in codes_with_labels() if re.search(rf"\b{re.escape(code)}\b", text)]
    assert shown == []


def test_html_page_holds_every_paragraph_and_reference():
    config = edited(covariates={"adjustment_set": "unadjusted"})
    sections = sections_of(config)
    page = methods_html(sections)
    assert page.count("<p>") == len(sections)
    assert page.count("<li>") == len(cited_references(sections))
    assert "R&#x27;s boot package" in page


def test_sentence_helpers():
    assert series(["a", "b", "c"]) == "a, b and c"
    assert series(["a"]) == "a"
    assert in_sentence("Age") == "age"
    assert in_sentence("SOFAS") == "SOFAS"
    assert in_sentence("IL-1β OR at low BDNF") == "IL-1β OR at low BDNF"


@pytest.mark.workflow
def test_the_default_workflow_writes_the_methods(tmp_path):
    jobs = planned_jobs(copy_workflow(tmp_path))
    assert jobs[("methods", "")] == 1


def test_outlier_rule_names_only_the_biomarkers_it_screens():
    """pair.outlier_z screens the log of kind biomarker variables only: with a scale modifier
    the rule names log IL-1β alone."""
    hads = {
        "column": "hads_anxiety", "label": "HADS anxiety", "unit": "points", "kind": "scale",
        "transform": "none", "split": "threshold", "threshold": 12, "high_if": "at_or_above",
        "lod": None,
    }  # fmt: skip
    text = methods_text(edited(pair={"modifier": hads, "outlier_z": 3}))
    assert "an absolute z-score of log IL-1β above 3 were excluded" in text
    assert "log HADS anxiety" not in text
