"""What each kind of study simulates, the figures it can draw and draws by default.

- ``network``: the network through its schedule (:mod:`consolidation.model.network`);
- ``stdp_window``: the STDP window of one plastic synapse with isolated spike pairs
  (:mod:`consolidation.model.stdp`);
- ``working_memory``: items held by short-term facilitation in a separate network
  (:mod:`consolidation.model.working_memory`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from consolidation.model.parameters import Parameters

STUDY_KINDS = ("network", "stdp_window", "working_memory")
KIND_FIGURES = {
    "network": ("main_effect", "per_memory", "sleep_raster", "weight_change"),
    "stdp_window": ("stdp_window",),
    "working_memory": ("wm_raster", "wm_capacity", "wm_facilitation"),
}
DEFAULT_FIGURES = {
    "network": ("main_effect", "sleep_raster", "weight_change"),
    "stdp_window": ("stdp_window",),
    "working_memory": ("wm_raster", "wm_capacity", "wm_facilitation"),
}
FIGURE_KINDS = tuple(kind for kinds in KIND_FIGURES.values() for kind in kinds)
# Figures drawn from one cell file rather than the study dataset (the rest stays in the cells).
CELL_FIGURES = ("sleep_raster", "wm_raster")
# Figures that draw the grid as axes of one plot: at most two grid axes.
GRID_FIGURES = ("main_effect", "wm_capacity")


def largest_load(cells: Sequence[Any]) -> int:
    """Position of the first cell (a grid Cell) with the most items cued (working_memory.load):
    the example a working-memory study's raster draws."""
    loads = [Parameters.from_overrides(c.overrides)["working_memory.load"] for c in cells]
    return loads.index(max(loads))
