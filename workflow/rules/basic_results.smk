# Section 2 of the paper (#demonstrating-basic-results).


rule basic_results:
    """F4: linear vs ReLU output models, n=20, m=5, across seven densities."""
    input:
        **figure_inputs("basic_results"),
    output:
        report(
            "figures/basic_results.pdf",
            caption="../report/basic_results.rst",
            category="2. Demonstrating superposition",
        ),
        preview="results/previews/basic_results.png",
    log:
        "results/logs/figures/basic_results.log",
    benchmark:
        "results/benchmarks/figures/basic_results.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="basic_results",
    script:
        "../scripts/figure.py"


rule basic_results_large:
    """F5: the same at n=80, m=20: essentially a rescaled version."""
    input:
        **figure_inputs("basic_results_large"),
    output:
        report(
            "figures/basic_results_large.pdf",
            caption="../report/basic_results_large.rst",
            category="2. Demonstrating superposition",
        ),
        preview="results/previews/basic_results_large.png",
    log:
        "results/logs/figures/basic_results_large.log",
    benchmark:
        "results/benchmarks/figures/basic_results_large.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="basic_results_large",
    script:
        "../scripts/figure.py"
