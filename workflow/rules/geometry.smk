# Section 4 of the paper (#geometry): uniform superposition, correlated features.


rule dimensions_per_feature:
    """F9: dimensions per feature D* against sparsity, sticky at 1 and 1/2."""
    input:
        **figure_inputs("dimensions_per_feature"),
    output:
        report(
            "figures/dimensions_per_feature.pdf",
            caption="../report/dimensions_per_feature.rst",
            category="4. Geometry of superposition",
        ),
        preview="results/previews/dimensions_per_feature.png",
    log:
        "results/logs/figures/dimensions_per_feature.log",
    benchmark:
        "results/benchmarks/figures/dimensions_per_feature.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="dimensions_per_feature",
    script:
        "../scripts/figure.py"


rule feature_dimensionality:
    """F10: every feature's dimensionality D_i by density, coloured by its tegum factor's polytope."""
    input:
        **figure_inputs("feature_dimensionality"),
    output:
        report(
            "figures/feature_dimensionality.pdf",
            caption="../report/feature_dimensionality.rst",
            category="4. Geometry of superposition",
        ),
        preview="results/previews/feature_dimensionality.png",
    log:
        "results/logs/figures/feature_dimensionality.log",
    benchmark:
        "results/benchmarks/figures/feature_dimensionality.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="feature_dimensionality",
    script:
        "../scripts/figure.py"


rule non_uniform:
    """F13: a pentagon whose fifth feature gets sparser snaps to two digons."""
    input:
        **figure_inputs("non_uniform"),
    output:
        report(
            "figures/non_uniform.pdf",
            caption="../report/non_uniform.rst",
            category="4. Geometry of superposition",
        ),
        preview="results/previews/non_uniform.png",
    log:
        "results/logs/figures/non_uniform.log",
    benchmark:
        "results/benchmarks/figures/non_uniform.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="non_uniform",
    script:
        "../scripts/figure.py"


rule correlated_features:
    """F14: correlated pairs go orthogonal, anticorrelated pairs antipodal, three pairs side by side."""
    input:
        **figure_inputs("correlated_features"),
    output:
        report(
            "figures/correlated_features.pdf",
            caption="../report/correlated_features.rst",
            category="4. Geometry of superposition",
        ),
        preview="results/previews/correlated_features.png",
    log:
        "results/logs/figures/correlated_features.log",
    benchmark:
        "results/benchmarks/figures/correlated_features.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="correlated_features",
    script:
        "../scripts/figure.py"


rule local_bases:
    """F15: two sets of correlated features form local orthogonal bases."""
    input:
        **figure_inputs("local_bases"),
    output:
        report(
            "figures/local_bases.pdf",
            caption="../report/local_bases.rst",
            category="4. Geometry of superposition",
        ),
        preview="results/previews/local_bases.png",
    log:
        "results/logs/figures/local_bases.log",
    benchmark:
        "results/benchmarks/figures/local_bases.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="local_bases",
    script:
        "../scripts/figure.py"


rule collapse:
    """F16: correlated pairs collapse onto their principal component as density grows."""
    input:
        **figure_inputs("collapse"),
    output:
        report(
            "figures/collapse.pdf",
            caption="../report/collapse.rst",
            category="4. Geometry of superposition",
        ),
        preview="results/previews/collapse.png",
    log:
        "results/logs/figures/collapse.log",
    benchmark:
        "results/benchmarks/figures/collapse.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    params:
        figure="collapse",
    script:
        "../scripts/figure.py"
