"""The figures of a working-memory study (kind ``working_memory``): an example run's raster, the
items held against the items cued, and each item's facilitation over a run."""

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

from consolidation.model import working_memory  # noqa: E402
from consolidation.model.parameters import Parameters  # noqa: E402
from consolidation.present.theme import set_theme, settings, value_colours  # noqa: E402
from consolidation.studies.stats import t_interval  # noqa: E402

LOAD = "working_memory.load"
# The protocol's epochs, shaded in the raster and the facilitation traces: (label, start, end)
# as the names of the marks (model.working_memory.Marks) and a grey level each.
EPOCHS = (
    ("cues", "load_start", "load_end", "0.80"),
    ("delay", "load_end", "delay_end", "0.94"),
    ("silent gap", "delay_end", "readout", "0.87"),
    ("readout pulse", "readout", "readout_end", "0.75"),
)


def item_colours(items: int, plots: Mapping[str, Any] | None = None) -> list[Any]:
    """One colour per item, the same in every working-memory figure."""
    return sns.color_palette(settings(plots)["palette"], items)


def _shade(ax, marks: Mapping[str, float]) -> list[matplotlib.patches.Patch]:
    """The protocol's epochs as grey spans behind the data; their legend handles."""
    handles = []
    for label, start, end, grey in EPOCHS:
        if marks[end] > marks[start]:
            ax.axvspan(marks[start], marks[end], color=grey, lw=0, zorder=0)
            handles.append(matplotlib.patches.Patch(color=grey, label=label))
    return handles


