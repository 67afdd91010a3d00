# Beyond the paper: questions its readers leave open, answered where the features are known.


rule incidental_polysemanticity:
    """Beyond the paper: polysemantic neurons with ample neurons (m = 2n), by weight decay."""
    input:
        **figure_inputs("incidental_polysemanticity"),
    output:
        report(
            "figures/incidental_polysemanticity.pdf",
            caption="../report/incidental_polysemanticity.rst",
            category="9. Beyond the paper",
        ),
        preview="results/previews/incidental_polysemanticity.png",
    log:
        "results/logs/figures/incidental_polysemanticity.log",
    benchmark:
        "results/benchmarks/figures/incidental_polysemanticity.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="incidental_polysemanticity",
    script:
        "../scripts/figure.py"


rule product_neurons:
    """Beyond the paper: the neurons of a 4-neuron ReLU MLP computing x*y."""
    input:
        **figure_inputs("product_neurons"),
    output:
        report(
            "figures/product_neurons.pdf",
            caption="../report/product_neurons.rst",
            category="9. Beyond the paper",
        ),
        preview="results/previews/product_neurons.png",
    log:
        "results/logs/figures/product_neurons.log",
    benchmark:
        "results/benchmarks/figures/product_neurons.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="product_neurons",
    script:
        "../scripts/figure.py"


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


rule sae_recovery:
    """Beyond the paper: how well sparse autoencoders recover the known features."""
    input:
        **figure_inputs("sae_recovery"),
    output:
        report(
            "figures/sae_recovery.pdf",
            caption="../report/sae_recovery.rst",
            category="9. Beyond the paper",
        ),
        preview="results/previews/sae_recovery.png",
    log:
        "results/logs/figures/sae_recovery.log",
    benchmark:
        "results/benchmarks/figures/sae_recovery.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="sae_recovery",
    script:
        "../scripts/figure.py"
