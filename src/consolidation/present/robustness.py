"""The report's robustness section: each claim at the tuned point and over its neighbourhood.

A config with a ``neighbourhood`` (config/robustness.yaml) runs copies of its studies at points
around the tuned model (:mod:`consolidation.studies.neighbourhood`). Their claims are a separate
analysis: they stay out of the run's Holm family and its claims table, and each copy's verdict is
its own study's (Holm over that copy's claims, as its ``claims.json`` has it). A claim reproduced
at the tuned point but in fewer than half of the points around it holds only where the model
was tuned, and is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from consolidation.present.html import escape, html_table, section_id, verdict_badge
from consolidation.studies.neighbourhood import original_of

FRAGILE = 0.5  # below this share of reproduced points a tuned-point success is flagged


def split_copies(
    computed: Sequence[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(the claims of the config's own studies, those of neighbourhood copies)."""
    copies = [r for r in computed if original_of(r["study"]) is not None]
    return [r for r in computed if original_of(r["study"]) is None], copies


def robustness_rows(
    tuned: Sequence[Mapping[str, Any]], copies: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per claim of a copied study: its tuned-point verdict, how many points reproduce it."""
    around: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in copies:
        around[original_of(r["study"]), r["name"]].append(r["verdict"])
    rows = []
    for r in tuned:
        verdicts = around.get((r["study"], r["name"]))
        if verdicts:
            share = verdicts.count("reproduced") / len(verdicts)
            rows.append(
                {
                    "study": r["study"],
                    "name": r["name"],
                    "tuned": r["verdict"],
                    "reproduced": verdicts.count("reproduced"),
                    "contradicted": verdicts.count("contradicted"),
                    "points": len(verdicts),
                    "share": share,
                    "fragile": r["verdict"] == "reproduced" and share < FRAGILE,
                }
            )
    return rows


def robustness_section(
    tuned: Sequence[Mapping[str, Any]], copies: Sequence[Mapping[str, Any]]
) -> str:
    """The section (empty text when the run has no neighbourhood)."""
    rows = robustness_rows(tuned, copies)
    if not rows:
        return ""
    cells = [
        [
            f'<a href="{escape("#" + section_id(r["study"]))}">{escape(r["study"])}</a>',
            escape(r["name"]),
            verdict_badge(r["tuned"]),
            f"{r['reproduced']} of {r['points']} ({r['share']:.0%})"
            + (f"; {r['contradicted']} contradicted" if r["contradicted"] else ""),
            "<strong>only at the tuned point</strong>" if r["fragile"] else "",
        ]
        for r in rows
    ]
    classes = ["fragile" if r["fragile"] else "" for r in rows]
    return "\n".join(
        [
            '<section id="robustness"><h2>Robustness</h2>',
            "<p>Each claim at the tuned model and at the points of its neighbourhood (the "
            "config's <code>neighbourhood</code>: a Latin hypercube of its parameters around "
            "the tuned values). A point's verdict is its copy's own (Holm over that copy's "
            "claims); the copies are not in the claims table above nor in its Holm family. "
            f"Flagged: reproduced at the tuned point, in under {FRAGILE:.0%} of the points.</p>",
            html_table(
                ["study", "claim", "tuned point", "reproduced around it", "flag"], cells, classes
            ),
            "</section>",
        ]
    )
