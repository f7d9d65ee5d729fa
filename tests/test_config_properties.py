"""Malformed configs, generated: each is rejected before any job runs, naming the key.

The checks are the ones the workflow runs when it loads (workflow/rules/common.smk): snakemake's
``validate`` against the packaged ``config.schema.yaml``, then
:func:`consolidation.studies.grid.load_studies` (which checks the schema again, numbers for NaN and
infinity, and every grid cell). ``load_studies`` must raise :class:`ConfigError` with one short
paragraph that names the key; the pair must never let a malformed config through. A few cases go
through a real ``snakemake -n``.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TINY, run_snakemake
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from consolidation.studies.config import SCHEMA
from consolidation.studies.grid import MAX_JOBS, ConfigError, load_studies

BASE = yaml.safe_load(TINY.read_text())
STUDY = "sleep_vs_wake"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- what a malformed config looks like: (path to set, value, word the message must name) ----

NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
TEXT = st.text(min_size=1, max_size=12)
SHELL = list("/\\;|&$`<>*?()'\"! \n\t~") + ["..", "$(id)", "`id`"]


def _paths_and_bad_values():
    """Known keys with values of the wrong type or out of range."""
    s = ("studies", STUDY)
    cases = [
        (s + ("seeds",), st.one_of(TEXT, st.integers(max_value=0), st.just([]), st.just([1, 1]))),
        (s + ("seeds",), st.integers(min_value=MAX_JOBS + 1, max_value=10**30)),
        (s + ("seeds",), st.lists(st.integers(max_value=-1), min_size=1, max_size=3)),
        (s + ("seeds",), st.just([2**32 + 5])),
        (s + ("description",), st.one_of(st.integers(), st.lists(TEXT, max_size=2))),
        (s + ("grid",), st.one_of(st.just({}), st.just([]), TEXT, st.integers())),
        (s + ("figures",), st.one_of(TEXT, st.lists(TEXT, min_size=1, max_size=3))),
        (s + ("fixed",), st.one_of(st.integers(), TEXT, st.lists(st.integers(), max_size=2))),
        (("plots", "dpi"), st.one_of(TEXT, st.integers(max_value=29), st.integers(min_value=601))),
        (("plots", "font_scale"), st.one_of(st.floats(max_value=0), NON_FINITE, TEXT)),
        (("plots", "context"), TEXT.filter(lambda t: t not in {"paper", "notebook", "talk"})),
        (("resources", "simulate", "mem_mb"), st.one_of(st.integers(max_value=99), TEXT)),
        (("resources", "simulate", "runtime"), st.one_of(st.integers(max_value=0), NON_FINITE)),
        (("batch", "seeds"), st.one_of(st.integers(max_value=0), st.integers(min_value=1001))),
        (("batch", "seeds"), st.one_of(TEXT, st.floats(min_value=1.5, max_value=9.5), NON_FINITE)),
        (("only",), st.one_of(TEXT, st.lists(st.integers(), min_size=1, max_size=2))),
        (("only",), st.just(["no_such_study"])),
    ]
    return st.one_of(
        *(st.tuples(st.just(path), values, st.just(path[-1])) for path, values in cases)
    )


def _bad_parameter_values():
    """Grid values and fixed overrides of the model that are out of range, non-finite, mistyped."""
    bad = {
        "sleep.disruption": st.one_of(
            st.floats(min_value=1.0001, max_value=1e300), st.floats(max_value=-1e-6), NON_FINITE
        ),
        "network.scale": st.one_of(st.floats(max_value=0), NON_FINITE, st.just("big")),
        "memory.count": st.one_of(st.floats(min_value=1.1, max_value=1.9), st.just(True)),
        "sleep.duration": st.one_of(st.just(10**400), st.just("1e999 s"), st.just("3 mV")),
        "schedule.offline": TEXT.filter(lambda t: t not in {"sleep", "wake"}),
    }
    where = st.sampled_from(["grid", "fixed", "shared"])
    return st.tuples(st.sampled_from(sorted(bad)), where).flatmap(
        lambda kw: st.tuples(st.just(kw[0]), st.just(kw[1]), bad[kw[0]])
    )


def _apply(config: dict, path: tuple, value) -> None:
    node = config
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _assert_rejected_naming(config: dict, word: str) -> str:
    """Both checks reject it; load_studies says so in one paragraph naming ``word``."""
    with pytest.raises(ConfigError) as info:
        load_studies(copy.deepcopy(config))
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message, message
    assert len(message) < 700, message
    assert word in message, f"{word!r} not named in: {message}"
    # the workflow's own pair (snakemake's schema check, then load_studies) rejects it too
    with pytest.raises((WorkflowError, ConfigError)):
        snakefile_config = copy.deepcopy(config)
        validate(snakefile_config, str(SCHEMA))
        load_studies(snakefile_config)
    return message


@SETTINGS
@given(_paths_and_bad_values())
def test_wrong_types_and_out_of_range_values_are_rejected_naming_the_key(case):
    path, value, word = case
    config = copy.deepcopy(BASE)
    _apply(config, path, value)
    _assert_rejected_naming(config, word)


@SETTINGS
@given(_bad_parameter_values())
def test_bad_parameter_values_are_rejected_naming_the_parameter(case):
    name, where, value = case
    config = copy.deepcopy(BASE)
    if where == "grid":
        config["studies"][STUDY]["grid"][name] = [value]
    elif where == "fixed":
        config["studies"][STUDY]["fixed"] = {name: value}
    else:
        config["fixed"][name] = value
    if name == "schedule.offline" and where != "grid":
        config["studies"][STUDY]["grid"] = {"sleep.disruption": [0.0]}
        config["studies"][STUDY]["figures"] = ["main_effect"]
    _assert_rejected_naming(config, name)


LEVELS = {
    (): {"fixed", "only", "studies", "plots", "resources", "batch"},
    ("studies", STUDY): {"description", "kind", "fixed", "grid", "seeds", "figures"},
    ("plots",): {"dpi", "context", "style", "palette", "font_scale"},
    ("resources",): {"simulate"},
    ("resources", "simulate"): {"mem_mb", "runtime"},
    ("batch",): {"seeds"},
}


@SETTINGS
@given(
    st.sampled_from(sorted(LEVELS)),
    st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
    st.one_of(st.integers(), TEXT, st.none()),
)
def test_unknown_keys_are_rejected_naming_them(level, key, value):
    if key in LEVELS[level]:
        return
    config = copy.deepcopy(BASE)
    _apply(config, (*level, key), value)
    _assert_rejected_naming(config, key)


@SETTINGS
@given(
    st.sampled_from(["empty axis", "empty grid", "duplicates", "huge grid", "unknown parameter"]),
    st.integers(min_value=0, max_value=3),
)
def test_empty_duplicate_huge_and_unknown_grids_are_rejected(how, k):
    config = copy.deepcopy(BASE)
    grid = config["studies"]["disruption_ach"]["grid"]
    word = "sleep.disruption"
    if how == "empty axis":
        grid["sleep.disruption"] = []
    elif how == "empty grid":
        config["studies"]["disruption_ach"]["grid"], word = {}, "grid"
    elif how == "duplicates":
        same = [[0.5, 0.5], [0.5, 0.50000], [1, 1.0], [0, 0.0]][k]
        grid["sleep.disruption"] = same
    elif how == "huge grid":
        grid["sleep.disruption"] = [i / 10**6 for i in range(200 * (k + 1))]
        grid["sleep.swr_rate"] = [0.1 * (i + 1) for i in range(200)]
        word = "grid"
    else:
        grid[f"sleep.disrupshun{k}"] = [0.0]
        word = f"sleep.disrupshun{k}"
    _assert_rejected_naming(config, word)


UNSAFE_NAMES = st.one_of(
    st.tuples(st.text(max_size=8), st.sampled_from(SHELL), st.text(max_size=8)).map("".join),
    st.sampled_from(["", ".", "..", "../results", "/tmp/x", "-rf", "_x", "logs", "a" * 65]),
)


@SETTINGS
@given(UNSAFE_NAMES)
def test_study_names_with_separators_or_shell_characters_are_rejected(name):
    config = copy.deepcopy(BASE)
    config["studies"] = {name: config["studies"][STUDY]}
    _assert_rejected_naming(config, repr(name)[1:-1][:20])


@SETTINGS
@given(st.text(min_size=1, max_size=70))
def test_an_accepted_study_name_never_writes_outside_results(name):
    config = copy.deepcopy(BASE)
    config["studies"] = {name: config["studies"][STUDY]}
    try:
        studies = load_studies(config)
    except ConfigError:
        return
    root = Path("/work/results")
    for study in studies.values():
        resolved = Path(f"{root}/{study.name}/{study.name}.nc").resolve()
        assert resolved.is_relative_to(root / study.name)
        assert "/" not in study.name and study.name not in {".", ".."}
        for path in study.cell_files(str(root)):
            assert Path(path).resolve().is_relative_to(root / "cells"), path


def test_the_tiny_and_default_configs_still_pass():
    load_studies(copy.deepcopy(BASE))
    load_studies(yaml.safe_load((REPO / "config" / "config.yaml").read_text()))


# --- through a real snakemake dry run --------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "word"),
    [("study name", "../escape"), ("non-finite", "font_scale"), ("huge grid", "grid")],
)
def test_snakemake_dry_run_rejects_before_any_job(how, word, write_config, tmp_path):
    config = copy.deepcopy(BASE)
    if how == "study name":
        config["studies"] = {"../escape": config["studies"][STUDY]}
    elif how == "non-finite":
        config["plots"]["font_scale"] = math.nan
    else:
        config["studies"][STUDY]["grid"]["sleep.disruption"] = [i / 1000 for i in range(1000)]
        config["studies"][STUDY]["seeds"] = 30
    configfile = write_config(config)
    proc = run_snakemake(tmp_path, "-n", configfile=configfile, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert word in output, output
    assert "Traceback" not in output, output
    assert "Job stats" not in output
    assert not (tmp_path / "results").exists() and not (tmp_path.parent / "escape").exists()
