# The paper's tables (Cho et al. Tables 2 and 3; Knol & VanderWeele's interaction table) of the
# analyses in paper_tables.analyses, and their report pages.


include: "paper_tables_functions.smk"


rule paper_tables:
    input:
        unpack(paper_table_inputs),
    output:
        **{name: f"results/tables/{name}.tsv" for name in PAPER_TABLES},
        **{
            f"{name}_page": table_page(
                f"results/report/{name}.html", name, category, label
            )
            for name, (category, label) in PAPER_TABLES.items()
        },
    log:
        "results/logs/paper_tables.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("paper_tables.py"),
        analyses=PAPER_ANALYSES,
        settings=Settings({name: ANALYSES[name] for name in PAPER_ANALYSES}),
        min_cell_count=MIN_CELL_COUNT,
        words=table_words("primary"),
    script:
        "../scripts/paper_tables.py"
