"""Studies from the workflow config: grid expansion, validation and readable cell paths.

A study is ``fixed`` overrides plus a ``grid`` (dotted parameter -> list of values, cartesian
product) run for some ``seeds``. Each grid cell gets a Paramspace-style path built only from its
own grid values, with the axes in alphabetical order and one stable value formatting::

    schedule.offline~sleep/sleep.disruption~0.5

so adding a value to an axis adds cells without renaming (and re-running) existing ones. Every
cell is validated through :meth:`Parameters.from_overrides` when the config is loaded; errors
name the study and the config key.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from consolidation.parameters import SPECS, ParameterError, Parameters, flatten

FIGURE_KINDS = ("main_effect", "sleep_raster", "weight_change")
STUDY_NAME = re.compile(r"[A-Za-z0-9_-]+")
SAFE_VALUE = re.compile(r"[A-Za-z0-9_.+-]+")
# A cell path: one or more "name~value" segments joined by "/".
CELL_PATTERN = r"[^/~]+~[^/~]+(?:/[^/~]+~[^/~]+)*"


class ConfigError(ValueError):
    """The workflow config is invalid; the message names the study and the key."""


@dataclass(frozen=True)
class Cell:
    """One grid cell of a study: its grid values, readable path and full parameter overrides."""

    values: dict[str, Any]
    path: str
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Study:
    """A validated study: what it asks, its fixed overrides, grid axes, seeds and figures."""

    name: str
    description: str
    fixed: dict[str, Any]
    axes: dict[str, list[Any]]
    seeds: list[int]
    figures: list[str]
    cells: list[Cell] = field(default_factory=list)

    def cell(self, path: str) -> Cell:
        for cell in self.cells:
            if cell.path == path:
                return cell
        raise KeyError(f"study '{self.name}' has no grid cell '{path}'")

    def cell_files(self, root: str = "results") -> list[str]:
        """Every cell file of the study, grid cells in order, seeds innermost."""
        return [
            cell_file(self.name, cell.path, seed, root)
            for cell in self.cells
            for seed in self.seeds
        ]

    def raster_cell(self) -> Cell | None:
        """The first cell whose offline phase is sleep (the example for the sleep raster)."""
        for cell in self.cells:
            if Parameters.from_overrides(cell.overrides)["schedule.offline"] == "sleep":
                return cell
        return None

    def summary(self) -> dict[str, Any]:
        """A plain, YAML/JSON-able description (for rule params and dataset attrs)."""
        return {
            "name": self.name,
            "description": self.description,
            "fixed": self.fixed,
            "grid": self.axes,
            "seeds": self.seeds,
            "figures": self.figures,
        }


def format_value(value: Any) -> str:
    """One stable text form per value: 0.5 -> '0.5', 2.0 -> '2', True -> 'true', [0, 2] -> '0,2'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return np.format_float_positional(float(value), unique=True, trim="-")
    if isinstance(value, list | tuple):
        return ",".join(format_value(v) for v in value) if value else "none"
    return str(value)


def cell_path(values: Mapping[str, Any]) -> str:
    """'a.b~1/c.d~x' from {'c.d': 'x', 'a.b': 1.0}: axes sorted, values formatted once."""
    return "/".join(f"{name}~{format_value(values[name])}" for name in sorted(values))


def cell_file(study: str, path: str, seed: int, root: str = "results") -> str:
    return f"{root}/{study}/cells/{path}/seed~{seed}.nc"


def _flat_overrides(where: str, tree: Any) -> dict[str, Any]:
    if tree is None:
        return {}
    if not isinstance(tree, Mapping):
        raise ConfigError(f"{where}: expected a mapping of parameter overrides, got {tree!r}")
    return flatten(tree)


def _seeds(where: str, seeds: Any) -> list[int]:
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ConfigError(f"{where} 'seeds': a count must be at least 1, got {seeds}")
        return list(range(seeds))
    if isinstance(seeds, list) and seeds:
        if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds):
            raise ConfigError(f"{where} 'seeds': a list must hold non-negative integers")
        if len(set(seeds)) != len(seeds):
            raise ConfigError(f"{where} 'seeds': a seed is listed twice in {seeds}")
        return list(seeds)
    raise ConfigError(f"{where} 'seeds': expected a count or a non-empty list of integers")


