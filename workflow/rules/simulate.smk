# One job per distinct simulation: cell key and seed. A network cell runs the network through
# its schedule (rule simulate); an STDP-window cell measures one plastic synapse with spike pairs
# (rule simulate_window: seconds each, so on the submitting host); a working-memory cell runs the
# working-memory network through its protocol (rule simulate_working_memory: 2000 cells for
# about 5 s simulated, a job of its own). Each writes results/cells/<kind>/<key>/seed~<n>.nc,
# where <key> hashes the cell's kind and full parameters (consolidation.studies.grid.cell_key):
# a cell is its parameters, whichever studies ask for it and under whatever names.


rule simulate:
    output:
        "results/cells/{kind}/{cell}/seed~{seed}.nc",
    log:
        "results/logs/simulate/{kind}/{cell}/seed~{seed}.log",
    benchmark:
        "results/benchmarks/simulate/{kind}/{cell}/seed~{seed}.tsv"
    wildcard_constraints:
        kind="network",
    conda:
        ENV
    threads: cell_threads
    resources:
        mem_mb=SIMULATE_RESOURCES["mem_mb"],
        runtime=SIMULATE_RESOURCES["runtime"],
        cpus_per_task=cell_threads,
    params:
        overrides=cell_overrides,
        kind="network",
    script:
        "../../scripts/simulate.py"


use rule simulate as simulate_window with:
    wildcard_constraints:
        kind="stdp_window",
    localrule: True
    params:
        kind="stdp_window",


use rule simulate as simulate_working_memory with:
    wildcard_constraints:
        kind="working_memory",
    params:
        kind="working_memory",


# batch.seeds > 1: one job runs a run of seeds of one network cell in one process (the network
# is built once; with cpp_standalone only the compiled program re-runs per seed). It writes each
# seed's cell file as soon as that seed is done, skips seeds whose file is already there and was
# made with the cell's parameters, and then writes its seeds' summaries (what collect reads) and
# its marker, the outputs snakemake tracks (a rule's outputs share its wildcards, so it cannot
# name each seed's file): a failed or killed batch keeps its finished seeds, and its next run
# simulates only the others.
# seeds~0-2 is the run of seeds 0, 1 and 2.
use rule simulate as simulate_batch with:
    output:
        marker="results/cells/{kind}/{cell}/seeds~{seeds}.done",
        summaries="results/cells/{kind}/{cell}/seeds~{seeds}.summaries.nc",
    log:
        "results/logs/simulate/{kind}/{cell}/seeds~{seeds}.log",
    benchmark:
        "results/benchmarks/simulate/{kind}/{cell}/seeds~{seeds}.tsv"
    resources:
        mem_mb=SIMULATE_RESOURCES["mem_mb"],
        runtime=batch_runtime,
        cpus_per_task=cell_threads,
    params:
        seeds=batch_seeds,
        files=batch_files,


# batch.minutes: one job runs network (or working-memory) cells with no file yet, of several
# grid cells and seeds, about batch.minutes of them by the cost measured in earlier runs
# (workflow/rules/batches.smk).
# Its marker lists each unit's file and wall time, from which later runs size their jobs.
use rule simulate as simulate_cells with:
    output:
        marker="results/cells/{kind}/batch~{batch}.done",
        summaries="results/cells/{kind}/batch~{batch}.summaries.nc",
    log:
        "results/logs/simulate/{kind}/batch~{batch}.log",
    benchmark:
        "results/benchmarks/simulate/{kind}/batch~{batch}.tsv"
    wildcard_constraints:
        kind="|".join(BATCHED_KINDS),
    threads: cells_threads
    resources:
        mem_mb=SIMULATE_RESOURCES["mem_mb"],
        runtime=cells_runtime,
        cpus_per_task=cells_threads,
    params:
        overrides=None,
        kind=lambda wildcards: wildcards.kind,
        units=batch_units,
