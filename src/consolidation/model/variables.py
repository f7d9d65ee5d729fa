"""The output variables of a cell dataset, as one table: name, dimensions, units, long name.

:func:`consolidation.model.measure.to_dataset` fills it; collect keeps the variables whose
dimensions are all :data:`SUMMARY_DIMS`; the claims checker and config validation read it to
know what a study dataset will hold, before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr


@dataclass(frozen=True)
class Variable:
    """One variable of a dataset: its dimensions, units and CF long name (plus extra attrs)."""

    name: str
    dims: tuple[str, ...]
    units: str
    long_name: str
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def per_memory(self) -> bool:
        return "memory" in self.dims

    def __call__(self, data: Any) -> xr.Variable:
        attrs = {"units": self.units, "long_name": self.long_name, **self.attrs}
        return xr.Variable(self.dims, data, attrs=attrs)


def _table(*rows: tuple) -> dict[str, Variable]:
    return {row[0]: Variable(*row) for row in rows}


# The dimensions a study dataset keeps (besides the grid axes and seed).
SUMMARY_DIMS = frozenset({"probe", "memory", "hippocampus", "phase", "population"})

COORDINATES = _table(
    ("probe", ("probe",), "1", "test phase label"),
    ("memory", ("memory",), "1", "memory index"),
    ("hippocampus", ("hippocampus",), "1", "hippocampus condition at test"),
    ("phase", ("phase",), "1", "schedule phase (index:kind[:label])"),
    ("population", ("population",), "1", "population"),
    ("time_bin", ("time_bin",), "s", "time (bin centre)"),
)

# fmt: off
CELL = _table(
    ("recall", ("probe", "memory", "hippocampus"), "Hz",
     "recall: rate of uncued pattern cells minus rate of cells outside the pattern during a "
     "partial cue"),
    ("intrusion", ("probe", "memory", "hippocampus"), "Hz",
     "the most active other pattern's rate during the cue, minus the rate of cells outside the "
     "cued pattern"),
    ("recall_specific", ("probe", "memory", "hippocampus"), "Hz",
     "recall minus intrusion: the cued pattern's uncued rest against the most active other "
     "pattern"),
    # Ribot's gradient is stated in this difference: how much recall depends on the
    # hippocampus, falling as a memory is consolidated (Kim & Fanselow 1992).
    ("lesion_deficit", ("probe", "memory"), "Hz",
     "recall lost to a hippocampal lesion: intact minus lesioned recall"),
    ("memory_age", ("memory",), "1", "nights slept since the memory was last encoded (-1: never)"),
    ("wm_held", ("memory",), "1",
     "1 if working memory held the memory as the hippocampus encoded it, 0 if it was dropped "
     "(-1: no working-memory stage; encoding.hippocampal_input)"),
    ("cued", ("memory",), "1",
     "1 if the memory is cued during sleep (targeted reactivation), else 0"),
    ("rewarded", ("memory",), "1",
     "1 if the memory was encoded with reward (neuromod.reward_dopamine), else 0"),
    ("weight_within", ("phase", "memory"), "mV",
     "mean cortical E->E weight within the memory's pattern"),
    ("weight_between", ("phase",), "mV", "mean cortical E->E weight between different patterns"),
    ("hpc_weight_within", ("phase", "memory"), "mV",
     "mean hippocampal E->E weight within the memory's index"),
    ("binding_weight", ("phase", "memory"), "mV",
     "mean hippocampus->cortex weight from index to pattern"),
    ("phase_start", ("phase",), "s", "phase start time"),
    ("phase_end", ("phase",), "s", "phase end time"),
    ("phase_rate", ("phase", "population"), "Hz", "mean population rate during the phase"),
    # What the schedule gave: its sharp-wave drives (state, not events; no measure reads them).
    ("drive_time", ("drive",), "s", "onset of a sharp-wave drive the schedule gives"),
    ("drive_seed_memory", ("drive",), "1",
     "memory whose index cells the drive's kick names (-1: no kick, or random cells)"),
    # The closed-loop detector's online detections (from spikes; it disrupts some in sleep).
    ("detection_time", ("detection",), "s",
     "time the closed-loop detector found a hippocampal population event"),
    ("detection_disrupted", ("detection",), "1", "the detection triggered a disruption"),
    ("population_rate", ("time_bin", "population"), "Hz", "population rate, binned"),
    # The state and the events as read from spikes (consolidation.model.activity).
    ("phase_isi_cv", ("phase", "population"), "1",
     "mean coefficient of variation of inter-spike intervals over cells with >= 3 spikes in "
     "the phase (NaN: spikes not recorded)"),
    ("phase_synchrony", ("phase", "population"), "1",
     "Golomb's chi of the cells' spike counts in 5 ms bins in the phase (0: independent, "
     "1: identical; NaN: spikes not recorded)"),
    ("down_state_rate", (), "Hz", "cortical E rate outside slow-oscillation up states in sleep"),
    # Sharp-wave ripples as an experimenter finds them: population events of the hippocampal E
    # rate in the offline phases (consolidation.model.activity).
    ("swr_time", ("swr",), "s", "onset of a sharp-wave ripple detected from hippocampal spikes"),
    ("swr_duration", ("swr",), "s", "length of the ripple"),
    ("swr_phase", ("swr",), "1", "position of the ripple's phase in the schedule"),
    ("swr_memory", ("swr",), "1",
     "memory whose index fired most above background in the ripple, counting no externally "
     "driven cell (-1: none above background)"),
    ("swr_margin", ("swr",), "1",
     "winner's background-corrected rate over the runner-up's (inf: runner-up at or below "
     "background)"),
    ("swr_purity", ("swr",), "1",
     "fraction of the ripple's counted hippocampal E spikes from the winning index"),
    ("swr_completion", ("swr",), "1", "fraction of the winning index's counted cells that fired"),
    ("swr_cortex_memory", ("swr",), "1",
     "pattern with the highest cortical rate in the ripple (-1: cortex silent)"),
    ("swr_cortex_lead", ("swr",), "s",
     "how long that pattern's rate rises before the hippocampal E rate, from 100 ms before the "
     "onset to the end (half-rise times; positive: the cortex first; NaN: cortex silent, or "
     "either rate already high as the window opens)"),
    ("swr_in_up_state", ("swr",), "1", "the ripple starts in a slow-oscillation up state"),
    ("replay_count", ("memory",), "1", "ripples the memory won with a single winner (margin > 2)"),
    ("swr_single_fraction", (), "1", "fraction of ripples with a single winner (margin > 2)"),
    ("swr_up_fraction", (), "1", "fraction of ripples that start in up states"),
    ("swr_rate_up", (), "Hz", "ripples starting in up states per second of up state"),
    ("up_start", ("up_state",), "s", "slow-oscillation up state start"),
    ("up_end", ("up_state",), "s", "slow-oscillation up state end"),
    ("raster_time", ("spike",), "s", "spike time (raster sample)"),
    ("raster_cell", ("spike",), "1", "cell index within its population"),
    ("raster_population", ("spike",), "1", "population of the spike",
     {"flag_values": np.array([0, 1]), "flag_meanings": "ctx_e hpc_e"}),
    ("pattern", ("memory", "ctx_cell"), "1", "cortical E cell belongs to the memory's pattern"),
    ("index", ("memory", "hpc_cell"), "1", "hippocampal E cell belongs to the memory's index"),
    ("max_population_rate", (), "Hz", "largest binned population rate"),
    ("runaway", (), "1", "population rate exceeded simulation.max_rate (runaway activity)"),
    ("non_finite", (), "1",
     "NaN or infinity in a membrane potential, plastic weight, rate or recall score"),
)

# What collect adds to each cell's summary (counted from the per-ripple, per-drive and per-up-state
# detail).
COLLECTED = _table(
    ("swr_count", (), "1", "sharp-wave ripples detected in the offline phases"),
    ("disruption_count", (), "1", "events the closed-loop detector disrupted"),
    ("up_state_count", (), "1", "slow-oscillation up states"),
)
# fmt: on

# The variables of an STDP-window cell (kind stdp_window), a summary as it is.
WINDOW = _table(
    (
        "dw",
        ("offset",),
        "1",
        "weight change per spike pair in units of the learning rate (mean over the pairs at "
        "this offset)",
    ),
    (
        "tau_plus",
        (),
        "ms",
        "decay time of the window for pre before post (offset > 0), log-linear fit; NaN: that "
        "side does not decay exponentially",
    ),
    (
        "tau_minus",
        (),
        "ms",
        "decay time of the window for post before pre (offset < 0), log-linear fit; NaN: that "
        "side does not decay exponentially",
    ),
)
WINDOW_COORDINATES = _table(
    (
        "offset",
        ("offset",),
        "ms",
        "spike-pair offset t_post - t_pre (> 0: pre before post), nominal",
    ),
)


WORKING_MEMORY = _table(
    ("cued", ("item",), "1", "1 if the item was cued during loading"),
    (
        "held",
        ("item",),
        "1",
        "1 if the item spiked as a population within working_memory.hold_window before the "
        "delay's end",
    ),
    (
        "reinstated",
        ("item",),
        "1",
        "1 if the item spiked as a population during the nonspecific readout pulse (after the "
        "silent gap)",
    ),
    (
        "hold_time",
        ("item",),
        "s",
        "from the end of the item's cue to its last population spike before the delay's end "
        "(0: none after its cue; NaN: not cued)",
    ),
    ("delay_bursts", ("item",), "1", "population spikes of the item during the delay"),
    (
        "burst_time",
        ("item", "burst"),
        "s",
        "time of each population spike of the item (peak of its 5 ms rate); NaN pads",
    ),
    (
        "facilitation",
        ("item", "trace_time"),
        "1",
        "release probability u averaged over the item's recorded cells",
    ),
    ("held_count", (), "1", "cued items held at the delay's end"),
    ("reinstated_count", (), "1", "cued items reinstated by the readout pulse"),
    ("intrusions", (), "1", "items never cued but spiking as a population at the delay's end"),
    ("spike_time", ("spike",), "s", "time of each E spike"),
    ("spike_cell", ("spike",), "1", "index of the E cell of each spike"),
)
WORKING_MEMORY_COORDINATES = _table(
    ("item", ("item",), "1", "item index; items 0 .. load-1 are cued, in this order"),
    ("trace_time", ("trace_time",), "s", "time of the facilitation samples"),
)


def study_variables(kind: str = "network") -> dict[str, tuple[str, ...]]:
    """Data variable -> its dimensions besides the grid axes and ``seed``, in a study dataset."""
    if kind == "stdp_window":
        return {v.name: v.dims for v in WINDOW.values()}
    if kind == "working_memory":
        return {v.name: v.dims for v in WORKING_MEMORY.values() if "spike" not in v.dims}
    kept = {v.name: v.dims for v in CELL.values() if set(v.dims) <= SUMMARY_DIMS}
    return {**kept, **{v.name: v.dims for v in COLLECTED.values()}}


def dataset(
    values: dict[str, Any], coords: dict[str, Any], table: dict[str, Variable] = CELL
) -> xr.Dataset:
    """A dataset from values by name, each variable described by its row of ``table``."""
    missing = set(table) - set(values)
    if missing:
        raise KeyError(f"no value for variable(s) {sorted(missing)}")
    coordinate_rows = {**COORDINATES, **WINDOW_COORDINATES, **WORKING_MEMORY_COORDINATES}
    return xr.Dataset(
        {name: row(values[name]) for name, row in table.items()},
        coords={name: coordinate_rows[name](np.asarray(v)) for name, v in coords.items()},
    )
