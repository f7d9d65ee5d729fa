"""Working memory held by short-term synaptic facilitation (Mongillo, Barak & Tsodyks 2008).

A prefrontal-like E/I network of current-based LIF cells with delta synapses
(``working_memory.*`` parameters, :mod:`.specs_wm`). ``items`` item-selective E populations sit
beside nonselective E cells; E->E synapses within an item are potentiated (by earlier learning),
the others are at baseline. Every E->E synapse is Tsodyks-Markram: a presynaptic spike raises
the release probability ``u`` by U(1 - u), which decays back to U with tau_f, and uses a
fraction ``u`` of the resources ``x``, which recover with tau_d; the PSP is w u x. Since u and x
follow the presynaptic spikes alone, they are state of the presynaptic cell, shared by all its
outgoing synapses: the same numbers as per synapse, at a fraction of the cost.

A cue (more external drive to one item's cells) makes the item fire and facilitates its
synapses. After the cue the item is held by facilitation alone, refreshed by brief population
spikes that its facilitated synapses ignite from the background noise, with little firing in
between; inhibition lets few items spike at once, so the items must take turns before their
facilitation fades, and that bounds how many are held (Mi, Katkov & Tsodyks 2017).

The protocol sets only the external drive: a settling period, the cues of items 0 .. load-1 one
after the other, a delay at the background drive, a silent gap at a lower drive and a
nonspecific readout pulse to every E cell. Which items are held, when they spike and what the
pulse reinstates are read from the spikes (:func:`population_spikes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import brian2 as b2
import numpy as np

from consolidation.model.parameters import Parameters

KIND = "working_memory"  # the study kind whose cells this module simulates
DRIVE_STEP = 1.0  # ms: the grid of the protocol's drive
BURST_BIN = 5.0  # ms: bins of an item's rate when population spikes are found
TRACE_STEP = 10.0  # ms: sampling of the facilitation trace
TRACE_CELLS = 20  # cells per item whose u is recorded

E_CELLS = """
dv/dt = (mu_e * drive - v) / tau_e + sigma * sqrt(2 / tau_e) * xi : volt (unless refractory)
drive = background(t) + cue(t, item) : 1
du/dt = (U - u) / tau_f : 1
dx/dt = (1 - x) / tau_d : 1
efficacy : 1  # u x at the last spike: the PSP scale of every synapse this cell sends
item : integer (constant)  # the item this cell codes; `items` for nonselective cells
"""
# Tsodyks-Markram at a spike: u jumps first, and the PSP uses the new u and the old x.
E_RESET = """
v = v_reset_e
u += U * (1 - u)
efficacy = u * x
x -= efficacy
"""
I_CELLS = """
dv/dt = (mu_i - v) / tau_i + sigma * sqrt(2 / tau_i) * xi : volt (unless refractory)
"""


@dataclass
class Marks:
    """Times (s) of the protocol's boundaries."""

    load_start: float
    load_end: float
    delay_end: float
    readout: float
    readout_end: float
    end: float


@dataclass
class WorkingMemory:
    """The assembled network, its monitors and protocol."""

    net: b2.Network
    spikes: b2.SpikeMonitor
    facilitation: b2.StateMonitor
    items: np.ndarray  # item of each E cell (``items`` for nonselective cells)
    marks: Marks


def marks(params: Parameters) -> Marks:
    p = params
    load_start = p["working_memory.settle"]
    load_end = load_start + p["working_memory.load"] * p["working_memory.cue_duration"] / 1e3
    delay_end = load_end + p["working_memory.delay"]
    readout = delay_end + p["working_memory.silent"]
    readout_end = readout + p["working_memory.readout_duration"] / 1e3
    return Marks(
        load_start,
        load_end,
        delay_end,
        readout,
        readout_end,
        readout_end + p["working_memory.after"],
    )


