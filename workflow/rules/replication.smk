# Claim checks (docs/figures.md claim ids) and the replication report that merges them.


rule claims:
    """Check the paper's claims about one figure against its runs."""
    input:
        unpack(claim_inputs),
    output:
        "results/claims/{figure}.json",
    log:
        "results/logs/claims/{figure}.log",
    benchmark:
        "results/benchmarks/claims/{figure}.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/claims.py"


rule replication:
    """Merge every figure's claim results into the replication report."""
    input:
        claims=expand("results/claims/{figure}.json", figure=FIGURES),
        sources=package_sources("replication.py"),
        record=study_record(),
    output:
        json="results/replication.json",
        md="results/replication.md",
    log:
        "results/logs/replication.log",
    benchmark:
        "results/benchmarks/replication.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/replication.py"


rule replication_report:
    """The report notebook, executed by papermill on this build's runs and exported to HTML."""
    input:
        replication="results/replication.json",
        previews=expand("results/previews/{figure}.png", figure=FIGURES),
        notebook="workflow/notebooks/replication_report.ipynb",
        sources=package_sources("claims.py"),
    output:
        notebook="results/replication_report.ipynb",
        html=report(
            "results/replication_report.html",
            caption="../report/replication_report.rst",
            category="0. Replication report",
        ),
    log:
        "results/logs/replication_report.log",
    benchmark:
        "results/benchmarks/replication_report.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/report.py"
