"""Write the synthetic MAKE BETTER-like cohort and its true parameters."""

from interplay.jobs.runner import run
from interplay.synthetic.cohort import simulate_cohort, write_cohort


def main(smk) -> None:
    """Simulate the cohort from the configured settings and write its three files."""
    cohort = simulate_cohort(**smk.params.synthetic, seed=smk.params.seed, lod=smk.params.lod)
    write_cohort(cohort, smk.output.baseline, smk.output.visits, smk.output.truth)


run(snakemake, main)
