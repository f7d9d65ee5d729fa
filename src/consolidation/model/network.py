"""The brian2 network: cortex and hippocampus (CA3-like), each E/I, and their projections.

One function builds one part; :func:`build_network` assembles them in one visible place. The
equations are in :mod:`.equations`; every value the network takes from :class:`Parameters` is
set after construction and recorded (:class:`Constants`), never a literal in the equations, so
varying it does not regenerate code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import brian2 as b2
import numpy as np

from consolidation.model.constants import Constants
from consolidation.model.controls import CTX_LEARNING, HPC_LEARNING
from consolidation.model.equations import (
    CORTEX_CELLS,
    DEPRESSION_RESET,
    DETECTOR,
    DETECTOR_INPUT,
    DETECTOR_RESET,
    DETECTOR_START_VARIANCE,
    DETECTOR_THRESHOLD,
    HIPPOCAMPUS_E_CELLS,
    HIPPOCAMPUS_I_CELLS,
    PHASE_END,
    PLASTIC,
    PLASTIC_ON_POST,
    PLASTIC_ON_PRE,
    SNAPSHOT,
    SOURCE,
    STATIC,
    V_INIT,
)
from consolidation.model.memories import Memories
from consolidation.model.parameters import Parameters
from consolidation.model.phase_ends import (
    phase_end_code,
    schedule_phase_events,
    snapshot_slots,
)


@dataclass
class Model:
    """The assembled network and handles to the parts the schedule controls."""

    net: b2.Network
    groups: dict[str, b2.NeuronGroup]
    plastic: dict[str, b2.Synapses]
    memories: Memories
    spikes: dict[str, b2.SpikeMonitor]
    rates: dict[str, b2.PopulationRateMonitor]
    detections: b2.SpikeMonitor  # the closed-loop detector's detections
    constants: Constants


def population(
    name: str, n: int, kind: str, params: Parameters, signals, constants: Constants
) -> b2.NeuronGroup:
    """A LIF population; kind is 'cortex', 'hpc_e' or 'hpc_i'; signals: the control signals."""
    eqs = {"cortex": CORTEX_CELLS, "hpc_e": HIPPOCAMPUS_E_CELLS, "hpc_i": HIPPOCAMPUS_I_CELLS}[kind]
    # Acetylcholine blocks part of the hippocampal slow afterhyperpolarisation (Madison &
    # Nicoll 1984): in low-ACh sleep adaptation ends ripple bursts, in high-ACh wake an index
    # can fire through a whole cue. Cortical adaptation is left whole: blocked in wake, it let
    # well-learned assemblies reverberate and potentiate themselves during wake rest.
    reset = "v = v_reset; a += a_jump * (1 - ach_adaptation * acetylcholine(t))"
    if kind == "hpc_e":
        reset += DEPRESSION_RESET
    group = b2.NeuronGroup(
        # Forward Euler: the ripple-locked drive depends on t, which rules out "exact"; with
        # dt <= 0.2 ms against tau >= 10 ms its error is far below the input noise.
        n,
        eqs,
        threshold="v > v_th",
        reset=reset,
        refractory="t_ref",
        method="euler",
        # The presynaptic cells of the plastic pathways mark the phase ends (a copy: brian2
        # adds the spike event to the dict it gets).
        events=dict(PHASE_END) if name in {path.pre for path in PATHWAYS.values()} else None,
        name=name,
        namespace=dict(signals),
    )
    inhibitory = name.endswith("_i")
    constants.set(
        group,
        tau_m=params.q(
            "hippocampus.tau_i" if name == "hpc_i" else "cell.tau_i" if inhibitory else "cell.tau_e"
        ),
        v_rest=params.q("cell.v_rest"),
        v_th=params.q("cell.v_threshold"),
        v_reset=params.q("cell.v_reset"),
        t_ref=params.q("cell.refractory"),
        w_bg=params.q("cell.bg_weight"),
    )
    group.v = V_INIT
    if kind == "hpc_e":
        group.r = 1
        constants.set(
            group,
            tau_rec=params.q("hippocampus.std_tau"),
            u_std=params["hippocampus.std_u"],
            disruption_depth=params.q("sleep.disruption_depth"),
        )
    # Excitatory cells adapt: adaptation ends hippocampal attractor bursts (a ripple's length)
    # and keeps a consolidated cortical assembly from firing on after its cue.
    area = {"ctx_e": "cortex", "hpc_e": "hippocampus"}.get(name)
    constants.set(
        group,
        tau_a=params.q(f"{area}.tau_adaptation") if area else 1 * b2.second,
        a_jump=params.q(f"{area}.adaptation") if area else 0 * b2.mV,
        ach_adaptation=params["neuromod.ach_hpc_adaptation"] if name == "hpc_e" else 0.0,
    )
    return group


def detector(
    hpc_e: b2.NeuronGroup, params: Parameters, signals, constants: Constants
) -> list[b2.BrianObject]:
    """The closed-loop ripple detector; the hippocampal E cells read its disruption window."""
    unit = b2.NeuronGroup(
        1,
        DETECTOR,
        threshold=DETECTOR_THRESHOLD,
        reset=DETECTOR_RESET,
        refractory=params.q("detect.online_refractory"),
        method="euler",
        name="detector",
        namespace={"disruption": signals["disruption"]},
    )
    unit.var = DETECTOR_START_VARIANCE  # wide at first, so that the baseline can settle
    constants.set(
        unit,
        tau_detect=params.q("detect.online_tau"),
        tau_baseline=params.q("detect.online_baseline"),
        threshold_sd=params["detect.online_threshold_sd"],
        silence_delay=params.q("sleep.disruption_delay"),
        silence_duration=params.q("sleep.disruption_duration"),
    )
    spikes_in = b2.Synapses(
        hpc_e, unit, "w : hertz (shared, constant)", on_pre=DETECTOR_INPUT, name="detector_input"
    )
    spikes_in.connect()
    constants.set(spikes_in, w=1 / (len(hpc_e) * params.q("detect.online_tau")))
    one = np.zeros(len(hpc_e), dtype=int)
    hpc_e.disrupted_from = b2.linked_var(unit, "silence_from", index=one)
    hpc_e.disrupted_until = b2.linked_var(unit, "silence_until", index=one)
    return [unit, spikes_in]


def background(target: b2.NeuronGroup, params: Parameters) -> b2.PoissonInput:
    """Independent Poisson background to every cell (weight read from the target's w_bg)."""
    return b2.PoissonInput(
        target, "v", N=params["cell.bg_inputs"], rate=params.q("cell.bg_rate"), weight="w_bg"
    )


def stimulus(
    target: b2.NeuronGroup, params: Parameters, rates: b2.TimedArray, constants: Constants
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
    constants.set(syn, w=params.q("encoding.weight"))
    return source, syn


def static_projection(
    source: b2.NeuronGroup, target: b2.NeuronGroup, p: float, sign: int, name: str, signals
) -> b2.Synapses:
    """A fixed random projection; sign -1 for inhibition (a hyperpolarising jump)."""
    op = "+=" if sign > 0 else "-="
    syn = b2.Synapses(
        source,
        target,
        STATIC,
        on_pre=f"v_post {op} (1 - ach_factor * acetylcholine(t)) * w",
        name=name,
        namespace={"acetylcholine": signals["acetylcholine"]},
    )
    syn.connect(p=p, condition="i != j" if source is target else None)
    return syn


def plastic_synapses(source, target, name: str, signals, snapshots: int) -> b2.Synapses:
    """Unconnected plastic synapses (the one form every pathway uses). With `snapshots` slots,
    the weights at the end of each phase are kept in the slot of its position, and the
    hippocampal pathways decay at day boundaries (see PHASE_END)."""
    on_pre = {"pre": PLASTIC_ON_PRE.format(release=" * r_pre" if name == "hpc_ee" else "")}
    on_event = {"pre": "spike"}
    if snapshots:
        on_pre["phase_end"] = phase_end_code(snapshots, decays=name in HPC_PATHWAYS)
        on_event["phase_end"] = "phase_end"
    # Only the recurrent hippocampal terminals depress (see HIPPOCAMPUS_E_CELLS).
    syn = b2.Synapses(
        source,
        target,
        PLASTIC + "".join(SNAPSHOT.format(k=k) for k in range(snapshots)),
        on_pre=on_pre,
        on_post=PLASTIC_ON_POST,
        on_event=on_event,
        method="exact",
        name=name,
        namespace={k: signals[k] for k in ("acetylcholine", "plasticity", "phase") if k in signals},
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
    name: str,
    groups: dict[str, b2.NeuronGroup],
    params: Parameters,
    signals,
    constants: Constants,
    snapshots: int,
) -> b2.Synapses:
    """A random plastic projection (all-to-all for p = 1, no self-connections).

    Weights, bounds and learning rates scale as 1/scale so that a cell's summed input and its
    change per spike pair do not change with network size.
    """
    path = PATHWAYS[name]
    source, target = groups[path.pre], groups[path.post]
    syn = plastic_synapses(source, target, name, signals, snapshots)
    condition = "i != j" if source is target else None
    p = params[path.p]
    if p >= 1:
        syn.connect(condition=condition)
    else:
        syn.connect(p=p, condition=condition)
    scale = params["network.scale"]
    constants.set(
        syn,
        w=initial_weight(params, name),
        w_max=params.q(path.w_max) / scale,
        eta=params.q(f"{path.section}.eta") / scale,
        channel=path.channel,
        ach_factor=params[path.ach] if path.ach else 0.0,
        **rule_constants(params, path.section),
        w_init=initial_weight(params, name),
        day_keep=1 - params["day.hpc_decay"],
        downscaling=params["cortex.downscaling"] if name == "ctx_ee" else 0.0,
    )
    return syn


def rule_constants(params: Parameters, pathway: str) -> dict[str, Any]:
    """The plastic synapse's constants for `<pathway>.rule`."""
    if params[f"{pathway}.rule"] == "symmetric":
        tau = params.q("stdp.tau")
        return dict(
            k_presyn=1.0,
            k_postsyn=1.0,
            c_presyn=params[f"{pathway}.c_pre"],
            c_postsyn=params[f"{pathway}.c_post"],
            tau_x=tau,
            tau_y=tau,
        )
    return dict(  # bipoo
        k_presyn=-params["stdp.a_minus"],
        k_postsyn=1.0,
        c_presyn=0.0,
        c_postsyn=0.0,
        tau_x=params.q("stdp.tau_plus"),
        tau_y=params.q("stdp.tau_minus"),
    )


def build_network(
    params: Parameters,
    memories: Memories,
    signals: dict[str, b2.TimedArray],
    phases: int = 0,
    placeholders: bool = False,
) -> Model:
    """Assemble cortex, hippocampus, projections, inputs and monitors into one Network.

    signals: the schedule's control signals as TimedArrays (Controls.timed_arrays());
    phases: the schedule's number of phases, whose end weights the network keeps (0: none);
    placeholders: zeros for every value from the parameters or the signals (see
    :class:`Constants`).
    """
    constants = Constants(placeholders)
    signals = constants.signals(signals)
    n = {g: params.n(f"network.{g}") for g in ("ctx_e", "ctx_i", "hpc_e", "hpc_i")}
    kinds = {"ctx_e": "cortex", "ctx_i": "cortex", "hpc_e": "hpc_e", "hpc_i": "hpc_i"}
    groups = {g: population(g, n[g], kind, params, signals, constants) for g, kind in kinds.items()}
    snapshots = snapshot_slots(phases) if phases else 0
    plastic = {
        name: plastic_projection(name, groups, params, signals, constants, snapshots)
        for name in PATHWAYS
    }
    if snapshots:
        schedule_phase_events(params, plastic)

    # Fixed feedback inhibition; weights scale as 1/scale like the plastic ones.
    static = []
    for area, e, i in (("cortex", "ctx_e", "ctx_i"), ("hippocampus", "hpc_e", "hpc_i")):
        p = params[f"{area}.p_inh"]
        for pre, post, sign, weight in ((e, i, +1, "w_ei"), (i, e, -1, "w_ie"), (i, i, -1, "w_ii")):
            name = f"{pre}_to_{post}"
            syn = static_projection(groups[pre], groups[post], p, sign, name, signals)
            ach = params["neuromod.ach_hpc_inhibition"] if name == "hpc_i_to_hpc_e" else 0.0
            constants.set(
                syn, w=params.q(f"{area}.{weight}") / params["network.scale"], ach_factor=ach
            )
            static.append(syn)

    inputs = [background(g, params) for g in groups.values()]
    for name in ("ctx_e", "hpc_e"):
        inputs += stimulus(groups[name], params, signals[f"stimulus_{name}"], constants)

    closed_loop = detector(groups["hpc_e"], params, signals, constants)
    spikes = {g: b2.SpikeMonitor(groups[g], name=f"{g}_spikes") for g in ("ctx_e", "hpc_e")}
    detections = b2.SpikeMonitor(closed_loop[0], "disrupt", name="detections")
    rates = {g: b2.PopulationRateMonitor(groups[g], name=f"{g}_rate") for g in groups}
    net = b2.Network(
        *groups.values(),
        *plastic.values(),
        *static,
        *inputs,
        *closed_loop,
        *spikes.values(),
        detections,
        *rates.values(),
    )
    return Model(net, groups, plastic, memories, spikes, rates, detections, constants)
