"""Collect a study's cell files into one study dataset, and the numbers read from it.

The study dataset holds per-cell summaries with one dimension per grid axis, then ``seed``,
then the model's own small dimensions (``probe``, ``memory``, ``hippocampus``, ``phase``,
``population``). Bulky per-cell detail (rasters, rate traces, SWR tables) stays in the cell
files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from consolidation.parameters import SPECS

SUMMARY_DIMS = {"probe", "memory", "hippocampus", "phase", "population"}
CELL_ATTRS = ("code_revision", "host", "Conventions")


def summarize_cell(ds: xr.Dataset) -> xr.Dataset:
    """The summary variables of one cell (dims within SUMMARY_DIMS) plus SWR and timing counts."""
    keep = [name for name, var in ds.data_vars.items() if set(var.dims) <= SUMMARY_DIMS]
    out = ds[keep].drop_attrs(deep=False)
    n_swr = ds.sizes.get("swr", 0)
    disrupted = ds["swr_disrupted"].values.astype(bool) if n_swr else np.zeros(0, bool)
    extra = {
        "swr_count": ((), n_swr, "1", "sharp-wave ripples in the run"),
        "swr_disrupted_fraction": (
            (),
            float(disrupted.mean()) if n_swr else np.nan,
            "1",
            "fraction of ripples cut short by disruption",
        ),
        "up_state_count": ((), ds.sizes.get("up_state", 0), "1", "slow-oscillation up states"),
        "wall_time": ((), float(ds.attrs.get("wall_time_s", np.nan)), "s", "simulation wall time"),
    }
    for name, (dims, value, units, long_name) in extra.items():
        out[name] = xr.Variable(dims, value, {"units": units, "long_name": long_name})
    if "runaway" in out:
        out["runaway"] = out["runaway"].astype("int8").assign_attrs(out["runaway"].attrs)
    return out


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
) -> xr.Dataset:
    """Stack cells (grid values, seed, cell dataset) into one dataset with a dim per grid axis."""
    axis_names = list(axes)
    summaries = [summarize_cell(ds) for _, _, ds in cells]
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
    for name in ("probe", "memory", "hippocampus", "phase", "population"):
        if name in ds.coords:
            ds[name].attrs.setdefault("long_name", _DIM_NAMES[name])
            ds[name].attrs.setdefault("units", "1")
    ds.attrs = study_attrs(study, [c[2] for c in cells])
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
        from consolidation.grid import format_value

        return format_value(list(value))
    return value


def study_attrs(study: Mapping[str, Any], datasets: Sequence[xr.Dataset]) -> dict[str, Any]:
    """Study description and grid, parameters shared by every cell, versions and revisions."""
    attrs: dict[str, Any] = {
        "title": f"study {study['name']}",
        "study": study["name"],
        "description": study.get("description", ""),
        "grid": json.dumps(study["grid"]),
        "fixed": json.dumps(study["fixed"]),
        "seeds": json.dumps(study["seeds"]),
        "cell_count": len(datasets),
    }
    first = datasets[0].attrs
    for key, value in first.items():
        shared = all(_same(d.attrs.get(key), value) for d in datasets)
        if key.startswith(("param.", "version_")) and shared:
            attrs[key] = value
    attrs["code_revision"] = ",".join(sorted({str(d.attrs.get("code_revision")) for d in datasets}))
    attrs["code_dirty"] = int(any(int(d.attrs.get("code_dirty", 0)) for d in datasets))
    attrs["wall_time_s"] = float(sum(float(d.attrs.get("wall_time_s", 0.0)) for d in datasets))
    attrs["Conventions"] = "CF-1.10"
    return attrs


def _same(a: Any, b: Any) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None else b is None


# --- numbers read from a study dataset ------------------------------------------------------


def recall_outcome(ds: xr.Dataset, hippocampus: str = "lesioned") -> xr.DataArray:
    """Recall at the last probe averaged over memories, per grid cell and seed (Hz).

    With the hippocampus lesioned at test this is what the cortex recalls on its own: the
    consolidation outcome.
    """
    recall = ds["recall"].sel(hippocampus=hippocampus).isel(probe=-1).mean("memory")
    label = "lesioned" if hippocampus == "lesioned" else "intact"
    return recall.assign_attrs(
        units="Hz",
        long_name=f"recall at probe '{ds['probe'].values[-1]}', hippocampus {label}",
    )
