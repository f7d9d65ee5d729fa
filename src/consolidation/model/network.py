"""The brian2 network: cortex and hippocampus (CA3-like), each E/I, and their projections.

One function builds one part; :func:`build_network` assembles them in one visible place.
Every quantity a study may vary is a ``(shared)`` variable set from :class:`Parameters` after
construction, never a literal in the equations, so varying it does not regenerate code.
"""

from __future__ import annotations

from dataclasses import dataclass

import brian2 as b2

from consolidation.model.controls import CTX_LEARNING, HPC_LEARNING
from consolidation.model.memories import Memories
from consolidation.model.parameters import Parameters

LIF = """
dv/dt = (v_rest + I_ctrl - a - v) / tau_m : volt (unless refractory)
da/dt = -a / tau_a : volt            # spike-triggered adaptation (0 in inhibitory cells)
tau_a : second (shared, constant)    # adaptation decay
a_jump : volt (shared, constant)     # adaptation per spike at zero acetylcholine
ach_adaptation : 1 (shared, constant) # fraction of a_jump that full acetylcholine suppresses
tau_m : second (shared, constant)   # membrane time constant
v_rest : volt (shared, constant)    # resting potential
v_th : volt (shared, constant)      # spike threshold
v_reset : volt (shared, constant)   # reset potential
t_ref : second (shared, constant)   # refractory period
w_bg : volt (shared, constant)      # jump per background spike
"""

# The schedule's control signals (see consolidation.model.controls) are functions of time: the slow
# oscillation's down states shift cortical cells; a lesion, ripple excitability and ripple
# disruption shift hippocampal E cells.
CORTEX_CELLS = (
    LIF
    + """
I_ctrl = cortex_offset(t) : volt
"""
)

HIPPOCAMPUS_E_CELLS = (
    LIF
    + """
I_ctrl = hippocampus_offset(t) : volt
"""
)

HIPPOCAMPUS_I_CELLS = (
    LIF
    + """
I_ctrl = 0*mV : volt
"""
)

# A Poisson source, one per target cell, at the rate the schedule sets for that cell now
# (encoding, test cues, ripple seeds).
SOURCE = """
rate_now = stimulus(t, i) : Hz
"""

# One plastic synapse form for every pathway. A presynaptic spike reads the postsynaptic trace
# y, a postsynaptic spike reads the presynaptic trace x; the rule is in the constants:
#   symmetric (thresholded Hebbian): k = 1 on both sides, c_presyn, c_postsyn > 0 set thresholds;
#   Bi & Poo pair rule: k_postsyn = 1 (LTP, tau_x = tau+), k_presyn = -A- (LTD, tau_y = tau-),
#   no c terms.
# Learning runs at eta times the schedule's plasticity gain for the pathway's channel;
# acetylcholine scales transmission down by ach_factor per unit ACh (Hasselmo 1999).
PLASTIC = """
w : volt
w_max : volt (shared, constant)
eta : volt (shared, constant)        # learning rate at plasticity gain 1
channel : integer (shared, constant) # plasticity channel: 0 cortex, 1 hippocampus
ach_factor : 1 (shared, constant)    # transmission lost per unit acetylcholine
k_presyn : 1 (shared, constant)
k_postsyn : 1 (shared, constant)
c_presyn : 1 (shared, constant)
c_postsyn : 1 (shared, constant)
tau_x : second (shared, constant)
tau_y : second (shared, constant)
dx/dt = -x / tau_x : 1 (event-driven)
dy/dt = -y / tau_y : 1 (event-driven)
"""
PLASTIC_ON_PRE = """
v_post += (1 - ach_factor * acetylcholine(t)) * w
w = clip(w + eta * plasticity(t, channel) * (k_presyn * y - c_presyn), 0*mV, w_max)
x += 1
"""
PLASTIC_ON_POST = """
w = clip(w + eta * plasticity(t, channel) * (k_postsyn * x - c_postsyn), 0*mV, w_max)
y += 1
"""

STATIC = "w : volt (shared, constant)"

# Start below threshold, spread so the first milliseconds are not synchronous.
V_INIT = "v_reset + rand() * (v_th - v_reset)"


@dataclass
class Model:
    """The assembled network and handles to the parts the schedule controls."""

    net: b2.Network
    groups: dict[str, b2.NeuronGroup]
    plastic: dict[str, b2.Synapses]
    memories: Memories
    spikes: dict[str, b2.SpikeMonitor]
    rates: dict[str, b2.PopulationRateMonitor]


