# Settings and helper functions of the paper-table rule (paper_tables.smk).

from types import SimpleNamespace

from interplay.report.paper_tables import check_paper_settings

PAPER_ANALYSES = config["paper_tables"]["analyses"]
stop_on_input_error(
    check_paper_settings, {name: ANALYSES[name] for name in PAPER_ANALYSES}
)

# name -> (report category, item label); results/tables/<name>.tsv, results/report/<name>.html.
PAPER_TABLES = {
    "table2": (REPORT_PAPER, "Table 2: crude and adjusted ORs"),
    "table3": (REPORT_PAPER, "Table 3: within strata, P for interaction"),
    "interaction_2x2": (REPORT_GROUPS, "Interaction table (Knol & VanderWeele)"),
}
EXTRA_OUTPUTS.extend(
    path
    for name in PAPER_TABLES
    for path in [f"results/tables/{name}.tsv", f"results/report/{name}.html"]
)


def paper_table_inputs(wildcards):
    """Each listed analysis's dataset, models and interaction tables (and Table 1 for the
    paper-style covariates), named <analysis>_<what>."""
    inputs = {}
    for name in PAPER_ANALYSES:
        analysis = SimpleNamespace(analysis=name)
        inputs[f"{name}_dataset"] = analysis_dataset(analysis)
        inputs[f"{name}_models"] = f"results/analyses/{name}/models.tsv"
        inputs[f"{name}_interaction"] = f"results/analyses/{name}/interaction.tsv"
        for key, path in covariate_inputs(analysis).items():
            inputs[f"{name}_{key}"] = path
    return inputs
