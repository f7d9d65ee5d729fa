"""What collect keeps of one cell file, by study kind, and why a run is left out of averages.

A network cell keeps its variables whose dimensions are all
:data:`consolidation.model.variables.SUMMARY_DIMS`, plus counts of its ripples, disruptions and
up states; an STDP-window cell is a summary already; a working-memory cell keeps everything but
its raster (the ``spike`` dimension), with its ``burst`` dimension numbered so that cells with
different numbers of population spikes line up (and pad with NaN) when collected.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from consolidation.model import variables
from consolidation.model.variables import SUMMARY_DIMS

# What collect needs from a cell file of each kind: (variables, dimensions).
REQUIRED = {
    "network": (
        (
            "recall",
            "memory_age",
            "replay_count",
            "weight_within",
            "weight_between",
            "phase_start",
            "phase_end",
            "phase_rate",
            "max_population_rate",
            "runaway",
        ),
        ("probe", "memory", "hippocampus", "phase", "population"),
    ),
    "stdp_window": (tuple(variables.WINDOW), tuple(variables.WINDOW_COORDINATES)),
    "working_memory": (
        tuple(variables.WORKING_MEMORY),
        tuple(variables.WORKING_MEMORY_COORDINATES),
    ),
}
# Bits of the study dataset's ``flag`` variable: why a run is left out of averages.
FLAGS = {"runaway": 1, "non_finite": 2}
# The variable whose NaN or infinite values flag a run, by what the cell holds (its kind).
SCORES = ("recall", "dw", "facilitation")
BURST = variables.Variable(
    "burst", ("burst",), "1", "population spike of the item, in time order (NaN: fewer)"
)


def run_flags(ds: xr.Dataset) -> int:
    """The FLAGS bits of one cell: runaway activity, NaN or infinite state or scores (recall;
    a window's weight changes; working memory's facilitation)."""
    flag = 0
    if "runaway" in ds and bool(ds["runaway"].values):
        flag |= FLAGS["runaway"]
    non_finite = bool(ds["non_finite"].values) if "non_finite" in ds else False
    scores = ds[next(name for name in SCORES if name in ds)]
    if non_finite or not np.isfinite(scores.values).all():
        flag |= FLAGS["non_finite"]
    return flag


def _flag_variable(ds: xr.Dataset) -> xr.Variable:
    return xr.Variable(
        (),
        np.int8(run_flags(ds)),
        {
            "units": "1",
            "long_name": "why the run is left out of averages (0: kept)",
            "flag_masks": np.array(list(FLAGS.values()), dtype="int8"),
            "flag_meanings": " ".join(FLAGS),
        },
    )


def summarize_cell(ds: xr.Dataset) -> xr.Dataset:
    """The summary variables of one cell (by its kind, see the module) and its ``flag``.

    A summary passes through unchanged, so collect can summarise each cell as it reads it and
    hold only summaries (a cell file is mostly spikes, rates and ripples it does not keep).
    """
    summary_of = ("swr_count", "dw", "held_count")
    if "flag" in ds.data_vars and any(name in ds.data_vars for name in summary_of):
        return ds
    if "dw" in ds.data_vars:  # an STDP-window cell is a summary already
        out = ds.drop_attrs(deep=False)
        out["flag"] = _flag_variable(ds)
        return out
    if "held_count" in ds.data_vars:
        out = ds[list(variables.study_variables("working_memory"))].drop_attrs(deep=False)
        out = out.assign_coords(burst=BURST(np.arange(ds.sizes["burst"])))
        out["flag"] = _flag_variable(ds)
        return out
    keep = [name for name, var in ds.data_vars.items() if set(var.dims) <= SUMMARY_DIMS]
    out = ds[keep].drop_attrs(deep=False)
    counts = {
        "swr_count": ds.sizes.get("swr", 0),
        "disruption_count": int(ds["detection_disrupted"].sum()),
        "up_state_count": ds.sizes.get("up_state", 0),
    }
    for name, row in variables.COLLECTED.items():
        out[name] = row(counts[name])
    for name in ("runaway", "non_finite"):
        if name in out:
            out[name] = out[name].astype("int8").assign_attrs(out[name].attrs)
    out["flag"] = _flag_variable(ds)
    return out


# --- the summaries of a batch, in one file ----------------------------------------------------

# Attributes of a cell file that differ between seeds and that collect keeps: variables along
# ``seed`` once the seeds of a cell are stacked (:func:`stack_seeds`).
PER_SEED = {
    "wall_time_s": (np.float64, np.nan, "s", "wall time of the simulation"),
    "host": (str, "None", "1", "host the simulation ran on"),
    "code_revision": (str, "None", "1", "git revision of the code that simulated it"),
    "code_dirty": (np.int8, 0, "1", "1 if that code had uncommitted changes"),
}


def same(a, b) -> bool:
    """Two attribute values are equal (arrays element by element)."""
    if type(a) is type(b) and isinstance(a, str | int | float | np.generic):
        return bool(a == b)  # the common case, once per attribute and cell: no arrays
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None else b is None


def shared_attrs(datasets: list[xr.Dataset]) -> dict:
    """The attributes of the first dataset that every other one has with the same value."""
    first, rest = datasets[0], datasets[1:]
    return {
        key: value
        for key, value in first.attrs.items()
        if all(same(ds.attrs.get(key), value) for ds in rest)
    }


def stack_seeds(summaries: list[xr.Dataset]) -> xr.Dataset:
    """Summaries of seeds of one cell (each :func:`summarize_cell` with its cell file's
    attributes) along ``seed``: their provenance (:data:`PER_SEED`) becomes variables, and the
    attributes all seeds share stay attributes."""
    first = summaries[0]
    seeds = [int(np.ravel(s.attrs["seed"])[0]) for s in summaries]
    variables = {
        name: (
            ("seed", *var.dims),
            np.stack([s.variables[name].values for s in summaries]),
            var.attrs,
        )
        for name, var in first.data_vars.items()
    }
    for name, (kind, missing, unit, doc) in PER_SEED.items():
        values = [kind(np.ravel(s.attrs.get(name, missing))[0]) for s in summaries]
        variables[name] = ("seed", np.array(values), {"units": unit, "long_name": doc})
    seed = ("seed", seeds, {"units": "1", "long_name": "random seed of the simulation"})
    coords = {"seed": seed} | {name: first.variables[name] for name in first.coords}
    out = xr.Dataset(variables, coords=coords)
    shared = shared_attrs(summaries)
    out.attrs = {key: value for key, value in shared.items() if key not in {*PER_SEED, "seed"}}
    return out
