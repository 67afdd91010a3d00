# Toy Models of Superposition (Elhage et al. 2022): every figure and the replication report.
#   snakemake                                  # default fidelity (profiles/default: cores all)
#   snakemake figures/intro.pdf                # one figure, only the runs it needs
#   snakemake --configfile config/quick.yaml   # smoke overlay
#   snakemake results/explorer.html            # the interactive page
#   snakemake results/robustness.md            # the robustness study (seeds, init, steps)
from snakemake.utils import min_version, validate

from tms.figures import FIGURES

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/replication.smk"
include: "workflow/rules/explorer.smk"
include: "workflow/rules/robustness.smk"


rule all:
    default_target: True
    input:
        expand("figures/{figure}.pdf", figure=FIGURES),
        "results/replication.json",
        "results/replication.md",
        "results/replication_report.html",
        "results/explorer.html",
