"""Evaluated claims (:mod:`consolidation.studies.verdicts`, ``claims.json``) as short text: the
effect with its interval, the effect size, the seeds for 80% power, the p-values; for the claims
job's log and the report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _num(x: float | None, digits: int = 2, sign: bool = True) -> str:
    return "n/a" if x is None else f"{x:{'+' if sign else ''}.{digits}f}"


def format_effect(result: Mapping[str, Any]) -> str:
    """'+6.50 Hz [+3.60, +10.20]' for a contrast or a level (its difference from ``than``);
    'ρ +0.80 [+0.50, +1.00]; +3.10 Hz ...' for a trend (the change from the lowest to the
    highest value of the axis); '16.90 ms [16.80, 17.00] (published 16.8 ms, accepted
    13.44-20.16)' for a match."""
    if result.get("effect") is None:
        return "n/a"
    ci = f"[{_num(result['ci_low'])}, {_num(result['ci_high'])}]"
    units = result.get("units") or ""
    units = "" if units == "1" else units  # dimensionless
    if result["kind"] in ("contrast", "level"):
        return f"{_num(result['effect'])} {units} {ci}".replace("  ", " ")
    if result["kind"] == "match":
        plain = f"[{_num(result['ci_low'], sign=False)}, {_num(result['ci_high'], sign=False)}]"
        lo, hi = result["interval"]
        published = f"published {result['value']:g} {units}, accepted {lo:.4g}-{hi:.4g}"
        return f"{_num(result['effect'], sign=False)} {units} {plain} ({published})"
    text = f"ρ {_num(result['effect'])} {ci}"
    change = result.get("change") or {}
    if change.get("effect") is not None:
        text += (
            f"; highest − lowest {_num(change['effect'])} {units} "
            f"[{_num(change['ci_low'])}, {_num(change['ci_high'])}]"
        )
    return text


def format_size(result: Mapping[str, Any]) -> str:
    """'d_z +2.07' (contrast, level), 'ρ +0.80' (trend), '' when there is none (a match)."""
    if result.get("effect_size") is None:
        return ""
    return f"{result.get('effect_size_name', '')} {_num(result['effect_size'])}"


def format_power(result: Mapping[str, Any]) -> str:
    """'80% power: 5 seeds (9 under Holm)' (contrast, level), '' otherwise; the effect in the
    wrong direction (or no spread between seeds) has no such number."""
    power = result.get("power")
    if not power:
        return ""
    needed = power.get("seeds_needed")
    target = f"{power['target']:.0%} power"
    if needed is None:
        return f"{target}: n/a"
    adjusted = power.get("seeds_needed_adjusted")
    holm = f" ({adjusted} under Holm)" if adjusted and adjusted != needed else ""
    return f"{target}: {needed} seeds{holm}"


def _p(x: float | None) -> str:
    if x is None:
        return "n/a"
    return "< 0.001" if x < 0.001 else f"{x:.3f}"


def format_p(result: Mapping[str, Any]) -> str:
    """'p 0.026, Holm (run of 19) 0.104': the one-sided p in the expected direction, raw and
    adjusted; '' for a claim without a test (a match)."""
    if result.get("p_value") is None:
        return ""
    text = f"p {_p(result['p_value'])}"
    if result.get("adjusted_over"):
        family = f"{result['adjusted_over']} of {result.get('adjusted_family', '?')}"
        text += f", Holm ({family}) {_p(result.get('p_adjusted'))}"
    return text
