"""The brian2 network: cortex and hippocampus (CA3-like), each E/I, and their projections.

One function builds one part; :func:`build_network` assembles them in one visible place.
Every quantity a study may vary is a ``(shared)`` variable set from :class:`Parameters` after
construction, never a literal in the equations, so varying it does not regenerate code.
"""

from __future__ import annotations

from dataclasses import dataclass

import brian2 as b2
import numpy as np

from consolidation.parameters import Parameters

LIF = """
dv/dt = (v_rest + I_ctrl - v) / tau_m : volt (unless refractory)
tau_m : second (shared, constant)   # membrane time constant
v_rest : volt (shared, constant)    # resting potential
v_th : volt (shared, constant)      # spike threshold
v_reset : volt (shared, constant)   # reset potential
t_ref : second (shared, constant)   # refractory period
w_bg : volt (shared, constant)      # jump per background spike
offset : volt (shared)              # schedule-controlled shift: down states, lesion
"""

# Cortex: the slow oscillation's down states are a shared hyperpolarising offset.
CORTEX = (
    LIF
    + """
I_ctrl = offset : volt
"""
)

# Hippocampal E cells: spike-triggered adaptation, and ripple-locked drive relative to the
# onset time t_swr of the current sharp-wave ripple (excitability, then optional disruption).
HIPPOCAMPUS_E = (
    LIF
    + """
I_ctrl = offset - a + I_ripple - I_disrupt : volt
da/dt = -a / tau_a : volt
tau_a : second (shared, constant)    # adaptation decay
a_jump : volt (shared, constant)     # adaptation per spike
t_swr : second (shared)              # onset of the current ripple
swr_len : second (shared, constant)  # ripple excitability window
swr_exc : volt (shared, constant)    # ripple excitability
disrupted : 1 (shared)               # 1 if the current ripple is disrupted
disrupt_delay : second (shared, constant)
disrupt_len : second (shared, constant)
disrupt_depth : volt (shared, constant)
I_ripple = swr_exc * int(t >= t_swr and t < t_swr + swr_len) : volt
I_disrupt = disrupt_depth * disrupted * in_disruption : volt
in_disruption = int(t >= t_swr + disrupt_delay and t < t_swr + disrupt_len) : 1
"""
)

HIPPOCAMPUS_I = (
    LIF
    + """
I_ctrl = offset : volt
"""
)

# A Poisson source, one per target cell: `driven` cells fire at `rate` while the stimulus is on;
# `seeded` cells fire at `seed_rate` for `seed_len` after the ripple onset t_swr.
SOURCE = """
rate_now = driven * rate + seeded * seed_rate * int(t >= t_swr and t < t_swr + seed_len) : Hz
driven : 1
seeded : 1
rate : Hz (shared)
seed_rate : Hz (shared, constant)
seed_len : second (shared, constant)
t_swr : second (shared)
"""

# One plastic synapse form for every pathway. A presynaptic spike reads the postsynaptic trace
# y, a postsynaptic spike reads the presynaptic trace x; the rule is in the constants:
#   symmetric (thresholded Hebbian): k = 1 on both sides, c_presyn, c_postsyn > 0 set thresholds;
#   Bi & Poo pair rule: k_postsyn = 1 (LTP, tau_x = tau+), k_presyn = -A- (LTD, tau_y = tau-),
#   no c terms.
PLASTIC = """
w : volt
w_max : volt (shared, constant)
eta : volt (shared)        # learning rate now: 0 freezes the synapse (schedule-controlled)
gain : 1 (shared)          # transmission gain (acetylcholine)
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
v_post += gain * w
w = clip(w + eta * (k_presyn * y - c_presyn), 0*mV, w_max)
x += 1
"""
PLASTIC_ON_POST = """
w = clip(w + eta * (k_postsyn * x - c_postsyn), 0*mV, w_max)
y += 1
"""

STATIC = "w : volt (shared, constant)"


@dataclass
class Memories:
    """Which cells belong to which memory: cortical patterns, hippocampal indices, test cues."""

    patterns: np.ndarray  # bool (memory, ctx_e)
    indices: np.ndarray  # bool (memory, hpc_e)
    cues: np.ndarray  # bool (memory, ctx_e): the cued part of each pattern at test


