"""The figure of an STDP-window study: the measured window against Bi & Poo's exponentials."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
import xarray as xr  # noqa: E402

from consolidation.model.stdp import BI_POO_TAU_MINUS, BI_POO_TAU_PLUS  # noqa: E402
from consolidation.present.theme import set_theme, t_errorbar, value_colours  # noqa: E402
from consolidation.studies.stats import t_interval  # noqa: E402


def bi_poo_fit(offsets: np.ndarray, dw: np.ndarray) -> tuple[float, float]:
    """Amplitudes (A+, A-) of the Bi & Poo shape, A+ exp(-t/16.8 ms) for t > 0 and
    -A- exp(t/33.7 ms) for t < 0, that fit ``dw`` best (least squares, time constants fixed)."""
    amplitudes = []
    for side, tau, sign in ((offsets > 0, BI_POO_TAU_PLUS, 1), (offsets < 0, BI_POO_TAU_MINUS, -1)):
        keep = side & np.isfinite(dw)
        shape = sign * np.exp(-np.abs(offsets[keep]) / tau)
        denom = float(shape @ shape)
        amplitudes.append(float(shape @ dw[keep]) / denom if denom > 0 else np.nan)
    return amplitudes[0], amplitudes[1]


def _window_panel(ax, cell: xr.DataArray, offsets: np.ndarray, colour: Any) -> None:
    """One grid cell's measured window (mean, 95% CI over seeds) and the Bi & Poo exponentials,
    each side scaled to the measured mean by least squares."""
    sns.lineplot(
        cell.to_dataframe(name="dw").reset_index(),
        x="offset",
        y="dw",
        color=colour,
        marker="o",
        linestyle="",
        err_style="bars",
        errorbar=t_errorbar,
        ax=ax,
    )
    a_plus, a_minus = bi_poo_fit(offsets, cell.mean("seed").values)
    smooth = np.linspace(offsets.min(), offsets.max(), 400)
    plus, minus = smooth[smooth > 0], smooth[smooth < 0]
    ax.plot(plus, a_plus * np.exp(-plus / BI_POO_TAU_PLUS), color="0.25", ls="--", lw=1)
    ax.plot(minus, -a_minus * np.exp(minus / BI_POO_TAU_MINUS), color="0.25", ls="--", lw=1)
    ax.axhline(0, color="0.6", lw=0.8, ls=":")
    ax.axvline(0, color="0.6", lw=0.8, ls=":")


def _fitted_decays(ds: xr.Dataset, sel: Mapping[str, int]) -> str:
    """The decays fitted per seed on each side of a grid cell's window: mean [95% CI]."""
    fits = []
    for name, sign in (("tau_plus", "+"), ("tau_minus", "−")):
        values = ds[name].isel(sel).values
        finite = values[np.isfinite(values)]
        if finite.size:
            m, lo, hi = t_interval(finite)
            fits.append(f"τ{sign} {m:.1f} [{lo:.1f}, {hi:.1f}] ms")
        else:
            fits.append(f"τ{sign}: none")
    if any("ms" in f for f in fits):
        return f"fitted {', '.join(fits)}"
    return "no exponential decay on either side"


def _window_legend() -> list[matplotlib.lines.Line2D]:
    return [
        matplotlib.lines.Line2D(
            [], [], color="0.4", marker="o", ls="", label="measured: mean, 95% CI over seeds"
        ),
        matplotlib.lines.Line2D(
            [],
            [],
            color="0.25",
            ls="--",
            label=f"Bi & Poo 1998 shape (τ+ {BI_POO_TAU_PLUS:g} ms, τ− {BI_POO_TAU_MINUS:g} ms), "
            "scaled to the data",
        ),
    ]


def stdp_window(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """The measured STDP window (weight change per spike pair against t_post - t_pre), one panel
    per grid cell, with the Bi & Poo exponential shape scaled to it and the fitted decays."""
    set_theme(plots)
    axes = [d for d in ds["dw"].dims if d not in ("seed", "offset")]
    dw = ds["dw"].where(ds["flag"] == 0) if "flag" in ds else ds["dw"]
    combos = list(itertools.product(*(range(ds.sizes[a]) for a in axes)))
    labels = [
        ", ".join(f"{a}={ds[a].values[i]}" for a, i in zip(axes, combo, strict=True)) or "window"
        for combo in combos
    ]
    palette = value_colours(labels, plots)
    fig, grid = plt.subplots(
        1, len(combos), figsize=(4.2 * len(combos) + 0.4, 4.0), squeeze=False, layout="constrained"
    )
    offsets = ds["offset"].values.astype(float)
    for ax, combo, label in zip(grid.flat, combos, labels, strict=True):
        sel = dict(zip(axes, combo, strict=True))
        _window_panel(ax, dw.isel(sel), offsets, palette[label])
        ax.set(
            xlabel="t_post − t_pre (ms)",
            ylabel="weight change per pair (× learning rate)",
            title=f"{label}\n{_fitted_decays(ds, sel)}",
        )
        ax.title.set_fontsize("small")
    fig.legend(handles=_window_legend(), loc="outside lower center", ncols=2, frameon=False)
    pathway = ds.attrs.get("param.stdp.pathway", "")
    fig.suptitle(f"{ds.attrs.get('study', '')}: STDP window of the {pathway} synapse")
    sns.despine(fig)
    return fig
