"""Collect a study's cell files into one study dataset, and the numbers read from it.

The study dataset holds per-cell summaries with one dimension per grid axis, then ``seed``,
then the model's own small dimensions (``probe``, ``memory``, ``hippocampus``, ``phase``,
``population``). Bulky per-cell detail (rasters, rate traces, SWR tables) stays in the cell
files. A study of kind ``stdp_window`` (consolidation.model.stdp) has one small dimension instead,
``offset``, and keeps each cell whole (its window and the fitted decays). A study of kind
``working_memory`` keeps each cell but its raster: ``item``, ``burst`` (padded with NaN where a
cell has fewer population spikes) and ``trace_time`` (the union of the cells' sample times).
What each kind keeps of a cell: :mod:`consolidation.results.summary`.

Every cell file is checked before it is used (:func:`read_cell`): it must open, hold the
summary variables, and record the seed and parameters its path and the config give it; the
study's other parameters must agree across cells. Otherwise :class:`CellFileError` names the
file and what is wrong. Runs with runaway activity or NaN/infinite state are kept but flagged
(``flag``) and left out of :func:`recall_outcome`, the number figures and the report average.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from consolidation.backends import provenance
from consolidation.model.parameters import SPECS, Parameters
from consolidation.results.io import read_netcdf
from consolidation.results.summary import FLAGS, REQUIRED, run_flags, summarize_cell
from consolidation.studies.config import format_value, plain, plain_tree
from consolidation.studies.grid import CELL_KEY

CELL_ATTRS = ("code_revision", "host", "Conventions")
# A dimension of a cell file whose length a parameter gives: (dimension, parameter, what).
COUNTED = {
    "network": (("memory", "memory.count", "memories"),),
    "working_memory": (("item", "working_memory.items", "items"),),
}


class CellFileError(ValueError):
    """A cell file is unreadable, incomplete or belongs to other parameters; names the file."""


def _fail(path: str | Path, what: str) -> CellFileError:
    return CellFileError(
        f"cell file {path}: {what}. Delete it (snakemake then re-runs that cell) or fix the config."
    )


def read_cell(
    path: str | Path,
    values: Mapping[str, Any],
    seed: int,
    study: Mapping[str, Any],
) -> xr.Dataset:
    """Open one cell file, check it belongs where it lies (else CellFileError), and return its
    summary (:func:`summarize_cell`) with the cell's attributes."""
    try:
        ds = read_netcdf(path)
    except Exception as err:  # truncated, not netCDF, unreadable: all mean "not a result"
        reason = " ".join(str(err).split())[:200]
        raise _fail(path, f"cannot be read as netCDF ({type(err).__name__}: {reason})") from None
    kind = study.get("kind", "network")
    made_by = ds.attrs.get("study_kind", "network")
    if made_by != kind:
        raise _fail(path, f"was made by a {made_by} simulation, its study is of kind {kind}")
    required, dims = REQUIRED[kind]
    missing = [v for v in required if v not in ds.data_vars]
    missing += [f"dimension {d}" for d in dims if d not in ds.dims]
    if missing:
        raise _fail(path, "incomplete, missing " + ", ".join(missing))
    recorded_seed = ds.attrs.get("seed")
    if recorded_seed is None or int(recorded_seed) != int(seed):
        raise _fail(path, f"records seed {recorded_seed}, its path says seed {seed}")
    overrides = {**study.get("fixed", {}), **values}
    expected = Parameters.from_overrides(overrides).flat()
    for key in sorted(overrides):
        got = ds.attrs.get(f"param.{key}")
        if got is None:
            raise _fail(path, f"records no value for parameter {key}")
        if not _same(plain(got), expected[key]):
            raise _fail(
                path,
                f"was simulated with {key} = {plain(got)!r}, its grid cell has {expected[key]!r}",
            )
    recorded, folder = ds.attrs.get("cell"), Path(path).parent.name
    if recorded is not None and re.fullmatch(CELL_KEY, folder) and recorded != folder:
        raise _fail(path, f"was made for cell {recorded}, it lies in the folder of cell {folder}")
    for dim, key, what in COUNTED.get(kind, ()):
        if ds.sizes[dim] != int(expected[key]):
            raise _fail(path, f"has {ds.sizes[dim]} {what}, {key} is {expected[key]}")
    return summarize_cell(ds).assign_attrs(ds.attrs)


