"""Hippocampal one-shot encoding, sleep replay and cortical consolidation in brian2."""

from consolidation.backends.driver import simulate, simulate_seeds
from consolidation.model.parameters import ParameterError, Parameters

__all__ = ["ParameterError", "Parameters", "simulate", "simulate_seeds"]