@dataclass
class Model:
    """The assembled network and handles to the parts the schedule controls."""

    net: b2.Network
    groups: dict[str, b2.NeuronGroup]
    sources: dict[str, b2.NeuronGroup]
    plastic: dict[str, b2.Synapses]
    memories: Memories
    spikes: dict[str, b2.SpikeMonitor]
    rates: dict[str, b2.PopulationRateMonitor]


def population(name: str, n: int, kind: str, params: Parameters) -> b2.NeuronGroup:
    """A LIF population with its background input; kind is 'cortex', 'hpc_e' or 'hpc_i'."""
    eqs = {"cortex": CORTEX, "hpc_e": HIPPOCAMPUS_E, "hpc_i": HIPPOCAMPUS_I}[kind]
    reset = "v = v_reset" + ("; a += a_jump" if kind == "hpc_e" else "")
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
    )
    inhibitory = name.endswith("_i")
    group.tau_m = params.q("cell.tau_i" if inhibitory else "cell.tau_e")
    group.v_rest = params.q("cell.v_rest")
    group.v_th = params.q("cell.v_threshold")
    group.v_reset = params.q("cell.v_reset")
    group.t_ref = params.q("cell.refractory")
    group.w_bg = params.q("cell.bg_weight")
    group.offset = 0 * b2.mV
    # Start below threshold, spread so the first milliseconds are not synchronous.
    group.v = "v_reset + rand() * (v_th - v_reset)"
    if kind == "hpc_e":
        group.tau_a = params.q("hippocampus.tau_adaptation")
        group.a_jump = params.q("hippocampus.adaptation")
        group.t_swr = -1 * b2.second
        group.swr_len = params.q("sleep.swr_duration")
        group.swr_exc = params.q("sleep.swr_excitability")
        group.disrupted = 0
        group.disrupt_delay = params.q("sleep.disruption_delay")
        group.disrupt_len = params.q("sleep.plasticity_window")
        group.disrupt_depth = params.q("sleep.disruption_depth")
    return group


def background(target: b2.NeuronGroup, params: Parameters) -> b2.PoissonInput:
    """Independent Poisson background to every cell (weight read from the target's w_bg)."""
    return b2.PoissonInput(
        target, "v", N=params["cell.bg_inputs"], rate=params.q("cell.bg_rate"), weight="w_bg"
    )


def stimulus(target: b2.NeuronGroup, params: Parameters) -> tuple[b2.NeuronGroup, b2.Synapses]:
    """A Poisson source per cell of `target`, one-to-one, for encoding, test cues and SWR seeds.

    `encoding.inputs` independent inputs at `encoding.rate` are one Poisson process at their
    summed rate, so a single source per cell suffices.
    """
    source = b2.NeuronGroup(
        len(target), SOURCE, threshold="rand() < rate_now * dt", name=f"{target.name}_source"
    )
    source.rate = params["encoding.inputs"] * params.q("encoding.rate")
    source.seed_rate = params.q("sleep.swr_seed_rate")
    source.seed_len = params.q("sleep.swr_seed_duration")
    source.t_swr = -1 * b2.second
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


def plastic_synapses(source, target, name: str) -> b2.Synapses:
    """Unconnected plastic synapses (the one form every pathway uses)."""
    syn = b2.Synapses(
        source,
        target,
        PLASTIC,
        on_pre=PLASTIC_ON_PRE,
        on_post=PLASTIC_ON_POST,
        method="exact",
        name=name,
    )
    return syn


def plastic_projection(
    source: b2.NeuronGroup,
    target: b2.NeuronGroup,
    params: Parameters,
    pathway: str,
    p: float,
    w_init,
    w_max,
    name: str,
) -> b2.Synapses:
    """A random plastic projection (all-to-all for p = 1, no self-connections)."""
    syn = plastic_synapses(source, target, name)
    condition = "i != j" if source is target else None
    if p >= 1:
        syn.connect(condition=condition)
    else:
        syn.connect(p=p, condition=condition)
    initialise(syn, params, pathway, w_init, w_max)
    return syn


def initialise(syn: b2.Synapses, params: Parameters, pathway: str, w_init, w_max) -> None:
    """Set the weights, bounds and rule constants of connected plastic synapses (frozen)."""
    syn.w = w_init
    syn.w_max = w_max
    syn.eta = 0 * b2.mV
    syn.gain = 1
    set_rule(syn, params, pathway)


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


