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
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        library=library_version("provenance.py"),
        config=config,
    script:
        "../scripts/provenance.py"
