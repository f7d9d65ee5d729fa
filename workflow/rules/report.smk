# The summary page results/report.html, from stored datasets, figures and claims only (never
# simulates). For a partial results folder: consolidation-report results (docs/workflow.md).


rule report:
    input:
        unpack(report_inputs),
    output:
        "results/report.html",
    log:
        "results/logs/report.log",
    benchmark:
        "results/benchmarks/report.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        studies=report_studies,
        figures=report_figures,
        captions=CAPTIONS,
        config=config,
        configfiles=report_configfiles(),
    script:
        "../../scripts/report.py"
