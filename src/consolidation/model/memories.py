"""Which cells belong to which memory: cortical patterns, hippocampal indices, test cues."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from consolidation.model.parameters import Parameters


@dataclass
class Memories:
    """Which cells belong to which memory: cortical patterns, hippocampal indices, test cues."""

    patterns: np.ndarray  # bool (memory, ctx_e)
    indices: np.ndarray  # bool (memory, hpc_e)
    cues: np.ndarray  # bool (memory, ctx_e): the cued part of each pattern at test


def draw_memories(params: Parameters, rng: np.random.Generator) -> Memories:
    """Random sparse patterns and indices (disjoint or independent), and each pattern's cue."""
    n_ctx, n_hpc = params.n("network.ctx_e"), params.n("network.hpc_e")
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
    if params["memory.overlap"] > 0:
        # A stream of its own, so that every other draw (the older memories' cues among
        # them) is the same at every overlap, and a contrast along it is paired.
        (own,) = rng.spawn(1)
        patterns = overlap_patterns(params, patterns, own)
    cues = np.zeros_like(patterns)
    n_cue = max(1, round(params["test.cue_fraction"] * k_ctx))
    for m in range(n_mem):
        cues[m, rng.choice(np.flatnonzero(patterns[m]), size=n_cue, replace=False)] = True
    return Memories(patterns, indices, cues)


def overlap_patterns(params: Parameters, drawn: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Patterns in which memory m shares ``memory.overlap`` of its cells with memory
    m - ``memory.overlap_lag`` (already built, so overlaps chain), the rest of its cells as
    drawn. Its own cells that the partner's pattern also has count as shared."""
    lag = params["memory.overlap_lag"]
    patterns = drawn.copy()
    k = int(drawn[0].sum())
    n_shared = round(params["memory.overlap"] * k)
    for m in range(lag, len(patterns)):
        partner = patterns[m - lag]
        own = np.flatnonzero(drawn[m] & ~partner)
        extra = max(0, n_shared - int((drawn[m] & partner).sum()))
        taken = rng.choice(np.flatnonzero(partner & ~drawn[m]), size=extra, replace=False)
        patterns[m, rng.choice(own, size=extra, replace=False)] = False
        patterns[m, taken] = True
    return patterns
