"""Check the paper's claims about one figure against its runs -> results/claims/<figure>.json (or a
study variant's results/robustness/<variant>/claims/<figure>.json)."""

import json
import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch  # noqa: E402

from tms.claims.check import check_figure  # noqa: E402
from tms.core.io import load_run, write_json  # noqa: E402

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)

if "record" in sm.input.keys():  # noqa: SIM118 (`in` on a Namedlist tests its files)
    # a study variant's checks that the committed record made on these runs
    from tms.robustness import reusable

    record = json.loads(Path(sm.input.record).read_text())
    results = reusable(record, sm.config, sm.wildcards.variant, sm.wildcards.figure)
    print(f"from {sm.input.record} (made on the runs this variant trains now)")
else:
    runs = {Path(meta).parent.name: load_run(Path(meta).parent) for meta in sm.input.meta}
    results = check_figure(sm.wildcards.figure, runs)
for r in results:
    print(f"{r['id']:8} {r['status']:13} measured {r['measured']!r}: {r.get('statement', '')}")
write_json(sm.output[0], results)
