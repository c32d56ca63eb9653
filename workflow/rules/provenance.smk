rule provenance:
    input:
        data=[config["data"]["baseline"], config["data"]["visits"], config["data"]["dictionary"]],
    output:
        "results/provenance.json",
    params:
        config=config,
    log:
        "results/logs/provenance.log",
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/provenance.py"