def drive(params: Parameters, m: Marks) -> tuple[b2.TimedArray, b2.TimedArray]:
    """The external drive, as a multiple of mu_e: ``background`` (every E cell) and ``cue``
    (one column per item, and a last, empty one for nonselective cells)."""
    p = params
    t = np.arange(int(round(m.end * 1e3 / DRIVE_STEP))) * DRIVE_STEP / 1e3
    background = np.ones(t.size)
    background[(t >= m.delay_end) & (t < m.readout)] = p["working_memory.silent_drive"]
    background[(t >= m.readout) & (t < m.readout_end)] = p["working_memory.readout_drive"]
    cue = np.zeros((t.size, p["working_memory.items"] + 1))
    slot = p["working_memory.cue_duration"] / 1e3
    on = slot - p["working_memory.cue_gap"] / 1e3
    for k in range(p["working_memory.load"]):
        start = m.load_start + k * slot
        cue[(t >= start) & (t < start + on), k] = p["working_memory.cue_contrast"]
    step = DRIVE_STEP * b2.ms
    return b2.TimedArray(background, dt=step), b2.TimedArray(cue, dt=step)


def namespace(params: Parameters, m: Marks) -> dict:
    """The values the equations name, from the parameters."""
    background, cue = drive(params, m)
    names = ("tau_e", "tau_i", "tau_f", "tau_d", "U", "mu_e", "mu_i", "sigma")
    names += ("v_threshold", "v_reset_e", "v_reset_i")
    return {
        **{name: params.q(f"working_memory.{name}") for name in names},
        "background": background,
        "cue": cue,
    }


def cells(params: Parameters, ns: dict, rng: np.random.Generator):
    """The E and I groups, E cells assigned to items in blocks, potentials spread below
    threshold."""
    p = params
    n_e, n_i = p["working_memory.n_e"], p["working_memory.n_i"]
    refractory = params.q("working_memory.refractory")
    e = b2.NeuronGroup(
        n_e,
        E_CELLS,
        threshold="v > v_threshold",
        reset=E_RESET,
        refractory=refractory,
        method="euler",
        namespace=ns,
        name="wm_e",
    )
    i = b2.NeuronGroup(
        n_i,
        I_CELLS,
        threshold="v > v_threshold",
        reset="v = v_reset_i",
        refractory=refractory,
        method="euler",
        namespace=ns,
        name="wm_i",
    )
    items = np.full(n_e, p["working_memory.items"])
    selective = p["working_memory.items"] * p["working_memory.item_size"]
    items[:selective] = np.repeat(
        np.arange(p["working_memory.items"]), p["working_memory.item_size"]
    )
    e.item = items
    e.u = e.efficacy = p["working_memory.U"]
    e.x = 1.0
    top = float(ns["v_threshold"] / b2.mV)
    e.v = rng.uniform(top - 10, top, n_e) * b2.mV
    i.v = rng.uniform(top - 10, top, n_i) * b2.mV
    return e, i, items


def synapses(params: Parameters, e, i, items: np.ndarray, rng: np.random.Generator):
    """Every pathway at one connection probability; E->E potentiated within an item."""
    p = params
    c = p["working_memory.connectivity"]
    ee = b2.Synapses(e, e, "w : volt", on_pre="v_post += w * efficacy_pre", name="wm_ee")
    ee.connect(p=c)
    pre, post = items[ee.i[:]], items[ee.j[:]]
    within = (pre == post) & (pre < p["working_memory.items"])
    ee.w = np.where(within, p["working_memory.w_item"], p["working_memory.w_base"]) * b2.mV
    made = [ee]
    for name, source, target, sign in (("ie", e, i, "+"), ("ei", i, e, "-"), ("ii", i, i, "-")):
        syn = b2.Synapses(source, target, "w : volt", on_pre=f"v_post {sign}= w", name=f"wm_{name}")
        syn.connect(p=c)
        syn.w = params.q(f"working_memory.w_{name}")
        made.append(syn)
    top = p["working_memory.delay_max"]
    for syn in made:
        syn.delay = rng.uniform(0.1, top, len(syn)) * b2.ms
    return made


