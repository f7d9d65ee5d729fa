"""One driver, two backends: each gives the datasets it gave before the drivers became one.

The references (tests/data/reference/, written by make.py there) were simulated by an earlier
version of the code (numbers last changed when cortical learning lost its planned windows);
every data variable, coordinate and model attribute they hold must be bit-identical. What
differs from run to run (host, wall time, code revision, compile times) is left out.
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
CF_ATTRS = {"Conventions", "history", "flag_values"}
# Parameters added since the references were made must sit at their defaults (checked below);
# a change of a default that changes the numbers re-makes the references (see make.py).

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
    stored = read_netcdf(HERE / f"{device}.nc")
    assert list(fresh.data_vars) == list(stored.data_vars)
    for name in [*stored.data_vars, *stored.coords]:
        a, b = fresh[name], stored[name]
        assert a.dims == b.dims and a.dtype == b.dtype, name
        assert _stable(a.attrs) == _stable(b.attrs), name
        assert np.array_equal(a.values, b.values, equal_nan=a.dtype.kind == "f"), name
    assert _stable(fresh.attrs, set(stored.attrs)) == _stable(stored.attrs)
    added = {k[len("param.") :] for k in set(fresh.attrs) - set(stored.attrs)}
    assert all(k in SPECS for k in added), added
    for name in added:
        value = fresh.attrs[f"param.{name}"]
        value = json.loads(value) if SPECS[name].kind is list else value  # lists are JSON text
        assert value == SPECS[name].default, name
