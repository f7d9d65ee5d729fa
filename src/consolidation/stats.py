"""Statistics over seeds: bootstrap confidence intervals for paired differences."""

from __future__ import annotations

import numpy as np

BOOTSTRAP_SAMPLES = 10_000


def bootstrap_ci(
    values, level: float = 0.95, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0
) -> tuple[float, float, float]:
    """(mean, low, high): percentile bootstrap CI of the mean of `values` (e.g. paired diffs)."""
    values = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = rng.choice(values, size=(samples, len(values)), replace=True).mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(values.mean()), float(low), float(high)