def check_shared_parameters(
    files: Sequence[str | Path], datasets: Sequence[xr.Dataset], axes: Sequence[str]
) -> None:
    """Every parameter that is not a grid axis must be the same in every cell of a study."""
    if not datasets:
        return
    first = datasets[0].attrs
    keys = {k for d in datasets for k in d.attrs if k.startswith("param.")}
    for key in sorted(keys):
        if key.removeprefix("param.") in axes:
            continue
        for path, ds in zip(files, datasets, strict=True):
            if not _same(plain(ds.attrs.get(key)), plain(first.get(key))):
                raise _fail(
                    path,
                    f"has {key.removeprefix('param.')} = {plain(ds.attrs.get(key))!r} but "
                    f"{files[0]} has {plain(first.get(key))!r} (cells of one study must share "
                    "every parameter that is not a grid axis; were they made by other code?)",
                )


def _union(labels: Sequence[Sequence[Any]]) -> list[Any]:
    """Union of label lists, keeping first-seen order."""
    seen: dict[Any, None] = {}
    for group in labels:
        for label in group:
            seen.setdefault(label, None)
    return list(seen)


def _phase_labels(summaries: Sequence[xr.Dataset]) -> list[str]:
    """One label per phase position; positions whose kind differs read e.g. '2:sleep|wake'."""
    n = max(s.sizes.get("phase", 0) for s in summaries)
    labels = []
    for i in range(n):
        names = _union([[str(s["phase"].values[i])] for s in summaries if s.sizes["phase"] > i])
        prefix = f"{i}:"
        kinds = [name.removeprefix(prefix) for name in names]
        labels.append(prefix + "|".join(kinds))
    return labels


def axis_attrs(name: str) -> dict[str, str]:
    spec = SPECS[name]
    return {"units": spec.unit or "1", "long_name": spec.doc}


def collect_study(
    cells: Sequence[tuple[Mapping[str, Any], int, xr.Dataset]],
    axes: Mapping[str, Sequence[Any]],
    study: Mapping[str, Any],
    config: Mapping[str, Any] | None = None,
    files: Sequence[str] | None = None,
) -> xr.Dataset:
    """Stack cells (grid values, seed, cell dataset) into one dataset with a dim per grid axis.

    ``config`` (the workflow config) and ``files`` (the cell files, in order) go into the
    provenance attributes.
    """
    axis_names = list(axes)
    summaries = [summarize_cell(ds) for _, _, ds in cells]
    relabelled = summaries
    if "phase" in summaries[0].dims:  # network cells: schedules may differ between cells
        phases = _phase_labels(summaries)
        probes = _union([list(s["probe"].values) for s in summaries])
        relabelled = []
        for summary in summaries:
            n = summary.sizes["phase"]
            summary = summary.assign_coords(phase=phases[:n]).reindex(phase=phases, probe=probes)
            relabelled.append(summary)
    index = pd.MultiIndex.from_tuples(
        [
            tuple(_coordinate_value(values[a]) for a in axis_names) + (seed,)
            for values, seed, _ in cells
        ],
        names=[*axis_names, "seed"],
    )
    stacked = xr.concat(relabelled, dim="cell", join="outer", combine_attrs="drop")
    stacked = stacked.assign_coords(xr.Coordinates.from_pandas_multiindex(index, "cell"))
    ds = stacked.unstack("cell")
    order = {a: [_coordinate_value(v) for v in axes[a]] for a in axis_names}
    order["seed"] = sorted({seed for _, seed, _ in cells})
    ds = ds.reindex(order)
    front = [*axis_names, "seed"]
    ds = ds.transpose(*front, ...)
    for name in axis_names:
        ds[name].attrs.update(axis_attrs(name))
    ds["seed"].attrs.update({"units": "1", "long_name": "random seed of the simulation"})
    for name, var in relabelled[0].data_vars.items():
        ds[name].attrs = dict(var.attrs)
    for name in set(relabelled[0].coords) - {*axis_names, "seed"}:
        ds[name].attrs.update(relabelled[0][name].attrs)
    for name in ("probe", "memory", "hippocampus", "phase", "population"):
        if name in ds.coords:
            ds[name].attrs.setdefault("long_name", _DIM_NAMES[name])
            ds[name].attrs.setdefault("units", "1")
    ds.attrs = study_attrs(study, [c[2] for c in cells], config, files)
    return ds


_DIM_NAMES = {
    "probe": "test phase (recall probe) label",
    "memory": "memory index",
    "hippocampus": "hippocampus at test: intact or lesioned",
    "phase": "schedule phase (position:kind)",
    "population": "neuron population",
}


