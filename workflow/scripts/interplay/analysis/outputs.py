"""What fit_models writes beside the models: the missingness table, and the final tables of an
analysis without bootstrap intervals, with their small counts suppressed."""

import pandas as pd

from interplay.bootstrap.tables import BOOTSTRAPPED_TABLES, write_final_tables
from interplay.imputation.chained import missingness_summary
from interplay.privacy import missingness_table, protect


def protected_missingness(
    dataset: pd.DataFrame, covariates: list[str], min_cell_count: int | None, name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The missing values per covariate (STROBE 14b) with small counts suppressed, and the log."""
    return protect(
        missingness_summary(dataset, covariates),
        missingness_table(len(dataset)),
        min_cell_count,
        name,
    )


def write_tables_without_bootstrap(
    tables: dict[str, pd.DataFrame],
    min_cell_count: int | None,
    paths: dict[str, str],
    log_path: str,
) -> None:
    """Write the models, joint, interaction and slopes tables of an analysis without bootstrap
    rows as analysis_tables would finish them, and their suppression log."""
    bases = {name: tables[name] for name in BOOTSTRAPPED_TABLES}
    write_final_tables(bases, None, min_cell_count, paths, log_path)
