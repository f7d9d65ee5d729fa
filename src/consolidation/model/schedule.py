"""Schedules as data: a list of phase dicts, validated and expanded before a run.

Phase kinds (``{"phase": kind, ...}``):

- ``encode``: present memories once each (``memories``: list of indices, default all;
  ``exposures``: default ``encoding.exposures``), hippocampal learning on, gated by dopamine.
- ``sleep``: one NREM night (``duration`` in s, default ``sleep.duration``): slow-oscillation
  up/down states in cortex, SWRs in up states, cortical learning inside ripple windows.
- ``wake``: quiet waking rest (``duration`` in s, default ``wake.duration``): high ACh, no SWRs.
- ``offline``: ``sleep`` or ``wake`` as ``schedule.offline`` says (a grid axis for sleep vs wake).
- ``test``: plasticity-free partial-cue recall of every memory, hippocampus intact and lesioned
  (``label`` names the probe in the output, default ``test<k>``).
- ``day``: a day boundary between two other phases: learned hippocampal weights decay by
  ``day.hpc_decay``.
"""

from __future__ import annotations

from typing import Any

from consolidation.model.errors import ParameterError

KINDS = {
    "encode": {"memories", "exposures"},
    "sleep": {"duration"},
    "wake": {"duration"},
    "offline": {"duration"},
    "test": {"label"},
    "day": set(),
}


def validate_phases(phases: Any) -> None:
    """Raise ParameterError naming 'schedule.phases[i]' for anything malformed."""
    key = "schedule.phases"
    if not isinstance(phases, list) or not phases:
        raise ParameterError(f"parameter '{key}': expected a non-empty list of phases")
    labels = set()
    for i, phase in enumerate(phases):
        where = f"parameter '{key}[{i}]'"
        if not isinstance(phase, dict) or "phase" not in phase:
            raise ParameterError(f"{where}: expected a mapping with a 'phase' key, got {phase!r}")
        kind = phase["phase"]
        if kind not in KINDS:
            raise ParameterError(
                f"{where}: unknown phase {kind!r}; allowed: {', '.join(sorted(KINDS))}"
            )
        extra = set(phase) - KINDS[kind] - {"phase"}
        if extra:
            raise ParameterError(
                f"{where}: unknown field(s) {sorted(extra)} for a {kind} phase; allowed: "
                f"{sorted(KINDS[kind]) or 'none'}"
            )
        if "duration" in phase and not (
            isinstance(phase["duration"], int | float)
            and not isinstance(phase["duration"], bool)
            and phase["duration"] > 0
        ):
            raise ParameterError(f"{where}: 'duration' must be a positive number of seconds")
        if "exposures" in phase and not (
            isinstance(phase["exposures"], int) and phase["exposures"] >= 1
        ):
            raise ParameterError(f"{where}: 'exposures' must be an integer >= 1")
        if "memories" in phase and not (
            phase["memories"] == "all"
            or isinstance(phase["memories"], list)
            and phase["memories"]
            and all(isinstance(m, int) and m >= 0 for m in phase["memories"])
        ):
            raise ParameterError(
                f"{where}: 'memories' must be 'all' or a non-empty list of indices"
            )
        # A day boundary is an instant between two phases that are not (controls.Planner).
        if kind == "day" and (
            i == 0 or i == len(phases) - 1 or phases[i - 1].get("phase") == "day"
        ):
            raise ParameterError(
                f"{where}: a day boundary must lie between two phases that are not one"
            )
        if kind == "test":
            label = str(phase.get("label", f"test{i}"))
            if label in labels:
                raise ParameterError(f"{where}: test label {label!r} is used twice")
            labels.add(label)
    if not labels:
        raise ParameterError(
            f"parameter '{key}': the schedule has no test phase, so nothing would be measured"
        )


def expand(params) -> list[dict[str, Any]]:
    """The schedule with defaults filled in and ``offline`` resolved; one dict per phase."""
    n_mem = params["memory.count"]
    out = []
    for i, phase in enumerate(params["schedule.phases"]):
        kind = phase["phase"]
        if kind == "offline":
            kind = params["schedule.offline"]
        p = {"phase": kind, "index": i}
        if kind == "encode":
            memories = phase.get("memories", "all")
            p["memories"] = list(range(n_mem)) if memories == "all" else list(memories)
            for m in p["memories"]:
                if m >= n_mem:
                    raise ParameterError(
                        f"parameter 'schedule.phases[{i}]': memory {m} does not exist "
                        f"(memory.count is {n_mem})"
                    )
            p["exposures"] = phase.get("exposures", params["encoding.exposures"])
        elif kind in ("sleep", "wake"):
            p["duration"] = float(phase.get("duration", params[f"{kind}.duration"]))
        elif kind == "test":
            p["label"] = str(phase.get("label", f"test{i}"))
        p["name"] = f"{i}:{kind}" + (f":{p['label']}" if kind == "test" else "")
        out.append(p)
    return out


def memory_ages(phases: list[dict[str, Any]], n_memories: int) -> list[int]:
    """Nights each memory has slept through since it was last encoded (-1: never encoded)."""
    ages = [-1] * n_memories
    for phase in phases:
        if phase["phase"] == "encode":
            for m in phase["memories"]:
                ages[m] = 0
        elif phase["phase"] == "sleep":
            ages = [a + 1 if a >= 0 else a for a in ages]
    return ages
