"""One driver, two backends: each gives the datasets it gave before the drivers became one.

The references (tests/data/reference/, written by make.py there) were simulated by the code
before the move; every data variable, coordinate and model attribute they hold must be
bit-identical (variables added since are listed in ADDED). What differs from run to run (host,
wall time, code revision, compile times) is left out.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from consolidation.model.specs import SPECS
from consolidation.results.io import read_netcdf, write_netcdf

HERE = Path(__file__).resolve().parent / "data" / "reference"
sys.path.insert(0, str(HERE))
from make import CELL, SEED  # noqa: E402

VOLATILE = {"host", "wall_time_s", "code_revision", "code_dirty", "version_consolidation"}
# Changed on purpose since the references were made: names and attributes for CF-1.11
# (docs/datasets.md); the numbers are not.
# The schedule's ripples became its sharp-wave drives, when ripples came to be detected from spikes.
RENAMED = {
    "time": "time_bin", "swr": "drive", "swr_time": "drive_time",
    "swr_seed_memory": "drive_seed_memory", "swr_disrupted": "drive_disrupted",
}  # fmt: skip
CF_ATTRS = {"Conventions", "history", "flag_values"}
# Measured otherwise since: the ripples and their content are read from spikes (model.activity),
# no longer in windows after the planned onsets.
REDEFINED = {"replay_count", "swr_memory", "swr_purity", "swr_completion", "swr_cortex_memory"}
# Added since: the state and the ripples read from spikes (model.activity).
ADDED = REDEFINED | {
    "phase_isi_cv", "phase_synchrony", "down_state_rate", "swr_time", "swr_duration",
    "swr_phase", "swr_margin", "swr_in_up_state", "swr_single_fraction", "swr_up_fraction",
    "swr_rate_up",
}  # fmt: skip

# The model the references were made with, where a default has changed since (the replay the
# network chooses became the default): the references test the backends, not the defaults.
BEFORE = {
    "hippocampus.p_inh": 0.2, "hippocampus.w_ie": 3.0, "hippocampus.tau_i": 10.0,
    "hippocampus.adaptation": 3.0, "hippocampus.tau_adaptation": 500.0,
    "hippocampus.std_u": 0.0, "neuromod.ach_hpc_inhibition": 0.0,
    "sleep.swr_seed_source": "memory", "sleep.swr_excitability": 0.0, "sleep.swr_shape": "step",
    "sleep.plasticity_delay": 0.0, "sleep.swr_duration": 60.0,
}  # fmt: skip
# Parameters gone since: targeted reactivation became a cue to the network (cue.*), not a bias
# of the planner's draw. Neither acted in the references (no memory was cued).
REMOVED = {"param.sleep.cued_memories", "param.sleep.cue_bias"}

pytestmark = pytest.mark.slow


def _stable(attrs: dict, keys: set | None = None) -> dict:
    """The attributes that must not change (of those in `keys`, if given)."""
    return {
        k: v.tolist() if isinstance(v, np.ndarray) else v
        for k, v in attrs.items()
        if k not in VOLATILE | CF_ATTRS
        and not k.startswith("standalone_")
        and (keys is None or k in keys)
    }


@pytest.mark.parametrize("device", ["runtime", "cpp_standalone"])
def test_backend_matches_its_reference(device, tmp_path):
    from consolidation import simulate

    bind_now = os.environ.get("LD_BIND_NOW")
    fresh = simulate({**CELL, **BEFORE, "simulation.device": device}, SEED)
    # brian2's standalone run environment must not leak into programs started later (slurmctld)
    assert os.environ.get("LD_BIND_NOW") == bind_now
    write_netcdf(fresh, tmp_path / "fresh.nc")  # compare after the same netCDF round trip
    fresh = read_netcdf(tmp_path / "fresh.nc")
    stored = read_netcdf(HERE / f"{device}.nc").drop_vars(REDEFINED).rename(RENAMED)
    assert [v for v in fresh.data_vars if v not in ADDED] == list(stored.data_vars)
    assert set(fresh.data_vars) - set(stored.data_vars) == ADDED
    for name in [*stored.data_vars, *stored.coords]:
        a, b = fresh[name], stored[name]
        assert a.dims == b.dims and a.dtype == b.dtype, name
        if name not in RENAMED.values():  # a renamed variable is described anew
            assert _stable(a.attrs) == _stable(b.attrs), name
        assert np.array_equal(a.values, b.values, equal_nan=a.dtype.kind == "f"), name
    kept = {k: v for k, v in stored.attrs.items() if k not in REMOVED}
    assert _stable(fresh.attrs, set(kept)) == _stable(kept)
    # A parameter added since sits at its default, or at the value that keeps the model as it was.
    new = set(fresh.attrs) - set(stored.attrs)
    added = {k[len("param.") :] for k in new if k.startswith("param.")}
    assert added and all(k in SPECS for k in added), added
    for name in added:
        value = fresh.attrs[f"param.{name}"]
        value = json.loads(value) if SPECS[name].kind is list else value  # lists are JSON text
        assert value == BEFORE.get(name, SPECS[name].default), name
