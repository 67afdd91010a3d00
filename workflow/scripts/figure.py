"""Draw one paper figure from its runs (plotting never trains)."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch  # noqa: E402

from tms.core.io import load_run  # noqa: E402
from tms.plots import plot_figure  # noqa: E402

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)

runs = {Path(meta).parent.name: load_run(Path(meta).parent) for meta in sm.input.meta}
print(f"plotting {sm.params.figure} from runs {sorted(runs)}")
plot_figure(sm.params.figure, runs, sm.output[0], sm.output.preview)
print(f"wrote {sm.output[0]} and {sm.output.preview}")
