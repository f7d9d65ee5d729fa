"""One driver, two backends: each gives the datasets it gave before the drivers became one.

The references (tests/data/reference/, written by make.py there) were simulated by the code
before the move; every data variable, coordinate and model attribute they hold must be
bit-identical (variables added since are listed in ADDED). What differs from run to run (host,
wall time, code revision, compile times) is left out.
"""

from __future__ import annotations

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
RENAMED = {"time": "time_bin"}
CF_ATTRS = {"Conventions", "history", "flag_values"}
# Added since: the state and the events read from spikes (model.activity).
ADDED = {
    "phase_isi_cv", "phase_synchrony", "down_state_rate", "event_onset", "event_duration",
    "event_phase", "event_memory", "event_margin", "event_purity", "event_in_up_state",
    "event_wins", "event_count", "event_single_fraction", "event_up_fraction", "event_rate_up",
}  # fmt: skip

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
    fresh = simulate({**CELL, "simulation.device": device}, SEED)
    # brian2's standalone run environment must not leak into programs started later (slurmctld)
    assert os.environ.get("LD_BIND_NOW") == bind_now
    write_netcdf(fresh, tmp_path / "fresh.nc")  # compare after the same netCDF round trip
    fresh = read_netcdf(tmp_path / "fresh.nc")
    stored = read_netcdf(HERE / f"{device}.nc").rename(RENAMED)
    assert [v for v in fresh.data_vars if v not in ADDED] == list(stored.data_vars)
    assert set(fresh.data_vars) - set(stored.data_vars) == ADDED
    for name in [*stored.data_vars, *stored.coords]:
        a, b = fresh[name], stored[name]
        assert a.dims == b.dims and a.dtype == b.dtype, name
        assert _stable(a.attrs) == _stable(b.attrs), name
        assert np.array_equal(a.values, b.values, equal_nan=a.dtype.kind == "f"), name
    assert _stable(fresh.attrs, set(stored.attrs)) == _stable(stored.attrs)
    # A parameter added since sits at its default, which keeps the model as it was.
    new = set(fresh.attrs) - set(stored.attrs)
    added = {k[len("param.") :] for k in new if k.startswith("param.")}
    assert added and all(k in SPECS for k in added), added
    for name in added:
        assert fresh.attrs[f"param.{name}"] == SPECS[name].default, name
