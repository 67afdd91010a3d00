# The robustness study (snakemake results/robustness.md; not part of the default target or CI):
# every claim re-checked under the variants of config["robustness"] (tms.robustness). A variant's
# runs (trained by the rules of train.smk, tms.jobs) and claim checks live under
# results/robustness/<variant>/; the variant "default" is the default build (results/claims/).


wildcard_constraints:
    variant=name_regex(STUDY),


rule claims_variant:
    """Check one figure's claims on a study variant's runs (or take them from the committed record
    when it checked exactly these runs: params.reused)."""
    input:
        unpack(variant_claim_inputs),
    output:
        "results/robustness/{variant}/claims/{figure}.json",
    log:
        "results/logs/robustness/{variant}/claims/{figure}.log",
    benchmark:
        "results/benchmarks/robustness/{variant}/claims/{figure}.tsv"
    # As soon as a figure's runs are in: a study cut off keeps every check it could make (tms carry).
    priority: 100
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        reused=reused_checks,
    script:
        "../scripts/claims.py"


rule robustness:
    """The study's table (JSON, Markdown) and its figure: every claim under every variant."""
    input:
        unpack(study_inputs),
    output:
        json="results/robustness.json",
        md="results/robustness.md",
        figure="figures/replication_robustness.pdf",
    log:
        "results/logs/robustness.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/robustness.py"
