rule collect:
    input:
        study_cells,
    output:
        dataset="results/{study}/{study}.nc",
        index="results/{study}/cells.tsv",
    log:
        "results/logs/{study}/collect.log",
    benchmark:
        "results/benchmarks/{study}/collect.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        study=study_summary,
        cells=study_cell_table,
    script:
        "../../scripts/collect.py"
