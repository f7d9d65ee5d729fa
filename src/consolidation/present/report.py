"""The summary report: one self-contained HTML page that reads top-down.

1. A header: what was run (config file and hash, studies, simulations, date, code revision), the
   verdicts at a glance, and which studies are missing if the results folder is partial.
2. The claims table: every claim computed by rule claims (``results/<study>/claims.json``), its
   effect with 95% CI, seeds and a coloured verdict; each claim links to its study's section.
3. One section per study: the question (its description), its claims, its figures (alt text,
   caption; click one to see it full size), the numbers with 95% bootstrap CIs over seeds, and
   the parameters varied (grid) and fixed.
4. Provenance: config files and hashes, code revisions, package versions, hosts, runtimes, the
   config itself.

A contents sidebar links to every section. The page loads nothing: figures are data URIs, the
style and the few lines of script are inline, and a Content-Security-Policy forbids any other
source, so it opens offline from a copied folder or an email attachment.

A partial results folder is reported, not refused: a study whose dataset, figures or claims are
missing gets a section saying what is missing and the header lists it. The workflow's rule report
always has every input; for a partial folder run ``python -m consolidation.present.report results``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from consolidation.backends.provenance import code_revision
from consolidation.results.collect import flagged_runs, recall_outcome
from consolidation.results.io import read_netcdf
from consolidation.studies.config import format_value, plain_tree
from consolidation.studies.stats import bootstrap_ci
from consolidation.studies.verdicts import VERDICTS, format_effect

PACKAGES = (
    "consolidation",
    "brian2",
    "numpy",
    "scipy",
    "xarray",
    "h5netcdf",
    "h5py",
    "pandas",
    "matplotlib",
    "seaborn",
    "snakemake",
)
FIGURE_TITLES = {
    "main_effect": "Main effect on recall",
    "per_memory": "Recall per memory",
    "sleep_raster": "An example night",
    "weight_change": "Cortical weights after each phase",
    "stdp_window": "The STDP window against Bi & Poo",
}
NOT_COMPUTED = "not computed"

# Nothing may be fetched: images only from data: URIs, style and script only inline.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)

STYLE = (files(__package__) / "report.css").read_text(encoding="utf-8")

# Click (or Enter on) a figure: show it full size in an overlay; click or Escape closes it.
SCRIPT = (files(__package__) / "report.js").read_text(encoding="utf-8")


# --- small HTML helpers ------------------------------------------------------------------------


def _e(text: Any) -> str:
    return html.escape(str(text))


def _fmt(m: float, lo: float, hi: float, digits: int = 2) -> str:
    if not np.isfinite(m):
        return "n/a"
    return f"{m:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def caption_html(rst: str) -> str:
    """A one-paragraph rst caption as HTML (``literal`` and *emphasis* only)."""
    text = _e(" ".join(rst.split()))
    text = re.sub(r"``(.+?)``", r"<code>\1</code>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def _plain_caption(rst: str) -> str:
    text = " ".join(rst.split()).replace("``", "")
    return re.sub(r"\*(.+?)\*", r"\1", text)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A table of text cells (escaped)."""
    return _html_table(header, [[_e(c) for c in row] for row in rows])


def _html_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    row_classes: Sequence[str] | None = None,
    cls: str = "",
) -> str:
    """A table whose cells are HTML already."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    classes = row_classes or [""] * len(rows)
    body = "".join(
        (f'<tr class="{c}">' if c else "<tr>")
        + "".join(f'<td class="num">{cell}</td>' for cell in row)
        + "</tr>"
        for row, c in zip(rows, classes, strict=True)
    )
    attr = f' class="{cls}"' if cls else ""
    table = f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def section_id(study: str) -> str:
    """The anchor of a study's section (study names are letters, digits, '_' and '-')."""
    return f"study-{study}"


def verdict_badge(verdict: str) -> str:
    kind = verdict if verdict in VERDICTS else "missing"
    return f'<span class="verdict v-{kind}">{_e(verdict)}</span>'


# --- numbers read from the datasets ------------------------------------------------------------


def grid_axes(ds: xr.Dataset) -> list[str]:
    if "recall" not in ds and "dw" in ds:  # an STDP-window study
        return [d for d in ds["dw"].dims if d not in ("seed", "offset")]
    return [d for d in ds["recall"].dims if d not in ("seed", "probe", "memory", "hippocampus")]


