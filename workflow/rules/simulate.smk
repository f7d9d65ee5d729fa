# One job per distinct grid cell and seed. A network study's cells run the network through its
# schedule; an STDP-window study's cells measure one plastic synapse with spike pairs (seconds
# each, so they run on the submitting host). Both write results/<study>/cells/...; the study
# name decides which rule makes a cell. With batch.seeds > 1 in the config, a network study's
# cells are made by the batch rules at the end instead.


rule simulate:
    output:
        "results/{study}/cells/{cell}/seed~{seed}.nc",
    log:
        "results/logs/{study}/simulate/{cell}/seed~{seed}.log",
    benchmark:
        "results/benchmarks/{study}/simulate/{cell}/seed~{seed}.tsv"
    wildcard_constraints:
        study=NETWORK_STUDIES,
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=SIMULATE_RESOURCES["mem_mb"],
        runtime=SIMULATE_RESOURCES["runtime"],
    params:
        overrides=cell_overrides,
    script:
        "../../scripts/simulate.py"


rule simulate_window:
    output:
        "results/{study}/cells/{cell}/seed~{seed}.nc",
    log:
        "results/logs/{study}/simulate/{cell}/seed~{seed}.log",
    benchmark:
        "results/benchmarks/{study}/simulate/{cell}/seed~{seed}.tsv"
    wildcard_constraints:
        study=WINDOW_STUDIES,
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=SIMULATE_RESOURCES["mem_mb"],
        runtime=SIMULATE_RESOURCES["runtime"],
    params:
        overrides=cell_overrides,
    script:
        "../../scripts/simulate.py"


# batch.seeds > 1: one job runs a run of seeds of one grid cell in one process (the network is
# built once; with cpp_standalone only the compiled program re-runs per seed), still writing
# one file per seed. A rule's outputs are fixed patterns, so there is one rule per distinct run
# of seeds (rule simulate_seeds_0_1_2 makes seeds 0, 1 and 2 of a cell), same script.
for batch in SEED_BATCHES.values():

    rule:
        name:
            batch.rule
        output:
            batch.outputs,
        log:
            batch.log,
        benchmark:
            batch.benchmark
        wildcard_constraints:
            study=batch.studies,
        conda:
            ENV
        threads: 1
        resources:
            mem_mb=SIMULATE_RESOURCES["mem_mb"],
            runtime=batch.runtime,
        params:
            overrides=cell_overrides,
            seeds=batch.seeds,
        script:
            "../../scripts/simulate.py"
