"""Performance measures of predicted log-odds, batched over rows of frequency weights.

Every function takes the 0/1 outcome y (n,), linear predictors (R, n) and frequency weights
(R, n) (a bootstrap resample's counts, or ones), and returns one value per row (R,), or (R, T)
across T thresholds. Steyerberg, Clinical Prediction Models (2nd ed., 2019), ch. 15.
"""

import numpy as np

from interplay.errors import InputError
from interplay.models.batched import fit_stacked, sigmoid

INTERCEPT_STEPS = 50  # Newton steps of the calibration intercept (one parameter, concave)
INTERCEPT_TOLERANCE = 1e-10


def c_statistic(y: np.ndarray, score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Concordance P(score₁ > score₀) + ½ P(tie) over event/non-event pairs (Hanley & McNeil 1982).

    Equal scores form one group; a group's events are ranked above the non-events of lower groups
    and tied with its own non-events.
    """
    rows, n = score.shape
    order = np.argsort(score, axis=1, kind="stable")
    ordered = np.take_along_axis(score, order, axis=1)
    w = np.take_along_axis(np.broadcast_to(weights, score.shape), order, axis=1)
    events = w * y[order]
    non_events = w - events
    starts = np.ones((rows, n), bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum(starts, axis=1) - 1 + n * np.arange(rows)[:, None]
    group_events = np.bincount(group.ravel(), events.ravel(), rows * n).reshape(rows, n)
    group_non_events = np.bincount(group.ravel(), non_events.ravel(), rows * n).reshape(rows, n)
    below = np.cumsum(group_non_events, axis=1) - group_non_events
    concordant = (group_events * (below + 0.5 * group_non_events)).sum(axis=1)
    return concordant / (events.sum(axis=1) * non_events.sum(axis=1))


def brier_score(y: np.ndarray, eta: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mean squared difference between outcome and predicted probability (Brier 1950)."""
    return (weights * (y - sigmoid(eta)) ** 2).sum(axis=1) / weights.sum(axis=1)


def calibration_intercept(y: np.ndarray, eta: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Calibration-in-the-large: a in logit P(y) = a + η, η an offset (Steyerberg 2019 §15.3)."""
    a = np.zeros(len(eta))
    for _ in range(INTERCEPT_STEPS):
        mu = sigmoid(a[:, None] + eta)
        step = (weights * (y - mu)).sum(axis=1) / (weights * mu * (1 - mu)).sum(axis=1)
        a += step
        if np.abs(step).max() < INTERCEPT_TOLERANCE:
            break
    return a


def calibration_slope(y: np.ndarray, eta: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """b in logit P(y) = a + b η (Cox 1958); 1 for the apparent fit of a model with an intercept."""
    designs = np.stack([np.ones_like(eta), eta], axis=-1)
    fit = fit_stacked(designs, y, weights, np.array([0.0, 1.0]))
    return np.where(fit.converged, fit.estimates[:, 1], np.nan)


def net_benefit(
    y: np.ndarray, eta: np.ndarray, weights: np.ndarray, thresholds: np.ndarray
) -> np.ndarray:
    """TP/n − FP/n · pt/(1 − pt), treating when the predicted risk ≥ pt (Vickers & Elkin 2006).

    Each row's sorted risks and cumulative weights give the counts treated at every threshold
    by one search.
    """
    probability = sigmoid(eta)
    order = np.argsort(probability, axis=1, kind="stable")
    ordered = np.take_along_axis(probability, order, axis=1)
    w = np.take_along_axis(np.broadcast_to(weights, eta.shape), order, axis=1)
    events = np.cumsum(w * y[order], axis=1)
    everyone = np.cumsum(w, axis=1)
    out = np.empty((len(eta), len(thresholds)))
    for row in range(len(eta)):
        untreated = np.searchsorted(ordered[row], thresholds, side="left")
        below_events = np.where(untreated > 0, events[row, untreated - 1], 0.0)
        below_all = np.where(untreated > 0, everyone[row, untreated - 1], 0.0)
        true_positive = events[row, -1] - below_events
        false_positive = everyone[row, -1] - below_all - true_positive
        out[row] = (true_positive - false_positive * thresholds / (1 - thresholds)) / everyone[
            row, -1
        ]
    return out


def treat_all_benefit(y: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Net benefit of treating everyone: prevalence − (1 − prevalence) · pt/(1 − pt)."""
    prevalence = y.mean()
    return prevalence - (1 - prevalence) * thresholds / (1 - thresholds)


def hanley_mcneil_variance(c: np.ndarray, n_events: int, n_non_events: int) -> np.ndarray:
    """Variance of a c-statistic (Hanley & McNeil, Radiology 1982, eq. 2, Q₁ = c/(2−c),
    Q₂ = 2c²/(1+c))."""
    q1, q2 = c / (2 - c), 2 * c**2 / (1 + c)
    return (c * (1 - c) + (n_events - 1) * (q1 - c**2) + (n_non_events - 1) * (q2 - c**2)) / (
        n_events * n_non_events
    )


def thresholds_from(settings: dict) -> np.ndarray:
    """The decision-curve threshold grid from..to by (inclusive), rounded to the step's digits."""
    start, stop, step = float(settings["from"]), float(settings["to"]), float(settings["by"])
    if start > stop:  # np.arange would give no thresholds, and the decision curve no rows
        raise InputError(
            f"prediction.thresholds runs from {start:g} down to {stop:g}: no threshold lies "
            "between them",
            file="config.yaml",
            column="prediction.thresholds",
            fix="give from a value at most to, e.g. {from: 0.05, to: 0.80, by: 0.01}",
        )
    count = int(np.floor((stop - start) / step + 1e-9)) + 1
    return np.round(start + step * np.arange(count), 10)
