# Figures (docs/analysis_plan.md §9): one rule per figure, PNG shown in the report, vector copies
# beside.


include: "figures_functions.smk"


from interplay.labels import SYNTHETIC_NOTE, analysis_label

# The first line of every figure's caption: says so when the input is the shipped synthetic cohort.
SYNTHETIC_CAPTION = SYNTHETIC_NOTE if SYNTHETIC_INPUT else ""


rule figure_flow:
    input:
        flow="results/tables/flow.tsv",
    output:
        **figure_files("flow", REPORT_SAMPLE, "Participant flow"),
    log:
        "results/logs/figures/flow.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_flow.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
    script:
        "../scripts/figure_flow.py"


use rule figure_flow as figure_analysis_flow with:
    input:
        flow="results/analyses/{analysis}/flow.tsv",
    output:
        **figure_files(
            "{analysis}/flow", REPORT_SAMPLE, "Participant flow", "{analysis}"
        ),
    log:
        "results/logs/figures/{analysis}/flow.log",


rule figure_biomarkers:
    input:
        dataset="results/data/analysis_dataset.csv",
        cutpoints="results/tables/cutpoints.tsv",
    output:
        **figure_files("biomarkers", REPORT_QUALITY, "Biomarker distributions"),
    log:
        "results/logs/figures/biomarkers.log",
    benchmark:
        "results/benchmarks/figure_biomarkers.tsv"
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_biomarkers.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        bins=FIGURES["histogram_bins"],
        min_cell_count=MIN_CELL_COUNT,
        pair=settings("primary", "pair"),
        words=pair_words("primary"),
    script:
        "../scripts/figure_biomarkers.py"


rule figure_missing_pattern:
    input:
        dataset="results/data/analysis_dataset.csv",
    output:
        **figure_files("missing_pattern", REPORT_QUALITY, "Missing-data patterns"),
    log:
        "results/logs/figures/missing_pattern.log",
    benchmark:
        "results/benchmarks/figure_missing_pattern.tsv"
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_missing_pattern.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        variables=missing_pattern_variables(),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/figure_missing_pattern.py"


rule figure_remission_rates:
    input:
        dataset="results/data/analysis_dataset.csv",
    output:
        **figure_files(
            "remission_rates", REPORT_GROUPS, "Remission by biomarker group", "primary"
        ),
    log:
        "results/logs/figures/remission_rates.log",
    benchmark:
        "results/benchmarks/figure_remission_rates.tsv"
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_remission_rates.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        panels=REMISSION_RATE_TITLES,
        outcome_label=outcome_label("primary"),
        ci_level=settings("primary", "models")["ci_level"],
        min_cell_count=MIN_CELL_COUNT,
        pair=settings("primary", "pair"),
        words=pair_words("primary"),
    script:
        "../scripts/figure_remission_rates.py"


rule figure_forest:
    input:
        models="results/analyses/{analysis}/models.tsv",
        joint="results/analyses/{analysis}/joint.tsv",
        interaction="results/analyses/{analysis}/interaction.tsv",
    output:
        **figure_files(
            "{analysis}/forest",
            REPORT_GROUPS,
            "Forest plot of odds ratios",
            "{analysis}",
        ),
    log:
        "results/logs/figures/{analysis}/forest.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_forest.py"),
        analysis_label=lambda wildcards: analysis_label(wildcards.analysis),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        outcome_label=lambda wildcards: outcome_label(wildcards.analysis),
        ci_level=lambda wildcards: settings(wildcards.analysis, "models")["ci_level"],
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        words=lambda wildcards: pair_words(wildcards.analysis),
    script:
        "../scripts/figure_forest.py"


rule figure_predictions:
    input:
        predictions="results/analyses/{analysis}/predictions.tsv",
    output:
        **figure_files(
            "{analysis}/predictions",
            REPORT_CONTINUOUS,
            PREDICTIONS_ITEM,
            "{analysis}",
        ),
    log:
        "results/logs/figures/{analysis}/predictions.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_predictions.py"),
        analysis_label=lambda wildcards: analysis_label(wildcards.analysis),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        outcome_label=lambda wildcards: outcome_label(wildcards.analysis),
        ci_level=lambda wildcards: settings(wildcards.analysis, "models")["ci_level"],
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        words=lambda wildcards: pair_words(wildcards.analysis),
    script:
        "../scripts/figure_predictions.py"


