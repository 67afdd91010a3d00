# Section 8 of the paper (#computation).


rule abs_small:
    """F24: the dense abs-value model's ReLU(x) + ReLU(-x) neuron pairs (n=3, m=6)."""
    input:
        **figure_inputs("abs_small"),
    output:
        report(
            "figures/abs_small.pdf",
            caption="../report/abs_small.rst",
            category="8. Computation in superposition",
        ),
        preview="results/previews/abs_small.png",
    log:
        "results/logs/figures/abs_small.log",
    benchmark:
        "results/benchmarks/figures/abs_small.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="abs_small",
    script:
        "../scripts/figure.py"


rule abs_sparsity:
    """F25: stacks of |W1| per neuron from dense to sparse (n=100, m=40)."""
    input:
        **figure_inputs("abs_sparsity"),
    output:
        report(
            "figures/abs_sparsity.pdf",
            caption="../report/abs_sparsity.rst",
            category="8. Computation in superposition",
        ),
        preview="results/previews/abs_sparsity.png",
    log:
        "results/logs/figures/abs_sparsity.log",
    benchmark:
        "results/benchmarks/figures/abs_sparsity.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="abs_sparsity",
    script:
        "../scripts/figure.py"


rule abs_motif:
    """F26/F27: mono- and polysemantic neurons in one model; the asymmetric motif found automatically."""
    input:
        **figure_inputs("abs_motif"),
    output:
        report(
            "figures/abs_motif.pdf",
            caption="../report/abs_motif.rst",
            category="8. Computation in superposition",
        ),
        preview="results/previews/abs_motif.png",
    log:
        "results/logs/figures/abs_motif.log",
    benchmark:
        "results/benchmarks/figures/abs_motif.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="abs_motif",
    script:
        "../scripts/figure.py"
