"""Claims on synthetic study datasets (no simulation): planted, absent and reversed effects."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import xarray as xr
import yaml
from conftest import REPO, run_snakemake
from scipy.stats import ttest_1samp

from consolidation.present.sections import claim_rows, claims_table
from consolidation.studies.claims import (
    Claim,
    ClaimError,
    coordinate_labels,
    parse_claims,
    study_variables,
)
from consolidation.studies.grid import ConfigError, load_studies
from consolidation.studies.stats import seeds_for_power, spearman
from consolidation.studies.summaries import format_effect, format_power
from consolidation.studies.verdicts import (
    MIN_SEEDS,
    adjust,
    dumps,
    evaluate,
    evaluate_study,
)

N_SEEDS = 6
N_MEMORIES = 4
# Per-seed deviations that average to zero: with no planted effect the CI straddles 0.
WOBBLE = np.array([1.0, -1.0, 0.5, -0.5, 2.0, -2.0])[:, None]


def study_dataset(axis: str, values: list, recall: np.ndarray, **per_memory) -> xr.Dataset:
    """A dataset shaped like a study dataset; ``recall`` is (axis, seed, memory) lesioned-post
    recall in Hz. The other probe/hippocampus entries hold a big opposite effect, so a claim
    that did not select them would get the sign wrong."""
    full = np.empty((len(values), N_SEEDS, 2, N_MEMORIES, 2))
    full[:, :, 1, :, 1] = recall  # probe post, hippocampus lesioned
    full[:, :, 0, :, :] = -50 * recall[:, :, :, None]  # probe pre
    full[:, :, 1, :, 0] = -50 * recall  # hippocampus intact
    grid = (axis, "seed", "memory")
    data = {
        "recall": (
            (axis, "seed", "probe", "memory", "hippocampus"),
            full,
            {"units": "Hz", "long_name": "recall"},
        ),
        "memory_age": (grid, np.broadcast_to(np.zeros(N_MEMORIES, int), recall.shape).copy()),
        "replay_count": (grid, np.zeros(recall.shape, int)),
    }
    for name, value in per_memory.items():
        data[name] = (grid, np.broadcast_to(value, recall.shape).copy(), {"units": "1"})
    return xr.Dataset(
        data,
        coords={
            axis: values,
            "seed": np.arange(N_SEEDS),
            "probe": ["pre", "post"],
            "memory": np.arange(N_MEMORIES),
            "hippocampus": ["intact", "lesioned"],
        },
        attrs={"study": "synthetic"},
    )


SELECT = {"hippocampus": "lesioned", "probe": "post"}
EXPECTED = {1.0: "reproduced", 0.0: "inconclusive", -1.0: "contradicted"}


def claim(**kw) -> Claim:
    return Claim(name="c", variable="recall", select=dict(SELECT), **kw)


# --- contrasts ---------------------------------------------------------------------------


@pytest.mark.parametrize("sign", list(EXPECTED))
def test_contrast_along_a_grid_axis(sign):
    """sleep - wake = 3 Hz (+ a per-seed wobble) planted, absent, reversed."""
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0] = 5 + sign * 3 + WOBBLE
    recall[1] = 5
    ds = study_dataset("schedule.offline", ["sleep", "wake"], recall)
    c = claim(kind="contrast", axis="schedule.offline", a="sleep", b="wake", expect="greater")
    r = evaluate(ds, c)
    assert r["effect"] == pytest.approx(sign * 3)
    assert r["units"] == "Hz" and r["n_seeds"] == N_SEEDS
    assert r["verdict"] == EXPECTED[sign]
    if sign:
        assert np.sign(r["ci_low"]) == np.sign(r["ci_high"]) == sign
    # the per-seed differences are sign * 3 + WOBBLE: sd sqrt(2.1), one-sided t-test (scipy's
    # own) in the expected direction and in the other
    diffs = sign * 3 + WOBBLE[:, 0]
    assert r["effect_size_name"] == "d_z"
    assert r["effect_size"] == pytest.approx(sign * 3 / np.sqrt(2.1))
    assert r["p_value"] == pytest.approx(ttest_1samp(diffs, 0, alternative="greater").pvalue)
    assert r["p_value_opposite"] == pytest.approx(ttest_1samp(diffs, 0, alternative="less").pvalue)
    assert r["ci_method"] == "Student t over seeds"
    needed = r["power"]["seeds_needed"]
    assert needed == (seeds_for_power(3 / np.sqrt(2.1)) if sign > 0 else None)


def test_a_list_in_select_averages_over_that_subset_only():
    """Memories 0 and 1 gain 3 Hz from sleep, the others lose 3 Hz: the subset sees +3."""
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0, :, :2] = 3 + WOBBLE  # WOBBLE is (seed, 1); its mean is 0
    recall[0, :, 2:] = -3
    ds = study_dataset("schedule.offline", ["sleep", "wake"], recall)
    c = Claim(
        name="c",
        variable="recall",
        select={**SELECT, "memory": (0, 1)},
        kind="contrast",
        axis="schedule.offline",
        a="sleep",
        b="wake",
        expect="greater",
    )
    r = evaluate(ds, c)
    assert r["effect"] == pytest.approx(3)
    assert r["verdict"] == "reproduced"


@pytest.mark.parametrize("sign", list(EXPECTED))
def test_contrast_between_two_points_of_a_two_axis_grid(sign):
    """(exposures 1, sleep) - (exposures 4, wake): the diagonal of a 2-D grid."""
    recall = np.zeros((2, 2, N_SEEDS, N_MEMORIES))  # exposures x offline x seed x memory
    recall[0, 0] = 4 + sign * 2 + WOBBLE  # 1 exposure, sleep
    recall[1, 1] = 4  # 4 exposures, wake
    recall[0, 1], recall[1, 0] = -20, 30  # the off-diagonal cells must not count
    ds = xr.Dataset(
        {
            "recall": (
                ("encoding.exposures", "schedule.offline", "seed", "memory"),
                recall,
                {"units": "Hz"},
            )
        },
        coords={"encoding.exposures": [1, 4], "schedule.offline": ["sleep", "wake"]},
    )
    c = Claim(
        name="c",
        variable="recall",
        kind="contrast",
        a={"encoding.exposures": 1, "schedule.offline": "sleep"},
        b={"encoding.exposures": 4, "schedule.offline": "wake"},
        expect="greater",
    )
    r = evaluate(ds, c)
    assert r["effect"] == pytest.approx(sign * 2)
    assert r["verdict"] == EXPECTED[sign]
    assert "(encoding.exposures=1, schedule.offline=sleep)" in r["description"]


def test_contrast_expecting_less_flips_the_verdict():
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0] = 2.0 + WOBBLE / 4  # disruption 0 beats disruption 1
    ds = study_dataset("sleep.disruption", [0.0, 1.0], recall)
    greater = claim(kind="contrast", axis="sleep.disruption", a=0, b=1.0, expect="greater")
    less = claim(kind="contrast", axis="sleep.disruption", a=0.0, b=1, expect="less")
    assert evaluate(ds, greater)["verdict"] == "reproduced"
    assert evaluate(ds, less)["verdict"] == "contradicted"


@pytest.mark.parametrize("sign", list(EXPECTED))
def test_contrast_between_groups_of_memories_by_a_per_memory_variable(sign):
    """cued memories (1) minus uncued ones (0), paired within seed."""
    cued = np.array([1, 0, 1, 0])
    recall = np.zeros((1, N_SEEDS, N_MEMORIES)) + 4.0
    recall[0] += cued * (sign * 2 + WOBBLE)
    ds = study_dataset("schedule.offline", ["sleep"], recall, cued=cued)
    r = evaluate(ds, claim(kind="contrast", by="cued", a=1, b=0, expect="greater"))
    assert r["effect"] == pytest.approx(sign * 2)
    assert r["verdict"] == EXPECTED[sign]


def test_claims_tested_together_are_judged_after_holms_adjustment():
    """Sleep beats wake by 1.5 Hz (sd of the seeds 1.45): one-sided p = 0.026 alone. Two such
    claims in a study need p < 0.025 each (Holm: 2 x 0.026 = 0.052), so neither is reproduced;
    over a run of two such studies the family is four claims."""
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0] = 1.5 + WOBBLE
    ds = study_dataset("schedule.offline", ["sleep", "wake"], recall)
    c = claim(kind="contrast", axis="schedule.offline", a="sleep", b="wake", expect="greater")
    raw = ttest_1samp(1.5 + WOBBLE[:, 0], 0, alternative="greater").pvalue
    alone = evaluate(ds, c)
    assert alone["p_value"] == pytest.approx(raw) and 0.025 < raw < 0.05
    assert alone["verdict"] == "reproduced"
    twice = [c, Claim(**{**c.to_dict(), "name": "again"})]
    study = evaluate_study(ds, twice)["claims"]
    for r in study:
        assert r["p_value"] == pytest.approx(raw)
        assert r["p_adjusted"] == pytest.approx(2 * raw)
        assert r["adjusted_over"] == "study" and r["adjusted_family"] == 2
        assert r["verdict"] == "inconclusive"
        # power under Holm: the seeds for 80% power at alpha / 2, more than alone
        dz = r["effect_size"]
        assert r["power"]["seeds_needed_adjusted"] == seeds_for_power(dz, 0.8, 0.025)
        assert r["power"]["seeds_needed_adjusted"] > r["power"]["seeds_needed"]
        assert f"({seeds_for_power(dz, 0.8, 0.025)} under Holm)" in format_power(r)
    run = adjust(study + evaluate_study(ds.assign_attrs(study="other"), twice)["claims"], "run")
    for r in run:
        assert r["p_adjusted"] == pytest.approx(min(1.0, 4 * raw))
        assert r["p_adjusted_study"] == pytest.approx(2 * raw)
        assert r["verdict"] == r["verdict_study"] == "inconclusive"
    # a claim without a test (a match) or from an old claims file keeps its verdict
    old = {k: v for k, v in alone.items() if not k.startswith("p_")}
    assert adjust([old], "run")[0]["verdict"] == "reproduced"


def test_a_group_no_memory_is_in_gives_inconclusive_with_a_note():
    ds = study_dataset(
        "schedule.offline", ["sleep"], np.ones((1, N_SEEDS, N_MEMORIES)), cued=np.zeros(4)
    )
    c = claim(kind="contrast", by="cued", a=1, b=0, expect="greater")
    results = evaluate_study(ds, [c.to_dict()])
    r = results["claims"][0]
    assert r["verdict"] == "inconclusive" and r["n_seeds"] == 0 and r["effect"] is None
    assert any("cued = 1" in n for n in r["notes"])
    assert json.loads(dumps(results)) == results


# --- trends ------------------------------------------------------------------------------


@pytest.mark.parametrize("sign", list(EXPECTED))
def test_trend_along_a_grid_axis(sign):
    """Recall rises (sign 1), alternates in direction between seeds (0) or falls (-1) with
    the SWR rate."""
    rates = [0.5, 1.0, 2.0, 4.0]
    x = np.log2(rates)[:, None, None]
    direction = sign if sign else np.where(np.arange(N_SEEDS) % 2, -1.0, 1.0)[None, :, None]
    recall = 3 + direction * 1.5 * x + np.zeros((4, N_SEEDS, N_MEMORIES))
    ds = study_dataset("sleep.swr_rate", rates, recall)
    r = evaluate(ds, claim(kind="trend", axis="sleep.swr_rate", expect="increasing"))
    assert r["verdict"] == EXPECTED[sign]
    assert r["effect"] == pytest.approx(sign)  # Spearman rho, per seed then averaged
    assert r["change"]["effect"] == pytest.approx(sign * 1.5 * 3)  # 4 vs 0.5 Hz SWR rate, Hz
    assert r["change"]["units"] == "Hz"
    assert "ρ" in format_effect(r) and "Hz" in format_effect(r)


@pytest.mark.parametrize("sign", list(EXPECTED))
def test_trend_along_a_per_memory_variable(sign):
    """A Ribot gradient: recall against memory age (nights since encoding)."""
    age = np.array([0, 1, 2, 3])
    direction = sign if sign else np.where(np.arange(N_SEEDS) % 2, -1.0, 1.0)[:, None]
    recall = (2 + direction * age + 0.1 * WOBBLE)[None]
    ds = study_dataset("schedule.offline", ["sleep"], recall).assign(
        memory_age=(("schedule.offline", "seed", "memory"), np.broadcast_to(age, recall.shape))
    )
    r = evaluate(ds, claim(kind="trend", by="memory_age", expect="increasing"))
    assert r["verdict"] == EXPECTED[sign]
    assert r["effect"] == pytest.approx(sign)
    assert r["change"]["effect"] == pytest.approx(sign * 3, abs=0.3)


@pytest.mark.parametrize("within", ["none", "rising", "falling"])
def test_a_per_memory_trend_is_judged_within_grid_cells(within):
    """The SWR rate raises both replay and recall of every memory, so pooled over grid cells
    the memories replayed more are recalled better; within a cell, recall ranks the memories
    unlike replay (ρ = 0: none), like it (rising) or against it (falling). Only the within-cell
    relation may decide a per-memory claim."""
    rates = [0.5, 1.0, 2.0, 4.0]
    level = np.arange(4.0)[:, None, None]  # per grid cell, the same for replay and recall
    replay = 10 * level + np.arange(N_MEMORIES)  # ranks 1..4 within every cell
    unrelated = np.where(np.arange(N_SEEDS)[:, None] % 2, [2, 4, 1, 3], [3, 1, 4, 2])
    pattern = {
        "none": unrelated,  # Spearman ρ with 1..4 is exactly 0 for both orders
        "rising": np.arange(N_MEMORIES) + 0 * unrelated,
        "falling": -np.arange(N_MEMORIES) + 0 * unrelated,
    }[within]
    recall = 5 * level + 0.1 * pattern + np.zeros((4, N_SEEDS, N_MEMORIES))
    ds = study_dataset("sleep.swr_rate", rates, recall)
    ds["replay_count"] = (("sleep.swr_rate", "seed", "memory"), replay + 0 * recall)
    pooled = spearman(ds["replay_count"].isel(seed=0), recall[:, 0])
    assert pooled > 0.8  # what the claim said when it pooled the grid cells
    r = evaluate(ds, claim(kind="trend", by="replay_count", expect="increasing"))
    expected = {"none": "inconclusive", "rising": "reproduced", "falling": "contradicted"}
    assert r["verdict"] == expected[within]
    assert r["effect"] == pytest.approx({"none": 0.0, "rising": 1.0, "falling": -1.0}[within])
    if within == "none":
        assert 0.05 < r["p_value"] < 0.95
    # highest minus lowest replay within a cell: 0.1 x (pattern at memory 3 - at memory 0)
    change = {"none": 0.0, "rising": 0.3, "falling": -0.3}[within]
    assert r["change"]["effect"] == pytest.approx(change)


def test_a_trend_along_a_constant_variable_is_inconclusive_and_json_safe():
    ds = study_dataset("schedule.offline", ["sleep"], np.ones((1, N_SEEDS, N_MEMORIES)))
    results = evaluate_study(ds, [claim(kind="trend", by="memory_age", expect="increasing")])
    r = results["claims"][0]
    assert r["verdict"] == "inconclusive" and r["effect"] is None
    assert any("one value" in n for n in r["notes"])
    assert json.loads(dumps(results)) == results


def test_spearman_handles_ties_and_constant_input():
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert spearman([0, 0, 1, 1], [1, 2, 3, 4]) == pytest.approx(np.sqrt(0.8))
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
    assert np.isnan(spearman([1, np.nan], [1, 2]))


# --- seeds, flags, reproducibility -------------------------------------------------------


# --- levels and matches (the STDP-window study's claims) ------------------------------------


def window_dataset(dw: np.ndarray, tau: np.ndarray) -> xr.Dataset:
    """Shaped like an STDP-window study dataset: dw (rule, seed, offset), tau_plus (rule, seed)."""
    return xr.Dataset(
        {
            "dw": (("cortex.rule", "seed", "offset"), dw, {"units": "1"}),
            "tau_plus": (("cortex.rule", "seed"), tau, {"units": "ms"}),
        },
        coords={
            "cortex.rule": ["bipoo", "symmetric"],
            "seed": np.arange(N_SEEDS),
            "offset": [-10.0, 10.0],
        },
        attrs={"study": "synthetic window"},
    )


@pytest.mark.parametrize("sign", list(EXPECTED))
def test_level_of_a_variable_against_a_number(sign):
    """dw at +10 ms = sign * 0.5 (+ wobble) for the Bi & Poo rule; the other entries hold a big
    opposite value, so a claim that did not select them would get the sign wrong."""
    dw = np.full((2, N_SEEDS, 2), -50.0 * (sign or 1))
    dw[0, :, 1] = sign * 0.5 + WOBBLE[:, 0] / 10
    ds = window_dataset(dw, np.zeros((2, N_SEEDS)))
    c = Claim(
        name="pre before post potentiates",
        variable="dw",
        kind="level",
        expect="greater",
        select={"cortex.rule": "bipoo", "offset": 10.0},
        than=0.0,
    )
    r = evaluate(ds, c)
    assert r["effect"] == pytest.approx(sign * 0.5)
    assert r["verdict"] == EXPECTED[sign]
    assert r["statistic"] == "mean minus 0 (1)"
    assert c.describe() == "dw (cortex.rule=bipoo, offset=10): > 0"
    assert evaluate(ds, Claim(**{**c.to_dict(), "than": sign * 0.5 + 1}))["verdict"] == (
        "contradicted"
    )


@pytest.mark.parametrize(
    ("tau", "expected"),
    [(16.8, "reproduced"), (33.7, "contradicted"), (19.9, "inconclusive")],
)
def test_match_to_a_published_value_within_a_tolerance(tau, expected):
    """A fitted tau+ of 16.8 ms is within 16.8 ± 20%, 33.7 ms (a swapped window) wholly
    outside; 19.9 ms with a wobble of ±2 ms straddles the upper end (20.16 ms)."""
    taus = np.full((2, N_SEEDS), 100.0)
    taus[0] = tau + (WOBBLE[:, 0] if expected == "inconclusive" else WOBBLE[:, 0] / 10)
    ds = window_dataset(np.zeros((2, N_SEEDS, 2)), taus)
    c = Claim(
        name="tau+",
        variable="tau_plus",
        kind="match",
        expect="within",
        select={"cortex.rule": "bipoo"},
        value=16.8,
        tolerance=0.2,
    )
    r = evaluate(ds, c)
    assert r["verdict"] == expected
    assert r["interval"] == pytest.approx([13.44, 20.16])
    assert r["effect"] == pytest.approx(tau)
    assert "published 16.8 ms, accepted 13.44-20.16" in format_effect(r)
    assert "than" not in c.to_dict() and c.to_dict()["tolerance"] == 0.2
    assert "value" not in claim(kind="trend", axis="a", expect="increasing").to_dict()
    few = evaluate(ds.isel(seed=slice(0, MIN_SEEDS - 1)), c)
    assert few["verdict"] == "inconclusive"


def test_results_are_reproducible_and_too_few_seeds_give_no_verdict():
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0] = 5 + WOBBLE / 4
    ds = study_dataset("schedule.offline", ["sleep", "wake"], recall)
    c = claim(kind="contrast", axis="schedule.offline", a="sleep", b="wake", expect="greater")
    assert evaluate(ds, c) == evaluate(ds, c)  # fixed bootstrap RNG
    few = evaluate(ds.isel(seed=slice(0, MIN_SEEDS - 1)), c)
    assert few["verdict"] == "inconclusive" and few["n_seeds"] == MIN_SEEDS - 1
    assert few["ci_low"] > 0  # the CI alone would have said "reproduced"
    assert any("at least" in n for n in few["notes"])


def test_a_claim_on_tuning_seeds_says_so():
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0] = 5 + WOBBLE / 4
    ds = study_dataset("schedule.offline", ["sleep", "wake"], recall)
    c = claim(kind="contrast", axis="schedule.offline", a="sleep", b="wake", expect="greater")
    held_out = evaluate(ds, c)
    assert held_out["held_out"] and not any("tune" in n for n in held_out["notes"])
    tuned = evaluate(ds.assign_coords(seed=[0, 1, 2, 3, 100, 101]), c)
    assert not tuned["held_out"]
    assert "seeds 100, 101 were used to tune the model" in tuned["notes"]


def test_flagged_runs_are_left_out():
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0] = 5.0
    ds = study_dataset("schedule.offline", ["sleep", "wake"], recall)
    flag = np.zeros((2, N_SEEDS), "int8")
    flag[1, 0] = 1  # seed 0's wake run ran away
    ds["flag"] = (("schedule.offline", "seed"), flag)
    c = claim(kind="contrast", axis="schedule.offline", a="sleep", b="wake", expect="greater")
    r = evaluate(ds, c)
    assert r["n_seeds"] == N_SEEDS - 1 and r["per_seed"]["0"] is None


def test_report_rows_show_effect_seeds_and_verdict():
    recall = np.zeros((2, N_SEEDS, N_MEMORIES))
    recall[0] = 3.0 + WOBBLE
    ds = study_dataset("schedule.offline", ["sleep", "wake"], recall)
    c = Claim(
        name="sleep beats wake",
        variable="recall",
        kind="contrast",
        expect="greater",
        select=dict(SELECT),
        axis="schedule.offline",
        a="sleep",
        b="wake",
        reference="Jenkins & Dallenbach 1924",
    )
    [result] = evaluate_study(ds, [c])["claims"]
    [row] = claim_rows([result])
    study, what, reference, effect, size, seeds, p, verdict = row
    assert study == "synthetic" and what.startswith("sleep beats wake: recall")
    assert reference == "Jenkins & Dallenbach 1924"
    assert effect.startswith("+3.00 Hz [") and verdict == "reproduced"
    assert size == f"d_z +{3 / np.sqrt(2.1):.2f}"
    needed = seeds_for_power(3 / np.sqrt(2.1))
    assert seeds == f"{N_SEEDS}; 80% power: {needed} seeds"
    assert p == f"p {result['p_value']:.3f}, Holm (study of 1) {result['p_value']:.3f}"
    assert claim_rows([]) == []
    # the HTML table: raw and run-adjusted p, and the study's own verdict where it differs
    # two weaker claims, reproduced by their studies alone: p 0.03 and 0.04, sorted after
    # this one's (x 3), become 0.03 x 2 = 0.06 and max(0.06, 0.04 x 1) = 0.06
    weak = [{**result, "name": f"weak {p}", "p_value": p} for p in (0.03, 0.04)]
    run = adjust([result, *weak], "run")
    assert [r["verdict"] for r in run] == ["reproduced", "inconclusive", "inconclusive"]
    html = claims_table(run)
    assert "Holm (run of 3) 0.060" in html and "p 0.030" in html and "p 0.040" in html
    assert html.count("its study alone: reproduced") == 2
    assert "d_z" in html and "80% power" in html


# --- validation before any job runs ------------------------------------------------------


def test_study_variables_are_read_from_the_model_without_running_it():
    variables = study_variables()
    assert variables["recall"] == ("probe", "memory", "hippocampus")
    assert variables["memory_age"] == ("memory",)
    assert variables["replay_count"] == ("memory",)
    assert variables["swr_count"] == ()
    assert "probe" not in variables and "swr_time" not in variables  # coordinates, per-SWR


GOOD = {
    "name": "sleep beats wake",
    "variable": "recall",
    "select": {"hippocampus": "lesioned", "probe": "post"},
    "contrast": {"axis": "schedule.offline", "a": "sleep", "b": "wake"},
    "expect": "greater",
}
BAD = {
    "unknown variable": ({"variable": "recal"}, ["'variable'", "recal"]),
    "unknown axis": (
        {"contrast": {"axis": "sleep.swr_rate", "a": 1, "b": 2}},
        ["'axis'", "sleep.swr_rate"],
    ),
    "unknown contrast value": (
        {"contrast": {"axis": "schedule.offline", "a": "nap", "b": "wake"}},
        ["'a'", "nap", "sleep, wake"],
    ),
    "unknown probe label": (
        {"select": {"hippocampus": "lesioned", "probe": "postt"}},
        ["'select' 'probe'", "postt", "pre, post"],
    ),
    "unknown hippocampus value": (
        {"select": {"hippocampus": "removed"}},
        ["'select' 'hippocampus'", "intact, lesioned"],
    ),
    "dimension the variable lacks": (
        {"variable": "memory_age", "select": {"probe": "post"}},
        ["'select' 'probe'", "memory_age"],
    ),
    "trend on labels": (
        {"contrast": None, "trend": {"axis": "schedule.offline"}, "expect": "increasing"},
        ["'trend' 'axis'", "schedule.offline"],
    ),
    "direction of another kind": ({"expect": "increasing"}, ["'expect'", "greater, less"]),
    "by a per-run variable": (
        {"contrast": {"by": "swr_count", "a": 1, "b": 0}},
        ["'by'", "swr_count", "memory_age"],
    ),
    "both kinds": ({"trend": {"axis": "schedule.offline"}}, ["'contrast' or 'trend'"]),
    "unknown key": ({"expected": "greater"}, ["unknown key", "expected"]),
}


def _bad_claim(change: dict) -> dict:
    bad = copy.deepcopy(GOOD)
    for key, value in change.items():
        if value is None:
            bad.pop(key)
        else:
            bad[key] = value
    return bad


@pytest.mark.parametrize("how", list(BAD))
def test_bad_claims_are_rejected_naming_study_claim_and_key(how, tiny_config):
    change, words = BAD[how]
    config = copy.deepcopy(tiny_config)
    study = config["studies"]["sleep_vs_wake"]
    study["claims"] = [GOOD, _bad_claim(change) | {"name": "bad one"}]
    with pytest.raises(ConfigError) as err:
        load_studies(config)
    message = str(err.value)
    # the schema's shape errors name the claim by position, the claim checks by name
    assert "claim 'bad one'" in message or "'claims' '1'" in message, message
    for word in ["study 'sleep_vs_wake'", *words]:
        assert word in message, f"{how}: {word!r} not in {message!r}"


def test_claims_are_checked_against_this_studys_grid_and_schedule():
    axes = {"sleep.disruption": [0.0, 1.0]}
    cells = [{"sleep.disruption": 0.0, "schedule.phases": [{"phase": "encode"}, {"phase": "test"}]}]
    assert coordinate_labels(cells)["probe"] == ["test1"]
    spec = [{**GOOD, "contrast": {"axis": "sleep.disruption", "a": 0, "b": 1}}]
    with pytest.raises(ClaimError, match="'select' 'probe'.*allowed: test1"):
        parse_claims("s", spec, axes, cells)
    spec[0]["select"] = {"probe": "test1", "hippocampus": "lesioned"}
    [parsed] = parse_claims("s", spec, axes, cells)
    assert parsed.a == 0.0 and parsed.b == 1.0 and parsed.describe().startswith("recall (")
    with pytest.raises(ClaimError, match="'name': used by two claims"):
        parse_claims("s", spec * 2, axes, cells)


def test_a_bad_claim_stops_the_workflow_before_any_job(tiny_config, write_config, tmp_path):
    config = copy.deepcopy(tiny_config)
    config["studies"]["disruption_ach"]["claims"][0]["contrast"]["a"] = 0.5
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(config), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "disruption_ach" in output and "'a'" in output and "0.5" in output
    assert "Job stats" not in output


# --- the default config -------------------------------------------------------------------


def test_every_default_study_has_a_claim_whose_coordinates_exist():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    studies = load_studies(config)  # validates every claim against grid and schedule
    for study in studies.values():
        assert study.claims, f"study {study.name} declares no claim"
        variables = study_variables(study.kind)
        labels = coordinate_labels([c.overrides for c in study.cells], study.kind)
        coords = {**study.axes, **labels}
        for c in study.claims:
            assert c.variable in variables
            dims = [*study.axes, *variables[c.variable]]
            for dim, value in c.select.items():
                values = value if isinstance(value, tuple) else (value,)
                assert dim in dims and set(values) <= set(coords[dim])
            if isinstance(c.a, dict):  # two points of the grid
                for point in (c.a, c.b):
                    assert all(v in coords[d] for d, v in point.items())
            elif c.axis is not None:
                assert c.axis in dims
                if c.kind == "contrast":
                    assert {c.a, c.b} <= set(coords[c.axis])
            elif c.kind in ("level", "match"):  # the variable itself, against a number
                assert (c.than if c.kind == "level" else c.value) is not None
            else:
                assert {"memory", "item"} & set(variables[c.by])  # groups memories or items