def population(name: str, n: int, kind: str, params: Parameters, signals) -> b2.NeuronGroup:
    """A LIF population; kind is 'cortex', 'hpc_e' or 'hpc_i'; signals: the control signals."""
    eqs = {"cortex": CORTEX_CELLS, "hpc_e": HIPPOCAMPUS_E_CELLS, "hpc_i": HIPPOCAMPUS_I_CELLS}[kind]
    # Acetylcholine blocks part of the hippocampal slow afterhyperpolarisation (Madison &
    # Nicoll 1984): in low-ACh sleep adaptation ends ripple bursts, in high-ACh wake an index
    # can fire through a whole cue. Cortical adaptation is left whole: blocked in wake, it let
    # well-learned assemblies reverberate and potentiate themselves during wake rest.
    reset = "v = v_reset; a += a_jump * (1 - ach_adaptation * acetylcholine(t))"
    group = b2.NeuronGroup(
        # Forward Euler: the ripple-locked drive depends on t, which rules out "exact"; with
        # dt <= 0.2 ms against tau >= 10 ms its error is far below the input noise.
        n,
        eqs,
        threshold="v > v_th",
        reset=reset,
        refractory="t_ref",
        method="euler",
        name=name,
        namespace=dict(signals),
    )
    inhibitory = name.endswith("_i")
    group.tau_m = params.q("cell.tau_i" if inhibitory else "cell.tau_e")
    group.v_rest = params.q("cell.v_rest")
    group.v_th = params.q("cell.v_threshold")
    group.v_reset = params.q("cell.v_reset")
    group.t_ref = params.q("cell.refractory")
    group.w_bg = params.q("cell.bg_weight")
    group.v = V_INIT
    # Excitatory cells adapt: adaptation ends hippocampal attractor bursts (a ripple's length)
    # and keeps a consolidated cortical assembly from firing on after its cue.
    area = {"ctx_e": "cortex", "hpc_e": "hippocampus"}.get(name)
    group.tau_a = params.q(f"{area}.tau_adaptation") if area else 1 * b2.second
    group.a_jump = params.q(f"{area}.adaptation") if area else 0 * b2.mV
    group.ach_adaptation = params["neuromod.ach_hpc_adaptation"] if name == "hpc_e" else 0.0
    return group


def background(target: b2.NeuronGroup, params: Parameters) -> b2.PoissonInput:
    """Independent Poisson background to every cell (weight read from the target's w_bg)."""
    return b2.PoissonInput(
        target, "v", N=params["cell.bg_inputs"], rate=params.q("cell.bg_rate"), weight="w_bg"
    )


def stimulus(
    target: b2.NeuronGroup, params: Parameters, rates: b2.TimedArray
) -> tuple[b2.NeuronGroup, b2.Synapses]:
    """A Poisson source per cell of `target`, one-to-one, for encoding, test cues and SWR seeds.

    `rates` (time, cell) is the schedule's stimulus; `encoding.inputs` independent inputs at
    `encoding.rate` are one Poisson process at their summed rate, so one source per cell
    suffices.
    """
    source = b2.NeuronGroup(
        len(target),
        SOURCE,
        threshold="rand() < rate_now * dt",
        name=f"{target.name}_source",
        namespace={"stimulus": rates},
    )
    syn = b2.Synapses(
        source, target, "w : volt (shared)", on_pre="v_post += w", name=f"{target.name}_input"
    )
    syn.connect(j="i")
    syn.w = params.q("encoding.weight")
    return source, syn


def static_projection(
    source: b2.NeuronGroup, target: b2.NeuronGroup, p: float, weight, sign: int, name: str
) -> b2.Synapses:
    """A fixed random projection; sign -1 for inhibition (a hyperpolarising jump)."""
    op = "+=" if sign > 0 else "-="
    syn = b2.Synapses(source, target, STATIC, on_pre=f"v_post {op} w", name=name)
    syn.connect(p=p, condition="i != j" if source is target else None)
    syn.w = weight
    return syn


def plastic_synapses(source, target, name: str, signals, extra: str = "") -> b2.Synapses:
    """Unconnected plastic synapses (the one form every pathway uses); `extra`: equations added
    by a device that needs more variables (see consolidation.backends.standalone)."""
    syn = b2.Synapses(
        source,
        target,
        PLASTIC + extra,
        on_pre=PLASTIC_ON_PRE,
        on_post=PLASTIC_ON_POST,
        method="exact",
        name=name,
        namespace={k: signals[k] for k in ("acetylcholine", "plasticity")},
    )
    return syn


@dataclass(frozen=True)
class Pathway:
    """A plastic pathway: its ends, parameter section, weights, learning channel and ACh key."""

    pre: str
    post: str
    section: str  # the parameter section holding rule, eta, c_pre, c_post
    p: str  # connection probability key
    w_init: str
    w_max: str
    channel: int  # consolidation.model.controls plasticity channel
    ach: str | None  # neuromod key of the ACh suppression of its transmission


