"""The model's one error type, raised with the user's vocabulary (the dotted parameter name)."""


class ParameterError(ValueError):
    """A parameter override is unknown, of the wrong type, or out of range."""
