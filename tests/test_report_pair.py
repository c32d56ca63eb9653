"""Every text a person reads names the configured pair: IL-6 × HADS anxiety ≥ 12, never IL-1β or
BDNF (labels, methods, findings, paper tables and report pages)."""

import copy
import re

import pandas as pd
import pytest
from interplay import labels
from interplay.pair import pair_from_settings
from interplay.report import paper_tables as pt
from interplay.report.findings import findings_documents, findings_table
from interplay.report.pages import report_page
from pairs import IL6_HADS, IL6_HADS_SETTINGS
from test_findings import CI_LEVEL, crafted
from test_methods import CONFIG, INTERACTION, PROVENANCE, bootstrap_methods, section
from test_paper_tables import complete_case, tables  # noqa: F401 (fixtures)
from test_report import interaction_table, joint_table

DEFAULT_WORDS = re.compile(r"IL-1β|BDNF|il1b|bdnf")
# Hand-made cut-points of the IL-6 pair: HADS anxiety is split at its threshold (no median).
CUTPOINTS = pd.DataFrame(
    [
        ("il6", "below_lod", "lod", 0.5, "pg/mL", 0.5, 12),
        ("il6", "below_lod", "substitute", 0.3536, "pg/mL", 0.5, 12),
        ("il6", "median", "median", 2.4, "pg/mL", None, None),
        ("il6", "tertiles", "tertile_1", 1.5, "pg/mL", None, None),
        ("il6", "tertiles", "tertile_2", 3.5, "pg/mL", None, None),
        ("hads_anxiety", "tertiles", "tertile_1", 7, "points", None, None),
        ("hads_anxiety", "tertiles", "tertile_2", 11, "points", None, None),
    ],
    columns=["column", "coding", "cut", "value", "unit", "lod", "n_patients"],
).assign(role=lambda table: table["column"].map({"il6": "exposure", "hads_anxiety": "modifier"}))


def test_labels_of_a_threshold_modifier() -> None:
    assert labels.term_label("modifier_high", IL6_HADS) == "HADS anxiety ≥ 12 vs < 12"
    assert labels.term_label("exposure_high|modifier_high", IL6_HADS) == (
        "IL-6 high vs low, within HADS anxiety ≥ 12"
    )
    assert labels.term_label("exposure_scaled", IL6_HADS) == "IL-6, per doubling"
    assert labels.term_label("modifier_scaled", IL6_HADS) == "HADS anxiety, per point"
    assert labels.model_label("stratum_modifier_low", IL6_HADS) == "IL-6 within HADS anxiety < 12"
    assert labels.model_label("stratum_exposure_high", IL6_HADS) == "HADS anxiety within high IL-6"
    assert labels.group_label("exposure_high_modifier_low", IL6_HADS) == (
        "IL-6 high, HADS anxiety < 12"
    )
    assert labels.estimand_label("exposure_or_modifier_high", IL6_HADS) == (
        "IL-6 OR at HADS anxiety ≥ 12"
    )
    assert labels.measure_label("or_01", IL6_HADS) == "OR, HADS anxiety changed alone (OR01)"
    assert labels.stage_label("exposure_above_lod", IL6_HADS) == "IL-6 above the limit of detection"
    assert labels.stage_label("with_exposure_and_modifier", IL6_HADS) == (
        "Baseline IL-6 and HADS anxiety measured"
    )
    assert labels.unit("modifier", IL6_HADS) == "points"


def test_a_binary_modifier_reads_yes_and_no() -> None:
    settings = copy.deepcopy(IL6_HADS_SETTINGS)
    settings["modifier"] |= {"column": "smoker", "label": "Smoker", "unit": "", "kind": "binary"}
    settings["modifier"] |= {"split": "binary", "threshold": None}
    pair = pair_from_settings(settings)
    assert labels.term_label("modifier_high", pair) == "Smoker yes vs no"
    assert labels.group_label("exposure_low_modifier_high", pair) == "IL-6 low, Smoker yes"
    assert labels.split_group(pair.modifier, "low") == "no"
    assert labels.pair_noun(pair) == "variable"


def il6_config() -> dict:
    """The default configuration studying IL-6 × HADS anxiety ≥ 12 in every analysis."""
    config = copy.deepcopy(CONFIG)
    config["pair"] |= copy.deepcopy(IL6_HADS_SETTINGS)
    return config


def il6_methods() -> str:
    from interplay.jobs.settings import analysis_settings
    from interplay.report.methods import methods_markdown, methods_sections

    config = il6_config()
    return methods_markdown(
        methods_sections(
            analyses={
                name: analysis_settings(config, name, {"hads_anxiety": "points"})
                for name in config["analyses"]
            },
            bootstrap=config["bootstrap"],
            methods_by_analysis=bootstrap_methods(config),
            privacy=config["privacy"],
            seed=config["seed"],
            cutpoints=CUTPOINTS,
            interaction=INTERACTION,
            provenance=PROVENANCE,
        )
    )


