"""Simulation jobs sized in minutes (``batch.minutes``): which cells each job runs.

A unit is one cell (its kind and key) and seed, of a network or working-memory study. The units
of a config are packed, in config order, into jobs of about ``batch.minutes`` each, at a cost
per unit. A job runs units of one kind and thread count, the seeds of a cell one after the
other (the network is built once per cell), and is named by a hash of its units, so it is the
same job in every process that plans it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

MARKER = "batch~{label}.done"  # a job's marker, in results/cells/<kind>/
BATCHED_KINDS = ("network", "working_memory")  # STDP-window cells take seconds, run locally


@dataclass(frozen=True)
class Unit:
    """One simulation: a cell's kind and key, a seed, and the cores its cell asks for."""

    kind: str
    key: str
    seed: int
    threads: int = 1


def label(units: Sequence[Unit]) -> str:
    """The name of the job that runs these units (a hash of them, in order)."""
    text = ",".join(f"{u.kind}:{u.key}:{u.seed}" for u in units)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_batches(
    units: Iterable[Unit], cost: Callable[[Unit], float], budget_s: float
) -> list[list[Unit]]:
    """The units packed, in order, into jobs of at most `budget_s` of estimated time each (a
    unit that alone takes longer is a job of its own); one kind and thread count per job."""
    groups: dict[tuple[str, int], list[Unit]] = {}
    for unit in units:
        groups.setdefault((unit.kind, unit.threads), []).append(unit)
    batches: list[list[Unit]] = []
    for group in groups.values():
        job: list[Unit] = []
        used = 0.0
        for unit in group:
            if job and used + cost(unit) > budget_s:
                batches.append(job)
                job, used = [], 0.0
            job.append(unit)
            used += cost(unit)
        batches.append(job)
    return batches
