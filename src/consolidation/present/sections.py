"""The claims section and the study sections of the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import xarray as xr

from consolidation.model.parameters import SPECS
from consolidation.present.claims_plot import claims_png
from consolidation.present.html import (
    escape,
    figure,
    html_table,
    png_uri,
    section_id,
    text_table,
    value_text,
    verdict_badge,
    verdict_kind,
)
from consolidation.present.inputs import NOT_COMPUTED
from consolidation.present.numbers import numbers_html
from consolidation.studies.seeds import TUNING_SEEDS
from consolidation.studies.seeds import describe as describe_seeds
from consolidation.studies.summaries import format_effect, format_p, format_power, format_size

# --- the claims ------------------------------------------------------------------------------


def claim_rows(results: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """One table row per computed claim (``claims.json`` of rule claims): what, effect, size,
    seeds, p-values, verdict."""
    rows = []
    for r in results:
        verdict = r["verdict"] + (f" ({'; '.join(r['notes'])})" if r.get("notes") else "")
        rows.append(
            [
                r["study"],
                f"{r['name']}: {r['description']}",
                r.get("reference") or "",
                format_effect(r),
                format_size(r),
                "; ".join(filter(None, [str(r["n_seeds"]), format_power(r)])),
                format_p(r),
                verdict,
            ]
        )
    return rows


def _claim_cells(r: Mapping[str, Any]) -> list[str]:
    """A claim's row of the claims table as HTML cells: study, claim, effect, size, seeds,
    p-values, verdict."""
    href = escape("#" + section_id(r["study"]))
    what = f'<a href="{href}"><strong>{escape(r["name"])}</strong></a>'
    if r.get("description"):
        what += f'<br><span class="note">{escape(r["description"])}</span>'
    if r.get("reference"):
        what += f'<br><span class="note">Reference: {escape(r["reference"])}</span>'
    verdict = verdict_badge(r["verdict"])
    alone = r.get("verdict_study")
    if alone and alone != r["verdict"]:
        verdict += f'<br><span class="note">its study alone: {escape(alone)}</span>'
    if r.get("notes"):
        verdict += f'<br><span class="note">{escape("; ".join(r["notes"]))}</span>'
    effect = format_effect(r) if r.get("effect") is not None else "n/a"
    seeds = escape(r.get("n_seeds", 0))
    if format_power(r):
        seeds += f'<br><span class="note">{escape(format_power(r))}</span>'
    return [
        f'<a href="{href}">{escape(r["study"])}</a>',
        what,
        escape(effect).replace("; ", ";<br>"),
        escape(format_size(r)),
        seeds,
        escape(format_p(r)).replace(", ", ",<br>"),
        verdict,
    ]


def claims_table(results: Sequence[Mapping[str, Any]]) -> str:
    """The claims table: each claim links to its study's section; verdicts as coloured badges."""
    return html_table(
        ["study", "claim", "effect [95% CI]", "size", "seeds", "p (one-sided)", "verdict"],
        [_claim_cells(r) for r in results],
        [f"row-{verdict_kind(r['verdict'])}" for r in results],
        cls="claims",
    )


def claims_plot(computed: Sequence[Mapping[str, Any]]) -> str:
    """The claims' per-seed values with their intervals, as one inline figure."""
    png = claims_png(computed)
    if png is None:
        return ""
    return (
        '<figure class="figure" data-kind="claims" id="claims-per-seed">'
        '<img alt="Each claim: its per-seed values, mean and 95% interval." '
        f'src="{png_uri(png)}"><figcaption><strong>Claims seed by seed.'
        "</strong> Grey points: the claim's value in each seed (a contrast's paired "
        "difference, a trend's ρ, a level's difference, a match's value); diamond and bar: "
        "the mean and its 95% Student t interval, coloured by the run's verdict; dashed: 0; "
        "grey band: a match's accepted interval.</figcaption></figure>"
    )


