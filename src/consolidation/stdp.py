"""The STDP window of the model's own plastic synapse, measured with isolated spike pairs."""

from __future__ import annotations

import brian2 as b2
import numpy as np

from consolidation.network import plastic_synapses, set_rule
from consolidation.parameters import Parameters

PAIR_SPACING = 0.5  # s between pairs: far beyond every trace time constant


def stdp_window(params: Parameters, pathway: str, offsets_ms: np.ndarray) -> np.ndarray:
    """Weight change (in units of the learning rate) for one pre/post pair at each offset.

    offset = t_post - t_pre: positive means pre before post. Each pair drives its own synapse
    once, with the learning rate set to 1 mV, from a mid-range weight so that the bounds of
    the rule do not clip the change.
    """
    offsets = np.asarray(offsets_ms, dtype=float)
    n = len(offsets)
    b2.start_scope()
    b2.defaultclock.dt = 0.1 * b2.ms
    t_pre = PAIR_SPACING + np.zeros(n)
    t_post = t_pre + offsets / 1e3
    pre = b2.SpikeGeneratorGroup(n, np.arange(n), t_pre * b2.second)
    post = b2.NeuronGroup(
        n,
        "v : volt\nt_spike : second",
        threshold="abs(t - t_spike) < 0.5 * dt",
        reset="",
        name="stdp_post",
    )
    post.t_spike = t_post * b2.second
    # Learning always on, transmission off: the pair's spikes are imposed, not caused.
    signals = {
        "plasticity": b2.TimedArray(np.ones((1, 2)), dt=1 * b2.second, name="plasticity"),
        "acetylcholine": b2.TimedArray([1.0], dt=1 * b2.second, name="acetylcholine"),
    }
    syn = plastic_synapses(pre, post, "stdp_probe", signals)
    syn.connect(j="i")
    w0 = 50 * b2.mV
    syn.w = w0
    syn.w_max = 100 * b2.mV
    syn.eta = 1 * b2.mV
    syn.ach_factor = 1.0
    set_rule(syn, params, pathway)
    b2.run((t_post.max() + PAIR_SPACING) * b2.second)
    return (np.asarray(syn.w[:]) - float(w0)) / 1e-3


def fit_decay(offsets_ms: np.ndarray, dw: np.ndarray) -> float:
    """Decay constant (ms) of |dw| against |offset| by a log-linear least-squares fit."""
    x, y = np.abs(offsets_ms), np.abs(dw)
    keep = y > 1e-9
    slope = np.polyfit(x[keep], np.log(y[keep]), 1)[0]
    return -1 / slope
