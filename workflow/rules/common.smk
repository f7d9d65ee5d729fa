# Config loading and validation, the grid tables, and every input function of the rules.
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


# Every distinct simulation of the config: cell key -> its grid cell (overrides) and study kind.
# Studies that share a cell (sleep_vs_wake's sleep cell is disruption's 0.0 cell) share its key,
# so it runs once, whichever study is listed first, and under any study name.
CELLS = {
    cell.key: (study.kind, cell) for study in STUDIES.values() for cell in study.cells
}


wildcard_constraints:
    study=r"[A-Za-z0-9_-]+",
    kind="|".join(STUDY_KINDS),
    cell=CELL_KEY,
    seed=r"\d+",
    seeds=r"\d+-\d+|\d+(?:_\d+)+",
    batch=r"[0-9a-f]{16}",


def cell_overrides(wildcards):
    """A cell's parameters that differ from their defaults (one dict however a study spells
    the cell, so its params never change with the study that asks for it)."""
    return CELLS[wildcards.cell][1].settings


def cell_threads(wildcards):
    """A simulate job's cores: the cell's simulation.threads (OpenMP in a compiled program)."""
    return cell_overrides(wildcards).get("simulation.threads", 1)


def study_cells(wildcards):
    """Collect's inputs: each cell file, or the summaries file of the batch that makes it."""
    study = STUDIES[wildcards.study]
    return list(
        dict.fromkeys(
            summary_source(study.kind, c.key, s)
            for c in study.cells
            for s in study.seeds
        )
    )


def study_cell_table(wildcards):
    """Grid values, seed, cell file, cell key, what makes the file and what collect reads
    (the file, or its batch's summaries), for each cell of a study in order."""
    study = STUDIES[wildcards.study]
    return [
        {
            "values": c.values,
            "seed": s,
            "file": cell_file(study.kind, c.key, s),
            "cell": c.key,
            "made_by": cell_source(study.kind, c.key, s),
            "read_from": summary_source(study.kind, c.key, s),
        }
        for c in study.cells
        for s in study.seeds
    ]


def study_summary(wildcards):
    return STUDIES[wildcards.study].summary()


def study_claims(wildcards):
    """The study's validated claims, as plain dicts (a change recomputes its claims.json)."""
    return [claim.to_dict() for claim in STUDIES[wildcards.study].claims]


def example_cell(wildcards):
    """The cell a raster draws: kind, key and seed. The first seed of the first sleeping grid
    cell (sleep raster), or of the first grid cell with the most items cued (working memory).
    """
    study = STUDIES[wildcards.study]
    if study.kind == "working_memory":
        cell = study.cells[largest_load(study.cells)]
    else:
        cell = study.raster_cell()
    return study.kind, cell.key, study.seeds[0]


def raster_cell(wildcards):
    return cell_file(*example_cell(wildcards))


def raster_source(wildcards):
    """What makes the raster's cell file (the file, or its batch's marker)."""
    return cell_source(*example_cell(wildcards))


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