def cell_numbers(ds: xr.Dataset) -> list[dict[str, Any]]:
    """Per grid cell: recall with the hippocampus lesioned and intact, replay, runaway runs."""
    axes = grid_axes(ds)
    lesioned, intact = recall_outcome(ds, "lesioned"), recall_outcome(ds, "intact")
    replay = ds["replay_count"].sum("memory") if "replay_count" in ds else None
    rows = []
    for combo in itertools.product(*(range(ds.sizes[a]) for a in axes)):
        sel = dict(zip(axes, combo, strict=True))
        row = {a: ds[a].values[i] for a, i in sel.items()}
        row["lesioned"] = bootstrap_ci(lesioned.isel(sel).values)
        row["intact"] = bootstrap_ci(intact.isel(sel).values)
        row["replay"] = float(replay.isel(sel).mean()) if replay is not None else np.nan
        row["runaway"] = int(ds["runaway"].isel(sel).sum()) if "runaway" in ds else 0
        row["seeds"] = int(lesioned.isel(sel).count())
        rows.append(row)
    return rows


def window_numbers(ds: xr.Dataset) -> list[dict[str, Any]]:
    """Per grid cell of an STDP-window study: fitted decays, the weight change of the closest
    pairs on each side, and how many seeds gave each decay."""
    axes = grid_axes(ds)
    dw = ds["dw"].where(ds["flag"] == 0) if "flag" in ds else ds["dw"]
    offsets = ds["offset"].values.astype(float)
    closest = {
        side: offsets[mask][np.argmin(np.abs(offsets[mask]))] if mask.any() else None
        for side, mask in (("plus", offsets > 0), ("minus", offsets < 0))
    }
    rows = []
    for combo in itertools.product(*(range(ds.sizes[a]) for a in axes)):
        sel = dict(zip(axes, combo, strict=True))
        row: dict[str, Any] = {a: ds[a].values[i] for a, i in sel.items()}
        for name in ("tau_plus", "tau_minus"):
            values = ds[name].isel(sel).values
            finite = values[np.isfinite(values)]
            row[name] = bootstrap_ci(finite) if finite.size else (np.nan, np.nan, np.nan)
            row[f"{name}_seeds"] = f"{finite.size}/{values.size}"
        for side, offset in closest.items():
            row[f"dw_{side}"] = (
                bootstrap_ci(dw.isel(sel).sel(offset=offset).values)
                if offset is not None
                else (np.nan, np.nan, np.nan)
            )
            row[f"offset_{side}"] = offset
        rows.append(row)
    return rows


