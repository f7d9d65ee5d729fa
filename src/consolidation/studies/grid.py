"""Studies from the workflow config: grid expansion, validation, cell labels and keys.

A study is ``fixed`` overrides plus a ``grid`` (dotted parameter -> list of values, cartesian
product) run for some ``seeds``. Each grid cell gets a Paramspace-style label built only from
its own grid values, with the axes in alphabetical order and one stable value formatting::

    schedule.offline~sleep/sleep.disruption~0.5

and a key, a hash of its study kind and full parameters (:func:`cell_key`), which names its
files: ``results/cells/<kind>/<key>/seed~<n>.nc``. A simulation is stored by what it is, not by
the study that asks for it, so studies sharing a cell, renamed or reordered studies and other
configs read the same file, and adding a value to an axis re-runs nothing that exists.

:func:`load_studies` is the whole check, when the config is loaded: the JSON schema
(``config.schema.yaml`` here), the neighbourhood's copies (:mod:`.neighbourhood`), then every
study and cell (through :meth:`Parameters.from_overrides`); each failure a :class:`ConfigError`
naming the study and the key.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consolidation.model.parameters import SPECS, ParameterError, Parameters, flatten
from consolidation.model.stdp import check_offsets
from consolidation.studies.claims import parse_claims
from consolidation.studies.config import SCHEMA, ConfigError, check, format_value, show
from consolidation.studies.kinds import (
    DEFAULT_FIGURES,
    FIGURE_KINDS,
    GRID_FIGURES,
    KIND_FIGURES,
    STUDY_KINDS,
)
from consolidation.studies.neighbourhood import with_neighbourhood

# A study name is a folder under results/: a letter or digit first (never '.', '..' or an option
# look-alike), no path separators or shell metacharacters, short enough for any file system.
STUDY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
RESERVED_NAMES = {"logs", "benchmarks", "cells", "figures"}  # folders results/ already uses
MAX_SEED = 2**32 - 1  # numpy's and brian2's seed range
# Simulation jobs in one config (cells x seeds over all studies, over the cells one job runs):
# snakemake plans 20,000 single-cell jobs in about 45 s (docs/workflow.md, seed batches).
MAX_JOBS = 20_000
SAFE_VALUE = re.compile(r"[A-Za-z0-9_.+-]+")
# A cell key: the first hex digits of a SHA-256 (64 bits: no collision expected in any config).
CELL_KEY = r"[0-9a-f]{16}"


@dataclass(frozen=True)
class Cell:
    """One grid cell of a study: its grid values, readable label, full parameter overrides,
    key (see :func:`cell_key`) and settings: the parameters it sets to other than their
    defaults, the same for every study that spells the cell differently (the simulate rule's
    params, so that which study asks for a cell never re-runs it)."""

    values: dict[str, Any]
    path: str
    overrides: dict[str, Any]
    key: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class Study:
    """A validated study: what it asks, its fixed overrides, grid axes, seeds and figures."""

    name: str
    description: str
    fixed: dict[str, Any]
    axes: dict[str, list[Any]]
    seeds: list[int]
    figures: list[str]
    kind: str = "network"  # one of STUDY_KINDS
    cells: list[Cell] = field(default_factory=list)
    claims: list[Any] = field(default_factory=list)  # consolidation.studies.claims.Claim, validated

    def cell(self, path: str) -> Cell:
        for cell in self.cells:
            if cell.path == path:
                return cell
        raise KeyError(f"study '{self.name}' has no grid cell '{path}'")

    def cell_files(self, root: str = "results") -> list[str]:
        """Every cell file of the study, grid cells in order, seeds innermost."""
        return [
            cell_file(self.kind, cell.key, seed, root) for cell in self.cells for seed in self.seeds
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
            "kind": self.kind,
        }


def cell_path(values: Mapping[str, Any]) -> str:
    """'a.b~1/c.d~x' from {'c.d': 'x', 'a.b': 1.0}: axes sorted, values formatted once."""
    return "/".join(f"{name}~{format_value(values[name])}" for name in sorted(values))


def cell_key(kind: str, params: Mapping[str, Any]) -> str:
    """The key of a simulation of `kind` with these full (flat) parameters."""
    text = json.dumps([kind, dict(params)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cell_file(kind: str, key: str, seed: int, root: str = "results") -> str:
    return f"{root}/cells/{kind}/{key}/seed~{seed}.nc"


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
        if seeds > MAX_JOBS:
            raise ConfigError(f"{where} 'seeds': {seeds} seeds is more than {MAX_JOBS} jobs")
        return list(range(seeds))
    if isinstance(seeds, list) and seeds:
        if not all(
            isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= MAX_SEED for s in seeds
        ):
            raise ConfigError(
                f"{where} 'seeds': a list must hold integers from 0 to {MAX_SEED}, got "
                + show(seeds)
            )
        if len(set(seeds)) != len(seeds):
            raise ConfigError(f"{where} 'seeds': a seed is listed twice in {show(seeds)}")
        return list(seeds)
    raise ConfigError(
        f"{where} 'seeds': expected a count or a non-empty list of integers, got {show(seeds)}"
    )


def _parameters(where: str, overrides: Mapping[str, Any]) -> Parameters:
    try:
        return Parameters.from_overrides(overrides)
    except ParameterError as err:
        raise ConfigError(f"{where}: {err}") from None
    except (TypeError, ValueError, OverflowError, KeyError, AttributeError) as err:
        # a value the model's checks did not expect (e.g. an integer too large for a float):
        # find the override that causes it, to name it
        culprit = ""
        for key, value in flatten(overrides).items():
            try:
                Parameters.from_overrides({key: value})
            except (TypeError, ValueError, OverflowError, KeyError, AttributeError):
                culprit = f" parameter {show(key)}: {show(value)}"
                break
        raise ConfigError(
            f"{where}:{culprit} cannot be used ({type(err).__name__}: {err})"
        ) from None


def expand_study(name: str, spec: Mapping[str, Any], shared: Mapping[str, Any]) -> Study:
    """Validate one study and expand its grid; ``shared`` are the top-level fixed overrides."""
    where = f"study {show(name)}"
    _check_name(where, name)
    kind = spec.get("kind", "network")
    if kind not in STUDY_KINDS:
        raise ConfigError(
            f"{where} 'kind': {show(kind)} is not a study kind; allowed: " + ", ".join(STUDY_KINDS)
        )
    own = _flat_overrides(f"{where} 'fixed'", spec.get("fixed"))
    fixed = {**shared, **own}
    _parameters(f"{where} 'fixed'", fixed)
    axes = _axes(where, spec.get("grid") or {}, own, fixed)
    cells = _cells(where, axes, fixed, kind)
    figures = _figures(where, spec.get("figures", DEFAULT_FIGURES[kind]), kind)
    description = spec.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{where} 'description': expected text, got {show(description)}")
    study = Study(
        name=name,
        description=description.strip(),
        fixed=fixed,
        axes=axes,
        seeds=_seeds(where, spec.get("seeds", 3)),
        figures=figures,
        kind=kind,
        cells=cells,
        claims=parse_claims(name, spec.get("claims"), axes, [c.overrides for c in cells], kind),
    )
    _check_figures_drawable(where, study)
    return study


def _check_name(where: str, name: str) -> None:
    if not STUDY_NAME.fullmatch(name):
        raise ConfigError(
            f"{where}: a study name is a folder under results/: 1-64 letters, digits, '_' and "
            "'-', starting with a letter or digit (no '/', '.', spaces or shell characters)"
        )
    if name.lower() in RESERVED_NAMES:
        raise ConfigError(
            f"{where}: the name is reserved (results/{name}/ is used by the workflow)"
        )


def _axes(
    where: str, grid: Any, own: Mapping[str, Any], fixed: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Grid axis -> its values, each coerced by the model and checked as a file name part."""
    if not isinstance(grid, Mapping) or not grid:
        raise ConfigError(f"{where} 'grid': expected at least one parameter with a list of values")
    flat_grid = flatten(grid)
    size = math.prod(len(v) if isinstance(v, list) else 1 for v in flat_grid.values())
    if size > MAX_JOBS:
        raise ConfigError(
            f"{where} 'grid': {size} grid cells is more than {MAX_JOBS} jobs; split the study"
        )
    return {
        key: _axis(f"{where} grid {show(key)}", key, values, own, fixed)
        for key, values in flat_grid.items()
    }


