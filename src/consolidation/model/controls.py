"""The schedule as control signals: every phase planned before the run, as TimedArrays.

A schedule's events (which cells are stimulated, when ripples start and which cells seed them,
down states, lesions, acetylcholine, when learning is on) depend on the parameters and the
events' random stream, never on the network's activity. So they are laid out in advance on a
grid of ``simulation.control_step`` and read by the equations as functions of time. The network
then runs the whole schedule in one ``run()``: brian2 generates every code object again at each
``run()``, and a compiled program would then differ with the number of phases.

Signals (names as the equations use them):

- ``acetylcholine(t)``: the ACh level (1 in wake, ``neuromod.ach_sleep`` in NREM).
- ``plasticity(t, channel)``: learning gain; channel 0 cortical E->E learning, on except
  during recall tests at a gain set by acetylcholine (:func:`cortical_gain`); channel 1
  hippocampal E->E and projection learning, dopamine's level during stimulation at encoding.
- ``cortex_offset(t)``: shift of cortical cells' rest (slow-oscillation down states).
- ``hippocampus_offset(t)``: shift of hippocampal E cells' rest (lesion at test; ripple
  excitability; serotonin in sleep).
- ``interneuron_offset(t)``: shift of hippocampal I cells' rest (noradrenaline in sleep).
- ``disruption(t)``: the probability with which the closed-loop detector disrupts an event
  it finds (``sleep.disruption`` in sleep, else 0); which events, and when, is the network's.
- ``stimulus(t, i)``, one per stimulated population: the Poisson rate of each cell's source
  (encoding, test cues, ripple seeds).
- ``phase(t)``: the position in the schedule of the phase under way (a day boundary takes no
  time, so the phase after it is two on), and after the schedule its number of phases; the
  network takes its weight snapshots and day decays where it changes (see
  :mod:`.phase_ends`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import brian2 as b2
import numpy as np

if TYPE_CHECKING:
    from consolidation.model.memories import Memories
    from consolidation.model.parameters import Parameters

CTX_LEARNING, HPC_LEARNING = 0, 1  # the channels of the plasticity signal
# The signals' shortest length: 82 s at the default 10 ms step, more than any schedule of the
# shipped configs (config/full.yaml's longest is 75 s), so that they all share their code.
MIN_STEPS = 1 << 13
CONDITIONS = ("intact", "lesioned")


@dataclass
class Record:
    """What the schedule does and when; turned into the Dataset's coordinates afterwards."""

    phases: list[dict[str, Any]] = field(default_factory=list)  # name, kind, start, end (s)
    tests: list[dict[str, Any]] = field(default_factory=list)  # label, memory, condition, window
    swrs: list[dict[str, Any]] = field(default_factory=list)  # onset, seed memory
    up_states: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Controls:
    """Every control signal as an array on the control grid, plus the record of the plan."""

    step: float  # s
    acetylcholine: np.ndarray  # (steps,)
    plasticity: np.ndarray  # (steps, channel)
    cortex_offset: np.ndarray  # (steps,) V
    hippocampus_offset: np.ndarray  # (steps,) V
    interneuron_offset: np.ndarray  # (steps,) V
    disruption: np.ndarray  # (steps,) probability
    stimulus: dict[str, np.ndarray]  # population -> (steps, cells) Hz
    phase: np.ndarray  # (steps,) position of the phase under way
    record: Record

    def timed_arrays(self) -> dict[str, b2.TimedArray]:
        """The signals as brian2 TimedArrays, keyed by the names the equations use.

        Each is padded with its last value to :data:`MIN_STEPS`, or a power of two of steps
        above it: the generated code holds a TimedArray's length, so schedules of different
        lengths then generate the same code objects, and a compiled project (or Cython module)
        of one serves the others (:mod:`consolidation.backends.projects`). No step of the
        schedule reads the padding.
        """
        dt = self.step * b2.second
        values = {
            "acetylcholine": self.acetylcholine,
            "plasticity": self.plasticity,
            "cortex_offset": self.cortex_offset * b2.volt,
            "hippocampus_offset": self.hippocampus_offset * b2.volt,
            "interneuron_offset": self.interneuron_offset * b2.volt,
            "disruption": self.disruption,
            "phase": self.phase,
            **{f"stimulus_{pop}": rates * b2.Hz for pop, rates in self.stimulus.items()},
        }
        # Named, because the generated code carries the names: brian2 would number unnamed
        # arrays by the objects still alive, so a second cell in one process would generate
        # (and compile) different code.
        return {name: b2.TimedArray(padded(v), dt=dt, name=name) for name, v in values.items()}


