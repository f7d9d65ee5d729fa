# Each study's claims computed from its dataset: effect, 95% CI over seeds and verdict.


rule claims:
    input:
        study="results/{study}/{study}.nc",
        code=CLAIMS_CODE,
    output:
        "results/{study}/claims.json",
    log:
        "results/logs/{study}/claims.log",
    benchmark:
        "results/benchmarks/{study}/claims.tsv"
    localrule: True
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        claims=study_claims,
    script:
        "../../scripts/claims.py"
