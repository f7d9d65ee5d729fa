# Config loading and validation, the grid tables, and every input function of the rules.
import re
from importlib.util import find_spec
from pathlib import Path

from snakemake.exceptions import WorkflowError

from consolidation.grid import (
    CELL_PATTERN,
    FIGURE_KINDS,
    ConfigError,
    cell_file,
    load_studies,
)

# The config's shape (workflow/schemas/config.schema.yaml, filling in its defaults), then every
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
PLOTTING_CODE = find_spec("consolidation.plots").origin
REPORT_CODE = find_spec("consolidation.report").origin
# Claims depend on the code that computes them (edit it: recompute, no re-run).
CLAIMS_CODE = [find_spec(f"consolidation.{m}").origin for m in ("claims", "stats")]
CAPTIONS = {
    kind: str(Path(workflow.basedir) / "report" / f"{kind}.rst")
    for kind in FIGURE_KINDS
}


def study_names(kind):
    """A regex matching the names of the studies of one kind (nothing if there is none)."""
    names = [re.escape(name) for name, study in STUDIES.items() if study.kind == kind]
    return "|".join(names) if names else "(?!)"


# Which rule makes a study's cells (rule simulate or simulate_window).
NETWORK_STUDIES = study_names("network")
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
                "results/benchmarks/{}/simulate/{}/seed~{}.tsv".format(
                    *study.owner(cell.path, seed), seed
                )
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
