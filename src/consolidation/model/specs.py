"""The table of model parameters: dotted name, default, unit, allowed range, one-line meaning.

:class:`consolidation.model.parameters.Parameters` validates overrides against it.
"""

from __future__ import annotations

from consolidation.model.spec import FRACTION, NONNEG, POSITIVE, UNITS, Spec
from consolidation.model.spec import spec as _s  # short: the table below calls it ~150 times
from consolidation.model.specs_stdp import SPECS_STDP
from consolidation.model.specs_wm import SPECS_WM

__all__ = ["SECTIONS", "SPECS", "UNITS", "Spec"]

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
        3, "the raster keeps the spikes around this many first sharp-wave drives", low=0
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
    "simulation.threads": _s(
        1, "OpenMP threads of the compiled program (cpp_standalone only)", low=1, high=64
    ),
    # --- detection of population events from spikes (model.activity) ---
    "detect.rate_sigma": _s(
        15.0, "width of the Gaussian that smooths the hippocampal E rate", "ms", 1.0, 50.0
    ),
    "detect.threshold_sd": _s(
        3.0,
        "an event's smoothed rate exceeds the mean outside events by this many SDs",
        **POSITIVE,
    ),
    "detect.edge_sd": _s(
        1.0, "an event starts and ends where the rate crosses that mean + this many SDs", **NONNEG
    ),
    "detect.online_tau": _s(
        15.0,
        "closed-loop detector: smoothing of the hippocampal E population rate",
        "ms",
        1.0,
        50.0,
    ),
    "detect.online_baseline": _s(
        2.0,
        "closed-loop detector: time constant of the running mean and variance",
        "s",
        **POSITIVE,
    ),
    "detect.online_threshold_sd": _s(
        3.0,
        "closed-loop detector: fires where the rate exceeds the running mean by this many "
        "running SDs",
        **POSITIVE,
    ),
    "detect.online_refractory": _s(
        100.0, "closed-loop detector: dead time after a detection (one event)", "ms", **POSITIVE
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
    "cell.tau_i": _s(10.0, "membrane time constant, cortical inhibitory cells", "ms", **POSITIVE),
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
    "memory.overlap": _s(
        0.0,
        "fraction of each memory's cortical pattern taken from the pattern of the memory "
        "memory.overlap_lag before it (hippocampal indices stay as the layout draws them)",
        **FRACTION,
    ),
    "memory.overlap_lag": _s(
        1, "how many memories back the pattern a memory overlaps lies (memory.overlap)", low=1
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
    "cortex.downscaling": _s(
        0.0,
        "synaptic homeostasis: fraction of an E->E weight each presynaptic spike takes while it "
        "learns, times 1 - acetylcholine (so in NREM, not in wake)",
        low=0.0,
        high=0.1,
    ),
    # --- hippocampus ---
    "hippocampus.p_ee": _s(1.0, "E->E connection probability", **FRACTION),
    "hippocampus.w_ee": _s(0.1, "initial E->E weight", "mV", **NONNEG),
    "hippocampus.w_ee_max": _s(1.25, "upper bound of E->E weights", "mV", **POSITIVE),
    "hippocampus.p_inh": _s(0.3, "E->I, I->E and I->I connection probability", **FRACTION),
    "hippocampus.w_ei": _s(1.5, "E->I weight", "mV", **NONNEG),
    "hippocampus.w_ie": _s(12.0, "I->E weight (a hyperpolarising jump)", "mV", **NONNEG),
    "hippocampus.w_ii": _s(2.0, "I->I weight (a hyperpolarising jump)", "mV", **NONNEG),
    "hippocampus.tau_i": _s(
        5.0, "membrane time constant, hippocampal inhibitory cells", "ms", **POSITIVE
    ),
    "hippocampus.adaptation": _s(1.5, "spike-triggered adaptation jump, E cells", "mV", **NONNEG),
    "hippocampus.tau_adaptation": _s(2000.0, "adaptation decay time", "ms", **POSITIVE),
    "hippocampus.std_u": _s(
        0.5,
        "short-term depression of E->E: fraction of a cell's terminal resources one spike "
        "releases (0: none)",
        **FRACTION,
    ),
    "hippocampus.std_tau": _s(
        500.0, "recovery time of E->E short-term depression", "ms", **POSITIVE
    ),
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
    "neuromod.ach_hpc_inhibition": _s(
        0.9,
        "fraction of hippocampal I->E transmission that full ACh suppresses (strong feedback "
        "inhibition in low-ACh sleep only)",
        **FRACTION,
    ),
    # Cortical E->E learning is on whenever no recall test runs, at a gain set by ACh:
    # 1 + (ach_cortical_gain - 1) * (1 - ACh), so 1 in wake and ach_cortical_gain at ACh 0. It
    # stands for the low-ACh NREM state's stronger cortical plasticity (Hasselmo 1999, Trends
    # Cogn Sci 3:351; spindle-associated dendritic calcium, Seibt et al. 2017, Nat Commun
    # 8:684): a function of the state, not a window the schedule opens.
    "neuromod.ach_cortical_gain": _s(
        40.0,
        "gain on cortical E->E learning at zero acetylcholine (1 at full ACh, linear between)",
        low=1.0,
    ),
    "neuromod.dopamine": _s(
        1.0, "novelty/dopamine factor on hippocampal learning during encoding", low=0.0, high=10.0
    ),
    # Reward at encoding: dopamine strengthens the hippocampal trace (Lisman & Grace 2005,
    # Neuron 46:703); whether that memory is then replayed more is the network's.
    "neuromod.rewarded_memories": _s(
        [], "memories encoded with reward: neuromod.reward_dopamine instead (indices)", kind=list
    ),
    "neuromod.reward_dopamine": _s(
        2.0,
        "dopamine factor on hippocampal learning while a rewarded memory is encoded",
        low=0.0,
        high=10.0,
    ),
    # Serotonin acts on the hippocampus in NREM only; its wake level is not modelled.
    # Median-raphe (serotonergic) stimulation suppresses ripples (Wang et al. 2015, Nat
    # Neurosci 18:728), through 5-HT1A hyperpolarisation of CA3/CA1 pyramidal cells.
    "neuromod.serotonin_sleep": _s(0.0, "serotonin level in NREM sleep", **FRACTION),
    "neuromod.serotonin_hyperpolarisation": _s(
        16.0, "hyperpolarisation of hippocampal E cells at full serotonin", "mV", **NONNEG
    ),
    # Noradrenaline, likewise in NREM only: locus coeruleus activity and ripple occurrence are
    # inversely related, and ripple-triggered LC stimulation impairs consolidation (Novitskaya
    # et al. 2016, Learn Mem 23:238); alpha1-adrenoceptors depolarise hippocampal interneurons
    # (Bergles, Doze & Madison 1996, J Neurosci 16:572), which is this model's route.
    "neuromod.noradrenaline_sleep": _s(0.0, "noradrenaline level in NREM sleep", **FRACTION),
    "neuromod.noradrenaline_depolarisation": _s(
        16.0, "depolarisation of hippocampal I cells at full noradrenaline", "mV", **NONNEG
    ),
    # --- encoding ---
    "encoding.duration": _s(400.0, "stimulation time per memory per exposure", "ms", **POSITIVE),
    "encoding.gap": _s(200.0, "pause after each stimulation", "ms", **NONNEG),
    "encoding.exposures": _s(1, "presentations of each memory per encode phase", low=1),
    "encoding.rate": _s(40.0, "rate of the Poisson stimulus to each driven cell", "Hz", **NONNEG),
    "encoding.weight": _s(2.0, "voltage jump per stimulus spike", "mV", **NONNEG),
    "encoding.inputs": _s(10, "independent stimulus inputs per driven cell", low=0),
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
        "none",
        "where the seed cells come from: one random memory's index, any hippocampal E cells, or "
        "none (no kick: the excitability ramp alone starts a ripple, and the network picks "
        "the index)",
        choices=("memory", "random", "none"),
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
        33.0, "depolarisation of all hippocampal E cells during a ripple", "mV", **NONNEG
    ),
    "sleep.swr_shape": _s(
        "ramp",
        "the ripple's depolarisation: a step of swr_excitability for swr_duration, or a ramp "
        "rising linearly from 0 to it over swr_duration (a race to threshold)",
        choices=("step", "ramp"),
    ),
    "sleep.swr_duration": _s(80.0, "length of the ripple excitability window", "ms", **POSITIVE),
    "sleep.disruption": _s(
        0.0,
        "closed loop: probability that an event the online detector finds in sleep is cut short",
        **FRACTION,
    ),
    "sleep.disruption_delay": _s(
        5.0, "delay from the online detection to the disruption", "ms", **NONNEG
    ),
    "sleep.disruption_duration": _s(
        70.0, "how long a disruption silences hippocampal E cells", "ms", **POSITIVE
    ),
    "sleep.disruption_depth": _s(
        40.0, "hyperpolarisation of hippocampal E cells while disrupted", "mV", **NONNEG
    ),
    # --- targeted memory reactivation ---
    "cue.memories": _s(
        [],
        "memories whose cue is played in the offline phases: in sleep's up states, or awake in "
        "windows of the same timing (indices)",
        kind=list,
    ),
    "cue.rate": _s(
        100.0,
        "rate of the Poisson input to each of a cued memory's cue cells (test.cue_fraction of "
        "its pattern) while its cue plays; encoding drives them at encoding.inputs x "
        "encoding.rate",
        "Hz",
        **NONNEG,
    ),
    # --- wake rest ---
    "wake.duration": _s(15.0, "length of a wake rest phase", "s", **POSITIVE),
    # --- test ---
    "test.cue_fraction": _s(0.3, "fraction of a pattern's cells cued at test", low=0.05, high=0.95),
    "test.duration": _s(200.0, "length of each cue", "ms", **POSITIVE),
    # Lets most of a cue's adaptation fade: recall then ignores probe order (docs/model.md).
    "test.gap": _s(1000.0, "pause after each cue", "ms", **NONNEG),
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
    **SPECS_STDP,
    **SPECS_WM,
}

SECTIONS = sorted({name.split(".")[0] for name in SPECS})