def padded(values):
    """`values` (steps first) with its last step repeated up to MIN_STEPS, or a power of two of
    steps above it."""
    steps = len(values)
    extra = max(MIN_STEPS, 1 << max(steps - 1, 0).bit_length()) - steps
    widths = [(0, extra)] + [(0, 0)] * (np.ndim(values) - 1)
    numbers = np.pad(np.asarray(values), widths, mode="edge")
    return b2.Quantity(numbers, dim=values.dim) if isinstance(values, b2.Quantity) else numbers


def phase_length(params: Parameters, phase: dict[str, Any]) -> float:
    """Length of one expanded phase (s)."""
    kind = phase["phase"]
    if kind == "encode":
        per = (params["encoding.duration"] + params["encoding.gap"]) / 1e3
        return phase["exposures"] * len(phase["memories"]) * per
    if kind in ("sleep", "wake"):
        return phase["duration"]
    if kind == "test":
        per = (params["test.duration"] + params["test.gap"]) / 1e3
        return len(CONDITIONS) * params["memory.count"] * per
    return 0.0  # day: an instant


ACH_LEVEL = {
    "encode": "neuromod.ach_wake",
    "wake": "neuromod.ach_wake",
    "day": "neuromod.ach_wake",
    "sleep": "neuromod.ach_sleep",
    "test": "neuromod.ach_test",
}


