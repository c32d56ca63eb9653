rule ingest_cohort:
    input:
        baseline=config["data"]["baseline"],
        visits=config["data"]["visits"],
        dictionary=config["data"]["dictionary"],
    output:
        baseline="results/data/baseline.csv",
        visits="results/data/visits.csv",
        warnings="results/tables/data_warnings.tsv",
        warnings_by_patient="results/data/data_warnings_by_patient.tsv",
        suppressed=suppression_log("tables/data_warnings"),
    log:
        "results/logs/ingest_cohort.log",
    benchmark:
        "results/benchmarks/ingest_cohort.tsv"
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("data"),
    params:
        library=library_version("ingest_cohort.py"),
        columns=Settings(config["data"]["columns"]),
        codes=Settings(config["data"]["codes"]),
        units=Settings(config["data"]["units"]),
        extra_columns=Settings(config["data"]["extra_columns"]),
        lods=Settings(assay_limits(settings(analysis, "pair") for analysis in ANALYSES)),
        text=Settings(
            {key: config["data"][key] for key in ["encoding", "separator", "decimal"]}
        ),
        visits_format=config["data"]["visits_format"],
        # A function, so that {week} in the pattern is not taken for a wildcard.
        wide_columns=lambda wildcards: config["data"]["wide_visits"]["columns"],
        strip_leading_zeros=config["data"]["ids"]["strip_leading_zeros"],
        sheet=config["data"]["sheet"],
        header_row=config["data"]["header_row"],
        value_labels=config["data"]["value_labels"],
        schedule=config["outcome"]["schedule"],
        window_weeks=config["outcome"]["window_weeks"],
        validation=Settings(config["validation"]),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/ingest_cohort.py"


rule analysis_dataset:
    input:
        baseline="results/data/baseline.csv",
        visits="results/data/visits.csv",
        primary_flow="results/tables/flow.tsv",
    output:
        dataset="results/analyses/{analysis}/analysis_dataset.csv",
        flow="results/analyses/{analysis}/flow.tsv",
        exclusions="results/data/exclusions/{analysis}.tsv",
        cutpoints="results/analyses/{analysis}/cutpoints.tsv",
        suppressed=suppression_log("analyses/{analysis}/flow"),
    log:
        "results/logs/analysis_dataset/{analysis}.log",
    benchmark:
        "results/benchmarks/analysis_dataset/{analysis}.tsv"
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("data"),
    params:
        library=library_version("analysis_dataset.py"),
        outcome=lambda wildcards: dataset_settings(wildcards.analysis)["outcome"],
        pair=lambda wildcards: data_job_pair(wildcards.analysis),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/analysis_dataset.py"


use rule analysis_dataset as primary_analysis_dataset with:
    input:
        baseline="results/data/baseline.csv",
        visits="results/data/visits.csv",
    output:
        dataset="results/data/analysis_dataset.csv",
        flow="results/tables/flow.tsv",
        exclusions="results/data/exclusions.tsv",
        cutpoints="results/tables/cutpoints.tsv",
        suppressed=suppression_log("tables/flow"),
    log:
        "results/logs/analysis_dataset/primary.log",
    benchmark:
        "results/benchmarks/primary_analysis_dataset.tsv"
    params:
        library=library_version("analysis_dataset.py"),
        outcome=dataset_settings("primary")["outcome"],
        pair=data_job_pair("primary"),
        min_cell_count=MIN_CELL_COUNT,
