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
    cues = np.zeros_like(patterns)
    n_cue = max(1, round(params["test.cue_fraction"] * k_ctx))
    for m in range(n_mem):
        cues[m, rng.choice(np.flatnonzero(patterns[m]), size=n_cue, replace=False)] = True
    return Memories(patterns, indices, cues)
