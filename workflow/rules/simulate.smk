rule simulate:
    output:
        "results/{study}/cells/{cell}/seed~{seed}.nc",
    log:
        "results/logs/{study}/simulate/{cell}/seed~{seed}.log",
    benchmark:
        "results/benchmarks/{study}/simulate/{cell}/seed~{seed}.tsv"
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
