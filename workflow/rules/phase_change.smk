# Section 3 of the paper (#phase-change).


rule phase_diagram:
    """F7: phase diagram of n=2, m=1: closed form beside a trained (r, s) grid."""
    input:
        **figure_inputs("phase_diagram"),
    output:
        report(
            "figures/phase_diagram.pdf",
            caption="../report/phase_diagram.rst",
            category="3. Superposition as a phase change",
        ),
        preview="results/previews/phase_diagram.png",
    log:
        "results/logs/figures/phase_diagram.log",
    benchmark:
        "results/benchmarks/figures/phase_diagram.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="phase_diagram",
    script:
        "../scripts/figure.py"


rule phase_diagram_3_2:
    """F8: phase diagram of n=3, m=2: the same, with its flat 4/7 line for r > 1."""
    input:
        **figure_inputs("phase_diagram_3_2"),
    output:
        report(
            "figures/phase_diagram_3_2.pdf",
            caption="../report/phase_diagram_3_2.rst",
            category="3. Superposition as a phase change",
        ),
        preview="results/previews/phase_diagram_3_2.png",
    log:
        "results/logs/figures/phase_diagram_3_2.log",
    benchmark:
        "results/benchmarks/figures/phase_diagram_3_2.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="phase_diagram_3_2",
    script:
        "../scripts/figure.py"
