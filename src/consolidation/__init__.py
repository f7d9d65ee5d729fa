"""Hippocampal one-shot encoding, sleep replay and cortical consolidation in brian2."""

from consolidation.parameters import ParameterError, Parameters

__all__ = ["ParameterError", "Parameters", "simulate"]


def simulate(params=None, seed: int = 0):
    """Simulate one grid cell; see :func:`consolidation.simulate.simulate`."""
    from consolidation.simulate import simulate as _simulate

    return _simulate(params, seed)
