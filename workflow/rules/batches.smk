# Which job makes each network cell file: its own simulate job, a seed batch (batch.seeds) or a
# job sized in minutes (batch.minutes), and the input functions of the batch rules.
import math

from consolidation.studies.batches import (
    BATCHED_KINDS,
    MARKER,
    Unit,
    label,
    plan_batches,
)

BATCH = config["batch"]

# Seed batches (batch.seeds > 1, no batch.minutes): a network cell's seeds (those of every study
# asking for it, sorted) are cut into runs of batch.seeds; one simulate_batch job per run writes
# its cell files, then its marker results/cells/network/<key>/seeds~<label>.done, the job's
# only output (a rule's outputs are patterns with the same wildcards, so one rule cannot name a
# run's seed files). A label names every seed of its run, so a config asking for other seeds
# of a cell makes other markers, and their jobs simulate only the seeds that have no file yet.


def seed_runs(seeds, size):
    """Sorted distinct seeds cut into runs of `size`."""
    seeds = sorted(set(seeds))
    return [seeds[k : k + size] for k in range(0, len(seeds), size)]


def run_label(run):
    """A run's name: "<first>-<last>" for consecutive seeds, else the seeds joined by "_"."""
    if run[-1] - run[0] == len(run) - 1:
        return f"{run[0]}-{run[-1]}"
    return "_".join(map(str, run))


def units(kinds):
    """Every distinct cell and seed of the studies of these kinds, in config order."""
    return dict.fromkeys(
        Unit(study.kind, cell.key, seed, cell.settings.get("simulation.threads", 1))
        for study in STUDIES.values()
        if study.kind in kinds
        for cell in study.cells
        for seed in study.seeds
    )


def seed_batches(size):
    """Cell key -> run label (run_label) -> the seeds that job simulates."""
    if size <= 1 or BATCH.get("minutes"):
        return {}
    wanted = {}
    for unit in units(["network"]):
        wanted.setdefault(unit.key, []).append(unit.seed)
    return {
        key: {run_label(run): run for run in seed_runs(seeds, size)}
        for key, seeds in wanted.items()
    }


# Jobs sized in minutes (batch.minutes): the network and working-memory cells, packed in config
# order into jobs of about batch.minutes at the stated batch.cell_seconds each
# (consolidation.studies.batches); each job's marker is results/cells/<kind>/batch~<hash>.done.
# The plan depends on the config alone, so a job planned here is the same job when snakemake
# plans it again in a cluster job, while other jobs finish; like a seed batch, a job skips
# the cells whose file is there.
def minute_batches(minutes):
    """Marker -> the params of its simulate_cells job: per unit its cell, seed, file and
    parameters."""
    if not minutes:
        return {}
    cost = BATCH["cell_seconds"]
    jobs = plan_batches(units(BATCHED_KINDS), lambda unit: cost, 60 * minutes)
    return {
        f"results/cells/{job[0].kind}/"
        + MARKER.format(label=label(job)): [
            {
                "cell": u.key,
                "seed": u.seed,
                "file": cell_file(u.kind, u.key, u.seed),
                "overrides": CELLS[u.key][1].settings,
            }
            for u in job
        ]
        for job in jobs
    }


SEED_BATCHES = seed_batches(BATCH["seeds"])
BATCH_UNITS = minute_batches(BATCH.get("minutes"))
# (cell key, seed) -> the marker of the job that makes it; a cell with none is made by its own
# job (simulate, simulate_window, simulate_working_memory)
BATCH_OF = {
    (key, seed): f"results/cells/network/{key}/seeds~{run}.done"
    for key, runs in SEED_BATCHES.items()
    for run, seeds in runs.items()
    for seed in seeds
} | {(u["cell"], u["seed"]): marker for marker, job in BATCH_UNITS.items() for u in job}


def cell_source(kind, key, seed):
    """The target snakemake makes for the cell file of `seed` of cell `key`: the cell file
    itself (rules simulate, simulate_window, simulate_working_memory), or its batch's marker.
    """
    return BATCH_OF.get((key, seed), cell_file(kind, key, seed))


def summary_source(kind, key, seed):
    """What collect reads for `seed` of cell `key`: its batch's summaries file, or the cell
    file itself."""
    marker = BATCH_OF.get((key, seed))
    return cell_file(kind, key, seed) if marker is None else summaries_of(marker)


def summaries_of(marker):
    return marker.removesuffix(".done") + ".summaries.nc"


def simulate_benchmark(kind, key, seed):
    """The benchmark file of the job that makes `seed` of cell `key`."""
    marker = BATCH_OF.get((key, seed))
    if marker is None:
        return f"results/benchmarks/simulate/{kind}/{key}/seed~{seed}.tsv"
    tsv = marker.removesuffix(".done") + ".tsv"
    return tsv.replace("results/cells/", "results/benchmarks/simulate/", 1)


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


def batch_units(wildcards):
    """What a simulate_cells job simulates: each unit's cell, seed, file and parameters."""
    return BATCH_UNITS[f"results/cells/{wildcards.kind}/batch~{wildcards.batch}.done"]


def cells_threads(wildcards):
    return batch_units(wildcards)[0]["overrides"].get("simulation.threads", 1)


def cells_runtime(wildcards):
    """Twice the job's stated minutes, plus one simulation's runtime for a compile."""
    minutes = len(batch_units(wildcards)) * BATCH["cell_seconds"] / 60
    return SIMULATE_RESOURCES["runtime"] + math.ceil(2 * minutes)
