"""E-values against the published worked examples and the definition of the E-value.

Published references:
- Smoking and lung cancer, RR 10.73 (95 % CI 8.02 to 14.36), Hammond & Horn 1958, the first
  example of VanderWeele & Ding (Ann Intern Med 2017): E-values 20.94777 and 15.52336 as printed
  by the R package EValue (README and vignette "E-values for unmeasured confounding",
  `evalues.RR(est = 10.73, lo = 8.02, hi = 14.36)`).
- Breastfeeding and infant respiratory death, OR 3.9 (1.8 to 8.7), rare outcome, VanderWeele &
  Ding 2017 (EValue vignette `evalues.OR(est = 3.9, lo = 1.8, hi = 8.7, rare = TRUE)`): E-values
  7.26 and 3.0.
- Protective risk ratio 0.80 (0.71 to 0.91), the example that EValue's documentation attributes
  to VanderWeele & Ding 2017 (`evalues.RR(0.80, 0.71, 0.91)`); the E-value of 0.80 equals that of
  1/0.80 (EValue's "symmetry" example).
- Common outcome: EValue's `evalues.OR(0.86, 0.75, 0.99, rare = FALSE)` example; the values below
  are the square-root conversion worked by hand.
"""

import pytest
from interplay.sensitivity.evalue import (
    evalue_odds_ratio,
    evalue_of,
    evalue_risk_ratio,
    is_common,
)


def test_smoking_and_lung_cancer_example():
    result = evalue_risk_ratio(10.73, 8.02, 14.36)
    assert result.evalue == pytest.approx(20.94777, abs=5e-6)
    assert result.evalue_limit == pytest.approx(15.52336, abs=5e-6)


def test_breastfeeding_example_with_a_rare_outcome():
    result = evalue_odds_ratio(3.9, 1.8, 8.7, common_outcome=False)
    assert result.risk_ratio == 3.9  # a rare outcome's OR is read as an RR
    assert result.evalue == pytest.approx(7.26, abs=0.005)
    assert result.evalue_limit == pytest.approx(3.0, abs=1e-12)  # 1.8 + sqrt(1.8 x 0.8) = 3


def test_protective_ratio_uses_its_reciprocal_and_the_upper_limit():
    result = evalue_risk_ratio(0.80, 0.71, 0.91)
    assert result.evalue == pytest.approx(evalue_risk_ratio(1 / 0.80).evalue, rel=1e-12)
    assert result.evalue == pytest.approx(1.81, abs=0.005)
    # The upper limit 0.91 is the one closest to 1: 1/0.91 = 1.0989, E = 1.0989 + 0.3297.
    assert result.evalue_limit == pytest.approx(1.43, abs=0.005)


def test_common_outcome_odds_ratio_is_converted_by_its_square_root():
    result = evalue_odds_ratio(0.86, 0.75, 0.99, common_outcome=True)
    # sqrt: 0.927362, 0.866025, 0.994987; E(1/0.927362 = 1.078328) = 1.078328 + 0.290625;
    # the upper limit: 1/0.994987 = 1.005038, E = 1.005038 + 0.071156.
    assert (result.risk_ratio, result.lower, result.upper) == pytest.approx(
        (0.927362, 0.866025, 0.994987), abs=1e-6
    )
    assert result.evalue == pytest.approx(1.368953, abs=1e-6)
    assert result.evalue_limit == pytest.approx(1.076194, abs=1e-6)


@pytest.mark.parametrize("ratio", [1.01, 1.5, 3.9, 10.73])
def test_evalue_is_the_confounder_strength_whose_bias_factor_equals_the_ratio(ratio):
    # Ding & VanderWeele 2016: confounder associations RR_EU = RR_UD = E can shift a risk ratio
    # by at most E^2 / (2E - 1); the E-value is the E at which that bound reaches the ratio.
    e = evalue_of(ratio)
    assert e**2 / (2 * e - 1) == pytest.approx(ratio, rel=1e-12)
    assert evalue_of(1 / ratio) == pytest.approx(e, rel=1e-12)


@pytest.mark.parametrize(
    ("estimate", "lower", "upper"), [(1.4, 0.9, 2.2), (0.7, 0.45, 1.05), (1.0, 0.8, 1.25)]
)
def test_an_interval_that_includes_one_has_limit_evalue_one(estimate, lower, upper):
    assert evalue_risk_ratio(estimate, lower, upper).evalue_limit == 1.0


def test_without_the_limit_closest_to_one_there_is_no_limit_evalue():
    assert evalue_risk_ratio(2.0).evalue_limit is None
    assert evalue_risk_ratio(2.0, hi=3.0).evalue_limit is None
    assert evalue_risk_ratio(0.5, lo=0.3).evalue_limit is None
    assert evalue_risk_ratio(2.0, lo=1.5).evalue_limit == pytest.approx(evalue_of(1.5))


def test_outcome_is_common_from_fifteen_percent():
    assert is_common(0.45) and is_common(0.15)
    assert not is_common(0.10)


@pytest.mark.parametrize(
    ("estimate", "lower", "upper"), [(-1.0, None, None), (0.0, None, None), (2.0, 2.5, 3.0)]
)
def test_impossible_ratios_are_refused(estimate, lower, upper):
    with pytest.raises(ValueError):
        evalue_risk_ratio(estimate, lower, upper)
