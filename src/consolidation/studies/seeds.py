"""The seeds the model is tuned on, kept apart from the seeds its claims are confirmed on.

A parameter tuned until some seeds show an effect would make a claim on those seeds circular.
``consolidation-diagnose`` runs on tuning seeds by default; the shipped configs' studies run on
others (a count of seeds means ``0 .. n-1``), and a claim computed on a tuning seed says so.
"""

from __future__ import annotations

from collections.abc import Iterable

TUNING_SEEDS = tuple(range(100, 108))


def tuning_seeds_in(seeds: Iterable[int]) -> list[int]:
    """The tuning seeds among `seeds`, in their order."""
    return [int(s) for s in seeds if int(s) in TUNING_SEEDS]


def describe(seeds: Iterable[int]) -> str:
    """`seeds` as text, saying whether they are held out from tuning."""
    seeds = [int(s) for s in seeds]
    tuned = tuning_seeds_in(seeds)
    text = ", ".join(map(str, seeds))
    if tuned:
        return f"{text} (tuning seeds among them: {', '.join(map(str, tuned))})"
    return f"{text} (held out from tuning)"
