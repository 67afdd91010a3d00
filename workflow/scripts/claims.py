"""Check the paper's claims about one figure against its runs -> results/claims/<figure>.json."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch  # noqa: E402

from tms.claims import check_figure  # noqa: E402
from tms.core.io import load_run, write_json  # noqa: E402

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)

runs = {Path(meta).parent.name: load_run(Path(meta).parent) for meta in sm.input.meta}
results = check_figure(sm.wildcards.figure, runs)
for r in results:
    print(f"{r['id']:8} {r['status']:13} measured {r['measured']!r}: {r['statement']}")
write_json(sm.output[0], results)
