"""The STDP window of the model's own plastic synapse, measured with isolated spike pairs.

One cell of an STDP-window study (``kind: stdp_window``, run by
:mod:`consolidation.backends.stdp_window`) follows the protocol of Bi & Poo (1998) on the
synapse of ``stdp.pathway`` under its ``<pathway>.rule``.
Each of ``stdp.pairs`` pairs per offset (``stdp.offsets``, t_post - t_pre) drives its own
synapse once, so the pairs do not interact: in the pair-based rule they would not on one synapse
either, since Bi & Poo paired at 1 Hz and every trace decays within 0.2 s (tau <= 34 ms), and
the weights start mid-range so the bounds never clip. Each spike lands ``stdp.jitter`` (SD,
Gaussian) around its nominal time, as evoked spikes do from trial to trial; the jitter is the
only thing a seed changes. ``dw`` is the mean change per pair in units of the learning rate.

The decay of each side of the measured window is fitted per cell (:func:`fit_side`), to be
compared with the exponential fits to Bi & Poo's data: tau+ 16.8 ms, tau- 33.7 ms.
"""

from __future__ import annotations

import brian2 as b2
import numpy as np

from consolidation.model.network import plastic_synapses, rule_constants
from consolidation.model.parameters import Parameters

PAIR_SPACING = 0.5  # s before the first pair and after the last: beyond every trace's decay
KIND = "stdp_window"  # the study kind whose cells this module simulates
# Exponential fits to Bi & Poo 1998 (as cited by Pfister & Gerstner 2006), in ms.
BI_POO_TAU_PLUS = 16.8
BI_POO_TAU_MINUS = 33.7
MAX_OFFSET = 1000.0  # ms; longer pairs are no STDP window


def pair_changes(
    params: Parameters, pathway: str, t_pre: np.ndarray, t_post: np.ndarray
) -> np.ndarray:
    """Weight change (in units of the learning rate) of one synapse per spike pair.

    Pair k drives synapse k once: a presynaptic spike at ``t_pre[k]`` and a postsynaptic one at
    ``t_post[k]`` (seconds, rounded to the time step ``simulation.dt``), with the learning rate
    set to 1 mV, from a mid-range weight so that the bounds of the rule do not clip the change.
    """
    step = float(params.q("simulation.dt") / b2.second)  # not `dt`: brian2 reads local names
    t_pre = np.round(np.asarray(t_pre, float) / step) * step
    t_post = np.round(np.asarray(t_post, float) / step) * step
    n = len(t_pre)
    b2.start_scope()
    b2.defaultclock.dt = step * b2.second
    pre = b2.SpikeGeneratorGroup(n, np.arange(n), t_pre * b2.second, name="stdp_pre")
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
    syn = plastic_synapses(pre, post, "stdp_probe", signals, snapshots=0)
    syn.connect(j="i")
    w0 = 50 * b2.mV
    syn.w = w0
    syn.w_max = 100 * b2.mV
    syn.eta = 1 * b2.mV
    syn.ach_factor = 1.0
    for name, value in rule_constants(params, pathway).items():
        setattr(syn, name, value)
    net = b2.Network(pre, post, syn)
    net.run((max(t_pre.max(), t_post.max()) + PAIR_SPACING) * b2.second)
    return (np.asarray(syn.w[:]) - float(w0)) / 1e-3


def stdp_window(params: Parameters, pathway: str, offsets_ms: np.ndarray) -> np.ndarray:
    """Weight change (in units of the learning rate) for one exact pair at each offset.

    offset = t_post - t_pre: positive means pre before post. No jitter, one pair per offset.
    """
    offsets = np.asarray(offsets_ms, dtype=float)
    t_pre = PAIR_SPACING + np.zeros(len(offsets)) + np.abs(offsets).max(initial=0) / 1e3
    return pair_changes(params, pathway, t_pre, t_pre + offsets / 1e3)


def pair_times(
    params: Parameters, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(nominal offset in ms, pre time in s, post time in s) of every pair of the protocol.

    ``stdp.pairs`` pairs per offset of ``stdp.offsets``, grouped by offset; each spike is
    jittered independently by ``stdp.jitter`` (SD), so a pair's offset varies by sqrt(2) times
    that.
    """
    offsets = np.asarray(params["stdp.offsets"], dtype=float)
    nominal = np.repeat(offsets, params["stdp.pairs"])
    sd = params["stdp.jitter"] / 1e3
    start = PAIR_SPACING + np.abs(offsets).max() / 1e3 + 10 * sd
    t_pre = start + rng.normal(0.0, sd, nominal.size) if sd > 0 else np.full(nominal.size, start)
    t_post = start + nominal / 1e3
    if sd > 0:
        t_post = t_post + rng.normal(0.0, sd, nominal.size)
    return nominal, t_pre, t_post


def fit_decay(offsets_ms: np.ndarray, dw: np.ndarray) -> float:
    """Decay constant (ms) of |dw| against |offset| by a log-linear least-squares fit."""
    x, y = np.abs(offsets_ms), np.abs(dw)
    keep = y > 1e-9
    slope = np.polyfit(x[keep], np.log(y[keep]), 1)[0]
    return -1 / slope


def fit_side(offsets_ms: np.ndarray, dw: np.ndarray) -> float:
    """Decay constant (ms) of one side of a window, or NaN where that side is no exponential
    decay: fewer than two offsets, a change of sign (or a zero), or |dw| that does not fall as
    |offset| grows (the symmetric rule's lone pairs depress more the further apart they are)."""
    offsets_ms, dw = np.asarray(offsets_ms, float), np.asarray(dw, float)
    if dw.size < 2 or not np.isfinite(dw).all():
        return np.nan
    if not ((dw > 1e-9).all() or (dw < -1e-9).all()):
        return np.nan
    tau = fit_decay(offsets_ms, dw)
    return float(tau) if tau > 0 else np.nan


def check_offsets(values: object) -> str | None:
    """What is wrong with a value of ``stdp.offsets`` for a window study (None: nothing)."""
    if not isinstance(values, list) or not values:
        return "expected a non-empty list of offsets in ms"
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
            return f"{v!r} is not a finite number of ms"
        if v == 0 or abs(v) > MAX_OFFSET:
            return f"{v!r}: an offset must be nonzero and within ±{MAX_OFFSET:g} ms"
    if len({float(v) for v in values}) != len(values):
        return "an offset is listed twice"
    return None
