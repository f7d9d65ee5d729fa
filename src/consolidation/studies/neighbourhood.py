"""A neighbourhood of the model around its tuned point, so a claim can be seen to hold beyond it.

The config's ``neighbourhood`` key (config/robustness.yaml) turns each chosen network study into
copies ``<study>-n01``, ``<study>-n02``, ...: the same grid, seeds and claims, with the
parameters of :data:`PARAMETERS` set to one point of a Latin hypercube (scipy's ``qmc``) of
± ``spread`` around the study's own value (its ``fixed``, else the config's, else the model's
default). A parameter that is an axis of the study's grid keeps its grid values. All of them are
run-time values of the compiled program, so the copies share the original's programs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.stats import qmc

from consolidation.model.parameters import SPECS, flatten
from consolidation.studies.config import ConfigError, show

# The parameters that matter most, one or two per part of the model: cells, background drive,
# inhibition, learning rates, the hippocampus->cortex pathway, the sleep gain on cortical
# learning, adaptation (which rotates replay) and the ripples' drive. Each is varied by a factor,
# so none may be 0 or a potential (a threshold's 20% would be 10 mV).
PARAMETERS = (
    "cell.tau_e",
    "cell.bg_weight",
    "cortex.w_ee",
    "cortex.w_ie",
    "cortex.eta",
    "hippocampus.w_ie",
    "hippocampus.adaptation",
    "projection.w_hc_max",
    "neuromod.ach_cortical_gain",
    "sleep.swr_excitability",
)

COPY_NAME = re.compile(r"(?P<study>.+)-n(?P<point>\d{2,})")


def copy_name(study: str, point: int) -> str:
    return f"{study}-n{point:02d}"


def original_of(name: str) -> str | None:
    """The study a neighbourhood copy was made from (None for any other study name)."""
    m = COPY_NAME.fullmatch(name)
    return m["study"] if m else None


def with_neighbourhood(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with its ``neighbourhood`` studies added after the others (unchanged if none)."""
    for name in config.get("studies") or {}:
        if isinstance(name, str) and original_of(name) is not None:
            raise ConfigError(
                f"study {show(name)}: names ending in -n and a number are the neighbourhood's "
                "copies (the report shows them only in its robustness section); rename it"
            )
    spec = config.get("neighbourhood")
    if not spec:
        return dict(config)
    names = list(spec.get("parameters", PARAMETERS))
    for name in names:
        if name not in SPECS or SPECS[name].kind is not float:
            raise ConfigError(
                f"config 'neighbourhood' 'parameters': {show(name)} is not a numeric model "
                "parameter"
            )
    studies = dict(config["studies"])
    chosen = spec.get("studies") or [
        n for n, s in studies.items() if s.get("kind", "network") == "network"
    ]
    factors = scaled_points(spec["points"], len(names), spec["spread"], spec["seed"])
    shared = flatten(config.get("fixed") or {})
    for study in chosen:
        if study not in studies:
            raise ConfigError(
                f"config 'neighbourhood' 'studies': no study named {show(study)}; studies: "
                + ", ".join(studies)
            )
        studies.update(copies(study, studies[study], names, factors, shared))
    return {**config, "studies": studies}


def scaled_points(points: int, dims: int, spread: float, seed: int) -> np.ndarray:
    """(points, dims) factors in [1 - spread, 1 + spread]: a Latin hypercube, each dimension's
    range cut into `points` equal strata with one point in each."""
    unit = qmc.LatinHypercube(d=dims, seed=np.random.default_rng(seed)).random(points)
    return 1 - spread + 2 * spread * unit


def copies(
    study: str,
    spec: Mapping[str, Any],
    names: list[str],
    factors: np.ndarray,
    shared: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """One copy of the study per row of `factors` (named <study>-n01, ...), without figures."""
    own = flatten(spec.get("fixed") or {})
    grid = flatten(spec.get("grid") or {})
    varied = [n for n in names if n not in grid]
    out = {}
    for k, row in enumerate(factors, start=1):
        point = {}
        for name, factor in zip(names, row, strict=True):
            if name in varied:
                centre = own.get(name, shared.get(name, SPECS[name].default))
                if not isinstance(centre, int | float) or isinstance(centre, bool) or not centre:
                    raise ConfigError(
                        f"study {show(study)} 'fixed' {name!r}: the neighbourhood varies a "
                        f"plain nonzero number by a factor, not {show(centre)}"
                    )
                point[name] = within_bounds(name, float(f"{centre * factor:.4g}"))
        out[copy_name(study, k)] = {**spec, "fixed": {**own, **point}, "figures": []}
    return out


def within_bounds(name: str, value: float) -> float:
    """`value` moved into the parameter's allowed range (a fraction stays at most 1)."""
    spec = SPECS[name]
    if spec.high is not None:
        value = min(value, spec.high)
    if spec.low is not None:
        value = max(value, spec.low)
    return value
