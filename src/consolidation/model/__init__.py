"""The model: parameters, schedule, memories, control signals, network, measures, the STDP rule.

Nothing here imports the rest of the package (see the import contract in pyproject.toml)."""
