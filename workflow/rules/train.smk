# Training: one job per experiment, or with `shards: N` one job per shard plus a merge; the
# sparse autoencoders (sae_recovery, sae_benchmark) train on finished runs.


rule train:
    """Train one experiment (all its densities x replicas in one batched run)."""
    input:
        package_sources("train.py"),
    output:
        weights="results/runs/{experiment}/weights.safetensors",
        meta="results/runs/{experiment}/meta.json",
    log:
        "results/logs/train/{experiment}.log",
    benchmark:
        "results/benchmarks/train/{experiment}.tsv"
    wildcard_constraints:
        experiment=name_regex(UNSHARDED),
    priority: train_priority
    conda:
        CONDA_ENV
    threads: train_threads
    resources:
        mem_mb=2000,
        gpu=0,
    params:
        spec=experiment_spec,
        device=config["device"],
    script:
        "../scripts/train.py"


rule train_shard:
    """Train shard {shard} of a sharded experiment (a contiguous block of its instances)."""
    input:
        package_sources("train.py"),
    output:
        weights="results/shards/{experiment}/{shard}/weights.safetensors",
        meta="results/shards/{experiment}/{shard}/meta.json",
    log:
        "results/logs/train/{experiment}.{shard}.log",
    benchmark:
        "results/benchmarks/train/{experiment}.{shard}.tsv"
    wildcard_constraints:
        experiment=name_regex(SHARDED),
        shard=r"\d+",
    priority: train_priority
    conda:
        CONDA_ENV
    threads: train_threads
    resources:
        mem_mb=2000,
        gpu=0,
    params:
        spec=experiment_spec,
        device=config["device"],
    script:
        "../scripts/train.py"


rule merge_shards:
    """Join a sharded experiment's shards into its run artefact."""
    input:
        unpack(shard_inputs),
    output:
        weights="results/runs/{experiment}/weights.safetensors",
        meta="results/runs/{experiment}/meta.json",
    log:
        "results/logs/train/{experiment}.merge.log",
    wildcard_constraints:
        experiment=name_regex(SHARDED),
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=4000,
    params:
        spec=experiment_spec,
    script:
        "../scripts/merge_shards.py"


rule train_sae:
    """Beyond the paper: sparse autoencoders on the hidden activations of a density sweep."""
    input:
        weights=f"results/runs/{config['sae']['source']}/weights.safetensors",
        meta=f"results/runs/{config['sae']['source']}/meta.json",
        sources=package_sources("train_sae.py"),
    output:
        weights="results/runs/sae_recovery/weights.safetensors",
        meta="results/runs/sae_recovery/meta.json",
    log:
        "results/logs/train/sae_recovery.log",
    benchmark:
        "results/benchmarks/train/sae_recovery.tsv"
    priority: SAE_PRIORITY
    conda:
        CONDA_ENV
    threads: 2
    resources:
        mem_mb=3000,
    params:
        sae=config["sae"],
        seed=config["seed"],
    script:
        "../scripts/train_sae.py"


rule train_sae_benchmark:
    """Beyond the paper: the SAE benchmark, every kind scored against known features."""
    input:
        weights=sae_benchmark_runs("results/runs", "weights.safetensors"),
        meta=sae_benchmark_runs("results/runs", "meta.json"),
        sources=package_sources("train_sae_benchmark.py", "tms.analysis.sae_benchmark"),
    output:
        weights="results/runs/sae_benchmark/weights.safetensors",
        meta="results/runs/sae_benchmark/meta.json",
        table="results/sae_benchmark.json",
    log:
        "results/logs/train/sae_benchmark.log",
    benchmark:
        "results/benchmarks/train/sae_benchmark.tsv"
    priority: SAE_PRIORITY
    conda:
        CONDA_ENV
    threads: 2
    resources:
        mem_mb=3000,
    params:
        config=lambda wildcards: {k: config[k] for k in ("sae_benchmark", "seed")},
    script:
        "../scripts/train_sae_benchmark.py"
