# Does the pair improve prediction? (docs/prediction.md): per analysis in prediction.analyses, the
# covariates-only model, + the pair, + their product, with apparent and optimism-corrected
# performance (Harrell's bootstrap); gathered into results/tables/prediction.tsv. Its report page
# (report_prediction, report.smk) and each such analysis's decision curve (figure_decision_curve,
# figures.smk, for the analyses in figures.analyses too) are final outputs from here.

PREDICTION = Settings(config["prediction"])
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
        unpack(data_set_inputs),
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
