"""Every model parameter in one place: dotted name, default, unit, allowed range, meaning.

A config overrides parameters by dotted name (``sleep.swr_rate: 2.0``). Numbers are read in the
parameter's declared unit; a string with a unit (``"200 ms"``) is also accepted and must have the
right dimension. Anything unknown, mistyped or out of range raises :class:`ParameterError` naming
the dotted key and what is allowed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import brian2 as b2

from consolidation.model.errors import ParameterError
from consolidation.model.schedule import validate_phases

# Unit names a config may use (in numbers' declared units and in strings like "200 ms").
UNITS = {
    "s": b2.second,
    "second": b2.second,
    "ms": b2.ms,
    "us": b2.us,
    "V": b2.volt,
    "volt": b2.volt,
    "mV": b2.mV,
    "Hz": b2.Hz,
    "kHz": b2.kHz,
}


@dataclass(frozen=True)
class Spec:
    """One parameter: its default, unit (None for dimensionless), bounds and meaning."""

    default: Any
    doc: str
    unit: str | None = None
    kind: type = float
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    low_open: bool = False  # True: the value must be strictly above `low`

    def describe(self) -> str:
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "true or false"
        if self.kind is list:
            return "a list"
        what = "an integer" if self.kind is int else "a number"
        bounds = []
        if self.low is not None:
            bounds.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if self.high is not None:
            bounds.append(f"<= {self.high:g}")
        unit = f" in {self.unit}" if self.unit else ""
        return f"{what}{unit}" + (f" ({' and '.join(bounds)})" if bounds else "")


def _s(default, doc, unit=None, low=None, high=None, kind=None, low_open=False, choices=None):
    if kind is None:
        kind = type(default) if choices is None else str
        kind = float if kind is int and unit is not None else kind
    return Spec(default, doc, unit, kind, low, high, tuple(choices) if choices else None, low_open)


POSITIVE = {"low": 0.0, "low_open": True}
NONNEG = {"low": 0.0}
FRACTION = {"low": 0.0, "high": 1.0}

DEFAULT_SCHEDULE = [
    {"phase": "encode"},
    {"phase": "test", "label": "pre"},
    {"phase": "offline"},
    {"phase": "test", "label": "post"},
]

SPECS: dict[str, Spec] = {
    # --- simulation ---
    "simulation.dt": _s(0.2, "integration time step", "ms", 0.01, 1.0),
    "simulation.control_step": _s(
        10.0,
        "grid of the schedule's control signals; every phase timing must be a multiple of it",
        "ms",
        0.1,
        100.0,
    ),
    "simulation.rate_bin": _s(10.0, "bin width of the stored population rates", "ms", **POSITIVE),
    "simulation.raster_swrs": _s(
        3, "number of SWR events whose spikes are kept as a raster", low=0
    ),
    "simulation.max_rate": _s(
        250.0, "binned population rate above which a run is flagged as runaway", "Hz", **POSITIVE
    ),
    "simulation.device": _s(
        "runtime",
        "brian2 device: runtime (Cython, code compiled per code object) or cpp_standalone (the "
        "network compiled once per structure into a cached project, each cell run through it)",
        choices=("runtime", "cpp_standalone"),
    ),
    # --- network sizes ---
    "network.scale": _s(
        1.0,
        "multiplies every population size (weights scale as 1/scale)",
        low=0.05,
        high=20.0,
        low_open=True,
    ),
    "network.ctx_e": _s(500, "cortical excitatory cells at scale 1", low=10),
    "network.ctx_i": _s(125, "cortical inhibitory cells at scale 1", low=1),
    "network.hpc_e": _s(250, "hippocampal (CA3) excitatory cells at scale 1", low=10),
    "network.hpc_i": _s(60, "hippocampal inhibitory cells at scale 1", low=1),
    # --- cells ---
    "cell.tau_e": _s(20.0, "membrane time constant, excitatory cells", "ms", **POSITIVE),
    "cell.tau_i": _s(10.0, "membrane time constant, inhibitory cells", "ms", **POSITIVE),
    "cell.v_rest": _s(-65.0, "resting potential", "mV"),
    "cell.v_threshold": _s(-50.0, "spike threshold", "mV"),
    "cell.v_reset": _s(-65.0, "reset potential", "mV"),
    "cell.refractory": _s(2.0, "absolute refractory period", "ms", **NONNEG),
    "cell.bg_inputs": _s(600, "independent Poisson background inputs per cell", low=0),
    "cell.bg_rate": _s(1.0, "rate of each background input", "Hz", **NONNEG),
    "cell.bg_weight": _s(1.0, "voltage jump per background spike", "mV", **NONNEG),
    # --- memories ---
    "memory.count": _s(5, "number of memories (cortical pattern + hippocampal index each)", low=1),
    "memory.pattern_fraction": _s(
        0.1, "fraction of cortical E cells in each pattern", **POSITIVE, high=0.5
    ),
    "memory.index_fraction": _s(
        0.08, "fraction of hippocampal E cells in each index", **POSITIVE, high=0.5
    ),
    "memory.layout": _s(
        "disjoint",
        "how patterns are drawn: disjoint sets, or independent random sets that may overlap",
        choices=("disjoint", "random"),
    ),
    # --- cortex ---
    "cortex.p_ee": _s(0.3, "E->E connection probability", **FRACTION),
    "cortex.w_ee": _s(0.3, "initial E->E weight", "mV", **NONNEG),
    "cortex.w_ee_max": _s(2.0, "upper bound of E->E weights", "mV", **POSITIVE),
    "cortex.p_inh": _s(0.2, "E->I, I->E and I->I connection probability", **FRACTION),
    "cortex.w_ei": _s(1.5, "E->I weight", "mV", **NONNEG),
    "cortex.w_ie": _s(3.0, "I->E weight (a hyperpolarising jump)", "mV", **NONNEG),
    "cortex.w_ii": _s(2.0, "I->I weight (a hyperpolarising jump)", "mV", **NONNEG),
    # A slow afterhyperpolarisation: small per spike, so a 0.2 s recall is barely touched, but
    # it builds up over seconds of firing, so a consolidated assembly cannot stay on by itself
    # and merge with the next one replayed.
    "cortex.adaptation": _s(0.2, "spike-triggered adaptation jump, E cells", "mV", **NONNEG),
    "cortex.tau_adaptation": _s(2000.0, "adaptation decay time", "ms", **POSITIVE),
    "cortex.rule": _s("symmetric", "E->E plasticity rule", choices=("symmetric", "bipoo")),
    "cortex.eta": _s(0.003, "E->E learning rate (weight change per unit trace)", "mV", **NONNEG),
    "cortex.c_pre": _s(0.4, "symmetric rule: depression per presynaptic spike", **NONNEG),
    "cortex.c_post": _s(0.4, "symmetric rule: depression per postsynaptic spike", **NONNEG),
    # --- hippocampus ---
    "hippocampus.p_ee": _s(1.0, "E->E connection probability", **FRACTION),
    "hippocampus.w_ee": _s(0.1, "initial E->E weight", "mV", **NONNEG),
    "hippocampus.w_ee_max": _s(1.25, "upper bound of E->E weights", "mV", **POSITIVE),
    "hippocampus.p_inh": _s(0.2, "E->I, I->E and I->I connection probability", **FRACTION),
    "hippocampus.w_ei": _s(1.5, "E->I weight", "mV", **NONNEG),
    "hippocampus.w_ie": _s(3.0, "I->E weight (a hyperpolarising jump)", "mV", **NONNEG),
    "hippocampus.w_ii": _s(2.0, "I->I weight (a hyperpolarising jump)", "mV", **NONNEG),
    "hippocampus.adaptation": _s(3.0, "spike-triggered adaptation jump, E cells", "mV", **NONNEG),
    "hippocampus.tau_adaptation": _s(500.0, "adaptation decay time", "ms", **POSITIVE),
    "hippocampus.rule": _s("symmetric", "E->E plasticity rule", choices=("symmetric", "bipoo")),
    "hippocampus.eta": _s(0.375, "E->E learning rate (fast: one-shot binding)", "mV", **NONNEG),
    "hippocampus.c_pre": _s(0.6, "symmetric rule: depression per presynaptic spike", **NONNEG),
    "hippocampus.c_post": _s(0.6, "symmetric rule: depression per postsynaptic spike", **NONNEG),
    # --- projections between areas ---
    "projection.p": _s(
        1.0, "connection probability of cortex<->hippocampus projections", **FRACTION
    ),
    "projection.w_hc": _s(0.0, "initial hippocampus->cortex weight", "mV", **NONNEG),
    "projection.w_hc_max": _s(2.0, "upper bound of hippocampus->cortex weights", "mV", **POSITIVE),
    "projection.w_ch": _s(0.0, "initial cortex->hippocampus weight", "mV", **NONNEG),
    "projection.w_ch_max": _s(1.0, "upper bound of cortex->hippocampus weights", "mV", **POSITIVE),
    "projection.rule": _s(
        "symmetric", "plasticity rule of both projections", choices=("symmetric", "bipoo")
    ),
    "projection.eta": _s(
        0.6, "learning rate of both projections (fast, encoding only)", "mV", **NONNEG
    ),
    "projection.c_pre": _s(0.6, "symmetric rule: depression per presynaptic spike", **NONNEG),
    "projection.c_post": _s(0.6, "symmetric rule: depression per postsynaptic spike", **NONNEG),
    # --- STDP windows ---
    "stdp.tau": _s(20.0, "symmetric rule: trace time constant (both sides)", "ms", **POSITIVE),
    "stdp.tau_plus": _s(16.8, "Bi & Poo rule: potentiation time constant", "ms", **POSITIVE),
    "stdp.tau_minus": _s(33.7, "Bi & Poo rule: depression time constant", "ms", **POSITIVE),
    "stdp.a_minus": _s(
        0.5, "Bi & Poo rule: depression amplitude relative to potentiation", **NONNEG
    ),
    # the spike-pair protocol of STDP-window studies (kind: stdp_window; consolidation.model.stdp)
    "stdp.pathway": _s(
        "cortex",
        "STDP-window studies: the pathway whose plastic synapse (and <pathway>.rule) is probed",
        choices=("cortex", "hippocampus", "projection"),
    ),
    "stdp.offsets": _s(
        [-100.0, -80.0, -60.0, -40.0, -30.0, -20.0, -10.0, -5.0]
        + [5.0, 10.0, 20.0, 30.0, 40.0, 60.0, 80.0, 100.0],
        "STDP-window studies: spike-pair offsets t_post - t_pre (> 0: pre before post)",
        "ms",
        kind=list,
    ),
    "stdp.pairs": _s(
        60,
        "STDP-window studies: spike pairs per offset (Bi & Poo 1998: 60 at 1 Hz)",
        low=1,
        high=10_000,
    ),
    "stdp.jitter": _s(
        2.0,
        "STDP-window studies: SD of each spike's time around its nominal time (latency jitter)",
        "ms",
        low=0.0,
        high=20.0,
    ),
    # --- neuromodulation ---
    "neuromod.ach_wake": _s(1.0, "acetylcholine level in wake (encoding, wake rest)", **FRACTION),
    "neuromod.ach_sleep": _s(0.0, "acetylcholine level in NREM sleep", **FRACTION),
    "neuromod.ach_test": _s(1.0, "acetylcholine level during recall tests", **FRACTION),
    # Half: at 0.3 consolidated assemblies reactivated while a new memory was encoded and
    # bound to its index (Hasselmo & Bower 1992 measured stronger suppression of intrinsic
    # fibres by cholinergic agonists).
    "neuromod.ach_recurrent": _s(
        0.5, "fraction of cortical E->E transmission that full ACh suppresses", **FRACTION
    ),
    "neuromod.ach_hpc_recurrent": _s(
        0.8,
        "fraction of hippocampal E->E transmission that full ACh suppresses (keeps stored "
        "indices from reactivating, and binding to the new one, during encoding)",
        **FRACTION,
    ),
    "neuromod.ach_feedback": _s(
        0.75, "fraction of hippocampus->cortex transmission that full ACh suppresses", **FRACTION
    ),
    # Half, so that a fresh hippocampal trace recalls through a whole cue while the slow AHP
    # still ends reverberation between cues (a full block leaves an index firing on).
    "neuromod.ach_hpc_adaptation": _s(
        0.5,
        "fraction of hippocampal E cells' spike-triggered adaptation that full ACh suppresses "
        "(muscarinic block of the slow AHP)",
        **FRACTION,
    ),
    "neuromod.dopamine": _s(
        1.0, "novelty/dopamine factor on hippocampal learning during encoding", low=0.0, high=10.0
    ),
    # --- encoding ---
    "encoding.duration": _s(400.0, "stimulation time per memory per exposure", "ms", **POSITIVE),
    "encoding.gap": _s(200.0, "pause after each stimulation", "ms", **NONNEG),
    "encoding.exposures": _s(1, "presentations of each memory per encode phase", low=1),
    "encoding.rate": _s(40.0, "rate of the Poisson stimulus to each driven cell", "Hz", **NONNEG),
    "encoding.weight": _s(2.0, "voltage jump per stimulus spike", "mV", **NONNEG),
    "encoding.inputs": _s(10, "independent stimulus inputs per driven cell", low=0),
    "encoding.plasticity_gain": _s(
        1.0,
        "gain on cortical E->E learning during encoding (the "
        "cortex stays slow: cortex.eta is 100x below the hippocampus)",
        **NONNEG,
    ),
    # --- sleep ---
    "sleep.duration": _s(15.0, "length of a night (one sleep phase)", "s", **POSITIVE),
    "sleep.so_frequency": _s(0.75, "slow-oscillation frequency", "Hz", **POSITIVE),
    "sleep.up_fraction": _s(
        0.6, "fraction of each slow-oscillation cycle in the up state", low=0.05, high=1.0
    ),
    "sleep.down_depth": _s(
        10.0, "hyperpolarisation of cortical cells in down states", "mV", **NONNEG
    ),
    "sleep.swr_rate": _s(4.0, "sharp-wave ripple rate during up states", "Hz", **NONNEG),
    "sleep.swr_seed_fraction": _s(
        0.4,
        "fraction of an index's cells kicked to start each SWR "
        "(as many random cells when swr_seed_source is random)",
        **POSITIVE,
        high=1.0,
    ),
    "sleep.swr_seed_source": _s(
        "memory",
        "where the seed cells come from: one random memory's index, or any hippocampal E cells",
        choices=("memory", "random"),
    ),
    "sleep.swr_seed_order": _s(
        "cycle",
        "which memory seeds each SWR: shuffled cycles over the stored memories (each once per "
        "cycle), or independent uniform draws",
        choices=("cycle", "independent"),
    ),
    "sleep.swr_seed_rate": _s(
        600.0, "rate of the seed kick (each spike jumps by encoding.weight)", "Hz", **NONNEG
    ),
    "sleep.swr_seed_duration": _s(50.0, "length of the seed kick", "ms", **POSITIVE),
    "sleep.swr_excitability": _s(
        0.0, "depolarisation of all hippocampal E cells during a ripple", "mV", **NONNEG
    ),
    "sleep.swr_duration": _s(60.0, "length of the ripple excitability window", "ms", **POSITIVE),
    "sleep.plasticity_window": _s(
        80.0, "cortical plasticity is on from ripple onset for this long", "ms", **POSITIVE
    ),
    "sleep.plasticity_gain": _s(
        40.0, "gain on cortical learning inside ripple windows (low-ACh sleep state)", **NONNEG
    ),
    "sleep.disruption": _s(0.0, "probability that a ripple is cut short by inhibition", **FRACTION),
    "sleep.disruption_delay": _s(10.0, "delay from ripple onset to disruption", "ms", **NONNEG),
    "sleep.disruption_depth": _s(
        40.0, "hyperpolarisation of hippocampal E cells while disrupted", "mV", **NONNEG
    ),
    "sleep.cued_memories": _s([], "memories cued by targeted reactivation (indices)", kind=list),
    "sleep.cue_bias": _s(
        0.5, "probability that a ripple is seeded from a cued memory when some are cued", **FRACTION
    ),
    "sleep.downscale": _s(
        0.0,
        "synaptic downscaling at the end of sleep: fractional cut of cortical E->E weights",
        **FRACTION,
    ),
    "sleep.downscale_spare": _s(
        0.9, "weights above this quantile are spared by downscaling", **FRACTION
    ),
    # --- wake rest ---
    "wake.duration": _s(15.0, "length of a wake rest phase", "s", **POSITIVE),
    "wake.plasticity_gain": _s(1.0, "cortical plasticity gain during wake rest", **NONNEG),
    # --- test ---
    "test.cue_fraction": _s(0.3, "fraction of a pattern's cells cued at test", low=0.05, high=0.95),
    "test.duration": _s(200.0, "length of each cue", "ms", **POSITIVE),
    "test.gap": _s(100.0, "pause after each cue", "ms", **NONNEG),
    "test.lesion_depth": _s(
        40.0, "hyperpolarisation of hippocampal E cells when lesioned", "mV", **NONNEG
    ),
    # --- days ---
    "day.hpc_decay": _s(
        0.5,
        "fraction of learned hippocampal and projection weight lost at each day boundary",
        **FRACTION,
    ),
    # --- schedule ---
    "schedule.offline": _s("sleep", "what an 'offline' phase is", choices=("sleep", "wake")),
    "schedule.phases": _s(
        DEFAULT_SCHEDULE, "the phases, in order (see README: schedules)", kind=list
    ),
}

# Timings the schedule lays out on the control grid (ms or s, as declared).
TIMED_ON_GRID = (
    "encoding.duration",
    "encoding.gap",
    "test.duration",
    "test.gap",
    "sleep.duration",
    "wake.duration",
    "sleep.swr_seed_duration",
    "sleep.swr_duration",
    "sleep.plasticity_window",
    "sleep.disruption_delay",
)

SECTIONS = sorted({name.split(".")[0] for name in SPECS})


def _coerce(name: str, spec: Spec, value: Any) -> Any:
    """Check one override against its spec; return it as a plain number in the declared unit."""
    allowed = f"allowed: {spec.describe()}"
    if spec.kind is list:
        if not isinstance(value, list | tuple):
            raise ParameterError(f"parameter '{name}': expected a list, got {value!r}")
        return list(value)
    if spec.choices:
        if value not in spec.choices:
            raise ParameterError(f"parameter '{name}': {value!r} is not allowed; {allowed}")
        return value
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"parameter '{name}': {value!r} is not a boolean; {allowed}")
        return value
    if isinstance(value, str) and spec.unit is not None:
        value = _parse_quantity(name, spec, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"parameter '{name}': {value!r} is not a number; {allowed}")
    if spec.kind is int:
        if float(value) != int(value):
            raise ParameterError(f"parameter '{name}': {value!r} is not an integer; {allowed}")
        value = int(value)
    else:
        value = float(value)
    if not math.isfinite(value):
        raise ParameterError(f"parameter '{name}': {value!r} is not finite; {allowed}")
    if spec.low is not None and (value < spec.low or (spec.low_open and value == spec.low)):
        raise ParameterError(f"parameter '{name}': {value!r} is out of range; {allowed}")
    if spec.high is not None and value > spec.high:
        raise ParameterError(f"parameter '{name}': {value!r} is out of range; {allowed}")
    return value


def _parse_quantity(name: str, spec: Spec, text: str) -> float:
    """'200 ms' -> 200.0 for a parameter declared in ms; a wrong dimension is an error."""
    unit = UNITS[spec.unit]
    try:
        number, _, unit_name = text.strip().partition(" ")
        given = float(number) * UNITS[unit_name.strip()]
    except (KeyError, ValueError):
        raise ParameterError(
            f"parameter '{name}': cannot read {text!r} as a quantity; give a number in "
            f"{spec.unit} or a string like '1.5 {spec.unit}'"
        ) from None
    if not b2.have_same_dimensions(given, unit):
        raise ParameterError(
            f"parameter '{name}': {text!r} has the wrong unit; expected a quantity in {spec.unit}"
        )
    return float(given / unit)


@dataclass(frozen=True)
class Parameters(Mapping):
    """A complete, validated set of parameters; read values by dotted name.

    ``params["sleep.duration"]`` is the plain number in the declared unit (15.0, seconds);
    ``params.q("sleep.duration")`` is the brian2 quantity (15. * second).
    """

    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None = None) -> Parameters:
        values = {name: spec.default for name, spec in SPECS.items()}
        for name, value in flatten(overrides or {}).items():
            if name not in SPECS:
                raise ParameterError(_unknown(name))
            values[name] = _coerce(name, SPECS[name], value)
        params = cls(values)
        params.check_consistency()
        return params

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def q(self, name: str) -> Any:
        """The value as a brian2 quantity (plain number for dimensionless parameters)."""
        unit = SPECS[name].unit
        return self.values[name] * UNITS[unit] if unit else self.values[name]

    def n(self, name: str) -> int:
        """A population size after applying ``network.scale``."""
        return max(1, round(self.values[name] * self.values["network.scale"]))

    def check_consistency(self) -> None:
        """Constraints that involve several parameters."""
        validate_phases(self.values["schedule.phases"])
        n_mem = self.values["memory.count"]
        for i in self.values["sleep.cued_memories"]:
            if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < n_mem:
                raise ParameterError(
                    f"parameter 'sleep.cued_memories': {i!r} is not a memory index "
                    f"(allowed: integers 0..{n_mem - 1})"
                )
        for size, frac in (
            ("network.ctx_e", "memory.pattern_fraction"),
            ("network.hpc_e", "memory.index_fraction"),
        ):
            if self.values["memory.layout"] == "disjoint" and n_mem * self.values[frac] > 1:
                raise ParameterError(
                    f"parameter '{frac}': {n_mem} disjoint memories of fraction "
                    f"{self.values[frac]:g} do not fit in {size}; lower it or use "
                    "memory.layout: random"
                )
        self._check_control_grid()
        if self.values["simulation.device"] == "cpp_standalone" and self.values["sleep.downscale"]:
            raise ParameterError(
                "parameter 'sleep.downscale': downscaling (a quantile of the cortical weights at "
                "the end of a night) is not available with simulation.device: cpp_standalone; "
                "set sleep.downscale to 0 or use simulation.device: runtime"
            )
        if self.values["cell.v_threshold"] <= self.values["cell.v_reset"]:
            raise ParameterError(
                "parameter 'cell.v_threshold': must lie above cell.v_reset "
                f"({self.values['cell.v_reset']:g} mV)"
            )

    def _check_control_grid(self) -> None:
        """Phase timings must fall on the control grid (see consolidation.model.controls)."""
        step = self.values["simulation.control_step"]
        timed = list(TIMED_ON_GRID)
        timed += [
            f"schedule.phases[{i}].duration"
            for i, phase in enumerate(self.values["schedule.phases"])
            if "duration" in phase
        ]
        for key in timed:
            if key.startswith("schedule.phases["):
                i = int(key.split("[")[1].split("]")[0])
                value = self.values["schedule.phases"][i]["duration"] * 1e3
            else:
                value = self.values[key] * (1e3 if SPECS[key].unit == "s" else 1.0)
            if abs(value / step - round(value / step)) > 1e-6:
                raise ParameterError(
                    f"parameter '{key}': {value:g} ms is not a multiple of "
                    f"simulation.control_step ({step:g} ms); change one of them"
                )

    def flat(self) -> dict[str, Any]:
        """Every parameter by dotted name, as netCDF-safe scalars (lists as JSON text)."""
        return {k: json.dumps(v) if isinstance(v, list) else v for k, v in self.values.items()}


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"sleep": {"duration": 5}} and {"sleep.duration": 5} both give {"sleep.duration": 5}."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and name not in SPECS:
            if name in SECTIONS or not prefix and key in SECTIONS:
                flat.update(flatten(value, f"{name}."))
                continue
        flat[name] = value
    return flat


def _unknown(name: str) -> str:
    section = name.split(".")[0]
    if section in SECTIONS:
        close = [k for k in SPECS if k.startswith(section + ".")]
        return f"unknown parameter '{name}'; parameters in '{section}': " + ", ".join(close)
    return f"unknown parameter '{name}'; known sections: " + ", ".join(SECTIONS)
