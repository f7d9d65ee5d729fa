"""The parameters of the working-memory network and its protocol (``working_memory.*``;
:mod:`consolidation.model.working_memory`), part of the one table in :mod:`.specs`.

Cells, synapses and drive follow Mongillo, Barak & Tsodyks (2008), scaled to 1600 E and 400 I
cells: connection probability 0.5 instead of 0.2, and each weight scaled so a cell's mean input
(in-degree x weight) is theirs; the potentiated weight within an item was then tuned on the
diagnose seeds so that items hold without igniting uncued ones.
"""

from __future__ import annotations

from consolidation.model.spec import FRACTION, NONNEG, POSITIVE, Spec
from consolidation.model.spec import spec as _s

SPECS_WM: dict[str, Spec] = {
    # --- cells ---
    "working_memory.n_e": _s(1600, "E cells of the working-memory network", low=10, high=20_000),
    "working_memory.n_i": _s(400, "I cells of the working-memory network", low=1, high=5_000),
    "working_memory.items": _s(8, "item-selective E populations", low=1, high=20),
    "working_memory.item_size": _s(160, "E cells per item (disjoint populations)", low=1),
    "working_memory.connectivity": _s(0.5, "connection probability of every pathway", **FRACTION),
    "working_memory.tau_e": _s(15.0, "E membrane time constant", "ms", **POSITIVE),
    "working_memory.tau_i": _s(10.0, "I membrane time constant", "ms", **POSITIVE),
    "working_memory.v_threshold": _s(20.0, "spike threshold of every cell", "mV"),
    "working_memory.v_reset_e": _s(16.0, "E reset potential", "mV"),
    "working_memory.v_reset_i": _s(13.0, "I reset potential", "mV"),
    "working_memory.refractory": _s(2.0, "absolute refractory period", "ms", **NONNEG),
    "working_memory.mu_e": _s(
        22.7, "mean external drive of E cells (as a resting potential)", "mV", **NONNEG
    ),
    "working_memory.mu_i": _s(20.5, "mean external drive of I cells", "mV", **NONNEG),
    "working_memory.sigma": _s(1.0, "SD of the external white-noise drive", "mV", **NONNEG),
    # --- synapses (delta PSPs; E->E ones scaled by the Tsodyks-Markram u x) ---
    "working_memory.w_item": _s(
        1.1, "E->E weight within an item (potentiated by earlier learning)", "mV", **NONNEG
    ),
    "working_memory.w_base": _s(
        0.2, "E->E weight between items and from nonselective cells", "mV", **NONNEG
    ),
    "working_memory.w_ie": _s(0.27, "E->I weight", "mV", **NONNEG),
    "working_memory.w_ei": _s(0.5, "I->E weight (inhibitory)", "mV", **NONNEG),
    "working_memory.w_ii": _s(0.4, "I->I weight (inhibitory)", "mV", **NONNEG),
    "working_memory.delay_max": _s(
        1.0, "transmission delays are uniform from 0.1 ms to this", "ms", low=0.1, high=10.0
    ),
    "working_memory.U": _s(
        0.19, "baseline release probability of E->E synapses", low=0.01, high=1.0
    ),
    "working_memory.tau_f": _s(
        1500.0, "facilitation time constant (u decays to U)", "ms", **POSITIVE
    ),
    "working_memory.tau_d": _s(
        200.0, "depression time constant (x recovers to 1)", "ms", **POSITIVE
    ),
    # --- protocol ---
    "working_memory.load": _s(4, "items cued, one after the other (items 0 .. load-1)", low=0),
    "working_memory.settle": _s(0.5, "time before the first cue", "s", **NONNEG),
    "working_memory.cue_duration": _s(
        350.0, "one item's slot: its cue and a gap", "ms", **POSITIVE
    ),
    "working_memory.cue_gap": _s(50.0, "end of each slot without a cue", "ms", **NONNEG),
    "working_memory.cue_contrast": _s(
        0.15, "a cue raises its item's external drive by this fraction", **NONNEG
    ),
    "working_memory.delay": _s(
        2.0, "delay at the background drive after the last cue", "s", **NONNEG
    ),
    "working_memory.silent": _s(
        0.5, "then a silent gap at a lower drive, before the readout", "s", **NONNEG
    ),
    "working_memory.silent_drive": _s(
        0.96, "drive of E cells in the silent gap, relative to mu_e", low=0.0, high=2.0
    ),
    "working_memory.readout_drive": _s(
        1.05,
        "drive of E cells during the nonspecific readout pulse, relative to mu_e",
        low=0.0,
        high=2.0,
    ),
    "working_memory.readout_duration": _s(250.0, "length of the readout pulse", "ms", **NONNEG),
    "working_memory.after": _s(0.2, "time simulated after the readout pulse", "s", **NONNEG),
    # --- measures (from spikes) ---
    "working_memory.burst_rate": _s(
        40.0, "a population spike: an item's rate in a 5 ms bin above this", "Hz", **POSITIVE
    ),
    "working_memory.hold_window": _s(
        1.0,
        "an item is held if it spiked as a population within this time before the delay's end",
        "s",
        **POSITIVE,
    ),
    # --- the link to consolidation (network cells) ---
    "encoding.hippocampal_input": _s(
        "stimulus",
        "what drives a memory's hippocampal index at encoding: its stimulus, for every memory "
        "presented, or working_memory: the memories are first cued to the working-memory "
        "network in a random order, and only those it holds at the end of its delay are",
        choices=("stimulus", "working_memory"),
    ),
}
