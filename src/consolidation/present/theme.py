"""The one theme and the fixed colours of every figure; they are set here and only here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import seaborn as sns

from consolidation.studies.stats import t_interval

DEFAULTS: dict[str, Any] = {
    "dpi": 150,
    "context": "paper",
    "style": "ticks",
    "palette": "colorblind",
    "font_scale": 1.0,
}


def t_errorbar(values) -> tuple[float, float]:
    """Seaborn error bars: the 95% Student t interval of the mean over seeds, as the claims use
    (a percentile bootstrap undercovers at a few seeds; one seed gives no bar)."""
    _, low, high = t_interval(values)
    return low, high


def settings(plots: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**DEFAULTS, **(plots or {})}


def set_theme(plots: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Apply the one theme; returns the full plot settings."""
    s = settings(plots)
    sns.set_theme(
        context=s["context"], style=s["style"], palette=s["palette"], font_scale=s["font_scale"]
    )
    return s


def colours(plots: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Fixed roles in the palette, so a condition has the same colour in every figure."""
    pal = sns.color_palette(settings(plots)["palette"], 10)
    return {
        "intact": pal[0],
        "lesioned": pal[3],
        "ctx_e": pal[7],
        "hpc_e": pal[9],
        "swr": "black",
        "up_state": "0.9",
        "grid": [pal[i] for i in (1, 2, 4, 8, 6, 5)],
    }


def value_colours(values: Sequence[Any], plots: Mapping[str, Any] | None = None) -> dict:
    """A colour per grid value (in grid order), from the palette entries kept for conditions."""
    pool = colours(plots)["grid"]
    return {str(v): pool[i % len(pool)] for i, v in enumerate(values)}
