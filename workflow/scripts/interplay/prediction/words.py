"""Plain words for the prediction table's codes: its models and measures."""

from interplay.pair import Pair

METRIC_WORDS = {
    "c_statistic": "c-statistic",
    "c_statistic_difference": "Difference in c-statistic",
    "calibration_intercept": "Calibration intercept (calibration-in-the-large)",
    "calibration_slope": "Calibration slope",
    "brier_score": "Brier score",
    "net_benefit": "Net benefit",
}


def model_words(pair: Pair) -> dict[str, str]:
    """Each model code of the prediction table in words, e.g. '+ IL-1β and BDNF'."""
    both = f"+ {pair.exposure.label} and {pair.modifier.label}"
    return {
        "covariates": "Covariates only",
        "pair": both,
        "interaction": "+ their interaction",
        "pair_minus_covariates": f"{both} vs covariates only",
        "interaction_minus_pair": f"+ their interaction vs {both}",
        "interaction_minus_covariates": "+ their interaction vs covariates only",
        "treat_all": "Treat all",
        "treat_none": "Treat none",
    }
