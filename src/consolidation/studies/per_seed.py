"""What a claim computes in each seed from its study dataset: the paired difference of a
contrast, the rank correlation of a trend (a per-memory one within each grid cell), the level of
a variable; the seeds are then summarised and judged by :mod:`consolidation.studies.verdicts`.

Every dimension a claim neither selects nor compares along is averaged within each seed first
(for ``by`` claims: every dimension the per-memory variable lacks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from consolidation.studies.claims import Claim
from consolidation.studies.comparisons import coordinate_position, grouped_dim
from consolidation.studies.config import ClaimError, format_value, show
from consolidation.studies.stats import spearman


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


def per_seed(
    ds: xr.Dataset, claim: Claim, where: str
) -> tuple[np.ndarray, np.ndarray, list, tuple[np.ndarray, np.ndarray] | None]:
    """(statistic per seed, change per seed in the variable's units, notes, a trend's (x, y)
    as (seed, cell, point) arrays or None)."""
    da, notes = _selected(ds, claim, where)
    if claim.kind in ("level", "match"):  # the variable itself, averaged within each seed
        values = _seed_mean(da).values
        if claim.kind == "level":
            values = values - claim.than
        return values, values, notes, None
    group = None
    if claim.by is not None:
        group, da = _grouped(ds, da, claim, where)
    if claim.kind == "contrast":
        diff, more = _contrast(da, group, claim, where)
        return diff, diff, notes + more, None
    rho, change, more, xy = _trend(da, group, claim)
    return rho, change, notes + more, xy


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
    """(the per-memory (per-item) variable ``by``, the claim's variable), on the same
    dimensions."""
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
                notes.append(f"no {grouped_dim(group.dims)} has {claim.by} = {format_value(value)}")
        high = _seed_mean(da.where(group == claim.a))
        low = _seed_mean(da.where(group == claim.b))
    return (high - low).values, notes


def _trend(
    da: xr.DataArray, group: xr.DataArray | None, claim: Claim
) -> tuple[np.ndarray, np.ndarray, list[str], tuple[np.ndarray, np.ndarray]]:
    """(rank correlation per seed, highest minus lowest per seed, notes, (x, y) as (seed, cell,
    point) arrays for the permutation test)."""
    # A rank correlation within each seed, then the mean over seeds. Seeds are the independent
    # replicates, as for a contrast; correlating within a seed compares cells that share that
    # seed's network and noise (a paired design), so differences between seeds do not blur the
    # trend, as they would if cells x seeds were pooled (which would also treat cells of one
    # seed as independent).
    if claim.axis is not None:
        y = da.mean([d for d in da.dims if d not in ("seed", claim.axis)], skipna=True)
        x = xr.DataArray(np.asarray(da[claim.axis].values, float), dims=[claim.axis])
        x, y = xr.broadcast(x, y)
        points = claim.axis
    else:
        x, y = group.astype(float), da
        points = grouped_dim(group.dims)
    # A per-memory trend (by) is computed within each grid cell (each combination of the other
    # dimensions), then averaged over the cells of a seed: pooled over cells, a grid axis that
    # moves both variables (the SWR rate raises replay and recall alike) would make a
    # per-memory claim that no memory shows.
    others = [d for d in y.dims if d not in ("seed", points)]
    x, y = (a.transpose("seed", *others, points).values for a in (x, y))
    x, y = (a.reshape(a.shape[0], -1, a.shape[-1]) for a in (x, y))
    rho = np.full(x.shape[:2], np.nan)
    change = np.full(x.shape[:2], np.nan)
    for s, c in np.ndindex(*x.shape[:2]):
        xs, ys = x[s, c], y[s, c]
        rho[s, c] = spearman(xs, ys)
        finite = xs[np.isfinite(xs)]
        if finite.size and finite.max() > finite.min():
            change[s, c] = _mean_at(ys, xs == finite.max()) - _mean_at(ys, xs == finite.min())
    notes: list[str] = []
    along = claim.axis or claim.by
    varies = np.isfinite(change).any() or bool(np.isfinite(rho).any())
    if not varies:
        finite = x[np.isfinite(x)]
        if finite.size == 0 or finite.max() == finite.min():
            notes.append(f"{along} takes one value only, so there is no trend")
        else:
            notes.append(f"{along} does not vary within any grid cell, so there is no trend")
    elif np.isnan(rho).all(axis=1).any():
        notes.append(
            "the rank correlation is undefined (constant values) in "
            f"{int(np.isnan(rho).all(axis=1).sum())} seed(s)"
        )
    per_seed_rho = _nanmean_rows(rho)
    per_seed_change = _nanmean_rows(change) if varies else np.full(len(rho), np.nan)
    return per_seed_rho, per_seed_change, notes, (x, y)


def _nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Mean of each row over its finite entries (NaN for a row with none), without warnings."""
    finite = np.isfinite(a)
    total = np.where(finite, a, 0.0).sum(axis=1)
    count = finite.sum(axis=1)
    return np.divide(total, count, out=np.full(len(a), np.nan), where=count > 0)


def _mean_at(y: np.ndarray, mask: np.ndarray) -> float:
    """Mean of the finite ``y`` where ``mask`` holds (NaN if none)."""
    values = y[mask & np.isfinite(y)]
    return float(values.mean()) if values.size else np.nan
