"""Claims: what a study expects, computed from its dataset over seeds, with a verdict.

A claim (``studies.<name>.claims`` in the config; keys in config/README.md) names a data
variable of the study dataset, fixed coordinates (``select``), what is compared and the
expected direction:

- a **contrast** is the paired difference ``a - b`` within each seed, either between two values
  along a dimension (``axis``: a grid axis such as ``schedule.offline``, or ``probe``, ...) or
  between two groups of memories given by a per-memory variable (``by``, e.g. ``cued``);
- a **trend** is the Spearman rank correlation of the variable with a numeric dimension
  (``axis``, e.g. ``sleep.swr_rate``) or with a per-memory variable (``by``, e.g. ``memory_age``);
- a **level** is the variable itself against a number (``than``), e.g. the weight change of
  pre-before-post pairs against 0;
- a **match** is the variable against a published value within a relative ``tolerance``, e.g. the
  fitted decay of an STDP window against Bi & Poo's 16.8 ms within 20%.

Every dimension a claim neither selects nor compares along is averaged within each seed first
(for ``by`` claims: every dimension the per-memory variable lacks; its own grid cells and
memories are the points of the comparison). The effect is the mean over seeds with a percentile
bootstrap 95% CI resampling seeds (fixed RNG seed, so the same data give the same numbers). The
verdict is computed, never written: the CI excludes 0 (a level: ``than``) on the expected side ->
``reproduced``, on the other side -> ``contradicted``, otherwise (or with fewer than ``MIN_SEEDS``
seeds) ``inconclusive``. A match is ``reproduced`` when the CI lies inside the published value's
tolerance interval, ``contradicted`` when it lies wholly outside it, else ``inconclusive``.

Claims are validated with the config (:func:`parse_claims`, called by
:func:`consolidation.studies.grid.expand_study`), before any job runs: the variable must be one that
study datasets hold (the model's table, :mod:`consolidation.model.variables`, so a new
per-memory variable there is usable at once), and every axis and coordinate value must exist in
the study (grid axes from its grid; probe labels from its schedule's test labels; ...). A study of
kind ``stdp_window`` has the window's variables and the offsets of its cells' ``stdp.offsets``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from consolidation.model import variables
from consolidation.model.controls import CONDITIONS
from consolidation.model.measure import POPULATIONS
from consolidation.model.parameters import Parameters
from consolidation.model.schedule import expand
from consolidation.studies.config import ConfigError, format_value, plain, show
from consolidation.studies.stats import bootstrap_ci, spearman

# expected direction -> sign of the effect that reproduces the claim
# (a match has no sign: its verdict asks whether the CI lies within the published interval)
EXPECT = {
    "contrast": {"greater": 1, "less": -1},
    "trend": {"increasing": 1, "decreasing": -1},
    "level": {"greater": 1, "less": -1},
    "match": {"within": 0},
}
CLAIM_KINDS = tuple(EXPECT)
CLAIM_KEYS = ("name", "variable", "select", *CLAIM_KINDS, "expect", "reference")
COMPARE_KEYS = {
    "contrast": ("axis", "by", "a", "b"),
    "trend": ("axis", "by"),
    "level": ("than",),
    "match": ("value", "tolerance"),
}
VERDICTS = ("reproduced", "contradicted", "inconclusive")
# Fewer seeds than this give no verdict: a percentile bootstrap over one or two values has no
# spread worth the name (one seed gives a zero-width CI).
MIN_SEEDS = 3
CI_LEVEL = 0.95
BOOTSTRAP_SEED = 0
# Variables collect adds to every study dataset besides the model's own (collect.summarize_cell).


class ClaimError(ConfigError):
    """A claim cannot be read or computed; the message names the study, the claim and the key."""


@dataclass(frozen=True)
class Claim:
    """One validated claim. ``axis`` or ``by`` says along what; ``a``/``b`` only for contrasts;
    ``than`` only for a level; ``value`` and ``tolerance`` (relative) only for a match."""

    name: str
    variable: str
    kind: str  # one of CLAIM_KINDS
    expect: str
    select: dict[str, Any] = field(default_factory=dict)
    axis: str | None = None
    by: str | None = None
    a: Any = None
    b: Any = None
    reference: str = ""
    than: float | None = None
    value: float | None = None
    tolerance: float | None = None

    @property
    def sign(self) -> int:
        return EXPECT[self.kind][self.expect]

    @property
    def interval(self) -> tuple[float, float]:
        """A match's accepted range: the published value ± the relative tolerance."""
        ends = (self.value * (1 - self.tolerance), self.value * (1 + self.tolerance))
        return min(ends), max(ends)

    def to_dict(self) -> dict[str, Any]:
        # the fields of levels and matches only where they are used (other claims' params and
        # claims.json stay as they were)
        return {
            k: v
            for k, v in asdict(self).items()
            if v is not None or k not in ("than", "value", "tolerance")
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Claim:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    def describe(self) -> str:
        """One line, e.g. 'recall (probe=post): schedule.offline sleep − wake > 0'."""
        sel = ", ".join(f"{k}={format_value(v)}" for k, v in self.select.items())
        head = self.variable + (f" ({sel})" if sel else "")
        along = self.axis if self.axis is not None else self.by
        if self.kind == "contrast":
            side = ">" if self.sign > 0 else "<"
            if isinstance(self.a, Mapping):
                a, b = (
                    "(" + ", ".join(f"{k}={format_value(v)}" for k, v in p.items()) + ")"
                    for p in (self.a, self.b)
                )
                return f"{head}: {a} − {b} {side} 0"
            what = f"{along} {format_value(self.a)} − {format_value(self.b)} {side} 0"
        elif self.kind == "level":
            what = f"{'>' if self.sign > 0 else '<'} {format_value(self.than)}"
        elif self.kind == "match":
            what = f"within {format_value(self.value)} ± {self.tolerance:.0%}"
        else:
            what = f"{self.expect} with {along}"
        return f"{head}: {what}"


# --- what a study dataset holds, known before any job runs ---------------------------------


def study_variables(study_kind: str = "network") -> dict[str, tuple[str, ...]]:
    """Data variable -> its dimensions besides the grid axes and ``seed``, in a study dataset
    (from the model's table of variables, :mod:`consolidation.model.variables`)."""
    return variables.study_variables(study_kind)


def coordinate_labels(
    cells: Sequence[Mapping[str, Any]], study_kind: str = "network"
) -> dict[str, list[Any]]:
    """Labels of the model's own dimensions over a study's cells (each a dict of overrides).

    ``probe``: the schedule's test labels; ``memory``: 0..memory.count-1; ``phase``: one label
    per schedule position as collect writes it (``'2:sleep'``, or ``'2:sleep|wake'`` where the
    cells differ); ``hippocampus`` and ``population`` as measure writes them. For a study of
    kind ``stdp_window``: ``offset``, every cell's ``stdp.offsets`` in ascending order.
    """
    if study_kind == "stdp_window":
        offsets = {float(o) for c in cells for o in Parameters.from_overrides(c)["stdp.offsets"]}
        return {"offset": sorted(offsets)}

    probes: dict[str, None] = {}
    kinds: list[dict[str, None]] = []
    n_memories = 0
    for overrides in cells:
        params = Parameters.from_overrides(overrides)
        phases = expand(params)
        n_memories = max(n_memories, params["memory.count"])
        for i, phase in enumerate(phases):
            if phase["phase"] == "test":
                probes.setdefault(phase["label"], None)
            while len(kinds) <= i:
                kinds.append({})
            kinds[i].setdefault(phase["name"].removeprefix(f"{i}:"), None)
    return {
        "probe": list(probes),
        "memory": list(range(n_memories)),
        "phase": [f"{i}:" + "|".join(k) for i, k in enumerate(kinds)],
        "hippocampus": list(CONDITIONS),
        "population": list(POPULATIONS),
    }


# --- validation ------------------------------------------------------------------------------


def _find(values: Sequence[Any], value: Any) -> int | None:
    """Position of ``value`` among coordinate ``values``, compared in their one text form."""
    labels = [format_value(v) for v in values]
    want = format_value(value)
    return labels.index(want) if want in labels else None


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | np.generic)


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values)


