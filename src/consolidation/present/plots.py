"""The study figures, drawn with seaborn in the theme and colours of
:mod:`consolidation.present.theme`; the STDP-window study's figure is in
:mod:`consolidation.present.window_plot`, the working-memory study's in
:mod:`consolidation.present.wm_plot`.

Each figure function takes data and plot settings and returns a matplotlib Figure; ``save``
writes it as PNG (for the reports) and SVG (beside it), atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
import xarray as xr  # noqa: E402

from consolidation.present.theme import (  # noqa: E402
    colours,
    set_theme,
    settings,
    t_errorbar,
    value_colours,
)
from consolidation.present.window_plot import stdp_window  # noqa: E402
from consolidation.present.wm_plot import wm_capacity, wm_facilitation, wm_raster  # noqa: E402
from consolidation.results.collect import recall_outcome  # noqa: E402
from consolidation.results.io import atomic_path  # noqa: E402
from consolidation.studies.stats import t_interval  # noqa: E402


def _axis_label(da: xr.DataArray) -> str:
    units = da.attrs.get("units", "1")
    return da.name + ("" if units in ("1", "") else f" ({units})")


def _is_numeric(values: np.ndarray) -> bool:
    return np.issubdtype(np.asarray(values).dtype, np.number)


def main_effect(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """Recall at the last probe vs the grid: lines with 95% CI (1-D) or a heatmap (2-D)."""
    set_theme(plots)
    axes = [d for d in ds["recall"].dims if d not in ("seed", "probe", "memory", "hippocampus")]
    study = ds.attrs.get("study", "")
    probe = str(ds["probe"].values[-1])
    if len(axes) == 1:
        return _main_effect_1d(ds, axes[0], plots, f"{study}: recall at '{probe}' vs {axes[0]}")
    if len(axes) == 2:
        return _main_effect_2d(ds, axes, f"{study}: cortical recall at '{probe}'")
    raise ValueError(f"main_effect draws 1-D or 2-D grids; this study has axes {axes}")


def _main_effect_1d(ds, axis, plots, title) -> plt.Figure:
    frames = []
    for condition in ("intact", "lesioned"):
        da = recall_outcome(ds, condition)
        df = da.to_dataframe(name="recall").reset_index()
        df["hippocampus"] = condition
        frames.append(df[[axis, "seed", "hippocampus", "recall"]])
    df = pd.concat(frames, ignore_index=True)
    palette = {k: colours(plots)[k] for k in ("intact", "lesioned")}
    fig, ax = plt.subplots(figsize=(4.5, 3.4), layout="constrained")
    numeric = _is_numeric(ds[axis].values)
    if numeric:
        sns.lineplot(
            df,
            x=axis,
            y="recall",
            hue="hippocampus",
            palette=palette,
            marker="o",
            errorbar=t_errorbar,
            ax=ax,
        )
    else:
        df[axis] = pd.Categorical(df[axis].astype(str), [str(v) for v in ds[axis].values])
        sns.pointplot(
            df,
            x=axis,
            y="recall",
            hue="hippocampus",
            palette=palette,
            errorbar=t_errorbar,
            dodge=0.15,
            capsize=0.1,
            ax=ax,
        )
    ax.axhline(0, color="0.6", lw=0.8, ls=":")
    ax.set(xlabel=_axis_label(ds[axis]), ylabel="recall (Hz)", title=title)
    ax.legend(title="hippocampus at test", frameon=False)
    sns.despine(fig)
    return fig


def _main_effect_2d(ds, axes, title) -> plt.Figure:
    da = recall_outcome(ds, "lesioned")
    rows, cols = axes
    mean = np.zeros((ds.sizes[rows], ds.sizes[cols]))
    text = np.empty(mean.shape, dtype=object)
    for i in range(ds.sizes[rows]):
        for j in range(ds.sizes[cols]):
            m, lo, hi = t_interval(da.isel({rows: i, cols: j}).values)
            mean[i, j] = m
            text[i, j] = f"{m:.2g}\n[{lo:.2g}, {hi:.2g}]"
    table = pd.DataFrame(
        mean,
        index=pd.Index([str(v) for v in ds[rows].values], name=_axis_label(ds[rows])),
        columns=pd.Index([str(v) for v in ds[cols].values], name=_axis_label(ds[cols])),
    )
    fig, ax = plt.subplots(
        figsize=(1.3 * mean.shape[1] + 2.5, 1.0 * mean.shape[0] + 1.8), layout="constrained"
    )
    sns.heatmap(
        table,
        annot=text,
        fmt="",
        cmap="viridis",
        ax=ax,
        cbar_kws={"label": "recall, hippocampus lesioned (Hz)"},
    )
    ax.set_title(title + "\nmean [95% CI over seeds]")
    return fig


def sleep_raster(cell: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """Spikes of cortex and hippocampus around a few SWRs, with up states and ripples marked."""
    set_theme(plots)
    c = colours(plots)
    start, end = (float(t) for t in np.atleast_1d(cell.attrs.get("raster_window", [0, 0])))
    if end <= start:
        start, end = float(cell["time_bin"].min()), float(cell["time_bin"].max())
    fig, (ax_r, ax_p) = plt.subplots(
        2, 1, figsize=(6.5, 4.5), sharex=True, height_ratios=[3, 1.3], layout="constrained"
    )
    n_ctx = cell.sizes.get("ctx_cell", 0)
    pops = cell["raster_population"].values
    y = cell["raster_cell"].values + np.where(pops == 1, n_ctx, 0)
    for code, name in ((0, "ctx_e"), (1, "hpc_e")):
        sel = pops == code
        ax_r.scatter(
            cell["raster_time"].values[sel],
            y[sel],
            s=1.5,
            lw=0,
            color=c[name],
            label=name,
            rasterized=True,
        )
    for a, b in zip(cell["up_start"].values, cell["up_end"].values, strict=True):
        if b > start and a < end:
            for ax in (ax_r, ax_p):
                ax.axvspan(max(a, start), min(b, end), color=c["up_state"], zorder=0, lw=0)
    onsets = cell["swr_time"].values
    onsets = onsets[(onsets >= start) & (onsets <= end)]
    for t in onsets:
        for ax in (ax_r, ax_p):
            ax.axvline(t, color=c["swr"], lw=0.8, ls="--")
    ax_r.plot(
        onsets,
        np.full(onsets.shape, n_ctx + cell.sizes.get("hpc_cell", 0) + 3),
        "v",
        color=c["swr"],
        ms=5,
        label="SWR onset (detected)",
        clip_on=False,
    )
    ax_r.axhline(n_ctx - 0.5, color="0.5", lw=0.5)
    ax_r.set(
        ylabel="cell (cortex E | hippocampus E)",
        xlim=(start, end),
        title=f"Sleep: SWRs in up states (grey), seed {cell.attrs.get('seed', '?')}",
    )
    legend = ax_r.legend(loc="upper right", frameon=True, fontsize="small")
    for handle in legend.legend_handles[:2]:
        handle.set_sizes([15])
    rate = cell["population_rate"].sel(time_bin=slice(start, end))
    for name in ("ctx_e", "hpc_e"):
        ax_p.plot(rate["time_bin"], rate.sel(population=name), color=c[name], lw=1, label=name)
    ax_p.set(xlabel="time (s)", ylabel="rate (Hz)")
    sns.despine(fig)
    return fig


def weight_change(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """Mean cortical weight within and between patterns after each phase, per grid value."""
    set_theme(plots)
    axes = [d for d in ds["weight_within"].dims if d not in ("seed", "phase", "memory")]
    kept = ds["flag"] == 0 if "flag" in ds else True  # flagged runs are left out
    within = ds["weight_within"].mean("memory").where(kept)
    frames = []
    between = ds["weight_between"].where(kept)
    for kind, da in (("within pattern", within), ("between patterns", between)):
        df = da.to_dataframe(name="weight").reset_index()
        df["synapses"] = kind
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    labels = _condition_labels(ds, axes)
    df["condition"] = [labels[tuple(row)] for row in df[axes].astype(str).itertuples(index=False)]
    df["phase"] = pd.Categorical(df["phase"].astype(str), [str(p) for p in ds["phase"].values])
    palette = value_colours(list(dict.fromkeys(labels.values())), plots)
    fig, ax = plt.subplots(figsize=(7.0, 3.6), layout="constrained")
    _weight_lines(df, palette, ax)
    ax.set(
        xlabel="after phase",
        ylabel="cortical E->E weight (mV)",
        title=f"{ds.attrs.get('study', '')}: cortical weights across the schedule",
    )
    ax.tick_params(axis="x", rotation=20)
    sns.despine(fig)
    return fig


def _weight_lines(df: pd.DataFrame, palette: dict, ax) -> None:
    sns.lineplot(
        df,
        x="phase",
        y="weight",
        hue="condition",
        style="synapses",
        palette=palette,
        markers=True,
        dashes={"within pattern": "", "between patterns": (4, 2)},
        errorbar=t_errorbar,
        err_style="bars",
        ax=ax,
    )
    ax.legend(frameon=False, fontsize="small", loc="center left", bbox_to_anchor=(1.02, 0.5))


def _condition_labels(ds: xr.Dataset, axes: Sequence[str]) -> dict[tuple[str, ...], str]:
    """'schedule.offline=sleep' style labels for each combination of grid values."""
    index = pd.MultiIndex.from_product([[str(v) for v in ds[a].values] for a in axes])
    if len(axes) == 1:
        return {(v,): v for (v,) in index}
    return {
        combo: ", ".join(f"{a}={v}" for a, v in zip(axes, combo, strict=True)) for combo in index
    }


def _varies_by_memory(ds: xr.Dataset, name: str) -> bool:
    """Whether per-memory variable `name` differs between the memories of some grid cell (an
    age that differs only between cells, e.g. sleep against wake, sets no memory apart)."""
    if name not in ds or "memory" not in ds[name].dims:
        return False
    return bool((ds[name].max("memory") != ds[name].min("memory")).any())


def per_memory(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """Recall at the last probe per memory, against what sets the memories apart.

    The x axis is the memory's age in nights (a Ribot gradient) when ages differ between the
    memories of a cell, else whether working memory held it at encoding, else whether it was
    cued (targeted reactivation), else whether it was rewarded, else the memory index; one
    panel per value of the first grid axis, if any.
    Points: mean with 95% CI over seeds.
    """
    set_theme(plots)
    probe = str(ds["probe"].values[-1])
    recall = ds["recall"].isel(probe=-1)
    if "flag" in ds:
        recall = recall.where(ds["flag"] == 0)
    kinds = ("memory_age", "wm_held", "cued", "rewarded")
    by = next((v for v in kinds if _varies_by_memory(ds, v)), "memory")
    axes = [d for d in recall.dims if d not in ("seed", "memory", "hippocampus")]
    df = recall.to_dataframe(name="recall").reset_index()
    if by != "memory":
        df = df.merge(ds[by].to_dataframe().reset_index())
    labels = {
        "memory_age": "memory age (nights since encoding)",
        "wm_held": "held in working memory at encoding",
        "cued": "cued",
        "rewarded": "rewarded",
    }
    col = axes[0] if axes else None
    grid = sns.catplot(
        df,
        x=by,
        y="recall",
        hue="hippocampus",
        col=col,
        kind="point",
        palette={k: colours(plots)[k] for k in ("intact", "lesioned")},
        errorbar=t_errorbar,
        dodge=0.2,
        capsize=0.1,
        height=3.2,
        aspect=1.2,
    )
    for ax in grid.axes.flat:
        ax.axhline(0, color="0.6", lw=0.8, ls=":")
    grid.set_axis_labels(labels.get(by, "memory"), "recall (Hz)")
    grid.figure.suptitle(f"{ds.attrs.get('study', '')}: recall at '{probe}' per memory")
    grid.figure.set_layout_engine("constrained")
    return grid.figure


FIGURES = {
    "main_effect": main_effect,
    "per_memory": per_memory,
    "sleep_raster": sleep_raster,
    "weight_change": weight_change,
    "stdp_window": stdp_window,
    "wm_raster": wm_raster,
    "wm_capacity": wm_capacity,
    "wm_facilitation": wm_facilitation,
}


def save(fig: plt.Figure, png: str, svg: str, plots: Mapping[str, Any] | None = None) -> None:
    """PNG at the configured dpi and SVG beside it, each written atomically."""
    dpi = settings(plots)["dpi"]
    with atomic_path(png) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    with atomic_path(svg) as tmp:
        fig.savefig(tmp, format="svg")
    plt.close(fig)
