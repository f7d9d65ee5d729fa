"""The network's equations, as brian2 strings with units.

Every quantity a study may vary is a ``(shared)`` variable set from the parameters after
construction (see :mod:`.network`), never a literal in the equations, so varying it does not
regenerate code.
"""

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
# oscillation's down states shift cortical cells; a lesion, ripple excitability and serotonin
# shift hippocampal E cells; noradrenaline shifts hippocampal I cells.
CORTEX_CELLS = (
    LIF
    + """
I_ctrl = cortex_offset(t) : volt
"""
)

# Short-term depression of the recurrent (CA3 E->E) terminals, kept per presynaptic cell since
# all its terminals share U (Tsodyks & Markram 1997): a spike releases u_std of the resources r,
# which recover with tau_rec. It ends a replay event and leaves the replayed index refractory
# (Romani & Tsodyks 2015, Hippocampus 25:94); u_std = 0 switches it off.
# A closed-loop disruption (see DETECTOR) silences them from disrupted_from to disrupted_until.
HIPPOCAMPUS_E_CELLS = (
    LIF
    + """
I_ctrl = hippocampus_offset(t) - disruption_depth * silenced : volt
silenced = int(t > disrupted_from) * int(t < disrupted_until) : 1
disrupted_from : second (linked)
disrupted_until : second (linked)
disruption_depth : volt (shared, constant)
dr/dt = (1 - r) / tau_rec : 1        # available fraction of the E->E terminals' resources
tau_rec : second (shared, constant)  # recovery from depression
u_std : 1 (shared, constant)         # fraction of the resources one spike releases
"""
)
DEPRESSION_RESET = "; r -= u_std * r"

HIPPOCAMPUS_I_CELLS = (
    LIF
    + """
I_ctrl = interneuron_offset(t) : volt
"""
)

# The online ripple detector of a closed-loop experiment (Girardeau et al. 2009, Nat Neurosci
# 12:1222), as one unit: every hippocampal E spike adds to a smoothed population rate, of
# which it keeps a running mean and variance outside events; it fires when the rate exceeds
# that mean by threshold_sd SDs, and stays refractory for the rest of the event. While the
# schedule arms it (disruption(t): the probability of disrupting a detected event, in sleep), a
# detection silences the hippocampal E cells after a delay. So a disruption follows the
# network's own event, whenever it starts, and never a planned one.
DETECTOR = """
drate/dt = -rate / tau_detect : Hz
dmean/dt = quiet * (rate - mean) / tau_baseline : Hz
dvar/dt = quiet * ((rate - mean)**2 - var) / tau_baseline : Hz**2
quiet = int(rate < mean + threshold_sd * sqrt(var)) : 1   # the baseline leaves events out
disrupt : 1                          # whether the latest detection is disrupted
silence_from : second                # the disruption's start and end
silence_until : second
tau_detect : second (shared, constant)
tau_baseline : second (shared, constant)
threshold_sd : 1 (shared, constant)
silence_delay : second (shared, constant)    # from detection to disruption
silence_duration : second (shared, constant) # of the disruption
"""
DETECTOR_START_VARIANCE = "(10 * Hz)**2"
DETECTOR_THRESHOLD = "rate > mean + threshold_sd * sqrt(var)"
DETECTOR_RESET = """
disrupt = int(rand() < disruption(t))
silence_from = t + silence_delay
silence_until = silence_from + silence_duration * disrupt
"""
DETECTOR_INPUT = "rate_post += w"  # w = 1 / (cells * tau_detect): a population rate

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
# Synaptic homeostasis (Tononi & Cirelli 2014, Neuron 81:12): while the pathway learns, each
# presynaptic spike takes a fraction of w, in proportion to 1 - ACh, so the active synapses of
# NREM shrink in proportion to their weight and wake (ACh 1) keeps what it potentiates.
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
w_init : volt (shared, constant)     # initial weight, to which a day boundary decays it
day_keep : 1 (shared, constant)      # fraction of learned weight kept at a day boundary
downscaling : 1 (shared, constant)   # fraction of w a presynaptic spike loses at ACh 0
dx/dt = -x / tau_x : 1 (event-driven)
dy/dt = -y / tau_y : 1 (event-driven)
"""
PLASTIC_ON_PRE = """
v_post += (1 - ach_factor * acetylcholine(t)) * w{release}
w = clip(w + eta * plasticity(t, channel) * (k_presyn * y - c_presyn), 0*mV, w_max)
w -= downscaling * (1 - acetylcholine(t)) * int(plasticity(t, channel) > 0) * w
x += 1
"""
PLASTIC_ON_POST = """
w = clip(w + eta * plasticity(t, channel) * (k_postsyn * x - c_postsyn), 0*mV, w_max)
y += 1
"""

STATIC = """
w : volt (shared, constant)
ach_factor : 1 (shared, constant)    # transmission lost per unit acetylcholine
"""

# The whole schedule is one run(), so what happens between phases is an event of the
# presynaptic cells. It is checked before anything else of a time step and fires where the
# schedule's phase signal has just changed; it then runs over all their synapses (see
# phase_ends.schedule_phase_events): the weights at the end of the phase go into its snapshot
# slot, one of a fixed number so that the program does not change with the number of phases
# (the last phase's weights are those the run ends with). At a day boundary (an instant, so
# the phase signal skips it) the hippocampus, a temporary store, keeps only part of what it
# learned, and the weights after that go into the day's slot. Selections keep the bits of
# what they select (1 * x + 0 * y is x).
PHASE_END = {"phase_end": "phase(t) != phase(t - dt)"}
SNAPSHOT = "w_after_{k} : volt\n"
DAY = "day = int(phase(t) > phase(t - dt) + 1.5)\n"
TAKE_SNAPSHOT = "w_after_{k} = {chosen} * w + (1 - {chosen}) * w_after_{k}\n"
PHASE_SLOT = "int(phase(t - dt) == {k})"
DAY_SLOT = "day * int(phase(t - dt) + 1 == {k})"
DAY_DECAY = "w = day * (w_init + (w - w_init) * day_keep) + (1 - day) * w\n"

# Start below threshold, spread so the first milliseconds are not synchronous.
V_INIT = "v_reset + rand() * (v_th - v_reset)"
