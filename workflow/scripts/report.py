"""Execute the replication-report notebook (papermill, kernel python3) and export it to HTML."""

import sys

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402
import papermill  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402

from tms.core.io import atomic_write  # noqa: E402

sm = snakemake  # noqa: F821

parameters = {
    "replication": sm.input.replication,
    "previews_dir": str(Path(sm.input.previews[0]).parent),
    "config": json.loads(json.dumps(sm.config)),
}


def execute(tmp):
    papermill.execute_notebook(
        sm.input.notebook, tmp, parameters=parameters, kernel_name="python3", cwd=os.getcwd(), progress_bar=False
    )


atomic_write(sm.output.notebook, execute)
# Readers want figures and tables, not the code that drew them (the .ipynb keeps it).
html, _ = HTMLExporter(exclude_input=True).from_notebook_node(nbformat.read(sm.output.notebook, as_version=4))
atomic_write(sm.output.html, lambda tmp: Path(tmp).write_text(html))
print(f"wrote {sm.output.notebook} and {sm.output.html}")
