# Settings of the interaction-surface rules (surface.smk): its analyses, report items and outputs.

SURFACE_ANALYSES = config["surface"]["analyses"]
# What the surface job uses of config["surface"]: not its list of analyses, so that editing the
# list does not re-run the jobs of the analyses it keeps.
SURFACE_FIT = Settings({key: config["surface"][key] for key in ["df", "grid_points"]})
SURFACE_ITEM = "Interaction surface"
SURFACE_TEST_ITEM = "Interaction surface test"
REPORT_ITEMS[REPORT_CONTINUOUS] += [SURFACE_ITEM, SURFACE_TEST_ITEM]
EXTRA_OUTPUTS += [
    path
    for analysis in SURFACE_ANALYSES
    for path in [
        f"results/analyses/{analysis}/surface.tsv",
        f"results/analyses/{analysis}/surface_test.tsv",
        f"results/report/{analysis}/surface_test.html",
        *(f"results/figures/{analysis}/surface.{fmt}" for fmt in FIGURES["formats"]),
    ]
]
