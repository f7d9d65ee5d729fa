# Config loading and validation, the grid tables, and every input function of the rules.
import re
from importlib.util import find_spec
from pathlib import Path

from snakemake.exceptions import WorkflowError

from consolidation.studies.grid import (
    CELL_PATTERN,
    FIGURE_KINDS,
    ConfigError,
    cell_file,
    load_studies,
)

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
ENV = "../../environment.yml"
# Figures and the report also depend on the code that draws them (edit it: redraw, no re-run).
PRESENT = Path(find_spec("consolidation.present").origin).parent
PLOTTING_CODE = [str(PRESENT / f"{m}.py") for m in ("plots", "theme", "window_plot")]
REPORT_MODULES = ("report", "html", "inputs", "numbers", "sections", "provenance")
REPORT_CODE = [str(PRESENT / f"{m}.py") for m in REPORT_MODULES] + [
    str(PRESENT / name) for name in ("report.css", "report.js")
]
# Claims depend on the code that computes them (edit it: recompute, no re-run).
CLAIMS_CODE = [
    find_spec(f"consolidation.studies.{m}").origin
    for m in ("claims", "comparisons", "verdicts", "stats")
]
CAPTIONS = {
    kind: str(Path(workflow.basedir) / "report" / f"{kind}.rst")
    for kind in FIGURE_KINDS
}


def study_names(kind):
    """A regex matching the names of the studies of one kind (nothing if there is none)."""
    names = [re.escape(name) for name, study in STUDIES.items() if study.kind == kind]
    return "|".join(names) if names else "(?!)"


class SeedBatch:
    """One run of seeds that one job simulates for a grid cell of the studies that have it."""

    def __init__(self, seeds, studies):
        self.seeds = list(seeds)
        self.names = list(studies)
        self.studies = "|".join(re.escape(name) for name in studies)
        # rule names are identifiers; the file label is the seeds as a grid value writes them
        self.rule = "simulate_seeds_" + "_".join(map(str, self.seeds))
        self.label = "seeds~" + ",".join(map(str, self.seeds))
        self.outputs = [
            f"results/{{study}}/cells/{{cell}}/seed~{seed}.nc" for seed in self.seeds
        ]
        self.log = f"results/logs/{{study}}/simulate/{{cell}}/{self.label}.log"
        self.benchmark = (
            f"results/benchmarks/{{study}}/simulate/{{cell}}/{self.label}.tsv"
        )
        # the runtime resource is per simulation: a batch runs several
        self.runtime = SIMULATE_RESOURCES["runtime"] * len(self.seeds)


def seed_batches(size):
    """Each network study's seeds cut, in order, into runs of `size`; one rule per distinct run.

    A rule's outputs are fixed patterns, so the seeds of a batch are written into its rule;
    each study uses exactly the runs of its own seeds, so a cell file has one rule that makes
    it. (A cell shared with another study for some seeds only, when the two list different
    seeds, re-runs those seeds in its batch; the other study's copy is the one read.)
    """
    if size <= 1:
        return {}
    runs = {}
    for study in STUDIES.values():
        if study.kind == "network":
            for k in range(0, len(study.seeds), size):
                runs.setdefault(tuple(study.seeds[k : k + size]), []).append(study.name)
    return {run: SeedBatch(run, names) for run, names in runs.items()}


BATCH_SEEDS = config["batch"]["seeds"]
SEED_BATCHES = seed_batches(BATCH_SEEDS)


def batch_of(study, seed):
    """The batch whose job simulates `seed` for a grid cell of `study` (None: one per seed)."""
    for run, batch in SEED_BATCHES.items():
        if seed in run and study in batch.names:
            return batch
    return None


# Which rule makes a study's cells (rule simulate, a simulate_seeds_* batch rule, or
# simulate_window).
NETWORK_STUDIES = study_names("network") if not SEED_BATCHES else "(?!)"
WINDOW_STUDIES = study_names("stdp_window")


wildcard_constraints:
    study=r"[A-Za-z0-9_-]+",
    cell=CELL_PATTERN,
    seed=r"\d+",


def cell_overrides(wildcards):
    """Every parameter override of one grid cell (shared + study fixed + grid values)."""
    return STUDIES[wildcards.study].cell(wildcards.cell).overrides


def study_cells(wildcards):
    return STUDIES[wildcards.study].cell_files()


def study_cell_table(wildcards):
    """Grid values and seed of each input of collect, in the same order."""
    study = STUDIES[wildcards.study]
    return [
        {"values": c.values, "seed": s, "simulated_by": study.owner(c.path, s)[0]}
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
    seed = study.seeds[0]
    return cell_file(*study.owner(study.raster_cell().path, seed), seed)


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
                simulate_benchmark(*study.owner(cell.path, seed), seed)
                for study in STUDIES.values()
                for cell in study.cells
                for seed in study.seeds
            )
        ),
        "claims": [f"results/{name}/claims.json" for name in STUDIES],
        "code": REPORT_CODE,
    }


def simulate_benchmark(study, cell, seed):
    """The benchmark file of the job that simulates `seed` of a grid cell of `study`."""
    batch = batch_of(study, seed)
    label = batch.label if batch else f"seed~{seed}"
    return f"results/benchmarks/{study}/simulate/{cell}/{label}.tsv"


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
