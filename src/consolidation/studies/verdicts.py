"""Claims evaluated: a validated claim (:mod:`consolidation.studies.claims`) computed from its
study dataset over seeds, with a verdict, as JSON (as text: :mod:`consolidation.studies.summaries`).

Every dimension a claim neither selects nor compares along is averaged within each seed first
(for ``by`` claims: every dimension the per-memory variable lacks; a ``by`` trend is computed
within each grid cell, then averaged over cells). The effect is the mean over seeds with a
Student t 95% interval over seeds, its standardised size (Cohen's d_z, mean / sd of the per-seed
values, for contrasts and levels; Spearman's ρ for trends) and a one-sided p-value in the
expected direction and in the opposite one: a t-test over seeds for contrasts and levels, a
permutation test within seeds for trends (fixed RNG seed, so the same data give the same
numbers). Contrasts and levels also give the seeds a paired t-test needs for 80% power at the
observed d_z.

The verdict is computed, never written: after Holm's adjustment over the claims tested together
(:func:`adjust`: a study's claims in ``claims.json``, every claim of the run in the report, which
is the verdict to quote) an expected-direction p < 0.05 with the effect on the expected side ->
``reproduced``, an opposite-direction p < 0.05 -> ``contradicted``, otherwise (or with fewer
than ``MIN_SEEDS`` seeds) ``inconclusive``. A match has no test: it is ``reproduced`` when its
interval lies inside the published value's tolerance interval, ``contradicted`` when it lies
wholly outside it, else ``inconclusive``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from consolidation.studies.claims import EXPECT, Claim
from consolidation.studies.config import format_value, show
from consolidation.studies.per_seed import per_seed
from consolidation.studies.seeds import tuning_seeds_in
from consolidation.studies.stats import (
    PERMUTATIONS,
    cohens_dz,
    holm,
    seeds_for_power,
    t_interval,
    t_test_greater,
    trend_permutation_p,
)

VERDICTS = ("reproduced", "contradicted", "inconclusive")
# Fewer seeds than this give no verdict: one or two seeds say nothing of the spread between
# seeds that a test could trust (one gives no interval at all).
MIN_SEEDS = 3
CI_LEVEL = 0.95
CI_METHOD = "Student t over seeds"
ALPHA = 0.05  # one-sided, after Holm's adjustment
POWER = 0.8  # the power a claim's seeds_needed is computed for
PERMUTATION_SEED = 0  # a trend's permutation draws: the same dataset gives the same p-values
STATISTICS = {
    "contrast": "paired difference a - b ({units})",
    "trend": "Spearman rank correlation",
    "level": "mean minus {than} ({units})",
    "match": "mean ({units}) against {value} ± {tolerance:.0%}",
}


# --- verdicts --------------------------------------------------------------------------------


def verdict(
    p: float | None, p_opposite: float | None, n_seeds: int, effect: float | None, sign: int
) -> str:
    """reproduced / contradicted / inconclusive from the one-sided p-values of the expected and
    the opposite direction (adjusted for the claims tested with it) and the effect's sign."""
    if n_seeds < MIN_SEEDS or p is None or p_opposite is None or effect is None:
        return "inconclusive"
    if not all(math.isfinite(v) for v in (p, p_opposite, effect)):
        return "inconclusive"
    if p < ALPHA and sign * effect > 0:
        return "reproduced"
    if p_opposite < ALPHA and sign * effect < 0:
        return "contradicted"
    return "inconclusive"


def match_verdict(low: float, high: float, n_seeds: int, interval: tuple[float, float]) -> str:
    """reproduced if the CI lies within the published interval, contradicted if wholly outside,
    inconclusive otherwise (or with too few seeds)."""
    if n_seeds < MIN_SEEDS or not (math.isfinite(low) and math.isfinite(high)):
        return "inconclusive"
    lo, hi = interval
    if lo <= low and high <= hi:
        return "reproduced"
    if high < lo or low > hi:
        return "contradicted"
    return "inconclusive"


def _tests(
    claim: Claim, values: np.ndarray, xy: tuple[np.ndarray, np.ndarray] | None
) -> dict[str, Any]:
    """A claim's one-sided p-values (expected, opposite direction), effect size and power."""
    if claim.kind == "match":  # judged by its interval against the published one, no test
        return {"test": None, "p_value": None, "p_value_opposite": None, "effect_size": None}
    if claim.kind == "trend":
        increasing, decreasing = trend_permutation_p(*xy, seed=PERMUTATION_SEED)
        up = claim.sign > 0
        return {
            "test": f"permutation within each seed and cell ({PERMUTATIONS} draws)",
            "p_value": increasing if up else decreasing,
            "p_value_opposite": decreasing if up else increasing,
            "effect_size_name": "ρ",
            "effect_size": t_interval(values)[0],
        }
    greater, less = t_test_greater(values), t_test_greater(-values)
    dz = cohens_dz(values)
    return {
        "test": "one-sided t-test over seeds",
        "p_value": greater if claim.sign > 0 else less,
        "p_value_opposite": less if claim.sign > 0 else greater,
        "effect_size_name": "d_z",
        "effect_size": dz,
        "power": {
            "target": POWER,
            "alpha": ALPHA,
            "seeds_needed": _seeds_needed(claim.sign * dz, ALPHA),
        },
    }


def _seeds_needed(dz: float, alpha: float) -> int | None:
    needed = seeds_for_power(dz, POWER, alpha)
    # a huge effect passes the t-test with 2 seeds; a verdict needs more
    return None if needed is None else max(needed, MIN_SEEDS)