def draw_memories(params: Parameters, n_ctx: int, n_hpc: int, rng: np.random.Generator) -> Memories:
    """Random sparse patterns and indices (disjoint or independent), and each pattern's cue."""
    n_mem = params["memory.count"]
    k_ctx = max(2, round(params["memory.pattern_fraction"] * n_ctx))
    k_hpc = max(2, round(params["memory.index_fraction"] * n_hpc))

    def draw(n: int, k: int) -> np.ndarray:
        sets = np.zeros((n_mem, n), dtype=bool)
        if params["memory.layout"] == "disjoint":
            order = rng.permutation(n)
            for m in range(n_mem):
                sets[m, order[m * k : (m + 1) * k]] = True
        else:
            for m in range(n_mem):
                sets[m, rng.choice(n, size=k, replace=False)] = True
        return sets

    patterns, indices = draw(n_ctx, k_ctx), draw(n_hpc, k_hpc)
    cues = np.zeros_like(patterns)
    n_cue = max(1, round(params["test.cue_fraction"] * k_ctx))
    for m in range(n_mem):
        cues[m, rng.choice(np.flatnonzero(patterns[m]), size=n_cue, replace=False)] = True
    return Memories(patterns, indices, cues)


def build_network(params: Parameters, rng: np.random.Generator) -> Model:
    """Assemble cortex, hippocampus, projections, inputs and monitors into one Network."""
    scale = params["network.scale"]
    n = {g: params.n(f"network.{g}") for g in ("ctx_e", "ctx_i", "hpc_e", "hpc_i")}
    groups = {
        "ctx_e": population("ctx_e", n["ctx_e"], "cortex", params),
        "ctx_i": population("ctx_i", n["ctx_i"], "cortex", params),
        "hpc_e": population("hpc_e", n["hpc_e"], "hpc_e", params),
        "hpc_i": population("hpc_i", n["hpc_i"], "hpc_i", params),
    }
    ctx_e, ctx_i, hpc_e, hpc_i = (groups[g] for g in ("ctx_e", "ctx_i", "hpc_e", "hpc_i"))

    # Recurrent and inter-area weights scale as 1/scale so that a cell's summed input does not
    # change with network size.
    def w(name: str):
        return params.q(name) / scale

    plastic = {
        "ctx_ee": plastic_projection(
            ctx_e,
            ctx_e,
            params,
            "cortex",
            params["cortex.p_ee"],
            w("cortex.w_ee"),
            w("cortex.w_ee_max"),
            "ctx_ee",
        ),
        "hpc_ee": plastic_projection(
            hpc_e,
            hpc_e,
            params,
            "hippocampus",
            params["hippocampus.p_ee"],
            w("hippocampus.w_ee"),
            w("hippocampus.w_ee_max"),
            "hpc_ee",
        ),
        "hpc_ctx": plastic_projection(
            hpc_e,
            ctx_e,
            params,
            "projection",
            params["projection.p"],
            w("projection.w_hc"),
            w("projection.w_hc_max"),
            "hpc_ctx",
        ),
        "ctx_hpc": plastic_projection(
            ctx_e,
            hpc_e,
            params,
            "projection",
            params["projection.p"],
            w("projection.w_ch"),
            w("projection.w_ch_max"),
            "ctx_hpc",
        ),
    }
    static = []
    for area, e, i in (("cortex", ctx_e, ctx_i), ("hippocampus", hpc_e, hpc_i)):
        p = params[f"{area}.p_inh"]
        static += [
            static_projection(e, i, p, w(f"{area}.w_ei"), +1, f"{e.name}_to_{i.name}"),
            static_projection(i, e, p, w(f"{area}.w_ie"), -1, f"{i.name}_to_{e.name}"),
            static_projection(i, i, p, w(f"{area}.w_ii"), -1, f"{i.name}_to_{i.name}"),
        ]

    inputs = [background(g, params) for g in groups.values()]
    sources = {}
    for g in (ctx_e, hpc_e):
        source, syn = stimulus(g, params)
        sources[g.name] = source
        inputs += [source, syn]

    spikes = {g: b2.SpikeMonitor(groups[g], name=f"{g}_spikes") for g in ("ctx_e", "hpc_e")}
    rates = {g: b2.PopulationRateMonitor(groups[g], name=f"{g}_rate") for g in groups}

    memories = draw_memories(params, n["ctx_e"], n["hpc_e"], rng)
    net = b2.Network(
        *groups.values(), *plastic.values(), *static, *inputs, *spikes.values(), *rates.values()
    )
    return Model(net, groups, sources, plastic, memories, spikes, rates)
