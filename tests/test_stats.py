"""The statistics of the claims (consolidation.studies.stats) against hand computations and,
for the intervals, against their coverage on synthetic data with a known mean."""

from __future__ import annotations

import math

import numpy as np
import pytest

from consolidation.studies.stats import (
    bootstrap_ci,
    cohens_dz,
    holm,
    seeds_for_power,
    t_interval,
    t_power,
    t_test_greater,
    trend_permutation_p,
)

# (name, draw n values of it, its true mean). The lognormal with σ = 0.4 has skewness 1.3; the
# t interval's coverage falls further with stronger skew (docs/studies.md has the numbers).
DISTRIBUTIONS = {
    "normal": (lambda rng, n: rng.normal(0.0, 1.0, n), 0.0),
    "lognormal": (lambda rng, n: rng.lognormal(0.0, 0.4, n), math.exp(0.4**2 / 2)),
}
REPLICATES = 10_000  # the coverage's standard error is about 0.2 percentage points


def coverage(interval, distribution: str, n: int, replicates: int = REPLICATES) -> float:
    """Fraction of ``replicates`` samples of ``n`` values whose interval holds the true mean."""
    draw, mean = DISTRIBUTIONS[distribution]
    rng = np.random.default_rng(20260519)
    hits = 0
    for _ in range(replicates):
        _, low, high = interval(draw(rng, n))
        hits += low <= mean <= high
    return hits / replicates


@pytest.mark.parametrize("distribution", list(DISTRIBUTIONS))
@pytest.mark.parametrize("n", [3, 8])
def test_the_t_interval_covers_the_mean_near_its_nominal_95_percent(distribution, n):
    measured = coverage(t_interval, distribution, n)
    print(f"t interval, {distribution}, n = {n}: coverage {measured:.3f}")
    assert 0.92 <= measured <= 0.98


@pytest.mark.parametrize("n", [3, 8])
def test_the_percentile_bootstrap_it_replaced_undercovers_at_few_seeds(n):
    """Why claims no longer use it: with 3 or 8 normal seeds its 95% covers well under 92%."""

    def percentile(x):
        return bootstrap_ci(x, samples=1000)

    measured = coverage(percentile, "normal", n, replicates=2000)
    print(f"percentile bootstrap, normal, n = {n}: coverage {measured:.3f}")
    assert measured < 0.92


def test_t_interval_and_test_by_hand():
    x = [1.0, 2.0, 3.0, 6.0]  # mean 3, sd sqrt(14/3), se sqrt(14/3)/2
    se = math.sqrt(14 / 3) / 2
    mean, low, high = t_interval(x)
    assert mean == 3.0
    assert (low, high) == pytest.approx((3 - 3.182446 * se, 3 + 3.182446 * se))  # t(3), 97.5%
    # Student's t with 3 df in closed form: P(T > t) = 1/2 - (u / (1 + u^2) + atan u) / pi,
    # u = t / sqrt(3)
    u = 3 / se / math.sqrt(3)
    p = 0.5 - (u / (1 + u**2) + math.atan(u)) / math.pi
    assert t_test_greater(x) == pytest.approx(p)
    assert t_test_greater([-v for v in x]) == pytest.approx(1 - p)
    assert t_test_greater([2.0, 2.0, 2.0]) == 0.0  # an exact effect
    assert math.isnan(t_test_greater([1.0])) and math.isnan(t_interval([1.0])[1])
    assert t_interval([np.nan, 1.0, 3.0])[0] == 2.0  # NaN seeds are left out


def test_cohens_dz_by_hand():
    assert cohens_dz([1.0, 2.0, 3.0, 6.0]) == pytest.approx(3 / math.sqrt(14 / 3))
    assert cohens_dz([-1.0, -3.0]) == pytest.approx(-2 / math.sqrt(2))
    assert math.isnan(cohens_dz([2.0, 2.0]))  # no spread: no standardised size


def test_seeds_for_power_match_g_power_and_a_simulation():
    """G*Power 3.1 (t tests, one group / matched pairs, one tail, α 0.05, power 0.8): d_z 0.5
    needs 27 (actual power 0.8118), d_z 0.8 needs 12, d_z 1 needs 8."""
    assert seeds_for_power(0.5) == 27
    assert t_power(0.5, 27) == pytest.approx(0.8118, abs=1e-4)
    assert seeds_for_power(0.8) == 12
    assert seeds_for_power(1.0) == 8
    assert seeds_for_power(0.0) is None and seeds_for_power(-0.5) is None
    assert seeds_for_power(float("nan")) is None
    # and by brute force: normal seeds with d_z = 1, the real test, 8 seeds vs 7
    rng = np.random.default_rng(1)
    for n, expected in ((8, 0.815), (7, 0.754)):
        hits = sum(t_test_greater(rng.normal(1.0, 1.0, n)) < 0.05 for _ in range(20_000))
        assert hits / 20_000 == pytest.approx(expected, abs=0.01)


def test_holm_by_hand():
    """p = 0.01, 0.04, 0.03, 0.005 (m = 4): sorted 0.005 x 4 = 0.02, 0.01 x 3 = 0.03,
    0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> 0.06 (never below the one before)."""
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # no test (None, NaN) is not counted: m = 2
    assert holm([0.02, None, 0.5, float("nan")]) == [0.04, None, 0.5, None]
    assert holm([0.6, 0.7]) == [1.0, 1.0]  # capped at 1
    assert holm([]) == []


def test_trend_permutation_p_is_exact_for_two_points_per_seed():
    """Two points per seed: each seed's ρ is ±1 with probability 1/2 under the null, so three
    seeds that all rise have p = 1/8, however clean the rise."""
    x = np.broadcast_to([0.0, 1.0], (3, 1, 2))
    y = x * 10
    up, down = trend_permutation_p(x, y)
    assert up == pytest.approx(1 / 8, abs=0.01)
    assert down == pytest.approx(1.0)
    # four points, six seeds: 1/24 per seed, so the smallest p possible with 10,000 draws
    x = np.broadcast_to(np.arange(4.0), (6, 1, 4))
    assert trend_permutation_p(x, x)[0] == pytest.approx(1 / 10_001)