def _parameters(where: str, overrides: Mapping[str, Any]) -> Parameters:
    try:
        return Parameters.from_overrides(overrides)
    except ParameterError as err:
        raise ConfigError(f"{where}: {err}") from None


def expand_study(name: str, spec: Mapping[str, Any], shared: Mapping[str, Any]) -> Study:
    """Validate one study and expand its grid; ``shared`` are the top-level fixed overrides."""
    where = f"study '{name}'"
    if not STUDY_NAME.fullmatch(name):
        raise ConfigError(f"{where}: a study name may only hold letters, digits, '_' and '-'")
    own = _flat_overrides(f"{where} 'fixed'", spec.get("fixed"))
    fixed = {**shared, **own}
    _parameters(f"{where} 'fixed'", fixed)
    grid = spec.get("grid") or {}
    if not isinstance(grid, Mapping) or not grid:
        raise ConfigError(f"{where} 'grid': expected at least one parameter with a list of values")
    axes: dict[str, list[Any]] = {}
    for key, values in flatten(grid).items():
        here = f"{where} grid '{key}'"
        if key not in SPECS:
            _parameters(here, {key: None})  # raises the model's "unknown parameter" message
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{here}: expected a non-empty list of values")
        if key in own:
            raise ConfigError(f"{here}: the parameter is both fixed and a grid axis")
        coerced, labels = [], set()
        for value in values:
            if isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
                raise ConfigError(f"{here}: {value!r} cannot be a grid value (not scalars)")
            value = _parameters(f"{here} value {value!r}", {**fixed, key: value})[key]
            label = format_value(value)
            if not SAFE_VALUE.fullmatch(label):
                raise ConfigError(f"{here}: {value!r} cannot be written in a file name")
            if label in labels:
                raise ConfigError(f"{here}: the value {value!r} is listed twice")
            labels.add(label)
            coerced.append(value)
        axes[key] = coerced
    cells = []
    for combo in itertools.product(*axes.values()):
        values = dict(zip(axes, combo, strict=True))
        path = cell_path(values)
        overrides = dict(sorted({**fixed, **values}.items()))  # stable params for snakemake
        _parameters(f"{where} grid cell '{path}'", overrides)
        cells.append(Cell(values, path, overrides))
    figures = list(spec.get("figures", FIGURE_KINDS))
    for kind in figures:
        if kind not in FIGURE_KINDS:
            raise ConfigError(
                f"{where} 'figures': unknown figure kind {kind!r}; allowed: "
                + ", ".join(FIGURE_KINDS)
            )
    study = Study(
        name=name,
        description=str(spec.get("description", "")).strip(),
        fixed=fixed,
        axes=axes,
        seeds=_seeds(where, spec.get("seeds", 3)),
        figures=figures,
        cells=cells,
    )
    if "main_effect" in figures and len(axes) > 2:
        raise ConfigError(
            f"{where} 'figures': main_effect draws 1-D or 2-D grids, this grid has {len(axes)} axes"
        )
    if "sleep_raster" in figures and study.raster_cell() is None:
        raise ConfigError(
            f"{where} 'figures': sleep_raster needs a grid cell with schedule.offline: sleep"
        )
    return study


STUDY_FIELDS = {"description", "fixed", "grid", "seeds", "figures"}


def load_studies(config: Mapping[str, Any]) -> dict[str, Study]:
    """Every study of a workflow config, validated and expanded (in config order)."""
    studies = config.get("studies")
    if not isinstance(studies, Mapping) or not studies:
        raise ConfigError("config 'studies': expected at least one study")
    shared = _flat_overrides("config 'fixed'", config.get("fixed"))
    _parameters("config 'fixed'", shared)
    out = {}
    for name, spec in studies.items():
        if not isinstance(spec, Mapping):
            raise ConfigError(f"study '{name}': expected a mapping with {sorted(STUDY_FIELDS)}")
        unknown = set(spec) - STUDY_FIELDS
        if unknown:
            raise ConfigError(
                f"study '{name}': unknown field(s) {sorted(unknown)}; allowed: "
                + ", ".join(sorted(STUDY_FIELDS))
            )
        out[str(name)] = expand_study(str(name), spec, shared)
    only = config.get("only") or []
    for name in only:
        if name not in out:
            raise ConfigError(f"config 'only': no study named {name!r}; studies: {', '.join(out)}")
    return {k: v for k, v in out.items() if not only or k in only}
