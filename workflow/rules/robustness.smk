# The robustness study (snakemake results/robustness.md; not part of the default target or CI):
# every claim re-checked under the variants of config["robustness"] (tms.robustness). A variant's
# runs and claim checks live under results/robustness/<variant>/; the variant "default" is the
# default build (results/claims/).


wildcard_constraints:
    variant=name_regex(STUDY),


rule train_variant:
    """Train one experiment as a study variant trains it (its shards, if any, in one job)."""
    input:
        package_sources("train.py"),
    output:
        weights="results/robustness/{variant}/runs/{experiment}/weights.safetensors",
        meta="results/robustness/{variant}/runs/{experiment}/meta.json",
    log:
        "results/logs/robustness/{variant}/train/{experiment}.log",
    benchmark:
        "results/benchmarks/robustness/{variant}/train/{experiment}.tsv"
    priority: variant_train_priority
    conda:
        CONDA_ENV
    threads: train_threads
    resources:
        mem_mb=2000,
        gpu=0,
    params:
        spec=variant_spec,
        device=config["device"],
    script:
        "../scripts/train.py"


rule train_sae_variant:
    """The sparse autoencoders of config["sae"] on a study variant's source run."""
    input:
        weights=f"results/robustness/{{variant}}/runs/{config['sae']['source']}/weights.safetensors",
        meta=f"results/robustness/{{variant}}/runs/{config['sae']['source']}/meta.json",
        sources=package_sources("train_sae.py"),
    output:
        weights="results/robustness/{variant}/runs/sae_recovery/weights.safetensors",
        meta="results/robustness/{variant}/runs/sae_recovery/meta.json",
    log:
        "results/logs/robustness/{variant}/train/sae_recovery.log",
    benchmark:
        "results/benchmarks/robustness/{variant}/train/sae_recovery.tsv"
    priority: SAE_PRIORITY
    conda:
        CONDA_ENV
    threads: 2
    resources:
        mem_mb=3000,
    params:
        sae=config["sae"],
        seed=lambda wildcards: VARIANTS[wildcards.variant]["seed"],
    script:
        "../scripts/train_sae.py"


rule claims_variant:
    """Check one figure's claims on a study variant's runs."""
    input:
        unpack(variant_claim_inputs),
    output:
        "results/robustness/{variant}/claims/{figure}.json",
    log:
        "results/logs/robustness/{variant}/claims/{figure}.log",
    benchmark:
        "results/benchmarks/robustness/{variant}/claims/{figure}.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
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
