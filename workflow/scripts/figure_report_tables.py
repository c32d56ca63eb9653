"""Result tables (and the provenance record) as HTML pages for Snakemake's report."""

import json
from pathlib import Path

from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.report.pages import report_page
from interplay.tables import read_table


def read_result(path: str):
    """A result table, or the parsed record of a .json file."""
    if path.endswith(".json"):
        return json.loads(Path(path).read_text(encoding="utf-8"))
    return read_table(path)


def main(smk) -> None:
    """Write one page per output, from the input of the same name."""
    analysis = getattr(smk.wildcards, "analysis", "")
    pair = pair_from_settings(smk.params.pair)
    # Only the sample-level pages (the sensitivity page) need every analysis's pair.
    pairs = {
        name: pair_from_settings(settings)
        for name, settings in getattr(smk.params, "pairs", {}).items()
    }
    for name, path in smk.output.items():
        data = read_result(smk.input[name])
        page = report_page(name, data, smk.params.title_suffix, analysis, pair, pairs or None)
        Path(path).write_text(page, encoding="utf-8")


run(snakemake, main)
