"""Check the paper's claims about one figure against its runs -> results/claims/<figure>.json (or a
study variant's results/robustness/<variant>/claims/<figure>.json)."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch  # noqa: E402

from tms.claims.check import check_figure  # noqa: E402
from tms.core.io import load_run, write_json  # noqa: E402

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)

if sm.params.get("reused") is not None:
    # a study variant's checks that the committed record made on these runs (tms.robustness.reusable)
    results = sm.params.reused
    print(f"from {sm.config['robustness']['record']} (made on the runs this variant trains now)")
else:
    runs = {Path(meta).parent.name: load_run(Path(meta).parent) for meta in sm.input.meta}
    results = check_figure(sm.wildcards.figure, runs)
for r in results:
    print(f"{r['id']:8} {r['status']:13} measured {r['measured']!r}: {r.get('statement', '')}")
write_json(sm.output[0], results)