class Planner:
    """Writes each phase's events into the signal arrays, in order, on the control grid."""

    def __init__(
        self, params: Parameters, phases, memories: Memories, rng: np.random.Generator, held=None
    ):
        self.p, self.mem, self.rng = params, memories, rng
        # How strongly each memory's stimulus reaches its hippocampal index at encoding.
        self.to_hippocampus = np.ones(len(memories.indices)) if held is None else held
        self.step = params["simulation.control_step"] / 1e3
        total = sum(self.steps(phase_length(params, ph)) for ph in phases) + 1
        n_ctx, n_hpc = memories.patterns.shape[1], memories.indices.shape[1]
        self.c = Controls(
            step=self.step,
            acetylcholine=np.zeros(total),
            plasticity=np.zeros((total, 2)),
            cortex_offset=np.zeros(total),
            hippocampus_offset=np.zeros(total),
            interneuron_offset=np.zeros(total),
            disruption=np.zeros(total),
            stimulus={"ctx_e": np.zeros((total, n_ctx)), "hpc_e": np.zeros((total, n_hpc))},
            phase=np.zeros(total),
            record=Record(),
        )
        self.rate = params["encoding.inputs"] * params["encoding.rate"]
        self.k = 0  # current grid index
        self.encoded: list[int] = []  # memories stored so far, in order of first encoding
        self.cycle: list[int] = []  # memories still to seed a ripple in this cycle

    def steps(self, seconds: float) -> int:
        return round(seconds / self.step)

    def span(self, start: int, seconds: float) -> slice:
        return slice(start, start + self.steps(seconds))

    @property
    def now(self) -> float:
        return self.k * self.step

    def plan(self, phases) -> Controls:
        for position, phase in enumerate(phases):
            start = self.k
            length = self.steps(phase_length(self.p, phase))
            self.c.phase[start : start + length] = position
            ach = self.p[ACH_LEVEL[phase["phase"]]]
            self.c.acetylcholine[start : start + length] = ach
            if phase["phase"] != "test":  # tests measure, they do not teach
                self.c.plasticity[start : start + length, CTX_LEARNING] = cortical_gain(self.p, ach)
            getattr(self, phase["phase"])(phase)
            self.k = start + length
            self.c.record.phases.append(
                {
                    "name": phase["name"],
                    "kind": phase["phase"],
                    "start": start * self.step,
                    "end": self.now,
                }
            )
        self.c.acetylcholine[self.k :] = self.p["neuromod.ach_wake"]
        self.c.phase[self.k :] = len(phases)
        return self.c

    # --- phases -----------------------------------------------------------------------------
    def encode(self, phase: dict[str, Any]) -> None:
        p, c = self.p, self.c
        self.encoded += [m for m in phase["memories"] if m not in self.encoded]
        for _ in range(phase["exposures"]):
            for m in phase["memories"]:
                on = self.span(self.k, p["encoding.duration"] / 1e3)
                c.stimulus["ctx_e"][on] = self.rate * self.mem.patterns[m]
                c.stimulus["hpc_e"][on] = self.rate * self.to_hippocampus[m] * self.mem.indices[m]
                rewarded = m in p["neuromod.rewarded_memories"]
                c.plasticity[on, HPC_LEARNING] = p[
                    "neuromod.reward_dopamine" if rewarded else "neuromod.dopamine"
                ]
                self.k = on.stop + self.steps(p["encoding.gap"] / 1e3)

    def sleep(self, phase: dict[str, Any]) -> None:
        p, c = self.p, self.c
        start = self.k
        self.cycle = []  # each night cycles over the memories stored by then
        night = self.span(start, phase["duration"])
        c.cortex_offset[night] = -p["sleep.down_depth"] / 1e3
        c.hippocampus_offset[night] -= (
            p["neuromod.serotonin_sleep"] * p["neuromod.serotonin_hyperpolarisation"] / 1e3
        )
        c.interneuron_offset[night] = (
            p["neuromod.noradrenaline_sleep"] * p["neuromod.noradrenaline_depolarisation"] / 1e3
        )
        c.disruption[night] = p["sleep.disruption"]
        windows = []
        for up_start, up_end, onsets in plan_night(p, phase["duration"], self.rng):
            up = slice(start + self.steps(up_start), start + self.steps(up_end))
            c.cortex_offset[up] = 0.0
            c.record.up_states.append((up.start * self.step, up.stop * self.step))
            windows.append(up)
            for onset in onsets:
                self.ripple(start + self.steps(onset))
        self.cue(windows)

    def ripple(self, k: int) -> None:
        """One sharp-wave drive at grid index k: excite the hippocampus (and kick seed cells)."""
        p, c = self.p, self.c
        seed_memory, seeds = self.choose_seed()
        c.stimulus["hpc_e"][self.span(k, p["sleep.swr_seed_duration"] / 1e3)] = (
            p["sleep.swr_seed_rate"] * seeds
        )
        excited = self.span(k, p["sleep.swr_duration"] / 1e3)
        c.hippocampus_offset[excited] += self.excitability()[: len(c.hippocampus_offset[excited])]
        c.record.swrs.append({"onset": k * self.step, "seed_memory": seed_memory})

    def excitability(self) -> np.ndarray:
        """The ripple's depolarisation of hippocampal E cells (V), per control step: a step, or
        a linear ramp from 0 to its height (the first index to reach threshold wins)."""
        p = self.p
        height = p["sleep.swr_excitability"] / 1e3
        steps = self.steps(p["sleep.swr_duration"] / 1e3)
        if p["sleep.swr_shape"] == "step":
            return np.full(steps, height)
        return height * (np.arange(steps) + 1) / steps

    def choose_seed(self) -> tuple[int, np.ndarray]:
        """The cells that start a ripple: part of one stored memory's index, or random cells.

        Only memories encoded before this night can be replayed. In the ``cycle`` order each
        stored memory seeds one ripple, in a shuffled order, before any seeds a second (a
        just-replayed assembly is refractory); ``independent`` draws every seed afresh, so a
        short night can leave a memory unseeded.
        """
        p, mem, rng = self.p, self.mem, self.rng
        n_hpc = mem.indices.shape[1]
        k = max(1, round(p["sleep.swr_seed_fraction"] * mem.indices[0].sum()))
        if p["sleep.swr_seed_source"] == "none":
            return -1, np.zeros(n_hpc, dtype=bool)
        if p["sleep.swr_seed_source"] == "memory" and self.encoded:
            if p["sleep.swr_seed_order"] == "independent":
                memory = int(rng.choice(self.encoded))
            else:
                if not self.cycle:
                    self.cycle = list(rng.permutation(self.encoded))
                memory = int(self.cycle.pop())
        else:
            memory = -1
        pool = np.flatnonzero(mem.indices[memory]) if memory >= 0 else np.arange(n_hpc)
        seeds = np.zeros(n_hpc, dtype=bool)
        seeds[rng.choice(pool, size=min(k, len(pool)), replace=False)] = True
        return memory, seeds

    def wake(self, phase: dict[str, Any]) -> None:
        # The awake control of targeted reactivation: the cue in the windows sleep's up states
        # would take, so both get the same dose.
        self.cue(
            [
                slice(self.k + self.steps(a), self.k + self.steps(b))
                for a, b in up_windows(self.p, phase["duration"])
            ]
        )

    def cue(self, windows: list[slice]) -> None:
        """Targeted reactivation (a sound-cue analogue): weak input to the cue cells of the cued
        memories stored by now, one memory per window in turn. Which index a ripple then
        replays is the network's: the cue reaches the hippocampus only through the cortex."""
        cued = [m for m in self.p["cue.memories"] if m in self.encoded]
        for k, window in enumerate(windows if cued else []):
            m = cued[k % len(cued)]
            self.c.stimulus["ctx_e"][window] += self.p["cue.rate"] * self.mem.cues[m]

    def test(self, phase: dict[str, Any]) -> None:
        p, c = self.p, self.c
        lesion = p["test.lesion_depth"] / 1e3
        for condition in CONDITIONS:
            for m in range(p["memory.count"]):
                on = self.span(self.k, p["test.duration"] / 1e3)
                c.stimulus["ctx_e"][on] = self.rate * self.mem.cues[m]
                block = slice(on.start, on.stop + self.steps(p["test.gap"] / 1e3))
                if condition == "lesioned":
                    c.hippocampus_offset[block] = -lesion
                c.record.tests.append(
                    {
                        "label": phase["label"],
                        "memory": m,
                        "condition": condition,
                        "start": on.start * self.step,
                        "end": on.stop * self.step,
                    }
                )
                self.k = block.stop

    def day(self, phase: dict[str, Any]) -> None:
        """An instant: the network decays its hippocampal weights where `phase` skips it."""


