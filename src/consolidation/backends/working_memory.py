"""One cell of a working-memory study: the network of :mod:`consolidation.model.working_memory`
through its protocol, for ``working_memory.load`` cued items."""

from __future__ import annotations

import time

import brian2 as b2
import numpy as np
import xarray as xr

from consolidation.backends import provenance
from consolidation.backends.base import configure_brian
from consolidation.model import variables
from consolidation.model.parameters import Parameters
from consolidation.model.working_memory import KIND, build, facilitation, item_measures


def simulate_working_memory(params: Parameters | dict | None = None, seed: int = 0) -> xr.Dataset:
    """Which items are held, reinstated and when they spike, with the facilitation traces and
    the E raster, plus the provenance attributes every cell carries."""
    start = time.perf_counter()
    if not isinstance(params, Parameters):
        params = Parameters.from_overrides(params)
    configure_brian(params)
    net = build(params, seed)
    net.net.run(net.marks.end * b2.second)
    values = {
        **item_measures(net, params),
        "facilitation": facilitation(net, params),
        "spike_time": np.asarray(net.spikes.t / b2.second),
        "spike_cell": np.asarray(net.spikes.i, dtype=np.int32),
    }
    coords = {
        "item": np.arange(params["working_memory.items"]),
        "trace_time": np.asarray(net.facilitation.t / b2.second),
    }
    ds = variables.dataset(values, coords, variables.WORKING_MEMORY)
    ds.attrs.update(provenance.attributes(params, seed, time.perf_counter() - start))
    ds.attrs.update(
        {
            "title": f"Working memory: {params['working_memory.load']} items cued",
            "study_kind": KIND,
            **{f"mark_{k}": v for k, v in vars(net.marks).items()},
        }
    )
    return ds