def wm_raster(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """One run (a cell file): spikes of the item-selective E cells, rows grouped by item, each
    item's population spikes marked above its rows, and the protocol's epochs shaded."""
    set_theme(plots)
    attrs = ds.attrs
    items = int(attrs["param.working_memory.items"])
    size = int(attrs["param.working_memory.item_size"])
    load = int(attrs[f"param.{LOAD}"])
    colours = item_colours(items, plots)
    fig, ax = plt.subplots(figsize=(8.0, 4.8), layout="constrained")
    marks = {key.removeprefix("mark_"): float(v) for key, v in attrs.items() if "mark_" in key}
    handles = _shade(ax, marks)
    cells, times = ds["spike_cell"].values, ds["spike_time"].values
    for k in range(items):
        mine = (cells >= k * size) & (cells < (k + 1) * size)
        ax.scatter(times[mine], cells[mine], s=1.0, color=colours[k], lw=0, rasterized=True)
        bursts = ds["burst_time"].isel(item=k).values
        bursts = bursts[np.isfinite(bursts)]
        ax.scatter(bursts, np.full(bursts.size, (k + 1) * size), marker="v", s=14, color="0.1")
    handles.append(
        matplotlib.lines.Line2D(
            [], [], color="0.1", marker="v", ls="", label="population spike of the item"
        )
    )
    ax.set(
        xlim=(0, marks.get("end", float(np.nanmax(times, initial=1.0)))),
        ylim=(0, items * size * 1.03),
        xlabel="time (s)",
        ylabel="E cell, grouped by item",
        yticks=(np.arange(items) + 0.5) * size,
        yticklabels=[f"item {k}" + (" (cued)" if k < load else "") for k in range(items)],
    )
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
    where = f"seed {attrs.get('seed', '')}"
    fig.suptitle(f"{attrs.get('study', '')}: {load} items cued ({where}); which are held?")
    sns.despine(fig)
    return fig


def grid_axes(ds: xr.Dataset) -> list[str]:
    """The grid axes of a working-memory study dataset."""
    return [d for d in ds["held_count"].dims if d != "seed"]


def wm_capacity(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """Items held at the delay's end against the items cued (or the first grid axis of a study
    whose load is fixed): each seed, and the mean with its 95% t interval over seeds; a second
    grid axis gives a colour per value."""
    set_theme(plots)
    axes = grid_axes(ds)
    x = LOAD if LOAD in axes else axes[0]
    other = next((a for a in axes if a != x), None)
    held = ds["held_count"].where(ds["flag"] == 0) if "flag" in ds else ds["held_count"]
    values = ds[other].values.tolist() if other else [None]
    palette = value_colours(values, plots) if other else {"None": "0.1"}
    xs = ds[x].values.astype(float)
    dodge = 0.08 * (np.diff(xs).min() if xs.size > 1 else 1.0)
    fig, ax = plt.subplots(figsize=(5.2, 4.2), layout="constrained")
    for g, value in enumerate(values):
        part = (held.sel({other: value}) if other else held).transpose(x, ...).astype(float)
        shift = xs + (g - (len(values) - 1) / 2) * dodge
        for i in range(xs.size):
            seeds = part.isel({x: i}).values.ravel()
            ax.scatter(np.full(seeds.size, shift[i]), seeds, s=10, color="0.65", zorder=2)
        means, lows, highs = np.array([_interval(part.isel({x: i})) for i in range(xs.size)]).T
        errors = np.nan_to_num(np.stack([means - lows, highs - means]))
        label = f"{other}={value}" if other else "mean, 95% t interval over seeds"
        ax.errorbar(
            shift, means, yerr=errors, fmt="o-", color=palette[str(value)], capsize=3, label=label
        )
    if x == LOAD:
        top = float(xs.max())
        ax.plot([0, top], [0, top], color="0.6", lw=0.8, ls=":", label="every cued item held")
    units = ds[x].attrs.get("units", "1")
    ax.set(
        xlabel=x + ("" if units in ("1", "") else f" ({units})"),
        ylabel="items held at the delay's end",
        ylim=(0, None),
    )
    ax.legend(frameon=False, fontsize="small")
    fig.suptitle(f"{ds.attrs.get('study', '')}: items held against {x}")
    sns.despine(fig)
    return fig


def _interval(values: xr.DataArray) -> tuple[float, float, float]:
    finite = values.values[np.isfinite(values.values)]
    return t_interval(finite) if finite.size else (np.nan, np.nan, np.nan)


def _marks(ds: xr.Dataset, cell: Mapping[str, Any]) -> dict[str, float]:
    """The protocol's marks (s) of one grid cell, from the study's parameters: the shared ones
    in the attributes, the grid values of the cell."""
    overrides = {
        key.removeprefix("param."): np.asarray(v).item()
        for key, v in ds.attrs.items()
        if key.startswith("param.working_memory.")
    }
    overrides.update({a: np.asarray(v).item() for a, v in cell.items()})
    return vars(working_memory.marks(Parameters.from_overrides(overrides)))


def wm_facilitation(ds: xr.Dataset, plots: Mapping[str, Any] | None = None) -> plt.Figure:
    """Each item's release probability u over the run, first seed, a panel per grid cell with
    the most items cued (one for a load grid; one per other grid value for a fixed load)."""
    set_theme(plots)
    fac = ds["facilitation"].isel(seed=0)
    if LOAD in fac.dims:
        fac = fac.isel({LOAD: int(np.argmax(ds[LOAD].values))})
    axes = [d for d in fac.dims if d not in ("item", "trace_time")]
    combos = list(itertools.product(*(range(ds.sizes[a]) for a in axes)))
    items = ds.sizes["item"]
    colours = item_colours(items, plots)
    fig, grid = plt.subplots(
        1, len(combos), figsize=(4.6 * len(combos) + 0.6, 3.8), squeeze=False, sharey=True
    )
    fig.set_layout_engine("constrained")
    baseline = float(ds.attrs.get("param.working_memory.U", np.nan))
    for ax, combo in zip(grid.flat, combos, strict=True):
        panel = fac.isel(dict(zip(axes, combo, strict=True)))
        cell = {c: panel[c].values for c in panel.coords if c.startswith("working_memory.")}
        handles = _shade(ax, _marks(ds, cell))
        for k in range(items):
            ax.plot(ds["trace_time"], panel.isel(item=k), color=colours[k], lw=1.2)
        ax.axhline(baseline, color="0.4", lw=0.8, ls="--")
        title = ", ".join(f"{c}={np.asarray(v).item():g}" for c, v in cell.items())
        ax.set(xlabel="time (s)", ylabel="release probability u", title=title)
        ax.title.set_fontsize("small")
    lines = [
        matplotlib.lines.Line2D([], [], color=colours[k], label=f"item {k}") for k in range(items)
    ]
    baseline_line = matplotlib.lines.Line2D([], [], color="0.4", ls="--", label="baseline U")
    fig.legend(
        handles=[*lines, baseline_line, *handles],
        loc="outside right center",
        frameon=False,
        fontsize="small",
    )
    fig.suptitle(f"{ds.attrs.get('study', '')}: facilitation of each item (seed {fac.seed.item()})")
    sns.despine(fig)
    return fig
