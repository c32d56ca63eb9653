"""Record the software, configuration and input checksums behind the results."""

import json
from pathlib import Path

from interplay.jobs.provenance import provenance_record
from interplay.jobs.runner import run


def main(smk) -> None:
    """Write results/provenance.json."""
    record = provenance_record(
        dict(smk.params.config), list(smk.input.data), Path(smk.scriptdir).parent
    )
    Path(smk.output[0]).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


run(snakemake, main)
