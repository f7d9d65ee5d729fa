"""One cell of a working-memory study: the network of :mod:`consolidation.model.working_memory`
through its protocol, for ``working_memory.load`` cued items; and the working-memory stage of a
network cell whose hippocampus encodes only what working memory holds."""

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

# A network cell's seed is split into streams (backends.base.plan takes the first two, for the
# wiring and memories and for the schedule's events); its working-memory stage has the next.
WM_STREAM = 2


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


def held_memories(params: Parameters, seed: int) -> np.ndarray:
    """Which of a network cell's memories working memory holds as the hippocampus encodes
    (``encoding.hippocampal_input: working_memory``): 1 held, 0 dropped, per memory.

    The memories are cued to the working-memory network in an order drawn from the seed's own
    stream (so that what is held does not follow the order in which the hippocampus encodes
    them), all of them, and then held through the delay; a memory is held if its item spiked
    as a population within ``working_memory.hold_window`` before the delay's end, which only
    the spikes say.
    """
    n_mem = params["memory.count"]
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(WM_STREAM + 1)[WM_STREAM])
    order = rng.permutation(n_mem)  # item k is cued k-th and stands for memory order[k]
    loaded = Parameters({**params.values, "working_memory.load": n_mem})
    ds = simulate_working_memory(loaded, int(rng.integers(2**31)))
    held = np.zeros(n_mem, dtype=np.int8)
    held[order] = ds["held"].values[:n_mem]
    return held
