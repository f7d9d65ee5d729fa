# Config loading and validation, the grid tables, and every input function of the rules.
import re
from importlib.util import find_spec
from pathlib import Path

from snakemake.exceptions import WorkflowError

from consolidation.studies.grid import (
    CELL_KEY,
    FIGURE_KINDS,
    ConfigError,
    cell_file,
    load_studies,
)
from consolidation.studies.kinds import STUDY_KINDS, largest_load

# The config's shape (the package's config.schema.yaml, filling in its defaults), then every
# grid cell through the model's own parameter validation, when the workflow is loaded, before any
# job runs; each error is one paragraph naming the key (snakemake's own validate() would print the
# whole schema instead).
try:
    STUDIES = load_studies(config)
except ConfigError as err:
    raise WorkflowError(f"Invalid config: {err}") from None

PLOTS = config["plots"]
SIMULATE_RESOURCES = config["resources"]["simulate"]
# Paths are relative to this file and stay inside the repository (the rules' scripts in scripts/,
# the environment at the root), so the workflow also runs as a module from its git repository
# (snakedeploy; docs/workflow.md).
ENV = "../../environment.yml"
# Figures and the report also depend on the code that draws them (edit it: redraw, no re-run).
PRESENT = Path(find_spec("consolidation.present").origin).parent
PLOTTING_CODE = [
    str(PRESENT / f"{m}.py") for m in ("plots", "theme", "window_plot", "wm_plot")
]
REPORT_MODULES = (
    "report",
    "html",
    "inputs",
    "numbers",
    "sections",
    "provenance",
    "claims_plot",
    "robustness",
)
REPORT_CODE = [str(PRESENT / f"{m}.py") for m in REPORT_MODULES] + [
    str(PRESENT / name) for name in ("report.css", "report.js")
]
# Claims depend on the code that computes them (edit it: recompute, no re-run).
CLAIMS_CODE = [
    find_spec(f"consolidation.studies.{m}").origin
    for m in ("claims", "comparisons", "verdicts", "stats")
]
# The figure captions' text, a param of the report (an edited caption re-renders it), read from
# the workflow's source, which is a git repository when the workflow runs as a module.
CAPTIONS = {
    kind: Path(workflow.source_path(f"../report/{kind}.rst")).read_text()
    for kind in FIGURE_KINDS
}


def study_names(kind):
    """A regex matching the names of the studies of one kind (nothing if there is none)."""
    names = [re.escape(name) for name, study in STUDIES.items() if study.kind == kind]
    return "|".join(names) if names else "(?!)"


# The studies whose cells simulate (network studies), simulate_window (STDP-window studies) and
# simulate_working_memory (working-memory studies) make.
NETWORK_STUDIES = study_names("network")
WINDOW_STUDIES = study_names("stdp_window")
WORKING_MEMORY_STUDIES = study_names("working_memory")

# Every distinct simulation of the config: cell key -> its grid cell (overrides) and study kind.
# Studies that share a cell (sleep_vs_wake's sleep cell is disruption's 0.0 cell) share its key,
# so it runs once, whichever study is listed first, and under any study name.
CELLS = {
    cell.key: (study.kind, cell) for study in STUDIES.values() for cell in study.cells
}

# Seed batches (batch.seeds > 1): a network cell's seeds (those of every study asking for it,
# sorted) are cut into runs of consecutive seeds, then into runs of batch.seeds; one
# simulate_batch job per run writes its cell files, then its marker
# results/cells/network/<key>/seeds~<first>-<last>.done, the job's only output (a rule's
# outputs are patterns with the same wildcards, so one rule cannot name a run's seed files).
# A label names every seed of its run, so a config asking for other seeds of a cell makes
# other markers, and their jobs simulate only the seeds that have no file yet.
BATCH_SEEDS = config["batch"]["seeds"]


def seed_runs(seeds, size):
    """Sorted distinct seeds cut into runs of consecutive seeds, each cut into runs of `size`."""
    runs, seeds = [], sorted(set(seeds))
    for seed in seeds:
        if runs and seed == runs[-1][-1] + 1 and len(runs[-1]) < size:
            runs[-1].append(seed)
        else:
            runs.append([seed])
    return runs


def seed_batches(size):
    """Cell key -> batch label "<first>-<last>" -> the seeds that job simulates (network cells
    only, only with size > 1)."""
    if size <= 1:
        return {}
    wanted = {}
    for study in STUDIES.values():
        if study.kind == "network":
            for cell in study.cells:
                wanted.setdefault(cell.key, set()).update(study.seeds)
    return {
        key: {f"{run[0]}-{run[-1]}": run for run in seed_runs(seeds, size)}
        for key, seeds in wanted.items()
    }


SEED_BATCHES = seed_batches(BATCH_SEEDS)
# (cell key, seed) -> the label of the batch that simulates it
BATCH_OF = {
    (key, seed): label
    for key, runs in SEED_BATCHES.items()
    for label, seeds in runs.items()
    for seed in seeds
}


def cell_source(kind, key, seed):
    """The target snakemake makes for the cell file of `seed` of cell `key`: the cell file
    itself (rules simulate, simulate_window, simulate_working_memory), or its batch's marker.
    """
    label = BATCH_OF.get((key, seed))
    if label is None:
        return cell_file(kind, key, seed)
    return f"results/cells/{kind}/{key}/seeds~{label}.done"


def batch_seeds(wildcards):
    """The seeds a simulate_batch job simulates (unknown batch: a KeyError names it)."""
    return SEED_BATCHES[wildcards.cell][wildcards.seeds]


