# Section 5 of the paper (#learning).


rule learning_dynamics:
    """F17: features' dimensionality over training jumps to digons, beside the loss curve."""
    input:
        **figure_inputs("learning_dynamics"),
    output:
        report(
            "figures/learning_dynamics.pdf",
            caption="../report/learning_dynamics.rst",
            category="5. Learning dynamics",
        ),
        preview="results/previews/learning_dynamics.png",
    log:
        "results/logs/figures/learning_dynamics.log",
    benchmark:
        "results/benchmarks/figures/learning_dynamics.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="learning_dynamics",
    script:
        "../scripts/figure.py"


rule learning_geometry:
    """F18: two correlated sets of three in 3-D: a PCA-like stage, then an octahedron."""
    input:
        **figure_inputs("learning_geometry"),
    output:
        report(
            "figures/learning_geometry.pdf",
            caption="../report/learning_geometry.rst",
            category="5. Learning dynamics",
        ),
        preview="results/previews/learning_geometry.png",
    log:
        "results/logs/figures/learning_geometry.log",
    benchmark:
        "results/benchmarks/figures/learning_geometry.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="learning_geometry",
    script:
        "../scripts/figure.py"