def test_methods_describe_the_pair_not_the_default() -> None:
    text = il6_methods()
    assert not DEFAULT_WORDS.search(text)
    pair_section = section(text, "IL-6 × HADS anxiety")
    # Only IL-6 has an LOD; HADS anxiety is split at its fixed threshold, in the dictionary's unit.
    assert "IL-6 values below the limit of detection (LOD; 0.5 pg/mL) were flagged" in pair_section
    assert "HADS anxiety values below" not in pair_section
    assert "IL-6 at the sample median of 2.4 pg/mL, high = above it" in pair_section
    assert "HADS anxiety at 12 points, high = ≥ 12" in pair_section
    assert "IL-6 in pg/mL and HADS anxiety in points" in pair_section
    models = section(text, "Models")
    assert "The models were IL-6 alone, HADS anxiety alone" in models
    assert "the product of log2 IL-6 and HADS anxiety was modelled" in models
    assert "in this sample IL-6 low, HADS anxiety ≥ 12" in section(text, "Interaction")


def test_methods_say_a_modifier_in_the_adjustment_set_is_not_its_covariate() -> None:
    models = section(il6_methods(), "Models")
    assert (
        "hads anxiety"
        not in models.split("; HADS anxiety (the modifier)")[0].lower().split("adjusted for")[1]
    )
    assert "HADS anxiety (the modifier), in the adjustment set, was not a covariate" in models


def test_findings_sentences_name_the_pair() -> None:
    models, interaction, sensitivity = crafted()
    findings = findings_table(models, interaction, sensitivity, CI_LEVEL, IL6_HADS)
    assert findings["label"].iloc[0] == "IL-6 OR at HADS anxiety < 12"
    documents = findings_documents(findings, models, interaction, CI_LEVEL, False, IL6_HADS)
    text = documents["markdown"]
    assert text.startswith("# Findings: IL-6, HADS anxiety and remission")
    assert "IL-6 high vs low, within HADS anxiety ≥ 12: higher odds of remission" in text
    assert "with IL-6 high and HADS anxiety ≥ 12 (against the" in text
    assert "changing both variables" in text
    for document in documents.values():
        assert not DEFAULT_WORDS.search(document)


def test_paper_table_pages_name_the_pair(tables) -> None:  # noqa: F811
    pages = pt.paper_pages(tables, 0.95, {"complete_case": IL6_HADS})
    for page in pages.values():
        assert not DEFAULT_WORDS.search(page)
    assert ">HADS anxiety<" in pages["table2"] and ">≥ 12<" in pages["table2"]
    assert "Table 2. Remission by variable group" in pages["table2"]
    assert "IL-6 high (&gt; median)" in pages["table3"] or "IL-6 high (> median)" in pages["table3"]
    assert "HADS anxiety within the IL-6 stratum" in pages["interaction_2x2"]
    assert "Interaction of IL-6 and HADS anxiety" in pages["interaction_2x2"]


def test_analyses_of_different_pairs_keep_their_own_words(tables) -> None:  # noqa: F811
    from pairs import DEFAULT_PAIR

    other = {name: table.assign(analysis="other") for name, table in tables.items()}
    both = {name: pd.concat([tables[name], other[name]]) for name in tables}
    pages = pt.paper_pages(both, 0.95, {"complete_case": DEFAULT_PAIR, "other": IL6_HADS})
    assert ">IL-1β<" in pages["table2"] and ">HADS anxiety<" in pages["table2"]
    assert "HADS anxiety ≥ 12" in pages["table3"] and "BDNF high (&gt; median)" in pages["table3"]
    # One interaction page states one pair: the other analysis is named as left out.
    assert "HADS anxiety" not in pages["interaction_2x2"].split("Not shown")[0]
    assert "or pair differ: Other" in pages["interaction_2x2"]


@pytest.mark.parametrize(
    "name, table", [("joint", joint_table), ("interaction", interaction_table)]
)
def test_report_pages_name_the_pair(name, table) -> None:
    page = report_page(name, table(), pair=IL6_HADS)
    assert not DEFAULT_WORDS.search(page)
    assert "HADS anxiety" in page


def test_an_analysis_studying_another_pair_is_described_in_its_own_words() -> None:
    from interplay.jobs.settings import analysis_settings
    from interplay.report.methods import sensitivity_clause

    config = copy.deepcopy(CONFIG)
    config["analyses"]["il6"] = {"pair": copy.deepcopy(IL6_HADS_SETTINGS)}
    primary = analysis_settings(config, "primary")
    clause = sensitivity_clause(
        "il6", analysis_settings(config, "il6", {"hads_anxiety": "points"}), primary
    )
    assert clause == (
        "Il6: the pair IL-6 × HADS anxiety (IL-6 split at its median, HADS anxiety ≥ 12 high)"
    )
    lod = copy.deepcopy(config)
    lod["analyses"]["il6_half"] = {
        "pair": copy.deepcopy(IL6_HADS_SETTINGS) | {"below_lod": "lod_half"}
    }
    assert "IL-6 below the LOD replaced by LOD/2" in sensitivity_clause(
        "il6_half", analysis_settings(lod, "il6_half"), primary
    )


def test_cutpoint_page_names_the_pair() -> None:
    page = report_page("cutpoints", CUTPOINTS, pair=IL6_HADS)
    assert "<h1>Cut-points of IL-6 and HADS anxiety" in page
    assert "<td>IL-6</td>" in page and "<td>HADS anxiety</td>" in page
    assert not DEFAULT_WORDS.search(page)
