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
