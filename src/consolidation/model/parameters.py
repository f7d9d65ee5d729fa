"""A validated set of model parameters: the table's defaults (:mod:`.specs`) with overrides.

A config overrides parameters by dotted name (``sleep.swr_rate: 2.0``). Numbers are read in the
parameter's declared unit; a string with a unit (``"200 ms"``) is also accepted and must have the
right dimension. Anything unknown, mistyped or out of range raises :class:`ParameterError` naming
the dotted key and what is allowed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import brian2 as b2

from consolidation.model.errors import ParameterError
from consolidation.model.schedule import validate_phases
from consolidation.model.specs import SECTIONS, SPECS, UNITS, Spec

__all__ = ["SECTIONS", "SPECS", "TIMED_ON_GRID", "UNITS", "ParameterError", "Parameters", "Spec"]


# Timings the schedule lays out on the control grid (ms or s, as declared).
TIMED_ON_GRID = (
    "encoding.duration",
    "encoding.gap",
    "test.duration",
    "test.gap",
    "sleep.duration",
    "wake.duration",
    "sleep.swr_seed_duration",
    "sleep.swr_duration",
)


def _coerce(name: str, spec: Spec, value: Any) -> Any:
    """Check one override against its spec; return it as a plain number in the declared unit."""
    allowed = f"allowed: {spec.describe()}"
    if spec.kind is list:
        if not isinstance(value, list | tuple):
            raise ParameterError(f"parameter '{name}': expected a list, got {value!r}")
        return list(value)
    if spec.choices:
        if value not in spec.choices:
            raise ParameterError(f"parameter '{name}': {value!r} is not allowed; {allowed}")
        return value
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"parameter '{name}': {value!r} is not a boolean; {allowed}")
        return value
    if isinstance(value, str) and spec.unit is not None:
        value = _parse_quantity(name, spec, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"parameter '{name}': {value!r} is not a number; {allowed}")
    if spec.kind is int:
        if float(value) != int(value):
            raise ParameterError(f"parameter '{name}': {value!r} is not an integer; {allowed}")
        value = int(value)
    else:
        value = float(value)
    if not math.isfinite(value):
        raise ParameterError(f"parameter '{name}': {value!r} is not finite; {allowed}")
    if spec.low is not None and (value < spec.low or (spec.low_open and value == spec.low)):
        raise ParameterError(f"parameter '{name}': {value!r} is out of range; {allowed}")
    if spec.high is not None and value > spec.high:
        raise ParameterError(f"parameter '{name}': {value!r} is out of range; {allowed}")
    return value


def _parse_quantity(name: str, spec: Spec, text: str) -> float:
    """'200 ms' -> 200.0 for a parameter declared in ms; a wrong dimension is an error."""
    unit = UNITS[spec.unit]
    try:
        number, _, unit_name = text.strip().partition(" ")
        given = float(number) * UNITS[unit_name.strip()]
    except (KeyError, ValueError):
        raise ParameterError(
            f"parameter '{name}': cannot read {text!r} as a quantity; give a number in "
            f"{spec.unit} or a string like '1.5 {spec.unit}'"
        ) from None
    if not b2.have_same_dimensions(given, unit):
        raise ParameterError(
            f"parameter '{name}': {text!r} has the wrong unit; expected a quantity in {spec.unit}"
        )
    return float(given / unit)


@dataclass(frozen=True)
class Parameters(Mapping):
    """A complete, validated set of parameters; read values by dotted name.

    ``params["sleep.duration"]`` is the plain number in the declared unit (15.0, seconds);
    ``params.q("sleep.duration")`` is the brian2 quantity (15. * second).
    """

    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None = None) -> Parameters:
        values = {name: spec.default for name, spec in SPECS.items()}
        for name, value in flatten(overrides or {}).items():
            if name not in SPECS:
                raise ParameterError(_unknown(name))
            values[name] = _coerce(name, SPECS[name], value)
        params = cls(values)
        params.check_consistency()
        return params

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def q(self, name: str) -> Any:
        """The value as a brian2 quantity (plain number for dimensionless parameters)."""
        unit = SPECS[name].unit
        return self.values[name] * UNITS[unit] if unit else self.values[name]

    def n(self, name: str) -> int:
        """A population size after applying ``network.scale``."""
        return max(1, round(self.values[name] * self.values["network.scale"]))

    def check_consistency(self) -> None:
        """Constraints that involve several parameters."""
        validate_phases(self.values["schedule.phases"])
        n_mem = self.values["memory.count"]
        for key in ("cue.memories", "neuromod.rewarded_memories"):
            for i in self.values[key]:
                if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < n_mem:
                    raise ParameterError(
                        f"parameter '{key}': {i!r} is not a memory index "
                        f"(allowed: integers 0..{n_mem - 1})"
                    )
        for size, frac in (
            ("network.ctx_e", "memory.pattern_fraction"),
            ("network.hpc_e", "memory.index_fraction"),
        ):
            if self.values["memory.layout"] == "disjoint" and n_mem * self.values[frac] > 1:
                raise ParameterError(
                    f"parameter '{frac}': {n_mem} disjoint memories of fraction "
                    f"{self.values[frac]:g} do not fit in {size}; lower it or use "
                    "memory.layout: random"
                )
        self._check_control_grid()
        self._check_working_memory()
        if self.values["simulation.device"] == "runtime" and self.values["simulation.threads"] > 1:
            raise ParameterError(
                "parameter 'simulation.threads': more than one thread needs "
                "simulation.device: cpp_standalone (OpenMP in the compiled program)"
            )
        if self.values["cell.v_threshold"] <= self.values["cell.v_reset"]:
            raise ParameterError(
                "parameter 'cell.v_threshold': must lie above cell.v_reset "
                f"({self.values['cell.v_reset']:g} mV)"
            )

    def _check_working_memory(self) -> None:
        v = {k.split(".")[1]: x for k, x in self.values.items() if k.startswith("working_memory.")}
        if v["load"] > v["items"]:
            raise ParameterError(
                f"parameter 'working_memory.load': {v['load']} items cued, but the network has "
                f"working_memory.items = {v['items']}"
            )
        if v["items"] * v["item_size"] > v["n_e"]:
            raise ParameterError(
                f"parameter 'working_memory.item_size': {v['items']} items of {v['item_size']} "
                f"cells do not fit in working_memory.n_e = {v['n_e']}"
            )
        n_mem = self.values["memory.count"]
        if self.values["encoding.hippocampal_input"] == "working_memory" and n_mem > v["items"]:
            raise ParameterError(
                f"parameter 'memory.count': {n_mem} memories, but with "
                "encoding.hippocampal_input: working_memory each needs an item of the "
                f"working-memory network, which has working_memory.items = {v['items']}"
            )
        if v["cue_gap"] >= v["cue_duration"]:
            raise ParameterError(
                "parameter 'working_memory.cue_gap': must be shorter than "
                f"working_memory.cue_duration ({v['cue_duration']:g} ms)"
            )

    def _check_control_grid(self) -> None:
        """Phase timings must fall on the control grid (see consolidation.model.controls)."""
        step = self.values["simulation.control_step"]
        timed = list(TIMED_ON_GRID)
        timed += [
            f"schedule.phases[{i}].duration"
            for i, phase in enumerate(self.values["schedule.phases"])
            if "duration" in phase
        ]
        for key in timed:
            if key.startswith("schedule.phases["):
                i = int(key.split("[")[1].split("]")[0])
                value = self.values["schedule.phases"][i]["duration"] * 1e3
            else:
                value = self.values[key] * (1e3 if SPECS[key].unit == "s" else 1.0)
            if abs(value / step - round(value / step)) > 1e-6:
                raise ParameterError(
                    f"parameter '{key}': {value:g} ms is not a multiple of "
                    f"simulation.control_step ({step:g} ms); change one of them"
                )

    def flat(self) -> dict[str, Any]:
        """Every parameter by dotted name, as netCDF-safe scalars (lists as JSON text)."""
        return {k: json.dumps(v) if isinstance(v, list) else v for k, v in self.values.items()}


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"sleep": {"duration": 5}} and {"sleep.duration": 5} both give {"sleep.duration": 5}."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and name not in SPECS:
            if name in SECTIONS or not prefix and key in SECTIONS:
                flat.update(flatten(value, f"{name}."))
                continue
        flat[name] = value
    return flat


def _unknown(name: str) -> str:
    section = name.split(".")[0]
    if section in SECTIONS:
        close = [k for k in SPECS if k.startswith(section + ".")]
        return f"unknown parameter '{name}'; parameters in '{section}': " + ", ".join(close)
    return f"unknown parameter '{name}'; known sections: " + ", ".join(SECTIONS)
