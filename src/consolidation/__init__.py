"""Hippocampal one-shot encoding, sleep replay and cortical consolidation in brian2."""

from consolidation.parameters import ParameterError, Parameters

# Imported here, after the submodule of the same name, so that `consolidation.simulate` is the
# function: a lazy import would let the submodule's import rebind the package attribute.
from consolidation.simulate import simulate

__all__ = ["ParameterError", "Parameters", "simulate"]