def parse_claims(
    study: str,
    spec: Any,
    axes: Mapping[str, Sequence[Any]],
    cells: Sequence[Mapping[str, Any]],
    study_kind: str = "network",
) -> list[Claim]:
    """Validate a study's ``claims`` list against its grid ``axes`` and cells' overrides."""
    if spec is None:
        return []
    where = f"study {show(study)} 'claims'"
    if not isinstance(spec, list):
        raise ClaimError(f"{where}: expected a list of claims, got {show(spec)}")
    coords = {**{a: list(v) for a, v in axes.items()}, **coordinate_labels(cells, study_kind)}
    variables = study_variables(study_kind)
    out: list[Claim] = []
    for i, item in enumerate(spec):
        claim = _parse_claim(study, i, item, axes, coords, variables)
        if any(c.name == claim.name for c in out):
            raise ClaimError(
                f"study {show(study)} claim {show(claim.name)} 'name': used by two claims"
            )
        out.append(claim)
    return out


def _parse_claim(
    study: str,
    i: int,
    item: Any,
    axes: Mapping[str, Sequence[Any]],
    coords: Mapping[str, list[Any]],
    variables: Mapping[str, tuple[str, ...]],
) -> Claim:
    where = f"study {show(study)} 'claims' '{i}'"  # as the schema's errors name it
    if not isinstance(item, Mapping):
        raise ClaimError(f"{where}: expected a mapping with keys {', '.join(CLAIM_KEYS)}")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ClaimError(f"{where} 'name': expected a short label, got {show(name)}")
    where = f"study {show(study)} claim {show(name)}"
    unknown = sorted(map(str, set(item) - set(CLAIM_KEYS)))
    if unknown:
        raise ClaimError(
            f"{where}: unknown key(s) {show(unknown)}; allowed: {', '.join(CLAIM_KEYS)}"
        )
    variable = item.get("variable")
    if not isinstance(variable, str) or variable not in variables:
        raise ClaimError(
            f"{where} 'variable': {show(variable)} is not a variable of the study dataset; "
            f"allowed: {', '.join(sorted(variables))}"
        )
    dims = [*axes, *variables[variable]]  # besides seed

    kinds = [k for k in CLAIM_KINDS if k in item]
    if len(kinds) != 1:
        raise ClaimError(f"{where}: give exactly one of 'level', 'match', 'contrast' or 'trend'")
    kind = kinds[0]
    expect = item.get("expect")
    if expect not in EXPECT[kind]:
        raise ClaimError(
            f"{where} 'expect': {show(expect)} is not allowed for a {kind}; allowed: "
            + ", ".join(EXPECT[kind])
        )
    reference = item.get("reference", "")
    if not isinstance(reference, str):
        raise ClaimError(f"{where} 'reference': expected text, got {show(reference)}")

    select_spec = item.get("select") or {}
    if not isinstance(select_spec, Mapping):
        raise ClaimError(f"{where} 'select': expected a mapping of dimension -> value")
    select = {}
    for dim, value in select_spec.items():
        here = f"{where} 'select' {show(dim)}"
        if dim not in dims:
            raise ClaimError(
                f"{here}: {variable} has no dimension {show(dim)}; its dimensions: "
                + ", ".join(dims)
                + " (seed is what the statistic runs over)"
            )
        if isinstance(value, list):  # a subset, averaged like any dimension not compared
            if not value:
                raise ClaimError(f"{here}: an empty list selects nothing")
            select[dim] = tuple(_coordinate(here, dim, v, coords) for v in value)
        else:
            select[dim] = _coordinate(here, dim, value, coords)

    compare = item[kind]
    here = f"{where} {show(kind)}"
    if not isinstance(compare, Mapping):
        raise ClaimError(f"{here}: expected a mapping with keys {', '.join(COMPARE_KEYS[kind])}")
    unknown = sorted(map(str, set(compare) - set(COMPARE_KEYS[kind])))
    if unknown:
        raise ClaimError(
            f"{here}: unknown key(s) {show(unknown)}; allowed: {', '.join(COMPARE_KEYS[kind])}"
        )
    cells = (
        kind == "contrast"
        and "axis" not in compare
        and "by" not in compare
        and all(isinstance(compare.get(k), Mapping) for k in ("a", "b"))
    )
    if kind in ("level", "match"):
        compared = _reference_value(here, kind, compare)
    elif cells:  # two points of the grid, each a mapping of dimension -> value
        compared = {
            "a": _point(f"{here} 'a'", compare["a"], dims, select, coords),
            "b": _point(f"{here} 'b'", compare["b"], dims, select, coords),
        }
    else:
        along = _along(here, kind, compare, variable, variables, dims, select, coords)
        compared = dict(zip(("axis", "by", "a", "b"), along, strict=True))
    return Claim(
        name=name.strip(),
        variable=variable,
        kind=kind,
        expect=expect,
        select=select,
        reference=reference.strip(),
        **compared,
    )