def _axis(
    here: str, key: str, values: Any, own: Mapping[str, Any], fixed: Mapping[str, Any]
) -> list[Any]:
    if key not in SPECS:
        _parameters(here, {key: None})  # raises the model's "unknown parameter" message
    if not isinstance(values, list) or not values:
        raise ConfigError(f"{here}: expected a non-empty list of values")
    if key in own:
        raise ConfigError(f"{here}: the parameter is both fixed and a grid axis")
    coerced, labels = [], set()
    for value in values:
        if isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
            raise ConfigError(f"{here}: {show(value)} cannot be a grid value (not scalars)")
        value = _parameters(f"{here} value {show(value)}", {**fixed, key: value})[key]
        label = format_value(value)
        if not SAFE_VALUE.fullmatch(label) or len(label) > 100:
            raise ConfigError(f"{here}: {show(value)} cannot be written in a file name")
        if label in labels:
            raise ConfigError(f"{here}: the value {show(value)} is listed twice")
        labels.add(label)
        coerced.append(value)
    return coerced


def _cells(
    where: str, axes: Mapping[str, list[Any]], fixed: Mapping[str, Any], kind: str
) -> list[Cell]:
    """Every grid cell (the cartesian product of the axes), its parameters validated."""
    cells = []
    for combo in itertools.product(*axes.values()):
        values = dict(zip(axes, combo, strict=True))
        path = cell_path(values)
        overrides = dict(sorted({**fixed, **values}.items()))  # stable params for snakemake
        params = _parameters(f"{where} grid cell '{path}'", overrides)
        if kind == "stdp_window":
            _check_window_cell(where, path, params)
        settings = {k: v for k, v in sorted(params.values.items()) if v != SPECS[k].default}
        cells.append(Cell(values, path, overrides, cell_key(kind, params.flat()), settings))
    return cells


