# Does the pair improve prediction? (docs/prediction.md): per analysis in prediction.analyses, the
# covariates-only model, + the pair, + their product, with apparent and optimism-corrected
# performance (Harrell's bootstrap); gathered into results/tables/prediction.tsv, a report page and
# each such analysis's decision curve (for those in figures.analyses too).

PREDICTION = Settings(config["prediction"])
REPORT_PREDICTION = "06b Prediction"
PREDICTION_TABLE_ITEM = "Prediction performance"
PREDICTION_FIGURE_ITEM = "Decision curve and calibration"
REPORT_ITEMS[REPORT_PREDICTION] = [PREDICTION_TABLE_ITEM, PREDICTION_FIGURE_ITEM]
PREDICTION_FIGURES = [a for a in PREDICTION["analyses"] if a in FIGURES["analyses"]]
EXTRA_OUTPUTS += [
    "results/tables/prediction.tsv",
    "results/report/prediction.html",
    *(
        f"results/figures/{analysis}/decision_curve.{fmt}"
        for analysis in PREDICTION_FIGURES
        for fmt in FIGURES["formats"]
    ),
]


rule prediction:
    input:
        unpack(model_inputs),
    output:
        "results/analyses/{analysis}/prediction.tsv",
    log:
        "results/logs/prediction/{analysis}.log",
    benchmark:
        "results/benchmarks/prediction/{analysis}.tsv"
    wildcard_constraints:
        analysis=names_pattern(PREDICTION["analyses"]),
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("model"),
    params:
        library=library_version("prediction.py"),
        settings=lambda wildcards: ANALYSES[wildcards.analysis],
        seed=config["seed"],
        replicates=PREDICTION["replicates"],
        thresholds=PREDICTION["thresholds"],
    script:
        "../scripts/prediction.py"


rule prediction_table:
    input:
        expand(
            "results/analyses/{analysis}/prediction.tsv",
            analysis=PREDICTION["analyses"],
        ),
    output:
        "results/tables/prediction.tsv",
    log:
        "results/logs/prediction/table.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("prediction_table.py"),
    script:
        "../scripts/prediction_table.py"


rule report_prediction:
    input:
        prediction="results/tables/prediction.tsv",
    output:
        prediction=table_page(
            "results/report/prediction.html",
            "prediction",
            REPORT_PREDICTION,
            PREDICTION_TABLE_ITEM,
        ),
    log:
        "results/logs/report_tables/prediction.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_report_tables.py"),
        title_suffix="",
        pair=settings("primary", "pair"),
        words=pair_words("primary"),
        replicates=PREDICTION["replicates"],
    script:
        "../scripts/figure_report_tables.py"


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
        replicates=PREDICTION["replicates"],
    script:
        "../scripts/figure_decision_curve.py"
