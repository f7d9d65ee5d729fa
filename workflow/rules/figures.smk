# One rule per figure kind; each draws one study's figure from stored datasets only.


rule main_effect:
    input:
        study="results/{study}/{study}.nc",
        code=PLOTTING_CODE,
    output:
        png=report(
            "results/{study}/figures/main_effect.png",
            caption="../report/main_effect.rst",
            category="{study}",
            labels={"study": "{study}", "figure": "main effect"},
        ),
        svg="results/{study}/figures/main_effect.svg",
    log:
        "results/logs/{study}/figures/main_effect.log",
    benchmark:
        "results/benchmarks/{study}/figures/main_effect.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        plots=PLOTS,
    script:
        "../../scripts/figure.py"


rule per_memory:
    input:
        study="results/{study}/{study}.nc",
        code=PLOTTING_CODE,
    output:
        png=report(
            "results/{study}/figures/per_memory.png",
            caption="../report/per_memory.rst",
            category="{study}",
            labels={"study": "{study}", "figure": "per memory"},
        ),
        svg="results/{study}/figures/per_memory.svg",
    log:
        "results/logs/{study}/figures/per_memory.log",
    benchmark:
        "results/benchmarks/{study}/figures/per_memory.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        plots=PLOTS,
    script:
        "../../scripts/figure.py"


rule sleep_raster:
    input:
        cell=raster_cell,
        code=PLOTTING_CODE,
    output:
        png=report(
            "results/{study}/figures/sleep_raster.png",
            caption="../report/sleep_raster.rst",
            category="{study}",
            labels={"study": "{study}", "figure": "sleep raster"},
        ),
        svg="results/{study}/figures/sleep_raster.svg",
    log:
        "results/logs/{study}/figures/sleep_raster.log",
    benchmark:
        "results/benchmarks/{study}/figures/sleep_raster.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        plots=PLOTS,
    script:
        "../../scripts/figure.py"


rule weight_change:
    input:
        study="results/{study}/{study}.nc",
        code=PLOTTING_CODE,
    output:
        png=report(
            "results/{study}/figures/weight_change.png",
            caption="../report/weight_change.rst",
            category="{study}",
            labels={"study": "{study}", "figure": "weight change"},
        ),
        svg="results/{study}/figures/weight_change.svg",
    log:
        "results/logs/{study}/figures/weight_change.log",
    benchmark:
        "results/benchmarks/{study}/figures/weight_change.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        plots=PLOTS,
    script:
        "../../scripts/figure.py"


rule stdp_window:
    input:
        study="results/{study}/{study}.nc",
        code=PLOTTING_CODE,
    output:
        png=report(
            "results/{study}/figures/stdp_window.png",
            caption="../report/stdp_window.rst",
            category="{study}",
            labels={"study": "{study}", "figure": "STDP window"},
        ),
        svg="results/{study}/figures/stdp_window.svg",
    log:
        "results/logs/{study}/figures/stdp_window.log",
    benchmark:
        "results/benchmarks/{study}/figures/stdp_window.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        plots=PLOTS,
    script:
        "../../scripts/figure.py"


rule figures:
    input:
        all_figures,
    localrule: True
