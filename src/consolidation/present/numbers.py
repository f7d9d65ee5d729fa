"""A study's key numbers: computed from its dataset per grid cell, with 95% Student t intervals over
seeds, and as the table of its section."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import xarray as xr

from consolidation.model.stdp import BI_POO_TAU_MINUS, BI_POO_TAU_PLUS
from consolidation.present.html import ci_text, escape, text_table, value_text
from consolidation.results.collect import flagged_runs, recall_outcome
from consolidation.studies.stats import t_interval

NO_CI = (np.nan, np.nan, np.nan)


def grid_axes(ds: xr.Dataset) -> list[str]:
    if "recall" not in ds and "dw" in ds:  # an STDP-window study
        return [d for d in ds["dw"].dims if d not in ("seed", "offset")]
    if "held_count" in ds:  # a working-memory study
        return [d for d in ds["held_count"].dims if d != "seed"]
    return [d for d in ds["recall"].dims if d not in ("seed", "probe", "memory", "hippocampus")]


def _grid_cells(ds: xr.Dataset, axes: list[str]) -> Iterator[dict[str, int]]:
    """Every grid cell as axis -> index, in grid order."""
    for combo in itertools.product(*(range(ds.sizes[a]) for a in axes)):
        yield dict(zip(axes, combo, strict=True))


def cell_numbers(ds: xr.Dataset) -> list[dict[str, Any]]:
    """Per grid cell: recall with the hippocampus lesioned and intact, replay, runaway runs."""
    lesioned, intact = recall_outcome(ds, "lesioned"), recall_outcome(ds, "intact")
    replay = ds["replay_count"].sum("memory") if "replay_count" in ds else None
    rows = []
    for sel in _grid_cells(ds, grid_axes(ds)):
        row = {a: ds[a].values[i] for a, i in sel.items()}
        row["lesioned"] = t_interval(lesioned.isel(sel).values)
        row["intact"] = t_interval(intact.isel(sel).values)
        row["replay"] = float(replay.isel(sel).mean()) if replay is not None else np.nan
        row["runaway"] = int(ds["runaway"].isel(sel).sum()) if "runaway" in ds else 0
        row["seeds"] = int(lesioned.isel(sel).count())
        rows.append(row)
    return rows


def window_numbers(ds: xr.Dataset) -> list[dict[str, Any]]:
    """Per grid cell of an STDP-window study: fitted decays, the weight change of the closest
    pairs on each side, and how many seeds gave each decay."""
    dw = ds["dw"].where(ds["flag"] == 0) if "flag" in ds else ds["dw"]
    offsets = ds["offset"].values.astype(float)
    closest = {
        side: offsets[mask][np.argmin(np.abs(offsets[mask]))] if mask.any() else None
        for side, mask in (("plus", offsets > 0), ("minus", offsets < 0))
    }
    rows = []
    for sel in _grid_cells(ds, grid_axes(ds)):
        row: dict[str, Any] = {a: ds[a].values[i] for a, i in sel.items()}
        for name in ("tau_plus", "tau_minus"):
            values = ds[name].isel(sel).values
            finite = values[np.isfinite(values)]
            row[name] = t_interval(finite) if finite.size else NO_CI
            row[f"{name}_seeds"] = f"{finite.size}/{values.size}"
        for side, offset in closest.items():
            row[f"dw_{side}"] = (
                t_interval(dw.isel(sel).sel(offset=offset).values) if offset is not None else NO_CI
            )
            row[f"offset_{side}"] = offset
        rows.append(row)
    return rows


def numbers_html(ds: xr.Dataset) -> str:
    """The key numbers of a study's section, for its kind."""
    if "held_count" in ds:
        return _wm_numbers(ds)
    return _window_numbers(ds) if "dw" in ds else _recall_numbers(ds)