rule figure_johnson_neyman:
    input:
        slopes="results/analyses/{analysis}/slopes.tsv",
        johnson_neyman="results/analyses/{analysis}/johnson_neyman.tsv",
    output:
        **figure_files(
            "{analysis}/johnson_neyman",
            REPORT_CONTINUOUS,
            "Johnson–Neyman plot",
            "{analysis}",
        ),
    log:
        "results/logs/figures/{analysis}/johnson_neyman.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_johnson_neyman.py"),
        analysis_label=lambda wildcards: analysis_label(wildcards.analysis),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        ci_level=lambda wildcards: settings(wildcards.analysis, "models")["ci_level"],
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        words=lambda wildcards: pair_words(wildcards.analysis),
    script:
        "../scripts/figure_johnson_neyman.py"


rule figure_specification_curve:
    input:
        sensitivity="results/tables/sensitivity.tsv",
    output:
        **figure_files("specification_curve", REPORT_SENSITIVITY, "Specification curve"),
    log:
        "results/logs/figures/specification_curve.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_specification_curve.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        pair=settings("primary", "pair"),
        words=pair_words("primary"),
    script:
        "../scripts/figure_specification_curve.py"


rule figure_bootstrap:
    input:
        shards=bootstrap_shards,
        summary="results/analyses/{analysis}/bootstrap.tsv",
        models="results/analyses/{analysis}/models.tsv",
        interaction="results/analyses/{analysis}/interaction.tsv",
    output:
        **figure_files(
            "{analysis}/bootstrap",
            REPORT_UNCERTAINTY,
            "Bootstrap distributions",
            "{analysis}",
        ),
    log:
        "results/logs/figures/{analysis}/bootstrap.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_bootstrap.py"),
        analysis_label=lambda wildcards: analysis_label(wildcards.analysis),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        bins=FIGURES["histogram_bins"],
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        words=lambda wildcards: pair_words(wildcards.analysis),
    script:
        "../scripts/figure_bootstrap.py"


# The cross-pair forest (pairs.smk): only when the analyses run study two or more pairs.
rule figure_pairs:
    input:
        pairs="results/tables/pairs.tsv",
    output:
        **figure_files(
            "pairs", REPORT_SENSITIVITY, "Ratio of odds ratios of every pair"
        ),
    log:
        "results/logs/figures/pairs.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_pairs.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
    script:
        "../scripts/figure_pairs.py"


# The decision curve of the prediction models (docs/prediction.md; outputs in prediction.smk).
rule figure_decision_curve:
    input:
        prediction="results/analyses/{analysis}/prediction.tsv",
    output:
        **figure_files(
            "{analysis}/decision_curve",
            REPORT_PREDICTION,
            PREDICTION_FIGURE_ITEM,
            "{analysis}",
        ),
    log:
        "results/logs/figures/{analysis}/decision_curve.log",
    wildcard_constraints:
        analysis=names_pattern(PREDICTION_FIGURES),
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_decision_curve.py"),
        analysis_label=lambda wildcards: analysis_label(wildcards.analysis),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        outcome_label=lambda wildcards: outcome_label(wildcards.analysis),
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        words=lambda wildcards: pair_words(wildcards.analysis),
        replicates=config["prediction"]["replicates"],
    script:
        "../scripts/figure_decision_curve.py"


# The interaction surface (docs/surface.md; its table and test: surface.smk).
include: "surface_functions.smk"


rule figure_surface:
    input:
        surface="results/analyses/{analysis}/surface.tsv",
        surface_test="results/analyses/{analysis}/surface_test.tsv",
        dataset=analysis_dataset,
        cutpoints="results/tables/cutpoints.tsv",
    output:
        **figure_files(
            "{analysis}/surface", REPORT_CONTINUOUS, SURFACE_ITEM, "{analysis}"
        ),
    log:
        "results/logs/figures/{analysis}/surface.log",
    wildcard_constraints:
        analysis=names_pattern(SURFACE_ANALYSES),
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_surface.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        outcome_label=lambda wildcards: outcome_label(wildcards.analysis),
        words=lambda wildcards: pair_words(wildcards.analysis),
    script:
        "../scripts/figure_surface.py"
