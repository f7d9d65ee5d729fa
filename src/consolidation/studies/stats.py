"""Statistics over seeds: intervals, one-sided tests, effect sizes, power and the Holm
adjustment of the claims; bootstrap CIs for the report's descriptive numbers; rank correlation.

Seeds are the independent replicates of a study. A claim's per-seed values (paired differences,
levels, rank correlations) are summarised by their mean with a Student t interval, and tested
with a one-sided t-test (contrasts, levels) or a within-seed permutation test (trends,
:func:`trend_permutation_p`). Why t and not the percentile bootstrap: at the seed counts studies
use (3-12) the percentile bootstrap's interval is too narrow (with 3 seeds its lower end is the
smallest seed), while the t interval's coverage stays near nominal (tests/test_stats.py measures
both; docs/studies.md has the numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as sps

BOOTSTRAP_SAMPLES = 10_000
PERMUTATIONS = 10_000


def _finite(values: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[np.isfinite(x)]


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    level: float = 0.95,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> tuple[float, float, float]:
    """(mean, low, high): percentile bootstrap CI of the mean over seeds (NaNs dropped)."""
    x = _finite(values)
    if x.size == 0:
        return np.nan, np.nan, np.nan
    if x.size == 1:
        return float(x[0]), float(x[0]), float(x[0])
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(samples, x.size))].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(x.mean()), float(low), float(high)


def t_interval(
    values: Sequence[float] | np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """(mean, low, high): Student t interval of the mean over seeds (NaNs dropped).

    One value gives no interval (NaN ends); values that do not vary give a zero-width one.
    """
    x = _finite(values)
    if x.size == 0:
        return np.nan, np.nan, np.nan
    mean = float(x.mean())
    if x.size == 1:
        return mean, np.nan, np.nan
    half = sps.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    return mean, float(mean - half), float(mean + half)


def t_test_greater(values: Sequence[float] | np.ndarray) -> float:
    """One-sided p-value of the t-test that the mean over seeds is > 0 (NaNs dropped).

    For the other direction pass ``-values``. NaN with fewer than two values. Values that do
    not vary (an exact, noise-free effect) give 0 if their mean is positive, 1 otherwise (the
    limit of the t statistic; scipy returns NaN there).
    """
    x = _finite(values)
    if x.size < 2:
        return np.nan
    sd = x.std(ddof=1)
    if sd == 0:
        return 0.0 if x.mean() > 0 else 1.0
    t = x.mean() / (sd / math.sqrt(x.size))
    return float(sps.t.sf(t, x.size - 1))


def cohens_dz(values: Sequence[float] | np.ndarray) -> float:
    """Cohen's d_z: mean / standard deviation (n - 1) of the per-seed differences.

    NaN with fewer than two values or no spread (the size of an exact effect is undefined).
    """
    x = _finite(values)
    if x.size < 2:
        return np.nan
    sd = x.std(ddof=1)
    return float(x.mean() / sd) if sd > 0 else np.nan


def t_power(dz: float, n: int, alpha: float = 0.05) -> float:
    """Power of the one-sided one-sample (paired) t-test at level ``alpha`` with ``n`` seeds
    when the true standardised effect is ``dz`` (noncentral t)."""
    df = n - 1
    critical = sps.t.isf(alpha, df)
    return float(sps.nct.sf(critical, df, dz * math.sqrt(n)))


def seeds_for_power(
    dz: float, power: float = 0.8, alpha: float = 0.05, most: int = 100_000
) -> int | None:
    """Fewest seeds for which the one-sided paired t-test at ``alpha`` has at least ``power``
    at the effect ``dz`` (in the tested direction). None if ``dz`` is not positive and finite,
    or more than ``most`` seeds would be needed."""
    if not (math.isfinite(dz) and dz > 0):
        return None
    # the normal approximation is a lower bound for the t-test's n; step up from just below it
    z = sps.norm.isf(alpha) + sps.norm.ppf(power)
    n = max(2, math.floor((z / dz) ** 2))
    while t_power(dz, n, alpha) < power:
        n += 1
        if n > most:
            return None
    return n


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm-Bonferroni adjusted p-values, in the given order; None (or NaN) entries are no test
    and stay None (they do not count towards the family's size).

    Sorted ascending, the i-th of m p-values (from 0) becomes (m - i) p, made non-decreasing
    along the order and capped at 1: an adjusted p < alpha rejects exactly the hypotheses the
    step-down procedure rejects at family-wise error rate alpha.
    """
    tested = [
        (p, i)
        for i, p in enumerate(pvalues)
        if p is not None and not (isinstance(p, float) and math.isnan(p))
    ]
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    m = len(tested)
    for rank, (p, i) in enumerate(sorted(tested)):
        running = max(running, min(1.0, (m - rank) * float(p)))
        out[i] = running
    return out


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman rank correlation of paired values (ties get average ranks; NaN pairs dropped).

    NaN when it is undefined: fewer than two pairs, or all x or all y equal.
    """
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < 2:
        return np.nan
    rx, ry = sps.rankdata(x), sps.rankdata(y)
    if np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return np.nan
    return float(np.corrcoef(rx, ry)[0, 1])


def _permuted_spearman(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, n: int):
    """Spearman's ρ of x with ``n`` random permutations of y (NaN pairs dropped): shape (n,).

    All NaN where ρ is undefined (then permuting cannot define it either).
    """
    keep = np.isfinite(x) & np.isfinite(y)
    rx, ry = sps.rankdata(x[keep]), sps.rankdata(y[keep])
    if rx.size < 2 or np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return np.full(n, np.nan)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    shuffled = rng.permuted(np.broadcast_to(ry, (n, ry.size)), axis=1)
    return shuffled @ rx / math.sqrt((rx @ rx) * (ry @ ry))


def trend_permutation_p(
    x: np.ndarray, y: np.ndarray, permutations: int = PERMUTATIONS, seed: int = 0
) -> tuple[float, float]:
    """(p increasing, p decreasing): one-sided permutation p-values of a trend's statistic.

    ``x`` and ``y`` are (seed, group, point): the statistic is Spearman's ρ of x and y over the
    points of each group, averaged over the groups of a seed (undefined ones skipped), then over
    the seeds. Under the null hypothesis that y does not depend on x, y's values are
    exchangeable among the points of a group, so each of ``permutations`` draws shuffles them
    within every group of every seed. p = (1 + draws at least as extreme) / (1 + draws).
    """
    rng = np.random.default_rng(seed)
    n_seeds, n_groups, _ = x.shape
    observed = np.full((n_seeds, n_groups), np.nan)
    drawn = np.full((n_seeds, n_groups, permutations), np.nan)
    for s in range(n_seeds):
        for g in range(n_groups):
            observed[s, g] = spearman(x[s, g], y[s, g])
            drawn[s, g] = _permuted_spearman(x[s, g], y[s, g], rng, permutations)
    defined = np.isfinite(observed)
    if not defined.any():
        return np.nan, np.nan
    seeds = defined.any(axis=1)
    stat = np.mean([observed[s][defined[s]].mean() for s in np.flatnonzero(seeds)])
    null = np.mean([drawn[s][defined[s]].mean(axis=0) for s in np.flatnonzero(seeds)], axis=0)
    tie = 1e-12  # ρ from equal rank sums can differ in the last bits
    greater = (1 + np.sum(null >= stat - tie)) / (1 + permutations)
    less = (1 + np.sum(null <= stat + tie)) / (1 + permutations)
    return float(greater), float(less)