def _recall_numbers(ds: xr.Dataset) -> str:
    axes = grid_axes(ds)
    probe = ds["probe"].values[-1]
    rows = [
        [
            *(value_text(r[a]) for a in axes),
            ci_text(*r["lesioned"]),
            ci_text(*r["intact"]),
            f"{r['replay']:.1f}",
            f"{r['runaway']}/{r['seeds']}",
        ]
        for r in cell_numbers(ds)
    ]
    header = [
        *axes,
        "recall, lesioned (Hz)",
        "recall, intact (Hz)",
        "SWR replays (mean)",
        "runaway runs",
    ]
    parts = [
        f"<h3>Key numbers</h3><p>Recall (Hz) at probe <code>{escape(probe)}</code>, averaged "
        "over memories: mean [95% Student t interval over seeds]. With the hippocampus lesioned "
        "at test it measures what the cortex recalls on its own (consolidation).</p>",
        text_table(header, rows),
    ]
    parts.append(
        flag_note(
            ds,
            "runaway: a population rate above simulation.max_rate; non_finite: NaN or infinite "
            "state",
        )
    )
    return "\n".join(parts)


def _window_numbers(ds: xr.Dataset) -> str:
    axes = grid_axes(ds)
    rows = window_numbers(ds)
    if not rows:
        return ""
    plus, minus = rows[0]["offset_plus"], rows[0]["offset_minus"]
    table = [
        [
            *(value_text(r[a]) for a in axes),
            ci_text(*r["tau_plus"], digits=1) + f" ({r['tau_plus_seeds']})",
            ci_text(*r["tau_minus"], digits=1) + f" ({r['tau_minus_seeds']})",
            ci_text(*r["dw_plus"]),
            ci_text(*r["dw_minus"]),
        ]
        for r in rows
    ]
    header = [
        *axes,
        "τ+ fitted (ms)",
        "τ− fitted (ms)",
        f"dw at {value_text(plus)} ms" if plus is not None else "dw, pre first",
        f"dw at {value_text(minus)} ms" if minus is not None else "dw, post first",
    ]
    parts = [
        "<h3>Key numbers</h3><p>Decay times fitted to each side of the measured window (ms; "
        f"Bi &amp; Poo 1998: τ+ {BI_POO_TAU_PLUS:g} ms, τ− {BI_POO_TAU_MINUS:g} ms), with the "
        "seeds whose window decays exponentially on that side, and the weight change per spike "
        "pair at the closest offsets (in units of the learning rate): mean [95% Student t interval "
        "over seeds].</p>",
        text_table(header, table),
    ]
    parts.append(flag_note(ds, "NaN or infinite weight changes"))
    return "\n".join(parts)


# Per grid cell of a working-memory study: (column, variable, reduced over items by, digits).
WM_COLUMNS = (
    ("items held", "held_count", None, 2),
    ("reinstated by the readout", "reinstated_count", None, 2),
    ("uncued items held", "intrusions", None, 2),
    ("hold time of a cued item (s)", "hold_time", "mean", 2),
)


def _wm_numbers(ds: xr.Dataset) -> str:
    axes = grid_axes(ds)
    kept = ds.where(ds["flag"] == 0) if "flag" in ds else ds
    rows = []
    for sel in _grid_cells(ds, axes):
        row = [value_text(ds[a].values[i]) for a, i in sel.items()]
        for _, name, over, digits in WM_COLUMNS:
            values = kept[name].isel(sel)
            if over == "mean":  # over the cued items (NaN for the others)
                values = values.mean("item", skipna=True)
            finite = values.values[np.isfinite(values.values)]
            interval = t_interval(finite) if finite.size else NO_CI
            row.append(ci_text(*interval, digits=digits))
        rows.append(row)
    parts = [
        "<h3>Key numbers</h3><p>Per grid cell, at the delay's end: the cued items still held, "
        "those the readout pulse reinstated after the silent gap, the uncued items spiking as a "
        "population, and the mean time from a cued item's cue to its last population spike "
        "before the delay's end: mean [95% Student t interval over seeds].</p>",
        text_table([*axes, *(c[0] for c in WM_COLUMNS)], rows),
    ]
    parts.append(flag_note(ds, "NaN or infinite facilitation"))
    return "\n".join(parts)


def flag_note(ds: xr.Dataset, why: str) -> str:
    """A warning naming the study's flagged runs (left out of its numbers and figures), or ''."""
    flagged = flagged_runs(ds)
    if not flagged:
        return ""
    return (
        f'<p class="warn">Flagged runs ({escape(why)}), left out of every number and figure '
        "above: " + "; ".join(map(escape, flagged)) + ".</p>"
    )
