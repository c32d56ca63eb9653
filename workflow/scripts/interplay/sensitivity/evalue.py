"""E-values for unmeasured confounding (VanderWeele & Ding, Ann Intern Med 2017;167:268-74).

The E-value is the minimum strength of association, on the risk-ratio scale, that an unmeasured
confounder would need with both exposure and outcome to explain an observed risk ratio away:
RR + sqrt(RR (RR - 1)), with a protective ratio (< 1) replaced by its reciprocal. Reported for the
estimate and for the confidence limit closest to the null (1 when the interval includes 1).

Odds ratios approximate risk ratios only for a rare outcome (< 15 % at the end of follow-up);
for a common outcome, such as remission here, the odds ratio is first converted with
RR ~ sqrt(OR) (VanderWeele, Epidemiology 2017;28:e58 and the R package EValue's evalues.OR).

For an interaction the E-values are those of Mathur, Smith, Yoshida, Ding & VanderWeele (Int J
Epidemiol 2022;51:1268-75; EValue's evalues.IC): the strength a confounder would need, in both
strata of the modifier, to explain away the interaction when it may bias the strata in opposite
directions ("potentially multidirectional", the package's default and the weakest assumption).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from scipy.optimize import brentq
from scipy.stats import norm

RARE_OUTCOME_BELOW = 0.15  # outcome proportion under which an OR is taken as an RR (EValue docs)


@dataclass(frozen=True)
class EValue:
    """A ratio on the risk-ratio scale with its E-values.

    risk_ratio, lower, upper: the estimate and its confidence limits on the risk-ratio scale
    (after any odds-ratio conversion); a limit not given is None.
    evalue: E-value of the estimate.
    evalue_limit: E-value of the limit closest to 1 (1.0 when the interval includes 1; None when
    that limit was not given).
    """

    risk_ratio: float
    lower: float | None
    upper: float | None
    evalue: float
    evalue_limit: float | None


def evalue_of(risk_ratio: float) -> float:
    """The E-value of one risk ratio, RR + sqrt(RR(RR - 1)), taking 1/RR when RR < 1."""
    ratio = max(risk_ratio, 1.0 / risk_ratio)
    return ratio + math.sqrt(ratio * (ratio - 1.0))


def _limit_evalue(risk_ratio: float, lower: float | None, upper: float | None) -> float | None:
    """E-value of the confidence limit closest to the null, 1 when the interval includes 1."""
    nearest = lower if risk_ratio >= 1.0 else upper
    if nearest is None:
        return None
    crosses_null = nearest <= 1.0 if risk_ratio >= 1.0 else nearest >= 1.0
    return 1.0 if crosses_null else evalue_of(nearest)


def _check_ratio(estimate: float, lower: float | None, upper: float | None) -> None:
    """Refuse ratios that are not positive and finite, or limits on the wrong side."""
    for value in (estimate, lower, upper):
        if value is not None and not (math.isfinite(value) and value > 0.0):
            raise ValueError(f"ratios must be positive and finite, got {value}")
    if (lower is not None and lower > estimate) or (upper is not None and upper < estimate):
        raise ValueError(f"the interval ({lower}, {upper}) does not contain {estimate}")


def evalue_risk_ratio(rr: float, lo: float | None = None, hi: float | None = None) -> EValue:
    """E-values of a risk ratio and of its confidence limit closest to the null."""
    _check_ratio(rr, lo, hi)
    return EValue(rr, lo, hi, evalue_of(rr), _limit_evalue(rr, lo, hi))


def evalue_odds_ratio(
    or_: float, lo: float | None = None, hi: float | None = None, *, common_outcome: bool
) -> EValue:
    """E-values of an odds ratio, taken as RR ~ sqrt(OR) when the outcome is common (>= 15 %)."""
    _check_ratio(or_, lo, hi)

    def to_risk_ratio(value: float | None) -> float | None:
        """The odds ratio on the risk-ratio scale (unchanged for a rare outcome)."""
        return None if value is None else math.sqrt(value) if common_outcome else value

    return evalue_risk_ratio(to_risk_ratio(or_), to_risk_ratio(lo), to_risk_ratio(hi))


def evalue_multiplicative_interaction(
    ratio_of_ors: float, lo: float | None = None, hi: float | None = None, *, common_outcome: bool
) -> EValue:
    """E-values of a ratio of ratios, OR11 / (OR10 OR01), under confounding that may bias the two
    strata in opposite directions: the E-value of its square root (Mathur et al., Int J Epidemiol
    2022;51:1268-75, "multiplicative effect heterogeneity"; EValue's evalues.IC help).

    A common outcome's ratio of odds ratios is first put on the risk-ratio scale like each odds
    ratio (sqrt, VanderWeele 2017), so the ratio E-valued is then ROR^(1/4).
    """
    _check_ratio(ratio_of_ors, lo, hi)

    def half_bias(value: float | None) -> float | None:
        """The square root of the ratio on the risk-ratio scale: each stratum's share of bias."""
        if value is None:
            return None
        return math.sqrt(math.sqrt(value) if common_outcome else value)

    return evalue_risk_ratio(half_bias(ratio_of_ors), half_bias(lo), half_bias(hi))


@dataclass(frozen=True)
class Stratum:
    """One stratum of the modifier: outcome risks and counts with and without the exposure."""

    risk_exposed: float
    risk_unexposed: float
    n_exposed: int
    n_unexposed: int

    @property
    def exposed_share(self) -> float:
        """f, the proportion exposed in the stratum."""
        return self.n_exposed / (self.n_exposed + self.n_unexposed)

    @property
    def is_bounded(self) -> bool:
        """Whether the bound applies: both risks strictly between 0 and 1, both groups non-empty."""
        risks = (self.risk_exposed, self.risk_unexposed)
        return all(0.0 < risk < 1.0 for risk in risks) and min(self.n_exposed, self.n_unexposed) > 0


@dataclass(frozen=True)
class AdditiveEValue:
    """E-values of an interaction contrast, IC = (p11 - p10) - (p01 - p00).

    interaction_contrast, lower: the IC (coded positive, see evalue_additive_interaction) and the
    lower limit of EValue's interval for it (binomial variances of the stratum risks);
    evalue, evalue_limit: E-values of the IC and of that limit (1 when it is at most 0); the
    sensitivity table replaces evalue_limit by that of the interval it shows
    (evalue_of_shown_limit).
    """

    interaction_contrast: float
    lower: float
    evalue: float
    evalue_limit: float


def corrected_risk_difference(stratum: Stratum, bias: float, downward: bool) -> float:
    """Ding & VanderWeele's (Epidemiology 2016;27:368, p 376) bound on a stratum's risk difference
    for a bias factor B: (p1 - p0 B)(f + (1 - f)/B) shifted down, (p1 B - p0)(f + (1 - f)/B) up,
    kept within [-1, 1] (EValue's RDt_bound)."""
    weight = stratum.exposed_share + (1.0 - stratum.exposed_share) / bias
    if downward:
        return max(-1.0, (stratum.risk_exposed - stratum.risk_unexposed * bias) * weight)
    return min(1.0, (stratum.risk_exposed * bias - stratum.risk_unexposed) * weight)


def corrected_variance(stratum: Stratum, bias: float) -> float:
    """Delta-method variance of the corrected risk difference (Ding & VanderWeele 2016, eAppendix
    5; EValue's RDt_var, which swaps the risks and counts, but not f, of a stratum whose risk
    difference is negative)."""
    f = stratum.exposed_share
    (p1, n1), (p0, n0) = sorted(
        [(stratum.risk_exposed, stratum.n_exposed), (stratum.risk_unexposed, stratum.n_unexposed)],
        key=lambda risk_and_count: -risk_and_count[0],
    )
    variance_f = f * (1.0 - f) / (n1 + n0)
    variance_p1 = p1 * (1.0 - p1) / n1
    variance_p0 = p0 * (1.0 - p0) / n0
    return (variance_p1 + variance_p0 * bias**2) * (f + (1.0 - f) / bias) ** 2 + (
        p1 - p0 * bias
    ) ** 2 * (1.0 - 1.0 / bias) ** 2 * variance_f


def corrected_interaction_contrast(
    high: Stratum, low: Stratum, bias: float, z: float
) -> tuple[float, float]:
    """The IC and its lower confidence limit after removing bias B from both strata in opposite
    directions, the first stratum's risk difference down and the second's up (Mathur et al. 2022;
    EValue's RDt_bound with biasDir_1 = "positive", biasDir_0 = "negative")."""
    contrast = corrected_risk_difference(high, bias, downward=True) - corrected_risk_difference(
        low, bias, downward=False
    )
    return contrast, contrast - z * corrected_standard_error(high, low, bias)


def corrected_standard_error(high: Stratum, low: Stratum, bias: float) -> float:
    """EValue's standard error of the corrected IC: both strata's binomial RDt_var summed."""
    return math.sqrt(corrected_variance(high, bias) + corrected_variance(low, bias))


def explaining_bias(statistic: Callable[[float], float]) -> float:
    """The bias factor B >= 1 at which a statistic that is positive at B = 1 reaches 0, bracketed
    as EValue's IC_evalue_inner widens its search (upper limit 3, then x 1.5) and solved exactly."""
    upper = 3.0
    while statistic(upper) > 0.0:
        upper *= 1.5
    return brentq(statistic, 1.0, upper, xtol=1e-14, rtol=1e-15)


def positive_order(high: Stratum, low: Stratum) -> tuple[Stratum, Stratum]:
    """The two strata, checked bounded, swapped if needed so that their IC is positive."""
    for stratum in (high, low):
        if not stratum.is_bounded:
            raise ValueError(f"risks must be in (0, 1) and counts positive, got {stratum}")
    if high.risk_exposed - high.risk_unexposed < low.risk_exposed - low.risk_unexposed:
        return low, high
    return high, low


def evalue_of_shown_limit(high: Stratum, low: Stratum, lower_distance: float) -> float:
    """E-value of the lower limit of an IC interval computed elsewhere (our covariate-adjusted,
    pooled delta interval), given as its distance below the IC, both coded positive.

    The limit is moved with the bias as EValue moves its own: IC(B) − distance · SE(B) / SE(1),
    SE(B) EValue's standard error of the corrected IC, so the shown SE is scaled as the package's
    grows with B (Mathur et al. 2022); the E-value is that of the B at which this reaches 0, 1 when
    the limit is at most 0. With EValue's distance z SE(1) it is EValue's lower-limit E-value.
    """
    high, low = positive_order(high, low)
    contrast, _ = corrected_interaction_contrast(high, low, 1.0, 0.0)
    if contrast - lower_distance <= 0.0:
        return 1.0
    scale = lower_distance / corrected_standard_error(high, low, 1.0)

    def shown_limit(bias: float) -> float:
        """The shown lower limit after removing bias B from both strata."""
        moved, _ = corrected_interaction_contrast(high, low, bias, 0.0)
        return moved - scale * corrected_standard_error(high, low, bias)

    return evalue_of(explaining_bias(shown_limit))


def evalue_additive_interaction(
    high: Stratum, low: Stratum, ci_level: float = 0.95
) -> AdditiveEValue:
    """Mathur et al.'s (2022) E-values of the interaction contrast and of its lower confidence
    limit, for confounding that may bias the strata in opposite directions (EValue's evalues.IC,
    unidirBias = FALSE). A negative IC is first made positive by swapping the strata, as the
    package asks ("recode the stratum variable")."""
    high, low = positive_order(high, low)
    z = float(norm.ppf(0.5 + ci_level / 2.0))
    contrast, lower = corrected_interaction_contrast(high, low, 1.0, z)

    def evalue_where(limit: Callable[[float], float], value: float) -> float:
        """The E-value of the bias that moves a statistic to 0; 1 when it is already at most 0."""
        return 1.0 if value <= 0.0 else evalue_of(explaining_bias(limit))

    return AdditiveEValue(
        contrast,
        lower,
        evalue_where(lambda bias: corrected_interaction_contrast(high, low, bias, z)[0], contrast),
        evalue_where(lambda bias: corrected_interaction_contrast(high, low, bias, z)[1], lower),
    )


def is_common(outcome_proportion: float) -> bool:
    """Whether an outcome is common enough that an OR must be converted (>= 15 %, EValue docs)."""
    return outcome_proportion >= RARE_OUTCOME_BELOW