def evaluate(ds: xr.Dataset, claim: Claim | Mapping[str, Any], study: str = "") -> dict[str, Any]:
    """One claim computed from a study dataset: effect, 95% CI, effect size, seeds, one-sided
    p-values, seeds for 80% power, and its verdict as if it were the only claim (JSON-able)."""
    claim = claim if isinstance(claim, Claim) else Claim.from_dict(claim)
    study = study or str(ds.attrs.get("study", ""))
    where = f"study {show(study)} claim {show(claim.name)}"
    values, change, notes, xy = per_seed(ds, claim, where)
    seeds = ds["seed"].values.tolist() if "seed" in ds.coords else list(range(len(values)))
    n = int(np.isfinite(values).sum())
    mean, low, high = t_interval(values, level=CI_LEVEL)
    if claim.kind == "trend":  # a mean of correlations: the interval stays within [-1, 1]
        low, high = max(low, -1.0), min(high, 1.0)
    units = str(ds[claim.variable].attrs.get("units", ""))
    tests = _tests(claim, values, xy)
    result = {
        "study": study,
        **claim.to_dict(),
        "description": claim.describe(),
        "units": units,
        "statistic": STATISTICS[claim.kind].format(
            units=units,
            than=format_value(claim.than),
            value=format_value(claim.value),
            tolerance=claim.tolerance or 0,
        ),
        "effect": mean,
        "ci_low": low,
        "ci_high": high,
        "ci_level": CI_LEVEL,
        "ci_method": CI_METHOD,
        "n_seeds": n,
        "per_seed": dict(zip(map(str, seeds), values.tolist(), strict=True)),
        **tests,
    }
    if claim.kind == "match":
        result["interval"] = list(claim.interval)
        result["verdict"] = match_verdict(low, high, n, claim.interval)
    else:
        result["verdict"] = verdict(
            _finite_or_none(tests["p_value"]),
            _finite_or_none(tests["p_value_opposite"]),
            n,
            mean,
            claim.sign,
        )
    if claim.kind == "trend":
        # the size of the trend in the variable's units: highest minus lowest value of the axis
        # (or of the per-memory variable, within each cell), mean over seeds with its CI
        c_mean, c_low, c_high = t_interval(change, level=CI_LEVEL)
        result["change"] = {"effect": c_mean, "ci_low": c_low, "ci_high": c_high, "units": units}
    tuned = tuning_seeds_in(seeds)
    result["held_out"] = not tuned
    if tuned:
        notes.append(f"seeds {', '.join(map(str, tuned))} were used to tune the model")
    if 0 < n < MIN_SEEDS:
        notes.append(f"{n} seed(s); a verdict needs at least {MIN_SEEDS}")
    elif n == 0:
        notes.append("no seed gives a value")
    result["notes"] = notes
    return _json_safe(result)


def _finite_or_none(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def adjust(results: Sequence[Mapping[str, Any]], over: str) -> list[dict[str, Any]]:
    """Claims (``evaluate``'s results) with Holm-adjusted p-values over all of them and the
    verdicts those give; ``over`` names the family ("study", "run").

    The expected-direction and the opposite-direction p-values are adjusted as two families of
    the same claims: a claim is reproduced when its expected-direction test survives, and
    contradicted when its opposite-direction test does. A match has no test and keeps its
    verdict; so does a claim from a claims file without p-values (written before they existed).
    The verdict before adjustment stays as ``verdict_<family it was adjusted over>``. Contrasts
    and levels get ``power.seeds_needed_adjusted``: the seeds for 80% power at alpha / family.
    """
    rows = [dict(r) for r in results]
    tested = [i for i, r in enumerate(rows) if r.get("p_value") is not None]
    expected = holm([rows[i]["p_value"] for i in tested])
    opposite = holm([rows[i].get("p_value_opposite") for i in tested])
    for i, p, q in zip(tested, expected, opposite, strict=True):
        r = rows[i]
        previous = r.get("adjusted_over")
        if previous:
            r[f"verdict_{previous}"] = r["verdict"]
            r[f"p_adjusted_{previous}"] = r.get("p_adjusted")
        sign = EXPECT[r["kind"]][r["expect"]]
        r.update(
            p_adjusted=p,
            p_adjusted_opposite=q,
            adjusted_over=over,
            adjusted_family=len(tested),
            verdict=verdict(p, q, r["n_seeds"], r.get("effect"), sign),
        )
        if r.get("power") and r.get("effect_size") is not None:
            # Holm's first step tests at alpha / family: the seeds that power it bound the
            # seeds the claim needs in this family from above
            r["power"] = {
                **r["power"],
                "seeds_needed_adjusted": _seeds_needed(
                    sign * r["effect_size"], ALPHA / len(tested)
                ),
            }
    return rows


def evaluate_study(
    ds: xr.Dataset, claims: Sequence[Claim | Mapping[str, Any]], study: str = ""
) -> dict[str, Any]:
    """Every claim of a study, its verdicts from p-values Holm-adjusted over the study's claims
    (the report adjusts again over every claim of the run: that verdict is the one to quote)."""
    study = study or str(ds.attrs.get("study", ""))
    results = [evaluate(ds, c, study) for c in claims]
    return {"study": study, "claims": adjust(results, "study")}


def _json_safe(value: Any) -> Any:
    """NaN and infinity -> None, numpy scalars -> Python, recursively."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(results: Mapping[str, Any]) -> str:
    return json.dumps(results, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
