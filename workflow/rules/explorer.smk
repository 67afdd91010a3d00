# The explorer (docs/explorer.md): one self-contained interactive page drawn from the run artefacts.
from tms.explorer import EXPERIMENTS as EXPLORER_RUNS


rule explorer:
    """results/explorer.html: the interactive views and the replication table, offline in one file."""
    input:
        weights=expand("results/runs/{e}/weights.safetensors", e=EXPLORER_RUNS),
        meta=expand("results/runs/{e}/meta.json", e=EXPLORER_RUNS),
        replication="results/replication.json",
        sources=package_sources("explorer.py"),
    output:
        "results/explorer.html",
    log:
        "results/logs/explorer.log",
    benchmark:
        "results/benchmarks/explorer.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/explorer.py"