def claim_rows(results: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """One table row per computed claim (``claims.json`` of rule claims): what, effect, verdict."""
    rows = []
    for r in results:
        verdict = r["verdict"] + (f" ({'; '.join(r['notes'])})" if r.get("notes") else "")
        rows.append(
            [
                r["study"],
                f"{r['name']}: {r['description']}",
                r.get("reference") or "",
                format_effect(r),
                str(r["n_seeds"]),
                verdict,
            ]
        )
    return rows


def read_benchmarks(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Snakemake benchmark files (tab-separated, column ``s`` in seconds), one row per job."""
    frames = [pd.read_csv(p, sep="\t").assign(file=str(p)) for p in paths if Path(p).exists()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"s": []})


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_revision(where: str | Path = ".") -> str:
    rev, dirty = code_revision(Path(where).resolve())
    if rev == "unknown":
        return "unknown (not a git checkout)"
    return rev + (" (uncommitted changes)" if dirty else "")


def config_sha256(config: Mapping[str, Any]) -> str:
    """The hash collect records as ``config_sha256`` (of the config as YAML)."""
    text = yaml.safe_dump(plain_tree(config), sort_keys=False)
    return hashlib.sha256(text.encode()).hexdigest()


# --- what is there and what is missing ---------------------------------------------------------


def _exists(path: str | Path | None) -> bool:
    return path is not None and Path(path).is_file()


def open_datasets(datasets: Mapping[str, str | Path | None]) -> tuple[dict, dict]:
    """(study -> dataset, study -> why it is missing) for the dataset files that open."""
    opened, missing = {}, {}
    for name, path in datasets.items():
        if not _exists(path):
            missing[name] = f"no dataset ({path}: not collected yet)"
            continue
        try:
            opened[name] = read_netcdf(path)
        except Exception as err:  # corrupt or foreign file: say so, report the rest
            reason = " ".join(str(err).split())[:200]
            missing[name] = f"dataset {path} cannot be read ({type(err).__name__}: {reason})"
    return opened, missing


def read_claims(
    studies: Sequence[Mapping[str, Any]], paths: Mapping[str, str | Path | None]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every computed claim in study order, and study -> why its claims are missing.

    A study whose ``claims.json`` is missing gets one row per claim of its config (from
    ``study["claims"]`` when given) with the verdict 'not computed'.
    """
    rows: list[dict[str, Any]] = []
    missing: dict[str, str] = {}
    for study in studies:
        name = study["name"]
        path = paths.get(name)
        declared = study.get("claims")
        if _exists(path):
            try:
                rows += json.loads(Path(path).read_text())["claims"]
                continue
            except (ValueError, KeyError) as err:
                missing[name] = f"claims file {path} cannot be read ({type(err).__name__})"
        elif declared is None or declared:
            missing[name] = f"claims not computed ({path})"
        for claim in declared or []:
            rows.append(
                {
                    "study": name,
                    "name": claim["name"],
                    "description": "",
                    "reference": claim.get("reference") or "",
                    "verdict": NOT_COMPUTED,
                    "effect": None,
                    "n_seeds": 0,
                    "notes": [],
                    "kind": claim.get("kind", ""),
                }
            )
    return rows, missing


# --- the parts of the page ---------------------------------------------------------------------


def claims_table(results: Sequence[Mapping[str, Any]]) -> str:
    """The claims table: each claim links to its study's section; verdicts as coloured badges."""
    rows, classes = [], []
    for r in results:
        href = "#" + section_id(r["study"])
        what = f'<a href="{_e(href)}"><strong>{_e(r["name"])}</strong></a>'
        if r.get("description"):
            what += f'<br><span class="note">{_e(r["description"])}</span>'
        if r.get("reference"):
            what += f'<br><span class="note">Reference: {_e(r["reference"])}</span>'
        verdict = verdict_badge(r["verdict"])
        if r.get("notes"):
            verdict += f'<br><span class="note">{_e("; ".join(r["notes"]))}</span>'
        effect = format_effect(r) if r.get("effect") is not None else "n/a"
        rows.append(
            [
                f'<a href="{_e(href)}">{_e(r["study"])}</a>',
                what,
                _e(effect).replace("; ", ";<br>"),
                _e(r.get("n_seeds", 0)),
                verdict,
            ]
        )
        kind = r["verdict"] if r["verdict"] in VERDICTS else "missing"
        classes.append(f"row-{kind}")
    return _html_table(
        ["study", "claim", "effect [95% CI]", "seeds", "verdict"], rows, classes, cls="claims"
    )


def _value(v: Any) -> str:
    return format_value(v) if not isinstance(v, str) else v


def parameter_tables(study: Mapping[str, Any]) -> str:
    """The parameters varied (grid axes) and fixed (overrides of the model defaults)."""
    from consolidation.model.parameters import SPECS

    def spec(key: str) -> tuple[str, str]:
        s = SPECS.get(key)
        return (s.unit or "", s.doc) if s is not None else ("", "")

    varied = [
        [key, ", ".join(_value(v) for v in values), *spec(key)]
        for key, values in study.get("grid", {}).items()
    ]
    fixed = [[key, _value(v), *spec(key)] for key, v in study.get("fixed", {}).items()]
    seeds = ", ".join(map(str, study.get("seeds", [])))
    parts = ["<h3>Parameters</h3>", "<p><strong>Varied</strong> (the grid; every combination "]
    parts.append(f"runs with every seed: {_e(seeds)}):</p>")
    parts.append(_table(["parameter", "values", "unit", "meaning"], varied))
    if fixed:
        parts.append(
            "<p><strong>Fixed</strong> (overrides of the model defaults, shared and this "
            "study's own; every other parameter keeps its default):</p>"
        )
        parts.append(_table(["parameter", "value", "unit", "meaning"], fixed))
    else:
        parts.append("<p><strong>Fixed:</strong> every other parameter at its default.</p>")
    if study.get("kind") == "stdp_window":
        parts.append(
            '<p class="note">The spike-pair probe of an STDP-window study reads only the probed '
            "pathway's rule and its <code>c_pre</code>/<code>c_post</code>, the "
            "<code>stdp.*</code> parameters and <code>simulation.dt</code>; the others (e.g. "
            "shared network overrides) are recorded but have no effect on it.</p>"
        )
    return "\n".join(parts)


def _figure(study: str, kind: str, png: str | Path | None, caption: str) -> str:
    title = FIGURE_TITLES.get(kind, kind.replace("_", " "))
    cap = f"<figcaption><strong>{_e(title)}.</strong> {caption_html(caption)}</figcaption>"
    if not _exists(png):
        return (
            f'<figure class="figure" data-kind="{_e(kind)}"><p class="missing">Figure '
            f"<code>{_e(kind)}</code> is missing: <code>{_e(png)}</code> has not been drawn."
            f"</p>{cap}</figure>"
        )
    data = base64.b64encode(Path(png).read_bytes()).decode("ascii")
    first = _plain_caption(caption).split(". ")[0].rstrip(".")
    alt = f"{title}, study {study}" + (f": {first}." if first else ".")
    return (
        f'<figure class="figure" data-kind="{_e(kind)}" id="{_e(section_id(study))}-{_e(kind)}">'
        f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">{cap}</figure>'
    )


def study_section(
    study: Mapping[str, Any],
    ds: xr.Dataset | None,
    figures: Mapping[str, str],
    captions: Mapping[str, str],
    claims: Sequence[Mapping[str, Any]] = (),
    missing: Sequence[str] = (),
) -> str:
    """One study: question, claims, figures, numbers with CIs, parameters. ``ds`` None (and
    ``missing``, the reasons) for a study whose dataset is not there."""
    name = study["name"]
    missing = list(missing)
    parts = [
        f'<section id="{_e(section_id(name))}" class="study">',
        f"<h2>Study: {_e(name)}</h2>",
        f'<p class="question"><strong>Question.</strong> {_e(study.get("description", ""))}</p>',
    ]
    if claims:
        items = "".join(
            f"<li>{verdict_badge(r['verdict'])} {_e(r['name'])}"
            + (f" — {_e(format_effect(r))}" if r.get("effect") is not None else "")
            + "</li>"
            for r in claims
        )
        parts.append(f"<h3>Claims</h3><ul>{items}</ul>")
    for kind, png in figures.items():
        parts.append(_figure(name, kind, png, captions.get(kind, "")))
    if ds is not None:
        parts.append(_window_numbers(ds) if "dw" in ds else _numbers(ds))
    parts.append(parameter_tables(study))
    if ds is not None:
        parts.append(
            "<p class=note>Every parameter is in the attributes of the study dataset "
            f"<code>results/{_e(name)}/{_e(name)}.nc</code>.</p>"
        )
    if missing:
        items = "".join(f"<li>{_e(m)}</li>" for m in missing)
        parts.insert(
            3,
            f'<div class="missing"><strong>Missing from this report:</strong><ul>{items}</ul>'
            "Run the workflow (<code>snakemake</code>) to complete it.</div>",
        )
    parts.append("</section>")
    return "\n".join(parts)


def _numbers(ds: xr.Dataset) -> str:
    axes = grid_axes(ds)
    probe = ds["probe"].values[-1]
    rows = [
        [
            *(_value(r[a]) for a in axes),
            _fmt(*r["lesioned"]),
            _fmt(*r["intact"]),
            f"{r['replay']:.1f}",
            f"{r['runaway']}/{r['seeds']}",
        ]
        for r in cell_numbers(ds)
    ]
    parts = [
        f"<h3>Key numbers</h3><p>Recall (Hz) at probe <code>{_e(probe)}</code>, averaged over "
        "memories: mean [95% bootstrap CI over seeds]. With the hippocampus lesioned at test it "
        "measures what the cortex recalls on its own (consolidation).</p>",
        _table(
            [
                *axes,
                "recall, lesioned (Hz)",
                "recall, intact (Hz)",
                "SWR replays (mean)",
                "runaway runs",
            ],
            rows,
        ),
    ]
    flagged = flagged_runs(ds)
    if flagged:
        parts.append(
            '<p class="warn">Flagged runs, left out of every number and figure above (runaway: '
            "a population rate above simulation.max_rate; non_finite: NaN or infinite state): "
            + "; ".join(map(_e, flagged))
            + ".</p>"
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
            *(_value(r[a]) for a in axes),
            _fmt(*r["tau_plus"], digits=1) + f" ({r['tau_plus_seeds']})",
            _fmt(*r["tau_minus"], digits=1) + f" ({r['tau_minus_seeds']})",
            _fmt(*r["dw_plus"]),
            _fmt(*r["dw_minus"]),
        ]
        for r in rows
    ]
    from consolidation.model.stdp import BI_POO_TAU_MINUS, BI_POO_TAU_PLUS

    parts = [
        "<h3>Key numbers</h3><p>Decay times fitted to each side of the measured window (ms; "
        f"Bi &amp; Poo 1998: τ+ {BI_POO_TAU_PLUS:g} ms, τ− {BI_POO_TAU_MINUS:g} ms), with the "
        "seeds whose window decays exponentially on that side, and the weight change per spike "
        "pair at the closest offsets (in units of the learning rate): mean [95% bootstrap CI "
        "over seeds].</p>",
        _table(
            [
                *axes,
                "τ+ fitted (ms)",
                "τ− fitted (ms)",
                f"dw at {_value(plus)} ms" if plus is not None else "dw, pre first",
                f"dw at {_value(minus)} ms" if minus is not None else "dw, post first",
            ],
            table,
        ),
    ]
    flagged = flagged_runs(ds)
    if flagged:
        parts.append(
            '<p class="warn">Flagged runs (NaN or infinite weight changes), left out of every '
            "number and figure above: " + "; ".join(map(_e, flagged)) + ".</p>"
        )
    return "\n".join(parts)


def _short(rev: str) -> str:
    return ", ".join(r[:12] for r in str(rev).split(",") if r)


def provenance_section(
    config: Mapping[str, Any],
    datasets: Mapping[str, xr.Dataset],
    bench: pd.DataFrame,
    configfiles: Sequence[str] = (),
) -> str:
    """Config files and hashes, code revisions, versions, hosts and runtimes, the config."""
    n_cells = sum(int(ds.attrs.get("cell_count", 0)) for ds in datasets.values())
    seconds = bench["s"].astype(float) if len(bench) else pd.Series(dtype=float)
    runtime = [
        ["cells simulated", n_cells],
        ["benchmark files read", len(bench)],
        ["total simulation runtime (s)", f"{seconds.sum():.1f}"],
        ["per-cell runtime, mean (s)", f"{seconds.mean():.1f}" if len(seconds) else "n/a"],
        [
            "per-cell runtime, min-max (s)",
            f"{seconds.min():.1f}-{seconds.max():.1f}" if len(seconds) else "n/a",
        ],
    ]
    cell_revisions = sorted(
        {
            rev
            for ds in datasets.values()
            for rev in str(ds.attrs.get("code_revision", "")).split(",")
            if rev
        }
    )
    sha = config_sha256(config)
    revisions = [
        ["config file(s)", ", ".join(map(str, configfiles)) or "(given on the command line)"],
        ["config sha256", sha],
        ["workflow checkout", git_revision(Path(__file__).resolve().parent)],
        ["model code of the cells", ", ".join(cell_revisions) or "n/a"],
        ["report written", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")],
    ]
    per_study = []
    for name, ds in datasets.items():
        a = ds.attrs
        recorded = str(a.get("config_sha256", ""))
        if not recorded:
            same = "not recorded"
        elif recorded == sha:
            same = "same as this report's config"
        else:
            same = "differs from this report's config"
        per_study.append(
            [
                name,
                str(a.get("cell_count", "")),
                (recorded[:16] + "… " if recorded else "") + f"({same})",
                _short(a.get("code_revision", ""))
                + (" (dirty)" if int(a.get("code_dirty", 0)) else ""),
                _short(a.get("collect_code_revision", "")) or "n/a",
                str(a.get("host", "")),
                f"{float(a.get('wall_time_s', np.nan)):.1f}",
            ]
        )
    here = package_versions()
    names = list(here) + sorted(
        {
            k.removeprefix("version_")
            for ds in datasets.values()
            for k in ds.attrs
            if k.startswith("version_") and k.removeprefix("version_") not in here
        }
    )
    versions = [
        [n, here.get(n, ""), *(str(ds.attrs.get(f"version_{n}", "")) for ds in datasets.values())]
        for n in names
    ]
    return "\n".join(
        [
            '<section id="provenance"><h2>Provenance</h2>',
            "<h3>Run</h3>",
            _table(["", ""], revisions),
            "<h3>Studies</h3>",
            "<p>Recorded by collect in each study dataset: the config hash at collect time "
            "(a later change to <code>plots</code> alone changes it, not the data), the code "
            "revision of the simulations and of collect, hosts and summed wall time.</p>",
            _table(
                [
                    "study",
                    "cells",
                    "config sha256",
                    "model code",
                    "collect code",
                    "hosts",
                    "wall time (s)",
                ],
                per_study,
            )
            if per_study
            else "<p>No study dataset.</p>",
            "<h3>Runtime</h3>",
            _table(["", ""], runtime),
            "<h3>Package versions</h3>",
            "<p>Of the environment that wrote this report, and as recorded in each study "
            "dataset (blank: not recorded).</p>",
            _table(["package", "report", *datasets], versions),
            "<h3>Config</h3>",
            "<details><summary>The config this report was made with (YAML)</summary>",
            f"<pre>{_e(yaml.safe_dump(plain_tree(config), sort_keys=False))}</pre></details>",
            "</section>",
        ]
    )


def _header(
    studies: Sequence[Mapping[str, Any]],
    opened: Mapping[str, xr.Dataset],
    missing: Mapping[str, list[str]],
    computed: Sequence[Mapping[str, Any]],
    config: Mapping[str, Any],
    configfiles: Sequence[str],
) -> str:
    expected = sum(
        int(np.prod([len(v) for v in s.get("grid", {}).values()])) * len(s.get("seeds", []))
        for s in studies
    )
    done = sum(int(ds.attrs.get("cell_count", 0)) for ds in opened.values())
    cells = f"{done} simulations (grid cells × seeds)"
    if done != expected:
        cells = f"{done} of {expected} simulations (grid cells × seeds)"
    files = ", ".join(f"<code>{_e(f)}</code>" for f in configfiles) or "(command line)"
    names = ", ".join(
        f'<a href="#{_e(section_id(s["name"]))}">{_e(s["name"])}</a>' for s in studies
    )
    counts = {v: sum(r["verdict"] == v for r in computed) for v in (*VERDICTS, NOT_COMPUTED)}
    chips = " ".join(f"{verdict_badge(v)}&nbsp;×&nbsp;{n}" for v, n in counts.items() if n)
    rev, dirty = code_revision(Path(__file__).resolve().parent)
    rev = (
        "not a git checkout" if rev == "unknown" else rev[:12] + (" (uncommitted changes)" * dirty)
    )
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        '<header id="top">',
        "<h1>Sleep replay and cortical consolidation</h1>",
        '<p class="lede">Workflow report. Outcome: recall with the hippocampus lesioned at the '
        "last test probe, what the cortex has consolidated (STDP-window studies: the weight "
        "change per spike pair of one synapse); grids of model parameters over seeds.</p>",
        '<dl class="run">',
        f"<dt>config</dt><dd>{files} (sha256 <code>{config_sha256(config)[:12]}</code>)</dd>",
        f"<dt>written</dt><dd>{now}</dd>",
        f"<dt>studies</dt><dd>{len(studies)}: {names}</dd>",
        f"<dt>code</dt><dd><code>{_e(rev)}</code></dd>",
        f"<dt>cells</dt><dd>{_e(cells)}</dd>",
        "</dl>",
    ]
    if chips:
        parts.append(f'<p class="glance">Claims: {chips}</p>')
    if missing:
        items = "".join(
            f'<li><a href="#{_e(section_id(n))}">{_e(n)}</a>: {_e("; ".join(why))}</li>'
            for n, why in missing.items()
        )
        parts.append(
            f'<div class="partial" id="missing"><strong>Partial report: {len(missing)} of '
            f"{len(studies)} studies incomplete.</strong><ul>{items}</ul>Run the workflow "
            "(<code>snakemake</code>) to finish them; then the report is rebuilt.</div>"
        )
    parts.append("</header>")
    return "\n".join(parts)


def _toc(studies: Sequence[Mapping[str, Any]], missing: Mapping[str, Any]) -> str:
    items = "".join(
        f'<li><a href="#{_e(section_id(s["name"]))}">{_e(s["name"])}</a>'
        + (' <span class="note">(incomplete)</span>' if s["name"] in missing else "")
        + "</li>"
        for s in studies
    )
    return (
        '<nav id="toc" aria-label="Contents"><h2>Contents</h2><ol>'
        '<li><a href="#top">Run</a></li><li><a href="#claims">Claims</a></li>'
        f'<li><a href="#studies">Studies</a><ol>{items}</ol></li>'
        '<li><a href="#provenance">Provenance</a></li></ol></nav>'
    )


def build_report(
    studies: Sequence[Mapping[str, Any]],
    datasets: Mapping[str, str | Path | None],
    figures: Mapping[str, Mapping[str, str]],
    captions: Mapping[str, str],
    config: Mapping[str, Any],
    benchmarks: Sequence[str | Path],
    claims: Mapping[str, str | Path | None] | None = None,
    configfiles: Sequence[str] = (),
) -> str:
    """The whole page.

    ``datasets``/``figures``/``claims`` map study name to paths (claims default to
    ``claims.json`` beside each dataset, as rule claims writes them); captions are rst text;
    ``configfiles`` name the config file(s) in the header. Any of these files may be missing:
    the page then says which (a partial results folder), it does not fail.
    """
    names = [s["name"] for s in studies]
    paths = {n: datasets.get(n) for n in names}
    claims = claims or {
        n: str(Path(p).parent / "claims.json") if p is not None else None for n, p in paths.items()
    }
    opened, why = open_datasets(paths)
    computed, claims_missing = read_claims(studies, claims)
    sections, missing = [], {}
    for study in studies:
        name = study["name"]
        reasons = [why[name]] if name in why else []
        if name in claims_missing:
            reasons.append(claims_missing[name])
        figs = figures.get(name, {})
        undrawn = [k for k, p in figs.items() if not _exists(p)]
        if undrawn:
            where = Path(figs[undrawn[0]]).parent
            reasons.append(f"figures not drawn: {', '.join(undrawn)} ({where}/)")
        if reasons:
            missing[name] = reasons
        ours = [r for r in computed if r["study"] == name]
        sections.append(study_section(study, opened.get(name), figs, captions, ours, reasons))
    body = [
        _header(studies, opened, missing, computed, config, configfiles),
        '<section id="claims"><h2>Claims</h2>',
        "<p>What each study expects, computed from its dataset over seeds (rule "
        "<code>claims</code>). Effect: mean over seeds [95% bootstrap CI]. Click a claim for its "
        "study.</p>",
        claims_table(computed) if computed else "<p>No study declares claims.</p>",
        '<p class="note">Claims are declared in the config (<code>studies.&lt;name&gt;.claims'
        "</code>). A contrast is the difference a − b paired within each seed, in the "
        "variable's units; a trend is the Spearman rank correlation ρ within each seed, with the "
        "change from the lowest to the highest value along it; a level is the variable minus a "
        "number; a match is the variable itself against a published value. Verdict: "
        f"{verdict_badge('reproduced')} if the CI excludes 0 in the expected direction (a "
        "match: lies within the published value's tolerance), "
        f"{verdict_badge('contradicted')} if it excludes 0 in the other (a match: lies wholly "
        f"outside the tolerance), else {verdict_badge('inconclusive')} (also with fewer than 3 "
        "seeds); "
        f"{verdict_badge(NOT_COMPUTED)}: its study's claims file is missing.</p>",
        "</section>",
        '<div id="studies">',
        *sections,
        "</div>",
        provenance_section(config, opened, read_benchmarks(benchmarks), configfiles),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        "<title>Consolidation workflow report</title>"
        f'<style>{STYLE}</style></head><body>\n<div class="layout">\n'
        + _toc(studies, missing)
        + "\n<main>\n"
        + "\n".join(body)
        + f"\n</main>\n</div>\n<script>{SCRIPT}</script>\n</body></html>\n"
    )