PATHWAYS = {
    "ctx_ee": Pathway(
        "ctx_e", "ctx_e", "cortex", "cortex.p_ee", "cortex.w_ee", "cortex.w_ee_max",
        CTX_LEARNING, "neuromod.ach_recurrent",
    ),
    "hpc_ee": Pathway(
        "hpc_e", "hpc_e", "hippocampus", "hippocampus.p_ee", "hippocampus.w_ee",
        "hippocampus.w_ee_max", HPC_LEARNING, "neuromod.ach_hpc_recurrent",
    ),
    "hpc_ctx": Pathway(
        "hpc_e", "ctx_e", "projection", "projection.p", "projection.w_hc", "projection.w_hc_max",
        HPC_LEARNING, "neuromod.ach_feedback",
    ),
    "ctx_hpc": Pathway(
        "ctx_e", "hpc_e", "projection", "projection.p", "projection.w_ch", "projection.w_ch_max",
        HPC_LEARNING, None,
    ),
}  # fmt: skip
# What fades at a day boundary: the pathways that learn with the hippocampus.
HPC_PATHWAYS = tuple(k for k, path in PATHWAYS.items() if path.channel == HPC_LEARNING)


def initial_weight(params: Parameters, name: str):
    """The initial weight of plastic pathway `name` (scaled as 1/scale, see below)."""
    return params.q(PATHWAYS[name].w_init) / params["network.scale"]


def plastic_projection(
    name: str, groups: dict[str, b2.NeuronGroup], params: Parameters, signals, extra: str = ""
) -> b2.Synapses:
    """A random plastic projection (all-to-all for p = 1, no self-connections).

    Weights, bounds and learning rates scale as 1/scale so that a cell's summed input and its
    change per spike pair do not change with network size.
    """
    path = PATHWAYS[name]
    source, target = groups[path.pre], groups[path.post]
    syn = plastic_synapses(source, target, name, signals, extra)
    condition = "i != j" if source is target else None
    p = params[path.p]
    if p >= 1:
        syn.connect(condition=condition)
    else:
        syn.connect(p=p, condition=condition)
    scale = params["network.scale"]
    syn.w = initial_weight(params, name)
    syn.w_max = params.q(path.w_max) / scale
    syn.eta = params.q(f"{path.section}.eta") / scale
    syn.channel = path.channel
    syn.ach_factor = params[path.ach] if path.ach else 0.0
    set_rule(syn, params, path.section)
    return syn


def set_rule(syn: b2.Synapses, params: Parameters, pathway: str) -> None:
    """Write the constants of `<pathway>.rule` into a plastic synapse."""
    if params[f"{pathway}.rule"] == "symmetric":
        syn.k_presyn, syn.k_postsyn = 1.0, 1.0
        syn.c_presyn, syn.c_postsyn = params[f"{pathway}.c_pre"], params[f"{pathway}.c_post"]
        syn.tau_x = syn.tau_y = params.q("stdp.tau")
    else:  # bipoo
        syn.k_presyn, syn.k_postsyn = -params["stdp.a_minus"], 1.0
        syn.c_presyn = syn.c_postsyn = 0.0
        syn.tau_x = params.q("stdp.tau_plus")
        syn.tau_y = params.q("stdp.tau_minus")


def build_network(
    params: Parameters, memories: Memories, signals, plastic_extra: str = ""
) -> Model:
    """Assemble cortex, hippocampus, projections, inputs and monitors into one Network.

    signals: the schedule's control signals as TimedArrays (Controls.timed_arrays()).
    """
    n = {g: params.n(f"network.{g}") for g in ("ctx_e", "ctx_i", "hpc_e", "hpc_i")}
    kinds = {"ctx_e": "cortex", "ctx_i": "cortex", "hpc_e": "hpc_e", "hpc_i": "hpc_i"}
    groups = {g: population(g, n[g], kind, params, signals) for g, kind in kinds.items()}
    plastic = {
        name: plastic_projection(name, groups, params, signals, plastic_extra) for name in PATHWAYS
    }

    # Fixed feedback inhibition; weights scale as 1/scale like the plastic ones.
    static = []
    for area, e, i in (("cortex", "ctx_e", "ctx_i"), ("hippocampus", "hpc_e", "hpc_i")):
        p = params[f"{area}.p_inh"]
        e, i = groups[e], groups[i]
        static += [
            static_projection(e, i, p, params.q(f"{area}.w_ei") / params["network.scale"], +1,
                              f"{e.name}_to_{i.name}"),
            static_projection(i, e, p, params.q(f"{area}.w_ie") / params["network.scale"], -1,
                              f"{i.name}_to_{e.name}"),
            static_projection(i, i, p, params.q(f"{area}.w_ii") / params["network.scale"], -1,
                              f"{i.name}_to_{i.name}"),
        ]  # fmt: skip

    inputs = [background(g, params) for g in groups.values()]
    for name in ("ctx_e", "hpc_e"):
        inputs += stimulus(groups[name], params, signals[f"stimulus_{name}"])

    spikes = {g: b2.SpikeMonitor(groups[g], name=f"{g}_spikes") for g in ("ctx_e", "hpc_e")}
    rates = {g: b2.PopulationRateMonitor(groups[g], name=f"{g}_rate") for g in groups}
    net = b2.Network(
        *groups.values(), *plastic.values(), *static, *inputs, *spikes.values(), *rates.values()
    )
    return Model(net, groups, plastic, memories, spikes, rates)
