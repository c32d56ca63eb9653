rule provenance:
    input:
        data=[
            config["data"]["baseline"],
            config["data"]["visits"],
            config["data"]["dictionary"],
        ],
    output:
        "results/provenance.json",
    log:
        "results/logs/provenance.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("provenance.py"),
        config=Settings(config),
    script:
        "../scripts/provenance.py"
