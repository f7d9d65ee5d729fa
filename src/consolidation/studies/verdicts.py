"""Claims evaluated: a validated claim (:mod:`consolidation.studies.claims`) computed from its
study dataset over seeds, with a verdict, as JSON and as text for the report.

Every dimension a claim neither selects nor compares along is averaged within each seed first
(for ``by`` claims: every dimension the per-memory variable lacks; its own grid cells and
memories are the points of the comparison). The effect is the mean over seeds with a percentile
bootstrap 95% CI resampling seeds (fixed RNG seed, so the same data give the same numbers). The
verdict is computed, never written: the CI excludes 0 (a level: ``than``) on the expected side ->
``reproduced``, on the other side -> ``contradicted``, otherwise (or with fewer than ``MIN_SEEDS``
seeds) ``inconclusive``. A match is ``reproduced`` when the CI lies inside the published value's
tolerance interval, ``contradicted`` when it lies wholly outside it, else ``inconclusive``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from consolidation.studies.claims import Claim
from consolidation.studies.comparisons import coordinate_position
from consolidation.studies.config import ClaimError, format_value, show
from consolidation.studies.stats import bootstrap_ci, spearman

VERDICTS = ("reproduced", "contradicted", "inconclusive")
# Fewer seeds than this give no verdict: a percentile bootstrap over one or two values has no
# spread worth the name (one seed gives a zero-width CI).
MIN_SEEDS = 3
CI_LEVEL = 0.95
BOOTSTRAP_SEED = 0
STATISTICS = {
    "contrast": "paired difference a - b ({units})",
    "trend": "Spearman rank correlation",
    "level": "mean minus {than} ({units})",
    "match": "mean ({units}) against {value} ± {tolerance:.0%}",
}


# --- statistics ------------------------------------------------------------------------------


def _isel(da: xr.DataArray, dim: str, value: Any, where: str) -> xr.DataArray:
    if isinstance(value, tuple):  # a subset: keep the dimension, averaged later
        return xr.concat([_isel(da, dim, v, where) for v in value], dim=dim)
    pos = coordinate_position(da[dim].values.tolist(), value)
    if pos is None:
        raise ClaimError(
            f"{where}: the study dataset has no {dim}={format_value(value)} (it has "
            + ", ".join(format_value(v) for v in da[dim].values.tolist())
            + ")"
        )
    return da.isel({dim: pos})


def _seed_mean(da: xr.DataArray) -> xr.DataArray:
    """Average every dimension but ``seed`` (NaNs, e.g. a probe a cell lacks, are skipped)."""
    return da.mean([d for d in da.dims if d != "seed"], skipna=True)


def _per_seed(ds: xr.Dataset, claim: Claim, where: str) -> tuple[np.ndarray, np.ndarray, list]:
    """(statistic per seed, change per seed in the variable's units, notes)."""
    da, notes = _selected(ds, claim, where)
    if claim.kind in ("level", "match"):  # the variable itself, averaged within each seed
        values = _seed_mean(da).values
        if claim.kind == "level":
            values = values - claim.than
        return values, values, notes
    group = None
    if claim.by is not None:
        group, da = _grouped(ds, da, claim, where)
    if claim.kind == "contrast":
        diff, more = _contrast(da, group, claim, where)
        return diff, diff, notes + more
    rho, change, more = _trend(da, group, claim)
    return rho, change, notes + more


def _selected(ds: xr.Dataset, claim: Claim, where: str) -> tuple[xr.DataArray, list[str]]:
    """(the claim's variable at its ``select``, notes on the runs left out)."""
    if claim.variable not in ds:
        raise ClaimError(f"{where} 'variable': the study dataset has no {claim.variable}")
    da = ds[claim.variable]
    notes: list[str] = []
    if "flag" in ds:  # runs collect flagged (runaway, NaN state) are left out, as everywhere
        flagged = int((ds["flag"] != 0).sum())
        if flagged:
            da = da.where(ds["flag"] == 0)
            notes.append(f"{flagged} flagged run(s) left out")
    for dim, value in claim.select.items():
        da = _isel(da, dim, value, f"{where} 'select' {show(dim)}")
    return da, notes


def _grouped(
    ds: xr.Dataset, da: xr.DataArray, claim: Claim, where: str
) -> tuple[xr.DataArray, xr.DataArray]:
    """(the per-memory variable ``by``, the claim's variable), on the same dimensions."""
    if claim.by not in ds:
        raise ClaimError(f"{where} {claim.kind!r} 'by': the study dataset has no {claim.by}")
    group = ds[claim.by]
    for dim, value in claim.select.items():
        if dim in group.dims:
            group = _isel(group, dim, value, f"{where} 'select' {show(dim)}")
    # average what the grouping variable does not vary over (e.g. phase); its own cells and
    # memories are the points compared
    da = da.mean([d for d in da.dims if d not in group.dims], skipna=True)
    group, da = xr.broadcast(group, da)
    return group, da


def _contrast(
    da: xr.DataArray, group: xr.DataArray | None, claim: Claim, where: str
) -> tuple[np.ndarray, list[str]]:
    """(a - b per seed, notes)."""
    notes: list[str] = []
    if isinstance(claim.a, Mapping):  # two points of the grid
        points = []
        for key, point in (("a", claim.a), ("b", claim.b)):
            sel = da
            for dim, value in point.items():
                sel = _isel(sel, dim, value, f"{where} 'contrast' '{key}' {show(dim)}")
            points.append(_seed_mean(sel))
        high, low = points
    elif claim.axis is not None:
        high = _seed_mean(_isel(da, claim.axis, claim.a, f"{where} 'contrast' 'a'"))
        low = _seed_mean(_isel(da, claim.axis, claim.b, f"{where} 'contrast' 'b'"))
    else:
        for value in (claim.a, claim.b):
            if not bool((group == value).any()):
                notes.append(f"no memory has {claim.by} = {format_value(value)}")
        high = _seed_mean(da.where(group == claim.a))
        low = _seed_mean(da.where(group == claim.b))
    return (high - low).values, notes


def _trend(
    da: xr.DataArray, group: xr.DataArray | None, claim: Claim
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(rank correlation per seed, highest minus lowest per seed, notes)."""
    # A rank correlation within each seed, then the mean over seeds with a bootstrap CI
    # resampling seeds. Seeds are the independent replicates, as for a contrast; correlating
    # within a seed compares cells that share that seed's network and noise (a paired design),
    # so differences between seeds do not blur the trend, as they would if cells x seeds were
    # pooled (which would also treat cells of one seed as independent).
    if claim.axis is not None:
        y = da.mean([d for d in da.dims if d not in ("seed", claim.axis)], skipna=True)
        x = xr.DataArray(np.asarray(da[claim.axis].values, float), dims=[claim.axis])
        x, y = xr.broadcast(x, y)
    else:
        x, y = group.astype(float), da
    finite = x.values[np.isfinite(x.values)]
    x_lo, x_hi = (finite.min(), finite.max()) if finite.size else (np.nan, np.nan)
    rho, change = [], []
    for s in range(y.sizes["seed"]):
        xs, ys = x.isel(seed=s).values, y.isel(seed=s).values
        rho.append(spearman(xs, ys))
        change.append(_mean_at(ys, xs == x_hi) - _mean_at(ys, xs == x_lo))
    notes: list[str] = []
    if not x_hi > x_lo:
        notes.append(f"{claim.axis or claim.by} takes one value only, so there is no trend")
        change = [np.nan] * len(change)
    elif np.isnan(rho).any():
        notes.append(
            f"the rank correlation is undefined (constant values) in {int(np.isnan(rho).sum())} "
            "seed(s)"
        )
    return np.asarray(rho, float), np.asarray(change, float), notes


def _mean_at(y: np.ndarray, mask: np.ndarray) -> float:
    """Mean of the finite ``y`` where ``mask`` holds (NaN if none)."""
    values = y[mask & np.isfinite(y)]
    return float(values.mean()) if values.size else np.nan


# --- verdicts --------------------------------------------------------------------------------


def verdict(low: float, high: float, n_seeds: int, sign: int) -> str:
    """reproduced / contradicted / inconclusive from a CI of the effect and the expected sign."""
    if n_seeds < MIN_SEEDS or not (math.isfinite(low) and math.isfinite(high)):
        return "inconclusive"
    if low > 0 or high < 0:  # the CI excludes 0
        return "reproduced" if (low > 0) == (sign > 0) else "contradicted"
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


def evaluate(ds: xr.Dataset, claim: Claim | Mapping[str, Any], study: str = "") -> dict[str, Any]:
    """One claim computed from a study dataset: effect, 95% CI, seeds, verdict (JSON-able)."""
    claim = claim if isinstance(claim, Claim) else Claim.from_dict(claim)
    study = study or str(ds.attrs.get("study", ""))
    where = f"study {show(study)} claim {show(claim.name)}"
    values, change, notes = _per_seed(ds, claim, where)
    seeds = ds["seed"].values.tolist() if "seed" in ds.coords else list(range(len(values)))
    n = int(np.isfinite(values).sum())
    mean, low, high = bootstrap_ci(values, level=CI_LEVEL, seed=BOOTSTRAP_SEED)
    units = str(ds[claim.variable].attrs.get("units", ""))
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
        "n_seeds": n,
        "per_seed": dict(zip(map(str, seeds), values.tolist(), strict=True)),
        "verdict": (
            match_verdict(low, high, n, claim.interval)
            if claim.kind == "match"
            else verdict(low, high, n, claim.sign)
        ),
    }
    if claim.kind == "match":
        result["interval"] = list(claim.interval)
    if claim.kind == "trend":
        # the size of the trend in the variable's units: highest minus lowest value of the axis
        # (or of the per-memory variable), mean over seeds with its CI
        c_mean, c_low, c_high = bootstrap_ci(change, level=CI_LEVEL, seed=BOOTSTRAP_SEED)
        result["change"] = {"effect": c_mean, "ci_low": c_low, "ci_high": c_high, "units": units}
    if 0 < n < MIN_SEEDS:
        notes.append(f"{n} seed(s); a verdict needs at least {MIN_SEEDS}")
    elif n == 0:
        notes.append("no seed gives a value")
    result["notes"] = notes
    return _json_safe(result)


def evaluate_study(
    ds: xr.Dataset, claims: Sequence[Claim | Mapping[str, Any]], study: str = ""
) -> dict[str, Any]:
    study = study or str(ds.attrs.get("study", ""))
    return {"study": study, "claims": [evaluate(ds, c, study) for c in claims]}


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


# --- text for the report ---------------------------------------------------------------------


def _num(x: float | None, digits: int = 2, sign: bool = True) -> str:
    return "n/a" if x is None else f"{x:{'+' if sign else ''}.{digits}f}"


def format_effect(result: Mapping[str, Any]) -> str:
    """'+6.50 Hz [+3.60, +10.20]' for a contrast or a level (its difference from ``than``);
    'ρ +0.80 [+0.50, +1.00]; +3.10 Hz ...' for a trend (the change from the lowest to the
    highest value of the axis); '16.90 ms [16.80, 17.00] (published 16.8 ms, accepted
    13.44-20.16)' for a match."""
    if result.get("effect") is None:
        return "n/a"
    ci = f"[{_num(result['ci_low'])}, {_num(result['ci_high'])}]"
    units = result.get("units") or ""
    units = "" if units == "1" else units  # dimensionless
    if result["kind"] in ("contrast", "level"):
        return f"{_num(result['effect'])} {units} {ci}".replace("  ", " ")
    if result["kind"] == "match":
        plain = f"[{_num(result['ci_low'], sign=False)}, {_num(result['ci_high'], sign=False)}]"
        lo, hi = result["interval"]
        published = f"published {result['value']:g} {units}, accepted {lo:.4g}-{hi:.4g}"
        return f"{_num(result['effect'], sign=False)} {units} {plain} ({published})"
    text = f"ρ {_num(result['effect'])} {ci}"
    change = result.get("change") or {}
    if change.get("effect") is not None:
        text += (
            f"; highest − lowest {_num(change['effect'])} {units} "
            f"[{_num(change['ci_low'])}, {_num(change['ci_high'])}]"
        )
    return text