def _along(
    here: str,
    kind: str,
    compare: Mapping[str, Any],
    variable: str,
    variables: Mapping[str, tuple[str, ...]],
    dims: Sequence[str],
    select: Mapping[str, Any],
    coords: Mapping[str, list[Any]],
) -> tuple[str | None, str | None, Any, Any]:
    """(axis, by, a, b) of a claim compared along a dimension or a per-memory variable."""
    if ("axis" in compare) == ("by" in compare):
        raise ClaimError(
            f"{here}: give exactly one of 'axis' (a dimension) or 'by' (a variable), or give "
            "'a' and 'b' as mappings of dimension -> value (two points of the grid)"
        )
    if kind == "contrast":
        for key in ("a", "b"):
            if key not in compare or not _scalar(compare[key]):
                raise ClaimError(
                    f"{here} {show(key)}: expected one value, got {show(compare.get(key))}"
                )
    axis = by = a = b = None
    if "axis" in compare:
        axis = compare["axis"]
        if not isinstance(axis, str) or axis not in dims:
            raise ClaimError(
                f"{here} 'axis': {show(axis)} is not a dimension of {variable}; allowed: "
                + ", ".join(dims)
            )
        if axis in select:
            raise ClaimError(f"{here} 'axis': {axis} is also fixed in 'select'")
        if kind == "contrast":
            a = _coordinate(f"{here} 'a'", axis, compare["a"], coords)
            b = _coordinate(f"{here} 'b'", axis, compare["b"], coords)
            if format_value(a) == format_value(b):
                raise ClaimError(f"{here} 'b': compares {axis}={format_value(a)} with itself")
        else:
            values = coords[axis]
            if not _numeric(values) or len(values) < 2:
                raise ClaimError(
                    f"{here} 'axis': a trend needs at least two numbers along {axis}, it has "
                    f"{show(values)} (compare two values with a contrast instead)"
                )
    else:
        by = compare["by"]
        by_dims = variables.get(by) if isinstance(by, str) else None
        if by_dims is None or "memory" not in by_dims:
            per_memory = sorted(k for k, d in variables.items() if "memory" in d)
            raise ClaimError(
                f"{here} 'by': {show(by)} is not a per-memory variable of the study dataset; "
                f"allowed: {', '.join(per_memory)}"
            )
        if not set(by_dims) <= set(variables[variable]):
            raise ClaimError(
                f"{here} 'by': {variable} has no dimension(s) "
                f"{', '.join(sorted(set(by_dims) - set(variables[variable])))} that {by} has"
            )
        if "memory" in select:
            raise ClaimError(f"{here} 'by': groups memories, so 'select' cannot fix memory")
        if kind == "contrast":
            a, b = compare["a"], compare["b"]
            if format_value(a) == format_value(b):
                raise ClaimError(f"{here} 'b': compares {by}={format_value(a)} with itself")
    return axis, by, plain(a), plain(b)