def claims_section(computed: Sequence[Mapping[str, Any]]) -> str:
    """Every claim of every study, then how claims are declared and judged."""
    return "\n".join(
        [
            '<section id="claims"><h2>Claims</h2>',
            "<p>What each study expects, computed from its dataset over seeds (rule "
            "<code>claims</code>). Effect: mean over seeds [95% Student t interval over seeds]; "
            "size: Cohen's d<sub>z</sub> (mean / sd of the per-seed values) or the mean "
            "Spearman ρ; seeds, and how many a paired t-test needs for 80% power at this "
            "d<sub>z</sub> (alone, and at the level of Holm's first step over the run); p: "
            "one-sided in the expected direction, raw and Holm-adjusted over every claim of "
            "this run. Click a claim for its study. The model was tuned on "
            f"seeds {TUNING_SEEDS[0]}-{TUNING_SEEDS[-1]} (<code>consolidation-diagnose</code>'s "
            "default); a claim computed on any of them says so in its notes.</p>",
            claims_table(computed) if computed else "<p>No study declares claims.</p>",
            claims_plot(computed),
            '<p class="note">Claims are declared in the config (<code>studies.&lt;name&gt;.'
            "claims</code>). A contrast is the difference a − b paired within each seed, in the "
            "variable's units; a trend is the Spearman rank correlation ρ within each seed (a "
            "per-memory trend within each grid cell, then averaged over cells), with the change "
            "from the lowest to the highest value along it; a level is the variable minus a "
            "number; a match is the variable itself against a published value. Tests: a "
            "one-sided t-test over seeds (contrasts, levels), a permutation test within seeds "
            "(trends); Holm's adjustment over every tested claim of the run. Verdict: "
            f"{verdict_badge('reproduced')} if the adjusted p is below 0.05 with the effect in "
            "the expected direction (a match: its interval lies within the published value's "
            f"tolerance), {verdict_badge('contradicted')} if the opposite direction's adjusted "
            "p is (a match: wholly outside the tolerance), else "
            f"{verdict_badge('inconclusive')} (also with fewer than 3 seeds). This run's "
            "verdict is the one to quote; <code>claims.json</code> holds each study's own, "
            "adjusted over its claims only, shown here where it differs. "
            f"{verdict_badge(NOT_COMPUTED)}: its study's claims file is missing.</p>",
            "</section>",
        ]
    )


# --- a study -----------------------------------------------------------------------------------


def _spec(key: str) -> tuple[str, str]:
    """A parameter's unit and meaning (blank for a key the model does not know)."""
    s = SPECS.get(key)
    return (s.unit or "", s.doc) if s is not None else ("", "")


def parameter_tables(study: Mapping[str, Any]) -> str:
    """The parameters varied (grid axes) and fixed (overrides of the model defaults)."""
    varied = [
        [key, ", ".join(value_text(v) for v in values), *_spec(key)]
        for key, values in study.get("grid", {}).items()
    ]
    fixed = [[key, value_text(v), *_spec(key)] for key, v in study.get("fixed", {}).items()]
    seeds = describe_seeds(study.get("seeds", []))
    parts = ["<h3>Parameters</h3>", "<p><strong>Varied</strong> (the grid; every combination "]
    parts.append(f"runs with every seed: {escape(seeds)}):</p>")
    parts.append(text_table(["parameter", "values", "unit", "meaning"], varied))
    if fixed:
        parts.append(
            "<p><strong>Fixed</strong> (overrides of the model defaults, shared and this "
            "study's own; every other parameter keeps its default):</p>"
        )
        parts.append(text_table(["parameter", "value", "unit", "meaning"], fixed))
    else:
        parts.append("<p><strong>Fixed:</strong> every other parameter at its default.</p>")
    if study.get("kind") == "stdp_window":
        parts.append(
            '<p class="note">The spike-pair probe of an STDP-window study reads only the probed '
            "pathway's rule and its <code>c_pre</code>/<code>c_post</code>, the "
            "<code>stdp.*</code> parameters and <code>simulation.dt</code>; the others (e.g. "
            "shared network overrides) are recorded but have no effect on it.</p>"
        )
    if study.get("kind") == "working_memory":
        parts.append(
            '<p class="note">A working-memory study runs its own network: it reads only the '
            "<code>working_memory.*</code> parameters and <code>simulation.dt</code>, always in "
            "brian2's runtime mode; the others (e.g. shared network overrides) are recorded but "
            "have no effect on it.</p>"
        )
    return "\n".join(parts)


def _claim_list(claims: Sequence[Mapping[str, Any]]) -> str:
    items = "".join(
        f"<li>{verdict_badge(r['verdict'])} {escape(r['name'])}"
        + (f" — {escape(format_effect(r))}" if r.get("effect") is not None else "")
        + "</li>"
        for r in claims
    )
    return f"<h3>Claims</h3><ul>{items}</ul>"


def _missing_notice(missing: Sequence[str]) -> str:
    items = "".join(f"<li>{escape(m)}</li>" for m in missing)
    return (
        f'<div class="missing"><strong>Missing from this report:</strong><ul>{items}</ul>'
        "Run the workflow (<code>snakemake</code>) to complete it.</div>"
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
    parts = [
        f'<section id="{escape(section_id(name))}" class="study">',
        f"<h2>Study: {escape(name)}</h2>",
        f'<p class="question"><strong>Question.</strong> {escape(study.get("description", ""))}'
        "</p>",
    ]
    if missing:
        parts.append(_missing_notice(missing))
    if claims:
        parts.append(_claim_list(claims))
    parts += [figure(name, kind, png, captions.get(kind, "")) for kind, png in figures.items()]
    if ds is not None:
        parts.append(numbers_html(ds))
    parts.append(parameter_tables(study))
    if ds is not None:
        parts.append(
            "<p class=note>Every parameter is in the attributes of the study dataset "
            f"<code>results/{escape(name)}/{escape(name)}.nc</code>.</p>"
        )
    parts.append("</section>")
    return "\n".join(parts)
