"""One cell of an STDP-window study: the window of the model's own plastic synapse, measured
with isolated spike pairs (the protocol and the fits are in :mod:`consolidation.model.stdp`)."""

from __future__ import annotations

import time

import numpy as np
import xarray as xr

from consolidation.backends import provenance
from consolidation.backends.base import configure_brian
from consolidation.model import variables
from consolidation.model.parameters import Parameters
from consolidation.model.stdp import KIND, fit_side, pair_changes, pair_times


def simulate_window(params: Parameters | dict | None = None, seed: int = 0) -> xr.Dataset:
    """One cell of an STDP-window study: the window of ``stdp.pathway``'s synapse, measured.

    Returns ``dw`` per nominal offset (dimension ``offset``, ms) and the fitted decay of each
    side, with the provenance attributes every cell carries.
    """
    start = time.perf_counter()
    if not isinstance(params, Parameters):
        params = Parameters.from_overrides(params)
    configure_brian(params)
    pathway = params["stdp.pathway"]
    nominal, t_pre, t_post = pair_times(params, np.random.default_rng(seed))
    changes = pair_changes(params, pathway, t_pre, t_post)
    offsets = np.asarray(params["stdp.offsets"], dtype=float)
    order = np.argsort(offsets)
    offsets = offsets[order]
    dw = np.array([changes[nominal == o].mean() for o in offsets])
    plus, minus = offsets > 0, offsets < 0
    rule = params[f"{pathway}.rule"]
    values = {
        "dw": dw,
        "tau_plus": fit_side(offsets[plus], dw[plus]),
        "tau_minus": fit_side(offsets[minus], dw[minus]),
    }
    ds = variables.dataset(values, {"offset": offsets}, variables.WINDOW)
    ds.attrs.update(provenance.attributes(params, seed, time.perf_counter() - start))
    ds.attrs.update(
        {
            "title": f"STDP window of the {pathway} synapse ({rule} rule)",
            "study_kind": KIND,
            "pathway": pathway,
            "rule": rule,
        }
    )
    return ds
