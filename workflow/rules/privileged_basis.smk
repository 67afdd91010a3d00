# Section 7 of the paper (#privileged-basis).


rule privileged_basis:
    """F20/F22: the tied ReLU-hidden model's W and neuron stacks across the sparsity regimes."""
    input:
        **figure_inputs("privileged_basis"),
    output:
        report(
            "figures/privileged_basis.pdf",
            caption="../report/privileged_basis.rst",
            category="7. Privileged basis",
        ),
        preview="results/previews/privileged_basis.png",
    log:
        "results/logs/figures/privileged_basis.log",
    benchmark:
        "results/benchmarks/figures/privileged_basis.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="privileged_basis",
    script:
        "../scripts/figure.py"
