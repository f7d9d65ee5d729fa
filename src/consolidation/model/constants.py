"""Every value the network takes from the parameters, recorded where it is set.

A compiled program holds zeros for these values and reads them at run time (see
consolidation.backends.standalone), so one program serves every cell of a structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import brian2 as b2
import numpy as np


@dataclass
class Constants:
    """Every value the network takes from the parameters, as (object, variable) -> value.

    With ``placeholders`` the objects get zeros of the same units instead: a compiled program
    is then the same for every cell of one structure and reads the values as run-time
    arguments (see consolidation.backends.standalone).
    """

    placeholders: bool = False
    values: dict[tuple[Any, str], Any] = field(default_factory=dict)

    def set(self, obj: b2.Group, **values: Any) -> None:
        for name, value in values.items():
            self.values[obj, name] = value
            # abs: a negative value times 0 is -0.0, which brian2 writes into the code as "- 0.0"
            setattr(obj, name, 0 * abs(value) if self.placeholders else value)

    def signals(self, signals: dict[str, b2.TimedArray]) -> dict[str, b2.TimedArray]:
        """The control signals, as zeros of their shapes and units with ``placeholders``."""
        if not self.placeholders:
            return signals
        return {
            name: b2.TimedArray(
                b2.Quantity(np.zeros_like(ta.values), dim=ta.dim),
                dt=ta.dt * b2.second,
                name=ta.name,
            )
            for name, ta in signals.items()
        }
