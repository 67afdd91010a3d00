"""Write results/explorer.html from the runs it shows and the replication table."""

import sys

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import json  # noqa: E402
from pathlib import Path  # noqa: E402

from tms.core.io import load_run  # noqa: E402
from tms.explorer import write_explorer  # noqa: E402

sm = snakemake  # noqa: F821

runs = {Path(p).parent.name: load_run(Path(p).parent) for p in sm.input.meta}
claims = json.loads(Path(sm.input.replication).read_text())
size = write_explorer(sm.output[0], runs, claims)
print(f"wrote {sm.output[0]} ({size / 1e6:.1f} MB) from {len(runs)} runs and {len(claims)} claims")