def _figures(where: str, figures: Any, kind: str) -> list[str]:
    if not isinstance(figures, list | tuple):
        raise ConfigError(f"{where} 'figures': expected a list of figure kinds")
    figures = list(figures)
    for figure in figures:
        if isinstance(figure, str) and figure in KIND_FIGURES[kind]:
            continue
        what = (
            f"{figure!r} is not drawn for a study of kind {kind}"
            if isinstance(figure, str) and figure in FIGURE_KINDS
            else f"unknown figure kind {show(figure)}"
        )
        raise ConfigError(f"{where} 'figures': {what}; allowed: " + ", ".join(KIND_FIGURES[kind]))
    if len(set(figures)) != len(figures):
        raise ConfigError(f"{where} 'figures': a figure kind is listed twice")
    return figures


def _check_figures_drawable(where: str, study: Study) -> None:
    """The figures that need a certain grid have it."""
    for figure in (f for f in GRID_FIGURES if f in study.figures):
        if len(study.axes) > 2:
            raise ConfigError(
                f"{where} 'figures': {figure} draws 1-D or 2-D grids, this grid has "
                f"{len(study.axes)} axes"
            )
    if "sleep_raster" in study.figures and study.raster_cell() is None:
        raise ConfigError(
            f"{where} 'figures': sleep_raster needs a grid cell with schedule.offline: sleep"
        )


def _check_window_cell(where: str, path: str, params: Parameters) -> None:
    """The spike-pair protocol of an STDP-window cell (beyond each parameter's own range)."""
    problem = check_offsets(params["stdp.offsets"])
    if problem:
        raise ConfigError(f"{where} grid cell '{path}' parameter 'stdp.offsets': {problem}")


def _cells_per_job(batch: Mapping[str, Any]) -> float:
    """How many cells one simulation job runs, by the config's batch settings."""
    if batch.get("minutes"):
        return max(1.0, 60 * batch["minutes"] // batch["cell_seconds"])
    return batch.get("seeds", 1)


STUDY_FIELDS = {"description", "kind", "fixed", "grid", "seeds", "figures", "claims"}


def load_studies(config: dict[str, Any], schema: str | Path | None = SCHEMA) -> dict[str, Study]:
    """Every study of a workflow config, validated and expanded (in config order).

    The whole check before any job runs: numbers finite, the JSON schema (filling in its
    defaults, as snakemake's ``validate`` does), then every study and grid cell. Raises
    :class:`ConfigError` with one paragraph naming the key.
    """
    check(config, schema)
    return _expand_studies(with_neighbourhood(config))


def _expand_studies(config: Mapping[str, Any]) -> dict[str, Study]:
    studies = config.get("studies")
    if not isinstance(studies, Mapping) or not studies:
        raise ConfigError("config 'studies': expected at least one study")
    shared = _flat_overrides("config 'fixed'", config.get("fixed"))
    _parameters("config 'fixed'", shared)
    out: dict[str, Study] = {}
    folders: dict[str, str] = {}
    batch = config.get("batch") or {}
    # JSON schema's "integer" admits 2.0; the batch rules need an int
    seeds = batch.get("seeds", 1)
    if not isinstance(seeds, int) or isinstance(seeds, bool):
        raise ConfigError(f"config 'batch' 'seeds': expected a whole number, got {show(seeds)}")
    jobs, per_job = 0.0, _cells_per_job(batch)
    for name, spec in studies.items():
        if not isinstance(name, str):
            raise ConfigError(f"study {show(name)}: a study name must be text")
        if not isinstance(spec, Mapping):
            raise ConfigError(f"study {show(name)}: expected a mapping with {sorted(STUDY_FIELDS)}")
        unknown = set(spec) - STUDY_FIELDS
        if unknown:
            raise ConfigError(
                f"study {show(name)}: unknown field(s) {show(sorted(map(str, unknown)))}; "
                "allowed: " + ", ".join(sorted(STUDY_FIELDS))
            )
        if name.lower() in folders:  # one folder on case-insensitive file systems
            raise ConfigError(
                f"study {show(name)}: differs from study {folders[name.lower()]!r} only in case"
            )
        folders[name.lower()] = name
        study = expand_study(name, spec, shared)
        n = len(study.cells) * len(study.seeds)
        jobs += n / per_job
        if jobs > MAX_JOBS:
            raise ConfigError(
                f"study {show(name)} 'grid' x 'seeds': {len(study.cells)} grid cells x "
                f"{len(study.seeds)} seeds = {n} simulations bring the config above "
                f"{MAX_JOBS} simulation jobs; pack them into fewer jobs (batch.minutes) or "
                "split the config"
            )
        out[name] = study
    only = config.get("only") or []
    if not isinstance(only, list):
        raise ConfigError("config 'only': expected a list of study names")
    for name in only:
        if not isinstance(name, str) or name not in out:
            raise ConfigError(
                f"config 'only': no study named {show(name)}; studies: {', '.join(out)}"
            )
    return {k: v for k, v in out.items() if not only or k in only}
