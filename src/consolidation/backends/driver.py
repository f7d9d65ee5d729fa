"""The one entry point of a simulation: ``simulate(params, seed) -> Dataset``.

The backend is chosen by name (``simulation.device``) from :data:`BACKENDS`; each backend module
implements ``simulate(params, seed)`` and ``simulate_seeds(params, seeds)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import ModuleType

import xarray as xr

from consolidation.backends import runtime, standalone
from consolidation.model.parameters import Parameters

BACKENDS: dict[str, ModuleType] = {"runtime": runtime, "cpp_standalone": standalone}


def _backend(params: Parameters | dict | None) -> tuple[Parameters, ModuleType]:
    if not isinstance(params, Parameters):
        params = Parameters.from_overrides(params)
    return params, BACKENDS[params["simulation.device"]]


def simulate(params: Parameters | dict | None = None, seed: int = 0) -> xr.Dataset:
    """Simulate one grid cell: build the network, run the schedule, return its measurements."""
    params, backend = _backend(params)
    return backend.simulate(params, seed)


def simulate_seeds(params: Parameters | dict | None, seeds: Iterable[int]) -> Iterator[xr.Dataset]:
    """Several seeds of one grid cell in this process, in order, each dataset as it is done.

    Each is identical to ``simulate(params, seed)`` in a fresh process. With cpp_standalone the
    network is built once and the compiled program re-run per seed.
    """
    params, backend = _backend(params)
    yield from backend.simulate_seeds(params, seeds)
