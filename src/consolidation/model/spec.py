"""A parameter's type: its default, unit, bounds and meaning (:class:`Spec`), and the units a
config may use. The table of parameters is :mod:`.specs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import brian2 as b2

# Unit names a config may use (in numbers' declared units and in strings like "200 ms").
UNITS = {
    "s": b2.second,
    "second": b2.second,
    "ms": b2.ms,
    "us": b2.us,
    "V": b2.volt,
    "volt": b2.volt,
    "mV": b2.mV,
    "Hz": b2.Hz,
    "kHz": b2.kHz,
}


@dataclass(frozen=True)
class Spec:
    """One parameter: its default, unit (None for dimensionless), bounds and meaning."""

    default: Any
    doc: str
    unit: str | None = None
    kind: type = float
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    low_open: bool = False  # True: the value must be strictly above `low`

    def describe(self) -> str:
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "true or false"
        if self.kind is list:
            return "a list"
        what = "an integer" if self.kind is int else "a number"
        bounds = []
        if self.low is not None:
            bounds.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if self.high is not None:
            bounds.append(f"<= {self.high:g}")
        unit = f" in {self.unit}" if self.unit else ""
        return f"{what}{unit}" + (f" ({' and '.join(bounds)})" if bounds else "")


def spec(default, doc, unit=None, low=None, high=None, kind=None, low_open=False, choices=None):
    if kind is None:
        kind = type(default) if choices is None else str
        kind = float if kind is int and unit is not None else kind
    return Spec(default, doc, unit, kind, low, high, tuple(choices) if choices else None, low_open)


POSITIVE = {"low": 0.0, "low_open": True}
NONNEG = {"low": 0.0}
FRACTION = {"low": 0.0, "high": 1.0}