def batch_files(wildcards):
    """The cell files a simulate_batch job writes, one per seed, in the order of its seeds."""
    return [
        cell_file(wildcards.kind, wildcards.cell, seed)
        for seed in batch_seeds(wildcards)
    ]


def batch_runtime(wildcards):
    """The runtime resource is per simulation: a batch runs several."""
    return SIMULATE_RESOURCES["runtime"] * len(batch_seeds(wildcards))


wildcard_constraints:
    study=r"[A-Za-z0-9_-]+",
    kind="|".join(STUDY_KINDS),
    cell=CELL_KEY,
    seed=r"\d+",
    seeds=r"\d+-\d+",


def cell_overrides(wildcards):
    """A cell's parameters that differ from their defaults (one dict however a study spells
    the cell, so its params never change with the study that asks for it)."""
    return CELLS[wildcards.cell][1].settings


def cell_threads(wildcards):
    """A simulate job's cores: the cell's simulation.threads (OpenMP in a compiled program)."""
    return cell_overrides(wildcards).get("simulation.threads", 1)


def study_cells(wildcards):
    """Collect's inputs: each cell file, or the marker of the batch that writes it."""
    study = STUDIES[wildcards.study]
    return list(
        dict.fromkeys(
            cell_source(study.kind, c.key, s) for c in study.cells for s in study.seeds
        )
    )


def study_cell_table(wildcards):
    """Grid values, seed, cell file and what makes it, for each cell of a study in order."""
    study = STUDIES[wildcards.study]
    return [
        {
            "values": c.values,
            "seed": s,
            "file": cell_file(study.kind, c.key, s),
            "made_by": cell_source(study.kind, c.key, s),
        }
        for c in study.cells
        for s in study.seeds
    ]


def study_summary(wildcards):
    return STUDIES[wildcards.study].summary()


def study_claims(wildcards):
    """The study's validated claims, as plain dicts (a change recomputes its claims.json)."""
    return [claim.to_dict() for claim in STUDIES[wildcards.study].claims]


def raster_cell(wildcards):
    """The example cell (first sleeping grid cell, first seed) drawn by the sleep raster."""
    study = STUDIES[wildcards.study]
    return cell_file(study.kind, study.raster_cell().key, study.seeds[0])


def raster_source(wildcards):
    """What makes the sleep raster's cell file (the file, or its batch's marker)."""
    study = STUDIES[wildcards.study]
    return cell_source(study.kind, study.raster_cell().key, study.seeds[0])


def wm_raster_cell(wildcards):
    """The example cell of a working-memory study's raster: the first seed of the first grid
    cell with the most items cued."""
    study = STUDIES[wildcards.study]
    return cell_file(
        study.kind, study.cells[largest_load(study.cells)].key, study.seeds[0]
    )


FIGURE_LABELS = {
    "main_effect": "main effect",
    "per_memory": "per memory",
    "sleep_raster": "sleep raster",
    "weight_change": "weight change",
    "stdp_window": "STDP window",
    "wm_raster": "working-memory raster",
    "wm_capacity": "working-memory capacity",
    "wm_facilitation": "facilitation",
}


def figure_files_of(kind):
    """The outputs of the figure of `kind`: the PNG (in snakemake's report, with its caption
    workflow/report/<kind>.rst) and the SVG."""
    return {
        "png": report(
            f"results/{{study}}/figures/{kind}.png",
            caption=f"../report/{kind}.rst",
            category="{study}",
            labels={"study": "{study}", "figure": FIGURE_LABELS[kind]},
        ),
        "svg": f"results/{{study}}/figures/{kind}.svg",
    }


def figure_files(study, ext="png"):
    return [f"results/{study.name}/figures/{kind}.{ext}" for kind in study.figures]


def all_figures(wildcards=None):
    return [
        f
        for study in STUDIES.values()
        for ext in ("png", "svg")
        for f in figure_files(study, ext)
    ]


def report_inputs(wildcards):
    return {
        "datasets": [f"results/{name}/{name}.nc" for name in STUDIES],
        "figures": [f for study in STUDIES.values() for f in figure_files(study)],
        "benchmarks": list(
            dict.fromkeys(
                simulate_benchmark(study.kind, cell.key, seed)
                for study in STUDIES.values()
                for cell in study.cells
                for seed in study.seeds
            )
        ),
        "claims": [f"results/{name}/claims.json" for name in STUDIES],
        "code": REPORT_CODE,
    }


def simulate_benchmark(kind, key, seed):
    """The benchmark file of the job that simulates `seed` of cell `key`."""
    label = BATCH_OF.get((key, seed))
    name = f"seed~{seed}" if label is None else f"seeds~{label}"
    return f"results/benchmarks/simulate/{kind}/{key}/{name}.tsv"


def report_studies(wildcards):
    """Each study's summary with its declared claims (named in the report if not computed)."""
    return [
        {**study.summary(), "claims": [c.to_dict() for c in study.claims]}
        for study in STUDIES.values()
    ]


def report_configfiles():
    """The config file(s) this run read, as the report's header names them."""
    here = Path.cwd()
    files = [Path(f) for f in workflow.configfiles]
    return [
        str(f.relative_to(here) if f.is_absolute() and f.is_relative_to(here) else f)
        for f in files
    ]


def report_figures(wildcards):
    """Study name -> figure kind -> PNG path, as the report embeds them."""
    return {name: dict(zip(s.figures, figure_files(s))) for name, s in STUDIES.items()}
