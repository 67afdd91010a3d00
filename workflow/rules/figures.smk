# One rule per figure of the registry (tms.figures.FIGURES), named after it: `snakemake
# figures/intro.pdf` runs rule intro. The report caption is one template for all, filled from
# the entry (workflow/report/figure.rst renders params.caption).


for entry in FIGURES.values():

    rule:
        name:
            entry.name
        input:
            **figure_inputs(entry.name),
        output:
            report(
                f"figures/{entry.name}.pdf",
                caption="../report/figure.rst",
                category=entry.category,
            ),
            preview=f"results/previews/{entry.name}.png",
        log:
            f"results/logs/figures/{entry.name}.log",
        benchmark:
            f"results/benchmarks/figures/{entry.name}.tsv"
        conda:
            CONDA_ENV
        threads: 1
        resources:
            mem_mb=2000,
        params:
            figure=entry.name,
            caption=entry.caption,
        script:
            "../scripts/figure.py"

    workflow.get_rule(entry.name).docstring = entry.doc
