# The robustness study (snakemake results/robustness.md; not part of the default target or CI):
# every claim re-checked under the variants of config["robustness"] (tms.robustness). A variant's
# runs and claim checks live under results/robustness/<variant>/; the variant "default" is the
# default build (results/claims/).


wildcard_constraints:
    variant=name_regex(STUDY),


rule train_variant:
    """Train one experiment as a study variant trains it."""
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
    threads: variant_train_threads
    resources:
        mem_mb=2000,
        gpu=0,
    params:
        spec=variant_spec,
        device=config["device"],
    script:
        "../scripts/train.py"


rule train_variant_shard:
    """Train shard {shard} of an experiment that a study variant shards (config/paper.yaml's grids)."""
    input:
        package_sources("train.py"),
    output:
        weights="results/robustness/{variant}/shards/{experiment}/{shard}/weights.safetensors",
        meta="results/robustness/{variant}/shards/{experiment}/{shard}/meta.json",
    log:
        "results/logs/robustness/{variant}/train/{experiment}.{shard}.log",
    benchmark:
        "results/benchmarks/robustness/{variant}/train/{experiment}.{shard}.tsv"
    wildcard_constraints:
        shard=r"\d+",
    priority: variant_train_priority
    conda:
        CONDA_ENV
    threads: variant_train_threads
    resources:
        mem_mb=4000,
        gpu=0,
    params:
        spec=variant_spec,
        device=config["device"],
    script:
        "../scripts/train.py"


rule merge_variant_shards:
    """Join the shards of an experiment that a study variant shards into its run artefact."""
    input:
        unpack(variant_shard_inputs),
    output:
        weights="results/robustness/{variant}/runs/{experiment}/weights.safetensors",
        meta="results/robustness/{variant}/runs/{experiment}/meta.json",
    log:
        "results/logs/robustness/{variant}/train/{experiment}.merge.log",
    wildcard_constraints:
        variant=name_regex(SHARDED_VARIANTS),
        experiment=name_regex(VARIANT_SHARDED),
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=8000,
    params:
        spec=variant_spec,
    script:
        "../scripts/merge_shards.py"


# A variant's sharded experiment is merged from its shards (a shard count of 1 merges one shard).
ruleorder: merge_variant_shards > train_variant


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
        sae=lambda wildcards: VARIANT_CONFIGS[wildcards.variant]["sae"],
        seed=lambda wildcards: VARIANTS[wildcards.variant]["seed"],
    script:
        "../scripts/train_sae.py"


rule train_sae_benchmark_variant:
    """The SAE benchmark on a study variant's source runs."""
    input:
        weights=sae_benchmark_runs(
            "results/robustness/{variant}/runs", "weights.safetensors"
        ),
        meta=sae_benchmark_runs("results/robustness/{variant}/runs", "meta.json"),
        sources=package_sources("train_sae_benchmark.py", "tms.analysis.sae_benchmark"),
    output:
        weights="results/robustness/{variant}/runs/sae_benchmark/weights.safetensors",
        meta="results/robustness/{variant}/runs/sae_benchmark/meta.json",
        table="results/robustness/{variant}/sae_benchmark.json",
    log:
        "results/logs/robustness/{variant}/train/sae_benchmark.log",
    benchmark:
        "results/benchmarks/robustness/{variant}/train/sae_benchmark.tsv"
    priority: SAE_PRIORITY
    conda:
        CONDA_ENV
    threads: 2
    resources:
        mem_mb=3000,
    params:
        config=lambda wildcards: {
            "sae_benchmark": VARIANT_CONFIGS[wildcards.variant]["sae_benchmark"],
            "seed": VARIANTS[wildcards.variant]["seed"],
        },
    script:
        "../scripts/train_sae_benchmark.py"


rule claims_variant:
    """Check one figure's claims on a study variant's runs (or take them from the committed record
    when it checked exactly these runs)."""
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
