"""Recovery check of Harrell's optimism correction by simulation (not a test).

    python benchmarks/prediction.py [--simulations 200] [--replicates 200] [--sizes 200 500 1000]

Truth: logit P(y = 1) = −0.2 + 0.6 x1 − 0.4 x2 + 0.3 x3 + 0.2 x1·x2, with x1..x3 and seven
noise covariates standard normal; the fitted model has all ten covariates and the product (a
realistic degree of overfitting). For each development sample of each size the apparent and the
optimism-corrected c-statistic, calibration slope and Brier score (data_set_performance, as the
workflow computes them) are compared with the same fitted model's performance in an independent
validation sample of 100,000 from the same truth. Prints the mean of each and the mean and root
mean square of (estimate − validation): the corrected measures should be close to the validation
ones while the apparent ones are optimistic.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from interplay.models.logistic import fit_logistic  # noqa: E402
from interplay.prediction import metrics  # noqa: E402
from interplay.prediction.models import PREDICTION_MODELS  # noqa: E402
from interplay.prediction.optimism import data_set_performance  # noqa: E402
from scipy.special import expit  # noqa: E402

TRUE_BETA = np.array([-0.2, 0.6, -0.4, 0.3])
PRODUCT_BETA = 0.2
NOISE = 7
VALIDATION_N = 100_000
MEASURES = ("c_statistic", "calibration_slope", "brier_score")


def sample(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A design (intercept, ten covariates, x1·x2) and outcomes drawn from the truth."""
    x = rng.normal(size=(n, 3 + NOISE))
    eta = TRUE_BETA[0] + x[:, :3] @ TRUE_BETA[1:] + PRODUCT_BETA * x[:, 0] * x[:, 1]
    design = np.column_stack([np.ones(n), x, x[:, 0] * x[:, 1]])
    return design, (rng.random(n) < expit(eta)).astype(float)


def validation_measures(beta: np.ndarray, validation: tuple) -> dict[str, float]:
    """The fitted model's measures in the validation sample."""
    x, y = validation
    eta = (x @ beta)[None, :]
    ones = np.ones_like(eta)
    return {
        "c_statistic": float(metrics.c_statistic(y, eta, ones)[0]),
        "calibration_slope": float(metrics.calibration_slope(y, eta, ones)[0]),
        "brier_score": float(metrics.brier_score(y, eta, ones)[0]),
    }


def one_simulation(n: int, replicates: int, seed: int, validation: tuple) -> list[dict]:
    """Apparent, corrected and validation measures of one development sample."""
    rng = np.random.default_rng(seed)
    x, y = sample(n, rng)
    columns = ["intercept", *(f"x{j}" for j in range(1, x.shape[1]))]
    design = pd.DataFrame(x, columns=columns)
    designs = dict.fromkeys(PREDICTION_MODELS, design)
    bootstrap = (seed, "benchmark", 0, replicates)
    result = data_set_performance(designs, y, np.array([0.5]), bootstrap, "logistic")
    beta = fit_logistic(design, y).estimates
    truth = validation_measures(beta, validation)
    rows = []
    for measure in MEASURES:
        key = ("covariates", measure, np.nan)
        apparent = result.apparent[key]
        rows.append(
            {
                "n": n,
                "measure": measure,
                "apparent": apparent,
                "corrected": apparent - result.optimism[key],
                "validation": truth[measure],
            }
        )
    return rows


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Means, and mean and root mean square of estimate − validation, per size and measure."""
    out = []
    for (n, measure), rows in table.groupby(["n", "measure"], sort=False):
        entry = {"n": n, "measure": measure}
        for column in ["apparent", "corrected", "validation"]:
            entry[f"mean_{column}"] = rows[column].mean()
        for column in ["apparent", "corrected"]:
            error = rows[column] - rows["validation"]
            entry[f"bias_{column}"] = error.mean()
            entry[f"rmse_{column}"] = np.sqrt((error**2).mean())
        out.append(entry)
    return pd.DataFrame(out)


def main() -> None:
    """Run the simulations and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=200)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 1000])
    options = parser.parse_args()
    validation = sample(VALIDATION_N, np.random.default_rng(1))
    rows = [
        row
        for n in options.sizes
        for s in range(options.simulations)
        for row in one_simulation(n, options.replicates, 1000 * n + s, validation)
    ]
    print(
        f"{options.simulations} simulations per size, B = {options.replicates}, validation "
        f"n = {VALIDATION_N:,}"
    )
    print(summary(pd.DataFrame(rows)).to_string(index=False, float_format="%.4f"))


if __name__ == "__main__":
    main()
