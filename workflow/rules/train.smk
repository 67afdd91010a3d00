# Training (tms.jobs): one rule for toy models (a run, a shard or a study variant's run is a
# parameter), the merge of a sharded run, one rule for the sparse autoencoders.


rule train:
    """Train one toy-model run or shard: every density x replica of it in one batched run."""
    input:
        package_sources("train.py"),
    output:
        weights="results/{run}/weights.safetensors",
        meta="results/{run}/meta.json",
    log:
        "results/logs/train/{run}.log",
    benchmark:
        "results/benchmarks/train/{run}.tsv"
    wildcard_constraints:
        run=name_regex(JOBS.train),
    priority: lambda wildcards: JOBS.train[wildcards.run].priority
    conda:
        CONDA_ENV
    threads: lambda wildcards: job_threads(JOBS.train[wildcards.run].threads, workflow.cores)
    resources:
        mem_mb=4000,
        gpu=0,
    params:
        spec=lambda wildcards: JOBS.train[wildcards.run].spec,
        shard=lambda wildcards: JOBS.train[wildcards.run].shard,
        device=config["device"],
    script:
        "../scripts/train.py"


rule merge_shards:
    """Join a sharded run's shards into its run artefact."""
    input:
        unpack(merge_inputs),
    output:
        weights="results/{run}/weights.safetensors",
        meta="results/{run}/meta.json",
    log:
        "results/logs/train/{run}.merge.log",
    wildcard_constraints:
        run=name_regex(JOBS.merge),
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=8000,
    params:
        spec=lambda wildcards: JOBS.train[JOBS.merge[wildcards.run][0]].spec,
    script:
        "../scripts/merge_shards.py"


rule train_sae:
    """Beyond the paper: sparse autoencoders on finished runs (sae_recovery, sae_benchmark)."""
    input:
        unpack(sae_inputs),
    output:
        weights="results/{run}/weights.safetensors",
        meta="results/{run}/meta.json",
    log:
        "results/logs/train/{run}.log",
    benchmark:
        "results/benchmarks/train/{run}.tsv"
    wildcard_constraints:
        run=name_regex(JOBS.sae),
    priority: SAE_PRIORITY
    conda:
        CONDA_ENV
    # One thread: a second bought 7% (SAE benchmark alone, 2-core VM: 144 s on 1, 134 s on 2 at
    # twice the CPU) and leaves the other core to the next job; a 2-thread SAE job beside other
    # work stalls on its slower thread (645 s beside a running study).
    threads: 1
    resources:
        mem_mb=3000,
        gpu=0,
    params:
        run=lambda wildcards: JOBS.sae[wildcards.run].run,
        config=lambda wildcards: JOBS.sae[wildcards.run].config,
    script:
        "../scripts/train_sae.py"
