"""The study figures, drawn with seaborn; the theme and the colours are set here and only here.

Each figure function takes data and plot settings and returns a matplotlib Figure; ``save``
writes it as PNG (for the reports) and SVG (beside it), atomically.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
import xarray as xr  # noqa: E402

from consolidation.results.collect import recall_outcome  # noqa: E402
from consolidation.results.io import atomic_path  # noqa: E402
from consolidation.studies.stats import bootstrap_ci  # noqa: E402

DEFAULTS: dict[str, Any] = {
    "dpi": 150,
    "context": "paper",
    "style": "ticks",
    "palette": "colorblind",
    "font_scale": 1.0,
}
CI = ("ci", 95)  # seaborn error bars: 95% bootstrap CI of the mean over seeds
BOOT_SEED = 0


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
            errorbar=CI,
            seed=BOOT_SEED,
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
            errorbar=CI,
            seed=BOOT_SEED,
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
            m, lo, hi = bootstrap_ci(da.isel({rows: i, cols: j}).values)
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
        start, end = float(cell["time"].min()), float(cell["time"].max())
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
        label="SWR onset",
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
    rate = cell["population_rate"].sel(time=slice(start, end))
    for name in ("ctx_e", "hpc_e"):
        ax_p.plot(rate["time"], rate.sel(population=name), color=c[name], lw=1, label=name)
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
        errorbar=CI,
        seed=BOOT_SEED,
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


def per_memory(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """Recall at the last probe per memory, against what sets the memories apart.

    The x axis is the memory's age in nights (a Ribot gradient) when ages differ, else whether
    it was cued in sleep (targeted reactivation), else the memory index; one panel per value
    of the first grid axis, if any. Points: mean with 95% CI over seeds.
    """
    set_theme(plots)
    probe = str(ds["probe"].values[-1])
    recall = ds["recall"].isel(probe=-1)
    if "flag" in ds:
        recall = recall.where(ds["flag"] == 0)
    by = next(
        (v for v in ("memory_age", "cued") if v in ds and np.unique(ds[v].values).size > 1),
        "memory",
    )
    axes = [d for d in recall.dims if d not in ("seed", "memory", "hippocampus")]
    df = recall.to_dataframe(name="recall").reset_index()
    if by != "memory":
        df = df.merge(ds[by].to_dataframe().reset_index())
    labels = {"memory_age": "memory age (nights since encoding)", "cued": "cued in sleep"}
    col = axes[0] if axes else None
    grid = sns.catplot(
        df,
        x=by,
        y="recall",
        hue="hippocampus",
        col=col,
        kind="point",
        palette={k: colours(plots)[k] for k in ("intact", "lesioned")},
        errorbar=CI,
        seed=BOOT_SEED,
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


def bi_poo_fit(offsets: np.ndarray, dw: np.ndarray) -> tuple[float, float]:
    """Amplitudes (A+, A-) of the Bi & Poo shape, A+ exp(-t/16.8 ms) for t > 0 and
    -A- exp(t/33.7 ms) for t < 0, that fit ``dw`` best (least squares, time constants fixed)."""
    from consolidation.model.stdp import BI_POO_TAU_MINUS, BI_POO_TAU_PLUS

    amplitudes = []
    for side, tau, sign in ((offsets > 0, BI_POO_TAU_PLUS, 1), (offsets < 0, BI_POO_TAU_MINUS, -1)):
        keep = side & np.isfinite(dw)
        shape = sign * np.exp(-np.abs(offsets[keep]) / tau)
        denom = float(shape @ shape)
        amplitudes.append(float(shape @ dw[keep]) / denom if denom > 0 else np.nan)
    return amplitudes[0], amplitudes[1]


def stdp_window(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """The measured STDP window (weight change per spike pair against t_post - t_pre), one panel
    per grid cell, with the Bi & Poo exponential shape scaled to it and the fitted decays."""
    from consolidation.model.stdp import BI_POO_TAU_MINUS, BI_POO_TAU_PLUS

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
    smooth = np.linspace(offsets.min(), offsets.max(), 400)
    for ax, combo, label in zip(grid.flat, combos, labels, strict=True):
        sel = dict(zip(axes, combo, strict=True))
        cell = dw.isel(sel)
        sns.lineplot(
            cell.to_dataframe(name="dw").reset_index(),
            x="offset",
            y="dw",
            color=palette[label],
            marker="o",
            linestyle="",
            err_style="bars",
            errorbar=CI,
            seed=BOOT_SEED,
            ax=ax,
        )
        # the Bi & Poo exponentials, each side scaled to the measured mean by least squares
        a_plus, a_minus = bi_poo_fit(offsets, cell.mean("seed").values)
        plus, minus = smooth[smooth > 0], smooth[smooth < 0]
        ax.plot(plus, a_plus * np.exp(-plus / BI_POO_TAU_PLUS), color="0.25", ls="--", lw=1)
        ax.plot(minus, -a_minus * np.exp(minus / BI_POO_TAU_MINUS), color="0.25", ls="--", lw=1)
        ax.axhline(0, color="0.6", lw=0.8, ls=":")
        ax.axvline(0, color="0.6", lw=0.8, ls=":")
        fits = []
        for name, sign in (("tau_plus", "+"), ("tau_minus", "−")):
            values = ds[name].isel(sel).values
            finite = values[np.isfinite(values)]
            if finite.size:
                m, lo, hi = bootstrap_ci(finite)
                fits.append(f"τ{sign} {m:.1f} [{lo:.1f}, {hi:.1f}] ms")
            else:
                fits.append(f"τ{sign}: none")
        fitted = (
            f"fitted {', '.join(fits)}"
            if any("ms" in f for f in fits)
            else "no exponential decay on either side"
        )
        ax.set(
            xlabel="t_post − t_pre (ms)",
            ylabel="weight change per pair (× learning rate)",
            title=f"{label}\n{fitted}",
        )
        ax.title.set_fontsize("small")
    handles = [
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
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    pathway = ds.attrs.get("param.stdp.pathway", "")
    fig.suptitle(f"{ds.attrs.get('study', '')}: STDP window of the {pathway} synapse")
    sns.despine(fig)
    return fig


FIGURES = {
    "main_effect": main_effect,
    "per_memory": per_memory,
    "sleep_raster": sleep_raster,
    "weight_change": weight_change,
    "stdp_window": stdp_window,
}


def save(fig: plt.Figure, png: str, svg: str, plots: Mapping[str, Any] | None = None) -> None:
    """PNG at the configured dpi and SVG beside it, each written atomically."""
    dpi = settings(plots)["dpi"]
    with atomic_path(png) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    with atomic_path(svg) as tmp:
        fig.savefig(tmp, format="svg")
    plt.close(fig)
