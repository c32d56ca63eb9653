rule simulate_cohort:
    output:
        baseline="results/synthetic/baseline.csv",
        visits="results/synthetic/visits.csv",
        truth="results/synthetic/truth.json",
    log:
        "results/logs/simulate_cohort.log",
    benchmark:
        "results/benchmarks/simulate_cohort.tsv"
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("data"),
    params:
        library=library_version("simulate_cohort.py"),
        seed=config["seed"],
        synthetic=Settings(config["synthetic"]),
        lod=config["pair"]["exposure"]["lod"],
    script:
        "../scripts/simulate_cohort.py"
