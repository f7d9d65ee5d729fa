"""The claims as one figure: each claim's per-seed values with its mean and 95% interval.

A row per claim, each with its own axis (claims differ in units): the seeds as points, the mean
with its Student t interval in the verdict's colour, and what the verdict compares against: 0
for a contrast, trend or level (their per-seed values are effects), the accepted interval
around the published value for a match.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# the text colours of the report's verdict badges (report.css)
VERDICT_COLOURS = {"reproduced": "#116329", "contradicted": "#a40e26", "inconclusive": "#7d4e00"}
ROW_INCHES = 0.62
SEED_JITTER = 0.18  # vertical spread of the seeds' points, in row units


def _values(result: Mapping[str, Any]) -> np.ndarray:
    values = np.asarray(list((result.get("per_seed") or {}).values()), dtype=float)
    return values[np.isfinite(values)]


def _unit(result: Mapping[str, Any]) -> str:
    if result.get("kind") == "trend":
        return "Spearman ρ"
    units = result.get("units") or ""
    return "" if units == "1" else units


def _row(ax: plt.Axes, result: Mapping[str, Any]) -> None:
    values = _values(result)
    jitter = np.linspace(-SEED_JITTER, SEED_JITTER, values.size) if values.size > 1 else [0.0]
    ax.scatter(values, jitter, s=9, color="0.45", zorder=2)
    colour = VERDICT_COLOURS.get(result.get("verdict"), "0.2")
    effect, low, high = (result.get(k) for k in ("effect", "ci_low", "ci_high"))
    if effect is not None and np.isfinite(effect):
        if low is not None and high is not None and np.isfinite([low, high]).all():
            ax.plot([low, high], [0, 0], color=colour, lw=2.2, zorder=3)
        ax.plot([effect], [0], marker="D", ms=5, color=colour, zorder=4)
    if result.get("kind") == "match" and result.get("interval"):
        ax.axvspan(*result["interval"], color="0.9", zorder=0)
    else:
        ax.axvline(0, color="0.55", lw=0.8, ls="--", zorder=1)
    ax.set_ylim(-0.5, 0.5)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=6.5, length=2, pad=1)
    title = f"{result.get('study', '')}: {result.get('name', '')} — {result.get('verdict', '')}"
    ax.set_title(title, loc="left", fontsize=7, pad=2, color=colour)
    ax.text(1.0, 1.02, _unit(result), transform=ax.transAxes, ha="right", va="bottom", fontsize=6.5)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def claims_figure(results: Sequence[Mapping[str, Any]]) -> plt.Figure | None:
    """The figure of every claim with per-seed values (None if there is none)."""
    rows = [r for r in results if _values(r).size]
    if not rows:
        return None
    fig, axes = plt.subplots(
        len(rows), 1, figsize=(7.0, 0.2 + ROW_INCHES * len(rows)), squeeze=False
    )
    for ax, result in zip(axes[:, 0], rows, strict=True):
        _row(ax, result)
    fig.tight_layout(h_pad=0.6)
    return fig


def claims_png(results: Sequence[Mapping[str, Any]]) -> bytes | None:
    """:func:`claims_figure` as PNG bytes."""
    fig = claims_figure(results)
    return None if fig is None else png_bytes(fig)


def png_bytes(fig: plt.Figure) -> bytes:
    """A figure of the report as PNG bytes (the figure is closed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=130)
    plt.close(fig)
    return buffer.getvalue()