def _coordinate_value(value: Any) -> Any:
    """Grid values as coordinate labels: lists become their path text ('0,2' or 'none')."""
    if isinstance(value, list | tuple):
        return format_value(list(value))
    return value


def study_attrs(
    study: Mapping[str, Any],
    datasets: Sequence[xr.Dataset],
    config: Mapping[str, Any] | None = None,
    files: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Study, grid, shared parameters and full provenance: config, versions, code, hosts, times."""
    import yaml

    attrs: dict[str, Any] = {
        "title": f"study {study['name']}",
        "study": study["name"],
        "description": study.get("description", ""),
        "grid": json.dumps(study["grid"]),
        "fixed": json.dumps(study["fixed"]),
        "seeds": json.dumps(study["seeds"]),
        "study_kind": study.get("kind", "network"),
        "cell_count": len(datasets),
    }
    first = datasets[0].attrs
    for key, value in first.items():
        shared = all(_same(d.attrs.get(key), value) for d in datasets)
        if key.startswith(("param.", "version_")) and shared:
            attrs[key] = value
    attrs["code_revision"] = ",".join(sorted({str(d.attrs.get("code_revision")) for d in datasets}))
    attrs["code_dirty"] = int(any(int(d.attrs.get("code_dirty", 0)) for d in datasets))
    attrs["host"] = ",".join(sorted({str(d.attrs.get("host")) for d in datasets}))
    attrs["wall_time_s"] = float(sum(float(d.attrs.get("wall_time_s", 0.0)) for d in datasets))
    # one record per cell: which file, where and by which code it ran, how long it took
    names = list(files) if files is not None else [str(i) for i in range(len(datasets))]
    attrs["cells"] = json.dumps(
        [
            {
                "file": str(name),
                "seed": int(d.attrs.get("seed", -1)),
                "wall_time_s": float(d.attrs.get("wall_time_s", np.nan)),
                "host": str(d.attrs.get("host")),
                "code_revision": str(d.attrs.get("code_revision")),
                "code_dirty": int(d.attrs.get("code_dirty", 0)),
            }
            for name, d in zip(names, datasets, strict=True)
        ]
    )
    flagged = [
        f"{name} ({', '.join(k for k, bit in FLAGS.items() if run_flags(d) & bit)})"
        for name, d in zip(names, datasets, strict=True)
        if run_flags(d)
    ]
    attrs["flagged_runs"] = json.dumps(flagged)
    rev, dirty = provenance.code_revision()
    attrs["collect_code_revision"] = rev
    attrs["collect_code_dirty"] = int(dirty)
    attrs.update(provenance.versions())
    if config is not None:
        text = yaml.safe_dump(plain_tree(config), sort_keys=False)
        attrs["config_yaml"] = text
        attrs["config_sha256"] = hashlib.sha256(text.encode()).hexdigest()
    attrs["Conventions"] = provenance.CONVENTIONS
    attrs["history"] = provenance.history(f"collect {len(datasets)} cells")
    return attrs


def _same(a: Any, b: Any) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None else b is None


# --- numbers read from a study dataset ------------------------------------------------------


def recall_outcome(ds: xr.Dataset, hippocampus: str = "lesioned") -> xr.DataArray:
    """Recall at the last probe averaged over memories, per grid cell and seed (Hz).

    With the hippocampus lesioned at test this is what the cortex recalls on its own: the
    consolidation outcome. Flagged runs (runaway activity, NaN or infinite state) are NaN here,
    so no average includes them; :func:`flagged_runs` lists them.
    """
    recall = ds["recall"].sel(hippocampus=hippocampus).isel(probe=-1).mean("memory")
    if "flag" in ds:
        recall = recall.where(ds["flag"] == 0)
    label = "lesioned" if hippocampus == "lesioned" else "intact"
    return recall.assign_attrs(
        units="Hz",
        long_name=f"recall at probe '{ds['probe'].values[-1]}', hippocampus {label}",
    )


def flagged_runs(ds: xr.Dataset) -> list[str]:
    """'sleep.disruption=0.5, seed 2: runaway' for every run left out of the averages."""
    if "flag" not in ds:
        return []
    out = []
    flag = ds["flag"]
    for index in zip(*np.nonzero(flag.values), strict=True):
        where = dict(zip(flag.dims, index, strict=True))
        bits = int(flag.values[tuple(index)])
        label = ", ".join(
            f"{d}={ds[d].values[i]}" if d != "seed" else f"seed {ds[d].values[i]}"
            for d, i in where.items()
        )
        out.append(f"{label}: " + ", ".join(k for k, bit in FLAGS.items() if bits & bit))
    return out
