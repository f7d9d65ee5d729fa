# One job per distinct grid cell and seed. A network study's cells run the network through its
# schedule; an STDP-window study's cells measure one plastic synapse with spike pairs (seconds
# each, so they run on the submitting host). Both write results/<study>/cells/...; the study
# name decides which rule makes a cell.


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
