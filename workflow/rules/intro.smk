# Section 1 of the paper (#motivation).


rule intro:
    """F0: the five features of n=5, m=2 models at densities 1, 0.2, 0.1."""
    input:
        **figure_inputs("intro"),
    output:
        report(
            "figures/intro.pdf",
            caption="../report/intro.rst",
            category="1. Introduction",
        ),
        preview="results/previews/intro.png",
    log:
        "results/logs/figures/intro.log",
    benchmark:
        "results/benchmarks/figures/intro.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="intro",
    script:
        "../scripts/figure.py"
