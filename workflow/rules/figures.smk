# One rule per figure kind, named after it; each draws one study's figure from stored datasets
# only. main_effect is the rule the others are derived from (`use rule ... with:` resets
# localrule, so each derived rule sets it again).


rule main_effect:
    input:
        study="results/{study}/{study}.nc",
        code=PLOTTING_CODE,
    output:
        **figure_files_of("main_effect"),
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
        kind="main_effect",
    script:
        "../../scripts/figure.py"


use rule main_effect as per_memory with:
    output:
        **figure_files_of("per_memory"),
    log:
        "results/logs/{study}/figures/per_memory.log",
    benchmark:
        "results/benchmarks/{study}/figures/per_memory.tsv"
    localrule: True
    params:
        kind="per_memory",


use rule main_effect as weight_change with:
    output:
        **figure_files_of("weight_change"),
    log:
        "results/logs/{study}/figures/weight_change.log",
    benchmark:
        "results/benchmarks/{study}/figures/weight_change.tsv"
    localrule: True
    params:
        kind="weight_change",


use rule main_effect as stdp_window with:
    output:
        **figure_files_of("stdp_window"),
    log:
        "results/logs/{study}/figures/stdp_window.log",
    benchmark:
        "results/benchmarks/{study}/figures/stdp_window.tsv"
    localrule: True
    params:
        kind="stdp_window",


use rule main_effect as wm_capacity with:
    output:
        **figure_files_of("wm_capacity"),
    log:
        "results/logs/{study}/figures/wm_capacity.log",
    benchmark:
        "results/benchmarks/{study}/figures/wm_capacity.tsv"
    localrule: True
    params:
        kind="wm_capacity",


use rule main_effect as wm_facilitation with:
    output:
        **figure_files_of("wm_facilitation"),
    log:
        "results/logs/{study}/figures/wm_facilitation.log",
    benchmark:
        "results/benchmarks/{study}/figures/wm_facilitation.tsv"
    localrule: True
    params:
        kind="wm_facilitation",


# The sleep raster draws one cell file (first sleeping grid cell, first seed), not the dataset.
use rule main_effect as sleep_raster with:
    input:
        cell=raster_source,
        code=PLOTTING_CODE,
    output:
        **figure_files_of("sleep_raster"),
    log:
        "results/logs/{study}/figures/sleep_raster.log",
    benchmark:
        "results/benchmarks/{study}/figures/sleep_raster.tsv"
    localrule: True
    params:
        kind="sleep_raster",
        cell=raster_cell,


# The working-memory raster draws one cell file (the first seed of the cell with the largest
# load).
use rule main_effect as wm_raster with:
    input:
        cell=raster_source,
        code=PLOTTING_CODE,
    output:
        **figure_files_of("wm_raster"),
    log:
        "results/logs/{study}/figures/wm_raster.log",
    benchmark:
        "results/benchmarks/{study}/figures/wm_raster.tsv"
    localrule: True
    params:
        kind="wm_raster",
        cell=raster_cell,


rule figures:
    input:
        all_figures,
    localrule: True
