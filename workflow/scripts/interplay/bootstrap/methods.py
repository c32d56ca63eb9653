"""The bootstrap interval methods: one registry, light enough to import while Snakemake parses."""

from collections.abc import Sequence

# The registry of interval methods (config bootstrap.methods, ci_method in the tables): percentile
# and BCa resample a complete-data analysis; bootstrap-then-impute resamples an imputed one.
COMPLETE_DATA_METHODS = ("percentile", "bca")
IMPUTED_METHOD = "boot_mi_vhb"
METHODS = (*COMPLETE_DATA_METHODS, IMPUTED_METHOD)


def applicable_methods(requested: Sequence[str], imputes: bool) -> list[str]:
    """The requested interval methods that apply to an analysis that imputes (or not)."""
    valid = [IMPUTED_METHOD] if imputes else COMPLETE_DATA_METHODS
    return [method for method in requested if method in valid]
