"""Train the sparse autoencoders of config["sae"] on their source run -> results/runs/sae_recovery/."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch  # noqa: E402

from tms.core.io import load_run, save_run  # noqa: E402
from tms.core.sae import run_sae  # noqa: E402

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)
config = {"sae": sm.params.sae, "seed": sm.params.seed}
tensors, meta = run_sae(config, load_run(Path(sm.input.meta).parent))
save_run(Path(sm.output.meta).parent, tensors, meta)
print(f"trained {len(meta['instances']['kind'])} SAEs in {meta['train_seconds']} s -> {sm.output.meta}")
