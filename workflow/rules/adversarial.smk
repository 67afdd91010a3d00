# Section 6 of the paper (#adversarial).


rule adversarial:
    """F19: vulnerability to the analytic attack vs sparsity, on the F5 ReLU-output sweep."""
    input:
        **figure_inputs("adversarial"),
    output:
        report(
            "figures/adversarial.pdf",
            caption="../report/adversarial.rst",
            category="6. Adversarial robustness",
        ),
        preview="results/previews/adversarial.png",
    log:
        "results/logs/figures/adversarial.log",
    benchmark:
        "results/benchmarks/figures/adversarial.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
    params:
        figure="adversarial",
    script:
        "../scripts/figure.py"