def build(params: Parameters, seed: int) -> WorkingMemory:
    """The network of ``params`` and its protocol, seeded (wiring, noise, initial state)."""
    b2.start_scope()
    b2.seed(seed)
    rng = np.random.default_rng(seed)
    m = marks(params)
    ns = namespace(params, m)
    e, i, items = cells(params, ns, rng)
    made = synapses(params, e, i, items, rng)
    size = params["working_memory.item_size"]
    watched = [
        np.arange(k * size, k * size + min(size, TRACE_CELLS))
        for k in range(params["working_memory.items"])
    ]
    spikes = b2.SpikeMonitor(e, name="wm_spikes")
    trace = b2.StateMonitor(
        e, "u", record=np.concatenate(watched), dt=TRACE_STEP * b2.ms, name="wm_u"
    )
    net = b2.Network(e, i, *made, spikes, trace)
    return WorkingMemory(net, spikes, trace, items, m)


def population_spikes(
    times: np.ndarray, cells: np.ndarray, items: np.ndarray, params: Parameters, end: float
) -> list[np.ndarray]:
    """Per item, the times (s) of its population spikes: the peak of each run of 5 ms bins in
    which the item's rate exceeds ``working_memory.burst_rate``."""
    width = BURST_BIN / 1e3
    edges = np.arange(0.0, end + width, width)
    size = params["working_memory.item_size"]
    found = []
    for k in range(params["working_memory.items"]):
        counts, _ = np.histogram(times[items[cells] == k], edges)
        rate = counts / (size * width)
        above = np.concatenate([[False], rate > params["working_memory.burst_rate"], [False]])
        starts = np.flatnonzero(~above[:-1] & above[1:])
        stops = np.flatnonzero(above[:-1] & ~above[1:])
        peaks = [a + np.argmax(rate[a:b]) for a, b in zip(starts, stops, strict=True)]
        found.append(edges[np.asarray(peaks, int)] + width / 2)
    return found


def item_measures(net: WorkingMemory, params: Parameters) -> dict[str, np.ndarray]:
    """Per item, from the E spikes: cued, held at the delay's end, reinstated by the readout
    pulse, hold time, population spikes in the delay, and their times."""
    m = net.marks
    times = np.asarray(net.spikes.t / b2.second)
    bursts = population_spikes(times, np.asarray(net.spikes.i), net.items, params, m.end)
    n_items, load = params["working_memory.items"], params["working_memory.load"]
    slot = params["working_memory.cue_duration"] / 1e3
    cue_end = m.load_start + (np.arange(n_items) + 1) * slot
    window = params["working_memory.hold_window"]
    after = BURST_BIN / 1e3 * 10  # a readout's population spike may peak just after the pulse
    held, reinstated, hold, in_delay = (np.zeros(n_items) for _ in range(4))
    for k, b in enumerate(bursts):
        delay = b[(b >= m.load_end) & (b < m.delay_end)]
        in_delay[k] = delay.size
        held[k] = ((b >= m.delay_end - window) & (b < m.delay_end)).any()
        reinstated[k] = ((b >= m.readout) & (b < m.readout_end + after)).any()
        since_cue = b[(b >= cue_end[k]) & (b < m.delay_end)]
        hold[k] = since_cue.max() - cue_end[k] if since_cue.size else 0.0
    cued = np.arange(n_items) < load
    hold[~cued] = np.nan
    longest = max((b.size for b in bursts), default=0)
    burst_time = np.full((n_items, longest), np.nan)
    for k, b in enumerate(bursts):
        burst_time[k, : b.size] = b
    return {
        "cued": cued.astype(np.int8),
        "held": held.astype(np.int8),
        "reinstated": reinstated.astype(np.int8),
        "hold_time": hold,
        "delay_bursts": in_delay,
        "burst_time": burst_time,
        "held_count": np.int64(held[cued].sum()),
        "reinstated_count": np.int64(reinstated[cued].sum()),
        "intrusions": np.int64(held[~cued].sum()),
    }


def facilitation(net: WorkingMemory, params: Parameters) -> np.ndarray:
    """Mean u of each item's recorded cells over time, (item, time)."""
    size = params["working_memory.item_size"]
    owner = np.asarray(net.facilitation.record) // size
    u = np.asarray(net.facilitation.u)
    return np.stack([u[owner == k].mean(axis=0) for k in range(params["working_memory.items"])])