def cortical_gain(params: Parameters, ach: float) -> float:
    """The gain on cortical learning at acetylcholine level `ach` (see its parameter)."""
    return 1 + (params["neuromod.ach_cortical_gain"] - 1) * (1 - ach)


def on_grid(t: float, step: float) -> float:
    """Time `t` (s) rounded to the control grid of `step` s."""
    return round(t / step) * step


def up_windows(params: Parameters, duration: float) -> list[tuple[float, float]]:
    """The slow oscillation's up states in a phase of `duration` s, as (start, end) from its
    start: each cycle is a down state, then an up state. Times are on the control grid."""
    step = params["simulation.control_step"] / 1e3
    period = 1 / params["sleep.so_frequency"]
    up_len = params["sleep.up_fraction"] * period
    windows = []
    for cycle in range(int(np.ceil(duration / period))):
        up_start = on_grid(cycle * period + (period - up_len), step)
        if up_start >= duration:
            break
        windows.append((up_start, min(on_grid(up_start + up_len, step), duration)))
    return windows


def plan_night(params: Parameters, duration: float, rng: np.random.Generator):
    """Up states of the slow oscillation and the SWR onsets inside each (times from sleep start).

    SWRs are a Poisson process at `sleep.swr_rate` restricted to up states, with a dead time of
    one drive so that drives never overlap or spill into a down state. Times are rounded to
    the control grid.
    """
    step = params["simulation.control_step"] / 1e3
    window = params["sleep.swr_duration"] / 1e3
    rate = params["sleep.swr_rate"]
    plan = []
    for up_start, up_end in up_windows(params, duration):
        onsets, t = [], up_start
        while rate > 0:
            t = on_grid(t + rng.exponential(1 / rate), step)
            if t + window > up_end + 1e-9:
                break
            onsets.append(t)
            t += window
        plan.append((up_start, up_end, onsets))
    return plan


def plan_schedule(params: Parameters, phases, memories: Memories, rng, held=None) -> Controls:
    """Lay out the whole expanded schedule as control signals (see the module docstring);
    `held` (per memory, 0 or 1) gates the encoding stimulus of each hippocampal index."""
    return Planner(params, phases, memories, rng, held).plan(phases)
