"""Collect a study's cell files into one study dataset, and the numbers read from it.

The study dataset holds per-cell summaries with one dimension per grid axis, then ``seed``,
then the model's own small dimensions (``probe``, ``memory``, ``hippocampus``, ``phase``,
``population``). Bulky per-cell detail (rasters, rate traces, SWR tables) stays in the cell
files. A study of kind ``stdp_window`` (consolidation.model.stdp) has one small dimension instead,
``offset``, and keeps each cell whole (its window and the fitted decays). A study of kind
``working_memory`` keeps each cell but its raster: ``item``, ``burst`` (padded with NaN where a
cell has fewer population spikes) and ``trace_time`` (the union of the cells' sample times).
What each kind keeps of a cell: :mod:`consolidation.results.summary`.

Every cell is checked before it is used (:mod:`consolidation.results.cells`). Runs with runaway
activity or NaN/infinite state are kept but flagged (``flag``) and left out of
:func:`recall_outcome`, the number figures and the report average.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from consolidation.backends import provenance
from consolidation.model.parameters import SPECS
from consolidation.results.summary import (
    FLAGS,
    PER_SEED,
    same,
    stack_seeds,
    summarize_cell,
)
from consolidation.studies.config import format_value, plain_tree


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
        names = _union([[str(s.indexes["phase"][i])] for s in summaries if s.sizes["phase"] > i])
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
    """Stack cells (grid values, seed, cell dataset as
    :func:`consolidation.results.cells.read_cell` returns it) into one dataset with a dim per
    grid axis (:func:`collect_groups`)."""
    groups = [
        (values, stack_seeds([summarize_cell(ds).assign_attrs(ds.attrs)]))
        for values, _, ds in cells
    ]
    return collect_groups(groups, axes, study, config, files)


def collect_groups(
    groups: Sequence[tuple[Mapping[str, Any], xr.Dataset]],
    axes: Mapping[str, Sequence[Any]],
    study: Mapping[str, Any],
    config: Mapping[str, Any] | None = None,
    files: Sequence[str] | None = None,
) -> xr.Dataset:
    """Stack groups (grid values, summaries of some of that grid cell's seeds stacked along
    ``seed``: :func:`consolidation.results.summary.stack_seeds`) into one dataset with a dim
    per grid axis.

    ``config`` (the workflow config) and ``files`` (the cell files, in the order of the
    groups' seeds) go into the provenance attributes.
    """
    axis_names = list(axes)
    stacked, order = _stack([g for _, g in groups])
    index = pd.MultiIndex.from_tuples(
        [
            tuple(_coordinate_value(groups[i][0][a]) for a in axis_names) + (int(seed),)
            for i in order
            for seed in groups[i][1]["seed"].values
        ],
        names=[*axis_names, "seed"],
    )
    stacked = stacked.drop_vars(list(PER_SEED))
    stacked = stacked.assign_coords(xr.Coordinates.from_pandas_multiindex(index, "cell"))
    ds = stacked.unstack("cell")
    order = {a: [_coordinate_value(v) for v in axes[a]] for a in axis_names}
    order["seed"] = sorted({int(seed) for _, g in groups for seed in g["seed"].values})
    ds = ds.reindex(order)
    front = [*axis_names, "seed"]
    ds = ds.transpose(*front, ...)
    for name in axis_names:
        ds[name].attrs.update(axis_attrs(name))
    ds["seed"].attrs.update({"units": "1", "long_name": "random seed of the simulation"})
    for name in [*stacked.data_vars, *set(stacked.coords) - {*axis_names, "seed", "cell"}]:
        ds[name].attrs.update(stacked[name].attrs)
    for name in ("probe", "memory", "hippocampus", "phase", "population"):
        if name in ds.coords:
            ds[name].attrs.setdefault("long_name", _DIM_NAMES[name])
            ds[name].attrs.setdefault("units", "1")
    ds.attrs = study_attrs(study, [g for _, g in groups], config, files)
    return ds


def _stack(groups: Sequence[xr.Dataset]) -> tuple[xr.Dataset, list[int]]:
    """Groups' seeds stacked along ``cell``, and the order of the groups in it.

    Groups whose coordinates agree are stacked as plain arrays: aligning each cell on its own
    costs milliseconds, hours for 100,000 cells. A network cell's phases are relabelled by
    position (:func:`_phase_labels`) and every group is put on the union of probes, so cells
    whose schedules differ line up (NaN where a cell has no such phase).
    """
    alike: dict[tuple, list[int]] = {}
    for i, group in enumerate(groups):
        shape = tuple((n, tuple(index)) for n, index in group.indexes.items() if n != "seed")
        alike.setdefault(shape, []).append(i)
    phases = probes = None
    if "phase" in groups[0].dims:  # network cells: schedules may differ between cells
        phases = _phase_labels(groups)
        probes = _union([list(g.indexes["probe"]) for g in groups])
    stacks = []
    for members in alike.values():
        first = groups[members[0]].drop_vars("seed").rename_dims(seed="cell")
        stack = xr.Dataset(
            {
                name: (
                    var.dims,
                    np.concatenate([groups[i].variables[name].values for i in members]),
                    var.attrs,
                )
                for name, var in first.data_vars.items()
            },
            coords={name: first.variables[name] for name in first.coords},
        )
        if phases is not None:
            n = first.sizes["phase"]
            stack = stack.assign_coords(phase=phases[:n]).reindex(phase=phases, probe=probes)
        stacks.append(stack)
    stacked = xr.concat(stacks, dim="cell", join="outer", combine_attrs="drop")
    relabelled = {"phase"} if phases is not None else set()
    for name in [*stacked.data_vars, *stacked.coords]:
        if name in groups[0].variables and name not in relabelled:
            stacked[name].attrs = dict(groups[0][name].attrs)
    return stacked, [i for members in alike.values() for i in members]


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
    groups: Sequence[xr.Dataset],
    config: Mapping[str, Any] | None = None,
    files: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Study, grid, shared parameters and full provenance: config, versions, code, hosts, times
    (``groups`` as :func:`collect_groups` takes them)."""
    import yaml

    per_seed = {
        name: np.concatenate([g[name].values for g in groups]) for name in [*PER_SEED, "seed"]
    }
    flags = np.concatenate([g["flag"].values for g in groups])
    count = len(flags)
    attrs: dict[str, Any] = {
        "title": f"study {study['name']}",
        "study": study["name"],
        "description": study.get("description", ""),
        "grid": json.dumps(study["grid"]),
        "fixed": json.dumps(study["fixed"]),
        "seeds": json.dumps(study["seeds"]),
        "study_kind": study.get("kind", "network"),
        "cell_count": count,
    }
    first = groups[0].attrs
    for key, value in first.items():
        shared = all(same(g.attrs.get(key), value) for g in groups)
        if key.startswith(("param.", "version_")) and shared:
            attrs[key] = value
    attrs["code_revision"] = ",".join(sorted(set(per_seed["code_revision"].tolist())))
    attrs["code_dirty"] = int(per_seed["code_dirty"].any())
    attrs["host"] = ",".join(sorted(set(per_seed["host"].tolist())))
    attrs["wall_time_s"] = float(per_seed["wall_time_s"].sum())
    # one record per cell: which file, where and by which code it ran, how long it took
    names = list(files) if files is not None else [str(i) for i in range(count)]
    records = zip(names, *(per_seed[n].tolist() for n in ["seed", *PER_SEED]), strict=True)
    attrs["cells"] = json.dumps(
        [dict(zip(["file", "seed", *PER_SEED], record, strict=True)) for record in records]
    )
    flagged = [
        f"{name} ({', '.join(k for k, bit in FLAGS.items() if flag & bit)})"
        for name, flag in zip(names, flags.tolist(), strict=True)
        if flag
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
    attrs["history"] = provenance.history(f"collect {count} cells")
    return attrs


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