def _reference_value(here: str, kind: str, compare: Mapping[str, Any]) -> dict[str, float]:
    """``than`` of a level, or ``value`` and ``tolerance`` of a match, checked."""
    out = {}
    for key in COMPARE_KEYS[kind]:
        number = compare.get(key)
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
        ):
            raise ClaimError(f"{here} {show(key)}: expected a finite number, got {show(number)}")
        out[key] = float(number)
    if kind == "match":
        if not 0 < out["tolerance"] < 1:
            raise ClaimError(
                f"{here} 'tolerance': a relative tolerance lies between 0 and 1 (0.2: ±20%), "
                f"got {show(compare['tolerance'])}"
            )
        if out["value"] == 0:
            raise ClaimError(f"{here} 'value': a relative tolerance needs a nonzero value")
    return out


def _point(
    where: str, spec: Mapping[str, Any], dims: Sequence[str], select, coords
) -> dict[str, Any]:
    """A point of a cell-vs-cell contrast: dimension -> coordinate value, validated."""
    if not spec:
        raise ClaimError(f"{where}: name at least one dimension and its value")
    point = {}
    for dim, value in spec.items():
        if dim not in dims:
            raise ClaimError(f"{where}: no dimension {show(dim)}; allowed: {', '.join(dims)}")
        if dim in select:
            raise ClaimError(f"{where}: {dim} is also fixed in 'select'")
        point[dim] = _coordinate(f"{where} {show(dim)}", dim, value, coords)
    return point


def _coordinate(where: str, dim: str, value: Any, coords: Mapping[str, list[Any]]) -> Any:
    """The coordinate value of ``dim`` that ``value`` names (0 and 0.0 are the same value)."""
    values = coords.get(dim, [])
    pos = _find(values, value) if _scalar(value) else None
    if pos is None:
        raise ClaimError(
            f"{where}: {show(value)} is not a value of {dim}; allowed: "
            + ", ".join(format_value(v) for v in values)
        )
    return plain(values[pos])


# --- statistics ------------------------------------------------------------------------------


def _isel(da: xr.DataArray, dim: str, value: Any, where: str) -> xr.DataArray:
    if isinstance(value, tuple):  # a subset: keep the dimension, averaged later
        return xr.concat([_isel(da, dim, v, where) for v in value], dim=dim)
    pos = _find(da[dim].values.tolist(), value)
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
    if claim.kind in ("level", "match"):  # the variable itself, averaged within each seed
        values = _seed_mean(da).values
        if claim.kind == "level":
            values = values - claim.than
        return values, values, notes
    if claim.by is not None:
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
    if claim.kind == "contrast":
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
        diff = (high - low).values
        return diff, diff, notes
    # Trend: a rank correlation within each seed, then the mean over seeds with a bootstrap CI
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


STATISTICS = {
    "contrast": "paired difference a - b ({units})",
    "trend": "Spearman rank correlation",
    "level": "mean minus {than} ({units})",
    "match": "mean ({units}) against {value} ± {tolerance:.0%}",
}


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
